"""The closure registry: every closing method defined in a room of ``paper_checks/prover/`` is registered, each
closure name is recorded by one method, the stages run cheapest first, and a certificate's records are
re-checked through the method that made them."""
from __future__ import annotations

import importlib
import pkgutil

import pytest
import sympy

from paper_checks.prover import closures, prove, recheck, schedule
from paper_checks.prover.budget import Budget
from paper_checks.prover.closures.base import BoxMethod, Method, PieceMethod
from tests.paper_checks.prover._spaces import real_space


def test_every_closing_method_of_the_rooms_is_registered():
    """The registry imports every module of its rooms: each ``Method`` subclass defined there is registered, and
    every registered method lives in one of them (a closure's logic and its registration in one module)."""
    registered = {type(m) for m in closures.methods()}
    defined = set()
    for room in closures.ROOMS:
        package = importlib.import_module(f"paper_checks.prover.{room}")
        for info in pkgutil.iter_modules(package.__path__):
            module = importlib.import_module(f"{package.__name__}.{info.name}")
            defined |= {c for c in vars(module).values() if isinstance(c, type) and issubclass(c, Method)
                        and c.__module__ == module.__name__}
    assert defined == registered, f"defined, not registered: {defined - registered}; " \
                                  f"registered outside the rooms: {registered - defined}"


def test_each_closure_name_is_recorded_by_one_method():
    names = [n for m in closures.methods() for n in m.methods]
    assert len(names) == len(set(names))
    for n in ("z3 algebraic", "identity", "known sign", "real roots", "z3", "z3 branches", "interval", "mean value",
              "monotone", "point", "max", "hessian", "taylor", "lifted interval", "scaling", "outside region",
              "class sum", "vertices", "monotone sweep"):
        assert closures.by_method(n) is not None, n
    assert closures.by_method("no such closure") is None


def test_stages_run_in_the_schedule_s_order_and_hold_their_kind_of_method():
    for stage in closures.STAGES:
        ms = closures.for_stage(stage)
        assert tuple(m.name for m in ms) == schedule.SCHEDULE[stage]
        kind = PieceMethod if stage == "piece" else BoxMethod
        assert all(isinstance(m, kind) for m in ms), stage
    # z3 first, but for a product of absolute values and even powers, a product of two proportional factors (two
    # structural tests of milliseconds) and a margin affine in a simplex point: its vertices, each a problem that
    # goes to z3 first; then kinks of one sign decided by sub-proofs (after z3, which decides DMI's piecewise
    # polynomial margins at once: 5 s where the kinks' sampling first took 25 s); a branch on one coordinate is split
    # after z3 too (which decides a piecewise algebraic margin at once); z3 over atoms and over bounding functions
    # before the normal form, which they spare where they decide (25 % less work on MetiTarski's seeded sample)
    assert [m.name for m in closures.for_stage("piece")][:9] == ["AbsoluteValue", "ProportionalFactors",
                                                                 "SimplexVertices", "Z3Algebraic", "BranchSplitting",
                                                                 "KinkSigns", "Z3Atoms", "Z3Bounds", "NormalForm"]
    # a box a relation of the domain rules out is closed before any bound (it applies only where there are relations)
    assert [m.name for m in closures.for_stage("inside")][:2] == ["OutsideRelation", "FirstOrder"]
    with pytest.raises(ValueError, match="unknown stage"):
        closures.for_stage("nowhere")


def test_the_schedule_names_every_registered_method_and_nothing_else(monkeypatch):
    names = {m.name for m in closures.methods()}
    listed = {n for stage in schedule.SCHEDULE.values() for n in stage} | set(schedule.UNSTAGED)
    assert names == listed
    closures.methods.cache_clear()
    try:
        monkeypatch.setitem(schedule.SCHEDULE, "inside", schedule.SCHEDULE["inside"] + ("NoSuchMethod",))
        with pytest.raises(ValueError, match="no module registers: \\['NoSuchMethod'\\]"):
            closures.methods()
        monkeypatch.setitem(schedule.SCHEDULE, "inside", ("FirstOrder",))
        monkeypatch.setitem(schedule.SCHEDULE, "split", ())
        with pytest.raises(ValueError, match="in no stage of the schedule: .*'Lifted'"):
            closures.methods()
    finally:
        monkeypatch.undo()
        closures.methods.cache_clear()
        closures.for_stage.cache_clear()
    assert {m.name for m in closures.methods()} == names


