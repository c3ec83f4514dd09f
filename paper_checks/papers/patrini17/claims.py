"""Checks of patrini17: loss correction (Patrini et al. 2017, ``002_72071653b2462005.txt``).

Backward correction (sec. 4.1, Thm 1), its negativity and conditioning (sec. 4.1, 6), forward
correction (sec. 4.2, Thm 2) and the benchmark matrices of sec. 5.1 (with Thm 3's argmax,
Eqs. 12-13). The anchor-estimation simulation lives in :mod:`paper_checks.patrini17_sim`, the
Hessian claims in :mod:`paper_checks.patrini17_hessian`.

Every verdict follows from what the check computes: polynomial identities for a generic
row-stochastic ``T`` (``c`` = 2..4), exact rational instances (signs of logarithmic sums
decided by comparing rational powers), exact moments over finite populations cross-validated
by Monte Carlo on the selected backend (``|est - target| <= 5 stderr``), and numerical
minimisation whose disagreements are re-evaluated in 50-digit arithmetic.
"""
from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any, Callable, Sequence

import numpy as np
import sympy

from paper_checks.context import Context
from paper_checks.evidence import Evidence
from paper_checks.figdata import figure_data
from paper_checks.registry import claim, paper
from simulate.correction import backward_corrected, matrix_corrected
from simulate.correction_mc import (PAPER_BATCH, ConditioningStudy, backward_mc, backward_moments, conditioning_study,
                                    forward_minimiser, mixed_target, random_population)
from simulate.losses import Loss, get_loss
from simulate.noise import TransitionMatrix, cifar10_flips, cifar100_flips, mnist_flips, random_transition, uniform_noise
from theory import correction as tc
from theory.linalg import matrix_identities_every_c

PAPER = paper('patrini17',
              authors='G. Patrini, A. Rozza, A. K. Menon, R. Nock, L. Qu',
              year=2017,
              title='Making Deep Neural Networks Robust to Label Noise: a Loss Correction Approach',
              venue='CVPR 2017; arXiv 1609.03683',
              source='002_72071653b2462005.txt')

P002 = "002_72071653b2462005.txt"
Z = 5.0
ROUND = 1e-9  # atol of the Monte Carlo comparisons, relative to the target: floating-point rounding only


def _agrees(est: Any, target: float) -> bool:
    """``|est - target| <= 5 stderr + atol`` with ``atol = 1e-9 (1 + |target|)`` (rounding; matters only where stderr ~ 0)."""
    return est.agrees(target, Z, ROUND * (1 + abs(target)))
USED_RATES = (sympy.Rational(1, 5), sympy.Rational(3, 5))  # the asymmetric N of sec. 5.2 / Table 2
TRAIN_SIZE = 50_000  # a CIFAR-10-sized training set, for the large-sample side of the bias/variance trade
_NUMERIC_BENCH = {"mnist": mnist_flips, "cifar10": cifar10_flips, "cifar100": cifar100_flips}


def _z(est: Any, target: float) -> float:
    return abs(est.mean - target) / est.stderr if est.stderr > 0 else (0.0 if est.mean == target else math.inf)


def _rational_transition(c: int) -> sympy.Matrix:
    """A fixed, simple, non-singular rational stochastic matrix (for exact counter-instances)."""
    M = sympy.zeros(c, c)
    for i in range(c):
        for j in range(c):
            M[i, j] = sympy.Rational(1, 2) if i == j else sympy.Rational(1, 2 * (c - 1)) * (1 + sympy.Rational(j - i, 2 * c))
        M[i, c - 1] += 1 - sum(M.row(i))
    return M


