"""gce18's truncated loss (Zhang & Sabuncu 2018, sec. 3.3): the limit ``k = 0``, the bounds of Eq. (10),
their tightness, and the condition of Eq. (11) with its examples ``k >= 0.3`` and ``k >= 0.2``.
"""
from __future__ import annotations

import math
from typing import Any, Callable

import numpy as np
import sympy

from label_noise_lab.theory import gce
from label_noise_lab.theory import loss_parameters as lp
from label_noise_lab.theory import losses as sl
from label_noise_lab.theory.gce import K, M, Q
from label_noise_lab.theory.simplex import barycentre, fold, vertex
from label_noise_lab.theory.symmetry import C, class_sum
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
    claim,
    figure_data,
    search,
)
from paper_checks.papers.gce18.exact import ZHANG18, exact_num, fold_np, same, search_budget, smallest


# ---------------------------------------------------------------- truncation
@claim("gce18.trunc_k0", source=f"{ZHANG18}, sec. 3.3 (after Eq. 9)",
       statement="As k -> 0+, the truncated loss L_trunc(f, e_j) (Eq. 9) tends to L_q(f, e_j) for every f_j in [0, 1].",
       method="symbolic", expected="proved")
def trunc_k0(ctx: Context) -> Evidence:
    t = sympy.Symbol("t", positive=True)
    below = sl.truncated_lq_value(t, Q, t / 2)  # any k < t: the Piecewise picks L_q(t)
    pointwise = same(below, sl.lq_value(t, Q))
    at0 = sympy.limit(sl.lq_at(K, Q), K, 0, "+")
    at0_ok = same(at0, 1 / Q)  # = L_q(0)
    sup_gap = K**Q / Q  # sup_t |L_trunc - L_q| = L_q(0) - L_q(k), reached at t = 0
    sup_ok = same(sl.lq_value(0, Q) - sl.lq_at(K, Q), sup_gap) and sympy.limit(sup_gap, K, 0, "+") == 0
    numbers = {"L_trunc(t) for k < t": below, "lim_k L_q(k) (t = 0)": at0, "sup_t |L_trunc - L_q|": sup_gap,
               "uniform": sup_ok}
    if pointwise and at0_ok and sup_ok:
        return Evidence("proved", "symbolic", "for t > 0 and every k < t, L_trunc(t) = L_q(t); at t = 0, L_q(k) -> 1/q "
                        "= L_q(0); the convergence is uniform, sup_t |L_trunc - L_q| = k^q/q -> 0.", numbers=numbers)
    return Evidence("refuted", "symbolic", "the truncated loss does not tend to L_q.", numbers=numbers,
                    counterexample={"below": below, "limit_at_0": at0})


#: a relative float gap between ``(1 - q)^(1/q)/k`` and 1 beyond which their order is certain: the double is
#: within 1e-14 of the number (one ``log1p`` of q, or a ``log`` of 1 - q taken exactly, one division, one ``exp``)
CLEAR_GAP = 1e-9


def stationary_above_one(q: Any, k: Any) -> bool | None:
    """Whether ``(1 - q)^(1/q)/k > 1`` (Eq. 10's ``d`` is that stationary point, not 1) for exact numbers ``q`` in
    ``(0, 1]`` and ``k > 0``, read from doubles where the two are apart by more than :data:`CLEAR_GAP`; None near a
    tie, or where a double cannot hold the numbers (``1 - q`` below a double's range, ``q`` or ``k`` outside)."""
    qf, kf = float(q), float(k)
    if not (0 < qf <= 1 and kf > 0):
        return None
    # log(1 - q) to a relative 1e-16 either way: log1p of q where q is small, the log of 1 - q taken exactly first
    # where q is near 1 (1 - float(q) keeps only six digits of a 1 - q of 1e-10)
    one_minus_q = float(1 - q)
    if qf >= 0.5 and not one_minus_q > 1e-300:
        return None
    log_1mq = math.log1p(-qf) if qf < 0.5 else math.log(one_minus_q)
    ratio = math.exp(log_1mq / qf) / kf
    if abs(ratio - 1) <= CLEAR_GAP or not math.isfinite(ratio):
        return None
    return ratio > 1


