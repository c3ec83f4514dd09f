"""Concave in one coordinate: a margin whose second derivative in ``x_k`` is ``<= 0`` is at least the smaller of its
values at ``x_k``'s two ends, so ``m >= 0`` follows from two problems in one coordinate fewer.

A bound that a convex loss lies below its chord is 0 at both ends of the chord for every value of a parameter: the
Jensen-Shannon loss of Englesson & Azizpour (2021) against its chord ``H(pi) (1 - p)`` between the one-hot label
(``p = 1``, 0) and a disjoint prediction (``p = 0``, ``H(pi)``), with the weight ``pi`` free. The boxes meet 0 along
both faces, and ``0 log 0`` at ``p = 0``; the Hessian closes no box there, since the margin is concave.

Fix the other coordinates at a point ``P``. Then ``g(s) = m(s, P)`` is concave on the open interval ``(a, b)`` of
``x_k`` (``g'' <= 0`` there), so ``g(s) >= min(g(a+), g(b-))``, its one-sided limits at the ends, which a concave
function has. These facts prove the piece:

- ``-d^2 m / dx_k^2 >= 0`` on the piece with ``x_k``'s ends open (a sub-proof; a pole at an end is allowed);
- ``m >= 0`` on each face ``x_k = a`` and ``x_k = b`` (each a sub-proof on the other coordinates, or a number):
  the margin there as written, or, where it is undefined as written there (``0 log 0``, ``0/0``), its one-sided
  limit from inside the interval (SymPy's ``limit``, with the other coordinates' strict signs; checked without it
  against the margin ``2^-40`` of the interval inside the end, in Arb, at three points: :func:`limit_agrees`),
  which is also the value ``g`` takes there (every whitelisted node is continuous in one variable where it is
  defined; the step declines a node that jumps).

At a closed end the margin as written is the face's value. ``x_k`` needs finite ends; the others may be charted
(read in their values, :func:`paper_checks.prover.subproofs.partial_min.uncharted`), and a simplex point's coordinate is
read as a plain real on its interval of the box where the margin reads no other coordinate of its row (:func:`plain`).
Margins with ``Max``, ``Min``, ``Abs`` or branches are left to the other closures.
:func:`recheck` derives the second derivative and both faces again and re-checks every certificate.

The closure here (:class:`ConcaveIn`, registered for :mod:`paper_checks.prover.schedule`): concave in one coordinate
(:mod:`paper_checks.prover.subproofs.concave`): a margin whose second derivative in one coordinate is ``<= 0`` is at
least the smaller of its values at that coordinate's two ends (a convex loss below its chord, 0 at both ends for every
value of a parameter), so concavity and both faces are sub-proofs, each with its own certificate; a face undefined as
written (``0 log 0``) is read by its one-sided limit. Re-checked by deriving the second derivative and the faces again
and re-checking every certificate (:func:`paper_checks.prover.subproofs.concave.recheck`).
"""
from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction

import sympy
from sympy.polys.polyerrors import BasePolynomialError

from paper_checks import work
from paper_checks.deadline import TimedOut
from paper_checks.prover.budget import Budget
from paper_checks.prover.closures.base import PieceGoal, SubproofMethod, register
from paper_checks.prover.enclosures.balls import ball_at
from paper_checks.prover.enclosures.boxes import Box
from paper_checks.prover.subproofs.partial_min import ROUGH, nested_in_values, opened, second, uncharted
from paper_checks.prover.subproofs.subproblem import (
    Proof,
    clipped,
    constant_holds,
    others,
    proved_once,
    recheck_or_constant,
    recheck_problem,
    sampled,
)
from paper_checks.prover.tracing.normal import is_zero
from paper_checks.prover.tracing.symbols import Coordinate
from paper_checks.prover.tracing.unbounded import infinite

