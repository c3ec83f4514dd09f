"""A homogeneous margin decided on the ratios of its coordinates (:mod:`paper_checks.prover.symmetry.ratio`): the degree
and its identity, the sub-problem (pivot set to 1, each ratio on its interval), Jensen's log inequality with its weight
free proved, the weighted AM-GM inequality with its false neighbour refuted at a point of the domain, and tampered
records failing their re-check."""
from __future__ import annotations

import dataclasses
from fractions import Fraction

import pytest
import sympy

from paper_checks.prover import prove_expr
from paper_checks.prover.budget import Budget
from paper_checks.prover.subproofs.subproblem import reals
from paper_checks.prover.symmetry.ratio import Ratio, homogeneous, identity, pivot_of, ratio, ratio_problem
from paper_checks.prover.symmetry.ratio import recheck as ratio_recheck

R, F, log = sympy.Rational, Fraction, sympy.log
a, b, w = sympy.symbols("a b w", real=True)
HANG_GUARD = 300  # seconds: generous, so that the load never decides an outcome
BOX = [(F(1, 10), F(4)), (F(1, 10), F(4)), (F(0), F(1))]
#: Jensen for the log with its weight free: 0 on the plane a = b and on the faces w = 0 and w = 1
JENSEN = log(w * a + (1 - w) * b) - w * log(a) - (1 - w) * log(b)
#: the weighted AM-GM inequality, homogeneous of degree 1
AMGM = w * a + (1 - w) * b - a**w * b ** (1 - w)


@pytest.mark.slow
def test_the_degree_is_found_and_proved():
    assert homogeneous(JENSEN, [a, b, w], BOX, reals([a, b, w]), HANG_GUARD) == ((0, 1), 0)
    assert homogeneous(AMGM, [a, b, w], BOX, reals([a, b, w]), HANG_GUARD) == ((0, 1), 1)
    assert not identity(AMGM, [a, b, w], BOX, (0, 1), R(2))
    assert homogeneous(AMGM + a, [a, b, w], BOX, reals([a, b, w]), HANG_GUARD) == ((0, 1), 1)
    assert homogeneous(AMGM + 1, [a, b, w], BOX, reals([a, b, w])) is None
    at_zero = [(F(0), F(4)), (F(1, 10), F(4)), (F(0), F(1))]  # a coordinate from 0 is not positive
    assert homogeneous(AMGM, [a, b, w], at_zero, reals([a, b, w])) is None


def test_the_ratios_range_over_what_the_piece_takes():
    box = [(F(1, 10), F(4)), (F(1, 2), F(2)), (F(0), F(1))]
    assert pivot_of((0, 1), box) == 1  # [1/2, 2] is the narrower as a ratio (4 against 40)
    margin, sy, sc, sb = ratio_problem(AMGM, [a, b, w], reals([a, b, w]), box, (0, 1), 1)
    assert sy == [a, w] and sb == [(F(1, 20), F(8)), (F(0), F(1))] and [c.index for c in sc] == [(), ()]
    assert margin == w * a + 1 - w - a**w


@pytest.mark.slow  # seconds of proof: with the work meter on (issue 60) it left the quick suite
def test_jensen_with_its_weight_free_is_proved_on_the_ratios():
    res = prove_expr(JENSEN, {a: BOX[0], b: BOX[1], w: BOX[2]}, seconds=HANG_GUARD)
    assert res.proved and "ratios" in res.certificate.methods()


@pytest.mark.slow
def test_a_false_neighbour_is_refuted_at_a_point_of_the_domain():
    """AM-GM less a/10^6 (still homogeneous): negative on the plane a = b; the ratio problem's point u = 1 is put
    back on the piece."""
    false = AMGM - R(1, 10**6) * a
    rec = ratio(false, [a, b, w], BOX, Budget.of(HANG_GUARD), reals([a, b, w]))
    assert isinstance(rec, list) and all(lo <= v <= hi for v, (lo, hi) in zip(rec, BOX))
    assert false.xreplace({s: R(v.numerator, v.denominator) for s, v in zip([a, b, w], rec)}) < 0
    res = prove_expr(false, {a: BOX[0], b: BOX[1], w: BOX[2]}, seconds=HANG_GUARD)
    assert res.outcome == "counterexample"


@pytest.mark.slow
def test_a_tampered_record_fails_its_recheck():
    rec = ratio(AMGM, [a, b, w], BOX, Budget.of(HANG_GUARD), reals([a, b, w]))
    assert isinstance(rec, Ratio) and ratio_recheck(rec, AMGM, [a, b, w], BOX, reals([a, b, w])) == []
    assert ratio_recheck(dataclasses.replace(rec, degree=R(2)), AMGM, [a, b, w], BOX, reals([a, b, w]))
    assert ratio_recheck(dataclasses.replace(rec, coords=(0, 2)), AMGM, [a, b, w], BOX, reals([a, b, w]))
    assert ratio_recheck(rec, AMGM + R(1, 100) * a, [a, b, w], BOX, reals([a, b, w]))  # another margin
    wider = [(F(1, 20), F(4)), *BOX[1:]]  # another piece: the ratios range wider than the proof's
    assert ratio_recheck(rec, AMGM, [a, b, w], wider, reals([a, b, w]))
