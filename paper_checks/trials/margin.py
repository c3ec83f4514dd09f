"""Margin-loss trial: the properties the binary label-noise theory asks of a margin loss ``phi(v)``.

For a margin loss (:class:`label_noise_lab.theory.margin.MarginLoss`, ``v = y t``), :func:`trial` computes, each with
its evidence (``symbolic``: a derivation SymPy completed; ``exact``: an exact counterexample) or
``undecided`` with the reason (every property runs under a time limit: ``undecided: timed out``):

``symmetric``
    ``phi(v) + phi(-v) = K`` for every ``v`` (Ghosh, Manwani & Sastry 2015, Eq. 5; Charoenphakdee et al.
    2019, Eq. 3), with ``K``; otherwise two exact margins with different sums.

``convex``
    Each smooth piece has ``phi'' >= 0`` and at each breakpoint ``phi`` is continuous with a non-decreasing
    slope (proved); or an exact chord ``phi((a+b)/2) > (phi(a) + phi(b))/2``.

``bounded``
    ``[inf phi, sup phi]`` exactly (one-sided limits, critical points, breakpoint values).

``calibrated``
    Bartlett, Jordan & McAuliffe 2006, Def. 1: with ``C_eta(v) = eta phi(v) + (1 - eta) phi(-v)``,
    ``H^-(eta) = inf_{v(2 eta - 1) <= 0} C_eta(v) > H(eta) = inf_v C_eta(v)`` for every ``eta != 1/2``.
    Decided by the first route that applies:

    1. ``phi`` convex: Thm 6 (iff): differentiable at 0 with ``phi'(0) < 0``.
    2. ``phi`` symmetric with constant ``K``: ``C_eta(v) = (2 eta - 1) phi(v) + (1 - eta) K``; for
       ``eta > 1/2`` minimising ``C_eta`` is minimising ``phi`` (for ``eta < 1/2`` maximising it over
       ``v >= 0``, the same condition by ``phi(v) = K - phi(-v)``), so calibrated iff
       ``inf_{v <= 0} phi > inf_v phi``.
    3. A counterexample at ``eta = 1`` (``C_1 = phi``): ``inf_{v <= 0} phi = inf_v phi``.
    4. A sufficient condition (derived here): ``phi`` continuous and bounded below, ``d(v) = phi(v) -
       phi(-v) > 0`` for ``v < 0`` with ``liminf_{v -> -oo} d(v) > 0``, and ``C_eta'(0+) = eta phi'(0+) -
       (1 - eta) phi'(0-) < 0`` on ``(1/2, 1]`` (affine in ``eta``: checked at both ends). Then for
       ``eta > 1/2`` and ``v <= 0``, ``C_eta(v) = C_eta(-v) + (2 eta - 1) d(v)``; some ``u > 0`` has
       ``C_eta(u) < C_eta(0)``, so near 0 (continuity) ``C_eta(v) >= C_eta(-v) > H`` by a margin, and away
       from 0 ``d >= delta > 0`` (compactness and the liminf) gives ``C_eta(v) >= H + (2 eta - 1) delta``.
       ``eta < 1/2`` follows from ``C_eta(v) = C_{1 - eta}(-v)``.

    Otherwise ``undecided`` with the route's failing part.

``sln_robust``
    van Rooyen, Menon & Williamson 2015, sec. 3 (symmetric label noise, ``rho < 1/2``): the noisy risk
    an increasing affine function of the clean risk for every distribution and scorer. Derived:
    ``E[phi(Y~ v) | Y = y] = (1 - 2 rho) phi(y v) + rho (phi(v) + phi(-v))``, so
    ``R_rho(f) = (1 - 2 rho) R(f) + rho E[phi(f) + phi(-f)]``: affine for every scorer when ``phi`` is
    symmetric (slope ``1 - 2 rho``, offset ``rho K``) or even (``R_rho = R``). Otherwise not: point masses
    at ``y = +1`` and ``y = -1`` force the slope ``1 - 2 rho`` (``phi`` not even), and then ``phi(v) +
    phi(-v)`` constant. The evidence is the strongest found: two constant scorers whose clean and noisy
    risks at one point rank them oppositely (the minimiser moves; Long & Servedio 2010's phenomenon),
    exact, from a grid; else the two margins with different ``phi(v) + phi(-v)``.

``unbiased_convex``
    Natarajan et al. 2013, Lemma 4 (``l~`` convex if ``l`` is convex with ``l''(t) = l''(-t)``). Derived:
    with ``v = y t``, ``(1 - rho_+ - rho_-) l~ = (1 - rho_y - rho_{-y}) phi(v) + rho_y (phi(v) - phi(-v))``,
    convex for every admissible noise iff ``phi`` is convex and the odd part ``phi(v) - phi(-v)`` is
    affine (an odd convex function is affine; otherwise ``rho_{-y} = 0`` and ``rho_y`` near 1 break a
    chord, given exactly).

``noisy_minimiser``
    The minimiser of the noisy conditional risk ``C_eta~`` (attained, an interval, or approached at
    ``+-oo``) under symmetric noise ``rho = 1/4`` at ``eta = 3/4`` and class-conditional noise
    ``(2/5, 1/10)`` at ``eta = 3/5``, and whether its sign is the clean Bayes sign.
"""
from __future__ import annotations

