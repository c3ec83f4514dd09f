"""The tail of an unbounded coordinate (:mod:`paper_checks.prover.sweeps.tail`): which side of a box reaches its chart's
pole, the derivatives in the chart's value over one denominator, Taylor's theorem toward the pole closing margins that
are ``oo - oo`` there as written, false neighbours refuted, and records that fail their re-check."""
from __future__ import annotations

from fractions import Fraction

import mpmath
import pytest
import sympy

from paper_checks.prover import prove_expr
from paper_checks.prover.closures.base import Check
from paper_checks.prover.enclosures.bound import Closure, intervals
from paper_checks.prover.sweeps import tail as tail_module
from paper_checks.prover.sweeps.tail import (
    _Y,
    Tail,
    _where_positive,
    closes,
    collected,
    derivative,
    enclosed,
    expansion,
    pole_side,
    reciprocal,
)
from paper_checks.prover.tracing.trace import Untraceable, compile_expr, compile_traced
from paper_checks.prover.tracing.unbounded import HalfChart, LineChart

R, F, oo = sympy.Rational, Fraction, sympy.oo
x = sympy.Symbol("x", real=True)
u = sympy.Symbol("u", real=True)
HANG_GUARD = 300  # seconds: generous, so that the load never decides an outcome
#: e^x - (its Taylor polynomial of degree 3): oo - oo at x = oo as written, its fourth derivative e^x
EXP_TAYLOR = sympy.exp(x) - 1 - x - x**2 / 2 - x**3 / 6


def test_the_side_that_reaches_the_pole():
    up, down, line = HalfChart(u), HalfChart(-u), LineChart(u)
    t = compile_traced(sympy.exp(up) - up, [u])
    assert pole_side(t, [(F(1, 2), F(1))]) == (0, up, F(1, 2), 1)
    assert pole_side(t, [(F(0), F(1, 2))]) is None  # no pole in the box
    assert pole_side(compile_traced(sympy.exp(down), [u]), [(F(-1), F(-1, 2))]) == (0, down, F(-1, 2), 1)
    tl = compile_traced(sympy.exp(line), [u])
    assert pole_side(tl, [(F(-1), F(0))]) == (0, line, F(0), -1)  # toward -oo: W falls
    # u read outside the chart too (the normal form writes x/(1 + x) as u): written in W = u/(1 - u), u = W/(1 + W)
    assert pole_side(compile_traced(sympy.exp(up) - u, [u]), [(F(1, 2), F(1))]) == (0, up, F(1, 2), 1)


def test_derivatives_are_put_over_one_denominator():
    """d/dW of log(1 + W) - 2W/(2 + W) is W^2/((1 + W)(2 + W)^2): no interval of it falls below 0."""
    w = HalfChart(u)
    d, _ = derivative(sympy.log(1 + w) - 2 * w / (2 + w), w, 1, [u], {})
    assert sympy.simplify(d - w**2 / ((1 + w) * (2 + w) ** 2)) == 0
    t = compile_traced(sympy.log(1 + w) - 2 * w / (2 + w), [u])
    assert closes(t, [(F(0), F(1))]) == (0, 1, F(0), 0.0, False)


@pytest.mark.slow
@pytest.mark.parametrize("margin, domain", [
    (EXP_TAYLOR, (0, oo)),
    (sympy.log(1 + x) - 2 * x / (2 + x), (0, oo)),
    (sympy.sinh(x) - x - x**3 / 6, (0, oo)),
    (sympy.sqrt(1 + x) - 1 - x / 2 + x**2 / 8, (0, oo)),
    (sympy.exp(x) + sympy.exp(-x) - 2 - x**2, (-oo, oo)),  # both tails, the lower one toward -oo
])
def test_margins_that_are_oo_minus_oo_at_infinity_are_proved(margin, domain, without_logarithms, without_slope,
                                                             without_bounds, without_z3_first, without_cutoff,
                                                             without_value_sweep, every_box_closure):
    res = prove_expr(margin, {x: domain}, seconds=HANG_GUARD)
    assert res.proved, res.reason
    assert "tail" in res.certificate.methods()


def test_a_margin_read_through_roots_is_expanded_in_the_root():
    """sqrt(x) - 1/sqrt(x) - log x on [1, oo) is concave in x at oo (every derivative from the second on has the sign
    of -x^(-3/2)), so no Taylor expansion in x closes the pole; in V = sqrt(x), V - 1/V - 2 log V has the second
    derivative 2 (V - 1)/V^3 >= 0."""
    w = HalfChart(u)
    margin = sympy.sqrt(1 + w) - 1 / sympy.sqrt(1 + w) - sympy.log(1 + w)
    ex = expansion(margin, w, [u], 1, {})
    assert ex.root and ex.sign == 1 and ex.back == sympy.sqrt(1 + w)
    assert sympy.simplify(ex.m - (ex.v - 1 / ex.v - 2 * sympy.log(ex.v))) == 0
    assert closes(compile_traced(margin, [u]), [(F(1, 2), F(1))])[:2] == (0, 2)
    assert not expansion(sympy.exp(w) - w, w, [u], 1, {}).root  # no root: the chart's value itself
    line = LineChart(u)  # toward -oo the base 1 - x grows: its root is the variable, which grows to +oo
    assert expansion(sympy.sqrt(1 - line) - line, line, [u], -1, {}).sign == 1
    assert not expansion(sympy.sqrt(1 + line), line, [u], -1, {}).root  # 1 + x falls to -oo: no real root there


