"""Figures of sce19 (Wang et al. 2019, SCE, via Li's notes): per-class learning curves."""
from __future__ import annotations

from typing import Any

import numpy as np

from label_noise_lab.figures.style import WIDE, grid, se, setting, stamp
from paper_checks.api import Drawn, figure
from paper_checks.papers.sce19.claims import class_bias_data
from paper_checks.papers.sce19.studies import group_curves


@figure("sce19_class_curves", claim="sce19.class_bias")
def class_curves_figure(ctx: Any) -> Drawn:
    """Clean-test accuracy of the easy and hard classes against epochs, CE against SCE, for clean labels,
    symmetric and pair-flip noise: the training runs of ``sce19.class_bias``."""
    res = class_bias_data(ctx)
    groups = group_curves(np.asarray(res["class_acc"]), res["separations"])  # each (L, K, S, E+1)
    noises = list(res["noises"])
    losses = [str(loss) for loss in res["losses"]]
    fig, axes = grid(1, len(noises), (WIDE[0], 2.6), sharey=True)
    axes = np.atleast_1d(axes)
    colors = {0: "#d95f02", 1: "#1b9e77"}
    rows = []
    S = None
    for k, (ax, noise) in enumerate(zip(axes, noises)):
        for li, loss in enumerate(losses):
            for g, ls in (("easy", "-"), ("hard", "--")):
                runs = groups[g][li, k]  # (S, E+1)
                S = runs.shape[0]
                x = np.arange(runs.shape[-1])
                m, s = runs.mean(axis=0), se(runs)
                ax.plot(x, m, ls=ls, color=colors[li % 2], label=f"{'CE' if li == 0 else 'SCE'}, {g} classes")
                ax.fill_between(x, m - s, m + s, color=colors[li % 2], alpha=0.15, lw=0)
                rows += [{"noise": noise, "loss": loss, "group": g, "epoch": int(e), "mean_acc": float(a),
                          "stderr": float(b), "seeds": S} for e, a, b in zip(x, m, s)]
        ax.set_title(noise)
        ax.set_xlabel("epoch")
    axes[0].set_ylabel("clean-test accuracy of the group")
    h, lab = axes[0].get_legend_handles_labels()
    fig.legend(h, lab, loc="outside lower center", ncol=4, frameon=False, fontsize=6)
    stamp(fig, ctx)
    cap = ("Clean-test accuracy of the easy classes (solid) and hard classes (dashed) against the epoch (0: before "
           "training), CE against SCE (alpha 0.1, beta 1, A = -4), for clean labels, 40% symmetric and 40% pair-flip "
           "noise: the training runs of sce19.class_bias (the class bias (i) of S. Li's notes, and the notes' "
           "question whether "
           f"it holds for other noise). Lines: mean over {S} seeds; bands: one standard error of the mean. "
           f"{setting(ctx)}")
    return Drawn(fig, rows, cap)
