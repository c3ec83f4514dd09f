"""Checks of dmi19, DMI and its invariances: Xu, Cao, Kong & Wang 2019, the DMI properties after Eq. 27,
relative invariance (Eq. 28) and the order of classifiers under noise (Eqs. 26, 30), read through Li's notes.

Exact mathematics in :mod:`label_noise_lab.theory.dmi` (polynomial identities for a generic joint table and a generic
row-stochastic ``T``, ``c`` = 2..4; exact rational instances), numbers in :mod:`label_noise_lab.simulate.dmi.estimators`
and
:mod:`label_noise_lab.simulate.dmi.populations` (joint tables from samples, delta-method standard errors). Monte Carlo
comparisons pass when ``|estimate - target| <= 5 stderr + atol`` with ``atol`` at rounding level, and each
carries a control that the same Monte Carlo must reject (it has the power to see a failure).

Verdicts: ``proved`` (exact derivation, and the Monte Carlo agrees), ``qualified`` (holds only with
``det T != 0``: at ``det T = 0`` every noisy DMI is 0 and the strict orders collapse), ``refuted``
(a verified counterexample). Eq. 32, the notes' doubt on it and the L_DMI minimiser are in
:mod:`paper_checks.papers.dmi19.theorem`.
"""
from __future__ import annotations

import math
from typing import Any, Callable

import numpy as np
import sympy
from sympy.matrices.utilities import dotprodsimp

from label_noise_lab.simulate.dmi import estimators as sd
from label_noise_lab.simulate.dmi import populations as dp
from label_noise_lab.simulate.engine.estimate import Estimate
from label_noise_lab.simulate.noise import random_transition
from label_noise_lab.theory import dmi as td
from label_noise_lab.theory.linalg import matrix_identities_every_c
from label_noise_lab.theory.orders import positive_scale_keeps_strict_orders
from paper_checks.api import (
    Context,
    Evidence,
    Premise,
    Real,
    Reduction,
    SearchSpace,
    SimplexPoint,
    Step,
    StochasticMatrix,
    claim,
    figure_data,
    search,
)
from paper_checks.papers.documents import LI_NOTES

Z = 5.0
ROUND = 1e-12  # atol of the Monte Carlo comparisons: floating-point rounding only
FIG_NOISE = ("dmi19_dmi_vs_noise",)
FIG_ORDER = ("dmi19_mi_vs_dmi",)
SYMBOLIC_CS = (2, 3, 4)  # classes of the symbolic identities (each expands in well under a second)
R = sympy.Rational

Factor = Callable[[Any], Any]  # det T -> the factor a formula claims (Eq. 28/32: det T itself)


def z_score(est: Estimate, target: float) -> float:
    """``|mean - target| / stderr`` of a Monte Carlo estimate (0 or inf when the standard error is 0)."""
    return abs(est.mean - target) / est.stderr if est.stderr > 0 else (0.0 if est.mean == target else math.inf)


def agrees(est: Estimate, target: float) -> bool:
    """The estimate meets ``target`` within ``Z`` standard errors plus rounding."""
    return est.agrees(target, Z, ROUND * (1 + abs(target)))


def matrix_rows(M: sympy.Matrix) -> list[list[Any]]:
    """A SymPy matrix as a list of rows (for the report's numbers)."""
    return [list(M.row(i)) for i in range(M.rows)]


# ================================================================ properties
def _measure_float(name: str) -> Callable[[np.ndarray], float]:
    if name == "dmi":
        return lambda Q: abs(float(np.linalg.det(Q)))
    if name == "signed_det":  # a deliberately wrong "DMI" without the absolute value
        return lambda Q: float(np.linalg.det(Q))
    if name == "mi":
        return lambda Q: sd.mutual_information(np.clip(Q, 0.0, None) / np.clip(Q, 0.0, None).sum())
    raise ValueError(f"unknown measure {name!r}")


def _measure_exact(name: str) -> Callable[[sympy.Matrix], Any]:
    if name == "dmi":
        return td.dmi
    if name == "signed_det":
        return lambda Q: td.joint_matrix(Q).det()
    if name == "mi":
        return td.mutual_information
    raise ValueError(f"unknown measure {name!r}")


def _symbolic(me: Callable[[sympy.Matrix], Any], measure: str, M: sympy.Matrix) -> Any:
    """The measure of a joint table of the prover's symbols: DMI as ``|det M|`` unevaluated. SymPy's own
    simplification of ``|det|`` (sign queries on a polynomial in up to 14 symbols) and of the determinant's
    products took up to 20 s a piece of the domain; unevaluated, it is the same margin."""
    with dotprodsimp(False):
        if measure == "dmi":
            return sympy.Abs(td.joint_matrix(M).det(method="berkowitz"), evaluate=False)
        return me(M)


