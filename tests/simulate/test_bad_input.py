"""Each bad input found in review (issue 10, item 5): a clear error quoting the value, or the right answer."""
from __future__ import annotations

import math

import mpmath
import numpy as np
import pytest

import label_noise_lab.simulate.dmi.estimators as sd
from label_noise_lab.simulate.correction.backward_forward import FORWARD_BASES, forward_corrected
from label_noise_lab.simulate.embedding.losses import (
    batch_hard,
    hard_negatives,
    margin_loss,
    normalize,
    pairwise_distances,
    semi_hard_negatives,
    triplet_loss,
)
from label_noise_lab.simulate.losses import lq_at
from label_noise_lab.simulate.noise import (
    TransitionMatrix,
    pair_flip,
    random_transition,
    sample_count_table,
    uniform_noise,
)


# ---------------------------------------------------------------- forward correction at large logit gaps
def _forward_grad_reference(z, y, T, name, q=None):
    """``dl/dz_k = f'(q_y) p_k (T[k, y] - q_y)`` in 60-digit arithmetic, ``q = T^T p``."""
    mpmath.mp.dps = 60
    z = [mpmath.mpf(float(v)) for v in z]
    m = max(z)
    e = [mpmath.e ** (v - m) for v in z]
    s = sum(e)
    p = [v / s for v in e]
    c = len(z)
    qv = [sum(p[i] * mpmath.mpf(float(T[i, j])) for i in range(c)) for j in range(c)]
    qy = qv[y]
    if name == "mse":
        dq = [2 * qv[j] - (2 if j == y else 0) for j in range(c)]
        g = [sum(mpmath.mpf(float(T[k, j])) * dq[j] for j in range(c)) for k in range(c)]
        gp = sum(g[k] * p[k] for k in range(c))
        return np.array([float(p[k] * (g[k] - gp)) for k in range(c)])
    if name == "cce":
        fprime = -1 / qy
    elif name == "lq":
        fprime = -(qy ** (mpmath.mpf(q) - 1))
    else:
        fprime = {"mae": -2, "unhinged": -1}[name]
    return np.array([float(fprime * p[k] * (mpmath.mpf(float(T[k, y])) - qy)) for k in range(c)])


def test_forward_gradient_at_gap_700_is_the_stated_value():
    T = pair_flip(3, 0.2)
    g = forward_corrected("cce", T).grad(np.array([[0.0, 0.0, 700.0]]), np.array([1]))
    np.testing.assert_allclose(g[0], [-0.2, -0.8, 1.0], rtol=1e-12)


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("gap", [5.0, 700.0, 745.0, 800.0, 1e4])
@pytest.mark.parametrize("base", FORWARD_BASES)
def test_forward_gradients_are_finite_and_right_at_large_gaps(base, gap, dtype):
    T = pair_flip(3, 0.2)
    kw = {"q": 0.7} if base == "lq" else {}
    loss = forward_corrected(base, T, **kw)
    z = np.array([[0.0, 0.0, gap], [gap, 0.0, -gap], [0.3, -0.2, 0.1]], dtype=dtype)
    for y in range(3):
        labels = np.full(3, y)
        g = np.asarray(loss.grad(z, labels))
        assert np.all(np.isfinite(g)), (base, gap, y, g)
        for i in range(3):
            ref = _forward_grad_reference(z[i].astype(float), y, T.matrix, base, kw.get("q"))
            np.testing.assert_allclose(g[i], ref, rtol=1e-9, atol=1e-12, err_msg=f"{base} gap={gap} y={y} row {i}")


