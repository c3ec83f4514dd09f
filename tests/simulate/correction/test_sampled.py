"""The backward estimator's moments (exact and Monte Carlo) and forward minimisers (Patrini et al. 2017)."""
import numpy as np
import pytest

from label_noise_lab.simulate.correction.backward_forward import backward_corrected, matrix_corrected
from label_noise_lab.simulate.correction.sampled import (
    backward_mc,
    backward_moments,
    corrected_table,
    forward_minimiser,
    mixed_target,
    random_population,
    uniform_family,
)
from label_noise_lab.simulate.engine.rng import generator
from label_noise_lab.simulate.losses import get_loss
from label_noise_lab.simulate.noise import TransitionMatrix, mnist_flips, random_transition, uniform_noise
from label_noise_lab.simulate.populations import FiniteDistribution


@pytest.fixture
def setup():
    rng = np.random.default_rng(0)
    dist, z = random_population(12, 4, rng, deterministic=False)
    T = random_transition(4, rng, diag=0.7)
    return dist, z, T


def _brute_moments(dist, z, base, T, Minv):
    """A plain loop over x, clean y and noisy j."""
    c = T.c
    m1 = m2 = clean = 0.0
    for x in range(dist.n_x):
        lv = [base.value(z[x : x + 1], np.array([k]), from_logits=True)[0] for k in range(c)]
        for y in range(c):
            w = dist.px[x] * dist.py_x[x, y]
            clean += w * lv[y]
            for j in range(c):
                v = sum(Minv[j, k] * lv[k] for k in range(c))
                m1 += w * T.matrix[y, j] * v
                m2 += w * T.matrix[y, j] * v * v
    return m1, m2 - m1**2, clean


@pytest.mark.parametrize("mix", [0.0, 0.2])
def test_backward_moments_against_a_plain_loop(setup, mix):
    dist, z, T = setup
    base = get_loss("cce")
    ex = backward_moments(dist, z, base, T, mix=mix)
    m1, var, clean = _brute_moments(dist, z, base, T, np.linalg.inv(T.mixed(mix).matrix if mix else T.matrix))
    assert ex.mean == pytest.approx(m1, rel=1e-10) and ex.variance == pytest.approx(var, rel=1e-9)
    assert ex.clean_mean == pytest.approx(clean, rel=1e-12)
    if mix == 0.0:
        assert abs(ex.bias) < 1e-12  # Thm 1
    else:
        assert abs(ex.bias) > 1e-3
    assert ex.mse(10) == pytest.approx(ex.bias**2 + ex.variance / 10)


def test_mixing_lowers_the_variance_and_adds_bias(setup):
    dist, z, T = setup
    base = get_loss("cce")
    v = [backward_moments(dist, z, base, T, mix=w) for w in (0.0, 0.1, 0.3)]
    assert v[0].variance > v[1].variance > v[2].variance
    assert abs(v[0].bias) < 1e-12 < abs(v[1].bias) < abs(v[2].bias)
    assert v[0].cond > v[1].cond > v[2].cond


def test_monte_carlo_agrees_with_exact_moments(setup, xp):
    dist, z, T = setup
    base = get_loss("cce")
    for mix, stream in ((0.0, 1), (0.3, 2)):
        ex = backward_moments(dist, z, base, T, mix=mix)
        mc = backward_mc(dist, z, base, T, 100_000, generator(xp, stream), xp, mix=mix, chunk=30_000)
        assert mc.n == 100_000
        assert mc.mean.agrees(ex.mean) and mc.clean.agrees(ex.clean_mean) and mc.difference.agrees(ex.bias)
        assert mc.variance.agrees(ex.variance) and mc.clean_variance.agrees(ex.clean_variance)


def test_monte_carlo_detects_a_biased_correction(setup):
    dist, z, T = setup
    base = get_loss("cce")
    ex = backward_moments(dist, z, base, T)
    plain = matrix_corrected(base, np.eye(4))  # no correction: the noisy risk
    mc = backward_mc(dist, z, base, T, 100_000, np.random.default_rng(3), corrected=plain)
    assert not mc.mean.agrees(ex.clean_mean)
    assert mc.mean.agrees(backward_moments(dist, z, base, T, corrected=plain).mean)


def test_matrix_corrected_with_T_inverse_is_backward(setup):
    _, z, T = setup
    base = get_loss("mse")
    y = np.arange(z.shape[0]) % 4
    a = matrix_corrected(base, T.inverse())
    b = backward_corrected(base, T)
    np.testing.assert_allclose(a.value(z, y, from_logits=True), b.value(z, y, from_logits=True), rtol=1e-12)
    np.testing.assert_allclose(a.grad(z, y), b.grad(z, y), atol=1e-12)
    with pytest.raises(ValueError, match="finite square"):
        matrix_corrected(base, np.ones((2, 3)))
    with pytest.raises(ValueError, match="M is 4 x 4"):
        a.value(z[:, :3], y % 3, from_logits=True)


