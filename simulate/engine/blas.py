"""The number of BLAS threads a computation runs on: one home for pinning it.

Two reasons, measured on this project's 2-core machines (benchmarks/RESULTS.md, "Parallel scaling"):

- **Reproducibility.** OpenBLAS sums some products in another order on 1 and on 2 threads
  (``(64 x 1797) @ (1797 x 10)`` differs in the last bits), so a result would depend on the
  machine's cores and on how many workers run beside it; on one thread it does not.
- **Speed of tiny products.** SciPy's L-BFGS-B and SLSQP call BLAS on vectors of a few entries; a
  multi-threaded OpenBLAS on a busy machine then spends ~1 ms per call waiting for its threads
  (100 times slower on 2 cores under load).

Code that splits a product into row blocks only to keep OpenBLAS from threading asks :func:`block_rows` how many
rows a block may have: inside :func:`pinned_blas` with one thread (every check and figure) as many as memory allows.
"""
from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager

from threadpoolctl import threadpool_limits

from label_noise_lab.simulate.engine.namespace import is_host

#: BLAS threads inside :func:`pinned_blas` (checks, figures, the optimiser-heavy studies)
BLAS_THREADS = 1
#: the entries of one block of an evaluation product where BLAS runs on one thread (8 MB of doubles)
BLOCK_ENTRIES = 2**20


class _Pins(threading.local):
    def __init__(self) -> None:
        self.threads: list[int] = []  # the open pinned_blas blocks' thread counts, innermost last


_pins = _Pins()


@contextmanager
def pinned_blas(threads: int = BLAS_THREADS) -> Iterator[None]:
    """A context in which BLAS runs on ``threads`` threads (one by default)."""
    if isinstance(threads, bool) or not isinstance(threads, int) or threads < 1:
        raise ValueError(f"threads must be a positive integer, got {threads!r}")
    with threadpool_limits(limits=threads, user_api="blas"):
        _pins.threads.append(threads)
        try:
            yield
        finally:
            _pins.threads.pop()


def single_threaded() -> bool:
    """Whether this thread runs inside :func:`pinned_blas` with one BLAS thread (so that a large product cannot
    make OpenBLAS wait on threads that a busy machine does not give it)."""
    return bool(_pins.threads) and _pins.threads[-1] == 1


def block_rows(xp: object, row_entries: int, rows: int) -> int:
    """Rows per block of an evaluation product whose every row makes ``row_entries`` entries: ``rows`` (the caller's
    blocks, small enough to keep OpenBLAS from threading), or on the host inside :func:`pinned_blas` with one thread
    as many as keep a block within :data:`BLOCK_ENTRIES` entries (the same numbers, fewer calls)."""
    if is_host(xp) and single_threaded():
        return max(1, BLOCK_ENTRIES // max(1, row_entries))
    return rows
