"""Parameters on probability simplices: :class:`SimplexPoint` (a distribution over ``dim``
classes) and :class:`StochasticMatrix` (a row-stochastic noise transition matrix ``T``,
Patrini et al. 2017, Eq. 1)."""
from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from fractions import Fraction
from typing import Any

import numpy as np
import sympy

from paper_checks.search.params.base import BOUNDARY_SHARE, Parameter
from paper_checks.search.rationals import (
    Infeasible,
    as_fraction,
    common_denominator,
    grid_points,
    simplex_candidates,
    simplex_complexity,
    simplex_round,
    to_sympy,
)


@dataclass(frozen=True)
class SimplexPoint(Parameter):
    """A point of the probability simplex of dimension ``dim`` (a length-``dim`` array)."""

    name: str
    dim: int

    def __post_init__(self) -> None:
        if not isinstance(self.dim, (int, np.integer)) or self.dim < 1:
            raise ValueError(f"SimplexPoint {self.name!r}: dim must be a positive integer, got {self.dim!r}")

    @property
    def dimension(self) -> int:
        return self.dim

    def inside(self, v: Any) -> bool:
        vals = [as_fraction(x) for x in v] if not isinstance(v, np.ndarray) else None
        if vals is not None:
            return len(vals) == self.dim and all(x >= 0 for x in vals) and sum(vals) == 1
        return v.shape == (self.dim,) and bool(np.all(v >= 0)) and abs(float(v.sum()) - 1) < 1e-9

    def sample(self, rng: np.random.Generator, n: int) -> np.ndarray:
        """Dirichlet(1) points; a boundary share on faces (coordinates exactly 0), at vertices,
        or with tiny coordinates (Dirichlet(0.1))."""
        d = self.dim
        out = rng.dirichlet(np.ones(d), size=n)
        b = np.flatnonzero(rng.random(n) < BOUNDARY_SHARE)
        if b.size:
            kind = rng.integers(0, 3, b.size)
            sparse = rng.dirichlet(np.full(d, 0.1), size=b.size)
            mask = rng.random((b.size, d)) < 0.5
            mask[np.arange(b.size), rng.integers(0, d, b.size)] = True
            face = rng.dirichlet(np.ones(d), size=b.size) * mask
            face /= face.sum(axis=1, keepdims=True)
            vert = np.eye(d)[rng.integers(0, d, b.size)]
            out[b] = np.where((kind == 0)[:, None], sparse, np.where((kind == 1)[:, None], face, vert))
        return out

    def round(self, v: Any, max_den: int | None) -> list[sympy.Rational]:
        """:func:`~paper_checks.search.rationals.simplex_round`: zeros stay zero, positive coordinates
        positive, and the sum is exactly 1."""
        if self.is_exact(v):
            return v
        return [to_sympy(x) for x in simplex_round(np.asarray(v, dtype=float), max_den, self.name)]

    def is_exact(self, v: Any) -> bool:
        return isinstance(v, list) and all(isinstance(x, sympy.Rational) for x in v)

    def complexity(self, v: Any) -> tuple:
        """The common denominator, then the coordinates."""
        return simplex_complexity([as_fraction(x) for x in v])

    def simplify(self, v: Any) -> Iterator[list[sympy.Rational]]:
        """:func:`~paper_checks.search.rationals.simplex_candidates`: small common denominators first."""
        for w in simplex_candidates([as_fraction(x) for x in v]):
            yield [to_sympy(x) for x in w]

    def grid_round(self, v: Any, den: int) -> list[sympy.Rational] | None:
        """The nearest point of common denominator ``den`` that keeps positive coordinates positive."""
        g = grid_points([as_fraction(x) for x in v], den)
        return [to_sympy(x) for x in g[-1]] if g else None

    def strategy(self) -> Any:
        """Hypothesis strategy: vertices, the barycentre, edge midpoints and points with zeros."""
        # imported here: hypothesis is a test dependency (the "test" extra), not a runtime one
        from hypothesis import strategies as st
        from hypothesis.extra import numpy as hnp

        d = self.dim
        special = [np.eye(d)[i] for i in range(d)] + [np.full(d, 1.0 / d)]
        if d >= 2:
            special.append(np.r_[[0.5, 0.5], np.zeros(d - 2)])
            special.append(np.r_[[1 - 1 / d], np.full(d - 1, 1 / (d * (d - 1)))])

        def norm(a: np.ndarray) -> np.ndarray | None:
            s = a.sum()
            return a / s if s > 0 else None

        generic = hnp.arrays(np.float64, d, elements=st.one_of(st.just(0.0), st.floats(1e-6, 1.0))).map(norm).filter(
            lambda a: a is not None)
        return st.one_of(st.sampled_from(special), generic)

    def pack(self, v: Any) -> list[float]:
        """The logs of the coordinates (zeros floored at ``1e-300``)."""
        return list(np.log(np.maximum(np.asarray(v, dtype=float), 1e-300)))

    def unpack(self, x: np.ndarray) -> np.ndarray:
        """The softmax of ``x``."""
        e = np.exp(x - x.max())
        return e / e.sum()


