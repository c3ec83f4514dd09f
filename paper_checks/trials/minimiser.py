"""Exact ``R_c`` (Zhou et al. 2021 asymmetry) and the noisy minimiser of losses of ``p`` and separable losses.

For a non-increasing loss ``l(p)`` and weights ``w`` with a unique largest ``w_t``, with ``r = max_{i != t}
w_i / w_t`` and ``s = 1 - u_t`` (derivation in :mod:`paper_checks.trials.simplex`):

    g_r(s) = A(s) - r B(s),   A(s) = l(1 - s) - l(1),   B(s) = max sum_{i != t} (l(0) - l(u_i)),

``e_t`` is the minimiser exactly when ``g_r > 0`` on ``(0, 1]``, and ``R_c = inf_s A/B``. Closed forms:

* ``l`` convex: ``B(s) = (c - 1)(l(0) - l(s/(c - 1)))`` (spread evenly), so ``A`` is convex, ``B`` concave,
  ``g_r`` convex with ``g_r(0) = 0``; then ``g_r(s) >= s g_r'(0+)`` and ``R_c = A'(0)/B'(0) =
  l'(1-)/l'(0+)`` exactly, for every ``c`` (``0`` when ``l'(0+) = -oo``).
* ``l`` concave: ``B(s) = l(0) - l(s)`` (concentrated), ``g_r`` concave with ``g_r(0) = 0``, so
  ``g_r(s) >= s g_r(1) = s (1 - r)(l(0) - l(1))``: ``R_c = 1``, attained at ``u = e_i``.
* ``l`` affine: ``A = B``, ``R_c = 1``; ``l(0+) = oo``: ``R_c = 0``.

Noisy minimiser (``w`` the noisy label distribution of the clean class ``y``: uniform ``eta = 2/5``,
so every ``w_i = r w_y`` and the test above is exact; the pair flip puts weight only on ``y`` and ``y + 1``,
and moving mass from the other classes onto those two never raises the risk, so it is the ``c = 2``
problem): ``e_y`` (attained, unique) when ``r < R_c``. Otherwise, for a strictly decreasing
differentiable ``l``: every minimiser keeps the argmax (swapping ``f_y`` with a larger ``f_k``,
``w_k < w_y``, lowers the risk by ``(w_y - w_k)(l(f_y) - l(f_k)) > 0``; a tie is broken by moving mass
toward ``y``, since ``l' < 0``), and it is attained (a continuous risk on the compact simplex, or one
that is infinite on the faces where ``w`` has weight and ``l(0+) = oo``).

A separable loss (``phi_1(f_j) + sum_{k != j} phi_0(f_k)``, e.g. MSE) has the noisy risk
``sum_j h_j(f_j)``, ``h_j = w_j phi_1 + (1 - w_j) phi_0``; when each convex ``h_j`` has its stationary
point ``t_j`` in ``[0, 1]`` and ``sum_j t_j = 1``, ``f = t`` is the minimiser (for MSE ``f = w``).
"""
from __future__ import annotations

from typing import Any

import sympy

from label_noise_lab.theory.losses import SCALAR, P
from paper_checks.trials.flat import flat_level
from paper_checks.trials.limits import derivative, simp
from paper_checks.trials.properties import NOISE, Property, TrialContext, limit_at_end, sign_on_unit, span_text


def exact_ratio(ctx: TrialContext) -> tuple[sympy.Expr, str] | None:
    """``(R_c, how)`` in closed form for every ``c`` (module docstring), or ``None`` when no closed form applies."""
    if "exact_ratio" in ctx._cache:
        return ctx._cache["exact_ratio"]
    ell, out = ctx.loss.label, None
    if ell is not None:
        flat = flat_level(ell)
        shape = None if flat is not None else ctx.shape()
        if flat is not None:
            out = sympy.Integer(1), f"l flat on [0, {flat['k']}], k >= 1/2: R_c = 1 (loss_flat.py)"
        elif limit_at_end(ell, P, 0).is_infinite:
            out = sympy.Integer(0), "l(0+) = ∞: R_c = 0"
        elif shape == 0:
            out = sympy.Integer(1), "l affine: R_c = 1"
        elif shape is not None and shape < 0:
            out = sympy.Integer(1), "l concave: g_r concave with g_r(0) = 0, R_c = 1 (at u = e_i)"
        elif shape is not None and shape > 0:
            dl = derivative(ell, P)
            d0, d1 = limit_at_end(dl, P, 0), limit_at_end(dl, P, 1)
            if d0.is_infinite and d1.is_finite:
                out = sympy.Integer(0), "l convex, l'(0+) = -∞: R_c = l'(1-)/l'(0+) = 0"
            elif d0.is_finite and d0.is_nonzero and d1.is_finite:
                out = sympy.nsimplify(simp(d1 / d0)), "l convex: R_c = l'(1-)/l'(0+) (g_r convex)"
    ctx._cache["exact_ratio"] = out
    return out


