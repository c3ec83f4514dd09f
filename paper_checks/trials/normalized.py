"""Exact ``bounded`` and ``noisy_minimiser`` cells of normalized losses (NCE, NFL, APL), derived, not searched.

Ma et al. 2020 (ICML; arXiv 2006.13554), sec. 3-4: ``L(f, e_y) = alpha a_y(f) + beta g(f_y)`` with the
shares ``a_k(f) = phi(f_k) / sum_i phi(f_i)`` (``phi = -log`` for NCE, the focal term for NFL) and a
passive loss ``g`` (MAE ``2 - 2p``, RCE ``-A (1 - p)``; none for NCE, NFL alone). With ``phi`` positive
on ``(0, 1)``, ``phi(0+) = oo`` and ``phi(1) = 0``:

* every ``a_k`` lies in ``(0, 1)`` at every point of the open simplex (where the loss is defined), and
  ``a_y -> 1`` as ``f_y -> 0`` with the other coordinates fixed: ``sup_f L(f, e_y) = alpha + beta g(0)``
  (``g`` non-increasing), **not attained**, approached as ``f_y -> 0``; ``inf = beta g(1)`` as ``f_y -> 1``.
* the noisy risk ``sum_k w_k L(f, e_k) = alpha sum_k w_k a_k + beta sum_k w_k g(f_k)`` (``w`` the noisy
  label distribution, ``w_y`` its unique largest entry). For an affine ``g = g(1) + kappa (1 - p)``
  (``kappa >= 0``) the passive part is ``beta (g(1) + kappa (1 - w.f))``, minimised only at ``f = e_y``;
  the active part is a convex combination of the ``w_k`` with positive coefficients, so it exceeds
  ``alpha min_k w_k`` everywhere and approaches it as the shares concentrate on the least-weight classes.
  Hence ``inf = alpha min_k w_k + beta (g(1) + kappa (1 - w_y))``, never attained. With ``beta kappa > 0``
  it is approached only as ``f -> e_y``; with ``beta kappa = 0`` and ``c = 2`` also only as ``f -> e_y``;
  with ``beta kappa = 0`` and ``c >= 3`` wherever ``f_k -> 0`` fastest for least-weight classes ``k``,
  whatever the other coordinates, so also along points with the wrong argmax, e.g.
  ``(1/10, 9/10 - (c - 2) d, d, ..., d)``, ``d -> 0`` (the issue's sequence for ``c = 3``): the noisy
  risk does not determine the argmax.

Each derived value is checked against a plain evaluation of the loss's own vector form along the
approaching sequences, in ``mpmath`` at 60 digits (``d = 10^-10, 10^-100, 10^-300``), recorded in the JSON.
"""
from __future__ import annotations

from typing import Any, Callable, Sequence

import mpmath
import sympy

from label_noise_lab.theory.losses import NormalizedForm, P
from paper_checks.trials.properties import NOISE, Property, TrialContext, sign_on_unit, span_text

DIGITS = 60
EXPONENTS = (10, 100, 300)
"""The sequences are evaluated at ``d = 10^-k`` for these ``k``."""


def form_of(ctx: TrialContext) -> tuple[NormalizedForm, sympy.Expr, sympy.Expr] | None:
    """The loss's normalized form with ``(kappa, g(1))`` of its affine passive part, once its premises are checked.

    ``None`` (the trial then falls back to its general methods) unless: the vector form equals the
    normalized form at exact rational points for ``c = 2, 3``; ``phi > 0`` on ``(0, 1)``, ``phi(0+) = oo``,
    ``phi(1) = 0``; ``g`` affine and non-increasing; ``alpha > 0``, ``beta >= 0``.
    """
    if "normalized" in ctx._cache:
        return ctx._cache["normalized"]
    form, out = ctx.loss.normalized, None
    if form is not None and _premises(ctx, form):
        kappa = sympy.simplify(-sympy.diff(form.passive, P))
        out = (form, kappa, sympy.simplify(form.passive.subs(P, 1)))
    ctx._cache["normalized"] = out
    return out


def _premises(ctx: TrialContext, form: NormalizedForm) -> bool:
    r = sympy.Rational
    pts = ([r(1, 3), r(2, 3)], [r(1, 2), r(1, 3), r(1, 6)])
    for pt in pts:
        for j in range(len(pt)):
            if sympy.simplify(ctx.loss(pt, j) - form(pt, j)) != 0:
                return False
    g = sympy.sympify(form.passive)
    return bool(form.alpha.is_positive and (form.beta.is_nonnegative)
                and sign_on_unit(form.phi, P) == 1
                and sympy.limit(form.phi, P, 0, "+") is sympy.oo and sympy.simplify(form.phi.subs(P, 1)) == 0
                and sympy.diff(g, P, 2) == 0 and sympy.diff(g, P).is_nonpositive)


