"""Identities over a class sum for every number of classes: SymPy ``Sum`` over ``IndexedBase`` entries with ``c`` a
positive integer symbol, so that a premise a reduction rests on is proved for symbolic ``c``, not checked at a few.

Under uniform noise of rate ``eta = r (c - 1)/c`` (``r`` in ``[0, 1)`` is ``eta < (c - 1)/c``) the transition is
``T[k, y] = (1 - eta) delta_ky + eta/(c - 1) (1 - delta_ky)``. Then, for every ``c``:

- the noisy label probability is ``w_y = sum_k p_k T[k, y] = (1 - r) p_y + r/c`` where ``sum_k p_k = 1``
  (:func:`uniform_noisy_label`);
- the noisy risk at one input is ``sum_y w_y L_y = (1 - r) sum_y p_y L_y + (r/c) sum_y L_y`` for any loss values
  ``L_y = L(f, e_y)`` (:func:`uniform_noisy_risk`): the affine relation behind Ghosh et al.'s Theorem 1 and
  Zhang & Sabuncu's Theorem 1, with ``sum_y L_y = C`` for a symmetric loss.

Each returns a :class:`SumIdentity` whose ``holds`` is SymPy's verdict that the difference of the two sides is 0:
the ``Sum`` of a ``KroneckerDelta`` evaluated by ``doit`` (the label index written ``y = c - m``, ``m >= 0``, so that
SymPy's condition ``y <= c`` is decided), the sums' constants drawn out by ``simplify``, and the hypotheses (``sum p =
1``) substituted.

References
----------
.. [1] A. Ghosh, H. Kumar and P. S. Sastry, "Robust Loss Functions under Label Noise for Deep Neural Networks",
   AAAI 2017, Theorem 1 and its proof.
.. [2] Z. Zhang and M. R. Sabuncu, "Generalized Cross Entropy Loss for Training Deep Neural Networks with Noisy
   Labels", NeurIPS 2018, sec. 3.1 and the proof of Theorem 1 (Eq. 8).

Examples
--------
>>> uniform_noisy_label().holds, uniform_noisy_risk().holds
(True, True)
"""
from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import sympy

#: the number of classes, a positive integer symbol: an identity in it holds for every ``c``
C_CLASSES = sympy.Symbol("c", integer=True, positive=True)
#: the summation index and the label index (``y = c - M_LABEL`` with ``M_LABEL >= 0``: a label in ``1..c``)
K_INDEX, Y_INDEX = sympy.symbols("k y", integer=True, positive=True)
M_LABEL = sympy.Symbol("m", integer=True, nonnegative=True)
#: the clean label distribution's entries and a loss's values ``L(f, e_k)``
P_ENTRY, L_ENTRY = sympy.IndexedBase("p"), sympy.IndexedBase("L")
#: ``r``: the noise rate as a share of its threshold, ``eta = r (c - 1)/c``
R_SHARE = sympy.Symbol("r", real=True)


@dataclass(frozen=True)
class SumIdentity:
    """``lhs == rhs`` for every ``c`` (``holds``), under ``hypotheses``; ``residual``: the difference as SymPy left it
    (0 where it holds)."""

    says: str
    lhs: Any
    rhs: Any
    hypotheses: tuple[str, ...]
    residual: Any
    holds: bool


def uniform_transition_entry(k: Any, y: Any, c: Any = C_CLASSES, r: Any = R_SHARE) -> Any:
    """``T[k, y]`` of uniform noise with ``eta = r (c - 1)/c``: ``1 - eta`` on the diagonal, ``eta/(c - 1)`` off it
    (Ghosh et al. 2017, sec. 3; Zhang & Sabuncu 2018, sec. 3.1)."""
    eta = r * (c - 1) / c
    delta = sympy.KroneckerDelta(k, y)
    return (1 - eta) * delta + eta / (c - 1) * (1 - delta)


