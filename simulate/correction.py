"""Loss correction for a known noise transition matrix ``T`` (Patrini et al. 2017, ``002``).

- **Backward** (sec. 3.1, Thm 1): ``l_back(p, j) = (T^-1 l(p))_j`` with ``l(p)`` the vector of
  base losses over all labels; an unbiased estimator of the clean loss under noise.
- **Forward** (sec. 3.2, Thm 2): ``l_fwd(p, j) = l(T^T p, j)``: the base loss applied to the
  model's implied distribution of the *noisy* label, ``(T^T p)_j = sum_i p_i T[i, j]``.

``T`` is a :class:`simulate.noise.TransitionMatrix` (row-stochastic, Patrini's
orientation). Both corrections return a :class:`simulate.losses.Loss`, so anything that
trains with a loss trains with its correction. Backward correction inverts ``T`` and
refuses a singular or badly conditioned one (the message quotes ``cond(T)``) unless the
caller mixes it with the identity (``mix``, their sec. 4.1 / 6 remedy).
"""
from __future__ import annotations

from typing import Any

import numpy as np

from simulate.backend import namespace_of
from simulate.losses import Loss, _check_inputs, _check_labels, check_q, get_loss, softmax
from simulate.noise import MAX_COND, TransitionMatrix


def _check_T(T: Any, c: int) -> TransitionMatrix:
    if not isinstance(T, TransitionMatrix):
        raise TypeError(f"T must be a TransitionMatrix, got {type(T).__name__}")
    if T.c != c:
        raise ValueError(f"T is {T.c} x {T.c} but the inputs have c = {c} classes")
    return T


def loss_table(base: Loss, inputs: Any, *, from_logits: bool = False) -> Any:
    """``L[n, k] = l(p_n, k)`` for every label ``k``: shape (n, c)."""
    inputs = _check_inputs(inputs)
    xp = namespace_of(inputs)
    n, c = inputs.shape
    return xp.stack([base.value(inputs, xp.full(n, k), from_logits=from_logits) for k in range(c)], axis=1)


def backward_matrix(T: TransitionMatrix, mix: float = 0.0, max_cond: float = MAX_COND) -> np.ndarray:
    """``T^-1`` of ``T`` mixed with the identity by ``mix`` (``0``: plain ``T^-1``).

    Raises ``ValueError`` quoting ``cond(T)`` when the (mixed) matrix is singular or worse
    conditioned than ``max_cond``.
    """
    if not isinstance(T, TransitionMatrix):
        raise TypeError(f"T must be a TransitionMatrix, got {type(T).__name__}")
    return (T.mixed(mix) if mix else T).inverse(max_cond)


def backward_corrected(base: Loss, T: TransitionMatrix, *, mix: float = 0.0, max_cond: float = MAX_COND) -> Loss:
    """The backward-corrected loss ``(T^-1 l(p))_j`` (``002`` Eq. 4 / Thm 1).

    Its gradient is ``sum_k (T^-1)[j, k] dl(p, k)/dz``. Not bounded below by 0 in
    general (``002`` sec. 3.1: "not always non-negative").
    """
    Tinv = backward_matrix(T, mix, max_cond)

    def value(inputs: Any, labels: Any, from_logits: bool = False) -> Any:
        inputs = _check_inputs(inputs)
        xp = namespace_of(inputs)
        n, c = inputs.shape
        _check_T(T, c)
        labels = _check_labels(labels, n, c, xp)
        table = loss_table(base, inputs, from_logits=from_logits)
        rows = xp.asarray(Tinv)[labels]  # (n, c): row j of T^-1 for each sample
        return (rows * table).sum(axis=1)

    def grad(logits: Any, labels: Any) -> Any:
        logits = _check_inputs(logits)
        xp = namespace_of(logits)
        n, c = logits.shape
        _check_T(T, c)
        labels = _check_labels(labels, n, c, xp)
        rows = xp.asarray(Tinv)[labels]
        out = xp.zeros_like(logits)
        for k in range(c):
            out += rows[:, k : k + 1] * base.grad(logits, xp.full(n, k))
        return out

    return Loss(name=f"backward[{base.name}]", value=value, grad=grad, bounded=False, symmetric=False)


