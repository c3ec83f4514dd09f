"""Taylor models of a margin on a box, from Arb's power series: a box bound of high order.

The first-order bounds (:mod:`paper_checks.prover.enclosures.bound`) lose a term of the box's width squared; near a
point where the margin is small they split the box until that term is smaller than the margin, which on a margin
of one coordinate that is ``1e-9`` above 0 means millions of boxes. A Taylor model (Makino & Berz 2003, "Taylor
models and other validated functional inclusion methods", Int. J. Pure Appl. Math. 4(4)) loses a term of the width
to the power ``n + 1`` instead:

- along the coordinate ``x_k`` in which the box is widest (the others enter as balls), with ``c`` the box's centre
  in ``x_k`` and ``h`` its half-width, Taylor's theorem with Lagrange's remainder gives, for ``|t| <= h``,
  ``m(c + t) = sum_{j <= n} a_j t^j + a_{n+1}(xi) t^(n+1)`` for some ``xi`` in the box;
- the ``a_j`` are the coefficients of the margin's power series at ``c`` and ``a_{n+1}(xi)`` is enclosed by the
  coefficient ``n + 1`` of its power series on the whole interval ``[c - h, c + h]``: python-flint's ``arb_series``
  (Arb, Johansson 2017, IEEE Trans. Computers 66(8)) composes the series of the whitelist's functions in ball
  arithmetic, so each coefficient of the series on a ball encloses ``m^(j)(xi)/j!`` for every ``xi`` in it
  (a function is composed only where it is analytic on the whole ball: a logarithm's, a root's, a quotient's
  argument kept off 0, ``asin``'s inside ``(-1, 1)``; a step that Arb cannot bound is no bound);
- the polynomial's least value on ``[-h, h]`` is bounded below by its least Bernstein coefficient (Cargo & Shisha
  1966, "The Bernstein form of a polynomial", J. Res. NBS 70B), computed on the coefficients' midpoints; their radii
  and the remainder's enclosure are subtracted as they are.

The box is closed where that bound is ``>= 0``; else, where the model of the derivative in ``x_k`` (the series'
derivative, with the remainder ``(n + 1) a_{n+1}(xi) t^n``) has one sign on the box, the margin is monotone in
``x_k`` there and the face at its lower end is closed instead (the first-order bounds, exact at a point): a margin
tight at an end of its interval closes there without splitting down to the end. ``Max``, ``Min`` and ``Abs`` whose
active argument is the same on the box are replaced by it first (:meth:`~paper_checks.prover.tracing.trace.Traced.
resolved`); where a kink that the margin subtracts still crosses the box (``2e-11 - |P(x)/sin x - 1|`` around a zero
of the error), the margin is the least of smooth conjuncts (:mod:`~paper_checks.prover.tracing.minimum`) and each
conjunct's model must be ``>= 0``; any other kink that the box crosses is no analytic function: declined.
"""
from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

import sympy
from flint import arb, ctx, fmpq

from paper_checks.prover.closures.base import BoxGoal, BoxMethod, Check, register
from paper_checks.prover.enclosures.bound import Closure, close, intervals
from paper_checks.prover.enclosures.boxes import Box
from paper_checks.prover.enclosures.series import (
    Declined,
    Fn,
    ball,
    bernstein_lower,
    cauchy_remainders,
    coefficients,
    compiled,
    compiled_complex,
    float_below,
)
from paper_checks.prover.tracing.minimum import as_minimum
from paper_checks.prover.tracing.trace import Traced

#: the degree ``n`` of the model's polynomial: the remainder is of order ``h^(n + 1)``
DEGREE = 12

#: Arb's working precision (bits) while a box is bounded; a re-check runs at more
PREC = 128


def _remainder(a: Any, h: Any, power: int) -> Any:
    """An enclosure of ``a t^power`` for ``|t| <= h`` (``a`` a ball)."""
    top = h ** power
    reach = arb(0).union(top) if power % 2 == 0 else (-top).union(top)
    return a * reach


