"""The Hessian-difference block study of Patrini et al. 2017, sec. 4.4, Thm 4 (exact float64 Hessians)."""
import numpy as np
import pytest

from label_noise_lab.simulate.noise import TransitionMatrix, random_transition, uniform_noise
from paper_checks.papers.patrini17 import hessian_study as hst

pytestmark = pytest.mark.host_only

C = 3


@pytest.fixture(scope="module")
def T():
    return random_transition(C, np.random.default_rng(5), diag=0.7)


def test_forward_with_identity_T_is_cross_entropy():
    rng = np.random.default_rng(6)
    s = hst.random_setting("relu1", rng, n=4, c=C)
    identity = TransitionMatrix(np.eye(C))
    d = hst.hessian_differences(s.params, s.X, s.labels, identity, "relu", comparisons=("forward", "noise", "backward"))
    assert all(v.relative <= 1e-14 for v in d.values())


def test_linear_model_is_label_independent_but_a_hidden_layer_is_not(T):
    """The same helper sees exactly 0 for the linear model and a clear difference with one ReLU layer."""
    rng = np.random.default_rng(7)
    out = hst.block_difference_norms(rng, T=T, models=("linear", "relu1", "relu2"))
    for cmp in ("label", "noise", "backward"):
        assert out["linear"][cmp].relative <= 1e-14
        for m in ("relu1", "relu2"):
            assert out[m][cmp].relative > 1e-2
            assert out[m][cmp].diagonal_relative <= 1e-14  # within-layer blocks vanish (s'' = 0)
            assert out[m][cmp].cross_relative > 1e-2
    assert out["linear"]["forward"].relative > 1e-2  # the forward correction changes even the linear model's


def test_sigmoid_hidden_block_depends_on_the_label(T):
    out = hst.block_difference_norms(np.random.default_rng(8), T=T, models=("sigmoid1",))["sigmoid1"]
    assert out["label"].relative_layer_norms[0, 0] > 1e-3  # s'' != 0
    assert out["label"].last_layer_relative <= 1e-14  # logits are affine in the last layer
    assert out["backward_noise"].relative <= 1e-13  # Thm 1: the expectation is the clean loss


def test_block_norms_add_up():
    s = hst.random_setting("relu2", np.random.default_rng(10), n=3, c=C)
    D = np.random.default_rng(0).standard_normal((51, 51))
    ln, an = hst.block_norms(D, s.params)
    assert ln.shape == (3, 3) and an.shape == (6, 6)
    assert np.isclose(np.sqrt((ln ** 2).sum()), np.linalg.norm(D))
    assert np.isclose(np.sqrt((an ** 2).sum()), np.linalg.norm(D))


def test_bad_input_is_refused_with_the_value():
    s = hst.random_setting("relu1", np.random.default_rng(12), n=3, c=C)
    with pytest.raises(ValueError, match="4 x 4"):
        hst.hessian_differences(s.params, s.X, s.labels, uniform_noise(4, 0.2))
    with pytest.raises(ValueError, match="'deep'"):
        hst.random_setting("deep", np.random.default_rng(0))
