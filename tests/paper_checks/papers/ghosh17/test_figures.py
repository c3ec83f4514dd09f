"""ghosh17's figures: their helpers, and the plotted numbers equal the reported ones."""
import numpy as np
import pytest

from label_noise_lab.figures.registry import draw
from label_noise_lab.theory.gce import eq7_bounds_float
from paper_checks.papers.ghosh17.samples import class_sum_ranges, risk_pairs
from tests.paper_checks.papers.figure_numbers import reported_numbers


def test_class_sum_ranges_match_closed_forms():
    cs = np.arange(2, 9).astype(float)
    r = class_sum_ranges(cs)
    np.testing.assert_allclose(r["mae"][0], 2 * cs - 2)
    np.testing.assert_allclose(r["mae"][1], 2 * cs - 2)
    np.testing.assert_allclose(r["mse"][0], cs - 1)
    np.testing.assert_allclose(r["mse"][1], 2 * cs - 2)
    np.testing.assert_allclose(r["cce"][0], cs * np.log(cs))
    assert np.all(np.isinf(r["cce"][1]))
    for c, lo, hi in zip(cs, *r["lq"]):
        assert (lo, hi) == pytest.approx(eq7_bounds_float(int(c), 0.7))


def test_mae_noisy_risk_is_affine_in_clean_risk():
    pairs = risk_pairs("mae", [0.3], 4, 50, np.random.default_rng(0))
    R, Rn = pairs[0.3]
    slope = 1 - 0.3 * 4 / 3
    np.testing.assert_allclose(Rn - slope * R, (Rn - slope * R)[0], atol=1e-12)


@pytest.mark.slow
@pytest.mark.xdist_group("ghosh17.bounded_more_robust")  # runs the claim once (figure_numbers)
def test_ghosh17_accuracy_figure_plots_the_reported_accuracies():
    nums = reported_numbers("ghosh17.bounded_more_robust")["final_test_acc"]
    rows = draw("ghosh17_accuracy_vs_noise", "quick").data
    assert len(rows) == 12
    for r in rows:
        rep = nums[r["loss"]][f"eta={r['eta']:g}"]
        assert r["mean_acc"] == pytest.approx(rep["mean"], abs=6e-6)
        assert r["stderr"] == pytest.approx(rep["stderr"], abs=6e-6)
