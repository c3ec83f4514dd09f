"""Figures for Patrini et al. 2017: Hessian blocks (Thm 4), backward variance (sec. 4.1), anchors (Eqs. 12-13),
Table 2. Each draws the data of the paper's public ``@figure_data`` function that its check uses.

matplotlib is imported inside the figures that need more than :mod:`label_noise_lab.figures.style`: loading the
catalogue
(which imports this module to register the figures) must not import the plotting library.
"""
from __future__ import annotations

from typing import Any

import numpy as np

from label_noise_lab.figures.registry import Drawn, figure
from label_noise_lab.figures.style import WIDE, grid, new, se, setting, stamp
from paper_checks.papers.patrini17.conditioning import conditioning_data
from paper_checks.papers.patrini17.hessian import hessian_data
from paper_checks.papers.patrini17.sim import ANCHOR_N, anchor_curves_data, table2_data

HESSIAN_MODELS = (("linear", "linear softmax"), ("relu1", "ReLU, 1 hidden"), ("relu2", "ReLU, 2 hidden"),
                  ("sigmoid1", "sigmoid, 1 hidden"))


@figure("patrini17_hessian_blocks", claim="patrini17.thm4_hessian")
def hessian_blocks_figure(ctx: Any) -> Drawn:
    """Per-layer-block norms of the Hessian differences of Thm 4 (first draw of ``patrini17.thm4_hessian``)."""
    res = hessian_data(ctx)[0]
    fig, axes = grid(2, 4, (WIDE[0], 3.7))
    vmax = max(float(np.max(res[m][cmp].relative_layer_norms))
               for m, _ in HESSIAN_MODELS for cmp in ("noise", "backward"))
    rows = []
    im = None
    for r, (cmp, label) in enumerate((("noise", "noisy $-$ clean"), ("backward", "backward $-$ plain"))):
        for col, (m, title) in enumerate(HESSIAN_MODELS):
            ax = axes[r, col]
            g = np.asarray(res[m][cmp].relative_layer_norms)
            im = ax.imshow(g, cmap="magma_r", vmin=0, vmax=vmax)
            L = g.shape[0]
            for a in range(L):
                for b in range(L):
                    txt = "0" if g[a, b] < 1e-12 else f"{g[a, b]:.2f}"  # float rounding is ~1e-16
                    ax.text(b, a, txt, ha="center", va="center", fontsize=6,
                            color="white" if g[a, b] > vmax / 2 else "black")
                    rows.append({"comparison": cmp, "model": m, "layer_a": a + 1, "layer_b": b + 1,
                                 "relative_block_norm": float(g[a, b])})
            ax.set_xticks(range(L), [str(i + 1) for i in range(L)])
            ax.set_yticks(range(L), [str(i + 1) for i in range(L)])
            ax.tick_params(length=0)
            if r == 0:
                ax.set_title(title)
            if r == 1:
                ax.set_xlabel("layer b")
            if col == 0:
                ax.set_ylabel(f"{label}\nlayer a")
    fig.colorbar(im, ax=axes, shrink=0.85, label=r"$\|D_{ab}\|_F \,/\, \|H\|_F$")
    stamp(fig, ctx)
    cap = ("Thm 4 of Patrini et al. 2017 in blocks. Each cell is the Frobenius norm of the block D_ab of a "
           "Hessian difference D for "
           "the parameters (weights and biases) of layers a and b, relative to the norm of the clean Hessian H. Top: "
           "D = Hessian under noise (expected over the noisy label) minus the clean one; bottom: D = Hessian of the "
           "backward-corrected loss minus that of the plain loss, for the same label. Thm 4 says every cell is 0; "
           "the linear model and the diagonal (within-layer) blocks are 0 up to rounding (shown as 0 below 1e-12), "
           "the cross-layer blocks of ReLU networks are not. First of the random draws of patrini17.thm4_hessian "
           f"(the report quotes these grids as first_draw_relative_layer_blocks). No error bars: one exact draw. "
           f"{setting(ctx)}")
    return Drawn(fig, rows, cap)


