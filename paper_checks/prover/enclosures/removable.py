"""Taylor models across a removable singularity: a margin that is ``0/0`` at an end of the box.

MetiTarski's ``cos x/x - sin x/x^2`` and ``1/sin(x)^2 - 1/x^2`` (and GCE's ``(1 - t^q)/q`` at ``q = 0``) are analytic
at 0 once the terms are put over one denominator, but each term has a pole there: every box ``[0, w]`` is bounded
by ``-oo`` term by term, and the boxes split toward 0 for ever. Written as one quotient ``N/D`` (SymPy's
``together``), with ``D`` vanishing to order ``v`` at the box's end ``a`` in coordinate ``x_k`` and ``N`` vanishing
there to at least that order, Taylor's theorem with Lagrange's remainder gives, for ``t = x_k - a`` in the box,

    N(a + t) / t^v = sum_{j = v}^{n} N_j(a) t^(j - v) + N_{n+1}(xi) t^(n + 1 - v),

``N_j(a)`` the coefficients of ``N``'s power series at ``a`` and ``N_{n+1}(xi)`` enclosed by the coefficient
``n + 1`` of its series on the whole interval (python-flint's ``arb_series``,
:func:`~paper_checks.prover.enclosures.series.coefficients`); the same for ``D``. The margin is the quotient of the two
models, both analytic on the box; where the model of ``D / t^v`` excludes 0, ``D`` has no other zero there and the
quotient's enclosure bounds the margin at every point of the box but ``a`` (where it is not defined).

The orders are decided exactly: ``D``'s and ``N``'s coefficients below ``v`` are shown to be 0 by SymPy (a
derivative at the exact end, expanded or simplified to 0, the same for every value of the other coordinates), and
``D``'s coefficient ``v`` is shown off 0 by its Arb ball. Anything not shown is no model (Rudin, *Real and Complex
Analysis*, 10.20: a zero of finite order of an analytic function). Where more of ``N``'s coefficients are shown to
be 0 (``w > v``), the margin tends to 0 at the end and is ``t^(w - v)`` times the quotient of ``N/t^w`` by ``D/t^v``:
of that quotient's sign on the box's side of the end (a margin tight at its singular end).
"""
from __future__ import annotations

import functools
import math
from collections.abc import Callable, Sequence
from fractions import Fraction
from typing import Any

import sympy
from flint import arb, ctx, fmpq
from sympy.polys.ring_series import rs_series

from paper_checks import work
from paper_checks.prover.closures.base import BoxGoal, BoxMethod, Check, register
from paper_checks.prover.enclosures.bound import Closure, intervals
from paper_checks.prover.enclosures.boxes import Box, centre
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
from paper_checks.prover.enclosures.taylor_model import DEGREE, PREC, RECHECK_BITS
from paper_checks.prover.tracing import unbounded
from paper_checks.prover.tracing.identities import nonzero_somewhere
from paper_checks.prover.tracing.minimum import as_minimum
from paper_checks.prover.tracing.trace import Traced

#: the largest order of a zero of the denominator that is looked for (and of the numerator's beyond it)
MOST_ORDER = 6


def _explicit(expr: sympy.Expr) -> sympy.Expr:
    """The charts written out (``u/(1 - u)``, ``u/(1 - u^2)``), so that ``together`` sees their zeros."""
    return expr.replace(unbounded.HalfChart, lambda u: u / (1 - u)).replace(
        unbounded.LineChart, lambda u: u / (1 - u**2))


@work.forgets
def _forget() -> None:
    """Empty the caches of this module (at the start of every top proof: its work does not depend on what ran
    before it in the process)."""
    _quotient.cache_clear()
    _orders.clear()
    _begun.clear()


def quotient(expr: sympy.Expr) -> tuple[sympy.Expr, sympy.Expr] | None:
    """``(N, D)`` with ``expr = N/D`` over one denominator, or None where ``D`` is a constant."""
    return _quotient(expr)


@functools.lru_cache(maxsize=128)
def _quotient(expr: sympy.Expr) -> tuple[sympy.Expr, sympy.Expr] | None:
    """``(N, D)`` with ``expr = N/D`` over one denominator, or None where ``D`` is a constant."""
    n, d = sympy.fraction(sympy.together(_explicit(expr)))
    return None if not d.free_symbols else (n, d)


