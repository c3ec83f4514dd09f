"""A class sum over a simplex (:mod:`paper_checks.prover.simplex_sum`): ``rest + sum_j phi(u_j)`` closed by a
linear minorant of ``phi`` (its tangent at the centre, or its chord), proved on one coordinate ``s`` in ``[0, 1]``,
and the sum's value under it, each a sub-proof with its own certificate. Re-checked by deriving the decomposition,
its identity and both margins again, and re-checking both certificates
(:func:`paper_checks.prover.simplex_sum.recheck`)."""
from __future__ import annotations

from paper_checks.prover.closures.base import PieceGoal, SubproofMethod, register
from paper_checks.prover.simplex_sum import MIN_CLASSES, SimplexSum, recheck, simplex_sum


@register
class ClassSum(SubproofMethod):
    """A sum of one term per class of a simplex point, through a minorant of its term."""

    methods = ("class sum",)
    record = SimplexSum
    find = staticmethod(simplex_sum)
    check_record = staticmethod(recheck)

    def applies(self, goal: PieceGoal) -> bool:  # a simplex (not a matrix row) of at least MIN_CLASSES - 1 coordinates
        return any(len(r) >= MIN_CLASSES - 1 for r in goal.rows) and all(len(c.index) < 2 for c in goal.coords)
