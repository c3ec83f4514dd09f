"""Shared timing for the benchmark scripts: best wall time of repeated runs."""
from __future__ import annotations

import time
from typing import Callable


def best_of(fn: Callable[[], object], reps: int, sync: Callable[[], None] = lambda: None) -> float:
    """The smallest wall time of ``reps`` calls of ``fn``; ``sync`` waits for a device (CuPy) around each."""
    best = float("inf")
    for _ in range(reps):
        sync()
        t = time.perf_counter()
        fn()
        sync()
        best = min(best, time.perf_counter() - t)
    return best
