"""Checks of xu22: hard negative mining, collapse and isometric approximation (Xu et al. 2022), *reconstructed*.

Source: the abstract of Xu et al. 2022 (arXiv 2210.11173) only ("an equivalence between the Triplet Loss
sampled by hard negative mining and an optimization problem that minimizes a Hausdorff-like
distance between the neural network and its ideal counterpart function"; network collapse); the
four claims are the catalogue's reconstruction (``claims.md``, section ``xu22``), so every
registration says ``reconstructed="outline"`` (the source states it only in outline) and its statement
says exactly what is checked.

Exact facts in :mod:`label_noise_lab.theory.triplet`; ``d_iso`` bounds in
:mod:`label_noise_lab.simulate.embedding.isometry` (a lower bound
that is a theorem, an upper bound from a verified triplet-separated embedding: no verdict rests on
an optimiser having converged); training of tiny embedding networks in
:mod:`label_noise_lab.simulate.embedding.collapse`
(many replicas at once; replicas of one seed share data, batch sequence and initial weights, so
comparisons are paired). Simulation verdicts are per-seed statistics, significant when their mean
is significant over seeds (``label_noise_lab.simulate.engine.estimate.SEED_TEST``: p < 0.001 under Student t). The
training
runs are tiny: they run on the host (NumPy) whatever ``--backend`` says.
"""
from __future__ import annotations

import math
from typing import Any, Callable

import mpmath
import numpy as np
import sympy

from label_noise_lab.simulate.embedding import collapse as sc
from label_noise_lab.simulate.embedding.isometry import d_iso_bounds, random_configuration
from label_noise_lab.simulate.embedding.losses import (
    batch_hard,
    hard_negatives,
    normalize,
    pairwise_distances,
    random_negatives,
    semi_hard_negatives,
    triplet_loss,
)
from label_noise_lab.simulate.engine.estimate import SEED_TEST, Z_SEEDS, Estimate, paired_difference, seed_summary
from label_noise_lab.theory import triplet as tt
from paper_checks.api import Context, Evidence, claim, effect_ladder, figure_data
from paper_checks.papers.documents import XU22_ABSTRACT

SOURCE = f"{XU22_ABSTRACT.file} (abstract; claims.md reconstruction)"
Z = Z_SEEDS  # p < 0.001 under t with the seeds' degrees of freedom (label_noise_lab.simulate.engine.estimate)
FIG_PHASE = ("xu22_collapse_phase",)
FIG_ISO = ("xu22_loss_vs_diso",)

#: the task of the training checks (the defaults: 8 Gaussian classes in 16 dimensions, a 16-32-d ReLU network)
TASK = sc.CollapseTask()
BATCH_SIZES = sc.PHASE_BATCH_SIZES
DIMS = sc.PHASE_DIMS
COMPARE = sc.COMPARE_SETTING
#: seeds of the phase diagram by precision (quick, standard, full). Standard needs 8, not 10: its weakest
#: trend (unnormalised, smaller dimension) has t about 15 with 10 seeds, so about 13 with 8, still about 2.5
#: times the critical value of 5.41 (p < 0.001, 7 degrees of freedom); 8 instead of 10 seeds saves a fifth
#: of the check's training
COLLAPSE_SEEDS = (6, 8, 16)
#: the verified g of the upper bound may be scaled by up to 1e-9 beyond exact separation (rounding)
SLACK = 1e-9


def _est(e: Estimate, nd: int = 4) -> dict[str, float]:
    return {"mean": round(e.mean, nd), "stderr": round(e.stderr, nd), "n": e.n}


def _sign(e: Estimate, z: float = Z) -> int:
    """+1 when ``e`` is significantly above 0, -1 when significantly below, 0 otherwise (``Estimate.sign``)."""
    return e.sign(z)


def _fmt(e: Estimate, nd: int = 2) -> str:
    return f"{e.mean:+.{nd}f} ± {e.stderr:.{nd}f}"


