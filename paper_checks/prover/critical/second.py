"""Second-order closure: a minimum of 0 at a point, along a face or along a valley, closed by convexity
(or, for a zero of high order in one coordinate, by Taylor's theorem).

First-order bounds cannot close the boxes around a point where the margin's minimum is exactly 0
(``log(x) <= x - 1`` at ``x = 1``; the GCE class-sum bound at the barycentre, Zhang & Sabuncu 2018,
Eq. 7): every box there has a lower bound a little below 0. Here such a point is found and the boxes
around it are closed by the second-order argument (Moore, Kearfott & Cloud 2009, sec. 6.3 on using
the Hessian; the convexity test by Gershgorin's discs):

A :class:`Critical` fixes some coordinates ``S`` at ``c_S``: exact rationals (all of them: a point; the
simplex coordinates only: a segment along a parameter ``q``, where the class-sum bound is 0 for every
``q``), or expressions ``phi(x_F)`` of the others (a valley, :mod:`paper_checks.prover.critical.valleys`: ``q = p``
for Gibbs' inequality with both distributions free; an irrational constant such as ``x = 1/e``), and is
valid when, on the set ``x_S = c_S``,

1. the margin is ``>= v`` (identically 0 by SymPy, a rational exactly, or an interval enclosure ``>= 0``
   over the piece), and
2. its gradient in ``S`` vanishes identically, or points into the piece where ``c_i`` is a rational end.

A box ``b`` is then closed when the Hessian in ``S`` (each entry in normal form, then enclosed in
interval arithmetic) is positive semidefinite on ``hull(b, c_S)`` (a valley's ``phi`` enclosed on ``b``;
every row's diagonal lower end at least the sum of the magnitudes of the row's other entries, or its
midpoint positive definite beyond its radii): for each fixed ``x_F`` the margin is convex in ``x_S`` on
the segment from the box's point to ``c_S``, where it is stationary (or inward), so it is ``>= v`` there.
With one coordinate whose derivatives vanish identically on the set up to order ``k - 1`` (a Taylor
remainder at ``p = 1``; ``e^x - 1 - x - x^2/2 - x^3/6`` at 0), the ``k``-th derivative takes the
Hessian's place: Taylor's theorem with the Lagrange remainder needs only its sign on the hull.
:func:`critical_at` re-derives a critical set from its coordinates alone, as
:func:`paper_checks.prover.certificate.recheck` does.
"""
from __future__ import annotations

import math
from dataclasses import dataclass, field
from fractions import Fraction
from functools import lru_cache
from typing import Any

import mpmath
import sympy
from sympy.polys.polyerrors import BasePolynomialError

from paper_checks import work
from paper_checks.deadline import TimedOut
from paper_checks.prover.critical import segments
from paper_checks.prover.enclosures.bound import decide_point, down, intervals
from paper_checks.prover.enclosures.boxes import Box, centre, generic_point
from paper_checks.prover.tracing.normal import is_zero
from paper_checks.prover.tracing.trace import (
    Fn,
    Traced,
    Untraceable,
    compile_expr,
    derivative,
    precision,
    raw_derivative,
    tidy_derivative,
)
from paper_checks.prover.tracing.trace import hull as interval_hull

#: denominators tried when a numerical critical point is rounded to a rational
DENOMINATORS = (1, 2, 3, 4, 5, 6, 8, 10, 12, 16, 20, 100, 1000)
#: Newton steps from a box's centre toward a critical point (floating point: only a candidate)
NEWTON_STEPS = 30
#: Newton has settled when its last step is at most this share of its first
NEWTON_SETTLED = 1e-3
#: work units SymPy may spend on one identity of a candidate
CHECK_WORK = 2.0
#: the highest order of a zero along one coordinate that is looked for (a Taylor remainder's)
MAX_ORDER = 12
#: the largest denominator of a rational tried for a numerical critical coordinate
MAX_DENOMINATOR = 10**4
#: the most operations of a closed form in pi and e tried for a numerical critical coordinate
CONSTANT_OPS = 4


