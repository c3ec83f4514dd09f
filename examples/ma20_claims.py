"""A claims file from outside the package: three claims about the normalized losses of Ma et al. 2020.

This is the worked example of ``docs/extending.md``; ``tests/test_examples.py`` runs it through
the command line, so the guide cannot rot. Run it yourself with::

    python -m paper_checks run --module examples/ma20_claims.py --paper ma20
    python -m paper_checks list --module examples/ma20_claims.py --paper ma20
    python -m paper_checks explore ma20.nce_decreasing --module examples/ma20_claims.py
    python -m label_noise_lab.figures --module examples/ma20_claims.py --only ma20_nce_paths

Ma et al. define the normalized loss of any loss ``L`` (their Eq. 3) as
``L_norm(f, y) = L(f, y) / sum_j L(f, j)``, and the normalized cross entropy (NCE) as
``log f_y / sum_j log f_j``. Their Lemma 1: every normalized loss is symmetric (Ghosh et al.
2017's condition ``sum_y L(f, y) = C``, here with ``C = 1``).

The three claims show the three kinds of evidence:

* ``ma20.normalized_symmetric`` (symbolic): Lemma 1, derived with SymPy for a symbolic number
  of classes ``c``;
* ``ma20.nce_decreasing`` (search): a *reading* of NCE ("a larger probability of the labelled
  class never costs more", true of CE), refuted by the counterexample search with a point
  verified in exact arithmetic;
* ``ma20.nce_uniform_noise`` (Monte Carlo): the noisy risk of a symmetric loss under uniform
  noise, ``R_eta(f) = (1 - eta c / (c - 1)) R(f) + eta C / (c - 1)`` (the identity behind
  Ghosh et al. 2017's Theorem 1), sampled and compared with the exact value within 5 standard
  errors.
"""
from __future__ import annotations

from typing import Any

import numpy as np
import sympy

from paper_checks.api import (
    Context,
    Drawn,
    Evidence,
    SearchSpace,
    SimplexPoint,
    claim,
    figure,
    figure_style,
    mc_mean,
    paper,
    sample_noisy_labels,
    search,
    uniform_noise,
)

PAPER = paper("ma20",
              authors="X. Ma, H. Huang, Y. Wang, S. Romano, S. Erfani, J. Bailey",
              year=2020,
              title="Normalized Loss Functions for Deep Learning with Noisy Labels",
              venue="ICML 2020; arXiv 2006.13554",
              source="arXiv 2006.13554, sec. 3 (Eq. 3, Lemma 1)")

SOURCE = "Ma et al. 2020, sec. 3"
Z = 5.0  # standard errors of a Monte Carlo agreement (docs/design.md, "Monte Carlo verdicts")


# ---------------------------------------------------------------- 1. symbolic
@claim("ma20.normalized_symmetric", source=f"{SOURCE}, Lemma 1", method="symbolic", expected="proved",
       statement="Any normalized loss L(f, y) / sum_j L(f, j) is symmetric: its class sum is 1.")
def normalized_symmetric(ctx: Context) -> Evidence:
    c = sympy.Symbol("c", integer=True, positive=True)
    j = sympy.Symbol("j", integer=True)
    L = sympy.IndexedBase("L")  # the losses L(f, j) at one prediction f: any values with a nonzero sum
    total = sympy.Sum(L[j], (j, 1, c))
    class_sum = sympy.simplify(sympy.Sum(L[j] / total, (j, 1, c)))
    verdict = "proved" if class_sum == 1 else "inconclusive"
    return Evidence(verdict, "symbolic",
                    f"sum_y L_norm(f, y) simplifies to {class_sum} for a symbolic number of classes c "
                    "(wherever sum_j L(f, j) != 0; for NCE on the open simplex it is negative)",
                    numbers={"class_sum": str(class_sum)})


# ---------------------------------------------------------------- 2. search
def nce(p: np.ndarray) -> float:
    """NCE of the prediction ``p`` for label 0 (Ma et al. 2020, sec. 3)."""
    return float(np.log(p[0]) / np.log(p).sum())


def nce_exact(p: list[Any]) -> Any:
    return sympy.log(p[0]) / sympy.Add(*[sympy.log(x) for x in p])


