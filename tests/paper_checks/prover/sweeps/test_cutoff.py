"""A proved cutoff of an unbounded coordinate (:mod:`paper_checks.prover.sweeps.cutoff`): the tails closed toward the
poles, the rest a bounded sub-problem in the chart's value with the piece's open ends, a counterexample of the rest
mapped back onto the chart, and records that fail their re-check."""
from __future__ import annotations

import math
from dataclasses import replace
from fractions import Fraction

import pytest
import sympy

from paper_checks import work
from paper_checks.prover import prove, prove_expr, schedule
from paper_checks.prover import recheck as recheck_certificate
from paper_checks.prover.budget import Budget
from paper_checks.prover.sweeps.cutoff import Cutoff, _cut, cutoff, recheck, subproblem, unbounded, worth
from paper_checks.prover.tracing.symbols import Coordinate
from paper_checks.prover.tracing.trace import compile_traced
from paper_checks.prover.tracing.unbounded import HalfChart, LineChart
from tests.paper_checks.prover._spaces import real_space

F, R, oo = Fraction, sympy.Rational, sympy.oo
x = sympy.Symbol("x", real=True)
u = sympy.Symbol("u", real=True)
HANG_GUARD = 300  # seconds: generous, so that the load never decides an outcome
W = HalfChart(u)
#: Lazarevic's inequality (sinh x / x)^3 >= cosh x, times x^3: tight to the seventh order at 0, oo - oo at oo
LAZAREVIC = sympy.sinh(W) ** 3 - W**3 * sympy.cosh(W)


def _coords(open_low=None):
    return [Coordinate(u, "u", (), (open_low, None))]


@pytest.mark.slow
@pytest.mark.parametrize("margin, domain", [
    (sympy.sinh(x) ** 3 - x**3 * sympy.cosh(x), (0, oo)),
    (x * sympy.sinh(x) - x**2 * sympy.cosh(x / sympy.sqrt(3)), (-oo, oo)),  # sinh x/x >= cosh(x/sqrt 3)
    (x * (x * (15 + x**2) / (15 + 6 * x**2) - sympy.tanh(x)), (-oo, oo)),  # Lambert's convergent of tanh
])
def test_margins_tight_inside_and_oo_minus_oo_at_infinity_are_proved(margin, domain, without_z3_over_bounds):
    res = prove_expr(margin, {x: domain}, seconds=HANG_GUARD)
    assert res.proved, res.reason
    assert "cutoff" in res.certificate.methods()


@pytest.mark.slow
def test_the_cut_and_the_rest_in_the_charts_value():
    box = [(F(0), F(1))]
    cut = unbounded(LAZAREVIC, [u], box, _coords(F(0)))
    assert cut is not None and cut.poles == (1,)
    rec = cutoff(LAZAREVIC, [u], box, Budget.of(HANG_GUARD), _coords(F(0)))
    assert isinstance(rec, Cutoff) and rec.low_cut is None and rec.high_cut is not None
    syms, crds, rest, margin = subproblem(LAZAREVIC, [u], _coords(F(0)), box, cut, None, rec.high_cut)
    c = rec.high_cut
    assert rest == [(F(0), c / (1 - c))]  # the chart's values, exactly
    assert crds[0].open_at == (F(0), None)  # the piece's open end stays open; the cut is closed
    assert margin == LAZAREVIC.xreplace({W: syms[0]})
    assert recheck(rec, LAZAREVIC, [u], box, _coords(F(0))) == []
    # the whole line, a margin that is not even: a cut toward each pole
    line = LineChart(u)
    uneven = sympy.exp(line) - 1 - line
    rec2 = cutoff(uneven, [u], [(F(-1), F(1))], Budget.of(HANG_GUARD), _coords())
    assert isinstance(rec2, Cutoff) and not rec2.even and rec2.low_cut < 0 < rec2.high_cut


@pytest.mark.slow
def test_records_that_do_not_hold_fail_their_recheck():
    box = [(F(0), F(1))]
    rec = cutoff(LAZAREVIC, [u], box, Budget.of(HANG_GUARD), _coords(F(0)))
    assert isinstance(rec, Cutoff)
    near = replace(rec, high_cut=F(1, 64))  # from x = 1/63 no derivative's sign is shown toward the pole
    assert any("does not close again" in p for p in recheck(near, LAZAREVIC, [u], box, _coords(F(0))))
    both = replace(rec, low_cut=F(-1, 2))
    assert any("one toward each pole" in p for p in recheck(both, LAZAREVIC, [u], box, _coords(F(0))))
    other = LAZAREVIC + W**7 / 1000  # another margin: its rest is another sub-problem
    assert recheck(rec, other, [u], box, _coords(F(0)))


