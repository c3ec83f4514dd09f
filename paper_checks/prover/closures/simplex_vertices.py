"""Affine in a simplex row (:mod:`paper_checks.prover.simplex_vertices`): the margin at each vertex of the row, each
a sub-proof with its own certificate (or a constant decided exactly). Re-checked by deriving the affinity and every
vertex margin again and re-checking every certificate (:func:`paper_checks.prover.simplex_vertices.recheck`)."""
from __future__ import annotations

from paper_checks.prover.closures.base import PieceGoal, SubproofMethod, register
from paper_checks.prover.simplex_vertices import Vertices, recheck, simplex_vertices


@register
class SimplexVertices(SubproofMethod):
    """A margin affine in a simplex point, at the simplex's vertices."""

    methods = ("vertices",)
    record = Vertices
    find = staticmethod(simplex_vertices)
    check_record = staticmethod(recheck)

    def applies(self, goal: PieceGoal) -> bool:  # a simplex point (not a matrix row)
        return bool(goal.rows) and all(len(c.index) < 2 for c in goal.coords)
