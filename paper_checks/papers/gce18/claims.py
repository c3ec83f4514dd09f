"""Checks of gce18: the generalized cross entropy ``L_q`` and its truncation (Zhang & Sabuncu 2018).

Source: ``004_bedc5f2f9c2d4575.txt`` secs. 3.2-3.3 (Eqs. 5-11 and the appendix theorems as
quoted in the text), also Li's notes ``003_05482f4d520d534e.txt``. The simulation claims
(``acs_equivalence``, ``softmax_gap``, ``q_tradeoff``, ``notes_*``) live in
:mod:`paper_checks.gce18_sim`.

Exact margins of the searches are evaluated in SymPy ``Rational`` arithmetic when the point
is simple (small exponents ``1/q``, ``1/(1-q)``), otherwise in 60-digit floating point
(an exact power such as ``(1 - q)^(1/q)`` with ``q = 1/10^6`` has millions of digits);
either way the search decides the sign to 50 digits.
"""
from __future__ import annotations

import math
from typing import Any, Callable

import numpy as np
import sympy

from paper_checks.context import Context
from paper_checks.evidence import Evidence
from paper_checks.registry import claim, paper
from paper_checks.search import Integer, Real, SearchSpace, SimplexPoint, search
from simulate.losses import cce_grad, get_loss, lq_grad
from simulate.noise import TransitionMatrix, uniform_noise
from simulate.populations import random_distribution
from simulate.risk import best_candidate, clean_risk, label_weights, noisy_risk, pointwise_minimiser
from theory import gce
from theory import losses as sl
from theory.gce import K, M, Q
from theory.noisy_risk import ETA
from theory.simplex import barycentre, fold, free_point, resolve_abs, softmax_point, vertex
from theory.symmetry import C, class_sum, label_closed_form

PAPER = paper('gce18',
              authors='Z. Zhang, M. R. Sabuncu',
              year=2018,
              title='Generalized Cross Entropy Loss for Training Deep Neural Networks with Noisy Labels',
              venue='NeurIPS 2018; arXiv 1805.07836',
              source='004_bedc5f2f9c2d4575.txt',
              note="also summarised in Li's notes 003")

N004 = "004_bedc5f2f9c2d4575.txt"
N003 = "003_05482f4d520d534e.txt"
CS = range(2, 9)
_HP = 60  # digits of the floating-point fallback of exact margins


# ---------------------------------------------------------------- helpers
def _budget(ctx: Context) -> int:
    return ctx.pick(500, 3000, 20000)


def _fold_np(x: Any, c: int) -> np.ndarray:
    x = np.asarray(x, dtype=float)
    return np.concatenate([x[: c - 1], [x[c - 1:].sum()]])


def _needs_hp(*qs: Any) -> bool:
    """True when an exact power with exponent ``1/q`` or ``1/(1-q)`` would be huge."""
    for q in qs:
        q = sympy.Rational(q)
        if q.q > 10**4 or (q > 0 and 1 / q > 64) or (q < 1 and 1 / (1 - q) > 64):
            return True
    return False


def _num(x: Any, hp: bool) -> Any:
    if isinstance(x, (list, tuple)):
        return [_num(v, hp) for v in x]
    return sympy.Float(x, _HP) if hp else sympy.sympify(x)


def _same(a: Any, b: Any) -> bool:
    return sympy.simplify(a - b) == 0


