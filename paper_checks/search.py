"""Counterexample search: random sampling, local optimisation, exact verification, shrinking.

A claim declares a :class:`SearchSpace`: the domain (:class:`Real`, :class:`Integer`,
:class:`SimplexPoint`, :class:`StochasticMatrix` parameters, plus an optional
``constraint``) and a ``margin`` that is negative exactly where the claim fails. The
search samples the domain (boundary values included), polishes the worst points with
``scipy.optimize.minimize`` (Nelder-Mead over an unconstrained reparametrisation),
then, for a failing point, rounds it to rationals, re-evaluates ``exact_margin`` in
exact arithmetic (SymPy; irrational results evaluated to 50 digits) and shrinks it to
the simplest values that still fail (DESIGN.md, "Counterexamples").
"""
from __future__ import annotations

import math
from dataclasses import dataclass, field
from fractions import Fraction
from typing import Any, Callable, Union

import numpy as np
import sympy
from scipy.optimize import minimize


@dataclass(frozen=True)
class Real:
    """A real parameter in ``[low, high]``; ``open_low``/``open_high`` exclude an end."""

    name: str
    low: float
    high: float
    open_low: bool = False
    open_high: bool = False

    def __post_init__(self) -> None:
        if not self.low < self.high:
            raise ValueError(f"Real {self.name!r}: need low < high, got [{self.low}, {self.high}]")

    def inside(self, v: float) -> bool:
        lo_ok = v > self.low if self.open_low else v >= self.low
        hi_ok = v < self.high if self.open_high else v <= self.high
        return lo_ok and hi_ok


@dataclass(frozen=True)
class Integer:
    """An integer parameter in ``[low, high]``."""

    name: str
    low: int
    high: int

    def __post_init__(self) -> None:
        if not self.low <= self.high:
            raise ValueError(f"Integer {self.name!r}: need low <= high, got [{self.low}, {self.high}]")


@dataclass(frozen=True)
class SimplexPoint:
    """A point of the probability simplex of dimension ``dim`` (a length-``dim`` array)."""

    name: str
    dim: int


@dataclass(frozen=True)
class StochasticMatrix:
    """A row-stochastic ``dim x dim`` matrix."""

    name: str
    dim: int


Param = Union[Real, Integer, SimplexPoint, StochasticMatrix]
Point = dict[str, Any]


@dataclass(frozen=True)
class SearchSpace:
    """Where a claim is searched and how its failure is measured.

    Attributes
    ----------
    params : the parameters of the domain
    margin : ``point -> float``, negative exactly where the claim fails
    exact_margin : ``point -> sympy expression`` on a point of Rationals; required to
        report a verified counterexample
    constraint : ``point -> bool``; points where it is False are outside the domain
    description : what the margin measures, for reports
    """

    params: tuple[Param, ...]
    margin: Callable[[Point], float]
    exact_margin: Callable[[Point], Any] | None = None
    constraint: Callable[[Point], bool] | None = None
    description: str = ""


@dataclass
class SearchResult:
    """The worst point found and, when it fails, its verified and shrunk form."""

    worst: Point
    worst_margin: float
    evaluated: int
    counterexample: Point | None = None
    exact_margin: str | None = None
    exact_margin_value: float | None = None
    verified: bool = False
    notes: list[str] = field(default_factory=list)

    @property
    def failed(self) -> bool:
        """True when a counterexample was found and verified exactly."""
        return self.verified

    def to_json(self) -> dict[str, Any]:
        from paper_checks.evidence import jsonable

        return {
            "worst": jsonable(self.worst),
            "worst_margin": self.worst_margin,
            "evaluated": self.evaluated,
            "counterexample": jsonable(self.counterexample),
            "exact_margin": self.exact_margin,
            "exact_margin_value": self.exact_margin_value,
            "verified": self.verified,
        }


