"""Collapse of a tiny embedding network trained on the triplet loss with negative mining.

Setting of Xu et al. 2022 ("Mathematical Justification of Hard Negative Mining via
Isometric Approximation Theorem"; *reconstructed*: the source gives the abstract only, and
the claims are a reconstruction): an embedding network is said to *collapse* when it
maps every input to one point; hard negative mining is said to make collapse more likely as the
batch grows and the embedding dimension shrinks.

The network ``x -> z = relu(x W0 + b0) W1 + b1`` (``hidden = 0``: ``z = x W0 + b0``), with
embedding ``e = z`` or ``e = z / ||z||`` (normalised), is trained by plain mini-batch gradient
descent on the triplet loss ``[D_ap - D_an + alpha]_+`` (``D`` Euclidean), one negative per
anchor-positive pair of the batch, chosen by a miner:

- ``"hard"``: the anchor's closest negative;
- ``"semi-hard"``: the closest negative farther than the positive, kept only if it lies within
  the margin (``D_ap < D_an < D_ap + alpha``, Schroff et al. 2015); other pairs are dropped;
- ``"random"``: a uniformly random negative of the anchor.

The batch loss is the mean over the mined triplets (every pair for ``hard`` and ``random``).

Many networks are trained at once as *replicas* (leading axis ``R``): seeds, embedding
dimensions, normalised or not, miners. Replicas of one seed share the data, the batch sequence
and the initial weights (a replica of dimension ``d`` uses the first ``d`` output columns of the
seed's widest network, scaled by ``1/sqrt(d)`` so that the expected ``||z||`` does not depend on
``d``): comparisons between cells are paired. The unused output columns stay exactly zero
(their gradient is exactly zero), so one stacked computation serves every dimension.

Gradients are written by hand: with ``G_ap = 1[loss_ap > 0] / m`` on the mined triplets,

    dL/de = Lap(S) e,   S = W + W^T - (N + N^T),   Lap(S) = diag(S 1) - S,

``W_ap = G_ap / D_ap`` and ``N_an = sum_p G_ap / D_an`` (the subgradient 0 where a distance is 0,
e.g. at collapse), then through the normalisation ``(g - e (e . g)) / ||z||`` and the network;
they are checked against finite differences in ``tests/simulate/embedding/test_collapse.py``.

NumPy by design (its tests are marked ``host_only``): the networks are tiny (a hidden layer of 32,
batches of at most 128) and every step is a handful of small batched products, so a device would
be bound by kernel launches, not arithmetic. The array pieces it shares with the embedding trainers
(distances, the miners, the normalisation: :mod:`label_noise_lab.simulate.embedding.losses`) take ``xp`` and are tested
on
``array_api_strict`` there, except what the standard lacks (marked ``beyond_standard``).
"""
from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any, Sequence

import numpy as np

from label_noise_lab.simulate.embedding.losses import (
    MINERS,
    check_distances,
    check_margin,
    normalize,
    pairwise_distances,
    recall_at_1,
    squared_distances,
)
from label_noise_lab.simulate.embedding.losses import mine as mine_stacked
from label_noise_lab.simulate.engine.blas import pinned_blas
from label_noise_lab.simulate.populations import gaussian_clusters

#: the phase diagram over batch size and embedding dimension, and its figure
PHASE_BATCH_SIZES = (8, 16, 32, 64, 128)
PHASE_DIMS = (2, 4, 8, 16, 32)
#: the setting in which the mining strategies are compared
COMPARE_SETTING = {"batch_size": 64, "dim": 8}
_TINY = 1e-12  # distances and norms below this count as 0 (subgradient 0, no division)