def test_a_numerator_collected_in_powers_of_the_variable_is_enclosed_at_the_pole():
    """(1 + W) tanh W - W, atan x >= x/(1 + x) for tanh: its first derivative over one denominator is
    W + tanh W + 1 - W tanh^2 W - tanh^2 W - 1 as SymPy writes it, oo - oo at W = oo; collected in W,
    W (1 - tanh^2 W) + (1 - tanh W) tanh W, every coefficient is >= 0 on the box."""
    w = sympy.Dummy("W", real=True)
    d = sympy.cancel(sympy.diff((1 + w) * sympy.tanh(w) - w, w))
    c = collected(d, w)
    assert sympy.simplify(c - d) == 0
    assert c == w * (1 - sympy.tanh(w) ** 2) + (1 - sympy.tanh(w)) * sympy.tanh(w)
    margin = (1 + HalfChart(u)) * sympy.tanh(HalfChart(u)) - HalfChart(u)
    assert closes(compile_traced(margin, [u]), [(F(3, 4), F(1))])[:2] == (0, 1)


@pytest.mark.slow
@pytest.mark.parametrize("margin, domain, truth", [
    (sympy.atan(x) - x / (1 + x), (0, oo), True),  # multiplied out: its first derivative falls to pi/2 - 1
    (sympy.pi / 2 - sympy.atan(x) - 1 / (1 + x), (0, oo), True),  # falls to 0 at oo: tight there
    (sympy.pi / 2 - sympy.atan(x) - R(101, 100) / (1 + x), (0, oo), False),  # below 0 toward oo
    (sympy.sqrt(x) - 1 / sympy.sqrt(x) - sympy.log(x), (1, oo), True),
    (sympy.sqrt(x) - 1 / sympy.sqrt(x) - sympy.log(x) - R(1, 10**6) * (x - 1), (1, oo), False),
    (sympy.cbrt(x) - sympy.log(x) + 1, (1, oo), True),  # cube root of x over log x, tight nowhere
    (sympy.tanh(x) - x / (1 + x), (0, oo), True),  # 0 at 0 and at oo
    (sympy.tanh(x) - x / (1 + x) - R(1, 100) * x / (1 + x) ** 2, (0, oo), False),  # below 0 for x < 1/100
    (sympy.atan(x) - x / sympy.sqrt(1 + x**2), (0, oo), True),  # rises to pi/2 - 1, its derivative falls to 0
    (sympy.sqrt(x) - sympy.log(1 + x), (1, oo), True),
    # ratios of terms that grow alike, oo/oo at the pole as written: enclosed in 1/W (reciprocal)
    (x / sympy.sqrt(1 + x**2) - x / (1 + x), (0, oo), True),  # 0 at 0 and at oo
    ((x + 1) / sympy.sqrt(1 + x**2) - 1, (0, oo), True),  # 0 at 0 and at oo
    ((x + 1) / sympy.sqrt(1 + x**2) - 1 - R(1, 100) * x / (1 + x), (0, oo), False),  # falls to -1/100 at oo
])
def test_roots_and_limits_at_infinity_are_decided(margin, domain, truth):
    res = prove_expr(margin, {x: domain}, seconds=HANG_GUARD)
    assert res.outcome == ("proved" if truth else "counterexample"), res.reason


@pytest.mark.parametrize("margin, domain", [
    (sympy.exp(x) - 1 - x - x**2 / 2 - x**3 / 5, (0, oo)),  # below 0 for small x > 0
    (sympy.exp(x) + sympy.exp(-x) - 2 - x**2 - R(1, 10**6), (-oo, oo)),
])
def test_false_neighbours_are_refuted(margin, domain):
    assert prove_expr(margin, {x: domain}, seconds=HANG_GUARD).outcome == "counterexample"


