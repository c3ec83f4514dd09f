"""Training experiments: the task, its replicas and streams, and the plain accuracy-against-noise study.

Every function here is pure given its ``rng``: it draws one integer seed per repetition
("seed") from ``rng`` and derives every random stream of that repetition (data, label
noise, initial weights, batch order) from it, so the result is a deterministic function of
the generator's state and the arguments. Repetitions and settings are trained together as
replicas of one batched model (:mod:`label_noise_lab.simulate.models`), which keeps the experiments within
seconds on a CPU. Training runs in the namespace ``xp`` (NumPy by default; every study runs on
``array_api_strict``, the array API standard's strict namespace, with NumPy's results,
``tests/simulate/test_portability.py``);
every array returned is NumPy.

The task is always the same: ``c`` unit-variance Gaussian clusters in ``dim``
dimensions with means ``separation * e_k`` (:func:`label_noise_lab.simulate.populations.gaussian_clusters`),
a small training set whose labels are corrupted by uniform noise of rate ``eta``
(:func:`label_noise_lab.simulate.noise.uniform_noise`), a clean test set, and a one-hidden-layer ReLU MLP
trained with Adam (the optimiser of Zhang & Sabuncu 2018, sec. 4.1) that can memorise the
noisy training labels. Defaults: ``c = 10`` classes, ``dim = 20``, separation 3 (Bayes accuracy
about 0.90), 500 training and 1000 test samples, 64 hidden units, Adam with ``lr = 3e-3`` and
batches of 32. Comparisons between losses are *paired*: within a repetition every
loss sees the same data, noisy labels, initial weights and batch order.

The per-paper studies of the catalogue (``paper_checks/papers/*/studies.py``) are built on it.
Source of :func:`accuracy_vs_noise`: Ghosh et al. 2017, via Li's notes, sec. 2 (iii).
"""
from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any, Sequence

import numpy as np

from label_noise_lab.simulate.engine.namespace import to_host
from label_noise_lab.simulate.engine.rng import check_generator
from label_noise_lab.simulate.losses import Loss, get_loss, softmax
from label_noise_lab.simulate.models import Params, accuracy, init_mlp
from label_noise_lab.simulate.noise import TransitionMatrix, sample_noisy_labels, uniform_noise
from label_noise_lab.simulate.populations import gaussian_clusters
from label_noise_lab.simulate.training import TrainConfig, make_monitor, train
from label_noise_lab.theory.validators import check_int

# stream numbers of the generators derived from one repetition's seed
_DATA, _NOISE, _INIT, _BATCH, _TEST, _FINAL_TEST = 0, 1, 2, 3, 4, 5
_SPLIT = 6  # stream of the train/test split of a real data set (noisy_label_task)


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
    check_int("n_seeds", n_seeds, 1), check_generator(rng)
    return rng.integers(0, 2**62, size=n_seeds)


def _sub_rng(base: int, *stream: int) -> np.random.Generator:
    return np.random.default_rng([int(base), *stream])


def make_task(bases: Sequence[int], etas: Sequence[float], *, n_train: int, n_test: int, c: int, dim: int,
              separation: float = 3.0) -> Task:
    """One replica per ``(seed, eta)`` pair, seed-major (replica ``s * len(etas) + e``).

    Replicas of one seed share the inputs and clean labels; their noisy labels are drawn with
    rate ``etas[e]`` from the same uniform stream.
    """
    check_int("n_train", n_train, 2)
    check_int("n_test", n_test, 1)
    etas = check_etas(etas, c)
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


def check_etas(etas: Sequence[float], c: int) -> list[float]:
    """``etas`` as floats, each checked to lie in ``[0, (c-1)/c)``; raises ``ValueError`` otherwise."""
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
    """``L_q`` for ``q`` in ``(0, 1]``; CCE for ``q = 0``, its limit (Zhang & Sabuncu 2018, Eq. 6)."""
    if q == 0:
        return "cce", get_loss("cce")
    return f"lq(q={q:g})", get_loss("lq", q=float(q))


def train_config(epochs: int, lr: float, batch_size: int, optimizer: str) -> TrainConfig:
    """The :class:`TrainConfig` of the studies' keyword arguments."""
    return TrainConfig(epochs=epochs, lr=lr, batch_size=batch_size, optimizer=optimizer)


def on_backend(xp: Any, task: Task, params: Params) -> tuple[dict[str, Any], Params]:
    """The task's arrays and the parameters on the array module ``xp``."""
    arrays = {k: xp.asarray(getattr(task, k)) for k in ("X_train", "y_clean", "y_noisy", "X_test", "y_test")}
    return arrays, {k: xp.asarray(v) for k, v in params.items()}


def run_replicas(task: Task, loss: Loss, params0: Params, rngs: list[np.random.Generator], config: TrainConfig,
                 xp: Any, *, softmax_stats: bool = False, record: Sequence[str] | None = None) -> dict[str, np.ndarray]:
    """Train every replica of ``task`` with ``loss`` from ``params0``; the training history (host arrays).

    ``record``: the per-epoch quantities to keep (:func:`label_noise_lab.simulate.training.make_monitor`); by default
    all.
    """
    return _train(task, loss, params0, rngs, config, xp, softmax_stats=softmax_stats, record=record)[0]


