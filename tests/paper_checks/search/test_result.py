"""The outcomes of a search (issue 37): an ``Enum`` with a description per member, whose values are the strings
that JSON and reports hold."""
import json

from paper_checks.search.result import OUTCOMES, Outcome, SearchResult


def test_outcomes_are_their_strings_with_a_description():
    assert [o.value for o in Outcome] == list(OUTCOMES) == ["counterexample", "unverified", "no_failure", "raised"]
    for o in Outcome:
        assert o == o.value and Outcome(o.value) is o and str(o) == f"{o}" == o.value and o.description
    assert json.dumps({"outcome": Outcome.RAISED}) == '{"outcome": "raised"}'


def test_the_json_of_a_result_holds_the_plain_string():
    res = SearchResult(worst={}, worst_margin=1.0, evaluated=10, outcome=Outcome.UNVERIFIED)
    out = res.to_json()["outcome"]
    assert out == "unverified" and type(out) is str
    assert SearchResult(worst={}, worst_margin=1.0, evaluated=10).outcome is Outcome.NO_FAILURE
