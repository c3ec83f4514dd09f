"""Claims of the label-noise papers, their checks, the runner, the report and the search.

``python -m paper_checks`` runs every registered claim (docs/design.md, "The runner").
"""
