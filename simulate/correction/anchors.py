"""The anchor-point estimator of the noise transition matrix (Patrini et al. 2017, sec. 4.3).

Theorem 3 of Patrini et al.: if every class ``i`` has a *perfect example* ``x_bar^i``
(``p(y = e^i | x_bar^i) = 1``) and ``p(noisy | x)`` is known, then by Eq. 11
(``p(noisy = j | x) = sum_k T[k, j] p(y = k | x)``)

    T[i, j] = p(noisy = j | x_bar^i).

Eqs. 12-13 turn this into an estimator on any unlabelled sample ``X'`` given estimates
``ptilde(x) ~ p(noisy | x)`` (the softmax of a network trained on the noisy labels)::

    x_bar^i  = argmax_{x in X'} ptilde(noisy = i | x)          (12)
    T_hat[i, j] = ptilde(noisy = j | x_bar^i)                    (13)

Sec. 5.1 replaces the argmax by the ``alpha``-percentile of ``ptilde(noisy = i | x)`` over
``X'`` (``alpha = 97%`` for most of their experiments; the argmax for CIFAR-100) and
row-normalises ``T_hat``.

Eq. 12 assumes more than Thm 3: ``ptilde(noisy = i | x) = sum_k p(y = k | x) T[k, i]`` is a
convex combination of column ``i`` of ``T``, so its maximum over ``x`` is attained at the perfect
example of ``argmax_k T[k, i]``. The argmax lands on ``x_bar^i`` only when column ``i`` is
dominated by its diagonal, ``T[i, i] > T[k, i]`` for every ``k != i``
(:func:`column_dominant`); otherwise it returns the row ``T[k]`` of the dominating class
(:func:`argmax_anchor_classes`). :func:`population_anchor_limit` gives the estimator's
infinite-sample limit on a finite population exactly.

Everything here is written against the array namespace of its input (NumPy or CuPy) and
returns arrays of that namespace, except the population helpers, which are NumPy (exact,
small).
"""
from __future__ import annotations

import math
from typing import Any

import numpy as np

from label_noise_lab.simulate.engine.namespace import is_host, namespace_of, to_host
from label_noise_lab.simulate.engine.rng import check_generator
from label_noise_lab.simulate.losses import SIMPLEX_TOL, check_simplex
from label_noise_lab.simulate.noise import TransitionMatrix
from label_noise_lab.simulate.populations import FiniteDistribution

#: the percentile of sec. 5.1 ("we found alpha = 97% to work well for most experiments")
PAPER_PERCENTILE = 97.0


# ---------------------------------------------------------------- validation
def check_percentile(percentile: Any) -> float | None:
    """``None`` (Eq. 12's argmax) or a number in ``(0, 100]``; anything else raises ``ValueError``."""
    if percentile is None:
        return None
    if isinstance(percentile, bool) or not isinstance(percentile, (int, float, np.integer, np.floating)):
        raise ValueError(f"percentile must be None (argmax) or a number in (0, 100], got {percentile!r}")
    a = float(percentile)
    if not (0.0 < a <= 100.0):  # also False for NaN
        raise ValueError(f"percentile must lie in (0, 100], got {percentile!r}")
    return a


def check_noisy_posteriors(ptilde: Any, tol: float = SIMPLEX_TOL) -> Any:
    """Validate ``ptilde`` (n, c): finite, non-negative, rows summing to 1 within ``tol``, ``n >= c >= 2``.

    Returns it as a float array of its own namespace. Raises ``ValueError`` quoting the bad value.
    """
    xp = namespace_of(ptilde)
    p = xp.asarray(ptilde, dtype=xp.float64)
    if p.ndim != 2 or p.shape[1] < 2:
        raise ValueError(f"ptilde must have shape (n, c) with c >= 2, got shape {p.shape}")
    n, c = p.shape
    if n < c:
        raise ValueError(f"the anchor estimator needs at least as many samples as classes, got n = {n} < c = {c}")
    check_simplex(p, tol)  # finite, non-negative, rows summing to 1; the message quotes the row
    return p