#: how many of these steps may nest
MAX_DEPTH = 2
#: work units SymPy may spend on one face's limit
LIMIT_WORK = 2.0
#: grid points per coordinate where the second derivative is sampled (floating point: a choice only)
SAMPLES = 9
#: where a face's limit is checked: this share of the interval's width inside the end
NEAR = Fraction(1, 2**40)
#: how far the margin there may lie from the limit (absolute, and as much again relative to the limit)
AGREE = 1e-6



@dataclass
class Concave:
    """A piece closed by concavity in coordinate ``index`` (``name``): the proof of ``-d^2m/dx_k^2 >= 0`` and, for
    each end (``low``, ``high``), the face's margin, how it was read (``as written`` or ``limit``) and its proof (None
    where it is a number ``>= 0``)."""

    index: int
    name: str
    concave: Proof
    faces: list[tuple[str, sympy.Expr, str, Proof | None]]

    def why(self) -> str:
        ends = "; ".join(f"{self.name} at its {end} end ({how}): {face} >= 0" + (" proved" if p is not None else "")
                         for end, face, how, p in self.faces)
        return f"concave in {self.name} (-d^2/d{self.name}^2 >= 0 proved), so at least its values at the ends: {ends}"


def _undefined(e: sympy.Expr) -> bool:
    return bool(e.has(sympy.nan, sympy.zoo, sympy.oo, -sympy.oo))


def face(m: sympy.Expr, syms: list[sympy.Symbol], crds: list[Coordinate], bx: Box, k: int, end: str
         ) -> tuple[sympy.Expr, str] | None:
    """The margin on the face where coordinate ``k`` is at its ``end`` (``low``/``high``): as written, or where that
    is undefined, its one-sided limit from inside (the others with their open intervals' strict signs); None where
    SymPy gives no finite limit within :data:`LIMIT_WORK`."""
    value = bx[k][0] if end == "low" else bx[k][1]
    at = sympy.Rational(Fraction(value).numerator, Fraction(value).denominator)
    x = syms[k]
    written = m.xreplace({x: at})
    if not _undefined(written):
        return written, "as written"
    om, osy, _, _ = opened(m, syms, crds, bx)
    try:
        with work.limit(LIMIT_WORK):
            lim = sympy.limit(om, osy[k], at, "+" if end == "low" else "-")
    except (TimedOut, NotImplementedError, ValueError, TypeError, RecursionError, AttributeError,
            BasePolynomialError):
        return None
    if not isinstance(lim, sympy.Expr) or lim.has(sympy.Limit) or _undefined(lim) or osy[k] in lim.free_symbols:
        return None
    lim = lim.xreplace({o: s for o, s in zip(osy, syms)})
    return (lim, "limit") if limit_agrees(m, syms, bx, k, end, lim) else None


def limit_agrees(m: sympy.Expr, syms: list[sympy.Symbol], bx: Box, k: int, end: str, lim: sympy.Expr) -> bool:
    """Whether the margin at ``x_k`` a share :data:`NEAR` of its interval inside ``end`` lies within :data:`AGREE` of
    ``lim`` at three rational points of the others (Arb's balls of both): a check of SymPy's limit that does not use
    SymPy's limit (``0 log 0`` is ``2^-40 * 28`` from its limit there)."""
    lo, hi = bx[k]
    at = Fraction(lo) + NEAR * (Fraction(hi) - Fraction(lo)) if end == "low" else \
        Fraction(hi) - NEAR * (Fraction(hi) - Fraction(lo))
    for share in (Fraction(1, 3), Fraction(1, 2), Fraction(2, 3)):
        pt = [at if i == k else a + (b - a) * share for i, (a, b) in enumerate(clipped(bx))]
        near, there = ball_at(m, syms, pt), ball_at(lim, syms, pt)
        if near is None or there is None:
            return False
        gap = abs(float((near - there).mid())) + float(near.rad()) + float(there.rad())
        if not gap <= AGREE * (1 + abs(float(there.mid()))):
            return False
    return True


