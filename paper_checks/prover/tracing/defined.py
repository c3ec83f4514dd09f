"""Where a margin is real and defined: the condition each node puts on its argument, decided before any bound.

A node with a restricted domain asks its argument to stay in it on the whole domain of the claim:

- ``log(u)`` asks ``u >= 0`` (``u = 0`` is the extended real ``-oo``, as a loss infinite at a vertex);
- a power ``b^e`` whose exponent is not an integer constant (``x^(1/3)``, ``p^q``, ``x^x``) asks ``b >= 0``: a
  negative base with a non-integer exponent is not real (``(-1/2)^(1/2) = i/sqrt 2``).
- ``asin(u)``, ``acos(u)``, ``atanh(u)`` ask ``1 - u^2 >= 0``; ``acosh(u)`` asks ``u - 1 >= 0``
  (:mod:`paper_checks.prover.enclosures.functions`; ``tan`` at a pole is a division by 0, as below).
- a denominator ``b`` (a negative integer power) asks to keep one sign, ``s b >= 0`` with ``s`` its sign at a
  point of the domain: one that changes sign is 0 in between, where the margin has no value (``1/x`` on
  ``[-1, 1]`` at ``x = 0``, found exactly where the zero is rational); one of one sign that is 0 at an end is
  a pole of the extended reals (``1/p`` at ``p = 0`` on ``[0, 1]``), as before.

:func:`guards` lists these conditions (:class:`Guard`) of the margin *as traced*, before any rewrite (its
normal form, ``u^u = exp(u log u)``, a lifted or scaled form), so that no rewrite can widen the domain.
The prover (:mod:`paper_checks.prover.prove`) decides each ``guard >= 0`` as one more conjunct of the
margin: a proof needs all of them proved; a point where one is negative and its node is not real there
(:func:`not_real_at`, exact) ends in the outcome ``undefined`` with that exact point. In the interval
arithmetic a node whose argument leaves its domain on part of a box makes the whole enclosure the real line
(:class:`paper_checks.prover.tracing.trace.OffDomain`), so no box holding such a point is ever closed.
"""
from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction
from typing import Any

import sympy
from sympy.polys.polyerrors import BasePolynomialError

from paper_checks.jsonable import jsonable
from paper_checks.prover.enclosures.boxes import Box, centre, status

#: digits of the numerical evaluation where an exact sign is not a rational's
DIGITS = 40


