"""One combination: a margin that reads two or more coordinates only through one combination ``g`` of them, ``m = c
phi(g)`` with a factor ``c`` of one sign, is decided by a problem in one variable ``u = g``.

A bound stated for every value of a parameter is often a one-variable inequality in disguise, and then it is 0 along
a whole curve or at an open end of the parameter for every value of the others, where no box closes:

- the tempered exponential below ``exp`` (Amid et al. 2019), after the logarithms: ``x - log(1 + (1 - t) x)/(1 - t)
  = (u - log(1 + u))/(1 - t)`` with ``u = (1 - t) x``, 0 along ``x = 0`` and as ``t -> 1``;
- GCE's mean-value bound (Zhang & Sabuncu 2018, Eq. 6): ``(1 - p^q)/q + p^(q/2) log p = (1 - w + sqrt(w) log w)/q``
  with ``w = p^q``, 0 along ``p = 1``;
- the temperature-smoothed hinge: ``tau log(1 + e^((1 - v)/tau)) - max(0, 1 - v) = tau (log(1 + e^z) - max(0, z))``
  with ``z = (1 - v)/tau``, 0 as ``tau -> 0`` for every ``v != 1``.

The proof works on the piece with every finite end open (:func:`paper_checks.prover.subproofs.partial_min.opened`); each
closed finite face follows by continuity where every node of the margin is continuous on it, else is a sub-proof of its
own, one coordinate fewer (:mod:`paper_checks.prover.subproofs.continuity`). On the open piece these facts prove ``m >=
0``:

- ``m = c phi(g)`` identically, ``c`` free of ``u`` and ``phi`` a function of ``u`` alone (SymPy's ``simplify``,
  with the coordinates' strict signs);
- ``s c >= 0`` on the open piece, ``s = +1`` or ``-1`` (a sub-proof, or a number);
- ``g - low >= 0`` and ``high - g >= 0`` on the open piece for each finite end of ``(low, high)`` (sub-proofs);
- ``s phi(u) >= 0`` on the open interval ``(low, high)`` (a sub-proof in one variable, on a half-line or the line
  where an end is infinite);
- ``g`` is real-analytic (whitelisted smooth nodes) and lies strictly inside ``(low, high)`` at a rational point of
  the open piece (Arb, :func:`strictly_between`), so it is not constant at ``low`` or ``high``.

At every point where ``low < g < high``, ``m = (s c)(s phi(g)) >= 0``. The points where ``g`` is ``low`` or ``high``
have no interior (a real-analytic function on a connected open set that is not constant), and ``m``, continuous where
it is defined (no node that jumps: the step declines ``Piecewise``, ``sign``, ``floor``...), is a limit of values
``>= 0`` there.

The combination is found, never trusted: each subexpression that reads two or more coordinates (smallest first) is
solved for one coordinate it reads (SymPy's ``solve``, two solutions at most, each tried); the margin with it
written in, a positive factor pulled out of ``Max``/``Min`` (``max(0, tau z) = tau max(0, z)`` for ``tau > 0``), is
split by ``separatevars`` into ``c`` and ``phi(u)``. The interval's ends are exact values of ``g`` at the box's
corners, or 0, that no sampled value crosses (floating point: it only chooses what to prove); an end not proved is
infinite.
:func:`recheck` derives the identity and the strict point again and re-checks every certificate.

The closure here (:class:`OneCombination`, registered for :mod:`paper_checks.prover.schedule`): one combination
(:mod:`paper_checks.prover.subproofs.combination`): a margin that reads two or more coordinates only through one
combination of them, ``c * phi(g)`` with ``c`` of one sign (the tempered exponential's ``(1 - t) x``, GCE's ``p^q``, a
smoothed hinge's ``(1 - v)/tau``), is decided by a problem in one variable; the factor's sign, the combination's
interval and each closed face are sub-proofs, each with its own certificate. Re-checked by deriving the identity again
and re-checking every certificate (:func:`paper_checks.prover.subproofs.combination.recheck`).
"""
from __future__ import annotations

import math
from dataclasses import dataclass
from fractions import Fraction

import sympy
from sympy.polys.polyerrors import BasePolynomialError

