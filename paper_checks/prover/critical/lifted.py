"""The lifted interval: on a simplex, the margin written in the rows' full coordinates ``F(x, e)`` and bounded
on the box's points in the simplex and the piece's region only
(:meth:`paper_checks.prover.critical.tight.Tight.lifted`), so a box that leaves the simplex closes without being split
down to its faces. Re-checked by deriving the lifted forms again and bounding the box again at
:data:`~paper_checks.prover.closures.base.RECHECK_PREC` bits."""
from __future__ import annotations

from paper_checks.prover.closures.base import RECHECK_PREC, BoxGoal, BoxMethod, Check, register
from paper_checks.prover.critical.second import lifted_forms, lifted_lower
from paper_checks.prover.enclosures.bound import Closure
from paper_checks.prover.tracing.trace import compile_expr, precision


@register
class Lifted(BoxMethod):
    """The margin lifted to the simplex rows' full coordinates."""

    methods = ("lifted interval",)

    def step(self, goal: BoxGoal) -> Closure | None:
        return goal.tight.lifted(goal.t, goal.coords, goal.key, goal.box)

    def recheck_box(self, check: Check) -> list[str]:
        t, rows = check.t, check.rows
        forms, es = lifted_forms(t, rows)
        with precision(RECHECK_PREC):
            low = lifted_lower([compile_expr(f, [*t.symbols, *es]) for f in forms], rows, check.box) if forms else -1
        ok = low >= 0 and low >= check.closure.lower - 1e-12
        return [] if ok else [f"{check.where}: the lifted margin is not bounded below by 0 on the box again ({low})"]
