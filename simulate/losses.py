"""Classification losses and their logit gradients, vectorised over samples.

Every loss takes ``inputs`` of shape (n, c), either simplex points (``from_logits=False``,
validated: non-negative rows summing to 1 within ``SIMPLEX_TOL``, nothing renormalised)
or logits (``from_logits=True``, computed through log-sum-exp so no ``log(0)`` occurs),
and integer ``labels`` of shape (n,). It returns the per-sample loss, shape (n,).

The ``*_grad`` functions return ``dL/dz`` for logits ``z`` (softmax output), shape (n, c).
For a loss that depends on ``p_y`` only, ``dL/dz = L'(p_y) p_y (e_y - p)``.

Every loss is written once, in :mod:`label_noise_lab.theory.losses`
(:class:`label_noise_lab.theory.losses.LossDefinition`):
:func:`derived_loss` derives its value and gradient from that definition, for NumPy or CuPy
(:func:`label_noise_lab.simulate.engine.kernels.array_function`). The hand-written kernels here (``cce``, ``lq``, ...)
are fast,
numerically stable paths of eight of them, each tested against the derivation; their parameters are checked
against the one declaration of each domain (:mod:`label_noise_lab.theory.loss_parameters`).

Sources: Ghosh et al. 2017 / Li's notes Eqs. 1-4 (CCE, MAE, MSE);
Zhang & Sabuncu 2018 Eq. 6 (``L_q``), Eq. 9 (truncated ``L_q``), sec. 3.1
(unhinged); Wang et al. 2019 / Li's notes, Eqs. 17-20 (RCE, SCE).
"""
from __future__ import annotations

import contextlib
import contextvars
import math
from dataclasses import dataclass
from typing import Any, Callable, Iterator

import numpy as np

from label_noise_lab.simulate.engine.kernels import array_function
from label_noise_lab.simulate.engine.namespace import namespace_of, to_host
from label_noise_lab.theory.loss_parameters import SCE_ALPHA, SCE_BETA, K, Q
from label_noise_lab.theory.loss_parameters import A as A_DOMAIN
from label_noise_lab.theory.validators import check_classes

SIMPLEX_TOL = 1e-6


# ---------------------------------------------------------------- validation helpers
def check_q(q: float) -> float:
    """``q`` of ``L_q`` must lie in ``(0, 1]`` (Zhang & Sabuncu 2018, Eq. 6):
    :data:`label_noise_lab.theory.loss_parameters.Q`."""
    return Q.floating(q)


def check_k(k: float) -> float:
    """``k`` of the truncated ``L_q`` must lie in ``(0, 1)`` (Zhang & Sabuncu 2018, Eq. 9):
    :data:`label_noise_lab.theory.loss_parameters.K`."""
    return K.floating(k)


def check_A(A: float) -> float:
    """``A = log 0`` of RCE must be negative (Wang et al. 2019; Li's notes, Eq. 18):
    :data:`label_noise_lab.theory.loss_parameters.A`."""
    return A_DOMAIN.floating(A)


def check_simplex(p: Any, tol: float = SIMPLEX_TOL) -> None:
    """Raise unless every row of ``p`` is a point of the probability simplex."""
    xp = namespace_of(p)
    if p.ndim != 2 or p.shape[1] < 2:
        raise ValueError(f"probabilities must have shape (n, c) with c >= 2, got {p.shape}")
    if not bool(xp.all(xp.isfinite(p))):
        raise ValueError("probabilities contain NaN or infinite values")
    if bool(xp.any(p < 0)):
        i = int(xp.argmax(xp.any(p < 0, axis=1)))
        raise ValueError(f"probabilities have a negative entry in row {i}: {p[i]}")
    dev = xp.abs(xp.sum(p, axis=1) - 1.0)
    if bool(xp.any(dev > tol)):
        i = int(xp.argmax(dev))
        raise ValueError(f"probabilities in row {i} sum to {float(xp.sum(p[i]))!r}, not 1 (tolerance {tol}): {p[i]}")


_CHECKED: contextvars.ContextVar[bool] = contextvars.ContextVar("simulate_inputs_checked", default=False)


