"""A factor ``>= 0`` set apart: a margin ``F * G`` whose factor ``F`` is ``>= 0`` and finite on the whole piece is
``>= 0`` wherever ``G >= 0``; where ``G`` reads fewer coordinates, that is one problem of the same prover with a
coordinate fewer.

The focal loss minus its first PolyLoss terms (Lin et al. 2017; Leng et al. 2022, Eq. 2), ``-u^g log p - u^(g+1) -
u^(g+2)/2 - u^(g+3)/3`` with ``u = 1 - p``, is 0 to the order ``4 + g`` at ``p = 1`` for every focusing parameter
``g`` in ``[0, 5]``: no box at that edge closes. Written with each power's exponent apart (SymPy's
``expand(power_exp=True, force=True)``) and its common factors drawn out (``factor_terms``), it is ``u^g * G(p)``,
``G = -(log p + 1 - p + u^2/2 + u^3/3)``, the tail of the logarithm's series, a margin of ``p`` alone.

The step reads the margin so written as a product. Each factor that reads coordinates and is ``>= 0`` on the piece
goes into ``F``: one whose interval enclosure on the piece (the boxes' own) lies in ``[0, oo)``. The rest
``G`` (with the number in front) must read fewer coordinates than the margin. Writing the exponents apart is an
identity at every point where each power's base is ``> 0``, or each part of its exponent ``>= 0`` (``0^(a + b) =
0^a 0^b`` for ``a, b >= 0``, with ``0^0 = 1``): checked by enclosures on the piece for every power of the margin. Then
``G >= 0`` on the piece's projection, proved by the same prover
(:func:`~paper_checks.prover.subproofs.subproblem.proved_once`, which also proves ``G`` defined there), gives ``m = F G
>= 0``. Where that sub-problem is refuted, its point, with the other coordinates at the centre of their intervals (``F >
0`` there in general), is handed back to be verified as a counterexample of the margin. :func:`recheck` derives the
factorisation again, checks each factor and the powers again and re-checks the sub-problem's certificate.

The closure here (:class:`FactorApart`, registered for :mod:`paper_checks.prover.schedule`): a factor ``>= 0`` set apart
(:mod:`paper_checks.prover.subproofs.positive_factor`): a margin ``F * G`` with ``F >= 0`` and finite on the piece and
``G`` reading fewer coordinates is closed by ``G >= 0``, a sub-proof with its own certificate. Re-checked by deriving
the product again, bounding each factor again and re-checking the certificate
(:func:`paper_checks.prover.subproofs.positive_factor.recheck`).
"""
from __future__ import annotations

import math
from dataclasses import dataclass
from fractions import Fraction
from typing import Any

import sympy

from paper_checks import work
from paper_checks.deadline import TimedOut
from paper_checks.prover.budget import Budget
from paper_checks.prover.closures.base import PieceGoal, SubproofMethod, register
from paper_checks.prover.enclosures.bound import natural
from paper_checks.prover.enclosures.boxes import Box
from paper_checks.prover.subproofs.subproblem import nested, proved_or_point, recheck_problem
from paper_checks.prover.tracing.normal import is_zero
from paper_checks.prover.tracing.symbols import Coordinate
from paper_checks.prover.tracing.trace import Untraceable, compile_traced
from paper_checks.prover.tracing.unbounded import infinite
from paper_checks.search.params import SearchSpace

#: how many of these steps may nest
MAX_DEPTH = 2
#: work units SymPy may spend writing the margin as a product
FACTOR_WORK = 1.0



@dataclass
class PositiveFactor:
    """A piece closed as ``factor * rest``: ``factor >= 0`` and finite on the piece, ``rest >= 0`` proved on the
    coordinates ``names`` it reads (``space``, ``proof``)."""

    factor: sympy.Expr
    rest: sympy.Expr
    names: list[str]
    space: SearchSpace
    proof: Any  # ProofResult (proved)

    def why(self) -> str:
        return (f"the margin is ({self.factor}) * ({self.rest}); the first factor is >= 0 and finite on the piece, "
                f"the second >= 0 on its coordinates {', '.join(self.names)} (proved: {self.proof.boxes} boxes)")


