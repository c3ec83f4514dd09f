"""Differences of monotone functions: a margin that factors into a number, even powers and differences ``G(x) - G(y)``
of monotone functions at two coordinates ``x``, ``y`` has the sign the mean value theorem gives each difference.

A Lipschitz bound ``|f(x) - f(y)| <= L |x - y|``, squared, is 0 along the whole diagonal ``x = y``, which no box
avoids: ``(x - y)^2 - (sin x - sin y)^2`` on the plane. It factors as ``(g_1(x) - g_1(y)) (g_2(x) - g_2(y))`` with
``g_1 = z - sin z`` and ``g_2 = z + sin z``, both nondecreasing (``1 -+ cos z >= 0``), so each factor has the sign of
``x - y`` and their product is ``>= 0``.

The margin is factored by SymPy's ``factor_list`` (within :data:`FACTOR_WORK`): ``c * prod f_i^(m_i)``. Each factor
with an even power is ``>= 0``; each other one must be a difference in one pair ``(x, y)`` of coordinates: 0 where
``y = x`` and ``d^2 f/dx dy = 0`` identically (SymPy's ``simplify``), so ``f = G(x) - G(y)`` with ``G' = df/dx`` (free
of ``y``). Then these facts prove the piece:

- ``s_i df_i/dx >= 0`` (``s_i = +1`` or ``-1``, as sampled) for ``x`` on the hull of both coordinates' intervals and
  the other coordinates on the piece (a sub-proof each): by the mean value theorem ``s_i f_i`` has the sign of
  ``x - y``;
- the powers of those factors add up to an even number and ``c * prod s_i^(m_i) >= 0``: the product has the sign of
  ``c * prod s_i^(m_i) * (x - y)^(even)``.

:func:`recheck` checks the factorisation as an identity, each difference and its derivative again, the parity and the
signs, and re-checks every certificate.

The closure here (:class:`MonotoneDifferences`, registered for :mod:`paper_checks.prover.schedule`): differences of
monotone functions (:mod:`paper_checks.prover.subproofs.differences`): a margin that factors into a number, even powers
and differences ``G(x) - G(y)`` of monotone functions at two coordinates (a squared Lipschitz bound, 0 on the whole
diagonal) has the sign of ``(x - y)^even``; each ``G'``'s sign is a sub-proof with its own certificate. Re-checked by
checking the factorisation as an identity, each difference again and every certificate
(:func:`paper_checks.prover.subproofs.differences.recheck`).
"""
from __future__ import annotations

import math
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
from paper_checks.prover.subproofs.partial_min import ROUGH, Problem, nested_in_values, uncharted
from paper_checks.prover.subproofs.subproblem import (
    Proof,
    clipped,
    constant_holds,
    proved_once,
    recheck_problem,
    sampled,
)
from paper_checks.prover.tracing.normal import is_zero
from paper_checks.prover.tracing.symbols import Coordinate
from paper_checks.prover.tracing.unbounded import infinite

#: how many of these steps may nest
MAX_DEPTH = 2
#: work units SymPy may spend factoring the margin
FACTOR_WORK = 2.0
#: grid points per coordinate where a derivative is sampled (floating point: a choice only)
SAMPLES = 9


@dataclass
class Differences:
    """A piece closed as ``coeff * prod factor^power``: each factor with an odd power a difference in ``(x, y)`` (the
    names), with its sign ``s`` and the proof of ``s d factor/dx >= 0`` on the hull."""

    x: str
    y: str
    coeff: sympy.Expr
    factors: list[tuple[sympy.Expr, int, int, Proof | None]]  # (factor, power, s, proof; None for an even power)

    def why(self) -> str:
        diffs = [f for f, m, _, p in self.factors if p is not None]
        return (f"the margin is {self.coeff} times a product whose factors with odd powers are differences "
                f"G({self.x}) - G({self.y}) of monotone functions ({', '.join(map(str, diffs))}, each G' of one sign "
                f"proved), so it has the sign of ({self.x} - {self.y})^even")