def properties_space(c: int = 3, measure: str = "dmi") -> SearchSpace:
    """A joint table ``Q = Q_{W1,W2}`` (a ``c^2``-simplex point) and a stochastic ``T = T_{W1->W3}``; margin
    ``min(m(Q), m(Q) - m(T^T Q), 1 - |det T|)``: non-negativity, information monotonicity (``T^T Q = Q_{W3,W2}``
    when ``W3`` is independent of ``W2`` given ``W1``) and ``|det T| <= 1``."""
    mf, me = _measure_float(measure), _measure_exact(measure)

    def margin(pt: dict[str, Any]) -> float:
        Q = np.asarray(pt["Q"], dtype=float).reshape(c, c)
        T = np.asarray(pt["T"], dtype=float)
        return min(mf(Q), mf(Q) - mf(T.T @ Q), 1.0 - abs(float(np.linalg.det(T))))

    def exact(pt: dict[str, Any]) -> Any:
        Q = sympy.Matrix(c, c, list(pt["Q"]))
        T = sympy.Matrix(pt["T"])
        if all(v.is_number for v in [*Q, *T]):
            return sympy.Min(me(Q), me(Q) - me(T.T * Q), 1 - sympy.Abs(T.det()))
        m = [_symbolic(me, measure, M) for M in (Q, T.T * Q)]
        with dotprodsimp(False):
            det_t = T.det(method="berkowitz")
        return sympy.Min(m[0], m[0] - m[1], 1 - sympy.Abs(det_t, evaluate=False), evaluate=False)

    return SearchSpace((SimplexPoint("Q", c * c), StochasticMatrix("T", c)), margin, exact,
                       statement_domain={"Q": "c x c classes, every c >= 2", "T": "c x c, every c >= 2"},
                       description=f"min(m(Q), m(Q) - m(T^T Q), 1 - |det T|), m = {measure}, c = {c}",
                       proves=f"for c = {c}: {measure.upper()}(Q) >= 0, {measure.upper()}(T^T Q) <= "
                              f"{measure.upper()}(Q) and |det T| <= 1 (weaker than the statement: not the symmetry, "
                              "not 'equality iff T is a permutation matrix', one c; its reduction proves them)",
                       reduction=properties_reduction() if measure == "dmi" else None)


#: the two theorems of linear algebra the DMI reductions rest on, and where they are proved
DET_THEOREMS = ("det(A B) = det A det B for square matrices of every size c (multiplicativity); Hadamard's inequality "
                "|det T| <= prod_i ||T_i||_2 over the rows T_i of a real c x c matrix")
DET_SOURCE = ("R. A. Horn and C. R. Johnson, Matrix Analysis, 2nd ed., Cambridge 2013: sec. 0.3 (the determinant of "
              "a product) and sec. 7.8 (Hadamard's inequality)")


def _plain(f: Callable[[dict[str, Any]], Any]) -> Callable[[dict[str, Any]], float]:
    return lambda pt: float(f({k: float(v) for k, v in pt.items()}))


def properties_reduction() -> Reduction:
    """dmi19.properties' statement for every ``c >= 2``, its equality case and the symmetry included. With
    ``d = |det Q|`` and ``s = |det T|``: ``DMI(Q) = d >= 0``; ``DMI(Q^T) = DMI(Q)`` (``det Q^T = det Q``);
    ``DMI(T^T Q) = s d`` (multiplicativity), so ``d - s d >= 0`` for ``s`` in ``[0, 1]``; and ``s <= prod_i ||T_i||_2
    <= 1`` (Hadamard) with equality only at the permutations: ``sum_j T_ij^2 <= sum_j T_ij = 1`` with equality only
    where every ``T_ij`` is 0 or 1 (``x - x^2 >= min(x, 1 - x)/2``, which is ``> 0`` on ``(0, 1)``), and a product of
    numbers in ``[0, 1]`` is 1 only where each is (``1 - a b >= max(1 - a, 1 - b)``, by induction on the rows); a
    0/1 row-stochastic matrix is a permutation or has two equal rows (det 0). Three steps on boxes."""
    entry = lambda pt: pt["x"] - pt["x"] ** 2 - sympy.Min(pt["x"], 1 - pt["x"]) / 2  # noqa: E731
    product = lambda pt: 1 - pt["a"] * pt["b"] - sympy.Max(1 - pt["a"], 1 - pt["b"])  # noqa: E731
    monotone = lambda pt: pt["d"] - pt["s"] * pt["d"]  # noqa: E731
    unit = lambda name: Real(name, 0.0, 1.0)  # noqa: E731
    return Reduction(
        theorem=DET_THEOREMS + ": for every c, DMI(Q^T) = |det Q^T| = |det Q| (symmetry), |det(T^T Q)| = |det T| "
                               "|det Q|, and |det T| <= prod_i ||T_i||_2 <= 1, since sum_j T_ij^2 <= sum_j T_ij = 1 "
                               "(x^2 <= x on [0, 1], strictly inside) and a product of numbers in [0, 1] lies in [0, "
                               "1] and is 1 only where each is (1 - a b >= max(1 - a, 1 - b), by induction on the "
                               "rows); so DMI(Q) = |det Q| >= 0, DMI(Q) - DMI(T^T Q) = d - s d >= 0 with s = |det T| "
                               "in [0, 1], and |det T| = 1 forces every row to be a unit vector (every T_ij in {0, "
                               "1}) with no two equal: a permutation matrix, whose |det| is 1",
        source=DET_SOURCE,
        domain={"Q": "the joint tables of c x c classes (the closed simplex of c^2 coordinates), every c >= 2",
                "T": "the row-stochastic c x c matrices, every c >= 2"},
        steps=(Step("entry", "x - x^2 >= min(x, 1 - x)/2 for x in [0, 1]: x^2 <= x, with equality only at 0 and 1",
                    lambda: SearchSpace((unit("x"),), _plain(entry), entry, description="x - x^2 - min(x, 1 - x)/2")),
               Step("product", "1 - a b >= max(1 - a, 1 - b) for a, b in [0, 1]: a b <= 1, with equality only at "
                               "a = b = 1",
                    lambda: SearchSpace((unit("a"), unit("b")), _plain(product), product,
                                        description="1 - a b - max(1 - a, 1 - b)")),
               Step("monotone", "d - s d >= 0 for d >= 0, s in [0, 1]",
                    lambda: SearchSpace((Real("d", 0.0, math.inf), unit("s")), _plain(monotone), monotone,
                                        description="d - s d, d = |det Q|, s = |det T|"))),
        premises=(Premise("det(Q^T) = det Q and det(Q T) = det Q det T for c x c matrices, every c (so det(T^T Q) = "
                          "det T det Q)", proof=_det_identities_every_c),
                  Premise("Q_{W2,W1} = Q^T, and Q_{W3,W2} = T^T Q where W3 is independent of W2 given W1",
                          cited="the law of total probability, P(W3 = a, W2 = b) = sum_w P(W1 = w, W2 = b) "
                                "P(W3 = a | W1 = w)"),
                  Premise("|det T| <= prod_i ||T_i||_2 over the rows T_i", cited=DET_SOURCE.split(": ")[0]
                          + ", sec. 7.8 (Hadamard's inequality)"),
                  Premise("a permutation matrix has |det| = 1, and a matrix with two equal rows has det 0",
                          cited=DET_SOURCE.split(": ")[0] + ", sec. 0.3 (the determinant is alternating and "
                                                            "multilinear in the rows)")))


