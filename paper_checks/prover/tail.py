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
no point of the domain (the chart's end is open). :func:`closes` is the test of a box; the re-check runs it again at
120 bits from the derivatives derived again.
"""
from __future__ import annotations

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


#: (margin, node) -> the derivatives taken so far (in ``u`` again, with their compiled enclosures), and the last
#: in ``W``
_derived: dict[tuple[Any, ...], tuple[list[tuple[sympy.Expr, Fn]], sympy.Expr, sympy.Dummy]] = {}
#: margins whose derivatives are kept
CACHE_SIZE = 64


def derivative(expr: sympy.Expr, node: sympy.Expr, k: int, symbols: list[sympy.Symbol],
               memo: dict[Any, Any] | None = None) -> tuple[sympy.Expr, Fn]:
    """The ``k``-th derivative of the margin in the chart's value ``W`` (``k = 0``: the margin), over one
    denominator where SymPy's ``cancel`` does so within :data:`CANCEL_SECONDS`, written in ``u`` again (``W``
    replaced by the node), and its enclosure compiled on ``symbols``; each taken once per margin, not per box (kept
    in ``memo``, by default this module's)."""
    memo = _derived if memo is None else memo
    key = (expr, node, tuple(symbols))
    if key not in memo:
        if len(memo) >= CACHE_SIZE:
            memo.pop(next(iter(memo)))
        w = sympy.Dummy("W", real=True)
        memo[key] = ([], expr.xreplace({node: w}), w)
    done, m, w = memo[key]
    while len(done) <= k:
        try:
            with deadline(CANCEL_SECONDS):
                shown = sympy.cancel(m)
        except (TimedOut, sympy.PolynomialError, TypeError, ValueError, NotImplementedError, RecursionError):
            shown = m
        written = shown.xreplace({w: node})
        done.append((written, compile_expr(written, symbols)))
        m = derive(shown, w)  # Untraceable across a kink or a branch: no Taylor expansion there
        memo[key] = (done, m, w)
    return done[k]


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
        for k in range(MAX_ORDER + 1):
            _, enclose = derivative(t.expr, node, k, list(t.symbols), memo)
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
