"""Monotone in one coordinate over a whole piece (:mod:`paper_checks.prover.sweep`): the sign of
``d margin / d x_i`` proved on the piece, then the margin on the face it points to, each a sub-proof with its own
certificate. The prover tries it on the conjuncts still open part-way through the boxes
(:func:`paper_checks.prover.prove.prove`), so it takes part in no stage of its own; re-checked by deriving both
margins again and re-checking both certificates (:func:`paper_checks.prover.sweep.recheck`)."""
from __future__ import annotations

from paper_checks.prover.bound import Closure
from paper_checks.prover.closures.base import Check, Outcome, PieceGoal, PieceMethod, register
from paper_checks.prover.sweep import Sweep, recheck, sweep


@register
class MonotoneSweep(PieceMethod):
    """Monotonicity in one coordinate over the whole piece, then the face."""

    methods = ("monotone sweep",)
    costs: dict[str, int] = {}  # run by the prover on what the boxes leave open, not at a stage

    def applies(self, goal: PieceGoal) -> bool:  # a real coordinate to sweep; simplex points (not matrices) kept whole
        return any(not c.index for c in goal.coords) and all(len(c.index) < 2 for c in goal.coords)

    def step(self, goal: PieceGoal) -> Outcome | None:
        sw = sweep(goal.t.expr, list(goal.t.symbols), goal.base, goal.deadline, goal.coords)
        if sw is None:
            return None
        if isinstance(sw, list):
            return Outcome(candidates=[sw], found_by="found on a face by a monotone sweep's sub-problem, verified "
                                                   "exactly and shrunk")
        goal.memo["subproof"] = sw
        return Outcome(Closure(True, 0.0, "monotone sweep", exact=sw.why()))

    def recheck(self, check: Check) -> list[str]:
        if not isinstance(check.subproof, Sweep):
            return [f"{check.where}: no monotone sweep recorded for the piece"]
        return [f"{check.where}: {p}" for p in recheck(check.subproof, check.t.expr, list(check.t.symbols), check.base,
                                                           check.coords)]