def _det_identities_every_c() -> bool:
    every = matrix_identities_every_c()
    return bool(every["det(Q T) = det Q det T"] and every["det(Q^T) = det Q"])


def properties_evidence(ctx: Context, measure: str = "dmi") -> Evidence:
    """Symbolic symmetry, ``|det T| <= 1`` (equality iff permutation) and monotonicity (Xu et al. 2019, properties
    after Eq. 27), then a search with ``measure``."""
    cs = SYMBOLIC_CS
    sym = {c: td.symmetry(c) for c in cs}
    bound = {c: td.det_bound(c) for c in cs}
    inv = {c: td.relative_invariance(c) for c in cs}
    budget = ctx.pick(300, 3000, 10000)
    res = search(properties_space(3, measure), budget, ctx.rng(1))
    numbers: dict[str, Any] = {
        "symmetry det(Q^T) = det(Q)": {c: r.holds for c, r in sym.items()},
        "det_bound": {c: {"det multilinear in the rows": b.multilinear,
                          "det at unit-vector rows": sorted(b.vertex_values),
                          "tuples with |det| = 1": b.maximisers, "of which permutations": b.permutations,
                          "(sum r)^2 - sum r^2 = 2 sum_{j<k} r_j r_k": b.row_identity} for c, b in bound.items()},
        "monotonicity Q_{W3,W2} = T^T Q_{W1,W2}, det product": {c: r.holds for c, r in inv.items()},
        "argument": ("|det| is convex in each row (det is affine in it), so its maximum over a product of simplices is "
                     "at unit-vector rows, where det is in {-1, 0, 1} and |det| = 1 exactly at permutations; by "
                     "Hadamard |det T| <= prod ||T_i||_2 <= prod ||T_i||_1 = 1 with equality only when each row has "
                     "one non-zero entry. Hence DMI(W3, W2) = DMI(W1, W2) |det T| <= DMI(W1, W2)."),
        "search": {**res.to_json(), "c": 3}, "measure": measure,
    }
    failing = [c for c in cs if not (sym[c].holds and bound[c].holds and inv[c].holds)]
    srch = Evidence.from_search(res, fails=f"non-negativity, monotonicity or |det T| <= 1 fails for the measure "
                                f"{measure!r}", holds="no violation (c = 3)", numbers=numbers)
    if srch.verdict == "refuted":
        return srch
    if failing:
        return Evidence("inconclusive", "symbolic", f"a symbolic step fails for c = {failing}; see numbers.",
                        numbers=numbers)
    every_c = matrix_identities_every_c()
    numbers["every_c"] = every_c
    if not all(every_c.values()):
        return Evidence("inconclusive", "symbolic", "a general-c matrix identity did not simplify; see numbers.",
                        numbers=numbers)
    return Evidence("proved", "symbolic", f"DMI = |det Q| is non-negative, symmetric (det Q^T = det Q) and "
                    f"information-monotone: with W3 independent of W2 given W1, Q_{{W3,W2}} = T^T Q_{{W1,W2}}, so "
                    f"DMI(W3, W2) = DMI(W1, W2) |det T| (det(Q^T) = det Q and det(Q T) = det Q det T as c x c "
                    f"matrix-expression identities, symbolic c), and |det T| <= 1 for every stochastic T with equality "
                    f"exactly at the c! permutations: for every c by Hadamard's inequality |det T| <= "
                    f"prod ||T_i||_2 <= prod ||T_i||_1 = 1 (the inequality and its equality case cited, not "
                    f"computed; the row identity ||T_i||_1^2 - ||T_i||_2^2 = 2 sum_(j<k) T_ij T_ik > 0 off the unit "
                    f"vectors, expanded for c <= 4), and for c = {', '.join(map(str, cs))} also by expansion (det "
                    f"multilinear in the rows, so its largest |.| is at unit-vector rows, where it is {{-1, 0, 1}} "
                    f"and 1 exactly at the {', '.join(str(bound[c].permutations) for c in cs)} permutations; that T "
                    "off those rows do not reach 1 is Hadamard's equality case); a search "
                    f"of {res.evaluated} points (c = 3) found no violation.", numbers=numbers)


