"""Monotone in a parameter over the whole piece: prove the sign of ``d margin / d x_i`` on the piece, then the
margin on the face where ``x_i`` is at the end it decreases toward (one coordinate fewer).

A bound stated for every value of a parameter is often monotone in it: GCE ``L_q(p) = (1 - p^q)/q`` (Zhang &
Sabuncu 2018, Eq. 6) against MAE, ``L_q(p) - (1 - p)``, decreases in ``p`` on ``[0, 1]`` for every ``q <= 1``,
and on the face ``p = 1`` it is 0 for every ``q``; Bernoulli's ``(1 + x)^r - 1 - r x`` increases in ``r >= 1``
down to the face ``r = 1``, where it is identically 0. The boxes cannot close such a margin: it is 0 along a
whole edge, and each box's bound is a little below 0 there. Here each piece is decided as two problems of the
same prover (:func:`paper_checks.prover.prove.prove`), each with its own certificate:

1. ``s d margin / d x_i >= 0`` on the piece's box (``s = +1``: the minimum lies on the face ``x_i = low``;
   ``s = -1``: on ``x_i = high``), and
2. the margin ``>= 0`` on that face.

Then for every point ``x`` of the box, the margin is at least its value at the face point with the same other
coordinates (the mean value theorem along ``x_i``), which is ``>= 0``. On a half-line or the line the piece is
first tried in its charts' values (:func:`~paper_checks.prover.subproofs.partial_min.uncharted`): Barron's robust loss
below ``v^2/2`` has the slope ``v (1 - (1 + v^2/(2 - alpha))^(alpha/2 - 1))`` in ``v``, one interval evaluation
from ``>= 0``, where its slope in the chart's coordinate carries the chart through every term. A margin even in a
coordinate whose interval is symmetric about 0 (``m(-x) = m(x)`` identically) is swept on the half ``x >= 0``; the
other half is its mirror image. Where the margin reads one coordinate only,
the face is a point, decided exactly (:func:`paper_checks.prover.enclosures.bound.decide_point`; at an open end, the
pole of a half-line's chart or a point where the margin is ``0/0`` as written, its limit from inside): Shafer's ``atan x
>= 3x/(1 + 2 sqrt(1 + x^2))`` on ``[0, oo)``, tight to order 5 at 0, has the algebraic derivative ``(s - 1)^2/(s^2 (1 +
2s)^2)``, ``s = sqrt(1 + x^2)``, which z3 decides at once, where the boxes meet ``c x^5`` against the interval
dependency of every term. Each sub-problem may use this step again,
down to :data:`MAX_DEPTH` levels. A coordinate is tried only where the derivative sampled on a grid has one
sign (floating point: it only chooses what to prove). :func:`recheck` re-derives both margins exactly and
re-checks both certificates; it never trusts the run that made them.

The closure here (:class:`MonotoneSweep`, registered for :mod:`paper_checks.prover.schedule`): monotone in one
coordinate over a whole piece (:mod:`paper_checks.prover.sweeps.sweep`): the sign of ``d margin / d x_i`` proved on the
piece, then the margin on the face it points to, each a sub-proof with its own certificate. The prover tries it on the
conjuncts still open part-way through the boxes (:func:`paper_checks.prover.prove.prove`), so it takes part in no stage
of its own; re-checked by deriving both margins again and re-checking both certificates
(:func:`paper_checks.prover.sweeps.sweep.recheck`).

The closure here (:class:`ValueSweep`, registered for :mod:`paper_checks.prover.schedule`): monotone in one coordinate
over a whole piece on a half-line or the line, read in its charts' values (:mod:`paper_checks.prover.sweeps.sweep`):
tried early, with a share of the time, where the later sweep of what the boxes leave open comes too late (the piece
steps before the boxes may take the whole time limit). Barron's robust loss ``rho(v, alpha) <= v^2/2`` on the line with
``alpha`` in ``(0, 2)``: even in ``v``, its slope in ``v`` on ``v >= 0`` is ``>= 0`` in one interval evaluation, and the
face ``v = 0`` is 0. Re-checked by deriving both margins again and re-checking both certificates
(:func:`paper_checks.prover.sweeps.sweep.recheck`).
"""
from __future__ import annotations

