"""Simulation checks of patrini17 (Patrini et al. 2017): the anchor estimator and Table 2.

- ``patrini17.thm3_anchor``: Thm 3 and the estimator of Eqs. 12-13 (:mod:`label_noise_lab.simulate.correction.anchors`):
  exactly on finite populations with perfect examples, then by Monte Carlo (error against the
  size of ``X'`` with exact ``p(noisy | x)``, and with ``p(noisy | x)`` from a network trained on the
  noisy labels, :func:`label_noise_lab.simulate.experiments.trained_anchor_errors`).
- ``patrini17.forward_beats_backward``: sec. 5.1-5.2 / Table 2 in miniature
  (:func:`label_noise_lab.simulate.experiments.correction_accuracy`): cross-entropy, backward and forward
  correction with the true ``T`` and with ``T_hat`` from Algorithm 1, on Gaussian clusters and, where
  scikit-learn is installed, on its bundled 8x8 digits.

Verdicts compare paired differences over seeds at two-sided p < 0.001 under Student t with the seeds' degrees
of freedom (``label_noise_lab.simulate.engine.estimate.SEED_TEST``).
The models are tiny, so training runs on the host (``HOST = numpy``) whatever ``--backend`` says
(see :mod:`paper_checks.papers.gce18.sim`).
"""
from __future__ import annotations

import importlib.util
from typing import Any

import numpy as np
import sympy as sp

from label_noise_lab.simulate.correction.anchors import (
    PAPER_PERCENTILE,
    anchor_error_curves,
    anchor_mixture,
    argmax_anchor_classes,
    column_dominant,
    estimate_transition,
    noisy_posterior,
    standard_anchor_populations,
)
from label_noise_lab.simulate.engine.estimate import (
    SEED_TEST,
    Z_SEEDS,
    Estimate,
    combine_means,
    paired_difference,
    seed_summary,
)
from label_noise_lab.simulate.noise import TransitionMatrix, pair_flip, random_transition, uniform_noise
from label_noise_lab.simulate.noise import mnist_flips as mnist_flip_matrix
from paper_checks.api import Context, Evidence, claim, effect_ladder, figure_data
from paper_checks.papers.documents import PATRINI17_TEXT
from paper_checks.papers.patrini17.studies import correction_accuracy, table2_noises, trained_anchor_errors

Z = Z_SEEDS  # effects over seeds: p < 0.001 under t (label_noise_lab.simulate.engine.estimate)
Z_AGREE = 5.0  # agreement with a limit
HOST = np  # tiny models: a GPU would only add kernel-launch latency
EXACT_TOL = 1e-12  # "T_hat = T": every entry within this (the recovered rows are copies, so 0 in practice)


def _est(e: Estimate, nd: int = 5) -> dict[str, float]:
    return e.as_dict(nd)


def _sign(e: Estimate, z: float = Z) -> int:
    return e.sign(z)


# ============================================================================ Thm 3 and Eqs. 12-13
#: the noise of the Monte Carlo parts: sec. 5.1's MNIST flips at N = 0.2 (column-dominant)
ANCHOR_N = 0.2
#: sizes of X' with exact ptilde (finite populations of
# label_noise_lab.simulate.correction.anchors.standard_anchor_populations)
ANCHOR_SIZES = (30, 100, 300, 1000, 3000, 10000)
#: the trained-classifier part: Gaussian clusters, a CE network trained on the noisy labels, X' = its inputs
TRAINED_SIZES = (250, 1000, 4000)
TRAINED_SETTINGS: dict[str, Any] = dict(c=10, dim=20, separation=4.0, hidden=(64,), epochs=40, lr=3e-3,
                                        batch_size=128, optimizer="adam", dtype=np.float32)


def _symbolic_thm3(c: int = 3) -> dict[str, Any]:
    """Eq. 11 for a generic ``T`` (c x c symbols) and its value at a perfect example, exactly."""
    T = sp.Matrix(c, c, lambda i, j: sp.Symbol(f"t{i}{j}"))
    p = sp.Matrix(1, c, lambda _, k: sp.Symbol(f"p{k}"))
    eq11 = p * T  # p(noisy = j | x) = sum_k p(y = k | x) T[k, j]
    rows_ok = all(sp.simplify((sp.eye(c)[i, :] * T) - T[i, :]) == sp.zeros(1, c) for i in range(c))
    col = [sp.expand(eq11[0, j]) for j in range(c)]
    return {"c": c, "eq11_column_0": str(col[0]), "ptilde_at_perfect_example_i_equals_row_i": bool(rows_ok)}


