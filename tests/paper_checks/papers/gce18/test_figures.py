"""gce18's figures: their helpers, and the plotted numbers equal the reported ones."""
import numpy as np
import pytest

from label_noise_lab.figures.registry import draw
from label_noise_lab.theory.gce import eq7_bounds_float, eq10_bounds_float, eq11_margin_float
from paper_checks.papers.gce18.figures import bound_widths
from tests.paper_checks.papers.figure_numbers import reported_numbers


def test_bound_widths_against_plain_loop():
    qs, ks = np.array([0.3, 0.7, 1.0]), np.array([0.1, 0.3, 0.6])
    W7, W10, M = bound_widths(4, qs, ks)
    for i, q in enumerate(qs):
        for j, k in enumerate(ks):
            lo7, hi7 = eq7_bounds_float(4, q)
            assert W7[i, j] == pytest.approx(hi7 - lo7)
            if k < 1 / 4:
                assert np.isnan(W10[i, j])
            else:
                lo10, hi10 = eq10_bounds_float(4, q, k)
                assert W10[i, j] == pytest.approx(hi10 - lo10)
                assert M[i, j] == pytest.approx(eq11_margin_float(4, q, k))


@pytest.mark.slow
@pytest.mark.xdist_group("gce18.softmax_gap")  # runs the claim once (figure_numbers)
def test_gce18_softmax_gap_figure_plots_the_reported_softmax():
    nums = reported_numbers("gce18.softmax_gap")
    rows = draw("gce18_softmax_gap", "quick").data
    last = max(r["epoch"] for r in rows)
    for r in (r for r in rows if r["epoch"] == last):
        assert r["softmax_wrong_mean"] == pytest.approx(nums["softmax_wrong_final"][r["loss"]]["mean"], abs=6e-6)
        assert r["softmax_correct_mean"] == pytest.approx(nums["softmax_correct_final"][r["loss"]]["mean"], abs=6e-6)


@pytest.mark.slow
@pytest.mark.xdist_group("gce18.eq11_k03")  # runs the claim once (figure_numbers)
def test_gce18_region_figure_marks_the_reported_boundary():
    table = reported_numbers("gce18.eq11_k03")["region"]["q_star(k, c)"]
    rows = [r for r in draw("gce18_eq11_region", "quick").data if r["k"] >= 0.3 - 1e-9]
    assert rows
    for r in rows:
        assert r["q_star"] == table[f"k={r['k']:.3g},c={r['c']}"]
