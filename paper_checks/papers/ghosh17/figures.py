"""Figures for Ghosh et al. 2017 (symmetric losses), as summarised in Li's notes (sec. 2)
and Zhang & Sabuncu 2018 (sec. 3.1).

Each draws the data of a public ``@figure_data`` function of the paper.
"""
from __future__ import annotations

from typing import Any

import numpy as np

from label_noise_lab.figures.registry import Drawn, figure
from label_noise_lab.figures.style import COLORS, WIDE, new, se, setting, stamp
from paper_checks.papers.ghosh17.samples import Q_SHOWN, class_sums_data, noisy_vs_clean_data
from paper_checks.papers.ghosh17.sim import ROBUST_SETTINGS, robust_data

LOSS_LABELS = {"cce": "CCE", "mse": "MSE", "mae": "MAE", "lq": f"$L_q$, q = {float(Q_SHOWN)}"}


@figure("ghosh17_class_sums", claim="ghosh17.only_mae_symmetric")
def class_sums_figure(ctx: Any) -> Drawn:
    """Range of the class sum over the simplex against ``c``: only MAE's is a single value."""
    data = class_sums_data(ctx)
    cs, ranges, n_pts = data["cs"], data["ranges"], data["n_points"]
    fig, axes = new(WIDE, ncols=4, sharex=True)
    rows = []
    for ax, (name, (lo, hi)) in zip(axes, ranges.items()):
        col = COLORS[name]
        finite = np.isfinite(hi)
        cap = float(np.nanmax(np.where(finite, hi, lo))) * 1.25 if finite.any() else float(lo.max()) + 8
        top = np.where(finite, hi, cap)
        for k, c in enumerate(cs):
            s, jitter = data["sampled"][name][int(c)]
            ax.scatter(c + jitter, np.minimum(s, top[k]), s=1.5, color="#333333", alpha=0.25, lw=0, zorder=3,
                       rasterized=True)
            rows.append({"loss": name, "c": int(c), "exact_min": float(lo[k]), "exact_max": float(hi[k]),
                         "sampled_min": float(s.min()), "sampled_max": float(s.max()), "samples": int(s.size)})
        if np.allclose(lo, hi):  # a constant class sum: a point, not a bar
            ax.scatter(cs, lo, marker="D", s=14, color=col, zorder=4, label="exact value (constant)")
        else:
            ax.bar(cs, top - lo, bottom=lo, width=0.7, color=col, alpha=0.35, edgecolor=col, lw=0.8, zorder=2,
                   label="exact range")
        if not finite.all():
            ax.scatter(cs[~finite], top[~finite], marker="^", color=col, s=14, zorder=4, label="unbounded above")
        ax.set_title(LOSS_LABELS[name] + (" (symmetric)" if name == "mae" else ""))
        ax.set_xticks(cs)
        ax.set_xlabel("classes $c$")
    axes[0].set_ylabel(r"class sum $\sum_j L(f, e_j)$")
    from matplotlib.lines import Line2D
    from matplotlib.patches import Patch

    handles = [Patch(facecolor="#999999", alpha=0.5, edgecolor="#666666", label="exact range over the simplex"),
               Line2D([], [], ls="", marker="D", color="#666666", ms=4, label="exact value (constant)"),
               Line2D([], [], ls="", marker="^", color="#666666", ms=4, label="unbounded above (bar cut)"),
               Line2D([], [], ls="", marker="o", color="#333333", alpha=0.5, ms=2, label="random simplex points")]
    fig.legend(handles=handles, loc="outside lower center", ncol=4, frameon=False, fontsize=6)
    stamp(fig, ctx)
    cap = (f"Class sum sum_j L(f, e_j) over the probability simplex against the number of classes c: exact range "
           f"(shaded bar from min to max, SymPy, S. Li's notes, Eq. 4, and Zhang & Sabuncu 2018, Eq. 7) and its "
           f"value at {n_pts} random points per c "
           "(grey dots, Dirichlet(0.3), a numeric cross-check). Only MAE's class sum is one value (2c - 2), as "
           "ghosh17.only_mae_symmetric proves; CCE's is unbounded above (triangle: the bar is cut at the top of the "
           f"panel). No error bars: the ranges are exact. {setting(ctx)}")
    return Drawn(fig, rows, cap)


