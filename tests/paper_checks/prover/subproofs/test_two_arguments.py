"""One monotone function at two arguments (:mod:`paper_checks.prover.subproofs.two_arguments`): ``G(A) - G(B)``
proved through the sign of ``A - B``; two ratios crossed (:mod:`paper_checks.prover.subproofs.cross_ratio`), Cauchy's
mean value theorem in disguise; ``G`` with a pole at an end of its interval, its slope proved on the open one; false
neighbours refuted; a tampered record fails its re-check."""
from __future__ import annotations

import dataclasses

import pytest
import sympy

from paper_checks.prover import prove, prove_expr, recheck
from paper_checks.prover.subproofs.cross_ratio import sides
from paper_checks.prover.subproofs.two_arguments import Arguments, argument_pairs, continuous_on, function_at
from paper_checks.search.params import Real, SearchSpace

R = sympy.Rational
HANG_GUARD = 300  # seconds: generous, so that the load never decides an outcome
oo = sympy.oo
x, y = sympy.symbols("x y", real=True)


c, tau = sympy.symbols("c tau", positive=True)
#: a user's claim for every number of classes and temperature (issue 69): log(1 + a e^u) increases in u, and
#: 2 tau >= sqrt 2 tau
GAP = sympy.log(1 + (c - 1) * sympy.exp(2 * tau)) - sympy.log(1 + (c - 1) * sympy.exp(sympy.sqrt(2) * tau))
GAP_DOMAIN = {c: sympy.Interval(2, oo), tau: sympy.Interval.open(0, oo)}


def test_two_sides_of_one_function_are_split_at_every_depth():
    p, n = sides(GAP)
    pairs = argument_pairs(p, n)
    assert pairs[0] == (2, sympy.sqrt(2))  # the smallest first
    assert (2 * tau, sympy.sqrt(2) * tau) in pairs and (sympy.exp(2 * tau), sympy.exp(sympy.sqrt(2) * tau)) in pairs
    assert sides(x - 1) is not None and sides(x + 1) is None
    assert argument_pairs(sympy.log(x), sympy.log(x)) == []


@pytest.mark.slow  # seconds of proof
def test_one_monotone_function_at_two_arguments_is_proved_for_every_c_and_tau():
    res = prove_expr(GAP, GAP_DOMAIN, work=6, seconds=None)
    assert res.proved and "one function at two arguments" in res.certificate.methods(), res.reason
    rec = next(r for r in res.certificate.subproofs.values() if isinstance(r, Arguments))
    assert rec.sign == 1 and "mean value theorem" in rec.why()


@pytest.mark.slow  # seconds of proof
def test_the_arguments_record_rechecks_and_a_tampered_one_does_not():
    def exact(pt):
        return GAP.xreplace({c: pt["c"], tau: pt["tau"]})

    space = SearchSpace((Real("c", 2, 10), Real("tau", 0, 10)), lambda pt: float(exact(pt)), exact,
                        description="a gap of log-sum-exps")
    res = prove(space, 10**6, None, work=6)
    assert res.proved and "one function at two arguments" in res.certificate.methods(), res.reason
    assert recheck(res.certificate, space) == []
    rec = next(r for r in res.certificate.subproofs.values() if isinstance(r, Arguments))
    for bad in (dataclasses.replace(rec, sign=-rec.sign),  # the other order
                dataclasses.replace(rec, first=rec.second, second=rec.first),  # the arguments swapped
                dataclasses.replace(rec, span=(rec.span[0] + 1, rec.span[1]))):  # an interval too short
        res.certificate.subproofs = {k: bad for k in res.certificate.subproofs}
        assert recheck(res.certificate, space), bad


@pytest.mark.slow  # seconds of search
def test_the_gap_reversed_is_refuted():
    res = prove_expr(-GAP, {c: (2, 10), tau: (0, 10)}, work=6, seconds=None)
    assert res.outcome == "counterexample", res.reason
    pt = {s: sympy.Rational(str(res.counterexample[str(s)])) for s in (c, tau)}
    assert (-GAP).xreplace(pt).evalf(60) < 0


