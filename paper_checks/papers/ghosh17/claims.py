"""Checks of ghosh17: symmetric losses (Ghosh, Kumar & Sastry 2017).

Sources: Li's notes, sec. 2 (first paper, Eqs. (1)-(4)) and Zhang & Sabuncu 2018, sec. 3.1
(Eqs. (3)-(4) and the two noise-tolerance results quoted there). The simulation claim
``ghosh17.bounded_more_robust`` lives in :mod:`paper_checks.papers.ghosh17.sim`.

Every verdict below follows from what the check computes: SymPy identities for a symbolic
number of classes ``c`` (or for each ``c`` in 2..8 where stated), exact risks over random
finite distributions, and a counterexample search whose failures are verified in exact
arithmetic.
"""
from __future__ import annotations

import math
from typing import Any, Callable

import numpy as np
import sympy

from label_noise_lab.simulate.losses import get_loss
from label_noise_lab.simulate.noise import uniform_noise
from label_noise_lab.simulate.populations import random_distribution
from label_noise_lab.simulate.risk import class_sums, clean_risk, noisy_risk
from label_noise_lab.theory import losses as sl
from label_noise_lab.theory.class_sums import uniform_noisy_risk
from label_noise_lab.theory.noisy_risk import ETA, class_dependent_identity, derive_uniform_affine
from label_noise_lab.theory.simplex import fold, resolve_abs, softmax_point
from label_noise_lab.theory.symmetry import C, class_sum_range, compare_class_sum, label_closed_form, symmetry_test
from paper_checks.api import (
    Context,
    Evidence,
    Integer,
    Premise,
    Real,
    Reduction,
    SearchSpace,
    SimplexPoint,
    Step,
    TransitionMatrix,
    claim,
    search,
)
from paper_checks.papers.documents import LI_NOTES, ZHANG18_TEXT

N003 = LI_NOTES.file
N004 = ZHANG18_TEXT.file
CS = range(2, 9)  # the explicit numbers of classes of the per-c checks


# ---------------------------------------------------------------- small helpers
def _budget(ctx: Context) -> int:
    return ctx.pick(500, 3000, 20000)


def _fold_np(x: np.ndarray, c: int) -> np.ndarray:
    """Float version of :func:`label_noise_lab.theory.simplex.fold`."""
    x = np.asarray(x, dtype=float)
    return np.concatenate([x[: c - 1], [x[c - 1:].sum()]])


def _class_sum_check(loss: sl.LossDefinition, g: Callable[[Any], Any], K0: Any, constant: bool) -> dict[str, Any]:
    """Compare the class sum with ``sum_k g(f_k) + K0`` and decide constancy (symbolic ``c``)."""
    cmp = compare_class_sum(loss, g, K0, CS)
    sym = symmetry_test(loss, CS)
    return {"comparison": cmp, "symmetry": sym, "constant_as_claimed": sym.symmetric == constant}


def _class_sum_verdict(name: str, claimed: str, chk: dict[str, Any], extra_ok: bool = True,
                       extra: dict[str, Any] | None = None) -> Evidence:
    cmp, sym = chk["comparison"], chk["symmetry"]
    numbers: dict[str, Any] = {
        "class_sum_symbolic_c": sym.class_sum,
        "potential_psi_c(t)": sym.potential,
        "psi_c''(t)": sym.second_derivative,
        "constant": sym.constant,
        "constancy_domain": sym.domain,
        "constant_per_c": sym.per_c,
        "witnesses": sym.witnesses,
        **(extra or {}),
    }
    if not cmp.holds:
        ce = cmp.counterexample or {"note": "no exact point found where the two sides differ"}
        verdict = "refuted" if cmp.counterexample else "inconclusive"
        return Evidence(verdict, "symbolic", f"the class sum of {name} is not {claimed}: at the exact point "
                        f"{ce.get('f')} it is {ce.get('class_sum')} against {ce.get('claimed')}.",
                        numbers=numbers, counterexample=cmp.counterexample)
    if not chk["constant_as_claimed"]:
        w = next(iter(sym.witnesses.values()), None)
        return Evidence("refuted", "symbolic", f"the class sum of {name} matches {claimed} but its constancy is "
                        f"not as claimed (symmetric: {sym.symmetric}).", numbers=numbers,
                        counterexample=w or {"constant": sym.constant})
    if not extra_ok:
        return Evidence("inconclusive", "symbolic", f"the class sum of {name} is {claimed}, but a further "
                        "step of the check did not go through; see numbers.", numbers=numbers)
    if extra and "range" in extra and not sym.symmetric:
        lo, hi = extra["range"]
        close = ")" if sympy.sympify(hi).is_infinite else "]"  # an infinite end is never attained
        const_txt = (f"its range is [{lo}, {hi}{close} for symbolic c, a proper interval for every c >= 2, so it is "
                     f"not constant for any c (exact witnesses also for each c in 2..8)")
    else:
        const_txt = f"constancy decided on domain '{sym.domain}' (symmetric: {sym.symmetric})"
    return Evidence("proved", "symbolic", f"for every c >= 2 (symbolic c), sum_j {name}(f, e_j) = {claimed}; "
                    f"{const_txt}.", numbers=numbers)


