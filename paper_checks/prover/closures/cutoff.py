"""A proved cutoff of an unbounded coordinate (:mod:`paper_checks.prover.cutoff`): each tail closed toward its
chart's pole, the rest a bounded sub-problem in the coordinate's own value (``sinh(x)^3 >= x^3 cosh x`` on
``(0, oo)``: the tail beyond ``x = 3``, then ``[0, 3]`` by z3 over polynomial bounds of ``exp``). Re-checked by
closing the tails again at 120 bits and re-checking the sub-problem's certificate
(:func:`paper_checks.prover.cutoff.recheck`)."""
from __future__ import annotations

from dataclasses import replace
from typing import Any

from paper_checks.prover.bound import Closure
from paper_checks.prover.closures.base import Check, Outcome, PieceGoal, SubproofMethod, register
from paper_checks.prover.cutoff import Cutoff, cutoff, recheck, worth


@register
class CutOff(SubproofMethod):
    """An unbounded coordinate cut: its tails toward the poles, then the bounded rest."""

    methods = ("cutoff",)
    record = Cutoff
    find = staticmethod(cutoff)
    check_record = staticmethod(recheck)

    def applies(self, goal: PieceGoal) -> bool:
        return worth(goal.t.expr)

    def step(self, goal: PieceGoal) -> Outcome | None:
        """Each form with its tails closed toward the poles first (the normal form, then the margin as written where
        they differ); then one form with a tail that no Taylor cut closes proved as a sub-problem of its own: the margin
        as written, where the normal form may scale it by a positive factor that takes its tail's slope out of z3's
        fragment (``e^(x^2)`` times A&S 7.1.13's bound of ``erfc``, monotone as written)."""
        forms = [(goal.t.expr, False)]
        if goal.reduction is not None and goal.reduction.original != goal.t.expr and worth(goal.reduction.original):
            forms.append((goal.reduction.original, True))
        cuts: dict[tuple[Any, ...], Any] = {}
        for (expr, written), apart in [*((f, False) for f in forms), (forms[-1], True)]:
            rec = cutoff(expr, list(goal.t.symbols), goal.base, goal.deadline, goal.coords, apart, cuts)
            if isinstance(rec, list):
                return Outcome(candidates=[rec], found_by=self.found_by)
            if rec is not None:
                rec = replace(rec, written=written)
                goal.memo["subproof"] = rec
                return Outcome(Closure(True, 0.0, self.methods[0], exact=rec.why()))
        return None

    def recheck(self, check: Check) -> list[str]:
        rec = check.subproof
        if not isinstance(rec, Cutoff):
            return [f"{check.where}: no cutoff recorded for the piece"]
        if rec.written and check.reduction is None:
            return [f"{check.where}: the cutoff of the margin as written is recorded, but no margin as written"]
        expr = check.reduction.original if rec.written else check.t.expr
        return [f"{check.where}: {p}" for p in recheck(rec, expr, list(check.t.symbols), check.base, check.coords)]