def _random_families(rng: np.random.Generator, per_family: int) -> list[tuple[str, TransitionMatrix]]:
    out: list[tuple[str, TransitionMatrix]] = []
    for c in (3, 5, 10):
        for _ in range(per_family):
            out.append((f"Dirichlet(1) rows, c={c}", random_transition(c, rng)))
            out.append((f"Dirichlet(0.3) rows, c={c}", random_transition(c, rng, concentration=0.3)))
            out.append((f"diagonal U(0.1, 0.9), c={c}", random_transition(c, rng, diag=float(rng.uniform(0.1, 0.9)))))
    grid = np.round(np.arange(0.05, 1.0, 0.05), 2)
    for N in grid:
        out.append(("MNIST flips (sec. 5.1)", mnist_flip_matrix(float(N))))
        out.append(("pair flip, c=10", pair_flip(10, float(N))))
        out.append(("uniform (symmetric), c=10", uniform_noise(10, float(N))))
    return out


def _eq12_exact(rng: np.random.Generator, per_family: int) -> dict[str, Any]:
    """Eqs. 12-13 with exact ``ptilde`` on a finite population holding a perfect example of every class.

    For each ``T``: Thm 3 at the perfect examples (``ptilde(x_bar^i) = T[i]``), Eq. 12's argmax over
    the whole support, whether it returns ``T``, and whether it returns the predicted rows
    ``T[argmax_k T[k, i]]`` (:func:`label_noise_lab.simulate.correction.anchors.argmax_anchor_classes`).
    """
    fams: dict[str, dict[str, int]] = {}
    thm3_dev = 0.0
    pred_dev = 0.0
    worst: dict[str, Any] | None = None
    bad_dominant: list[dict[str, Any]] = []
    for fam, T in _random_families(rng, per_family):
        c = T.c
        dist = anchor_mixture(c, rng, n_mixed=50, anchor_mass=0.5 / c)
        pt = noisy_posterior(dist.py_x, T)
        thm3_dev = max(thm3_dev, float(np.abs(pt[:c] - T.matrix).max()))  # the first c points are x_bar^i
        T_hat = estimate_transition(pt)  # X' = the whole support, so every perfect example is in it
        dev = float(np.abs(T_hat - T.matrix).max())
        pred = T.matrix[argmax_anchor_classes(T)]
        pred_dev = max(pred_dev, float(np.abs(T_hat - pred).max()))
        dominant = bool(column_dominant(T).all())
        exact = dev <= EXACT_TOL
        f = fams.setdefault(fam, {"matrices": 0, "column_dominant": 0, "exact": 0, "dominant_not_exact": 0,
                                  "not_dominant_exact": 0})
        f["matrices"] += 1
        f["column_dominant"] += dominant
        f["exact"] += exact
        f["dominant_not_exact"] += dominant and not exact
        f["not_dominant_exact"] += (not dominant) and exact
        if dominant and not exact:
            bad_dominant.append({"family": fam, "T": T.matrix.tolist(), "max_abs_error": dev})
        if not exact and (worst is None or dev > worst["max_abs_error"]):
            wrong = [int(i) for i in np.flatnonzero(np.abs(T_hat - T.matrix).max(axis=1) > EXACT_TOL)]
            worst = {"family": fam, "c": c, "max_abs_error": dev, "wrong_rows": wrong,
                     "rows_returned_instead": {str(i): f"T[{int(argmax_anchor_classes(T)[i])}]" for i in wrong}}
    total = {k: sum(f[k] for f in fams.values()) for k in next(iter(fams.values()))}
    return {"families": fams, "total": total, "thm3_max_abs_deviation": thm3_dev,
            "max_abs_deviation_from_predicted_rows": pred_dev, "largest_failure": worst,
            "dominant_not_exact_examples": bad_dominant[:3]}


def _mnist_flips_anchor(Ns: tuple[float, ...] = (0.2, 0.4, 0.45, 0.5, 0.55, 0.6, 0.8)) -> dict[str, Any]:
    """Where Eq. 12 breaks for the sec. 5.1 MNIST flips (exact ptilde, perfect examples present)."""
    out: dict[str, Any] = {}
    rng = np.random.default_rng(0)  # the population does not matter here: the answer is exact
    dist = anchor_mixture(10, rng, n_mixed=50, anchor_mass=0.05)
    for N in Ns:
        T = mnist_flip_matrix(N)
        T_hat = estimate_transition(noisy_posterior(dist.py_x, T))
        wrong = [int(i) for i in np.flatnonzero(np.abs(T_hat - T.matrix).max(axis=1) > EXACT_TOL)]
        k = argmax_anchor_classes(T)
        out[f"N={N:g}"] = {"column_dominant": bool(column_dominant(T).all()),
                           "non_dominant_columns": [int(i) for i in np.flatnonzero(~column_dominant(T))],
                           "exact": not wrong,
                           "wrong_rows": {str(i): f"T_hat[{i}] = T[{int(k[i])}]" for i in wrong},
                           "det_T_hat": float(np.linalg.det(T_hat)), "det_T": float(np.linalg.det(T.matrix))}
    return out


