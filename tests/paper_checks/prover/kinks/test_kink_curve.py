"""A kink along a curve (:mod:`paper_checks.prover.kinks.kink_curve`): the clipped cross entropy below its chord with
the clip ``A`` free, tight along ``p = e^A``, proved on the two cells of that curve; false neighbours refuted; the curve
and a cell read exactly; a tampered record fails its re-check."""
from __future__ import annotations

import dataclasses
import math
from fractions import Fraction

import pytest
import sympy

from paper_checks.prover import prove, prove_expr, recheck
from paper_checks.prover.kinks.kink_curve import KinkCurve, cell, curve, kinks
from paper_checks.prover.tracing.symbols import Coordinate
from paper_checks.search.params import Real, SearchSpace

R = sympy.Rational
F = Fraction
HANG_GUARD = 300  # seconds: generous, so that the load never decides an outcome
p = sympy.Symbol("p", positive=True)
A = sympy.Symbol("A", negative=True)
#: the CE clipped at -A (log 0 := A, as the reverse CE reads it; Wang et al. 2019) below its chord RCE/(1 - e^A)
CLIPPED = -A * (1 - p) / (1 - sympy.exp(A)) - sympy.Min(-sympy.log(p), -A)


@pytest.mark.slow  # seconds of proof: with the work meter on (issue 60) it left the quick suite
def test_the_clipped_ce_below_its_chord_is_proved_with_its_clip_free():
    res = prove_expr(CLIPPED, {p: sympy.Interval.Lopen(0, 1), A: sympy.Interval.open(-sympy.oo, 0)},
                     seconds=HANG_GUARD)
    assert res.proved and "kink curve" in res.certificate.methods(), res.reason


@pytest.mark.slow  # about 10 s: out of README's quick command, in CI's slow run
def test_the_certificate_rechecks_and_a_tampered_one_does_not():
    def exact(pt):
        return CLIPPED.xreplace({p: pt["p"], A: pt["A"]})

    space = SearchSpace((Real("p", 0, 1, open_low=True), Real("A", -5, -R(1, 10))), lambda pt: float(exact(pt)), exact,
                        description="the clipped CE below its chord")
    res = prove(space, 10**6, HANG_GUARD)
    assert res.proved and "kink curve" in res.certificate.methods(), res.reason
    assert recheck(res.certificate, space) == []
    rec = next(r for r in res.certificate.subproofs.values() if isinstance(r, KinkCurve))
    tampered = [dataclasses.replace(rec, phi=rec.phi / 2),  # another curve: not what was proved
                dataclasses.replace(rec, cells=rec.cells[::-1]),  # the cells swapped
                dataclasses.replace(rec, cells=[dataclasses.replace(c, side=1 - c.side) for c in rec.cells]),
                dataclasses.replace(rec, bounds=rec.bounds[:1])]  # the curve's high bound dropped
    for bad in tampered:
        res.certificate.subproofs = {k: bad for k in res.certificate.subproofs}
        assert recheck(res.certificate, space)


@pytest.mark.slow
def test_false_neighbours_are_refuted():
    dom = {p: sympy.Interval.Lopen(0, 1), A: sympy.Interval(-5, -R(1, 10))}
    for bad in (-A * (1 - p) - sympy.Min(-sympy.log(p), -A),  # the factor 1/(1 - e^A) dropped
                CLIPPED - R(1, 10**12) * p):  # 1e-12 below at p = 1
        res = prove_expr(bad, dom, seconds=HANG_GUARD)
        assert res.outcome == "counterexample", res.reason
        assert bad.xreplace({p: R(str(res.counterexample["p"])), A: R(str(res.counterexample["A"]))}) < 0


def test_the_curve_and_a_cell_are_read_exactly():
    node = kinks(CLIPPED)[0]
    g = node.args[0] - node.args[1]
    assert curve(g, p) == sympy.exp(A)
    x = sympy.Symbol("x", real=True)
    assert curve(x**2 - A**2, x) is None  # two solutions: no one curve
    assert curve(p**2 - A**2, p) == -A  # p > 0 keeps one
    box = [(F(0), F(1)), (-math.inf, F(0))]
    coords = [Coordinate(p, "p", (), (F(0), None)), Coordinate(A, "A", (), (None, F(0)))]
    margin, syms, crds, bx = cell(CLIPPED, node, [p, A], coords, box, 0, sympy.exp(A), "below", 0, False)
    t = syms[0]
    assert margin == CLIPPED.xreplace({node: node.args[0]}).xreplace({p: sympy.exp(A) * t})
    assert bx[0] == (F(0), F(1)) and crds[0].open_at == (F(0), None)  # p's open end 0 stays open at t = 0
