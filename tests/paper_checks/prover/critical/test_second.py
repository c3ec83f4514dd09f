"""Second-order closure: minima of 0 inside the domain, along a parameter, and zeros of high order at an end."""
from __future__ import annotations

import math
from fractions import Fraction

import pytest
import sympy

from paper_checks.prover import prove, recheck
from paper_checks.prover.critical.second import (
    _constant,
    _order,
    bending_down,
    critical_at,
    find_critical,
    newton_point,
    psd_closes,
)
from paper_checks.prover.tracing.trace import compile_traced
from paper_checks.prover.tracing.unbounded import HalfChart
from paper_checks.search.params import Real, SearchSpace, SimplexPoint
from tests.paper_checks.prover._spaces import real_space

R = sympy.Rational
F = Fraction


def _proved(space, budget=20000, seconds=300, exact_first=True):  # a hang guard: the budget ends a stuck run
    res = prove(space, budget, seconds, exact_first=exact_first)
    assert res.outcome == "proved", (res.reason, res.remaining)
    assert recheck(res.certificate, space) == []
    return res.certificate


def test_log_bound_at_its_interior_zero():
    """log(x) <= x - 1 on [1/4, 2], 0 exactly at x = 1 (inside), where first-order bounds never close."""
    _proved(real_space(lambda x: x - 1 - sympy.log(x), ("x", 0.25, 2)))


@pytest.mark.slow
def test_binary_entropy_bound_at_the_midpoint():
    """H(x) <= log 2 on [0, 1], 0 at x = 1/2 and 0 log 0 at both ends."""
    cert = _proved(real_space(lambda x: x * sympy.log(x) + (1 - x) * sympy.log(1 - x) + sympy.log(2), ("x", 0, 1)))
    assert "hessian" in cert.methods()


@pytest.mark.slow
@pytest.mark.parametrize("t", [1, 2, 3, 5])
def test_taylor_remainder_with_a_zero_of_order_t_plus_1_at_the_end(t):
    """-log p >= sum_{k<=t} (1-p)^k / k on (0, 1]: 0 at p = 1 with its first t derivatives."""
    _proved(real_space(lambda p: -sympy.log(p) - sum((1 - p) ** k / k for k in range(1, t + 1)), ("p", 0, 1)))


@pytest.mark.parametrize("c", [2, *(pytest.param(c, marks=pytest.mark.slow) for c in (3, 4, 5))])
def test_gce_class_sum_bound_along_q(c):
    """Zhang & Sabuncu 2018, Eq. 7 (lower end): sum_j L_q(f_j) >= (c - c^(1-q))/q, 0 at the barycentre for
    every q in [1/4, 3/4]: a segment of zeros closed by convexity in f (the Hessian lifted to all c
    coordinates is diagonal, (1 - q) f_j^(q-2) >= 0). The boxes alone: before them, the class sum closes it
    (tests/paper_checks/prover/subproofs/test_simplex_sum.py)."""

    def exact(pt):
        q = pt["q"]
        return sum((1 - v**q) / q for v in pt["f"]) - (c - c ** (1 - q)) / q

    def margin(pt):
        q = float(pt["q"])
        return sum((1 - float(v) ** q) / q for v in pt["f"]) - (c - c ** (1 - q)) / q

    space = SearchSpace((SimplexPoint("f", c), Real("q", 0.25, 0.75)), margin, exact, description="GCE Eq. 7")
    assert "hessian" in _proved(space, exact_first=False).methods()


def test_a_critical_point_needs_exact_zero_value_and_gradient():
    x = sympy.Symbol("x", real=True)
    base = [(F(1, 4), F(2))]
    t = compile_traced(x - 1 - sympy.log(x), [x])
    crit = critical_at(t, {0: F(1)}, base)
    assert crit is not None and crit.lower == 0 and psd_closes(crit, [(F(3, 4), F(5, 4))])
    assert critical_at(t, {0: F(9, 10)}, base) is None  # gradient not 0 there
    shifted = compile_traced(x - 1 - sympy.log(x) - R(1, 10**6), [x])
    assert critical_at(shifted, {0: F(1)}, base) is None  # the margin is negative there
    concave = compile_traced(-(x - 1) ** 2 + (x - 1) ** 4, [x])
    c2 = critical_at(concave, {0: F(1)}, base)
    assert c2 is None or not psd_closes(c2, [(F(3, 4), F(5, 4))])


def test_recheck_catches_a_wrong_critical_point(without_bounds):
    space = real_space(lambda x: x - 1 - sympy.log(x), ("x", 0.25, 2))
    cert = _proved(space)
    rec = next(r for r in cert.records if r.closure.method == "hessian")
    rec.closure.at = {0: F(9, 10)}
    assert any("critical" in p for p in recheck(cert, space))


@pytest.mark.slow
def test_a_critical_point_found_from_a_far_box_is_kept_for_the_boxes_near_it():
    """16 x^(1/16) - log x - 16 >= 0 on [1/100, 10] (the tempered logarithm's face t = 15/16): 0 at x = 1 with a
    zero gradient. Newton from a wide box finds x = 1 exactly, but the Hessian's enclosure on the wide hull is loose
    (-15/16 x^(-31/16) + x^(-2)), so it closes nothing there; kept, it closes the boxes near x = 1 later (before,
    it was dropped each time, the tries ran out on far boxes, and the boxes around x = 1 stayed open)."""
    x = sympy.Symbol("x", real=True)
    base = [(F(1, 100), F(10))]
    t = compile_traced(16 * x ** R(1, 16) - sympy.log(x) - 16, [x])
    far = [(F(1, 100), F(161, 128))]
    crit = find_critical(t, far, base, [])
    assert crit is not None and crit.fixed == {0: F(1)} and not psd_closes(crit, far)
    assert psd_closes(crit, [(F(63, 64), F(65, 64))])
    cert = _proved(real_space(lambda x: 16 * x ** R(1, 16) - sympy.log(x) - 16, ("x", F(1, 100), 10)),
                   exact_first=False)
    assert "hessian" in cert.methods()


