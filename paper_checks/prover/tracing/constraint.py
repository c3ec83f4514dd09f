"""A domain's constraint on one piece, read as a bound on one real coordinate (:func:`piece_box`).

A :class:`~paper_checks.search.params.SearchSpace` may restrict its parameters' box by a ``constraint`` (a point
to a truth value: ``k >= 1/c`` in Zhang & Sabuncu 2018, Eq. 10). The prover reads it where it can:

* the constraint is called on the piece's point of symbols (integers fixed, as the margin is traced:
  :func:`paper_checks.prover.tracing.trace.symbolic_point`); a comparison it decides on the whole piece's box takes that
  branch (:func:`paper_checks.prover.tracing.trace.decided_comparisons`);
* what it returns is read: true (no restriction on this piece), false (the piece lies outside the domain, and
  nothing is to prove there), or a comparison (or a ``sympy.And`` of comparisons) affine in one real coordinate
  with rational coefficients, ``a x + b >= 0``: that coordinate's interval is narrowed to the exact bound
  ``-b/a`` (a strict comparison narrows to the closed end: a proof there covers the open one);
* any other comparison ``g >= 0`` (``>``, ``<=``, ``<``: ``x^2 + y^2 <= 1``, ``x + y <= z``) is a *relation* of the
  piece (:attr:`PieceBox.relations`): every point of the domain satisfies it, so a box where an enclosure of ``g`` is
  below 0 holds none (:class:`~paper_checks.prover.enclosures.outside.OutsideRelation`) and z3 takes it as a
  hypothesis (:func:`paper_checks.prover.algebraic.fragment.decide`); every other closure proves the whole box, a
  superset;
* anything else (a constraint written with ``float()``, an ``Or``, a disequation, or not traceable) is not read:
  the proof then covers the whole box, a superset, and says so.

Write a constraint so that it reads on symbols as on numbers (``lambda pt: pt["k"] * pt["c"] >= 1``, not
``float(pt["k"]) * int(pt["c"]) >= 1.0``). The same function gives the prover its pieces' boxes and the re-check
(:mod:`paper_checks.prover.certificate`) its own, derived again from the space.
"""
from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction
from typing import Any

import sympy

from paper_checks.prover.enclosures.boxes import Box, Piece, initial_box
from paper_checks.prover.tracing.trace import (
    Coordinate,
    Traced,
    Untraceable,
    compile_traced,
    decided_comparisons,
    domain_bounds,
    symbolic_point,
)
from paper_checks.search.params import SearchSpace

_RELATIONS = (sympy.GreaterThan, sympy.StrictGreaterThan, sympy.LessThan, sympy.StrictLessThan)


@dataclass(frozen=True)
class PieceBox:
    """A piece's box under the domain's constraint: ``box`` None where the piece lies outside the domain;
    ``read`` False where a constraint exists but was not read (``box`` is then the whole box); ``relations`` the
    comparisons kept as relations ``(g, strict)``: ``g >= 0`` (``g > 0``) at every point of the domain."""

    box: Box | None
    read: bool
    relations: tuple[tuple[sympy.Expr, bool], ...] = ()


def piece_box(space: SearchSpace, piece: Piece, coords: list[Coordinate]) -> PieceBox:
    """The box of ``piece`` (:func:`paper_checks.prover.enclosures.boxes.initial_box`) narrowed by ``space.constraint``
    as the module docstring says."""
    box = initial_box(space, coords)
    if space.constraint is None:
        return PieceBox(box, True)
    try:
        point, _ = symbolic_point(space, dict(piece.integers), dict(piece.eliminated))
        with decided_comparisons(domain_bounds(space, coords)):
            said = sympy.sympify(space.constraint(point))
    except Exception:  # noqa: BLE001  (a constraint that cannot take symbols is not read)
        return PieceBox(box, False)
    parts = list(said.args) if isinstance(said, sympy.And) else [said]
    relations: list[tuple[sympy.Expr, bool]] = []
    for part in parts:
        if part is sympy.true:
            continue
        if part is sympy.false:
            return PieceBox(None, True)
        bound = _affine_bound(part, coords)
        if bound is None:
            kept = _relation(part, coords)
            if kept is None:
                return PieceBox(initial_box(space, coords), False)
            relations.append(kept)
            continue
        i, end, value = bound
        lo, hi = box[i]
        box[i] = (max(lo, value), hi) if end == "low" else (lo, min(hi, value))
        if box[i][0] > box[i][1]:
            return PieceBox(None, True)
        if box[i][0] == box[i][1]:  # one value left: a box of no width is not one the splits can cover
            return PieceBox(initial_box(space, coords), False)
    return PieceBox(box, True, tuple(relations))


def _relation(rel: Any, coords: list[Coordinate]) -> tuple[sympy.Expr, bool] | None:
    """``(g, strict)`` for a comparison ``g >= 0`` (``g > 0``) in the piece's coordinates; else None."""
    if not isinstance(rel, _RELATIONS):
        return None
    above = isinstance(rel, (sympy.GreaterThan, sympy.StrictGreaterThan))
    g = rel.lhs - rel.rhs if above else rel.rhs - rel.lhs
    if not g.free_symbols <= {c.symbol for c in coords}:
        return None
    return g, isinstance(rel, (sympy.StrictGreaterThan, sympy.StrictLessThan))


def _affine_bound(rel: Any, coords: list[Coordinate]) -> tuple[int, str, Fraction] | None:
    """``(i, "low" | "high", value)`` when ``rel`` is ``a x_i + b (>=, >, <=, <) 0`` for one real coordinate
    ``x_i`` and rational ``a != 0``, ``b``; else None."""
    if not isinstance(rel, _RELATIONS):
        return None
    e = sympy.expand(rel.lhs - rel.rhs)
    reals = {c.symbol: i for i, c in enumerate(coords) if not c.index}
    if len(e.free_symbols) != 1 or not e.free_symbols <= set(reals):
        return None
    (x,) = e.free_symbols
    a, b = e.coeff(x, 1), e.coeff(x, 0)
    if sympy.expand(e - a * x - b) != 0 or not (a.is_Rational and b.is_Rational) or a == 0:
        return None
    value = Fraction(int((-b / a).p), int((-b / a).q))
    above = isinstance(rel, (sympy.GreaterThan, sympy.StrictGreaterThan)) == bool(a > 0)
    return reals[x], "low" if above else "high", value


def traced_relations(relations: tuple[tuple[sympy.Expr, bool], ...], symbols: list[sympy.Symbol]
                     ) -> list[tuple[Traced, bool]] | None:
    """The relations compiled to interval code on the piece's symbols; None where one cannot be (the proof then
    covers the whole box, a superset: it says so)."""
    out = []
    for g, strict in relations:
        try:
            out.append((compile_traced(g, symbols), strict))
        except (Untraceable, TypeError, ValueError, AttributeError, RecursionError):
            return None
    return out
