"""The tail of an unbounded coordinate: a box that reaches the chart's pole closed by Taylor's theorem at its finite
end, in the chart's value ``W`` (:mod:`paper_checks.prover.tracing.unbounded`).

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
is in the root ``V = (c W + d)^(1/q)`` instead (:func:`variable`). Where a derivative that has a sign on the box
has a finite limit at the pole (a margin that falls to 0 there), each lower derivative is bounded by its value at
the finite end and its limit at the pole instead of by ``+oo`` (:func:`closes`). :func:`closes` is the test of a
box; the re-check runs it again at 120 bits from the derivatives and limits derived again.

The closure here (:class:`Tail`, registered for :mod:`paper_checks.prover.schedule`): the tail of an unbounded
coordinate (:mod:`paper_checks.prover.sweeps.tail`): a box that reaches the pole of its chart, where the margin is ``oo
- oo`` as written (``e^x - 1 - x - x^2/2 - x^3/6`` at ``x = oo``), closed by its derivatives in the chart's value from
the box's finite end (Taylor's theorem), each between its value there and its limit at the pole. Re-checked by deriving
the derivatives again and closing the box again at :data:`~paper_checks.prover.closures.base.RECHECK_PREC` bits.
"""
from __future__ import annotations

import math
from dataclasses import dataclass
from fractions import Fraction
from typing import Any

import mpmath
import sympy
from sympy.polys.polyerrors import BasePolynomialError

from paper_checks import work
from paper_checks.deadline import TimedOut
from paper_checks.prover.closures.base import RECHECK_PREC, BoxGoal, BoxMethod, Check, register
from paper_checks.prover.enclosures.bound import Closure, down, intervals
from paper_checks.prover.enclosures.boxes import Box
from paper_checks.prover.sweeps import dominance
from paper_checks.prover.tracing.trace import Fn, Traced, Untraceable, compile_expr, precision, raw_derivative
from paper_checks.prover.tracing.unbounded import HalfChart, LineChart, coordinate, explicit, in_value, inverse

IV = mpmath.iv

#: the highest order of a derivative tried
MAX_ORDER = 6
#: work units SymPy may spend putting one derivative over one denominator (else it is taken as it is)
CANCEL_WORK = 1.0
#: work units SymPy may spend on the margin's limit at the pole
LIMIT_WORK = 2.0
#: work units of SymPy work on one margin's derivatives toward a pole, over every box, after which no higher order is
#: taken (each order holds up to three rewrites of CANCEL_WORK: six orders of a two-coordinate margin took the
#: whole 30 s of a proof on its first box)
EXPANSION_WORK = 6.0


def pole_side(t: Traced, box: Box) -> tuple[int, sympy.Expr, Fraction, int] | None:
    """``(i, node, end, sign)`` where coordinate ``i`` of ``box`` reaches the pole of its chart ``node`` (where the
    margin reads ``u_i`` outside the node too, :func:`expansion` writes it in ``W``), ``end`` is the box's other end
    in ``u_i`` (the face of the Taylor expansion) and ``sign`` is ``+1`` where ``W`` grows to ``+oo`` at the pole,
    ``-1`` where it falls to ``-oo``."""
    for node in sorted(t.expr.atoms(HalfChart, LineChart), key=sympy.default_sort_key):
        arg, u = node.args[0], coordinate(node)
        if u is None or u not in t.symbols or inverse(node, sympy.Dummy()) is None:
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
    m: sympy.Expr | None  # None: the last derivative taken has none (a kink)
    v: sympy.Symbol
    back: sympy.Expr
    sign: int
    spent: float = 0.0  # seconds of SymPy work on the derivatives so far

    @property
    def root(self) -> bool:
        """Whether the variable is a root ``V = B^(1/q)`` of the chart's value (:func:`variable`)."""
        return self.v.is_positive is True


#: (margin, node, symbols, sign) -> its expansion
_derived: dict[tuple[Any, ...], _Expansion] = {}
#: margins whose derivatives are kept
CACHE_SIZE = 64
#: (margin, coordinate, pole, side) -> the margin's limit there (None: SymPy found none in time)
_limits: dict[tuple[Any, ...], Any] = {}


@work.forgets
def _forget() -> None:
    """Empty this module's expansions and limits at the start of every top proof (:func:`paper_checks.work.fresh`): a
    limit stopped by one proof's work limit was kept as None, so that a later proof of the same margin in the same
    process took another route than it takes alone."""
    _derived.clear()
    _limits.clear()


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
        # u read outside the chart too (the normal form writes W/(1 + W) as u): u in W, exactly
        m = in_value(expr, node, w)
        memo[key] = _Expansion([], *variable(m, w, node, sign))
    return memo[key]


