"""Arb's power series of a margin in one coordinate, the other coordinates as balls: the building blocks of the
Taylor models (:mod:`paper_checks.prover.enclosures.taylor_model`, :mod:`paper_checks.prover.enclosures.removable`).

A margin is compiled once (:func:`compiled`) to a function of Arb balls and series (python-flint's ``arb_series``;
Arb, Johansson 2017, IEEE Trans. Computers 66(8)), which composes the whitelist's functions in ball arithmetic, so
each coefficient of the series on a ball encloses ``m^(j)(xi)/j!`` for every ``xi`` in it (:func:`coefficients`).
A function is composed only where it is analytic on the whole ball: a logarithm's, a root's, a quotient's argument
kept off 0, ``asin``'s inside ``(-1, 1)``; anything else is :class:`Declined`. :func:`bernstein_lower` bounds a
polynomial below on an interval by its least Bernstein coefficient (Cargo & Shisha 1966, "The Bernstein form of a
polynomial", J. Res. NBS 70B).
"""
from __future__ import annotations

import functools
import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from fractions import Fraction
from typing import Any

import sympy
from flint import acb, arb, arb_series, ctx, fmpq

from paper_checks import work
from paper_checks.prover.enclosures.balls import constant
from paper_checks.prover.tracing import unbounded
from paper_checks.prover.tracing.trace import Untraceable

Fn = Callable[[Sequence[Any]], Any]


class Declined(Exception):
    """The margin has no Taylor model on this box (a node not analytic on it, or outside this module's list)."""


def _lead(u: Any) -> Any:
    """The value part of a series (its constant coefficient), or the ball itself."""
    return u.coeffs()[0] if isinstance(u, arb_series) else u


def _guard(ok: Callable[[Any], bool], fn: Callable[[Any], Any]) -> Callable[[Any], Any]:
    """``fn`` where ``ok`` holds for its argument's value on the whole ball; else :class:`Declined`."""
    def f(u: Any) -> Any:
        if not ok(_lead(u)):
            raise Declined(f"an argument leaves where {getattr(fn, '__name__', 'a node')} is analytic")
        return fn(u)
    return f


def _positive(x: Any) -> bool:
    return bool(x > 0)


def _off_zero(x: Any) -> bool:
    return bool(x > 0 or x < 0)


def _inv(u: Any) -> Any:
    if not _off_zero(_lead(u)):
        raise Declined("a denominator holds 0 on the box")
    return 1 / u


def _tan(u: Any) -> Any:
    return u.sin() * _inv(u.cos())


def _exp(u: Any) -> Any:
    return u.exp()


def _sinh(u: Any) -> Any:
    e = u.exp()
    return (e - _inv(e)) / 2


def _cosh(u: Any) -> Any:
    e = u.exp()
    return (e + _inv(e)) / 2


def _tanh(u: Any) -> Any:
    e = (2 * u).exp()
    return (e - 1) * _inv(e + 1)


def _asinh(u: Any) -> Any:
    return (u + (u * u + 1).sqrt()).log()


def _atanh(u: Any) -> Any:
    return ((1 + u).log() - (1 - u).log()) / 2


def _acosh(u: Any) -> Any:
    return (u + (u * u - 1).sqrt()).log()


UNARY: dict[type, Callable[[Any], Any]] = {
    sympy.exp: _exp,
    sympy.log: _guard(_positive, lambda u: u.log()),
    sympy.sin: lambda u: u.sin(), sympy.cos: lambda u: u.cos(), sympy.tan: _tan,
    sympy.atan: lambda u: u.atan(),
    sympy.asin: _guard(lambda x: bool(x > -1 and x < 1), lambda u: u.asin()),
    sympy.acos: _guard(lambda x: bool(x > -1 and x < 1), lambda u: u.acos()),
    sympy.sinh: _sinh, sympy.cosh: _cosh, sympy.tanh: _tanh, sympy.asinh: _asinh,
    sympy.atanh: _guard(lambda x: bool(x > -1 and x < 1), _atanh),
    sympy.acosh: _guard(lambda x: bool(x > 1), _acosh),
    sympy.erf: lambda u: u.erf(), sympy.erfc: lambda u: u.erfc(),
    unbounded.HalfChart: lambda u: u * _inv(1 - u), unbounded.LineChart: lambda u: u * _inv(1 - u * u),
}


def _power(b: Any, n: int) -> Any:
    """``b^n`` by Arb's own power (tighter than repeated products of a ball)."""
    out = b ** abs(n) if n else arb(1)
    return out if n >= 0 else _inv(out)


