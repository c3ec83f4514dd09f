"""The tail of an unbounded coordinate: a box that reaches the chart's pole closed by Taylor's theorem at its finite
end, in the chart's value ``W`` (:mod:`paper_checks.prover.unbounded`).

``e^x >= 1 + x + x^2/2 + x^3/6`` on ``[0, oo)`` is ``oo - oo`` at ``x = oo`` as written: on a box ``[x0, oo]`` every
interval enclosure of the margin, and of its first three derivatives, is ``[-oo, oo]``, so the boxes next to the
pole of the chart never close, however narrow in ``u``. But the fourth derivative is ``e^x >= 0`` there, and the
lower derivatives are ``>= 0`` at ``x0``: by Taylor's theorem with the Lagrange remainder,

    ``m(x) = sum_{j < k} m^(j)(x0) (x - x0)^j / j! + m^(k)(xi) (x - x0)^k / k!  >=  m(x0)``

for every ``x >= x0``. Here the chart node ``W`` (``HalfChart(u)``: ``u/(1 - u)``, increasing to ``+oo`` at ``u = 1``;
``HalfChart(-u)`` toward ``u = -1``; ``LineChart(u)`` toward both) stands for ``x`` up to a constant and a sign,
so the derivatives are taken in ``W``, each put over one denominator (``1/(1 + x) - 4/(2 + x)^2`` of
``log(1 + x) - 2x/(2 + x)`` is ``x^2/((1 + x)(2 + x)^2)``, which an interval bounds by 0), then written in ``u`` again
and enclosed on the box (``m^(k)``, the whole box; ``m^(j)``, ``j < k``, the face at its finite end). Toward ``-oo``
(``LineChart`` at ``u = -1``) ``(W - W1)^j`` has the sign ``(-1)^j``, which the conditions carry. The pole itself is
no point of the domain (the chart's end is open). Where the margin reads ``W`` through roots of one affine base
(``sqrt(x) - 1/sqrt(x) - log x``, concave in ``x`` at ``oo``, so that no expansion in ``x`` closes it), the expansion
is in the root ``V = (c W + d)^(1/q)`` instead (:func:`variable`). :func:`closes` is the test of a box; the re-check
runs it again at 120 bits from the derivatives derived again.
"""
from __future__ import annotations

import math
from dataclasses import dataclass
from fractions import Fraction
from typing import Any

import sympy

from paper_checks.deadline import TimedOut, deadline
from paper_checks.prover.bound import down, intervals
from paper_checks.prover.boxes import Box
from paper_checks.prover.trace import Fn, Traced, Untraceable, compile_expr
from paper_checks.prover.trace import derivative as derive
from paper_checks.prover.unbounded import HalfChart, LineChart

#: the highest order of a derivative tried
MAX_ORDER = 6
#: seconds SymPy may spend putting one derivative over one denominator (else it is taken as it is)
CANCEL_SECONDS = 1.0


def pole_side(t: Traced, box: Box) -> tuple[int, sympy.Expr, Fraction, int] | None:
    """``(i, node, end, sign)`` where coordinate ``i`` of ``box`` reaches the pole of its chart ``node``, the margin
    reads ``u_i`` only through that node, ``end`` is the box's other end in ``u_i`` (the face of the Taylor
    expansion) and ``sign`` is ``+1`` where ``W`` grows to ``+oo`` at the pole, ``-1`` where it falls to ``-oo``."""
    for node in sorted(t.expr.atoms(HalfChart, LineChart), key=sympy.default_sort_key):
        arg = node.args[0]
        u = arg if arg.is_Symbol else -arg if (-arg).is_Symbol else None
        if u is None or u not in t.symbols or u in t.expr.xreplace({node: sympy.Dummy()}).free_symbols:
            continue
        i = t.symbols.index(u)
        lo, hi = box[i]
        if lo == hi:
            continue
        if isinstance(node, HalfChart):
            if arg == u and hi == 1:
                return i, node, lo, 1
            if arg == -u and lo == -1:
                return i, node, hi, 1
        else:
            if hi == 1 and lo > -1:
                return i, node, lo, 1
            if lo == -1 and hi < 1:
                return i, node, hi, -1
    return None


@dataclass
class _Expansion:
    """A margin's Taylor expansion toward one pole: the derivatives taken so far (in ``u`` again, with their
    compiled enclosures), the next one's antecedent ``m`` in the variable ``v``, what ``v`` is in ``u`` (``back``),
    and the sign of ``v``'s infinite end at the pole."""

    done: list[tuple[sympy.Expr, Fn]]
    m: sympy.Expr
    v: sympy.Symbol
    back: sympy.Expr
    sign: int

    @property
    def root(self) -> bool:
        """Whether the variable is a root ``V = B^(1/q)`` of the chart's value (:func:`variable`)."""
        return self.v.is_positive is True


#: (margin, node, symbols, sign) -> its expansion
_derived: dict[tuple[Any, ...], _Expansion] = {}
#: margins whose derivatives are kept
CACHE_SIZE = 64


def expansion(expr: sympy.Expr, node: sympy.Expr, symbols: list[sympy.Symbol], sign: int = 1,
              memo: dict[Any, Any] | None = None) -> _Expansion:
    """The margin's expansion toward the pole where the chart's value ``W`` goes to ``sign oo`` (its variable
    chosen by :func:`variable`), kept in ``memo`` (by default this module's): taken once per margin, not per box."""
    memo = _derived if memo is None else memo
    key = (expr, node, tuple(symbols), sign)
    if key not in memo:
        if len(memo) >= CACHE_SIZE:
            memo.pop(next(iter(memo)))
        w = sympy.Dummy("W", real=True)
        memo[key] = _Expansion([], *variable(expr.xreplace({node: w}), w, node, sign))
    return memo[key]


