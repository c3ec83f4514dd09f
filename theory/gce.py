"""The bounds of the generalized cross entropy (Zhang & Sabuncu 2018, secs. 3.2-3.3).

- Eq. 7: ``(c - c^(1-q))/q <= sum_j L_q(f, e_j) <= (c - 1)/q``.
- Eq. 8 (Thm 1): under uniform noise ``A <= R(f*) - R(f_hat) <= 0`` with
  ``A = eta (1 - c^(1-q)) / (q (c - 1 - eta c))``.
- Thm 2 (appendix, not in the main text: a reconstruction): under class-dependent noise with
  ``R(f*) = 0`` and diagonally dominant rows, ``R^eta(f*) - R^eta(f_hat) <= B`` with
  ``B = (c^(1-q) - 1)/q E[1 - eta_y]``.
- Eq. 9: the truncated loss; Eq. 10: ``d L_q(1/d) + (c - d) L_q(k) <= sum_j L_trunc <=
  c L_q(k)``, ``d = max(1, (1-q)^(1/q)/k)``; Eq. 11: the bound width of Eq. 10 is below
  that of Eq. 7 iff ``d [L_q(k) - L_q(1/d)] < (c^(1-q) - 1)/q``.

Each formula is given three ways: a SymPy function of its arguments (exact on
Rationals, or symbolic), :func:`formula` (the expression and its symbols, for callers
that lambdify it onto arrays) and a ``*_float`` function in plain Python (``math``) for
search margins. No NumPy here (docs/design.md).
"""
from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any, Sequence

import sympy

from label_noise_lab.theory.loss_parameters import K as K_DOMAIN
from label_noise_lab.theory.loss_parameters import Q as Q_DOMAIN
from label_noise_lab.theory.loss_parameters import check_k, check_q
from label_noise_lab.theory.losses import lq, lq_at, lq_value, truncated_lq_value
from label_noise_lab.theory.noisy_risk import ETA, uniform_offset, uniform_slope
from label_noise_lab.theory.simplex import check_classes
from label_noise_lab.theory.symmetry import C, ClassSumRange, class_sum_range

Q = sympy.Symbol("q", positive=True)
"""The symbolic ``q`` of ``L_q``."""
K = sympy.Symbol("k", positive=True)
"""The symbolic truncation level ``k`` of Eq. 9."""
M = sympy.Symbol("m", positive=True)
"""The (relaxed, real) number of classes above the truncation level."""
_S = sympy.Symbol("s", positive=True)  # s = 1 - q > 0 for q < 1


def _c(c: Any) -> Any:
    return c if isinstance(c, sympy.Symbol) else sympy.Integer(check_classes(c))


def _eta(eta: Any) -> sympy.Expr:
    e = sympy.sympify(eta)
    if e.is_number and not (0 <= e <= 1):
        raise ValueError(f"noise rate eta must lie in [0, 1], got {eta!r}")
    return e


def positive_power_simplify(expr: sympy.Expr) -> sympy.Expr:
    """Simplify with ``(a^b)^e = a^(b e)`` and ``(a b)^e = a^e b^e``.

    Valid here because every base in these formulas is a positive real (``k``,
    ``1 - q``, ``c``, probabilities), which the ``force=True`` rewrites assume.
    """
    return sympy.simplify(sympy.powdenest(sympy.expand_power_base(expr, force=True), force=True))


# ---------------------------------------------------------------- Eq. 7
def eq7_bounds(c: Any = C, q: Any = Q) -> tuple[sympy.Expr, sympy.Expr]:
    """``((c - c^(1-q))/q, (c - 1)/q)``, the bounds of ``sum_j L_q(f, e_j)`` (Zhang & Sabuncu 2018, Eq. 7).

    References
    ----------
    .. [1] Z. Zhang and M. R. Sabuncu, "Generalized Cross Entropy Loss for Training Deep Neural Networks with
       Noisy Labels", NeurIPS 2018, sec. 3.2, Eq. 7.

    Examples
    --------
    >>> from sympy import Rational
    >>> from label_noise_lab.theory.gce import eq7_bounds
    >>> eq7_bounds()
    ((c - c**(1 - q))/q, (c - 1)/q)
    >>> eq7_bounds(3, Rational(1, 2))
    (6 - 2*sqrt(3), 4)
    """
    c, q = _c(c), check_q(q)
    return (c - c ** (1 - q)) / q, (c - 1) / q


