"""Claims of the label-noise papers, their checks, the runner, the report and the search.

``python -m paper_checks`` (or the console script ``paper-checks``) runs every registered claim (docs/design.md,
"The runner").
"""
import importlib.metadata

try:
    #: the installed distribution's version: pyproject.toml's, its one source
    __version__ = importlib.metadata.version("label-noise-lab")
except importlib.metadata.PackageNotFoundError:  # a source tree on sys.path, never installed
    __version__ = "0+unknown"
