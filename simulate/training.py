"""Mini-batch training of :mod:`label_noise_lab.simulate.models` with any loss of
:mod:`label_noise_lab.simulate.losses`.

Optimisers: plain SGD (``momentum = 0``), SGD with heavy-ball momentum, and Adam
(Kingma & Ba 2015, the optimiser of Zhang & Sabuncu 2018 sec. 4.1 and Fig. 1-2). The
objective of one replica is

    (1/n) sum_i w_i L(f(x_i; theta), y_i),

estimated on each mini-batch of size ``B`` by ``(1/B) sum_{i in batch} w_i L_i``, with
optional per-sample weights ``w_i`` in ``[0, 1]`` (all ones by default). A weight of 0
removes a sample from the gradient entirely; this is how the theta step of ACS trains
on ``sum_i w_i L_q - L_q(k) sum_i w_i`` (Zhang & Sabuncu 2018, Eq. 13: the second term does
not depend on theta).

:func:`acs` is Algorithm 1 of Zhang & Sabuncu 2018 (alternative convex search for the
truncated ``L_q`` loss), recording the Eq. 13 objective after every pruning and theta step.

All models in a replicated parameter dict (leading axis ``R``) are trained together;
each replica has its own batch order, drawn from its own generator when a list of
generators is given, so its result does not depend on the other replicas.
"""
from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Any, Callable, Sequence

import numpy as np

from label_noise_lab.simulate.engine.namespace import is_host, namespace_of, to_host
from label_noise_lab.simulate.losses import Loss, check_k, check_q, get_loss, lq_at, softmax
from label_noise_lab.simulate.models import Params, backward, forward, lead_shape, logits_of, n_layers

Monitor = Callable[[int, Params], dict[str, Any]]


# ---------------------------------------------------------------- configuration
@dataclass(frozen=True)
class TrainConfig:
    """How to train.

    Attributes
    ----------
    epochs : int
        Passes over the training set (>= 1).
    lr : float
        Step size (> 0).
    batch_size : int
        Mini-batch size (>= 1); the last batch of an epoch may be smaller.
    optimizer : {"adam", "sgd"}
        ``"sgd"`` is plain SGD when ``momentum = 0``, heavy-ball momentum otherwise.
    momentum : float
        In ``[0, 1)``, used by ``"sgd"`` only.
    betas, eps : Adam's moment decay rates and denominator guard.
    weight_decay : float
        L2 penalty ``(weight_decay/2) ||W||^2`` on weight matrices (not biases), >= 0.
    """

    epochs: int
    lr: float
    batch_size: int = 64
    optimizer: str = "adam"
    momentum: float = 0.0
    betas: tuple[float, float] = (0.9, 0.999)
    eps: float = 1e-8
    weight_decay: float = 0.0

    def __post_init__(self) -> None:
        if isinstance(self.epochs, bool) or not isinstance(self.epochs, (int, np.integer)) or self.epochs < 1:
            raise ValueError(f"epochs must be an integer >= 1, got {self.epochs!r}")
        if not (isinstance(self.lr, (int, float, np.floating)) and np.isfinite(self.lr) and self.lr > 0):
            raise ValueError(f"learning rate lr must be a finite number > 0, got {self.lr!r}")
        bs = self.batch_size
        if isinstance(bs, bool) or not isinstance(bs, (int, np.integer)) or bs < 1:
            raise ValueError(f"batch_size must be an integer >= 1, got {self.batch_size!r}")
        if self.optimizer not in ("adam", "sgd"):
            raise ValueError(f"optimizer must be 'adam' or 'sgd', got {self.optimizer!r}")
        if not 0.0 <= self.momentum < 1.0:
            raise ValueError(f"momentum must lie in [0, 1), got {self.momentum!r}")
        b1, b2 = self.betas
        if not (0.0 <= b1 < 1.0 and 0.0 <= b2 < 1.0):
            raise ValueError(f"Adam betas must lie in [0, 1), got {self.betas!r}")
        if not self.eps > 0:
            raise ValueError(f"eps must be > 0, got {self.eps!r}")
        if not self.weight_decay >= 0:
            raise ValueError(f"weight_decay must be >= 0, got {self.weight_decay!r}")


