"""A statement on its own domain reduced to sub-statements on boxes (``paper_checks.search.params.reduction``):
Karamata's reduction of a separable class sum's bounds (issue 57; gce18's Eq. 7 is tested with its claims)."""
from __future__ import annotations

import pytest
import sympy

from paper_checks.search.params import Real, SearchSpace
from paper_checks.search.params.domain import narrower
from paper_checks.search.params.reduction import KARAMATA_SOURCE, Premise, Reduction, Step, separable_sum_bounds

R = sympy.Rational


def _squares() -> Reduction:
    """``1/c <= sum_j f_j^2 <= 1``: ``psi(t) = t^2`` (the parameter ``a`` only scales it)."""
    return separable_sum_bounds(psi=lambda t, x: x["a"] * t**2, lower=lambda c, x: x["a"] / c,
                                upper=lambda c, x: x["a"], others=(Real("a", 1, 2),), what="a t^2")


def test_karamata_s_three_steps_are_the_curvature_and_the_bounds_at_the_barycentre_and_a_vertex():
    red = _squares()
    assert [s.name for s in red.steps] == ["convex", "barycentre", "vertex"] and "Marshall" in red.source
    convex, bary, vert = (s.space() for s in red.steps)
    assert [p.name for p in convex.params] == ["t", "a"] and convex.params[0].open_low
    assert convex.exact_margin({"t": R(1, 3), "a": R(3, 2)}) == 3 and convex.margin({"t": 0.5, "a": 1.5}) == 3.0
    assert bary.exact_margin({"c": R(5, 2), "a": 1}) == 0 and vert.exact_margin({"c": 7, "a": R(3, 2)}) == 0
    # c is a real relaxation of every integer c >= 2 in the steps that read it: they are not narrower
    assert dict(bary.relaxed) == {"c": "every integer c >= 2"} and not narrower(bary.domain())
    rows = red.rows()
    assert [r["name"] for r in rows] == ["c", "f", "a"] and rows[0]["range"] == "every integer c >= 2"
    assert rows[2]["range"] == "[1, 2]" and red.to_json()["steps"][0]["name"] == "convex"
    with pytest.raises(ValueError, match="at least one step"):
        Reduction("t", "s", {}, ())
    assert isinstance(red.steps[0], Step) and "Prop. 3.C.1" in KARAMATA_SOURCE


def test_a_space_with_a_reduction_proves_the_statement_s_domain_and_drops_it_when_narrowed():
    red = _squares()
    space = SearchSpace((Real("a", 1, 2),), lambda pt: 0.0, statement_domain={"a": "x"}, reduction=red)
    assert space.proof_domain() == red.rows() and narrower(space.domain())
    narrowed = space.narrowed({"a": "1..1.5"})
    assert narrowed.reduction is None and narrowed.proof_domain() == narrowed.domain()


def test_a_reduction_decides_the_statement_only_with_nothing_weaker_and_no_premise_checked_at_points():
    """Issue 65: every step proved is a proof of the statement only where the steps prove it (no ``proves``) and every
    premise is proved for every c, cited, or the statement's hypothesis; a premise given as text, or one whose proof
    does not hold, is ``checked at points`` and the rows say ``reduction``, not ``statement``."""
    step = (Step("s", "x", lambda: None),)
    proved, failed = Premise("an identity", proof=lambda: True), Premise("a false one", proof=lambda: False)
    cited, own = Premise("a theorem", cited="a book, Thm 1"), Premise("f* minimises R", hypothesis=True)
    whole = Reduction("t", "s", {"c": "every integer c >= 2"}, step, premises=(proved, cited, own))
    assert whole.premise_statuses() == ["proved", "cited", "hypothesis"] and whole.decides_statement()
    assert whole.weaker() == "" and whole.rows()[0]["kind"] == "statement" and whole.to_json()["decides_statement"]
    assert "[cited: a book, Thm 1]" in whole.premises_text() and "proved by SymPy on symbols" in whole.premises_text()
    for loose in (Reduction("t", "s", {"c": "every integer c >= 2"}, step, premises="sampled at c = 2..4"),
                  Reduction("t", "s", {"c": "every integer c >= 2"}, step, premises=(proved, failed))):
        assert not loose.decides_statement() and "premises checked at points only" in loose.weaker()
        assert loose.to_json()["domain"][0]["kind"] == "reduction"
    weaker = Reduction("t", "s", {"c": "every integer c >= 2"}, step, premises=(proved,), proves="one loss")
    assert not weaker.decides_statement() and weaker.weaker() == "the steps prove one loss"


def test_a_report_domain_is_given_only_for_a_reduction_that_decides_the_statement():
    step = (Step("s", "x", lambda: None),)
    decided = Reduction("t", "s", {"c": "every integer c >= 2"}, step, premises=(Premise("p", proof=lambda: True),))
    dom = decided.report_domain("the check's derivation")
    assert dom["coordinates"][0]["kind"] == "statement" and dom["proved_by"] == "the check's derivation"
    with pytest.raises(ValueError, match="does not decide"):
        Reduction("t", "s", {"c": "every integer c >= 2"}, step, premises="at c = 2..4").report_domain("x")


def _kinked(psi, lower, upper) -> Reduction:
    return separable_sum_bounds(psi=lambda t, x: psi(t), lower=lambda c, x: lower(c), upper=lambda c, x: upper(c),
                                others=(), what="a kinked psi")


def test_a_psi_with_kinks_is_convex_by_midpoints_without_dirac_delta():
    """Issue 65: a class sum through Karamata with a loss written with Max (as the docs advise) stopped at "the node
    DiracDelta(...) is not in the whitelist": psi'' of a kink. Now a psi with Max, Min, Abs or Piecewise is convex by
    psi(x) + psi(y) >= 2 psi((x + y)/2) with its continuity on [0, 1] a premise SymPy proves; no derivative is taken."""
    half = R(1, 2)
    for psi in (lambda t: sympy.Max(t, half), lambda t: sympy.Abs(t - R(1, 3)),
                lambda t: sympy.Piecewise((half - t, t < half), (0, True))):
        red = _kinked(psi, lambda c: 0, lambda c: c)
        convex = red.steps[0].space()
        assert [p.name for p in convex.params] == ["x", "y"] and "midpoint" in red.steps[0].shows
        margin = convex.exact_margin({"x": sympy.Symbol("x"), "y": sympy.Symbol("y")})
        assert not margin.has(sympy.DiracDelta, sympy.Derivative) and red.premise_statuses() == ["proved"]
    broken = _kinked(lambda t: sympy.Piecewise((t, t < half), (t + 1, True)), lambda c: 0, lambda c: c)
    assert broken.premise_statuses() == ["checked at points"]  # a jump: midpoint convexity would not be convexity
    concave = _kinked(lambda t: sympy.Min(t, half), lambda c: 0, lambda c: c).steps[0].space()
    assert concave.exact_margin({"x": 0, "y": 1}) < 0  # min is concave: its midpoint margin fails


@pytest.mark.slow  # three small proofs with kinks: about 7 s
def test_a_class_sum_with_max_is_proved_for_every_c_through_karamata():
    from paper_checks.prover import prove

    red = _kinked(lambda t: sympy.Max(t, R(1, 2)), lambda c: c / 2, lambda c: 1 + (c - 1) / 2)
    assert red.decides_statement()
    for step in red.steps:
        assert prove(step.space(), 4000, 60, work=2.0, search_first=2000).outcome == "proved", step.name