def eq7_width(c: Any = C, q: Any = Q) -> sympy.Expr:
    """``(c^(1-q) - 1)/q``, the width of Eq. 7 (the right side of Eq. 11).

    References
    ----------
    .. [1] Z. Zhang and M. R. Sabuncu, "Generalized Cross Entropy Loss for Training Deep Neural Networks with
       Noisy Labels", NeurIPS 2018, sec. 3.2, Eq. 7 (its width) and sec. 3.3, Eq. 11 (its right side).

    Examples
    --------
    >>> from sympy import Rational
    >>> from label_noise_lab.theory.gce import eq7_width
    >>> eq7_width(2, Rational(1, 2))
    -2 + 2*sqrt(2)
    """
    c, q = _c(c), check_q(q)
    return (c ** (1 - q) - 1) / q


def derive_eq7(c: Any = C) -> ClassSumRange:
    """The exact range of ``sum_j L_q(f, e_j)`` for symbolic ``c`` and ``q`` (Zhang & Sabuncu 2018, Eq. 7).

    ``psi(t) = (1 - t^q)/q`` has ``psi'' = (1 - q) t^(q-2) >= 0`` (decided by SymPy with
    ``q = 1 - s``, ``s >= 0``), so by Jensen the minimum is ``c psi(1/c)`` at the
    barycentre and the maximum ``psi(1) + (c - 1) psi(0)`` at a vertex.

    References
    ----------
    .. [1] Z. Zhang and M. R. Sabuncu, "Generalized Cross Entropy Loss for Training Deep Neural Networks with
       Noisy Labels", NeurIPS 2018, sec. 3.2, Eq. 7.
    """
    s = sympy.Symbol("s", nonnegative=True)
    return class_sum_range(lq(Q), c, reparam={Q: 1 - s})


# ---------------------------------------------------------------- Eq. 8 (Thm 1)
def A_constant(c: Any = C, q: Any = Q, eta: Any = ETA) -> sympy.Expr:
    """``A = eta (1 - c^(1-q)) / (q (c - 1 - eta c))`` (Zhang & Sabuncu 2018, Eq. 8).

    Undefined at ``eta = 1 - 1/c`` (zero denominator).

    References
    ----------
    .. [1] Z. Zhang and M. R. Sabuncu, "Generalized Cross Entropy Loss for Training Deep Neural Networks with
       Noisy Labels", NeurIPS 2018, sec. 3.2, Eq. 8 and the definition of A after it.

    Examples
    --------
    >>> from sympy import Rational
    >>> from label_noise_lab.theory.gce import A_constant
    >>> A_constant(2, 1, Rational(1, 4))
    0
    """
    c, q, eta = _c(c), check_q(q), _eta(eta)
    return eta * (1 - c ** (1 - q)) / (q * (c - 1 - eta * c))


def thm1_lower_bound(c: Any = C, q: Any = Q, eta: Any = ETA) -> sympy.Expr:
    """The lower bound of ``R(f*) - R(f_hat)`` derived from Eq. 7 and the uniform-noise relation.

    ``R^eta = s R + b E[S]`` (:mod:`label_noise_lab.theory.noisy_risk`) and ``R^eta(f_hat) <= R^eta(f*)``
    give ``s (R(f*) - R(f_hat)) >= b (E S(f_hat) - E S(f*)) >= b (low - high)``, hence
    ``R(f*) - R(f_hat) >= b (low - high)/s`` for ``s > 0``, i.e. ``eta < 1 - 1/c``.

    References
    ----------
    .. [1] Z. Zhang and M. R. Sabuncu, "Generalized Cross Entropy Loss for Training Deep Neural Networks with
       Noisy Labels", NeurIPS 2018, sec. 3.2, Eqs. 7-8 (Thm 1's proof is in the appendix, not in the sources).
    """
    c, q, eta = _c(c), check_q(q), _eta(eta)
    low, high = eq7_bounds(c, q)
    return uniform_offset(c, eta) * (low - high) / uniform_slope(c, eta)