import math
from dataclasses import dataclass
from fractions import Fraction
from typing import Any

import sympy

from paper_checks import work
from paper_checks.prover import schedule
from paper_checks.prover.budget import Budget
from paper_checks.prover.closures.base import PieceGoal, SubproofMethod, register
from paper_checks.prover.enclosures.bound import decide_point
from paper_checks.prover.enclosures.boxes import Box
from paper_checks.prover.subproofs.partial_min import uncharted
from paper_checks.prover.subproofs.subproblem import (
    clipped,
    coordinate_of,
    decider,
    depth,
    held,
    nested,
    reals,
    sampled,
    space_of,
    symbolic_margin,
    wanted,
)
from paper_checks.prover.tracing.normal import is_zero
from paper_checks.prover.tracing.trace import Coordinate, compile_traced, derivative
from paper_checks.prover.tracing.unbounded import HalfChart, LineChart
from paper_checks.search.params import SearchSpace

#: how many monotone steps may nest (a derivative's sign proved by the same step, a face's face)
MAX_DEPTH = 2
#: grid points per coordinate where the derivative is sampled to choose its sign (floating point)
SAMPLES = 7



@dataclass
class Sweep:
    """A piece closed by monotonicity in coordinate ``index`` (``name``) toward ``end`` (``low``/``high``): the
    derivative's problem (``sign * d margin / d name >= 0``) and the face's, each with its proof."""

    index: int
    name: str
    end: str
    sign: int
    derivative: sympy.Expr
    face: sympy.Expr
    derivative_space: SearchSpace
    face_space: SearchSpace | None  # None: the face is a point (one coordinate), decided exactly
    derivative_proof: Any  # ProofResult (proved)
    face_proof: Any  # ProofResult (proved), or the point's Closure
    in_value: bool = False  # swept in the charts' values (uncharted), not in the charts' coordinates
    even: bool = False  # the margin even in the coordinate: swept on its half from 0, the other half its mirror

    def why(self) -> str:
        rel = ">=" if self.sign > 0 else "<="
        how = (" (in the charts' values)" if self.in_value else "") + (
            f" on {self.name} >= 0 (the margin is even in {self.name})" if self.even else "")
        face = (f"the margin at {self.name} = its {self.end} end is {self.face_proof.exact}" if self.face_space is None
                else f"the margin >= 0 on the face {self.name} = its {self.end} end (proved: {self.face_proof.boxes} "
                     "boxes)")
        proved = self.derivative_proof.boxes
        return f"d margin / d {self.name} {rel} 0 on the piece{how} (proved: {proved} boxes), and {face}"


def read(expr: sympy.Expr, symbols: list[sympy.Symbol], box: Box) -> list[int]:
    """The coordinates of ``box`` that ``expr`` reads and that are not pinned."""
    return [i for i, (lo, hi) in enumerate(box) if lo != hi and symbols[i] in expr.free_symbols]


def end_value(expr: sympy.Expr, symbols: list[sympy.Symbol], box: Box, i: int, end: str) -> Any:
    """The margin at the face point of a piece that reads one coordinate ``i`` (the others, unread, at their low
    end), decided exactly; at a point where it is undefined as written, its limit from inside the piece."""
    # coordinate i at its end; an unread one at its low end, made finite (8 below the other on a half-line's value)
    x = [(hi if end == "high" else lo) if k == i else a for k, ((lo, hi), (a, _)) in enumerate(zip(box, clipped(box)))]
    return decide_point(compile_traced(expr, symbols), x, {i: "+" if end == "low" else "-"})