def _ratios(c: int) -> dict[str, sympy.Rational]:
    """``r = max_{i != y} w_i / w_y`` of the uniform and pair noise of rate :data:`NOISE` (pair: as ``c = 2``)."""
    return {"uniform": NOISE / (c - 1) / (1 - NOISE), "pair": NOISE / (1 - NOISE)}


def _label_case(ctx: TrialContext, R: sympy.Expr, c: int, kind: str) -> dict[str, Any] | None:
    r = _ratios(c)[kind]
    if r < R:
        w_y = 1 - NOISE
        value = sympy.nsimplify(w_y * ctx.loss.label.subs(P, 1) + (1 - w_y) * limit_at_end(ctx.loss.label, P, 0))
        return {"is_vertex": True, "keeps_argmax": True, "attained": True, "minimiser": "e_y", "r": str(r),
                "R_c": str(R), "min": str(value)}
    if r == R:  # a tie: e_y is a minimiser; the only one when g_r > 0 on (0, 1]
        if ctx.shape() != 1 or "l convex" not in exact_ratio(ctx)[1]:
            return None  # not strictly convex: g_r may vanish on an interval; left to the search
        # l strictly convex: A strictly convex, B concave, so g_r is strictly convex with g_r(0) = 0 and
        # g_r'(0+) = A'(0) - R_c B'(0) = 0; hence g_r(s) > 0 for s > 0 and e_y is still the unique minimiser
        case = _label_case(ctx, R + 1, c, kind)  # the r < R_c branch's record (e_y, its value)
        return {**case, "R_c": str(R), "tie": "r = R_c: l strictly convex, so g_r(s) > s g_r'(0+) = 0 for s > 0"}
    return {"is_vertex": False, "keeps_argmax": True, "attained": True, "minimiser": "interior of the classes with "
            "weight, keeping the argmax", "r": str(r), "R_c": str(R)}


def label_minimiser(ctx: TrialContext) -> Property | None:
    """The exact noisy-minimiser cell of a loss of ``p`` with a closed-form ``R_c`` (module docstring)."""
    ell = ctx.loss.label
    got = exact_ratio(ctx)
    if ell is None or got is None:
        return None
    strict = flat_level(ell) is not None or (not ell.has(sympy.Piecewise)
                                             and sign_on_unit(derivative(ell, P), P) == -1)
    if not strict:
        return None
    R, how = got
    out: dict[str, Any] = {"uniform": {}, "pair": {}, "R_c": str(R), "how": how}
    for kind in ("uniform", "pair"):
        for c in ctx.cs:
            case = _label_case(ctx, R, c, kind)
            if case is None:
                return None
            out[kind][c] = case

    def cell(kind: str) -> str:
        ey = [c for c in ctx.cs if out[kind][c]["is_vertex"]]
        inner = [c for c in ctx.cs if not out[kind][c]["is_vertex"]]
        parts = ([f"e_y (c = {span_text(ey)})"] if ey and inner else ["e_y"] if ey else [])
        if inner:
            parts.append("argmax kept, off e_y" + (f" (c = {span_text(inner)})" if ey else ""))
        return ", ".join(parts) + ", attained"

    ties = [f"{kind} c = {c}" for kind in ("uniform", "pair") for c in ctx.cs if "tie" in out[kind][c]]
    tie = (f"; at the tie r = R_c ({', '.join(ties)}) e_y is still the unique minimiser: l is strictly convex, so "
           "g_r is strictly convex with g_r(0) = g_r'(0+) = 0" if ties else "")
    return Property("noisy_minimiser", out, f"uniform 0.4: {cell('uniform')}; pair 0.4: {cell('pair')}", "symbolic",
                    f"derived: e_y exactly when r = max_(i != y) w_i/w_y < R_c = {R} ({how}); otherwise the "
                    "minimiser keeps the argmax (swap argument, l strictly decreasing) and is attained "
                    f"(paper_checks/trials/minimiser.py){tie}")