@figure("patrini17_anchor_error", claim="patrini17.thm3_anchor")
def anchor_error_figure(ctx: Any) -> Drawn:
    """Error of the anchor-point estimate of ``T`` (Patrini et al. 2017, Eqs. 12-13) against the size of ``X'``:
    the Monte Carlo of ``patrini17.thm3_anchor`` with exact ``ptilde``."""
    from matplotlib.lines import Line2D  # matplotlib only when drawing (see the module docstring)

    res = anchor_curves_data(ctx)
    sizes = np.asarray(res["sizes"])
    err = np.asarray(res["error"])  # (population, estimator, size, seed)
    S = err.shape[-1]
    colors = ["#1b9e77", "#7570b3", "#d95f02"]
    fig, ax = new((3.4, 3.1))
    rows = []
    for p, name in enumerate(res["populations"]):
        for a, est in enumerate(res["estimators"]):
            ls = "-" if a == 0 else "--"
            m, s = err[p, a].mean(axis=-1), se(err[p, a], axis=-1)
            ax.errorbar(sizes, m, yerr=s, color=colors[p], ls=ls, marker="o", ms=2, capsize=1)
            lim = float(np.asarray(res["limit_error"])[p, a])
            ax.axhline(lim, color=colors[p], ls=":", lw=0.7)
            rows += [{"population": name, "estimator": est, "size": int(n), "mean_error": float(x),
                      "stderr": float(y), "seeds": S, "limit_error": lim} for n, x, y in zip(sizes, m, s)]
    ax.set_xscale("log")
    ax.set_xlabel("size of the unlabelled sample $X'$")
    ax.set_ylabel(r"$\|\hat T - T\|_\infty$")
    handles = [Line2D([], [], color=c, lw=3, label=n) for c, n in zip(colors, res["populations"])]
    handles += [Line2D([], [], color="k", ls="-", marker="o", ms=2, label=res["estimators"][0]),
                Line2D([], [], color="k", ls="--", marker="o", ms=2, label=res["estimators"][1]),
                Line2D([], [], color="k", ls=":", lw=0.7, label="exact large-sample limit")]
    fig.legend(handles=handles, loc="outside lower center", ncol=2, frameon=False, fontsize=6)
    ax.set_title(f"exact $\\tilde p$, MNIST flips N = {ANCHOR_N}, {S} samples per size")
    stamp(fig, ctx)
    cap = ("Error ||T_hat - T||_inf of the anchor-point estimator of Patrini et al. 2017, Eqs. 12-13 (argmax, "
           "solid; 97th "
           "percentile, dashed) against the size of the unlabelled sample X', with the exact noisy class "
           f"probabilities (Thm 3's assumption), MNIST flips at N = {ANCHOR_N}, for populations with 1% and 5% perfect "
           "examples per class and without any: the Monte Carlo of patrini17.thm3_anchor. Dotted lines: the exact "
           f"large-sample limit of each (colour) population and estimator. Points: mean over {S} independent samples "
           f"X'; error bars: one standard error of the mean. {setting(ctx)}")
    return Drawn(fig, rows, cap)