def _evaluator(form: NormalizedForm) -> Callable[[Sequence[Any], Sequence[Any]], Any]:
    """``(f, w) -> sum_k w_k L(f, e_k)`` in mpmath at its working precision (a plain evaluation of the form;
    ``w = e_j`` gives ``L(f, e_j)``)."""
    phi = sympy.lambdify(P, form.phi, "mpmath")
    g = sympy.lambdify(P, form.passive, "mpmath")

    def risk(f: Sequence[Any], w: Sequence[Any]) -> Any:
        alpha, beta = (mpmath.mpf(sympy.N(x, mpmath.mp.dps)) for x in (form.alpha, form.beta))
        ws = [mpmath.mpf(sympy.N(x, mpmath.mp.dps)) for x in w]
        vals = [phi(x) for x in f]
        active = mpmath.fsum(wk * v for wk, v in zip(ws, vals)) / mpmath.fsum(vals)
        return alpha * active + beta * mpmath.fsum(wk * g(x) for wk, x in zip(ws, f) if wk)

    return risk


def _sequence(fn: Callable[[Any], Any], target: sympy.Expr) -> list[dict[str, str]]:
    """``fn(d)`` and its gap ``fn(d) - target`` for ``d = 10^-k``, ``k`` in :data:`EXPONENTS`, each at ``3k + 60``
    digits (``1 - d`` and gaps like ``d^(1 + gamma)`` of NFL are then resolved, not rounded away)."""
    out = []
    for k in EXPONENTS:
        with mpmath.workdps(3 * k + DIGITS):
            d = mpmath.mpf(10) ** (-k)
            v = fn(d)
            gap = v - mpmath.mpf(sympy.N(target, mpmath.mp.dps))
            out.append({"d": f"1e-{k}", "value": mpmath.nstr(v, 20), "gap": mpmath.nstr(gap, 6)})
    return out


def _approaches(seq: list[dict[str, str]], sign: int) -> bool:
    """The gaps have the sign ``sign`` and shrink."""
    gaps = [mpmath.mpf(s["gap"]) for s in seq]
    return all(sign * g > 0 for g in gaps) and all(abs(b) < abs(a) for a, b in zip(gaps, gaps[1:]))


def bounded(ctx: TrialContext) -> Property | None:
    """``sup_f L(f, e_y) = alpha + beta g(0)``, not attained (module docstring); ``None`` when not normalized."""
    got = form_of(ctx)
    if got is None:
        return None
    form, kappa, g1 = got
    sup = sympy.nsimplify(form.alpha + form.beta * form.passive.subs(P, 0))
    low = sympy.nsimplify(form.beta * g1)
    L = _evaluator(form)
    checks = {}
    for c in ctx.cs:
        seq = _sequence(lambda d, c=c: L([d, *[(1 - d) / (c - 1)] * (c - 1)], [1] + [0] * (c - 1)), sup)
        checks[c] = seq
        if not _approaches(seq, -1):
            raise ArithmeticError(f"the evaluation along f_y = d does not rise toward sup = {sup} at c = {c}: {seq}")
    value = {"bounded": True, "sup": {c: str(sup) for c in ctx.cs}, "sup_exact": str(sup), "attained": False,
             "approached": "f_y -> 0 (the other coordinates fixed)", "inf": str(low), "inf_attained": False,
             "inf_approached": "f_y -> 1", "sequence": "f = (d, (1 - d)/(c - 1), ...)", "checks": checks}
    return Property("bounded", value, f"yes, sup = {sup}, not attained (approached as f_y -> 0)", "symbolic",
                    "a_y = phi(f_y)/sum_k phi(f_k) < 1 on the open simplex and -> 1 as f_y -> 0: sup = alpha + beta "
                    f"g(0) = {sup} for every c = {span_text(ctx.cs)}, not attained (Ma et al. 2020 sec. 3 form; "
                    "checked "
                    "along f = (d, (1-d)/(c-1), ...), d = 1e-10, 1e-100, 1e-300, resolved to 60 digits)")


def _weights(kind: str, c: int) -> list[sympy.Rational]:
    """The noisy label distribution of clean class 0: uniform (``eta/(c-1)`` elsewhere) or pair flip to class 1."""
    w = [sympy.Integer(0)] * c
    if kind == "uniform":
        w = [NOISE / (c - 1)] * c
    else:
        w[1] = NOISE
    w[0] = 1 - NOISE
    return w


