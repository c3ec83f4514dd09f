"""Exact verification (paper_checks.search.exact) and what the search makes of it: guarded powers, a time limit
of each evaluation's own, and rounding dips told from real failures."""
import time

import numpy as np
import sympy

import paper_checks.search.exact as exact_module
from paper_checks.deadline import deadline
from paper_checks.evidence import Evidence
from paper_checks.search.exact import evaluate, verify
from paper_checks.search.loop import Real, SearchSpace, search

R = sympy.Rational
HANG_GUARD = 300  # seconds: a generous guard against a hang, never a measure of speed


def gce_cce_space():
    """A newcomer's claim, written with plain ``p**q``: GCE never exceeds CCE, (1 - p**q)/q <= -log p."""
    return SearchSpace(
        (Real("p", 0, 1, open_low=True), Real("q", 0, 1, open_low=True)),
        lambda pt: -np.log(pt["p"]) - (1 - pt["p"] ** pt["q"]) / pt["q"],
        lambda pt: -sympy.log(pt["p"]) - (1 - pt["p"] ** pt["q"]) / pt["q"],
        description="-log p - (1 - p**q)/q")


def test_a_float_binary_exponent_is_decided_by_balls_within_the_guard():
    pt = {"p": R(823078240597743, 2**50), "q": R(39750375013209, 2**85)}
    with deadline(HANG_GUARD):
        r = evaluate(gce_cce_space(), pt)
    assert r.status == "holds" and r.how.startswith("ball arithmetic") and r.value > 0
    assert r.float_value < 0  # the doubles dip; the exact value does not


def test_a_tie_below_any_ball_is_decided_by_the_50_digit_rule_from_the_ball():
    """``((7/10)^N + (3/10)^N)^q - ((7/10)^N)^q`` with ``N = 1/(1 - q)``, at ``q = 1 - 10^-6`` (gce18's Theorem 1 near
    q = 1): two powers 10^-154902 and 10^-522879 in size, a margin about 1e-367977. No ball at 2048 bits has its sign,
    and SymPy took minutes for its 50 digits (big-integer loops, unseen by the work meter); the ball puts it within
    1e-77 of 0, at or above the 50-digit rule's -1e-40: it holds, at once. 1e-30 below it, a ball has the sign."""
    def tie(offset):
        def margin(pt):
            q = pt["q"]
            a, b = R(7, 10) ** (1 / (1 - q)), R(3, 10) ** (1 / (1 - q))
            return (a + b) ** q - a**q + offset
        return margin

    for offset, status, how in ((0, "holds", "the 50-digit rule"), (R(-1, 10**30), "fails", "ball arithmetic at 128")):
        space = SearchSpace((Real("q", 0, 1, open_high=True),), lambda pt: 0.0, tie(offset))
        with deadline(HANG_GUARD):
            r = evaluate(space, {"q": R(10**6 - 1, 10**6)})
        assert r.status == status and how in r.how


def test_rationals_are_still_decided_exactly():
    space = SearchSpace((Real("x", 0, 1),), lambda pt: pt["x"] - 0.5, lambda pt: pt["x"] - R(1, 2))
    assert verify(space, {"x": R(1, 3)})[:2] == ("fails", "-1/6")
    assert verify(space, {"x": R(1, 2)})[:2] == ("holds", "0")
    assert verify(space, {"x": R(3, 2)})[0] == "outside"


def test_each_exact_evaluation_has_its_own_work_limit(monkeypatch):
    def slow(pt):
        t = time.monotonic()
        while time.monotonic() - t < HANG_GUARD:
            sympy.Basic()  # an event the meter counts (a SymPy object made)
        return pt["x"]

    monkeypatch.setattr(exact_module, "EXACT_WORK", 0.01)
    space = SearchSpace((Real("x", 0, 1),), lambda pt: pt["x"], slow)
    status = verify(space, {"x": R(1, 3)})[0]
    assert status.startswith("error: the exact evaluation ran past its work limit of 0.01 units")


def test_the_work_limit_stops_at_the_same_count_on_any_machine(monkeypatch):
    """The limit is a count of work: an evaluation that needs less is verified however slow the machine, one that
    needs more is stopped however fast (a wall-clock limit made a verdict's evidence move with the load)."""
    from paper_checks import work

    def costly(n):
        def margin(pt):
            for _ in range(n):
                sympy.Basic()  # an event the meter counts
            return pt["x"] - R(1, 2)
        return margin

    monkeypatch.setattr(exact_module, "EXACT_WORK", 400 * work.NEW_CALLS / work.CALLS_PER_UNIT)
    below = SearchSpace((Real("x", 0, 1),), lambda pt: pt["x"] - 0.5, costly(100))
    above = SearchSpace((Real("x", 0, 1),), lambda pt: pt["x"] - 0.5, costly(1000))
    for _ in range(2):
        assert verify(below, {"x": R(1, 3)})[0] == "fails"
        assert verify(above, {"x": R(1, 3)})[0].startswith("error: the exact evaluation ran past its work limit")


def test_a_rounding_dip_is_said_and_the_claim_is_confirmed():
    with deadline(HANG_GUARD):
        res = search(gce_cce_space(), 2000, np.random.default_rng(1))
    assert res.outcome == "no_failure" and res.worst_margin < 0
    assert res.candidates and all(c["status"] == "artefact" for c in res.candidates)
    assert any("rounding" in n for n in res.notes)
    ev = Evidence.from_search(res, fails="GCE exceeds CCE", holds="GCE <= CCE")
    assert ev.verdict == "confirmed" and "rounding" in ev.summary


def test_margins_that_disagree_are_not_called_rounding():
    # the float margin says -1 everywhere, the exact one +1: not rounding, so never a pass
    space = SearchSpace((Real("x", 0, 1),), lambda pt: -1.0, lambda pt: sympy.Integer(1))
    res = search(space, 200, np.random.default_rng(0))
    assert res.outcome == "unverified"
    assert Evidence.from_search(res, fails="f", holds="h").verdict == "inconclusive"


def test_a_real_failure_beside_rounding_dips_is_still_found():
    # rounding dips near q -> 0, and a real failure where p > 0.9 (the claim is false there)
    def m(pt):
        return -np.log(pt["p"]) - (1 - pt["p"] ** pt["q"]) / pt["q"] - (pt["p"] > 0.9) * 1.0

    def mx(pt):
        return -sympy.log(pt["p"]) - (1 - pt["p"] ** pt["q"]) / pt["q"] - (1 if pt["p"] > R(9, 10) else 0)

    space = SearchSpace((Real("p", 0, 1, open_low=True), Real("q", 0, 1, open_low=True)), m, mx)
    with deadline(HANG_GUARD):
        res = search(space, 2000, np.random.default_rng(2))
    assert res.outcome == "counterexample" and res.counterexample["p"] > R(9, 10)


def test_a_margin_that_branches_takes_the_branch_of_its_exact_value():
    # the build is SymPy's own apart from the large powers kept: 1 * p is p, and p**q (a float's binary
    # exponent, kept as a power) compares below 1 as its value does
    def mx(pt):
        p, q = pt["p"], pt["q"]
        return (p**q if 1 * p == p else -(p**q)) if p**q < 1 else -1

    space = SearchSpace((Real("p", 0, 1), Real("q", 0, 1)), lambda pt: pt["p"] ** pt["q"], mx)
    with deadline(HANG_GUARD):
        r = evaluate(space, {"p": R(1, 3), "q": R(5404319552844595, 2**53)})
    assert r.status == "holds" and r.how.startswith("ball arithmetic") and 0 < r.value < 1