# ------------------------------------------------------------------ sampling
def _sample(p: Param, rng: np.random.Generator, boundary: bool) -> Any:
    if isinstance(p, Real):
        if boundary:
            ends = [v for v, ok in ((p.low, not p.open_low), (p.high, not p.open_high)) if ok]
            if ends and rng.random() < 0.7:
                return float(ends[rng.integers(len(ends))])
            # near an open end
            eps = 10.0 ** -rng.integers(3, 9) * (p.high - p.low)
            return float(p.low + eps) if rng.random() < 0.5 else float(p.high - eps)
        return float(rng.uniform(p.low, p.high))
    if isinstance(p, Integer):
        if boundary:
            return int(p.low if rng.random() < 0.5 else p.high)
        # favour small integers: log-uniform over the range
        span = p.high - p.low + 1
        return int(p.low + min(span - 1, int(math.exp(rng.uniform(0, math.log(span))) - 1)))
    if isinstance(p, SimplexPoint):
        if boundary:
            a = rng.dirichlet(np.full(p.dim, 0.1))
            return a
        return rng.dirichlet(np.ones(p.dim))
    if isinstance(p, StochasticMatrix):
        conc = 0.1 if boundary else 1.0
        return rng.dirichlet(np.full(p.dim, conc), size=p.dim)
    raise TypeError(f"unknown parameter type {type(p).__name__}")


def _valid(space: SearchSpace, point: Point) -> bool:
    return space.constraint is None or bool(space.constraint(point))


def _evaluate(space: SearchSpace, point: Point) -> float:
    try:
        with np.errstate(all="ignore"):
            m = float(space.margin(point))
    except (ValueError, ZeroDivisionError, OverflowError):
        return math.inf
    return m if math.isfinite(m) or m == -math.inf else math.inf


# ------------------------------------------------------------------ local polish
def _pack(space: SearchSpace, point: Point) -> np.ndarray:
    out: list[float] = []
    for p in space.params:
        v = point[p.name]
        if isinstance(p, Real):
            t = (v - p.low) / (p.high - p.low)
            t = min(max(t, 1e-12), 1 - 1e-12)
            out.append(math.log(t / (1 - t)))
        elif isinstance(p, SimplexPoint):
            out.extend(np.log(np.maximum(v, 1e-300)))
        elif isinstance(p, StochasticMatrix):
            out.extend(np.log(np.maximum(v, 1e-300)).ravel())
    return np.array(out)


def _unpack(space: SearchSpace, x: np.ndarray, base: Point) -> Point:
    point = dict(base)
    i = 0
    for p in space.params:
        if isinstance(p, Real):
            v = p.low + (p.high - p.low) / (1 + math.exp(-float(np.clip(x[i], -700, 700))))
            point[p.name] = v
            i += 1
        elif isinstance(p, SimplexPoint):
            z = x[i : i + p.dim]
            e = np.exp(z - z.max())
            point[p.name] = e / e.sum()
            i += p.dim
        elif isinstance(p, StochasticMatrix):
            z = x[i : i + p.dim * p.dim].reshape(p.dim, p.dim)
            e = np.exp(z - z.max(axis=1, keepdims=True))
            point[p.name] = e / e.sum(axis=1, keepdims=True)
            i += p.dim * p.dim
    return point


def _polish(space: SearchSpace, start: Point, maxiter: int) -> tuple[Point, float, int]:
    x0 = _pack(space, start)
    if x0.size == 0:
        return start, _evaluate(space, start), 0
    count = 0

    def f(x: np.ndarray) -> float:
        nonlocal count
        count += 1
        pt = _unpack(space, x, start)
        if not _valid(space, pt):
            return 1e300
        m = _evaluate(space, pt)
        return m if math.isfinite(m) else (1e300 if m > 0 else -1e300)

    res = minimize(f, x0, method="Nelder-Mead", options={"maxiter": maxiter, "xatol": 1e-12, "fatol": 1e-14})
    pt = _unpack(space, res.x, start)
    return pt, _evaluate(space, pt) if _valid(space, pt) else math.inf, count


