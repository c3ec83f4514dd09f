"""Asymmetry in the sense of Zhou et al. 2021 and the pointwise noisy minimiser: the two properties of
the loss trial that minimise weighted sums ``sum_i w_i L(u, e_i)`` over the simplex.

Zhou, Liu, Jiang, Gao & Ji 2021, "Asymmetric loss functions for learning with noisy labels" (ICML;
arXiv 2106.03110), sec. 3: for weights ``w`` with a unique largest ``w_t``, ``L`` is asymmetric when
the minimiser of ``sum_i w_i L(u, i)`` is the minimiser of ``L(u, t)`` (``e_t``), and completely
asymmetric when this holds for every such ``w``. The reduction to the ratio ``R_c`` used here is
derived in :mod:`paper_checks.trials.simplex`'s docstring.
"""
from __future__ import annotations

from typing import Any

import numpy as np
import sympy
from scipy.optimize import minimize_scalar

from label_noise_lab.theory.losses import P
from paper_checks.trials.flat import flat_convex, flat_level
from paper_checks.trials.limits import derivative
from paper_checks.trials.minimiser import exact_ratio
from paper_checks.trials.properties import NOISE, Property, TrialContext, limit_at_end, random_simplex, span_text


# ---------------------------------------------------------------- asymmetric (Zhou et al. 2021)
def _ends(ctx: TrialContext) -> tuple[sympy.Expr, sympy.Expr, sympy.Expr | None]:
    """``l(0+)``, ``l(1-)`` and the limit of the ratio's first derivatives at ``s = 0+``, once per trial.

    Both terms of the ratio of :func:`_ratio_R` vanish at ``s = 0`` (where ``l(0+)`` is finite), and
    their derivatives are ``-l'(1 - s)`` and ``-l'(s / (c - 1))`` (``-l'(s)`` for a concave ``l``):
    by l'Hôpital the ratio tends to ``l'(1-) / l'(0+)`` for every ``c``, and to 0 when
    ``l'(0+)`` is infinite and ``l'(1-)`` finite. ``None`` where neither applies (``l'(0+) = 0`` or
    ``l'(1-)`` infinite): then the limit is taken for each ``c``.
    """
    if "ends" not in ctx._cache:
        ell = ctx.loss.label
        l0, l1 = limit_at_end(ell, P, 0), limit_at_end(ell, P, 1)
        ratio = None
        if not l0.is_infinite:
            dl = derivative(ell, P)
            d0, d1 = limit_at_end(dl, P, 0), limit_at_end(dl, P, 1)
            if d1.is_finite and d0.is_infinite:
                ratio = sympy.Integer(0)
            elif d1.is_finite and d0.is_finite and d0.is_nonzero:
                ratio = d1 / d0
        ctx._cache["ends"] = (l0, l1, ratio)
    return ctx._cache["ends"]


def _ratio_R(ctx: TrialContext, c: int) -> tuple[float | None, str]:
    """``R_c`` of the module docstring for a non-increasing ``l`` of ``p``; ``(None, reason)`` when undecided."""
    ell = ctx.loss.label
    got = exact_ratio(ctx)
    if got is not None:
        return float(got[0]), "exact: " + got[1]
    l0, l1, end_ratio = _ends(ctx)
    if l0.is_infinite:
        return 0.0, "l(0+) = ∞: any other label with positive weight pulls the minimiser off the vertex"
    lab = ctx.label_np()
    l0f, l1f = float(l0), float(l1)
    s = np.linspace(1e-6, 1.0, ctx.cfg["grid"] * 2)
    num = lab(1 - s) - l1f
    flat = flat_convex(ell)
    if flat is not None:
        return flat_convex_ratio(lab, l0f, l1f, float(flat["k"]), c, s, num)
    shape = ctx.shape()
    if shape == 0:
        return 1.0, "l affine: the ratio is 1 for every split"
    if shape is not None and shape > 0:      # l convex: g = l(0) - l concave: spread evenly
        den = (c - 1) * (l0f - lab(s / (c - 1)))
        how = "l convex: the other coordinates share s evenly"
    elif shape is not None and shape < 0:    # l concave: g convex: concentrate on one coordinate
        den = l0f - lab(s)
        how = "l concave: the other mass concentrated on one coordinate"
    else:
        return None, ("l is neither convex nor concave on (0, 1) (undecided by SymPy): "
                      "the inner maximum is not in closed form")
    with np.errstate(all="ignore"):
        ratio = num / den
    ratio = ratio[np.isfinite(ratio)]
    i = int(np.argmin(ratio))
    r = float(ratio[i])
    # polish
    def fr(x: float) -> float:
        xs = np.array([x])
        d = (c - 1) * (l0f - lab(xs / (c - 1))) if shape > 0 else l0f - lab(xs)
        return float(((lab(1 - xs) - l1f) / d)[0])

    lo, hi = s[max(i - 2, 0)], s[min(i + 2, len(s) - 1)]
    if hi > lo:
        res = minimize_scalar(fr, bounds=(lo, hi), method="bounded", options={"xatol": 1e-12})
        if res.success and res.fun < r:
            r = float(res.fun)
    # the infimum may be the limit s -> 0+ (e.g. 0 when l'(0+) = -oo, as for L_q with q < 1; see _ends)
    try:
        if end_ratio is not None:
            lim = end_ratio
        else:
            sv = sympy.Symbol("s", positive=True)
            num = ell.subs(P, 1 - sv) - l1
            den = (c - 1) * (l0 - ell.subs(P, sv / (c - 1))) if shape > 0 else l0 - ell.subs(P, sv)
            lim = sympy.limit(num / den, sv, 0, "+")
        if lim.is_real and lim.is_finite and float(lim) < r:
            r = float(lim)
            how += "; the infimum is the limit s -> 0+"
    except Exception:  # pragma: no cover - SymPy limit failures leave the grid value
        pass
    return r, how


