"""Rigorous interval enclosures of the special functions a margin may use beyond ``exp`` and ``log``.

Each function of :data:`ENCLOSURES` takes an ``mpmath.iv`` interval and returns an interval holding every
value the function takes on it (Moore, Kearfott & Cloud 2009, "Introduction to Interval Analysis",
sec. 5.1: a function monotone on a piece is enclosed by its values at the piece's ends, rounded outward):

- increasing on their whole domain: ``atan``, ``asinh``, ``sinh``, ``tanh``, ``erf``, ``asin`` (on
  ``[-1, 1]``), ``acosh`` (on ``[1, oo)``), ``atanh`` (on ``(-1, 1)``); decreasing: ``acos``, ``erfc``;
- ``cosh``: decreasing on ``x <= 0``, increasing on ``x >= 0`` (least value 1 at 0, inside the box or not);
- ``sign`` and ``Heaviside`` (``1/2`` at 0, SymPy's convention): their values, both on an interval holding 0;
- ``sin``, ``cos``, ``tan``: ``mpmath.iv``'s own enclosures, which find the critical points
  ``k pi / 2`` inside the interval; ``tan`` of an interval holding a pole ``pi/2 + k pi`` is undefined
  (:class:`OutsideDomain`: never a proof).

The value at an end is itself a rigorous enclosure built only from ``mpmath.iv``'s ``exp``, ``log``,
``sqrt``, ``sin`` and ``tan``: ``sinh``/``cosh``/``tanh``/``asinh``/``acosh``/``atanh`` by their formulas in
``exp``/``log``/``sqrt``; ``atan`` and ``asin`` by a *verified inverse* (a candidate ``y0`` from mpmath at
higher precision, accepted only where ``tan(y0 - e) <= x <= tan(y0 + e)`` holds in interval arithmetic, so
that the root lies in ``[y0 - e, y0 + e]``; else the function's range); ``erf`` by its Maclaurin series
(Abramowitz & Stegun 7.1.5) with the alternating tail bounded by its first term, and for ``|x| > 5`` by the
bounds of ``erfc`` of A&S 7.1.13, ``2 e^(-x^2) / (sqrt(pi) (x + sqrt(x^2 + 2))) < erfc x <=
2 e^(-x^2) / (sqrt(pi) (x + sqrt(x^2 + 4/pi)))`` for ``x >= 0``.

Where an argument may leave a function's domain (``asin`` of a part beyond 1, ``acosh`` below 1, a pole of
``tan``) :class:`OutsideDomain` is raised: the whole expression is then the whole line, which decides
nothing. The re-check bounds the same nodes with Arb
(:mod:`paper_checks.prover.enclosures.balls`), a different library.
"""
from __future__ import annotations

from collections.abc import Callable
from typing import Any

import mpmath
import sympy

IV = mpmath.iv
Interval = Any  # an mpmath.iv interval (``ivmpf``; mpmath has no annotations)

#: extra working bits of the point evaluations (series, verified inverses)
EXTRA_BITS = 30
#: beyond this ``|x|`` erf is 1 - erfc by the bounds of A&S 7.1.13 (the series' terms grow like e^(x^2))
ERF_SERIES_MAX = 5


class OutsideDomain(Exception):
    """An argument that may leave the function's domain on the interval (``asin`` beyond 1, a pole of ``tan``):
    the tracer turns it into its own ``OffDomain`` (the whole expression is then the whole line: no later node,
    an even power or ``Abs``, may narrow it). Not a ``ValueError``, so that no guard takes it for a value."""


def whole() -> Interval:
    """The whole real line: what a function is known to be where its argument leaves its domain."""
    return IV.mpf([-mpmath.inf, mpmath.inf])


def _pt(v: object) -> Interval:
    return IV.mpf(v)


def _span(lo: Interval, hi: Interval) -> Interval:
    """The interval from the lower end of ``lo`` to the upper end of ``hi``."""
    return IV.mpf([lo.a, hi.b])


