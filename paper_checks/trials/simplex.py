"""Loss trial: the properties the seed papers ask of their losses, computed for any loss.

For a loss ``L(f, e_y)`` on the probability simplex (a :class:`label_noise_lab.theory.losses.LossDefinition`:
a formula ``l(p)`` of the labelled probability ``p = f_y``, or a formula of the whole point),
:func:`trial` computes, each with its own evidence (``symbolic``, ``exact``, ``search`` or
``quadrature``) and ``undecided`` with the reason where it cannot decide:

``symmetric``
    Ghosh et al. 2017 (as Li's notes, Eq. 3, and Zhang & Sabuncu 2018, Eq. 3, state it):
    ``sum_j L(f, e_j) = C`` for all ``f``.
    For a separable loss (``phi_1(f_j) + sum_{k != j} phi_0(f_k)``; a loss of ``p`` alone has
    ``phi_0 = 0``) the class sum is ``sum_k psi_c(f_k)`` with ``psi_c = phi_1 + (c - 1) phi_0``,
    constant for every ``c`` exactly when ``psi_c`` is affine (``C = c psi_c(0) + psi_c'(0)``);
    otherwise two exact rational points with different class sums refute it for each ``c``
    (for ``c = 2`` ``psi(t) + psi(1 - t)`` is tested separately). Non-separable losses
    (NCE, NFL, APL) are decided for each ``c``: exact witnesses, or the class sum simplified
    to a constant.

``class_sum`` and ``excess_risk_bound``
    The exact range ``[S_min, S_max]`` of the class sum over the simplex. Jensen where
    ``psi_c`` is convex or concave on ``(0, 1)`` (decided symbolically, for a symbolic ``c``):
    the barycentre and a vertex are the extremes (Zhang & Sabuncu 2018, sec. 3.1 for ``L_q``, Eq. 7).
    Otherwise, for each ``c``, a search: at an interior extremum of ``sum_k psi(f_k)`` every
    positive coordinate has the same ``psi'`` (Lagrange), so when ``psi''`` changes sign at
    most once on ``(0, 1)`` (checked on a grid) the extremes lie on points with at most two
    distinct positive values, a one-dimensional search per pattern.

    From the range, under uniform noise of rate ``eta < (c - 1)/c``: write the noisy risk as
    ``R_eta(f) = (1 - eta c/(c - 1)) R(f) + eta/(c - 1) E[S(f(x))]``; for the clean minimiser
    ``f*`` and the noisy one ``f_hat``, ``R_eta(f_hat) <= R_eta(f*)`` gives

        A(eta) <= R(f*) - R(f_hat) <= 0,    A(eta) = eta (S_min - S_max) / (c - 1 - eta c),

    the form of Zhang & Sabuncu 2018 Thm 1 (their Eq. 8, where ``S_min - S_max =
    (1 - c^(1-q))/q`` for ``L_q``), which holds for any loss with a bounded class sum
    (Ghosh et al. 2017's Thm for symmetric losses is the case ``S_min = S_max``, ``A = 0``).

``bounded``
    ``sup_f L(f, e_y)``: for a loss of ``p`` the supremum of ``l`` on ``[0, 1]`` (limits at the
    ends, the sign of ``l'``), with whether it is attained; for a separable loss with convex parts the
    largest vertex value; for a normalized loss (NCE, NFL, APL) ``alpha + beta g(0)``, not attained,
    approached as ``f_y -> 0`` (:mod:`paper_checks.trials.normalized`); otherwise searched.

``weight``
    The IMAE view (Wang et al. 2019, as Li's notes write it, Eqs. 8-11): for ``L = l(p_y)`` and softmax
    logits, ``||dL/dz||_1 = 2 |l'(p)| p (1 - p)``, with its mean and variance for
    ``p ~ U(0, 1)`` (exact by SymPy where it integrates, 30-digit quadrature otherwise).

``asymmetric``
    Zhou et al. 2021 (ICML; arXiv 2106.03110, sec. 3, "asymmetric loss functions"): for
    weights ``w`` with a unique largest ``w_t``, ``L`` is asymmetric when
    ``argmin_u sum_i w_i L(u, i) = argmin_u L(u, t)``; *completely* asymmetric when this holds
    for every such ``w``. For a non-increasing ``l`` of ``p`` (derived here, not copied): with
    ``r = max_{i != t} w_i / w_t``,
    ``sum_i w_i l(u_i) - sum_i w_i l(e_t,i) >= w_t [(l(u_t) - l(1)) - r sum_{i != t} (l(0) - l(u_i))]``
    with equality when every ``w_i = r w_t``; so ``e_t`` is the minimiser exactly when
    ``r < R_c``, ``R_c = inf_{u != e_t} (l(u_t) - l(1)) / sum_{i != t} (l(0) - l(u_i))``, and
    the loss is completely asymmetric exactly when ``R_c >= 1``, i.e. when a vertex minimises
    the class sum. ``R_c`` is computed with the inner maximum in closed form where ``l`` is
    convex (spread evenly) or concave (concentrated). The paper's own per-loss conditions
    (for AGCE, AUL, AEL) could not be read (only the abstract and the authors' code were
    reachable), so they are not compared: see ``zhou21_conditions`` in each trial.

``noisy_minimiser``
    The pointwise minimiser of the noisy risk ``sum_k w_k L(f, e_k)`` with ``w`` the row of
    ``T`` of the clean label ``y``: uniform noise ``eta = 0.4`` and the class-dependent pair
    flip ``y -> y + 1`` with rate ``0.4``; whether it is ``e_y``, whether it keeps the argmax, and
    whether it is attained. Derived: for a loss of ``p`` from the exact ``R_c``
    (:mod:`paper_checks.trials.minimiser`: ``e_y`` exactly when ``r < R_c``, else attained and keeping
    the argmax); for a separable loss from its coordinates' stationary points (MSE: ``f = w``); for a
    normalized loss the exact infimum, never attained, and where it is approached
    (:mod:`paper_checks.trials.normalized`). Searched (multi-start over the simplex) only for a loss
    none of these covers, and then reported as a search.

Every cell assumes the loss continuous on ``(0, 1)``; :mod:`paper_checks.trials.continuity` shows it first,
exactly, and a loss with a jump or a pole gets only the cells that need no continuity (a ``symmetric``
refuted by exact points), the others undecided with the break named.

No cell is decided by a floating-point sample of a clipped simplex: boundary values are one-sided
SymPy limits, signs on ``(0, 1)`` are SymPy's (:func:`paper_checks.trials.limits.sign_on_open_unit`),
and each property runs under a limit of counted work (:func:`paper_checks.trials.limits.cell_limit`).
"""
from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Iterable, Sequence

