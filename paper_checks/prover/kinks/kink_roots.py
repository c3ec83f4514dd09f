"""A kink at its roots: a margin with ``Max(a, b)`` (or ``Min``) whose sides differ by a function ``g = a - b`` of one
real coordinate ``s`` is decided cell by cell of ``s``, the cells cut at the exact zeros of ``g``; on each cell one
side is the active one, and the margin with that side in place of the kink is a problem of the same prover.

A truncated loss is such a margin: the truncated cross entropy ``min(-log p, 1)`` changes sides at ``p = 1/e``, an
irrational point no box end can reach, so boxes gather there and stay open (the chord
``(1 - p)/(1 - 1/e) >= min(-log p, 1)`` is tight at the kink). The kink split
(:mod:`paper_checks.prover.kinks.kink_split`) needs an affine ``g``; here ``g`` is any function of ``s`` whose zeros
SymPy finds exactly (``solveset`` over the piece's interval, at most :data:`MAX_ROOTS` real numbers). A cell with an
irrational end is charted affinely onto ``[0, 1]`` (``s = c + (d - c) u``, the ends exact constants); one with rational
ends keeps ``s``.

Nothing here trusts SymPy's zeros: on each cell two sub-proofs, each with its own certificate, ``+-g >= 0`` (the
side chosen is active on the whole closed cell) and the margin with that side ``>= 0``; the cells' ends are ordered
exactly (ball arithmetic) and run from one end of the piece's interval to the other, so the cells cover it whatever
the zeros were. :func:`recheck` derives the sub-problems again from the recorded cells and re-checks every
certificate.

The closure here (:class:`KinkRootSplitting`, registered for :mod:`paper_checks.prover.schedule`): a kink at its roots
(:mod:`paper_checks.prover.kinks.kink_roots`): a ``Max``/``Min`` whose sides differ by a function of one coordinate
(``min(-log p, 1)``) is decided cell by cell of it, cut at the exact zeros of that difference; on each cell the active
side is proved active and the margin proved with it, each a sub-proof with its own certificate. Re-checked by deriving
every sub-problem again from the recorded cells and re-checking every certificate
(:func:`paper_checks.prover.kinks.kink_roots.recheck`).
"""
from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction
from typing import Any

import sympy

from paper_checks import work
from paper_checks.deadline import TimedOut
from paper_checks.prover.budget import Budget
from paper_checks.prover.closures.base import PieceGoal, SubproofMethod, register
from paper_checks.prover.enclosures.balls import ball_lower
from paper_checks.prover.enclosures.boxes import Box
from paper_checks.prover.subproofs.subproblem import nested, open_ends, proved_once, recheck_problem
from paper_checks.prover.tracing.symbols import Coordinate
from paper_checks.search.params import SearchSpace

#: how many of these steps may nest
MAX_DEPTH = 2
#: the most zeros of a kink inside one coordinate's interval
MAX_ROOTS = 4
#: work units SymPy may spend finding the zeros of one kink (then the step declines)
SOLVE_WORK = 2.0



@dataclass
class Cell:
    """The closed cell ``[low, high]`` of the coordinate (exact SymPy numbers), the side ``side`` of the kink active
    on it, and the proofs of ``+-g >= 0`` (``sign``) and of the margin with that side (``margin``): each a
    ``(space, proof)`` pair."""

    low: sympy.Expr
    high: sympy.Expr
    side: int
    sign: tuple[SearchSpace, Any]
    margin: tuple[SearchSpace, Any]


@dataclass
class KinkRoots:
    """A piece closed cell by cell of coordinate ``index`` (``name``), cut where ``node``'s sides meet."""

    node: sympy.Expr
    index: int
    name: str
    cells: list[Cell]

    def why(self) -> str:
        cuts = ", ".join(str(c.high) for c in self.cells[:-1])
        return (f"{self.node} decided on each side of its kink ({self.name} = {cuts}): on each cell the active side "
                f"proved active and the margin proved with it")


Problem = tuple[sympy.Expr, list[sympy.Symbol], list[Coordinate], Box]


