"""A proof's outset and its stops: a top-level proof starts from the same memory and the same random state wherever it
runs (:func:`forget`, :func:`fixed_random`), knows whether it is a sub-proof (:func:`inside`), and ends on one of two
stops of its own, the work budget spent (:class:`OutOfWork`) or the wall-clock net come (:class:`OutOfTime`);
docs/design.md, "Work, not the wall clock"."""
from __future__ import annotations

import contextlib
import contextvars
import time
from typing import Any, Callable, Iterator

import sympy

from paper_checks import work
from paper_checks.deadline import deadline, never_cut
from paper_checks.prover.critical import second
from paper_checks.prover.enclosures import bound, enclose
from paper_checks.prover.subproofs import subproblem

#: whether a proof is running in this context (a sub-proof then keeps what the proof around it made)
INSIDE: contextvars.ContextVar[bool] = contextvars.ContextVar("inside_a_proof", default=False)


def inside() -> bool:
    """Whether this call runs inside a proof (a sub-proof)."""
    return INSIDE.get()


class Net:
    """The one wall-clock net of a call (:func:`net`): its seconds, when it was armed, and whether it fired."""

    def __init__(self, seconds: float | None, own: bool) -> None:
        self.seconds, self.own, self.fired = seconds, own, False
        self.begun = time.monotonic()

    def error(self, seconds: float) -> BaseException:
        """The net's stop (called by the alarm): recorded as fired, so that whatever the proof made of it (a library
        that swallows the raise and fails otherwise) the call's result is marked interrupted."""
        self.fired = True
        return OutOfTime(seconds)


def _own_frame(frame: Any) -> bool:
    """Whether the net's alarm interrupts this module's own lines or a :func:`guarded` function's (the warm-up's
    state, the net's reset, a proof's ``INSIDE`` put back): its raise waits for the timer's next repeat, so that no
    ``finally`` of theirs is cut in two (a warm-up left "warming" would never run again)."""
    return frame is not None and (frame.f_code.co_filename == __file__ or frame.f_code in _GUARDED)


_GUARDED: set[Any] = set()


def guarded(fn: Callable[..., Any]) -> Callable[..., Any]:
    """Register ``fn``'s own lines as never cut by the net (:func:`_own_frame`); returns it."""
    _GUARDED.add(fn.__code__)
    return fn


never_cut(_own_frame)


#: the nets armed in this context (the outermost call's, at most one): a call inside one arms none of its own
_NET: contextvars.ContextVar[Net | None] = contextvars.ContextVar("wall_clock_net", default=None)


@contextlib.contextmanager
def net(seconds: float | None) -> Iterator[Net]:
    """The one wall-clock net of a call, armed at its first line: ``seconds`` (``None``: none). Only the outermost
    call arms it (``Net.own``); a call inside it (a sub-proof, the warm-up's proofs, ``prove`` under ``prove_expr``)
    arms none and lets the outer net's :class:`OutOfTime` pass, never catching it as its own. No limit inside a proof
    reads the clock: steps and sub-proofs are bounded by counted work alone (docs/design.md, "Work, not the wall
    clock"), so the net only interrupts."""
    outer = _NET.get()
    if outer is not None:
        yield Net(outer.seconds, False)
        return
    n = Net(seconds, True)
    token = _NET.set(n)
    try:
        with deadline(seconds, error=n.error):
            yield n
    finally:
        _NET.reset(token)


def due() -> float | None:
    """When the running call's net is due (``time.monotonic()``'s clock), or None where no net runs: for a step that
    runs in native code, where the net's alarm waits (:func:`paper_checks.prover.algebraic.solver.netted_check`)."""
    n = _NET.get()
    return None if n is None or n.seconds is None else n.begun + n.seconds


def interrupt_if_fired() -> None:
    """Raise the running net's :class:`OutOfTime` again where it came and something swallowed it (a library's bare
    ``except`` turned it into another error): a step must not take that error for its own and go on by another
    route."""
    n = _NET.get()
    if n is not None and n.fired:
        raise OutOfTime(n.seconds or 0.0)


def interrupted_text(seconds: float | None, spent: float | None, budget: float) -> str:
    """The first words of an interrupted result's reason: where the net came, and what to do (``spent`` None: in a
    step no alarm stops, whose process was ended)."""
    net_s = "" if seconds is None else f" of {seconds:g} s"
    at = (f"at work {spent:.3g} of {budget:g} units" if spent is not None else
          f"in a step no alarm stops (its process was ended), of a work budget of {budget:g} units")
    return (f"interrupted by the wall-clock net{net_s} {at}; rerun with a larger net (a machine too slow or too busy "
            "for the net gets no answer, never another answer)")


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
    work.forget_caches()  # SymPy's cache and SymPy's and mpmath's lru_caches: the count counts their misses
    subproblem.forget()
    bound.forget_limits()
    enclose.forget()
    second.forget()


def anew(expr: Any) -> Any:
    """``expr`` built again from objects no earlier computation has touched (after :func:`forget`, so that SymPy's
    cache hands out no old one): a SymPy object keeps what it was asked (its assumptions, its hash), so that a proof of
    an expression an earlier proof or the caller had read counted fewer events than the same proof in a fresh process
    (PHuber-CE below CE: 1.36 units in its one combination first, 1.23 each time after). Each node is made again from
    its arguments (a symbol and a rational from their values) and kept only where it equals the old one; a ``Dummy``,
    a float, one of SymPy's singletons (``0``, ``1``, ``1/2``...) or a node that cannot be made again is kept as it
    is."""
    made: dict[Any, Any] = {}

    def again(e: Any) -> Any:
        if e in made:
            return made[e]
        new = e
        try:
            if type(e) is sympy.Symbol:
                new = sympy.Symbol.__xnew__(sympy.Symbol, e.name, **e.assumptions0)
            elif isinstance(e, sympy.Rational):  # an integer keeps whether it is prime, once asked
                new = sympy.Rational(e.p, e.q)
            elif isinstance(e, sympy.Basic) and e.args and not isinstance(e, sympy.Dummy):
                new = e.func(*[again(a) for a in e.args])
        except (TypeError, ValueError, AttributeError, NotImplementedError):
            new = e
        made[e] = new if new == e else e
        return made[e]

    if not isinstance(expr, sympy.Basic):
        return expr
    try:
        return again(expr)
    except RecursionError:  # a tree too deep to walk here: the caller's own objects
        return expr


class OutOfWork(BaseException):
    """The prover's own stop (:data:`ALARM_GRACE` units after its work budget), for a step that cannot stop itself:
    neither a ``TimedOut`` nor an ``Exception``, so that no step's handler takes it for its own."""

    def __init__(self, units: float) -> None:
        super().__init__(f"work budget of {units:g} units spent")


class OutOfTime(BaseException):
    """The call's wall-clock net (:func:`net`): not a ``TimedOut``, so that no step's own ``except TimedOut`` takes
    it for that step's limit; a ``BaseException``, so that no ``except Exception`` swallows it."""

    def __init__(self, seconds: float) -> None:
        super().__init__(f"timed out after {seconds:g} s")