# ================================================================ Thm 1
def _thm1_mc(ctx: Context, make_loss: Callable[[Loss, TransitionMatrix], Loss]) -> dict[str, Any]:
    """MC of the corrected loss against the exact clean risk, plus biased controls (the uncorrected loss must be detected)."""
    rng = ctx.rng(1)
    n = ctx.pick(200_000, 1_000_000, 4_000_000)
    base = get_loss("cce")
    cases = [("random T, c = 4 (diagonal 0.7)", random_transition(4, rng, diag=0.7)),
             ("MNIST flips, N = 0.2", mnist_flips(0.2))]
    out: dict[str, Any] = {"n_per_case": n, "z": Z, "atol": "1e-9 (1 + |target|), rounding only",
                           "backend": ctx.backend.name, "cases": {}}
    ok = True
    controls_detected = True
    for k, (label, T) in enumerate(cases):
        dist, logits = random_population(64, T.c, rng, deterministic=False)
        ex = backward_moments(dist, logits, base, T)
        mc = backward_mc(dist, logits, base, T, n, ctx.device_rng(10 + k), ctx.xp, corrected=make_loss(base, T))
        agree = _agrees(mc.mean, ex.clean_mean) and _agrees(mc.difference, 0.0)
        # controls: no correction (M = I; must be detected: it shows the Monte Carlo has the power to see a
        # bias) and the orientation mistake (M = T^-T; reported, its bias can be small when T is nearly doubly stochastic)
        ctl = {}
        for j, (cname, M) in enumerate((("uncorrected", np.eye(T.c)), ("T^-T", T.inverse().T))):
            wrong = matrix_corrected(base, M)
            cm = backward_mc(dist, logits, base, T, n // 4, ctx.device_rng(20 + 2 * k + j), ctx.xp, corrected=wrong)
            detected = not _agrees(cm.mean, ex.clean_mean)
            if cname == "uncorrected":
                controls_detected = controls_detected and detected
            ctl[cname] = {"exact_mean": backward_moments(dist, logits, base, T, corrected=wrong).mean,
                          "mc_mean": cm.mean.as_dict(), "z_vs_clean_risk": _z(cm.mean, ex.clean_mean),
                          "detected_as_biased": detected}
        ok = ok and agree
        out["cases"][label] = {"cond_T": T.cond, "clean_risk_exact": ex.clean_mean, "mc_corrected_mean": mc.mean.as_dict(),
                               "z": _z(mc.mean, ex.clean_mean), "mc_paired_bias": mc.difference.as_dict(),
                               "agrees": agree, "exact_corrected_variance": ex.variance,
                               "clean_loss_variance": ex.clean_variance, "controls": ctl}
    out["_ok"] = ok
    out["_controls"] = controls_detected
    return out


def thm1_evidence(ctx: Context, correction: tc.Correction = tc.backward_correction,
                  make_loss: Callable[[Loss, TransitionMatrix], Loss] = backward_corrected) -> Evidence:
    """Thm 1: symbolic unbiasedness for ``c`` in 2..4 with ``correction``, then the MC of ``make_loss``."""
    cs = ctx.pick((2, 3), (2, 3, 4), (2, 3, 4))
    sym = {c: tc.backward_unbiased(c, correction) for c in cs}
    numbers: dict[str, Any] = {"symbolic": {c: {"T_l_back_equals_l": r.identity, "E_noisy|x_equals_E_y|x": r.expectation,
                                                "det_T": r.det if c <= 3 else "generic (degree-4 polynomial)"}
                                            for c, r in sym.items()},
                               "argument": "E_{noisy|y} l_back = (T l_back)_y = (T adj(T) l)_y / det T = l_y "
                                           "(polynomial identity T adj(T) = det(T) I), for every y, hence for every p(y|x)"}
    bad = [c for c, r in sym.items() if not r.holds]
    if bad:
        c = bad[0]
        T = _rational_transition(c)
        L = [sympy.Integer(k + 1) for k in range(c)]
        num, den = correction(T, L)
        got = [sympy.nsimplify(sum(T[y, j] * num[j] for j in range(c)) / den) for y in range(c)]
        return Evidence("refuted", "symbolic", f"the correction is not unbiased: for c = {c} the identity T l_back = l "
                        f"fails; at an exact T with l = {L} the noisy expectation is {got}.", numbers=numbers,
                        counterexample={"c": c, "T": [list(T.row(i)) for i in range(c)], "l": L,
                                        "E_noisy|y[l_back]": got, "residual": sym[c].residual})
    mc = _thm1_mc(ctx, make_loss)
    numbers["monte_carlo"] = {k: v for k, v in mc.items() if not k.startswith("_")}
    if not mc["_ok"]:
        return Evidence("inconclusive", "mc", "the identity is proved symbolically, but the Monte Carlo of the "
                        "implemented correction disagrees with the clean risk beyond 5 standard errors; see numbers.",
                        numbers=numbers)
    if not mc["_controls"]:
        return Evidence("inconclusive", "mc", "proved symbolically, but the Monte Carlo could not tell the uncorrected "
                        "loss from the clean risk: it lacks the power to confirm; see numbers.",
                        numbers=numbers)
    zs = [round(v["z"], 2) for v in mc["cases"].values()]
    every_c = matrix_identities_every_c()
    numbers["every_c"] = every_c
    if not every_c["p^T T T^-1 l = p^T l"]:
        return Evidence("inconclusive", "symbolic", "the general-c matrix identity did not simplify; see numbers.",
                        numbers=numbers)
    return Evidence("proved", "symbolic", f"for every c, E_noisy|x[(T^-1 l)_noisy] = p(y|x)^T T T^-1 l = p(y|x)^T l = "
                    f"E_y|x[l_y] wherever det T != 0 (a c x c matrix-expression identity with symbolic c); "
                    f"T adj(T) l = det(T) l also expands for a generic row-stochastic T (c = {', '.join(map(str, cs))}); "
                    f"the Monte Carlo of the implemented correction ({mc['n_per_case']:.0e} draws per case, "
                    f"{ctx.backend.name}) meets the clean risk at z = {zs}, while the uncorrected loss is rejected at z = "
                    f"{[round(v['controls']['uncorrected']['z_vs_clean_risk'], 1) for v in mc['cases'].values()]}.",
                    numbers=numbers)


@claim("patrini17.thm1_backward", source=f"{P002}, sec. 4.1, Thm 1",
       statement="For a non-singular noise matrix T, the backward-corrected loss l_back = T^-1 l is unbiased: "
                 "for every x, E_{noisy|x} l_back(noisy, p(x)) = E_{y|x} l(y, p(x)), so the minimisers agree.",
       method="symbolic", expected="proved")
def thm1_backward(ctx: Context) -> Evidence:
    return thm1_evidence(ctx)


# ================================================================ negativity
def negative_evidence(ctx: Context, max_den: int = 4,
                      transitions: Callable[[Any, Any], sympy.Matrix] | None = None) -> Evidence:
    """The simplest exact instance (``c = 2``) where the backward-corrected CE is negative."""
    ex, evaluated = tc.smallest_negative_backward_ce(max_den, transitions)
    sym_ex, _ = tc.smallest_negative_backward_ce(max_den, lambda a, b: sympy.Matrix([[1 - a, a], [a, 1 - a]]))
    numbers: dict[str, Any] = {"enumerated": {"c": 2, "max_denominator": max_den, "instances": evaluated,
                                              "order": "sum of denominators of T's off-diagonal entries and p0"}}
    # why it is general: T^-1 has a negative entry unless T is a permutation, so sending p_k -> 0 sends l_back -> -oo
    unb = {}
    for name, T in (("MNIST flips N = 1/5", tc.mnist_flips(sympy.Rational(1, 5))),
                    ("uniform c = 3, eta = 1/5", sympy.Matrix(3, 3, lambda i, j: sympy.Rational(4, 5) if i == j
                                                              else sympy.Rational(1, 10)))):
        m, (j, k) = tc.inverse_min_entry(T)
        c = T.rows
        p = [sympy.Rational(1, 10**6) if i == k else (1 - sympy.Rational(1, 10**6)) / (c - 1) for i in range(c)]
        Ti = tc.inverse(T)
        sign = tc.log_combination_sign(list(Ti.row(j)), p)
        unb[name] = {"min_entry_of_T^-1": m, "at": [j, k], "label_j": j, "p_k": "1e-6",
                     "l_back(j) exact sign": sign, "l_back(j)": float(tc.backward_ce(T, p, j).evalf(30))}
    numbers["unbounded_below"] = unb
    if ex is None:
        return Evidence("inconclusive", "exact", f"no negative backward-corrected cross-entropy among {evaluated} exact "
                        f"c = 2 instances with denominators <= {max_den}; a wider search would decide.", numbers=numbers)
    T = TransitionMatrix(np.array(ex.T, dtype=float))
    flt = float(backward_corrected(get_loss("cce"), T).value(np.array([[float(v) for v in ex.p]]), np.array([ex.label]))[0])
    numbers["example"] = {"T": ex.T, "T^-1": ex.T_inverse, "p": ex.p, "noisy_label": ex.label,
                          "l_back": ex.value, "l_back_float": float(ex.value), "exact_sign": ex.sign,
                          "library_value": flt}
    if sym_ex is not None:
        numbers["simplest_symmetric_example"] = {"T": sym_ex.T, "p": sym_ex.p, "noisy_label": sym_ex.label,
                                                 "l_back": sym_ex.value, "l_back_float": float(sym_ex.value)}
    consistent = abs(flt - float(ex.value)) <= 1e-12 * max(1.0, abs(flt))
    if ex.sign < 0 and consistent:
        return Evidence("proved", "exact", f"with c = 2, T = {ex.T} and p = {ex.p}, the backward-corrected "
                        f"cross-entropy of noisy label {ex.label} is {ex.value} = {float(ex.value):.4f} < 0 (sign decided "
                        "exactly). T^-1 of a stochastic T that is not a permutation always has a negative entry (here: "
                        "the MNIST flips at N = 1/5 and uniform noise), so l_back is even unbounded below as p_k -> 0.",
                        numbers=numbers,
                        counterexample=None)
    return Evidence("inconclusive", "exact", "the exact example and the library's value disagree; see numbers.",
                    numbers=numbers)


@claim("patrini17.backward_negative", source=f"{P002}, sec. 4.1 (after Thm 1)",
       statement="The backward-corrected loss T^-1 l is not always non-negative: some non-singular T, prediction p "
                 "and observed label give (T^-1 l(p))_j < 0 (cross-entropy).",
       method="exact", expected="proved")
def backward_negative(ctx: Context) -> Evidence:
    return negative_evidence(ctx)


# ================================================================ conditioning and mixing
def _spearman_increasing(xs: Sequence[float]) -> bool:
    return all(b > a for a, b in zip(xs, xs[1:]))


@figure_data
def conditioning_data(ctx: Context) -> ConditioningStudy:
    """The exact conditioning study of ``patrini17.backward_conditioning`` (also drawn by ``patrini17_backward_variance``)."""
    return conditioning_study(ctx.rng(1))


@dataclass(frozen=True)
class BestMix:
    """The mixing weight that minimises the MSE of the corrected empirical risk over ``n`` samples.

    ``mse(w) = bias(w)^2 + Var(w)/n`` from the exact moments (:func:`simulate.correction_mc.backward_moments`);
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
    from scipy.optimize import brentq, minimize_scalar

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
    """Variance of the backward-corrected CE versus ``cond(T)``, with and without mixing (``002`` secs. 4.1, 6)."""
    study = study if study is not None else conditioning_data(ctx)
    base = study.base
    families = sorted({p.family for p in study.points})
    mixes = [w for w in study.mixes if w > 0]
    w_ref = 0.1 if 0.1 in mixes else mixes[0]
    n_mc = ctx.pick(100_000, 400_000, 2_000_000)
    numbers: dict[str, Any] = {"population": {"n_x": study.dist.n_x, "c": study.dist.c, "loss": base.name,
                                              "clean_labels": "one per input, uniform",
                                              "classifier": "logits N(0,1) + 2 e_y"},
                               "mixes": list(study.mixes), "batch_n": PAPER_BATCH, "train_n": TRAIN_SIZE, "z": Z,
                               "atol": "1e-9 (1 + |target|), rounding only", "mc_draws": n_mc,
                               "backend": ctx.backend.name}
    growth_ok, mix_var_ok, mc_ok, sig_ok = True, True, True, True
    helps: dict[str, dict[str, Any]] = {}
    fam_numbers: dict[str, Any] = {}
    stream = 0
    for fam in families:
        plain = study.select(fam, 0.0)
        conds = [p.cond_T for p in plain]
        var0 = [p.exact.variance for p in plain]
        inc = _spearman_increasing(var0) and _spearman_increasing(conds)
        growth_ok = growth_ok and inc
        fit = len(conds) > 2 and all(v > 0 for v in var0[1:])
        slope = float(np.polyfit(np.log(conds[1:]), np.log(var0[1:]), 1)[0]) if fit else float("nan")
        rows = []
        for p in plain:
            row: dict[str, Any] = {"param": p.param, "cond_T": p.cond_T, "var_w0": p.exact.variance,
                                   "clean_var": p.exact.clean_variance, "noise_var_w0": p.exact.noise_variance}
            for w in mixes:
                q = next(s for s in study.select(fam, w) if s.param == p.param)
                row[f"w={w}"] = {"var": q.exact.variance, "bias": q.exact.bias, "cond_inverted": q.exact.cond,
                                 f"mse_n{PAPER_BATCH}": q.exact.mse(PAPER_BATCH), f"mse_n{TRAIN_SIZE}": q.exact.mse(TRAIN_SIZE),
                                 "n_star": ((p.exact.variance - q.exact.variance) / q.exact.bias**2
                                            if q.exact.bias != 0 else math.inf)}
                if p.cond_T > 1 + 1e-9 and not q.exact.variance < p.exact.variance:
                    mix_var_ok = False
            row[f"mse_w0_n{PAPER_BATCH}"] = p.exact.mse(PAPER_BATCH)
            # minimiser of the expected mixed-corrected CE: r = p(y|x) T T_w^-1 (p(y|x) without mixing)
            r = mixed_target(study.dist.py_x, _family_T(fam, p.param, study.dist.c), w_ref)
            y = np.argmax(study.dist.py_x, axis=1)
            row[f"mixed_minimiser_w={w_ref}"] = {"argmax_kept": bool(np.all(np.argmax(r, axis=1) == y)),
                                                 "mean_r_y": float(np.mean(r[np.arange(len(y)), y])),
                                                 "nonnegative": bool(np.all(r >= -1e-12))}
            rows.append(row)
        # where mixing lowers the MSE of the corrected empirical risk: with the best w(n), from the exact moments
        for n_ref in (PAPER_BATCH, TRAIN_SIZE):
            bests = [best_mix(study, _family_T(fam, p.param, study.dist.c), n_ref) for p in plain
                     if p.cond_T > 1 + 1e-9]
            conds = [round(p.cond_T, 3) for p in plain if p.cond_T > 1 + 1e-9]
            helps.setdefault(fam, {})[f"n={n_ref}"] = {
                "helps_at_cond": [k for k, b in zip(conds, bests) if b.gain > 0],
                "hurts_at_cond": [k for k, b in zip(conds, bests) if not b.gain > 0],
                "best_w_by_cond": {str(k): b.as_dict() for k, b in zip(conds, bests)},
                "fixed_grid_w_that_help_by_cond": {
                    str(round(p.cond_T, 3)): [w for w in mixes if next(s for s in study.select(fam, w)
                                                                      if s.param == p.param).exact.mse(n_ref)
                                              < p.exact.mse(n_ref)] for p in plain if p.cond_T > 1 + 1e-9}}
        # Monte Carlo at the ends of the family, and mixed at the worst-conditioned T
        lo, hi = plain[0], plain[-1]
        hi_mix = next(s for s in study.select(fam, w_ref) if s.param == hi.param)
        mcs = {}
        for tag, pt in (("lowest_cond_w0", lo), ("highest_cond_w0", hi), (f"highest_cond_w{w_ref}", hi_mix)):
            T = _family_T(fam, pt.param, study.dist.c)
            mc = backward_mc(study.dist, study.logits, base, T, n_mc, ctx.device_rng(stream), ctx.xp, mix=pt.exact.mix)
            stream += 1
            agree = _agrees(mc.mean, pt.exact.mean) and _agrees(mc.variance, pt.exact.variance) \
                and _agrees(mc.difference, pt.exact.bias)
            mc_ok = mc_ok and agree
            mcs[tag] = {"cond_T": pt.cond_T, "mix": pt.exact.mix, "mc_variance": mc.variance.as_dict(),
                        "exact_variance": pt.exact.variance, "mc_bias": mc.difference.as_dict(), "exact_bias": pt.exact.bias,
                        "agrees": agree, "_mc": mc}
        a, b, m = mcs["lowest_cond_w0"]["_mc"], mcs["highest_cond_w0"]["_mc"], mcs[f"highest_cond_w{w_ref}"]["_mc"]
        grows = b.variance.mean - a.variance.mean > Z * math.hypot(a.variance.stderr, b.variance.stderr)
        drops = b.variance.mean - m.variance.mean > Z * math.hypot(b.variance.stderr, m.variance.stderr)
        biased = abs(m.difference.mean) > Z * m.difference.stderr
        sig_ok = sig_ok and grows and drops and biased
        for v in mcs.values():
            v.pop("_mc")
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
        return Evidence("inconclusive", "mc", "exact moments show the effects, but the Monte Carlo does not resolve them "
                        "at this precision; see numbers.", numbers=numbers)
    slopes = {f: round(fam_numbers[f]["loglog_slope_var_vs_cond"], 2) for f in families}
    all_help = all(not v["hurts_at_cond"] for f in helps.values() for v in f.values())
    span = {f: (round(study.select(f, 0.0)[0].exact.variance, 3), round(study.select(f, 0.0)[-1].exact.variance, 1),
                round(study.select(f, 0.0)[-1].cond_T, 1)) for f in families}
    desc = "; ".join(f"{f}: Var {a} -> {b} at cond {k}, log-log slope {slopes[f]}" for f, (a, b, k) in span.items())
    nstar = {f: [r[f"w={w_ref}"]["n_star"] for r in fam_numbers[f]["rows"] if r["cond_T"] > 1 + 1e-9] for f in families}
    nstar_txt = "; ".join(f"{f}: {min(v):.0f} .. {max(v):.0f}" for f, v in nstar.items() if v)
    unbounded = [f for f in families if any(not r[f"mixed_minimiser_w={w_ref}"]["nonnegative"]
                                            for r in fam_numbers[f]["rows"])]
    cost = (f"; with the {', '.join(unbounded)} matrices the mixed target p(y|x) T T_w^-1 at w = {w_ref} even has "
            "negative entries, so the expected mixed-corrected CE is unbounded below there" if unbounded else "")

    def _best(f: str, n_ref: int) -> str:
        by = helps[f][f"n={n_ref}"]["best_w_by_cond"]
        k = max(by, key=float)
        b = by[k]
        return (f"n = {n_ref}: w* = {b['w_best']:.2g}, MSE {100 * b['relative_mse_gain']:.1f}% lower, helps only for "
                f"w < {b['w_max_that_helps']:.2g} (cond {float(k):.3g})")

    best_txt = "; ".join(f"{f}: " + ", ".join(_best(f, n_ref) for n_ref in (PAPER_BATCH, TRAIN_SIZE)) for f in families)
    numbers["main_effect"] = {"name": f"variance ratio w=0 / w={w_ref} at the worst-conditioned T ({families[0]})",
                              "mean": fam_numbers[families[0]]["monte_carlo"]["highest_cond_w0"]["exact_variance"]
                              / fam_numbers[families[0]]["monte_carlo"][f"highest_cond_w{w_ref}"]["exact_variance"],
                              "stderr": 0.0}
    if all_help:
        condition = (f"mixing lowers the variance but biases the correction (E l_back = p(y|x) T T_w^-1 l, not "
                     f"p(y|x) l), so it lowers the mean-squared error bias^2 + Var/n of the corrected empirical risk only "
                     f"for weights below w_max(n), which shrinks with n; the best weight w*(n) (exact moments) is "
                     f"positive at every n because dMSE/dw at w = 0 is Var'(0)/n < 0, but it and its gain shrink with n "
                     f"({best_txt}); a fixed w (e.g. {w_ref}) hurts once n > n*(w) = (Var_0 - Var_w)/bias_w^2 "
                     f"({nstar_txt})")
        return Evidence("qualified", "mc", f"the variance of the backward-corrected CE grows with cond(T) ({desc}); "
                        f"mixing with the identity lowers it (Monte Carlo within 5 standard errors of the exact moments) "
                        f"at a bias that does not shrink with n, so it helps at every n only with a weight tuned to n: "
                        f"{best_txt}{cost}.", numbers=numbers, condition=condition)
    hurt = "; ".join(f"{f} n = {n_ref}: cond {helps[f][f'n={n_ref}']['hurts_at_cond']}" for f in families
                     for n_ref in (PAPER_BATCH, TRAIN_SIZE) if helps[f][f"n={n_ref}"]["hurts_at_cond"])
    return Evidence("qualified", "mc", f"the variance of the backward-corrected CE grows with cond(T) ({desc}), but no "
                    f"mixing weight lowers the MSE of the corrected risk at {hurt}{cost}.", numbers=numbers,
                    condition=f"mixing does not help at {hurt}")


def _family_T(fam: str, param: float, c: int) -> TransitionMatrix:
    """The ``T`` of a sweep point (as :func:`simulate.correction_mc.conditioning_study` builds it)."""
    if fam == "uniform":
        return uniform_noise(c, param * (c - 1) / c)
    return _NUMERIC_BENCH[fam](param)


@claim("patrini17.backward_conditioning", source=f"{P002}, sec. 4.1 (after Thm 1) and sec. 6",
       statement="The condition number of T makes backward correction hard (the corrected loss mixes losses with "
                 "coefficients far apart in magnitude); mixing T with the identity before inversion helps.",
       method="mc", expected="qualified", figures=("patrini17_backward_variance",))
def backward_conditioning(ctx: Context) -> Evidence:
    return conditioning_evidence(ctx)


# ================================================================ Thm 2
def _exact_simplex(v: Any) -> list[sympy.Rational]:
    """The float vector as exact binary rationals, clipped at 0, its last entry ``1 - sum`` of the others."""
    head = [sympy.Rational(repr(max(float(x), 0.0))) for x in v[:-1]]
    return [*head, 1 - sum(head)]


def _forward_exact(name: str, T: np.ndarray, p_clean: np.ndarray, p_star: np.ndarray,
                   q: float = 0.5) -> tuple[sympy.Float, sympy.Float]:
    """``F(p*)`` and ``F(p_clean)`` with ``F(p) = sum_j pt_j l(T^T p, j)``, ``pt = T^T p_clean``, in 50 digits.

    ``T``'s rows and both points are made exactly stochastic first, so the instance is self-consistent.
    """
    Tr = sympy.Matrix([_exact_simplex(row) for row in T])
    pc, ps = _exact_simplex(p_clean), _exact_simplex(p_star)
    pt = tc.pushforward(Tr, pc)
    loss = tc.probability_loss(name, sympy.Rational(repr(q)))
    return sympy.N(tc.forward_risk(loss, Tr, ps, pt), 50), sympy.N(tc.forward_risk(loss, Tr, pc, pt), 50)


def thm2_general_c() -> dict[str, Any]:
    """Thm 2 for cross-entropy and the square loss, for every ``c``, by per-coordinate identities.

    With ``u = T^T p`` and ``pt = T^T p(y|x)``: ``T^T`` maps the simplex into itself (``sum_j u_j =
    sum_i p_i sum_j T_ij = 1``) and is injective when ``det T != 0``, so it suffices that
    ``G(u) = sum_j pt_j l(u, j)`` is minimised on the simplex exactly at ``u = pt`` (strict properness).

    - cross-entropy: ``G(u) - G(pt) = sum_j pt_j log(pt_j/u_j) >= sum_j pt_j (1 - u_j/pt_j) = 0`` by
      ``log x <= x - 1`` (``g(x) = x - 1 - log x``: ``g(1) = g'(1) = 0``, ``g'' = 1/x^2 > 0``), with
      equality iff ``u_j = pt_j`` for every ``j`` (Gibbs' inequality).
    - square loss: coordinate ``k`` of ``sum_j pt_j ||u - e_j||^2`` is ``pt_k (u_k - 1)^2 +
      (S - pt_k) u_k^2 = S u_k^2 - 2 pt_k u_k + pt_k`` with ``S = sum_j pt_j = 1``, so ``G(u) =
      ||u - pt||^2 + 1 - ||pt||^2``, minimal exactly at ``u = pt``.
    """
    x = sympy.Symbol("x", positive=True)
    g = x - 1 - sympy.log(x)
    gibbs = {"g(1) = 0": sympy.simplify(g.subs(x, 1)) == 0,
             "g'(1) = 0": sympy.simplify(sympy.diff(g, x).subs(x, 1)) == 0,
             "g'' > 0": bool(sympy.simplify(sympy.diff(g, x, 2)).is_positive)}
    u, ptk, S = sympy.symbols("u_k pt_k S", real=True)
    coord = sympy.expand(ptk * (u - 1) ** 2 + (S - ptk) * u**2 - (S * u**2 - 2 * ptk * u + ptk)) == 0
    square = sympy.expand((S * u**2 - 2 * ptk * u + ptk).subs(S, 1) - ((u - ptk) ** 2 + ptk - ptk**2)) == 0
    return {"cce_gibbs_log_x<=x-1": gibbs, "mse_per_coordinate_identity": coord,
            "mse_completed_square": square, "holds": all(gibbs.values()) and coord and square}


def thm2_evidence(ctx: Context, proper: Sequence[str] = ("cce", "mse"),
                  minimiser: Callable[..., tuple[np.ndarray, float]] = forward_minimiser) -> Evidence:
    """Thm 2 for the losses ``proper`` (symbolic c = 2..4 and numerical minimisation), plus MAE and L_q."""
    cs = ctx.pick((2, 3), (2, 3, 4), (2, 3, 4))
    sym = {name: {c: tc.forward_minimiser(name, c) for c in cs} for name in proper}
    numbers: dict[str, Any] = {"symbolic": {name: {c: {"T^T maps simplex into simplex": r.maps_into_simplex,
                                                       "stationary_at_p_clean": r.stationary,
                                                       "curvature": r.curvature, "curvature_ok": r.curvature_ok,
                                                       "unique_preimage": r.unique_preimage}
                                                   for c, r in per.items()} for name, per in sym.items()}}
    for name in ("mae", "lq"):
        if name not in proper:
            r = tc.forward_minimiser(name, 3)
            numbers["symbolic"][name] = {3: {"stationary_at_p_clean": r.stationary, "curvature": r.curvature, **r.notes}}
    rng = ctx.rng(1)
    trials = ctx.pick(8, 24, 100)
    q = 0.5
    errs = {name: 0.0 for name in proper}
    worst: dict[str, Any] = {}
    mae = {"vertex_as_predicted": 0, "argmax_kept": 0, "mean_l1_from_p": 0.0}
    lq = {"argmax_kept": 0, "mean_l1_from_p": 0.0, "max_l1_from_p": 0.0, "matches_prediction": 0, "prediction_feasible": 0}
    done = 0
    while done < trials:
        c = int(rng.integers(3, 6))
        T = random_transition(c, rng, diag=float(rng.uniform(0.5, 0.9)))
        if T.cond > 1e3:  # near-singular draws are outside Thm 2's premise
            continue
        done += 1
        p = rng.dirichlet(np.ones(c))
        pt = p @ T.matrix
        for name in proper:
            kw = {"q": q} if name == "lq" else {}
            ps, _ = minimiser(pt, T, name, rng=rng, **kw)
            e = float(np.max(np.abs(ps - p)))
            if e > errs[name]:
                errs[name] = e
                worst[name] = {"T": T.matrix, "p_clean": p, "p_star": ps, "pt": pt}
        if "mae" not in proper:
            ps, _ = minimiser(pt, T, "mae", rng=rng)
            k = int(np.argmax(T.matrix @ pt))
            mae["vertex_as_predicted"] += bool(np.max(np.abs(ps - np.eye(c)[k])) < 1e-6)
            mae["argmax_kept"] += bool(np.argmax(ps) == np.argmax(p))
            mae["mean_l1_from_p"] += float(np.abs(ps - p).sum()) / trials
        if "lq" not in proper:
            ps, _ = minimiser(pt, T, "lq", rng=rng, q=q)
            d = float(np.abs(ps - p).sum())
            lq["argmax_kept"] += bool(np.argmax(ps) == np.argmax(p))
            lq["mean_l1_from_p"] += d / trials
            lq["max_l1_from_p"] = max(lq["max_l1_from_p"], d)
            # interior stationary point: T^T p* = q* with q* ∝ pt^(1/(1-q))
            qs = pt ** (1 / (1 - q))
            pred = np.linalg.solve(T.matrix.T, qs / qs.sum())
            if np.all(pred >= 0):
                lq["prediction_feasible"] += 1
                lq["matches_prediction"] += bool(np.max(np.abs(pred - ps)) < 1e-5)
    tol = 1e-6
    numbers["numerical"] = {"trials": trials, "c": "3..5", "T": "random rows, diagonal U(0.5, 0.9), cond <= 1e3",
                            "p(y|x)": "Dirichlet(1)", "tolerance_max_abs": tol,
                            "max_abs_error_p_star_vs_p_clean": errs}
    if "mae" not in proper:
        numbers["mae_forward"] = {**mae, "of": trials,
                                  "note": "F(p) = 2 - 2 p.(T pt) is affine: the minimiser is the vertex argmax T pt, not p(y|x)"}
    if "lq" not in proper:
        numbers[f"lq_forward_q={q}"] = {**lq, "of": trials,
                                        "note": "stationary where T^T p ∝ pt^(1/(1-q)) (when feasible), not p(y|x)"}
    sym_fail = [(name, c) for name, per in sym.items() for c, r in per.items() if not r.minimiser_is_clean]
    num_fail = [name for name in proper if errs[name] > tol]
    if num_fail:
        name = num_fail[0]
        w = worst[name]
        f_star, f_clean = _forward_exact(name, w["T"], w["p_clean"], w["p_star"], q)
        if f_star < f_clean:
            return Evidence("refuted", "symbolic", f"for {name} the forward-corrected noisy risk is lower away from "
                            f"p(y|x): F(p*) = {float(f_star):.12g} < F(p(y|x)) = {float(f_clean):.12g} (50 digits).",
                            numbers=numbers, counterexample={"loss": name, **w, "F(p_star)": f_star, "F(p_clean)": f_clean})
        return Evidence("inconclusive", "symbolic", f"the numerical minimiser for {name} is off p(y|x) by {errs[name]:.2g}, "
                        "but not with a lower risk: an optimiser failure; see numbers.", numbers=numbers)
    if sym_fail:
        return Evidence("inconclusive", "symbolic", f"the numerical minimisers agree, but a symbolic step failed for "
                        f"{sym_fail}; see numbers.", numbers=numbers)
    extra = ""
    if "mae" not in proper and "lq" not in proper:
        extra = (f"; not for the improper MAE (minimiser a vertex, {mae['vertex_as_predicted']}/{trials} as predicted, "
                 f"argmax of p(y|x) kept {mae['argmax_kept']}/{trials}) or L_q, q = {q} (mean L1 distance "
                 f"{lq['mean_l1_from_p']:.3f} from p(y|x))")
    general = thm2_general_c()
    numbers["every_c"] = general
    if set(proper) <= {"cce", "mse"} and general["holds"]:
        return Evidence("proved", "symbolic", f"for every c and non-singular T, with u = T^T p and pt = T^T p(y|x): T^T "
                        f"maps the simplex into itself and is injective, and sum_j pt_j l(u, j) is minimised exactly at "
                        f"u = pt (cross-entropy: Gibbs' inequality from log x <= x - 1; square loss: it equals "
                        f"||u - pt||^2 + 1 - ||pt||^2, a per-coordinate identity), so p(y|x) is the unique minimiser of "
                        f"the forward-corrected noisy risk; cross-checked for {' and '.join(proper)} with generic T "
                        f"(c = {', '.join(map(str, cs))}: convex, stationary at p(y|x)) and by numerical minimisation on "
                        f"{trials} random (T, p(y|x)) within {max(errs.values()):.1e}{extra}.", numbers=numbers)
    return Evidence("qualified", "symbolic", f"for {' and '.join(proper)} with generic non-singular T (c = "
                    f"{', '.join(map(str, cs))}), the forward-corrected noisy risk is convex in p, stationary at p(y|x) "
                    f"and T^T p = T^T p(y|x) only at p(y|x), so p(y|x) is its minimiser there; numerical minimisation on "
                    f"{trials} random (T, p(y|x)) lands within {max(errs.values()):.1e} of it{extra}; no general-c "
                    f"derivation for these losses.", numbers=numbers,
                    condition=f"derived only for c = {', '.join(map(str, cs))}")


@claim("patrini17.thm2_forward", source=f"{P002}, sec. 4.2, Thm 2, Eqs. (7)-(10)",
       statement="For a proper composite loss (cross-entropy, square) and non-singular T, the minimiser of the "
                 "forward-corrected noisy risk E_{x,noisy} l(T^T psi^-1(h(x))) is the clean minimiser psi(p(y|x)).",
       method="symbolic", expected="proved")
def thm2_forward(ctx: Context) -> Evidence:
    return thm2_evidence(ctx)


# ================================================================ sec. 5.1 matrices
def _eq12_estimate(T: np.ndarray, rng: np.random.Generator, n_mixed: int) -> tuple[np.ndarray, list[int]]:
    """Eqs. 12-13 with exact ``p(noisy|x)`` on perfect examples plus random mixtures: ``(T_hat, anchors)``."""
    c = T.shape[0]
    X = np.concatenate([np.eye(c), rng.dirichlet(np.ones(c), size=n_mixed)])  # p(y|x) per x
    pn = X @ T  # p(noisy|x)
    anchors = [int(np.argmax(pn[:, i])) for i in range(c)]
    return pn[anchors], anchors


def _fmt_rates(S: sympy.Set) -> str:
    """``Interval(0, 1/2)`` -> ``0 <= N <= 1/2``."""
    if isinstance(S, sympy.Interval):
        lo = f"{S.start} {'<' if S.left_open else '<='} "
        hi = f" {'<' if S.right_open else '<='} {S.end}"
        return f"{lo}N{hi}"
    return "no N" if S == sympy.S.EmptySet else f"N in {S}"


def benchmark_evidence(ctx: Context, used_rates: Sequence[Any] = USED_RATES,
                       matrices: dict[str, Callable[[Any], sympy.Matrix]] | None = None) -> Evidence:
    """Determinants and anchor conditions of the sec. 5.1 matrices, symbolic in ``N``."""
    matrices = matrices or {b: (lambda r, b=b: tc.benchmark_matrix(b, r)) for b in tc.BENCHMARKS}
    rng = ctx.rng(1)
    numbers: dict[str, Any] = {"used_rates": [str(r) for r in used_rates]}
    singular_used: list[tuple[str, Any]] = []
    wrong_used: dict[str, dict[str, list[int]]] = {}
    det_ok = True
    all_weak: dict[str, str] = {}
    all_strict: dict[str, str] = {}
    for name, make in matrices.items():
        M = make(tc.N)
        det = tc.block_determinant(M)
        sing = tc.singular_rates(det)
        anc = tc.anchor_columns(M)
        f = sympy.lambdify(tc.N, det, "math")
        checks = {}
        for v in (0.2, 0.6, float(rng.uniform(0, 1))):
            num = np.linalg.det(np.array(make(sympy.Rational(repr(v))).evalf(), dtype=float)) \
                if name not in _NUMERIC_BENCH else _NUMERIC_BENCH[name](v).det
            checks[v] = {"symbolic": f(v), "numpy": num}
            det_ok = det_ok and math.isclose(f(v), num, rel_tol=1e-8, abs_tol=1e-300)
        per_rate = {}
        for r in used_rates:
            Mr = M.subs(tc.N, r)
            wrong = anc.wrong_columns(r)
            if sing.contains(r) == sympy.true:
                singular_used.append((name, r))
            if wrong:
                wrong_used.setdefault(name, {})[str(r)] = wrong
            Tn = np.array(Mr.evalf(), dtype=float)
            That, anchors = _eq12_estimate(Tn, rng, ctx.pick(50, 200, 1000))
            per_rate[str(r)] = {"det": det.subs(tc.N, r), "cond": float(np.linalg.cond(Tn)),
                                "wrong_anchor_columns": wrong[:12] + (["..."] if len(wrong) > 12 else []),
                                "n_wrong": len(wrong),
                                "argmax_lands_on_class": {i: tc.anchor_class(M, i, r) for i in wrong[:6]},
                                "eq12_simulated_anchor_classes_wrong": sum(a != i for i, a in enumerate(anchors)),
                                "eq12_max_abs_error_T_hat": float(np.max(np.abs(That - Tn)))}
        all_weak[name], all_strict[name] = _fmt_rates(anc.all_weak), _fmt_rates(anc.all_strict)
        numbers[name] = {"det": det, "singular_for_N_in": sing, "blocks": len(tc.blocks(M)),
                         "anchor_right_weak (T_ii >= T_ki)": anc.all_weak,
                         "anchor_right_unique (T_ii > T_ki)": anc.all_strict,
                         "det_symbolic_vs_numpy": checks, "at_used_rates": per_rate}
    if not det_ok:
        return Evidence("inconclusive", "symbolic", "the symbolic determinants disagree with numpy's; see numbers.",
                        numbers=numbers)
    if singular_used:
        name, r = singular_used[0]
        return Evidence("refuted", "symbolic", f"the {name} matrix is singular at the rate N = {r} the experiments use, "
                        "so neither Thm 1 nor Thm 2 applies there.", numbers=numbers,
                        counterexample={"matrix": name, "N": r, "det": numbers[name]["det"]})
    sing_desc = "; ".join(f"{n}: det = {numbers[n]['det']}, singular " + (
        f"at N = {', '.join(map(str, sorted(numbers[n]['singular_for_N_in'])))}"
        if numbers[n]["singular_for_N_in"] != sympy.S.EmptySet else "nowhere on [0, 1]") for n in matrices)
    if not wrong_used:
        return Evidence("proved", "symbolic", f"the matrices are non-singular at N = {list(map(str, used_rates))} "
                        f"({sing_desc}) and Eq. 12 lands on every perfect example there.", numbers=numbers)
    def _cols(cols: list[int]) -> str:
        return f"{len(cols)} columns: {cols[:5]}" + (" ..." if len(cols) > 5 else "")

    where = "; ".join(f"{n} at N = " + ", ".join(f"{r} ({_cols(c)})" for r, c in d.items()) for n, d in wrong_used.items())
    # the paper applies Eqs. 12-13 at these rates but does not assert that they recover T there: reported, not decided
    numbers["remark_eq12_anchors"] = {
        "applies": f"Eq. 12's argmax finds the perfect example of class i only where T[i, i] >= T[k, i] for all k: for "
                   f"these matrices {' / '.join(sorted(set(all_weak.values())))} (a unique maximiser for "
                   f"{' / '.join(sorted(set(all_strict.values())))})",
        "wrong_at_used_rates": where}
    return Evidence("proved", "symbolic", f"the sec. 5.1 matrices are invertible at the paper's N = "
                    f"{', '.join(map(str, used_rates))} ({sing_desc}), so Thms 1-2 apply there. Remark, outside the claim "
                    f"(the paper applies Eqs. 12-13 at these rates without asserting that they recover T): Thm 3's argmax "
                    f"picks the perfect examples only for {' / '.join(sorted(set(all_strict.values())))}; it misses them "
                    f"for {where}, so T-hat is wrong there even with exact p(noisy|x).", numbers=numbers)


@claim("patrini17.benchmark_T", source=f"{P002}, sec. 5.1 (Eq. 17 and the CIFAR-10/100 flips), Thm 3, Eqs. (12)-(13)",
       statement="The parametric noise matrices of sec. 5.1 (MNIST 2->7, 3->8, 5<->6, 7->1; CIFAR-10 TRUCK->AUTOMOBILE, "
                 "BIRD->AIRPLANE, DEER->HORSE, CAT<->DOG; CIFAR-100 circular flips within 5-class super-classes) "
                 "are non-singular at the rates the experiments use (N = 0.2, 0.6), so the corrections of Thms 1-2 "
                 "apply there. (The paper also applies Thm 3's estimator, Eqs. 12-13, at these rates, without "
                 "asserting that it recovers T; where its argmax picks the perfect examples is reported as a remark.)",
       method="symbolic", expected="proved")
def benchmark_T(ctx: Context) -> Evidence:
    return benchmark_evidence(ctx)
