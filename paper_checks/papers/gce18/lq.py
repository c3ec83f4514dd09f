"""gce18's loss: the limits of ``L_q`` (Zhang & Sabuncu 2018, Eq. (6)), its gradient (Eq. (5)) and the
bounds of its class sum (Eq. (7)).
"""
from __future__ import annotations

from typing import Any, Callable

import numpy as np
import sympy

from label_noise_lab.simulate.losses import cce_grad, lq_grad
from label_noise_lab.theory import gce
from label_noise_lab.theory import loss_parameters as lp
from label_noise_lab.theory import losses as sl
from label_noise_lab.theory.gce import Q
from label_noise_lab.theory.simplex import barycentre, fold, resolve_abs, softmax_point, vertex
from label_noise_lab.theory.symmetry import C, class_sum, label_closed_form
from paper_checks.api import (
    Context,
    Evidence,
    Integer,
    Premise,
    Real,
    Reduction,
    SearchSpace,
    SimplexPoint,
    claim,
    search,
    separable_sum_bounds,
)
from paper_checks.papers.gce18.exact import LI, ZHANG18, exact_num, fold_np, same, search_budget, smallest


# ---------------------------------------------------------------- L_q basics
@claim("gce18.limit_q0", source=f"{ZHANG18}, sec. 3.2, Eq. (6); {LI}, Eq. (6)",
       statement="lim_{q -> 0+} (1 - f_j^q)/q = -log f_j (CCE) for every f_j in (0, 1].",
       method="symbolic", expected="proved")
def limit_q0(ctx: Context) -> Evidence:
    return limit_q0_evidence(lambda t: -sympy.log(t))


def limit_q0_evidence(target: Callable[[Any], Any]) -> Evidence:
    """Compare ``lim_{q->0+} L_q`` with ``target(f_j)``; refuted at an exact point when they differ."""
    t = sympy.Symbol("t", positive=True)
    lim = sympy.limit(sl.lq_value(t, Q), Q, 0, "+")
    numbers = {"limit": lim, "target": target(t),
               "float_check_q=1e-9": {str(v): [gce.lq_float(v, 1e-9), float(sympy.N(target(sympy.Float(v))))]
                                      for v in (0.01, 0.3, 0.9)}}
    if same(lim, target(t)):
        return Evidence("proved", "symbolic", f"lim_(q->0+) (1 - t^q)/q = {lim} for every t > 0 (L'Hopital / SymPy "
                                              "limit), "
                        "which is CCE.", numbers=numbers)
    half = sympy.Rational(1, 2)
    return Evidence("refuted", "symbolic", f"the limit is {lim}, not {target(t)}.", numbers=numbers,
                    counterexample={"t": half, "limit": lim.subs(t, half), "target": target(half)})


@claim("gce18.q1_mae", source=f"{ZHANG18}, sec. 3.2 (after Eq. 6) and Eq. (4)",
       statement="At q = 1, L_q(f, e_j) = 1 - f_j: the unhinged loss, and MAE/2 with MAE = ||e_j - f||_1 on the "
                 "simplex.",
       method="symbolic", expected="proved")
def q1_mae(ctx: Context) -> Evidence:
    t = sympy.Symbol("t", positive=True)
    lq1 = sl.lq_value(t, 1)
    unh, tu = label_closed_form(sl.unhinged(), C)
    unh_ok = same(lq1, unh.subs(tu, t))
    closed = label_closed_form(sl.mae(), C)
    mae_ok = closed is not None and same(lq1, closed[0].subs(closed[1], t) / 2)
    per_c = {}
    for c in (2, 3, 4):
        f, _ = softmax_point(c)
        per_c[c] = all(same(sl.lq(1)(f, j), resolve_abs(sl.mae()(f, j)) / 2) for j in range(c))
    numbers = {"L_1(t)": lq1, "MAE(f, e_j) on the simplex (symbolic c)": closed[0] if closed else None,
               "softmax_check_c=2..4": per_c}
    if unh_ok and mae_ok and all(per_c.values()):
        return Evidence("proved", "symbolic", "L_1(f, e_j) = 1 - f_j = unhinged = ||e_j - f||_1 / 2 for symbolic c "
                        "(and term by term with softmax outputs for c = 2..4).", numbers=numbers)
    return Evidence("refuted", "symbolic", "L_1 differs from the unhinged loss or MAE/2.", numbers=numbers,
                    counterexample={"L_1": lq1, "mae_closed_form": closed[0] if closed else None})