@claim("dmi19.properties", source=f"{LI_NOTES.file}, L_DMI summary, DMI properties (i)-(iii) after Eq. 27",
       statement="DMI(W1, W2) = |det Q_{W1,W2}| is non-negative, symmetric, and information-monotone: if W3 is "
                 "independent of W2 given W1 then DMI(W3, W2) <= DMI(W1, W2), because |det T| <= 1 for every "
                 "row-stochastic T (equality iff T is a permutation matrix).",
       method="symbolic", expected="proved", space=properties_space)
def properties(ctx: Context) -> Evidence:
    return properties_evidence(ctx)


# ================================================================ relative invariance (Eq. 28)
def _random_joint(rng: np.random.Generator, c: int) -> np.ndarray:
    Q = rng.dirichlet(np.ones(c * c)).reshape(c, c) + np.eye(c) * 0.5 / c  # keep det well away from 0
    return Q / Q.sum()


def relative_invariance_evidence(ctx: Context, factor: Factor | None = None) -> Evidence:
    """Eq. 28 symbolically (``c`` = 2..4) and by Monte Carlo, for the claimed ``factor(det T)`` (default ``det T``)."""
    factor = factor or (lambda d: d)
    cs = SYMBOLIC_CS
    sym = {c: td.relative_invariance(c, factor) for c in cs}
    numbers: dict[str, Any] = {"symbolic": {c: {"marginal W1,W2 kept": r.marginal_12,
                                                "Q_{W2,W3} = Q_{W2,W1} T": r.joint_23,
                                                "det Q_{W2,W3} = det Q_{W2,W1} * claimed factor": r.det}
                                            for c, r in sym.items()},
                               "without_premise": sym[cs[0]].without_premise_residual}
    n = ctx.pick(200_000, 1_000_000, 4_000_000)
    rng = ctx.rng(1)
    mc, ok, power = {}, True, True
    for k, c in enumerate(ctx.pick((2, 3), (2, 3, 4), (2, 3, 4))):
        Q12 = _random_joint(rng, c)
        T = random_transition(c, rng, diag=0.7)
        target = float(np.linalg.det(Q12)) * float(factor(T.det))  # signed: det Q_{W2,W3} = det Q21 * factor(det T)
        est = dp.dmi_from_counts(dp.sample_triples(Q12, T, n, ctx.device_rng(k), ctx.xp).sum(axis=0))
        leak = dp.dmi_from_counts(dp.sample_triples(Q12, T, n, ctx.device_rng(10 + k), ctx.xp, leak=0.3).sum(axis=0))
        agree = agrees(est.det, target)
        detected = not agrees(leak.det, target)
        ok, power = ok and agree, power and detected
        mc[f"c={c}"] = {"det_T": T.det, "DMI(W2,W1)": abs(float(np.linalg.det(Q12))), "target_DMI(W2,W3)": abs(target),
                        "mc_DMI(W2,W3)": est.dmi.as_dict(), "z": z_score(est.det, target), "agrees": agree,
                        "control_W3_copies_W2_30%": {"mc_DMI": leak.dmi.as_dict(), "z": z_score(leak.det, target),
                                                     "detected": detected}}
    numbers["monte_carlo"] = {"n": n, "z": Z, "stderr": "delta method", "backend": ctx.backend.name, "cases": mc}
    bad = [c for c, r in sym.items() if not r.holds]
    if bad:
        return Evidence("refuted", "symbolic", f"the claimed factor does not follow from the premise: for c = {bad[0]} "
                        "det Q_{W2,W3} - det Q_{W2,W1} * factor(det T) does not expand to 0; the Monte Carlo agrees "
                        f"(z = {[round(v['z'], 1) for v in mc.values()]}).", numbers=numbers,
                        counterexample={"c": bad[0], "monte_carlo": mc})
    if not ok:
        return Evidence("inconclusive", "mc", "proved symbolically, but the Monte Carlo disagrees beyond 5 standard "
                        "errors; see numbers.", numbers=numbers)
    if not power:
        return Evidence("inconclusive", "mc", "proved symbolically, but the Monte Carlo could not reject the control "
                                              "in "
                        "which W3 partly copies W2; it lacks power.", numbers=numbers)
    zs = [round(v["z"], 2) for v in mc.values()]
    numbers["every_c"] = every_c = matrix_identities_every_c()
    if not every_c["det(Q T) = det Q det T"]:
        return Evidence("inconclusive", "symbolic", "the general-c determinant identity did not simplify; see numbers.",
                        numbers=numbers)
    return Evidence("proved", "symbolic", "with W3 independent of W2 given W1, the three-way table Q12[w1, w2] T[w1, "
                                          "w3] "
                    f"marginalises to Q_{{W2,W3}} = Q_{{W2,W1}} T (the sum over w1 is a matrix product for every c), "
                    "so "
                    "DMI(W2, W3) = DMI(W2, W1) |det T| by det(Q T) = det Q det T (symbolic c; also expanded for "
                    "generic Q "
                    f"and stochastic T, c = {', '.join(map(str, cs))}); Monte Carlo ({n:.0e} draws, "
                    f"{ctx.backend.name}) agrees at z = {zs}, and rejects a W3 that copies W2 30% of the time at z = "
                    f"{[round(v['control_W3_copies_W2_30%']['z'], 1) for v in mc.values()]}.", numbers=numbers)


