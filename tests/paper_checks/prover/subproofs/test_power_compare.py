"""Two sides compared through a power (:mod:`paper_checks.prover.subproofs.power_compare`): the form ``A - w S^e`` read
off the margin, ``(A/w)^(1/e)`` written out with the power taken into a ``Max``, the signs decided (z3 with an open end
strict), a norm against the largest entry proved on ``q < 1``, and a tampered record failing its re-check."""
from __future__ import annotations

import dataclasses
from fractions import Fraction

import pytest
import sympy

from paper_checks.prover import prove_expr
from paper_checks.prover.budget import Budget
from paper_checks.prover.subproofs.power_compare import PowerComparison, form_of, positive, power_compare
from paper_checks.prover.subproofs.power_compare import recheck as power_recheck
from paper_checks.prover.subproofs.subproblem import reals
from paper_checks.prover.tracing.symbols import Coordinate

F = Fraction
x, y = sympy.symbols("t[1] t[2]", real=True, nonnegative=True)  # a simplex point's free coordinates, as traced
q = sympy.Symbol("q", real=True, positive=True)
HANG_GUARD = 300
R_ = 1 / (1 - q)
#: 3^(1-q) max - ||.||_r, over q, as Zhang & Sabuncu's reconstructed Thm 2 has it (one input, c = 3)
MARGIN = (3 ** (1 - q) * sympy.Max(x, y, 1 - x - y) - (x**R_ + y**R_ + (1 - x - y) ** R_) ** (1 - q)) / q
SYMS = [x, y, q]
BOX = [(F(0), F(1)), (F(0), F(1)), (F(1, 10), F(1))]


def _coords() -> list[Coordinate]:  # q in [1/10, 1) open at 1
    return [Coordinate(x, "t", (1,)), Coordinate(y, "t", (2,)), Coordinate(q, "q", (), (None, F(1)))]


def test_the_form_and_the_root_are_read_off_the_margin():
    fm = form_of(MARGIN)
    assert fm is not None and fm.weight == 1 / q and fm.power.exp == 1 - q
    assert fm.root == 3 * sympy.Max(x**R_, y**R_, (1 - x - y) ** R_)  # the power taken into the Max
    assert set(fm.into) == {x, y, 1 - x - y}
    assert [w for w, _ in fm.problems][:2] == ["A", "S"] and fm.problems[-1][0] == "(A/w)^(1/e) - S"
    assert form_of(x**q + y**q) is None  # no term of the other sign
    assert form_of(sympy.exp(x) - 1 - x) is None  # no power with a coordinate in its exponent


def test_a_sign_at_an_open_end_is_decided_by_z3_strictly():
    assert positive(1 - q, SYMS, _coords(), BOX)  # 0 only at q = 1, which the domain leaves out
    assert not positive(1 - q, SYMS, reals(SYMS), BOX)  # closed at 1: 1 - q = 0 there
    assert positive(1 / q, SYMS, _coords(), BOX)


@pytest.mark.slow
def test_a_norm_below_the_largest_entry_times_c_to_the_1_minus_q_is_proved_and_rechecked():
    rec = power_compare(MARGIN, SYMS, BOX, Budget.of(HANG_GUARD), _coords())
    assert isinstance(rec, PowerComparison) and all(p.proof.proved for p in rec.parts)
    assert power_recheck(rec, MARGIN, SYMS, BOX, _coords()) == []
    assert power_recheck(rec, MARGIN, SYMS, BOX, [*_coords()[:2], Coordinate(q, "q", ())])  # q = 1 not left out
    rec.parts.pop()
    assert "the recorded sub-problems are not the comparison's" in power_recheck(rec, MARGIN, SYMS, BOX, _coords())


@pytest.mark.slow
def test_a_false_neighbour_is_not_proved():
    smaller = (2 ** (1 - q) * sympy.Max(x, y, 1 - x - y) - (x**R_ + y**R_ + (1 - x - y) ** R_) ** (1 - q)) / q
    assert power_compare(smaller, SYMS, BOX, Budget.of(30), _coords()) is None


@pytest.mark.slow
def test_the_norm_on_a_simplex_for_every_q_in_its_range_is_proved_and_a_smaller_constant_refuted():
    """End to end through ``prove_expr``: the branch split (``q = 1`` apart), the comparison through the power and z3
    over atoms; with ``2.97`` for ``c = 3`` the bound fails at the barycentre for every ``q < 1``."""
    a, b, c = sympy.symbols("a b c", real=True, nonnegative=True)
    norm = sympy.Piecewise(((a**R_ + b**R_ + c**R_) ** (1 - q), q < 1), (sympy.Max(a, b, c), True))
    domain, simplex = {q: (sympy.Rational(1, 10), 1)}, {"t": [a, b, c]}
    res = prove_expr(3 ** (1 - q) * sympy.Max(a, b, c) - norm, domain, seconds=HANG_GUARD, simplices=simplex)
    assert res.proved and res.certificate.methods() == {"branch split": 3}
    smaller = sympy.Rational(297, 100) ** (1 - q) * sympy.Max(a, b, c) - norm
    res = prove_expr(smaller, domain, seconds=HANG_GUARD, simplices=simplex)
    assert res.outcome == "counterexample" and res.counterexample["t"] == [sympy.Rational(1, 3)] * 3


def test_only_the_roots_own_exponent_is_taken_into_a_max_and_a_wrong_root_is_caught_at_points():
    from paper_checks.prover.subproofs.power_compare import _push, _same_root

    into: list = []
    m = sympy.Max(x, y)
    got = _push(m ** (-q) + m**R_, R_, into)  # Max(x, y)^(-q) is Min(x^(-q), y^(-q)): not this step's to rewrite
    assert got == m ** (-q) + sympy.Max(x**R_, y**R_) and set(into) == {x, y}
    fm = form_of(MARGIN)
    assert _same_root(fm, SYMS, _coords(), BOX)
    assert not _same_root(dataclasses.replace(fm, root=2 * fm.root), SYMS, _coords(), BOX)
    outside = [(F(3, 4), F(1)), (F(3, 4), F(1)), (F(1, 10), F(1))]  # no point of the simplex: nothing checked
    assert not _same_root(fm, SYMS, _coords(), outside)