def A_numerator(c: Any = C, q: Any = Q) -> sympy.Expr:
    """``N = 1 - c^(1-q) (1 + q ln c)``: ``dA/dq = -eta/(c - 1 - eta c) N / q^2``.

    References
    ----------
    .. [1] Z. Zhang and M. R. Sabuncu, "Generalized Cross Entropy Loss for Training Deep Neural Networks with
       Noisy Labels", NeurIPS 2018, sec. 3.2, the definition of A after Eq. 8.
    """
    c, q = _c(c), check_q(q)
    return 1 - c ** (1 - q) * (1 + q * sympy.log(c))


# ---------------------------------------------------------------- Thm 2 (reconstructed)
def B_bound(c: Any = C, q: Any = Q, mean_clean_rate: Any = sympy.Symbol("rho", positive=True)) -> sympy.Expr:
    """``B = (c^(1-q) - 1)/q E[1 - eta_y]`` (a reconstruction of Zhang & Sabuncu 2018, Thm 2).

    ``mean_clean_rate`` is ``E[1 - eta_y] = E[T[y, y]]``.

    References
    ----------
    .. [1] Z. Zhang and M. R. Sabuncu, "Generalized Cross Entropy Loss for Training Deep Neural Networks with
       Noisy Labels", NeurIPS 2018, sec. 3.2, the paragraph after Eq. 8 (class-dependent noise; Thm 2 itself is in the
       appendix, not in the sources: a reconstruction).
    """
    c, q = _c(c), check_q(q)
    return (c ** (1 - q) - 1) / q * sympy.sympify(mean_clean_rate)


def _row(row: Sequence[Any]) -> list[sympy.Expr]:
    vals = [sympy.sympify(v) for v in row]
    if len(vals) < 2:
        raise ValueError(f"a label distribution needs c >= 2 entries, got {len(vals)}")
    for v in vals:
        if v.is_number and v < 0:
            raise ValueError(f"a label distribution has a negative entry: {row!r}")
    return vals


def lq_pointwise_minimiser(row: Sequence[Any], q: Any) -> list[sympy.Expr]:
    """The ``f`` minimising ``sum_k row_k L_q(f, e_k)`` over the simplex.

    For ``q < 1``: ``f_k = row_k^r / sum_i row_i^r`` with ``r = 1/(1 - q)`` (stationary
    point of the concave objective ``sum_k row_k f_k^q``, see :func:`holder_stationarity`).
    For ``q = 1``: the vertex at the first largest entry.

    References
    ----------
    .. [1] Z. Zhang and M. R. Sabuncu, "Generalized Cross Entropy Loss for Training Deep Neural Networks with
       Noisy Labels", NeurIPS 2018, sec. 3.2 (Eq. 6 and the noisy risk of Eq. 8; the appendix's proofs are not in the
       sources).

    Examples
    --------
    >>> from sympy import Rational
    >>> from label_noise_lab.theory.gce import lq_pointwise_minimiser
    >>> lq_pointwise_minimiser([Rational(1, 2), Rational(1, 4), Rational(1, 4)], Rational(1, 2))
    [2/3, 1/6, 1/6]
    """
    row, q = _row(row), check_q(q)
    if q == 1:
        j = max(range(len(row)), key=lambda i: (sympy.N(row[i], 50), -i))
        return [sympy.Integer(1 if i == j else 0) for i in range(len(row))]
    r = 1 / (1 - q)
    z = sympy.Add(*[v**r for v in row])
    return [v**r / z for v in row]


def r_norm(row: Sequence[Any], q: Any) -> sympy.Expr:
    """``||row||_r`` with ``r = 1/(1 - q)``; the max norm at ``q = 1``.

    For a symbolic ``q`` both: ``Piecewise((||row||_r, q < 1), (max_k row_k, True))``, so that a margin traced on a
    symbol (:mod:`paper_checks.prover`) has at ``q = 1`` the value a number gives there, not ``x^(1/0)``.
    """
    row, q = _row(row), check_q(q)
    if q == 1:
        return sympy.Max(*row)
    r = 1 / (1 - q)
    norm = sympy.Add(*[v**r for v in row]) ** (1 - q)
    if q.is_number:
        return norm
    return sympy.Piecewise((norm, q < 1), (sympy.Max(*row), True))