def model(fn: Fn, box: Box, k: int, degree: int = DEGREE, cauchy: Fn | None = None) -> tuple[Any, Any] | None:
    """Lower bounds of the margin and of ``s`` times its derivative in coordinate ``k`` on ``box`` (``s = +1`` and
    ``-1`` both tried: the pair ``(value, slope)``, ``slope`` the better of the two with its sign, as
    ``(lower, s)``), or None where the margin has no model on the box. The remainder is the better of Lagrange's
    (the next coefficient enclosed on the whole box) and, with ``cauchy`` (the margin on complex balls), Cauchy's
    (:func:`~paper_checks.prover.enclosures.series.cauchy_remainders`)."""
    lo, hi = box[k]
    balls = [ball(a, b) for a, b in box]
    c = (lo + hi) / 2
    centre = arb(fmpq(c.numerator, c.denominator))
    h = arb(fmpq((hi - lo).numerator, (hi - lo).denominator)) / 2
    try:
        at_c = coefficients(fn, balls, k, centre, degree + 1)
    except (Declined, ValueError, ZeroDivisionError):
        return None
    try:
        top: Any = coefficients(fn, balls, k, balls[k], degree + 2)[degree + 1]
    except (Declined, ValueError, ZeroDivisionError):
        top = None
    rims = cauchy_remainders(cauchy, balls, k, centre, h, degree) if cauchy is not None else None
    if top is None and rims is None:
        return None
    slope = [at_c[j] * j for j in range(1, degree + 1)]
    value_at, up_at = bernstein_lower(at_c, h), bernstein_lower(slope, h)
    down_at = bernstein_lower([-s for s in slope], h)
    values, ups, downs = [], [], []
    if top is not None:
        rem = _remainder(top * (degree + 1), h, degree)
        values.append(value_at + _remainder(top, h, degree + 1))
        ups.append(up_at + rem)
        downs.append(down_at - rem)
    if rims is not None:
        r0, r1 = rims
        values.append(value_at - r0)
        ups.append(up_at - r1)
        downs.append(down_at - r1)
    value, up, down = (max(xs, key=lambda x: x.lower()) for xs in (values, ups, downs))
    return value, (up, 1) if up.lower() > down.lower() else (down, -1)


def widest(box: Box, reads: list[bool]) -> int | None:
    """The coordinate the margin reads in which the box is widest (None where it is a point in every one)."""
    widths = [(hi - lo, i) for i, ((lo, hi), r) in enumerate(zip(box, reads)) if r and hi > lo]
    return max(widths)[1] if widths else None


def bounds(expr: sympy.Expr, symbols: Sequence[sympy.Symbol], box: Box, prec: int = PREC
           ) -> tuple[int, Any, Any] | None:
    """``(k, value, (slope, sign))`` of :func:`model` for the widest coordinate ``k``, at ``prec`` bits."""
    fn = compiled(expr, tuple(symbols))
    k = widest(box, [s in expr.free_symbols for s in symbols])
    if fn is None or k is None:
        return None
    old = ctx.prec
    ctx.prec = prec
    try:
        out = model(fn, box, k, cauchy=compiled_complex(expr, tuple(symbols)))
    finally:
        ctx.prec = old
    return None if out is None else (k, *out)


#: the precision (bits) of a re-check: more than the proof's
RECHECK_BITS = 192


def close_modelled(t: Traced, box: Box, names: list[str], prec: int = PREC) -> Closure | None:
    """The box closed by the margin's Taylor model, or its face where the model's derivative has one sign (the
    face closed by the first-order bounds, else by its own model); None where neither closes it. A closed face
    whose ``fails`` is an exact point below 0 comes back unclosed with that point."""
    smooth = t.resolved(intervals(box))
    parts = as_minimum(smooth.expr)
    if len(parts) > 1:  # a kink the margin subtracts crosses the box: each smooth conjunct's model on its own
        return _least(parts, smooth.symbols, box, prec)
    got = bounds(smooth.expr, smooth.symbols, box, prec)
    if got is None:
        return None
    k, value, (slope, sign) = got
    if value >= 0:
        return Closure(True, float_below(value), "taylor model")
    if not slope >= 0:
        return None
    lo, hi = box[k]
    end = "low" if sign > 0 else "high"
    face = list(box)
    face[k] = (lo, lo) if end == "low" else (hi, hi)
    sub = close(smooth, face, names, 1, {k: "+" if end == "low" else "-"})
    if not sub.closed and sub.fails is None and any(a != b for a, b in face):
        sub = close_modelled(smooth, face, names, prec) or sub
    if sub.closed:
        return Closure(True, sub.lower, "taylor model", {names[k]: end}, sub)
    if sub.fails is not None:
        return Closure(False, -math.inf, "taylor model", {names[k]: end}, sub, fails=sub.fails)
    return None


def _least(parts: list[sympy.Expr], symbols: list[sympy.Symbol], box: Box, prec: int) -> Closure | None:
    """The box closed where the model of every conjunct of the margin (its least,
    :func:`~paper_checks.prover.tracing.minimum.as_minimum`) is ``>= 0`` on it."""
    lows = []
    for part in parts:
        got = bounds(part, symbols, box, prec)
        if got is None or not got[1] >= 0:
            return None
        lows.append(float_below(got[1]))
    return Closure(True, min(lows), "taylor model")


@register
class TaylorModel(BoxMethod):
    """A Taylor model of degree 12 from Arb's series: the box, or its face where the model's slope has a sign."""

    timed = False  # two series of a bounded degree and a Bernstein bound on one box: bounded cost

    methods = ("taylor model",)

    def applies(self, goal: BoxGoal) -> bool:
        return any(s in goal.t.expr.free_symbols for s in goal.t.symbols)

    def step(self, goal: BoxGoal) -> Closure | None:
        return close_modelled(goal.t, goal.box, goal.names)

    def recheck_box(self, check: Check) -> list[str]:
        again = close_modelled(check.t, check.box, check.names, RECHECK_BITS)
        if again is None or not again.closed:
            return [f"{check.where}: not closed again by its Taylor model at {RECHECK_BITS} bits"]
        return []
