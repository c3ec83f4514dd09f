"""Figures for Xu et al. 2022 (*reconstructed* claims): the collapse phase diagram under hard negative
mining (:func:`~paper_checks.papers.xu22.claims.collapse_sweep_data`) and the hard-mined loss against
``d_iso`` (:func:`~paper_checks.papers.xu22.claims.iso_trials_data`)."""
from __future__ import annotations

from typing import Any

import numpy as np

from label_noise_lab.figures.style import WIDE, new, setting, stamp
from label_noise_lab.simulate.embedding import collapse as sc
from paper_checks.api import Drawn, figure
from paper_checks.papers.xu22.claims import ISO_ALPHA, TASK, collapse_sweep_data, iso_trials_data


@figure("xu22_collapse_phase", claim="xu22.collapse_batch_dim")
def collapse_phase_figure(ctx: Any) -> Drawn:
    """Collapse score over batch size x embedding dimension, unnormalised and normalised: the sweep of
    ``xu22.collapse_batch_dim``."""
    task = TASK
    res = collapse_sweep_data(ctx)
    score_runs = sc.collapse_score(res["spread_ratio"])  # (S, N, nB, nd)
    S = score_runs.shape[0]
    score = score_runs.mean(axis=0)
    freq = res["collapsed"].mean(axis=0)
    lim = float(np.abs(score).max())
    fig, axes = new((WIDE[0], 2.7), ncols=2, sharey=True)
    rows = []
    im = None
    for i, ax in enumerate(axes):
        label = "normalised" if res["normalized"][i] else "unnormalised"
        im = ax.imshow(score[i], origin="lower", cmap="RdBu_r", vmin=-lim, vmax=lim, aspect="auto")
        for b in range(score.shape[1]):
            for d in range(score.shape[2]):
                rows.append({"embeddings": label, "batch_size": int(res["batch_sizes"][b]), "dim": int(res["dims"][d]),
                             "collapse_score_mean": float(score[i, b, d]), "collapsed_fraction": float(freq[i, b, d]),
                             "seeds": S})
                if freq[i, b, d] > 0:
                    ax.text(d, b, f"{freq[i, b, d]:.1f}", ha="center", va="center", fontsize=6,
                            color="white" if abs(score[i, b, d]) > 0.6 * lim else "black")
        ax.set_xticks(range(len(res["dims"])), [str(d) for d in res["dims"]])
        ax.set_yticks(range(len(res["batch_sizes"])), [str(b) for b in res["batch_sizes"]])
        ax.set_xlabel("embedding dimension")
        ax.set_title(f"{label} embeddings, hard negatives")
    axes[0].set_ylabel("batch size")
    cb = fig.colorbar(im, ax=list(axes), shrink=0.9)
    cb.set_label(r"collapse score $-\log_{10}$(final / initial spread)")
    stamp(fig, ctx)
    cap = (f"Collapse score -log10(final / initial spread) of the clean test embeddings after {task.steps} steps of "
           f"gradient descent with hard negative mining (lr {task.lr:g}, margin alpha {task.alpha:g}), over batch size "
           "and embedding dimension, unnormalised and normalised embeddings: the sweep of xu22.collapse_batch_dim "
           f"(a reconstructed claim). Colour: mean over {S} seeds (1 = a tenfold shrinkage; blue: the spread grew). "
           f"Cell text: the fraction of seeds whose spread fell below {task.threshold:g} x its initial value (blank: "
           f"none). No error bars: the spread over seeds of the trends the check tests is in the report "
           f"(trend_per_seed_batch, trend_per_seed_dim). {setting(ctx)}")
    return Drawn(fig, rows, cap)


