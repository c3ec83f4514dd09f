"""gce18 checks: wrong formulas are caught, search margins have the right signs at known points."""
import numpy as np
import pytest
import sympy

from label_noise_lab.theory import gce
from label_noise_lab.theory.gce import Q
from label_noise_lab.theory.symmetry import C
from paper_checks.cli import main
from paper_checks.context import Context
from paper_checks.papers.gce18 import lq, theorems, truncation
from paper_checks.registry import load
from paper_checks.search.exact import verify

R = sympy.Rational


def ctx(cid="gce18.test"):
    return Context(cid, precision="quick")


def test_limit_helper():
    assert lq.limit_q0_evidence(lambda t: -sympy.log(t)).verdict == "proved"
    bad = lq.limit_q0_evidence(lambda t: 1 - t)
    assert bad.verdict == "refuted" and bad.counterexample["t"] == R(1, 2)


@pytest.mark.slow
def test_eq7_helper_refutes_wrong_bounds():
    assert lq.eq7_evidence(ctx(), gce.eq7_bounds()).verdict == "proved"
    too_tight = ((C - 1) / (2 * Q), (C - 1) / Q)  # a lower bound above the true minimum
    ev = lq.eq7_evidence(ctx(), too_tight)
    assert ev.verdict == "refuted" and ev.counterexample["f"] == "barycentre"


@pytest.mark.slow
def test_A_monotone_helper():
    assert theorems.A_monotone_evidence(gce.A_constant()).verdict == "proved"
    ev = theorems.A_monotone_evidence(-gce.A_constant())  # decreasing in q
    assert ev.verdict == "refuted" and float(ev.counterexample["dA/dq"]) < 0


@pytest.mark.slow
def test_eq11_condition_helper():
    assert truncation.eq11_condition_evidence(gce.eq11_lhs(), gce.eq7_width()).verdict == "proved"
    assert truncation.eq11_condition_evidence(2 * gce.eq11_lhs(), gce.eq7_width()).verdict == "refuted"
    assert truncation.eq11_condition_evidence(gce.eq11_lhs(), (C ** (1 - Q) - 2) / Q).verdict == "refuted"


def test_eq10_lower_bound_check_catches_a_bound_that_is_too_high():
    grid = [(10, R(1, 2), R(1, 10)), (3, R(1, 2), R(1, 2)), (5, R(1, 3), R(1, 4))]
    assert truncation.eq10_lower_bound_check(grid, lambda c, q, k: gce.eq10_bounds(c, q, k)[0])["holds"]
    # a bound raised by 1/100 exceeds the exact minimum wherever Eq. 10 is tight
    too_high = truncation.eq10_lower_bound_check(grid, lambda c, q, k: gce.eq10_bounds(c, q, k)[0] + R(1, 100))
    assert not too_high["holds"]


def test_eq11_margins_at_known_points():
    space = truncation.eq11_k03_space()
    bad = {"q": R(3, 4), "k": R(3, 10), "c": sympy.Integer(4)}
    assert space.margin({"q": 0.75, "k": 0.3, "c": 4}) < 0 and float(space.exact_margin(bad)) < 0
    assert space.exact_margin({"q": sympy.Integer(1), "k": R(1, 2), "c": sympy.Integer(2)}) == R(-1, 2)
    good = {"q": R(1, 2), "k": R(1, 2), "c": sympy.Integer(10)}
    assert space.margin({"q": 0.5, "k": 0.5, "c": 10}) > 0 and float(space.exact_margin(good)) > 0
    # tiny q: the instrument's exact verification sizes the power (a million digits) and decides the sign with
    # balls instead of building it (the catalogue keeps no work-around of its own); the margin does not fail there
    tiny = {"q": R(1, 10**6), "k": R(3, 10), "c": sympy.Integer(4)}
    assert verify(space, tiny)[0] == "holds"
    k02 = truncation.eq11_k02_space()
    assert k02.constraint({"q": 0.5, "k": 0.2, "c": 10}) and not k02.constraint({"q": 0.5, "k": 0.05, "c": 10})
    assert k02.margin({"q": 0.95, "k": 0.2, "c": 10}) < 0


