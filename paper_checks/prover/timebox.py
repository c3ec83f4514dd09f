"""One step of the prover with at most ``T`` seconds, in a child process that is ended when they are up.

Some steps cannot interrupt themselves: a SymPy ``diff``, ``simplify``, ``solve`` or ``xreplace`` of a large
margin runs in one call for as long as it takes, and a C extension does not even see an alarm.
:func:`timebox` runs such a step in a child process (the worker of :mod:`paper_checks.run.isolation`,
ended with ``SIGKILL`` at the limit) and gives back its value, or :data:`OVERRAN` when the time ran
out, so that the caller goes on with what it has (an ``undecided`` naming the step, never a hang):

    from paper_checks.prover.timebox import OVERRAN, timebox

    value = timebox(critical_at, (t, box), seconds=min(2.0, left), stage="second-order: critical point")
    if value is OVERRAN:
        ...  # the step ran out of time: skip it, and say so

What the step raises is raised again here with its own type (``ValueError``, ``TypeError``, ...), so the
caller's ``except`` clauses work as they did in-process. The function, its arguments and its value travel
by pickle: they must be picklable (SymPy expressions, numbers, ``Fraction``\\ s, lists and dataclasses of
them are; a compiled :class:`~paper_checks.prover.trace.Traced`, which holds closures, is not: send its
``expr`` and ``symbols``). A child costs a fork, a few milliseconds: box one step of SymPy work, not each
interval evaluation. Where no child can be started (inside a daemonic process) the step runs here under
:func:`paper_checks.deadline.deadline`, which interrupts pure-Python work in the main thread.
"""
from __future__ import annotations

import multiprocessing
from typing import Any, Callable, Sequence

from paper_checks.deadline import TimedOut, deadline

#: below this many seconds a step is not started at all (a child would not even finish forking)
LEAST_SECONDS = 0.005


class _Overran:
    """The marker :func:`timebox` returns when a step ran out of its time (one instance, :data:`OVERRAN`)."""

    def __repr__(self) -> str:
        return "OVERRAN"

    def __bool__(self) -> bool:  # a step's value may be falsy; the marker is tested with ``is OVERRAN``
        return False


#: what :func:`timebox` returns for a step that did not finish within its seconds
OVERRAN = _Overran()


class _Raised:
    """An exception raised by the step in the child, carried back to be raised again in the parent."""

    def __init__(self, exc: BaseException) -> None:
        self.exc = exc


def _call(fn: Callable[..., Any], args: tuple[Any, ...]) -> Any:
    """In the child: ``fn(*args)``, or the exception it raised (as a :class:`_Raised`, when it pickles)."""
    try:
        return fn(*args)
    except Exception as exc:  # noqa: BLE001 (carried back and raised again with its own type)
        return _Raised(exc)


def timebox(fn: Callable[..., Any], args: Sequence[Any] = (), *, seconds: float, stage: str = "") -> Any:
    """``fn(*args)`` run in a child process for at most ``seconds``: its value, or :data:`OVERRAN`.

    Parameters
    ----------
    fn : a module-level function (picklable); it runs in a forked child, so what it changes there is lost
    args : its arguments (picklable)
    seconds : the most wall-clock seconds the step may take (the caller's remaining time); at most
        :data:`LEAST_SECONDS` or not a positive number: :data:`OVERRAN` at once, nothing started
    stage : what the step is, in words, for the error of a child that died ("second-order: critical point")

    Returns
    -------
    The step's value, or :data:`OVERRAN` when ``seconds`` ran out (the child is killed). An exception the
    step raised is raised here with its own type; a child that died (a crash, the out-of-memory killer)
    raises ``RuntimeError`` naming ``stage``.
    """
    if not seconds > LEAST_SECONDS:
        return OVERRAN
    args = tuple(args)
    if multiprocessing.current_process().daemon:  # no children here: the alarm, in-process
        try:
            with deadline(seconds):
                return fn(*args)
        except TimedOut:
            return OVERRAN
    from paper_checks.run.isolation import Failure, run_pooled  # the run layer's worker, reused (imported late:
    # the prover sits below the run machinery in the layer order of docs/design.md)

    out: list[Any] = []
    run_pooled(_call, [(fn, args)], [0], lambda i, value: out.append(value), jobs=1, timeout=seconds)
    value = out[0] if out else Failure("no outcome")
    if isinstance(value, Failure):
        if value.message.startswith("timed out after"):
            return OVERRAN
        raise RuntimeError(f"{stage or getattr(fn, '__name__', 'the step')}: {value.message}")
    if isinstance(value, _Raised):
        raise value.exc
    return value
