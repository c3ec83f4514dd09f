"""Exact Hessians of label_noise_lab.simulate.hessian (at the random models of the patrini17 block study) against finite
differences, the correction module and known structure. NumPy by design (see the module docstring): host_only."""
import numpy as np
import pytest

from label_noise_lab.simulate import hessian as hs
from label_noise_lab.simulate.correction.backward_forward import backward_corrected, forward_corrected
from label_noise_lab.simulate.losses import get_loss
from label_noise_lab.simulate.models import backward, forward, init_mlp
from label_noise_lab.simulate.noise import random_transition, uniform_noise
from paper_checks.papers.patrini17 import hessian_study as hst  # the random models of the suite

pytestmark = pytest.mark.host_only

C = 3
LOSSES = [("clean", "cce"), ("noisy", "cce"), ("backward", "cce"), ("backward_noisy", "cce"),
          ("clean", "forward"), ("noisy", "forward")]


@pytest.fixture(scope="module")
def T():
    return random_transition(C, np.random.default_rng(5), diag=0.7)


@pytest.fixture(scope="module", params=list(hst.MODELS))
def setting(request):
    return hst.random_setting(request.param, np.random.default_rng(11), n=5, dim=3, c=C, hidden=3)


def _rel(a, b):
    return float(np.abs(a - b).max() / np.linalg.norm(b))


def test_flatten_roundtrip_and_block_map():
    p = init_mlp(3, 2, (4, 5), np.random.default_rng(0))
    blocks = hs.parameter_blocks(p)
    assert [b.name for b in blocks] == ["W0", "b0", "W1", "b1", "W2", "b2"]
    assert blocks[-1].stop == 3 * 4 + 4 + 4 * 5 + 5 + 5 * 2 + 2
    theta = hs.flatten(p)
    q = hs.unflatten(theta, p)
    assert all(np.array_equal(p[k], q[k]) for k in p)
    assert np.array_equal(theta[blocks[2].slice], p["W1"].ravel())
    assert hs.layer_slices(p)[1] == slice(blocks[2].start, blocks[3].stop)


def test_backprop_matches_models_backward_for_relu():
    rng = np.random.default_rng(2)
    p = init_mlp(3, 4, (5, 2), rng)
    X = rng.standard_normal((7, 3))
    dl = rng.standard_normal((7, 4))
    _, cache = forward(p, X)
    want = np.concatenate([backward(p, cache, dl)[b.name].ravel() for b in hs.parameter_blocks(p)])
    np.testing.assert_allclose(hs.backprop_gradient(p, X, dl, "relu"), want, rtol=1e-13, atol=1e-13)
    np.testing.assert_allclose(hs.forward_pass(p, X)[0], forward(p, X)[0], rtol=1e-14)


@pytest.mark.parametrize("kind,base", LOSSES)
def test_gradient_matches_finite_differences_of_the_loss(setting, T, kind, base):
    w = hs.label_mixture(kind, setting.labels, C, T)
    g = hs.loss_gradient(setting.params, setting.X, w, setting.activation, base, T)
    gfd = hs.finite_difference_gradient(setting.params, setting.X, w, setting.activation, base, T)
    assert _rel(g, gfd) < 1e-7
    # and the forward-mode Jacobian gives the same gradient as back-propagation
    d = hs.logit_derivatives(setting.params, setting.X, setting.activation)
    _, gz, _ = hs.logit_terms(d.logits, w, base, T)
    np.testing.assert_allclose(np.einsum("nk,nkp->p", gz, d.jacobian) / len(setting.X), g, rtol=1e-11, atol=1e-13)


@pytest.mark.parametrize("kind,base", LOSSES)
def test_hessian_matches_finite_differences_of_the_gradient(setting, T, kind, base):
    w = hs.label_mixture(kind, setting.labels, C, T)
    H = hs.loss_hessian(setting.params, setting.X, w, setting.activation, base, T)
    Hfd = hs.finite_difference_hessian(setting.params, setting.X, w, setting.activation, base, T)
    assert _rel(H, Hfd) < 1e-6


def test_logit_hessians_are_symmetric(setting):
    d = hs.logit_derivatives(setting.params, setting.X, setting.activation)
    Hz = d.hessians
    assert np.abs(Hz - np.swapaxes(Hz, -1, -2)).max() <= 1e-14 * max(1.0, np.abs(Hz).max())


