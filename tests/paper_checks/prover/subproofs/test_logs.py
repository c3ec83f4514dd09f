"""Two positive sides compared through their logarithms (:mod:`paper_checks.prover.subproofs.logs`): the sides of a
margin, the logs written out only by rules that hold on the piece, which margins the step is tried on, e^x >= x^e (tight
at the irrational point x = e), e^(x^2/2) >= cosh x on the line (oo - oo at both poles) and the tempered exponential
against exp with its temperature free proved, false neighbours refuted,
and tampered records failing their re-check."""
from __future__ import annotations

import dataclasses
from fractions import Fraction

import pytest
import sympy

from paper_checks.prover import prove_expr
from paper_checks.prover.budget import Budget
from paper_checks.prover.subproofs.logs import LogComparison, comparison, log_of, logs, sides, signs, worth
from paper_checks.prover.subproofs.logs import recheck as logs_recheck
from paper_checks.prover.subproofs.subproblem import reals

R, F, E, oo = sympy.Rational, Fraction, sympy.E, sympy.oo
exp, log = sympy.exp, sympy.log
x, y = sympy.symbols("x y", real=True)
HANG_GUARD = 300  # seconds: generous, so that the load never decides an outcome
#: e^x against x^e on [0, 10]: 0 at x = e, where SymPy does not solve e^x = e x^(e-1)
POWER = exp(x) - x**E
BOX = [(F(0), F(10))]


def test_the_sides_of_a_margin():
    assert sides(POWER) == (exp(x), x**E)
    assert sides(exp(x) - 1 - x) == (exp(x), 1 + x)
    assert sides(exp(x) + x) is None  # no term of the other sign
    assert sides(exp(x)) is None
    assert sides(exp(-1) * (x**x * exp(1) - 1)) == (E * x**x, 1)  # a positive constant factor set aside
    assert sides(x * (exp(x) - 1)) is None  # a factor that reads a coordinate: not a sum
    # a side's common factor drawn out: x^y (x^2 + 2), one product whose power the log takes apart
    assert sides(x**y * x**2 + 2 * x**y - 2) == (x**y * (x**2 + 2), 2)
    assert worth(x**y * x**2 + 2 * x**y - 2)


@pytest.mark.slow  # seconds of proof: with the work meter on (issue 60) it left the quick suite
def test_barron_s_slope_factor_is_proved_through_its_logarithms(without_value_sweep):
    """(1 + v^2/(2 - a))^(a/2 - 1) >= 1/(1 + v^2/2) on v >= 0, a in (0, 2), the factor of the slope of Barron's loss
    (2019) minus Cauchy's: the normal form is X^p v^2 + 2 X^p - 2, a side that is a sum until its factor X^p is drawn
    out; then (1 - a/2) log(1 + v^2/(2 - a)) <= log(1 + v^2/2)."""
    a = sympy.Symbol("a", real=True)
    res = prove_expr((1 + x**2 / (2 - a)) ** (a / 2 - 1) - 1 / (1 + x**2 / 2),
                     {x: (0, oo), a: sympy.Interval.open(0, 2)}, seconds=HANG_GUARD)
    assert res.proved and "through logarithms" in res.certificate.methods(), res.reason


def test_the_step_is_tried_where_a_side_is_a_product_the_log_takes_apart():
    assert worth(POWER) and worth(exp(x**2 / 2) - sympy.cosh(x)) and worth(x + 1 - 2 * x**sympy.pi)
    assert not worth(x**2 + 1 - 2 * x)  # rational powers: the log gains nothing
    assert not worth(log(1 + x) - x / (1 + x))


def test_each_log_is_written_out_by_the_rules_that_hold_on_the_piece():
    sign = signs([x], reals([x]), BOX)
    assert log_of(2 * x**E * exp(x), sign) == log(2) + E * log(x) + x  # x >= 0 and e > 0
    assert log_of(x ** (-E), sign) == log(x ** (-E))  # x may be 0, where x^(-e) is oo: left whole
    off = signs([x], reals([x]), [(F(-1), F(1))])
    assert log_of((x + 2) ** E, off) == E * log(x + 2)  # x + 2 > 0 on [-1, 1]
    assert log_of(x**2 * exp(x), off) == log(x**2) + x  # x^2 >= 0: the product's factors part
    assert log_of(x * exp(x), off) == log(x * exp(x))  # x < 0 somewhere: the product stays whole


def test_the_sides_must_have_their_signs_on_the_piece():
    assert comparison(POWER, signs([x], reals([x]), BOX)) == (exp(x), x**E, x - E * log(x))
    assert comparison(POWER, signs([x], reals([x]), BOX, recheck=True)) == (exp(x), x**E, x - E * log(x))
    minus = exp(x) - x**E * (x - 1)  # the negative side is below 0 for x < 1
    assert comparison(minus, signs([x], reals([x]), BOX)) is None
    # e^(x^2) erf x + 1 - e^(x^2): the log of the first side keeps the exponential: nothing taken apart for good
    assert comparison(exp(x**2) * sympy.erf(x) + 1 - exp(x**2), signs([x], reals([x]), BOX)) is None
    # GCE's class sum at c = 2, 2^(1-q) - f^q - (1-f)^q: the powers of f stay inside a log
    q = sympy.Symbol("q", real=True)
    box = [(F(0), F(1)), (F(1, 4), F(1))]
    assert comparison(2 / 2**q - x**q - (1 - x) ** q, signs([x, q], reals([x, q]), box)) is None


