"""Shape and monotonicity of a loss ``l(p)`` that SymPy's sign inference does not settle at once: written with
``Min``, ``Max``, ``Abs``, ``Heaviside`` or ``Piecewise``, or smooth but with an ``l'`` of no decidable sign.

Each answer is derived, never sampled:

* **piece by piece** (:func:`label_split`): the exact split of ``l`` on ``(0, 1)`` into smooth pieces between exact
  breakpoints (:func:`label_noise_lab.theory.real_line.split`); ``l`` is non-increasing when every piece's derivative is
  ``<= 0``
  and ``l`` is continuous at every breakpoint (both one-sided limits equal the value there), strictly decreasing
  when moreover no piece is flat; convex when :func:`label_noise_lab.theory.real_line.convexity` proves it (each piece's
  ``l'' >= 0``, continuity and non-decreasing one-sided slopes at every breakpoint);
* **from the shape** (:func:`decreasing_from_shape`): ``l`` twice differentiable on ``(0, 1)`` and convex
  (``l'' > 0``) with ``l'(1-) <= 0`` is strictly decreasing (``l'`` increases to its limit ``<= 0``); concave with
  ``l'(0+) <= 0`` likewise (``l'`` decreases from it);
* **the flat form** (:func:`flat_form`): ``Min(g(p), g(k))`` with ``g`` decreasing, as a user types the truncated
  ``L_q`` (Zhang & Sabuncu 2018, Eq. 9), is written as ``Piecewise((g(k), p <= k), (g(p), True))``, the form of
  :func:`paper_checks.trials.flat.flat_level`.
"""
from __future__ import annotations

from typing import Any

import sympy

from label_noise_lab.theory.losses import P
from label_noise_lab.theory.real_line import Split, Undecided, convexity, discontinuities, one_sided, sign_on, split
from paper_checks.trials.limits import derivative, simp

SWITCHES = (sympy.Min, sympy.Max, sympy.Abs, sympy.Heaviside, sympy.sign, sympy.Piecewise)
"""The functions whose branches switch: a label using any of them is analysed piece by piece."""


def _same(a: Any, b: Any) -> bool:
    a, b = sympy.sympify(a), sympy.sympify(b)
    if a.is_infinite or b.is_infinite:
        return False
    return a == b or simp(a - b) == 0


def label_split(label: sympy.Expr | None) -> Split | None:
    """The exact split of ``l`` on ``(0, 1)`` when it uses a switching function and SymPy finds its breakpoints,
    else ``None``."""
    if label is None or not label.has(*SWITCHES) or label.free_symbols - {P}:
        return None
    try:
        return split(label, P, lo=0, hi=1)
    except (Undecided, NotImplementedError, ValueError, TypeError, RecursionError):
        return None


def continuous(sp: Split) -> bool:
    """Both one-sided limits equal the value at every breakpoint (each piece is continuous by construction)."""
    try:
        for x in sp.breakpoints:
            left, right, _, _ = one_sided(sp, x)
            if not (_same(left, sp.value(x)) and _same(right, sp.value(x))):
                return False
    except (Undecided, NotImplementedError, ValueError, TypeError):
        return False
    return True


def decreasing_by_pieces(label: sympy.Expr | None) -> tuple[int, str] | None:
    """``(-1, how)`` strictly decreasing, ``(-2, how)`` non-increasing (flat on some piece) on ``(0, 1)``, proved
    piece by piece; ``None`` when not proved."""
    sp = label_split(label)
    if sp is None or not continuous(sp):
        return None
    signs = []
    for a, b, piece in sp.intervals():
        try:
            s = sign_on(sympy.diff(piece, P), P, a, b)
        except (Undecided, NotImplementedError, ValueError, TypeError):
            return None
        if s not in (-1, -2, 0):
            return None
        signs.append(s)
    bps = ", ".join(map(str, sp.breakpoints)) or "none"
    how = f"l' <= 0 on every piece between the breakpoints ({bps}) and l continuous at each"
    return (-1 if all(s == -1 for s in signs) else -2), how


def shape_by_pieces(label: sympy.Expr | None) -> int | None:
    """``2`` when ``l`` is proved convex piece by piece, ``-2`` concave (``-l`` convex), else ``None``."""
    sp = label_split(label)
    if sp is None:
        return None
    for sign, e in ((2, label), (-2, -label)):
        s = sp if sign == 2 else label_split(e)
        try:
            if s is not None and convexity(s).convex:
                return sign
        except (Undecided, NotImplementedError, ValueError, TypeError):
            continue
    return None


def decreasing_from_shape(label: sympy.Expr | None, shape: int | None, limit: Any) -> tuple[int, str] | None:
    """``(-1, how)`` when ``l`` is continuous on ``(0, 1)`` and strictly convex with ``l'(1-) <= 0`` or strictly
    concave with ``l'(0+) <= 0`` (``shape``: the decided sign of ``l''``, ``limit(e, var, end)`` one-sided)."""
    if label is None or shape not in (1, -1) or label.has(*SWITCHES):
        return None
    try:
        if discontinuities(label, P, 0, 1):
            return None
    except Undecided:
        return None
    end = 1 if shape == 1 else 0
    slope = limit(derivative(label, P), P, end)
    if not (slope.is_real or slope.is_infinite) or not (slope.is_nonpositive or slope == -sympy.oo):
        return None
    side = "1-" if end else "0+"
    return -1, (f"l'' {'>' if shape == 1 else '<'} 0 on (0, 1) and l'({side}) = {slope} <= 0, so l' < 0 on (0, 1) "
                f"(l' {'increases to' if shape == 1 else 'decreases from'} its limit)")


def flat_form(label: sympy.Expr | None) -> sympy.Expr | None:
    """``Piecewise((l0, p <= k), (g, True))`` when the split of ``l`` is a constant ``l0`` on ``(0, k)`` and one
    smooth ``g`` on ``(k, 1)``, continuous at ``k``; else ``None``."""
    sp = label_split(label)
    if sp is None or len(sp.breakpoints) != 1 or not continuous(sp):
        return None
    (k,), (low, high) = sp.breakpoints, sp.pieces
    if low.free_symbols or not _same(low, sp.value(k)):
        return None
    return sympy.Piecewise((low, P <= k), (high, True))