@pytest.mark.parametrize("base", FORWARD_BASES)
def test_forward_gradient_matches_finite_differences_of_the_value(base):
    T = pair_flip(4, 0.3)
    kw = {"q": 0.5} if base == "lq" else {}
    loss = forward_corrected(base, T, **kw)
    rng = np.random.default_rng(0)
    z, y = rng.normal(size=(5, 4)), np.array([0, 1, 2, 3, 1])
    g = loss.grad(z, y)
    h = 1e-6
    for k in range(4):
        dz = np.zeros_like(z)
        dz[:, k] = h
        fd = (loss.value(z + dz, y, from_logits=True) - loss.value(z - dz, y, from_logits=True)) / (2 * h)
        np.testing.assert_allclose(g[:, k], fd, rtol=1e-5, atol=1e-8)


# ---------------------------------------------------------------- L_DMI
def test_ldmi_refuses_bad_labels_nan_logits_and_empty_batches():
    z = np.random.default_rng(1).normal(size=(6, 3))
    with pytest.raises(ValueError, match=r"lie in \[0, 2\], got range \[-1, 2\]"):
        sd.ldmi_loss_and_grad(z, np.array([0, 1, 2, 0, 1, -1]))
    with pytest.raises(ValueError, match=r"got range \[0, 3\]"):
        sd.ldmi_loss_and_grad(z, np.array([0, 1, 2, 0, 1, 3]))
    with pytest.raises(ValueError, match="must be integers"):
        sd.ldmi_loss_and_grad(z, np.array([0.0, 1, 2, 0, 1, 2]))
    bad = z.copy()
    bad[2, 1] = np.nan
    with pytest.raises(ValueError, match="NaN"):
        sd.ldmi_loss_and_grad(bad, np.array([0, 1, 2, 0, 1, 2]))
    with pytest.raises(ValueError, match="empty"):
        sd.ldmi_loss_and_grad(np.zeros((0, 3)), np.zeros(0, dtype=int))
    with pytest.raises(ValueError, match="do not match"):
        sd.ldmi_loss_and_grad(z, np.array([0, 1, 2]))
    with pytest.raises(ValueError, match="singular"):
        sd.ldmi_loss_and_grad(z, np.array([0, 1, 0, 0, 1, 1]))


# ---------------------------------------------------------------- miners and embedding losses
def test_miners_refuse_mismatched_or_nan_distances():
    labels = np.array([0, 0, 1, 1, 2])
    D = pairwise_distances(np.random.default_rng(2).normal(size=(5, 3)))
    for miner in (hard_negatives, batch_hard, lambda D, y: semi_hard_negatives(D, y, 0.5)):
        with pytest.raises(ValueError, match=r"shape \(5, 5\) to match the labels, got \(4, 4\)"):
            miner(D[:4, :4], labels)
        bad = D.copy()
        bad[1, 3] = np.nan
        with pytest.raises(ValueError, match="NaN"):
            miner(bad, labels)
        with pytest.raises(ValueError, match="non-negative"):
            miner(D - 1.0, labels)


def test_margin_and_triplet_losses_refuse_nan():
    with pytest.raises(ValueError, match="NaN"):
        margin_loss(np.array([0.5, np.nan]), np.array([True, False]), 1.0, 1.0)
    with pytest.raises(ValueError, match="NaN"):
        triplet_loss(np.array([0.5, 0.2]), np.array([np.nan, 0.1]), 1.0)
    with pytest.raises(ValueError, match="beta must be a finite number, got nan"):
        margin_loss(np.array([0.5]), np.array([True]), 1.0, float("nan"))
    with pytest.raises(ValueError, match="one shape"):
        triplet_loss(np.array([0.5, 0.2]), np.array([0.1]), 1.0)


def test_normalize_huge_and_tiny_rows():
    E = np.array([[1e200, 1e200], [3e-200, 4e-200], [3.0, 4.0]])
    N = normalize(E)
    np.testing.assert_allclose(N, [[2**-0.5, 2**-0.5], [0.6, 0.8], [0.6, 0.8]], rtol=1e-15)
    with pytest.raises(ValueError, match="zero embedding \\(row 1\\)"):
        normalize(np.array([[1.0, 0.0], [0.0, 0.0]]))


