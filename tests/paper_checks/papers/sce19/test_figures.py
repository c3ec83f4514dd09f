"""sce19 figures plot the numbers its checks report (moved from tests/figures/test_figures.py)."""
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


def test_sce19_class_figure_plots_the_reported_group_accuracies():
    groups = _evidence("sce19.class_bias")["groups"]
    rows = draw("sce19_class_curves", "quick").data
    last = max(r["epoch"] for r in rows)
    checked = 0
    for r in rows:
        if r["epoch"] == last and r["noise"] in groups:
            assert r["mean_acc"] == pytest.approx(groups[r["noise"]][r["loss"]][r["group"]]["final"]["mean"], abs=6e-4)
            checked += 1
    assert checked == 8
