"""The sign of an expression toward a pole from its dominant term (:mod:`paper_checks.prover.sweeps.dominance`): the
groups of a sum of exponentials, ``erfc`` read as an exponential times a bounded factor, signs shown only where they
hold (checked against high-precision values on the box), and the whole line where the dominant group cancels."""
from __future__ import annotations

from fractions import Fraction

import mpmath
import pytest
import sympy
from hypothesis import given, settings
from hypothesis import strategies as st

from paper_checks.prover.enclosures.bound import intervals
from paper_checks.prover.sweeps.dominance import _scaled_erfc, dominant_sign, side
from paper_checks.prover.tracing.unbounded import HalfChart, LineChart

F = Fraction
u = sympy.Symbol("u", real=True)
W = sympy.Dummy("W", real=True)
y = sympy.Dummy("y", positive=True)
LAZAREVIC = sympy.sinh(W) ** 3 - W**3 * sympy.cosh(W)


def _sign_on(e, sign, lo):
    """The enclosure of ``e`` by its dominant term on the chart box from ``lo`` to the pole (``sign``: which one)."""
    node = HalfChart(u) if sign == 1 else LineChart(u)
    f = dominant_sign(e, W, sign, node, [u])
    assert f is not None
    box = [(F(lo), F(1))] if sign == 1 else [(F(-1), F(-lo))]
    return f(intervals(box))


def test_the_groups_of_a_sum_of_exponentials():
    s = side(sympy.expand((sympy.exp(y) - sympy.exp(-y)) ** 3 / 8 - y**3 * (sympy.exp(y) + sympy.exp(-y)) / 2), y)
    assert s.lead == sympy.Rational(1, 8)  # e^(3y)/8 dominates
    ratios = {r for _, r, _ in s.rest}
    assert y**3 * sympy.exp(-2 * y) in ratios and sympy.exp(-6 * y) in ratios
    # a power of y breaks a tie of exponentials; a term of another shape gives no form
    assert side(y**2 * sympy.exp(y) + y * sympy.exp(y), y).lead == 1
    assert side(sympy.exp(sympy.sqrt(y)) - y, y) is None


def test_lazarevic_is_positive_toward_infinity_from_a_far_enough_end():
    assert _sign_on(LAZAREVIC, 1, F(3, 4)).a >= 0  # from x = 3
    assert _sign_on(-LAZAREVIC, 1, F(3, 4)).b <= 0
    whole = _sign_on(LAZAREVIC, 1, F(1, 8))  # from x = 1/7 the smaller terms are not yet small enough
    assert whole.a == -mpmath.inf and whole.b == mpmath.inf


def test_erfc_is_an_exponential_times_a_bounded_factor():
    """The derivative of Polya's 1 - e^(-4x^2/pi) - erf(x)^2 toward -oo: 4/sqrt(pi) e^(-y^2) erf(y) dominates."""
    d = sympy.diff(1 - sympy.exp(-4 * W**2 / sympy.pi) - sympy.erf(W) ** 2, W)
    assert _sign_on(d, -1, F(3, 4)).a >= 0
    # the bounds of H(a) = a e^(a^2) erfc(a) hold the true values
    for a in (F(1, 10), F(1), F(7, 2), F(40)):
        with mpmath.workdps(50):
            b = mpmath.mpf(a.numerator) / a.denominator
            true = b * mpmath.exp(b**2) * mpmath.erfc(b)
        h = _scaled_erfc(intervals([(a, a)])[0])
        assert h.a <= true <= h.b
    assert _scaled_erfc(intervals([(F(2), F(3))])[0]).b < 1 / mpmath.sqrt(mpmath.pi)


def test_a_dominant_group_that_cancels_shows_no_sign():
    """erfc(x) against its asymptote 2 e^(-x^2)/(sqrt(pi)(x + sqrt(x^2 + 4/pi))): equal to the first order."""
    e = 2 * sympy.exp(-W**2) / (sympy.sqrt(sympy.pi) * (W + sympy.sqrt(W**2 + 4 / sympy.pi))) - sympy.erfc(W)
    f = dominant_sign(e, W, 1, HalfChart(u), [u])
    if f is not None:
        got = f(intervals([(F(3, 4), F(1))]))
        assert got.a == -mpmath.inf and got.b == mpmath.inf


_terms = st.lists(st.tuples(st.integers(-5, 5), st.integers(-3, 3), st.integers(0, 3)), min_size=1, max_size=5)


@pytest.mark.slow
@settings(max_examples=60, deadline=None)
@given(_terms, st.sampled_from([F(1, 2), F(3, 4), F(7, 8), F(15, 16)]))
def test_a_sign_shown_holds_at_every_point_checked(terms, lo):
    """Random sums c y^j e^(k y): wherever the enclosure shows a sign on the tail box, the exact values at points of
    the box (high precision) have it."""
    e = sum((c * W**j * sympy.exp(k * W) for c, k, j in terms), sympy.Integer(0))
    if not e.has(sympy.exp):
        return
    f = dominant_sign(e, W, 1, HalfChart(u), [u])
    if f is None:
        return
    got = f(intervals([(lo, F(1))]))
    x0 = lo / (1 - lo)
    for t in (0, F(1, 3), 1, 3, 10, 40):
        with mpmath.workdps(60):
            val = sympy.N(e.xreplace({W: sympy.Rational(x0 + t)}), 50)
        if got.a >= 0:
            assert val >= 0, (e, lo, t)
        if got.b <= 0:
            assert val <= 0, (e, lo, t)
