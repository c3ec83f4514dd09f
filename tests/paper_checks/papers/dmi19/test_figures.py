"""dmi19 figures plot the numbers its checks report (moved from tests/figures/test_figures.py)."""
import pytest

from figures.registry import draw
from paper_checks import figdata
from paper_checks.context import Context
from paper_checks.registry import load as claims


@pytest.fixture(autouse=True)
def _fresh_figure_data():
    """No memoised check data leaks between tests."""
    figdata.clear()
    yield
    figdata.clear()


# each check runs with nothing memoised, from the same stream as its figure (seed 0, quick); the plotted
# numbers must equal the numbers the report quotes (to the digits the report rounds to).
def _evidence(claim_id: str, seed: int = 0):
    figdata.clear()
    ev = claims()[claim_id].check(Context(claim_id, precision="quick", seed=seed))
    figdata.clear()
    return ev.to_json()["numbers"]


def test_dmi19_order_figure_plots_the_reported_example():
    ex = _evidence("dmi19.mi_not_invariant")["example"]
    rows = draw("dmi19_mi_vs_dmi", "quick").data
    start, end = rows[0], rows[-1]
    assert (start["t"], end["t"]) == (0.0, 1.0)
    assert start["mi_h"] == pytest.approx(ex["clean_h"], rel=1e-12)
    assert start["mi_h2"] == pytest.approx(ex["clean_h2"], rel=1e-12)
    assert end["mi_h"] == pytest.approx(ex["noisy_h"], rel=1e-12)
    assert end["mi_h2"] == pytest.approx(ex["noisy_h2"], rel=1e-12)
    assert end["dmi_h"] == pytest.approx(8 / 81, rel=1e-12) and end["dmi_h2"] == pytest.approx(2 / 27, rel=1e-12)
    assert ex["DMI"]["noisy_h"] == "8/81" and ex["DMI"]["noisy_h2"] == "2/27"