# ---------------------------------------------------------------- class sums
@claim("ghosh17.sum_cce", figures=("ghosh17_class_sums",), source=f"{N003}, sec. 2 (i), Eq. (4)",
       statement="sum_{j=1}^c CCE(f, e_j) = sum_i log(1/f_i) for every f in the simplex and every c >= 2; "
                 "it is not constant (its range over the open simplex is [c log c, oo)).",
       method="symbolic", expected="proved")
def sum_cce(ctx: Context) -> Evidence:
    chk = _class_sum_check(sl.cce(), lambda t: sympy.log(1 / t), 0, constant=False)
    rng = class_sum_range(sl.cce())
    range_ok = sympy.simplify(rng.low - C * sympy.log(C)) == 0 and rng.high == sympy.oo
    return _class_sum_verdict("CCE", "sum_i log(1/f_i) (not constant)", chk, range_ok,
                              {"range": [rng.low, rng.high], "range_argument": f"psi'' = {rng.second_derivative} > 0: "
                               "Jensen gives the minimum at the barycentre; psi(0+) = oo"})


@claim("ghosh17.sum_mae", figures=("ghosh17_class_sums",), source=f"{N003}, sec. 2 (i), Eq. (4); {N004}, Eq. (4)",
       statement="sum_{j=1}^c ||e_j - f||_1 = 2c - 2 for every f in the simplex and every c >= 2.",
       method="symbolic", expected="proved")
def sum_mae(ctx: Context) -> Evidence:
    chk = _class_sum_check(sl.mae(), lambda t: sympy.Integer(0), 2 * C - 2, constant=True)
    const_ok = chk["symmetry"].constant is not None and sympy.simplify(chk["symmetry"].constant - (2 * C - 2)) == 0
    return _class_sum_verdict("MAE", "2c - 2", chk, const_ok,
                              {"explicit_check": "softmax parametrisation, |.| resolved, c = 2..8 each simplifies to "
                                                 "2c - 2"})


@claim("ghosh17.sum_mse", figures=("ghosh17_class_sums",), source=f"{N003}, sec. 2 (i), Eq. (4)",
       statement="sum_{j=1}^c ||e_j - f||_2^2 = c ||f||_2^2 + c - 2 for every f in the simplex and c >= 2; "
                 "its range over the simplex is [c - 1, 2c - 2] (so MSE is not symmetric).",
       method="symbolic", expected="proved")
def sum_mse(ctx: Context) -> Evidence:
    chk = _class_sum_check(sl.mse(), lambda t: C * t**2, C - 2, constant=False)
    rng = class_sum_range(sl.mse())
    range_ok = sympy.simplify(rng.low - (C - 1)) == 0 and sympy.simplify(rng.high - (2 * C - 2)) == 0
    return _class_sum_verdict("MSE", "c ||f||^2 + c - 2 (range [c - 1, 2c - 2])", chk, range_ok,
                              {"range": [rng.low, rng.high], "range_attained_at": [rng.low_at, rng.high_at]})


def general_c_curvature() -> dict[str, Any]:
    """The class sum along ``f(t) = 1/c + t (e_0 - e_1)`` for symbolic ``c``: its second derivative at ``t = 0``.

    With ``L(f, e_j)`` written for every ``c`` (CCE ``-log f_j``; MSE ``||f||^2 - 2 f_j + 1``; MAE
    ``2 - 2 f_j``), the sum over ``j`` along the segment has ``c - 2`` equal terms, so it is a closed
    expression in ``t`` and symbolic ``c``. A non-zero second derivative means a non-constant class
    sum for every ``c >= 2`` (the segment stays in the open simplex for ``|t| < 1/c``).
    """
    t = sympy.Symbol("t", real=True)
    c = sympy.Symbol("c", integer=True, positive=True)
    f0, f1, fr = 1 / c + t, 1 / c - t, 1 / c
    norm2 = f0**2 + f1**2 + (c - 2) * fr**2
    sums = {
        "cce": -sympy.log(f0) - sympy.log(f1) - (c - 2) * sympy.log(fr),
        "mse": (norm2 - 2 * f0 + 1) + (norm2 - 2 * f1 + 1) + (c - 2) * (norm2 - 2 * fr + 1),
        "mae": (2 - 2 * f0) + (2 - 2 * f1) + (c - 2) * (2 - 2 * fr),
    }
    out: dict[str, Any] = {}
    for name, S in sums.items():
        d2 = sympy.simplify(sympy.diff(S, t, 2).subs(t, 0))
        const = sympy.simplify(S.subs(t, 0))
        out[name] = {"class_sum_at_t": sympy.simplify(S), "second_derivative_at_0": d2,
                     "at_t_0": const, "nonconstant_for_every_c>=2": bool(sympy.simplify(d2).is_positive),
                     "identically_constant": sympy.simplify(sympy.diff(S, t)) == 0}
    return out


