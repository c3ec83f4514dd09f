"""le19 figures: the recall figure plots the recall the report quotes."""
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


def _evidence(claim_id: str, seed: int = 0):
    figdata.clear()
    ev = claims()[claim_id].check(Context(claim_id, precision="quick", seed=seed))
    figdata.clear()
    return ev.to_json()["numbers"]


def test_le19_recall_figure_plots_the_reported_recall():
    rec = _evidence("le19.sampling")["training"]["Recall@1"]
    rows = draw("le19_recall_vs_noise", "quick").data
    assert rows
    for r in rows:
        key = "balanced" if r["sampling"].startswith("balanced") else "natural"
        assert r["mean_recall_at_1"] == pytest.approx(rec[f"eta={r['eta']}"][key]["mean"], abs=6e-4)
