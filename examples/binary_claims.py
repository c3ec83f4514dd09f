"""A claims file for binary labels y in {-1, +1}: Natarajan et al. 2013 and van Rooyen et al. 2015 on trial.

The second worked example of ``docs/extending.md`` ("Binary labels and margin losses");
``tests/test_binary_example.py`` runs it through the command line. Labels are signs (the ``Sign``
parameter), noise is ``binary_noise(rho_pos, rho_neg)`` or ``symmetric_binary_noise(rho)``, losses are
margin losses ``phi(y t)`` from the zoo (``margin_loss("hinge")``): no class indices, no hand-built
transition matrix. Run it yourself with::

    python -m paper_checks run --module examples/binary_claims.py --paper natarajan13 --paper vanrooyen15
    python -m paper_checks explore vanrooyen15.hinge_ranking --module examples/binary_claims.py

The claims:

* ``natarajan13.lemma1_unbiased`` (symbolic): Lemma 1, the unbiased estimator, for symbolic losses
  and rates;
* ``natarajan13.alpha_weighted_bayes`` (search): Thm 9, the ``alpha``-weighted 0-1 risk under the
  noisy distribution is minimised by the clean Bayes classifier;
* ``natarajan13.unbiased_mc`` (Monte Carlo): Lemma 1 again, by sampling noisy labels;
* ``vanrooyen15.unhinged_ranking`` (search): under symmetric noise the unhinged loss ranks two scores
  as the clean loss does;
* ``vanrooyen15.hinge_ranking`` (search): the same reading for the hinge loss, refuted.
"""
from __future__ import annotations

from typing import Any

import numpy as np
import sympy

from paper_checks.api import (
    Context,
    Evidence,
    Real,
    SearchSpace,
    Sign,
    alpha_weighted_01_risk,
    binary_noise,
    claim,
    margin_loss,
    mc_mean,
    noisy_expectation,
    paper,
    sample_binary_labels,
    search,
    symmetric_binary_noise,
    unbiased_loss,
    unbiased_margin_loss,
)

NATARAJAN = paper("natarajan13",
                  authors="N. Natarajan, I. S. Dhillon, P. Ravikumar, A. Tewari",
                  year=2013,
                  title="Learning with Noisy Labels",
                  venue="NeurIPS 2013",
                  source="NeurIPS 2013, sec. 3 (Lemma 1, Thm 9)")
VAN_ROOYEN = paper("vanrooyen15",
                   authors="B. van Rooyen, A. K. Menon, R. C. Williamson",
                   year=2015,
                   title="Learning with Symmetric Label Noise: The Importance of Being Unhinged",
                   venue="NeurIPS 2015; arXiv 1505.07634",
                   source="NeurIPS 2015, secs. 3-4")
Z = 5.0  # standard errors of a Monte Carlo agreement


# ---------------------------------------------------------------- symbolic
@claim("natarajan13.lemma1_unbiased", source="Natarajan et al. 2013, Lemma 1", method="symbolic",
       expected="proved",
       statement="l~(t, y) = ((1 - rho_-y) l(t, y) - rho_y l(t, -y)) / (1 - rho_+ - rho_-) has "
                 "E[l~(t, Y~) | Y = y] = l(t, y) for every loss and rates with rho_+ + rho_- < 1.")
def lemma1_unbiased(ctx: Context) -> Evidence:
    loss = {1: sympy.Symbol("l_+"), -1: sympy.Symbol("l_-")}  # l(t, +1), l(t, -1) at one score t: any values
    rho = {1: sympy.Symbol("rho_+", nonnegative=True), -1: sympy.Symbol("rho_-", nonnegative=True)}
    tilde = {y: unbiased_loss(loss[y], loss[-y], rho[y], rho[-y]) for y in (1, -1)}
    residual = {y: sympy.simplify(noisy_expectation(tilde[y], tilde[-y], rho[y]) - loss[y]) for y in (1, -1)}
    verdict = "proved" if all(r == 0 for r in residual.values()) else "inconclusive"
    return Evidence(verdict, "symbolic",
                    f"E[l~(t, Y~) | Y = y] - l(t, y) simplifies to {residual[1]} (y = +1) and {residual[-1]} "
                    "(y = -1) for symbolic l(t, +1), l(t, -1), rho_+, rho_- (where rho_+ + rho_- != 1)",
                    numbers={"residual": {str(y): str(r) for y, r in residual.items()}})


# ---------------------------------------------------------------- searched
def alpha_weighted_space() -> SearchSpace:
    """A prediction ``s``, the clean posterior ``eta`` and the rates; margin: the alpha-weighted noisy 0-1 risk of
    ``s`` minus that of the Bayes sign of ``eta`` (negative where ``s`` does strictly better)."""

    def margin(pt: dict[str, Any]) -> Any:
        noise = binary_noise(pt["rho_pos"], pt["rho_neg"])
        noisy_eta, a = noise.noisy_posterior(pt["eta"]), noise.alpha
        bayes = 1 if pt["eta"] > sympy.Rational(1, 2) else -1
        return alpha_weighted_01_risk(int(pt["s"]), noisy_eta, a) - alpha_weighted_01_risk(bayes, noisy_eta, a)

    return SearchSpace(
        (Sign("s"), Real("eta", 0, 1), Real("rho_pos", 0, 1, open_high=True), Real("rho_neg", 0, 1, open_high=True)),
        lambda pt: float(margin(pt)), margin,
        constraint=lambda pt: pt["rho_pos"] + pt["rho_neg"] < 1,
        description="R_alpha(s) - R_alpha(sign(2 eta - 1)) under (rho_+, rho_-) noise")


