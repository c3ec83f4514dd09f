"""Tests of label_noise_lab.simulate.embedding.train: gradients against finite differences (through the
normalisation and the network), a separable toy problem, Recall@1 against a plain loop, bad input."""
from __future__ import annotations

import numpy as np
import pytest

from label_noise_lab.simulate.embedding.losses import pairwise_distances, recall_at_1
from label_noise_lab.simulate.embedding.train import (
    Terms,
    embed,
    init_embedding,
    loss_and_grads,
    select_terms,
    terms_loss_grad,
    train_embedding,
)
from label_noise_lab.simulate.models import forward
from label_noise_lab.simulate.populations import gaussian_clusters


def _fd_params(params, X, terms, **kw):
    grads = {}
    h = 1e-6
    for k, v in params.items():
        g = np.zeros_like(v)
        for idx in np.ndindex(v.shape):
            old = v[idx]
            v[idx] = old + h
            up = loss_and_grads(params, X, terms, **kw)[0]
            v[idx] = old - h
            dn = loss_and_grads(params, X, terms, **kw)[0]
            v[idx] = old
            g[idx] = (up - dn) / (2 * h)
        grads[k] = g
    return grads


def _batch(seed=0, n=10, c=3, dim=4):
    rng = np.random.default_rng(seed)
    X = rng.standard_normal((n, dim))
    y = np.arange(n) % c
    return rng, X, y


@pytest.mark.parametrize("model", ["linear", "mlp"])
@pytest.mark.parametrize("normalize", [True, False])
@pytest.mark.parametrize("loss,miner", [("margin", "random"), ("triplet", "random"), ("triplet", "batch-hard")])
def test_param_gradients_match_finite_differences(model, normalize, loss, miner):
    rng, X, y = _batch()
    params = init_embedding(4, 3, rng, model=model, hidden=5)
    # random biases: with zero biases, inputs whose hidden ReLU patterns leave one unit active map to
    # proportional raw embeddings, i.e. the same normalised point (D = 0, where D is not differentiable)
    params = {k: v + 0.3 * rng.standard_normal(v.shape) if k.startswith("b") else v for k, v in params.items()}
    Z = forward(params, X)[0]
    E = Z / np.linalg.norm(Z, axis=1, keepdims=True) if normalize else Z
    # beta and alpha chosen so that most hinges are active but not all (kinks are measure-zero)
    alpha, beta = (0.7, 1.0) if normalize else (1.5, 2.0)
    terms = select_terms(E, y, loss=loss, alpha=alpha, miner=miner, n_pairs=20, rng=rng)
    kw = dict(alpha=alpha, beta=beta, normalize=normalize)
    value, grads, stats = loss_and_grads(params, X, terms, **kw)
    assert 0 < stats["active"] <= 1
    fd = _fd_params(params, X, terms, **kw)
    for k in params:
        np.testing.assert_allclose(grads[k], fd[k], rtol=1e-5, atol=1e-7, err_msg=k)


def test_embedding_gradient_matches_plain_loop():
    rng = np.random.default_rng(3)
    E = rng.standard_normal((6, 3))
    y = np.array([0, 0, 1, 1, 2, 2])
    terms = select_terms(E, y, loss="margin", alpha=0.5, n_pairs=12, rng=rng)
    v, g, _ = terms_loss_grad(E, terms, alpha=0.5, beta=2.0)
    i, j = terms.idx
    plain = np.mean([max(0.0, 0.5 + (1 if s else -1) * (np.linalg.norm(E[a] - E[b]) - 2.0))
                     for a, b, s in zip(i, j, terms.same)])
    assert v == pytest.approx(plain)
    h = 1e-6
    for r in range(6):
        for c in range(3):
            Ep, Em = E.copy(), E.copy()
            Ep[r, c] += h
            Em[r, c] -= h
            up, down = (terms_loss_grad(E_, terms, alpha=0.5, beta=2.0)[0] for E_ in (Ep, Em))
            fd = (up - down) / (2 * h)
            assert g[r, c] == pytest.approx(fd, abs=1e-7)


def test_collapsed_embeddings_use_zero_subgradient():
    E = np.ones((4, 2))  # labels 0, 0, 1, 1: anchor 0, positive 1, negative 2
    terms = Terms("triplet", (np.array([0]), np.array([1]), np.array([2])))
    v, g, _ = terms_loss_grad(E, terms, alpha=0.3)
    assert v == pytest.approx(0.3)  # a collapsed network pays alpha per triplet
    assert np.all(np.isfinite(g)) and np.all(g == 0)


def test_empty_terms_give_zero_loss():
    E = np.eye(3)
    terms = Terms("triplet", (np.zeros(0, int),) * 3)
    v, g, stats = terms_loss_grad(E, terms, alpha=0.2)
    assert v == 0.0 and stats["terms"] == 0 and not g.any()


