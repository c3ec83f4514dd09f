"""A margin homogeneous in coordinates on the whole half-line ``(0, oo)`` decided on its cones' faces
(:mod:`paper_checks.prover.cones`): one sub-proof for each of them, that coordinate 1 and the others on ``[1, oo)``
(Cartwright & Field's bound on the weighted AM-GM gap, homogeneous of degree 1 in ``x, y > 0``). Re-checked by proving
the homogeneity again, deriving each face again and re-checking its certificate
(:func:`paper_checks.prover.cones.recheck`)."""
from __future__ import annotations

from paper_checks.prover.closures.base import PieceGoal, SubproofMethod, register
from paper_checks.prover.cones import Cones, cones, halflines, recheck


@register
class ConeFaces(SubproofMethod):
    """A homogeneous margin on the positive orthant proved on its cones' faces."""

    methods = ("cone faces",)
    record = Cones
    find = staticmethod(cones)
    check_record = staticmethod(recheck)
    found_by = "found on a cone's face by a sub-problem's proof, verified exactly and shrunk"

    def applies(self, goal: PieceGoal) -> bool:
        return len(halflines(goal.t.expr, list(goal.t.symbols), goal.base, goal.coords)) >= 2
