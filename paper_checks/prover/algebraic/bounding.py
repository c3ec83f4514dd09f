"""Bounding functions: polynomial and rational inequalities between ``exp``, ``log``, ``atan``, ``sin`` or ``cos`` of
an argument and the argument itself, true wherever the function is real, so that z3 decides a margin with each
such node a variable held by them. This is MetiTarski's method (Akbarpour & Paulson 2010, "MetiTarski: an automatic
theorem prover for real-valued special functions", J. Automated Reasoning 44:175-205): a transcendental node
becomes a variable ``v`` that the bounds tie to its argument ``u``; every point of the margin's domain gives a point
of this abstraction (``v`` its node's value), so a proof that the abstraction has no point where the margin is
``< 0`` is a proof of the margin. Unlike a box's enclosure, a bound holds on the whole line: a margin on a half-line
or the line is decided as it is, ``exp(x) <= 1/(1 - x)`` on ``x < 1`` by ``exp(x) <= 1/(1 - x + x^2/2 - x^3/6)``.

Each family below is a classical theorem, true for every real ``u`` (every ``u > 0`` for ``log``), at every
``level`` (a level selects how many terms; a higher one is tighter, and slower for z3):

- ``exp``, ``n = 2 level + 1`` (odd): Taylor's theorem with Lagrange's remainder,
  ``e^y - T_n(y) = e^xi y^(n+1)/(n+1)! >= 0`` for every real ``y`` when ``n + 1`` is even, so ``e^u >= T_n(u)``, and
  ``e^u <= 1/T_n(-u)`` wherever ``T_n(-u) > 0`` (``y = -u``);
- ``log w`` (``w > 0``): the same two bounds on ``e^v = w``, for ``v = log w``: ``w >= T_n(v)``, and
  ``w T_n(-v) <= 1`` wherever ``T_n(-v) > 0``;
- ``atan``, ``n = level + 1`` terms: Euler's series ``atan x = sum_k c_k x y^k/(1 + x^2)`` with ``y = x^2/(1 + x^2)``
  and ``c_k = 4^k (k!)^2/(2k+1)!`` (Euler 1755, *Institutiones calculi differentialis* II, section 149): every term
  has ``x``'s sign and ``c_(k+1) <= c_k``, so for ``x >= 0`` the partial sum ``A_n`` is a lower bound and
  ``A_n + c_n x y^n`` (the tail summed as a geometric series, ``1/(1 - y) = 1 + x^2``) an upper one; for ``x <= 0``
  the other way round; ``|atan x| < 1571/1000`` (``pi/2 < 1.5708``);
- ``sin``, ``cos``, ``m`` one of ``level + 1`` and ``level + 2``: the partial sums of their Taylor series through
  ``u^(2m)`` (cos) and ``u^(2m+1)`` (sin) bound them alternately, ``cos u`` from above for ``m`` even and below for
  ``m`` odd on the whole line, ``sin u`` the same way for ``u >= 0`` and the other way round for ``u <= 0`` (by
  integrating ``cos u <= 1`` from 0 again and again); ``|sin u|, |cos u| <= 1`` and ``sin^2 u + cos^2 u = 1``.

``tan``, ``cot``, ``sec`` and ``csc`` are written through ``sin`` and ``cos`` (a quotient: a point where its
denominator may be 0 is asked for too, so no margin is proved across a pole), the hyperbolic functions through
``exp``, ``b^e`` with a rational ``b > 0`` and an exponent that reads a coordinate as ``exp(e log b)``, and
exponentials of one argument's rational multiples as integer powers of one node (:func:`common_exponentials`).
Checked against mpmath at 50 digits, and as z3 reads them, by ``tests/paper_checks/prover/algebraic/test_bounding.py``.
"""
from __future__ import annotations

import math
from fractions import Fraction
from typing import Any

import sympy
import z3

from paper_checks.prover.subproofs.exponential import HYPERBOLIC, through_exp
from paper_checks.prover.tracing.unbounded import explicit

#: the levels tried, tightest last (``exp`` up to degree 13, ``atan`` up to 7 terms, ``sin``/``cos`` up to u^15)
LEVELS = tuple(range(7))
#: an upper bound on ``pi/2``, which bounds ``|atan|``
HALF_PI_ABOVE = Fraction(1571, 1000)
#: the functions a family bounds (and :class:`Exp`, defined below)
FAMILIES: tuple[type, ...] = (sympy.exp, sympy.log, sympy.atan, sympy.sin, sympy.cos)
_THROUGH_SIN_COS = {sympy.tan: lambda u: sympy.sin(u) / sympy.cos(u), sympy.cot: lambda u: sympy.cos(u) / sympy.sin(u),
                    sympy.sec: lambda u: 1 / sympy.cos(u), sympy.csc: lambda u: 1 / sympy.sin(u)}
#: the functions :func:`rewritten` writes through those a family bounds
REWRITTEN: tuple[type, ...] = (*_THROUGH_SIN_COS, *HYPERBOLIC)


