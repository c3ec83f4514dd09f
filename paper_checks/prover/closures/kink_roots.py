"""A kink at its roots (:mod:`paper_checks.prover.kink_roots`): a ``Max``/``Min`` whose sides differ by a function of
one coordinate (``min(-log p, 1)``) is decided cell by cell of it, cut at the exact zeros of that difference; on each
cell the active side is proved active and the margin proved with it, each a sub-proof with its own certificate.
Re-checked by deriving every sub-problem again from the recorded cells and re-checking every certificate
(:func:`paper_checks.prover.kink_roots.recheck`)."""
from __future__ import annotations

import sympy

from paper_checks.prover.closures.base import PieceGoal, SubproofMethod, register
from paper_checks.prover.kink_roots import KinkRoots, kink_roots, recheck


@register
class KinkRootSplitting(SubproofMethod):
    """A two-sided kink in one coordinate, split at the zeros of its sides' difference."""

    methods = ("kink roots",)
    record = KinkRoots
    find = staticmethod(kink_roots)
    check_record = staticmethod(recheck)

    def applies(self, goal: PieceGoal) -> bool:
        return goal.t.expr.has(sympy.Max, sympy.Min) and any(not c.index for c in goal.coords)