def _combine(results: dict[str, Estimate], what: str, numbers: dict[str, Any], claim_text: str,
             method: str = "sim") -> Evidence:
    """Verdict from several directional effects, each claimed positive: all significant positive:
    confirmed; some positive (the rest not, or reversed): qualified; none positive and some
    reversed: refuted; none significant: inconclusive."""
    ladder = effect_ladder(results, Z)
    pos, neg, flat = ladder.held, ladder.reversed, ladder.undecided
    txt = "; ".join(f"{k}: {_fmt(e)}" for k, e in results.items())
    numbers["significance"] = {"test": SEED_TEST, "holds": pos, "reversed": neg, "not_significant": flat}
    if ladder.verdict == "confirmed":
        return Evidence("confirmed", method, f"{claim_text}, in all {len(results)} cases ({what}: {txt}).", numbers)
    if ladder.verdict == "qualified":
        cond = (f"holds for {', '.join(pos)}"
                + (f"; reversed for {', '.join(neg)}" if neg else "")
                + (f"; not significant ({SEED_TEST}) for {', '.join(flat)}" if flat else ""))
        ev = Evidence("qualified", method, f"{claim_text}, but only in {len(pos)} of {len(results)} cases ({what}: "
                      f"{txt}).", numbers, condition=cond)
        if neg:
            ev.counterexample = {k: _est(results[k]) for k in neg}
        return ev
    if ladder.verdict == "refuted":
        return Evidence("refuted", method, f"Not so: the opposite holds in {len(neg)} of {len(results)} cases, none "
                        f"as claimed ({what}: {txt}).", numbers, counterexample={k: _est(results[k]) for k in neg})
    return Evidence("inconclusive", method, f"No effect is significant ({SEED_TEST}; {what}: {txt}); more seeds or "
                    "longer training would decide.", numbers)


# ============================================================================ collapse value
#: the miners of the check, each ``(D, labels, alpha, rng) -> (anchors, positives, negatives)``
COLLAPSE_MINERS: dict[str, Callable[..., Any]] = {
    "hard": lambda D, y, alpha, rng: hard_negatives(D, y),
    "batch-hard": lambda D, y, alpha, rng: batch_hard(D, y),
    "random": lambda D, y, alpha, rng: random_negatives(y, rng),
    "semi-hard": lambda D, y, alpha, rng: semi_hard_negatives(D, y, alpha),
}


