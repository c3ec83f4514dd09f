"""Scaling: the corner box at the origin of a margin homogeneous of a degree ``k > 0`` in the coordinates that
start at 0 (:mod:`paper_checks.prover.symmetry.scaling`, found by
:meth:`paper_checks.prover.critical.tight.Tight.scaled`). Re-checked by deriving the homogeneity again and checking the
box's geometry."""
from __future__ import annotations

from paper_checks.prover.closures.base import BoxGoal, BoxMethod, Check, register
from paper_checks.prover.enclosures.bound import Closure
from paper_checks.prover.enclosures.boxes import groups
from paper_checks.prover.symmetry.scaling import closes, homogeneity


@register
class Scaling(BoxMethod):
    """A homogeneous margin's corner box at the origin."""

    methods = ("scaling",)

    def step(self, goal: BoxGoal) -> Closure | None:
        return goal.tight.scaled(goal.t, goal.coords, goal.base, goal.names, goal.key, goal.box)

    def recheck_box(self, check: Check) -> list[str]:
        simplex = {k for g in groups(check.coords or []).values() for k in g}
        base = check.base or check.box
        h = homogeneity(check.t, base, simplex)
        if h is None or set(h.coords) != set(check.closure.at or {}) or not closes(h, check.box, base):
            return [f"{check.where}: the margin is not homogeneous in {sorted(check.closure.at or {})} again, or "
                    "the box is no corner box of the scaling argument"]
        return []