def _curves_numbers(res: dict[str, Any]) -> tuple[dict[str, Any], dict[str, dict[str, dict[str, Any]]]]:
    sizes = [int(n) for n in res["sizes"]]
    out: dict[str, Any] = {}
    facts: dict[str, dict[str, dict[str, Any]]] = {}
    for p, pop in enumerate(res["populations"]):
        out[pop] = {}
        facts[pop] = {}
        for a, est in enumerate(res["estimators"]):
            err = res["error"][p, a]  # (N, S)
            last = seed_summary(err[-1])
            limit = float(res["limit_error"][p, a])
            agrees = last.agrees(limit, Z_AGREE, atol=1e-12)
            out[pop][est] = {
                "error_vs_size": {str(n): _est(seed_summary(err[k]), 4) for k, n in enumerate(sizes)},
                "share_exact_vs_size": {str(n): float(res["exact"][p, a, k].mean()) for k, n in enumerate(sizes)},
                "limit_error_exact": round(limit, 6),
                f"largest_size_agrees_with_limit_(z={Z_AGREE:g})": bool(agrees),
            }
            facts[pop][est] = {"limit": limit, "last": last, "agrees": agrees,
                               "all_exact_last": bool(res["exact"][p, a, -1].all())}
    return out, facts


@figure_data
def anchor_curves_data(ctx: Context) -> dict[str, Any]:
    """The Monte Carlo error curves of ``patrini17.thm3_anchor`` (also drawn by ``patrini17_anchor_error``)."""
    T = mnist_flip_matrix(ANCHOR_N)
    pops = standard_anchor_populations(T.c, ctx.rng(1))
    return anchor_error_curves(ctx.rng(2), T, pops, sizes=ANCHOR_SIZES, n_seeds=ctx.pick(10, 20, 50),
                               percentiles=(None, PAPER_PERCENTILE))


def _trained_numbers(tr: dict[str, Any]) -> dict[str, Any]:
    """The report's summary of :func:`trained_anchor_errors` (``ptilde`` from a trained network): errors per
    source of ``ptilde`` and ``X'``, the flip rate ``T_hat`` gives the flipped classes, the network's accuracy
    and how close ``X'`` comes to perfect examples."""
    est_names = tr["estimators"]
    trained_numbers: dict[str, Any] = {
        f"{src} ({est})": {str(n): _est(seed_summary(tr[key][a, k]), 4) for k, n in enumerate(tr["sizes"])}
        for key, src in (("error_trained", "network, X' = its training inputs"),
                         ("error_fresh", "network, X' = fresh unlabelled inputs"),
                         ("error_exact", "exact ptilde, X' = the same training inputs"))
        for a, est in enumerate(est_names)}
    trained_numbers["flip_rate_of_T_hat_on_flipped_classes"] = {
        "true": tr["flip_rate_true"],
        **{f"network, X' = its training inputs ({est})": {str(n): _est(seed_summary(tr["flip_rate_trained"][a, k]), 4)
                                                          for k, n in enumerate(tr["sizes"])}
           for a, est in enumerate(est_names)}}
    trained_numbers["clean_test_accuracy_of_the_network"] = {str(n): _est(seed_summary(tr["test_acc"][k]), 4)
                                                             for k, n in enumerate(tr["sizes"])}
    trained_numbers["min_over_classes_of_max_posterior_in_X'"] = {
        str(n): round(float(tr["max_posterior"][k].mean()), 6) for k, n in enumerate(tr["sizes"])}
    return trained_numbers


def _thm3_conditions(tot: dict[str, Any], flips: dict[str, Any], facts: dict[str, Any],
                     curves: dict[str, Any]) -> tuple[list[str], list[str], int]:
    """What the estimator of Eqs. 12-13 needs beyond Thm 3 (column diagonal dominance, perfect examples in
    ``X'``, enough of them for the percentile variant): the conditions in full and in short, and how many test
    matrices the argmax gets wrong."""
    arg, pct = curves["estimators"]
    perf1, perf5, none = curves["populations"]
    conditions: list[str] = []
    short: list[str] = []
    failed = tot["matrices"] - tot["exact"]
    violating = tot["matrices"] - tot["column_dominant"]
    f6 = flips["N=0.6"]
    if failed:
        conditions.append(
            f"Eq. 12's argmax lands on the perfect example of argmax_k T[k, i], so Eqs. 12-13 return T only when "
            f"T[i, i] > T[k, i] for every k != i (column diagonal dominance; {violating} of {tot['matrices']} test "
            f"matrices, random and named families, violate it and {failed} of them come out wrong, each wrong row "
            f"exactly the predicted T[argmax_k T[k, i]]"
            + (f"; {tot['not_dominant_exact']} exact only because the tied rows are identical"
               if tot["not_dominant_exact"] else "")
            + f"; the sec. 5.1 MNIST flips only for N < 0.5: at N = 0.6 {'; '.join(f6['wrong_rows'].values())}, "
            f"and det T_hat = {f6['det_T_hat']:.2g})")
        short.append(f"the diagonal of T must dominate each column ({failed} of {tot['matrices']} test matrices fail; "
                     f"the MNIST flips fail from N = 0.5 on)")
    bias_none = facts[none][arg]["limit"]
    if bias_none > EXACT_TOL:
        conditions.append(
            f"X' must contain perfect examples: when the purest input of each class has p(y = i | x) = 0.9 the argmax "
            f"error tends to {bias_none:.3g}, not 0 (exact limit; MC at |X'| = {ANCHOR_SIZES[-1]}: "
            f"{facts[none][arg]['last'].mean:.3f} ± {facts[none][arg]['last'].stderr:.3f})")
        short.append(f"X' must hold perfect examples (error -> {bias_none:.2g} without)")
    b1, b5 = facts[perf1][pct]["limit"], facts[perf5][pct]["limit"]
    if b1 > EXACT_TOL:
        conditions.append(
            f"the {pct} variant is biased even with exact ptilde unless more than {100 - PAPER_PERCENTILE:g}% of X' "
            f"are perfect examples of each class (limit error {b1:.3g} with 1% per class, {b5:.3g} with 5%)")
        short.append(f"the {pct} variant needs more than {100 - PAPER_PERCENTILE:g}% perfect examples per class "
                     f"(error -> {b1:.2g} with 1%)")
    return conditions, short, failed


