"""The normal form: a margin identically 0 (``identity``), constant and positive (``constant``), all of whose factors
have a known sign (``known sign``), or whose factors of unknown sign multiply to a sum of terms each ``>= 0`` (``terms
of known sign``) is proved before any
box (:func:`paper_checks.prover.tracing.normal.reduce`); otherwise the rest ``r``
of ``m = k r`` (``k >= 0``) replaces the conjunct for the steps after this one.

Its step also gives the points to verify first: where the known sign is ``<= 0``, the piece's centre and
corners; and the simplex rows' barycentre (with the other coordinates at the centre and ends of the piece),
where symmetric bounds are tight. The re-check asks for a derivation of the same kind, recorded as proved
(the derivation itself is re-derived for every conjunct by :func:`~paper_checks.prover.tracing.normal.check_reduction`).
"""
from __future__ import annotations

from fractions import Fraction
from functools import partial
from typing import Any

import sympy

from paper_checks import work
from paper_checks.prover.algebraic.fragment import decide, strict_ends
from paper_checks.prover.closures.base import Check, Outcome, PieceGoal, PieceMethod, register
from paper_checks.prover.enclosures.bound import Closure
from paper_checks.prover.enclosures.boxes import Box, centre, status
from paper_checks.prover.subproofs.continuity import conditions
from paper_checks.prover.tracing.normal import NORMAL_WORK, Reduction, reduce
from paper_checks.prover.tracing.trace import compile_traced


def symmetric_points(base: Box, rows: list[list[int]]) -> list[list[Fraction]]:
    """The simplex rows at their barycentre, the other coordinates at the centre and ends of the piece."""
    if not rows:
        return []
    bary = {i: Fraction(1, len(r) + 1) for r in rows for i in r}
    out = []
    for pick in (lambda lo, hi: (lo + hi) / 2, lambda lo, hi: lo, lambda lo, hi: hi):
        out.append([bary.get(k, pick(lo, hi)) for k, (lo, hi) in enumerate(base)])
    return out


#: the normal forms SymPy finished in this top proof, by margin and box: a rung of the iterative deepening
#: (:mod:`paper_checks.prover.deepening`) does not pay again for what a rung before it finished (one not finished
#: within its share is not kept, and is tried again with the larger share of the next rung)
_kept: dict[tuple[Any, ...], Reduction] = {}
work.forgets(_kept.clear)  # emptied at the start of every top proof (paper_checks.prover.outset.forget)


#: z3's slice for each condition of :func:`continuous_inside` (milliseconds' worth of its deterministic count)
CONDITION_MILLISECONDS = 200


def continuous_inside(exprs: list[sympy.Expr], symbols: list[sympy.Symbol], box: Box,
                      strict: list[tuple[bool, bool]]) -> bool:
    """Whether every node of each of ``exprs`` is continuous at every point of ``box`` but its open ends (``strict``,
    :func:`~paper_checks.prover.algebraic.fragment.strict_ends`): each condition of
    :func:`paper_checks.prover.subproofs.continuity.conditions` (a base or argument ``> 0``, a denominator ``!= 0``)
    decided by z3 on the box without those ends (``unsat`` for a point where it fails), within
    :data:`CONDITION_MILLISECONDS` of z3's count each. False where a condition is not algebraic or not shown."""
    for e in exprs:
        conds = conditions(e)
        if conds is None:
            return False
        for c, positive in conds:
            if c.is_positive or (not positive and c.is_nonzero):
                continue
            signs = (1,) if positive else (1, -1)
            if not any(decide(sign * c, symbols, box, [], CONDITION_MILLISECONDS, strict=strict,
                              positive=True)[0] == "unsat" for sign in signs):
                return False
    return True


@register
class NormalForm(PieceMethod):
    """Identity and known signs (:mod:`paper_checks.prover.tracing.normal`), first of all."""

    methods = ("identity", "constant", "known sign", "terms of known sign")

    def step(self, goal: PieceGoal) -> Outcome | None:
        t = goal.t
        left = max(goal.budget.left(), 0.01)
        strict = strict_ends(goal.coords, goal.base)
        key = (t.expr, tuple(t.symbols), tuple(goal.base), tuple(strict))  # open ends decide a constant too
        red = _kept.get(key)
        if red is None:
            red = reduce(t.expr, t.symbols, goal.base, min(NORMAL_WORK, left / 2),
                         inside=partial(continuous_inside, symbols=t.symbols, box=goal.base, strict=strict))
            if not red.how.startswith("no normal form within"):
                _kept[key] = red
        goal.reduction = red
        if red.decided == "proved":
            return Outcome(Closure(True, 0.0, red.kind, exact=red.how))
        if red.kind != "as written":
            goal.t = compile_traced(red.reduced, t.symbols)
        cands = []
        if red.decided == "negative":
            for x in (centre(goal.base), [hi for _, hi in goal.base], [lo for lo, _ in goal.base]):
                if status([(v, v) for v in x], goal.coords) == "inside":
                    cands.append(x)
        cands += symmetric_points(goal.base, goal.rows) or [centre(goal.base)]
        return Outcome(candidates=cands)

    def recheck(self, check: Check) -> list[str]:
        red = check.reduction
        ok = red is not None and red.kind == check.closure.method and red.decided == "proved"
        return [] if ok else [f"{check.where}: no derivation ({check.closure.method}) recorded for the piece"]
