"""label_noise_lab.simulate.embedding.collapse: miners against plain loops, gradients against finite differences,
replica
independence, the padded dimensions, the trend statistic, bad input."""
import numpy as np
import pytest

from label_noise_lab.simulate.embedding import collapse as sc
from label_noise_lab.simulate.embedding.losses import squared_distances

pytestmark = pytest.mark.host_only  # NumPy by design: see the module docstring


TINY = sc.CollapseTask(n_train=64, n_test=16, classes=4, dim_in=6, hidden=8, steps=3)


def stacked_batch(rep, B=12, seed=0, task=TINY):
    rng = np.random.default_rng(seed)
    data = sc.seed_data(task, rng, int(rep.seed.max()) + 1, int(rep.dim.max()))
    bi = sc.batches(data["keys"], B)[rep.seed, 0]
    return data, data["X"][rep.seed[:, None], bi], data["y"][rep.seed[:, None], bi]


def test_miners_against_loops():
    rep = sc.grid(2, (3,), (False, True), ("hard", "semi-hard", "random"))
    data, Xb, yb = stacked_batch(rep, B=14)
    params = sc.init_params(TINY, data, rep)
    e, _ = sc.forward(params, Xb, rep.normalized)
    D2 = squared_distances(e)
    D = np.sqrt(D2)
    alpha = 0.3
    t, skipped = sc.mine(D2, yb, rep.miner, alpha, np.random.default_rng(1))
    assert skipped == 0
    got = {}
    for r, a, p, n in zip(t.r, t.a, t.p, t.n):
        got.setdefault(int(r), set()).add((int(a), int(p), int(n)))
    for r in range(rep.R):
        y, Dr = yb[r], D[r]
        B = len(y)
        pairs = [(a, p) for a in range(B) for p in range(B) if a != p and y[a] == y[p]]
        if rep.miner[r] == "hard":
            exp = {(a, p, min((Dr[a, k], k) for k in range(B) if y[k] != y[a])[1]) for a, p in pairs}
            assert got[r] == exp
        elif rep.miner[r] == "semi-hard":
            exp = set()
            for a, p in pairs:
                c = [(Dr[a, k], k) for k in range(B) if y[k] != y[a] and Dr[a, k] > Dr[a, p]]
                if c and min(c)[0] < Dr[a, p] + alpha:
                    exp.add((a, p, min(c)[1]))
            assert got.get(r, set()) == exp
        else:
            assert {(a, p) for a, p, _ in got[r]} == set(pairs)
            assert all(y[n] != y[a] for a, _, n in got[r])
    sel = t.r == 0
    np.testing.assert_allclose(t.d_ap[sel], D[0][t.a[sel], t.p[sel]], atol=1e-12)
    np.testing.assert_allclose(t.d_an[sel], D[0][t.a[sel], t.n[sel]], atol=1e-12)


def test_hard_mining_by_seed_is_replica_by_replica_mining():
    """The phase sweep's shortcut (masks and pairs once per seed) gives the stacked miner's triplets, in its order."""
    rep = sc.grid(3, (2, 5), (False, True))
    data, Xb, yb = stacked_batch(rep, B=10, seed=3)
    yb[rep.seed == 2] = 0  # a single-class batch: every pair of that seed skipped
    e, _ = sc.forward(sc.init_params(TINY, data, rep), Xb, rep.normalized)
    D2 = squared_distances(e)
    want, skipped_want = sc.mine(D2, yb, rep.miner, 0.2, np.random.default_rng(0))
    got, skipped = sc.mine(D2, yb, rep.miner, 0.2, np.random.default_rng(0), seed=rep.seed)
    assert skipped == skipped_want > 0
    for k in ("r", "a", "p", "n", "d_ap", "d_an"):
        np.testing.assert_array_equal(getattr(got, k), getattr(want, k))
    # replicas of one seed with different labels: mined replica by replica
    yb[1] = yb[0][::-1]
    assert sc._hard_by_seed(np.sqrt(D2), yb, rep.seed) is None
    got, _ = sc.mine(D2, yb, rep.miner, 0.2, np.random.default_rng(0), seed=rep.seed)
    want, _ = sc.mine(D2, yb, rep.miner, 0.2, np.random.default_rng(0))
    np.testing.assert_array_equal(got.n, want.n)


def test_random_negatives_are_uniform():
    y = np.array([[0, 0, 1, 1, 2, 2, 2, 3]])
    D2 = np.ones((1, 8, 8))
    counts = np.zeros(8)
    rng = np.random.default_rng(5)
    for _ in range(300):
        t, _ = sc.mine(D2, y, np.array(["random"]), 0.2, rng)
        counts += np.bincount(t.n[t.a == 0], minlength=8)
    freq = counts[2:] / counts.sum()
    assert counts[:2].sum() == 0 and np.all(np.abs(freq - 1 / 6) < 5 * np.sqrt(1 / 6 * 5 / 6 / counts.sum()))


def test_single_class_batch_is_skipped_explicitly():
    y = np.zeros((1, 5), dtype=np.int64)
    t, skipped = sc.mine(np.ones((1, 5, 5)), y, np.array(["hard"]), 0.2, np.random.default_rng(0))
    assert skipped == 20 and t.r.shape[0] == 0
    e = np.zeros((1, 5, 2))
    loss, grad, m = sc.loss_and_grad_e(e, t, 0.2)
    assert m[0] == 0 and loss[0] == 0 and np.all(grad == 0)


