"""Figures for Patrini et al. 2017 (``002``): Hessian blocks (Thm 4), backward variance, anchors, Table 2."""
from __future__ import annotations

from pathlib import Path

import numpy as np

from figures.registry import figure
from figures.style import WIDE, new, save


@figure("patrini17_hessian_blocks")
def hessian_blocks_figure(out: Path, fmt: str, precision: str) -> Path:
    """Per-layer-block norms of the Hessian difference, relative to the clean Hessian's norm.

    Top row: the Hessian under noise minus the clean one (Thm 4, first part); bottom row:
    the backward-corrected minus the plain Hessian for the same label (Thm 4, second part).
    Cells are blocks of (layer a, layer b) parameters, weights and biases together.
    Thm 4 says every cell is 0; the linear model and the diagonal (within-layer) blocks
    are, the cross-layer blocks of ReLU networks are not.
    """
    import matplotlib.pyplot as plt

    from figures.style import RC
    from simulate.hessian import block_difference_norms

    res = block_difference_norms(np.random.default_rng(0), comparisons=("noise", "backward"))
    models = [("linear", "linear softmax"), ("relu1", "ReLU, 1 hidden"), ("relu2", "ReLU, 2 hidden"),
              ("sigmoid1", "sigmoid, 1 hidden")]
    plt.rcParams.update(RC)
    fig, axes = plt.subplots(2, 4, figsize=(WIDE[0], 3.6))
    vmax = max(float(np.max(res[m][cmp].relative_layer_norms)) for m, _ in models for cmp in ("noise", "backward"))
    for row, (cmp, label) in enumerate((("noise", "noise - clean"), ("backward", "backward - plain"))):
        for col, (m, title) in enumerate(models):
            ax = axes[row, col]
            grid = np.asarray(res[m][cmp].relative_layer_norms)
            im = ax.imshow(grid, cmap="magma_r", vmin=0, vmax=vmax)
            L = grid.shape[0]
            for a in range(L):
                for b in range(L):
                    txt = "0" if grid[a, b] < 1e-12 else f"{grid[a, b]:.2g}"  # float rounding is ~1e-16
                    ax.text(b, a, txt, ha="center", va="center", fontsize=6,
                            color="white" if grid[a, b] > vmax / 2 else "black")
            ax.set_xticks(range(L), [f"L{i}" for i in range(L)], fontsize=6)
            ax.set_yticks(range(L), [f"L{i}" for i in range(L)], fontsize=6)
            if row == 0:
                ax.set_title(title)
            if col == 0:
                ax.set_ylabel(label)
    fig.colorbar(im, ax=axes, label=r"$\|D_{ab}\|_F / \|H\|_F$", shrink=0.8)
    return save(fig, out, "patrini17_hessian_blocks", fmt)


@figure("patrini17_anchor_error")
def anchor_error_figure(out: Path, fmt: str, precision: str) -> Path:
    """Error of the anchor-point estimate of ``T`` (``002`` Eqs. 12-13) against the size of ``X'``.

    Exact ``ptilde`` (Thm 3's assumption 2), MNIST flips at N = 0.2; argmax (solid) and 97th
    percentile (dashed), for populations with 1% and 5% perfect examples per class and without
    any. Dotted lines: the exact large-sample limits. The setting of ``patrini17.thm3_anchor``.
    """
    from figures.style import COLUMN
    from simulate.anchors import anchor_error_curves, standard_anchor_populations
    from simulate.noise import mnist_flips as mnist_flip_matrix

    rng = np.random.default_rng(0)
    pops = standard_anchor_populations(10, rng)
    n_seeds = {"quick": 5, "standard": 20, "full": 40}[precision]
    res = anchor_error_curves(rng, mnist_flip_matrix(0.2), pops, n_seeds=n_seeds)
    sizes = np.asarray(res["sizes"])
    err = np.asarray(res["error"])  # (population, estimator, size, seed)
    colors = ["#1b9e77", "#7570b3", "#d95f02"]
    fig, ax = new(COLUMN)
    for p, name in enumerate(res["populations"]):
        for a, est in enumerate(res["estimators"]):
            ls = "-" if a == 0 else "--"
            m = err[p, a].mean(axis=-1)
            se = err[p, a].std(axis=-1, ddof=1) / np.sqrt(err.shape[-1])
            ax.errorbar(sizes, m, yerr=se, color=colors[p], ls=ls, marker="o", ms=2, capsize=1,
                        label=f"{name}, {est}")
            ax.axhline(float(np.asarray(res["limit_error"])[p, a]), color=colors[p], ls=":", lw=0.6)
    ax.set_xscale("log")
    ax.set_xlabel("size of $X'$")
    ax.set_ylabel(r"$\|\hat T - T\|_\infty$")
    ax.legend(frameon=False, fontsize=5)
    ax.set_title("anchor estimator, exact $\\tilde p$, MNIST flips N = 0.2")
    return save(fig, out, "patrini17_anchor_error", fmt)