def hull(a: tuple[Any, Any], b: tuple[Any, Any]) -> tuple[Any, Any]:
    """The smallest interval holding both (an end may be infinite)."""
    lo = -math.inf if infinite(a[0]) or infinite(b[0]) else min(Fraction(a[0]), Fraction(b[0]))
    hi = math.inf if infinite(a[1]) or infinite(b[1]) else max(Fraction(a[1]), Fraction(b[1]))
    return lo, hi


def slope(f: sympy.Expr, x: sympy.Symbol, y: sympy.Symbol) -> sympy.Expr | None:
    """``G'`` where ``f = G(x) - G(y)`` identically (0 at ``y = x``, ``d^2 f/dx dy = 0``): ``df/dx`` with ``y`` written
    ``x`` (it does not read ``y``); None where SymPy does not show both."""
    if x not in f.free_symbols or y not in f.free_symbols:
        return None
    at = f.xreplace({y: x})
    if not (at == 0 or is_zero(at)):
        return None
    d = sympy.diff(f, x)
    mixed = sympy.diff(d, y)
    if not (mixed == 0 or is_zero(mixed)):
        return None
    return d.xreplace({y: x})


def factored(m: sympy.Expr) -> tuple[sympy.Expr, list[tuple[sympy.Expr, int]]] | None:
    """SymPy's ``factor_list`` of ``m`` within :data:`FACTOR_WORK`, or None."""
    try:
        with work.limit(FACTOR_WORK):
            coeff, fs = sympy.factor_list(m)
    except (TimedOut, BasePolynomialError, TypeError, ValueError, NotImplementedError, RecursionError,
            AttributeError):
        return None
    return coeff, [(f, int(k)) for f, k in fs]


def one_sign(d: sympy.Expr, syms: list[sympy.Symbol], box: Box) -> int:
    """``+1``/``-1`` where ``d`` sampled on the box (infinite ends 8 past the other) has that sign, else 0."""
    values = sampled(d, syms, clipped(box), SAMPLES) or []
    if values and all(v >= -1e-12 for v in values):
        return 1
    if values and all(v <= 1e-12 for v in values):
        return -1
    return 0


def _slope_problem(syms: list[sympy.Symbol], crds: list[Coordinate], bx: Box, i: int, j: int
                   ) -> tuple[list[sympy.Symbol], list[Coordinate], Box]:
    """The slope's problem: ``x`` (coordinate ``i``) on the hull of both intervals, ``y`` (``j``) left out."""
    keep = [k for k in range(len(syms)) if k != j]
    box = [hull(bx[i], bx[j]) if k == i else bx[k] for k in keep]
    coords = [Coordinate(syms[k], str(syms[k]), ()) if k == i else crds[k] for k in keep]
    return [syms[k] for k in keep], coords, box


def _parity_holds(coeff: sympy.Expr, factors: list[tuple[sympy.Expr, int, int, Any]]) -> bool:
    odd = sum(m for _, m, _, p in factors if p is not None)
    sign = math.prod(s ** m for _, m, s, p in factors if p is not None)
    return odd % 2 == 0 and constant_holds(sign * coeff)


def differences(expr: sympy.Expr, symbols: list[sympy.Symbol], box: Box, budget: Budget,
                coords: list[Coordinate]) -> Differences | None:
    """Close ``expr >= 0`` on the piece (``box``) as a product of differences of monotone functions (the module
    docstring), or None."""
    if expr.has(*ROUGH) or any(c.index for c in coords) or len(symbols) < 2:
        return None
    with nested_in_values("MonotoneDifferences", budget, MAX_DEPTH, expr, symbols, coords, box) as level:
        if level is None:
            return None
        stop, (m, syms, crds, bx) = level
        got = factored(m)
        if got is None:
            return None
        coeff, fs = got
        if coeff.free_symbols:
            return None
        odd = [f for f, k in fs if k % 2]
        if not odd:
            return None
        for i in range(len(syms)):
            for j in range(len(syms)):
                if i == j or stop.over():
                    continue
                slopes = [slope(f, syms[i], syms[j]) for f in odd]
                if None in slopes:
                    continue
                psyms, pcrds, pbox = _slope_problem(syms, crds, bx, i, j)
                signs = [one_sign(d, psyms, pbox) for d in slopes]
                if 0 in signs:
                    continue
                record = []
                for f, k in fs:
                    if k % 2 == 0:
                        record.append((f, k, 1, None))
                        continue
                    n = odd.index(f)
                    record.append((f, k, signs[n], None))
                if not _parity_holds(coeff, [(f, k, s, True) for f, k, s, _ in record if k % 2]):
                    continue
                done: list[tuple[sympy.Expr, int, int, Proof | None]] = []
                for f, k, s, _ in record:
                    if k % 2 == 0:
                        done.append((f, k, s, None))
                        continue
                    d = slopes[odd.index(f)]
                    proof = proved_once(s * d, psyms, pbox, pcrds, f"the slope of {f} in {syms[i]}: {s * d}",  # type: ignore[operator]
                                        stop.left() / 2)
                    if proof is None:
                        break
                    done.append((f, k, s, proof))
                else:
                    return Differences(str(syms[i]), str(syms[j]), coeff, done)
        return None


