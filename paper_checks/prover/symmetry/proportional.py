"""Proportional factors: a margin ``R F G`` whose factor ``G`` is ``h F``, for an ``h`` of the coordinates that ``F``
does not read, is ``R h F^2``; it is ``>= 0`` wherever ``R h >= 0``.

A claim that label noise keeps an order compares two points ``A``, ``B`` by the margin
``(R_A - R_B)(R^eta_A - R^eta_B)``, negative exactly where clean and noisy risks order them differently. Where the
noisy risk is an increasing affine function of the clean one, ``R^eta = s(eta) R + b(eta)`` (Ghosh, Kumar & Sastry
2017, Thm 1, for a symmetric loss; Le & Odobez 2019's margin and triplet losses under uniform noise, as
reconstructed), the margin is ``s(eta) (R_A - R_B)^2``. The boxes cannot see it: the margin is 0 wherever
``R_A = R_B``, a surface through the whole domain, and every box that meets it has a lower bound a little below 0.

The step reads each factor as a sum of *atoms* (products of what does not read the coordinates ``P`` that ``G``
reads and ``F`` does not) with coefficients that are functions of ``P`` alone (:func:`linear_form`: sums are
expanded, products of a coefficient and a sum distributed, and an even power of a sum given one sign, so that one
distance written for the pairs (i, j) and (j, i), ``sqrt((x - y)^2)`` and ``sqrt((y - x)^2)``, is one atom; a
factor that mixes ``P`` with other coordinates, say ``Max(0, eta - x)``, is no atom and ends the step).
``G = h F`` holds identically where the coefficient of each atom in ``G`` is ``h`` times its coefficient in ``F``
(:func:`proportion`, exact: the differences are rational functions of ``P`` that SymPy's ``cancel`` reduces to 0).
Then ``R h >= 0`` is one problem of the same prover, on the coordinates it reads, with its own certificate; where
it is not proved and a grid finds it negative, the point (the other coordinates in general position) is handed
back to be verified as a counterexample. :func:`recheck` derives the proportion again, compares the
sub-problem's domain and margin and re-checks its certificate; it never trusts the run.

The closure here (:class:`ProportionalFactors`, registered for :mod:`paper_checks.prover.schedule`): proportional
factors (:mod:`paper_checks.prover.symmetry.proportional`): a margin ``R F G`` with ``G = h F`` identically is ``R h
F^2``, closed by the sign of ``R h`` (``a |F| + b |G|`` is ``|F| (a + b |h|)``, closed by ``a + b |h|``), a sub-proof
with its own certificate (or a constant decided exactly). Re-checked by deriving the proportion again and re-checking
the certificate (:func:`paper_checks.prover.symmetry.proportional.recheck`).
"""
from __future__ import annotations

import itertools
from dataclasses import dataclass
from fractions import Fraction
from typing import Any

import sympy
from sympy.polys.rings import ring

from paper_checks.prover.budget import Budget
from paper_checks.prover.closures.base import PieceGoal, SubproofMethod, register
from paper_checks.prover.enclosures.boxes import Box, generic_point, groups
from paper_checks.prover.subproofs.subproblem import (
    constant_holds,
    eliminated_symbol,
    nested,
    proved_once,
    recheck_or_constant,
)
from paper_checks.prover.tracing.normal import defined_on
from paper_checks.prover.tracing.symbols import Coordinate
from paper_checks.search.params import SearchSpace

#: how many of these steps may nest (the sign of ``R h`` proved by the same step)
MAX_DEPTH = 2
#: the most non-constant factors of a margin whose pairs are tried
MOST_FACTORS = 6
#: grid points a coordinate where a sign that was not proved is looked at for a negative value
GRID = 5



@dataclass
class Proportional:
    """A piece closed by proportional factors: the margin is ``rest * f * g`` with ``g = h f`` identically, so
    ``rest * h * f^2`` (or ``a |f| + b |g| = |f| (a + b |h|)``); ``sign`` (``rest * h``, or ``a + b |h|``) is proved
    ``>= 0`` by ``proof`` on ``space`` (both None where it is a constant decided exactly)."""

    f: sympy.Expr
    g: sympy.Expr
    h: sympy.Expr
    sign: sympy.Expr
    space: SearchSpace | None
    proof: Any  # ProofResult (proved), or None
    kind: str = "product"  # or "absolute": the margin a |f| + b |g| = |f| (a + b |h|)

    def why(self) -> str:
        how = "a constant decided exactly" if self.proof is None else f"proved: {self.proof.boxes} boxes"
        if self.kind == "absolute":
            return (f"the margin is a |F| + b |G| with G = ({self.h}) * F identically, so |F| (a + b |{self.h}|); "
                    f"a + b |h| = {self.sign} >= 0 on the piece ({how})")
        return (f"the margin is (rest) * F * G with G = ({self.h}) * F identically, so (rest) * ({self.h}) * F^2; "
                f"(rest) * ({self.h}) = {self.sign} >= 0 on the piece ({how})")


