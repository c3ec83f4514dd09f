"""Exact rational arithmetic behind the search's rounding and shrinking.

- :func:`simplest_between`: the rational of smallest denominator in an interval, by descending
  the Stern-Brocot tree, i.e. by continued fractions (Graham, Knuth & Patashnik 1994,
  *Concrete Mathematics*, sec. 4.5);
- :func:`simplex_round`: exact coordinates near a float point of the simplex that keep its
  zero pattern and sum exactly to 1;
- :func:`grid_points` and :func:`simplex_candidates`: simplex points with a small common
  denominator near a given one, by largest remainders (Hamilton's apportionment; Balinski &
  Young 1982, *Fair Representation*, ch. 2).

Values are :class:`fractions.Fraction` here; :func:`to_sympy` turns one into the
``sympy.Rational`` that exact margins take.
"""
from __future__ import annotations

import math
from collections.abc import Iterator
from fractions import Fraction
from typing import Any

import numpy as np
import sympy


class Infeasible(Exception):
    """Rounding a value to exact arithmetic cannot keep it inside the domain."""


def as_fraction(v: Any) -> Fraction:
    """``v`` (a ``Fraction``, ``sympy.Rational``, integer or float) as an exact ``Fraction``."""
    if isinstance(v, Fraction):
        return v
    if isinstance(v, sympy.Rational):
        return Fraction(int(v.p), int(v.q))
    if isinstance(v, (int, np.integer)):
        return Fraction(int(v))
    return Fraction(float(v))


def to_sympy(f: Fraction) -> sympy.Rational:
    """``f`` as a ``sympy.Rational`` (a ``sympy.Integer`` when whole)."""
    return sympy.Rational(f.numerator, f.denominator)


def limit_den(v: float, max_den: int | None) -> Fraction:
    """The fraction of denominator at most ``max_den`` nearest ``v``; its exact binary value for None."""
    f = Fraction(float(v))
    return f if max_den is None else f.limit_denominator(max_den)


def simplest_between(a: Fraction, b: Fraction) -> Fraction:
    """The rational in ``[a, b]`` with the smallest denominator (then the smallest ``|value|``).

    Continued fractions (the Stern-Brocot descent); ``a <= b`` exact rationals.
    """
    if a > b:
        raise ValueError(f"empty interval [{a}, {b}]")
    if a <= 0 <= b:
        return Fraction(0)
    if b < 0:
        return -simplest_between(-b, -a)
    c = math.ceil(a)
    if c <= b:
        return Fraction(c)
    fl = math.floor(a)  # a, b in (fl, fl + 1)
    return fl + 1 / simplest_between(1 / (b - fl), 1 / (a - fl))


def common_denominator(vals: list[Fraction]) -> int:
    """The least common denominator of ``vals`` (1 for none)."""
    return math.lcm(*[v.denominator for v in vals]) if vals else 1


def simplex_round(v: np.ndarray, max_den: int | None, name: str) -> list[Fraction]:
    """Exact coordinates near ``v`` that stay >= 0, keep positive ones positive and sum exactly to 1.

    Every coordinate but the largest is rounded to denominator ``max_den`` (a tiny positive
    one keeps its exact binary value); the largest takes the remainder. Raises
    :class:`Infeasible` when ``v`` is not a point of the simplex or the remainder is not positive.
    """
    v = np.asarray(v, dtype=float)
    if v.ndim != 1 or not np.all(np.isfinite(v)) or np.any(v < 0):
        raise Infeasible(f"{name} = {v.tolist()} is not a point of the simplex")
    if v.sum() <= 0:
        raise Infeasible(f"{name} = {v.tolist()} is zero")
    v = v / v.sum()
    k = int(np.argmax(v))
    out: list[Fraction] = []
    for i, x in enumerate(v):
        if i == k or x == 0:
            out.append(Fraction(0))
            continue
        r = limit_den(x, max_den)
        if r <= 0:  # a tiny positive coordinate: keep it positive with its exact binary value
            r = Fraction(float(x))
        out.append(r)
    out[k] = 1 - sum(out)
    if out[k] <= 0:
        raise Infeasible(f"{name}: rounding cannot keep the largest coordinate positive")
    return out


def grid_points(v: list[Fraction], den: int) -> list[list[Fraction]]:
    """Points with common denominator ``den`` nearest ``v``: plain largest remainder, and one
    that keeps the positive coordinates positive."""
    n = len(v)
    out = []
    for keep_positive in (False, True):
        floor = [math.floor(x * den) for x in v]
        if keep_positive:
            floor = [max(f, 1) if x > 0 else 0 for f, x in zip(floor, v)]
        left = den - sum(floor)
        if left < 0:
            # keep_positive took too much: take from the largest counts
            order = sorted(range(n), key=lambda i: -floor[i])
            for i in order:
                while left < 0 and floor[i] > 1:
                    floor[i] -= 1
                    left += 1
            if left < 0:
                continue
        rem = sorted(range(n), key=lambda i: -(v[i] * den - math.floor(v[i] * den)))
        for i in rem[:left]:
            floor[i] += 1
        out.append([Fraction(f, den) for f in floor])
    return out


def simplex_candidates(v: list[Fraction]) -> Iterator[list[Fraction]]:
    """Simplex points with small common denominators near ``v``, smallest denominators first,
    then moves of ``1/D`` between coordinates that lower the common denominator ``D``."""
    D = common_denominator(v)
    dens = [d for d in range(1, 65) if d < D] + [d for d in (100, 128, 1000, 1024, 10**4, 10**6) if d < D]
    seen = {tuple(v)}
    for d in dens:
        for w in grid_points(v, d):
            if tuple(w) not in seen:
                seen.add(tuple(w))
                yield w
    if D <= 4096:
        n = len(v)
        step = Fraction(1, D)
        for i in range(n):
            for j in range(n):
                if i != j and v[i] >= step:
                    w = list(v)
                    w[i] -= step
                    w[j] += step
                    if common_denominator(w) < D:
                        yield w


def simplex_complexity(v: list[Fraction]) -> tuple:
    """How complex a simplex point is: its common denominator, then its coordinates."""
    return (common_denominator(v), tuple(v))
