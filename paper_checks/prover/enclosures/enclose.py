"""Exact numbers enclosed in intervals: the interval type and its working precision, the whole line, the hull of two
exact ends, and a margin's constants (:mod:`paper_checks.prover.tracing.trace` compiles a margin onto these).

``mpmath.iv`` is outward rounded interval arithmetic (Moore, Kearfott & Cloud 2009, "Introduction to Interval
Analysis", ch. 5). A box's ends, exact rationals, are converted at every evaluation, rounded outward without SymPy
(exactly where an end is a binary fraction); a constant of the margin is enclosed once per working precision.
"""
from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from fractions import Fraction
from functools import lru_cache
from typing import Any

import mpmath
import sympy
from mpmath.libmp import from_rational, round_ceiling, round_floor

IV = mpmath.iv
Interval = Any  # an mpmath.iv interval (``ivmpf``)
Fn = Callable[[Sequence[Interval]], Interval]


@contextmanager
def precision(bits: int) -> Iterator[None]:
    """Interval arithmetic at ``bits`` of working precision inside the block (restored after)."""
    old = IV.prec
    IV.prec = bits
    try:
        yield
    finally:
        IV.prec = old


class Untraceable(ValueError):
    """The exact margin cannot be traced on symbols or compiled (a node outside the whitelist)."""


def whole() -> Interval:
    """The whole real line: what an expression is known to be where its argument leaves its domain."""
    return IV.mpf([-mpmath.inf, mpmath.inf])


def hull(a: Any, b: Any) -> Interval:
    """The interval ``[a, b]`` of two exact endpoints (SymPy or Python rationals, mpf): a Python ``int`` or
    ``Fraction`` end (a box's, converted at every evaluation) rounded outward at the working precision by
    ``libmp.from_rational`` (exact where it is a binary fraction), without SymPy and in one interval."""
    if isinstance(a, (int, Fraction)) and isinstance(b, (int, Fraction)):
        return IV.make_mpf((from_rational(a.numerator, a.denominator, IV.prec, round_floor),
                            from_rational(b.numerator, b.denominator, IV.prec, round_ceiling)))
    lo, hi = const(sympy.sympify(a)), const(sympy.sympify(b))
    return IV.mpf([lo.a, hi.b])


def const(e: sympy.Expr) -> Interval:
    """A constant as an interval enclosing it."""
    if e.is_Integer:
        return IV.mpf(int(e))
    if e.is_Rational:
        return IV.mpf(int(e.p)) / IV.mpf(int(e.q))
    if isinstance(e, sympy.Float):  # a float in a margin stands for its own binary value, exactly
        return const(sympy.Rational(e))
    if e is sympy.pi:
        return IV.pi
    if e is sympy.E:
        return IV.e
    return _compound(e)


def _compound(e: sympy.Expr) -> Interval:
    """A constant written with the whitelist's own operations (``sqrt(2)``, ``1/log(4)``, ``2**(1/3) + pi``): enclosed
    node by node (an irrational exponent of a power of a symbol, ``x**sqrt(2)``, is such a constant)."""
    if not e.is_number or e.is_real is False:
        raise Untraceable(f"the constant {e} is not in the whitelist")
    if isinstance(e, sympy.Add):
        return sum((const(a) for a in e.args), IV.mpf(0))
    if isinstance(e, sympy.Mul):
        out = IV.mpf(1)
        for a in e.args:
            out = out * const(a)
        return out
    if isinstance(e, sympy.Pow):
        base = const(e.base)
        if e.exp.is_Integer:
            return base ** int(e.exp)
        if not base.a > 0:  # a non-integer power of a number not known positive: not traced
            raise Untraceable(f"the constant {e} is not in the whitelist")
        return IV.exp(const(e.exp) * IV.log(base))
    if isinstance(e, sympy.log) and len(e.args) == 1:
        arg = const(e.args[0])
        if not arg.a > 0:
            raise Untraceable(f"the constant {e} is not in the whitelist")
        return IV.log(arg)
    if isinstance(e, sympy.exp):
        return IV.exp(const(e.args[0]))
    raise Untraceable(f"the constant {e} is not in the whitelist")


@lru_cache(maxsize=4096)
def _cached(e: sympy.Expr, bits: int) -> Interval:
    return const(e)


def forget() -> None:
    """Empty the constants' enclosures kept (a new top-level proof starts from nothing kept)."""
    _cached.cache_clear()


def const_at_precision(e: sympy.Expr) -> Interval:
    """:func:`const` once per constant and working precision (a power's exponent, enclosed at every evaluation)."""
    return _cached(e, IV.prec)