def _one_case(form: NormalizedForm, kappa: sympy.Expr, g1: sympy.Expr, w: list[sympy.Rational],
              L: Callable[[Sequence[Any], Sequence[Any]], Any]) -> dict[str, Any]:
    """The exact infimum for weights ``w``, where it is approached, and the plain evaluation along a sequence."""
    c = len(w)
    wmin = min(w)
    inf = sympy.nsimplify(form.alpha * wmin + form.beta * (g1 + kappa * (1 - w[0])))
    passive = sympy.simplify(form.beta * kappa) != 0
    least = [k for k in range(1, c) if w[k] == wmin]
    wrong = not passive and c >= 3 and all(w[k] == wmin for k in range(2, c))

    def risk(f: Sequence[Any]) -> Any:
        return L(f, w)

    if wrong:  # the sequence: the argmax is class 1, the least-weight classes 2.. shrink
        seq = _sequence(lambda d: risk([mpmath.mpf(1) / 10, mpmath.mpf(9) / 10 - (c - 2) * d, *[d] * (c - 2)]), inf)
        where = "f_k -> 0 for least-weight classes k, whatever the rest: also at points with the wrong argmax"
        along = "(1/10, 9/10 - (c-2) d, d, ..., d)"
    else:      # toward e_y: least-weight classes at d, the others at 1/ln(1/d) (their shares vanish)
        def toward(d: Any) -> list[Any]:
            rest = [d if k in least else 1 / mpmath.log(1 / d) for k in range(1, c)]
            return [1 - mpmath.fsum(rest), *rest]
        seq = _sequence(lambda d: risk(toward(d)), inf)
        where = "only as f -> e_y"
        along = "f_k = d for least-weight k, 1/ln(1/d) for the other k != y, f_y = the rest"
    if not _approaches(seq, 1):
        raise ArithmeticError(f"the sequence {along} does not approach inf = {inf} from above: {seq}")
    return {"inf": str(inf), "inf_float": float(inf), "attained": False, "approached": where, "sequence": along,
            "values": seq, "wrong_argmax": wrong, "is_vertex": False, "keeps_argmax": None if wrong else True}


def noisy_minimiser(ctx: TrialContext) -> Property | None:
    """The exact infimum of the noisy risk and where it is approached; ``None`` when the loss is not normalized."""
    got = form_of(ctx)
    if got is None:
        return None
    form, kappa, g1 = got
    L = _evaluator(form)
    out: dict[str, Any] = {"uniform": {}, "pair": {}}
    for kind in out:
        for c in ctx.cs:
            out[kind][c] = _one_case(form, kappa, g1, _weights(kind, c), L)

    def cell(kind: str) -> str:
        wrong = [c for c in ctx.cs if out[kind][c]["wrong_argmax"]]
        ey = [c for c in ctx.cs if not out[kind][c]["wrong_argmax"]]
        parts = []
        if ey:
            parts.append(f"approached only as f -> e_y (c = {span_text(ey)})")
        if wrong:
            parts.append(f"also by points with the wrong argmax (c = {span_text(wrong)})")
        return "inf not attained, " + ", ".join(parts)

    return Property("noisy_minimiser", out, f"uniform 0.4: {cell('uniform')}; pair 0.4: {cell('pair')}", "symbolic",
                    "derived: the noisy risk is alpha sum_k w_k a_k + beta sum_k w_k g(f_k) with shares a_k in (0, 1); "
                    "inf = alpha min_k w_k + beta (g(1) + kappa (1 - w_y)), never attained (Ma et al. 2020 sec. 3-4 "
                    "form); each case checked along its sequence in 60-digit arithmetic (see loss_normalized.py)")


def asymmetric(ctx: TrialContext) -> Property | None:
    """Zhou et al. 2021's asymmetry in the limit sense (no argmin is attained); ``None`` when not normalized.

    For weights ``w`` with a unique largest ``w_t`` the weighted risk's infimum is approached only as
    ``u -> e_t`` when ``beta kappa > 0`` or ``c = 2``; for ``beta kappa = 0`` and ``c >= 3`` also by points
    with ``u_t = 1/10`` (a least-weight coordinate shrinking fastest): the derivation of :func:`noisy_minimiser`
    for a general ``w``.
    """
    got = form_of(ctx)
    if got is None:
        return None
    form, kappa, _ = got
    passive = sympy.simplify(form.beta * kappa) != 0
    complete = {c: bool(passive or c == 2) for c in ctx.cs}
    yes = [c for c, v in complete.items() if v]
    if all(complete.values()):
        cell = "yes, completely, in the limit sense (the infimum is approached only at e_t; no argmin is attained)"
    elif yes:
        others = span_text([c for c in ctx.cs if c not in yes])
        cell = (f"only for c = {span_text(yes)} (in the limit sense; for c = {others} "
                "the infimum is also approached away from e_t; no argmin is attained)")
    else:
        cell = "no, in the limit sense: the infimum is approached away from e_t (no argmin is attained)"
    return Property("asymmetric", {"complete_in_limit": complete, "attained": False}, cell, "symbolic",
                    "Zhou et al. 2021 compare argmins; for this normalized loss neither the weighted nor the "
                    "single-label infimum is attained, so the definition is read in the limit sense: where the "
                    "weighted infimum alpha min_k w_k + beta (g(1) + kappa (1 - w_t)) is approached "
                    "(loss_normalized.py)")
