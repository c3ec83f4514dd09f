"""Counterexample search: sampling, local polish, exact verification and shrinking.

A claim declares a :class:`SearchSpace` and :func:`search` looks in it for a point where
the claim fails (docs/design.md, "Counterexamples").

Public API
----------
``SearchSpace(params, margin, exact_margin=None, constraint=None, description="")``
    ``params`` is a tuple of parameter types:

    - ``Real(name, low, high, open_low=False, open_high=False)``: a real in ``[low, high]``
      (an open end excluded);
    - ``Integer(name, low, high)``: an integer in ``[low, high]``;
    - ``SimplexPoint(name, dim)``: a point of the closed probability simplex (a length-``dim``
      array summing to 1);
    - ``StochasticMatrix(name, dim)``: a row-stochastic ``dim x dim`` matrix.

    ``margin(point) -> float`` is negative exactly where the claim fails; ``exact_margin(point)``
    is the same quantity as a SymPy expression on a point of exact values (``Rational`` reals,
    ``Integer`` integers, lists of ``Rational`` for simplex points, ``sympy.Matrix`` for
    stochastic matrices); ``constraint(point) -> bool`` removes points from the domain (it
    is evaluated on the exact point when it can be, on the floats otherwise).
    Every parameter type also offers ``param.strategy()``, a hypothesis strategy over its
    domain that includes the boundary cases (ends, vertices, zeros, permutation and singular
    matrices).

``search(space, budget, rng) -> SearchResult``
    ``budget`` is the total number of ``margin`` evaluations, random sampling and local
    polish together: ``result.evaluated <= budget`` always. The search

    1. samples the domain (a fifth of the points on its boundary: ends, faces, vertices);
    2. polishes the worst distinct points with Nelder-Mead on an unconstrained
       reparametrisation (evaluations counted against the budget);
    3. rounds the ``k`` worst distinct failing points to exact values *inside the domain*
       (positive simplex coordinates stay positive and sum exactly to 1, open ends stay
       excluded, the constraint is re-checked) and evaluates ``exact_margin`` there
       (rationals exactly, anything irrational to 50 digits);
    4. shrinks the first verified point to a fixed point: each parameter type proposes
       simpler values (small integers; the simplest rationals by continued fractions;
       simplex points and matrix rows with small common denominators), smaller denominators
       first, then smaller values, and every accepted step is re-verified exactly, until no
       step helps.

``SearchResult``
    ``outcome`` is exactly one of

    - ``"counterexample"``: ``verified`` is True and ``counterexample`` holds the shrunk,
      exactly verified point, ``exact_margin`` / ``exact_margin_value`` its margin;
    - ``"unverified"``: the floating-point margin was negative but no point could be verified
      (``notes`` say why: rounding left the domain, the exact evaluation failed or disagreed,
      there is no exact margin);
    - ``"no_failure"``: no negative margin (or only floating-point artefacts, shown non-negative
      exactly); ``worst_margin`` is the smallest margin seen in ``evaluated`` evaluations;
    - ``"raised"``: the margin raised (or returned NaN) at ``raised`` points (``first_error``
      says the first); a search whose margin raises is never a pass. More than half raising
      makes :attr:`SearchResult.error` true.

    ``to_json()`` carries all of it, notes included. :meth:`paper_checks.evidence.Evidence.from_search`
    turns a result into evidence (the one mapping the checks use).
"""
from __future__ import annotations

import math
from dataclasses import dataclass, field
from fractions import Fraction
from typing import Any, Callable, Iterator, Union

import numpy as np
import sympy
from scipy.optimize import minimize

#: a float margin in ``[-ARTEFACT_TOL * scale, 0)`` (scale: the median ``|margin|`` sampled, at least 1)
#: that is non-negative exactly at the same point is a floating-point artefact
ARTEFACT_TOL = 1e-9
#: how many of the worst distinct failing points are verified exactly
VERIFY_K = 5
#: the most exact evaluations a shrink may spend
SHRINK_EVALS = 300
#: share of the points sampled on the boundary of the domain
BOUNDARY_SHARE = 0.2
#: failing sampled points (besides the verified one) whose joint roundings the shrink tries
SHRINK_STARTS = 8
#: share of the budget kept for the float screening of shrink candidates
SHRINK_RESERVE = 0.1
#: denominators tried when rounding for verification (then the float's exact binary value)
_ROUND_DENS = (10**6, 10**12)


class _Infeasible(Exception):
    """Rounding a value to exact arithmetic cannot keep it inside the domain."""


def _frac(v: Any) -> Fraction:
    if isinstance(v, Fraction):
        return v
    if isinstance(v, sympy.Rational):
        return Fraction(int(v.p), int(v.q))
    if isinstance(v, (int, np.integer)):
        return Fraction(int(v))
    return Fraction(float(v))


def _sym(f: Fraction) -> sympy.Rational:
    return sympy.Rational(f.numerator, f.denominator)


def _limit(v: float, max_den: int | None) -> Fraction:
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