def rewritten(expr: sympy.Expr) -> sympy.Expr:
    """``expr`` with ``tan``, ``cot``, ``sec``, ``csc`` written through ``sin`` and ``cos``, the hyperbolic functions
    through ``exp``, ``b^e`` (``b`` a positive rational, ``e`` reading a coordinate) as ``exp(e log b)``, a product of
    exponentials as one, and exponentials of rational multiples of one argument as powers of one
    (:func:`common_exponentials`): equal wherever ``expr`` is defined (``sin/cos`` has the pole ``tan`` has). An
    unbounded coordinate's chart is written out (a rational function of the chart's coordinate,
    :func:`paper_checks.prover.tracing.unbounded.explicit`)."""
    out = through_exp(explicit(expr))
    out = out.replace(lambda n: type(n) in _THROUGH_SIN_COS, lambda n: _THROUGH_SIN_COS[type(n)](n.args[0]))
    out = out.replace(lambda n: n.is_Pow and n.base.is_Rational and n.base > 0 and bool(n.exp.free_symbols),
                      lambda n: sympy.exp(n.exp * sympy.log(n.base)))
    if any(len([a for a in m.args if isinstance(a, sympy.exp)]) > 1 for m in out.atoms(sympy.Mul)):
        out = sympy.powsimp(out, combine="exp")  # exp(x) exp(y) is one node exp(x + y): e^(x+y) >= 1 + x + y
    return common_exponentials(out)


class Exp(sympy.Function):
    """``exp`` kept as one node that SymPy does not merge with its powers (``Exp(x/2)**2`` stays), for
    :func:`common_exponentials`; bounded as ``exp``."""

    nargs = 1


def common_exponentials(expr: sympy.Expr, most: int = 16) -> sympy.Expr:
    """``expr`` with the exponentials whose variable parts are rational multiples of one another written as
    integer powers of one: ``exp(x) - 1 - x exp(x/2)`` is ``E^2 - 1 - x E`` with ``E = exp(x/2)``, and
    ``exp(c + k w)`` is ``exp(c) Exp(w g)^(k/g)`` (``g`` the groups' rational gcd, :class:`Exp` a node SymPy
    leaves alone), so that z3 sees one variable where the bounds of two independent ones lose
    ``exp(x) = exp(x/2)^2``. A power beyond ``most`` is left as it is."""
    nodes = sorted((n for n in expr.atoms(sympy.exp) if n.free_symbols), key=sympy.default_sort_key)
    groups: dict[sympy.Expr, list[tuple[sympy.Expr, sympy.Expr, sympy.Rational]]] = {}
    for n in nodes:
        const, var = sympy.expand(n.args[0]).as_independent(*sorted(n.free_symbols, key=str), as_Add=True)
        for rest, members in groups.items():
            ratio = sympy.cancel(var / rest)
            if ratio.is_Rational:
                members.append((n, const, ratio))
                break
        else:
            groups[var] = [(n, const, sympy.Integer(1))]
    swap: dict[sympy.Expr, sympy.Expr] = {}
    for rest, members in groups.items():
        g = abs(members[0][2])
        for _, _, c in members[1:]:
            g = sympy.Rational(sympy.igcd(g.p, c.p), sympy.ilcm(g.q, c.q))
        powers = [c / g for _, _, c in members]
        if len(members) < 2 or any(abs(k) > most for k in powers):
            continue
        base = Exp(sympy.cancel(g * rest))
        for (n, const, _), k in zip(members, powers):
            swap[n] = sympy.exp(const) * base ** int(k) if const != 0 else base ** int(k)
    return expr.xreplace(swap) if swap else expr


def covered(e: sympy.Expr) -> bool:
    """Whether a family bounds the node ``e``."""
    return isinstance(e, (*FAMILIES, Exp))


def _q(ctx: Any, f: Fraction | int) -> Any:
    return z3.RealVal(str(Fraction(f)), ctx)


def _poly(ctx: Any, u: Any, coefficients: list[Fraction]) -> Any:
    """``sum_k coefficients[k] u^k`` (Horner)."""
    out = _q(ctx, coefficients[-1])
    for c in reversed(coefficients[:-1]):
        out = out * u + _q(ctx, c)
    return out


def taylor_exp(n: int) -> list[Fraction]:
    """The coefficients of ``T_n(y) = sum_(k <= n) y^k/k!``."""
    return [Fraction(1, math.factorial(k)) for k in range(n + 1)]


def exp_pair(ctx: Any, v: Any, u: Any, level: int) -> list[Any]:
    """``v = e^u`` bounded: ``v >= T_n(u)`` and ``v T_n(-u) <= 1`` where ``T_n(-u) > 0``, ``n = 2 level + 1``."""
    coeffs = taylor_exp(2 * level + 1)
    low, back = _poly(ctx, u, coeffs), _poly(ctx, -u, coeffs)
    return [v >= low, z3.Or(back <= 0, v * back <= 1)]


