"""One monotone function at two arguments: a margin ``P - N`` whose two sides are one expression ``G(u)`` at two
arguments, ``P = G(A)`` and ``N = G(B)`` (the only place where the two sides' trees differ), has the sign of ``A - B``
where ``G`` increases in ``u``: by the mean value theorem ``G(A) - G(B) = G'(xi) (A - B)`` with ``xi`` between them. Two
facts prove the piece, each a sub-proof: ``s dG/du >= 0`` for ``u`` on an interval enclosure of ``A`` and ``B`` over the
piece (the other coordinates ``G`` reads on theirs), and ``s (A - B) >= 0`` on the piece; and ``G`` is continuous there,
node by node (:func:`continuous_on`), so that no jump hides where the slope was simplified. A user's claim for every
number of classes ``c`` and temperature ``tau``, ``log(1 + (c - 1) e^(2 tau)) - log(1 + (c - 1) e^(sqrt 2 tau)) >= 0``,
is two lines by hand: ``log(1 + a e^u)`` increases in ``u``, and ``2 tau >= sqrt 2 tau``. No box closes it: it is 0
along the whole edge ``tau = 0`` for every ``c``, and the slope in ``tau`` reads ``c`` in a numerator and a
denominator, whose interval dependency no box near ``c -> oo`` removes.

Where ``G`` is not continuous at an end of the interval (a pole, a ``0/0``), its slope is proved on the open interval
instead, which says that ``G`` is defined, so continuous, there (:func:`_opens`); both arguments are analytic and not an
end at some point, so the points where one of them is an end have no interior, and the margin, continuous where it is
defined, is a limit of points where both lie inside. Two ratios crossed, ``k + X/Y - Z/W``, are ``k`` plus a factor of
one sign times one function at two arguments (:mod:`paper_checks.prover.subproofs.cross_ratio`): Cauchy's mean value
theorem in disguise, as in MetiTarski's ``sin-3425a`` (``G = sin/(x - x^3/6)`` on ``(0, sqrt 6)``). A constant
beside them, ``G(A) - G(B) + k`` with ``A - B = d`` a number, is the slope's share: ``H(A) - H(B)`` with ``H(u) = G(u) +
(k/d) u`` (MetiTarski's ``cos-problem-5``, ``(x + 1) cos(pi/(x + 1)) - x cos(pi/x) > 1``: ``H' = cos(pi/u) + (pi/u)
sin(pi/u) - 1 >= 0``, tight only as ``u -> oo``); each side's terms are collected on the functions it reads first,
since the normal form expands ``(x + 1) cos(pi/(x + 1))`` into a sum.

The closure here (:class:`TwoArguments`, registered for :mod:`paper_checks.prover.schedule`): one monotone function
at two arguments, ``G(A) - G(B)`` with ``s G' >= 0`` on an enclosure of both arguments and ``s (A - B) >= 0``, each a
sub-proof with its own certificate (and the crossed factor's sign, a third); tried early, since finding the two
arguments is a walk of two trees. Re-checked by writing both sides as ``G`` at the two arguments again, enclosing them
again and re-checking every certificate (:func:`recheck`).
"""
from __future__ import annotations

import math
from dataclasses import dataclass, replace
from fractions import Fraction
from typing import Any

import mpmath
import sympy
from mpmath import libmp
from sympy.polys.polyerrors import BasePolynomialError

from paper_checks import work
from paper_checks.deadline import TimedOut
from paper_checks.prover.budget import Budget
from paper_checks.prover.closures.base import Check, Outcome, PieceGoal, SubproofMethod, forms, recorded_form, register
from paper_checks.prover.enclosures.balls import ball_at
from paper_checks.prover.enclosures.bound import Closure
from paper_checks.prover.enclosures.boxes import Box
from paper_checks.prover.subproofs.combination import strictly_between
from paper_checks.prover.subproofs.continuity import conditions
from paper_checks.prover.subproofs.cross_ratio import crossed, identity, ratios, sides
from paper_checks.prover.subproofs.differences import MAX_DEPTH, in_values_again, one_sign
from paper_checks.prover.subproofs.partial_min import ROUGH, nested_in_values
from paper_checks.prover.subproofs.subproblem import Proof, constant_holds, proved_once, recheck_problem
from paper_checks.prover.tracing.symbols import Coordinate, sign_assumptions
from paper_checks.prover.tracing.trace import Untraceable, compile_expr
from paper_checks.prover.tracing.unbounded import infinite

