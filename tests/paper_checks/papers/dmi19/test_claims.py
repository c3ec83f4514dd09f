"""dmi19 checks: each reaches its recorded verdict, and each reports failure when fed a wrong formula or measure."""
import numpy as np
import pytest
import sympy

from label_noise_lab.theory import dmi as td
from paper_checks.context import Context
from paper_checks.papers.dmi19 import invariance, theorem
from paper_checks.registry import load
from paper_checks.search.params.space import to_rational

MINE = {"dmi19.properties": "proved", "dmi19.relative_invariance": "proved", "dmi19.mi_not_invariant": "proved",
        "dmi19.dmi_order_invariant": "qualified", "dmi19.main_theorem": "proved", "dmi19.notes_question": "qualified",
        "dmi19.loss_minimiser": "qualified"}


def ctx(cid="dmi19.test"):
    return Context(cid, precision="quick")


def test_registered_with_expected_verdicts_sources_and_figures():
    reg = load()
    for cid, verdict in MINE.items():
        assert cid in reg and reg[cid].expected == verdict
        assert "003_05482f4d520d534e.txt" in reg[cid].source and "Eq" in reg[cid].source
    assert reg["dmi19.main_theorem"].figures == reg["dmi19.relative_invariance"].figures == ("dmi19_dmi_vs_noise",)
    assert reg["dmi19.mi_not_invariant"].figures == reg["dmi19.dmi_order_invariant"].figures == ("dmi19_mi_vs_dmi",)
    for cid in ("dmi19.properties", "dmi19.mi_not_invariant", "dmi19.dmi_order_invariant"):
        assert reg[cid].space is not None and reg[cid].space().params


@pytest.mark.slow
@pytest.mark.parametrize("cid", list(MINE))
def test_each_check_reaches_its_verdict_at_quick(cid):
    ev = load()[cid].check(ctx(cid))
    assert ev.verdict == MINE[cid], ev.summary
    if ev.verdict == "qualified":
        assert ev.counterexample
        assert ("det T != 0" in ev.condition) or cid == "dmi19.notes_question"


def test_properties_refute_a_signed_determinant():
    ev = invariance.properties_evidence(ctx(), measure="signed_det")
    assert ev.verdict == "refuted" and ev.counterexample


@pytest.mark.slow  # the quick check: about a second
def test_properties_summary_says_what_is_computed_of_the_equality_case():
    """'equality iff T is a permutation': the vertices are enumerated for c = 2, 3, 4 (2, 6, 24 permutations, the
    only unit-vector rows with |det| = 1); off the vertices it is Hadamard's equality case, cited, and the summary
    says so rather than 'expanded'."""
    ev = invariance.properties_evidence(ctx("dmi19.properties"))
    assert ev.verdict == "proved"
    assert "cited, not computed" in ev.summary and "Hadamard's equality case" in ev.summary
    assert "2, 6, 24 permutations" in ev.summary
    assert all(b["tuples with |det| = 1"] == b["of which permutations"] for b in ev.numbers["det_bound"].values())


@pytest.mark.slow  # the quick check: about a second
def test_order_condition_is_derived_for_every_c():
    """The qualified condition det T != 0 is stated for every c: the relation rests on det(Q T) = det Q det T for
    symbolic c (and the expansions at c = 2, 3, 4), and the summary says so."""
    ev = invariance.dmi_order_evidence(ctx("dmi19.dmi_order_invariant"))
    assert ev.verdict == "qualified" and ev.numbers["every_c"]["det(Q T) = det Q det T"]
    assert "for every c (det(Q T) = det Q det T, symbolic c" in ev.summary and "only" not in ev.condition


def test_relative_invariance_refutes_a_wrong_factor():
    ev = invariance.relative_invariance_evidence(ctx(), factor=lambda d: d * d)
    assert ev.verdict == "refuted"
    assert not any(v["agrees"] for v in ev.numbers["monte_carlo"]["cases"].values())


