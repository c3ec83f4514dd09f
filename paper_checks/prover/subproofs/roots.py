"""A coordinate read through roots of one affine base that is 0 at an end of the piece, proved in the root.

``sqrt(x) sin(sqrt(x)) >= x - x^2/6`` on ``[0, 4]`` is tight at ``x = 0`` with a zero of order 4 in ``x``, but the
margin is not analytic there: its derivatives in ``x`` hold ``1/sqrt(x)``, which no interval around 0 bounds, so
neither the first-order bounds nor Taylor's theorem at the tight point close the boxes next to it. In the root
``V = sqrt(x)`` it is ``V sin V - V^2 + V^4/6``, analytic, with a zero of order 6 at ``V = 0``, which the
second-order closure takes.

Where every power of the margin with a fractional exponent whose base reads the real coordinate ``x`` has the one
base ``B = c x + d`` (:func:`paper_checks.prover.sweeps.tail.radical_base`; ``q`` the least common denominator of the
exponents), ``B >= 0`` on the piece and ``B = 0`` at one of its ends, the step writes ``V = B^(1/q)``:
``x = (V^q - d)/c`` and each ``B^(k/q)`` is ``V^k`` (exactly, for ``V >= 0``). For every ``x`` of the piece,
``V`` lies in ``[B(low)^(1/q), B(high)^(1/q)]`` (in either order), an interval whose irrational end is rounded
outward to a rational: the sub-problem ``m(V) >= 0`` on it holds every point of the piece, and a proof there is
a proof of the piece. Where the sub-problem ends in a counterexample ``V*``, ``x* = (V*^q - d)/c`` is handed
back, to be verified on the margin itself. :func:`recheck` derives the substitution again (the base, the order,
the margin in ``V`` and its interval) and re-checks the sub-problem's certificate; it never trusts the run.

The closure here (:class:`InTheRoot`, registered for :mod:`paper_checks.prover.schedule`): a coordinate read through
roots of one affine base that is 0 at an end of the piece, proved in the root
(:mod:`paper_checks.prover.subproofs.roots`): ``sqrt(x) sin(sqrt(x)) - x + x^2/6`` on ``[0, 4]`` becomes ``V sin V - V^2
+ V^4/6`` on ``[0, 2]``, one sub-proof. Re-checked by deriving the substitution again and re-checking the sub-problem's
certificate (:func:`paper_checks.prover.subproofs.roots.recheck`).
"""
from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction
from typing import Any

import sympy

from paper_checks.prover.budget import Budget
from paper_checks.prover.closures.base import PieceGoal, SubproofMethod, register
from paper_checks.prover.enclosures.boxes import Box
from paper_checks.prover.subproofs.subproblem import nested, proved_in, recheck_problem, replaced
from paper_checks.prover.sweeps.tail import radical_base
from paper_checks.prover.tracing.symbols import Coordinate
from paper_checks.prover.tracing.unbounded import HalfChart, LineChart
from paper_checks.search.params import SearchSpace

#: how many of these steps may nest (a root of a second coordinate inside the first one's sub-problem)
MAX_DEPTH = 2
#: an irrational end of the root's interval is rounded outward to a multiple of this
GRID = Fraction(1, 2**40)



@dataclass
class InRoot:
    """A piece closed in the root ``V = base^(1/order)`` of coordinate ``coordinate``: ``margin`` (in ``V``) proved
    on ``space`` by ``proof``."""

    coordinate: str
    base: sympy.Expr
    order: int
    margin: sympy.Expr
    space: SearchSpace
    proof: Any

    def why(self) -> str:
        return (f"in the root V = ({self.base})^(1/{self.order}) of {self.coordinate}: {self.margin} >= 0 "
                f"({self.proof.boxes} boxes)")


@dataclass(frozen=True)
class Substitution:
    """Coordinate ``i`` written ``x = (V^order - d)/c`` (``base = c x + d``): the margin in ``V`` (symbol ``root``) and
    the piece's box with ``V``'s interval in place of ``x``'s."""

    i: int
    base: sympy.Expr
    order: int
    root: sympy.Symbol
    margin: sympy.Expr
    box: tuple[tuple[Fraction, Fraction], ...]


def _coeffs(base: sympy.Expr, s: sympy.Symbol) -> tuple[sympy.Expr, sympy.Expr]:
    c, d = sympy.Poly(base, s).all_coeffs()
    return c, d


def outward(v: sympy.Expr, up: bool) -> Fraction:
    """``v`` itself where it is rational, else the next multiple of :data:`GRID` above (``up``) or below it."""
    if v.is_Rational:
        return Fraction(int(v.p), int(v.q))
    scaled = v * GRID.denominator
    k = int(sympy.ceiling(scaled) if up else sympy.floor(scaled))
    return Fraction(k, GRID.denominator)