def test_close_points_far_from_the_origin_keep_their_distance():
    E = np.array([[1e8, 1e8], [1e8 + 1e-4, 1e8], [1e8, 1e8 - 3e-4]])
    D = pairwise_distances(E)
    ref = np.sqrt(((E[:, None] - E[None]) ** 2).sum(-1))
    np.testing.assert_allclose(D, ref, rtol=1e-6)
    assert D[0, 1] > 0


# ---------------------------------------------------------------- L_q(k)
def test_lq_at_small_q_and_bad_k():
    for k in (0.3, 0.9, 1e-8):
        assert lq_at(k, 1e-15) == pytest.approx(-math.log(k), rel=1e-12)  # L_q -> CE as q -> 0
        assert lq_at(k, 0.7) == pytest.approx((1 - k**0.7) / 0.7, rel=1e-14)
    assert lq_at(0, 0.5) == 2.0 and lq_at(1, 0.5) == 0.0
    for bad in (-0.1, 1.5, float("nan"), "0.5", True):
        with pytest.raises(ValueError, match=f"k .* got {bad!r}".replace("(", r"\(").replace(")", r"\)")):
            lq_at(bad, 0.5)


# ---------------------------------------------------------------- noise
def test_transition_matrix_refuses_a_nan_tolerance_and_max_cond():
    with pytest.raises(ValueError, match="tol must be a number in \\[0, 1\\), got nan"):
        TransitionMatrix([[0.7, 0.7], [0.5, 0.5]], tol=float("nan"))
    with pytest.raises(ValueError, match="sums to 1.4"):
        TransitionMatrix([[0.7, 0.7], [0.5, 0.5]], tol=0.1)
    with pytest.raises(ValueError, match="max_cond must be a number >= 1 .*got nan"):
        uniform_noise(3, 0.2).inverse(max_cond=float("nan"))
    with pytest.raises(ValueError, match="max_cond"):
        uniform_noise(3, 0.2).inverse(max_cond=0.5)


def test_sample_count_table_refuses_fractional_counts():
    rng = np.random.default_rng(3)
    with pytest.raises(ValueError, match=r"non-negative integers, got \[1.5, 2\]"):
        sample_count_table([1.5, 2], uniform_noise(2, 0.1), rng)
    out = sample_count_table(np.array([3.0, 2.0]), uniform_noise(2, 0.1), rng)
    np.testing.assert_array_equal(out.sum(axis=1), [3, 2])


@pytest.mark.parametrize("bad", [0, -1.0, float("nan"), float("inf")])
def test_random_transition_names_the_concentration(bad):
    with pytest.raises(ValueError, match=f"concentration .* got {bad!r}"):
        random_transition(3, np.random.default_rng(0), concentration=bad)


# ---------------------------------------------------------------- issue 18: rng, n and chunk at the entry points
def _entry_points():
    """``(name, call(rng=..., n=..., chunk=...))``: each public function of simulate/ that takes a generator, a
    sample size or a chunk, with good values for the rest."""
    from label_noise_lab.simulate.correction.anchors import anchor_mixture, sample_population
    from label_noise_lab.simulate.dmi.populations import sample_counts, sample_triples
    from label_noise_lab.simulate.embedding.risk import mc_pair_noise, mc_triplet_risk, random_class_embeddings
    from label_noise_lab.simulate.experiments import seed_bases
    from label_noise_lab.simulate.populations import gaussian_clusters, random_distribution

    g = np.random.default_rng(0)
    dist = random_distribution(3, 2, g)
    Q = np.full((2, 2), 0.25)
    E, y = random_class_embeddings(3, 2, 4, g)
    T = uniform_noise(2, 0.2)
    return {
        "sample_population": lambda rng=g, n=10, chunk=1: sample_population(dist, n, rng),
        "sample_counts": lambda rng=g, n=10, chunk=8: sample_counts(dist, n, rng, T=T, chunk=chunk),
        "sample_triples": lambda rng=g, n=10, chunk=8: sample_triples(Q, T, n, rng, chunk=chunk),
        "mc_pair_noise": lambda rng=g, n=10, chunk=8: mc_pair_noise(2, 0.2, n, rng, chunk=chunk),
        "mc_triplet_risk": lambda rng=g, n=10, chunk=8: mc_triplet_risk(E, y, T, alpha=0.2, n_draws=n, rng=rng,
                                                                      chunk=chunk),
        "random_class_embeddings": lambda rng=g, n=3, chunk=1: random_class_embeddings(n, 2, 4, rng),
        "random_distribution": lambda rng=g, n=3, chunk=1: random_distribution(n, 2, rng),
        "gaussian_clusters": lambda rng=g, n=10, chunk=1: gaussian_clusters(n, 2, 2, rng),
        "seed_bases": lambda rng=g, n=3, chunk=1: seed_bases(rng, n),
        "anchor_mixture": lambda rng=g, n=5, chunk=1: anchor_mixture(2, rng, n_mixed=n),
    }


