"""The parameters of the losses, checked and made exact: ``q``, ``k`` and ``A`` of the losses of
:mod:`theory.losses` (symbols pass unchecked, so the same losses serve derivations "for every ``q``"),
and :func:`number_parameter` for the zoo's specs (``gce:q=0.7``). A string is read by
:func:`theory.expressions.parse_number`, never evaluated.
"""
from __future__ import annotations

from typing import Any

import sympy

from theory.expressions import ExpressionError, parse_number, to_sympy


def _number(v: Any) -> sympy.Expr | None:
    e = to_sympy(v)
    return e if e.is_number else None


def check_q(q: Any) -> sympy.Expr:
    """``q`` of ``L_q`` in ``(0, 1]`` (Zhang & Sabuncu 2018, Eq. 6); symbols pass unchecked."""
    e = to_sympy(q, "q")
    n = _number(e)
    if n is not None and not (n.is_real and 0 < n <= 1):
        raise ValueError(f"q must lie in (0, 1], got {q!r}")
    return e


def check_k(k: Any) -> sympy.Expr:
    """``k`` of the truncated ``L_q`` in ``(0, 1)`` (Zhang & Sabuncu 2018, Eq. 9); symbols pass."""
    e = to_sympy(k, "k")
    n = _number(e)
    if n is not None and not (n.is_real and 0 < n < 1):
        raise ValueError(f"k must lie in (0, 1), got {k!r}")
    return e


def check_A(A: Any) -> sympy.Expr:
    """``A``, the value given to ``log 0`` in RCE, must be negative (Wang et al. 2019 via Li's notes, Eq. 18);
    symbols pass."""
    e = to_sympy(A, "A")
    n = _number(e)
    if n is not None and not (n.is_real and n < 0):
        raise ValueError(f"A (the value given to log 0 in RCE) must be negative, got {A!r}")
    return e


def quoted(v: Any) -> str:
    """``v`` quoted for an error message, cut to 60 characters (a 100,000-character value is not echoed)."""
    text = repr(v)
    return text if len(text) <= 60 else f"{text[:50]}... ({len(text)} characters)"


def number_parameter(name: str, v: Any, lo: Any = None, hi: Any = None, lo_open: bool = True, hi_open: bool = True,
         integer: bool = False) -> sympy.Expr:
    """A real parameter as an exact SymPy number (``"0.7"`` -> ``7/10``), range-checked."""
    if isinstance(v, sympy.Basic):
        e = v
    else:
        try:
            e = parse_number(str(v), f"parameter {name}")
        except ExpressionError as exc:
            raise ValueError(f"parameter {name} must be a number, got {quoted(v)}: {exc.why}") from None
    if not e.is_number or not e.is_real:
        raise ValueError(f"parameter {name} must be a real number, got {quoted(v)}")
    if integer and not e.is_integer:
        raise ValueError(f"parameter {name} must be an integer, got {quoted(v)}")
    if lo is not None and (e < lo if not lo_open else e <= lo):
        raise ValueError(f"parameter {name} must be {'>' if lo_open else '>='} {lo}, got {quoted(v)}")
    if hi is not None and (e > hi if not hi_open else e >= hi):
        raise ValueError(f"parameter {name} must be {'<' if hi_open else '<='} {hi}, got {quoted(v)}")
    return e
