"""Homogeneous margins: the corner at the origin closed by scaling.

AM-GM with cube roots, ``(x + y + z)/3 - (x y z)^(1/3)`` on ``[0, 1]^3``, is 0 along ``x = y = z`` all the
way into the corner ``0``, where its Hessian is unbounded: no box at the corner closes by bounds or by
convexity. But the margin is homogeneous of degree ``k > 0`` in the coordinates ``H`` that start at 0,
``m(t x_H, x_R) = t^k m(x_H, x_R)`` for ``t > 0``. Then a box ``[0, a_i]`` in every coordinate of ``H``
with ``2 a_i`` inside the piece is closed: for a point with ``x_H != 0``, doubling ``x_H`` ``j`` times
takes it out of the box to a point of the piece that the other boxes cover, and
``m(x) = 2^(-j k) m(2^j x_H, x_R) >= 0``; at ``x_H = 0`` the margin is ``t^k`` times itself, so 0 (or its
limit 0 where it is undefined there). The covering of the other boxes does not depend on this one, so
the argument is not circular.

:func:`homogeneity` finds ``H`` and ``k`` exactly (``k`` read off two points, then
``m(t x_H, x_R) - t^k m`` identically 0 by SymPy with ``t > 0``); :func:`closes` is the test of a box; the
certificate's re-check derives both again.
"""
from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from fractions import Fraction
from typing import Any

import sympy

from paper_checks import work
from paper_checks.deadline import TimedOut
from paper_checks.prover.critical.second import assumed
from paper_checks.prover.enclosures.boxes import Box, generic_point
from paper_checks.prover.subproofs.subproblem import clipped
from paper_checks.prover.tracing.normal import is_zero
from paper_checks.prover.tracing.trace import Traced

#: work units SymPy may spend deciding that a margin is homogeneous
SCALING_WORK = 3.0


@dataclass(frozen=True)
class Homogeneous:
    """The coordinates ``H`` (indices) in which the margin is homogeneous, and its degree ``k > 0``."""

    coords: tuple[int, ...]
    degree: sympy.Rational

    def to_json(self, names: list[str]) -> dict[str, Any]:
        return {"coordinates": [names[i] for i in self.coords], "degree": str(self.degree)}


def value_at(expr: sympy.Expr, subs: dict[sympy.Symbol, Any]) -> float | None:
    """``expr`` at ``subs`` to 30 digits as a float; None where it is not a finite real number."""
    try:
        v = complex(sympy.N(expr.xreplace(subs), 30))
    except (TypeError, ValueError, ZeroDivisionError):
        return None
    return v.real if abs(v.imag) < 1e-20 and math.isfinite(v.real) else None


def agree(a: sympy.Expr, b: sympy.Expr, symbols: list[sympy.Symbol], box: Box, seconds: float) -> bool:
    """Whether ``a`` and ``b`` are one function on ``box``: equal at two rational points of it (floating point, a
    screen; an infinite end clipped 8 past the other), then their difference 0 by SymPy's ``expand``, else
    ``simplify``, each within ``seconds`` (a face of a cone that is another read through a map, a margin that is its
    own mirror image)."""
    for n in (0, 1):
        pt = {s: sympy.Rational(v.numerator, v.denominator) for s, v in zip(symbols, generic_point(clipped(box), n))}
        va, vb = value_at(a, pt), value_at(b, pt)
        if va is None or vb is None or abs(va - vb) > 1e-12 * (1 + abs(va)):
            return False
    d = a - b
    try:
        with work.limit(seconds):
            if sympy.expand(d) == 0:
                return True
    except TimedOut:
        return False
    return is_zero(d, seconds)


