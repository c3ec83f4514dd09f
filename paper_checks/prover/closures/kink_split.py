"""A kink split along itself (:mod:`paper_checks.prover.kink_split`): a ``Max``/``Min`` whose sides differ by an
affine function is decided side by side, in coordinates where the kink is a face, each side a sub-proof with its own
certificate. Re-checked by deriving both sides again and re-checking both certificates
(:func:`paper_checks.prover.kink_split.recheck`)."""
from __future__ import annotations

import sympy

from paper_checks.prover.closures.base import PieceGoal, SubproofMethod, register
from paper_checks.prover.kink_split import KinkSplit, kink_split, recheck


@register
class KinkSplitting(SubproofMethod):
    """A two-sided kink with an affine difference, split along itself."""

    methods = ("kink split",)
    record = KinkSplit
    find = staticmethod(kink_split)
    check_record = staticmethod(recheck)

    def applies(self, goal: PieceGoal) -> bool:  # a Max or Min, and a real coordinate to trade for its kink
        return goal.t.expr.has(sympy.Max, sympy.Min) and any(not c.index for c in goal.coords)