from paper_checks import work
from paper_checks.deadline import TimedOut
from paper_checks.prover.budget import Budget
from paper_checks.prover.closures.base import PieceGoal, SubproofMethod, register
from paper_checks.prover.enclosures.balls import ball_lower
from paper_checks.prover.enclosures.boxes import Box
from paper_checks.prover.subproofs.continuity import face_proofs, faces, recheck_faces
from paper_checks.prover.subproofs.partial_min import JUMPS, ROUGH, inner_point, nested_in_values, opened, uncharted
from paper_checks.prover.subproofs.subproblem import (
    Proof,
    clipped,
    constant_holds,
    proved_once,
    recheck_or_constant,
    recheck_problem,
    sampled,
)
from paper_checks.prover.tracing.normal import is_zero_by_cases
from paper_checks.prover.tracing.symbols import Coordinate, sign_assumptions
from paper_checks.prover.tracing.unbounded import infinite

#: how many of these steps may nest
MAX_DEPTH = 2
#: work units SymPy may spend on one candidate (its ``solve``, the margin rewritten and separated)
CANDIDATE_WORK = 1.0
#: work units all the candidates of one piece may take together (a margin of sines: 4 s of solves that split nothing),
#: and never more than half of the step's budget, so that a split found leaves its sub-proofs the other half
FIND_WORK = 3.0
#: the most subexpressions tried as the combination (smallest first), each written in where it occurs
MAX_COMBINATIONS = 12
#: the most products and ratios of two coordinates (or of sums affine in one) tried after them, ``p tau`` in PHuber-CE
#: below CE (Menon et al. 2020), whose margin is a function of ``p tau`` that no subexpression is
MAX_PAIRS = 8
#: how many of them (the smallest) are also solved for each coordinate they read
MAX_SOLVED = 6
#: the most of ``solve``'s solutions for the coordinate tried (``v^2/c^2 = u`` has two, ``v = +-c sqrt(u)``)
MAX_BRANCHES = 2
#: grid points per coordinate where ``g`` and ``c`` are sampled (floating point: choices only)
SAMPLES = 9


End = Fraction | float


@dataclass
class Combination:
    """A piece closed as ``m = factor * outer(variable)``, ``variable = combination`` in ``(low, high)``: the proofs
    of ``sign * factor >= 0`` (None where it is a number), of ``sign * outer >= 0`` on ``(low, high)``, of each
    finite end's bound on the combination, and of each closed face."""

    combination: sympy.Expr
    variable: sympy.Symbol
    factor: sympy.Expr
    outer: sympy.Expr
    sign: int
    low: End
    high: End
    factor_proof: Proof | None
    outer_proof: Proof
    bounds: list[tuple[str, Proof]]
    faces: list[tuple[str, Proof | None]]  # None: the face follows by continuity

    def why(self) -> str:
        rel = ">=" if self.sign > 0 else "<="
        return (f"the margin is ({self.factor}) * phi({self.variable}) with {self.variable} = {self.combination} in "
                f"({_shown(self.low)}, {_shown(self.high)}); {self.factor} {rel} 0 and phi = {self.outer} {rel} 0 "
                f"there proved" + (f", and {len(self.faces)} closed faces held" if self.faces else ""))


def _shown(e: End) -> str:
    return str(e) if not isinstance(e, float) else ("-oo" if e < 0 else "oo")


def _rational(e: End) -> sympy.Expr:
    if isinstance(e, Fraction):
        return sympy.Rational(e.numerator, e.denominator)
    return sympy.oo if e > 0 else -sympy.oo


def pulled(expr: sympy.Expr) -> sympy.Expr:
    """``expr`` with the positive factors common to every nonzero argument of a ``Max``/``Min`` taken out of it
    (``max(0, tau z) = tau max(0, z)`` for ``tau > 0``: SymPy's assumptions say which factors are positive)."""
    def pull(node: sympy.Expr) -> sympy.Expr:
        if not isinstance(node, (sympy.Max, sympy.Min)):
            return node
        common: set[sympy.Expr] | None = None
        for a in node.args:
            if a == 0:
                continue
            fs = {f for f in sympy.factor_terms(a).as_ordered_factors() if f.is_positive and not f.is_number}
            common = fs if common is None else common & fs
        if not common:
            return node
        f = sympy.Mul(*common)
        return f * type(node)(*[sympy.cancel(a / f) for a in node.args])
    return expr.replace(lambda n: isinstance(n, (sympy.Max, sympy.Min)), pull)


