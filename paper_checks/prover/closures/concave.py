"""Concave in one coordinate (:mod:`paper_checks.prover.concave`): a margin whose second derivative in one coordinate
is ``<= 0`` is at least the smaller of its values at that coordinate's two ends (a convex loss below its chord, 0 at
both ends for every value of a parameter), so concavity and both faces are sub-proofs, each with its own
certificate; a face undefined as written (``0 log 0``) is read by its one-sided limit. Re-checked by deriving the
second derivative and the faces again and re-checking every certificate
(:func:`paper_checks.prover.concave.recheck`)."""
from __future__ import annotations

from paper_checks.prover.closures.base import PieceGoal, SubproofMethod, register
from paper_checks.prover.concave import Concave, concave, recheck


@register
class ConcaveIn(SubproofMethod):
    """Concave in one coordinate, least at one of its ends."""

    methods = ("concave",)
    record = Concave
    find = staticmethod(concave)
    check_record = staticmethod(recheck)

    def applies(self, goal: PieceGoal) -> bool:  # a simplex's coordinate is read as a real where it is its row's only
        return len(goal.coords) >= 2
