"""z3 on a piecewise polynomial margin (``Max``, ``Min``, ``Abs``, ``sign``, ``Piecewise`` of polynomials as
if-then-else, :func:`paper_checks.prover.algebraic.solver.branches_decide`): ``unsat`` proves it; a model gives
candidates to verify exactly. Re-checked by z3 again in a fresh context, the if-then-else terms eliminated
first, then NLSAT."""
from __future__ import annotations

from paper_checks.prover.algebraic.solver import branches_decide
from paper_checks.prover.algebraic.z3_polynomial import milliseconds
from paper_checks.prover.closures.base import Check, Outcome, PieceGoal, PieceMethod, register
from paper_checks.prover.enclosures.bound import Closure
from paper_checks.prover.tracing.normal import has_branches


@register
class Z3Branches(PieceMethod):
    """z3 with the margin's branches as if-then-else."""

    methods = ("z3 branches",)

    def applies(self, goal: PieceGoal) -> bool:
        return has_branches(goal.t.expr) and goal.problem() is None

    def step(self, goal: PieceGoal) -> Outcome | None:
        t = goal.t
        outcome, cands = branches_decide(t.expr, t.symbols, goal.base, goal.rows, milliseconds(goal.budget))
        if outcome == "unsat":
            return Outcome(Closure(True, 0.0, "z3 branches"))
        return Outcome(candidates=cands,
                       found_by="found by z3 on the piecewise polynomial margin, verified exactly and shrunk")

    def recheck(self, check: Check) -> list[str]:
        t = check.t
        outcome, _ = branches_decide(t.expr, t.symbols, check.base, check.rows, recheck=True)
        return [] if outcome == "unsat" else [f"{check.where}: z3 re-run on the branches (ite eliminated, NLSAT) "
                                              f"says {outcome}, not unsat"]