@dataclass
class Critical:
    """Coordinates ``fixed`` (index -> an exact rational, or an expression of the other coordinates: a
    *valley* ``x_S = phi(x_F)``) where the margin is ``>= lower`` with zero (or inward) gradient in them,
    and the compiled Hessian in those coordinates (``order`` 2), or for one coordinate whose derivatives
    vanish there up to ``order - 1``, its ``order``-th derivative (a zero of high order)."""

    fixed: dict[int, Any]
    lower: float
    hessian: list[list[Fn]]
    why: str
    #: the Hessian lifted to the simplex's full coordinates (the eliminated ones as symbols of their own): PSD
    #: there implies PSD on the simplex's tangent space; one per way of writing the margin; with the rows
    #: it lifts (free coordinate indices)
    lifts: list[list[list[Fn]]] = field(default_factory=list)
    rows: list[list[int]] | None = None
    order: int = 2
    #: a valley's ``phi_i`` compiled (enclosed on a box of the other coordinates)
    ends: dict[int, Fn] = field(default_factory=dict)

    @property
    def method(self) -> str:
        """The closure's name in a certificate: ``hessian`` (convexity), ``taylor`` (a zero of high order)."""
        return "hessian" if self.order == 2 else "taylor"

    def to_json(self, names: list[str]) -> dict[str, Any]:
        return {"at": {names[i]: str(v) for i, v in sorted(self.fixed.items())}, "lower": self.lower,
                "why": self.why, **({"order": self.order} if self.order != 2 else {})}


def _q(v: Any) -> sympy.Expr:
    return sympy.Rational(v.numerator, v.denominator) if isinstance(v, Fraction) else sympy.sympify(v)


def _normal(e: sympy.Expr) -> sympy.Expr:
    """A Hessian entry in normal form (its factors bound better: ``(1-p)^2 (1+2p) / p^2``), or as it is."""
    try:
        with work.limit(CHECK_WORK):
            return sympy.factor(sympy.cancel(sympy.together(e)))
    except (BasePolynomialError, TypeError, ValueError, NotImplementedError, RecursionError, TimedOut):
        return e


def _swap(expr: sympy.Expr, rest: sympy.Expr, e: sympy.Symbol) -> sympy.Expr:
    """``expr`` with every sum that is a rational multiple of ``rest`` (``4 - 4 p_0 - 4 p_1`` for
    ``rest = 1 - p_0 - p_1``: SymPy distributes a number over a sum) written as that multiple of ``e``."""
    names = rest.free_symbols

    def multiple(n: sympy.Expr) -> sympy.Expr | None:
        if not (n.is_Add and n.free_symbols == names):
            return None
        ratio = sympy.cancel(n / rest)
        return ratio if ratio.is_Rational and ratio != 0 else None

    return expr.replace(lambda n: multiple(n) is not None, lambda n: multiple(n) * e)


def lifted_forms(t: Traced, rows: list[list[int]]) -> tuple[list[sympy.Expr], list[sympy.Symbol]]:
    """The margin written in the simplex rows' full coordinates: each ``1 - sum(row)`` that it holds replaced by
    a symbol ``e`` of its own, so that ``F(x, e)`` is the margin wherever ``e = 1 - sum(row)``. Two ways: as
    the margin is written, and with the terms of each function of ``e`` collected (a normal form writes
    ``e log e`` as ``log e - p_0 log e - ...``); with the symbols ``e`` (none where no row is lifted)."""
    syms = t.symbols
    es, back = [], {}
    big = t.expr
    for k, r in enumerate(rows):
        e = sympy.Symbol(f"_eliminated_{k}", real=True)
        es.append(e)
        back[e] = 1 - sympy.Add(*[syms[i] for i in r])
        big = _swap(big, back[e], e)
    if not rows or sympy.expand(big.xreplace(back) - t.expr) != 0:
        return [], []
    forms = [big]
    try:
        with work.limit(CHECK_WORK):
            expanded = sympy.expand(big)  # the same function of (x, e) as ``big``
            atoms = [a for a in expanded.atoms(sympy.Function, sympy.Pow) if a.free_symbols & set(es)]
            collected = sympy.collect(expanded, atoms)
            for e in es:
                collected = _swap(collected, back[e], e)
            # equal to ``expanded``, so to the margin, where e = 1 - sum(row)
            if collected != big and sympy.expand(collected.xreplace(back) - expanded.xreplace(back)) == 0:
                forms.append(collected)
    except (TimedOut, TypeError, ValueError, NotImplementedError, RecursionError):
        pass
    return [f for f in forms if any(e in f.free_symbols for e in es)], es


