"""A class sum over a simplex: the margin ``rest(theta) + sum_j phi(u_j, theta)``, one term per class of a point
``u`` of a simplex, decided on one coordinate instead of all of them.

This field's bounds are class sums: GCE's ``sum_j L_q(f_j)`` between ``(c - c^(1-q))/q`` and ``(c - 1)/q`` (Zhang &
Sabuncu 2018, Eq. 7), the entropy's ``sum_j f_j log f_j >= -log c``, a power mean. The boxes must close them in
``c - 1`` simplex coordinates at once, where each box's bound loses to the dependency of the terms through
``u_0 = 1 - (the others)``, and the margin is 0 at the centre or at every vertex. Here the sum is closed by a
linear minorant of its one term (the tangent-line and chord arguments of Jensen's inequality):

- find ``alpha(theta), beta(theta)`` with ``phi(s) >= alpha + beta s`` for every ``s`` in ``[0, 1]``; summed over
  the ``c`` classes (``sum_j u_j = 1``) this gives ``margin >= rest + c alpha + beta``;
- the tangent at the centre, ``alpha + beta s = phi(1/c) + phi'(1/c) (s - 1/c)`` (a convex ``phi``: the minimum at
  the centre), or the chord, ``phi(0) + (phi(1) - phi(0)) s`` (a concave one: the minimum at the vertices).

Each piece is decided as two problems of the same prover (:func:`paper_checks.prover.prove.prove`), each with its
own certificate: ``h(s, theta) = phi(s) - alpha - beta s >= 0`` on ``[0, 1]`` and ``theta``'s box (one simplex
coordinate instead of ``c - 1``), and ``rest + c alpha + beta >= 0`` on ``theta``'s box (none), decided exactly where
it is a constant. Before that, coordinates of the simplex that the margin reads only through their sum (a point of a
larger simplex folded onto ``c`` classes, :func:`label_noise_lab.theory.simplex.fold`) are merged: moving the mass of
one onto the
other keeps the point in the simplex and the margin as it is, so the proof on the face where the absorbed
coordinates are 0 covers the piece. The number of classes is then the number of coordinates left plus the
eliminated one. Where the sum is not such a sum (a cross term, a term of one class that is not the others'), the
step closes nothing.

:func:`recheck` derives the decomposition again from the margin, checks the identity
``margin = rest + sum_j phi(u_j)`` exactly (SymPy's ``simplify``), derives both sub-margins again, compares both
domains with the piece, and re-checks both certificates; it never trusts the run that made them.

The closure here (:class:`ClassSum`, registered for :mod:`paper_checks.prover.schedule`): a class sum over a simplex
(:mod:`paper_checks.prover.subproofs.simplex_sum`): ``rest + sum_j phi(u_j)`` closed by a linear minorant of ``phi``
(its tangent at the centre, or its chord), proved on one coordinate ``s`` in ``[0, 1]``, and the sum's value under it,
each a sub-proof with its own certificate. Re-checked by deriving the decomposition, its identity and both margins
again, and re-checking both certificates (:func:`paper_checks.prover.subproofs.simplex_sum.recheck`).
"""
from __future__ import annotations

import itertools
import math
from dataclasses import dataclass
from fractions import Fraction
from typing import Any

import sympy
from sympy.polys.polyerrors import BasePolynomialError

from paper_checks import work
from paper_checks.deadline import TimedOut
from paper_checks.prover.budget import Budget
from paper_checks.prover.closures.base import PieceGoal, SubproofMethod, register
from paper_checks.prover.enclosures.boxes import Box, groups
from paper_checks.prover.subproofs.subproblem import (
    constant_holds,
    merge,
    nested,
    outside_row,
    proved_once,
    recheck_or_constant,
    recheck_problem,
    sampled,
)
from paper_checks.prover.tracing.normal import is_zero
from paper_checks.prover.tracing.symbols import Coordinate
from paper_checks.prover.tracing.trace import Untraceable, derivative
from paper_checks.search.params import SearchSpace

#: the fewest classes (with 2, the terms of ``u_0 = 1 - w`` are those that read ``w`` inside a sum)
MIN_CLASSES = 2
#: how many of these steps may nest (a sub-problem's own class sum over another simplex)
MAX_DEPTH = 2
#: grid points of ``s`` and per parameter where a minorant is sampled before it is tried (floating point)
SAMPLES = 9
#: how long SymPy may take to show two terms of the sum differ by a constant
CONSTANT_WORK = 2.0



