"""The backward estimator under sampling, and pointwise forward minimisers (Patrini et al. 2017).

Backward correction (Patrini et al. 2017, sec. 4.1, Thm 1) replaces the loss of an observed label ``j`` by
``(T^-1 l(p))_j``. Over a finite population (a :class:`~label_noise_lab.simulate.populations.FiniteDistribution`
and a fixed classifier, ``logits`` of shape ``(n_x, c)``) draw ``x ~ P(x)``, the clean label
``y ~ P(y|x)`` and the noisy label through ``T``; then

- :func:`backward_moments` gives the mean and variance of the corrected loss exactly (finite
  sums), with the clean loss's for comparison, the bias ``E[l_back] - E[l]`` (zero by Thm 1
  unless ``T`` is mixed with the identity before inversion, sec. 4.1) and the mean squared error
  ``bias^2 + Var/n`` of the corrected empirical risk over ``n`` samples;
- :func:`backward_mc` estimates the same by Monte Carlo on the array namespace given (NumPy or
  CuPy), streaming chunks through :class:`label_noise_lab.simulate.engine.estimate.RunningMoments`; only scalars reach
  the host;
- :func:`conditioning_sweep` runs both along families of ``T`` whose condition number grows
  (uniform noise with ``eta -> (c-1)/c``, the sec. 5.1 matrices as ``N -> 1/2``), with and
  without mixing.

Forward correction (Patrini et al. 2017, sec. 4.2, Thm 2): :func:`forward_minimiser` minimises
``sum_j pt_j l(T^T p, j)`` over the simplex numerically (SciPy), for comparison with
``p(y|x)``.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Sequence

import numpy as np
from scipy.optimize import minimize

from label_noise_lab.simulate.correction.backward_forward import backward_corrected, forward_corrected
from label_noise_lab.simulate.engine.blas import pinned_blas
from label_noise_lab.simulate.engine.estimate import Estimate, RunningMoments
from label_noise_lab.simulate.engine.namespace import default_chunk, to_host
from label_noise_lab.simulate.engine.rng import check_generator
from label_noise_lab.simulate.losses import Loss, inputs_checked, softmax
from label_noise_lab.simulate.noise import MAX_COND, TransitionMatrix, sample_noisy_labels, uniform_noise
from label_noise_lab.simulate.populations import FiniteDistribution
from label_noise_lab.theory.validators import check_int


# ---------------------------------------------------------------- validation
def _check_setup(dist: FiniteDistribution, logits: Any, T: Any) -> np.ndarray:
    if not isinstance(dist, FiniteDistribution):
        raise TypeError(f"dist must be a FiniteDistribution, got {type(dist).__name__}")
    if not isinstance(T, TransitionMatrix):
        raise TypeError(f"T must be a TransitionMatrix, got {type(T).__name__}")
    z = np.asarray(to_host(logits), dtype=float)
    if z.shape != (dist.n_x, dist.c):
        raise ValueError(f"logits must have shape ({dist.n_x}, {dist.c}) to match the population, got {z.shape}")
    if T.c != dist.c:
        raise ValueError(f"T is {T.c} x {T.c} but the population has c = {dist.c} classes")
    if not np.all(np.isfinite(z)):
        raise ValueError("logits contain NaN or infinite values")
    return z


def _corrected_loss(base: Loss, T: TransitionMatrix, mix: float, max_cond: float, corrected: Loss | None) -> Loss:
    if corrected is not None:
        if not isinstance(corrected, Loss):
            raise TypeError(f"corrected must be a label_noise_lab.simulate.losses.Loss, got {type(corrected).__name__}")
        return corrected
    return backward_corrected(base, T, mix=mix, max_cond=max_cond)


def corrected_table(logits: Any, corrected: Loss) -> np.ndarray:
    """``V[x, j]`` = the corrected loss of the classifier at ``x`` for observed label ``j``, shape (n_x, c)."""
    z = np.asarray(to_host(logits), dtype=float)
    n_x, c = z.shape
    rep = np.repeat(z, c, axis=0)
    labels = np.tile(np.arange(c), n_x)
    return np.asarray(to_host(corrected.value(rep, labels, from_logits=True)), dtype=float).reshape(n_x, c)


# ---------------------------------------------------------------- exact moments
@dataclass(frozen=True)
class BackwardMoments:
    """Exact moments of the backward-corrected loss over ``x``, clean ``y`` and noisy label.

    Attributes
    ----------
    mean, variance : of ``l_back(p(x), noisy)``
    clean_mean, clean_variance : of the clean loss ``l(p(x), y)`` (``clean_mean`` is the clean risk)
    noise_variance : ``E_{x,y} Var(l_back | x, y)``, the part of ``variance`` the label noise adds
    cond : ``cond(T)`` of the matrix that is inverted (``T`` mixed by ``mix``)
    mix : the weight of the identity in that matrix
    """

    mean: float
    variance: float
    clean_mean: float
    clean_variance: float
    noise_variance: float
    cond: float
    mix: float

    @property
    def bias(self) -> float:
        """``E[l_back] - E[l]``: zero by Thm 1 without mixing."""
        return self.mean - self.clean_mean

    def mse(self, n: int) -> float:
        """Mean squared error of the corrected empirical risk over ``n`` samples as an estimate of the clean risk."""
        if n < 1:
            raise ValueError(f"n must be a positive sample size, got {n!r}")
        return self.bias**2 + self.variance / n

    def as_dict(self) -> dict[str, float]:
        return {"mean": self.mean, "variance": self.variance, "clean_mean": self.clean_mean,
                "clean_variance": self.clean_variance, "noise_variance": self.noise_variance, "bias": self.bias,
                "cond": self.cond, "mix": self.mix}


def backward_moments(dist: FiniteDistribution, logits: Any, base: Loss, T: TransitionMatrix, *, mix: float = 0.0,
                     max_cond: float = MAX_COND, corrected: Loss | None = None) -> BackwardMoments:
    """Exact mean and variance of the backward-corrected loss (Patrini et al. 2017, Thm 1, sec. 4.1).

    Parameters
    ----------
    dist : the population, ``P(x)`` and ``P(y|x)``
    logits : array (n_x, c), the fixed classifier
    base : the loss ``l`` that is corrected
    T : the noise that generates the observed labels
    mix : the correction inverts ``(1 - mix) T + mix I`` (``0``: Thm 1's unbiased ``T^-1``)
    corrected : evaluate this loss instead of the backward correction (e.g. a wrong one)

    Raises
    ------
    ValueError
        When the inverted matrix is singular or worse conditioned than ``max_cond`` (quoting
        ``cond``), or shapes disagree.
    """
    z = _check_setup(dist, logits, T)
    loss = _corrected_loss(base, T, mix, max_cond, corrected)
    V = corrected_table(z, loss)  # (n_x, c) by observed label
    L = corrected_table(z, base)  # clean losses by clean label
    px, py = np.asarray(dist.px, float), np.asarray(dist.py_x, float)
    W = py @ T.matrix  # noisy label distribution per x
    mean = float(px @ (W * V).sum(axis=1))
    second = float(px @ (W * V**2).sum(axis=1))
    clean_mean = float(px @ (py * L).sum(axis=1))
    clean_second = float(px @ (py * L**2).sum(axis=1))
    # given (x, y): E = T[y] . V[x], E2 = T[y] . V[x]^2
    cond_mean = V @ T.matrix.T  # (n_x, c): [x, y] -> E(l_back | x, y)
    cond_second = V**2 @ T.matrix.T
    noise_var = float(px @ (py * (cond_second - cond_mean**2)).sum(axis=1))
    k = (T.mixed(mix) if mix else T).cond
    return BackwardMoments(mean, max(second - mean**2, 0.0), clean_mean, max(clean_second - clean_mean**2, 0.0),
                           max(noise_var, 0.0), k, float(mix))


# ---------------------------------------------------------------- Monte Carlo
@dataclass(frozen=True)
class BackwardMC:
    """Monte Carlo estimates over ``n`` draws of ``(x, y, noisy)``, each with its standard error.

    Attributes
    ----------
    mean : ``E[l_back]``
    clean : ``E[l(p(x), y)]`` on the same draws
    difference : ``E[l_back - l]`` (paired): the bias
    variance : ``Var[l_back]``: the mean of ``(l_back - m0)^2`` about a pilot centre ``m0`` (the
        first chunk's mean), less ``(mean - m0)^2``; its standard error is that of the squares
    clean_variance : ``Var[l]``, the same way
    """

    mean: Estimate
    clean: Estimate
    difference: Estimate
    variance: Estimate
    clean_variance: Estimate

    @property
    def n(self) -> int:
        return self.mean.n


def _draw_population(xp: Any, rng: Any, m: int, cum_px: Any, cum_py: Any, n_x: int, c: int,
                     deterministic: Any) -> tuple[Any, Any]:
    x = xp.minimum(xp.searchsorted(cum_px, rng.random(m), side="right"), n_x - 1)  # cum_px[-1] may round below 1
    if deterministic is not None:
        return x, deterministic[x]
    u = rng.random(m)
    y = xp.sum(xp.astype(xp.take(cum_py, x, axis=0) <= u[:, None], xp.int64), axis=1)
    return x, xp.minimum(y, c - 1)


def backward_mc(dist: FiniteDistribution, logits: Any, base: Loss, T: TransitionMatrix, n: int, rng: Any,
                xp: Any = np, *, mix: float = 0.0, max_cond: float = MAX_COND, corrected: Loss | None = None,
                chunk: int | None = None) -> BackwardMC:
    """Monte Carlo of the backward-corrected loss on the array namespace ``xp``.

    Each chunk draws ``x ~ P(x)`` and ``y ~ P(y|x)`` by inverse-CDF search, the noisy label by
    :func:`label_noise_lab.simulate.noise.sample_noisy_labels`, and evaluates the corrected and the clean loss
    from the logits with the library's :class:`~label_noise_lab.simulate.losses.Loss` objects, all in ``xp``;
    :class:`~label_noise_lab.simulate.engine.estimate.RunningMoments` merges the chunks (memory bounded by one chunk).

    Parameters
    ----------
    n : number of draws (``>= 2``)
    rng : a generator of ``xp`` (``numpy.random.Generator`` or CuPy's)
    mix, max_cond, corrected : as in :func:`backward_moments`
    chunk : draws per chunk (default :func:`label_noise_lab.simulate.engine.namespace.default_chunk`: cache-sized on
    NumPy, large on a
        device)

    Returns
    -------
    BackwardMC
    """
    if not isinstance(n, (int, np.integer)) or n < 2:
        raise ValueError(f"n must be an integer >= 2, got {n!r}")
    chunk = default_chunk(xp) if chunk is None else check_int("chunk", chunk, 2)
    check_generator(rng)
    z = _check_setup(dist, logits, T)
    loss = _corrected_loss(base, T, mix, max_cond, corrected)
    n_x, c = z.shape
    zd = xp.asarray(z)
    px, py = np.asarray(dist.px, float), np.asarray(dist.py_x, float)
    cum_px = xp.asarray(np.cumsum(px))
    onehot = np.all((py == 0) | (py == 1), axis=1).all()
    deterministic = xp.asarray(np.argmax(py, axis=1)) if onehot else None
    cum_py = xp.asarray(np.cumsum(py, axis=1))
    acc = RunningMoments((5,))
    centre: Any = None
    left = int(n)
    with inputs_checked():  # the logits were checked above and the labels are our own draws
        while left:  # one host sync per chunk (the accumulator's moments): tests/simulate/test_sync_budget.py
            m = min(chunk, left)
            x, y = _draw_population(xp, rng, m, cum_px, cum_py, n_x, c, deterministic)
            noisy = sample_noisy_labels(y, T, rng, xp)
            zc = xp.take(zd, x, axis=0)
            v = loss.value(zc, noisy, from_logits=True)
            u = base.value(zc, y, from_logits=True)  # the clean loss
            if centre is None:  # pilot centres for the squared deviations, kept on the device
                centre = xp.stack([xp.mean(v), xp.mean(u)])
            acc.update(xp.stack([v, u, v - u, (v - centre[0]) ** 2, (u - centre[1]) ** 2], axis=1))
            left -= m
    est = acc.estimates()
    c0, c1 = (float(u) for u in to_host(centre))
    var_v = est[3].mean - (est[0].mean - c0) ** 2
    var_l = est[4].mean - (est[1].mean - c1) ** 2
    return BackwardMC(est[0], est[1], est[2], Estimate(var_v, est[3].stderr, est[3].n),
                      Estimate(var_l, est[4].stderr, est[4].n))


# ---------------------------------------------------------------- families of T and the sweep
def uniform_family(c: int, ratios: Sequence[float]) -> list[tuple[str, float, TransitionMatrix]]:
    """Uniform noise at ``eta = r (c-1)/c`` for each ``r``: ``cond(T) = 1/(1 - r)``."""
    return [("uniform", float(r), uniform_noise(c, float(r) * (c - 1) / c)) for r in ratios]


@dataclass(frozen=True)
class SweepPoint:
    """One ``(T, mix)`` of a conditioning sweep: exact moments and, where run, the Monte Carlo."""

    family: str
    param: float
    cond_T: float
    exact: BackwardMoments
    mc: BackwardMC | None = None

    def as_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"family": self.family, "param": self.param, "cond_T": self.cond_T,
                               **{f"exact_{k}": v for k, v in self.exact.as_dict().items()}}
        if self.mc is not None:
            out.update({"mc_mean": self.mc.mean.as_dict(), "mc_variance": self.mc.variance.as_dict(),
                        "mc_bias": self.mc.difference.as_dict()})
        return out


def conditioning_sweep(dist: FiniteDistribution, logits: Any, base: Loss,
                       family: Sequence[tuple[str, float, TransitionMatrix]], mixes: Sequence[float] = (0.0,),
                       *, n_mc: int = 0, rng: Any = None, xp: Any = np, chunk: int | None = None) -> list[SweepPoint]:
    """Exact (and, with ``n_mc > 0``, Monte Carlo) moments of the backward correction along ``family``.

    Patrini et al. 2017, sec. 4.1: "its condition number may be problematic. A simple solution is to mix
    T with the identity matrix before inversion". Each point is one ``T`` of the family and one
    mixing weight; Monte Carlo needs ``rng`` (a generator of ``xp``).
    """
    if n_mc and rng is None:
        raise ValueError("a Monte Carlo sweep (n_mc > 0) needs rng")
    out = []
    for name, param, T in family:
        for w in mixes:
            ex = backward_moments(dist, logits, base, T, mix=w)
            mc = backward_mc(dist, logits, base, T, n_mc, rng, xp, mix=w, chunk=chunk) if n_mc else None
            out.append(SweepPoint(name, param, T.cond, ex, mc))
    return out


def mixed_target(py: Any, T: TransitionMatrix, mix: float) -> np.ndarray:
    """``r = p(y|x) T ((1 - mix) T + mix I)^-1``: the label weights the mixed correction puts on each class.

    ``E_{noisy|x}[l_back] = sum_k r_k l_k``, so for cross-entropy the minimiser of the
    expected mixed-corrected risk is ``r`` where ``r >= 0`` (``r = p(y|x)`` without mixing).
    """
    py = np.atleast_2d(np.asarray(to_host(py), dtype=float))
    if py.shape[1] != T.c:
        raise ValueError(f"p(y|x) has {py.shape[1]} classes but T is {T.c} x {T.c}")
    Tm = T.mixed(mix) if mix else T
    return py @ T.matrix @ Tm.inverse()


# ---------------------------------------------------------------- forward minimisers (Thm 2)
FORWARD_LOSSES = ("cce", "mse", "mae", "lq")


def forward_objective(p: np.ndarray, pt: np.ndarray, loss: Loss) -> float:
    """``sum_j pt_j l_fwd(p, j)`` at a simplex point ``p`` (a forward-corrected :class:`Loss`)."""
    c = pt.shape[0]
    vals = loss.value(np.repeat(p[None, :], c, axis=0), np.arange(c))
    return float(np.sum(np.where(pt == 0, 0.0, pt * vals)))


def forward_minimiser(pt: Any, T: TransitionMatrix, name: str, *, rng: np.random.Generator | None = None,
                      restarts: int = 0, **params: float) -> tuple[np.ndarray, float]:
    """``argmin_{p in simplex} sum_j pt_j l(T^T p, j)`` numerically (Patrini et al. 2017, Thm 2).

    Two SciPy routes, the better value kept: L-BFGS-B over logits with the analytic gradient
    of :func:`label_noise_lab.simulate.correction.backward_forward.forward_corrected` (interior minimisers, to ~1e-8),
    and
    SLSQP directly on the simplex (minimisers on its boundary, e.g. MAE's vertex), each from
    ``pt``, the barycentre, every vertex and random points.

    Parameters
    ----------
    pt : (c,) the noisy label distribution at the input, ``T^T p(y|x)``
    T : the noise, non-singular
    name : ``cce``, ``mse``, ``mae`` or ``lq`` (with ``q``)

    Returns
    -------
    p : (c,) the minimiser found
    value : the objective there
    """
    pt = np.asarray(to_host(pt), dtype=float)
    if not isinstance(T, TransitionMatrix):
        raise TypeError(f"T must be a TransitionMatrix, got {type(T).__name__}")
    if pt.shape != (T.c,) or np.any(pt < 0) or abs(pt.sum() - 1) > 1e-9:
        raise ValueError(f"pt must be a distribution over the {T.c} classes, got {pt!r}")
    if name not in FORWARD_LOSSES:
        raise ValueError(f"name must be one of {FORWARD_LOSSES}, got {name!r}")
    rng = np.random.default_rng(0) if rng is None else rng
    fwd = forward_corrected(name, T, **params)
    c = T.c
    labels = np.arange(c)

    def obj_z(z: np.ndarray) -> tuple[float, np.ndarray]:
        Z = np.repeat(z[None, :], c, axis=0)
        vals = fwd.value(Z, labels, from_logits=True)
        g = fwd.grad(Z, labels)
        return float(pt @ vals), pt @ g

    def obj_p(p: np.ndarray) -> float:
        q = np.clip(p, 0.0, None)
        q = q / q.sum()
        with np.errstate(divide="ignore"):
            v = forward_objective(q, pt, fwd)
        return v if np.isfinite(v) else 1e300

    # every objective here is convex in p (CE, Brier, L_q) or affine (MAE): few starts suffice
    starts = [0.9 * pt + 0.1 / c, np.full(c, 1.0 / c), *[rng.dirichlet(np.ones(c)) for _ in range(restarts)]]
    best_p, best_v = np.full(c, 1.0 / c), np.inf
    with pinned_blas():
        for p0 in starts:
            best_p, best_v = _two_routes(p0, obj_z, obj_p, c, best_p, best_v)
    return best_p, best_v


def _two_routes(p0: np.ndarray, obj_z: Any, obj_p: Any, c: int, best_p: np.ndarray,
                best_v: float) -> tuple[np.ndarray, float]:
    """L-BFGS-B over logits and SLSQP on the simplex from ``p0``; the best point so far."""
    r = minimize(obj_z, np.log(np.maximum(p0, 1e-12)), jac=True, method="L-BFGS-B",
                 options={"maxiter": 500, "gtol": 1e-12, "ftol": 1e-15})
    p = softmax(r.x[None, :])[0]
    v = obj_p(p)
    if v < best_v:
        best_p, best_v = p, v
    r2 = minimize(obj_p, p0, method="SLSQP", bounds=[(0.0, 1.0)] * c,
                  constraints=({"type": "eq", "fun": lambda p: p.sum() - 1.0},),
                  options={"ftol": 1e-15, "maxiter": 500})
    p2 = np.clip(r2.x, 0.0, None)
    p2 = p2 / p2.sum()
    v2 = obj_p(p2)
    if v2 < best_v:
        best_p, best_v = p2, v2
    return best_p, best_v


def random_population(n_x: int, c: int, rng: np.random.Generator, *, margin: float = 2.0,
                      deterministic: bool = True, concentration: float = 0.3) -> tuple[FiniteDistribution, np.ndarray]:
    """A population of ``n_x`` equally likely inputs and a fixed, informative but imperfect classifier.

    ``P(y|x)`` is one-hot at a uniform label (``deterministic``) or Dirichlet(``concentration``);
    the logits are ``N(0, 1) + margin e_k`` with ``k = argmax_y P(y|x)``, so the classifier
    tends to predict the likely clean label and label noise visibly raises its loss.
    """
    check_int("n_x", n_x, 1), check_int("the number of classes c", c, 2), check_generator(rng)
    if deterministic:
        py = np.eye(c)[rng.integers(0, c, n_x)]
    else:
        py = rng.dirichlet(np.full(c, concentration), size=n_x)
    logits = rng.standard_normal((n_x, c)) + margin * np.eye(c)[np.argmax(py, axis=1)]
    return FiniteDistribution(np.full(n_x, 1.0 / n_x), py), logits


__all__ = ["BackwardMC", "BackwardMoments", "FORWARD_LOSSES", "SweepPoint", "backward_mc",
           "backward_moments", "conditioning_sweep", "corrected_table", "forward_minimiser",
           "forward_objective", "mixed_target", "random_population", "uniform_family"]
