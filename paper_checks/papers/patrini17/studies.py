"""Studies of Patrini et al. 2017: the backward correction's conditioning (sec. 4.1) along the paper's
families of ``T``, the anchor estimator with a trained classifier
(Thm 3, Eqs. 12-13) and the sec. 5.1 / Table 2 protocol in miniature (cross-entropy, backward and
forward correction with the true and the estimated T). The task, replicas and streams are those of
:mod:`label_noise_lab.simulate.experiments`.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Sequence

import numpy as np

from label_noise_lab.simulate.correction.anchors import (
    anchor_transition,
    check_percentile,
    estimate_transition,
    estimator_label,
    transition_error,
)
from label_noise_lab.simulate.correction.backward_forward import SINGULAR_COND, backward_corrected, forward_corrected
from label_noise_lab.simulate.correction.sampled import (
    SweepPoint,
    conditioning_sweep,
    random_population,
    uniform_family,
)
from label_noise_lab.simulate.engine.namespace import dtype_in, to_host
from label_noise_lab.simulate.experiments import batch_rngs, init_replicas, noisy_label_task, seed_bases, train_config
from label_noise_lab.simulate.losses import Loss, get_loss, softmax
from label_noise_lab.simulate.models import Params, accuracy, logits_of, predict_proba
from label_noise_lab.simulate.noise import (
    TransitionMatrix,
    cifar10_flips,
    cifar100_flips,
    mnist_flips,
    uniform_noise,
)
from label_noise_lab.simulate.populations import FiniteDistribution
from label_noise_lab.simulate.training import train

PAPER_BATCH = 128
"""The minibatch size of Patrini et al. 2017, sec. 5.1 ("The minibatch size is 128")."""


def table2_noises(c: int = 10) -> dict[str, TransitionMatrix]:
    """The noisy columns of Patrini et al. 2017, Table 2 (MNIST part): symmetric ``N = 0.2`` and the sec. 5.1
    flips at ``N = 0.2`` and ``N = 0.6``, keyed by the table's column names."""
    if c != 10:
        raise ValueError(f"the MNIST flips are defined for c = 10 classes, got c = {c!r}")
    return {"symm. N=0.2": uniform_noise(c, 0.2), "asymm. N=0.2": mnist_flips(0.2),
            "asymm. N=0.6": mnist_flips(0.6)}


def _replica_anchor_estimates(params: Params, X: Any, percentile: float | None) -> np.ndarray:
    """Eqs. 12-13 on each replica's own training inputs ``X`` (R, n, dim): ``T_hat`` (R, c, c), row-normalised."""
    pt = to_host(predict_proba(params, X))
    return np.stack([anchor_transition(pt[r], percentile).matrix for r in range(pt.shape[0])])


SINGULAR_MIX = 1e-3  # the identity's weight in a numerically singular T_hat (cond > SINGULAR_COND)
CCE = get_loss("cce")
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
    replica (:func:`label_noise_lab.simulate.experiments.noisy_label_task`); the corrections use
    :func:`label_noise_lab.simulate.correction.backward_forward.backward_corrected` and ``forward_corrected`` with one
    ``T`` per
    replica.

    Parameters
    ----------
    rng : numpy.random.Generator
    dataset : ``"clusters"`` (Gaussian clusters) or ``"digits"`` (needs scikit-learn,
        :func:`label_noise_lab.simulate.experiments.digits_data`)
    noises : dict column name -> TransitionMatrix (default :func:`table2_noises`)
    n_seeds, epochs, n_train, n_test, c, dim, separation, hidden, lr, batch_size, optimizer : the task and training;
        ``n_train`` defaults to 1000 (clusters) or 1200 (digits, whose remaining 597 images are the test set).
        The defaults are the settings of the ``patrini17.forward_beats_backward`` check (its quick seed count).
    percentile : the anchor estimator's percentile (``None``: argmax)
    dtype : floating type of the inputs and weights (``numpy.float32`` trains about twice as fast on a CPU;
        every loss, CE included, then runs in single precision through
        :func:`label_noise_lab.simulate.correction.backward_forward.backward_corrected` and ``forward_corrected`` with
        one ``T`` per
        replica)
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
    cfg = train_config(epochs, lr, batch_size, optimizer)
    dt = dtype_in(xp, dtype)
    params0 = {k: xp.asarray(v, dtype=dt) for k, v in init_replicas(bases, K, dim_in, c, hidden).items()}
    X, yn = xp.asarray(task.X_train, dtype=dtype_in(xp, dtype)), xp.asarray(task.y_noisy)
    Xt = xp.asarray(task.X_test, dtype=dtype_in(xp, dtype))
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

    p_ce = fit(backward_corrected(CCE, identity, max_cond=SINGULAR_COND))
    T_hat = _replica_anchor_estimates(p_ce, X, percentile)  # (R, c, c)
    # a numerically singular T_hat (e.g. one input anchoring two classes) has no inverse: backward then uses
    # (1 - MIX) T_hat + MIX I for that replica, and the replica is flagged
    singular = ~(np.linalg.cond(T_hat) <= SINGULAR_COND)
    T_hat_b = np.where(singular[:, None, None], (1 - SINGULAR_MIX) * T_hat + SINGULAR_MIX * np.eye(c), T_hat)
    runs = [p_ce,
            fit(backward_corrected(CCE, T_rep, max_cond=SINGULAR_COND)), fit(forward_corrected("cce", T_rep)),
            fit(backward_corrected(CCE, T_hat_b, max_cond=SINGULAR_COND)), fit(forward_corrected("cce", T_hat))]
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
    (which uses ``T`` = :func:`label_noise_lab.simulate.noise.mnist_flips` ``(0.2)``).

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
    cfg = train_config(epochs, lr, batch_size, optimizer)
    sep = np.full(c, float(separation))
    for k, n in enumerate(sizes):
        bases = seed_bases(rng, S)
        task = noisy_label_task(bases, [T], dataset="clusters", n_train=n, n_test=max(n, 1000), c=c, dim=dim,
                                separation=separation)
        p0 = {kk: xp.asarray(v, dtype=dtype_in(xp, dtype)) for kk, v in init_replicas(bases, 1, dim, c, hidden).items()}
        # CE in any precision
        cce = backward_corrected(CCE, np.broadcast_to(np.eye(c), (S, c, c)), max_cond=SINGULAR_COND)
        X = xp.asarray(task.X_train, dtype=dtype_in(xp, dtype))
        params = train(p0, X, xp.asarray(task.y_noisy), cce, cfg, batch_rngs(bases, 1)).params
        pt_hat = to_host(predict_proba(params, X))
        X_fresh = xp.asarray(task.X_test[:, :n], dtype=dtype_in(xp, dtype))  # never trained on
        pt_fresh = to_host(predict_proba(params, X_fresh))
        post = softmax((task.X_train[..., :c] * sep - sep**2 / 2).reshape(-1, c)).reshape(S, n, c)
        pt_exact = post @ T.matrix
        X_test = xp.asarray(task.X_test, dtype=dtype_in(xp, dtype))
        test_acc[k] = to_host(accuracy(params, X_test, xp.asarray(task.y_test)))
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


