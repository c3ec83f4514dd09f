"""A kink split along itself: a margin with ``Max(a, b)`` (or ``Min``) whose sides differ by an affine function
``d = a - b`` of the coordinates is decided as two problems, one for each active side, in coordinates where the
kink is a face: ``d`` replaces one real coordinate ``x_k`` (``x_k`` solved from ``d``).

Log-sum-exp is tight on its kink: ``max(x, y) + log 2 - log(e^x + e^y)`` is 0 along the whole diagonal ``x = y``,
where ``Max`` changes sides, and no box parallel to the axes avoids the diagonal; each box across it has both sides
and a lower bound a little below 0. On the side ``x >= y`` the margin is ``x + log 2 - log(e^x + e^y)``; written
in ``(y, d)`` with ``x = y + d``, ``d >= 0``, the kink is the face ``d = 0``, where the margin is 0 for every ``y``,
and a monotone sweep in ``d`` closes it.

Each case is a problem of the same prover (:func:`paper_checks.prover.prove.prove`) with its own certificate, on
the box of the other coordinates and ``d`` in the part of its range (exact: ``d`` is affine with rational
coefficients) on that side of 0. That box holds the image of every point of the piece where the side is active, so
the two proofs cover the piece; where ``x_k`` leaves its interval in it, the case's margin must hold there too (a
superset: never wrong, at worst not proved). :func:`recheck` derives both cases again, compares their domains and
margins and re-checks both certificates; it never trusts the run.

The closure here (:class:`KinkSplitting`, registered for :mod:`paper_checks.prover.schedule`): a kink split along itself
(:mod:`paper_checks.prover.kinks.kink_split`): a ``Max``/``Min`` whose sides differ by an affine function is decided
side by side, in coordinates where the kink is a face, each side a sub-proof with its own certificate. Re-checked by
deriving both sides again and re-checking both certificates (:func:`paper_checks.prover.kinks.kink_split.recheck`).
"""
from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction
from typing import Any

import sympy

from paper_checks.prover.budget import Budget
from paper_checks.prover.closures.base import PieceGoal, SubproofMethod, register
from paper_checks.prover.enclosures.boxes import Box
from paper_checks.prover.subproofs.subproblem import nested, proved_once, recheck_problem
from paper_checks.prover.tracing.symbols import Coordinate
from paper_checks.search.params import SearchSpace

#: how many of these steps may nest (a case with a kink of its own)
MAX_DEPTH = 2



@dataclass
class Case:
    """One side of the kink: the ``side``-th argument active, the margin in the new coordinates and its proof."""

    side: int
    margin: sympy.Expr
    box: Box
    space: SearchSpace
    proof: Any  # ProofResult (proved)


@dataclass
class KinkSplit:
    """A piece closed by splitting ``node`` (a two-argument ``Max``/``Min``) along ``d = args[0] - args[1]``, which
    replaces coordinate ``index``; ``cases`` the two sides, each proved."""

    node: sympy.Expr
    index: int
    cases: list[Case]

    def why(self) -> str:
        return (f"{self.node} split along its kink: each side proved in coordinates where the kink is a face "
                f"({', '.join(f'{c.proof.boxes} boxes' for c in self.cases)})")


@dataclass(frozen=True)
class Split:
    """The change of coordinates of a kink: ``d`` replaces coordinate ``index``, ``x_index = solved``; ``low``,
    ``high`` the exact range of ``d`` on the piece's box."""

    index: int
    d: sympy.Symbol
    solved: sympy.Expr
    low: Fraction
    high: Fraction


def _q(v: Any) -> sympy.Rational:
    f = Fraction(v)
    return sympy.Rational(f.numerator, f.denominator)


def affine_split(node: sympy.Expr, symbols: list[sympy.Symbol], coords: list[Coordinate], box: Box) -> Split | None:
    """The coordinates in which ``node``'s kink is the face ``d = 0``: ``d = args[0] - args[1]`` affine with
    rational coefficients and a real coordinate among those it reads, else None."""
    if len(node.args) != 2:
        return None
    diff = sympy.expand(node.args[0] - node.args[1])
    at = {s: i for i, s in enumerate(symbols)}
    if not diff.free_symbols or not diff.free_symbols <= set(at):
        return None
    coeff = {s: diff.coeff(s) for s in diff.free_symbols}
    c0 = diff.xreplace({s: sympy.Integer(0) for s in coeff})
    if not c0.is_Rational or not all(c.is_Rational for c in coeff.values()):
        return None
    if sympy.expand(diff - c0 - sympy.Add(*[c * s for s, c in coeff.items()])) != 0:
        return None
    real = [at[s] for s in coeff if not coords[at[s]].index]
    if not real:
        return None
    k = min(real)
    xk = symbols[k]
    d = sympy.Symbol(f"{xk}_kink", real=True)
    solved = (d - c0 - sympy.Add(*[c * s for s, c in coeff.items() if s != xk])) / coeff[xk]
    low = Fraction(str(c0)) + sum(min(Fraction(str(c)) * box[at[s]][0], Fraction(str(c)) * box[at[s]][1])
                                  for s, c in coeff.items())
    high = Fraction(str(c0)) + sum(max(Fraction(str(c)) * box[at[s]][0], Fraction(str(c)) * box[at[s]][1])
                                   for s, c in coeff.items())
    return Split(k, d, solved, low, high)