def _train(task: Task, loss: Loss, params0: Params, rngs: list[np.random.Generator], config: TrainConfig, xp: Any,
           *, softmax_stats: bool = False, record: Sequence[str] | None = None
           ) -> tuple[dict[str, np.ndarray], Params]:
    d, p0 = on_backend(xp, task, params0)
    mon = make_monitor(d["X_train"], d["y_noisy"], loss, y_clean=d["y_clean"] if softmax_stats else None,
                       X_test=d["X_test"], y_test=d["y_test"], record=record)
    res = train(p0, d["X_train"], d["y_noisy"], loss, config, rngs, monitor=mon)
    return res.history, res.params


def final_test_sets(bases: Sequence[int], per_seed: int, size: int, *, c: int, dim: int,
                    separation: float = 3.0) -> tuple[np.ndarray, np.ndarray]:
    """A fresh clean test set of ``size`` samples per seed, repeated for its ``per_seed`` replicas.

    Drawn from its own stream, so a large set for the final evaluation leaves every other draw
    unchanged. Returns ``X`` (R, size, dim) and ``y`` (R, size).
    """
    check_int("final test size", size, 1)
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
                      dtype: Any = None, xp: Any = np) -> dict[str, Any]:
    """Clean-test accuracy against uniform noise rate for several losses (Li's notes, sec. 2 (iii)).

    Ghosh et al. 2017 report, empirically, that bounded losses (MAE; MSE on the softmax) are
    more robust to label noise than the unbounded CCE. Each loss trains the same replicas
    (same data, noisy labels, initial weights, batch order) for ``epochs`` epochs.

    Parameters
    ----------
    rng : numpy.random.Generator
    losses : loss specs (``"cce"``, ``("lq", {"q": 0.7})``, or :class:`~label_noise_lab.simulate.losses.Loss` objects)
    etas : noise rates in ``[0, (c-1)/c)``
    n_seeds, epochs : repetitions and training length
    n_train, n_test, c, dim, separation : the task (module docstring)
    hidden, lr, batch_size, optimizer : the model and its training
    final_test_size : int, optional
        When given, ``final_acc`` is measured on a separate clean test set of this size per seed
        (:func:`final_test_sets`): a large one makes the final comparison precise while the
        per-epoch curves keep the cheaper ``n_test``.
    dtype : floating type of the inputs and weights (default: as drawn, ``float64``); ``numpy.float32``
        trains about twice as fast on a CPU and draws the same data, initial weights and batch orders
        (rounded), so the replicas and their pairing are unchanged
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
    etas = check_etas(etas, c)
    bases = seed_bases(rng, n_seeds)
    task = make_task(bases, etas, n_train=n_train, n_test=n_test, c=c, dim=dim, separation=separation)
    cfg = train_config(epochs, lr, batch_size, optimizer)
    params0 = init_replicas(bases, len(etas), dim, c, hidden)
    if dtype is not None:
        task = replace(task, X_train=task.X_train.astype(dtype), X_test=task.X_test.astype(dtype))
        params0 = {k: v.astype(dtype) for k, v in params0.items()}
    S, E = n_seeds, len(etas)
    big = None
    if final_test_size is not None:
        Xf, yf = final_test_sets(bases, E, final_test_size, c=c, dim=dim, separation=separation)
        big = (xp.asarray(Xf if dtype is None else Xf.astype(dtype)), xp.asarray(yf))
    labels, curves, train_acc, finals = [], [], [], []
    X_train, y_noisy = xp.asarray(task.X_train), xp.asarray(task.y_noisy)
    for spec in losses:
        label, loss = make_loss(spec)
        # only the clean-test curve is needed every epoch; the training set is evaluated once, at the end
        h, params = _train(task, loss, params0, batch_rngs(bases, E), cfg, xp, record=("test_acc",))
        labels.append(label)
        curves.append(h["test_acc"].T.reshape(S, E, -1))
        train_acc.append(to_host(accuracy(params, X_train, y_noisy)).reshape(S, E))
        if big is not None:
            finals.append(to_host(accuracy(params, *big)).reshape(S, E))
    acc = np.stack(curves)
    return {"etas": np.asarray(etas), "losses": labels, "epochs": np.arange(epochs + 1),
            "final_acc": np.stack(finals) if big is not None else acc[..., -1], "best_acc": acc.max(axis=-1),
            "test_acc": acc, "train_acc": np.stack(train_acc), "final_test_size": final_test_size or n_test}


# ---------------------------------------------------------------- tasks for any T (and the 8x8 digits)
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

    ``dataset="clusters"``: Gaussian clusters (:func:`label_noise_lab.simulate.populations.gaussian_clusters`),
    ``n_train``
    and ``n_test`` samples. ``dataset="digits"``: a random split of :func:`digits_data` per seed,
    ``n_train`` for training and the rest (``1797 - n_train``) for testing (``n_test``, ``dim`` and
    ``separation`` are ignored; ``c`` must be 10). Replicas of one seed share inputs and clean labels;
    their noisy labels are drawn from the same stream with each ``noises[k]``.
    """
    check_int("n_train", n_train, 2)
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
        check_int("n_test", n_test, 1)
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


__all__ = [
    "Task", "make_task", "seed_bases", "init_replicas", "batch_rngs", "final_test_sets", "make_loss", "q_loss",
    "accuracy_vs_noise", "noisy_label_task", "digits_data", "_sub_rng", "train_config",
]
