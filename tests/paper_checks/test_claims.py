"""The regression suite: every registered claim at quick precision, against its recorded verdict.

A difference is either a regression or a discovery: fix the code, or record the new
verdict in the claim's registration with the reason in the commit message.
"""
import re

import pytest

from paper_checks.pytest_plugin import verdict_problem
from paper_checks.registry import PAPERS, load
from tests.paper_checks._quick import quick_result

CLAIMS = load()


@pytest.mark.slow
@pytest.mark.parametrize("claim_id", [pytest.param(i, marks=pytest.mark.xdist_group(i)) for i in CLAIMS])
def test_claim_verdict_matches_record(claim_id):
    res = quick_result(claim_id)
    problem = verdict_problem(res)  # the comparison and message of `pytest --claims` (paper_checks/pytest_plugin.py)
    assert problem is None, problem
    ev = res.evidence
    assert ev.summary.strip()
    if ev.verdict in ("refuted",):
        assert ev.counterexample
    if ev.verdict == "qualified":
        assert ev.condition


def test_every_registration_is_well_formed():
    for c in CLAIMS.values():
        assert c.paper in PAPERS
        assert re.match(r"^[a-z0-9]+\.[A-Za-z0-9_]+$", c.id)
        assert c.source and c.statement


#: catalogue claims whose margin, >= 0 on its declared domain, is exactly the claim's statement (none so far)
MARGIN_IS_STATEMENT: set[str] = set()


def test_every_catalogue_margin_says_what_a_proof_of_it_proves():
    """Issue 57: ``explore --prove`` prints what ``margin >= 0`` proved. Every catalogue margin proves less than its
    claim's statement (a non-strict form of a strict inequality or of an 'iff', a few c, one loss of a family) or,
    for a claim that something exists, its negation: each declares it (``SearchSpace.proves``), unless listed as
    being its statement."""
    spaced = {i: c.space() for i, c in CLAIMS.items() if c.space is not None and c.origin.startswith("paper_checks.")}
    assert len(spaced) == 15
    undeclared = {i for i, sp in spaced.items() if not sp.proves}
    assert undeclared == MARGIN_IS_STATEMENT, f"declare what a proof of the margin proves: {sorted(undeclared)}"
    for i, sp in spaced.items():
        if sp.proves:
            assert "weaker" in sp.proves or "witness" in sp.proves, (i, sp.proves)


def test_catalogue_ids_registered():
    """Every id of the papers this project covers so far is registered (ids copied from claims.md)."""
    expected = {
        "ghosh17": ["sum_cce", "sum_mae", "sum_mse", "only_mae_symmetric", "mae_unhinged", "uniform_tolerance",
                    "class_dependent_tolerance", "bounded_more_robust"],
        "gce18": ["limit_q0", "q1_mae", "gradient", "eq7_bounds", "thm1_uniform", "A_monotone",
                  "thm2_class_dependent", "trunc_k0", "eq10_bounds", "eq10_tight", "eq11_condition", "eq11_k03",
                  "eq11_k02", "acs_equivalence", "softmax_gap", "q_tradeoff", "notes_weight_view",
                  "notes_trunc_drops_clean"],
    }
    for paper, names in expected.items():
        for n in names:
            assert f"{paper}.{n}" in CLAIMS, f"{paper}.{n} is not registered"


def test_every_catalogue_domain_is_decided_on_its_statement():
    """Issue 65: of the 15 claims with a domain, ten declare a reduction that decides the statement itself (every
    premise proved on symbols, cited or the statement's hypothesis; nothing weaker, or a refutation as written), and
    the other five are decided by a counterexample or witness their search verifies exactly. (That the reductions'
    steps are proved is explore's; tests/paper_checks/papers/* prove their premises.)"""
    spaced = {i: c.space() for i, c in CLAIMS.items() if c.space is not None and c.origin.startswith("paper_checks.")}
    reduced = {i for i, sp in spaced.items() if sp.reduction is not None and sp.reduction.declares_decision()}
    assert reduced == {"gce18.eq7_bounds", "gce18.eq10_bounds", "gce18.thm1_uniform", "gce18.thm2_class_dependent",
                       "ghosh17.uniform_tolerance", "dmi19.properties", "dmi19.dmi_order_invariant",
                       "le19.margin_symmetric", "le19.margin_robust", "le19.triplet_robust"}
    assert set(spaced) - reduced == {"gce18.eq11_k03", "gce18.eq11_k02", "ghosh17.class_dependent_tolerance",
                                     "imae19.notes_logit_vs_param", "dmi19.mi_not_invariant"}