class Optimizer:
    """Optimiser state for one parameter dict; :meth:`step` updates the parameters in place.

    ``"sgd"``: ``m = momentum m + g``, ``theta -= lr m`` (plain SGD when ``momentum = 0``);
    ``"adam"``: bias-corrected first and second moments (Kingma & Ba 2015, Algorithm 1).
    """

    def __init__(self, config: TrainConfig, params: Params) -> None:
        xp = namespace_of(params["W0"])
        self.config = config
        self.t = 0
        self.t_rep: np.ndarray | None = None  # per-replica step counts, once a step has left replicas out
        self.m = {k: xp.zeros_like(v) for k, v in params.items()}
        self.v = {k: xp.zeros_like(v) for k, v in params.items()} if config.optimizer == "adam" else None
        self._work: dict[str, tuple[Any, Any]] = {}  # Adam's scratch arrays, per parameter

    def step(self, params: Params, grads: Params, live: np.ndarray | None = None) -> None:
        """One update. ``live`` (host bool (R,)), for parameters with a leading replica axis: only those
        replicas step; the others keep their parameters, moments and step counts (a replica whose batch
        had to be skipped)."""
        if live is not None:
            live = np.asarray(live, dtype=bool)
            if self.t_rep is None:
                self.t_rep = np.full(live.shape[0], self.t)
            self.t_rep += live
            if not live.all() or np.any(self.t_rep != self.t_rep[0]):
                self._masked_step(params, grads, live)
                return
            self.t = int(self.t_rep[0]) - 1
        cfg = self.config
        self.t += 1
        if cfg.weight_decay:
            grads = {k: g + cfg.weight_decay * params[k] if k.startswith("W") else g for k, g in grads.items()}
        if cfg.optimizer == "sgd":
            for k, g in grads.items():
                if cfg.momentum:
                    self.m[k] = cfg.momentum * self.m[k] + g
                    g = self.m[k]
                params[k] -= cfg.lr * g
            return
        b1, b2 = cfg.betas
        c1 = 1.0 - b1**self.t
        c2 = 1.0 - b2**self.t
        assert self.v is not None
        xp = namespace_of(params["W0"])
        for k, g in grads.items():
            # the same operations in the same order as m = b1 m + (1-b1) g, v = b2 v + (1-b2) g^2,
            # theta -= (lr/c1) m / (sqrt(v/c2) + eps), written into two scratch arrays: the same bits,
            # a third fewer passes over memory (the update is a sixth of a small network's training)
            m, v = self.m[k], self.v[k]
            if not is_host(xp):  # the standard has no ``out=``: the same operations, in the same order
                m *= b1
                m += g * (1.0 - b1)
                v *= b2
                v += (g * g) * (1.0 - b2)
                params[k] -= (m * (cfg.lr / c1)) / (xp.sqrt(v / c2) + cfg.eps)
                continue
            a, b = self._scratch(k, g, xp)
            m *= b1
            xp.multiply(g, 1.0 - b1, out=a)
            m += a
            v *= b2
            xp.multiply(g, g, out=a)
            a *= 1.0 - b2
            v += a
            xp.divide(v, c2, out=a)
            xp.sqrt(a, out=a)
            a += cfg.eps
            xp.multiply(m, cfg.lr / c1, out=b)
            b /= a
            params[k] -= b

    def _scratch(self, k: str, like: Any, xp: Any) -> tuple[Any, Any]:
        """Two work arrays shaped and typed as parameter ``k``'s moments (made once)."""
        got = self._work.get(k)
        if got is None or got[0].shape != self.m[k].shape or got[0].dtype != self.m[k].dtype:
            got = self._work[k] = (xp.empty_like(self.m[k]), xp.empty_like(self.m[k]))
        return got

    def _masked_step(self, params: Params, grads: Params, live: np.ndarray) -> None:
        """:meth:`step` for the replicas ``live`` only, with per-replica bias corrections."""
        cfg = self.config
        xp = namespace_of(params["W0"])
        R = live.shape[0]
        okx = xp.asarray(live)
        assert self.t_rep is not None
        for k, g in grads.items():
            mask = xp.reshape(okx, (R,) + (1,) * (g.ndim - 1))
            if cfg.weight_decay and k.startswith("W"):
                g = g + cfg.weight_decay * params[k]
            if cfg.optimizer == "sgd":
                if cfg.momentum:
                    self.m[k] = xp.where(mask, cfg.momentum * self.m[k] + g, self.m[k])
                    g = self.m[k]
                params[k] -= cfg.lr * g * mask
                continue
            b1, b2 = cfg.betas
            assert self.v is not None
            self.m[k] = xp.where(mask, b1 * self.m[k] + (1 - b1) * g, self.m[k])
            self.v[k] = xp.where(mask, b2 * self.v[k] + (1 - b2) * g * g, self.v[k])
            tt = xp.reshape(xp.asarray(np.maximum(self.t_rep, 1)), mask.shape)
            step = (cfg.lr / (1 - b1**tt)) * self.m[k] / (xp.sqrt(self.v[k] / (1 - b2**tt)) + cfg.eps)
            params[k] -= xp.where(mask, step, 0.0)


