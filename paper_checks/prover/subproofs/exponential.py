"""A coordinate read only through exponentials of it, proved in the exponential: an algebraic problem.

``e^x / cosh x >= 1`` on ``[0, oo)`` and ``sinh(2x) (1 - tanh^2 x) <= 2`` are rational functions of ``E = e^x`` once
the hyperbolic functions are written through ``exp`` (``2 E^2/(E^2 + 1) - 1`` and ``2 - 2 (E^2 - 1)/(E^2 + 1)``,
once simplified): on ``E`` in ``[1, oo)`` z3 or the real roots decide them at once, where the boxes in ``x`` meet
``oo/oo`` and the dependency of every term near ``x = oo``.

Where every node of the margin that reads the real coordinate ``x`` (or, on a half-line or the line, the value
``W`` of its chart, :mod:`paper_checks.prover.tracing.unbounded`) is an ``exp`` of ``k x + c``, ``k`` rational, after
``sinh``, ``cosh``, ``tanh``, ``coth``, ``sech`` and ``csch`` are written through ``exp``, the step writes
``E = exp(x/D)`` (``D`` the least common denominator of the ``k``): each ``exp(k x + c)`` is ``exp(c) E^(k D)``
exactly, and the margin in ``E`` must be algebraic in ``E`` (sums, products, rational powers). For every ``x`` of the
piece ``E`` lies in ``[exp(low/D), exp(high/D)]``, an irrational end rounded outward to a rational (``-oo`` gives
the open end 0, ``oo`` the end ``oo``, which the sub-problem's own chart takes): a proof of the sub-problem there is
a proof of the piece. A counterexample ``E*`` gives back the rational nearest ``x* = D log E*`` (its chart's
coordinate where it has one), verified on the margin by the caller. :func:`recheck` derives the substitution again
and re-checks the sub-problem's certificate; it never trusts the run.

The closure here (:class:`InTheExponential`, registered for :mod:`paper_checks.prover.schedule`): a coordinate read only
through exponentials of it, proved in ``E = exp(x)`` (:mod:`paper_checks.prover.subproofs.exponential`): ``e^x/cosh x >=
1`` on ``[0, oo)`` becomes ``2E^2/(E^2 + 1) >= 1`` on ``[1, oo)``, one algebraic sub-proof. Re-checked by deriving the
substitution again and re-checking the sub-problem's certificate
(:func:`paper_checks.prover.subproofs.exponential.recheck`).
"""
from __future__ import annotations

import math
from dataclasses import dataclass
from fractions import Fraction
from typing import Any

import mpmath
import sympy

from paper_checks.prover.budget import Budget
from paper_checks.prover.closures.base import PieceGoal, SubproofMethod, register
from paper_checks.prover.enclosures.boxes import Box
from paper_checks.prover.subproofs.roots import outward
from paper_checks.prover.subproofs.subproblem import nested, proved_in, recheck_problem, replaced
from paper_checks.prover.tracing.symbols import Coordinate
from paper_checks.prover.tracing.unbounded import HalfChart, LineChart, coordinate, explicit, in_value, inverse
from paper_checks.search.params import SearchSpace

#: how many of these steps may nest
MAX_DEPTH = 2
#: the hyperbolic functions, written through ``exp`` first
HYPERBOLIC = (sympy.sinh, sympy.cosh, sympy.tanh, sympy.coth, sympy.sech, sympy.csch)



@dataclass
class InExponential:
    """A piece closed in ``E = exp(W/denominator)`` of coordinate ``coordinate`` (``W`` its chart's value where it
    has one, else the coordinate): ``margin`` (in ``E``) proved on ``space`` by ``proof``."""

    coordinate: str
    denominator: int
    margin: sympy.Expr
    space: SearchSpace
    proof: Any

    def why(self) -> str:
        w = "x" if self.denominator == 1 else f"x/{self.denominator}"
        return (f"in E = exp({w}) of {self.coordinate} (hyperbolic functions through exp): {self.margin} >= 0 "
                f"({self.proof.boxes} boxes)")


