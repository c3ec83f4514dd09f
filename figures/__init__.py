"""Publication figures drawn from the checks' own computations.

``python -m label_noise_lab.figures [--format png|pdf|svg] [--out DIR] [--only NAME ...] [--precision
quick|standard|full]
[--seed N]`` builds every figure, each with its plotted numbers as CSV and a caption. A paper module
registers each figure with ``@label_noise_lab.figures.registry.figure(name, claim=ID)`` as ``fn(ctx) -> Drawn``: ``ctx``
is the claim's :class:`paper_checks.context.Context`, and the figure calls the claim's data function
(``paper_checks.figdata``), so it plots the numbers the report quotes. ``label_noise_lab.figures.registry.draw(name)``
returns the matplotlib ``Figure``, the data and the caption, for a notebook to restyle.
"""
# the loss zoo's figure registers itself with @figure like any figure module; imported with the package, so
# that label_noise_lab.figures.registry.load() finds it without the registry importing the zoo (which imports the
# registry)
from label_noise_lab.figures import zoo  # noqa: E402, F401