def combinations(m: sympy.Expr, syms: list[sympy.Symbol]) -> list[sympy.Expr]:
    """The subexpressions of ``m`` that read two or more coordinates and no kink, smallest first, then the products
    and ratios of two coordinates (:func:`_handles`) that are none of them."""
    found = {e for e in sympy.preorder_traversal(m) if isinstance(e, sympy.Expr) and e != m and not e.is_Symbol
             and len(e.free_symbols & set(syms)) >= 2 and not e.has(*ROUGH)}
    out = sorted(found, key=lambda e: (sympy.count_ops(e), sympy.default_sort_key(e)))[:MAX_COMBINATIONS]
    read = sorted(m.free_symbols & set(syms), key=str)
    handles = [sorted(_handles(m, s), key=lambda e: (e.is_Symbol, sympy.default_sort_key(e))) for s in read]
    pairs = [g for i, one in enumerate(handles) for other in handles[i + 1:] for a in one for b in other
             for g in (a * b, a / b)]
    return out + list(dict.fromkeys(g for g in pairs if g not in found))[:MAX_PAIRS]


def _handles(m: sympy.Expr, s: sympy.Symbol) -> set[sympy.Expr]:
    """``s`` and the sums of ``m`` affine in ``s`` alone (a half-line's value ``tau = 1 + v`` is read as ``v + 1``):
    what a product or ratio of two coordinates is formed from (the sums first)."""
    return {s} | {e for e in sympy.preorder_traversal(m) if isinstance(e, sympy.Add) and e.free_symbols == {s}
                  and e.is_polynomial(s) and sympy.degree(e, s) == 1}


def exponential(m: sympy.Expr) -> sympy.Expr:
    """``m`` with each power whose exponent is no number written ``exp(e log b)``, so that the exponent's product is
    a subexpression: the margin alpha-loss (Sypherd et al. 2022) ``a/(1 - a) ((1 + e^(-z))^((1 - a)/a) - 1)`` reads
    ``z`` and ``a`` through ``(1 - a)/a log(1 + e^(-z))`` and the log alone."""
    return m.replace(lambda n: isinstance(n, sympy.Pow) and not n.exp.is_number,
                     lambda n: sympy.exp(n.exp * sympy.log(n.base)))


def separated(m: sympy.Expr, g: sympy.Expr, x: sympy.Symbol | None, u: sympy.Symbol, rest: list[sympy.Symbol],
              seconds: float = CANDIDATE_WORK, forced: bool = False) -> tuple[sympy.Expr, sympy.Expr] | None:
    """``(c, phi)`` with ``m = c phi(u)`` where ``u = g``, found by writing ``u`` for ``g`` where it occurs (``x``
    None: SymPy's ``subs``, which finds ``g`` inside a larger sum too) or by solving ``g = u`` for ``x`` (each of
    :data:`MAX_BRANCHES` solutions in turn), then separating (where that fails and ``forced``, on a margin whose
    powers were written as exponentials, with logarithms and powers of exponentials expanded as if every exponent
    were real, and simplified): only a way to find the split, which :func:`identity` checks; None where SymPy finds
    no such split within ``seconds``."""
    if seconds <= 0:
        return None
    try:
        with work.limit(seconds):
            sols = [None] if x is None else sympy.solve(sympy.Eq(g, u), x, dict=False)[:MAX_BRANCHES]
            for sol in sols:  # any branch: the split is checked as an identity in the coordinates
                if sol is not None and (x in sol.free_symbols or sol.has(sympy.I, sympy.zoo, sympy.nan)):
                    continue
                w = pulled(m.subs(g, u) if sol is None else m.xreplace({x: sol}))
                parts = sympy.separatevars(sympy.factor_terms(sympy.together(sympy.powdenest(sympy.expand_log(w)))),
                                           symbols=[u, *rest], dict=True)
                if forced and (not parts or u not in parts):  # log(e^k) = k, (e^k)^r = e^(k r) for any k
                    w = sympy.simplify(sympy.powdenest(sympy.expand_log(w, force=True), force=True))
                    parts = sympy.separatevars(w, symbols=[u, *rest], dict=True)
                if not parts or u not in parts:
                    continue
                c = parts["coeff"] * sympy.Mul(*[parts[s] for s in rest if s in parts])
                phi = parts[u]
                if u not in c.free_symbols and phi.free_symbols == {u} and (x is None or x not in c.free_symbols):
                    return c, phi
    except (TimedOut, NotImplementedError, ValueError, TypeError, RecursionError, AttributeError, KeyError,
            ZeroDivisionError, BasePolynomialError):  # simplify raised KeyError on zoo/log(y) (SymPy 1.14)
        return None
    return None


