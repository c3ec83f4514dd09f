"""Differences of monotone functions (:mod:`paper_checks.prover.differences`): a margin that factors into a number,
even powers and differences ``G(x) - G(y)`` of monotone functions at two coordinates (a squared Lipschitz bound, 0 on
the whole diagonal) has the sign of ``(x - y)^even``; each ``G'``'s sign is a sub-proof with its own certificate.
Re-checked by checking the factorisation as an identity, each difference again and every certificate
(:func:`paper_checks.prover.differences.recheck`)."""
from __future__ import annotations

from paper_checks.prover.closures.base import PieceGoal, SubproofMethod, register
from paper_checks.prover.differences import Differences, differences, recheck


@register
class MonotoneDifferences(SubproofMethod):
    """A product of differences of monotone functions at two coordinates."""

    methods = ("monotone differences",)
    record = Differences
    find = staticmethod(differences)
    check_record = staticmethod(recheck)

    def applies(self, goal: PieceGoal) -> bool:
        return len(goal.coords) >= 2 and not any(c.index for c in goal.coords)