@claim("ghosh17.only_mae_symmetric", figures=("ghosh17_class_sums",), source=f"{N003}, sec. 2 (i), Eqs. (3)-(4)",
       statement="Among CCE, MAE and MSE only MAE satisfies the symmetry condition sum_j L(f, e_j) = C "
                 "(Eq. 3) for all f.",
       method="symbolic", expected="proved")
def only_mae_symmetric(ctx: Context) -> Evidence:
    results = {name: symmetry_test(fn(), CS) for name, fn in (("cce", sl.cce), ("mae", sl.mae), ("mse", sl.mse))}
    symmetric = sorted(n for n, r in results.items() if r.symmetric)
    numbers = {n: {"symmetric": r.symmetric, "domain": r.domain, "class_sum": r.class_sum, "constant": r.constant,
                   "witness": next(iter(r.witnesses.values()), None)} for n, r in results.items()}
    gen = general_c_curvature()
    numbers["general_c_segment"] = {"f(t)": "(1/c + t, 1/c - t, 1/c, ..., 1/c), |t| < 1/c", **gen}
    general_ok = (gen["cce"]["nonconstant_for_every_c>=2"] and gen["mse"]["nonconstant_for_every_c>=2"]
                  and gen["mae"]["identically_constant"])
    if symmetric == ["mae"] and general_ok:
        return Evidence("proved", "symbolic", "only MAE has a constant class sum: 2c - 2 for symbolic c; for every "
                        "c >= 2 (symbolic c) the class sums of CCE and MSE curve along f(t) = 1/c + t (e_0 - e_1): "
                        f"second derivatives {gen['cce']['second_derivative_at_0']} and "
                        f"{gen['mse']['second_derivative_at_0']} at t = 0, so neither is constant (exact witnesses "
                        "also for each c in 2..8).", numbers=numbers)
    if symmetric == ["mae"]:
        return Evidence("qualified", "symbolic", "only MAE has a constant class sum for each c in 2..8, but the "
                        "general-c argument did not go through; see numbers.", numbers=numbers,
                        condition="shown for c = 2..8 only")
    ce = {n: numbers[n] for n in results}
    return Evidence("refuted", "symbolic", f"the symmetric losses among CCE, MAE, MSE are {symmetric}, not only MAE.",
                    numbers=numbers, counterexample=ce)


@claim("ghosh17.mae_unhinged", source=f"{N004}, sec. 3.1, Eq. (4)",
       statement="For softmax outputs f, MAE ||e_j - f||_1 = 2 - 2 f_j = 2 (1 - f_j), twice the unhinged loss.",
       method="symbolic", expected="proved")
def mae_unhinged(ctx: Context) -> Evidence:
    return mae_unhinged_evidence(lambda t: 2 * (1 - t))


def mae_unhinged_evidence(claimed: Callable[[Any], Any], cs: range = CS) -> Evidence:
    """Compare MAE with the claimed function of ``f_j`` (symbolic ``c``, then softmax for each ``c``)."""
    closed = label_closed_form(sl.mae(), C)
    sym_ok = closed is not None and sympy.simplify(closed[0] - claimed(closed[1])) == 0
    per_c: dict[int, bool] = {}
    bad: dict[str, Any] | None = None
    for c in cs:
        f, syms = softmax_point(c)
        ok = True
        for j in range(c):
            diff = sympy.simplify(resolve_abs(sl.mae()(f, j)) - claimed(f[j]))
            if diff != 0:
                ok = False
                pt = {s: sympy.Integer(i + 1) for i, s in enumerate(syms)}  # a_k = k: an exact softmax point
                val = diff.subs(pt)
                if bad is None and sympy.N(val, 50) != 0:
                    bad = {"c": c, "j": j, "f": [sympy.nsimplify(v.subs(pt)) for v in f], "mae_minus_claimed": val}
                break
        per_c[c] = ok
    numbers = {"closed_form_symbolic_c": closed[0] if closed else None, "per_c_softmax": per_c}
    if sym_ok and all(per_c.values()):
        return Evidence("proved", "symbolic", "with softmax outputs every |.| resolves and ||e_j - f||_1 = 2 - 2 f_j "
                        "= 2 (1 - f_j) for symbolic c, confirmed term by term for c = 2..8.", numbers=numbers)
    if bad is not None:
        return Evidence("refuted", "symbolic", "MAE differs from the claimed expression at an exact softmax point.",
                        numbers=numbers, counterexample=bad)
    return Evidence("inconclusive", "symbolic", "the symbolic comparison did not go through; see numbers.",
                    numbers=numbers)


