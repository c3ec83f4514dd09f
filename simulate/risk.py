"""Exact risks over a finite distribution, and their minimisers.

A classifier on the finite input space of a :class:`~label_noise_lab.simulate.populations.FiniteDistribution`
is an array ``f`` of shape ``(n_x, c)`` whose rows are simplex points; a batch of
classifiers has shape ``(m, n_x, c)``. With ``L(f, e_k)`` a loss of :mod:`label_noise_lab.simulate.losses`,

    R(f)     = sum_x P(x) sum_y P(y|x) L(f(x), e_y)                      (clean risk)
    R^eta(f) = sum_x P(x) sum_k (P(.|x) T)_k L(f(x), e_k)                (noisy risk)

with ``T[y, k] = P(noisy = k | clean = y)`` (Zhang & Sabuncu 2018, sec. 3.1). Terms with
zero weight count as zero even where the loss is infinite (CCE at ``f_k = 0``).

Minimisers: :func:`pointwise_minimiser` minimises ``sum_k w_k L(f, e_k)`` over the simplex
for each row ``w`` (closed forms for CCE, MSE, ``L_q``, MAE, unhinged, RCE; SciPy otherwise),
which over all measurable classifiers gives the global minimiser of the (clean or noisy)
risk. :func:`best_candidate` minimises over a finite model class exactly, and
:func:`fit_linear_softmax` fits a low-capacity linear-softmax model with SciPy.

Arrays are NumPy or CuPy for the risks (the namespace of ``f``); the SciPy paths run on
the host.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Callable, Union

import numpy as np
from scipy.optimize import minimize

from label_noise_lab.simulate.engine.namespace import namespace_of, to_host
from label_noise_lab.simulate.losses import Loss, check_k, check_q, get_loss, softmax
from label_noise_lab.simulate.noise import TransitionMatrix
from label_noise_lab.simulate.populations import FiniteDistribution

LossLike = Union[Loss, Callable[..., Any]]


# ---------------------------------------------------------------- helpers
def _value_fn(loss: LossLike) -> Callable[..., Any]:
    if isinstance(loss, Loss):
        return loss.value
    if callable(loss):
        return loss
    raise TypeError(f"loss must be a label_noise_lab.simulate.losses.Loss or a callable (inputs, labels), got "
                    f"{type(loss).__name__}")


def _transition(T: Any, c: int) -> np.ndarray:
    if not isinstance(T, TransitionMatrix):
        T = TransitionMatrix(T)
    if T.c != c:
        raise ValueError(f"transition matrix has {T.c} classes, the distribution {c}")
    return T.matrix


def _check_classifier(f: Any, n_x: int, c: int) -> Any:
    xp = namespace_of(f)
    f = xp.asarray(f, dtype=xp.float64)
    if f.ndim < 2 or f.shape[-2:] != (n_x, c):
        raise ValueError(f"classifier must have shape (..., {n_x}, {c}) for this distribution, got {f.shape}")
    return f


def loss_table(f: Any, loss: LossLike) -> Any:
    """``L(f(x), e_k)`` for every input and label: shape ``f.shape`` (``(..., n_x, c)``).

    One vectorised call of the loss on ``f`` repeated once per label.
    """
    xp = namespace_of(f)
    f = xp.asarray(f, dtype=xp.float64)
    if f.ndim < 2 or f.shape[-1] < 2:
        raise ValueError(f"classifier must have shape (..., n_x, c) with c >= 2, got {f.shape}")
    c = f.shape[-1]
    flat = xp.reshape(f, (-1, c))
    inputs = xp.repeat(flat, c, axis=0)
    labels = xp.tile(xp.arange(c), (flat.shape[0],))
    with np.errstate(divide="ignore"):
        vals = _value_fn(loss)(inputs, labels)
    return xp.reshape(vals, f.shape)


def weighted_loss(weights: Any, table: Any) -> Any:
    """``sum_k weights[..., k] table[..., k]`` with ``0 * inf = 0``."""
    xp = namespace_of(table)
    weights = xp.asarray(weights, dtype=xp.float64)
    with np.errstate(invalid="ignore"):  # 0 * inf: replaced by 0 just below
        prod = xp.where(weights == 0, 0.0, weights * table)
    return xp.sum(prod, axis=-1)


def label_weights(dist: FiniteDistribution, T: Any = None) -> np.ndarray:
    """``P(y|x)`` (``T`` None) or the noisy label distribution ``P(y|x) T``, shape ``(n_x, c)``."""
    if T is None:
        return np.asarray(dist.py_x, dtype=float)
    return np.asarray(dist.py_x, dtype=float) @ _transition(T, dist.c)


# ---------------------------------------------------------------- risks
def pointwise_risk(weights: Any, f: Any, loss: LossLike) -> Any:
    """``sum_k w[x, k] L(f(x), e_k)`` for each input: shape ``f.shape[:-1]``."""
    return weighted_loss(weights, loss_table(f, loss))


def risk(dist: FiniteDistribution, f: Any, loss: LossLike, T: Any = None) -> Any:
    """The exact risk of ``f`` (shape ``(n_x, c)`` or a batch ``(m, n_x, c)``).

    Clean risk when ``T`` is None, noisy risk under ``T`` (a :class:`TransitionMatrix` or a
    row-stochastic array) otherwise. Returns a float for one classifier, an array for a batch.
    """
    f = _check_classifier(f, dist.n_x, dist.c)
    xp = namespace_of(f)
    w = xp.asarray(label_weights(dist, T))
    px = xp.asarray(dist.px, dtype=xp.float64)
    per_x = pointwise_risk(w, f, loss)
    with np.errstate(invalid="ignore"):
        out = xp.sum(xp.where(px == 0, 0.0, px * per_x), axis=-1)
    return float(out) if out.ndim == 0 else out


def clean_risk(dist: FiniteDistribution, f: Any, loss: LossLike) -> Any:
    """``R(f) = E_{x,y}[L(f(x), e_y)]`` (Zhang & Sabuncu 2018, sec. 3.1)."""
    return risk(dist, f, loss)


def noisy_risk(dist: FiniteDistribution, f: Any, loss: LossLike, T: Any) -> Any:
    """``R^eta(f) = E_{x, noisy y}[L(f(x), e_noisy)]`` with the noisy labels drawn through ``T``."""
    return risk(dist, f, loss, T)


def class_sums(f: Any, loss: LossLike) -> Any:
    """``S(f(x)) = sum_k L(f(x), e_k)`` for each input (the class sum of Zhang & Sabuncu 2018, Eq. 3)."""
    return loss_table(f, loss).sum(axis=-1)


# ---------------------------------------------------------------- pointwise minimisers
CLOSED_FORMS = ("cce", "mse", "lq", "mae", "unhinged", "rce")


def _check_weights(w: Any) -> np.ndarray:
    w = np.asarray(to_host(w), dtype=float)
    if w.ndim == 1:
        w = w[None, :]
    if w.ndim != 2 or w.shape[1] < 2:
        raise ValueError(f"label weights must have shape (n, c) with c >= 2, got {w.shape}")
    if not np.all(np.isfinite(w)) or np.any(w < 0):
        raise ValueError(f"label weights must be finite and non-negative, got {w!r}")
    return w


def pointwise_minimiser(weights: Any, loss: Union[str, Loss], *, method: str = "auto",
                        rng: np.random.Generator | None = None, **params: float) -> np.ndarray:
    """The simplex point minimising ``sum_k w_k L(f, e_k)``, for each row ``w`` of ``weights``.

    With ``weights = P(y|x)`` this is the clean risk minimiser over all classifiers, with
    ``P(y|x) T`` the noisy one. Closed forms (``method="auto"``):

    - ``cce``, ``mse`` (proper losses): ``f = w / sum w``;
    - ``lq`` with ``q < 1``: ``f_k ∝ w_k^(1/(1-q))`` (Zhang & Sabuncu 2018, Eq. 6; stationary point of the
      concave ``sum_k w_k f_k^q``);
    - ``lq`` with ``q = 1``, ``mae``, ``unhinged``, ``rce``: the vertex at the first largest ``w_k``
      (the objective is affine in ``f``).

    Anything else (``truncated_lq``, ``sce``, a :class:`Loss` object) and ``method="numeric"``
    use SciPy: Nelder-Mead over softmax logits from several starts (``w``, the barycentre,
    near-vertices, random points).

    Parameters
    ----------
    weights : array (n, c) or (c,), non-negative label weights (a distribution per row)
    loss : a loss name of :func:`label_noise_lab.simulate.losses.get_loss` (``params`` bound), or a ``Loss``
    method : ``"auto"`` or ``"numeric"``

    Returns
    -------
    array (n, c) of simplex points
    """
    if method not in ("auto", "numeric"):
        raise ValueError(f"method must be 'auto' or 'numeric', got {method!r}")
    w = _check_weights(weights)
    name = loss if isinstance(loss, str) else loss.name
    closed = isinstance(loss, str) and name in CLOSED_FORMS and method == "auto"
    if isinstance(loss, str):
        loss_obj = get_loss(loss, **params)
    else:
        if params:
            raise ValueError("params are bound in a Loss object already; pass the loss by name to give params")
        loss_obj = loss
    if closed:
        tot = w.sum(axis=1, keepdims=True)
        if np.any(tot <= 0):
            raise ValueError("every row of weights needs a positive entry")
        if name in ("cce", "mse"):
            return w / tot
        if name == "lq" and check_q(params["q"]) < 1.0:
            r = 1.0 / (1.0 - float(params["q"]))
            with np.errstate(divide="ignore"):
                z = r * np.log(w / tot)
            z = z - z.max(axis=1, keepdims=True)
            e = np.exp(z)
            return e / e.sum(axis=1, keepdims=True)
        out = np.zeros_like(w)
        out[np.arange(w.shape[0]), np.argmax(w, axis=1)] = 1.0
        return out
    if name == "truncated_lq" and isinstance(loss, str):
        check_q(params["q"]), check_k(params["k"])
    rng = np.random.default_rng(0) if rng is None else rng
    return np.stack([_numeric_minimiser(row, loss_obj, rng) for row in w])


def _numeric_minimiser(w: np.ndarray, loss: Loss, rng: np.random.Generator, restarts: int = 4) -> np.ndarray:
    c = w.shape[0]
    labels = np.arange(c)

    def obj(z: np.ndarray) -> float:
        f = softmax(z[None, :])
        vals = loss.value(np.repeat(f, c, axis=0), labels)
        return float(np.sum(np.where(w == 0, 0.0, w * vals)))

    starts = [np.log(np.maximum(w / w.sum(), 1e-12)), np.zeros(c)]
    starts += [np.where(np.arange(c) == j, 12.0, 0.0) for j in range(c)]
    starts += [np.log(rng.dirichlet(np.ones(c))) for _ in range(restarts)]
    best_f, best_v = None, np.inf
    for z0 in starts:
        res = minimize(obj, z0, method="Nelder-Mead", options={"xatol": 1e-10, "fatol": 1e-13, "maxiter": 4000})
        if res.fun < best_v:
            best_v, best_f = float(res.fun), softmax(res.x[None, :])[0]
    return best_f


# ---------------------------------------------------------------- restricted model classes
@dataclass
class CandidateMinimum:
    """The minimiser of a risk over a finite set of classifiers.

    Attributes
    ----------
    index : position of the (first) minimiser in the candidate batch
    risks : the risk of every candidate, shape (m,)
    """

    index: int
    risks: np.ndarray

    @property
    def value(self) -> float:
        return float(self.risks[self.index])


def best_candidate(dist: FiniteDistribution, candidates: Any, loss: LossLike, T: Any = None) -> CandidateMinimum:
    """Exact risk minimiser over a finite model class ``candidates`` of shape ``(m, n_x, c)``."""
    cand = _check_classifier(candidates, dist.n_x, dist.c)
    if cand.ndim != 3 or cand.shape[0] < 1:
        raise ValueError(f"candidates must have shape (m, n_x, c) with m >= 1, got {cand.shape}")
    risks = np.asarray(to_host(risk(dist, cand, loss, T)), dtype=float).reshape(-1)
    return CandidateMinimum(int(np.argmin(risks)), risks)


@dataclass
class LinearSoftmaxFit:
    """A fitted ``f(x) = softmax(features(x) @ W)``.

    Attributes
    ----------
    W : array (d, c)
    f : the classifier on the finite inputs, (n_x, c)
    risk : its (clean or noisy) risk
    success : whether the best L-BFGS-B run reported convergence
    """

    W: np.ndarray
    f: np.ndarray
    risk: float
    success: bool


def fit_linear_softmax(dist: FiniteDistribution, features: Any, loss: Loss, T: Any = None,
                       rng: np.random.Generator | None = None, restarts: int = 3,
                       l2: float = 0.0) -> LinearSoftmaxFit:
    """Minimise the exact risk over the low-capacity class ``softmax(features @ W)`` with SciPy.

    L-BFGS-B with the analytic gradient ``features^T G``, ``G[x] = P(x) sum_k w_xk dL/dz``
    (``loss.grad``), from ``restarts`` random starts plus zero; ``l2`` adds ``l2 ||W||^2``.
    A local method: for a non-convex loss the result is a local minimum.

    Parameters
    ----------
    features : array (n_x, d)
    loss : a :class:`Loss` (needs ``grad``)
    """
    if not isinstance(loss, Loss):
        raise TypeError(f"fit_linear_softmax needs a label_noise_lab.simulate.losses.Loss (for its gradient), got "
                        f"{type(loss).__name__}")
    X = np.asarray(to_host(features), dtype=float)
    if X.ndim != 2 or X.shape[0] != dist.n_x:
        raise ValueError(f"features must have shape ({dist.n_x}, d), got {X.shape}")
    if restarts < 0 or l2 < 0:
        raise ValueError(f"restarts and l2 must be non-negative, got restarts={restarts!r}, l2={l2!r}")
    c, d = dist.c, X.shape[1]
    w = label_weights(dist, T)
    px = np.asarray(dist.px, dtype=float)
    labels = np.tile(np.arange(c), dist.n_x)
    rng = np.random.default_rng(0) if rng is None else rng

    def obj(theta: np.ndarray) -> tuple[float, np.ndarray]:
        W = theta.reshape(d, c)
        Z = X @ W
        Zr = np.repeat(Z, c, axis=0)
        vals = loss.value(Zr, labels, from_logits=True).reshape(dist.n_x, c)
        grads = loss.grad(Zr, labels).reshape(dist.n_x, c, c)
        val = float(px @ (w * vals).sum(axis=1)) + l2 * float(theta @ theta)
        G = px[:, None] * np.einsum("xk,xkj->xj", w, grads)
        g = (X.T @ G).ravel() + 2 * l2 * theta
        return val, g

    best: tuple[float, np.ndarray, bool] | None = None
    for i in range(restarts + 1):
        theta0 = np.zeros(d * c) if i == 0 else rng.normal(scale=1.0, size=d * c)
        res = minimize(obj, theta0, jac=True, method="L-BFGS-B", options={"maxiter": 2000, "gtol": 1e-10})
        if best is None or res.fun < best[0]:
            best = (float(res.fun), res.x, bool(res.success))
    assert best is not None  # restarts >= 0 gives at least one run
    W = best[1].reshape(d, c)
    f = softmax(X @ W)
    return LinearSoftmaxFit(W, f, float(risk(dist, f, loss, T)), best[2])
