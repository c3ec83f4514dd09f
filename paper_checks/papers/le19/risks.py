"""The exact risk claims of le19 (Le & Odobez 2019, "Theoretical Guarantees of Deep Embedding Losses
Under Label Noise", arXiv 1812.02676), *reconstructed*: pair noise rates, the symmetric margin loss,
and the noisy margin and triplet risks as affine functions of the clean ones.

The source is only the abstract ("sufficient conditions ... for the marginal loss and the triplet loss
... how sampling strategies and initialization can affect the level of resistance against label
noise"); the setting and the six claims are the catalogue's reconstruction (``claims.md``, section
``le19``), so every registration says ``reconstructed="outline"`` (the source states it only in outline)
and its statement says exactly what is checked.

Exact mathematics in :mod:`label_noise_lab.theory.embedding`; exact (over the label noise) and Monte Carlo risks of
fixed embeddings in :mod:`label_noise_lab.simulate.embedding.risk`. Monte Carlo comparisons pass when
``|estimate - target| <= 5 stderr + atol`` (``atol`` at rounding level). The counterexample searches
work on explicit point sets on the unit circle with rational coordinates, so a failure is verified in
exact arithmetic (:func:`label_noise_lab.theory.embedding.circle_point`).
"""
from __future__ import annotations

import math
from fractions import Fraction
from typing import Any, Callable, Sequence

import numpy as np
import sympy

from label_noise_lab.simulate.embedding.risk import (
    exact_pair_risks,
    exact_triplet_risk,
    mc_pair_noise,
    mc_pair_risk,
    mc_triplet_risk,
)
from label_noise_lab.simulate.noise import uniform_noise
from label_noise_lab.theory import embedding as te
from paper_checks.api import Context, Evidence, Real, SearchSpace, claim, figure_data, search
from paper_checks.papers.le19.common import (
    C_RISK,
    DIM,
    FIG_RISK,
    PER_CLASS,
    ROUND,
    SOURCE,
    Z,
    affine_residual,
    agrees,
    class_embeddings,
    close,
)
from paper_checks.papers.le19.reductions import margin_robust_reduction, symmetric_reduction, triplet_robust_reduction

#: the symmetric margin settings (alpha >= max(beta, 2 - beta)) and a non-symmetric control
SYMMETRIC = ((1.0, 1.0), (1.2, 0.8))
NONSYMMETRIC = (0.2, 1.0)
#: the noise rates drawn by ``le19_noisy_vs_clean_risk``
FIGURE_ETAS = (0.0, 0.2, 0.4, 0.6, 0.85)


# ================================================================ pair_noise
def pair_noise_evidence(ctx: Context, eps_claim: Any = None) -> Evidence:
    """Symbolic derivation of the pair-noise rates, enumeration for c = 2..6, and Monte Carlo.

    ``eps_claim`` (a SymPy expression in ``c`` and ``eta``) replaces the catalogue's
    ``eps+ = eta (2(c-1) - c eta)/(c-1)`` to show that the check can fail.
    """
    eps = te.stated_eps() if eps_claim is None else eps_claim
    r = te.pair_noise(range(2, 7), eps_claim=eps, eps_neg_claim=eps / (te.C - 1),
                      signal_claim=None if eps_claim is None else 1 - eps - eps / (te.C - 1))
    n = ctx.pick(200_000, 1_000_000, 5_000_000)
    rng = ctx.device_rng(0)
    mc: dict[str, Any] = {}
    all_ok = True
    for c, eta in ((2, 0.3), (4, 0.2), (4, 0.6), (4, 0.9), (10, 0.45)):
        est = mc_pair_noise(c, eta, n, rng, ctx.xp)
        target = float(eps.subs({te.C: c, te.ETA: sympy.nsimplify(eta)}))
        sig_est = 1 - est.eps_pos.mean - est.eps_neg.mean
        sig_se = math.hypot(est.eps_pos.stderr, est.eps_neg.stderr)
        sig_target = float(te.stated_signal(c, sympy.nsimplify(eta)))
        ok = (agrees(est.eps_pos, target) and agrees(est.eps_neg, target / (c - 1))
              and abs(sig_est - sig_target) <= Z * sig_se + ROUND)
        # power: the naive "a pair is wrong as often as a label" (eps+ = eta) must be rejected where it differs
        naive_rejected = not agrees(est.eps_pos, eta) if abs(target - eta) > 10 * est.eps_pos.stderr else None
        all_ok = all_ok and ok
        mc[f"c={c}, eta={eta}"] = {"eps+": est.eps_pos.as_dict(5), "eps+ formula": target,
                                   "eps-": est.eps_neg.as_dict(5), "eps- formula": target / (c - 1),
                                   "signal": [sig_est, sig_se], "signal formula": sig_target, "agrees (z=5)": ok,
                                   "naive eps+ = eta rejected": naive_rejected}
    numbers = {"derived eps+": r.eps_pos, "derived eps-": r.eps_neg, "derived signal": r.signal,
               "matches stated (symbolic c)": r.matches, "enumeration over label quadruples, c = 2..6": r.per_c,
               "signal vanishes at eta": r.signal_zero, "mc_pairs_per_setting": n, "mc": mc,
               "note": "the signal factor is a square: positive for every eta != (c-1)/c, also beyond it"}
    if not r.verified:
        c0 = next((c for c, ok in r.per_c.items() if not ok), 4)
        eta0 = sympy.Rational(1, 4)
        e1, _ = te.enumerated_pair_noise(c0, eta0)
        return Evidence("refuted", "symbolic", f"the stated eps+ differs from the derived one, e.g. at c = {c0}, "
                        f"eta = 1/4: {eps.subs({te.C: c0, te.ETA: eta0})} stated against {e1}.", numbers=numbers,
                        counterexample={"c": c0, "eta": eta0, "stated": eps.subs({te.C: c0, te.ETA: eta0}),
                                        "derived": e1})
    if not all_ok:
        return Evidence("inconclusive", "mc", "the derivation holds but the Monte Carlo disagrees in some setting "
                        "(more draws, or a bug in the simulation, would decide).", numbers=numbers)
    return Evidence("proved", "symbolic",
                    "Derived by Bayes for symbolic c (and by enumerating all label quadruples for c = 2..6): "
                    "eps+ = eta(2(c-1) - c eta)/(c-1), eps- = eps+/(c-1), signal 1 - eps+ - eps- = (1 - c "
                    "eta/(c-1))^2, "
                    f"which vanishes only at eta = (c-1)/c; Monte Carlo ({n} pairs per setting) agrees within 5 "
                    "standard errors in 5 settings, eta = 0.9 > (c-1)/c included.", numbers=numbers)


