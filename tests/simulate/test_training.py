"""Mini-batch training, per-sample weights, monitoring and ACS (Zhang & Sabuncu 2018, Algorithm 1)."""
import numpy as np
import pytest

from label_noise_lab.simulate.losses import get_loss, lq_at
from label_noise_lab.simulate.models import accuracy, forward, init_linear, init_mlp
from label_noise_lab.simulate.training import (
    TrainConfig,
    acs,
    acs_objective,
    flat_loss_value,
    make_monitor,
    prune_weights,
    train,
)


def _separable(rng, n=60):
    y = np.arange(n) % 3
    X = 4.0 * np.eye(3)[y] + 0.3 * rng.standard_normal((n, 3))
    return X, y


@pytest.mark.parametrize("optimizer, lr", [("sgd", 0.5), ("adam", 0.05)])
@pytest.mark.parametrize("hidden", [(), (8,)])
def test_tiny_separable_problem_is_learned(optimizer, lr, hidden):
    rng = np.random.default_rng(0)
    X, y = _separable(rng)
    p = init_mlp(3, 3, hidden, rng)
    loss = get_loss("cce")
    res = train(p, X, y, loss, TrainConfig(epochs=30, lr=lr, batch_size=16, optimizer=optimizer, momentum=0.5),
                rng, monitor=make_monitor(X, y, loss))
    assert float(accuracy(res.params, X, y)) == 1.0
    h = res.history
    assert h["train_loss"].shape == (31,) and h["train_loss"][-1] < 0.1 * h["train_loss"][0]
    assert not np.shares_memory(res.params["W0"], p["W0"])  # the input is not modified


def test_same_rng_same_result_and_replicas_do_not_interact():
    rng = np.random.default_rng(1)
    X, y = _separable(rng, 30)
    p = init_mlp(3, 3, (4,), rng, replicas=2)
    cfg = TrainConfig(epochs=3, lr=0.01, batch_size=8)
    loss = get_loss("lq", q=0.5)
    a = train(p, X, y, loss, cfg, [np.random.default_rng(5), np.random.default_rng(6)]).params
    b = train(p, X, y, loss, cfg, [np.random.default_rng(5), np.random.default_rng(6)]).params
    for k in a:
        np.testing.assert_array_equal(a[k], b[k])
    alone = train({k: v[1] for k, v in p.items()}, X, y, loss, cfg, np.random.default_rng(6)).params
    for k in a:
        np.testing.assert_allclose(a[k][1], alone[k], rtol=1e-12, atol=1e-14)


def test_zero_weight_removes_a_sample():
    rng = np.random.default_rng(2)
    X, y = _separable(rng, 24)
    p = init_mlp(3, 3, (5,), rng)
    w = np.ones(24)
    w[[3, 10]] = 0.0
    X2, y2 = X.copy(), y.copy()
    X2[3] += 50.0
    y2[10] = (y2[10] + 1) % 3
    cfg = TrainConfig(epochs=4, lr=0.05, batch_size=5)
    loss = get_loss("cce")
    a = train(p, X, y, loss, cfg, np.random.default_rng(9), weights=w).params
    b = train(p, X2, y2, loss, cfg, np.random.default_rng(9), weights=w).params
    c = train(p, X2, y2, loss, cfg, np.random.default_rng(9)).params
    for k in a:
        np.testing.assert_allclose(a[k], b[k], rtol=1e-12, atol=1e-15)
    assert not np.allclose(a["W0"], c["W0"])
    ones = train(p, X, y, loss, cfg, np.random.default_rng(9), weights=np.ones(24)).params
    plain = train(p, X, y, loss, cfg, np.random.default_rng(9)).params
    for k in a:
        np.testing.assert_allclose(ones[k], plain[k], rtol=1e-13)


def test_monitor_softmax_groups():
    rng = np.random.default_rng(3)
    X, y = _separable(rng, 30)
    noisy = y.copy()
    noisy[:6] = (noisy[:6] + 1) % 3
    p = init_linear(3, 3, rng, replicas=2)
    loss = get_loss("cce")
    mon = make_monitor(X, noisy, loss, y_clean=y, X_test=X, y_test=y)
    res = train(p, X, noisy, loss, TrainConfig(epochs=2, lr=0.1, batch_size=10), rng, monitor=mon)
    h = res.history
    for key in ("train_loss", "train_acc", "test_acc", "softmax_correct", "softmax_wrong", "memorised"):
        assert h[key].shape == (3, 2), key
    pr = np.exp(forward(res.params, X)[0])
    pr /= pr.sum(axis=-1, keepdims=True)
    fy = pr[:, np.arange(30), noisy]
    np.testing.assert_allclose(h["softmax_wrong"][-1], fy[:, :6].mean(axis=1), rtol=1e-12)
    np.testing.assert_allclose(h["softmax_correct"][-1], fy[:, 6:].mean(axis=1), rtol=1e-12)



