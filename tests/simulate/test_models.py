"""Hand-written gradients of label_noise_lab.simulate.models against central finite differences; forward against a plain
loop."""
import numpy as np
import pytest

from label_noise_lab.simulate.losses import get_loss
from label_noise_lab.simulate.models import (
    accuracy,
    backward,
    forward,
    init_linear,
    init_mlp,
    lead_shape,
    logits_of,
    n_parameters,
    per_sample_grad_sq_norms,
    predict_proba,
)
from label_noise_lab.simulate.training import flat_loss_grad, flat_loss_value

ARCHS = [(), (5,), (4, 3)]


def _with_random_biases(params, rng):
    """Non-zero biases, so no ReLU pre-activation sits exactly on its kink (where differences are one-sided)."""
    return {k: v + 0.3 * rng.standard_normal(v.shape) if k.startswith("b") else v for k, v in params.items()}


def _loop_forward(params, x):
    """One sample, one neuron at a time: the definition of the network."""
    L = len(params) // 2
    h = list(x)
    for l in range(L):
        W, b = params[f"W{l}"], params[f"b{l}"]
        z = [b[j] + sum(h[i] * W[i, j] for i in range(len(h))) for j in range(W.shape[1])]
        h = [max(v, 0.0) for v in z] if l < L - 1 else z
    return np.array(h)


@pytest.mark.parametrize("hidden", ARCHS)
def test_forward_matches_plain_loop(hidden):
    rng = np.random.default_rng(1)
    p = _with_random_biases(init_mlp(4, 3, hidden, rng), rng)
    X = rng.standard_normal((6, 4))
    z, _ = forward(p, X)
    assert z.shape == (6, 3)
    for i in range(6):
        np.testing.assert_allclose(z[i], _loop_forward(p, X[i]), rtol=1e-12, atol=1e-12)


def test_replicas_are_independent_models():
    rng = np.random.default_rng(2)
    p = _with_random_biases(init_mlp(4, 3, (5,), rng, replicas=3), rng)
    assert lead_shape(p) == (3,)
    X = rng.standard_normal((3, 7, 4))
    z, _ = forward(p, X)
    zs, _ = forward(p, X[1])  # one shared input for every replica
    for r in range(3):
        single = {k: v[r] for k, v in p.items()}
        np.testing.assert_allclose(z[r], forward(single, X[r])[0], rtol=1e-13)
        np.testing.assert_allclose(zs[r], forward(single, X[1])[0], rtol=1e-13)


@pytest.mark.parametrize("hidden", ARCHS)
@pytest.mark.parametrize("replicas", [None, 2])
@pytest.mark.parametrize("loss_spec", [("cce", {}), ("lq", {"q": 0.7}), ("mse", {})])
def test_backward_matches_central_differences(hidden, replicas, loss_spec):
    rng = np.random.default_rng(3)
    loss = get_loss(loss_spec[0], **loss_spec[1])
    p = _with_random_biases(init_mlp(4, 3, hidden, rng, replicas=replicas), rng)
    X = rng.standard_normal((5, 4))
    y = rng.integers(0, 3, 5)

    def total(pp):
        return float(flat_loss_value(loss, forward(pp, X)[0], y).sum())

    z, cache = forward(p, X)
    g = backward(p, cache, flat_loss_grad(loss, z, y))
    eps = 1e-6
    for k, v in p.items():
        assert g[k].shape == v.shape
        num = np.zeros_like(v)
        for idx in np.ndindex(v.shape):
            plus = {a: b.copy() for a, b in p.items()}
            minus = {a: b.copy() for a, b in p.items()}
            plus[k][idx] += eps
            minus[k][idx] -= eps
            num[idx] = (total(plus) - total(minus)) / (2 * eps)
        np.testing.assert_allclose(g[k], num, rtol=1e-6, atol=1e-8, err_msg=f"{k} of {hidden}, {loss_spec[0]}")