def nce_space() -> SearchSpace:
    """Two predictions ``p``, ``r`` with ``p_0 > r_0`` on the open 3-simplex; margin ``NCE(r) - NCE(p)``
    (negative where the larger labelled probability costs more)."""
    return SearchSpace(
        (SimplexPoint("p", 3), SimplexPoint("r", 3)),
        lambda pt: nce(pt["r"]) - nce(pt["p"]),
        lambda pt: nce_exact(pt["r"]) - nce_exact(pt["p"]),
        constraint=lambda pt: all(x > 0 for x in (*pt["p"], *pt["r"])) and pt["p"][0] > pt["r"][0],
        description="NCE(r) - NCE(p) for p_0 > r_0, c = 3")


@claim("ma20.nce_decreasing", source=f"{SOURCE} (a reading, not the paper's words)", method="search",
       expected="refuted", reconstructed="a reading of NCE's definition, not a sentence of the paper", space=nce_space,
       statement="NCE decreases in the labelled class's probability: p_y > r_y implies NCE(p, y) <= NCE(r, y).")
def nce_decreasing(ctx: Context) -> Evidence:
    result = search(nce_space(), ctx.pick(2000, 4000, 20000), ctx.rng("search"))
    return Evidence.from_search(result, fails="a larger p_y gives a larger NCE",
                                holds="no pair with p_y > r_y and NCE(p) > NCE(r)")


# ---------------------------------------------------------------- 3. Monte Carlo
@claim("ma20.nce_uniform_noise", source=f"{SOURCE}; Ghosh et al. 2017, proof of Thm 1", method="mc",
       expected="confirmed", figures=("ma20_nce_paths",),
       statement="Under uniform noise of rate eta, NCE's noisy risk is (1 - eta c/(c - 1)) R(f) + eta/(c - 1).")
def nce_uniform_noise(ctx: Context) -> Evidence:
    n = ctx.pick(200_000, 1_000_000, 10_000_000)
    rows, agree = [], True
    for k, (c, eta) in enumerate(((3, 0.2), (5, 0.4), (10, 0.6))):
        rng = ctx.rng(k)
        f = rng.dirichlet(np.ones(c))  # one fixed prediction; clean label 0
        per_label = np.log(f) / np.log(f).sum()  # NCE(f, j) for every j
        T = uniform_noise(c, eta)
        est = mc_mean(lambda g, m: per_label[sample_noisy_labels(np.zeros(m, dtype=np.int64), T, g)], n, rng)
        exact = (1 - eta * c / (c - 1)) * per_label[0] + eta / (c - 1)
        agree &= est.agrees(exact, Z)
        rows.append({"c": c, "eta": eta, "estimate": est.as_dict(6), "exact": round(float(exact), 6),
                     "z": round(float((est.mean - exact) / est.stderr), 2)})
    summary = ("Monte Carlo noisy risks agree with (1 - eta c/(c-1)) R + eta/(c-1) within "
               f"{Z:g} standard errors in all {len(rows)} settings ({n} samples each)")
    if agree:
        return Evidence("confirmed", "mc", summary, numbers={"settings": rows})
    return Evidence("inconclusive", "mc", "a Monte Carlo noisy risk is more than 5 standard errors from the "
                    "identity: check the sampler before reading this as a refutation", numbers={"settings": rows})


# ---------------------------------------------------------------- a figure
@figure("ma20_nce_paths", claim="ma20.nce_uniform_noise")
def nce_paths(ctx: Any) -> Drawn:
    """NCE against ``p_y`` (c = 3) when the rest of the mass is split evenly or put on one class."""
    ps = np.linspace(0.02, 0.96, 95)
    fig, ax = figure_style.new()
    rows = []
    for name, rest in (("rest split evenly", lambda t: ((1 - t) / 2, (1 - t) / 2)),
                       ("rest on one class (0.01 left)", lambda t: (1 - t - 0.01, 0.01))):
        vals = [nce(np.array([t, *rest(t)])) for t in ps]
        ax.plot(ps, vals, label=name)
        rows += [{"path": name, "p_y": float(t), "nce": v} for t, v in zip(ps, vals)]
    ax.set_xlabel(r"$p_y$")
    ax.set_ylabel("NCE")
    ax.legend(frameon=False)
    figure_style.stamp(fig, ctx)
    caption = ("Normalized cross entropy of Ma et al. 2020 against the labelled probability p_y, c = 3: it "
               "depends on how the remaining mass is spread, so a larger p_y can cost more "
               "(claim ma20.nce_decreasing). Exact values, no sampling, so no error bars. "
               f"{figure_style.setting(ctx)}")
    return Drawn(fig, rows, caption)