def lq_pointwise_min(row: Sequence[Any], q: Any) -> sympy.Expr:
    """``min_f sum_k row_k L_q(f, e_k) = (sum_k row_k - ||row||_r)/q`` (Hölder; ``r = 1/(1-q)``)."""
    vals = _row(row)
    return (sympy.Add(*vals) - r_norm(vals, q)) / check_q(q)


def thm2_gap(row: Sequence[Any], y: int, q: Any) -> sympy.Expr:
    """``R^eta(e_y) - min_f R^eta(f)`` at an input of clean label ``y`` with noise row ``row = T[y]``.

    ``R^eta(e_y) = (1 - T_yy)/q`` and the minimum is ``(1 - ||T_y||_r)/q``, so the gap is
    ``(||T_y||_r - T_yy)/q >= 0``.
    """
    vals = _row(row)
    if not 0 <= y < len(vals):
        raise ValueError(f"label y must lie in [0, {len(vals) - 1}], got {y!r}")
    return (r_norm(vals, q) - vals[y]) / check_q(q)


def holder_stationarity(c: int) -> dict[str, bool]:
    """Check symbolically (explicit ``c``, symbolic ``q`` in (0,1) and positive row ``T``) that
    ``f_k = T_k^r / sum T^r`` makes the gradient of ``sum_k T_k f_k^q`` equal in every
    coordinate (KKT on the simplex) and gives the value ``||T||_r``; with concavity of the
    objective (``q <= 1``) this is the global maximum, so :func:`lq_pointwise_min` is exact.
    """
    c = check_classes(c)
    T = sympy.symbols(f"T0:{c}", positive=True)
    q = 1 - _S  # q in (0, 1): s = 1 - q > 0
    r = 1 / _S
    z = sympy.Add(*[t**r for t in T])
    f = [t**r / z for t in T]
    grads = [positive_power_simplify(q * t * fk ** (q - 1)) for t, fk in zip(T, f)]
    equal = all(positive_power_simplify(g - grads[0]) == 0 for g in grads[1:])
    value = sympy.Add(*[t * fk**q for t, fk in zip(T, f)])
    norm = z ** _S
    attains = positive_power_simplify(value - norm) == 0
    return {"gradient_equal": equal, "value_is_r_norm": attains}


# ---------------------------------------------------------------- Eqs. 9-11 (truncation)
def d_stationary(q: Any = Q, k: Any = K) -> sympy.Expr:
    """``(1 - q)^(1/q) / k``, where the relaxed bound ``F(m)`` is stationary."""
    q, k = check_q(q), check_k(k)
    return (1 - q) ** (1 / q) / k


def d_value(q: Any = Q, k: Any = K) -> sympy.Expr:
    """``d = max(1, (1 - q)^(1/q)/k)`` (Zhang & Sabuncu 2018, Eq. 10).

    References
    ----------
    .. [1] Z. Zhang and M. R. Sabuncu, "Generalized Cross Entropy Loss for Training Deep Neural Networks with
       Noisy Labels", NeurIPS 2018, sec. 3.3, the definition of d after Eq. 10.

    Examples
    --------
    >>> from sympy import Rational
    >>> from label_noise_lab.theory.gce import d_value
    >>> d_value(Rational(1, 2), Rational(1, 8)), d_value(Rational(1, 2), Rational(1, 2))
    (2, 1)
    """
    return sympy.Max(1, d_stationary(q, k))


def F_relaxed(m: Any, c: Any = C, q: Any = Q, k: Any = K) -> sympy.Expr:
    """``F(m) = m L_q(1/m) + (c - m) L_q(k)``: the class sum with ``m`` equal coordinates ``1/m``
    above ``k`` and the rest at or below ``k``; ``F(0) = c L_q(k)``."""
    c, q, k = _c(c), check_q(q), check_k(k)
    m = sympy.sympify(m)
    if m == 0:
        return c * lq_at(k, q)
    return m * lq_value(1 / m, q) + (c - m) * lq_at(k, q)


