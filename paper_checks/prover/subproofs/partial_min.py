"""A partial minimum: a margin convex in one coordinate ``x_k`` is at least its value at a critical point ``x_k =
phi(others)`` solved exactly, so ``m >= 0`` follows from a problem in one coordinate fewer.

Each closed finite end of a coordinate is a face, which follows by continuity where every node of the margin is
continuous on it (:mod:`paper_checks.prover.subproofs.continuity`), else is a sub-proof of its own (one coordinate
fewer); on the rest, every end open, fix the other coordinates at a point ``P``. Then ``g(s) = m(s, P)`` on the open
interval ``I`` of ``x_k``, with ``g'' >= 0`` there (convex) and ``g'(phi) = 0`` at a ``phi`` in ``I``, has its least
value at ``phi``: ``g(s) >= g(phi) + g'(phi) (s - phi) = g(phi)``. So these facts prove the piece:

- ``m >= 0`` on each closed face (by continuity, or sub-proofs);
- ``d^2 m / dx_k^2 >= 0`` on the piece with its ends open (a sub-proof; a pole of it at an end is allowed);
- ``phi`` lies in the open interval ``I`` wherever the others are: another coordinate whose interval lies inside
  ``I``, or read from SymPy's assumptions on the coordinates' strict signs (``a^(r - 1) > 0`` for ``a > 0``);
- ``m(phi, others) >= 0`` on the others (a sub-proof; often 0 identically).

``dm/dx_k = 0`` at ``phi`` is an identity SymPy's ``simplify`` must confirm (with the coordinates' strict signs);
``phi`` is another coordinate (the diagonal where a divergence is 0) or a solution of ``dm/dx_k = 0`` from
``solve``. Young's inequality ``a^r/r + b^r'/r' - a b >= 0`` with the exponent ``r`` free is 0 along the curve
``b = a^(r - 1)``, which no box avoids; it is convex in ``b``, and its least value there is 0 identically. Bregman
divergences are convex in their first argument with the least value 0 on the diagonal.

A coordinate on a half-line or the line is read in its chart's value
(:func:`paper_checks.prover.tracing.unbounded.in_value`): the sub-problems are posed on the half-line (the prover charts
them again). Margins with ``Max``, ``Min``, ``Abs`` or branches, which have no second derivative everywhere, and points
of a simplex are left to the other closures. :func:`recheck` derives the coordinate's derivatives and ``phi``'s identity
again and re-checks every certificate.

The closure here (:class:`PartialMinimum`, registered for :mod:`paper_checks.prover.schedule`): a partial minimum
(:mod:`paper_checks.prover.subproofs.partial_min`): a margin convex in one coordinate is at least its value at a
critical point solved exactly in the others (Young's inequality with its exponent free, at ``a = b^(1/(r - 1))``; a
divergence on its diagonal), so convexity, the point's place in the interval and the least value are sub-proofs, each
with its own certificate. Re-checked by deriving the derivatives and the critical point's identity again and re-checking
every certificate (:func:`paper_checks.prover.subproofs.partial_min.recheck`).
"""
from __future__ import annotations

import contextlib
import math
from collections.abc import Iterator
from dataclasses import dataclass
from fractions import Fraction
from typing import Any

import sympy
from sympy.polys.polyerrors import BasePolynomialError

from paper_checks import work
from paper_checks.deadline import TimedOut
from paper_checks.prover.budget import Budget
from paper_checks.prover.closures.base import PieceGoal, SubproofMethod, register
from paper_checks.prover.enclosures.boxes import Box
from paper_checks.prover.subproofs.continuity import face_proofs, recheck_faces
from paper_checks.prover.subproofs.subproblem import (
    Proof,
    clipped,
    constant_holds,
    coordinate_of,
    nested,
    open_ends,
    others,
    proved_once,
    proved_or_point,
    recheck_problem,
    sampled,
)
from paper_checks.prover.tracing.normal import is_zero
from paper_checks.prover.tracing.symbols import Coordinate, sign_assumptions
from paper_checks.prover.tracing.unbounded import HalfChart, LineChart, coordinate, in_value, value_at

#: how many of these steps may nest
MAX_DEPTH = 2
#: work units SymPy may spend solving ``dm/dx_k = 0`` for one coordinate
SOLVE_WORK = 2.0
#: work units SymPy may spend factoring a second derivative
FACTOR_WORK = 1.0
#: the most critical points tried per coordinate (other coordinates first, then SymPy's solutions), among those
#: inside the interval whose derivative is 0 identically
MAX_CANDIDATES = 3
#: a solution with more nodes than this is not tried (a cubic's Cardano formula: its identity alone takes minutes)
MAX_NODES = 40
#: grid points per coordinate where the second derivative is sampled before a coordinate is tried (floating point)
SAMPLES = 7
#: nodes that jump: a margin with none is continuous where it is defined
JUMPS = (sympy.Piecewise, sympy.sign, sympy.Heaviside, sympy.floor, sympy.ceiling, sympy.frac)
#: nodes without a second derivative everywhere: kinks and branches
ROUGH = (sympy.Max, sympy.Min, sympy.Abs, *JUMPS)



