"""Classifiers trained with L_DMI on noisy labels, and Eq. 32 on them (settings ii and iii of ``dmi19.notes_question``;
Xu, Cao, Kong & Wang 2019, Eq. 31, via Li's notes). Loss and gradient:
:func:`label_noise_lab.simulate.dmi.estimators.ldmi_loss_and_grad`.
"""
from __future__ import annotations

import itertools
import math
from dataclasses import dataclass, field
from typing import Any, Sequence

import numpy as np

from label_noise_lab.simulate.dmi.estimators import SINGULAR_BATCH, Eq32Gap, eq32_gap, ldmi_checked_batch, ldmi_core
from label_noise_lab.simulate.engine.estimate import Estimate, seed_summary
from label_noise_lab.simulate.engine.namespace import namespace_of, to_host
from label_noise_lab.simulate.engine.standard import bincount
from label_noise_lab.simulate.models import Params, backward, forward, init_mlp
from label_noise_lab.simulate.noise import as_transition, sample_noisy_labels
from label_noise_lab.simulate.populations import gaussian_clusters
from label_noise_lab.simulate.training import Optimizer, TrainConfig


def fit_ldmi(params: Params, X: Any, noisy: Any, steps: int, lr: float) -> Params:
    """Full-batch Adam on ``L_DMI`` of the noisy labels (a copy of ``params`` is trained and returned).

    The model may carry a replica axis (``X`` of shape ``(R, n, dim)``, ``noisy`` ``(R, n)``). The labels
    are checked once; a singular batch table met on the way raises after the loop (no host sync per step).
    """
    if isinstance(steps, bool) or not isinstance(steps, (int, np.integer)) or steps < 1:
        raise ValueError(f"steps must be a positive integer, got {steps!r}")
    p = {k: namespace_of(v).asarray(v, copy=True) for k, v in params.items()}
    opt = Optimizer(TrainConfig(epochs=1, lr=lr), p)
    logits, cache = forward(p, X)
    logits, lab = ldmi_checked_batch(logits, noisy)
    xp = namespace_of(logits)
    bad = xp.zeros((), dtype=xp.bool)
    for step in range(int(steps)):
        if step:
            logits, cache = forward(p, X)
        _, dz, singular = ldmi_core(logits, lab)
        bad = bad | xp.any(singular)
        opt.step(p, backward(p, cache, dz))
    if bool(bad):
        raise ValueError(SINGULAR_BATCH + " during training")
    return p


def permuted_agreement(pred: Any, labels: Any, c: int) -> float:
    """``max_pi mean(pi(pred) == labels)`` over permutations ``pi`` of the classes (accuracy up to relabelling)."""
    xp = namespace_of(pred)
    keys = xp.astype(xp.asarray(pred), xp.int64) * c + xp.astype(xp.asarray(labels), xp.int64)
    conf = np.asarray(to_host(bincount(keys, minlength=c * c)), dtype=float).reshape(c, c)
    best = max(sum(conf[a, perm[a]] for a in range(c)) for perm in itertools.permutations(range(c)))
    return float(best / conf.sum())


def _softmax(z: Any) -> Any:
    xp = namespace_of(z)
    e = xp.exp(z - xp.max(z, axis=-1, keepdims=True))
    return e / xp.sum(e, axis=-1, keepdims=True)


@dataclass
class TrainedEq32:
    """Eq. 32 for classifiers trained with ``L_DMI`` on noisy labels (settings ii and iii of ``dmi19.notes_question``).

    Attributes
    ----------
    train : one :class:`Eq32Gap` per seed, on the training sample the classifier was fitted to
    fresh : one per seed, on a fresh sample (new inputs, clean labels and class-dependent noise)
    train_fit : share of training samples whose noisy label is the classifier's argmax, per seed, under the
        best permutation of the classes (L_DMI cannot tell a classifier from its relabelling)
    fresh_accuracy : clean accuracy on the fresh sample, per seed, under the best permutation
    settings : the parameters of the run
    """

    train: list[Eq32Gap]
    fresh: list[Eq32Gap]
    train_fit: np.ndarray
    fresh_accuracy: np.ndarray
    settings: dict[str, Any] = field(default_factory=dict)

    @staticmethod
    def _pool(gaps: list[Eq32Gap]) -> Estimate:
        """Mean of the per-seed ``D`` with the stderr of that mean from the seeds' own delta-method stderrs."""
        m = float(np.mean([g.gap.mean for g in gaps]))
        se = math.sqrt(sum(g.gap.stderr**2 for g in gaps)) / len(gaps)
        return Estimate(m, se, sum(g.gap.n for g in gaps))

    def train_gap(self) -> Estimate:
        """Mean ``D`` on the training samples, stderr across seeds (each seed's ``D`` has mean 0 under Eq. 32's
        premise)."""
        return seed_summary([g.gap.mean for g in self.train])

    def fresh_gap(self) -> Estimate:
        """Mean ``D`` on the fresh samples, pooled delta-method stderr."""
        return self._pool(self.fresh)