@claim("gce18.gradient", source=f"{ZHANG18}, sec. 3.2 (gradient after Eq. 8, and Eq. 5)",
       statement="dL_q/dtheta = -f_y^(q-1) grad_theta f_y; relative to CCE's gradient -grad f_y / f_y each sample is "
                 "weighted by f_y^q, relative to MAE/unhinged's -grad f_y by f_y^(q-1).",
       method="symbolic", expected="proved")
def gradient(ctx: Context) -> Evidence:
    theta = sympy.Symbol("theta", real=True)
    fy = sympy.Function("f")(theta)
    g_lq = sympy.diff(sl.lq_value(fy, Q), theta)
    g_cce = sympy.diff(-sympy.log(fy), theta)
    g_unh = sympy.diff(1 - fy, theta)
    g_mae = sympy.diff(2 - 2 * fy, theta)
    ok_form = same(g_lq, -fy ** (Q - 1) * sympy.diff(fy, theta))
    w_cce = sympy.simplify(g_lq / g_cce)
    w_unh = sympy.simplify(g_lq / g_unh)
    w_mae = sympy.simplify(g_lq / g_mae)
    ok_w = same(w_cce, fy**Q) and same(w_unh, fy ** (Q - 1))
    # through a softmax with c = 3 logits: dL_q/dz = f_y^q (f - e_y)
    z = sympy.symbols("z0:3", real=True)
    ez = [sympy.exp(v) for v in z]
    p = [e / sum(ez) for e in ez]
    logit_ok = all(same(sympy.diff(sl.lq_value(p[0], Q), z[k]), p[0] ** Q * (p[k] - (1 if k == 0 else 0)))
                   for k in range(3))
    rng = ctx.rng(0)
    Z = rng.normal(scale=3.0, size=(64, 5))
    y = rng.integers(0, 5, 64)
    qv = 0.7
    P = np.exp(Z - Z.max(1, keepdims=True))
    P /= P.sum(1, keepdims=True)
    num_err = float(np.max(np.abs(lq_grad(Z, y, qv) - P[np.arange(64), y][:, None] ** qv * cce_grad(Z, y))))
    numbers = {"dL_q/dtheta": g_lq, "weight_vs_CCE": w_cce, "weight_vs_unhinged": w_unh,
               "weight_vs_MAE_2-2f": w_mae, "softmax_logits_c=3": logit_ok,
               "label_noise_lab.simulate.losses.lq_grad_vs_f_y^q*cce_grad_max_abs_err": num_err}
    if ok_form and ok_w and logit_ok and num_err < 1e-12:
        return Evidence("proved", "symbolic", "dL_q/dtheta = -f_y^(q-1) grad f_y: f_y^q times CCE's gradient and "
                        "f_y^(q-1) times the unhinged gradient (f_y^(q-1)/2 times that of MAE = 2 - 2f_y); through "
                        "softmax logits dL_q/dz = f_y^q (f - e_y).", numbers=numbers)
    return Evidence("refuted", "symbolic", "the gradient or its weights differ from the stated ones.",
                    numbers=numbers, counterexample={"dL_q/dtheta": g_lq, "weights": [w_cce, w_unh]})


# ---------------------------------------------------------------- Eq. 7
def eq7_space() -> SearchSpace:
    """``c`` in 2..8, ``f`` folded from an 8-simplex point, ``q`` in (0, 1]; margin
    ``min(S - lower, upper - S)`` for ``S = sum_j L_q(f, e_j)``."""

    def margin(pt: dict[str, Any]) -> float:
        c, q = int(pt["c"]), float(pt["q"])
        f = fold_np(pt["f"], c)
        S = sum(gce.lq_float(v, q) for v in f)
        lo, hi = gce.eq7_bounds_float(c, q)
        return min(S - lo, hi - S)

    def exact(pt: dict[str, Any]) -> Any:
        c = int(pt["c"])
        q = exact_num(pt["q"])
        f = exact_num(fold(pt["f"], c))
        S = sympy.Add(*[sl.lq_value(v, q) for v in f])
        lo, hi = gce.eq7_bounds(c, q)
        return smallest(S - lo, hi - S)

    return SearchSpace((Integer("c", 2, 8), SimplexPoint("f", 8), Real.from_domain(lp.Q)), margin, exact,
                       folds={"f": "c"}, statement_domain={"c": "every c >= 2"},
                       description="min(S - (c - c^(1-q))/q, (c-1)/q - S), S the class sum of L_q",
                       proves="Eq. 7's two bounds for c = 2..8 (weaker than the statement: every c >= 2)",
                       reduction=eq7_reduction())


