"""A box outside its piece's region (or the simplex) holds no point of the domain: closed as it is, and
re-checked by testing its place again (:func:`paper_checks.prover.enclosures.boxes.status`); a box where a relation
of the domain (``g >= 0``, :mod:`paper_checks.prover.tracing.relations`) fails throughout (an enclosure of ``g`` below
0) holds none either, re-checked by enclosing ``g`` again, the relations derived again from the space (or in Arb's
balls)."""
from __future__ import annotations

import math
from typing import Any

from paper_checks.prover.closures.base import BoxGoal, BoxMethod, Check, register
from paper_checks.prover.enclosures.balls import ball_lower
from paper_checks.prover.enclosures.bound import Closure, intervals
from paper_checks.prover.enclosures.boxes import Box, status


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


def broken(relations: list[tuple[Any, bool]], box: Box) -> str | None:
    """The first relation ``(t, strict)`` whose enclosure on ``box`` lies below 0 (``<= 0`` for a strict one), as
    text; None where none does (or none can be bounded)."""
    for t, strict in relations:
        try:
            v = t.value(intervals(box))
            high = v.b
        except Exception:  # noqa: BLE001  (no enclosure: the relation does not discard the box)
            continue
        if high is None or isinstance(high, float) and math.isnan(high):
            continue
        if high < 0 or (strict and high <= 0):
            return f"{t.expr} {'>' if strict else '>='} 0"
    return None


@register
class OutsideRelation(BoxMethod):
    """No point of the domain in the box: a relation of the domain fails on the whole box."""

    timed = False

    methods = ("outside relation",)

    def applies(self, goal: BoxGoal) -> bool:
        return bool(goal.relations)

    def step(self, goal: BoxGoal) -> Closure | None:
        why = broken(goal.relations, goal.box)
        return None if why is None else Closure(True, math.inf, "outside relation", exact=f"{why} fails on the box")

    def recheck(self, check: Check) -> list[str]:
        if broken(check.relations, check.box) is not None:  # the relations derived again from the space
            return []
        for t, _ in check.relations:  # Arb's balls, where the interval code no longer says so
            low = ball_lower(-t.expr, t.symbols, check.box)
            if low is not None and low > 0:
                return []
        return [f"{check.where}: no relation of the domain fails on the whole box"]

    def recheck_box(self, check: Check) -> list[str]:
        return self.recheck(check)
