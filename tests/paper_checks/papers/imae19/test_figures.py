"""imae19 figures plot the numbers its checks report (moved from tests/figures/test_figures.py)."""
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


def test_imae19_weights_figure_quotes_the_reported_variance():
    nums = _evidence("imae19.eq11_variance")
    rows = [r for r in draw("imae19_weights", "quick").data if r["curve"] == "MAE"]
    assert rows and all(r["variance_uniform"] == pytest.approx(nums["variance_float"], rel=1e-12) for r in rows)