@dataclass
class PartialMin:
    """A piece closed through its least value in coordinate ``index`` (``name``), taken at ``at``: the proofs of
    convexity on the open piece (``convex``), of the least value (``least``: None where it is 0 identically) and of
    each closed face (``faces``: ``(what, proof)``)."""

    index: int
    name: str
    at: sympy.Expr
    convex: Proof
    least: Proof | None
    faces: list[tuple[str, Proof | None]]  # None: the face follows by continuity

    def why(self) -> str:
        return (f"convex in {self.name} (d^2/d{self.name}^2 >= 0 proved), least where {self.name} = {self.at} "
                f"(the derivative 0 there identically), that least value "
                + ("0 identically" if self.least is None else ">= 0 proved")
                + (f", and {len(self.faces)} closed faces held" if self.faces else ""))


Problem = tuple[sympy.Expr, list[sympy.Symbol], list[Coordinate], Box]


def uncharted(expr: sympy.Expr, symbols: list[sympy.Symbol], coords: list[Coordinate], box: Box) -> Problem | None:
    """The piece with each charted coordinate read in its chart's value (on the half-line or line it stands for; its
    open ends kept), or None where a coordinate is read through two charts or outside its chart."""
    syms, crds, bx = list(symbols), list(coords), list(box)
    for i, s in enumerate(symbols):
        nodes = {n for n in expr.atoms(HalfChart, LineChart) if coordinate(n) == s}
        if not nodes:
            continue
        if len(nodes) > 1:
            return None
        node = nodes.pop()
        a, b = sorted((value_at(node, box[i][0]), value_at(node, box[i][1])))
        op_lo, op_hi = open_ends(s, *box[i], coords[i])
        if node.args[0] != s:  # a decreasing chart: the ends trade places
            op_lo, op_hi = op_hi, op_lo
        w = sympy.Symbol(f"{str(s).removesuffix('_unit')}_value", real=True,
                         **({"positive": True} if a > 0 or (a == 0 and op_lo) else
                            {"nonnegative": True} if a == 0 else {}))
        written = in_value(expr, node, w)
        if written is None or s in written.free_symbols:
            return None
        expr = written
        syms[i] = w
        finite = [e for e in (a, b) if not (isinstance(e, float) and math.isinf(e))]
        crds[i] = Coordinate(w, str(w), (), (a if op_lo and a in finite else None,
                                             b if op_hi and b in finite else None))
        bx[i] = (a, b)
    return expr, syms, crds, bx


@contextlib.contextmanager
def nested_in_values(name: str, budget: Budget, most: int, expr: sympy.Expr, symbols: list[sympy.Symbol],
                     coords: list[Coordinate], box: Box) -> Iterator[tuple[Budget, Problem] | None]:
    """One level of the closure by sub-proofs ``name`` (:func:`~paper_checks.prover.subproofs.subproblem.nested`) on
    the piece read in its charts' values (:func:`uncharted`): the budget its sub-proofs may spend and the piece so
    read; None where ``most`` levels of it are already open or the piece cannot be read so."""
    with nested(name, budget, most) as stop:
        un = None if stop is None else uncharted(expr, symbols, coords, box)
        yield None if stop is None or un is None else (stop, un)


def _candidates(d1: sympy.Expr, x: sympy.Symbol, symbols: list[sympy.Symbol]) -> list[sympy.Expr]:
    """Critical points to try for ``x``: the other coordinates (a divergence's diagonal), then SymPy's solutions of
    ``d1 = 0`` that are free of ``x``, smallest first."""
    out = [s for s in symbols if s != x]
    try:
        with work.limit(SOLVE_WORK):
            found = sympy.solve(d1, x, dict=False)
    except (TimedOut, NotImplementedError, ValueError, TypeError, RecursionError, AttributeError):
        found = []
    found = [f for f in found if isinstance(f, sympy.Expr) and x not in f.free_symbols and not f.has(*ROUGH)
             and f.count_ops() <= MAX_NODES and not f.has(sympy.I, sympy.oo, sympy.zoo, sympy.nan)]
    return out + [f for f in sorted(found, key=sympy.count_ops) if f not in out]


def _critical(d1: sympy.Expr, x: sympy.Symbol, phi: sympy.Expr) -> bool:
    """Whether ``d1`` is 0 identically at ``x = phi`` (SymPy's ``simplify``, within its own time limit)."""
    at = d1.xreplace({x: phi})
    return at == 0 or is_zero(at)


