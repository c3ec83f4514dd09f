"""Kinks decided by sub-proofs (:mod:`paper_checks.prover.kink_signs`): a two-argument ``Max``/``Min`` whose difference
has one sign on the whole piece is replaced by its active side, that sign a sub-proof on the coordinates it reads,
and the margin so reduced is proved as one more sub-problem. Re-checked by deriving every side and the reduced
margin again and re-checking every certificate (:func:`paper_checks.prover.kink_signs.recheck`)."""
from __future__ import annotations

import sympy

from paper_checks.prover.closures.base import PieceGoal, SubproofMethod, register
from paper_checks.prover.kink_signs import KinksDecided, kink_signs, recheck


@register
class KinkSigns(SubproofMethod):
    """Kinks of one sign on the piece, each decided by a sub-proof, and the reduced margin proved."""

    methods = ("kinks decided",)
    record = KinksDecided
    find = staticmethod(kink_signs)
    check_record = staticmethod(recheck)

    def applies(self, goal: PieceGoal) -> bool:  # a Max or Min of two arguments
        return any(isinstance(n, (sympy.Max, sympy.Min)) and len(n.args) == 2
                   for n in goal.t.expr.atoms(sympy.Max, sympy.Min))
