"""A factor ``>= 0`` set apart (:mod:`paper_checks.prover.positive_factor`): a margin ``F * G`` with ``F >= 0`` and
finite on the piece and ``G`` reading fewer coordinates is closed by ``G >= 0``, a sub-proof with its own
certificate. Re-checked by deriving the product again, bounding each factor again and re-checking the certificate
(:func:`paper_checks.prover.positive_factor.recheck`)."""
from __future__ import annotations

from paper_checks.prover.closures.base import PieceGoal, SubproofMethod, register
from paper_checks.prover.positive_factor import PositiveFactor, positive_factor, recheck


@register
class FactorApart(SubproofMethod):
    """A factor of the margin that is ``>= 0`` set apart: the rest, on fewer coordinates, proved ``>= 0``."""

    methods = ("positive factor",)
    record = PositiveFactor
    find = staticmethod(positive_factor)
    check_record = staticmethod(recheck)
    found_by = "found where the rest besides a factor >= 0 is negative, verified exactly and shrunk"

    def applies(self, goal: PieceGoal) -> bool:  # a product, once the exponents are apart, of real coordinates
        return len(goal.t.symbols) >= 2 and not any(c.index for c in goal.coords)