# ---------------------------------------------------------------- uniform noise
def _mae_np(f: np.ndarray) -> np.ndarray:
    return 2.0 - 2.0 * f


def uniform_tolerance_space() -> SearchSpace:
    """``c`` in 2..6, clean label distribution ``p`` and prediction ``f`` (folded from 6-simplex points),
    ``eta = r (c-1)/c`` with ``r`` in ``[0, 1)``; MAE. Margin: ``R^eta_x(f) - R^eta_x(f*)`` with
    ``f* = e_{argmax p}`` the clean minimiser (negative where ``f*`` is not a noisy minimiser)."""

    def margin(pt: dict[str, Any]) -> float:
        c = int(pt["c"])
        p, f = _fold_np(pt["p"], c), _fold_np(pt["f"], c)
        eta = float(pt["r"]) * (c - 1) / c
        w = p * (1 - eta - eta / (c - 1)) + eta / (c - 1)
        star = np.zeros(c)
        star[int(np.argmax(p))] = 1.0
        return float(w @ (_mae_np(f) - _mae_np(star)))

    def exact(pt: dict[str, Any]) -> Any:
        c = int(pt["c"])
        p, f = fold(pt["p"], c), fold(pt["f"], c)
        eta = pt["r"] * sympy.Rational(c - 1, c)
        slope, offset = 1 - eta - eta / (c - 1), eta / (c - 1)
        w = [pk * slope + offset for pk in p]  # = uniform_noise_weight(pk, c, r) (uniform_tolerance_reduction)
        # f* = e_j, p_j the largest entry: R(f*) = sum_k w_k (2 - 2 [k = j]) = 2 sum w - 2 w_j needs only
        # p_j = Max(p), so the margin makes no comparison (the prover traces it on symbols)
        risk_star = 2 * sympy.Add(*w) - 2 * (sympy.Max(*p) * slope + offset)
        return sympy.Add(*[w[k] * (2 - 2 * f[k]) for k in range(c)]) - risk_star

    params = (Integer("c", 2, 6), SimplexPoint("p", 6), SimplexPoint("f", 6), Real("r", 0.0, 1.0, open_high=True))
    return SearchSpace(params, margin, exact, folds={"p": "c", "f": "c"},
                       statement_domain={"c": "every c >= 2"},
                       description="R^eta(f) - R^eta(f*) at one input, MAE, uniform noise eta < (c-1)/c",
                       proves="R^eta(f*) <= R^eta(f) for every f under uniform noise with eta < (c-1)/c, for MAE "
                              "at one input and c = 2..6 (weaker than the statement: one symmetric loss of all, "
                              "and a few c; its reduction proves the statement)",
                       reduction=uniform_tolerance_reduction())


def uniform_noise_weight(p: Any, c: Any, r: Any) -> Any:
    """``w = p (1 - eta - eta/(c-1)) + eta/(c-1)`` with ``eta = r (c-1)/c``: the noisy label probability of a class
    of clean probability ``p`` under uniform noise, as :func:`uniform_tolerance_space`'s margin writes it, for an
    integer or a real (or symbolic) ``c``."""
    eta = r * (c - 1) / c
    return p * (1 - eta - eta / (c - 1)) + eta / (c - 1)


#: Ghosh et al.'s argument for their Theorem 1, as :func:`uniform_tolerance_reduction` carries it out
GHOSH_ARGUMENT = ("Ghosh et al.'s proof of their Theorem 1: under uniform noise of rate eta = r (c-1)/c the noisy risk "
                  "at each input is (1 - r) R_x(f) + (r/c) sum_k L(f(x), e_k), so for a symmetric loss (sum_k L(f(x), "
                  "e_k) = C) R^eta(f) = (1 - r) R(f) + (r/c) C for every f, and R^eta(f) - R^eta(f*) = (1 - eta "
                  "c/(c-1)) (R(f) - R(f*)) with R(f) - R(f*) >= 0 for the clean minimiser f*: the statement holds "
                  "for every symmetric loss, every f and every c where (1 - eta c/(c-1)) D >= 0 for every D >= 0 and "
                  "eta < (c-1)/c")
GHOSH_SOURCE = ("A. Ghosh, H. Kumar and P. S. Sastry, Robust Loss Functions under Label Noise for Deep Neural "
                "Networks, AAAI 2017, Theorem 1 and its proof (the identity at each input proved here by SymPy for "
                "symbolic c: label_noise_lab.theory.class_sums.uniform_noisy_risk)")


