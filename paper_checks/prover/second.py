"""Second-order closure: a minimum of 0 inside the domain (or along a face of it), closed by convexity.

First-order bounds cannot close the boxes around a point where the margin's minimum is exactly 0
(``log(x) <= x - 1`` at ``x = 1``; the GCE class-sum bound at the barycentre, Zhang & Sabuncu 2018,
Eq. 7): every box there has a lower bound a little below 0. Here such a point is found and the boxes
around it are closed by the second-order argument (Moore, Kearfott & Cloud 2009, sec. 6.3 on using
the Hessian; the convexity test by Gershgorin's discs):

A :class:`Critical` fixes some coordinates ``S`` at exact rationals ``c_S`` (all of them: a point; the
simplex coordinates only: a segment along a parameter ``q``, where the class-sum bound is 0 for every
``q``), and is valid when, on the set ``x_S = c_S``,

1. the margin is ``>= v`` (identically 0 by SymPy's simplification, a rational exactly, or an interval
   enclosure ``>= 0`` over the piece), and
2. its gradient in ``S`` vanishes identically, or points into the piece where ``c_i`` is an end of it.

A box ``b`` is then closed when the Hessian in ``S`` (each entry in normal form, then enclosed in
interval arithmetic) is positive semidefinite on ``hull(b, c_S)`` (every row's diagonal lower end at least
the sum of the magnitudes of the row's other entries): for each fixed ``x_F`` the margin is convex in
``x_S`` on the hull, with a stationary (or inward) point at ``c_S``, so it is ``>= v`` there. A boundary
zero of order ``k`` (a Taylor remainder at ``p = 1``) is the same with ``c`` on the boundary: the
derivatives below the Hessian vanish exactly there and the Hessian's normal form has a sign.
:func:`critical_at` re-derives a critical set from its coordinates alone, as
:func:`paper_checks.prover.certificate.recheck` does.
"""
from __future__ import annotations

import math
from dataclasses import dataclass
from fractions import Fraction
from typing import Any

import mpmath
import sympy

from paper_checks.prover.bound import decide_point, down, intervals
from paper_checks.prover.boxes import Box, centre
from paper_checks.prover.normal import is_zero
from paper_checks.prover.trace import Fn, Traced, Untraceable, compile_expr, derivative, precision
from paper_checks.prover.trace import hull as interval_hull
from paper_checks.run.deadline import TimedOut, deadline

#: denominators tried when a numerical critical point is rounded to a rational
DENOMINATORS = (1, 2, 3, 4, 5, 6, 8, 10, 12, 16, 20, 100, 1000)
#: Newton steps from a box's centre toward a critical point (floating point: only a candidate)
NEWTON_STEPS = 30
#: seconds SymPy may spend on one identity of a candidate
CHECK_SECONDS = 2.0


@dataclass
class Critical:
    """Coordinates ``fixed`` (index -> rational) where the margin is ``>= lower`` with zero (or inward)
    gradient in them, and the compiled Hessian in those coordinates."""

    fixed: dict[int, Fraction]
    lower: float
    hessian: list[list[Fn]]
    why: str
    #: the Hessian lifted to the simplex's full coordinates (the eliminated ones as symbols of their own): PSD
    #: there implies PSD on the simplex's tangent space; with the rows it lifts (free coordinate indices)
    lifted: list[list[Fn]] | None = None
    rows: list[list[int]] | None = None

    def to_json(self, names: list[str]) -> dict[str, Any]:
        return {"at": {names[i]: str(v) for i, v in sorted(self.fixed.items())}, "lower": self.lower,
                "why": self.why}


def _q(v: Fraction) -> sympy.Rational:
    return sympy.Rational(v.numerator, v.denominator)


def _normal(e: sympy.Expr) -> sympy.Expr:
    """A Hessian entry in normal form (its factors bound better: ``(1-p)^2 (1+2p) / p^2``), or as it is."""
    try:
        with deadline(CHECK_SECONDS):
            return sympy.factor(sympy.cancel(sympy.together(e)))
    except (sympy.PolynomialError, TypeError, ValueError, NotImplementedError, RecursionError, TimedOut):
        return e


