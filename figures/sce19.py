"""Figures for the SCE summary of ``003`` (Wang et al. 2019): per-class learning curves."""
from __future__ import annotations

from pathlib import Path

import numpy as np

from figures.registry import figure
from figures.style import new, save


@figure("sce19_class_curves")
def class_curves_figure(out: Path, fmt: str, precision: str) -> Path:
    """Clean-test accuracy of the easy (separation 4) and hard (separation 2) classes against
    epochs, CE against SCE (alpha 0.1, beta 1, A = -4), for clean labels, 40% symmetric and 40%
    pair-flip noise: the class bias of ``003`` (i) and the notes' question whether it holds
    for other noise. Mean +- s.e. over seeds; the setting of ``sce19.class_bias``."""
    import matplotlib.pyplot as plt

    from figures.style import RC, WIDE
    from simulate.sce19_studies import CLASS_BIAS_SEPARATIONS, class_accuracy_curves, group_curves

    n_seeds = {"quick": 3, "standard": 6, "full": 12}[precision]
    res = class_accuracy_curves(np.random.default_rng(0), n_seeds=n_seeds)
    groups = group_curves(np.asarray(res["class_acc"]), CLASS_BIAS_SEPARATIONS)  # each (L, K, S, E+1)
    noises = list(res["noises"])
    losses = [str(l) for l in res["losses"]]
    plt.rcParams.update(RC)
    fig, axes = plt.subplots(1, len(noises), figsize=(WIDE[0], 2.4), sharey=True)
    colors = {0: "#d95f02", 1: "#1b9e77"}
    for k, (ax, noise) in enumerate(zip(np.atleast_1d(axes), noises)):
        for li, loss in enumerate(losses):
            for g, ls in (("easy", "-"), ("hard", "--")):
                runs = groups[g][li, k]  # (S, E+1)
                x = np.arange(runs.shape[-1])
                m = runs.mean(axis=0)
                se = runs.std(axis=0, ddof=1) / np.sqrt(runs.shape[0])
                ax.plot(x, m, ls=ls, color=colors[li % 2], label=f"{'CE' if li == 0 else 'SCE'}, {g} classes")
                ax.fill_between(x, m - se, m + se, color=colors[li % 2], alpha=0.15, lw=0)
        ax.set_title(noise)
        ax.set_xlabel("epoch")
    np.atleast_1d(axes)[0].set_ylabel("clean-test accuracy of the group")
    np.atleast_1d(axes)[0].legend(frameon=False, fontsize=6)
    return save(fig, out, "sce19_class_curves", fmt)