def uniform_tolerance_reduction() -> Reduction:
    """The statement of :func:`uniform_tolerance` for every symmetric loss, every ``f`` and every integer ``c >= 2``
    (Ghosh et al. 2017, Theorem 1, its proof): the loss is an abstract function with ``sum_k L(f, e_k) = C``; the
    noisy risk at one input is ``(1 - r) R_x(f) + (r/c) sum_k L(f(x), e_k)``
    (:func:`label_noise_lab.theory.class_sums.uniform_noisy
    _risk`, proved for symbolic ``c``), so ``R^eta(f) - R^eta(f*) = (1 - eta c/(c-1)) (R(f) - R(f*))``; one step,
    ``(1 - eta c/(c-1)) D >= 0`` for ``D = R(f) - R(f*) >= 0``, ``eta = r (c-1)/c``, ``r`` in ``[0, 1)`` and
    ``c`` real on ``[2, oo)``. The MAE margin of :func:`uniform_tolerance_space` stays the searched one."""

    def slope_times_gap(pt: dict[str, Any]) -> Any:
        c = pt["c"]
        eta = pt["r"] * (c - 1) / c
        return (1 - eta * c / (c - 1)) * pt["D"]

    def step_space() -> SearchSpace:
        return SearchSpace(
            (Real("c", 2.0, math.inf), Real("r", 0.0, 1.0, open_high=True), Real("D", 0.0, math.inf)),
            lambda pt: float(slope_times_gap({k: float(v) for k, v in pt.items()})), slope_times_gap,
            relaxed={"c": "every integer c >= 2"},
            description="(1 - eta c/(c-1)) D with eta = r (c-1)/c: R^eta(f) - R^eta(f*) for D = R(f) - R(f*)")

    return Reduction(
        theorem=GHOSH_ARGUMENT, source=GHOSH_SOURCE,
        domain={"c": "every integer c >= 2", "L": "every symmetric loss (sum_k L(f, e_k) = C at every f)",
                "f": "every classifier (a point of the simplex of c classes at each input)",
                "r": "[0, 1) (eta = r (c-1)/c < (c-1)/c)"},
        steps=(Step("slope", "(1 - eta c/(c-1)) D >= 0 for every D >= 0, r in [0, 1) (eta = r (c-1)/c) and real "
                             "c >= 2", step_space),),
        premises=(Premise("at each input the noisy risk is (1 - r) R_x(f) + (r/c) sum_k L(f(x), e_k), for any loss "
                          "values and every c (w = p T, T uniform with eta = r (c-1)/c, sum p = 1)",
                          proof=lambda: uniform_noisy_risk().holds),
                  Premise("sum_k L(f(x), e_k) = C at every input: the loss is symmetric", hypothesis=True),
                  Premise("R(f*) <= R(f) for every f: f* minimises the clean risk", hypothesis=True),
                  Premise("R and R^eta are expectations over x of the one-input risks, so the identity at each input "
                          "is one of the risks, R^eta(f) = (1 - r) R(f) + (r/c) C",
                          cited="the linearity of the expectation")))


def _uniform_exact_crosscheck(ctx: Context) -> dict[str, Any]:
    """Random finite distributions: the affine relation and the order of risks, below/at/beyond (c-1)/c."""
    rng = ctx.rng(1)
    n_dist = ctx.pick(6, 20, 80)
    max_affine = 0.0
    below_ok = at_flat = beyond_reversed = 0
    for _ in range(n_dist):
        c = int(rng.integers(2, 7))
        n_x = int(rng.integers(1, 5))
        dist = random_distribution(n_x, c, rng)
        cands = rng.dirichlet(np.ones(c), size=(24, n_x))
        verts = np.eye(c)[rng.integers(0, c, size=(8, n_x))]
        cands = np.concatenate([cands, verts, np.eye(c)[np.argmax(dist.py_x, axis=1)][None]])
        for name in ("mae", "unhinged"):
            L = get_loss(name)
            S = class_sums(cands, L)
            Cval = float(S.mean())
            Rc = clean_risk(dist, cands, L)
            thr = (c - 1) / c
            for kind, eta in (("below", rng.uniform(0, thr)), ("at", thr), ("beyond", rng.uniform(thr, 1.0))):
                Rn = noisy_risk(dist, cands, L, uniform_noise(c, eta))
                slope = 1 - eta * c / (c - 1)
                max_affine = max(max_affine, float(np.max(np.abs(Rn - (slope * Rc + eta * Cval / (c - 1))))),
                                 float(np.ptp(S)))
                if kind == "below":
                    below_ok += bool(Rn[int(np.argmin(Rc))] <= Rn.min() + 1e-12)
                elif kind == "at":
                    at_flat += bool(np.ptp(Rn) <= 1e-12)
                else:
                    beyond_reversed += bool(Rn[int(np.argmax(Rc))] <= Rn.min() + 1e-12)
    n = 2 * n_dist
    return {"distributions": n_dist, "cases_per_eta_kind": n, "max_affine_error_and_class_sum_spread": max_affine,
            "below: clean minimiser minimises noisy risk": f"{below_ok}/{n}",
            "at (c-1)/c: noisy risk constant over the class": f"{at_flat}/{n}",
            "beyond: clean MAXIMISER minimises noisy risk": f"{beyond_reversed}/{n}",
            "_ok": max_affine <= 1e-10 and below_ok == n and at_flat == n and beyond_reversed == n}