def _lifts(t: Traced, idx: list[int], rows: list[list[int]]) -> tuple[list[list[list[Fn]]], list[list[int]]]:
    """The Hessian of the margin in the simplex rows' full coordinates (:func:`lifted_forms`): the margin is
    ``F(x, e)`` with ``e = 1 - sum(row)``, so its Hessian is ``J^T H_F J``, PSD where ``H_F`` is; one per
    lifted form, none where no row lies inside ``idx``."""
    lifted_rows = [r for r in rows if r and set(r) <= set(idx)]
    forms, es = lifted_forms(t, lifted_rows)
    if not forms:
        return [], []
    allsyms = [*t.symbols, *es]
    vars_ = [t.symbols[i] for i in idx] + es
    return [[[compile_expr(_normal(derivative(derivative(form, a), b)), allsyms) for b in vars_] for a in vars_]
            for form in forms], lifted_rows


def lifted_lower(forms: list[Fn], rows: list[list[int]], box: Box) -> Any:
    """The best lower end of the lifted margins ``forms`` (compiled on the coordinates, then one ``e`` per row)
    on ``box``, each ``e`` in ``[max(1/d, 1 - sum hi), 1 - sum lo]``: the points of the box that lie in the
    simplex and in this piece's region (``e >= 1/d``; the others lie in other pieces), so a box that leaves
    the simplex is bounded on the points the proof must cover. ``-oo`` when none is finite."""
    ivs = intervals(box)
    es = []
    for r in rows:
        cut = Fraction(1, len(r) + 1)
        top = 1 - sum((box[i][0] for i in r), Fraction(0))
        low = max(cut, 1 - sum((box[i][1] for i in r), Fraction(0)))
        if top < low:
            return mpmath.inf  # no point of the box lies in the region
        es.append(interval_hull(_q(low), _q(top)))
    best = -mpmath.inf
    for f in forms:
        try:
            v = f([*ivs, *es]).a
        except (ValueError, ZeroDivisionError, OverflowError, TypeError):
            continue
        if v == v and v > best:
            best = v
    return best


def assumed(expr: sympy.Expr, syms: list[sympy.Symbol], base: Box) -> sympy.Expr:
    """``expr`` with each coordinate replaced by a symbol that knows its sign on the piece (``sqrt(x^2) = x``
    for ``x >= 0``): identities on a valley hold where the domain's coordinates lie."""
    swap = {}
    for s, (lo, _) in zip(syms, base):
        if lo > 0 or (lo == 0 and s.is_positive):  # positive: an end at 0 the domain leaves open
            swap[s] = sympy.Dummy(str(s), positive=True)
        elif lo == 0:
            swap[s] = sympy.Dummy(str(s), nonnegative=True)
    return expr.xreplace(swap)


def _nonzero_somewhere(expr: sympy.Expr, syms: list[sympy.Symbol], base: Box) -> bool:
    """Whether ``expr`` is plainly not 0 (undefined on the set, or not 0 at one of five rational points inside
    the piece, 30 digits): a candidate set that fails this is dropped without asking ``simplify`` (which may
    run for seconds)."""
    if expr.has(sympy.zoo, sympy.nan):  # undefined on the set (log 0 of a candidate at an end)
        return True
    for k in range(5):
        subs = {s: _q(v) for s, v in zip(syms, generic_point(base, k))}
        try:
            v = sympy.N(expr.xreplace(subs), 30)
        except (TypeError, ValueError, ZeroDivisionError):
            continue
        # a complex value too (the set leaves the domain there): an identity would be 0 but for a log's branch,
        # and a candidate dropped for a branch is only a closure not tried, never a wrong one
        if v.is_finite and abs(v) > sympy.Float("1e-25", 30):
            return True
    return False


