"""The work meter (paper_checks/work.py): counted, so that a limit fires at the same point on every machine."""
from __future__ import annotations

import sys

import pytest
import sympy

from paper_checks import work
from paper_checks.deadline import TimedOut, held
from paper_checks.prover.timebox import OVERRAN, timebox

#: the calls one SymPy object made stands for (one event of the meter)
E = work.NEW_CALLS


def _calls(n: int) -> int:
    """``n`` SymPy objects made (``n`` events of the meter, ``n * E`` calls), and a value that depends on all of
    them."""
    total = 0
    for i in range(n):
        total += _one(i)
    return total


def _one(i: int) -> int:
    return len(sympy.Basic().args) + (i & 3)


def _python(n: int) -> int:
    """``n`` plain Python calls: no event of the meter's."""
    return sum(i & 3 for i in range(n))


def test_the_meter_counts_sympy_s_events_exactly():
    with work.metered(), work.counted():
        a = work.calls()
        _calls(1000)
        b = work.calls()
        _python(10_000)
        c = work.calls()
    assert b - a == 1000 * E
    assert c == b  # plain Python is not counted (a caller charges its own loops)


def test_a_cache_miss_counts_and_a_hit_does_not():
    from sympy.core.cache import cacheit

    @cacheit
    def square(k: int) -> int:
        return k * k

    with work.metered(), work.counted():
        a = work.calls()
        square(12345)
        b = work.calls()
        square(12345)
        c = work.calls()
    assert (b - a, c - b) == (work.MISS_CALLS, 0)


def test_a_root_isolation_step_counts_its_coefficient_operations():
    step = work._root_step(lambda f, *args: f)
    with work.metered(), work.counted():
        a = work.calls()
        step([2**100] * 10, 1, None)  # 10 coefficients of 101 bits: two machine words each
        b = work.calls()
    assert b - a == int(work.ROOT_STEP_CALLS * 10 * 10 * 2) + 1
    step([2**100] * 10, 1, None)
    assert work.calls() == b  # outside a counted block nothing counts


def test_sympy_s_root_isolation_is_stopped_by_a_limit():
    from sympy.polys import rootisolation

    x = sympy.Symbol("x")
    mignotte = sympy.Poly(x**20 - 2 * (10**20 * x - 1) ** 2)  # two roots 1e-20 apart: many dense steps
    with work.metered():
        assert getattr(rootisolation.dup_shift, "__name__", "") == "computed"  # hooked while the meter runs
        with pytest.raises(TimedOut), work.limit(0.02):
            mignotte.intervals()


def test_a_dense_product_counts_its_coefficient_pairs_wherever_sympy_holds_it():
    from sympy.polys import densearith, euclidtools, factortools
    from sympy.polys.domains import ZZ

    with work.metered(), work.counted():
        assert all(getattr(m.dup_mul, "__name__", "") == "computed" for m in (densearith, euclidtools, factortools))
        assert getattr(factortools.gf_mul, "__name__", "") == "computed"
        a = work.calls()
        densearith.dup_mul([ZZ(1)] * 30, [ZZ(2)] * 20, ZZ)
        b = work.calls()
        densearith.dup_sqr([ZZ(1)] * 30, ZZ)
        c = work.calls()
    assert b - a == int(work.DENSE_PRODUCT_CALLS * 30 * 20) + 1
    assert c - b == int(work.DENSE_PRODUCT_CALLS * 30 * 30) + 1


def test_sympy_s_assumptions_are_asked_in_one_order_under_the_meter():
    """``_ask`` shuffled the facts it asks next with SymPy's own generator, so that the order (and the count) of every
    question depended on how many had been asked before in the process; under the meter it sorts them, and the hooks
    taken away give SymPy its shuffle back."""
    import importlib

    assumptions = importlib.import_module("sympy.core.assumptions")
    with work.metered(), work.counted():
        assert assumptions.shuffle is list.sort
        facts = ["zero", "positive", "extended_real", "finite"]
        assumptions.shuffle(facts)
        assert facts == sorted(facts)
    work._unhook()
    try:
        assert assumptions.shuffle is not list.sort
    finally:
        with work.metered(), work.counted():  # the hooks back in place for the tests after
            pass


