"""Shared arithmetic of the gce18 checks (Zhang & Sabuncu 2018): search budgets and exact margins.

Exact margins of the searches are evaluated in SymPy ``Rational`` arithmetic when the point
is simple (small exponents ``1/q``, ``1/(1-q)``), otherwise in 60-digit floating point
(an exact power such as ``(1 - q)^(1/q)`` with ``q = 1/10^6`` has millions of digits);
either way the search decides the sign to 50 digits.
"""
from __future__ import annotations

from typing import Any

import numpy as np
import sympy

from paper_checks.api import Context
from paper_checks.papers.documents import LI_NOTES, ZHANG18_TEXT

ZHANG18 = ZHANG18_TEXT.file
LI = LI_NOTES.file
CS = range(2, 9)
HP_DIGITS = 60  # digits of the floating-point fallback of exact margins


def search_budget(ctx: Context) -> int:
    return ctx.pick(500, 3000, 20000)


def fold_np(x: Any, c: int) -> np.ndarray:
    x = np.asarray(x, dtype=float)
    return np.concatenate([x[: c - 1], [x[c - 1:].sum()]])


def needs_hp(*qs: Any) -> bool:
    """True when an exact power with exponent ``1/q`` or ``1/(1-q)`` would be huge."""
    for q in qs:
        q = sympy.Rational(q)
        if q.q > 10**4 or (q > 0 and 1 / q > 64) or (q < 1 and 1 / (1 - q) > 64):
            return True
    return False


def exact_num(x: Any, hp: bool) -> Any:
    if isinstance(x, (list, tuple)):
        return [exact_num(v, hp) for v in x]
    return sympy.Float(x, HP_DIGITS) if hp else sympy.sympify(x)


def same(a: Any, b: Any) -> bool:
    return sympy.simplify(a - b) == 0