def test_logit_terms_agree_with_the_correction_module(T):
    rng = np.random.default_rng(3)
    z = 2 * rng.standard_normal((6, C))
    y = rng.integers(0, C, 6)
    eye = np.eye(C)[y]
    v, g, _ = hs.logit_terms(z, eye)
    cce = get_loss("cce")
    np.testing.assert_allclose(v, cce.value(z, y, from_logits=True), rtol=1e-12, atol=1e-14)
    np.testing.assert_allclose(g, cce.grad(z, y), rtol=1e-12, atol=1e-14)
    back = backward_corrected(cce, T)
    v, g, _ = hs.logit_terms(z, hs.label_mixture("backward", y, C, T))
    np.testing.assert_allclose(v, back.value(z, y, from_logits=True), rtol=1e-12, atol=1e-13)
    np.testing.assert_allclose(g, back.grad(z, y), rtol=1e-11, atol=1e-13)
    fwd = forward_corrected("cce", T)
    v, g, _ = hs.logit_terms(z, eye, "forward", T)
    np.testing.assert_allclose(v, fwd.value(z, y, from_logits=True), rtol=1e-12, atol=1e-13)
    np.testing.assert_allclose(g, fwd.grad(z, y), rtol=1e-11, atol=1e-13)


def test_logit_hessian_of_the_forward_loss_by_finite_differences(T):
    rng = np.random.default_rng(4)
    z = rng.standard_normal((4, C))
    w = hs.label_mixture("noisy", rng.integers(0, C, 4), C, T)
    _, _, G = hs.logit_terms(z, w, "forward", T)
    h = 1e-5
    for k in range(C):
        dz = np.zeros_like(z)
        dz[:, k] = h
        col = (hs.logit_terms(z + dz, w, "forward", T)[1] - hs.logit_terms(z - dz, w, "forward", T)[1]) / (2 * h)
        np.testing.assert_allclose(G[:, :, k], col, atol=1e-9)


def test_noise_difference_matches_the_logit_hessian_formula(T):
    """E H[l(y~)] - H[l(y)] = -(1/n) sum_n sum_j (T[y_n, j] - delta) d^2 z_j(x_n)."""
    s = hst.random_setting("relu2", np.random.default_rng(9), n=4, c=C)
    d = hs.logit_derivatives(s.params, s.X, "relu")
    w = hs.label_mixture("noisy", s.labels, C, T) - np.eye(C)[s.labels]
    want = -np.einsum("nk,nkpq->pq", w, d.hessians) / 4
    got = hs.loss_hessian(s.params, s.X, hs.label_mixture("noisy", s.labels, C, T), "relu", derivs=d) \
        - hs.loss_hessian(s.params, s.X, np.eye(C)[s.labels], "relu", derivs=d)
    np.testing.assert_allclose(got, want, atol=1e-13)


def test_bad_input_is_refused_with_the_value(T):
    s = hst.random_setting("relu1", np.random.default_rng(12), n=3, c=C)
    with pytest.raises(ValueError, match="tanh"):
        hs.logit_derivatives(s.params, s.X, "tanh")
    with pytest.raises(ValueError, match="'soft'"):
        hs.label_mixture("soft", s.labels, C, T)
    with pytest.raises(ValueError, match=r"\[0, 2\]"):
        hs.label_mixture("clean", np.array([0, 3]), C)
    with pytest.raises(ValueError, match=r"shape \(n, 3\)"):
        hs.logit_derivatives(s.params, np.ones((2, 4)))
    with pytest.raises(ValueError, match="replica"):
        hs.parameter_blocks(init_mlp(3, 3, 2, np.random.default_rng(0), replicas=2))
    with pytest.raises(ValueError, match="'mae'"):
        hs.logit_terms(np.zeros((1, C)), np.ones((1, C)), "mae")
    with pytest.raises(TypeError):
        hs.label_mixture("noisy", s.labels, C, np.eye(C))
    with pytest.raises(ValueError, match="cond"):
        hs.label_mixture("backward", s.labels, C, uniform_noise(C, 2 / 3))
