"""The tail of an unbounded coordinate (:mod:`paper_checks.prover.tail`): a box that reaches the pole of its chart,
where the margin is ``oo - oo`` as written (``e^x - 1 - x - x^2/2 - x^3/6`` at ``x = oo``), closed by its derivatives
in the chart's value from the box's finite end (Taylor's theorem), each between its value there and its limit at the
pole. Re-checked by deriving the derivatives again and
closing the box again at :data:`~paper_checks.prover.closures.base.RECHECK_PREC` bits."""
from __future__ import annotations

from paper_checks.prover.bound import Closure
from paper_checks.prover.closures.base import RECHECK_PREC, BoxGoal, BoxMethod, Check, register
from paper_checks.prover.tail import closes
from paper_checks.prover.trace import precision


@register
class Tail(BoxMethod):
    """Taylor's theorem toward the pole of a chart."""

    methods = ("tail",)

    def step(self, goal: BoxGoal) -> Closure | None:
        found = closes(goal.t, goal.box)
        if found is None:
            return None
        i, k, end, lower, limits = found
        how = (f"the derivatives up to the order {k} from {goal.names[i]} = {end} toward the chart's pole"
               + (", with their limits there" if limits else " (Taylor's theorem)"))
        return Closure(True, lower, "tail", exact=how, at={i: end})

    def recheck_box(self, check: Check) -> list[str]:
        with precision(RECHECK_PREC):
            again = closes(check.t, check.box, fresh=True)
        if again is None or again[0] not in (check.closure.at or {}) or again[2] != (check.closure.at or {})[again[0]]:
            return [f"{check.where}: Taylor's theorem toward the pole does not close the box again"]
        return []
