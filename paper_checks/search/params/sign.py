"""A label of a binary problem: :class:`Sign`, ``y`` in ``{-1, +1}``.

Binary label-noise theory writes labels as signs (Natarajan et al. 2013, sec. 2; van Rooyen et al.
2015, sec. 2; Bartlett et al. 2006, sec. 1): the margin of a scorer ``f`` at ``(x, y)`` is
``y f(x)``. A ``Sign`` gives those values directly, so a claim needs no map from ``{0, 1}``.
"""
from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import numpy as np
import sympy

from paper_checks.search.params.base import Parameter
from paper_checks.search.rationals import Infeasible

SIGNS = (-1, 1)


@dataclass(frozen=True)
class Sign(Parameter):
    """A sign ``y`` in ``{-1, +1}`` (a binary label). Float values are NumPy ``int64`` ``-1``/``+1``,
    exact ones ``sympy.Integer(-1)``/``sympy.Integer(1)``; ``+1`` is the simpler of the two."""

    name: str

    def __post_init__(self) -> None:
        if not isinstance(self.name, str) or not self.name:
            raise TypeError(f"Sign: name must be a non-empty string, got {self.name!r}")

    @property
    def dimension(self) -> int:
        return 0

    def inside(self, v: Any) -> bool:
        try:
            return bool(v == 1 or v == -1)
        except TypeError:
            return False

    def sample(self, rng: np.random.Generator, n: int) -> np.ndarray:
        """``n`` signs, each ``+1`` or ``-1`` with probability 1/2 (both are boundary values)."""
        return np.where(rng.random(n) < 0.5, -1, 1).astype(np.int64)

    def round(self, v: Any, max_den: int | None) -> sympy.Integer:
        """The sign of ``v`` as an exact integer (``max_den`` is not used); 0 has no sign."""
        if isinstance(v, sympy.Integer) and self.inside(v):
            return v
        f = float(v)
        if f == 0 or f != f:
            raise Infeasible(f"{self.name} = {v!r} is not a sign (-1 or +1)")
        return sympy.Integer(1 if f > 0 else -1)

    def is_exact(self, v: Any) -> bool:
        return isinstance(v, sympy.Integer)

    def complexity(self, v: Any) -> tuple:
        """``(0,)`` for ``+1``, ``(1,)`` for ``-1``: the shrinker prefers ``+1``."""
        return (0 if int(v) == 1 else 1,)

    def simplify(self, v: Any) -> Iterator[sympy.Integer]:
        """``+1`` in place of ``-1``; nothing in place of ``+1``."""
        if int(v) == -1:
            yield sympy.Integer(1)

    def grid_round(self, v: Any, den: int) -> Any:
        """A sign is on every grid: ``v`` itself."""
        return v

    def strategy(self) -> Any:
        """Hypothesis strategy: ``-1`` or ``+1``."""
        # imported here: hypothesis is a test dependency (the "test" extra), not a runtime one
        from hypothesis import strategies as st

        return st.sampled_from(list(SIGNS))

    def pack(self, v: Any) -> list[float]:
        """Nothing: the polish does not move signs."""
        return []

    def unpack(self, x: np.ndarray) -> Any:
        raise TypeError(f"Sign {self.name!r} has no continuous coordinates to unpack")