def test_newton_settles_on_a_zero_of_high_order_and_says_when_it_did_not():
    """cosh(x) - 1 - x^2/2 has a zero of order 4 at 0: Newton on its gradient converges only linearly (each step
    2/3 of the last), and the extrapolation to the limit lands within 1e-6 of 0; from x = -125, 30 steps of about
    1 are no sign of a critical point near the box (None)."""
    x = sympy.Symbol("x", real=True)
    t = compile_traced(sympy.cosh(x) - 1 - x**2 / 2, [x])
    base = [(F(-1000), F(1000))]
    got = newton_point(t, [(F(0), F(4))], base)
    assert got is not None and abs(got[0]) < 1e-6
    assert newton_point(t, [(F(-250), F(0))], base) is None


@pytest.mark.slow
@pytest.mark.parametrize("margin", [lambda x: sympy.cosh(x) - 1 - x**2 / 2, lambda x: x**2 / 2 - 1 + sympy.cos(x)])
def test_a_zero_of_order_4_inside_a_wide_box(margin, without_bounds, every_box_closure):
    """On [-1000, 1000] the tries of a critical point were spent on far boxes, where Newton had not settled, and
    the boxes around x = 0 stayed open; the Taylor closure of order 4 closes them now (on every box: where the
    schedule holds it back, the monotone sweep closes the piece first)."""
    cert = _proved(real_space(margin, ("x", -1000, 1000)), exact_first=False)
    assert "taylor" in cert.methods()


@pytest.mark.slow
def test_the_order_of_a_zero_is_found_from_raw_derivatives_tidied_once():
    """Shafer's atan x - 3x/(1 + 2 sqrt(1 + x^2)) in a half-line's chart has a zero of order 5 at x = 0. Its
    derivatives are taken raw and tidied once (trace.tidy_derivative): the one returned is the fifth, exactly."""
    u = sympy.Symbol("u", real=True)
    w = HalfChart(u)
    margin = sympy.atan(w) - 3 * w / (1 + 2 * sympy.sqrt(1 + w**2))
    t = compile_traced(margin, [u])
    order, dk = _order(t, 0, {u: sympy.Integer(0)}, [(Fraction(0), Fraction(1, 2))])
    assert order == 5
    fifth = sympy.diff(margin, u, 5)
    for at in (sympy.Integer(0), sympy.Rational(1, 7), sympy.Rational(2, 5)):  # against SymPy's own, at 50 digits
        assert abs(sympy.N(dk.xreplace({u: at}) - fifth.xreplace({u: at}), 50)) < sympy.Rational(1, 10**40)


def _redheffer(x, num=sympy.pi**2):
    """x^2 (pi^2 + x^2) (sin x/x - (num - x^2)/(pi^2 + x^2)): Redheffer's inequality for num = pi^2 (Redheffer
    1968, Williams 1969), 0 to the second order at x = pi."""
    return x * sympy.sin(x) * (sympy.pi**2 + x**2) - x**2 * (num - x**2)


def test_a_critical_point_at_pi_is_named_exactly_or_not_at_all():
    x = sympy.Symbol("x", real=True)
    assert _constant(math.pi, F(3), F(4)) == [sympy.pi] and _constant(2 * math.pi / 3, F(2), F(3)) == [2 * sympy.pi / 3]
    assert _constant(math.pi, F(3), F(314159, 100000)) == []  # pi lies just above the piece
    assert _constant(1 / math.e, F(0), F(1)) == []  # nsimplify's long form of 1/e is no simple closed form
    base = [(F(3), F(4))]
    t = compile_traced(_redheffer(x), [x])
    crit = find_critical(t, [(F(3), F(13, 4))], base, [])
    assert crit is not None and crit.fixed == {0: sympy.pi} and crit.lower == 0
    below = compile_traced(_redheffer(x) - R(1, 10**12), [x])
    assert critical_at(below, {0: sympy.pi}, base) is None  # the margin is -10^-12 there


@pytest.mark.slow
def test_redheffer_is_proved_through_its_double_zero_at_pi_and_a_near_miss_is_not():
    cert = _proved(real_space(_redheffer, ("x", 3, 4)), exact_first=False)
    assert {"hessian", "taylor"} & set(cert.methods())
    res = prove(real_space(lambda x: _redheffer(x) - R(1, 10**12), ("x", 3, 4)), 10**6, 20)
    assert res.outcome != "proved"


def test_a_maximum_bends_down_and_is_not_checked_exactly():
    """Newton finds a maximum as readily as a minimum; where every diagonal entry of the Hessian is below 0 there, no
    principal block is PSD near it, so no critical set there is checked exactly. A minimum, a saddle with one
    rising coordinate and a zero of order 4 (Hessian 0 there) are not."""
    x, y = sympy.symbols("x y", real=True)
    assert bending_down(compile_traced(1 - x**2, [x]), [0.0])
    assert bending_down(compile_traced(1 - x**2 - y**2 + x * y / 4, [x, y]), [0.0, 0.0])
    assert not bending_down(compile_traced(x**2, [x]), [0.0])
    assert not bending_down(compile_traced(x**2 - y**2, [x, y]), [0.0, 0.0])
    assert not bending_down(compile_traced(x**4, [x]), [1e-9])
    assert find_critical(compile_traced(1 - (x - sympy.Rational(1, 2))**2, [x]), [(F(1, 4), F(3, 4))],
                         [(F(0), F(1))], [], [0.5]) is None