@dataclass
class TrainResult:
    """Trained parameters, the per-epoch record, and the optimiser (to continue training).

    ``history[name]`` has shape ``(epochs + 1, *lead)``: row 0 is before the first epoch;
    ``epochs`` holds the epoch number of each row.
    """

    params: Params
    history: dict[str, np.ndarray]
    optimizer: Optimizer
    epochs: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=int))


# ---------------------------------------------------------------- helpers
def copy_params(params: Params) -> Params:
    """A deep copy (training updates in place)."""
    return {k: namespace_of(v).asarray(v, copy=True) for k, v in params.items()}


def _rng_list(rng: Any, lead: tuple[int, ...]) -> list[np.random.Generator] | None:
    """``None`` for one shared generator, else one per replica (validated)."""
    if isinstance(rng, np.random.Generator):
        return None
    if not hasattr(rng, "__iter__") or isinstance(rng, str):
        raise TypeError(f"rng must be a numpy Generator or a list of Generators (one per replica), got {rng!r:.80}")
    rngs = list(rng)
    R = int(np.prod(lead)) if lead else 1
    if len(rngs) != R or not all(isinstance(r, np.random.Generator) for r in rngs):
        raise ValueError(f"rng must be a numpy Generator or a list of {R} Generators (one per replica), "
                         f"got {len(rngs)} items")
    return rngs


def _orders(n: int, lead: tuple[int, ...], rng: np.random.Generator,
            rngs: list[np.random.Generator] | None) -> np.ndarray:
    """One random permutation of ``range(n)`` per replica, shape ``(*lead, n)``."""
    if not lead:
        return (rngs[0] if rngs else rng).permutation(n)
    if rngs is not None:
        return np.stack([r.permutation(n) for r in rngs]).reshape(*lead, n)
    return rng.permuted(np.broadcast_to(np.arange(n), (*lead, n)), axis=-1)