@claim("le19.pair_noise", source=SOURCE,
       statement="Reconstructed: with c balanced classes and uniform label noise eta independent of x, for two "
                 "independent examples, P(truly negative | observed positive) = eta(2(c-1) - c eta)/(c-1) =: eps+, "
                 "P(truly positive | observed negative) = eps+/(c-1), and 1 - eps+ - eps+/(c-1) = (1 - c eta/(c-1))^2; "
                 "checked symbolically for symbolic c, by enumeration for c = 2..6, and by Monte Carlo.",
       method="symbolic", expected="proved", reconstructed="outline")
def pair_noise(ctx: Context) -> Evidence:
    return pair_noise_evidence(ctx)


# ================================================================ margin_symmetric
def symmetric_space(condition: Callable[[Any, Any], Any] | None = None) -> SearchSpace:
    """``(alpha, beta, D)``; margin ``min(m1, m2)``, negative exactly where the claim fails.

    ``m2`` (pointwise): ``-|l+ + l- - 2 alpha|`` inside ``|D - beta| <= alpha``, ``l+ + l- - 2 alpha``
    (must be > 0) outside, for every distance ``D >= 0``. ``m1`` (sphere, ``D in [0, 2]``; ``m2`` beyond): where
    ``condition`` holds every ``D`` must give ``2 alpha``
    (``-|l+ + l- - 2 alpha|`` at this ``D``); where it fails some ``D in [0, 2]`` must not
    (``max(beta, 2 - beta) - alpha > 0``). ``condition`` defaults to ``alpha >= max(beta, 2 - beta)``.
    """
    cond = condition or (lambda a, b, maxf=max: a >= maxf(b, 2 - b))

    def parts(a: Any, b: Any, d: Any, absf: Callable[[Any], Any], maxf: Callable[..., Any],
              where: Callable[[Any, Any, Any], Any]) -> Any:
        s = maxf(a + d - b, 0) + maxf(a - d + b, 0) - 2 * a
        m2 = where(absf(d - b) <= a, -absf(s), s)
        m1 = where(cond(a, b) if condition else cond(a, b, maxf), -absf(s), maxf(b, 2 - b) - a)
        return where(d <= 2, m1, m2), m2  # the sphere's part asks only about D in [0, 2]

    def margin(pt: dict[str, Any]) -> float:
        m1, m2 = parts(pt["alpha"], pt["beta"], pt["D"], abs, max, lambda c, x, y: x if c else y)
        return float(min(m1, m2))

    def exact(pt: dict[str, Any]) -> Any:
        # branches as Piecewise and Max, not Python's ``if`` and ``max``: the prover traces this on symbols
        m1, m2 = parts(pt["alpha"], pt["beta"], pt["D"], sympy.Abs, sympy.Max,
                       lambda c, x, y: sympy.Piecewise((x, c), (y, True)))
        return sympy.Min(m1, m2)

    # the statement's own domain: alpha > 0, any beta, any distance D >= 0 (the sphere's part: D in [0, 2])
    return SearchSpace((Real("alpha", 0.0, math.inf, open_low=True), Real("beta", -math.inf, math.inf),
                        Real("D", 0.0, math.inf)),
                       margin, exact, description="min over the pointwise 'sum = 2 alpha iff |D - beta| <= alpha' "
                                                  "(every D >= 0) and the unit-sphere condition alpha >= max(beta, 2 - "
                                                  "beta) (D in [0, 2])",
                       proves="the 'if' directions only, for every alpha > 0, beta and distance D >= 0: l+ + l- = "
                              "2 alpha where |D - beta| <= alpha (and >= 2 alpha outside), and for every D in [0, 2] "
                              "where the sphere condition holds (weaker than the statement's 'exactly when' and 'iff': "
                              "outside the band the margin asks l+ + l- >= 2 alpha, not >, and where the condition "
                              "fails it checks the condition, not a D whose sum differs; its reduction proves both "
                              "directions)",
                       reduction=symmetric_reduction())