def sampled_sign(d: sympy.Expr, symbols: list[sympy.Symbol], box: Box) -> int:
    """``+1``/``-1`` where the derivative sampled on a grid of the box has that sign everywhere it is finite,
    else 0 (floating point: a choice of what to prove, never a proof)."""
    values = sampled(d, symbols, box, SAMPLES) or []
    pos = sum(v > 1e-12 for v in values)
    neg = sum(v < -1e-12 for v in values)
    if pos and not neg:
        return 1
    if neg and not pos:
        return -1
    return 0


def even_in(expr: sympy.Expr, s: sympy.Symbol, interval: tuple[Any, Any]) -> bool:
    """Whether ``interval`` is symmetric about 0 and ``expr(-s) = expr(s)`` identically (exact)."""
    lo, hi = interval
    if not (lo == -hi and hi > 0):
        return False
    flipped = expr.xreplace({s: -s})
    return flipped == expr or is_zero(flipped - expr)


def halved(box: Box, i: int) -> Box:
    """``box`` with coordinate ``i`` on the half from 0 of its interval."""
    return [(Fraction(0), hi) if k == i else (lo, hi) for k, (lo, hi) in enumerate(box)]


def forms(expr: sympy.Expr, symbols: list[sympy.Symbol], box: Box, coords: list[Coordinate]
          ) -> list[tuple[sympy.Expr, list[sympy.Symbol], Box, list[Coordinate], bool]]:
    """The piece in its charts' values (where it reads a chart: :func:`uncharted`), then as the prover charts it."""
    plain = (expr, symbols, box, coords, False)
    un = uncharted(expr, symbols, coords, box) if expr.has(HalfChart, LineChart) else None
    return [plain] if un is None else [(un[0], un[1], un[3], un[2], True), plain]


def inside() -> bool:
    """Whether this runs inside a sweep's sub-proof (of its derivative's sign, or of its face)."""
    return depth("MonotoneSweep") > 0


def sweep(expr: sympy.Expr, symbols: list[sympy.Symbol], box: Box, budget: Budget,
          coords: list[Coordinate] | None = None, values_only: bool = False) -> Sweep | list[Fraction] | None:
    """Close ``expr >= 0`` on ``box`` by monotonicity in one real coordinate (the module docstring; the simplex
    points among ``coords`` stay whole in both sub-problems); or a point of the box's face where the face's proof
    found the margin negative (exact, to be verified against the domain and shrunk by the caller: an open end's
    face is not in it); or None. ``values_only``: only the piece in its charts' values is tried."""
    coords = coords or reals(symbols)
    with nested("MonotoneSweep", budget, MAX_DEPTH) as stop:
        if stop is None:
            return None
        for form in [f for f in forms(expr, symbols, box, coords) if f[-1] or not values_only]:
            got = _swept(*form, stop)
            if got is not None:
                return got
        return None


def _tries(expr: sympy.Expr, symbols: list[sympy.Symbol], box: Box, coords: list[Coordinate], stop: Budget
           ) -> list[tuple[int, sympy.Expr, Box, bool, int, Fraction, sympy.Expr | None]]:
    """The coordinates worth a sweep, each as ``(i, d, box, even, sign, at, face)``: the derivative sampled of one
    sign (on the even half where it is not), the face at a finite end and defined there as written (the face's
    proof would fail where it is not: ``T log(1 + e^(-v/T))`` at ``T = 0``); those whose face reads fewer
    coordinates first (a face identically 0 is decided at once); ``face`` None where the margin reads one
    coordinate (the face is a point)."""
    moving = read(expr, symbols, box)
    out = []
    for i in [i for i in moving if not coords[i].index]:
        if work.now() > stop.stop - 0.05:
            break
        s = symbols[i]
        d = sympy.together(derivative(expr, s))
        bx, even = box, False
        sign = sampled_sign(d, symbols, clipped(bx))
        if sign == 0 and even_in(expr, s, bx[i]):
            bx, even = halved(bx, i), True
            sign = sampled_sign(d, symbols, clipped(bx))
        at = bx[i][0] if sign > 0 else bx[i][1]
        if sign == 0 or (isinstance(at, float) and math.isinf(at)):
            continue
        face = None if len(moving) == 1 else expr.xreplace({s: sympy.Rational(at.numerator, at.denominator)})
        if face is not None and face.has(sympy.zoo, sympy.nan, sympy.oo, -sympy.oo):
            continue
        out.append((i, d, bx, even, sign, at, face))
    return sorted(out, key=lambda t: 0 if t[6] is None else len(t[6].free_symbols))


