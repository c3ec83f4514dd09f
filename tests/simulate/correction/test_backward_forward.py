"""Corrected losses against brute-force expectations and finite differences (Patrini et al. 2017)."""
import numpy as np
import pytest

from label_noise_lab.simulate.correction.backward_forward import (
    FORWARD_BASES,
    backward_corrected,
    forward_corrected,
    loss_table,
)
from label_noise_lab.simulate.losses import get_loss, softmax
from label_noise_lab.simulate.noise import TransitionMatrix, random_transition, uniform_noise


def _fd(loss, z, y, h=1e-6):
    out = np.zeros_like(z)
    for k in range(z.shape[1]):
        dz = np.zeros_like(z)
        dz[:, k] = h
        out[:, k] = (loss.value(z + dz, y, from_logits=True) - loss.value(z - dz, y, from_logits=True)) / (2 * h)
    return out


@pytest.fixture
def setup():
    rng = np.random.default_rng(0)
    T = random_transition(4, rng, diag=0.7)
    z = rng.normal(size=(8, 4)) * 2
    return T, z, np.arange(8) % 4


@pytest.mark.parametrize("base", [("cce", {}), ("lq", {"q": 0.5}), ("mse", {})])
def test_backward_is_unbiased_brute_force(setup, base):
    """Thm 1: sum_j T[y, j] l_back(p, j) = l(p, y), by a plain loop over y and j."""
    T, z, _ = setup
    p = softmax(z)
    loss = get_loss(base[0], **base[1])
    back = backward_corrected(loss, T)
    for n in range(p.shape[0]):
        for y in range(4):
            expect = sum(T.matrix[y, j] * back.value(p[n : n + 1], np.array([j]))[0] for j in range(4))
            assert expect == pytest.approx(loss.value(p[n : n + 1], np.array([y]))[0], rel=1e-10)


@pytest.mark.parametrize("name", FORWARD_BASES)
def test_forward_is_base_loss_of_noisy_distribution(setup, name):
    T, z, y = setup
    kw = {"q": 0.5} if name == "lq" else {}
    fwd = forward_corrected(name, T, **kw)
    p = softmax(z)
    for n in range(p.shape[0]):
        q = [sum(p[n, i] * T.matrix[i, j] for i in range(4)) for j in range(4)]
        expect = get_loss(name, **kw).value(np.array([q]), np.array([y[n]]))[0]
        assert fwd.value(z[n : n + 1], y[n : n + 1], from_logits=True)[0] == pytest.approx(expect, rel=1e-10)
    np.testing.assert_allclose(fwd.grad(z, y), _fd(fwd, z, y), atol=1e-6)


def test_backward_gradient(setup):
    T, z, y = setup
    back = backward_corrected(get_loss("cce"), T)
    np.testing.assert_allclose(back.grad(z, y), _fd(back, z, y), atol=1e-6)
    # for CE the rows of T^-1 sum to one, so the gradient is p - T^-1[y]
    np.testing.assert_allclose(back.grad(z, y), softmax(z) - T.inverse()[y], atol=1e-12)


def test_identity_T_changes_nothing(setup):
    _, z, y = setup
    identity = TransitionMatrix(np.eye(4))
    np.testing.assert_allclose(backward_corrected(get_loss("cce"), identity).value(z, y, from_logits=True),
                               get_loss("cce").value(z, y, from_logits=True))
    np.testing.assert_allclose(forward_corrected("cce", identity).value(z, y, from_logits=True),
                               get_loss("cce").value(z, y, from_logits=True), rtol=1e-12)


def test_forward_cce_with_zero_entries_is_finite():
    T = TransitionMatrix([[1.0, 0.0], [0.3, 0.7]])
    z = np.array([[50.0, -50.0], [-50.0, 50.0]])
    v = forward_corrected("cce", T).value(z, np.array([1, 0]), from_logits=True)
    assert np.all(np.isfinite(v))