@pytest.mark.slow  # seconds of proof: with the work meter on (issue 60) it left the quick suite
def test_a_counterexample_of_the_rest_comes_back_on_the_chart():
    """sinh^3 - (1 + 10^-6) x^3 cosh x is -10^-6 x^3 + x^7/15 + ... near 0: negative below x = 0.06."""
    nudged = sympy.sinh(W) ** 3 - (1 + R(1, 10**6)) * W**3 * sympy.cosh(W)
    got = cutoff(nudged, [u], [(F(0), F(1))], Budget.of(HANG_GUARD), _coords(F(0)))
    assert isinstance(got, list)
    assert nudged.xreplace({u: R(got[0].numerator, got[0].denominator)}).evalf(50) < 0


def test_a_margin_of_several_coordinates_is_not_cut():
    """Its tails' derivatives are taken in every coordinate, seconds a box: the boxes close them instead."""
    a = sympy.Symbol("a", positive=True)
    assert worth(LAZAREVIC) and not worth(LAZAREVIC * a)


@pytest.mark.slow  # seconds of proof: with the work meter on (issue 60) it left the quick suite
def test_a_tail_no_taylor_cut_closes_is_a_sub_problem_of_its_own(monkeypatch):
    """A&S 7.1.13's upper bound of erfc on (0, oo) rises from 0 and falls back to 0 at infinity, relatively tight
    there: no derivative's dominant term shows a sign within the cuts' 1 s (the first order cancels; with more time
    the cut at 3/4 closes), but on [1, oo) the margin as written is monotone, its slope e^(-x^2) times an algebraic
    function with pi inside (the algebraic slope), and [0, 1] is left to the boxes."""

    monkeypatch.setitem(schedule.SHARES, "CutOff cuts", 0.0)
    erfc_upper = 2 * sympy.exp(-x**2) / (sympy.sqrt(sympy.pi) * (x + sympy.sqrt(x**2 + 4 / sympy.pi))) - sympy.erfc(x)
    res = prove_expr(erfc_upper, {x: (0, oo)}, seconds=HANG_GUARD)
    assert res.proved, res.reason
    assert "cutoff" in res.certificate.methods()
    (rec,) = [p for p in res.certificate.subproofs.values() if isinstance(p, Cutoff)]
    assert rec.written and set(rec.tails) == {1} and rec.high_cut == F(1, 2)  # the tail [1, oo) in x


@pytest.mark.parametrize("margin, bounds", [
    (lambda x: sympy.sinh(x) ** 3 - x**3 * sympy.cosh(x), ("x", 0, math.inf)),
    (lambda x: 2 * sympy.exp(-x**2) / (sympy.sqrt(sympy.pi) * (x + sympy.sqrt(x**2 + 4 / sympy.pi))) - sympy.erfc(x),
     ("x", 0, math.inf)),
])
@pytest.mark.slow  # seconds of proof: with the work meter on (issue 60) it left the quick suite
def test_a_cutoff_proof_rechecks(margin, bounds, without_z3_over_bounds):
    space = real_space(margin, bounds)
    res = prove(space, 10**6, HANG_GUARD)
    assert res.proved and "cutoff" in res.certificate.methods()
    assert recheck_certificate(res.certificate, space) == []


@pytest.mark.slow
def test_an_even_margin_is_cut_toward_one_pole_its_rest_from_zero():
    line = LineChart(u)
    polya = 1 - sympy.exp(-4 * line**2 / sympy.pi) - sympy.erf(line) ** 2  # erf is odd, its square even
    box = [(F(-1), F(1))]
    cut = unbounded(polya, [u], box, _coords())
    assert cut.even and cut.poles == (1,)
    syms, crds, rest, margin = subproblem(polya, [u], _coords(), box, cut, None, F(3, 4))
    assert rest == [(F(0), F(12, 7))]  # from W = 0 to the line chart's value at u = 3/4
    odd = line**3 + sympy.exp(line)
    assert unbounded(odd, [u], box, _coords()).poles == (-1, 1)
    # a record that says even where the margin is not fails its re-check
    sinhc = line * sympy.sinh(line) - line**2 * sympy.cosh(line / sympy.sqrt(3))
    rec = cutoff(sinhc, [u], box, Budget.of(HANG_GUARD), _coords())
    assert isinstance(rec, Cutoff) and rec.even and rec.low_cut is None
    assert recheck(rec, sinhc, [u], box, _coords()) == []
    lopsided = sinhc + line**3 / 10**6
    assert any("not even" in p for p in recheck(rec, lopsided, [u], box, _coords()))


