"""A partial minimum (:mod:`paper_checks.prover.partial_min`): a margin convex in one coordinate is at least its value
at a critical point solved exactly in the others (Young's inequality with its exponent free, at ``a = b^(1/(r -
1))``; a divergence on its diagonal), so convexity, the point's place in the interval and the least value are
sub-proofs, each with its own certificate. Re-checked by deriving the derivatives and the critical point's identity
again and re-checking every certificate (:func:`paper_checks.prover.partial_min.recheck`)."""
from __future__ import annotations

from paper_checks.prover.closures.base import PieceGoal, SubproofMethod, register
from paper_checks.prover.partial_min import PartialMin, partial_min, recheck


@register
class PartialMinimum(SubproofMethod):
    """Convex in one coordinate, least at an exact critical point."""

    methods = ("partial minimum",)
    record = PartialMin
    find = staticmethod(partial_min)
    check_record = staticmethod(recheck)

    def applies(self, goal: PieceGoal) -> bool:
        return len(goal.coords) >= 2 and not any(c.index for c in goal.coords)
