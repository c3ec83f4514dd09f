"""Figures for the L_DMI summary of ``003`` (Xu et al. 2019): DMI under noise, and MI against DMI orders."""
from __future__ import annotations

from pathlib import Path

import numpy as np

from figures.registry import figure
from figures.style import WIDE, new, save


@figure("dmi19_dmi_vs_noise")
def dmi_vs_noise_figure(out: Path, fmt: str, precision: str) -> Path:
    """DMI of a fixed classifier with the noisy label, relative to its clean value, against the
    noise rate (uniform and pair-flip, c = 3): exact (line) and sampled (points, +- 5 s.e.) on
    Eq. 32's ``|det T|`` (dashed); Shannon MI's ratio for contrast. The setting of ``dmi19.main_theorem``."""
    from simulate.dmi_populations import classifier_table, dmi_vs_noise

    Q = classifier_table()
    etas = np.linspace(0.0, 1.0, 21)
    n = {"quick": 2000, "standard": 20000, "full": 100000}[precision]
    fig, axes = new(WIDE, ncols=2, sharey=True)
    for ax, family in zip(axes, ("uniform", "pair")):
        r = dmi_vs_noise(Q, etas, family=family, n_samples=n, rng=np.random.default_rng(0))
        d0, m0 = float(r["dmi_clean"]), float(r["mi_clean"])
        ax.plot(r["eta"], np.abs(r["det_T"]), ls="--", color="k", lw=0.8, label=r"$|\det T|$ (Eq. 32; under the green line)")
        ax.plot(r["eta"], r["dmi_noisy"] / d0, color="#1b9e77", label="DMI(h, noisy Y) / DMI(h, Y), exact")
        ax.errorbar(r["eta"], r["dmi_noisy_mc"] / d0, yerr=5 * r["dmi_noisy_se"] / d0, fmt="o", ms=2,
                    color="#1b9e77", capsize=1, label=f"the same, sampled (n = {n}, 5 s.e.)")
        ax.plot(r["eta"], r["mi_noisy"] / m0, color="#d95f02", label="MI(h, noisy Y) / MI(h, Y)")
        ax.set_xlabel(r"noise rate $\eta$")
        ax.set_title(f"{family} noise, c = 3")
    axes[0].set_ylabel("ratio to the clean value")
    axes[0].legend(frameon=False, fontsize=6, loc="upper right")
    return save(fig, out, "dmi19_dmi_vs_noise", fmt)


@figure("dmi19_mi_vs_dmi")
def mi_vs_dmi_figure(out: Path, fmt: str, precision: str) -> Path:
    """The exact counterexample of ``dmi19.mi_not_invariant``: along ``T(t) = (1-t) I + t T``,
    the MI order of two classifiers flips while their DMI ratio stays fixed (Eqs. 26, 28, 30)."""
    from simulate.dmi_populations import mi_dmi_orders
    from theory.dmi import mi_reversal_example

    ex = mi_reversal_example()
    to_f = lambda M: np.array(M.tolist() if hasattr(M, "tolist") else M, dtype=float)  # noqa: E731
    r = mi_dmi_orders(to_f(ex["Q_h"]), to_f(ex["Q_h2"]), to_f(ex["T"]), np.linspace(0, 1, 101))
    fig, axes = new(WIDE, ncols=2)
    axes[0].plot(r["t"], r["mi_h"], color="#1b9e77", label="h")
    axes[0].plot(r["t"], r["mi_h2"], color="#7570b3", label="h'")
    if np.isfinite(r["mi_flip_t"]):
        axes[0].axvline(float(r["mi_flip_t"]), color="k", ls=":", lw=0.8, label="MI order flips")
    axes[0].set_ylabel("MI(h(X), noisy Y) (nats)")
    axes[1].plot(r["t"], r["dmi_h"], color="#1b9e77", label="h")
    axes[1].plot(r["t"], r["dmi_h2"], color="#7570b3", label="h'")
    axes[1].set_ylabel("DMI(h(X), noisy Y)")
    for ax in axes:
        ax.set_xlabel("t: T(t) = (1 - t) I + t T")
        ax.legend(frameon=False, fontsize=6)
    axes[0].set_title("Shannon MI: the order flips (Eq. 26)")
    axes[1].set_title("DMI: the order holds while det T(t) != 0 (Eq. 30)")
    return save(fig, out, "dmi19_mi_vs_dmi", fmt)