@contextlib.contextmanager
def inputs_checked() -> Iterator[None, ...]:
    """Inside this block the per-element checks (finite logits, labels in range) are skipped.

    For engine loops whose inputs were checked once before the loop (logits validated at set-up,
    labels drawn by the engine itself): on a device each check is a host synchronisation.
    Shapes and dtypes (metadata, free) are still checked.
    """
    token = _CHECKED.set(True)
    try:
        yield
    finally:
        _CHECKED.reset(token)


def check_values(xp: Any, *, finite: Any = None, labels: Any = None, c: int = 0, what: str = "logits") -> None:
    """The per-element checks of one call in a single host sync: ``finite`` has no NaN/inf, ``labels`` lie in
    ``[0, c)``. Skipped inside :func:`inputs_checked`. Raises ``ValueError`` quoting the range."""
    if _CHECKED.get():
        return
    parts = []
    if finite is not None:
        parts.append(xp.astype(xp.all(xp.isfinite(finite)), xp.int64))
    has_labels = labels is not None and math.prod(labels.shape) > 0
    if has_labels:
        parts += [xp.astype(xp.min(labels), xp.int64), xp.astype(xp.max(labels), xp.int64)]
    if not parts:
        return
    vals = [int(v) for v in to_host(xp.stack(parts))]
    if finite is not None and not vals.pop(0):
        raise ValueError(f"{what} contain NaN or infinite values")
    if has_labels and (vals[0] < 0 or vals[1] >= c):
        raise ValueError(f"labels must lie in [0, {c - 1}], got range [{vals[0]}, {vals[1]}]")


def check_labels(labels: Any, n: int, c: int, xp: Any, *, finite: Any = None) -> Any:
    """Labels of shape (n,), integer, in ``[0, c)``; with ``finite``, that array's finiteness too (one sync)."""
    labels = xp.asarray(labels)
    if labels.shape != (n,):
        raise ValueError(f"labels must have shape ({n},) to match the inputs, got {labels.shape}")
    if not xp.isdtype(labels.dtype, "integral"):
        raise ValueError(f"labels must be integers, got dtype {labels.dtype}")
    check_values(xp, finite=finite, labels=labels, c=c)
    return labels


def check_inputs(inputs: Any) -> Any:
    xp = namespace_of(inputs)
    inputs = xp.asarray(inputs, dtype=xp.float64)
    if inputs.ndim != 2 or inputs.shape[1] < 2:
        raise ValueError(f"inputs must have shape (n, c) with c >= 2, got {inputs.shape}")
    return inputs


# ---------------------------------------------------------------- softmax pieces
def log_softmax(z: Any) -> Any:
    """Row-wise ``log softmax(z)`` through log-sum-exp."""
    xp = namespace_of(z)
    m = xp.max(z, axis=1, keepdims=True)
    s = z - m
    return s - xp.log(xp.sum(xp.exp(s), axis=1, keepdims=True))


def softmax(z: Any) -> Any:
    """Row-wise softmax, shifted by the row maximum."""
    xp = namespace_of(z)
    e = xp.exp(z - xp.max(z, axis=1, keepdims=True))
    return e / xp.sum(e, axis=1, keepdims=True)


def _probs_and_logpy(inputs: Any, labels: Any, from_logits: bool) -> tuple[Any, Any, Any, Any]:
    """``(p, p_y, log p_y, labels)`` with validated inputs."""
    inputs = check_inputs(inputs)
    xp = namespace_of(inputs)
    n, c = inputs.shape
    labels = check_labels(labels, n, c, xp, finite=inputs if from_logits else None)
    rows = xp.arange(n)
    if from_logits:
        logp = log_softmax(inputs)
        logpy = logp[rows, labels]
        return xp.exp(logp), xp.exp(logpy), logpy, labels
    check_simplex(inputs)
    py = inputs[rows, labels]
    with np.errstate(divide="ignore"):
        logpy = xp.log(py)  # -inf exactly where p_y = 0: the loss is then +inf, as it should be
    return inputs, py, logpy, labels


# ---------------------------------------------------------------- losses
def cce(inputs: Any, labels: Any, *, from_logits: bool = False) -> Any:
    """Categorical cross entropy ``-log p_y`` (Li's notes, Eq. 1)."""
    _, _, logpy, _ = _probs_and_logpy(inputs, labels, from_logits)
    return -logpy