# ---------------------------------------------------------------- the estimator (Eqs. 12-13)
def percentile_rank(n: int, percentile: float) -> int:
    """0-based ascending rank of the nearest-rank ``percentile`` among ``n`` values: ``ceil(a n / 100) - 1``.

    ``percentile = 100`` gives ``n - 1`` (the maximum, Eq. 12). This is NumPy's
    ``method="inverted_cdf"``: the smallest value with at least ``percentile`` % of the sample at
    or below it.
    """
    a = check_percentile(percentile)
    if a is None:
        return n - 1
    return min(n - 1, max(0, math.ceil(a * n / 100.0 - 1e-12) - 1))


def anchor_indices(ptilde: Any, percentile: float | None = None) -> Any:
    """Index of the anchor ``x_bar^i`` in ``X'`` for every noisy class ``i`` (Patrini et al. 2017, Eq. 12).

    Parameters
    ----------
    ptilde : array, shape (n, c)
        ``ptilde[x, i]`` estimates ``p(noisy = i | x)`` on the sample ``X'``; rows on the simplex.
    percentile : float in (0, 100], optional
        ``None``: Eq. 12's argmax (the first maximiser). Else the sample at the nearest-rank
        ``percentile`` of column ``i`` (:func:`percentile_rank`; sec. 5.1 uses 97). Samples are
        ordered by decreasing ``ptilde[:, i]``, ties by increasing index, so ``percentile = 100``
        returns the argmax.

    Returns
    -------
    int array, shape (c,), in the namespace of ``ptilde``.

    Raises
    ------
    ValueError
        For a percentile outside ``(0, 100]``, fewer samples than classes, or rows off the simplex.
    """
    a = check_percentile(percentile)
    p = check_noisy_posteriors(ptilde)
    xp = namespace_of(p)
    if a is None:
        return xp.argmax(p, axis=0)
    n = p.shape[0]
    pos = n - 1 - percentile_rank(n, a)  # position in decreasing order
    if is_host(xp):
        order = np.argsort(-p, axis=0, kind="stable")
    else:  # CuPy's argsort is stable
        order = xp.argsort(-p, axis=0)
    return order[pos, ...]


def estimate_transition(ptilde: Any, percentile: float | None = None) -> Any:
    """``T_hat[i, j] = ptilde(noisy = j | x_bar^i)`` (Patrini et al. 2017, Eqs. 12-13).

    Rows of ``T_hat`` are rows of ``ptilde``, so they lie on the simplex exactly as ``ptilde``'s
    do; nothing is renormalised (see :func:`anchor_transition` for sec. 5.1's row normalisation).

    Parameters
    ----------
    ptilde : array, shape (n, c), n >= c
    percentile : ``None`` (argmax, Eq. 12) or a number in ``(0, 100]`` (sec. 5.1: 97)

    Returns
    -------
    array, shape (c, c), in the namespace of ``ptilde``.
    """
    p = check_noisy_posteriors(ptilde)
    return namespace_of(p).take(p, anchor_indices(p, percentile), axis=0)


def anchor_transition(ptilde: Any, percentile: float | None = None) -> TransitionMatrix:
    """:func:`estimate_transition`, row-normalised as in sec. 5.1, as a validated :class:`TransitionMatrix`."""
    T_hat = np.asarray(to_host(estimate_transition(ptilde, percentile)), dtype=float)
    return TransitionMatrix(T_hat / T_hat.sum(axis=1, keepdims=True))


# ---------------------------------------------------------------- when Eq. 12 finds the anchors
def _matrix(T: Any) -> np.ndarray:
    return np.asarray(T.matrix if isinstance(T, TransitionMatrix) else to_host(T), dtype=float)


