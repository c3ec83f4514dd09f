"""A second, independent evaluator of a traced margin: ball arithmetic (python-flint's ``arb``).

The prover bounds margins with ``mpmath.iv`` (:mod:`paper_checks.prover.tracing.trace`); the re-check of a
certificate (:func:`paper_checks.prover.certificate.recheck`) bounds the same SymPy expression again
with Arb (Johansson 2017, "Arb: efficient arbitrary-precision midpoint-radius interval arithmetic",
IEEE Trans. Computers 66(8)), a different library with its own rounding, through its own compiler
of the same whitelist. A ball that Arb cannot bound (``log`` of a ball touching 0, a division by a
ball holding 0) comes back as None: not re-bounded, never a pass.
"""
from __future__ import annotations

from collections.abc import Callable, Sequence
from fractions import Fraction
from typing import Any

import sympy
from flint import arb, ctx, fmpq

from paper_checks.prover.tracing import unbounded
from paper_checks.prover.tracing.trace import Untraceable

Ball = Callable[[Sequence[Any]], Any]


def constant(e: sympy.Expr) -> Any:
    """A constant of the whitelist as an Arb ball (``Untraceable`` for one outside it)."""
    if e.is_Rational:
        return arb(fmpq(int(e.p), int(e.q)))
    if isinstance(e, sympy.Float):
        return constant(sympy.Rational(e))
    if e is sympy.pi:
        return arb.pi()
    if e is sympy.E:
        return arb(1).exp()
    if e.is_number and e.is_real is not False:  # a constant of the whitelist's operations (sqrt(2), 1/log(4))
        if isinstance(e, sympy.Add):
            return sum((constant(a) for a in e.args), arb(0))
        if isinstance(e, sympy.Mul):
            out = arb(1)
            for a in e.args:
                out = out * constant(a)
            return out
        if isinstance(e, sympy.Pow):
            base = constant(e.base)
            if e.exp.is_Integer:
                return _int_pow(base, int(e.exp)) if e.exp >= 0 else 1 / _int_pow(base, -int(e.exp))
            if base > 0:
                return (constant(e.exp) * base.log()).exp()
        if isinstance(e, sympy.log) and len(e.args) == 1 and constant(e.args[0]) > 0:
            return constant(e.args[0]).log()
        if isinstance(e, sympy.exp):
            return constant(e.args[0]).exp()
    raise Untraceable(f"the constant {e} is not in the whitelist")


def _int_pow(x: Any, n: int) -> Any:
    out = arb(1)
    for _ in range(abs(n)):
        out = out * x
    return out if n >= 0 else 1 / out


def _tan(x: Any) -> Any:
    """``tan`` of a ball, or a non-finite ball where it holds a pole (Arb's own ``tan`` may smear across one)."""
    c = x.cos()
    return arb("nan") if c.contains(0) else x.sin() / c


def _domain(fn: Callable[[Any], Any], low: int | None, high: int | None) -> Callable[[Any], Any]:
    """``fn`` where the ball lies in ``[low, high]``; a non-finite ball (not bounded) where part of it does not."""
    def f(x: Any) -> Any:
        if (low is not None and not x >= low) or (high is not None and not x <= high):
            return arb("nan")
        return fn(x)
    return f


#: Arb's own special functions, for the nodes :mod:`paper_checks.prover.enclosures.functions` encloses with
# ``mpmath.iv``
SPECIAL: dict[type, Callable[[Any], Any]] = {
    sympy.sin: arb.sin, sympy.cos: arb.cos, sympy.tan: _tan, sympy.atan: arb.atan,
    sympy.asin: _domain(arb.asin, -1, 1), sympy.acos: _domain(arb.acos, -1, 1),
    sympy.sinh: arb.sinh, sympy.cosh: arb.cosh, sympy.tanh: arb.tanh, sympy.asinh: arb.asinh,
    sympy.acosh: _domain(arb.acosh, 1, None), sympy.atanh: _domain(arb.atanh, -1, 1),
    sympy.erf: arb.erf, sympy.erfc: arb.erfc, sympy.sign: arb.sgn,
    unbounded.HalfChart: lambda x: x / (1 - x), unbounded.LineChart: lambda x: x / (1 - x * x),
}


def _compile(e: sympy.Expr, index: dict[sympy.Symbol, int]) -> Ball:
    if e.is_Symbol:
        i = index[e]
        return lambda v: v[i]
    if e.is_Number or e.is_NumberSymbol:
        c = constant(e)
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
            return lambda v: _int_pow(b(v), n)
        return lambda v: (ex(v) * b(v).log()).exp()
    unary = {sympy.exp: arb.exp, sympy.log: arb.log, sympy.Abs: abs, **SPECIAL}
    if type(e) in unary:
        fn, (a,) = unary[type(e)], args
        return lambda v: fn(a(v))  # type: ignore[operator]
    if isinstance(e, (sympy.Max, sympy.Min)):
        pick = arb.max if isinstance(e, sympy.Max) else arb.min

        def red(v: Sequence[Any]) -> Any:
            out = args[0](v)
            for f in args[1:]:
                out = pick(out, f(v))
            return out
        return red
    raise Untraceable(f"the node {type(e).__name__} is not in the whitelist")


def ball_lower(expr: sympy.Expr, symbols: Sequence[sympy.Symbol], box: Sequence[tuple[Fraction, Fraction]],
               prec: int = 128) -> float | None:
    """A lower bound of ``expr`` on ``box`` by Arb's natural extension, or None where Arb cannot bound it."""
    old = ctx.prec
    ctx.prec = prec
    try:
        f = _compile(sympy.sympify(expr), {s: i for i, s in enumerate(symbols)})
        balls = [arb(fmpq(lo.numerator, lo.denominator)).union(arb(fmpq(hi.numerator, hi.denominator)))
                 for lo, hi in box]
        val = f(balls)
        if not val.is_finite():
            return None
        return float(val.lower().mid()) if val.lower().is_finite() else None
    except (Untraceable, ZeroDivisionError, ValueError):
        return None
    finally:
        ctx.prec = old


def ball_at(expr: sympy.Expr, symbols: Sequence[sympy.Symbol], point: Sequence[Fraction], prec: int = 128) -> Any:
    """``expr`` at the exact ``point`` as an Arb ball (None where Arb cannot evaluate it)."""
    old = ctx.prec
    ctx.prec = prec
    try:
        f = _compile(sympy.sympify(expr), {s: i for i, s in enumerate(symbols)})
        val = f([arb(fmpq(v.numerator, v.denominator)) for v in point])
        return val if val.is_finite() else None
    except (Untraceable, ZeroDivisionError, ValueError):
        return None
    finally:
        ctx.prec = old
