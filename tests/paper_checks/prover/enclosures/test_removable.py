"""Taylor models across a removable singularity at a box's end: they enclose the margin on the rest of the box,
decline a pole, and never close a margin whose limit at the end is below 0."""
from __future__ import annotations

from fractions import Fraction

import mpmath
import pytest
import sympy

from paper_checks.prover.enclosures import removable
from paper_checks.prover.tracing.trace import compile_traced
from paper_checks.prover.tracing.unbounded import HalfChart

x = sympy.Symbol("x", real=True)
F = Fraction

#: MetiTarski's ``sin-cos-problem-diff1a``, one side of its absolute value: ``1/2 - cos x/x + sin x/x^2``, 1/2 at 0
DIFF = sympy.Rational(1, 2) - sympy.cos(x) / x + sympy.sin(x) / x ** 2
#: MetiTarski's ``cosec-problem-1a``: a pole of order 2 at 0 in each of two terms, 2/pi^2 at 0
COSEC = sympy.Rational(1, 3) - 1 / sympy.sin(x) ** 2 + (x + sympy.pi) ** -2 + (x - sympy.pi) ** -2 + x ** -2


def test_the_orders_are_decided_exactly():
    assert removable.order(*removable.quotient(DIFF), x, sympy.Integer(0)) == (2, 2)
    assert removable.order(*removable.quotient(COSEC), x, sympy.Integer(0)) == (4, 4)  # x^2 sin(x)^2 (x^2 - pi^2)^2
    assert removable.order(*removable.quotient(sympy.sin(x) / x ** 2), x, sympy.Integer(0)) is None  # a pole
    assert removable.quotient(sympy.sin(x) + 1) is None  # one denominator, a constant


@pytest.mark.parametrize("margin, orders", [
    (DIFF, (2, 2)), (COSEC, (4, 4)), (sympy.sin(x) / x ** 2, None),
    (sympy.Rational(1, 3) - sympy.sin(x) / x - 2 * sympy.cos(x) / x ** 2 + 2 * sympy.sin(x) / x ** 3, (3, 5)),
    (sympy.sqrt(x) / x + 1 / x, None),               # a root's fractional powers: not removable
    (sympy.log(x) * x / x ** 2 + 1 / x, None),       # a logarithm at the end
])
def test_the_margins_series_gives_the_derivatives_orders(margin, orders):
    """The order of the numerator's zero from the margin's series (``N = margin D``) is the one its derivatives
    give, for a fraction of the work; a series with a negative or fractional power or a logarithm is no removable
    singularity."""
    n, d = removable.quotient(margin)
    assert removable.order(n, d, x, sympy.Integer(0), margin) == orders
    if orders is not None:
        assert removable.order(n, d, x, sympy.Integer(0)) == orders


@pytest.mark.parametrize("expr, lo, hi", [
    (DIFF, F(0), F(1, 2)), (DIFF, F(-1, 2), F(0)), (DIFF, F(0), F(2)), (COSEC, F(0), F(1, 2)),
    (COSEC, F(-3, 2), F(0)), ((1 - sympy.cos(x)) / x ** 2, F(0), F(1)), ((sympy.exp(x) - 1) / x, F(-1), F(0)),
])
def test_the_quotient_encloses_the_margin_but_at_the_end(expr, lo, hi):
    """The enclosure holds the margin at 200 points of the box off its singular end, at 50 digits."""
    got = removable.bounds(expr, [x], [(lo, hi)], 128, 12)
    assert got is not None
    f = sympy.lambdify(x, expr, "mpmath")
    end = lo if lo == 0 else hi
    other = hi if end == lo else lo
    with mpmath.workdps(50):
        a = mpmath.mpf(end.numerator) / end.denominator
        w = mpmath.mpf(other.numerator) / other.denominator - a
        values = [f(a + w * i / 200) for i in range(1, 201)]
    assert float(got.lower().mid()) <= min(values) and max(values) <= float(got.upper().mid())


