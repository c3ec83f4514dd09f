"""Small classifiers with hand-written gradients: a linear softmax model and ReLU MLPs.

A model is a dict of plain arrays ``{"W0", "b0", "W1", "b1", ...}``: layer ``l`` maps its
input ``h_l`` to ``h_l @ W_l + b_l``, every layer but the last followed by a ReLU, the last
giving the logits (the softmax lives in the loss, :mod:`label_noise_lab.simulate.losses`). The linear
softmax model is the MLP with no hidden layer.

Every array may carry leading *replica* axes: ``W_l`` of shape ``(*lead, in, out)`` holds
``prod(lead)`` independent models that are run by one batched ``matmul`` (several seeds or
settings trained at once, which is what makes the training simulations of
:mod:`label_noise_lab.simulate.experiments` fast on a CPU). Inputs are ``(n, dim)`` (shared by every
replica) or ``(*lead, n, dim)`` (one sample per replica).

The functions are pure and written against the array namespace of their arguments, so they
run unchanged on NumPy and CuPy. Gradients are derived by hand (no autodiff) and checked
against central finite differences in ``tests/simulate/test_models.py``.

Zhang & Sabuncu 2018 train ResNets with ReLU hidden layers and a softmax output
(sec. 4); these are their smallest relatives.
"""
from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any, Sequence

import numpy as np

from label_noise_lab.simulate.engine.blas import block_rows
from label_noise_lab.simulate.engine.namespace import dtype_in, namespace_of
from label_noise_lab.simulate.engine.rng import check_generator
from label_noise_lab.theory.validators import check_int

Params = dict[str, Any]


@dataclass(frozen=True)
class Cache:
    """What :func:`forward` keeps for :func:`backward`.

    Attributes
    ----------
    inputs : tuple of arrays
        ``inputs[l]`` is the input of layer ``l``: ``X`` for ``l = 0``, else the ReLU output
        of layer ``l - 1``, shape ``(*lead, n, width_l)`` (``X`` may lack the lead axes).
    """

    inputs: tuple[Any, ...]


def n_layers(params: Params) -> int:
    """Number of affine layers (1 for the linear model); raises on a malformed dict."""
    if not isinstance(params, dict) or "W0" not in params:
        raise ValueError(f"params must be a dict with keys W0, b0, W1, b1, ...; got {type(params).__name__} "
                         f"with keys {sorted(params) if isinstance(params, dict) else None}")
    L = len(params) // 2
    want = {f"{p}{layer}" for layer in range(L) for p in "Wb"}
    if set(params) != want:
        raise ValueError(f"params must have keys {sorted(want)}, got {sorted(params)}")
    return L


def lead_shape(params: Params) -> tuple[int, ...]:
    """The replica axes of ``params`` (``()`` for a single model)."""
    return tuple(params["W0"].shape[:-2])


def init_mlp(dim: int, c: int, hidden: int | Sequence[int], rng: np.random.Generator, *,
             replicas: int | None = None, xp: Any = np, dtype: Any = np.float64) -> Params:
    """Random ReLU network ``dim -> hidden... -> c`` (He initialisation, zero biases).

    Parameters
    ----------
    dim, c : int
        Input dimension (>= 1) and number of classes (>= 2).
    hidden : int or sequence of int
        Width of each hidden layer (each >= 1); ``()`` gives the linear softmax model.
    rng : numpy.random.Generator
        Draws the weights on the host (so a seed gives the same model on every backend).
    replicas : int, optional
        When given, every array gets a leading axis of this length: independent models.
    xp : module
        Array namespace of the returned arrays (NumPy or CuPy).

    Returns
    -------
    dict
        ``W_l`` of shape ``([replicas,] in_l, out_l)`` with entries ``N(0, 2/in_l)`` for layers
        followed by a ReLU and ``N(0, 1/in_l)`` for the output layer; ``b_l`` zeros
        ``([replicas,] out_l)``.
    """
    dim = check_int("dim", dim, 1)
    c = check_int("number of classes c", c, 2)
    if not isinstance(hidden, (int, np.integer, list, tuple)):
        raise ValueError(f"hidden must be a width or a sequence of widths (integers >= 1), got {hidden!r}")
    check_generator(rng)
    widths = [hidden] if isinstance(hidden, (int, np.integer)) else list(hidden)
    for h in widths:
        check_int("hidden width", h, 1)
    lead: tuple[int, ...] = () if replicas is None else (check_int("replicas", replicas, 1),)
    sizes = [dim, *[int(h) for h in widths], c]
    params: Params = {}
    for layer, (fan_in, fan_out) in enumerate(zip(sizes[:-1], sizes[1:])):
        gain = 2.0 if layer < len(sizes) - 2 else 1.0
        W = rng.standard_normal((*lead, fan_in, fan_out)) * np.sqrt(gain / fan_in)
        params[f"W{layer}"] = xp.asarray(W, dtype=dtype_in(xp, dtype))
        params[f"b{layer}"] = xp.zeros((*lead, fan_out), dtype=dtype_in(xp, dtype))
    return params


