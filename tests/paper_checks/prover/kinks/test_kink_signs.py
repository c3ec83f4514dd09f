"""Kinks decided by sub-proofs (:mod:`paper_checks.prover.kinks.kink_signs`): a hinge on the distance of two points of
the unit circle never clips where the distance is at most 2, which no interval enclosure of the distance shows;
its sign proved on its own coordinates, the reduced margin is proved; a false neighbour is refuted; the
same problem for another pair is proved once, and a tampered record fails its re-check."""
from __future__ import annotations

import dataclasses
from fractions import Fraction

import pytest
import sympy

from paper_checks.prover import prove_expr
from paper_checks.prover.budget import Budget
from paper_checks.prover.kinks.kink_signs import KinksDecided, kink_signs, recheck, renamed, sign_of, two_sided
from paper_checks.prover.subproofs.subproblem import reals

R = sympy.Rational
F = Fraction
HANG_GUARD = 300  # seconds: generous, so that the load never decides an outcome
s, t, u, v = sympy.symbols("s t u v", real=True)
BOX = [(F(-3), F(3))] * 4


def _point(a):
    return (1 - a**2) / (1 + a**2), 2 * a / (1 + a**2)


def _distance(a, b):
    (x1, y1), (x2, y2) = _point(a), _point(b)
    return sympy.sqrt((x1 - x2) ** 2 + (y1 - y2) ** 2)


def _hinged(level):
    """``(level - D) - [level - D]_+ = min(level - D, 0)`` for two pairs: 0 where ``D <= level``."""
    return sum((level - _distance(a, b)) - sympy.Max(0, level - _distance(a, b)) for a, b in ((s, t), (u, v)))


@pytest.mark.slow
def test_a_hinge_that_never_clips_is_decided_and_the_margin_proved():
    res = prove_expr(_hinged(2), {a: (-3, 3) for a in (s, t, u, v)}, seconds=HANG_GUARD)
    assert res.proved and "kinks decided" in res.certificate.methods()


@pytest.mark.slow
def test_a_false_neighbour_is_refuted_where_the_hinge_clips():
    res = prove_expr(_hinged(R(19, 10)), {a: (-3, 3) for a in (s, t, u, v)}, seconds=HANG_GUARD)
    assert res.outcome == "counterexample"


def test_the_same_problem_for_another_pair_is_one_problem():
    e = _hinged(2)
    nodes = two_sided(e)
    assert len(nodes) == 2
    problems = [renamed(sign_of(n, 0), [s, t, u, v], reals([s, t, u, v]), BOX) for n in nodes]
    assert problems[0][0] == problems[1][0] and problems[0][1] == problems[1][1]  # k0, k1: proved once
    assert {str(k) for k in problems[0][1]} == {"k0", "k1"}


@pytest.mark.slow
def test_a_tampered_record_fails_its_recheck():
    e = _hinged(2)
    rec = kink_signs(e, [s, t, u, v], BOX, Budget.of(HANG_GUARD), reals([s, t, u, v]))
    assert isinstance(rec, KinksDecided) and len(rec.sides) == 2
    assert recheck(rec, e, [s, t, u, v], BOX, reals([s, t, u, v])) == []
    wider = [(F(-4), F(3))] + BOX[1:]  # the sides were proved on the smaller box only
    assert recheck(rec, e, [s, t, u, v], wider, reals([s, t, u, v]))
    flipped = dataclasses.replace(rec, sides=[dataclasses.replace(rec.sides[0], side=1 - rec.sides[0].side),
                                              *rec.sides[1:]])
    assert recheck(flipped, e, [s, t, u, v], BOX, reals([s, t, u, v]))
    other = dataclasses.replace(rec, reduced=rec.reduced + 1)
    assert recheck(other, e, [s, t, u, v], BOX, reals([s, t, u, v]))


def test_a_kink_its_intervals_decide_is_left_to_the_boxes():
    e = sympy.Max(sympy.log(1 + s) - s / (1 + s), -1)
    assert kink_signs(e, [s], [(F(0), F(1))], Budget.of(HANG_GUARD), reals([s])) is None
