"""Symbolic classification losses ``L(f, e_j)`` on the probability simplex.

Every loss here is *separable*: ``L(f, e_j) = phi_1(f_j) + sum_{k != j} phi_0(f_k)``, with
``phi_1`` the contribution of the labelled coordinate and ``phi_0`` that of each other
coordinate. The class sum then needs no vector of symbolic length:
``sum_j L(f, e_j) = sum_k psi(f_k)`` with ``psi = phi_1 + (c - 1) phi_0``
(see :mod:`theory.symmetry`), which is how claims "for every ``c``" are proved.

Sources: Li's notes (``003``) Eqs. 1, 2, 4 (CCE, MAE, MSE) and 17-18 (RCE);
Zhang & Sabuncu 2018 (``004``) Eq. 4 (MAE), sec. 3.1 (unhinged), Eq. 6 (``L_q``),
Eq. 9 (truncated ``L_q``).
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Callable, Sequence

import sympy

Expr = sympy.Expr


# ---------------------------------------------------------------- parameter checks
def _number(v: Any) -> sympy.Expr | None:
    e = sympy.sympify(v)
    return e if e.is_number else None


def check_q(q: Any) -> sympy.Expr:
    """``q`` of ``L_q`` in ``(0, 1]`` (Zhang & Sabuncu 2018, Eq. 6); symbols pass unchecked."""
    e = sympy.sympify(q)
    n = _number(e)
    if n is not None and not (n.is_real and 0 < n <= 1):
        raise ValueError(f"q must lie in (0, 1], got {q!r}")
    return e


def check_k(k: Any) -> sympy.Expr:
    """``k`` of the truncated ``L_q`` in ``(0, 1)`` (Zhang & Sabuncu 2018, Eq. 9); symbols pass."""
    e = sympy.sympify(k)
    n = _number(e)
    if n is not None and not (n.is_real and 0 < n < 1):
        raise ValueError(f"k must lie in (0, 1), got {k!r}")
    return e


def check_A(A: Any) -> sympy.Expr:
    """``A``, the value given to ``log 0`` in RCE, must be negative (``003`` Eq. 18); symbols pass."""
    e = sympy.sympify(A)
    n = _number(e)
    if n is not None and not (n.is_real and n < 0):
        raise ValueError(f"A (the value given to log 0 in RCE) must be negative, got {A!r}")
    return e


# ---------------------------------------------------------------- scalar pieces
def lq_value(t: Any, q: Any) -> Expr:
    """``L_q`` as a function of the labelled probability: ``(1 - t^q)/q`` (``004`` Eq. 6)."""
    q = check_q(q)
    return (1 - sympy.sympify(t) ** q) / q


def lq_at(k: Any, q: Any) -> Expr:
    """``L_q(k) = (1 - k^q)/q``, the level at which Eq. 9 truncates (``004`` sec. 3.3)."""
    return lq_value(k, q)


def truncated_lq_value(t: Any, q: Any, k: Any) -> Expr:
    """Truncated ``L_q`` of the labelled probability ``t`` (``004`` Eq. 9).

    ``L_q(k)`` if ``t <= k``, else ``L_q(t)``, as a ``Piecewise``.
    """
    q, k = check_q(q), check_k(k)
    t = sympy.sympify(t)
    return sympy.Piecewise((lq_at(k, q), t <= k), (lq_value(t, q), True))


# ---------------------------------------------------------------- the losses
@dataclass(frozen=True)
class SymbolicLoss:
    """A separable loss ``L(f, e_j) = phi_1(f_j) + sum_{k != j} phi_0(f_k)``.

    Attributes
    ----------
    name : str
    phi_label : ``t -> expr``, the labelled coordinate's term ``phi_1``
    phi_other : ``t -> expr``, each other coordinate's term ``phi_0``
    params : the bound parameters (``q``, ``k``, ``A``)
    """

    name: str
    phi_label: Callable[[Expr], Expr]
    phi_other: Callable[[Expr], Expr]
    params: dict[str, Any] = field(default_factory=dict)

    def __call__(self, f: Sequence[Any], j: int) -> Expr:
        """``L(f, e_j)`` for a simplex point ``f`` (a sequence of ``c`` expressions), 0-based ``j``."""
        c = len(f)
        if c < 2:
            raise ValueError(f"a simplex point needs c >= 2 coordinates, got {c}")
        if not 0 <= j < c:
            raise ValueError(f"label j must lie in [0, {c - 1}], got {j!r}")
        out = self.phi_label(sympy.sympify(f[j]))
        for k in range(c):
            if k != j:
                out += self.phi_other(sympy.sympify(f[k]))
        return out

    def coordinate(self, e: int, t: Any) -> Expr:
        """``phi_e(t)``: the term of a coordinate with one-hot entry ``e`` (1 labelled, 0 not)."""
        if e not in (0, 1):
            raise ValueError(f"one-hot entry e must be 0 or 1, got {e!r}")
        t = sympy.sympify(t)
        return self.phi_label(t) if e == 1 else self.phi_other(t)


def cce() -> SymbolicLoss:
    """Categorical cross entropy ``-log f_j`` (``003`` Eq. 1; ``004`` Eq. 2)."""
    return SymbolicLoss("cce", lambda t: -sympy.log(t), lambda t: sympy.Integer(0))


def mae() -> SymbolicLoss:
    """Mean absolute error ``||e_j - f||_1 = |1 - f_j| + sum_{k != j} |f_k|`` (``003`` Eq. 2; ``004`` Eq. 4).

    Written with ``Abs`` as the definition reads; on the simplex it equals ``2 - 2 f_j``.
    """
    return SymbolicLoss("mae", lambda t: sympy.Abs(1 - t), lambda t: sympy.Abs(t))


def mse() -> SymbolicLoss:
    """Mean squared error ``||e_j - f||_2^2 = (1 - f_j)^2 + sum_{k != j} f_k^2`` (``003`` Eq. 4)."""
    return SymbolicLoss("mse", lambda t: (1 - t) ** 2, lambda t: t**2)


def unhinged() -> SymbolicLoss:
    """The unhinged loss ``1 - f_j`` (van Rooyen et al. 2015; ``004`` sec. 3.1)."""
    return SymbolicLoss("unhinged", lambda t: 1 - t, lambda t: sympy.Integer(0))


def lq(q: Any) -> SymbolicLoss:
    """Generalized cross entropy ``L_q = (1 - f_j^q)/q``, ``q`` in ``(0, 1]`` (``004`` Eq. 6)."""
    q = check_q(q)
    return SymbolicLoss("lq", lambda t: lq_value(t, q), lambda t: sympy.Integer(0), {"q": q})


def truncated_lq(q: Any, k: Any) -> SymbolicLoss:
    """Truncated ``L_q``: ``L_q(k)`` if ``f_j <= k``, else ``L_q(f_j)`` (``004`` Eq. 9), a ``Piecewise``."""
    q, k = check_q(q), check_k(k)
    return SymbolicLoss("truncated_lq", lambda t: truncated_lq_value(t, q, k), lambda t: sympy.Integer(0),
                        {"q": q, "k": k})


def rce(A: Any) -> SymbolicLoss:
    """Reverse cross entropy ``-sum_k f_k log y_k`` for a one-hot ``y = e_j`` with ``log 0 := A`` (``003`` Eq. 18).

    The labelled term is ``-f_j log 1 = 0``; each other term is ``-f_k A``. On the simplex
    the loss is ``-A (1 - f_j)``.
    """
    A = check_A(A)
    return SymbolicLoss("rce", lambda t: sympy.Integer(0), lambda t: -A * t, {"A": A})


LOSSES: dict[str, Callable[..., SymbolicLoss]] = {
    "cce": cce, "mae": mae, "mse": mse, "unhinged": unhinged, "lq": lq, "truncated_lq": truncated_lq, "rce": rce,
}


def get_loss(name: str, **params: Any) -> SymbolicLoss:
    """The symbolic loss ``name`` with ``params`` bound; unknown names raise ``ValueError``."""
    if name not in LOSSES:
        raise ValueError(f"unknown loss {name!r}; choose one of {', '.join(LOSSES)}")
    try:
        return LOSSES[name](**params)
    except TypeError as exc:
        raise ValueError(f"loss {name!r}: bad parameters {params!r} ({exc})") from None
