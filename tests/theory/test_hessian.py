"""Exact Hessians of label_noise_lab.theory.hessian: the Thm 4 counterexample, the linear case, structure,
cross-checks."""
import pytest
import sympy

from label_noise_lab.theory import hessian as th

R = sympy.Rational


def test_relu_counterexample_values():
    ex = th.relu_counterexample()
    assert ex.names == ("W0[0,0]", "b0[0]", "W1[0,0]", "W1[0,1]", "b1[0]", "b1[1]")
    # H[l(1)] - H[l(0)] = Hess(z_0 - z_1): d^2 z_k / dW0 dW1[0,k] = x = 1, d^2 z_k / db0 dW1[0,k] = 1
    want = sympy.zeros(6, 6)
    for i in (0, 1):
        want[i, 2] = want[2, i] = 1
        want[i, 3] = want[3, i] = -1
    assert ex.differences["label"] == want
    assert ex.differences["noise"] == want / 4  # flips of rate 1/4
    assert ex.differences["backward"] == -want / 2  # T^-1 = [[3/2, -1/2], [-1/2, 3/2]]
    assert ex.nonzero_blocks == {"label": [(0, 1)], "noise": [(0, 1)], "backward": [(0, 1)]}
    assert ex.is_counterexample and ex.nonzero(("noise",)) == ["noise"]
    assert all(v.is_Rational for v in ex.hessian)


def test_full_literal_hessians_agree_with_the_label_part():
    """H computed from -log softmax (sympy.hessian) vs the polynomial path through z: the log-partition cancels."""
    ex = th.relu_counterexample()
    H0 = th.loss_hessian(ex.network, ex.x, th.onehot(0, 2))
    H1 = th.loss_hessian(ex.network, ex.x, th.onehot(1, 2))
    assert H0 == ex.hessian
    assert H1 - H0 == ex.differences["label"]
    Hn = th.loss_hessian(ex.network, ex.x, list(ex.T.row(0)))
    assert Hn - H0 == ex.differences["noise"]


def test_polynomial_fast_path_matches_sympy_hessian():
    """The monomial-by-monomial Hessian equals sympy.hessian at a generic rational point (non-zero logits)."""
    net = th.ExactNetwork.from_lists([[[1, R(-1, 2)], [R(1, 3), 2]], [[R(1, 2), -1, 0], [R(3, 2), 1, R(-2, 3)]]],
                                     [[R(1, 4), R(1, 5)], [0, R(1, 7), -1]])
    x = (R(2, 3), R(-1, 4))
    syms, z, vals = th._setup(net, x)
    expr = -(z[0] - 2 * z[2]) + z[1] ** 2  # a polynomial with a square, to test the i == j branch
    fast = th._hessian_at(expr, syms, vals)
    slow = sympy.hessian(expr, syms.flat).subs(vals)
    assert fast == slow


def test_linear_model_has_no_label_dependence_but_forward_correction_changes_it():
    ex = th.linear_example()
    assert ex.nonzero(("label", "noise", "backward")) == []
    assert ex.nonzero() == ["forward", "forward_noise"]
    D = ex.differences["forward"]
    assert set(D) == {R(-3, 16), R(3, 16)}  # -J^T Cov_r J with r = (3/4, 1/4)
    # the identity T: no forward difference either
    same = th.hessian_example(ex.network, ex.x, 0, sympy.eye(2), comparisons=("forward", "noise"), full=False)
    assert not same.is_counterexample


def test_sigmoid_example_within_layer_block():
    ex = th.sigmoid_counterexample()
    # sigma(log 3) = 3/4, sigma'' = sigma (1 - sigma)(1 - 2 sigma) = -3/32, times W1[0,0] - W1[0,1] = 1
    assert ex.differences["label"][0, 0] == R(-3, 32)
    assert (0, 0) in ex.nonzero_blocks["noise"] and (0, 1) in ex.nonzero_blocks["noise"]
    assert all(v.is_Rational for v in ex.hessian)


def test_block_structure_for_every_parameter_value():
    assert th.logit_hessian_blocks((2, 3)) == {(0, 0): False}
    assert th.logit_hessian_blocks((2, 2, 3)) == {(0, 0): False, (0, 1): True, (1, 1): False}
    deep = th.logit_hessian_blocks((1, 2, 2, 2))
    assert [k for k, v in deep.items() if v] == [(0, 1), (0, 2), (1, 2)]


def test_label_part_identity():
    assert th.label_part_identity(2) and th.label_part_identity(3)


def test_activation_pattern_and_kink():
    net = th.ExactNetwork.from_lists([[[1, -1]], [[1, 0], [0, 1]]], [[0, 0], [0, 0]])
    assert th.activation_pattern(net, (2,)) == ((1, 0),)
    with pytest.raises(ValueError, match="kink"):
        th.activation_pattern(net, (0,))
    assert th.logits_at(net, (2,)) == [2, 0]


def test_bad_input():
    net = th.relu_counterexample().network
    with pytest.raises(ValueError, match=r"shape \(3, 3\)"):
        th.hessian_example(net, (1,), 0, sympy.eye(3))
    with pytest.raises(ValueError, match="row 1"):
        th.check_transition([[1, 0], [R(1, 2), R(1, 3)]], 2)
    with pytest.raises(ValueError, match="'tanh'"):
        th.ExactNetwork(net.weights, net.biases, "tanh")
    with pytest.raises(ValueError, match="label"):
        th.onehot(2, 2)
    with pytest.raises(ValueError, match="equal sums"):
        th.label_difference_hessian(net, (1,), [1, 1], [1, 0])
    with pytest.raises(ValueError, match="sizes"):
        th.parameter_symbols((2, 1))
    with pytest.raises(ValueError, match="b0"):
        th.ExactNetwork((sympy.Matrix([[1, 2]]),), (sympy.Matrix([[0]]),))
    with pytest.raises(ValueError, match="comparison"):
        th.hessian_example(net, (1,), 0, th.FLIP_QUARTER, comparisons=("sideways",))
