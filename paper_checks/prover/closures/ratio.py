"""A margin homogeneous in positive coordinates decided on their ratios (:mod:`paper_checks.prover.ratio`): one
sub-proof with one coordinate fewer (Jensen's log inequality with its weight free, ``a = b`` a plane of zeros, becomes
one in ``a/b`` and the weight, ``a/b = 1`` a line). Re-checked by proving the homogeneity again, deriving the
sub-problem again and re-checking its certificate (:func:`paper_checks.prover.ratio.recheck`)."""
from __future__ import annotations

from paper_checks.prover.closures.base import PieceGoal, SubproofMethod, register
from paper_checks.prover.ratio import Ratio, positive, ratio, recheck


@register
class Ratios(SubproofMethod):
    """A homogeneous margin proved on the ratios of its coordinates."""

    methods = ("ratios",)
    record = Ratio
    find = staticmethod(ratio)
    check_record = staticmethod(recheck)

    def applies(self, goal: PieceGoal) -> bool:
        return len(positive(goal.t.expr, list(goal.t.symbols), goal.base, goal.coords)) >= 2