def derivative(expr: sympy.Expr, node: sympy.Expr, k: int, symbols: list[sympy.Symbol],
               memo: dict[Any, Any] | None = None, sign: int = 1) -> tuple[sympy.Expr, Fn]:
    """The ``k``-th derivative of the margin in the variable of its :func:`expansion` (``k = 0``: the margin), over
    one denominator where SymPy's ``cancel`` does so within :data:`CANCEL_WORK`, written in ``u`` again, and its
    enclosure compiled on ``symbols``: the tightest of that form's, the :func:`collected` one's, and, where it has
    powers of no integer exponent, the derivative as taken with the powers of one base in one (``powsimp``, then the
    common factors out: Barron's loss below ``v^2/2`` has the first derivative ``W (1 - (1 + W^2/(2 - a))^(a/2 -
    1))``, ``>= 0`` toward ``oo``, where the form over one denominator is ``oo - oo``)."""
    ex = expansion(expr, node, symbols, sign, memo)
    while len(ex.done) <= k:
        if ex.m is None:  # the last derivative taken has none (a kink): no order beyond it, now or later
            raise Untraceable(f"no derivative of order {len(ex.done)} toward the pole (a kink or a branch)")
        if memo is None and ex.spent > EXPANSION_WORK:  # the proof's own memo; a re-check derives them all
            raise Untraceable(f"the derivatives toward the pole took more than {EXPANSION_WORK:g} s")
        begun = work.now()
        shown = _rewritten(ex.m, sympy.cancel)
        other = _rewritten(shown, lambda e: collected(e, ex.v))  # shown itself where SymPy does not finish it
        written = shown.xreplace({ex.v: ex.back})
        enclose = compile_expr(written, symbols)
        if other != shown:
            enclose = _tighter(enclose, compile_expr(other.xreplace({ex.v: ex.back}), symbols))
        if any(not p.exp.is_Integer for p in ex.m.atoms(sympy.Pow)):  # the powers of one base in one
            powers = _rewritten(ex.m, lambda e: sympy.factor_terms(sympy.powsimp(e, combine="exp")))
            if powers not in (ex.m, shown):
                enclose = _tighter(enclose, compile_expr(powers.xreplace({ex.v: ex.back}), symbols))
        far = _rewritten(shown, lambda e: reciprocal(e, ex.v, ex.sign))  # shown itself where SymPy does not finish
        if _Y in far.free_symbols:
            enclose = _tighter(enclose, _where_positive(compile_expr(far.xreplace({_Y: ex.sign / ex.back}), symbols),
                                                        compile_expr(ex.sign * ex.back, symbols)))
        signed = _dominant(ex.m, ex, symbols)
        if signed is not None:
            enclose = _tighter(enclose, signed)
        ex.done.append((written, enclose))
        try:
            ex.m = raw_derivative(shown, ex.v)  # Untraceable across a kink or a branch: no Taylor expansion there
        except Untraceable:
            ex.m = None  # kept so: order k + 1 is never the order k taken again
            raise
        ex.spent += work.now() - begun
    return ex.done[k]


def _dominant(e: sympy.Expr, ex: _Expansion, symbols: list[sympy.Symbol]) -> Fn | None:
    """The sign of ``e`` from its dominant term toward the pole (:func:`dominance.dominant_sign`), where SymPy
    writes it so within :data:`CANCEL_WORK`; else None."""
    try:
        with work.limit(CANCEL_WORK):
            return dominance.dominant_sign(e, ex.v, ex.sign, ex.back, symbols)
    except (TimedOut, BasePolynomialError, TypeError, ValueError, NotImplementedError, RecursionError):
        return None


def _rewritten(e: sympy.Expr, how: Any) -> sympy.Expr:
    """``how(e)`` where SymPy finishes it within :data:`CANCEL_WORK`, else ``e`` itself."""
    try:
        with work.limit(CANCEL_WORK):
            return how(e)
    except (TimedOut, BasePolynomialError, TypeError, ValueError, NotImplementedError, RecursionError):
        return e


def collected(e: sympy.Expr, v: sympy.Symbol) -> sympy.Expr:
    """``e`` (over one denominator) with its numerator collected in powers of the variable ``v``, each coefficient's
    common factors taken out: ``V^2 (log(V^2 + 1) - 2) + log(V^2 + 1)`` rather than ``V^2 log(V^2 + 1) + log(V^2 +
    1) - 2 V^2``, ``W (1 - tanh(W)^2) + (1 - tanh W) tanh W`` rather than its expansion. On a box that reaches the
    pole each coefficient is enclosed at its limit, where the form as written is ``oo - oo``."""
    num, den = sympy.fraction(e)
    parts = sympy.collect(sympy.expand(num), v, evaluate=False)
    return sympy.Add(*[sympy.factor_terms(c) * p for p, c in parts.items()]) / den