def eq10_bounds_at(c: int, q: Any, k: Any) -> tuple[Any, Any]:
    """:func:`label_noise_lab.theory.gce.eq10_bounds` at exact numbers ``q``, ``k``: ``d = max(1, (1 - q)^(1/q)/k)``
    (Eq. 10)
    taken from doubles where the two are clearly apart (:data:`CLEAR_GAP`), which is the branch ``Max``
    returns, without SymPy comparing a (held) power with 1 to 15 digits (most of a verification's exact
    evaluation); ``label_noise_lab.theory.gce.eq10_bounds`` itself near a tie and on symbols (the prover)."""
    if not (getattr(q, "is_number", False) and getattr(k, "is_number", False)):
        return gce.eq10_bounds(c, q, k)
    above = stationary_above_one(q, k)
    if above is None:  # a near tie, or outside what doubles hold: theory decides
        return gce.eq10_bounds(c, q, k)
    d: Any = gce.d_stationary(q, k) if above else sympy.Integer(1)
    return gce.F_relaxed(d, c, q, k), sympy.Integer(c) * gce.lq_at(gce.check_k(k), gce.check_q(q))


def eq10_space() -> SearchSpace:
    """``c`` in 2..10, ``f`` folded from a 10-simplex point, ``q`` in (0, 1], ``k`` in (0, 1) with ``k >= 1/c``;
    margin ``min(S - lower, upper - S)`` for the truncated class sum ``S``."""

    def margin(pt: dict[str, Any]) -> float:
        c, q, k = int(pt["c"]), float(pt["q"]), float(pt["k"])
        f = fold_np(pt["f"], c)
        S = sum(gce.truncated_lq_float(v, q, k) for v in f)
        lo, hi = gce.eq10_bounds_float(c, q, k)
        return min(S - lo, hi - S)

    def exact(pt: dict[str, Any]) -> Any:
        c = int(pt["c"])
        q, k = exact_num(pt["q"]), exact_num(pt["k"])
        f = exact_num(fold(pt["f"], c))
        S = gce.truncated_class_sum(f, q, k)
        lo, hi = eq10_bounds_at(c, q, k)
        return smallest(S - lo, hi - S)

    return SearchSpace((Integer("c", 2, 10), SimplexPoint("f", 10), Real.from_domain(lp.Q),
                        Real.from_domain(lp.K)), margin, exact,
                       constraint=lambda pt: pt["k"] * pt["c"] >= 1,  # on symbols too: the prover reads it (k >= 1/c)
                       folds={"f": "c"}, statement_domain={"c": "every c >= 2 with k >= 1/c"},
                       description="min(S - lower, upper - S) of Eq. 10, S the truncated class sum, k >= 1/c",
                       proves="Eq. 10's two bounds for c = 2..10 (weaker than the statement: every c with k >= 1/c; "
                              "its reduction proves every c)",
                       reduction=eq10_reduction())


def _lq_decreasing_convex() -> bool:
    """``L_q' < 0`` and ``L_q'' >= 0`` on ``t > 0`` for symbolic ``q`` in ``(0, 1]`` (``q = 1 - s``, ``s >= 0``)."""
    t, s = sympy.Symbol("t", positive=True), sympy.Symbol("s", nonnegative=True)
    return bool(sympy.simplify(sympy.diff(sl.lq_value(t, Q), t)).is_negative
                and sympy.simplify(sympy.diff(sl.lq_value(t, 1 - s), t, 2)).is_nonnegative)


def _F_convex_stationary() -> bool:
    """``F(m) = m L_q(1/m) + (c - m) L_q(k)`` is convex in real ``m > 0`` with ``F'(d*) = 0`` at
    ``d* = (1 - q)^(1/q)/k``, for symbolic ``c``, ``q``, ``k`` (:func:`label_noise_lab.theory.gce.F_convexity`)."""
    Fc = gce.F_convexity()
    return bool(Fc["F2"].is_nonnegative) and Fc["F1_at_d"] == 0