def collapse_value_evidence(ctx: Context, claimed: Callable[[Any], Any] = lambda a: a,
                            miners: tuple[str, ...] = tuple(COLLAPSE_MINERS)) -> Evidence:
    """Symbolic value of a collapsed batch's triplet loss against ``claimed(alpha)``, then every miner of
    ``miners`` on collapsed batches (``claimed`` and ``miners`` are parameters so that tests can feed a wrong
    value, or leave out the miner that selects nothing).

    ``proved`` when one triplet's loss is ``claimed(alpha)`` and every miner selects triplets at collapse (their
    mean is then that value); ``qualified`` when some miner selects none (semi-hard: ``D_ap < D_an`` is
    ``0 < 0``), since the mean loss of an empty selection is ``0/0``, undefined, not alpha; ``refuted`` when a
    collapsed triplet's loss differs from the claimed value."""
    unknown = [m for m in miners if m not in COLLAPSE_MINERS]
    if unknown or not miners:
        raise ValueError(f"miners must be a non-empty tuple of {', '.join(COLLAPSE_MINERS)}, got {miners!r}")
    sym = tt.collapsed_loss(3)
    gap = sympy.simplify(sym["term"] - claimed(tt.ALPHA))
    sym_ok = gap == 0
    # the miners that select no triplet of a collapsed batch, derived (label_noise_lab.theory.triplet: None for such a
    # miner)
    sym_empty = [m for m in miners if sym["per_miner"][m] is None]
    rng = ctx.rng(0)
    n_batches = ctx.pick(12, 40, 200)
    worst = {m: 0.0 for m in miners}
    counts = {m: 0 for m in miners}
    worst_gram = 0.0
    semi_gram = 0
    alphas = []
    for k in range(n_batches):
        B = int(rng.choice([4, 16, 64, 128]))
        d = int(rng.choice([2, 8, 32]))
        alpha = float(rng.uniform(0.05, 2.0))
        alphas.append(alpha)
        c = rng.standard_normal(d) * rng.uniform(0.1, 10.0)
        E = np.tile(c, (B, 1))
        if k % 2:
            E = normalize(E)
        y = rng.integers(0, int(rng.integers(2, 5)), B)
        y[:3] = (0, 0, 1)  # a class with two members and a second class: positives and negatives exist
        D = np.sqrt(((E[:, None, :] - E[None, :, :]) ** 2).sum(axis=-1))  # exact differences: all 0
        Dg = pairwise_distances(E)  # the Gram-matrix path of training code: rounding residues possible
        worst_gram = max(worst_gram, float(Dg.max()))
        target = float(claimed(alpha))
        for name in miners:
            a, p, n = COLLAPSE_MINERS[name](D, y, alpha, rng)
            counts[name] += int(a.shape[0])
            if a.shape[0]:
                loss = triplet_loss(D[a, p], D[a, n], alpha)
                worst[name] = max(worst[name], float(np.abs(loss - target).max()) / alpha)
        semi_gram += int(semi_hard_negatives(Dg, y, alpha)[0].shape[0])
    tol = 1e-12
    empty = [m for m in miners if counts[m] == 0]
    selecting = [m for m in miners if counts[m] > 0]
    numbers = {
        "symbolic": {"distance_at_collapse": sym["distance"], "term": sym["term"],
                     "mean_of_m_terms": sym["mean_over_m"],
                     "claimed": claimed(tt.ALPHA), "term_minus_claimed": gap,
                     "semi_hard_condition_at_collapse": sym["semi_hard_selects"],
                     "miners_selecting_nothing": sym_empty},
        "numeric": {"batches": n_batches, "batch_sizes": [4, 16, 64, 128], "dims": [2, 8, 32],
                    "half_normalised": True, "alpha_range": [round(min(alphas), 3), round(max(alphas), 3)],
                    "triplets_per_miner": counts, "max_rel_deviation_per_miner": worst, "tolerance": tol,
                    "miners_selecting_nothing": empty,
                    "gram_path_max_distance": worst_gram, "gram_path_semi_hard_triplets": semi_gram},
    }
    num_ok = all(v <= tol for v in worst.values())
    if not sym_ok or not num_ok:
        cex = {"alpha": 1, "loss_of_collapsed_triplet": sym["term"].subs(tt.ALPHA, 1),
               "claimed": claimed(sympy.Integer(1)), "numeric_max_rel_deviation": worst}
        return Evidence("refuted", "symbolic", f"A collapsed triplet's loss is {sym['term']}, not {claimed(tt.ALPHA)}.",
                        numbers, counterexample=cex)
    if empty != sym_empty:  # the derivation and the miners disagree on which select nothing: a bug, not a verdict
        return Evidence("inconclusive", "symbolic", f"The derivation says {sym_empty or 'no miner'} selects no "
                        f"triplet at collapse, the miners on {n_batches} collapsed batches say {empty or 'none'}; "
                        "resolving the disagreement would decide which selections have a mean.", numbers)
    derived = (f"each collapsed triplet's loss is Max(alpha, 0) = alpha (every distance is 0) and any m >= 1 of "
               f"them average alpha (SymPy; {', '.join(selecting)} mining on {n_batches} collapsed batches agree to "
               f"{max(worst.values()):.1e}, relative)")
    if not empty:
        return Evidence("proved", "symbolic", f"The mean loss at collapse is alpha for {', '.join(miners)} mining: "
                        f"{derived}.", numbers)
    why = "D_ap < D_an is 0 < 0; " if "semi-hard" in empty else ""
    residues = (f", {semi_gram} from Gram-matrix rounding residues up to {worst_gram:.1e}"
                if "semi-hard" in empty else "")
    cond = (f"the miner selects at least one triplet of the collapsed batch ({', '.join(selecting)} do); "
            f"{', '.join(empty)} mining selects none at collapse ({why.rstrip('; ')}), so its mean loss is an empty "
            "mean, 0/0, undefined (and the batch gives no gradient), not alpha")
    return Evidence(
        "qualified", "symbolic",
        f"The mean loss at collapse is alpha only for the miners that select a triplet there ({', '.join(selecting)}):"
        f" {derived}; {', '.join(empty)} mining selects none ({why}{sum(counts[m] for m in empty)} found{residues}), "
        "so its mean is 0/0, undefined, and 'whatever the mining' fails for it.", numbers, condition=cond)