def flat_convex_ratio(lab: Any, l0: float, l1: float, k: float, c: int, s: np.ndarray, num: np.ndarray
                       ) -> tuple[float, str]:
    """``R_c`` for ``l`` flat (``= l0``) on ``[0, k]`` and convex, decreasing above (:func:`paper_checks.trials.flat
    .flat_convex`): the other coordinates' mass ``s`` gains ``l0 - l(u_i)``, 0 up to ``k`` and concave above, so the
    most is ``max_m m (l0 - l(s/m))`` over ``m = 1..c-1`` coordinates sharing ``s`` equally (Jensen); the ratio is
    minimised over ``s`` on a grid, then polished. Where the gain is 0 (``s/m <= k``), or within rounding of it, the
    ratio is ``+oo``: the numerator ``l(1 - s) - l(1)`` is then at least ``l(1 - k) - l(1) > 0``, so such points are
    never the infimum."""
    def den(x: np.ndarray) -> np.ndarray:
        return np.max([np.where(x / m > k, m * (l0 - lab(x / m)), 0.0) for m in range(1, c)], axis=0)

    def ratio_at(x: np.ndarray, n: np.ndarray) -> np.ndarray:
        d = den(x)
        with np.errstate(all="ignore"):
            return np.where(d > 1e-9, n / np.where(d > 1e-9, d, 1.0), np.inf)

    ratio = ratio_at(s, num)
    i = int(np.argmin(ratio))
    r = float(ratio[i])

    def fr(x: float) -> float:
        xs = np.array([x])
        return float(ratio_at(xs, lab(1 - xs) - l1)[0])

    lo, hi = s[max(i - 2, 0)], s[min(i + 2, len(s) - 1)]
    res = minimize_scalar(fr, bounds=(lo, hi), method="bounded", options={"xatol": 1e-12})
    if res.success and res.fun < r:
        r = float(res.fun)
    return r, ("l flat on [0, k], then convex: the other mass s shared equally by the best number m of coordinates "
               "above k (Jensen), the ratio minimised over s")


def asymmetric(ctx: TrialContext) -> Property:
    loss = ctx.loss
    if loss.label is None:
        return Property("asymmetric", None, "undecided: loss of the whole p", "symbolic",
                        "the reduction of Zhou et al.'s definition to a ratio R_c is derived here for losses of "
                        "p_y alone; for this loss it is not", True)
    s = -1 if flat_level(loss.label) is not None else ctx.decreasing()[0]
    if s is None or s > 0:  # the premise is decided by SymPy, not by a grid
        return Property("asymmetric", None, "undecided: l not shown non-increasing", "symbolic",
                        "the derivation assumes a non-increasing l(p); the sign of l' on (0, 1) is "
                        + ("positive" if s is not None else "not decided by SymPy"), True)
    per_c, hows = {}, set()
    for c in ctx.cs:
        r, how = _ratio_R(ctx, c)
        if r is None:
            return Property("asymmetric", None, "undecided: " + how, "search", how, True)
        per_c[c] = r
        hows.add(how)
    complete = {c: r >= 1 - 1e-12 for c, r in per_c.items()}
    lo_c, hi_c = ctx.cs[0], ctx.cs[-1]
    exact = all(h.startswith("exact: ") for h in hows)
    if all(complete.values()):
        cell = "yes, completely (R_c >= 1 for c = " + span_text(ctx.cs) + ")"
    elif all(r <= 1e-12 for r in per_c.values()):
        cell = "no (R_c = 0: for no weights)"
    elif not any(complete.values()):
        cell = (f"not completely; for weight ratios below R_c (c={lo_c}: {per_c[lo_c]:.4g}, "
                f"c={hi_c}: {per_c[hi_c]:.4g})")
    else:
        cell = "only for c = " + span_text([c for c, v in complete.items() if v])
    got = exact_ratio(ctx)
    value = {"complete": complete, "R": per_c, "how": sorted(hows)}
    if got is not None:
        value["R_exact"] = str(got[0])
    return Property("asymmetric", value, cell,
                    "symbolic" if exact else "search",
                    "asymmetric for weights with max_{i != t} w_i/w_t < R_c; completely when R_c >= 1 ("
                    + "; ".join(sorted(hows)) + ")")


