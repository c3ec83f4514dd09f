"""A margin homogeneous in coordinates that range over the whole half-line ``(0, oo)``: one sub-proof for each of
them, that coordinate 1 and the others on ``[1, oo)``.

Cartwright & Field's upper bound on the weighted AM-GM gap, ``w(1-w)(x-y)^2/(2 min(x, y)) - (w x + (1-w) y -
x^w y^(1-w)) >= 0`` for every ``x, y > 0`` and ``w`` in ``[0, 1]`` (D. I. Cartwright, M. J. Field, Proc. AMS 71
(1978)), is 0 on the whole plane ``x = y`` and on the faces ``w = 0`` and ``w = 1``, and its slope in ``x`` is
unbounded at ``x = 0`` (``x^w``). It is homogeneous of degree ``k = 1`` in ``H = (x, y)``: ``m(s x_H, x_R) = s^k
m(x)`` for every ``s > 0``. Where every coordinate of ``H`` ranges over the whole ``(0, oo)``, every point is ``s``
times a point whose least coordinate of ``H`` is 1: with ``p`` a coordinate of ``H`` least at ``x`` and ``s = x_p
> 0``, the point ``z = x/s`` (in ``H``; the rest kept) has ``z_p = 1`` and ``z_j >= 1``, and ``m(x) = s^k m(z)``
has the sign of ``m(z)``. So ``m >= 0`` on the piece exactly when ``m >= 0`` on each of the ``|H|`` cones'
faces ``{x_p = 1, x_j in [1, oo) for j != p}``: sub-problems with one coordinate fewer, each in the same prover
(which charts their half-lines again). Every point of a face is a point of the piece, so a point where a
sub-problem fails is a counterexample of the piece as it is.

The least coordinate is the pivot, not the largest (:mod:`paper_checks.prover.symmetry.ratio` takes the ratios to one
pivot on a bounded box): the faces then keep away from 0, where a power ``x^w`` has an unbounded slope and the boxes
never close, and their far end is a pole that the tail's limits decide. Cartwright & Field's upper bound: its faces
``x = 1`` and ``y = 1`` are proved alone in 2.0 s and 1.5 s (at a 20 s limit); on ``(0, 1]`` with the largest
coordinate 1, in 5.0 s and 4.5 s.

Faces are often one another read through a map: the weighted AM-GM gap's face ``x = 1`` (``y`` on ``[1, oo)``) is its
face ``y = 1`` (``x`` there) with ``w`` read as ``1 - w``. :func:`mirrored` writes one face's margin on another's
coordinates (the other values of ``H`` in order, coordinates outside the cone reflected ``x -> low + high - x``, a
bijection of one face's domain onto the other's where both ends of each are alike); where that is the other face's
margin, the other face's proof holds for both, and only one sub-proof is run (Cartwright & Field's upper bound: 1.2 s
at 8 s).

The prover sees a coordinate on ``(0, oo)`` through its chart ``x = u/(1 - u)``, ``u`` in ``(0, 1)``
(:mod:`paper_checks.prover.tracing.unbounded`): :func:`halflines` finds the coordinates whose whole box is that chart's
interval, open at 0, and which the margin reads only through the chart's value; :func:`in_values` writes the margin
in those values. :func:`paper_checks.prover.symmetry.scaling.identity` proves the homogeneity with SymPy (the degree
read off two points, floating point, only a candidate); :func:`recheck` derives everything again and re-checks each
sub-proof's certificate; it never trusts the run.

The closure here (:class:`ConeFaces`, registered for :mod:`paper_checks.prover.schedule`): a margin homogeneous in
coordinates on the whole half-line ``(0, oo)`` decided on its cones' faces (:mod:`paper_checks.prover.symmetry.cones`):
one sub-proof for each of them, that coordinate 1 and the others on ``[1, oo)`` (Cartwright & Field's bound on the
weighted AM-GM gap, homogeneous of degree 1 in ``x, y > 0``). Re-checked by proving the homogeneity again, deriving each
face again and re-checking its certificate (:func:`paper_checks.prover.symmetry.cones.recheck`).
"""
from __future__ import annotations

import itertools
import math
from dataclasses import dataclass
from fractions import Fraction
from typing import Any

import sympy

from paper_checks.prover.budget import Budget
from paper_checks.prover.closures.base import PieceGoal, SubproofMethod, register
from paper_checks.prover.enclosures.boxes import Box
from paper_checks.prover.subproofs.subproblem import coordinate_of, nested, open_ends, proved_or_point, recheck_problem
from paper_checks.prover.symmetry.scaling import agree, degree, identity
from paper_checks.prover.tracing.symbols import Coordinate
from paper_checks.prover.tracing.unbounded import HalfChart
from paper_checks.search.params import SearchSpace