def test_recall_at_1_matches_plain_loop():
    rng = np.random.default_rng(1)
    E = rng.standard_normal((300, 3))
    y = rng.integers(0, 3, 300)
    D = np.linalg.norm(E[:, None] - E[None], axis=2)
    np.fill_diagonal(D, np.inf)
    assert recall_at_1(E, y, chunk=37) == pytest.approx(np.mean(y[D.argmin(1)] == y))


@pytest.mark.parametrize("loss,miner", [("triplet", "random"), ("triplet", "semi-hard"), ("triplet", "hard"),
                                        ("triplet", "batch-hard"), ("margin", "random")])
def test_separable_toy_problem_is_learned(loss, miner):
    rng = np.random.default_rng(0)
    X, y = gaussian_clusters(300, 3, 6, rng, separation=4.0)
    Xt, yt = gaussian_clusters(300, 3, 6, rng, separation=4.0)
    p0 = init_embedding(6, 4, np.random.default_rng(5), model="mlp", hidden=16)
    before = recall_at_1(embed(p0, Xt), yt)
    p, h = train_embedding(X, y, rng=np.random.default_rng(1), params=p0, loss=loss, miner=miner,
                           epochs=8, lr=0.01, alpha=0.3, beta=1.0, batch_size=60)
    after = recall_at_1(embed(p, Xt), yt)
    assert after >= 0.9 and h["epoch"][-1] == 8 and h["normalize"] is True
    assert h["loss"][-1] < h["loss"][1] or loss == "triplet" and miner in ("semi-hard", "hard")
    assert np.isnan(h["loss"][0]) and np.all(np.isfinite(h["loss"][1:]))
    assert before < after


def test_linear_unnormalised_and_record():
    rng = np.random.default_rng(0)
    X, y = gaussian_clusters(200, 2, 3, rng, separation=4.0)
    p, h = train_embedding(X, y, rng=rng, model="linear", dim_out=2, normalize=False, loss="margin",
                           alpha=0.5, beta=1.5, sampling="natural", epochs=3,
                           record=lambda e, prm: {"norm": float(np.abs(prm["W0"]).sum())})
    assert h["norm"].shape == (4,) and h["normalize"] is False
    assert recall_at_1(embed(p, X, normalize=False), y) > 0.9


def test_zero_raw_embedding_stays_at_the_origin_without_gradient():
    rng = np.random.default_rng(0)
    params = init_embedding(2, 3, rng, model="linear")
    params["W0"][:] = 0.0
    params["W0"][0, 0] = 1.0
    X = np.array([[0.0, 1.0], [1.0, 0.0], [2.0, 0.0], [-1.0, 0.0]])  # row 0 maps to z = 0
    E = embed(params, X)
    assert np.all(E[0] == 0) and np.allclose(np.linalg.norm(E[1:], axis=1), 1)
    terms = Terms("margin", (np.array([0, 1]), np.array([1, 3])), np.array([True, False]))
    v, grads, _ = loss_and_grads(params, X, terms, alpha=1.0, beta=1.0)
    assert np.isfinite(v) and all(np.all(np.isfinite(g)) for g in grads.values())


def test_init_offset_concentrates_normalised_embeddings():
    rng = np.random.default_rng(0)
    X = rng.standard_normal((50, 4))
    near = embed(init_embedding(4, 8, np.random.default_rng(1), init_offset=30.0), X)
    far = embed(init_embedding(4, 8, np.random.default_rng(1)), X)
    assert pairwise_distances(near).max() < 0.3 < pairwise_distances(far).mean()


def test_bad_input():
    rng = np.random.default_rng(0)
    X = rng.standard_normal((10, 3))
    with pytest.raises(ValueError, match="alpha"):
        train_embedding(X, np.arange(10) % 2, rng=rng, alpha=0.0)
    with pytest.raises(ValueError, match="single class"):
        train_embedding(X, np.zeros(10, int), rng=rng)
    with pytest.raises(ValueError, match="two members"):
        train_embedding(X, np.arange(10), rng=rng)
    Xn = X.copy()
    Xn[0, 0] = np.nan
    with pytest.raises(ValueError, match="NaN"):
        train_embedding(Xn, np.arange(10) % 2, rng=rng)
    with pytest.raises(ValueError, match="NaN"):
        recall_at_1(Xn, np.arange(10) % 2)
    with pytest.raises(ValueError, match="miner"):
        train_embedding(X, np.arange(10) % 2, rng=rng, miner="easy")
    with pytest.raises(ValueError, match="dim_out"):
        init_embedding(3, 1, rng)