def mae(inputs: Any, labels: Any, *, from_logits: bool = False) -> Any:
    """Mean absolute error ``||e_y - p||_1 = 2 - 2 p_y`` on the simplex (Li's notes, Eq. 2; Zhang & Sabuncu 2018,
    Eq. 4)."""
    _, py, _, _ = _probs_and_logpy(inputs, labels, from_logits)
    return 2.0 - 2.0 * py


def mse(inputs: Any, labels: Any, *, from_logits: bool = False) -> Any:
    """Mean squared error ``||e_y - p||_2^2 = ||p||^2 - 2 p_y + 1`` (Li's notes, Eq. 4)."""
    p, py, _, _ = _probs_and_logpy(inputs, labels, from_logits)
    return namespace_of(p).sum((p * p), axis=1) - 2.0 * py + 1.0


def unhinged(inputs: Any, labels: Any, *, from_logits: bool = False) -> Any:
    """Unhinged loss ``1 - p_y`` (van Rooyen et al. 2015; Zhang & Sabuncu 2018, sec. 3.1)."""
    _, py, _, _ = _probs_and_logpy(inputs, labels, from_logits)
    return 1.0 - py


def lq(inputs: Any, labels: Any, q: float, *, from_logits: bool = False) -> Any:
    """Generalized cross entropy ``L_q = (1 - p_y^q)/q``, ``q`` in ``(0, 1]`` (Zhang & Sabuncu 2018, Eq. 6)."""
    q = check_q(q)
    xp = namespace_of(inputs)
    _, _, logpy, _ = _probs_and_logpy(inputs, labels, from_logits)
    return -xp.expm1(q * logpy) / q  # (1 - exp(q log p_y))/q, accurate for small q log p_y


def lq_at(k: float, q: float) -> float:
    """``L_q(k) = (1 - k^q)/q`` for ``k`` in ``[0, 1]``, the truncation level of Eq. 9 (Zhang & Sabuncu 2018).

    Computed as ``-expm1(q log k)/q``, right to rounding for small ``q`` (where ``1 - k^q``
    cancels: 4% off at ``q = 1e-15``); ``L_q(0) = 1/q``.
    """
    q = check_q(q)
    if isinstance(k, bool) or not isinstance(k, (int, float, np.integer, np.floating)) or not 0.0 <= float(k) <= 1.0:
        raise ValueError(f"k (a value of p_y) must be a number in [0, 1], got {k!r}")
    if k == 0:
        return 1.0 / q
    return float(-math.expm1(q * math.log(float(k))) / q)


def truncated_lq(inputs: Any, labels: Any, q: float, k: float, *, from_logits: bool = False) -> Any:
    """Truncated ``L_q``: ``L_q(k)`` if ``p_y <= k`` else ``L_q(p_y)`` (Zhang & Sabuncu 2018, Eq. 9)."""
    q, k = check_q(q), check_k(k)
    xp = namespace_of(inputs)
    _, py, logpy, _ = _probs_and_logpy(inputs, labels, from_logits)
    val = -xp.expm1(q * logpy) / q
    return xp.where(py <= k, lq_at(k, q), val)


def rce(inputs: Any, labels: Any, A: float = -4.0, *, from_logits: bool = False) -> Any:
    """Reverse cross entropy for a one-hot label with ``log 0 := A``: ``-A (1 - p_y)`` (Li's notes, Eq. 18)."""
    A = check_A(A)
    _, py, _, _ = _probs_and_logpy(inputs, labels, from_logits)
    return -A * (1.0 - py)


def sce(inputs: Any, labels: Any, alpha: float = 0.1, beta: float = 1.0, A: float = -4.0, *,
        from_logits: bool = False) -> Any:
    """Symmetric cross entropy ``alpha CE + beta RCE`` (Li's notes, Eq. 19)."""
    _check_weights(alpha, beta)
    return alpha * cce(inputs, labels, from_logits=from_logits) + beta * rce(inputs, labels, A, from_logits=from_logits)


def _check_weights(alpha: float, beta: float) -> None:
    """SCE's weights: each in its declared domain (:data:`label_noise_lab.theory.loss_parameters.SCE_ALPHA`,
    ``SCE_BETA``), not both
    zero."""
    if not (SCE_ALPHA.contains(alpha) and SCE_BETA.contains(beta) and alpha + beta > 0):
        raise ValueError(f"SCE weights must be non-negative and not both zero, got alpha={alpha!r}, beta={beta!r}")


