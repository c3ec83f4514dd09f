"""The anchor estimator of Patrini et al. 2017 (Eqs. 12-13) on populations where the answer is known exactly."""
import math

import numpy as np
import pytest

from label_noise_lab.simulate.correction.anchors import (
    anchor_error_curves,
    anchor_indices,
    anchor_mixture,
    anchor_transition,
    argmax_anchor_classes,
    check_percentile,
    column_dominant,
    estimate_transition,
    noisy_posterior,
    percentile_rank,
    population_anchor_limit,
    sample_population,
    standard_anchor_populations,
    transition_error,
)
from label_noise_lab.simulate.noise import TransitionMatrix, random_transition, uniform_noise
from label_noise_lab.simulate.populations import FiniteDistribution


def _mnist_flips(N):
    T = np.eye(10)
    for i, j in ((2, 7), (3, 8), (5, 6), (6, 5), (7, 1)):
        T[i, i], T[i, j] = 1 - N, N
    return TransitionMatrix(T)


@pytest.mark.parametrize("c", [2, 3, 10])
def test_perfect_examples_and_exact_ptilde_give_T_to_machine_precision(c, xp):
    rng = np.random.default_rng(c)
    for _ in range(5):
        T = random_transition(c, rng, diag=float(rng.uniform(0.55, 0.95)))  # diagonal > 1/2: column-dominant
        assert column_dominant(T).all()
        dist = anchor_mixture(c, rng, n_mixed=40)
        idx = np.concatenate([rng.permutation(dist.n_x), rng.integers(0, dist.n_x, 30)])  # every anchor in X'
        pt = xp.asarray(noisy_posterior(dist.py_x[idx], T))
        T_hat = estimate_transition(pt)
        assert type(T_hat) is type(pt)
        np.testing.assert_array_equal(np.asarray(T_hat.get() if hasattr(T_hat, "get") else T_hat), T.matrix)
        # Thm 3 itself: ptilde at the perfect example of class i is row i, whatever T is
        T2 = random_transition(c, rng)
        np.testing.assert_array_equal(noisy_posterior(np.eye(c), T2), T2.matrix)


def test_argmax_returns_the_row_of_the_column_maximiser():
    """Without column dominance Eq. 12 picks the perfect example of argmax_k T[k, i] (a plain loop over columns)."""
    rng = np.random.default_rng(1)
    for _ in range(20):
        T = random_transition(4, rng)  # Dirichlet rows: rarely column-dominant
        dist = anchor_mixture(4, rng, n_mixed=30)
        T_hat = estimate_transition(noisy_posterior(dist.py_x, T))
        for i in range(4):
            k = max(range(4), key=lambda kk: (T.matrix[kk, i], -kk))
            np.testing.assert_array_equal(T_hat[i], T.matrix[k])
        assert np.array_equal(T_hat, T.matrix) == bool(column_dominant(T).all())


def test_mnist_flips_lose_their_anchors_from_N_one_half():
    assert column_dominant(_mnist_flips(0.49)).all()
    for N in (0.5, 0.6):
        assert list(np.flatnonzero(~column_dominant(_mnist_flips(N)))) == [5, 6, 7]
    T = _mnist_flips(0.6)
    k = argmax_anchor_classes(T)
    assert (k[5], k[6], k[7]) == (6, 5, 2)
    dist = anchor_mixture(10, np.random.default_rng(0), n_mixed=30)
    T_hat = estimate_transition(noisy_posterior(dist.py_x, T))
    np.testing.assert_array_equal(T_hat[7], T.matrix[2])
    assert np.linalg.det(T_hat) == 0.0  # rows 2 and 7 coincide


def _loop_anchor(p, i, percentile):
    """Nearest rank by hand: order by decreasing value (ties: smaller index first), take rank ceil(a n/100) - 1."""
    n = p.shape[0]
    order = sorted(range(n), key=lambda k: (-p[k, i], k))
    r = n - 1 if percentile is None else max(0, math.ceil(percentile * n / 100 - 1e-12) - 1)
    return order[n - 1 - r]


