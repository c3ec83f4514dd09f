"""xu22 figures: the phase figure plots the scores the report quotes."""
import pytest

from label_noise_lab.figures.registry import draw
from label_noise_lab.simulate.embedding.collapse import PHASE_BATCH_SIZES, PHASE_DIMS
from tests.paper_checks.papers.figure_numbers import reported_numbers


@pytest.mark.slow
@pytest.mark.xdist_group("xu22.collapse_batch_dim")  # runs the claim once (figure_numbers)
def test_xu22_phase_figure_plots_the_reported_scores():
    nums = reported_numbers("xu22.collapse_batch_dim")
    rows = draw("xu22_collapse_phase", "quick").data
    for r in rows:
        grid = nums[r["embeddings"]]["collapse_score_mean_B_by_d"]
        rep = grid[list(PHASE_BATCH_SIZES).index(r["batch_size"])][list(PHASE_DIMS).index(r["dim"])]
        assert r["collapse_score_mean"] == pytest.approx(rep, abs=6e-4)
