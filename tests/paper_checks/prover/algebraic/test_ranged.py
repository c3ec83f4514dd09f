"""z3 over Taylor models on a box (:mod:`paper_checks.prover.algebraic.ranged`): every model holds the function at
60 digits across its range, a box tight at the expansion point closes, a false one does not, and the re-check takes
the other route."""
from __future__ import annotations

from fractions import Fraction

import mpmath
import pytest
import sympy
from hypothesis import given, settings
from hypothesis import strategies as st

from paper_checks.prover.algebraic.ranged import DERIVATIVES, closed_on_box, taylor_model
from paper_checks.prover.tracing.symbols import Coordinate

F = Fraction
x, y = sympy.symbols("x y", real=True)
FUNCTIONS = [f for f in DERIVATIVES if f is not sympy.log and f.__name__ != "Exp"]


def _m(q: Fraction) -> mpmath.mpf:
    return mpmath.mpf(q.numerator) / q.denominator


@settings(max_examples=40, deadline=None)
@given(st.sampled_from(FUNCTIONS + [sympy.log]), st.fractions(F(-3), F(3), max_denominator=16),
       st.fractions(F(1, 64), F(2), max_denominator=64), st.sampled_from([3, 7]))
def test_a_model_holds_its_function_across_its_range(fn, lo, width, d):
    if fn is sympy.log:
        lo = abs(lo) + F(1, 8)
    if fn in (sympy.asin, sympy.acos):
        lo, width = max(lo, F(-9, 10)), min(width, F(9, 10) - max(lo, F(-9, 10)))
        if width <= 0:
            return
    if fn is sympy.tan:
        lo, width = max(lo, F(-3, 2)), min(width, F(3, 2) - max(lo, F(-3, 2)))
        if width <= 0:
            return
    hi = lo + width
    model = taylor_model(fn, lo, hi, d)
    if model is None:
        return
    c, coefficients, k_lo, k_hi, err = model
    with mpmath.workdps(60):
        for i in range(21):
            u = _m(lo) + (_m(hi) - _m(lo)) * i / 20
            f = mpmath.mpf(sympy.N(fn(sympy.Float(u, 60)), 60))
            p = sum(_m(a) * (u - _m(c)) ** k for k, a in enumerate(coefficients))
            w = (u - _m(c)) ** (d + 1)
            slack = mpmath.mpf(10) ** -50
            assert p + _m(k_lo) * w - _m(err) - slack <= f <= p + _m(k_hi) * w + _m(err) + slack, (fn, lo, hi, d, u)


def test_exact_at_zero_where_the_coefficients_are_rational():
    c, coefficients, *_, err = taylor_model(sympy.exp, F(0), F(1, 2), 3)
    assert c == 0 and coefficients == [1, 1, F(1, 2), F(1, 6)] and err == 0
    assert taylor_model(sympy.log, F(0), F(1), 3) is None  # log's derivatives are not bounded at 0


@pytest.mark.parametrize("margin, box, closes", [
    (sympy.exp(x) - 1 - x - x**2 / 2, [(F(0), F(1, 2))], True),  # tight at 0, of order 3
    (sympy.sin(x) - x + x**3 / 6, [(F(0), F(1, 2))], True),  # tight at 0, of order 5
    (sympy.atan(x) - x + x**3 / 3 - F(1, 10**6), [(F(0), F(1, 4))], False),  # negative at 0
    ((x - 1) - (x - 1) ** 2 / 2 + (x - 1) ** 3 / 3 - sympy.log(x), [(F(1, 2), F(1))], True),  # tight at 1, order 4
    (sympy.log(x) - (x - 1) + (x - 1) ** 2 / 2 - (x - 1) ** 3 / 3, [(F(1, 2), F(1))], False),  # its false mirror
    (y * sympy.exp(x) - y - x * y, [(F(0), F(1, 2)), (F(0), F(1, 2))], True),  # tight along two faces
])
def test_boxes_close_or_not(margin, box, closes):
    syms = sorted(margin.free_symbols, key=str)
    coords = [Coordinate(s, str(s), ()) for s in syms]
    assert (closed_on_box(margin, syms, box, coords) is not None) == closes
