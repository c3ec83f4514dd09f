"""The Hausdorff-like distance ``d_iso`` of an embedding to the triplet-separated embeddings.

Xu et al. 2022 (*reconstructed*: the source is an abstract; the statement is a
reconstruction): for a finite labelled set ``X`` with embedding ``f(X)`` in ``R^d`` and margin
``alpha > 0``, an embedding ``g`` of ``X`` is *triplet-separated* when every valid triplet
(``a != p`` of one class, ``n`` of another) has ``D_an >= D_ap + alpha`` under ``g``; ``F_TS`` is
the set of them and

    d_iso(f, F_TS) = min_{g in F_TS} max_{x in X} ||f(x) - g(x)||.

The hard-negative-mined triplet loss has one term per anchor-positive pair,
``[D_ap - min_n D_an + alpha]_+``; ``M`` is the worst (largest) of them.

Bounds computed here, and which side of ``d_iso`` each one is:

- **lower**: ``d_iso >= M / 4``, exact. Moving every point by at most ``t`` changes each distance
  by at most ``2 t`` (triangle inequality), so ``D_ap - D_an`` by at most ``4 t``; a
  triplet-separated ``g`` has ``D_ap - D_an + alpha <= 0``, hence every term of ``f`` is at most
  ``4 t``.
- **upper**: any triplet-separated ``g`` gives ``d_iso <= max ||f - g||``. Two sources: the
  *scaling certificate* (when ``M < alpha``, ``g = c + lambda (f - c)`` with
  ``lambda = alpha / (alpha - M)`` is triplet-separated, so
  ``d_iso <= M / (alpha - M) max_x ||f(x) - c||``, at most ``M diam f(X) / (alpha - M)``), and
  the optimiser (``scipy.optimize.minimize``, SLSQP, several starts: minimise ``t`` subject to
  ``||g(x) - f(x)||^2 <= t^2`` and the separation constraints). Every candidate ``g`` is
  *repaired* (scaled about its centroid until its smallest gap ``D_an - D_ap`` is at least
  ``alpha``, which scaling multiplies) and *verified* in 50-digit arithmetic (mpmath) before its
  ``t`` counts. So an upper bound never rests on the optimiser having converged, only on a
  verified feasible point; the optimiser can only make it tighter.

NumPy by design (its tests are marked ``host_only``): a verifier of configurations of 6-12 points,
whose upper bounds come from SciPy's SLSQP and are certified in 50-digit mpmath arithmetic, both
host-only; the float distances it takes from :mod:`label_noise_lab.simulate.embedding.losses` use the exact
(difference-based) path.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import mpmath
import numpy as np
from scipy.optimize import minimize

from label_noise_lab.simulate.embedding.losses import all_triplets, check_margin, pairwise_distances
from label_noise_lab.simulate.engine.blas import pinned_blas
from label_noise_lab.simulate.engine.rng import check_generator

DPS = 50  # digits of the verification arithmetic
_SMOOTH = 1e-9  # distances inside the optimiser are sqrt(||.||^2 + _SMOOTH^2) (differentiable at 0)


def _check(F: Any, labels: Any, alpha: float) -> tuple[np.ndarray, np.ndarray, float]:
    alpha = check_margin(alpha)
    F = np.asarray(F, dtype=float)
    if F.ndim != 2 or F.shape[0] < 3:
        raise ValueError(f"embeddings must have shape (n, d) with n >= 3, got {F.shape}")
    if not np.all(np.isfinite(F)):
        raise ValueError("embeddings contain NaN or infinite values")
    y = np.asarray(labels)
    if y.shape != (F.shape[0],) or y.dtype.kind not in "iu":
        raise ValueError(f"labels must be {F.shape[0]} integers, got shape {y.shape} dtype {y.dtype}")
    return F, y, alpha


def triplets(labels: Any) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Every valid triplet; raises (from :mod:`label_noise_lab.simulate.embedding.losses`) on a single class or no
    positives."""
    a, p, n = all_triplets(np.asarray(labels))
    return np.asarray(a), np.asarray(p), np.asarray(n)


