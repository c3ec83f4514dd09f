"""z3 first on its fragment (:mod:`paper_checks.prover.algebraic.fragment`): a margin of polynomials, quotients,
radicals (auxiliary variables ``r >= 0, r^q = t``) and ``Max``/``Min``/``Abs`` (if-then-else) goes to z3 before anything
else, with a short time slice (:data:`SLICE_MILLISECONDS`, at most a quarter of what is left): ``unsat`` proves the
piece (an end the domain leaves open is strict: ``q > 0`` in ``(0, 1]``, and the poles of an unbounded interval's
chart, so a margin loss's branches on the whole line are decided in the chart's rational coordinate); a model is
rounded to rational candidates that the prover verifies exactly on the claim's own margin (and
shrinks) before it reports one; ``unknown`` leaves the piece to the other closures.

Re-checked independently: the margin translated again in a fresh z3 context and decided by another route (the
if-then-else terms eliminated, then the NLSAT tactic alone), and the margin evaluated at rational points of the
piece in Arb's ball arithmetic (:func:`paper_checks.prover.enclosures.balls.ball_at`), none of which may be below 0."""
from __future__ import annotations

from fractions import Fraction
from typing import Any

import sympy

from paper_checks.prover.algebraic import fragment
from paper_checks.prover.algebraic.solver import Z3_MILLISECONDS
from paper_checks.prover.closures.base import Check, Outcome, PieceGoal, PieceMethod, register
from paper_checks.prover.enclosures.balls import ball_at
from paper_checks.prover.enclosures.bound import Closure
from paper_checks.prover.enclosures.boxes import generic_point, status
from paper_checks.prover.tracing.unbounded import explicit

#: z3's time slice on the fragment before the other closures (milliseconds)
SLICE_MILLISECONDS = 1500
#: rational points of the piece where the re-check evaluates the margin in ball arithmetic
SANITY_POINTS = 8


def decide_piece(goal: PieceGoal, slice_ms: int, atoms: fragment.Atoms | None = None,
                 expr: sympy.Expr | None = None) -> tuple[str, list[list[Fraction]]] | None:
    """:func:`paper_checks.prover.algebraic.fragment.decide` on the piece's conjunct (or ``expr``, a form of it) within
    a time slice (at most a quarter of what is left, the ends the domain leaves open strict); None where no time is
    left."""
    t = goal.t
    ms = int(min(slice_ms, 250 * goal.budget.left()))
    if ms < 1:
        return None
    return fragment.decide(t.expr if expr is None else expr, t.symbols, goal.base, goal.rows, ms,
                            strict=fragment.strict_ends(goal.coords, goal.base), atoms=atoms,
                            hypotheses=hypotheses(goal.relations))


def hypotheses(relations: list[tuple[Any, bool]]) -> list[tuple[sympy.Expr, bool]]:
    """The domain's relations (traced) as z3's hypotheses, their charts written out as the margin's are."""
    return [(explicit(r.expr), strict) for r, strict in relations]


def inside_relations(relations: list[tuple[Any, bool]], x: list[Fraction]) -> bool:
    """Whether the exact point ``x`` satisfies every relation, in Arb's balls (False where a ball does not
    decide it: such a point is not one to test a margin at)."""
    for r, strict in relations:
        v = ball_at(r.expr, r.symbols, x)
        if v is None or not (v > 0 if strict else v >= 0):
            return False
    return True


@register
class Z3Algebraic(PieceMethod):
    """z3 on the margin as written, radicals and branches included, before the normal form; the charts of its
    unbounded coordinates written out (``LineChart(u)`` is ``u/(1 - u^2)``, by
    :func:`~paper_checks.prover.tracing.unbounded.explicit`), a rational function of the chart's coordinate that z3
    reads. The chart stays a node in a margin with a radical, for the tail's expansion: the pseudo-Huber loss below
    Huber's on the whole line reached z3 only so."""

    methods = ("z3 algebraic",)

    def applies(self, goal: PieceGoal) -> bool:
        return fragment.in_fragment(explicit(goal.t.expr), goal.t.symbols)

    def step(self, goal: PieceGoal) -> Outcome | None:
        got = decide_piece(goal, SLICE_MILLISECONDS, expr=explicit(goal.t.expr))
        if got is None:
            return None
        outcome, cands = got
        if outcome == "unsat":
            return Outcome(Closure(True, 0.0, "z3 algebraic"))
        return Outcome(candidates=cands,
                       found_by="found by z3 on the algebraic margin (radicals and branches as auxiliary variables), "
                                "verified exactly and shrunk")

    def recheck(self, check: Check) -> list[str]:
        t = check.t
        outcome, _ = fragment.decide(explicit(t.expr), t.symbols, check.base, check.rows, Z3_MILLISECONDS,
                                      recheck=True, strict=fragment.strict_ends(check.coords, check.base),
                                      hypotheses=hypotheses(check.relations))
        if outcome != "unsat":
            return [f"{check.where}: z3 re-run on the algebraic margin (fresh context, ite eliminated, NLSAT) says "
                    f"{outcome}, not unsat"]
        for k in range(SANITY_POINTS):
            x = generic_point(check.base, k)
            if check.coords and status([(v, v) for v in x], check.coords) != "inside":
                continue
            if check.relations and not inside_relations(check.relations, x):
                continue
            v = ball_at(t.expr, t.symbols, x)
            if v is not None and v < 0:
                return [f"{check.where}: the margin is {v} < 0 at {[str(a) for a in x]} in ball arithmetic"]
        return []
