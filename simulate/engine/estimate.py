"""Streaming Monte Carlo: ``mc_mean`` and the summaries of paired and per-seed samples.

The types live in :mod:`label_noise_lab.simulate.engine.moments` (``Estimate``, ``RunningMoments``, the z/t
conventions) and are re-exported here; the chunked, parallel run in :mod:`label_noise_lab.simulate.engine.parallel`.
"""
from __future__ import annotations

from typing import Any, Callable

import numpy as np

# (re-exported: the home of a Monte Carlo verdict's names)
from label_noise_lab.simulate.engine.moments import (  # noqa: F401
    SEED_P,
    SEED_TEST,
    Z_DEFAULT,
    Z_SEEDS,
    Estimate,
    RunningMoments,
    combine_means,
    t_critical,
)
from label_noise_lab.simulate.engine.namespace import to_host
from label_noise_lab.simulate.engine.parallel import checked_draw, mc_mean_chunked
from label_noise_lab.theory.validators import check_int


def mc_mean(
    draw: Callable[[Any, int], Any],
    n: int,
    rng: Any,
    *,
    chunk: int = 1_000_000,
    progress: Callable[[int], None] | None = None,
    executor: Any = None,
) -> Estimate:
    """Estimate ``E[X]`` from ``n`` draws of ``draw(rng, m)``, ``m <= chunk`` at a time.

    Memory is bounded by one chunk whatever ``n`` is. ``draw`` returns a 1-d array of
    ``m`` samples in any namespace (anything else is a ``ValueError``). ``n >= 2`` and
    ``chunk >= 1`` are integers (``ValueError`` otherwise: ``inf`` or ``nan`` would never end).
    ``progress``, when given, is called with each chunk's size.

    With an ``executor`` (any ``concurrent.futures.Executor``), ``rng`` must be a seed
    (an int or a ``numpy.random.SeedSequence``): the chunks run on its workers, each from
    a stream addressed by its index, and the result is the same for any number of workers
    (:func:`label_noise_lab.simulate.engine.parallel.mc_mean_chunked`; it differs from the serial stream's).
    """
    if executor is not None:
        if not isinstance(rng, (int, np.integer, np.random.SeedSequence)):
            raise TypeError(f"with an executor, rng must be an int or a SeedSequence, got {type(rng).__name__}")
        return mc_mean_chunked(draw, n, rng, chunk=chunk, executor=executor, progress=progress)
    n, chunk = check_int("n (the number of draws)", n, 2), check_int("chunk", chunk, 1)
    if rng is None or isinstance(rng, (int, np.integer, np.random.SeedSequence)):
        raise TypeError(f"rng must be a random generator (numpy.random.default_rng(seed)) without an executor, "
                        f"got {rng!r}")
    acc = RunningMoments()
    left = n
    while left:
        m = min(chunk, left)
        acc.update(checked_draw(draw(rng, m), m))
        left -= m
        if progress is not None:
            progress(m)
    return acc.estimate()


def paired_difference(a: Any, b: Any) -> Estimate:
    """Mean and standard error of ``a - b`` over paired samples (e.g. seeds), ``df = n - 1``."""
    a = np.asarray(to_host(a), dtype=float)
    b = np.asarray(to_host(b), dtype=float)
    if a.shape != b.shape or a.ndim != 1:
        raise ValueError(f"paired samples must be 1-d of one shape, got {a.shape} and {b.shape}")
    acc = RunningMoments()
    acc.update(a - b)
    return acc.estimate()


def seed_summary(values: Any) -> Estimate:
    """Mean and standard error across independent runs (seeds), ``df = n - 1``."""
    v = np.asarray(to_host(values), dtype=float).ravel()
    acc = RunningMoments()
    acc.update(v)
    return acc.estimate()