@claim("ghosh17.uniform_tolerance", figures=("ghosh17_noisy_vs_clean_risk",), source=f"{N004}, sec. 3.1 (Ghosh et "
                                                                                     f"al.'s result); {N003}, sec. 2 "
                                                                                     "(ii)",
       statement="For a symmetric loss (sum_j L(f, e_j) = C) under uniform noise with eta < (c-1)/c, "
                 "R^eta(f*) - R^eta(f) <= 0 for every f, f* a minimiser of the clean risk.",
       method="symbolic", expected="proved", space=uniform_tolerance_space)
def uniform_tolerance(ctx: Context) -> Evidence:
    aff = derive_uniform_affine(CS)
    thr_ok = aff.threshold is not None and sympy.simplify(aff.threshold - (C - 1) / C) == 0
    n = sympy.Symbol("n", nonnegative=True)  # c = n + 2 >= 2
    decreasing = bool(aff.slope_derivative is not None and aff.slope_derivative.subs(C, n + 2).is_negative)
    ex = _uniform_exact_crosscheck(ctx)
    budget = _budget(ctx)
    res = search(uniform_tolerance_space(), budget, ctx.rng(2))
    slope_at = {"eta = 0": aff.slope.subs(ETA, 0), "eta = (c-1)/c": sympy.simplify(aff.slope.subs(ETA, (C - 1) / C)),
                "eta = 1": sympy.simplify(aff.slope.subs(ETA, 1))}
    numbers = {"noisy_risk": f"R^eta = ({aff.slope}) R + ({aff.offset}) C  (symmetric L, class sum C)",
               "affine_relation_symbolic_c": aff.symbolic, "affine_relation_per_c": aff.per_c,
               "slope_zero_at": aff.threshold, "d_slope/d_eta": aff.slope_derivative, "slope_at": slope_at,
               "exact_crosscheck": {k: v for k, v in ex.items() if not k.startswith("_")},
               "search": res.to_json()}
    srch = Evidence.from_search(res, fails="f* is not a noisy-risk minimiser",
                                holds="no point where f* is not a noisy-risk minimiser", numbers=numbers)
    if srch.verdict == "refuted":
        return srch
    summed = uniform_noisy_risk()  # the identity over Sum for symbolic c (aff's symbolic step takes (p T)_k's form)
    numbers["noisy_risk_identity_over_sums"] = {"says": summed.says, "holds": summed.holds}
    if aff.verified and thr_ok and decreasing and ex["_ok"] and summed.holds:
        numbers["proved_domain"] = uniform_tolerance_reduction().report_domain(
            "every c >= 2, every symmetric loss and every f: the noisy risk's identity proved by SymPy over Sum for "
            "symbolic c (label_noise_lab.theory.class_sums.uniform_noisy_risk), its slope 1 - eta c/(c-1) > 0 for "
            "eta < (c-1)/c "
            "derived symbolically, Ghosh et al.'s argument (Thm 1); `explore ghosh17.uniform_tolerance --prove` "
            "proves its one step with the prover")
        return Evidence("proved", "symbolic", "R^eta(f) = (1 - eta c/(c-1)) R(f) + eta C/(c-1) for symbolic c, so "
                        "R^eta(f*) - R^eta(f) = slope (R(f*) - R(f)) <= 0 with slope > 0 iff eta < (c-1)/c; at "
                        "eta = (c-1)/c the slope is 0 (every f minimises R^eta), beyond it the order reverses; exact "
                        f"risks on {ex['distributions']} random distributions and a search of {res.evaluated} points "
                        "agree.",
                        numbers=numbers)
    return Evidence("inconclusive", "symbolic", "a step of the derivation or of the exact cross-check failed; see "
                                                "numbers.",
                    numbers=numbers)


# ---------------------------------------------------------------- class-dependent noise
def _sort_first(x: Any) -> list[Any]:
    """Swap the largest entry into position 0 (exact or float): a row meeting T_yy >= T_yk with y = 0."""
    vals = list(x)
    j = max(range(len(vals)), key=lambda i: vals[i])
    vals[0], vals[j] = vals[j], vals[0]
    return vals