def _trained_text(tr: dict[str, Any], arg: str, pct: str) -> str:
    """The trained-network part of the verdict: the error with a network's ``ptilde`` against the exact one."""
    est_names = tr["estimators"]
    a_tr = {e: tr["error_trained"][a, -1] for a, e in enumerate(est_names)}
    a_ex = {e: tr["error_exact"][a, -1] for a, e in enumerate(est_names)}
    fl = {e: tr["flip_rate_trained"][a, -1].mean() for a, e in enumerate(est_names)}
    trained_txt = (f"with ptilde from a CE network trained on the noisy labels the error at |X'| = {TRAINED_SIZES[-1]} "
                   f"is {a_tr[arg].mean():.2f} (argmax) and {a_tr[pct].mean():.2f} ({pct}) against "
                   f"{a_ex[arg].mean():.3f} and {a_ex[pct].mean():.3f} with the exact ptilde on the same X': "
                   f"assumption 2 fails, the network is overconfident (T_hat gives the flipped classes a flip "
                   f"probability of {fl[arg]:.2f} and {fl[pct]:.2f} where T has {tr['flip_rate_true']:.2f})")
    return trained_txt


@claim(
    "patrini17.thm3_anchor",
    figures=("patrini17_anchor_error",),
    source=f"{PATRINI17_TEXT.file}, sec. 4.3, Thm 3, Eqs. 11-13, Algorithm 1; sec. 5.1 (97th percentile)",
    statement=("If every class i has a perfect example x_bar^i (p(y = e^i | x_bar^i) = 1) and p(noisy | x) is known "
               "exactly, then T_ij = p(noisy = j | x_bar^i) (Thm 3); the estimator x_bar^i = argmax_{x in X'} "
               "p(noisy = i | x), T_hat_ij = p(noisy = j | x_bar^i) (Eqs. 12-13), and its variant with the "
               "97th percentile in place of the argmax (sec. 5.1), recover T from noisy class probabilities on "
               "an unlabelled sample X'."),
    expected="qualified",
    method="sim",
)
def thm3_anchor(ctx: Context) -> Evidence:
    ctx.say("Thm 3 and Eq. 12 on random T, exactly")
    sym = _symbolic_thm3()
    fam = _eq12_exact(ctx.rng(0), ctx.pick(30, 100, 300))
    flips = _mnist_flips_anchor()
    T = mnist_flip_matrix(ANCHOR_N)
    ctx.say("Monte Carlo: error against |X'| with exact ptilde")
    n_mc = ctx.pick(10, 20, 50)
    curves = anchor_curves_data(ctx)
    mc_numbers, facts = _curves_numbers(curves)
    n_tr = ctx.pick(3, 5, 10)
    ctx.say(f"Monte Carlo: ptilde from a trained network, {n_tr} seeds")
    tr = trained_anchor_errors(ctx.rng(3), T, sizes=TRAINED_SIZES, n_seeds=n_tr, percentiles=(None, PAPER_PERCENTILE),
                               xp=HOST, **TRAINED_SETTINGS)
    trained_numbers = _trained_numbers(tr)
    numbers = {
        "settings": {"norm": "||T_hat - T||_inf = max_i sum_j |T_hat_ij - T_ij| (twice the largest total-variation "
                             "distance between a true and an estimated row)",
                     "exact_tolerance": EXACT_TOL, "z": Z_AGREE, "mc_T": f"MNIST flips of sec. 5.1 at N = {ANCHOR_N}",
                     "mc_sizes": list(ANCHOR_SIZES), "mc_seeds": n_mc, "estimators": list(curves["estimators"]),
                     "percentile_rule": "nearest rank: the sample whose rank (ascending) is ceil(0.97 n) - 1",
                     "trained": {**TRAINED_SETTINGS, "hidden": list(TRAINED_SETTINGS["hidden"]),
                                 "dtype": np.dtype(TRAINED_SETTINGS["dtype"]).name,
                                 "sizes": list(TRAINED_SIZES), "seeds": n_tr, "loss": "cce",
                                 "population": "Gaussian clusters (means separation * e_k)"},
                     "random_T_per_family": ctx.pick(30, 100, 300)},
        "symbolic_thm3": sym,
        "eq12_exact_on_populations_with_perfect_examples": fam,
        "mnist_flips_eq12": flips,
        "mc_exact_ptilde": mc_numbers,
        "mc_trained_network": trained_numbers,
    }
    tot = fam["total"]
    # ---------------------------------------------------------------- the verdict
    if not sym["ptilde_at_perfect_example_i_equals_row_i"] or fam["thm3_max_abs_deviation"] > EXACT_TOL:
        return Evidence("refuted", "sim", "p(noisy | x_bar^i) differs from T[i] at a perfect example.", numbers,
                        counterexample={"thm3_max_abs_deviation": fam["thm3_max_abs_deviation"], "symbolic": sym})
    if tot["dominant_not_exact"] or fam["max_abs_deviation_from_predicted_rows"] > EXACT_TOL:
        return Evidence("refuted", "sim",
                        "Eq. 12's argmax missed T although the diagonal dominates every column of T.", numbers,
                        counterexample={"examples": fam["dominant_not_exact_examples"]})
    arg, pct = curves["estimators"]
    perf1, perf5, none = curves["populations"]
    mc_consistent = (facts[perf1][arg]["all_exact_last"] and facts[perf5][arg]["all_exact_last"]
                     and facts[none][arg]["agrees"])
    if not mc_consistent:
        return Evidence("inconclusive", "sim",
                        "Thm 3 holds exactly, but the sampled argmax estimator did not reach its exact population "
                        "limit at the largest X' (see numbers); a larger sample would decide.", numbers)
    conditions, short, failed = _thm3_conditions(tot, flips, facts, curves)
    f6 = flips["N=0.6"]
    trained_txt = _trained_text(tr, arg, pct)
    head = (f"Thm 3 holds exactly (ptilde(x_bar^i) = T[i] for {tot['matrices']} matrices, and symbolically); with "
            f"perfect examples in X' the argmax error reaches 0 (all {n_mc} samples exact at |X'| = "
            f"{ANCHOR_SIZES[-1]})")
    if not conditions:
        return Evidence("confirmed", "sim", f"{head}; {trained_txt}.", numbers)
    return Evidence("qualified", "sim",
                    f"{head}, but the estimator needs more than Thm 3 assumes: {'; '.join(short)}; {trained_txt}.",
                    numbers, condition="; ".join(conditions),
                    counterexample={"T": "MNIST flips of sec. 5.1 at N = 0.6", **{k: f6[k] for k in
                                    ("non_dominant_columns", "wrong_rows", "det_T_hat", "det_T")},
                                    "note": "exact ptilde, a perfect example of every class in X'; verified by "
                                            "exact row comparison (the rows returned are copies of rows of T)"}
                    if failed else None)