def margin_symmetric_evidence(ctx: Context, condition: Callable[[Any, Any], Any] | None = None) -> Evidence:
    band = te.margin_band()
    budget = ctx.pick(400, 3000, 20000)
    res = search(symmetric_space(condition), budget, ctx.rng(1))
    numbers = {"regions (l+ + l- - 2 alpha)": {k: [v[0], v[1]] for k, v in band.regions.items()},
               "band: sum = 2 alpha": band.band_sum_is_2alpha, "outside: sum = 2 alpha + distance to the band":
               band.outside_exceeds, "sphere condition": band.sphere_condition,
               "sphere condition matches max(beta, 2 - beta) case by case": band.sphere_condition_matches,
               "search": res.to_json()}
    srch = Evidence.from_search(res, fails="the stated equivalence fails",
                                holds="no point where the stated equivalence fails", numbers=numbers)
    if srch.verdict != "confirmed":  # refuted, or a negative margin left unverified: never "proved" over it
        return srch
    if not band.verified:
        return Evidence("inconclusive", "symbolic", "the region-by-region derivation did not go through "
                        "(no counterexample found either).", numbers=numbers)
    return Evidence("proved", "symbolic",
                    "l+ + l- = max(2 alpha, alpha + |D - beta|) (region by region, SymPy), so it equals 2 alpha iff "
                    "|D - beta| <= alpha; every D in [0, 2] lies in the band iff alpha >= max(beta, 2 - beta); "
                    f"a search of {res.evaluated} points over (alpha, beta, D) found no "
                    f"counterexample.", numbers=numbers)


@claim("le19.margin_symmetric", source=SOURCE,
       statement="Reconstructed: for the margin loss l+(D) = [alpha + D - beta]_+, l-(D) = [alpha - D + beta]_+ "
                 "(alpha > 0), l+ + l- = 2 alpha exactly when |D - beta| <= alpha; on the unit sphere (D in [0, 2]) "
                 "this holds for every pair iff alpha >= max(beta, 2 - beta). Symbolic, with a verified "
                 "counterexample search over (alpha, beta, D).",
       method="symbolic", expected="proved", reconstructed="outline", space=symmetric_space)
def margin_symmetric(ctx: Context) -> Evidence:
    return margin_symmetric_evidence(ctx)


# ================================================================ order-consistency search spaces (exact point sets)
ORDER_C, ORDER_PER_CLASS = 3, 2


def _points(pt: dict[str, Any], tag: str, exact: bool) -> list[Any]:
    n = ORDER_C * ORDER_PER_CLASS
    ts = [pt[f"{tag}{i}"] for i in range(n)]
    if exact:
        return [te.circle_point(t) for t in ts]
    ts_f = np.asarray([float(t) for t in ts])
    return np.stack([(1 - ts_f**2) / (1 + ts_f**2), 2 * ts_f / (1 + ts_f**2)], axis=1)


def _labels() -> list[int]:
    return [k for k in range(ORDER_C) for _ in range(ORDER_PER_CLASS)]


