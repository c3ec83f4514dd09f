"""Symmetric about the centre of one coordinate's interval and convex in it: the margin is least at the centre, so
``m >= 0`` follows from the face there (one coordinate fewer) and the convexity.

The binary GCE loss summed over both classes against its least value, ``(2^(1 - q) - p^q - (1 - p)^q)/q >= 0`` for
``p`` in ``[0, 1]`` and every ``q`` in ``(0, 1]`` (Zhang & Sabuncu 2018, Lemma 1 with ``K = 2``), is 0 on the whole
line ``p = 1/2`` and on the face ``q = 1``; the boxes close it along that valley by the Hessian only, in all of an
8 s limit. It reads ``p`` and ``1 - p`` alike, ``m(1 - p, q) = m(p, q)``, and it is convex in ``p``: ``d^2m/dp^2 =
(1 - q)(p^(q - 2) + (1 - p)^(q - 2))``. Fix the other coordinates at a point ``P``; ``g(s) = m(s, P)`` is convex on
the open interval ``(a, b)`` of ``x_k`` and ``g(c + t) = g(c - t)`` for its centre ``c = (a + b)/2``, so
``g(c) <= (g(c + t) + g(c - t))/2 = g(c + t)``: every value of ``g`` is at least the centre's, at a closed end too
(``g``'s one-sided limit there: every whitelisted node is continuous in one variable where it is defined). These
facts prove the piece:

- ``m(a + b - x_k, x_R) = m(x)`` identically (SymPy's ``expand``, else ``simplify``, once both sides agree at two
  rational points);
- ``d^2 m / dx_k^2 >= 0`` on the piece with ``x_k``'s ends open (a sub-proof; a pole at an end is allowed);
- ``m >= 0`` on the face ``x_k = c`` (a sub-proof on the other coordinates, or a number ``>= 0``).

The mirror image of :mod:`paper_checks.prover.subproofs.concave` (concave: least at an end). ``x_k`` needs finite ends;
the others may be charted (read in their values, :func:`paper_checks.prover.subproofs.partial_min.uncharted`), and a
simplex point's coordinate is read as a plain real where the margin reads no other coordinate of its row
(:func:`paper_checks.prover.subproofs.concave.plain`). Margins with ``Max``, ``Min``, ``Abs`` or branches are left to
the other closures. :func:`recheck` proves the symmetry again, derives the second derivative and the face again and
re-checks every certificate.

The closure here (:class:`MirrorConvex`, registered for :mod:`paper_checks.prover.schedule`): symmetric about the centre
of one coordinate's interval and convex in it (:mod:`paper_checks.prover.symmetry.mirror`): the margin is least at the
centre, so the face there and the convexity are sub-proofs, each with its own certificate (the binary GCE sum against
its least value, symmetric in ``p`` and ``1 - p``). Re-checked by proving the symmetry again, deriving the second
derivative and the face again and re-checking every certificate (:func:`paper_checks.prover.symmetry.mirror.recheck`).
"""
from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction

import sympy

from paper_checks import work
from paper_checks.deadline import TimedOut
from paper_checks.prover.budget import Budget
from paper_checks.prover.closures.base import PieceGoal, SubproofMethod, register
from paper_checks.prover.enclosures.boxes import Box
from paper_checks.prover.subproofs.concave import ends_open, face_holds, plain, reread, second_rechecked
from paper_checks.prover.subproofs.partial_min import ROUGH, convex_sampled, nested_in_values, second
from paper_checks.prover.subproofs.subproblem import Proof, others, proved_once, recheck_or_constant
from paper_checks.prover.symmetry.scaling import agree
from paper_checks.prover.tracing.normal import is_zero
from paper_checks.prover.tracing.symbols import Coordinate
from paper_checks.prover.tracing.unbounded import infinite

#: how many of these steps may nest
MAX_DEPTH = 2
#: work units SymPy may spend proving the symmetry (after both sides agree at two points)
SAME_WORK = 1.0



@dataclass
class Mirror:
    """A piece closed at the centre ``centre`` of coordinate ``index`` (``name``): the margin is symmetric about it,
    ``convex`` proves ``d^2m/dx_k^2 >= 0``, and ``face`` (the margin there) is proved by ``face_proof`` (None where
    it is a number ``>= 0``)."""

    index: int
    name: str
    centre: Fraction
    convex: Proof
    face: sympy.Expr
    face_proof: Proof | None

    def why(self) -> str:
        return (f"symmetric about {self.name} = {self.centre} and convex in {self.name} (d^2/d{self.name}^2 >= 0 "
                f"proved), so at least its value there: {self.face} >= 0" + (" proved" if self.face_proof else ""))


