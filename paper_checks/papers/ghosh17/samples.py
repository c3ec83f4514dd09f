"""The data of the ghosh17 figures that the checks do not compute (Ghosh, Kumar & Sastry 2017): the class sums
of CCE, MSE, MAE and ``L_q`` over the simplex (Eq. (4) of Li's notes, Zhang & Sabuncu 2018, Eq. (7)) and the
noisy against clean risks of random classifiers under uniform noise. Drawn from stream 100, which no check uses.
"""
from __future__ import annotations

from typing import Any

import numpy as np
import sympy

from label_noise_lab.simulate import losses as num
from label_noise_lab.simulate.noise import uniform_noise
from label_noise_lab.simulate.populations import random_distribution
from label_noise_lab.simulate.risk import clean_risk, noisy_risk
from label_noise_lab.theory import losses as sym
from label_noise_lab.theory.symmetry import class_sum_range
from paper_checks.api import Context, figure_data

FIGURE_STREAM = 100  # a stream of its own: the figures' samples are a cross-check, not a check's data
CLASS_SUM_CS = np.arange(2, 11)
RISK_C = 4
RISK_ETAS = [0.0, 0.3, 0.6, 0.75, 0.9]
RISK_LOSSES = ("mae", "cce")
JITTER = 0.28  # half-width of the horizontal jitter of the sampled class sums


Q_SHOWN = sympy.Rational(7, 10)


def class_sum_ranges(cs: np.ndarray) -> dict[str, tuple[np.ndarray, np.ndarray]]:
    """Exact ``[min, max]`` of ``sum_j L(f, e_j)`` over the simplex for each ``c`` (Li's notes, Eq. (4);
    Zhang & Sabuncu 2018, Eq. (7))."""
    C = sympy.Symbol("c", positive=True, integer=True)
    out = {}
    for name, loss in (("cce", sym.cce()), ("mse", sym.mse()), ("mae", sym.mae()), ("lq", sym.lq(Q_SHOWN))):
        rng_ = class_sum_range(loss, C)
        lo = sympy.lambdify(C, rng_.low, "numpy")
        if rng_.high.is_finite is not False:
            hi = sympy.lambdify(C, rng_.high, "numpy")
        else:
            hi = lambda c: np.full_like(c, np.inf, dtype=float)  # noqa: E731
        out[name] = (np.broadcast_to(np.asarray(lo(cs), float), cs.shape),
                     np.broadcast_to(np.asarray(hi(cs), float), cs.shape))
    return out


def sampled_class_sums(c: int, n: int, rng: np.random.Generator) -> dict[str, np.ndarray]:
    """Class sums of the numeric losses at ``n`` random simplex points (a cross-check of the exact ranges)."""
    p = rng.dirichlet(np.full(c, 0.3), size=n)
    out = {}
    for name, loss in (("cce", num.get_loss("cce")), ("mse", num.get_loss("mse")), ("mae", num.get_loss("mae")),
                       ("lq", num.get_loss("lq", q=float(Q_SHOWN)))):
        out[name] = sum(loss.value(p, np.full(n, j)) for j in range(c))
    return out


@figure_data
def class_sums_data(ctx: Context) -> dict[str, Any]:
    """The exact class-sum ranges for ``c = 2..10`` and, per loss and ``c``, the finite class sums at random
    simplex points with their horizontal jitter (drawn in this order from :data:`FIGURE_STREAM`)."""
    cs = CLASS_SUM_CS
    ranges = class_sum_ranges(cs.astype(float))
    rng = ctx.rng(FIGURE_STREAM)
    n_pts = ctx.pick(200, 400, 1000)
    sampled: dict[str, dict[int, tuple[np.ndarray, np.ndarray]]] = {}
    for name in ranges:
        samples = {int(c): sampled_class_sums(int(c), n_pts, rng)[name] for c in cs}
        sampled[name] = {}
        for c in cs:
            s = samples[int(c)]
            s = s[np.isfinite(s)]
            sampled[name][int(c)] = (s, rng.uniform(-JITTER, JITTER, s.size))
    return {"cs": cs, "ranges": ranges, "n_points": n_pts, "sampled": sampled}


def risk_pairs(loss_name: str, etas: list[float], c: int, n_models: int, rng: np.random.Generator
               ) -> dict[float, tuple[np.ndarray, np.ndarray]]:
    """Exact clean and noisy risks of ``n_models`` random classifiers on one random finite distribution."""
    dist = random_distribution(20, c, rng)
    f = rng.dirichlet(np.full(c, 0.5), size=(n_models, dist.n_x))
    loss = num.get_loss(loss_name)
    R = np.asarray(clean_risk(dist, f, loss))
    return {eta: (R, np.asarray(noisy_risk(dist, f, loss, uniform_noise(c, eta)))) for eta in etas}


@figure_data
def noisy_vs_clean_data(ctx: Context) -> dict[str, Any]:
    """Clean and noisy risks of random classifiers (:func:`risk_pairs`, ``c = 4``) per loss and noise rate."""
    n_models = ctx.pick(150, 300, 600)
    pairs = {name: risk_pairs(name, RISK_ETAS, RISK_C, n_models, ctx.rng(FIGURE_STREAM)) for name in RISK_LOSSES}
    return {"c": RISK_C, "etas": RISK_ETAS, "n_models": n_models, "pairs": pairs}
