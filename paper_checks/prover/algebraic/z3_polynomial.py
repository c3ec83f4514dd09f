"""z3 on a rational margin in several variables: ``unsat`` of "a point of the piece where ``n d < 0``" proves
it (:func:`paper_checks.prover.algebraic.solver.z3_decide`); a model gives rational candidates that the prover verifies
exactly. Re-checked by deriving the problem again and deciding it in a fresh z3 context with the NLSAT tactic
(:func:`paper_checks.prover.algebraic.solver.recheck_problem`; real roots for one variable)."""
from __future__ import annotations

from paper_checks.prover.algebraic.real_roots import problem_again
from paper_checks.prover.algebraic.solver import Z3_MILLISECONDS, recheck_problem, z3_decide
from paper_checks.prover.budget import Budget
from paper_checks.prover.closures.base import Check, Outcome, PieceGoal, PieceMethod, register
from paper_checks.prover.enclosures.bound import Closure


def milliseconds(budget: Budget, most: int = Z3_MILLISECONDS) -> int:
    """z3's time slice: at most ``most`` ms, and half of what is left of ``budget``."""
    return int(min(most, 500 * max(budget.left(), 0.01)))


@register
class Z3Polynomial(PieceMethod):
    """z3 (NLSAT) on a rational margin."""

    methods = ("z3",)

    def applies(self, goal: PieceGoal) -> bool:
        return goal.problem() is not None

    def step(self, goal: PieceGoal) -> Outcome | None:
        pr = goal.problem()
        if pr is None:
            return None
        outcome, cands = z3_decide(pr, milliseconds(goal.budget))
        if outcome == "unsat":
            return Outcome(Closure(True, 0.0, "z3"), problem=pr)
        return Outcome(candidates=cands,
                       found_by="found by z3 on the polynomial margin, verified exactly and shrunk")

    def recheck(self, check: Check) -> list[str]:
        again, bad = problem_again(check)
        if bad:
            return bad
        why = recheck_problem(again, check.closure.method)
        return [f"{check.where}: {why}"] if why else []