def eq10_reduction() -> Reduction:
    """Eq. 10 for every ``c`` with ``k >= 1/c`` (Zhang & Sabuncu 2018, sec. 3.3): each term of the truncated class
    sum is at most ``L_q(k)`` (``L_q`` decreasing); the ``m`` classes above ``k`` pay at least ``m L_q(1/m)`` (Jensen,
    their mean at most ``1/m``), the others ``L_q(k)``, so ``S >= F(m)``; ``F`` is convex in real ``m`` with
    ``F'(d*) = 0``, so ``F(m) >= F(d)`` for every ``m >= 1`` (``d = max(1, d*)``), and ``F(0) >= F(1)`` (step
    ``empty block``). The premises are SymPy's on symbols or cited; one step on a box."""

    def empty(pt: dict[str, Any]) -> Any:
        return (1 - pt["k"] ** pt["q"]) / pt["q"]  # F(0) - F(1) = L_q(k)

    def empty_space() -> SearchSpace:
        return SearchSpace((Real.from_domain(lp.Q), Real.from_domain(lp.K)),
                           lambda pt: float(empty({k: float(v) for k, v in pt.items()})), empty,
                           description="F(0) - F(1) = L_q(k) = (1 - k^q)/q")

    return Reduction(
        theorem="a truncated class sum's bounds: every term L_trunc(f_j) = L_q(max(f_j, k)) is at most L_q(k), so S <= "
                "c L_q(k); the m classes with f_j > k have mean at most 1/m, so by Jensen and L_q decreasing they pay "
                "at least m L_q(1/m), the others L_q(k): S >= F(m) = m L_q(1/m) + (c - m) L_q(k); F is convex in real "
                "m with F'(d*) = 0, d* = (1-q)^(1/q)/k, so F(m) >= F(max(1, d*)) = F(d) for every m >= 1 (first-order "
                "condition), and F(0) - F(1) = L_q(k) >= 0",
        source="J. L. W. V. Jensen, Sur les fonctions convexes et les inégalités entre les valeurs moyennes, Acta "
               "Math. 30 (1906); S. Boyd and L. Vandenberghe, Convex Optimization, Cambridge 2004, sec. 3.1.3 (the "
               "first-order condition)",
        domain={"c": "every integer c >= 2 with k >= 1/c", "f": "the closed probability simplex of c classes",
                "q": "(0, 1]", "k": "(0, 1), k >= 1/c"},
        steps=(Step("empty block", "F(0) - F(1) = L_q(k) >= 0 for q in (0, 1], k in (0, 1)", empty_space),),
        premises=(Premise("L_q is decreasing and convex on (0, 1], for every q in (0, 1]", proof=_lq_decreasing_convex),
                  Premise("F(m) = m L_q(1/m) + (c - m) L_q(k) is convex in real m > 0 with F'(d*) = 0, for symbolic "
                          "c, q and k", proof=_F_convex_stationary),
                  Premise("the classes above k: sum_j L_q(f_j) >= m L_q(mean) >= m L_q(1/m)", cited="Jensen's "
                          "inequality for the convex L_q, and L_q decreasing (the premise above)"),
                  Premise("a convex differentiable F has F(m) >= F(d) + F'(d) (m - d): F(m) >= F(d*) for every m, and "
                          "F(m) >= F(1) for m >= 1 >= d* (F'(1) >= F'(d*) = 0)", cited="the first-order condition of "
                          "convexity (Boyd & Vandenberghe, sec. 3.1.3)"),
                  Premise("L_trunc(t) = L_q(k) for t <= k and L_q(t) above (Eq. 9), k >= 1/c", hypothesis=True)))


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


@claim("gce18.eq10_bounds", figures=("gce18_eq11_region",), source=f"{ZHANG18}, sec. 3.3, Eq. (10)",
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
    F0_ok = same(F0_minus_F1, sl.lq_at(K, Q))  # = L_q(k) >= 0
    F1_at_1 = sympy.simplify(Fc["F1"].subs(M, 1) - (K ** (1 - s) - s) / (1 - s)) == 0  # >= 0 iff k >= (1-q)^(1/q)
    grid = _grid(ctx)
    low = eq10_lower_bound_check(grid, lambda c, q, k: gce.eq10_bounds(c, q, k)[0])
    up_ok = all(max(sympy.N(v, 50) for v in gce.truncated_class_sum_min(c, q, k).table.values())
                <= sympy.N(gce.eq10_bounds(c, q, k)[1], 50) + sympy.Float("1e-40", 50) for c, q, k in grid[:20])
    budget = search_budget(ctx)
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
                        f"the exact minimum on {low['points']} grid points and a search of {res.evaluated} points "
                        "agree.",
                        numbers=numbers)
    return Evidence("inconclusive", "symbolic", "a step of the argument did not go through; see numbers.",
                    numbers=numbers)


@claim("gce18.eq10_tight", source=f"{ZHANG18}, sec. 3.3 (after Eq. 11)",
       statement="The bounds of Eq. 7 and Eq. 10 are tight: each is attained by some f in the simplex, "
                 "for every q in (0, 1], c >= 2 and (Eq. 10) k >= 1/c.",
       method="exact", expected="qualified")
