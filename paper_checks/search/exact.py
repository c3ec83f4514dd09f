"""Exact verification of a claim's margin at a point of exact values.

A floating-point margin only points at a counterexample; :func:`verify` decides it, evaluating
the claim's ``exact_margin`` (a SymPy expression) at an exact point of the domain: rationals
exactly, anything irrational to 50 significant digits (:func:`exact_value`).
"""
from __future__ import annotations

import math
from typing import Any

import sympy

from paper_checks.search.params import Point, SearchSpace

#: a float margin in ``[-ARTEFACT_TOL * scale, 0)`` (scale: the median ``|margin|`` sampled, at least 1)
#: that is non-negative exactly at the same point is a floating-point artefact
ARTEFACT_TOL = 1e-9


def exact_value(expr: Any) -> tuple[str, float, bool]:
    """``(text, value, negative)`` of an exact expression; sign decided exactly or to 50 digits."""
    e = sympy.sympify(expr)
    if e.is_Rational:
        return str(e), float(e), bool(e < 0)
    val = sympy.N(e, 50)
    if not val.is_real:
        raise ValueError(f"exact margin is not real: {e}")
    # 50 correct digits: a value below -1e-40 is negative beyond doubt
    return str(e), float(val), bool(val < sympy.Float("-1e-40", 50))


def verify(space: SearchSpace, rpoint: Point) -> tuple[str, str, float]:
    """Evaluate ``exact_margin`` at an exact point: ``(status, text, value)``.

    ``status`` is ``"fails"`` (exactly negative), ``"holds"`` (non-negative),
    ``"outside"`` (the point breaks the domain or the constraint) or ``"error: ..."``.
    """
    if not space.contains(rpoint) or not space.constraint_holds_exactly(rpoint):
        return "outside", "", math.nan
    if space.exact_margin is None:
        return "error: the claim gives no exact margin", "", math.nan
    try:
        text, val, neg = exact_value(space.exact_margin(rpoint))
    except Exception as exc:  # noqa: BLE001  (any error of a claim's exact margin is reported, not raised)
        return f"error: {type(exc).__name__}: {exc}", "", math.nan
    return ("fails" if neg else "holds"), text, val


def fails(space: SearchSpace, rpoint: Point) -> bool:
    """Whether the claim fails exactly at ``rpoint`` (:func:`verify` says ``"fails"``)."""
    return verify(space, rpoint)[0] == "fails"
