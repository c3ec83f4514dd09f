"""The backward correction's conditioning and mixing (Patrini et al. 2017, sec. 4.1 after Thm 1, and sec. 6).

The evidence of ``patrini17.backward_conditioning`` and the data of its figure: exact moments of the
backward-corrected cross-entropy along families of ``T`` whose condition number grows, with and without
mixing ``T`` with the identity, and the best mixing weight for ``n`` samples.
"""
from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any, Sequence

import numpy as np
from scipy.optimize import brentq, minimize_scalar

from label_noise_lab.simulate.correction.sampled import backward_mc, backward_moments, mixed_target
from label_noise_lab.simulate.noise import TransitionMatrix, cifar10_flips, cifar100_flips, mnist_flips, uniform_noise
from paper_checks.api import Context, Evidence, figure_data
from paper_checks.papers.patrini17.studies import PAPER_BATCH, ConditioningStudy, conditioning_study

Z = 5.0
ROUND = 1e-9  # atol of the Monte Carlo comparisons, relative to the target: floating-point rounding only
TRAIN_SIZE = 50_000  # a CIFAR-10-sized training set, for the large-sample side of the bias/variance trade
_NUMERIC_BENCH = {"mnist": mnist_flips, "cifar10": cifar10_flips, "cifar100": cifar100_flips}


def agrees(est: Any, target: float) -> bool:
    """``|est - target| <= 5 stderr + atol`` with ``atol = 1e-9 (1 + |target|)`` (rounding; matters only where
    stderr ~ 0)."""
    return est.agrees(target, Z, ROUND * (1 + abs(target)))


def _spearman_increasing(xs: Sequence[float]) -> bool:
    return all(b > a for a, b in zip(xs, xs[1:]))


@figure_data
def conditioning_data(ctx: Context) -> ConditioningStudy:
    """The exact conditioning study of ``patrini17.backward_conditioning`` (also drawn by
    ``patrini17_backward_variance``)."""
    return conditioning_study(ctx.rng(1))


@dataclass(frozen=True)
class BestMix:
    """The mixing weight that minimises the MSE of the corrected empirical risk over ``n`` samples.

    ``mse(w) = bias(w)^2 + Var(w)/n`` from the exact moments
    (:func:`label_noise_lab.simulate.correction.sampled.backward_moments`);
    ``bias(0) = 0`` (Thm 1), so ``mse'(0) = Var'(0)/n``, negative whenever mixing lowers the variance: some
    ``w > 0`` helps at every ``n``. ``w_max`` is the largest weight that still helps (``mse(w) < mse(0)``).
    """

    n: int
    w_best: float
    gain: float  # 1 - mse(w_best)/mse(0)
    w_max: float
    dvar_dw_at_0: float
    mse_0: float
    mse_best: float

    def as_dict(self) -> dict[str, float]:
        return {"n": self.n, "w_best": float(f"{self.w_best:.4g}"), "relative_mse_gain": float(f"{self.gain:.4g}"),
                "w_max_that_helps": float(f"{self.w_max:.4g}"), "dVar/dw_at_0": float(f"{self.dvar_dw_at_0:.6g}"),
                "mse_w0": self.mse_0, "mse_best": self.mse_best}


