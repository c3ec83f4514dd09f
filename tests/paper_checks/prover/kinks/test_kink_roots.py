"""A kink at its roots (:mod:`paper_checks.prover.kinks.kink_roots`): the truncated cross entropy below its chord, tight
at the irrational kink ``p = 1/e``, proved cell by cell; false neighbours end in counterexamples; the cells are found
exactly, a cell with an irrational end is charted onto ``[0, 1]``, and a tampered record fails its re-check."""
from __future__ import annotations

import dataclasses
from fractions import Fraction

import pytest
import sympy

from paper_checks.prover import prove_expr
from paper_checks.prover.budget import Budget
from paper_checks.prover.kinks.kink_roots import KinkRoots, cell_problem, kink_of, kink_roots, roots
from paper_checks.prover.kinks.kink_roots import recheck as roots_recheck
from paper_checks.prover.subproofs.subproblem import reals

R = sympy.Rational
F = Fraction
p, x, y = sympy.symbols("p x y", real=True)
HANG_GUARD = 300  # seconds: generous, so that the load never decides an outcome
E = sympy.exp(-1)
#: the truncated CE (Zhang & Sabuncu 2018, Sec. 3.3, with the log's cut at 1) below the chord of -log p on [1/e, 1]
CHORD = (1 - p) / (1 - E) - sympy.Min(1, -sympy.log(p))
BOX = [(F(1, 100), F(1))]


@pytest.mark.slow
def test_the_truncated_ce_below_its_chord_is_proved_at_its_kink():
    res = prove_expr(CHORD, {p: sympy.Interval.Lopen(0, 1)}, seconds=HANG_GUARD)
    assert res.proved and "kink roots" in res.certificate.methods()


@pytest.mark.slow
def test_false_neighbours_are_refuted():
    for nudged in (CHORD - R(1, 10**9) * (1 - p), CHORD.xreplace({E: E * R(99, 100)})):
        res = prove_expr(nudged, {p: sympy.Interval.Lopen(0, 1)}, seconds=HANG_GUARD)
        assert res.outcome == "counterexample"


def test_the_kink_and_its_zeros_are_found_exactly():
    node, index = kink_of(CHORD, [p], reals([p]))
    assert isinstance(node, sympy.Min) and index == 0
    assert roots(node.args[0] - node.args[1], p, R(1, 100), sympy.Integer(1)) == [E]
    assert roots(node.args[0] - node.args[1], p, R(1, 2), sympy.Integer(1)) == []  # 1/e is outside
    # an affine difference with rational coefficients is the kink split's; two coordinates are not read here
    assert kink_of(sympy.Max(x, 2 * x - 1), [x], reals([x])) is None
    assert kink_of(sympy.Max(x**2, y), [x, y], reals([x, y])) is None
    assert kink_of(sympy.Max(x**2, R(1, 4)), [x], reals([x])) == (sympy.Max(x**2, R(1, 4)), 0)


def test_a_cell_with_an_irrational_end_is_charted_and_a_rational_one_kept():
    node = sympy.Min(1, -sympy.log(p))
    margin, syms, coords, box = cell_problem(CHORD, node, 0, E, sympy.Integer(1), node.args.index(-sympy.log(p)),
                                             [p], reals([p]), BOX, sign=False)
    u = syms[0]
    assert u != p and box == [(F(0), F(1))]
    assert sympy.simplify(margin - CHORD.xreplace({node: -sympy.log(p)}).xreplace({p: E + (1 - E) * u})) == 0
    sign, _, _, _ = cell_problem(CHORD, node, 0, E, sympy.Integer(1), node.args.index(-sympy.log(p)),
                                 [p], reals([p]), BOX, sign=True)
    assert sympy.simplify(sign.xreplace({u: 0})) == 0  # the side changes at the cell's low end
    kept = cell_problem(x - sympy.Max(x**2, R(1, 4)), sympy.Max(x**2, R(1, 4)), 0, R(1, 2), sympy.Integer(1), 0,
                        [x], reals([x]), [(F(0), F(1))], sign=False)
    assert kept[1] == [x] and kept[3] == [(F(1, 2), F(1))]


@pytest.mark.slow
def test_a_tampered_record_fails_its_recheck():
    rec = kink_roots(CHORD, [p], BOX, Budget.of(HANG_GUARD), reals([p]))
    assert isinstance(rec, KinkRoots) and [c.low for c in rec.cells] == [R(1, 100), E]
    assert roots_recheck(rec, CHORD, [p], BOX, reals([p])) == []
    assert roots_recheck(rec, CHORD, [p], [(F(1, 1000), F(1))], reals([p]))  # the cells start at 1/100
    gap = dataclasses.replace(rec, cells=[rec.cells[0], dataclasses.replace(rec.cells[1], low=R(2, 5))])
    assert any("do not meet" in m for m in roots_recheck(gap, CHORD, [p], BOX, reals([p])))
    swapped = dataclasses.replace(rec, cells=[dataclasses.replace(rec.cells[0], side=1 - rec.cells[0].side),
                                              rec.cells[1]])
    assert roots_recheck(swapped, CHORD, [p], BOX, reals([p]))  # the other side's sub-problems are not the ones proved