def _lcm_den(vals: list[Fraction]) -> int:
    return math.lcm(*[v.denominator for v in vals]) if vals else 1


# ================================================================== parameter types
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

    def inside(self, v: Any) -> bool:
        """Whether ``v`` (float or exact) lies in the domain."""
        lo_ok = v > self.low if self.open_low else v >= self.low
        hi_ok = v < self.high if self.open_high else v <= self.high
        return bool(lo_ok and hi_ok)

    def sample(self, rng: np.random.Generator, n: int) -> np.ndarray:
        """``n`` values, a :data:`BOUNDARY_SHARE` of them at or near the ends."""
        lo, hi = self.low, self.high
        out = rng.uniform(lo, hi, n)
        b = np.flatnonzero(rng.random(n) < BOUNDARY_SHARE)
        if b.size:
            ends = [v for v, ok in ((lo, not self.open_low), (hi, not self.open_high)) if ok]
            eps = 10.0 ** -rng.integers(3, 13, b.size) * (hi - lo)
            near = np.where(rng.random(b.size) < 0.5, lo + eps, hi - eps)
            if ends:
                at = np.asarray(ends)[rng.integers(len(ends), size=b.size)]
                near = np.where(rng.random(b.size) < 0.6, at, near)
            out[b] = near
        bad = ~((out > lo if self.open_low else out >= lo) & (out < hi if self.open_high else out <= hi))
        out[bad] = 0.5 * (lo + hi)
        return out

    def to_exact(self, v: Any, max_den: int | None) -> sympy.Rational:
        if isinstance(v, sympy.Rational):
            return v
        for den in (max_den, None):
            r = _limit(v, den)
            if self.inside(r):
                return _sym(r)
        raise _Infeasible(f"{self.name} = {float(v)!r} lies outside {self._text()}")

    def key(self, v: Any) -> tuple:
        f = _frac(v)
        return (f.denominator, abs(f), f < 0)

    def simpler(self, v: Any) -> Iterator[sympy.Rational]:
        """Exact candidates simpler than ``v``: the simplest rational in shrinking windows around it."""
        f = _frac(v)
        lo, hi = _frac(self.low), _frac(self.high)
        span = hi - lo
        seen: set[Fraction] = set()
        for k in range(0, 60):
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
                yield _sym(s)
            if s == f:
                break

    def strategy(self) -> Any:
        """Hypothesis strategy: floats of the domain, the closed ends and the midpoint."""
        from hypothesis import strategies as st

        special = [v for v, ok in ((self.low, not self.open_low), (self.high, not self.open_high)) if ok]
        special.append(0.5 * (self.low + self.high))
        return st.one_of(st.sampled_from(special),
                         st.floats(self.low, self.high, exclude_min=self.open_low, exclude_max=self.open_high))

    def _text(self) -> str:
        return f"{'(' if self.open_low else '['}{self.low}, {self.high}{')' if self.open_high else ']'}"

    # polish: logistic map of the open interval
    def pack(self, v: Any) -> list[float]:
        t = (float(v) - self.low) / (self.high - self.low)
        t = min(max(t, 1e-15), 1 - 1e-15)
        return [math.log(t / (1 - t))]

    def unpack(self, x: np.ndarray) -> float:
        return self.low + (self.high - self.low) / (1 + math.exp(-float(np.clip(x[0], -700, 700))))


@dataclass(frozen=True)
class Integer:
    """An integer parameter in ``[low, high]``."""

    name: str
    low: int
    high: int

    def __post_init__(self) -> None:
        if not self.low <= self.high:
            raise ValueError(f"Integer {self.name!r}: need low <= high, got [{self.low}, {self.high}]")

    def inside(self, v: Any) -> bool:
        return bool(self.low <= v <= self.high) and int(v) == v

    def sample(self, rng: np.random.Generator, n: int) -> np.ndarray:
        """``n`` integers, small ones favoured (log-uniform), a share at the ends."""
        span = self.high - self.low + 1
        out = self.low + np.minimum(span - 1, np.floor(np.exp(rng.uniform(0, math.log(span), n))) - 1).astype(np.int64)
        b = rng.random(n) < BOUNDARY_SHARE
        out[b] = np.where(rng.random(int(b.sum())) < 0.5, self.low, self.high)
        return out

    def to_exact(self, v: Any, max_den: int | None = None) -> sympy.Integer:
        r = int(round(float(v)))
        if not self.low <= r <= self.high:
            raise _Infeasible(f"{self.name} = {v!r} lies outside [{self.low}, {self.high}]")
        return sympy.Integer(r)

    def key(self, v: Any) -> tuple:
        return (abs(int(v)), int(v) < 0)

    def simpler(self, v: Any) -> Iterator[sympy.Integer]:
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

    def strategy(self) -> Any:
        from hypothesis import strategies as st

        return st.one_of(st.sampled_from([self.low, self.high]), st.integers(self.low, self.high))

    def pack(self, v: Any) -> list[float]:
        return []