def order_space(kind: str, pattern: Sequence[tuple[int, int]] | None = None) -> SearchSpace:
    """Two embeddings A, B of ``3 x 2`` points on the unit circle and a noise rate; margin
    ``(R_A - R_B)(R^eta_A - R^eta_B)``: negative exactly where clean and noisy risks order A and B
    differently (so minimisers over {A, B} disagree).

    ``kind="margin"``: balanced margin loss with ``alpha >= max(beta, 2 - beta)``;
    ``kind="triplet"``: triplet loss with ``alpha >= 2``, observed classes uniform or from ``pattern``.
    """
    n = ORDER_C * ORDER_PER_CLASS
    y = _labels()
    params: list[Real] = [Real(f"{g}{i}", -3.0, 3.0) for g in "ab" for i in range(n)]
    params.append(Real("eta", 0, Fraction(ORDER_C - 1, ORDER_C), open_high=True))  # the claim's eta < (c-1)/c
    params.append(Real("alpha", 0.01, 3.0) if kind == "margin" else Real("alpha", 2.0, math.inf))
    if kind == "margin":
        params.append(Real("beta", -1.0, 3.0))

    def risks_float(pt: dict[str, Any], tag: str) -> tuple[float, float]:
        E = _points(pt, tag, False)
        T = uniform_noise(ORDER_C, float(pt["eta"]))
        T0 = uniform_noise(ORDER_C, 0.0)
        if kind == "margin":
            r = exact_pair_risks(E, np.array(y), T, alpha=float(pt["alpha"]), beta=float(pt["beta"]))
            return r.clean, r.noisy
        return (exact_triplet_risk(E, np.array(y), T0, alpha=float(pt["alpha"]), pattern=pattern),
                exact_triplet_risk(E, np.array(y), T, alpha=float(pt["alpha"]), pattern=pattern))

    def risks_exact(pt: dict[str, Any], tag: str) -> tuple[Any, Any]:
        P = _points(pt, tag, True)
        if kind == "margin":
            return te.pair_risks_points(P, y, ORDER_C, pt["eta"], pt["alpha"], pt["beta"])
        return te.triplet_risks_points(P, y, ORDER_C, pt["eta"], pt["alpha"], pattern)

    def margin(pt: dict[str, Any]) -> float:
        ca, na = risks_float(pt, "a")
        cb, nb = risks_float(pt, "b")
        return (ca - cb) * (na - nb)

    def exact(pt: dict[str, Any]) -> Any:
        ca, na = risks_exact(pt, "a")
        cb, nb = risks_exact(pt, "b")
        return (ca - cb) * (na - nb)

    def constraint(pt: dict[str, Any]) -> Any:
        # written so that it reads on symbols as on numbers: the prover charts its polygon (prover/tracing/polygon.py)
        a, b = pt["alpha"], pt.get("beta")
        return (a >= b) & (a >= 2 - b) if kind == "margin" else a >= 2

    what = "balanced margin loss, alpha >= max(beta, 2 - beta)" if kind == "margin" else (
        f"triplet loss, alpha >= 2, classes "
        f"{'uniform' if pattern is None else 'from the pattern ' + str(list(pattern))}")
    circle = "the whole unit circle (t in (-oo, oo), and the point (-1, 0)); any number of points and classes"
    stated = {f"{g}{i}": circle for g in "ab" for i in range(n)}
    if kind == "margin":  # (the triplet's alpha: [2, oo), the statement's own)
        stated.update({"alpha": "alpha > 0 with alpha >= max(beta, 2 - beta)", "beta": "every beta"})
    # the margin loss's proof needs more than a precision's budget: proved with 28.4 units of a budget of 150
    # (undecided at 30: a budget's shares are what each closure may spend), session 25
    return SearchSpace(tuple(params), margin, exact, constraint, statement_domain=stated,
                       proof_work=150.0 if kind == "margin" else 0.0,
                       reduction=(margin_robust_reduction() if kind == "margin" else triplet_robust_reduction())
                       if pattern is None else None,
                       description=f"(R_A - R_B)(R^eta_A - R^eta_B) for two 3-class point sets on the unit circle; "
                                   f"{what}",
                       proves=f"no strict flip between two sets of {n} points on the unit circle (each "
                              "((1 - t^2)/(1 + t^2), 2t/(1 + t^2)), t in [-3, 3]: all but an arc around (-1, 0); "
                              f"c = {ORDER_C}, eta < (c-1)/c; {what}): R_A > R_B implies R^eta_A >= R^eta_B (weaker "
                              "than the statement: not the affine relation, and a tie of the noisy risks is allowed, "
                              "so it does not make the minimisers agree)")


# ================================================================ margin_robust
@figure_data
def margin_candidates(ctx: Context) -> list[tuple[np.ndarray, np.ndarray]]:
    """The random class-structured embeddings of ``le19.margin_robust`` (also drawn by ``le19_noisy_vs_clean_risk``)."""
    return class_embeddings(ctx.rng(0), ctx.pick(8, 16, 32))


