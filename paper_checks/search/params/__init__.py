"""The parameters of a search domain and the domain itself (:class:`SearchSpace`).

A claim declares where it is searched as a tuple of parameters, each a subclass of
:class:`Parameter`:

- ``Real(name, low, high, open_low=False, open_high=False)``: a real in ``[low, high]`` (an
  open end excluded);
- ``Integer(name, low, high)``: an integer in ``[low, high]``;
- ``Sign(name)``: a binary label ``y`` in ``{-1, +1}``;
- ``SimplexPoint(name, dim)``: a point of the closed probability simplex (a length-``dim``
  array summing to 1);
- ``StochasticMatrix(name, dim)``: a row-stochastic ``dim x dim`` matrix (a noise transition
  matrix ``T``, Patrini et al. 2017, Eq. 1).

Each parameter knows how to :meth:`~Parameter.sample` its domain (a share on the boundary),
:meth:`~Parameter.round` a float value to exact rationals *inside* the domain, propose
simpler exact values for the shrinker (:meth:`~Parameter.simplify`, ordered by
:meth:`~Parameter.complexity`), map itself to unconstrained coordinates for the local polish
(:attr:`~Parameter.dimension`, :meth:`~Parameter.pack`, :meth:`~Parameter.unpack`) and give
a hypothesis strategy over its domain (:meth:`~Parameter.strategy`). The search loop
(:mod:`paper_checks.search.loop`) and the shrinker (:mod:`paper_checks.search.shrinker`) only call these
methods.

Modules: :mod:`~paper_checks.search.params.base` (the interface), :mod:`~paper_checks.search.params.scalar`
(``Real``, ``Integer``), :mod:`~paper_checks.search.params.simplex` (``SimplexPoint``,
``StochasticMatrix``), :mod:`~paper_checks.search.params.space` (``SearchSpace``, ``to_rational``),
:mod:`~paper_checks.search.params.sign` (``Sign``).
"""
from __future__ import annotations

from paper_checks.search.params.base import BOUNDARY_SHARE, Parameter, Point
from paper_checks.search.params.scalar import Integer, Real
from paper_checks.search.params.sign import Sign
from paper_checks.search.params.simplex import SimplexPoint, StochasticMatrix
from paper_checks.search.params.space import NarrowingError, SearchSpace, range_setting, to_rational

#: the former name of the parameter type (then a ``Union`` of the four classes)
Param = Parameter

__all__ = ["BOUNDARY_SHARE", "Integer", "NarrowingError", "Param", "Parameter", "Point", "Real", "SearchSpace",
           "SimplexPoint", "StochasticMatrix", "range_setting", "to_rational", "Sign"]
