"""The outcomes of a proof (issue 37): an ``Enum`` with a description per member, as the search's are, whose
values are the strings that JSON and reports hold."""
import json

import pytest

from paper_checks.prover import OUTCOMES, ProofOutcome, ProofResult


def test_outcomes_are_their_strings_with_a_description():
    assert [o.value for o in ProofOutcome] == list(OUTCOMES) == ["proved", "counterexample", "undefined", "undecided"]
    for o in ProofOutcome:
        assert o == o.value and ProofOutcome(o.value) is o and str(o) == f"{o}" == o.value and o.description
    assert json.dumps({"outcome": ProofOutcome.PROVED}) == '{"outcome": "proved"}'


def test_a_result_reads_its_outcome_as_a_member_and_writes_the_plain_string():
    res = ProofResult("undecided", 3, 10, 0.5, reason="the time ran out")
    assert res.outcome is ProofOutcome.UNDECIDED and not res.proved
    out = res.to_json()["outcome"]
    assert out == "undecided" and type(out) is str
    with pytest.raises(ValueError):
        ProofResult("maybe", 0, 10, 0.0)