def eq10_bounds(c: Any = C, q: Any = Q, k: Any = K) -> tuple[sympy.Expr, sympy.Expr]:
    """``(d L_q(1/d) + (c - d) L_q(k), c L_q(k))`` (Zhang & Sabuncu 2018, Eq. 10).

    References
    ----------
    .. [1] Z. Zhang and M. R. Sabuncu, "Generalized Cross Entropy Loss for Training Deep Neural Networks with
       Noisy Labels", NeurIPS 2018, sec. 3.3, Eq. 10.

    Examples
    --------
    >>> from sympy import Rational
    >>> from label_noise_lab.theory.gce import eq10_bounds
    >>> eq10_bounds(3, Rational(1, 2), Rational(1, 2))
    (4 - 2*sqrt(2), 6 - 3*sqrt(2))
    """
    return F_relaxed(d_value(q, k), c, q, k), _c(c) * lq_at(check_k(k), check_q(q))


def truncated_class_sum(f: Sequence[Any], q: Any, k: Any) -> sympy.Expr:
    """``sum_j L_trunc(f, e_j)`` for an explicit point ``f`` (Zhang & Sabuncu 2018, Eqs. 9-10).

    References
    ----------
    .. [1] Z. Zhang and M. R. Sabuncu, "Generalized Cross Entropy Loss for Training Deep Neural Networks with
       Noisy Labels", NeurIPS 2018, sec. 3.3, Eqs. 9-10.

    Examples
    --------
    >>> from sympy import Rational
    >>> from label_noise_lab.theory.gce import truncated_class_sum
    >>> truncated_class_sum([Rational(1, 2), Rational(1, 4), Rational(1, 4)], Rational(1, 2), Rational(1, 3))
    -4*sqrt(3)/3 - sqrt(2) + 6
    """
    return sympy.Add(*[truncated_lq_value(v, q, k) for v in f])


def _n(e: Any) -> sympy.Float:
    return sympy.N(e, 50)


@dataclass
class TruncatedMinimum:
    """The exact minimum of ``sum_j L_trunc(f, e_j)`` over the simplex.

    Attributes
    ----------
    value : the minimum, ``min_m F(m)`` over the feasible integer counts ``m``
    argmins : the counts ``m`` attaining it (a minimiser: ``m`` coordinates ``1/m``, the rest 0)
    table : ``m -> F(m)`` for every feasible ``m``
    """

    value: sympy.Expr
    argmins: list[int]
    table: dict[int, sympy.Expr]


def truncated_class_sum_min(c: int, q: Any, k: Any) -> TruncatedMinimum:
    """The exact minimum of the truncated class sum for numeric ``c, q, k``.

    With ``m`` classes above ``k``, the others cost ``L_q(k)`` each whatever their
    values, and ``L_q`` is decreasing and convex, so the ``m`` classes take all the mass
    in equal shares ``1/m`` (which must exceed ``k``): the minimum over such points is
    ``F(m)``. Feasible ``m``: ``1 <= m <= c`` with ``1/m > k``, and ``m = 0`` when
    ``c k >= 1`` (all coordinates at most ``k``).
    """
    c = check_classes(c)
    q, k = check_q(q), check_k(k)
    if not (q.is_number and k.is_number):
        raise ValueError(f"truncated_class_sum_min needs numeric q and k, got q={q!r}, k={k!r}")
    ms = [m for m in range(0, c + 1) if (m == 0 and c * k >= 1) or (m >= 1 and sympy.Rational(1, m) > k)]
    table = {m: F_relaxed(m, c, q, k) for m in ms}
    best = min(_n(v) for v in table.values())
    argmins = [m for m, v in table.items() if abs(_n(v) - best) <= sympy.Float("1e-40", 50)]
    return TruncatedMinimum(table[argmins[0]], argmins, table)