@dataclass(frozen=True)
class Kit:
    """What a compiled margin is made of: the unary functions, integer powers, the square root and a constant, in
    real balls and series (:data:`REAL`) or in complex balls (:data:`COMPLEX`)."""

    unary: dict[type, Callable[[Any], Any]]
    power: Callable[[Any, int], Any]
    sqrt: Callable[[Any], Any]
    const: Callable[[Any], Any]


REAL = Kit(UNARY, _power, _guard(_positive, lambda u: u.sqrt()), lambda c: c)


def _compile(e: sympy.Expr, index: dict[sympy.Symbol, int], kit: Kit = REAL) -> Fn:
    if e.is_Symbol:
        i = index[e]
        return lambda v: v[i]
    if e.is_Number or e.is_NumberSymbol:
        try:
            c = kit.const(constant(e))
        except Untraceable as exc:
            raise Declined(str(exc)) from None
        return lambda v: c
    args = [_compile(a, index, kit) for a in e.args]
    if e.is_Add:
        return lambda v: sum((f(v) for f in args[1:]), args[0](v))
    if e.is_Mul:
        def mul(v: Sequence[Any]) -> Any:
            out = args[0](v)
            for f in args[1:]:
                out = out * f(v)
            return out
        return mul
    if e.is_Pow:
        b, ex = args
        if e.exp.is_Integer and abs(int(e.exp)) <= 64:
            n = int(e.exp)
            return lambda v: kit.power(b(v), n)
        if e.exp == sympy.Rational(1, 2):
            return lambda v: kit.sqrt(b(v))
        log, exp = kit.unary[sympy.log], kit.unary[sympy.exp]
        return lambda v: exp(ex(v) * log(b(v)))
    if type(e) in kit.unary and len(args) == 1:
        fn, (a,) = kit.unary[type(e)], args
        return lambda v: fn(a(v))
    raise Declined(f"the node {type(e).__name__} has no Taylor model here")


@functools.lru_cache(maxsize=256)
def compiled(expr: sympy.Expr, symbols: tuple[sympy.Symbol, ...]) -> Fn | None:
    """``expr`` compiled to Arb's balls and series (kept per expression), or None where a node has no model."""
    try:
        return _compile(expr, {s: i for i, s in enumerate(symbols)})
    except Declined:
        return None


work.forgets(compiled.cache_clear)  # emptied at the start of every top proof (paper_checks.prover.outset.forget)


# ------------------------------------------------------------------ complex balls: Cauchy's bound of the remainder
def _finite(z: Any) -> Any:
    """``z``, a complex ball, where it is finite; else :class:`Declined` (a pole of the function on the ball)."""
    if not z.is_finite():
        raise Declined("a function has a pole on the complex ball")
    return z


def _c_guard(ok: Callable[[Any], bool], fn: Callable[[Any], Any]) -> Callable[[Any], Any]:
    """``fn`` where ``ok`` holds on the whole complex ball (it keeps clear of ``fn``'s branch cut); else
    :class:`Declined`: Arb gives a finite ball across a cut (``log`` of a ball around ``-1``), where the function is
    not analytic."""
    def f(z: Any) -> Any:
        if not ok(z):
            raise Declined(f"an argument meets the branch cut of {getattr(fn, '__name__', 'a node')}")
        return _finite(fn(z))
    return f


def _c_inv(z: Any) -> Any:
    if not (z.real > 0 or z.real < 0 or z.imag > 0 or z.imag < 0):
        raise Declined("a denominator may be 0 on the complex ball")
    return _finite(1 / z)


def _right(z: Any) -> bool:  # the open right half-plane: clear of the cut (-oo, 0] of log, sqrt and powers
    return bool(z.real > 0)


def _strip(z: Any) -> bool:  # |Im z| < 1: clear of the cuts [i, i oo) and (-i oo, -i] of atan and asinh
    return bool(z.imag > -1 and z.imag < 1)


def _middle(z: Any) -> bool:  # -1 < Re z < 1: clear of the cuts (-oo, -1] and [1, oo) of asin, acos and atanh
    return bool(z.real > -1 and z.real < 1)


