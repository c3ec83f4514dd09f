"""A coordinate read only through exponentials of it, proved in ``E = exp(x)``
(:mod:`paper_checks.prover.exponential`): ``e^x/cosh x >= 1`` on ``[0, oo)`` becomes ``2E^2/(E^2 + 1) >= 1`` on
``[1, oo)``, one algebraic sub-proof. Re-checked by deriving the substitution again and re-checking the sub-problem's
certificate (:func:`paper_checks.prover.exponential.recheck`)."""
from __future__ import annotations

from paper_checks.prover.closures.base import PieceGoal, SubproofMethod, register
from paper_checks.prover.exponential import InExponential, in_exponential, recheck, worth


@register
class InTheExponential(SubproofMethod):
    """A coordinate written in the exponential it is read through."""

    methods = ("in the exponential",)
    record = InExponential
    find = staticmethod(in_exponential)
    check_record = staticmethod(recheck)

    def applies(self, goal: PieceGoal) -> bool:
        return worth(goal.t.expr)