@dataclass(frozen=True)
class StochasticMatrix(Parameter):
    """A row-stochastic ``dim x dim`` matrix."""

    name: str
    dim: int

    def __post_init__(self) -> None:
        if not isinstance(self.dim, (int, np.integer)) or self.dim < 1:
            raise ValueError(f"StochasticMatrix {self.name!r}: dim must be a positive integer, got {self.dim!r}")

    @property
    def dimension(self) -> int:
        return self.dim * self.dim

    def _rows(self, v: Any) -> list[list[Fraction]]:
        if isinstance(v, sympy.MatrixBase):
            return [[as_fraction(x) for x in v.row(i)] for i in range(v.rows)]
        return [[as_fraction(x) for x in row] for row in v]

    def inside(self, v: Any) -> bool:
        if isinstance(v, np.ndarray):
            return v.shape == (self.dim, self.dim) and bool(np.all(v >= 0)) and bool(
                np.all(np.abs(v.sum(axis=1) - 1) < 1e-9))
        rows = self._rows(v)
        return len(rows) == self.dim and all(len(r) == self.dim and all(x >= 0 for x in r) and sum(r) == 1
                                              for r in rows)

    def sample(self, rng: np.random.Generator, n: int) -> np.ndarray:
        """Dirichlet(1) rows; a boundary share of permutation matrices, ``J/dim`` (singular),
        repeated rows (singular) and sparse rows."""
        d = self.dim
        out = rng.dirichlet(np.ones(d), size=(n, d))
        b = np.flatnonzero(rng.random(n) < BOUNDARY_SHARE)
        for i in b:
            kind = rng.integers(0, 4)
            if kind == 0:
                out[i] = np.eye(d)[rng.permutation(d)]
            elif kind == 1:
                out[i] = np.full((d, d), 1.0 / d)
            elif kind == 2:
                out[i] = np.repeat(rng.dirichlet(np.ones(d))[None], d, axis=0)
            else:
                out[i] = rng.dirichlet(np.full(d, 0.1), size=d)
        return out

    def round(self, v: Any, max_den: int | None) -> sympy.Matrix:
        """Each row rounded as a :class:`SimplexPoint`."""
        if self.is_exact(v):
            return v
        a = np.asarray(v, dtype=float)
        if a.shape != (self.dim, self.dim):
            raise Infeasible(f"{self.name} has shape {a.shape}, not {(self.dim, self.dim)}")
        return sympy.Matrix([[to_sympy(x) for x in simplex_round(row, max_den, f"{self.name}[{i}]")]
                             for i, row in enumerate(a)])

    def is_exact(self, v: Any) -> bool:
        return isinstance(v, sympy.MatrixBase)

    def complexity(self, v: Any) -> tuple:
        """The largest row denominator, then their sum (so that any row may simplify), then the values."""
        rows = self._rows(v)
        dens = [common_denominator(r) for r in rows]
        return (max(dens), sum(dens), tuple(x for r in rows for x in r))

    def simplify(self, v: Any) -> Iterator[sympy.Matrix]:
        """The identity and ``J/dim``, then each row replaced by a simpler simplex point."""
        d = self.dim
        rows = self._rows(v)
        yield sympy.eye(d)
        yield sympy.Matrix(d, d, [sympy.Rational(1, d)] * (d * d))
        for i in range(d):
            for w in simplex_candidates(rows[i]):
                new = [list(r) for r in rows]
                new[i] = w
                yield sympy.Matrix([[to_sympy(x) for x in r] for r in new])

    def grid_round(self, v: Any, den: int) -> sympy.Matrix | None:
        """Each row rounded as :meth:`SimplexPoint.grid_round` does."""
        rows = []
        for r in self._rows(v):
            g = grid_points(r, den)
            if not g:
                return None
            rows.append([to_sympy(x) for x in g[-1]])
        return sympy.Matrix(rows)

    def strategy(self) -> Any:
        """Hypothesis strategy: permutation matrices, ``J/dim``, uniform noise at ``eta = 1 - 1/dim``
        (equal to ``J/dim``), repeated rows (singular) and generic rows with zeros."""
        # imported here: hypothesis is a test dependency (the "test" extra), not a runtime one
        from hypothesis import strategies as st

        d = self.dim
        row = SimplexPoint("row", d).strategy()
        perms = st.permutations(list(range(d))).map(lambda p: np.eye(d)[list(p)])
        singular = row.map(lambda r: np.repeat(r[None], d, axis=0))
        generic = st.lists(row, min_size=d, max_size=d).map(np.array)
        return st.one_of(perms, st.just(np.full((d, d), 1.0 / d)), singular, generic)

    def pack(self, v: Any) -> list[float]:
        """The logs of the entries, row by row (zeros floored at ``1e-300``)."""
        return list(np.log(np.maximum(np.asarray(v, dtype=float), 1e-300)).ravel())

    def unpack(self, x: np.ndarray) -> np.ndarray:
        """The softmax of each row of ``x`` reshaped to ``dim x dim``."""
        z = x.reshape(self.dim, self.dim)
        e = np.exp(z - z.max(axis=1, keepdims=True))
        return e / e.sum(axis=1, keepdims=True)