def test_bad_input():
    T = uniform_noise(3, 0.2)
    with pytest.raises(ValueError, match="cond ="):
        backward_corrected(get_loss("cce"), uniform_noise(3, 2 / 3))
    backward_corrected(get_loss("cce"), uniform_noise(3, 2 / 3), mix=0.5)  # mixing is the remedy
    with pytest.raises(ValueError, match="3 x 3 but the inputs have c = 4"):
        backward_corrected(get_loss("cce"), T).value(np.full((2, 4), 0.25), np.array([0, 1]))
    with pytest.raises(ValueError, match="supports"):
        forward_corrected("rce", T)
    with pytest.raises(TypeError):
        backward_corrected(get_loss("cce"), np.eye(3))
    assert loss_table(get_loss("cce"), np.full((2, 3), 1 / 3)).shape == (2, 3)


# ---------------------------------------------------------------- one-pass paths (speed), against the per-label loop
from label_noise_lab.simulate.correction.backward_forward import _TINY  # noqa: E402
from label_noise_lab.simulate.losses import Loss  # noqa: E402


def _slow_table(base, inputs, from_logits):
    return np.stack([base.value(inputs, np.full(inputs.shape[0], k), from_logits=from_logits)
                     for k in range(inputs.shape[1])], axis=1)


@pytest.mark.parametrize("name", ["cce", "mae", "mse", "unhinged", "rce"])
def test_loss_table_fast_path_equals_per_label_loop(name):
    rng = np.random.default_rng(3)
    z = rng.normal(size=(20, 5)) * 4
    base = get_loss(name)
    np.testing.assert_allclose(loss_table(base, z, from_logits=True), _slow_table(base, z, True),
                               rtol=1e-12, atol=1e-12)
    p = softmax(z)
    np.testing.assert_allclose(loss_table(base, p), _slow_table(base, p, False), rtol=1e-12, atol=1e-12)


def test_a_custom_loss_reusing_a_name_is_not_fast_pathed():
    real = get_loss("cce")

    def doubled(inputs, labels, from_logits=False):
        return 2 * real.value(inputs, labels, from_logits=from_logits)

    fake = Loss("cce", doubled, real.grad)
    z = np.random.default_rng(4).normal(size=(6, 3))
    np.testing.assert_allclose(loss_table(fake, z, from_logits=True), 2 * loss_table(real, z, from_logits=True))
    T = random_transition(3, np.random.default_rng(5), diag=0.7)
    y = np.arange(6) % 3
    np.testing.assert_allclose(backward_corrected(fake, T).value(z, y, from_logits=True),
                               2 * backward_corrected(real, T).value(z, y, from_logits=True), rtol=1e-12)


def test_backward_cce_from_logits_equals_table_form_at_extreme_logits():
    rng = np.random.default_rng(6)
    T = random_transition(4, rng, diag=0.6)
    z = rng.normal(size=(50, 4)) * 60  # softmax entries down to ~1e-100
    y = rng.integers(0, 4, 50)
    back = backward_corrected(get_loss("cce"), T)
    expect = (T.inverse()[y] * _slow_table(get_loss("cce"), z, True)).sum(axis=1)
    np.testing.assert_allclose(back.value(z, y, from_logits=True), expect, rtol=1e-10, atol=1e-9)
    with pytest.raises(ValueError, match="NaN or infinite"):
        back.value(np.array([[0.0, np.nan, 1.0, 2.0]]), np.array([0]), from_logits=True)


def test_forward_cce_one_pass_equals_log_space_including_underflow():
    rng = np.random.default_rng(7)
    T = TransitionMatrix([[0.8, 0.2, 0.0], [0.0, 0.7, 0.3], [0.1, 0.0, 0.9]])
    z = np.vstack([rng.normal(size=(30, 3)) * 5,
                   [[800.0, -800.0, 0.0], [0.0, 900.0, -900.0], [-750.0, 0.0, 750.0]]])  # num underflows
    y = np.concatenate([rng.integers(0, 3, 30), [1, 2, 1]])
    fwd = forward_corrected("cce", T).value(z, y, from_logits=True)
    logp = z - z.max(axis=1, keepdims=True)
    logp -= np.log(np.exp(logp).sum(axis=1, keepdims=True))
    with np.errstate(divide="ignore"):
        a = logp + np.log(T.matrix[:, y].T)
    m = a.max(axis=1, keepdims=True)
    expect = -(m[:, 0] + np.log(np.exp(a - m).sum(axis=1)))
    assert np.all(np.isfinite(fwd)) and _TINY > 0
    np.testing.assert_allclose(fwd, expect, rtol=1e-12, atol=1e-9)
    with pytest.raises(ValueError, match="NaN or infinite"):
        forward_corrected("cce", T).value(np.array([[0.0, np.inf, 1.0]]), np.array([0]), from_logits=True)


