"""Loss correction, exactly (Patrini et al. 2017): Thm 1's identity, negativity, Thm 2's minimisers, sec. 5.1
matrices."""
import math

import numpy as np
import pytest
import sympy

from label_noise_lab.theory import correction as tc
from label_noise_lab.theory.correction import N

R = sympy.Rational


def test_generic_transition_rows_sum_to_one():
    T, syms = tc.generic_transition(3)
    assert T.shape == (3, 3) and len(syms) == 6
    assert all(sympy.expand(sum(T.row(i)) - 1) == 0 for i in range(3))
    with pytest.raises(ValueError, match="c must be"):
        tc.generic_transition(1)


@pytest.mark.slow  # about 1 s or more: out of README's quick command, in CI's slow run
@pytest.mark.parametrize("c", [2, 3, 4])
def test_backward_correction_is_unbiased(c):
    res = tc.backward_unbiased(c)
    assert res.identity and res.expectation and res.holds and res.residual == 0


def test_a_wrong_correction_is_caught():
    # T^-T l: the column-orientation mistake
    def transposed(T, losses):
        return tc.backward_correction(T.T, losses)

    res = tc.backward_unbiased(3, transposed)
    assert not res.identity and not res.holds and res.residual != 0
    # forgetting to divide by det T
    res2 = tc.backward_unbiased(2, lambda T, losses: (tc.backward_correction(T, losses)[0], sympy.Integer(1)))
    assert not res2.holds


def test_backward_correction_against_explicit_inverse():
    T = sympy.Matrix([[R(3, 4), R(1, 4)], [R(1, 5), R(4, 5)]])
    num, den = tc.backward_correction(T, [1, 2])
    assert [sympy.nsimplify(v / den) for v in num] == list(T.inv() * sympy.Matrix([1, 2]))
    with pytest.raises(ValueError, match="one loss per class"):
        tc.backward_correction(T, [1, 2, 3])


def test_inverse_refuses_singular_and_quotes_det():
    with pytest.raises(ValueError, match=r"singular \(det\(T\) = 0\)"):
        tc.inverse(sympy.Matrix([[R(1, 2), R(1, 2)], [R(1, 2), R(1, 2)]]))


@pytest.mark.parametrize("coeffs,probs", [((1, 0), (R(1, 2), R(1, 2))), ((2, -1), (R(2, 3), R(1, 3))),
                                          ((R(3, 2), R(-1, 2)), (R(3, 4), R(1, 4))), ((-1, 2), (R(1, 3), R(2, 3))),
                                          ((R(1, 3), R(2, 3)), (1, 1))])
def test_log_combination_sign_matches_floats(coeffs, probs):
    val = sum(float(r) * -math.log(float(p)) for r, p in zip(coeffs, probs))
    s = tc.log_combination_sign(coeffs, probs)
    assert s == (0 if abs(val) < 1e-15 else int(np.sign(val)))


def test_log_combination_sign_bad_input():
    with pytest.raises(ValueError, match="one coefficient per probability"):
        tc.log_combination_sign([1], [R(1, 2), R(1, 2)])
    with pytest.raises(ValueError, match=r"\(0, 1\]"):
        tc.log_combination_sign([1, 1], [0, 1])


def test_smallest_negative_example():
    ex, n = tc.smallest_negative_backward_ce(4)
    assert ex is not None and n > 0 and ex.sign == -1
    assert ex.T == [[1, 0], [R(1, 2), R(1, 2)]] and ex.p == [R(1, 3), R(2, 3)] and ex.label == 1
    assert sympy.simplify(ex.value + sympy.log(R(4, 3))) == 0
    # its value, recomputed independently: sum_k (T^-1)_1k (-log p_k)
    Ti = sympy.Matrix(ex.T).inv()
    assert math.isclose(float(sum(Ti[1, k] * -sympy.log(ex.p[k]) for k in range(2))), float(ex.value))


def test_no_negative_example_without_noise():
    ex, n = tc.smallest_negative_backward_ce(3, lambda a, b: sympy.eye(2))
    assert ex is None and n > 0


def test_inverse_min_entry_is_negative_for_benchmark_T():
    m, (j, k) = tc.inverse_min_entry(tc.mnist_flips(R(1, 5)))
    assert m == R(-1, 3) and (j, k) == (5, 6)
    m_id, _ = tc.inverse_min_entry(sympy.eye(3))
    assert m_id == 0


# ---------------------------------------------------------------- forward correction
@pytest.mark.parametrize("loss", ["cce", "mse"])
@pytest.mark.parametrize("c", [2, 3])
def test_forward_minimiser_is_clean_for_proper_losses(loss, c):
    r = tc.forward_minimiser(loss, c)
    assert r.maps_into_simplex and r.stationary and r.curvature_ok and r.unique_preimage and r.minimiser_is_clean