def _zero(expr: sympy.Expr, syms: list[sympy.Symbol], base: Box) -> bool:
    """Whether ``expr`` is identically 0 where the coordinates lie: cheap normal forms first, then ``simplify``."""
    if expr == 0:
        return True
    if _nonzero_somewhere(expr, syms, base):
        return False
    signed = assumed(expr, syms, base)
    try:
        with work.limit(CHECK_WORK):
            if sympy.cancel(sympy.together(sympy.expand(expr))) == 0:
                return True
            # log(x y) = log x + log y where the coordinates' signs say so (never forced)
            if sympy.cancel(sympy.together(sympy.expand(sympy.expand_log(signed, deep=True)))) == 0:
                return True
    except (TimedOut, BasePolynomialError, TypeError, ValueError, NotImplementedError, RecursionError):
        pass
    return is_zero(signed, CHECK_WORK)


def _order(t: Traced, i: int, subs: dict[sympy.Symbol, Any], base: Box) -> tuple[int, sympy.Expr]:
    """The order ``k >= 2`` of the first derivative in coordinate ``i`` that does not vanish identically on the
    set (up to :data:`MAX_ORDER`), and that derivative (the gradient there vanishes identically)."""
    s = t.symbols[i]
    d = sympy.diff(raw_derivative(t.expr, s), s)  # raw, tidied once at the end (trace.tidy_derivative)
    for k in range(2, MAX_ORDER):
        at = d.xreplace(subs)
        if at.has(sympy.zoo, sympy.nan, sympy.oo, -sympy.oo):  # oo - oo as written raw: tidied, it may be finite
            at = tidy_derivative(d).xreplace(subs)
        if not _zero(at, t.symbols, base):
            return k, tidy_derivative(d)
        d = sympy.diff(d, s)
    return MAX_ORDER, tidy_derivative(d)


def critical_at(t: Traced, fixed: dict[int, Any], base: Box, rows: list[list[int]] | None = None
                ) -> Critical | None:
    """The :class:`Critical` at ``fixed`` when conditions 1 and 2 of the module docstring hold exactly
    (``rows``: the free coordinates of each simplex row, for the lifted Hessian). A value of ``fixed`` that
    is no rational is an expression of the coordinates outside ``fixed`` (a valley)."""
    syms = t.symbols
    subs = {syms[i]: _q(v) for i, v in fixed.items()}
    free = [i for i in range(len(syms)) if i not in fixed]
    valley = {i: v for i, v in fixed.items() if not isinstance(v, Fraction)}
    try:
        if any(_q(v).free_symbols - {syms[k] for k in free} for v in valley.values()):
            return None
        if not free and not valley:
            at = decide_point(t, [fixed[i] for i in range(len(syms))])
            if not at.closed:
                return None
            lower, why = at.lower, f"margin {at.exact} at the point"
        else:
            on = t.expr.xreplace(subs)
            if _zero(on, syms, base):
                lower, why = 0.0, "margin identically 0 on the set"
            else:
                enc = compile_expr(on, syms)(intervals(base))
                if not enc.a >= 0:
                    return None
                lower, why = down(enc.a), "margin >= 0 on the set (interval)"
        flat = True  # the gradient vanishes identically on the set
        for i, v in fixed.items():
            g = derivative(t.expr, syms[i]).xreplace(subs)
            if _zero(g, syms, base):
                continue
            flat = False
            lo, hi = base[i]
            enc = compile_expr(g, syms)(intervals(base))
            if i in valley or not ((v == lo and enc.a >= 0) or (v == hi and enc.b <= 0)):
                return None
        idx = sorted(fixed)
        order, dk = _order(t, idx[0], subs, base) if len(idx) == 1 and flat else (2, None)
        ends = {i: compile_expr(_q(v), syms) for i, v in valley.items()}
        if order > 2:
            return Critical(dict(fixed), lower, [[compile_expr(_normal(dk), syms)]], why + f", a zero of order {order}",
                            order=order, ends=ends)
        hess = [[compile_expr(_normal(derivative(derivative(t.expr, syms[a]), syms[b])), syms) for b in idx]
                for a in idx]
        lifts, lifted_rows = _lifts(t, idx, rows or [])
    except (Untraceable, TypeError, ValueError, ZeroDivisionError, NotImplementedError, RecursionError):
        return None
    return Critical(dict(fixed), lower, hess, why, lifts, lifted_rows or None, ends=ends)