def _lift(t: Traced, idx: list[int], rows: list[list[int]]) -> tuple[list[list[Fn]], list[list[int]]] | None:
    """The Hessian of the margin written in the simplex rows' full coordinates: each ``1 - sum(row)`` that the
    margin holds replaced by a symbol ``e`` of its own (the margin is ``F(x, e)`` with ``e = 1 - sum(row)``, so
    its Hessian is ``J^T H_F J``: PSD where ``H_F`` is); None where no row lies inside ``idx``."""
    syms = t.symbols
    lifted_rows = [r for r in rows if r and set(r) <= set(idx)]
    if not lifted_rows:
        return None
    es, swap, back = [], {}, {}
    for k, r in enumerate(lifted_rows):
        e = sympy.Symbol(f"_eliminated_{k}", real=True)
        es.append(e)
        swap[1 - sympy.Add(*[syms[i] for i in r])] = e
        back[e] = 1 - sympy.Add(*[syms[i] for i in r])
    big = t.expr.xreplace(swap)
    if not any(e in big.free_symbols for e in es) or sympy.expand(big.xreplace(back) - t.expr) != 0:
        return None
    allsyms = [*syms, *es]
    vars_ = [syms[i] for i in idx] + es
    return [[compile_expr(_normal(derivative(derivative(big, a), b)), allsyms) for b in vars_] for a in vars_], \
        lifted_rows


def critical_at(t: Traced, fixed: dict[int, Fraction], base: Box, rows: list[list[int]] | None = None
                ) -> Critical | None:
    """The :class:`Critical` at ``fixed`` when conditions 1 and 2 of the module docstring hold exactly
    (``rows``: the free coordinates of each simplex row, for the lifted Hessian)."""
    syms = t.symbols
    subs = {syms[i]: _q(v) for i, v in fixed.items()}
    free = [i for i in range(len(syms)) if i not in fixed]
    try:
        if not free:
            at = decide_point(t, [fixed[i] for i in range(len(syms))])
            if not at.closed:
                return None
            lower, why = at.lower, f"margin {at.exact} at the point"
        else:
            on = t.expr.xreplace(subs)
            if is_zero(on, CHECK_SECONDS):
                lower, why = 0.0, "margin identically 0 on the set"
            else:
                enc = compile_expr(on, syms)(intervals(base))
                if not enc.a >= 0:
                    return None
                lower, why = down(enc.a), "margin >= 0 on the set (interval)"
        for i, v in fixed.items():
            g = derivative(t.expr, syms[i]).xreplace(subs)
            if g == 0 or is_zero(g, CHECK_SECONDS):
                continue
            lo, hi = base[i]
            enc = compile_expr(g, syms)(intervals(base))
            if not ((v == lo and enc.a >= 0) or (v == hi and enc.b <= 0)):
                return None
        idx = sorted(fixed)
        hess = [[compile_expr(_normal(derivative(derivative(t.expr, syms[a]), syms[b])), syms) for b in idx]
                for a in idx]
        lift = _lift(t, idx, rows or [])
    except (Untraceable, TypeError, ValueError, ZeroDivisionError, NotImplementedError, RecursionError):
        return None
    return Critical(dict(fixed), lower, hess, why, *(lift or (None, None)))


def _gershgorin(h: list[list[Any]]) -> bool:
    """Every row's diagonal lower end at least the sum of the magnitudes of its other entries (all finite).
    A diagonal whose upper end is +oo (a Hessian unbounded where the box touches the domain's boundary) is
    allowed: the margin is convex where it is twice differentiable and continuous up to the boundary (every
    node of the whitelist is continuous where finite), so convex on the closed hull."""
    for a, row in enumerate(h):
        ends = [_ends(e) for e in row]
        off = sum((max(abs(lo), abs(hi)) for b, (lo, hi) in enumerate(ends) if b != a), Fraction(0))
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
    rad2 = sum(max(abs(hi[a][b] - mid[a][b]), abs(mid[a][b] - lo[a][b])) ** 2 for a in range(n) for b in range(n))
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
    """``e`` cut below at ``low``: in the piece where a row's eliminated coordinate is the largest
    (:mod:`paper_checks.prover.boxes`), it is at least ``1/d``. The points of the hull below are in other
    pieces, so convexity is needed only on the hull cut by ``e >= 1/d``: a convex set that holds the
    barycentre and every point of the box that this piece must cover."""
    lo = interval_hull(sympy.Rational(low.numerator, low.denominator), sympy.Rational(low.numerator, low.denominator))
    return mpmath.iv.mpf([max(e.a, lo.a), max(e.b, lo.a)])