@claim("dmi19.relative_invariance", source=f"{LI_NOTES.file}, L_DMI summary, Eq. (28) (with Eq. 29)",
       statement="If W3 is independent of W2 given W1 (all over the same C classes), "
                 "DMI(W2, W3) = DMI(W2, W1) |det T_{W1->W3}| with T_{W1->W3}[w1, w3] = Pr[W3 = w3 | W1 = w1].",
       method="symbolic", expected="proved", figures=FIG_NOISE)
def relative_invariance(ctx: Context) -> Evidence:
    return relative_invariance_evidence(ctx)


# ================================================================ order under noise (Eqs. 26, 30)
def order_space(measure: str = "mi", c: int = 2) -> SearchSpace:
    """Two classifiers ``h, h'`` of one prior ``p`` (``A[y, a] = Pr[h = a | Y = y]``, ``A2`` likewise) and noise ``T``
    that depends on the class only. Margin ``max(-(m(Q) - m(Q')), m(Q T) - m(Q' T))``: negative exactly when
    ``h`` beats ``h'`` with clean labels but loses with noisy ones (``m``: the measure)."""
    mf, me = _measure_float(measure), _measure_exact(measure)

    def margin(pt: dict[str, Any]) -> float:
        p = np.asarray(pt["p"], dtype=float)
        Q, Q2 = (p[:, None] * np.asarray(pt["A"], float)).T, (p[:, None] * np.asarray(pt["A2"], float)).T
        T = np.asarray(pt["T"], dtype=float)
        return max(mf(Q2) - mf(Q), mf(Q @ T) - mf(Q2 @ T))

    def exact(pt: dict[str, Any]) -> Any:
        Q, Q2 = td.joint_from_conditional(pt["p"], pt["A"]), td.joint_from_conditional(pt["p"], pt["A2"])
        T = sympy.Matrix(pt["T"])
        if all(v.is_number for v in [*Q, *Q2, *T]):
            return _larger(me(Q2) - me(Q), me(Q * T) - me(Q2 * T),
                           _float_gap(mf, Q2, Q) - _float_gap(mf, Q * T, Q2 * T))
        m = [_symbolic(me, measure, M) for M in (Q2, Q, Q * T, Q2 * T)]  # on symbols (the prover): unevaluated
        return sympy.Max(m[0] - m[1], m[2] - m[3], evaluate=False)

    return SearchSpace((SimplexPoint("p", c), StochasticMatrix("A", c), StochasticMatrix("A2", c),
                        StochasticMatrix("T", c)), margin, exact,
                       # Shannon MI's claim is that a flip exists: a witness at one c is the statement's; DMI's is
                       # 'for every h, h'' and every number of classes
                       statement_domain={} if measure == "mi" else {
                           "p": "c classes, every c >= 2", "A": "c x c, every c >= 2", "A2": "c x c, every c >= 2",
                           "T": "c x c, every c >= 2"},
                       description=f"max(m(h') - m(h), m(hT) - m(h'T)) with m = {measure}; negative: the order flips",
                       proves=_order_proves(measure, c), reduction=order_reduction() if measure == "dmi" else None,
                       # Shannon MI's flip is found with 8.3 units of a budget of 30 (undecided at 6), session 25
                       proof_work=30.0 if measure == "mi" else 0.0)


