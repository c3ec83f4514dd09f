"""Generalised derivatives of a margin with kinks (``Max``, ``Min``, ``Abs``), for interval enclosures.

A margin such as truncated GCE's ``L_q(p) - L_q(Max(p, k))`` or ``Max(x, y) + log 2 - log(e^x + e^y)`` has no
derivative where the arguments of a ``Max`` meet, yet it is locally Lipschitz, and Clarke's generalised
gradient (Clarke 1983, *Optimization and Nonsmooth Analysis*, sec. 2.3) keeps what the boxes need of a
derivative:

- **mean value** (Lebourg's theorem, Clarke 1983, Thm 2.3.7): ``f(y) - f(x) = <g, y - x>`` for some ``g`` in the
  generalised gradient at a point of the segment, so the mean-value form with an enclosure of the generalised
  gradient on the box encloses ``f``;
- **monotonicity**: where that enclosure's ``i``-th component is ``>= 0`` on the box, ``f`` does not decrease in
  ``x_i`` there, so its least value lies on the face where ``x_i`` is low.

The calculus rules (Clarke 1983, sec. 2.3: sums, products, a smooth function of a Lipschitz one, and the
generalised gradient of ``max(a, b)`` within the convex hull of the gradients of its active arguments) give an
enclosure by differentiating as usual, except that the derivative of ``Max(a, b)`` is written
``Piecewise((a', a > b), (b', True))``. Its interval evaluation (:func:`paper_checks.prover.tracing.trace.compile_expr`)
takes ``a'`` on a box where ``a > b`` everywhere, ``b'`` where ``a > b`` nowhere, and the hull of both where the
kink crosses the box: an enclosure of the generalised derivative. Where ``a - b`` is exactly 0 on a box,
``a = b`` on it and the two derivatives agree along the box's free coordinates, so ``b'`` is right there too.
``Min`` is alike; ``Abs(u)`` is ``Max(u, -u)``.

Only the interval gradients of the boxes use these derivatives. Every symbolic step that needs a derivative
in the classical sense (critical points, Hessians, the monotone sweep's sub-proof) still refuses a kink
(:func:`paper_checks.prover.tracing.trace.derivative`).
"""
from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import sympy

KINKS = (sympy.Max, sympy.Min, sympy.Abs)


def kinks_of(expr: sympy.Expr, s: sympy.Symbol) -> list[sympy.Expr]:
    """The outermost ``Max``, ``Min`` and ``Abs`` nodes of ``expr`` that depend on ``s`` (none inside another)."""
    out: list[sympy.Expr] = []

    def walk(e: sympy.Expr) -> None:
        if isinstance(e, KINKS) and s in e.free_symbols:
            if e not in out:
                out.append(e)
            return
        for a in e.args:
            walk(a)
    walk(expr)
    return out


def generalized_derivative(expr: sympy.Expr, s: sympy.Symbol,
                           smooth: Callable[[sympy.Expr, sympy.Symbol], sympy.Expr]) -> sympy.Expr:
    """``d expr / d s`` with each kink's derivative written as a ``Piecewise`` whose interval evaluation encloses
    the generalised derivative (module docstring); ``smooth`` differentiates an expression without kinks in
    ``s`` (:func:`paper_checks.prover.tracing.trace.derivative`)."""
    outer = kinks_of(expr, s)
    if not outer:
        return smooth(expr, s)
    held = {k: sympy.Dummy(f"kink{i}", real=True) for i, k in enumerate(outer)}
    body = expr.xreplace(held)
    total = smooth(body, s)
    for k, d in held.items():
        total += sympy.diff(body, d) * _slope(k, s, smooth)
    return total.xreplace({d: k for k, d in held.items()})


def _slope(k: sympy.Expr, s: sympy.Symbol, smooth: Callable[[sympy.Expr, sympy.Symbol], sympy.Expr]
           ) -> sympy.Expr:
    """The derivative of one kink node ``k`` in ``s``, as a ``Piecewise`` over which argument is active."""
    if isinstance(k, sympy.Abs):
        (u,) = k.args
        du = generalized_derivative(u, s, smooth)
        return sympy.Piecewise((du, u > 0), (-du, True))
    first, rest = k.args[0], k.args[1:]
    others = rest[0] if len(rest) == 1 else type(k)(*rest, evaluate=False)
    wins = first > others if isinstance(k, sympy.Max) else first < others
    rest_slope = generalized_derivative(others, s, smooth)
    return sympy.Piecewise((generalized_derivative(first, s, smooth), wins), (rest_slope, True))


# ------------------------------------------------------------------ kinks resolved on a box
Comparator = Callable[[Sequence[Any]], "int | None"]


def comparators(expr: sympy.Expr, symbols: Sequence[sympy.Symbol],
                compile_expr: Callable[[Any, Sequence[sympy.Symbol]], Callable[[Sequence[Any]], Any]]
                ) -> list[tuple[sympy.Expr, Comparator]]:
    """For each outermost kink of ``expr`` in ``symbols``: a function of the box's intervals giving the index of
    the argument that is active on the *whole* box (``Max``: ``>=`` every other; ``Min``: ``<=``; ``Abs(u)``: 0
    where ``u >= 0``, 1 where ``u <= 0``, read as ``Max(u, -u)``), or None where the box does not decide it.
    Ties are allowed (``Max(a, b) = a`` wherever ``a >= b``), so a box on the kink's edge is decided too."""
    out = []
    syms = set(symbols)
    for k in dict.fromkeys(n for s in syms for n in kinks_of(expr, s)):
        if isinstance(k, sympy.Abs):
            u = compile_expr(k.args[0], symbols)
            out.append((k, lambda v, u=u: 0 if u(v).a >= 0 else (1 if u(v).b <= 0 else None)))
            continue
        args = list(k.args)
        sign = 1 if isinstance(k, sympy.Max) else -1
        diffs = {(i, j): compile_expr(sign * (args[i] - args[j]), symbols)
                 for i in range(len(args)) for j in range(len(args)) if i != j}

        def active(v: Sequence[Any], n: int = len(args), diffs: dict = diffs) -> int | None:
            for i in range(n):
                if all(diffs[i, j](v).a >= 0 for j in range(n) if j != i):
                    return i
            return None
        out.append((k, active))
    return out  # type: ignore[return-value]


def replacement(k: sympy.Expr, i: int) -> sympy.Expr:
    """The expression kink ``k`` equals where its argument ``i`` is active (:func:`comparators`)."""
    if isinstance(k, sympy.Abs):
        return k.args[0] if i == 0 else -k.args[0]
    return k.args[i]