@pytest.mark.slow
def test_mi_example_is_exact_and_dmi_cannot_flip():
    ev = invariance.mi_not_invariant_evidence(ctx())
    cx = ev.counterexample
    assert cx["c"] == 2 and sympy.N(cx["MI(h,Y)"] - cx["MI(h',Y)"]) > 0
    assert sympy.N(cx["MI(h,noisy)"] - cx["MI(h',noisy)"]) < 0
    assert invariance.mi_not_invariant_evidence(ctx(), measure="dmi").verdict == "inconclusive"


@pytest.mark.slow
def test_order_check_refutes_mi():
    ev = invariance.dmi_order_evidence(ctx(), measure="mi")
    assert ev.verdict == "refuted" and ev.counterexample


def test_main_theorem_refutes_a_wrong_factor():
    ev = theorem.main_theorem_evidence(ctx(), factor=lambda d: d * d)
    assert ev.verdict == "refuted"


@pytest.mark.slow
def test_notes_without_x_dependence_fail_only_on_the_training_sample():
    ev = theorem.notes_evidence(ctx(), strength=0.0)
    assert ev.verdict == "qualified" and "(ii)" in ev.condition
    assert not ev.numbers["i_x_dependent_noise"]["fails"] and ev.numbers["ii_fitted_sample"]["fails"]
    assert ev.numbers["iii_fresh_samples"]["holds"]


@pytest.mark.slow
def test_loss_minimiser_refutes_shannon_mi():
    from fractions import Fraction

    import numpy as np

    from label_noise_lab.simulate.dmi.estimators import mutual_information

    def mi(Q):
        return Fraction(mutual_information(np.array([[float(v) for v in r] for r in Q])))

    ev = theorem.loss_minimiser_evidence(ctx(), measure=mi, n_x=4, c=3)
    assert ev.verdict == "refuted" and ev.counterexample["clean_argmin"] != ev.counterexample["noisy_argmin"]


@pytest.mark.slow
def test_notes_question_is_qualified_because_fresh_samples_satisfy_eq32():
    ev = theorem.notes_evidence(ctx())
    assert ev.verdict == "qualified"
    assert ev.numbers["iii_fresh_samples"]["holds"] and ev.numbers["ii_fitted_sample"]["fails"]
    assert "fresh samples" in ev.condition and "in-sample" in ev.condition


def test_the_order_margins_say_they_prove_only_that_no_strict_flip_exists():
    """Issue 57: the order margin ``>= 0`` rules out a strict flip only (it is 0 where the noisy values tie, as every
    DMI does at det T = 0): for DMI that is weaker than Eq. 30's strict '<=>', for MI the negation of the claim."""
    reg = load()
    dmi = reg["dmi19.dmi_order_invariant"].space().proves
    assert dmi.startswith("no strict flip of the DMI order for c = 2") and "DMI(h, noisy Y) >= DMI(h', noisy Y)" in dmi
    assert "weaker" in dmi and "det T = 0" in dmi and "'<=>'" in dmi
    mi = reg["dmi19.mi_not_invariant"].space().proves
    assert mi.startswith("no strict flip of the MI order") and "witness" in mi
    assert "c = 3" in reg["dmi19.properties"].space().proves and "symmetry" in reg["dmi19.properties"].space().proves


@pytest.mark.slow  # the prover on the claim's domain: about 4 s
def test_explore_prove_decides_the_order_claim_as_qualified(capsys):
    """Through the reduction (det's multiplicativity), for every number of classes (issue 57); since issue 65 both
    strict directions for det T != 0 and the statement as written refuted at det T = 0: 'qualified', not a weaker
    'no strict flip'."""
    from paper_checks.cli import main

    assert main(["explore", "dmi19.dmi_order_invariant", "--prove", "--prove-seconds", "60", "--quiet"]) == 0
    verdict = next(line for line in capsys.readouterr().out.splitlines() if line.startswith("=> "))
    assert verdict.startswith("=> qualified: the statement as written is false (verified exactly: c: 2")
    assert "det T = 0" in verdict and "both directions" in verdict and "recorded as qualified" in verdict


