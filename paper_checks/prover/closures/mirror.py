"""Symmetric about the centre of one coordinate's interval and convex in it (:mod:`paper_checks.prover.mirror`): the
margin is least at the centre, so the face there and the convexity are sub-proofs, each with its own certificate (the
binary GCE sum against its least value, symmetric in ``p`` and ``1 - p``). Re-checked by proving the symmetry again,
deriving the second derivative and the face again and re-checking every certificate
(:func:`paper_checks.prover.mirror.recheck`)."""
from __future__ import annotations

from paper_checks.prover.closures.base import PieceGoal, SubproofMethod, register
from paper_checks.prover.mirror import Mirror, mirror, recheck


@register
class MirrorConvex(SubproofMethod):
    """Symmetric about a coordinate's centre and convex in it, least there."""

    methods = ("convex about a centre",)
    record = Mirror
    find = staticmethod(mirror)
    check_record = staticmethod(recheck)

    def applies(self, goal: PieceGoal) -> bool:  # a simplex's coordinate is read as a real where it is its row's only
        return len(goal.coords) >= 2
