"""imae19 figures plot the numbers its checks report (moved from tests/figures/test_figures.py)."""
import pytest

from label_noise_lab.figures.registry import draw
from tests.paper_checks.papers.figure_numbers import reported_numbers


@pytest.mark.slow
@pytest.mark.xdist_group("imae19.eq11_variance")  # runs the claim once (figure_numbers)
def test_imae19_weights_figure_quotes_the_reported_variance():
    nums = reported_numbers("imae19.eq11_variance")
    rows = [r for r in draw("imae19_weights", "quick").data if r["curve"] == "MAE"]
    assert rows and all(r["variance_uniform"] == pytest.approx(nums["variance_float"], rel=1e-12) for r in rows)