@dataclass(frozen=True)
class Substitution:
    """Coordinate ``i`` written through ``E = exp(W/denominator)``: the margin in ``E`` (symbol ``e``), the piece's
    box with ``E``'s interval in place of the coordinate's, the chart ``node`` (None: ``W`` is the coordinate)."""

    i: int
    denominator: int
    e: sympy.Symbol
    margin: sympy.Expr
    box: tuple[tuple[Any, Any], ...]
    node: sympy.Expr | None


#: each hyperbolic function of ``u`` through ``exp`` (written out: ``rewrite(exp)`` would also write a power in ``u``,
#: ``x^2``, as ``exp(2 log x)``)
_THROUGH_EXP = {sympy.sinh: lambda u: (sympy.exp(u) - sympy.exp(-u)) / 2,
                sympy.cosh: lambda u: (sympy.exp(u) + sympy.exp(-u)) / 2,
                sympy.tanh: lambda u: (sympy.exp(u) - sympy.exp(-u)) / (sympy.exp(u) + sympy.exp(-u)),
                sympy.coth: lambda u: (sympy.exp(u) + sympy.exp(-u)) / (sympy.exp(u) - sympy.exp(-u)),
                sympy.sech: lambda u: 2 / (sympy.exp(u) + sympy.exp(-u)),
                sympy.csch: lambda u: 2 / (sympy.exp(u) - sympy.exp(-u))}


def through_exp(expr: sympy.Expr) -> sympy.Expr:
    """``expr`` with each hyperbolic function written through ``exp``."""
    return expr.replace(lambda n: isinstance(n, HYPERBOLIC), lambda n: _THROUGH_EXP[type(n)](n.args[0]))


def _value_range(node: sympy.Expr | None, s: sympy.Symbol, lo: Fraction, hi: Fraction) -> tuple[Any, Any]:
    """The range of ``W`` on ``[lo, hi]``: the coordinate's own interval, or its chart's values there (``+-oo`` at
    a pole)."""
    if node is None:
        return sympy.Rational(lo.numerator, lo.denominator), sympy.Rational(hi.numerator, hi.denominator)
    ends = []
    for end in (lo, hi):
        v = explicit(node).xreplace({s: sympy.Rational(end.numerator, end.denominator)})
        if not v.is_finite:  # the pole: W grows to +oo toward 1 (HalfChart), or -oo toward -1 (LineChart at -1)
            v = -sympy.oo if isinstance(node, LineChart) and end == -1 else sympy.oo
        ends.append(v)
    return min(ends), max(ends)


def _algebraic_in(e: sympy.Expr, v: sympy.Symbol) -> bool:
    """Whether every node of ``e`` that reads ``v`` is a sum, a product or a rational power."""
    for n in sympy.preorder_traversal(e):
        if v not in n.free_symbols or n.is_Symbol:
            continue
        if n.is_Pow:
            if not n.exp.is_Rational:
                return False
        elif not (n.is_Add or n.is_Mul):
            return False
    return True


def substitution(expr: sympy.Expr, symbols: list[sympy.Symbol], box: Box, coords: list[Coordinate]
                 ) -> Substitution | None:
    """The first real coordinate of the piece that the margin reads only through exponentials of an affine function
    of it (hyperbolic functions written through ``exp``), written in ``E`` (the module docstring); None if none."""
    for i, (s, c, (lo, hi)) in enumerate(zip(symbols, coords, box)):
        if c.index or lo == hi or s not in expr.free_symbols:
            continue
        nodes = [n for n in expr.atoms(HalfChart, LineChart) if s in n.free_symbols]
        w = sympy.Dummy("W", real=True)
        if len(nodes) > 1 or (nodes and coordinate(nodes[0]) is None):
            continue
        node = nodes[0] if nodes else None
        m = in_value(expr, node, w) if node is not None else expr.xreplace({s: w})
        if m is None:
            continue
        m = through_exp(m)
        exps = [n for n in m.atoms(sympy.exp) if w in n.free_symbols]
        if not exps:
            continue
        parts = {}
        for n in exps:
            arg = sympy.expand(n.args[0])
            k = arg.coeff(w)
            if not (k.is_Rational and k != 0) or w in (arg - k * w).free_symbols:
                break
            parts[n] = (k, arg - k * w)
        else:
            d = math.lcm(*[int(k.q) for k, _ in parts.values()])
            e = sympy.Symbol(f"{s}_exp", positive=True)
            rooted = m.xreplace({n: sympy.exp(c0) * e ** (k * d) for n, (k, c0) in parts.items()})
            if w in rooted.free_symbols or rooted.has(sympy.nan, sympy.zoo) or not _algebraic_in(rooted, e):
                continue
            w_lo, w_hi = _value_range(node, s, lo, hi)
            e_lo = Fraction(0) if w_lo == -sympy.oo else outward(sympy.exp(w_lo / d), False)
            e_hi = math.inf if w_hi == sympy.oo else outward(sympy.exp(w_hi / d), True)
            ebox = list(box)
            ebox[i] = (e_lo, e_hi)  # type: ignore[assignment]
            return Substitution(i, d, e, rooted, tuple(ebox), node)
    return None


