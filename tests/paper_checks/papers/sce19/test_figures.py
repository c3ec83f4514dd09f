"""sce19 figures plot the numbers its checks report (moved from tests/figures/test_figures.py)."""
import pytest

from label_noise_lab.figures.registry import draw
from tests.paper_checks.papers.figure_numbers import reported_numbers


@pytest.mark.slow
@pytest.mark.xdist_group("sce19.class_bias")  # runs the claim once (figure_numbers)
def test_sce19_class_figure_plots_the_reported_group_accuracies():
    groups = reported_numbers("sce19.class_bias")["groups"]
    rows = draw("sce19_class_curves", "quick").data
    last = max(r["epoch"] for r in rows)
    checked = 0
    for r in rows:
        if r["epoch"] == last and r["noise"] in groups:
            assert r["mean_acc"] == pytest.approx(groups[r["noise"]][r["loss"]][r["group"]]["final"]["mean"], abs=6e-4)
            checked += 1
    assert checked == 8
