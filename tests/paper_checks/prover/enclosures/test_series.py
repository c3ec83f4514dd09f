"""Arb's series and complex balls of a margin: Cauchy's bound of a Taylor remainder holds where the function is
analytic on the disc, and is refused where a pole or a branch cut lies in it, even away from the circle."""
from __future__ import annotations

from fractions import Fraction

import mpmath
import pytest
import sympy
from flint import acb, arb, fmpq

from paper_checks.prover.enclosures import series
from paper_checks.prover.enclosures.taylor_model import bounds, model

x = sympy.symbols("x")
F = Fraction


def _arb(q: Fraction):
    return arb(fmpq(q.numerator, q.denominator))


def _remainder_at(expr, c: Fraction, t: Fraction, degree: int) -> mpmath.mpf:
    """``|f(t) - T_degree(t)|`` at 50 digits, ``T`` the Taylor polynomial of ``f`` at ``c``."""
    with mpmath.workdps(50):
        f = sympy.lambdify(x, expr, "mpmath")
        cm, tm = mpmath.mpf(c.numerator) / c.denominator, mpmath.mpf(t.numerator) / t.denominator
        coeffs = mpmath.taylor(f, cm, degree)
        return abs(f(tm) - mpmath.polyval(coeffs[::-1], tm - cm))


@pytest.mark.parametrize("expr, c, h", [
    (sympy.exp(x), F(0), F(1, 2)),
    (1 / (1 + 25 * x ** 2), F(0), F(1, 10)),          # poles at +-i/5: the disc of radius 2h meets them
    (sympy.log(x), F(3, 10), F(1, 10)),               # the cut (-oo, 0]: the disc of radius 4h crosses it
    (sympy.atan(5 * x), F(1, 10), F(1, 20)),          # branch points at +-i/5
    (1 / sympy.sin(x) ** 2 - 1 / x ** 2, F(1), F(1, 4)),
])
def test_cauchys_bound_holds_where_it_is_given(expr, c, h):
    fn = series.compiled_complex(expr, (x,))
    got = series.cauchy_remainders(fn, [_arb(c)], 0, _arb(c), _arb(h), 12)
    assert got is not None
    r0, _ = got
    for t in (c - h, c - h / 3, c + h / 2, c + h):
        assert _remainder_at(expr, c, t, 12) <= float(r0.mid()) * (1 + 1e-12)


def test_a_pole_inside_the_disc_but_off_its_circle_is_found():
    """``1/x`` on a disc around ``1/20`` of radius ``1/5``: the circle keeps clear of the pole at 0, so a bound
    from the circle alone would be finite and wrong; the disc's tiles find the pole."""
    fn = series.compiled_complex(1 / x, (x,))
    v = [acb(0)]
    assert series._disc_modulus(fn, v, 0, _arb(F(1, 20)), _arb(F(1, 5))) is None
    assert series._disc_modulus(fn, v, 0, _arb(F(1, 2)), _arb(F(1, 5))) is not None


@pytest.mark.parametrize("expr, c, rho", [
    (sympy.log(x), F(1, 10), F(1, 5)),       # the cut of log crosses the disc: Arb still gives a finite ball
    (sympy.sqrt(x), F(1, 10), F(1, 5)),
    (sympy.atan(x), F(0), F(3, 2)),          # atan's cut from i to i oo
    (sympy.asin(x), F(9, 10), F(1, 5)),      # asin's cut from 1 to oo
    (sympy.tan(x), F(3, 2), F(1, 5)),        # tan's pole at pi/2
])
def test_a_disc_that_meets_a_branch_cut_or_a_pole_is_refused(expr, c, rho):
    fn = series.compiled_complex(expr, (x,))
    assert series._disc_modulus(fn, [acb(0)], 0, _arb(c), _arb(rho)) is None


def test_a_margin_tight_far_from_its_end_closes_in_one_box_with_cauchys_remainder():
    """``1/5 - 1/sin^2 X + sum_k 1/(X + k pi)^2`` on ``[pi/4, pi/2]`` (MetiTarski's ``cosec-problem-2a``, least
    ``0.1168`` at ``pi/2``): the 13th coefficient enclosed on the whole box is ``+-2e12``, so Lagrange's remainder
    bounds it by ``-2.6e8``; Cauchy's, from the function's value on a disc, closes it at once."""
    t = sympy.Symbol("t")
    big_x = sympy.pi / 4 + sympy.pi / 4 * t
    m = sympy.Rational(1, 5) - 1 / sympy.sin(big_x) ** 2 + sum(
        (big_x + k * sympy.pi) ** -2 for k in (-2, -1, 0, 1, 2))
    box = [(F(0), F(1))]
    lagrange = model(series.compiled(m, (t,)), box, 0)
    assert lagrange is not None and not lagrange[0] >= 0
    got = bounds(m, [t], box)
    assert got is not None and got[1] >= 0
    assert float(got[1].lower().mid()) <= 0.11684  # below the least value


def test_a_false_neighbour_of_the_cosec_margin_is_not_closed():
    t = sympy.Symbol("t")
    big_x = sympy.pi / 4 + sympy.pi / 4 * t
    m = sympy.Rational(1, 5) - 1 / sympy.sin(big_x) ** 2 + sum(
        (big_x + k * sympy.pi) ** -2 for k in (-2, -1, 0, 1, 2))
    least = m.subs(t, 1)
    for box in ([(F(0), F(1))], [(F(1, 2), F(1))], [(F(15, 16), F(1))]):
        got = bounds(m - least - sympy.Rational(1, 10 ** 12), [t], box)
        assert got is None or not got[1] >= 0
