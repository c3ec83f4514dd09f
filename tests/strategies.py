"""Hypothesis strategies for simplex points, stochastic matrices, logits and the search's parameter types."""
from __future__ import annotations

from typing import Any

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


# ---------------------------------------------------------------- the search's parameter types
def search_params() -> st.SearchStrategy[Any]:
    """A parameter type of :mod:`paper_checks.search.loop` with a random domain (open ends included)."""
    from paper_checks.search.loop import Integer, Real, SimplexPoint, StochasticMatrix

    def real(lo: float, width: float, ol: bool, oh: bool) -> Real:
        return Real("x", lo, lo + width, open_low=ol, open_high=oh)

    reals = st.builds(real, st.floats(-10, 10), st.floats(1e-3, 10), st.booleans(), st.booleans())
    ints = st.tuples(st.integers(-20, 20), st.integers(0, 30)).map(lambda t: Integer("n", t[0], t[0] + t[1]))
    simplex = st.integers(1, 8).map(lambda d: SimplexPoint("p", d))
    matrices = st.integers(1, 4).map(lambda d: StochasticMatrix("T", d))
    return st.one_of(reals, ints, simplex, matrices)


def param_values(param: Any) -> st.SearchStrategy[Any]:
    """Values of ``param``'s domain: its own ``strategy()`` (boundary cases included)."""
    return param.strategy()
