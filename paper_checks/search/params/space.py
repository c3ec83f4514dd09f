"""A search domain: its parameters, margins and constraint (:class:`SearchSpace`)."""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np
import sympy

from paper_checks.search.params.base import Parameter, Point
from paper_checks.search.rationals import Infeasible


# ================================================================== the domain
@dataclass(frozen=True)
class SearchSpace:
    """Where a claim is searched and how its failure is measured.

    Attributes
    ----------
    params : the parameters of the domain (subclasses of :class:`~paper_checks.search.params.base.Parameter`:
        ``Real``, ``Integer``, ``SimplexPoint``, ``StochasticMatrix``)
    margin : ``point -> float``, negative exactly where the claim fails
    exact_margin : ``point -> sympy expression`` on a point of exact values; required to
        report a verified counterexample
    constraint : ``point -> bool``; points where it is False are outside the domain
    description : what the margin measures, for reports
    """

    params: tuple[Parameter, ...]
    margin: Callable[[Point], float]
    exact_margin: Callable[[Point], Any] | None = None
    constraint: Callable[[Point], bool] | None = None
    description: str = ""

    @property
    def dimension(self) -> int:
        """How many coordinates the local polish moves (0: nothing continuous)."""
        return sum(p.dimension for p in self.params)

    def sample_columns(self, rng: np.random.Generator, n: int) -> list[tuple[str, np.ndarray]]:
        """``n`` sampled values of each parameter, in the order of :attr:`params`."""
        return [(p.name, p.sample(rng, n)) for p in self.params]

    def contains(self, point: Point) -> bool:
        """Whether every parameter's value lies in its domain (the constraint is not checked)."""
        return all(p.inside(point[p.name]) for p in self.params)

    def polish_ok(self, point: Point) -> bool:
        """Whether a point the polish unpacked may be evaluated (:meth:`Parameter.polish_ok`)."""
        return all(p.polish_ok(point[p.name]) for p in self.params)

    def constraint_holds(self, point: Point) -> bool:
        """The constraint at a float point; one that cannot be evaluated there excludes it."""
        if self.constraint is None:
            return True
        try:
            return bool(self.constraint(point))
        except Exception:  # noqa: BLE001  (any error of a claim's constraint excludes the point)
            return False

    def constraint_holds_exactly(self, rpoint: Point) -> bool:
        """The constraint at an exact point, or at its floats where it cannot take exact values."""
        if self.constraint is None:
            return True
        try:
            return bool(self.constraint(rpoint))
        except Exception:  # noqa: BLE001  (any error: judge the point on its floats instead)
            return self.constraint_holds(self.float_point(rpoint))

    def is_exact(self, point: Point) -> bool:
        """Whether every parameter's value is exact (:meth:`Parameter.is_exact`)."""
        return all(p.is_exact(point[p.name]) for p in self.params)

    def to_rational(self, point: Point, max_den: int | None = 10**6) -> Point:
        """See :func:`to_rational`."""
        out: Point = dict(point)
        try:
            for p in self.params:
                out[p.name] = p.round(point[p.name], max_den)
        except Infeasible as exc:
            raise ValueError(str(exc)) from None
        return out

    def grid_round(self, point: Point, den: int) -> Point | None:
        """The exact ``point`` jointly rounded to common denominator ``den`` (:meth:`Parameter.grid_round`);
        None where some parameter has no such rounding."""
        out = dict(point)
        for p in self.params:
            v = p.grid_round(point[p.name], den)
            if v is None:
                return None
            out[p.name] = v
        return out

    @staticmethod
    def float_point(point: Point) -> Point:
        """The exact values of ``point`` as the floats the float margin takes (matrices and simplex
        points as arrays, integers as ``int``)."""
        out: Point = {}
        for k, v in point.items():
            if isinstance(v, sympy.MatrixBase):
                out[k] = np.array(v.tolist(), dtype=float)
            elif isinstance(v, list):
                out[k] = np.array([float(x) for x in v])
            elif isinstance(v, sympy.Integer):
                out[k] = int(v)
            elif isinstance(v, sympy.Basic):
                out[k] = float(v)
            else:
                out[k] = v
        return out

    def pack(self, point: Point) -> np.ndarray:
        """The polish's coordinates of ``point``: every parameter's :meth:`Parameter.pack`, in order."""
        out: list[float] = []
        for p in self.params:
            out.extend(p.pack(point[p.name]))
        return np.array(out)

    def unpack(self, x: np.ndarray, base: Point) -> Point:
        """``base`` with the parameters that have coordinates replaced by those of ``x``."""
        point = dict(base)
        i = 0
        for p in self.params:
            k = p.dimension
            if k:
                point[p.name] = p.unpack(x[i: i + k])
                i += k
        return point

    def point_strategy(self) -> Any:
        """Hypothesis strategy for whole points (each parameter's :meth:`Parameter.strategy`),
        constraint applied."""
        # imported here: hypothesis is a test dependency (the "test" extra), not a runtime one
        from hypothesis import strategies as st

        s = st.fixed_dictionaries({p.name: p.strategy() for p in self.params})
        return s.filter(self.constraint_holds) if self.constraint is not None else s


def to_rational(point: Point, space: SearchSpace, max_den: int | None = 10**6) -> Point:
    """The point in exact values *inside the domain*.

    Reals become the ``Rational`` of denominator at most ``max_den`` nearest them (or the
    float's exact binary value where that one would leave the domain, e.g. land on an open
    end); simplex points and stochastic rows keep zero coordinates zero and positive ones
    positive, and sum exactly to 1 (the largest coordinate takes the remainder); integers
    become ``sympy.Integer``. Raises ``ValueError`` (quoting the value) when no exact point
    of the domain is near. The constraint is not checked here (see
    :func:`paper_checks.search.exact.verify`).
    """
    return space.to_rational(point, max_den)