@figure("patrini17_accuracy_table")
def accuracy_table_figure(out: Path, fmt: str, precision: str) -> Path:
    """Table 2 in miniature as grouped bars: clean-test accuracy of cross-entropy, backward and
    forward correction (true and estimated ``T``) for the three noise settings, on Gaussian
    clusters and, when scikit-learn is installed, its bundled digits. Mean +- s.e. over seeds;
    the setting of ``patrini17.forward_beats_backward``."""
    from simulate.patrini17_studies import correction_accuracy

    n_seeds = {"quick": 3, "standard": 6, "full": 12}[precision]
    datasets = ["clusters"]
    try:
        import sklearn  # noqa: F401

        datasets.append("digits")
    except ImportError:  # the optional 'replicate' extra is absent: clusters only
        pass
    fig, axes = new(WIDE, ncols=len(datasets), sharey=True)
    axes = np.atleast_1d(axes)
    colors = ["#666666", "#d95f02", "#1b9e77", "#fdae6b", "#a1d99b"]
    for ax, ds in zip(axes, datasets):
        res = correction_accuracy(np.random.default_rng(3), dataset=ds, n_seeds=n_seeds)
        acc = np.asarray(res["acc"]) * (100 if np.nanmax(res["acc"]) <= 1 else 1)  # (method, setting, seed)
        M, K, S = acc.shape
        width = 0.8 / M
        for m, name in enumerate(res["methods"]):
            mean = np.nanmean(acc[m], axis=-1)
            se = np.nanstd(acc[m], axis=-1, ddof=1) / np.sqrt(S)
            ax.bar(np.arange(K) + (m - (M - 1) / 2) * width, mean, width, yerr=se, capsize=1,
                   color=colors[m % len(colors)], label=name)
        ax.set_xticks(np.arange(K), list(res["settings"]))
        ax.set_title("Gaussian clusters" if ds == "clusters" else "8x8 digits (scikit-learn)")
        ax.set_ylim(40, 100)
    axes[0].set_ylabel("clean-test accuracy (%)")
    axes[-1].legend(frameon=False, fontsize=6, loc="lower left")
    return save(fig, out, "patrini17_accuracy_table", fmt)


@figure("patrini17_backward_variance")
def backward_variance_figure(out: Path, fmt: str, precision: str) -> Path:
    """Exact variance (left) and bias (right) of the backward-corrected cross-entropy against
    ``cond(T)``, for uniform noise and the sec. 5.1 MNIST flips as N -> 1/2, with ``T`` mixed
    with the identity by several weights (``002`` sec. 4.1, 6). Mixing trades variance for a
    bias that does not shrink with the sample size. The setting of ``patrini17.backward_conditioning``."""
    import matplotlib

    from simulate.correction_mc import conditioning_study

    study = conditioning_study(np.random.default_rng(0))
    cmap = matplotlib.colormaps["viridis"]
    fig, axes = new(WIDE, ncols=2)
    families = sorted({p.family for p in study.points})
    markers = {fam: m for fam, m in zip(families, "os^")}
    for i, mix in enumerate(study.mixes):
        col = cmap(i / max(1, len(study.mixes) - 1))
        for fam in families:
            pts = study.select(fam, mix)
            cond = [p.cond_T for p in pts]
            var = [p.exact.variance for p in pts]
            bias = [abs(p.exact.mean - p.exact.clean_mean) for p in pts]
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
    axes[1].set_ylim(bottom=1e-4)
    axes[0].legend(frameon=False, fontsize=5, ncol=2)
    axes[1].set_title("unmixed: unbiased (not shown on the log scale)")
    return save(fig, out, "patrini17_backward_variance", fmt)