def order_reduction() -> Reduction:
    """:func:`order_space`'s DMI margin ``max(d' - d, |det(Q T)| - |det(Q' T)|)`` (``d = |det Q|``, ``d' = |det Q'|``)
    for every ``c >= 2``: by multiplicativity it is ``max(d' - d, s d - s d')`` with ``s = |det T| >= 0``, one step
    on ``d, d' >= 0`` and ``s >= 0``."""
    order = lambda pt: sympy.Max(pt["d2"] - pt["d"], pt["s"] * pt["d"] - pt["s"] * pt["d2"])  # noqa: E731
    half = lambda name: Real(name, 0.0, math.inf)  # noqa: E731
    return Reduction(
        theorem=DET_THEOREMS.split(";")[0] + ": for every c, DMI(h, noisy Y) = |det(Q T)| = s |det Q| with s = "
                                             "|det T| >= 0, and likewise for h', so the margin is max(d' - d, s d - "
                                             "s d') with d = |det Q|, d' = |det Q'| >= 0",
        source=DET_SOURCE.split(" and sec. 7.8")[0] + ")",
        domain={"p": "c classes, every c >= 2", "A": "c x c, every c >= 2", "A2": "c x c, every c >= 2",
                "T": "c x c, every c >= 2"},
        steps=(Step("order", "max(d' - d, s d - s d') >= 0 for d, d', s >= 0",
                    lambda: SearchSpace((half("d"), half("d2"), half("s")),
                                        lambda pt: max(float(pt["d2"]) - float(pt["d"]),
                                                       float(pt["s"]) * (float(pt["d"]) - float(pt["d2"]))),
                                        order, description="max(d' - d, s d - s d'), d = |det Q|, d' = |det Q'|, "
                                                           "s = |det T|")),),
        premises=(Premise("the joint table of h(X) and the noisy label is Q T (Q = Q_{h,Y}): h(X) is independent of "
                          "the noisy label given Y", cited="the law of total probability, P(h = a, noisy = b) = sum_y "
                          "P(h = a, Y = y) P(noisy = b | Y = y)"),
                  Premise("det(Q T) = det Q det T for c x c matrices, every c", proof=_det_product_every_c),
                  Premise("for s = |det T| > 0 the noisy gap s (d - d') is > 0 exactly when d - d' > 0, and < 0 "
                          "exactly when d - d' < 0: both strict orders agree, in both directions (SymPy's solution "
                          "sets in g = d - d' of s g > 0 and s g < 0, s > 0)",
                          proof=positive_scale_keeps_strict_orders)),
        refutation=order_refuted_as_written,
        proves="for every c >= 2 and every T with det T != 0: DMI(h, Y) > DMI(h', Y) <=> DMI(h, noisy Y) > DMI(h', "
               "noisy Y), both directions, and for every T no strict flip (the qualified statement: at det T = 0 both "
               "noisy DMIs are 0, so '=>' fails there)")


def _det_product_every_c() -> bool:
    return bool(matrix_identities_every_c()["det(Q T) = det Q det T"])


def order_refuted_as_written() -> dict[str, Any] | None:
    """Eq. 30's '=>' for every ``T`` fails at ``det T = 0``: at ``c = 2``, ``T = J/2`` and label_noise_lab.theory.dmi's
    example
    classifiers, DMI(h, Y) = 4/27 > DMI(h', Y) = 1/9 but both noisy DMIs are 0, computed exactly (None otherwise)."""
    ex = td.mi_reversal_example()
    half = sympy.Rational(1, 2)
    T = sympy.Matrix([[half, half], [half, half]])
    clean, clean2 = td.dmi(ex["Q_h"]), td.dmi(ex["Q_h2"])
    noisy, noisy2 = td.dmi(ex["Q_h"] * T), td.dmi(ex["Q_h2"] * T)
    if not (clean > clean2 and noisy == noisy2 == 0):
        return None
    return {"c": 2, "T": "[[1/2, 1/2], [1/2, 1/2]] (det T = 0)", "DMI(h, Y) > DMI(h', Y)": f"{clean} > {clean2}",
            "DMI(h, noisy Y) = DMI(h', noisy Y)": f"{noisy} = {noisy2}: '=>' fails"}


#: a float difference of two order margins beyond which their order is certain: each margin is a few terms of
#: size at most about 40 (``q log(q / (r c))`` or a 2x2..5x5 determinant of entries in [0, 1]) evaluated in doubles
#: from correctly rounded entries, so its error is below 1e-12; 1e-9 leaves a factor of 1000
CLEAR_GAP = 1e-9


def _float_gap(mf: Callable[[np.ndarray], float], M: sympy.Matrix, M2: sympy.Matrix) -> float:
    """``mf(M) - mf(M2)`` in doubles, for exact tables ``M``, ``M2``."""
    return mf(np.array(M.tolist(), dtype=float)) - mf(np.array(M2.tolist(), dtype=float))


def _larger(a: Any, b: Any, float_a_minus_b: float) -> Any:
    """``sympy.Max(a, b)`` for two exact real numbers whose difference is known in doubles: the larger of them
    where that difference is clearly not rounding (:data:`CLEAR_GAP`), which is what ``Max`` returns, without
    its comparisons of the two sums of logarithms to 15 digits (most of a shrinking step's exact evaluation),
    else ``Max`` itself (a near tie, or a NaN)."""
    if float_a_minus_b > CLEAR_GAP:
        return a
    if float_a_minus_b < -CLEAR_GAP:
        return b
    return sympy.Max(a, b)


def _order_proves(measure: str, c: int) -> str:
    """What the order margin ``>= 0`` on the whole domain proves: no *strict* flip, ``m(h) > m(h')`` implies
    ``m(hT) >= m(h'T)``. That is weaker than Eq. 30's ``<=>`` of strict orders (0 where both noisy values tie,
    as every DMI does at ``det T = 0``), and for Shannon MI it is the negation of ``dmi19.mi_not_invariant``."""
    m = "MI" if measure == "mi" else measure.upper()
    flip = (f"no strict flip of the {m} order for c = {c}: {m}(h, Y) > {m}(h', Y) implies {m}(h, noisy Y) >= "
            f"{m}(h', noisy Y)")
    if measure == "mi":
        return (f"{flip}, which denies the claim's strict flips but not a tie (the claim says a flip exists: a "
                "counterexample to this margin is its witness)")
    return (f"{flip} (the weaker statement: the claim's '<=>' of strict orders also needs the noisy order strict, "
            "and fails at det T = 0, where both noisy DMIs are 0)")


