"""Embedding losses, distance matrices, pair/triplet sampling and miners (array namespace ``xp``).

Setting of Le & Odobez 2019 (``000``, reconstructed in ``claims.md``) and Xu et al. 2022
(``001``): embeddings ``E`` of shape (B, d), optionally L2-normalised; pairs labelled
"same class" or not from the observed labels; the margin ("marginal") loss
``[alpha + s (D - beta)]_+`` with ``s = +1`` for a positive and ``-1`` for a negative pair, and
the triplet loss ``[D_ap - D_an + alpha]_+``, ``D`` the Euclidean distance.

Miners follow pytorch-metric-learning's small contract: they return index arrays
``(anchors, positives, negatives)`` into the batch; losses take distances. A batch with a
single class (no negatives) or without any class of two members (no positives) raises; a
class with one member simply contributes no anchor-positive pairs.
"""
from __future__ import annotations

from typing import Any

import numpy as np

from simulate.backend import namespace_of


def check_margin(alpha: float) -> float:
    """The margin ``alpha`` must be positive."""
    if not isinstance(alpha, (int, float, np.floating)) or not float(alpha) > 0:
        raise ValueError(f"the margin alpha must be positive, got {alpha!r}")
    return float(alpha)


def check_embeddings(E: Any) -> Any:
    """Raise on a non-2-d array or NaN/infinite entries; return ``E`` as float."""
    xp = namespace_of(E)
    E = xp.asarray(E, dtype=float)
    if E.ndim != 2 or E.shape[0] < 2:
        raise ValueError(f"embeddings must have shape (B, d) with B >= 2, got {E.shape}")
    if not bool(xp.all(xp.isfinite(E))):
        raise ValueError("embeddings contain NaN or infinite values")
    return E


def normalize(E: Any) -> Any:
    """Rows scaled to unit L2 norm; a zero row raises (its direction is undefined)."""
    E = check_embeddings(E)
    xp = namespace_of(E)
    n = xp.sqrt((E * E).sum(axis=1, keepdims=True))
    if bool(xp.any(n == 0)):
        raise ValueError(f"cannot normalise a zero embedding (row {int(xp.argmin(n[:, 0]))})")
    return E / n


def pairwise_distances(E: Any) -> Any:
    """Euclidean distance matrix ``D[i, j] = ||E_i - E_j||``, shape (B, B), one matrix product.

    ``||a||^2 + ||b||^2 - 2 a.b`` can fall a few ulps below 0 for nearly equal rows; those
    rounding residues are set to 0 before the square root (the diagonal is exactly 0).
    """
    E = check_embeddings(E)
    xp = namespace_of(E)
    sq = (E * E).sum(axis=1)
    G = E @ E.T
    D2 = sq[:, None] + sq[None, :] - 2.0 * G
    xp.maximum(D2, 0.0, out=D2)  # rounding residues only: D2 >= 0 exactly in real arithmetic
    idx = xp.arange(E.shape[0])
    D2[idx, idx] = 0.0
    return xp.sqrt(D2)


def margin_loss(D: Any, same: Any, alpha: float, beta: float) -> Any:
    """``[alpha + s (D - beta)]_+``, ``s = +1`` where ``same`` else ``-1`` (elementwise)."""
    alpha = check_margin(alpha)
    xp = namespace_of(D)
    s = xp.where(xp.asarray(same, dtype=bool), 1.0, -1.0)
    return xp.maximum(alpha + s * (D - beta), 0.0)


def triplet_loss(d_ap: Any, d_an: Any, alpha: float) -> Any:
    """``[D_ap - D_an + alpha]_+`` (elementwise)."""
    alpha = check_margin(alpha)
    xp = namespace_of(d_ap)
    return xp.maximum(d_ap - d_an + alpha, 0.0)


def _masks(labels: Any) -> tuple[Any, Any]:
    """``(pos, neg)`` boolean (B, B) masks: same label off the diagonal, different label."""
    xp = namespace_of(labels)
    labels = xp.asarray(labels)
    if labels.ndim != 1 or labels.dtype.kind not in "iu":
        raise ValueError(f"labels must be a 1-d integer array, got shape {labels.shape} dtype {labels.dtype}")
    same = labels[:, None] == labels[None, :]
    eye = xp.eye(labels.shape[0], dtype=bool)
    pos, neg = same & ~eye, ~same
    if not bool(neg.any()):
        raise ValueError("the batch has a single class: there are no negatives")
    if not bool(pos.any()):
        raise ValueError("no class of the batch has two members: there are no positives")
    return pos, neg


def positive_pairs(labels: Any) -> tuple[Any, Any]:
    """All ordered anchor-positive pairs ``(a, p)``, ``a != p``, same label."""
    xp = namespace_of(labels)
    pos, _ = _masks(labels)
    a, p = xp.nonzero(pos)
    return a, p


def all_triplets(labels: Any) -> tuple[Any, Any, Any]:
    """Every valid triplet (a, p, n): the plain reference the miners are tested against."""
    xp = namespace_of(labels)
    pos, neg = _masks(labels)
    a, p, n = xp.nonzero(pos[:, :, None] & neg[:, None, :])
    return a, p, n