def test_a_function_with_a_jump_is_not_taken_for_monotone():
    u = sympy.Symbol("u", real=True)
    # atan(1/u): its slope simplifies to -1/(1 + u^2), of one sign, but it jumps at u = 0
    assert not continuous_on(sympy.atan(1 / u), [u], [(R(-1), R(1))])
    assert continuous_on(sympy.atan(1 / u), [u], [(R(1, 2), R(1))])
    assert continuous_on(sympy.log(c * sympy.exp(tau * u) - sympy.exp(tau * u) + 1), [u, c, tau],
                         [(R(1), R(2)), (R(2), R(10)), (R(0), oo)])  # (c - 1) e^(tau u) + 1 > 0


@pytest.mark.slow  # seconds of search
def test_two_arguments_across_a_jump_are_refuted_not_proved():
    # G(u) = atan(1/u) at A = x - 2 < 0 < B = x - 1: G(A) < 0 < G(B) on the whole of (1, 2)
    bad = sympy.atan(1 / (x - 2)) - sympy.atan(1 / (x - 1))
    res = prove_expr(bad, {x: sympy.Interval.open(1, 2)}, work=6, seconds=None)
    assert res.outcome == "counterexample", res.reason


X1, X2 = sympy.symbols("X1 X2", real=True)
#: MetiTarski's sin-3425a (Akbarpour & Paulson 2010): (x2 - x2^3/6)/(x1 - x1^3/6) <= 10^-4 + sin x2/sin x1 on
#: 0 < x1 < x2 < sqrt 6, which is 10^-4 + (A(x2)/sin x1) (G(x2) - G(x1)) with A(x) = x - x^3/6 and G = sin/A increasing
CAUCHY = R(1, 10**4) + sympy.sin(X2) / sympy.sin(X1) - (X2 - X2**3 / 6) / (X1 - X1**3 / 6)
CAUCHY_DOMAIN = {X1: sympy.Interval.open(0, sympy.sqrt(6)), X2: sympy.Interval.open(0, sympy.sqrt(6))}


def test_a_function_is_found_at_two_arguments_through_a_coordinate_it_reads_affinely():
    u, s = sympy.Symbol("u", positive=True), sympy.Symbol("s", positive=True)
    first = sympy.sin(sympy.sqrt(6) * s) / (sympy.sqrt(6) * s - sympy.sqrt(6) * s**3)
    second = first.xreplace({s: y * s})
    g = function_at((first, second), sympy.sqrt(6) * s, sympy.sqrt(6) * y * s, u)
    assert g is not None and sympy.simplify(g - sympy.sin(u) / (u - u**3 / 6)) == 0
    assert function_at((first, second + 1), sympy.sqrt(6) * s, sympy.sqrt(6) * y * s, u) is None


@pytest.mark.slow  # seconds of proof
def test_two_ratios_crossed_are_proved_as_cauchy_s_mean_value_theorem():
    res = prove_expr(CAUCHY, CAUCHY_DOMAIN, work=22.5, seconds=HANG_GUARD, constraints=[X1 < X2])
    assert res.proved and "one function at two arguments" in res.certificate.methods(), res.reason
    rec = next(r for r in res.certificate.subproofs.values() if isinstance(r, Arguments))
    assert rec.factor != 1 and rec.slack == R(1, 10**4) and rec.opened  # G has a 0/0 at 0 and a pole at sqrt 6