def derivative(expr: sympy.Expr, node: sympy.Expr, k: int, symbols: list[sympy.Symbol],
               memo: dict[Any, Any] | None = None, sign: int = 1) -> tuple[sympy.Expr, Fn]:
    """The ``k``-th derivative of the margin in the variable of its :func:`expansion` (``k = 0``: the margin), over
    one denominator where SymPy's ``cancel`` does so within :data:`CANCEL_SECONDS`, written in ``u`` again, and its
    enclosure compiled on ``symbols``."""
    ex = expansion(expr, node, symbols, sign, memo)
    while len(ex.done) <= k:
        try:
            with deadline(CANCEL_SECONDS):
                shown = sympy.cancel(ex.m)
        except (TimedOut, sympy.PolynomialError, TypeError, ValueError, NotImplementedError, RecursionError):
            shown = ex.m
        written = shown.xreplace({ex.v: ex.back})
        ex.done.append((written, compile_expr(written, symbols)))
        ex.m = derive(shown, ex.v)  # Untraceable across a kink or a branch: no Taylor expansion there
    return ex.done[k]


def radical_base(m: sympy.Expr, w: sympy.Symbol) -> tuple[sympy.Expr, int] | None:
    """``(B, q)`` where every power of ``m`` with a fractional exponent whose base reads ``w`` has the one base ``B``,
    affine in ``w``, and ``q`` is the least common denominator of those exponents (``q > 1``); else None."""
    pows = [p for p in m.atoms(sympy.Pow) if w in p.base.free_symbols and p.exp.is_Rational and not p.exp.is_Integer]
    bases = {p.base for p in pows}
    if len(bases) != 1:
        return None
    (b,) = bases
    if not (b.is_polynomial(w) and sympy.degree(b, w) == 1):
        return None
    return b, math.lcm(*[int(p.exp.q) for p in pows])


def variable(m: sympy.Expr, w: sympy.Symbol, node: sympy.Expr, sign: int
             ) -> tuple[sympy.Expr, sympy.Symbol, sympy.Expr, int]:
    """``(m, v, back, s)``: the margin in the variable of the Taylor expansion, that variable, what it is in ``u``
    (``back``) and the sign ``s`` of its infinite end at the pole (``W`` goes to ``sign oo``). That variable is
    ``W`` itself, but where the margin reads ``W`` through roots of one affine base ``B = c W + d`` that grows to
    ``+oo`` at the pole (``sqrt(1 + x) - 1/sqrt(1 + x) - log(1 + x)`` on ``[0, oo)``, concave in ``x`` at ``oo`` as
    written): ``V = B^(1/q)``, ``W = (V^q - d)/c``, so that each root is a power of
    ``V`` (``V - 1/V - 2 log V``, whose second derivative ``2 (V - 1)/V^3`` is ``>= 0`` there). ``V`` is an increasing
    function of the distance to the pole's side, ``+oo`` at the pole, so Taylor's theorem in ``V`` is taken as in
    ``W`` toward ``+oo``; :func:`closes` takes it only where ``B >= 0`` at the box's finite end (so on the whole box,
    where every ``V >= 0`` is a point)."""
    found = radical_base(m, w)
    if found is None:
        return m, w, node, sign
    b, q = found
    c, d = sympy.Poly(b, w).all_coeffs()
    if not (c * sign > 0):  # the base falls to -oo at the pole: no real root there
        return m, w, node, sign
    v = sympy.Dummy("V", positive=True)
    return sympy.expand_log(m.xreplace({w: (v**q - d) / c})), v, b.xreplace({w: node}) ** sympy.Rational(1, q), 1


def closes(t: Traced, box: Box, fresh: bool = False) -> tuple[int, int, Fraction, float] | None:
    """``(i, k, end, lower)`` where the box reaches a pole of coordinate ``i`` and Taylor's theorem of order ``k`` at
    its other ``end`` closes it (the module docstring; ``lower``: a lower bound of the margin at that end, so on
    the box), else None. ``fresh``: the derivatives taken again, none kept from before (the re-check's)."""
    memo: dict[Any, Any] | None = {} if fresh else None
    found = pole_side(t, box)
    if found is None:
        return None
    i, node, end, sign = found
    face = [(end, end) if k == i else b for k, b in enumerate(box)]
    try:
        at_face, on_box = intervals(face), intervals(box)
        lower = None
        toward = sign
        ex = expansion(t.expr, node, list(t.symbols), toward, memo)
        if ex.root and not compile_expr(ex.back.base, list(t.symbols))(at_face).a >= 0:
            return None  # the root's base below 0 at the finite end: not every point of the box is a V
        sign = ex.sign
        for k in range(MAX_ORDER + 1):
            _, enclose = derivative(t.expr, node, k, list(t.symbols), memo, toward)
            if k > 0 and (sign**k * enclose(on_box)).a >= 0:
                return i, k, end, lower if lower is not None else 0.0
            low = (sign**k * enclose(at_face)).a
            if not low >= 0:
                return None
            if k == 0:
                lower = down(low)
    except (Untraceable, ValueError, ZeroDivisionError, TypeError, OverflowError):
        return None
    return None
