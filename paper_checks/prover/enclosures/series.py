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
from fractions import Fraction
from typing import Any

import sympy
from flint import arb, arb_series, ctx, fmpq

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


def _compile(e: sympy.Expr, index: dict[sympy.Symbol, int]) -> Fn:
    if e.is_Symbol:
        i = index[e]
        return lambda v: v[i]
    if e.is_Number or e.is_NumberSymbol:
        try:
            c = constant(e)
        except Untraceable as exc:
            raise Declined(str(exc)) from None
        return lambda v: c
    args = [_compile(a, index) for a in e.args]
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
            return lambda v: _power(b(v), n)
        if e.exp == sympy.Rational(1, 2):
            return lambda v: _guard(_positive, lambda u: u.sqrt())(b(v))
        log = UNARY[sympy.log]
        return lambda v: (ex(v) * log(b(v))).exp()
    if type(e) in UNARY and len(args) == 1:
        fn, (a,) = UNARY[type(e)], args
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