def test_eq11_real_c_is_the_integer_margin_at_every_integer_and_covers_the_statement():
    """The catalogue's Eq. 11 domains take ``c`` real on ``[c_low, oo)`` (every integer ``c >= c_low``, the
    statement's own); at an integer the margin, float and exact, is the integer form's, and ``d`` never reads ``c``."""
    from paper_checks.search.params.domain import narrower

    for k_low, c_low, space in ((0.3, 2, truncation.eq11_k03_space()), (0.2, 10, truncation.eq11_k02_space())):
        assert not narrower(space.domain()) and dict(space.relaxed) == {"c": f"every integer c >= {c_low}"}
        whole = truncation.eq11_space(k_low, c_low)
        for c, q, k in ((c_low, R(1, 3), R(1, 2)), (c_low + 1, R(7, 10), R(3, 10) + k_low), (50, R(1, 10), R(9, 10))):
            pt = {"c": sympy.Integer(c), "q": q, "k": sympy.nsimplify(k)}
            assert sympy.simplify(space.exact_margin(pt) - whole.exact_margin(pt)) == 0
            fpt = {"c": c, "q": float(q), "k": float(k)}
            assert space.margin(fpt) == pytest.approx(whole.margin(fpt), rel=1e-12, abs=1e-12)
        assert float(space.exact_margin({"c": R(5, 2) * c_low, "q": R(1, 2), "k": R(1, 2)})) > 0  # defined between


@pytest.mark.slow  # the point near q = 1: a tie about 1e-367977, decided from its ball (2 s)
def test_thm1_space_margin_signs():
    space = theorems.thm1_space()
    p = np.array([0.5, 0.3, 0.2, 0, 0, 0])
    assert space.margin({"c": 3, "p": p, "q": 0.5, "r": 0.6}) >= 0
    assert space.margin({"c": 3, "p": p, "q": 1.0, "r": 0.6}) >= -1e-12
    # beyond the boundary (r > 1), A > 0 > R(f*) - R(f_hat): negative margin
    assert space.margin({"c": 2, "p": np.array([0.7, 0.3, 0, 0, 0, 0]), "q": 0.5, "r": 1.4}) < 0
    ex = {"c": sympy.Integer(2), "p": [R(7, 10), R(3, 10), 0, 0, 0, 0], "q": R(1, 2), "r": R(1, 2)}
    assert float(space.exact_margin(ex)) >= 0
    # r = 10^6: the catalogue keeps no fallback of its own; the instrument's verification, under its own time
    # limit, never calls the point a failure (it holds, or is left unverified with the reason)
    near_one = {**ex, "q": R(999999, 10**6)}
    assert verify(space, near_one)[0] != "fails"


def test_thm2_space_margins():
    cond, free = theorems.thm2_space(True), theorems.thm2_space(False)
    pt = {"c": sympy.Integer(2), "t": [R(1, 10), R(9, 10), 0, 0, 0, 0], "q": R(1, 2)}
    assert float(free.exact_margin(pt)) < 0  # the example showing the condition is needed
    assert float(cond.exact_margin(pt)) >= 0
    uni = {"c": sympy.Integer(3), "t": [R(1, 3), R(1, 3), R(1, 3), 0, 0, 0], "q": R(1, 2)}
    assert cond.exact_margin(uni) == 0  # Hölder's equality case: B is attained at uniform rows
    fpt = {"c": 2, "t": np.array([0.1, 0.9, 0, 0, 0, 0]), "q": 0.5}
    assert free.margin(fpt) < 0 <= cond.margin(fpt)