@claim(
    "xu22.collapse_value",
    source=SOURCE,
    statement=("Reconstructed: if the network is collapsed (every embedding of the batch the same point c, normalised "
               "or not), every triplet has D_ap = D_an = 0 and triplet loss [D_ap - D_an + alpha]_+ = alpha, so the "
               "mean loss of whatever triplets a miner selects (hard, batch-hard, random, semi-hard) is alpha. Checked "
               "symbolically (SymPy, c symbolic, m terms) and on collapsed batches through each miner of "
               "label_noise_lab.simulate.embedding.losses."),
    expected="qualified",
    method="symbolic",
    reconstructed="outline",
)
def collapse_value(ctx: Context) -> Evidence:
    return collapse_value_evidence(ctx)


# ============================================================================ hard-mined loss and d_iso
ISO_ALPHA = 1.0  # the problem is scale-covariant: alpha = 1 loses nothing


@figure_data
def iso_trials_data(ctx: Context) -> list[tuple[Any, Any, dict[str, Any], Any]]:
    """``(F, labels, info, d_iso bounds)`` of the random sets of ``xu22.hnm_isometry`` (drawn by
    ``xu22_loss_vs_diso``)."""
    rng = ctx.rng(0)
    out = []
    for _ in range(ctx.pick(12, 36, 150)):
        F, y, info = random_configuration(rng, alpha=ISO_ALPHA)
        out.append((F, y, info, d_iso_bounds(F, y, ISO_ALPHA, rng)))
    return out


@figure_data
def collapse_sweep_data(ctx: Context) -> dict[str, Any]:
    """The phase-diagram sweep of ``xu22.collapse_batch_dim`` (also drawn by ``xu22_collapse_phase``)."""
    return sc.collapse_sweep(TASK, ctx.rng(0), batch_sizes=BATCH_SIZES, dims=DIMS, n_seeds=ctx.pick(*COLLAPSE_SEEDS))


def _iso_trials(ctx: Context, constant: float, bound: Callable[[float, float, float], float]
                ) -> tuple[list[dict[str, Any]], dict[str, Any] | None, dict[str, Any] | None, int]:
    """One row per random set of :func:`iso_trials_data` with the certified outcome of bounds (i) and (ii)
    (see :func:`iso_evidence`): ``(rows, worst failure of (i), worst failure of (ii), undecided (ii))``."""
    alpha = ISO_ALPHA
    rows: list[dict[str, Any]] = []
    worst_i: dict[str, Any] | None = None
    worst_ii: dict[str, Any] | None = None
    undecided_ii = 0
    for F, y, info, b in iso_trials_data(ctx):
        row = {"regime": info["regime"], "n": info["n"], "dim": info["dim"], "M": b.M, "lower": b.lower,
               "upper": b.upper, "diam": b.diam, "source": b.upper_source}
        row["ratio_M_over_upper"] = b.M / b.upper if b.upper > 0 else (0.0 if b.M == 0 else math.inf)
        if b.M < alpha:
            row["bound"] = bound(b.M, b.diam, alpha)
            row["upper_over_bound"] = (b.upper / row["bound"] if row["bound"] > 0
                                       else (0.0 if b.upper == 0 else math.inf))
            if b.lower > row["bound"] * (1 + 1e-12):
                row["ii_fails"] = True
                if worst_ii is None or b.lower - row["bound"] > worst_ii["excess"]:
                    worst_ii = {"F": F.tolist(), "labels": y.tolist(), "alpha": alpha, "M": b.M, "lower": b.lower,
                                "bound": row["bound"], "excess": b.lower - row["bound"]}
            elif b.upper > row["bound"] + SLACK * b.diam:
                undecided_ii += 1
        with mpmath.workdps(50):  # M and the verified upper bound, both in 50 digits
            row["i_fails"] = bool(b.M_mp - constant * b.upper_mp > 0)
        if row["i_fails"]:
            if worst_i is None or row["ratio_M_over_upper"] > worst_i["ratio_M_over_upper"]:
                worst_i = {"F": F.tolist(), "labels": y.tolist(), "alpha": alpha, "G": b.G.tolist(),
                           "M": mpmath.nstr(b.M_mp, 20), "upper_bound_on_d_iso": mpmath.nstr(b.upper_mp, 20),
                           "ratio_M_over_upper": row["ratio_M_over_upper"], "regime": info["regime"],
                           "verification": "G triplet-separated and max ||F - G|| in 50-digit arithmetic"}
        rows.append(row)
    return rows, worst_i, worst_ii, undecided_ii