def eq10_tight(ctx: Context) -> Evidence:
    # Eq. 7, symbolic q, explicit c: barycentre and vertex
    eq7 = {}
    for c in (2, 3, 5, 8):
        lo, hi = gce.eq7_bounds(c, Q)
        eq7[c] = [same(class_sum(sl.lq(Q), barycentre(c)), lo), same(class_sum(sl.lq(Q), vertex(c, 0)), hi)]
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
    strict = lower_bound_tightness()
    numbers = {"eq7_attained_[barycentre, vertex]": eq7, "eq10_upper_attained_at_barycentre": upper_ok,
               "eq10_lower_attained": f"{n_att}/{len(table)} grid points", "attained_iff_d_integer": iff_ok,
               "why (every q, k, c)": strict, "grid": table, "example": example}
    if not (eq7_ok and upper_ok and iff_ok):
        return Evidence("inconclusive", "exact", "the attainment pattern is not the expected one; see numbers.",
                        numbers=numbers)
    if first_gap is None:  # a finite grid: evidence, not a proof for every (c, q, k)
        return Evidence("confirmed", "exact", f"every bound of Eqs. 7 and 10 is attained at all {len(table)} grid "
                        "points (exactly); a grid does not prove attainment elsewhere.", numbers=numbers)
    return Evidence("qualified", "exact", "Eq. 7's bounds (barycentre, vertex) and Eq. 10's upper bound (barycentre, "
                    "k >= 1/c) are attained, but Eq. 10's lower bound only when d is an integer "
                    f"({n_att}/{len(table)} grid points); e.g. c = 10, q = 1/2, k = 1/10: d = 5/2 and the exact "
                    "minimum "
                    f"F(3) exceeds F(5/2) by {example['gap']}.", numbers=numbers,
                    counterexample=example,
                    condition="Eq. 10's lower bound is tight only when d = max(1, (1-q)^(1/q)/k) is an integer "
                              "(always when k >= (1-q)^(1/q), d = 1); otherwise the minimum is "
                              "min(F(floor d), F(ceil d)) > F(d) ("
                              + ("derived for every q, k, c: F'' = (1-q) m^(-q-1) > 0 for q < 1, so d is F's unique "
                                 "real minimiser, and d = 1 at q = 1" if strict["holds"] else
                                 f"on the {len(table)} grid points only: F's strict convexity did not simplify")
                              + "). Eq. 7's upper bound is attained at a vertex of the closed simplex, which softmax "
                                "outputs only approach.")


def lower_bound_tightness() -> dict[str, Any]:
    """Why Eq. 10's lower bound ``F(d)`` is reached only when ``d`` is an integer (Zhang & Sabuncu 2018, Eq. 10).

    The class sum's minimum is ``F(m)`` at an integer ``m`` (classes above ``k``); ``F'' = (1-q) m^(-q-1) > 0`` for
    ``q < 1`` makes ``d`` the unique real minimiser of ``F``, so ``F(m) > F(d)`` at every integer ``m != d``; at
    ``q = 1``, ``d = max(1, 0) = 1``.
    """
    Fc = gce.F_convexity()
    strictly_convex = bool(Fc["F2"].is_positive)  # s = 1 - q > 0, m > 0
    d_at_q1 = gce.d_value(1, K)
    return {"F''(m) (q = 1 - s)": Fc["F2"], "F'' > 0 for q < 1": strictly_convex, "d at q = 1": d_at_q1,
            "holds": strictly_convex and Fc["F1_at_d"] == 0 and d_at_q1 == 1}


# ---------------------------------------------------------------- Eq. 11
@claim("gce18.eq11_condition", figures=("gce18_eq11_region",), source=f"{ZHANG18}, sec. 3.3, Eq. (11)",
       statement="The width of Eq. 10 (upper minus lower bound) is smaller than that of Eq. 7 exactly when "
                 "d [L_q(k) - L_q(1/d)] < (c^(1-q) - 1)/q.",
       method="symbolic", expected="proved")
def eq11_condition(ctx: Context) -> Evidence:
    return eq11_condition_evidence(gce.eq11_lhs(), gce.eq7_width())


def eq11_condition_evidence(lhs: sympy.Expr, rhs: sympy.Expr) -> Evidence:
    w10 = gce.eq10_width()
    lo7, hi7 = gce.eq7_bounds()
    w7 = hi7 - lo7
    ok10 = same(w10, lhs)
    ok7 = same(w7, rhs)
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