def _increasing(point: Callable[[Interval], Interval], lo_lim: object = -mpmath.inf,
                hi_lim: object = mpmath.inf) -> Callable[[Interval], Interval]:
    """An increasing function enclosed by its values at the ends (``lo_lim``/``hi_lim``: its limits at
    ``-oo``/``+oo``, where an end is infinite)."""
    def enc(x: Interval) -> Interval:
        a = IV.mpf(lo_lim) if x.a == -mpmath.inf else point(_pt(x.a))
        b = IV.mpf(hi_lim) if x.b == mpmath.inf else point(_pt(x.b))
        return _span(a, b)
    return enc


# ------------------------------------------------------------------ point enclosures
def _sinh(x: Interval) -> Interval:
    return (IV.exp(x) - IV.exp(-x)) / 2


def _cosh_pt(x: Interval) -> Interval:
    return (IV.exp(x) + IV.exp(-x)) / 2


def _tanh(x: Interval) -> Interval:
    if x.a >= 0:
        t = IV.exp(-2 * x)
        out = (1 - t) / (1 + t)
    else:
        t = IV.exp(2 * x)
        out = (t - 1) / (t + 1)
    return IV.mpf([max(out.a, -1), min(out.b, 1)])


def _asinh(x: Interval) -> Interval:
    if x.a < 0:
        return -_asinh(-x)
    return IV.log(x + IV.sqrt(x * x + 1))


def _acosh(x: Interval) -> Interval:
    return IV.log(x + IV.sqrt(IV.mpf([max((x * x - 1).a, 0), (x * x - 1).b])))


def _atanh(x: Interval) -> Interval:
    if x.a <= -1:
        return IV.mpf(-mpmath.inf)
    if x.b >= 1:
        return IV.mpf(mpmath.inf)
    return (IV.log(1 + x) - IV.log(1 - x)) / 2


def _verified_inverse(g: Callable[[Interval], Interval], guess: Callable[[Any], Any], x: Interval,
                      lo_lim: Interval, hi_lim: Interval) -> Interval:
    """The ``y`` in ``(lo_lim, hi_lim)`` with ``g(y) = x`` for ``g`` increasing there, enclosed: a candidate
    from ``guess`` at higher precision, its neighbours ``y0 -+ e`` accepted only where ``g`` of them
    brackets ``x`` in interval arithmetic; an unverified side falls back to the range's end."""
    lo, hi = lo_lim.a, hi_lim.b
    with mpmath.workprec(IV.prec + EXTRA_BITS):  # x's end is exact at this precision; so is every comparison
        v = x.a
        y0 = guess(v)
        for shift in (2, 6, 16, 40):
            e = mpmath.ldexp(max(abs(y0), mpmath.mpf(1)), -(IV.prec - shift))
            if y0 - e > lo and g(_pt(y0 - e)).b <= v:
                lo = y0 - e
                break
        for shift in (2, 6, 16, 40):
            e = mpmath.ldexp(max(abs(y0), mpmath.mpf(1)), -(IV.prec - shift))
            if y0 + e < hi and g(_pt(y0 + e)).a >= v:
                hi = y0 + e
                break
    return IV.mpf([lo, hi])


def _atan(x: Interval) -> Interval:
    half = IV.pi / 2

    def tan_inc(y: Interval) -> Interval:  # tan on (-pi/2, pi/2); a candidate beyond it is not accepted
        if y.a <= -half.a or y.b >= half.a:
            return whole()
        return IV.tan(y)
    return _verified_inverse(tan_inc, mpmath.atan, x, -half, half)


def _asin(x: Interval) -> Interval:
    half = IV.pi / 2
    if x.a >= 1:
        return half
    if x.b <= -1:
        return -half

    def sin_inc(y: Interval) -> Interval:
        if y.a < -half.a or y.b > half.a:
            return whole()
        return IV.sin(y)
    return _verified_inverse(sin_inc, mpmath.asin, x, -half, half)


def _erfc_tail(x: Interval) -> Interval:
    """``erfc(x)`` for ``x >= 0`` between the bounds of A&S 7.1.13."""
    k = 2 * IV.exp(-x * x) / IV.sqrt(IV.pi)
    low = k / (x + IV.sqrt(x * x + 2))
    high = k / (x + IV.sqrt(x * x + 4 / IV.pi))
    return IV.mpf([low.a, high.b])


