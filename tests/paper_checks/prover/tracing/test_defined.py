"""paper_checks.prover.tracing.defined: a margin not real on part of its domain is never proved; it ends ``undefined``
with an exact point, re-checked in ball arithmetic; a margin real on the whole domain is proved as before."""
from __future__ import annotations

import dataclasses
from fractions import Fraction

import pytest
import sympy

from paper_checks.prover import prove, prove_expr, recheck, recheck_undefined
from paper_checks.prover.tracing.defined import guards
from paper_checks.prover.tracing.trace import compile_expr, hull
from tests.paper_checks.prover._spaces import R, real_space, simplex_space

x, y = sympy.symbols("x y", real=True)
X = x


def _undefined(res, node: str | None = None):
    assert res.outcome == "undefined", (res.outcome, res.reason)
    assert res.undefined is not None and "not real" in res.reason and res.certificate is None
    if node is not None:
        assert res.undefined.node == node
    return res.undefined


@pytest.mark.parametrize("expr, node", [
    (x**x, "x**x"),                        # x^x = -1 at x = -1, not real on most of (-1, 0)
    (x**x + R(1, 2), "x**x"),
    (x ** R(1, 3) + 1, "x**(1/3)"),        # a radical of a negative number
    (sympy.exp(sympy.sqrt(x)), "sqrt(x)"),  # exp of something not real: no exp >= 0 makes it real
    (sympy.Abs(sympy.log(x)), "log(x)"),   # the log of a negative number, under an Abs
    (sympy.sqrt(x) ** 3 + 1, None),        # an odd power of a radical
])
def test_a_margin_not_real_on_part_of_the_domain_is_undefined_at_an_exact_point(expr, node):
    res = prove_expr(expr, {x: (-1, 1)}, 2000, 60)
    u = _undefined(res, node)
    assert -1 <= u.point["x"] < 0 and sympy.Rational(u.point["x"]) == u.point["x"]  # exact


@pytest.mark.slow
def test_a_power_with_a_free_exponent_is_undefined_where_the_base_is_negative():
    u = _undefined(prove_expr(sympy.exp(x**y), {x: (-1, 1), y: (0, 1)}, 2000, 60), "x**y")
    assert u.point["x"] < 0 and sympy.Rational(u.point["y"]).q != 1  # the exponent is no integer there


@pytest.mark.parametrize("expr, box", [
    (x**x - R(1, 2), (0, 1)),
    (x ** R(1, 3), (0, 1)),
    (sympy.exp(sympy.sqrt(x)) - 1, (0, 1)),
    (sympy.sqrt(1 - x**2), (-1, 1)),       # the radicand is 0 at both ends, >= 0 between
    (sympy.log(x**2 + 1), (-1, 1)),
    (1 / (x**2 + 1), (-1, 1)),
])
def test_a_margin_real_on_the_whole_domain_is_still_proved(expr, box):
    res = prove_expr(expr, {x: box}, 4000, 120)
    assert res.outcome == "proved", res.reason


def test_a_radical_leaving_its_domain_past_an_end_is_undefined():
    u = _undefined(prove_expr(sympy.sqrt(1 - x**2), {x: (-2, 1)}, 2000, 60), "sqrt(1 - x**2)")
    assert u.point["x"] < -1


@pytest.mark.parametrize("expr, box, at", [
    (sympy.exp(1 / x), (-1, 1), 0),          # >= 0 wherever it is defined, but not defined at 0
    (1 / x**2, (-1, 1), 0),                  # its denominator x changes sign: 1/0 is no value
    (1 + sympy.Abs(x) / x, (-1, 1), 0),
    (sympy.exp(1 / (x - R(1, 3))), (0, 1), R(1, 3)),
])
def test_a_division_by_zero_inside_the_domain_is_undefined_at_the_exact_zero(expr, box, at):
    space = real_space(lambda x: expr.subs(X, x), ("x", *box))
    u = _undefined(prove(space, 2000, 60))
    assert u.point["x"] == at and "division by zero" in u.why and recheck_undefined(u, space) == []


@pytest.mark.parametrize("expr", [sympy.atan(1 / (x - y)) + 2, 1 / (x - y) ** 2, sympy.tanh(1 / (x - y)) + 1])
def test_a_denominator_zero_at_the_centre_and_both_corners_is_still_guarded(expr):
    """``x - y`` on the square is 0 at the centre and at both corners, the points that orient a denominator: it
    had no guard, and each of these margins, undefined on the whole diagonal, was proved (0.35 units for the tanh)."""
    res = prove_expr(expr, {x: (0, 1), y: (0, 1)}, 2000, 60, work=2)
    u = _undefined(res)
    assert u.point["x"] == u.point["y"] and "division by zero" in u.why
    assert prove_expr(expr, {x: (0, 1), y: (2, 3)}, 2000, 60, work=2).outcome == "proved"  # x - y < 0 throughout