def opened(expr: sympy.Expr, symbols: list[sympy.Symbol], coords: list[Coordinate], box: Box) -> Problem:
    """The piece with every finite end open: each coordinate a symbol with the strict sign its open interval gives
    (:func:`paper_checks.prover.tracing.symbols.sign_assumptions`), both ends in its ``open_at``."""
    syms, crds = [], []
    for s, (lo, hi) in zip(symbols, box):
        finite = [None if isinstance(e, float) and math.isinf(e) else Fraction(e) for e in (lo, hi)]
        w = sympy.Symbol(str(s), **sign_assumptions(float(lo), float(hi), True, True))
        syms.append(w)
        crds.append(Coordinate(w, str(w), (), (finite[0], finite[1])))
    return expr.xreplace(dict(zip(symbols, syms))), syms, crds, list(box)


def strictly_inside(phi: sympy.Expr, k: int, symbols: list[sympy.Symbol], box: Box) -> bool:
    """Whether ``phi`` lies in coordinate ``k``'s open interval wherever the other coordinates are (in their open
    intervals): another coordinate whose interval lies inside it, or strict signs SymPy reads off the coordinates'
    assumptions."""
    lo, hi = box[k]
    if phi in symbols:
        j = symbols.index(phi)
        return box[j][0] >= lo and box[j][1] <= hi
    for value, sign in ((lo, 1), (hi, -1)):
        if isinstance(value, float) and math.isinf(value):
            continue
        v = sympy.Rational(Fraction(value).numerator, Fraction(value).denominator)
        if not (sign * (phi - v)).is_positive:
            return False
    return True


def partial_min(expr: sympy.Expr, symbols: list[sympy.Symbol], box: Box, budget: Budget,
                coords: list[Coordinate]) -> PartialMin | list[Fraction] | None:
    """Close ``expr >= 0`` on the piece (``box``) through its least value in one coordinate (the module docstring);
    or a point of the piece where that least value is negative (exact, for the caller to verify on the margin and
    shrink; on a piece without charts); or None."""
    if expr.has(*ROUGH) or any(c.index for c in coords) or len(symbols) < 2:
        return None
    with nested_in_values("PartialMinimum", budget, MAX_DEPTH, expr, symbols, coords, box) as level:
        if level is None:
            return None
        stop, un = level
        m, syms, crds, bx = opened(*un)
        for k, x in enumerate(syms):
            if stop.over():
                return None
            if not convex_sampled(m, x, syms, bx):
                continue
            d1 = sympy.diff(m, x)
            tried = 0
            for phi in _candidates(d1, x, syms):
                if tried >= MAX_CANDIDATES or stop.over():
                    break
                if not strictly_inside(phi, k, syms, bx) or not _critical(d1, x, phi):
                    continue
                tried += 1
                found = _proofs(m, k, phi, syms, crds, bx, stop)
                if isinstance(found, list):  # the least value is negative at a point: the margin is there
                    return found if [str(s) for s in syms] == [str(s) for s in symbols] else None
                if found is None:
                    continue
                done = face_proofs(*un, stop)
                if done is None:
                    return None
                return PartialMin(k, str(x), phi, *found, done)
        return None


def convex_sampled(m: sympy.Expr, x: sympy.Symbol, symbols: list[sympy.Symbol], box: Box) -> bool:
    """Whether ``d^2 m / dx^2`` sampled on a grid of the piece (:data:`SAMPLES` points a coordinate, infinite ends
    clipped) is nowhere below 0 beyond rounding (floating point: it only chooses the coordinates worth a sub-proof of
    convexity; the temperature-scaled logistic loss spent 2.5 s of its 8 s solving for a critical point in a coordinate
    where it is not convex, then failing to prove that it was)."""
    values = sampled(sympy.diff(m, x, 2), symbols, clipped(box), SAMPLES)
    if not values:
        return True
    scale = max(abs(v) for v in values)
    return all(v >= -1e-9 * (1 + scale) for v in values)


def second(m: sympy.Expr, x: sympy.Symbol) -> sympy.Expr:
    """``d^2 m / dx^2``, factored where SymPy does so within :data:`FACTOR_WORK` into no more nodes (the normal form
    reads the signs of a product: ``b^(r/(r - 1) - 2) r/(r - 1)``, where the derivative as taken is a sum)."""
    d2 = sympy.diff(m, x, 2)
    try:
        with work.limit(FACTOR_WORK):
            f = sympy.factor(d2)
    except (TimedOut, BasePolynomialError, TypeError, ValueError, NotImplementedError, RecursionError):
        return d2
    return f if sympy.count_ops(f) <= sympy.count_ops(d2) else d2


