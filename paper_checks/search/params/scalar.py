"""Scalar parameters: :class:`Real` (an interval, either end open or closed) and :class:`Integer`."""
from __future__ import annotations

import math
import numbers
from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction
from typing import Any

import numpy as np
import sympy

from label_noise_lab.theory.validators import quoted, real_number
from paper_checks.search.params.base import BOUNDARY_SHARE, Parameter
from paper_checks.search.rationals import (
    Infeasible,
    as_fraction,
    limit_den,
    simplest_between,
    to_sympy,
)


@dataclass(frozen=True)
class Real(Parameter):
    """A real parameter in ``[low, high]``; ``open_low``/``open_high`` exclude an end. ``low == high`` pins
    it (:attr:`pinned`): the search samples that one value and the prover substitutes it exactly.

    An end may be an exact rational (``Fraction(1, 10)`` or ``sympy.Rational(1, 10)``, kept as a ``Fraction``):
    the prover's boxes start from it exactly, and the search samples floats inside it. A float end is its own
    binary value (``0.1`` is ``3602879701896397/2**55``, not ``1/10``)."""

    name: str
    low: float | Fraction
    high: float | Fraction
    open_low: bool = False
    open_high: bool = False

    def __post_init__(self) -> None:
        if not (isinstance(self.name, str) and self.name.strip()):
            raise TypeError(f"Real: the name must be a non-empty string, got {type(self.name).__name__} "
                            f"{quoted(self.name)}")
        for end in ("low", "high"):
            object.__setattr__(self, end, _real_end(self.name, end, getattr(self, end)))
        if not self.low <= self.high:
            raise ValueError(f"Real {self.name!r}: need low <= high, got [{self.low}, {self.high}]")
        if self.low == self.high and (self.open_low or self.open_high or not math.isfinite(self.low)):
            raise ValueError(f"Real {self.name!r}: a pinned value must be finite with both ends closed, got "
                             f"{self._text()}")

    @classmethod
    def from_domain(cls, domain: Any) -> Real:
        """The ``Real`` of a loss parameter's declared domain (a :class:`label_noise_lab.theory.loss_parameters.Domain`:
        its
        ``name``, :meth:`~label_noise_lab.theory.loss_parameters.Domain.interval` and open ends), so that a search
        states the
        domain once; ``ValueError`` for an integer or unbounded domain."""
        lo, hi = domain.interval()
        if domain.integer or not (math.isfinite(lo) and math.isfinite(hi)):
            raise ValueError(f"Real.from_domain: {domain.name} {domain.bounds_text()} is not a bounded real interval")
        return cls(domain.name, lo, hi, open_low=domain.lo_open, open_high=domain.hi_open)

    @property
    def pinned(self) -> bool:
        """Whether the interval is one value (``low == high``)."""
        return self.low == self.high

    @property
    def dimension(self) -> int:
        return 1

    def inside(self, v: Any) -> bool:
        lo_ok = v > self.low if self.open_low else v >= self.low
        hi_ok = v < self.high if self.open_high else v <= self.high
        return bool(lo_ok and hi_ok)

    def sample(self, rng: np.random.Generator, n: int) -> np.ndarray:
        """``n`` uniform values, a :data:`BOUNDARY_SHARE` of them at the closed ends or
        ``10^-3 .. 10^-12`` of the width inside an end.

        An unbounded interval has no uniform law: its values are ``t`` drawn uniformly in the open interval
        of the prover's chart (:mod:`paper_checks.prover.tracing.unbounded`) and mapped through it, ``v = a + t/(1-t)``
        on ``[a, oo)`` (half of them within 1 of ``a``), ``b - t/(1-t)`` on ``(-oo, b]``, ``t/(1-t^2)`` on the
        line (half within ``|v| < 2/3``), with a :data:`BOUNDARY_SHARE` at the finite end."""
        if math.isinf(self.low) or math.isinf(self.high):
            return self._sample_unbounded(rng, n)
        if self.pinned:  # its one value (an exact one's nearest float: the exact margin takes it exactly)
            return np.full(n, float(self.low))
        lo, hi = _inward(self.low, 1), _inward(self.high, -1)  # an exact end's nearest float inside
        wide = math.isinf(hi - lo)  # (-1e308, 1e308): its width is no float, each half of it is
        if wide:
            u = rng.random(n)
            out = lo * (1 - u) + hi * u
        else:
            out = rng.uniform(lo, hi, n)
        b = np.flatnonzero(rng.random(n) < BOUNDARY_SHARE)
        if b.size:
            ends = [v for v, ok in ((lo, not self.open_low), (hi, not self.open_high)) if ok]
            eps = 10.0 ** -rng.integers(3, 13, b.size) * ((hi / 2 - lo / 2) if wide else (hi - lo))
            near = np.where(rng.random(b.size) < 0.5, lo + eps, hi - eps)
            if ends:
                at = np.asarray(ends)[rng.integers(len(ends), size=b.size)]
                near = np.where(rng.random(b.size) < 0.6, at, near)
            out[b] = near
        bad = ~((out > lo if self.open_low else out >= lo) & (out < hi if self.open_high else out <= hi))
        out[bad] = 0.5 * lo + 0.5 * hi if wide else 0.5 * (lo + hi)
        return out

    def _sample_unbounded(self, rng: np.random.Generator, n: int) -> np.ndarray:
        lo, hi = self.low, self.high
        if math.isinf(lo) and math.isinf(hi):
            t = rng.uniform(-1.0, 1.0, n)
            t = np.where(np.abs(t) >= 1.0, 0.0, t)
            return t / (1.0 - t * t)
        t = rng.uniform(0.0, 1.0, n)
        t = np.where(t >= 1.0, 0.0, t)
        out = lo + t / (1.0 - t) if math.isinf(hi) else hi - t / (1.0 - t)
        end = lo if math.isinf(hi) else hi
        at = rng.random(n) < BOUNDARY_SHARE
        closed = not (self.open_low if math.isinf(hi) else self.open_high)
        out[at] = end if closed else end + (1e-9 if math.isinf(hi) else -1e-9) * max(1.0, abs(end))
        bad = ~np.array([self.inside(x) for x in out], dtype=bool) if n else np.zeros(0, dtype=bool)
        out[bad] = end + (1.0 if math.isinf(hi) else -1.0)
        return out

    def round(self, v: Any, max_den: int | None) -> sympy.Rational:
        """The ``Rational`` of denominator at most ``max_den`` nearest ``v``, or the float's exact
        binary value where that one would leave the domain (e.g. land on an open end)."""
        if isinstance(v, sympy.Rational):
            return v
        for den in (max_den, None):
            r = limit_den(v, den)
            if self.inside(r):
                return to_sympy(r)
        raise Infeasible(f"{self.name} = {float(v)!r} lies outside {self._text()}")

    def is_exact(self, v: Any) -> bool:
        return isinstance(v, sympy.Rational)

    def complexity(self, v: Any) -> tuple:
        """The denominator, then ``|v|``, then the sign (positive first)."""
        f = as_fraction(v)
        return (f.denominator, abs(f), f < 0)

    def simplify(self, v: Any) -> Iterator[sympy.Rational]:
        """The simplest rational (:func:`~paper_checks.search.rationals.simplest_between`) in windows
        around ``v`` halving from the whole domain, until ``v`` itself."""
        f = as_fraction(v)
        if math.isinf(self.low) or math.isinf(self.high):  # unbounded: first |v - base| down to powers of 2
            base = Fraction(0) if math.isinf(self.low) and math.isinf(self.high) else \
                as_fraction(self.high if math.isinf(self.low) else self.low)
            dist, sgn = abs(f - base), (1 if f >= base else -1)
            j = 0
            while 2**j < dist:
                c = base + sgn * Fraction(2**j)
                if self.inside(c):
                    yield to_sympy(c)
                j += 1
        reach = 2 * (abs(f) + 1)  # an unbounded side: windows from 2 (|v| + 1) around v
        lo = as_fraction(self.low) if math.isfinite(self.low) else f - reach
        hi = as_fraction(self.high) if math.isfinite(self.high) else f + reach
        span = hi - lo
        seen: set[Fraction] = set()
        for k in range(60):
            d = span / 2**k
            a, b = max(lo, f - d), min(hi, f + d)
            s = simplest_between(a, b)
            if not self.inside(s):  # on an excluded end: step inside
                inner = (b - a) / 1024
                a2, b2 = (a + inner if s == lo else a), (b - inner if s == hi else b)
                if a2 > b2:
                    continue
                s = simplest_between(a2, b2)
            if s not in seen:
                seen.add(s)
                yield to_sympy(s)
            if s == f:
                break

    def grid_round(self, v: Any, den: int) -> Any:
        """The nearer of ``floor(v den)/den`` and ``ceil(v den)/den`` inside the domain (``v``
        where neither is)."""
        f = as_fraction(v)
        cands = sorted({Fraction(math.floor(f * den), den), Fraction(math.ceil(f * den), den)},
                       key=lambda x: abs(x - f))
        ok = [c for c in cands if self.inside(c)]
        return to_sympy(ok[0]) if ok else v

    def strategy(self) -> Any:
        """Hypothesis strategy: floats of the domain, the closed ends and the midpoint."""
        # imported here: hypothesis is a test dependency (the "test" extra), not a runtime one
        from hypothesis import strategies as st

        special = [v for v, ok in ((self.low, not self.open_low), (self.high, not self.open_high))
                   if ok and math.isfinite(v)]
        mid = 0.5 * (self.low + self.high)
        special.append(mid if math.isfinite(mid) else float(self.sample(np.random.default_rng(0), 1)[0]))
        return st.one_of(st.sampled_from(special),
                         st.floats(self.low, self.high, exclude_min=self.open_low, exclude_max=self.open_high,
                                   allow_infinity=False, allow_nan=False))

    def _text(self) -> str:
        return f"{'(' if self.open_low else '['}{self.low}, {self.high}{')' if self.open_high else ']'}"

    def pack(self, v: Any) -> list[float]:
        """The logit of ``v``'s position in ``(low, high)`` (0 for a pinned parameter: it has one value)."""
        if self.pinned:
            return [0.0]
        if math.isinf(self.low) and math.isinf(self.high):  # unbounded: asinh, log of the distance to the end
            return [math.asinh(float(v))]
        if math.isinf(self.low) or math.isinf(self.high):
            d = float(v) - self.low if math.isinf(self.high) else self.high - float(v)
            return [math.log(max(d, 1e-300))]
        t = (float(v) - self.low) / (self.high - self.low)
        t = min(max(t, 1e-15), 1 - 1e-15)
        return [math.log(t / (1 - t))]

    def unpack(self, x: np.ndarray) -> float:
        """The logistic map of ``x[0]`` onto ``(low, high)`` (``sinh``, or ``end +- exp``, on an unbounded one)."""
        x0 = float(np.clip(x[0], -700, 700))
        if math.isinf(self.low) or math.isinf(self.high):
            x0 = float(np.clip(x0, -60, 60))  # up to ~1e26 from the end
        if math.isinf(self.low) and math.isinf(self.high):
            return math.sinh(x0)
        if math.isinf(self.high):
            return self.low + math.exp(x0)
        if math.isinf(self.low):
            return self.high - math.exp(x0)
        return self.low + (self.high - self.low) / (1 + math.exp(-x0))

    def polish_ok(self, v: Any) -> bool:
        """The logistic map rounds onto an end for large ``|x|``: excluded ends stay excluded."""
        return self.inside(v)