@figure("ghosh17_noisy_vs_clean_risk", claim="ghosh17.uniform_tolerance")
def noisy_vs_clean_figure(ctx: Any) -> Drawn:
    """Noisy against clean risk under uniform noise (c = 4): affine and increasing for MAE while
    ``eta < (c-1)/c = 0.75``, flat at the boundary, reversed beyond; scattered for CCE."""
    import matplotlib

    data = noisy_vs_clean_data(ctx)
    c, etas, n_models = data["c"], data["etas"], data["n_models"]
    fig, axes = new(WIDE, ncols=2)
    cmap = matplotlib.colormaps["viridis"]
    rows = []
    for ax, name in zip(axes, ("mae", "cce")):
        pairs = data["pairs"][name]
        for i, eta in enumerate(etas):
            R, Rn = pairs[eta]
            ax.scatter(R, Rn, s=2, color=cmap(i / (len(etas) - 1)), label=fr"$\eta$ = {eta}", lw=0, rasterized=True)
            rows += [{"loss": name, "eta": eta, "clean_risk": float(a), "noisy_risk": float(b)} for a, b in zip(R, Rn)]
        ax.set_xlabel("clean risk $R(f)$")
        ax.set_ylabel(r"noisy risk $R^\eta(f)$")
        ax.set_title(f"{name.upper()} ({'symmetric' if name == 'mae' else 'not symmetric'}), c = {c}")
    axes[0].legend(frameon=False, markerscale=3, fontsize=6)
    stamp(fig, ctx)
    cap = (f"Exact noisy risk R^eta(f) against clean risk R(f) of {n_models} random classifiers on one random finite "
           f"distribution (20 inputs, c = {c}) under uniform noise. For the symmetric MAE the points lie on lines of "
           "slope 1 - eta c/(c-1): increasing for eta < 0.75, flat at 0.75, decreasing beyond, so the clean "
           "minimiser minimises the noisy risk exactly when eta < (c-1)/c (ghosh17.uniform_tolerance, proved "
           f"symbolically); for CCE they scatter. No error bars: every risk is exact. {setting(ctx)} "
           "(the classifiers are drawn from stream 100, not used by the check).")
    return Drawn(fig, rows, cap)


@figure("ghosh17_accuracy_vs_noise", claim="ghosh17.bounded_more_robust")
def accuracy_vs_noise_figure(ctx: Any) -> Drawn:
    """Final clean-test accuracy against the uniform noise rate for CCE, MAE and MSE: the training runs of
    ``ghosh17.bounded_more_robust`` (Li's notes, sec. 2 (iii): bounded against unbounded losses)."""
    res = robust_data(ctx)
    acc = np.asarray(res["final_acc"])  # (loss, seed, eta)
    etas = [float(e) for e in res["etas"]]
    S = acc.shape[1]
    fig, ax = new((3.4, 2.6))
    rows = []
    for i, name in enumerate(res["losses"]):
        m, s = acc[i].mean(axis=0), se(acc[i])
        ax.errorbar(etas, m, yerr=s, color=COLORS[name], marker="o", ms=3, capsize=2, label=name.upper())
        rows += [{"loss": name, "eta": e, "mean_acc": float(a), "stderr": float(b), "seeds": S}
                 for e, a, b in zip(etas, m, s)]
    ax.set_xlabel(r"uniform noise rate $\eta$")
    ax.set_ylabel("clean-test accuracy")
    ax.set_xticks(etas)
    ax.legend(frameon=False)
    ax.set_title(f"10 Gaussian clusters, ReLU MLP, {S} seeds")
    stamp(fig, ctx)
    st = ROBUST_SETTINGS
    cap = (f"Clean-test accuracy after {st['epochs']} epochs (Adam, lr {st['lr']:g}, {st['n_train']} training points, "
           f"{st['final_test_size']} test points per seed) against the uniform noise rate, for CCE and the bounded "
           f"MAE and MSE on the softmax: the training runs of ghosh17.bounded_more_robust. Mean over {S} seeds; "
           f"error bars are one standard error of the mean over seeds. {setting(ctx)}")
    return Drawn(fig, rows, cap)