ENTRY_POINTS = list(_entry_points())


@pytest.mark.parametrize("name", ENTRY_POINTS)
def test_entry_points_run_with_good_arguments_and_refuse_a_missing_generator(name):
    call = _entry_points()[name]
    call()
    with pytest.raises(TypeError, match="rng must be a"):
        call(rng=None)


@pytest.mark.parametrize("name", ENTRY_POINTS)
@pytest.mark.parametrize("n", [2.5, float("inf"), float("nan"), -3])
def test_entry_points_refuse_a_sample_size_that_is_not_a_whole_number(name, n):
    with pytest.raises(ValueError, match="must be an integer|must be a positive integer"):
        _entry_points()[name](n=n)


@pytest.mark.parametrize("name", ["sample_counts", "sample_triples", "mc_pair_noise", "mc_triplet_risk"])
@pytest.mark.parametrize("chunk", [0, 1.5, float("inf")])
def test_entry_points_refuse_a_bad_chunk(name, chunk):
    with pytest.raises(ValueError, match="chunk must be an integer >= 1"):
        _entry_points()[name](chunk=chunk)


def _initialisers():
    from label_noise_lab.simulate.correction.sampled import random_population
    from label_noise_lab.simulate.embedding.isometry import random_configuration
    from label_noise_lab.simulate.embedding.train import init_embedding
    from label_noise_lab.simulate.models import init_linear, init_mlp

    return {"init_mlp": lambda rng: init_mlp(3, 2, 4, rng), "init_linear": lambda rng: init_linear(3, 2, rng),
            "init_embedding": lambda rng: init_embedding(3, 2, rng), "random_configuration": random_configuration,
            "random_population": lambda rng: random_population(3, 2, rng)}


@pytest.mark.parametrize("name", list(_initialisers()))
def test_initialisers_need_a_generator(name):
    make = _initialisers()[name]
    make(np.random.default_rng(0))
    with pytest.raises(TypeError, match="rng must be a random generator"):
        make(None)


def test_init_mlp_hidden_must_be_widths_and_train_a_generator():
    from label_noise_lab.simulate.experiments import train_config
    from label_noise_lab.simulate.losses import get_loss
    from label_noise_lab.simulate.models import init_linear, init_mlp
    from label_noise_lab.simulate.training import train

    with pytest.raises(ValueError, match="hidden must be a width or a sequence"):
        init_mlp(3, 2, 2.5, np.random.default_rng(0))
    X, y = np.random.default_rng(0).normal(size=(8, 2)), np.arange(8) % 2
    with pytest.raises(TypeError, match="rng must be a numpy Generator or a list"):
        train(init_linear(2, 2, np.random.default_rng(0)), X, y, get_loss("cce"), train_config(1, 0.1, 4, "sgd"), None)
