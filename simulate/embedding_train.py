"""A tiny embedding network trained on the margin or triplet loss, with hand-written gradients.

Setting of Le & Odobez 2019 (*reconstructed* in ``claims.md``: the source is an
abstract) and Xu et al. 2022 (reconstructed likewise): an embedding network ``f``
maps an input to ``R^dim_out``, optionally L2-normalised onto the unit sphere; pairs or
triplets are formed from the *observed* (possibly noisy) labels of a mini-batch; the loss is
the margin ("marginal") loss ``[alpha + s (D - beta)]_+`` (``s = +1`` positive pair, ``-1``
negative) or the triplet loss ``[D_ap - D_an + alpha]_+``, averaged over the pairs/triplets of
the batch; ``D`` is the Euclidean distance between embeddings.

The network is a :mod:`simulate.models` parameter dict (``W0, b0, ...``): ``model="linear"``
is one affine map, ``model="mlp"`` one hidden ReLU layer. Its "logits" are the raw embeddings
``z``; the normalised embedding is ``e = z / ||z||``. Gradients:

- ``dD_ij / de_i = (e_i - e_j) / D_ij`` (the subgradient 0 is used where ``D_ij = 0``, e.g. for a
  collapsed network: the distance is not differentiable there);
- through the normalisation ``de/dz . g = (g - e (e . g)) / ||z||``;
- through the network by :func:`simulate.models.backward`.

They are checked against central finite differences in ``tests/simulate/test_embedding_train.py``.

The three steps of one update are separate functions, so a caller can fix the mined terms and
differentiate: :func:`select_terms` (pairs or triplets from :mod:`simulate.embedding`'s samplers
and miners), :func:`terms_loss_grad` (mean loss and ``dLoss/dE``), :func:`loss_and_grads`
(through the normalisation and the network). :func:`train_embedding` loops over mini-batches
with Adam or SGD (:class:`simulate.training.Optimizer`); :func:`embed` and
:func:`simulate.embedding.recall_at_1` evaluate. The le19 studies are in :mod:`simulate.le19_studies`.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Callable

import numpy as np

from simulate.backend import draws_for, namespace_of, to_host
from simulate.embedding import (
    EVAL_CHUNK,
    MINERS,
    SAMPLINGS,
    batch_hard,
    check_embeddings,
    check_margin,
    hard_negatives,
    pairwise_distances,
    random_negatives,
    sample_pairs,
    semi_hard_negatives,
)
from simulate.embedding import normalize as normalize_rows
from simulate.models import Params, backward, forward, init_mlp, n_layers
from simulate.training import Optimizer, TrainConfig, copy_params
from theory.checks import check_int

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
def _check_choice(name: str, value: Any, allowed: tuple[str, ...]) -> str:
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
        of the sphere: small initial distances (the knob of the ``le19.initialization`` study).
    xp : module
        Array namespace of the parameters.

    Returns
    -------
    dict
        ``W0, b0`` (linear) or ``W0, b0, W1, b1`` (MLP), as :func:`simulate.models.init_mlp`.
    """
    dim_in = check_int("dim_in", dim_in, 1)
    dim_out = check_int("dim_out", dim_out, 2)
    _check_choice("model", model, MODELS)
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
    raw embedding stays at the origin when normalising (:func:`simulate.embedding.normalize` with ``keep_zero``).
    """
    n_layers(params)
    if getattr(X, "ndim", 0) != 2:
        raise ValueError(f"X must have shape (n, dim_in), got shape {getattr(X, 'shape', None)}")
    xp = namespace_of(params["W0"])
    parts = [forward(params, X[s:s + chunk])[0] for s in range(0, X.shape[0], chunk)]
    Z = xp.concatenate(parts, axis=0) if parts else forward(params, X)[0]
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
        negative per anchor); see :mod:`simulate.embedding`.
    sampling : {"balanced", "natural"}
        Margin loss only: :func:`simulate.embedding.sample_pairs` mode.
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
        positives), from :mod:`simulate.embedding`; an unknown option.
    """
    _check_choice("loss", loss, LOSSES)
    alpha = check_margin(alpha)
    if loss == "margin":
        _check_choice("sampling", sampling, SAMPLINGS)
        m = E.shape[0] if n_pairs is None else check_int("n_pairs", n_pairs, 1)
        i, j, same = sample_pairs(labels, m, rng, mode=sampling)
        return Terms("margin", (i, j), same)
    _check_choice("miner", miner, MINERS)
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
    d = xp.sqrt((diff * diff).sum(axis=1))
    unit = diff / xp.where(d > 0, d, 1.0)[:, None]
    return d, unit