def _gershgorin(h: list[list[Any]]) -> bool:
    """Every row's diagonal lower end at least the sum of the magnitudes of its other entries (all finite).
    A diagonal whose upper end is +oo (a Hessian unbounded where the box touches the domain's boundary) is
    allowed: the margin is convex where it is twice differentiable and continuous up to the boundary (every
    node of the whitelist is continuous where finite), so convex on the closed hull."""
    for a, row in enumerate(h):
        ends = [_ends(e) for e in row]
        off = sum((max(abs(lo), abs(hi)) for b, (lo, hi) in enumerate(ends) if b != a), Fraction(0))  # type: ignore[call-overload]
        if not (ends[a][0] - off >= 0):  # exact rationals (or +-oo): no rounding in the test itself
            return False
    return True


def _ends(v: Any) -> tuple[Fraction | float, Fraction | float]:
    """The exact rational ends of an interval (its binary endpoints, not rounded to any precision)."""
    return _end(v._mpi_[0]), _end(v._mpi_[1])


def _end(raw: Any) -> Fraction | float:
    if raw in (mpmath.libmp.finf, mpmath.libmp.fninf):
        return math.inf if raw == mpmath.libmp.finf else -math.inf
    if raw == mpmath.libmp.fnan:
        return -math.inf  # never a pass: a nan end reads as unbounded below
    return Fraction(*mpmath.libmp.to_rational(raw))


def _midpoint_definite(h: list[list[Any]]) -> bool:
    """Every matrix of the interval matrix ``h`` is positive definite: its midpoint ``M`` (exact rationals)
    minus ``r I`` has positive leading minors (Sylvester), where ``r >= ||R||_F`` bounds the spectral norm of
    every deviation ``|E| <= R`` (the radii), so ``lambda_min(M + E) >= lambda_min(M) - r > 0``."""
    n = len(h)
    lo = [[_ends(e)[0] for e in row] for row in h]
    hi = [[_ends(e)[1] for e in row] for row in h]
    mid = [[(a + b) / 2 for a, b in zip(ra, rb)] for ra, rb in zip(lo, hi)]
    mid = [[(mid[a][b] + mid[b][a]) / 2 for b in range(n)] for a in range(n)]  # symmetric part: same quadratic form
    rad2 = sum(max(abs(hi[a][b] - mid[a][b]), abs(mid[a][b] - lo[a][b])) ** 2 for a in range(n) for b in range(n))  # type: ignore[call-overload]
    r = Fraction(math.sqrt(float(rad2))) * Fraction(1 + 2**-30) + Fraction(1, 2**60)
    while r * r < rad2:
        r *= 2
    m = [[mid[a][b] - (r if a == b else 0) for b in range(n)] for a in range(n)]
    for k in range(n):  # Gaussian elimination without pivoting: the pivots are the ratios of leading minors
        if m[k][k] <= 0:
            return False
        for a in range(k + 1, n):
            f = m[a][k] / m[k][k]
            for b in range(k, n):
                m[a][b] -= f * m[k][b]
    return True


def _at_least(e: Any, low: Fraction) -> Any:
    """``e`` cut below at ``low`` (:func:`_cut`): convexity is needed only on the segments from the points of
    the box that this piece covers to the critical set, along which ``e >= low``."""
    lo = interval_hull(sympy.Rational(low.numerator, low.denominator), sympy.Rational(low.numerator, low.denominator))
    return mpmath.iv.mpf([max(e.a, lo.a), max(e.b, lo.a)])


def _hull(crit: Critical, box: Box) -> Box | None:
    """``hull(box, c_S)``: each fixed coordinate's range widened to its value (a valley's: its enclosure
    on the box), None where a valley's enclosure is not finite."""
    out = []
    ivs = intervals(box) if crit.ends else []
    for i, (lo, hi) in enumerate(box):
        v = crit.fixed.get(i)
        if v is None:
            out.append((lo, hi))
            continue
        if i in crit.ends:
            a, b = _ends(crit.ends[i](ivs))
            if not (isinstance(a, Fraction) and isinstance(b, Fraction)):
                return None
        else:
            a = b = v
        out.append((min(lo, a), max(hi, b)))
    return out