def _swept(expr: sympy.Expr, symbols: list[sympy.Symbol], box: Box, coords: list[Coordinate], in_value: bool,
           stop: Budget) -> Sweep | list[Fraction] | None:
    """:func:`sweep` in one form of the piece (``in_value``: its charts' values, where a point found on a face is
    not handed back: it is no point of the charted piece)."""
    prove = decider("prove")  # the same prover decides both sub-problems
    for i, d, bx, even, sign, at, face in _tries(expr, symbols, box, coords, stop):
        if work.now() > stop.stop - 0.05:
            return None
        s = symbols[i]
        dspace = space_of(sign * d, symbols, bx, f"{'' if sign > 0 else '-'}d/d{s} ({expr})", coords)
        if dspace is None:
            return None
        left = stop.left()  # half for the face's proof, all of it where the face is a number
        dres = prove(dspace, 10**6, None,
                     work=max(left if face is not None and not face.free_symbols else left / 2, 0.01))
        if not dres.proved:
            continue
        end = "low" if sign > 0 else "high"
        if face is None:  # the face is a point
            value = end_value(expr, symbols, bx, i, end)
            if value.closed:
                return Sweep(i, str(s), end, sign, sign * d, expr, dspace, None, dres, value, in_value, even)
            if value.fails is not None and not in_value:  # below 0 at a point of the closed box: the caller verifies
                return list(value.fails)
            continue
        rest = [k for k in range(len(bx)) if k != i]
        fspace = space_of(face, [symbols[k] for k in rest], [bx[k] for k in rest], f"{expr} at {s} = {at}",
                          [coords[k] for k in rest])
        if fspace is None:
            return None
        fres = prove(fspace, 10**6, None, work=max(stop.left(), 0.01))
        if fres.proved:
            return Sweep(i, str(s), end, sign, sign * d, face, dspace, fspace, dres, fres, in_value, even)
        if fres.outcome == "counterexample" and fres.counterexample is not None and not in_value:
            pt = fres.counterexample  # a point of the face, so of the closed box: the caller verifies it
            return [at if k == i else coordinate_of(pt, symbols[k], coords[k]) for k in range(len(bx))]
    return None


