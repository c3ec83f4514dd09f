"""Unbounded domains: a half-line or the whole line mapped onto a bounded interval (a compactification).

A ``Real`` with an infinite end is proved through a coordinate ``u`` on a bounded interval, with the
margin written as a function of ``u`` by a rational, increasing chart (:func:`chart`):

- ``[a, oo)``: ``v = a + u / (1 - u)``, ``u`` in ``[0, 1)``;
- ``(-oo, b]``: ``v = b - (-u) / (1 + u)``, ``u`` in ``(-1, 0]``;
- ``(-oo, oo)``: ``v = u / (1 - u^2)``, ``u`` in ``(-1, 1)``.

The chart is one node of the traced margin (:class:`HalfChart`, :class:`LineChart`; written out where the
margin is a rational function of ``v``): enclosed by its values at the ends, and differentiated so that
its positive derivative stays a factor of the margin's (``d/du (e^v - 1 - v) = v'(u) (e^v - 1)``: the sign
in ``u`` is the sign in ``v``, where ``e^v v' - v'`` would be ``oo - oo`` near ``v = oo``).

Each chart is a bijection of the open interval onto the domain, so ``m(v) >= 0`` for every ``v`` exactly
when ``m(chart(u)) >= 0`` for every ``u`` of the open interval. The prover closes the *closed* box of
``u``: at ``u = +-1`` the chart has a pole, which interval arithmetic encloses as ``+-oo`` (a pole at an
end: :func:`paper_checks.prover.tracing.trace._power`), and every whitelisted function is enclosed there by its
limit (``atan(+oo) = pi/2``, ``exp(-oo) = 0``, ``tanh(+oo) = 1``: :mod:`paper_checks.prover.enclosures.functions`);
a box moved to the face ``u = 1`` by a monotone step is decided by the margin's one-sided limit there
(:func:`paper_checks.prover.enclosures.bound._limit_at`). So the behaviour at infinity is proved from the limit, the
rest by the same boxes as any bounded interval. The end ``u = +-1`` is open: no counterexample lies there.

Being rational, the charts keep a polynomial margin a rational function of ``u`` (real roots and z3 still
decide it), and a margin's identities (``l(v) + l(-v) = K``) are decided before any box.
"""
from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import replace
from typing import Any

import mpmath
import sympy
from sympy.polys.polyerrors import BasePolynomialError

from paper_checks.search.params import Parameter, Point, Real, SearchSpace

IV = mpmath.iv


class HalfChart(sympy.Function):
    """``u / (1 - u)``: ``[0, 1)`` onto ``[0, oo)``, increasing; kept as one node so that the chain rule leaves
    its derivative ``1 / (1 - u)^2 > 0`` a factor of the margin's (:func:`paper_checks.prover.tracing.trace.derivative`
    collects it), and the margin's sign in ``u`` is its sign in ``v`` (``exp(v) - 1 - v`` near ``v = oo``)."""

    _imp_ = staticmethod(lambda u: u / (1 - u))  # for lambdify (Newton's method on the margin)

    @classmethod
    def eval(cls, u: sympy.Expr) -> sympy.Expr | None:
        return _at_number(explicit_half, u)

    def fdiff(self, argindex: int = 1) -> sympy.Expr:
        return 1 / (1 - self.args[0]) ** 2


class LineChart(sympy.Function):
    """``u / (1 - u^2)``: ``(-1, 1)`` onto the real line, increasing (as :class:`HalfChart`)."""

    _imp_ = staticmethod(lambda u: u / (1 - u**2))

    @classmethod
    def eval(cls, u: sympy.Expr) -> sympy.Expr | None:
        return _at_number(explicit_line, u)

    def fdiff(self, argindex: int = 1) -> sympy.Expr:
        u = self.args[0]
        return (1 + u**2) / (1 - u**2) ** 2


def explicit_half(u: Any) -> Any:
    return u / (1 - u)


def explicit_line(u: Any) -> Any:
    return u / (1 - u**2)


def _at_number(chart: Callable[[Any], Any], u: sympy.Expr) -> sympy.Expr | None:
    """A chart at a number: a rational exactly, an algebraic or transcendental number (a critical point solved in
    the chart's value, :func:`inverse`) with its radicals simplified, so that ``HalfChart(e/(1 + e))`` is ``e``."""
    if u.is_Number:
        return chart(u)
    if not u.is_number:
        return None
    try:
        return sympy.radsimp(sympy.cancel(chart(u)))
    except (BasePolynomialError, TypeError, ValueError, NotImplementedError, RecursionError):
        return None