def iso_evidence(ctx: Context, constant: float = 2.0,
                 bound: Callable[[float, float, float], float] = lambda M, diam, alpha: M * diam / (alpha - M)
                 ) -> Evidence:
    """The two bounds of the reconstruction on random small configurations, plus the exact example.

    (i) ``M <= constant * d_iso``: fails in a trial when ``M > constant * upper`` (``upper >= d_iso`` is
    verified): a certified counterexample. (ii) ``d_iso <= bound(M, diam, alpha)`` when ``M < alpha``:
    holds in a trial when ``upper <= bound + SLACK diam`` (certified up to the rounding slack of the
    verified ``g``); fails when ``lower = M / 4 > bound`` (certified, since ``d_iso >= M / 4`` is a
    theorem; a relative margin of 1e-12 covers the rounding of the bound); undecided otherwise.
    ``constant`` and ``bound`` are parameters so that tests can feed the corrected constant or a wrong bound.
    """
    ex = tt.isometry_constant_example()
    sc_sym = tt.scaling_certificate()
    trials = ctx.pick(12, 36, 150)
    alpha = ISO_ALPHA
    rows, worst_i, worst_ii, undecided_ii = _iso_trials(ctx, constant, bound)
    ratios = [r["ratio_M_over_upper"] for r in rows if r["upper"] > 0]
    viol_i = sum(r["i_fails"] for r in rows)
    four_ok = all(r["M"] <= 4 * r["upper"] * (1 + 1e-9) for r in rows)  # M/4 <= d_iso <= upper: a consistency check
    prem = [r for r in rows if "bound" in r]
    nontrivial = [r for r in prem if r["M"] > 0]  # M = 0: f is separated, d_iso = 0 = bound
    inst = ex["instance"]
    exact_i_fails = bool(ex["M_equals_4_delta"] and ex["g_separated"] and ex["every_point_moves_by_delta"]
                         and ex["ratio_M_over_d_iso"] > constant)
    numbers: dict[str, Any] = {
        "constant_checked": constant, "alpha": alpha, "trials": trials,
        "regimes": {g: sum(r["regime"] == g for r in rows)
                    for g in ("spread", "clusters", "nearly separated", "collapsed")},
        "bound_sides": {"lower": "d_iso >= M/4 (triangle inequality; exact)",
                        "upper": "max ||f - g|| for a repaired, 50-digit-verified triplet-separated g (scaling "
                                 "certificate or SLSQP from several starts)"},
        "i_violations_certified": viol_i, "max_ratio_M_over_upper": max(ratios) if ratios else None,
        "median_ratio_M_over_upper": float(np.median(ratios)) if ratios else None,
        "M_le_4_upper_everywhere": four_ok,
        "ii_trials_with_M_below_alpha": len(prem), "ii_trials_with_0_lt_M_lt_alpha": len(nontrivial),
        "ii_failures_certified": sum(bool(r.get("ii_fails")) for r in prem), "ii_undecided": undecided_ii,
        "ii_max_upper_over_bound": max((r["upper_over_bound"] for r in nontrivial), default=None),
        "ii_median_upper_over_bound": (float(np.median([r["upper_over_bound"] for r in nontrivial]))
                                       if nontrivial else None),
        "exact_example": {"f": [str(v) for v in inst["f"]], "labels": [0, 0, 1], "g": [str(v) for v in inst["g"]],
                          "alpha": str(inst["alpha"]), "M": str(inst["M"]), "d_iso": str(inst["d_iso"]),
                          "family": "p = -1 - delta, a = delta, n = 1 + alpha - delta: M = 4 delta, d_iso = delta"},
        "scaling_argument": {"lambda": sc_sym["lambda"], "lambda_minus_1": sc_sym["lambda_minus_1"],
                             "scaled_gaps_at_least_alpha": sc_sym["scaled_gap_at_least_alpha"]},
        "trials_table": [{k: (round(v, 5) if isinstance(v, float) else v) for k, v in r.items()} for r in rows[:60]],
    }
    if not four_ok:  # a verified g closer than M/4 would contradict the triangle inequality: a defect
        raise RuntimeError("a verified upper bound fell below M/4; the certificate or the verification is wrong")
    ii_fails = numbers["ii_failures_certified"] > 0
    i_fails = exact_i_fails or viol_i > 0
    ii_txt = (f"the converse d_iso <= M diam/(alpha - M) held in all {len(prem)} trials with M < alpha ("
              f"{len(nontrivial)} with M > 0: verified upper bound / claimed bound at most "
              f"{numbers['ii_max_upper_over_bound']:.2f}, median {numbers['ii_median_upper_over_bound']:.2f}; the "
              "scaling g = c + alpha/(alpha - M) (f - c) proves it)"
              if nontrivial and not ii_fails and not undecided_ii else "")
    if i_fails or ii_fails:
        cex: dict[str, Any] = {}
        parts = []
        if i_fails:
            fp, fa, fn = inst["f"]
            ratio = ex["ratio_M_over_d_iso"]
            cex["i_exact"] = {**numbers["exact_example"],
                              "check": f"M = {inst['M']} > {constant:g} d_iso = {constant * inst['d_iso']}"}
            if worst_i is not None:
                cex["i_monte_carlo_worst"] = worst_i
            parts.append(f"the reconstructed bound 'each hard term <= {constant:g} d_iso' (this project's reading of "
                         f"the abstract, not a statement of the paper) fails: on a line, p = {fp}, a = {fa} (class 0), "
                         f"n = {fn} (class 1), alpha = {inst['alpha']} give M = {inst['M']} and d_iso = "
                         f"{inst['d_iso']} "
                         f"exactly (g = ({', '.join(map(str, inst['g']))})), so M = {ratio} d_iso; {viol_i} of "
                         f"{trials} "
                         f"random configurations also break it (largest certified M/d_iso >= "
                         f"{numbers['max_ratio_M_over_upper']:.3f}); 4 d_iso is the right constant (triangle "
                         f"inequality) and {'is attained' if ratio == 4 else 'is not attained here'}")
        if ii_fails:
            cex["ii"] = worst_ii
            parts.append(f"the bound on d_iso fails in {numbers['ii_failures_certified']} trials (M/4 exceeds it)")
        elif ii_txt:
            parts.append(ii_txt)
        # the method names the decisive evidence: the exact 3-point example where it breaks (i), else the trials
        decisive = "exact" if exact_i_fails else "mc"
        return Evidence("refuted", decisive, "This project's reconstruction is refuted, not a sentence of the paper: "
                        + "; ".join(parts) + ".", numbers, counterexample=cex, figures=list(FIG_ISO))
    if undecided_ii:
        return Evidence("inconclusive", "mc",
                        f"No certified failure, but in {undecided_ii} trials the verified upper bound on d_iso "
                        f"exceeded "
                        "the claimed bound; a tighter d_iso computation would decide.", numbers, figures=list(FIG_ISO))
    return Evidence("confirmed", "mc",
                    f"Every hard term was at most {constant:g} d_iso in {trials} trials (certified, largest "
                    f"M/upper {numbers['max_ratio_M_over_upper']:.3f}), and {ii_txt}.", numbers, figures=list(FIG_ISO))


