"""The number of BLAS threads a computation runs on: one home for pinning it.

Two reasons, measured on this project's 2-core machines (benchmarks/RESULTS.md, "Parallel scaling"):

- **Reproducibility.** OpenBLAS sums some products in another order on 1 and on 2 threads
  (``(64 x 1797) @ (1797 x 10)`` differs in the last bits), so a result would depend on the
  machine's cores and on how many workers run beside it; on one thread it does not.
- **Speed of tiny products.** SciPy's L-BFGS-B and SLSQP call BLAS on vectors of a few entries; a
  multi-threaded OpenBLAS on a busy machine then spends ~1 ms per call waiting for its threads
  (100 times slower on 2 cores under load).
"""
from __future__ import annotations

from contextlib import AbstractContextManager

from threadpoolctl import threadpool_limits

#: BLAS threads inside :func:`pinned_blas` (checks, figures, the optimiser-heavy studies)
BLAS_THREADS = 1


def pinned_blas(threads: int = BLAS_THREADS) -> AbstractContextManager[object]:
    """A context in which BLAS runs on ``threads`` threads (one by default)."""
    if isinstance(threads, bool) or not isinstance(threads, int) or threads < 1:
        raise ValueError(f"threads must be a positive integer, got {threads!r}")
    return threadpool_limits(limits=threads, user_api="blas")
