"""A proved cutoff of an unbounded coordinate (:mod:`paper_checks.prover.cutoff`): each tail closed toward its
chart's pole, the rest a bounded sub-problem in the coordinate's own value (``sinh(x)^3 >= x^3 cosh x`` on
``(0, oo)``: the tail beyond ``x = 3``, then ``[0, 3]`` by z3 over polynomial bounds of ``exp``). Re-checked by
closing the tails again at 120 bits and re-checking the sub-problem's certificate
(:func:`paper_checks.prover.cutoff.recheck`)."""
from __future__ import annotations

from paper_checks.prover.closures.base import PieceGoal, SubproofMethod, register
from paper_checks.prover.cutoff import Cutoff, cutoff, recheck, worth


@register
class CutOff(SubproofMethod):
    """An unbounded coordinate cut: its tails toward the poles, then the bounded rest."""

    methods = ("cutoff",)
    costs = {"piece": 31}  # after z3 over bounds (which decides the bounded rest of many), before the logarithms:
    # the tails' derivatives, then one sub-proof
    record = Cutoff
    find = staticmethod(cutoff)
    check_record = staticmethod(recheck)

    def applies(self, goal: PieceGoal) -> bool:
        return worth(goal.t.expr)
