"""DMI exactly (003, L_DMI summary, Eqs. 24-32): identities hold, wrong formulas fail, bad tables are refused."""
import itertools
from fractions import Fraction

import pytest
import sympy

from label_noise_lab.theory import dmi as td

R = sympy.Rational


@pytest.mark.parametrize("c", [2, 3, 4])
def test_product_symmetry_and_relative_invariance(c):
    assert td.det_product(c).holds
    assert td.symmetry(c).holds
    ri = td.relative_invariance(c)
    assert ri.marginal_12 and ri.joint_23 and ri.det and ri.holds


@pytest.mark.parametrize("c", [2, 3])
def test_relative_invariance_rejects_a_wrong_factor(c):
    assert not td.relative_invariance(c, lambda d: d * d).holds
    assert not td.relative_invariance(c, lambda d: 1).holds


def test_relative_invariance_needs_its_premise():
    ex = td.relative_invariance(2).without_premise_residual
    assert ex["DMI(W2, W3)"] == R(1, 4) and ex["DMI(W2, W1) |det T_{W1->W3}|"] == 0


@pytest.mark.parametrize("c", [2, 3, 4])
def test_det_bound(c):
    b = td.det_bound(c)
    assert b.holds and b.multilinear and b.row_identity and td.information_monotonicity(c)
    assert b.vertex_values <= {-1, 0, 1} and b.maximisers == b.permutations


def test_det_bound_on_exact_matrices():
    # |det T| < 1 off the permutations, 1 on them (checked by plain loops over a grid)
    vals = [R(k, 4) for k in range(5)]
    for a, b in itertools.product(vals, vals):
        T = sympy.Matrix([[1 - a, a], [b, 1 - b]])
        d = abs(T.det())
        assert d <= 1
        assert (d == 1) == ((a, b) in ((0, 0), (1, 1)))


@pytest.mark.parametrize("c", [2, 3, 4])
def test_order_equivalence_and_eq32(c):
    oe = td.order_equivalence(c)
    assert oe.identity
    assert oe.relation == sympy.Abs(sympy.Symbol("detT", real=True))
    assert td.eq32_identity(c).holds


def test_eq32_with_x_dependent_noise():
    px = [R(1, 2), R(1, 2)]
    Pyx = [[R(9, 10), R(1, 10)], [R(1, 2), R(1, 2)]]
    H = [[1, 0], [0, 1]]
    J = sympy.Matrix([[R(1, 2), R(1, 2)], [R(1, 2), R(1, 2)]])
    r = td.eq32_x_dependent(px, H, Pyx, [sympy.eye(2), J])
    assert not r.holds and r.dmi_noisy > r.predicted
    # the class-average T is stochastic
    assert all(sum(r.T_bar.row(i)) == 1 for i in range(2))
    # the same noise at every x: Eq. 32 holds
    T = sympy.Matrix([[R(3, 4), R(1, 4)], [R(1, 5), R(4, 5)]])
    assert td.eq32_x_dependent(px, H, Pyx, [T, T]).holds


def test_dmi_mi_and_ldmi_on_known_tables():
    half = R(1, 2)
    assert td.dmi([[half, 0], [0, half]]) == R(1, 4)
    assert td.dmi([[0, half], [half, 0]]) == R(1, 4)  # a relabelling: same DMI
    assert td.dmi([[R(1, 4)] * 2] * 2) == 0
    assert td.ldmi([[half, 0], [0, half]]) == sympy.log(4)
    assert td.ldmi([[R(1, 4)] * 2] * 2) == sympy.oo
    assert td.mutual_information([[half, 0], [0, half]]) == sympy.log(2)
    assert td.mutual_information([[R(1, 9)] * 3] * 3) == 0
    assert sympy.simplify(td.mutual_information(sympy.eye(3) / 3) - sympy.log(3)) == 0
    # non-square tables are fine for MI
    assert td.mutual_information([[R(1, 6)] * 3, [R(1, 6)] * 3]) == 0


@pytest.mark.parametrize("table, match", [
    ([[R(1, 2), R(1, 2)], [0, -R(0)]], None),
    ([[R(1, 2), -R(1, 4)], [R(1, 2), R(1, 4)]], "negative"),
    ([[R(1, 2), 0], [0, R(1, 4)]], "sum to 3/4"),
    ([[R(1, 2), sympy.nan], [0, R(1, 2)]], "not finite"),
    ([[R(1, 3), R(1, 3), R(1, 3)]], "square"),
])
def test_joint_tables_are_validated(table, match):
    if match is None:
        assert td.dmi(table) == 0
        return
    with pytest.raises(ValueError, match=match):
        td.dmi(table)


def test_transitions_are_validated():
    Q = [[R(1, 2), 0], [0, R(1, 2)]]
    with pytest.raises(ValueError, match="row 1 sums to 3/2"):
        td.noisy_joint(Q, [[1, 0], [R(1, 2), 1]])
    with pytest.raises(ValueError, match="square"):
        td.noisy_joint(Q, [[1, 0, 0], [0, 1, 0]])
    with pytest.raises(ValueError, match="negative"):
        td.noisy_joint(Q, [[R(3, 2), -R(1, 2)], [0, 1]])