@pytest.mark.slow  # two processes
@pytest.mark.parametrize("seeds", [("1", "2")])
def test_a_proof_counts_the_same_work_under_any_hash_seed(seeds):
    """The order of SymPy's questions came from its generator and from sets of names in the interpreter's hash order:
    ``atan x - x/(1 + x^2) >= 0`` on the half-line counted 0.1018 units under one hash seed, 0.1024 under another."""
    import os
    import subprocess

    code = ("import sympy; from paper_checks.prover import prove_expr; x = sympy.Symbol('x', positive=True); "
            "print(prove_expr(sympy.atan(x) - x/(1 + x**2), {x: (0, sympy.oo)}, work=3, seconds=None).work)")
    runs = set()
    for seed in seeds:
        env = {**os.environ, "PYTHONHASHSEED": seed}
        runs.add(subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=300,
                                check=True).stdout.strip())
    assert len(runs) == 1, runs


def test_a_multivariate_factorisation_is_stopped_by_a_limit():
    """Wang's Hensel lifting makes no SymPy object: its dense products are what a limit sees (MetiTarski's
    ``Mastellone2c`` ran under ``separatevars`` until the wall-clock net came)."""
    x, y, z = sympy.symbols("x y z")
    p = sympy.Poly((x**9 * y**4 + 3 * x * z**5 - 7 * y**3 + 2) * (x**4 * y**7 - 5 * y * z**3 + x**2 + 11)
                   * (z**6 * x**3 + y**5 - 13 * x * y * z + 17), x, y, z)  # made outside the limit: no object after
    with work.metered():
        with pytest.raises(TimedOut), work.limit(0.05):  # about 0.18 units of products and divisions (0.0007 without)
            p.factor_list()


def test_the_same_work_counts_the_same_twice():
    spent = []
    for _ in range(2):
        with work.metered(), work.counted():
            a = work.calls()
            _calls(5000)
            spent.append(work.calls() - a)
    assert spent[0] == spent[1]


def test_a_limit_stops_at_a_counted_point_and_the_same_one_each_time():
    stops = []
    for _ in range(3):
        with work.metered():
            a = work.calls()
            with pytest.raises(TimedOut), work.limit(3000 / work.CALLS_PER_UNIT):
                _calls(10**7)  # would run for seconds: the limit, not the clock, ends it
            stops.append(work.calls() - a)
    assert stops[0] == stops[1] == stops[2]
    assert 3000 <= stops[0] <= 3000 + E


def test_limits_nest_and_the_stricter_outer_one_fires_with_its_own_error():
    class Outer(BaseException):
        def __init__(self, units: float) -> None:
            super().__init__(units)

    with work.metered():
        with pytest.raises(Outer):
            with work.limit(2000 / work.CALLS_PER_UNIT, error=Outer):
                with work.limit(10**6 / work.CALLS_PER_UNIT):  # an inner limit with more: the outer fires
                    _calls(10**6)
        with pytest.raises(TimedOut):  # and an inner limit with less fires with its own error, the outer untouched
            with work.limit(10**6 / work.CALLS_PER_UNIT, error=Outer):
                with work.limit(1000 / work.CALLS_PER_UNIT):
                    _calls(10**6)



def test_a_stop_swallowed_inside_its_block_is_raised_again():
    """A step that takes the outer limit's stop for its own (a nested proof's ``except OutOfWork``) and goes on is
    stopped again after :data:`work.REFIRE_CALLS`: ``ellipse-check-2-weak2`` counted 1,802 units of 22.5 until the
    wall-clock net came. Nothing is left once a stop came (``left`` is 0, not unlimited)."""
    class Outer(BaseException):
        def __init__(self, units: float) -> None:
            super().__init__(units)

    with work.metered():
        with pytest.raises(Outer), work.limit(2000 / work.CALLS_PER_UNIT, error=Outer):
            try:
                _calls(10**6)
            except Outer:  # swallowed, as a nested step that thought it its own would
                assert work.left() == 0
                a = work.calls()
            _calls(10**6)  # raised again, within REFIRE_CALLS of the swallow
        assert work.calls() - a <= work.REFIRE_CALLS + E

def test_the_meter_goes_on_counting_after_a_limit_fired():
    with work.metered(), work.counted():
        with pytest.raises(TimedOut), work.limit(100 / work.CALLS_PER_UNIT):
            _calls(10**6)
        a = work.calls()
        _calls(500)
        assert work.calls() - a == 500 * E


