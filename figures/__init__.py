"""Publication figures drawn from the same computations as the checks.

``python -m figures [--format png|pdf|svg] [--out DIR] [--only NAME ...] [--precision quick|standard]``
builds every figure. Each paper module registers its figures with :func:`figures.registry.figure`.
"""
