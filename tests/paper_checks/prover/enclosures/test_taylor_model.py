"""Taylor models of a margin on a box (Arb's series): closes where the first-order bounds lose ``h^2``, never where
the margin is below 0, and declines where the margin is not analytic on the box."""
from __future__ import annotations

from fractions import Fraction

import mpmath
import pytest
import sympy

from paper_checks.prover.enclosures.bound import close, intervals
from paper_checks.prover.enclosures.taylor_model import bounds, close_modelled, compiled
from paper_checks.prover.tracing.trace import compile_traced

x, y = sympy.symbols("x y")
F = Fraction

#: ``sin`` above its Taylor polynomial of degree 5 is below it: ``P_5(x) - sin x = x^7/5040 - ...`` on ``[0, 2]``
SIN7 = x - x ** 3 / 6 + x ** 5 / 120 - sympy.sin(x)


def test_a_margin_of_order_seven_closes_where_the_first_order_bounds_cannot():
    t = compile_traced(SIN7, [x])
    box = [(F(1, 2), F(1))]
    assert not close(t, box, ["x"]).closed
    cl = close_modelled(t, box, ["x"])
    assert cl is not None and cl.closed and cl.method == "taylor model"
    assert 0 <= cl.lower <= float(SIN7.subs(x, sympy.Rational(1, 2)))  # a lower bound below the least value


@pytest.mark.parametrize("expr, lo, hi", [
    (SIN7, F(1, 2), F(1)), (SIN7, F(1), F(2)), (SIN7, F(1, 8), F(3, 16)), (sympy.log(x), F(1), F(2)),
    (sympy.atan(x) - x / (1 + x ** 2), F(1, 2), F(3, 4)), (sympy.exp(-x ** 2) * sympy.cos(3 * x), F(-1), F(2)),
])
def test_the_model_encloses_the_margin(expr, lo, hi):
    """The model's lower bound is below the margin at 201 points of the box, at 50 digits: every term of the
    series is there (Arb cuts a series function's result at its ``ctx.cap``, 10 terms unless set: ``log x`` on
    ``[1, 2]`` was bounded below by ``2.4e-6`` before, above its 0 at ``x = 1``)."""
    t = compile_traced(expr, [x])
    got = bounds(t.expr, t.symbols, [(lo, hi)])
    assert got is not None
    _, value, _ = got
    f = sympy.lambdify(x, expr, "mpmath")
    with mpmath.workdps(50):
        a, w = mpmath.mpf(lo.numerator) / lo.denominator, mpmath.mpf((hi - lo).numerator) / (hi - lo).denominator
        least = min(f(a + w * i / 200) for i in range(201))
    assert float(value.lower().mid()) <= least


def test_a_false_neighbour_is_never_closed_and_its_face_fails():
    """``1e-4`` below: negative at ``x = 1/2``, where the model's slope sends the box."""
    t = compile_traced(SIN7 - sympy.Rational(1, 10 ** 4), [x])
    cl = close_modelled(t, [(F(1, 2), F(1))], ["x"])
    assert cl is None or not cl.closed
    if cl is not None:
        assert cl.fails == [F(1, 2)]


def test_a_margin_zero_at_an_end_closes_on_its_face():
    """``log x`` on ``[1, 2]``: 0 at 1, where the model's value cannot be ``>= 0`` but its slope is."""
    t = compile_traced(sympy.log(x), [x])
    cl = close_modelled(t, [(F(1), F(2))], ["x"])
    assert cl is not None and cl.closed and cl.fixed == {"x": "low"} and cl.tight()


def test_two_coordinates_expand_in_the_widest_with_the_other_a_ball():
    t = compile_traced(sympy.cos(x) * sympy.exp(y) - 1 + x ** 2 / 2 - x ** 4 / 24 + y / 10, [x, y])
    box = [(F(1, 2), F(1)), (F(0), F(1, 64))]
    got = bounds(t.expr, t.symbols, box)
    assert got is not None and got[0] == 0


@pytest.mark.parametrize("expr, box", [
    (sympy.Abs(x - sympy.Rational(1, 2)), [(F(0), F(1))]),   # a kink the box crosses
    (sympy.log(x), [(F(0), F(1))]),                          # log at 0
    (sympy.sqrt(x), [(F(0), F(1))]),                         # a root at 0: not analytic
    (1 / sympy.sin(x), [(F(-1), F(1))]),                     # a pole
    (sympy.tan(x), [(F(1), F(2))]),                          # tan's pole at pi/2
    (sympy.asin(x), [(F(1, 2), F(1))]),                      # asin at 1
])
def test_a_margin_not_analytic_on_the_box_has_no_model(expr, box):
    t = compile_traced(expr, [x])
    r = t.resolved(intervals(box))
    assert bounds(r.expr, r.symbols, box) is None
    assert close_modelled(t, box, ["x"]) is None


def test_a_kink_decided_on_the_box_is_replaced_by_its_side():
    t = compile_traced(sympy.Abs(x - 2) - 1 + SIN7, [x])  # |x - 2| = 2 - x on [1/2, 1]
    cl = close_modelled(t, [(F(1, 2), F(1))], ["x"])
    assert cl is not None and cl.closed


def test_a_node_outside_the_list_is_declined_once():
    assert compiled(sympy.besselj(0, x), (x,)) is None
    assert compiled(sympy.sin(x) + sympy.tan(1) * x, (x,)) is not None  # constants of any whitelisted node


def test_a_subtracted_kink_across_the_box_is_the_least_of_two_models():
    """``1 - |sin x - x/2|`` on ``[3/2, 5/2]``: ``sin x - x/2`` crosses 0 near 1.9, and ``|...| <= 0.66`` there; 0.6
    in place of 1 is false at ``x = 5/2`` and never closed."""
    g = sympy.Abs(sympy.sin(x) - x / 2)
    box = [(F(3, 2), F(5, 2))]
    cl = close_modelled(compile_traced(1 - g, [x]), box, ["x"])
    least = sympy.N(1 - g.subs(x, sympy.Rational(5, 2)), 40)  # at the box's end
    assert cl is not None and cl.closed and cl.method == "taylor model" and 0.3 < cl.lower <= least
    wrong = close_modelled(compile_traced(sympy.Rational(6, 10) - g, [x]), box, ["x"])
    assert wrong is None or not wrong.closed