@pytest.mark.parametrize("percentile", [None, 100, 97, 97.5, 50, 3.3, 0.1])
def test_percentile_variant_against_a_plain_loop(percentile, xp):
    rng = np.random.default_rng(7)
    for n, c in ((37, 4), (200, 10), (10, 10)):
        p = rng.dirichlet(np.ones(c), size=n)
        p[: n // 3] = p[n // 3: 2 * (n // 3)]  # duplicated rows: ties in every column
        idx = anchor_indices(xp.asarray(p), percentile)
        idx = np.asarray(idx.get() if hasattr(idx, "get") else idx)
        for i in range(c):
            assert idx[i] == _loop_anchor(p, i, percentile)
            if percentile is not None:  # the value is NumPy's inverted-CDF percentile
                assert p[idx[i], i] == np.percentile(p[:, i], percentile, method="inverted_cdf")
        np.testing.assert_array_equal(anchor_indices(p, 100), np.argmax(p, axis=0))


def test_percentile_rank():
    assert percentile_rank(100, 97) == 96 and percentile_rank(100, 100) == 99 and percentile_rank(100, 0.5) == 0
    assert percentile_rank(7, None) == 6
    assert percentile_rank(1000, 97) == 969


def test_population_limit_equals_the_estimate_on_a_replicated_sample():
    """On X' holding each support point in proportion to P(x) the sample estimate is the population limit."""
    rng = np.random.default_rng(3)
    base = anchor_mixture(5, rng, n_mixed=40, anchor_purity=0.8)
    counts = rng.integers(1, 9, size=base.n_x)
    dist = FiniteDistribution(counts / counts.sum(), base.py_x)
    T = random_transition(5, rng, diag=0.6)
    X_rows = np.repeat(np.arange(base.n_x), counts)
    pt = noisy_posterior(dist.py_x[X_rows], T)
    for a in (None, 97, 80, 40):
        np.testing.assert_array_equal(population_anchor_limit(dist, T, a), estimate_transition(pt, a))


def test_transition_error_and_row_normalisation():
    rng = np.random.default_rng(4)
    T = random_transition(4, rng)
    A = rng.dirichlet(np.ones(4), size=4)
    assert transition_error(A, T) == pytest.approx(max(sum(abs(A[i, j] - T.matrix[i, j]) for j in range(4))
                                                       for i in range(4)))
    pt = rng.dirichlet(np.ones(4), size=20).astype(np.float32)
    M = anchor_transition(pt, 97)
    assert isinstance(M, TransitionMatrix)
    np.testing.assert_allclose(M.matrix.sum(axis=1), 1.0, atol=1e-12)
    np.testing.assert_allclose(M.matrix, estimate_transition(pt, 97), atol=1e-6)


def test_error_curves_shapes_limits_and_determinism():
    T = uniform_noise(3, 0.3)
    pops = standard_anchor_populations(3, np.random.default_rng(0), n_mixed=20)
    kw = dict(sizes=(3, 50, 2000), n_seeds=3)
    a = anchor_error_curves(np.random.default_rng(1), T, pops, **kw)
    b = anchor_error_curves(np.random.default_rng(1), T, pops, **kw)
    np.testing.assert_array_equal(a["error"], b["error"])
    assert a["error"].shape == (3, 2, 3, 3) and a["estimators"] == ["argmax", "97th percentile"]
    assert a["limit_error"][0, 0] == 0.0 and a["limit_error"][2, 0] > 0  # perfect examples vs none
    assert a["exact"][0, 0, -1].all()
    np.testing.assert_allclose(a["error"][2, 0, -1], a["limit_error"][2, 0], atol=1e-12)


def test_sampling_follows_P_x():
    dist = FiniteDistribution(np.array([0.7, 0.2, 0.1]), np.eye(3))
    idx = sample_population(dist, 20000, np.random.default_rng(0))
    np.testing.assert_allclose(np.bincount(idx, minlength=3) / 20000, dist.px, atol=0.015)


@pytest.mark.parametrize("bad", [0, -1, 100.5, float("nan"), True, "97"])
def test_bad_percentile_raises(bad):
    with pytest.raises(ValueError, match="percentile"):
        check_percentile(bad)
    with pytest.raises(ValueError, match="percentile"):
        estimate_transition(np.full((5, 2), 0.5), bad)


def test_bad_ptilde_raises():
    with pytest.raises(ValueError, match="n = 2 < c = 3"):
        estimate_transition(np.full((2, 3), 1 / 3))
    with pytest.raises(ValueError, match="shape"):
        estimate_transition(np.full(4, 0.25))
    with pytest.raises(ValueError, match="negative"):
        estimate_transition(np.array([[1.2, -0.2], [0.5, 0.5]]))
    with pytest.raises(ValueError, match="sum to 1.2"):
        estimate_transition(np.array([[0.6, 0.6], [0.5, 0.5]]))
    with pytest.raises(ValueError, match="NaN or infinite"):
        estimate_transition(np.array([[np.nan, 0.5], [0.5, 0.5]]))


def test_bad_population_arguments_raise():
    rng = np.random.default_rng(0)
    with pytest.raises(ValueError, match="anchor_mass"):
        anchor_mixture(4, rng, anchor_mass=0.3)
    with pytest.raises(ValueError, match="anchor_purity"):
        anchor_mixture(4, rng, anchor_purity=0.2)
    with pytest.raises(ValueError, match="max_mixed_purity"):
        anchor_mixture(4, rng, max_mixed_purity=1.0)
    with pytest.raises(ValueError, match="sample size"):
        sample_population(anchor_mixture(3, rng), 0, rng)
    with pytest.raises(ValueError, match=">= c"):
        anchor_error_curves(rng, uniform_noise(3, 0.1), {"p": anchor_mixture(3, rng)}, sizes=(2,), n_seeds=2)