def _check_data(params: Params, X: Any, y: Any, weights: Any) -> tuple[Any, Any, Any, int]:
    """Validate shapes and ranges; return ``(X, y, weights, n)`` in the parameters' namespace."""
    n_layers(params)
    lead = lead_shape(params)
    if len(lead) > 1:
        raise ValueError(f"training supports at most one replica axis, params have lead shape {lead}")
    xp = namespace_of(params["W0"])
    X = xp.asarray(X)
    y = xp.asarray(y)
    dim = params["W0"].shape[-2]
    if X.ndim == 2:
        if X.shape[1] != dim:
            raise ValueError(f"X has {X.shape[1]} features but the model expects {dim}")
    elif X.ndim == 3 and lead and X.shape[0] == lead[0]:
        if X.shape[2] != dim:
            raise ValueError(f"X has {X.shape[2]} features but the model expects {dim}")
    else:
        raise ValueError(f"X must have shape (n, {dim}) or ({', '.join(map(str, lead))}, n, {dim}) "
                         f"for params with lead shape {lead}, got {X.shape}")
    n = X.shape[-2]
    if n < 1:
        raise ValueError("the training set is empty")
    if y.shape not in ((n,), (*lead, n)):
        raise ValueError(f"labels y must have shape ({n},) or {(*lead, n)} to match X {X.shape}, got {y.shape}")
    if not namespace_of(y).isdtype(y.dtype, "integral"):
        raise ValueError(f"labels y must be integers, got dtype {y.dtype}")
    c = params[f"W{len(params) // 2 - 1}"].shape[-1]
    if int(xp.min(y)) < 0 or int(xp.max(y)) >= c:
        raise ValueError(f"labels y must lie in [0, {c - 1}], got range [{int(xp.min(y))}, {int(xp.max(y))}]")
    if weights is not None:
        weights = xp.asarray(weights, dtype=params["W0"].dtype)
        if weights.shape not in ((n,), (*lead, n)):
            raise ValueError(f"weights must have shape ({n},) or {(*lead, n)}, got {weights.shape}")
        inside = (weights >= 0) & (weights <= 1)  # False for NaN as well
        if not bool(xp.all(inside)):
            bad = to_host(weights)[~to_host(inside)]
            raise ValueError(f"weights must lie in [0, 1], got values such as {bad[:3].tolist()}")
    return X, y, weights, n


def _take(A: Any, idx: Any, lead: tuple[int, ...], per_replica: bool) -> Any:
    """Rows ``idx`` (shape (*lead, B)) of ``A`` ((n, ...) shared or (*lead, n, ...) per replica)."""
    xp = namespace_of(A)
    if is_host(xp) and not (lead and per_replica):  # NumPy's fancy indexing, in one pass
        return A[idx]
    # the standard indexes every axis or none with integer arrays: gather flat rows, then restore the shape (on the
    # host too: one take of flat rows is 3x faster than indexing by (replica, row) pairs, the same rows)
    rest = tuple(A.shape[1 + len(lead) * per_replica:])
    if lead and per_replica:
        n = A.shape[1]
        idx = xp.arange(lead[0])[:, None] * n + idx
        A = xp.reshape(A, (lead[0] * n, *rest))
    return xp.reshape(xp.take(A, xp.reshape(idx, (-1,)), axis=0), (*idx.shape, *rest))


def flat_loss_grad(loss: Loss, logits: Any, labels: Any) -> Any:
    """``loss.grad`` for logits of shape (*lead, n, c) and labels (*lead, n) or (n,)."""
    xp = namespace_of(logits)
    c = logits.shape[-1]
    labels = xp.broadcast_to(labels, logits.shape[:-1])
    return xp.reshape(loss.grad(xp.reshape(logits, (-1, c)), xp.reshape(labels, (-1,))), logits.shape)


def flat_loss_value(loss: Loss, logits: Any, labels: Any) -> Any:
    """``loss.value`` (from logits) for logits (*lead, n, c) and labels (*lead, n) or (n,); shape (*lead, n)."""
    xp = namespace_of(logits)
    c = logits.shape[-1]
    labels = xp.broadcast_to(labels, logits.shape[:-1])
    flat = loss.value(xp.reshape(logits, (-1, c)), xp.reshape(labels, (-1,)), from_logits=True)
    return xp.reshape(flat, logits.shape[:-1])


