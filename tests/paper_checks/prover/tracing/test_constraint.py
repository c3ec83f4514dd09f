"""A domain's constraint read by the prover (paper_checks.prover.tracing.constraint): a bound on one real coordinate
narrows its interval exactly, a piece outside the constraint is left out, one the prover cannot read is said, and
the re-check derives all of it again (and finds a piece a certificate leaves out)."""
import dataclasses
from fractions import Fraction

import pytest
import sympy

from paper_checks.prover import prove, recheck
from paper_checks.prover.enclosures.boxes import pieces
from paper_checks.prover.tracing.constraint import PieceBox, piece_box
from paper_checks.prover.tracing.trace import trace
from paper_checks.search.params import Integer, Real, SearchSpace

NOTE = "the domain's constraint was not used"


def _space(margin, constraint, c_low=2):
    """``c`` in ``c_low..4`` and ``k`` in ``(0, 1)``: Eq. 10's ``k >= 1/c`` (Zhang & Sabuncu 2018) as a test."""
    return SearchSpace((Integer("c", c_low, 4), Real("k", 0.0, 1.0, open_low=True)),
                       lambda pt: float(margin(pt["c"], pt["k"])), lambda pt: margin(pt["c"], pt["k"]),
                       constraint=constraint, description="constraint test")


def _box(space, c):
    pc = next(p for p in pieces(space) if dict(p.integers)["c"] == c)
    _, coords = trace(space, dict(pc.integers), dict(pc.eliminated))
    return piece_box(space, pc, coords)


def test_a_bound_on_one_coordinate_narrows_it_exactly():
    space = _space(lambda c, k: c * k - 1, lambda pt: pt["k"] * pt["c"] >= 1)
    assert _box(space, 3) == PieceBox([(Fraction(1, 3), Fraction(1))], True)
    res = prove(space, 2000, 30)
    assert res.proved and not any(NOTE in n for n in res.notes)  # c k - 1 >= 0 holds exactly where k >= 1/c
    assert recheck(res.certificate, space) == []


@pytest.mark.slow  # about 1 s or more: out of README's quick command, in CI's slow run
def test_a_constraint_it_cannot_read_is_said_and_never_proves_a_superset_wrong():
    space = _space(lambda c, k: c * k - 1, lambda pt: float(pt["k"]) * int(pt["c"]) >= 1.0)
    assert _box(space, 3).read is False and _box(space, 3).box == [(Fraction(0), Fraction(1))]
    res = prove(space, 2000, 5)
    assert res.outcome != "proved" and res.counterexample is None  # false only outside the constraint


def test_a_piece_outside_the_constraint_is_left_out_and_rechecked():
    space = _space(lambda c, k: (c - 2) * k, lambda pt: pt["c"] >= 2, c_low=1)
    assert _box(space, 1).box is None and _box(space, 2).box == [(Fraction(0), Fraction(1))]
    res = prove(space, 2000, 30)
    assert res.proved and [dict(p.integers)["c"] for p in res.certificate.pieces] == [2, 3, 4]
    assert recheck(res.certificate, space) == []


def test_the_recheck_finds_a_piece_the_certificate_leaves_out():
    space = _space(lambda c, k: c * k, None)
    res = prove(space, 2000, 30)
    assert res.proved
    cert = res.certificate
    last = len(cert.pieces) - 1
    fewer = dataclasses.replace(cert, pieces=cert.pieces[:last], records=[r for r in cert.records if r.piece < last])
    problems = recheck(fewer, space)
    assert any("is not in the certificate" in p and "'c': 4" in p for p in problems)


def test_an_affine_bound_in_the_other_direction_and_a_sympy_and():
    space = _space(lambda c, k: 1 - c * k + 0 * k, lambda pt: sympy.And(2 * pt["k"] <= sympy.Rational(2, pt["c"]),
                                                                          pt["k"] >= sympy.Rational(1, 10)))
    assert _box(space, 4).box == [(Fraction(1, 10), Fraction(1, 4))]
    res = prove(space, 2000, 30)
    assert res.proved and recheck(res.certificate, space) == []
