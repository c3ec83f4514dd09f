"""Training studies of Zhang & Sabuncu 2018 and Li's notes on ``L_q``.

Fig. 1c (softmax of wrongly labelled samples), sec. 4.1 and Fig. 2 (accuracy against epochs for
several ``q``), sec. 3.2 Eq. (5) (the ``1/f_y`` weight, and Li's notes' question about it), sec. 3.3
Eqs. 12-13 and Algorithm 1 (ACS for the truncated ``L_q``, and Li's notes' drawback). The task,
replicas and streams are those of :mod:`label_noise_lab.simulate.experiments`.
"""
from __future__ import annotations

from dataclasses import replace
from typing import Any, Sequence

import numpy as np

from label_noise_lab.simulate.engine.namespace import to_host
from label_noise_lab.simulate.experiments import (
    batch_rngs,
    check_etas,
    init_replicas,
    make_task,
    on_backend,
    q_loss,
    run_replicas,
    seed_bases,
    train_config,
)
from label_noise_lab.simulate.losses import get_loss, softmax
from label_noise_lab.simulate.models import accuracy, forward, per_sample_grad_sq_norms
from label_noise_lab.simulate.training import acs, flat_loss_grad, make_monitor, train


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
    check_etas([eta], c)
    bases = seed_bases(rng, n_seeds)
    task = make_task(bases, [eta], n_train=n_train, n_test=n_test, c=c, dim=dim, separation=separation)
    cfg = train_config(epochs, lr, batch_size, optimizer)
    params0 = init_replicas(bases, 1, dim, c, hidden)
    out: dict[str, Any] = {"losses": [], "epochs": np.arange(epochs + 1), "q": q, "eta": eta}
    keys = ("softmax_wrong", "softmax_correct", "memorised", "test_acc", "train_loss")
    acc: dict[str, list[np.ndarray]] = {k: [] for k in keys}
    for label, loss in (q_loss(0.0), q_loss(q)):
        h = run_replicas(task, loss, params0, batch_rngs(bases, 1), cfg, xp, softmax_stats=True)
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
                      optimizer: str = "adam", train_curves: bool = True, dtype: Any = None,
                      xp: Any = np) -> dict[str, Any]:
    """Clean-test accuracy against epochs for ``L_q`` at several ``q`` and noise rates.

    The analogue of Zhang & Sabuncu 2018, Fig. 2 (a)-(c) and sec. 4.1; ``q = 0`` stands for CCE
    (the limit ``q -> 0``, Eq. 6). Every ``q`` trains the same replicas. The default step size
    is smaller than elsewhere (``1e-3``) so that learning on clean data takes several epochs
    and its speed is resolved. ``dtype`` (default: as drawn, ``float64``): ``numpy.float32`` trains
    about twice as fast on a CPU from the same data, labels, initial weights and batch orders
    (rounded), as :func:`label_noise_lab.simulate.experiments.accuracy_vs_noise`.

    Returns
    -------
    dict
        ``q`` (Q,), ``etas`` (E,), ``losses`` (Q labels), ``epochs`` (epochs + 1,),
        ``test_acc`` (Q, S, E, epochs + 1), ``train_acc`` (Q, S, E, epochs + 1) against the
        (noisy) training labels (only with ``train_curves``: evaluating the training set every epoch
        costs half as much again as the test curve), ``chance`` = 1/c.
    """
    etas = check_etas(etas, c)
    for q in qs:
        if not 0.0 <= float(q) <= 1.0:
            raise ValueError(f"every q must lie in [0, 1] (0 meaning CCE), got {q!r}")
    bases = seed_bases(rng, n_seeds)
    task = make_task(bases, etas, n_train=n_train, n_test=n_test, c=c, dim=dim, separation=separation)
    cfg = train_config(epochs, lr, batch_size, optimizer)
    params0 = init_replicas(bases, len(etas), dim, c, hidden)
    if dtype is not None:
        task = replace(task, X_train=task.X_train.astype(dtype), X_test=task.X_test.astype(dtype))
        params0 = {k: v.astype(dtype) for k, v in params0.items()}
    S, E = n_seeds, len(etas)
    record = ("test_acc", "train_acc") if train_curves else ("test_acc",)
    labels, test, tr = [], [], []
    for q in qs:
        label, loss = q_loss(float(q))
        h = run_replicas(task, loss, params0, batch_rngs(bases, E), cfg, xp, record=record)
        labels.append(label)
        test.append(h["test_acc"].T.reshape(S, E, -1))
        if train_curves:
            tr.append(h["train_acc"].T.reshape(S, E, -1))
    out = {"q": np.asarray(qs, float), "etas": np.asarray(etas), "losses": labels, "epochs": np.arange(epochs + 1),
           "test_acc": np.stack(test), "chance": 1.0 / c}
    if train_curves:
        out["train_acc"] = np.stack(tr)
    return out


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


