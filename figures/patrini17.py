"""Figures for Patrini et al. 2017 (``002``): Hessian blocks (Thm 4), backward variance, anchors, Table 2."""
from __future__ import annotations

from pathlib import Path

import numpy as np

from figures.registry import figure
from figures.style import WIDE, new, save


@figure("patrini17_hessian_blocks")
def hessian_blocks_figure(out: Path, fmt: str, precision: str) -> Path:
    """Per-layer-block norms of the Hessian difference, relative to the clean Hessian's norm.

    Top row: the Hessian under noise minus the clean one (Thm 4, first part); bottom row:
    the backward-corrected minus the plain Hessian for the same label (Thm 4, second part).
    Cells are blocks of (layer a, layer b) parameters, weights and biases together.
    Thm 4 says every cell is 0; the linear model and the diagonal (within-layer) blocks
    are, the cross-layer blocks of ReLU networks are not.
    """
    import matplotlib.pyplot as plt

    from figures.style import RC
    from simulate.hessian import block_difference_norms

    res = block_difference_norms(np.random.default_rng(0), comparisons=("noise", "backward"))
    models = [("linear", "linear softmax"), ("relu1", "ReLU, 1 hidden"), ("relu2", "ReLU, 2 hidden"),
              ("sigmoid1", "sigmoid, 1 hidden")]
    plt.rcParams.update(RC)
    fig, axes = plt.subplots(2, 4, figsize=(WIDE[0], 3.6))
    vmax = max(float(np.max(res[m][cmp].relative_layer_norms)) for m, _ in models for cmp in ("noise", "backward"))
    for row, (cmp, label) in enumerate((("noise", "noise - clean"), ("backward", "backward - plain"))):
        for col, (m, title) in enumerate(models):
            ax = axes[row, col]
            grid = np.asarray(res[m][cmp].relative_layer_norms)
            im = ax.imshow(grid, cmap="magma_r", vmin=0, vmax=vmax)
            L = grid.shape[0]
            for a in range(L):
                for b in range(L):
                    txt = "0" if grid[a, b] < 1e-12 else f"{grid[a, b]:.2g}"  # float rounding is ~1e-16
                    ax.text(b, a, txt, ha="center", va="center", fontsize=6,
                            color="white" if grid[a, b] > vmax / 2 else "black")
            ax.set_xticks(range(L), [f"L{i}" for i in range(L)], fontsize=6)
            ax.set_yticks(range(L), [f"L{i}" for i in range(L)], fontsize=6)
            if row == 0:
                ax.set_title(title)
            if col == 0:
                ax.set_ylabel(label)
    fig.colorbar(im, ax=axes, label=r"$\|D_{ab}\|_F / \|H\|_F$", shrink=0.8)
    return save(fig, out, "patrini17_hessian_blocks", fmt)