def _simplex_round(v: np.ndarray, max_den: int | None, name: str) -> list[Fraction]:
    """Exact coordinates near ``v`` that stay >= 0, keep positive ones positive and sum exactly to 1."""
    v = np.asarray(v, dtype=float)
    if v.ndim != 1 or not np.all(np.isfinite(v)) or np.any(v < 0):
        raise _Infeasible(f"{name} = {v.tolist()} is not a point of the simplex")
    if v.sum() <= 0:
        raise _Infeasible(f"{name} = {v.tolist()} is zero")
    v = v / v.sum()
    k = int(np.argmax(v))
    out: list[Fraction] = []
    for i, x in enumerate(v):
        if i == k or x == 0:
            out.append(Fraction(0))
            continue
        r = _limit(x, max_den)
        if r <= 0:  # a tiny positive coordinate: keep it positive with its exact binary value
            r = Fraction(float(x))
        out.append(r)
    out[k] = 1 - sum(out)
    if out[k] <= 0:
        raise _Infeasible(f"{name}: rounding cannot keep the largest coordinate positive")
    return out


def _grid_points(v: list[Fraction], den: int) -> list[list[Fraction]]:
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


def _simplex_candidates(v: list[Fraction]) -> Iterator[list[Fraction]]:
    """Simplex points with small common denominators near ``v``, smallest denominators first,
    then moves of ``1/D`` between coordinates that lower the common denominator ``D``."""
    D = _lcm_den(v)
    dens = [d for d in range(1, 65) if d < D] + [d for d in (100, 128, 1000, 1024, 10**4, 10**6) if d < D]
    seen = {tuple(v)}
    for d in dens:
        for w in _grid_points(v, d):
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
                    if _lcm_den(w) < D:
                        yield w


def _simplex_key(v: list[Fraction]) -> tuple:
    return (_lcm_den(v), tuple(v))


@dataclass(frozen=True)
class SimplexPoint:
    """A point of the probability simplex of dimension ``dim`` (a length-``dim`` array)."""

    name: str
    dim: int

    def __post_init__(self) -> None:
        if not isinstance(self.dim, (int, np.integer)) or self.dim < 1:
            raise ValueError(f"SimplexPoint {self.name!r}: dim must be a positive integer, got {self.dim!r}")

    def inside(self, v: Any) -> bool:
        vals = [_frac(x) for x in v] if not isinstance(v, np.ndarray) else None
        if vals is not None:
            return len(vals) == self.dim and all(x >= 0 for x in vals) and sum(vals) == 1
        return v.shape == (self.dim,) and bool(np.all(v >= 0)) and abs(float(v.sum()) - 1) < 1e-9

    def sample(self, rng: np.random.Generator, n: int) -> np.ndarray:
        """Dirichlet(1) points; a boundary share on faces (coordinates exactly 0), at vertices,
        or with tiny coordinates (Dirichlet(0.1))."""
        d = self.dim
        out = rng.dirichlet(np.ones(d), size=n)
        b = np.flatnonzero(rng.random(n) < BOUNDARY_SHARE)
        if b.size:
            kind = rng.integers(0, 3, b.size)
            sparse = rng.dirichlet(np.full(d, 0.1), size=b.size)
            mask = rng.random((b.size, d)) < 0.5
            mask[np.arange(b.size), rng.integers(0, d, b.size)] = True
            face = rng.dirichlet(np.ones(d), size=b.size) * mask
            face /= face.sum(axis=1, keepdims=True)
            vert = np.eye(d)[rng.integers(0, d, b.size)]
            out[b] = np.where((kind == 0)[:, None], sparse, np.where((kind == 1)[:, None], face, vert))
        return out

    def to_exact(self, v: Any, max_den: int | None) -> list[sympy.Rational]:
        if isinstance(v, list) and all(isinstance(x, sympy.Rational) for x in v):
            return v
        return [_sym(x) for x in _simplex_round(np.asarray(v, dtype=float), max_den, self.name)]

    def key(self, v: Any) -> tuple:
        return _simplex_key([_frac(x) for x in v])

    def simpler(self, v: Any) -> Iterator[list[sympy.Rational]]:
        for w in _simplex_candidates([_frac(x) for x in v]):
            yield [_sym(x) for x in w]

    def strategy(self) -> Any:
        """Hypothesis strategy: vertices, the barycentre, edge midpoints and points with zeros."""
        from hypothesis import strategies as st
        from hypothesis.extra import numpy as hnp

        d = self.dim
        special = [np.eye(d)[i] for i in range(d)] + [np.full(d, 1.0 / d)]
        if d >= 2:
            special.append(np.r_[[0.5, 0.5], np.zeros(d - 2)])
            special.append(np.r_[[1 - 1 / d], np.full(d - 1, 1 / (d * (d - 1)))])

        def norm(a: np.ndarray) -> np.ndarray | None:
            s = a.sum()
            return a / s if s > 0 else None

        generic = hnp.arrays(np.float64, d, elements=st.one_of(st.just(0.0), st.floats(1e-6, 1.0))).map(norm).filter(
            lambda a: a is not None)
        return st.one_of(st.sampled_from(special), generic)

    def pack(self, v: Any) -> list[float]:
        return list(np.log(np.maximum(np.asarray(v, dtype=float), 1e-300)))

    def unpack(self, x: np.ndarray) -> np.ndarray:
        e = np.exp(x - x.max())
        return e / e.sum()


