"""Where a margin is real and defined: the condition each node puts on its argument, decided before any bound.

A node with a restricted domain asks its argument to stay in it on the whole domain of the claim:

- ``log(u)`` asks ``u >= 0`` (``u = 0`` is the extended real ``-oo``, as a loss infinite at a vertex);
- a power ``b^e`` whose exponent is not an integer constant (``x^(1/3)``, ``p^q``, ``x^x``) asks ``b >= 0``: a
  negative base with a non-integer exponent is not real (``(-1/2)^(1/2) = i/sqrt 2``);
- ``asin(u)``, ``acos(u)``, ``atanh(u)`` ask ``1 - u^2 >= 0``; ``acosh(u)`` asks ``u - 1 >= 0``
  (:mod:`paper_checks.prover.functions`; ``tan`` at a pole is a division by 0, as below).

:func:`guards` lists these conditions (:class:`Guard`) of the margin *as traced*, before any rewrite (its
normal form, ``u^u = exp(u log u)``, a lifted or scaled form), so that no rewrite can widen the domain.
The prover (:mod:`paper_checks.prover.prove`) decides each ``guard >= 0`` as one more conjunct of the
margin: a proof needs all of them proved; a point where one is negative and its node is not real there
(:func:`not_real_at`, exact) ends in the outcome ``undefined`` with that exact point. A division by a part
that takes both signs is undefined at its zero: the interval arithmetic never bounds a box holding it
(:class:`paper_checks.prover.trace.OffDomain`), so it is never proved; a pole at an end of the domain is the
extended real ``+oo`` or ``-oo`` (``1/p`` on ``[0, 1]``), as before.
"""
from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction
from typing import Any

import sympy

#: digits of the numerical evaluation where an exact sign is not a rational's
DIGITS = 40


@dataclass
class Undefined:
    """Where the margin is not real: the exact ``point`` of the domain, the ``node`` not real there (as text) and
    ``why``; ``piece`` (:class:`paper_checks.prover.boxes.Piece`) and ``at`` (its free coordinates there) let
    :func:`paper_checks.prover.certificate.recheck_undefined` find the node again."""

    point: dict[str, Any]
    node: str
    why: str
    piece: Any
    at: list[Fraction]


@dataclass(frozen=True)
class Guard:
    """``expr >= 0`` wherever ``node`` is evaluated; ``what`` names the node's kind in words."""

    node: sympy.Expr
    expr: sympy.Expr
    what: str


def guards(expr: sympy.Expr) -> list[Guard]:
    """The conditions of :class:`Guard` that the nodes of ``expr`` put on their arguments, one per argument
    (in the order met); an argument SymPy knows to be ``>= 0`` (``exp(x)``, a square, a coordinate of a
    simplex) or a constant ``>= 0`` puts none."""
    out: dict[sympy.Expr, Guard] = {}
    for node in sympy.preorder_traversal(expr):
        if isinstance(node, sympy.log):
            u, what = node.args[0], "the log of a negative number"
        elif isinstance(node, sympy.Pow) and not node.exp.is_Integer:
            u = node.base
            what = (f"{node.base}^{node.base} of a negative number" if node.base == node.exp
                    else "a non-integer power of a negative number")
        elif isinstance(node, (sympy.asin, sympy.acos, sympy.atanh)):  # |u| <= 1 (atanh(+-1) = +-oo, as log 0)
            u, what = 1 - node.args[0] ** 2, f"{type(node).__name__} of a number beyond [-1, 1]"
        elif isinstance(node, sympy.acosh):
            u, what = node.args[0] - 1, "acosh of a number below 1"
        else:
            continue
        if u in out or u.is_nonnegative:
            continue
        if u.is_number and (u >= 0) == sympy.true:
            continue
        out[u] = Guard(node, u, what)
    return list(out.values())


def _sign(v: sympy.Expr) -> int | None:
    """The sign of a real number (exact for a rational, else at :data:`DIGITS` digits with room), or None."""
    v = sympy.sympify(v)
    if v.is_Rational:
        return int(bool(v > 0)) - int(bool(v < 0))
    n = sympy.N(v, DIGITS)
    if not n.is_real or not n.is_finite:
        return None
    if abs(n) < sympy.Float(10) ** (-DIGITS // 2):
        return None
    return 1 if n > 0 else -1


def _not_an_integer(v: sympy.Expr) -> bool:
    """Whether the real number ``v`` is certainly not an integer."""
    v = sympy.sympify(v)
    if v.is_Rational:
        return v.q != 1
    n = sympy.N(v, DIGITS)
    if not n.is_real or not n.is_finite:
        return False
    f = sympy.floor(n)
    room = sympy.Float(10) ** (-DIGITS // 2)
    return bool(n - f > room and f + 1 - n > room)


def not_real_at(g: Guard, subs: dict[sympy.Symbol, sympy.Rational]) -> str:
    """Why ``g``'s node is not real at the exact point ``subs`` (its argument is < 0 there, and for a power the
    exponent is no integer there), in words; ``""`` where that is not certain."""
    try:
        if _sign(g.expr.xreplace(subs)) != -1:
            return ""
        if isinstance(g.node, sympy.Pow):
            ex = g.node.exp.xreplace(subs)
            if not (ex.is_real and _not_an_integer(ex)):
                return ""
            return f"{g.node} is not real there: {g.what} ({g.expr} = {_shown(g.expr, subs)} < 0, exponent {ex})"
        return f"{g.node} is not real there: {g.what} ({g.expr} = {_shown(g.expr, subs)} < 0)"
    except (TypeError, ValueError, ArithmeticError, AttributeError, RecursionError):
        return ""


def _shown(e: sympy.Expr, subs: dict[sympy.Symbol, Any]) -> str:
    v = sympy.sympify(e.xreplace(subs))
    return str(v) if v.is_Rational else str(sympy.N(v, 6))


def near(x: list[Fraction], base: list[tuple[Fraction, Fraction]]) -> list[list[Fraction]]:
    """``x`` and a few exact points around it in ``base`` (a node can be real at ``x`` itself: ``x^x`` at
    ``x = -1``, an integer exponent): along each coordinate, ``x_k`` moved by ``2^-m`` of its width."""
    out = [list(x)]
    for m in (6, 10, 3, 14):
        for k, (lo, hi) in enumerate(base):
            for s in (1, -1):
                v = x[k] + s * (hi - lo) / 2 ** m
                if lo <= v <= hi and hi > lo:
                    out.append([*x[:k], v, *x[k + 1:]])
    return out
