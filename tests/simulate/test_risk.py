"""Exact risks and their minimisers against plain loops and SciPy."""
import numpy as np
import pytest
from hypothesis import given, settings

from label_noise_lab.simulate.losses import get_loss
from label_noise_lab.simulate.noise import random_transition, uniform_noise
from label_noise_lab.simulate.populations import FiniteDistribution, random_distribution
from label_noise_lab.simulate.risk import (
    best_candidate,
    class_sums,
    clean_risk,
    fit_linear_softmax,
    label_weights,
    loss_table,
    noisy_risk,
    pointwise_minimiser,
    pointwise_risk,
    risk,
)
from tests.strategies import simplex_points

LOSSES = [("cce", {}), ("mae", {}), ("mse", {}), ("unhinged", {}), ("lq", {"q": 0.6}), ("lq", {"q": 1.0}),
          ("truncated_lq", {"q": 0.7, "k": 0.3}), ("rce", {"A": -4.0})]


def plain_risk(dist, f, loss, T=None):
    """One term at a time: sum_x P(x) sum_y P(y|x) sum_k T[y, k] L(f(x), e_k)."""
    n_x, c = f.shape
    Tm = np.eye(c) if T is None else np.asarray(T)
    total = 0.0
    for x in range(n_x):
        for y in range(c):
            for k in range(c):
                w = dist.px[x] * dist.py_x[x, y] * Tm[y, k]
                if w == 0:
                    continue
                total += w * float(loss.value(f[x:x + 1], np.array([k]))[0])
    return total


@pytest.mark.parametrize("name, kw", LOSSES)
@settings(max_examples=10)
@given(f=simplex_points(4, 3))
def test_risks_against_plain_loops(name, kw, f):
    rng = np.random.default_rng(3)
    dist = random_distribution(4, 3, rng)
    T = random_transition(3, rng)
    L = get_loss(name, **kw)
    assert clean_risk(dist, f, L) == pytest.approx(plain_risk(dist, f, L), rel=1e-12, abs=1e-12)
    assert noisy_risk(dist, f, L, T) == pytest.approx(plain_risk(dist, f, L, T.matrix), rel=1e-12, abs=1e-12)
    tab = loss_table(f, L)
    for x in range(4):
        for k in range(3):
            assert tab[x, k] == pytest.approx(float(L.value(f[x:x + 1], np.array([k]))[0]))


def test_batches_and_namespaces(xp):
    rng = np.random.default_rng(0)
    dist = random_distribution(5, 4, rng)
    F = rng.dirichlet(np.ones(4), size=(7, 5))
    L = get_loss("lq", q=0.5)
    batch = risk(dist, xp.asarray(F), L, uniform_noise(4, 0.3))
    assert batch.shape == (7,)
    for i in range(7):
        assert float(batch[i]) == pytest.approx(noisy_risk(dist, F[i], L, uniform_noise(4, 0.3)), rel=1e-12)
    assert class_sums(F, get_loss("mae")) == pytest.approx(np.full((7, 5), 6.0))


def test_zero_weight_times_infinite_loss_is_zero():
    dist = FiniteDistribution(np.array([1.0]), np.array([[1.0, 0.0]]))
    f = np.array([[1.0, 0.0]])  # CCE is infinite for label 1, which has probability 0
    assert clean_risk(dist, f, get_loss("cce")) == 0.0
    assert noisy_risk(dist, f, get_loss("cce"), uniform_noise(2, 0.1)) == np.inf
    assert pointwise_risk(np.array([[0.0, 1.0]]), f, get_loss("mae")) == pytest.approx([2.0])


def test_label_weights_and_bad_input():
    rng = np.random.default_rng(1)
    dist = random_distribution(3, 3, rng)
    T = random_transition(3, rng)
    np.testing.assert_allclose(label_weights(dist, T), dist.py_x @ T.matrix)
    np.testing.assert_allclose(label_weights(dist, T.matrix), dist.py_x @ T.matrix)
    with pytest.raises(ValueError, match="shape"):
        clean_risk(dist, np.ones((2, 3)) / 3, get_loss("mae"))
    with pytest.raises(ValueError, match="classes"):
        noisy_risk(dist, np.ones((3, 3)) / 3, get_loss("mae"), uniform_noise(2, 0.1))
    with pytest.raises(ValueError, match="sums to"):
        noisy_risk(dist, np.ones((3, 3)) / 3, get_loss("mae"), np.full((3, 3), 0.5))
    with pytest.raises(TypeError, match="loss must be"):
        clean_risk(dist, np.ones((3, 3)) / 3, "mae")


@pytest.mark.slow
@pytest.mark.parametrize("name, kw", [("cce", {}), ("mse", {}), ("lq", {"q": 0.3}), ("lq", {"q": 0.8}),
                                      ("lq", {"q": 1.0}), ("mae", {}), ("unhinged", {}), ("rce", {"A": -2.0})])