def identity(m: sympy.Expr, c: sympy.Expr, phi: sympy.Expr, u: sympy.Symbol, g: sympy.Expr) -> bool:
    """Whether ``m = c phi(g)`` identically (SymPy's ``simplify``, with the coordinates' signs, after the positive
    factors are taken out of each ``Max``/``Min``: an identity where they are positive)."""
    diff = pulled(m) - pulled(c * phi.xreplace({u: g}))
    return diff == 0 or is_zero_by_cases(diff)


def _corners(g: sympy.Expr, syms: list[sympy.Symbol], bx: Box) -> set[Fraction]:
    """The rational values of ``g`` at the box's corners whose coordinates are all finite ends, and 0."""
    out = {Fraction(0)}
    choices = [[e for e in b if not infinite(e)] for b in bx]
    for k in range(2 ** len(bx)):
        pt = [c[(k >> i) & 1] if len(c) == 2 else c[0] if c else None for i, c in enumerate(choices)]
        if None in pt:
            continue
        v = g.xreplace({s: sympy.Rational(Fraction(e).numerator, Fraction(e).denominator) for s, e in zip(syms, pt)})  # type: ignore[arg-type]
        if v.is_Rational:
            out.add(Fraction(int(v.p), int(v.q)))
    return out


def ends(g: sympy.Expr, syms: list[sympy.Symbol], bx: Box) -> tuple[End, End] | None:
    """The candidate interval of ``g`` on the box: the greatest corner value no sample is below, the least no sample
    is above (infinite where none is); None where ``g`` cannot be sampled."""
    values = sampled(g, syms, clipped(bx), SAMPLES)
    if not values:
        return None
    lo, hi = min(values), max(values)
    cands = _corners(g, syms, bx)
    below = [c for c in cands if float(c) <= lo + 1e-12 * (1 + abs(lo))]
    above = [c for c in cands if float(c) >= hi - 1e-12 * (1 + abs(hi))]
    return (max(below) if below else -math.inf), (min(above) if above else math.inf)


def _sign(c: sympy.Expr, syms: list[sympy.Symbol], bx: Box) -> int:
    """``+1``/``-1`` where ``c`` sampled has that sign everywhere it is finite (0 at an end of the box allowed), else
    0 (a choice only)."""
    values = sampled(c, syms, clipped(bx), SAMPLES) or []
    if any(v > 0 for v in values) and all(v >= 0 for v in values):
        return 1
    if any(v < 0 for v in values) and all(v <= 0 for v in values):
        return -1
    return 0


def strictly_between(g: sympy.Expr, syms: list[sympy.Symbol], bx: Box, low: End, high: End) -> bool:
    """Whether ``g`` lies strictly inside ``(low, high)`` at one of five rational points of the open box (its
    :func:`~paper_checks.prover.subproofs.partial_min.inner_point`, where ``v^2/c^2`` is at its least, 0, then a third
    and two thirds across the box clipped to finite ends, then two points off its diagonals), by Arb's ball of the exact
    value."""
    inner = [[inner_point(*b) for b in bx]]
    inner += [[a + (b - a) * share for a, b in clipped(bx)] for share in (Fraction(1, 3), Fraction(2, 3))]
    n = len(bx)  # then off the diagonals, where a divergence's combination is at its end
    inner += [[a + (b - a) * Fraction(k, n + 1) for k, (a, b) in zip(order, clipped(bx))]
              for order in (range(1, n + 1), range(n, 0, -1))]
    for x in inner:
        pt = [(v, v) for v in x]
        bounds = [ball_lower(sign * (g - _rational(e)), syms, pt)
                  for e, sign in ((low, 1), (high, -1)) if not infinite(e)]
        if all(b is not None and b > 0 for b in bounds):
            return True
    return False


