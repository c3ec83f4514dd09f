"""One look for every figure: column width, readable fonts, the non-interactive backend."""
from __future__ import annotations

import functools
from pathlib import Path
from typing import Any

COLUMN = (3.4, 2.6)  # inches: one column of a two-column paper
WIDE = (7.0, 2.6)  # both columns

RC = {
    "font.size": 8,
    "axes.titlesize": 8,
    "axes.labelsize": 8,
    "legend.fontsize": 7,
    "xtick.labelsize": 7,
    "ytick.labelsize": 7,
    "lines.linewidth": 1.2,
    "axes.spines.top": False,
    "axes.spines.right": False,
    "figure.dpi": 200,
    "savefig.bbox": "tight",
    "savefig.pad_inches": 0.03,
}

COLORS = {"cce": "#d95f02", "mae": "#1b9e77", "mse": "#7570b3", "lq": "#1f78b4", "unhinged": "#66a61e",
          "truncated_lq": "#e7298a"}


@functools.cache
def pyplot() -> Any:
    """``matplotlib.pyplot`` on the non-interactive Agg backend, imported on the first figure drawn:
    loading claims modules (which register their figures) does not pay the ~0.4 s import."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    return plt


def new(size: tuple[float, float] = COLUMN, ncols: int = 1, **kw: Any) -> tuple[Any, Any]:
    """A figure and its axes in the house style."""
    plt = pyplot()
    plt.rcParams.update(RC)
    kw.setdefault("layout", "constrained")
    return plt.subplots(1, ncols, figsize=size, **kw)


def save(fig: Any, out: Path, name: str, fmt: str) -> Path:
    """Save ``fig`` as ``out/name.fmt`` and close it (for figures of the old form; new ones return
    :class:`label_noise_lab.figures.registry.Drawn` and :func:`label_noise_lab.figures.registry.save` writes data and
    caption too)."""
    out.mkdir(parents=True, exist_ok=True)
    path = out / f"{name}.{fmt}"
    fig.savefig(path, format=fmt)
    pyplot().close(fig)
    return path


def grid(nrows: int, ncols: int, size: tuple[float, float], **kw: Any) -> tuple[Any, Any]:
    """A figure with ``nrows x ncols`` axes in the house style (constrained layout)."""
    plt = pyplot()
    plt.rcParams.update(RC)
    return plt.subplots(nrows, ncols, figsize=size, layout="constrained", **kw)


def setting(ctx: Any) -> str:
    """The run settings a caption must state: claim stream, seed and precision."""
    return f"Seed {ctx.seed}, precision '{ctx.precision}', random stream of claim {ctx.claim_id}."


def stamp(fig: Any, ctx: Any) -> None:
    """A small grey note of seed and precision in the upper left corner of ``fig`` (the right one
    collided with the last panel's title)."""
    fig.text(0.001, 0.999, f"seed {ctx.seed} \u00b7 {ctx.precision}", ha="left", va="top", fontsize=5,
             color="#888888")


def se(runs: Any, axis: int = 0) -> Any:
    """Standard error of the mean over ``axis`` (ddof 1)."""
    import numpy as np

    runs = np.asarray(runs, float)
    return runs.std(axis=axis, ddof=1) / np.sqrt(runs.shape[axis])
