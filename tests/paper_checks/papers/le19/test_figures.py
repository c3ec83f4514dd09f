"""le19 figures: the recall figure plots the recall the report quotes."""
import pytest

from label_noise_lab.figures.registry import draw
from tests.paper_checks.papers.figure_numbers import reported_numbers


@pytest.mark.slow
@pytest.mark.xdist_group("le19.sampling")  # runs the claim once (figure_numbers)
def test_le19_recall_figure_plots_the_reported_recall():
    rec = reported_numbers("le19.sampling")["training"]["Recall@1"]
    rows = draw("le19_recall_vs_noise", "quick").data
    assert rows
    for r in rows:
        key = "balanced" if r["sampling"].startswith("balanced") else "natural"
        assert r["mean_recall_at_1"] == pytest.approx(rec[f"eta={r['eta']}"][key]["mean"], abs=6e-4)
