"""Symbolic points of the probability simplex.

A classifier's output ``f(x)`` is a point of the simplex ``{f : f_k >= 0, sum_k f_k = 1}``
(Zhang & Sabuncu 2018, sec. 3.1: "the output layer is a softmax"). Two parametrisations:

- :func:`free_point`: ``c - 1`` free coordinates, the last one ``1 - sum`` of the others;
  polynomial identities on the simplex become polynomial identities in the free symbols.
- :func:`softmax_point`: ``f_k = a_k / sum_i a_i`` with positive symbols ``a_k`` (the
  softmax with ``a_k = exp(z_k)``); every coordinate and every ``1 - f_k`` is then
  visibly positive, so SymPy resolves absolute values such as ``|1 - f_j|``.

Also exact rational points (vertices, barycentre, :func:`fold` of a larger point) used to
evaluate claims in exact arithmetic.
"""
from __future__ import annotations

from typing import Any, Sequence

import sympy

# (re-exported: theory modules import it from here)
from label_noise_lab.theory.validators import check_classes  # noqa: F401


def free_point(c: int, name: str = "f") -> tuple[list[sympy.Expr], list[sympy.Symbol]]:
    """A symbolic simplex point with free coordinates ``f_1 .. f_{c-1}`` and ``f_c = 1 - sum``.

    Parameters
    ----------
    c : int, the number of classes (``>= 2``)
    name : str, the stem of the symbols' names

    Returns
    -------
    point : list of ``c`` expressions summing to 1 identically
    symbols : the ``c - 1`` free symbols (declared non-negative)

    References
    ----------
    .. [1] Z. Zhang and M. R. Sabuncu, "Generalized Cross Entropy Loss for Training Deep Neural Networks with
       Noisy Labels", NeurIPS 2018, sec. 3.1 (``sum_j f_j = 1``, ``f_j >= 0``: the softmax output).

    Examples
    --------
    >>> from label_noise_lab.theory.simplex import free_point
    >>> free_point(3)
    ([f1, f2, -f1 - f2 + 1], [f1, f2])
    """
    c = check_classes(c)
    syms = list(sympy.symbols(f"{name}1:{c}", nonnegative=True))
    return [*syms, 1 - sum(syms)], syms


def softmax_point(c: int, name: str = "a") -> tuple[list[sympy.Expr], list[sympy.Symbol]]:
    """The softmax parametrisation ``f_k = a_k / sum_i a_i`` with positive symbols ``a_k``.

    Covers the open simplex (every softmax output), which is where a DNN's outputs lie
    (Zhang & Sabuncu 2018, sec. 3.1). Identities that hold here extend to the closed
    simplex by continuity for continuous losses.

    Returns
    -------
    point : list of ``c`` expressions ``a_k / (a_1 + ... + a_c)``
    symbols : the ``c`` positive symbols

    References
    ----------
    .. [1] S. Li, "Robust Losses", study notes on Ghosh et al. 2017, Zhang & Sabuncu 2018, Wang et al. (IMAE),
       Wang et al. 2019 (SCE) and Xu et al. 2019 (L_DMI), sec. 2 (Wang et al., IMAE), Eq. 8.
    """
    c = check_classes(c)
    syms = list(sympy.symbols(f"{name}1:{c + 1}", positive=True))
    total = sum(syms)
    return [s / total for s in syms], syms


def vertex(c: int, j: int) -> list[sympy.Integer]:
    """The vertex ``e_j`` (0-based ``j``) of the ``c``-class simplex."""
    c = check_classes(c)
    if not 0 <= j < c:
        raise ValueError(f"vertex index j must lie in [0, {c - 1}], got {j!r}")
    return [sympy.Integer(1 if k == j else 0) for k in range(c)]


def barycentre(c: int) -> list[sympy.Rational]:
    """The uniform point ``(1/c, ..., 1/c)``."""
    c = check_classes(c)
    return [sympy.Rational(1, c)] * c


def is_on_simplex(point: Sequence[Any]) -> bool:
    """True when ``point`` has non-negative exact entries summing exactly to 1."""
    vals = [sympy.nsimplify(v) if isinstance(v, float) else sympy.sympify(v) for v in point]
    return len(vals) >= 2 and all(bool(v >= 0) for v in vals) and sympy.simplify(sum(vals) - 1) == 0


def fold(point: Sequence[Any], c: int) -> list[Any]:
    """Map a point of a larger simplex onto the ``c``-class simplex.

    Keeps the first ``c - 1`` coordinates and gives the last class the remaining mass,
    ``f_c = sum_{k >= c} x_k``. The map is onto, sends vertices to vertices and keeps
    rational points rational, so one search parameter of a fixed dimension covers every
    ``c`` up to that dimension exactly.
    """
    c = check_classes(c)
    if len(point) < c:
        raise ValueError(f"cannot fold a point of dimension {len(point)} onto c = {c} classes")
    head = list(point[: c - 1])
    tail = point[c - 1 :]
    rest = tail[0]
    for v in tail[1:]:
        rest = rest + v
    return [*head, rest]


def resolve_abs(expr: sympy.Expr) -> sympy.Expr:
    """Rewrite every ``Abs(arg)`` with ``arg`` put over a common denominator and factored.

    With the positive symbols of :func:`softmax_point`, ``1 - a_j/sum a`` becomes
    ``(sum_{k != j} a_k)/sum a``, which SymPy sees to be positive, so the absolute
    value disappears.
    """
    return expr.replace(lambda e: isinstance(e, sympy.Abs),
                        lambda e: sympy.Abs(sympy.factor(sympy.together(e.args[0]))))