def ends_open(syms: list[sympy.Symbol], crds: list[Coordinate], bx: Box, k: int) -> list[Coordinate]:
    """The piece's coordinates with ``k``'s two ends open (where the second derivative is proved)."""
    out = list(crds)
    lo, hi = bx[k]
    out[k] = Coordinate(syms[k], str(syms[k]), (), (Fraction(lo), Fraction(hi)))
    return out


def _concave_sampled(d2: sympy.Expr, syms: list[sympy.Symbol], bx: Box, k: int) -> bool:
    """Whether ``d2`` sampled inside the piece (``k``'s ends and the charts' poles kept out) is ``<= 0`` everywhere
    it is finite, and below 0 somewhere."""
    inner = [(a + (b - a) / 1000, b - (b - a) / 1000) if i == k else (a, b) for i, (a, b) in enumerate(clipped(bx))]
    values = sampled(d2, syms, inner, SAMPLES) or []
    return bool(values) and all(v <= 1e-12 for v in values) and any(v < 0 for v in values)


def plain(expr: sympy.Expr, symbols: list[sympy.Symbol], coords: list[Coordinate], box: Box
          ) -> tuple[list[sympy.Symbol], list[Coordinate], Box] | None:
    """The coordinates ``expr`` reads, each a plain real on its interval of the box: a simplex point's coordinate
    too, where the margin reads no other coordinate of its row (a loss of the label's probability alone), whose box
    holds the piece's region of the simplex (a superset); None where it reads two of one row, or a matrix's."""
    keep = [i for i, s in enumerate(symbols) if s in expr.free_symbols]
    rows: dict[str, int] = {}
    for i in keep:
        if len(coords[i].index) > 1:
            return None
        if coords[i].index:
            rows[coords[i].param] = rows.get(coords[i].param, 0) + 1
    if any(n > 1 for n in rows.values()):
        return None
    return ([symbols[i] for i in keep],
            [Coordinate(symbols[i], str(symbols[i]), ()) if coords[i].index else coords[i] for i in keep],
            [box[i] for i in keep])


def face_holds(fm: sympy.Expr) -> bool:
    """Whether a face's constant margin ``fm`` is ``>= 0``: 0 (as SymPy writes it, or after ``simplify``), or a number
    :func:`~paper_checks.prover.subproofs.subproblem.constant_holds` says is."""
    return fm == 0 or is_zero(fm) or constant_holds(fm)


def concave(expr: sympy.Expr, symbols: list[sympy.Symbol], box: Box, budget: Budget,
            coords: list[Coordinate]) -> Concave | None:
    """Close ``expr >= 0`` on the piece (``box``) by concavity in one coordinate (the module docstring), or None."""
    if expr.has(*ROUGH):
        return None
    read = plain(expr, symbols, coords, box)
    if read is None or len(read[0]) < 2:
        return None
    symbols, coords, box = read
    with nested_in_values("ConcaveIn", budget, MAX_DEPTH, expr, symbols, coords, box) as level:
        if level is None:
            return None
        stop, (m, syms, crds, bx) = level
        for k, x in enumerate(syms):
            if stop.over() or infinite(bx[k][0]) or infinite(bx[k][1]) or bx[k][0] == bx[k][1]:
                continue
            try:
                # sampled as SymPy takes it first, factored only where it looks concave: factoring each coordinate's
                # second derivative took 6.4 units of 14.7 on MetiTarski's atan-vega-3, concave in none of them
                if not _concave_sampled(sympy.diff(m, x, 2), syms, bx, k):
                    continue
                d2 = second(m, x)
            except (TypeError, ValueError, NotImplementedError, RecursionError):
                continue
            found = [face(m, syms, crds, bx, k, end) for end in ("low", "high")]
            if None in found:
                continue
            osy, osc, obx = others(k, syms, crds, bx)
            done: list[tuple[str, sympy.Expr, str, Proof | None]] = []
            for end, (fm, how) in zip(("low", "high"), found):  # type: ignore[misc]
                if not fm.free_symbols:
                    if not face_holds(fm):
                        break
                    done.append((end, fm, how, None))
                    continue
                got = proved_once(fm, osy, obx, osc, f"{m} at {x} = its {end} end ({how})",
                                  stop.left() / 3)
                if got is None:
                    break
                done.append((end, fm, how, got))
            else:
                proof = proved_once(-d2, syms, bx, ends_open(syms, crds, bx, k), f"-d^2/d{x}^2 of {m}",
                                    stop.left())
                if proof is not None:
                    return Concave(k, str(x), proof, done)
        return None


