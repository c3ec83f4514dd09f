"""xu22 figures: the phase figure plots the scores the report quotes."""
import pytest

from figures.registry import draw
from paper_checks import figdata
from paper_checks.context import Context
from paper_checks.registry import load as claims
from simulate.collapse import PHASE_BATCH_SIZES, PHASE_DIMS


@pytest.fixture(autouse=True)
def _fresh_figure_data():
    """No memoised check data leaks between tests."""
    figdata.clear()
    yield
    figdata.clear()


def _evidence(claim_id: str, seed: int = 0):
    figdata.clear()
    ev = claims()[claim_id].check(Context(claim_id, precision="quick", seed=seed))
    figdata.clear()
    return ev.to_json()["numbers"]


def test_xu22_phase_figure_plots_the_reported_scores():
    nums = _evidence("xu22.collapse_batch_dim")
    rows = draw("xu22_collapse_phase", "quick").data
    for r in rows:
        grid = nums[r["embeddings"]]["collapse_score_mean_B_by_d"]
        rep = grid[list(PHASE_BATCH_SIZES).index(r["batch_size"])][list(PHASE_DIMS).index(r["dim"])]
        assert r["collapse_score_mean"] == pytest.approx(rep, abs=6e-4)