def _range(e: sympy.Expr, symbols: list[sympy.Symbol], box: Box) -> tuple[float, float] | None:
    """The ends of ``e``'s interval enclosure on the (finite) box (the boxes' own, outward rounded), or None."""
    try:
        iv = natural(compile_traced(e, symbols), box)
    except (Untraceable, TypeError, ValueError, ZeroDivisionError, OverflowError):
        return None
    lo, hi = float(iv.a), float(iv.b)
    return None if math.isnan(lo) or math.isnan(hi) else (lo, hi)


def nonnegative(f: sympy.Expr, symbols: list[sympy.Symbol], box: Box) -> bool:
    """Whether the factor ``f`` is ``>= 0`` and finite on the piece: its enclosure in ``[0, oo)``."""
    got = _range(f, symbols, box)
    return got is not None and got[0] >= 0 and math.isfinite(got[1])


def _power_defined(f: sympy.Pow, symbols: list[sympy.Symbol], box: Box) -> bool:
    """``f = b^e`` with ``b > 0`` on the piece, or ``b >= 0`` and each part of ``e`` ``>= 0``."""
    b, e = f.args
    got = _range(b, symbols, box)
    if got is None or got[0] < 0:
        return False
    return got[0] > 0 or all((r := _range(a, symbols, box)) is not None and r[0] >= 0 for a in sympy.Add.make_args(e))


def _powers_apart_hold(expr: sympy.Expr, symbols: list[sympy.Symbol], box: Box) -> bool:
    """Whether writing each power's exponent apart is an identity at every point of the piece: every power whose
    exponent reads a coordinate or is a sum has a base ``> 0``, or ``>= 0`` with each part of its exponent ``>= 0``."""
    for f in expr.atoms(sympy.Pow):
        if f.exp.is_Integer and f.exp > 0:
            continue
        if (f.exp.free_symbols or f.exp.is_Add) and not _power_defined(f, symbols, box):
            return False
    return True


def apart(expr: sympy.Expr) -> sympy.Expr:
    """``expr`` with each power's exponent written apart, ``b^(e_1 + e_2) = b^e_1 b^e_2``, whatever SymPy knows of
    ``b`` (an identity on the piece where :func:`_powers_apart_hold`)."""
    return expr.expand(deep=True, power_exp=True, power_base=False, mul=False, multinomial=False, log=False,
                       basic=False, force=True)


def _identity(d: sympy.Expr) -> bool:
    """Whether ``d`` is 0 identically: SymPy's ``expand`` (the product distributed) or ``simplify`` says so."""
    try:
        with work.limit(FACTOR_WORK):
            if sympy.expand(d) == 0:
                return True
    except (TimedOut, TypeError, ValueError, NotImplementedError, RecursionError, AttributeError):
        pass
    return is_zero(d)


def split(expr: sympy.Expr, symbols: list[sympy.Symbol], box: Box) -> tuple[sympy.Expr, sympy.Expr] | None:
    """``(F, G)``: ``expr = F * G``, ``F >= 0`` and finite on the piece, ``G`` reading fewer coordinates; or None."""
    if any(infinite(a) or infinite(b) for a, b in box) or not _powers_apart_hold(expr, symbols, box):
        return None
    try:
        with work.limit(FACTOR_WORK):
            written = sympy.factor_terms(apart(expr))
    except (TimedOut, TypeError, ValueError, NotImplementedError, RecursionError, AttributeError):
        return None
    pos: list[Any] = []
    rest: list[Any] = []
    for f in sympy.Mul.make_args(written):
        (pos if f.free_symbols and nonnegative(f, symbols, box) else rest).append(f)
    if not pos:
        return None
    factor, other = sympy.Mul(*pos), sympy.Mul(*rest)
    reads = [s for s in symbols if s in expr.free_symbols]
    if not other.free_symbols or not set(other.free_symbols) < set(reads):
        return None  # a rest that is a number is the normal form's to decide
    if not _identity(apart(expr) - factor * other):
        return None
    return factor, other