def proved_zero(difference: Any, facts: Mapping[Any, Any], c: Any = C_CLASSES) -> tuple[Any, bool]:
    """Whether ``difference`` (sums over ``1..c``) is 0 for every ``c``: ``doit`` evaluates the Kronecker deltas'
    sums, the label index is written ``c - m`` (``m >= 0``) so that their condition ``y <= c`` is decided, the
    sums' constants are drawn out (``simplify``) and ``facts`` (a sum's value, e.g. ``sum_k p_k = 1``) substituted.
    Returns ``(residual, holds)``: ``holds`` only where SymPy reduces the residual to 0 exactly."""
    expr = sympy.expand(difference).doit().xreplace({Y_INDEX: c - M_LABEL})
    expr = sympy.simplify(expr)
    expr = sympy.simplify(expr.xreplace(dict(facts)))
    return expr, expr == 0


def _sum(term: Any, index: Any = K_INDEX, c: Any = C_CLASSES) -> Any:
    return sympy.Sum(term, (index, 1, c))


def uniform_noisy_label(c: Any = C_CLASSES, r: Any = R_SHARE) -> SumIdentity:
    """``sum_k p_k T[k, y] = (1 - r) p_y + r/c`` for every ``c`` and every label ``y``, where ``sum_k p_k = 1``: the
    noisy label probability under uniform noise (:func:`uniform_transition_entry`)."""
    lhs = _sum(P_ENTRY[K_INDEX] * uniform_transition_entry(K_INDEX, Y_INDEX, c, r), c=c)
    rhs = (1 - r) * P_ENTRY[Y_INDEX] + r / c
    residual, holds = proved_zero(lhs - rhs, {_sum(P_ENTRY[K_INDEX], c=c): 1}, c)
    return SumIdentity("sum_k p_k T[k, y] = (1 - r) p_y + r/c", lhs, rhs, ("sum_k p_k = 1",), residual, holds)


def uniform_noisy_risk(c: Any = C_CLASSES, r: Any = R_SHARE) -> SumIdentity:
    """``sum_y (p T)_y L_y = (1 - r) sum_y p_y L_y + (r/c) sum_y L_y`` for every ``c`` and any loss values ``L_y``:
    :func:`uniform_noisy_label` for each ``y`` (proved first; the identity fails with it), then the sum's linearity,
    both by SymPy. With ``sum_y L_y = C`` (a symmetric loss) the noisy risk is ``(1 - r) R + (r/c) C``."""
    label = uniform_noisy_label(c, r)
    w = label.rhs.xreplace({Y_INDEX: K_INDEX})
    lhs = _sum(w * L_ENTRY[K_INDEX], c=c)
    rhs = (1 - r) * _sum(P_ENTRY[K_INDEX] * L_ENTRY[K_INDEX], c=c) + r / c * _sum(L_ENTRY[K_INDEX], c=c)
    residual, holds = proved_zero(lhs - rhs, {}, c)
    return SumIdentity("sum_y (p T)_y L_y = (1 - r) sum_y p_y L_y + (r/c) sum_y L_y", _sum(
        label.lhs.xreplace({Y_INDEX: K_INDEX, K_INDEX: Y_INDEX}) * L_ENTRY[K_INDEX], c=c), rhs, label.hypotheses,
        residual, holds and label.holds)


#: a noise row's entries ``T_k`` (row ``y`` of ``T``), the ratios ``s_k = t_k / t_0``, ``t_0`` its largest entry
T_ENTRY, S_ENTRY = sympy.IndexedBase("T"), sympy.IndexedBase("s")
T_LARGEST = sympy.Symbol("t0", positive=True)
#: ``e = 1 - q`` in ``(0, 1)`` for the ``r``-norm's exponent ``r = 1/e``
E_EXPONENT = sympy.Symbol("e", positive=True)


def lq_risk_at_label(c: Any = C_CLASSES) -> SumIdentity:
    """``sum_k T_k L_q(e_y, k) = (1 - T_y)/q`` for every ``c``, where ``sum_k T_k = 1``: the noisy L_q risk of the
    clean minimiser ``f* = e_y`` at an input of clean label ``y`` (``L_q(e_y, k) = (1 - [k = y])/q``; Zhang &
    Sabuncu 2018, Eq. 6; the first step of their Thm 2)."""
    q = sympy.Symbol("q", positive=True)
    lhs = _sum(T_ENTRY[K_INDEX] * (1 - sympy.KroneckerDelta(K_INDEX, Y_INDEX)) / q, c=c)
    rhs = (1 - T_ENTRY[Y_INDEX]) / q
    residual, holds = proved_zero(lhs - rhs, {_sum(T_ENTRY[K_INDEX], c=c): 1}, c)
    return SumIdentity("sum_k T_k L_q(e_y, k) = (1 - T_y)/q", lhs, rhs, ("sum_k T_k = 1",), residual, holds)