# ---------------------------------------------------------------- training
def train(params: Params, X: Any, y: Any, loss: Loss, config: TrainConfig, rng: Any, *,
          weights: Any = None, monitor: Monitor | None = None, optimizer: Optimizer | None = None,
          epoch_offset: int = 0) -> TrainResult:
    """Mini-batch training of ``(1/n) sum_i w_i L(f(x_i), y_i)``.

    Parameters
    ----------
    params : dict
        Initial parameters (copied, not modified), lead shape ``()`` or ``(R,)``.
    X : array, shape (n, dim) or (R, n, dim)
    y : int array, shape (n,) or (R, n)
        Training labels (the noisy ones, in a noisy-label experiment).
    loss : Loss
        From :func:`label_noise_lab.simulate.losses.get_loss`; its ``grad`` gives ``dL/dlogits``.
    config : TrainConfig
    rng : numpy.random.Generator or list of R Generators
        Draws the batch order (one permutation per replica and epoch).
    weights : array, shape (n,) or (R, n), optional
        Per-sample weights in ``[0, 1]``.
    monitor : callable ``(epoch, params) -> dict[str, array of shape lead]``, optional
        Called before the first epoch and after every epoch; its values are stacked into
        ``history``.
    optimizer : Optimizer, optional
        Continue with this optimiser state (e.g. across the theta steps of :func:`acs`); its own
        settings (``lr``, betas, ...) then apply, ``config`` giving only ``epochs`` and ``batch_size``.
    epoch_offset : int
        Added to the epoch number passed to ``monitor``.

    Returns
    -------
    TrainResult

    Raises
    ------
    ValueError
        For mismatched shapes, labels out of range, weights outside ``[0, 1]``, or a bad
        ``rng``; :class:`TrainConfig` validates ``epochs``, ``lr`` and ``batch_size``.
    """
    if not isinstance(config, TrainConfig):
        raise ValueError(f"config must be a TrainConfig, got {type(config).__name__}")
    if not isinstance(loss, Loss):
        raise ValueError(f"loss must be a label_noise_lab.simulate.losses.Loss, got {type(loss).__name__}")
    X, y, weights, n = _check_data(params, X, y, weights)
    lead = lead_shape(params)
    rngs = _rng_list(rng, lead)
    xp = namespace_of(params["W0"])
    p = copy_params(params)
    opt = optimizer if optimizer is not None else Optimizer(config, p)
    x_rep = X.ndim == 3
    y_rep = y.ndim == 2
    w_rep = weights is not None and weights.ndim == 2
    records: dict[str, list[np.ndarray]] = {}

    def record(epoch: int) -> None:
        if monitor is None:
            return
        for k, v in monitor(epoch, p).items():
            records.setdefault(k, []).append(np.asarray(to_host(v), dtype=float))

    record(epoch_offset)
    B = config.batch_size
    for epoch in range(1, config.epochs + 1):
        order = xp.asarray(_orders(n, lead, rng, rngs))
        for s in range(0, n, B):
            idx = order[..., s:min(s + B, n)]  # the standard leaves out-of-bounds slice ends unspecified
            Xb = _take(X, idx, lead, x_rep)
            yb = _take(y, idx, lead, y_rep)
            logits, cache = forward(p, Xb)
            g = flat_loss_grad(loss, logits, yb)
            if weights is not None:
                g = g * _take(weights, idx, lead, w_rep)[..., None]
            g = g / idx.shape[-1]
            opt.step(p, backward(p, cache, g))
        record(epoch_offset + epoch)
    history = {k: np.stack(v) for k, v in records.items()}
    return TrainResult(p, history, opt, np.arange(epoch_offset, epoch_offset + config.epochs + 1))


# ---------------------------------------------------------------- monitoring
def masked_mean(values: Any, mask: Any) -> Any:
    """Mean of ``values`` over the last axis where ``mask`` is true (NaN where the mask is empty)."""
    xp = namespace_of(values)
    m = xp.asarray(mask, dtype=values.dtype)
    cnt = xp.sum(m, axis=-1)
    tot = xp.sum((values * m), axis=-1)
    with np.errstate(invalid="ignore", divide="ignore"):
        return xp.where(cnt > 0, tot / xp.maximum(cnt, 1), xp.nan)


MONITOR_KEYS = ("train_loss", "train_acc", "test_acc", "softmax_correct", "softmax_wrong", "memorised")


