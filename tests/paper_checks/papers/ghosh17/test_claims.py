"""ghosh17 checks: each helper reports failure when fed wrong mathematics; search margins have the right signs."""
import numpy as np
import pytest
import sympy

from label_noise_lab.theory import losses as sl
from label_noise_lab.theory.symmetry import C
from paper_checks.context import Context
from paper_checks.papers.ghosh17 import claims as g
from paper_checks.registry import load

R = sympy.Rational


def ctx(cid="ghosh17.test"):
    return Context(cid, precision="quick")


@pytest.mark.slow
def test_class_sum_helper_refutes_a_wrong_formula():
    right = g._class_sum_verdict("MSE", "c||f||^2 + c - 2",
                                 g._class_sum_check(sl.mse(), lambda t: C * t**2, C - 2, False))
    assert right.verdict == "proved"
    wrong = g._class_sum_verdict("MSE", "c||f||^2 + c", g._class_sum_check(sl.mse(), lambda t: C * t**2, C, False))
    assert wrong.verdict == "refuted" and wrong.counterexample["c"] == 2
    # right formula, wrong claim about constancy: MAE claimed non-constant
    odd = g._class_sum_verdict("MAE", "2c - 2", g._class_sum_check(sl.mae(), lambda t: 0, 2 * C - 2, False))
    assert odd.verdict == "refuted"
    # CCE's class sum is not sum log f_i
    cce = g._class_sum_verdict("CCE", "sum log f_i", g._class_sum_check(sl.cce(), sympy.log, 0, False))
    assert cce.verdict == "refuted"


@pytest.mark.slow  # two whole checks: about a second
def test_class_sum_ranges_close_only_the_ends_they_reach():
    """The statement's range for CCE is [c log c, oo): the supremum is not attained, so the summary must not print
    a closed 'oo]'; MSE's range [c - 1, 2c - 2] is attained at both ends (barycentre, vertex)."""
    reg = load()
    cce = reg["ghosh17.sum_cce"].check(ctx("ghosh17.sum_cce"))
    assert cce.verdict == "proved" and "[c*log(c), oo) " in cce.summary and "oo]" not in cce.summary
    mse = reg["ghosh17.sum_mse"].check(ctx("ghosh17.sum_mse"))
    assert mse.verdict == "proved" and "[c - 1, 2*c - 2] " in mse.summary


@pytest.mark.slow  # SymPy sums: about half a second
def test_class_dependent_identity_for_symbolic_c_and_a_wrong_one():
    """The qualified condition is stated for every c: its identity is derived for symbolic c, and a wrong sign is
    not simplified away."""
    assert g.class_dependent_identity_every_c()
    assert not g.class_dependent_identity_every_c(sign=+1)


def test_mae_unhinged_helper_refutes_a_wrong_factor():
    assert g.mae_unhinged_evidence(lambda t: 2 * (1 - t), range(2, 4)).verdict == "proved"
    bad = g.mae_unhinged_evidence(lambda t: 1 - t, range(2, 4))
    assert bad.verdict == "refuted" and bad.counterexample["c"] == 2


def test_uniform_space_margin_signs():
    space = g.uniform_tolerance_space()
    pt = {"c": 3, "p": np.array([0.5, 0.3, 0.2, 0, 0, 0]), "f": np.array([0.2, 0.5, 0.3, 0, 0, 0]), "r": 0.5}
    assert space.margin(pt) > 0
    exact = {"c": sympy.Integer(3), "p": [R(1, 2), R(3, 10), R(1, 5), 0, 0, 0],
             "f": [R(1, 5), R(1, 2), R(3, 10), 0, 0, 0], "r": R(1, 2)}
    assert space.exact_margin(exact) > 0
    # beyond the threshold (r > 1: eta > (c-1)/c) the clean minimiser loses: the margin turns negative
    assert space.margin({**pt, "r": 1.3}) < 0
    assert space.exact_margin({**exact, "r": R(13, 10)}) < 0
    assert space.margin({**pt, "r": 1.0}) == pytest.approx(0.0, abs=1e-12)  # the boundary: slope 0


def test_class_dependent_space_margins():
    free, cond = g.class_dependent_space(False), g.class_dependent_space(True)
    t = [R(1, 3), R(2, 3), 0, 0]
    f = [0, 1, 0, 0]
    pt = {"c": sympy.Integer(2), "t": t, "f": f}
    assert free.exact_margin(pt) == R(-2, 3)  # R^eta(e_1) - R^eta(e_0) = 2/3 - 4/3
    assert cond.exact_margin(pt) >= 0  # the condition moves the largest entry to the clean class
    fpt = {"c": 2, "t": np.array([1 / 3, 2 / 3, 0, 0]), "f": np.array([0.0, 1.0, 0, 0])}
    assert free.margin(fpt) == pytest.approx(-2 / 3)
    assert cond.margin(fpt) >= 0