# ---------------------------------------------------------------- logit gradients
def _softmax_and_onehot(logits: Any, labels: Any) -> tuple[Any, Any, Any]:
    # a gradient keeps its logits' floating type: float32 training (ghosh17, sce19, gce18.q_tradeoff) then runs its
    # backward pass in float32 too, not in float64 from here on (issue 59: a tenth of those checks' time); float64
    # logits, and anything not yet a floating array, are as before
    xp = namespace_of(logits)
    floating = hasattr(logits, "dtype") and xp.isdtype(logits.dtype, "real floating")
    logits = logits if floating else check_inputs(logits)
    if logits.ndim != 2 or logits.shape[1] < 2:
        raise ValueError(f"inputs must have shape (n, c) with c >= 2, got {logits.shape}")
    n, c = logits.shape
    labels = check_labels(labels, n, c, xp, finite=logits)
    p = softmax(logits)
    onehot = xp.astype(labels[:, None] == xp.arange(c), p.dtype)
    return p, onehot, p[xp.arange(n), labels]


def cce_grad(logits: Any, labels: Any) -> Any:
    """``dCCE/dz = p - e_y``."""
    p, e, _ = _softmax_and_onehot(logits, labels)
    return p - e


def mae_grad(logits: Any, labels: Any) -> Any:
    """``dMAE/dz = 2 p_y (p - e_y)`` (Li's notes, Eq. 10 takes its L1 norm)."""
    p, e, py = _softmax_and_onehot(logits, labels)
    return 2.0 * py[:, None] * (p - e)


def unhinged_grad(logits: Any, labels: Any) -> Any:
    """``d(1 - p_y)/dz = p_y (p - e_y)``."""
    p, e, py = _softmax_and_onehot(logits, labels)
    return py[:, None] * (p - e)


def mse_grad(logits: Any, labels: Any) -> Any:
    """``dMSE/dz_k = p_k (g_k - <g, p>)`` with ``g = 2 (p - e_y)``."""
    p, e, _ = _softmax_and_onehot(logits, labels)
    g = 2.0 * (p - e)
    return p * (g - namespace_of(p).sum((g * p), axis=1, keepdims=True))


def lq_grad(logits: Any, labels: Any, q: float) -> Any:
    """``dL_q/dz = p_y^q (p - e_y)``: CCE's gradient weighted by ``p_y^q`` (Zhang & Sabuncu 2018, sec. 3.2)."""
    q = check_q(q)
    p, e, py = _softmax_and_onehot(logits, labels)
    return (py**q)[:, None] * (p - e)


def truncated_lq_grad(logits: Any, labels: Any, q: float, k: float) -> Any:
    """Gradient of the truncated ``L_q``: that of ``L_q`` where ``p_y > k``, zero elsewhere (Zhang & Sabuncu 2018,
    sec. 3.3)."""
    q, k = check_q(q), check_k(k)
    p, e, py = _softmax_and_onehot(logits, labels)
    xp = namespace_of(p)
    w = xp.where(py > k, py**q, 0.0)
    return w[:, None] * (p - e)


def rce_grad(logits: Any, labels: Any, A: float = -4.0) -> Any:
    """``dRCE/dz = -A p_y (p - e_y)`` (Li's notes, Eq. 20, second term)."""
    A = check_A(A)
    p, e, py = _softmax_and_onehot(logits, labels)
    return (-A) * py[:, None] * (p - e)


def sce_grad(logits: Any, labels: Any, alpha: float = 0.1, beta: float = 1.0, A: float = -4.0) -> Any:
    """``alpha dCE/dz + beta dRCE/dz`` (Li's notes, Eq. 20)."""
    _check_weights(alpha, beta)
    return alpha * cce_grad(logits, labels) + beta * rce_grad(logits, labels, A)


# ---------------------------------------------------------------- registry
@dataclass(frozen=True)
class Loss:
    """A named loss with bound parameters: ``value(inputs, labels, from_logits=)`` and ``grad(logits, labels)``.

    Its properties (bounded, symmetric, ...) are not stated here: the loss trial decides them from the loss's one
    definition (``python -m paper_checks losses``, :func:`paper_checks.trials.simplex.trial`).
    """

    name: str
    value: Callable[..., Any]
    grad: Callable[[Any, Any], Any]
    table: Callable[[Any, bool], Any] | None = None
    """``table(inputs, from_logits)`` -> ``L[n, k] = l(p_n, k)`` for every label in one pass, where cheap."""


