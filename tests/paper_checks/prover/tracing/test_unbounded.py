"""Unbounded domains (``paper_checks.prover.tracing.unbounded``): half-lines and the line through a chart.

Margin losses live on the whole real line: the sigmoid's symmetry ``l(v) + l(-v) = 1``, hinge >= 0-1,
the logistic loss >= 0; the behaviour at infinity is proved from the limit (``atan v <= pi/2``, tight at
``v = oo``; ``e^v >= 1 + v``, ``oo - oo`` as written), and false claims are refuted at a finite point.
"""
from __future__ import annotations

import math
from fractions import Fraction

import mpmath
import pytest
import sympy

from paper_checks.prover import prove, prove_expr
from paper_checks.prover.certificate import recheck
from paper_checks.prover.tracing.unbounded import (
    ENCLOSURES,
    HalfChart,
    LineChart,
    chart,
    compactify,
    explicit,
    value_at,
)
from paper_checks.search.params import Real, SearchSpace

v, w, u = sympy.symbols("v w u", real=True)
oo = sympy.oo
R = sympy.Rational


def line_space(expr: sympy.Expr, low: float = -math.inf, high: float = math.inf) -> SearchSpace:
    f = sympy.lambdify(v, expr, "math")

    def margin(pt):
        try:
            return float(f(float(pt["v"])))
        except (OverflowError, ZeroDivisionError, ValueError):
            return math.nan
    return SearchSpace((Real("v", low, high),), margin, lambda pt: expr.xreplace({v: pt["v"]}), description=str(expr))


def test_charts_are_increasing_bijections_with_rational_points():
    for lo, hi in [(0, math.inf), (-math.inf, 0), (-math.inf, math.inf), (R(1, 3), math.inf)]:
        a, b, phi = chart(lo, hi)
        pts = [a + (b - a) * R(k, 10) for k in range(1, 10)]
        vals = [phi(p) for p in pts]
        assert all(x.is_Rational for x in vals) and vals == sorted(vals)
        assert sympy.limit(explicit(phi(u)), u, b, "-") is oo or hi != math.inf
    assert explicit(HalfChart(u)) == u / (1 - u) and LineChart(R(1, 2)) == R(2, 3)


def test_chart_enclosures_hold_the_values_and_the_pole():
    iv = mpmath.iv
    half = ENCLOSURES[HalfChart](iv.mpf([0.5, 1]))
    assert half.a <= 1 and half.b == mpmath.inf
    line = ENCLOSURES[LineChart](iv.mpf([-1, 0.5]))
    assert line.a == -mpmath.inf and line.b >= mpmath.mpf(2) / 3
    assert ENCLOSURES[HalfChart](iv.mpf([0.5, 2])).a == -mpmath.inf  # beyond the pole: the whole line


def test_compactify_leaves_bounded_spaces_alone_and_maps_points_back():
    bounded = line_space(v, 0, 1)
    assert compactify(bounded)[0] is bounded
    space, back = compactify(line_space(v))
    (p,) = space.params
    assert p.name == "v_unit" and (p.low, p.high) == (-1, 1) and p.open_low and p.open_high
    assert back({"v_unit": R(1, 2)}) == {"v": R(2, 3)}


@pytest.mark.slow
@pytest.mark.parametrize("name, expr, low, high", [
    ("sigmoid symmetric", 1 / (1 + sympy.exp(v)) + 1 / (1 + sympy.exp(-v)) - 1, -math.inf, math.inf),
    ("hinge >= 0-1", sympy.Max(0, 1 - v) - sympy.Heaviside(-v), -math.inf, math.inf),
    ("logistic >= 0", sympy.log(1 + sympy.exp(-v)), -math.inf, math.inf),
    ("atan <= pi/2, tight at oo", sympy.pi / 2 - sympy.atan(v), -math.inf, math.inf),
    ("exp >= 1 + v", sympy.exp(v) - 1 - v, -math.inf, math.inf),
    ("tanh <= 1", 1 - sympy.tanh(v), -math.inf, math.inf),
    ("log(1 + v) <= v", v - sympy.log(1 + v), 0, math.inf),
    ("quadratic", v**2 - v + 1, -math.inf, math.inf),
    ("half-line below", 1 - v, -math.inf, 0.5),
])
def test_true_on_the_line_is_proved_and_rechecked(name, expr, low, high):
    space = line_space(expr, low, high)
    res = prove(space, 20000, 120)
    assert res.outcome == "proved", (name, res.reason)
    assert recheck(res.certificate, space) == []