# ============================================================================ Table 2 in miniature
#: sec. 5.1 in miniature (paper: two dense ReLU layers of 128 with dropout, AdaGrad, 40 epochs, batches of 128)
TABLE_TRAINING: dict[str, Any] = dict(hidden=(64,), epochs=40, lr=3e-3, batch_size=128, optimizer="adam",
                                      percentile=PAPER_PERCENTILE, dtype=np.float32)
CLUSTERS: dict[str, Any] = dict(n_train=1000, n_test=5000, c=10, dim=20, separation=4.0)
DIGITS: dict[str, Any] = dict(n_train=1200, c=10)
PAIRS = {"true T": ("forward", "backward"), "estimated T_hat": ("forward T_hat", "backward T_hat")}
LOST_CLASS = 0.2  # a run 'loses' a class when its clean-test accuracy on that class is below this


def _table(res: dict[str, Any]) -> dict[str, Any]:
    """Table 2's layout: accuracy (%) as 'mean ± sd' over seeds, per method and noise column."""
    acc = res["acc"] * 100.0
    return {m: {k: f"{acc[i, j].mean():.1f} ± {acc[i, j].std(ddof=1):.1f}" for j, k in enumerate(res["settings"])}
            for i, m in enumerate(res["methods"])}


def _cells(res: dict[str, Any]) -> dict[str, dict[str, Any]]:
    acc, methods = res["acc"], res["methods"]
    out: dict[str, dict[str, Any]] = {}
    for j, k in enumerate(res["settings"]):
        for kind, (f, b) in PAIRS.items():
            d = paired_difference(acc[methods.index(f), j], acc[methods.index(b), j])
            out[f"{k}, {kind}"] = {"forward_minus_backward": _est(d, 4),
                                   "z": round(d.mean / d.stderr, 2) if d.stderr > 0 else None, "sign": _sign(d)}
    return out


