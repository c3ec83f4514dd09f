"""Real-root isolation: a rational margin ``n / d`` in one variable is ``>= 0`` on its interval where ``n d`` has
no root of odd multiplicity strictly inside and the right sign at the midpoint (Sturm sequences,
:func:`paper_checks.prover.algebraic.solver.roots_decide`). Re-checked by deriving the problem again from the margin
and isolating its roots again."""
from __future__ import annotations

from typing import Any

from paper_checks.prover.algebraic.solver import problem, recheck_problem, roots_decide
from paper_checks.prover.closures.base import Check, Outcome, PieceGoal, PieceMethod, register
from paper_checks.prover.enclosures.bound import Closure


def problem_again(check: Check) -> tuple[Any, list[str]]:
    """The polynomial problem derived again from the margin, and a problem when it is not the recorded one."""
    pr = check.problem
    t = check.t
    again = problem(t.expr, t.symbols, check.base, check.rows)
    if pr is None or again is None or again.num * pr.den != pr.num * again.den:
        return None, [f"{check.where}: the polynomial problem is not the margin's"]
    return again, []


@register
class RealRoots(PieceMethod):
    """Real roots of a rational margin in one variable (no simplex row)."""

    methods = ("real roots",)

    def applies(self, goal: PieceGoal) -> bool:
        return goal.problem() is not None

    def step(self, goal: PieceGoal) -> Outcome | None:
        pr = goal.problem()
        if pr is not None and roots_decide(pr):
            return Outcome(Closure(True, 0.0, "real roots"), problem=pr)
        return None

    def recheck(self, check: Check) -> list[str]:
        again, bad = problem_again(check)
        if bad:
            return bad
        why = recheck_problem(again, check.closure.method)
        return [f"{check.where}: {why}"] if why else []