def test_forward_ce_gradient_at_clean_is_minus_one():
    r = tc.forward_minimiser("cce", 3)
    assert all(sympy.simplify(g + 1) == 0 for g in r.gradient)


@pytest.mark.slow
@pytest.mark.parametrize("loss", ["mae", "lq"])
def test_forward_minimiser_is_not_clean_for_improper_losses(loss):
    r = tc.forward_minimiser(loss, 3)
    assert not r.stationary and not r.minimiser_is_clean
    if loss == "mae":
        assert r.notes["affine"]


def test_forward_minimiser_bad_loss():
    with pytest.raises(ValueError, match="loss must be one of"):
        tc.forward_minimiser("rce", 3)


def test_forward_links_invert_each_other():
    T = sympy.Matrix([[R(7, 10), R(2, 10), R(1, 10)], [R(1, 10), R(8, 10), R(1, 10)], [0, R(3, 10), R(7, 10)]])
    z = [R(1, 2), -1, 2]
    q = tc.forward_inverse_link(T, z)
    assert sympy.simplify(sum(q) - 1) == 0
    back = [float(v) for v in tc.forward_link(T, q)]
    # psi = log recovers z up to the additive constant log-sum-exp
    diffs = [b - float(zz) for b, zz in zip(back, z)]
    assert max(diffs) - min(diffs) < 1e-12
    assert [sympy.simplify(a - b) for a, b in zip(tc.forward_inverse_link(sympy.eye(3), z), tc.softmax(z))] == [0, 0, 0]


# ---------------------------------------------------------------- sec. 5.1 matrices
def test_flip_matrices_definitions():
    M = tc.mnist_flips()
    assert M[2, 7] == N and M[2, 2] == 1 - N and M[7, 1] == N and M[5, 6] == N and M[6, 5] == N and M[3, 8] == N
    assert M[0, 0] == 1 and M[1, 1] == 1 and M[7, 7] == 1 - N
    C = tc.cifar10_flips()
    names = tc.CIFAR10_CLASSES
    for a, b in (("truck", "automobile"), ("bird", "airplane"), ("deer", "horse"), ("cat", "dog"), ("dog", "cat")):
        assert C[names.index(a), names.index(b)] == N
    H = tc.cifar100_flips()
    assert H[4, 0] == N and H[0, 1] == N and H[99, 95] == N and H[5, 6] == N and H[4, 5] == 0
    for M in (tc.mnist_flips(), tc.cifar10_flips(), tc.cifar100_flips()):
        assert all(sympy.expand(sum(M.row(i)) - 1) == 0 for i in range(M.rows))


def test_flip_matrix_bad_input():
    with pytest.raises(ValueError, match="must lie in"):
        tc.mnist_flips(R(3, 2))
    with pytest.raises(ValueError, match="distinct classes"):
        tc.flip_matrix(3, ((1, 1),))
    with pytest.raises(ValueError, match="one other class"):
        tc.flip_matrix(3, ((0, 1), (0, 2)))
    with pytest.raises(ValueError, match="unknown benchmark"):
        tc.benchmark_matrix("svhn")


def test_block_determinant_equals_full_determinant():
    for M in (tc.mnist_flips(), tc.cifar10_flips()):
        assert sympy.expand(tc.block_determinant(M) - M.det(method="berkowitz")) == 0
    assert sympy.expand(tc.block_determinant(tc.mnist_flips()) - (1 - N) ** 3 * (1 - 2 * N)) == 0
    B = tc.cifar100_flips().extract(list(range(5)), list(range(5)))
    assert sympy.expand(B.det() - ((1 - N) ** 5 + N**5)) == 0
    assert len(tc.blocks(tc.cifar100_flips())) == 20


def test_singular_rates():
    assert tc.singular_rates(tc.block_determinant(tc.mnist_flips())) == sympy.FiniteSet(R(1, 2), 1)
    assert tc.singular_rates(tc.block_determinant(tc.cifar100_flips())) == sympy.S.EmptySet
    assert tc.singular_rates(sympy.Integer(0)) == tc.UNIT
    assert tc.singular_rates((3 * N - 2) * (N + 1)) == sympy.FiniteSet(R(2, 3))


@pytest.mark.slow
def test_anchor_columns():
    a = tc.anchor_columns(tc.mnist_flips())
    assert a.all_weak == sympy.Interval(0, R(1, 2)) and a.all_strict == sympy.Interval.Ropen(0, R(1, 2))
    assert a.wrong_columns(R(1, 5)) == [] and a.wrong_columns(R(3, 5)) == [5, 6, 7]
    assert tc.anchor_class(tc.mnist_flips(), 7, R(3, 5)) == [2]
    assert tc.anchor_class(tc.mnist_flips(), 7, R(1, 2)) == [2, 7]  # a tie
    assert tc.anchor_columns(tc.cifar10_flips()).wrong_columns(R(3, 5)) == [3, 5]