@figure_data
def _run_dataset(ctx: Context, stream: int, name: str, n_seeds: int) -> dict[str, Any]:
    kw = CLUSTERS if name == "clusters" else DIGITS
    res = correction_accuracy(ctx.rng(stream), dataset=name, noises=table2_noises(10), n_seeds=n_seeds, xp=HOST,
                              **kw, **TABLE_TRAINING)
    acc = res["acc"]
    return {
        "res": res, "seeds": n_seeds,
        "numbers": {
            "accuracy_table_percent": _table(res),
            "table_format": "clean-test accuracy in %, mean ± standard deviation over seeds (as Table 2)",
            "accuracy": {m: {k: {**_est(seed_summary(acc[i, j]), 4), "sd": round(float(acc[i, j].std(ddof=1)), 4)}
                             for j, k in enumerate(res["settings"])} for i, m in enumerate(res["methods"])},
            "forward_vs_backward": _cells(res),
            "T_hat_error_inf_norm": {k: _est(seed_summary(res["T_hat_error"][j]), 3)
                                     for j, k in enumerate(res["settings"])},
            "cond_T": {k: round(float(res["cond_T"][j]), 3) for j, k in enumerate(res["settings"])},
            "cond_T_hat_max": {k: round(float(res["cond_T_hat"][j].max()), 3) for j, k in enumerate(res["settings"])},
            "runs_with_singular_T_hat_mixed_for_backward": int(res["T_hat_mixed_for_backward"].sum()),
            "runs_with_non_finite_parameters": {m: int((~res["finite"][i]).sum())
                                                for i, m in enumerate(res["methods"])},
            "train_acc_on_noisy_labels": {m: {k: round(float(res["train_acc_noisy"][i, j].mean()), 4)
                                              for j, k in enumerate(res["settings"])}
                                          for i, m in enumerate(res["methods"])},
            "n_train": res["n_train"], "n_test": res["n_test"],
        },
    }


#: whether the real-data half (scikit-learn's bundled 8x8 digits) can run here
HAS_DIGITS = importlib.util.find_spec("sklearn") is not None


def table2_seeds(ctx: Context) -> dict[str, int]:
    # differences of 2-5 accuracy points against a seed-to-seed spread of 1-2 points (more where forward loses a
    # class): the clusters, cheaper, get twice the seeds so that they decide alone where scikit-learn is absent
    return {"clusters": ctx.pick(12, 24, 48), "digits": ctx.pick(6, 12, 24)}


def table2_data(ctx: Context) -> dict[str, dict[str, Any]]:
    """The runs of ``patrini17.forward_beats_backward`` by data set (digits absent without scikit-learn);
    also drawn by ``patrini17_accuracy_table``. Memoised through :func:`_run_dataset`."""
    n = table2_seeds(ctx)
    runs = {"gaussian clusters": _run_dataset(ctx, 0, "clusters", n["clusters"])}
    try:
        runs["digits (scikit-learn)"] = _run_dataset(ctx, 1, "digits", n["digits"])
    except ImportError:
        pass
    return runs


def _high_noise_note(runs: dict[str, dict[str, Any]], col: str = "asymm. N=0.6", low: str = "asymm. N=0.2"
                     ) -> dict[str, Any]:
    """Spread over seeds of forward and backward at ``col``, and the error of ``T_hat`` there (numbers and a phrase)."""
    nums: dict[str, Any] = {}
    parts = []
    for name, r in runs.items():
        res = r["res"]
        j, jl = res["settings"].index(col), res["settings"].index(low)
        sd = {m: float(100 * res["acc"][res["methods"].index(m), j].std(ddof=1)) for m in ("forward", "backward")}
        lost = {m: int((res["min_class_acc"][res["methods"].index(m), j] < LOST_CLASS).sum())
                for m in ("forward", "backward")}
        err = float(res["T_hat_error"][j].mean())
        nums[name] = {"sd_percent_forward": round(sd["forward"], 2), "sd_percent_backward": round(sd["backward"], 2),
                      f"runs_losing_a_class_forward (class accuracy < {LOST_CLASS:g})": lost["forward"],
                      f"runs_losing_a_class_backward (class accuracy < {LOST_CLASS:g})": lost["backward"],
                      "min_class_acc_backward_mean": round(float(
                          res["min_class_acc"][res["methods"].index("backward"), j].mean()), 3),
                      "T_hat_error_mean": round(err, 3), f"T_hat_error_mean_at_{low}": round(
                          float(res["T_hat_error"][jl].mean()), 3),
                      "cond_T": round(float(res["cond_T"][j]), 3)}
        S = res["acc"].shape[-1]
        parts.append(f"{name}: sd {sd['forward']:.1f} vs {sd['backward']:.1f} points, a class lost in "
                     f"{lost['forward']} vs {lost['backward']} of {S} runs, ||T_hat - T|| {err:.2f}")
    T = table2_noises(10)[col].matrix
    top = T.max(axis=0)
    wrong = [i for i in range(T.shape[0]) if T[i, i] < top[i] or np.sum(T[:, i] == top[i]) > 1]
    why = (f" (even with exact probabilities Eq. 12's argmax picks the wrong anchors for classes "
           f"{', '.join(map(str, wrong))})" if wrong else "")
    nums["eq12_wrong_anchor_classes_with_exact_probabilities"] = wrong
    text = (f"; at {col} forward varies more across seeds than backward (it sometimes loses a whole class, backward "
            f"degrades all classes evenly) and T_hat is far off{why}: {'; '.join(parts)}")
    return {"numbers": nums, "text": text}


