"""A box outside its piece's region (or the simplex) holds no point of the domain: closed as it is, and
re-checked by testing its place again (:func:`paper_checks.prover.enclosures.boxes.status`)."""
from __future__ import annotations

import math

from paper_checks.prover.closures.base import BoxGoal, BoxMethod, Check, register
from paper_checks.prover.enclosures.bound import Closure
from paper_checks.prover.enclosures.boxes import status


@register
class OutsideRegion(BoxMethod):
    """No point of the domain in the box."""

    timed = False

    methods = ("outside region",)

    def step(self, goal: BoxGoal) -> Closure | None:
        return Closure(True, math.inf, "outside region")

    def recheck(self, check: Check) -> list[str]:
        return [] if status(check.box, check.coords) == "outside" else [f"{check.where}: not outside its region"]

    def recheck_box(self, check: Check) -> list[str]:
        return self.recheck(check)