#: the most pairs of arguments tried as ``G(A) - G(B)`` (the smallest first)
MOST_PAIRS = 6
#: work units SymPy may spend showing that ``G`` at the second argument is the second side (:func:`function_at`)
SAME_WORK = 0.3


@dataclass
class Arguments:
    """A piece closed as ``G(A) - G(B)``: ``G`` (in ``variable``) with ``s dG/du >= 0`` on ``span`` (the proof of
    ``slope``), and ``s (A - B) >= 0`` on the piece (its proof; None where it is a number)."""

    function: sympy.Expr
    variable: sympy.Symbol
    first: sympy.Expr
    second: sympy.Expr
    sign: int
    span: tuple[Any, Any]
    slope_proof: Proof
    order_proof: Proof | None
    opened: bool = False  # the slope proved on the open interval (G is continuous there, not at an end)
    slack: sympy.Expr = sympy.Integer(0)  # the margin is slack + factor (G(first) - G(second)) (:mod:`cross_ratio`)
    factor: sympy.Expr = sympy.Integer(1)
    factor_proof: Proof | None = None  # of factor >= 0 (None: the factor is 1)
    written: bool = False  # the margin as written (the normal form's original), not the normal form

    def why(self) -> str:
        rel = "increases" if self.sign > 0 else "decreases"
        on = f"({self.span[0]}, {self.span[1]})" if self.opened else f"[{self.span[0]}, {self.span[1]}]"
        diff = f"G({self.first}) - G({self.second})"
        form = diff if self.factor == 1 and self.slack == 0 else \
            f"{self.slack} + ({self.factor}) ({diff}), the factor >= 0 (proved), with"
        return (f"the margin is {form} G({self.variable}) = {self.function}, which {rel} in {self.variable} on {on} "
                f"(proved), and {self.first} {'>=' if self.sign > 0 else '<='} {self.second} (proved): by the mean "
                "value theorem it is >= 0")


def argument_pairs(p: sympy.Expr, n: sympy.Expr) -> list[tuple[sympy.Expr, sympy.Expr]]:
    """The candidates ``(A, B)`` for ``p = G(A)``, ``n = G(B)``, smallest first: the subtrees where the two trees
    differ, walked in parallel below their roots (the arguments of a sum or product compared as multisets, those left
    over paired in order), at every depth (``exp(2 tau)`` against ``exp(sqrt 2 tau)`` gives that pair and
    ``(2, sqrt 2)``)."""
    out: list[tuple[sympy.Expr, sympy.Expr]] = []

    def walk(a: sympy.Expr, b: sympy.Expr, top: bool) -> None:
        if a == b:
            return
        if not top:
            out.append((a, b))
        if a.func != b.func or len(a.args) != len(b.args) or not a.args:
            return
        if isinstance(a, (sympy.Add, sympy.Mul)):
            left = [x for x in a.args if x not in b.args]
            right = [x for x in b.args if x not in a.args]
        else:
            pairs = [(x, y) for x, y in zip(a.args, b.args) if x != y]
            left, right = [x for x, _ in pairs], [y for _, y in pairs]
        if len(left) == len(right):
            for x, y in zip(left, right):
                walk(x, y, False)
    walk(p, n, True)
    return sorted(dict.fromkeys(out), key=lambda ab: (sympy.count_ops(ab[0]) + sympy.count_ops(ab[1]),
                                                       sympy.default_sort_key(ab)))[:MOST_PAIRS]


