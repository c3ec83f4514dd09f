"""The value of a claim's exact margin at one exact point, without SymPy's exact powers.

A margin built from exact values (``Rational`` coordinates) is a SymPy expression without symbols. SymPy
evaluates ``Rational ** Rational`` by extracting perfect powers, which can run for hours when the exponent is a
float's exact binary value (``p**q`` with ``q = 5404319552844595/2**53``), and ``(1 - q)**(1/q)`` with ``q =
1/10**6`` has millions of digits. Here the expression is built with SymPy's evaluation except for such powers,
kept as powers (:func:`sized`), and its value is bounded by ball arithmetic (python-flint's ``arb``; Johansson
2017, "Arb: efficient arbitrary-precision midpoint-radius interval arithmetic", IEEE Trans. Computers 66(8)) at
a rising working precision (:data:`PRECISIONS`): a sign is decided only when the ball excludes 0
(:func:`ball_sign`). :func:`float_value` evaluates the same tree in plain double arithmetic, as a margin written
with NumPy does: it tells a rounding dip (the doubles go negative where the exact value is not) from two margins
that disagree. Both walk one whitelist of nodes (:data:`FUNCTIONS`); anything else is :class:`NotBallable`.
"""
from __future__ import annotations

import math
from collections.abc import Callable
from fractions import Fraction
from typing import Any

import sympy
from flint import arb, ctx, fmpq
from sympy.core.relational import Relational

#: working precisions (bits) tried in turn until the ball excludes 0; the last is the stated precision
PRECISIONS = (128, 512, 2048)
#: the most bits an exact rational power may have before SymPy's exact form of it is not attempted (:func:`sized`)
MAX_EXACT_BITS = 20_000
#: the most bits a rational exponent may have for SymPy to form the power exactly
_EXPONENT_BITS = 4096


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


class HeldPower(sympy.Function):
    """``b**e`` for a positive rational ``b`` and a rational ``e`` whose exact form SymPy should not attempt
    (:func:`power_too_large`): a positive real number that SymPy compares and evaluates numerically (mpmath),
    printed as the power; ball arithmetic and :func:`float_value` evaluate it as the power it is. (A plain
    unevaluated ``Pow`` would not do: SymPy's realness test of one expands it by its exponent's numerator.)"""

    nargs = 2

    @classmethod
    def eval(cls, b: Any, e: Any) -> None:
        return None

    @property
    def is_Pow(self) -> bool:  # type: ignore[override]
        """A root (SymPy's ``Mul`` takes a rational's root apart as (base, exponent) and builds it again); not an
        integer power, which ``Mul`` would multiply into its numeric coefficient, and hold again, without end, nor a
        negative one, which ``Add`` would build again as ``base**exponent`` and hold again, without end (the
        tempered exponential ``(1 + (1 - t) x)^(1/(1 - t))`` at ``t = 1 + 3/10^7``)."""
        return not self.args[1].is_Integer and not self.args[1].is_negative

    @property
    def base(self) -> Any:
        return self.args[0]

    @property
    def exp(self) -> Any:
        return self.args[1]

    def as_base_exp(self) -> tuple[Any, Any]:
        return self.args[0], self.args[1]

    def _eval_is_extended_real(self) -> bool:
        return True

    def _eval_is_positive(self) -> bool:
        return True

    def _eval_is_finite(self) -> bool:
        return True

    def _eval_evalf(self, prec: int) -> Any:
        b, e = self.args  # evaluate=False on this one power: sympy.evaluate(False) would clear SymPy's whole cache
        return sympy.Pow(b, e, evaluate=False)._eval_evalf(prec)  # at every call (thm1_uniform's search: 2 s)

    def _sympystr(self, printer: Any) -> str:
        b, e = self.args
        return f"(({printer._print(b)})**({printer._print(e)}))"


def sized(fn: Callable[[Any], Any], point: Any) -> Any:
    """``fn(point)`` built with SymPy's evaluation, except that a positive rational raised to a rational power
    whose exact form would be too large (:func:`power_too_large`) is held as a :class:`HeldPower`: sums and
    products of the point's rationals are still exact, comparisons the margin's code branches on are SymPy's
    own, and the powers held are left to ball arithmetic."""
    originals = {cls: cls.__dict__["_eval_power"] for cls in (sympy.Integer, sympy.Rational)}

    def guard(original: Callable[[Any, Any], Any]) -> Callable[[Any, Any], Any]:
        def _eval_power(self: Any, expt: Any) -> Any:
            if power_too_large(self, expt):
                return HeldPower(self, expt) if self > 0 else None
            return original(self, expt)
        return _eval_power

    for cls, original in originals.items():
        cls._eval_power = guard(original)  # type: ignore[method-assign]
    try:
        return sympy.sympify(fn(point))
    finally:
        for cls, original in originals.items():
            cls._eval_power = original  # type: ignore[method-assign]