def get_loss(name: str, **params: float) -> Loss:
    """The loss ``name`` (``cce, mae, mse, unhinged, lq, truncated_lq, rce, sce``) with ``params`` bound.

    ``lq`` needs ``q``; ``truncated_lq`` needs ``q`` and ``k``; ``rce`` takes ``A``;
    ``sce`` takes ``alpha, beta, A``. Unknown names or parameters raise ``ValueError``.
    """
    table: dict[str, tuple[Callable[..., Any], Callable[..., Any], tuple[str, ...]]] = {
        "cce": (cce, cce_grad, ()),
        "mae": (mae, mae_grad, ()),
        "mse": (mse, mse_grad, ()),
        "unhinged": (unhinged, unhinged_grad, ()),
        "lq": (lq, lq_grad, ("q",)),
        "truncated_lq": (truncated_lq, truncated_lq_grad, ("q", "k")),
        "rce": (rce, rce_grad, ("A",)),
        "sce": (sce, sce_grad, ("alpha", "beta", "A")),
    }
    if name not in table:
        raise ValueError(f"unknown loss {name!r}; choose one of {', '.join(table)}")
    val, grad, allowed = table[name]
    extra = set(params) - set(allowed)
    if extra:
        raise ValueError(f"loss {name!r} takes parameters {allowed}, got unexpected {sorted(extra)}")
    missing = [a for a in allowed if a not in params and name in ("lq", "truncated_lq")]
    if missing:
        raise ValueError(f"loss {name!r} needs parameters {missing}")
    return Loss(
        name=name,
        value=lambda inputs, labels, from_logits=False: val(inputs, labels, **params, from_logits=from_logits),
        grad=lambda logits, labels: grad(logits, labels, **params),
        table=(lambda inputs, from_logits=False: label_table(name, inputs, from_logits=from_logits))
        if name in TABLE_LOSSES else None,
    )


TABLE_LOSSES = ("cce", "mae", "mse", "unhinged")


def label_table(name: str, inputs: Any, *, from_logits: bool = False) -> Any:
    """``L[n, k] = l(p_n, e_k)`` for every label ``k`` in one pass, shape (n, c).

    For the parameter-free losses that depend on ``p`` alone: ``cce`` (``-log p_k``),
    ``mae`` (``2 - 2 p_k``), ``mse`` (``||p||^2 - 2 p_k + 1``), ``unhinged`` (``1 - p_k``).
    Backward correction needs the loss for every label (Patrini et al. 2017, Eq. 4).
    """
    if name not in TABLE_LOSSES:
        raise ValueError(f"label_table supports {TABLE_LOSSES}, got {name!r}")
    inputs = check_inputs(inputs)
    xp = namespace_of(inputs)
    if from_logits:
        check_values(xp, finite=inputs)
        logp = log_softmax(inputs)
        if name == "cce":
            return -logp
        p = xp.exp(logp)
    else:
        check_simplex(inputs)
        p = inputs
        if name == "cce":
            with np.errstate(divide="ignore"):
                return -xp.log(p)
    if name == "mae":
        return 2.0 - 2.0 * p
    if name == "unhinged":
        return 1.0 - p
    return xp.sum((p * p), axis=1, keepdims=True) - 2.0 * p + 1.0


