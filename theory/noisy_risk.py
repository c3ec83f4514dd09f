"""The noisy risk in terms of the clean risk.

With the noise transition ``T[y, k] = P(noisy = k | clean = y)`` (independent of ``x``
given ``y``; Zhang & Sabuncu 2018, sec. 3.1), the noisy risk of ``f`` at an input whose
clean label distribution is ``p`` is ``sum_k (p T)_k L(f, e_k)``. Under uniform noise of
rate ``eta``, ``T = (1 - eta) I + eta/(c - 1) (J - I)``, so ``(p T)_k = eta/(c - 1) +
(1 - eta c/(c - 1)) p_k`` and

    R^eta(f) = (1 - eta c/(c - 1)) R(f) + eta/(c - 1) E[S(f)],    S(f) = sum_j L(f, e_j)

(the affine relation behind Ghosh et al.'s Theorem 1, quoted in Zhang & Sabuncu 2018, sec. 3.1, and
behind Zhang & Sabuncu's Thm 1, Zhang & Sabuncu 2018, Eq. 8). For a symmetric loss ``S = C`` and the
noisy risk is an increasing affine function of the clean risk exactly when
``eta < (c - 1)/c``.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Iterable, Sequence

import sympy

from label_noise_lab.theory.simplex import check_classes, free_point
from label_noise_lab.theory.symmetry import C

ETA = sympy.Symbol("eta", nonnegative=True)
"""The symbolic uniform noise rate."""


def uniform_transition(c: int, eta: Any = ETA) -> sympy.Matrix:
    """``T = (1 - eta) I + eta/(c - 1) (J - I)`` for an explicit ``c`` (Zhang & Sabuncu 2018, sec. 3.1).

    References
    ----------
    .. [1] Z. Zhang and M. R. Sabuncu, "Generalized Cross Entropy Loss for Training Deep Neural Networks with
       Noisy Labels", NeurIPS 2018, sec. 3.1 (uniform noise: ``eta_jk = 1 - eta`` for ``j = k``, ``eta/(c - 1)`` else).

    Examples
    --------
    >>> import sympy
    >>> from label_noise_lab.theory.noisy_risk import uniform_transition
    >>> uniform_transition(3, sympy.Rational(1, 4))
    Matrix([
    [3/4, 1/8, 1/8],
    [1/8, 3/4, 1/8],
    [1/8, 1/8, 3/4]])
    """
    c = check_classes(c)
    eta = sympy.sympify(eta)
    if eta.is_number and not (0 <= eta <= 1):
        raise ValueError(f"noise rate eta must lie in [0, 1], got {eta!r}")
    return sympy.Matrix(c, c, lambda i, j: 1 - eta if i == j else eta / (c - 1))


def noisy_label_distribution(p: Sequence[Any], T: sympy.Matrix) -> list[sympy.Expr]:
    """``(p T)_k = sum_y p_y T[y, k]``, the distribution of the noisy label.

    References
    ----------
    .. [1] Z. Zhang and M. R. Sabuncu, "Generalized Cross Entropy Loss for Training Deep Neural Networks with
       Noisy Labels", NeurIPS 2018, sec. 3.1 (the noise model ``eta_jk``, conditionally independent of ``x``).

    Examples
    --------
    >>> from sympy import Rational
    >>> from label_noise_lab.theory.noisy_risk import noisy_label_distribution, uniform_transition
    >>> noisy_label_distribution([Rational(1, 2), Rational(1, 2), 0], uniform_transition(3, Rational(1, 4)))
    [7/16, 7/16, 1/8]
    """
    if T.shape != (len(p), len(p)):
        raise ValueError(f"T must be {len(p)}x{len(p)} to match p, got {T.shape}")
    return [sympy.Add(*[sympy.sympify(p[y]) * T[y, k] for y in range(len(p))]) for k in range(len(p))]


def noisy_pointwise_risk(p: Sequence[Any], losses: Sequence[Any], T: sympy.Matrix) -> sympy.Expr:
    """``sum_k (p T)_k L_k``: the noisy risk at one input with label losses ``L_k = L(f, e_k)``."""
    if len(losses) != len(p):
        raise ValueError(f"need one loss per class: {len(p)} classes, {len(losses)} losses")
    q = noisy_label_distribution(p, T)
    return sympy.Add(*[qk * sympy.sympify(lk) for qk, lk in zip(q, losses)])


def uniform_slope(c: Any = C, eta: Any = ETA) -> sympy.Expr:
    """``1 - eta c/(c - 1)``, the factor of the clean risk in the noisy risk (uniform noise).

    References
    ----------
    .. [1] Z. Zhang and M. R. Sabuncu, "Generalized Cross Entropy Loss for Training Deep Neural Networks with
       Noisy Labels", NeurIPS 2018, sec. 3.1 (uniform noise and Ghosh et al.'s tolerance result).
    .. [2] A. Ghosh, H. Kumar and P. S. Sastry, "Robust Loss Functions under Label Noise for Deep Neural
       Networks", AAAI 2017.

    Examples
    --------
    >>> from sympy import Rational
    >>> from label_noise_lab.theory.noisy_risk import uniform_offset, uniform_slope
    >>> uniform_slope(3, Rational(1, 4)), uniform_offset(3, Rational(1, 4))
    (5/8, 1/8)
    >>> uniform_slope()
    -c*eta/(c - 1) + 1
    """
    return 1 - eta * c / (c - 1)


def uniform_offset(c: Any = C, eta: Any = ETA) -> sympy.Expr:
    """``eta/(c - 1)``, the factor of ``E[S(f)]`` in the noisy risk (uniform noise)."""
    return eta / (c - 1)


@dataclass
class UniformAffine:
    """The derived affine relation ``R^eta = slope R + offset E[S]`` (uniform noise).

    Attributes
    ----------
    slope, offset : expressions in the symbolic ``c`` and ``eta``
    symbolic : the coefficient identities hold for a symbolic ``c``
    per_c : ``c -> True`` where the fully expanded identity holds for that explicit ``c``
    threshold : the ``eta`` at which the slope vanishes
    slope_derivative : ``d slope / d eta``
    """

    slope: sympy.Expr
    offset: sympy.Expr
    symbolic: bool
    per_c: dict[int, bool] = field(default_factory=dict)
    threshold: sympy.Expr | None = None
    slope_derivative: sympy.Expr | None = None

    @property
    def verified(self) -> bool:
        return self.symbolic and bool(self.per_c) and all(self.per_c.values())


def affine_identity_holds(c: int, slope: sympy.Expr, offset: sympy.Expr, T: sympy.Matrix | None = None) -> bool:
    """Whether ``sum_k (p T)_k L_k == slope sum_k p_k L_k + offset sum_k L_k`` identically.

    ``p`` is a free simplex point and ``L_k`` free symbols; ``slope`` and ``offset`` may
    contain the symbol ``c`` (substituted here) and ``eta``. ``T`` defaults to
    :func:`uniform_transition`; pass another to see the identity fail.
    """
    c = check_classes(c)
    p, _ = free_point(c, "p")
    L = sympy.symbols(f"L0:{c}")
    T = uniform_transition(c) if T is None else T
    lhs = noisy_pointwise_risk(p, L, T)
    rhs = slope.subs(C, c) * sympy.Add(*[pk * lk for pk, lk in zip(p, L)]) + offset.subs(C, c) * sympy.Add(*L)
    return sympy.expand(lhs - rhs) == 0


def derive_uniform_affine(cs: Iterable[int] = range(2, 9), slope: sympy.Expr | None = None,
                          offset: sympy.Expr | None = None) -> UniformAffine:
    """Derive ``R^eta = (1 - eta c/(c-1)) R + eta/(c-1) E[S]`` (Zhang & Sabuncu 2018, sec. 3.1, Eq. 8's first step).

    Symbolic ``c``: with ``T[y, k] = b + (a - b) delta_yk`` (``a = 1 - eta`` on the
    diagonal, ``b = eta/(c-1)`` off it) and ``sum_y p_y = 1``, ``(p T)_k = b + (a - b) p_k``;
    so the relation holds for every ``c`` iff ``b == offset`` and ``a - b == slope``,
    which SymPy checks. Then, for each explicit ``c`` in ``cs``, the fully expanded
    identity with free symbols ``p_k, L_k`` is checked as well. ``slope``/``offset``
    default to the stated ones; pass others to see the derivation fail.

    References
    ----------
    .. [1] Z. Zhang and M. R. Sabuncu, "Generalized Cross Entropy Loss for Training Deep Neural Networks with
       Noisy Labels", NeurIPS 2018, sec. 3.1 (uniform noise, Ghosh et al.'s result) and sec. 3.2, Eq. 8.
    """
    slope = uniform_slope() if slope is None else slope
    offset = uniform_offset() if offset is None else offset
    a, b = 1 - ETA, ETA / (C - 1)
    symbolic = sympy.simplify(b - offset) == 0 and sympy.simplify((a - b) - slope) == 0
    per_c = {check_classes(c): affine_identity_holds(c, slope, offset) for c in cs}
    roots = sympy.solve(sympy.Eq(slope, 0), ETA)
    threshold = sympy.simplify(roots[0]) if len(roots) == 1 else None
    return UniformAffine(slope, offset, symbolic, per_c, threshold, sympy.simplify(sympy.diff(slope, ETA)))


def class_dependent_identity(c: int, y: int = 0) -> tuple[bool, sympy.Expr, sympy.Expr]:
    """Ghosh et al.'s class-dependent step, for a symmetric loss with ``R(f*) = 0``.

    At an input of clean label ``y``, ``f* = e_y`` has losses ``L(f*, y) = 0`` and
    ``L(f*, k) = C/(c-1)`` for ``k != y`` (forced by ``sum_k L(f*, k) = C`` and
    ``0 <= L <= C/(c-1)``). For any ``f`` with ``sum_k L(f, k) = C``,

        sum_k T_yk (L(f*, k) - L(f, k)) = sum_{k != y} (T_yk - T_yy) (C/(c-1) - L(f, k)).

    Returns ``(holds, lhs, rhs)`` with ``L(f, y)`` eliminated; checked for this explicit ``c``.
    """
    c = check_classes(c)
    if not 0 <= y < c:
        raise ValueError(f"label y must lie in [0, {c - 1}], got {y!r}")
    Csym = sympy.Symbol("C", positive=True)
    T = sympy.symbols(f"T0:{c}", nonnegative=True)
    L = list(sympy.symbols(f"L0:{c}", nonnegative=True))
    L[y] = Csym - sympy.Add(*[L[k] for k in range(c) if k != y])
    star = [sympy.Integer(0) if k == y else Csym / (c - 1) for k in range(c)]
    lhs = sympy.Add(*[T[k] * (star[k] - L[k]) for k in range(c)])
    rhs = sympy.Add(*[(T[k] - T[y]) * (Csym / (c - 1) - L[k]) for k in range(c) if k != y])
    return sympy.expand(lhs - rhs) == 0, lhs, rhs