#: how many of these steps may nest (a face's coordinates start at 1: no cone of its own)
MAX_DEPTH = 1
#: work units SymPy may spend proving that a margin is homogeneous
IDENTITY_WORK = 3.0
#: the most coordinates outside the cone a face's map to another face may reflect (subsets tried: 2 to this power)
MAX_REFLECTED = 3
#: work units SymPy may spend proving that a face is another through a map (after they agree at a point)
SAME_WORK = 1.0
#: where the degree is read off and the identity's signs assumed (the values stand for ``(0, oo)``)
PROXY = (Fraction(0), Fraction(4))

#: what stands for a chart's value where :func:`halflines` looks for a coordinate read outside its chart (a plain
#: symbol: a ``Dummy`` would move SymPy's order of the terms of every expression made after it)
_VALUE = sympy.Symbol("chart value")


@dataclass
class Face:
    """One cone's face: the coordinate ``pivot`` (an index of the piece) set to 1, the others of the cone on
    ``[1, oo)``; ``margin`` proved on ``space`` by ``proof``."""

    pivot: int
    margin: sympy.Expr
    space: SearchSpace
    proof: Any
    #: where this face is the face of the coordinate ``like`` read through a map (its other half-lines' values in
    #: order, each coordinate of ``reflected`` as ``low + high - x``): ``space`` and ``proof`` are that face's, and
    #: ``margin`` this one's written on that face's coordinates
    like: int | None = None
    reflected: tuple[int, ...] = ()


@dataclass
class Cones:
    """A piece closed on its cones: the margin is homogeneous of ``degree`` in the values ``names`` of the charted
    coordinates ``coords`` (indices), and each of ``faces`` (one per coordinate of ``coords``) is proved."""

    coords: tuple[int, ...]
    names: tuple[str, ...]
    degree: sympy.Rational
    faces: tuple[Face, ...]

    def why(self) -> str:
        own = [f for f in self.faces if f.like is None]
        boxes = sum(f.proof.boxes for f in own)
        twins = len(self.faces) - len(own)
        return (f"homogeneous of degree {self.degree} in {', '.join(self.names)} on (0, oo): proved with each of them "
                f"the least, set to 1, the others on [1, oo) ({len(own)} sub-proofs, {boxes} boxes"
                + (f"; {twins} face{'s' if twins > 1 else ''} the same as another through a map)" if twins else ")"))


def halflines(expr: sympy.Expr, symbols: list[sympy.Symbol], box: Box, coords: list[Coordinate]) -> list[int]:
    """The real coordinates whose box is the whole interval ``[0, 1]`` of a half-line's chart, open at 0 (so
    ``u/(1 - u)`` takes every value of ``(0, oo)``), and which ``expr`` reads, only through the chart's value."""
    out = []
    for i, (s, c, (lo, hi)) in enumerate(zip(symbols, coords, box)):
        if c.index or (lo, hi) != (0, 1) or not open_ends(s, lo, hi, c)[0] or s not in expr.free_symbols:  # type: ignore[comparison-overlap]
            continue
        if s not in expr.xreplace({HalfChart(s): _VALUE}).free_symbols:
            out.append(i)
    return out


def _names(symbols: list[sympy.Symbol], coords: list[Coordinate], hs: tuple[int, ...]) -> list[str]:
    """A name for each chart's value: its parameter's name without the chart's ``_unit``, unless another coordinate
    holds that name."""
    taken = {str(s) for s in symbols}
    out = []
    for i in hs:
        name = coords[i].param.removesuffix("_unit")
        while name in taken:
            name += "_v"
        taken.add(name)
        out.append(name)
    return out


def in_values(expr: sympy.Expr, symbols: list[sympy.Symbol], coords: list[Coordinate], hs: tuple[int, ...]
              ) -> tuple[sympy.Expr, list[sympy.Symbol]]:
    """``expr`` with each chart's value ``u_i/(1 - u_i)`` of ``hs`` a positive symbol of its own, and the piece's
    symbols with those in place of the ``u_i``."""
    values = {i: sympy.Symbol(n, positive=True) for i, n in zip(hs, _names(symbols, coords, hs))}
    e = expr.xreplace({HalfChart(symbols[i]): v for i, v in values.items()})
    return e, [values.get(i, s) for i, s in enumerate(symbols)]


def _proxy(box: Box, hs: tuple[int, ...]) -> Box:
    return [PROXY if i in hs else b for i, b in enumerate(box)]


