"""The value of a claim's exact margin at one exact point, without SymPy's exact powers.

A margin built from exact values (``Rational`` coordinates) is a SymPy expression without symbols. SymPy
evaluates ``Rational ** Rational`` by extracting perfect powers, which can run for hours when the exponent is
a float's exact binary value (``p**q`` with ``q = 5404319552844595/2**53``), and ``(1 - q)**(1/q)`` with
``q = 1/10**6`` has millions of digits. Here the expression is built unevaluated (:func:`unevaluated`) and
its value is bounded by ball arithmetic (python-flint's ``arb``; Johansson 2017, "Arb: efficient
arbitrary-precision midpoint-radius interval arithmetic", IEEE Trans. Computers 66(8)) at a rising working
precision (:data:`PRECISIONS`): a sign is decided only when the ball excludes 0 (:func:`ball_sign`).
:func:`float_value` evaluates the same tree in plain double arithmetic, as a margin written with NumPy does:
it tells a rounding dip (the doubles go negative where the exact value is not) from two margins that
disagree. Both walk one whitelist of nodes (:data:`FUNCTIONS`); anything else is :class:`NotBallable`.
"""
from __future__ import annotations

import math
from collections.abc import Callable
from fractions import Fraction
from typing import Any

import sympy
from flint import arb, ctx, fmpq

#: working precisions (bits) tried in turn until the ball excludes 0; the last is the stated precision
PRECISIONS = (128, 512, 2048)
#: the most bits an exact rational power may have before the evaluated (SymPy) form is not attempted
MAX_EXACT_BITS = 20_000


class NotBallable(ValueError):
    """The expression holds a node outside the whitelist (or is not real where ball arithmetic can say)."""


#: SymPy function -> (arb method name, float function)
FUNCTIONS: dict[Any, tuple[str, Callable[[float], float]]] = {
    sympy.exp: ("exp", math.exp),
    sympy.log: ("log", math.log),
    sympy.Abs: ("__abs__", abs),
    sympy.sin: ("sin", math.sin),
    sympy.cos: ("cos", math.cos),
    sympy.tan: ("tan", math.tan),
    sympy.atan: ("atan", math.atan),
    sympy.asin: ("asin", math.asin),
    sympy.acos: ("acos", math.acos),
    sympy.sinh: ("sinh", math.sinh),
    sympy.cosh: ("cosh", math.cosh),
    sympy.tanh: ("tanh", math.tanh),
    sympy.asinh: ("asinh", math.asinh),
    sympy.atanh: ("atanh", math.atanh),
    sympy.erf: ("erf", math.erf),
    sympy.erfc: ("erfc", math.erfc),
    sympy.gamma: ("gamma", math.gamma),
    sympy.loggamma: ("lgamma", math.lgamma),
}


def unevaluated(fn: Callable[[Any], Any], point: Any) -> Any:
    """``fn(point)`` built with SymPy's automatic evaluation off (no exact power is expanded)."""
    with sympy.evaluate(False):
        return sympy.sympify(fn(point))


def _number(e: Any) -> Fraction | None:
    if e.is_Rational:
        return Fraction(int(e.p), int(e.q))
    if isinstance(e, sympy.Float):
        return Fraction(*float_ratio(e))
    return None


def float_ratio(e: sympy.Float) -> tuple[int, int]:
    """The exact binary value of a SymPy ``Float`` as ``(numerator, denominator)``."""
    r = sympy.Rational(e)
    return int(r.p), int(r.q)


def _ball(e: Any) -> Any:
    """A ball holding the value of ``e`` at the context's precision (recursive over the whitelist)."""
    x = _number(e)
    if x is not None:
        return arb(fmpq(x.numerator, x.denominator))
    if e is sympy.pi:
        return arb.pi()
    if e is sympy.E:
        return arb(1).exp()
    if e is sympy.EulerGamma:
        return arb.const_euler()
    if e.is_Add:
        out = _ball(e.args[0])
        for a in e.args[1:]:
            out = out + _ball(a)
        return out
    if e.is_Mul:
        out = _ball(e.args[0])
        for a in e.args[1:]:
            out = out * _ball(a)
        return out
    if e.is_Pow:
        base, ex = e.args
        b = _ball(base)
        if ex.is_Integer:
            n = int(ex)
            if n < 0 and b.contains(0):
                raise NotBallable(f"division by a value that may be 0 in {e}")
            return b ** n
        if b.is_zero() and _ball(ex) > 0:
            return arb(0)
        return b ** _ball(ex)
    if isinstance(e, (sympy.Max, sympy.Min)):
        parts = [_ball(a) for a in e.args]
        out = parts[0]
        for p in parts[1:]:
            out = out.max(p) if isinstance(e, sympy.Max) else out.min(p)
        return out
    if type(e) in FUNCTIONS and len(e.args) == 1:
        return getattr(_ball(e.args[0]), FUNCTIONS[type(e)][0])()
    raise NotBallable(f"{type(e).__name__} is not among the functions ball arithmetic evaluates here")