def _zero(e: sympy.Expr) -> bool:
    """Whether ``e`` is shown to be 0 identically (``expand``, then ``simplify``; never a guess). A value away from 0
    at one point (:func:`~paper_checks.prover.tracing.identities.nonzero_somewhere`) shows it is not, before any of
    that."""
    if e == 0:
        return True
    if nonzero_somewhere(e):
        return False
    if sympy.expand(e) == 0:
        return True
    try:
        return bool(sympy.simplify(e) == 0)
    except (TypeError, ValueError, NotImplementedError):
        return False


def _derivative_order(e: sympy.Expr, x: sympy.Symbol, a: sympy.Rational, most: int) -> int:
    """How many of ``e``'s derivatives at ``x = a``, from the 0th, :func:`_zero` shows to be 0 (at most
    ``most + 1``)."""
    k = 0
    while k <= most and _zero(sympy.diff(e, x, k).subs(x, a)):
        k += 1
    return k


def _factor_order(d: sympy.Expr, x: sympy.Symbol, a: sympy.Rational) -> int | None:
    """The order of ``d``'s zero at ``x = a``, factor by factor (``together`` gives a product of integer powers:
    ``t^2 (t - 4)^2 sin(pi t/2)^2`` has order 4, each base's small derivatives shown exactly by :func:`_zero`);
    None where a power is not a positive integer or a base's order is above :data:`MOST_ORDER`."""
    v = 0
    for f in sympy.Mul.make_args(d):
        base, e = f.as_base_exp()
        if x not in base.free_symbols:
            continue
        if not (e.is_Integer and e > 0):
            return None
        k = _derivative_order(base, x, a, MOST_ORDER)
        if k > MOST_ORDER:
            return None
        v += int(e) * k
    return v


def _analytic_order(expr: sympy.Expr, x: sympy.Symbol, a: sympy.Rational, most: int = MOST_ORDER) -> int | None:
    """The order ``r >= 0`` of ``expr``'s zero at ``x = a`` from its power series there, where the series has
    integer powers only, none negative; ``-1`` where a power is negative or not an integer, or a logarithm appears;
    None where the series cannot be had; ``most + 1`` where every term below that order is 0. SymPy's ring series
    first (``rs_series``: the normal form's ``-4 t^2 sin(pi t/2)^2 + ... = (pi^4/6 - pi^2) t^4 + ...`` in 0.04
    units, where ``series`` took 1.05 and the derivatives 15), then its ``series``, which also takes a Laurent
    series (``1/5 - 1/sin(X)^2 + 1/X^2 + ... = 5/(2 pi^2) - 2/15 + O(X)``). A coefficient is 0 where SymPy's
    arithmetic makes it 0: one it leaves unsimplified makes ``r`` smaller, never larger. SymPy's ``series`` is taken
    from the right (``Max(0, s) - s`` is ``O(s^7)`` there): :func:`bounds` asks only where Arb's series compile the
    margin and its models exist at ``a`` (every node analytic there), where both sides agree."""
    lead = _leading(expr, x, a, most)
    return lead[0] if isinstance(lead, tuple) else lead


def _leading(expr: sympy.Expr, x: sympy.Symbol, a: sympy.Rational, most: int) -> tuple[int, sympy.Expr] | int | None:
    """``(r, c)``: the lowest power ``r`` of ``expr``'s series at ``a`` and its coefficient ``c`` (``(most + 1,
    0)`` where none is below that); ``-1`` or None as :func:`_analytic_order` says."""
    s = sympy.Dummy("s")
    g = _explicit(expr).xreplace({x: a + s})
    for expand_with in (_ring_series, _sympy_series):
        try:
            ser = sympy.expand(expand_with(g, s, most + 1))
        except Exception:  # SymPy's own PoleError (cos((x + 1)/x) at 0), KeyError (a function the ring lacks), ...
            continue  # (the meter's stop is no Exception: it goes through)
        terms: dict[int, sympy.Expr] = {}
        power_series = True
        for term in sympy.Add.make_args(ser):
            if term == 0:
                continue
            c, p = term.as_coeff_exponent(s)
            if s in c.free_symbols or not p.is_Integer or p < 0:
                power_series = False
                break
            terms[int(p)] = terms.get(int(p), sympy.Integer(0)) + c
        if not power_series:  # the ring series leaves what it cannot expand (Max(0, s)) as it is
            if expand_with is _ring_series:
                continue
            return -1
        if not terms:
            return most + 1, sympy.Integer(0)
        r = min(terms)
        return r, terms[r]
    return None