@claim(
    "xu22.hnm_isometry",
    source=SOURCE,
    statement=("Reconstructed: for a finite labelled set X with embedding f(X) in R^d and margin alpha, let F_TS be "
               "the triplet-separated embeddings (D_an >= D_ap + alpha for every valid triplet) and d_iso = min over g "
               "in F_TS of max_x ||f(x) - g(x)||. (i) Each hard-negative-mined term [D_ap - min_n D_an + alpha]_+ is "
               "at most 2 d_iso; (ii) if the worst term M < alpha then d_iso <= M diam f(X) / (alpha - M). Checked "
               "with alpha = 1 on random sets of 6-12 points in dimension 2-3 with 2-3 classes: d_iso >= M/4 exactly, "
               "d_iso <= max ||f - g|| for a verified (50-digit) triplet-separated g; plus an exact 3-point example."),
    expected="refuted",
    method="exact",  # the decisive witness of the refutation is the exact 3-point example (the trials back it)
    reconstructed="outline",
    figures=FIG_ISO,
)
def hnm_isometry(ctx: Context) -> Evidence:
    return iso_evidence(ctx)


# ============================================================================ collapse vs batch size and dimension
def collapse_trends(res: dict[str, Any]) -> tuple[dict[str, Estimate], dict[str, Any]]:
    """Per normalisation: the paired (per-seed) Kendall-type trends of the collapse score
    ``-log10(spread_end / spread_start)``: increasing with the batch size, decreasing with the
    dimension (both signed so that the claim is positive)."""
    score = sc.collapse_score(res["spread_ratio"])  # (S, N, nB, nd)
    tB = sc.monotone_trend(score, 2)
    td = -sc.monotone_trend(score, 3)
    fB = sc.monotone_trend(res["collapsed"].astype(float), 2)
    fd = -sc.monotone_trend(res["collapsed"].astype(float), 3)
    results: dict[str, Estimate] = {}
    extra: dict[str, Any] = {}
    for i, nz in enumerate(res["normalized"]):
        lab = "normalised" if nz else "unnormalised"
        results[f"{lab}, larger batch"] = seed_summary(tB[:, i])
        results[f"{lab}, smaller dimension"] = seed_summary(td[:, i])
        extra[lab] = {
            "collapse_score_mean_B_by_d": score[:, i].mean(axis=0).round(3).tolist(),
            "collapse_frequency_B_by_d": res["collapsed"][:, i].mean(axis=0).round(3).tolist(),
            "recall_at_1_mean_B_by_d": res["recall_end"][:, i].mean(axis=0).round(3).tolist(),
            "trend_per_seed_batch": tB[:, i].round(3).tolist(), "trend_per_seed_dim": td[:, i].round(3).tolist(),
            "frequency_trend_batch": _est(seed_summary(fB[:, i])) if fB.shape[0] > 1 else None,
            "frequency_trend_dim": _est(seed_summary(fd[:, i])) if fd.shape[0] > 1 else None,
        }
    return results, extra