def ball_sign(e: Any) -> tuple[int | None, float, int]:
    """``(sign, value, bits)`` of a constant expression by ball arithmetic: the sign (-1, 0 for an exact
    zero, +1) once a ball at one of :data:`PRECISIONS` excludes 0 (None if none does), the ball's midpoint and
    the precision that decided it (the last one tried otherwise)."""
    old = ctx.prec
    mid, bits = math.nan, PRECISIONS[-1]
    try:
        for bits in PRECISIONS:
            ctx.prec = bits
            try:
                v = _ball(e)
            except ZeroDivisionError:
                continue
            if not v.is_finite():
                continue
            mid = float(v.mid())
            if v.is_zero():
                return 0, 0.0, bits
            if v > 0:
                return 1, mid, bits
            if v < 0:
                return -1, mid, bits
        return None, mid, bits
    finally:
        ctx.prec = old


def float_value(e: Any) -> float:
    """``e`` evaluated in double arithmetic node by node, as a NumPy margin would be (NaN where a step is
    undefined or overflows)."""
    try:
        return _float(e)
    except (ValueError, ZeroDivisionError, OverflowError):
        return math.nan


def _float(e: Any) -> float:
    x = _number(e)
    if x is not None:
        return float(x)
    if e.is_NumberSymbol:
        return float(e)
    if e.is_Add:
        return sum((_float(a) for a in e.args[1:]), _float(e.args[0]))
    if e.is_Mul:
        out = _float(e.args[0])
        for a in e.args[1:]:
            out *= _float(a)
        return out
    if e.is_Pow:
        return float(_float(e.args[0]) ** _float(e.args[1]))
    if isinstance(e, (sympy.Max, sympy.Min)):
        pick = max if isinstance(e, sympy.Max) else min
        return pick(_float(a) for a in e.args)
    if type(e) in FUNCTIONS and len(e.args) == 1:
        return float(FUNCTIONS[type(e)][1](_float(e.args[0])))
    raise NotBallable(f"{type(e).__name__} has no double-precision evaluation here")


def exact_bits(e: Any) -> float:
    """A bound on the bits of SymPy's exact form of ``e``: ``inf`` where a rational is raised to a rational power
    of denominator over 64 (root extraction, which can run for hours) or where a rational exponent is itself
    too large to form; otherwise the sizes of its rationals, an integer power ``n`` counting ``|n|`` times."""
    x = _number(e)
    if x is not None:
        return float(abs(x.numerator).bit_length() + x.denominator.bit_length())
    if e.is_Pow:
        base, ex = e.args
        if _bits_if_rational(ex) is None:  # an irrational exponent: SymPy keeps the power as it is
            return exact_bits(base) + exact_bits(ex)
        if exact_bits(ex) > _EXPONENT_BITS:
            return math.inf
        v = _fraction(ex)
        base_bits = exact_bits(base)
        if v is None or (v.denominator > 64 and not (base_bits <= 4 and _fraction(base) in (0, 1))):
            return math.inf
        return base_bits * max(1, abs(v.numerator)) + exact_bits(ex)
    return sum((exact_bits(a) for a in e.args), 0.0)


#: the most bits a rational exponent may have for :func:`exact_bits` to form it
_EXPONENT_BITS = 4096


def _bits_if_rational(e: Any) -> float | None:
    """``exact_bits(e)`` when ``e`` is built from rationals by ``+``, ``*`` and powers alone, else None."""
    if _number(e) is not None:
        return exact_bits(e)
    if (e.is_Add or e.is_Mul or e.is_Pow) and all(_bits_if_rational(a) is not None for a in e.args):
        return exact_bits(e)
    return None


def _fraction(e: Any) -> Fraction | None:
    """The exact value of ``e`` built from rationals by ``+``, ``*`` and integer powers, or None (checked small
    first by the caller)."""
    x = _number(e)
    if x is not None:
        return x
    parts = [_fraction(a) for a in e.args]
    if any(v is None for v in parts):
        return None
    if e.is_Add:
        return sum(parts, Fraction(0))
    if e.is_Mul:
        out = Fraction(1)
        for v in parts:
            out *= v
        return out
    if e.is_Pow and parts[1].denominator == 1 and not (parts[0] == 0 and parts[1] < 0):
        return parts[0] ** int(parts[1])
    return None
