"""A class sum over a simplex (:mod:`paper_checks.prover.simplex_sum`): ``rest + sum_j phi(u_j)`` closed by a
linear minorant of ``phi`` (its tangent at the centre, or its chord), proved on one coordinate ``s`` in ``[0, 1]``,
and the sum's value under it, each a sub-proof with its own certificate. Re-checked by deriving the decomposition,
its identity and both margins again, and re-checking both certificates
(:func:`paper_checks.prover.simplex_sum.recheck`)."""
from __future__ import annotations

from paper_checks.prover.bound import Closure
from paper_checks.prover.closures.base import Check, Outcome, PieceGoal, PieceMethod, register
from paper_checks.prover.simplex_sum import MIN_CLASSES, SimplexSum, recheck, simplex_sum


@register
class ClassSum(PieceMethod):
    """A sum of one term per class of a simplex point, through a minorant of its term."""

    methods = ("class sum",)
    costs = {"piece": 40}  # after the normal form and the solvers: it runs two sub-proofs

    def applies(self, goal: PieceGoal) -> bool:  # a simplex (not a matrix row) of at least MIN_CLASSES - 1 coordinates
        return any(len(r) >= MIN_CLASSES - 1 for r in goal.rows) and all(len(c.index) < 2 for c in goal.coords)

    def step(self, goal: PieceGoal) -> Outcome | None:
        rec = simplex_sum(goal.t.expr, list(goal.t.symbols), goal.base, goal.deadline, goal.coords)
        if rec is None:
            return None
        goal.memo["subproof"] = rec
        return Outcome(Closure(True, 0.0, "class sum", exact=rec.why()))

    def recheck(self, check: Check) -> list[str]:
        if not isinstance(check.subproof, SimplexSum):
            return [f"{check.where}: no class sum recorded for the piece"]
        return [f"{check.where}: {p}" for p in recheck(check.subproof, check.t.expr, list(check.t.symbols),
                                                           check.base, check.coords)]