def test_eq10_space_margin_is_zero_where_bounds_are_attained():
    space = truncation.eq10_space()
    v = np.zeros(10)
    v[0] = 1.0
    assert space.margin({"c": 4, "f": v, "q": 0.5, "k": 0.5}) == pytest.approx(0.0, abs=1e-12)  # vertex, d = 1
    ex = {"c": sympy.Integer(4), "f": [1] + [0] * 9, "q": R(1, 2), "k": R(1, 2)}
    assert space.exact_margin(ex).doit() == 0
    assert not space.constraint({"c": 4, "f": v, "q": 0.5, "k": 0.2})


@pytest.mark.slow
def test_tightness_check_and_its_example():
    ev = load()["gce18.eq10_tight"].check(Context("gce18.eq10_tight", precision="quick"))
    assert ev.verdict == "qualified" and ev.numbers["attained_iff_d_integer"]
    ex = ev.counterexample
    assert ex["d"] == R(5, 2) and ex["argmin_m"] == [3]
    assert sympy.N(ex["exact_min"] - ex["eq10_lower = F(d)"]) > 0
    assert "derived for every q, k, c" in ev.condition  # not only the grid's 'attained iff d integer'


def test_lower_bound_tightness_is_derived():
    """'tight only when d is an integer' for every (q, k, c): F strictly convex for q < 1, d = 1 at q = 1."""
    why = truncation.lower_bound_tightness()
    assert why["holds"] and why["F'' > 0 for q < 1"] and why["d at q = 1"] == 1


def test_thm1_check_is_qualified_by_the_boundary():
    ev = load()["gce18.thm1_uniform"].check(Context("gce18.thm1_uniform", precision="quick"))
    assert ev.verdict == "qualified" and "eta < 1 - 1/c" in ev.condition
    assert ev.numbers["A_at_eta=1-1/c"]["denominator"] == 0
    sign = ev.numbers["sign_of_A"]
    assert sign["A(q=1)"] == 0 and sign["A(eta=0)"] == 0 and sign["A < 0 exactly when eta > 0 and q < 1"]
    assert "A < 0 exactly when q < 1 and eta > 0" in ev.condition and "< 0 for 0 < eta < 1 - 1/c" in ev.summary


def test_A_sign_argument_decides_both_directions_and_fails_for_a_wrong_sign():
    """The statement's 'A < 0': computed (negative inside, zero at q = 1 and eta = 0), not written into the summary."""
    good = theorems.A_sign_argument(gce.A_constant())
    assert good["A < 0 exactly when eta > 0 and q < 1"]
    bad = theorems.A_sign_argument(-gce.A_constant())  # positive inside: the factorisation K (1 - c^(1-q)) fails
    assert not bad["A = K (1 - c^(1-q))"] and not bad["A < 0 exactly when eta > 0 and q < 1"]
    assert "not decided" in theorems._A_sign_text(bad)
    shifted = theorems.A_sign_argument(gce.A_constant() - (1 - Q))  # A - (1 - q): not 0 at eta = 0
    assert not shifted["A < 0 exactly when eta > 0 and q < 1"]


def test_eq11_checks_report_counterexample_and_region():
    ev = load()["gce18.eq11_k03"].check(Context("gce18.eq11_k03", precision="quick"))
    assert ev.verdict == "refuted" and "with_q<=0.9" in ev.counterexample
    region = ev.numbers["region"]
    assert 0.5 < region["holds for all q below"] < 0.7 and region["holds exactly on (0, q_star) on the scan"]


def test_explorable_claims_and_explore_command(capsys):
    reg = load()
    for cid in ("gce18.eq7_bounds", "gce18.eq10_bounds", "gce18.eq11_k03", "gce18.eq11_k02", "gce18.thm1_uniform",
                "gce18.thm2_class_dependent"):
        assert reg[cid].space is not None and reg[cid].space().exact_margin is not None
    thm2 = reg["gce18.thm2_class_dependent"]
    # the source states the claim but not the bound (an appendix it lacks): said so, not 'only in outline'
    assert thm2.reconstructed and "appendix it does not include" in thm2.reconstruction
    assert main(["explore", "gce18.eq11_k02", "--budget", "200"]) == 1  # 1: a verified counterexample
    out = capsys.readouterr().out
    assert "counterexample, verified in exact arithmetic" in out