@dataclass(frozen=True)
class StochasticMatrix:
    """A row-stochastic ``dim x dim`` matrix."""

    name: str
    dim: int

    def __post_init__(self) -> None:
        if not isinstance(self.dim, (int, np.integer)) or self.dim < 1:
            raise ValueError(f"StochasticMatrix {self.name!r}: dim must be a positive integer, got {self.dim!r}")

    def _rows(self, v: Any) -> list[list[Fraction]]:
        if isinstance(v, sympy.MatrixBase):
            return [[_frac(x) for x in v.row(i)] for i in range(v.rows)]
        return [[_frac(x) for x in row] for row in v]

    def inside(self, v: Any) -> bool:
        if isinstance(v, np.ndarray):
            return v.shape == (self.dim, self.dim) and bool(np.all(v >= 0)) and bool(
                np.all(np.abs(v.sum(axis=1) - 1) < 1e-9))
        rows = self._rows(v)
        return len(rows) == self.dim and all(len(r) == self.dim and all(x >= 0 for x in r) and sum(r) == 1
                                              for r in rows)

    def sample(self, rng: np.random.Generator, n: int) -> np.ndarray:
        """Dirichlet(1) rows; a boundary share of permutation matrices, ``J/dim`` (singular),
        repeated rows (singular) and sparse rows."""
        d = self.dim
        out = rng.dirichlet(np.ones(d), size=(n, d))
        b = np.flatnonzero(rng.random(n) < BOUNDARY_SHARE)
        for i in b:
            kind = rng.integers(0, 4)
            if kind == 0:
                out[i] = np.eye(d)[rng.permutation(d)]
            elif kind == 1:
                out[i] = np.full((d, d), 1.0 / d)
            elif kind == 2:
                out[i] = np.repeat(rng.dirichlet(np.ones(d))[None], d, axis=0)
            else:
                out[i] = rng.dirichlet(np.full(d, 0.1), size=d)
        return out

    def to_exact(self, v: Any, max_den: int | None) -> sympy.Matrix:
        if isinstance(v, sympy.MatrixBase):
            return v
        a = np.asarray(v, dtype=float)
        if a.shape != (self.dim, self.dim):
            raise _Infeasible(f"{self.name} has shape {a.shape}, not {(self.dim, self.dim)}")
        return sympy.Matrix([[_sym(x) for x in _simplex_round(row, max_den, f"{self.name}[{i}]")]
                             for i, row in enumerate(a)])

    def key(self, v: Any) -> tuple:
        """The largest row denominator, then their sum (so that any row may simplify), then the values."""
        rows = self._rows(v)
        dens = [_lcm_den(r) for r in rows]
        return (max(dens), sum(dens), tuple(x for r in rows for x in r))

    def simpler(self, v: Any) -> Iterator[sympy.Matrix]:
        """The identity and ``J/dim``, then each row replaced by a simpler simplex point."""
        d = self.dim
        rows = self._rows(v)
        yield sympy.eye(d)
        yield sympy.Matrix(d, d, [sympy.Rational(1, d)] * (d * d))
        for i in range(d):
            for w in _simplex_candidates(rows[i]):
                new = [list(r) for r in rows]
                new[i] = w
                yield sympy.Matrix([[_sym(x) for x in r] for r in new])

    def strategy(self) -> Any:
        """Hypothesis strategy: permutation matrices, ``J/dim``, uniform noise at ``eta = 1 - 1/dim``
        (equal to ``J/dim``), repeated rows (singular) and generic rows with zeros."""
        from hypothesis import strategies as st

        d = self.dim
        row = SimplexPoint("row", d).strategy()
        perms = st.permutations(list(range(d))).map(lambda p: np.eye(d)[list(p)])
        singular = row.map(lambda r: np.repeat(r[None], d, axis=0))
        generic = st.lists(row, min_size=d, max_size=d).map(np.array)
        return st.one_of(perms, st.just(np.full((d, d), 1.0 / d)), singular, generic)

    def pack(self, v: Any) -> list[float]:
        return list(np.log(np.maximum(np.asarray(v, dtype=float), 1e-300)).ravel())

    def unpack(self, x: np.ndarray) -> np.ndarray:
        z = x.reshape(self.dim, self.dim)
        e = np.exp(z - z.max(axis=1, keepdims=True))
        return e / e.sum(axis=1, keepdims=True)


Param = Union[Real, Integer, SimplexPoint, StochasticMatrix]
Point = dict[str, Any]