def test_gradients_against_finite_differences():
    rep = sc.grid(2, (3, 4), (False, True), ("hard", "semi-hard", "random"))
    data, Xb, yb = stacked_batch(rep)
    params = sc.init_params(TINY, data, rep)

    def L(p):  # the random miner draws the same negatives from the same seed
        return sc.batch_loss(p, Xb, yb, rep, 0.5, np.random.default_rng(1))

    loss, grads, m, _ = L(params)
    assert np.all(m > 0)
    rng = np.random.default_rng(2)
    eps = 1e-6
    for k in params:
        for _ in range(25):
            idx = tuple(int(rng.integers(0, s)) for s in params[k].shape)
            hi = {kk: v.copy() for kk, v in params.items()}
            lo = {kk: v.copy() for kk, v in params.items()}
            hi[k][idx] += eps
            lo[k][idx] -= eps
            fd = (L(hi)[0][idx[0]] - L(lo)[0][idx[0]]) / (2 * eps)
            assert grads[k][idx] == pytest.approx(fd, abs=1e-5 * (1 + abs(fd))), (k, idx)


def test_padded_dimensions_stay_zero_and_replicas_are_independent():
    task = sc.CollapseTask(n_train=64, n_test=24, classes=4, dim_in=6, hidden=8, steps=20)
    rng = np.random.default_rng(0)
    data = sc.seed_data(task, rng, 2, 5)
    both = sc.grid(2, (2, 5), (False, True), ("hard",))
    alone = sc.grid(2, (2,), (False, True), ("hard",))
    rb = sc.train(task, data, both, 16, np.random.default_rng(1))
    ra = sc.train(task, data, alone, 16, np.random.default_rng(1))
    sel = both.dim == 2
    np.testing.assert_allclose(rb["spread_ratio"][sel], ra["spread_ratio"], rtol=1e-10)
    params = sc.init_params(task, data, both)
    e, _ = sc.forward(params, data["Xt"][both.seed], both.normalized)
    assert np.all(e[both.dim == 2][..., 2:] == 0)


def test_batches_are_nested():
    keys = np.random.default_rng(0).random((2, 5, 40))
    small, large = sc.batches(keys, 8), sc.batches(keys, 20)
    for s in range(2):
        for t in range(5):
            assert set(small[s, t]) <= set(large[s, t]) and len(set(large[s, t])) == 20


def test_sweep_shapes_and_a_collapse_signal():
    task = sc.CollapseTask(n_train=128, n_test=32, steps=30)
    res = sc.collapse_sweep(task, np.random.default_rng(0), batch_sizes=(8, 64), dims=(2, 16), n_seeds=2)
    assert res["spread_ratio"].shape == (2, 2, 2, 2)
    assert np.all(np.isfinite(res["spread_ratio"])) and np.all(res["spread_ratio"] > 0)
    score = sc.collapse_score(res["spread_ratio"])
    # normalised, dimension 2: a batch of 64 shrinks the spread more than a batch of 8
    assert np.all(score[:, 1, 1, 0] > score[:, 1, 0, 0])


def test_mining_comparison_shapes():
    task = sc.CollapseTask(n_train=128, n_test=32, steps=5)
    res = sc.mining_comparison(task, np.random.default_rng(0), batch_size=16, dim=4, n_seeds=2)
    assert res["spread_ratio"].shape == (2, 2, 3) and res["miners"] == ["hard", "semi-hard", "random"]


def test_monotone_trend_and_score():
    x = np.arange(24.0).reshape(2, 1, 3, 4)
    np.testing.assert_array_equal(sc.monotone_trend(x, 2), [[1.0], [1.0]])
    np.testing.assert_array_equal(sc.monotone_trend(-x, 3), [[-1.0], [-1.0]])
    y = np.zeros((1, 1, 3, 2))
    np.testing.assert_array_equal(sc.monotone_trend(y, 2), [[0.0]])
    np.testing.assert_allclose(sc.collapse_score(np.array([1.0, 0.1])), [0.0, 1.0])
    with pytest.raises(ValueError, match="finite and positive"):
        sc.collapse_score(np.array([0.0]))
    with pytest.raises(ValueError, match="finite and positive"):
        sc.collapse_score(np.array([np.nan]))
    with pytest.raises(ValueError, match="trailing axis"):
        sc.monotone_trend(x, 1)


@pytest.mark.parametrize("kw, match", [
    (dict(alpha=0.0), "alpha must be positive"),
    (dict(alpha=-0.2), "alpha must be positive"),
    (dict(lr=float("nan")), "lr"),
    (dict(classes=20), "dim_in"),
    (dict(threshold=1.5), "threshold"),
    (dict(hidden=-1), "hidden"),
    (dict(steps=1), "steps"),
])
def test_bad_task(kw, match):
    with pytest.raises(ValueError, match=match):
        sc.CollapseTask(**kw)


def test_bad_grid_and_batch():
    with pytest.raises(ValueError, match="miner"):
        sc.grid(1, (2,), miners=("hardest",))
    with pytest.raises(ValueError, match="dimensions"):
        sc.grid(1, (0,))
    with pytest.raises(ValueError, match="batch_size"):
        sc.batches(np.zeros((1, 2, 10)), 11)


def test_nan_embeddings_raise():
    rep = sc.grid(1, (2,), (False,), ("hard",))
    data, Xb, yb = stacked_batch(rep)
    params = sc.init_params(TINY, data, rep)
    params["W1"][0, 0, 0] = np.nan
    with pytest.raises(ValueError, match="NaN or infinite"):
        sc.batch_loss(params, Xb, yb, rep, 0.2, np.random.default_rng(0))
