"""label_noise_lab.simulate.embedding.risk: exact risks against plain loops, Monte Carlo against exact (z = 5),
the pair-noise formulas against Monte Carlo, and bad input."""
import itertools

import numpy as np
import pytest

from label_noise_lab.simulate.embedding.risk import (
    exact_pair_risks,
    exact_triplet_risk,
    mc_pair_noise,
    mc_pair_risk,
    mc_triplet_risk,
    random_class_embeddings,
    same_probability,
)
from label_noise_lab.simulate.noise import pair_flip, uniform_noise

Z = 5.0


def _small(seed=0, c=3, per=3):
    return random_class_embeddings(per, c, 4, np.random.default_rng(seed), 1.0)


def _eps(c, eta):
    return eta * (2 * (c - 1) - c * eta) / (c - 1)


@pytest.mark.parametrize("sampling", ["balanced", "natural"])
def test_exact_pair_risks_match_a_plain_loop(sampling):
    E, y = _small()
    T = pair_flip(3, 0.3)  # not uniform: the exact path takes any T
    alpha, beta = 0.4, 1.1
    M = T.matrix
    n = len(y)
    pos = neg = wpos = wneg = nat = 0.0
    for i, j in itertools.product(range(n), range(n)):
        d = np.linalg.norm(E[i] - E[j])
        lp, ln = max(alpha + d - beta, 0), max(alpha - d + beta, 0)
        q = sum(M[y[i], k] * M[y[j], k] for k in range(3))
        pos += q * lp
        wpos += q
        neg += (1 - q) * ln
        wneg += 1 - q
        nat += q * lp + (1 - q) * ln
    want = 0.5 * (pos / wpos + neg / wneg) if sampling == "balanced" else nat / n**2
    assert exact_pair_risks(E, y, T, alpha=alpha, beta=beta, sampling=sampling).noisy == pytest.approx(want, rel=1e-12)


def test_exact_triplet_risk_matches_a_plain_loop():
    E, y = _small(per=2)
    T = uniform_noise(3, 0.4)
    M = T.matrix
    n = len(y)
    q = np.array([[M[y[i], k] for k in range(3)] for i in range(n)])
    q /= q.sum(axis=0)
    D = np.linalg.norm(E[:, None] - E[None], axis=2)
    for pattern in (None, [(0, 1)], [(2, 0), (2, 1), (2, 1)]):
        pat = [(k, j) for k in range(3) for j in range(3) if k != j] if pattern is None else pattern
        want = np.mean([sum(q[a, k] * q[p, k] * q[m, j] * max(D[a, p] - D[a, m] + 0.7, 0)
                            for a in range(n) for p in range(n) for m in range(n)) for k, j in pat])
        assert exact_triplet_risk(E, y, T, alpha=0.7, pattern=pattern) == pytest.approx(want, rel=1e-12)


@pytest.mark.slow
@pytest.mark.parametrize("sampling", ["balanced", "natural"])
def test_mc_pair_risk_agrees_with_exact(sampling):
    E, y = _small(1, c=4, per=5)
    T = uniform_noise(4, 0.3)
    ex = exact_pair_risks(E, y, T, alpha=0.3, beta=1.0, sampling=sampling).noisy
    est = mc_pair_risk(E, y, T, alpha=0.3, beta=1.0, sampling=sampling, n_draws=200_000,
                       rng=np.random.default_rng(2), chunk=50_000)
    assert est.agrees(ex, Z), (est, ex)
    # power: a 2% shift of the target is rejected
    assert not est.agrees(ex * 1.02, Z)


@pytest.mark.parametrize("pattern", [None, [(0, 1)]])
def test_mc_triplet_risk_agrees_with_exact(pattern):
    E, y = _small(3, c=4, per=5)
    T = uniform_noise(4, 0.5)
    ex = exact_triplet_risk(E, y, T, alpha=0.5, pattern=pattern)
    est = mc_triplet_risk(E, y, T, alpha=0.5, n_draws=200_000, rng=np.random.default_rng(4), pattern=pattern)
    assert est.agrees(ex, Z), (est, ex)


@pytest.mark.slow
@pytest.mark.parametrize("c,eta", [(2, 0.3), (4, 0.2), (4, 0.9), (10, 0.45)])
def test_pair_noise_formula_against_monte_carlo(c, eta):
    est = mc_pair_noise(c, eta, 400_000, np.random.default_rng(c))
    e = _eps(c, eta)
    assert est.eps_pos.agrees(e, Z) and est.eps_neg.agrees(e / (c - 1), Z)
    signal = 1 - est.eps_pos.mean - est.eps_neg.mean
    assert abs(signal - (1 - c * eta / (c - 1)) ** 2) <= Z * np.hypot(est.eps_pos.stderr, est.eps_neg.stderr)
    assert not est.eps_pos.agrees(eta, Z) or abs(e - eta) < 1e-3  # the naive rate is rejected


def test_symmetric_margin_relation_on_random_embeddings():
    E, y = _small(5, c=4, per=6)
    for eta in (0.2, 0.6, 0.9):
        s = (1 - 4 * eta / 3) ** 2
        r = exact_pair_risks(E, y, uniform_noise(4, eta), alpha=1.0, beta=1.0)
        assert r.noisy == pytest.approx(s * r.clean + 1 - s, abs=1e-12)
        assert r.pos + r.pos_flipped == pytest.approx(2.0) and r.neg + r.neg_flipped == pytest.approx(2.0)
    r = exact_pair_risks(E, y, uniform_noise(4, 0.5), alpha=0.2, beta=1.0)  # not symmetric: the relation fails
    s = (1 - 4 * 0.5 / 3) ** 2
    assert abs(r.noisy - (s * r.clean + 0.2 * (1 - s))) > 1e-3


def test_same_probability_is_t_t_transpose():
    y = np.array([0, 1, 2, 1])
    T = uniform_noise(3, 0.3)
    Q = same_probability(y, T)
    M = T.matrix @ T.matrix.T
    assert Q.shape == (4, 4) and Q[1, 3] == pytest.approx(M[1, 1]) and Q[0, 2] == pytest.approx(M[0, 2])


def test_bad_input():
    E, y = _small()
    T = uniform_noise(3, 0.2)
    with pytest.raises(ValueError, match="alpha"):
        exact_pair_risks(E, y, T, alpha=0.0, beta=1.0)
    with pytest.raises(ValueError, match="alpha"):
        exact_triplet_risk(E, y, T, alpha=-1.0)
    bad = E.copy()
    bad[0, 0] = np.nan
    with pytest.raises(ValueError, match="NaN"):
        exact_pair_risks(bad, y, T, alpha=0.2, beta=1.0)
    with pytest.raises(ValueError, match="single class"):
        exact_pair_risks(E, np.zeros_like(y), T, alpha=0.2, beta=1.0)
    with pytest.raises(ValueError, match="sampling"):
        exact_pair_risks(E, y, T, alpha=0.2, beta=1.0, sampling="hard")
    with pytest.raises(ValueError, match="distinct classes"):
        exact_triplet_risk(E, y, T, alpha=0.2, pattern=[(1, 1)])
    with pytest.raises(ValueError, match="labels"):
        exact_pair_risks(E, y + 5, T, alpha=0.2, beta=1.0)
    with pytest.raises(ValueError, match="strength"):
        random_class_embeddings(3, 3, 4, np.random.default_rng(0), -1.0)