def _order_values(ex: dict[str, Any], measure: Callable[[Any], Any]) -> dict[str, Any]:
    Q, Q2, T = ex["Q_h"], ex["Q_h2"], ex["T"]
    vals = {"clean_h": measure(Q), "clean_h2": measure(Q2), "noisy_h": measure(Q * T), "noisy_h2": measure(Q2 * T)}
    d_clean = sympy.N(vals["clean_h"] - vals["clean_h2"], 50)
    d_noisy = sympy.N(vals["noisy_h"] - vals["noisy_h2"], 50)
    return {**vals, "d_clean": d_clean, "d_noisy": d_noisy, "flips": bool(d_clean > 0 and d_noisy < 0)}


def mi_not_invariant_evidence(ctx: Context, measure: str = "mi") -> Evidence:
    """An exact example (``label_noise_lab.theory.dmi.mi_reversal_example``) and a search (``c = 2``) for an order flip
    of
    ``measure`` (Xu et al. 2019, Eq. 26)."""
    me = _measure_exact(measure)
    ex = td.mi_reversal_example()
    vals = _order_values(ex, me)
    budget = ctx.pick(300, 2000, 8000)
    res = search(order_space(measure, 2), budget, ctx.rng(1))
    numbers: dict[str, Any] = {"measure": measure, "example": {"prior": ex["prior"], "A_h": matrix_rows(ex["A_h"]),
                                                               "A_h2": matrix_rows(ex["A_h2"]),
                                                               "T": matrix_rows(ex["T"]),
                                                               "det_T": ex["T"].det(), "Q_h": matrix_rows(ex["Q_h"]),
                                                               "Q_h2": matrix_rows(ex["Q_h2"]),
                                                               **{k: (sympy.N(v, 12) if k != "flips" else v)
                                                                  for k, v in vals.items()}},
                               "search": {**res.to_json(), "c": 2}}
    if vals["flips"] or res.verified:
        if vals["flips"]:
            cx = {"c": 2, "prior": ex["prior"], "A_h": matrix_rows(ex["A_h"]), "A_h2": matrix_rows(ex["A_h2"]),
                  "T": matrix_rows(ex["T"]),
                  "MI(h,Y)": vals["clean_h"], "MI(h',Y)": vals["clean_h2"], "MI(h,noisy)": vals["noisy_h"],
                  "MI(h',noisy)": vals["noisy_h2"]}
            what = (f"c = 2, prior (2/3, 1/3), h a Z-channel sending 1/3 of class 0 to 1, h' the reverse Z-channel "
                    f"sending 1/2 of class 1 to 0, noise T = h's channel (det T = 2/3): MI(h, Y) = "
                    f"{float(vals['clean_h']):.4f} > MI(h', Y) = {float(vals['clean_h2']):.4f} nats but MI(h, noisy) = "
                    f"{float(vals['noisy_h']):.4f} < MI(h', noisy) = {float(vals['noisy_h2']):.4f} "
                    "(signs to 50 digits)")
        else:
            cx = res.to_json()["counterexample"]
            what = f"the search's verified point {cx} (exact margin {res.exact_margin})"
        dmi_kept = _order_values(ex, td.dmi)
        numbers["example"]["DMI"] = {k: v for k, v in dmi_kept.items()}
        found = (f"; the search also found and verified a flip (margin {res.exact_margin_value:.3g})"
                 if res.verified else "")
        # an exactly verified instance proves the existence claim: the evidence is exact, not a sample
        return Evidence("proved", "exact", f"Shannon MI does not keep the order of classifiers under class-dependent "
                        f"noise: {what}, while the DMI order is kept (4/27 > 1/9 clean, 8/81 > 2/27 noisy){found}.",
                        numbers=numbers, counterexample=cx)
    return Evidence("inconclusive", "search", f"no order flip of {measure!r}: the example does not flip and a search "
                                              "of "
                    f"{res.evaluated} points (c = 2) found none; a larger c or budget might.", numbers=numbers)


@claim("dmi19.mi_not_invariant", source=f"{LI_NOTES.file}, L_DMI summary, Eq. (26) (with Eq. 24)",
       statement="For Shannon MI, MI(h(X), Y) > MI(h'(X), Y) does not imply MI(h(X), noisy Y) > MI(h'(X), noisy Y): "
                 "there exist h, h' and a class-dependent T for which the order flips.",
       method="exact", expected="proved", space=order_space, figures=FIG_ORDER)
def mi_not_invariant(ctx: Context) -> Evidence:
    return mi_not_invariant_evidence(ctx)