@figure_data
def noisy_vs_clean_risk_data(ctx: Context) -> dict[str, Any]:
    """Exact clean and noisy balanced margin risks of :func:`margin_candidates` at :data:`FIGURE_ETAS`, for the
    first symmetric setting and the non-symmetric control (drawn by ``le19_noisy_vs_clean_risk``).

    ``panels``: one ``(alpha, beta, {eta: (clean, noisy)})`` per setting; ``slopes``: the derived slope
    ``(1 - c eta/(c-1))^2`` of ``R_eta = s R + alpha (1 - s)`` per eta (Le & Odobez 2019, reconstructed).
    """
    c = C_RISK
    cands = margin_candidates(ctx)
    panels = []
    for alpha, beta in (SYMMETRIC[0], NONSYMMETRIC):
        risks = {}
        for eta in FIGURE_ETAS:
            rr = [exact_pair_risks(E, y, uniform_noise(c, eta), alpha=alpha, beta=beta) for E, y in cands]
            risks[eta] = (np.array([r.clean for r in rr]), np.array([r.noisy for r in rr]))
        panels.append((alpha, beta, risks))
    return {"c": c, "candidates": len(cands), "panels": panels,
            "slopes": {eta: float(te.stated_signal(c, eta)) for eta in FIGURE_ETAS}}


def margin_robust_evidence(ctx: Context, slope_claim: Any = None) -> Evidence:
    """Symbolic relation, exact and Monte Carlo risks of random embeddings, minimisers, a search.

    ``slope_claim`` (SymPy, in ``c`` and ``eta``) replaces ``(1 - c eta/(c-1))^2``.
    """
    sym = te.margin_balanced(slope_claim)
    slope_expr = te.stated_signal() if slope_claim is None else slope_claim
    n_draws = ctx.pick(40_000, 100_000, 400_000)
    cands = margin_candidates(ctx)
    k = len(cands)
    rng = ctx.device_rng(0)
    c = C_RISK
    etas = (0.2, 0.5, 0.85)
    numbers: dict[str, Any] = {"derived slope": sym.slope, "derived offset": sym.offset,
                               "affine in the symmetric "
                               "region": sym.affine, "slope matches the claim": sym.slope_matches,
                               "slope vanishes at eta": sym.slope_zeros,
                               "without symmetry dR_eta/dN' (non-zero: not a function of "
                               "R)": sym.nonsymmetric_dependence,
                               "candidates": k, "c": c, "points per class": PER_CLASS, "dim": DIM}
    exact_ok = mc_ok = argmin_ok = True
    worst_z = 0.0
    first_bad: dict[str, Any] | None = None
    per: dict[str, Any] = {}
    for alpha, beta in SYMMETRIC:
        for eta in etas:
            s = float(slope_expr.subs({te.C: c, te.ETA: sympy.nsimplify(eta)}))
            T = uniform_noise(c, eta)
            risks = [exact_pair_risks(E, y, T, alpha=alpha, beta=beta) for E, y in cands]
            clean = np.array([r.clean for r in risks])
            noisy = np.array([r.noisy for r in risks])
            pred = s * clean + alpha * (1 - s)
            ok_e = all(close(a, b) for a, b in zip(noisy, pred))
            i_mc = int(np.argmax(np.abs(noisy - clean)))  # the candidate the noise moves most
            est = mc_pair_risk(ctx.xp.asarray(cands[i_mc][0]), ctx.xp.asarray(cands[i_mc][1]), T, alpha=alpha,
                               beta=beta,
                               sampling="balanced", n_draws=n_draws, rng=rng)
            ok_m = agrees(est, float(pred[i_mc]))
            worst_z = max(worst_z, abs(est.mean - pred[i_mc]) / est.stderr)
            ok_a = int(np.argmin(noisy)) == int(np.argmin(clean))
            exact_ok, mc_ok, argmin_ok = exact_ok and ok_e, mc_ok and ok_m, argmin_ok and ok_a
            if not ok_e and first_bad is None:
                j = int(np.argmax(np.abs(noisy - pred)))
                first_bad = {"alpha": alpha, "beta": beta, "eta": eta, "c": c, "candidate": j, "clean": clean[j],
                             "noisy": noisy[j], "claimed slope * clean + offset": pred[j]}
            per[f"alpha={alpha}, beta={beta}, eta={eta}"] = {
                "slope": s, "max |noisy - (slope clean + alpha(1 - slope))|": float(np.max(np.abs(noisy - pred))),
                "mc noisy (candidate moved most)": est.as_dict(5), "predicted": float(pred[i_mc]), "mc agrees": ok_m,
                "argmin clean = argmin noisy": ok_a}
    numbers["symmetric settings"] = per
    numbers["mc draws per estimate"] = n_draws
    numbers["worst |z| of the Monte Carlo"] = worst_z
    # control: outside the symmetric region the noisy risk is not an affine function of the clean risk
    a0, b0 = NONSYMMETRIC
    T = uniform_noise(c, 0.5)
    rr = [exact_pair_risks(E, y, T, alpha=a0, beta=b0) for E, y in cands]
    fa, fb, resid = affine_residual(np.array([r.clean for r in rr]), np.array([r.noisy for r in rr]))
    numbers["control (alpha=0.2, beta=1, eta=0.5): best affine fit noisy ~ clean"] = {
        "slope": fa, "offset": fb, "max residual": resid, "not affine": resid > 1e-6}
    budget = ctx.pick(150, 600, 3000)
    res = search(order_space("margin"), budget, ctx.rng(2))
    numbers["search: order of two embeddings, clean vs noisy"] = res.to_json()
    if not sym.verified or not exact_ok:
        ce = first_bad or {"c": c, "eta": "1/5",
                           "derived slope": sym.slope.subs({te.C: c, te.ETA: sympy.Rational(1, 5)}),
                           "claimed slope": slope_expr.subs({te.C: c, te.ETA: sympy.Rational(1, 5)})}
        return Evidence("refuted", "symbolic", "the noisy risk is not the claimed affine function of the clean risk: "
                        f"{ce}.", numbers=numbers, counterexample=ce, figures=list(FIG_RISK))
    srch = Evidence.from_search(res, fails="two embeddings whose clean and noisy risks are ordered differently",
                                holds="no order reversal", numbers=numbers,
                                key="search: order of two embeddings, clean vs noisy", figures=list(FIG_RISK))
    if srch.verdict == "refuted":
        return srch
    if not (mc_ok and argmin_ok):
        return Evidence("inconclusive", "mc", "the derivation holds but the Monte Carlo or the minimiser comparison "
                        "disagrees (more draws would decide).", numbers=numbers, figures=list(FIG_RISK))
    return Evidence("proved", "symbolic",
                    "With alpha >= max(beta, 2 - beta) and balanced sampling, R_eta = s R + alpha(1 - s), "
                    "s = (1 - c eta/(c-1))^2 (symbolic c, eta), so minimisers agree; exact risks of "
                    f"{k} random embeddings follow it to rounding in 2 settings x 3 noise rates, Monte Carlo within 5 "
                    f"standard errors, the argmin agrees, and a search of {res.evaluated} point sets found no order "
                    "reversal. eta < (c-1)/c is sufficient, not necessary: s > 0 for every eta != (c-1)/c "
                    "(eta = 0.85 > 3/4 agrees too); outside the symmetric region the relation fails (control).",
                    numbers=numbers, figures=list(FIG_RISK))