def recheck(sw: Sweep, expr: sympy.Expr, symbols: list[sympy.Symbol], box: Box,
            coords: list[Coordinate] | None = None) -> list[str]:
    """Why ``sw`` does not close ``expr >= 0`` on ``box`` (empty: it does): both margins derived again exactly
    from ``expr``, both domains compared with the box (a simplex point of ``coords`` whole), both certificates
    re-checked (:func:`paper_checks.prover.certificate.recheck`, which bounds every box again)."""
    recheck_certificate = decider("recheck")
    coords = coords or reals(symbols)
    if sw.in_value:
        un = uncharted(expr, symbols, coords, box)
        if un is None:
            return ["the piece cannot be read in its charts' values again"]
        expr, symbols, coords, box = un
    if sw.even:
        if not even_in(expr, symbols[sw.index], box[sw.index]):
            return [f"the margin is not even in {symbols[sw.index]} on an interval symmetric about 0 again"]
        box = halved(box, sw.index)
    out = []
    s = symbols[sw.index]
    if coords[sw.index].index:
        out.append(f"{s} is a coordinate of a simplex, not a real one to sweep")
    d = sw.sign * sympy.together(derivative(expr, s))
    if d != sw.derivative and sympy.simplify(d - sw.derivative) != 0:
        out.append(f"the derivative in {s} is not the one proved")
    lo, hi = box[sw.index]
    at = lo if sw.end == "low" else hi
    if (sw.sign > 0) != (sw.end == "low"):
        out.append("the face is not the end the derivative's sign points to")
    if isinstance(at, float):
        return [*out, f"the face {s} = {at} is no point of the piece"]
    if sw.face_space is None:  # the face is a point: decided again, exactly
        if read(expr, symbols, box) != [sw.index]:
            out.append("the margin reads more than one coordinate of the piece: its face is no point")
        elif not end_value(expr, symbols, box, sw.index, sw.end).closed:
            out.append(f"the margin at {s} = {at} is not >= 0")
    elif expr.xreplace({s: sympy.Rational(at.numerator, at.denominator)}) != sw.face:
        out.append(f"the face {s} = {at} is not the one proved")
    rest = [k for k in range(len(box)) if k != sw.index]
    want_d = wanted(symbols, coords, box)
    want_f = wanted([symbols[k] for k in rest], [coords[k] for k in rest], [box[k] for k in rest])
    spaces = [(sw.derivative_space, want_d, sw.derivative, "derivative"), (sw.face_space, want_f, sw.face, "face")]
    for space, domain, want, what in spaces[:1] if sw.face_space is None else spaces:
        if held(space) != domain:  # type: ignore[arg-type]
            out.append(f"the {what}'s domain is not the piece's")
            continue
        got = symbolic_margin(space)  # type: ignore[arg-type]
        mine = want.xreplace({v: sympy.Symbol(str(v)) for v in want.free_symbols})
        if got != mine and sympy.simplify(got - mine) != 0:
            out.append(f"the {what}'s space does not hold the {what}'s margin")
    proofs = [(sw.derivative_proof, sw.derivative_space, "derivative"), (sw.face_proof, sw.face_space, "face")]
    for proof, space, what in proofs[:1] if sw.face_space is None else proofs:
        if not proof.proved or proof.certificate is None:
            out.append(f"the {what} is not proved")
            continue
        out += [f"the {what}'s certificate: {p}" for p in recheck_certificate(proof.certificate, space)]
    return out


@register
class MonotoneSweep(SubproofMethod):
    """Monotonicity in one coordinate over the whole piece, then the face."""

    methods = ("monotone sweep",)
    record = Sweep
    find = staticmethod(sweep)
    check_record = staticmethod(recheck)
    found_by = "found on a face by a monotone sweep's sub-problem, verified exactly and shrunk"

    def applies(self, goal: PieceGoal) -> bool:  # a real coordinate to sweep; simplex points (not matrices) kept whole
        return any(not c.index for c in goal.coords) and all(len(c.index) < 2 for c in goal.coords)


def early_sweep(expr: sympy.Expr, symbols: list[sympy.Symbol], box: Box, budget: Budget, coords: list[Coordinate]
                ) -> Sweep | None:
    """The sweep in the charts' values only, with its share (:data:`~paper_checks.prover.schedule.SHARES`) of the
    work left of ``budget`` (it hands back no point: a point of a face in the charts' values is no point of the
    piece). Not inside another sweep's sub-proof: there the early sweep took a fifth of a fifth of the time from the
    closures that prove a derivative's sign (the temperature-scaled logistic loss's slope in its temperature ratio is
    one combination of its coordinates, but the early sweep of that slope left the combination 0.05 s of its 0.9 s);
    the later sweep still tries it."""
    if inside():
        return None
    got = sweep(expr, symbols, box, budget.share(schedule.share("ValueSweep")), coords, values_only=True)
    return got if isinstance(got, Sweep) else None


@register
class ValueSweep(SubproofMethod):
    """Monotonicity in one coordinate over the whole piece, in the charts' values, then the face."""

    methods = ("monotone sweep in values",)
    record = Sweep
    find = staticmethod(early_sweep)
    check_record = staticmethod(recheck)

    def applies(self, goal: PieceGoal) -> bool:  # a chart to read in its value, no simplex
        return goal.t.expr.has(HalfChart, LineChart) and not any(c.index for c in goal.coords)