# ---------------------------------------------------------------- the backward correction's conditioning (sec. 4.1)
def benchmark_family(name: str, rates: Sequence[float]) -> list[tuple[str, float, TransitionMatrix]]:
    """The sec. 5.1 matrix ``name`` (``mnist``, ``cifar10``, ``cifar100``) at each rate ``N``."""
    makers = {"mnist": mnist_flips, "cifar10": cifar10_flips, "cifar100": cifar100_flips}
    if name not in makers:
        raise ValueError(f"unknown benchmark {name!r}; choose one of {', '.join(makers)}")
    return [(name, float(N), makers[name](float(N))) for N in rates]



@dataclass(frozen=True)
class ConditioningStudy:
    """The population, the classifier and the sweep of :func:`conditioning_study`."""

    dist: FiniteDistribution
    logits: np.ndarray
    points: list[SweepPoint]
    mixes: tuple[float, ...]
    base: Loss

    def select(self, family: str, mix: float) -> list[SweepPoint]:
        """The points of one family and one mixing weight, in order of increasing ``cond(T)``."""
        pts = [p for p in self.points if p.family == family and p.exact.mix == mix]
        return sorted(pts, key=lambda p: p.cond_T)


UNIFORM_RATIOS = (0.0, 0.5, 0.8, 0.9, 0.95, 0.98, 0.99)
"""``eta = r (c-1)/c``: ``cond(T) = 1/(1 - r)`` = 1, 2, 5, 10, 20, 50, 100."""
MNIST_RATES = (0.1, 0.2, 0.3, 0.4, 0.45, 0.48, 0.49)
"""Sec. 5.1 MNIST flips as ``N -> 1/2`` (singular at 1/2)."""
MIXES = (0.0, 0.05, 0.1, 0.2)


def conditioning_study(rng: np.random.Generator, *, c: int = 10, n_x: int = 200,
                       ratios: Sequence[float] = UNIFORM_RATIOS, rates: Sequence[float] = MNIST_RATES,
                       mixes: Sequence[float] = MIXES, base: Loss | None = None) -> ConditioningStudy:
    """Exact moments of the backward-corrected cross-entropy along two families of ``T`` (Patrini et al. 2017,
    sec. 4.1, 6).

    A population of ``n_x`` equally likely inputs with one clean label each and a fixed, fair
    classifier (:func:`random_population`, drawn from ``rng``); uniform noise with
    ``eta = r (c-1)/c`` (``cond = 1/(1-r)``) and, for ``c = 10``, the MNIST flips of sec. 5.1 as
    ``N -> 1/2``; each ``T`` inverted as is and mixed with the identity by each weight in
    ``mixes``. The check ``patrini17.backward_conditioning`` and the figure
    ``patrini17_backward_variance`` both draw from this.
    """
    dist, logits = random_population(n_x, c, rng)
    base = base if base is not None else get_loss("cce")
    fam = uniform_family(c, ratios) + (benchmark_family("mnist", rates) if c == 10 else [])
    mixes = tuple(float(w) for w in mixes)
    return ConditioningStudy(dist, logits, conditioning_sweep(dist, logits, base, fam, mixes), mixes, base)


__all__ = ["PAPER_BATCH", "table2_noises", "CORRECTION_METHODS", "correction_accuracy", "trained_anchor_errors",
           "benchmark_family", "ConditioningStudy", "UNIFORM_RATIOS", "MNIST_RATES", "MIXES", "conditioning_study"]