@pytest.mark.slow  # seconds of proof
def test_the_crossed_record_rechecks_and_a_tampered_one_does_not():
    def exact(pt):
        return CAUCHY.xreplace({X1: pt["r"] * pt["x2"], X2: pt["x2"]})  # the ratio chart by hand: x1 = r x2

    space = SearchSpace((Real("r", 0, 1, open_low=True, open_high=True), Real("x2", 0, 2, open_low=True)),
                        lambda pt: float(exact(pt)), exact, description="sin-3425a in its ratio chart")
    res = prove(space, 10**6, None, work=22.5)
    assert res.proved and "one function at two arguments" in res.certificate.methods(), res.reason
    assert recheck(res.certificate, space) == []
    rec = next(r for r in res.certificate.subproofs.values() if isinstance(r, Arguments))
    for bad in (dataclasses.replace(rec, slack=-rec.slack),  # a negative slack is no slack
                dataclasses.replace(rec, factor=-rec.factor),  # the factor's sign mistaken
                dataclasses.replace(rec, opened=False),  # G is not continuous on the closed interval
                dataclasses.replace(rec, factor_proof=None)):  # the factor's sign unproved
        res.certificate.subproofs = {k: bad for k in res.certificate.subproofs}
        assert recheck(res.certificate, space), bad


@pytest.mark.slow  # seconds of search
def test_the_crossed_ratios_reversed_are_refuted_and_a_negative_slack_is_not_proved():
    reversed_ = R(1, 10**4) - sympy.sin(X2) / sympy.sin(X1) + (X2 - X2**3 / 6) / (X1 - X1**3 / 6)
    res = prove_expr(reversed_, CAUCHY_DOMAIN, work=6, seconds=HANG_GUARD, constraints=[X1 < X2])
    assert res.outcome == "counterexample", res.reason
    pt = {s: sympy.sympify(res.counterexample[str(s)]) for s in (X1, X2)}  # exact, in sqrt 6 (the chart's scale)
    assert 0 < pt[X1] < pt[X2] < sympy.sqrt(6) and reversed_.xreplace(pt).evalf(60) < 0
    # 10^-12 below 0 on the diagonal, where x1 -> x2 is allowed: false, never proved
    tight = CAUCHY - R(1, 10**4) - R(1, 10**12)
    assert not prove_expr(tight, CAUCHY_DOMAIN, work=6, seconds=HANG_GUARD, constraints=[X1 < X2]).proved


#: MetiTarski's cos-problem-5 (Akbarpour & Paulson 2010): (x + 1) cos(pi/(x + 1)) - x cos(pi/x) > 1 for x > sqrt 3,
#: which is H(x + 1) - H(x) with H(u) = u cos(pi/u) - u: the constant is the slope's share of the arguments' gap, 1, and
#: H' = cos(pi/u) + (pi/u) sin(pi/u) - 1 >= 0, 0 only as u -> oo
STEP = (x + 1) * sympy.cos(sympy.pi / (x + 1)) - x * sympy.cos(sympy.pi / x) - 1
STEP_DOMAIN = {x: sympy.Interval.open(sympy.sqrt(3), oo)}


@pytest.mark.slow  # seconds of proof
def test_a_constant_beside_two_arguments_a_number_apart_is_the_slope_s_share():
    res = prove_expr(STEP, STEP_DOMAIN, work=22.5, seconds=HANG_GUARD)
    assert res.proved and "one function at two arguments" in res.certificate.methods(), res.reason
    rec = next(r for r in res.certificate.subproofs.values() if isinstance(r, Arguments))
    assert rec.first - rec.second == 1 and rec.function.has(sympy.cos)


@pytest.mark.slow  # seconds of search
def test_a_constant_one_millionth_too_large_is_refuted():
    bad = STEP - R(1, 10**6)  # H' would be below 0 for large u: false far out on the half-line
    res = prove_expr(bad, STEP_DOMAIN, work=22.5, seconds=HANG_GUARD)
    assert res.outcome == "counterexample", res.reason
    at = sympy.sympify(res.counterexample["x"])
    assert at > sympy.sqrt(3) and bad.xreplace({x: at}).evalf(60) < 0