def F_convexity(c: Any = C, k: Any = K) -> dict[str, sympy.Expr]:
    """``F'(m)``, ``F''(m)`` and ``F'`` at ``m = (1-q)^(1/q)/k`` for symbolic ``q`` in (0, 1).

    Uses ``q = 1 - s`` with ``s > 0``. ``F'' = (1 - q) m^(-q-1) >= 0`` (convex) and
    ``F'((1-q)^(1/q)/k) = 0``: the real minimum of ``F`` is at ``d``.
    """
    c = _c(c)
    q = 1 - _S
    F = M * (1 - M ** (-q)) / q + (c - M) * (1 - k**q) / q
    F1 = sympy.diff(F, M)
    F2 = sympy.simplify(sympy.diff(F, M, 2))
    dstar = _S ** (1 / q) / k
    at = positive_power_simplify(F1.subs(M, dstar))
    return {"F": F, "F1": F1, "F2": F2, "F1_at_d": at, "s": _S}


def eq10_width(c: Any = C, q: Any = Q, k: Any = K) -> sympy.Expr:
    """Upper minus lower bound of Eq. 10, ``c L_q(k) - d L_q(1/d) - (c - d) L_q(k)``.

    References
    ----------
    .. [1] Z. Zhang and M. R. Sabuncu, "Generalized Cross Entropy Loss for Training Deep Neural Networks with
       Noisy Labels", NeurIPS 2018, sec. 3.3, Eq. 10.
    """
    low, high = eq10_bounds(c, q, k)
    return high - low


def eq11_lhs(q: Any = Q, k: Any = K) -> sympy.Expr:
    """``d [L_q(k) - L_q(1/d)]``, the left side of Zhang & Sabuncu 2018, Eq. 11.

    References
    ----------
    .. [1] Z. Zhang and M. R. Sabuncu, "Generalized Cross Entropy Loss for Training Deep Neural Networks with
       Noisy Labels", NeurIPS 2018, sec. 3.3, Eq. 11 (its left side).
    """
    d = d_value(q, k)
    return d * (lq_at(k, q) - lq_value(1 / d, q))


def eq11_margin(c: Any = C, q: Any = Q, k: Any = K) -> sympy.Expr:
    """``(c^(1-q) - 1)/q - d [L_q(k) - L_q(1/d)]``: positive exactly where Eq. 11 holds.

    References
    ----------
    .. [1] Z. Zhang and M. R. Sabuncu, "Generalized Cross Entropy Loss for Training Deep Neural Networks with
       Noisy Labels", NeurIPS 2018, sec. 3.3, Eq. 11.
    """
    return eq7_width(c, q) - eq11_lhs(q, k)


