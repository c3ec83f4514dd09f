"""Figures of imae19 (Wang et al. 2019, IMAE, Eqs. 9-13): example weights ``w(p_y) = ||dL/dz||_1``."""
from __future__ import annotations

from typing import Any

from label_noise_lab.figures.style import COLORS, WIDE, new, setting, stamp
from paper_checks.api import Drawn, figure
from paper_checks.papers.imae19.curves import weight_curves


@figure("imae19_weights", claim="imae19.eq11_variance")
def weights_figure(ctx: Any) -> Drawn:
    """Example weight ``||dL/dz||_1`` against ``p_y`` for CCE, MAE, ``L_q`` and IMAE, with exact variances
    for ``p_y ~ U(0, 1)``; right: the two forms of IMAE's Eq. 13."""
    data = weight_curves(ctx)
    ps, curves = data["p_y"], data["weights"]
    fig, axes = new((WIDE[0], 3.3), ncols=2)
    palette = [COLORS["cce"], COLORS["mae"], "#a6cee3", COLORS["lq"], "#fb9a99", "#e31a1c"]
    rows = []
    for col, (name, (w, var)) in zip(palette, curves.items()):
        axes[0].plot(ps, w, color=col, label=f"{name} (var {var:.3g})")
        rows += [{"panel": "weights", "curve": name, "p_y": float(p), "weight": float(v), "variance_uniform": var}
                 for p, v in zip(ps[::8], w[::8])]
    axes[0].set_ylim(0, 8)
    axes[0].set_xlabel(r"$p_y$")
    axes[0].set_ylabel(r"weight $\|\partial L / \partial z\|_1$")
    axes[0].legend(frameon=False, fontsize=6, loc="upper center", bbox_to_anchor=(0.5, -0.2), ncol=2)
    axes[0].set_title(r"weights; variance for $p_y \sim U(0, 1)$")
    for T, color in ((4, "#fb9a99"), (8, "#e31a1c")):
        for form, ls in (("paper", "-"), ("notes", "--")):
            vals, var = data["imae_forms"][(form, T)]
            label = (r"$e^{T p (1-p)}$" if form == "paper" else r"$e^{T p}(1-p)$") + f", T = {T} (var {var:.3g})"
            axes[1].plot(ps, vals, ls=ls, color=color, label=label)
            rows += [{"panel": "imae forms", "curve": f"{form}, T={T}", "p_y": float(p), "weight": float(v),
                      "variance_uniform": var} for p, v in zip(ps[::8], vals[::8])]
    axes[1].set_yscale("log")
    axes[1].set_xlabel(r"$p_y$")
    axes[1].legend(frameon=False, fontsize=6, loc="upper center", bbox_to_anchor=(0.5, -0.2), ncol=2)
    axes[1].set_title("IMAE: the two forms of Eq. 13")
    stamp(fig, ctx)
    cap = ("Left: the example weight ||dL/dz||_1 of S. Li's notes, Eqs. 9-13, against the softmax output p_y of "
           "the given label, "
           "for CCE, MAE, L_q (q = 0.3, 0.7) and IMAE in the form exp(T p (1-p)) that reproduces the reported "
           "variances; the legend gives each weight's exact variance for p_y ~ U(0, 1) (MAE: 4/45, as "
           "imae19.eq11_variance reports). Right: IMAE in the paper's form exp(T p (1-p)) (solid) against the notes' "
           f"exp(T p)(1-p) (dashed), log scale. Exact formulas (SymPy); no error bars. {setting(ctx)}")
    return Drawn(fig, rows, cap)
