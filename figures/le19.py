"""Figures of le19 (Le & Odobez 2019, ``000``; reconstructed from the abstract, see ``claims.md``).

- ``le19_noisy_vs_clean_risk``: exact noisy against clean margin risk (balanced sampling) of random
  embeddings, for a symmetric setting (``alpha = beta = 1``: every distance on the sphere in the
  band) and a non-symmetric one (``alpha = 0.2, beta = 1``), several noise rates, with the derived
  line ``R_eta = s R + alpha (1 - s)``, ``s = (1 - c eta/(c-1))^2`` (the ``le19.margin_robust`` setting).
- ``le19_recall_vs_noise``: clean-test Recall@1 of networks trained on noisy labels against the noise
  rate, balanced against natural pair sampling, with the two derived thresholds (the ``le19.sampling``
  study).
"""
from __future__ import annotations

from pathlib import Path

import numpy as np

from figures.registry import figure
from figures.style import COLUMN, WIDE, new, save


@figure("le19_noisy_vs_clean_risk")
def noisy_vs_clean_risk_figure(out: Path, fmt: str, precision: str) -> Path:
    """Noisy against clean balanced margin risk of random class-structured embeddings (c = 4)."""
    import matplotlib

    from simulate.embedding_risk import exact_pair_risks, random_class_embeddings
    from simulate.noise import uniform_noise
    from theory.embedding import stated_signal

    c = 4
    k = {"quick": 12, "standard": 30, "full": 60}[precision]
    rng = np.random.default_rng(0)
    cands = [random_class_embeddings(10, c, 8, rng, float(s)) for s in np.linspace(0.0, 3.0, k)]
    etas = (0.0, 0.2, 0.4, 0.6, 0.85)
    cmap = matplotlib.colormaps["viridis"]
    fig, axes = new(WIDE, ncols=2)
    for ax, (alpha, beta, title) in zip(axes, ((1.0, 1.0, r"symmetric: $\alpha = \beta = 1$"),
                                               (0.2, 1.0, r"not symmetric: $\alpha = 0.2$, $\beta = 1$"))):
        for i, eta in enumerate(etas):
            rr = [exact_pair_risks(E, y, uniform_noise(c, eta), alpha=alpha, beta=beta) for E, y in cands]
            x = np.array([r.clean for r in rr])
            yv = np.array([r.noisy for r in rr])
            col = cmap(i / (len(etas) - 0.5))
            ax.scatter(x, yv, s=6, color=col, label=fr"$\eta$ = {eta}", zorder=3)
            if alpha >= max(beta, 2 - beta):
                s = float(stated_signal(c, eta))
                xs = np.linspace(x.min(), x.max(), 2)
                ax.plot(xs, s * xs + alpha * (1 - s), color=col, lw=0.8, zorder=2)
        ax.set_xlabel("clean risk (balanced pairs)")
        ax.set_title(title)
    axes[0].set_ylabel("noisy risk (balanced pairs)")
    axes[0].plot([], [], color="grey", lw=0.8, label=r"$sR + \alpha(1-s)$")
    axes[0].legend(frameon=False, fontsize=6, title=f"c = {c}, uniform noise", title_fontsize=6)
    return save(fig, out, "le19_noisy_vs_clean_risk", fmt)


@figure("le19_recall_vs_noise")
def recall_vs_noise_figure(out: Path, fmt: str, precision: str) -> Path:
    """Clean-test Recall@1 against the noise rate, balanced and natural pair sampling (mean ± s.e.)."""
    from simulate.le19_studies import SAMPLING_STUDY_TASK, SAMPLING_STUDY_TRAIN, noisy_recall
    from theory.embedding import natural_threshold

    task = SAMPLING_STUDY_TASK
    seeds = {"quick": 3, "standard": 5, "full": 10}[precision]
    etas = {"quick": [0.0, 0.3, 0.45, 0.6, 0.75],
            "standard": [0.0, 0.15, 0.3, 0.45, 0.6, 0.75, 0.85],
            "full": [0.0, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.85]}[precision]
    root = np.random.SeedSequence(19)
    rngs = [np.random.default_rng(s) for s in root.spawn(seeds)]
    res = noisy_recall(task, etas, [{"sampling": "balanced"}, {"sampling": "natural"}], rngs, **SAMPLING_STUDY_TRAIN)
    fig, ax = new(COLUMN)
    for v, (name, col) in enumerate((("balanced (1:1) pairs", "#1b9e77"), ("natural pairs", "#d95f02"))):
        m = res.recall[v].mean(axis=1)
        se = res.recall[v].std(axis=1, ddof=1) / np.sqrt(seeds)
        ax.errorbar(etas, m, yerr=se, color=col, marker="o", ms=3, capsize=2, label=name)
    thr_nat = float(natural_threshold(task.c))
    ax.axvline(thr_nat, color="#d95f02", ls=":", lw=0.9, label=fr"natural threshold $\eta$ = {thr_nat:.3f}")
    ax.axvline((task.c - 1) / task.c, color="#1b9e77", ls=":", lw=0.9,
               label=fr"balanced: $\eta$ = (c-1)/c = {(task.c - 1) / task.c:.3f}")
    ax.axhline(1.0 / task.c, color="grey", ls="--", lw=0.7, label="chance (1/c)")
    ax.set_xlabel(r"uniform noise rate $\eta$")
    ax.set_ylabel("Recall@1, clean test data")
    ax.set_title(f"symmetric margin loss, c = {task.c}, {seeds} seeds")
    ax.set_ylim(0, 1)
    ax.legend(frameon=False, fontsize=5.5, loc="upper right")
    return save(fig, out, "le19_recall_vs_noise", fmt)