def class_dependent_space(condition: bool = False) -> SearchSpace:
    """Clean label ``y = 0`` (so ``R(f*) = 0`` with ``f* = e_0``), noise row ``t = T[0]`` and prediction ``f``,
    both folded onto ``c`` in 2..4 classes; MAE. Margin ``R^eta_x(f) - R^eta_x(e_0) = 2 (t_0 - t . f)``.
    With ``condition`` the largest entry of ``t`` is moved to ``t_0`` (``T_yy >= T_yk``)."""

    def prep(pt: dict[str, Any], exact: bool) -> tuple[int, Any, Any]:
        c = int(pt["c"])
        fo = fold if exact else _fold_np
        t, f = list(fo(pt["t"], c)), list(fo(pt["f"], c))
        if condition:
            t = _sort_first(t)
        return c, t, f

    def margin(pt: dict[str, Any]) -> float:
        c, t, f = prep(pt, False)
        t, f = np.asarray(t), np.asarray(f)
        star = np.eye(c)[0]
        return float(t @ (_mae_np(f) - _mae_np(star)))

    def exact(pt: dict[str, Any]) -> Any:
        c, t, f = prep(pt, True)
        return sympy.Add(*[t[k] * ((2 - 2 * f[k]) - (2 - 2 * (1 if k == 0 else 0))) for k in range(c)])

    what = "with T_yy >= T_yk" if condition else "any row T_y"
    return SearchSpace((Integer("c", 2, 4), SimplexPoint("t", 4), SimplexPoint("f", 4)), margin, exact,
                       folds={"t": "c", "f": "c"}, statement_domain={"c": "every c >= 2"},
                       description=f"R^eta(f) - R^eta(f*) at an input with clean label y = 0, R(f*) = 0, MAE, {what}",
                       proves=f"f* = e_y minimises MAE's noisy risk at an input with clean label y, {what}, for "
                              "c = 2..4 (weaker than the statement: every c)")


def _class_dependent_exact(ctx: Context) -> dict[str, Any]:
    """Random deterministic-label distributions and class-dependent T, with and without the condition."""
    rng = ctx.rng(3)
    n_dist = ctx.pick(6, 20, 80)
    with_ok = 0
    without_fail = 0
    L = get_loss("mae")
    for _ in range(n_dist):
        c = int(rng.integers(2, 5))
        n_x = int(rng.integers(1, 4))
        dist = random_distribution(n_x, c, rng, deterministic=True)
        star = dist.py_x.copy()  # R(f*) = 0: f* predicts the label
        cands = np.concatenate([rng.dirichlet(np.ones(c), size=(24, n_x)),
                                np.eye(c)[rng.integers(0, c, size=(16, n_x))], star[None]])
        rows = rng.dirichlet(np.ones(c), size=c)
        dom = rows.copy()
        for y in range(c):
            j = int(np.argmax(dom[y]))
            dom[y, y], dom[y, j] = dom[y, j], dom[y, y]
        Rd = noisy_risk(dist, cands, L, TransitionMatrix(dom))
        with_ok += bool(Rd[-1] <= Rd.min() + 1e-12)
        Rr = noisy_risk(dist, cands, L, TransitionMatrix(rows))
        without_fail += bool(Rr[-1] > Rr.min() + 1e-12)
    return {"distributions": n_dist, "with_condition: f* minimises R^eta": f"{with_ok}/{n_dist}",
            "without_condition (random T): f* not a minimiser": f"{without_fail}/{n_dist}",
            "_ok": with_ok == n_dist}


def folded_counterexample(point: dict[str, Any]) -> dict[str, Any]:
    """A point of :func:`class_dependent_space` in its ``c``-class form: the search draws the noise row ``t`` and
    the prediction ``f`` on the 4-simplex and folds them onto ``c`` classes
    (:func:`label_noise_lab.theory.simplex.fold`); the
    drawn 4-vectors are kept beside, with the folding stated."""
    c = int(point["c"])
    t, f = fold(point["t"], c), fold(point["f"], c)
    return {"c": c, "clean_label": 0, "T_row": tuple(t), "f": tuple(f), "loss": "MAE",
            "R^eta(f) - R^eta(f*=e_0)": class_dependent_space(False).exact_margin(point),
            "folding": "t and f are drawn on the 4-simplex and folded onto c classes: the first c - 1 coordinates "
                       "are kept and the last class gets the remaining mass",
            "as drawn (4-simplex)": {"t": tuple(point["t"]), "f": tuple(point["f"])}}


def class_dependent_identity_every_c(sign: int = -1) -> bool:
    """Ghosh et al.'s class-dependent step for symbolic ``c`` (Zhang & Sabuncu 2018, sec. 3.1): with clean label ``y``
    (relabelled 0), ``L(f*, k) = C/(c-1)`` off ``y`` and ``L(f, y) = C - sum_{k != y} L(f, k)``,

        sum_k T_yk (L(f*, k) - L(f, k)) = sum_{k != y} (T_yk - T_yy) (C/(c-1) - L(f, k)),

    as sums over ``k = 1..c-1`` that SymPy simplifies to 0
    (``label_noise_lab.theory.noisy_risk.class_dependent_identity`` expands
    the same identity for each explicit ``c``). ``sign = +1`` writes ``T_yk + T_yy`` instead, a wrong identity that
    must not simplify to 0.
    """
    c = sympy.Symbol("c", integer=True, positive=True)
    k = sympy.Symbol("k", integer=True)
    Cs, Ty = sympy.Symbol("C", positive=True), sympy.Symbol("T_yy", nonnegative=True)
    T, L = sympy.IndexedBase("T"), sympy.IndexedBase("L")
    L_y = Cs - sympy.Sum(L[k], (k, 1, c - 1))
    lhs = Ty * (0 - L_y) + sympy.Sum(T[k] * (Cs / (c - 1) - L[k]), (k, 1, c - 1))
    rhs = sympy.Sum((T[k] + sign * Ty) * (Cs / (c - 1) - L[k]), (k, 1, c - 1))
    return sympy.simplify(lhs - rhs) == 0


