"""Monte Carlo across workers: chunk streams by index, results independent of the executor."""
from __future__ import annotations

import functools
from concurrent.futures import ProcessPoolExecutor, ThreadPoolExecutor

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from label_noise_lab.simulate.engine.estimate import mc_mean
from label_noise_lab.simulate.engine.parallel import chunk_moments, chunk_seed, mc_mean_chunked


def _exponential(scale: float, rng: np.random.Generator, m: int) -> np.ndarray:
    return rng.exponential(scale, m)


DRAW = functools.partial(_exponential, 2.0)


def _plain_loop(n: int, seed: int, chunk: int) -> tuple[float, float]:
    """Reference: every chunk's draws concatenated, mean and standard error by NumPy."""
    root = np.random.SeedSequence(seed)
    xs = []
    k = 0
    while k * chunk < n:
        xs.append(DRAW(np.random.default_rng(chunk_seed(root, k)), min(chunk, n - k * chunk)))
        k += 1
    x = np.concatenate(xs)
    return float(x.mean()), float(x.std(ddof=1) / np.sqrt(x.size))


def test_chunk_seed_is_the_spawned_child():
    root = np.random.SeedSequence(7)
    kids = np.random.SeedSequence(7).spawn(5)
    for k in range(5):
        assert chunk_seed(root, k).generate_state(4).tolist() == kids[k].generate_state(4).tolist()
    with pytest.raises(ValueError, match="non-negative"):
        chunk_seed(root, -1)


def test_matches_plain_loop():
    est = mc_mean_chunked(DRAW, 10_007, 3, chunk=1000)
    mean, se = _plain_loop(10_007, 3, 1000)
    assert est.n == 10_007
    assert est.mean == pytest.approx(mean, rel=1e-12) and est.stderr == pytest.approx(se, rel=1e-9)


def test_same_bits_for_any_executor_and_task_split():
    ref = mc_mean_chunked(DRAW, 50_000, 11, chunk=3_000)
    with ThreadPoolExecutor(3) as ex:
        for tasks in (1, 2, 5, 17, 100):
            assert mc_mean_chunked(DRAW, 50_000, 11, chunk=3_000, executor=ex, tasks=tasks) == ref
    with ProcessPoolExecutor(2) as ex:
        assert mc_mean_chunked(DRAW, 50_000, 11, chunk=3_000, executor=ex) == ref
    assert mc_mean_chunked(DRAW, 50_000, 12, chunk=3_000) != ref


@settings(max_examples=25, deadline=None)
@given(n=st.integers(2, 5000), chunk=st.integers(1, 700), tasks=st.integers(1, 9))
def test_progress_counts_every_sample(n, chunk, tasks):
    seen = []
    mc_mean_chunked(DRAW, n, 0, chunk=chunk, tasks=tasks, progress=seen.append)
    assert sum(seen) == n


def test_mc_mean_hook_and_errors():
    with ThreadPoolExecutor(2) as ex:
        a = mc_mean(DRAW, 20_000, np.random.SeedSequence(5), chunk=4_000, executor=ex)
        with pytest.raises(TypeError, match="SeedSequence"):
            mc_mean(DRAW, 100, np.random.default_rng(0), executor=ex)
    assert a == mc_mean_chunked(DRAW, 20_000, 5, chunk=4_000)
    with pytest.raises(ValueError, match="must be an integer >= 2"):
        mc_mean_chunked(DRAW, 1, 0)
    with pytest.raises(ValueError, match="chunk must be an integer >= 1"):
        mc_mean_chunked(DRAW, 10, 0, chunk=0)
    with pytest.raises(ValueError, match="must return a 1-d array of m = "):
        chunk_moments(lambda rng, m: rng.random(m + 1), np.random.SeedSequence(0), 0, 1, 10, 10)