import json
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Sequence

from label_noise_lab.theory.margin import PARAMETERS, ZOO, MarginLoss, margin_loss, parse_margin_expression
from label_noise_lab.theory.real_line import Undecided
from paper_checks.deadline import TimedOut, limit_seconds
from paper_checks.trials.limits import CELL_WORK, cell_limit, stopped, undecided_reason
from paper_checks.trials.margin_properties import (
    NOISY_SETTINGS,
    MarginContext,
    MarginProperty,
    bounded,
    calibrated,
    convex,
    noisy_minimiser,
    sln_robust,
    symmetric,
    unbiased_convex,
)
from paper_checks.work import fresh, units, warm_once

__all__ = ["NOISY_SETTINGS", "PROPERTIES", "MarginProperty", "MarginTrial", "margin_losses", "markdown_table",
           "parse_margin_expression", "trial", "write"]

#: the wall-clock safety net per property (``None``: the work meter's own): each property may spend
#: :data:`paper_checks.trials.limits.CELL_WORK` units of counted work (a user's expression may be hard for SymPy), the
#: same on every machine (see :func:`paper_checks.trials.limits.cell_limit`)
TIME_LIMIT: float | None = None
TABLE: tuple[tuple[str, str, Callable[[MarginContext], MarginProperty]], ...] = (
    # each function is looked up when the trial runs (a lambda), so that a test may stand one in
    ("symmetric", "symmetric (K)", lambda ctx: symmetric(ctx)),
    ("convex", "convex", lambda ctx: convex(ctx)),
    ("bounded", "bounded [inf, sup]", lambda ctx: bounded(ctx)),
    ("calibrated", "calibrated (BJM 2006)", lambda ctx: calibrated(ctx)),
    ("sln_robust", "SLN-robust (vR 2015)", lambda ctx: sln_robust(ctx)),
    ("unbiased_convex", "l~ convex (NDRT 2013 L4)", lambda ctx: unbiased_convex(ctx)),
    ("noisy_minimiser", "noisy minimiser of C_η~", lambda ctx: noisy_minimiser(ctx)),
)
"""The margin trial's properties, in table order, each once: its name, its column's heading and what decides it
(as :data:`paper_checks.trials.simplex.TABLE`). A new property is one row here (and its function)."""
PROPERTIES = tuple(name for name, _, _ in TABLE)


@dataclass
class MarginTrial:
    """Every property of one margin loss, and the seconds each took."""

    loss: str
    phi: str
    cite: str
    properties: dict[str, MarginProperty] = field(default_factory=dict)
    seconds: dict[str, float] = field(default_factory=dict)

    def _repr_html_(self) -> str:
        """Rich display in notebooks: one row per property with its evidence (:mod:`paper_checks.report.display`)."""
        from paper_checks.report.display import margin_trial_html  # imported here: the report sits above trials

        return margin_trial_html(self)

    def _repr_markdown_(self) -> str:
        from paper_checks.report.display import margin_trial_markdown  # imported here: see _repr_html_

        return margin_trial_markdown(self)

    def to_json(self) -> dict[str, Any]:
        return {"loss": self.loss, "phi": self.phi, "cite": self.cite,
                "properties": {k: v.to_json() for k, v in self.properties.items()},
                "seconds": {k: round(v, 3) for k, v in self.seconds.items()}}


