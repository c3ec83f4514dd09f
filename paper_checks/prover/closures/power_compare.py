"""Two sides compared through a power (:mod:`paper_checks.prover.power_compare`): ``A - w S^e >= 0`` from
``(A/w)^(1/e) >= S``, the signs it needs decided and each condition a sub-proof with its own certificate.
Re-checked by deriving the comparison again, the signs in Arb and z3's other route, ``X^e = A/w`` at points in
ball arithmetic, and every certificate (:func:`paper_checks.prover.power_compare.recheck`)."""
from __future__ import annotations

import sympy

from paper_checks.prover.closures.base import PieceGoal, SubproofMethod, register
from paper_checks.prover.power_compare import PowerComparison, power_compare, recheck


@register
class PowerComparing(SubproofMethod):
    """A power compared with the rest of the margin through its exponent."""

    methods = ("through a power",)
    record = PowerComparison
    find = staticmethod(power_compare)
    check_record = staticmethod(recheck)

    def applies(self, goal: PieceGoal) -> bool:  # a power whose exponent reads a coordinate
        return any(not p.exp.is_number for p in goal.t.expr.atoms(sympy.Pow))