def unevaluated(fn: Callable[[Any], Any], point: Any) -> Any:
    """``fn(point)`` built with SymPy's evaluation off: the margin's own operations, in its own order (what
    :func:`float_value` evaluates to show a rounding dip as NumPy's run of the margin has it). A comparison the
    margin's code branches on is decided by :func:`decide` (SymPy refuses an unevaluated relation as a
    ``bool``)."""
    original = Relational.__bool__

    def decided(rel: Any) -> bool:
        verdict = decide(rel)
        return original(rel) if verdict is None else verdict

    Relational.__bool__ = decided  # type: ignore[method-assign]
    try:
        with sympy.evaluate(False):
            return sympy.sympify(fn(point))
    finally:
        Relational.__bool__ = original  # type: ignore[method-assign]


#: relation -> what it says of the sign of ``lhs - rhs``
_HOLDS: dict[type, Callable[[int], bool]] = {
    sympy.StrictLessThan: lambda s: s < 0, sympy.LessThan: lambda s: s <= 0,
    sympy.StrictGreaterThan: lambda s: s > 0, sympy.GreaterThan: lambda s: s >= 0,
}


def decide(rel: Any) -> bool | None:
    """A numeric ``<``, ``<=``, ``>``, ``>=`` decided by the sign of ``lhs - rhs`` by ball arithmetic; None where
    no ball excludes 0 (or for another relation, or one with symbols)."""
    holds = _HOLDS.get(type(rel))
    if holds is None or rel.free_symbols:
        return None
    with sympy.evaluate(False):
        d = sympy.Add(rel.lhs, sympy.Mul(-1, rel.rhs))
    try:
        sign, _, _ = ball_sign(d)
    except (NotBallable, RecursionError):
        return None
    return None if sign is None else holds(sign)


def power_too_large(base: Any, expt: Any) -> bool:
    """Whether SymPy's exact ``base ** expt`` (a rational to a rational power) could be too large to form: an
    integer power of over :data:`MAX_EXACT_BITS` bits, or a root of denominator over 64 (a float's binary
    exponent makes SymPy extract roots for hours), or an exponent of over :data:`_EXPONENT_BITS` bits."""
    if not (isinstance(base, sympy.Rational) and isinstance(expt, sympy.Rational)) or base in (0, 1, -1):
        return False
    base_bits = abs(int(base.p)).bit_length() + int(base.q).bit_length()
    if abs(int(expt.p)).bit_length() + int(expt.q).bit_length() > _EXPONENT_BITS:
        return True
    return expt.q > 64 or base_bits * abs(int(expt.p)) > MAX_EXACT_BITS


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
    # a value held whole (label_noise_lab.theory.embedding.Surd): its argument's
    if isinstance(e, sympy.UnevaluatedExpr):
        return _ball(e.args[0])
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
    if e.is_Pow or isinstance(e, HeldPower):
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


def ball_bounds(e: Any) -> tuple[float, float] | None:
    """The ends ``(lo, hi)`` of ``e``'s ball at the last of :data:`PRECISIONS`, each rounded outward to a double
    (``None`` where it is not finite or not ballable): what a sign :func:`ball_sign` left open is known to lie in.
    ``(7/10)^(10^6 q) - ...`` near a tie at ``q = 1 - 10^-6`` is about ``1e-367977``: its sign needs a million
    bits, but that it lies above ``-1e-40`` needs 256."""
    old = ctx.prec
    try:
        ctx.prec = PRECISIONS[-1]
        v = _ball(e)
        if not v.is_finite():
            return None
        lo, hi = v.lower(), v.upper()
        return math.nextafter(float(lo), -math.inf), math.nextafter(float(hi), math.inf)
    except (NotBallable, ZeroDivisionError):
        return None
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
    if isinstance(e, sympy.UnevaluatedExpr):
        return _float(e.args[0])
    if e.is_Add:
        return sum((_float(a) for a in e.args[1:]), _float(e.args[0]))
    if e.is_Mul:
        out = _float(e.args[0])
        for a in e.args[1:]:
            out *= _float(a)
        return out
    if e.is_Pow or isinstance(e, HeldPower):
        return float(_float(e.args[0]) ** _float(e.args[1]))
    if isinstance(e, (sympy.Max, sympy.Min)):
        pick = max if isinstance(e, sympy.Max) else min
        return pick(_float(a) for a in e.args)
    if type(e) in FUNCTIONS and len(e.args) == 1:
        return float(FUNCTIONS[type(e)][1](_float(e.args[0])))
    raise NotBallable(f"{type(e).__name__} has no double-precision evaluation here")