def _erf_series(x: Interval) -> Interval:
    """``erf(x) = 2/sqrt(pi) sum_n (-1)^n x^(2n+1) / (n! (2n+1))`` (A&S 7.1.5), ``|x| <= 5``: summed until
    the terms decrease (``n + 1 > x^2``) and fall below the working precision; the alternating tail is then
    at most the next term's size."""
    old = IV.prec
    IV.prec = old + EXTRA_BITS + 40
    try:
        x2 = x * x
        term = x  # x^(2n+1) / n!, signed
        total = IV.mpf(0)
        n = 0
        tiny = mpmath.ldexp(1, -(old + 10))
        xx = float(mpmath.mpf(x.b) ** 2)
        while True:
            total = total + term / (2 * n + 1)
            term = -term * x2 / (n + 1)
            n += 1
            nxt = term / (2 * n + 1)
            size = max(abs(nxt.a), abs(nxt.b))
            if n > xx + 1 and size < tiny:  # terms decreasing from here on (xx rounds x^2, hence the + 1)
                total = total + IV.mpf([-size, size])
                break
        return total * 2 / IV.sqrt(IV.pi)
    finally:
        IV.prec = old


def _erf(x: Interval) -> Interval:
    if x.a > ERF_SERIES_MAX:
        out = 1 - _erfc_tail(x)
    elif x.b < -ERF_SERIES_MAX:
        out = _erfc_tail(-x) - 1
    else:
        out = _erf_series(x)
    return IV.mpf([max(out.a, -1), min(out.b, 1)])


def _erfc(x: Interval) -> Interval:
    if x.a > ERF_SERIES_MAX:
        return _erfc_tail(x)
    if x.b < -ERF_SERIES_MAX:
        return 2 - _erfc_tail(-x)
    return 1 - _erf_series(x)


# ------------------------------------------------------------------ interval enclosures
def _guarded(fn: Callable[[Interval], Interval]) -> Callable[[Interval], Interval]:
    def safe(x: Interval) -> Interval:
        try:
            return fn(x)
        except (ValueError, ZeroDivisionError, OverflowError, mpmath.libmp.NoConvergence):
            return whole()
    return safe


def _domain(fn: Callable[[Interval], Interval], low: object = -mpmath.inf, high: object = mpmath.inf
            ) -> Callable[[Interval], Interval]:
    """``fn`` where the argument lies in ``[low, high]``; the whole line where part of it does not."""
    def enc(x: Interval) -> Interval:
        if x.a < low or x.b > high:
            raise OutsideDomain(f"an argument outside [{low}, {high}]")
        return fn(x)
    return enc


def tan(x: Interval) -> Interval:
    """``mpmath.iv``'s ``tan``; an interval holding a pole ``pi/2 + k pi`` (iv gives the whole line) is outside
    the domain."""
    out = IV.tan(x)
    if out.a == -mpmath.inf and out.b == mpmath.inf:
        raise OutsideDomain("a pole of tan")
    return out


def cosh(x: Interval) -> Interval:
    """``cosh`` on ``x``: least at the point of ``x`` nearest 0, largest at the end farthest from it."""
    far = max(abs(x.a), abs(x.b))
    near = 0 if x.a <= 0 <= x.b else min(abs(x.a), abs(x.b))
    top = IV.mpf(mpmath.inf) if far == mpmath.inf else _cosh_pt(_pt(far))
    return _span(_cosh_pt(_pt(near)), top)


def acos(x: Interval) -> Interval:
    """``acos = pi/2 - asin`` on ``[-1, 1]``, decreasing."""
    s = _increasing(_asin)(x)
    half = IV.pi / 2
    return IV.mpf([(half - IV.mpf(s.b)).a, (half - IV.mpf(s.a)).b])


def erfc(x: Interval) -> Interval:
    """``erfc`` on ``x``, decreasing: its values at the ends (2 at ``-oo``, 0 at ``+oo``)."""
    a = IV.mpf(2) if x.a == -mpmath.inf else _erfc(_pt(x.a))
    b = IV.mpf(0) if x.b == mpmath.inf else _erfc(_pt(x.b))
    return IV.mpf([max(b.a, 0), min(a.b, 2)])