def inner_point(low: Any, high: Any) -> Fraction:
    """A rational point inside the open interval ``(low, high)`` (an end may be infinite)."""
    lo_inf, hi_inf = (isinstance(e, float) and math.isinf(e) for e in (low, high))
    if lo_inf and hi_inf:
        return Fraction(0)
    return Fraction(high) - 1 if lo_inf else Fraction(low) + 1 if hi_inf else (Fraction(low) + Fraction(high)) / 2


def _at(phi: sympy.Expr, k: int, osy: list[sympy.Symbol], point: list[Fraction]) -> list[Fraction] | None:
    """The point of the piece with the other coordinates at ``point`` and coordinate ``k`` at ``phi`` there, where that
    is rational (for the caller to verify exactly on the margin itself); else None."""
    v = phi.xreplace({s: sympy.Rational(q.numerator, q.denominator) for s, q in zip(osy, point)})
    if not v.is_Rational:
        return None
    return [*point[:k], Fraction(int(v.p), int(v.q)), *point[k:]]


def _proofs(m: sympy.Expr, k: int, phi: sympy.Expr, syms: list[sympy.Symbol], crds: list[Coordinate], bx: Box,
            stop: Budget) -> tuple[Proof, Proof | None] | list[Fraction] | None:
    """The sub-proofs of one critical point on the open piece: convexity, then the least value; or, where the least
    value is negative at a point, that point of the piece (``x_k = phi`` there)."""
    x = syms[k]
    osy, osc, obx = others(k, syms, crds, bx)
    least_margin = m.xreplace({x: phi})
    if not least_margin.free_symbols and least_margin != 0 and not constant_holds(least_margin):
        return _at(phi, k, osy, [inner_point(*b) for b in obx])  # 0 or the negative constant decide nothing else
    left = max(stop.left(), 0.0)
    convex = proved_once(second(m, x), syms, bx, crds, f"d^2/d{x}^2 of {m}", left / 2)
    if convex is None:
        return None
    if least_margin == 0 or is_zero(least_margin) or not least_margin.free_symbols:
        return convex, None
    least = proved_or_point(least_margin, osy, obx, osc, f"{m} where {x} = {phi}", stop.left() / 2,
                            lambda pt: _at(phi, k, osy, [coordinate_of(pt, s, c) for s, c in zip(osy, osc)]))
    if not isinstance(least, tuple):
        return least
    return convex, least


def recheck(rec: PartialMin, expr: sympy.Expr, symbols: list[sympy.Symbol], box: Box,
            coords: list[Coordinate]) -> list[str]:
    """Why ``rec`` does not close ``expr >= 0`` on ``box`` (empty: it does); see the module docstring."""
    if expr.has(*ROUGH) or any(c.index for c in coords):
        return ["the margin is not smooth in plain real coordinates again"]
    un = uncharted(expr, symbols, coords, box)
    if un is None or not 0 <= rec.index < len(un[1]) or str(un[1][rec.index]) != rec.name:
        return [f"the coordinate {rec.name} is not the piece's again"]
    m, syms, crds, bx = opened(*un)
    x = syms[rec.index]
    at = rec.at.xreplace({s: t for s in rec.at.free_symbols for t in syms if str(t) == str(s)})
    d1 = sympy.diff(m, x)
    if x in at.free_symbols or not strictly_inside(at, rec.index, syms, bx) or not _critical(d1, x, at):
        return [f"{x} = {rec.at} is not a critical point inside the open interval of {x} again"]
    out = recheck_problem(*rec.convex, second(m, x), syms, crds, bx, f"d^2/d{x}^2")  # as the step derived it
    if out:
        out = recheck_problem(*rec.convex, sympy.diff(m, x, 2), syms, crds, bx, f"d^2/d{x}^2")
    osy, osc, obx = others(rec.index, syms, crds, bx)
    least_margin = m.xreplace({x: at})
    if rec.least is None:
        zero = least_margin == 0 or is_zero(least_margin)
        if not zero and (least_margin.free_symbols or not constant_holds(least_margin)):
            out.append(f"the least value at {x} = {rec.at} is not 0 identically")
    else:
        out += recheck_problem(*rec.least, least_margin, osy, osc, obx, f"the least value at {x} = {rec.at}")
    return out + recheck_faces(rec.faces, *un)


@register
class PartialMinimum(SubproofMethod):
    """Convex in one coordinate, least at an exact critical point."""

    methods = ("partial minimum",)
    record = PartialMin
    find = staticmethod(partial_min)
    check_record = staticmethod(recheck)

    def applies(self, goal: PieceGoal) -> bool:
        return len(goal.coords) >= 2 and not any(c.index for c in goal.coords)
