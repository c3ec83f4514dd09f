"""The tracer: symbols, the whitelist, and enclosures that contain the exact values."""
from __future__ import annotations

from fractions import Fraction

import mpmath
import pytest
import sympy

from paper_checks.prover.trace import Untraceable, compile_expr, hull, symbolic_point, trace
from tests.paper_checks.prover._spaces import mae_gce_space

x, y = sympy.symbols("x y")


@pytest.mark.parametrize("expr", [x * (1 - x), sympy.log(1 + x) - x, sympy.exp(-x) * x ** 3,
                                  sympy.sqrt(x) + sympy.Abs(x - sympy.Rational(1, 2)),
                                  sympy.Max(x, 1 - x) - sympy.Min(x, y), x ** sympy.Rational(1, 3), (x + 1) ** y])
def test_enclosure_contains_exact_values(expr):
    f = compile_expr(expr, [x, y])
    box = [hull(sympy.Rational(1, 8), sympy.Rational(3, 4)), hull(sympy.Rational(1, 4), 1)]
    enc = f(box)
    for a in (Fraction(1, 8), Fraction(1, 3), Fraction(3, 4)):
        for b in (Fraction(1, 4), Fraction(1, 2), Fraction(1)):
            v = sympy.N(expr.subs({x: sympy.Rational(a.numerator, a.denominator),
                                   y: sympy.Rational(b.numerator, b.denominator)}), 30)
            assert enc.a <= mpmath.mpf(str(v)) <= enc.b


def test_outside_the_whitelist_is_refused():
    with pytest.raises(Untraceable, match="gamma"):
        compile_expr(sympy.gamma(x), [x])
    with pytest.raises(Untraceable, match="no coordinate"):
        compile_expr(x + y, [x])


def test_undefined_arguments_give_the_whole_line():
    f = compile_expr(sympy.log(x - sympy.Rational(1, 2)), [x])
    assert f([hull(0, 1)]).a == -mpmath.inf
    g = compile_expr(1 / x, [x])
    assert g([hull(-1, 1)]).a == -mpmath.inf


def test_simplex_coordinate_is_one_minus_the_others():
    pt, coords = symbolic_point(mae_gce_space(), {}, {"f": (1,)})
    f = pt["f"]
    assert sympy.simplify(sum(f) - 1) == 0 and [str(c.symbol) for c in coords] == ["f[0]", "f[2]", "q"]


def test_trace_refuses_a_margin_that_compares_symbols():
    from paper_checks.search.params import Real, SearchSpace

    space = SearchSpace((Real("x", 0, 1),), lambda p: 0.0, lambda p: p["x"] if p["x"] > 0 else -p["x"])
    with pytest.raises(Untraceable, match="cannot be evaluated on symbols"):
        trace(space, {}, {})


def test_a_pole_at_an_end_of_an_integer_power_encloses_to_infinity():
    """1/x on [0, 1/4] is [4, +oo] (its limit at 0, as -log 0 = +oo), not the whole line; a pole inside is."""
    x = sympy.Symbol("x", real=True)
    iv = mpmath.iv
    f = compile_expr(1 / x, [x])
    assert f([iv.mpf([0, 0.25])]).a == 4 and f([iv.mpf([0, 0.25])]).b == mpmath.inf
    assert f([iv.mpf([-0.25, 0])]).b == -4 and f([iv.mpf([-0.25, 0])]).a == -mpmath.inf
    assert compile_expr(x**-2, [x])([iv.mpf([-0.5, 0])]).a == 4
    assert f([iv.mpf([-1, 1])]).a == -mpmath.inf and f([iv.mpf([-1, 1])]).b == mpmath.inf


@pytest.mark.parametrize("lo, hi", [(0, 0.1), (0, 1), (0.2, 0.5), (0.5, 3), (0, 0), (1e-9, 1e-3)])
def test_x_log_x_is_enclosed_as_one_function(lo, hi):
    """x log x (and 3 y x log x) encloses every value on a grid of the box (a plain loop), and at x = 0 its
    limit 0, where the product of the intervals of x and log x is unbounded below."""
    import math

    x, y = sympy.symbols("x y", real=True)
    enc = compile_expr(3 * y * x * sympy.log(x), [x, y])([mpmath.iv.mpf([lo, hi]), mpmath.iv.mpf([1, 2])])
    assert enc.a > -mpmath.inf
    for k in range(201):
        v = lo + (hi - lo) * k / 200
        for w in (1.0, 1.5, 2.0):
            val = 0.0 if v == 0 else 3 * w * v * math.log(v)
            assert enc.a - 1e-12 <= val <= enc.b + 1e-12
