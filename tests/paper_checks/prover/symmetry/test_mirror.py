"""Symmetric about a coordinate's centre and convex in it (:mod:`paper_checks.prover.symmetry.mirror`): the symmetry
test, the binary GCE sum against its least value proved at the centre ``p = 1/2`` (a face 0 identically), a face that
needs a sub-proof, false neighbours left to the other closures, and tampered records failing their re-check."""
from __future__ import annotations

import dataclasses
from fractions import Fraction

import pytest
import sympy

from paper_checks.prover import prove_expr
from paper_checks.prover.budget import Budget
from paper_checks.prover.subproofs.subproblem import reals
from paper_checks.prover.symmetry.mirror import Mirror, mirror, symmetric
from paper_checks.prover.symmetry.mirror import recheck as mirror_recheck

R, F = sympy.Rational, Fraction
HANG_GUARD = 300  # seconds: generous, so that the load never decides an outcome
p = sympy.Symbol("p", nonnegative=True)
q = sympy.Symbol("q", positive=True)
x, y = sympy.symbols("x y", real=True)
BOX = [(F(0), F(1)), (F(0), F(1))]
#: Zhang & Sabuncu's Lemma 1 with K = 2: the GCE losses of both classes summed, against their least value
GCE_SUM = (1 - p**q) / q + (1 - (1 - p) ** q) / q - (2 - 2 ** (1 - q)) / q
#: symmetric about x = 0 and convex in x, its face x = 0 the margin y - y^2 of y alone
BOWL = sympy.cosh(x) - 1 + y - y**2
BOWL_BOX = [(F(-1), F(1)), (F(0), F(1))]


def test_the_symmetry_is_about_the_centre_of_the_interval():
    assert symmetric(GCE_SUM, [p, q], BOX, 0) and not symmetric(GCE_SUM, [p, q], BOX, 1)
    assert not symmetric(GCE_SUM + p / 10, [p, q], BOX, 0)
    assert not symmetric(GCE_SUM, [p, q], [(F(0), F(1, 2)), BOX[1]], 0)  # about 1/4 it is not
    assert symmetric(BOWL, [x, y], BOWL_BOX, 0) and not symmetric(BOWL, [x, y], [(F(-1), F(2)), BOWL_BOX[1]], 0)


@pytest.mark.slow
def test_the_binary_gce_sum_is_least_at_one_half():
    rec = mirror(GCE_SUM, [p, q], BOX, Budget.of(HANG_GUARD), reals([p, q]))
    assert isinstance(rec, Mirror) and (rec.name, rec.centre, rec.face, rec.face_proof) == ("p", F(1, 2), 0, None)
    assert mirror_recheck(rec, GCE_SUM, [p, q], BOX, reals([p, q])) == []
    res = prove_expr(GCE_SUM, {p: (0, 1), q: sympy.Interval.Lopen(0, 1)}, seconds=HANG_GUARD)
    assert res.proved and "convex about a centre" in res.certificate.methods()


def test_a_face_of_its_own_is_a_sub_proof():
    rec = mirror(BOWL, [x, y], BOWL_BOX, Budget.of(HANG_GUARD), reals([x, y]))
    assert isinstance(rec, Mirror) and rec.centre == 0 and rec.face == y - y**2 and rec.face_proof is not None
    assert mirror_recheck(rec, BOWL, [x, y], BOWL_BOX, reals([x, y])) == []


@pytest.mark.slow
def test_false_neighbours_are_left_to_the_other_closures():
    below = GCE_SUM - R(1, 10**6)  # its face p = 1/2 is -10^-6
    assert mirror(below, [p, q], BOX, Budget.of(HANG_GUARD), reals([p, q])) is None
    wide = [(F(0), F(1)), (F(0), F(2))]  # q up to 2: concave in p where q > 1
    assert mirror(GCE_SUM, [p, q], wide, Budget.of(HANG_GUARD), reals([p, q])) is None
    res = prove_expr(below, {p: (0, 1), q: sympy.Interval.Lopen(0, 1)}, seconds=HANG_GUARD)
    assert res.outcome == "counterexample"


def test_a_tampered_record_fails_its_recheck():
    rec = mirror(BOWL, [x, y], BOWL_BOX, Budget.of(HANG_GUARD), reals([x, y]))
    assert mirror_recheck(dataclasses.replace(rec, centre=F(1, 2)), BOWL, [x, y], BOWL_BOX, reals([x, y]))
    assert mirror_recheck(dataclasses.replace(rec, face=y - y**2 + 1), BOWL, [x, y], BOWL_BOX, reals([x, y]))
    assert mirror_recheck(dataclasses.replace(rec, face_proof=None), BOWL, [x, y], BOWL_BOX, reals([x, y]))
    assert mirror_recheck(rec, BOWL + x / 100, [x, y], BOWL_BOX, reals([x, y]))  # no longer symmetric
    assert mirror_recheck(rec, BOWL, [x, y], [(F(-1), F(1)), (F(0), F(2))], reals([x, y]))  # another face's box
