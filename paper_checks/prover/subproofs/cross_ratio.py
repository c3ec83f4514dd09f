"""Two ratios crossed: a margin ``k + X/Y - Z/W`` (``k >= 0`` a number) is ``k + (Z/Y) (X/Z - Y/W)``, and also
``k + (X/W) (W/Y - Z/X)``: where the ratio in the brackets is one function ``G`` at two arguments, ``X/Z = G(A)`` and
``Y/W = G(B)``, the margin has the sign of the factor times ``A - B`` where ``G`` increases
(:func:`paper_checks.prover.subproofs.two_arguments.arguments`).

Cauchy's mean value theorem in disguise: MetiTarski's ``sin-3425a`` (Akbarpour & Paulson 2010's problem set),
``(x_2 - x_2^3/6)/(x_1 - x_1^3/6) <= 10^-4 + sin(x_2)/sin(x_1)`` for ``0 < x_1 < x_2 < sqrt 6``, is
``(A(x_2)/sin x_1) (G(x_2) - G(x_1)) + 10^-4`` with ``A(x) = x - x^3/6`` and ``G = sin/A``, which increases: 0 along the
whole diagonal ``x_1 = x_2`` but for its ``10^-4``, where the boxes met the diagonal's dependency (75 open at 22.5
units). The identity is checked (SymPy's ``cancel`` of the difference), never assumed."""
from __future__ import annotations

import sympy

from paper_checks import work
from paper_checks.deadline import TimedOut

#: work units SymPy may spend checking one crossed form as an identity
IDENTITY_WORK = 0.5


def sides(m: sympy.Expr) -> tuple[sympy.Expr, sympy.Expr] | None:
    """``(P, N)`` with ``m = P - N``: the terms of the sum with a positive and with a negative number in front."""
    if not isinstance(m, sympy.Add):
        return None
    pos = [t for t in m.args if t.as_coeff_Mul()[0] > 0]
    neg = [-t for t in m.args if t.as_coeff_Mul()[0] < 0]
    return (sympy.Add(*pos), sympy.Add(*neg)) if pos and neg else None


def ratios(m: sympy.Expr) -> list[tuple[sympy.Expr, sympy.Expr, sympy.Expr, sympy.Expr, sympy.Expr]]:
    """``(k, X, Y, Z, W)`` with ``m = k + X/Y - Z/W``: ``m`` a sum of a number ``k >= 0`` and two terms with a
    denominator each, read both ways round (SymPy writes ``-(a - b)/c`` as ``(b - a)/c``, so no term need carry the
    minus); empty where ``m`` is no such sum (a structural test, no SymPy work)."""
    if not isinstance(m, sympy.Add):
        return []
    k = sympy.Add(*[t for t in m.args if t.is_number])
    terms = [t for t in m.args if not t.is_number]
    if len(terms) != 2 or not k.is_number or k.is_negative:
        return []
    out = []
    for one, other in (terms, terms[::-1]):
        (x, y), (z, w) = sympy.fraction(one), sympy.fraction(-other)
        if not any(e.is_number for e in (x, y, z, w)):
            out.append((k, x, y, z, w))
    return out


def crossed(m: sympy.Expr) -> list[tuple[sympy.Expr, sympy.Expr, sympy.Expr, sympy.Expr]]:
    """``(k, c, P, N)`` with ``m = k + c (P - N)`` identically, ``k >= 0`` a number: ``m = k + X/Y - Z/W``
    (:func:`ratios`) crossed both ways (the module docstring); empty where ``m`` is no such margin."""
    out = []
    for k, x, y, z, w in ratios(m):
        for c, first, second in ((z / y, x / z, y / w), (x / w, w / y, z / x)):
            if identity(m, k, c, first, second):
                out.append((k, c, first, second))
    return out


def identity(m: sympy.Expr, k: sympy.Expr, c: sympy.Expr, first: sympy.Expr, second: sympy.Expr) -> bool:
    """Whether ``m = k + c (first - second)`` identically (SymPy's ``cancel`` of the difference to 0, within
    :data:`IDENTITY_WORK`)."""
    try:
        with work.limit(IDENTITY_WORK):
            return bool(sympy.cancel(m - k - c * (first - second)) == 0)
    except (TimedOut, TypeError, ValueError, NotImplementedError, RecursionError, sympy.PolynomialError):
        return False


__all__ = ["crossed", "identity", "ratios", "sides"]
