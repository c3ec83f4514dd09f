"""A domain's constraint affine in two real coordinates: the polygon it cuts from their box, charted onto boxes.

A :class:`~paper_checks.search.params.SearchSpace`'s constraint may tie two real parameters: Le & Odobez (2019)
state the margin loss's robustness for ``alpha >= max(beta, 2 - beta)``, a region of the ``(alpha, beta)`` box that
no box of the two coordinates is. :mod:`paper_checks.prover.tracing.constraint` reads a bound on *one* coordinate; this
module reads a constraint that is a conjunction of comparisons ``a x + b y + c >= 0`` (or ``>``, ``<=``, ``<``;
``x >= Max(f, g)`` and ``x <= Min(f, g)`` read as two) with rational ``a``, ``b``, ``c`` in the same two real
coordinates ``x``, ``y`` (:func:`half_planes`), on every piece alike. Together with their box they cut a convex
polygon ``P``. Its *cells* (:func:`cells`) split the range of ``y`` where two of the lines bounding ``x`` cross, so
that on each cell ``x`` runs from one affine function ``L(y)`` to one affine function ``U(y)``:

    P = union over cells j of { (L_j(y) + u W_j(y), y) : y in [y_j, y_(j+1)], u in [0, 1] },   W_j = U_j - L_j.

:func:`chart` rewrites the space with ``x`` replaced by ``u`` on ``[0, 1]`` (named ``<x>_chart``) and an integer
``<x>_cell`` naming the cell (a piece of its own), whose constraint ``y_j <= y <= y_(j+1)`` is one the prover
reads. The map is onto ``P`` for each cell, so the margin is ``>= 0`` on ``P`` exactly when the charted margin is
``>= 0`` on every cell's box; a point of a cell's box maps to an exact point of ``P`` (a rational one to a rational
one). In the charted coordinates a comparison the constraint implies is seen by intervals: on the cell where
``L(y) = 2 - y``, ``alpha + beta - 2 = u (1 + y)``, a product of two non-negative factors.

A strict comparison or an open end is proved on its closure, which covers it; a counterexample the charted space
finds on such a boundary is not in the domain, and :func:`back_result` then says the claim is undecided there.
Anything else (three coordinates, a disjunction, a comparison that reads differently on two pieces, a polygon
that is one segment or empty) is not charted: the constraint is then left to
:mod:`paper_checks.prover.tracing.constraint`.
"""
from __future__ import annotations

import dataclasses
import itertools
import math
from collections.abc import Callable
from dataclasses import dataclass, replace
from fractions import Fraction
from typing import Any

import sympy
from sympy.polys.polyerrors import BasePolynomialError

from paper_checks.prover.enclosures.boxes import pieces
from paper_checks.prover.tracing.trace import decided_comparisons, domain_bounds, symbolic_point
from paper_checks.search.exact import evaluate
from paper_checks.search.params import Integer, Point, Real, SearchSpace

#: the most pieces on which the constraint is read (it must read alike on each); more: not charted
MAX_READ = 64

_RELATIONS = (sympy.GreaterThan, sympy.StrictGreaterThan, sympy.LessThan, sympy.StrictLessThan)


@dataclass(frozen=True)
class HalfPlane:
    """``a x + b y + c >= 0`` (``strict``: ``> 0``), rational coefficients."""

    a: Fraction
    b: Fraction
    c: Fraction
    strict: bool = False


@dataclass(frozen=True)
class Line:
    """``x = m y + k`` on a cell (a bound of ``x``)."""

    m: Fraction
    k: Fraction

    def at(self, y: Fraction) -> Fraction:
        return self.m * y + self.k


@dataclass(frozen=True)
class Cell:
    """``y`` in ``[y_low, y_high]`` and ``x`` in ``[low(y), high(y)]``."""

    y_low: Fraction
    y_high: Fraction
    low: Line
    high: Line


def _as_fraction(v: Any) -> Fraction:
    return Fraction(int(v.p), int(v.q))