def centre(bx: Box, k: int) -> Fraction:
    return (Fraction(bx[k][0]) + Fraction(bx[k][1])) / 2


def symmetric(m: sympy.Expr, syms: list[sympy.Symbol], bx: Box, k: int) -> bool:
    """Whether ``m(a + b - x_k, x_R) = m(x)`` identically (``[a, b]`` the interval of ``x_k``): equal at two rational
    points of the piece (floating point, a screen), then their difference 0 by SymPy."""
    image = m.xreplace({syms[k]: sympy.Rational(2 * centre(bx, k)) - syms[k]})
    return agree(image, m, syms, bx, SAME_WORK)


def at_centre(m: sympy.Expr, syms: list[sympy.Symbol], bx: Box, k: int) -> sympy.Expr | None:
    """The margin on the face ``x_k = c`` (0 where SymPy's ``expand`` takes it to 0: the binary GCE sum's face is
    ``2(1 - 2^-q)/q - (2 - 2^(1 - q))/q``); None where it is undefined there as written."""
    fm = m.xreplace({syms[k]: sympy.Rational(centre(bx, k))})
    if fm.has(sympy.nan, sympy.zoo, sympy.oo, -sympy.oo):
        return None
    try:
        with work.limit(SAME_WORK):
            return sympy.Integer(0) if sympy.expand(fm) == 0 else fm
    except TimedOut:
        return fm


def mirror(expr: sympy.Expr, symbols: list[sympy.Symbol], box: Box, budget: Budget, coords: list[Coordinate]
           ) -> Mirror | None:
    """Close ``expr >= 0`` on the piece (``box``) at the centre of a coordinate it is symmetric and convex in (the
    module docstring), or None."""
    if expr.has(*ROUGH):
        return None
    read = plain(expr, symbols, coords, box)
    if read is None or len(read[0]) < 2:
        return None
    with nested_in_values("MirrorConvex", budget, MAX_DEPTH, expr, *read) as level:
        if level is None:
            return None
        stop, (m, syms, crds, bx) = level
        for k, x in enumerate(syms):
            if stop.over() or infinite(bx[k][0]) or infinite(bx[k][1]) or bx[k][0] == bx[k][1]:
                continue
            if not symmetric(m, syms, bx, k) or not convex_sampled(m, x, syms, bx):
                continue
            fm = at_centre(m, syms, bx, k)
            if fm is None:
                continue
            face_proof = None
            if fm.free_symbols:
                osy, osc, obx = others(k, syms, crds, bx)
                face_proof = proved_once(fm, osy, obx, osc, f"{m} at the centre {x} = {centre(bx, k)}",
                                         stop.left() / 3)
                if face_proof is None:
                    continue
            elif not face_holds(fm):
                continue
            try:
                d2 = second(m, x)
            except (TypeError, ValueError, NotImplementedError, RecursionError):
                continue
            convex = proved_once(d2, syms, bx, ends_open(syms, crds, bx, k), f"d^2/d{x}^2 of {m}",
                                 stop.left())
            if convex is not None:
                return Mirror(k, str(x), centre(bx, k), convex, fm, face_proof)
        return None


def recheck(rec: Mirror, expr: sympy.Expr, symbols: list[sympy.Symbol], box: Box,
            coords: list[Coordinate]) -> list[str]:
    """Why ``rec`` does not close ``expr >= 0`` on ``box`` (empty: it does); see the module docstring."""
    again = reread(rec.index, rec.name, expr, symbols, coords, box)
    if isinstance(again, list):
        return again
    m, syms, crds, bx = again
    k = rec.index
    if centre(bx, k) != rec.centre:
        return [f"{rec.name} has another centre"]
    x = syms[k]
    if not symmetric(m, syms, bx, k):
        return [f"the margin is not symmetric about {x} = {rec.centre} again"]
    opened_k = ends_open(syms, crds, bx, k)
    out = second_rechecked(rec.convex, m, x, syms, opened_k, bx, 1)
    fm = at_centre(m, syms, bx, k)
    if fm is None or not (fm == rec.face or is_zero(fm - rec.face)):
        return [*out, f"the face at the centre of {x} is not the recorded one again"]
    osy, osc, obx = others(k, syms, crds, bx)
    return out + recheck_or_constant(rec.face_proof, fm, osy, osc, obx, f"the face at the centre of {x}", face_holds)


@register
class MirrorConvex(SubproofMethod):
    """Symmetric about a coordinate's centre and convex in it, least there."""

    methods = ("convex about a centre",)
    record = Mirror
    find = staticmethod(mirror)
    check_record = staticmethod(recheck)

    def applies(self, goal: PieceGoal) -> bool:  # a simplex's coordinate is read as a real where it is its row's only
        return len(goal.coords) >= 2