@dataclass
class Undefined:
    """Where the margin is not real: the exact ``point`` of the domain, the ``node`` not real there (as text) and
    ``why``; ``piece`` (:class:`paper_checks.prover.enclosures.boxes.Piece`) and ``at`` (its free coordinates there) let
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


def guards(expr: sympy.Expr, at: list[dict[sympy.Symbol, Any]] | None = None) -> list[Guard]:
    """The conditions of :class:`Guard` that the nodes of ``expr`` put on their arguments, one per argument
    (in the order met); an argument SymPy knows to be ``>= 0`` (``exp(x)``, a square, a coordinate of a
    simplex) or a constant ``>= 0`` puts none. With ``at`` (exact points of the domain, :func:`anchor`), a
    denominator ``b`` (a negative integer power) whose sign SymPy does not know puts ``s b >= 0``, ``s`` its
    first sign other than 0 at those points: a denominator that changes sign on the domain is 0 between, where
    the margin has no value (``1/x`` and ``1/x^2`` on ``[-1, 1]``, at ``x = 0``); one of one sign that is 0 at
    an end is a pole of the extended reals (``1/p`` at ``p = 0`` on ``[0, 1]``), as before."""
    out: dict[sympy.Expr, Guard] = {}
    for node in sympy.preorder_traversal(expr):
        if at is not None and isinstance(node, sympy.Pow) and node.exp.is_Integer and node.exp < 0:
            b = node.base
            if b.is_number or b.is_positive or b.is_negative:
                continue
            signs = [_signed_at(b, a) for a in at if b.free_symbols <= set(a)]
            # no sign other than 0 at those points (x - y on the square is 0 at its centre and both corners): the
            # guard b >= 0 all the same, which a denominator that changes sign fails (never no guard at all)
            sign = next((v for v in signs if v), 1 if at else None)
            if sign and sign * b not in out:
                out[sign * b] = Guard(node, sign * b, "a division by zero (a denominator changing sign)")
            continue
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


def _signed_at(b: sympy.Expr, at: dict[sympy.Symbol, Any]) -> int | None:
    """``b``'s sign at the point ``at``, or None where SymPy cannot build it there (``Max(x, y)`` at a chart's pole,
    where ``x`` is ``zoo``: not comparable)."""
    try:
        return _sign(b.xreplace(at))
    except (ValueError, TypeError):
        return None


#: where :func:`anchor`'s generic point lies along each side of the box, coordinate by coordinate: fractions that no
#: two coordinates share, so that a denominator such as ``x - y``, 0 at the square's centre and corners, has a sign
GENERIC = (Fraction(3, 7), Fraction(5, 11), Fraction(7, 13), Fraction(11, 17), Fraction(13, 19), Fraction(17, 23),
           Fraction(19, 29), Fraction(23, 31))


def anchor(base: Box, coords: list[Any]) -> list[dict[sympy.Symbol, sympy.Rational]]:
    """The exact points of a piece that orient its denominators (:func:`guards`' ``at``): the centre of its box,
    its low and its high corner and a generic point (:data:`GENERIC`), those that lie in its region (none: no
    denominator guard)."""
    out = []
    generic = [lo + (hi - lo) * GENERIC[k % len(GENERIC)] for k, (lo, hi) in enumerate(base)]
    for x in (centre(base), [lo for lo, _ in base], [hi for _, hi in base], generic):
        if status([(v, v) for v in x], coords) == "inside":
            out.append({c.symbol: sympy.Rational(v.numerator, v.denominator) for c, v in zip(coords, x)})
    return out


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


def sign_at(e: sympy.Expr, subs: dict[sympy.Symbol, Any]) -> int | None:
    """The sign of ``e`` at the exact point ``subs`` (None where it is not certain)."""
    try:
        return _sign(e.xreplace(subs))
    except (TypeError, ValueError, ArithmeticError, AttributeError, RecursionError):
        return None


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
    exponent is no integer there; for a denominator: it is 0 there), in words; ``""`` where that is not
    certain."""
    try:
        if g.what.startswith("a division"):
            return f"{g.node} is undefined there: a division by zero ({g.expr} = 0)" if \
                sympy.sympify(g.expr.xreplace(subs)) == 0 else ""
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


def zero_between(g: Guard, symbols: list[sympy.Symbol], a: list[Fraction], b: list[Fraction]) -> list[Fraction] | None:
    """A rational point of the segment from ``a`` (included) to ``b`` where the denominator of ``g`` is exactly 0,
    or None where none is found (an irrational zero: the guard stays open, so there is no proof either)."""
    tau = sympy.Dummy("tau")
    line = {s: sympy.Rational(u.numerator, u.denominator) + tau * sympy.Rational((v - u).numerator, (v - u).denominator)
            for s, u, v in zip(symbols, a, b)}
    try:
        num = sympy.together(g.expr.xreplace(line)).as_numer_denom()[0]
        roots = [r for r in sympy.Poly(num, tau).ground_roots() if r.is_Rational and 0 <= r < 1]
    except (BasePolynomialError, TypeError, ValueError, NotImplementedError, ArithmeticError):
        return None
    for r in sorted(roots):
        pt = [u + Fraction(int(r.p), int(r.q)) * (v - u) for u, v in zip(a, b)]
        if sympy.sympify(g.expr.xreplace(dict(zip(symbols, map(sympy.Rational, pt))))) == 0:
            return pt
    return None


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


def find_undefined(gs: list[Guard], base: Box, coords: list[Any], x: list[Fraction]
                   ) -> tuple[list[Fraction], Guard, str] | None:
    """An exact point of the piece (its free coordinates), at ``x`` or :func:`near` it, where a node of ``gs`` is
    not real (:func:`not_real_at`) or, for a denominator negative there (oriented by :func:`anchor`), its exact
    zero between the anchor and it (:func:`zero_between`); with the guard and why; None where none is found."""
    symbols = [c.symbol for c in coords]
    for y in near(x, base):
        if status([(v, v) for v in y], coords) != "inside":
            continue
        subs = {s: sympy.Rational(v.numerator, v.denominator) for s, v in zip(symbols, y)}
        for g in gs:
            at, sub = y, subs
            if g.what.startswith("a division"):  # s b < 0 at y, > 0 at the anchor: b is 0 between them
                points = anchor(base, coords) if sign_at(g.expr, subs) == -1 else []
                z = zero_between(g, symbols, [Fraction(int(r.p), int(r.q)) for r in points[0].values()], y) \
                    if points else None
                if z is None or status([(v, v) for v in z], coords) != "inside":
                    continue
                at, sub = z, {s: sympy.Rational(v.numerator, v.denominator) for s, v in zip(symbols, z)}
            why = not_real_at(g, sub)
            if why:
                return at, g, why
    return None


def not_real_text(space: Any, point: dict[str, Any]) -> str | None:
    """Why no proof exists when the margin is a finite non-real number at a point of the domain (``log(x - 2)``
    on ``[0, 1]``), else None (a pole, ``-log 0``, is no such point)."""
    try:
        val = sympy.N(sympy.sympify(space.exact_margin(point)), 30)
        if not (val.is_number and val.is_finite and sympy.im(val) != 0):
            return None
    except (TypeError, ValueError, ArithmeticError, AttributeError, NotImplementedError, RecursionError):
        return None
    at = ", ".join(f"{k} = {jsonable(v)}" for k, v in point.items())
    return (f"the margin is not real at {at} (it is {val.evalf(6)}: the log or a root of a negative number), so it "
            "is undefined on the domain there: no proof exists on this domain; would decide: a domain on which the "
            "margin is real, or a margin defined on the whole domain")
