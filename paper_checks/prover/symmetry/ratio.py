"""A margin homogeneous in some positive coordinates decided on their ratios: one coordinate fewer.

Jensen's inequality for the log with its weight free, ``log(w a + (1 - w) b) - w log a - (1 - w) log b >= 0`` on
``a, b`` in ``[1/10, 4]``, is 0 on the whole plane ``a = b`` and on the faces ``w = 0`` and ``w = 1``; the power mean
against the geometric mean, ``((a^r + b^r)/2)^(1/r) - sqrt(a b)`` with the exponent ``r`` free, on ``a = b`` for every
``r``. The boxes close neither: every box along those sets has a lower bound a little below 0. Both are homogeneous in
``(a, b)``, ``m(s a, s b, w) = s^k m(a, b, w)`` for every ``s > 0`` (degree ``k = 0`` and ``k = 1``), so with ``b > 0``,

    ``m(a, b, w) = b^k m(a/b, 1, w)``,

and ``m >= 0`` on the piece exactly where ``m(u, 1, w) >= 0`` for every ratio ``u = a/b`` the piece holds: the
interval ``[low_a/high_b, high_a/low_b]`` (every such ratio is taken). The sub-problem has one coordinate fewer, its
tight set a line ``u = 1`` that the second-order closure closes. With more than two such coordinates each ratio
``x_i/x_p`` to the pivot ``x_p`` ranges over the same interval, a box that holds every ratio the piece takes (a proof
there holds on the piece; a point where it fails need not be one of the piece's, so none is given back).

:func:`homogeneous` finds the degree from two points (floating point: only a candidate) and proves the identity
``m(s x_H, x_R) - s^k m(x) = 0`` with SymPy, ``s > 0`` and the coordinates' signs assumed; :func:`recheck` proves it
again, derives the sub-problem again and re-checks its certificate; it never trusts the run.

The closure here (:class:`Ratios`, registered for :mod:`paper_checks.prover.schedule`): a margin homogeneous in positive
coordinates decided on their ratios (:mod:`paper_checks.prover.symmetry.ratio`): one sub-proof with one coordinate fewer
(Jensen's log inequality with its weight free, ``a = b`` a plane of zeros, becomes one in ``a/b`` and the weight, ``a/b
= 1`` a line). Re-checked by proving the homogeneity again, deriving the sub-problem again and re-checking its
certificate (:func:`paper_checks.prover.symmetry.ratio.recheck`).
"""
from __future__ import annotations

import itertools
from dataclasses import dataclass
from fractions import Fraction
from typing import Any

import sympy

from paper_checks import work
from paper_checks.prover.budget import Budget
from paper_checks.prover.closures.base import PieceGoal, SubproofMethod, register
from paper_checks.prover.enclosures.boxes import Box
from paper_checks.prover.subproofs.subproblem import coordinate_of, nested, proved_or_point, recheck_problem
from paper_checks.prover.symmetry.scaling import degree, identity
from paper_checks.prover.tracing.symbols import Coordinate
from paper_checks.search.params import SearchSpace

#: how many of these steps may nest
MAX_DEPTH = 2
#: work units SymPy may spend proving that a margin is homogeneous
IDENTITY_WORK = 3.0
#: the most sets of coordinates tried for homogeneity (largest first)
MAX_SETS = 11



@dataclass
class Ratio:
    """A piece closed on the ratios of coordinates ``coords`` (indices) to the pivot ``pivot``: the margin is
    homogeneous of ``degree`` in them, and ``margin`` (the pivot set to 1, the others standing for ratios) is proved
    on ``space`` by ``proof``."""

    pivot: int
    coords: tuple[int, ...]
    names: tuple[str, ...]
    degree: sympy.Rational
    margin: sympy.Expr
    space: SearchSpace
    proof: Any

    def why(self) -> str:
        pivot = self.names[self.coords.index(self.pivot)]
        return (f"homogeneous of degree {self.degree} in {', '.join(self.names)}: proved on the ratios to {pivot} "
                f"(one coordinate fewer, {self.proof.boxes} boxes)")


def positive(expr: sympy.Expr, symbols: list[sympy.Symbol], box: Box, coords: list[Coordinate]) -> list[int]:
    """The real coordinates the margin reads whose interval lies above 0."""
    return [i for i, (s, c, (lo, hi)) in enumerate(zip(symbols, coords, box))
            if not c.index and lo > 0 and lo < hi and s in expr.free_symbols]


def homogeneous(expr: sympy.Expr, symbols: list[sympy.Symbol], box: Box, coords: list[Coordinate],
                seconds: float = IDENTITY_WORK) -> tuple[tuple[int, ...], sympy.Rational] | None:
    """The largest set ``H`` of at least two positive coordinates (:func:`positive`) in which the margin is
    homogeneous, and its degree; None where there is none (at most :data:`MAX_SETS` sets tried)."""
    pos = positive(expr, symbols, box, coords)
    sets = [h for n in range(len(pos), 1, -1) for h in itertools.combinations(pos, n)][:MAX_SETS]
    until = work.now() + seconds
    for hs in sets:
        k = degree(expr, symbols, box, hs)
        if k is not None and identity(expr, symbols, box, hs, k, max(until - work.now(), 0.01)):
            return hs, k
    return None