#: the whitelist's functions on complex balls, each where it is analytic on the whole ball (principal branches,
#: which agree with the real functions on the real line): entire ones as they are, poles kept off by the
#: denominators' guard, branch cuts by the argument's region
COMPLEX_UNARY: dict[type, Callable[[Any], Any]] = {
    sympy.exp: lambda z: _finite(z.exp()),
    sympy.log: _c_guard(_right, lambda z: z.log()),
    sympy.sin: lambda z: _finite(z.sin()), sympy.cos: lambda z: _finite(z.cos()),
    sympy.tan: lambda z: z.sin() * _c_inv(z.cos()),
    sympy.atan: _c_guard(_strip, lambda z: z.atan()),
    sympy.asin: _c_guard(_middle, lambda z: z.asin()),
    sympy.acos: _c_guard(_middle, lambda z: z.acos()),
    sympy.sinh: lambda z: _finite(z.sinh()), sympy.cosh: lambda z: _finite(z.cosh()),
    sympy.tanh: lambda z: (z.exp() ** 2 - 1) * _c_inv(z.exp() ** 2 + 1),
    sympy.asinh: _c_guard(_strip, lambda z: z.asinh()),
    sympy.atanh: _c_guard(_middle, lambda z: z.atanh()),
    sympy.acosh: _c_guard(lambda z: bool(z.real > 1), lambda z: z.acosh()),
    sympy.erf: lambda z: _finite(z.erf()), sympy.erfc: lambda z: _finite(z.erfc()),
    unbounded.HalfChart: lambda z: z * _c_inv(1 - z), unbounded.LineChart: lambda z: z * _c_inv(1 - z * z),
}


def _c_power(b: Any, n: int) -> Any:
    out = _finite(b ** abs(n)) if n else acb(1)
    return out if n >= 0 else _c_inv(out)


COMPLEX = Kit(COMPLEX_UNARY, _c_power, _c_guard(_right, lambda z: z.sqrt()), acb)


@functools.lru_cache(maxsize=256)
def compiled_complex(expr: sympy.Expr, symbols: tuple[sympy.Symbol, ...]) -> Fn | None:
    """``expr`` compiled to Arb's complex balls (kept per expression), or None where a node has no model."""
    try:
        return _compile(expr, {s: i for i, s in enumerate(symbols)}, COMPLEX)
    except Declined:
        return None


work.forgets(compiled_complex.cache_clear)

#: the radii of the discs tried, as multiples of the box's half-width: the middle one first, then the wider one
#: where it is analytic (a smaller ratio), else the narrower one (clear of a singularity near the box)
CAUCHY_RADII = (2, 4, fmpq(3, 2))
#: how often a tile of the disc is quartered where the function cannot be shown analytic on it (at most 4^3 tiles)
CAUCHY_DEPTH = 3
#: the arcs whose complex balls cover the disc's circle, where ``|f|`` is bounded (the maximum modulus principle)
CAUCHY_ARCS = 24


def _holds(fn: Fn, v: list[Any]) -> Any | None:
    """``fn(v)`` where every node is analytic on the complex balls ``v`` and the value is finite; else None."""
    try:
        m = fn(v)
    except Exception:  # Declined, or anything Arb cannot evaluate there: nothing shown (the meter's stop goes on)
        return None
    return m if m.is_finite() else None


def _disc_modulus(fn: Fn, v: list[Any], k: int, centre: Any, rho: Any) -> Any | None:
    """A bound of ``|fn|`` on the closed disc of radius ``rho`` around ``centre`` in coordinate ``k`` (the others
    ``v``, complex balls), every node of ``fn`` shown analytic on it; None where it cannot be shown. Analytic: the
    disc is covered by tiles ``centre + rho ([a, b] + [c, d] i)``, quartered (to :data:`CAUCHY_DEPTH`) where a tile's
    enclosure fails (one ball of the whole disc overestimates ``sin`` on it so much that it holds 0). Bounded: by the
    maximum modulus principle ``|f|`` is largest on the circle, covered by :data:`CAUCHY_ARCS` small balls
    ``centre + rho e^(i [t_j, t_(j+1)])``, whose enclosures are far tighter than the tiles'."""
    one = Fraction(1)
    tiles = [(-one, one, -one, one, 0)]
    while tiles:
        a, b, c, d, depth = tiles.pop()
        dx = 0 if a <= 0 <= b else min(abs(a), abs(b))
        dy = 0 if c <= 0 <= d else min(abs(c), abs(d))
        if dx * dx + dy * dy > 1:  # the tile misses the disc
            continue
        v[k] = acb(ball(a, b) * rho + centre, ball(c, d) * rho)
        if _holds(fn, v) is not None:
            continue
        if depth >= CAUCHY_DEPTH:
            return None
        mx, my = (a + b) / 2, (c + d) / 2
        tiles += [(a, mx, c, my, depth + 1), (mx, b, c, my, depth + 1), (a, mx, my, d, depth + 1),
                  (mx, b, my, d, depth + 1)]
    big = arb(0)
    turn = 2 * arb.pi() / CAUCHY_ARCS
    for j in range(CAUCHY_ARCS):
        t = (turn * j).union(turn * (j + 1))
        v[k] = centre + rho * acb(t.cos(), t.sin())
        m = _holds(fn, v)
        if m is None:
            return None
        big = big.max(m.abs_upper())
    return big