def test_core_fixes_this_module_relies_on():
    """Two core fixes made for these checks: JSON for zoo/oo, and rounding that respects open ends."""
    from paper_checks.evidence import jsonable
    from paper_checks.search.loop import Real, SearchSpace, to_rational

    assert jsonable({"A": sympy.zoo, "high": sympy.oo, "x": sympy.sqrt(2)}) == {"A": "zoo", "high": "oo",
                                                                                 "x": pytest.approx(2**0.5)}
    space = SearchSpace((Real("q", 0.0, 1.0, open_low=True),), lambda p: 0.0)
    r = to_rational({"q": 1.39e-12}, space)["q"]
    assert 0 < r < sympy.Rational(1, 10**11)  # not rounded onto the excluded end q = 0


def test_eq10_bounds_at_is_theorys_eq10_bounds_on_both_branches_of_d():
    # d = max(1, (1 - q)^(1/q)/k) taken from doubles where clearly apart: the same bounds as theory's Max
    R = sympy.Rational
    points = [(3, R(1, 2), R(1, 2)), (10, R(1, 10), R(1, 9)), (2, R(1), R(3, 4)), (8, R(1, 100), R(587, 1000)),
              (4, R(9, 10), R(1, 4)), (5, R(1, 3), R(1, 5))]
    ratios = [float(gce.d_stationary(q, k)) for _, q, k in points]
    assert min(ratios) < 1 < max(ratios)  # both branches
    for c, q, k in points:
        assert truncation.eq10_bounds_at(c, q, k) == gce.eq10_bounds(c, q, k)
    # a tie ((1 - q)^(1/q)/k = 1 exactly) and symbols are left to theory
    assert truncation.eq10_bounds_at(3, R(1, 2), R(1, 4)) == gce.eq10_bounds(3, R(1, 2), R(1, 4))
    assert truncation.eq10_bounds_at(3, Q, R(1, 2)) == gce.eq10_bounds(3, Q, R(1, 2))
    # q within 1e-10 of 1, (1 - q)^(1/q)/k 1e-7 above 1: 1 - float(q) keeps only six digits of 1 - q, and read so the
    # ratio's error (1e-6) would pass the gap; 1 - q is taken exactly first
    import mpmath

    q, k = 1 - R(1, 10**10), R(1, 10**10) * (1 - R(1, 10**7))
    with mpmath.workdps(50):
        assert mpmath.power(mpmath.mpf(1 - q), 1 / mpmath.mpf(q)) / mpmath.mpf(k) > 1  # above, by 1e-7
    assert truncation.stationary_above_one(q, k) is True
    assert truncation.stationary_above_one(q, k * (1 + R(15, 10**8))) is False  # 5e-8 below (log1p said above)
    assert truncation.stationary_above_one(R(1, 2), R(1, 4)) is None  # a tie: theory decides


def test_eq7_s_reduction_is_theory_s_bounds_and_l_q_s_curvature():
    """gce18's Eq. 7 for every c >= 2: the steps' margins are L_q's second derivative and Eq. 7's bounds
    (label_noise_lab.theory.gce.eq7_bounds) at the barycentre and a vertex, identically 0 there (the bounds are
    attained)."""
    red = lq.eq7_space().reduction
    assert red is not None and [r["name"] for r in red.rows()] == ["c", "f", "q"]
    assert "continuous" in red.premises_text()
    # issue 65: the continuity at the ends is proved by SymPy's limits, the class sum's form cited (Eq. 6): decided
    assert red.premise_statuses() == ["proved", "cited"] and red.decides_statement()
    convex, bary, vert = (s.space() for s in lq.eq7_reduction().steps)
    t, q = R(1, 4), R(1, 2)
    assert convex.exact_margin({"t": t, "q": q}) == (1 - q) * t ** (q - 2)
    for c in (2, 3, R(7, 2), 10):
        assert bary.exact_margin({"c": c, "q": R(1, 3)}) == 0 and vert.exact_margin({"c": c, "q": R(1, 3)}) == 0