def _pdim(p: Param) -> int:
    if isinstance(p, Real):
        return 1
    if isinstance(p, SimplexPoint):
        return p.dim
    if isinstance(p, StochasticMatrix):
        return p.dim * p.dim
    return 0


@dataclass(frozen=True)
class SearchSpace:
    """Where a claim is searched and how its failure is measured.

    Attributes
    ----------
    params : the parameters of the domain (:class:`Real`, :class:`Integer`,
        :class:`SimplexPoint`, :class:`StochasticMatrix`)
    margin : ``point -> float``, negative exactly where the claim fails
    exact_margin : ``point -> sympy expression`` on a point of exact values; required to
        report a verified counterexample
    constraint : ``point -> bool``; points where it is False are outside the domain
    description : what the margin measures, for reports
    """

    params: tuple[Param, ...]
    margin: Callable[[Point], float]
    exact_margin: Callable[[Point], Any] | None = None
    constraint: Callable[[Point], bool] | None = None
    description: str = ""

    def point_strategy(self) -> Any:
        """Hypothesis strategy for whole points (each parameter's :meth:`strategy`), constraint applied."""
        from hypothesis import strategies as st

        s = st.fixed_dictionaries({p.name: p.strategy() for p in self.params})
        return s.filter(lambda pt: _valid_float(self, pt)) if self.constraint is not None else s


# ================================================================== the result
OUTCOMES = ("counterexample", "unverified", "no_failure", "raised")


@dataclass
class SearchResult:
    """The outcome of a search (see the module docstring for the four outcomes)."""

    worst: Point
    worst_margin: float
    evaluated: int
    counterexample: Point | None = None
    exact_margin: str | None = None
    exact_margin_value: float | None = None
    verified: bool = False
    notes: list[str] = field(default_factory=list)
    outcome: str = "no_failure"
    budget: int = 0
    raised: int = 0
    first_error: str | None = None
    candidates: list[dict[str, Any]] = field(default_factory=list)
    shrink_steps: int = 0

    @property
    def failed(self) -> bool:
        """True when a counterexample was found and verified exactly."""
        return self.verified

    @property
    def error(self) -> bool:
        """True when the margin raised at more than half of the evaluated points."""
        return self.raised * 2 > max(self.evaluated, 1)

    def to_json(self) -> dict[str, Any]:
        from paper_checks.evidence import jsonable

        return {
            "outcome": self.outcome,
            "worst": jsonable(self.worst),
            "worst_margin": self.worst_margin,
            "evaluated": self.evaluated,
            "budget": self.budget,
            "raised": self.raised,
            "first_error": self.first_error,
            "counterexample": jsonable(self.counterexample),
            "exact_margin": self.exact_margin,
            "exact_margin_value": self.exact_margin_value,
            "verified": self.verified,
            "shrink_steps": self.shrink_steps,
            "candidates": jsonable(self.candidates),
            "notes": list(self.notes),
        }


# ================================================================== evaluation
class _BudgetSpent(Exception):
    pass


def _valid_float(space: SearchSpace, point: Point) -> bool:
    if space.constraint is None:
        return True
    try:
        return bool(space.constraint(point))
    except Exception:  # a constraint that cannot be evaluated here excludes the point
        return False


class _Evaluator:
    """Counts margin evaluations against the budget and records raises."""

    def __init__(self, space: SearchSpace, budget: int) -> None:
        self.space, self.budget = space, budget
        self.count = 0
        self.raised = 0
        self.first_error: str | None = None
        self.best: tuple[float, Point] | None = None

    def __call__(self, point: Point) -> float:
        if self.count >= self.budget:
            raise _BudgetSpent
        self.count += 1
        try:
            with np.errstate(all="ignore"):
                m = float(self.space.margin(point))
        except Exception as exc:  # counted and reported, never a silent pass
            return self._raised(f"{type(exc).__name__}: {exc}", point)
        if math.isnan(m):
            return self._raised("the margin returned nan", point)
        if m == math.inf:
            m = math.inf
        if self.best is None or m < self.best[0]:
            self.best = (m, point)
        return m

    def _raised(self, msg: str, point: Point) -> float:
        self.raised += 1
        if self.first_error is None:
            from paper_checks.evidence import jsonable

            self.first_error = f"{msg} (at {jsonable(point)})"
        return math.nan


def _pack(space: SearchSpace, point: Point) -> np.ndarray:
    out: list[float] = []
    for p in space.params:
        out.extend(p.pack(point[p.name]))
    return np.array(out)


def _unpack(space: SearchSpace, x: np.ndarray, base: Point) -> Point:
    point = dict(base)
    i = 0
    for p in space.params:
        k = _pdim(p)
        if k:
            point[p.name] = p.unpack(x[i: i + k])
            i += k
    return point