def _split(rel: Any) -> list[Any] | None:
    """``rel`` as comparisons of one side with one affine term: ``x >= Max(f, g)`` is ``x >= f`` and ``x >= g``
    (and ``Max(f, g) <= x``, ``x <= Min(f, g)``); a ``Max`` on the side it does not bound is a disjunction: None."""
    if not isinstance(rel, _RELATIONS):
        return None
    big, small = (rel.lhs, rel.rhs) if isinstance(rel, (sympy.GreaterThan, sympy.StrictGreaterThan)) \
        else (rel.rhs, rel.lhs)
    strict = isinstance(rel, (sympy.StrictGreaterThan, sympy.StrictLessThan))
    make = sympy.StrictGreaterThan if strict else sympy.GreaterThan
    if isinstance(big, sympy.Max) or isinstance(small, sympy.Min):
        return None  # big >= Max(f, g) is fine, Max(f, g) >= small is "f >= small or g >= small"
    bigs = list(big.args) if isinstance(big, sympy.Min) else [big]
    smalls = list(small.args) if isinstance(small, sympy.Max) else [small]
    return [make(p, q, evaluate=False) for p in bigs for q in smalls]


def _read(said: Any) -> list[tuple[sympy.Expr, bool]] | None:
    """The comparisons of a constraint's value as ``(e, strict)`` with ``e >= 0`` (``> 0``), or None."""
    if said is sympy.true:
        return []
    parts = list(said.args) if isinstance(said, sympy.And) else [said]
    out = []
    for part in parts:
        if part is sympy.true:
            continue
        split = _split(part)
        if split is None:
            return None
        for rel in split:
            out.append((sympy.expand(rel.lhs - rel.rhs), isinstance(rel, sympy.StrictGreaterThan)))
    return out


def half_planes(space: SearchSpace) -> tuple[str, str, list[HalfPlane]] | None:
    """``(x, y, half-planes)`` where ``space.constraint`` reads, on every piece alike, as half-planes in the two
    bounded real parameters ``x`` (the one bounded by more of them) and ``y``, at least one reading both;
    else None (see the module docstring)."""
    if space.constraint is None:
        return None
    reals = {p.name: p for p in space.params if isinstance(p, Real) and not p.pinned}
    try:
        pcs = pieces(space)
    except ValueError:
        return None
    if not pcs or len(pcs) > MAX_READ:
        return None
    reading = None
    for piece in pcs:
        try:
            point, coords = symbolic_point(space, dict(piece.integers), dict(piece.eliminated))
            with decided_comparisons(domain_bounds(space, coords)):
                said = sympy.sympify(space.constraint(point))
        except Exception:  # noqa: BLE001  (a constraint that cannot take symbols is not read)
            return None
        read = _read(said)
        if read is None or (reading is not None and read != reading):
            return None
        reading = read
    if not reading:
        return None
    syms = {s for e, _ in reading for s in e.free_symbols}
    order = [p.name for p in space.params]
    if len(syms) != 2 or any(s.name not in reals for s in syms):
        return None
    sx, sy = sorted(syms, key=lambda s: order.index(s.name))
    names = [sx.name, sy.name]
    if not all(_finite(reals[n]) for n in names):
        return None
    planes = []
    for e, strict in reading:
        try:
            poly = sympy.Poly(e, sx, sy)
        except BasePolynomialError:  # 1/x, sqrt(x): no half-plane
            return None
        if poly.total_degree() > 1 or not all(c.is_Rational for c in poly.coeffs()):
            return None
        a, b, c = (poly.coeff_monomial(m) for m in (sx, sy, 1))
        planes.append(HalfPlane(_as_fraction(a), _as_fraction(b), _as_fraction(c), strict))
    if not any(p.a != 0 and p.b != 0 for p in planes):
        return None  # each reads one coordinate: constraint.py narrows the box
    ax = sum(p.a != 0 for p in planes)
    ay = sum(p.b != 0 for p in planes)
    x, y = (names[0], names[1]) if ax >= ay else (names[1], names[0])
    if x != names[0]:
        planes = [HalfPlane(p.b, p.a, p.c, p.strict) for p in planes]
    return x, y, planes


def _finite(p: Real) -> bool:
    try:
        return all(abs(float(v)) != float("inf") for v in (p.low, p.high))
    except (TypeError, ValueError, OverflowError):
        return False