@pytest.mark.parametrize("measure", ["mi", "dmi", "signed_det"])
def test_order_margin_is_sympys_max_whichever_branch_the_float_gap_picks(measure):
    # the exact margin picks the larger branch from a clear float gap instead of SymPy's Max: the same expression
    space = invariance.order_space(measure, 2)
    me = invariance._measure_exact(measure)
    rng = np.random.default_rng(7)
    cols = space.sample_columns(rng, 6)
    for j in range(6):
        pt = to_rational({name: vals[j] for name, vals in cols}, space, 1000)
        Q = invariance.td.joint_from_conditional(pt["p"], pt["A"])
        Q2 = invariance.td.joint_from_conditional(pt["p"], pt["A2"])
        T = sympy.Matrix(pt["T"])
        assert space.exact_margin(pt) == sympy.Max(me(Q2) - me(Q), me(Q * T) - me(Q2 * T))


def test_a_near_tie_is_left_to_sympys_max():
    a, b = sympy.log(2), sympy.log(2) + sympy.Rational(1, 10**12)
    assert invariance._larger(a, b, 0.0) == b  # within CLEAR_GAP: Max decides
    assert invariance._larger(a, b, float("nan")) == b
    assert invariance._larger(a, sympy.Integer(0), 0.69) == a


def test_the_dmi_reductions_rest_on_the_margins_own_form():
    """The premises of ``properties_reduction`` and ``order_reduction``: at exact random tables and noise (c = 2..4)
    the spaces' DMI margins are ``min(d, d - s d, 1 - s)`` and ``max(d' - d, s d - s d')`` with ``d = |det Q|``,
    ``d' = |det Q'|``, ``s = |det T|``; Shannon MI's spaces declare no reduction."""
    rng = np.random.default_rng(3)

    def stochastic(rows: int, cols: int) -> list[list[sympy.Rational]]:
        m = [[sympy.Rational(int(v), 7) for v in rng.integers(1, 9, size=cols)] for _ in range(rows)]
        return [[v / sum(row) for v in row] for row in m]

    for c in (2, 3, 4):
        Q = stochastic(1, c * c)[0]
        T = stochastic(c, c)
        d, s = abs(sympy.Matrix(c, c, Q).det()), abs(sympy.Matrix(T).det())
        assert invariance.properties_space(c).exact_margin({"Q": Q, "T": T}) == min(d, d - s * d, 1 - s)
        p, A, A2 = stochastic(1, c)[0], stochastic(c, c), stochastic(c, c)
        dq = abs(td.joint_from_conditional(p, A).det())
        dq2 = abs(td.joint_from_conditional(p, A2).det())
        margin = invariance.order_space("dmi", c).exact_margin({"p": p, "A": A, "A2": A2, "T": T})
        assert margin == max(dq2 - dq, s * dq - s * dq2)
    assert invariance.order_space("mi").reduction is None
    assert invariance.properties_space(3, "dmi").reduction is not None
    assert [st.name for st in invariance.properties_reduction().steps] == ["entry", "product", "monotone"]


def test_the_dmi_reductions_decide_their_statements_with_the_equality_case_and_both_directions():
    """Issue 65: ``properties_reduction`` proves the symmetry (det Q^T = det Q for symbolic c) and the equality case
    (its steps are strict off {0, 1} and off a = b = 1, and fail if loosened); ``order_reduction`` proves both
    directions of the strict orders for det T != 0 and refutes the statement as written at det T = 0, exactly. No
    premise is checked at points."""
    R = sympy.Rational
    props = invariance.properties_reduction()
    assert "checked at points" not in props.premise_statuses() and props.decides_statement() and not props.proves
    entry, product, _ = (st.space() for st in props.steps)
    assert entry.exact_margin({"x": R(1, 2)}) == 0 and entry.exact_margin({"x": R(1, 4)}) == R(1, 16)
    assert product.exact_margin({"a": R(1, 2), "b": R(1, 2)}) == R(1, 4)
    assert product.exact_margin({"a": 1, "b": 1}) == 0
    order = invariance.order_reduction()
    statuses = order.premise_statuses()
    refuted = order.refuted_as_written()
    assert "checked at points" not in statuses and refuted is not None and refuted["c"] == 2
    assert order.decides_statement(statuses, refuted) and "both directions" in order.proves
