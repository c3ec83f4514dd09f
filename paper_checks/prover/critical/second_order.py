"""The second-order closure: around a critical set (a point, a segment, a valley) where the margin is ``>= v``
with zero (or inward) gradient, a Hessian PSD on the hull of the box and the set (``hessian``), or for a zero of
high order, the sign of the ``k``-th derivative (``taylor``): :mod:`paper_checks.prover.critical.second`, found by
:meth:`paper_checks.prover.critical.tight.Tight.second_order`; a box partly outside the simplex is closed across it by
a set found before (:meth:`~paper_checks.prover.critical.tight.Tight.across`). Re-checked by deriving the critical set
again from its coordinates alone and bounding the Hessian again at
:data:`~paper_checks.prover.closures.base.RECHECK_PREC` bits."""
from __future__ import annotations

from paper_checks.prover.closures.base import RECHECK_PREC, BoxGoal, BoxMethod, Check, register
from paper_checks.prover.critical.second import critical_at, psd_closes
from paper_checks.prover.enclosures.bound import Closure


@register
class SecondOrder(BoxMethod):
    """Convexity (or Taylor's theorem) around a critical set."""

    methods = ("hessian", "taylor")

    def step(self, goal: BoxGoal) -> Closure | None:
        if goal.stage == "inside":
            return goal.tight.second_order(goal.t, goal.coords, goal.base, goal.names, goal.key, goal.box)
        return goal.tight.across(goal.key, goal.box)

    def recheck_box(self, check: Check) -> list[str]:
        crit = critical_at(check.t, dict(check.closure.at or {}), check.base, check.rows)
        if crit is None or crit.lower < check.closure.lower - 1e-12 or crit.method != check.closure.method:
            return [f"{check.where}: the critical set {check.closure.at} is not one again"]
        return [] if psd_closes(crit, check.box, RECHECK_PREC) else [f"{check.where}: the Hessian is not PSD on "
                                                                     "the hull again"]