def _setting_estimates(runs: dict[str, dict[str, Any]]) -> dict[str, Estimate]:
    """Per noise column: forward - backward, averaged over T and T_hat within each seed, then over the data sets.

    Each data set gives a mean and standard error over its own seeds; the data sets are independent, so the
    average of their means has standard error ``sqrt(sum se_d^2) / D``.
    """
    per: dict[str, list[Estimate]] = {}
    for r in runs.values():
        res = r["res"]
        acc, methods = res["acc"], res["methods"]
        for j, k in enumerate(res["settings"]):
            d = np.mean([acc[methods.index(f), j] - acc[methods.index(b), j] for f, b in PAIRS.values()], axis=0)
            per.setdefault(k, []).append(seed_summary(d))
    return {k: combine_means(ests) for k, ests in per.items()}


def data_sets_text(used: dict[str, int], digits_skipped: bool) -> str:
    """Which data sets the forward - backward differences were averaged over (``used``: name -> seeds), said as
    computed: one data set is named as the only one, and a skipped digits half is said to be skipped."""
    named = " and ".join(f"{d} ({n} seeds)" for d, n in used.items())
    where = (f"averaged over the {len(used)} data sets {named}" if len(used) > 1
             else f"on one data set only, {named}")
    return (f"{where}, and over T and T_hat"
            + ("; the digits half was skipped (scikit-learn absent)" if digits_skipped else ""))


