"""Figures for Zhang & Sabuncu 2018 (``004``): the Eq. 7 / Eq. 10 bound widths and the training curves."""
from __future__ import annotations

from pathlib import Path

import numpy as np
import sympy

from figures.registry import figure
from figures.style import WIDE, new, save
from theory.gce import formula


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


@figure("gce18_bound_widths")
def bound_widths_figure(out: Path, fmt: str, precision: str) -> Path:
    """Where Eq. 11 holds (the Eq. 10 width below Eq. 7's), over ``(q, k)`` for c = 4, 10, 100.

    Blue: Eq. 10 tighter; red: looser. The paper's "k >= 0.3: for all q and c" and
    "k >= 0.2, c >= 10" would need the region above the dashed lines to be all blue.
    """
    from matplotlib.colors import ListedColormap
    from matplotlib.lines import Line2D
    from matplotlib.patches import Patch

    qs = np.linspace(0.005, 1.0, 300)
    ks = np.linspace(0.005, 0.995, 300)
    fig, axes = new(WIDE, ncols=3, sharey=True)
    cmap = ListedColormap(["#d6604d", "#4393c3"])
    for ax, c in zip(axes, (4, 10, 100)):
        _, _, margin = bound_widths(c, qs, ks)
        region = np.where(np.isnan(margin), np.nan, (margin > 0).astype(float))
        ax.pcolormesh(qs, ks, region.T, cmap=cmap, vmin=0, vmax=1, shading="auto", rasterized=True)
        ax.axhline(0.3, ls="--", color="k", lw=0.8)
        ax.axhline(0.2, ls=":", color="k", lw=0.8)
        ax.set_title(f"c = {c} (white: k < 1/c)")
        ax.set_xlabel("q")
    axes[0].set_ylabel("k")
    axes[-1].legend(handles=[Patch(color="#4393c3", label="Eq. 11 holds"), Patch(color="#d6604d", label="Eq. 11 fails"),
                             Line2D([], [], ls="--", color="k", lw=0.8, label="k = 0.3"),
                             Line2D([], [], ls=":", color="k", lw=0.8, label="k = 0.2")],
                    frameon=True, loc="lower left", fontsize=6)
    return save(fig, out, "gce18_bound_widths", fmt)


def _seeds(precision: str) -> int:
    return {"quick": 3, "standard": 6, "full": 12}[precision]


def _band(ax, x: np.ndarray, runs: np.ndarray, color: str, label: str, ls: str = "-") -> None:
    """Mean over seeds (axis 0) with a +-1 standard-error band."""
    m = runs.mean(axis=0)
    se = runs.std(axis=0, ddof=1) / np.sqrt(runs.shape[0])
    ax.plot(x, m, color=color, ls=ls, label=label)
    ax.fill_between(x, m - se, m + se, color=color, alpha=0.2, lw=0)


@figure("gce18_softmax_gap")
def softmax_gap_figure(out: Path, fmt: str, precision: str) -> Path:
    """Average softmax for the given label, correctly (solid) and wrongly (dashed) labelled
    training samples, CCE against ``L_q`` (q = 0.7), 40% uniform noise: the analogue of
    ``004`` Fig. 1c on 10 Gaussian clusters with a one-hidden-layer ReLU network (the
    setting of the ``gce18.softmax_gap`` check)."""
    from figures.style import COLORS, COLUMN
    from simulate.gce18_studies import softmax_gap_curves

    res = softmax_gap_curves(np.random.default_rng(0), q=0.7, eta=0.4, n_seeds=_seeds(precision), epochs=80, lr=3e-3)
    epochs = np.arange(res["softmax_wrong"].shape[-1])  # index 0: before training
    fig, ax = new(COLUMN)
    for i, (name, label) in enumerate((("cce", "CCE"), ("lq", "$L_q$, q = 0.7"))):
        _band(ax, epochs, res["softmax_correct"][i], COLORS[name], f"{label}, correct labels")
        _band(ax, epochs, res["softmax_wrong"][i], COLORS[name], f"{label}, wrong labels", ls="--")
    ax.set_xlabel("epoch")
    ax.set_ylabel("average softmax of the given label")
    ax.set_ylim(0, 1)
    ax.legend(frameon=False, fontsize=6)
    ax.set_title(r"40% uniform noise, mean $\pm$ s.e. over seeds")
    return save(fig, out, "gce18_softmax_gap", fmt)


@figure("gce18_accuracy_vs_epoch")
def accuracy_vs_epoch_figure(out: Path, fmt: str, precision: str) -> Path:
    """Clean-test accuracy against epochs for several q (q = 0 is CCE), clean and 40% noisy
    labels: the analogue of ``004`` Fig. 2 (the setting of the ``gce18.q_tradeoff`` check)."""
    import matplotlib

    from simulate.gce18_studies import accuracy_vs_epoch

    qs = (0.0, 0.4, 0.7, 1.0)
    cmap = matplotlib.colormaps["plasma"]
    fig, axes = new(WIDE, ncols=2)
    for ax, (eta, epochs, lr) in zip(axes, ((0.0, 40, 1e-3), (0.4, 80, 3e-3))):
        res = accuracy_vs_epoch(np.random.default_rng(1), qs=qs, etas=(eta,), n_seeds=_seeds(precision),
                                epochs=epochs, lr=lr)
        acc = res["test_acc"]  # (q, seed, eta, epoch)
        x = np.arange(acc.shape[-1])  # index 0: before training
        for i, q in enumerate(qs):
            _band(ax, x, acc[i, :, 0], cmap(i / len(qs)), "CCE" if q == 0 else f"q = {q}")
        ax.set_xlabel("epoch")
        ax.set_ylabel("clean-test accuracy")
        ax.set_title(fr"$\eta$ = {eta} (Adam, lr {lr:g})")
    axes[0].legend(frameon=False)
    return save(fig, out, "gce18_accuracy_vs_epoch", fmt)
