"""The first-order bounds of a box (:func:`paper_checks.prover.enclosures.bound.close`): the natural interval extension,
the mean-value form, a derivative of one sign moving the box to a face, an exact point, one argument of a
``Max``, the kinks decided on the box replaced by their active arguments. This is the bounding step: where it
does not close the box, its lower bound orders the open boxes and its ``smear`` says where to split. Re-checked
by the exact values at the box's points, the recorded derivatives' signs at its corners, and the box closed
again at :data:`~paper_checks.prover.closures.base.RECHECK_PREC` bits."""
from __future__ import annotations

from paper_checks.prover.closures.base import RECHECK_PREC, BoxGoal, BoxMethod, Check, register
from paper_checks.prover.enclosures.bound import Closure, close
from paper_checks.prover.tracing.trace import precision


def close_again(check: Check) -> list[str]:
    """The box closed again from the re-traced margin at :data:`RECHECK_PREC` bits."""
    with precision(RECHECK_PREC):
        again = close(check.t, check.box, check.names)
    return [] if again.closed else [f"{check.where}: not closed again at {RECHECK_PREC} bits ({again.method})"]


@register
class FirstOrder(BoxMethod):
    """Interval, mean value, monotone, point, max, kink."""

    timed = False  # interval arithmetic on one box: bounded cost

    methods = ("interval", "mean value", "monotone", "point", "max", "kink")

    def step(self, goal: BoxGoal) -> Closure | None:
        return close(goal.t, goal.box, goal.names)

    def recheck_box(self, check: Check) -> list[str]:
        return close_again(check)
