"""A tiny embedding network trained on the margin or triplet loss, with hand-written gradients.

Setting of Le & Odobez 2019 (*reconstructed*: the source is an
abstract) and Xu et al. 2022 (reconstructed likewise): an embedding network ``f``
maps an input to ``R^dim_out``, optionally L2-normalised onto the unit sphere; pairs or
triplets are formed from the *observed* (possibly noisy) labels of a mini-batch; the loss is
the margin ("marginal") loss ``[alpha + s (D - beta)]_+`` (``s = +1`` positive pair, ``-1``
negative) or the triplet loss ``[D_ap - D_an + alpha]_+``, averaged over the pairs/triplets of
the batch; ``D`` is the Euclidean distance between embeddings.

The network is a :mod:`label_noise_lab.simulate.models` parameter dict (``W0, b0, ...``): ``model="linear"``
is one affine map, ``model="mlp"`` one hidden ReLU layer. Its "logits" are the raw embeddings
``z``; the normalised embedding is ``e = z / ||z||``. Gradients:

- ``dD_ij / de_i = (e_i - e_j) / D_ij`` (the subgradient 0 is used where ``D_ij = 0``, e.g. for a
  collapsed network: the distance is not differentiable there);
- through the normalisation ``de/dz . g = (g - e (e . g)) / ||z||``;
- through the network by :func:`label_noise_lab.simulate.models.backward`.

They are checked against central finite differences in ``tests/simulate/embedding/test_train.py``.

The three steps of one update are separate functions, so a caller can fix the mined terms and
differentiate: :func:`select_terms` (pairs or triplets from :mod:`label_noise_lab.simulate.embedding.losses`'s samplers
and miners), :func:`terms_loss_grad` (mean loss and ``dLoss/dE``), :func:`loss_and_grads`
(through the normalisation and the network). :func:`train_embedding` loops over mini-batches
with Adam or SGD (:class:`label_noise_lab.simulate.training.Optimizer`); :func:`embed` and
:func:`label_noise_lab.simulate.embedding.losses.recall_at_1` evaluate. Studies built on them live in the catalogue
(``paper_checks/papers/*/studies.py``).
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Callable

import numpy as np

from label_noise_lab.simulate.embedding.losses import (
    EVAL_CHUNK,
    MINERS,
    SAMPLINGS,
    batch_hard,
    check_margin,
    hard_negatives,
    pairwise_distances,
    random_negatives,
    sample_pairs,
    semi_hard_negatives,
)
from label_noise_lab.simulate.embedding.losses import normalize as normalize_rows
from label_noise_lab.simulate.engine.namespace import namespace_of, to_host
from label_noise_lab.simulate.engine.rng import check_generator, draws_for
from label_noise_lab.simulate.engine.standard import bincount
from label_noise_lab.simulate.models import Params, backward, forward, init_mlp, n_layers
from label_noise_lab.simulate.training import Optimizer, TrainConfig
from label_noise_lab.theory.validators import check_int

LOSSES = ("margin", "triplet")
MODELS = ("linear", "mlp")
Record = Callable[[int, Params], dict[str, float]]


@dataclass(frozen=True)
class Terms:
    """The loss terms of one batch, as indices into it.

    ``kind == "margin"``: ``idx = (i, j)`` and ``same`` (bool, observed labels equal);
    ``kind == "triplet"``: ``idx = (a, p, n)`` and ``same = None``.
    """

    kind: str
    idx: tuple[Any, ...]
    same: Any = None

    @property
    def count(self) -> int:
        return int(self.idx[0].shape[0])


# ---------------------------------------------------------------- model
def check_choice(name: str, value: Any, allowed: tuple[str, ...]) -> str:
    if value not in allowed:
        raise ValueError(f"{name} must be one of {allowed}, got {value!r}")
    return value


def init_embedding(dim_in: int, dim_out: int, rng: np.random.Generator, *, model: str = "mlp",
                   hidden: int = 32, init_scale: float = 1.0, init_offset: float = 0.0,
                   xp: Any = np) -> Params:
    """A random embedding network ``R^dim_in -> R^dim_out`` (He initialisation).

    Parameters
    ----------
    dim_in, dim_out : int
        Input dimension (>= 1) and embedding dimension (>= 2).
    rng : numpy.random.Generator
        Draws the weights (and the offset direction) on the host.
    model : {"linear", "mlp"}
        One affine map, or one hidden ReLU layer of width ``hidden``.
    init_scale : float
        Multiplies the output layer's weights (> 0): scales raw-embedding distances at
        initialisation; it leaves *normalised* embeddings unchanged when ``init_offset = 0``.
    init_offset : float
        Norm (>= 0) of a constant vector, of uniformly random direction, put in the output bias.
        With normalised embeddings a large offset concentrates every embedding near one point
        of the sphere: small initial distances (the knob of the initialisation study).
    xp : module
        Array namespace of the parameters.

    Returns
    -------
    dict
        ``W0, b0`` (linear) or ``W0, b0, W1, b1`` (MLP), as :func:`label_noise_lab.simulate.models.init_mlp`.
    """
    dim_in, _ = check_int("dim_in", dim_in, 1), check_generator(rng)
    dim_out = check_int("dim_out", dim_out, 2)
    check_choice("model", model, MODELS)
    if not (np.isfinite(init_scale) and init_scale > 0):
        raise ValueError(f"init_scale must be a finite number > 0, got {init_scale!r}")
    if not (np.isfinite(init_offset) and init_offset >= 0):
        raise ValueError(f"init_offset must be a finite number >= 0, got {init_offset!r}")
    hid: tuple[int, ...] = () if model == "linear" else (check_int("hidden", hidden, 1),)
    params = init_mlp(dim_in, dim_out, hid, rng)
    L = len(hid)
    params[f"W{L}"] = params[f"W{L}"] * float(init_scale)
    if init_offset > 0:
        u = rng.standard_normal(dim_out)
        params[f"b{L}"] = params[f"b{L}"] + float(init_offset) * u / np.linalg.norm(u)
    return {k: xp.asarray(v) for k, v in params.items()}


def embed(params: Params, X: Any, *, normalize: bool = True, chunk: int = EVAL_CHUNK) -> Any:
    """Embeddings of ``X`` (n, dim_in) -> (n, dim_out), L2-normalised when ``normalize``.

    Computed ``chunk`` rows at a time. Raises on NaN/infinite embeddings (a diverged network); a zero
    raw embedding stays at the origin when normalising (:func:`label_noise_lab.simulate.embedding.losses.normalize` with
    ``keep_zero``).
    """
    n_layers(params)
    chunk = check_int("chunk", chunk, 1)
    if getattr(X, "ndim", 0) != 2:
        raise ValueError(f"X must have shape (n, dim_in), got shape {getattr(X, 'shape', None)}")
    xp = namespace_of(params["W0"])
    parts = [forward(params, X[s:s + chunk])[0] for s in range(0, X.shape[0], chunk)]
    Z = xp.concat(parts, axis=0) if parts else forward(params, X)[0]
    if not bool(xp.all(xp.isfinite(Z))):
        raise ValueError("embeddings contain NaN or infinite values (diverged training?)")
    return normalize_rows(Z, keep_zero=True) if normalize else Z


# ---------------------------------------------------------------- terms, loss and gradients
def select_terms(E: Any, labels: Any, *, loss: str, alpha: float, miner: str = "random",
                 sampling: str = "balanced", n_pairs: int | None = None, rng: Any = None,
                 D: Any = None) -> Terms:
    """The pairs (margin loss) or triplets (triplet loss) of one batch.

    Parameters
    ----------
    E : array, shape (B, d)
        The batch's embeddings (used by the distance-based miners).
    labels : int array, shape (B,)
        The *observed* labels of the batch.
    loss : {"margin", "triplet"}
    alpha : float
        Margin (> 0); the semi-hard miner needs it.
    miner : {"random", "semi-hard", "hard", "batch-hard"}
        Triplet loss only: one uniformly random negative per anchor-positive pair, the
        semi-hard / hardest negative per pair, or batch-hard (farthest positive and closest
        negative per anchor); see :mod:`label_noise_lab.simulate.embedding.losses`.
    sampling : {"balanced", "natural"}
        Margin loss only: :func:`label_noise_lab.simulate.embedding.losses.sample_pairs` mode.
    n_pairs : int, optional
        Margin loss only: pairs per batch (default ``B``).
    rng : Generator
        For the random samplers.
    D : array, optional
        The distance matrix of ``E`` if already computed.

    Raises
    ------
    ValueError
        A batch with a single class (no negatives) or no class with two members (no
        positives), from :mod:`label_noise_lab.simulate.embedding.losses`; an unknown option.
    """
    check_choice("loss", loss, LOSSES)
    alpha = check_margin(alpha)
    if loss == "margin":
        check_choice("sampling", sampling, SAMPLINGS)
        m = E.shape[0] if n_pairs is None else check_int("n_pairs", n_pairs, 1)
        i, j, same = sample_pairs(labels, m, rng, mode=sampling)
        return Terms("margin", (i, j), same)
    check_choice("miner", miner, MINERS)
    if miner == "random":
        return Terms("triplet", random_negatives(labels, rng))
    if D is None:
        D = pairwise_distances(E)
    if miner == "semi-hard":
        return Terms("triplet", semi_hard_negatives(D, labels, alpha))
    if miner == "hard":
        return Terms("triplet", hard_negatives(D, labels))
    return Terms("triplet", batch_hard(D, labels))


def _pair_dist(E: Any, i: Any, j: Any) -> tuple[Any, Any]:
    """``D = ||E_i - E_j||`` and ``(E_i - E_j) / D`` (0 where D = 0: the subgradient used)."""
    xp = namespace_of(E)
    diff = E[i] - E[j]
    d = xp.sqrt(xp.sum((diff * diff), axis=1))
    unit = diff / xp.where(d > 0, d, 1.0)[:, None]
    return d, unit


def _scatter(xp: Any, B: int, rows: Any, vals: Any) -> Any:
    """``out[r] += v`` for every (r, v), rows repeated allowed; ``vals`` (m, d)."""
    d = vals.shape[1]
    flat = (rows[:, None] * d + xp.arange(d)[None, :]).ravel()
    # bincount with weights exists in NumPy and CuPy alike (CuPy lacks ufunc.at in older releases)
    return xp.reshape(xp.bincount(flat, weights=vals.ravel(), minlength=B * d), (B, d))


def terms_loss_grad(E: Any, terms: Terms, *, alpha: float, beta: float = 1.0) -> tuple[float, Any, dict[str, float]]:
    """Mean loss over the terms, its gradient with respect to ``E``, and term statistics.

    Parameters
    ----------
    E : array, shape (B, d)
        The embeddings the distances are taken between (already normalised if they are).
    terms : Terms
        From :func:`select_terms`; an empty set of terms (e.g. no semi-hard negative) gives
        loss 0 and a zero gradient, flagged by ``stats["terms"] = 0``.
    alpha : float
        Margin (> 0).
    beta : float
        The margin loss's boundary (ignored by the triplet loss).

    Returns
    -------
    value : float
        ``(1/m) sum_k [alpha + s_k (D_k - beta)]_+`` or ``(1/m) sum_k [D_ap - D_an + alpha]_+``.
    grad : array, shape (B, d)
    stats : dict
        ``terms`` (m), ``active`` (fraction of terms with a positive hinge), and for the margin
        loss ``in_band`` (fraction with ``|D - beta| <= alpha``, where positive and negative
        terms sum to ``2 alpha``: Le & Odobez 2019, reconstructed).
    """
    alpha = check_margin(alpha)
    xp = namespace_of(E)
    B = E.shape[0]
    m = terms.count
    if m == 0:
        return 0.0, xp.zeros_like(E), {"terms": 0, "active": float("nan")}
    if terms.kind == "margin":
        i, j = terms.idx
        s = xp.where(xp.asarray(terms.same, dtype=xp.bool), 1.0, -1.0)
        d, unit = _pair_dist(E, i, j)
        h = alpha + s * (d - beta)
        act = h > 0
        value = float(xp.sum(xp.where(act, h, 0.0))) / m
        g = (xp.where(act, s, 0.0) / m)[:, None] * unit
        grad = _scatter(xp, B, xp.concat([i, j]), xp.concat([g, -g]))
        stats = {"terms": m, "active": float(xp.mean(act)),
                 "in_band": float(xp.mean((xp.abs(d - beta) <= alpha)))}
        return value, grad, stats
    if terms.kind != "triplet":
        raise ValueError(f"unknown term kind {terms.kind!r}")
    a, p, n = terms.idx
    dap, uap = _pair_dist(E, a, p)
    dan, uan = _pair_dist(E, a, n)
    h = dap - dan + alpha
    act = h > 0
    value = float(xp.sum(xp.where(act, h, 0.0))) / m
    w = (act / m)[:, None]
    ga, gp, gn = w * (uap - uan), -w * uap, w * uan
    grad = _scatter(xp, B, xp.concat([a, p, n]), xp.concat([ga, gp, gn]))
    return value, grad, {"terms": m, "active": float(xp.mean(act))}


def loss_and_grads(params: Params, X: Any, terms: Terms, *, alpha: float, beta: float = 1.0,
                   normalize: bool = True) -> tuple[float, Params, dict[str, float]]:
    """Loss of the batch ``X`` on fixed ``terms`` and its gradient with respect to every parameter.

    The raw embeddings are ``z = f(X)``; the distances are taken between ``z / ||z||`` when
    ``normalize`` (the gradient goes through the normalisation), else between ``z``.
    """
    return _loss_and_grads(params, forward(params, X), terms, alpha=alpha, beta=beta, normalize=normalize)


def _loss_and_grads(params: Params, fwd: tuple[Any, Any], terms: Terms, *, alpha: float, beta: float,
                    normalize: bool) -> tuple[float, Params, dict[str, float]]:
    Z, cache = fwd
    xp = namespace_of(Z)
    if not bool(xp.all(xp.isfinite(Z))):
        raise ValueError("embeddings contain NaN or infinite values (diverged training?)")
    if normalize:
        E, norms = normalize_rows(Z, keep_zero=True, with_norms=True)
        value, gE, stats = terms_loss_grad(E, terms, alpha=alpha, beta=beta)
        gZ = (gE - E * xp.sum((E * gE), axis=1, keepdims=True)) / norms
    else:
        value, gZ, stats = terms_loss_grad(Z, terms, alpha=alpha, beta=beta)
    return value, backward(params, cache, gZ), stats


# ---------------------------------------------------------------- the training loop
@dataclass(frozen=True)
class Objective:
    """What :func:`train_loop` minimises, per replica: the loss, its margin ``alpha`` and boundary ``beta``
    (host arrays, one per replica), the pair sampling modes (margin loss) or the miner (triplet loss),
    the pairs per batch (``None``: the batch size), and whether embeddings are L2-normalised."""

    loss: str
    alphas: np.ndarray
    betas: np.ndarray
    modes: tuple[str, ...]
    miner: str = "random"
    n_pairs: int | None = None
    normalize: bool = True


def _usable(yb: Any, rows: Any, n_lab: int) -> np.ndarray:
    """Host bool (R,): the replicas whose batch has two classes and a class with two members."""
    xp = namespace_of(yb)
    R = yb.shape[0]
    cts = xp.reshape(bincount(xp.reshape(yb + rows * n_lab, (-1,)), minlength=R * n_lab), (R, n_lab))
    return to_host((xp.count_nonzero(cts > 0, axis=1) >= 2) & (xp.max(cts, axis=1) >= 2))


def _margin_step(E: Any, yb: Any, ok: np.ndarray, obj: Objective, rngs: Any, stats: bool
                 ) -> tuple[np.ndarray, Any, np.ndarray, np.ndarray]:
    """Margin loss of stacked batches ``E`` (R, B, d): per-replica mean loss (0 where not ``ok``), ``dLoss/dE``
    (zero where not ``ok``), and with ``stats`` the fractions of active and in-band pairs (else NaN)."""
    xp = namespace_of(E)
    R, bsz, dout = E.shape
    m = bsz if obj.n_pairs is None else obj.n_pairs
    rows = xp.arange(R)[:, None]
    live = [r for r in range(R) if ok[r]]
    if len(live) == R:
        ii, jj, same = sample_pairs(yb, m, rngs, list(obj.modes), checked=True)
    else:
        ii = xp.zeros((R, m), dtype=xp.int64)
        jj = xp.zeros((R, m), dtype=xp.int64)
        same = xp.zeros((R, m), dtype=xp.bool)
        li = xp.asarray(live)
        Il, Jl, Sl = sample_pairs(yb[li], m, [rngs[r] for r in live], [obj.modes[r] for r in live], checked=True)
        ii[li], jj[li], same[li] = Il, Jl, Sl
    A = xp.asarray(obj.alphas, dtype=E.dtype)[:, None]  # every step in the embeddings' precision
    Bt = xp.asarray(obj.betas, dtype=E.dtype)[:, None]
    diff = E[rows, ii] - E[rows, jj]
    d = xp.sqrt(xp.sum((diff * diff), axis=2))
    unit = diff / xp.where(d > 0, d, 1.0)[..., None]
    sg = xp.where(same, xp.asarray(1.0, dtype=E.dtype), xp.asarray(-1.0, dtype=E.dtype))
    h = A + sg * (d - Bt)
    act = h > 0
    okx = xp.asarray(ok)
    value = np.where(ok, to_host(xp.sum(xp.where(act, h, 0.0), axis=1)) / m, 0.0)
    g = (xp.where(act, sg, 0.0) / m * okx[:, None])[..., None] * unit  # (R, m, d_out)
    # each pair's gradient added to its two rows: one bincount a coordinate over the rows laid end to end. It sums
    # in double precision, in the pairs' order, then rounds to E's precision: the sums of one bincount over the
    # flattened (row, coordinate) index, bit for bit, at a sixth of its time (that index was 6x longer)
    rows_flat = xp.reshape(xp.concat([(rows * bsz + ii), (rows * bsz + jj)], axis=1), (-1,))
    G = xp.reshape(xp.concat([g, -g], axis=1), (-1, dout))
    gE = xp.empty((R * bsz, dout), dtype=E.dtype)
    for k in range(dout):
        gE[:, k] = xp.astype(xp.bincount(rows_flat, weights=G[:, k], minlength=R * bsz), E.dtype)
    gE = xp.reshape(gE, (R, bsz, dout))
    active = in_band = np.full(R, np.nan)
    if stats:
        active = to_host(xp.mean(act, axis=1))
        in_band = to_host(xp.mean((xp.abs(d - Bt) <= A), axis=1))
    return value, gE, active, in_band


def _triplet_step(E: Any, yb: Any, ok: np.ndarray, obj: Objective, draws: Any
                  ) -> tuple[np.ndarray, Any, np.ndarray, np.ndarray]:
    """Triplet loss of stacked batches, replica by replica (:func:`select_terms`, :func:`terms_loss_grad`):
    per-replica mean loss, ``dLoss/dE``, the fraction of active triplets (0 when none was mined), NaN in-band."""
    xp = namespace_of(E)
    R = E.shape[0]
    value, active = np.zeros(R), np.full(R, np.nan)
    gE = xp.zeros_like(E)
    for r in np.flatnonzero(ok):
        terms = select_terms(E[r], yb[r], loss="triplet", alpha=float(obj.alphas[r]), miner=obj.miner, rng=draws[r])
        value[r], gE[r], st = terms_loss_grad(E[r], terms, alpha=float(obj.alphas[r]))
        active[r] = st["active"] if st["terms"] else 0.0
    return value, gE, active, np.full(R, np.nan)


def _batch_step(P: Params, Xb: Any, yb: Any, ok: np.ndarray, obj: Objective, rngs: Any, draws: Any,
                stats: bool) -> tuple[np.ndarray, Params, np.ndarray, np.ndarray]:
    """Forward, loss and parameter gradients of one stacked batch (through the normalisation when on)."""
    xp = namespace_of(Xb)
    Z, cache = forward(P, Xb)
    if not bool(xp.all(xp.isfinite(Z))):
        raise ValueError("embeddings contain NaN or infinite values (diverged training?)")
    if obj.normalize:
        E, norms = normalize_rows(Z, keep_zero=True, with_norms=True)
    else:
        E = Z
    if obj.loss == "margin":
        value, gE, active, in_band = _margin_step(E, yb, ok, obj, rngs, stats)
    else:
        value, gE, active, in_band = _triplet_step(E, yb, ok, obj, draws)
    gZ = (gE - E * xp.sum((E * gE), axis=2, keepdims=True)) / norms if obj.normalize else gE
    return value, backward(P, cache, gZ), active, in_band


def train_loop(X: Any, y: Any, P: Params, rngs: Any, obj: Objective, opt: Optimizer, *, batch_size: int,
               epochs: int, stats: bool = False, on_epoch: Callable[[int], None] | None = None) -> dict[str,
                                                                                                        np.ndarray]:
    """The one embedding training loop: ``R`` networks (parameters stacked on a leading axis in ``P``,
    updated in place) on stacked data ``X`` (R, n, dim_in), ``y`` (R, n), each with its own batch order
    and draws from its own host generator ``rngs[r]``.

    A replica whose batch has a single class or no positive pair (or fewer than two samples) skips that
    step: its parameters and optimiser state stay as they are, and the step is counted. ``stats`` also
    records the fractions of active (and, margin loss, in-band) terms, at the price of host syncs.
    ``on_epoch(epoch)`` is called before the first epoch and after every epoch.

    Returns the per-epoch histories, shape (epochs + 1, R): ``loss`` (mean batch loss, NaN in row 0),
    ``skipped``, ``active`` and ``in_band`` (NaN unless ``stats``).
    """
    xp = namespace_of(P["W0"])
    R, n = X.shape[0], X.shape[1]
    n_lab = int(xp.max(y)) + 1
    rows = xp.arange(R)[:, None]
    draws = [draws_for(r, xp) for r in rngs] if obj.loss == "triplet" else None
    hist = {"loss": [np.full(R, np.nan)], "skipped": [np.zeros(R)], "active": [np.full(R, np.nan)],
            "in_band": [np.full(R, np.nan)]}
    if on_epoch is not None:
        on_epoch(0)
    for epoch in range(1, epochs + 1):
        orders = xp.asarray(np.stack([rng.permutation(n) for rng in rngs]))  # host draws, one upload
        tot, used, skipped, act_sum, band_sum = (np.zeros(R) for _ in range(5))
        for s in range(0, n, batch_size):
            idx = orders[:, s:s + batch_size]
            if idx.shape[1] < 2:
                skipped += 1
                continue
            yb = y[rows, idx]
            ok = _usable(yb, rows, n_lab)
            skipped += ~ok
            if not xp.any(ok):
                continue
            value, grads, active, in_band = _batch_step(P, X[rows, idx], yb, ok, obj, rngs, draws, stats)
            opt.step(P, grads, live=ok)
            tot += value
            used += ok
            act_sum += np.where(ok, active, 0.0)
            band_sum += np.where(ok, in_band, 0.0)
        for k, v in (("loss", tot), ("active", act_sum), ("in_band", band_sum)):
            hist[k].append(np.where(used > 0, v / np.maximum(used, 1), np.nan))
        hist["skipped"].append(skipped)
        if on_epoch is not None:
            on_epoch(epoch)
    return {k: np.stack(v) for k, v in hist.items()}


# ---------------------------------------------------------------- one network
def _check_training_data(X: Any, y_observed: Any, xp: Any) -> tuple[Any, Any]:
    """``X`` (n, dim_in) finite and ``y_observed`` integer (n,) with two classes, one of two members, in ``xp``."""
    if getattr(X, "ndim", 0) != 2:
        raise ValueError(f"X must have shape (n, dim_in), got shape {getattr(X, 'shape', None)}")
    X = xp.asarray(X, dtype=xp.float64)
    y = xp.asarray(y_observed)
    n = X.shape[0]
    if y.shape != (n,) or not namespace_of(y).isdtype(y.dtype, "integral"):
        raise ValueError(f"y_observed must be an integer array of shape ({n},), got {y.shape} {y.dtype}")
    if not bool(xp.all(xp.isfinite(X))):
        raise ValueError("X contains NaN or infinite values")
    counts = np.bincount(to_host(y))
    if int((counts > 0).sum()) < 2:
        raise ValueError("y_observed has a single class: there are no negative pairs")
    if int(counts.max()) < 2:
        raise ValueError("no class of y_observed has two members: there are no positive pairs")
    return X, y


def train_embedding(
    X: Any,
    y_observed: Any,
    *,
    rng: np.random.Generator,
    model: str = "mlp",
    dim_out: int = 8,
    hidden: int = 32,
    normalize: bool = True,
    loss: str = "triplet",
    alpha: float = 0.2,
    beta: float = 1.0,
    miner: str = "random",
    sampling: str = "balanced",
    batch_size: int = 64,
    n_pairs: int | None = None,
    epochs: int = 10,
    lr: float = 0.01,
    optimizer: str = "adam",
    init_scale: float = 1.0,
    init_offset: float = 0.0,
    params: Params | None = None,
    record: Record | None = None,
) -> tuple[Params, dict[str, Any]]:
    """Train an embedding network by mini-batch gradient descent on the margin or triplet loss.

    Le & Odobez 2019 (reconstructed): labels are the *observed* ones, pairs/triplets are
    formed from them within each mini-batch.

    Parameters
    ----------
    X : array, shape (n, dim_in)
    y_observed : int array, shape (n,)
        Observed (possibly noisy) labels; at least two classes, one with two members.
    rng : numpy.random.Generator
        Draws the initial weights (unless ``params`` is given), the batch order, and the pairs /
        random negatives.
    model, dim_out, hidden, init_scale, init_offset :
        The network, as :func:`init_embedding` (ignored when ``params`` is given).
    normalize : bool
        L2-normalise the embeddings (distances on the unit sphere, ``D in [0, 2]``).
    loss : {"margin", "triplet"}
    alpha, beta : float
        Margin (> 0) and the margin loss's boundary.
    miner : {"random", "semi-hard", "hard", "batch-hard"}
        Triplet mining (triplet loss).
    sampling : {"balanced", "natural"}
        Pair sampling (margin loss).
    batch_size : int
        Mini-batch size (>= 2); batches are consecutive slices of a random permutation per epoch.
    n_pairs : int, optional
        Pairs per batch for the margin loss (default ``batch_size``).
    epochs, lr, optimizer :
        Passes over the data, step size, ``"adam"`` or ``"sgd"``.
    params : dict, optional
        Initial network (copied, not modified).
    record : callable ``(epoch, params) -> dict[str, float]``, optional
        Called before the first epoch and after every epoch; values go into ``history``.

    One replica of :func:`train_loop`.

    Returns
    -------
    params : dict
        The trained network.
    history : dict
        ``epoch`` (0..epochs), ``loss`` (mean batch loss of each epoch, NaN at epoch 0),
        ``active`` (mean fraction of active hinge terms), ``in_band`` (margin loss: mean fraction
        of pairs with ``|D - beta| <= alpha``), ``skipped`` (batches skipped because they had a
        single class or no positive pair; their count per epoch), ``normalize``, and the keys
        of ``record``.

    Raises
    ------
    ValueError
        Bad options; ``y_observed`` with a single class or no class of two members; non-finite
        inputs; a network that diverges to NaN.
    """
    check_choice("loss", loss, LOSSES)
    check_choice("miner", miner, MINERS)
    check_choice("sampling", sampling, SAMPLINGS)
    alpha = check_margin(alpha)
    if not np.isfinite(beta):
        raise ValueError(f"beta must be finite, got {beta!r}")
    batch_size = check_int("batch_size", batch_size, 2)
    xp = namespace_of(X) if params is None else namespace_of(params["W0"])
    X, y = _check_training_data(X, y_observed, xp)
    if params is None:
        params = init_embedding(X.shape[1], dim_out, rng, model=model, hidden=hidden,
                                init_scale=init_scale, init_offset=init_offset, xp=xp)
    n_layers(params)
    if n_pairs is not None:
        n_pairs = check_int("n_pairs", n_pairs, 1)
    P = {k: xp.asarray(xp.asarray(v, dtype=xp.float64)[None, ...], copy=True) for k, v in params.items()}
    opt = Optimizer(TrainConfig(epochs=epochs, lr=lr, batch_size=batch_size, optimizer=optimizer), P)
    obj = Objective(loss, np.array([alpha]), np.array([float(beta)]), (sampling,), miner, n_pairs, normalize)
    recorded: dict[str, list[float]] = {}

    def on_epoch(epoch: int) -> None:
        if record is not None:
            for k, v in record(epoch, {k: w[0] for k, w in P.items()}).items():
                recorded.setdefault(k, []).append(float(v))

    hist = train_loop(X[None, ...], y[None, ...], P, [rng], obj, opt, batch_size=batch_size, epochs=epochs, stats=True,
                      on_epoch=on_epoch)
    history: dict[str, Any] = {"epoch": np.arange(epochs + 1)}
    history.update({k: v[:, 0] for k, v in hist.items()})
    history.update({k: np.asarray(v, dtype=float) for k, v in recorded.items()})
    history["normalize"] = bool(normalize)
    return {k: v[0].copy() for k, v in P.items()}, history