def test_a_ratio_that_grows_alike_is_enclosed_in_the_reciprocal():
    """3W/(1 + 2 sqrt(1 + W^2)) is oo/oo at W = oo as written; in Y = 1/W it is 3/(Y + 2 sqrt(Y^2 + 1)), enclosed
    on the box that reaches the pole. The form holds only where W > 0: elsewhere it encloses nothing."""
    w = sympy.Dummy("W", real=True)
    ratio = 3 * w / (1 + 2 * sympy.sqrt(1 + w**2))
    form = reciprocal(ratio, w, 1)
    assert sympy.simplify(form - 3 / (_Y + 2 * sympy.sqrt(_Y**2 + 1))) == 0
    for value in (R(1, 3), 2, 50):  # the form at Y = 1/W against the ratio itself, exactly
        assert sympy.simplify(form.xreplace({_Y: 1 / sympy.S(value)}) - ratio.xreplace({w: value})) == 0
    margin = sympy.atan(HalfChart(u)) - ratio.xreplace({w: HalfChart(u)})  # Shafer's bound on atan
    _, enclose = derivative(margin, HalfChart(u), 0, [u], {})
    near = enclose(intervals([(F(15, 16), F(1))]))
    assert 0 < near.a and near.b < 1  # the form in W alone: [-oo, oo]
    form_u = compile_expr(form.xreplace({_Y: 1 / (HalfChart(u) - 2)}), [u])  # W - 2 is < 0 for u < 2/3
    guarded = _where_positive(form_u, compile_expr(HalfChart(u) - 2, [u]))
    assert guarded(intervals([(F(3, 4), F(1))])).a > 0  # W - 2 > 0 on the box: the form's enclosure
    whole = guarded(intervals([(F(1, 2), F(1))]))
    assert whole.a == -mpmath.inf and whole.b == mpmath.inf  # W - 2 changes sign: nothing enclosed


@pytest.mark.slow
def test_a_record_that_does_not_close_again_fails_its_recheck():
    w = HalfChart(u)
    t = compile_traced(EXP_TAYLOR.xreplace({x: w}), [u])
    box = [(F(1, 2), F(1))]
    found = closes(t, box)
    assert found is not None
    rec = Closure(True, found[3], "tail", at={0: found[2]})
    check = Check(rec, t, box, box, ["u"], [], "box")
    assert Tail().recheck_box(check) == []
    false = compile_traced((EXP_TAYLOR - x**4).xreplace({x: w}), [u])  # its fourth derivative e^x - 24 changes sign
    assert Tail().recheck_box(Check(rec, false, box, box, ["u"], [], "box"))
    inner = [(F(1, 4), F(1, 2))]  # no pole: no Taylor expansion toward one
    assert Tail().recheck_box(Check(rec, t, inner, inner, ["u"], [], "box"))


def test_powers_of_one_base_are_put_in_one():
    """Bernoulli's inequality with the exponent free, 1 + a x^2/2 - (1 + x^2)^(a/2) >= 0 (a in [1/2, 3/4]) toward
    x = oo: over one denominator its first derivative is oo - oo on every box there; with the powers of 1 + x^2 in
    one, a x (1 - (1 + x^2)^(a/2 - 1)) is >= 0 on the whole box, and the margin is >= 0 at its finite end."""
    a = sympy.Symbol("a", positive=True)
    w = LineChart(u)
    t = compile_traced(a * w**2 / 2 + 1 - (1 + w**2) ** (a / 2), [u, a])
    found = closes(t, [(Fraction(15, 16), Fraction(1)), (Fraction(1, 2), Fraction(3, 4))])
    assert found is not None and found[:3] == (0, 1, Fraction(15, 16))


def test_a_derivative_that_meets_a_kink_ends_the_expansion(monkeypatch):
    """log(1 + e^-v) - max(0, -v) has no derivative across its kink. The expansion kept the margin as its next
    'derivative' after that failure, so a second box took the margin's own sign for its slope's, and the re-check,
    fresh, refused the tail: now every order past the kink is refused, in every call (the order 0, the margin's own
    enclosure, closes these boxes: it is left out here)."""
    monkeypatch.setattr(tail_module, "enclosed", lambda t, box: None)
    w = LineChart(u)
    margin = sympy.log(1 + sympy.exp(-w)) - sympy.Max(0, -w)
    memo: dict = {}
    for _ in range(2):
        with pytest.raises(Untraceable):
            derivative(margin, w, 1, [u], memo, 1)
    t = compile_traced(margin, [u])
    assert [closes(t, [(F(lo), F(1))]) for lo in (F(1, 2), F(3, 4), F(7, 8))] == [None, None, None]


#: MetiTarski's ``sin-problem-10-2`` in the chart of ``[2, oo)``: its limit at the pole is ``1/50``, every term
#: ``O(W^-1/2)``, so the enclosure of a box that reaches the pole closes it from ``2^16`` on, with no derivative
SECOND_DIFFERENCE = (sympy.sin(1 / sympy.sqrt(1 + HalfChart(u))) - 2 * sympy.sin(1 / sympy.sqrt(2 + HalfChart(u)))
                     + sympy.sin(1 / sympy.sqrt(3 + HalfChart(u))))


def test_the_order_zero_is_the_margins_own_enclosure_at_the_pole():
    t = compile_traced(SECOND_DIFFERENCE + R(1, 50), [u])
    far = [(1 - F(1, 2**16), F(1))]
    i, j, end, lower, limits = closes(t, far)
    assert (i, j, end, limits) == (0, 0, far[0][0], False) and 0 < lower <= 0.02
    assert enclosed(t, [(1 - F(1, 2**4), F(1))]) is None  # nearer, the terms' spread is wider than 1/50
    # false neighbours: a limit 10^-12 below 0 at the pole, and one 10^-12 above it that the enclosure cannot reach
    for c in (R(-1, 10**12), R(1, 10**12)):
        assert enclosed(compile_traced(SECOND_DIFFERENCE + c, [u]), far) is None