def test_thm2_s_reduction_rests_on_the_margin_s_own_form():
    """The premises of ``thm2_reduction``: at exact points (c = 2..6, the largest entry first, q < 1) the space's
    margin is ``(t_0/q) (c^(1-q) - (c u)^(1-q))`` with ``u = sum_k (t_k/t_0)^r / c`` in ``[0, 1]``, ``r = 1/(1-q)``;
    at ``q = 1`` it is 0."""
    space = theorems.thm2_space()
    assert [s.name for s in space.reduction.steps] == ["q < 1", "q = 1"]
    rng = np.random.default_rng(5)
    for c in (2, 3, 4, 5, 6):
        for q in ((R(1, 3), R(7, 10))[c % 2],):
            t = [R(int(v), 97) for v in rng.integers(1, 30, size=c)]
            t = [v / sum(t) for v in t]
            pt = {"c": sympy.Integer(c), "t": t + [0] * (6 - c), "q": q}
            t0, r = max(t), 1 / (1 - q)
            u = sum((v / t0) ** r for v in t) / c
            assert 0 <= u <= 1
            form = t0 / q * (c ** (1 - q) - (c * u) ** (1 - q))
            assert abs(sympy.N(space.exact_margin(pt) - form, 50)) < sympy.Float("1e-45", 50), (c, q)
        uniform = [R(1, c)] * c + [0] * (6 - c)
        assert space.exact_margin({"c": sympy.Integer(c), "t": uniform, "q": sympy.Integer(1)}) == 0


def test_thm1_s_reduction_rests_on_the_noisy_risk_s_form_and_the_minimisers():
    """The premises of ``thm1_reduction``: under uniform noise ``eta = r (c-1)/c`` the noisy risk at one input is
    ``(1 - r) R_p + (r/c) S`` identically on symbols (c = 2..4), and the pointwise minimisers the margin uses are
    below other points of the simplex; the reduction is narrower than the statement on ``r`` only, and says so."""
    from paper_checks.search.params.domain import narrower

    r, q = sympy.Symbol("r"), R(1, 2)
    for c in (2, 3, 4):
        ps, fs = list(sympy.symbols(f"p0:{c - 1}")), sympy.symbols(f"f0:{c}")
        p = ps + [1 - sum(ps)]
        eta = r * R(c - 1, c)
        T = [[1 - eta if i == j else eta / (c - 1) for j in range(c)] for i in range(c)]
        w = [sum(p[i] * T[i][j] for i in range(c)) for j in range(c)]
        L = [(1 - f**q) / q for f in fs]
        noisy = sum(wj * Lj for wj, Lj in zip(w, L))
        assert sympy.expand(noisy - ((1 - r) * sum(pj * Lj for pj, Lj in zip(p, L)) + r / c * sum(L))) == 0, c
    rng = np.random.default_rng(2)
    for c, qq in ((3, R(1, 3)), (4, R(3, 4))):
        p = [R(int(v), 11) for v in rng.integers(1, 9, size=c)]
        p = [v / sum(p) for v in p]
        best = gce.lq_pointwise_minimiser(p, qq)
        risk = lambda f: sum(pk * (1 - fk**qq) / qq for pk, fk in zip(p, f))  # noqa: E731
        for g in rng.dirichlet(np.ones(c), size=5):
            assert float(risk(best)) <= float(risk([float(x) for x in g])) + 1e-12
    red = theorems.thm1_space().reduction
    assert [s.name for s in red.steps] == ["Eq. 7 convex", "Eq. 7 barycentre", "Eq. 7 vertex", "A"]
    assert narrower(red.rows()).startswith("r in [0, 1)") and "c in" not in narrower(red.rows())


