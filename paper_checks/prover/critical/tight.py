"""Closing the boxes where the margin is tight: the second-order and scaling closures of one proof, with
what they found so far.

Where first-order bounds cannot close a box (the margin's minimum there is exactly 0), :class:`Tight`
tries, per piece and conjunct (``key``):

- the critical sets found before (:mod:`paper_checks.prover.critical.second`: convexity around a point, a segment or
  a valley; Taylor's theorem at a zero of high order);
- once, the simplex rows' barycentre; then, from small boxes, Newton's method rounded to simple rationals
  (at most :data:`CRITICAL_TRIES` times where it settled, a fraction of a try where it did not); then the
  valleys that :mod:`paper_checks.prover.critical.valleys` proposes near the box, each checked exactly once;
- for a box at the origin of a homogeneous margin, scaling (:mod:`paper_checks.prover.symmetry.scaling`);
- on a simplex, the margin lifted to the rows' full coordinates and bounded on the box's points in the
  simplex and the piece's region only (a box that leaves the simplex is not split down to its faces).

Every closure it returns is a :class:`~paper_checks.prover.enclosures.bound.Closure` that
:func:`paper_checks.prover.certificate.recheck` derives again.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from fractions import Fraction
from typing import Any, Iterator

import sympy

from paper_checks import work
from paper_checks.prover import schedule
from paper_checks.prover.budget import Budget
from paper_checks.prover.critical import valleys
from paper_checks.prover.critical.second import (
    Critical,
    barycentre,
    critical_at,
    find_critical,
    lifted_forms,
    lifted_lower,
    newton_point,
    psd_closes,
)
from paper_checks.prover.enclosures.bound import Closure, down, intervals
from paper_checks.prover.enclosures.boxes import Box, generic_point, groups
from paper_checks.prover.gather import mid
from paper_checks.prover.symmetry import scaling
from paper_checks.prover.tracing.trace import Coordinate, Fn, Traced, compile_expr

#: a critical point is looked for by Newton's method from a box at most this many times per conjunct
CRITICAL_TRIES = 12
#: ... and only from a box narrower than 1/CRITICAL_WIDTH of its piece along every coordinate it was split in
CRITICAL_WIDTH = 8
#: what a try counts where Newton did not settle (:func:`~paper_checks.prover.critical.second.newton_point`)
UNSETTLED_TRY = 1 / 8
#: one box's look for a valley checks candidates for at most its share of the work left
#: (:data:`~paper_checks.prover.schedule.SHARES`, ``"valley"``) and at least this many units; the rest wait for a
#: later box near them
VALLEY_MIN_WORK = 0.5

Key = tuple[int, int]  # (piece, conjunct)


def _closure(c: Critical) -> Closure:
    return Closure(True, c.lower, c.method, exact=c.why, at=dict(c.fixed))


def _definite_somewhere(c: Critical, t: Traced, base: Box) -> bool:
    """Whether the Hessian of a valley (or the ``k``-th derivative of a zero of order ``k``) is positive
    definite at a generic point of it (floating point: only which sets to keep is decided here, never a
    closure). A set along which it is singular lies inside a larger set of zeros (the line ``a = b = c = d``
    inside the log-sum inequality's 3-dimensional one): it would cost a Hessian on every box and close none."""
    import numpy as np

    x: list[Any] = list(generic_point(base))
    subs = {s: sympy.Rational(v.numerator, v.denominator) for s, v in zip(t.symbols, x)}
    try:
        for i, phi in c.fixed.items():
            x[i] = sympy.sympify(phi).xreplace(subs)
        ivs = intervals([(Fraction(str(sympy.Rational(v))) if sympy.sympify(v).is_Rational else
                          Fraction(float(sympy.N(v, 20))),) * 2 for v in x])
        mids = [[mid(f(ivs)) for f in row] for row in c.hessian]
        if any(v is None for row in mids for v in row):
            return True  # not finite there: no judgement
        m = np.array(mids, dtype=float)
        return bool(np.all(np.isfinite(m)) and np.linalg.eigvalsh((m + m.T) / 2).min() > 1e-9 * max(1.0, abs(m).max()))
    except (TypeError, ValueError, ZeroDivisionError, OverflowError, np.linalg.LinAlgError):
        return True


def _free(v: Any) -> bool:
    return bool(getattr(v, "free_symbols", None))


def _how(c: Critical, across: bool = False) -> str:
    if c.order != 2:
        return f"Taylor's theorem (a zero of order {c.order})"
    return "convexity across it" if across else "convexity"


@dataclass
class Tight:
    """The tight-margin closures of one proof (see the module docstring); ``notes`` is the proof's list of
    notes, which it extends with each critical set, valley and scaling it finds."""

    deadline: float
    notes: list[str]
    criticals: dict[Key, list[Critical]] = field(default_factory=dict)
    tries: dict[Key, float] = field(default_factory=dict)
    valleys: dict[Key, tuple[list[dict[int, Any]], Iterator[dict[int, Any]]]] = field(default_factory=dict)
    scalings: dict[Key, scaling.Homogeneous | None] = field(default_factory=dict)
    lifted_margins: dict[Key, tuple[list[Fn], list[list[int]]]] = field(default_factory=dict)

    def lifted(self, t: Traced, coords: list[Coordinate], key: Key, box: Box) -> Closure | None:
        """Close a box by the margin lifted to the simplex rows' full coordinates
        (:func:`~paper_checks.prover.critical.second.lifted_lower`): bounded on the box's points in the simplex and in
        this piece's region only, so a box that leaves the simplex need not be split down to its faces."""
        if key not in self.lifted_margins:
            rows = [list(g) for g in groups(coords).values()]
            forms, es = lifted_forms(t, rows) if rows else ([], [])
            self.lifted_margins[key] = ([compile_expr(f, [*t.symbols, *es]) for f in forms], rows)
        fns, rows = self.lifted_margins[key]
        if not fns:
            return None
        low = lifted_lower(fns, rows, box)
        return Closure(True, down(low), "lifted interval") if low >= 0 else None

    def second_order(self, t: Traced, coords: list[Coordinate], base: Box, names: list[str], key: Key,
                     box: Box) -> Closure | None:
        """Close ``box`` around a critical set: one found before, or one looked for from this box."""
        crits = self.criticals.setdefault(key, [])
        for c in crits:
            if psd_closes(c, box):
                return _closure(c)
        tries = self.tries.get(key, 0)
        small = _small(box, base)
        rows = [list(g) for g in groups(coords).values()]
        first = key not in self.tries  # the barycentre is tried once, from the first open box
        if not first and work.now() > self.deadline:
            return None
        if not first and (tries >= CRITICAL_TRIES or not small):  # a valley is looked for from any box near it
            v = self._valley(t, base, names, key, box, rows)
            return None if v is None else _closure(v)
        c = barycentre(t, box, base, rows) if first else None  # type: ignore[assignment]
        x = newton_point(t, box, base) if c is None and small else None
        # a try is counted whole where Newton settled; one that did not says little of a set near this box, and
        # counts UNSETTLED_TRY (the far boxes of cosh(x) - 1 - x^2/2 on [-1000, 1000] spent all the tries before
        # the boxes near x = 0 were small)
        self.tries[key] = tries + (0 if first else 1 if x is not None else UNSETTLED_TRY)
        if x is not None:
            c = find_critical(t, box, base, rows, x)
        if c is None and small:
            v = self._valley(t, base, names, key, box, rows)
            return None if v is None else _closure(v)
        if c is None or any(c.fixed == k.fixed for k in crits):
            return None
        crits.append(c)
        self.notes.append(f"a critical set {c.to_json(names)['at']} closes boxes by {_how(c)} ({c.why})")
        return _closure(c) if psd_closes(c, box) else None

    def _valley(self, t: Traced, base: Box, names: list[str], key: Key, box: Box,
                rows: list[list[int]]) -> Critical | None:
        """A valley near ``box``: candidates are proposed lazily per conjunct and each is checked exactly
        (:func:`~paper_checks.prover.critical.second.critical_at`) once, from the first open box that lies near it; a
        valid one is kept for every later box."""
        if key not in self.valleys:
            left = max(self.deadline - work.now(), 0.0)
            self.valleys[key] = ([], valleys.candidates(t, rows, min(valleys.SOLVE_WORK, left / 4 + 0.01)))
        pending, more = self.valleys[key]
        look = Budget(work.now(), self.deadline).share(schedule.share("valley"), least=VALLEY_MIN_WORK)
        while not look.over():
            cand = next((c for c in pending if valleys.near(c, t, box)), None)
            if cand is None:
                cand = next(more, None)
                if cand is None:
                    return None
                if not valleys.near(cand, t, box):
                    pending.append(cand)
                    continue
            else:
                pending.remove(cand)
            c = critical_at(t, cand, base, rows)
            if c is not None and c.ends and _definite_somewhere(c, t, base):
                self.criticals.setdefault(key, []).append(c)
                what = "a valley" if any(_free(v) for v in c.fixed.values()) else "an exact critical point"
                self.notes.append(f"{what} {c.to_json(names)['at']} closes boxes by {_how(c, True)} ({c.why})")
                if psd_closes(c, box):
                    return c
        return None

    def scaled(self, t: Traced, coords: list[Coordinate], base: Box, names: list[str], key: Key,
               box: Box) -> Closure | None:
        """Close the corner box at the origin of a homogeneous margin by scaling; whether the margin is
        homogeneous is decided once per conjunct, from the first box at a 0 end."""
        if not any(lo == 0 for lo, _ in box):
            return None
        if key not in self.scalings:
            simplex = {k for g in groups(coords).values() for k in g}
            left = max(self.deadline - work.now(), 0.0)
            h = scaling.homogeneity(t, base, simplex, min(scaling.SCALING_WORK, left / 4)) if left > 0 else None
            self.scalings[key] = h
            if h is not None:
                self.notes.append(f"the margin is homogeneous of degree {h.degree} in "
                                  f"{h.to_json(names)['coordinates']}: the corner box at the origin is closed by "
                                  "scaling")
        h = self.scalings[key]
        if h is None or not scaling.closes(h, box, base):
            return None
        return Closure(True, 0.0, "scaling", exact=f"homogeneous of degree {h.degree}",
                       at={k: Fraction(0) for k in h.coords})

    def across(self, key: Key, box: Box) -> Closure | None:
        """Close a box that leaves the simplex by convexity around a critical set found before: the lifted
        Hessian covers the segments from the box's points in the simplex (and in this piece's region) to the
        set, so the box need not be split down to the simplex's faces."""
        for c in self.criticals.get(key, []):
            if c.lifts and psd_closes(c, box):
                return _closure(c)
        return None


def _small(box: Box, base: Box) -> bool:
    """Whether ``box`` is near enough a critical set to look for one from it: narrower than 1/:data:`CRITICAL_WIDTH`
    of its piece along one coordinate at least, and along every other but those it spans whole (a parameter the
    boxes never split: ``t`` of ``log_t(x) >= log x`` near ``x = 1``, where the margin hardly moves with ``t``, so
    the boxes near the set, a segment along ``t`` (:mod:`paper_checks.prover.critical.segments`), are split in
    ``x``)."""
    narrow = [hi - lo <= (b1 - b0) / CRITICAL_WIDTH for (lo, hi), (b0, b1) in zip(box, base)]
    whole = [(lo, hi) == (b0, b1) for (lo, hi), (b0, b1) in zip(box, base)]
    return any(narrow) and all(n or w for n, w in zip(narrow, whole))