@dataclass(frozen=True)
class CollapseTask:
    """The data, network and training of the collapse simulations.

    The defaults are the setting of the ``xu22`` checks: classes overlap enough that hard negatives
    are often closer than positives, yet a network of dimension 8 or more learns them (Recall@1
    about 0.7-0.8 with semi-hard or small-batch hard mining).

    Attributes
    ----------
    n_train, n_test : int
        Training points (batches are drawn from them) and clean test points (spread, Recall@1).
    classes : int
        Gaussian clusters (``label_noise_lab.simulate.populations.gaussian_clusters``), means ``separation * e_k``.
    dim_in : int
        Input dimension (>= ``classes``).
    separation : float
        Distance of each class mean from the origin (unit-variance clusters).
    hidden : int
        Width of the hidden ReLU layer; 0 for a linear network.
    steps : int
        Gradient steps (the same for every batch size: the comparison is per update).
    lr : float
        Step size of plain gradient descent on the batch loss.
    alpha : float
        Triplet margin.
    threshold : float
        A run has *collapsed* when its final spread (mean pairwise distance of the test
        embeddings) is below ``threshold`` times its initial spread.
    """

    n_train: int = 512
    n_test: int = 128
    classes: int = 8
    dim_in: int = 16
    separation: float = 3.0
    hidden: int = 32
    steps: int = 150
    lr: float = 0.1
    alpha: float = 0.2
    threshold: float = 0.1

    def __post_init__(self) -> None:
        for name in ("n_train", "n_test", "classes", "dim_in", "steps"):
            v = getattr(self, name)
            if isinstance(v, bool) or not isinstance(v, (int, np.integer)) or v < 2:
                raise ValueError(f"{name} must be an integer >= 2, got {v!r}")
        if isinstance(self.hidden, bool) or not isinstance(self.hidden, (int, np.integer)) or self.hidden < 0:
            raise ValueError(f"hidden must be an integer >= 0, got {self.hidden!r}")
        if self.dim_in < self.classes:
            raise ValueError(f"dim_in ({self.dim_in}) must be at least classes ({self.classes})")
        for name in ("lr", "separation"):
            v = getattr(self, name)
            if not (np.isfinite(v) and v > 0):
                raise ValueError(f"{name} must be a finite number > 0, got {v!r}")
        check_margin(self.alpha)
        if not 0 < self.threshold < 1:
            raise ValueError(f"threshold must lie in (0, 1), got {self.threshold!r}")

    def settings(self) -> dict[str, Any]:
        return asdict(self)


# ---------------------------------------------------------------- replicas
@dataclass(frozen=True)
class Replicas:
    """What each replica of a stacked run is: its seed (data, batches, weights), dimension,
    normalisation and miner (arrays of length ``R``)."""

    seed: np.ndarray
    dim: np.ndarray
    normalized: np.ndarray
    miner: np.ndarray

    @property
    def R(self) -> int:
        return int(self.seed.shape[0])


def grid(n_seeds: int, dims: Sequence[int], normalized: Sequence[bool] = (False, True),
         miners: Sequence[str] = ("hard",)) -> Replicas:
    """Every combination, seed slowest and miner fastest (C order of ``(seed, norm, miner, dim)``)."""
    for d in dims:
        if isinstance(d, bool) or not isinstance(d, (int, np.integer)) or d < 1:
            raise ValueError(f"embedding dimensions must be integers >= 1, got {d!r}")
    for m in miners:
        if m not in MINERS:
            raise ValueError(f"miner must be one of {MINERS}, got {m!r}")
    if n_seeds < 1:
        raise ValueError(f"n_seeds must be >= 1, got {n_seeds!r}")
    s, nz, mi, d = np.meshgrid(np.arange(n_seeds), np.asarray(normalized, bool), np.arange(len(miners)),
                               np.asarray(dims), indexing="ij")
    return Replicas(s.ravel(), d.ravel(), nz.ravel(), np.asarray(miners)[mi.ravel()])


def seed_data(task: CollapseTask, rng: np.random.Generator, n_seeds: int, dmax: int) -> dict[str, np.ndarray]:
    """Per seed: training and test clusters, the initial weights of the widest network and a
    random key per (step, training point) from which nested batches are cut (the batch of size
    ``B`` at a step is the ``B`` points of smallest key, so smaller batches are subsets of larger)."""
    Xs, ys, Xts, yts, W0s, W1s, keys = [], [], [], [], [], [], []
    for _ in range(n_seeds):
        X, y = gaussian_clusters(task.n_train + task.n_test, task.classes, task.dim_in, rng, task.separation)
        Xs.append(X[:task.n_train]), ys.append(y[:task.n_train])
        Xts.append(X[task.n_train:]), yts.append(y[task.n_train:])
        fan = task.hidden or task.dim_in
        if task.hidden:
            W0s.append(rng.standard_normal((task.dim_in, task.hidden)) * np.sqrt(2.0 / task.dim_in))
        W1s.append(rng.standard_normal((fan, dmax)) / np.sqrt(fan))
        keys.append(rng.random((task.steps, task.n_train)))
    out = {"X": np.stack(Xs), "y": np.stack(ys), "Xt": np.stack(Xts), "yt": np.stack(yts),
           "W1": np.stack(W1s), "keys": np.stack(keys)}
    if task.hidden:
        out["W0"] = np.stack(W0s)
    return out