def test_a_record_of_an_unknown_method_is_a_recheck_problem():
    space = real_space(lambda x: sympy.exp(x) - 1 - x, ("x", 0, 1))
    res = prove(space, 2000, 300, exact_first=False)  # a hang guard: the budget ends a stuck run
    assert res.proved
    assert recheck(res.certificate, space) == []
    res.certificate.records[0].closure.method = "made up"
    assert any("no closing method records 'made up'" in p for p in recheck(res.certificate, space))


def test_a_step_past_the_time_limit_is_stopped_and_named():
    """A step that does not finish before the proof's time limit is stopped (timed_step), the box stays open and
    the proof ends undecided naming the closure; a step of bounded cost is not time-boxed."""
    import time

    from paper_checks.prover.closures.base import timed_step

    def one() -> None:
        return None

    class Slow(closures.base.BoxMethod):
        methods = ()

        def step(self, goal):
            while True:  # work without end (SymPy objects): the meter, not the clock, stops it
                sympy.Basic()

        def recheck_box(self, check):
            return []

    t = time.monotonic()
    assert timed_step(Slow(), None, Budget.of(0.3)) == (None, True)
    assert time.monotonic() - t < 30  # a hang guard only
    assert timed_step(Slow(), None, Budget.of(-1)) == (None, True)  # no time left: not started
    first = closures.by_method("interval")
    assert not first.timed


def test_an_alarm_a_library_swallows_into_another_error_is_the_stop_not_a_failure():
    """mpmath's interval comparison catches the alarm with a bare ``except:`` and raises a TypeError instead:
    past the limit that error is the step's stop (the proof once ended 'stopped on TypeError: '>=' not supported
    between instances of 'ivmpf' and 'int''); before the limit an error is still raised."""

    from paper_checks.prover.closures.base import timed_step

    def one() -> None:
        return None

    class Comparing(closures.base.BoxMethod):
        methods = ()

        def __init__(self, late: bool) -> None:
            self.late = late

        def step(self, goal):
            while self.late:
                try:
                    sympy.Basic()  # an event of the meter's
                except BaseException:  # as mpmath's ivmpf._compare does: the stop becomes NotImplemented
                    break
            raise TypeError("'>=' not supported between instances of 'ivmpf' and 'int'")

        def recheck_box(self, check):
            return []

    assert timed_step(Comparing(late=True), None, Budget.of(0.2)) == (None, True)
    with pytest.raises(TypeError):
        timed_step(Comparing(late=False), None, Budget.of(30))


def test_a_net_a_library_swallows_into_another_error_is_the_call_s_stop_not_a_step_overran():
    """A step that makes no counted call (a C routine that runs long) is stopped by the call's one net only: where a
    library turns that stop into another error, the step is not given up as overran (a route the clock chose, issue
    68): the call's net is raised again, and the call is marked interrupted."""
    from paper_checks.prover.closures.base import timed_step
    from paper_checks.prover.outset import OutOfTime, net

    class Uncounted(closures.base.BoxMethod):
        methods = ()

        def step(self, goal):
            i = 0
            try:
                while True:  # no call: the meter does not see it, only the net stops it
                    i += 1
            except BaseException:
                pass
            raise TypeError("'>=' not supported between instances of 'ivmpf' and 'int'")

        def recheck_box(self, check):
            return []

    with pytest.raises(OutOfTime), net(0.2) as n:
        timed_step(Uncounted(), None, Budget.of(100))
    assert n.fired


@pytest.mark.slow
def test_an_expensive_closure_stopped_at_the_limit_leaves_the_proof_undecided():
    space = real_space(lambda x: sympy.exp(sympy.exp(sympy.exp(sympy.exp(sympy.exp(x))))), ("x", 0, 1))
    res = prove(space, 2000, 1)
    assert res.outcome == "undecided"