# ------------------------------------------------------------------ exactness and shrinking
def to_rational(point: Point, space: SearchSpace, max_den: int = 10**6) -> Point:
    """The point with every real coordinate replaced by a nearby SymPy ``Rational``.

    Simplex points and stochastic rows are rounded and then closed exactly (the last
    coordinate takes the remainder), so they stay exactly on the simplex.
    """
    out: Point = dict(point)
    for p in space.params:
        v = point[p.name]
        if isinstance(p, Real):
            r = _rat(v, max_den)
            if not p.inside(float(r)):  # rounding landed on an open end (or outside): keep more digits
                r = _rat(v, 10**18)
            out[p.name] = r
        elif isinstance(p, Integer):
            out[p.name] = sympy.Integer(int(v))
        elif isinstance(p, SimplexPoint):
            out[p.name] = _rat_simplex(np.asarray(v, dtype=float), max_den)
        elif isinstance(p, StochasticMatrix):
            out[p.name] = sympy.Matrix([_rat_simplex(row, max_den) for row in np.asarray(v, dtype=float)])
    return out


def _rat(v: Any, max_den: int) -> sympy.Rational:
    if isinstance(v, sympy.Basic):
        return v
    f = Fraction(float(v)).limit_denominator(max_den)
    return sympy.Rational(f.numerator, f.denominator)


def _rat_simplex(v: np.ndarray, max_den: int) -> list[sympy.Rational]:
    head = [_rat(x, max_den) for x in v[:-1]]
    last = 1 - sum(head)
    if last < 0:  # rounding pushed past 1: take from the largest coordinate
        k = int(np.argmax(v[:-1]))
        head[k] += last
        last = sympy.Integer(0)
    return [*head, last]


def exact_value(expr: Any) -> tuple[str, float, bool]:
    """``(text, value, negative)`` of an exact expression; sign decided exactly or to 50 digits."""
    e = sympy.sympify(expr)
    if e.is_Rational:
        return str(e), float(e), bool(e < 0)
    val = sympy.N(e, 50)
    if not val.is_real:
        raise ValueError(f"exact margin is not real: {e}")
    # 50 correct digits: a value below -1e-40 is negative beyond doubt
    return str(e), float(val), bool(val < sympy.Float("-1e-40", 50))


def _float_point(point: Point) -> Point:
    out: Point = {}
    for k, v in point.items():
        if isinstance(v, sympy.Matrix):
            out[k] = np.array(v.tolist(), dtype=float)
        elif isinstance(v, list):
            out[k] = np.array([float(x) for x in v])
        elif isinstance(v, sympy.Integer):
            out[k] = int(v)
        elif isinstance(v, sympy.Basic):
            out[k] = float(v)
        else:
            out[k] = v
    return out


def _fails_exactly(space: SearchSpace, rpoint: Point) -> tuple[bool, str, float]:
    fp = _float_point(rpoint)
    if not _valid(space, fp):
        return False, "", math.nan
    if space.exact_margin is None:
        return False, "", math.nan
    try:
        text, val, neg = exact_value(space.exact_margin(rpoint))
    except (ValueError, ZeroDivisionError, TypeError):
        return False, "", math.nan
    return neg, text, val


def _simpler_reals(v: float, p: Real) -> list[Fraction]:
    cands: list[Fraction] = []
    for den in (1, 2, 3, 4, 5, 10, 20, 100, 1000, 10**4, 10**6):
        for num in (math.floor(v * den), math.ceil(v * den)):
            fr = Fraction(num, den)
            if p.inside(float(fr)) and fr not in cands:
                cands.append(fr)
    return cands