def best_mix(study: ConditioningStudy, T: TransitionMatrix, n: int) -> BestMix:
    """:class:`BestMix` of ``T`` for ``n`` samples: a log-spaced scan of ``w`` in ``[1e-9, 0.999]`` refined by
    bounded scalar minimisation, each ``mse(w)`` from the exact moments."""

    def mse(w: float) -> float:
        return backward_moments(study.dist, study.logits, study.base, T, mix=float(w)).mse(n)

    m0 = mse(0.0)
    h = 1e-7
    var0 = backward_moments(study.dist, study.logits, study.base, T, mix=0.0).variance
    dvar = (backward_moments(study.dist, study.logits, study.base, T, mix=h).variance - var0) / h
    us = np.linspace(-9.0, math.log10(0.999), 91)
    vals = [mse(10**u) for u in us]
    i = int(np.argmin(vals))
    lo, hi = us[max(i - 1, 0)], us[min(i + 1, len(us) - 1)]
    res = minimize_scalar(lambda u: mse(10**u), bounds=(lo, hi), method="bounded", options={"xatol": 1e-6})
    u_best = float(res.x) if res.fun <= vals[i] else float(us[i])
    w_best, m_best = 10**u_best, min(float(res.fun), vals[i])
    if m_best >= m0:
        return BestMix(n, 0.0, 0.0, 0.0, dvar, m0, m0)
    # the largest w that still helps: mse(w) - mse(0) changes sign between w_best and 0.999 (if it does)
    g = lambda w: mse(w) - m0  # noqa: E731
    w_max = float(brentq(g, w_best, 0.999, xtol=1e-12)) if g(0.999) > 0 else 0.999
    return BestMix(n, w_best, 1 - m_best / m0, w_max, dvar, m0, m_best)


def conditioning_evidence(ctx: Context, study: ConditioningStudy | None = None) -> Evidence:
    """Variance of the backward-corrected CE versus ``cond(T)``, with and without mixing (Patrini et al. 2017,
    secs. 4.1, 6).

    Per family of ``T``: the exact moments (:func:`_exact_rows`), where mixing lowers the MSE
    (:func:`_mixing_helps`) and the Monte Carlo at the family's ends (:func:`_family_mc`); then the verdict
    (:func:`_conditioning_verdict`).
    """
    study = study if study is not None else conditioning_data(ctx)
    families = sorted({p.family for p in study.points})
    mixes = [w for w in study.mixes if w > 0]
    w_ref = 0.1 if 0.1 in mixes else mixes[0]
    n_mc = ctx.pick(100_000, 400_000, 2_000_000)
    numbers: dict[str, Any] = {"population": {"n_x": study.dist.n_x, "c": study.dist.c, "loss": study.base.name,
                                              "clean_labels": "one per input, uniform",
                                              "classifier": "logits N(0,1) + 2 e_y"},
                               "mixes": list(study.mixes), "batch_n": PAPER_BATCH, "train_n": TRAIN_SIZE, "z": Z,
                               "atol": "1e-9 (1 + |target|), rounding only", "mc_draws": n_mc,
                               "backend": ctx.backend.name}
    growth_ok, mix_var_ok, mc_ok, sig_ok = True, True, True, True
    helps: dict[str, dict[str, Any]] = {}
    fam_numbers: dict[str, Any] = {}
    for i, fam in enumerate(families):
        plain = study.select(fam, 0.0)
        conds = [p.cond_T for p in plain]
        var0 = [p.exact.variance for p in plain]
        inc = _spearman_increasing(var0) and _spearman_increasing(conds)
        growth_ok = growth_ok and inc
        fit = len(conds) > 2 and all(v > 0 for v in var0[1:])
        slope = float(np.polyfit(np.log(conds[1:]), np.log(var0[1:]), 1)[0]) if fit else float("nan")
        rows, var_ok = _exact_rows(study, fam, plain, mixes, w_ref)
        mix_var_ok = mix_var_ok and var_ok
        helps[fam] = _mixing_helps(study, fam, plain, mixes)
        mcs, agree, effects = _family_mc(ctx, study, fam, plain, w_ref, n_mc, first_stream=3 * i)
        mc_ok = mc_ok and agree
        grows, drops, biased = effects
        sig_ok = sig_ok and grows and drops and biased
        fam_numbers[fam] = {"rows": rows, "variance_increasing_in_cond": inc, "loglog_slope_var_vs_cond": slope,
                            "monte_carlo": mcs, "mc_growth_significant": grows, "mc_mixing_drop_significant": drops,
                            "mc_mixing_bias_significant": biased}
    numbers["families"] = fam_numbers
    numbers["mixing_lowers_mse"] = helps
    numbers["n_star_meaning"] = ("mixing by w lowers the MSE bias^2 + Var/n of the corrected empirical risk "
                                 "iff n < n* = (Var_0 - Var_w)/bias_w^2")
    # exact evidence first: a refutation by exact moments does not depend on the Monte Carlo
    if not growth_ok:
        fam = next(f for f in families if not fam_numbers[f]["variance_increasing_in_cond"])
        return Evidence("refuted", "exact", f"the variance of the backward-corrected loss does not grow with cond(T) "
                        f"along the {fam} family.", numbers=numbers,
                        counterexample={"family": fam, "rows": fam_numbers[fam]["rows"]})
    if not mix_var_ok:
        return Evidence("refuted", "exact", "mixing T with the identity does not lower the variance everywhere.",
                        numbers=numbers, counterexample={"families": fam_numbers})
    if not mc_ok:
        return Evidence("inconclusive", "mc", "the Monte Carlo of the backward correction disagrees with its exact "
                        "moments beyond 5 standard errors; see numbers.", numbers=numbers)
    if not sig_ok:
        return Evidence("inconclusive", "mc", "exact moments show the effects, but the Monte Carlo does not resolve "
                        "them at this precision; see numbers.", numbers=numbers)
    return _conditioning_verdict(study, families, w_ref, numbers)