def _polish(space: SearchSpace, ev: _Evaluator, start: Point, evals: int) -> tuple[Point, float]:
    """Nelder-Mead from ``start`` with at most ``evals`` margin evaluations; the best point seen."""
    x0 = _pack(space, start)
    best: list[Any] = [math.inf, start]
    if x0.size == 0 or evals <= 0:
        return start, math.inf
    stop = ev.count + evals

    def f(x: np.ndarray) -> float:
        if ev.count >= stop:
            raise _BudgetSpent
        pt = _unpack(space, x, start)
        if not all(p.inside(pt[p.name]) for p in space.params if isinstance(p, Real)) or not _valid_float(space, pt):
            return 1e300
        m = ev(pt)
        if math.isnan(m):
            return 1e300
        if m < best[0]:
            best[0], best[1] = m, pt
        return m if math.isfinite(m) else (1e300 if m > 0 else -1e300)

    try:
        minimize(f, x0, method="Nelder-Mead",
                 options={"maxfev": evals, "maxiter": evals, "xatol": 1e-12, "fatol": 1e-14})
    except _BudgetSpent:
        pass
    return best[1], best[0]


# ================================================================== exactness
def to_rational(point: Point, space: SearchSpace, max_den: int | None = 10**6) -> Point:
    """The point in exact values *inside the domain*.

    Reals become the ``Rational`` of denominator at most ``max_den`` nearest them (or the
    float's exact binary value where that one would leave the domain, e.g. land on an open
    end); simplex points and stochastic rows keep zero coordinates zero and positive ones
    positive, and sum exactly to 1 (the largest coordinate takes the remainder); integers
    become ``sympy.Integer``. Raises ``ValueError`` (quoting the value) when no exact point
    of the domain is near. The constraint is not checked here (see :func:`verify`).
    """
    out: Point = dict(point)
    try:
        for p in space.params:
            out[p.name] = p.to_exact(point[p.name], max_den)
    except _Infeasible as exc:
        raise ValueError(str(exc)) from None
    return out


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
        if isinstance(v, sympy.MatrixBase):
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


def _exact_constraint(space: SearchSpace, rpoint: Point) -> bool:
    if space.constraint is None:
        return True
    try:
        return bool(space.constraint(rpoint))
    except Exception:
        return _valid_float(space, _float_point(rpoint))


def verify(space: SearchSpace, rpoint: Point) -> tuple[str, str, float]:
    """Evaluate ``exact_margin`` at an exact point: ``(status, text, value)``.

    ``status`` is ``"fails"`` (exactly negative), ``"holds"`` (non-negative),
    ``"outside"`` (the point breaks the domain or the constraint) or ``"error: ..."``.
    """
    if not all(p.inside(rpoint[p.name]) for p in space.params) or not _exact_constraint(space, rpoint):
        return "outside", "", math.nan
    if space.exact_margin is None:
        return "error: the claim gives no exact margin", "", math.nan
    try:
        text, val, neg = exact_value(space.exact_margin(rpoint))
    except Exception as exc:
        return f"error: {type(exc).__name__}: {exc}", "", math.nan
    return ("fails" if neg else "holds"), text, val


def _fails(space: SearchSpace, rpoint: Point) -> bool:
    return verify(space, rpoint)[0] == "fails"


def shrink(space: SearchSpace, point: Point, max_evals: int = SHRINK_EVALS) -> Point:
    """The simplest point reachable from ``point`` that still fails exactly (a fixed point).

    First the whole point is rounded jointly to common denominators 1, 2, 3, ... (the first
    that still fails is kept); then each parameter proposes simpler values
    (:meth:`Real.simpler` and the others), taken when simpler (smaller denominators, then
    smaller values), inside the domain and failing in exact arithmetic. Passes repeat until
    none helps, or until ``max_evals`` exact evaluations are spent. A point that does not
    fail exactly is returned rounded but otherwise unchanged.
    """
    start = to_rational(point, space) if not _is_exact(space, point) else dict(point)
    return _shrink(space, [start], max_evals, None)[0]


#: common denominators tried by the joint rounding of a failing point
_JOINT_DENS = (*range(1, 25), 30, 32, 36, 40, 48, 50, 60, 64, 100, 128, 1000)


def _joint_round(space: SearchSpace, point: Point, d: int) -> Point | None:
    out = dict(point)
    for p in space.params:
        v = point[p.name]
        if isinstance(p, Real):
            f = _frac(v)
            cands = sorted({Fraction(math.floor(f * d), d), Fraction(math.ceil(f * d), d)}, key=lambda x: abs(x - f))
            ok = [c for c in cands if p.inside(c)]
            if ok:
                out[p.name] = _sym(ok[0])
        elif isinstance(p, SimplexPoint):
            g = _grid_points([_frac(x) for x in v], d)
            if not g:
                return None
            out[p.name] = [_sym(x) for x in g[-1]]
        elif isinstance(p, StochasticMatrix):
            rows = []
            for r in p._rows(v):
                g = _grid_points(r, d)
                if not g:
                    return None
                rows.append([_sym(x) for x in g[-1]])
            out[p.name] = sympy.Matrix(rows)
    return out