@claim("le19.margin_robust", source=SOURCE,
       statement="Reconstructed: with the symmetric margin loss (alpha >= max(beta, 2 - beta) on the unit sphere) and "
                 "balanced (1:1) positive/negative pair sampling under uniform noise eta, the noisy risk is an "
                 "increasing affine function of the clean risk for eta < (c-1)/c, so minimisers agree. Checked: the "
                 "symbolic relation R_eta = s R + alpha(1 - s); exact and Monte Carlo risks of random embeddings; "
                 "argmin over candidates; a verified search for two point sets whose order flips.",
       method="symbolic", expected="proved", reconstructed="outline", space=lambda: order_space("margin"),
       figures=FIG_RISK)
def margin_robust(ctx: Context) -> Evidence:
    return margin_robust_evidence(ctx)


# ================================================================ triplet_robust
def _uniform_triplet_risks(ctx: Context, cands: list[tuple[np.ndarray, np.ndarray]], slope_expr: Any, n_draws: int,
                           rng: Any) -> tuple[dict[str, Any], bool, bool, bool]:
    """Exact and Monte Carlo triplet risks of ``cands`` with uniformly sampled classes against
    ``R_eta - alpha = s (R - alpha)`` (Le & Odobez 2019, reconstructed): ``(per setting, exact ok,
    Monte Carlo ok, argmin ok)``."""
    c = C_RISK
    T0 = uniform_noise(c, 0.0)
    exact_ok = mc_ok = argmin_ok = True
    per: dict[str, Any] = {}
    for alpha in (2.0, 2.5):
        clean = np.array([exact_triplet_risk(E, y, T0, alpha=alpha) for E, y in cands])
        for eta in (0.2, 0.5, 0.85):
            s = float(slope_expr.subs({te.C: c, te.ETA: sympy.nsimplify(eta)}))
            T = uniform_noise(c, eta)
            noisy = np.array([exact_triplet_risk(E, y, T, alpha=alpha) for E, y in cands])
            pred = s * (clean - alpha) + alpha
            ok_e = all(close(a, b) for a, b in zip(noisy, pred))
            i_mc = int(np.argmax(np.abs(noisy - clean)))
            est = mc_triplet_risk(ctx.xp.asarray(cands[i_mc][0]), ctx.xp.asarray(cands[i_mc][1]), T, alpha=alpha,
                                  n_draws=n_draws, rng=rng)
            ok_m = agrees(est, float(pred[i_mc]))
            ok_a = int(np.argmin(noisy)) == int(np.argmin(clean))
            exact_ok, mc_ok, argmin_ok = exact_ok and ok_e, mc_ok and ok_m, argmin_ok and ok_a
            per[f"alpha={alpha}, eta={eta}"] = {
                "slope": s, "max |noisy - prediction|": float(np.max(np.abs(noisy - pred))),
                "mc (candidate moved most)": est.as_dict(5), "predicted": float(pred[i_mc]), "mc agrees": ok_m,
                "argmin agrees": ok_a}
    return per, exact_ok, mc_ok, argmin_ok


