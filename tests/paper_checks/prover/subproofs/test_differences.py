"""Differences of monotone functions (:mod:`paper_checks.prover.subproofs.differences`): squared Lipschitz bounds, 0
along the whole diagonal, proved through the sign of each factor ``G(x) - G(y)``; false neighbours refuted; a difference
read exactly; a tampered record fails its re-check."""
from __future__ import annotations

import dataclasses

import pytest
import sympy

from paper_checks.prover import prove, prove_expr, recheck
from paper_checks.prover.subproofs.differences import Differences, hull, slope
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
