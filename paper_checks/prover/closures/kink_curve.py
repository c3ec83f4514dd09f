"""A kink along a curve (:mod:`paper_checks.prover.kink_curve`): a ``Max``/``Min`` whose sides cross where a
coordinate equals a function of the others (a clip that moves with a parameter: ``min(-log p, -A)`` at ``p = e^A``)
is decided on the two cells that curve cuts, each mapped onto a box; the curve's place in the interval, each cell's
active side and its margin are sub-proofs, each with its own certificate. Re-checked by deriving every sub-problem
again and re-checking every certificate (:func:`paper_checks.prover.kink_curve.recheck`)."""
from __future__ import annotations

from paper_checks.prover.closures.base import PieceGoal, SubproofMethod, register
from paper_checks.prover.kink_curve import KinkCurve, kink_curve, recheck


@register
class KinkAlongACurve(SubproofMethod):
    """A kink cut along the curve where its sides cross."""

    methods = ("kink curve",)
    record = KinkCurve
    find = staticmethod(kink_curve)
    check_record = staticmethod(recheck)

    def applies(self, goal: PieceGoal) -> bool:
        return len(goal.coords) >= 2 and not any(c.index for c in goal.coords)