def argmax_anchor_classes(T: Any) -> np.ndarray:
    """For each noisy class ``i``, the clean class ``k`` maximising ``T[k, i]`` (first on ties), shape (c,).

    Over a population with perfect examples and exact ``p(noisy | x)``, Eq. 12's argmax for class
    ``i`` is the perfect example of this class (``ptilde_i(x)`` is a convex combination of column
    ``i`` of ``T``), so Eq. 13 returns row ``T[k]``; it is ``T[i]`` only when ``k = i``.
    """
    M = _matrix(T)
    return np.argmax(M, axis=0)


def column_dominant(T: Any) -> np.ndarray:
    """``T[i, i] > T[k, i]`` for every ``k != i``, per column ``i``: bool array (c,).

    With perfect examples and exact ``p(noisy | x)`` this is exactly when Eq. 12's argmax lands on
    the perfect example of class ``i`` (strict: on a tie any mixture of the tied classes is a
    maximiser too). A diagonal above 1/2 implies it; the sec. 5.1 MNIST flips satisfy it for
    ``N < 1/2`` only (``T[2, 7] = N`` against ``T[7, 7] = 1 - N``).
    """
    M = _matrix(T)
    off = M.copy()
    np.fill_diagonal(off, -np.inf)
    return np.diag(M) > off.max(axis=0)


def noisy_posterior(py_x: Any, T: Any) -> Any:
    """``p(noisy | x) = p(y | x) T`` (Eq. 11), rows for every ``x``; the namespace of ``py_x``."""
    xp = namespace_of(py_x)
    return xp.asarray(py_x) @ xp.asarray(_matrix(T))


def transition_error(T_hat: Any, T: Any) -> float:
    """``||T_hat - T||_inf = max_i sum_j |T_hat[i, j] - T[i, j]|`` (the induced infinity norm).

    Each row's term is twice the total-variation distance between the estimated and the true
    noisy-label distribution of clean class ``i``; the maximum is over classes.
    """
    D = np.asarray(to_host(T_hat), dtype=float) - _matrix(T)
    return float(np.abs(D).sum(axis=1).max())


# ---------------------------------------------------------------- populations for the estimator
def anchor_mixture(c: int, rng: np.random.Generator, *, n_mixed: int = 200, anchor_mass: float = 0.01,
                   anchor_purity: float = 1.0, max_mixed_purity: float = 0.9) -> FiniteDistribution:
    """A finite population with (near-)perfect examples of every class and mixed inputs.

    Support: ``c`` anchor points, then ``n_mixed`` mixed points.

    - Anchor ``i`` has ``P(x) = anchor_mass`` and ``p(y | x) = a e_i + (1 - a) u_i`` with
      ``a = anchor_purity`` and ``u_i`` uniform over the other classes: a perfect example
      (Thm 3's assumption 1) when ``a = 1``, none when ``a < 1``.
    - Mixed point ``m`` leans to class ``m mod c``: ``p(y | x) = l e_k + (1 - l) d`` with
      ``l ~ U(0, max_mixed_purity)`` and ``d ~ Dirichlet(1)``, so ``max_y p(y | x) < 1`` (almost
      surely); the remaining mass ``1 - c anchor_mass`` is spread uniformly over them.

    ``p(noisy | x) = p(y | x) T`` is then known exactly (Thm 3's assumption 2); see
    :func:`noisy_posterior` and :func:`population_anchor_limit`.

    Raises
    ------
    ValueError
        For ``c < 2``, ``n_mixed < 1``, ``anchor_mass`` outside ``(0, 1/c]``, ``anchor_purity`` outside
        ``(1/c, 1]`` or ``max_mixed_purity`` outside ``[0, 1)``.
    """
    if isinstance(c, bool) or not isinstance(c, (int, np.integer)) or c < 2:
        raise ValueError(f"the number of classes c must be an integer >= 2, got {c!r}")
    if isinstance(n_mixed, bool) or not isinstance(n_mixed, (int, np.integer)) or n_mixed < 1:
        raise ValueError(f"n_mixed must be an integer >= 1, got {n_mixed!r}")
    check_generator(rng)
    if not 0.0 < anchor_mass <= 1.0 / c:
        raise ValueError(f"anchor_mass must lie in (0, 1/c] = (0, {1.0 / c:.4g}], got {anchor_mass!r}")
    if not 1.0 / c < anchor_purity <= 1.0:
        raise ValueError(f"anchor_purity must lie in (1/c, 1] = ({1.0 / c:.4g}, 1], got {anchor_purity!r}")
    if not 0.0 <= max_mixed_purity < 1.0:
        raise ValueError(f"max_mixed_purity must lie in [0, 1), got {max_mixed_purity!r}")
    eye = np.eye(c)
    anchors = anchor_purity * eye + (1.0 - anchor_purity) * (1.0 - eye) / (c - 1)
    k = np.arange(n_mixed) % c
    lam = rng.uniform(0.0, max_mixed_purity, size=(n_mixed, 1))
    mixed = lam * eye[k] + (1.0 - lam) * rng.dirichlet(np.ones(c), size=n_mixed)
    mixed /= mixed.sum(axis=1, keepdims=True)
    rest = 1.0 - c * anchor_mass
    px = np.concatenate([np.full(c, anchor_mass), np.full(n_mixed, rest / n_mixed)])
    return FiniteDistribution(px / px.sum(), np.concatenate([anchors, mixed]))


