"""Monotone in one coordinate over a whole piece on a half-line or the line, read in its charts' values
(:mod:`paper_checks.prover.sweep`): tried early, with a share of the time, where the later sweep of what the boxes
leave open comes too late (the piece steps before the boxes may take the whole time limit). Barron's robust loss
``rho(v, alpha) <= v^2/2`` on the line with ``alpha`` in ``(0, 2)``: even in ``v``, its slope in ``v`` on ``v >= 0``
is ``>= 0`` in one interval evaluation, and the face ``v = 0`` is 0. Re-checked by deriving both margins again and
re-checking both certificates (:func:`paper_checks.prover.sweep.recheck`)."""
from __future__ import annotations

import sympy

from paper_checks import work
from paper_checks.prover import schedule
from paper_checks.prover.boxes import Box
from paper_checks.prover.budget import Budget
from paper_checks.prover.closures.base import PieceGoal, SubproofMethod, register
from paper_checks.prover.sweep import Sweep, inside, recheck, sweep
from paper_checks.prover.symbols import Coordinate
from paper_checks.prover.unbounded import HalfChart, LineChart


def early_sweep(expr: sympy.Expr, symbols: list[sympy.Symbol], box: Box, until: float, coords: list[Coordinate]
                ) -> Sweep | None:
    """The sweep in the charts' values only, with its share (:data:`~paper_checks.prover.schedule.SHARES`) of the
    work left before ``until`` (it hands back no point: a point of a face in the charts' values is no point of the
    piece). Not inside another sweep's sub-proof: there the early sweep took a fifth of a fifth of the time from the
    closures that prove a derivative's sign (the temperature-scaled logistic loss's slope in its temperature ratio is
    one combination of its coordinates, but the early sweep of that slope left the combination 0.05 s of its 0.9 s);
    the later sweep still tries it."""
    if inside():
        return None
    stop = Budget(work.now(), until).share(schedule.share("ValueSweep"))
    got = sweep(expr, symbols, box, stop.stop, coords, values_only=True)
    return got if isinstance(got, Sweep) else None


@register
class ValueSweep(SubproofMethod):
    """Monotonicity in one coordinate over the whole piece, in the charts' values, then the face."""

    methods = ("monotone sweep in values",)
    record = Sweep
    find = staticmethod(early_sweep)
    check_record = staticmethod(recheck)

    def applies(self, goal: PieceGoal) -> bool:  # a chart to read in its value, no simplex
        return goal.t.expr.has(HalfChart, LineChart) and not any(c.index for c in goal.coords)
