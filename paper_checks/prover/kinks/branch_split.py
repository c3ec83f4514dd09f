"""A branch on one coordinate split into its sides: a ``Piecewise`` whose conditions compare one real coordinate with
rational constants is decided cell by cell of that coordinate, each cell a sub-problem where every condition has
one value (the branch resolved), with its own certificate.

A quantity with a closed form for all but one value of a parameter is written as such a branch. Zhang & Sabuncu
(2018)'s ``min_f sum_k T_k L_q(f, e_k)`` is ``(sum_k T_k - ||T||_r)/q`` with ``r = 1/(1 - q)``, the norm
``(sum_k T_k^r)^(1/r)`` for ``q < 1`` and the max norm at ``q = 1`` (:func:`label_noise_lab.theory.gce.r_norm` on a
symbol). On a
box that touches ``q = 1`` the interval enclosure takes the hull of both sides, and the first is ``x^(1/0)`` there,
so no box near the face closes. Split, the face ``q = 1`` is a problem with ``q`` substituted (the second side),
and ``q < 1`` one whose coordinate ``q`` has the end 1 open
(:attr:`~paper_checks.prover.tracing.symbols.Coordinate.open_at`: z3 takes it as strict, and the other closures see the
first side alone).

The cells are the thresholds in the coordinate's interval (points) and the open intervals between them; on each the
conditions are decided exactly at one rational point of the cell (each compares the coordinate with a constant, so
it has one value on the cell). Together the cells are the coordinate's interval, so the sub-proofs cover the piece.
:func:`recheck` derives the cells and margins again and re-checks every certificate; it never trusts the run.

The closure here (:class:`BranchSplitting`, registered for :mod:`paper_checks.prover.schedule`): a branch on one
coordinate split into its sides (:mod:`paper_checks.prover.kinks.branch_split`): a ``Piecewise`` whose conditions
compare one real coordinate with constants is decided cell by cell of it (``q < 1`` and the face ``q = 1``), each cell a
sub-proof with its own certificate. Re-checked by deriving the cells and their margins again and re-checking every
certificate (:func:`paper_checks.prover.kinks.branch_split.recheck`).
"""
from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction
from typing import Any, cast

import sympy

from paper_checks.prover.budget import Budget
from paper_checks.prover.closures.base import PieceGoal, SubproofMethod, register
from paper_checks.prover.enclosures.boxes import Box
from paper_checks.prover.subproofs.subproblem import (
    constant_holds,
    coordinate_of,
    nested,
    proved_or_point,
    recheck_or_constant,
)
from paper_checks.prover.tracing.symbols import Coordinate
from paper_checks.search.params import SearchSpace

#: how many of these steps may nest
MAX_DEPTH = 2
#: the most thresholds on one coordinate
MAX_THRESHOLDS = 8
_RELATIONS = (sympy.StrictLessThan, sympy.LessThan, sympy.StrictGreaterThan, sympy.GreaterThan)



@dataclass(frozen=True)
class Cell:
    """A cell of coordinate ``index``: the point ``low == high``, or the interval between them with its ends open
    where ``open_low``/``open_high``."""

    low: Fraction
    high: Fraction
    open_low: bool
    open_high: bool

    def inner(self) -> Fraction:
        """A rational point of the cell."""
        return (self.low + self.high) / 2

    def text(self, name: str) -> str:
        if self.low == self.high:
            return f"{name} = {self.low}"
        return f"{name} in {'(' if self.open_low else '['}{self.low}, {self.high}{')' if self.open_high else ']'}"


@dataclass
class Side:
    """One cell, the margin there (the branches resolved) and its proof (None: a constant decided exactly)."""

    cell: Cell
    margin: sympy.Expr
    space: SearchSpace | None
    proof: Any


@dataclass
class BranchSplit:
    """A piece closed cell by cell of coordinate ``index`` (``name``), the cells where the branches' conditions
    change."""

    index: int
    name: str
    sides: list[Side]

    def why(self) -> str:
        return (f"the branches on {self.name} decided cell by cell ("
                + ", ".join(s.cell.text(self.name) for s in self.sides) + "), each proved")


def _q(v: Fraction) -> sympy.Rational:
    return sympy.Rational(v.numerator, v.denominator)