def face_problem(expr: sympy.Expr, symbols: list[sympy.Symbol], coords: list[Coordinate], box: Box,
                 hs: tuple[int, ...], pivot: int) -> tuple[sympy.Expr, list[sympy.Symbol], list[Coordinate], Box]:
    """The face of the cone where ``pivot`` is least: ``expr`` (in the values, :func:`in_values`) with the pivot's
    value 1 and powers of one base joined, each other value of ``hs`` on ``[1, oo)`` (closed), the rest as on the
    piece."""
    e, syms = in_values(expr, symbols, coords, hs)
    keep = [k for k in range(len(symbols)) if k != pivot]
    margin = sympy.powsimp(e.xreplace({syms[pivot]: sympy.Integer(1)}))
    new_box = [(Fraction(1), float("inf")) if k in hs else box[k] for k in keep]
    new_coords = [Coordinate(syms[k], str(syms[k]), ()) if k in hs else coords[k] for k in keep]
    return margin, [syms[k] for k in keep], new_coords, new_box  # type: ignore[return-value]


def _homogeneous(expr: sympy.Expr, symbols: list[sympy.Symbol], coords: list[Coordinate], box: Box,
                 hs: tuple[int, ...], seconds: float) -> sympy.Rational | None:
    """The degree of the margin in the values of ``hs`` where it is homogeneous in them (proved), else None."""
    e, syms = in_values(expr, symbols, coords, hs)
    proxy = _proxy(box, hs)
    k = degree(e, syms, proxy, hs)
    return k if k is not None and identity(e, syms, proxy, hs, k, seconds) else None


def cones(expr: sympy.Expr, symbols: list[sympy.Symbol], box: Box, budget: Budget, coords: list[Coordinate]
          ) -> Cones | list[Fraction] | None:
    """Close ``expr >= 0`` on the piece (``box``) on its cones' faces (the module docstring); or an exact point of the
    piece where a face's sub-problem found the margin negative (for the caller to verify on the claim's own margin
    and shrink); or None."""
    hs = tuple(halflines(expr, symbols, box, coords))
    if len(hs) < 2:
        return None
    with nested("ConeFaces", budget, MAX_DEPTH) as stop:
        if stop is None:
            return None
        k = _homogeneous(expr, symbols, coords, box, hs, min(IDENTITY_WORK, stop.left() / 4))
        if k is None:
            return None
        names = tuple(_names(symbols, coords, hs))
        like = _twins(expr, symbols, coords, box, hs)  # each face that is another through a map: that one's proof
        own = [p for p in hs if p not in like]
        proved: dict[int, Face] = {}
        for n, pivot in enumerate(own):
            margin, sy, sc, sb = face_problem(expr, symbols, coords, box, hs, pivot)
            what = f"{expr} on the face {names[hs.index(pivot)]} = 1 of its cone"
            got = proved_or_point(margin, sy, sb, sc, what, stop.left() / (len(own) - n),
                                  lambda pt: _point(pt, symbols, coords, hs, pivot, sy, sc))
            if not isinstance(got, tuple):
                return got
            proved[pivot] = Face(pivot, margin, *got)
        faces = [proved[p] if p in proved else Face(p, like[p][2], proved[like[p][0]].space, proved[like[p][0]].proof,
                                                    like[p][0], like[p][1]) for p in hs]
        return Cones(hs, names, k, tuple(faces))


def reflectable(symbols: list[sympy.Symbol], coords: list[Coordinate], box: Box, hs: tuple[int, ...]) -> list[int]:
    """The real coordinates outside the cone that a reflection ``x -> low + high - x`` maps onto their own domain: a
    finite interval whose ends are both open or both closed."""
    out = []
    for i, (s, c, (lo, hi)) in enumerate(zip(symbols, coords, box)):
        if i in hs or c.index or lo >= hi or any(isinstance(e, float) and math.isinf(e) for e in (lo, hi)):
            continue
        ends = open_ends(s, lo, hi, c)
        if ends[0] == ends[1]:
            out.append(i)
    return out


def mirrored(expr: sympy.Expr, symbols: list[sympy.Symbol], coords: list[Coordinate], box: Box, hs: tuple[int, ...],
             pivot: int, like: int, reflected: tuple[int, ...]) -> sympy.Expr:
    """The margin of face ``pivot`` written on face ``like``'s coordinates: its other values of the cone, in order,
    as that face's, each coordinate of ``reflected`` as ``low + high - x``. Where it is that face's margin, a point of
    face ``pivot`` is one of face ``like`` through that map (a bijection of the one domain onto the other), with the
    same margin: the one proof holds on both."""
    margin, _, _, _ = face_problem(expr, symbols, coords, box, hs, pivot)
    _, values = in_values(expr, symbols, coords, hs)
    mine = [values[k] for k in hs if k != pivot]
    theirs = [values[k] for k in hs if k != like]
    to = dict(zip(mine, theirs))
    for k in reflected:
        c = Fraction(box[k][0]) + Fraction(box[k][1])
        to[symbols[k]] = sympy.Rational(c) - symbols[k]
    return margin.xreplace(to)