def _fixed_pattern_and_control(cands: list[tuple[np.ndarray, np.ndarray]]) -> dict[str, Any]:
    """The fixed class pattern (0, 1) on ``cands`` (deviation from the affine prediction, argmin) and the
    control below ``alpha = 2``, where the hinge clips and the relation fails."""
    c = C_RISK
    T0 = uniform_noise(c, 0.0)
    eta = 0.5
    s = float(te.stated_signal(c, sympy.Rational(1, 2)))
    T = uniform_noise(c, eta)
    fc = np.array([exact_triplet_risk(E, y, T0, alpha=2.0, pattern=[(0, 1)]) for E, y in cands])
    fn = np.array([exact_triplet_risk(E, y, T, alpha=2.0, pattern=[(0, 1)]) for E, y in cands])
    out: dict[str, Any] = {"fixed pattern (0, 1), alpha=2, eta=0.5, candidates": {
        "max |noisy - (s (clean - alpha) + alpha)|": float(np.max(np.abs(fn - (s * (fc - 2.0) + 2.0)))),
        "argmin agrees": int(np.argmin(fn)) == int(np.argmin(fc))}}
    cl = np.array([exact_triplet_risk(E, y, T0, alpha=0.5) for E, y in cands])
    no = np.array([exact_triplet_risk(E, y, T, alpha=0.5) for E, y in cands])
    out["control alpha=0.5, eta=0.5: max |noisy - (s (clean - alpha) + alpha)|"] = float(
        np.max(np.abs(no - (s * (cl - 0.5) + 0.5))))
    return out


