"""One look for every figure: column width, readable fonts, the non-interactive backend."""
from __future__ import annotations

from pathlib import Path
from typing import Any

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402

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
}

COLORS = {"cce": "#d95f02", "mae": "#1b9e77", "mse": "#7570b3", "lq": "#1f78b4", "unhinged": "#66a61e",
          "truncated_lq": "#e7298a"}


def new(size: tuple[float, float] = COLUMN, ncols: int = 1, **kw: Any) -> tuple[Any, Any]:
    """A figure and its axes in the house style."""
    plt.rcParams.update(RC)
    return plt.subplots(1, ncols, figsize=size, **kw)


def save(fig: Any, out: Path, name: str, fmt: str) -> Path:
    """Save ``fig`` as ``out/name.fmt`` and close it."""
    out.mkdir(parents=True, exist_ok=True)
    path = out / f"{name}.{fmt}"
    fig.savefig(path, format=fmt)
    plt.close(fig)
    return path
