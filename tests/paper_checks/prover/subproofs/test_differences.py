"""Differences of monotone functions (:mod:`paper_checks.prover.subproofs.differences`): squared Lipschitz bounds, 0
along the whole diagonal, proved through the sign of each factor ``G(x) - G(y)``; one monotone function at two
arguments, ``G(A) - G(B)``, proved through the sign of ``A - B``; false neighbours refuted; a difference read exactly;
a tampered record fails its re-check."""
from __future__ import annotations

import dataclasses

import pytest
import sympy

from paper_checks.prover import prove, prove_expr, recheck
from paper_checks.prover.subproofs.differences import (
    Arguments,
    Differences,
    argument_pairs,
    continuous_on,
    hull,
    sides,
    slope,
)
from paper_checks.search.params import Real, SearchSpace

R = sympy.Rational
HANG_GUARD = 300  # seconds: generous, so that the load never decides an outcome
oo = sympy.oo
x, y = sympy.symbols("x y", real=True)
#: |sin x - sin y| <= |x - y| on the plane, squared
SIN = (x - y) ** 2 - (sympy.sin(x) - sympy.sin(y)) ** 2


@pytest.mark.slow
def test_a_squared_lipschitz_bound_is_proved_on_the_plane():
    res = prove_expr(SIN, {x: (-oo, oo), y: (-oo, oo)}, seconds=HANG_GUARD)
    assert res.proved and "monotone differences" in res.certificate.methods(), res.reason


@pytest.mark.slow  # seconds of proof: with the work meter on (issue 60) it left the quick suite
def test_the_certificate_rechecks_and_a_tampered_one_does_not():
    def exact(pt):
        return SIN.xreplace({x: pt["x"], y: pt["y"]})

    space = SearchSpace((Real("x", -4, 4), Real("y", -3, 5)), lambda pt: float(exact(pt)), exact,
                        description="sin is 1-Lipschitz")
    res = prove(space, 10**6, HANG_GUARD)
    assert res.proved and "monotone differences" in res.certificate.methods()
    assert recheck(res.certificate, space) == []
    rec = next(r for r in res.certificate.subproofs.values() if isinstance(r, Differences))
    tampered = [dataclasses.replace(rec, coeff=-rec.coeff),  # no longer the margin
                dataclasses.replace(rec, factors=rec.factors[:1]),  # a factor dropped
                dataclasses.replace(rec, factors=[(f, k, -s, p) for f, k, s, p in rec.factors])]  # signs flipped
    for bad in tampered:
        res.certificate.subproofs = {k: bad for k in res.certificate.subproofs}
        assert recheck(res.certificate, space)


@pytest.mark.slow  # about 10 s: out of README's quick command, in CI's slow run
def test_false_neighbours_are_refuted():
    for bad, dom in ((SIN - R(1, 10**12), {x: (-4, 4), y: (-4, 4)}),
                     ((x - y) ** 2 - R(1001, 1000) * (sympy.sin(x) - sympy.sin(y)) ** 2, {x: (-4, 4), y: (-4, 4)}),
                     # atan is 1-Lipschitz, but not 9/10-Lipschitz near 0
                     (R(81, 100) * (x - y) ** 2 - (sympy.atan(x) - sympy.atan(y)) ** 2, {x: (-2, 2), y: (-2, 2)})):
        res = prove_expr(bad, dom, seconds=HANG_GUARD)
        assert res.outcome == "counterexample", (bad, res.reason)
        assert bad.xreplace({s: sympy.Rational(str(res.counterexample[str(s)])) for s in dom}) < 0


def test_a_difference_and_its_slope_are_read_exactly():
    assert sympy.simplify(slope(x - y - sympy.sin(x) + sympy.sin(y), x, y) - (1 - sympy.cos(x))) == 0
    assert slope(x * y - y**2, x, y) is None  # 0 on the diagonal, but not G(x) - G(y)
    assert slope(x - 2 * y, x, y) is None  # not 0 on the diagonal
    assert hull((R(0), R(1)), (R(-1), R(1, 2))) == (R(-1), R(1))


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