def test_monitor_records_only_what_is_asked_with_the_same_values():
    rng = np.random.default_rng(3)
    X, y = _separable(rng, 30)
    noisy = y.copy()
    noisy[:6] = (noisy[:6] + 1) % 3
    p = init_mlp(3, 3, (5,), rng, replicas=2)
    loss = get_loss("cce")
    cfg = TrainConfig(epochs=2, lr=0.1, batch_size=10)
    whole = train(p, X, noisy, loss, cfg, np.random.default_rng(1),
                  monitor=make_monitor(X, noisy, loss, y_clean=y, X_test=X, y_test=y)).history
    for keys in (("test_acc",), ("train_acc", "memorised"), ("softmax_wrong",)):
        part = train(p, X, noisy, loss, cfg, np.random.default_rng(1),
                     monitor=make_monitor(X, noisy, loss, y_clean=y, X_test=X, y_test=y, record=keys)).history
        assert set(part) == set(keys)
        for k in keys:
            np.testing.assert_array_equal(part[k], whole[k])
    with pytest.raises(ValueError, match="unknown"):
        make_monitor(X, noisy, loss, record=("accuracy",))
    with pytest.raises(ValueError, match="test set"):
        make_monitor(X, noisy, loss, record=("test_acc",))
    with pytest.raises(ValueError, match="y_clean"):
        make_monitor(X, noisy, loss, X_test=X, y_test=y, record=("memorised",))

def test_acs_records_objective_after_every_step():
    rng = np.random.default_rng(4)
    X, y = _separable(rng, 45)
    y[:9] = (y[:9] + 1) % 3
    p = init_mlp(3, 3, (6,), rng, replicas=2)
    q, k = 0.7, 0.5
    res = acs(p, X, y, q, k, TrainConfig(epochs=2, lr=0.02, batch_size=9), rng, rounds=3, warmup_epochs=4)
    assert res.step_kind == ["init", "prune", "theta", "prune", "theta", "prune", "theta"]
    assert res.objective.shape == (7, 2) and res.weights.shape == (3, 2, 45)
    assert set(np.unique(res.weights)) <= {0.0, 1.0}
    inc = np.diff(res.objective, axis=0)
    assert np.all(inc[0::2] <= 1e-12)  # a pruning step is an exact minimisation over w
    # the final objective is Eq. 13 at the final parameters and the last weights
    L = flat_loss_value(get_loss("lq", q=q), forward(res.params, X)[0], y)
    np.testing.assert_allclose(res.objective[-1], acs_objective(L, res.weights[-1], lq_at(k, q)), rtol=1e-12)
    np.testing.assert_array_equal(prune_weights(np.array([0.1, lq_at(k, q), 2.0]), lq_at(k, q)), [1.0, 1.0, 0.0])
    assert res.history == {}


@pytest.mark.parametrize("kwargs, match", [
    (dict(epochs=0, lr=0.1), "epochs"),
    (dict(epochs=1, lr=0.0), "lr"),
    (dict(epochs=1, lr=-1.0), "lr"),
    (dict(epochs=1, lr=float("nan")), "lr"),
    (dict(epochs=1, lr=0.1, batch_size=0), "batch_size"),
    (dict(epochs=1, lr=0.1, optimizer="rmsprop"), "optimizer"),
    (dict(epochs=1, lr=0.1, momentum=1.0), "momentum"),
    (dict(epochs=1, lr=0.1, weight_decay=-1.0), "weight_decay"),
])
def test_bad_config_raises(kwargs, match):
    with pytest.raises(ValueError, match=match):
        TrainConfig(**kwargs)


def test_bad_data_raises():
    rng = np.random.default_rng(5)
    X, y = _separable(rng, 12)
    p = init_mlp(3, 3, (4,), rng)
    cfg = TrainConfig(epochs=1, lr=0.1)
    loss = get_loss("cce")
    with pytest.raises(ValueError, match="weights must lie in"):
        train(p, X, y, loss, cfg, rng, weights=np.full(12, 1.5))
    with pytest.raises(ValueError, match="weights must lie in"):
        train(p, X, y, loss, cfg, rng, weights=np.full(12, -0.1))
    with pytest.raises(ValueError, match="weights must have shape"):
        train(p, X, y, loss, cfg, rng, weights=np.ones(11))
    with pytest.raises(ValueError, match="labels y must have shape"):
        train(p, X, y[:-1], loss, cfg, rng)
    with pytest.raises(ValueError, match="labels y must lie"):
        train(p, X, y + 3, loss, cfg, rng)
    with pytest.raises(ValueError, match="features"):
        train(p, X[:, :2], y, loss, cfg, rng)
    with pytest.raises(ValueError, match="one per replica"):
        train(init_mlp(3, 3, (4,), rng, replicas=2), X, y, loss, cfg, [rng])
    with pytest.raises(ValueError, match="rounds"):
        acs(p, X, y, 0.7, 0.5, cfg, rng, rounds=0)
    with pytest.raises(ValueError, match="k must lie"):
        acs(p, X, y, 0.7, 1.5, cfg, rng, rounds=1)
    with pytest.raises(ValueError, match="q must lie"):
        acs(p, X, y, 0.0, 0.5, cfg, rng, rounds=1)