@claim(
    "xu22.collapse_batch_dim",
    source=SOURCE,
    statement=("Reconstructed: with hard negative mining (each anchor-positive pair with the anchor's closest "
               "negative), collapse becomes more likely as the batch grows and the embedding dimension shrinks. "
               "Checked on a 16-32-d ReLU network trained by mini-batch gradient descent (150 steps, lr 0.1, "
               "alpha 0.2) on 8 Gaussian classes, batch sizes 8-128 by dimensions 2-32, normalised and unnormalised "
               "embeddings: the per-seed rank trend of -log10(final/initial spread of clean test embeddings) along "
               "each axis, significant over seeds (p < 0.001, t)."),
    expected="confirmed",
    method="sim",
    reconstructed="outline",
    figures=FIG_PHASE,
)
def collapse_batch_dim(ctx: Context) -> Evidence:
    n_seeds = ctx.pick(*COLLAPSE_SEEDS)
    ctx.say(f"phase diagram: {len(BATCH_SIZES)} batch sizes x {len(DIMS)} dimensions x 2 normalisations, {n_seeds} "
            f"seeds")
    res = collapse_sweep_data(ctx)
    results, extra = collapse_trends(res)
    numbers = {"settings": {**TASK.settings(), "batch_sizes": list(BATCH_SIZES), "dims": list(DIMS), "seeds": n_seeds,
                            "miner": "hard", "statistic": "mean over pairs of cells along the axis of sign(change of "
                            "-log10 spread ratio), per seed, averaged over the other axis",
                            "collapsed": f"final spread below {TASK.threshold:g} x initial"},
               "trends": {k: _est(e, 3) for k, e in results.items()}, **extra,
               "no_triplet_steps_total": int(res["no_triplet_steps"].sum())}
    ev = _combine(results, f"per-seed rank trends, +1 = every comparison in the claimed direction, {n_seeds} seeds",
                  numbers, "Under hard mining the collapse score -log10(final/initial spread) rises with the batch "
                  "size and falls with the embedding dimension")
    counts = "; ".join(f"{'normalised' if nz else 'unnormalised'} {int(res['collapsed'][:, i].sum())} of "
                       f"{res['collapsed'][:, i].size}" for i, nz in enumerate(res["normalized"]))
    ev.summary = ev.summary.rstrip(".") + f"; runs ending below {TASK.threshold:g} x their initial spread: {counts}."
    return ev