def _real_end(name: str, end: str, v: Any) -> Any:
    """One end of a :class:`Real`: a real number (``int``, ``float``, ``Fraction``, a NumPy or SymPy real; a
    ``sympy.Rational`` becomes a ``Fraction``, a finite ``Decimal`` its exact ``Fraction``), never NaN, and finite
    ones within the floats' range (the search samples floats). A one-line ``TypeError``/``ValueError`` otherwise
    (``Decimal('NaN')`` raised ``decimal.InvalidOperation`` on comparison, ``10**400`` an ``OverflowError`` in
    the search)."""
    if isinstance(v, Decimal):  # the doors' one rule (comparing a Decimal NaN raises decimal.InvalidOperation)
        v = real_number(f"Real {quoted(name)}: {end}", v)
    if isinstance(v, sympy.Rational):  # one exact type for an exact end
        v = Fraction(int(v.p), int(v.q))
    real = isinstance(v, numbers.Real) or (isinstance(v, sympy.Basic) and v.is_number and v.is_extended_real)
    if isinstance(v, bool) or not (real or (isinstance(v, sympy.Basic) and v is sympy.nan)):
        raise TypeError(f"Real {quoted(name)}: {end} must be a real number (int, float, Fraction, sympy.Rational), got "
                        f"{type(v).__name__} {quoted(v)}")
    try:
        f = float(v)
    except OverflowError:
        raise ValueError(f"Real {quoted(name)}: {end} must lie within the floating-point range (about 1.8e308: the "
                         f"search samples floats), got {quoted(v)}") from None
    if math.isnan(f):
        raise ValueError(f"Real {quoted(name)}: {end} must be a number, got NaN")
    return v


