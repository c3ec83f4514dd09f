"""The result of a proof (issue 37): its outcome read as a ProofOutcome member, written as the plain string (the
outcomes themselves: tests/paper_checks/test_described.py)."""
import pytest

from paper_checks.prover import ProofOutcome, ProofResult


def test_a_result_reads_its_outcome_as_a_member_and_writes_the_plain_string():
    res = ProofResult("undecided", 3, 10, 0.5, reason="the time ran out")
    assert res.outcome is ProofOutcome.UNDECIDED and not res.proved
    out = res.to_json()["outcome"]
    assert out == "undecided" and type(out) is str
    with pytest.raises(ValueError):
        ProofResult("maybe", 0, 10, 0.0)