def _back(sub: Substitution, e: Fraction, box: Box) -> Fraction | None:
    """A rational coordinate of the piece near the one where ``E = e`` (``x = D log e``, through the chart where
    there is one): a candidate, verified exactly by the caller."""
    if e <= 0:
        return None
    with mpmath.workdps(40):
        w = sympy.Float(str(sub.denominator * mpmath.log(mpmath.mpf(e.numerator) / e.denominator)), 40)
    x = w if sub.node is None else sympy.N(inverse(sub.node, w), 40)
    try:
        near = Fraction(str(x)).limit_denominator(10**15)
    except (TypeError, ValueError):
        return None
    lo, hi = box[sub.i]
    return min(max(near, lo), hi)


def in_exponential(expr: sympy.Expr, symbols: list[sympy.Symbol], box: Box, budget: Budget, coords: list[Coordinate]
                   ) -> InExponential | list[Fraction] | None:
    """Close ``expr >= 0`` on the piece (``box``) in the exponential of one coordinate (the module docstring); or a
    point of the piece near where the sub-problem found the margin negative (for the caller to verify); or None."""
    with nested("InTheExponential", budget, MAX_DEPTH) as stop:
        if stop is None:
            return None
        sub = substitution(expr, symbols, box, coords)
        if sub is None:
            return None
        got = proved_in(sub.margin, symbols, coords, list(sub.box), sub.i, sub.e,
                        f"{expr} in the exponential of {symbols[sub.i]}", stop.left(),
                        lambda e: _back(sub, e, box))
        if not isinstance(got, tuple):
            return got
        return InExponential(str(symbols[sub.i]), sub.denominator, sub.margin, *got)


def recheck(rec: InExponential, expr: sympy.Expr, symbols: list[sympy.Symbol], box: Box, coords: list[Coordinate]
            ) -> list[str]:
    """Why ``rec`` does not close ``expr >= 0`` on ``box`` (empty: it does): the substitution derived again must be
    the recorded one, and the sub-problem's certificate must re-check on ``E``'s interval."""
    sub = substitution(expr, symbols, box, coords)
    if sub is None or str(symbols[sub.i]) != rec.coordinate:
        return ["the margin does not read the coordinate only through exponentials of it again"]
    if sub.denominator != rec.denominator or sub.margin != rec.margin:
        return ["the exponential's sub-problem derived again is not the recorded one"]
    syms, crds = replaced(symbols, coords, sub.i, sub.e)
    return recheck_problem(rec.space, rec.proof, sub.margin, syms, crds, list(sub.box), "the exponential's sub-problem")


def worth(expr: sympy.Expr) -> bool:
    """Whether the margin holds an exponential or a hyperbolic function of a coordinate (cheap)."""
    return any(n.free_symbols for n in expr.atoms(sympy.exp, *HYPERBOLIC))


@register
class InTheExponential(SubproofMethod):
    """A coordinate written in the exponential it is read through."""

    methods = ("in the exponential",)
    record = InExponential
    find = staticmethod(in_exponential)
    check_record = staticmethod(recheck)

    def applies(self, goal: PieceGoal) -> bool:
        return worth(goal.t.expr)
