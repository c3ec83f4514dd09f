"""The patrini17 figures plot the numbers their checks report (quick precision)."""
import pytest

from label_noise_lab.figures.registry import draw
from tests.paper_checks.papers.figure_numbers import reported_numbers


@pytest.mark.slow
@pytest.mark.xdist_group("patrini17.thm3_anchor")  # runs the claim once (figure_numbers)
def test_patrini17_anchor_figure_plots_the_reported_errors():
    mc = reported_numbers("patrini17.thm3_anchor")["mc_exact_ptilde"]
    rows = draw("patrini17_anchor_error", "quick").data
    assert rows
    for r in rows:
        rep = mc[r["population"]][r["estimator"]]["error_vs_size"][str(r["size"])]
        assert r["mean_error"] == pytest.approx(rep["mean"], abs=6e-5)


@pytest.mark.slow  # about 1 s or more: out of README's quick command, in CI's slow run
@pytest.mark.xdist_group("patrini17.thm4_hessian")  # runs the claim once (figure_numbers)
def test_patrini17_hessian_figure_plots_the_reported_first_draw():
    grids = reported_numbers("patrini17.thm4_hessian")["first_draw_relative_layer_blocks"]
    for r in draw("patrini17_hessian_blocks", "quick").data:
        rep = grids[r["model"]][r["comparison"]][r["layer_a"] - 1][r["layer_b"] - 1]
        assert r["relative_block_norm"] == rep