def _ring_series(g: sympy.Expr, s: sympy.Symbol, n: int) -> sympy.Expr:
    return rs_series(g, s, n)


def _sympy_series(g: sympy.Expr, s: sympy.Symbol, n: int) -> sympy.Expr:
    return sympy.series(g, s, 0, n).removeO()


def order(n: sympy.Expr, d: sympy.Expr, x: sympy.Symbol, a: sympy.Rational,
          expr: sympy.Expr | None = None) -> tuple[int, int] | None:
    """``(v, w)``: the order ``v >= 1`` of ``D``'s zero at ``x = a``, and ``w >= v`` the number of ``N``'s leading
    coefficients shown to be 0 there (at most :data:`MOST_ORDER` more than ``v``: a margin tight at the end, such as
    ``1/3 - sin x/x - 2 cos x/x^2 + 2 sin x/x^3 = x^2/30 + ...``, is ``t^(w - v)`` times a quotient off 0). ``v``
    factor by factor (:func:`_factor_order`); ``w = v + r`` where the margin ``expr = N/D`` has a zero of order
    ``r`` at ``a`` by its series (:func:`_analytic_order`: ``N = expr D``), else by ``N``'s derivatives, each
    zero shown exactly. None where ``D`` is not shown to vanish there, or ``N`` not to order ``v``. ``D``'s
    coefficient ``v`` and ``N``'s ``w`` are not decided here: their models' Arb balls must decide them."""
    v = _factor_order(d, x, a)
    if v is None:
        v = _derivative_order(d, x, a, MOST_ORDER)
    if v == 0 or v > MOST_ORDER:
        return None
    lead = _leading(n, x, a, v + MOST_ORDER - 1)  # N is analytic: its own series, cheap
    if isinstance(lead, tuple):
        w_n, c = lead
        if w_n >= v:
            return v, min(w_n, v + MOST_ORDER)
        if not _zero(c):  # N's coefficient below v is not 0 (a value far from it, at once): a pole, not removable
            return None
    r = _analytic_order(expr, x, a) if expr is not None else None
    if r is not None:
        return None if r < 0 else (v, v + min(r, MOST_ORDER))
    w = _derivative_order(n, x, a, v + MOST_ORDER - 1)
    return (v, w) if w >= v else None


def zero_order(expr: sympy.Expr, x: sympy.Symbol, a: sympy.Rational) -> int | None:
    """The order ``r >= 1`` of the margin's zero at ``x = a`` (it is 0 there with its first ``r - 1``
    derivatives, each shown exactly: by its series, :func:`_analytic_order`, else by its derivatives); None where
    it is not 0 there or the order is above :data:`MOST_ORDER`."""
    r = _analytic_order(expr, x, a)
    if r is None:
        r = _derivative_order(expr, x, a, MOST_ORDER)
    return r if 1 <= r <= MOST_ORDER else None


#: the orders found in this proof, and the questions begun with the units their step had left
_orders: dict[tuple[Any, ...], Any] = {}
_begun: dict[tuple[Any, ...], float] = {}


def _known_order(n: sympy.Expr, d: sympy.Expr, x: sympy.Symbol, a: sympy.Rational,
                 expr: sympy.Expr | None = None) -> tuple[int, int] | None:
    """:func:`order`, asked once a proof: a question whose step was stopped before it was answered (SymPy's exact
    work on a large numerator) is None from then on, rather than the same work spent again on every box, until a
    step has more units than it had then: within a rung the steps' shares only shrink, and a deeper rung of
    :mod:`paper_checks.prover.deepening` asks again (asked once a proof, a question stopped on the first rung's 0.25
    units was never asked again on the last's 14.7)."""
    return _asked((n, d, x, a), lambda: order(n, d, x, a, expr))


def _known_zero(expr: sympy.Expr, x: sympy.Symbol, a: sympy.Rational) -> int | None:
    """:func:`zero_order`, asked as :func:`_known_order` is."""
    return _asked(("zero", expr, x, a), lambda: zero_order(expr, x, a))