def dmi_order_evidence(ctx: Context, measure: str = "dmi") -> Evidence:
    """Eq. 30: the symbolic relation, a search for a strict flip of ``measure``, and the ``det T = 0`` instance."""
    cs = SYMBOLIC_CS
    sym = {c: td.order_equivalence(c) for c in cs}
    budget = ctx.pick(300, 2000, 8000)
    results = {c: search(order_space(measure, c), budget, ctx.rng(c)) for c in (2, 3)}
    me = _measure_exact(measure)
    ex = td.mi_reversal_example()
    singular = sympy.Matrix([[R(1, 2), R(1, 2)], [R(1, 2), R(1, 2)]])
    sing = _order_values({**ex, "T": singular}, me)
    numbers: dict[str, Any] = {
        "measure": measure,
        "symbolic": {c: {"DMI(h,noisy) - DMI(h',noisy) = factor * (DMI(h,Y) - DMI(h',Y))": r.identity,
                         "factor": r.relation} for c, r in sym.items()},
        "search": {c: {**r.to_json(), "c": c} for c, r in results.items()},
        "det_T=0": {"T": matrix_rows(singular), "Q_h": matrix_rows(ex["Q_h"]), "Q_h2": matrix_rows(ex["Q_h2"]),
                    **{k: (v if k == "flips" else sympy.N(v, 12)) for k, v in sing.items()}},
    }
    for c, r in results.items():
        srch = Evidence.from_search(r, fails=f"the order of two classifiers under {measure!r} flips under "
                                    f"class-dependent noise (c = {c})", holds="no order flip", numbers=numbers)
        if srch.verdict == "refuted":
            return srch
    if not all(r.identity for r in sym.values()):
        return Evidence("inconclusive", "symbolic", "the symbolic relation between the noisy and clean DMI differences "
                        "does not hold; see numbers.", numbers=numbers)
    collapse = measure == "dmi" and sing["d_clean"] > 0 and sing["d_noisy"] == 0
    worst = min(r.worst_margin for r in results.values())
    # the relation for every c: |det(Q T)| = |det Q| |det T| as a c x c matrix-expression identity
    numbers["every_c"] = every_c = matrix_identities_every_c()
    general = bool(every_c.get("det(Q T) = det Q det T"))
    where = (f"for every c (det(Q T) = det Q det T, symbolic c; expanded for generic Q, Q' and stochastic T at c = "
             f"{', '.join(map(str, cs))})" if general else
             f"for generic Q, Q' and stochastic T (c = {', '.join(map(str, cs))} only)")
    if not collapse:  # identities for a few c and a search: evidence, not a proof for every c
        return Evidence("confirmed", "symbolic", f"DMI(h, noisy) - DMI(h', noisy) = |det T| (DMI(h, Y) - DMI(h', Y)) "
                        f"for c = {', '.join(map(str, cs))} only, and searches of {budget} evaluations each (c = 2 "
                        "and 3) found no flip.", numbers=numbers)
    cond = "det T != 0 (T invertible); at det T = 0 every classifier has DMI(h, noisy) = 0" + (
        "" if general else f" (derived for c = {', '.join(map(str, cs))} only)")
    rounding = (f"; the most negative floating-point margin, {worst:.1g}, is rounding at a tie, not confirmed in exact "
                "arithmetic" if worst < 0 else "")
    return Evidence("qualified", "symbolic", f"DMI(h, noisy) - DMI(h', noisy) = |det T| (DMI(h, Y) - DMI(h', Y)) "
                    f"{where}, so the two strict orders agree "
                    f"exactly when det T != 0 (searches of {budget} evaluations each, c = 2 and 3, found no "
                    f"flip{rounding}); "
                    f"at det T = 0 (e.g. T = J/2) both noisy DMIs are 0 although DMI(h, Y) = 4/27 > "
                    "DMI(h', Y) = 1/9, so '=>' fails there; and the noisy gap shrinks by |det T|, so a nearly "
                    "singular "
                    f"T leaves an order that samples cannot resolve.", numbers=numbers, condition=cond,
                    counterexample={"T": matrix_rows(singular), "Q_h": matrix_rows(ex["Q_h"]),
                                    "Q_h2": matrix_rows(ex["Q_h2"]),
                                    "DMI(h,Y)": sing["clean_h"], "DMI(h',Y)": sing["clean_h2"],
                                    "DMI(h,noisy)": sing["noisy_h"], "DMI(h',noisy)": sing["noisy_h2"]})


@claim("dmi19.dmi_order_invariant", source=f"{LI_NOTES.file}, L_DMI summary, Eq. (30)",
       statement="For every h, h': DMI(h(X), Y) > DMI(h'(X), Y) <=> DMI(h(X), noisy Y) > DMI(h'(X), noisy Y), "
                 "with noise that depends on the class only (h(X) independent of noisy Y given Y).",
       method="symbolic", expected="qualified", space=lambda: order_space("dmi", 2), figures=FIG_ORDER)
def dmi_order_invariant(ctx: Context) -> Evidence:
    return dmi_order_evidence(ctx)


@figure_data
def mi_dmi_path(ctx: Context) -> dict[str, Any]:
    """MI and DMI of the two classifiers of the exact example of ``dmi19.mi_not_invariant`` along
    ``T(t) = (1 - t) I + t T`` (t = 0..1, 101 points; Xu et al. 2019, Eqs. 26, 28, 30). Exact: ``ctx`` is unused."""
    ex = td.mi_reversal_example()
    to_f = lambda M: np.array(M.tolist() if hasattr(M, "tolist") else M, dtype=float)  # noqa: E731
    return dp.mi_dmi_orders(to_f(ex["Q_h"]), to_f(ex["Q_h2"]), to_f(ex["T"]), np.linspace(0, 1, 101))