def _enclosed(exprs: list[sympy.Expr], syms: list[sympy.Symbol], box: Box) -> tuple[Any, Any] | None:
    """A rational interval holding every value of each of ``exprs`` on ``box`` (interval arithmetic, its ends exact:
    ``r x`` on ``[0, 1]^2`` is ``[0, 1]``, not a double outside it; an unbounded end infinite), or None where they are
    undefined somewhere on it."""
    def end(x: Any, low: bool) -> Any:
        if infinite(x):
            return -mpmath.inf if low else mpmath.inf
        q = Fraction(x)
        at = mpmath.iv.mpf(q.numerator) / q.denominator
        return at.a if low else at.b
    v = [mpmath.iv.mpf([end(lo, True), end(hi, False)]) for lo, hi in box]
    lo: Any = math.inf
    hi: Any = -math.inf
    for e in exprs:
        try:
            got = compile_expr(e, syms)(v)
        except (Untraceable, TypeError, ValueError, ZeroDivisionError):
            return None
        a, b = (_exact(x) for x in got._mpi_)
        if a is None or b is None or a == math.inf or b == -math.inf:
            return None
        lo, hi = min(lo, a), max(hi, b)
    return lo, hi


def _exact(raw: Any) -> Any:
    """An mpmath interval's end (its raw ``mpf``) as a ``Fraction``, exactly; an infinite one as a float; None for
    NaN."""
    if raw == libmp.fnan:
        return None
    if raw in (libmp.finf, libmp.fninf):
        return math.inf if raw == libmp.finf else -math.inf
    return Fraction(*libmp.to_rational(raw))


def _variable(syms: list[sympy.Symbol], span: tuple[Any, Any]) -> sympy.Symbol:
    names = {str(s) for s in syms}
    return sympy.Symbol(next(n for n in ("u", "u_", "u__", "u_argument") if n not in names),
                        **sign_assumptions(float(span[0]), float(span[1])))


def _argument_slope_problem(d: sympy.Expr, u: sympy.Symbol, span: tuple[Any, Any], syms: list[sympy.Symbol],
                            crds: list[Coordinate], bx: Box, opened: bool = False
                            ) -> tuple[list[sympy.Symbol], list[Coordinate], Box]:
    """The slope's problem: ``u`` on ``span`` (``opened``: its finite ends left open), then the piece's coordinates
    that ``d`` reads on their intervals."""
    keep = [k for k, s in enumerate(syms) if s in d.free_symbols]
    lo, hi = (None if not opened or infinite(e) else Fraction(e) for e in span)
    ends = (lo, hi)
    return [u, *[syms[k] for k in keep]], [Coordinate(u, str(u), (), open_at=ends), *[crds[k] for k in keep]], \
        [span, *[bx[k] for k in keep]]


def _defined(d: sympy.Expr) -> set[tuple[sympy.Expr, bool]]:
    """What ``d`` defined at a point says there: ``(e, True)`` for ``e > 0`` (the argument of a log, the base of a
    negative fractional power), ``(e, False)`` for ``e != 0`` (the base of a negative integer power); a root's base
    is only ``>= 0``, so it says nothing here."""
    out: set[tuple[sympy.Expr, bool]] = set()
    for node in sympy.preorder_traversal(d):
        if isinstance(node, sympy.log) and len(node.args) == 1:
            out.add((node.args[0], True))
        elif isinstance(node, sympy.Pow) and node.exp.is_negative:
            out.add((node.base, not node.exp.is_Integer))
    return out


