"""DMI from samples (003, L_DMI summary): known determinants and MIs, the delta method against exact
variances, the exact bias of det, the mini-batch L_DMI, Eq. 32 on samples, bad input, and CuPy variants."""
import itertools
import math
import warnings
from fractions import Fraction

import numpy as np
import pytest
from scipy.special import gammaln

from label_noise_lab.simulate.dmi import estimators as sd
from label_noise_lab.simulate.dmi import populations as dp
from label_noise_lab.simulate.engine.namespace import to_host
from label_noise_lab.simulate.engine.rng import generator
from label_noise_lab.simulate.noise import (
    TransitionMatrix,
    as_transition,
    average_transition,
    boundary_noise,
    pair_flip,
    uniform_noise,
)
from label_noise_lab.simulate.populations import FiniteDistribution
from label_noise_lab.theory import dmi as td


def _gen(xp, seed):
    return generator(xp, seed)


# ---------------------------------------------------------------- population quantities
def test_dmi_on_tables_with_known_determinant():
    c = 4
    D = np.diag([0.1, 0.2, 0.3, 0.4])
    assert sd.dmi(D) == pytest.approx(0.1 * 0.2 * 0.3 * 0.4, rel=1e-12)
    P = D[[2, 0, 3, 1]]  # a relabelling changes the sign of det, not DMI
    assert sd.dmi(P) == pytest.approx(sd.dmi(D), rel=1e-12)
    assert sd.dmi(np.full((c, c), 1 / c**2)) == 0.0
    # Q T for a stochastic T: det multiplies
    T = uniform_noise(c, 0.3)
    assert sd.dmi(D @ T.matrix) == pytest.approx(sd.dmi(D) * abs(T.det), rel=1e-10)


def test_log_dmi_does_not_underflow():
    c = 200
    Q = np.eye(c) / c  # det = c^-c = 1e-460: underflows in float64
    assert sd.dmi(Q) == 0.0
    assert sd.log_dmi(Q) == pytest.approx(-c * math.log(c), rel=1e-12)
    assert sd.ldmi(Q) == pytest.approx(c * math.log(c), rel=1e-12)


def test_ldmi_of_a_singular_table_warns_and_is_inf():
    with pytest.warns(RuntimeWarning, match="det Q = 0"):
        assert sd.ldmi(np.full((3, 3), 1 / 9)) == math.inf
    assert sd.log_dmi(np.full((3, 3), 1 / 9)) == -math.inf


def test_mutual_information_on_known_cases():
    assert sd.mutual_information(np.eye(3) / 3) == pytest.approx(math.log(3))
    assert sd.mutual_information(np.outer([0.2, 0.8], [0.5, 0.3, 0.2])) == pytest.approx(0.0, abs=1e-15)
    # a binary symmetric channel with uniform input: log 2 - H(eps)
    eps = 0.1
    Q = np.array([[1 - eps, eps], [eps, 1 - eps]]) / 2
    H = -(eps * math.log(eps) + (1 - eps) * math.log(1 - eps))
    assert sd.mutual_information(Q) == pytest.approx(math.log(2) - H, rel=1e-12)


def test_agrees_with_theory_on_rational_tables():
    ex = td.mi_reversal_example()
    for key in ("Q_h", "Q_h2"):
        Q = np.array(ex[key].tolist(), dtype=float)
        assert sd.dmi(Q) == pytest.approx(float(td.dmi(ex[key])), rel=1e-12)
        assert sd.mutual_information(Q) == pytest.approx(float(td.mutual_information(ex[key])), rel=1e-12)


@pytest.mark.parametrize("Q, match", [
    (np.array([[0.5, 0.6], [0.0, -0.1]]), "negative entry Q\\[1, 1\\] = -0.1"),
    (np.array([[0.5, 0.2], [0.1, 0.1]]), "sums to 0.9"),
    (np.array([[0.5, np.nan], [0.0, 0.5]]), "non-finite entry Q\\[0, 1\\]"),
    (np.full((2, 3), 1 / 6), "square"),
    (np.ones(4) / 4, "2-d"),
])
def test_bad_joint_tables(Q, match):
    with pytest.raises(ValueError, match=match):
        sd.dmi(Q)


