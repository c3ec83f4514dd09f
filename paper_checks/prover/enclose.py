"""Exact numbers enclosed in intervals: the interval type and its working precision, the whole line, the hull of two
exact ends, and a margin's constants (:mod:`paper_checks.prover.trace` compiles a margin onto these).

``mpmath.iv`` is outward rounded interval arithmetic (Moore, Kearfott & Cloud 2009, "Introduction to Interval
Analysis", ch. 5). A box's ends, halves of halves of the domain's exact ends, are converted at every evaluation, so an
end that is a binary fraction becomes its ``mpf`` exactly, without SymPy; a constant of the margin is enclosed once
per working precision.
"""
from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from fractions import Fraction
from functools import lru_cache
from typing import Any

import mpmath
import sympy

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
    """The interval ``[a, b]`` of two exact endpoints (SymPy or Python rationals, mpf)."""
    lo, hi = _dyadic(a), _dyadic(b)
    if lo is not None and hi is not None:
        return IV.mpf([lo, hi])
    lo, hi = _exact(a), _exact(b)
    return IV.mpf([lo.a, hi.b])


def _dyadic(x: Any) -> Any:
    """``x`` as an mpf exactly where it is an ``int`` or ``Fraction`` with a power of 2 below and few enough bits
    above (the ends of boxes split in halves), else None."""
    if not isinstance(x, (int, Fraction)):
        return None
    n, d = x.numerator, x.denominator
    if d & (d - 1) or n.bit_length() > IV.prec:
        return None
    return mpmath.ldexp(mpmath.mpf(n), 1 - d.bit_length())


def _exact(x: Any) -> Interval:
    """An exact number as an interval enclosing it: a Python ``int`` or ``Fraction`` without SymPy (the boxes'
    ends, converted at every evaluation), anything else through :func:`const`."""
    if isinstance(x, int):
        return IV.mpf(x)
    if isinstance(x, Fraction):
        return IV.mpf(x.numerator) if x.denominator == 1 else IV.mpf(x.numerator) / IV.mpf(x.denominator)
    return const(sympy.sympify(x))


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
    raise Untraceable(f"the constant {e} is not in the whitelist")


@lru_cache(maxsize=4096)
def _cached(e: sympy.Expr, bits: int) -> Interval:
    return const(e)


def const_at_precision(e: sympy.Expr) -> Interval:
    """:func:`const` once per constant and working precision (a power's exponent, enclosed at every evaluation)."""
    return _cached(e, IV.prec)


