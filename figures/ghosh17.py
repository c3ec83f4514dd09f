"""Figures for Ghosh et al. 2017 (symmetric losses), as summarised in ``003`` sec. 2 and ``004`` sec. 3.1."""
from __future__ import annotations

from pathlib import Path

import numpy as np
import sympy

from figures.registry import figure
from figures.style import COLORS, COLUMN, WIDE, new, save
from simulate import losses as num
from simulate.noise import uniform_noise
from simulate.populations import random_distribution
from simulate.risk import clean_risk, noisy_risk
from theory import losses as sym
from theory.symmetry import class_sum_range

Q_SHOWN = sympy.Rational(7, 10)


def class_sum_ranges(cs: np.ndarray) -> dict[str, tuple[np.ndarray, np.ndarray]]:
    """Exact ``[min, max]`` of ``sum_j L(f, e_j)`` over the simplex for each ``c`` (``003`` Eq. 4, ``004`` Eq. 7)."""
    C = sympy.Symbol("c", positive=True, integer=True)
    out = {}
    for name, loss in (("cce", sym.cce()), ("mse", sym.mse()), ("mae", sym.mae()), ("lq", sym.lq(Q_SHOWN))):
        rng_ = class_sum_range(loss, C)
        lo = sympy.lambdify(C, rng_.low, "numpy")
        hi = sympy.lambdify(C, rng_.high, "numpy") if rng_.high.is_finite is not False else (lambda c: np.full_like(c, np.inf, dtype=float))
        out[name] = (np.broadcast_to(np.asarray(lo(cs), float), cs.shape), np.broadcast_to(np.asarray(hi(cs), float), cs.shape))
    return out


def sampled_class_sums(c: int, n: int, rng: np.random.Generator) -> dict[str, np.ndarray]:
    """Class sums of the numeric losses at ``n`` random simplex points (a cross-check of the exact ranges)."""
    p = rng.dirichlet(np.full(c, 0.3), size=n)
    out = {}
    for name, loss in (("cce", num.get_loss("cce")), ("mse", num.get_loss("mse")), ("mae", num.get_loss("mae")),
                       ("lq", num.get_loss("lq", q=float(Q_SHOWN)))):
        out[name] = sum(loss.value(p, np.full(n, j)) for j in range(c))
    return out


@figure("ghosh17_class_sums")
def class_sums_figure(out: Path, fmt: str, precision: str) -> Path:
    """Range of the class sum over the simplex against ``c``: only MAE's is a single value."""
    cs = np.arange(2, 11)
    ranges = class_sum_ranges(cs.astype(float))
    rng = np.random.default_rng(0)
    fig, ax = new(COLUMN)
    labels = {"cce": "CCE (unbounded above)", "mse": "MSE", "mae": "MAE (constant)", "lq": f"$L_q$, q={float(Q_SHOWN)}"}
    for i, (name, (lo, hi)) in enumerate(ranges.items()):
        off = (i - 1.5) * 0.12
        col = COLORS[name]
        top = np.where(np.isfinite(hi), hi, lo + 6)
        if np.allclose(lo, hi):  # a constant class sum: a point, not a bar
            ax.scatter(cs + off, lo, marker="D", s=14, color=col, label=labels[name], zorder=3)
        else:
            ax.vlines(cs + off, lo, top, color=col, lw=3, alpha=0.8, label=labels[name])
        if not np.all(np.isfinite(hi)):
            ax.scatter(cs + off, top, marker="^", color=col, s=10)
        for c in cs[::2]:
            s = sampled_class_sums(int(c), 400, rng)[name]
            s = s[np.isfinite(s)]
            ax.scatter(np.full(s.size, c + off), np.minimum(s, (lo + 6)[c - 2]), s=1, color="k", alpha=0.15, lw=0)
    ax.set_xlabel("number of classes $c$")
    ax.set_ylabel(r"$\sum_j L(f, e_j)$ over the simplex")
    ax.legend(frameon=False, loc="upper left")
    ax.set_title("Class sums: exact range (bars), sampled points (dots)")
    return save(fig, out, "ghosh17_class_sums", fmt)


def risk_pairs(loss_name: str, etas: list[float], c: int, n_models: int, rng: np.random.Generator
               ) -> dict[float, tuple[np.ndarray, np.ndarray]]:
    """Exact clean and noisy risks of ``n_models`` random classifiers on one random finite distribution."""
    dist = random_distribution(20, c, rng)
    f = rng.dirichlet(np.full(c, 0.5), size=(n_models, dist.n_x))
    loss = num.get_loss(loss_name)
    R = np.asarray(clean_risk(dist, f, loss))
    return {eta: (R, np.asarray(noisy_risk(dist, f, loss, uniform_noise(c, eta)))) for eta in etas}


@figure("ghosh17_noisy_vs_clean_risk")
def noisy_vs_clean_figure(out: Path, fmt: str, precision: str) -> Path:
    """Noisy against clean risk under uniform noise (c = 4): affine and increasing for MAE while
    ``eta < (c-1)/c = 0.75``, flat at the boundary, reversed beyond; scattered for CCE."""
    c = 4
    etas = [0.0, 0.3, 0.6, 0.75, 0.9]
    fig, axes = new(WIDE, ncols=2)
    cmap = __import__("matplotlib").colormaps["viridis"]
    for ax, name in zip(axes, ("mae", "cce")):
        pairs = risk_pairs(name, etas, c, 300, np.random.default_rng(1))
        for i, eta in enumerate(etas):
            R, Rn = pairs[eta]
            ax.scatter(R, Rn, s=2, color=cmap(i / (len(etas) - 1)), label=fr"$\eta$={eta}", lw=0)
        ax.set_xlabel("clean risk $R(f)$")
        ax.set_ylabel(r"noisy risk $R^\eta(f)$")
        ax.set_title(f"{name.upper()} ({'symmetric' if name == 'mae' else 'not symmetric'}), c = {c}")
    axes[0].legend(frameon=False, markerscale=4, fontsize=6)
    return save(fig, out, "ghosh17_noisy_vs_clean_risk", fmt)


@figure("ghosh17_accuracy_vs_noise")
def accuracy_vs_noise_figure(out: Path, fmt: str, precision: str) -> Path:
    """Final clean-test accuracy against the uniform noise rate for CCE, MAE and MSE (``003``
    sec. 2 (iii), bounded against unbounded losses; the setting of ``ghosh17.bounded_more_robust``)."""
    from simulate.experiments import accuracy_vs_noise

    etas = (0.0, 0.2, 0.4, 0.6)
    n_seeds = {"quick": 3, "standard": 6, "full": 12}[precision]
    res = accuracy_vs_noise(np.random.default_rng(2), losses=("cce", "mae", "mse"), etas=etas, n_seeds=n_seeds,
                            epochs=80, final_test_size=5000)
    acc = res["final_acc"]  # (loss, seed, eta)
    fig, ax = new(COLUMN)
    for i, name in enumerate(("cce", "mae", "mse")):
        m = acc[i].mean(axis=0)
        se = acc[i].std(axis=0, ddof=1) / np.sqrt(acc.shape[1])
        ax.errorbar(etas, m, yerr=se, color=COLORS[name], marker="o", ms=3, capsize=2, label=name.upper())
    ax.set_xlabel(r"uniform noise rate $\eta$")
    ax.set_ylabel("clean-test accuracy after 80 epochs")
    ax.legend(frameon=False)
    ax.set_title(r"10 Gaussian clusters, ReLU MLP; mean $\pm$ s.e.")
    return save(fig, out, "ghosh17_accuracy_vs_noise", fmt)