def substitution(expr: sympy.Expr, symbols: list[sympy.Symbol], box: Box, coords: list[Coordinate]
                 ) -> Substitution | None:
    """The first real coordinate of the piece that the margin reads through roots of one affine base that is
    ``>= 0`` on the piece and 0 at one of its ends, written in its root (the module docstring); None if none is."""
    if expr.atoms(HalfChart, LineChart):  # a chart's coordinate: the tail's own root (tail.variable) takes it
        return None
    for i, (s, c, (lo, hi)) in enumerate(zip(symbols, coords, box)):
        if c.index or lo == hi or s not in expr.free_symbols:
            continue
        found = radical_base(expr, s)
        if found is None:
            continue
        base, q = found
        at_lo = base.xreplace({s: sympy.Rational(lo.numerator, lo.denominator)})
        at_hi = base.xreplace({s: sympy.Rational(hi.numerator, hi.denominator)})
        if not (at_lo >= 0 and at_hi >= 0 and (at_lo == 0 or at_hi == 0)):
            continue
        cc, d = _coeffs(base, s)
        v = sympy.Symbol(f"{s}_root", nonnegative=True)
        rooted = expr.replace(lambda n: n.is_Pow and n.base == base and n.exp.is_Rational and not n.exp.is_Integer,
                              lambda n: v ** (n.exp * q))
        rooted = rooted.xreplace({s: (v**q - d) / cc})
        if s in rooted.free_symbols or rooted.has(sympy.nan, sympy.zoo):
            continue
        ends = sorted([at_lo ** sympy.Rational(1, q), at_hi ** sympy.Rational(1, q)], key=lambda e: float(e))
        vbox = list(box)
        vbox[i] = (outward(ends[0], False), outward(ends[1], True))
        return Substitution(i, base, q, v, rooted, tuple(vbox))
    return None


def in_root(expr: sympy.Expr, symbols: list[sympy.Symbol], box: Box, budget: Budget, coords: list[Coordinate]
            ) -> InRoot | list[Fraction] | None:
    """Close ``expr >= 0`` on the piece (``box``) in the root of one coordinate (the module docstring); or a point of
    the piece where the sub-problem found the margin negative (exact, for the caller to verify); or None."""
    with nested("InTheRoot", budget, MAX_DEPTH) as stop:
        if stop is None:
            return None
        sub = substitution(expr, symbols, box, coords)
        if sub is None:
            return None
        lo, hi = box[sub.i]

        def back(v: Fraction) -> Fraction | None:
            x = _back(sub, symbols[sub.i], v)
            return x if x is not None and lo <= x <= hi else None
        got = proved_in(sub.margin, symbols, coords, list(sub.box), sub.i, sub.root,
                        f"{expr} in the root of {symbols[sub.i]}", stop.left(), back)
        if not isinstance(got, tuple):
            return got
        return InRoot(str(symbols[sub.i]), sub.base, sub.order, sub.margin, *got)


def _back(sub: Substitution, s: sympy.Symbol, v: Fraction) -> Fraction | None:
    """The coordinate ``x = (v^q - d)/c`` of the root ``v``."""
    c, d = _coeffs(sub.base, s)
    x = (sympy.Rational(v.numerator, v.denominator) ** sub.order - d) / c
    return Fraction(int(x.p), int(x.q)) if x.is_Rational else None


def recheck(rec: InRoot, expr: sympy.Expr, symbols: list[sympy.Symbol], box: Box, coords: list[Coordinate]
            ) -> list[str]:
    """Why ``rec`` does not close ``expr >= 0`` on ``box`` (empty: it does): the substitution derived again must be
    the recorded one, and the sub-problem's certificate must re-check on the root's interval."""
    sub = substitution(expr, symbols, box, coords)
    if sub is None or str(symbols[sub.i]) != rec.coordinate:
        return ["the margin does not read the coordinate through roots of one base 0 at an end again"]
    if sub.base != rec.base or sub.order != rec.order or sub.margin != rec.margin:
        return ["the root's sub-problem derived again is not the recorded one"]
    syms, crds = replaced(symbols, coords, sub.i, sub.root)
    return recheck_problem(rec.space, rec.proof, sub.margin, syms, crds, list(sub.box), "the root's sub-problem")


def worth(expr: sympy.Expr) -> bool:
    """Whether the margin has a power with a fractional exponent whose base reads a coordinate (cheap)."""
    return any(p.exp.is_Rational and not p.exp.is_Integer and p.base.free_symbols for p in expr.atoms(sympy.Pow))


@register
class InTheRoot(SubproofMethod):
    """A coordinate written in the root of the one base it is read through."""

    methods = ("in the root",)
    record = InRoot
    find = staticmethod(in_root)
    check_record = staticmethod(recheck)

    def applies(self, goal: PieceGoal) -> bool:
        return worth(goal.t.expr)