def standard_anchor_populations(c: int, rng: np.random.Generator, *, n_mixed: int = 200
                                ) -> dict[str, FiniteDistribution]:
    """The three populations of the anchor-point check (Patrini et al. 2017, Thm 3) and its figure
    (:func:`anchor_mixture`).

    ``"perfect examples, 1% each"`` and ``"perfect examples, 5% each"`` (Thm 3's assumption 1 holds;
    the 97th percentile needs more than 3% per class), and ``"no perfect examples (purity 0.9)"``
    (it fails: the purest input of class ``i`` has ``p(y = i | x) = 0.9``).
    """
    return {
        "perfect examples, 1% each": anchor_mixture(c, rng, n_mixed=n_mixed, anchor_mass=0.01),
        "perfect examples, 5% each": anchor_mixture(c, rng, n_mixed=n_mixed, anchor_mass=0.05),
        "no perfect examples (purity 0.9)": anchor_mixture(c, rng, n_mixed=n_mixed, anchor_mass=0.01,
                                                           anchor_purity=0.9),
    }


def sample_population(dist: FiniteDistribution, n: int, rng: np.random.Generator) -> np.ndarray:
    """``n`` support indices drawn i.i.d. from ``P(x)`` (inverse CDF; works for any generator with ``random``)."""
    if isinstance(n, bool) or not isinstance(n, (int, np.integer)) or n < 1:
        raise ValueError(f"sample size n must be an integer >= 1, got {n!r}")
    check_generator(rng)
    cdf = np.cumsum(dist.px)
    idx = np.searchsorted(cdf, rng.random(int(n)) * cdf[-1], side="right")
    return np.minimum(idx, dist.n_x - 1)


def population_anchor_limit(dist: FiniteDistribution, T: Any, percentile: float | None = None) -> np.ndarray:
    """The limit of :func:`estimate_transition` on samples of size ``n -> inf`` from ``dist``, exactly.

    With exact ``ptilde = p(y | x) T`` the sample argmax tends to the support point of largest
    ``ptilde_i`` (every support point has positive mass), and the sample nearest-rank percentile
    to the population's: the support point where the ``P(x)``-weighted distribution function of
    ``ptilde_i`` first reaches ``percentile`` %. (At an atom exactly on the boundary the sample
    quantile keeps jumping; the populations here have none.) Ties are broken by support index,
    as in :func:`anchor_indices`.

    Returns
    -------
    array, shape (c, c)
    """
    a = check_percentile(percentile)
    pt = np.asarray(noisy_posterior(dist.py_x, T), dtype=float)
    if a is None:
        return pt[np.argmax(pt, axis=0)]
    c = pt.shape[1]
    out = np.empty((c, c))
    for i in range(c):
        order = np.lexsort((np.arange(dist.n_x), -pt[:, i]))  # decreasing value, then increasing index
        order = order[::-1]  # increasing value, ties by decreasing index (mirror of anchor_indices)
        F = np.cumsum(dist.px[order])
        j = int(np.searchsorted(F, a / 100.0 * F[-1] - 1e-12, side="left"))
        out[i] = pt[order[min(j, dist.n_x - 1)]]
    return out


