"""z3 over bounding functions (MetiTarski's method, :mod:`paper_checks.prover.algebraic.bounding`): each ``exp``,
``log``, ``atan``, ``sin`` and ``cos`` of the margin (``tan`` and the hyperbolic functions written through them) is a
variable tied to its argument by polynomial and rational bounds that hold on the whole line, tighter level by level
until z3 finds no point of the abstraction where the margin is ``< 0`` (``unsat``: the margin is ``>= 0`` on the piece
wherever it is real) or gives up. ``exp(x) <= 1/(1 - x)`` on ``x < 1`` and ``(x + 1/x) atan x > 1`` on ``x > 0``,
tight at a point and reaching to infinity, are decided on their half-lines at once, where the boxes meet the
function's flatness at the chart's pole.

Re-checked independently: the margin rewritten again, z3's other route (the if-then-else terms eliminated, then
NLSAT alone) in a fresh context on the same bounds with Arb's enclosures of the nodes, and the margin evaluated at
rational points of the piece in Arb's ball arithmetic, none of which may be below 0."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import sympy

from paper_checks.prover import schedule
from paper_checks.prover.algebraic import fragment
from paper_checks.prover.algebraic.bounding import LEVELS, REWRITTEN, Bounds, Exp, covered, rewritten
from paper_checks.prover.algebraic.solver import Z3_MILLISECONDS
from paper_checks.prover.algebraic.z3_algebraic import hypotheses, inside_relations
from paper_checks.prover.algebraic.z3_atoms import MAX_ATOMS, atoms_of, ball_enclosure, enclosure
from paper_checks.prover.budget import Budget
from paper_checks.prover.closures.base import Check, Outcome, PieceGoal, SubproofMethod, register
from paper_checks.prover.enclosures.balls import ball_at
from paper_checks.prover.enclosures.bound import Closure
from paper_checks.prover.enclosures.boxes import Box, generic_point, groups, status
from paper_checks.prover.tracing.symbols import Coordinate

#: z3's time slice at each level (milliseconds; at most a quarter of what is left)
SLICE_MILLISECONDS = 1500
#: and at most its share of the work left when the step starts (:data:`~paper_checks.prover.schedule.SHARES`,
#: ``"Z3Bounds slice"``), but no less than :data:`FLOOR_MILLISECONDS`
FLOOR_MILLISECONDS = 100
#: rational points of the piece where the re-check evaluates the margin in ball arithmetic
SANITY_POINTS = 8


@dataclass(frozen=True)
class Bounded:
    """A piece closed by z3 with the margin's nodes held by the bounding functions of ``level``; ``margin`` is the
    margin z3 read (``tan`` and the hyperbolic functions rewritten)."""

    level: int
    margin: str
    functions: tuple[str, ...]

    def why(self) -> str:
        return (f"z3 found no point where the margin is < 0 with {', '.join(self.functions)} held by their bounding "
                f"functions at level {self.level}")


def _question(expr: sympy.Expr, symbols: list[sympy.Symbol]) -> tuple[sympy.Expr, list[sympy.Expr]] | None:
    """The margin rewritten and its nodes outside z3's fragment, where a family bounds one of them."""
    e = rewritten(expr)
    nodes = atoms_of(e, symbols)
    if not nodes or len(nodes) > MAX_ATOMS:
        return None
    inner = {type(n).__name__ for a in nodes for n in sympy.preorder_traversal(a) if covered(n) and n.free_symbols}
    return (e, sorted(inner)) if inner else None


def _enclosing(atoms: fragment.Atoms) -> fragment.Atoms:
    """``atoms`` with an :class:`~paper_checks.prover.algebraic.bounding.Exp` node enclosed as the ``exp`` it is."""
    return lambda e: atoms(sympy.exp(e.args[0]) if isinstance(e, Exp) else e)