@figure("patrini17_accuracy_table", claim="patrini17.forward_beats_backward")
def accuracy_table_figure(ctx: Any) -> Drawn:
    """Table 2 in miniature as grouped bars: the runs of ``patrini17.forward_beats_backward``."""
    runs = table2_data(ctx)
    fig, axes = new((WIDE[0], 2.8), ncols=len(runs), sharey=True)
    axes = np.atleast_1d(axes)
    colors = ["#666666", "#d95f02", "#1b9e77", "#fdae6b", "#a1d99b"]
    rows = []
    for ax, (ds, run) in zip(axes, runs.items()):
        res = run["res"]
        acc = np.asarray(res["acc"]) * 100  # (method, setting, seed)
        M, K, S = acc.shape
        width = 0.8 / M
        for m, name in enumerate(res["methods"]):
            mean, s = np.nanmean(acc[m], axis=-1), np.nanstd(acc[m], axis=-1, ddof=1) / np.sqrt(S)
            ax.bar(np.arange(K) + (m - (M - 1) / 2) * width, mean, width, yerr=s, capsize=1,
                   color=colors[m % len(colors)], label=name, error_kw={"lw": 0.6})
            rows += [{"dataset": ds, "method": name, "setting": k, "mean_acc_percent": float(a),
                      "stderr_percent": float(b), "seeds": S} for k, a, b in zip(res["settings"], mean, s)]
        ax.set_xticks(np.arange(K), list(res["settings"]))
        ax.set_title(f"{ds}, {S} seeds")
        ax.set_ylim(0, 100)
    axes[0].set_ylabel("clean-test accuracy (%)")
    h, lab = axes[0].get_legend_handles_labels()
    fig.legend(h, lab, loc="outside lower center", ncol=len(lab), frameon=False, fontsize=6)
    stamp(fig, ctx)
    missing = "" if len(runs) > 1 else (" The 8x8 digits half is not shown: scikit-learn (the optional 'replicate' "
                                        "extra) is not installed, so the check decided on the clusters alone.")
    cap = ("Table 2 of Patrini et al. 2017 in miniature: clean-test accuracy of cross-entropy and of backward "
           "and forward correction "
           "with the true T and the estimated T_hat, for symmetric noise (N = 0.2) and the MNIST flips (N = 0.2, 0.6): "
           "the runs of patrini17.forward_beats_backward. Bars: mean over seeds; error bars: one standard error of the "
           f"mean (the report's table quotes the standard deviation, as Table 2 does).{missing} {setting(ctx)}")
    return Drawn(fig, rows, cap)


@figure("patrini17_backward_variance", claim="patrini17.backward_conditioning")
def backward_variance_figure(ctx: Any) -> Drawn:
    """Exact variance and bias of the backward-corrected cross-entropy against ``cond(T)``: the study of
    ``patrini17.backward_conditioning``."""
    import matplotlib  # only when drawing (see the module docstring)

    study = conditioning_data(ctx)
    cmap = matplotlib.colormaps["viridis"]
    fig, axes = new((WIDE[0], 3.0), ncols=2)
    families = sorted({p.family for p in study.points})
    markers = {fam: m for fam, m in zip(families, "os^")}
    rows = []
    for i, mix in enumerate(study.mixes):
        col = cmap(i / max(1, len(study.mixes) - 1))
        for fam in families:
            pts = study.select(fam, mix)
            cond = [p.cond_T for p in pts]
            var = [p.exact.variance for p in pts]
            bias = [abs(p.exact.mean - p.exact.clean_mean) for p in pts]
            rows += [{"family": fam, "mix": mix, "cond_T": float(c), "variance": float(v), "abs_bias": float(b)}
                     for c, v, b in zip(cond, var, bias)]
            ls = "-" if fam == families[0] else "--"
            label = f"{fam}, mix {mix:g}"
            axes[0].plot(cond, var, ls=ls, marker=markers[fam], ms=2.5, color=col, label=label)
            bias = np.where(np.asarray(bias) > 1e-12, bias, np.nan)  # exactly unbiased points: off the log scale
            axes[1].plot(cond, bias, ls=ls, marker=markers[fam], ms=2.5, color=col, label=label)
    for ax in axes:
        ax.set_xscale("log")
        ax.set_yscale("log")
        ax.set_xlabel("cond(T)")
    axes[0].set_ylabel("variance of the corrected loss")
    axes[1].set_ylabel("|bias| of the corrected risk")
    axes[1].set_ylim(bottom=3e-3)
    h, lab = axes[0].get_legend_handles_labels()
    fig.legend(h, lab, loc="outside right center", frameon=False, fontsize=5.5)
    axes[1].set_title("unmixed (mix 0): unbiased, off the log scale")
    stamp(fig, ctx)
    cap = ("Exact variance (left) and bias (right) of the backward-corrected cross-entropy against cond(T), for "
           "uniform noise and the sec. 5.1 MNIST flips as N -> 1/2, with T mixed with the identity by several weights "
           "(Patrini et al. 2017, secs. 4.1 and 6): the exact study of patrini17.backward_conditioning. Mixing "
           "trades variance for a "
           "bias that does not shrink with the sample size. No error bars: exact moments (the check cross-checks "
           f"them by Monte Carlo). {setting(ctx)}")
    return Drawn(fig, rows, cap)
