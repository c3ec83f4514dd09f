"""Embedding losses, distance matrices, pair/triplet sampling and miners (array namespace ``xp``).

Setting of Le & Odobez 2019 (as reconstructed) and Xu et al. 2022: embeddings ``E`` of shape (B, d),
optionally L2-normalised; pairs labelled "same class" or not from the observed labels; the margin ("marginal") loss
``[alpha + s (D - beta)]_+`` with ``s = +1`` for a positive and ``-1`` for a negative pair, and the triplet loss
``[D_ap - D_an + alpha]_+``, ``D`` the Euclidean distance.

Miners follow pytorch-metric-learning's small contract: they return index arrays ``(anchors, positives, negatives)``
into the batch; losses take distances. A batch with a single class (no negatives) or without any class of two members
(no positives) raises; a class with one member simply contributes no anchor-positive pairs.
"""
from __future__ import annotations

import math
from typing import Any, Sequence

import numpy as np

from label_noise_lab.simulate.engine.blas import block_rows, single_threaded
from label_noise_lab.simulate.engine.namespace import is_host, namespace_of, to_host
from label_noise_lab.simulate.engine.rng import check_generator, check_generators, check_rng
from label_noise_lab.theory.validators import check_int


def check_margin(alpha: float) -> float:
    """The margin ``alpha`` must be positive."""
    if not isinstance(alpha, (int, float, np.floating)) or not float(alpha) > 0:
        raise ValueError(f"the margin alpha must be positive, got {alpha!r}")
    return float(alpha)


MINERS = ("random", "semi-hard", "hard", "batch-hard")
"""The triplet miners: one random negative per anchor-positive pair, the semi-hard or the hardest negative
per pair, or batch-hard (farthest positive and closest negative per anchor)."""
SAMPLINGS = ("balanced", "natural")
"""Pair sampling: half positive pairs (1:1), or pairs uniform over the batch (positives at their natural rate)."""
EVAL_CHUNK = 128  # row block of evaluation products (keeps OpenBLAS single-threaded, see models.logits_of)


def check_embeddings(E: Any, *, batched: bool = False) -> Any:
    """Raise on a wrong shape or NaN/infinite entries; return ``E`` as float. Shape (B, d) with B >= 2, or with
    ``batched`` (..., B, d): leading replica axes allowed."""
    xp = namespace_of(E)
    E = xp.asarray(E, dtype=xp.float64)
    if (E.ndim != 2 and not (batched and E.ndim > 2)) or E.shape[-2] < 2:
        raise ValueError(f"embeddings must have shape {'(..., B, d)' if batched else '(B, d)'} with B >= 2, "
                         f"got {E.shape}")
    if not bool(xp.all(xp.isfinite(E))):
        raise ValueError("embeddings contain NaN or infinite values")
    return E


#: squared norms in this range neither overflowed nor lost the row to underflow, per precision (the exponent range of
#: float32 is 2^-126..2^128: its bounds are narrower)
_SAFE_SQ = {"float64": (2.0**-1000, 2.0**1000), "float32": (2.0**-100, 2.0**100)}