def coordinate(node: sympy.Expr) -> sympy.Expr | None:
    """The coordinate ``u`` of a chart node of ``u`` or ``-u``; None where its argument is neither."""
    arg = node.args[0]
    return arg if arg.is_Symbol else -arg if (-arg).is_Symbol else None


def inverse(node: sympy.Expr, w: sympy.Expr) -> sympy.Expr | None:
    """The coordinate ``u`` at which the chart ``node`` (of ``u`` or ``-u``) takes the value ``w`` (exact; an
    expression of other coordinates where ``w`` is one), or None where ``node`` is no chart of a symbol:
    ``w/(1 + w)`` for ``u/(1 - u)``, ``-w/(1 + w)`` for ``-u/(1 + u)``, and the root of ``w u^2 + u - w`` in
    ``(-1, 1)``, ``(sqrt(1 + 4 w^2) - 1)/(2 w)`` (0 at ``w = 0``), for ``u/(1 - u^2)``."""
    arg = node.args[0]
    if isinstance(node, HalfChart) and coordinate(node) is not None:
        return (w if arg.is_Symbol else -w) / (1 + w)
    if isinstance(node, LineChart) and arg.is_Symbol:
        return sympy.Integer(0) if w == 0 else (sympy.sqrt(1 + 4 * w**2) - 1) / (2 * w)
    return None


def in_value(expr: sympy.Expr, node: sympy.Expr, w: sympy.Symbol) -> sympy.Expr | None:
    """``expr`` written in the value ``w`` of its chart ``node``: the node replaced by ``w``, and the coordinate read
    outside it too (the normal form writes ``W/(1 + W)`` as ``u``) by :func:`inverse`, exactly; None where ``node`` is
    no chart of a symbol."""
    u, back = coordinate(node), inverse(node, w)
    if u is None or back is None:
        return None
    return expr.xreplace({node: w}).xreplace({u: back})


def value_at(node: sympy.Expr, u: Any) -> Any:
    """The chart ``node``'s value at the rational ``u`` (a ``Fraction``): a ``Fraction``, or ``+-inf`` (a float) at its
    pole (``-inf`` where the line's chart reads ``-1``: ``u = -1`` of ``LineChart(u)``, ``u = 1`` of
    ``LineChart(-u)``)."""
    a = node.args[0].xreplace({coordinate(node): sympy.Rational(u.numerator, u.denominator)})
    v = node.func(a)
    if v.is_Rational:
        return type(u)(int(v.p), int(v.q))
    return -math.inf if isinstance(node, LineChart) and a < 0 else math.inf


def explicit(e: sympy.Expr) -> sympy.Expr:
    """``e`` with the chart nodes written out (for SymPy's limits and simplifications)."""
    return e.replace(HalfChart, explicit_half).replace(LineChart, explicit_line) if e.has(HalfChart, LineChart) else e


def _half_iv(x: Any) -> Any:
    if x.b > 1:
        return IV.mpf([-mpmath.inf, mpmath.inf])
    lo = IV.mpf(x.a) / (1 - IV.mpf(x.a)) if x.a < 1 else IV.mpf(mpmath.inf)
    hi = IV.mpf(mpmath.inf) if x.b == 1 else IV.mpf(x.b) / (1 - IV.mpf(x.b))
    return IV.mpf([lo.a, hi.b])


def _line_iv(x: Any) -> Any:
    if x.a < -1 or x.b > 1:
        return IV.mpf([-mpmath.inf, mpmath.inf])

    def at(t: Any) -> Any:
        if t == 1:
            return IV.mpf(mpmath.inf)
        if t == -1:
            return IV.mpf(-mpmath.inf)
        t = IV.mpf(t)
        return t / (1 - t * t)
    return IV.mpf([at(x.a).a, at(x.b).b])


#: interval enclosures of the chart nodes (increasing: their values at the ends; a pole at an end is +-oo)
ENCLOSURES: dict[type, Callable[[Any], Any]] = {HalfChart: _half_iv, LineChart: _line_iv}


