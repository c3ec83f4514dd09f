"""le19's reductions (Le & Odobez 2019, reconstructed): each claim's statement for every number of classes, every
embedding and both directions of every "iff", as theorems on prover steps and premises proved over sums for
symbolic ``c`` (:mod:`label_noise_lab.theory.class_sums`, :mod:`label_noise_lab.theory.embedding`,
:mod:`label_noise_lab.theory.orders`) or cited (issue 65).
"""
from __future__ import annotations

import math
from typing import Any, Callable

import sympy

from label_noise_lab.theory import embedding as te
from label_noise_lab.theory.class_sums import same_label_probabilities
from label_noise_lab.theory.orders import positive_scale_keeps_strict_orders, squared_signal_positive
from paper_checks.api import Premise, Real, Reduction, SearchSpace, Step


def symmetric_reduction() -> Reduction:
    """le19.margin_symmetric's two 'iff's, both directions (Le & Odobez 2019, reconstructed): the sum's excess over
    ``2 alpha`` is exactly ``max(0, |D - beta| - alpha)`` for every ``alpha > 0``, ``beta`` and ``D >= 0`` (step
    ``excess``), which is 0 exactly when ``|D - beta| <= alpha``; on the sphere, ``|D - beta| <= max(beta, 2 - beta)``
    for every ``D`` in ``[0, 2]`` (step ``sphere if``), and one of ``D = 0``, ``D = 2`` reaches it (``max(|beta|,
    |2 - beta|) >= max(beta, 2 - beta)``, step ``sphere only if``), so every ``D`` in ``[0, 2]`` lies in the band
    exactly when ``alpha >= max(beta, 2 - beta)``."""

    def excess(pt: dict[str, Any], maxf: Callable[..., Any] = sympy.Max,
                    absf: Callable[[Any], Any] = sympy.Abs) -> Any:
        a, b, d = pt["alpha"], pt["beta"], pt["D"]
        total = maxf(a + d - b, 0) + maxf(a - d + b, 0) - 2 * a
        return -absf(total - maxf(0, absf(d - b) - a))

    def inside(pt: dict[str, Any], maxf: Callable[..., Any] = sympy.Max,
                    absf: Callable[[Any], Any] = sympy.Abs) -> Any:
        return maxf(pt["beta"], 2 - pt["beta"]) - absf(pt["D"] - pt["beta"])

    def reached(pt: dict[str, Any], maxf: Callable[..., Any] = sympy.Max,
                     absf: Callable[[Any], Any] = sympy.Abs) -> Any:
        b = pt["beta"]
        return maxf(absf(b), absf(2 - b)) - maxf(b, 2 - b)

    def space(f: Callable[..., Any], params: tuple[Real, ...], what: str) -> Callable[[], SearchSpace]:
        return lambda: SearchSpace(params, lambda pt: float(f({k: float(v) for k, v in pt.items()}, max, abs)), f,
                                   description=what)

    beta = Real("beta", -math.inf, math.inf)
    return Reduction(
        theorem="the margin loss's sum, region by region: l+ + l- - 2 alpha = max(0, |D - beta| - alpha) for every "
                "alpha > 0, beta and D >= 0, and max(0, x) = 0 exactly when x <= 0, so l+ + l- = 2 alpha exactly when "
                "|D - beta| <= alpha (both directions); on the sphere every D in [0, 2] has |D - beta| <= max(beta, "
                "2 - beta), reached at D = 0 or D = 2, so every pair's sum is 2 alpha exactly when alpha >= max(beta, "
                "2 - beta) (both directions)",
        source="Le & Odobez 2019 (arXiv 1812.02676), the margin loss as the catalogue reconstructs it; the steps are "
               "the prover's",
        domain={"alpha": "(0, oo)", "beta": "(-oo, oo)", "D": "[0, oo) (the sphere's part: D in [0, 2])"},
        steps=(Step("excess", "l+ + l- - 2 alpha = max(0, |D - beta| - alpha) for alpha > 0, every beta and D >= 0",
                    space(excess, (Real("alpha", 0.0, math.inf, open_low=True), beta, Real("D", 0.0, math.inf)),
                          "-|l+ + l- - 2 alpha - max(0, |D - beta| - alpha)|")),
               Step("sphere if", "|D - beta| <= max(beta, 2 - beta) for D in [0, 2] and every beta",
                    space(inside, (beta, Real("D", 0.0, 2.0)), "max(beta, 2 - beta) - |D - beta|")),
               Step("sphere only if", "max(|beta|, |2 - beta|) >= max(beta, 2 - beta) for every beta: D = 0 or D = 2 "
                                      "reaches the largest |D - beta|",
                    space(reached, (beta,), "max(|beta|, |2 - beta|) - max(beta, 2 - beta)"))),
        premises=(Premise("l+(D) = [alpha + D - beta]_+ and l-(D) = [alpha - D + beta]_+ with alpha > 0; D in [0, 2] "
                          "on the unit sphere", hypothesis=True),))