# ---------------------------------------------------------------- one matrix per replica
@pytest.mark.parametrize("kind", ["backward", "forward"])
def test_per_replica_matrices_equal_the_single_T_losses(kind):
    """Replica r of a stack of T is the loss with T_r alone (value and logit gradient), in float64 and float32."""
    from label_noise_lab.simulate.correction.backward_forward import SINGULAR_COND

    rng = np.random.default_rng(0)
    Ts = [random_transition(4, rng, diag=0.7) for _ in range(3)]
    Ts[1] = TransitionMatrix(np.array([[0.8, 0.2, 0, 0], [0, 1.0, 0, 0], [0, 0, 0.6, 0.4], [0.1, 0, 0, 0.9]]))
    z = rng.normal(size=(3, 5, 4)) * 2
    y = rng.integers(0, 4, size=(3, 5))
    stack = np.stack([T.matrix for T in Ts])
    loss = (backward_corrected(get_loss("cce"), stack, max_cond=SINGULAR_COND) if kind == "backward"
            else forward_corrected("cce", stack))
    v = loss.value(z.reshape(-1, 4), y.reshape(-1), from_logits=True).reshape(3, 5)
    g = loss.grad(z.reshape(-1, 4), y.reshape(-1)).reshape(3, 5, 4)
    for r, T in enumerate(Ts):
        ref = backward_corrected(get_loss("cce"), T) if kind == "backward" else forward_corrected("cce", T)
        np.testing.assert_allclose(v[r], ref.value(z[r], y[r], from_logits=True), rtol=1e-12, atol=1e-12)
        np.testing.assert_allclose(g[r], ref.grad(z[r], y[r]), rtol=1e-10, atol=1e-12)
    g32 = loss.grad(z.reshape(-1, 4).astype(np.float32), y.reshape(-1))
    assert g32.dtype == np.float32
    np.testing.assert_allclose(g32, g.reshape(-1, 4), atol=1e-5)


def test_per_replica_bad_input():
    from label_noise_lab.simulate.noise import mnist_flips

    cce = get_loss("cce")
    with pytest.raises(ValueError, match="shape"):
        forward_corrected("cce", np.eye(3)[None, None])
    with pytest.raises(ValueError, match="singular"):
        backward_corrected(cce, mnist_flips(0.5).matrix[None])
    with pytest.raises(ValueError, match="sums to"):
        forward_corrected("cce", np.full((1, 3, 3), 0.5))
    with pytest.raises(ValueError, match="cce base"):
        backward_corrected(get_loss("mae"), np.eye(3)[None])
    with pytest.raises(ValueError, match="cce base"):
        forward_corrected("mae", np.eye(3)[None])
    loss = forward_corrected("cce", np.stack([np.eye(3)] * 2))
    with pytest.raises(ValueError, match="R = 2"):
        loss.grad(np.zeros((3, 3)), np.zeros(3, dtype=int))
    with pytest.raises(ValueError, match="labels must lie"):
        loss.grad(np.zeros((4, 3)), np.array([0, 1, 2, 3]))


def test_identity_per_replica_backward_is_cross_entropy():
    rng = np.random.default_rng(2)
    z, y = rng.normal(size=(8, 5)), rng.integers(0, 5, 8)
    loss = backward_corrected(get_loss("cce"), np.eye(5)[None])
    np.testing.assert_allclose(loss.grad(z, y), get_loss("cce").grad(z, y), atol=1e-14)
    np.testing.assert_allclose(loss.value(z, y, from_logits=True), get_loss("cce").value(z, y, from_logits=True))