def _asked(key: tuple[Any, ...], ask: Callable[[], Any]) -> Any:
    """``ask()``'s answer, asked once a proof (see :func:`_known_order`)."""
    if key not in _orders:
        room = work.left()
        if key in _begun and room <= _begun[key]:
            return None
        _begun[key] = room
        _orders[key] = ask()
    return _orders[key]


def _range(coeffs: list[Any], lo: Any, hi: Any) -> Any:
    """An enclosure of ``sum_j coeffs[j] t^j`` for ``t`` in ``[lo, hi]``: the polynomial shifted to the interval's
    centre, bounded below and above by its Bernstein coefficients
    (:func:`~paper_checks.prover.enclosures.series.bernstein_lower`)."""
    c, h = (lo + hi) / 2, (hi - lo) / 2
    m = len(coeffs)
    shifted = [sum((coeffs[j] * math.comb(j, i) * c ** (j - i) for j in range(i, m)), arb(0)) for i in range(m)]
    low = bernstein_lower(shifted, h)
    high = -bernstein_lower([-b for b in shifted], h)
    return low.union(high)


def _divided(fn: Fn, balls: list[Any], k: int, a: Any, t_lo: Any, t_hi: Any, v: int, degree: int,
             cauchy: Fn | None = None) -> Any:
    """An enclosure of ``f(a + t) / t^v`` for ``t`` in ``[t_lo, t_hi]`` (``f``'s coefficients below ``v`` at ``a``
    are 0, shown by :func:`order`): the model's polynomial and its remainder, Lagrange's (the next coefficient on
    the whole box) met with Cauchy's where ``cauchy`` (``f`` on complex balls) gives one: ``sum_(n > degree)
    |a_n| |t|^(n - v) <= R / h^v`` for ``|t| <= h``, ``R`` the remainder bound of
    :func:`~paper_checks.prover.enclosures.series.cauchy_remainders` at ``a``."""
    at = coefficients(fn, balls, k, a, degree + 1)
    try:
        top: Any = coefficients(fn, balls, k, balls[k], degree + 2)[degree + 1]
    except (Declined, ValueError, ZeroDivisionError):
        top = None
    h = abs(t_lo).max(abs(t_hi))
    rims = cauchy_remainders(cauchy, balls, k, a, h, degree) if cauchy is not None else None
    if top is None and rims is None:
        raise Declined("no remainder of the divided model on the box")
    poly = _range(at[v:], t_lo, t_hi)
    out = None
    if top is not None:
        power = degree + 1 - v
        tops = [t_lo ** power, t_hi ** power]
        reach = tops[0].union(tops[1])
        if power % 2 == 0 and t_lo < 0 < t_hi:
            reach = reach.union(arb(0))
        out = poly + top * reach
    if rims is not None:
        r = rims[0] / h ** v
        near = poly + (-r).union(r)
        out = near if out is None else out.intersection(near)
    return out


def bounds(expr: sympy.Expr, symbols: Sequence[sympy.Symbol], box: Box, prec: int, degree: int,
           base: Box | None = None) -> Any | None:
    """An Arb ball enclosing ``expr`` on ``box`` but at an end where it is ``0/0`` and its singularity is removable,
    or where it is 0 to an order ``w`` (``t^w`` times a model off 0: a margin tight at the piece's end, as the normal
    form leaves ``1/5 - 1/sin^2 X + ...`` over its positive denominator, ``c X^4 + ...``); None where no end of the
    box is one (or the models do not bound it). A zero is looked for only at an end of ``base`` (the piece's box),
    where a margin is tight; every end where ``base`` is None."""
    parts = quotient(expr)
    n, d = parts if parts is not None else (expr, sympy.Integer(1))
    fn_n, fn_d = compiled(n, tuple(symbols)), compiled(d, tuple(symbols))
    if fn_n is None or fn_d is None:
        return None
    old = ctx.prec
    ctx.prec = prec
    try:
        for k, (lo, hi) in enumerate(box):
            if lo == hi or symbols[k] not in expr.free_symbols:
                continue
            for end in (lo, hi):
                zero = base is None or end in base[k]
                got = _at_end(expr, n, d, fn_n, fn_d, symbols, box, k, end, degree, zero)
                if got is not None:
                    return got
        return None
    finally:
        ctx.prec = old