def kink_of(expr: sympy.Expr, symbols: list[sympy.Symbol], coords: list[Coordinate]
            ) -> tuple[sympy.Expr, int] | None:
    """The first two-argument ``Max``/``Min`` of ``expr`` whose sides differ by a function of one real coordinate
    that is not affine (an affine one is the kink split's), and that coordinate's index; None where there is none."""
    at = {s: i for i, s in enumerate(symbols)}
    for node in sympy.preorder_traversal(expr):
        if not isinstance(node, (sympy.Max, sympy.Min)) or len(node.args) != 2:
            continue
        g = node.args[0] - node.args[1]
        free = g.free_symbols
        if len(free) != 1 or not free <= set(at) or coords[at[next(iter(free))]].index:
            continue
        s = next(iter(free))
        if g.is_polynomial(s) and sympy.degree(g, s) <= 1 and all(c.is_Rational for c in sympy.Poly(g, s).coeffs()):
            continue
        return node, at[s]
    return None


def _number(v: Any) -> sympy.Expr:
    return sympy.Rational(v.numerator, v.denominator) if isinstance(v, Fraction) else sympy.sympify(v)


def _less(a: sympy.Expr, b: sympy.Expr) -> bool:
    """``a < b`` for exact real constants, decided exactly (rationals) or by a positive lower bound of ``b - a`` in
    ball arithmetic."""
    if a.is_Rational and b.is_Rational:
        return bool(a < b)
    low = ball_lower(b - a, [], [])
    return low is not None and low > 0


def roots(g: sympy.Expr, s: sympy.Symbol, low: sympy.Expr, high: sympy.Expr) -> list[sympy.Expr] | None:
    """The zeros of ``g`` strictly inside ``(low, high)``, exact and in increasing order, as SymPy's ``solveset``
    finds them; None where it gives anything but a few real numbers (they only choose the cells: each cell's side is
    proved)."""
    try:
        with work.limit(SOLVE_WORK):
            found = sympy.solveset(g, s, sympy.Interval.open(low, high))
    except (TimedOut, NotImplementedError, ValueError, TypeError, RecursionError):
        return None
    if found is sympy.S.EmptySet:
        return []
    if not isinstance(found, sympy.FiniteSet) or len(found) > MAX_ROOTS:
        return None
    out = list(found)
    if not all(r.is_number and r.is_real and not r.has(sympy.oo, sympy.zoo, sympy.nan) for r in out):
        return None
    out.sort(key=lambda r: float(r))
    if not all(_less(a, b) for a, b in zip([low, *out], [*out, high])):
        return None
    return out


def cell_problem(expr: sympy.Expr, node: sympy.Expr, index: int, low: sympy.Expr, high: sympy.Expr, side: int,
                 symbols: list[sympy.Symbol], coords: list[Coordinate], box: Box, sign: bool) -> Problem:
    """The sub-problem of the cell ``[low, high]`` of coordinate ``index`` with side ``side`` active: ``+-g >= 0``
    where ``sign`` (the side is active on it), else the margin with ``node`` replaced by that side. Rational ends keep
    the coordinate; an irrational end charts it onto ``[0, 1]``. An end of the piece's interval keeps its openness."""
    s, co = symbols[index], coords[index]
    lo, hi = box[index]
    first_wins = (side == 0) == isinstance(node, sympy.Max)  # args[0] active where g >= 0 (Max) or g <= 0 (Min)
    g = node.args[0] - node.args[1]
    margin = (g if first_wins else -g) if sign else expr.xreplace({node: node.args[side]})
    open_lo, open_hi = open_ends(s, lo, hi, co)
    open_lo = open_lo and low == _number(lo)
    open_hi = open_hi and high == _number(hi)
    if low.is_Rational and high.is_Rational:
        a, b = Fraction(int(low.p), int(low.q)), Fraction(int(high.p), int(high.q))
        new, cell = co.symbol, (a, b)
        opened = Coordinate(s, co.param, (), (a if open_lo else None, b if open_hi else None))
    else:
        new = sympy.Symbol(f"{s}_cell", real=True)
        margin = margin.xreplace({s: low + (high - low) * new})
        cell = (Fraction(0), Fraction(1))
        opened = Coordinate(new, str(new), (), (Fraction(0) if open_lo else None, Fraction(1) if open_hi else None))
    return (margin, [new if k == index else x for k, x in enumerate(symbols)],
            [opened if k == index else c for k, c in enumerate(coords)],
            [cell if k == index else b for k, b in enumerate(box)])