def make_monitor(X_train: Any, y_train: Any, loss: Loss, *, y_clean: Any = None, X_test: Any = None,
                 y_test: Any = None, record: Sequence[str] | None = None) -> Monitor:
    """A per-epoch recorder for a noisy-label experiment (Zhang & Sabuncu 2018, Fig. 1c and Fig. 2).

    Records, per replica:

    - ``train_loss``: mean training loss on the given (noisy) labels;
    - ``train_acc``: agreement of ``argmax f`` with the given labels;
    - ``test_acc`` (when a test set is given): accuracy on clean test labels;
    - with ``y_clean``: ``softmax_correct`` and ``softmax_wrong``, the average softmax output for
      the *given* label over correctly and wrongly labelled training samples (Fig. 1c), and
      ``memorised``, the fraction of wrongly labelled samples predicted as their noisy label.

    Shapes as for :func:`train`: ``X_train`` (n, dim) or (R, n, dim), labels (n,) or (R, n).

    ``record`` names the quantities to record (a subset of :data:`MONITOR_KEYS`); by default every one the
    arguments allow. Each epoch evaluates the network only on the sets the recorded quantities need: a
    study that uses only the clean-test curve (``record=("test_acc",)``) skips the training set, which on
    the 2-core machine was a third of the whole training time of ``accuracy_vs_noise``.

    Raises
    ------
    ValueError
        For an unknown name in ``record``, or one the arguments cannot give (``test_acc`` without a test
        set, the softmax statistics without ``y_clean``).
    """
    given = {"train_loss", "train_acc"} | ({"test_acc"} if X_test is not None else set()) | (
        {"softmax_correct", "softmax_wrong", "memorised"} if y_clean is not None else set())
    if record is None:
        keys = given
    else:
        keys = set(record)
        unknown = keys - set(MONITOR_KEYS)
        if unknown:
            raise ValueError(f"record: unknown quantities {sorted(unknown)}; choose from {MONITOR_KEYS}")
        if keys - given:
            raise ValueError(f"record asks for {sorted(keys - given)}, which needs "
                             f"{'a test set (X_test, y_test)' if 'test_acc' in keys - given else 'y_clean'}")
    wrong = None if y_clean is None else (y_train != y_clean)
    softmax_keys = keys & {"softmax_correct", "softmax_wrong", "memorised"}

    def monitor(epoch: int, params: Params) -> dict[str, Any]:
        out: dict[str, Any] = {}
        if keys - {"test_acc"}:
            logits = logits_of(params, X_train)
            xp = namespace_of(logits)
            yb = xp.broadcast_to(y_train, logits.shape[:-1])
            if "train_loss" in keys:
                out["train_loss"] = xp.mean(flat_loss_value(loss, logits, y_train), axis=-1)
            if "train_acc" in keys:
                out["train_acc"] = xp.mean(xp.astype(xp.argmax(logits, axis=-1) == yb, xp.float64), axis=-1)
            if softmax_keys:
                pr = xp.reshape(softmax(xp.reshape(logits, (-1, logits.shape[-1]))), logits.shape)
                fy = xp.take_along_axis(pr, yb[..., None], axis=-1)[..., 0]
                wb = xp.broadcast_to(wrong, fy.shape)
                stats = {"softmax_correct": lambda: masked_mean(fy, ~wb), "softmax_wrong": lambda: masked_mean(fy, wb),
                         "memorised": lambda: masked_mean(xp.asarray(xp.argmax(logits, axis=-1) == yb, dtype=fy.dtype),
                                                          wb)}
                out.update({k: stats[k]() for k in sorted(softmax_keys)})
        if "test_acc" in keys:
            zt = logits_of(params, X_test)
            xp = namespace_of(zt)
            out["test_acc"] = xp.mean(xp.astype(xp.argmax(zt, axis=-1) == y_test, xp.float64), axis=-1)
        return out

    return monitor


# ---------------------------------------------------------------- ACS (Algorithm 1)
def acs_objective(lq_values: Any, w: Any, lq_k: float) -> Any:
    """Eq. 13 of Zhang & Sabuncu 2018: ``sum_i w_i L_q,i - L_q(k) sum_i w_i``, per replica."""
    return namespace_of(w).sum(w * (lq_values - lq_k), axis=-1)


def prune_weights(lq_values: Any, lq_k: float) -> Any:
    """The pruning step: ``w_i = 1[L_q,i <= L_q(k)]``, the minimiser of Eq. 13 over ``w in [0, 1]^n``."""
    xp = namespace_of(lq_values)
    return xp.asarray(lq_values <= lq_k, dtype=lq_values.dtype)


