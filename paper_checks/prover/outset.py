"""A proof's outset and its stops: a top-level proof starts from the same memory and the same random state wherever it
runs (:func:`forget`, :func:`fixed_random`), knows whether it is a sub-proof (:func:`inside`), and ends on one of two
stops of its own, the work budget spent (:class:`OutOfWork`) or the wall-clock net come (:class:`OutOfTime`);
docs/design.md, "Work, not the wall clock"."""
from __future__ import annotations

import contextlib
import contextvars
import time
from typing import Any, Callable, Iterator

from paper_checks import work
from paper_checks.deadline import deadline, never_cut
from paper_checks.prover.algebraic import ranged
from paper_checks.prover.critical import second
from paper_checks.prover.enclosures import bound, enclose
from paper_checks.prover.subproofs import subproblem
from paper_checks.prover.tracing import normal_form

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
    normal_form.forget()
    ranged.forget()


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


#: this process's one-time set-up (:func:`warm_up`): ``"cold"``, ``"warming"`` (its own proofs running) or ``"warm"``
_WARM = ["cold"]


#: the function the warm-up proves with (:func:`paper_checks.prover.prove_expr.prove_expr`, which registers itself
#: with :func:`warms_with`: this module is below it and imports no proof)
_WARM_WITH: list[Callable[..., Any]] = []


def warms_with(prove_expr: Callable[..., Any]) -> Callable[..., Any]:
    """Register the function :func:`warm_up` proves its three margins with; returns it."""
    _WARM_WITH[:] = [prove_expr]
    return prove_expr


#: what a process's first proof would import lazily, imported with the prover (:func:`preload`): SymPy's units (pulled
#: in by ``simplify`` and ``solve``: two seconds), its tensors and code generation (``lambdify``), and the run layer's
#: worker (:mod:`paper_checks.prover.timebox`)
PRELOAD = ("sympy.physics.units", "sympy.tensor.tensor", "sympy.codegen.ast", "sympy.sets.setexpr",
           "sympy.assumptions.wrapper", "paper_checks.run.isolation")


def preload() -> None:
    """Import now what a first proof would import lazily (:data:`PRELOAD`, and every closure's module), so that the
    call's net is spent on the call and never cuts an import in two: a closure's module imported twice registers its
    method twice (``closures.methods`` then refuses every proof), and imports took seconds of a first call beside a
    load."""
    import importlib

    from paper_checks.prover import closures

    for name in PRELOAD:
        importlib.import_module(name)
    closures.methods()


def warm_up() -> None:
    """The process's one-time set-up, done once before its first proof and not counted: SymPy's lazy imports, z3's
    first context, mpmath's constants, the printers and ``lambdify``. Counted, they made the first proof of a process
    cost more work than the same proof after it, so that its route could depend on what ran before. It runs inside
    the first call's net (:func:`net`: the limit holds from the call's first line): a net that comes during it
    interrupts the call, and the next call warms up again (what was done is not done twice: imports stay)."""
    if _WARM[0] != "cold" or not _WARM_WITH:
        return
    _WARM[0] = "warming"
    import sympy

    x = sympy.Symbol("x", real=True)
    before = work.calls()
    done = False
    try:
        for margin in (sympy.log(1 + x) - x / (1 + x), x**2 - 2 * x + 1, sympy.exp(x) - 1 - x):
            _WARM_WITH[0](margin, {x: (0, 1)}, seconds=30, work=2)
        done = True
    finally:
        work.uncount(work.calls() - before)
        _WARM[0] = "warm" if done else "cold"


#: seconds past a call's net at which its child process is killed (:func:`stoppable`): the net in the child came and
#: the child did not return (a long C call, a big-integer power, that no alarm interrupts)
KILL_GRACE = 5.0
#: the task of the running :func:`stoppable` call (read by the forked child: a claim's space holds closures, which do
#: not pickle)
_TASK: list[Callable[[], Any]] = []


def _task() -> Any:
    return _TASK[0]()


def netted(fn: Callable[[], Any], seconds: float | None, budget: int, units: float) -> Any:
    """``fn()`` (a proof, or several: a reduction's steps) under one net of ``seconds``, armed here: its result, or
    where the net came, :meth:`ProofResult.by_the_net` (the proofs inside arm none of their own)."""
    from paper_checks.prover.result import ProofResult

    begun, counted = time.monotonic(), work.now()
    with net(seconds) as n:
        try:
            res = fn()
        except OutOfTime:
            if not n.own:
                raise
    if n.own and n.fired:
        return ProofResult.by_the_net(budget, time.monotonic() - begun, work.now() - counted, units, seconds)
    return res


def stoppable(fn: Callable[[], Any], seconds: float, budget: int, units: float, *, netted_here: bool = True,
              progress: Callable[[Any], None] | None = None) -> Any:
    """``fn()`` under one net of ``seconds`` (:func:`netted`) in a child process (the run layer's worker, as ``run``
    isolates a check), so that the net stops anything: where the child does not return :data:`KILL_GRACE` seconds
    after its net (a C call no alarm interrupts) it is killed, and the result is :meth:`ProofResult.by_the_net`. A
    stop of this process (SIGTERM, SIGINT, an outer alarm) ends the child at once on the way out. Where no child can
    be forked (another start method, inside a daemonic process) it runs here, under the net alone. ``fn``'s value
    must pickle (a :class:`ProofResult` does). ``netted_here`` False: ``fn`` arms its own net of ``seconds`` (to keep
    what finished before it came). ``progress(message)`` receives here what ``fn`` passes to
    :func:`paper_checks.run.isolation.report_progress` there (a reduction's finished steps: kept when a stop ends
    the child)."""
    import multiprocessing

    from paper_checks.prover.result import ProofResult

    def here() -> Any:
        return netted(fn, seconds, budget, units) if netted_here else fn()

    if "fork" not in multiprocessing.get_all_start_methods() or multiprocessing.current_process().daemon:
        return here()
    from paper_checks.run.isolation import Failure, run_pooled  # the prover sits below the run layer: a late import

    out: list[Any] = []
    begun = time.monotonic()
    _TASK[:] = [here]
    try:
        run_pooled(_task, [()], [0], lambda i, v: out.append(v), jobs=1, timeout=seconds + KILL_GRACE,
                   progress=None if progress is None else (lambda i, message: progress(message)))
    finally:
        _TASK.clear()
    value = out[0] if out else Failure("no outcome")
    if isinstance(value, Failure):
        if value.message.startswith("timed out after"):
            return ProofResult.by_the_net(budget, time.monotonic() - begun, None, units, seconds)
        raise RuntimeError(f"the prover's process: {value.message}")
    return value