def normalize(E: Any, *, keep_zero: bool = False, zero_below: float = 0.0, with_norms: bool = False) -> Any:
    """Rows scaled to unit L2 norm along the last axis: ``e = z / ||z||`` (leading replica axes allowed).

    The one normalisation of the embedding settings (Le & Odobez 2019, Xu et al. 2022: embeddings on
    the unit sphere), for data, training loops and the collapse study alike.

    Parameters
    ----------
    E : array, shape (..., B, d)
    keep_zero : bool
        ``False`` (data): NaN/infinite entries and a zero row raise (its direction is undefined), one
        host sync each. ``True`` (inner loops, whose callers check finiteness): a row of norm
        ``<= zero_below`` (a zero raw embedding is a real state of a small ReLU network) stays at the
        origin and its norm is reported as ``inf``, so ``(g - e (e . g)) / norm`` passes no gradient
        through it: the subgradient convention of ``D = 0``. No sync.
    zero_below : float
        With ``keep_zero``: the norm up to which a row counts as zero (``0``: exactly zero rows only).
    with_norms : bool
        Also return the norms, shape (..., B, 1).

    Notes
    -----
    ``z / sqrt(sum z^2)`` where the squared norm lies in ``[2^-1000, 2^1000]`` (``[2^-100, 2^100]`` in single
    precision); rows outside (entries of ``1e200`` whose squares overflow, or ``1e-200`` whose squares underflow)
    are divided by their largest absolute entry first, in the same fixed-shape pass.
    """
    xp = namespace_of(E)
    if not keep_zero:
        E = check_embeddings(E, batched=True)
    elif getattr(E, "ndim", 0) < 2:
        raise ValueError(f"embeddings must have shape (..., B, d), got {getattr(E, 'shape', None)}")
    with np.errstate(over="ignore", under="ignore"):  # such rows are not ``safe``: rescaled below
        sq = xp.sum((E * E), axis=-1, keepdims=True)
    low, high = _SAFE_SQ["float32" if E.dtype == xp.float32 else "float64"]
    safe = (sq >= low) & (sq <= high)
    if is_host(xp) and bool(xp.all(safe)):  # the host's common case, checked for free: no row to rescale or zero
        n = np.sqrt(sq)
        if not (keep_zero and bool(xp.any((n <= zero_below)))):
            out = E / n  # what the fixed-shape pass below gives these rows, bit for bit
            return (out, n) if with_norms else out
    big = xp.max(xp.abs(E), axis=-1, keepdims=True)
    if not keep_zero and bool(xp.any(big == 0)):
        raise ValueError(f"cannot normalise a zero embedding (row {int(xp.argmin(xp.reshape(big, (-1,))))})")
    S = E / xp.where(big > 0, big, 1.0)  # used where ``safe`` is False
    r = xp.sqrt(xp.sum((S * S), axis=-1, keepdims=True))
    n = xp.where(safe, xp.sqrt(sq), big * r)
    zero = n <= zero_below if keep_zero else xp.zeros(n.shape, dtype=xp.bool)
    n = xp.where(zero, xp.inf, n)
    out = xp.where(zero, 0.0, xp.where(safe, E / n, S / xp.where(r > 0, r, 1.0)))
    return (out, n) if with_norms else out


def squared_distances(E: Any, *, exact: bool = False) -> Any:
    """``D2[..., i, j] = ||E_i - E_j||^2`` for embeddings ``E`` (..., B, d), leading replica axes allowed.

    By one (batched) matrix product: the rows are centred first (distances do not change), so ``||a||^2 + ||b||^2
    - 2 a.b`` does not cancel away points that are close to each other but far from the origin (``1e-4`` apart at
    ``1e8``); residues a few ulps below 0 are set to 0 and the diagonal is exactly 0. ``exact=True`` sums the
    squared differences instead (``B^2 d`` memory, no cancellation at all): for verification code.
    """
    E = check_embeddings(E, batched=True)
    xp = namespace_of(E)
    if exact:
        diff = E[..., :, None, :] - E[..., None, :, :]
        return xp.sum((diff * diff), axis=-1)
    E = E - xp.mean(E, axis=-2, keepdims=True)
    sq = xp.sum((E * E), axis=-1)
    D2 = E @ xp.matrix_transpose(E)
    D2 *= -2.0
    D2 += sq[..., :, None]
    D2 += sq[..., None, :]
    D2 = xp.maximum(D2, 0.0, out=D2) if is_host(xp) else xp.maximum(D2, 0.0)  # rounding residues: D2 >= 0 exactly
    return xp.where(xp.eye(E.shape[-2], dtype=xp.bool), 0.0, D2)  # the standard assigns through no integer arrays


def pairwise_distances(E: Any, *, exact: bool = False) -> Any:
    """Distances ``D[..., i, j] = ||E_i - E_j||`` (..., B, B); ``E`` scaled first if its top entry is past 2^(+-300)."""
    xp = namespace_of(E)
    E = xp.asarray(E, dtype=xp.float64)
    if is_host(xp):  # the host: one cheap check, and in the common case no scale at all (bit for bit, no copy)
        m = np.abs(E).max(axis=(-2, -1)) if E.ndim > 2 else np.abs(E).max()
        if bool(np.all((m >= 2.0**-300) & (m <= 2.0**300) | (m == 0))):
            return np.sqrt(squared_distances(E, exact=exact))
    big = xp.max(xp.max(xp.abs(E), axis=-1, keepdims=True), axis=-2, keepdims=True)
    f = xp.where((big >= 2.0**-300) & (big <= 2.0**300) | (big == 0), 1.0, big)  # NaN/inf: refused below
    return xp.sqrt(squared_distances(E / f, exact=exact)) * f