def _cut(crit: Critical, row: list[int], box: Box) -> Fraction | None:
    """The least a row's eliminated coordinate ``e`` is on the segments that the lifted Hessian must cover:
    the points of the box that this piece covers have ``e >= 1/d`` (the others lie in other pieces), the set
    ``e`` at its value there (a valley's: the least of its enclosure), and ``e`` is linear along a segment;
    None where the set may leave the simplex there (``e < 0``)."""
    d = len(row) + 1
    if not crit.ends:
        at = 1 - sum((crit.fixed[i] for i in row), Fraction(0))
    else:
        ivs = intervals(box)
        enc = 1 - sum((crit.ends[i](ivs) if i in crit.ends else interval_hull(_q(crit.fixed[i]), _q(crit.fixed[i]))
                       for i in row), mpmath.iv.mpf(0))
        at = _ends(enc)[0]
        if not isinstance(at, Fraction):
            return None
    return min(Fraction(1, d), at) if at >= 0 else None


def _signed(crit: Critical, box: Box, d: Any) -> bool:
    """A zero of order ``k`` along one coordinate ``i``: ``f(x) = f(c) + f^(k)(xi) (x_i - c_i)^k / k!`` on the
    segment, so ``f >= f(c)`` where ``f^(k) (x_i - c_i)^k >= 0`` on the hull: ``f^(k) >= 0`` for an even ``k``,
    for an odd one the sign of ``x_i - c_i`` on the box."""
    ((i, v),) = crit.fixed.items()
    lo_d, hi_d = _ends(d)
    if crit.order % 2 == 0:
        return lo_d >= 0
    if i in crit.ends:
        a, b = _ends(crit.ends[i](intervals(box)))
    else:
        a = b = v
    lo, hi = box[i]
    if lo >= b:
        return lo_d >= 0
    if hi <= a:
        return hi_d <= 0
    return False


def psd_closes(crit: Critical, box: Box, bits: int = 53) -> bool:
    """Whether the Hessian of ``crit`` is positive semidefinite on ``hull(box, c_S)``: by Gershgorin's discs,
    or as positive definite by its midpoint and radii (:func:`_midpoint_definite`); for a zero of order
    ``k > 2``, whether the ``k``-th derivative has the sign that makes the Taylor remainder ``>= 0``."""
    try:
        with precision(bits):
            hull = _hull(crit, box)
            if hull is None:
                return False
            ivs = intervals(hull)
            if crit.order > 2:
                return _signed(crit, box, crit.hessian[0][0](ivs))
            mats = [[[f(ivs) for f in row] for row in crit.hessian]]
            cuts = [_cut(crit, r, box) for r in crit.rows or []]
            if crit.lifts and all(c is not None for c in cuts):
                # the eliminated coordinates range over 1 - (the sum of the row) on the hull, cut below
                es = [_at_least(1 - sum(ivs[i] for i in r), c) for r, c in zip(crit.rows or [], cuts)]  # type: ignore[arg-type]
                mats = [[[f([*ivs, *es]) for f in row] for row in lift] for lift in crit.lifts] + mats
        for h in mats:
            if _gershgorin(h):  # a diagonal entry may be +oo at the boundary (p^(q-2) at p = 0): still convex
                return True
            if all(mpmath.isfinite(e.a) and mpmath.isfinite(e.b) for row in h for e in row) and _midpoint_definite(h):
                return True
        return False
    except (ValueError, ZeroDivisionError, OverflowError, TypeError):
        return False


@lru_cache(maxsize=64)
def _newton_fns(expr: sympy.Expr, syms: tuple[sympy.Symbol, ...]) -> tuple[Any, Any]:
    """The gradient and Hessian of ``expr`` as floating-point functions (made once per margin, not per box)."""
    return (sympy.lambdify(syms, [sympy.diff(expr, s) for s in syms], "mpmath"),
            sympy.lambdify(syms, sympy.hessian(expr, syms), "mpmath"))


