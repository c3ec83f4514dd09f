"""Figures for the IMAE summary of ``003`` (Wang et al.): example weights ``w(p_y) = ||dL/dz||_1``."""
from __future__ import annotations

from pathlib import Path

import numpy as np
import sympy

from figures.registry import figure
from figures.style import COLORS, WIDE, new, save


def weight_curves(ps: np.ndarray) -> dict[str, tuple[np.ndarray, float]]:
    """``w(p)`` on ``ps`` and its exact variance for ``p ~ U(0, 1)`` (``003`` Eqs. 9-13)."""
    from theory.gradients import P, imae_weight, uniform_moments, weight

    out: dict[str, tuple[np.ndarray, float]] = {}
    specs = [("CCE", weight("cce")), ("MAE", weight("mae"))]
    specs += [(f"$L_q$, q = {q}", weight("lq", q=sympy.Rational(q).limit_denominator(10))) for q in (0.3, 0.7)]
    specs += [(f"IMAE, T = {T}", imae_weight("paper", T)) for T in (4, 8)]
    for name, w in specs:
        f = sympy.lambdify(P, w, "numpy")
        var = float(sympy.N(uniform_moments(w).variance, 15))
        out[name] = (np.broadcast_to(np.asarray(f(ps), float), ps.shape), var)
    return out


@figure("imae19_weights")
def weights_figure(out: Path, fmt: str, precision: str) -> Path:
    """Example weight ``||dL/dz||_1`` against ``p_y`` for CCE, MAE, ``L_q`` and IMAE
    (``exp(T p (1-p))``, the form that reproduces the reported variances), variances for
    ``p_y ~ U(0, 1)`` in the legend; right: IMAE in the notes' form ``exp(T p)(1 - p)``,
    whose variance is far from the reported 4.55."""
    from theory.gradients import P, imae_weight, uniform_moments

    ps = np.linspace(0.0, 1.0, 401)
    curves = weight_curves(ps)
    fig, axes = new(WIDE, ncols=2)
    palette = [COLORS["cce"], COLORS["mae"], "#a6cee3", COLORS["lq"], "#fb9a99", "#e31a1c"]
    for col, (name, (w, var)) in zip(palette, curves.items()):
        axes[0].plot(ps, w, color=col, label=f"{name} (var {var:.3g})")
    axes[0].set_ylim(0, 11.5)  # headroom for the legend above the T = 8 peak (e^2)
    axes[0].set_xlabel(r"$p_y$")
    axes[0].set_ylabel(r"weight $\|\partial L / \partial z\|_1$")
    axes[0].legend(frameon=False, fontsize=6, loc="upper left", ncol=2)
    axes[0].set_title("weights, with variance for $p_y \\sim U(0, 1)$")
    for T in (4, 8):
        for form, ls in (("paper", "-"), ("notes", "--")):
            w = imae_weight(form, T)
            f = sympy.lambdify(P, w, "numpy")
            var = float(sympy.N(uniform_moments(w).variance, 15))
            label = ("exp(T p (1-p))" if form == "paper" else "exp(T p)(1-p)") + f", T = {T} (var {var:.3g})"
            axes[1].plot(ps, np.broadcast_to(f(ps), ps.shape), ls=ls, label=label)
    axes[1].set_yscale("log")
    axes[1].set_xlabel(r"$p_y$")
    axes[1].legend(frameon=False, fontsize=6)
    axes[1].set_title("IMAE: the two forms of Eq. 13")
    return save(fig, out, "imae19_weights", fmt)