def batches(keys: np.ndarray, batch_size: int) -> np.ndarray:
    """Indices (S, steps, B) of the ``batch_size`` smallest keys of each (seed, step)."""
    if not 2 <= batch_size <= keys.shape[-1]:
        raise ValueError(f"batch_size must lie in [2, {keys.shape[-1]}], got {batch_size!r}")
    return np.argpartition(keys, batch_size - 1, axis=-1)[..., :batch_size]


def init_params(task: CollapseTask, data: dict[str, np.ndarray], rep: Replicas) -> dict[str, np.ndarray]:
    """Stacked parameters (leading axis R) from the seeds' widest networks; columns ``>= dim``
    of the output layer are zero, the first ``dim`` scaled by ``1/sqrt(dim)``."""
    dmax = data["W1"].shape[-1]
    mask = (np.arange(dmax)[None, :] < rep.dim[:, None]) / np.sqrt(rep.dim)[:, None]  # (R, dmax)
    params = {"W1": data["W1"][rep.seed] * mask[:, None, :], "b1": np.zeros((rep.R, dmax))}
    if task.hidden:
        params["W0"] = data["W0"][rep.seed].copy()
        params["b0"] = np.zeros((rep.R, task.hidden))
    return params


# ---------------------------------------------------------------- forward, mining, gradient
def forward(params: dict[str, np.ndarray], X: np.ndarray, normalized: np.ndarray) -> tuple[np.ndarray, dict[str, Any]]:
    """Embeddings ``e`` (R, n, dmax) of inputs ``X`` (R, n, dim_in) and the cache for :func:`backward`."""
    if "W0" in params:
        h = np.maximum(X @ params["W0"] + params["b0"][:, None, :], 0.0)
    else:
        h = X
    z = h @ params["W1"] + params["b1"][:, None, :]
    # a norm at or below _TINY counts as 0: e = 0 there and its norm inf (the subgradient 0 in backward)
    unit, norm = normalize(z, keep_zero=True, zero_below=_TINY, with_norms=True)
    e = np.where(normalized[:, None, None], unit, z)
    return e, {"X": X, "h": h, "z": z, "norm": norm, "e": e}


@dataclass(frozen=True)
class Triplets:
    """The mined triplets of a stacked batch, as flat index arrays over (replica, anchor, positive,
    negative); ``d_ap``, ``d_an`` their distances."""

    r: np.ndarray
    a: np.ndarray
    p: np.ndarray
    n: np.ndarray
    d_ap: np.ndarray
    d_an: np.ndarray


def mine(D2: np.ndarray, y: np.ndarray, miner: np.ndarray, alpha: float, rng: np.random.Generator,
         seed: np.ndarray | None = None) -> tuple[Triplets, int]:
    """The triplets of every replica, each with its own miner: :func:`label_noise_lab.simulate.embedding.losses.mine`
    per miner.

    Parameters
    ----------
    D2 : (R, B, B) squared distances; y : (R, B) labels; miner : (R,) names from
    :data:`label_noise_lab.simulate.embedding.losses.MINERS`.

    Returns
    -------
    triplets : Triplets
    skipped : int
        Anchor-positive pairs without any negative (a single-class batch): left out, counted.
    """
    D = np.sqrt(D2)
    if seed is not None and bool(np.all(miner == "hard")):
        shared = _hard_by_seed(D, y, seed)
        if shared is not None:
            return shared
    parts, skipped = [], 0
    for name in dict.fromkeys(miner.tolist()):  # in order of first appearance: the random draws stay in one order
        sel = np.flatnonzero(miner == name)
        r, a, p, n, sk = mine_stacked(D[sel], y[sel], name, alpha=alpha, rng=rng)
        parts.append((sel[r], a, p, n))
        skipped += int(sk)
    r, a, p, n = (np.concatenate([part[k] for part in parts]) for k in range(4))
    return Triplets(r, a, p, n, D[r, a, p], D[r, a, n]), skipped


