"""Ball arithmetic on a margin at an exact point (paper_checks.search.balls), against mpmath at 300 digits."""
import math
from fractions import Fraction

import mpmath
import numpy as np
import pytest
import sympy

from paper_checks.search.balls import HeldPower, NotBallable, ball_sign, float_value, power_too_large, sized

R = sympy.Rational


def _binary(x: float) -> sympy.Rational:
    f = Fraction(x)
    return R(f.numerator, f.denominator)


def _gce_minus_cce(pt):
    return -sympy.log(pt["p"]) - (1 - pt["p"] ** pt["q"]) / pt["q"]


def _reference(p: Fraction, q: Fraction) -> mpmath.mpf:
    with mpmath.workdps(300):
        P, Q = mpmath.mpf(p.numerator) / p.denominator, mpmath.mpf(q.numerator) / q.denominator
        return -mpmath.log(P) - (1 - P**Q) / Q


@pytest.mark.parametrize("seed", range(5))
def test_the_sign_by_balls_agrees_with_300_digits(seed):
    g = np.random.default_rng(seed)
    for _ in range(20):
        p, q = (Fraction(float(x)) for x in g.uniform(1e-9, 1, 2))
        e = sized(_gce_minus_cce, {"p": R(p.numerator, p.denominator), "q": R(q.numerator, q.denominator)})
        sign, mid, _ = ball_sign(e)
        ref = _reference(p, q)
        assert sign == (1 if ref > 0 else -1)
        assert math.isclose(mid, float(ref), rel_tol=1e-12)


def test_a_float_binary_exponent_is_never_expanded():
    pt = {"p": _binary(0.7310403310236628), "q": _binary(1.027523111019962e-12)}
    e = sized(_gce_minus_cce, pt)
    assert any(isinstance(a, HeldPower) for a in sympy.preorder_traversal(e))  # held as a power, never expanded
    assert power_too_large(pt["p"], pt["q"]) and not power_too_large(R(9, 4), R(1, 2))
    sign, mid, bits = ball_sign(e)
    assert sign == 1 and 0 < mid < 1e-12 and bits >= 128
    # in doubles the same expression dips below 0: the rounding that makes a newcomer's claim look false
    assert float_value(e) < 0


def test_a_power_with_millions_of_digits_is_decided_by_balls():
    q = R(1, 10**6)
    e = sized(lambda q: (1 - q) ** (1 / q) - sympy.exp(-1), q)
    assert power_too_large(1 - q, 1 / q)  # 10**6 times the bits of 999999/1000000
    sign, mid, _ = ball_sign(e)
    with mpmath.workdps(60):
        ref = (1 - mpmath.mpf(1) / 10**6) ** 10**6 - mpmath.e ** -1
    assert sign == -1 and math.isclose(mid, float(ref), rel_tol=1e-9)


def test_a_held_power_with_a_negative_exponent_is_added_at_once():
    # the tempered exponential (1 + (1 - t) x)^(1/(1 - t)) at t = 1 + 3/10^7: SymPy's Add built the held power
    # (10000001/10000000)^(-10^7/3) again and again, without end (30 s of a 60 s proof went there)
    t, x = 1 + R(3, 10**7), R(-1, 3)
    e = sized(lambda pt: (1 + (1 - pt[0]) * pt[1]) ** (1 / (1 - pt[0])) - sympy.exp(pt[1]), (t, x))
    assert any(isinstance(a, HeldPower) for a in sympy.preorder_traversal(e))
    sign, mid, _ = ball_sign(e)
    with mpmath.workdps(60):
        T, X = 1 + mpmath.mpf(3) / 10**7, -mpmath.mpf(1) / 3
        ref = (1 + (1 - T) * X) ** (1 / (1 - T)) - mpmath.exp(X)
    assert sign == 1 and math.isclose(mid, float(ref), rel_tol=1e-9)


def test_an_exact_zero_and_an_undecided_ball():
    assert ball_sign(sympy.Integer(0))[0] == 0
    with sympy.evaluate(False):
        assert ball_sign(R(1, 4) - R(1, 4))[0] == 0  # a dyadic rational's ball is exact
        assert ball_sign(R(1, 3) - R(1, 3))[0] is None  # 1/3's is not: no sign is claimed
    assert sized(lambda x: x - x, R(1, 3)) == 0  # sized builds evaluate what is not a large power
    # log 2 + log 3 - log 6 is 0: no ball excludes 0, so no sign is claimed
    with sympy.evaluate(False):
        assert ball_sign(sympy.log(2) + sympy.log(3) - sympy.log(6))[0] is None


def test_nodes_outside_the_whitelist_are_said():
    with pytest.raises(NotBallable):
        ball_sign(sympy.besselj(0, R(1, 2)))
    assert math.isnan(float_value(sized(lambda x: sympy.log(x), -1)))


def test_max_min_abs_and_constants():
    e = sized(lambda x: sympy.Max(x, 1 - x) - sympy.Abs(x - sympy.pi) + sympy.E, R(1, 3))
    ref = max(1 / 3, 2 / 3) - abs(1 / 3 - math.pi) + math.e
    sign, mid, _ = ball_sign(e)
    assert sign == (1 if ref > 0 else -1) and math.isclose(mid, ref, rel_tol=1e-12)
    assert math.isclose(float_value(e), ref, rel_tol=1e-12)


def test_a_value_held_whole_is_evaluated_as_its_argument():
    from label_noise_lab.theory.embedding import surd

    held = 1 - surd(sympy.Rational(10**30 + 7, 10**30))  # sqrt of a little over 1: just below 0
    sign, mid, _ = ball_sign(held)
    assert sign == -1 and mid == pytest.approx(-3.5e-30, rel=1e-6)
    assert float_value(held) == 0.0  # in doubles the root rounds to 1, as a NumPy margin's would
