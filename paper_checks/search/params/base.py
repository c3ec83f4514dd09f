"""The interface every parameter type of a search domain implements (:class:`Parameter`)."""
from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Iterator
from typing import Any

import numpy as np

#: share of the points sampled on the boundary of the domain
BOUNDARY_SHARE = 0.2

Point = dict[str, Any]


class Parameter(ABC):
    """One named coordinate block of a search domain.

    Values come in two kinds: floats (NumPy scalars and arrays, what :meth:`sample` and
    :meth:`unpack` give and the float margin takes) and exact values (what :meth:`round`,
    :meth:`simplify` and :meth:`grid_round` give and the exact margin takes: ``sympy.Rational``
    reals, ``sympy.Integer`` integers, lists of ``sympy.Rational`` for simplex points,
    ``sympy.Matrix`` for stochastic matrices).
    """

    name: str

    @property
    @abstractmethod
    def dimension(self) -> int:
        """How many unconstrained real coordinates :meth:`pack` gives (0: the polish leaves it alone)."""

    @abstractmethod
    def inside(self, v: Any) -> bool:
        """Whether ``v`` (float or exact) lies in the domain."""

    @abstractmethod
    def sample(self, rng: np.random.Generator, n: int) -> np.ndarray:
        """``n`` float values of the domain, a :data:`BOUNDARY_SHARE` of them on or near its boundary."""

    @abstractmethod
    def round(self, v: Any, max_den: int | None) -> Any:
        """An exact value near ``v`` *inside* the domain (denominators at most ``max_den`` where
        that stays inside; None: the float's exact binary value). An exact ``v`` is returned
        as it is. Raises :class:`~paper_checks.search.rationals.Infeasible` when no exact value of
        the domain is near."""

    @abstractmethod
    def is_exact(self, v: Any) -> bool:
        """Whether ``v`` is already an exact value (what :meth:`round` gives)."""

    @abstractmethod
    def complexity(self, v: Any) -> tuple:
        """How complex the exact value ``v`` is; the shrinker only takes a smaller one."""

    @abstractmethod
    def simplify(self, v: Any) -> Iterator[Any]:
        """Exact values of the domain to try in place of ``v``, the simplest first.

        Candidates not simpler than ``v`` (by :meth:`complexity`) may appear; the shrinker
        skips them."""

    @abstractmethod
    def grid_round(self, v: Any, den: int) -> Any | None:
        """``v`` rounded to common denominator ``den`` inside the domain; ``v`` itself where this
        parameter has no such rounding, None where none exists (the joint rounding at ``den``
        then fails)."""

    @abstractmethod
    def strategy(self) -> Any:
        """A hypothesis strategy over the domain, its boundary cases included."""

    @abstractmethod
    def pack(self, v: Any) -> list[float]:
        """:attr:`dimension` unconstrained coordinates of the float value ``v``."""

    @abstractmethod
    def unpack(self, x: np.ndarray) -> Any:
        """The float value of the coordinates ``x`` (inverse of :meth:`pack`)."""

    def polish_ok(self, v: Any) -> bool:
        """Whether a value :meth:`unpack` gave may be evaluated; True unless the map can reach
        an excluded point in floating point."""
        return True

