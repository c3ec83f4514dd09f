"""Figures of dmi19 (Xu et al. 2019): DMI under noise (Eq. 32), and MI against DMI orders (Eqs. 26, 30)."""
from __future__ import annotations

from typing import Any

import numpy as np

from label_noise_lab.figures.style import WIDE, new, setting, stamp
from paper_checks.api import Drawn, figure
from paper_checks.papers.dmi19.invariance import mi_dmi_path
from paper_checks.papers.dmi19.theorem import dmi_vs_noise_data


@figure("dmi19_dmi_vs_noise", claim="dmi19.main_theorem")
def dmi_vs_noise_figure(ctx: Any) -> Drawn:
    """DMI of a fixed classifier with the noisy label, relative to its clean value, against the noise rate
    (uniform and pair-flip, c = 3): exact, sampled, Eq. 32's ``|det T|``, and Shannon MI for contrast."""
    data = dmi_vs_noise_data(ctx)
    n = data["samples"]
    fig, axes = new((WIDE[0], 2.9), ncols=2, sharey=True)
    rows = []
    for ax, family in zip(axes, ("uniform", "pair")):
        r = data[family]
        d0, m0 = float(r["dmi_clean"]), float(r["mi_clean"])
        det = np.abs(np.asarray(r["det_T"]))
        exact = np.asarray(r["dmi_noisy"]) / d0
        mc, mse = np.asarray(r["dmi_noisy_mc"]) / d0, np.asarray(r["dmi_noisy_se"]) / d0
        mi = np.asarray(r["mi_noisy"]) / m0
        ax.plot(r["eta"], det, color="#bbbbbb", lw=4.5, solid_capstyle="butt",
                label=r"$|\det T|$, Eq. 32's prediction (wide grey)")
        ax.plot(r["eta"], exact, color="#1b9e77", lw=1.2, label="DMI(h, noisy Y) / DMI(h, Y), exact")
        ax.errorbar(r["eta"], mc, yerr=mse, fmt="o", ms=2, color="#1b9e77", capsize=1, elinewidth=0.7,
                    label=f"the same from {n} samples, ±1 s.e.")
        ax.plot(r["eta"], mi, color="#d95f02", label="MI(h, noisy Y) / MI(h, Y), exact")
        rows += [{"family": family, "eta": float(e), "abs_det_T": float(a), "dmi_ratio_exact": float(b),
                  "dmi_ratio_sampled": float(c), "dmi_ratio_sampled_se": float(d), "mi_ratio_exact": float(f),
                  "samples": n} for e, a, b, c, d, f in zip(r["eta"], det, exact, mc, mse, mi)]
        ax.set_xlabel(r"noise rate $\eta$")
        ax.set_title(f"{family} noise, c = 3")
    axes[0].set_ylabel("ratio to the clean value")
    h, lab = axes[0].get_legend_handles_labels()
    fig.legend(h, lab, loc="outside lower center", ncol=2, frameon=False, fontsize=6)
    stamp(fig, ctx)
    cap = ("DMI of a fixed classifier h with the noisy label, relative to its clean value DMI(h, Y), against the noise "
           "rate for uniform and pair-flip noise with c = 3: exact (green line), and estimated from samples (points, "
           "error bars one standard error of the estimate); Eq. 32 of S. Li's notes predicts the ratio |det T| "
           "(wide grey line, "
           "which the exact green line covers: the identity dmi19.main_theorem proves). Shannon MI's ratio (orange) "
           f"does not follow |det T|. {setting(ctx)} (the samples use streams 100 and 101, not used by the check).")
    return Drawn(fig, rows, cap)


@figure("dmi19_mi_vs_dmi", claim="dmi19.mi_not_invariant")
def mi_vs_dmi_figure(ctx: Any) -> Drawn:
    """The exact counterexample of ``dmi19.mi_not_invariant``: along ``T(t) = (1-t) I + t T``, the MI order
    of two classifiers flips while their DMI order holds (Eqs. 26, 28, 30)."""
    r = mi_dmi_path(ctx)
    fig, axes = new((WIDE[0], 2.8), ncols=2)
    axes[0].plot(r["t"], r["mi_h"], color="#1b9e77", label="h")
    axes[0].plot(r["t"], r["mi_h2"], color="#7570b3", label="h'")
    if np.isfinite(r["mi_flip_t"]):
        axes[0].axvline(float(r["mi_flip_t"]), color="k", ls=":", lw=0.8, label="MI order flips (t = "
                                                                                f"{float(r['mi_flip_t']):.2f})")
    axes[0].set_ylabel("MI(h(X), noisy Y) (nats)")
    axes[1].plot(r["t"], r["dmi_h"], color="#1b9e77", label="h")
    axes[1].plot(r["t"], r["dmi_h2"], color="#7570b3", label="h'")
    axes[1].set_ylabel("DMI(h(X), noisy Y)")
    for ax in axes:
        ax.set_xlabel(r"$t$ in $T(t) = (1 - t) I + t\, T$")
        ax.legend(frameon=False, fontsize=6)
    axes[0].set_title("Shannon MI: the order flips (Eq. 26)")
    axes[1].set_title(r"DMI: the order holds while $\det T(t) \neq 0$ (Eq. 30)")
    stamp(fig, ctx)
    rows = [{"t": float(t), "det_T": float(d), "mi_h": float(a), "mi_h2": float(b), "dmi_h": float(c),
             "dmi_h2": float(e)}
            for t, d, a, b, c, e in zip(r["t"], r["det_T"], r["mi_h"], r["mi_h2"], r["dmi_h"], r["dmi_h2"])]
    cap = ("Mutual information (left) and DMI (right) of two classifiers h and h' with the noisy label, along the "
           "noise path T(t) = (1 - t) I + t T from clean labels (t = 0) to the T of the exact counterexample that "
           "dmi19.mi_not_invariant reports (t = 1; prior, A_h, A_h' and T as in the report). The MI order of h and h' "
           "flips on the way; the DMI order, DMI(h, noisy) = DMI(h, Y) |det T(t)|, holds while det T(t) is not 0. "
           f"Exact values, no error bars. {setting(ctx)}")
    return Drawn(fig, rows, cap)