def rescaled_power_sum(c: Any = C_CLASSES) -> SumIdentity:
    """``(sum_k (t_0 s_k)^r)^(1-q) = t_0 (sum_k s_k^r)^(1-q)`` for every ``c``, ``t_0 > 0``, ``s_k >= 0`` and
    ``r = 1/(1 - q)``, ``q < 1``: the change of variables of gce18's Thm 2 (``t_k = t_0 s_k``). Two steps by SymPy:
    the sum's terms ``(t_0 s_k)^r = t_0^r s_k^r`` with the constant drawn out of the ``Sum``; then ``(t_0^r X)^(1-q)
    = t_0 X^(1-q)`` for the sum ``X >= 0`` (a sum of powers of ``s_k >= 0``)."""
    e = E_EXPONENT
    r = 1 / e
    inner = _sum((T_LARGEST * S_ENTRY[K_INDEX]) ** r, c=c)
    drawn = T_LARGEST ** r * _sum(S_ENTRY[K_INDEX] ** r, c=c)
    inner_residual = sympy.simplify(sympy.expand_power_base(inner) - drawn)
    total = sympy.Symbol("X", nonnegative=True)
    outer_residual = sympy.simplify((T_LARGEST ** r * total) ** e - T_LARGEST * total ** e)
    lhs, rhs = inner ** e, T_LARGEST * _sum(S_ENTRY[K_INDEX] ** r, c=c) ** e
    holds = inner_residual == 0 and outer_residual == 0
    return SumIdentity("(sum_k (t_0 s_k)^r)^(1-q) = t_0 (sum_k s_k^r)^(1-q), r (1 - q) = 1", lhs, rhs,
                       ("t_0 > 0", "s_k >= 0"), inner_residual + outer_residual, holds)


def same_label_probabilities(c: Any = C_CLASSES) -> SumIdentity:
    """``P(both observed labels agree | true labels y1, y2) = sum_k T[y1, k] T[y2, k]`` under uniform noise of rate
    ``eta``, for every ``c``: ``(1 - eta)^2 + (c - 1) (eta/(c-1))^2`` where ``y1 = y2`` and ``2 (1 - eta) eta/(c-1)
    + (c - 2) (eta/(c-1))^2`` where ``y1 != y2`` (:func:`label_noise_lab.theory.embedding.same_label_probabilities`,
    counted by hand
    there), whatever the classes: so the observed status of a pair depends on its true labels only through whether
    they agree (Le & Odobez 2019, the catalogue's reconstruction). ``holds``: both cases by SymPy (the labels written
    ``c - m1``, ``c - m2``; ``y1 != y2`` by setting their Kronecker delta to 0)."""
    from label_noise_lab.theory.embedding import same_label_probabilities as counted

    eta = sympy.Symbol("eta", real=True)
    r = eta * c / (c - 1)
    y1, y2 = sympy.symbols("y1 y2", integer=True, positive=True)
    m1, m2 = sympy.symbols("m1 m2", integer=True, nonnegative=True)
    total = sympy.Sum(sympy.expand(uniform_transition_entry(y1, K_INDEX, c, r)
                                   * uniform_transition_entry(y2, K_INDEX, c, r)), (K_INDEX, 1, c)).doit()
    total = total.xreplace({y1: c - m1, y2: c - m2})
    a, b = counted(c, eta)
    agree = sympy.simplify(total.xreplace({m2: m1}) - a)
    differ = sympy.simplify(total.xreplace({sympy.KroneckerDelta(c - m1, c - m2): 0}) - b)
    return SumIdentity("sum_k T[y1, k] T[y2, k] = a if y1 = y2, b otherwise", total, (a, b), (), agree + differ,
                       agree == 0 and differ == 0 and not total.xreplace({sympy.KroneckerDelta(c - m1, c - m2): 0})
                       .has(m1, m2))
