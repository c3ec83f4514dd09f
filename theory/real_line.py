"""Exact analysis of a piecewise function of one real variable: its pieces, signs, infima, convexity.

A margin loss ``phi(v)`` (:mod:`label_noise_lab.theory.margin`) may use ``Abs``, ``Max``, ``Min``, ``sign`` and
``Heaviside``; rewritten as a ``Piecewise`` it is smooth between finitely many breakpoints (the real
roots of its conditions). :func:`split` finds them and the smooth piece on each open interval (of the real
line, or of a domain such as ``(0, 1)`` where ``sqrt(p)`` and ``log(p)`` are real);
the rest answers questions exactly from that split:

- :func:`sign_on`: the sign of an expression on an open interval (SymPy's sign inference, else the
  exact sign between its real roots);
- :func:`infimum`: the exact infimum over an interval (limits at the ends, critical points,
  breakpoint values), whether and where it is attained, and every maximal interval on which it is (flat
  pieces joined across a breakpoint that attains it; a condition's root inside a branch that does not
  switch is no breakpoint);
- :func:`kinks` and :func:`divergence`: every switch of ``Min``/``Max``/``Abs``/``sign``/``Heaviside``/
  ``Piecewise`` and every pole on a finite interval, and whether an integral over it diverges (and where);
- :func:`convexity`: proved (each piece's second derivative non-negative, continuity and
  non-decreasing one-sided slopes at each breakpoint) or refuted by an exact chord
  ``phi((a + b)/2) > (phi(a) + phi(b))/2``.

Whatever SymPy cannot settle raises :class:`Undecided` with the reason; nothing here samples floats.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import sympy
from sympy.calculus.util import continuous_domain
from sympy.core.relational import Relational

OO = sympy.oo


class Undecided(Exception):
    """SymPy could not settle the question; the message says where."""


@dataclass(frozen=True)
class Split:
    """``expr`` on the real line: ``breakpoints`` ``b_1 < ... < b_k``, ``pieces[i]`` the smooth expression
    on the open interval ``(b_i, b_{i+1})`` (``b_0 = -oo``, ``b_{k+1} = oo``)."""

    expr: sympy.Expr
    var: sympy.Symbol
    breakpoints: tuple[sympy.Expr, ...]
    pieces: tuple[sympy.Expr, ...]
    lo: Any = -OO
    hi: Any = OO

    def intervals(self) -> list[tuple[sympy.Expr, sympy.Expr, sympy.Expr]]:
        """``(lo, hi, piece)`` for each open interval, left to right (from the domain's ``lo`` to its ``hi``)."""
        ends = (self.lo, *self.breakpoints, self.hi)
        return [(ends[i], ends[i + 1], p) for i, p in enumerate(self.pieces)]

    def value(self, x: Any) -> sympy.Expr:
        """``expr`` at the exact point ``x`` (``x`` may be a breakpoint)."""
        return self.expr.subs(self.var, x)


def exact_less(a: Any, b: Any) -> bool:
    """``a < b`` for exact extended reals, decided (SymPy's ``is_negative`` evaluates numbers with
    guaranteed precision); :class:`Undecided` when it cannot tell."""
    d = (sympy.sympify(a) - sympy.sympify(b)) if not (a in (OO, -OO) or b in (OO, -OO)) else None
    if d is None:
        return bool(sympy.sympify(a) < sympy.sympify(b))
    r = d.is_negative
    if r is None:
        r = sympy.simplify(d).is_negative
    if r is None:
        raise Undecided(f"cannot compare {a} and {b}")
    return bool(r)


def exact_equal(a: Any, b: Any) -> bool:
    """``a == b`` for exact extended reals: a decided sign of ``a - b`` says no at once; only a difference whose
    sign SymPy cannot decide numerically (it may be zero) is simplified."""
    if a in (OO, -OO) or b in (OO, -OO):
        return a == b
    d = sympy.sympify(a) - sympy.sympify(b)
    if d == 0:
        return True
    if d.is_number and (d.is_positive or d.is_negative):
        return False
    return sympy.simplify(d) == 0


def _test_point(lo: Any, hi: Any) -> sympy.Expr:
    """An exact rational point of the open interval ``(lo, hi)``."""
    if lo == -OO and hi == OO:
        return sympy.Integer(0)
    if lo == -OO:
        return sympy.floor(hi) - 1
    if hi == OO:
        return sympy.ceiling(lo) + 1
    mid = (lo + hi) / 2
    return mid if mid.is_Rational else sympy.nsimplify(mid, rational=True, tolerance=(hi - lo) / 8)


def _select(e: Any, var: sympy.Symbol, m: Any) -> Any:
    """``e`` with every ``Piecewise`` replaced by its branch that holds at the point ``m``."""
    if isinstance(e, sympy.Piecewise):
        for val, cond in e.args:
            c = cond.subs(var, m) if isinstance(cond, sympy.Basic) else cond
            if c == sympy.true:
                return _select(val, var, m)
            if c != sympy.false:
                raise Undecided(f"the condition {cond} is not decided at {var} = {m}")
        raise Undecided(f"no branch of {e} holds at {var} = {m}")
    if not e.args or not isinstance(e, sympy.Basic):
        return e
    return e.func(*[_select(a, var, m) for a in e.args])


def real_roots(e: sympy.Expr, var: sympy.Symbol, domain: sympy.Set = sympy.S.Reals) -> list[sympy.Expr]:
    """The real roots of ``e`` in ``domain``, sorted; :class:`Undecided` unless SymPy finds finitely many.

    References
    ----------
    .. [1] P. L. Bartlett, M. I. Jordan and J. D. McAuliffe, "Convexity, Classification, and Risk Bounds",
       JASA 101(473), 2006.

    Examples
    --------
    >>> import sympy
    >>> from label_noise_lab.theory.real_line import real_roots
    >>> x = sympy.Symbol("x")
    >>> real_roots(x**2 - 2, x)
    [-sqrt(2), sqrt(2)]
    """
    sol = sympy.solveset(e, var, domain)
    if sol == sympy.S.EmptySet:
        return []
    if not isinstance(sol, sympy.FiniteSet):
        raise Undecided(f"the roots of {e} in {domain} are not a finite set SymPy can list ({type(sol).__name__})")
    roots = [r for r in sol if r.is_real]
    return sorted(roots, key=lambda r: sympy.N(r, 30))


def discontinuities(e: sympy.Expr, var: sympy.Symbol, lo: Any, hi: Any) -> list[sympy.Expr]:
    """The points of the open interval ``(lo, hi)`` where ``e`` is not continuous (finitely many), sorted;
    :class:`Undecided` when SymPy cannot tell or they are not a finite set.

    References
    ----------
    .. [1] P. L. Bartlett, M. I. Jordan and J. D. McAuliffe, "Convexity, Classification, and Risk Bounds",
       JASA 101(473), 2006.

    Examples
    --------
    >>> import sympy
    >>> from label_noise_lab.theory.real_line import discontinuities
    >>> x = sympy.Symbol("x")
    >>> discontinuities(1/(x - sympy.Rational(1, 3)), x, 0, 1)
    [1/3]
    """
    whole = sympy.Interval.open(lo, hi)
    # erf and erfc are continuous on the reals (SymPy's continuous_domain raises NotImplementedError for them):
    # atan of the same argument has the same domain of continuity and is one continuous_domain knows
    e = e.replace(lambda n: isinstance(n, (sympy.erf, sympy.erfc)), lambda n: sympy.atan(n.args[0]))
    try:
        bad = whole - continuous_domain(e, var, whole)
    except (NotImplementedError, ValueError, TypeError) as exc:
        raise Undecided(f"cannot decide where {e} is continuous: {type(exc).__name__}") from None
    if bad == sympy.S.EmptySet:
        return []
    if not isinstance(bad, sympy.FiniteSet):
        raise Undecided(f"{e} is not continuous on {bad}")
    return sorted(bad, key=lambda r: sympy.N(r, 30))


def _pieces(e: sympy.Expr, var: sympy.Symbol, ordered: tuple[sympy.Expr, ...], lo: Any = -OO,
            hi: Any = OO) -> tuple[sympy.Expr, ...]:
    ends = (lo, *ordered, hi)
    return tuple(sympy.simplify(_select(e, var, _test_point(ends[i], ends[i + 1]))) for i in range(len(ends) - 1))


_PIECEWISE = (sympy.Abs, sympy.sign, sympy.Max, sympy.Min, sympy.Heaviside, sympy.Piecewise)


def _refold(e: sympy.Expr, var: sympy.Symbol, ordered: tuple[sympy.Expr, ...],
            pieces: tuple[sympy.Expr, ...], lo: Any = -OO, hi: Any = OO) -> sympy.Expr:
    """``e`` written again from its pieces, each rewritten as a ``Piecewise`` (simplifying a piece may bring
    out an ``Abs``: ``sqrt(v**2 + v**4) = Abs(v) sqrt(v**2 + 1)``); the values at the breakpoints are kept."""
    ends = (lo, *ordered, hi)
    args = [(e.subs(var, b), sympy.Eq(var, b)) for b in ordered]
    for i, p in enumerate(pieces):
        args.append((p.rewrite(sympy.Piecewise), sympy.And(var > ends[i], var < ends[i + 1])))
    return sympy.piecewise_fold(sympy.Piecewise(*args))


def split(expr: sympy.Expr, var: sympy.Symbol, _depth: int = 0, lo: Any = -OO, hi: Any = OO) -> Split:
    """The breakpoints and pieces of ``expr`` (see :class:`Split`) on the open domain ``(lo, hi)`` (the real line
    unless given; ``(0, 1)`` for a loss of ``p``, where ``sqrt(p)`` and ``log(p)`` are real): the roots of its
    conditions (each condition continuous), then the points where a piece's derivative is not continuous, so that
    every piece is continuously differentiable on its open interval. :class:`Undecided` where a piece itself is
    not continuous (a pole, a logarithm of 0) or SymPy cannot tell."""
    e = sympy.piecewise_fold(sympy.sympify(expr).rewrite(sympy.Piecewise))
    lo, hi = sympy.sympify(lo), sympy.sympify(hi)
    dom = sympy.Interval.open(lo, hi)
    bps: set[sympy.Expr] = set()
    for rel in e.atoms(Relational):
        if discontinuities(rel.lhs - rel.rhs, var, lo, hi):
            raise Undecided(f"the condition {rel} is not continuous in {var}")
        bps.update(real_roots(rel.lhs - rel.rhs, var, dom))
    ordered = tuple(sorted(bps, key=lambda r: sympy.N(r, 30)))
    pieces = _pieces(e, var, ordered, lo, hi)
    if _depth < 2 and any(p.has(*_PIECEWISE) for p in pieces):
        return split(_refold(e, var, ordered, pieces, lo, hi), var, _depth + 1, lo, hi)
    ends = (lo, *ordered, hi)
    kinks: set[sympy.Expr] = set()
    for i, p in enumerate(pieces):
        if discontinuities(p, var, ends[i], ends[i + 1]):
            raise Undecided(f"{p} is not continuous on ({ends[i]}, {ends[i + 1]})")
        kinks.update(discontinuities(sympy.diff(p, var), var, ends[i], ends[i + 1]))
    if kinks:
        ordered = tuple(sorted(bps | kinks, key=lambda r: sympy.N(r, 30)))
        pieces = _pieces(e, var, ordered, lo, hi)
    return _prune(Split(e, var, ordered, pieces, lo, hi))


def _prune(sp: Split) -> Split:
    """``sp`` without its spurious breakpoints: a root of a condition where the function goes on with the same
    smooth piece on both sides and takes that piece's value (``Min(1, Max(0, 1 - v)**2)`` has a condition root at
    ``v = 2``, inside the branch where ``Max(0, 1 - v) = 0``)."""
    bps, pieces = [], [sp.pieces[0]]
    for b, right in zip(sp.breakpoints, sp.pieces[1:]):
        left = pieces[-1]
        same = left == right or sympy.simplify(left - right) == 0
        if same:
            at = left.subs(sp.var, b)
            same = at.is_finite is True and exact_equal(at, sp.value(b))
        if same:
            continue
        bps.append(b)
        pieces.append(right)
    return Split(sp.expr, sp.var, tuple(bps), tuple(pieces), sp.lo, sp.hi)


def _substitute_interval(e: sympy.Expr, var: sympy.Symbol, lo: Any, hi: Any) -> sympy.Expr:
    """``e`` with ``var`` written through a positive symbol ``u`` ranging over the interval, so that SymPy's
    sign inference sees it."""
    u = sympy.Symbol("u", positive=True)
    if lo == -OO and hi == OO:
        return e
    if lo == -OO:
        return e.subs(var, hi - u)
    if hi == OO:
        return e.subs(var, lo + u)
    return e.subs(var, lo + (hi - lo) * u / (1 + u))


def sign_on(e: sympy.Expr, var: sympy.Symbol, lo: Any, hi: Any) -> int:
    """The sign of ``e`` on the open interval ``(lo, hi)``: ``1``/``-1`` strict, ``2``/``-2`` weak (zero
    somewhere), ``0`` identically zero, ``3`` both signs. :class:`Undecided` when SymPy cannot tell."""
    e = sympy.simplify(e)
    if e == 0:
        return 0
    s = sympy.simplify(_substitute_interval(e, var, lo, hi))
    for test, out in ((s.is_positive, 1), (s.is_negative, -1), (s.is_nonnegative, 2), (s.is_nonpositive, -2)):
        if test:
            return out
    roots = real_roots(e, var, sympy.Interval.open(lo, hi))
    ends = [lo, *roots, hi]
    signs = set()
    for i in range(len(ends) - 1):
        x = sympy.sympify(e.subs(var, _test_point(ends[i], ends[i + 1])))
        if x.is_positive:
            signs.add(1)
        elif x.is_negative:
            signs.add(-1)
        else:
            raise Undecided(f"the sign of {e} at an exact point of ({lo}, {hi}) is not decided")
    if signs == {1}:
        return 2 if roots else 1
    if signs == {-1}:
        return -2 if roots else -1
    return 3


GRID_POINTS = tuple(sympy.Rational(k, 4) for k in range(-40, 41))
"""Exact points, ``-10`` to ``10`` by ``1/4``, where a sign is sought when the roots cannot be listed."""


def negative_point(e: sympy.Expr, var: sympy.Symbol, lo: Any, hi: Any) -> sympy.Expr | None:
    """An exact point of ``(lo, hi)`` where ``e < 0`` (between its real roots), or None where there is none.
    Where the roots are not a finite set SymPy can list (a transcendental equation), an exact point of
    :data:`GRID_POINTS` in the interval with ``e < 0`` (sign certified by SymPy's evaluation), else
    :class:`Undecided`."""
    try:
        roots = real_roots(sympy.simplify(e), var, sympy.Interval.open(lo, hi))
    except Undecided:
        for m in GRID_POINTS:
            inside = (lo == -OO or exact_less(lo, m)) and (hi == OO or exact_less(m, hi))
            if inside and sympy.sympify(e.subs(var, m)).is_negative:
                return m
        raise
    ends = [lo, *roots, hi]
    for i in range(len(ends) - 1):
        m = _test_point(ends[i], ends[i + 1])
        if sympy.sympify(e.subs(var, m)).is_negative:
            return m
    return None


@dataclass(frozen=True)
class Infimum:
    """``value`` = the infimum; ``attained``; ``at``: the exact minimisers (points) or the limits
    (``oo``/``-oo`` or a finite end) it is approached at; ``intervals``: every maximal interval on which it is
    attained (constant pieces at the infimum, joined across a breakpoint that attains it too), left to right;
    ``interval``: the first of them or None."""

    value: sympy.Expr
    attained: bool
    at: tuple[sympy.Expr, ...]
    intervals: tuple[tuple[sympy.Expr, sympy.Expr], ...] = ()

    @property
    def interval(self) -> tuple[sympy.Expr, sympy.Expr] | None:
        return self.intervals[0] if self.intervals else None


def _candidates(sp: Split, lo: Any, hi: Any, lo_closed: bool, hi_closed: bool) -> list[tuple[Any, bool, Any, Any]]:
    """``(value, attained, where, interval)`` of every place the infimum over the range may be."""
    var = sp.var
    out: list[tuple[Any, bool, Any, Any]] = []
    for b in sp.breakpoints:
        if (exact_less(lo, b) and exact_less(b, hi) or (lo_closed and exact_equal(b, lo))
                or (hi_closed and exact_equal(b, hi))):
            v = sp.value(b)
            if v.has(sympy.zoo, sympy.nan) or v in (OO, -OO):
                continue  # undefined there (log 0): the pieces' one-sided limits stand for it
            out.append((v, True, b, None))
    for a, b, p in sp.intervals():
        a2 = lo if (a == -OO or (lo != -OO and exact_less(a, lo))) else a
        b2 = hi if (b == OO or (hi != OO and exact_less(hi, b))) else b
        if not exact_less(a2, b2):
            continue
        if not p.has(var):
            out.append((p, True, None, (a2, b2)))
            continue
        for x in real_roots(sympy.diff(p, var), var, sympy.Interval.open(a2, b2)):
            out.append((sympy.simplify(p.subs(var, x)), True, x, None))
        for end, side in ((a2, "+"), (b2, "-")):
            closed = (end == lo and lo_closed) or (end == hi and hi_closed)
            lim = sympy.limit(p, var, end, side)
            if lim.has(sympy.AccumBounds) or lim.is_real is False and lim not in (OO, -OO):
                raise Undecided(f"the limit of {p} at {var} -> {end}{side} does not exist")
            out.append((lim, closed and end not in (OO, -OO) and exact_equal(lim, sp.value(end)), end, None))
    return out


def infimum(sp: Split, lo: Any = -OO, hi: Any = OO, lo_closed: bool = True, hi_closed: bool = True) -> Infimum:
    """The exact infimum of the split function over the interval from ``lo`` to ``hi`` (ends closed or open)."""
    cands = _candidates(sp, sympy.sympify(lo), sympy.sympify(hi), lo_closed, hi_closed)
    if not cands:
        raise Undecided(f"empty range ({lo}, {hi})")
    best = cands[0][0]
    for c in cands[1:]:
        if exact_less(c[0], best):
            best = c[0]
    hits = [c for c in cands if exact_equal(c[0], best)]
    attained = any(h[1] for h in hits)
    where = tuple(dict.fromkeys(h[2] for h in hits if h[1] == attained and h[2] is not None))
    intervals = _merge([h[3] for h in hits if h[3] is not None], [h[2] for h in hits if h[1] and h[2] is not None])
    return Infimum(best, attained, where, intervals)


def _merge(pieces: list[tuple[Any, Any]], points: list[Any]) -> tuple[tuple[Any, Any], ...]:
    """The open ``pieces`` joined into maximal intervals: two are joined where one ends at a point of ``points``
    (a minimiser) where the next begins."""
    out: list[tuple[Any, Any]] = []
    for a, b in sorted(pieces, key=lambda ab: -1e300 if ab[0] == -OO else float(sympy.N(ab[0], 30))):
        if out and exact_equal(out[-1][1], a) and any(exact_equal(a, x) for x in points):
            out[-1] = (out[-1][0], b)
        else:
            out.append((a, b))
    return tuple(out)


def chord_violation(sp: Split, a: Any, b: Any) -> sympy.Expr | None:
    """``phi((a + b)/2) - (phi(a) + phi(b))/2`` when it is positive (a convexity counterexample), else None."""
    a, b = sympy.sympify(a), sympy.sympify(b)
    gap = sympy.simplify(sp.value((a + b) / 2) - (sp.value(a) + sp.value(b)) / 2)
    return gap if sympy.sympify(gap).is_positive else None


def _piece_at(sp: Split, x: Any, side: str) -> sympy.Expr:
    """The piece just left (``side = "-"``: its interval has ``a < x <= b``) or right (``"+"``: ``a <= x < b``)
    of the point ``x``."""
    for a, b, p in sp.intervals():
        if side == "-" and (a == -OO or exact_less(a, x)) and (b == OO or not exact_less(b, x)):
            return p
        if side == "+" and (a == -OO or not exact_less(x, a)) and (b == OO or exact_less(x, b)):
            return p
    raise Undecided(f"no piece at {x}{side}")


def one_sided(sp: Split, x: Any) -> tuple[sympy.Expr, sympy.Expr, sympy.Expr, sympy.Expr]:
    """``(phi(x-), phi(x+), phi'(x-), phi'(x+))``: the one-sided limits of the value and of the slope at ``x``."""
    x = sympy.sympify(x)
    var = sp.var
    left, right = _piece_at(sp, x, "-"), _piece_at(sp, x, "+")
    return (sympy.limit(left, var, x, "-"), sympy.limit(right, var, x, "+"),
            sympy.limit(sympy.diff(left, var), var, x, "-"), sympy.limit(sympy.diff(right, var), var, x, "+"))


def _halving_chords(sp: Split, x: Any) -> tuple[Any, Any, sympy.Expr] | None:
    """An exact chord around ``x`` that lies below the graph: ``(a, b, gap)``, or None (steps ``1/2^k``)."""
    x = sympy.sympify(x)
    for k in range(0, 24):
        h = sympy.Rational(1, 2**k)
        for a, b in ((x - h, x + h), (x - 2 * h, x), (x, x + 2 * h)):
            gap = chord_violation(sp, a, b)
            if gap is not None:
                return a, b, gap
    return None


@dataclass(frozen=True)
class Convexity:
    """``convex``; ``reason``; ``chord``: ``(a, b, gap)`` with ``gap = phi((a+b)/2) - (phi(a)+phi(b))/2 > 0``
    when refuted."""

    convex: bool
    reason: str
    chord: tuple[sympy.Expr, sympy.Expr, sympy.Expr] | None = None


def convexity(sp: Split) -> Convexity:
    """Convex on the real line, proved or refuted by an exact chord (see the module docstring)."""
    var = sp.var
    for a, b, p in sp.intervals():
        d2 = sympy.diff(p, var, 2)
        try:
            if sign_on(d2, var, a, b) in (0, 1, 2):
                continue
        except Undecided:
            pass  # the roots of phi'' cannot be listed: an exact point with phi'' < 0 may still refute
        m = negative_point(d2, var, a, b)
        chord = _halving_chords(sp, m) if m is not None else None
        if chord is None:
            raise Undecided(f"phi'' takes both signs on ({a}, {b}) but no exact chord was found")
        return Convexity(False, f"phi'' < 0 at {var} = {m}", chord)
    for x in sp.breakpoints:
        lv, rv, ls, rs = one_sided(sp, x)
        value = sp.value(x)
        jump = not (exact_equal(lv, value) and exact_equal(rv, value))
        if jump or exact_less(rs, ls):
            chord = _halving_chords(sp, x)
            if chord is None:
                raise Undecided(f"a {'jump' if jump else 'concave kink'} at {var} = {x} but no exact chord was found")
            return Convexity(False, f"{'discontinuous' if jump else 'a concave kink'} at {var} = {x}", chord)
    return Convexity(True, "phi'' >= 0 on every piece; continuous with non-decreasing slope at every breakpoint")


# ---------------------------------------------------------------- kinks and integrals on a finite interval
def _switches(e: sympy.Expr) -> set[sympy.Expr]:
    """The expressions whose sign switches a branch of ``e``: the arguments of ``Abs``, ``sign`` and
    ``Heaviside``, the pairwise differences of ``Min``/``Max`` arguments, and the conditions of ``Piecewise``."""
    out: set[sympy.Expr] = set()
    for a in e.atoms(sympy.Abs, sympy.sign, sympy.Heaviside):
        out.add(a.args[0])
    for m in e.atoms(sympy.Min, sympy.Max):
        out.update(x - y for i, x in enumerate(m.args) for y in m.args[i + 1:])
    for pw in e.atoms(sympy.Piecewise):
        for _, cond in pw.args:
            out.update(r.lhs - r.rhs for r in cond.atoms(Relational))
    return out


def kinks(e: sympy.Expr, var: sympy.Symbol, lo: Any, hi: Any) -> list[sympy.Expr]:
    """Every point of the open interval ``(lo, hi)`` where a branch of ``e`` switches (a kink or a jump of ``Min``,
    ``Max``, ``Abs``, ``sign``, ``Heaviside``, ``Piecewise``), and every real root there of a denominator (a
    pole), sorted; :class:`Undecided` when they are not a finite set SymPy can list."""
    dom = sympy.Interval.open(lo, hi)
    pts: set[sympy.Expr] = set()
    for s in _switches(e):
        if s.has(*_PIECEWISE):  # a switch of a switch: its branches' roots (a spurious one only splits a piece)
            folded = sympy.piecewise_fold(s.rewrite(sympy.Piecewise))
            branches = [v for v, _ in folded.args] if isinstance(folded, sympy.Piecewise) else [folded]
            for b in branches:
                if b.has(var) and not b.has(*_PIECEWISE):
                    pts.update(real_roots(b, var, dom))
        elif s.has(var):
            pts.update(real_roots(s, var, dom))
    for term in sympy.preorder_traversal(e):
        if isinstance(term, sympy.Pow) and term.exp.is_negative and term.base.has(var):
            pts.update(real_roots(term.base, var, dom))
    return sorted(pts, key=lambda r: sympy.N(r, 30))


def divergence(e: sympy.Expr, var: sympy.Symbol, lo: Any, hi: Any) -> sympy.Expr | None:
    """A point of ``[lo, hi]`` near which ``integral |e|`` diverges, or None when it converges near every end, kink
    and pole. Where ``e`` is unbounded at ``x0``, ``|x - x0| e -> L != 0`` proves divergence (``|e| >= c/|x - x0|``)
    and ``|x - x0|^(1/2) e`` bounded proves convergence; :class:`Undecided` otherwise."""
    lo, hi = sympy.sympify(lo), sympy.sympify(hi)
    folded = sympy.piecewise_fold(e.rewrite(sympy.Piecewise)) if e.has(*_PIECEWISE) else e
    ends = [lo, *kinks(e, var, lo, hi), hi]
    for a, b in zip(ends, ends[1:]):
        piece = _select(folded, var, _test_point(a, b))  # the smooth branch on (a, b)
        if piece.is_polynomial(var):
            continue  # bounded on a bounded interval
        piece = sympy.simplify(piece)
        for x0, side in ((a, "+"), (b, "-")):
            if sympy.limit(piece, var, x0, side).is_finite:
                continue
            d = sympy.Abs(var - x0)
            if sympy.limit(d * piece, var, x0, side).is_zero is False:
                return x0
            if not sympy.limit(sympy.sqrt(d) * piece, var, x0, side).is_finite:
                raise Undecided(f"cannot decide whether the integral of {e} converges near {var} = {x0}{side}")
    return None