def sign(x: Interval) -> Interval:
    """``sign``: -1, 0 or 1; ``[-1, 1]`` on an interval holding 0 (a step: its derivative is no interval)."""
    if x.a > 0:
        return IV.mpf(1)
    if x.b < 0:
        return IV.mpf(-1)
    return IV.mpf([0 if x.a == 0 else -1, 0 if x.b == 0 else 1])


def heaviside(x: Interval) -> Interval:
    """SymPy's ``Heaviside`` (``1/2`` at 0): 0 below 0, 1 above, ``[0, 1]`` on an interval holding 0."""
    if x.a > 0:
        return IV.mpf(1)
    if x.b < 0:
        return IV.mpf(0)
    return IV.mpf([0 if x.a < 0 else 0.5, 1 if x.b > 0 else 0.5])


# ------------------------------------------------------------------ exp's inverse, x log x and the kinks
def log(x: Interval) -> Interval:
    """``log x`` on ``x >= 0`` (``-oo`` at 0, the extended reals' limit, as a loss infinite at a vertex is)."""
    if x.a < 0:
        raise OutsideDomain("log")
    if x.b == 0:
        return whole()
    return IV.log(x)


def xlogx(x: Interval) -> Interval:
    """``x log x`` on ``x >= 0`` as one function (0 at ``x = 0``, its limit; least ``-1/e`` at ``1/e``): the
    product of the intervals of ``x`` and ``log x`` is unbounded below at 0, the entropy term is not."""
    if x.a < 0:
        raise OutsideDomain("x log x of a negative part")
    ends = [IV.mpf(0) if x.a == 0 else IV.mpf(x.a) * IV.log(IV.mpf(x.a)), IV.mpf(x.b) * IV.log(IV.mpf(x.b))
            if x.b > 0 else IV.mpf(0)]
    lo = min(end.a for end in ends)
    inv_e = IV.mpf(1) / IV.e  # decreasing below 1/e, increasing above: the least value at an end or at 1/e
    if x.a <= inv_e.b and x.b >= inv_e.a:
        lo = min(lo, (-inv_e).a)
    return IV.mpf([lo, max(end.b for end in ends)])


def maximum(parts: list[Interval]) -> Interval:
    """``Max`` of intervals."""
    return IV.mpf([max(p.a for p in parts), max(p.b for p in parts)])


def minimum(parts: list[Interval]) -> Interval:
    """``Min`` of intervals."""
    return IV.mpf([min(p.a for p in parts), min(p.b for p in parts)])


def absolute(x: Interval) -> Interval:
    """``Abs`` of an interval."""
    if x.a >= 0:
        return x
    if x.b <= 0:
        return -x
    return IV.mpf([0, max(-x.a, x.b)])


def _halfpi() -> Interval:
    return IV.pi / 2


ENCLOSURES: dict[type, Callable[[Interval], Interval]] = {
    sympy.sin: _guarded(IV.sin),
    sympy.cos: _guarded(IV.cos),
    sympy.tan: _guarded(tan),
    sympy.atan: _guarded(lambda x: _increasing(_atan, -_halfpi(), _halfpi())(x)),
    sympy.asin: _guarded(_domain(_increasing(_asin), -1, 1)),
    sympy.acos: _guarded(_domain(acos, -1, 1)),
    sympy.sinh: _guarded(_increasing(_sinh)),
    sympy.cosh: _guarded(cosh),
    sympy.tanh: _guarded(_increasing(_tanh, -1, 1)),
    sympy.asinh: _guarded(_increasing(_asinh)),
    sympy.acosh: _guarded(_domain(_increasing(_acosh), 1)),
    sympy.atanh: _guarded(_domain(_increasing(_atanh), -1, 1)),
    sympy.erf: _guarded(_increasing(_erf, -1, 1)),
    sympy.erfc: _guarded(erfc),
    sympy.sign: sign,
    sympy.Heaviside: heaviside,
}
#: the names of the functions enclosed here (for the whitelist's messages)
NAMES = tuple(t.__name__ for t in ENCLOSURES)