def separable_minimiser(ctx: TrialContext) -> Property | None:
    """``f = (t_j)`` when the separable noisy risk splits into convex coordinates with stationary points summing
    to 1 (module docstring); ``None`` otherwise."""
    if ctx.loss.separable is None:
        return None
    phi1, phi0 = ctx.loss.separable
    out: dict[str, Any] = {"uniform": {}, "pair": {}}
    for kind in out:
        for c in ctx.cs:
            ts = []
            for wj in _w(kind, c):
                h = wj * phi1 + (1 - wj) * phi0
                if sign_on_unit(sympy.diff(h, SCALAR, 2), SCALAR) != 1:
                    return None
                x = sympy.Symbol("x", real=True)  # SCALAR is declared positive: a root at 0 must not be lost
                roots = [r for r in sympy.solve(sympy.diff(h.subs(SCALAR, x), x), x) if r.is_real and 0 <= r <= 1]
                if len(roots) != 1:
                    return None
                ts.append(sympy.nsimplify(roots[0]))
            if simp(sum(ts) - 1) != 0:
                return None
            out[kind][c] = {"minimiser": [str(x) for x in ts], "is_vertex": ts[0] == 1, "attained": True,
                            "keeps_argmax": all(ts[0] > x for x in ts[1:])}

    def cell(kind: str) -> str:
        v = [out[kind][c] for c in ctx.cs]
        if all(x["is_vertex"] for x in v):
            return "e_y, attained"
        if all(x["keeps_argmax"] for x in v):
            return "f = w (argmax kept), attained" if all(x["minimiser"] == [str(y) for y in _w(kind, c)]
                                                           for c, x in zip(ctx.cs, v)) else "argmax kept, attained"
        return "argmax lost for c = " + span_text([c for c, x in zip(ctx.cs, v) if not x["keeps_argmax"]])

    return Property("noisy_minimiser", out, f"uniform 0.4: {cell('uniform')}; pair 0.4: {cell('pair')}", "symbolic",
                    "derived: the noisy risk is sum_j (w_j phi_1 + (1 - w_j) phi_0)(f_j), each convex with its "
                    "stationary point in [0, 1], summing to 1: the exact minimiser (loss_minimiser.py)")


def _w(kind: str, c: int) -> list[sympy.Expr]:
    return [1 - NOISE] + ([NOISE / (c - 1)] * (c - 1) if kind == "uniform" else [NOISE] + [0] * (c - 2))


def separable_bounded(ctx: TrialContext) -> Property | None:
    """``sup_f L(f, e_y)`` of a separable loss with convex ``phi_1``, ``phi_0``: ``L(., e_y)`` is convex on the
    simplex, so its maximum is attained at a vertex: ``max(phi_1(1) + (c - 1) phi_0(0), phi_1(0) + phi_0(1) +
    (c - 2) phi_0(0))``. ``None`` when the loss is not of that kind (or is a loss of ``p``)."""
    if ctx.loss.separable is None:
        return None
    phi1, phi0 = ctx.loss.separable
    if any(sign_on_unit(sympy.diff(f, SCALAR, 2), SCALAR) not in (0, 1, 2) for f in (phi1, phi0)):
        return None
    v = {x: {k: limit_at_end(f, SCALAR, x) for k, f in (("1", phi1), ("0", phi0))} for x in (0, 1)}
    sups = {c: sympy.Max(v[1]["1"] + (c - 1) * v[0]["0"], v[0]["1"] + v[1]["0"] + (c - 2) * v[0]["0"])
            for c in ctx.cs}
    if any(not s.is_finite for s in sups.values()):
        return None
    vals = sorted(set(sups.values()), key=float)
    cell = f"yes, sup = {vals[0]}, at a vertex e_k, k != y" if len(vals) == 1 else \
        "yes, sup = " + ", ".join(f"{sups[c]} (c={c})" for c in ctx.cs) + ", at a vertex"
    return Property("bounded", {"bounded": True, "sup": {c: str(s) for c, s in sups.items()}, "attained": True,
                                "approached": "attained at a vertex"}, cell, "symbolic",
                    "phi_1 and phi_0 convex: L(., e_y) is convex, so its maximum over the simplex is at a vertex "
                    "(loss_minimiser.py)")


def separable_asymmetric(ctx: TrialContext) -> Property | None:
    """Zhou et al. 2021 for a separable loss whose weighted risk splits into convex coordinates: with weights
    ``w`` (total ``W``) coordinate ``j`` minimises ``w_j phi_1 + (W - w_j) phi_0``; when the stationary point is
    ``t(w_j) = w_j / W`` (MSE) the weighted minimiser is ``w / W``, which is ``e_t`` only when every other
    weight is 0. ``None`` for other losses."""
    if ctx.loss.separable is None:
        return None
    phi1, phi0 = ctx.loss.separable
    wj, W = sympy.symbols("w_j W", positive=True)
    x = sympy.Symbol("x", real=True)
    h = (wj * phi1 + (W - wj) * phi0).subs(SCALAR, x)
    if sympy.diff(h, x, 2).subs(wj, W / 2).is_positive is not True or simp(
            sympy.diff(h, x, 2) - sympy.diff(h, x, 2).subs(wj, W / 2)) != 0:
        return None  # h'' must be a positive constant in w_j (convex for every weight)
    roots = sympy.solve(sympy.diff(h, x), x)
    if len(roots) != 1 or simp(roots[0] - wj / W) != 0:
        return None
    return Property("asymmetric", {"complete": {c: False for c in ctx.cs}, "weighted_minimiser": "w / sum(w)"},
                    "no (the weighted minimiser is w / sum(w), exact: e_t only when every other weight is 0)",
                    "symbolic", "each coordinate's stationary point is w_j / W (solved exactly), so the minimiser of "
                                "sum_i w_i L(u, i) is w / W, not e_t, for any w with a second positive weight "
                                "(loss_minimiser.py)")