def cauchy_remainders(fn: Fn, balls: list[Any], k: int, centre: Any, h: Any, degree: int) -> tuple[Any, Any] | None:
    """Bounds ``(R0, R1)`` of the remainder of the degree-``degree`` Taylor polynomial in coordinate ``k`` at
    ``centre`` and of its derivative, on ``|t - centre| <= h`` (the other coordinates ``balls``), by Cauchy's
    estimate: where ``f`` is analytic on the disc ``|z - centre| <= rho`` with ``|f| <= M`` there, its coefficients
    obey ``|a_n| <= M / rho^n``, so the remainder is at most ``M q^(d+1) / (1 - q)`` and its derivative's at most
    ``(M / rho) ((d+1) q^d - d q^(d+1)) / (1 - q)^2``, ``q = h / rho`` (Cauchy's inequalities; Ahlfors, *Complex
    Analysis*, 3rd ed., 4.2.3). ``M`` and the analyticity come from complex balls covering the disc
    (:func:`_disc_modulus`, every node's guard in :data:`COMPLEX_UNARY`). Unlike the Lagrange form, which encloses
    the ``(d+1)``-th coefficient on the whole box and grows with the box's width at every order, this needs the
    function's *value* only. The better of :data:`CAUCHY_RADII`'s discs; None where none is shown analytic."""
    d = degree
    v = [acb(b) for b in balls]
    best: tuple[Any, Any] | None = None
    for factor in CAUCHY_RADII:
        if best is None and factor == CAUCHY_RADII[1] or best is not None and factor == CAUCHY_RADII[2]:
            continue  # the wider disc only after the middle one held, the narrower only where it did not
        rho = h * factor
        big = _disc_modulus(fn, v, k, centre, rho)
        if big is None:
            continue
        q = arb(1) / factor
        r0 = big * q ** (d + 1) / (1 - q)
        r1 = big / rho * ((d + 1) * q ** d - d * q ** (d + 1)) / (1 - q) ** 2
        if r0.is_finite() and r1.is_finite() and (best is None or r0.upper() < best[0]):
            best = (r0.upper(), r1.upper())
    return best


def ball(lo: Fraction, hi: Fraction) -> Any:
    a = arb(fmpq(lo.numerator, lo.denominator))
    return a if lo == hi else a.union(arb(fmpq(hi.numerator, hi.denominator)))


def coefficients(fn: Fn, balls: list[Any], k: int, at: Any, length: int) -> list[Any]:
    """The coefficients of ``fn``'s power series in coordinate ``k`` at the ball ``at`` (the others ``balls``)."""
    v = list(balls)
    v[k] = arb_series([at, 1], prec=length)
    cap, ctx.cap = ctx.cap, length  # Arb truncates a series function's result at ``ctx.cap`` terms
    try:
        out = fn(v)
    finally:
        ctx.cap = cap
    if isinstance(out, arb_series) and out.prec < length:
        raise Declined(f"the series came back with {out.prec} of {length} terms")
    # the terms below the series' precision that ``coeffs`` leaves out are 0; a ball is free of coordinate k
    coeffs = list(out.coeffs() if isinstance(out, arb_series) else [out])
    coeffs += [arb(0)] * (length - len(coeffs))
    if not all(c.is_finite() for c in coeffs):
        raise Declined("a coefficient is not finite on the box")
    return coeffs


def bernstein_lower(coeffs: list[Any], h: Any) -> Any:
    """A lower bound of ``sum_j coeffs[j] t^j`` on ``[-h, h]``: the least Bernstein coefficient on the
    coefficients' midpoints, less ``sum_j rad_j h^j``."""
    n = len(coeffs) - 1
    mids = [c.mid() for c in coeffs]
    slack = sum((c.rad() * h ** j for j, c in enumerate(coeffs)), arb(0))
    # q(s) = p(h (2 s - 1)) on [0, 1], in powers of s
    b = [arb(0)] * (n + 1)
    for k, a in enumerate(mids):
        ak = a * h ** k
        for j in range(k + 1):
            b[j] += ak * (math.comb(k, j) * 2 ** j * (-1) ** (k - j))
    betas = [sum((b[j] * fmpq(math.comb(i, j), math.comb(n, j)) for j in range(i + 1)), arb(0)) for i in range(n + 1)]
    return functools.reduce(lambda a, c: a.min(c), betas) - slack


def float_below(x: Any) -> float:
    """A float no larger than the ball ``x``'s lower end."""
    low = x.lower()
    f = float(low.mid())
    return f if arb(f) <= low else math.nextafter(f, -math.inf)