def _variable(syms: list[sympy.Symbol], low: End, high: End) -> sympy.Symbol:
    names = {str(s) for s in syms}
    name = next(n for n in ("u", "u_", "u__", "u_combination") if n not in names)
    return sympy.Symbol(name, **sign_assumptions(float(low), float(high), True, True))


def _outer_problem(u: sympy.Symbol, low: End, high: End) -> tuple[list[sympy.Symbol], list[Coordinate], Box]:
    """The one-variable problem's symbols, coordinates and box: ``u`` in the open ``(low, high)``."""
    at = (None if infinite(low) else Fraction(low), None if infinite(high) else Fraction(high))
    return [u], [Coordinate(u, str(u), (), at)], [(low, high)]  # type: ignore[list-item]


def combination(expr: sympy.Expr, symbols: list[sympy.Symbol], box: Box, budget: Budget,
                coords: list[Coordinate]) -> Combination | None:
    """Close ``expr >= 0`` on the piece (``box``) through one combination of its coordinates (the module docstring),
    or None."""
    if expr.has(*JUMPS) or any(c.index for c in coords) or len(symbols) < 2:
        return None
    with nested_in_values("OneCombination", budget, MAX_DEPTH, expr, symbols, coords, box) as level:
        if level is None:
            return None
        stop, un = level
        if any(pole(problem[0]) for _, problem in faces(*un)):  # a face at a pole: no proof of it would end
            return None
        m, syms, crds, bx = opened(*un)
        finding = work.now() + min(FIND_WORK, stop.left() / 2)  # the other half for the sub-proofs
        spans: dict[sympy.Expr, tuple[End, End] | None] = {}
        # the candidates of the margin as written, then those new in its powers as exponentials: each written in
        # where it occurs (cheap), then the smallest solved for each coordinate it reads
        tries, seen = [], set()
        for form in dict.fromkeys([m, exponential(m)]):
            new = [g for g in combinations(form, syms) if g not in seen]
            seen |= set(new)
            tries += [(form, g, None) for g in new]
            tries += [(form, g, x) for g in new[:MAX_SOLVED] for x in sorted(g.free_symbols & set(syms), key=str)]
        for form, g, x in tries:
            if stop.over():
                return None
            if g not in spans:
                span = ends(g, syms, bx)
                spans[g] = span if span is not None and strictly_between(g, syms, bx, *span) else None
            if spans[g] is None:
                continue
            low, high = spans[g]  # type: ignore[misc]
            u = _variable(syms, low, high)
            rest = [s for s in syms if s != x]
            split = separated(form, g, x, u, rest, min(CANDIDATE_WORK, finding - work.now()), form != m)
            if split is None:
                continue
            c, phi = split
            sign = (0 if c == 0 else 1 if c > 0 else -1) if c.is_Rational else _sign(c, syms, bx)
            if sign == 0 or not identity(m, c, phi, u, g):
                continue
            found = _proofs(g, u, sign * c, sign * phi, syms, crds, bx, low, high, stop)
            if found is None:
                continue
            factor_proof, outer_proof, bounds = found
            done = face_proofs(*un, stop)
            if done is None:
                return None
            return Combination(g, u, c, phi, sign, bounds[0], bounds[1], factor_proof, outer_proof, bounds[2], done)
        return None


def pole(face: sympy.Expr) -> bool:
    """Whether a face's margin is infinite or undefined as written (``oo``, ``zoo``, ``nan``, or ``0`` to a power not
    known positive: the derivative of ``p^q`` at ``p = 0``, where a sweep's sub-problem spent 52 s before)."""
    if face.has(sympy.nan, sympy.zoo, sympy.oo, -sympy.oo):
        return True
    return any(n.base == 0 and not n.exp.is_positive for n in face.atoms(sympy.Pow))