def _threshold(rel: Any, s: sympy.Symbol) -> Fraction | None:
    """The constant that ``rel`` compares ``s`` with (``s < c``, ``c >= s``, ...), or None."""
    if not isinstance(rel, _RELATIONS):
        return None
    for a, b in ((rel.lhs, rel.rhs), (rel.rhs, rel.lhs)):
        if a == s and b.is_Rational:
            return Fraction(int(b.p), int(b.q))
    return None


def _readable(c: Any) -> bool:
    """Whether condition ``c`` is built of ``<``, ``<=``, ``>``, ``>=`` by ``And``, ``Or``, ``Not`` alone (so its
    value changes only at the thresholds read off those comparisons; an ``Eq`` would change at a point no cell
    has)."""
    if isinstance(c, _RELATIONS):
        return True
    return isinstance(c, (sympy.And, sympy.Or, sympy.Not)) and all(_readable(a) for a in c.args)


def branch_coordinate(expr: sympy.Expr, symbols: list[sympy.Symbol], coords: list[Coordinate]
                      ) -> tuple[int, list[Fraction]] | None:
    """The real coordinate every ``Piecewise`` condition of ``expr`` compares with a constant, and those constants;
    None where a condition is anything else, or reads another coordinate."""
    conds = [c for n in sympy.preorder_traversal(expr) if isinstance(n, sympy.Piecewise)
             for _, c in n.args if c is not sympy.true]
    rels = [r for c in conds for r in (c.atoms(*_RELATIONS) if isinstance(c, sympy.logic.boolalg.Boolean) else ())]
    if not conds or not rels or not all(_readable(c) for c in conds):
        return None
    for i, (s, co) in enumerate(zip(symbols, coords)):
        if co.index:
            continue
        ts = [_threshold(r, s) for r in rels]
        if None in ts or any(c.free_symbols != {s} for c in conds):
            continue
        found = sorted(set(ts))  # type: ignore[type-var]
        return (i, cast(list[Fraction], found)) if len(found) <= MAX_THRESHOLDS else None
    return None


def cells(box: tuple[Fraction, Fraction], coord: Coordinate, thresholds: list[Fraction]) -> list[Cell]:
    """The cells of the coordinate's interval ``box`` (its own open ends kept): each threshold inside it, and the
    intervals between, open at a threshold."""
    lo, hi = box
    open_lo = coord.open_at[0] is not None and coord.open_at[0] == lo
    open_hi = coord.open_at[1] is not None and coord.open_at[1] == hi
    inside = [t for t in thresholds if lo < t < hi or (t == lo and not open_lo) or (t == hi and not open_hi)]
    if lo == hi:
        return [Cell(lo, hi, False, False)]
    out, start, start_open = [], lo, open_lo
    for t in inside:
        if t > start:
            out.append(Cell(start, t, start_open, True))
        out.append(Cell(t, t, False, False))
        start, start_open = t, True
    if start < hi:
        out.append(Cell(start, hi, start_open, open_hi))
    return out


def resolved(expr: sympy.Expr, s: sympy.Symbol, cell: Cell) -> sympy.Expr:
    """``expr`` on ``cell``: each ``Piecewise`` replaced by its branch there (conditions decided at a point of the
    cell; they compare ``s`` with constants, so they are the same on all of it), ``s`` substituted on a point
    cell."""
    at = _q(cell.inner())

    def pick(pw: sympy.Piecewise) -> sympy.Expr:
        for val, cond in pw.args:
            if cond is sympy.true or bool(cond.xreplace({s: at})):
                return val
        return sympy.nan  # no branch applies: undefined there (the guards then fail)

    out = expr
    while True:
        pws = [n for n in sympy.postorder_traversal(out) if isinstance(n, sympy.Piecewise)]
        if not pws:
            break
        out = out.xreplace({pws[0]: pick(pws[0])})
    return out.xreplace({s: at}) if cell.low == cell.high else out


def problem_of(expr: sympy.Expr, index: int, cell: Cell, symbols: list[sympy.Symbol], coords: list[Coordinate],
               box: Box) -> tuple[sympy.Expr, list[sympy.Symbol], list[Coordinate], Box]:
    """The sub-problem of ``cell``: its margin, symbols, coordinates (the split one with the cell's open ends, or
    left out on a point cell) and box."""
    s = symbols[index]
    margin = resolved(expr, s, cell)
    if cell.low == cell.high:
        keep = [k for k in range(len(symbols)) if k != index]
        return margin, [symbols[k] for k in keep], [coords[k] for k in keep], [box[k] for k in keep]
    co = coords[index]
    opened = Coordinate(co.symbol, co.param, co.index, (cell.low if cell.open_low else None,
                                                        cell.high if cell.open_high else None))
    return (margin, list(symbols), [opened if k == index else c for k, c in enumerate(coords)],
            [(cell.low, cell.high) if k == index else b for k, b in enumerate(box)])