def degree(expr: sympy.Expr, symbols: list[sympy.Symbol], box: Box, hs: Sequence[int]) -> sympy.Rational | None:
    """The degree ``k`` with ``m(2 x_H) = 2^k m(x)`` at two generic points of the box, where both agree and ``k`` is
    a simple rational (floating point: a candidate for :func:`identity` to prove); None otherwise."""
    found = []
    for n in (0, 1):
        pt = {s: sympy.Rational(v.numerator, v.denominator) for s, v in zip(symbols, generic_point(box, n))}
        f1 = value_at(expr, pt)
        f2 = value_at(expr, {s: 2 * v if i in hs else v for i, (s, v) in enumerate(pt.items())})
        if not f1 or not f2 or f2 / f1 <= 0:
            return None
        found.append(math.log2(f2 / f1))
    if abs(found[0] - found[1]) > 1e-9 * (1 + abs(found[0])):
        return None
    k = Fraction(found[0]).limit_denominator(12)
    return sympy.Rational(k.numerator, k.denominator) if abs(float(k) - found[0]) < 1e-9 else None


def _canonical(d: sympy.Expr) -> sympy.Expr:
    """``d`` with powers of products split, common factors pulled out of sums and nested powers joined (each only
    where the signs SymPy knows allow it), then ``simplify``."""
    d = sympy.expand_power_base(d, force=False)
    d = sympy.expand_power_base(sympy.factor_terms(d), force=False)
    return sympy.simplify(sympy.expand_log(sympy.powdenest(d, force=False), force=False))


def branches_scaled(expr: sympy.Expr, s: sympy.Symbol) -> sympy.Expr:
    """``expr`` with each ``Max``/``Min`` whose arguments are ``s^j`` times one power ``j`` of the positive ``s``
    written ``s^j Max(...)`` (``Min(s x, s y) = s Min(x, y)``), innermost first: SymPy leaves the branches as they are,
    and ``simplify`` does not see through them."""
    def pulled(node: sympy.Expr) -> sympy.Expr:
        parts = [sympy.factor_terms(sympy.expand_power_base(a, force=False)).as_coeff_exponent(s) for a in node.args]
        if len({j for _, j in parts}) != 1 or any(c.has(s) for c, _ in parts):
            return node
        return s ** parts[0][1] * type(node)(*[c for c, _ in parts])
    return expr.replace(lambda e: isinstance(e, (sympy.Max, sympy.Min)), pulled)


def identity(expr: sympy.Expr, symbols: list[sympy.Symbol], box: Box, hs: Sequence[int], k: sympy.Rational,
             seconds: float = SCALING_WORK) -> bool:
    """Whether ``m(s x_H, x_R) = s^k m(x)`` for every ``s > 0`` (the coordinates' signs on ``box`` assumed), proved by
    SymPy within ``seconds``: powers of products split and joined, then ``simplify`` (also
    :mod:`paper_checks.prover.symmetry.ratio`'s test)."""
    s = sympy.Dummy("s", positive=True)
    scaled = branches_scaled(expr.xreplace({symbols[i]: s * symbols[i] for i in hs}), s)
    diff = assumed(scaled - s**k * expr, symbols, box)
    try:
        with work.limit(seconds):
            return (sympy.simplify(sympy.powsimp(sympy.expand_power_base(diff, force=False), force=False)) == 0
                    or _canonical(diff) == 0)
    except (TimedOut, TypeError, ValueError, NotImplementedError, RecursionError, AttributeError):
        return False


def homogeneity(t: Traced, base: Box, simplex: set[int], seconds: float = SCALING_WORK) -> Homogeneous | None:
    """``H`` and ``k`` when the margin is homogeneous of a degree ``k > 0`` in the coordinates ``H`` that start
    at 0 (no simplex coordinate: scaling leaves the simplex), the others fixed; None otherwise."""
    syms = t.symbols
    hs = [i for i, (lo, hi) in enumerate(base) if lo == 0 < hi and i not in simplex and syms[i] in t.expr.free_symbols]
    if not hs:
        return None
    k = degree(t.expr, list(syms), base, hs)
    if k is None or not k > 0:
        return None
    return Homogeneous(tuple(hs), k) if identity(t.expr, list(syms), base, hs, k, seconds) else None


def closes(h: Homogeneous, box: Box, base: Box) -> bool:
    """Whether ``box`` is a corner box of the scaling argument: ``[0, a_i]`` with ``2 a_i`` in the piece for
    every coordinate of ``H``."""
    return all(box[i][0] == 0 and 2 * box[i][1] <= base[i][1] for i in h.coords)