# ---------------------------------------------------------------- noisy minimiser
def _weights(kind: str, c: int) -> np.ndarray:
    eta = float(NOISE)
    w = np.zeros(c)
    if kind == "uniform":
        w[:] = eta / (c - 1)
        w[0] = 1 - eta
    else:
        w[0], w[1] = 1 - eta, eta
    return w


def _minimise(ctx: TrialContext, c: int, w: np.ndarray) -> np.ndarray:
    f = ctx.vector_np(c)

    def risk(F: np.ndarray) -> np.ndarray:
        return sum(w[k] * f(F, k) for k in range(c) if w[k] > 0)

    rng = np.random.default_rng(7 + c)
    cand = np.vstack([np.eye(c), w[None, :], np.full((1, c), 1.0 / c), random_simplex(rng, 400, c)])
    cand = np.clip(cand, 0, 1)
    cand /= cand.sum(1, keepdims=True)

    def vals_of(F: np.ndarray) -> np.ndarray:  # at the points themselves: no floor decides a value
        v = risk(F)
        return np.where(np.isnan(v), np.inf, v)

    vals = vals_of(cand)
    # batched local search in logit space around the best points, shrinking the step
    keep = ctx.cfg["starts"]
    for sigma in np.geomspace(2.0, 1e-4, 24):
        top = cand[np.argsort(vals)[:keep]]
        z = np.log(np.clip(top, 1e-300, 1))
        z = np.repeat(z, 40, axis=0) + sigma * rng.standard_normal((keep * 40, c))
        z -= z.max(1, keepdims=True)
        F = np.exp(z)
        F /= F.sum(1, keepdims=True)
        fv = vals_of(F)
        cand = np.vstack([top, F])
        vals = np.concatenate([vals[np.argsort(vals)[:keep]], fv])
    return cand[int(np.argmin(vals))]


def noisy_minimiser(ctx: TrialContext) -> Property:
    out: dict[str, dict[int, Any]] = {"uniform": {}, "pair": {}}
    for kind in out:
        for c in ctx.cs:
            w = _weights(kind, c)
            x = _minimise(ctx, c, w)
            out[kind][c] = {"minimiser": [round(float(v), 6) for v in x], "is_vertex": bool(x[0] > 1 - 1e-4),
                            "keeps_argmax": bool(int(np.argmax(x)) == 0 and x[0] > max(x[1:]) + 1e-9)}
    # consistency with R_c for losses of p
    check = ""
    asym = None
    if ctx.loss.label is not None:
        try:
            asym = {c: _ratio_R(ctx, c)[0] for c in ctx.cs}
        except Exception:
            asym = None
    if asym and all(v is not None for v in asym.values()):
        bad = []
        for c in ctx.cs:
            for kind, r in (("uniform", float(NOISE) / ((c - 1) * (1 - float(NOISE)))),
                            ("pair", float(NOISE) / (1 - float(NOISE)))):
                pred = r < asym[c] - 1e-6
                if abs(r - asym[c]) > 1e-3 and pred != out[kind][c]["is_vertex"]:
                    bad.append((kind, c))
        check = "; agrees with R_c" if not bad else f"; DISAGREES with R_c at {bad}"
        out["ratio_check"] = {"disagreements": bad}  # type: ignore[assignment]

    def cell(kind: str) -> str:
        v = [out[kind][c]["is_vertex"] for c in ctx.cs]
        a = [out[kind][c]["keeps_argmax"] for c in ctx.cs]
        if all(v):
            return "e_y"
        if all(a):
            kept = [c for c, x in zip(ctx.cs, v) if x]
            return "argmax kept" + ("" if not any(v) else f" (e_y for c = {span_text(kept)})")
        return "argmax lost for c = " + span_text([c for c, x in zip(ctx.cs, a) if not x])

    return Property("noisy_minimiser", out, f"undecided: a search finds uniform 0.4: {cell('uniform')}; pair 0.4: "
                    f"{cell('pair')}", "search",
                    "no derivation here covers this loss (not a loss of p with a closed-form R_c, not separable with "
                    "convex coordinates, not normalized), and a multi-start search of sum_k w_k L(f, e_k) over the "
                    "simplex cannot tell a minimiser from an infimum approached at the boundary" + check, True)