def trained_eq32(rng: np.random.Generator, *, T: Any, n_seeds: int = 8, n_train: int = 120, n_fresh: int = 20_000,
                 dim: int = 40, separation: float = 2.0, hidden: Sequence[int] = (), steps: int = 300,
                 lr: float = 0.05, xp: Any = np) -> TrainedEq32:
    """Fit classifiers with ``L_DMI`` to noisy training labels and test Eq. 32 on the training and fresh samples.

    Each seed: ``n_train`` inputs from ``c`` Gaussian clusters in ``dim`` dimensions
    (:func:`label_noise_lab.simulate.populations.gaussian_clusters`), noisy labels ``~ T[y]``, a linear softmax model
    (or an MLP with ``hidden`` widths) trained by full-batch Adam on ``L_DMI`` (``steps`` steps), then
    ``D = det Q_{h,noisy} - det T det Q_{h,Y}`` (:func:`eq32_gap`) on (ii) the training sample and (iii) a
    fresh sample of ``n_fresh``. All seeds train at once as replicas. ``h`` is the softmax output (the
    randomized classifier of Xu et al. 2019, Eq. 31).
    """
    Tm = as_transition(T)
    c = Tm.c
    bases = rng.integers(0, 2**62, size=int(n_seeds))
    Xs, ys, ns = [], [], []
    for b in bases:
        X, y = gaussian_clusters(n_train, c, dim, np.random.default_rng([int(b), 0]), separation)
        Xs.append(X), ys.append(y), ns.append(sample_noisy_labels(y, Tm, np.random.default_rng([int(b), 1])))
    init = [init_mlp(dim, c, tuple(hidden), np.random.default_rng([int(b), 4])) for b in bases]
    params = {k: xp.asarray(np.stack([p[k] for p in init])) for k in init[0]}
    X_dev, n_dev = xp.asarray(np.stack(Xs)), xp.asarray(np.stack(ns))
    fitted = fit_ldmi(params, X_dev, n_dev, steps, lr)
    P_train = _softmax(forward(fitted, X_dev)[0])
    train, fresh, fit, acc = [], [], [], []
    for s, b in enumerate(bases):  # fresh samples one seed at a time: memory n_fresh x dim
        y_tr, n_tr = xp.asarray(ys[s]), n_dev[s, ...]
        train.append(eq32_gap(P_train[s, ...], y_tr, n_tr, Tm, c))
        fit.append(permuted_agreement(xp.argmax(P_train[s, ...], axis=-1), n_tr, c))
        X2, y2 = gaussian_clusters(n_fresh, c, dim, np.random.default_rng([int(b), 2]), separation)
        n2 = sample_noisy_labels(y2, Tm, np.random.default_rng([int(b), 3]))
        P2 = _softmax(forward({k: v[s, ...] for k, v in fitted.items()}, xp.asarray(X2))[0])
        fresh.append(eq32_gap(P2, xp.asarray(y2), xp.asarray(n2), Tm, c))
        acc.append(permuted_agreement(xp.argmax(P2, axis=-1), xp.asarray(y2), c))
    settings = {"c": c, "T": Tm.matrix.tolist(), "det_T": Tm.det, "n_seeds": int(n_seeds), "n_train": n_train,
                "n_fresh": n_fresh, "dim": dim, "separation": separation, "hidden": list(hidden),
                "model": "linear softmax" if not hidden else f"ReLU MLP {list(hidden)}",
                "training": f"full-batch Adam on L_DMI, {steps} steps, lr {lr}"}
    return TrainedEq32(train, fresh, np.array(fit), np.array(acc), settings)
