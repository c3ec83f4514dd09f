import numpy as np
import pytest

from label_noise_lab.simulate.engine.estimate import Estimate, RunningMoments, mc_mean, paired_difference, seed_summary
from label_noise_lab.simulate.engine.rng import generator


def test_merge_equals_one_pass():
    rng = np.random.default_rng(0)
    x = rng.normal(size=10_001)
    acc = RunningMoments()
    for s in range(0, x.size, 777):
        acc.update(x[s : s + 777])
    assert acc.n == x.size
    assert acc.mean == pytest.approx(x.mean(), abs=1e-12)
    assert acc.variance == pytest.approx(x.var(ddof=1), rel=1e-10)
    a, b = RunningMoments(), RunningMoments()
    a.update(x[:3000])
    b.update(x[3000:])
    assert a.merge(b).variance == pytest.approx(x.var(ddof=1), rel=1e-10)


def test_vector_streams():
    x = np.random.default_rng(1).normal(size=(500, 3))
    acc = RunningMoments((3,))
    acc.update(x[:100])
    acc.update(x[100:])
    ests = acc.estimates()
    np.testing.assert_allclose([e.mean for e in ests], x.mean(axis=0))
    np.testing.assert_allclose([e.stderr for e in ests], x.std(axis=0, ddof=1) / np.sqrt(500))


def test_mc_mean_known_answer_and_bounded_chunks(xp):
    seen = []

    def draw(rng, m):
        seen.append(m)
        return rng.random(m)

    est = mc_mean(draw, 250_000, generator(xp, 0), chunk=100_000)
    assert seen == [100_000, 100_000, 50_000]
    assert est.agrees(0.5)
    assert est.stderr == pytest.approx(np.sqrt(1 / 12 / 250_000), rel=0.02)


def test_estimate_comparisons():
    e = Estimate(1.0, 0.1, 100)
    assert e.agrees(1.4) and not e.agrees(1.6)
    assert e.agrees(1.6, atol=0.2)
    assert e.exceeds(0.4) and not e.exceeds(0.6)


def test_nan_chunks_and_tiny_samples_refused():
    acc = RunningMoments()
    with pytest.raises(ValueError, match="NaN"):
        acc.update(np.array([1.0, np.nan]))
    acc.update(np.array([1.0]))
    with pytest.raises(ValueError, match="at least 2"):
        acc.estimate()
    with pytest.raises(ValueError):
        mc_mean(lambda r, m: r.random(m), 1, np.random.default_rng(0))


def test_paired_and_seed_summaries():
    d = paired_difference([3, 4, 5], [1, 1, 1])
    assert d.mean == pytest.approx(3) and d.stderr == pytest.approx(np.std([2, 3, 4], ddof=1) / np.sqrt(3))
    assert seed_summary([1, 1, 1]).stderr == 0
    with pytest.raises(ValueError):
        paired_difference([1, 2], [1])


def test_sign_and_rounded_dict():
    assert Estimate(1.0, 0.1, 10).sign() == 1 and Estimate(-1.0, 0.1, 10).sign() == -1
    assert Estimate(0.4, 0.1, 10).sign() == 0 and Estimate(0.4, 0.1, 10).sign(z=3) == 1
    assert Estimate(1.234567, 0.0012345, 7).as_dict(3) == {"mean": 1.235, "stderr": 0.001, "n": 7}


def test_t_critical_keeps_the_tail_probability_of_z():
    from scipy import stats

    from label_noise_lab.simulate.engine.estimate import t_critical

    for df in (2, 5, 7, 30):
        assert 2 * stats.t.sf(t_critical(5.0, df), df) == pytest.approx(2 * stats.norm.sf(5.0), rel=1e-6)
    assert t_critical(5.0, 7) == pytest.approx(17.1, abs=0.05)
    assert t_critical(5.0, 7) > 5.0 and t_critical(5.0, 1e4) == pytest.approx(5.0, abs=0.01)