from label_noise_lab.theory.losses import LossDefinition, P
from paper_checks.deadline import TimedOut, limit_seconds
from paper_checks.jsonable import jsonable
from paper_checks.trials import continuity, normalized
from paper_checks.trials.asymmetry import asymmetric, noisy_minimiser
from paper_checks.trials.limits import CELL_WORK, DEFAULT_TIMEOUT, cell_limit, stopped, undecided_reason
from paper_checks.trials.minimiser import (
    label_minimiser,
    separable_asymmetric,
    separable_bounded,
    separable_minimiser,
)
from paper_checks.trials.properties import (
    ETA,
    NOISE,
    PRECISION_SETTINGS,
    C,
    Property,
    TrialContext,
    bounded,
    class_sum,
    excess_risk_bound,
    span_text,
    symmetric,
    weight,
)
from paper_checks.work import fresh, units, warm_once

__all__ = ["C", "DEFAULT_TIMEOUT", "ETA", "NOISE", "P", "PROPERTIES", "LossTrial", "Property", "markdown_table",
           "parse_classes", "trial", "write"]


def parse_classes(text: str) -> list[int]:
    """``"2..10"`` or ``"3"`` or ``"2,4,8"`` -> the list of ``c`` (each an integer >= 2, at most 50)."""
    s = str(text).strip()
    try:
        if ".." in s:
            lo, hi = (int(x) for x in s.split("..", 1))
            cs = list(range(lo, hi + 1))
        else:
            cs = [int(x) for x in s.split(",")]
    except ValueError:
        raise ValueError(f"--classes must look like 2..10 or 2,3,5, got {text!r}") from None
    if not cs or min(cs) < 2 or max(cs) > 50:
        raise ValueError(f"--classes must name integers c with 2 <= c <= 50, got {text!r}")
    return sorted(set(cs))