def test_closed_form_minimisers_against_scipy(name, kw):
    rng = np.random.default_rng(2)
    W = rng.dirichlet(np.ones(4), size=2)
    L = get_loss(name, **kw)
    closed = pointwise_minimiser(W, name, **kw)
    num = pointwise_minimiser(W, name, method="numeric", rng=rng, **kw)
    np.testing.assert_allclose(closed.sum(axis=1), 1.0)
    r_closed = pointwise_risk(W, closed, L)
    r_num = pointwise_risk(W, num, L)
    assert np.all(r_closed <= r_num + 1e-7)  # the closed form is at least as good as SciPy's best
    np.testing.assert_allclose(r_closed, r_num, atol=1e-6)
    # and no random point beats it
    for _ in range(200):
        g = rng.dirichlet(np.ones(4), size=2)
        assert np.all(r_closed <= pointwise_risk(W, g, L) + 1e-12)


def test_lq_minimiser_formula_and_vertex_cases():
    w = np.array([[0.5, 0.3, 0.2]])
    f = pointwise_minimiser(w, "lq", q=0.5)  # r = 2
    np.testing.assert_allclose(f, w**2 / (w**2).sum())
    np.testing.assert_allclose(pointwise_minimiser(w, "mae"), [[1.0, 0.0, 0.0]])
    np.testing.assert_allclose(pointwise_minimiser(np.array([0.0, 1.0]), "lq", q=0.9), [[0.0, 1.0]])
    np.testing.assert_allclose(pointwise_minimiser(w, "cce"), w)


@pytest.mark.slow
def test_numeric_minimiser_for_truncated_loss():
    w = np.array([[0.45, 0.35, 0.2]])
    L = get_loss("truncated_lq", q=0.7, k=0.3)
    f = pointwise_minimiser(w, "truncated_lq", q=0.7, k=0.3)
    grid = [np.array([[a, b, max(0.0, 1 - a - b)]]) for a in np.linspace(0, 1, 41) for b in np.linspace(0, 1, 41)
            if a + b <= 1 + 1e-12]
    grid = [g / g.sum() for g in grid]
    best = min(float(pointwise_risk(w, g, L)[0]) for g in grid)
    assert float(pointwise_risk(w, f, L)[0]) <= best + 1e-9


def test_minimiser_bad_input():
    with pytest.raises(ValueError, match="method"):
        pointwise_minimiser(np.array([0.5, 0.5]), "mae", method="exact")
    with pytest.raises(ValueError, match="non-negative"):
        pointwise_minimiser(np.array([-0.5, 1.5]), "mae")
    with pytest.raises(ValueError, match="q must lie"):
        pointwise_minimiser(np.array([0.5, 0.5]), "lq", q=0.0)
    with pytest.raises(ValueError, match="unknown loss"):
        pointwise_minimiser(np.array([0.5, 0.5]), "hinge")
    with pytest.raises(ValueError, match="positive entry"):
        pointwise_minimiser(np.array([0.0, 0.0]), "cce")


def test_best_candidate_against_loop():
    rng = np.random.default_rng(4)
    dist = random_distribution(3, 3, rng)
    F = rng.dirichlet(np.ones(3), size=(20, 3))
    L = get_loss("mae")
    T = uniform_noise(3, 0.2)
    res = best_candidate(dist, F, L, T)
    loop = [plain_risk(dist, F[i], L, T.matrix) for i in range(20)]
    assert res.index == int(np.argmin(loop)) and res.value == pytest.approx(min(loop))
    with pytest.raises(ValueError, match="shape"):
        best_candidate(dist, F[0], L)


@pytest.mark.slow
def test_fit_linear_softmax():
    rng = np.random.default_rng(5)
    dist = random_distribution(6, 3, rng)
    X = np.c_[np.ones(6), rng.normal(size=(6, 2))]
    L = get_loss("cce")
    fit = fit_linear_softmax(dist, X, L, rng=rng)
    assert fit.f.shape == (6, 3) and fit.success
    # a convex problem: no random parameter does better, and one-hot features reach the pointwise optimum
    for _ in range(50):
        W = rng.normal(scale=2.0, size=(3, 3))
        Z = X @ W
        P = np.exp(Z - Z.max(1, keepdims=True))
        P /= P.sum(1, keepdims=True)
        assert fit.risk <= clean_risk(dist, P, L) + 1e-9
    full = fit_linear_softmax(dist, np.eye(6), L, T=uniform_noise(3, 0.2))
    opt = noisy_risk(dist, pointwise_minimiser(label_weights(dist, uniform_noise(3, 0.2)), "cce"), L,
                     uniform_noise(3, 0.2))
    assert full.risk == pytest.approx(opt, abs=1e-6)
    with pytest.raises(TypeError, match="needs a label_noise_lab.simulate.losses.Loss"):
        fit_linear_softmax(dist, X, lambda a, b: a)
    with pytest.raises(ValueError, match="features must have shape"):
        fit_linear_softmax(dist, X[:3], L)