def cells(planes: list[HalfPlane], x_range: tuple[Fraction, Fraction],
          y_range: tuple[Fraction, Fraction]) -> list[Cell]:
    """The cells of the polygon ``{(x, y) in the box : every half-plane}`` (module docstring): empty where the
    polygon is, or is one segment or point (no cell of positive width)."""
    lows, highs = [Line(Fraction(0), x_range[0])], [Line(Fraction(0), x_range[1])]
    y_lo, y_hi = y_range
    for p in planes:
        if p.a == 0:  # b y + c >= 0: a bound on y
            if p.b == 0:
                if p.c < 0 or (p.c == 0 and p.strict):
                    return []
                continue
            end = -p.c / p.b
            y_lo, y_hi = (max(y_lo, end), y_hi) if p.b > 0 else (y_lo, min(y_hi, end))
            continue
        line = Line(-p.b / p.a, -p.c / p.a)  # a x >= -(b y + c)
        (lows if p.a > 0 else highs).append(line)
    if y_lo >= y_hi:
        return []
    cuts = {y_lo, y_hi}
    for f, g in itertools.combinations(lows + highs, 2):
        if f.m != g.m:
            y = (g.k - f.k) / (f.m - g.m)
            if y_lo < y < y_hi:
                cuts.add(y)
    ends = sorted(cuts)
    out: list[Any] = []
    for a, b in zip(ends, ends[1:]):
        mid = (a + b) / 2
        low = max(lows, key=lambda f: (f.at(mid), f.m))
        high = min(highs, key=lambda f: (f.at(mid), -f.m))
        if low.at(mid) > high.at(mid):
            continue
        if out and out[-1].y_high == a and (out[-1].low, out[-1].high) == (low, high):
            out[-1] = Cell(out[-1].y_low, b, low, high)  # a crossing of lines that bound nothing here
        else:
            out.append(Cell(a, b, low, high))
    return out


@dataclass(frozen=True)
class Polygon:
    """What :func:`chart` did: ``x`` charted through ``u`` (named ``u``) on each cell (named ``cell``). Called on a
    point of the charted space, it gives the point of the original one (:func:`to_original`)."""

    x: str
    y: str
    u: str
    cell: str
    cells: tuple[Cell, ...]

    def __call__(self, pt: Point) -> Point:
        return to_original(self, pt)


def chart(space: SearchSpace) -> tuple[SearchSpace, Callable[[Point], Point]]:
    """``space`` with a constraint affine in two real coordinates charted onto boxes (module docstring), and the
    map of a point of the new space back to the old one (a :class:`Polygon`); any other space comes back as it
    is, with the identity."""
    read = half_planes(space)
    if read is None:
        return space, _identity
    x, y, planes = read
    px = next(p for p in space.params if p.name == x)
    py = next(p for p in space.params if p.name == y)
    cs = cells(planes, (Fraction(px.low), Fraction(px.high)), (Fraction(py.low), Fraction(py.high)))  # type: ignore[attr-defined]
    if not cs:
        return space, _identity
    taken = {p.name for p in space.params}
    poly = Polygon(x, y, _fresh(f"{x}_chart", taken), _fresh(f"{x}_cell", taken), tuple(cs))
    params: list[Any] = []
    for p in space.params:
        if p.name == x:
            params.append(Real(poly.u, 0.0, 1.0))
            params.append(Integer(poly.cell, 0, len(cs) - 1))
        else:
            params.append(p)

    def constraint(pt: Point) -> Any:
        c = cs[int(pt[poly.cell])]
        v = pt[y]
        if isinstance(v, float):
            return float(c.y_low) <= v <= float(c.y_high)
        v = sympy.sympify(v)
        return sympy.And(v >= _rational(c.y_low), v <= _rational(c.y_high))

    def margin(pt: Point) -> float:
        return space.margin(poly(pt))

    def exact(pt: Point) -> Any:
        return space.exact_margin(poly(pt)) if space.exact_margin is not None else None

    return replace(space, params=tuple(params), margin=margin,
                   exact_margin=exact if space.exact_margin is not None else None, constraint=constraint), poly


def _identity(pt: Point) -> Point:
    return pt


def _fresh(name: str, taken: set[str]) -> str:
    while name in taken:
        name += "_"
    return name


def _rational(v: Fraction) -> sympy.Rational:
    return sympy.Rational(v.numerator, v.denominator)