@dataclass
class Decomposition:
    """``margin = rest + sum_{j=0}^{classes-1} phi(u_j)`` on simplex row ``row`` (parameter, matrix row), where
    ``u_j`` for ``j >= 1`` is the coordinate ``reps[j-1]`` (after each coordinate of ``absorbed`` is merged into
    its representative: name -> name) and ``u_0 = 1 - sum(reps)``; ``phi`` is written in the symbol ``s``."""

    row: tuple[str, int | None]
    reps: list[sympy.Symbol]
    absorbed: dict[str, str]
    s: sympy.Symbol
    phi: sympy.Expr
    rest: sympy.Expr
    merged: sympy.Expr  # the margin with the absorbed coordinates set to 0, which rest + sum_j phi(u_j) equals
    #: the one class whose term is ``phi + psi`` (0: ``u_0``, ``j``: ``reps[j-1]``), None where every class's is
    #: ``phi``: a label's own term (the bi-tempered loss's ``-log_t(yhat_y)``), with at least three classes
    odd: int | None = None
    psi: sympy.Expr = sympy.Integer(0)  # in ``s``
    v: sympy.Symbol | None = None  # the odd class's coordinate in the reduced problem, in ``[0, 1]``

    @property
    def classes(self) -> int:
        return len(self.reps) + 1


@dataclass
class SimplexSum:
    """A piece closed as a class sum (the module docstring): ``kind`` (``tangent``/``chord``) names the
    minorant ``alpha + beta s`` of ``phi``; ``h`` and ``reduced`` are the two sub-margins, ``reduced_proof`` None
    where ``reduced`` is a constant decided exactly."""

    decomposition: Decomposition
    kind: str
    alpha: sympy.Expr
    beta: sympy.Expr
    h: sympy.Expr
    reduced: sympy.Expr
    h_space: SearchSpace
    h_proof: Any  # ProofResult (proved)
    reduced_space: SearchSpace | None
    reduced_proof: Any  # ProofResult (proved), or None for a constant

    @property
    def name(self) -> str:
        return f"the class sum over {self.decomposition.row[0]}"

    def why(self) -> str:
        d = self.decomposition
        how = "the tangent at the centre" if self.kind == "tangent" else "the chord between the vertices"
        red = (f"proved: {self.reduced_proof.boxes} boxes" if self.reduced_proof is not None
               else "a constant, decided exactly")
        odd = "" if d.odd is None else f", one class with a term of its own, {d.psi}, read at {d.v} in [0, 1]"
        return (f"a class sum over {d.classes} classes of {d.row[0]} ({len(d.absorbed)} coordinates merged{odd}): "
                f"phi(s) >= {how} on [0, 1] (proved: {self.h_proof.boxes} boxes), and rest + "
                f"{d.classes} alpha + beta >= 0 ({red})")


# ------------------------------------------------------------------------------------------ the decomposition
def _terms(expr: sympy.Expr, on: set[sympy.Symbol]) -> list[sympy.Expr]:
    """The terms of ``expr``, a product of a factor free of ``on`` and a sum distributed over that sum."""
    out: list[sympy.Expr] = []
    for t in sympy.Add.make_args(expr):
        if t.is_Mul:
            sums = [f for f in t.args if f.is_Add and f.free_symbols & on]
            if len(sums) == 1 and not any(f.free_symbols & on for f in t.args if f is not sums[0]):
                k = sympy.Mul(*[f for f in t.args if f is not sums[0]])
                out += [k * u for u in _terms(sums[0], on)]
                continue
        out.append(t)
    return out


def _of_a_sum(t: sympy.Expr, w: sympy.Symbol) -> bool:
    """Whether ``t`` reads ``w`` inside a sum (``(1 - w)^q``), not only as ``w`` itself (``w^q``)."""
    return any(a.is_Add and w in a.free_symbols for a in sympy.preorder_traversal(t))


def _constant(d: sympy.Expr, s: sympy.Symbol) -> sympy.Expr | None:
    """``d`` as an expression free of ``s`` where SymPy shows it is one within :data:`CONSTANT_WORK`."""
    if s not in d.free_symbols:
        return d
    try:
        with work.limit(CONSTANT_WORK):
            e = sympy.simplify(d)
    except TimedOut:
        return None
    except (TypeError, ValueError, NotImplementedError, RecursionError, AttributeError):
        return None
    return e if s not in e.free_symbols else None


