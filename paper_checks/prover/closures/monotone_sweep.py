"""Monotone in one coordinate over a whole piece (:mod:`paper_checks.prover.sweep`): the sign of
``d margin / d x_i`` proved on the piece, then the margin on the face it points to, each a sub-proof with its own
certificate. The prover tries it on the conjuncts still open part-way through the boxes
(:func:`paper_checks.prover.prove.prove`), so it takes part in no stage of its own; re-checked by deriving both
margins again and re-checking both certificates (:func:`paper_checks.prover.sweep.recheck`)."""
from __future__ import annotations

from paper_checks.prover.closures.base import PieceGoal, SubproofMethod, register
from paper_checks.prover.sweep import Sweep, recheck, sweep


@register
class MonotoneSweep(SubproofMethod):
    """Monotonicity in one coordinate over the whole piece, then the face."""

    methods = ("monotone sweep",)
    record = Sweep
    find = staticmethod(sweep)
    check_record = staticmethod(recheck)
    found_by = "found on a face by a monotone sweep's sub-problem, verified exactly and shrunk"

    def applies(self, goal: PieceGoal) -> bool:  # a real coordinate to sweep; simplex points (not matrices) kept whole
        return any(not c.index for c in goal.coords) and all(len(c.index) < 2 for c in goal.coords)