def _opens(g: sympy.Expr, d: sympy.Expr, a: sympy.Expr, b: sympy.Expr, syms: list[sympy.Symbol], bx: Box,
           span: tuple[Any, Any]) -> bool:
    """Whether the slope ``d`` of ``G`` proved on the open ``span`` suffices where ``G`` is not continuous at an end:
    every condition of ``G``'s continuity (:func:`~paper_checks.prover.subproofs.continuity.conditions`) is one of
    ``d``'s, so ``d`` defined on the open span (a proof says so) makes ``G`` continuous and differentiable there; and
    both arguments are analytic (no root, no kink) and not an end of the span at some point of the piece (Arb), so the
    points where one is an end have no interior and the margin, continuous where it is defined, is a limit of points
    where both lie inside, where the mean value theorem holds."""
    cg, cd = conditions(g), _defined(d)
    if cg is None or not all((e, strict) in cd or not strict and (e, True) in cd for e, strict in cg):
        return False
    analytic = all(not e.has(*ROUGH) and all(p.exp.is_Integer or not p.base.free_symbols
                                             for p in e.atoms(sympy.Pow)) for e in (a, b))
    return analytic and all(strictly_between(e, syms, bx, *span) for e in (a, b))


def continuous_on(g: sympy.Expr, syms: list[sympy.Symbol], box: Box) -> bool:
    """Whether every node of ``g`` is continuous at every point of ``box`` (:func:`~paper_checks.prover.subproofs.
    continuity.conditions`), read from SymPy's assumptions on each coordinate's sign there (``>= 0`` included: a sign
    query, not a rewrite), else from its interval enclosure on the box. The mean value theorem needs it:
    ``atan(1/u)`` has the slope ``-1/(1 + u^2)`` of one sign as simplified, and jumps at ``u = 0``."""
    conds = conditions(g)
    if conds is None:
        return False
    fresh = {}
    for s, (lo, hi) in zip(syms, box):
        signs = {"real": True}
        if not infinite(lo) and lo >= 0:
            signs["positive" if lo > 0 else "nonnegative"] = True
        if not infinite(hi) and hi <= 0:
            signs["negative" if hi < 0 else "nonpositive"] = True
        fresh[s] = sympy.Symbol(f"{s}_sign", **signs)
    for cond, strict in conds:
        # (c - 1) e^(u tau) + 1 > 0 for c >= 2, where c e^(u tau) - e^(u tau) + 1 is not in intervals
        forms = (cond, sympy.collect(cond, sorted(cond.atoms(sympy.Function), key=sympy.default_sort_key)))
        if any((e.xreplace(fresh).is_positive if strict else e.xreplace(fresh).is_nonzero) is True for e in forms):
            continue
        if not any((got := _enclosed([sign * e], syms, box)) is not None and got[0] > 0
                   for e in forms for sign in ((1,) if strict else (1, -1))):
            return False
    return True


def arguments(m: sympy.Expr, syms: list[sympy.Symbol], crds: list[Coordinate], bx: Box, stop: Budget,
              plain: bool = True) -> Arguments | None:
    """Close ``m >= 0`` on the piece in its values as one monotone function at two arguments (the module docstring),
    or None; ``plain``: the two sides themselves too, not only two ratios crossed."""
    split = sides(m) if plain else None
    for a, b in argument_pairs(*split) if split is not None else []:
        if stop.over():
            return None
        found = _arguments(split, a, b, syms, crds, bx, stop)  # type: ignore[arg-type]
        if found is not None:
            return found
    k = sympy.Add(*[t for t in sympy.Add.make_args(m) if t.is_number]) if plain else sympy.Integer(0)
    apart = _collected(sides(m - k)) if k != 0 else None
    for a, b in argument_pairs(*apart) if apart is not None else []:  # G(A) - G(B) + k with A - B a number d:
        d, (p, n) = a - b, apart  # type: ignore[misc]  # H(A) - H(B), H(u) = G(u) + (k/d) u: its slope G' + k/d
        if stop.over():
            return None
        if d.is_number and d != 0:
            found = _arguments((p + k / d * a, n + k / d * b), a, b, syms, crds, bx, stop)
            if found is not None:
                return found
    for k, c, first, second in crossed(m):  # two ratios crossed: k + c (G(A) - G(B))
        sign = (1 if c > 0 else -1 if c < 0 else 0) if c.is_number else one_sign(c, syms, bx)
        pair = (first, second) if sign > 0 else (second, first)
        pairs = [(a, b) for a, b in argument_pairs(*pair) if sign
                 and function_at(pair, a, b, sympy.Dummy()) is not None]  # G at both, before any sub-proof
        if not pairs or stop.over():
            continue
        factor = None if c.is_number else proved_once(sign * c, syms, bx, crds, f"{sign * c} >= 0", stop.left() / 3)
        if factor is None and not c.is_number:
            continue
        for a, b in pairs:
            found = _arguments(pair, a, b, syms, crds, bx, stop)
            if found is not None:
                return replace(found, slack=k, factor=sign * c, factor_proof=factor)
    return None