def test_thm2_s_reduction_decides_the_statement_over_the_whole_input_space():
    """Issue 65: thm2's reduction is no longer 'at one input' nor resting on checks for c = 2..6: its premises are
    SymPy identities for symbolic c (the noisy risk at the label, Hölder's attained minimum, the margin's form, the
    change of variables), the expectation cited and the statement's hypotheses; its 'q < 1' step fails if the
    change of variables let u exceed 1."""
    red = theorems.thm2_space().reduction
    statuses = red.premise_statuses()
    assert statuses.count("proved") == 4 and "checked at points" not in statuses
    assert red.decides_statement(statuses) and not red.proves
    below = red.steps[0].space()
    assert below.exact_margin({"c": 2, "u": 1, "q": R(1, 2)}) == 0
    assert below.exact_margin({"c": 2, "u": 2, "q": R(1, 2)}) < 0


def test_thm1_s_reduction_decides_the_statement_as_qualified():
    """Issue 65: thm1's premises are proved for symbolic c (the noisy risk's identity, the sign of A), cited or the
    statement's hypotheses, none checked at points; the statement as written is false at c = 2 (A = 0 at eta = 0,
    undefined at eta = 1 - 1/c), verified exactly; so every step proved decides it: the qualified statement."""
    red = theorems.thm1_space().reduction
    statuses = red.premise_statuses()
    assert "checked at points" not in statuses and statuses.count("proved") == 3
    refuted = red.refuted_as_written()
    assert refuted is not None and refuted["c"] == 2 and red.decides_statement(statuses, refuted)
    assert not red.decides_statement(statuses, None) and "no counterexample" in red.weaker(statuses, None)


@pytest.mark.slow
def test_eq7_s_report_names_every_c_as_what_is_proved():
    """Issue 65: ``run --claim gce18.eq7_bounds``'s report.json gave the searched domain ("c = 2..8, weaker than the
    statement") though the check's derivation is for symbolic c; now its evidence carries the statement's own domain
    and the report writes it, saying how it was proved. A wrong bound is refuted and carries none."""
    from paper_checks.report.shared import domain_text
    from paper_checks.run.runner import Result

    claim = load()["gce18.eq7_bounds"]
    ev = claim.check(Context("gce18.eq7_bounds", precision="quick"))
    doc = Result(claim, ev, 0.0).to_json()
    assert ev.verdict == "proved" and doc["domain"]["coordinates"][0]["range"] == "every integer c >= 2"
    assert doc["domain"]["narrower_than_statement"] == "" and "Karamata" in doc["domain"]["proved_by"]
    assert "The statement's own domain, proved by the check: every c >= 2" in domain_text(doc)
    wrong = lq.eq7_evidence(Context("gce18.eq7_bounds", precision="quick"), (C / 2, (C - 1) / Q))
    assert wrong.verdict != "proved" and "proved_domain" not in wrong.numbers


def test_eq10_s_reduction_decides_the_statement_for_every_c():
    """Issue 65: Eq. 10 was undecided beyond c = 2..10 (no reduction): its truncated psi is not convex. Its reduction
    rests on L_q decreasing and convex and on F convex with F'(d*) = 0 (SymPy, symbolic c, q, k), Jensen's inequality
    and the first-order condition cited; its one step, F(0) - F(1) = L_q(k) >= 0, fails for k > 1."""
    red = truncation.eq10_space().reduction
    statuses = red.premise_statuses()
    assert statuses == ["proved", "proved", "cited", "cited", "hypothesis"] and red.decides_statement(statuses)
    empty = red.steps[0].space()
    assert empty.exact_margin({"q": R(1, 2), "k": R(1, 4)}) == 1 and empty.exact_margin({"q": 1, "k": 2}) < 0