@claim(
    "patrini17.forward_beats_backward",
    figures=("patrini17_accuracy_table",),
    source=f"{PATRINI17_TEXT.file}, sec. 5.1-5.2, Table 2 (findings (b)-(c): 'forward is usually the best')",
    statement=("Forward correction usually beats backward correction: trained with the sec. 5.1 protocol on labels "
               "corrupted by symmetric noise (N = 0.2) or by the MNIST flips 2->7, 3->8, 5<->6, 7->1 (N = 0.2, "
               "0.6), forward-corrected cross-entropy reaches a higher clean-test accuracy than backward-corrected "
               "cross-entropy, significantly (p < 0.001 under t, paired over seeds, averaged over the data sets used "
               "(Gaussian clusters, and scikit-learn's digits where scikit-learn is installed; the report says which) "
               "and "
               "over the true T and T_hat from Eqs. 12-13) in most of these three noise settings and significantly "
               "lower in none."),
    # confirmed on both data sets; without scikit-learn only the synthetic half runs, and the verdict says so
    expected="confirmed" if HAS_DIGITS else "qualified",
    method="sim",
)
def forward_beats_backward(ctx: Context) -> Evidence:
    # differences of 2-5 accuracy points against a seed-to-seed spread of 1-2 points (more where forward loses a
    # class): the clusters, cheaper, get twice the seeds so that they decide alone where scikit-learn is absent;
    # single (data set, T) cells would need more seeds still (they are reported, not decided on)
    n_seeds = table2_seeds(ctx)
    ctx.say(f"Gaussian clusters: 5 losses x 3 noises, {n_seeds['clusters']} seeds")
    runs = {"gaussian clusters": _run_dataset(ctx, 0, "clusters", n_seeds["clusters"])}
    numbers: dict[str, Any] = {
        "settings": {"training": {**TABLE_TRAINING, "hidden": list(TABLE_TRAINING["hidden"]),
                                  "dtype": np.dtype(TABLE_TRAINING["dtype"]).name},
                     "gaussian_clusters": CLUSTERS,
                     "digits": {**DIGITS, "source": "sklearn.datasets.load_digits (1797 images 8x8, pixels / 16); "
                                "a random split per seed: n_train for training, the rest for testing"},
                     "noises": {k: T.matrix.round(4).tolist() for k, T in table2_noises(10).items()},
                     "seeds": n_seeds, "test": SEED_TEST,
                     "protocol": "Algorithm 1: CE on the noisy labels gives ptilde on X' = the training inputs, "
                                 "T_hat by Eqs. 12-13 (97th percentile), row-normalised; every loss retrains the same "
                                 "initial weights with the same batch order; final clean-test accuracy, paired "
                                 "over seeds",
                     "decision": "per noise setting (Table 2's three noisy columns) the difference forward - "
                                 "backward of each seed is averaged over (T, T_hat); its mean over seeds (standard "
                                 "error from the seeds) is averaged over the data sets used (data_sets_used; standard "
                                 "errors combined as independent); a setting is won when the result is significant "
                                 "(p < 0.001, t); "
                                 "confirmed when more than half of the settings are won and none is lost. The (data "
                                 "set, T) cells are reported with their own z"},
    }
    if HAS_DIGITS:  # the bar names only what runs
        ctx.say(f"scikit-learn digits: 5 losses x 3 noises, {n_seeds['digits']} seeds")
    try:
        runs["digits (scikit-learn)"] = _run_dataset(ctx, 1, "digits", n_seeds["digits"])
        skipped = None
    except ImportError as e:
        skipped = f"skipped: {e}. The verdict rests on the Gaussian clusters alone."
    for name, r in runs.items():
        numbers[name] = r["numbers"]
    if skipped:
        numbers["digits (scikit-learn)"] = {"skipped": skipped}
    pooled = _setting_estimates(runs)
    signs = {k: _sign(e) for k, e in pooled.items()}
    numbers["forward_minus_backward_by_setting"] = {
        k: {**_est(e, 4), "z": round(e.mean / e.stderr, 2) if e.stderr > 0 else None, "sign": signs[k]}
        for k, e in pooled.items()}
    cells = {f"{d}: {cell}": v for d, r in runs.items() for cell, v in r["numbers"]["forward_vs_backward"].items()}
    numbers["cells"] = {"forward_ahead": sum(v["forward_minus_backward"]["mean"] > 0 for v in cells.values()),
                        "significant_for_forward": [c for c, v in cells.items() if v["sign"] > 0],
                        "significant_for_backward": [c for c, v in cells.items() if v["sign"] < 0],
                        "total": len(cells)}
    ladder = effect_ladder(pooled, Z, confirm="majority", refute="majority")
    won, lost, even = ladder.held, ladder.reversed, ladder.undecided

    def fmt(k: str) -> str:
        e = pooled[k]
        return f"{k} {100 * e.mean:+.1f} ± {100 * e.stderr:.1f} points"

    cn = numbers["cells"]
    numbers["data_sets_used"] = {d: r["seeds"] for d, r in runs.items()}
    tail = (f"{len(won)} of {len(pooled)} noise settings won by forward ({SEED_TEST}) "
            f"({'; '.join(fmt(k) for k in pooled)}; {data_sets_text(numbers['data_sets_used'], bool(skipped))}"
            f"); forward is ahead in {cn['forward_ahead']} of {cn['total']} (data set, noise, T) cells, "
            f"significantly in {len(cn['significant_for_forward'])}, behind significantly in "
            f"{len(cn['significant_for_backward'])}")
    high = _high_noise_note(runs)
    numbers["asymm_N0.6_note"] = high["numbers"]
    if ladder.verdict == "confirmed":
        exc = f"; not significant at {', '.join(even)}" if even else ""
        if skipped:  # one synthetic data set is not Table 2's evidence: the claim holds under that condition only
            return Evidence("qualified", "sim", f"Forward correction beats backward in most settings, on synthetic "
                            f"data only: {tail}{exc}{high['text']}.", numbers,
                            condition=f"on one synthetic data set only (Gaussian clusters, {n_seeds['clusters']} "
                            "seeds): the real-data half (scikit-learn's 8x8 digits) did not run; pip install "
                            "\".[replicate]\" runs it")
        return Evidence("confirmed", "sim", f"Forward correction beats backward in most settings: {tail}{exc}"
                        f"{high['text']}.", numbers)
    if ladder.verdict == "refuted":
        return Evidence("refuted", "sim", f"Backward correction beats forward: {tail}.", numbers,
                        counterexample={k: numbers["forward_minus_backward_by_setting"][k] for k in lost})
    if ladder.verdict == "qualified":
        cond = (f"forward wins significantly only at: {'; '.join(fmt(k) for k in won)}"
                + (f"; backward wins at: {'; '.join(fmt(k) for k in lost)}" if lost else "")
                + (f"; no significant difference at: {'; '.join(fmt(k) for k in even)}" if even else ""))
        return Evidence("qualified", "sim", f"Forward beats backward only in part of the settings: {tail}"
                        f"{high['text']}.", numbers, condition=cond)
    return Evidence("inconclusive", "sim", f"No significant difference between forward and backward: {tail}; more "
                    "seeds would decide.", numbers)