def margin_robust_reduction() -> Reduction:
    """le19.margin_robust for every number of classes, every embedding on the unit sphere and every noise rate
    ``eta < (c-1)/c`` (Le & Odobez 2019, reconstructed): the balanced noisy risk is ``s R + alpha (1 - s)`` with
    ``s = (1 - c eta/(c-1))^2`` once every pair's ``l+ + l- = 2 alpha`` (the symmetric region: the steps of
    :func:`symmetric_reduction`), the pair-noise rates and the class-independence of a pair's observed status proved
    over sums for symbolic ``c``; ``s > 0`` below ``(c-1)/c``, so ``R_eta(A) - R_eta(B) = s (R(A) - R(B))`` keeps both
    strict orders and the minimisers agree."""
    sym = symmetric_reduction()
    excess, inside = sym.steps[0], sym.steps[1]
    return Reduction(
        theorem="the balanced noisy risk under uniform noise is 1/2 [(1 - eps+) P + eps+ N'] + 1/2 [(1 - eps-) N + "
                "eps- P'] (P, N: the clean risks of truly positive and negative pairs; P', N': the other loss on "
                "them); where every pair has l+ + l- = 2 alpha (D in [0, 2], alpha >= max(beta, 2 - beta): steps "
                "'excess' and 'sphere if'), P' = 2 alpha - P and N' = 2 alpha - N, so R_eta = s R + alpha (1 - s) with "
                "s = 1 - eps+ - eps- = (1 - c eta/(c-1))^2 > 0 for eta < (c-1)/c; then R_eta(A) - R_eta(B) = s (R(A) "
                "- R(B)) has the sign of R(A) - R(B), both ways, and the minimisers agree",
        source="Le & Odobez 2019 (arXiv 1812.02676), as the catalogue reconstructs it; the identities are SymPy's "
               "(label_noise_lab.theory.class_sums, label_noise_lab.theory.embedding, "
               "label_noise_lab.theory.orders), the steps the prover's",
        domain={"c": "every integer c >= 2", "embeddings": "every set of labelled points on the unit sphere",
                "eta": "[0, (c-1)/c)", "alpha, beta": "alpha > 0 with alpha >= max(beta, 2 - beta)"},
        steps=(excess, inside),
        premises=(Premise("P(a pair's observed labels agree | true labels y1, y2) is a = (1 - eta)^2 + (c - 1) (eta/(c-"
                          "1))^2 where y1 = y2 and b = 2 (1 - eta) eta/(c-1) + (c - 2) (eta/(c-1))^2 otherwise, "
                          "whatever the classes, for every c (a sum over the noisy label)",
                          proof=lambda: same_label_probabilities().holds),
                  Premise("so the classes of truly positive (negative) pairs are mixed alike whatever their observed "
                          "status, and their conditional risks are the clean P, N, P', N'",
                          cited="Bayes' rule: conditioning on an event whose probability does not depend on the "
                                "classes leaves their distribution unchanged"),
                  Premise("eps+ and eps- by Bayes from a and b (P(true same) = 1/c), and R_eta = s R + alpha (1 - s) "
                          "with s = (1 - c eta/(c-1))^2 once P' = 2 alpha - P, N' = 2 alpha - N, for symbolic c",
                          proof=_balanced_affine_every_c),
                  Premise("s > 0 for eta < (c-1)/c, and a positive factor keeps both strict orders",
                          proof=lambda: squared_signal_positive() and positive_scale_keeps_strict_orders()),
                  Premise("balanced sampling (observed positive and negative pairs 1:1), uniform noise eta, points on "
                          "the unit sphere (D in [0, 2])", hypothesis=True)))