def random_negatives(labels: Any, rng: Any) -> tuple[Any, Any, Any]:
    """For every anchor-positive pair, one negative drawn uniformly among the anchor's negatives."""
    xp = namespace_of(labels)
    _, neg = _masks(labels)
    a, p = positive_pairs(labels)
    counts = neg.sum(axis=1)
    # the k-th negative of anchor a, k uniform: through cumulative counts (no choice on CuPy)
    k = xp.floor(rng.random(a.shape[0]) * counts[a]).astype(xp.int64)
    k = xp.minimum(k, counts[a] - 1)
    order = xp.argsort(~neg, axis=1, kind="stable")  # each row: its negatives first, in index order
    n = order[a, k]
    return a, p, n


def hard_negatives(D: Any, labels: Any) -> tuple[Any, Any, Any]:
    """For every anchor-positive pair, the anchor's closest negative (hard negative mining)."""
    xp = namespace_of(D)
    _, neg = _masks(labels)
    a, p = positive_pairs(labels)
    n_of = xp.argmin(xp.where(neg, D, xp.inf), axis=1)
    return a, p, n_of[a]


def semi_hard_negatives(D: Any, labels: Any, alpha: float) -> tuple[Any, Any, Any]:
    """Anchor-positive pairs with their closest negative farther than the positive but within
    the margin, ``D_ap < D_an < D_ap + alpha`` (Schroff et al. 2015); pairs without one are dropped."""
    alpha = check_margin(alpha)
    xp = namespace_of(D)
    _, neg = _masks(labels)
    a, p = positive_pairs(labels)
    d_ap = D[a, p]
    # sort each anchor's negative distances once; a searchsorted per pair finds the first one > d_ap
    negD = xp.where(neg, D, xp.inf)
    order = xp.argsort(negD, axis=1)
    sortedD = xp.take_along_axis(negD, order, axis=1)
    B = D.shape[0]
    # one global searchsorted for all pairs: shift row i by i * span, span above every finite
    # distance, and put each row's non-negatives (inf) just below the next row's start
    finite = xp.isfinite(sortedD)
    span = float(xp.max(xp.where(finite, sortedD, 0.0))) + 1.0
    base = (xp.arange(B) * span)[:, None]
    flat = (xp.where(finite, sortedD, span - 0.5) + base).ravel()
    first = xp.searchsorted(flat, d_ap + a * span, side="right") - a * B
    first = xp.minimum(first, B - 1)
    d_an = sortedD[a, first]
    keep = xp.isfinite(d_an) & (d_an > d_ap) & (d_an < d_ap + alpha)
    return a[keep], p[keep], order[a, first][keep]


def batch_hard(D: Any, labels: Any) -> tuple[Any, Any, Any]:
    """For every anchor with a positive: its farthest positive and closest negative (Hermans et al. 2017)."""
    xp = namespace_of(D)
    pos, neg = _masks(labels)
    has = pos.any(axis=1)
    a = xp.nonzero(has)[0]
    p = xp.argmax(xp.where(pos, D, -xp.inf), axis=1)[a]
    n = xp.argmin(xp.where(neg, D, xp.inf), axis=1)[a]
    return a, p, n


def sample_pairs(labels: Any, n_pairs: int, rng: Any, mode: str = "balanced") -> tuple[Any, Any, Any]:
    """Pairs ``(i, j, same)`` of distinct samples by their (observed) labels.

    ``mode="balanced"``: half the pairs positive, half negative (1:1 sampling);
    ``mode="natural"``: ``i, j`` uniform among distinct samples (positives come at their
    natural rate, about ``1/C`` for ``C`` balanced classes).
    """
    if mode not in ("balanced", "natural"):
        raise ValueError(f"mode must be 'balanced' or 'natural', got {mode!r}")
    if n_pairs < 1:
        raise ValueError(f"n_pairs must be positive, got {n_pairs!r}")
    xp = namespace_of(labels)
    labels = xp.asarray(labels)
    B = labels.shape[0]
    if mode == "natural":
        i = xp.floor(rng.random(n_pairs) * B).astype(xp.int64)
        j = xp.floor(rng.random(n_pairs) * (B - 1)).astype(xp.int64)
        j = j + (j >= i)  # uniform over the other B - 1 samples
        return i, j, labels[i] == labels[j]
    pos, neg = _masks(labels)
    n_pos = n_pairs // 2
    pa, pb = xp.nonzero(pos)
    na, nb = xp.nonzero(neg)
    ip = xp.floor(rng.random(n_pos) * pa.shape[0]).astype(xp.int64)
    ineg = xp.floor(rng.random(n_pairs - n_pos) * na.shape[0]).astype(xp.int64)
    i = xp.concatenate([pa[ip], na[ineg]])
    j = xp.concatenate([pb[ip], nb[ineg]])
    return i, j, labels[i] == labels[j]