def in_values_again(expr: sympy.Expr, symbols: list[sympy.Symbol], coords: list[Coordinate], box: Box
                    ) -> Problem | list[str]:
    """The piece read in its values for a re-check (:func:`~paper_checks.prover.subproofs.partial_min.uncharted`), or
    why it cannot be: a margin that is not smooth in plain real coordinates, or coordinates that cannot be read so."""
    if expr.has(*ROUGH) or any(c.index for c in coords):
        return ["the margin is not smooth in plain real coordinates again"]
    un = uncharted(expr, symbols, coords, box)
    return ["the piece's coordinates cannot be read in their values again"] if un is None else un


def recheck(rec: Differences, expr: sympy.Expr, symbols: list[sympy.Symbol], box: Box,
            coords: list[Coordinate]) -> list[str]:
    """Why ``rec`` does not close ``expr >= 0`` on ``box`` (empty: it does); see the module docstring."""
    un = in_values_again(expr, symbols, coords, box)
    if isinstance(un, list):
        return un
    m, syms, crds, bx = un
    names = [str(s) for s in syms]
    if rec.x not in names or rec.y not in names or rec.x == rec.y:
        return ["the pair of coordinates is not the piece's"]
    i, j = names.index(rec.x), names.index(rec.y)
    by_name = dict(zip(names, syms))
    fs = [(f.xreplace({s: by_name[str(s)] for s in f.free_symbols if str(s) in by_name}), k, s, p)
          for f, k, s, p in rec.factors]
    if any(not set(map(str, f.free_symbols)) <= set(names) for f, *_ in fs) or rec.coeff.free_symbols:
        return ["a factor reads what is no coordinate of the piece"]
    product = rec.coeff * sympy.Mul(*[f ** k for f, k, _, _ in fs])
    out = []
    if not (m - product == 0 or is_zero(m - product)):
        out.append("the margin is not the recorded product again")
    if any(k <= 0 or (k % 2 == 0) != (p is None) or s not in (1, -1) for _, k, s, p in fs):
        out.append("a factor's power, sign or proof is not what its parity asks")
        return out
    if not _parity_holds(rec.coeff, [(f, k, s, p) for f, k, s, p in fs if k % 2]):
        out.append("the differences' powers are not even in sum, or the signs do not make the product >= 0")
    psyms, pcrds, pbox = _slope_problem(syms, crds, bx, i, j)
    for f, _, s, proof in fs:
        if proof is None:
            continue
        d = slope(f, syms[i], syms[j])
        if d is None:
            out.append(f"{f} is not a difference G({rec.x}) - G({rec.y}) again")
            continue
        out += recheck_problem(*proof, s * d, psyms, pcrds, pbox, f"the slope of {f}")
    return out


@register
class MonotoneDifferences(SubproofMethod):
    """A product of differences of monotone functions at two coordinates."""

    methods = ("monotone differences",)
    record = Differences
    find = staticmethod(differences)
    check_record = staticmethod(recheck)

    def applies(self, goal: PieceGoal) -> bool:
        return len(goal.coords) >= 2 and not any(c.index for c in goal.coords)