def _collected(split: tuple[sympy.Expr, sympy.Expr] | None) -> tuple[sympy.Expr, sympy.Expr] | None:
    """Each side with its terms collected on the functions it reads: the normal form expands ``(x + 1) cos(pi/(x +
    1))`` into a sum, whose tree no longer holds the argument once."""
    if split is None:
        return None
    funcs = sorted(set().union(*(e.atoms(sympy.Function) for e in split)), key=sympy.default_sort_key)
    return (sympy.collect(split[0], funcs), sympy.collect(split[1], funcs)) if funcs else split


def function_at(split: tuple[sympy.Expr, sympy.Expr], a: sympy.Expr, b: sympy.Expr, u: sympy.Symbol
                ) -> sympy.Expr | None:
    """``G(u)`` with ``G(a)`` the first side and ``G(b)`` the second, or None: the first side with ``a`` written ``u``
    where it occurs, or with a coordinate that ``a`` reads affinely solved for (``sqrt 6 x = u``: ``x = u/sqrt 6``,
    which reaches the ``x^3`` beside it); the second side is ``G(b)`` as SymPy writes it, or by ``cancel`` of the
    difference to 0 (within :data:`SAME_WORK`)."""
    tries = [split[0].xreplace({a: u})]
    for x in sorted(a.free_symbols, key=str):
        if a.is_polynomial(x) and sympy.degree(a, x) == 1:
            slope, rest = a.coeff(x), a.subs(x, 0)
            if x not in slope.free_symbols and slope != 0:
                tries.append(split[0].xreplace({x: (u - rest) / slope}))
    for g in dict.fromkeys(tries):
        if u not in g.free_symbols:
            continue
        at = g.xreplace({u: b})
        if at == split[1]:
            return g
        if _plainly_apart(at, split[1]):  # one exact value tells them apart: no SymPy work
            continue
        try:
            with work.limit(SAME_WORK):
                if sympy.cancel(at - split[1]) == 0:
                    return g
        except (TimedOut, TypeError, ValueError, NotImplementedError, RecursionError, BasePolynomialError):
            continue
    return None


def _plainly_apart(one: sympy.Expr, other: sympy.Expr) -> bool:
    """Whether ``one - other`` is not 0 at a rational point (Arb's ball of its exact value excludes 0): then they are
    not one expression, and ``cancel`` need not say so (seconds on MetiTarski's degree-10 ``ellipse-check-2``)."""
    d = one - other
    names = sorted(d.free_symbols, key=str)
    point = [Fraction(2, 7) + Fraction(k, 11) for k in range(len(names))]
    v = ball_at(d, names, point)
    return v is not None and not v.contains(0)


