"""Kinks decided by sub-proofs: a ``Max``/``Min`` of two arguments whose difference has one sign on the whole piece
is its active side there; proved as a problem of its own (on the few coordinates the difference reads), the node
is replaced by that side, and the margin so reduced is one more problem of the same prover.

Le & Odobez (2019)'s margin loss is a hinge, ``[alpha + D - beta]_+`` for a positive pair and
``[alpha - D + beta]_+`` for a negative one, ``D`` the distance of two points of the unit circle. Under the claim's
``alpha >= max(beta, 2 - beta)`` neither hinge ever clips, since ``0 <= D <= 2``; so the risks are affine in the
distances and the noisy risk an affine function of the clean one (:mod:`paper_checks.prover.symmetry.proportional` then
closes the order margin). The boxes cannot see it: ``D`` is a square root of a sum of squares of rational functions
of the points' parameters, whose interval enclosure on a box of 15 coordinates is far wider than ``[0, 2]``. One
hinge's argument, on its four coordinates (two points, ``alpha``'s chart and ``beta``:
:mod:`paper_checks.prover.tracing.polygon`), is a small algebraic problem that z3 decides in milliseconds.

For each two-argument kink (innermost first; one whose difference takes both signs at a few sample points of the
box is left alone), ``d = a - b >= 0`` (``Max(a, b) = a``) or ``-d >= 0`` (``= b``) is proved on the box of the
coordinates ``d`` reads; with only real coordinates, they are renamed ``k0, k1, ...`` in the piece's order (their
intervals and signs kept), so that the same problem for another pair of points is proved once. The reduced margin,
each decided node replaced by its side, is then proved on the whole piece; it equals the margin on the piece, so
its proof is the margin's. :func:`recheck` derives every side and the reduced margin again, compares each
sub-problem's domain and margin and re-checks every certificate; it never trusts the run.

The closure here (:class:`KinkSigns`, registered for :mod:`paper_checks.prover.schedule`): kinks decided by sub-proofs
(:mod:`paper_checks.prover.kinks.kink_signs`): a two-argument ``Max``/``Min`` whose difference has one sign on the whole
piece is replaced by its active side, that sign a sub-proof on the coordinates it reads, and the margin so reduced is
proved as one more sub-problem. Re-checked by deriving every side and the reduced margin again and re-checking every
certificate (:func:`paper_checks.prover.kinks.kink_signs.recheck`).
"""
from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction
from typing import Any

import sympy

from paper_checks.prover import schedule
from paper_checks.prover.budget import Budget
from paper_checks.prover.closures.base import PieceGoal, SubproofMethod, register
from paper_checks.prover.enclosures.bound import intervals
from paper_checks.prover.enclosures.boxes import Box
from paper_checks.prover.subproofs.subproblem import nested, proved_once, recheck_problem
from paper_checks.prover.symmetry.proportional import sub_coordinates
from paper_checks.prover.tracing.normal import is_zero
from paper_checks.prover.tracing.symbols import Coordinate
from paper_checks.prover.tracing.trace import compile_expr
from paper_checks.search.params import SearchSpace

#: how many of these steps may nest (a reduced margin with kinks of its own)
MAX_DEPTH = 2
#: the most kinks of one margin this step looks at
MOST_KINKS = 400
#: points of the box (beside its centre and two corners) where a kink's difference is looked at
SAMPLES = 16
_GOLDEN = (5**0.5 - 1) / 2



@dataclass
class Side:
    """``node`` (a two-argument ``Max``/``Min``) is its argument ``side`` on the piece: ``sign >= 0`` proved by
    ``proof`` on ``space`` (``sign`` is ``±(args[0] - args[1])`` with the coordinates renamed as ``renamed`` says)."""

    node: sympy.Expr
    side: int
    sign: sympy.Expr
    space: SearchSpace
    proof: Any  # ProofResult (proved)


@dataclass
class KinksDecided:
    """A piece closed by deciding ``sides`` and proving the margin so reduced, ``reduced``, on ``space``."""

    sides: list[Side]
    reduced: sympy.Expr
    space: SearchSpace
    proof: Any  # ProofResult (proved)

    def why(self) -> str:
        return (f"{len(self.sides)} kink(s) of one sign on the piece, each proved by a sub-problem, replaced by its "
                "active side; the margin so reduced proved by a sub-problem")


def two_sided(expr: sympy.Expr) -> list[sympy.Expr]:
    """The two-argument ``Max``/``Min`` nodes of ``expr`` that read a coordinate."""
    return list(dict.fromkeys(n for n in sympy.preorder_traversal(expr) if _two_sided(n)))


def _two_sided(n: sympy.Expr) -> bool:
    return isinstance(n, (sympy.Max, sympy.Min)) and len(n.args) == 2 and bool(n.free_symbols)


def innermost(node: sympy.Expr) -> bool:
    """Whether no ``Max``/``Min`` lies inside ``node``'s arguments."""
    return not any(isinstance(m, (sympy.Max, sympy.Min)) for a in node.args for m in sympy.preorder_traversal(a))


def sign_of(node: sympy.Expr, side: int) -> sympy.Expr:
    """What is ``>= 0`` exactly where argument ``side`` of ``node`` is active."""
    d = node.args[0] - node.args[1]
    if isinstance(node, sympy.Min):
        d = -d
    return d if side == 0 else -d


def renamed(sign: sympy.Expr, symbols: list[sympy.Symbol], coords: list[Coordinate], box: Box
            ) -> tuple[sympy.Expr, list[sympy.Symbol], list[Coordinate], Box]:
    """The problem of ``sign >= 0``: its coordinates
    (:func:`paper_checks.prover.symmetry.proportional.sub_coordinates`), renamed ``k0, k1, ...`` in order when all are
    real (each keeping its sign assumptions)."""
    sy, sc, sb = sub_coordinates(sign, symbols, coords, box)
    if any(c.index for c in sc):
        return sign, sy, sc, sb
    new = [sympy.Symbol(f"k{i}", **s.assumptions0) for i, s in enumerate(sy)]
    return (sign.xreplace(dict(zip(sy, new))), new, [Coordinate(s, str(s), ()) for s in new], sb)