def _scatter(xp: Any, B: int, rows: Any, vals: Any) -> Any:
    """``out[r] += v`` for every (r, v), rows repeated allowed; ``vals`` (m, d)."""
    d = vals.shape[1]
    flat = (rows[:, None] * d + xp.arange(d)[None, :]).ravel()
    # bincount with weights exists in NumPy and CuPy alike (CuPy lacks ufunc.at in older releases)
    return xp.bincount(flat, weights=vals.ravel(), minlength=B * d).reshape(B, d)


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
        s = xp.where(xp.asarray(terms.same, dtype=bool), 1.0, -1.0)
        d, unit = _pair_dist(E, i, j)
        h = alpha + s * (d - beta)
        act = h > 0
        value = float(xp.where(act, h, 0.0).sum()) / m
        g = (xp.where(act, s, 0.0) / m)[:, None] * unit
        grad = _scatter(xp, B, xp.concatenate([i, j]), xp.concatenate([g, -g]))
        stats = {"terms": m, "active": float(act.mean()),
                 "in_band": float((xp.abs(d - beta) <= alpha).mean())}
        return value, grad, stats
    if terms.kind != "triplet":
        raise ValueError(f"unknown term kind {terms.kind!r}")
    a, p, n = terms.idx
    dap, uap = _pair_dist(E, a, p)
    dan, uan = _pair_dist(E, a, n)
    h = dap - dan + alpha
    act = h > 0
    value = float(xp.where(act, h, 0.0).sum()) / m
    w = (act / m)[:, None]
    ga, gp, gn = w * (uap - uan), -w * uap, w * uan
    grad = _scatter(xp, B, xp.concatenate([a, p, n]), xp.concatenate([ga, gp, gn]))
    return value, grad, {"terms": m, "active": float(act.mean())}


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
        gZ = (gE - E * (E * gE).sum(axis=1, keepdims=True)) / norms
    else:
        value, gZ, stats = terms_loss_grad(Z, terms, alpha=alpha, beta=beta)
    return value, backward(params, cache, gZ), stats


# ---------------------------------------------------------------- training
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
    _check_choice("loss", loss, LOSSES)
    _check_choice("miner", miner, MINERS)
    _check_choice("sampling", sampling, SAMPLINGS)
    alpha = check_margin(alpha)
    if not np.isfinite(beta):
        raise ValueError(f"beta must be finite, got {beta!r}")
    batch_size = check_int("batch_size", batch_size, 2)
    if getattr(X, "ndim", 0) != 2:
        raise ValueError(f"X must have shape (n, dim_in), got shape {getattr(X, 'shape', None)}")
    xp = namespace_of(X) if params is None else namespace_of(params["W0"])
    X = xp.asarray(X, dtype=float)
    y = xp.asarray(y_observed)
    n = X.shape[0]
    if y.shape != (n,) or y.dtype.kind not in "iu":
        raise ValueError(f"y_observed must be an integer array of shape ({n},), got {y.shape} {y.dtype}")
    if not bool(xp.all(xp.isfinite(X))):
        raise ValueError("X contains NaN or infinite values")
    counts = np.bincount(to_host(y))
    if int((counts > 0).sum()) < 2:
        raise ValueError("y_observed has a single class: there are no negative pairs")
    if int(counts.max()) < 2:
        raise ValueError("no class of y_observed has two members: there are no positive pairs")
    if params is None:
        params = init_embedding(X.shape[1], dim_out, rng, model=model, hidden=hidden,
                                init_scale=init_scale, init_offset=init_offset, xp=xp)
    p = copy_params(params)
    opt = Optimizer(TrainConfig(epochs=epochs, lr=lr, batch_size=batch_size, optimizer=optimizer), p)
    hist: dict[str, list[float]] = {"epoch": [], "loss": [], "active": [], "in_band": [], "skipped": []}

    def log(epoch: int, vals: dict[str, float]) -> None:
        hist["epoch"].append(epoch)
        for k in ("loss", "active", "in_band", "skipped"):
            hist[k].append(vals.get(k, float("nan")))
        if record is not None:
            for k, v in record(epoch, p).items():
                hist.setdefault(k, []).append(float(v))

    log(0, {"skipped": 0})
    draws = draws_for(rng, xp)
    for epoch in range(1, epochs + 1):
        order = xp.asarray(rng.permutation(n))  # host draws (rng is a NumPy Generator), one upload
        tot = {"loss": 0.0, "active": 0.0, "in_band": 0.0}
        used = skipped = 0
        for s in range(0, n, batch_size):
            idx = order[s:s + batch_size]
            if idx.shape[0] < 2:
                skipped += 1
                continue
            yb = y[idx]
            c = xp.bincount(yb)
            if int((c > 0).sum()) < 2 or int(c.max()) < 2:
                skipped += 1  # a single class (no negatives) or no positives: explicit skip, counted
                continue
            Xb = X[idx]
            fwd = forward(p, Xb)
            Eb = normalize_rows(fwd[0], keep_zero=True) if normalize else check_embeddings(fwd[0])
            terms = select_terms(Eb, yb, loss=loss, alpha=alpha, miner=miner, sampling=sampling,
                                 n_pairs=n_pairs, rng=draws)
            value, grads, stats = _loss_and_grads(p, fwd, terms, alpha=alpha, beta=beta, normalize=normalize)
            opt.step(p, grads)
            used += 1
            tot["loss"] += value
            tot["active"] += stats["active"] if stats["terms"] else 0.0
            tot["in_band"] += stats.get("in_band", float("nan"))
        log(epoch, {k: v / used if used else float("nan") for k, v in tot.items()} | {"skipped": skipped})
    history: dict[str, Any] = {k: np.asarray(v, dtype=float) for k, v in hist.items()}
    history["epoch"] = history["epoch"].astype(int)
    history["normalize"] = bool(normalize)
    return p, history