def triplet_robust_reduction() -> Reduction:
    """le19.triplet_robust for every number of classes, every embedding on the unit sphere, ``alpha >= 2`` and
    ``eta < (c-1)/c`` (Le & Odobez 2019, reconstructed): with no clipping (step ``no clipping``) the loss is
    ``D_ap - D_an + alpha``, whose expectation splits over the two pairs; each pair's true classes are mixed alike
    within 'same' and within 'differ' (the agreement sums over the noisy label for symbolic ``c``), so
    ``R_eta - alpha = (1 - eps+ - eps-) (Dpos - Dneg) = s (R - alpha)``, ``s = (1 - c eta/(c-1))^2 > 0``."""

    def clip(pt: dict[str, Any]) -> Any:
        return pt["alpha"] + pt["Dap"] - pt["Dan"]

    def clip_space() -> SearchSpace:
        unit = (Real("Dap", 0.0, 2.0), Real("Dan", 0.0, 2.0), Real("alpha", 2.0, math.inf))
        return SearchSpace(unit, lambda pt: float(clip({k: float(v) for k, v in pt.items()})), clip,
                           description="alpha + D_ap - D_an on the sphere (distances in [0, 2]), alpha >= 2")

    return Reduction(
        theorem=("on the unit sphere every distance lies in [0, 2], so with alpha >= 2 the hinge [D_ap - D_an + "
                 "alpha]_+ never clips (step 'no clipping') and the loss is linear: its expectation is E[D_ap] - "
                 "E[D_an] + alpha, one pair at a time; with the observed classes uniform, E[D_ap] = (1 - eps+) Dpos + "
                 "eps+ Dneg and E[D_an] = (1 - eps-) Dneg + eps- Dpos (Dpos, Dneg: the clean mean distances of truly "
                 "same and different pairs), so R_eta - alpha = (1 - eps+ - eps-) (Dpos - Dneg) = s (R - alpha) with s"
                 " = (1 - c eta/(c-1))^2 > 0 for eta < (c-1)/c: increasing, and the minimisers agree"),
        source="Le & Odobez 2019 (arXiv 1812.02676), as the catalogue reconstructs it; the identities are SymPy's "
               "(label_noise_lab.theory.class_sums, label_noise_lab.theory.embedding, "
               "label_noise_lab.theory.orders), the step the prover's",
        domain={"c": "every integer c >= 2", "embeddings": "every set of labelled points on the unit sphere",
                "eta": "[0, (c-1)/c)", "alpha": "[2, oo)"},
        steps=(Step("no clipping", "alpha + D_ap - D_an >= 0 for D_ap, D_an in [0, 2] and alpha >= 2", clip_space),),
        premises=(Premise("sum_o T[i, o] T[j, o] is a where i = j and b otherwise, whatever the classes, for every c "
                          "(a sum over the noisy label)", proof=lambda: same_label_probabilities().holds),
                  Premise("with balanced true classes and uniform noise, P(true i | observed o) = T[i, o]; averaged "
                          "over uniform observed classes, the weight of a true class pair (i, j) of the anchor and "
                          "positive is (1/c) sum_o T[i, o] T[j, o], and of the anchor and negative (1/(c (c-1))) (1 - "
                          "sum_o T[i, o] T[j, o]) (the row sums are 1): each depends only on whether i = j, so each "
                          "pair's distance given its true status is the clean Dpos or Dneg (also computed for c = 2..5 "
                          "by label_noise_lab.theory.embedding.triplet_relation)",
                          cited="Bayes' rule and the linearity of the expectation"),
                  Premise("eps+ and eps- by Bayes, and R_eta - alpha = (1 - eps+ - eps-) (Dpos - Dneg) = (1 - c "
                          "eta/(c-1))^2 (R - alpha), for symbolic c", proof=_triplet_affine_every_c),
                  Premise("s > 0 for eta < (c-1)/c, and a positive factor keeps both strict orders",
                          proof=lambda: squared_signal_positive() and positive_scale_keeps_strict_orders()),
                  Premise("triplets whose observed classes are uniform (anchor and positive one observed class, the "
                          "negative another), uniform noise eta, points on the unit sphere", hypothesis=True)))


def _triplet_affine_every_c() -> bool:
    return bool(te.triplet_uniform_general()[0])


def _balanced_affine_every_c() -> bool:
    rel = te.margin_balanced()
    return bool(rel.affine and rel.slope_matches)