def init_linear(dim: int, c: int, rng: np.random.Generator, *, replicas: int | None = None,
                xp: Any = np, dtype: Any = np.float64) -> Params:
    """Linear softmax model ``logits = X W0 + b0`` (:func:`init_mlp` with no hidden layer)."""
    return init_mlp(dim, c, (), rng, replicas=replicas, xp=xp, dtype=dtype)


def forward(params: Params, X: Any) -> tuple[Any, Cache]:
    """Logits of the network and the cache :func:`backward` needs.

    Parameters
    ----------
    params : dict
        As made by :func:`init_mlp`, lead axes ``lead``.
    X : array, shape (n, dim) or (*lead, n, dim)

    Returns
    -------
    logits : array, shape (*lead, n, c)
    cache : Cache

    Raises
    ------
    ValueError
        When ``X`` is not at least 2-d or its last axis differs from the input width.
    """
    L = n_layers(params)
    xp = namespace_of(params["W0"])
    if getattr(X, "ndim", 0) < 2:
        raise ValueError(f"X must have shape (n, dim) or (*lead, n, dim), got shape {getattr(X, 'shape', None)}")
    if X.shape[-1] != params["W0"].shape[-2]:
        raise ValueError(f"X has {X.shape[-1]} features but the model expects {params['W0'].shape[-2]}")
    inputs = [X]
    h = X
    for layer in range(L):
        z = xp.matmul(h, params[f"W{layer}"]) + params[f"b{layer}"][..., None, :]
        if layer < L - 1:
            h = xp.maximum(z, 0.0)
            inputs.append(h)
        else:
            h = z
    return h, Cache(tuple(inputs))


def _deltas(params: Params, cache: Cache, dlogits: Any) -> list[Any]:
    """``delta_l = dLoss/d(pre-activation of layer l)``, per sample, for every layer."""
    L = n_layers(params)
    if len(cache.inputs) != L:
        raise ValueError(f"cache holds {len(cache.inputs)} layer inputs, the model has {L} layers")
    xp = namespace_of(params["W0"])
    c = params[f"W{L - 1}"].shape[-1]
    n = cache.inputs[0].shape[-2]
    if dlogits.shape[-1] != c or dlogits.shape[-2] != n:
        raise ValueError(f"dlogits must have shape (..., {n}, {c}) to match the forward pass, got {dlogits.shape}")
    deltas = [dlogits]
    d = dlogits
    for layer in range(L - 1, 0, -1):
        d = xp.matmul(d, xp.matrix_transpose(params[f"W{layer}"]))
        d = d * xp.astype(cache.inputs[layer] > 0, d.dtype)  # ReLU'(z) = 1[z > 0] = 1[h > 0]
        deltas.append(d)
    return deltas[::-1]


def backward(params: Params, cache: Cache, dlogits: Any) -> Params:
    """Gradient of ``sum_i sum_k dlogits[i, k] * logits[i, k]`` with respect to every parameter.

    Pass ``dlogits = dLoss/dlogits`` (already weighted and divided by the batch size as the
    objective needs) to get ``dLoss/dparams``; samples are summed, replicas are not.

    Parameters
    ----------
    params : dict
    cache : Cache
        From :func:`forward` on the same ``params``.
    dlogits : array, shape (*lead, n, c)

    Returns
    -------
    dict
        Same keys and shapes as ``params``.
    """
    xp = namespace_of(params["W0"])
    deltas = _deltas(params, cache, dlogits)
    grads: Params = {}
    for layer, (h, d) in enumerate(zip(cache.inputs, deltas)):
        gW = xp.matmul(xp.matrix_transpose(h), d)
        want = params[f"W{layer}"].shape
        if gW.shape != want:  # a shared X with per-replica deltas broadcasts already; this is a guard
            gW = xp.broadcast_to(gW, want)
        grads[f"W{layer}"] = gW
        grads[f"b{layer}"] = xp.sum(d, axis=-2)
    return grads