def eq11_q_star(c: int, k: Any) -> sympy.Expr | None:
    """The exact boundary ``q*(k, c)`` of Eq. 11 in ``q`` where it has a closed form, else ``None``.

    Where ``d = 1`` (``(1-q)^(1/q) <= k``: always for ``k >= 1/e``), the margin of :func:`eq11_margin` is
    ``(c^(1-q) + k^q - 2)/q``, decreasing in ``q`` from ``(c - 1)/q > 0`` to ``k - 1 < 0`` at ``q = 1``: its one
    root solves ``c^(1-q) + k^q = 2``. With ``c = b^m`` and ``1/k = b^j`` powers of one integer ``b``, the
    substitution ``x = b^(-q)`` makes it the polynomial ``c x^m + x^j = 2``, whose root in ``[1/b, 1)`` gives
    ``q* = -log(x)/log(b)`` exactly (``log_c((c+1)/2)`` at ``k = 1/c``). ``d = 1`` at that root is checked at 50
    digits (it is an inequality with room, never a tie, on these roots); ``None`` where it fails, where ``c`` and
    ``1/k`` are not powers of one integer, or where the polynomial's degree exceeds 2 (its root in radicals is
    then longer than a reader can use; the float bisection stands) (Zhang & Sabuncu 2018, Eqs. 10-11).

    Parameters
    ----------
    c : the number of classes, an integer ``>= 2``
    k : the truncation level, a rational in ``(0, 1)`` with ``k c >= 1``

    Returns
    -------
    The exact ``q*`` (a SymPy expression), or ``None`` where no closed form is found.

    References
    ----------
    .. [1] Z. Zhang and M. R. Sabuncu, "Generalized Cross Entropy Loss for Training Deep Neural Networks with
       Noisy Labels", NeurIPS 2018, sec. 3.3, Eqs. 10-11.

    Examples
    --------
    >>> eq11_q_star(2, sympy.Rational(1, 2))
    log(3/2)/log(2)
    >>> eq11_q_star(3, sympy.Rational(1, 3))
    log(2)/log(3)
    >>> eq11_q_star(3, sympy.Rational(1, 2)) is None
    True
    """
    c = check_classes(c)
    k = sympy.nsimplify(check_k(k), rational=True)
    if not (k.is_Rational and k.p == 1 and k * c >= 1):
        return None
    n = int(k.q)
    base = next((b for b in range(2, min(c, n) + 1) if _power_of(c, b) and _power_of(n, b)), None)
    if base is None:
        return None
    m, j = _power_of(c, base), _power_of(n, base)
    if max(m, j) > 2:
        return None
    x = sympy.Symbol("x", positive=True)
    roots = [r for r in sympy.Poly(c * x**m + x**j - 2, x).real_roots()
             if sympy.Rational(1, base) <= r < 1]
    if len(roots) != 1:
        return None
    root = roots[0]
    if isinstance(root, sympy.CRootOf):  # degree 2: its radical form
        root = next(r for r in sympy.roots(c * x**m + x**j - 2, x, filter="R")
                    if abs(sympy.N(r - roots[0], 50)) < sympy.Float("1e-40"))
    q_star = sympy.log(sympy.radsimp(1 / root)) / sympy.log(base)
    if not 0 < sympy.N(q_star, 50) <= 1:
        return None
    if sympy.N((1 - q_star) ** (1 / q_star) - k, 50) > 0:  # d > 1 there: the margin is not the one solved
        return None
    return q_star


def _power_of(n: int, b: int) -> int:
    """The exponent ``e >= 1`` with ``b^e = n``, or 0 where ``n`` is no power of ``b``."""
    e, v = 0, 1
    while v < n:
        v, e = v * b, e + 1
    return e if v == n else 0


# ---------------------------------------------------------------- plain-Python versions
def lq_float(t: float, q: float) -> float:
    """``(1 - t^q)/q`` in floating point (``q`` in (0, 1]).

    References
    ----------
    .. [1] Z. Zhang and M. R. Sabuncu, "Generalized Cross Entropy Loss for Training Deep Neural Networks with
       Noisy Labels", NeurIPS 2018, sec. 3.2, Eq. 6.

    Examples
    --------
    >>> from label_noise_lab.theory.gce import lq_float
    >>> lq_float(0.25, 0.5)
    1.0
    >>> lq_float(0.25, 0.0)
    Traceback (most recent call last):
        ...
    ValueError: q must lie in (0, 1], got 0.0
    """
    q = Q_DOMAIN.floating(q)
    if t <= 0.0:
        return 1.0 / q
    return -math.expm1(q * math.log(t)) / q


def truncated_lq_float(t: float, q: float, k: float) -> float:
    """Truncated ``L_q`` of ``t`` in floating point (Zhang & Sabuncu 2018, Eq. 9).

    References
    ----------
    .. [1] Z. Zhang and M. R. Sabuncu, "Generalized Cross Entropy Loss for Training Deep Neural Networks with
       Noisy Labels", NeurIPS 2018, sec. 3.3, Eq. 9.
    """
    k = K_DOMAIN.floating(k)
    return lq_float(k, q) if t <= k else lq_float(t, q)


def d_float(q: float, k: float) -> float:
    """``d = max(1, (1-q)^(1/q)/k)`` in floating point.

    References
    ----------
    .. [1] Z. Zhang and M. R. Sabuncu, "Generalized Cross Entropy Loss for Training Deep Neural Networks with
       Noisy Labels", NeurIPS 2018, sec. 3.3, the definition of d after Eq. 10.
    """
    k = K_DOMAIN.floating(k)
    q = Q_DOMAIN.floating(q)
    return max(1.0, (1.0 - q) ** (1.0 / q) / k)