# ============================================================================ miners compared
def compare_miners(res: dict[str, Any]) -> tuple[dict[str, Estimate], dict[str, Any]]:
    """Paired (per-seed) differences of the collapse score, hard minus each other miner, per normalisation."""
    score = sc.collapse_score(res["spread_ratio"])  # (S, N, miners)
    miners = res["miners"]
    h = miners.index("hard")
    results: dict[str, Estimate] = {}
    extra: dict[str, Any] = {}
    for i, nz in enumerate(res["normalized"]):
        lab = "normalised" if nz else "unnormalised"
        for j, m in enumerate(miners):
            if j != h:
                results[f"{lab}, hard vs {m}"] = paired_difference(score[:, i, h], score[:, i, j])
        extra[lab] = {m: {"collapse_score": _est(seed_summary(score[:, i, j]), 3),
                          "spread_ratio_median": float(np.median(res["spread_ratio"][:, i, j])),
                          "collapse_frequency": float(res["collapsed"][:, i, j].mean()),
                          "recall_at_1": _est(seed_summary(res["recall_end"][:, i, j]), 3),
                          "recall_at_1_minus_hard": (_est(paired_difference(res["recall_end"][:, i, j],
                                                                             res["recall_end"][:, i, h]), 3)
                                                     if j != h else None),
                          "steps_without_triplets": int(res["no_triplet_steps"][:, i, j].sum())}
                      for j, m in enumerate(miners)}
    return results, extra


@claim(
    "xu22.mining_compare",
    source=SOURCE,
    statement=("Reconstructed: hard negative mining collapses more (ends with a smaller spread of the embeddings) than "
               "semi-hard and random negatives. Checked in the xu22.collapse_batch_dim setting at batch size 64 and "
               "dimension 8, normalised and unnormalised, the three miners on the same seeds (data, batches, initial "
               "weights): paired differences of -log10(final/initial spread), hard minus other, significant (p < "
               "0.001, t); "
               "collapse frequency (spread below 0.1 x initial) and Recall@1 on clean test data reported."),
    expected="confirmed",
    method="sim",
    reconstructed="outline",
)
def mining_compare(ctx: Context) -> Evidence:
    n_seeds = ctx.pick(6, 8, 16)
    ctx.say(f"hard / semi-hard / random, {n_seeds} seeds")
    res = sc.mining_comparison(TASK, ctx.rng(0), n_seeds=n_seeds, **COMPARE)
    results, extra = compare_miners(res)
    numbers = {"settings": {**TASK.settings(), **COMPARE, "seeds": n_seeds, "miners": res["miners"]},
               "differences_hard_minus_other": {k: _est(e, 3) for k, e in results.items()}, **extra}
    ev = _combine(results, "paired differences of the collapse score, hard minus other", numbers,
                  "Hard mining ends with a smaller spread than semi-hard and random mining")
    rec = "; ".join(f"{lab} Recall@1 hard {extra[lab]['hard']['recall_at_1']['mean']:.2f}, semi-hard "
                    f"{extra[lab]['semi-hard']['recall_at_1']['mean']:.2f}, random "
                    f"{extra[lab]['random']['recall_at_1']['mean']:.2f}" for lab in extra)
    freq = "; ".join(f"{lab} collapse frequency hard {extra[lab]['hard']['collapse_frequency']:.2f}, semi-hard "
                     f"{extra[lab]['semi-hard']['collapse_frequency']:.2f}, random "
                     f"{extra[lab]['random']['collapse_frequency']:.2f}" for lab in extra)
    ev.summary = ev.summary.rstrip(".") + f"; {freq}; {rec} ({n_seeds} seeds)."
    return ev
