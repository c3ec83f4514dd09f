"""Iterative deepening of a proof's work (:mod:`paper_checks.prover.deepening`): the rungs do not depend on the
budget, a rung that decides is the answer, and the reported work is the whole ladder's."""
from __future__ import annotations

import pytest

from paper_checks import work
from paper_checks.prover import deepening
from paper_checks.prover.result import ProofResult


@pytest.mark.parametrize("budget, want", [
    (0.5, [0.5]),
    (0.75, [0.25, 0.5]),
    (3.75, [0.25, 0.5, 1.0, 2.0]),
    (6.0, [0.25, 0.5, 1.0, 4.25]),
    (22.5, [0.25, 0.5, 1.0, 2.0, 4.0, 14.75]),
])
def test_rungs_are_a_ladder_the_budget_only_cuts(budget, want, rungs):
    got = deepening.rungs(budget)
    assert got == want and sum(got) == pytest.approx(budget)
    bigger = deepening.rungs(2 * budget)
    assert got[:-1] == bigger[:len(got) - 1]  # the same rungs below the last, whatever the budget


def _undecided(units: float) -> ProofResult:
    return ProofResult("undecided", 0, 1, 0.0, reason=f"the work budget of {units:g} units ran out with 1 box open")


def test_the_first_rung_that_decides_is_the_answer_and_its_work_the_ladder_s(rungs):
    tried = []

    def run(allowance):
        tried.append(allowance)
        work.charge(allowance / 2)
        if allowance < 1:
            return _undecided(allowance)
        return ProofResult("proved", 0, 1, 0.0)

    with work.metered():
        res = deepening.deepened(run, 6.0)
    assert tried == [0.25, 0.5, 1.0] and res.outcome == "proved"
    assert res.work == pytest.approx(0.875, abs=0.01) and res.work_budget == 6.0
    assert "rung 3 of 4" in res.notes[-1]


@pytest.mark.parametrize("reason", ["the margin could not be traced",
                                    "the wall-clock net of 8 s (a safety net) came at work 1 of 6 units"])
def test_an_answer_no_larger_rung_can_change_ends_the_ladder(reason, rungs):
    tried = []

    def run(allowance):
        tried.append(allowance)
        return ProofResult("undecided", 0, 1, 0.0, reason=reason)

    with work.metered():
        deepening.deepened(run, 6.0)
    assert tried == [0.25]
