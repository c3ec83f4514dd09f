"""The supremum of a loss of ``p`` where the sign of ``l'`` alone does not give it (the ``bounded`` property of
:mod:`paper_checks.trials.properties`): exactly, from the split of ``l`` on ``(0, 1)``, or for an increasing
``l`` with ``l(0+) = -oo``. Each returns ``(value, cell, method, summary)`` for a
:class:`paper_checks.trials.properties.Property`, or None where it does not apply.
"""
from __future__ import annotations

from typing import Any

import sympy

from label_noise_lab.theory.losses import P
from label_noise_lab.theory.real_line import Undecided, infimum, split
from paper_checks.trials.limits import fmt_exact, simp

Cell = tuple[dict[str, Any], str, str, str]


def split_supremum(ell: sympy.Expr) -> Cell | None:
    """``sup l`` over ``[0, 1]`` from the exact split of ``l`` on ``(0, 1)``
    (:func:`label_noise_lab.theory.real_line.split`: its
    pieces between the kinks and jumps of ``Min``, ``Max``, ``Abs``, ``Heaviside``, ``Piecewise``, their critical
    points, one-sided limits and breakpoint values); None where the split is undecided."""
    try:
        inf = infimum(split(-ell, P, lo=0, hi=1), 0, 1)
    except (Undecided, NotImplementedError, TypeError, ValueError):
        return None
    sup = -inf.value
    if sup == sympy.oo:
        return ({"bounded": False, "sup": "oo", "approached": [str(x) for x in inf.at]},
                f"no (l → ∞ as p → {', '.join(fmt_exact(x) for x in inf.at)})", "symbolic",
                "the exact split of l on (0, 1): l is unbounded near " + ", ".join(map(str, inf.at)))
    where = [f"[{fmt_exact(a)}, {fmt_exact(b)}]" for a, b in inf.intervals] + [
        f"p = {fmt_exact(x)}" for x in inf.at if not any(x in iv for iv in inf.intervals)]
    text = ("at " + " and ".join(where)) if inf.attained else "approached as p → " + ", ".join(map(fmt_exact, inf.at))
    return ({"bounded": True, "sup": str(sup), "attained": inf.attained, "approached": text},
            f"yes, sup = {fmt_exact(sup)}, {text}", "symbolic",
            "the exact split of l on (0, 1) (pieces between its kinks and jumps, critical points, one-sided "
            f"limits, breakpoint values): sup l = {sup}, {text}")


def increasing_to_one(ell: sympy.Expr, at1: sympy.Expr, slope_sign: int | None) -> Cell | None:
    """For ``l`` with ``l(0+) = -oo``: the supremum ``l(1-)`` when ``l`` is increasing on ``(0, 1)``
    (``slope_sign``, the sign of ``l'`` there, is ``1`` or ``2``), attained at ``p = 1`` where ``l`` is defined
    there; else None. Bounded above, not below."""
    if not at1.is_finite or slope_sign not in (1, 2):
        return None
    at_1 = ell.subs(P, 1)
    att = at_1.is_finite is True and simp(at_1 - at1) == 0
    return ({"bounded": True, "sup": str(at1), "attained": bool(att), "inf": "-oo",
             "approached": "attained at p = 1" if att else "l(1-)"},
            f"yes, sup = {fmt_exact(at1)}" + (", at p = 1" if att else " = l(1-)") + "; l(0+) = -∞ (unbounded below)",
            "symbolic", "l is increasing on (0, 1) with l(0+) = -oo, so the supremum is l(1-) = "
            f"{at1}{' attained at p = 1' if att else ''}; the loss is bounded above, not below")