@pytest.mark.slow
@pytest.mark.parametrize("expr, box", [
    (1 / x, (-1, 1)),                                   # negative wherever x < 0
    ((x**y - 1) / (y - 1) - sympy.log(x), None),        # log_t-type: a division by zero at y = 1, false at y > 1
])
def test_a_margin_undefined_only_by_a_division_by_zero_is_refuted_where_it_is_defined_and_fails(expr, box):
    dom = {x: box} if box else {x: (R(1, 16), 4), y: (R(1, 2), R(3, 2))}
    res = prove_expr(expr, dom, 2000, 30)
    assert res.outcome == "counterexample", (res.outcome, res.reason)
    pt = {s: sympy.Rational(res.counterexample[str(s)]) for s in dom}
    value = expr.xreplace(pt)
    assert value.is_real and value < 0  # exact, at a point where the margin is defined
    assert any("also undefined" in n for n in res.notes)


@pytest.mark.slow  # runs to its 60 s limit: in CI's slow run
def test_a_zero_of_a_denominator_that_is_irrational_is_never_proved():
    assert prove_expr(sympy.exp(1 / (x**2 - R(1, 2))), {x: (0, 1)}, 400, 60).outcome != "proved"


@pytest.mark.parametrize("expr", [1 / x, -sympy.log(x), 1 / sympy.sqrt(x) - 1])
def test_a_pole_at_an_end_of_the_domain_is_the_extended_reals_as_before(expr):
    assert prove_expr(expr, {x: (0, 1)}, 2000, 60).outcome == "proved"


def test_an_undefined_outcome_is_rechecked_in_ball_arithmetic():
    space = real_space(lambda x: x**x + R(1, 2), ("x", -1, 1))
    res = prove(space, 2000, 60)
    u = _undefined(res, "x**x")
    assert recheck_undefined(u, space) == []
    assert recheck_undefined(dataclasses.replace(u, at=[Fraction(1, 2)]), space)  # the base is > 0 there
    assert recheck_undefined(dataclasses.replace(u, at=[Fraction(-1)]), space)  # an integer exponent: real
    assert recheck_undefined(dataclasses.replace(u, at=[Fraction(-2)]), space)  # not in the domain
    assert recheck_undefined(dataclasses.replace(u, node="log(x)"), space)  # no such node


def test_a_constant_not_real_is_undefined_everywhere():
    _undefined(prove_expr((-2) ** x + 3, {x: (0, 1)}, 200, 60))


def test_the_guards_of_a_proof_are_closed_and_rechecked_apart_from_the_margin():
    """log(1 + x) - x/(1 + x) on [-1/2, 1]: its guard 1 + x >= 0 is closed (and re-checked), but the certificate's
    methods and boxes count the margin's closures."""
    space = real_space(lambda x: sympy.log(1 + x) - x / (1 + x), ("x", -0.5, 1))
    res = prove(space, 2000, 60)
    assert res.outcome == "proved" and recheck(res.certificate, space) == []
    js = res.certificate.to_json()
    assert js["guards"]["conjuncts"] == 1 and sum(js["guards"]["methods"].values()) >= 1
    assert js["boxes"] == sum(js["methods"].values())


@pytest.mark.slow
def test_the_entropy_on_the_simplex_is_proved_with_its_guards():
    space = simplex_space(3, lambda p: -sum(v * sympy.log(v) for v in p))
    res = prove(space, 4000, 120)
    assert res.outcome == "proved" and recheck(res.certificate, space) == []


def test_guards_are_the_arguments_that_may_leave_their_domain():
    gs = guards(sympy.log(x) + sympy.sqrt(y - 1) + x**2 + sympy.exp(x) ** R(1, 2) + sympy.log(sympy.exp(y)))
    assert {str(g.expr) for g in gs} == {"x", "y - 1"}  # exp(x) >= 0 and exp(y) > 0 are known to SymPy
    assert guards(x**3 + 1 / x) == []  # integer powers; a denominator is oriented only at given points
    assert [str(g.expr) for g in guards(1 / x + 1 / (y - 1), [{x: -1, y: 0}])] == ["-x", "1 - y"]


def test_no_node_widens_the_domain_of_an_interval_enclosure():
    """exp, Abs, an even power and Max of an argument that leaves its domain on the box bound nothing."""
    box = [hull(-1, 1)]
    for e in (sympy.exp(x**x), sympy.Abs(sympy.log(x)), sympy.Pow(sympy.sqrt(x), 2, evaluate=False),
              sympy.Max(sympy.sqrt(x), 1), sympy.log(x) ** 2):
        v = compile_expr(e, [x])(box)
        assert v.a == -sympy.oo or str(v.a) == "-inf", (e, v)


def test_a_denominator_that_cannot_be_built_at_a_chart_pole_is_oriented_by_the_other_points():
    # Max(x, y) at x = zoo (the pole of a half-line's chart) is not comparable: SymPy raises there, and the
    # Cartwright-Field bound ended undecided with that error as its reason
    x, y = sympy.symbols("x y", real=True)
    out = guards(1 / sympy.Max(x, y), at=[{x: sympy.zoo, y: R(1)}, {x: R(1), y: R(2)}])
    assert [g.expr for g in out] == [sympy.Max(x, y)]
