"""A coordinate read through roots of one affine base that is 0 at an end of the piece, proved in the root
(:mod:`paper_checks.prover.roots`): ``sqrt(x) sin(sqrt(x)) - x + x^2/6`` on ``[0, 4]`` becomes ``V sin V - V^2 + V^4/6``
on ``[0, 2]``, one sub-proof. Re-checked by deriving the substitution again and re-checking the sub-problem's
certificate (:func:`paper_checks.prover.roots.recheck`)."""
from __future__ import annotations

from paper_checks.prover.closures.base import PieceGoal, SubproofMethod, register
from paper_checks.prover.roots import InRoot, in_root, recheck, worth


@register
class InTheRoot(SubproofMethod):
    """A coordinate written in the root of the one base it is read through."""

    methods = ("in the root",)
    record = InRoot
    find = staticmethod(in_root)
    check_record = staticmethod(recheck)

    def applies(self, goal: PieceGoal) -> bool:
        return worth(goal.t.expr)
