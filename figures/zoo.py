"""The loss zoo (``python -m paper_checks losses``) at a glance: example weights and the property table."""
from __future__ import annotations

from typing import Any

import numpy as np
import sympy

from label_noise_lab.figures.registry import Drawn, figure
from label_noise_lab.figures.style import WIDE, grid, setting, stamp

#: the short verdict of each property in the table
COLUMNS = (("symmetric", "symmetric"), ("bounded", "bounded"), ("asymmetric", "asymmetric"),
           ("noisy_minimiser", "noisy min."))


def _span(cs: list[int]) -> str:
    return f"c = {cs[0]}" if len(cs) == 1 else f"c = {cs[0]}..{cs[-1]}" if cs == list(range(cs[0], cs[-1] + 1)) \
        else "c = " + ",".join(map(str, cs))


def _infimum_label(value: Any) -> str | None:
    """The short label of a noisy minimiser that is an infimum no point attains, from the cell's own data (per c,
    whether points with the wrong argmax approach it too): ``inf \u2192 e_y``, ``inf, not e_y`` or both with their
    numbers of classes (``inf \u2192 e_y only for c = 2``: NCE at c = 2 is approached only as f -> e_y, at every
    other c by points with the wrong argmax too). None when the value is not of that kind."""
    if not isinstance(value, dict) or not all(isinstance(value.get(k), dict) for k in ("uniform", "pair")):
        return None
    per_c: dict[int, bool] = {}
    for kind in ("uniform", "pair"):
        for c, case in value[kind].items():
            if not isinstance(case, dict) or "wrong_argmax" not in case:
                return None
            per_c[int(c)] = per_c.get(int(c), False) or bool(case["wrong_argmax"])
    good = sorted(c for c, wrong in per_c.items() if not wrong)
    bad = sorted(c for c, wrong in per_c.items() if wrong)
    if not bad:
        return "inf \u2192 e_y"
    if not good:
        return "inf, not e_y"
    return f"inf \u2192 e_y only for {_span(good)}"  # as the asymmetric column says "only for c = 2"


def _short(key: str, cell: str, value: Any = None) -> str:
    """A trial cell in a few words: ``yes``, ``no``, ``not completely``, ``undecided``, ``keeps e_y``, ...; the
    noisy minimiser's from the cell's value where it is an infimum (:func:`_infimum_label`)."""
    if cell.startswith("undecided"):
        return "undecided"
    if key == "noisy_minimiser":
        label = _infimum_label(value)
        if label is not None:
            return label
        if "not attained" in cell:  # an infimum, not a minimiser (normalized losses)
            return "inf, not e_y" if "wrong argmax" in cell else "inf \u2192 e_y"
        parts = cell.split(";")
        if all(": e_y" in part for part in parts):
            return "e_y"
        if all("e_y" in part or "argmax kept" in part for part in parts):
            return "argmax kept"
        return "argmax lost"
    head = cell.split(";")[0].split("(")[0].split(",")[0].strip()
    if head == "not completely":
        return "partly"
    return head if len(head) <= 16 else head[:15] + "\u2026"


@figure("loss_zoo")
def zoo_figure(ctx: Any) -> Drawn:
    """Left: the example weight ``||dL/dz||_1 = 2 |l'(p)| p (1 - p)`` of each zoo loss of ``p_y`` alone
    (IMAE's view, Wang et al. 2019). Right: the trial's verdicts per loss (c = 2..10)."""
    from label_noise_lab.theory.losses import P, default_losses
    from paper_checks.trials.simplex import trial

    defs = default_losses()
    trials = [trial(d, range(2, 11), precision=ctx.precision) for d in defs]
    fig, (ax, tab) = grid(1, 2, (WIDE[0], 4.2), gridspec_kw={"width_ratios": [0.9, 1.4]})
    ps = np.linspace(0.0025, 0.9975, 399)
    rows: list[dict[str, Any]] = []
    cmap = __import__("matplotlib").colormaps["tab20"]
    for k, d in enumerate(d for d in defs if d.label is not None):
        dl = sympy.lambdify(P, sympy.diff(d.label, P), "numpy")
        with np.errstate(all="ignore"):
            w = 2 * np.abs(np.broadcast_to(np.asarray(dl(ps), float), ps.shape)) * ps * (1 - ps)
        ax.plot(ps, w, color=cmap(k % 20), lw=1.0, label=d.title())
        rows += [{"panel": "weight", "loss": d.title(), "p_y": float(p), "weight": float(v)}
                 for p, v in zip(ps[::8], w[::8])]
    ax.set_ylim(0, 4.5)
    ax.set_xlabel(r"$p_y$")
    ax.set_ylabel(r"weight $\|\partial L/\partial z\|_1$")
    ax.set_title("weights of the losses of $p_y$ alone")
    ax.legend(frameon=False, fontsize=5, ncol=2, loc="upper right")
    cells = []
    for t in trials:
        line = [_short(key, t.properties[key].cell, t.properties[key].value) for key, _ in COLUMNS]
        cells.append(line)
        rows.append({"panel": "table", "loss": t.loss + (f"({', '.join(f'{k}={v}' for k, v in t.params.items())})"
                                                         if t.params else ""),
                     **{key: t.properties[key].cell for key, _ in COLUMNS}})
    tab.axis("off")
    names = [r["loss"] for r in rows if r["panel"] == "table"]
    table = tab.table(cellText=cells, rowLabels=names, colLabels=[label for _, label in COLUMNS],
                      bbox=(0.34, 0.0, 0.655, 0.93), cellLoc="left", colWidths=[0.18, 0.15, 0.24, 0.43])
    table.auto_set_font_size(False)
    table.set_fontsize(5)
    tab.set_title("loss trial, c = 2..10 (asymmetric: Zhou et al. 2021)")
    stamp(fig, ctx)
    caption = ("The loss zoo. Left: the L1 norm of the logit gradient as a function of the labelled probability "
               "p_y, for the zoo losses that depend on p_y alone (exact, from each loss's one symbolic "
               "definition; NCE, NFL, APL and MSE depend on the whole prediction and are not drawn). Right: the "
               "first words of each property the loss trial computed for c = 2..10 (symmetric class sum, "
               "boundedness, asymmetry in the sense of Zhou et al. 2021, whether the pointwise noisy minimiser "
               "under uniform and pair-flip noise at rate 0.4 keeps the label; 'inf': no point attains the noisy "
               "risk's infimum (the normalized losses), 'inf \u2192 e_y' when only points near e_y approach it, "
               "'inf, not e_y' when points with the wrong argmax approach it too, 'only for c = ...' when that "
               "holds for those numbers of classes alone); the full cells, methods and "
               "reasons are in the CSV and in python -m paper_checks losses. No error bars: every value is exact "
               f"or derived. {setting(ctx)}")
    return Drawn(fig, rows, caption)