@pytest.mark.parametrize("expr, dom", [
    (v + 100, {v: (-oo, oo)}),
    (R(1, 2) - sympy.exp(-v), {v: (0, oo)}),
    (1 - v, {v: (-oo, 2)}),
    (sympy.atan(v) - R(3, 2), {v: (R(1, 3), oo)}),  # false only for v > tan(3/2) = 14.1...
])
def test_false_on_the_line_has_an_exact_counterexample(expr, dom):
    res = prove_expr(expr, dom, seconds=60)
    assert res.outcome == "counterexample", res.reason
    pt = {s: res.counterexample[str(s)] for s in dom}
    for s, (lo, hi) in dom.items():
        assert lo <= pt[s] <= hi
    assert sympy.N(expr.xreplace(pt), 50) < 0


@pytest.mark.slow
def test_prove_expr_takes_infinite_ends_and_refuses_wrong_ones():
    assert prove_expr(sympy.log(v) - 1 + 1 / v, {v: (R(1, 3), oo)}, seconds=60).outcome == "proved"
    assert prove_expr(v**2 + w**2 - 2 * v * w, {v: (-oo, oo), w: (0, oo)}, seconds=60).outcome == "proved"
    for bad in [(oo, oo), (oo, 1), (0, -oo), (-oo, -oo)]:
        with pytest.raises(ValueError, match="oo"):
            prove_expr(v, {v: bad})


@pytest.mark.parametrize("name, expr", [
    ("squared hinge against the hinge", sympy.Max(0, 1 - v) ** 2 - sympy.Max(0, 1 - v) + R(1, 4)),
    ("ramp symmetric", sympy.Min(1, sympy.Max(0, (1 - v) / 2)) + sympy.Min(1, sympy.Max(0, (1 + v) / 2)) - 1),
])
def test_margin_losses_with_branches_are_decided_by_z3_on_the_chart(name, expr):
    """A piecewise rational margin on the line is rational in the chart's coordinate ``u`` in ``(-1, 1)``; z3 takes
    the chart's open ends as strict, so its denominator ``1 - u^2`` is no point of the domain (undecided before:
    z3 found ``u = 1``, and the boxes are loose at the kinks)."""
    space = line_space(expr)
    res = prove(space, 20000, 120)
    assert res.proved and res.certificate.methods() == {"z3 algebraic": 1}, (name, res.reason)
    assert recheck(res.certificate, space) == []
    false = prove(line_space(expr - R(1, 10**6)), 20000, 120)  # negative near its kink (ramp: everywhere)
    assert false.outcome == "counterexample"


@pytest.mark.slow  # about 2 s (its false neighbour is refuted far out on the line): in CI's slow run
def test_the_logistic_loss_above_the_hinge_at_0_is_proved_on_the_line():
    """``log(1 + e^-v) >= max(0, -v)``, 0 at both infinities: on the side ``v <= 0`` the margin as written is
    ``oo - oo`` at ``v = -oo``, and so was its derivative, ``1 - e^-v/(1 + e^-v)``; over one denominator it is
    ``1/(1 + e^-v) >= 0``, so the monotone step takes the box to the face, where the limit is 0 (undecided before)."""
    expr = sympy.log(1 + sympy.exp(-v)) - sympy.Max(0, -v)
    space = line_space(expr)
    res = prove(space, 20000, 120)
    assert res.proved, res.reason
    assert recheck(res.certificate, space) == []
    assert prove(line_space(expr - R(1, 10**6)), 20000, 120).outcome == "counterexample"


def test_a_pole_inside_the_line_is_still_no_point_of_the_domain():
    assert prove(line_space(1 / v**2), 20000, 60).outcome == "undefined"


def test_a_charts_value_at_a_rational_end_and_at_its_poles_with_their_signs():
    """Exact where the chart is finite; at a pole the sign is the value's, whichever way the chart runs: a line's
    chart falling in ``u`` (``LineChart(-u)``) is ``-oo`` at ``u = 1`` (``partial_min`` wrote its own copy that knew
    this; the shared one read the sign of ``u``)."""
    u = sympy.Symbol("u", real=True)
    inf = float("inf")
    assert [value_at(HalfChart(u), Fraction(x)) for x in (0, Fraction(1, 2), 1)] == [0, 1, inf]
    assert [value_at(HalfChart(-u), Fraction(x)) for x in (-1, Fraction(-1, 2))] == [inf, 1]
    assert [value_at(LineChart(u), Fraction(x)) for x in (-1, Fraction(1, 2), 1)] == [-inf, Fraction(2, 3), inf]
    assert [value_at(LineChart(-u), Fraction(x)) for x in (-1, Fraction(1, 2), 1)] == [inf, Fraction(-2, 3), -inf]