def branch_split(expr: sympy.Expr, symbols: list[sympy.Symbol], box: Box, budget: Budget,
                 coords: list[Coordinate]) -> BranchSplit | list[Fraction] | None:
    """Close ``expr >= 0`` on the piece (``box``) cell by cell of the coordinate its branches read (the module
    docstring); or a point of the piece where a cell's sub-problem found the margin negative (exact, for the caller
    to verify on the claim's own margin and shrink); or None."""
    found = branch_coordinate(expr, symbols, coords)
    if found is None:
        return None
    index, thresholds = found
    with nested("BranchSplitting", budget, MAX_DEPTH) as stop:
        if stop is None:
            return None
        cs = cells(box[index], coords[index], thresholds)
        if len(cs) < 2:
            return None
        sides: dict[int, Side] = {}
        # a point cell (q = 1) has one coordinate fewer: proved first, so that an interval's cell, the harder one,
        # has all the time left (GCE's class-dependent bound at c = 6 needed 15 s of 13 s where it came first)
        order = sorted(range(len(cs)), key=lambda j: cs[j].low != cs[j].high)
        for k, j in enumerate(order):
            cell = cs[j]
            margin, sy, sc, sb = problem_of(expr, index, cell, symbols, coords, box)
            if not margin.free_symbols:
                if not _constant_holds(margin):
                    return None
                sides[j] = Side(cell, margin, None, None)
                continue
            left = stop.left() / (len(cs) - k)
            proved = proved_or_point(margin, sy, sb, sc, f"{expr} where {cell.text(str(symbols[index]))}", left,
                                     lambda pt: _point(pt, index, cell, sy, sc))
            if not isinstance(proved, tuple):
                return proved
            sides[j] = Side(cell, margin, *proved)
        return BranchSplit(index, str(symbols[index]), [sides[j] for j in range(len(cs))])


def _constant_holds(margin: sympy.Expr) -> bool:
    """Whether a cell's constant margin is a number ``>= 0`` (``nan``/``zoo``, a pole on the cell, is none)."""
    return not margin.has(sympy.nan, sympy.zoo) and constant_holds(margin)


def _point(pt: Any, index: int, cell: Cell, symbols: list[sympy.Symbol], coords: list[Coordinate]
           ) -> list[Fraction]:
    """A cell's counterexample as a point of the piece: its coordinates, the split one at the cell's value on a point
    cell."""
    out = [coordinate_of(pt, s, c) for s, c in zip(symbols, coords)]
    if cell.low == cell.high:
        out.insert(index, cell.low)
    return out


def recheck(rec: BranchSplit, expr: sympy.Expr, symbols: list[sympy.Symbol], box: Box,
            coords: list[Coordinate]) -> list[str]:
    """Why ``rec`` does not close ``expr >= 0`` on ``box`` (empty: it does); see the module docstring."""
    found = branch_coordinate(expr, symbols, coords)
    if found is None or found[0] != rec.index:
        return [f"the branches of the margin do not read {rec.name} alone again"]
    cs = cells(box[rec.index], coords[rec.index], found[1])
    if [s.cell for s in rec.sides] != cs:
        return ["the recorded cells are not the branches' cells"]
    out: list[str] = []
    for side in rec.sides:
        margin, sy, sc, sb = problem_of(expr, rec.index, side.cell, symbols, coords, box)
        what = side.cell.text(rec.name)
        proof = None if side.space is None else (side.space, side.proof)
        out += recheck_or_constant(proof, margin, sy, sc, sb, what, _constant_holds)
    return out


@register
class BranchSplitting(SubproofMethod):
    """Branches on one coordinate, decided cell by cell."""

    methods = ("branch split",)
    record = BranchSplit
    find = staticmethod(branch_split)
    check_record = staticmethod(recheck)

    def applies(self, goal: PieceGoal) -> bool:
        return goal.t.expr.has(sympy.Piecewise) and any(not c.index for c in goal.coords)