def _hard_by_seed(D: np.ndarray, y: np.ndarray, seed: np.ndarray) -> tuple[Triplets, int] | None:
    """:func:`mine` with the hard miner for every replica, the label masks and anchor-positive pairs built once per
    seed: the replicas of one seed share the batch (:func:`train`), so theirs are the same. The same triplets in the
    same order as ``label_noise_lab.simulate.embedding.losses.mine`` (every pair of replica ``r`` in ``nonzero`` order,
    ``r``
    ascending), at a tenth of its mask work in the phase sweep (issue 59). ``None`` when the replicas of a seed do
    not share their labels (then :func:`mine` mines replica by replica)."""
    seeds, first, k = np.unique(seed, return_index=True, return_inverse=True)  # k: each replica's seed, 0..S-1
    ys = y[first]
    if not np.array_equal(ys[k], y):
        return None
    check_distances(D)  # what the stacked miner checks
    B = y.shape[1]
    same = ys[:, :, None] == ys[:, None, :]
    pos, neg = same & ~np.eye(B, dtype=bool), ~same
    has_neg = neg.any(axis=-1)
    skipped = np.count_nonzero(pos & ~has_neg[:, :, None], axis=(1, 2))[k].sum()
    sr, sa, sp = np.nonzero(pos & has_neg[:, :, None])  # seed-major, then anchor, then positive
    count = np.bincount(sr, minlength=seeds.size)
    start = np.cumsum(count) - count
    L = count[k]  # pairs of each replica
    r = np.repeat(np.arange(y.shape[0]), L)
    idx = np.repeat(start[k] - (np.cumsum(L) - L), L) + np.arange(r.size)
    a, p = sa[idx], sp[idx]
    n = np.argmin(np.where(neg[k], D, np.inf), axis=-1)[r, a]
    return Triplets(r, a, p, n, D[r, a, p], D[r, a, n]), int(skipped)


def loss_and_grad_e(e: np.ndarray, t: Triplets, alpha: float) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Mean triplet loss over the mined triplets per replica, its gradient w.r.t. ``e``, and the
    number of triplets. A replica without triplets has loss 0 and gradient 0 (its count says so)."""
    R, B, _ = e.shape
    m = np.bincount(t.r, minlength=R)
    h = t.d_ap - t.d_an + alpha
    act = h > 0
    w = act / np.maximum(m, 1)[t.r]
    loss = np.bincount(t.r, weights=np.where(act, h, 0.0), minlength=R) / np.maximum(m, 1)
    wp = np.where(t.d_ap > _TINY, w / np.maximum(t.d_ap, _TINY), 0.0)
    wn = np.where(t.d_an > _TINY, w / np.maximum(t.d_an, _TINY), 0.0)
    base = (t.r * B + t.a) * B
    S = np.bincount(np.concatenate([base + t.p, base + t.n]), weights=np.concatenate([wp, -wn]),
                    minlength=R * B * B).reshape(R, B, B)
    S += np.swapaxes(S, 1, 2)
    grad = S.sum(axis=-1)[:, :, None] * e - S @ e
    return loss, grad, m


def backward(params: dict[str, np.ndarray], cache: dict[str, Any], g_e: np.ndarray, normalized: np.ndarray
             ) -> dict[str, np.ndarray]:
    """Parameter gradients from ``dL/de`` (R, n, dmax)."""
    e, norm = cache["e"], cache["norm"]
    # at z = 0 the direction is undefined: e = 0 there and the subgradient 0 is used
    g_norm = np.where(norm > _TINY, (g_e - e * (e * g_e).sum(axis=-1, keepdims=True)) / np.maximum(norm, _TINY), 0.0)
    g_z = np.where(normalized[:, None, None], g_norm, g_e)
    h = cache["h"]
    grads = {"W1": np.swapaxes(h, 1, 2) @ g_z, "b1": g_z.sum(axis=1)}
    if "W0" in params:
        g_h = (g_z @ np.swapaxes(params["W1"], 1, 2)) * (h > 0)
        grads["W0"] = np.swapaxes(cache["X"], 1, 2) @ g_h
        grads["b0"] = g_h.sum(axis=1)
    return grads


def batch_loss(params: dict[str, np.ndarray], X: np.ndarray, y: np.ndarray, rep: Replicas, alpha: float,
               rng: np.random.Generator) -> tuple[np.ndarray, dict[str, np.ndarray], np.ndarray, int]:
    """Loss per replica of the batches ``X`` (R, B, dim_in), ``y`` (R, B), parameter gradients,
    triplet counts and skipped pairs (no negative). Raises on NaN/infinite embeddings (a diverged
    network)."""
    e, cache = forward(params, X, rep.normalized)
    if not np.all(np.isfinite(e)):
        bad = np.nonzero(~np.isfinite(e).all(axis=(1, 2)))[0]
        raise ValueError(f"embeddings of replicas {bad.tolist()} are NaN or infinite (diverged training?)")
    t, skipped = mine(squared_distances(e), y, rep.miner, alpha, rng, seed=rep.seed)
    loss, g_e, m = loss_and_grad_e(e, t, alpha)
    return loss, backward(params, cache, g_e, rep.normalized), m, skipped


# ---------------------------------------------------------------- evaluation
def spread(e: np.ndarray) -> np.ndarray:
    """Mean pairwise distance (over distinct pairs) of each replica's embeddings (R, n, d)."""
    n = e.shape[1]
    return pairwise_distances(e).sum(axis=(1, 2)) / (n * (n - 1))


