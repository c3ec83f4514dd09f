"""Rewriting a claim's recorded verdict in its file (paper_checks.commands.record, for ``--claims-update``)."""
import pytest

from paper_checks.commands.record import RecordError, rewritten

SOURCE = '''from paper_checks.api import claim

@claim(
    "x.a", source="s",  # a comment stays
    statement="é, a statement", expected='proved', method="exact")
def a(ctx): ...

claim("x.b", source="s", statement="t", expected="refuted", method="exact")(a)
'''


def test_only_the_literal_of_the_claims_expected_changes():
    new = rewritten(SOURCE, "x.a", "qualified")
    assert new == SOURCE.replace("expected='proved'", "expected='qualified'")  # the quote kept, bytes vs characters
    assert rewritten(SOURCE, "x.b", "proved") == SOURCE.replace('expected="refuted"', 'expected="proved"')


def test_what_cannot_be_recorded_says_why():
    with pytest.raises(RecordError, match="no literal expected="):
        rewritten(SOURCE, "x.none", "proved")
    with pytest.raises(RecordError, match="choose one of"):
        rewritten(SOURCE, "x.a", "error")
    with pytest.raises(RecordError, match="no literal expected="):
        rewritten('claim("x.c", expected=VERDICT)', "x.c", "proved")