@dataclass
class LossTrial:
    """Every property of one loss for the numbers of classes ``cs``."""

    loss: str
    params: dict[str, Any]
    cite: str
    cs: list[int]
    properties: dict[str, Property] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)

    def to_json(self) -> dict[str, Any]:
        return {"loss": self.loss, "params": jsonable(self.params), "cite": self.cite, "classes": self.cs,
                "properties": {k: v.to_json() for k, v in self.properties.items()}, "notes": self.notes}

    def _repr_html_(self) -> str:
        """Rich display in notebooks: one row per property with its evidence (:mod:`paper_checks.report.display`)."""
        # imported here: the package paper_checks.report imports the runner, which imports this module
        from paper_checks.report.display import trial_html

        return trial_html(self)

    def _repr_markdown_(self) -> str:
        from paper_checks.report.display import trial_markdown  # imported here: see _repr_html_

        return trial_markdown(self)


# ---------------------------------------------------------------- the trial
def trial(loss: LossDefinition, cs: Iterable[int] = range(2, 11), precision: str = "standard",
          timeout: float | None = DEFAULT_TIMEOUT, work: float = CELL_WORK) -> LossTrial:
    """Compute every property of ``loss`` for the numbers of classes ``cs`` (see the module docstring).

    Each property may spend ``work`` units of counted work (:data:`~paper_checks.trials.limits.CELL_WORK`, the same
    on every machine) within a wall-clock safety net of ``timeout`` seconds (``None``: the work meter's own); one
    stopped is undecided with what stopped it (:func:`~paper_checks.trials.limits.stopped`), and the others are still
    computed.
    """
    timeout = None if timeout is None else limit_seconds("timeout", timeout)
    work = units("work", work)
    if precision not in PRECISION_SETTINGS:
        raise ValueError(f"unknown precision {precision!r}; choose one of {', '.join(PRECISION_SETTINGS)}")
    cs = sorted(set(int(c) for c in cs))
    if not cs or cs[0] < 2:
        raise ValueError(f"numbers of classes must be integers >= 2, got {cs!r}")
    cfg = PRECISION_SETTINGS[precision]
    _warm_up()
    with fresh():  # from the same memory wherever it runs: a cell's count of work does not depend on what ran before
        return _trial(loss, cs, cfg, timeout, work)


def _warm_up() -> None:
    """The process's one-time set-up before its first trial, not counted (:func:`paper_checks.work.warm_once`)."""
    from label_noise_lab.theory.losses import parse_spec

    warm_once("loss trials", lambda: [_trial(parse_spec(spec), [2], PRECISION_SETTINGS["quick"], None, CELL_WORK)
                                      for spec in ("cce", "gce", "mae")])


def _trial(loss: LossDefinition, cs: list[int], cfg: dict[str, Any], timeout: float | None,
           work: float) -> LossTrial:
    tr = LossTrial(loss.name, loss.param_dict, loss.cite, cs)
    ctx = TrialContext(loss, cs, cfg)
    broken = continuity.gate(loss, timeout, work)  # None: continuous on (0, 1), shown exactly (trials/continuity.py)
    for name, _, fn in TABLE:
        if broken is not None and name not in continuity.JUMP_SAFE:
            tr.properties[name] = Property(name, None, broken.cell, "none", broken.summary, True)
            continue
        if broken is not None and name == "bounded":
            fn = lambda ctx: Property("bounded", *continuity.bounded(ctx.loss, broken))  # noqa: E731
        try:
            with cell_limit(timeout, work):
                tr.properties[name] = fn(ctx)
            if broken is not None and not continuity.allowed(name, tr.properties[name]):
                tr.properties[name] = Property(name, None, broken.cell, "none", broken.summary, True)
        except TimedOut as exc:
            cell, summary = stopped(exc)
            tr.properties[name] = Property(name, None, cell, "none", summary, True)
        except Exception as exc:  # a property that cannot be computed is undecided, with the reason
            why = undecided_reason(exc, loss.label)
            tr.properties[name] = Property(name, None, f"undecided: {why.split(' [internal')[0]}", "none",
                                           f"could not be computed: {why}", True)
    tr.notes.append("zhou21_conditions: the per-loss conditions of Zhou et al. 2021 sec. 4 were not compared: "
                    "the paper's text beyond its abstract was not reachable; the asymmetry here is derived from "
                    "the definition (see paper_checks/trials/properties.py)")
    return tr