def test_a_limit_inside_a_held_block_is_raised_as_the_block_ends():
    done = []
    with work.metered(), pytest.raises(TimedOut), work.limit(100 / work.CALLS_PER_UNIT):
        with held():
            _calls(1000)
            done.append(True)  # not cut in two
    assert done == [True]


def test_charge_counts_work_done_elsewhere_and_fires_an_open_limit():
    with work.metered():
        a = work.now()
        work.charge(0.5)
        assert work.now() - a == pytest.approx(0.5, abs=1e-4)
        with pytest.raises(TimedOut), work.limit(0.25):
            work.charge(0.5)


def test_the_meter_leaves_a_profiler_s_hook_alone():
    def other(frame, event, arg):
        return None

    sys.setprofile(other)
    try:
        with work.metered(), work.counted():
            assert sys.getprofile() is other
            a = work.calls()
            _calls(10)
            assert work.calls() - a == 10 * E
        assert sys.getprofile() is other
    finally:
        sys.setprofile(None)


def _spin(n: int) -> int:
    return _calls(n)


def test_a_timeboxed_step_gives_up_by_work_and_charges_what_it_spent():
    with work.metered():
        a = work.calls()
        assert timebox(_spin, (10**8,), seconds=40_000 / work.CALLS_PER_UNIT, stage="a spin") is OVERRAN
        spent = work.calls() - a
        assert timebox(_spin, (100,), seconds=1.0, stage="a short spin") == _calls(100)
    assert 40_000 <= spent <= 40_000 + E  # the child's count, charged here, not the seconds the fork took


def test_outside_a_counted_block_nothing_is_counted_but_what_is_charged():
    """A proof's boxes are charged (interval arithmetic metered call by call would take twice the time); its SymPy
    steps run in limits, which count."""
    with work.metered():
        a = work.calls()
        _calls(500)
        assert work.calls() == a
        work.charge(0.001)
        assert work.calls() - a == round(0.001 * work.CALLS_PER_UNIT)
        with work.limit(1.0):
            _calls(100)
        assert work.calls() - a == round(0.001 * work.CALLS_PER_UNIT) + 100 * E


def test_a_stop_inside_a_settings_block_leaves_sympy_s_settings_as_they_were():
    """A stop raised at a call inside ``evaluate(False)``'s ``finally`` skipped putting ``evaluate`` back: SymPy could
    no longer decide ``2 > 15`` in any later test of the process. The limit puts SymPy's and mpmath's settings back."""
    import mpmath
    import sympy
    from sympy.core.parameters import global_parameters

    before = (global_parameters.evaluate, mpmath.iv.prec)
    with work.metered(), pytest.raises(TimedOut), work.limit(2000 / work.CALLS_PER_UNIT):
        with sympy.core.parameters.evaluate(False):
            mpmath.iv.prec = 300
            _calls(10**7)
    assert (global_parameters.evaluate, mpmath.iv.prec) == before


@pytest.mark.parametrize("inner_count", [True, False])
def test_a_stop_due_at_any_call_leaves_no_block_open(inner_count):
    """A stop that comes due at a call of the meter's own bookkeeping (a block's ``__exit__``, its ``finally``) waits
    for the next call: raised there, it left a counted block open, and the profile function on for every later test
    of that worker (CI, session 22)."""
    for n in range(0, 60):
        with work.metered():
            try:
                with work.limit(n * E / work.CALLS_PER_UNIT, count=inner_count):
                    for i in range(3):
                        with work.counted():
                            _one(i)
                        with work.limit(1.0):
                            _one(i)
                        with work.limit(1.0, count=False):
                            _one(i)
                    with work.counted():
                        _calls(40)
            except TimedOut:
                pass
        assert (work._state.counting, work._state.limits, work._state.depth) == (0, [], 0), n


def test_a_stop_comes_inside_a_cached_function_s_computation():
    """The hook of a cache miss is the meter's own code, three frames below the objects its function makes: a stop
    due there is raised at once, not held as bookkeeping until the computation ends."""
    from sympy.core.cache import cacheit

    @cacheit
    def many(k: int) -> int:
        return _calls(k)

    with work.metered():
        a = work.calls()
        with pytest.raises(TimedOut), work.limit(50 * E / work.CALLS_PER_UNIT):
            many(10**6)
        assert work.calls() - a <= 50 * E + work.MISS_CALLS