def _only(e: sympy.Expr, on: set[sympy.Symbol]) -> bool:
    return e.free_symbols <= on


def _even_powers(e: sympy.Expr) -> sympy.Expr:
    """``e`` with each even power of a sum written with the sign SymPy prefers, ``(b)^(2n) = (-b)^(2n)``: the distance
    ``sqrt((x - y)^2)`` of a pair (i, j) and ``sqrt((y - x)^2)`` of (j, i) are one atom (an identity, structural and
    cheap, where expanding the atoms took a minute on a margin loss's hinge terms)."""
    def flips(a: sympy.Expr) -> bool:
        return a.is_Pow and a.exp.is_even is True and a.base.is_Add and a.base.could_extract_minus_sign()
    return e.replace(flips, lambda a: sympy.Pow(-a.base, a.exp))


def linear_form(expr: sympy.Expr, on: set[sympy.Symbol]) -> dict[sympy.Expr, sympy.Expr] | None:
    """``expr`` as ``sum_a c_a * a``: atom ``a`` (free of ``on``) -> its coefficient ``c_a`` (a function of ``on``
    alone), exactly; None where a factor mixes ``on`` with other symbols in a way that is no such sum."""
    out: dict[sympy.Expr, sympy.Expr] = {}

    def add(atom: sympy.Expr, coeff: sympy.Expr) -> None:
        num, atom = _even_powers(atom).as_coeff_Mul()
        out[atom] = out.get(atom, sympy.Integer(0)) + num * coeff

    def walk(e: sympy.Expr, coeff: sympy.Expr, mult: sympy.Expr) -> bool:
        if not e.free_symbols & on:
            if e.is_Add:
                return all(walk(t, coeff, mult) for t in e.args)
            if e.is_Mul and any(a.is_Add for a in e.args):
                inner = [a for a in e.args if a.is_Add]
                if len(inner) == 1:
                    return walk(inner[0], coeff, mult * sympy.Mul(*[a for a in e.args if not a.is_Add]))
            add(mult * e, coeff)
            return True
        if _only(e, on):
            add(mult, coeff * e)
            return True
        if e.is_Add:
            return all(walk(t, coeff, mult) for t in e.args)
        if e.is_Mul:
            c = [a for a in e.args if _only(a, on)]
            m = [a for a in e.args if a not in c and not a.free_symbols & on and not a.is_Add]
            rest = [a for a in e.args if a not in c and a not in m]
            if not rest:
                add(mult * sympy.Mul(*m), coeff * sympy.Mul(*c))
                return True
            if len(rest) != 1 or not rest[0].is_Add:
                return False
            return walk(rest[0], coeff * sympy.Mul(*c), mult * sympy.Mul(*m))
        return False

    return out if walk(sympy.sympify(expr), sympy.Integer(1), sympy.Integer(1)) else None


def _form(e: sympy.Expr, on: set[sympy.Symbol]) -> dict[sympy.Expr, sympy.Expr] | None:
    """:func:`linear_form`; for a polynomial with rational coefficients, its monomials (built in SymPy's sparse
    polynomial ring, which multiplies out a determinant of a product of matrices in 10 ms where ``expand`` and
    ``Poly`` took half a second), the monomial in the other symbols the atom and the rest its coefficient."""
    if not e.is_polynomial():
        return linear_form(e, on)
    syms = sorted(e.free_symbols, key=str)
    try:
        r, *_ = ring(syms, sympy.QQ)
        p = r.from_expr(e)
    except (ValueError, TypeError, sympy.polys.polyerrors.CoercionFailed):  # a coefficient that is not rational
        return linear_form(e, on)
    out: dict[sympy.Expr, sympy.Expr] = {}
    for monom, coeff in p.terms():
        atom = sympy.Mul(*[s**k for s, k in zip(syms, monom) if s not in on])
        c = r.domain.to_sympy(coeff) * sympy.Mul(*[s**k for s, k in zip(syms, monom) if s in on])
        out[atom] = out.get(atom, sympy.Integer(0)) + c
    return out