def test_batches_without_positives_are_skipped_and_counted():
    rng = np.random.default_rng(0)
    X = rng.standard_normal((9, 3))
    y = np.array([0, 0, 1, 2, 3, 4, 5, 6, 7])  # most batches of 2 have no positive pair
    p, h = train_embedding(X, y, rng=rng, batch_size=2, epochs=2, dim_out=2)
    assert h["skipped"][1] >= 3


def test_balanced_pairs_are_uniform_over_positive_and_negative_pairs():
    from label_noise_lab.simulate.embedding.losses import sample_pairs

    lab = np.array([2, 0, 1, 0, 2, 0, 1, 3])
    pos = (lab[:, None] == lab[None]) & ~np.eye(8, dtype=bool)
    neg = lab[:, None] != lab[None]
    for seed in (0, 1):
        i, j, same = sample_pairs(lab, 200_000, np.random.default_rng(seed), "balanced")
        assert np.all(i != j) and same[:100_000].all() and not same[100_000:].any()
        M = np.zeros((8, 8))
        np.add.at(M, (i, j), 1)
        for mask in (pos, neg):  # uniform over the ordered pairs of each kind: chi-square-like bound
            cnt = M[mask]
            assert np.all(np.abs(cnt - cnt.mean()) < 5 * np.sqrt(cnt.mean()))
        assert M[~pos & ~neg].sum() == 0
    with pytest.raises(ValueError, match="single class"):
        sample_pairs(np.zeros(4, int), 4, np.random.default_rng(0))
    with pytest.raises(ValueError, match="two members"):
        sample_pairs(np.arange(4), 4, np.random.default_rng(0))


def test_train_embeddings_equals_separate_runs():
    from label_noise_lab.simulate.embedding.replicas import train_embeddings
    from paper_checks.papers.le19.studies import EmbeddingTask

    task = EmbeddingTask(c=4, n_train=300, n_test=50, nuisance=2)
    X, y, _, _ = task.sample(np.random.default_rng(0))
    X2, y2, _, _ = task.sample(np.random.default_rng(1))
    ps = [init_embedding(X.shape[1], 4, np.random.default_rng(s), hidden=8, init_offset=o)
          for s, o in ((3, 0.0), (4, 5.0))]
    cfg = [dict(alpha=0.3, beta=1.2, sampling="balanced"), dict(alpha=1.0, beta=1.0, sampling="natural")]
    qs, hist = train_embeddings([X, X2], [y, y2], ps, [np.random.default_rng(10), np.random.default_rng(11)],
                                alpha=[c["alpha"] for c in cfg], beta=[c["beta"] for c in cfg],
                                sampling=[c["sampling"] for c in cfg], epochs=2, lr=0.01, batch_size=40, n_pairs=30)
    for r, (XX, yy, p, c) in enumerate(zip((X, X2), (y, y2), ps, cfg)):
        q, h = train_embedding(XX, yy, rng=np.random.default_rng(10 + r), params=p, loss="margin", epochs=2, lr=0.01,
                               batch_size=40, n_pairs=30, **c)
        for k in q:
            np.testing.assert_allclose(qs[r][k], q[k], rtol=1e-12, atol=1e-14)
        np.testing.assert_allclose(hist["loss"][1:, r], h["loss"][1:], rtol=1e-12)


def test_train_embeddings_in_single_precision_stays_in_it_and_near_double():
    """``dtype=numpy.float32`` (the le19 studies): every step in single precision (the parameters, the optimiser's
    moments), the same replicas as in double precision to single precision's rounding over a few steps."""
    from label_noise_lab.simulate.embedding.replicas import train_embeddings
    from paper_checks.papers.le19.studies import EmbeddingTask

    task = EmbeddingTask(c=4, n_train=200, n_test=50, nuisance=2)
    X, y, _, _ = task.sample(np.random.default_rng(0))
    p = init_embedding(X.shape[1], 4, np.random.default_rng(3), hidden=8)
    kw = dict(alpha=0.3, beta=1.2, epochs=1, lr=0.01, batch_size=40, n_pairs=30)
    (q64,), _ = train_embeddings([X], [y], [p], [np.random.default_rng(10)], **kw)
    (q32,), h32 = train_embeddings([X], [y], [p], [np.random.default_rng(10)], dtype=np.float32, **kw)
    for k in q64:
        assert q32[k].dtype == np.float32
        np.testing.assert_allclose(q32[k], q64[k], rtol=1e-3, atol=1e-4)
    assert np.all(np.isfinite(h32["loss"][1:]))
    with pytest.raises(ValueError, match="dtype must be a real floating type"):
        train_embeddings([X], [y], [p], [np.random.default_rng(10)], dtype=np.int64, **kw)