# ---------------------------------------------------------------- losses derived from their one definition
def derived_loss(definition: Any, c: int) -> Loss:
    """The NumPy/CuPy value and logit gradient of a symbolic loss (a
    :class:`label_noise_lab.theory.losses.LossDefinition`),
    derived by SymPy and ``lambdify`` for ``c`` classes: a loss is written once, in ``theory``. The kernels are
    lambdified on first use for the array namespace of the inputs (NumPy, CuPy) and cached.

    For a loss of ``p = f_y`` alone, ``l(p)`` and ``l'(p)`` are lambdified and
    ``dL/dz = l'(p_y) p_y (e_y - p)`` (the chain rule through the softmax). Otherwise ``L(f, e_j)``
    and its gradient ``g = dL/df`` are lambdified for each label ``j`` and
    ``dL/dz = p * (g - <p, g>)``. The hand-written stable forms above (``cce``, ``lq``, ...)
    remain the fast paths; the tests check them against these derivations, and
    :func:`gradient_error` checks any gradient by finite differences.

    The value takes simplex points or logits (``from_logits=True``) like the fast paths; NaN or
    infinite logits are a ``ValueError``, as there. A loss of ``p_y`` alone is evaluated in log space,
    at ``u = log p_y`` (from logits, ``z_y - logsumexp z``): ``l(e^u)`` and the scale ``d/du l(e^u)``, so
    ``-log(p)`` stays finite, and its gradient too, where ``p_y`` underflows (logits ``[-800, 0, 0]``), and
    ``1/p`` overflows to ``inf`` with a gradient of infinities, not NaN. The vector forms are not stabilised
    (``log`` of an underflowed probability is ``-inf``): use the fast paths for extreme logits.

    A vector loss that treats the labels alike (``L(f, e_j)`` is ``L(f, e_0)`` with ``f_0`` and
    ``f_j`` swapped, as every loss of the zoo does) is lambdified once, for label 0, and each
    sample's columns are swapped: ``c`` derivatives instead of ``c^2``, printed with common
    subexpressions shared. Such a loss is derived for at most :data:`MAX_VECTOR_CLASSES` classes.
    """
    # SymPy and theory/ only here, to lambdify: importing them costs about a second, which the NumPy
    # engine does not pay unless a loss is derived
    import sympy

    from label_noise_lab.theory.losses import P

    if not (hasattr(definition, "label") and callable(definition) and hasattr(definition, "title")):
        raise TypeError(f"definition must be a label_noise_lab.theory.losses.LossDefinition, got "
                        f"{type(definition).__name__}")
    c = check_classes(c)
    if definition.label is not None:
        # in log space, u = log p_y (from the logits, z_y - logsumexp z, finite where p_y underflows): the value
        # g(u) = l(e^u) and the gradient's scale g'(u) = l'(p) p, so that -log(p) is -u and its scale -1, never
        # 0 * inf = nan where p_y underflows to 0
        u = sympy.Symbol("u", real=True)
        g = definition.label.subs(P, sympy.exp(u))
        dg = sympy.diff(g, u)

        def value_of(probs: Any, labels: Any, logp: Any) -> Any:
            xp = namespace_of(probs)
            uy = xp.take_along_axis(logp, labels[:, None], axis=1)[:, 0]
            return xp.asarray(array_function((u,), g, xp)(uy), dtype=probs.dtype) + 0 * uy

        def grad_of(probs: Any, labels: Any, logp: Any) -> Any:
            xp = namespace_of(probs)
            uy = xp.take_along_axis(logp, labels[:, None], axis=1)[:, 0]
            scale = xp.asarray(array_function((u,), dg, xp)(uy), dtype=probs.dtype) + 0 * uy
            onehot = xp.astype(labels[:, None] == xp.arange(probs.shape[1]), probs.dtype)
            return scale[:, None] * (onehot - probs)
    else:
        vector_value, vector_grad = _vector_forms(definition, c, sympy)
        value_of = lambda probs, labels, logp: vector_value(probs, labels)  # noqa: E731
        grad_of = lambda probs, labels, logp: vector_grad(probs, labels)  # noqa: E731

    def _prepare(inputs: Any, labels: Any, from_logits: bool) -> tuple[Any, Any, Any]:
        inputs = check_inputs(inputs)
        xp = namespace_of(inputs)
        if inputs.shape[1] != c:
            raise ValueError(f"this derived loss has c = {c} classes, got inputs of shape {inputs.shape}")
        labels = check_labels(labels, inputs.shape[0], c, xp, finite=inputs if from_logits else None)
        if from_logits:
            return softmax(inputs), labels, log_softmax(inputs)
        check_simplex(inputs)
        with np.errstate(divide="ignore"):
            return inputs, labels, xp.log(inputs)

    def value(inputs: Any, labels: Any, from_logits: bool = False) -> Any:
        probs, labels, logp = _prepare(inputs, labels, from_logits)
        with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
            return value_of(probs, labels, logp)

    def grad(logits: Any, labels: Any) -> Any:
        probs, labels, logp = _prepare(logits, labels, True)
        with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
            return grad_of(probs, labels, logp)

    return Loss(name=definition.title(), value=value, grad=grad)


