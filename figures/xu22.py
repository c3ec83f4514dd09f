"""Figures for Xu et al. 2022 (``001``, *reconstructed* claims): the collapse phase diagram under hard
negative mining and the hard-mined loss against ``d_iso``."""
from __future__ import annotations

from pathlib import Path

import numpy as np

from figures.registry import figure
from figures.style import WIDE, new, save
from simulate import collapse as sc
from simulate.isometry import d_iso_bounds, random_configuration


def _seeds(precision: str) -> int:
    return {"quick": 3, "standard": 5, "full": 10}[precision]


@figure("xu22_collapse_phase")
def collapse_phase_figure(out: Path, fmt: str, precision: str) -> Path:
    """Collapse score ``-log10(final/initial spread)`` of the clean test embeddings after training with
    hard negative mining, over batch size x embedding dimension, unnormalised and normalised (the
    setting of ``xu22.collapse_batch_dim``: mean over seeds; 1 = a tenfold shrinkage). The number in
    a cell is the fraction of seeds whose spread fell below 0.1 x its initial value."""
    task = sc.CollapseTask()
    res = sc.collapse_sweep(task, np.random.default_rng(0), batch_sizes=sc.PHASE_BATCH_SIZES, dims=sc.PHASE_DIMS,
                            n_seeds=_seeds(precision))
    score = sc.collapse_score(res["spread_ratio"]).mean(axis=0)  # (N, nB, nd)
    freq = res["collapsed"].mean(axis=0)
    lim = float(np.abs(score).max())
    fig, axes = new((WIDE[0], 2.9), ncols=2, sharey=True)
    for i, ax in enumerate(axes):
        im = ax.imshow(score[i], origin="lower", cmap="RdBu_r", vmin=-lim, vmax=lim, aspect="auto")
        for b in range(score.shape[1]):
            for d in range(score.shape[2]):
                if freq[i, b, d] > 0:
                    ax.text(d, b, f"{freq[i, b, d]:.1f}", ha="center", va="center", fontsize=6,
                            color="white" if abs(score[i, b, d]) > 0.6 * lim else "black")
        ax.set_xticks(range(len(res["dims"])), [str(d) for d in res["dims"]])
        ax.set_yticks(range(len(res["batch_sizes"])), [str(b) for b in res["batch_sizes"]])
        ax.set_xlabel("embedding dimension")
        ax.set_title(("normalised" if res["normalized"][i] else "unnormalised") + " embeddings, hard negatives")
    axes[0].set_ylabel("batch size")
    cb = fig.colorbar(im, ax=list(axes), shrink=0.9)
    cb.set_label("-log10(final / initial spread)")
    fig.text(0.01, -0.07, f"{_seeds(precision)} seeds, {task.steps} steps of gradient descent (lr {task.lr:g}, "
             f"alpha {task.alpha:g}); cell text: fraction of seeds whose spread fell below {task.threshold:g} x the "
             "initial one (blank: none)", fontsize=6)
    return save(fig, out, "xu22_collapse_phase", fmt)


@figure("xu22_loss_vs_diso")
def loss_vs_diso_figure(out: Path, fmt: str, precision: str) -> Path:
    """Left: the worst hard-mined term ``M`` against ``d_iso`` on random small labelled sets (alpha = 1);
    ``d_iso`` lies on the horizontal segment from its exact lower bound ``M/4`` to the verified upper
    bound (dot). The reconstruction's ``M <= 2 d_iso`` (dashed) fails above the dashed line;
    ``M <= 4 d_iso`` (solid) is the triangle-inequality bound, attained by the 3-point example (star).
    Right: where ``M < alpha``, the verified upper bound on ``d_iso`` against the claimed bound
    ``M diam / (alpha - M)``; every point lies below the diagonal."""
    n = {"quick": 12, "standard": 36, "full": 100}[precision]
    rng = np.random.default_rng(0)
    rows = []
    for _ in range(n):
        F, y, info = random_configuration(rng)
        b = d_iso_bounds(F, y, 1.0, rng)
        rows.append((b.M, b.lower, b.upper, b.diam, info["regime"]))
    M = np.array([r[0] for r in rows])
    lo = np.array([r[1] for r in rows])
    up = np.array([r[2] for r in rows])
    diam = np.array([r[3] for r in rows])
    regimes = [r[4] for r in rows]
    fig, (a1, a2) = new(WIDE, ncols=2)
    colors = {"spread": "#1b9e77", "clusters": "#7570b3", "nearly separated": "#d95f02", "collapsed": "#e7298a"}
    pos = M > 0  # M = 0: f is already separated, d_iso = 0 (off a log scale)
    for g, col in colors.items():
        k = pos & np.array([r == g for r in regimes])
        if not k.any():
            continue
        a1.hlines(M[k], lo[k], up[k], color=col, lw=0.8, alpha=0.7)
        a1.plot(up[k], M[k], "o", ms=3, color=col, label=g)
    xs = np.geomspace(min(float(lo[pos].min()), 0.1) * 0.7, float(up[pos].max()) * 1.4, 50)
    a1.loglog(xs, 2 * xs, "--", color="k", lw=0.8, label="M = 2 d_iso (claimed bound)")
    a1.loglog(xs, 4 * xs, "-", color="k", lw=0.8, label="M = 4 d_iso (proved bound)")
    a1.plot([0.1], [0.4], "*", ms=8, color="k", label="exact example: M = 2/5, d_iso = 1/10")
    a1.set_xlabel("d_iso (segment: [M/4, verified upper bound])")
    a1.set_ylabel("worst hard-mined term M")
    a1.legend(frameon=False, fontsize=5.5, loc="upper left")
    prem = (M < 1.0) & (M > 0)
    if prem.any():
        bound = M[prem] * diam[prem] / (1.0 - M[prem])
        for g, col in colors.items():
            k = np.array([r == g for r, p in zip(regimes, prem) if p])
            if k.any():
                a2.loglog(bound[k], up[prem][k], "o", ms=3, color=col, label=g)
        ends = [float(min(bound.min(), up[prem].min())) * 0.8, float(max(bound.max(), up[prem].max())) * 1.25]
        a2.loglog(ends, ends, "-", color="k", lw=0.8, label="d_iso = bound")
        a2.legend(frameon=False, fontsize=5.5, loc="upper left")
    a2.set_xlabel("claimed bound M diam f(X) / (alpha - M)")
    a2.set_ylabel("verified upper bound on d_iso")
    a2.set_title(f"{int(prem.sum())} sets with 0 < M < alpha = 1", fontsize=7)
    a1.set_title(f"{int(pos.sum())} of {n} random sets of 6-12 points (dimension 2-3) with M > 0", fontsize=7)
    return save(fig, out, "xu22_loss_vs_diso", fmt)