def _arguments(split: tuple[sympy.Expr, sympy.Expr], a: sympy.Expr, b: sympy.Expr, syms: list[sympy.Symbol],
               crds: list[Coordinate], bx: Box, stop: Budget) -> Arguments | None:
    """The proof of :func:`arguments` for one candidate pair, or None."""
    span = _enclosed([a, b], syms, bx)
    if span is None or span[0] == span[1]:
        return None
    u = _variable(syms, span)
    g = function_at(split, a, b, u)
    if g is None:
        return None
    order = a - b
    sign = (1 if order > 0 else -1 if order < 0 else 0) if order.is_number else one_sign(order, syms, bx)
    if sign == 0:
        return None
    d = sympy.diff(g, u)
    gsyms, _, gbox = _argument_slope_problem(g, u, span, syms, crds, bx)
    opened = not continuous_on(g, gsyms, gbox)
    if opened and not _opens(g, d, a, b, syms, bx, span):
        return None
    psyms, pcrds, pbox = _argument_slope_problem(d, u, span, syms, crds, bx, opened)
    if one_sign(sign * d, psyms, pbox) != 1:
        return None
    slope_proof = proved_once(sign * d, psyms, pbox, pcrds, f"the slope of {g} in {u}: {sign * d}", stop.left() / 2)
    if slope_proof is None:
        return None
    order_proof = None
    if order.is_number:
        if not constant_holds(sign * order):
            return None
    else:
        order_proof = proved_once(sign * order, syms, bx, crds, f"{sign * order} >= 0", stop.left() / 2)
        if order_proof is None:
            return None
    return Arguments(g, u, a, b, sign, span, slope_proof, order_proof, opened)


def recheck(rec: Arguments, expr: sympy.Expr, symbols: list[sympy.Symbol], box: Box,
            coords: list[Coordinate]) -> list[str]:
    """Why ``rec`` does not close ``expr >= 0`` on ``box`` (empty: it does); see the module docstring."""
    un = in_values_again(expr, symbols, coords, box)
    return un if isinstance(un, list) else recheck_arguments(rec, *un)


def recheck_arguments(rec: Arguments, m: sympy.Expr, syms: list[sympy.Symbol], crds: list[Coordinate], bx: Box
                      ) -> list[str]:
    """Why ``rec`` does not close ``m >= 0`` on the piece in its values (empty: it does)."""
    split = sides(m)
    by_name = {str(s): s for s in syms}
    if split is None or str(rec.variable) in by_name:
        return ["the margin is not a difference of two sides again"]
    named = {s: by_name[str(s)] for s in (rec.function.free_symbols | rec.first.free_symbols
                                           | rec.second.free_symbols | rec.factor.free_symbols) if str(s) in by_name}
    g, a, b, factor = (e.xreplace(named) for e in (rec.function, rec.first, rec.second, rec.factor))
    u = rec.variable
    out = []
    if not ((g.free_symbols - {u}) <= set(syms) and a.free_symbols <= set(syms) and b.free_symbols <= set(syms)
            and factor.free_symbols <= set(syms)):
        return ["G, its arguments or the factor read what is no coordinate of the piece"]
    if factor == 1 and rec.slack == 0:
        if not (identity(m, 0, 1, g.xreplace({u: a}), g.xreplace({u: b}))):
            out.append("the two sides are not G at the two arguments again")
    else:
        out += _recheck_crossed(rec, m, g.xreplace({u: a}), g.xreplace({u: b}), factor, syms, crds, bx)
    span = _enclosed([a, b], syms, bx)
    if span is None or any(infinite(r) and not infinite(o) or not infinite(r) and not infinite(o) and
                           (o < r if k == 0 else o > r) for k, (o, r) in enumerate(zip(span, rec.span))):
        out.append("the arguments' enclosure is not inside the recorded interval again")
    if rec.sign not in (1, -1):
        return out + ["the recorded sign is not +1 or -1"]
    lo, hi = rec.span
    if not (infinite(lo) and lo < 0 or isinstance(lo, Fraction)) or not (infinite(hi) and hi > 0 or isinstance(
            hi, Fraction)) or not lo < hi:
        return out + ["the recorded interval is not an interval of rational or infinite ends"]
    d = rec.sign * sympy.diff(g, u)
    psyms, pcrds, pbox = _argument_slope_problem(d, u, rec.span, syms, crds, bx, rec.opened)
    gsyms, _, gbox = _argument_slope_problem(g, u, rec.span, syms, crds, bx)
    if not (_opens(g, sympy.diff(g, u), a, b, syms, bx, rec.span) if rec.opened else continuous_on(g, gsyms, gbox)):
        out.append(f"G is not continuous on the recorded {'open ' if rec.opened else ''}interval again")
    out += recheck_problem(*rec.slope_proof, d, psyms, pcrds, pbox, "the slope of G")
    return out + _recheck_sign(rec.sign * (a - b), rec.order_proof, "the arguments' order", syms, crds, bx)


