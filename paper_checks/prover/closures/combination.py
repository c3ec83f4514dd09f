"""One combination (:mod:`paper_checks.prover.combination`): a margin that reads two or more coordinates only through
one combination of them, ``c * phi(g)`` with ``c`` of one sign (the tempered exponential's ``(1 - t) x``, GCE's
``p^q``, a smoothed hinge's ``(1 - v)/tau``), is decided by a problem in one variable; the factor's sign, the
combination's interval and each closed face are sub-proofs, each with its own certificate. Re-checked by deriving the
identity again and re-checking every certificate (:func:`paper_checks.prover.combination.recheck`)."""
from __future__ import annotations

from paper_checks.prover.closures.base import PieceGoal, SubproofMethod, register
from paper_checks.prover.combination import Combination, combination, recheck


@register
class OneCombination(SubproofMethod):
    """A function of one combination of the coordinates, times a factor of one sign."""

    methods = ("one combination",)
    record = Combination
    find = staticmethod(combination)
    check_record = staticmethod(recheck)

    def applies(self, goal: PieceGoal) -> bool:
        return len(goal.coords) >= 2 and not any(c.index for c in goal.coords)