def to_original(poly: Polygon, pt: Point) -> Point:
    """A point of the charted space in the original one: ``x = L_j(y) + u W_j(y)`` on cell ``j`` (floats stay
    floats; a symbol or an exact value gives the exact expression)."""
    out = dict(pt)
    if poly.u not in out:
        return out
    j = int(out.pop(poly.cell, 0))
    u = out.pop(poly.u)
    c = poly.cells[j]
    v = out[poly.y]
    if isinstance(v, float) and isinstance(u, float):
        lo = float(c.low.m) * v + float(c.low.k)
        width = float(c.high.m - c.low.m) * v + float(c.high.k - c.low.k)
        out[poly.x] = lo + u * width
        return out
    v, u = sympy.sympify(v), sympy.sympify(u)
    lo = _rational(c.low.m) * v + _rational(c.low.k)
    width = _rational(c.high.m - c.low.m) * v + _rational(c.high.k - c.low.k)
    out[poly.x] = lo + u * width
    return out


#: how far :func:`toward_inside` moves a counterexample on a boundary the domain leaves out: ``2^-k`` of the way to
#: the inside, for each ``k`` in turn (the simplest point first, the nearest last)
NUDGES = (4, 10, 20, 40)


def toward_inside(chart_point: Point, space: SearchSpace, poly: Polygon) -> tuple[Point, int, Any] | None:
    """``(point, k, exact)``: the charts' counterexample ``chart_point`` (on a boundary the domain leaves out) moved
    ``2^-k`` of the way (:data:`NUDGES`) toward the inside, ``u`` toward ``1/2`` and each real coordinate toward its
    interval's middle (one unit inward on a half-line), where :func:`paper_checks.search.exact.evaluate` finds the
    margin negative exactly at a point of the domain; None where no such move does. A margin that is ``-10^-12``
    everywhere on an open triangle is so refuted at a point of it, where the charts' own point is on its edge."""
    reals = {p.name: p for p in space.params if isinstance(p, Real)}
    for k in NUDGES:
        moved: dict[str, Any] = dict(chart_point)
        for name, v in chart_point.items():
            if name == poly.cell or not isinstance(v, (int, Fraction, sympy.Rational)):
                continue
            v = sympy.Rational(v)
            if name == poly.u:
                target = sympy.Rational(1, 2)
            elif name in reals:
                p = reals[name]
                lo, hi = (sympy.Rational(e) if math.isfinite(e) else None for e in (p.low, p.high))
                target = (lo + hi) / 2 if lo is not None and hi is not None else v + 1 if lo is not None \
                    else v - 1 if hi is not None else v
            else:
                continue
            moved[name] = v + (target - v) / 2**k
        point = poly(moved)
        if not (space.contains(point) and space.constraint_holds_exactly(point)):
            continue
        exact = evaluate(space, point)
        if exact.status == "fails":
            return point, k, exact
    return None


def back_result(res: Any, space: SearchSpace, poly: Polygon) -> Any:
    """A prover's result on the charted space, told in the original one: its counterexample mapped back (exactly);
    where that point lies on a boundary the domain leaves out (a strict comparison, an open end), the point moved
    inside where the margin is negative exactly (:func:`toward_inside`), or ``undecided`` where no such point is
    found, since the margin's limit is what would decide."""
    if getattr(res, "undefined", None) is not None:
        res.undefined.point = poly(res.undefined.point)
    res.notes = [*res.notes, f"the constraint is affine in {poly.x} and {poly.y}: {poly.x} was charted on "
                 f"{len(poly.cells)} cell(s) of {poly.y} as L(y) + u (U(y) - L(y)), u in [0, 1] "
                 "(paper_checks.prover.tracing.polygon); the certificate's boxes are in u"]
    if res.counterexample is None:
        return res
    point = poly(res.counterexample)
    if space.contains(point) and space.constraint_holds_exactly(point):
        res.counterexample = point
        return res
    inside = toward_inside(res.counterexample, space, poly)
    if inside is not None:
        moved, k, exact = inside
        res.counterexample, res.exact_margin, res.exact_margin_value = moved, exact.text, exact.value
        res.notes = [*res.notes, f"the charts' counterexample {point} is on a boundary the domain leaves out; moved "
                     f"2^-{k} of the way inside, the margin is negative there exactly"]
        return res
    return dataclasses.replace(res, outcome="undecided", counterexample=None, exact_margin=None,
                               exact_margin_value=None, reason=f"the margin is negative at {point}, on a boundary "
                               "of the domain that its constraint or an open end leaves out; the prover does not "
                               "decide the margin's limit there")