def test_no_singular_end_is_no_model():
    assert removable.bounds(DIFF, [x], [(F(1, 4), F(1, 2))], 128, 12) is None  # D is off 0 on the box
    assert removable.bounds(1 / x, [x], [(F(0), F(1))], 128, 12) is None  # a pole, not removable


def test_a_box_at_the_singular_end_closes_through_a_chart():
    """The half-line's chart ``x = u/(1 - u)`` keeps the singularity at ``u = 0``: the box ``[0, 1/4]`` closes."""
    u = sympy.Symbol("u", real=True)
    t = compile_traced(DIFF.subs(x, HalfChart(u)), [u])
    cl = removable.close_across(t, [(F(0), F(1, 4))])
    assert cl is not None and cl.closed and cl.method == "removable singularity"
    assert 0 < cl.lower <= 0.5


def test_a_limit_below_zero_is_never_closed():
    """``(1 - cos x)/x^2 - 1/2 + 1e-12`` tends to ``1e-12`` at 0 but is below 0 from ``x = 1e-5`` on: the box
    ``[0, 1/4]`` is not closed, nor is ``(1 - cos x)/x^2 - 1/2``, whose limit is 0 from below."""
    for margin in ((1 - sympy.cos(x)) / x ** 2 - sympy.Rational(1, 2) + sympy.Rational(1, 10 ** 12),
                   (1 - sympy.cos(x)) / x ** 2 - sympy.Rational(1, 2)):
        cl = removable.close_across(compile_traced(margin, [x]), [(F(0), F(1, 4))])
        assert cl is None or not cl.closed


def test_a_margin_tight_at_its_singular_end_closes_by_its_order_there():
    """``1/3 - sin x/x - 2 cos x/x^2 + 2 sin x/x^3 = x^2/30 + ...`` (MetiTarski's ``sin-cos-problem-diff2a``): 0 at
    the end, ``t^2`` times a quotient off 0; moved ``1e-12`` below, it is not closed."""
    g = sympy.sin(x) / x + 2 * sympy.cos(x) / x ** 2 - 2 * sympy.sin(x) / x ** 3
    margin = sympy.Rational(1, 3) - g
    assert removable.order(*removable.quotient(margin), x, sympy.Integer(0)) == (3, 5)
    for box in ([(F(0), F(1, 16))], [(F(-1, 16), F(0))], [(F(0), F(2))]):
        assert removable.bounds(margin, [x], box, 128, 12) >= 0
        cl = removable.close_across(compile_traced(margin - sympy.Rational(1, 10 ** 12), [x]), box)
        assert cl is None or not cl.closed


def test_the_prover_closes_the_singular_end_and_not_its_false_neighbour():
    """MetiTarski's ``sin-cos-problem-diff2a`` on ``(0, 4]``: proved through the box at 0 (0/0 there, tight); less
    ``1e-9``, never proved."""
    from paper_checks.prover import prove_expr

    g = sympy.sin(x) / x + 2 * sympy.cos(x) / x ** 2 - 2 * sympy.sin(x) / x ** 3
    margin = sympy.Rational(1, 3) - sympy.Abs(g)
    res = prove_expr(margin, {x: sympy.Interval.Lopen(0, 4)}, work=6, seconds=600)
    assert res.proved and "removable singularity" in res.certificate.methods()
    assert not prove_expr(margin - sympy.Rational(1, 10 ** 9), {x: sympy.Interval.Lopen(0, 4)}, work=6,
                          seconds=600).proved


@pytest.mark.parametrize("margin", [
    sympy.sqrt(x - sympy.Rational(1, 8)) * sympy.sin(x) / x + 1,  # a root not real on part of the box
    sympy.log(x - sympy.Rational(1, 8)) * sympy.sin(x) / x + 5,  # a logarithm not real on part of it
    sympy.sin(x) / x + 1 / (x - sympy.Rational(1, 8)) + 100,  # a second pole inside the box
])
def test_a_box_where_a_node_is_not_real_or_another_pole_sits_has_no_model(margin):
    assert removable.bounds(margin, [x], [(F(0), F(1, 4))], 128, 12) is None