@figure("xu22_loss_vs_diso", claim="xu22.hnm_isometry")
def loss_vs_diso_figure(ctx: Any) -> Drawn:
    """The worst hard-mined term ``M`` against ``d_iso`` and the reconstructed bound on ``d_iso``: the random sets of
    ``xu22.hnm_isometry``."""
    trials = iso_trials_data(ctx)
    n = len(trials)
    M = np.array([b.M for *_, b in trials])
    lo = np.array([b.lower for *_, b in trials])
    up = np.array([b.upper for *_, b in trials])
    diam = np.array([b.diam for *_, b in trials])
    regimes = [info["regime"] for _, _, info, _ in trials]
    rows = [{"regime": g, "M": float(m), "d_iso_lower": float(a), "d_iso_upper": float(b), "diam": float(d),
             "claimed_bound": float(m * d / (ISO_ALPHA - m)) if m < ISO_ALPHA else None}
            for g, m, a, b, d in zip(regimes, M, lo, up, diam)]
    fig, (a1, a2) = new((WIDE[0], 3.0), ncols=2)
    colors = {"spread": "#1b9e77", "clusters": "#7570b3", "nearly separated": "#d95f02", "collapsed": "#e7298a"}
    pos = M > 0  # M = 0: f is already separated, d_iso = 0 (off a log scale)
    for g, col in colors.items():
        k = pos & np.array([r == g for r in regimes])
        if not k.any():
            continue
        a1.hlines(M[k], lo[k], up[k], color=col, lw=0.8, alpha=0.7)
        a1.plot(up[k], M[k], "o", ms=3, color=col, label=g)
    if pos.any():
        xs = np.geomspace(min(float(lo[pos].min()), 0.1) * 0.7, float(up[pos].max()) * 1.4, 50)
        a1.loglog(xs, 2 * xs, "--", color="k", lw=0.8, label=r"$M = 2\,d_{\mathrm{iso}}$ (reconstruction)")
        a1.loglog(xs, 4 * xs, "-", color="k", lw=0.8, label=r"$M = 4\,d_{\mathrm{iso}}$ (proved)")
    a1.plot([0.1], [0.4], "*", ms=8, color="k", label=r"exact: $M = 2/5$, $d_{\mathrm{iso}} = 1/10$")
    a1.set_xlabel(r"$d_{\mathrm{iso}}$")
    a1.set_ylabel(r"worst hard-mined term $M$")
    a1.legend(frameon=False, fontsize=5.5, loc="upper left")
    a1.set_title(f"{int(pos.sum())} of {n} random sets with $M > 0$")
    prem = (M < ISO_ALPHA) & (M > 0)
    if prem.any():
        bound = M[prem] * diam[prem] / (ISO_ALPHA - M[prem])
        for g, col in colors.items():
            k = np.array([r == g for r, p in zip(regimes, prem) if p])
            if k.any():
                a2.loglog(bound[k], up[prem][k], "o", ms=3, color=col, label=g)
        ends = [float(min(bound.min(), up[prem].min())) * 0.8, float(max(bound.max(), up[prem].max())) * 1.25]
        a2.loglog(ends, ends, "-", color="k", lw=0.8, label=r"$d_{\mathrm{iso}}$ = bound")
        a2.legend(frameon=False, fontsize=5.5, loc="upper left")
    a2.set_xlabel(r"reconstructed bound $M\,\mathrm{diam}\,f(X) / (\alpha - M)$")
    a2.set_ylabel(r"verified upper bound on $d_{\mathrm{iso}}$")
    a2.set_title(fr"{int(prem.sum())} sets with $0 < M < \alpha = {ISO_ALPHA:g}$")
    stamp(fig, ctx)
    cap = ("Left: the worst hard-mined term M against d_iso on the random small labelled sets (6-12 points, dimension "
           "2-3) of xu22.hnm_isometry (a reconstructed claim; alpha = 1). d_iso is known to lie on the horizontal "
           "segment from its exact lower bound M/4 to a verified upper bound (dot). The reconstruction's M <= 2 d_iso "
           "(dashed) fails for points above the dashed line; M <= 4 d_iso (solid) is the triangle-inequality bound, "
           "attained by the exact 3-point example (star). Right: where 0 < M < alpha, the verified upper bound on "
           "d_iso against the reconstructed bound M diam f(X) / (alpha - M); every point lies below the diagonal. "
           f"Bounds, not estimates: no error bars. {setting(ctx)}")
    return Drawn(fig, rows, cap)