def _exact_rows(study: ConditioningStudy, fam: str, plain: list, mixes: Sequence[float],
                w_ref: float) -> tuple[list[dict[str, Any]], bool]:
    """The exact moments of one family, a row per ``T``: variance, bias, MSE at the paper's batch and a
    CIFAR-sized set, ``n*`` per mixing weight, and the minimiser ``r`` of the mixed-corrected CE at ``w_ref``;
    and whether every mixing weight lowers the variance where ``cond(T) > 1``."""
    rows, var_ok = [], True
    for p in plain:
        row: dict[str, Any] = {"param": p.param, "cond_T": p.cond_T, "var_w0": p.exact.variance,
                               "clean_var": p.exact.clean_variance, "noise_var_w0": p.exact.noise_variance}
        for w in mixes:
            q = next(s for s in study.select(fam, w) if s.param == p.param)
            row[f"w={w}"] = {"var": q.exact.variance, "bias": q.exact.bias, "cond_inverted": q.exact.cond,
                             f"mse_n{PAPER_BATCH}": q.exact.mse(PAPER_BATCH),
                             f"mse_n{TRAIN_SIZE}": q.exact.mse(TRAIN_SIZE),
                             "n_star": ((p.exact.variance - q.exact.variance) / q.exact.bias**2
                                        if q.exact.bias != 0 else math.inf)}
            if p.cond_T > 1 + 1e-9 and not q.exact.variance < p.exact.variance:
                var_ok = False
        row[f"mse_w0_n{PAPER_BATCH}"] = p.exact.mse(PAPER_BATCH)
        # minimiser of the expected mixed-corrected CE: r = p(y|x) T T_w^-1 (p(y|x) without mixing)
        r = mixed_target(study.dist.py_x, _family_T(fam, p.param, study.dist.c), w_ref)
        y = np.argmax(study.dist.py_x, axis=1)
        row[f"mixed_minimiser_w={w_ref}"] = {"argmax_kept": bool(np.all(np.argmax(r, axis=1) == y)),
                                             "mean_r_y": float(np.mean(r[np.arange(len(y)), y])),
                                             "nonnegative": bool(np.all(r >= -1e-12))}
        rows.append(row)
    return rows, var_ok