# ---------------------------------------------------------------- L_q basics
@claim("gce18.limit_q0", source=f"{N004}, sec. 3.2, Eq. (6); {N003}, Eq. (6)",
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
    if _same(lim, target(t)):
        return Evidence("proved", "symbolic", f"lim_(q->0+) (1 - t^q)/q = {lim} for every t > 0 (L'Hopital / SymPy limit), "
                        "which is CCE.", numbers=numbers)
    half = sympy.Rational(1, 2)
    return Evidence("refuted", "symbolic", f"the limit is {lim}, not {target(t)}.", numbers=numbers,
                    counterexample={"t": half, "limit": lim.subs(t, half), "target": target(half)})


@claim("gce18.q1_mae", source=f"{N004}, sec. 3.2 (after Eq. 6) and Eq. (4)",
       statement="At q = 1, L_q(f, e_j) = 1 - f_j: the unhinged loss, and MAE/2 with MAE = ||e_j - f||_1 on the simplex.",
       method="symbolic", expected="proved")
def q1_mae(ctx: Context) -> Evidence:
    t = sympy.Symbol("t", positive=True)
    lq1 = sl.lq_value(t, 1)
    unh, tu = label_closed_form(sl.unhinged(), C)
    unh_ok = _same(lq1, unh.subs(tu, t))
    closed = label_closed_form(sl.mae(), C)
    mae_ok = closed is not None and _same(lq1, closed[0].subs(closed[1], t) / 2)
    per_c = {}
    for c in (2, 3, 4):
        f, _ = softmax_point(c)
        per_c[c] = all(_same(sl.lq(1)(f, j), resolve_abs(sl.mae()(f, j)) / 2) for j in range(c))
    numbers = {"L_1(t)": lq1, "MAE(f, e_j) on the simplex (symbolic c)": closed[0] if closed else None,
               "softmax_check_c=2..4": per_c}
    if unh_ok and mae_ok and all(per_c.values()):
        return Evidence("proved", "symbolic", "L_1(f, e_j) = 1 - f_j = unhinged = ||e_j - f||_1 / 2 for symbolic c "
                        "(and term by term with softmax outputs for c = 2..4).", numbers=numbers)
    return Evidence("refuted", "symbolic", "L_1 differs from the unhinged loss or MAE/2.", numbers=numbers,
                    counterexample={"L_1": lq1, "mae_closed_form": closed[0] if closed else None})


@claim("gce18.gradient", source=f"{N004}, sec. 3.2 (gradient after Eq. 8, and Eq. 5)",
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
    ok_form = _same(g_lq, -fy ** (Q - 1) * sympy.diff(fy, theta))
    w_cce = sympy.simplify(g_lq / g_cce)
    w_unh = sympy.simplify(g_lq / g_unh)
    w_mae = sympy.simplify(g_lq / g_mae)
    ok_w = _same(w_cce, fy**Q) and _same(w_unh, fy ** (Q - 1))
    # through a softmax with c = 3 logits: dL_q/dz = f_y^q (f - e_y)
    z = sympy.symbols("z0:3", real=True)
    ez = [sympy.exp(v) for v in z]
    p = [e / sum(ez) for e in ez]
    logit_ok = all(_same(sympy.diff(sl.lq_value(p[0], Q), z[k]), p[0] ** Q * (p[k] - (1 if k == 0 else 0)))
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
               "simulate.losses.lq_grad_vs_f_y^q*cce_grad_max_abs_err": num_err}
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
        f = _fold_np(pt["f"], c)
        S = sum(gce.lq_float(v, q) for v in f)
        lo, hi = gce.eq7_bounds_float(c, q)
        return min(S - lo, hi - S)

    def exact(pt: dict[str, Any]) -> Any:
        c = int(pt["c"])
        hp = _needs_hp(pt["q"])
        q = _num(pt["q"], hp)
        f = _num(fold(pt["f"], c), hp)
        S = sympy.Add(*[sl.lq_value(v, q) for v in f])
        lo, hi = gce.eq7_bounds(c, q)
        return sympy.Min(S - lo, hi - S)

    return SearchSpace((Integer("c", 2, 8), SimplexPoint("f", 8), Real("q", 0.0, 1.0, open_low=True)), margin, exact,
                       description="min(S - (c - c^(1-q))/q, (c-1)/q - S), S the class sum of L_q")


@claim("gce18.eq7_bounds", figures=("gce18_eq11_region",), source=f"{N004}, sec. 3.2, Eq. (7)",
       statement="(c - c^(1-q))/q <= sum_j L_q(f, e_j) <= (c - 1)/q for every f in the simplex, q in (0, 1], c >= 2.",
       method="symbolic", expected="proved", space=eq7_space)
def eq7_bounds(ctx: Context) -> Evidence:
    return eq7_evidence(ctx, gce.eq7_bounds())


def eq7_evidence(ctx: Context, claimed: tuple[Any, Any]) -> Evidence:
    """Compare the exact range of the class sum (symbolic ``c, q``) with ``claimed`` bounds, then search."""
    rng_ = gce.derive_eq7()
    lo_ok = _same(rng_.low, claimed[0])
    hi_ok = _same(rng_.high, claimed[1])
    budget = _budget(ctx)
    res = search(eq7_space(), budget, ctx.rng(1))
    numbers = {"exact_min (barycentre)": rng_.low, "exact_max (vertex)": rng_.high, "psi''(t)": rng_.second_derivative,
               "claimed": list(claimed), "search_c=2..8": res.to_json()}
    srch = Evidence.from_search(res, fails="Eq. 7's bounds fail", holds="no violation of Eq. 7 (c = 2..8)",
                                numbers=numbers, key="search_c=2..8")
    if lo_ok and hi_ok and srch.verdict != "refuted":
        return Evidence("proved", "symbolic", "psi(t) = (1 - t^q)/q is convex ((1-q) t^(q-2) >= 0), so for symbolic c "
                        "and q the class sum ranges exactly over [c psi(1/c), psi(1) + (c-1) psi(0)] = "
                        f"[(c - c^(1-q))/q, (c-1)/q]; a search of {res.evaluated} points (c = 2..8) found no violation.",
                        numbers=numbers)
    # a claimed bound that is not the exact extreme: is it still a valid bound? find a violation exactly
    viol = _eq7_violation(claimed)
    if viol is not None:
        return Evidence("refuted", "symbolic", "the claimed bounds are violated at an exact point.", numbers=numbers,
                        counterexample=viol)
    if srch.verdict == "refuted":
        return srch
    return Evidence("inconclusive", "symbolic", "the claimed bounds are not the exact extremes, but no violation found.",
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
def _lq_risk_np(w: np.ndarray, f: np.ndarray, q: float) -> float:
    return float(sum(wk * gce.lq_float(fk, q) for wk, fk in zip(w, f) if wk > 0))


def thm1_space() -> SearchSpace:
    """One input with clean label distribution ``p`` (6-simplex point folded onto ``c`` in 2..6),
    ``q`` in (0, 1], ``eta = r (1 - 1/c)`` with ``r`` in [0, 1). ``f*``, ``f_hat``: the exact
    pointwise minimisers of the clean and noisy risks. Margin ``min(D - A, -D)``, ``D = R(f*) - R(f_hat)``."""

    def margin(pt: dict[str, Any]) -> float:
        c, q = int(pt["c"]), float(pt["q"])
        p = _fold_np(pt["p"], c)
        eta = float(pt["r"]) * (1 - 1 / c)
        w = p @ uniform_noise(c, eta).matrix
        fs = pointwise_minimiser(p, "lq", q=q)[0]
        fh = pointwise_minimiser(w, "lq", q=q)[0]
        D = _lq_risk_np(p, fs, q) - _lq_risk_np(p, fh, q)
        return min(D - gce.A_float(c, q, eta), -D)

    def exact(pt: dict[str, Any]) -> Any:
        c = int(pt["c"])
        eta = pt["r"] * sympy.Rational(c - 1, c)
        hp = _needs_hp(pt["q"])
        q, eta = _num(pt["q"], hp), _num(eta, hp)
        p = _num(fold(pt["p"], c), hp)
        T = [[1 - eta if i == j else eta / (c - 1) for j in range(c)] for i in range(c)]
        w = [sympy.Add(*[p[i] * T[i][j] for i in range(c)]) for j in range(c)]
        fs, fh = gce.lq_pointwise_minimiser(p, q), gce.lq_pointwise_minimiser(w, q)
        risk = lambda f: sympy.Add(*[pk * sl.lq_value(fk, q) for pk, fk in zip(p, f) if pk != 0])  # noqa: E731
        D = risk(fs) - risk(fh)
        return sympy.Min(D - gce.A_constant(c, q, eta), -D)

    return SearchSpace((Integer("c", 2, 6), SimplexPoint("p", 6), Real("q", 0.0, 1.0, open_low=True),
                        Real("r", 0.0, 1.0, open_high=True)), margin, exact,
                       description="min(D - A, -D), D = R(f*) - R(f_hat) at one input, eta = r (1 - 1/c) < 1 - 1/c")


def _thm1_exact(ctx: Context) -> dict[str, Any]:
    """Random finite distributions: pointwise minimisers and a finite model class."""
    rng = ctx.rng(2)
    n = ctx.pick(6, 24, 100)
    ok_pw = ok_cls = 0
    ratios: list[float] = []
    for i in range(n):
        c = int(rng.integers(2, 7))
        n_x = int(rng.integers(1, 5))
        q = 1.0 if i % 5 == 4 else float(rng.uniform(0.05, 1.0))
        eta = float(rng.uniform(0, 1 - 1 / c))
        dist = random_distribution(n_x, c, rng)
        T = uniform_noise(c, eta)
        L = get_loss("lq", q=q)
        A = gce.A_float(c, q, eta)
        fs = pointwise_minimiser(dist.py_x, "lq", q=q)
        fh = pointwise_minimiser(label_weights(dist, T), "lq", q=q)
        D = clean_risk(dist, fs, L) - clean_risk(dist, fh, L)
        ok_pw += bool(A - 1e-12 <= D <= 1e-12)
        if A < 0:
            ratios.append(D / A)
        cands = rng.dirichlet(np.ones(c), size=(40, n_x))
        i_star = best_candidate(dist, cands, L).index
        i_hat = best_candidate(dist, cands, L, T).index
        Rc = clean_risk(dist, cands, L)
        Dc = float(Rc[i_star] - Rc[i_hat])
        ok_cls += bool(A - 1e-12 <= Dc <= 1e-12)
    return {"cases": n, "pointwise_minimisers: A <= D <= 0": f"{ok_pw}/{n}",
            "finite_class_of_40: A <= D <= 0": f"{ok_cls}/{n}",
            "D/A (tightness, 0 = loose)": {"max": max(ratios) if ratios else None,
                                           "median": float(np.median(ratios)) if ratios else None},
            "_ok": ok_pw == n and ok_cls == n}


@claim("gce18.thm1_uniform", source=f"{N004}, sec. 3.2, Eq. (8) (Thm 1)",
       statement="Under uniform noise with eta <= 1 - 1/c: A <= R(f*) - R(f_hat) <= 0 with "
                 "A = eta (1 - c^(1-q)) / (q (c - 1 - eta c)) < 0, for L_q, q in (0, 1].",
       method="symbolic", expected="qualified", space=thm1_space)
def thm1_uniform(ctx: Context) -> Evidence:
    derived = gce.thm1_lower_bound()
    deriv_ok = _same(derived, gce.A_constant())
    num, den = sympy.fraction(sympy.together(gce.A_constant()))
    den_at_boundary = sympy.simplify(den.subs(ETA, 1 - 1 / C))
    num_at_boundary = sympy.simplify(num.subs(ETA, 1 - 1 / C))
    # zero denominator, numerator eta (1 - c^(1-q)) != 0 for q < 1: A is undefined at eta = 1 - 1/c
    boundary_undefined = den_at_boundary == 0 and sympy.N(num_at_boundary.subs({C: 2, Q: sympy.Rational(1, 2)})) != 0
    A_at_q1 = sympy.simplify(gce.A_constant(C, 1, ETA))
    A_at_eta0 = sympy.simplify(gce.A_constant(C, Q, 0))
    ex = _thm1_exact(ctx)
    budget = _budget(ctx)
    res = search(thm1_space(), budget, ctx.rng(3))
    # the boundary, exactly: c = 2, eta = 1/2, q = 1/2, one input with p = (3/4, 1/4)
    half = sympy.Rational(1, 2)
    p = [sympy.Rational(3, 4), sympy.Rational(1, 4)]
    w = [half, half]
    fs, fh = gce.lq_pointwise_minimiser(p, half), gce.lq_pointwise_minimiser(w, half)
    risk = lambda f: sympy.Add(*[pk * sl.lq_value(fk, half) for pk, fk in zip(p, f)])  # noqa: E731
    boundary = {"c": 2, "q": half, "eta": half, "p": p, "f*": fs, "f_hat (noisy risk is E[S(f)]/2: uniform f)": fh,
                "R(f*) - R(f_hat)": sympy.nsimplify(risk(fs) - risk(fh)), "A": gce.A_constant(2, half, half)}
    # what the conclusion does at the boundary: for q < 1 A -> -oo (vacuous); at q = 1 A = 0/0 with limit 0,
    # and 0 <= D fails there because the noisy risk is constant (every f is a noisy minimiser)
    A_limit_q_half = sympy.limit(gce.A_constant(2, half, ETA), ETA, half, "-")
    A_near = {str(e): float(gce.A_constant(2, half, sympy.Rational(e))) for e in ("49/100", "499/1000")}
    A_limit_q1 = sympy.limit(sympy.simplify(gce.A_constant(2, 1, ETA)), ETA, half, "-")
    f_any = [sympy.Integer(0), sympy.Integer(1)]
    risk1 = lambda f: sympy.Add(*[pk * sl.lq_value(fk, 1) for pk, fk in zip(p, f)])  # noqa: E731
    noisy1 = lambda f: sympy.Add(*[wk * sl.lq_value(fk, 1) for wk, fk in zip(w, f)])  # noqa: E731
    f_star1 = [sympy.Integer(1), sympy.Integer(0)]
    q1 = {"c": 2, "q": 1, "eta": half, "p": p, "A": "0/0 (undefined); its limit as eta -> 1/2 is "
          f"{A_limit_q1}", "noisy_risk_of_f=(1,0)": noisy1(f_star1), "noisy_risk_of_f=(0,1)": noisy1(f_any),
          "f_hat": f_any, "R(f*) - R(f_hat)": sympy.nsimplify(risk1(f_star1) - risk1(f_any))}
    q1_fails = bool(q1["noisy_risk_of_f=(1,0)"] == q1["noisy_risk_of_f=(0,1)"] and q1["R(f*) - R(f_hat)"] < A_limit_q1)
    boundary["A as eta -> 1/2 from below"] = A_limit_q_half
    boundary["A(eta) near the boundary"] = A_near
    beyond = {"c": 2, "q": half, "eta": sympy.Rational(3, 4), "A": gce.A_constant(2, half, sympy.Rational(3, 4)),
              "note": "beyond 1 - 1/c, A > 0 >= R(f*) - R(f_hat): the lower bound cannot hold"}
    numbers = {"derived_lower_bound": derived, "equals_A": deriv_ok, "A_at_eta=1-1/c": {"numerator": num_at_boundary, "denominator": den_at_boundary},
               "A_at_q=1": A_at_q1, "A_at_eta=0": A_at_eta0, "exact": {k: v for k, v in ex.items() if k[0] != "_"},
               "search_eta<1-1/c": res.to_json(), "boundary_example": boundary, "beyond": beyond,
               "boundary_q=1": q1, "boundary_q=1_limit_bound_fails": q1_fails}
    srch = Evidence.from_search(res, fails="a point with eta < 1 - 1/c violates Eq. 8",
                                holds="no violation of Eq. 8 with eta < 1 - 1/c", numbers=numbers,
                                key="search_eta<1-1/c")
    if srch.verdict == "refuted":
        return srch
    if not (deriv_ok and ex["_ok"]):
        return Evidence("inconclusive", "symbolic", "the derivation or the exact evaluation did not reproduce Eq. 8.",
                        numbers=numbers)
    if boundary_undefined:
        return Evidence("qualified", "symbolic", "from R^eta = (1 - eta c/(c-1)) R + eta/(c-1) E[S] and Eq. 7, "
                        "R(f*) - R(f_hat) >= eta(1 - c^(1-q))/(q(c-1-eta c)) = A exactly (symbolic c, q, eta) when "
                        f"eta < 1 - 1/c; exact risks ({ex['cases']} random distributions, pointwise and finite-class "
                        f"minimisers) and a search of {res.evaluated} points agree. At eta = 1 - 1/c the conclusion "
                        f"says nothing: A is undefined there; for q < 1, A -> -oo (its numerator eta (1 - c^(1-q)) is "
                        f"negative and its denominator q (c - 1 - eta c) tends to 0 from above; c = 2, q = 1/2: limit "
                        f"{A_limit_q_half}, "
                        f"A(0.49) = {A_near['49/100']:.1f}, A(0.499) = {A_near['499/1000']:.1f}), so the bound is vacuous "
                        f"(D = {sympy.N(boundary['R(f*) - R(f_hat)'], 4)} at p = (3/4, 1/4)); at q = 1, A = 0/0 with limit "
                        f"{A_limit_q1}, and that limit "
                        + ("fails: the noisy risk is constant, so f_hat = (0, 1) is a noisy minimiser with D = "
                           f"{q1['R(f*) - R(f_hat)']} < 0" if q1_fails else "holds")
                        + ". A = 0, not < 0, at q = 1 or eta = 0.",
                        numbers=numbers, counterexample={"boundary_q<1": boundary, "boundary_q=1": q1},
                        condition="eta < 1 - 1/c strictly: at eta = 1 - 1/c A is undefined (the derivation divides by "
                                  "zero); extended by its limit the bound is vacuous for q < 1 (A -> -oo) and "
                                  + ("false" if q1_fails else "true") + " for q = 1 (limit 0); A < 0 needs q < 1 and "
                                  "eta > 0")
    return Evidence("proved", "symbolic", "Eq. 8 holds on the whole stated domain, boundary included.", numbers=numbers)


# ---------------------------------------------------------------- A monotone in q
def A_monotone_argument(A_expr: sympy.Expr) -> dict[str, Any]:
    """The steps of "A increases with q" for ``A_expr`` (symbolic ``c, q, eta``).

    ``dA/dq = K (-N)/q^2`` with ``K = eta/(c - 1 - eta c) > 0`` and
    ``N = 1 - c^(1-q)(1 + q ln c)``; with ``ell = ln c``, ``u = (1-q) ell``:
    ``N = 1 - e^u (1 + ell - u)``, ``N(0) = -ell < 0`` and ``dN/du = -e^u (ell - u) <= 0``
    on ``[0, ell]``, so ``N < 0`` and ``dA/dq > 0``.
    """
    dA = sympy.diff(A_expr, Q)
    Kf = ETA / (C - 1 - ETA * C)
    N = gce.A_numerator()
    factor_ok = _same(dA, Kf * (-N) / Q**2)
    ell, u, w, v = sympy.symbols("ell u w v", positive=True)
    Nu = 1 - sympy.exp(u) * (1 + ell - u)
    subst_ok = _same(N.subs(C, sympy.exp(ell)), Nu.subs(u, (1 - Q) * ell))
    N0 = sympy.simplify(Nu.subs(u, 0))
    dN = sympy.simplify(sympy.diff(Nu, u))
    dN_nonpos = bool(sympy.simplify(dN.subs(ell, u + w)).is_nonpositive)  # u <= ell: ell = u + w
    K_pos = bool(sympy.simplify(Kf.subs(ETA, (C - 1) / C * v / (1 + v))).is_positive)  # 0 < eta < 1 - 1/c
    A1 = sympy.simplify(A_expr.subs(Q, 1))
    holds = factor_ok and subst_ok and bool(N0.is_negative) and dN_nonpos and K_pos and A1 == 0
    return {"dA/dq": sympy.simplify(dA), "factorisation_K(-N)/q^2": factor_ok, "N(u)": Nu, "N(u=0)": N0,
            "dN/du": dN, "dN/du<=0_on_[0,ln c]": dN_nonpos, "K>0_for_0<eta<1-1/c": K_pos, "A(q=1)": A1,
            "holds": holds}


def _A_decreasing_point(A_expr: sympy.Expr) -> dict[str, Any] | None:
    """An exact grid point with ``dA/dq < 0`` (0 < eta < 1 - 1/c), or None."""
    dA = sympy.diff(A_expr, Q)
    for c in (2, 3, 10):
        for eta in (sympy.Rational(1, 10) * (1 - sympy.Rational(1, c)), sympy.Rational(1, 2) * (1 - sympy.Rational(1, c))):
            for q in (sympy.Rational(1, 10), sympy.Rational(1, 2), sympy.Rational(9, 10)):
                val = dA.subs({C: c, ETA: eta, Q: q})
                if sympy.N(val, 50) < 0:
                    return {"c": c, "eta": eta, "q": q, "dA/dq": val}
    return None


@claim("gce18.A_monotone", source=f"{N004}, sec. 3.2 (after Eq. 8)",
       statement="For 0 < eta < 1 - 1/c, A = eta (1 - c^(1-q)) / (q (c - 1 - eta c)) is increasing in q on (0, 1] "
                 "(the larger q, the larger A and the tighter Eq. 8), and A = 0 at q = 1.",
       method="symbolic", expected="proved")
def A_monotone(ctx: Context) -> Evidence:
    return A_monotone_evidence(gce.A_constant())


def A_monotone_evidence(A_expr: sympy.Expr) -> Evidence:
    arg = A_monotone_argument(A_expr)
    grid = {f"c={c},eta={e},q={q}": gce.A_float(c, q, e * (1 - 1 / c))
            for c in (2, 10) for e in (0.5,) for q in (0.1, 0.5, 0.9, 1.0)}
    numbers = {k: v for k, v in arg.items() if k != "holds"}
    numbers["A_on_a_grid"] = grid
    if arg["holds"]:
        return Evidence("proved", "symbolic", "dA/dq = eta/(c-1-eta c) * (-N)/q^2 with N = 1 - c^(1-q)(1 + q ln c); "
                        "with u = (1-q) ln c, N(0) = -ln c < 0 and dN/du = -e^u (ln c - u) <= 0, so N < 0 and A "
                        "increases with q for 0 < eta < 1 - 1/c, reaching A = 0 at q = 1.", numbers=numbers)
    bad = _A_decreasing_point(A_expr)
    if bad is not None:
        return Evidence("refuted", "symbolic", "A decreases in q at an exact point.", numbers=numbers, counterexample=bad)
    return Evidence("inconclusive", "symbolic", "the monotonicity argument did not go through.", numbers=numbers)


# ---------------------------------------------------------------- Thm 2 (reconstructed)
def _r_norm_np(t: np.ndarray, q: float) -> float:
    m = float(t.max())
    if q >= 1.0:
        return m
    r = 1.0 / (1.0 - q)
    return m * float(np.sum((t / m) ** r)) ** (1.0 / r)


def thm2_space(condition: bool = True) -> SearchSpace:
    """One input of clean label ``y = 0`` (``R(f*) = 0``), noise row ``t = T[0]`` folded onto ``c`` in 2..6,
    ``q`` in (0, 1]. With ``condition`` the largest entry of ``t`` is moved to ``t_0``. Margin ``B - gap`` with
    ``gap = (||t||_r - t_0)/q`` and ``B = (c^(1-q) - 1)/q t_0``."""

    def prep(pt: dict[str, Any], exact: bool) -> tuple[int, list[Any]]:
        c = int(pt["c"])
        t = list(fold(pt["t"], c) if exact else _fold_np(pt["t"], c))
        if condition:
            j = max(range(c), key=lambda i: t[i])
            t[0], t[j] = t[j], t[0]
        return c, t

    def margin(pt: dict[str, Any]) -> float:
        c, t = prep(pt, False)
        q = float(pt["q"])
        ta = np.asarray(t)
        return ((c ** (1 - q) - 1) * ta[0] - (_r_norm_np(ta, q) - ta[0])) / q

    def exact(pt: dict[str, Any]) -> Any:
        c, t = prep(pt, True)
        hp = _needs_hp(pt["q"])
        q, t = _num(pt["q"], hp), _num(t, hp)
        return gce.B_bound(c, q, t[0]) - gce.thm2_gap(t, 0, q)

    what = "T_yy >= T_yk" if condition else "any row"
    return SearchSpace((Integer("c", 2, 6), SimplexPoint("t", 6), Real("q", 0.0, 1.0, open_low=True)), margin, exact,
                       description=f"B - (R^eta(f*) - min R^eta) at an input with R(f*) = 0, {what}")


def _thm2_exact(ctx: Context) -> dict[str, Any]:
    rng = ctx.rng(4)
    n = ctx.pick(6, 24, 100)
    ok = ok_cls = 0
    for i in range(n):
        c = int(rng.integers(2, 6))
        n_x = int(rng.integers(1, 5))
        q = 1.0 if i % 5 == 4 else float(rng.uniform(0.05, 1.0))
        dist = random_distribution(n_x, c, rng, deterministic=True)
        rows = rng.dirichlet(np.ones(c), size=c)
        for y in range(c):
            j = int(np.argmax(rows[y]))
            rows[y, y], rows[y, j] = rows[y, j], rows[y, y]
        T = TransitionMatrix(rows)
        L = get_loss("lq", q=q)
        star = dist.py_x.copy()
        fh = pointwise_minimiser(label_weights(dist, T), "lq", q=q)
        gap = noisy_risk(dist, star, L, T) - noisy_risk(dist, fh, L, T)
        ydist = dist.px @ dist.py_x
        B = (c ** (1 - q) - 1) / q * float(ydist @ np.diag(rows))
        ok += bool(-1e-12 <= gap <= B + 1e-12)
        cands = np.concatenate([rng.dirichlet(np.ones(c), size=(30, n_x)), star[None]])
        Rn = noisy_risk(dist, cands, L, T)
        gap_c = float(Rn[-1] - Rn.min())
        ok_cls += bool(-1e-12 <= gap_c <= gap + 1e-12)
    return {"cases": n, "pointwise: 0 <= gap <= B": f"{ok}/{n}",
            "finite class containing f*: 0 <= gap_class <= gap_pointwise": f"{ok_cls}/{n}", "_ok": ok == n and ok_cls == n}


def holder_general_c() -> dict[str, bool]:
    """``max_f sum_k T_k f_k^q = ||T||_r`` on the simplex for every ``c`` (``r = 1/(1-q)``, ``0 < q < 1``).

    Upper bound: Hoelder's inequality with the conjugate exponents ``r`` and ``1/q`` (``1/r + q = 1``,
    checked) gives ``sum_k T_k f_k^q <= ||T||_r ||f^q||_(1/q) = ||T||_r (sum_k f_k)^q = ||T||_r``.
    Attainment: at ``f_k = T_k^r / S`` (``S = sum_j T_j^r``) each term is ``T_k^(1 + r q) / S^q =
    T_k^r / S^q`` (``1 + r q = r``, checked), so the sum is ``S^(1-q) = ||T||_r``. Every step is a
    per-term identity in symbols ``T_k, S, q``: no number of classes enters.
    """
    s = sympy.Symbol("s", positive=True)  # s = 1 - q in (0, 1)
    tk, S = sympy.symbols("T_k S", positive=True)
    q, r = 1 - s, 1 / s
    conj = sympy.simplify(1 / r + q - 1) == 0
    lq_norm_term = gce.positive_power_simplify(((tk ** r / S) ** q) ** (1 / q) - tk ** r / S) == 0
    exponent = sympy.simplify(1 + r * q - r) == 0
    term = gce.positive_power_simplify(tk * (tk ** r / S) ** q - tk ** r / S ** q) == 0
    total = gce.positive_power_simplify(S / S ** q - S ** (1 / r)) == 0  # sum of T_k^r / S^q = S^(1-q) = ||T||_r
    return {"conjugate_exponents": conj, "f^q has (1/q)-norm (sum f)^q": lq_norm_term, "1 + r q = r": exponent,
            "term_at_f_k=T_k^r/S": term, "sum_equals_r_norm": total}


@claim("gce18.thm2_class_dependent", source=f"{N004}, sec. 3.2 (Thm 2 of its appendix, quoted after Eq. 8)",
       statement="Reconstructed: under class-dependent noise T with R(f*) = 0 and T[y, y] > T[y, k] for all k != y, "
                 "0 <= R^eta(f*) - R^eta(f_hat) <= B = (c^(1-q) - 1)/q * E[1 - eta_y], eta_y = 1 - T[y, y] "
                 "the flip rate of the clean class, for L_q with q in (0, 1].",
       method="symbolic", expected="proved", reconstructed=True, space=thm2_space)
def thm2_class_dependent(ctx: Context) -> Evidence:
    holder = {c: gce.holder_stationarity(c) for c in (2, 3)}
    holder_general = holder_general_c()
    holder_ok = all(all(v.values()) for v in holder.values()) and all(holder_general.values())
    # R^eta(e_y) = (1 - T_yy)/q for every noise row (explicit c, symbolic row and q)
    rstar_ok = {}
    for c in CS:
        t, _ = free_point(c, "t")
        val = sympy.Add(*[t[k] * sl.lq(Q)(vertex(c, 0), k) for k in range(c)])
        rstar_ok[c] = _same(val, (1 - t[0]) / Q)
    # ||T||_r <= (c T_yy^r)^(1/r) = c^(1-q) T_yy, and B - gap = (c^(1-q) T_yy - ||T||_r)/q
    s = sympy.Symbol("s", positive=True)  # s = 1 - q
    tyy, nrm = sympy.symbols("T_yy N_r", positive=True)
    power_ok = gce.positive_power_simplify((C * tyy ** (1 / s)) ** s - C**s * tyy) == 0
    identity_ok = _same(gce.B_bound(C, Q, tyy) - (nrm - tyy) / Q, (C ** (1 - Q) * tyy - nrm) / Q)
    ex = _thm2_exact(ctx)
    budget = _budget(ctx)
    res = search(thm2_space(True), budget, ctx.rng(5))
    free = search(thm2_space(False), budget, ctx.rng(6))
    t = [sympy.Rational(1, 10), sympy.Rational(9, 10)]
    half = sympy.Rational(1, 2)
    needed = {"c": 2, "q": half, "T_row": t, "clean_label": 0, "gap": gce.thm2_gap(t, 0, half),
              "B": gce.B_bound(2, half, t[0])}
    numbers = {"holder_at_q=1": "sum_k T_k f_k is linear on the simplex, so its maximum is max_k T_k = ||T||_inf "
                                "(the r -> oo limit) for every c",
               "holder_every_c": holder_general, "holder_kkt_c=2,3": holder, "R^eta(e_y)=(1-T_yy)/q_c=2..8": rstar_ok,
               "R^eta(e_y) every c": "L_q(e_y, k) = (1 - [k = y])/q, so sum_k T_yk L_q(e_y, k) = (1 - T_yy)/q as the "
                                     "row sums to 1",
               "(c T_yy^r)^(1/r) = c^(1-q) T_yy": power_ok, "B - gap = (c^(1-q) T_yy - ||T_y||_r)/q": identity_ok,
               "exact": {k: v for k, v in ex.items() if k[0] != "_"}, "search_with_condition": res.to_json(),
               "search_without_condition": free.to_json(), "condition_needed_example": needed}
    srch = Evidence.from_search(res, fails="B is exceeded under diagonally dominant noise",
                                holds="no point exceeds B under diagonally dominant noise", numbers=numbers,
                                key="search_with_condition")
    if srch.verdict == "refuted":
        return srch
    if holder_ok and all(rstar_ok.values()) and power_ok and identity_ok and ex["_ok"]:
        return Evidence("proved", "symbolic", "R^eta(f*) = E[1 - T_yy]/q and min R^eta = E[1 - ||T_y||_r]/q "
                        "(r = 1/(1-q): Hoelder's inequality with exponents r and 1/q for every c, attained at f_k ~ "
                        "T_k^r by a per-term identity in symbolic T_k, S, q; the KKT point also checked for c = 2, 3), "
                        "so the gap is "
                        "E[||T_y||_r - T_yy]/q >= 0, and ||T_y||_r <= c^(1-q) max_k T_yk = c^(1-q) T_yy under the "
                        "condition gives gap <= B; restricted classes containing f* only shrink the gap; exact risks "
                        f"and a search of {res.evaluated} points agree; without the condition B fails "
                        f"(c = 2, T_y = (1/10, 9/10), q = 1/2: gap {sympy.N(needed['gap'], 4)} > B {sympy.N(needed['B'], 4)}).",
                        numbers=numbers)
    return Evidence("inconclusive", "symbolic", "a step of the argument did not go through; see numbers.", numbers=numbers)


# ---------------------------------------------------------------- truncation
@claim("gce18.trunc_k0", source=f"{N004}, sec. 3.3 (after Eq. 9)",
       statement="As k -> 0+, the truncated loss L_trunc(f, e_j) (Eq. 9) tends to L_q(f, e_j) for every f_j in [0, 1].",
       method="symbolic", expected="proved")
def trunc_k0(ctx: Context) -> Evidence:
    t = sympy.Symbol("t", positive=True)
    below = sl.truncated_lq_value(t, Q, t / 2)  # any k < t: the Piecewise picks L_q(t)
    pointwise = _same(below, sl.lq_value(t, Q))
    at0 = sympy.limit(sl.lq_at(K, Q), K, 0, "+")
    at0_ok = _same(at0, 1 / Q)  # = L_q(0)
    sup_gap = K**Q / Q  # sup_t |L_trunc - L_q| = L_q(0) - L_q(k), reached at t = 0
    sup_ok = _same(sl.lq_value(0, Q) - sl.lq_at(K, Q), sup_gap) and sympy.limit(sup_gap, K, 0, "+") == 0
    numbers = {"L_trunc(t) for k < t": below, "lim_k L_q(k) (t = 0)": at0, "sup_t |L_trunc - L_q|": sup_gap,
               "uniform": sup_ok}
    if pointwise and at0_ok and sup_ok:
        return Evidence("proved", "symbolic", "for t > 0 and every k < t, L_trunc(t) = L_q(t); at t = 0, L_q(k) -> 1/q "
                        "= L_q(0); the convergence is uniform, sup_t |L_trunc - L_q| = k^q/q -> 0.", numbers=numbers)
    return Evidence("refuted", "symbolic", "the truncated loss does not tend to L_q.", numbers=numbers,
                    counterexample={"below": below, "limit_at_0": at0})


def eq10_space() -> SearchSpace:
    """``c`` in 2..10, ``f`` folded from a 10-simplex point, ``q`` in (0, 1], ``k`` in (0, 1) with ``k >= 1/c``;
    margin ``min(S - lower, upper - S)`` for the truncated class sum ``S``."""

    def margin(pt: dict[str, Any]) -> float:
        c, q, k = int(pt["c"]), float(pt["q"]), float(pt["k"])
        f = _fold_np(pt["f"], c)
        S = sum(gce.truncated_lq_float(v, q, k) for v in f)
        lo, hi = gce.eq10_bounds_float(c, q, k)
        return min(S - lo, hi - S)

    def exact(pt: dict[str, Any]) -> Any:
        c = int(pt["c"])
        hp = _needs_hp(pt["q"], pt["k"])
        q, k = _num(pt["q"], hp), _num(pt["k"], hp)
        f = _num(fold(pt["f"], c), hp)
        S = gce.truncated_class_sum(f, q, k)
        lo, hi = gce.eq10_bounds(c, q, k)
        return sympy.Min(S - lo, hi - S)

    return SearchSpace((Integer("c", 2, 10), SimplexPoint("f", 10), Real("q", 0.0, 1.0, open_low=True),
                        Real("k", 0.0, 1.0, open_low=True, open_high=True)), margin, exact,
                       constraint=lambda pt: float(pt["k"]) * int(pt["c"]) >= 1.0,
                       description="min(S - lower, upper - S) of Eq. 10, S the truncated class sum, k >= 1/c")


def _grid(ctx: Context) -> list[tuple[int, sympy.Rational, sympy.Rational]]:
    R = sympy.Rational
    qs = [R(1, 10), R(1, 3), R(1, 2), R(3, 4), 1] if ctx.precision == "quick" else \
        [R(1, 10), R(1, 4), R(1, 3), R(1, 2), R(3, 4), R(9, 10), 1]
    ks = [R(1, 12), R(1, 10), R(1, 8), R(4, 27), R(1, 4), R(3, 10), R(1, 2), R(7, 10)]
    cs = [2, 3, 5, 10, 12] if ctx.precision == "quick" else [2, 3, 5, 8, 10, 12]
    return [(c, sympy.sympify(q), k) for c in cs for q in qs for k in ks if k * c >= 1]


def eq10_lower_bound_check(grid: list[tuple[int, Any, Any]], lower: Callable[[int, Any, Any], Any]) -> dict[str, Any]:
    """Compare a claimed lower bound with the exact minimum of the truncated class sum on a grid."""
    worst = None
    for c, q, k in grid:
        tm = gce.truncated_class_sum_min(c, q, k)
        gap = sympy.N(tm.value - lower(c, q, k), 50)
        if worst is None or gap < worst[0]:
            worst = (gap, {"c": c, "q": q, "k": k, "exact_min": tm.value, "lower": lower(c, q, k)})
    assert worst is not None
    return {"points": len(grid), "min(exact_min - lower)": float(worst[0]), "worst": worst[1],
            "holds": bool(worst[0] >= -sympy.Float("1e-40", 50))}


@claim("gce18.eq10_bounds", figures=("gce18_eq11_region",), source=f"{N004}, sec. 3.3, Eq. (10)",
       statement="For k >= 1/c: d L_q(1/d) + (c - d) L_q(k) <= sum_j L_trunc(f, e_j) <= c L_q(k), "
                 "d = max(1, (1-q)^(1/q)/k), for every f in the simplex, q in (0, 1], k in (0, 1).",
       method="symbolic", expected="proved", space=eq10_space)
def eq10_bounds(ctx: Context) -> Evidence:
    Fc = gce.F_convexity()
    s, t = Fc["s"], sympy.Symbol("t", positive=True)
    convex = bool(Fc["F2"].is_nonnegative)
    stationary = Fc["F1_at_d"] == 0
    lq_decreasing = bool(sympy.simplify(sympy.diff(sl.lq_value(t, Q), t)).is_negative)
    lq_convex = bool(sympy.simplify(sympy.diff(sl.lq_value(t, 1 - s), t, 2)).is_nonnegative)
    F0_minus_F1 = sympy.simplify(gce.F_relaxed(0, C, Q, K) - gce.F_relaxed(1, C, Q, K))
    F0_ok = _same(F0_minus_F1, sl.lq_at(K, Q))  # = L_q(k) >= 0
    F1_at_1 = sympy.simplify(Fc["F1"].subs(M, 1) - (K ** (1 - s) - s) / (1 - s)) == 0  # >= 0 iff k >= (1-q)^(1/q)
    grid = _grid(ctx)
    low = eq10_lower_bound_check(grid, lambda c, q, k: gce.eq10_bounds(c, q, k)[0])
    up_ok = all(max(sympy.N(v, 50) for v in gce.truncated_class_sum_min(c, q, k).table.values())
                <= sympy.N(gce.eq10_bounds(c, q, k)[1], 50) + sympy.Float("1e-40", 50) for c, q, k in grid[:20])
    budget = _budget(ctx)
    res = search(eq10_space(), budget, ctx.rng(7))
    numbers = {"F(m) = m L_q(1/m) + (c-m) L_q(k)": Fc["F"], "F''(m)": Fc["F2"], "F'(d) = 0": stationary,
               "L_q decreasing, convex": [lq_decreasing, lq_convex], "F(0) - F(1)": F0_minus_F1,
               "F'(1) = (k^q - (1-q))/q": F1_at_1, "exact_minimum_vs_lower_on_grid": low,
               "upper_on_grid": up_ok, "search": res.to_json()}
    srch = Evidence.from_search(res, fails="Eq. 10 fails at an exact point", holds="no violation of Eq. 10",
                                numbers=numbers)
    if not low["holds"]:
        return Evidence("refuted", "exact", "Eq. 10 fails at an exact grid point.", numbers=numbers,
                        counterexample=low["worst"])
    if srch.verdict == "refuted":
        return srch
    if convex and stationary and lq_decreasing and lq_convex and F0_ok and F1_at_1 and up_ok:
        return Evidence("proved", "symbolic", "with m classes above k the class sum is at least F(m) = m L_q(1/m) + "
                        "(c-m) L_q(k) (L_q decreasing and convex); F is convex in real m with F' = 0 exactly at "
                        "(1-q)^(1/q)/k, and F(0) >= F(1), so F(m) >= F(d) for every integer m; each term is <= L_q(k); "
                        f"the exact minimum on {low['points']} grid points and a search of {res.evaluated} points agree.",
                        numbers=numbers)
    return Evidence("inconclusive", "symbolic", "a step of the argument did not go through; see numbers.", numbers=numbers)


@claim("gce18.eq10_tight", source=f"{N004}, sec. 3.3 (after Eq. 11)",
       statement="The bounds of Eq. 7 and Eq. 10 are tight: each is attained by some f in the simplex, "
                 "for every q in (0, 1], c >= 2 and (Eq. 10) k >= 1/c.",
       method="exact", expected="qualified")
def eq10_tight(ctx: Context) -> Evidence:
    # Eq. 7, symbolic q, explicit c: barycentre and vertex
    eq7 = {}
    for c in (2, 3, 5, 8):
        lo, hi = gce.eq7_bounds(c, Q)
        eq7[c] = [_same(class_sum(sl.lq(Q), barycentre(c)), lo), _same(class_sum(sl.lq(Q), vertex(c, 0)), hi)]
    eq7_ok = all(all(v) for v in eq7.values())
    table = []
    upper_ok = True
    iff_ok = True
    first_gap = None
    for c, q, k in _grid(ctx):
        tm = gce.truncated_class_sum_min(c, q, k)
        lo, hi = gce.eq10_bounds(c, q, k)
        d = gce.d_value(q, k)
        n = int(round(float(sympy.N(d, 30))))
        d_int = bool(abs(sympy.N(d - n, 50)) <= sympy.Float("1e-40", 50))
        attained = bool(abs(sympy.N(tm.value - lo, 50)) <= sympy.Float("1e-40", 50))
        up = class_sum(sl.truncated_lq(q, k), barycentre(c))  # all f_j = 1/c <= k
        upper_ok &= bool(abs(sympy.N(up - hi, 50)) <= sympy.Float("1e-40", 50))
        iff_ok &= attained == d_int
        table.append({"c": c, "q": q, "k": k, "d": d, "d_integer": d_int, "lower_attained": attained,
                      "argmin_m": tm.argmins})
        if not attained and first_gap is None:
            first_gap = (c, q, k)
    R = sympy.Rational
    c, q, k = 10, R(1, 2), R(1, 10)  # d = 5/2
    tm = gce.truncated_class_sum_min(c, q, k)
    lo = gce.eq10_bounds(c, q, k)[0]
    example = {"c": c, "q": q, "k": k, "d": gce.d_value(q, k), "exact_min": tm.value, "argmin_m": tm.argmins,
               "F(2)": tm.table[2], "F(3)": tm.table[3], "eq10_lower = F(d)": lo, "gap": sympy.N(tm.value - lo, 20)}
    n_att = sum(r["lower_attained"] for r in table)
    numbers = {"eq7_attained_[barycentre, vertex]": eq7, "eq10_upper_attained_at_barycentre": upper_ok,
               "eq10_lower_attained": f"{n_att}/{len(table)} grid points", "attained_iff_d_integer": iff_ok,
               "grid": table, "example": example}
    if not (eq7_ok and upper_ok and iff_ok):
        return Evidence("inconclusive", "exact", "the attainment pattern is not the expected one; see numbers.",
                        numbers=numbers)
    if first_gap is None:  # a finite grid: evidence, not a proof for every (c, q, k)
        return Evidence("confirmed", "exact", f"every bound of Eqs. 7 and 10 is attained at all {len(table)} grid "
                        "points (exactly); a grid does not prove attainment elsewhere.", numbers=numbers)
    return Evidence("qualified", "exact", "Eq. 7's bounds (barycentre, vertex) and Eq. 10's upper bound (barycentre, "
                    "k >= 1/c) are attained, but Eq. 10's lower bound only when d is an integer "
                    f"({n_att}/{len(table)} grid points); e.g. c = 10, q = 1/2, k = 1/10: d = 5/2 and the exact minimum "
                    f"F(3) exceeds F(5/2) by {example['gap']}.", numbers=numbers,
                    counterexample=example,
                    condition="Eq. 10's lower bound is tight only when d = max(1, (1-q)^(1/q)/k) is an integer "
                              "(always when k >= (1-q)^(1/q), d = 1); otherwise the minimum is "
                              "min(F(floor d), F(ceil d)) > F(d). Eq. 7's upper bound is attained at a vertex of the "
                              "closed simplex, which softmax outputs only approach.")


# ---------------------------------------------------------------- Eq. 11
@claim("gce18.eq11_condition", figures=("gce18_eq11_region",), source=f"{N004}, sec. 3.3, Eq. (11)",
       statement="The width of Eq. 10 (upper minus lower bound) is smaller than that of Eq. 7 exactly when "
                 "d [L_q(k) - L_q(1/d)] < (c^(1-q) - 1)/q.",
       method="symbolic", expected="proved")
def eq11_condition(ctx: Context) -> Evidence:
    return eq11_condition_evidence(gce.eq11_lhs(), gce.eq7_width())


def eq11_condition_evidence(lhs: sympy.Expr, rhs: sympy.Expr) -> Evidence:
    w10 = gce.eq10_width()
    lo7, hi7 = gce.eq7_bounds()
    w7 = hi7 - lo7
    ok10 = _same(w10, lhs)
    ok7 = _same(w7, rhs)
    numbers = {"width_eq10": sympy.simplify(w10), "width_eq7": sympy.simplify(w7), "lhs": lhs, "rhs": rhs,
               "width10 == lhs": ok10, "width7 == rhs": ok7}
    if ok10 and ok7:
        return Evidence("proved", "symbolic", "c L_q(k) - [d L_q(1/d) + (c-d) L_q(k)] = d [L_q(k) - L_q(1/d)] and "
                        "(c-1)/q - (c - c^(1-q))/q = (c^(1-q) - 1)/q identically, so Eq. 11 is exactly "
                        "'width of Eq. 10 < width of Eq. 7'.", numbers=numbers)
    R = sympy.Rational
    pt = {C: 4, Q: R(1, 2), K: R(3, 10)}
    return Evidence("refuted", "symbolic", "Eq. 11's sides are not the two bound widths.", numbers=numbers,
                    counterexample={"c": 4, "q": R(1, 2), "k": R(3, 10), "width10": w10.subs(pt), "lhs": lhs.subs(pt),
                                    "width7": w7.subs(pt), "rhs": rhs.subs(pt)})


def eq11_space(k_low: float = 0.3, c_low: int = 2, q_high: float = 1.0, c_high: int = 1000) -> SearchSpace:
    """``q`` in (0, q_high], ``k`` in [k_low, 1), integer ``c`` in [c_low, c_high] with ``k >= 1/c``;
    margin ``(c^(1-q) - 1)/q - d [L_q(k) - L_q(1/d)]`` (negative where Eq. 11 fails)."""

    def margin(pt: dict[str, Any]) -> float:
        return gce.eq11_margin_float(int(pt["c"]), float(pt["q"]), float(pt["k"]))

    def exact(pt: dict[str, Any]) -> Any:
        hp = _needs_hp(pt["q"], pt["k"])
        return gce.eq11_margin(int(pt["c"]), _num(pt["q"], hp), _num(pt["k"], hp))

    return SearchSpace((Real("q", 0.0, q_high, open_low=True), Real("k", k_low, 1.0, open_high=True),
                        Integer("c", c_low, c_high)), margin, exact,
                       constraint=lambda pt: float(pt["k"]) * int(pt["c"]) >= 1.0,
                       description=f"Eq. 11 margin, q in (0, {q_high}], k in [{k_low}, 1), c in [{c_low}, {c_high}], k >= 1/c")


def eq11_k03_space() -> SearchSpace:
    return eq11_space(0.3, 2)


def eq11_k02_space() -> SearchSpace:
    return eq11_space(0.2, 10)


def _q_star(c: int, k: float) -> float:
    """The largest q in (0, 1] below which Eq. 11 holds (bisection on the float margin)."""
    if gce.eq11_margin_float(c, 1.0, k) > 0:
        return 1.0
    lo, hi = 1e-6, 1.0
    if gce.eq11_margin_float(c, lo, k) <= 0:
        return 0.0
    for _ in range(60):
        mid = 0.5 * (lo + hi)
        if gce.eq11_margin_float(c, mid, k) > 0:
            lo = mid
        else:
            hi = mid
    return lo


def _eq11_region(k_low: float, c_low: int) -> dict[str, Any]:
    ks = [k for k in (0.2, 0.25, 0.3, 1 / 3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9) if k >= k_low - 1e-12]
    cs = [c for c in (2, 3, 4, 5, 6, 8, 10, 20, 50, 100, 1000) if c >= c_low]
    table: dict[str, float] = {}
    monotone = True
    qs = np.linspace(1e-3, 1.0, 400)
    for k in ks:
        for c in cs:
            if k * c < 1:
                continue
            qstar = _q_star(c, k)
            table[f"k={k:.3g},c={c}"] = round(qstar, 6)
            # the set where Eq. 11 holds is the interval (0, q*): check it on a scan, away from q* itself
            monotone &= all((gce.eq11_margin_float(c, float(q), k) > 0) == (float(q) < qstar)
                            for q in qs if abs(float(q) - qstar) > 1e-3)
    worst = min(table, key=table.get)
    paper = {c: gce.eq11_margin_float(c, 0.7, 0.5) > 0 for c in (2, 3, 4, 5, 10, 100) if c >= c_low}
    return {"q_star(k, c)": table, "holds for all q below": table[worst], "at": worst,
            "holds exactly on (0, q_star) on the scan": monotone,
            "paper's setting q = 0.7, k = 0.5: Eq. 11 holds for c =": paper}


def eq11_evidence(ctx: Context, k_low: float, c_low: int) -> Evidence:
    budget = _budget(ctx)
    full = search(eq11_space(k_low, c_low), budget, ctx.rng(8))
    part = search(eq11_space(k_low, c_low, q_high=0.9), budget, ctx.rng(9))
    kq = sympy.Rational(k_low).limit_denominator(100)
    c0 = max(c_low, int(math.ceil(1 / k_low - 1e-12)))
    at_q1 = {"c": c0, "q": 1, "k": kq, "width7": gce.eq7_width(c0, 1), "width10": sympy.simplify(gce.eq11_lhs(1, kq)),
             "margin": gce.eq11_margin(c0, 1, kq)}
    region = _eq11_region(k_low, c_low)
    numbers = {"search_q_in_(0,1]": full.to_json(), "search_q_in_(0,0.9]": part.to_json(),
               "q=1_endpoint": at_q1, "region": region}
    ev = Evidence.from_search(full, fails="Eq. 11 fails", holds="no violation of Eq. 11 (q in (0, 1])",
                              numbers=numbers, key="search_q_in_(0,1]")
    if ev.verdict == "refuted":
        ce = {"shrunk": full.counterexample, "exact_margin": full.exact_margin}
        if part.verified:
            ce["with_q<=0.9"] = {"point": part.counterexample, "exact_margin": part.exact_margin}
        also = f"; also with q <= 0.9, e.g. {part.counterexample} (margin {part.exact_margin_value:.4g})" \
            if part.verified else ""
        return Evidence("refuted", "search", f"Eq. 11 fails: e.g. {full.counterexample} (exact margin "
                        f"{full.exact_margin_value:.4g}){also}; it holds "
                        f"only for q below q*(k, c), whose smallest value on the grid is {region['holds for all q below']:.4f} "
                        f"({region['at']}).", numbers=numbers, counterexample=ce)
    return ev


@claim("gce18.eq11_k03", figures=("gce18_eq11_region",), source=f"{N004}, sec. 3.3 (after Eq. 11)",
       statement="When k >= 0.3, Eq. 11 holds for all q in (0, 1] and all integers c >= 2 (with k >= 1/c).",
       method="search", expected="refuted", space=eq11_k03_space)
def eq11_k03(ctx: Context) -> Evidence:
    return eq11_evidence(ctx, 0.3, 2)


@claim("gce18.eq11_k02", figures=("gce18_eq11_region",), source=f"{N004}, sec. 3.3 (after Eq. 11)",
       statement="When k >= 0.2, Eq. 11 holds for all q in (0, 1] and all integers c >= 10.",
       method="search", expected="refuted", space=eq11_k02_space)
def eq11_k02(ctx: Context) -> Evidence:
    return eq11_evidence(ctx, 0.2, 10)