#: the reciprocal of the expansion's variable, ``Y = sign / v``, positive on a box where ``sign v > 0``
_Y = sympy.Dummy("Y", positive=True)


def reciprocal(e: sympy.Expr, v: sympy.Symbol, sign: int) -> sympy.Expr:
    """``e`` written in ``Y = sign / v`` (:data:`_Y`), each sum over one denominator (``together``, deep), so that
    powers of ``Y`` cancel where ``e`` is a ratio of terms that grow alike toward the pole: ``3W/(1 + 2 sqrt(1 +
    W^2))`` is ``3/(Y + 2 sqrt(Y^2 + 1))``, enclosed near ``W = oo`` (``Y`` near 0) where the form in ``W`` is
    ``oo/oo``. It equals ``e`` wherever ``sign v > 0``: :func:`_where_positive` encloses it nowhere else."""
    return sympy.together(e.xreplace({v: sign / _Y}), deep=True)


def _where_positive(f: Fn, y: Fn) -> Fn:
    """``f``'s enclosure where ``y``'s (``sign v``) is ``> 0`` on the box, else the whole line (:func:`reciprocal`)."""
    def guarded(box: Any) -> Any:
        return f(box) if y(box).a > 0 else IV.mpf([-mpmath.inf, mpmath.inf])
    return guarded


def _tighter(f: Fn, g: Fn) -> Fn:
    """The enclosure by two forms of one expression: their intersection (each holds every value)."""
    def both(box: Any) -> Any:
        x, y = f(box), g(box)
        try:
            lo = x.a if x.a >= y.a else y.a
            hi = x.b if x.b <= y.b else y.b
            return IV.mpf([lo.a, hi.b]) if lo.a <= hi.b else x
        except (TypeError, ValueError):  # a form with no value there (a NaN): the other's
            return x
    return both


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


def pole_limit(expr: sympy.Expr, symbols: list[sympy.Symbol], i: int, end: Fraction, box: Box, fresh: bool = False
               ) -> sympy.Expr | None:
    """The limit of ``expr`` (a derivative of the margin, written in ``u``) at the pole of coordinate ``i``, the end
    of its interval other than ``end`` (SymPy's, the chart written out): a real number or ``+-oo``; None where
    ``expr`` reads another coordinate that the box leaves free, or SymPy finds none within :data:`LIMIT_WORK`.
    Taken once per expression and pole (``fresh``: again)."""
    u = symbols[i]
    if any(s != u and lo != hi for s, (lo, hi) in zip(symbols, box) if s in expr.free_symbols):
        return None
    pole, side = (box[i][1], "-") if box[i][0] == end else (box[i][0], "+")
    fixed = {s: sympy.Rational(lo.numerator, lo.denominator) for s, (lo, _) in zip(symbols, box) if s != u}
    margin = explicit(expr.xreplace(fixed))
    key = (margin, u, pole, side)
    if fresh or key not in _limits:
        try:
            with work.limit(LIMIT_WORK):
                _limits[key] = sympy.limit(margin, u, sympy.Integer(pole), side)
        except (TimedOut, NotImplementedError, ValueError, TypeError, ZeroDivisionError, RecursionError):
            _limits[key] = None
        if len(_limits) > CACHE_SIZE:
            _limits.pop(next(iter(_limits)))
    lim = _limits.get(key)
    if lim is None or lim.has(sympy.Limit, sympy.nan, sympy.zoo, sympy.AccumBounds) or not lim.is_extended_real:
        return None
    return lim


def enclosed(t: Traced, box: Box) -> float | None:
    """A lower bound ``>= 0`` of the margin on ``box`` from its natural interval extension (the chart's pole enclosed
    as ``oo``, each whitelisted function there by its limit: :mod:`paper_checks.prover.tracing.unbounded`); None where
    the enclosure reaches below 0 or cannot be taken. ``sin(1/sqrt(x - 1)) - 2 sin(1/sqrt(x)) + sin(1/sqrt(x + 1)) +
    1/50`` on ``[2^16, oo)`` lies in ``[0.012, 0.028]``: no derivative is needed there, only a cut far enough out."""
    try:
        on = t.value(intervals(box))
    except (Untraceable, ValueError, ZeroDivisionError, TypeError, OverflowError):
        return None
    return down(on.a) if on.a >= 0 else None