def shrink(space: SearchSpace, point: Point, rounds: int = 2) -> Point:
    """Move each coordinate to the simplest value that still fails exactly.

    Integers: the smallest that fails, scanning upwards from the domain's low end (at
    most 64 tries). Reals: the rational of smallest denominator near the value.
    Simplex points: rounded to small denominators.
    """
    best = to_rational(point, space)
    ok, _, _ = _fails_exactly(space, best)
    if not ok:
        return best
    for _ in range(rounds):
        for p in space.params:
            if isinstance(p, Integer):
                cur = int(best[p.name])
                for cand in range(p.low, min(cur, p.low + 64)):
                    trial = dict(best)
                    trial[p.name] = sympy.Integer(cand)
                    if _fails_exactly(space, trial)[0]:
                        best = trial
                        break
            elif isinstance(p, Real):
                for fr in _simpler_reals(float(best[p.name]), p):
                    trial = dict(best)
                    trial[p.name] = sympy.Rational(fr.numerator, fr.denominator)
                    if _fails_exactly(space, trial)[0]:
                        best = trial
                        break
            elif isinstance(p, (SimplexPoint, StochasticMatrix)):
                arr = np.array(_float_point({p.name: best[p.name]})[p.name], dtype=float)
                for den in (2, 3, 4, 5, 10, 20, 100):
                    if isinstance(p, SimplexPoint):
                        cand: Any = _rat_simplex(np.round(arr * den) / den, den)
                        if any(x < 0 for x in cand):
                            continue
                    else:
                        rows = [_rat_simplex(np.round(r * den) / den, den) for r in arr]
                        if any(x < 0 for r in rows for x in r):
                            continue
                        cand = sympy.Matrix(rows)
                    trial = dict(best)
                    trial[p.name] = cand
                    if _fails_exactly(space, trial)[0]:
                        best = trial
                        break
    return best


# ------------------------------------------------------------------ the search
def search(
    space: SearchSpace,
    budget: int,
    rng: np.random.Generator,
    *,
    progress: Callable[[int], None] | None = None,
    polish_starts: int = 5,
) -> SearchResult:
    """Search ``space`` for a point with negative margin, using about ``budget`` evaluations.

    Returns the worst point; when its margin is negative and ``exact_margin`` confirms it,
    ``counterexample`` holds the shrunk, exactly verified point.
    """
    if budget < 10:
        raise ValueError(f"search budget must be at least 10 evaluations, got {budget}")
    n_random = max(10, int(budget * 0.7))
    scored: list[tuple[float, int, Point]] = []
    evaluated = 0
    for i in range(n_random):
        boundary = rng.random() < 0.2
        pt = {p.name: _sample(p, rng, boundary) for p in space.params}
        if not _valid(space, pt):
            continue
        m = _evaluate(space, pt)
        evaluated += 1
        scored.append((m, i, pt))
        if progress is not None and i % 256 == 255:
            progress(256)
    scored.sort(key=lambda t: t[0])
    if not scored:
        raise ValueError("no sampled point satisfied the domain's constraint; widen the domain")
    worst_m, _, worst = scored[0]
    per_start = max(20, (budget - n_random) // max(1, polish_starts))
    for m0, _, start in scored[:polish_starts]:
        pt, m, cnt = _polish(space, start, per_start)
        evaluated += cnt
        if m < worst_m:
            worst_m, worst = m, pt
    result = SearchResult(worst=worst, worst_margin=worst_m, evaluated=evaluated)
    if worst_m < 0:
        if space.exact_margin is None:
            result.notes.append("margin negative in floating point, but the claim gives no exact margin to verify it")
            return result
        small = shrink(space, worst)
        ok, text, val = _fails_exactly(space, small)
        if not ok:  # shrinking could not keep it failing exactly: try the plain rounding
            small = to_rational(worst, space, 10**12)
            ok, text, val = _fails_exactly(space, small)
        if ok:
            result.counterexample = small
            result.verified = True
        else:
            result.notes.append("negative floating-point margin not confirmed in exact arithmetic (rounding artefact)")
        if text:  # the exact margin at the (rounded) point, failing or not
            result.exact_margin = text
            result.exact_margin_value = val
    return result
