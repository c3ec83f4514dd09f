"""Outcomes with descriptions (paper_checks.described, issue 37): the search's and the prover's are string Enums
whose values are what JSON and the reports hold, each member with its description."""
import json

import pytest

from paper_checks import prover
from paper_checks.search import result

ENUMS = [
    (result.Outcome, result.OUTCOMES, ["counterexample", "unverified", "no_failure", "raised"]),
    (prover.ProofOutcome, prover.OUTCOMES, ["proved", "counterexample", "undefined", "undecided"]),
]


@pytest.mark.parametrize("enum, values, expected", ENUMS)
def test_outcomes_are_their_strings_with_a_description(enum, values, expected):
    assert [o.value for o in enum] == list(values) == expected
    for o in enum:
        assert o == o.value and enum(o.value) is o and str(o) == f"{o}" == o.value and o.description
    first = next(iter(enum))
    assert json.dumps({"outcome": first}) == f'{{"outcome": "{first.value}"}}'
