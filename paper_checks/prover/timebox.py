"""One step of the prover with at most ``W`` units of work, in a child process that is ended if it runs away.

Some steps cannot interrupt themselves: a SymPy ``diff``, ``simplify``, ``solve`` or ``xreplace`` of a large
margin runs in one call for as long as it takes, and a C extension does not even see an alarm.
:func:`timebox` runs such a step in a child process (the worker of :mod:`paper_checks.run.isolation`)
under a limit of *work* (:mod:`paper_checks.work`: counted, so the step is given up at the same point on
every machine), and gives back its value, or :data:`OVERRAN` when the work ran out, so that the caller goes on
with what it has (an ``undecided`` naming the step, never a hang). The work the child spent is charged to this
process's meter. No clock decides here: the child is stopped by its count alone, and ended with ``SIGKILL`` only
when the call's one wall-clock net comes (:func:`paper_checks.prover.outset.net`: its alarm interrupts the wait here,
the pool ends the child on the way out, and the call is reported interrupted):

    from paper_checks.prover.timebox import OVERRAN, timebox

    value = timebox(critical_at, (t, box), seconds=min(2.0, left), stage="second-order: critical point")
    if value is OVERRAN:
        ...  # the step ran out of its work: skip it, and say so

What the step raises is raised again here with its own type (``ValueError``, ``TypeError``, ...), so the
caller's ``except`` clauses work as they did in-process. ``seconds`` is a number of work units (the name is kept
for the callers: one unit is about a second of work on a quiet laptop). The function, its arguments and its value travel
by pickle: they must be picklable (SymPy expressions, numbers, ``Fraction``\\ s, lists and dataclasses of
them are; a compiled :class:`~paper_checks.prover.tracing.trace.Traced`, which holds closures, is not: send its
``expr`` and ``symbols``). A child costs a fork, a few milliseconds: box one step of SymPy work, not each
interval evaluation. Where no child can be started (inside a daemonic process) the step runs here under
:func:`paper_checks.work.limit`, which interrupts pure-Python work at the same point.
"""
from __future__ import annotations

import multiprocessing
from typing import Any, Callable, Sequence

from paper_checks import work
from paper_checks.deadline import TimedOut

#: below this many work units a step is not started at all
LEAST_WORK = 0.005


class _Overran:
    """The marker :func:`timebox` returns when a step ran out of its time (one instance, :data:`OVERRAN`)."""

    def __repr__(self) -> str:
        return "OVERRAN"

    def __bool__(self) -> bool:  # a step's value may be falsy; the marker is tested with ``is OVERRAN``
        return False

    def __reduce__(self) -> str:  # back from a child as the one instance
        return "OVERRAN"


#: what :func:`timebox` returns for a step that did not finish within its seconds
OVERRAN = _Overran()


class _Raised:
    """An exception raised by the step in the child, carried back to be raised again in the parent."""

    def __init__(self, exc: BaseException) -> None:
        self.exc = exc


def _call(fn: Callable[..., Any], args: tuple[Any, ...], units: float) -> tuple[Any, int]:
    """In the child: ``fn(*args)`` within ``units`` of work, or :data:`OVERRAN`, or the exception it raised (as a
    :class:`_Raised`, when it pickles); with the calls it spent."""
    with work.metered():
        start = work.calls()
        try:
            with work.limit(units):
                value = fn(*args)
        except TimedOut:
            value = OVERRAN
        except Exception as exc:  # noqa: BLE001 (carried back and raised again with its own type)
            value = _Raised(exc)
        return value, work.calls() - start


def timebox(fn: Callable[..., Any], args: Sequence[Any] = (), *, seconds: float, stage: str = "") -> Any:
    """``fn(*args)`` run in a child process for at most ``seconds``: its value, or :data:`OVERRAN`.

    Parameters
    ----------
    fn : a module-level function (picklable); it runs in a forked child, so what it changes there is lost
    args : its arguments (picklable)
    seconds : the most work units the step may spend (:mod:`paper_checks.work`); at most
        :data:`LEAST_WORK` or not a positive number: :data:`OVERRAN` at once, nothing started
    stage : what the step is, in words, for the error of a child that died ("second-order: critical point")

    Returns
    -------
    The step's value, or :data:`OVERRAN` when its work ran out (the call's wall-clock net interrupts the wait, and
    the child is killed on the way out). An exception the
    step raised is raised here with its own type; a child that died (a crash, the out-of-memory killer)
    raises ``RuntimeError`` naming ``stage``.
    """
    if not seconds > LEAST_WORK:
        return OVERRAN
    args = tuple(args)
    if multiprocessing.current_process().daemon:  # no children here: the work limit, in-process
        try:
            with work.limit(seconds):
                return fn(*args)
        except TimedOut:
            return OVERRAN
    out: list[Any] = []
    with work.paused():  # the wait polls as often as the child takes time (and the first call imports the run
        # layer's worker): only the child's own work counts
        from paper_checks.run.isolation import Failure, run_pooled  # imported late: the prover sits below the run
        # machinery in the layer order of docs/design.md

        run_pooled(_call, [(fn, args, seconds)], [0], lambda i, value: out.append(value), jobs=1)
    value = out[0] if out else Failure("no outcome")
    if isinstance(value, Failure):
        raise RuntimeError(f"{stage or getattr(fn, '__name__', 'the step')}: {value.message}")
    value, spent = value
    work.charge(spent / work.CALLS_PER_UNIT)
    if isinstance(value, _Raised):
        raise value.exc
    return value