def psd_closes(crit: Critical, box: Box, bits: int = 53) -> bool:
    """Whether the Hessian of ``crit`` is positive semidefinite on ``hull(box, c_S)``: by Gershgorin's discs,
    or as positive definite by its midpoint and radii (:func:`_midpoint_definite`)."""
    hull = [(min(lo, crit.fixed[i]), max(hi, crit.fixed[i])) if i in crit.fixed else (lo, hi)
            for i, (lo, hi) in enumerate(box)]
    try:
        with precision(bits):
            ivs = intervals(hull)
            mats = [[[f(ivs) for f in row] for row in crit.hessian]]
            if crit.lifted is not None:  # the eliminated coordinates range over 1 - (the sum of the row) on the hull
                es = [_at_least(1 - sum(ivs[i] for i in r), Fraction(1, len(r) + 1)) for r in crit.rows or []]
                mats.insert(0, [[f([*ivs, *es]) for f in row] for row in crit.lifted])
        for h in mats:
            if _gershgorin(h):  # a diagonal entry may be +oo at the boundary (p^(q-2) at p = 0): still convex
                return True
            if all(mpmath.isfinite(e.a) and mpmath.isfinite(e.b) for row in h for e in row) and _midpoint_definite(h):
                return True
        return False
    except (ValueError, ZeroDivisionError, OverflowError, TypeError):
        return False


def _newton(t: Traced, x0: list[float], base: Box) -> list[float] | None:
    """A floating-point critical point near ``x0`` (least-squares Newton on the gradient), clipped to ``base``."""
    import numpy as np  # the candidate only: every property used is then checked exactly

    syms = t.symbols
    try:
        grad = sympy.lambdify(syms, [sympy.diff(t.expr, s) for s in syms], "mpmath")
        hess = sympy.lambdify(syms, sympy.hessian(t.expr, syms), "mpmath")
        x = np.array(x0, dtype=float)
        for _ in range(NEWTON_STEPS):
            g = np.array([float(v) for v in grad(*x)], dtype=float)
            h = np.array(hess(*x).tolist(), dtype=float)
            if not (np.all(np.isfinite(g)) and np.all(np.isfinite(h))):
                return None
            step = np.linalg.lstsq(h, g, rcond=None)[0]
            x = np.clip(x - step, [float(lo) for lo, _ in base], [float(hi) for _, hi in base])
            if np.max(np.abs(step)) < 1e-15:
                break
        return [float(v) for v in x]
    except (TypeError, ValueError, ZeroDivisionError, OverflowError, NameError, AttributeError,
            np.linalg.LinAlgError, RecursionError):
        return None


def _rational(v: float, lo: Fraction, hi: Fraction) -> list[Fraction]:
    out = []
    for d in DENOMINATORS:
        r = Fraction(round(v * d), d)
        if lo <= r <= hi and abs(float(r) - v) < 1e-6 and r not in out:
            out.append(r)
    return out


def barycentre(t: Traced, box: Box, base: Box, groups: list[list[int]]) -> Critical | None:
    """The :class:`Critical` with every simplex row at its barycentre (the simplex coordinates fixed), where
    symmetric bounds are tight (the GCE class-sum bound, entropy), when it is one."""
    if not groups:
        return None
    cand = {i: Fraction(1, len(g) + 1) for g in groups for i in g}
    if not all(base[i][0] <= v <= base[i][1] for i, v in cand.items()):
        return None
    return critical_at(t, cand, base, groups)


def find_critical(t: Traced, box: Box, base: Box, groups: list[list[int]]) -> Critical | None:
    """A :class:`Critical` near ``box``: Newton from its centre, rounded to simple rationals, then checked
    exactly, first as a point, then fixing only the simplex coordinates, then only the others."""
    x = _newton(t, [float(v) for v in centre(box)], base)
    if x is None:
        return None
    n = len(x)
    simplex = sorted(i for g in groups for i in g)
    subsets = [list(range(n))]
    if simplex and len(simplex) < n:
        subsets += [simplex, [i for i in range(n) if i not in simplex]]
    for subset in subsets:
        options = [_rational(x[i], *base[i]) for i in subset]
        if not all(options):
            continue
        cand = {i: opts[0] for i, opts in zip(subset, options)}
        crit = critical_at(t, cand, base, groups)
        if crit is not None and psd_closes(crit, box):
            return crit
    return None