def _shrink(space: SearchSpace, starts: list[Point], max_evals: int,
            screen: Callable[[Point], float] | None) -> tuple[Point, int, bool]:
    """Shrink the first of ``starts`` (exact, failing points); the others only offer joint roundings.

    ``screen`` (a float margin, or None) skips exact evaluations where the float margin is
    clearly non-negative. Returns ``(point, steps, finished)``.
    """
    evals = 0

    def fails(pt: Point) -> bool:
        nonlocal evals
        if not all(p.inside(pt[p.name]) for p in space.params):
            return False
        if screen is not None:
            fp = _float_point(pt)
            if not _valid_float(space, fp):
                return False
            m = screen(fp)
            if not math.isnan(m) and m > ARTEFACT_TOL:
                return False
        evals += 1
        return _fails(space, pt)

    best = starts[0]
    if not _fails(space, best):
        return best, 0, True
    steps = 0
    # joint rounding: the smallest common denominator at which any start still fails
    best_d: int | None = None
    for st in starts:
        for d in _JOINT_DENS:
            if (best_d is not None and d >= best_d) or evals >= max_evals:
                break
            cand = _joint_round(space, st, d)
            if cand is not None and fails(cand):
                best, best_d = cand, d
                steps += 1
                break
    improved = True
    while improved:
        improved = False
        for p in space.params:
            again = True
            while again:
                again = False
                cur = p.key(best[p.name])
                for cand in p.simpler(best[p.name]):
                    if p.key(cand) >= cur:
                        continue
                    if evals >= max_evals:
                        return best, steps, False
                    trial = {**best, p.name: cand}
                    if fails(trial):
                        best, steps, again, improved = trial, steps + 1, True, True
                        break
    return best, steps, True


def _is_exact(space: SearchSpace, point: Point) -> bool:
    for p in space.params:
        v = point[p.name]
        if isinstance(p, (Real, Integer)) and not isinstance(v, sympy.Rational):
            return False
        if isinstance(p, SimplexPoint) and not (isinstance(v, list) and all(isinstance(x, sympy.Rational) for x in v)):
            return False
        if isinstance(p, StochasticMatrix) and not isinstance(v, sympy.MatrixBase):
            return False
    return True


def _distinct(a: Point, b: Point, space: SearchSpace) -> bool:
    for p in space.params:
        x, y = np.asarray(a[p.name], dtype=float), np.asarray(b[p.name], dtype=float)
        if not np.allclose(x, y, rtol=1e-6, atol=1e-9):
            return True
    return False


def _verify_candidate(space: SearchSpace, pt: Point, m: float, tol: float = ARTEFACT_TOL
                      ) -> tuple[dict[str, Any], Point | None]:
    """Round ``pt`` into the domain at a few precisions and verify it exactly.

    The last rounding is the float point's own binary value: where the exact margin is
    non-negative there and ``m >= -tol``, the float's negative sign was evaluation error (an
    artefact); a larger disagreement leaves the point unverified.
    """
    from paper_checks.evidence import jsonable

    info: dict[str, Any] = {"float_margin": m, "point": jsonable(pt)}
    last = "no exact evaluation ran"
    for den in (*_ROUND_DENS, None):
        try:
            r = to_rational(pt, space, den)
        except ValueError as exc:
            last = f"rounding left the domain: {exc}"
            continue
        status, text, val = verify(space, r)
        if status == "fails":
            info.update(status="verified", exact_margin=text, exact_value=val)
            return info, r
        if status == "outside":
            last = "the rounded point breaks the constraint"
        elif status == "holds":
            last = f"exact margin {text} is not negative at the rounded point"
            info.update(exact_margin=text, exact_value=val)
        else:
            last = status
            if status.startswith("error: the claim gives no exact margin"):
                break
    if info.get("exact_value") is not None and m >= -tol:
        info.update(status="artefact", why=f"floating-point margin {m:.3g} is rounding: {last}")
    else:
        info.update(status="unverified", why=last)
    return info, None