def test_corrected_table_rows_are_corrected_losses(setup):
    _, z, T = setup
    back = backward_corrected(get_loss("cce"), T)
    V = corrected_table(z, back)
    L = corrected_table(z, get_loss("cce"))
    np.testing.assert_allclose(V, L @ T.inverse().T, rtol=1e-10)


def test_bad_input(setup):
    dist, z, T = setup
    base = get_loss("cce")
    near = uniform_noise(4, 0.75 - 1e-12)  # cond ~ 1e12
    with pytest.raises(ValueError, match="cond = "):
        backward_moments(dist, z, base, near)
    with pytest.raises(ValueError, match="cond = "):
        backward_mc(dist, z, base, near, 100, np.random.default_rng(0))
    assert np.isfinite(backward_moments(dist, z, base, near, mix=0.1).variance)  # asked for mixing: fine
    with pytest.raises(ValueError, match=r"logits must have shape \(12, 4\)"):
        backward_moments(dist, z[:, :3], base, T)
    with pytest.raises(ValueError, match="T is 3 x 3 but the population has c = 4"):
        backward_moments(dist, z, base, uniform_noise(3, 0.2))
    with pytest.raises(ValueError, match="n must be an integer >= 2"):
        backward_mc(dist, z, base, T, 1, np.random.default_rng(0))
    with pytest.raises(TypeError):
        backward_moments(dist, z, base, T.matrix)
    with pytest.raises(ValueError, match="NaN"):
        backward_moments(dist, np.full_like(z, np.nan), base, T)


def test_uniform_family():
    fam = uniform_family(5, [0.0, 0.5, 0.9])
    assert [round(t.cond, 6) for _, _, t in fam] == [1.0, 2.0, 10.0]


def test_mixed_target():
    T = mnist_flips(0.2)
    np.testing.assert_allclose(mixed_target(np.eye(10), T, 0.0), np.eye(10), atol=1e-12)
    r = mixed_target(np.eye(10), T, 0.1)
    np.testing.assert_allclose(r.sum(axis=1), 1.0)
    assert r[2, 1] < 0  # the 2 -> 7 -> 1 chain: the mixed target is not a distribution
    u = mixed_target(np.eye(4), uniform_noise(4, 0.3), 0.1)
    assert np.all(u >= 0) and np.all(np.argmax(u, axis=1) == np.arange(4))
    with pytest.raises(ValueError, match="3 classes but T is 10 x 10"):
        mixed_target(np.eye(3), T, 0.1)


@pytest.mark.parametrize("c", [3, 5])
def test_forward_minimisers(c):
    rng = np.random.default_rng(c)
    T = random_transition(c, rng, diag=0.7)
    p = rng.dirichlet(np.ones(c))
    pt = p @ T.matrix
    for name in ("cce", "mse"):
        ps, _ = forward_minimiser(pt, T, name)
        np.testing.assert_allclose(ps, p, atol=1e-6)
    ps, v = forward_minimiser(pt, T, "mae")
    k = int(np.argmax(T.matrix @ pt))
    np.testing.assert_allclose(ps, np.eye(c)[k], atol=1e-6)
    assert v == pytest.approx(2 - 2 * (T.matrix @ pt)[k], abs=1e-9)
    ps, _ = forward_minimiser(pt, T, "lq", q=0.5)
    assert np.abs(ps - p).sum() > 1e-3  # not proper


def test_forward_minimiser_bad_input():
    T = uniform_noise(3, 0.2)
    with pytest.raises(ValueError, match="pt must be a distribution"):
        forward_minimiser(np.array([0.5, 0.6, 0.1]), T, "cce")
    with pytest.raises(ValueError, match="name must be one of"):
        forward_minimiser(np.full(3, 1 / 3), T, "rce")
    with pytest.raises(TypeError):
        forward_minimiser(np.full(3, 1 / 3), np.eye(3), "cce")


def test_random_population():
    dist, z = random_population(30, 4, np.random.default_rng(1))
    assert isinstance(dist, FiniteDistribution) and z.shape == (30, 4)
    assert np.all(dist.py_x.max(axis=1) == 1)
    with pytest.raises(ValueError, match="n_x must be an integer >= 1"):
        random_population(0, 4, np.random.default_rng(1))
    assert isinstance(TransitionMatrix(np.eye(2)), TransitionMatrix)
