import numpy as np
import pytest

from simulate.estimate import Estimate, RunningMoments, mc_mean, paired_difference, seed_summary


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

    est = mc_mean(draw, 250_000, xp.random.default_rng(0), chunk=100_000)
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