def eq11_space(k_low: float = 0.3, c_low: int = 2, q_high: float = 1.0, c_high: int = 1000,
               real_c: bool = False) -> SearchSpace:
    """``q`` in (0, q_high], ``k`` in [k_low, 1), integer ``c`` in [c_low, c_high] with ``k >= 1/c``;
    margin ``(c^(1-q) - 1)/q - d [L_q(k) - L_q(1/d)]`` (negative where Eq. 11 fails).

    With ``real_c`` the statement's own domain, every integer ``c >= c_low``, as a real relaxation: ``c`` a ``Real``
    on ``[c_low, oo)`` (``SearchSpace.relaxed``). The margin reads ``c`` only through the closed form ``c^(1-q)``
    (Eq. 7's width; ``d`` does not depend on ``c``), which at an integer is the statement's, and the constraint
    ``k c >= 1`` is the statement's too; so a proof for every real ``c`` covers every integer one, and a
    counterexample refutes the statement only at an integer ``c`` (``explore`` says so of one that is not). The
    claims' checks search the integers (``real_c=False``), so that the verdict rests on integer points only."""

    def margin(pt: dict[str, Any]) -> float:
        if real_c:
            c, q, k = float(pt["c"]), float(pt["q"]), float(pt["k"])
            d = gce.d_float(q, k)
            return (c ** (1.0 - q) - 1.0) / q - d * (gce.lq_float(k, q) - gce.lq_float(1.0 / d, q))
        return gce.eq11_margin_float(int(pt["c"]), float(pt["q"]), float(pt["k"]))

    def exact(pt: dict[str, Any]) -> Any:
        q, k = exact_num(pt["q"]), exact_num(pt["k"])
        if real_c:  # label_noise_lab.theory.gce.eq7_width takes integers only; its closed form at a real c
            c = exact_num(pt["c"])
            return (c ** (1 - q) - 1) / q - gce.eq11_lhs(q, k)
        return gce.eq11_margin(int(pt["c"]), q, k)

    c_param = Real("c", float(c_low), math.inf) if real_c else Integer("c", c_low, c_high)
    c_text = f"every real c >= {c_low} (so every integer c >= {c_low})" if real_c else f"c = {c_low}..{c_high}"
    stated = {"c": f"every integer c >= {c_low}"}
    return SearchSpace((Real("q", 0.0, q_high, open_low=True), Real("k", k_low, 1.0, open_high=True), c_param),
                       margin, exact,
                       constraint=lambda pt: pt["k"] * pt["c"] >= 1,  # on symbols too: the prover reads it (k >= 1/c)
                       statement_domain={} if real_c else stated, relaxed=stated if real_c else {},
                       description=f"Eq. 11 margin, q in (0, {q_high}], k in [{k_low}, 1), "
                                   + (f"real c >= {c_low}" if real_c else f"c in [{c_low}, {c_high}]") + ", k >= 1/c",
                       proves=f"Eq. 11 with '<=' for q in (0, {q_high}], k in [{k_low}, 1), {c_text}, k >= 1/c "
                              "(weaker than the statement: Eq. 11 is strict, '<'"
                              + (")" if real_c else ", and is claimed for every c)"))


def eq11_k03_space() -> SearchSpace:
    """The statement's own domain, every integer ``c >= 2``, as a real relaxation (:func:`eq11_space`)."""
    return eq11_space(0.3, 2, real_c=True)


def eq11_k02_space() -> SearchSpace:
    """The statement's own domain, every integer ``c >= 10``, as a real relaxation (:func:`eq11_space`)."""
    return eq11_space(0.2, 10, real_c=True)


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


