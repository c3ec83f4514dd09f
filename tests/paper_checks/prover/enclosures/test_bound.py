"""Closing a box: interval, mean value, monotone faces down to an exact point."""
from __future__ import annotations

import math
from fractions import Fraction

import pytest
import sympy

from paper_checks.prover.enclosures.bound import close, decide_point
from paper_checks.prover.tracing.trace import compile_traced

x, y = sympy.symbols("x y")
F0, F1 = Fraction(0), Fraction(1)


def test_interval_closes_a_positive_box():
    t = compile_traced(1 + x * y, [x, y])
    cl = close(t, [(F0, F1), (F0, F1)], ["x", "y"])
    assert cl.closed and cl.method == "interval" and cl.lower >= 0


def test_monotone_faces_close_a_bound_tight_at_a_corner():
    """(1 - x)(1 - y) >= 0 is 0 at x = 1: the derivatives have a sign, the box shrinks to the corner."""
    t = compile_traced(sympy.log(1 + x) - x / (1 + x), [x])
    cl = close(t, [(F0, F1)], ["x"])
    assert cl.closed and cl.method == "monotone" and cl.tight() and cl.fixed == {"x": "low"}


def test_mean_value_closes_what_the_natural_extension_cannot():
    t = compile_traced(x ** 2 - x * y + 1, [x, y])
    box = [(Fraction(9, 10), F1), (Fraction(9, 10), F1)]
    cl = close(t, box, ["x", "y"])
    assert cl.closed


def test_exact_point_decisions():
    t = compile_traced(sympy.log(2 * x) - sympy.log(x) - sympy.log(2), [x])
    assert decide_point(t, [Fraction(3, 7)]).closed  # exactly 0, irrational terms
    t2 = compile_traced(x - sympy.Rational(1, 2), [x])
    assert decide_point(t2, [Fraction(1, 3)]).fails == [Fraction(1, 3)]


def test_an_interior_tight_minimum_is_not_closed():
    t = compile_traced(sympy.expand((x - y) ** 2), [x, y])  # 0 on the diagonal, inside the box
    half = (Fraction(1, 4), Fraction(1, 2))
    assert not close(t, [half, half], ["x", "y"]).closed


def test_a_point_where_the_margin_is_undefined_is_decided_by_its_limit_from_inside():
    """0 log 0 (SymPy's nan at x = 0): the limit from inside the box, 0; without a side, undecided."""
    t = compile_traced(x * sympy.log(x) + y, [x, y])
    cl = decide_point(t, [Fraction(0), Fraction(0)], {0: "+"})
    assert cl.closed and cl.lower == 0 and "limit" in cl.exact
    assert not decide_point(t, [Fraction(0), Fraction(0)]).closed
    bad = decide_point(compile_traced(x * sympy.log(x) - y, [x, y]), [Fraction(0), Fraction(1, 3)], {0: "+"})
    assert not bad.closed


@pytest.mark.slow
def test_a_limit_at_a_chart_s_pole_is_taken_in_the_chart_s_value():
    """The logistic margin ``u + e^u log(1 + e^-u) + log(1 + e^-u)`` at ``u -> -oo`` is 0: read in the line's value at
    ``-oo`` (not through the chart written out), with the same value as the chart's own limit; a half-line's pole
    gives ``+oo`` for a margin that grows there."""
    from paper_checks.prover.enclosures.bound import _at_poles, _limit_at
    from paper_checks.prover.tracing.unbounded import HalfChart, LineChart, explicit

    t = sympy.Symbol("t", real=True)
    u = LineChart(t)
    m = u + sympy.exp(u) * sympy.log(1 + sympy.exp(-u)) + sympy.log(1 + sympy.exp(-u))
    written, subs, dirs = _at_poles(m, {t: sympy.Integer(-1)}, {t: "+"})
    assert t not in written.free_symbols and not written.has(LineChart) and set(subs.values()) == {-sympy.oo}
    assert _limit_at(m, {t: sympy.Integer(-1)}, {t: "+"}) == 0
    assert sympy.limit(explicit(m), t, -1, "+") == 0
    assert _limit_at(HalfChart(t) - sympy.log(1 + HalfChart(t)), {t: sympy.Integer(1)}, {t: "-"}) is sympy.oo
    inside = {t: sympy.Rational(1, 2)}  # no pole there: nothing is rewritten
    assert _at_poles(m, inside, {t: "+"})[0] == m


@pytest.mark.slow
def test_a_re_check_takes_its_limits_again(monkeypatch):
    """The limits a proof kept are not the re-check's: ``recheck`` asks SymPy for them again."""
    from paper_checks.prover import prove, recheck
    from paper_checks.prover.enclosures.bound import forget_limits
    from paper_checks.search.params import Real, SearchSpace

    v = sympy.Symbol("v", real=True)
    m = v + sympy.exp(v) * sympy.log(1 + sympy.exp(-v)) + sympy.log(1 + sympy.exp(-v))
    space = SearchSpace((Real("v", -math.inf, math.inf),), lambda pt: float(m.subs(v, pt["v"])),
                        lambda pt: m.xreplace({v: sympy.nsimplify(pt["v"])}), description="logistic")
    forget_limits()
    res = prove(space, 10**6, 600)  # a hang guard: proved in 0.3 s
    assert res.proved
    taken = []
    real_limit = sympy.limit
    monkeypatch.setattr(sympy, "limit", lambda *a: taken.append(a) or real_limit(*a))
    assert recheck(res.certificate, space) == []
    assert taken