@pytest.mark.parametrize("hidden", ARCHS)
def test_per_sample_gradient_norms_match_one_sample_backward(hidden):
    rng = np.random.default_rng(4)
    loss = get_loss("cce")
    p = _with_random_biases(init_mlp(4, 3, hidden, rng, replicas=2), rng)
    X = rng.standard_normal((2, 6, 4))
    y = rng.integers(0, 3, (2, 6))
    z, cache = forward(p, X)
    sq = per_sample_grad_sq_norms(p, cache, flat_loss_grad(loss, z, y))
    assert sq.shape == (2, 6)
    for r in range(2):
        single = {k: v[r] for k, v in p.items()}
        for i in range(6):
            zi, ci = forward(single, X[r, i:i + 1])
            gi = backward(single, ci, flat_loss_grad(loss, zi, y[r, i:i + 1]))
            np.testing.assert_allclose(sq[r, i], sum(float((a * a).sum()) for a in gi.values()), rtol=1e-12)


def test_chunked_logits_equal_forward_and_helpers():
    rng = np.random.default_rng(5)
    p = init_mlp(4, 3, (6,), rng, replicas=2)
    X = rng.standard_normal((2, 300, 4))
    np.testing.assert_allclose(logits_of(p, X, chunk=64), forward(p, X)[0], rtol=1e-13)
    pr = predict_proba(p, X)
    np.testing.assert_allclose(pr.sum(axis=-1), 1.0)
    y = forward(p, X)[0].argmax(axis=-1)
    np.testing.assert_array_equal(accuracy(p, X, y), [1.0, 1.0])
    assert n_parameters(p) == 4 * 6 + 6 + 6 * 3 + 3
    lin = init_linear(4, 3, rng)
    assert set(lin) == {"W0", "b0"} and lin["W0"].shape == (4, 3)


def test_namespace_is_followed(xp):
    rng = np.random.default_rng(6)
    p = init_mlp(4, 3, (5,), rng, xp=xp)
    X = xp.asarray(rng.standard_normal((7, 4)))
    z, cache = forward(p, X)
    g = backward(p, cache, xp.ones_like(z))
    assert type(z) is type(X) and type(g["W0"]) is type(X)


@pytest.mark.parametrize("kwargs, match", [
    (dict(dim=4, c=3, hidden=0), "hidden width"),
    (dict(dim=4, c=3, hidden=(5, -1)), "hidden width"),
    (dict(dim=0, c=3, hidden=5), "dim"),
    (dict(dim=4, c=1, hidden=5), "number of classes"),
    (dict(dim=4, c=3, hidden=5, replicas=0), "replicas"),
])
def test_bad_construction_raises(kwargs, match):
    with pytest.raises(ValueError, match=match):
        init_mlp(rng=np.random.default_rng(0), **kwargs)


def test_bad_shapes_raise():
    rng = np.random.default_rng(7)
    p = init_mlp(4, 3, (5,), rng)
    with pytest.raises(ValueError, match="features"):
        forward(p, np.zeros((2, 5)))
    with pytest.raises(ValueError, match="shape"):
        forward(p, np.zeros(4))
    z, cache = forward(p, np.zeros((2, 4)))
    with pytest.raises(ValueError, match="dlogits"):
        backward(p, cache, np.zeros((2, 4)))
    with pytest.raises(ValueError, match="keys"):
        forward({"W0": p["W0"], "b0": p["b0"], "W1": p["W1"]}, np.zeros((2, 4)))
    with pytest.raises(ValueError, match="chunk"):
        logits_of(p, np.zeros((2, 4)), chunk=0)


def test_logits_in_one_threads_large_blocks_equal_the_default_blocks():
    from label_noise_lab.simulate.engine.blas import pinned_blas

    rng = np.random.default_rng(3)
    p = init_mlp(5, 3, (16,), rng, replicas=4)
    X = rng.standard_normal((1000, 5))
    with pinned_blas():
        pinned = logits_of(p, X)
    np.testing.assert_allclose(pinned, logits_of(p, X), rtol=1e-13)
    np.testing.assert_allclose(pinned, forward(p, X)[0], rtol=1e-13)