def per_sample_grad_sq_norms(params: Params, cache: Cache, dlogits: Any) -> Any:
    """``||d loss_i / d params||_2^2`` for every sample ``i`` separately, without a loop.

    The gradient of sample ``i`` with respect to ``W_l`` is the outer product
    ``h_{l,i} delta_{l,i}^T``, whose squared Frobenius norm is ``||h_{l,i}||^2 ||delta_{l,i}||^2``;
    its bias gradient is ``delta_{l,i}``. Summing over layers gives the squared norm of the
    whole parameter gradient (the quantity the Li's notes sec. 2 ask about for CCE).

    Parameters
    ----------
    dlogits : array, shape (*lead, n, c)
        ``d loss_i / d logits_i`` per sample (not divided by ``n``).

    Returns
    -------
    array, shape (*lead, n)
    """
    deltas = _deltas(params, cache, dlogits)
    xp = namespace_of(dlogits)
    total = 0.0
    for h, d in zip(cache.inputs, deltas):
        total = total + (xp.sum(h * h, axis=-1) + 1.0) * xp.sum(d * d, axis=-1)
    return total


EVAL_CHUNK = 128


def logits_of(params: Params, X: Any, chunk: int | None = None) -> Any:
    """Logits of :func:`forward` without the cache, computed ``chunk`` rows at a time.

    For evaluation (monitoring, pruning) of many samples. By default (``chunk=None``) rows come in blocks of
    :data:`EVAL_CHUNK`, which keep every matrix product below OpenBLAS's threading threshold
    (``m n k < 262144``): on a busy 2-core machine a threaded product of ``1000 x 20 x 64`` was measured 15 times
    slower than a single-threaded one, while blocks cost nothing measurable when the machine is idle. Inside
    :func:`label_noise_lab.simulate.engine.blas.pinned_blas` with one thread (every check) on the host, the blocks are
    as large
    as keep a layer's output within :data:`label_noise_lab.simulate.engine.blas.BLOCK_ENTRIES`
    (:func:`~label_noise_lab.simulate.engine.blas.block_rows`).
    """
    xp = namespace_of(params["W0"])
    if chunk is None:
        width = max([X.shape[-1], *(params[f"W{k}"].shape[-1] for k in range(n_layers(params)))])
        chunk = block_rows(xp, math.prod(params["W0"].shape[:-2]) * width, EVAL_CHUNK)
    chunk = check_int("chunk", chunk, 1)
    n = X.shape[-2] if getattr(X, "ndim", 0) >= 2 else None
    if n is None or n <= chunk:
        return forward(params, X)[0]
    parts = [forward(params, X[..., s:min(s + chunk, n), :])[0] for s in range(0, n, chunk)]
    return xp.concat(parts, axis=-2)


def predict_proba(params: Params, X: Any) -> Any:
    """Softmax outputs ``f(x)``, shape (*lead, n, c)."""
    xp = namespace_of(params["W0"])
    z = logits_of(params, X)
    z = z - xp.max(z, axis=-1, keepdims=True)
    e = xp.exp(z)
    return e / xp.sum(e, axis=-1, keepdims=True)


def accuracy(params: Params, X: Any, y: Any) -> Any:
    """Fraction of ``argmax f(x) == y`` per replica, shape ``lead`` (a 0-d array for one model)."""
    z = logits_of(params, X)
    xp = namespace_of(z)
    return xp.mean(xp.astype(xp.argmax(z, axis=-1) == y, xp.float64), axis=-1)


def n_parameters(params: Params) -> int:
    """Number of scalar parameters of one replica."""
    lead = len(lead_shape(params))
    return int(sum(int(np.prod(a.shape[lead:])) for a in params.values()))