def test_a_margin_zero_to_an_order_at_the_pieces_end_closes_there():
    """``x - sin x = x^3/6 - ...`` on ``[0, 1/2]``: 0 at the end with its slope and curvature, so neither the Taylor
    model's value nor its slope's sign closes it; ``t^3`` times ``(x - sin x)/x^3``, a model off 0, does."""
    margin = x - sympy.sin(x)
    t = compile_traced(margin, [x])
    base = [(F(0), F(1))]
    cl = removable.close_across(t, [(F(0), F(1, 2))], base=base)
    assert cl is not None and cl.closed
    assert removable.zero_order(margin, x, sympy.Integer(0)) == 3
    # not at an end of the piece: no zero is looked for there
    assert removable.bounds(margin, [x], [(F(1, 4), F(1, 2))], 128, 12, base) is None


@pytest.mark.parametrize("margin, box", [
    (x - sympy.sin(x) - sympy.Rational(1, 10 ** 12), [(F(0), F(1, 2))]),  # below 0 at the end: no zero there
    (x - sympy.sin(x) - x ** 3 / 6, [(F(0), F(1, 2))]),                     # -x^5/120 + ...: order 5, below 0
    (-(1 - x) ** 3 * sympy.exp(x), [(F(1, 2), F(1))]),                      # odd order at the high end, below 0
])
def test_a_false_neighbour_of_a_zero_at_the_end_is_not_closed(margin, box):
    cl = removable.close_across(compile_traced(margin, [x]), box, base=[(F(0), F(1))])
    assert cl is None or not cl.closed


def test_an_odd_order_at_the_high_end_takes_its_sign():
    """``(1 - x)^3 e^x >= 0`` on ``[1/2, 1]``: ``t = x - 1 <= 0`` and the order is odd, so the quotient must be
    ``<= 0``, as it is."""
    cl = removable.close_across(compile_traced((1 - x) ** 3 * sympy.exp(x), [x]), [(F(1, 2), F(1))],
                                base=[(F(0), F(1))])
    assert cl is not None and cl.closed


@pytest.mark.parametrize("margin, order", [
    (sympy.sqrt(x + 1) - 1 - x / 2, 2),      # the ring series leaves (x + 1)^(1/2) unexpanded: SymPy's series reads it
    (sympy.sqrt(x), -1),                      # fractional powers: no power series at 0
    (sympy.erf(x) - 2 * x / sympy.sqrt(sympy.pi), 3),   # a function the ring series lacks
])
def test_the_series_order_reads_only_power_series(margin, order):
    assert removable._analytic_order(margin, x, sympy.Integer(0)) == order


def test_a_series_sympy_cannot_take_is_no_order_and_no_error():
    """SymPy's ``series`` raises its own ``PoleError`` (not a ``ValueError``) for ``cos((x + 1)/x)`` at 0: the
    question has no answer, and the proof goes on (MetiTarski's ``sin-cos-problem-5`` ended in an error)."""
    margin = sympy.cos((x + 1) / x) + 2
    assert removable._analytic_order(margin, x, sympy.Integer(0)) in (None, -1)
    assert removable.zero_order(margin, x, sympy.Integer(0)) is None


def test_a_face_whose_centre_is_off_zero_asks_no_order(monkeypatch):
    """An order is shown for every value of the other coordinates, so it holds at the face's centre: ``y - 1/4 +
    x^2/100`` has a face ``x = 0`` whose enclosure holds 0 (``y - 1/4`` on ``[0, 1]``) and whose centre is ``1/4``,
    so no exact order is asked there (SymPy's series on such faces took 13 of a 22-unit proof); a margin 0 on the
    whole face is still asked."""
    y = sympy.Symbol("y", real=True)
    asked = []
    monkeypatch.setattr(removable, "_known_zero", lambda *a: asked.append(a))
    box = [(F(0), F(1)), (F(0), F(1))]
    assert removable.bounds(y - sympy.Rational(1, 4) + x ** 2 / 100, [x, y], box, 128, 12) is None
    assert asked == []
    removable.bounds(x * (y + 1), [x, y], box, 128, 12)
    assert asked and asked[0][1:] == (x, 0)