def eq7_reduction() -> Reduction:
    """Eq. 7 for every integer ``c >= 2`` (the statement's own domain) by Karamata's inequality
    (:func:`paper_checks.api.separable_sum_bounds`): ``L_q(t) = (1 - t^q)/q`` convex in ``t`` on ``(0, 1)`` for every
    ``q`` in ``(0, 1]``, and the two bounds at the barycentre and at a vertex, ``c`` real on ``[2, oo)``. The claim's
    search keeps :func:`eq7_space`'s folded simplex (``c = 2..8``)."""
    return separable_sum_bounds(
        psi=lambda t, x: sl.lq_value(t, x["q"]),
        lower=lambda c, x: gce.eq7_bounds(c, x["q"])[0], upper=lambda c, x: gce.eq7_bounds(c, x["q"])[1],
        others=(Real.from_domain(lp.Q),), what="L_q(t) = (1 - t^q)/q",
        premises=(Premise("sum_j L_q(f, e_j) = sum_j psi(f_j) with psi(t) = (1 - t^q)/q: L_q of class j reads f_j "
                          "only", cited="Zhang & Sabuncu 2018, Eq. 6 (the definition of L_q)"),))


@claim("gce18.eq7_bounds", figures=("gce18_eq11_region",), source=f"{ZHANG18}, sec. 3.2, Eq. (7)",
       statement="(c - c^(1-q))/q <= sum_j L_q(f, e_j) <= (c - 1)/q for every f in the simplex, q in (0, 1], c >= 2.",
       method="symbolic", expected="proved", space=eq7_space)
def eq7_bounds(ctx: Context) -> Evidence:
    return eq7_evidence(ctx, gce.eq7_bounds())


def eq7_evidence(ctx: Context, claimed: tuple[Any, Any]) -> Evidence:
    """Compare the exact range of the class sum (symbolic ``c, q``) with ``claimed`` bounds, then search."""
    rng_ = gce.derive_eq7()
    lo_ok = same(rng_.low, claimed[0])
    hi_ok = same(rng_.high, claimed[1])
    budget = search_budget(ctx)
    res = search(eq7_space(), budget, ctx.rng(1))
    numbers = {"exact_min (barycentre)": rng_.low, "exact_max (vertex)": rng_.high, "psi''(t)": rng_.second_derivative,
               "claimed": list(claimed), "search_c=2..8": res.to_json()}
    srch = Evidence.from_search(res, fails="Eq. 7's bounds fail", holds="no violation of Eq. 7 (c = 2..8)",
                                numbers=numbers, key="search_c=2..8")
    if lo_ok and hi_ok and srch.verdict != "refuted":
        numbers["proved_domain"] = eq7_reduction().report_domain(
            "every c >= 2 and q in (0, 1]: SymPy's derivation for symbolic c and q (psi'' = (1 - q) t^(q-2) >= 0, the "
            "exact class sums at the barycentre and a vertex: label_noise_lab.theory.gce.derive_eq7) with Karamata's "
            "inequality, a "
            "cited theorem (Marshall, Olkin & Arnold, Prop. 3.C.1); `explore gce18.eq7_bounds --prove` proves the "
            "same three steps with the prover")
        return Evidence("proved", "symbolic", "psi(t) = (1 - t^q)/q is convex ((1-q) t^(q-2) >= 0), so for symbolic c "
                        "and q the class sum ranges exactly over [c psi(1/c), psi(1) + (c-1) psi(0)] = "
                        f"[(c - c^(1-q))/q, (c-1)/q]; a search of {res.evaluated} points (c = 2..8) found no "
                        "violation.",
                        numbers=numbers)
    # a claimed bound that is not the exact extreme: is it still a valid bound? find a violation exactly
    viol = _eq7_violation(claimed)
    if viol is not None:
        return Evidence("refuted", "symbolic", "the claimed bounds are violated at an exact point.", numbers=numbers,
                        counterexample=viol)
    if srch.verdict == "refuted":
        return srch
    return Evidence("inconclusive", "symbolic", "the claimed bounds are not the exact extremes, but no violation "
                                                "found.",
                    numbers=numbers)


def _eq7_violation(claimed: tuple[Any, Any]) -> dict[str, Any] | None:
    for c in (2, 3, 5, 8):
        for q in (sympy.Rational(1, 4), sympy.Rational(1, 2), sympy.Rational(3, 4)):
            lo = claimed[0].subs({C: c, Q: q})
            hi = claimed[1].subs({C: c, Q: q})
            for name, f in (("barycentre", barycentre(c)), ("vertex", vertex(c, 0))):
                S = class_sum(sl.lq(q), f)
                if sympy.N(S - lo, 50) < 0 or sympy.N(hi - S, 50) < 0:
                    return {"c": c, "q": q, "f": name, "class_sum": S, "claimed": [lo, hi]}
    return None


# ---------------------------------------------------------------- Eq. 8 (Thm 1)
