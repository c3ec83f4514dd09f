"""Class-biased learning of Wang et al. 2019, symmetric cross entropy (via Li's notes, the SCE summary, (i)):
per-class learning curves on Gaussian clusters of unequal separation, CE against SCE, under clean,
symmetric and pair-flip labels. The task, replicas and streams are those of :mod:`label_noise_lab.simulate.experiments`.
"""
from __future__ import annotations

from dataclasses import replace
from typing import Any, Sequence

import numpy as np

from label_noise_lab.simulate.engine.namespace import to_host
from label_noise_lab.simulate.experiments import (
    batch_rngs,
    init_replicas,
    make_loss,
    noisy_label_task,
    on_backend,
    seed_bases,
    train_config,
)
from label_noise_lab.simulate.models import Params, accuracy, logits_of
from label_noise_lab.simulate.noise import TransitionMatrix, pair_flip, uniform_noise
from label_noise_lab.simulate.training import train
from label_noise_lab.theory.validators import check_int

#: ten classes alternating "easy" (mean at distance 4 from the origin) and "hard" (distance 2), so
#: that pair-flip noise (class i -> i + 1) always moves labels between the two groups
CLASS_BIAS_SEPARATIONS: tuple[float, ...] = (4.0, 2.0) * 5
#: the SCE paper's CIFAR-10 setting (Wang et al. 2019, sec. 5): alpha = 0.1, beta = 1, A = log 0 = -4
SCE_CIFAR10: dict[str, float] = {"alpha": 0.1, "beta": 1.0, "A": -4.0}


def class_bias_noises(c: int, eta: float = 0.4) -> dict[str, TransitionMatrix]:
    """Clean labels, symmetric noise of rate ``eta`` (:func:`label_noise_lab.simulate.noise.uniform_noise`) and
    pair-flip noise
    of rate ``eta`` (class ``i -> i + 1 mod c``, :func:`label_noise_lab.simulate.noise.pair_flip`), keyed by name."""
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
                          dtype: Any = None, xp: Any = np) -> dict[str, Any]:
    """Clean-test accuracy of every class against epochs, for several losses and label noises.

    The analogue of Wang et al. 2019 (SCE), sec. 3 and Fig. 1 (per-class test accuracy of CE and
    SCE on CIFAR-10 with 40% symmetric noise; Li's notes, the SCE summary (i), whose question is
    whether it holds for other noise): ``c = len(separations)`` unit Gaussian clusters with means
    ``separations[k] * e_k`` (:func:`label_noise_lab.simulate.populations.gaussian_clusters`), so classes with a
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
    dtype : floating type of the inputs and weights (default: as drawn, ``float64``); ``numpy.float32`` trains
        about twice as fast on a CPU from the same data, labels, initial weights and batch orders (rounded), so
        the replicas and their pairing are unchanged (as :func:`label_noise_lab.simulate.experiments.accuracy_vs_noise`)
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
    K, S = len(names), check_int("n_seeds", n_seeds, 1)
    bases = seed_bases(rng, S)
    task = noisy_label_task(bases, Ts, n_train=n_train, n_test=n_test, c=c, dim=dim, separation=sep)
    cfg = train_config(epochs, lr, batch_size, optimizer)
    params0 = init_replicas(bases, K, dim, c, hidden)
    if dtype is not None:
        task = replace(task, X_train=task.X_train.astype(dtype), X_test=task.X_test.astype(dtype))
        params0 = {k: v.astype(dtype) for k, v in params0.items()}
    d, p0 = on_backend(xp, task, params0)
    onehot = (task.y_test[..., None] == np.arange(c)).astype(float)  # (R, n_test, c)
    counts = onehot.sum(axis=1)
    if np.any(counts == 0):
        raise ValueError(f"n_test = {n_test} leaves a class without test samples; use n_test >= c = {c}")
    onehot_x = xp.asarray(onehot)
    counts_x = xp.asarray(counts)

    def monitor(epoch: int, params: Params) -> dict[str, Any]:
        hit = xp.astype(xp.argmax(logits_of(params, d["X_test"]), axis=-1) == d["y_test"], onehot_x.dtype)
        per_class = xp.sum(hit[..., None] * onehot_x, axis=-2) / counts_x  # (R, c)
        return {"class_acc": per_class, "test_acc": xp.mean(hit, axis=-1)}

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


__all__ = ["CLASS_BIAS_SEPARATIONS", "SCE_CIFAR10", "class_bias_noises", "class_accuracy_curves", "class_groups",
           "group_curves"]