def _recheck_sign(value: sympy.Expr, proof: Proof | None, what: str, syms: list[sympy.Symbol],
                  crds: list[Coordinate], bx: Box) -> list[str]:
    """Why ``value >= 0`` on the piece does not hold again by ``proof`` (None: ``value`` is a number ``>= 0``)."""
    if value.is_number:
        return [] if proof is None and constant_holds(value) else [f"{what} is not the recorded number's sign again"]
    if proof is None:
        return [f"no proof of {what}"]
    return recheck_problem(*proof, value, syms, crds, bx, what)


def _recheck_crossed(rec: Arguments, m: sympy.Expr, first: sympy.Expr, second: sympy.Expr, factor: sympy.Expr,
                     syms: list[sympy.Symbol], crds: list[Coordinate], bx: Box) -> list[str]:
    """Why ``m = slack + factor (first - second)`` with ``slack >= 0`` and ``factor >= 0`` on the piece does not hold
    again (empty: it does)."""
    out = []
    if not (rec.slack.is_number and rec.slack.is_nonnegative) or not identity(m, rec.slack, factor, first, second):
        out.append("the margin is not its slack plus the factor times G at the two arguments again")
    return out + _recheck_sign(factor, rec.factor_proof, "the factor's sign", syms, crds, bx)


def two_arguments(expr: sympy.Expr, symbols: list[sympy.Symbol], box: Box, budget: Budget,
                  coords: list[Coordinate], plain: bool = True) -> Arguments | None:
    """Close ``expr >= 0`` on the piece (``box``) as one monotone function at two arguments (the module docstring),
    or None; ``plain``: as :func:`arguments`."""
    if expr.has(*ROUGH) or any(c.index for c in coords) or not (plain and sides(expr) is not None or ratios(expr)):
        return None
    with nested_in_values("TwoArguments", budget, MAX_DEPTH, expr, symbols, coords, box) as level:
        if level is None:
            return None
        stop, (m, syms, crds, bx) = level
        return arguments(m, syms, crds, bx, stop, plain)


@register
class TwoArguments(SubproofMethod):
    """One monotone function at two arguments: ``G(A) - G(B)`` has the sign of ``A - B`` where ``G`` increases."""

    methods = ("one function at two arguments",)
    record = Arguments
    find = staticmethod(two_arguments)
    check_record = staticmethod(recheck)

    def applies(self, goal: PieceGoal) -> bool:
        tried = [e for e, _ in forms(goal)]
        return not any(c.index for c in goal.coords) and (sides(tried[0]) is not None or any(map(ratios, tried)))

    def step(self, goal: PieceGoal) -> Outcome | None:
        """The normal form first, then the margin as written where they differ, for its two ratios crossed only:
        the normal form puts them over one denominator, where no ratio is left to cross
        (:mod:`~paper_checks.prover.subproofs.cross_ratio`)."""
        for expr, written in forms(goal):  # the margin as written for its two ratios only
            rec = two_arguments(expr, list(goal.t.symbols), goal.base, goal.budget, goal.coords, plain=not written)
            if rec is not None:
                goal.memo["subproof"] = rec = replace(rec, written=written)
                return Outcome(Closure(True, 0.0, self.methods[0], exact=rec.why()))
        return None

    def recheck(self, check: Check) -> list[str]:
        rec = check.subproof
        if not isinstance(rec, Arguments):
            return [f"{check.where}: no {self.methods[0]} recorded for the piece"]
        expr = recorded_form(check, rec.written)
        if expr is None:
            return [f"{check.where}: the margin as written is recorded, but there is none"]
        return [f"{check.where}: {p}" for p in recheck(rec, expr, list(check.t.symbols), check.base, check.coords)]