@dataclass
class ACSResult:
    """What :func:`acs` recorded.

    Attributes
    ----------
    params : trained parameters.
    objective : array, shape (1 + 2 * rounds, *lead)
        Eq. 13 after the initial theta step (w = 1), then after each pruning step and each
        theta step in turn.
    step_kind : list of str, length 1 + 2 * rounds
        ``"init"``, then ``"prune"`` and ``"theta"`` alternating.
    weights : array, shape (rounds, *lead, n)
        ``w^(t)`` of every pruning step.
    history : per-epoch record of the monitor over all theta steps (epochs on axis 0).
    """

    params: Params
    objective: np.ndarray
    step_kind: list[str]
    weights: np.ndarray
    history: dict[str, np.ndarray]
    lq_k: float


def acs(params: Params, X: Any, y: Any, q: float, k: float, config: TrainConfig, rng: Any, *,
        rounds: int, warmup_epochs: int | None = None, monitor: Monitor | None = None) -> ACSResult:
    """Algorithm 1 of Zhang & Sabuncu 2018: alternative convex search for the truncated ``L_q`` loss.

    ``w^(0) = 1``; ``theta^(0)`` from ``warmup_epochs`` epochs on ``sum_i L_q``; then, ``rounds``
    times, a pruning step ``w_i = 1[L_q(f(x_i; theta), y_i) <= L_q(k)]`` (exact minimiser of Eq.
    13 in ``w``) and a theta step of ``config.epochs`` epochs of mini-batch training on
    ``sum_i w_i L_q`` (Eq. 13 up to a term free of theta). The theta step is *inexact*: the
    paper's ``argmin_theta`` is replaced by a few epochs of the optimiser, as in its sec. 4.2
    (pruning every 10 epochs). The optimiser state carries over between theta steps.

    Parameters
    ----------
    params, X, y, rng : as for :func:`train`.
    q, k : float
        ``L_q`` parameter in ``(0, 1]`` and truncation threshold in ``(0, 1)``.
    config : TrainConfig
        Training of one theta step (``config.epochs`` epochs).
    rounds : int
        Number of pruning/theta iterations ``T`` (>= 1).
    warmup_epochs : int, optional
        Epochs of the initial theta step (default ``config.epochs``).
    monitor : optional per-epoch recorder (see :func:`make_monitor`).

    Returns
    -------
    ACSResult
    """
    q, k = check_q(q), check_k(k)
    if isinstance(rounds, bool) or not isinstance(rounds, (int, np.integer)) or rounds < 1:
        raise ValueError(f"rounds must be an integer >= 1, got {rounds!r}")
    warm = config.epochs if warmup_epochs is None else warmup_epochs
    X, y, _, n = _check_data(params, X, y, None)
    lead = lead_shape(params)
    xp = namespace_of(params["W0"])
    loss = get_loss("lq", q=q)
    lq_k = lq_at(k, q)

    def lq_values(p: Params) -> Any:
        return flat_loss_value(loss, logits_of(p, X), y)

    w = xp.ones((*lead, n), dtype=params["W0"].dtype)
    res = train(params, X, y, loss, replace(config, epochs=warm), rng, weights=w, monitor=monitor)
    p, opt = res.params, res.optimizer
    hist = {kk: [v] for kk, v in res.history.items()}
    objective = [to_host(acs_objective(lq_values(p), w, lq_k))]
    kinds = ["init"]
    ws = []
    epoch = warm
    for _ in range(int(rounds)):
        L = lq_values(p)
        w = prune_weights(L, lq_k)
        ws.append(to_host(w))
        objective.append(to_host(acs_objective(L, w, lq_k)))
        kinds.append("prune")
        res = train(p, X, y, loss, config, rng, weights=w, monitor=monitor, optimizer=opt, epoch_offset=epoch)
        p = res.params
        epoch += config.epochs
        for kk, v in res.history.items():
            hist[kk].append(v[1:])
        objective.append(to_host(acs_objective(lq_values(p), w, lq_k)))
        kinds.append("theta")
    history = {kk: np.concatenate(v) for kk, v in hist.items()}
    return ACSResult(p, np.stack([np.asarray(o, dtype=float) for o in objective]), kinds,
                     np.stack([np.asarray(a) for a in ws]), history, lq_k)