def test_mi_reversal_example_flips_exactly():
    ex = td.mi_reversal_example()
    Q, Q2, T = ex["Q_h"], ex["Q_h2"], ex["T"]
    mi = td.mutual_information
    assert sympy.N(mi(Q) - mi(Q2), 50) > 0
    assert sympy.N(mi(Q * T) - mi(Q2 * T), 50) < 0
    assert T.det() == R(2, 3)
    # DMI keeps the order, and the ratio is |det T|
    assert td.dmi(Q) > td.dmi(Q2) and td.dmi(Q * T) > td.dmi(Q2 * T)
    assert td.dmi(Q * T) == td.dmi(Q) * R(2, 3)


def test_ldmi_minimisers_same_under_invertible_noise_and_all_under_singular():
    px = [R(1, 4), R(1, 4), R(1, 2)]
    Pyx = [[1, 0], [0, 1], [0, 1]]
    hyps = [[[int(a == k) for k in range(2)] for a in labels] for labels in itertools.product(range(2), repeat=3)]
    T = [[R(3, 4), R(1, 4)], [R(1, 3), R(2, 3)]]
    m = td.ldmi_minimisers(px, Pyx, hyps, T)
    assert m.same and m.det_T == Fraction(5, 12)
    # the ground truth (0, 1, 1) and its relabelling (1, 0, 0) tie
    assert [hyps[i] for i in m.clean_argmin] == [hyps[3], hyps[4]]
    assert td.is_permutation_of(hyps[3], hyps[4])
    assert all(n == c * Fraction(5, 12) for n, c in zip(m.noisy_dmi, m.clean_dmi))
    sing = td.ldmi_minimisers(px, Pyx, hyps, [[R(1, 2), R(1, 2)]] * 2)
    assert not sing.same and sing.noisy_argmin == list(range(len(hyps)))


def test_fraction_det():
    F = Fraction
    M = [[F(1, 2), F(1, 3), F(0)], [F(0), F(0), F(1)], [F(1, 4), F(1, 5), F(1, 6)]]
    assert td.fraction_det(M) == sympy.Matrix(M).det()
    assert td.fraction_det([[F(0), F(1)], [F(1), F(0)]]) == -1
    assert td.fraction_det([[F(1), F(2)], [F(2), F(4)]]) == 0


def test_ldmi_minimisers_refuse_bad_input():
    hyps = [[[1, 0], [0, 1]]]
    with pytest.raises(ValueError, match="p\\(x\\)"):
        td.ldmi_minimisers([R(1, 2), R(1, 3)], [[1, 0], [0, 1]], hyps, [[1, 0], [0, 1]])
    with pytest.raises(ValueError, match="T row 0"):
        td.ldmi_minimisers([R(1, 2), R(1, 2)], [[1, 0], [0, 1]], hyps, [[R(1, 2), R(1, 3)], [0, 1]])
    with pytest.raises(ValueError, match="hypothesis 0"):
        td.ldmi_minimisers([R(1, 2), R(1, 2)], [[1, 0], [0, 1]], [[[1, 1], [0, 1]]], [[1, 0], [0, 1]])
    with pytest.raises(ValueError, match="rational"):
        td.ldmi_minimisers([sympy.sqrt(2) / 2, 1 - sympy.sqrt(2) / 2], [[1, 0], [0, 1]], hyps, [[1, 0], [0, 1]])


def test_floats_are_converted_exactly_before_sympy_sees_them():
    # rows that sum to 1 + 1e-8 are refused, not rounded to 1 by nsimplify
    with pytest.raises(ValueError, match="sums to"):
        td.stochastic_matrix([[0.5, 0.50000001], [0.0, 1.0]])
    with pytest.raises(ValueError, match="sum to"):
        td.joint_matrix([[0.25, 0.25], [0.25, 0.25000001]])
    # a float table comes back exact: Rationals, never SymPy Floats
    Q = td.joint_matrix([[0.3, 0.2], [0.1, 0.4]])
    assert all(isinstance(v, sympy.Rational) for v in Q)
    d = td.dmi([[0.3, 0.2], [0.1, 0.4]])
    assert d == R(1, 10) and d.is_Rational
    assert td.noisy_joint([[0.5, 0.0], [0.0, 0.5]], [[0.9, 0.1], [0.2, 0.8]]).det() == R(7, 40)
    assert all(v.is_Rational for v in td.stochastic_matrix(sympy.Matrix([[sympy.Float(0.5), 0.5], [0, 1]])))


@pytest.mark.parametrize("bad", [float("nan"), float("inf"), -float("inf")])
def test_nan_and_infinite_floats_are_a_clear_value_error(bad):
    with pytest.raises(ValueError, match="finite"):
        td.dmi([[0.5, bad], [0.0, 0.5]])
    with pytest.raises(ValueError, match="finite"):
        td.stochastic_matrix([[bad, 0.5], [0.0, 1.0]])