def _mixing_helps(study: ConditioningStudy, fam: str, plain: list, mixes: Sequence[float]) -> dict[str, Any]:
    """Where mixing lowers the MSE of the corrected empirical risk, for the paper's batch and a CIFAR-sized
    set: with the best ``w(n)`` (:func:`best_mix`, exact moments) and with each fixed weight of the grid."""
    out: dict[str, Any] = {}
    for n_ref in (PAPER_BATCH, TRAIN_SIZE):
        bests = [best_mix(study, _family_T(fam, p.param, study.dist.c), n_ref) for p in plain
                 if p.cond_T > 1 + 1e-9]
        conds = [round(p.cond_T, 3) for p in plain if p.cond_T > 1 + 1e-9]
        out[f"n={n_ref}"] = {
            "helps_at_cond": [k for k, b in zip(conds, bests) if b.gain > 0],
            "hurts_at_cond": [k for k, b in zip(conds, bests) if not b.gain > 0],
            "best_w_by_cond": {str(k): b.as_dict() for k, b in zip(conds, bests)},
            "fixed_grid_w_that_help_by_cond": {
                str(round(p.cond_T, 3)): [w for w in mixes if next(s for s in study.select(fam, w)
                                                                  if s.param == p.param).exact.mse(n_ref)
                                          < p.exact.mse(n_ref)] for p in plain if p.cond_T > 1 + 1e-9}}
    return out


def _family_mc(ctx: Context, study: ConditioningStudy, fam: str, plain: list, w_ref: float, n_mc: int, *,
               first_stream: int) -> tuple[dict[str, Any], bool, tuple[bool, bool, bool]]:
    """Monte Carlo at the ends of one family, and mixed at its worst-conditioned ``T`` (device streams
    ``first_stream`` .. ``first_stream + 2``): the numbers, whether all three agree with the exact moments, and
    whether the variance's growth, its drop under mixing and the mixing's bias are significant."""
    lo, hi = plain[0], plain[-1]
    hi_mix = next(s for s in study.select(fam, w_ref) if s.param == hi.param)
    mcs, runs, all_agree = {}, {}, True
    points = (("lowest_cond_w0", lo), ("highest_cond_w0", hi), (f"highest_cond_w{w_ref}", hi_mix))
    for stream, (tag, pt) in enumerate(points, start=first_stream):
        T = _family_T(fam, pt.param, study.dist.c)
        mc = backward_mc(study.dist, study.logits, study.base, T, n_mc, ctx.device_rng(stream), ctx.xp,
                         mix=pt.exact.mix)
        agree = agrees(mc.mean, pt.exact.mean) and agrees(mc.variance, pt.exact.variance) \
            and agrees(mc.difference, pt.exact.bias)
        all_agree = all_agree and agree
        runs[tag] = mc
        mcs[tag] = {"cond_T": pt.cond_T, "mix": pt.exact.mix, "mc_variance": mc.variance.as_dict(),
                    "exact_variance": pt.exact.variance, "mc_bias": mc.difference.as_dict(),
                    "exact_bias": pt.exact.bias, "agrees": agree}
    a, b, m = runs["lowest_cond_w0"], runs["highest_cond_w0"], runs[f"highest_cond_w{w_ref}"]
    grows = b.variance.mean - a.variance.mean > Z * math.hypot(a.variance.stderr, b.variance.stderr)
    drops = b.variance.mean - m.variance.mean > Z * math.hypot(b.variance.stderr, m.variance.stderr)
    biased = abs(m.difference.mean) > Z * m.difference.stderr
    return mcs, all_agree, (grows, drops, biased)


