"""The special functions' enclosures (``paper_checks.prover.enclosures.functions``) and the prover on them.

Each enclosure must hold the function's values (mpmath at 200 bits, a plain loop over sampled points) on
intervals hypothesis draws; each function has a true inequality proved (and re-checked) and a false one
refuted with an exact counterexample; Arb (``balls``) bounds the same nodes, and agrees.
"""
from __future__ import annotations

from fractions import Fraction

import mpmath
import pytest
import sympy
from hypothesis import given, settings
from hypothesis import strategies as st

from paper_checks.prover import prove, prove_expr
from paper_checks.prover.certificate import recheck
from paper_checks.prover.enclosures.balls import ball_lower
from paper_checks.prover.enclosures.functions import ENCLOSURES, OutsideDomain
from paper_checks.prover.tracing.trace import compile_expr, derivative
from tests.paper_checks.prover._spaces import real_space

x, y = sympy.symbols("x y", real=True)
R = sympy.Rational
IV = mpmath.iv

#: each function, the reference (mpmath), and the part of the line the samples come from
FUNCTIONS = {
    sympy.sin: (mpmath.sin, -50, 50), sympy.cos: (mpmath.cos, -50, 50), sympy.tan: (mpmath.tan, -1.5, 1.5),
    sympy.atan: (mpmath.atan, -1e6, 1e6), sympy.asin: (mpmath.asin, -1, 1), sympy.acos: (mpmath.acos, -1, 1),
    sympy.sinh: (mpmath.sinh, -40, 40), sympy.cosh: (mpmath.cosh, -40, 40), sympy.tanh: (mpmath.tanh, -40, 40),
    sympy.asinh: (mpmath.asinh, -1e6, 1e6), sympy.acosh: (mpmath.acosh, 1, 1e6),
    sympy.atanh: (mpmath.atanh, -0.999, 0.999), sympy.erf: (mpmath.erf, -8, 8), sympy.erfc: (mpmath.erfc, -8, 8),
}


def test_every_function_is_enclosed():
    assert set(FUNCTIONS) | {sympy.sign, sympy.Heaviside} == set(ENCLOSURES)


def test_steps():
    heaviside, sign = ENCLOSURES[sympy.Heaviside], ENCLOSURES[sympy.sign]
    for a, b, h, s in [(-1, 1, (0, 1), (-1, 1)), (0, 1, (0.5, 1), (0, 1)), (0, 0, (0.5, 0.5), (0, 0)),
                       (2, 3, (1, 1), (1, 1)), (-3, -2, (0, 0), (-1, -1))]:
        got_h, got_s = heaviside(IV.mpf([a, b])), sign(IV.mpf([a, b]))
        assert (got_h.a, got_h.b) == h and (got_s.a, got_s.b) == s


@pytest.mark.parametrize("fn", list(FUNCTIONS), ids=lambda f: f.__name__)
@settings(max_examples=60, deadline=None)
@given(u=st.floats(0, 1), w=st.floats(0, 1), k=st.integers(0, 8))
def test_enclosure_holds_the_values(fn, u, w, k):
    ref, lo, hi = FUNCTIONS[fn]
    a = lo + (hi - lo) * u
    b = min(hi, a + (hi - lo) * w * 10.0 ** -k)
    enc = ENCLOSURES[fn](IV.mpf([a, b]))
    with mpmath.workprec(200):
        for i in range(9):  # a plain loop over points of [a, b], ends included
            v = ref(mpmath.mpf(a) + (mpmath.mpf(b) - mpmath.mpf(a)) * i / 8)
            assert enc.a <= v <= enc.b, (fn, a, b, v, enc)


def test_enclosures_are_tight_at_a_point():
    for fn, (ref, lo, hi) in FUNCTIONS.items():
        p = (lo + hi) / 3 if fn is not sympy.acosh else 2.0
        enc = ENCLOSURES[fn](IV.mpf(p))
        assert enc.b - enc.a <= 1e-12 * max(1, abs(ref(p))), (fn, enc)


def test_out_of_domain_and_poles_leave_the_domain_and_the_margin_is_the_whole_line():
    for fn, box in [(sympy.asin, [0, 2]), (sympy.acosh, [0, 2]), (sympy.atanh, [0, 2]), (sympy.tan, [1, 2])]:
        with pytest.raises(OutsideDomain):
            ENCLOSURES[fn](IV.mpf(box))
        # an even power or Abs of it cannot narrow it: tan(x)^2 on [1, 2] holds the pole pi/2
        val = compile_expr(fn(x) ** 2 + 1, [x])([IV.mpf(box)])
        assert (val.a, val.b) == (-mpmath.inf, mpmath.inf)


def test_unbounded_arguments_have_the_limits():
    inf = IV.mpf([0, mpmath.inf])
    assert ENCLOSURES[sympy.atan](inf).b >= mpmath.pi / 2 >= ENCLOSURES[sympy.atan](inf).a
    assert ENCLOSURES[sympy.tanh](inf).b == 1 and ENCLOSURES[sympy.erf](inf).b == 1
    assert ENCLOSURES[sympy.erfc](inf).a == 0 and ENCLOSURES[sympy.cosh](inf).b == mpmath.inf


def test_the_derivative_of_tan_is_unbounded_across_a_pole():
    """d(tan x - x) = tan^2 x is >= 0 wherever tan is defined, but tan x - x falls across pi/2: the
    derivative is enclosed as sin^2/cos^2, the whole line on a box holding the pole, never a monotone step."""
    d = compile_expr(derivative(sympy.tan(x) - x, x), [x])([IV.mpf([1, 2])])
    assert d.a == -mpmath.inf