def eq7_bounds_float(c: int, q: float) -> tuple[float, float]:
    """Eq. 7 in floating point.

    References
    ----------
    .. [1] Z. Zhang and M. R. Sabuncu, "Generalized Cross Entropy Loss for Training Deep Neural Networks with
       Noisy Labels", NeurIPS 2018, sec. 3.2, Eq. 7.

    Examples
    --------
    >>> from label_noise_lab.theory.gce import eq7_bounds_float
    >>> eq7_bounds_float(4, 0.5)
    (4.0, 6.0)
    """
    c = check_classes(c)
    q = Q_DOMAIN.floating(q)
    return (c - c ** (1.0 - q)) / q, (c - 1.0) / q


def eq10_bounds_float(c: int, q: float, k: float) -> tuple[float, float]:
    """Eq. 10 in floating point.

    References
    ----------
    .. [1] Z. Zhang and M. R. Sabuncu, "Generalized Cross Entropy Loss for Training Deep Neural Networks with
       Noisy Labels", NeurIPS 2018, sec. 3.3, Eq. 10.
    """
    c = check_classes(c)
    d = d_float(q, k)
    lk = lq_float(k, q)
    return d * lq_float(1.0 / d, q) + (c - d) * lk, c * lk


def eq11_margin_float(c: int, q: float, k: float) -> float:
    """``(c^(1-q) - 1)/q - d [L_q(k) - L_q(1/d)]`` in floating point (positive where Eq. 11 holds).

    References
    ----------
    .. [1] Z. Zhang and M. R. Sabuncu, "Generalized Cross Entropy Loss for Training Deep Neural Networks with
       Noisy Labels", NeurIPS 2018, sec. 3.3, Eq. 11.
    """
    c = check_classes(c)
    d = d_float(q, k)
    return (c ** (1.0 - q) - 1.0) / q - d * (lq_float(k, q) - lq_float(1.0 / d, q))


def A_float(c: int, q: float, eta: float) -> float:
    """``A`` of Eq. 8 in floating point; ``-inf`` at ``eta = 1 - 1/c`` for ``q < 1``, ``nan`` for ``q = 1`` there.

    References
    ----------
    .. [1] Z. Zhang and M. R. Sabuncu, "Generalized Cross Entropy Loss for Training Deep Neural Networks with
       Noisy Labels", NeurIPS 2018, sec. 3.2, Eq. 8 and the definition of A after it.
    """
    c = check_classes(c)
    q = Q_DOMAIN.floating(q)
    den = q * (c - 1 - eta * c)
    num = eta * (1 - c ** (1.0 - q))
    if den == 0.0:
        return math.nan if num == 0.0 else math.copysign(math.inf, num)
    return num / den


# ---------------------------------------------------------------- expressions to lambdify
def formula(name: str) -> tuple[sympy.Expr, tuple[sympy.Symbol, ...]]:
    """``(expression, symbols)`` of a named formula, for ``sympy.lambdify(symbols, expression)``.

    Names: ``eq7_lower``, ``eq7_upper``, ``eq7_width``, ``A``, ``B``, ``eq10_lower``,
    ``eq10_upper``, ``eq10_width``, ``eq11_lhs``, ``eq11_margin``, ``d``.
    """
    rho = sympy.Symbol("rho", positive=True)
    table: dict[str, tuple[sympy.Expr, tuple[sympy.Symbol, ...]]] = {
        "eq7_lower": (eq7_bounds()[0], (C, Q)),
        "eq7_upper": (eq7_bounds()[1], (C, Q)),
        "eq7_width": (eq7_width(), (C, Q)),
        "A": (A_constant(), (C, Q, ETA)),
        "B": (B_bound(C, Q, rho), (C, Q, rho)),
        "eq10_lower": (eq10_bounds()[0], (C, Q, K)),
        "eq10_upper": (eq10_bounds()[1], (C, Q, K)),
        "eq10_width": (eq10_width(), (C, Q, K)),
        "eq11_lhs": (eq11_lhs(), (Q, K)),
        "eq11_margin": (eq11_margin(), (C, Q, K)),
        "d": (d_value(), (Q, K)),
    }
    if name not in table:
        raise ValueError(f"unknown formula {name!r}; choose one of {', '.join(table)}")
    return table[name]
