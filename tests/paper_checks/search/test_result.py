"""The result of a search (issue 37): its JSON holds the outcome as the plain string (the outcomes themselves:
tests/paper_checks/test_described.py)."""
from paper_checks.search.result import Outcome, SearchResult


def test_the_json_of_a_result_holds_the_plain_string():
    res = SearchResult(worst={}, worst_margin=1.0, evaluated=10, outcome=Outcome.UNVERIFIED)
    out = res.to_json()["outcome"]
    assert out == "unverified" and type(out) is str
    assert SearchResult(worst={}, worst_margin=1.0, evaluated=10).outcome is Outcome.NO_FAILURE
