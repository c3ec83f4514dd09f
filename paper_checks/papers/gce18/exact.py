"""Shared arithmetic of the gce18 checks (Zhang & Sabuncu 2018): search budgets and exact margins.

Exact margins of the searches are SymPy expressions of the point's exact values; an exact power such as
``(1 - q)^(1/q)`` with ``q = 1/10^6`` has millions of digits, and the search's verification guards it
(ball arithmetic where exact powers are too large: ``paper_checks.api.search``).
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


def search_budget(ctx: Context) -> int:
    return ctx.pick(500, 3000, 20000)


def fold_np(x: Any, c: int) -> np.ndarray:
    x = np.asarray(x, dtype=float)
    return np.concatenate([x[: c - 1], [x[c - 1:].sum()]])


def exact_num(x: Any) -> Any:
    """``x`` (a value or a list of them) as SymPy numbers: the search verifies the margin built from them, its
    large exact powers by ball arithmetic (docs/api.md, "Exact verification")."""
    if isinstance(x, (list, tuple)):
        return [exact_num(v) for v in x]
    return sympy.sympify(x)


def smallest(*parts: Any) -> Any:
    """``Min(*parts)``, evaluated only where every part is a rational. On the prover's symbols SymPy's pairwise
    comparison of large parts (``_find_localzeros``) took 30 s a piece of Thm 1's domain; on the search's exact
    points (powers of a float's binary value held as powers) its comparisons took 9 s a point. The unevaluated
    ``Min`` is the same margin: the search's ball arithmetic and the prover bound it as it is (``.doit()``
    evaluates it)."""
    parts = [sympy.sympify(v) for v in parts]
    return sympy.Min(*parts, evaluate=all(v.is_Rational for v in parts))


def same(a: Any, b: Any) -> bool:
    return sympy.simplify(a - b) == 0