def triplet_robust_evidence(ctx: Context, slope_claim: Any = None) -> Evidence:
    slope_expr = te.stated_signal() if slope_claim is None else slope_claim
    lin_ok, bound = te.triplet_linear_regime()
    uni = te.triplet_relation(range(2, 6), "uniform", slope_claim)
    gen_ok, gen_slope = te.triplet_uniform_general(slope_claim)
    first = te.triplet_relation(range(2, 6), "first", slope_claim)
    swap = te.triplet_relation(range(2, 6), [(0, 1), (1, 0)], slope_claim)
    k = ctx.pick(6, 12, 24)
    n_draws = ctx.pick(40_000, 100_000, 400_000)
    cands = class_embeddings(ctx.rng(0), k)
    rng = ctx.device_rng(0)
    c = C_RISK
    numbers: dict[str, Any] = {
        "hinge never clips on the sphere iff alpha >=": bound, "linear regime bound matches 2": lin_ok,
        "uniform classes, generic d_ij, c = 2..5: R_eta - alpha = s (R - "
        "alpha)": {c_: h for c_, (h, _) in uni.per_c.items()},
        "symbolic c: slope": gen_slope, "symbolic c matches": gen_ok,
        "fixed pattern (0, 1): extra term (R_eta - alpha) - s (R - "
        "alpha)": {c_: str(e) for c_, (_, e) in first.per_c.items()},
        "fixed pattern: extra = g mean_Pi (S_k - S_k'), g = (1 - c eta/(c-1)) eta/(c-1), S_k = sum_i d_ik":
            first.extra_matches,
        "pattern [(0,1),(1,0)] (each class as often anchor as negative): "
        "holds": {c_: h for c_, (h, _) in swap.per_c.items()},
        "candidates": k, "c": c}
    per, exact_ok, mc_ok, argmin_ok = _uniform_triplet_risks(ctx, cands, slope_expr, n_draws, rng)
    numbers["uniform classes"] = per
    numbers.update(_fixed_pattern_and_control(cands))
    budget = ctx.pick(100, 400, 2000)
    res = search(order_space("triplet"), budget, ctx.rng(2))
    numbers["search, uniform classes"] = res.to_json()
    res_fixed = search(order_space("triplet", [(0, 1)]), budget, ctx.rng(3))
    numbers["search, fixed pattern (0, 1)"] = res_fixed.to_json()
    fixed_holds = first.holds and not res_fixed.failed
    fixed_text = ("it also holds with the fixed pattern (0, 1)" if fixed_holds else
                  "with a fixed class pattern it fails: R_eta - alpha = s(R - alpha) + g mean_Pi(S_k - S_k'), so it "
                  "holds "
                  "for every embedding iff each class is as often the anchor class as the negative class (e.g. "
                  "[(0,1),(1,0)])" + ("; a verified pair of point sets whose clean and noisy orders differ under the "
                                      "pattern (0, 1) is in the numbers" if res_fixed.failed else ""))
    # the averaging step for every c: a symmetry argument (the explicit-c checks above confirm it for c = 2..5)
    numbers["averaging step for every c"] = (
        "uniform noise is T = a I + b J (J the all-ones matrix); for a permutation matrix P, P P^T = I and P J P^T = "
        "J, "
        "so P T P^T = T; sampling every ordered pair of distinct observed classes uniformly is also invariant under "
        "relabelling. Hence the law of the true classes (i, j, l) of anchor, positive and negative is invariant under "
        "every permutation of the c classes, so it depends only on which of i, j, l coincide, and E[d_ij] = "
        "(1 - eps+) mean_i d_ii + eps+ mean_(i!=j) d_ij, E[d_il] = (1 - eps-) mean_(i!=l) d_il + eps- mean_i d_ii, "
        "with eps+, eps- from Bayes for symbolic c")
    uniform_ok = lin_ok and uni.holds and gen_ok
    if not uniform_ok or not exact_ok:
        ce = {"c": 3, "eta": "1/5", "derived slope": gen_slope.subs({te.C: 3, te.ETA: sympy.Rational(1, 5)}),
              "claimed slope": slope_expr.subs({te.C: 3, te.ETA: sympy.Rational(1, 5)})}
        return Evidence("refuted", "symbolic", f"the noisy triplet risk is not the claimed affine function: {ce}.",
                        numbers=numbers, counterexample=ce)
    srch = Evidence.from_search(res, fails="two embeddings whose clean and noisy triplet risks are ordered "
                                "differently with uniform classes", holds="no order reversal", numbers=numbers,
                                key="search, uniform classes")
    if srch.verdict == "refuted":
        return srch
    if not (mc_ok and argmin_ok):
        return Evidence("inconclusive", "mc", "the derivation holds but the Monte Carlo or the argmin disagrees.",
                        numbers=numbers)
    return Evidence("proved", "symbolic",
                    "On the unit sphere the triplet hinge never clips iff alpha >= 2; then with uniformly sampled "
                    "classes R_eta - alpha = (1 - c eta/(c-1))^2 (R - alpha) for every c (uniform noise and uniform "
                    "class sampling are invariant under relabelling the classes, so the true-class law of a triplet "
                    "depends only on which classes coincide, and eps+, eps- come from Bayes for symbolic c; generic "
                    f"d_ij confirm it for c = 2..5), exact and Monte Carlo risks of {k} random embeddings agree and "
                    f"the argmin is kept; "
                    f"{fixed_text}.", numbers=numbers)


@claim("le19.triplet_robust", source=SOURCE,
       statement="Reconstructed: with the triplet loss [D_ap - D_an + alpha]_+ on the unit sphere, alpha >= 2 (no "
                 "clipping) and triplets whose observed classes are sampled uniformly (anchor and positive share an "
                 "observed label, the negative has another), the noisy risk is an increasing affine function of the "
                 "clean risk, R_eta - alpha = (1 - c eta/(c-1))^2 (R - alpha). Symbolic, exact and Monte Carlo risks; "
                 "also checked with a fixed class pattern (anchor class 0, negative class 1), where it is reported "
                 "whether it still holds.",
       method="symbolic", expected="proved", reconstructed="outline", space=lambda: order_space("triplet"))
def triplet_robust(ctx: Context) -> Evidence:
    return triplet_robust_evidence(ctx)