def test_bad_transitions():
    with pytest.raises(ValueError, match="square"):
        as_transition(np.ones((2, 3)) / 3)
    with pytest.raises(ValueError, match="row 1 sums to 1.2"):
        as_transition([[1.0, 0.0], [0.6, 0.6]])
    with pytest.raises(ValueError, match="non-finite"):
        as_transition([[1.0, 0.0], [np.nan, 1.0]])


# ---------------------------------------------------------------- the estimator's mean and variance, exactly
def _all_tables(q, n):
    """Every outcome of n draws from the 4 cells of a 2x2 table, with its multinomial probability."""
    a = np.arange(n + 1)
    n0, n1, n2 = np.meshgrid(a, a, a, indexing="ij")
    n3 = n - n0 - n1 - n2
    ok = n3 >= 0
    N = np.stack([n0[ok], n1[ok], n2[ok], n3[ok]], axis=1)
    p = np.exp(gammaln(n + 1) - gammaln(N + 1).sum(axis=1) + (N * np.log(q)).sum(axis=1))
    return N, p


@pytest.mark.parametrize("n", [2, 5, 40])
def test_det_bias_factor_is_exact(n):
    q = np.array([0.4, 0.1, 0.15, 0.35])
    N, p = _all_tables(q, n)
    det = (N[:, 0] * N[:, 3] - N[:, 1] * N[:, 2]) / n**2
    assert (p * det).sum() == pytest.approx(sd.det_bias_factor(n, 2) * np.linalg.det(q.reshape(2, 2)), rel=1e-9)
    assert sd.det_bias_factor(n, 2) == pytest.approx(1 - 1 / n)


def test_det_bias_factor_for_soft_outputs_by_monte_carlo():
    # randomized classifier, c = 3, n = 4: E[det Q_hat] = (4 * 3 * 2 / 4^3) det Q
    rng = np.random.default_rng(0)
    H = rng.dirichlet(np.ones(3), size=5)
    px = np.full(5, 0.2)
    py = rng.dirichlet(np.ones(3) * 2, size=5)
    Q = (px[:, None] * H).T @ py
    reps, n = 200_000, 4
    x = rng.choice(5, size=(reps, n))
    y = (rng.random((reps, n))[..., None] > np.cumsum(py, axis=1)[x][..., :-1]).sum(-1)
    Qs = np.einsum("rna,rnk->rak", H[x], np.eye(3)[y]) / n
    dets = np.linalg.det(Qs)
    f = sd.det_bias_factor(n, 3)
    assert f == pytest.approx(24 / 64)
    assert abs(dets.mean() - f * np.linalg.det(Q)) <= 5 * dets.std() / math.sqrt(reps)
    assert sd.det_bias_factor(2, 3) == 0.0