Problem = tuple[sympy.Expr, list[sympy.Symbol], list[Coordinate], Box]


def case_problem(expr: sympy.Expr, node: sympy.Expr, side: int, split: Split, symbols: list[sympy.Symbol],
                 coords: list[Coordinate], box: Box) -> Problem | None:
    """Side ``side`` of the kink: the margin with ``node`` replaced by its argument ``side`` and ``x_k`` by ``d``'s
    solution, its coordinates and box (``d`` on the side of 0 where that argument is the active one); None where
    that range is empty."""
    first_wins = (side == 0) == isinstance(node, sympy.Max)  # args[0] active where d >= 0 (Max) or d <= 0 (Min)
    lo, hi = (max(split.low, Fraction(0)), split.high) if first_wins else (split.low, min(split.high, Fraction(0)))
    if lo > hi:
        return None
    margin = expr.xreplace({node: node.args[side]}).xreplace({symbols[split.index]: split.solved})
    keep = [i for i in range(len(symbols)) if i != split.index]
    return (margin, [symbols[i] for i in keep] + [split.d],
            [coords[i] for i in keep] + [Coordinate(split.d, str(split.d), ())], [box[i] for i in keep] + [(lo, hi)])


def kinks_to_split(expr: sympy.Expr) -> list[sympy.Expr]:
    """The two-argument ``Max``/``Min`` nodes of the margin, outermost first."""
    return [n for n in sympy.preorder_traversal(expr) if isinstance(n, (sympy.Max, sympy.Min)) and len(n.args) == 2]


def kink_split(expr: sympy.Expr, symbols: list[sympy.Symbol], box: Box, budget: Budget,
               coords: list[Coordinate]) -> KinkSplit | None:
    """Close ``expr >= 0`` on the piece (``box``) by splitting one kink along itself (the module docstring), or
    None."""
    with nested("KinkSplitting", budget, MAX_DEPTH) as stop:
        for node in kinks_to_split(expr) if stop is not None else ():
            split = affine_split(node, symbols, coords, box)
            if split is None:
                continue
            cases = []
            for side in (0, 1):
                got = case_problem(expr, node, side, split, symbols, coords, box)
                if got is None:
                    continue
                margin, sy, sc, sb = got
                left = stop.left() / (2 - side)  # type: ignore[union-attr]
                proved = proved_once(margin, sy, sb, sc, f"{expr} where {node} is {node.args[side]}", left)
                if proved is None:
                    break
                cases.append(Case(side, margin, sb, *proved))
            else:
                return KinkSplit(node, split.index, cases)
        return None


def recheck(rec: KinkSplit, expr: sympy.Expr, symbols: list[sympy.Symbol], box: Box,
            coords: list[Coordinate]) -> list[str]:
    """Why ``rec`` does not close ``expr >= 0`` on ``box`` (empty: it does); see the module docstring."""
    if rec.node not in kinks_to_split(expr):
        return [f"{rec.node} is not a kink of the margin"]
    split = affine_split(rec.node, symbols, coords, box)
    if split is None or split.index != rec.index:
        return [f"{rec.node}'s kink is not the face of the recorded coordinates again"]
    out: list[str] = []
    wanted_sides = [s for s in (0, 1) if case_problem(expr, rec.node, s, split, symbols, coords, box) is not None]
    if sorted(c.side for c in rec.cases) != wanted_sides:
        return ["the recorded cases are not the kink's sides"]
    for c in rec.cases:
        margin, sy, sc, sb = case_problem(expr, rec.node, c.side, split, symbols, coords, box)  # type: ignore[misc]
        out += recheck_problem(c.space, c.proof, margin, sy, sc, sb, f"side {c.side}")
    return out


@register
class KinkSplitting(SubproofMethod):
    """A two-sided kink with an affine difference, split along itself."""

    methods = ("kink split",)
    record = KinkSplit
    find = staticmethod(kink_split)
    check_record = staticmethod(recheck)

    def applies(self, goal: PieceGoal) -> bool:  # a Max or Min, and a real coordinate to trade for its kink
        return goal.t.expr.has(sympy.Max, sympy.Min) and any(not c.index for c in goal.coords)