def _proofs(g: sympy.Expr, u: sympy.Symbol, sc: sympy.Expr, sphi: sympy.Expr, syms: list[sympy.Symbol],
            crds: list[Coordinate], bx: Box, low: End, high: End, stop: Budget
            ) -> tuple[Proof | None, Proof, tuple[End, End, list[tuple[str, Proof]]]] | None:
    """The sub-proofs of one split: the factor's sign, each finite end's bound on ``g`` (an end not proved becomes
    infinite), and the outer function on the interval; None where the factor or the outer function is not proved."""
    factor = None
    if sc.free_symbols:
        factor = proved_once(sc, syms, bx, crds, f"the factor {sc}", stop.left() / 4)
        if factor is None:
            return None
    elif not constant_holds(sc):
        return None
    bounds: list[tuple[str, Proof]] = []
    for which, margin in (("low", g - _rational(low) if not infinite(low) else None),
                          ("high", _rational(high) - g if not infinite(high) else None)):
        if margin is None:
            continue
        got = proved_once(margin, syms, bx, crds, f"{u} = {g} >= {low}" if which == "low" else f"{u} <= {high}",
                          stop.left() / 4)
        if got is None:
            low, high = (-math.inf, high) if which == "low" else (low, math.inf)
        else:
            bounds.append((which, got))
    if not strictly_between(g, syms, bx, low, high):
        return None
    osy, osc, obx = _outer_problem(u, low, high)
    outer = proved_once(sphi, osy, obx, osc, f"{sphi} on ({_shown(low)}, {_shown(high)})",
                        stop.left() / 2)
    if outer is None:
        return None
    return factor, outer, (low, high, bounds)


def recheck(rec: Combination, expr: sympy.Expr, symbols: list[sympy.Symbol], box: Box,
            coords: list[Coordinate]) -> list[str]:
    """Why ``rec`` does not close ``expr >= 0`` on ``box`` (empty: it does); see the module docstring."""
    if expr.has(*JUMPS) or any(c.index for c in coords):
        return ["the margin is not continuous in plain real coordinates again"]
    un = uncharted(expr, symbols, coords, box)
    if un is None:
        return ["the piece's coordinates cannot be read in their values again"]
    m, syms, crds, bx = opened(*un)
    by_name = {str(s): s for s in syms}
    if any(str(s) not in by_name for s in rec.combination.free_symbols | rec.factor.free_symbols):
        return ["the combination or the factor reads what is no coordinate of the piece"]
    g = rec.combination.xreplace({s: by_name[str(s)] for s in rec.combination.free_symbols})
    c = rec.factor.xreplace({s: by_name[str(s)] for s in rec.factor.free_symbols})
    u = rec.variable
    out = []
    if len(g.free_symbols) < 2 or g.has(*ROUGH) or rec.outer.free_symbols != {u} or str(u) in by_name:
        out.append("the combination is not a smooth function of the coordinates, or phi reads more than it")
    if rec.sign not in (1, -1) or not identity(m, c, rec.outer, u, g):
        out.append(f"the margin is not ({rec.factor}) * phi({rec.combination}) identically again")
    if not strictly_between(g, syms, bx, rec.low, rec.high):
        out.append("the combination is not strictly inside its interval at the piece's inner point")
    sc = rec.sign * c
    out += recheck_or_constant(rec.factor_proof, sc, syms, crds, bx, "the factor's sign")
    wanted_bounds = [(w, e) for w, e in (("low", rec.low), ("high", rec.high)) if not infinite(e)]
    if [w for w, _ in rec.bounds] != [w for w, _ in wanted_bounds]:
        return out + ["the recorded bounds on the combination are not its interval's finite ends"]
    for (which, proof), (_, e) in zip(rec.bounds, wanted_bounds):
        margin = g - _rational(e) if which == "low" else _rational(e) - g
        out += recheck_problem(*proof, margin, syms, crds, bx, f"the combination's {which} bound")
    osy, osc, obx = _outer_problem(u, rec.low, rec.high)
    out += recheck_problem(*rec.outer_proof, rec.sign * rec.outer, osy, osc, obx, "phi on the interval")
    return out + recheck_faces(rec.faces, *un)


@register
class OneCombination(SubproofMethod):
    """A function of one combination of the coordinates, times a factor of one sign."""

    methods = ("one combination",)
    record = Combination
    find = staticmethod(combination)
    check_record = staticmethod(recheck)

    def applies(self, goal: PieceGoal) -> bool:
        return len(goal.coords) >= 2 and not any(c.index for c in goal.coords)