def _at_end(expr: sympy.Expr, n: sympy.Expr, d: sympy.Expr, fn_n: Fn, fn_d: Fn, symbols: Sequence[sympy.Symbol],
            box: Box, k: int, end: Fraction, degree: int, zero: bool = True) -> Any | None:
    """The quotient's enclosure on ``box`` with the singular end ``end`` of coordinate ``k``, or (``zero``) one
    where the margin is 0 (None: neither)."""
    balls = [ball(a, b) for a, b in box]
    a = arb(fmpq(end.numerator, end.denominator))
    face = list(balls)
    face[k] = a
    at = sympy.Rational(end.numerator, end.denominator)
    # an order is shown for every value of the other coordinates, so it holds at the face's centre too: a value off 0
    # there (one ball of the centre's point) says at once there is none, before SymPy's exact work (a margin of two
    # coordinates, 0.5 from 0, spent 13 of its 22 units in series on faces whose enclosure held 0, its value not)
    point = [arb(fmpq(c.numerator, c.denominator)) for c in centre(box)]
    point[k] = a
    try:
        singular = bool(fn_d(face).contains(0)) and bool(fn_d(point).contains(0))
        if not singular and not (zero and fn_n(face).contains(0) and fn_n(point).contains(0)):  # neither 0/0 nor 0
            return None
    except (Declined, ValueError, ZeroDivisionError):
        return None
    if singular:
        orders = _known_order(n, d, symbols[k], at, expr)
    else:  # the margin is 0 at the end to an order w (v = 0): t^w times N/t^w over D
        r = _known_zero(expr, symbols[k], at)
        orders = None if r is None else (0, r)
    if orders is None:
        return None
    v, w = orders
    lo, hi = box[k]
    t_lo = arb(fmpq((lo - end).numerator, (lo - end).denominator))
    t_hi = arb(fmpq((hi - end).numerator, (hi - end).denominator))
    try:
        top = _divided(fn_n, balls, k, a, t_lo, t_hi, w, degree, compiled_complex(n, tuple(symbols)))
        bottom = _divided(fn_d, balls, k, a, t_lo, t_hi, v, degree, compiled_complex(d, tuple(symbols)))
    except (Declined, ValueError, ZeroDivisionError):
        return None
    if bottom.contains(0) or not (top.is_finite() and bottom.is_finite()):
        return None
    q = top / bottom
    if w == v:
        return q
    # the margin is t^(w - v) q: of q's sign where t >= 0 or w - v is even, else of the other
    sign = 1 if (hi > end or (w - v) % 2 == 0) else -1
    if (q if sign > 0 else -q) >= 0:
        return arb(0)
    r = w - v
    return q * t_lo ** r if abs(t_lo) > abs(t_hi) else q * t_hi ** r  # below 0 somewhere: not closed


def close_across(t: Traced, box: Box, prec: int = PREC, base: Box | None = None) -> Closure | None:
    """The box closed where every smooth conjunct of the margin (:func:`~paper_checks.prover.tracing.minimum.
    as_minimum`) is bounded ``>= 0`` across a removable singularity at an end of the box, or a zero at an end of
    ``base`` (:func:`bounds`); None where one is not."""
    smooth = t.resolved(intervals(box))
    lows = []
    for part in as_minimum(smooth.expr):
        got = bounds(part, smooth.symbols, box, prec, DEGREE, base)
        if got is None or not got >= 0:
            return None
        lows.append(float_below(got))
    return Closure(True, min(lows), "removable singularity")


@register
class RemovableSingularity(BoxMethod):
    """A box with a removable singularity at an end: the margin over one denominator, both sides' models divided by
    the power of ``t`` that SymPy shows they vanish to there."""

    timed = True  # SymPy's exact orders of the zeros at the end: as much as the step's work allows

    methods = ("removable singularity",)

    def applies(self, goal: BoxGoal) -> bool:
        return bool(goal.t.expr.has(sympy.Pow, unbounded.HalfChart, unbounded.LineChart))

    def step(self, goal: BoxGoal) -> Closure | None:
        return close_across(goal.t, goal.box, base=goal.base)

    def recheck_box(self, check: Check) -> list[str]:
        again = close_across(check.t, check.box, RECHECK_BITS, check.base)
        if again is None or not again.closed:
            return [f"{check.where}: not closed again across its removable singularity at {RECHECK_BITS} bits"]
        return []