# ================================================================== the search
def search(
    space: SearchSpace,
    budget: int,
    rng: np.random.Generator,
    *,
    progress: Callable[[int], None] | None = None,
    polish_starts: int = 5,
    verify_k: int = VERIFY_K,
    shrink_evals: int = SHRINK_EVALS,
) -> SearchResult:
    """Search ``space`` for a point with negative margin, with at most ``budget`` margin evaluations.

    Parameters
    ----------
    space : the domain and margin
    budget : total margin evaluations (sampling and polish); at least 10
    rng : the random stream
    progress : called with the number of evaluations done since its last call
    polish_starts : how many of the worst distinct sampled points are polished
    verify_k : how many of the worst distinct failing points are verified exactly
    shrink_evals : the most exact evaluations the shrink of the verified point may spend

    Returns
    -------
    SearchResult with one of the four outcomes of the module docstring.
    """
    if budget < 10:
        raise ValueError(f"search budget must be at least 10 evaluations, got {budget}")
    ev = _Evaluator(space, budget)
    continuous = any(_pdim(p) for p in space.params)
    n_random = max(10, int(budget * 0.7)) if continuous else budget
    scored: list[tuple[float, int, Point]] = []
    attempts = 0
    chunk = 512
    i = 0
    while ev.count < n_random and attempts < 8 * n_random:
        n = min(chunk, max(16, 2 * (n_random - ev.count)))
        cols = [(p.name, p.sample(rng, n)) for p in space.params]
        before = ev.count
        for j in range(n):
            if ev.count >= n_random:
                break
            attempts += 1
            pt = {name: vals[j] for name, vals in cols}
            if space.constraint is not None and not _valid_float(space, pt):
                continue
            m = ev(pt)
            if not math.isnan(m):
                scored.append((m, i, pt))
            i += 1
        if progress is not None and ev.count > before:
            progress(ev.count - before)
    if ev.count == 0:
        raise ValueError("no sampled point satisfied the domain's constraint; widen the domain")
    scored.sort(key=lambda t: t[0])
    # distinct worst points: polish starts, then the failing candidates
    starts: list[tuple[float, Point]] = []
    for m, _, pt in scored:
        if len(starts) >= polish_starts:
            break
        if all(_distinct(pt, q, space) for _, q in starts):
            starts.append((m, pt))
    pool: list[tuple[float, Point]] = [(m, pt) for m, _, pt in scored[: 4 * verify_k]]
    if continuous:
        for k, (m0, start) in enumerate(starts):
            left = budget - ev.count
            if left <= 0:
                break
            before = ev.count
            left -= int(budget * SHRINK_RESERVE)
            if left <= 0:
                break
            pt, m = _polish(space, ev, start, left // (len(starts) - k))
            if progress is not None and ev.count > before:
                progress(ev.count - before)
            if m < m0:
                pool.append((m, pt))
    pool.sort(key=lambda t: t[0])
    if scored or pool:
        worst_m, worst = pool[0] if pool else (scored[0][0], scored[0][2])
    else:
        worst_m, worst = math.nan, {}
    result = SearchResult(worst=worst, worst_margin=worst_m, evaluated=ev.count, budget=budget,
                          raised=ev.raised, first_error=ev.first_error)
    if ev.raised:
        result.notes.append(f"the margin raised or returned NaN at {ev.raised} of {ev.count} points; first: "
                            f"{ev.first_error}")
    failing: list[tuple[float, Point]] = []
    for m, pt in pool:
        if m >= 0 or len(failing) >= verify_k:
            break
        if all(_distinct(pt, q, space) for _, q in failing):
            failing.append((m, pt))
    # float evaluation error grows with the margins' magnitude: artefacts are judged relative to it
    finite = [abs(m) for m, _, _ in scored if math.isfinite(m)]
    tol = ARTEFACT_TOL * max(1.0, float(np.median(finite)) if finite else 1.0)
    verified: Point | None = None
    for m, pt in failing:
        info, r = _verify_candidate(space, pt, m, tol)
        result.candidates.append(info)
        if r is not None:
            verified = r
            break
    if verified is not None:
        # other failing sampled points offer joint roundings (a worst point is often extreme)
        others: list[Point] = []
        fail_idx = [k for k, (m, _, _) in enumerate(scored) if m < 0]
        for k in rng.permutation(fail_idx)[:SHRINK_STARTS] if fail_idx else []:
            try:
                others.append(to_rational(scored[int(k)][2], space))
            except ValueError:
                continue

        def screen(fp: Point) -> float:
            try:
                return ev(fp)
            except _BudgetSpent:
                return -math.inf

        small, steps, done = _shrink(space, [verified, *others], shrink_evals, screen)
        result.evaluated = ev.count
        status, text, val = verify(space, small)
        if status != "fails":  # cannot happen: every step is verified; keep the verified rounding
            small = verified
            status, text, val = verify(space, small)
        result.counterexample, result.verified = small, True
        result.exact_margin, result.exact_margin_value = text, val
        result.shrink_steps = steps
        result.outcome = "counterexample"
        if not done:
            result.notes.append(f"shrinking stopped after {shrink_evals} exact evaluations ({steps} steps taken)")
        return result
    if ev.raised:
        result.outcome = "raised"
        if result.error:
            result.notes.append("most margin evaluations raised: the search is an error, not a pass")
        return result
    problems = [c for c in result.candidates if c["status"] == "unverified"]
    if problems:
        result.outcome = "unverified"
        why = "; ".join(dict.fromkeys(c["why"] for c in problems))
        result.notes.append(f"floating-point margin down to {worst_m:.3g}, but no point verified exactly "
                            f"({len(problems)} of {len(result.candidates)} candidates): {why}")
        return result
    result.outcome = "no_failure"
    if result.candidates:
        result.notes.append(f"{len(result.candidates)} floating-point negative margins (down to {worst_m:.3g}) are "
                            "non-negative in exact arithmetic: rounding artefacts")
    result.notes.append(f"no failure in {ev.count} margin evaluations (budget {budget}); smallest margin "
                        f"{worst_m:.3g}")
    return result
