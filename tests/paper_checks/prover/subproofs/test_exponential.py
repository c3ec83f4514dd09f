"""A coordinate read only through exponentials of it, proved in ``E = exp(x/D)`` (exponential.py): the
substitution against SymPy's own evaluation, proofs on bounded and unbounded domains re-checked, false neighbours
refuted exactly, and the margins it leaves to the other closures."""
from __future__ import annotations

import math
from fractions import Fraction

import pytest
import sympy

from paper_checks.prover import prove, prove_expr, recheck
from paper_checks.prover.subproofs.exponential import substitution, through_exp
from paper_checks.prover.tracing.symbols import Coordinate
from tests.paper_checks.prover._spaces import real_space

R, F = sympy.Rational, Fraction
x = sympy.Symbol("x", real=True)
HANG = 300  # seconds: a hang guard only
T, S, C = sympy.tanh, sympy.sinh, sympy.cosh


def test_the_substitution_is_the_margin_at_every_point():
    """``tanh(x/2) + e^(1 - x)`` on ``[0, 3]``: ``E = e^(x/2)``, ``tanh(x/2) = (E - 1/E)/(E + 1/E)``, ``e^(1 - x) =
    e E^-2``; equal to the margin at rational points (50 digits), ``E``'s interval ``[1, e^(3/2)]`` rounded outward."""
    margin = T(x / 2) + sympy.exp(1 - x)
    sub = substitution(margin, [x], [(F(0), F(3))], [Coordinate(x, "x", ())])
    assert sub is not None and sub.denominator == 2 and sub.node is None
    lo, hi = sub.box[0]
    assert lo == 1 and hi >= sympy.exp(R(3, 2)) and hi - sympy.exp(R(3, 2)) < R(1, 2**39)
    for at in (R(0), R(1, 3), R(5, 2)):
        e = sympy.exp(at / 2)
        assert abs(sympy.N(sub.margin.xreplace({sub.e: e}) - margin.xreplace({x: at}), 50)) < R(1, 10**40)
    assert through_exp(C(x)) == (sympy.exp(x) + sympy.exp(-x)) / 2


@pytest.mark.parametrize("margin", [
    x * sympy.exp(x) - 1,  # x outside an exponential
    sympy.exp(x**2) - 1,  # an exponent not affine in x
    sympy.log(1 + sympy.exp(x)) - x,  # log(1 + E): not algebraic in E
])
def test_margins_not_read_through_exponentials_alone_are_left_to_the_rest(margin):
    assert substitution(margin, [x], [(F(0), F(1))], [Coordinate(x, "x", ())]) is None


TRUE = {  # name -> (margin, bounds): each >= 0, oo/oo or tight at x = oo as written
    "sinh(2x) sech^2 x <= 2": (lambda x: 2 - (1 - T(x) ** 2) * S(2 * x), (("x", 0, math.inf),)),
    "1 - tanh x = 2/(1 + e^2x)": (lambda x: 1 - T(x) - 2 / (1 + sympy.exp(2 * x)), (("x", 0, math.inf),)),
    "sech^2 x <= 4 e^-2x": (lambda x: 4 * sympy.exp(-2 * x) - 1 + T(x) ** 2, (("x", 0, math.inf),)),
    "logistic symmetric, the line": (lambda x: 1 / (1 + sympy.exp(-x)) + 1 / (1 + sympy.exp(x)) - 1 + R(1, 10**9),
                                     (("x", -math.inf, math.inf),)),
    "cosh x >= 1 on a bounded interval": (lambda x: C(x) - 1, (("x", -2, 3),)),
}


@pytest.mark.slow
@pytest.mark.parametrize("case", sorted(TRUE))
def test_margins_read_through_exponentials_are_proved_in_the_exponential_and_rechecked(case):
    fn, bounds = TRUE[case]
    space = real_space(fn, *bounds)
    res = prove(space, 10**6, HANG)
    assert res.proved, res.reason
    assert recheck(res.certificate, space) == []


@pytest.mark.slow
def test_the_exponential_closes_what_the_boxes_left_open(without_bounds, without_cutoff):
    res = prove(real_space(TRUE["sinh(2x) sech^2 x <= 2"][0], ("x", 0, math.inf)), 10**6, HANG)
    assert "in the exponential" in res.certificate.methods()


@pytest.mark.slow
@pytest.mark.parametrize("margin, domain", [
    (2 - (1 - T(x) ** 2) * S(2 * x) - R(1, 10**9), (0, sympy.oo)),  # 2 - 2 tanh x falls below 1e-9 toward oo
    (C(x) - 1 - R(1, 10**12), (-2, 3)),  # below 0 at x = 0
    (4 * sympy.exp(-2 * x) - 1 + T(x) ** 2 - R(1, 10**6) * sympy.exp(-x), (0, sympy.oo)),
])
def test_false_neighbours_are_refuted_exactly(margin, domain):
    res = prove_expr(margin, {x: domain}, seconds=HANG)
    assert res.outcome == "counterexample", res.reason
    assert margin.xreplace({x: R(res.counterexample["x"])}).evalf(50) < 0


@pytest.mark.slow
def test_a_record_put_to_another_margin_fails_its_recheck():
    space = real_space(TRUE["sinh(2x) sech^2 x <= 2"][0], ("x", 0, math.inf))
    res = prove(space, 10**6, HANG)
    other = real_space(lambda x: 2 - (1 - T(x) ** 2) * S(2 * x) - R(1, 10**9), ("x", 0, math.inf))
    assert recheck(res.certificate, other)