@pytest.mark.slow  # two whole checks, the symbolic-c identity included: 0.4 s
def test_uniform_and_class_dependent_checks():
    reg = load()
    ev = reg["ghosh17.uniform_tolerance"].check(Context("ghosh17.uniform_tolerance", precision="quick"))
    assert ev.verdict == "proved" and ev.numbers["slope_zero_at"] == (C - 1) / C
    # issue 65: the report names the statement's own domain (every c, every symmetric loss), proved by the check
    assert ev.numbers["noisy_risk_identity_over_sums"]["holds"]
    assert ev.numbers["proved_domain"]["coordinates"][0]["range"] == "every integer c >= 2"
    ev = reg["ghosh17.class_dependent_tolerance"].check(Context("ghosh17.class_dependent_tolerance", precision="quick"))
    assert ev.verdict == "qualified" and "diagonally dominant" in ev.condition
    assert ev.numbers["identity for symbolic c"] and "for symbolic c, expanded for c = 2..8" in ev.summary
    assert ev.counterexample["smallest"]["R^eta(e_1)"] == R(2, 3)
    assert ev.numbers["search_without_condition"]["verified"]
    assert not ev.numbers["search_with_condition"]["verified"]
    # the search's counterexample is shown in its c-class form, with the folding of the drawn 4-vectors stated
    found = ev.counterexample["search"]
    c = found["c"]
    assert len(found["T_row"]) == c and len(found["f"]) == c and "folded" in found["folding"]
    assert len(found["as drawn (4-simplex)"]["t"]) == 4 and f"{c}-class form" in ev.summary
    exact = sum(t * ((2 - 2 * f) - (2 - 2 * (k == 0))) for k, (t, f) in enumerate(zip(found["T_row"], found["f"])))
    assert exact == found["R^eta(f) - R^eta(f*=e_0)"] < 0  # the folded point is itself the counterexample


def test_folded_counterexample_against_a_plain_fold():
    out = g.folded_counterexample({"c": 3, "t": [R(1, 5), R(1, 5), R(1, 5), R(2, 5)], "f": [0, 0, 1, 0]})
    assert out["T_row"] == (R(1, 5), R(1, 5), R(3, 5)) and out["f"] == (0, 0, 1)
    assert out["R^eta(f) - R^eta(f*=e_0)"] == 2 * (R(1, 5) - R(3, 5))  # 2 (t_0 - t . f)


def test_registrations_have_spaces_where_required():
    reg = load()
    for cid in ("ghosh17.uniform_tolerance", "ghosh17.class_dependent_tolerance"):
        assert reg[cid].space is not None
        assert reg[cid].space().exact_margin is not None
    for cid in ("ghosh17.sum_cce", "ghosh17.sum_mae", "ghosh17.sum_mse", "ghosh17.only_mae_symmetric",
                "ghosh17.mae_unhinged", "ghosh17.uniform_tolerance", "ghosh17.class_dependent_tolerance"):
        c = reg[cid]
        assert ".txt" in c.source and c.statement


def test_fold_np_matches_exact_fold():
    from label_noise_lab.theory.simplex import fold

    x = [R(1, 10), R(2, 10), R(3, 10), R(4, 10)]
    np.testing.assert_allclose(g._fold_np(np.array(x, dtype=float), 3), [float(v) for v in fold(x, 3)])


def test_uniform_tolerance_s_searched_margin_has_its_own_form():
    """The searched (MAE) margin of ``uniform_tolerance_space`` is ``2 (w_j - sum_k w_k f_k)`` with
    ``w_k = uniform_noise_weight(p_k, c, r)`` and ``p_j = max p``, identically on symbols (c = 2..4); ``w`` at a real
    ``c`` is its closed form, ``p (1 - r) + r/c``."""
    space = g.uniform_tolerance_space()
    r = sympy.Symbol("r")
    for c in (2, 3, 4):
        ps, fs = sympy.symbols(f"p0:{c}"), sympy.symbols(f"f0:{c}")
        pad = [0] * (6 - c)
        margin = space.exact_margin({"c": sympy.Integer(c), "p": [*ps, *pad], "f": [*fs, *pad], "r": r})
        w = [g.uniform_noise_weight(pk, c, r) for pk in ps]
        form = 2 * (g.uniform_noise_weight(sympy.Max(*ps), c, r) - sum(wk * fk for wk, fk in zip(w, fs)))
        assert sympy.expand(margin - form) == 0, c
    cc, a = sympy.symbols("c a", positive=True)
    assert sympy.simplify(g.uniform_noise_weight(a, cc, r) - (a * (1 - r) + r / cc)) == 0


def test_uniform_tolerance_s_reduction_is_ghosh_s_argument_for_every_symmetric_loss():
    """Issue 65: the reduction proves the statement for every symmetric loss (an abstract L with sum_k L = C), not MAE:
    its premises are the identity proved for symbolic c, the statement's two hypotheses and the linearity of the
    expectation, none checked at points; its step is (1 - eta c/(c-1)) D >= 0, which fails past eta = (c-1)/c."""
    red = g.uniform_tolerance_reduction()
    assert red.premise_statuses() == ["proved", "hypothesis", "hypothesis", "cited"] and red.decides_statement()
    assert not red.proves and "every symmetric loss" in dict(red.domain)["L"]
    step = red.steps[0].space()
    R = sympy.Rational
    assert step.exact_margin({"c": R(5, 2), "r": R(1, 3), "D": 3}) == 2  # (1 - r) D
    assert step.exact_margin({"c": 3, "r": R(3, 2), "D": 1}) < 0  # beyond the threshold the order flips
    assert dict(step.relaxed) == {"c": "every integer c >= 2"} and step.params[1].open_high