def bounded(expr: sympy.Expr, symbols: list[sympy.Symbol], box: Box, budget: Budget, coords: list[Coordinate],
            hypotheses: list[tuple[sympy.Expr, bool]] | None = None) -> Bounded | None:
    """Close ``expr >= 0`` on the piece (``box``) by z3 over bounding functions, level by level, within ``budget``;
    None where a level's abstraction is not decided (z3 gives up) or the last one still has a negative point."""
    got = _question(expr, symbols)
    if got is None:
        return None
    e, functions = got
    rows = [list(g) for g in groups(coords).values()]
    strict = fragment.strict_ends(coords, box)
    atoms = _enclosing(enclosure(symbols, box))
    share = schedule.share("Z3Bounds slice")
    slice_ms = max(FLOOR_MILLISECONDS, min(SLICE_MILLISECONDS, 1000 * share * budget.left()))
    for level in LEVELS:
        ms = int(min(slice_ms, 250 * budget.left()))
        if ms < 1:
            return None
        outcome, _ = fragment.decide(e, symbols, box, rows, ms, strict=strict, atoms=atoms, relate=Bounds(level),
                                     hypotheses=hypotheses)
        if outcome == "unsat":
            return Bounded(level, str(e), tuple(functions))
        if outcome != "abstract":
            return None
    return None


def recheck(rec: Bounded, expr: sympy.Expr, symbols: list[sympy.Symbol], box: Box, coords: list[Coordinate],
            relations: list[tuple[Any, bool]] | None = None) -> list[str]:
    """Why ``rec`` does not close ``expr >= 0`` on ``box`` (empty: it does), never trusting the run."""
    e = rewritten(expr)
    if str(e) != rec.margin:
        return ["the margin rewritten again is not the one z3 read"]
    rows = [list(g) for g in groups(coords).values()]
    atoms = _enclosing(ball_enclosure(symbols, box))
    outcome, _ = fragment.decide(e, symbols, box, rows, Z3_MILLISECONDS, recheck=True,
                                  strict=fragment.strict_ends(coords, box), atoms=atoms, relate=Bounds(rec.level),
                                  hypotheses=hypotheses(relations or []))
    if outcome != "unsat":
        return [f"z3 re-run over the bounding functions at level {rec.level} (Arb's enclosures, fresh context, "
                f"ite eliminated, NLSAT) says {outcome}, not unsat"]
    for k in range(SANITY_POINTS):
        x = generic_point(box, k)
        if coords and status([(v, v) for v in x], coords) != "inside":
            continue
        if relations and not inside_relations(relations, x):
            continue
        v = ball_at(expr, symbols, x)
        if v is not None and v < 0:
            return [f"the margin is {v} < 0 at {[str(a) for a in x]} in ball arithmetic"]
    return []


@register
class Z3Bounds(SubproofMethod):
    """z3 on the margin with its transcendental nodes held by bounding functions."""

    methods = ("z3 bounds",)
    record = Bounded
    find = staticmethod(bounded)
    check_record = staticmethod(recheck)

    def step(self, goal: PieceGoal) -> Outcome | None:
        """:meth:`SubproofMethod.step` with the domain's relations as z3's hypotheses."""
        rec = bounded(goal.t.expr, list(goal.t.symbols), goal.base, goal.budget, goal.coords,
                      hypotheses(goal.relations))
        if rec is None:
            return None
        goal.memo["subproof"] = rec
        return Outcome(Closure(True, 0.0, self.methods[0], exact=rec.why()))

    def recheck(self, check: Check) -> list[str]:
        if not isinstance(check.subproof, Bounded):
            return [f"{check.where}: no {self.methods[0]} recorded for the piece"]
        return [f"{check.where}: {p}" for p in recheck(check.subproof, check.t.expr, list(check.t.symbols),
                                                        check.base, check.coords, check.relations)]

    def applies(self, goal: PieceGoal) -> bool:
        """A cheap walk of the tree (the rewriting is the step's): a node a family bounds, or one written through
        them, that reads a coordinate."""
        t = goal.t
        return not fragment.in_fragment(t.expr, t.symbols) and any(
            covered(n) or isinstance(n, REWRITTEN) or (n.is_Pow and n.base.is_Rational)
            for n in sympy.preorder_traversal(t.expr) if n.free_symbols)


__all__: list[Any] = ["Bounded", "Z3Bounds", "bounded", "recheck"]
