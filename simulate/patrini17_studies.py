"""Training studies of Patrini et al. 2017 (``002``): the anchor estimator with a trained classifier
(Thm 3, Eqs. 12-13) and the sec. 5.1 / Table 2 protocol in miniature (cross-entropy, backward and
forward correction with the true and the estimated T). The task, replicas and streams are those of
:mod:`simulate.experiments`.
"""
from __future__ import annotations

from typing import Any, Sequence

import numpy as np

from simulate.anchors import anchor_transition
from simulate.backend import to_host
from simulate.correction import SINGULAR_COND, backward_corrected, forward_corrected
from simulate.experiments import _DATA, _NOISE, _TEST, Task, _check_pos_int, train_config, _sub_rng, batch_rngs, init_replicas, seed_bases
from simulate.losses import Loss, get_loss, softmax
from simulate.models import Params, accuracy, logits_of, predict_proba
from simulate.noise import TransitionMatrix, mnist_flips, sample_noisy_labels, uniform_noise
from simulate.populations import gaussian_clusters
from simulate.training import train

_SPLIT = 6  # stream of the train/test split of a real data set


def table2_noises(c: int = 10) -> dict[str, TransitionMatrix]:
    """The noisy columns of Patrini et al. 2017, Table 2 (MNIST part): symmetric ``N = 0.2`` and the sec. 5.1
    flips at ``N = 0.2`` and ``N = 0.6``, keyed by the table's column names."""
    if c != 10:
        raise ValueError(f"the MNIST flips are defined for c = 10 classes, got c = {c!r}")
    return {"symm. N=0.2": uniform_noise(c, 0.2), "asymm. N=0.2": mnist_flips(0.2),
            "asymm. N=0.6": mnist_flips(0.6)}


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
    replica (:func:`noisy_label_task`); the corrections use :func:`simulate.correction.backward_corrected` and ``forward_corrected`` with one ``T`` per replica.

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
        every loss, CE included, then runs in single precision through :func:`simulate.correction.backward_corrected` and ``forward_corrected`` with one ``T`` per replica)
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
    cfg = train_config(epochs, lr, batch_size, optimizer)
    params0 = {k: xp.asarray(v, dtype=dtype) for k, v in init_replicas(bases, K, dim_in, c, hidden).items()}
    X, yn = xp.asarray(task.X_train, dtype=dtype), xp.asarray(task.y_noisy)
    Xt = xp.asarray(task.X_test, dtype=dtype)
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
    (which uses ``T`` = :func:`simulate.noise.mnist_flips` ``(0.2)``).

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
    cfg = train_config(epochs, lr, batch_size, optimizer)
    sep = np.full(c, float(separation))
    for k, n in enumerate(sizes):
        bases = seed_bases(rng, S)
        task = noisy_label_task(bases, [T], dataset="clusters", n_train=n, n_test=max(n, 1000), c=c, dim=dim,
                                separation=separation)
        p0 = {kk: xp.asarray(v, dtype=dtype) for kk, v in init_replicas(bases, 1, dim, c, hidden).items()}
        cce = backward_corrected(CCE, np.broadcast_to(np.eye(c), (S, c, c)), max_cond=SINGULAR_COND)  # CE in any precision
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


__all__ = ["table2_noises", "digits_data", "noisy_label_task", "CORRECTION_METHODS",
           "correction_accuracy", "trained_anchor_errors"]
