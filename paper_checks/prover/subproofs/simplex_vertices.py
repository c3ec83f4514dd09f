"""Affine in a simplex row: a margin that is affine in the coordinates of one simplex point is ``>= 0`` on the
simplex if it is ``>= 0`` at each of its vertices.

A risk is linear in the prediction: the noisy risk of MAE at one input, ``sum_k w_k (2 - 2 f_k)`` (Ghosh et al.
2017, Thm 1), is affine in ``f`` for each noise rate and clean distribution. On a point ``u`` of the simplex,
``m(u) = sum_v lambda_v m(e_v)`` with the barycentric weights ``lambda_v = u_v >= 0`` summing to 1, so the
``c`` vertex margins ``m(e_v)`` (one simplex fewer each) decide the piece. Each is a problem of the same prover
(:func:`paper_checks.prover.prove.prove`) with its own certificate, or a constant decided exactly; a vertex's
problem is the same on every region of the simplex and is proved once. Coordinates the margin reads only through
their sum (a point folded onto ``c`` classes, :func:`label_noise_lab.theory.simplex.fold`) are merged first
(:func:`paper_checks.prover.subproofs.subproblem.merge`), so the vertices are the ``c`` classes'.

The margin is affine where each derivative in the row's coordinates is free of them (SymPy, exact), and the
identity ``m = m(0) + sum_i w_i dm/dw_i`` holds (SymPy's ``simplify``). :func:`recheck` derives all of it and every
vertex margin again, compares the domains and re-checks every certificate; it never trusts the run.

The closure here (:class:`SimplexVertices`, registered for :mod:`paper_checks.prover.schedule`): affine in a simplex row
(:mod:`paper_checks.prover.subproofs.simplex_vertices`): the margin at each vertex of the row, each a sub-proof with its
own certificate (or a constant decided exactly). Re-checked by deriving the affinity and every vertex margin again and
re-checking every certificate (:func:`paper_checks.prover.subproofs.simplex_vertices.recheck`).
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import sympy

from paper_checks.prover.budget import Budget
from paper_checks.prover.closures.base import PieceGoal, SubproofMethod, register
from paper_checks.prover.enclosures.boxes import Box, groups
from paper_checks.prover.subproofs.subproblem import (
    constant_holds,
    merge,
    nested,
    outside_row,
    proved_once,
    recheck_or_constant,
)
from paper_checks.prover.tracing.normal import is_zero
from paper_checks.prover.tracing.symbols import Coordinate
from paper_checks.search.params import SearchSpace

#: how many of these steps may nest (a vertex's problem affine in another simplex)
MAX_DEPTH = 2



@dataclass
class Vertex:
    """One vertex of the row: its margin, and its proof (``space``/``proof`` None for a constant decided exactly)."""

    margin: sympy.Expr
    space: SearchSpace | None
    proof: Any  # ProofResult (proved), or None


@dataclass
class Vertices:
    """A piece closed at the vertices of simplex row ``row``: ``reps`` the row's coordinates after merging
    (``absorbed``: name -> the representative's name), ``vertices[0]`` the vertex where they are all 0 (the
    eliminated coordinate is 1), ``vertices[i]`` where ``reps[i-1]`` is 1."""

    row: tuple[str, int | None]
    reps: list[sympy.Symbol]
    absorbed: dict[str, str]
    vertices: list[Vertex]

    @property
    def name(self) -> str:
        return f"the vertices of {self.row[0]}"

    def why(self) -> str:
        proofs = sum(v.proof is not None for v in self.vertices)
        return (f"affine in {self.row[0]} ({len(self.absorbed)} coordinates merged): >= 0 at its "
                f"{len(self.vertices)} vertices ({proofs} proved, {len(self.vertices) - proofs} constants decided "
                "exactly)")


def affine_vertices(expr: sympy.Expr, symbols: list[sympy.Symbol], coords: list[Coordinate],
                    row: tuple[str, int | None]) -> tuple[list[sympy.Symbol], dict[str, str], list[sympy.Expr]] | None:
    """``(reps, absorbed, vertex margins)`` where ``expr`` is affine in simplex row ``row`` (after merging), or
    None (it does not read the row, or is not affine in it)."""
    idx = groups(coords).get(row)
    if not idx:
        return None
    merged, reps, absorbed = merge(expr, [symbols[i] for i in idx])
    if not reps:
        return None
    on = set(reps)
    slopes = []
    for w in reps:  # one at a time: most margins are not affine, and the first derivative says so
        d = sympy.diff(merged, w)
        if d.free_symbols & on or d.has(sympy.Derivative, sympy.Subs):
            return None
        slopes.append(d)
    zero = {w: sympy.Integer(0) for w in reps}
    base = merged.xreplace(zero)
    if base.has(sympy.nan, sympy.zoo):
        return None
    rest = merged - base - sympy.Add(*[w * d for w, d in zip(reps, slopes)])
    if rest != 0 and sympy.expand(rest) != 0 and not is_zero(rest):
        return None
    return reps, absorbed, [base] + [merged.xreplace({**zero, w: sympy.Integer(1)}) for w in reps]


def simplex_vertices(expr: sympy.Expr, symbols: list[sympy.Symbol], box: Box, budget: Budget,
                     coords: list[Coordinate]) -> Vertices | None:
    """Close ``expr >= 0`` on the piece (``box``) at the vertices of one of its simplex rows in which it is affine
    (the module docstring), or None."""
    with nested("SimplexVertices", budget, MAX_DEPTH) as stop:
        for row in groups(coords) if stop is not None else ():
            found = affine_vertices(expr, symbols, coords, row)
            if found is None:
                continue
            reps, absorbed, margins = found
            th, th_coords, th_box = outside_row(symbols, coords, box, row)
            done: list[Vertex] = []
            for k, m in enumerate(margins):
                if not m.free_symbols & set(th):
                    if m.free_symbols or not constant_holds(m):
                        break
                    done.append(Vertex(m, None, None))
                    continue
                left = stop.left() / (len(margins) - k)  # type: ignore[union-attr]
                got = proved_once(m, th, th_box, th_coords, f"the margin at vertex {k} of {row[0]}: {m}", left)
                if got is None:
                    break
                done.append(Vertex(m, *got))
            else:
                return Vertices(row, reps, absorbed, done)
        return None


def recheck(rec: Vertices, expr: sympy.Expr, symbols: list[sympy.Symbol], box: Box,
            coords: list[Coordinate]) -> list[str]:
    """Why ``rec`` does not close ``expr >= 0`` on ``box`` (empty: it does); see the module docstring."""

    found = affine_vertices(expr, symbols, coords, rec.row)
    if found is None:
        return [f"the margin is not affine in {rec.row[0]} again"]
    reps, absorbed, margins = found
    if [str(r) for r in reps] != [str(r) for r in rec.reps] or absorbed != rec.absorbed:
        return ["the merged coordinates derived again are not the ones recorded"]
    if len(margins) != len(rec.vertices):
        return [f"{len(rec.vertices)} vertices recorded, {len(margins)} derived again"]
    out = []
    th, th_coords, th_box = outside_row(symbols, coords, box, rec.row)
    for k, (m, v) in enumerate(zip(margins, rec.vertices)):
        proof = None if v.space is None else (v.space, v.proof)
        out += recheck_or_constant(proof, m, th, th_coords, th_box, f"vertex {k}")
    return out


@register
class SimplexVertices(SubproofMethod):
    """A margin affine in a simplex point, at the simplex's vertices."""

    methods = ("vertices",)
    record = Vertices
    find = staticmethod(simplex_vertices)
    check_record = staticmethod(recheck)

    def applies(self, goal: PieceGoal) -> bool:  # a simplex point (not a matrix row)
        return bool(goal.rows) and all(len(c.index) < 2 for c in goal.coords)