TABLE: tuple[tuple[str, str, Callable[[TrialContext], Property]], ...] = (
    # each function is looked up when the trial runs (a lambda), so that a test may stand one in
    ("symmetric", "symmetric (C)", lambda ctx: symmetric(ctx)),
    ("class_sum", "class sum [S_min, S_max]", lambda ctx: class_sum(ctx)),
    ("excess_risk_bound", "A(η) (GCE Thm 1 form)", lambda ctx: excess_risk_bound(ctx)),
    ("bounded", "bounded", lambda ctx: _bounded(ctx)),
    ("weight", "weight ‖dL/dz‖₁ (U(0,1) mean, var)", lambda ctx: weight(ctx)),
    ("asymmetric", "asymmetric (Zhou 2021)", lambda ctx: _asymmetric(ctx)),
    ("noisy_minimiser", "noisy minimiser", lambda ctx: _noisy_minimiser(ctx)),
)
"""The trial's properties, in table order, each once: its name, its column's heading and what decides it. A new
property is one row here (and its function)."""
PROPERTIES = tuple(name for name, _, _ in TABLE)


def _bounded(ctx: TrialContext) -> Property:
    """Derived for a normalized loss (:mod:`paper_checks.trials.normalized`), else :func:`bounded`."""
    return normalized.bounded(ctx) or separable_bounded(ctx) or bounded(ctx)


def _asymmetric(ctx: TrialContext) -> Property:
    """In the limit sense for a normalized loss (:mod:`paper_checks.trials.normalized`), exact for a separable one
    (:mod:`paper_checks.trials.minimiser`), else :func:`asymmetric`."""
    return normalized.asymmetric(ctx) or separable_asymmetric(ctx) or asymmetric(ctx)


def _noisy_minimiser(ctx: TrialContext) -> Property:
    """Derived for a normalized loss (:mod:`paper_checks.trials.normalized`), a loss of ``p`` with a closed-form
    ``R_c`` or a separable one (:mod:`paper_checks.trials.minimiser`), else searched (:func:`noisy_minimiser`)."""
    return (normalized.noisy_minimiser(ctx) or label_minimiser(ctx) or separable_minimiser(ctx)
            or noisy_minimiser(ctx))


# ---------------------------------------------------------------- output
COLUMNS = tuple((name, heading) for name, heading, _ in TABLE)


def markdown_table(trials: Sequence[LossTrial]) -> str:
    """The property table: one row per loss, one column per property (every cell filled)."""
    head = "| loss | " + " | ".join(h for _, h in COLUMNS) + " |"
    lines = [head, "|" + "---|" * (len(COLUMNS) + 1)]
    for t in trials:
        title = t.loss + ("(" + ", ".join(f"{k}={v}" for k, v in t.params.items()) + ")" if t.params else "")
        cells = []
        for key, _ in COLUMNS:
            p = t.properties[key]
            cells.append(f"{p.cell} [{p.method}]".replace("|", "\\|"))
        lines.append(f"| {title} | " + " | ".join(cells) + " |")
    cs = trials[0].cs if trials else []
    lines.append("")
    lines.append(f"c = {span_text(cs)}; [method] is the evidence; 'undecided' cells say why in the JSON, which also "
                 "records whether each extreme is attained and how it is approached when not. "
                 "Citations: " + "; ".join(dict.fromkeys(f"{t.loss}: {t.cite}" for t in trials)))
    return "\n".join(lines)


def write(trials: Sequence[LossTrial], json_path: Path, families: Sequence[Any] = ()) -> tuple[Path, Path]:
    """Write the trials as JSON to ``json_path`` and the Markdown table next to it (``.md``); ``families``
    (:class:`paper_checks.trials.family.FamilyTrial`) add their whole-family cells to both."""
    json_path = Path(json_path)
    json_path.parent.mkdir(parents=True, exist_ok=True)
    record: dict[str, Any] = {"schema": 1, "losses": [t.to_json() for t in trials]}
    if families:
        record["families"] = [f.to_json() for f in families]
    json_path.write_text(json.dumps(record, indent=1, ensure_ascii=False) + "\n")
    md = json_path.with_suffix(".md")
    md.write_text("# Loss trial\n\n" + markdown_table(trials) + "\n"
                  + "".join("\n" + f.to_markdown() + "\n" for f in families))
    return json_path, md