def infinite(v: Any) -> bool:
    """Whether an interval end is infinite (``sympy.oo``, ``-sympy.oo``, ``math.inf``, ``-math.inf``)."""
    try:
        return math.isinf(float(v))
    except (TypeError, ValueError, OverflowError):
        return False


def chart(low: Any, high: Any) -> tuple[int, int, Callable[[Any], Any]]:
    """``(u_low, u_high, phi)``: the interval of ``u`` and the chart ``v = phi(u)`` of ``[low, high]`` with an
    infinite end (the other finite and exact, or infinite). ``phi`` takes a SymPy symbol (the chart is then a
    :class:`HalfChart`/:class:`LineChart` node; a rational gives a rational), or a float."""
    lo_inf, hi_inf = infinite(low), infinite(high)
    if lo_inf and hi_inf:
        return -1, 1, lambda u: LineChart(u) if isinstance(u, sympy.Basic) else explicit_line(u)
    if hi_inf:
        a = sympy.Rational(low)  # a float end is its own binary value
        return 0, 1, lambda u: a + (HalfChart(u) if isinstance(u, sympy.Basic) else explicit_half(u))
    if lo_inf:
        b = sympy.Rational(high)
        return -1, 0, lambda u: b - (HalfChart(-u) if isinstance(u, sympy.Basic) else explicit_half(-u))
    raise ValueError(f"chart: [{low}, {high}] has no infinite end")


#: the nodes a piecewise rational margin may hold beside + * and integer powers
BRANCHES = (sympy.Max, sympy.Min, sympy.Abs, sympy.sign, sympy.Heaviside, sympy.Piecewise)


def _piecewise_rational(e: sympy.Expr) -> bool:
    if any(not isinstance(f, BRANCHES) for f in e.atoms(sympy.Function)):
        return False
    return all(p.exp.is_Integer for p in e.atoms(sympy.Pow))


def compactify(space: SearchSpace) -> tuple[SearchSpace, Callable[[Point], Point]]:
    """``space`` with each ``Real`` that has an infinite end replaced by its chart's coordinate (named
    ``<name>_unit``, open at the pole), and the map of a point of the new space back to the old one.
    A space without an infinite end comes back as it is."""
    charts: dict[str, tuple[str, Callable[[Any], Any]]] = {}
    params: list[Parameter] = []
    for p in space.params:
        if isinstance(p, Real) and not p.pinned and (infinite(p.low) or infinite(p.high)):
            u_lo, u_hi, phi = chart(p.low, p.high)
            name = f"{p.name}_unit"
            params.append(Real(name, float(u_lo), float(u_hi), open_low=infinite(p.low) or p.open_low,
                               open_high=infinite(p.high) or p.open_high))
            charts[p.name] = (name, phi)
        else:
            params.append(p)
    if not charts:
        return space, lambda pt: pt

    def back(pt: Point) -> Point:
        out = dict(pt)
        for name, (u, phi) in charts.items():
            if u in out:
                out[name] = phi(out.pop(u))
        return out

    def exact(pt: Point) -> Any:
        e = space.exact_margin(back(pt)) if space.exact_margin is not None else None
        if isinstance(e, sympy.Expr) and e.has(HalfChart, LineChart):
            ex = explicit(e)
            if _piecewise_rational(ex):  # a rational margin stays one (with its branches): exact deciders take it
                return ex
        return e

    def margin(pt: Point) -> float:
        return space.margin(back(pt))

    def constraint(pt: Point) -> bool:
        return space.constraint(back(pt)) if space.constraint is not None else True

    return replace(space, params=tuple(params), margin=margin,
                   exact_margin=exact if space.exact_margin is not None else None,
                   constraint=constraint if space.constraint is not None else None), back


def back_result(res: Any, back: Callable[[Point], Point]) -> Any:
    """A prover's result on the compactified space, told in the original one: its counterexample mapped back
    (exactly: the chart of a rational is rational), and a note of the charts used."""
    if res.counterexample is not None:
        res.counterexample = back(res.counterexample)
    if getattr(res, "undefined", None) is not None:  # where the margin is not real: told in v too
        res.undefined.point = back(res.undefined.point)
    res.notes = [*res.notes, "an unbounded interval was proved through a chart onto a bounded one "
                 "(paper_checks.prover.tracing.unbounded): v = a + u/(1-u), b + u/(1+u) or u/(1-u^2); "
                 "the certificate's boxes are in u"]
    return res