def _projection(rest: sympy.Expr, symbols: list[sympy.Symbol], box: Box, coords: list[Coordinate]
                ) -> tuple[list[int], list[sympy.Symbol], Box, list[Coordinate]]:
    keep = [i for i, s in enumerate(symbols) if s in rest.free_symbols]
    return keep, [symbols[i] for i in keep], [box[i] for i in keep], [coords[i] for i in keep]


def positive_factor(expr: sympy.Expr, symbols: list[sympy.Symbol], box: Box, budget: Budget,
                    coords: list[Coordinate]) -> PositiveFactor | list[Fraction] | None:
    """Close ``expr >= 0`` on the piece as ``F * G`` (the module docstring), a point to verify as a counterexample,
    or None."""
    if any(c.index for c in coords) or len(symbols) < 2:
        return None
    with nested("FactorApart", budget, MAX_DEPTH) as stop:
        if stop is None:
            return None
        got = split(expr, symbols, box)
        if got is None:
            return None
        factor, rest = got
        keep, syms, bx, crds = _projection(rest, symbols, box, coords)
        proof = proved_or_point(rest, syms, bx, crds, f"{rest} (the margin's factor besides {factor})", stop.left(),
                                lambda pt: [Fraction(str(pt[str(symbols[i])])) if i in keep
                                            else (box[i][0] + box[i][1]) / 2 for i in range(len(symbols))])
        if isinstance(proof, tuple):
            return PositiveFactor(factor, rest, [str(s) for s in syms], *proof)
        return proof


def recheck(rec: PositiveFactor, expr: sympy.Expr, symbols: list[sympy.Symbol], box: Box,
            coords: list[Coordinate]) -> list[str]:
    """Why ``rec`` does not close ``expr >= 0`` on ``box`` (empty: it does); see the module docstring."""
    by_name = {str(s): s for s in symbols}
    if any(str(s) not in by_name for s in (rec.factor.free_symbols | rec.rest.free_symbols)):
        return ["a factor reads what is no coordinate of the piece"]
    factor = rec.factor.xreplace({s: by_name[str(s)] for s in rec.factor.free_symbols})
    rest = rec.rest.xreplace({s: by_name[str(s)] for s in rec.rest.free_symbols})
    if any(c.index for c in coords) or any(infinite(a) or infinite(b) for a, b in box):
        return ["the piece is not one of plain real coordinates on a bounded box again"]
    out = []
    if not _powers_apart_hold(expr, symbols, box):
        out.append("a power's exponent cannot be written apart at every point of the piece")
    if not all(f.free_symbols and nonnegative(f, symbols, box) for f in sympy.Mul.make_args(factor)):
        out.append(f"the factor {factor} is not >= 0 and finite on the piece again")
    reads = {s for s in symbols if s in expr.free_symbols}
    if not rest.free_symbols or not set(rest.free_symbols) < reads:
        out.append("the rest does not read fewer coordinates than the margin, or reads none")
    if not _identity(apart(expr) - factor * rest):
        out.append("the margin is not the recorded product again")
    if out:
        return out
    _, syms, bx, crds = _projection(rest, symbols, box, coords)
    if [str(s) for s in syms] != rec.names:
        return ["the rest's coordinates are not the recorded ones"]
    return recheck_problem(rec.space, rec.proof, rest, syms, crds, bx, f"the rest {rest}")


@register
class FactorApart(SubproofMethod):
    """A factor of the margin that is ``>= 0`` set apart: the rest, on fewer coordinates, proved ``>= 0``."""

    methods = ("positive factor",)
    record = PositiveFactor
    find = staticmethod(positive_factor)
    check_record = staticmethod(recheck)
    found_by = "found where the rest besides a factor >= 0 is negative, verified exactly and shrunk"

    def applies(self, goal: PieceGoal) -> bool:  # a product, once the exponents are apart, of real coordinates
        return len(goal.t.symbols) >= 2 and not any(c.index for c in goal.coords)