def _gathered(phi: sympy.Expr) -> sympy.Expr:
    """``phi`` with each function's argument put over one denominator and cancelled, then its products expanded (an
    identity where it is defined): the eliminated class's term of a Jensen-Shannon loss is traced as ``(1 - u_1 -
    ...) log(1/D - u_1/D - ...)``, whose other classes cancel only so, within :data:`CONSTANT_WORK`."""
    try:
        with work.limit(CONSTANT_WORK):
            e = phi.replace(lambda n: isinstance(n, sympy.Function) and len(n.args) == 1,
                            lambda n: n.func(sympy.cancel(sympy.together(n.args[0]))))
            return sympy.expand(e, log=False, power_base=False, power_exp=False)
    except (TimedOut, TypeError, ValueError, NotImplementedError, RecursionError, AttributeError,
            BasePolynomialError):
        return phi


def decompose(expr: sympy.Expr, symbols: list[sympy.Symbol], coords: list[Coordinate],
              row: tuple[str, int | None]) -> Decomposition | None:
    """``expr`` as a class sum over the simplex row ``row`` (:class:`Decomposition`), or None where it is not one
    (fewer than :data:`MIN_CLASSES` classes after merging, a cross term, a class whose term is not the others').
    Whatever the terms are taken to be, the identity ``expr = rest + sum_j phi(u_j)`` holds by construction: ``phi``
    is the terms of ``u_0`` with ``u_0`` written ``s``, and every other class's terms differ from it by a constant."""
    idx = groups(coords).get(row)
    if not idx:
        return None
    xs = [symbols[i] for i in idx]
    merged, reps, absorbed = merge(expr, xs)
    if len(reps) + 1 < MIN_CLASSES:
        return None
    taken = {str(v) for v in symbols} | {str(v) for v in expr.free_symbols}
    name = next(n for n in (f"{row[0]}_j" + "'" * k for k in itertools.count()) if n not in taken)
    s = sympy.Symbol(name, real=True)
    on = set(reps)
    rest: list[sympy.Expr] = []
    single: dict[sympy.Symbol, list[sympy.Expr]] = {r: [] for r in reps}
    multi: list[sympy.Expr] = []
    for t in _terms(merged, on):
        fs = t.free_symbols & on
        if not fs:
            rest.append(t)
        elif len(fs) > 1 or (len(reps) == 1 and _of_a_sum(t, reps[0])):
            multi.append(t)  # a term of u_0 = 1 - sum(reps) (two classes: one that reads 1 - w, not w alone)
        else:
            single[next(iter(fs))].append(t)
    if not multi and len(reps) < 2:
        return None
    # no multi term: u_0's term was linear and went to the other classes (the odd one's below, if any)
    phi = sympy.Add(*multi).xreplace({reps[0]: 1 - s - sympy.Add(*reps[1:])})
    if phi.free_symbols & on:  # the eliminated class's fractions written apart, u_0/m_0 as 1/D - u_1/D - ...
        phi = _gathered(phi)
    if phi.free_symbols & on:  # a cross term: not a sum of one term per class
        return None
    terms = [sympy.Add(*single[r]).xreplace({r: s}) for r in reps]
    diffs = [_constant(t - phi, s) for t in terms]
    odd, psi = None, sympy.Integer(0)
    bad = [j for j, d in enumerate(diffs) if d is None]
    if bad and len(reps) >= 2 and len(bad) == 1:  # one class other than u_0 has a term of its own
        odd, psi = bad[0] + 1, terms[bad[0]] - phi
        diffs[bad[0]] = sympy.Integer(0)
    elif bad and len(reps) >= 2 and len(bad) == len(reps):  # u_0's term is the odd one: phi is the others'
        diffs = [_constant(t - terms[0], s) for t in terms]
        odd, psi, phi = 0, phi - terms[0], terms[0]
    if any(d is None for d in diffs):
        return None
    v = None
    if odd is not None:
        v = sympy.Symbol(next(n for n in (f"{row[0]}_odd" + "'" * k for k in itertools.count()) if n not in taken),
                         real=True)
    return Decomposition(row, reps, absorbed, s, phi, sympy.Add(*rest, *diffs), merged, odd, psi, v)


def summed(dec: Decomposition) -> sympy.Expr:
    """``rest + sum_j phi(u_j)`` (``+ psi(u_odd)``): what the margin (merged) must equal."""
    us = [1 - sympy.Add(*dec.reps), *dec.reps]
    extra = dec.psi.xreplace({dec.s: us[dec.odd]}) if dec.odd is not None else 0
    return dec.rest + extra + sympy.Add(*[dec.phi.xreplace({dec.s: u}) for u in us])


