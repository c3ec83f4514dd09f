"""The margin as written: where the normal form replaced the conjunct, the margin as traced bounds some boxes
better (``form: written`` in the record). Its records carry the first-order methods' names and are re-checked
by :class:`~paper_checks.prover.enclosures.first_order.FirstOrder` on the margin as written."""
from __future__ import annotations

from paper_checks.prover.closures.base import BoxGoal, BoxMethod, Check, register
from paper_checks.prover.enclosures.bound import Closure, close
from paper_checks.prover.enclosures.first_order import close_again


@register
class AsWritten(BoxMethod):
    """First-order bounds of the conjunct as traced, before its normal form."""

    timed = False  # interval arithmetic on one box: bounded cost

    methods = ()
    form = "written"

    def applies(self, goal: BoxGoal) -> bool:
        return goal.written is not goal.t

    def step(self, goal: BoxGoal) -> Closure | None:
        cl = close(goal.written, goal.box, goal.names)
        return cl if cl.closed else None

    def recheck_box(self, check: Check) -> list[str]:
        return close_again(check)
