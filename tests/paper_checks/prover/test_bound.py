"""Closing a box: interval, mean value, monotone faces down to an exact point."""
from __future__ import annotations

from fractions import Fraction

import sympy

from paper_checks.prover.bound import close, decide_point
from paper_checks.prover.trace import compile_traced

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