def recall_at_1(E: Any, y: Any, *, chunk: int | None = None) -> Any:
    """Recall@1: the fraction of points whose nearest *other* point (Euclidean) has the same label.

    Parameters
    ----------
    E : array, shape (n, d) or (R, n, d), n >= 2
        Embeddings (NaN raises); a leading replica axis gives one Recall@1 per replica.
    y : int array, shape (n,) or (R, n)
        The labels to score against (the *true* labels of clean test data).

    Returns
    -------
    float, or a host array (R,) for stacked replicas.

    Notes
    -----
    Ties are broken by the lowest index (``argmin``). Single sets are processed in row blocks: at most
    ``chunk`` rows when given (else :func:`label_noise_lab.simulate.engine.blas.block_rows`: :data:`EVAL_CHUNK` rows, or
    on the
    host inside :func:`label_noise_lab.simulate.engine.blas.pinned_blas` with one thread as many as keep a distance
    block within
    its ``BLOCK_ENTRIES``), and on the host outside it fewer when needed to keep each product below OpenBLAS's
    threading threshold (``rows * n * d < 262144``; see :func:`label_noise_lab.simulate.models.logits_of`).
    """
    E = check_embeddings(E, batched=True)
    if chunk is not None:
        chunk = check_int("chunk", chunk, 1)
    xp = namespace_of(E)
    y = xp.asarray(y)
    if y.shape != E.shape[:-1]:
        raise ValueError(f"labels must have shape {E.shape[:-1]}, got {y.shape}")
    if E.ndim > 2:
        D2 = squared_distances(E)
        i = xp.arange(E.shape[-2])
        D2[..., i, i] = xp.inf
        nn = xp.argmin(D2, axis=-1)
        return np.asarray(to_host(xp.mean((xp.take_along_axis(y, nn, axis=-1) == y), axis=-1)), dtype=float)
    one_thread = is_host(xp) and single_threaded()
    if chunk is None:
        chunk = block_rows(xp, E.shape[0], EVAL_CHUNK)
    if is_host(xp) and not one_thread:  # below OpenBLAS's threading threshold
        chunk = max(1, min(chunk, 250_000 // max(1, E.shape[0] * E.shape[1])))
    sq = xp.sum((E * E), axis=1)
    hits = xp.zeros((), dtype=xp.int64)
    for s in range(0, E.shape[0], chunk):
        blk = E[s:s + chunk]
        D2 = xp.sum((blk * blk), axis=1)[:, None] + sq[None, :] - 2.0 * (blk @ E.T)
        r = xp.arange(blk.shape[0])
        D2[r, s + r] = xp.inf
        nn = xp.argmin(D2, axis=1)
        hits = hits + xp.sum((y[nn] == y[s:s + chunk]))  # on the device: one sync at the end
    return int(hits) / E.shape[0]


def check_distances(D: Any, B: int | None = None, what: str = "distances") -> Any:
    """``D`` as float when it is finite and non-negative (and (B, B) when ``B`` is given); one host sync.
    Raises ``ValueError`` naming the shape, or the NaN/infinite/negative value."""
    xp = namespace_of(D)
    D = xp.asarray(D)
    if not namespace_of(D).isdtype(D.dtype, "real floating"):
        D = xp.astype(D, xp.float64)
    if B is not None and D.shape != (B, B):
        raise ValueError(f"the distance matrix must have shape ({B}, {B}) to match the labels, got {D.shape}")
    lo, hi = (float(v) for v in to_host(xp.stack([xp.min(D), xp.max(D)]))) if D.size else (0.0, 0.0)
    if not (math.isfinite(lo) and math.isfinite(hi)):  # min/max propagate NaN
        raise ValueError(f"the {what} contain NaN or infinite values (min {lo!r}, max {hi!r})")
    if lo < 0:
        raise ValueError(f"{what} must be non-negative, got a minimum of {lo!r}")
    return D


def margin_loss(D: Any, same: Any, alpha: float, beta: float) -> Any:
    """``[alpha + s (D - beta)]_+``, ``s = +1`` where ``same`` else ``-1`` (elementwise). NaN, infinite or
    negative distances raise (a NaN would otherwise pass through as a loss)."""
    alpha = check_margin(alpha)
    if not (isinstance(beta, (int, float, np.floating)) and math.isfinite(float(beta))):
        raise ValueError(f"beta must be a finite number, got {beta!r}")
    D = check_distances(D)
    xp = namespace_of(D)
    same = xp.asarray(same, dtype=xp.bool)
    if same.shape != D.shape:
        raise ValueError(f"same must have the shape of D {D.shape}, got {same.shape}")
    s = xp.where(same, 1.0, -1.0)
    return xp.maximum(alpha + s * (D - beta), 0.0)


def triplet_loss(d_ap: Any, d_an: Any, alpha: float) -> Any:
    """``[D_ap - D_an + alpha]_+`` (elementwise); NaN, infinite or negative distances raise."""
    alpha = check_margin(alpha)
    d_ap, d_an = check_distances(d_ap), check_distances(d_an)
    if d_ap.shape != d_an.shape:
        raise ValueError(f"d_ap and d_an must have one shape, got {d_ap.shape} and {d_an.shape}")
    xp = namespace_of(d_ap)
    return xp.maximum(d_ap - d_an + alpha, 0.0)


def label_masks(labels: Any) -> tuple[Any, Any]:
    """``(pos, neg)`` boolean (B, B) masks: same label off the diagonal, different label."""
    xp = namespace_of(labels)
    labels = xp.asarray(labels)
    if labels.ndim != 1 or not namespace_of(labels).isdtype(labels.dtype, "integral"):
        raise ValueError(f"labels must be a 1-d integer array, got shape {labels.shape} dtype {labels.dtype}")
    same = labels[:, None] == labels[None, :]
    eye = xp.eye(labels.shape[0], dtype=xp.bool)
    pos, neg = same & ~eye, ~same
    if not bool(xp.any(neg)):
        raise ValueError("the batch has a single class: there are no negatives")
    if not bool(xp.any(pos)):
        raise ValueError("no class of the batch has two members: there are no positives")
    return pos, neg


def positive_pairs(labels: Any) -> tuple[Any, Any]:
    """All ordered anchor-positive pairs ``(a, p)``, ``a != p``, same label."""
    xp = namespace_of(labels)
    pos, _ = label_masks(labels)
    a, p = xp.nonzero(pos)
    return a, p


def all_triplets(labels: Any) -> tuple[Any, Any, Any]:
    """Every valid triplet (a, p, n): the plain reference the miners are tested against."""
    xp = namespace_of(labels)
    pos, neg = label_masks(labels)
    a, p, n = xp.nonzero(pos[:, :, None] & neg[:, None, :])
    return a, p, n


def mine(D: Any, labels: Any, miner: str, *, alpha: float | None = None, rng: Any = None) -> tuple[Any, ...]:
    """The one triplet miner, for stacked batches: ``(r, a, p, n, skipped)``.

    Parameters
    ----------
    D : array (R, B, B) of distances (finite, non-negative), or ``None`` for ``miner="random"``
    labels : int array (R, B)
    miner : one of :data:`MINERS`
    alpha : the margin (semi-hard only)
    rng : a generator of ``labels``' namespace (random only)

    Returns
    -------
    r, a, p, n : int arrays (m,)
        Replica, anchor, positive and negative of each triplet. ``random``, ``hard``: every anchor-positive
        pair (``a != p``, same label, in ``nonzero`` order) with a negative drawn uniformly among the
        anchor's, or its closest one (smallest index among ties); ``semi-hard``: the pairs whose closest
        negative beyond ``D_ap`` lies within the margin, ``D_ap < D_an < D_ap + alpha`` (Schroff et al.
        2015); ``batch-hard``: per anchor with a positive, the farthest positive and the closest negative
        (Hermans et al. 2017).
    skipped : 0-d int array
        Anchor-positive pairs (anchors, for batch-hard) whose batch has no negative for the anchor (a
        single-class batch): left out and counted, never silently mined.
    """
    xp = namespace_of(labels)
    if miner not in MINERS:
        raise ValueError(f"miner must be one of {MINERS}, got {miner!r}")
    labels = xp.asarray(labels)
    if labels.ndim != 2 or not xp.isdtype(labels.dtype, "integral") or labels.shape[0] < 1 or labels.shape[1] < 2:
        raise ValueError(f"labels must be R >= 1 batches of B >= 2 integers, got shape {labels.shape} {labels.dtype}")
    R, B = labels.shape
    if miner != "random" or D is not None:
        D = xp.asarray(D)
        if D.shape != (R, B, B):
            raise ValueError(f"the distance matrices must have shape {(R, B, B)} to match the labels, got {D.shape}")
        if miner != "semi-hard":  # the semi-hard miner checks in the sync it needs anyway
            D = check_distances(D)
    return _mine(D, labels, miner, alpha, rng)


def _mine(D: Any, labels: Any, miner: str, alpha: float | None, rng: Any) -> tuple[Any, ...]:
    """:func:`mine` on checked inputs (the semi-hard miner checks its distances itself)."""
    xp = namespace_of(labels)
    R, B = labels.shape
    same = labels[:, :, None] == labels[:, None, :]
    pos, neg = same & ~xp.eye(B, dtype=xp.bool), ~same
    has_neg = xp.any(neg, axis=-1)  # (R, B)
    if miner == "batch-hard":
        has_pos = xp.any(pos, axis=-1)
        r, a = xp.nonzero(has_pos & has_neg)
        p = xp.argmax(xp.where(pos, D, -xp.inf), axis=-1)[r, a]
        n = xp.argmin(xp.where(neg, D, xp.inf), axis=-1)[r, a]
        return r, a, p, n, xp.count_nonzero(has_pos & ~has_neg)
    skipped = xp.count_nonzero(pos & ~has_neg[:, :, None])
    if miner == "semi-hard":
        r, a, p, n = _semi_hard_rows(D, same, check_margin(alpha), batch_checks=False)
        return r, a, p, n, skipped
    r, a, p = xp.nonzero(pos & has_neg[:, :, None])
    if miner == "hard":
        n = xp.argmin(xp.where(neg, D, xp.inf), axis=-1)[r, a]
    else:  # random
        counts = xp.count_nonzero(neg, axis=-1)[r, a]
        # the k-th negative of the anchor, k uniform: through a stable sort (no choice on CuPy, no rejection loop)
        u = check_rng(rng, xp).random(r.shape[0]) * xp.astype(counts, xp.float64)
        k = xp.minimum(xp.astype(xp.floor(u), xp.int64), counts - 1)
        n = xp.argsort(xp.astype(~neg, xp.int8), axis=-1, stable=True)[r, a, k]  # negatives first, by index
    return r, a, p, n, skipped


def _one(D: Any, labels: Any, miner: str, **kw: Any) -> tuple[Any, Any, Any]:
    """:func:`mine` for one batch (B, B): the index arrays ``(a, p, n)``; a batch without negatives or
    positives raises (see :func:`label_masks`)."""
    xp = namespace_of(labels)
    pos, _ = label_masks(labels)
    if D is not None:
        D = check_distances(D, pos.shape[0])[None, ...]
    _, a, p, n, _ = _mine(D, xp.asarray(labels)[None, ...], miner, None, kw.get("rng"))
    return a, p, n


def random_negatives(labels: Any, rng: Any) -> tuple[Any, Any, Any]:
    """For every anchor-positive pair, one negative drawn uniformly among the anchor's negatives."""
    return _one(None, labels, "random", rng=rng)


def hard_negatives(D: Any, labels: Any) -> tuple[Any, Any, Any]:
    """For every anchor-positive pair, the anchor's closest negative (hard negative mining)."""
    return _one(D, labels, "hard")


def semi_hard_negatives(D: Any, labels: Any, alpha: float) -> tuple[Any, Any, Any]:
    """Anchor-positive pairs with their closest negative farther than the positive but within
    the margin, ``D_ap < D_an < D_ap + alpha`` (Schroff et al. 2015); pairs without one are dropped.

    Parameters
    ----------
    D : array, shape (B, B)
        Distance matrix (finite, non-negative), e.g. from :func:`pairwise_distances`.
    labels : int array, shape (B,)
    alpha : float
        The margin (> 0).

    Returns
    -------
    (anchors, positives, negatives) : int arrays, shape (m,)
        One entry per kept pair, in increasing ``(anchor, positive)`` order (the order of
        :func:`positive_pairs`). Among negatives at the same distance the one of smallest index is
        taken (the plain loop's ``min`` over ``(D, n)``).

    Notes
    -----
    Exact in the distances it is given, and without a data-dependent loop: see
    :func:`_semi_hard_rows`. Two host syncs on a device: one for the checks, one for the size of
    the result. ``tests/simulate/embedding/test_semi_hard.py`` compares it with the plain loop, ties and
    sub-ulp-scale differences included.
    """
    alpha = check_margin(alpha)
    xp = namespace_of(D)
    labels = xp.asarray(labels)
    if labels.ndim != 1 or not namespace_of(labels).isdtype(labels.dtype, "integral"):
        raise ValueError(f"labels must be a 1-d integer array, got shape {labels.shape} dtype {labels.dtype}")
    B = labels.shape[0]
    D = xp.asarray(D)
    if D.shape != (B, B):
        raise ValueError(f"the distance matrix must have shape ({B}, {B}) to match the labels, got {D.shape}")
    same = labels[:, None] == labels[None, :]
    _, a, p, n = _semi_hard_rows(D[None, ...], same[None, ...], alpha, batch_checks=True)
    return a, p, n


_NARROW_BITS = 14  # column bits up to which the semi-hard keys' low bits fit int16 with the flag (B <= 16384)


def _semi_hard_rows(D: Any, same: Any, alpha: float, *, batch_checks: bool) -> tuple[Any, ...]:
    """The semi-hard miner of stacked batches ``D`` (R, B, B) with ``same`` (R, B, B), "same label" (the
    diagonal included): ``(r, a, p, n)`` in increasing ``(r, a, p)`` order, the pairs without a
    semi-hard negative left out.

    Fixed-shape, loop-free. Each row ``(r, a)`` is sorted once by an integer key: the bits of the
    distance (non-negative floats order as their bit patterns; the sign bit is cleared, so ``-0.0``
    is ``0``) with the lowest ``nb + 1`` bits replaced by a flag (negatives before the other columns)
    and the column index (``nb`` bits), the diagonal last. While no two *different* distances of a row
    share the kept bits (relative differences below ``2^(nb - 51)``), the key order is the order of
    ``(D, not negative, column)``; where they do, that order is made exactly by two stable argsorts
    instead. In that order the negatives sorted before a positive ``p`` are those with
    ``D_an <= D_ap`` (ties included), so ``a``'s closest negative beyond ``p`` (smallest index among
    ties) is the first non-positive after ``p``'s run of adjacent positives (a negative, or the
    diagonal that ends the row): the positives are found by one ``searchsorted`` in their running
    count, and the ends of their runs by one in the positions less their ranks, without scanning.

    The checks of the inputs (finite, non-negative distances; with ``batch_checks`` a batch with
    negatives and positives, as :func:`label_masks` asks) travel in the one host sync that also brings the
    number of pairs and whether the exact fall-back is needed; the compaction of the result is the
    other (implicit in ``nonzero`` on a device).
    """
    xp = namespace_of(D)
    R, B, _ = D.shape
    D = xp.asarray(D)
    if D.dtype != xp.float64:
        D = xp.astype(D, xp.float64)
    rows, size = R * B, R * B * B
    nb = max(1, (B - 1).bit_length())  # bits of the column index
    flag, imask = 1 << nb, (1 << nb) - 1
    level_bits = ((1 << 63) - 1) ^ ((1 << (nb + 1)) - 1)  # the distance's bits above the lowest nb + 1, no sign
    low_t = xp.int16 if nb <= _NARROW_BITS else xp.int64  # the flag and column bits, narrow where they fit
    low = xp.astype(same, low_t)
    low <<= nb
    low |= xp.arange(B, dtype=low_t)
    key = D.view(xp.int64) & level_bits
    key |= low
    diag = xp.arange(B)
    key[:, diag, diag] = level_bits | flag | diag  # above any level (a NaN's may equal it: refused below)
    key = xp.reshape(key, (rows, B))
    key.sort(axis=1)
    # distinct distances sharing a level: sorted exactly, equal levels are neighbours
    Dflat = xp.reshape(D, (rows, B))
    Dsorted = xp.sort(Dflat, axis=1)
    level = Dsorted.view(xp.int64) & level_bits
    collide = (level[:, 1:] == level[:, :-1]) & (Dsorted[:, 1:] != Dsorted[:, :-1])
    stats = [xp.min(Dsorted[:, 0]), xp.max(Dsorted[:, -1]), xp.sum(same) - rows, xp.any(collide)]
    stats += [~xp.all(same)] if batch_checks else []
    host = to_host(xp.stack([xp.asarray(s, dtype=xp.float64) for s in stats]))  # the one sync of the checks
    lo, hi, m, exact_needed = float(host[0]), float(host[1]), int(host[2]), bool(host[3])
    if batch_checks and not host[4]:
        raise ValueError("the batch has a single class: there are no negatives")
    if batch_checks and m == 0:
        raise ValueError("no class of the batch has two members: there are no positives")
    if not (math.isfinite(lo) and math.isfinite(hi)):
        raise ValueError(f"the distances contain NaN or infinite values (min {lo!r}, max {hi!r})")
    if lo < 0:
        raise ValueError(f"distances must be non-negative, got a minimum of {lo!r}")
    if exact_needed:
        # two stable sorts, least significant key first: (negative, other, diagonal), then the distance
        eye = xp.eye(B, dtype=xp.bool)
        kind = xp.reshape(xp.where(eye, 2, xp.astype(same, xp.int64)), (rows, B))
        o1 = xp.argsort(kind, axis=1, stable=True)
        Dk = xp.reshape(xp.where(eye, xp.inf, D), (rows, B))
        order = xp.take_along_axis(o1, xp.argsort(xp.take_along_axis(Dk, o1, axis=1), axis=1, stable=True), axis=1)
        positive = xp.take_along_axis(xp.reshape(same, (rows, B)), order, axis=1)
        columns = order.ravel()
    else:
        positive = (key & flag) != 0
        columns = key.ravel()
    positive[:, -1] = False  # the diagonal, last in every row
    H = xp.cumsum(positive.ravel(), dtype=xp.int32 if size < 2**31 else xp.int64)
    j = xp.searchsorted(H, xp.arange(1, m + 1, dtype=H.dtype), side="left")  # the k-th positive's position
    u = j - xp.arange(m, dtype=j.dtype)  # constant along a run of adjacent positives
    q = j[xp.searchsorted(u, u, side="right") - 1] + 1  # the first position after the run: no positive there
    ra = j // B
    p, n = columns[j] & imask, columns[q] & imask  # (order's entries are below 2^nb: the mask keeps them)
    keep = (q % B < B - 1) & (Dflat[ra, n] < Dflat[ra, p] + alpha)  # not the row's end; within the margin
    k = xp.nonzero(keep)[0]  # the size of the result: the second sync on a device
    ra, p, n = ra[k], p[k], n[k]
    o = xp.argsort(ra * B + p)  # (r, a, p) increasing
    ra, p, n = ra[o], p[o], n[o]
    return ra // B, ra % B, p, n


def batch_hard(D: Any, labels: Any) -> tuple[Any, Any, Any]:
    """For every anchor with a positive: its farthest positive and closest negative (Hermans et al. 2017)."""
    return _one(D, labels, "batch-hard")


def sample_pairs(labels: Any, n_pairs: int, rng: Any, mode: str | Sequence[str] = "balanced", *,
                 checked: bool = False) -> tuple[Any, Any, Any]:
    """Pairs ``(i, j, same)`` of distinct samples by their (observed) labels, for one batch or for
    stacked batches (a leading replica axis).

    ``mode="balanced"``: ``n_pairs // 2`` pairs uniform over the ordered positive pairs (same label,
    ``i != j``), the rest uniform over the ordered negative pairs (1:1 sampling, Le & Odobez 2019):
    an anchor is drawn with probability proportional to its number of partners, then a partner
    uniformly, without the ``B x B`` masks. ``mode="natural"``: ``i, j`` uniform among distinct samples
    (positives come at their natural rate, about ``1/C`` for ``C`` balanced classes).

    Parameters
    ----------
    labels : int array, shape (B,) or (R, B)
    n_pairs : int
        Pairs per batch.
    rng : Generator, or a sequence of R Generators for stacked batches
        Row ``r`` draws its uniforms from ``rng[r]`` in the order one batch would (two or four calls
        of ``random``), so a replica reproduces a single run exactly. Host (NumPy) generators with
        device labels: their draws are uploaded once per call.
    mode : {"balanced", "natural"}, or one per row
    checked : bool
        The caller has checked that every balanced row has two classes and a class with two members
        (no host sync); otherwise that is checked here in one sync and a ``ValueError`` says which
        row fails.

    Returns
    -------
    i, j : int arrays, shape (n_pairs,) or (R, n_pairs)
    same : bool array of that shape
    """
    n_pairs = check_int("n_pairs", n_pairs, 1)
    xp = namespace_of(labels)
    labels = xp.asarray(labels)
    if labels.ndim not in (1, 2) or not namespace_of(labels).isdtype(labels.dtype, "integral"):
        raise ValueError(f"labels must be a 1-d or (R, B) integer array, got shape {labels.shape} dtype {labels.dtype}")
    single = labels.ndim == 1
    yb = labels[None, ...] if single else labels
    R, B = yb.shape
    rngs = [check_generator(rng)] if single else check_generators(rng, R)
    modes = [mode] * R if isinstance(mode, str) else list(mode)
    if len(rngs) != R or len(modes) != R:
        n_rngs, n_modes = len(rngs), len(modes)
        raise ValueError(f"need one generator and one mode per row: {R} rows, {n_rngs} generators, {n_modes} modes")
    for md in modes:
        if md not in SAMPLINGS:
            raise ValueError(f"mode must be 'balanced' or 'natural', got {md!r}")
    bal = np.asarray([md == "balanced" for md in modes])
    m, n_pos = int(n_pairs), int(n_pairs) // 2
    order = xp.argsort(yb, axis=1, stable=True)
    sl = xp.take_along_axis(yb, order, axis=1)
    # start and length of each sorted position's run of equal labels: one searchsorted over the rows
    # laid end to end (row r shifted by r * span), no accumulate (CuPy has it for add/multiply only)
    lo = xp.min(sl)
    span = xp.max(sl) - lo + 1
    keys = (sl - lo + xp.arange(R)[:, None] * span).ravel()
    first = xp.arange(R)[:, None] * B
    start = xp.reshape(xp.searchsorted(keys, keys, side="left"), (R, B)) - first
    cnt = xp.reshape(xp.searchsorted(keys, keys, side="right"), (R, B)) - first - start
    if not checked and xp.any(bal):
        largest = to_host(xp.max(cnt, axis=1))  # one sync
        for r in np.flatnonzero(bal):
            where = "" if single else f"row {r}: "
            if largest[r] == B:
                raise ValueError(f"{where}the batch has a single class: there are no negatives")
            if largest[r] < 2:
                raise ValueError(f"{where}no class of the batch has two members: there are no positives")
    U = _pair_uniforms(rngs, bal, m, n_pos, xp)
    rows = xp.arange(R)[:, None]

    def anchors(w: Any, u: Any) -> Any:
        # k with cw[k - 1] <= u * total < cw[k]: the cumulative weights are integers, so u * total may be
        # floored first, and the rows laid end to end by integer offsets stay exact
        cw = xp.cumsum(xp.astype(w, float), axis=1)
        tot = cw[:, -1]
        off = xp.concat([xp.zeros(1), xp.cumsum(tot)[:-1]])
        flat = (cw + off[:, None]).ravel()
        q = (xp.floor(u * tot[:, None]) + off[:, None]).ravel()
        k = xp.reshape(xp.searchsorted(flat, q, side="right"), u.shape) - rows * B
        return xp.clip(k, 0, B - 1)

    a = anchors(cnt - 1, U[0, :, :n_pos])
    ca, sa = cnt[rows, a], start[rows, a]
    u = xp.minimum(xp.astype(xp.floor(U[1, :, :n_pos] * (ca - 1)), xp.int64), ca - 2)
    b = sa + u + (u >= a - sa)  # skip the anchor itself
    an = anchors(B - cnt, U[2, :, :m - n_pos])
    cn, sn = cnt[rows, an], start[rows, an]
    v = xp.minimum(xp.astype(xp.floor(U[3, :, :m - n_pos] * (B - cn)), xp.int64), B - cn - 1)
    bn = v + (v >= sn) * cn  # skip the anchor's class block
    i_bal = order[rows, xp.concat([a, an], axis=1)]
    j_bal = order[rows, xp.concat([b, bn], axis=1)]
    i_nat = xp.astype(xp.floor(U[0] * B), xp.int64)
    j_nat = xp.astype(xp.floor(U[1] * (B - 1)), xp.int64)
    j_nat = j_nat + (j_nat >= i_nat)  # uniform over the other B - 1 samples
    bal_x = xp.asarray(bal)[:, None]
    i, j = xp.where(bal_x, i_bal, i_nat), xp.where(bal_x, j_bal, j_nat)
    same = yb[rows, i] == yb[rows, j]
    return (i[0], j[0], same[0]) if single else (i, j, same)


def _pair_uniforms(rngs: Sequence[Any], bal: np.ndarray, m: int, n_pos: int, xp: Any) -> Any:
    """The uniforms of :func:`sample_pairs`, (4, R, m), row by row in the order one batch draws them:
    balanced ``n_pos, n_pos, m - n_pos, m - n_pos``; natural ``m, m``. Host generators fill a host
    array uploaded once; generators of ``xp`` fill a device array."""
    host = all(is_host(namespace_of(g)) for g in rngs)
    lib = np if host else xp
    U = lib.zeros((4, len(rngs), m))
    for r, g in enumerate(rngs):
        if bal[r]:
            U[0, r, :n_pos] = g.random(n_pos)
            U[1, r, :n_pos] = g.random(n_pos)
            U[2, r, :m - n_pos] = g.random(m - n_pos)
            U[3, r, :m - n_pos] = g.random(m - n_pos)
        else:
            U[0, r] = g.random(m)
            U[1, r] = g.random(m)
    return xp.asarray(U)