def _conditioning_verdict(study: ConditioningStudy, families: list[str], w_ref: float,
                          numbers: dict[str, Any]) -> Evidence:
    """The qualified verdict once the exact moments and the Monte Carlo show the effects: does the best
    mixing weight help at every ``cond(T)`` and ``n``, and at what cost."""
    fam_numbers, helps = numbers["families"], numbers["mixing_lowers_mse"]
    slopes = {f: round(fam_numbers[f]["loglog_slope_var_vs_cond"], 2) for f in families}
    all_help = all(not v["hurts_at_cond"] for f in helps.values() for v in f.values())
    span = {f: (round(study.select(f, 0.0)[0].exact.variance, 3), round(study.select(f, 0.0)[-1].exact.variance, 1),
                round(study.select(f, 0.0)[-1].cond_T, 1)) for f in families}
    desc = "; ".join(f"{f}: Var {a} -> {b} at cond {k}, log-log slope {slopes[f]}" for f, (a, b, k) in span.items())
    nstar = {f: [r[f"w={w_ref}"]["n_star"] for r in fam_numbers[f]["rows"] if r["cond_T"] > 1 + 1e-9]
             for f in families}
    nstar_txt = "; ".join(f"{f}: {min(v):.0f} .. {max(v):.0f}" for f, v in nstar.items() if v)
    unbounded = [f for f in families if any(not r[f"mixed_minimiser_w={w_ref}"]["nonnegative"]
                                            for r in fam_numbers[f]["rows"])]
    cost = (f"; with the {', '.join(unbounded)} matrices the mixed target p(y|x) T T_w^-1 at w = {w_ref} even has "
            "negative entries, so the expected mixed-corrected CE is unbounded below there" if unbounded else "")
    best_txt = "; ".join(f"{f}: " + ", ".join(_best_text(helps, f, n_ref) for n_ref in (PAPER_BATCH, TRAIN_SIZE))
                         for f in families)
    numbers["main_effect"] = {"name": f"variance ratio w=0 / w={w_ref} at the worst-conditioned T ({families[0]})",
                              "mean": fam_numbers[families[0]]["monte_carlo"]["highest_cond_w0"]["exact_variance"]
                              / fam_numbers[families[0]]["monte_carlo"][f"highest_cond_w{w_ref}"]["exact_variance"],
                              "stderr": 0.0}
    if all_help:
        condition = (f"mixing lowers the variance but biases the correction (E l_back = p(y|x) T T_w^-1 l, not "
                     "p(y|x) l), so it lowers the mean-squared error bias^2 + Var/n of the corrected empirical risk "
                     f"only for weights below w_max(n), which shrinks with n; the best weight w*(n) (exact moments) is "
                     f"positive at every n because dMSE/dw at w = 0 is Var'(0)/n < 0, but it and its gain shrink "
                     f"with n ({best_txt}); a fixed w (e.g. {w_ref}) hurts once n > n*(w) = (Var_0 - Var_w)/bias_w^2 "
                     f"({nstar_txt})")
        return Evidence("qualified", "mc", f"the variance of the backward-corrected CE grows with cond(T) ({desc}); "
                        "mixing with the identity lowers it (Monte Carlo within 5 standard errors of the exact "
                        "moments) at a bias that does not shrink with n, so it helps at every n only with a weight "
                        f"tuned to n: {best_txt}{cost}.", numbers=numbers, condition=condition)
    hurt = "; ".join(f"{f} n = {n_ref}: cond {helps[f][f'n={n_ref}']['hurts_at_cond']}" for f in families
                     for n_ref in (PAPER_BATCH, TRAIN_SIZE) if helps[f][f"n={n_ref}"]["hurts_at_cond"])
    return Evidence("qualified", "mc", f"the variance of the backward-corrected CE grows with cond(T) ({desc}), but no "
                    f"mixing weight lowers the MSE of the corrected risk at {hurt}{cost}.", numbers=numbers,
                    condition=f"mixing does not help at {hurt}")


def _best_text(helps: dict[str, Any], f: str, n_ref: int) -> str:
    """The best mixing weight of family ``f`` for ``n_ref`` samples at its worst-conditioned ``T``, in words."""
    by = helps[f][f"n={n_ref}"]["best_w_by_cond"]
    k = max(by, key=float)
    b = by[k]
    return (f"n = {n_ref}: w* = {b['w_best']:.2g}, MSE {100 * b['relative_mse_gain']:.1f}% lower, helps only for "
            f"w < {b['w_max_that_helps']:.2g} (cond {float(k):.3g})")


def _family_T(fam: str, param: float, c: int) -> TransitionMatrix:
    """The ``T`` of a sweep point (as :func:`paper_checks.papers.patrini17.studies.conditioning_study` builds it)."""
    if fam == "uniform":
        return uniform_noise(c, param * (c - 1) / c)
    return _NUMERIC_BENCH[fam](param)