def eq11_region(k_low: float, c_low: int) -> dict[str, Any]:
    ks = [k for k in (0.2, 0.25, 0.3, 1 / 3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9) if k >= k_low - 1e-12]
    cs = [c for c in (2, 3, 4, 5, 6, 8, 10, 20, 50, 100, 1000) if c >= c_low]
    table: dict[str, float] = {}
    exact: dict[str, str] = {}  # the closed forms of q* where there are (label_noise_lab.theory.gce.eq11_q_star)
    monotone = True
    qs = np.linspace(1e-3, 1.0, 400)
    for k in ks:
        for c in cs:
            if k * c < 1:
                continue
            qstar = _q_star(c, k)
            table[f"k={k:.3g},c={c}"] = round(qstar, 6)
            closed = gce.eq11_q_star(c, sympy.Rational(k).limit_denominator(100))
            if closed is not None and abs(float(closed) - qstar) < 1e-6:  # the exact root the bisection found
                exact[f"k={k:.3g},c={c}"] = f"{closed} = {float(closed):.10f}"
            # the set where Eq. 11 holds is the interval (0, q*): check it on a scan, away from q* itself
            monotone &= all((gce.eq11_margin_float(c, float(q), k) > 0) == (float(q) < qstar)
                            for q in qs if abs(float(q) - qstar) > 1e-3)
    worst = min(table, key=table.get)
    paper = {c: gce.eq11_margin_float(c, 0.7, 0.5) > 0 for c in (2, 3, 4, 5, 10, 100) if c >= c_low}
    return {"q_star(k, c)": table, "q_star closed forms (exact roots of c^(1-q) + k^q = 2, where d = 1)": exact,
            "holds for all q below": table[worst], "at": worst,
            "holds exactly on (0, q_star) on the scan": monotone,
            "paper's setting q = 0.7, k = 0.5: Eq. 11 holds for c =": paper}


@figure_data
def eq11_region_data(ctx: Context) -> dict[str, Any]:
    """The data of the figure ``gce18_eq11_region``: a ``(q, k)`` grid (its size by precision) and the
    boundary ``q*(k, c)`` that ``gce18.eq11_k03`` and ``gce18.eq11_k02`` report (:func:`eq11_region`)."""
    n = ctx.pick(200, 300, 500)
    qs = np.linspace(0.5 / n, 1.0, n)
    ks = np.linspace(0.5 / n, 1 - 0.5 / n, n)
    qstar = {**eq11_region(0.2, 10)["q_star(k, c)"], **eq11_region(0.3, 2)["q_star(k, c)"]}
    return {"n": n, "qs": qs, "ks": ks, "q_star": qstar}


def eq11_evidence(ctx: Context, k_low: float, c_low: int) -> Evidence:
    budget = search_budget(ctx)
    full = search(eq11_space(k_low, c_low), budget, ctx.rng(8))
    part = search(eq11_space(k_low, c_low, q_high=0.9), budget, ctx.rng(9))
    kq = sympy.Rational(k_low).limit_denominator(100)
    c0 = max(c_low, int(math.ceil(1 / k_low - 1e-12)))
    at_q1 = {"c": c0, "q": 1, "k": kq, "width7": gce.eq7_width(c0, 1), "width10": sympy.simplify(gce.eq11_lhs(1, kq)),
             "margin": gce.eq11_margin(c0, 1, kq)}
    region = eq11_region(k_low, c_low)
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
                        f"{full.exact_margin_value:.4g}){also}; on a grid of (k, c) and a scan of 400 values "
                        "of q (not derived), it holds only for q below a threshold q*(k, c) found by floating-point "
                        f"bisection, whose smallest value on that grid is {_q_star_text(region)} ({region['at']}).",
                        numbers=numbers, counterexample=ce)
    return ev


def _q_star_text(region: dict[str, Any]) -> str:
    """The grid's smallest ``q*`` as the summary gives it: its closed form where there is one (``log(3/2)/log(2)
    = 0.5850`` at ``k = 1/2, c = 2``), else the bisection's value."""
    closed = next((v for k, v in region.items() if k.startswith("q_star closed forms")), {}).get(region["at"])
    if closed is None:
        return f"{region['holds for all q below']:.4f}"
    form, value = closed.split(" = ")
    return f"{form} = {float(value):.4f} exactly (the root of c^(1-q) + k^q = 2, where d = 1)"


@claim("gce18.eq11_k03", figures=("gce18_eq11_region",), source=f"{ZHANG18}, sec. 3.3 (after Eq. 11)",
       statement="When k >= 0.3, Eq. 11 holds for all q in (0, 1] and all integers c >= 2 (with k >= 1/c).",
       method="search", expected="refuted", space=eq11_k03_space)
def eq11_k03(ctx: Context) -> Evidence:
    return eq11_evidence(ctx, 0.3, 2)


@claim("gce18.eq11_k02", figures=("gce18_eq11_region",), source=f"{ZHANG18}, sec. 3.3 (after Eq. 11)",
       statement="When k >= 0.2, Eq. 11 holds for all q in (0, 1] and all integers c >= 10.",
       method="search", expected="refuted", space=eq11_k02_space)
def eq11_k02(ctx: Context) -> Evidence:
    return eq11_evidence(ctx, 0.2, 10)
