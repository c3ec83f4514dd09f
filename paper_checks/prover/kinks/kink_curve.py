"""A kink along a curve: a margin with ``Max(a, b)`` (or ``Min``) whose sides cross where a coordinate ``s`` equals a
function ``phi`` of the others is decided on the two cells of the piece that curve cuts, each mapped onto a box.

A clipped loss whose clip moves with a parameter is such a margin: the cross entropy clipped at ``-A``, as the
reverse cross entropy reads ``log 0 := A`` (Wang et al. 2019), against its chord, ``-A (1 - p)/(1 - e^A) >= min(-log
p, -A)`` with ``A < 0`` free, changes sides along ``p = e^A`` and is tight there for every ``A``. Neither the kink
split (an affine difference) nor the kink's roots (a difference of one coordinate) cut it. Here the cut is the curve
``s = phi(others)``, ``phi`` from SymPy's ``solve`` of ``a = b`` for ``s`` (one solution, free of ``s``); the cell
below it is ``s = low + (phi - low) t`` and the one above ``s = phi + (high - phi) t``, ``t`` in ``[0, 1]`` (an end of
``s``'s interval the domain leaves open stays open in ``t``).

Nothing here trusts ``phi``: these sub-proofs, each with its own certificate, prove the piece:

- ``phi - low >= 0`` and ``high - phi >= 0`` on the others: for every point of the others, the two cells' maps of
  ``t`` cover ``[low, high]``;
- on each cell, ``+-(a - b) >= 0`` in ``(t, others)``: one side is the active one on the whole cell;
- on each cell, the margin with that side in place of the kink ``>= 0`` in ``(t, others)``.

``s`` needs finite ends; the others may be charted (read in their values,
:func:`paper_checks.prover.subproofs.partial_min.uncharted`). :func:`recheck` derives every sub-problem again from the
recorded curve and sides and re-checks every certificate.

The closure here (:class:`KinkAlongACurve`, registered for :mod:`paper_checks.prover.schedule`): a kink along a curve
(:mod:`paper_checks.prover.kinks.kink_curve`): a ``Max``/``Min`` whose sides cross where a coordinate equals a function
of the others (a clip that moves with a parameter: ``min(-log p, -A)`` at ``p = e^A``) is decided on the two cells that
curve cuts, each mapped onto a box; the curve's place in the interval, each cell's active side and its margin are
sub-proofs, each with its own certificate. Re-checked by deriving every sub-problem again and re-checking every
certificate (:func:`paper_checks.prover.kinks.kink_curve.recheck`).
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
from paper_checks.prover.enclosures.boxes import Box
from paper_checks.prover.subproofs.partial_min import JUMPS, nested_in_values, uncharted
from paper_checks.prover.subproofs.subproblem import (
    Proof,
    clipped,
    open_ends,
    others,
    proved_once,
    recheck_problem,
    sampled,
)
from paper_checks.prover.tracing.symbols import Coordinate
from paper_checks.prover.tracing.unbounded import infinite

#: how many of these steps may nest
MAX_DEPTH = 2
#: work units SymPy may spend solving ``a = b`` for one coordinate
SOLVE_WORK = 2.0
#: grid points per coordinate where a cell's kink is sampled to choose its side (floating point: a choice only)
SAMPLES = 7
#: a solution with more nodes than this is not tried
MAX_NODES = 40


Problem = tuple[sympy.Expr, list[sympy.Symbol], list[Coordinate], Box]


@dataclass
class CurveCell:
    """The cell ``below`` or ``above`` the curve, the side of the kink active on it, and the proofs that it is active
    (``sign``) and of the margin with it (``margin``)."""

    where: str
    side: int
    sign: Proof
    margin: Proof


@dataclass
class KinkCurve:
    """A piece closed cell by cell of the curve ``name = phi``: the kink ``node``, the proofs of ``phi``'s bounds and
    the two cells."""

    node: sympy.Expr
    index: int
    name: str
    phi: sympy.Expr
    bounds: list[tuple[str, Proof]]
    cells: list[CurveCell]

    def why(self) -> str:
        sides = ", ".join(f"{c.where} it {self.node.args[c.side]}" for c in self.cells)
        return (f"the kink {self.node} changes sides along {self.name} = {self.phi} (inside the interval, proved); "
                f"{sides}, each active and the margin with it >= 0 proved on its cell")


def kinks(m: sympy.Expr) -> list[sympy.Expr]:
    """The two-argument ``Max``/``Min`` nodes of ``m`` (the step takes a margin with one)."""
    return [n for n in sympy.preorder_traversal(m) if isinstance(n, (sympy.Max, sympy.Min)) and len(n.args) == 2]


def curve(g: sympy.Expr, s: sympy.Symbol) -> sympy.Expr | None:
    """The one solution ``phi`` of ``g = 0`` for ``s`` that SymPy's ``solve`` gives within :data:`SOLVE_WORK`, free
    of ``s`` and reading another coordinate (a constant one is the kink's roots'); None otherwise."""
    try:
        with work.limit(SOLVE_WORK):
            found = sympy.solve(g, s, dict=False)
    except (TimedOut, NotImplementedError, ValueError, TypeError, RecursionError, AttributeError):
        return None
    found = [f for f in found if isinstance(f, sympy.Expr) and s not in f.free_symbols and f.free_symbols
             and not f.has(sympy.I, sympy.oo, sympy.zoo, sympy.nan) and f.count_ops() <= MAX_NODES]
    return found[0] if len(found) == 1 else None


def cell(m: sympy.Expr, node: sympy.Expr, syms: list[sympy.Symbol], crds: list[Coordinate], bx: Box, k: int,
         phi: sympy.Expr, where: str, side: int, sign: bool) -> Problem:
    """The sub-problem of the cell ``where`` (``below``/``above``) of the curve ``s = phi``, ``s`` written in ``t``
    in ``[0, 1]``: ``+-(a - b) >= 0`` where ``sign`` (side ``side`` active), else the margin with that side."""
    s = syms[k]
    lo, hi = (sympy.Rational(Fraction(v).numerator, Fraction(v).denominator) for v in bx[k])
    open_lo, open_hi = open_ends(s, *bx[k], crds[k])
    t = sympy.Symbol(f"{s}_cell", real=True)
    at = lo + (phi - lo) * t if where == "below" else phi + (hi - phi) * t
    first_wins = (side == 0) == isinstance(node, sympy.Max)  # args[0] active where a - b >= 0 (Max), <= 0 (Min)
    g = node.args[0] - node.args[1]
    margin = (g if first_wins else -g) if sign else m.xreplace({node: node.args[side]})
    opened = (Fraction(0) if where == "below" and open_lo else None,
              Fraction(1) if where == "above" and open_hi else None)
    return (margin.xreplace({s: at}), [t if i == k else x for i, x in enumerate(syms)],
            [Coordinate(t, str(t), (), opened) if i == k else c for i, c in enumerate(crds)],
            [(Fraction(0), Fraction(1)) if i == k else b for i, b in enumerate(bx)])


def _side(node: sympy.Expr, problem: Problem) -> int | None:
    """The side of ``node`` active on the cell as ``a - b`` (``problem``'s margin) sampled there says (the first
    where it is ``>= 0`` for a ``Max``, ``<= 0`` for a ``Min``), or None where it changes sign there."""
    margin, sy, _, sb = problem
    values = sampled(margin, sy, clipped(sb), SAMPLES) or []
    if not values:
        return None
    if all(v >= -1e-12 for v in values):
        return 0 if isinstance(node, sympy.Max) else 1
    if all(v <= 1e-12 for v in values):
        return 1 if isinstance(node, sympy.Max) else 0
    return None


def kink_curve(expr: sympy.Expr, symbols: list[sympy.Symbol], box: Box, budget: Budget,
               coords: list[Coordinate]) -> KinkCurve | None:
    """Close ``expr >= 0`` on the piece (``box``) on the two cells of its kink's curve (the module docstring), or
    None."""
    if expr.has(*JUMPS) or any(c.index for c in coords) or len(symbols) < 2:
        return None
    with nested_in_values("KinkAlongACurve", budget, MAX_DEPTH, expr, symbols, coords, box) as level:
        if level is None:
            return None
        stop, (m, syms, crds, bx) = level
        found = kinks(m)
        if len(found) != 1:
            return None
        node = found[0]
        g = node.args[0] - node.args[1]
        for k, s in enumerate(syms):
            if s not in g.free_symbols or infinite(bx[k][0]) or infinite(bx[k][1]) or stop.over():
                continue
            phi = curve(g, s)
            if phi is None or not phi.free_symbols <= set(syms):
                continue
            got = _proofs(m, node, syms, crds, bx, k, phi, stop)
            if got is not None:
                return KinkCurve(node, k, str(s), phi, *got)
        return None


def bound_problems(syms: list[sympy.Symbol], crds: list[Coordinate], bx: Box, k: int, phi: sympy.Expr
                   ) -> list[tuple[str, Problem]]:
    """``phi - low >= 0`` and ``high - phi >= 0`` on the others."""
    lo, hi = (sympy.Rational(Fraction(v).numerator, Fraction(v).denominator) for v in bx[k])
    osy, osc, obx = others(k, syms, crds, bx)
    return [("low", (phi - lo, osy, osc, obx)), ("high", (hi - phi, osy, osc, obx))]


def _proofs(m: sympy.Expr, node: sympy.Expr, syms: list[sympy.Symbol], crds: list[Coordinate], bx: Box, k: int,
            phi: sympy.Expr, stop: Budget) -> tuple[list[tuple[str, Proof]], list[CurveCell]] | None:
    cells = []
    for where in ("below", "above"):
        g_side = 0 if isinstance(node, sympy.Max) else 1  # the side whose sign problem is a - b itself
        side = _side(node, cell(m, node, syms, crds, bx, k, phi, where, g_side, True))
        if side is None:
            return None
        cells.append((where, side))
    bounds = []
    for which, (margin, sy, sc, sb) in bound_problems(syms, crds, bx, k, phi):
        got = proved_once(margin, sy, sb, sc, f"{syms[k]} = {phi} at or past its {which} end",
                          stop.left() / 6)
        if got is None:
            return None
        bounds.append((which, got))
    done = []
    for n, (where, side) in enumerate(cells):
        proofs: list[Any] = []
        for sign in (True, False):
            margin, sy, sc, sb = cell(m, node, syms, crds, bx, k, phi, where, side, sign)
            what = f"{m} {where} {syms[k]} = {phi}" + ("" if sign else f" where {node} is {node.args[side]}")
            got = proved_once(margin, sy, sb, sc, what, stop.left() / (4 - 2 * n - len(proofs)))
            if got is None:
                return None
            proofs.append(got)
        done.append(CurveCell(where, side, proofs[0], proofs[1]))
    return bounds, done


def recheck(rec: KinkCurve, expr: sympy.Expr, symbols: list[sympy.Symbol], box: Box,
            coords: list[Coordinate]) -> list[str]:
    """Why ``rec`` does not close ``expr >= 0`` on ``box`` (empty: it does); see the module docstring."""
    if expr.has(*JUMPS) or any(c.index for c in coords):
        return ["the margin is not continuous in plain real coordinates again"]
    un = uncharted(expr, symbols, coords, box)
    if un is None or not 0 <= rec.index < len(un[1]) or str(un[1][rec.index]) != rec.name:
        return [f"the coordinate {rec.name} is not the piece's again"]
    m, syms, crds, bx = un
    k = rec.index
    by_name = {str(s): s for s in syms}
    if infinite(bx[k][0]) or infinite(bx[k][1]) or any(str(s) not in by_name for s in rec.phi.free_symbols):
        return ["the curve is not a function of the piece's other coordinates with finite ends for its own"]
    phi = rec.phi.xreplace({s: by_name[str(s)] for s in rec.phi.free_symbols})
    if syms[k] in phi.free_symbols or kinks(m) != [rec.node]:
        return [f"{rec.node} is not the margin's one kink, or the curve reads {rec.name}"]
    out: list[str] = []
    if [w for w, _ in rec.bounds] != ["low", "high"] or [c.where for c in rec.cells] != ["below", "above"]:
        return ["the recorded bounds or cells are not the curve's two of each"]
    for (which, proof), (_, (margin, sy, sc, sb)) in zip(rec.bounds, bound_problems(syms, crds, bx, k, phi)):
        out += recheck_problem(*proof, margin, sy, sc, sb, f"the curve at or past the {which} end")
    for c in rec.cells:
        if c.side not in (0, 1):
            out.append(f"the side {c.side} is no side of the kink")
            continue
        for sign, proof in ((True, c.sign), (False, c.margin)):
            margin, sy, sc, sb = cell(m, rec.node, syms, crds, bx, k, phi, c.where, c.side, sign)
            out += recheck_problem(*proof, margin, sy, sc, sb, f"the cell {c.where} the curve"
                                   + (": its side active" if sign else ""))
    return out


@register
class KinkAlongACurve(SubproofMethod):
    """A kink cut along the curve where its sides cross."""

    methods = ("kink curve",)
    record = KinkCurve
    find = staticmethod(kink_curve)
    check_record = staticmethod(recheck)

    def applies(self, goal: PieceGoal) -> bool:
        return len(goal.coords) >= 2 and not any(c.index for c in goal.coords)
