"""The prover's process: its one-time set-up before a first proof (:func:`preload`, :func:`warm_up`) and a call under
one wall-clock net (:func:`netted`), in a child process where the net must stop anything (:func:`stoppable`). Above
:mod:`paper_checks.prover.outset` (a proof's own outset and stops), which imports no proof; docs/design.md, "Work,
not the wall clock"."""
from __future__ import annotations

import time
from typing import Any, Callable

from paper_checks import work
from paper_checks.prover.outset import OutOfTime, guarded, net

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


@guarded
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


@guarded
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


@guarded
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
