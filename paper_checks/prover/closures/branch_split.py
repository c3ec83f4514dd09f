"""A branch on one coordinate split into its sides (:mod:`paper_checks.prover.branch_split`): a ``Piecewise`` whose
conditions compare one real coordinate with constants is decided cell by cell of it (``q < 1`` and the face
``q = 1``), each cell a sub-proof with its own certificate. Re-checked by deriving the cells and their margins again
and re-checking every certificate (:func:`paper_checks.prover.branch_split.recheck`)."""
from __future__ import annotations

import sympy

from paper_checks.prover.branch_split import BranchSplit, branch_split, recheck
from paper_checks.prover.closures.base import PieceGoal, SubproofMethod, register


@register
class BranchSplitting(SubproofMethod):
    """Branches on one coordinate, decided cell by cell."""

    methods = ("branch split",)
    record = BranchSplit
    find = staticmethod(branch_split)
    check_record = staticmethod(recheck)

    def applies(self, goal: PieceGoal) -> bool:
        return goal.t.expr.has(sympy.Piecewise) and any(not c.index for c in goal.coords)