def kink_roots(expr: sympy.Expr, symbols: list[sympy.Symbol], box: Box, budget: Budget,
               coords: list[Coordinate]) -> KinkRoots | None:
    """Close ``expr >= 0`` on the piece (``box``) cell by cell of the coordinate its kink reads (the module
    docstring), or None."""
    found = kink_of(expr, symbols, coords)
    if found is None:
        return None
    node, index = found
    lo, hi = (_number(v) for v in box[index])
    if not (lo.is_finite and hi.is_finite) or lo == hi:
        return None
    with nested("KinkRootSplitting", budget, MAX_DEPTH) as stop:
        if stop is None:
            return None
        s = symbols[index]
        g = node.args[0] - node.args[1]
        zeros = roots(g, s, lo, hi)
        if not zeros:
            return None
        ends = [lo, *zeros, hi]
        cells: list[Cell] = []
        for k, (a, b) in enumerate(zip(ends, ends[1:])):
            mid = g.xreplace({s: (a + b) / 2})
            if _less(sympy.Integer(0), mid):
                positive = True
            elif _less(mid, sympy.Integer(0)):
                positive = False
            else:
                return None
            side = 0 if positive == isinstance(node, sympy.Max) else 1
            proofs: list[Any] = []
            for sign in (True, False):
                margin, sy, sc, sb = cell_problem(expr, node, index, a, b, side, symbols, coords, box, sign)
                left = stop.left() / (2 * (len(ends) - 1 - k) - len(proofs))
                what = f"{expr} on {s} in [{a}, {b}]" + (f" where {node} is {node.args[side]}" if not sign else "")
                proved = proved_once(margin, sy, sb, sc, what, left)
                if proved is None:
                    return None
                proofs.append(proved)
            cells.append(Cell(a, b, side, proofs[0], proofs[1]))
        return KinkRoots(node, index, str(s), cells)


def recheck(rec: KinkRoots, expr: sympy.Expr, symbols: list[sympy.Symbol], box: Box,
            coords: list[Coordinate]) -> list[str]:
    """Why ``rec`` does not close ``expr >= 0`` on ``box`` (empty: it does); see the module docstring."""
    found = kink_of(expr, symbols, coords)
    if found is None or found != (rec.node, rec.index):
        return [f"{rec.node} is not the margin's kink in {rec.name} again"]
    lo, hi = (_number(v) for v in box[rec.index])
    if not rec.cells or rec.cells[0].low != lo or rec.cells[-1].high != hi:
        return ["the recorded cells do not start and end at the piece's interval's ends"]
    out: list[str] = []
    for c, after in zip(rec.cells, [*rec.cells[1:], None]):
        if not _less(c.low, c.high):
            out.append(f"the cell [{c.low}, {c.high}] is empty")
        if after is not None and after.low != c.high:
            out.append(f"the cells [{c.low}, {c.high}] and [{after.low}, {after.high}] do not meet")
        for sign, (space, proof) in ((True, c.sign), (False, c.margin)):
            margin, sy, sc, sb = cell_problem(expr, rec.node, rec.index, c.low, c.high, c.side, symbols, coords, box,
                                              sign)
            what = f"{rec.name} in [{c.low}, {c.high}]" + (": the side active" if sign else "")
            out += recheck_problem(space, proof, margin, sy, sc, sb, what)
    return out


@register
class KinkRootSplitting(SubproofMethod):
    """A two-sided kink in one coordinate, split at the zeros of its sides' difference."""

    methods = ("kink roots",)
    record = KinkRoots
    find = staticmethod(kink_roots)
    check_record = staticmethod(recheck)

    def applies(self, goal: PieceGoal) -> bool:
        return goal.t.expr.has(sympy.Max, sympy.Min) and any(not c.index for c in goal.coords)