# ---------------------------------------------------------------- training
def train(task: CollapseTask, data: dict[str, np.ndarray], rep: Replicas, batch_size: int,
          rng: np.random.Generator, *, trace_every: int = 0) -> dict[str, Any]:
    """Train every replica for ``task.steps`` gradient steps on nested batches of ``batch_size``.

    Returns
    -------
    dict
        ``spread_start``, ``spread_end`` (R,), ``spread_ratio`` (end / start), ``collapsed``
        (ratio below ``task.threshold``), ``recall_end`` (Recall@1 on the clean test points),
        ``loss_end`` (mean batch loss over the last 10 steps), ``no_triplet_steps`` (steps with
        no mined triplet, e.g. semi-hard mining of a collapsed batch), ``skipped_anchors``
        (anchor-positive pairs without a negative: single-class batches), and with
        ``trace_every`` the spread every so many steps (R, k).

    Its own loop, not :func:`label_noise_lab.simulate.embedding.train.train_loop`, because the protocol differs: a fixed
    number of plain gradient steps (no Adam, no epochs) over *nested* batches that every replica of a
    seed shares (so cells are paired), replicas of different dimensions (masked columns), normalised and
    raw, and different miners in one stack, and one generator for all. What the two loops have in
    common (distances, miners, the normalisation) is :mod:`label_noise_lab.simulate.embedding.losses`'s.
    """
    if batch_size > task.n_train:
        raise ValueError(f"batch_size {batch_size} exceeds n_train {task.n_train}")
    # the stacked products are small: threaded BLAS only waits on a busy machine (label_noise_lab.simulate.models)
    with pinned_blas():
        return _train(task, data, rep, batch_size, rng, trace_every)


def _train(task: CollapseTask, data: dict[str, np.ndarray], rep: Replicas, batch_size: int,
           rng: np.random.Generator, trace_every: int) -> dict[str, Any]:
    params = init_params(task, data, rep)
    Xt, yt = data["Xt"][rep.seed], data["yt"][rep.seed]
    e0, _ = forward(params, Xt, rep.normalized)
    s0 = spread(e0)
    if np.any(s0 <= 0):
        raise ValueError("a replica starts collapsed (zero spread); its ratio is undefined")
    idx = batches(data["keys"], batch_size)  # (S, steps, B)
    X, y = data["X"], data["y"]
    no_triplets = np.zeros(rep.R, dtype=np.int64)
    skipped = 0
    losses = []
    trace = []
    r_ar = np.arange(rep.R)
    for t in range(task.steps):
        bi = idx[rep.seed, t]  # (R, B)
        Xb, yb = X[rep.seed[:, None], bi], y[rep.seed[:, None], bi]
        loss, grads, m, sk = batch_loss(params, Xb, yb, rep, task.alpha, rng)
        no_triplets += m == 0
        skipped += sk
        for k, g in grads.items():
            params[k] -= task.lr * g
        if t >= task.steps - 10:
            losses.append(loss)
        if trace_every and t % trace_every == 0:
            trace.append(spread(forward(params, Xt, rep.normalized)[0]))
    e1, _ = forward(params, Xt, rep.normalized)
    if not np.all(np.isfinite(e1)):
        raise ValueError("final embeddings are NaN or infinite (diverged training?)")
    s1 = spread(e1)
    ratio = s1 / s0
    out = {"spread_start": s0, "spread_end": s1, "spread_ratio": ratio, "collapsed": ratio < task.threshold,
           "recall_end": recall_at_1(e1, yt), "loss_end": np.mean(losses, axis=0),
           "no_triplet_steps": no_triplets, "skipped_anchors": skipped, "replica": r_ar}
    if trace_every:
        out["trace"] = np.stack(trace, axis=1)
    return out