def anchor_error_curves(rng: np.random.Generator, T: Any, populations: dict[str, FiniteDistribution], *,
                        sizes: tuple[int, ...] = (30, 100, 300, 1000, 3000, 10000), n_seeds: int = 20,
                        percentiles: tuple[float | None, ...] = (None, PAPER_PERCENTILE)) -> dict[str, Any]:
    """Estimation error ``||T_hat - T||_inf`` against the size of ``X'``, with exact ``ptilde``.

    For every population and sample size, ``n_seeds`` samples ``X'`` of that size are drawn from
    ``P(x)``; ``ptilde = p(y | x) T`` exactly (Thm 3's assumption 2), and ``T_hat`` is Eqs. 12-13
    with each of ``percentiles`` (``None``: the argmax). The error isolates the role of the
    sample (does it contain the anchors?) from that of the classifier.

    Parameters
    ----------
    rng : numpy.random.Generator
    T : TransitionMatrix or (c, c) array
    populations : dict name -> FiniteDistribution (e.g. :func:`anchor_mixture`)
    sizes : sample sizes ``|X'|``, each >= c
    n_seeds : samples per size (>= 2)
    percentiles : estimator variants

    Returns
    -------
    dict
        ``populations`` (P names), ``estimators`` (A labels: ``"argmax"``, ``"97th percentile"``),
        ``sizes`` (N,), ``error`` (P, A, N, S), ``exact`` (P, A, N, S) bool (error below
        ``1e-12``), ``limit_error`` (P, A): ``||T_hat_inf - T||_inf`` of
        :func:`population_anchor_limit`.
    """
    M = _matrix(T)
    c = M.shape[0]
    sizes = tuple(int(s) for s in sizes)
    if not sizes or min(sizes) < c:
        raise ValueError(f"every sample size must be >= c = {c}, got {sizes!r}")
    if isinstance(n_seeds, bool) or not isinstance(n_seeds, (int, np.integer)) or n_seeds < 2:
        raise ValueError(f"n_seeds must be an integer >= 2, got {n_seeds!r}")
    pcts = [check_percentile(a) for a in percentiles]
    names = list(populations)
    err = np.empty((len(names), len(pcts), len(sizes), n_seeds))
    limit = np.empty((len(names), len(pcts)))
    for p, name in enumerate(names):
        dist = populations[name]
        if dist.c != c:
            raise ValueError(f"population {name!r} has {dist.c} classes, T has {c}")
        pt_all = noisy_posterior(dist.py_x, M)
        for a, pct in enumerate(pcts):
            limit[p, a] = transition_error(population_anchor_limit(dist, M, pct), M)
        for k, n in enumerate(sizes):
            for s in range(n_seeds):
                pt = pt_all[sample_population(dist, n, rng)]
                for a, pct in enumerate(pcts):
                    err[p, a, k, s] = transition_error(estimate_transition(pt, pct), M)
    return {"populations": names, "estimators": [estimator_label(a) for a in pcts], "sizes": np.asarray(sizes),
            "error": err, "exact": err < 1e-12, "limit_error": limit}


def estimator_label(percentile: float | None) -> str:
    """``"argmax"`` or e.g. ``"97th percentile"``."""
    a = check_percentile(percentile)
    if a is None:
        return "argmax"
    return f"{a:g}th percentile"


__all__ = [
    "PAPER_PERCENTILE", "check_percentile", "check_noisy_posteriors", "percentile_rank", "anchor_indices",
    "estimate_transition", "anchor_transition", "argmax_anchor_classes", "column_dominant", "noisy_posterior",
    "transition_error", "anchor_mixture", "standard_anchor_populations", "sample_population",
    "population_anchor_limit", "anchor_error_curves",
    "estimator_label",
]
