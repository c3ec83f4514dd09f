"""A margin that is a product of absolute values and even powers (``|det Q|``, ``x^2 |y|``) with a nonnegative
constant is ``>= 0`` wherever it is real, which the margin's guards check (:mod:`paper_checks.prover.tracing.defined`):
closed before anything else, from its structure alone. The normal form keeps a margin with an ``Abs`` as written,
and z3 spent its whole slice on ``|det Q| >= 0`` for a 3 x 3 joint table (Xu et al. 2019's DMI, 243 pieces).
Re-checked by reading the structure again."""
from __future__ import annotations

import sympy

from paper_checks.prover.closures.base import Check, Outcome, PieceGoal, PieceMethod, register
from paper_checks.prover.enclosures.bound import Closure
from paper_checks.prover.enclosures.boxes import Box
from paper_checks.prover.tracing.normal import defined_on


def nonnegative_product(e: sympy.Expr, symbols: list[sympy.Symbol] | None = None, box: Box | None = None) -> bool:
    """Whether ``e`` is ``c * prod |x_i|^k_i * prod y_j^(2 m_j)``: a rational ``c >= 0``, positive integer powers of
    absolute values, positive even integer powers; with ``box``, each base also has an interval enclosure on it that
    is not the whole line (``tan(x)^2`` across a pole has no value there, and no guard of the margin says so: the
    normal form's own test, :func:`paper_checks.prover.tracing.normal.factor_sign`)."""
    if not e.free_symbols:
        return False
    for a in sympy.Mul.make_args(e):
        if a.is_Rational:
            if a < 0:
                return False
            continue
        base, k = a.as_base_exp()
        if not (k.is_Integer and k > 0):
            return False
        if not (isinstance(base, sympy.Abs) or k % 2 == 0):
            return False
        if box is not None and not defined_on(base, symbols or [], box):
            return False
    return True


@register
class AbsoluteValue(PieceMethod):
    """A product of absolute values and even powers, first of all."""

    timed = False  # a structural test of the margin's factors and one interval enclosure of each
    methods = ("absolute value",)

    def applies(self, goal: PieceGoal) -> bool:
        return goal.t.expr.has(sympy.Abs) or goal.t.expr.is_Pow

    def step(self, goal: PieceGoal) -> Outcome | None:
        if nonnegative_product(goal.t.expr, goal.t.symbols, goal.base):
            return Outcome(Closure(True, 0.0, "absolute value", exact="a product of absolute values and even powers"))
        return None

    def recheck(self, check: Check) -> list[str]:
        ok = nonnegative_product(check.t.expr, check.t.symbols, check.base or check.box)
        return [] if ok else [f"{check.where}: the margin is not a product of absolute values and even powers again"]