def closes(t: Traced, box: Box, fresh: bool = False) -> tuple[int, int, Fraction, float, bool] | None:
    """``(i, j, end, lower, limits)`` where the box reaches a pole of coordinate ``i`` and its derivatives up to the
    order ``j`` close it, from its other ``end`` (``lower``: a lower bound of the margin on the box); ``j = 0``: the
    margin's own enclosure on the box closes it (:func:`enclosed`). With ``s``
    the sign of the variable's infinite end, ``e_k = s^k m^(k)`` (the derivatives toward the pole), ``e_j`` has a
    sign on the whole box by its enclosure there; then each ``e_k``, ``k < j``, is monotone on the box, so it lies
    between its value at ``end`` and its limit at the pole (:func:`pole_limit`), which decide its sign, down to
    ``e_0 = m >= 0``. Where every limit needed is ``+oo`` this is Taylor's theorem with the Lagrange remainder
    (``e^x - 1 - x - x^2/2 - x^3/6``); a margin that falls to 0 at the pole takes its limits (``limits``: ``pi/2 -
    atan x - 1/(1 + x)``, whose first derivative rises to 0, so it is ``<= 0``, and the margin falls to 0). Else
    None. ``fresh``: the derivatives and the limits taken again, none kept from before (the re-check's)."""
    memo: dict[Any, Any] | None = {} if fresh else None
    found = pole_side(t, box)
    if found is None:
        return None
    i, node, end, sign = found
    face = [(end, end) if k == i else b for k, b in enumerate(box)]
    syms = list(t.symbols)
    lower = enclosed(t, box)
    if lower is not None:  # the order 0: the margin's own enclosure, every function by its limit at the pole
        return i, 0, end, lower, False
    try:
        at_face, on_box = intervals(face), intervals(box)
        ex = expansion(t.expr, node, syms, sign, memo)
        if ex.root and not compile_expr(ex.back.base, syms)(at_face).a >= 0:
            return None  # the root's base below 0 at the finite end: not every point of the box is a V
        s = ex.sign
        for j in range(1, MAX_ORDER + 1):
            _, enclose = derivative(t.expr, node, j, syms, memo, sign)
            on = s**j * enclose(on_box)
            if on.a >= 0 or on.b <= 0:
                break
        else:
            return None
        rising, used, lower = on.a >= 0, False, 0.0  # e_j's sign: e_(j-1) rises toward the pole, or falls
        for k in range(j - 1, -1, -1):
            written, enclose = derivative(t.expr, node, k, syms, memo, sign)
            here = s**k * enclose(at_face)
            if rising and here.a >= 0:  # from a value >= 0 upward
                positive, lower = True, down(here.a)
            elif not rising and here.b <= 0:  # from a value <= 0 downward
                positive = False
            else:  # toward its limit: which must have the sign of the value at the end
                lim = pole_limit(s**k * written, syms, i, end, box, fresh)
                used = True
                if lim is None:
                    return None
                if here.a >= 0 and lim >= 0:
                    positive, lower = True, 0.0 if lim is sympy.oo else max(0.0, math.nextafter(
                        float(sympy.N(lim, 30)), -math.inf))
                elif here.b <= 0 and lim <= 0:
                    positive = False
                else:
                    return None
            rising = positive
        if not rising:  # the margin itself is <= 0 on the box
            return None
        return i, j, end, lower, used
    except (Untraceable, ValueError, ZeroDivisionError, TypeError, OverflowError):
        return None


@register
class Tail(BoxMethod):
    """Taylor's theorem toward the pole of a chart."""

    methods = ("tail",)

    def step(self, goal: BoxGoal) -> Closure | None:
        found = closes(goal.t, goal.box)
        if found is None:
            return None
        i, k, end, lower, limits = found
        how = ("the margin's enclosure on the box, each function by its limit at the chart's pole" if k == 0 else
               f"the derivatives up to the order {k} from {goal.names[i]} = {end} toward the chart's pole"
               + (", with their limits there" if limits else " (Taylor's theorem)"))
        return Closure(True, lower, "tail", exact=how, at={i: end})

    def recheck_box(self, check: Check) -> list[str]:
        with precision(RECHECK_PREC):
            again = closes(check.t, check.box, fresh=True)
        if again is None or again[0] not in (check.closure.at or {}) or again[2] != (check.closure.at or {})[again[0]]:
            return [f"{check.where}: Taylor's theorem toward the pole does not close the box again"]
        return []
