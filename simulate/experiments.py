"""Training experiments behind the simulation claims and the figures of ``ghosh17`` and ``gce18``.

Every function here is pure given its ``rng``: it draws one integer seed per repetition
("seed") from ``rng`` and derives every random stream of that repetition (data, label
noise, initial weights, batch order) from it, so the result is a deterministic function of
the generator's state and the arguments. Repetitions and settings are trained together as
replicas of one batched model (:mod:`simulate.models`), which keeps the experiments within
seconds on a CPU. Training runs in the namespace ``xp`` (NumPy by default; the code only uses
operations CuPy shares, but it has been run on NumPy only, and models this small gain little
from a GPU); every array returned is NumPy.

The task is always the same: ``c`` unit-variance Gaussian clusters in ``dim``
dimensions with means ``separation * e_k`` (:func:`simulate.populations.gaussian_clusters`),
a small training set whose labels are corrupted by uniform noise of rate ``eta``
(:func:`simulate.noise.uniform_noise`), a clean test set, and a one-hidden-layer ReLU MLP
trained with Adam (the optimiser of Zhang & Sabuncu 2018, sec. 4.1) that can memorise the
noisy training labels. Defaults: ``c = 10`` classes, ``dim = 20``, separation 3 (Bayes accuracy
about 0.90), 500 training and 1000 test samples, 64 hidden units, Adam with ``lr = 3e-3`` and
batches of 32. Comparisons between losses are *paired*: within a repetition every
loss sees the same data, noisy labels, initial weights and batch order.

Sources: Ghosh et al. 2017 via Li's notes (``003`` sec. 2, (iii)); Zhang & Sabuncu 2018
(``004``): Fig. 1c (softmax of wrongly labelled samples), sec. 4.1 and Fig. 2 (accuracy against
epochs for several ``q``), sec. 3.2 Eq. 5 (the ``1/f_y`` weight, and ``003``'s question about it),
sec. 3.3 Eqs. 12-13 and Algorithm 1 (ACS for the truncated ``L_q``, and ``003``'s drawback).
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Sequence

import numpy as np

from simulate.backend import to_host
from simulate.losses import Loss, get_loss, lq_at, softmax
from simulate.models import Params, accuracy, forward, init_mlp, logits_of, per_sample_grad_sq_norms
from simulate.noise import sample_noisy_labels, uniform_noise
from simulate.populations import gaussian_clusters
from simulate.training import TrainConfig, acs, flat_loss_grad, make_monitor, train

# stream numbers of the generators derived from one repetition's seed
_DATA, _NOISE, _INIT, _BATCH, _TEST, _FINAL_TEST = 0, 1, 2, 3, 4, 5

# ---------------------------------------------------------------- tasks
@dataclass(frozen=True)
class Task:
    """Replicated noisy-label classification data (NumPy arrays, replica axis first).

    Attributes
    ----------
    X_train : (R, n_train, dim)
    y_clean, y_noisy : (R, n_train) int
    X_test : (R, n_test, dim)
    y_test : (R, n_test) int, clean
    separation : (c,) the cluster separations (for the Bayes posterior)
    """

    X_train: np.ndarray
    y_clean: np.ndarray
    y_noisy: np.ndarray
    X_test: np.ndarray
    y_test: np.ndarray
    separation: np.ndarray

    @property
    def wrong(self) -> np.ndarray:
        """``y_noisy != y_clean``, (R, n_train)."""
        return self.y_noisy != self.y_clean

    def _posterior(self) -> np.ndarray:
        c = self.separation.shape[0]
        s = self.separation
        z = (self.X_train[..., :c] * s - s**2 / 2).reshape(-1, c)
        return softmax(z).reshape(*self.X_train.shape[:-1], c)

    def bayes_posterior(self) -> np.ndarray:
        """``P(clean class = y_clean | x)`` under the generating Gaussians, (R, n_train).

        With means ``s_k e_k`` and unit covariance, ``log p(x | k) = s_k x_k - s_k^2/2 + const``;
        classes are balanced. A small value marks a *hard* sample (near or across a class boundary).
        """
        return np.take_along_axis(self._posterior(), self.y_clean[..., None], axis=-1)[..., 0]

    def bayes_correct(self) -> np.ndarray:
        """Whether the Bayes classifier assigns each training sample its clean label, (R, n_train)."""
        return self._posterior().argmax(axis=-1) == self.y_clean


def seed_bases(rng: np.random.Generator, n_seeds: int) -> np.ndarray:
    """``n_seeds`` integer seeds drawn from ``rng``, one per repetition."""
    _check_pos_int("n_seeds", n_seeds, 1)
    return rng.integers(0, 2**62, size=n_seeds)


def _sub_rng(base: int, *stream: int) -> np.random.Generator:
    return np.random.default_rng([int(base), *stream])


def make_task(bases: Sequence[int], etas: Sequence[float], *, n_train: int, n_test: int, c: int, dim: int,
              separation: float = 3.0) -> Task:
    """One replica per ``(seed, eta)`` pair, seed-major (replica ``s * len(etas) + e``).

    Replicas of one seed share the inputs and clean labels; their noisy labels are drawn with
    rate ``etas[e]`` from the same uniform stream.
    """
    _check_pos_int("n_train", n_train, 2)
    _check_pos_int("n_test", n_test, 1)
    etas = _check_etas(etas, c)
    Xs, ycs, yns, Xts, yts = [], [], [], [], []
    for b in bases:
        X, y = gaussian_clusters(n_train, c, dim, _sub_rng(b, _DATA), separation)
        Xt, yt = gaussian_clusters(n_test, c, dim, _sub_rng(b, _TEST), separation)
        for e in etas:
            yn = sample_noisy_labels(y, uniform_noise(c, e), _sub_rng(b, _NOISE))
            Xs.append(X), ycs.append(y), yns.append(yn), Xts.append(Xt), yts.append(yt)
    sep = np.broadcast_to(np.asarray(separation, float), (c,)).copy()
    return Task(np.stack(Xs), np.stack(ycs), np.stack(yns), np.stack(Xts), np.stack(yts), sep)


def init_replicas(bases: Sequence[int], per_seed: int, dim: int, c: int, hidden: Sequence[int]) -> Params:
    """Replicated MLP parameters (NumPy): replica ``s * per_seed + j`` starts from seed ``s``'s weights.

    All replicas of one seed start from the same weights (a paired comparison).
    """
    ps = [init_mlp(dim, c, tuple(hidden), _sub_rng(b, _INIT)) for b in bases for _ in range(per_seed)]
    return {k: np.stack([p[k] for p in ps]) for k in ps[0]}


def batch_rngs(bases: Sequence[int], per_seed: int) -> list[np.random.Generator]:
    """One batch-order generator per replica; the replicas of one seed all draw the same orders."""
    return [_sub_rng(b, _BATCH) for b in bases for _ in range(per_seed)]


def _check_pos_int(name: str, v: Any, low: int) -> int:
    if isinstance(v, bool) or not isinstance(v, (int, np.integer)) or v < low:
        raise ValueError(f"{name} must be an integer >= {low}, got {v!r}")
    return int(v)


def _check_etas(etas: Sequence[float], c: int) -> list[float]:
    out = [float(e) for e in etas]
    if not out:
        raise ValueError("etas must not be empty")
    for e in out:
        if not 0.0 <= e < (c - 1) / c:
            raise ValueError(f"noise rate eta must lie in [0, (c-1)/c) = [0, {(c - 1) / c:.3g}), got {e!r}")
    return out


def make_loss(spec: Any) -> tuple[str, Loss]:
    """``(label, Loss)`` from ``"cce"``, ``("lq", {"q": 0.7})`` or a ``Loss``."""
    if isinstance(spec, Loss):
        return spec.name, spec
    if isinstance(spec, str):
        return spec, get_loss(spec)
    name, params = spec
    label = f"{name}(" + ", ".join(f"{k}={v:g}" for k, v in params.items()) + ")"
    return label, get_loss(name, **params)


def q_loss(q: float) -> tuple[str, Loss]:
    """``L_q`` for ``q`` in ``(0, 1]``; CCE for ``q = 0``, its limit (``004`` Eq. 6)."""
    if q == 0:
        return "cce", get_loss("cce")
    return f"lq(q={q:g})", get_loss("lq", q=float(q))


def _config(epochs: int, lr: float, batch_size: int, optimizer: str) -> TrainConfig:
    return TrainConfig(epochs=epochs, lr=lr, batch_size=batch_size, optimizer=optimizer)


def _on(xp: Any, task: Task, params: Params) -> tuple[dict[str, Any], Params]:
    arrays = {k: xp.asarray(getattr(task, k)) for k in ("X_train", "y_clean", "y_noisy", "X_test", "y_test")}
    return arrays, {k: xp.asarray(v) for k, v in params.items()}


def _run(task: Task, loss: Loss, params0: Params, rngs: list[np.random.Generator], config: TrainConfig, xp: Any,
         *, softmax_stats: bool = False) -> dict[str, np.ndarray]:
    return _train(task, loss, params0, rngs, config, xp, softmax_stats=softmax_stats)[0]


def _train(task: Task, loss: Loss, params0: Params, rngs: list[np.random.Generator], config: TrainConfig, xp: Any,
           *, softmax_stats: bool = False) -> tuple[dict[str, np.ndarray], Params]:
    d, p0 = _on(xp, task, params0)
    mon = make_monitor(d["X_train"], d["y_noisy"], loss, y_clean=d["y_clean"] if softmax_stats else None,
                       X_test=d["X_test"], y_test=d["y_test"])
    res = train(p0, d["X_train"], d["y_noisy"], loss, config, rngs, monitor=mon)
    return res.history, res.params


def final_test_sets(bases: Sequence[int], per_seed: int, size: int, *, c: int, dim: int,
                    separation: float = 3.0) -> tuple[np.ndarray, np.ndarray]:
    """A fresh clean test set of ``size`` samples per seed, repeated for its ``per_seed`` replicas.

    Drawn from its own stream, so a large set for the final evaluation leaves every other draw
    unchanged. Returns ``X`` (R, size, dim) and ``y`` (R, size).
    """
    _check_pos_int("final test size", size, 1)
    sets = [gaussian_clusters(size, c, dim, _sub_rng(b, _FINAL_TEST), separation) for b in bases]
    X = np.stack([s[0] for s in sets for _ in range(per_seed)])
    y = np.stack([s[1] for s in sets for _ in range(per_seed)])
    return X, y


# ---------------------------------------------------------------- ghosh17: bounded vs unbounded
def accuracy_vs_noise(rng: np.random.Generator, *, losses: Sequence[Any] = ("cce", "mae", "mse"),
                      etas: Sequence[float] = (0.0, 0.2, 0.4, 0.6), n_seeds: int = 5, epochs: int = 80,
                      n_train: int = 500, n_test: int = 1000, c: int = 10, dim: int = 20, separation: float = 3.0,
                      hidden: Sequence[int] = (64,), lr: float = 3e-3, batch_size: int = 32,
                      optimizer: str = "adam", final_test_size: int | None = None,
                      xp: Any = np) -> dict[str, Any]:
    """Clean-test accuracy against uniform noise rate for several losses (``003`` sec. 2 (iii)).

    Ghosh et al. 2017 report, empirically, that bounded losses (MAE; MSE on the softmax) are
    more robust to label noise than the unbounded CCE. Each loss trains the same replicas
    (same data, noisy labels, initial weights, batch order) for ``epochs`` epochs.

    Parameters
    ----------
    rng : numpy.random.Generator
    losses : loss specs (``"cce"``, ``("lq", {"q": 0.7})``, or :class:`~simulate.losses.Loss` objects)
    etas : noise rates in ``[0, (c-1)/c)``
    n_seeds, epochs : repetitions and training length
    n_train, n_test, c, dim, separation : the task (module docstring)
    hidden, lr, batch_size, optimizer : the model and its training
    final_test_size : int, optional
        When given, ``final_acc`` is measured on a separate clean test set of this size per seed
        (:func:`final_test_sets`): a large one makes the final comparison precise while the
        per-epoch curves keep the cheaper ``n_test``.
    xp : array namespace to train in

    Returns
    -------
    dict
        ``etas`` (E,), ``losses`` (L labels), ``epochs`` (epochs + 1,),
        ``final_acc`` (L, S, E): clean-test accuracy after the last epoch (on the final test set
        when ``final_test_size`` is given, else on the ``n_test`` set),
        ``best_acc`` (L, S, E): the best over epochs (an oracle early stop),
        ``test_acc`` (L, S, E, epochs + 1): the whole curves,
        ``train_acc`` (L, S, E): agreement with the noisy training labels at the end.
    """
    etas = _check_etas(etas, c)
    bases = seed_bases(rng, n_seeds)
    task = make_task(bases, etas, n_train=n_train, n_test=n_test, c=c, dim=dim, separation=separation)
    cfg = _config(epochs, lr, batch_size, optimizer)
    params0 = init_replicas(bases, len(etas), dim, c, hidden)
    S, E = n_seeds, len(etas)
    big = None
    if final_test_size is not None:
        Xf, yf = final_test_sets(bases, E, final_test_size, c=c, dim=dim, separation=separation)
        big = (xp.asarray(Xf), xp.asarray(yf))
    labels, curves, train_acc, finals = [], [], [], []
    for spec in losses:
        label, loss = make_loss(spec)
        h, params = _train(task, loss, params0, batch_rngs(bases, E), cfg, xp)
        labels.append(label)
        curves.append(h["test_acc"].T.reshape(S, E, -1))
        train_acc.append(h["train_acc"][-1].reshape(S, E))
        if big is not None:
            finals.append(to_host(accuracy(params, *big)).reshape(S, E))
    acc = np.stack(curves)
    return {"etas": np.asarray(etas), "losses": labels, "epochs": np.arange(epochs + 1),
            "final_acc": np.stack(finals) if big is not None else acc[..., -1], "best_acc": acc.max(axis=-1),
            "test_acc": acc, "train_acc": np.stack(train_acc), "final_test_size": final_test_size or n_test}


# ---------------------------------------------------------------- gce18 Fig. 1c and Fig. 2
def softmax_gap_curves(rng: np.random.Generator, *, q: float = 0.7, eta: float = 0.4, n_seeds: int = 5,
                       epochs: int = 80, n_train: int = 500, n_test: int = 1000, c: int = 10, dim: int = 20,
                       separation: float = 3.0, hidden: Sequence[int] = (64,), lr: float = 3e-3,
                       batch_size: int = 32, optimizer: str = "adam", xp: Any = np) -> dict[str, Any]:
    """Average softmax for the given label over correctly and wrongly labelled training samples, per epoch.

    The analogue of Zhang & Sabuncu 2018, Fig. 1c (CIFAR-10, 40% uniform noise, CCE against
    ``L_q`` with ``q = 0.7``): CCE (index 0) and ``L_q`` (index 1) train the same replicas.

    Returns
    -------
    dict
        ``losses`` (2 labels), ``epochs`` (epochs + 1,), and arrays of shape (2, S, epochs + 1):
        ``softmax_wrong``, ``softmax_correct``, ``memorised`` (share of wrongly labelled samples
        predicted as their noisy label), ``test_acc``, ``train_loss``; ``noise_fraction`` (S,)
        the realised share of wrong labels.
    """
    _check_etas([eta], c)
    bases = seed_bases(rng, n_seeds)
    task = make_task(bases, [eta], n_train=n_train, n_test=n_test, c=c, dim=dim, separation=separation)
    cfg = _config(epochs, lr, batch_size, optimizer)
    params0 = init_replicas(bases, 1, dim, c, hidden)
    out: dict[str, Any] = {"losses": [], "epochs": np.arange(epochs + 1), "q": q, "eta": eta}
    keys = ("softmax_wrong", "softmax_correct", "memorised", "test_acc", "train_loss")
    acc: dict[str, list[np.ndarray]] = {k: [] for k in keys}
    for label, loss in (q_loss(0.0), q_loss(q)):
        h = _run(task, loss, params0, batch_rngs(bases, 1), cfg, xp, softmax_stats=True)
        out["losses"].append(label)
        for k in keys:
            acc[k].append(h[k].T)
    out.update({k: np.stack(v) for k, v in acc.items()})
    out["noise_fraction"] = task.wrong.mean(axis=-1)
    return out


def accuracy_vs_epoch(rng: np.random.Generator, *, qs: Sequence[float] = (0.0, 0.4, 0.7, 1.0),
                      etas: Sequence[float] = (0.0, 0.4), n_seeds: int = 5, epochs: int = 80, n_train: int = 500,
                      n_test: int = 1000, c: int = 10, dim: int = 20, separation: float = 3.0,
                      hidden: Sequence[int] = (64,), lr: float = 1e-3, batch_size: int = 32,
                      optimizer: str = "adam", xp: Any = np) -> dict[str, Any]:
    """Clean-test accuracy against epochs for ``L_q`` at several ``q`` and noise rates.

    The analogue of Zhang & Sabuncu 2018, Fig. 2 (a)-(c) and sec. 4.1; ``q = 0`` stands for CCE
    (the limit ``q -> 0``, Eq. 6). Every ``q`` trains the same replicas. The default step size
    is smaller than elsewhere (``1e-3``) so that learning on clean data takes several epochs
    and its speed is resolved.

    Returns
    -------
    dict
        ``q`` (Q,), ``etas`` (E,), ``losses`` (Q labels), ``epochs`` (epochs + 1,),
        ``test_acc`` (Q, S, E, epochs + 1), ``train_acc`` (Q, S, E, epochs + 1) against the
        (noisy) training labels, ``chance`` = 1/c.
    """
    etas = _check_etas(etas, c)
    for q in qs:
        if not 0.0 <= float(q) <= 1.0:
            raise ValueError(f"every q must lie in [0, 1] (0 meaning CCE), got {q!r}")
    bases = seed_bases(rng, n_seeds)
    task = make_task(bases, etas, n_train=n_train, n_test=n_test, c=c, dim=dim, separation=separation)
    cfg = _config(epochs, lr, batch_size, optimizer)
    params0 = init_replicas(bases, len(etas), dim, c, hidden)
    S, E = n_seeds, len(etas)
    labels, test, tr = [], [], []
    for q in qs:
        label, loss = q_loss(float(q))
        h = _run(task, loss, params0, batch_rngs(bases, E), cfg, xp)
        labels.append(label)
        test.append(h["test_acc"].T.reshape(S, E, -1))
        tr.append(h["train_acc"].T.reshape(S, E, -1))
    return {"q": np.asarray(qs, float), "etas": np.asarray(etas), "losses": labels, "epochs": np.arange(epochs + 1),
            "test_acc": np.stack(test), "train_acc": np.stack(tr), "chance": 1.0 / c}


def overfitting_stats(curves: np.ndarray) -> dict[str, np.ndarray]:
    """Peak, final, drop from peak to final, and epoch of the peak of accuracy curves (epochs on the last axis)."""
    curves = np.asarray(curves, dtype=float)
    peak = curves.max(axis=-1)
    final = curves[..., -1]
    return {"peak": peak, "final": final, "drop": peak - final, "peak_epoch": curves.argmax(axis=-1)}


def epochs_to_fraction(curves: np.ndarray, fraction: float = 0.5, *, baseline: float = 0.0) -> np.ndarray:
    """First (fractional) epoch at which a curve reaches a fraction of its own final gain.

    The target is ``baseline + fraction * (final - baseline)`` (``baseline`` e.g. chance, ``1/c``);
    the crossing is interpolated linearly between the two epochs around it, so the answer
    is resolved below one epoch. A curve that starts at or above the target gives 0; the
    final value always reaches it, so the answer is finite.

    Parameters
    ----------
    curves : array, shape (..., epochs + 1)
    fraction : float in (0, 1]
    """
    if not 0.0 < fraction <= 1.0:
        raise ValueError(f"fraction must lie in (0, 1], got {fraction!r}")
    curves = np.asarray(curves, dtype=float)
    target = baseline + fraction * (curves[..., -1] - baseline)
    above = curves >= target[..., None] - 1e-12
    idx = above.argmax(axis=-1)
    prev = np.take_along_axis(curves, np.maximum(idx - 1, 0)[..., None], axis=-1)[..., 0]
    cur = np.take_along_axis(curves, idx[..., None], axis=-1)[..., 0]
    step = np.where(cur > prev, cur - prev, 1.0)
    frac = np.clip((target - prev) / step, 0.0, 1.0)
    return np.where(idx > 0, idx - 1 + frac, 0.0)


# ---------------------------------------------------------------- 003's question: the 1/f_y weight
def gradient_norm_vs_inverse_fy(rng: np.random.Generator, *, n_seeds: int = 5, train_epochs: int = 5,
                                eta: float = 0.4, n_train: int = 500, c: int = 10, dim: int = 20,
                                separation: float = 3.0, hidden: Sequence[int] = (64,), lr: float = 3e-3,
                                batch_size: int = 32, optimizer: str = "adam", xp: Any = np) -> dict[str, Any]:
    """Per-sample CCE weight ``1/f_y`` against the norm of the sample's parameter gradient.

    Zhang & Sabuncu 2018, Eq. 5, write the CCE gradient as ``sum_i -(1/f_{y_i}) grad f_{y_i}``
    and read ``1/f_{y_i}`` as the weight of sample ``i``; Li's notes (``003`` sec. 2, "My
    Question") object that ``grad f_{y_i}`` varies by sample too. The model is trained with
    CCE on noisy labels for ``train_epochs`` epochs (0: the random initialisation); then,
    on its training samples and their (noisy) labels:

    Returns
    -------
    dict
        arrays of shape (S, n_train): ``inv_fy`` (``1/f_y``), ``grad_norm``
        (``||d CCE_i / d theta||_2`` over all parameters, exact, per sample), ``grad_fy_norm``
        (``||grad_theta f_y|| = f_y ||d CCE_i / d theta||``), ``logit_grad_norm`` (``||p - e_y||_2``,
        the gradient with respect to the logits), ``wrong`` (label is noisy); ``test_acc`` (S,).
    """
    _check_etas([eta], c)
    if isinstance(train_epochs, bool) or not isinstance(train_epochs, (int, np.integer)) or train_epochs < 0:
        raise ValueError(f"train_epochs must be an integer >= 0, got {train_epochs!r}")
    bases = seed_bases(rng, n_seeds)
    task = make_task(bases, [eta], n_train=n_train, n_test=1000, c=c, dim=dim, separation=separation)
    d, params = _on(xp, task, init_replicas(bases, 1, dim, c, hidden))
    cce = get_loss("cce")
    if train_epochs:
        params = train(params, d["X_train"], d["y_noisy"], cce, _config(train_epochs, lr, batch_size, optimizer),
                       batch_rngs(bases, 1)).params
    logits, cache = forward(params, d["X_train"])
    g = flat_loss_grad(cce, logits, d["y_noisy"])  # p - e_y, per sample (not divided by n)
    gn = to_host(per_sample_grad_sq_norms(params, cache, g)) ** 0.5
    logits, g = to_host(logits), to_host(g)
    p = softmax(logits.reshape(-1, c)).reshape(logits.shape)
    fy = np.take_along_axis(p, task.y_noisy[..., None], axis=-1)[..., 0]
    zt = logits_of(params, d["X_test"])
    return {"inv_fy": 1.0 / fy, "grad_norm": gn, "grad_fy_norm": fy * gn,
            "logit_grad_norm": np.sqrt((g * g).sum(axis=-1)), "wrong": task.wrong,
            "test_acc": to_host((zt.argmax(axis=-1) == d["y_test"]).mean(axis=-1)),
            "train_epochs": train_epochs}


def pair_discordance(a: Any, b: Any, *, block: int = 512) -> float:
    """Fraction of the ``n (n-1) / 2`` pairs ``i < j`` ordered oppositely by ``a`` and by ``b``.

    A pair is discordant when ``(a_i - a_j)(b_i - b_j) < 0``; a tie in either counts as not
    discordant. Without ties this is ``(1 - tau_a)/2`` with Kendall's ``tau_a``. Computed in
    blocks of rows: ``O(n^2)`` time, ``O(block * n)`` memory.

    Parameters
    ----------
    a, b : array_like, shape (n,), n >= 2, finite
    """
    a = np.asarray(to_host(a), dtype=float)
    b = np.asarray(to_host(b), dtype=float)
    if a.ndim != 1 or a.shape != b.shape:
        raise ValueError(f"a and b must be 1-d of one shape, got {a.shape} and {b.shape}")
    n = a.shape[0]
    if n < 2:
        raise ValueError(f"need at least 2 samples to form a pair, got n = {n}")
    if not (np.all(np.isfinite(a)) and np.all(np.isfinite(b))):
        raise ValueError("a and b must be finite")
    disc = 0
    for s in range(0, n, block):
        da = a[s:s + block, None] - a[None, :]
        db = b[s:s + block, None] - b[None, :]
        disc += int(np.count_nonzero(da * db < 0))
    return disc / 2 / (n * (n - 1) / 2)  # every unordered pair was counted twice


# ---------------------------------------------------------------- gce18 Algorithm 1 (ACS)
def acs_traces(rng: np.random.Generator, *, q: float = 0.7, k: float = 0.5, eta: float = 0.4, n_seeds: int = 5,
               warmup_epochs: int = 20, theta_epochs: int = 5, rounds: int = 6, n_train: int = 500,
               n_test: int = 1000, c: int = 10, dim: int = 20, separation: float = 3.0,
               hidden: Sequence[int] = (64,), lr: float = 3e-3, batch_size: int = 32, optimizer: str = "adam",
               xp: Any = np) -> dict[str, Any]:
    """Algorithm 1 of Zhang & Sabuncu 2018 (ACS for the truncated ``L_q``) on noisy Gaussian clusters.

    ``warmup_epochs`` epochs on all samples give ``theta^(0)``; then ``rounds`` pruning steps
    ``w_i = 1[L_q(f(x_i), y_i) <= L_q(k)]`` alternate with theta steps of ``theta_epochs``
    epochs of mini-batch training on ``sum_i w_i L_q`` (an inexact ``argmin_theta``, as the
    paper's sec. 4.2 trains 10 epochs between prunings).

    Returns
    -------
    dict
        ``objective`` (S, 1 + 2 rounds): Eq. 13 after the initial theta step, then after each
        pruning and theta step (``step_kind`` names them); ``lq_k``; per round, arrays (S, rounds):
        ``clean_pruned`` (share of correctly labelled samples with ``w_i = 0``), ``noisy_pruned``
        (share of wrongly labelled samples pruned), ``pruned_clean`` (share of pruned samples that
        are correctly labelled; NaN if none is pruned), ``kept`` (share kept),
        ``clean_pruned_bayes_correct`` (share of correctly labelled samples that are pruned although
        the Bayes classifier gets them right), ``bayes_pruned_clean`` / ``bayes_kept_clean`` (mean
        Bayes posterior of the true class over pruned / kept clean samples: low means hard);
        ``test_acc`` (S, warmup_epochs + rounds * theta_epochs + 1); ``noise_fraction`` (S,).
    """
    _check_etas([eta], c)
    bases = seed_bases(rng, n_seeds)
    task = make_task(bases, [eta], n_train=n_train, n_test=n_test, c=c, dim=dim, separation=separation)
    d, params0 = _on(xp, task, init_replicas(bases, 1, dim, c, hidden))
    mon = make_monitor(d["X_train"], d["y_noisy"], get_loss("lq", q=q), X_test=d["X_test"], y_test=d["y_test"])
    res = acs(params0, d["X_train"], d["y_noisy"], q, k, _config(theta_epochs, lr, batch_size, optimizer),
              batch_rngs(bases, 1), rounds=rounds, warmup_epochs=warmup_epochs, monitor=mon)
    pruned = res.weights == 0  # (T, S, n)
    clean = ~task.wrong[None]
    bayes = task.bayes_posterior()[None]
    bayes_ok = task.bayes_correct()[None]

    def share(mask: np.ndarray, within: np.ndarray) -> np.ndarray:
        cnt = within.sum(axis=-1)
        with np.errstate(invalid="ignore", divide="ignore"):
            return np.where(cnt > 0, (mask & within).sum(axis=-1) / np.maximum(cnt, 1), np.nan)

    def mean_over(vals: np.ndarray, mask: np.ndarray) -> np.ndarray:
        cnt = mask.sum(axis=-1)
        with np.errstate(invalid="ignore", divide="ignore"):
            return np.where(cnt > 0, (vals * mask).sum(axis=-1) / np.maximum(cnt, 1), np.nan)

    return {
        "objective": res.objective.T, "step_kind": res.step_kind, "lq_k": res.lq_k,
        "clean_pruned": share(pruned, clean).T, "noisy_pruned": share(pruned, ~clean).T,
        "pruned_clean": share(clean, pruned).T, "kept": (~pruned).mean(axis=-1).T,
        "clean_pruned_bayes_correct": share(pruned & bayes_ok, clean).T,
        "bayes_pruned_clean": mean_over(bayes, pruned & clean).T,
        "bayes_kept_clean": mean_over(bayes, ~pruned & clean).T,
        "test_acc": res.history["test_acc"].T, "noise_fraction": task.wrong.mean(axis=-1),
    }


def lq_threshold(q: float, k: float) -> float:
    """``L_q(k) = (1 - k^q)/q`` (``004`` Eq. 9), the pruning threshold of Algorithm 1."""
    return lq_at(k, q)


__all__ = [
    "Task", "make_task", "seed_bases", "init_replicas", "batch_rngs", "final_test_sets", "make_loss", "q_loss",
    "accuracy_vs_noise", "softmax_gap_curves", "accuracy_vs_epoch", "overfitting_stats", "epochs_to_fraction",
    "gradient_norm_vs_inverse_fy", "pair_discordance", "acs_traces", "lq_threshold",
]


# ================================================================ patrini17: loss correction (``002``)
# Appended for Patrini et al. 2017 (``002``): the anchor estimator with a trained classifier (Thm 3,
# Eqs. 12-13) and the sec. 5.1 / Table 2 protocol in miniature (cross-entropy, backward and forward
# correction with the true and the estimated T). The functions above are unchanged.
from simulate.anchors import anchor_transition  # noqa: E402  (imports of the appended section)
from simulate.backend import namespace_of  # noqa: E402
from simulate.models import predict_proba  # noqa: E402
from simulate.noise import TransitionMatrix  # noqa: E402

_SPLIT = 6  # stream of the train/test split of a real data set

#: sec. 5.1's MNIST flips: 2 -> 7, 3 -> 8, 5 <-> 6, 7 -> 1, each with probability N
MNIST_FLIPS: tuple[tuple[int, int], ...] = ((2, 7), (3, 8), (5, 6), (6, 5), (7, 1))


def mnist_flip_matrix(N: float) -> TransitionMatrix:
    """The MNIST noise of Patrini et al. 2017, sec. 5.1 (Eq. 17 left): ``T[i, i] = 1 - N``, ``T[i, j] = N``
    for ``2 -> 7, 3 -> 8, 5 <-> 6, 7 -> 1``, the identity on the other rows (``c = 10``).

    Singular at ``N = 1/2`` (rows 5 and 6 coincide); for ``N > 1/2`` the diagonal no longer
    dominates columns 5, 6 and 7 (see :func:`simulate.anchors.column_dominant`). Uses
    ``simulate.noise.mnist_flips`` when that module provides it.
    """
    if not (isinstance(N, (int, float, np.floating)) and not isinstance(N, bool) and 0.0 <= float(N) <= 1.0):
        raise ValueError(f"flip probability N must lie in [0, 1], got {N!r}")
    try:  # the shared parametric matrices of sec. 5.1, once simulate.noise has them
        from simulate.noise import mnist_flips  # type: ignore[attr-defined]
    except ImportError:
        T = np.eye(10)
        for i, j in MNIST_FLIPS:
            T[i, i] = 1.0 - float(N)
            T[i, j] = float(N)
        return TransitionMatrix(T)
    return mnist_flips(float(N))


def table2_noises(c: int = 10) -> dict[str, TransitionMatrix]:
    """The noisy columns of Patrini et al. 2017, Table 2 (MNIST part): symmetric ``N = 0.2`` and the sec. 5.1
    flips at ``N = 0.2`` and ``N = 0.6``, keyed by the table's column names."""
    if c != 10:
        raise ValueError(f"the MNIST flips are defined for c = 10 classes, got c = {c!r}")
    return {"symm. N=0.2": uniform_noise(c, 0.2), "asymm. N=0.2": mnist_flip_matrix(0.2),
            "asymm. N=0.6": mnist_flip_matrix(0.6)}


def replica_corrected_cce(kind: str, matrices: Any, *, max_cond: float = 1e12) -> Loss:
    """Backward- or forward-corrected cross-entropy with one transition matrix per replica.

    The same losses as :func:`simulate.correction.backward_corrected` (``(T^-1 l(p))_y``,
    Patrini et al. 2017 Thm 1) and :func:`simulate.correction.forward_corrected` (``-log (T^T p)_y``,
    Thm 2) with a CE base, but replica ``r`` of a replicated model uses ``matrices[r]``: the losses
    receive the flattened batch of :func:`simulate.training.flat_loss_grad`, ``(R * m, c)`` in
    replica-major order, and split it back into ``R`` blocks. So the settings of Table 2 (each
    with its own ``T``) train together as replicas of one model.

    Closed forms for CE (rows of ``T^-1`` sum to one because ``T 1 = 1``): backward
    ``dl/dz = p (sum_k W[y, k]) - W[y]`` with ``W = T^-1``; forward ``dl/dz = p - s`` with
    ``s_i = p_i T[i, y] / (T^T p)_y`` computed as a softmax of ``log p_i + log T[i, y]``.

    Parameters
    ----------
    kind : {"backward", "forward"}
    matrices : array_like, shape (R, c, c)
        Row-stochastic matrices (validated as :class:`TransitionMatrix`, so ``T_hat`` rows must sum to 1).
    max_cond : float
        Backward only: refuse (``ValueError``) a matrix whose condition number exceeds this. The
        default only refuses numerically singular matrices (the paper inverts ``T_hat`` whatever its
        conditioning); :data:`simulate.noise.MAX_COND` is the stricter choice of
        :func:`simulate.correction.backward_corrected`.

    Returns
    -------
    Loss
    """
    if kind not in ("backward", "forward"):
        raise ValueError(f"kind must be 'backward' or 'forward', got {kind!r}")
    Ms = np.asarray(to_host(matrices), dtype=float)
    if Ms.ndim != 3 or Ms.shape[1] != Ms.shape[2]:
        raise ValueError(f"matrices must have shape (R, c, c), got {Ms.shape}")
    R, c = Ms.shape[0], Ms.shape[1]
    for r in range(R):
        TransitionMatrix(Ms[r])  # validates, quoting the bad row
    if kind == "backward":
        conds = np.linalg.cond(Ms)
        bad = np.flatnonzero(~np.isfinite(conds) | (conds > max_cond))
        if bad.size:
            r = int(bad[0])
            raise ValueError(f"matrix of replica {r} is singular or badly conditioned (cond = {conds[r]:.3g} > "
                             f"{max_cond:.3g}); backward correction needs T^-1")
        try:
            W_host = np.linalg.inv(Ms)
        except np.linalg.LinAlgError as e:  # cond can come out finite for an exactly singular matrix
            raise ValueError(f"a replica's matrix is singular ({e}); backward correction needs T^-1") from e
    else:
        with np.errstate(divide="ignore"):
            W_host = np.log(Ms)  # log T, -inf where T is 0
    cache: dict[Any, Any] = {}

    def _split(inputs: Any, labels: Any) -> tuple[Any, Any, Any, Any]:
        xp = namespace_of(inputs)
        inputs = xp.asarray(inputs)
        if inputs.dtype.kind != "f":  # float32 inputs stay float32 (training in single precision)
            inputs = inputs.astype(float)
        if inputs.ndim != 2 or inputs.shape[1] != c or inputs.shape[0] % R:
            raise ValueError(f"inputs must have shape (R * m, {c}) with R = {R} replicas, got {inputs.shape}")
        m = inputs.shape[0] // R
        labels = xp.asarray(labels)
        if labels.shape != (R * m,) or labels.dtype.kind not in "iu":
            raise ValueError(f"labels must be integers of shape ({R * m},), got {labels.dtype} {labels.shape}")
        if m and (int(labels.min()) < 0 or int(labels.max()) >= c):
            raise ValueError(f"labels must lie in [0, {c - 1}], got range [{int(labels.min())}, {int(labels.max())}]")
        labels = labels.reshape(R, m)
        key = (xp, inputs.dtype)
        if key not in cache:
            cache[key] = xp.asarray(W_host, dtype=inputs.dtype)
        W = cache[key]
        r = xp.arange(R)[:, None]
        return xp, inputs.reshape(R, m, c), labels, (W, r)

    def _logp(xp: Any, z: Any, from_logits: bool) -> Any:
        if from_logits:
            s = z - z.max(axis=-1, keepdims=True)
            return s - xp.log(xp.exp(s).sum(axis=-1, keepdims=True))
        with np.errstate(divide="ignore"):
            return xp.log(z)

    def value(inputs: Any, labels: Any, from_logits: bool = False) -> Any:
        xp, z, y, (W, r) = _split(inputs, labels)
        logp = _logp(xp, z, from_logits)
        if kind == "backward":
            rows = W[r, y]  # (R, m, c): row y of T^-1
            out = -(rows * xp.where(rows != 0, logp, 0.0)).sum(axis=-1)
        else:
            a = logp + W[r, :, y]  # (R, m, c): log p_i + log T[i, y] (advanced indices first, then the slice)
            mx = a.max(axis=-1, keepdims=True)
            out = -(mx[..., 0] + xp.log(xp.exp(a - mx).sum(axis=-1)))
        return out.reshape(-1)

    def grad(logits: Any, labels: Any) -> Any:
        xp, z, y, (W, r) = _split(logits, labels)
        logp = _logp(xp, z, True)
        p = xp.exp(logp)
        if kind == "backward":
            rows = W[r, y]
            g = p * rows.sum(axis=-1, keepdims=True) - rows
        else:
            a = logp + W[r, :, y]
            s = xp.exp(a - a.max(axis=-1, keepdims=True))
            g = p - s / s.sum(axis=-1, keepdims=True)
        return g.reshape(-1, c)

    return Loss(name=f"{kind}[cce] per replica", value=value, grad=grad, bounded=False, symmetric=False)


def digits_data() -> tuple[np.ndarray, np.ndarray]:
    """scikit-learn's bundled 8x8 handwritten digits (1797 images, no download): ``X`` (1797, 64) in [0, 1], ``y``.

    Pixels (0..16) are divided by 16, as Patrini et al. 2017 normalise MNIST pixels to [0, 1]
    (sec. 5.1). Needs the optional extra ``replicate`` (scikit-learn); raises ``ImportError``
    (with the install command) where it is absent.
    """
    if "digits" not in _DIGITS:
        try:
            from sklearn.datasets import load_digits  # type: ignore[import-not-found]
        except ImportError as e:
            raise ImportError("scikit-learn is not installed; the digits data set needs the optional extra "
                              "'replicate' (pip install 'label-noise-lab[replicate]' or pip install scikit-learn)"
                              ) from e
        d = load_digits()
        _DIGITS["digits"] = (np.asarray(d.data, dtype=float) / 16.0, np.asarray(d.target, dtype=np.int64))
    X, y = _DIGITS["digits"]
    return X.copy(), y.copy()


_DIGITS: dict[str, tuple[np.ndarray, np.ndarray]] = {}  # loaded once per process (a CSV read)


def noisy_label_task(bases: Sequence[int], noises: Sequence[TransitionMatrix], *, dataset: str = "clusters",
                     n_train: int = 500, n_test: int = 1000, c: int = 10, dim: int = 20,
                     separation: float = 3.0) -> Task:
    """One replica per ``(seed, noise)`` pair, seed-major, like :func:`make_task` but for any ``T``.

    ``dataset="clusters"``: Gaussian clusters (:func:`simulate.populations.gaussian_clusters`), ``n_train``
    and ``n_test`` samples. ``dataset="digits"``: a random split of :func:`digits_data` per seed,
    ``n_train`` for training and the rest (``1797 - n_train``) for testing (``n_test``, ``dim`` and
    ``separation`` are ignored; ``c`` must be 10). Replicas of one seed share inputs and clean labels;
    their noisy labels are drawn from the same stream with each ``noises[k]``.
    """
    _check_pos_int("n_train", n_train, 2)
    if not noises:
        raise ValueError("noises must not be empty")
    for T in noises:
        if not isinstance(T, TransitionMatrix) or T.c != c:
            raise ValueError(f"every noise must be a {c} x {c} TransitionMatrix, got {T!r}")
    if dataset == "digits":
        if c != 10:
            raise ValueError(f"the digits data set has c = 10 classes, got c = {c!r}")
        Xd, yd = digits_data()
        if not 2 <= n_train <= Xd.shape[0] - 1:
            raise ValueError(f"n_train must lie in [2, {Xd.shape[0] - 1}] for the digits, got {n_train!r}")
    elif dataset != "clusters":
        raise ValueError(f"dataset must be 'clusters' or 'digits', got {dataset!r}")
    else:
        _check_pos_int("n_test", n_test, 1)
    Xs, ycs, yns, Xts, yts = [], [], [], [], []
    for b in bases:
        if dataset == "clusters":
            X, y = gaussian_clusters(n_train, c, dim, _sub_rng(b, _DATA), separation)
            Xt, yt = gaussian_clusters(n_test, c, dim, _sub_rng(b, _TEST), separation)
        else:
            perm = _sub_rng(b, _SPLIT).permutation(Xd.shape[0])
            X, y, Xt, yt = Xd[perm[:n_train]], yd[perm[:n_train]], Xd[perm[n_train:]], yd[perm[n_train:]]
        for T in noises:
            yn = sample_noisy_labels(y, T, _sub_rng(b, _NOISE))
            Xs.append(X), ycs.append(y), yns.append(yn), Xts.append(Xt), yts.append(yt)
    sep = np.broadcast_to(np.asarray(separation if dataset == "clusters" else np.nan, float), (c,)).copy()
    return Task(np.stack(Xs), np.stack(ycs), np.stack(yns), np.stack(Xts), np.stack(yts), sep)


def _replica_anchor_estimates(params: Params, X: Any, percentile: float | None) -> np.ndarray:
    """Eqs. 12-13 on each replica's own training inputs ``X`` (R, n, dim): ``T_hat`` (R, c, c), row-normalised."""
    pt = to_host(predict_proba(params, X))
    return np.stack([anchor_transition(pt[r], percentile).matrix for r in range(pt.shape[0])])


SINGULAR_COND, SINGULAR_MIX = 1e12, 1e-3
CORRECTION_METHODS = ("cross-entropy", "backward", "forward", "backward T_hat", "forward T_hat")


def correction_accuracy(rng: np.random.Generator, *, dataset: str = "clusters",
                        noises: dict[str, TransitionMatrix] | None = None, n_seeds: int = 6, epochs: int = 40,
                        n_train: int | None = None, n_test: int = 5000, c: int = 10, dim: int = 20,
                        separation: float = 4.0, hidden: Sequence[int] = (64,), lr: float = 3e-3,
                        batch_size: int = 128, optimizer: str = "adam", percentile: float | None = 97.0,
                        dtype: Any = np.float32, xp: Any = np) -> dict[str, Any]:
    """Patrini et al. 2017, sec. 5.1-5.2 / Table 2 in miniature: CE, backward and forward correction with the
    true ``T`` and with ``T_hat`` estimated by Eqs. 12-13.

    Algorithm 1: a network trained with CE on the noisy labels gives ``ptilde(x)`` on ``X'`` = its
    training inputs (sec. 5.1 uses training and validation sets), ``T_hat`` is Eqs. 12-13 with
    ``percentile`` (sec. 5.1: 97; ``None`` for the argmax), row-normalised; then the same network
    is retrained from the same initial weights, with the same batch order, with each corrected
    loss. The CE network is also the "cross-entropy" row. Every ``(seed, noise)`` pair is a
    replica (:func:`noisy_label_task`); the corrections use :func:`replica_corrected_cce`.

    Parameters
    ----------
    rng : numpy.random.Generator
    dataset : ``"clusters"`` (Gaussian clusters) or ``"digits"`` (needs scikit-learn, :func:`digits_data`)
    noises : dict column name -> TransitionMatrix (default :func:`table2_noises`)
    n_seeds, epochs, n_train, n_test, c, dim, separation, hidden, lr, batch_size, optimizer : the task and training;
        ``n_train`` defaults to 1000 (clusters) or 1200 (digits, whose remaining 597 images are the test set).
        The defaults are the settings of the ``patrini17.forward_beats_backward`` check (its quick seed count).
    percentile : the anchor estimator's percentile (``None``: argmax)
    dtype : floating type of the inputs and weights (``numpy.float32`` trains about twice as fast on a CPU;
        every loss, CE included, then runs in single precision through :func:`replica_corrected_cce`)
    xp : array namespace to train in

    Returns
    -------
    dict
        ``methods`` (M = 5 labels, :data:`CORRECTION_METHODS`), ``settings`` (K column names),
        ``acc`` (M, K, S): clean-test accuracy after the last epoch; ``train_acc_noisy`` (M, K, S):
        agreement with the noisy training labels; ``finite`` (M, K, S): parameters stayed finite;
        ``min_class_acc`` (M, K, S): the lowest clean-test accuracy over the classes (near 0: a class is lost);
        ``T`` (K, c, c), ``cond_T`` (K,), ``T_hat`` (K, S, c, c), ``T_hat_error`` (K, S):
        ``||T_hat - T||_inf``; ``cond_T_hat`` (K, S); ``T_hat_mixed_for_backward`` (K, S): ``T_hat`` was
        numerically singular (``cond > 1e12``) and backward used ``(1 - 1e-3) T_hat + 1e-3 I``;
        ``n_train``, ``n_test``.
    """
    from simulate.anchors import transition_error

    noises = table2_noises(c) if noises is None else dict(noises)
    if n_train is None:
        n_train = 1200 if dataset == "digits" else 1000
    names = list(noises)
    Ts = [noises[k] for k in names]
    K, S = len(names), n_seeds
    bases = seed_bases(rng, n_seeds)
    task = noisy_label_task(bases, Ts, dataset=dataset, n_train=n_train, n_test=n_test, c=c, dim=dim,
                            separation=separation)
    dim_in = task.X_train.shape[-1]
    cfg = _config(epochs, lr, batch_size, optimizer)
    params0 = {k: xp.asarray(v, dtype=dtype) for k, v in init_replicas(bases, K, dim_in, c, hidden).items()}
    X, yn = xp.asarray(task.X_train, dtype=dtype), xp.asarray(task.y_noisy)
    Xt, yt = xp.asarray(task.X_test, dtype=dtype), xp.asarray(task.y_test)
    T_rep = np.stack([Ts[k].matrix for _ in range(S) for k in range(K)])  # (R, c, c), seed-major
    identity = np.broadcast_to(np.eye(c), T_rep.shape)  # backward with T = I is plain cross-entropy

    def fit(loss: Loss) -> Params:
        return train(params0, X, yn, loss, cfg, batch_rngs(bases, K)).params

    def score(params: Params) -> tuple[np.ndarray, ...]:
        fin = np.ones(S * K, dtype=bool)
        for v in params.values():
            fin &= to_host(xp.isfinite(v).reshape(S * K, -1).all(axis=1))
        pred = to_host(logits_of(params, Xt).argmax(axis=-1))
        hit = pred == task.y_test
        acc = hit.mean(axis=-1)
        per_class = np.stack([(hit & (task.y_test == k)).sum(axis=-1) / np.maximum((task.y_test == k).sum(axis=-1), 1)
                              for k in range(c)], axis=-1)  # (R, c)
        tr = to_host(accuracy(params, X, yn))
        return (acc.reshape(S, K).T, tr.reshape(S, K).T, fin.reshape(S, K).T,
                per_class.min(axis=-1).reshape(S, K).T)

    p_ce = fit(replica_corrected_cce("backward", identity))
    T_hat = _replica_anchor_estimates(p_ce, X, percentile)  # (R, c, c)
    # a numerically singular T_hat (e.g. one input anchoring two classes) has no inverse: backward then uses
    # (1 - MIX) T_hat + MIX I for that replica, and the replica is flagged
    singular = ~(np.linalg.cond(T_hat) <= SINGULAR_COND)
    T_hat_b = np.where(singular[:, None, None], (1 - SINGULAR_MIX) * T_hat + SINGULAR_MIX * np.eye(c), T_hat)
    runs = [p_ce,
            fit(replica_corrected_cce("backward", T_rep)), fit(replica_corrected_cce("forward", T_rep)),
            fit(replica_corrected_cce("backward", T_hat_b)), fit(replica_corrected_cce("forward", T_hat))]
    scores = [score(p) for p in runs]
    T_hat_ks = T_hat.reshape(S, K, c, c).transpose(1, 0, 2, 3)
    return {
        "dataset": dataset, "methods": list(CORRECTION_METHODS), "settings": names,
        "acc": np.stack([s[0] for s in scores]), "train_acc_noisy": np.stack([s[1] for s in scores]),
        "finite": np.stack([s[2] for s in scores]), "min_class_acc": np.stack([s[3] for s in scores]),
        "T": np.stack([T.matrix for T in Ts]), "cond_T": np.array([T.cond for T in Ts]),
        "T_hat": T_hat_ks,
        "T_hat_error": np.array([[transition_error(T_hat_ks[k, s], Ts[k]) for s in range(S)] for k in range(K)]),
        "cond_T_hat": np.linalg.cond(T_hat_ks), "T_hat_mixed_for_backward": singular.reshape(S, K).T,
        "percentile": percentile, "n_train": int(task.X_train.shape[1]), "n_test": int(task.X_test.shape[1]),
    }


def trained_anchor_errors(rng: np.random.Generator, T: TransitionMatrix, *, sizes: Sequence[int] = (250, 1000, 4000),
                          n_seeds: int = 5, percentiles: Sequence[float | None] = (None, 97.0), epochs: int = 40,
                          c: int = 10, dim: int = 20, separation: float = 4.0, hidden: Sequence[int] = (64,),
                          lr: float = 3e-3, batch_size: int = 128, optimizer: str = "adam", dtype: Any = np.float32,
                          xp: Any = np) -> dict[str, Any]:
    """Eqs. 12-13 with ``ptilde`` from a network trained on noisy labels, against the size of ``X'``.

    Patrini et al. 2017, Algorithm 1 / Thm 3's assumption 2: for each size ``n``, a CE network is
    trained on ``n`` Gaussian-cluster samples whose labels are corrupted by ``T``, and ``T_hat`` is
    estimated on ``X'`` = the training inputs from its softmax. For comparison the same ``X'`` is
    also used with the *exact* ``p(noisy | x) = p(y | x) T`` (the Bayes posterior of the clusters times
    ``T``), which isolates the classifier's share of the error. The clusters have no perfect
    examples, only near-perfect ones far out along each class mean.

    The network may memorise part of its noisy training labels, so ``error_fresh`` also estimates on a
    fresh unlabelled sample of the same size (Algorithm 1 allows any unlabelled ``X'``). ``dtype`` as
    in :func:`correction_accuracy`. The defaults are the settings of the ``patrini17.thm3_anchor`` check
    (which uses ``T`` = :func:`mnist_flip_matrix` ``(0.2)``).

    Returns
    -------
    dict
        ``sizes`` (N,), ``estimators`` (A labels), ``error_trained`` (``X'`` = training inputs),
        ``error_fresh`` (``X'`` = fresh inputs) and ``error_exact`` (exact ``ptilde`` on the training
        inputs), each (A, N, S): ``||T_hat - T||_inf``; ``flip_rate_trained`` (A, N, S): the mean of
        ``1 - T_hat[i, i]`` over the classes ``T`` flips (``X'`` = training inputs), against
        ``flip_rate_true``; ``test_acc`` (N, S) of the CE network on clean labels;
        ``max_posterior`` (N, S): ``min_i max_{x in X'} p(y = i | x)`` (how close ``X'`` comes to
        having a perfect example of every class).
    """
    from simulate.anchors import check_percentile, estimate_transition, estimator_label, transition_error

    if not isinstance(T, TransitionMatrix) or T.c != c:
        raise ValueError(f"T must be a {c} x {c} TransitionMatrix, got {T!r}")
    pcts = [check_percentile(a) for a in percentiles]
    sizes = [int(n) for n in sizes]
    if not sizes or min(sizes) < c:
        raise ValueError(f"every size must be >= c = {c}, got {sizes!r}")
    S = n_seeds
    err_t = np.empty((len(pcts), len(sizes), S))
    err_x = np.empty_like(err_t)
    err_f = np.empty_like(err_t)
    flip = np.empty_like(err_t)
    noisy_rows = np.flatnonzero(np.diag(T.matrix) < 1.0)
    if noisy_rows.size == 0:
        noisy_rows = np.arange(c)
    test_acc = np.empty((len(sizes), S))
    purity = np.empty((len(sizes), S))
    cfg = _config(epochs, lr, batch_size, optimizer)
    sep = np.full(c, float(separation))
    for k, n in enumerate(sizes):
        bases = seed_bases(rng, S)
        task = noisy_label_task(bases, [T], dataset="clusters", n_train=n, n_test=max(n, 1000), c=c, dim=dim,
                                separation=separation)
        p0 = {kk: xp.asarray(v, dtype=dtype) for kk, v in init_replicas(bases, 1, dim, c, hidden).items()}
        cce = replica_corrected_cce("backward", np.broadcast_to(np.eye(c), (S, c, c)))  # CE in any precision
        X = xp.asarray(task.X_train, dtype=dtype)
        params = train(p0, X, xp.asarray(task.y_noisy), cce, cfg, batch_rngs(bases, 1)).params
        pt_hat = to_host(predict_proba(params, X))
        pt_fresh = to_host(predict_proba(params, xp.asarray(task.X_test[:, :n], dtype=dtype)))  # never trained on
        post = softmax((task.X_train[..., :c] * sep - sep**2 / 2).reshape(-1, c)).reshape(S, n, c)
        pt_exact = post @ T.matrix
        test_acc[k] = to_host(accuracy(params, xp.asarray(task.X_test, dtype=dtype), xp.asarray(task.y_test)))
        purity[k] = post.max(axis=1).min(axis=1)
        for a, pct in enumerate(pcts):
            for s in range(S):
                T_hat = np.asarray(estimate_transition(pt_hat[s], pct), dtype=float)
                err_t[a, k, s] = transition_error(T_hat, T)
                flip[a, k, s] = float((1.0 - np.diag(T_hat))[noisy_rows].mean())
                err_x[a, k, s] = transition_error(estimate_transition(pt_exact[s], pct), T)
                err_f[a, k, s] = transition_error(estimate_transition(pt_fresh[s], pct), T)
    return {"sizes": np.asarray(sizes), "estimators": [estimator_label(a) for a in pcts],
            "error_trained": err_t, "error_fresh": err_f, "error_exact": err_x, "flip_rate_trained": flip,
            "flip_rate_true": float((1.0 - np.diag(T.matrix))[noisy_rows].mean()), "test_acc": test_acc,
            "max_posterior": purity, "epochs": epochs}


__all__ += ["MNIST_FLIPS", "mnist_flip_matrix", "table2_noises", "replica_corrected_cce", "digits_data",
            "noisy_label_task", "CORRECTION_METHODS", "correction_accuracy", "trained_anchor_errors"]


# ================================================================ sce19: class-biased learning (``003`` sec. 3 (i))
# Appended for Wang et al. 2019, symmetric cross entropy (via Li's notes ``003``): per-class learning
# curves on Gaussian clusters of unequal separation, CE against SCE, under clean, symmetric and
# pair-flip labels. The functions above are unchanged.
from simulate.noise import pair_flip  # noqa: E402  (imports of the appended section)

#: ten classes alternating "easy" (mean at distance 4 from the origin) and "hard" (distance 2), so
#: that pair-flip noise (class i -> i + 1) always moves labels between the two groups
CLASS_BIAS_SEPARATIONS: tuple[float, ...] = (4.0, 2.0) * 5
#: the SCE paper's CIFAR-10 setting (Wang et al. 2019, sec. 5): alpha = 0.1, beta = 1, A = log 0 = -4
SCE_CIFAR10: dict[str, float] = {"alpha": 0.1, "beta": 1.0, "A": -4.0}


def class_bias_noises(c: int, eta: float = 0.4) -> dict[str, TransitionMatrix]:
    """Clean labels, symmetric noise of rate ``eta`` (:func:`simulate.noise.uniform_noise`) and pair-flip noise
    of rate ``eta`` (class ``i -> i + 1 mod c``, :func:`simulate.noise.pair_flip`), keyed by name."""
    return {"clean": TransitionMatrix(np.eye(c)), f"symmetric {eta:g}": uniform_noise(c, eta),
            f"pair-flip {eta:g}": pair_flip(c, eta)}


def _check_separations(separations: Sequence[float]) -> np.ndarray:
    sep = np.asarray(separations, dtype=float)
    if sep.ndim != 1 or sep.size < 2:
        raise ValueError(f"separations must list one value per class (c >= 2), got {separations!r}")
    if not np.all(np.isfinite(sep)) or np.any(sep <= 0):
        raise ValueError(f"every separation must be a finite number > 0, got {separations!r}")
    return sep


def class_accuracy_curves(rng: np.random.Generator, *, separations: Sequence[float] = CLASS_BIAS_SEPARATIONS,
                          noises: dict[str, TransitionMatrix] | None = None,
                          losses: Sequence[Any] = ("cce", ("sce", SCE_CIFAR10)), n_seeds: int = 5, epochs: int = 60,
                          n_train: int = 500, n_test: int = 2000, dim: int = 20, hidden: Sequence[int] = (64,),
                          lr: float = 3e-3, batch_size: int = 32, optimizer: str = "adam",
                          xp: Any = np) -> dict[str, Any]:
    """Clean-test accuracy of every class against epochs, for several losses and label noises.

    The analogue of Wang et al. 2019 (SCE), sec. 3 and Fig. 1 (per-class test accuracy of CE and
    SCE on CIFAR-10 with 40% symmetric noise; Li's notes ``003`` sec. 3 (i), whose question is
    whether it holds for other noise): ``c = len(separations)`` unit Gaussian clusters with means
    ``separations[k] * e_k`` (:func:`simulate.populations.gaussian_clusters`), so classes with a
    small separation are *hard* (near the origin, where they overlap) and those with a large one
    *easy*. Every ``(seed, noise)`` pair is a replica (:func:`noisy_label_task`); every loss
    trains the same replicas from the same initial weights with the same batch order (paired).

    Parameters
    ----------
    rng : numpy.random.Generator
    separations : one positive separation per class (default :data:`CLASS_BIAS_SEPARATIONS`)
    noises : name -> TransitionMatrix (default :func:`class_bias_noises` ``(c, 0.4)``)
    losses : loss specs as for :func:`accuracy_vs_noise` (default CE and SCE with :data:`SCE_CIFAR10`)
    n_seeds, epochs, n_train, n_test, dim, hidden, lr, batch_size, optimizer : the task and its training
    xp : array namespace to train in

    Returns
    -------
    dict
        ``losses`` (L labels), ``noises`` (K names), ``separations`` (c,), ``epochs`` (epochs + 1,),
        ``class_acc`` (L, K, S, epochs + 1, c): accuracy on the clean test samples of each class,
        ``test_acc`` (L, K, S, epochs + 1): overall clean-test accuracy, ``train_acc_noisy``
        (L, K, S): agreement with the noisy training labels at the end, ``noise_fraction`` (K, S):
        the realised share of wrong training labels, ``T`` (K, c, c).
    """
    sep = _check_separations(separations)
    c = int(sep.size)
    noises = class_bias_noises(c) if noises is None else dict(noises)
    if not noises:
        raise ValueError("noises must not be empty")
    names = list(noises)
    Ts = [noises[k] for k in names]
    K, S = len(names), _check_pos_int("n_seeds", n_seeds, 1)
    bases = seed_bases(rng, S)
    task = noisy_label_task(bases, Ts, n_train=n_train, n_test=n_test, c=c, dim=dim, separation=sep)
    cfg = _config(epochs, lr, batch_size, optimizer)
    params0 = init_replicas(bases, K, dim, c, hidden)
    d, p0 = _on(xp, task, params0)
    onehot = (task.y_test[..., None] == np.arange(c)).astype(float)  # (R, n_test, c)
    counts = onehot.sum(axis=1)
    if np.any(counts == 0):
        raise ValueError(f"n_test = {n_test} leaves a class without test samples; use n_test >= c = {c}")
    onehot_x = xp.asarray(onehot)
    counts_x = xp.asarray(counts)

    def monitor(epoch: int, params: Params) -> dict[str, Any]:
        hit = xp.asarray(logits_of(params, d["X_test"]).argmax(axis=-1) == d["y_test"], dtype=onehot_x.dtype)
        per_class = (hit[..., None] * onehot_x).sum(axis=-2) / counts_x  # (R, c)
        return {"class_acc": per_class, "test_acc": hit.mean(axis=-1)}

    labels, class_acc, test_acc, train_acc = [], [], [], []
    for spec in losses:
        label, loss = make_loss(spec)
        res = train(p0, d["X_train"], d["y_noisy"], loss, cfg, batch_rngs(bases, K), monitor=monitor)
        h = res.history
        labels.append(label)
        class_acc.append(h["class_acc"].reshape(epochs + 1, S, K, c).transpose(2, 1, 0, 3))
        test_acc.append(h["test_acc"].reshape(epochs + 1, S, K).transpose(2, 1, 0))
        train_acc.append(to_host(accuracy(res.params, d["X_train"], d["y_noisy"])).reshape(S, K).T)
    return {"losses": labels, "noises": names, "separations": sep, "epochs": np.arange(epochs + 1),
            "class_acc": np.stack(class_acc), "test_acc": np.stack(test_acc), "train_acc_noisy": np.stack(train_acc),
            "noise_fraction": task.wrong.mean(axis=-1).reshape(S, K).T, "T": np.stack([T.matrix for T in Ts])}


def class_groups(separations: Sequence[float], threshold: float | None = None) -> dict[str, np.ndarray]:
    """Boolean masks ``{"easy": sep > threshold, "hard": sep <= threshold}`` over the classes.

    The default threshold is the midpoint of the smallest and largest separation; both groups must
    be non-empty (``ValueError`` otherwise, e.g. for equal separations).
    """
    sep = _check_separations(separations)
    thr = float(sep.min() + sep.max()) / 2 if threshold is None else float(threshold)
    easy = sep > thr
    if easy.all() or not easy.any():
        raise ValueError(f"separations {sep.tolist()} do not split into easy and hard classes at {thr:g}")
    return {"easy": easy, "hard": ~easy}


def group_curves(class_acc: np.ndarray, separations: Sequence[float],
                 threshold: float | None = None) -> dict[str, np.ndarray]:
    """Mean accuracy over the easy and over the hard classes (:func:`class_groups`): ``class_acc`` (..., c)
    -> ``{"easy": (...), "hard": (...)}`` (classes are balanced, so this is the group's accuracy up to one sample)."""
    class_acc = np.asarray(class_acc, dtype=float)
    g = class_groups(separations, threshold)
    if class_acc.shape[-1] != g["easy"].size:
        raise ValueError(f"class_acc has {class_acc.shape[-1]} classes on its last axis, separations "
                         f"{g['easy'].size}")
    return {k: class_acc[..., m].mean(axis=-1) for k, m in g.items()}


__all__ += ["CLASS_BIAS_SEPARATIONS", "SCE_CIFAR10", "class_bias_noises", "class_accuracy_curves", "class_groups",
            "group_curves"]
