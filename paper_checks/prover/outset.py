"""A proof's outset and its stops: a top-level proof starts from the same memory and the same random state wherever it
runs (:func:`forget`, :func:`fixed_random`), knows whether it is a sub-proof (:func:`inside`), and ends on one of two
stops of its own, the work budget spent (:class:`OutOfWork`) or the wall-clock net come (:class:`OutOfTime`);
docs/design.md, "Work, not the wall clock"."""
from __future__ import annotations

import contextlib
import contextvars
from typing import Any, Callable, Iterator

from sympy.core.cache import clear_cache

from paper_checks import work
from paper_checks.prover.critical import second
from paper_checks.prover.enclosures import bound, enclose
from paper_checks.prover.subproofs import subproblem
from paper_checks.prover.tracing import normal_form

#: whether a proof is running in this context (a sub-proof then keeps what the proof around it made)
INSIDE: contextvars.ContextVar[bool] = contextvars.ContextVar("inside_a_proof", default=False)


def inside() -> bool:
    """Whether this call runs inside a proof (a sub-proof)."""
    return INSIDE.get()


def net_text(seconds: float | None) -> str:
    return ("the wall-clock limit (a safety net)" if seconds is None else
            f"the wall-clock limit of {seconds:g} s (a safety net)")


@contextlib.contextmanager
def fixed_random(top: bool = True) -> Iterator[None]:
    """SymPy's own random generators seeded the same in every top-level proof (:func:`paper_checks.work.seeded`): a
    sub-proof (``top`` false) runs on in its proof's."""
    if not top:
        yield
        return
    with work.seeded():
        yield


def forget() -> None:
    """Empty what the prover and SymPy keep between proofs (sub-proofs kept, limits, enclosures, SymPy's cache), so
    that a proof's work and route do not depend on what ran before it in the process."""
    clear_cache()
    subproblem.forget()
    bound.forget_limits()
    enclose.forget()
    second.forget()
    normal_form.forget()
    work.NET_FIRED.clear()



class OutOfWork(BaseException):
    """The prover's own stop (:data:`ALARM_GRACE` units after its work budget), for a step that cannot stop itself:
    neither a ``TimedOut`` nor an ``Exception``, so that no step's handler takes it for its own."""

    def __init__(self, units: float) -> None:
        super().__init__(f"work budget of {units:g} units spent")


class OutOfTime(BaseException):
    """The prover's own alarm (:data:`ALARM_GRACE` after its time limit): not a ``TimedOut``, so that no step's
    own ``except TimedOut`` takes it for that step's limit; a ``BaseException``, so that no ``except Exception``
    swallows it."""

    def __init__(self, seconds: float) -> None:
        super().__init__(f"timed out after {seconds:g} s")


#: whether this process has done its one-time set-up (:func:`warm_up`)
_WARM = [False]


#: the function the warm-up proves with (:func:`paper_checks.prover.prove_expr.prove_expr`, which registers itself
#: with :func:`warms_with`: this module is below it and imports no proof)
_WARM_WITH: list[Callable[..., Any]] = []


def warms_with(prove_expr: Callable[..., Any]) -> Callable[..., Any]:
    """Register the function :func:`warm_up` proves its three margins with; returns it."""
    _WARM_WITH[:] = [prove_expr]
    return prove_expr


def warm_up() -> None:
    """The process's one-time set-up, done once before its first proof and not counted: SymPy's lazy imports, z3's
    first context, mpmath's constants, the printers and ``lambdify``. Counted, they made the first proof of a process
    cost more work than the same proof after it, so that its route could depend on what ran before."""
    if _WARM[0] or not _WARM_WITH:
        return
    _WARM[0] = True
    import sympy

    x = sympy.Symbol("x", real=True)
    before = work.calls()
    try:
        for margin in (sympy.log(1 + x) - x / (1 + x), x**2 - 2 * x + 1, sympy.exp(x) - 1 - x):
            _WARM_WITH[0](margin, {x: (0, 1)}, seconds=30, work=2)
    finally:
        work.uncount(work.calls() - before)
