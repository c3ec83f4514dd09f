"""Monte Carlo across workers: chunks with streams addressed by their index, merged in order.

A run of ``n`` samples is cut into chunks of ``chunk`` samples. Chunk ``k`` draws from
its own generator, seeded by the :class:`numpy.random.SeedSequence` with the root's
entropy and spawn key ``(*root.spawn_key, k)`` (the ``k``-th child ``root.spawn`` would
give), so what a chunk draws depends on the seed and ``k`` alone, not on which worker ran
it. Each chunk reduces to the three numbers of a
:class:`~label_noise_lab.simulate.engine.moments.RunningMoments` (count, mean, centred sum of squares); this
process merges them in chunk order (Chan et al. 1979). The estimate is therefore the same,
to the last bit, for any executor and any number of workers, and for none.
"""
from __future__ import annotations

from concurrent.futures import Executor, as_completed
from typing import Any, Callable

import numpy as np

from label_noise_lab.simulate.engine.devices import get_backend
from label_noise_lab.simulate.engine.moments import Estimate, RunningMoments
from label_noise_lab.simulate.engine.rng import generator
from label_noise_lab.theory.validators import check_int

#: One chunk's summary: ``(count, mean, centred sum of squares)``.
ChunkMoments = tuple[int, float, float]


def chunk_seed(root: np.random.SeedSequence, index: int) -> np.random.SeedSequence:
    """The seed of chunk ``index``: spawn key ``(*root.spawn_key, index)``, independent of the others."""
    if index < 0:
        raise ValueError(f"chunk index must be non-negative, got {index}")
    return np.random.SeedSequence(root.entropy, spawn_key=(*root.spawn_key, index), pool_size=root.pool_size)


def _generator(seed: np.random.SeedSequence, backend: str) -> Any:
    """Chunk ``seed``'s generator in the namespace named ``backend`` (a name crosses to workers, a module not)."""
    return generator(get_backend(backend).xp, seed)


def checked_draw(values: Any, m: int) -> Any:
    """``values``, what ``draw(rng, m)`` returned, when it is a 1-d array of ``m`` samples; ``ValueError``
    (quoting its shape) otherwise, so that a short draw cannot make a run loop or miscount."""
    shape = getattr(values, "shape", None)
    if shape is None or len(shape) != 1 or int(shape[0]) != m:
        raise ValueError(f"draw(rng, m) must return a 1-d array of m = {m} samples, got "
                         f"{'shape ' + str(tuple(shape)) if shape is not None else type(values).__name__}")
    return values


def chunk_moments(draw: Callable[[Any, int], Any], root: np.random.SeedSequence, first: int, count: int,
                  n: int, chunk: int, backend: str = "numpy") -> list[ChunkMoments]:
    """The summaries of chunks ``first .. first + count - 1`` of an ``n``-sample run (one task of a worker)."""
    out: list[ChunkMoments] = []
    for k in range(first, first + count):
        m = min(chunk, n - k * chunk)
        acc = RunningMoments()
        acc.update(checked_draw(draw(_generator(chunk_seed(root, k), backend), m), m))
        out.append((acc.n, float(acc.mean), float(acc.m2)))
    return out


def mc_mean_chunked(
    draw: Callable[[Any, int], Any],
    n: int,
    seed: int | np.random.SeedSequence,
    *,
    chunk: int = 1_000_000,
    executor: Executor | None = None,
    tasks: int | None = None,
    backend: str = "numpy",
    progress: Callable[[int], None] | None = None,
) -> Estimate:
    """Estimate ``E[X]`` from ``n`` draws of ``draw(rng, m)``, chunk by chunk, on ``executor``.

    Parameters
    ----------
    draw : returns a 1-d array of ``m`` samples drawn with ``rng``; it must pickle to
        reach a process pool (a module-level function or a ``functools.partial`` of one;
        Dask also ships closures).
    n : number of samples (at least 2).
    seed : the root seed; chunk ``k`` draws from :func:`chunk_seed` ``(root, k)``.
    chunk : samples per chunk (memory per worker is bounded by one chunk).
    executor : any :class:`concurrent.futures.Executor`; ``None`` runs the chunks here.
        The result does not depend on it.
    tasks : how many tasks to cut the chunks into (default: 64, at most one per chunk);
        more tasks balance uneven workers better, fewer cost less overhead.
    backend : ``"numpy"`` or ``"cupy"``: the namespace of each chunk's generator.
    progress : called in this process with the number of samples of each finished task.

    Returns
    -------
    Estimate
        The mean and its standard error; identical for any executor and number of workers.
    """
    n, chunk = check_int("n (the number of draws)", n, 2), check_int("chunk", chunk, 1)
    if tasks is not None:
        tasks = check_int("tasks", tasks, 1)
    root = seed if isinstance(seed, np.random.SeedSequence) else np.random.SeedSequence(seed)
    n_chunks = -(-n // chunk)
    n_tasks = min(n_chunks, tasks if tasks is not None else 64)
    bounds = [round(t * n_chunks / n_tasks) for t in range(n_tasks + 1)]
    spans = [(bounds[t], bounds[t + 1] - bounds[t]) for t in range(n_tasks)]
    parts: list[list[ChunkMoments] | None] = [None] * n_tasks

    def samples(first: int, count: int) -> int:
        return min(n, (first + count) * chunk) - first * chunk

    if executor is None:
        for t, (first, count) in enumerate(spans):
            parts[t] = chunk_moments(draw, root, first, count, n, chunk, backend)
            if progress is not None:
                progress(samples(first, count))
    else:
        futures = {executor.submit(chunk_moments, draw, root, first, count, n, chunk, backend): t
                   for t, (first, count) in enumerate(spans)}
        try:
            for f in as_completed(futures):
                t = futures[f]
                parts[t] = f.result()
                if progress is not None:
                    progress(samples(*spans[t]))
        except BaseException:
            for f in futures:
                f.cancel()
            raise
    acc = RunningMoments()
    for part in parts:  # in chunk order, whatever order the tasks finished in
        assert part is not None
        for m, mean, m2 in part:
            acc.merge(_moments(m, mean, m2))
    return acc.estimate()


def _moments(m: int, mean: float, m2: float) -> RunningMoments:
    r = RunningMoments()
    r.n, r.mean, r.m2 = m, np.asarray(mean), np.asarray(m2)
    return r