#: the largest magnitude of an :class:`Integer`'s ends: every integer up to it is a float exactly
INTEGER_LIMIT = 2**53


@dataclass(frozen=True)
class Integer(Parameter):
    """An integer parameter in ``[low, high]``."""

    name: str
    low: int
    high: int

    def __post_init__(self) -> None:
        if not (isinstance(self.name, str) and self.name.strip()):
            raise TypeError(f"Integer: the name must be a non-empty string, got {type(self.name).__name__} "
                            f"{quoted(self.name)}")
        for end in ("low", "high"):
            v = getattr(self, end)
            if isinstance(v, bool) or not isinstance(v, numbers.Integral):
                raise TypeError(f"Integer {self.name!r}: {end} must be a whole number (an int), got "
                                f"{type(v).__name__} {quoted(v)}")
            if abs(int(v)) > INTEGER_LIMIT:
                raise ValueError(f"Integer {self.name!r}: {end} must lie in [-2**53, 2**53] (the search samples "
                                 f"and rounds in floating point), got {quoted(v)}")
        if not self.low <= self.high:
            raise ValueError(f"Integer {self.name!r}: need low <= high, got [{self.low}, {self.high}]")

    @property
    def dimension(self) -> int:
        return 0

    def inside(self, v: Any) -> bool:
        return bool(self.low <= v <= self.high) and int(v) == v

    def sample(self, rng: np.random.Generator, n: int) -> np.ndarray:
        """``n`` integers, small ones favoured (log-uniform), a share at the ends."""
        span = self.high - self.low + 1
        out = self.low + np.minimum(span - 1, np.floor(np.exp(rng.uniform(0, math.log(span), n))) - 1).astype(np.int64)
        b = rng.random(n) < BOUNDARY_SHARE
        out[b] = np.where(rng.random(int(b.sum())) < 0.5, self.low, self.high)
        return out

    def round(self, v: Any, max_den: int | None) -> sympy.Integer:
        """The nearest integer (``max_den`` is not used)."""
        r = round(float(v))
        if not self.low <= r <= self.high:
            raise Infeasible(f"{self.name} = {v!r} lies outside [{self.low}, {self.high}]")
        return sympy.Integer(r)

    def is_exact(self, v: Any) -> bool:
        return isinstance(v, sympy.Rational)

    def complexity(self, v: Any) -> tuple:
        """``|v|``, then the sign (positive first)."""
        return (abs(int(v)), int(v) < 0)

    def simplify(self, v: Any) -> Iterator[sympy.Integer]:
        """The simplest value of the range, then halfway steps towards ``v`` (a binary search)."""
        n = int(v)
        t = min(max(0, self.low), self.high)
        cands = [t]
        gap = n - t
        k = 1
        while abs(gap) >> k:
            cands.append(n - (gap >> k) if gap > 0 else n + ((-gap) >> k))
            k += 1
        cands.append(n - 1 if n > t else n + 1)
        for c in dict.fromkeys(cands):
            if self.low <= c <= self.high and c != n:
                yield sympy.Integer(c)

    def grid_round(self, v: Any, den: int) -> Any:
        """An integer is on every grid: ``v`` itself."""
        return v

    def strategy(self) -> Any:
        """Hypothesis strategy: the ends, then any integer of the range."""
        # imported here: hypothesis is a test dependency (the "test" extra), not a runtime one
        from hypothesis import strategies as st

        return st.one_of(st.sampled_from([self.low, self.high]), st.integers(self.low, self.high))

    def pack(self, v: Any) -> list[float]:
        """Nothing: the polish does not move integers."""
        return []

    def unpack(self, x: np.ndarray) -> Any:
        raise TypeError(f"Integer {self.name!r} has no continuous coordinates to unpack")


def _inward(end: float | Fraction, toward: int) -> float:
    """The float nearest ``end`` on its side of the interval (``toward`` +1 for a low end, -1 for a high end): the
    float itself for a float end, else the float of an exact end moved one step inside where rounding left it
    outside (``float(Fraction(1, 3))`` is below 1/3)."""
    f = float(end)
    if isinstance(end, Fraction) and (Fraction(f) - end) * toward < 0:
        f = float(np.nextafter(f, math.inf * toward))
    return f
