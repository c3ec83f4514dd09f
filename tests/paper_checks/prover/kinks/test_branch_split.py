"""A branch on one coordinate split into its sides (:mod:`paper_checks.prover.kinks.branch_split`): the cells of the
coordinate (thresholds as points, open intervals between, the domain's own open ends kept), the margin resolved on
each, a norm against the largest entry proved with its face ``q = 1`` apart, false neighbours refuted, and a
tampered record failing its re-check."""
from __future__ import annotations

import dataclasses
from fractions import Fraction

import pytest
import sympy

from paper_checks.prover import prove_expr
from paper_checks.prover.budget import Budget
from paper_checks.prover.kinks.branch_split import BranchSplit, Cell, branch_coordinate, branch_split, cells, resolved
from paper_checks.prover.kinks.branch_split import recheck as branch_recheck
from paper_checks.prover.subproofs.subproblem import reals
from paper_checks.prover.tracing.symbols import Coordinate

R = sympy.Rational
F = Fraction
x, y, q = sympy.symbols("x y q", real=True)
HANG_GUARD = 300  # seconds: generous, so that the load never decides an outcome
#: ||(x, y)||_r with r = 1/(1 - q), the max norm at q = 1 (label_noise_lab.theory.gce.r_norm on a symbol)
NORM = sympy.Piecewise(((x ** (1 / (1 - q)) + y ** (1 / (1 - q))) ** (1 - q), q < 1), (sympy.Max(x, y), True))
#: ||(x, y)||_r <= 2^(1 - q) max(x, y): 0 at x = y for every q and on the whole face q = 1
NORM_BOUND = 2 ** (1 - q) * sympy.Max(x, y) - NORM
DOMAIN = {x: (0, 1), y: (0, 1), q: (R(1, 10), 1)}


def test_the_cells_are_the_thresholds_and_the_open_intervals_between():
    real, one = Coordinate(q, "q", ()), Cell(F(1), F(1), False, False)
    assert cells((F(0), F(1)), real, [F(1)]) == [Cell(F(0), F(1), False, True), one]
    half = F(1, 2)
    assert cells((F(0), F(1)), real, [half]) == [Cell(F(0), half, False, True), Cell(half, half, False, False),
                                                Cell(half, F(1), True, False)]
    assert cells((F(0), F(1)), real, [F(2)]) == [Cell(F(0), F(1), False, False)]  # outside: one cell, no split
    half_open = Coordinate(q, "q", (), (F(0), None))  # q in (0, 1]: the open end stays open, a threshold there is none
    assert cells((F(0), F(1)), half_open, [F(0), F(1)]) == [Cell(F(0), F(1), True, True), one]


def test_the_margin_is_resolved_on_each_cell():
    assert resolved(NORM_BOUND, q, Cell(F(1), F(1), False, False)) == 0  # the face q = 1: max - max
    inner = resolved(NORM_BOUND, q, Cell(F(0), F(1), False, True))
    assert not inner.has(sympy.Piecewise) and inner.has(x ** (1 / (1 - q)))
    assert branch_coordinate(NORM_BOUND, [x, y, q], reals([x, y, q])) == (2, [F(1)])
    two = sympy.Piecewise((x, q < 1), (y, x < R(1, 2)), (0, True))  # conditions on two coordinates: no split
    assert branch_coordinate(two, [x, y, q], reals([x, y, q])) is None


@pytest.mark.slow
def test_a_norm_below_its_bound_by_the_largest_entry_is_proved_face_q_1_apart():
    res = prove_expr(NORM_BOUND, DOMAIN, seconds=HANG_GUARD)
    assert res.proved and "branch split" in res.certificate.methods()


def test_false_neighbours_are_refuted():
    smaller = R(19, 20) * 2 ** (1 - q) * sympy.Max(x, y) - NORM  # below the norm at x = y, every q
    assert prove_expr(smaller, DOMAIN, seconds=HANG_GUARD).outcome == "counterexample"
    face = sympy.Piecewise((1 - q, q < 1), (-R(1, 10**6), True))  # >= 0 but on the face q = 1 alone
    res = prove_expr(face, {q: (0, 1)}, seconds=HANG_GUARD)
    assert res.outcome == "counterexample" and res.counterexample["q"] == 1
    # a face's own sub-problem refuted: its point, with q = 1 put back, is the claim's counterexample
    face_x = sympy.Piecewise((1 - q, q < 1), (x - R(1, 2), True))
    res = prove_expr(face_x, {x: (0, 1), q: (0, 1)}, seconds=HANG_GUARD, search_first=0)  # not the search's
    assert res.outcome == "counterexample" and res.counterexample["q"] == 1 and res.counterexample["x"] < R(1, 2)
    assert any("sub-problem" in n for n in res.notes)


@pytest.mark.slow
def test_a_tampered_record_fails_its_recheck():
    syms, box = [x, y, q], [(F(0), F(1)), (F(0), F(1)), (F(1, 10), F(1))]
    rec = branch_split(NORM_BOUND, syms, box, Budget.of(HANG_GUARD), reals(syms))
    assert isinstance(rec, BranchSplit) and [s.cell.high for s in rec.sides] == [F(1), F(1)]
    assert branch_recheck(rec, NORM_BOUND, syms, box, reals(syms)) == []
    wider = [(F(0), F(2)), (F(0), F(1)), (F(1, 10), F(1))]  # the sides were proved for x in [0, 1] only
    assert branch_recheck(rec, NORM_BOUND, syms, wider, reals(syms))
    rec.sides.reverse()
    assert branch_recheck(rec, NORM_BOUND, syms, box, reals(syms)) == ["the recorded cells are not the branches' cells"]


@pytest.mark.slow  # about 1 s or more: out of README's quick command, in CI's slow run
def test_the_reconstructed_thm2_of_zhang_and_sabuncu_is_proved_and_rechecked():
    """gce18.thm2_class_dependent as the catalogue declares it, ``c = 2`` (the claim has 2..6: 28 s): the face
    ``q = 1`` and ``q < 1`` apart, the norm compared through ``1/(1 - q)``; without ``T_yy >= T_yk`` refuted."""
    from paper_checks.papers.gce18.theorems import thm2_space
    from paper_checks.prover.certificate import recheck
    from paper_checks.prover.prove import prove
    from paper_checks.search.params import Integer

    def fewer(space):
        return dataclasses.replace(space, params=tuple(Integer("c", 2, 2) if p.name == "c" else p
                                                       for p in space.params))
    space = fewer(thm2_space(True))
    res = prove(space, 10**6, HANG_GUARD)
    assert res.proved and res.certificate.methods() == {"branch split": 6}  # a piece per largest entry
    assert recheck(res.certificate, space) == []
    res = prove(fewer(thm2_space(False)), 10**6, HANG_GUARD)
    assert res.outcome == "counterexample" and res.counterexample["q"] == 1


def test_a_condition_other_than_a_comparison_is_no_branch_to_split():
    at_a_point = sympy.Piecewise((-1, sympy.Eq(q, R(1, 3))), (1, q < 1), (2, True))  # changes at q = 1/3 too
    assert branch_coordinate(at_a_point, [x, y, q], reals([x, y, q])) is None
    negated = sympy.Piecewise((1, sympy.Not(q < 1)), (0, True))
    assert branch_coordinate(negated, [x, y, q], reals([x, y, q])) == (2, [F(1)])