def reread(index: int, name: str, expr: sympy.Expr, symbols: list[sympy.Symbol], coords: list[Coordinate], box: Box
           ) -> tuple[sympy.Expr, list[sympy.Symbol], list[Coordinate], Box] | list[str]:
    """The piece read again as a closure in one coordinate read it (plain real coordinates, charts in their values:
    :func:`plain`, :func:`~paper_checks.prover.subproofs.partial_min.uncharted`), its coordinate ``index`` named
    ``name`` with finite ends; else why not (a re-check's problems)."""
    read = plain(expr, symbols, coords, box)
    if expr.has(*ROUGH) or read is None:
        return ["the margin is not smooth in plain real coordinates again"]
    un = uncharted(expr, *read)
    if un is None or not 0 <= index < len(un[1]) or str(un[1][index]) != name:
        return [f"the coordinate {name} is not the piece's again"]
    bx = un[3]
    if infinite(bx[index][0]) or infinite(bx[index][1]):
        return [f"{name} has an infinite end"]
    return un


def second_rechecked(proof: Proof, m: sympy.Expr, x: sympy.Symbol, syms: list[sympy.Symbol], crds: list[Coordinate],
                     bx: Box, sign: int) -> list[str]:
    """Why ``proof`` does not prove ``sign * d^2m/dx^2 >= 0`` on ``bx`` (empty: it does): the derivative derived
    again as a closure in one coordinate derived it (SymPy's factor of it,
    :func:`~paper_checks.prover.subproofs.partial_min.second`, which ``simplify`` may not take back within its time),
    else as the plain derivative."""
    what = f"{'-' if sign < 0 else ''}d^2/d{x}^2"
    out = recheck_problem(*proof, sign * second(m, x), syms, crds, bx, what)
    return recheck_problem(*proof, sign * sympy.diff(m, x, 2), syms, crds, bx, what) if out else out


def recheck(rec: Concave, expr: sympy.Expr, symbols: list[sympy.Symbol], box: Box,
            coords: list[Coordinate]) -> list[str]:
    """Why ``rec`` does not close ``expr >= 0`` on ``box`` (empty: it does); see the module docstring."""
    again = reread(rec.index, rec.name, expr, symbols, coords, box)
    if isinstance(again, list):
        return again
    m, syms, crds, bx = again
    k = rec.index
    x = syms[k]
    opened_k = ends_open(syms, crds, bx, k)
    out = second_rechecked(rec.concave, m, x, syms, opened_k, bx, -1)
    if [e for e, *_ in rec.faces] != ["low", "high"]:
        return out + ["the recorded faces are not the two ends of the coordinate"]
    osy, osc, obx = others(k, syms, crds, bx)
    for end, fm, how, proof in rec.faces:
        again = face(m, syms, crds, bx, k, end)  # type: ignore[assignment]
        if again is None or again[1] != how or not (again[0] == fm or is_zero(again[0] - fm)):  # type: ignore[comparison-overlap]
            out.append(f"the face at the {end} end of {x} is not the recorded one again")
            continue
        out += recheck_or_constant(proof, fm, osy, osc, obx, f"the face at the {end} end of {x}", face_holds)
    return out


@register
class ConcaveIn(SubproofMethod):
    """Concave in one coordinate, least at one of its ends."""

    methods = ("concave",)
    record = Concave
    find = staticmethod(concave)
    check_record = staticmethod(recheck)

    def applies(self, goal: PieceGoal) -> bool:  # a simplex's coordinate is read as a real where it is its row's only
        return len(goal.coords) >= 2