def newton_point(t: Traced, box: Box, base: Box) -> list[float] | None:
    """A floating-point critical point from the centre of ``box`` (least-squares Newton on the gradient, clipped
    to ``base``), or None where Newton did not settle: its last step longer than :data:`NEWTON_SETTLED` of its
    first (``sinh(x) - x`` from ``x = -125``: steps of about 1 all the way, far from its zero at 0), which says
    nothing of a critical set near the box. Toward a zero of the gradient of multiplicity ``m`` Newton converges
    only linearly, each step ``(m - 1)/m`` of the one before (``cosh(x) - 1 - x^2/2`` at 0: ``2/3``); where two
    steps in a row shrink by the same ratio ``r``, the point jumps to the limit of that geometric series
    (Aitken's extrapolation), ``x + step r/(1 - r)``."""
    import numpy as np  # the candidate only: every property used is then checked exactly

    try:
        grad, hess = _newton_fns(t.expr, tuple(t.symbols))
        lo, hi = [float(a) for a, _ in base], [float(b) for _, b in base]
        x = np.array([float(v) for v in centre(box)], dtype=float)
        sizes: list[float] = []
        for _ in range(NEWTON_STEPS):
            pt = [float(v) for v in x]  # Python floats: a pole raises ZeroDivisionError, not a numpy warning
            g = np.array([float(v) for v in grad(*pt)], dtype=float)
            h = np.array(hess(*pt).tolist(), dtype=float)
            if not (np.all(np.isfinite(g)) and np.all(np.isfinite(h))):
                return None
            new = np.clip(x - np.linalg.lstsq(h, g, rcond=None)[0], lo, hi)
            step, x = new - x, new
            sizes.append(float(np.max(np.abs(step))))
            if sizes[-1] < 1e-15:
                break
            if len(sizes) >= 3 and sizes[-2] > 0 and sizes[-3] > 0:
                r, r0 = sizes[-1] / sizes[-2], sizes[-2] / sizes[-3]
                if 0.1 < r < 0.99 and abs(r - r0) <= 0.01 * r:  # linear convergence: jump to its limit
                    x = np.clip(x + step * r / (1 - r), lo, hi)
                    sizes.append(sizes[-1] * r / (1 - r))
        if not sizes or not (sizes[-1] < 1e-15 or sizes[-1] <= NEWTON_SETTLED * sizes[0]):
            return None
        return [float(v) for v in x]
    except (TypeError, ValueError, ZeroDivisionError, OverflowError, NameError, AttributeError,
            np.linalg.LinAlgError, RecursionError):
        return None


def bending_down(t: Traced, x: list[float]) -> bool:
    """Whether every diagonal entry of the margin's Hessian at the float point ``x`` is below ``-1e-6`` of its scale:
    then no principal block of the Hessian is PSD near ``x`` (a maximum, such as Newton finds as readily as a
    minimum), so no critical set there closes a box by convexity, and none is checked exactly. ``sin(1/sqrt(x - 1))
    - 2 sin(1/sqrt(x)) + sin(1/sqrt(x + 1))`` has its maximum near ``x = 1.5``; each box there took a second of
    SymPy's exact checks of it. A zero of high order (the ``taylor`` closure) has a Hessian near 0 there: not below."""
    try:
        _, hess = _newton_fns(t.expr, tuple(t.symbols))
        h = [[float(v) for v in row] for row in hess(*x).tolist()]
    except (TypeError, ValueError, ZeroDivisionError, OverflowError, NameError, AttributeError, RecursionError):
        return False
    if not all(math.isfinite(v) for row in h for v in row):
        return False
    scale = 1.0 + max(abs(v) for row in h for v in row)
    return all(h[i][i] < -1e-6 * scale for i in range(len(h)))


def _rational(v: float, lo: Fraction, hi: Fraction) -> list[Fraction]:
    """Simple rationals in ``[lo, hi]`` near ``v``: small denominators first, then the best approximation
    with a denominator up to :data:`MAX_DENOMINATOR` (a coordinate rescaled onto ``[0, 1]`` puts ``x = 1``
    of ``[1/10, 3]`` at ``9/29``)."""
    out = []
    for d in DENOMINATORS:
        r = Fraction(round(v * d), d)
        if lo <= r <= hi and abs(float(r) - v) < 1e-6 and r not in out:
            out.append(r)
    for end in (lo, hi):  # Newton creeps toward a zero of high order at an end (a Taylor remainder's)
        if abs(float(end) - v) <= 1e-4 * float(hi - lo) and end not in out:
            out.append(end)
    if math.isfinite(v):
        r = Fraction(v).limit_denominator(MAX_DENOMINATOR)
        if lo <= r <= hi and abs(float(r) - v) < 1e-9 and r not in out:
            out.append(r)
    return out