def proportion(f: sympy.Expr, g: sympy.Expr) -> sympy.Expr | None:
    """``h`` with ``g = h f`` identically, ``h`` a function of the symbols ``g`` reads and ``f`` does not (exact:
    the module docstring), or None."""
    on = g.free_symbols - f.free_symbols
    lf, lg = _form(f, on), _form(g, on)
    if not lf or lg is None:
        return None
    lf = {a: c for a, c in lf.items() if c != 0}
    a0 = next((a for a in lf if a != 1), next(iter(lf), None))
    if a0 is None:
        return None
    h = sympy.cancel(lg.get(a0, sympy.Integer(0)) / lf[a0])
    if h == 0 or not _only(h, on):
        return None
    for a in set(lf) | set(lg):
        if sympy.cancel(lg.get(a, sympy.Integer(0)) - h * lf.get(a, sympy.Integer(0))) != 0:
            return None
    return h


def _factors(expr: sympy.Expr) -> list[sympy.Expr]:
    return [a for a in sympy.Mul.make_args(expr) if a.free_symbols]


def _pairs(expr: sympy.Expr) -> list[tuple[int, int]]:
    n = len(_factors(expr))
    return list(itertools.permutations(range(n), 2)) if 2 <= n <= MOST_FACTORS else []


def absolute_terms(expr: sympy.Expr) -> list[tuple[sympy.Expr, sympy.Expr]] | None:
    """``[(a, F), (b, G)]`` where the margin is ``a |F| + b |G|`` with numbers ``a``, ``b``, else None."""
    terms = [t.as_coeff_Mul() for t in sympy.Add.make_args(expr)]
    if len(terms) != 2 or not all(isinstance(r, sympy.Abs) for _, r in terms):
        return None
    return [(c, r.args[0]) for c, r in terms]


def last_eliminated(h: sympy.Expr, symbols: list[sympy.Symbol], coords: list[Coordinate]) -> sympy.Expr:
    """``h`` written with the last coordinate of each simplex row as one minus the others (``T[r, d-1] = 1 - sum``), a
    polynomial expanded: equal to ``h`` at every point of the simplices, and the same expression whichever coordinate
    the piece eliminated, so that the sign's sub-problem is proved once for all the pieces (27 of a 3 x 3 matrix)."""
    if not h.is_polynomial():
        return h
    for (name, row), idx in groups(coords).items():
        last = len(idx)
        e, j = eliminated_symbol(name, [coords[i].index[-1] for i in idx], row)
        if j == last:
            continue
        s_last = next(symbols[i] for i in idx if coords[i].index[-1] == last)
        others = [symbols[i] for i in idx if symbols[i] != s_last] + [e]
        h = h.xreplace({s_last: 1 - sympy.Add(*others)})
    syms = sorted(h.free_symbols, key=str)
    try:
        r, *_ = ring(syms, sympy.QQ)
        return r.from_expr(h).as_expr()
    except (ValueError, TypeError, sympy.polys.polyerrors.CoercionFailed):
        return sympy.expand(h)


def sign_problem(expr: sympy.Expr, f: sympy.Expr, g: sympy.Expr, h: sympy.Expr, kind: str = "product"
                 ) -> sympy.Expr | None:
    """The sign that decides the margin, exactly: ``rest * h`` for the product ``rest * f * g`` (``rest`` the
    product of the margin's other factors); ``a + b |h|`` for the sum ``a |f| + b |g|`` (``|g| = |h| |f|``); None
    where ``f``, ``g`` are not such parts of ``expr``."""
    if kind == "absolute":
        terms = absolute_terms(expr)
        parts = dict((x, c) for c, x in terms or [])
        if f not in parts or g not in parts or f == g:
            return None
        return parts[f] + parts[g] * sympy.Abs(h)
    args = list(sympy.Mul.make_args(expr))
    if f not in args or g not in args or f == g:
        return None
    args.remove(f)
    args.remove(g)
    return sympy.Mul(*args) * h


def candidates(expr: sympy.Expr) -> list[tuple[sympy.Expr, sympy.Expr, str]]:
    """The pairs ``(f, g, kind)`` to try: two factors of a product, or the two arguments of ``a |F| + b |G|``."""
    fs = _factors(expr)
    out = [(fs[i], fs[j], "product") for i, j in _pairs(expr)]
    terms = absolute_terms(expr)
    if terms is not None:
        (_, x), (_, y) = terms
        out += [(x, y, "absolute"), (y, x, "absolute")]
    return out


