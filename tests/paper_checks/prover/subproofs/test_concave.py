"""Concave in one coordinate (:mod:`paper_checks.prover.subproofs.concave`): the Jensen-Shannon loss below its chord
with its weight free, 0 at both ends of the chord and ``0 log 0`` at one of them, proved through its two faces; false
neighbours refuted; a face read as written or by its limit; a tampered record fails its re-check."""
from __future__ import annotations

import dataclasses
from fractions import Fraction

import pytest
import sympy

from paper_checks.prover import prove, prove_expr, recheck
from paper_checks.prover.subproofs.concave import Concave, face, limit_agrees
from paper_checks.prover.tracing.symbols import Coordinate
from paper_checks.search.params import Real, SearchSpace, SimplexPoint

R = sympy.Rational
F = Fraction
HANG_GUARD = 300  # seconds: generous, so that the load never decides an outcome
p, w = sympy.symbols("p w", positive=True)
log = sympy.log


def _js_onehot(pp, ww):
    """JS_w(e_y, Ber(p)) (Englesson & Azizpour 2021), M = w e_y + (1 - w) P."""
    m = ww + (1 - ww) * pp
    return -ww * log(m) + (1 - ww) * (pp * log(pp / m) - (1 - pp) * log(1 - ww))


def _entropy(z):
    return -z * log(z) - (1 - z) * log(1 - z)


#: JS_w(e_y, P) <= H(w) (1 - p): the convex loss below its chord between p = 0 (H(w)) and p = 1 (0)
CHORD = _entropy(w) * (1 - p) - _js_onehot(p, w)


@pytest.mark.slow  # seconds of proof: with the work meter on (issue 60) it left the quick suite
def test_the_js_loss_below_its_chord_is_proved_through_its_faces_and_rechecks(without_bounds):
    # without z3 over bounding functions, which orders the log atoms as their arguments and closes it on one rung
    def exact(pt):
        return CHORD.xreplace({p: pt["p"], w: pt["w"]})

    space = SearchSpace((Real("p", 0, 1, open_low=True), Real("w", 0, 1, open_low=True, open_high=True)),
                        lambda pt: float(exact(pt)), exact, description="JS below its chord")
    res = prove(space, 10**6, HANG_GUARD)
    assert res.proved and "concave" in res.certificate.methods()
    assert recheck(res.certificate, space) == []
    rec = next(r for r in res.certificate.subproofs.values() if isinstance(r, Concave))
    assert rec.name == "p" and [(e, how) for e, _, how, _ in rec.faces] == [("low", "limit"), ("high", "as written")]
    tampered = [dataclasses.replace(rec, faces=rec.faces[:1]),  # one end dropped
                dataclasses.replace(rec, faces=[(e, f + 1, h, pr) for e, f, h, pr in rec.faces]),  # not the faces
                dataclasses.replace(rec, index=1, name="w")]  # another coordinate
    for bad in tampered:
        res.certificate.subproofs = {k: bad for k in res.certificate.subproofs}
        assert recheck(res.certificate, space)


@pytest.mark.slow
def test_false_neighbours_are_refuted():
    dom = {p: sympy.Interval.Lopen(0, 1), w: sympy.Interval.open(0, 1)}
    for bad in (CHORD - R(1, 10**12), R(99, 100) * _entropy(w) * (1 - p) - _js_onehot(p, w)):
        assert prove_expr(bad, dom, seconds=HANG_GUARD).outcome == "counterexample"


def test_a_face_is_read_as_written_or_by_its_one_sided_limit():
    x, y = sympy.symbols("x y", real=True)
    coords = [Coordinate(x, "x", ()), Coordinate(y, "y", ())]
    box = [(F(0), F(1)), (F(1), F(2))]
    assert face(x * log(x) + y, [x, y], coords, box, 0, "high") == (y, "as written")
    assert face(x * log(x) + y, [x, y], coords, box, 0, "low") == (y, "limit")  # 0 log 0 read as its limit 0
    assert face(log(x) + y, [x, y], coords, box, 0, "low") is None  # -oo: no finite limit
    # a limit is checked against the margin near the end without SymPy's limit: a wrong one is refused
    assert limit_agrees(x * log(x) + y, [x, y], box, 0, "low", y)
    assert not limit_agrees(x * log(x) + y, [x, y], box, 0, "low", y + R(1, 1000))


@pytest.mark.slow  # about 14 s: out of README's quick command, in CI's slow run
def test_a_simplex_coordinate_read_alone_is_a_plain_real(without_bounds):
    # the chord problem with p the label's probability f[0] of a 3-simplex point: the margin reads no other
    # coordinate of the row, so each piece's box of f[0] holds its region, and concavity in it closes the piece
    def exact(pt):
        return CHORD.xreplace({p: pt["f"][0], w: pt["w"]})

    space = SearchSpace((SimplexPoint("f", 3), Real("w", R(1, 100), R(99, 100))), lambda pt: float(exact(pt)), exact,
                        description="JS below its chord at the label")
    res = prove(space, 10**6, HANG_GUARD)
    assert res.proved and "concave" in res.certificate.methods(), res.reason
    assert recheck(res.certificate, space) == []