@claim("ghosh17.class_dependent_tolerance", source=f"{N004}, sec. 3.1 (as the seed states it)",
       statement="If R(f*) = 0, a symmetric loss is also noise tolerant under class-dependent noise: "
                 "f* minimises R^eta for every row-stochastic T (checked with MAE).",
       method="search", expected="qualified", space=lambda: class_dependent_space(False))
def class_dependent_tolerance(ctx: Context) -> Evidence:
    budget = _budget(ctx)
    free = search(class_dependent_space(False), budget, ctx.rng(4))
    cond = search(class_dependent_space(True), budget, ctx.rng(5))
    identity = {c: class_dependent_identity(c)[0] for c in CS}
    identity_every_c = class_dependent_identity_every_c()
    # MAE meets 0 <= L(f, k) <= C/(c-1): C/(c-1) - L(f, k) = 2 f_k >= 0
    sym = symmetry_test(sl.mae(), CS, cross_check=False)
    closed = label_closed_form(sl.mae(), C)
    bounded = bool(sym.constant is not None and closed is not None
                   and sympy.simplify(sym.constant / (C - 1) - closed[0]).is_nonnegative)
    ex = _class_dependent_exact(ctx)
    # the smallest instance: c = 2, clean label 0, T[0] = (1/3, 2/3)
    t = [sympy.Rational(1, 3), sympy.Rational(2, 3)]
    r_star = sympy.Add(*[t[k] * (2 - 2 * (1 if k == 0 else 0)) for k in range(2)])
    r_flip = sympy.Add(*[t[k] * (2 - 2 * (1 if k == 1 else 0)) for k in range(2)])
    example = {"c": 2, "clean_label": 0, "T_row": t, "loss": "MAE", "R^eta(f*=e_0)": r_star, "R^eta(e_1)": r_flip}
    numbers = {"identity_sum_k T_yk(L*_k - L_k) = sum_{k!=y}(T_yk - T_yy)(C/(c-1) - L_k)": identity,
               "identity for symbolic c": identity_every_c,
               "mae_bounded_by_C/(c-1)": bounded, "exact": {k: v for k, v in ex.items() if not k.startswith("_")},
               "search_without_condition": free.to_json(),
               "search_with_condition": cond.to_json(), "smallest_example": example}
    proof_ok = all(identity.values()) and bounded and ex["_ok"] and not cond.verified
    condition = ("each row of T is diagonally dominant, T[y, y] > T[y, k] for k != y (Ghosh et al.'s "
                 "eta_yk < 1 - eta_y; T[y, y] >= T[y, k] already makes f* a minimiser), and "
                 "0 <= L(f, k) <= C/(c-1) (true for MAE)"
                 + ("" if identity_every_c else "; derived for c = 2..8 only"))
    if free.verified and proof_ok and r_flip < r_star:
        found = folded_counterexample(free.counterexample)
        return Evidence("qualified", "search", "false as stated: without diagonally dominant T the clean minimiser "
                        f"can lose (c = 2, T[0] = (1/3, 2/3), MAE: R^eta(e_0) = {r_star} > R^eta(e_1) = {r_flip}; "
                        f"the search found c = {found['c']}, T[0] = {found['T_row']}, f = {found['f']}, written in "
                        f"its {found['c']}-class form, folded from the 4-simplex points it draws); with "
                        "T[y,y] > T[y,k] the identity R^eta(f*) - R^eta(f) = E sum_{k!=y} (T_yk - T_yy)(C/(c-1) - "
                        "L(f,k)) <= 0 holds ("
                        + ("for symbolic c, expanded for c = 2..8" if identity_every_c else "c = 2..8")
                        + ") and the search with that condition found nothing.",
                        numbers=numbers, counterexample={"smallest": example, "search": found}, condition=condition)
    free_ev = Evidence.from_search(free, fails="f* loses to another f under some stochastic T",
                                   holds="no T without the condition where f* loses", numbers=numbers,
                                   key="search_without_condition")
    if not free.verified and proof_ok:  # a search that finds nothing is not a proof: it says what it found
        return free_ev
    cond_ev = Evidence.from_search(cond, fails="even with diagonally dominant T, f* loses",
                                   holds="no diagonally dominant T where f* loses", numbers=numbers,
                                   key="search_with_condition")
    if cond_ev.verdict == "refuted":
        return cond_ev
    return Evidence("inconclusive", "search", "the evidence is mixed; see numbers.", numbers=numbers)
