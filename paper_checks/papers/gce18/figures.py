"""Figures for Zhang & Sabuncu 2018: where Eq. (11) holds, and the training curves.

Each draws the data of a public ``@figure_data`` function of the paper (the one its check uses).
"""
from __future__ import annotations

from typing import Any

import numpy as np
import sympy

from label_noise_lab.figures.registry import Drawn, figure
from label_noise_lab.figures.style import COLORS, COLUMN, WIDE, new, se, setting, stamp
from label_noise_lab.theory.gce import formula
from paper_checks.papers.gce18.sim import (
    GAP_SETTINGS,
    TRADEOFF_CLEAN,
    TRADEOFF_NOISY,
    q_tradeoff_data,
    softmax_gap_data,
)
from paper_checks.papers.gce18.truncation import eq11_region_data


def bound_widths(c: int, qs: np.ndarray, ks: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Widths of Eq. 7 and Eq. 10 on the grid ``qs x ks`` (NaN where ``k < 1/c``) and Eq. 11's margin."""
    w7, s7 = formula("eq7_width")
    w10, s10 = formula("eq10_width")
    f7 = sympy.lambdify(s7, w7, modules=["numpy", {"Max": np.maximum}])
    f10 = sympy.lambdify(s10, w10, modules=["numpy", {"Max": np.maximum}])
    Qg, Kg = np.meshgrid(qs, ks, indexing="ij")
    W7 = np.broadcast_to(np.asarray(f7(float(c), Qg), float), Qg.shape)
    W10 = np.asarray(f10(float(c), Qg, Kg), float)
    W10 = np.where(Kg >= 1.0 / c, W10, np.nan)
    return W7, W10, W7 - W10


PANEL_CS = (4, 10, 100)


@figure("gce18_eq11_region", claim="gce18.eq11_k03")
def eq11_region_figure(ctx: Any) -> Drawn:
    """Where Eq. 11 holds (the Eq. 10 width below Eq. 7's), over ``(q, k)`` for c = 4, 10, 100, with the
    boundary ``q*(k, c)`` that ``gce18.eq11_k03`` and ``gce18.eq11_k02`` report."""
    from matplotlib.colors import ListedColormap
    from matplotlib.lines import Line2D
    from matplotlib.patches import Patch

    data = eq11_region_data(ctx)
    n, qs, ks, qstar = data["n"], data["qs"], data["ks"], data["q_star"]
    fig, axes = new((WIDE[0], 2.7), ncols=3, sharey=True)
    blue, red = "#4393c3", "#d6604d"
    cmap = ListedColormap([red, blue])
    rows = []
    for ax, c in zip(axes, PANEL_CS):
        _, _, margin = bound_widths(c, qs, ks)
        region = np.where(np.isnan(margin), np.nan, (margin > 0).astype(float))
        ax.pcolormesh(qs, ks, region.T, cmap=cmap, vmin=0, vmax=1, shading="auto", rasterized=True)
        ax.axhline(0.3, ls="--", color="k", lw=0.8)
        ax.axhline(0.2, ls=":", color="k", lw=0.8)
        pts = [(float(key.split(",")[0][2:]), v) for key, v in qstar.items() if key.endswith(f",c={c}")]
        if pts:
            kk, qq = zip(*sorted(pts))
            ax.plot(qq, kk, "o", ms=2.5, mfc="white", mec="k", mew=0.7)
            rows += [{"c": c, "k": k_, "q_star": q_} for k_, q_ in zip(kk, qq)]
        ax.set_title(f"c = {c}")
        ax.set_xlabel("q")
        ax.set_xlim(0, 1)
        ax.set_ylim(0, 1)
    axes[0].set_ylabel("k")
    handles = [Patch(color=blue, label="Eq. 11 holds"), Patch(color=red, label="Eq. 11 fails"),
               Patch(facecolor="white", edgecolor="#999999", label="k < 1/c (Eq. 10 undefined)"),
               Line2D([], [], ls="--", color="k", lw=0.8, label="k = 0.3"),
               Line2D([], [], ls=":", color="k", lw=0.8, label="k = 0.2"),
               Line2D([], [], ls="", marker="o", ms=3, mfc="white", mec="k", label="q*(k, c) reported by the check")]
    fig.legend(handles=handles, loc="outside lower center", ncol=6, frameon=False, fontsize=6)
    stamp(fig, ctx)
    cap = ("Where Eq. 11 of Zhang & Sabuncu 2018 holds (blue: the width of the Eq. 10 bounds is below that of "
           "Eq. 7) over the "
           f"truncation level k and q, for c = {', '.join(map(str, PANEL_CS))} classes, on a {n} x {n} grid of the "
           "exact formulas (white: k < 1/c, where Eq. 10 does not apply). Circles: the boundary q*(k, c) that "
           "gce18.eq11_k03 and gce18.eq11_k02 report (Eq. 11 holds exactly for q < q*). The paper's 'k >= 0.3: for "
           "all q and c' and 'k >= 0.2, c >= 10' would need everything above the dashed (dotted) line to be blue. "
           f"No error bars: exact. {setting(ctx)}")
    return Drawn(fig, rows, cap)


def _band(ax: Any, x: np.ndarray, runs: np.ndarray, color: str, label: str,
          ls: str = "-") -> tuple[np.ndarray, np.ndarray]:
    """Mean over seeds (axis 0) with a +-1 standard-error band; returns (mean, s.e.)."""
    m = runs.mean(axis=0)
    s = se(runs)
    ax.plot(x, m, color=color, ls=ls, label=label)
    ax.fill_between(x, m - s, m + s, color=color, alpha=0.2, lw=0)
    return m, s


@figure("gce18_softmax_gap", claim="gce18.softmax_gap")
def softmax_gap_figure(ctx: Any) -> Drawn:
    """Average softmax for the given label, correctly and wrongly labelled training samples, CCE against
    ``L_q`` (q = 0.7), 40% uniform noise: the training runs of ``gce18.softmax_gap`` (Zhang & Sabuncu 2018, Fig. 1c)."""
    res = softmax_gap_data(ctx)
    sw, sc = np.asarray(res["softmax_wrong"]), np.asarray(res["softmax_correct"])  # (2, S, E + 1)
    epochs = np.arange(sw.shape[-1])  # index 0: before training
    S = sw.shape[1]
    fig, ax = new(COLUMN)
    rows = []
    for i, (name, label) in enumerate((("cce", "CCE"), ("lq", f"$L_q$, q = {GAP_SETTINGS['q']}"))):
        mc, sc_ = _band(ax, epochs, sc[i], COLORS[name], f"{label}, correct labels")
        mw, sw_ = _band(ax, epochs, sw[i], COLORS[name], f"{label}, wrong labels", ls="--")
        rows += [{"loss": res["losses"][i], "epoch": int(e), "softmax_correct_mean": float(a),
                  "softmax_correct_se": float(b), "softmax_wrong_mean": float(c),
                  "softmax_wrong_se": float(d), "seeds": S}
                 for e, a, b, c, d in zip(epochs, mc, sc_, mw, sw_)]
    ax.set_xlabel("epoch")
    ax.set_ylabel("average softmax of the given label")
    ax.set_ylim(0, 1)
    ax.legend(frameon=False, fontsize=6)
    ax.set_title(f"{GAP_SETTINGS['eta']:.0%} uniform noise, {S} seeds")
    stamp(fig, ctx)
    cap = (f"Average softmax output for the given (possibly wrong) label over correctly (solid) and wrongly (dashed) "
           "labelled training samples against the epoch (0: before training), CCE and L_q with q = "
           f"{GAP_SETTINGS['q']}, "
           f"{GAP_SETTINGS['eta']:.0%} uniform noise, Adam lr {GAP_SETTINGS['lr']:g}, 10 Gaussian clusters and a "
           f"one-hidden-layer ReLU network: the training runs of gce18.softmax_gap (the analogue of Zhang & "
           f"Sabuncu 2018, Fig. 1c). "
           f"Lines: mean over {S} seeds; bands: one standard error of the mean. {setting(ctx)}")
    return Drawn(fig, rows, cap)


@figure("gce18_accuracy_vs_epoch", claim="gce18.q_tradeoff")
def accuracy_vs_epoch_figure(ctx: Any) -> Drawn:
    """Clean-test accuracy against epochs for several q (q = 0 is CCE), clean and 40% noisy labels: the
    training runs of ``gce18.q_tradeoff`` (Zhang & Sabuncu 2018, Fig. 2)."""
    import matplotlib

    noisy, clean = q_tradeoff_data(ctx)
    cmap = matplotlib.colormaps["plasma"]
    fig, axes = new(WIDE, ncols=2, sharey=True)  # x: each half has its own length (titles)
    rows = []
    halves = ((clean, TRADEOFF_CLEAN, "clean labels"), (noisy, TRADEOFF_NOISY, "40% uniform noise"))
    for ax, (res, st, title) in zip(axes, halves):
        acc = np.asarray(res["test_acc"])  # (q, seed, eta, epoch)
        x = np.arange(acc.shape[-1])  # index 0: before training
        S = acc.shape[1]
        for i, q in enumerate(res["q"]):
            m, s = _band(ax, x, acc[i, :, 0], cmap(i / len(res["q"])), "CCE (q = 0)" if q == 0 else f"q = {q:g}")
            rows += [{"labels": title, "q": float(q), "epoch": int(e), "mean_acc": float(a), "stderr": float(b),
                      "seeds": S, "lr": st["lr"]} for e, a, b in zip(x, m, s)]
        ax.set_xlabel("epoch")
        ax.set_title(f"{title}: {st['epochs']} epochs, Adam lr {st['lr']:g}, {S} seeds")
    axes[0].set_ylabel("clean-test accuracy")
    axes[1].legend(frameon=False, loc="lower right")
    stamp(fig, ctx)
    cap = ("Clean-test accuracy against the epoch (0: before training) for L_q with q = 0 (CCE), 0.4, 0.7, 1, on clean "
           "labels (left) and 40% uniform noise (right): the training runs of gce18.q_tradeoff (the analogue of "
           f"Zhang & Sabuncu 2018, Fig. 2). The check uses a smaller step on clean labels (lr "
           f"{TRADEOFF_CLEAN['lr']:g}, "
           f"{TRADEOFF_CLEAN['epochs']} epochs) than under noise (lr {TRADEOFF_NOISY['lr']:g}, "
           f"{TRADEOFF_NOISY['epochs']} epochs) so that the speed of learning is resolved; the panels share the "
           "accuracy axis. "
           f"Lines: mean over seeds; bands: one standard error of the mean. {setting(ctx)}")
    return Drawn(fig, rows, cap)