# ------------------------------------------------------------------------------------------- the minorants
def _finite(*es: sympy.Expr) -> bool:
    return not any(e.has(sympy.nan, sympy.zoo, sympy.oo, -sympy.oo) for e in es)


def minorant(dec: Decomposition, kind: str) -> tuple[sympy.Expr, sympy.Expr] | None:
    """``(alpha, beta)`` of the line ``alpha + beta s`` under ``phi`` tried as ``kind``: the tangent at ``1/c``
    or the chord between 0 and 1; None where it is not finite there."""
    s, phi = dec.s, dec.phi
    if kind == "tangent":
        m = sympy.Rational(1, dec.classes)
        try:
            dphi = derivative(phi, s)
        except Untraceable:
            return None
        beta = dphi.xreplace({s: m})
        alpha = phi.xreplace({s: m}) - m * beta
    else:
        alpha = _end_value(phi, s, 0)
        beta = _end_value(phi, s, 1) - alpha
    return (alpha, beta) if _finite(alpha, beta) else None


def _end_value(phi: sympy.Expr, s: sympy.Symbol, end: int) -> sympy.Expr:
    """``phi`` at ``s = end`` as written, or where that is undefined (``0 log 0``), its limit from inside ``[0, 1]``
    (SymPy's, within :data:`CONSTANT_WORK`): only the choice of a chord, whose sub-problems prove it."""
    v = phi.xreplace({s: sympy.Integer(end)})
    if _finite(v):
        return v
    try:
        with work.limit(CONSTANT_WORK):
            lim = sympy.limit(phi, s, end, "+" if end == 0 else "-")
    except (TimedOut, TypeError, ValueError, NotImplementedError, RecursionError, AttributeError,
            BasePolynomialError):
        return v
    return lim if isinstance(lim, sympy.Expr) and not lim.has(sympy.Limit) else v


def sub_margins(dec: Decomposition, alpha: sympy.Expr, beta: sympy.Expr) -> tuple[sympy.Expr, sympy.Expr]:
    """``h = phi - alpha - beta s`` (``>= 0`` on ``[0, 1]``) and ``rest + c alpha + beta`` (``>= 0``), with the odd
    class's ``psi(v)`` added, ``v`` in ``[0, 1]`` (a superset of where ``u_odd`` lies)."""
    extra = dec.psi.xreplace({dec.s: dec.v}) if dec.v is not None else 0
    return dec.phi - alpha - beta * dec.s, dec.rest + extra + dec.classes * alpha + beta


def reduced_problem(dec: Decomposition, th: list[sympy.Symbol], th_coords: list[Coordinate], th_box: Box
                    ) -> tuple[list[sympy.Symbol], list[Coordinate], Box]:
    """The reduced problem's coordinates: ``theta``'s, after the odd class's ``v`` in ``[0, 1]`` where there is one."""
    if dec.v is None:
        return th, th_coords, th_box
    return [dec.v, *th], [Coordinate(dec.v, str(dec.v), ()), *th_coords], [(Fraction(0), Fraction(1)), *th_box]


def _sampled_min(expr: sympy.Expr, symbols: list[sympy.Symbol], box: Box) -> float:
    """The least finite value of ``expr`` on a grid of ``box`` (floating point: a choice of what to prove, never a
    proof); ``-inf`` where it cannot be evaluated."""
    values = sampled(expr, symbols, box, SAMPLES)
    return -math.inf if values is None else min(values, default=math.inf)


# ------------------------------------------------------------------------------------------------ the step
def simplex_sum(expr: sympy.Expr, symbols: list[sympy.Symbol], box: Box, budget: Budget,
                coords: list[Coordinate]) -> SimplexSum | None:
    """Close ``expr >= 0`` on the piece (``box``) as a class sum over one of its simplex rows (the module
    docstring), or None."""
    with nested("ClassSum", budget, MAX_DEPTH) as stop:
        for row in groups(coords) if stop is not None else ():
            if stop.left() < 0:  # type: ignore[union-attr]
                return None
            dec = decompose(expr, symbols, coords, row)
            if dec is None:
                continue
            th, th_coords, th_box = outside_row(symbols, coords, box, dec.row)
            for kind in ("tangent", "chord"):
                line = minorant(dec, kind)
                if line is None:
                    continue
                h, reduced = sub_margins(dec, *line)
                r_syms, _, r_box = reduced_problem(dec, th, th_coords, th_box)
                if _sampled_min(h, [dec.s, *th], [(Fraction(0), Fraction(1)), *th_box]) < -1e-9 or \
                        _sampled_min(reduced, r_syms, r_box) < -1e-9:
                    continue
                found = _closed(dec, kind, line, h, reduced, th, th_coords, th_box, stop)  # type: ignore[arg-type]
                if found is not None:
                    return found
        return None