def test_delta_method_stderr_matches_the_exact_variance():
    """The delta-method variance Var(psi)/n against the exact variance of det(Q_hat)/f over all outcomes."""
    q = np.array([0.4, 0.1, 0.15, 0.35])
    Q = q.reshape(2, 2)
    n = 120
    N, p = _all_tables(q, n)
    f = sd.det_bias_factor(n, 2)
    det = (N[:, 0] * N[:, 3] - N[:, 1] * N[:, 2]) / n**2 / f
    exact_var = (p * det**2).sum() - (p * det).sum() ** 2
    G = sd.cofactors(Q)
    delta_var = ((Q * G**2).sum() - (Q * G).sum() ** 2) / n
    assert delta_var / exact_var == pytest.approx(1.0, abs=0.03)
    # and the estimator's own stderr (G from the sample) on a large sample is the population one
    rng = np.random.default_rng(1)
    m = 200_000
    cells = np.searchsorted(np.cumsum(q), rng.random(m), side="right")
    est = sd.estimate_dmi(cells // 2, cells % 2, 2)
    assert est.det.stderr == pytest.approx(math.sqrt(delta_var * n / m), rel=0.02)
    assert abs(est.det.mean - np.linalg.det(Q)) <= 5 * est.det.stderr


@pytest.mark.slow
def test_mi_delta_stderr_matches_the_exact_variance():
    q = np.array([0.4, 0.1, 0.15, 0.35])
    Q = q.reshape(2, 2)
    n = 150
    N, p = _all_tables(q, n)
    P = N / n
    r = np.stack([P[:, 0] + P[:, 1], P[:, 2] + P[:, 3]], axis=1)
    s = np.stack([P[:, 0] + P[:, 2], P[:, 1] + P[:, 3]], axis=1)
    outer = np.stack([r[:, 0] * s[:, 0], r[:, 0] * s[:, 1], r[:, 1] * s[:, 0], r[:, 1] * s[:, 1]], axis=1)
    with np.errstate(divide="ignore", invalid="ignore"):
        mi = np.where(P > 0, P * np.log(P / outer), 0.0).sum(axis=1)
    exact_var = (p * mi**2).sum() - (p * mi).sum() ** 2
    L = np.log(Q / np.outer(Q.sum(1), Q.sum(0)))
    delta_var = ((Q * L**2).sum() - (Q * L).sum() ** 2) / n
    assert delta_var / exact_var == pytest.approx(1.0, abs=0.05)
    rng = np.random.default_rng(13)
    cells = np.searchsorted(np.cumsum(q), rng.random(100_000), side="right")
    est = sd.estimate_mi(cells // 2, cells % 2, 2)
    assert est.stderr == pytest.approx(math.sqrt(delta_var * n / 100_000), rel=0.03)


def test_cofactors_for_large_c_and_singular_tables():
    rng = np.random.default_rng(14)
    Q = rng.dirichlet(np.ones(64)).reshape(8, 8)
    G = sd.cofactors(Q)
    minor = np.linalg.det(np.delete(np.delete(Q, 2, 0), 5, 1))
    assert G[2, 5] == pytest.approx((-1) ** 7 * minor, rel=1e-8)
    S = np.full((3, 3), 1 / 9)  # singular: cofactors of a rank-1 table are 0, not NaN
    np.testing.assert_allclose(sd.cofactors(S), 0.0, atol=1e-18)


def test_mi_delta_stderr_matches_replicates():
    rng = np.random.default_rng(2)
    Q = np.array([[0.3, 0.05, 0.05], [0.05, 0.2, 0.05], [0.05, 0.05, 0.2]])
    cdf = np.cumsum(Q.ravel())
    n, reps = 2000, 1500
    cells = np.searchsorted(cdf, rng.random((reps, n)), side="right")
    mis = [sd.mutual_information(np.bincount(r, minlength=9).reshape(3, 3) / n) for r in cells]
    est = sd.estimate_mi(cells[0] // 3, cells[0] % 3, 3)
    assert est.stderr == pytest.approx(np.std(mis, ddof=1), rel=0.12)
    assert abs(np.mean(mis) - sd.mutual_information(Q)) < 0.01  # plug-in bias ~ (c-1)^2 / 2n


# ---------------------------------------------------------------- joint tables and Eq. 32 on samples
def test_joint_table_counts_and_outer_products(xp):
    rng = np.random.default_rng(3)
    pred = rng.integers(0, 3, 500)
    lab = rng.integers(0, 3, 500)
    Q = sd.joint_table(xp.asarray(pred), xp.asarray(lab), 3)
    loop = np.zeros((3, 3))
    for a, k in zip(pred, lab):
        loop[a, k] += 1 / 500
    np.testing.assert_allclose(Q, loop, atol=1e-15)
    soft = rng.dirichlet(np.ones(3), size=500)
    Qs = sd.joint_table(xp.asarray(soft), xp.asarray(lab), 3)
    np.testing.assert_allclose(Qs, sum(np.outer(h, np.eye(3)[k]) for h, k in zip(soft, lab)) / 500, atol=1e-14)
    np.testing.assert_allclose(sd.joint_table(xp.asarray(np.eye(3)[pred]), xp.asarray(lab), 3), loop, atol=1e-15)


def test_estimators_refuse_bad_input():
    with pytest.raises(ValueError, match="n = 2 samples < c = 3"):
        sd.estimate_dmi(np.array([0, 1]), np.array([1, 2]), 3)
    with pytest.raises(ValueError, match="labels must lie in \\[0, 2\\]"):
        sd.joint_table(np.array([0, 1, 2]), np.array([0, 1, 3]), 3)
    with pytest.raises(ValueError, match="row 1 is not a point of the simplex"):
        sd.joint_table(np.array([[0.5, 0.5], [0.7, 0.7]]), np.array([0, 1]), 2)
    with pytest.raises(ValueError, match="NaN"):
        sd.joint_table(np.array([[0.5, 0.5], [np.nan, 0.5]]), np.array([0, 1]), 2)
    with pytest.raises(ValueError, match="as many outputs as labels"):
        sd.joint_table(np.array([0, 1, 1]), np.array([0, 1]), 2)
    with pytest.raises(ValueError, match="c must be an integer >= 2"):
        sd.joint_table(np.array([0]), np.array([0]), 1)


def test_sample_counts_match_the_population(xp):
    dist, _ = dp.line_population(11, 3, 2.0)
    T = pair_flip(3, 0.3)
    n = 400_000
    N = dp.sample_counts(dist, n, _gen(xp, 4), xp, T=T)
    expected = dist.px[:, None, None] * dist.py_x[:, :, None] * T.matrix[None]
    assert N.sum() == n and N.shape == (11, 3, 3)
    se = np.sqrt(expected * (1 - expected) / n)
    assert np.all(np.abs(N / n - expected) <= 5 * se + 1e-12)


def test_eq32_holds_for_a_fixed_classifier_and_fails_for_x_dependent_noise(xp):
    dist, _ = dp.line_population(21, 3, 2.5)
    H = np.eye(3)[dist.py_x.argmax(axis=1)]
    T = pair_flip(3, 0.3)
    g = dp.eq32_from_counts(dp.sample_counts(dist, 300_000, _gen(xp, 5), xp, T=T), H, T)
    assert g.z < 5 and abs(g.ratio - 1) < 0.05
    Tx, lam = boundary_noise(dist, T)
    np.testing.assert_allclose(average_transition(dist, Tx), T.matrix, atol=1e-12)
    Qc, Qn = dp.exact_tables(dist, H, Tx=Tx)
    assert sd.dmi(Qn) > sd.dmi(Qc) * abs(T.det) * 1.1
    gx = dp.eq32_from_counts(dp.sample_counts(dist, 300_000, _gen(xp, 6), xp, Tx=Tx), H, T)
    assert gx.z > 5 and gx.gap.mean > 0


def test_eq32_gap_on_samples_equals_the_count_version():
    rng = np.random.default_rng(7)
    dist, _ = dp.line_population(15, 3, 2.5)
    H = rng.dirichlet(np.ones(3), size=15)
    T = uniform_noise(3, 0.2)
    n = 5000
    x = np.searchsorted(np.cumsum(dist.px), rng.random(n), side="right").clip(max=14)
    y = (rng.random(n)[:, None] >= np.cumsum(dist.py_x, axis=1)[x][:, :-1]).sum(1)
    nz = (rng.random(n)[:, None] >= np.cumsum(T.matrix, axis=1)[y][:, :-1]).sum(1)
    N = np.zeros((15, 3, 3))
    np.add.at(N, (x, y, nz), 1)
    a, b = sd.eq32_gap(H[x], y, nz, T, 3), dp.eq32_from_counts(N, H, T)
    assert a.gap.mean == pytest.approx(b.gap.mean, rel=1e-9, abs=1e-15)
    assert a.gap.stderr == pytest.approx(b.gap.stderr, rel=1e-9)
    assert a.noisy.det.mean == pytest.approx(b.noisy.det.mean, rel=1e-9)


def test_boundary_noise_keeps_the_average_and_strength_zero_is_class_only():
    dist, _ = dp.line_population(31, 2, 3.0)
    T = TransitionMatrix([[0.9, 0.1], [0.3, 0.7]])
    Tx, lam = boundary_noise(dist, T, 1.0)
    assert 0 < lam <= 1
    assert np.all(Tx >= 0) and np.allclose(Tx.sum(axis=2), 1)
    np.testing.assert_allclose(average_transition(dist, Tx), T.matrix, atol=1e-12)
    T0, lam0 = boundary_noise(dist, T, 0.0)
    assert lam0 == 0 and np.allclose(T0, T.matrix)
    with pytest.raises(ValueError, match="strength"):
        boundary_noise(dist, T, 1.5)


# ---------------------------------------------------------------- the mini-batch L_DMI
def test_minibatch_ldmi_value_and_errors():
    rng = np.random.default_rng(8)
    out = rng.dirichlet(np.ones(3), size=30)
    lab = np.arange(30) % 3
    assert sd.minibatch_ldmi(out, lab, 3) == pytest.approx(-math.log(abs(np.linalg.det(sd.joint_table(out, lab, 3)))))
    with pytest.raises(ValueError, match="batch size 2 < c = 3"):
        sd.minibatch_ldmi(out[:2], lab[:2], 3)
    with pytest.raises(ValueError, match="label class 2 is absent from the batch of size 4"):
        sd.minibatch_ldmi(out[:4], np.array([0, 1, 1, 0]), 3)
    with pytest.raises(ValueError, match="class 1 is never predicted"):
        sd.minibatch_ldmi(np.array([0, 0, 2, 2]), np.array([0, 1, 2, 0]), 3)


def _p_absent(pi, B):
    c = len(pi)
    return sum((-1) ** (len(S) + 1) * (1 - sum(pi[list(S)])) ** B
               for k in range(1, c + 1) for S in itertools.combinations(range(c), k))


def test_batch_bias_against_exact_values(xp):
    dist, _ = dp.line_population(21, 3, 2.5)
    T = pair_flip(3, 0.3)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        rows = dp.ldmi_batch_bias(dist, dist.py_x, T, [2, 3, 6, 32], 4000, _gen(xp, 9), xp)
    assert any("batch size 2 < c = 3" in str(w.message) for w in caught)
    first = rows[0].as_dict()
    assert first["mc_det_ratio"]["mean"] == 0.0 and first["p_det_zero"]["mean"] == 1.0
    assert first["ldmi_bias_given_det_nonzero"] is None
    assert not any(isinstance(v, float) and math.isnan(v) for v in first.values())
    pi = (dist.px[:, None] * dist.py_x).sum(axis=0) @ T.matrix  # noisy label marginal
    for r in rows[1:]:
        assert r.det_ratio.agrees(r.factor, 5)
    for r in rows[1:3]:  # an absent class is still common at B = 3, 6 (rare at 32: P = 7e-6)
        assert r.absent.agrees(_p_absent(pi, r.batch_size), 5)
    # the conditional L_DMI bias shrinks with B
    assert abs(rows[-1].ldmi_bias.mean) < abs(rows[2].ldmi_bias.mean)


def test_ldmi_gradient_by_finite_differences(xp):
    rng = np.random.default_rng(10)
    z = rng.normal(size=(12, 3))
    lab = np.arange(12) % 3
    L, g = sd.ldmi_loss_and_grad(xp.asarray(z), xp.asarray(lab))
    g = np.asarray(to_host(g))
    assert float(to_host(L)) == pytest.approx(sd.minibatch_ldmi(np.exp(z) / np.exp(z).sum(1, keepdims=True), lab, 3))
    eps = 1e-6
    for i, k in [(0, 0), (5, 2), (11, 1)]:
        zp, zm = z.copy(), z.copy()
        zp[i, k] += eps
        zm[i, k] -= eps
        fd = (float(to_host(sd.ldmi_loss_and_grad(xp.asarray(zp), xp.asarray(lab))[0]))
              - float(to_host(sd.ldmi_loss_and_grad(xp.asarray(zm), xp.asarray(lab))[0]))) / (2 * eps)
        assert g[i, k] == pytest.approx(fd, rel=1e-5, abs=1e-8)
    with pytest.raises(ValueError, match="singular"):
        sd.ldmi_loss_and_grad(xp.asarray(z), xp.asarray(np.zeros(12, dtype=int)))


# ---------------------------------------------------------------- finite hypothesis classes and figure data
def test_ldmi_over_hypotheses_matches_the_exact_enumeration():
    px = np.array([0.25, 0.25, 0.5])
    dist = FiniteDistribution(px, np.array([[1.0, 0.0], [0.0, 1.0], [0.0, 1.0]]))
    hyps = dp.deterministic_hypotheses(3, 2)
    assert hyps.shape == (8, 3, 2)
    T = TransitionMatrix([[0.75, 0.25], [1 / 3, 2 / 3]])
    clean, noisy = dp.ldmi_over_hypotheses(dist, hyps, T)
    F = Fraction
    ex = td.ldmi_minimisers([F(1, 4), F(1, 4), F(1, 2)], [[1, 0], [0, 1], [0, 1]], hyps.astype(int).tolist(),
                            [[F(3, 4), F(1, 4)], [F(1, 3), F(2, 3)]])
    assert list(np.flatnonzero(clean == clean.min())) == ex.clean_argmin
    np.testing.assert_allclose(noisy[np.isfinite(clean)] - clean[np.isfinite(clean)], -math.log(5 / 12), atol=1e-12)
    # classifiers constant on all inputs are singular: +inf, not NaN
    assert clean[0] == math.inf and clean[-1] == math.inf
    _, sing = dp.ldmi_over_hypotheses(dist, hyps, [[0.5, 0.5], [0.5, 0.5]])
    assert np.all(sing == math.inf)


def test_dmi_vs_noise_figure_data():
    Q = dp.classifier_table(3)
    d = dp.dmi_vs_noise(Q, [0.0, 0.2, 0.5], n_samples=200_000, rng=np.random.default_rng(12))
    np.testing.assert_allclose(d["dmi_noisy"], d["predicted"], rtol=1e-10)
    assert d["det_T"][0] == pytest.approx(1.0) and d["dmi_noisy"][0] == pytest.approx(d["dmi_clean"])
    assert np.all(np.abs(d["dmi_noisy_mc"] - d["dmi_noisy"]) <= 5 * d["dmi_noisy_se"])
    assert np.all(np.diff(d["mi_noisy"]) < 0)
    with pytest.raises(ValueError, match="family"):
        dp.dmi_vs_noise(Q, [0.1], family="nope")


def test_mi_dmi_orders_figure_data():
    ex = td.mi_reversal_example()
    f = lambda M: np.array(M.tolist(), dtype=float)  # noqa: E731
    o = dp.mi_dmi_orders(f(ex["Q_h"]), f(ex["Q_h2"]), f(ex["T"]), np.linspace(0, 1, 21))
    assert 0 < o["mi_flip_t"] <= 1
    np.testing.assert_allclose(o["dmi_h"] / o["dmi_h2"], 4 / 3, rtol=1e-12)  # the DMI ratio never moves
    np.testing.assert_allclose(o["dmi_h"], o["dmi_h"][0] * np.abs(o["det_T"]), rtol=1e-12)
    with pytest.raises(ValueError, match="t must lie"):
        dp.mi_dmi_orders(f(ex["Q_h"]), f(ex["Q_h2"]), f(ex["T"]), [1.5])