def test_the_taylor_cuts_stop_at_their_limit_even_where_the_tail_catches_its_own(monkeypatch):
    """The tail's inner limits catch ``TimedOut`` and go on; the cuts' own limit must not be one of them: the first
    tail call is still running when the cuts' limit passes, and no second one starts (with ``TimedOut`` as the cuts'
    error all six cuts ran, 5 s where 1 s was meant, and the tail sub-problem after them was left 0.1 s)."""
    from paper_checks.deadline import TimedOut
    from paper_checks.prover.sweeps import cutoff as cut_module
    from paper_checks.prover.tracing.trace import compile_traced

    calls = []

    def slow_tail(t, box, fresh=False):
        calls.append(box)
        try:
            with work.limit(30):
                for _ in range(10**7):  # SymPy objects, 1,000 units of work: past the cuts' own limit of 0.2
                    sympy.Basic()
        except TimedOut:
            pass
        return None

    monkeypatch.setattr(cut_module, "closes", slow_tail)
    monkeypatch.setattr(cut_module, "enclosed", lambda t, box: None)  # W - 1 >= 0 from W = 1 on: the order 0 closes it
    monkeypatch.setattr(cut_module, "CUT_WORK", 0.2)
    monkeypatch.setitem(schedule.SHARES, "CutOff cuts", 0.0)
    u = sympy.Symbol("u", real=True)
    t = compile_traced(HalfChart(u) - 1, [u])
    assert cut_module._cut(t, [(Fraction(0), Fraction(1))], 0, 1, Budget.of(60)) is None
    assert len(calls) == 1


def test_the_taylor_cuts_take_a_share_of_a_long_step_and_a_second_at_least(monkeypatch):
    """Polya's bound of ``erf`` needs 2 s of cuts: held to 1 s, it was undecided at any time limit. The cuts get a
    fifth of the step's time left where that is more than :data:`CUT_WORK`, 4 s at most, and never more than is
    left."""
    import contextlib

    from paper_checks.prover.sweeps import cutoff as cut_module
    from paper_checks.prover.tracing.trace import compile_traced

    given = []

    @contextlib.contextmanager
    def recorded(seconds, error=None):
        given.append(seconds)
        yield
    monkeypatch.setattr(cut_module.work, "limit", recorded)
    monkeypatch.setattr(cut_module, "closes", lambda t, box, fresh=False: None)
    u = sympy.Symbol("u", real=True)
    t = compile_traced(HalfChart(u) - 1, [u])
    for left, most in ((15, 3.0), (40, 4.0), (3, 1.0), (0.5, 0.5)):
        given.clear()
        cut_module._cut(t, [(Fraction(0), Fraction(1))], 0, 1, Budget.of(left))
        # (stop - now) is left to within a rounding of now's float: 3.0000000000000004 came once for 3.0
        assert given and most / 2 <= given[0] <= most * (1 + 1e-9)


def test_a_cut_far_out_where_the_margins_enclosure_alone_closes_the_tail():
    """MetiTarski's ``sin-problem-10-2`` on ``[2, oo)``: its limit 1/50 at the pole, its terms ``O(W^-1/2)``. No
    derivative closes a tail within the Taylor cuts, but the enclosure does from ``W = 2^14`` on (the rest is then a
    bounded sub-problem); with the limit 1/50 below 0 no cut closes, and the margin is refuted."""
    second = (sympy.sin(1 / sympy.sqrt(1 + W)) - 2 * sympy.sin(1 / sympy.sqrt(2 + W))
              + sympy.sin(1 / sympy.sqrt(3 + W)))
    box = [(F(0), F(1))]
    assert _cut(compile_traced(second + R(1, 50), [u]), box, 0, 1, Budget.of(HANG_GUARD)) == 1 - F(1, 2**14)
    assert _cut(compile_traced(second - R(1, 50), [u]), box, 0, 1, Budget.of(HANG_GUARD)) is None
    fails = sympy.sin(1 / sympy.sqrt(x - 1)) - 2 * sympy.sin(1 / sympy.sqrt(x)) + sympy.sin(1 / sympy.sqrt(x + 1))
    res = prove_expr(fails - R(1, 50), {x: (2, oo)}, seconds=HANG_GUARD, work=3)
    assert res.outcome == "counterexample"
    assert (fails - R(1, 50)).xreplace({x: sympy.nsimplify(res.counterexample["x"])}).evalf(50) < 0