def _closed(dec: Decomposition, kind: str, line: tuple[sympy.Expr, sympy.Expr], h: sympy.Expr,
            reduced: sympy.Expr, th: list[sympy.Symbol], th_coords: list[Coordinate], th_box: Box,
            stop: Budget) -> SimplexSum | None:
    """Both sub-problems of one minorant proved (the reduced one first: it is the smaller), or None."""
    r_syms, r_coords, r_box = reduced_problem(dec, th, th_coords, th_box)
    if reduced.free_symbols & set(r_syms):
        red = proved_once(reduced, r_syms, r_box, r_coords, f"the class sum's value under its {kind}: {reduced}",
                      stop.left() / 3)
        if red is None:
            return None
        red_space, red_proof = red
    elif reduced.free_symbols or not constant_holds(reduced):
        return None
    else:
        red_space = red_proof = None  # type: ignore[assignment]
    s_coord = Coordinate(dec.s, str(dec.s), ())
    got = proved_once(h, [dec.s, *th], [(Fraction(0), Fraction(1)), *th_box], [s_coord, *th_coords],
                  f"phi - its {kind} on [0, 1]: {h}", stop.left())
    if got is None:
        return None
    return SimplexSum(dec, kind, line[0], line[1], h, reduced, got[0], got[1], red_space, red_proof)


# ------------------------------------------------------------------------------------------------- the re-check
def recheck(rec: SimplexSum, expr: sympy.Expr, symbols: list[sympy.Symbol], box: Box,
            coords: list[Coordinate]) -> list[str]:
    """Why ``rec`` does not close ``expr >= 0`` on ``box`` (empty: it does); see the module docstring."""

    dec = decompose(expr, symbols, coords, rec.decomposition.row)
    if dec is None:
        return ["the margin is not a class sum over that simplex again"]
    mine = rec.decomposition
    if ([str(r) for r in dec.reps], dec.absorbed, dec.phi, dec.rest, dec.odd, dec.psi, dec.v) != \
            ([str(r) for r in mine.reps], mine.absorbed, mine.phi.xreplace({mine.s: dec.s}),
             mine.rest, mine.odd, mine.psi.xreplace({mine.s: dec.s}), mine.v):
        return ["the class sum derived again is not the one recorded"]
    out = []
    diff = dec.merged - summed(dec)  # the merge itself is derived again by decompose (subproblem.paired, exact)
    if diff != 0 and not is_zero(diff):
        out.append("the margin is not rest + sum_j phi(u_j) (SymPy did not take the difference to 0)")
    line = minorant(dec, rec.kind)
    if line is None or (line[0], line[1]) != (rec.alpha, rec.beta.xreplace({mine.s: dec.s})):
        out.append(f"the {rec.kind} derived again is not the one recorded")
        return out
    h, reduced = sub_margins(dec, *line)
    th, th_coords, th_box = outside_row(symbols, coords, box, dec.row)
    s_coord = Coordinate(dec.s, str(dec.s), ())
    out += recheck_problem(rec.h_space, rec.h_proof, h, [dec.s, *th], [s_coord, *th_coords],
                           [(Fraction(0), Fraction(1)), *th_box], "phi's minorant")
    r_syms, r_coords, r_box = reduced_problem(dec, th, th_coords, th_box)
    proof = None if rec.reduced_space is None else (rec.reduced_space, rec.reduced_proof)
    return out + recheck_or_constant(proof, reduced, r_syms, r_coords, r_box, "the reduced class sum")


@register
class ClassSum(SubproofMethod):
    """A sum of one term per class of a simplex point, through a minorant of its term."""

    methods = ("class sum",)
    record = SimplexSum
    find = staticmethod(simplex_sum)
    check_record = staticmethod(recheck)

    def applies(self, goal: PieceGoal) -> bool:  # a simplex (not a matrix row) of at least MIN_CLASSES - 1 coordinates
        return any(len(r) >= MIN_CLASSES - 1 for r in goal.rows) and all(len(c.index) < 2 for c in goal.coords)