@claim("natarajan13.alpha_weighted_bayes", source="Natarajan et al. 2013, Thm 9", method="search",
       expected="confirmed", space=alpha_weighted_space,
       statement="With alpha = (1 - rho_+ + rho_-)/2, the alpha-weighted 0-1 risk under the noisy distribution "
                 "is minimised by the Bayes classifier sign(eta - 1/2) of the clean one.")
def alpha_weighted_bayes(ctx: Context) -> Evidence:
    result = search(alpha_weighted_space(), ctx.pick(2000, 4000, 20000), ctx.rng("search"))
    return Evidence.from_search(result, fails="a prediction beats the Bayes sign",
                                holds="no prediction with a smaller alpha-weighted noisy risk than the Bayes sign")


def ranking_margin(phi: Any) -> Any:
    """The margin of :func:`ranking_space` for the loss function ``phi`` (NumPy or SymPy)."""

    def margin(pt: dict[str, Any]) -> Any:
        y, a, b = int(pt["y"]), pt["a"], pt["b"]
        rho = symmetric_binary_noise(pt["rho"]).rho(y)
        clean = phi(y * b) - phi(y * a)
        noisy = noisy_expectation(phi(y * b), phi(-y * b), rho) - noisy_expectation(phi(y * a), phi(-y * a), rho)
        return clean * noisy

    return margin


def ranking_space(name: str) -> SearchSpace:
    """A label ``y``, two scores ``a``, ``b`` and symmetric noise ``rho``; margin: the clean loss gap times the noisy
    risk gap (negative where the noise reverses which score is better)."""
    loss = margin_loss(name)
    fast = ranking_margin(loss.numpy())
    return SearchSpace((Sign("y"), Real("a", -4, 4), Real("b", -4, 4), Real("rho", 0, 0.5, open_high=True)),
                       lambda pt: float(fast(pt)), ranking_margin(loss),
                       description=f"(clean gap) x (noisy gap) of the {name} loss between scores a and b")


@claim("vanrooyen15.unhinged_ranking", source="van Rooyen et al. 2015, sec. 4 (the unhinged loss is SLN-robust)",
       method="search", expected="confirmed", space=lambda: ranking_space("unhinged"),
       statement="Under symmetric noise rho < 1/2, the unhinged loss 1 - y t ranks any two scores as the clean "
                 "loss does.")
def unhinged_ranking(ctx: Context) -> Evidence:
    result = search(ranking_space("unhinged"), ctx.pick(1000, 2000, 10000), ctx.rng("search"))
    return Evidence.from_search(result, fails="symmetric noise reverses the unhinged ranking",
                                holds="no pair of scores whose ranking the noise reverses")


@claim("vanrooyen15.hinge_ranking", source="van Rooyen et al. 2015, sec. 3 (a reading: hinge is not SLN-robust)",
       method="search", expected="refuted", reconstructed=True, space=lambda: ranking_space("hinge"),
       statement="Under symmetric noise rho < 1/2, the hinge loss ranks any two scores as the clean loss does.")
def hinge_ranking(ctx: Context) -> Evidence:
    result = search(ranking_space("hinge"), ctx.pick(1000, 2000, 10000), ctx.rng("search"))
    return Evidence.from_search(result, fails="symmetric noise reverses the hinge ranking",
                                holds="no pair of scores whose ranking the noise reverses")


# ---------------------------------------------------------------- Monte Carlo
@claim("natarajan13.unbiased_mc", source="Natarajan et al. 2013, Lemma 1", method="mc", expected="confirmed",
       statement="Averaged over sampled noisy labels, the unbiased hinge loss l~ is the clean hinge loss.")
def unbiased_mc(ctx: Context) -> Evidence:
    n = ctx.pick(200_000, 1_000_000, 10_000_000)
    hinge = margin_loss("hinge").numpy()
    rows, agree = [], True
    for k, (rp, rn, y, t) in enumerate(((0.2, 0.1, 1, 0.3), (0.4, 0.1, -1, 0.8), (0.1, 0.45, 1, -1.5))):
        noise, rng = binary_noise(rp, rn), ctx.rng(k)
        est = mc_mean(lambda g, m: unbiased_margin_loss(
            hinge, np.full(m, t), sample_binary_labels(np.full(m, y), noise, g), noise), n, rng)
        exact = float(hinge(np.array(y * t)))
        agree &= est.agrees(exact, Z)
        rows.append({"rho_pos": rp, "rho_neg": rn, "y": y, "t": t, "estimate": est.as_dict(6), "exact": exact})
    summary = f"mean of l~ over sampled noisy labels agrees with the clean hinge loss within {Z:g} SE in all 3 settings"
    if agree:
        return Evidence("confirmed", "mc", summary, numbers={"settings": rows})
    return Evidence("inconclusive", "mc", "a Monte Carlo mean is more than 5 SE from the clean loss",
                    numbers={"settings": rows})