#: (function, a true inequality m >= 0 on a box, a false one with the margin dipping below 0 there)
CASES = [
    (sympy.atan, (x - sympy.atan(x), {x: (0, 1000)}), (sympy.atan(x) - x + R(1, 100), {x: (0, 1000)})),
    (sympy.sin, (x - sympy.sin(x), {x: (0, 1000)}), (sympy.sin(x) - x + R(1, 10), {x: (0, 10)})),
    (sympy.cos, (sympy.cos(x) - 1 + x**2 / 2, {x: (-10, 10)}), (sympy.cos(x) - 1 + x**2 / 3, {x: (-3, 3)})),
    (sympy.tan, (sympy.tan(x) - x, {x: (0, R(3, 2))}), (sympy.tan(x) - x, {x: (0, 2)})),
    (sympy.asin, (sympy.asin(x) - x, {x: (0, 1)}), (sympy.asin(x) - 2 * x + R(1, 100), {x: (0, 1)})),
    (sympy.acos, (sympy.acos(x) + sympy.asin(x) - sympy.pi / 2, {x: (-1, 1)}),
     (sympy.acos(x) - sympy.pi / 2 + x + R(1, 100), {x: (0, 1)})),
    (sympy.sinh, (sympy.sinh(x) - x, {x: (0, 100)}), (x - sympy.sinh(x) + R(1, 10), {x: (0, 100)})),
    (sympy.cosh, (sympy.cosh(x) - 1 - x**2 / 3, {x: (-20, 20)}), (sympy.cosh(x) - 1 - x**2, {x: (-20, 20)})),
    (sympy.tanh, (x - sympy.tanh(x), {x: (0, 1000)}), (sympy.tanh(x) - x / 2, {x: (0, 1000)})),
    (sympy.asinh, (x - sympy.asinh(x), {x: (0, 1000)}), (sympy.asinh(x) - x + R(1, 100), {x: (0, 1000)})),
    (sympy.acosh, (sympy.acosh(x) - sympy.log(x), {x: (1, 1000)}), (sympy.log(x) - sympy.acosh(x), {x: (1, 1000)})),
    (sympy.atanh, (sympy.atanh(x) - x, {x: (0, R(99, 100))}), (x - sympy.atanh(x) + R(1, 100), {x: (0, R(99, 100))})),
    (sympy.erf, (2 * x / sympy.sqrt(sympy.pi) - sympy.erf(x), {x: (0, 1000)}),
     (sympy.erf(x) - x + R(1, 100), {x: (0, 1000)})),
    (sympy.erfc, (sympy.erfc(x) - 1 + sympy.erf(x), {x: (-5, 5)}), (sympy.erfc(x) - sympy.exp(-x), {x: (0, 10)})),
]


@pytest.mark.slow
@pytest.mark.parametrize("fn, true, false", CASES, ids=[c[0].__name__ for c in CASES])
def test_a_true_and_a_false_inequality(fn, true, false):
    expr, dom = true
    assert expr.has(fn)
    (s, (lo, hi)), = dom.items()
    def margin(*args, **kw):
        return expr.xreplace({s: args[0] if args else kw[str(s)]})
    space = real_space(margin, (str(s), float(lo), float(hi)))
    res = prove(space, 20000, 60)
    assert res.outcome == "proved", res.reason
    assert recheck(res.certificate, space) == []
    bad, dom = false
    res = prove_expr(bad, dom, seconds=60)
    assert res.outcome == "counterexample", res.reason
    assert sympy.N(bad.subs(s, res.counterexample[str(s)]), 50) < 0


@pytest.mark.slow  # about a CPU-second (tests/quick_rule.py named it)
def test_two_variables_on_large_boxes():
    res = prove_expr(sympy.pi - sympy.atan(x) - sympy.atan(y), {x: (0, 1000), y: (0, 1000)}, seconds=60)
    assert res.outcome == "proved"


@pytest.mark.parametrize("fn", list(FUNCTIONS), ids=lambda f: f.__name__)
def test_arb_agrees(fn):
    """Arb's ball of the same node holds the interval's values: its lower bound is at most the interval's,
    and not far below it on a narrow box."""
    ref, lo, hi = FUNCTIONS[fn]
    a = Fraction(lo + (hi - lo) / 3).limit_denominator(1000)
    b = a + Fraction(1, 10**6)
    enc = compile_expr(fn(x), [x])([IV.mpf([float(a), float(b)])])
    low = ball_lower(fn(x), [x], [(a, b)])
    assert low is not None
    assert abs(low - float(enc.a)) <= 1e-4 * max(1, abs(float(enc.a)))
    assert low <= float(mpmath.mpf(min(ref(float(a)), ref(float(b)))))


@pytest.mark.parametrize("expr, dom, outcome", [
    (sympy.asin(x) ** 2, (0, 2), "undefined"),  # asin is not real beyond 1: never proved
    (sympy.acosh(x), (0, 3), "undefined"),
    (sympy.asin(x) ** 2, (0, 1), "proved"),
    (sympy.tan(x) ** 2, (0, 1), "proved"),
])
def test_a_node_off_its_domain_is_never_proved(expr, dom, outcome):
    assert prove_expr(expr, {x: dom}, seconds=60).outcome == outcome


@pytest.mark.slow
def test_tan_squared_across_its_pole_is_not_proved():
    assert prove_expr(sympy.tan(x) ** 2, {x: (0, 2)}, budget=400, seconds=60).outcome != "proved"
