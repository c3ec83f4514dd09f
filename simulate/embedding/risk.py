"""Clean and noisy risks of fixed embeddings: exact over the label noise, and Monte Carlo.

Setting of Le & Odobez 2019 (*reconstructed*: the source is an
abstract). A finite set of embeddings ``E`` (n, d) with known *true* labels ``y`` is the
population: examples are drawn uniformly (with replacement, independently), and every *draw*
gets its own noisy label from the row ``T[y]`` of a transition matrix (noise independent of
``x`` given ``y``, as in the theory; a point drawn twice may carry two different noisy labels).

Pairs. ``P(observed labels agree | y_i, y_j) = (T T^T)[y_i, y_j]``. *Balanced* (1:1) sampling
weighs the mean loss over observed-positive pairs and over observed-negative pairs ``1/2``
each; *natural* sampling takes pairs uniformly (positives at their own rate). The loss of a pair
is the margin loss ``[alpha + s (D - beta)]_+`` with ``s`` from the *observed* status. The clean
risks are the same with ``T = I``.

Triplets. Observed classes ``(k, k')`` are drawn uniformly from a *pattern* (by default every
ordered pair of distinct classes: uniformly sampled classes), the anchor and the positive
independently among draws with observed label ``k`` and the negative among draws with observed
label ``k'``: ``P(point i | observed k) ∝ T[y_i, k]``. The loss is ``[D_ap - D_an + alpha]_+``.

The exact functions sum over all pairs (triplets, in anchor blocks); the Monte Carlo ones
simulate the draws on ``xp`` in chunks and return :class:`label_noise_lab.simulate.engine.estimate.Estimate` (mean and
standard error). The pair Monte Carlo simulates the noise forwards (draw, noise, condition on the
observed status); the triplet Monte Carlo samples the observed classes first and then the points
from the posterior above (rejection would accept only ``1/c^3`` of the draws for a fixed pattern).
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Sequence

import numpy as np

from label_noise_lab.simulate.embedding.losses import SAMPLINGS, check_embeddings, check_margin, pairwise_distances
from label_noise_lab.simulate.engine.estimate import Estimate, RunningMoments
from label_noise_lab.simulate.engine.namespace import namespace_of, to_host
from label_noise_lab.simulate.engine.rng import check_generator, check_rng
from label_noise_lab.simulate.noise import TransitionMatrix, sample_noisy_labels, uniform_noise
from label_noise_lab.theory.validators import check_classes, check_int

TRIPLET_BLOCK = 16  # anchors per block of the exact triplet sum (block x n x n floats)


@dataclass(frozen=True)
class PairRisks:
    """Exact margin risks of a fixed embedding.

    Attributes
    ----------
    clean, noisy : the risk under the chosen sampling with ``T = I`` and with ``T``
    pos, neg : ``P = E[l+ | truly positive]``, ``N = E[l- | truly negative]``
    pos_flipped, neg_flipped : ``P' = E[l- | truly positive]``, ``N' = E[l+ | truly negative]``
    """

    clean: float
    noisy: float
    pos: float
    neg: float
    pos_flipped: float
    neg_flipped: float


def _check_inputs(E: Any, y: Any, T: TransitionMatrix | None) -> tuple[Any, Any, Any]:
    E = check_embeddings(E)
    xp = namespace_of(E)
    y = xp.asarray(y)
    if y.shape != (E.shape[0],) or not namespace_of(y).isdtype(y.dtype, "integral"):
        raise ValueError(f"labels must be an integer array of shape ({E.shape[0]},), got {y.shape} {y.dtype}")
    if T is not None:
        if not isinstance(T, TransitionMatrix):
            raise TypeError(f"T must be a TransitionMatrix, got {type(T).__name__}")
        if int(xp.min(y)) < 0 or int(xp.max(y)) >= T.c:
            raise ValueError(f"labels must lie in [0, {T.c - 1}], got range [{int(xp.min(y))}, {int(xp.max(y))}]")
    counts = np.bincount(to_host(y))
    if int((counts > 0).sum()) < 2:
        raise ValueError("the embeddings have a single class: there are no negative pairs")
    return E, y, xp


def _margin_terms(Dm: Any, alpha: float, beta: float) -> tuple[Any, Any]:
    xp = namespace_of(Dm)
    return xp.maximum(alpha + Dm - beta, 0.0), xp.maximum(alpha - Dm + beta, 0.0)


def same_probability(y: Any, T: TransitionMatrix) -> Any:
    """``Q[i, j] = P(observed labels of independent draws of i and j agree) = (T T^T)[y_i, y_j]``."""
    xp = namespace_of(y)
    M = xp.asarray(T.matrix @ T.matrix.T)
    return M[y[:, None], y[None, :]]


def exact_pair_risks(E: Any, y: Any, T: TransitionMatrix, *, alpha: float, beta: float,
                     sampling: str = "balanced") -> PairRisks:
    """Exact clean and noisy margin risks of ``E`` (expectation over draws and noise, no sampling).

    Parameters
    ----------
    E : array, shape (n, d)
        Embeddings (NaN raises).
    y : int array, shape (n,)
        True labels.
    T : TransitionMatrix
        The label noise.
    alpha, beta : float
        Margin (> 0) and boundary.
    sampling : {"balanced", "natural"}
    """
    alpha = check_margin(alpha)
    if sampling not in SAMPLINGS:
        raise ValueError(f"sampling must be one of {SAMPLINGS}, got {sampling!r}")
    E, y, xp = _check_inputs(E, y, T)
    Dm = pairwise_distances(E)
    lp, ln = _margin_terms(Dm, alpha, beta)
    same = xp.astype((y[:, None] == y[None, :]), float)
    Q = same_probability(y, T)
    ns, nd = float(xp.sum(same)), float(xp.sum((1 - same)))
    P = float(xp.sum((same * lp))) / ns
    N = float(xp.sum(((1 - same) * ln))) / nd
    Pf = float(xp.sum((same * ln))) / ns
    Nf = float(xp.sum(((1 - same) * lp))) / nd
    if sampling == "balanced":
        clean = 0.5 * (P + N)
        noisy = 0.5 * (float(xp.sum(Q * lp)) / float(xp.sum(Q)) + float(xp.sum((1 - Q) * ln)) / float(xp.sum(1 - Q)))
    else:
        n2 = float(E.shape[0]) ** 2
        clean = float(xp.sum((same * lp + (1 - same) * ln))) / n2
        noisy = float(xp.sum((Q * lp + (1 - Q) * ln))) / n2
    return PairRisks(clean, noisy, P, N, Pf, Nf)


def mc_pair_risk(E: Any, y: Any, T: TransitionMatrix, *, alpha: float, beta: float, sampling: str,
                 n_draws: int, rng: Any, chunk: int = 1 << 18) -> Estimate:
    """Monte Carlo margin risk: draw pairs and their noisy labels, average the observed-status loss.

    Balanced sampling estimates the observed-positive and observed-negative means separately and
    averages them (standard error ``sqrt(se+^2 + se-^2)/2``); natural sampling is a plain mean.
    ``T = uniform_noise(c, 0)`` gives the clean risk. ``rng`` is a generator of ``E``'s namespace.
    """
    alpha = check_margin(alpha)
    if sampling not in SAMPLINGS:
        raise ValueError(f"sampling must be one of {SAMPLINGS}, got {sampling!r}")
    if n_draws < 4:
        raise ValueError(f"n_draws must be at least 4, got {n_draws!r}")
    E, y, xp = _check_inputs(E, y, T)
    check_rng(rng, xp)
    n = E.shape[0]
    pos, neg, nat = RunningMoments(), RunningMoments(), RunningMoments()
    left = n_draws
    while left:
        m = min(chunk, left)
        left -= m
        i = xp.minimum(xp.astype(xp.floor(rng.random(m) * n), xp.int64), n - 1)
        j = xp.minimum(xp.astype(xp.floor(rng.random(m) * n), xp.int64), n - 1)
        obs = sample_noisy_labels(y[i], T, rng, xp) == sample_noisy_labels(y[j], T, rng, xp)
        diff = xp.take(E, i, axis=0) - xp.take(E, j, axis=0)
        d = xp.sqrt(xp.sum((diff * diff), axis=1))
        lp, ln = _margin_terms(d, alpha, beta)
        if sampling == "natural":
            nat.update(xp.where(obs, lp, ln))
        else:
            pos.update(lp[obs])
            neg.update(ln[~obs])
    if sampling == "natural":
        return nat.estimate()
    if pos.n < 2 or neg.n < 2:
        raise ValueError(f"too few observed positive ({pos.n}) or negative ({neg.n}) pairs; raise n_draws")
    a, b = pos.estimate(), neg.estimate()
    return Estimate(0.5 * (a.mean + b.mean), 0.5 * float(np.hypot(a.stderr, b.stderr)), n_draws)


def _pattern_weights(c: int, pattern: Sequence[tuple[int, int]] | None) -> np.ndarray:
    """``W[k, k']``: the probability of the observed class pair (uniform over the pattern's entries)."""
    W = np.zeros((c, c))
    pat = [(k, kk) for k in range(c) for kk in range(c) if k != kk] if pattern is None else list(pattern)
    if not pat:
        raise ValueError("the class pattern is empty")
    for k, kk in pat:
        if not (0 <= k < c and 0 <= kk < c) or k == kk:
            raise ValueError(f"a pattern entry must be two distinct classes in [0, {c - 1}], got {(k, kk)!r}")
        W[k, kk] += 1.0
    return W / W.sum()


def _posterior(y: Any, T: TransitionMatrix) -> Any:
    """``Q[i, k] = P(point i | observed label k) ∝ T[y_i, k]`` (points uniform), shape (n, c)."""
    xp = namespace_of(y)
    M = xp.take(xp.asarray(T.matrix), y, axis=0)
    col = xp.sum(M, axis=0)
    if bool(xp.any(col == 0)):
        k = int(to_host(xp.argmin(col)))
        raise ValueError(f"no draw can carry the observed label {k}: the triplet pattern cannot be sampled")
    return M / col[None, :]


def exact_triplet_risk(E: Any, y: Any, T: TransitionMatrix, *, alpha: float,
                       pattern: Sequence[tuple[int, int]] | None = None) -> float:
    """Exact triplet risk ``E[[D_ap - D_an + alpha]_+]`` of ``E`` under noise ``T`` (``T = I``: clean).

    ``pattern``: the (anchor/positive class, negative class) pairs observed classes are drawn from
    (uniformly over its entries); ``None`` for every ordered pair of distinct classes. Summed
    exactly over all ``n^3`` triplets, :data:`TRIPLET_BLOCK` anchors at a time.
    """
    alpha = check_margin(alpha)
    E, y, xp = _check_inputs(E, y, T)
    c = T.c
    W = xp.asarray(_pattern_weights(c, pattern))
    Q = _posterior(y, T)
    Dm = pairwise_distances(E)
    n = E.shape[0]
    total = 0.0
    for s in range(0, n, TRIPLET_BLOCK):
        blk = Dm[s:s + TRIPLET_BLOCK]  # (b, n): D[a, .]
        H = xp.maximum(blk[:, :, None] - blk[:, None, :] + alpha, 0.0)  # (b, p, m)
        HQ = H @ Q  # (b, p, c'): sum_m H Q[m, k']
        M = xp.einsum("pk,bpl->bkl", Q, HQ)  # (b, k, k')
        total += float(xp.einsum("bk,bkl,kl->", Q[s:s + TRIPLET_BLOCK], M, W))
    return total


def _draw_from(cdf: Any, k: Any, u: Any) -> Any:
    """Index drawn from column ``k[t]`` of the column-wise CDF ``cdf`` (n, c) with uniforms ``u``."""
    xp = namespace_of(cdf)
    n, c = cdf.shape
    out = xp.empty(k.shape, dtype=xp.int64)
    for cls in range(c):
        sel = k == cls
        out[sel] = xp.searchsorted(cdf[:, cls], u[sel] * cdf[-1, cls], side="right")
    return xp.minimum(out, n - 1)


def mc_triplet_risk(E: Any, y: Any, T: TransitionMatrix, *, alpha: float, n_draws: int, rng: Any,
                    pattern: Sequence[tuple[int, int]] | None = None, chunk: int = 1 << 18) -> Estimate:
    """Monte Carlo triplet risk (same process as :func:`exact_triplet_risk`), with its standard error."""
    alpha = check_margin(alpha)
    n_draws, chunk = check_int("n_draws", n_draws, 2), check_int("chunk", chunk, 1)
    E, y, xp = _check_inputs(E, y, T)
    check_rng(rng, xp)
    c = T.c
    W = _pattern_weights(c, pattern).ravel()
    wcdf = xp.asarray(np.cumsum(W))
    cdf = xp.cumulative_sum(_posterior(y, T), axis=0)
    acc = RunningMoments()
    left = n_draws
    while left:
        m = min(chunk, left)
        left -= m
        cell = xp.minimum(xp.searchsorted(wcdf, rng.random(m) * wcdf[-1], side="right"), c * c - 1)
        k, kk = cell // c, cell % c
        a = _draw_from(cdf, k, rng.random(m))
        p = _draw_from(cdf, k, rng.random(m))
        q = _draw_from(cdf, kk, rng.random(m))
        Ea = xp.take(E, a, axis=0)
        dap = xp.sqrt(xp.sum((Ea - xp.take(E, p, axis=0)) ** 2, axis=1))
        dan = xp.sqrt(xp.sum((Ea - xp.take(E, q, axis=0)) ** 2, axis=1))
        acc.update(xp.maximum(dap - dan + alpha, 0.0))
    return acc.estimate()


# ---------------------------------------------------------------- pair noise and embeddings to test
@dataclass(frozen=True)
class PairNoiseEstimate:
    """Monte Carlo pair-noise rates: ``eps_pos = P(truly negative | observed positive)``,
    ``eps_neg = P(truly positive | observed negative)``, each with its standard error."""

    eps_pos: Estimate
    eps_neg: Estimate


def mc_pair_noise(c: int, eta: float, n_pairs: int, rng: Any, xp: Any = np, chunk: int = 1 << 20) -> PairNoiseEstimate:
    """Draw ``n_pairs`` pairs of true labels (uniform over ``c`` balanced classes), noise each label
    with :func:`label_noise_lab.simulate.noise.uniform_noise` and estimate the two pair-noise rates (Le & Odobez 2019,
    reconstructed). Conditional proportions: standard error ``sqrt(p (1 - p)/m)`` via the accumulator."""
    n_pairs, chunk = check_int("n_pairs", n_pairs, 2), check_int("chunk", chunk, 1)
    check_rng(rng, xp)
    T = uniform_noise(c, eta)
    pos, neg = RunningMoments(), RunningMoments()
    left = n_pairs
    while left:
        m = min(chunk, left)
        left -= m
        y = xp.minimum(xp.astype(xp.floor(rng.random(2 * m) * c), xp.int64), c - 1)
        z = sample_noisy_labels(y, T, rng, xp)
        true_same = y[:m] == y[m:]
        obs_same = z[:m] == z[m:]
        pos.update(xp.astype(~true_same[obs_same], xp.float64))
        neg.update(xp.astype(true_same[~obs_same], xp.float64))
    return PairNoiseEstimate(pos.estimate(), neg.estimate())


def random_class_embeddings(n_per_class: int, c: int, dim: int, rng: np.random.Generator,
                            strength: float = 1.0) -> tuple[np.ndarray, np.ndarray]:
    """Unit-norm embeddings with class structure: ``strength * mu_y + g / sqrt(dim)``, normalised.

    ``mu_y`` random unit vectors, ``g`` standard normal; ``strength = 0`` gives embeddings
    uniform on the sphere, large ``strength`` tight classes. Labels are ``0..c-1`` repeated
    ``n_per_class`` times (balanced). Returns ``(E, y)`` on the host.
    """
    check_int("n_per_class", n_per_class, 1), check_classes(c), check_int("dim", dim, 2), check_generator(rng)
    if not (np.isfinite(strength) and strength >= 0):
        raise ValueError(f"strength must be a finite number >= 0, got {strength!r}")
    mu = rng.standard_normal((c, dim))
    mu /= np.linalg.norm(mu, axis=1, keepdims=True)
    y = np.repeat(np.arange(c), n_per_class)
    Z = strength * mu[y] + rng.standard_normal((y.size, dim)) / np.sqrt(dim)
    return Z / np.linalg.norm(Z, axis=1, keepdims=True), y