def pivot_of(hs: tuple[int, ...], box: Box) -> int:
    """The coordinate of ``H`` whose interval is narrowest as a ratio (``high/low`` least): the ratios to it range
    least."""
    return min(hs, key=lambda i: (box[i][1] / box[i][0], i))


def ratio_problem(expr: sympy.Expr, symbols: list[sympy.Symbol], coords: list[Coordinate], box: Box,
                  hs: tuple[int, ...], pivot: int
                  ) -> tuple[sympy.Expr, list[sympy.Symbol], list[Coordinate], Box]:
    """The sub-problem on the ratios: the pivot set to 1 and left out, powers of one base joined (``u/u^w`` is
    ``u^(1 - w)``, which the boxes bound without the dependency of ``u`` twice; the margin's domain is decided by
    the guards, conjuncts of their own, as for the normal form); each other coordinate of ``H`` keeps its symbol,
    which stands for its ratio to the pivot, on ``[low_i/high_p, high_i/low_p]`` (closed)."""
    lo_p, hi_p = box[pivot]
    keep = [k for k in range(len(symbols)) if k != pivot]
    margin = sympy.powsimp(expr.xreplace({symbols[pivot]: sympy.Integer(1)}))
    new_box = [(box[k][0] / hi_p, box[k][1] / lo_p) if k in hs else box[k] for k in keep]
    new_coords = [Coordinate(coords[k].symbol, coords[k].param, ()) if k in hs else coords[k] for k in keep]
    return margin, [symbols[k] for k in keep], new_coords, new_box


def ratio(expr: sympy.Expr, symbols: list[sympy.Symbol], box: Box, budget: Budget, coords: list[Coordinate]
          ) -> Ratio | list[Fraction] | None:
    """Close ``expr >= 0`` on the piece (``box``) on the ratios of the coordinates it is homogeneous in (the module
    docstring); or, with two such coordinates, a point of the piece where the sub-problem found the margin negative
    (exact, for the caller to verify on the claim's own margin and shrink); or None."""
    if len(positive(expr, symbols, box, coords)) < 2:
        return None
    with nested("Ratios", budget, MAX_DEPTH) as stop:
        if stop is None:
            return None
        found = homogeneous(expr, symbols, box, coords, min(IDENTITY_WORK, stop.left() / 4))
        if found is None:
            return None
        hs, k = found
        pivot = pivot_of(hs, box)
        margin, sy, sc, sb = ratio_problem(expr, symbols, coords, box, hs, pivot)
        names = tuple(str(symbols[i]) for i in hs)
        what = f"{expr} on the ratios to {symbols[pivot]}"
        proved = proved_or_point(margin, sy, sb, sc, what, stop.left(),
                                 lambda pt: _point(pt, hs, pivot, symbols, coords, box) if len(hs) == 2 else None)
        if not isinstance(proved, tuple):
            return proved
        return Ratio(pivot, hs, names, k, margin, *proved)


def _point(pt: Any, hs: tuple[int, ...], pivot: int, symbols: list[sympy.Symbol], coords: list[Coordinate],
           box: Box) -> list[Fraction] | None:
    """A point of the piece with the sub-problem's ratio ``u`` (two coordinates: every ratio in the interval is one
    the piece takes): the pivot at the lowest value that keeps ``u`` times it in the other's interval."""
    (other,) = [i for i in hs if i != pivot]
    u = coordinate_of(pt, symbols[other], coords[other])
    lo_p, hi_p = box[pivot]
    lo_o, hi_o = box[other]
    p = max(lo_p, lo_o / u) if u > 0 else None
    if p is None or p > hi_p or not lo_o <= u * p <= hi_o:
        return None
    out = []
    for k, (s, c) in enumerate(zip(symbols, coords)):
        out.append(p if k == pivot else u * p if k == other else coordinate_of(pt, s, c))
    return out


def recheck(rec: Ratio, expr: sympy.Expr, symbols: list[sympy.Symbol], box: Box,
            coords: list[Coordinate]) -> list[str]:
    """Why ``rec`` does not close ``expr >= 0`` on ``box`` (empty: it does): its coordinates positive on the piece
    and the pivot among them, the homogeneity proved again, the sub-problem derived again and its certificate
    re-checked."""
    pos = positive(expr, symbols, box, coords)
    if len(rec.coords) < 2 or not set(rec.coords) <= set(pos) or rec.pivot not in rec.coords:
        return [f"{', '.join(rec.names)}: not at least two positive coordinates of the piece with the pivot"]
    if not identity(expr, symbols, box, rec.coords, rec.degree):
        return [f"the margin is not homogeneous of degree {rec.degree} in {', '.join(rec.names)} again"]
    margin, sy, sc, sb = ratio_problem(expr, symbols, coords, box, rec.coords, rec.pivot)
    return recheck_problem(rec.space, rec.proof, margin, sy, sc, sb, "the ratios' sub-problem")


@register
class Ratios(SubproofMethod):
    """A homogeneous margin proved on the ratios of its coordinates."""

    methods = ("ratios",)
    record = Ratio
    find = staticmethod(ratio)
    check_record = staticmethod(recheck)

    def applies(self, goal: PieceGoal) -> bool:
        return len(positive(goal.t.expr, list(goal.t.symbols), goal.base, goal.coords)) >= 2
