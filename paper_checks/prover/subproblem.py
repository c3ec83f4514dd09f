"""A sub-problem of a closure that decides a piece by proving other margins with the same prover
(:mod:`paper_checks.prover.sweep`, :mod:`paper_checks.prover.simplex_sum`): its space, what domain it must have,
and its margin read back on plain symbols for the re-check."""
from __future__ import annotations

from fractions import Fraction
from typing import Any

import sympy

from paper_checks.prover.boxes import Box, groups
from paper_checks.prover.symbols import Coordinate
from paper_checks.search.params import Real, SearchSpace, SimplexPoint


def reals(symbols: list[sympy.Symbol]) -> list[Coordinate]:
    """Every symbol a real coordinate (what a caller without a simplex means)."""
    return [Coordinate(s, str(s), ()) for s in symbols]


def space_of(expr: sympy.Expr, symbols: list[sympy.Symbol], box: Box, what: str,
           coords: list[Coordinate] | None = None) -> SearchSpace | None:
    """A prover's space for ``expr >= 0`` on ``box``: each real coordinate a ``Real`` (closed, but for an end at 0
    that its symbol's strict sign excludes: :func:`open_ends`), and each simplex point whose free coordinates are
    among ``coords`` the whole simplex (a ``SimplexPoint``: the piece's region of it lies inside, so a proof there
    holds on the piece); None where an end is not a binary float (the space could not hold it exactly) or a
    coordinate is a row of a matrix."""
    coords = coords or reals(symbols)
    params: list[Any] = []
    for s, c, (lo, hi) in zip(symbols, coords, box):
        if c.index:
            continue
        if Fraction(float(lo)) != lo or Fraction(float(hi)) != hi:
            return None
        params.append(Real(str(s), float(lo), float(hi), *open_ends(s, lo, hi)))
    at: dict[sympy.Symbol, tuple[str, int]] = {}
    for (name, row), idx in groups(coords).items():
        if row is not None:
            return None
        params.append(SimplexPoint(name, len(idx) + 1))
        at.update({symbols[i]: (name, coords[i].index[0]) for i in idx})

    def exact(pt: Any) -> Any:
        return expr.xreplace({s: (pt[at[s][0]][at[s][1]] if s in at else pt[str(s)]) for s in symbols})

    def margin(pt: Any) -> float:
        return float(sympy.N(exact(pt)))

    return SearchSpace(tuple(params), margin, exact, description=what)


def open_ends(s: sympy.Symbol, low: Fraction, high: Fraction) -> tuple[bool, bool]:
    """Whether the ends ``low``, ``high`` of coordinate ``s`` are open: an end at 0 that the symbol's strict sign
    excludes (:func:`paper_checks.prover.symbols.sign_assumptions`: ``q`` in ``(0, 1]`` is positive)."""
    return bool(low == 0 and s.is_positive), bool(high == 0 and s.is_negative)


def wanted(symbols: list[sympy.Symbol], coords: list[Coordinate], box: Box) -> list[tuple[Any, ...]]:
    """The parameters a sub-problem on ``box`` must have: each real coordinate's interval and open ends, each
    simplex's size."""
    out: list[tuple[Any, ...]] = [(str(s), Fraction(a), Fraction(b), *open_ends(s, a, b))
                                  for s, c, (a, b) in zip(symbols, coords, box) if not c.index]
    return out + [(name, len(idx) + 1) for (name, _), idx in groups(coords).items()]


def held(space: SearchSpace) -> list[tuple[Any, ...]]:
    return [(p.name, p.dim) if isinstance(p, SimplexPoint) else
            (p.name, Fraction(p.low), Fraction(p.high), p.open_low, p.open_high) for p in space.params]


def symbolic_margin(space: SearchSpace) -> Any:
    """``space``'s exact margin at a point of plain symbols named as the traced ones (``f[1]`` for entry 1 of the
    simplex point ``f``; the eliminated entry is its own symbol, which the margins compared never read)."""
    pt: dict[str, Any] = {}
    for p in space.params:
        if isinstance(p, SimplexPoint):
            pt[p.name] = [sympy.Symbol(f"{p.name}[{j}]") for j in range(p.dim)]
        else:
            pt[p.name] = sympy.Symbol(p.name)
    return sympy.sympify(space.exact_margin(pt))


def coordinate_of(pt: Any, s: sympy.Symbol, c: Coordinate) -> Fraction:
    """Coordinate ``c`` (symbol ``s``) of a sub-problem's point: a real's value, or a simplex point's entry."""
    return Fraction(str(pt[c.param][c.index[0]] if c.index else pt[str(s)]))