def _constant(v: float, lo: Fraction, hi: Fraction) -> list[sympy.Expr]:
    """A simple closed form in ``pi`` and ``e`` within ``1e-10`` of ``v`` and inside ``[lo, hi]`` (SymPy's
    ``nsimplify``, at most :data:`CONSTANT_OPS` operations: ``pi``, ``2 pi/3``), where no rational is: Redheffer's
    ``sin x/x >= (pi^2 - x^2)/(pi^2 + x^2)`` is tight at ``x = pi``. A guess only: :func:`critical_at` checks it
    exactly."""
    if not math.isfinite(v):
        return []
    try:
        with work.limit(CHECK_WORK):
            c = sympy.nsimplify(v, [sympy.pi, sympy.E], tolerance=1e-10)
    except (TimedOut, TypeError, ValueError, NotImplementedError, RecursionError):
        return []
    if c.is_Rational or c.free_symbols or sympy.count_ops(c) > CONSTANT_OPS or not c.is_real:
        return []
    try:  # inside the piece, decided exactly (SymPy compares numbers to the precision it needs)
        inside = bool(_q(lo) <= c) and bool(c <= _q(hi))
    except TypeError:
        return []
    return [c] if inside and abs(float(c) - v) < 1e-9 else []


def barycentre(t: Traced, box: Box, base: Box, groups: list[list[int]]) -> Critical | None:
    """The :class:`Critical` with every simplex row at its barycentre (the simplex coordinates fixed), where
    symmetric bounds are tight (the GCE class-sum bound, entropy), when it is one."""
    if not groups:
        return None
    cand = {i: Fraction(1, len(g) + 1) for g in groups for i in g}
    if not all(base[i][0] <= v <= base[i][1] for i, v in cand.items()):
        return None
    return critical_at(t, cand, base, groups)


def find_critical(t: Traced, box: Box, base: Box, groups: list[list[int]], x: list[float] | None = None
                  ) -> Critical | None:
    """A :class:`Critical` near ``box``: Newton from its centre (``x``, where the caller has it from
    :func:`newton_point`), rounded to simple rationals, then checked exactly, first as a point, then fixing
    only the simplex coordinates, then only the others; the first that closes ``box``, else the first valid set
    along a parameter, else the first valid one of those (either may close the boxes nearer it), else None."""
    x = x or newton_point(t, box, base)
    if x is None or bending_down(t, x):
        return None
    n = len(x)
    simplex = sorted(i for g in groups for i in g)
    subsets = [list(range(n))]
    if simplex and len(simplex) < n:
        subsets += [simplex, [i for i in range(n) if i not in simplex]]
    valid = None
    for subset in subsets:
        options = [_rational(x[i], *base[i]) or _constant(x[i], *base[i]) for i in subset]
        if not all(options):
            continue
        cand = {i: opts[0] for i, opts in zip(subset, options)}
        crit = critical_at(t, cand, base, groups)
        if crit is not None and psd_closes(crit, box):
            return crit
        valid = valid or crit
    segment = None
    for cand in segments.candidates(x, base, _rational):  # a set that holds for every value of a parameter
        if simplex and any(i in simplex for i in cand):
            continue  # a simplex row is fixed whole, above
        crit = critical_at(t, cand, base, groups)
        if crit is not None and psd_closes(crit, box):
            return crit
        segment = segment or crit
    # valid, if too far from this box to close it (the Hessian's enclosure on a wide hull is loose): kept, it
    # closes the boxes nearer it
    return segment or valid


def forget() -> None:
    """Empty the float gradients and Hessians kept (a new top-level proof starts from nothing kept)."""
    _newton_fns.cache_clear()