MAX_VECTOR_CLASSES = 200
"""Most classes for which :func:`derived_loss` derives a loss of the whole prediction (``nce``, ``nfl``, ...)."""


def _vector_forms(definition: Any, c: int, sympy: Any) -> tuple[Callable[..., Any], Callable[..., Any]]:
    """``(value_of, grad_of)`` of a vector loss ``L(f, e_j)`` for ``c`` classes: one lambdified form when the
    loss treats the labels alike (checked symbolically), one per label otherwise."""
    if c > MAX_VECTOR_CLASSES:
        raise ValueError(f"a loss of the whole prediction is derived for at most {MAX_VECTOR_CLASSES} classes (the "
                         f"derivation grows as c^2), got c = {c}; a loss of p_y alone has no such limit")
    xs = sympy.symbols(f"x0:{c}", positive=True)
    per_label = [sympy.sympify(definition(list(xs), j), strict=True) for j in range(c)]
    alike = all(per_label[j] == per_label[0].xreplace({xs[0]: xs[j], xs[j]: xs[0]}) for j in range(1, c))
    forms = per_label[:1] if alike else per_label
    grads = [tuple(sympy.diff(e, x) for x in xs) for e in forms]
    args = tuple(xs)

    def swapped(probs: Any, labels: Any) -> Any:
        """Each row's column order with columns 0 and its label swapped (an involution)."""
        xp = namespace_of(probs)
        cols, lab = xp.arange(c)[None, :], xp.astype(labels[:, None], xp.int64)
        return xp.where(cols == 0, lab, xp.where(cols == lab, 0, cols))

    def columns(expr: Any, probs: Any) -> Any:
        xp = namespace_of(probs)
        out = array_function(args, expr, xp)(*[probs[:, k] for k in range(c)])
        if isinstance(out, list):
            return xp.stack([xp.asarray(v, dtype=probs.dtype) + 0 * probs[:, 0] for v in out], axis=1)
        return xp.asarray(out, dtype=probs.dtype) + 0 * probs[:, 0]

    def value_of(probs: Any, labels: Any) -> Any:
        xp = namespace_of(probs)
        if alike:
            return columns(forms[0], xp.take_along_axis(probs, swapped(probs, labels), axis=1))
        out = xp.zeros(probs.shape[0], dtype=probs.dtype)
        for j in range(c):
            out = xp.where(labels == j, columns(forms[j], probs), out)
        return out

    def grad_of(probs: Any, labels: Any) -> Any:
        xp = namespace_of(probs)
        if alike:
            idx = swapped(probs, labels)
            g = xp.take_along_axis(columns(grads[0], xp.take_along_axis(probs, idx, axis=1)), idx, axis=1)
        else:
            g = xp.zeros_like(probs)
            for j in range(c):
                g = xp.where((labels == j)[:, None], columns(grads[j], probs), g)
        return probs * (g - xp.sum((probs * g), axis=1, keepdims=True))

    return value_of, grad_of


def gradient_error(loss: Loss, logits: Any, labels: Any, *, eps: float = 1e-6) -> float:
    """The largest absolute difference between ``loss.grad(logits, labels)`` and central finite
    differences of ``loss.value(logits, labels, from_logits=True)`` (float64, host).

    For checking a hand-written gradient against its loss: an error of order ``eps^2`` times the
    third derivative is expected; anything near the gradient's own size is a wrong gradient.
    """
    z = np.array(to_host(logits), dtype=np.float64)
    if z.ndim != 2:
        raise ValueError(f"logits must have shape (n, c), got {z.shape}")
    if not (eps > 0 and math.isfinite(eps)):
        raise ValueError(f"eps must be a positive finite number, got {eps!r}")
    y = np.asarray(to_host(labels))
    analytic = np.asarray(to_host(loss.grad(z, y)), dtype=np.float64)
    numeric = np.empty_like(z)
    for k in range(z.shape[1]):
        step = np.zeros_like(z)
        step[:, k] = eps
        up = np.asarray(to_host(loss.value(z + step, y, from_logits=True)), dtype=np.float64)
        down = np.asarray(to_host(loss.value(z - step, y, from_logits=True)), dtype=np.float64)
        numeric[:, k] = (up - down) / (2 * eps)
    return float(np.max(np.abs(analytic - numeric)))