def sub_coordinates(sign: sympy.Expr, symbols: list[sympy.Symbol], coords: list[Coordinate], box: Box
                    ) -> tuple[list[sympy.Symbol], list[Coordinate], Box]:
    """The coordinates of the sign's problem: the real ones it reads, and every simplex row it reads whole."""
    rows = {row for row, idx in groups(coords).items() if any(symbols[i] in sign.free_symbols for i in idx)}
    keep = [i for i, c in enumerate(coords)
            if (not c.index and symbols[i] in sign.free_symbols)
            or (c.index and any(i in groups(coords)[r] for r in rows))]
    return [symbols[i] for i in keep], [coords[i] for i in keep], [box[i] for i in keep]


def proportional(expr: sympy.Expr, symbols: list[sympy.Symbol], box: Box, budget: Budget,
                 coords: list[Coordinate]) -> Proportional | None:
    """Close ``expr >= 0`` on the piece (``box``) by two proportional factors (the module docstring), or None."""
    with nested("ProportionalFactors", budget, MAX_DEPTH) as stop:
        for f, g, kind in candidates(expr) if stop is not None else ():
            if not f.free_symbols <= g.free_symbols:  # h reads what G reads and F does not
                continue
            h = proportion(f, g)
            if h is None:
                continue
            sign = sign_problem(expr, f, g, last_eliminated(h, symbols, coords), kind)
            if sign is None or not (defined_on(f, symbols, box) and defined_on(g, symbols, box)):
                continue  # (tan(x) across a pole is not real there, and no guard of the margin says so)
            if not sign.free_symbols:
                if constant_holds(sign):
                    return Proportional(f, g, h, sign, None, None, kind)
                continue
            sy, sc, sb = sub_coordinates(sign, symbols, coords, box)
            got = proved_once(sign, sy, sb, sc, f"the sign of {sign}", stop.left())  # type: ignore[union-attr]
            if got is not None:
                return Proportional(f, g, h, sign, *got, kind)
            bad = negative_at(sign, sy, sb)
            if bad is not None:  # the sign is negative there: so is the margin, where F is not 0 (the caller verifies)
                at = dict(zip(sy, bad))  # the other coordinates in general position: F = 0 on A = B, say
                return [at.get(s, v) for s, v in zip(symbols, generic_point(box))]  # type: ignore[return-value]
        return None


def negative_at(sign: sympy.Expr, symbols: list[sympy.Symbol], box: Box) -> list[Fraction] | None:
    """A point of a grid on ``box`` (at most :data:`GRID` points a coordinate, three coordinates) where ``sign`` is
    exactly negative, or None: where ``R h < 0`` the margin ``R h F^2`` is negative wherever ``F != 0``."""
    if len(symbols) > 3:
        return None
    grids = [[lo + (hi - lo) * k / (GRID - 1) for k in range(GRID)] for lo, hi in box]
    for pt in itertools.product(*grids):
        v = sign.xreplace({s: sympy.Rational(a.numerator, a.denominator) for s, a in zip(symbols, pt)})
        if v.is_number and v.is_extended_negative:
            return list(pt)
    return None


def recheck(rec: Proportional, expr: sympy.Expr, symbols: list[sympy.Symbol], box: Box,
            coords: list[Coordinate]) -> list[str]:
    """Why ``rec`` does not close ``expr >= 0`` on ``box`` (empty: it does); see the module docstring."""
    h = proportion(rec.f, rec.g)
    if h is None or sympy.cancel(h - rec.h) != 0:
        return ["the proportion of the factors derived again is not the one recorded"]
    sign = sign_problem(expr, rec.f, rec.g, last_eliminated(h, symbols, coords), rec.kind)
    if sign is None:
        return [f"the recorded parts are not the margin's ({rec.kind})"]
    if not (defined_on(rec.f, symbols, box) and defined_on(rec.g, symbols, box)):
        return ["a factor's interval enclosure on the piece is the whole line (it may have no value there)"]
    sy, sc, sb = sub_coordinates(sign, symbols, coords, box)
    proof = None if rec.space is None else (rec.space, rec.proof)
    return recheck_or_constant(proof, sign, sy, sc, sb, "the sign's sub-problem (rest * h)")


@register
class ProportionalFactors(SubproofMethod):
    """Two factors of the margin proportional to each other: the margin has the sign of the rest times the ratio."""

    methods = ("proportional factors",)
    record = Proportional
    find = staticmethod(proportional)
    check_record = staticmethod(recheck)
    found_by = "found where the ratio of two proportional factors is negative, verified exactly and shrunk"

    def applies(self, goal: PieceGoal) -> bool:  # a product of two factors that read coordinates, or a |F| + b |G|
        e = goal.t.expr
        return (e.is_Mul and sum(bool(a.free_symbols) for a in e.args) >= 2) or absolute_terms(e) is not None