def atan_coefficient(k: int) -> Fraction:
    """Euler's ``c_k = 4^k (k!)^2/(2k+1)!``."""
    return Fraction(4**k * math.factorial(k) ** 2, math.factorial(2 * k + 1))


def atan_bounds(ctx: Any, v: Any, u: Any, d: Any, level: int) -> list[Any]:
    """``v = atan u`` bounded by Euler's series to ``level + 1`` terms; ``d`` is a fresh variable, ``d (1 + u^2) =
    1``."""
    n = level + 1
    y = u * u * d
    partial = u * d * _poly(ctx, y, [atan_coefficient(k) for k in range(n)])
    tail = _q(ctx, atan_coefficient(n)) * u * _poly(ctx, y, [Fraction(0)] * n + [Fraction(1)])
    half_pi = _q(ctx, HALF_PI_ABOVE)
    return [d * (1 + u * u) == 1, z3.Implies(u >= 0, z3.And(partial <= v, v <= partial + tail)),
            z3.Implies(u <= 0, z3.And(partial + tail <= v, v <= partial)), v < half_pi, v > -half_pi]


def cos_series(m: int) -> list[Fraction]:
    """The coefficients of the partial sum of ``cos`` through ``u^(2m)``."""
    out = [Fraction(0)] * (2 * m + 1)
    for k in range(m + 1):
        out[2 * k] = Fraction((-1) ** k, math.factorial(2 * k))
    return out


def sin_series(m: int) -> list[Fraction]:
    """The coefficients of the partial sum of ``sin`` through ``u^(2m+1)``."""
    out = [Fraction(0)] * (2 * m + 2)
    for k in range(m + 1):
        out[2 * k + 1] = Fraction((-1) ** k, math.factorial(2 * k + 1))
    return out


def trig_bounds(ctx: Any, sin_v: Any | None, cos_v: Any | None, u: Any, level: int) -> list[Any]:
    """``sin_v = sin u`` and ``cos_v = cos u`` (either may be None) bounded by their alternating partial sums."""
    above, below = (level + 1, level + 2) if level % 2 else (level + 2, level + 1)  # (even m, odd m)
    one = _q(ctx, 1)
    out: list[Any] = []
    if cos_v is not None:
        out += [cos_v <= _poly(ctx, u, cos_series(above)), cos_v >= _poly(ctx, u, cos_series(below)),
                cos_v <= one, cos_v >= -one]
    if sin_v is not None:
        high, low = _poly(ctx, u, sin_series(above)), _poly(ctx, u, sin_series(below))
        out += [z3.Implies(u >= 0, z3.And(sin_v <= high, sin_v >= low)),
                z3.Implies(u <= 0, z3.And(sin_v >= high, sin_v <= low)), sin_v <= one, sin_v >= -one]
    if sin_v is not None and cos_v is not None:
        out.append(sin_v * sin_v + cos_v * cos_v == one)
    return out


class Bounds:
    """The bounds at one ``level``, as :func:`paper_checks.prover.algebraic.fragment.decide` asks for them (``relate``):
    ``covers(e)`` says whether a family bounds node ``e``, and ``self(e, v, builder)`` gives the constraints that tie
    the variable ``v`` of ``e`` to ``e``'s argument (built by ``builder``, itself over atoms where it must be)."""

    def __init__(self, level: int) -> None:
        if level not in LEVELS:
            raise ValueError(f"level must be one of {LEVELS}, got {level}")
        self.level = level

    def covers(self, e: sympy.Expr) -> bool:
        return covered(e)

    def __call__(self, e: sympy.Expr, v: Any, builder: Any) -> list[Any]:
        ctx = builder.ctx
        u = builder.term(e.args[0])
        if isinstance(e, (sympy.exp, Exp)):
            return [v > 0, *exp_pair(ctx, v, u, self.level)]
        if isinstance(e, sympy.log):  # v = log u: u = e^v, so the exponential's bounds with the roles swapped
            # (only where u > 0: where it is not, the margin is not real, which the guards decide before any closure)
            return [u > 0, *exp_pair(ctx, u, v, self.level)]
        if isinstance(e, sympy.atan):
            return atan_bounds(ctx, v, u, builder.fresh("atan_d"), self.level)
        if isinstance(e, sympy.sin):  # its cosine too, for sin^2 + cos^2 = 1 (the same node, the same variable)
            return trig_bounds(ctx, v, builder.term(sympy.cos(e.args[0])), u, self.level)
        if isinstance(e, sympy.cos):
            return trig_bounds(ctx, None, v, u, self.level)
        raise ValueError(f"no bounds for {type(e).__name__}")


__all__ = ["FAMILIES", "LEVELS", "REWRITTEN", "Bounds", "Exp", "atan_coefficient", "common_exponentials", "cos_series",
           "covered", "rewritten", "sin_series", "taylor_exp"]