def test_seed_estimates_carry_their_degrees_of_freedom():
    from label_noise_lab.simulate.engine.estimate import Z_SEEDS

    d = paired_difference([3.0, 4.0, 5.0], [1.0, 1.0, 1.0])  # mean 2, se 0.577, t = 5.2 with 2 df
    assert d.df == 2
    assert d.mean / d.stderr > 5  # five standard errors ...
    assert not d.exceeds(0.0)  # ... are not significant at z = 5's tail probability with 2 df
    assert not d.exceeds(0.0, Z_SEEDS)  # nor at p < 0.001 (t = 31.6 needed)
    assert d.p_value() == pytest.approx(2 * __import__("scipy").stats.t.sf(d.mean / d.stderr, 2))
    assert 0.03 < d.p_value() < 0.04  # the issue's "p about 0.04"
    big = seed_summary(np.arange(100.0))
    assert big.df == 99 and big.critical(Z_SEEDS) == pytest.approx(3.39, abs=0.01)
    # a normal Monte Carlo estimate keeps the normal quantile
    assert Estimate(1.0, 0.1, 10**6).critical(5.0) == 5.0
    lo, hi = d.interval(Z_SEEDS)
    assert lo < 0 < hi


def test_combined_means_use_welch_satterthwaite():
    from label_noise_lab.simulate.engine.estimate import combine_means

    a, b = seed_summary([1.0, 2.0, 3.0, 4.0]), seed_summary([2.0, 2.5, 3.5])
    c = combine_means([a, b])
    assert c.mean == pytest.approx((a.mean + b.mean) / 2)
    assert c.stderr == pytest.approx(np.hypot(a.stderr, b.stderr) / 2)
    v = [a.stderr**2, b.stderr**2]
    assert c.df == pytest.approx(sum(v) ** 2 / (v[0] ** 2 / 3 + v[1] ** 2 / 2))


# ---------------------------------------------------------------- issue 18: runaway or miscounting arguments
def _draw(rng, m):
    return rng.random(m)


@pytest.mark.parametrize("n", [float("inf"), float("nan"), 10.5, "100", None, True])
def test_mc_mean_refuses_a_sample_size_that_is_not_an_integer(n):
    with pytest.raises(ValueError, match=r"n \(the number of draws\) must be an integer >= 2"):
        mc_mean(_draw, n, np.random.default_rng(0))


@pytest.mark.parametrize("chunk", [0, -5, 2.5, float("inf")])
def test_mc_mean_refuses_a_bad_chunk(chunk):
    with pytest.raises(ValueError, match="chunk must be an integer >= 1"):
        mc_mean(_draw, 100, np.random.default_rng(0), chunk=chunk)


@pytest.mark.parametrize("draw", [lambda rng, m: rng.random(1), lambda rng, m: rng.random(m + 1),
                                  lambda rng, m: rng.random((m, 2)), lambda rng, m: float(rng.random())])
def test_mc_mean_refuses_a_draw_of_the_wrong_size(draw):
    with pytest.raises(ValueError, match="must return a 1-d array of m = "):
        mc_mean(draw, 100, np.random.default_rng(0), chunk=40)


@pytest.mark.parametrize("rng", [None, 3, np.random.SeedSequence(1)])
def test_mc_mean_without_an_executor_needs_a_generator(rng):
    with pytest.raises(TypeError, match="rng must be a random generator"):
        mc_mean(_draw, 100, rng)


@pytest.mark.parametrize("kwargs", [{"z": float("nan")}, {"z": -1.0}, {"z": float("inf")}, {"atol": float("nan")},
                                    {"atol": -0.1}, {"target": float("nan")}])
def test_agrees_refuses_nan_and_negative_tolerances(kwargs):
    """``Estimate.agrees(z=nan)`` returned False, as if the estimate disagreed."""
    e = Estimate(0.5, 0.01, 100)
    args = {"target": 0.5, **kwargs}
    with pytest.raises(ValueError, match="must be"):
        e.agrees(**args)
