"""Exact Hessians of (corrected) cross-entropy over *all* parameters of small networks.

Patrini et al. 2017, sec. 4.4, Thm 4: "Assume that all activation functions are
ReLUs. Then, the Hessian of ``l`` does not change under noise. Moreover, the Hessians of
``l_backward`` and ``l`` are the same for any ``T``"; Table 1 says the forward correction
gives no such guarantee. This module computes the Hessians that statement is about, in
float64, for the models of :mod:`label_noise_lab.simulate.models` (``W_l`` of shape ``(in, out)``, the
linear softmax model being the MLP with no hidden layer) with ReLU or sigmoid hidden units.
The catalogue's study compares them block by block over a suite of random models.

Method
------
With logits ``z(theta)`` and a loss ``l(z)``, the chain rule twice gives, per sample,

    d^2 l / d theta^2 = J^T G J + sum_k g_k d^2 z_k / d theta^2,        (*)

``J = dz/dtheta`` (c x P), ``g = dl/dz``, ``G = d^2 l/dz^2``. ``J`` and the logit Hessians
``d^2 z_k/d theta^2`` are propagated *forward* through the layers (second-order forward
mode: a layer ``a = h W + b`` adds the cross terms ``da_j/dW_ij = h_i``; an activation
``s`` maps ``(J, H)`` to ``(s' J, s' H + s'' J J^T)``). Nothing is differenced, so the
Hessians are exact up to float64 rounding; tests compare them with central finite
differences of the hand-written back-propagated gradient (a second method), and that
gradient with finite differences of the loss.

The losses are label mixtures ``sum_j w_j l(z, j)`` with ``w`` a row per sample:

- clean cross-entropy: ``w = e_y``; its expectation under noise ``E_{y~ ~ T[y, :]}``:
  ``w = T[y, :]`` (the noisy risk of Patrini et al. 2017, sec. 2 at one ``x``);
- backward correction ``(T^-1 l)_y`` (Patrini et al. 2017, Eq. 4 / Eq. 14): ``w = T^-1[y, :]``, and its
  expectation under noise ``w = T[y, :] T^-1`` (``= e_y`` by Thm 1);
- forward correction ``l(T^T p, y)`` (Patrini et al. 2017, sec. 3.2) with the same label weights.

For cross-entropy ``l(z, j) = -z_j + logsumexp(z)``, so a change of labels changes (*) only
through ``-sum_j w_j d^2 z_j``: zero for the linear model (``d^2 z = 0``) but not for a
network with a hidden layer, where ``z`` is bilinear in consecutive layers' weights.

NumPy by design (no ``xp``): the models have at most a few dozen parameters and the Hessians a
few thousand entries, so a device would only add transfers; the float64 results are compared
entry by entry with exact SymPy Hessians. Its tests are marked ``host_only``.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from label_noise_lab.simulate.models import Params, n_layers
from label_noise_lab.simulate.noise import MAX_COND, TransitionMatrix, check_transition

ACTIVATIONS = ("relu", "sigmoid")
BASES = ("cce", "forward")
LABEL_MIXTURES = ("clean", "noisy", "backward", "backward_noisy")


# ---------------------------------------------------------------- validation
def check_activation(activation: str) -> str:
    """Return ``activation`` if it is one of :data:`ACTIVATIONS`, else raise ``ValueError``."""
    if activation not in ACTIVATIONS:
        raise ValueError(f"unknown activation {activation!r}; choose one of {ACTIVATIONS}")
    return activation


def _check_base(base: str) -> str:
    if base not in BASES:
        raise ValueError(f"unknown base loss {base!r}; choose one of {BASES}")
    return base


def _check_T(T: Any, c: int) -> TransitionMatrix:
    return check_transition(T, c, "the model has")


def _check_single(params: Params) -> int:
    L = n_layers(params)
    for layer in range(L):
        W, b = np.asarray(params[f"W{layer}"]), np.asarray(params[f"b{layer}"])
        if W.ndim != 2 or b.shape != (W.shape[1],):
            raise ValueError(f"Hessians are computed for one model without replica axes: W{layer} has shape {W.shape}, "
                             f"b{layer} has shape {b.shape}")
        if layer and W.shape[0] != params[f"W{layer - 1}"].shape[1]:
            prev = params[f"W{layer - 1}"].shape[1]
            raise ValueError(f"W{layer} has {W.shape[0]} inputs but layer {layer - 1} has {prev} outputs")
    return L


def _check_X(params: Params, X: Any) -> np.ndarray:
    X = np.asarray(X, dtype=float)
    if X.ndim != 2 or X.shape[1] != params["W0"].shape[0]:
        raise ValueError(f"X must have shape (n, {params['W0'].shape[0]}), got {X.shape}")
    return X


# ---------------------------------------------------------------- parameter layout
@dataclass(frozen=True)
class Block:
    """One parameter array inside the flat parameter vector.

    Attributes
    ----------
    name : ``"W0"``, ``"b0"``, ``"W1"``, ...
    layer : the affine layer it belongs to
    start, stop : its index range in the flat vector (``W`` flattened row-major, ``(in, out)``)
    shape : its shape in the params dict
    """

    name: str
    layer: int
    start: int
    stop: int
    shape: tuple[int, ...]

    @property
    def slice(self) -> slice:
        return slice(self.start, self.stop)


def parameter_blocks(params: Params) -> tuple[Block, ...]:
    """The block map of the flat vector: ``W0, b0, W1, b1, ...`` in this order."""
    L = _check_single(params)
    out, start = [], 0
    for layer in range(L):
        for key in (f"W{layer}", f"b{layer}"):
            shape = tuple(np.shape(params[key]))
            size = int(np.prod(shape))
            out.append(Block(key, layer, start, start + size, shape))
            start += size
    return tuple(out)


def layer_slices(params: Params) -> tuple[slice, ...]:
    """Index range of layer ``l`` (its ``W_l`` and ``b_l``, contiguous) in the flat vector."""
    blocks = parameter_blocks(params)
    L = blocks[-1].layer + 1
    return tuple(slice(blocks[2 * layer].start, blocks[2 * layer + 1].stop) for layer in range(L))


def flatten(params: Params) -> np.ndarray:
    """The flat parameter vector in the order of :func:`parameter_blocks`."""
    return np.concatenate([np.asarray(params[b.name], dtype=float).ravel() for b in parameter_blocks(params)])


def unflatten(theta: Any, like: Params) -> Params:
    """The params dict of the shapes of ``like`` holding the flat vector ``theta``."""
    blocks = parameter_blocks(like)
    theta = np.asarray(theta, dtype=float)
    if theta.shape != (blocks[-1].stop,):
        raise ValueError(f"theta must have shape ({blocks[-1].stop},) for this model, got {theta.shape}")
    return {b.name: theta[b.slice].reshape(b.shape).copy() for b in blocks}


# ---------------------------------------------------------------- activations
def _act(a: np.ndarray, activation: str) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """``(s(a), s'(a), s''(a))``; for ReLU ``s'' = 0`` away from the kink at 0."""
    if activation == "relu":
        d = (a > 0).astype(float)
        return a * d, d, np.zeros_like(a)
    s = 0.5 * (1.0 + np.tanh(0.5 * a))  # the logistic function without overflow
    d1 = s * (1.0 - s)
    return s, d1, d1 * (1.0 - 2.0 * s)


def forward_pass(params: Params, X: Any, activation: str = "relu") -> tuple[np.ndarray, list[np.ndarray]]:
    """Logits and the hidden pre-activations.

    Parameters
    ----------
    params : dict
        One model (no replica axes) as made by :func:`label_noise_lab.simulate.models.init_mlp`.
    X : array, shape (n, dim)
    activation : {"relu", "sigmoid"}
        The activation of every hidden layer (the last layer gives the logits).

    Returns
    -------
    logits : array, shape (n, c)
    preacts : list of arrays
        ``a_l = h_l W_l + b_l`` of every hidden layer, shape (n, width_l).
    """
    check_activation(activation)
    L = _check_single(params)
    h = _check_X(params, X)
    preacts = []
    for layer in range(L):
        a = h @ params[f"W{layer}"] + params[f"b{layer}"]
        if layer == L - 1:
            return a, preacts
        preacts.append(a)
        h = _act(a, activation)[0]
    raise AssertionError("unreachable")  # pragma: no cover


def min_abs_preactivation(params: Params, X: Any, activation: str = "relu") -> float:
    """``min |a|`` over hidden pre-activations and samples (``inf`` without a hidden layer).

    A ReLU network is twice differentiable at ``(params, X)`` when this is positive; finite
    differences of step ``h`` are valid when it exceeds ``h`` times the size of ``da/dtheta``.
    """
    pre = forward_pass(params, X, activation)[1]
    return float(min((np.abs(a).min() for a in pre), default=np.inf))


def backprop_gradient(params: Params, X: Any, dlogits: Any, activation: str = "relu") -> np.ndarray:
    """Flat gradient of ``sum_n sum_k dlogits[n, k] z_k(x_n)`` by hand-written back-propagation.

    The first-order method, independent of the forward-mode propagation of
    :func:`logit_derivatives` (for ReLU it agrees with :func:`label_noise_lab.simulate.models.backward`).

    Parameters
    ----------
    dlogits : array, shape (n, c)

    Returns
    -------
    array, shape (P,)
    """
    check_activation(activation)
    L = _check_single(params)
    X = _check_X(params, X)
    dlogits = np.asarray(dlogits, dtype=float)
    c = params[f"W{L - 1}"].shape[1]
    if dlogits.shape != (X.shape[0], c):
        raise ValueError(f"dlogits must have shape ({X.shape[0]}, {c}), got {dlogits.shape}")
    inputs, derivs, h = [X], [], X
    for layer in range(L - 1):
        s, d1, _ = _act(h @ params[f"W{layer}"] + params[f"b{layer}"], activation)
        inputs.append(s)
        derivs.append(d1)
        h = s
    grads: dict[str, np.ndarray] = {}
    d = dlogits
    for layer in range(L - 1, -1, -1):
        grads[f"W{layer}"] = inputs[layer].T @ d
        grads[f"b{layer}"] = d.sum(axis=0)
        if layer:
            d = (d @ params[f"W{layer}"].T) * derivs[layer - 1]
    return np.concatenate([grads[b.name].ravel() for b in parameter_blocks(params)])


@dataclass(frozen=True)
class LogitDerivatives:
    """Logits of every sample with their exact first and second parameter derivatives.

    Attributes
    ----------
    logits : array, shape (n, c)
    jacobian : array, shape (n, c, P)
        ``dz_k(x_n) / d theta``.
    hessians : array, shape (n, c, P, P)
        ``d^2 z_k(x_n) / d theta^2``; identically zero for the linear model.
    min_abs_preactivation : float
        As :func:`min_abs_preactivation` (for ReLU: the distance to the nearest kink).
    """

    logits: np.ndarray
    jacobian: np.ndarray
    hessians: np.ndarray
    min_abs_preactivation: float


def logit_derivatives(params: Params, X: Any, activation: str = "relu") -> LogitDerivatives:
    """Second-order forward mode through the network: exact ``z``, ``dz/dtheta``, ``d^2 z/dtheta^2``.

    A layer ``a_j = sum_i h_i W_ij + b_j`` gives ``J_a = W^T J_h + [da_j/dW_ij = h_i, da_j/db_j = 1]``
    and ``H_a = W^T H_h + (e_{W_ij} J_{h_i}^T + J_{h_i} e_{W_ij}^T)``; an activation ``s``
    gives ``J = s'(a) J_a`` and ``H = s'(a) H_a + s''(a) J_a J_a^T``. For ReLU ``s'' = 0``
    (away from the kink), so ``z`` is affine in each single layer's parameters and only the
    cross-layer blocks of ``H`` are non-zero.

    Parameters
    ----------
    params : dict
        One model; ``W_l`` of shape (in, out), ``b_l`` of shape (out,).
    X : array, shape (n, dim)
    activation : {"relu", "sigmoid"}

    Returns
    -------
    LogitDerivatives
    """
    check_activation(activation)
    blocks = parameter_blocks(params)
    X = _check_X(params, X)
    L = blocks[-1].layer + 1
    P = blocks[-1].stop
    n = X.shape[0]
    h = X
    Jh: np.ndarray | None = None  # the input does not depend on theta
    Hh: np.ndarray | None = None
    min_a = np.inf
    for layer in range(L):
        W, b = params[f"W{layer}"], params[f"b{layer}"]
        din, dout = W.shape
        bW, bb = blocks[2 * layer], blocks[2 * layer + 1]
        a = h @ W + b
        Ja = np.zeros((n, dout, P)) if Jh is None else np.einsum("nip,ij->njp", Jh, W)
        Ha = np.zeros((n, dout, P, P)) if Hh is None else np.einsum("nipq,ij->njpq", Hh, W)
        ii, jj = np.meshgrid(np.arange(din), np.arange(dout), indexing="ij")
        ii, jj = ii.ravel(), jj.ravel()
        widx = bW.start + ii * dout + jj  # flat index of W_l[i, j]
        Ja[:, jj, widx] = h[:, ii]
        Ja[:, np.arange(dout), bb.start + np.arange(dout)] = 1.0
        if Jh is not None:
            # (j, widx) pairs are distinct, so the fancy-indexed += adds each term once
            Ha[:, jj, widx, :] += Jh[:, ii, :]
            Ha[:, jj, :, widx] += Jh[:, ii, :].transpose(1, 0, 2)  # split fancy indices put K first
        if layer == L - 1:
            return LogitDerivatives(a, Ja, Ha, float(min_a))
        min_a = min(min_a, float(np.abs(a).min()))
        s, d1, d2 = _act(a, activation)
        h = s
        Jh = d1[:, :, None] * Ja
        Hh = d1[:, :, None, None] * Ha + d2[:, :, None, None] * Ja[:, :, :, None] * Ja[:, :, None, :]
    raise AssertionError("unreachable")  # pragma: no cover


# ---------------------------------------------------------------- losses on the logits
def label_mixture(kind: str, labels: Any, c: int, T: TransitionMatrix | None = None,
                  max_cond: float = MAX_COND) -> np.ndarray:
    """Label weights ``w`` (n, c) for the loss ``sum_j w[n, j] l(z_n, j)``.

    Parameters
    ----------
    kind : {"clean", "noisy", "backward", "backward_noisy"}
        ``e_y``; ``T[y, :]`` (the expectation over the noisy label, Patrini et al. 2017, sec. 2);
        ``T^-1[y, :]`` (backward correction, Patrini et al. 2017, Eq. 14); ``T[y, :] T^-1`` (its
        expectation under noise, ``e_y`` by Patrini et al. 2017, Thm 1 up to rounding).
    labels : int array, shape (n,)
    c : int
    T : TransitionMatrix, needed for every kind but ``"clean"``
    """
    if kind not in LABEL_MIXTURES:
        raise ValueError(f"unknown label mixture {kind!r}; choose one of {LABEL_MIXTURES}")
    labels = np.asarray(labels)
    if labels.ndim != 1 or labels.dtype.kind not in "iu":
        raise ValueError(f"labels must be a 1-d integer array, got dtype {labels.dtype} shape {labels.shape}")
    if labels.size and (labels.min() < 0 or labels.max() >= c):
        raise ValueError(f"labels must lie in [0, {c - 1}], got range [{labels.min()}, {labels.max()}]")
    if kind == "clean":
        return np.eye(c)[labels]
    T = _check_T(T, c)
    if kind == "noisy":
        return T.matrix[labels]
    Tinv = T.inverse(max_cond)
    return Tinv[labels] if kind == "backward" else T.matrix[labels] @ Tinv


def logit_terms(z: Any, weights: Any, base: str = "cce", T: TransitionMatrix | None = None
                ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Value, gradient and Hessian in the logits of ``sum_j w_j l(z, j)``, per sample.

    ``base = "cce"``: ``l(z, j) = -z_j + logsumexp(z)``, so with ``s = sum_j w_j`` and
    ``p = softmax(z)``: ``g = s p - w``, ``G = s (diag p - p p^T)``.
    ``base = "forward"``: ``l(z, j) = -log (T^T p)_j`` (Patrini et al. 2017, sec. 3.2); with
    ``r^(j)_i = p_i T_ij / (T^T p)_j``: ``g = s p - sum_j w_j r^(j)``,
    ``G = s (diag p - p p^T) - sum_j w_j (diag r^(j) - r^(j) r^(j)T)``.

    Returns
    -------
    value : (n,), g : (n, c), G : (n, c, c)
    """
    _check_base(base)
    z = np.asarray(z, dtype=float)
    w = np.asarray(weights, dtype=float)
    if z.ndim != 2 or w.shape != z.shape:
        raise ValueError(f"logits and label weights must have the same shape (n, c), got {z.shape} and {w.shape}")
    n, c = z.shape
    m = z.max(axis=1, keepdims=True)
    lse = (m + np.log(np.exp(z - m).sum(axis=1, keepdims=True)))[:, 0]
    p = np.exp(z - lse[:, None])
    s = w.sum(axis=1)
    cov_p = np.einsum("ni,ij->nij", p, np.eye(c)) - p[:, :, None] * p[:, None, :]
    if base == "cce":
        return s * lse - (w * z).sum(axis=1), s[:, None] * p - w, s[:, None, None] * cov_p
    Tm = _check_T(T, c).matrix
    q = p @ Tm  # (n, j): the implied distribution of the noisy label
    used = w != 0
    if np.any(used & (q <= 0)):
        raise ValueError("the forward-corrected loss is infinite: a label with non-zero weight has T^T p = 0")
    with np.errstate(divide="ignore", invalid="ignore"):
        logq = np.where(used, np.log(np.where(q > 0, q, 1.0)), 0.0)
        R = np.where(used[:, None, :], p[:, :, None] * Tm[None, ...] / np.where(q > 0, q, 1.0)[:, None, :], 0.0)
    value = -(w * logq).sum(axis=1)
    g = s[:, None] * p - np.einsum("nij,nj->ni", R, w)
    cov_r = np.einsum("nij,ik->nikj", R, np.eye(c)) - R[:, :, None, :] * R[:, None, :, :]  # (n, i, k, j)
    G = s[:, None, None] * cov_p - np.einsum("nikj,nj->nik", cov_r, w)
    return value, g, G


# ---------------------------------------------------------------- parameter-space losses
def loss_value(params: Params, X: Any, weights: Any, activation: str = "relu", base: str = "cce",
               T: TransitionMatrix | None = None) -> float:
    """``(1/n) sum_n sum_j w[n, j] l(z(x_n), j)``: the empirical risk of the label mixture."""
    z = forward_pass(params, X, activation)[0]
    return float(logit_terms(z, weights, base, T)[0].mean())


def loss_gradient(params: Params, X: Any, weights: Any, activation: str = "relu", base: str = "cce",
                  T: TransitionMatrix | None = None) -> np.ndarray:
    """Flat gradient of :func:`loss_value`, by back-propagation (:func:`backprop_gradient`)."""
    z = forward_pass(params, X, activation)[0]
    g = logit_terms(z, weights, base, T)[1]
    return backprop_gradient(params, X, g / z.shape[0], activation)


def loss_hessian(params: Params, X: Any, weights: Any, activation: str = "relu", base: str = "cce",
                 T: TransitionMatrix | None = None, derivs: LogitDerivatives | None = None) -> np.ndarray:
    """Exact Hessian (P, P) of :func:`loss_value` over all parameters, by (*) of the module doc.

    Parameters
    ----------
    params, X, activation : the model and sample
    weights : array, shape (n, c)
        Label mixture (:func:`label_mixture`).
    base : {"cce", "forward"}
    T : TransitionMatrix, for ``base="forward"``
    derivs : LogitDerivatives, optional
        Reused when several losses are evaluated at the same point.
    """
    d = logit_derivatives(params, X, activation) if derivs is None else derivs
    _, g, G = logit_terms(d.logits, weights, base, T)
    H = np.einsum("nkp,nkl,nlq->pq", d.jacobian, G, d.jacobian) + np.einsum("nk,nkpq->pq", g, d.hessians)
    H /= d.logits.shape[0]
    return 0.5 * (H + H.T)  # symmetric in exact arithmetic; removes rounding asymmetry


def finite_difference_gradient(params: Params, X: Any, weights: Any, activation: str = "relu", base: str = "cce",
                               T: TransitionMatrix | None = None, step: float = 1e-6) -> np.ndarray:
    """Central differences of :func:`loss_value` in every flat coordinate (error ``O(step^2)``)."""
    theta = flatten(params)
    out = np.empty_like(theta)
    for i in range(theta.size):
        e = np.zeros_like(theta)
        e[i] = step
        out[i] = (loss_value(unflatten(theta + e, params), X, weights, activation, base, T)
                  - loss_value(unflatten(theta - e, params), X, weights, activation, base, T)) / (2 * step)
    return out


def finite_difference_hessian(params: Params, X: Any, weights: Any, activation: str = "relu", base: str = "cce",
                              T: TransitionMatrix | None = None, step: float = 1e-5) -> np.ndarray:
    """Central differences of the back-propagated gradient :func:`loss_gradient`, symmetrised.

    Truncation error ``O(step^2)`` times the third derivative, rounding ``O(eps/step)``:
    about ``1e-9`` relative with the default step. Valid for ReLU only while every
    pre-activation stays further than ``step * |da/dtheta|`` from 0.
    """
    theta = flatten(params)
    P = theta.size
    H = np.empty((P, P))
    for i in range(P):
        e = np.zeros(P)
        e[i] = step
        H[:, i] = (loss_gradient(unflatten(theta + e, params), X, weights, activation, base, T)
                   - loss_gradient(unflatten(theta - e, params), X, weights, activation, base, T)) / (2 * step)
    return 0.5 * (H + H.T)