def _exact_distances(F: np.ndarray) -> np.ndarray:
    """``||F_i - F_j||`` from the differences (exact to rounding, no Gram-matrix cancellation)."""
    return pairwise_distances(F, exact=True)


def hard_terms(F: Any, labels: Any, alpha: float) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The hard-negative-mined loss terms ``[D_ap - min_n D_an + alpha]_+``, one per anchor-positive pair.

    Returns ``(a, p, terms)``.
    """
    F, y, alpha = _check(F, labels, alpha)
    a, p, _ = triplets(y)
    pairs = np.unique(np.stack([a, p], axis=1), axis=0)
    D = _exact_distances(F)
    neg = y[:, None] != y[None, :]
    dmin = np.where(neg, D, np.inf).min(axis=1)
    a, p = pairs[:, 0], pairs[:, 1]
    return a, p, np.maximum(D[a, p] - dmin[a] + alpha, 0.0)


def worst_hard_term(F: Any, labels: Any, alpha: float) -> float:
    """``M``: the largest hard-mined term."""
    return float(hard_terms(F, labels, alpha)[2].max())


def diameter(F: Any) -> float:
    """``diam f(X) = max ||f(x) - f(x')||``."""
    return float(_exact_distances(np.asarray(F, dtype=float)).max())


def smallest_gap(G: np.ndarray, labels: Any) -> float:
    """``min over triplets of D_an - D_ap`` (``>= alpha`` exactly when ``G`` is triplet-separated)."""
    a, p, n = triplets(labels)
    D = _exact_distances(G)
    return float((D[a, n] - D[a, p]).min())


# ---------------------------------------------------------------- verification (50 digits)
def _mp_dist(u: np.ndarray, v: np.ndarray) -> Any:
    return mpmath.sqrt(mpmath.fsum((mpmath.mpf(float(x)) - mpmath.mpf(float(z))) ** 2 for x, z in zip(u, v)))


def verify_separated(G: np.ndarray, labels: Any, alpha: float) -> tuple[bool, Any]:
    """In 50-digit arithmetic on the exact binary values of ``G``: is every triplet separated?
    Returns ``(ok, min over triplets of D_an - D_ap - alpha)``."""
    a, p, n = triplets(labels)
    with mpmath.workdps(DPS):
        cache: dict[tuple[int, int], Any] = {}

        def d(i: int, j: int) -> Any:
            key = (min(i, j), max(i, j))
            if key not in cache:
                cache[key] = _mp_dist(G[i], G[j])
            return cache[key]

        worst = min(d(int(aa), int(nn)) - d(int(aa), int(pp)) - mpmath.mpf(alpha) for aa, pp, nn in zip(a, p, n))
    return bool(worst >= 0), worst


def verified_displacement(F: np.ndarray, G: np.ndarray) -> Any:
    """``max_x ||f(x) - g(x)||`` in 50-digit arithmetic (an mpmath number)."""
    with mpmath.workdps(DPS):
        return max(_mp_dist(F[i], G[i]) for i in range(F.shape[0]))


def verified_worst_term(F: np.ndarray, labels: Any, alpha: float) -> Any:
    """``M`` in 50-digit arithmetic (an mpmath number)."""
    y = np.asarray(labels)
    a, p, n = triplets(y)
    with mpmath.workdps(DPS):
        dist = {}
        for i in range(F.shape[0]):
            for j in range(i + 1, F.shape[0]):
                dist[(i, j)] = dist[(j, i)] = _mp_dist(F[i], F[j])
        terms = {}
        for aa, pp, nn in zip(a.tolist(), p.tolist(), n.tolist()):
            v = dist[(aa, pp)] - dist[(aa, nn)] + mpmath.mpf(alpha)
            terms[(aa, pp)] = max(terms.get((aa, pp), mpmath.mpf(0)), v)
        return max(terms.values())


# ---------------------------------------------------------------- upper bounds
def repair(G: np.ndarray, labels: Any, alpha: float, slack: float = 1e-9) -> np.ndarray | None:
    """Scale ``G`` about its centroid so that every gap ``D_an - D_ap`` is at least ``alpha (1 + slack)``
    (scaling multiplies every gap); ``None`` when some gap is not positive (scaling cannot help)."""
    gap = smallest_gap(G, labels)
    if not gap > 0:
        return None
    lam = max(1.0, alpha * (1.0 + slack) / gap)
    c = G.mean(axis=0)
    return c + lam * (G - c)


def scaling_certificate(F: Any, labels: Any, alpha: float) -> tuple[np.ndarray, float, dict[str, float]] | None:
    """When ``M < alpha``: ``g = c + lambda (f - c)``, ``lambda = alpha / (alpha - M)``, with the centre
    ``c`` (among the centroid and the points of ``f(X)``) of smallest radius ``max ||f - c||``.

    Returns ``(g, t, info)``, ``t = (lambda - 1) * radius <= M diam / (alpha - M)``; ``None`` when
    ``M >= alpha`` (then some triplet has ``D_an <= D_ap`` and no scaling separates it)."""
    F, y, alpha = _check(F, labels, alpha)
    M = worst_hard_term(F, y, alpha)
    if M >= alpha:
        return None
    centres = np.concatenate([F.mean(axis=0)[None, :], F])
    radii = np.sqrt(((F[None, :, :] - centres[:, None, :]) ** 2).sum(axis=-1)).max(axis=1)
    k = int(np.argmin(radii))
    lam = alpha / (alpha - M)
    g = centres[k] + lam * (F - centres[k])
    return g, (lam - 1.0) * float(radii[k]), {"M": M, "lambda": lam, "radius": float(radii[k])}


def _class_start(F: np.ndarray, y: np.ndarray, alpha: float, rng: np.random.Generator) -> np.ndarray:
    """A feasible start: every point at its class centroid, centroids pushed apart to distance >= alpha."""
    classes = np.unique(y)
    means = np.stack([F[y == c].mean(axis=0) for c in classes])
    Dm = _exact_distances(means)
    off = Dm[~np.eye(len(classes), dtype=bool)]
    if off.min() <= 1e-9 * (1 + np.abs(F).max()):
        means = means + rng.standard_normal(means.shape) * alpha
        Dm = _exact_distances(means)
        off = Dm[~np.eye(len(classes), dtype=bool)]
    c = means.mean(axis=0)
    lam = max(1.0, 1.01 * alpha / off.min())
    means = c + lam * (means - c)
    return means[np.searchsorted(classes, y)]


def _slsqp(F: np.ndarray, tri: tuple[np.ndarray, np.ndarray, np.ndarray], alpha: float, G0: np.ndarray,
           maxiter: int) -> np.ndarray:
    """Minimise ``s = t^2`` over ``(g, s)``: ``s >= ||g_i - f_i||^2``, ``D_an - D_ap >= alpha``."""
    n, d = F.shape
    a, p, q = tri
    m = a.shape[0]
    eps2 = _SMOOTH**2

    def unpack(x: np.ndarray) -> tuple[np.ndarray, float]:
        return x[:-1].reshape(n, d), x[-1]

    def cons(x: np.ndarray) -> np.ndarray:
        G, s = unpack(x)
        disp = s - ((G - F) ** 2).sum(axis=1)
        dap = np.sqrt(((G[a] - G[p]) ** 2).sum(axis=1) + eps2)
        dan = np.sqrt(((G[a] - G[q]) ** 2).sum(axis=1) + eps2)
        return np.concatenate([disp, dan - dap - alpha])

    rows_n = np.arange(n)[:, None]
    cols_n = rows_n * d + np.arange(d)[None, :]
    r = (n + np.arange(m))[:, None]
    ca, cp, cq = (v[:, None] * d + np.arange(d)[None, :] for v in (a, p, q))

    def jac(x: np.ndarray) -> np.ndarray:
        G, s = unpack(x)
        J = np.zeros((n + m, n * d + 1))
        J[rows_n, cols_n] = -2.0 * (G - F)
        J[:n, -1] = 1.0
        uap = G[a] - G[p]
        uan = G[a] - G[q]
        dap = np.sqrt((uap**2).sum(axis=1) + eps2)[:, None]
        dan = np.sqrt((uan**2).sum(axis=1) + eps2)[:, None]
        # a, p, q are distinct in a triplet: the three blocks of a row never overlap
        J[r, ca] = uan / dan - uap / dap
        J[r, cp] = uap / dap
        J[r, cq] = -uan / dan
        return J

    s0 = float(((G0 - F) ** 2).sum(axis=1).max())
    x0 = np.concatenate([G0.ravel(), [s0]])
    res = minimize(lambda x: x[-1], x0, jac=lambda x: np.eye(1, x.size, x.size - 1)[0], method="SLSQP",
                   constraints=[{"type": "ineq", "fun": cons, "jac": jac}],
                   options={"maxiter": maxiter, "ftol": 1e-12})
    return unpack(res.x)[0]


@dataclass
class IsoBounds:
    """``lower <= d_iso <= upper`` for one configuration, with what backs each side.

    ``upper`` comes from the verified triplet-separated ``G`` (``upper_source`` names where ``G``
    came from); ``M`` is the worst hard term (50 digits), ``lower = M / 4``; ``scaling_t`` the
    displacement of the scaling certificate (``None`` when ``M >= alpha``); ``starts`` the verified
    displacement of each candidate tried (``None`` where it was not needed or failed)."""

    M: float
    lower: float
    upper: float
    G: np.ndarray
    upper_source: str
    diam: float
    alpha: float
    scaling_t: float | None
    starts: dict[str, float | None] = field(default_factory=dict)
    M_mp: Any = None
    upper_mp: Any = None


def d_iso_bounds(F: Any, labels: Any, alpha: float, rng: np.random.Generator, *, random_starts: int = 0,
                 maxiter: int = 200) -> IsoBounds:
    """Exact lower bound ``M / 4`` and a verified upper bound on ``d_iso`` (see the module notes).

    Parameters
    ----------
    F : (n, d) embeddings ``f(X)``; labels : (n,) ints; alpha : margin (> 0).
    rng : generator for the random starts.
    random_starts : starts ``f + noise`` besides ``f`` itself, the scaling certificate and the
        class-centroid configuration.
    maxiter : SLSQP iterations per start.
    """
    F, y, alpha = _check(F, labels, alpha)
    with pinned_blas():  # SLSQP calls BLAS on tiny vectors: threads only wait (label_noise_lab.simulate.engine.blas)
        return _d_iso_bounds(F, y, alpha, rng, random_starts, maxiter)


def _d_iso_bounds(F: np.ndarray, y: np.ndarray, alpha: float, rng: np.random.Generator, random_starts: int,
                  maxiter: int) -> IsoBounds:
    tri = triplets(y)
    scale = max(diameter(F), alpha)
    Fs, al = F / scale, alpha / scale  # the problem is scale-covariant: solve at unit size
    starts: dict[str, np.ndarray] = {"f": Fs.copy(), "class centroids": _class_start(Fs, y, al, rng)}
    cert = scaling_certificate(Fs, y, al)
    if cert is not None:
        starts["scaling certificate"] = cert[0]
    for k in range(random_starts):
        starts[f"f + noise {k}"] = Fs + rng.standard_normal(Fs.shape) * al * 0.25
    candidates: dict[str, np.ndarray] = {"class centroids": starts["class centroids"]}  # feasible by construction
    if cert is not None:
        candidates["scaling certificate"] = cert[0]
    for name, G0 in starts.items():
        candidates["SLSQP from " + name] = _slsqp(Fs, tri, al, G0, maxiter)
    # repair every candidate (one already separated in floating point is kept as it is), then verify
    # them in order of displacement until one passes in 50-digit arithmetic
    candidates = {"f itself": Fs, **candidates}
    t_of: dict[str, float | None] = {}
    repaired: list[tuple[float, str, np.ndarray]] = []
    for name, G in candidates.items():
        t_of[name] = None
        if not np.all(np.isfinite(G)):
            continue
        Gr = G if smallest_gap(G, y) >= al else repair(G, y, al)
        if Gr is not None:
            Gr = F.copy() if Gr is Fs else Gr * scale  # f itself exactly, not rescaled with rounding
            repaired.append((float(np.sqrt(((Gr - F) ** 2).sum(axis=1)).max()), name, Gr))
    best: tuple[Any, str, np.ndarray] | None = None
    for _, name, Gr in sorted(repaired, key=lambda c: c[0]):
        ok = verify_separated(Gr, y, alpha)[0]
        for slack in (1e-12, 1e-9):  # rounding at the boundary: a little more scaling
            if ok or Gr is None:
                break
            Gr = repair(Gr, y, alpha, slack=slack)
            ok = Gr is not None and verify_separated(Gr, y, alpha)[0]
        if ok and Gr is not None:
            t = verified_displacement(F, Gr)
            t_of[name] = float(t)
            best = (t, name, Gr)
            break
    if best is None:  # pragma: no cover - the class-centroid candidate is feasible by construction
        raise RuntimeError("no verified triplet-separated embedding was found")
    M_mp = verified_worst_term(F, y, alpha)
    with mpmath.workdps(DPS):
        lower = M_mp / 4
    return IsoBounds(M=float(M_mp), lower=float(lower), upper=float(best[0]), G=best[2], upper_source=best[1],
                     diam=diameter(F), alpha=alpha, scaling_t=None if cert is None else cert[1] * scale,
                     starts=t_of, M_mp=M_mp, upper_mp=best[0])


# ---------------------------------------------------------------- random configurations
def random_configuration(rng: np.random.Generator, *, n_range: tuple[int, int] = (6, 12), dims: tuple[int,
                                                                                                      ...] = (2, 3),
                         alpha: float = 1.0) -> tuple[np.ndarray, np.ndarray, dict[str, Any]]:
    """A random small labelled embedding: 6-12 points, dimension 2-3, 2-3 classes (each with two
    members at least), in one of four regimes (equally likely):

    - ``spread``: Gaussian points of random scale (usually ``M >= alpha``);
    - ``clusters``: class clusters of random separation and width;
    - ``nearly separated``: clusters whose every gap ``D_an - D_ap`` is positive, scaled about their
      centroid so that the smallest gap is ``u alpha``, ``u ~ U(0.05, 0.95)``, then jittered by
      ``0.01 alpha``: ``0 < M < alpha``, the premise of the second bound;
    - ``collapsed``: a nearly collapsed cloud (``M`` close to ``alpha``, or above).

    Returns ``(F, labels, info)``.
    """
    n = int(check_generator(rng).integers(n_range[0], n_range[1] + 1))
    d = int(rng.choice(dims))
    c = int(rng.integers(2, 4))
    y = np.concatenate([np.arange(c), np.arange(c), rng.integers(0, c, n - 2 * c)])
    y = rng.permutation(y)
    regime = ["spread", "clusters", "nearly separated", "collapsed"][int(rng.integers(0, 4))]
    if regime == "spread":
        F = rng.standard_normal((n, d)) * alpha * rng.uniform(0.2, 3.0)
    elif regime == "collapsed":
        F = rng.standard_normal((n, d)) * alpha * rng.uniform(1e-3, 0.1)
    else:
        for _ in range(100):
            means = rng.standard_normal((c, d)) * alpha * rng.uniform(1.0, 6.0)
            F = means[y] + rng.standard_normal((n, d)) * alpha * rng.uniform(0.02, 0.6)
            gap = smallest_gap(F, y)
            if regime == "clusters" or gap > 0:
                break
        else:  # pragma: no cover - well-separated clusters come quickly
            raise RuntimeError("no configuration with positive gaps was drawn")
        if regime == "nearly separated":
            centre = F.mean(axis=0)
            F = centre + (rng.uniform(0.05, 0.95) * alpha / gap) * (F - centre)
            F = F + rng.standard_normal(F.shape) * 0.01 * alpha
    return F, y, {"n": n, "dim": d, "classes": c, "regime": regime}
