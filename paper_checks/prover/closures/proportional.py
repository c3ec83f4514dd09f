"""Proportional factors (:mod:`paper_checks.prover.proportional`): a margin ``R F G`` with ``G = h F`` identically is
``R h F^2``, closed by the sign of ``R h`` (``a |F| + b |G|`` is ``|F| (a + b |h|)``, closed by ``a + b |h|``), a
sub-proof with its own certificate (or a constant decided exactly).
Re-checked by deriving the proportion again and re-checking the certificate
(:func:`paper_checks.prover.proportional.recheck`)."""
from __future__ import annotations

from paper_checks.prover.closures.base import PieceGoal, SubproofMethod, register
from paper_checks.prover.proportional import Proportional, absolute_terms, proportional, recheck


@register
class ProportionalFactors(SubproofMethod):
    """Two factors of the margin proportional to each other: the margin has the sign of the rest times the ratio."""

    methods = ("proportional factors",)
    record = Proportional
    find = staticmethod(proportional)
    check_record = staticmethod(recheck)
    found_by = "found where the ratio of two proportional factors is negative, verified exactly and shrunk"

    def applies(self, goal: PieceGoal) -> bool:  # a product of two factors that read coordinates, or a |F| + b |G|
        e = goal.t.expr
        return (e.is_Mul and sum(bool(a.free_symbols) for a in e.args) >= 2) or absolute_terms(e) is not None