# ---------------------------------------------------------------- Li's notes' question: the 1/f_y weight
def gradient_norm_vs_inverse_fy(rng: np.random.Generator, *, n_seeds: int = 5, train_epochs: int = 5,
                                eta: float = 0.4, n_train: int = 500, c: int = 10, dim: int = 20,
                                separation: float = 3.0, hidden: Sequence[int] = (64,), lr: float = 3e-3,
                                batch_size: int = 32, optimizer: str = "adam", xp: Any = np) -> dict[str, Any]:
    """Per-sample CCE weight ``1/f_y`` against the norm of the sample's parameter gradient.

    Zhang & Sabuncu 2018, Eq. 5, write the CCE gradient as ``sum_i -(1/f_{y_i}) grad f_{y_i}``
    and read ``1/f_{y_i}`` as the weight of sample ``i``; Li's notes (sec. 2, "My
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
    check_etas([eta], c)
    if isinstance(train_epochs, bool) or not isinstance(train_epochs, (int, np.integer)) or train_epochs < 0:
        raise ValueError(f"train_epochs must be an integer >= 0, got {train_epochs!r}")
    bases = seed_bases(rng, n_seeds)
    task = make_task(bases, [eta], n_train=n_train, n_test=1000, c=c, dim=dim, separation=separation)
    d, params = on_backend(xp, task, init_replicas(bases, 1, dim, c, hidden))
    cce = get_loss("cce")
    if train_epochs:
        params = train(params, d["X_train"], d["y_noisy"], cce, train_config(train_epochs, lr, batch_size, optimizer),
                       batch_rngs(bases, 1)).params
    logits, cache = forward(params, d["X_train"])
    g = flat_loss_grad(cce, logits, d["y_noisy"])  # p - e_y, per sample (not divided by n)
    gn = to_host(per_sample_grad_sq_norms(params, cache, g)) ** 0.5
    logits, g = to_host(logits), to_host(g)
    p = softmax(logits.reshape(-1, c)).reshape(logits.shape)
    fy = np.take_along_axis(p, task.y_noisy[..., None], axis=-1)[..., 0]
    return {"inv_fy": 1.0 / fy, "grad_norm": gn, "grad_fy_norm": fy * gn,
            "logit_grad_norm": np.sqrt((g * g).sum(axis=-1)), "wrong": task.wrong,
            "test_acc": to_host(accuracy(params, d["X_test"], d["y_test"])),
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
    check_etas([eta], c)
    bases = seed_bases(rng, n_seeds)
    task = make_task(bases, [eta], n_train=n_train, n_test=n_test, c=c, dim=dim, separation=separation)
    d, params0 = on_backend(xp, task, init_replicas(bases, 1, dim, c, hidden))
    mon = make_monitor(d["X_train"], d["y_noisy"], get_loss("lq", q=q), X_test=d["X_test"], y_test=d["y_test"])
    res = acs(params0, d["X_train"], d["y_noisy"], q, k, train_config(theta_epochs, lr, batch_size, optimizer),
              batch_rngs(bases, 1), rounds=rounds, warmup_epochs=warmup_epochs, monitor=mon)
    pruned = res.weights == 0  # (T, S, n)
    clean = ~task.wrong[None, ...]
    bayes = task.bayes_posterior()[None, ...]
    bayes_ok = task.bayes_correct()[None, ...]

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


__all__ = ["softmax_gap_curves", "accuracy_vs_epoch", "overfitting_stats", "epochs_to_fraction",
           "gradient_norm_vs_inverse_fy", "pair_discordance", "acs_traces"]
