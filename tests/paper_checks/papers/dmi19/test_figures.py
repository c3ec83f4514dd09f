"""dmi19 figures plot the numbers its checks report (moved from tests/figures/test_figures.py)."""
import pytest

from label_noise_lab.figures.registry import draw
from tests.paper_checks.papers.figure_numbers import reported_numbers


@pytest.mark.slow
@pytest.mark.xdist_group("dmi19.mi_not_invariant")  # runs the claim once (figure_numbers)
def test_dmi19_order_figure_plots_the_reported_example():
    ex = reported_numbers("dmi19.mi_not_invariant")["example"]
    rows = draw("dmi19_mi_vs_dmi", "quick").data
    start, end = rows[0], rows[-1]
    assert (start["t"], end["t"]) == (0.0, 1.0)
    assert start["mi_h"] == pytest.approx(ex["clean_h"], rel=1e-12)
    assert start["mi_h2"] == pytest.approx(ex["clean_h2"], rel=1e-12)
    assert end["mi_h"] == pytest.approx(ex["noisy_h"], rel=1e-12)
    assert end["mi_h2"] == pytest.approx(ex["noisy_h2"], rel=1e-12)
    assert end["dmi_h"] == pytest.approx(8 / 81, rel=1e-12) and end["dmi_h2"] == pytest.approx(2 / 27, rel=1e-12)
    assert ex["DMI"]["noisy_h"] == "8/81" and ex["DMI"]["noisy_h2"] == "2/27"