# d l(q, j) / d q for the base losses that forward correction supports, q on the simplex
def _prob_grad(name: str, params: dict[str, float], q: Any, labels: Any) -> Any:
    xp = namespace_of(q)
    n, c = q.shape
    rows = xp.arange(n)
    qy = q[rows, labels]
    g = xp.zeros_like(q)
    if name == "cce":
        g[rows, labels] = -1.0 / qy
    elif name == "mae":
        g[rows, labels] = -2.0
    elif name == "unhinged":
        g[rows, labels] = -1.0
    elif name == "lq":
        g[rows, labels] = -(qy ** (check_q(params["q"]) - 1.0))
    elif name == "mse":
        g = 2.0 * q
        g[rows, labels] -= 2.0
    else:  # pragma: no cover - guarded in forward_corrected
        raise ValueError(name)
    return g


FORWARD_BASES = ("cce", "mse", "mae", "unhinged", "lq")


def forward_corrected(name: str, T: TransitionMatrix, **params: float) -> Loss:
    """The forward-corrected loss ``l(T^T p, j)`` for the base loss ``name`` (``002`` sec. 3.2).

    ``name`` is one of ``cce, mse, mae, unhinged, lq`` (``lq`` takes ``q``). For ``cce``
    the value is computed as ``-logsumexp_i(log p_i + log T[i, j])``, so no ``log(0)``
    arises while some ``T[i, j] > 0``. The gradient is the chain rule through ``T^T`` and
    the softmax: ``dl/dz = p * (g - <g, p>)`` with ``g = T dl/dq``.
    """
    if name not in FORWARD_BASES:
        raise ValueError(f"forward correction supports {FORWARD_BASES}, got {name!r}")
    if not isinstance(T, TransitionMatrix):
        raise TypeError(f"T must be a TransitionMatrix, got {type(T).__name__}")
    base = get_loss(name, **params)
    logT = None

    def noisy_probs(inputs: Any, from_logits: bool) -> Any:
        p = softmax(inputs) if from_logits else inputs
        return p @ namespace_of(p).asarray(T.matrix)

    def value(inputs: Any, labels: Any, from_logits: bool = False) -> Any:
        nonlocal logT
        inputs = _check_inputs(inputs)
        xp = namespace_of(inputs)
        n, c = inputs.shape
        _check_T(T, c)
        labels = _check_labels(labels, n, c, xp)
        if name == "cce" and from_logits:
            from simulate.losses import log_softmax

            with np.errstate(divide="ignore"):
                logT = xp.asarray(np.log(T.matrix)) if logT is None else logT
            a = log_softmax(inputs)[:, :, None] + logT[None, :, :]  # (n, i, j)
            a = xp.take_along_axis(a, labels[:, None, None].repeat(c, axis=1), axis=2)[:, :, 0]  # (n, i)
            m = a.max(axis=1)
            with np.errstate(invalid="ignore"):
                lse = m + xp.log(xp.exp(a - m[:, None]).sum(axis=1))
            return -lse
        if not from_logits:
            from simulate.losses import check_simplex

            check_simplex(inputs)
        q = noisy_probs(inputs, from_logits)
        return base.value(q, labels)

    def grad(logits: Any, labels: Any) -> Any:
        logits = _check_inputs(logits)
        xp = namespace_of(logits)
        n, c = logits.shape
        _check_T(T, c)
        labels = _check_labels(labels, n, c, xp)
        p = softmax(logits)
        q = p @ xp.asarray(T.matrix)
        g = _prob_grad(name, params, q, labels) @ xp.asarray(T.matrix).T  # dl/dp
        return p * (g - (g * p).sum(axis=1, keepdims=True))

    return Loss(name=f"forward[{name}]", value=value, grad=grad, bounded=base.bounded, symmetric=False)