@pytest.mark.slow
@pytest.mark.parametrize("margin, domain", [
    (POWER, {x: (0, 10)}),
    (exp(x**2 / 2) - sympy.cosh(x), {x: (-oo, oo)}),  # x^2/2 - log cosh x, monotone at each pole
    (exp(x * y) - x**y, {x: (0, 3), y: (R(1, 10), 3)}),  # y > 0: log(x^y) = y log x, also at x = 0
    (x**x - exp(-1 / E), {x: (R(1, 100), 2)}),  # 0 at x = 1/e; the normal form writes it e^(-1/e) (x^x e^(1/e) - 1)
    # the tempered exponential (Amid et al. 2019) below exp for t < 1 and above it for t > 1: its base's sign,
    # t + (1 - t)(x + 1) on a half-line, is z3's, and a product's sign is its factors'
    (exp(x) - (1 + (1 - y) * x) ** (1 / (1 - y)), {x: (-1, oo), y: sympy.Interval.Ropen(0, 1)}),
    ((1 + (1 - y) * x) ** (1 / (1 - y)) - exp(x), {x: sympy.Interval.open(-oo, 0), y: sympy.Interval.Lopen(1, 3)}),
])
def test_margins_are_proved_through_their_logarithms(margin, domain, without_cutoff, without_value_sweep):
    res = prove_expr(margin, domain, seconds=HANG_GUARD)
    assert res.proved, res.reason
    assert "through logarithms" in res.certificate.methods()


@pytest.mark.slow
@pytest.mark.parametrize("margin, domain", [
    (exp(x) - x**E * (1 + R(1, 10**9)), {x: (0, 10)}),
    (exp(x) - x**E - R(1, 10**12), {x: (0, 10)}),
    (R(999, 1000) * exp(x**2 / 2) - sympy.cosh(x), {x: (-oo, oo)}),
    (x**x - exp(-1 / E) - R(1, 10**12), {x: (R(1, 100), 2)}),
    (exp(x) - (1 + (1 - y) * x) ** (1 / (1 - y)) - R(1, 10**12), {x: (-1, oo), y: sympy.Interval.Ropen(0, 1)}),
])
def test_false_neighbours_are_refuted(margin, domain):
    res = prove_expr(margin, domain, seconds=HANG_GUARD)
    assert res.outcome == "counterexample"
    assert margin.xreplace({s: R(str(res.counterexample[str(s)])) for s in domain}) < 0


@pytest.mark.slow
def test_a_refuted_comparison_gives_a_point_of_the_piece():
    false = exp(x) - x**E * (1 + R(1, 10**9))
    pt = logs(false, [x], BOX, Budget.of(HANG_GUARD), reals([x]))
    assert isinstance(pt, list) and BOX[0][0] <= pt[0] <= BOX[0][1]
    assert false.xreplace({x: R(pt[0].numerator, pt[0].denominator)}) < 0


def test_a_tampered_record_fails_its_recheck():
    rec = logs(POWER, [x], BOX, Budget.of(HANG_GUARD), reals([x]))
    assert isinstance(rec, LogComparison) and logs_recheck(rec, POWER, [x], BOX, reals([x])) == []
    assert logs_recheck(dataclasses.replace(rec, margin=x - 2 * log(x)), POWER, [x], BOX, reals([x]))
    assert logs_recheck(rec, POWER - R(1, 100), [x], BOX, reals([x]))  # another margin
    assert logs_recheck(rec, POWER, [x], [(F(-1), F(10))], reals([x]))  # another piece: x^e not real below 0
    assert logs_recheck(rec, POWER, [x], [(F(0), F(11))], reals([x]))  # a wider piece than the proof's


@pytest.mark.slow
def test_a_side_zero_at_the_end_of_the_piece_rechecks():
    # B = (x + 1) e^-1 + e^-1 is 0 at x = -2: an Arb ball of the box [-2, 3] (0.5 +- 2.5, its radius rounded up) gives
    # it a lower bound of -4e-9, so the re-check's sign of B needs the interval route as well
    from paper_checks.prover import prove, recheck
    from tests.paper_checks.prover._spaces import real_space

    space = real_space(lambda x: sympy.exp(x) - sympy.exp(-1) - sympy.exp(-1) * (x + 1), ("x", -2, 3))
    res = prove(space, 10**6, 300)
    assert res.proved and "through logarithms" in res.certificate.methods()
    assert recheck(res.certificate, space) == []
