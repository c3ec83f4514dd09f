"""Figures of le19 (Le & Odobez 2019; reconstructed from the abstract, see ``claims.md``).

- ``le19_noisy_vs_clean_risk``: exact noisy against clean margin risk (balanced sampling) of the random
  embeddings of ``le19.margin_robust``, for a symmetric setting (``alpha = beta = 1``) and a non-symmetric
  one (``alpha = 0.2, beta = 1``), with the derived line ``R_eta = s R + alpha (1 - s)``
  (:func:`~paper_checks.papers.le19.risks.noisy_vs_clean_risk_data`).
- ``le19_recall_vs_noise``: clean-test Recall@1 of the networks ``le19.sampling`` trains, balanced against
  natural pair sampling, with the two derived thresholds
  (:func:`~paper_checks.papers.le19.training.sampling_training_data`).
"""
from __future__ import annotations

from typing import Any

import numpy as np

from label_noise_lab.figures.style import WIDE, new, se, setting, stamp
from label_noise_lab.theory.embedding import natural_threshold
from paper_checks.api import Drawn, figure
from paper_checks.papers.le19.risks import noisy_vs_clean_risk_data
from paper_checks.papers.le19.training import SAMPLING_TASK, sampling_training_data

#: the panels' titles, in the order of ``noisy_vs_clean_risk_data``'s panels
RISK_TITLES = (r"symmetric: $\alpha = \beta = 1$", r"not symmetric: $\alpha = 0.2$, $\beta = 1$")


@figure("le19_noisy_vs_clean_risk", claim="le19.margin_robust")
def noisy_vs_clean_risk_figure(ctx: Any) -> Drawn:
    """Noisy against clean balanced margin risk of the random class-structured embeddings of ``le19.margin_robust``."""
    # heavy: imported when a figure is drawn, not when the catalogue loads (label_noise_lab.figures.style)
    import matplotlib

    data = noisy_vs_clean_risk_data(ctx)  # the check's embeddings (same stream and count)
    c, etas = data["c"], list(data["slopes"])
    cmap = matplotlib.colormaps["viridis"]
    fig, axes = new((WIDE[0], 2.9), ncols=2)
    rows = []
    for ax, (alpha, beta, risks), title in zip(axes, data["panels"], RISK_TITLES):
        for i, eta in enumerate(etas):
            x, yv = risks[eta]
            col = cmap(i / (len(etas) - 0.5))
            ax.scatter(x, yv, s=7, color=col, label=fr"$\eta$ = {eta}", zorder=3)
            rows += [{"alpha": alpha, "beta": beta, "eta": eta, "clean_risk": float(a), "noisy_risk": float(b)}
                     for a, b in zip(x, yv)]
            if alpha >= max(beta, 2 - beta):
                s = data["slopes"][eta]
                xs = np.linspace(x.min(), x.max(), 2)
                ax.plot(xs, s * xs + alpha * (1 - s), color=col, lw=0.8, zorder=2)
        ax.set_xlabel("clean risk (balanced pairs)")
        ax.set_title(title)
    axes[0].set_ylabel("noisy risk (balanced pairs)")
    axes[0].plot([], [], color="grey", lw=0.8, label=r"$sR + \alpha(1-s)$")
    h, lab = axes[0].get_legend_handles_labels()
    fig.legend(h, lab, loc="outside lower center", ncol=len(lab), frameon=False, fontsize=6)
    stamp(fig, ctx)
    cap = (f"Exact noisy against clean margin risk (balanced positive and negative pairs) of the {data['candidates']} "
           f"random class-structured embeddings of le19.margin_robust (c = {c}, uniform noise), for a loss symmetric "
           f"on the "
           "sphere (alpha = beta = 1, left: the points lie on the derived lines R_eta = s R + alpha (1 - s), "
           "s = (1 - c eta/(c-1))^2) and a non-symmetric one (alpha = 0.2, right: no line). Exact risks, no error "
           f"bars. {setting(ctx)}")
    return Drawn(fig, rows, cap)


@figure("le19_recall_vs_noise", claim="le19.sampling")
def recall_vs_noise_figure(ctx: Any) -> Drawn:
    """Clean-test Recall@1 against the noise rate, balanced and natural pair sampling: the networks of
    ``le19.sampling``."""
    task = SAMPLING_TASK
    res = sampling_training_data(ctx)
    etas, seeds = res.etas, res.recall.shape[2]
    thr_nat = float(natural_threshold(task.c))
    thr_bal = (task.c - 1) / task.c
    fig, ax = new((3.4, 3.2))
    ax.axvspan(thr_nat, thr_bal, color="#eeeeee", lw=0, zorder=0, label="between the thresholds (tested)")
    rows = []
    for v, (name, col) in enumerate((("balanced (1:1) pairs", "#1b9e77"), ("natural pairs", "#d95f02"))):
        m, s = res.recall[v].mean(axis=1), se(res.recall[v], axis=1)
        ax.errorbar(etas, m, yerr=s, color=col, marker="o", ms=3, capsize=2, label=name)
        rows += [{"sampling": name, "eta": float(e), "mean_recall_at_1": float(a), "stderr": float(b), "seeds": seeds}
                 for e, a, b in zip(etas, m, s)]
    ax.axvline(thr_nat, color="#d95f02", ls=":", lw=0.9, label=fr"natural threshold $\eta_{{nat}}$ = {thr_nat:.3f}")
    ax.axvline(thr_bal, color="#1b9e77", ls=":", lw=0.9, label=fr"balanced threshold $(c-1)/c$ = {thr_bal:.3f}")
    ax.axhline(1.0 / task.c, color="grey", ls="--", lw=0.7, label="chance (1/c)")
    ax.set_xlabel(r"uniform noise rate $\eta$")
    ax.set_ylabel("Recall@1, clean test data")
    ax.set_title(f"symmetric margin loss, c = {task.c}, {seeds} seeds")
    ax.set_xlim(-0.02, 0.92)
    ax.set_ylim(0, 1)
    fig.legend(loc="outside lower center", ncol=2, frameon=False, fontsize=5.5)
    stamp(fig, ctx)
    cap = (f"Clean-test Recall@1 of networks trained with the symmetric margin loss on labels with uniform noise, "
           f"balanced (1:1) against natural pair sampling (c = {task.c}): the training study of le19.sampling, at the "
           f"noise rates its precision trains ({', '.join(f'{e:g}' for e in etas)}). The derived thresholds: natural "
           f"sampling tolerates eta < {thr_nat:.3f}, balanced sampling every eta != {thr_bal:.3f}; the check compares "
           "the two between the thresholds (grey band); it trains no network beyond 0.75, where recall is close to "
           f"chance. Points: mean over {seeds} seeds; error bars: one standard error of the mean. {setting(ctx)}")
    return Drawn(fig, rows, cap)