def margin_losses(names: Sequence[str] = ()) -> list[MarginLoss]:
    """The zoo's margin losses named (all of them, in table order, when none is); ``"barrier_hinge:b=2,r=1"``
    names a loss with declared parameters (:data:`label_noise_lab.theory.margin.PARAMETERS`)."""
    if not names:
        return list(ZOO.values())
    unknown = [n for n in names if n not in ZOO and n.partition(":")[0].strip() not in PARAMETERS]
    if unknown:
        raise ValueError(f"unknown margin loss {unknown[0]!r}; choose one of {', '.join(ZOO)}")
    return [ZOO[n] if n in ZOO else margin_loss(n) for n in names]  # "barrier_hinge:b=2,r=1": its parameters


def trial(loss: MarginLoss | str, time_limit_s: float | None = TIME_LIMIT, work: float = CELL_WORK) -> MarginTrial:
    """Compute every property of ``loss`` (a :class:`MarginLoss`, a zoo name, or an expression in ``v``), each within
    ``work`` units of counted work and a wall-clock net of ``time_limit_s`` seconds (``None``: the meter's own)."""
    if isinstance(loss, str):
        loss = margin_loss(loss)  # a zoo name (or alias) first, then a formula in v
    time_limit_s = None if time_limit_s is None else limit_seconds("time_limit_s", time_limit_s)
    work = units("work", work)
    _warm_up()
    with fresh():  # from the same memory wherever it runs: a cell's count of work does not depend on what ran before
        return _trial(loss, time_limit_s, work)


def _warm_up() -> None:
    """The process's one-time set-up before its first margin trial, uncounted (:func:`paper_checks.work.warm_once`)."""
    warm_once("margin trials", lambda: [_trial(margin_loss(name), None, CELL_WORK) for name in ("hinge", "logistic")])


def _trial(loss: MarginLoss, time_limit_s: float | None, work: float) -> MarginTrial:
    ctx = MarginContext(loss)
    tr = MarginTrial(loss.name, str(loss.phi), loss.cite)
    for name, _, fn in TABLE:
        t0 = time.perf_counter()
        try:
            with cell_limit(time_limit_s, work):
                tr.properties[name] = fn(ctx)
        except TimedOut as exc:
            cell, why = stopped(exc)
            tr.properties[name] = MarginProperty(name, None, cell, "symbolic", why, True)
        except (Undecided, NotImplementedError, TypeError, ValueError, ArithmeticError, AttributeError,
                RecursionError) as exc:
            why = undecided_reason(exc, loss.phi)
            tr.properties[name] = MarginProperty(name, None, f"undecided: {why.split(' [internal')[0]}", "symbolic",
                                                 f"could not be decided: {why}", True)
        tr.seconds[name] = time.perf_counter() - t0
    return tr


COLUMNS = tuple((name, heading) for name, heading, _ in TABLE)


def markdown_table(trials: Sequence[MarginTrial]) -> str:
    """One row per margin loss, one column per property, each cell with its evidence in brackets."""
    lines = ["| loss | φ(v) | " + " | ".join(h for _, h in COLUMNS) + " |", "|" + "---|" * (len(COLUMNS) + 2)]
    for t in trials:
        cells = [f"{t.properties[k].cell} [{t.properties[k].method}]".replace("|", "\\|") for k, _ in COLUMNS]
        lines.append(f"| {t.loss} | `{t.phi}` | " + " | ".join(cells) + " |")
    lines += ["", "[symbolic]: derived with SymPy; [exact]: an exact counterexample (the JSON has it, and every "
              "derivation). Citations: " + "; ".join(f"{t.loss}: {t.cite}" for t in trials)]
    return "\n".join(lines)


def write(trials: Sequence[MarginTrial], json_path: Path) -> tuple[Path, Path]:
    """Write the trials as JSON to ``json_path`` and the Markdown table beside it (``.md``)."""
    json_path = Path(json_path)
    json_path.parent.mkdir(parents=True, exist_ok=True)
    json_path.write_text(json.dumps({"schema": 1, "kind": "margin", "losses": [t.to_json() for t in trials]},
                                    indent=1, ensure_ascii=False) + "\n")
    md = json_path.with_suffix(".md")
    md.write_text("# Margin-loss trial\n\n" + markdown_table(trials) + "\n")
    return json_path, md
