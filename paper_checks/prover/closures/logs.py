"""Two positive sides compared through their logarithms (:mod:`paper_checks.prover.logs`): ``A - B >= 0`` from
``log A - log B >= 0``, one sub-proof (``e^x >= x^e`` becomes ``x - e log x >= 0``, whose critical point SymPy
solves). Re-checked by deciding the signs again in Arb, deriving the sub-problem again and re-checking its
certificate (:func:`paper_checks.prover.logs.recheck`)."""
from __future__ import annotations

from paper_checks.prover.closures.base import PieceGoal, SubproofMethod, register
from paper_checks.prover.logs import LogComparison, logs, recheck, worth


@register
class Logarithms(SubproofMethod):
    """A margin's two sides compared through their logarithms."""

    methods = ("through logarithms",)
    record = LogComparison
    find = staticmethod(logs)
    check_record = staticmethod(recheck)

    def applies(self, goal: PieceGoal) -> bool:
        return worth(goal.t.expr)
