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
#: the prover's work budget at each precision, in units of :mod:`paper_checks.work` (counted, the same on every
#: machine; one unit is about a second on a quiet 2-core laptop): ``explore --prove``,
#: :func:`api.prove_claim` and a claim's own ``prove(..., work=ctx.prove_work)`` read it (through
#: :mod:`paper_checks.context`), so that a precision means one budget everywhere; here, so that the command line's
#: help states it without importing the checks' machinery
PROVE_WORK = {"quick": 2.0, "standard": 6.0, "full": 30.0}


def lower(precision: str, than: str) -> bool:
    """Whether ``precision`` is cheaper than ``than`` (``lower("quick", "standard")``)."""
    return PRECISIONS.index(precision) < PRECISIONS.index(than)


def precision_note(ran_at: str | None, recorded_at: str) -> str | None:
    """The line that goes with a verdict that differs from a claim's ``expected=`` when the check ran at another
    precision than the one that verdict was recorded at (``None`` when the precisions agree or ``ran_at`` is
    unknown): a difference that may come from a lower precision alone is said to be one, never passed over."""
    if ran_at is None or ran_at == recorded_at:
        return None
    if lower(ran_at, recorded_at):
        return (f"ran at {ran_at} precision, below {recorded_at}, the precision its expected= was recorded at: the "
                f"difference may come from the lower precision alone; rerun at {recorded_at} to decide")
    return (f"ran at {ran_at} precision; its expected= was recorded at {recorded_at}: record the verdict at "
            f"{ran_at} (expected_at={ran_at!r}) if it holds there")