def _looks_one_sign(d: sympy.Expr, symbols: list[sympy.Symbol], box: Box) -> tuple[int, bool] | None:
    """``(side, enclosed)``: the side whose sign ``d`` (``>= 0`` for side 0) takes at a few points of ``box``
    (:func:`_sample_points`, each bounded in intervals), and whether the interval enclosure of ``d`` on ``box``
    already has that sign; None where ``d`` takes both signs (it only chooses what is tried)."""
    sy = [s for s in symbols if s in d.free_symbols]
    sb = [b for s, b in zip(symbols, box) if s in d.free_symbols]
    try:
        f = compile_expr(d, sy)
        enclosed = f(intervals(sb))
    except Exception:  # noqa: BLE001  (an enclosure that fails decides nothing)
        return None
    if enclosed.a >= 0:
        return 0, True
    if enclosed.b <= 0:
        return 1, True
    signs = set()
    for pt in _sample_points(sb):
        try:
            v = f(intervals([(x, x) for x in pt]))
        except Exception:  # noqa: BLE001  (a point where it cannot be evaluated says nothing)
            continue
        signs.update({1} if v.a > 0 else {-1} if v.b < 0 else set())
        if len(signs) == 2:
            return None
    return (0, False) if signs == {1} else (1, False) if signs == {-1} else None


def _sample_points(box: Box) -> list[list[Fraction]]:
    """The centre, the two extreme corners and :data:`SAMPLES` points of a Kronecker sequence in ``box``."""
    out = [[(lo + hi) / 2 for lo, hi in box], [lo for lo, _ in box], [hi for _, hi in box]]
    for i in range(1, SAMPLES + 1):
        out.append([lo + (hi - lo) * Fraction(round(((i * _GOLDEN * (j + 1)) % 1) * 1024), 1024)
                    for j, (lo, hi) in enumerate(box)])
    return out


def kink_signs(expr: sympy.Expr, symbols: list[sympy.Symbol], box: Box, budget: Budget,
               coords: list[Coordinate]) -> KinksDecided | None:
    """Close ``expr >= 0`` on the piece (``box``) by deciding its kinks (the module docstring), or None."""
    with nested("KinkSigns", budget, MAX_DEPTH) as stop:
        if stop is None:
            return None
        per_sign = schedule.share("KinkSigns sign") * stop.left()
        sides: list[Side] = []
        tried: set[sympy.Expr] = set()
        reduced = expr
        needed = False  # a kink the intervals do not decide on the piece (else the boxes' kink step does it alone)
        while len(tried) < MOST_KINKS and not stop.over():
            inner = [n for n in two_sided(reduced) if n not in tried and innermost(n)]
            looks = {n: _looks_one_sign(sign_of(n, 0), symbols, box) for n in inner[:MOST_KINKS - len(tried)]}
            tried.update(looks)
            looks = {n: v for n, v in looks.items() if v is not None}
            needed = needed or any(not enclosed for _, enclosed in looks.values())  # type: ignore[misc]
            if not needed:
                break
            decided = {}
            for node, (side, _) in looks.items():  # type: ignore[misc]
                if stop.left() < 0:
                    break
                sign, sy, sc, sb = renamed(sign_of(node, side), symbols, coords, box)
                got = proved_once(sign, sy, sb, sc, f"the sign of {sign}", min(per_sign, stop.left()))
                if got is not None:
                    sides.append(Side(node, side, sign, *got))
                    decided[node] = node.args[side]
            if not decided:
                break
            reduced = reduced.xreplace(decided)
        if not needed or not sides or stop.left() < 0:
            return None
        got = proved_once(reduced, symbols, box, coords, "the margin with its kinks decided", stop.left())
        return KinksDecided(sides, reduced, *got) if got is not None else None


def recheck(rec: KinksDecided, expr: sympy.Expr, symbols: list[sympy.Symbol], box: Box,
            coords: list[Coordinate]) -> list[str]:
    """Why ``rec`` does not close ``expr >= 0`` on ``box`` (empty: it does); see the module docstring."""
    out: list[str] = []
    reduced = expr
    for s in rec.sides:
        if not (_two_sided(s.node) and reduced.has(s.node)) or s.side not in (0, 1):
            return [f"{s.node} is not a two-sided kink of the margin"]
        sign, sy, sc, sb = renamed(sign_of(s.node, s.side), symbols, coords, box)
        out += recheck_problem(s.space, s.proof, sign, sy, sc, sb, f"the side of {s.node}")
        reduced = reduced.xreplace({s.node: s.node.args[s.side]})
    if reduced != rec.reduced and not is_zero(reduced - rec.reduced):
        return [*out, "the reduced margin is not the margin with the recorded sides"]
    return out + recheck_problem(rec.space, rec.proof, reduced, symbols, coords, box, "the reduced margin")


@register
class KinkSigns(SubproofMethod):
    """Kinks of one sign on the piece, each decided by a sub-proof, and the reduced margin proved."""

    methods = ("kinks decided",)
    record = KinksDecided
    find = staticmethod(kink_signs)
    check_record = staticmethod(recheck)

    def applies(self, goal: PieceGoal) -> bool:  # a Max or Min of two arguments
        return any(isinstance(n, (sympy.Max, sympy.Min)) and len(n.args) == 2
                   for n in goal.t.expr.atoms(sympy.Max, sympy.Min))