def collapse_sweep(task: CollapseTask, rng: np.random.Generator, *, batch_sizes: Sequence[int],
                   dims: Sequence[int], n_seeds: int, normalized: Sequence[bool] = (False, True),
                   miner: str = "hard") -> dict[str, Any]:
    """The phase diagram: every (seed, normalisation, batch size, dimension) trained with ``miner``.

    Returns arrays of shape ``(n_seeds, len(normalized), len(batch_sizes), len(dims))``:
    ``spread_ratio``, ``collapsed``, ``recall_end``, ``loss_end``, ``no_triplet_steps``; and the axes.
    Replicas of one seed share data, batches (nested across batch sizes) and initial weights.
    """
    dims = [int(d) for d in dims]
    data = seed_data(task, rng, n_seeds, max(dims))
    rep = grid(n_seeds, dims, normalized, (miner,))
    shape = (n_seeds, len(normalized), len(dims))
    out: dict[str, list[np.ndarray]] = {k: [] for k in ("spread_ratio", "collapsed", "recall_end", "loss_end",
                                                         "no_triplet_steps")}
    for B in batch_sizes:
        res = train(task, data, rep, int(B), rng)
        for k in out:
            out[k].append(res[k].reshape(shape))
    arrays = {k: np.stack(v, axis=2) for k, v in out.items()}  # (S, N, nB, nd)
    return {**arrays, "batch_sizes": list(map(int, batch_sizes)), "dims": dims,
            "normalized": [bool(v) for v in normalized], "miner": miner, "task": task.settings()}


def mining_comparison(task: CollapseTask, rng: np.random.Generator, *, batch_size: int, dim: int, n_seeds: int,
                      miners: Sequence[str] = ("hard", "semi-hard", "random"),
                      normalized: Sequence[bool] = (False, True)) -> dict[str, Any]:
    """Every miner on the same seeds (data, batches, initial weights): arrays of shape
    ``(n_seeds, len(normalized), len(miners))``: ``spread_ratio``, ``collapsed``, ``recall_end``,
    ``loss_end``, ``no_triplet_steps``."""
    data = seed_data(task, rng, n_seeds, dim)
    rep = grid(n_seeds, (dim,), normalized, tuple(miners))
    res = train(task, data, rep, batch_size, rng)
    shape = (n_seeds, len(normalized), len(miners))
    arrays = {k: res[k].reshape(shape) for k in ("spread_ratio", "collapsed", "recall_end", "loss_end",
                                                   "no_triplet_steps")}
    return {**arrays, "miners": list(miners), "normalized": [bool(v) for v in normalized], "batch_size": batch_size,
            "dim": dim, "task": task.settings()}


def collapse_score(spread_ratio: np.ndarray) -> np.ndarray:
    """``-log10(final spread / initial spread)``: 0 for no change, 1 for a tenfold shrinkage."""
    r = np.asarray(spread_ratio, dtype=float)
    if np.any(~np.isfinite(r)) or np.any(r <= 0):
        raise ValueError("spread ratios must be finite and positive")
    return -np.log10(r)


def monotone_trend(score: np.ndarray, axis: int) -> np.ndarray:
    """A Kendall-type trend of ``score`` along ``axis``, per leading (seed, normalisation) cell.

    For an array of shape ``(S, N, ...)``: the mean, over the other trailing axes and over all
    index pairs ``i < j`` along ``axis``, of ``sign(score_j - score_i)``: +1 when the score grows
    along the axis in every comparison, -1 when it always falls, 0 for no order. Returns (S, N).
    """
    x = np.moveaxis(np.asarray(score, dtype=float), axis, -1)
    k = x.shape[-1]
    if k < 2 or axis in (0, 1):
        raise ValueError(f"need a trailing axis with at least 2 entries, got axis {axis} of length {k}")
    i, j = np.triu_indices(k, 1)
    s = np.sign(x[..., j] - x[..., i]).mean(axis=-1)  # (S, N, rest...)
    return s.reshape(s.shape[0], s.shape[1], -1).mean(axis=-1)
