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

One monotone function at two arguments: a margin ``P - N`` whose two sides are one expression ``G(u)`` at two arguments,
``P = G(A)`` and ``N = G(B)`` (the only place where the two sides' trees differ), has the sign of ``A - B`` where ``G``
increases in ``u``: by the mean value theorem ``G(A) - G(B) = G'(xi) (A - B)`` with ``xi`` between them. Two facts prove
the piece, each a sub-proof: ``s dG/du >= 0`` for ``u`` on an interval enclosure of ``A`` and ``B`` over the piece (the
other coordinates ``G`` reads on theirs), and ``s (A - B) >= 0`` on the piece; and ``G`` is continuous there, node by
node (:func:`continuous_on`), so that no jump hides where the slope was simplified. A user's claim for every number of
classes ``c`` and temperature ``tau``, ``log(1 + (c - 1) e^(2 tau)) - log(1 + (c - 1) e^(sqrt 2 tau)) >= 0``, is two
lines by hand: ``log(1 + a e^u)`` increases in ``u``, and ``2 tau >= sqrt 2 tau``. No box closes it: it is 0 along the
whole edge ``tau = 0`` for every ``c``, and the slope in ``tau`` reads ``c`` in a numerator and a denominator, whose
interval dependency no box near ``c -> oo`` removes.

The closure here (:class:`TwoArguments`, registered for :mod:`paper_checks.prover.schedule`): one monotone function
at two arguments, ``G(A) - G(B)`` with ``s G' >= 0`` on an enclosure of both arguments and ``s (A - B) >= 0``, each a
sub-proof with its own certificate; tried early, since finding the two arguments is a walk of two trees. Re-checked by
writing both sides as ``G`` at the two arguments again, enclosing them again and re-checking both certificates
(:func:`paper_checks.prover.subproofs.differences.recheck`).

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

import mpmath
import sympy
from sympy.polys.polyerrors import BasePolynomialError

from paper_checks import work
from paper_checks.deadline import TimedOut
from paper_checks.prover.budget import Budget
from paper_checks.prover.closures.base import PieceGoal, SubproofMethod, register
from paper_checks.prover.enclosures.boxes import Box
from paper_checks.prover.subproofs.continuity import conditions
from paper_checks.prover.subproofs.partial_min import ROUGH, nested_in_values, uncharted
from paper_checks.prover.subproofs.subproblem import (
    Proof,
    clipped,
    constant_holds,
    proved_once,
    recheck_problem,
    sampled,
)
from paper_checks.prover.tracing.normal import is_zero
from paper_checks.prover.tracing.symbols import Coordinate, sign_assumptions
from paper_checks.prover.tracing.trace import Untraceable, compile_expr
from paper_checks.prover.tracing.unbounded import infinite

#: how many of these steps may nest
MAX_DEPTH = 2
#: work units SymPy may spend factoring the margin
FACTOR_WORK = 2.0
#: the most pairs of arguments tried as ``G(A) - G(B)`` (the smallest first)
MOST_PAIRS = 6
#: grid points per coordinate where a derivative is sampled (floating point: a choice only)
SAMPLES = 9



@dataclass
class Arguments:
    """A piece closed as ``G(A) - G(B)``: ``G`` (in ``variable``) with ``s dG/du >= 0`` on ``span`` (the proof of
    ``slope``), and ``s (A - B) >= 0`` on the piece (its proof; None where it is a number)."""

    function: sympy.Expr
    variable: sympy.Symbol
    first: sympy.Expr
    second: sympy.Expr
    sign: int
    span: tuple[Any, Any]
    slope_proof: Proof
    order_proof: Proof | None

    def why(self) -> str:
        rel = "increases" if self.sign > 0 else "decreases"
        return (f"the margin is G({self.first}) - G({self.second}) with G({self.variable}) = {self.function}, which "
                f"{rel} in {self.variable} on [{self.span[0]}, {self.span[1]}] (proved), and "
                f"{self.first} {'>=' if self.sign > 0 else '<='} {self.second} (proved): by the mean value theorem "
                f"it is >= 0")


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


def sides(m: sympy.Expr) -> tuple[sympy.Expr, sympy.Expr] | None:
    """``(P, N)`` with ``m = P - N``: the terms of the sum with a positive and with a negative number in front."""
    if not isinstance(m, sympy.Add):
        return None
    pos = [t for t in m.args if t.as_coeff_Mul()[0] > 0]
    neg = [-t for t in m.args if t.as_coeff_Mul()[0] < 0]
    return (sympy.Add(*pos), sympy.Add(*neg)) if pos and neg else None


def argument_pairs(p: sympy.Expr, n: sympy.Expr) -> list[tuple[sympy.Expr, sympy.Expr]]:
    """The candidates ``(A, B)`` for ``p = G(A)``, ``n = G(B)``, smallest first: the subtrees where the two trees
    differ, walked in parallel below their roots (the arguments of a sum or product compared as multisets, those left
    over paired in order), at every depth (``exp(2 tau)`` against ``exp(sqrt 2 tau)`` gives that pair and
    ``(2, sqrt 2)``)."""
    out: list[tuple[sympy.Expr, sympy.Expr]] = []

    def walk(a: sympy.Expr, b: sympy.Expr, top: bool) -> None:
        if a == b:
            return
        if not top:
            out.append((a, b))
        if a.func != b.func or len(a.args) != len(b.args) or not a.args:
            return
        if isinstance(a, (sympy.Add, sympy.Mul)):
            left = [x for x in a.args if x not in b.args]
            right = [x for x in b.args if x not in a.args]
        else:
            pairs = [(x, y) for x, y in zip(a.args, b.args) if x != y]
            left, right = [x for x, _ in pairs], [y for _, y in pairs]
        if len(left) == len(right):
            for x, y in zip(left, right):
                walk(x, y, False)
    walk(p, n, True)
    return sorted(dict.fromkeys(out), key=lambda ab: (sympy.count_ops(ab[0]) + sympy.count_ops(ab[1]),
                                                       sympy.default_sort_key(ab)))[:MOST_PAIRS]


def _enclosed(exprs: list[sympy.Expr], syms: list[sympy.Symbol], box: Box) -> tuple[Any, Any] | None:
    """A rational interval holding every value of each of ``exprs`` on ``box`` (interval arithmetic, ends rounded
    outward to doubles; an unbounded end infinite), or None where they are undefined somewhere on it."""
    def end(x: Any, low: bool) -> Any:
        if infinite(x):
            return -mpmath.inf if low else mpmath.inf
        q = Fraction(x)
        at = mpmath.iv.mpf(q.numerator) / q.denominator
        return at.a if low else at.b
    v = [mpmath.iv.mpf([end(lo, True), end(hi, False)]) for lo, hi in box]
    lo, hi = math.inf, -math.inf
    for e in exprs:
        try:
            got = compile_expr(e, syms)(v)
        except (Untraceable, TypeError, ValueError, ZeroDivisionError):
            return None
        a, b = float(got.a), float(got.b)
        if math.isnan(a) or math.isnan(b) or a == math.inf or b == -math.inf:
            return None
        lo, hi = min(lo, a), max(hi, b)
    low = -math.inf if lo == -math.inf else Fraction(math.nextafter(lo, -math.inf))
    high = math.inf if hi == math.inf else Fraction(math.nextafter(hi, math.inf))
    return low, high


def _variable(syms: list[sympy.Symbol], span: tuple[Any, Any]) -> sympy.Symbol:
    names = {str(s) for s in syms}
    return sympy.Symbol(next(n for n in ("u", "u_", "u__", "u_argument") if n not in names),
                        **sign_assumptions(float(span[0]), float(span[1])))


def _argument_slope_problem(d: sympy.Expr, u: sympy.Symbol, span: tuple[Any, Any], syms: list[sympy.Symbol],
                            crds: list[Coordinate], bx: Box
                            ) -> tuple[list[sympy.Symbol], list[Coordinate], Box]:
    """The slope's problem: ``u`` on ``span``, then the piece's coordinates that ``d`` reads on their intervals."""
    keep = [k for k, s in enumerate(syms) if s in d.free_symbols]
    return [u, *[syms[k] for k in keep]], [Coordinate(u, str(u), ()), *[crds[k] for k in keep]], \
        [span, *[bx[k] for k in keep]]


def continuous_on(g: sympy.Expr, syms: list[sympy.Symbol], box: Box) -> bool:
    """Whether every node of ``g`` is continuous at every point of ``box`` (:func:`~paper_checks.prover.subproofs.
    continuity.conditions`), read from SymPy's assumptions on each coordinate's sign there (``>= 0`` included: a sign
    query, not a rewrite), else from its interval enclosure on the box. The mean value theorem needs it:
    ``atan(1/u)`` has the slope ``-1/(1 + u^2)`` of one sign as simplified, and jumps at ``u = 0``."""
    conds = conditions(g)
    if conds is None:
        return False
    fresh = {}
    for s, (lo, hi) in zip(syms, box):
        signs = {"real": True}
        if not infinite(lo) and lo >= 0:
            signs["positive" if lo > 0 else "nonnegative"] = True
        if not infinite(hi) and hi <= 0:
            signs["negative" if hi < 0 else "nonpositive"] = True
        fresh[s] = sympy.Symbol(f"{s}_sign", **signs)
    for cond, strict in conds:
        # (c - 1) e^(u tau) + 1 > 0 for c >= 2, where c e^(u tau) - e^(u tau) + 1 is not in intervals
        forms = (cond, sympy.collect(cond, sorted(cond.atoms(sympy.Function), key=sympy.default_sort_key)))
        if any((e.xreplace(fresh).is_positive if strict else e.xreplace(fresh).is_nonzero) is True for e in forms):
            continue
        if not any((got := _enclosed([sign * e], syms, box)) is not None and got[0] > 0
                   for e in forms for sign in ((1,) if strict else (1, -1))):
            return False
    return True


def arguments(m: sympy.Expr, syms: list[sympy.Symbol], crds: list[Coordinate], bx: Box, stop: Budget
              ) -> Arguments | None:
    """Close ``m >= 0`` on the piece in its values as one monotone function at two arguments (the module docstring),
    or None."""
    split = sides(m)
    if split is None:
        return None
    for a, b in argument_pairs(*split):
        if stop.over():
            return None
        found = _arguments(split, a, b, syms, crds, bx, stop)
        if found is not None:
            return found
    return None


def _arguments(split: tuple[sympy.Expr, sympy.Expr], a: sympy.Expr, b: sympy.Expr, syms: list[sympy.Symbol],
               crds: list[Coordinate], bx: Box, stop: Budget) -> Arguments | None:
    """The proof of :func:`arguments` for one candidate pair, or None."""
    span = _enclosed([a, b], syms, bx)
    if span is None or span[0] == span[1]:
        return None
    u = _variable(syms, span)
    g = split[0].xreplace({a: u})
    if u not in g.free_symbols or g.xreplace({u: b}) != split[1]:
        return None
    order = a - b
    sign = (1 if order > 0 else -1 if order < 0 else 0) if order.is_number else _sign(order, syms, bx)
    if sign == 0:
        return None
    d = sympy.diff(g, u)
    psyms, pcrds, pbox = _argument_slope_problem(d, u, span, syms, crds, bx)
    gsyms, _, gbox = _argument_slope_problem(g, u, span, syms, crds, bx)
    if _sign(sign * d, psyms, pbox) != 1 or not continuous_on(g, gsyms, gbox):
        return None
    slope_proof = proved_once(sign * d, psyms, pbox, pcrds, f"the slope of {g} in {u}: {sign * d}", stop.left() / 2)
    if slope_proof is None:
        return None
    order_proof = None
    if order.is_number:
        if not constant_holds(sign * order):
            return None
    else:
        order_proof = proved_once(sign * order, syms, bx, crds, f"{sign * order} >= 0", stop.left() / 2)
        if order_proof is None:
            return None
    return Arguments(g, u, a, b, sign, span, slope_proof, order_proof)


def recheck_arguments(rec: Arguments, m: sympy.Expr, syms: list[sympy.Symbol], crds: list[Coordinate], bx: Box
                      ) -> list[str]:
    """Why ``rec`` does not close ``m >= 0`` on the piece in its values (empty: it does)."""
    split = sides(m)
    by_name = {str(s): s for s in syms}
    if split is None or str(rec.variable) in by_name:
        return ["the margin is not a difference of two sides again"]
    named = {s: by_name[str(s)] for s in (rec.function.free_symbols | rec.first.free_symbols
                                           | rec.second.free_symbols) if str(s) in by_name}
    g, a, b = (e.xreplace(named) for e in (rec.function, rec.first, rec.second))
    u = rec.variable
    out = []
    if not ((g.free_symbols - {u}) <= set(syms) and a.free_symbols <= set(syms) and b.free_symbols <= set(syms)):
        return ["G or its arguments read what is no coordinate of the piece"]
    if g.xreplace({u: a}) != split[0] or g.xreplace({u: b}) != split[1]:
        out.append("the two sides are not G at the two arguments again")
    span = _enclosed([a, b], syms, bx)
    if span is None or any(infinite(r) and not infinite(o) or not infinite(r) and not infinite(o) and
                           (o < r if k == 0 else o > r) for k, (o, r) in enumerate(zip(span, rec.span))):
        out.append("the arguments' enclosure is not inside the recorded interval again")
    if rec.sign not in (1, -1):
        return out + ["the recorded sign is not +1 or -1"]
    lo, hi = rec.span
    if not (infinite(lo) and lo < 0 or isinstance(lo, Fraction)) or not (infinite(hi) and hi > 0 or isinstance(
            hi, Fraction)) or not lo < hi:
        return out + ["the recorded interval is not an interval of rational or infinite ends"]
    d = rec.sign * sympy.diff(g, u)
    psyms, pcrds, pbox = _argument_slope_problem(d, u, rec.span, syms, crds, bx)
    gsyms, _, gbox = _argument_slope_problem(g, u, rec.span, syms, crds, bx)
    if not continuous_on(g, gsyms, gbox):
        out.append("G is not continuous on the recorded interval again")
    out += recheck_problem(*rec.slope_proof, d, psyms, pcrds, pbox, "the slope of G")
    order = rec.sign * (a - b)
    if order.is_number:
        if rec.order_proof is not None or not constant_holds(order):
            out.append("the arguments' order is not the recorded number's sign again")
    elif rec.order_proof is None:
        out.append("no proof of the arguments' order")
    else:
        out += recheck_problem(*rec.order_proof, order, syms, crds, bx, "the arguments' order")
    return out


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


def _sign(d: sympy.Expr, syms: list[sympy.Symbol], box: Box) -> int:
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
                signs = [_sign(d, psyms, pbox) for d in slopes]
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


def recheck(rec: Differences | Arguments, expr: sympy.Expr, symbols: list[sympy.Symbol], box: Box,
            coords: list[Coordinate]) -> list[str]:
    """Why ``rec`` does not close ``expr >= 0`` on ``box`` (empty: it does); see the module docstring."""
    if expr.has(*ROUGH) or any(c.index for c in coords):
        return ["the margin is not smooth in plain real coordinates again"]
    un = uncharted(expr, symbols, coords, box)
    if un is None:
        return ["the piece's coordinates cannot be read in their values again"]
    m, syms, crds, bx = un
    if isinstance(rec, Arguments):
        return recheck_arguments(rec, m, syms, crds, bx)
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


def two_arguments(expr: sympy.Expr, symbols: list[sympy.Symbol], box: Box, budget: Budget,
                  coords: list[Coordinate]) -> Arguments | None:
    """Close ``expr >= 0`` on the piece (``box``) as one monotone function at two arguments (the module docstring),
    or None."""
    if expr.has(*ROUGH) or any(c.index for c in coords) or sides(expr) is None:
        return None
    with nested_in_values("TwoArguments", budget, MAX_DEPTH, expr, symbols, coords, box) as level:
        if level is None:
            return None
        stop, (m, syms, crds, bx) = level
        return arguments(m, syms, crds, bx, stop)


@register
class TwoArguments(SubproofMethod):
    """One monotone function at two arguments: ``G(A) - G(B)`` has the sign of ``A - B`` where ``G`` increases."""

    methods = ("one function at two arguments",)
    record = Arguments
    find = staticmethod(two_arguments)
    check_record = staticmethod(recheck)

    def applies(self, goal: PieceGoal) -> bool:
        return not any(c.index for c in goal.coords) and sides(goal.t.expr) is not None
