"""The three precisions of a run and what each means by default: one home, standard library only.

The pytest plugin (loaded in every pytest run of every environment that installs the package) reads these before
any claim is asked for, so this module imports nothing; :mod:`paper_checks.context` (the checks' ``PRECISIONS``)
and :mod:`paper_checks.run.isolation` (the runner's per-claim limit) re-export them.
"""
from __future__ import annotations

#: a check's precision, cheapest first (a claim's ``expected=`` is recorded at one of them: ``expected_at=``)
PRECISIONS = ("quick", "standard", "full")
#: the precision of ``python -m paper_checks run`` and the one a claim's ``expected=`` means unless its
#: registration says ``expected_at=``
RECORDED_AT = "standard"
#: per-claim time limits (seconds) of the command line and the pytest plugin, by precision; generous, they stop
#: runaways
DEFAULT_TIMEOUT = {"quick": 300.0, "standard": 900.0, "full": 3600.0}


def lower(precision: str, than: str) -> bool:
    """Whether ``precision`` is cheaper than ``than`` (``lower("quick", "standard")``)."""
    return PRECISIONS.index(precision) < PRECISIONS.index(than)