def _twins(expr: sympy.Expr, symbols: list[sympy.Symbol], coords: list[Coordinate], box: Box, hs: tuple[int, ...]
           ) -> dict[int, tuple[int, tuple[int, ...], sympy.Expr]]:
    """Each face that is an earlier face (one with no such map itself) read through a map (:func:`mirrored`: the
    weighted AM-GM gap's faces ``x = 1`` and ``y = 1`` are one another with ``w`` as ``1 - w``): its pivot -> (that
    face's pivot, the coordinates reflected, its margin on that face's coordinates)."""
    flips = reflectable(symbols, coords, box, hs)[:MAX_REFLECTED]
    subsets = [tuple(c) for n in range(len(flips) + 1) for c in itertools.combinations(flips, n)]
    out: dict[int, tuple[int, tuple[int, ...], sympy.Expr]] = {}
    for i, pivot in enumerate(hs):
        for like in (p for p in hs[:i] if p not in out):
            margin, ly, _, lb = face_problem(expr, symbols, coords, box, hs, like)
            images = ((r, mirrored(expr, symbols, coords, box, hs, pivot, like, r)) for r in subsets)
            found = next(((r, g) for r, g in images if agree(g, margin, ly, lb, SAME_WORK)), None)
            if found is not None:
                out[pivot] = (like, *found)
                break
    return out


def _point(pt: Any, symbols: list[sympy.Symbol], coords: list[Coordinate], hs: tuple[int, ...], pivot: int,
           face_symbols: list[sympy.Symbol], face_coords: list[Coordinate]) -> list[Fraction]:
    """The piece's point (its coordinates ``u = x/(1 + x)`` for each value ``x`` of ``hs``) of a face's point."""
    at = iter(coordinate_of(pt, s, c) for s, c in zip(face_symbols, face_coords))
    out = []
    for k in range(len(symbols)):
        x = Fraction(1) if k == pivot else next(at)
        out.append(x / (1 + x) if k in hs else x)
    return out


def recheck(rec: Cones, expr: sympy.Expr, symbols: list[sympy.Symbol], box: Box, coords: list[Coordinate]
            ) -> list[str]:
    """Why ``rec`` does not close ``expr >= 0`` on ``box`` (empty: it does): its coordinates whole half-lines of the
    piece read through their charts, the homogeneity proved again, one face for each of them, each derived again and
    its certificate re-checked."""
    if len(rec.coords) < 2 or not set(rec.coords) <= set(halflines(expr, symbols, box, coords)):
        return [f"{', '.join(rec.names)}: not at least two coordinates of the piece on the whole (0, oo)"]
    e, syms = in_values(expr, symbols, coords, rec.coords)
    if not identity(e, syms, _proxy(box, rec.coords), rec.coords, rec.degree):
        return [f"the margin is not homogeneous of degree {rec.degree} in {', '.join(rec.names)} again"]
    if sorted(f.pivot for f in rec.faces) != sorted(rec.coords):
        return ["not one face for each coordinate of the cone"]
    out = []
    flips = reflectable(symbols, coords, box, rec.coords)
    for f in rec.faces:
        where = f"the face {symbols[f.pivot]} = 1"
        if f.like is None:
            margin, sy, sc, sb = face_problem(expr, symbols, coords, box, rec.coords, f.pivot)
            out += recheck_problem(f.space, f.proof, margin, sy, sc, sb, where)
            continue
        if f.like not in rec.coords or f.like == f.pivot or not set(f.reflected) <= set(flips):
            out.append(f"{where}: no other face of the cone, or a reflection that leaves its domain")
            continue
        _, sy, sc, sb = face_problem(expr, symbols, coords, box, rec.coords, f.like)
        margin = mirrored(expr, symbols, coords, box, rec.coords, f.pivot, f.like, f.reflected)
        out += recheck_problem(f.space, f.proof, margin, sy, sc, sb, f"{where} as the face {symbols[f.like]} = 1")
    return out


@register
class ConeFaces(SubproofMethod):
    """A homogeneous margin on the positive orthant proved on its cones' faces."""

    methods = ("cone faces",)
    record = Cones
    find = staticmethod(cones)
    check_record = staticmethod(recheck)
    found_by = "found on a cone's face by a sub-problem's proof, verified exactly and shrunk"

    def applies(self, goal: PieceGoal) -> bool:
        return len(halflines(goal.t.expr, list(goal.t.symbols), goal.base, goal.coords)) >= 2
