"""Hypothesis strategies for simplex points, stochastic matrices and logits."""
from __future__ import annotations

import numpy as np
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp


def logits(n: int = 5, c: st.SearchStrategy[int] | int = st.integers(2, 6)) -> st.SearchStrategy[np.ndarray]:
    cs = st.just(c) if isinstance(c, int) else c
    return cs.flatmap(lambda cc: hnp.arrays(np.float64, (n, cc), elements=st.floats(-8, 8)))


def simplex_points(n: int = 5, c: int = 4) -> st.SearchStrategy[np.ndarray]:
    def norm(a: np.ndarray) -> np.ndarray:
        return a / a.sum(axis=1, keepdims=True)

    return hnp.arrays(np.float64, (n, c), elements=st.floats(0.01, 1.0)).map(norm)


def stochastic_matrices(c: int = 3) -> st.SearchStrategy[np.ndarray]:
    return simplex_points(c, c)
