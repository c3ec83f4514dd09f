"""Helpers of the gce18 simulation checks, each against a plain computation."""
import numpy as np
import pytest

from label_noise_lab.simulate.engine.estimate import seed_summary
from paper_checks.context import Context
from paper_checks.papers.gce18.sim import (
    _acs_increases,
    _numeric_identity,
    _slope,
    _symbolic_w_step,
    notes_weight_view,
    overfit_half_text,
)
from paper_checks.papers.gce18.studies import pair_discordance


def _loop_discordance(a, b):
    n = len(a)
    disc = sum(1 for i in range(n) for j in range(i + 1, n) if (a[i] - a[j]) * (b[i] - b[j]) < 0)
    return disc / (n * (n - 1) / 2)


@pytest.mark.parametrize("n", [2, 7, 60])
def test_discordance_matches_double_loop(n):
    rng = np.random.default_rng(n)
    a = rng.standard_normal(n)
    b = a + rng.standard_normal(n)
    assert pair_discordance(a, b, block=5) == pytest.approx(_loop_discordance(a, b), abs=1e-15)


def test_discordance_with_ties_and_extremes():
    a = np.array([1.0, 1.0, 2.0, 3.0, 3.0])
    b = np.array([5.0, 4.0, 4.0, 1.0, 6.0])
    assert pair_discordance(a, b) == pytest.approx(_loop_discordance(a, b))
    x = np.arange(10.0)
    assert pair_discordance(x, 2 * x) == 0.0
    assert pair_discordance(x, -x) == 1.0
    with pytest.raises(ValueError, match="one shape"):
        pair_discordance(x, x[:-1])
    with pytest.raises(ValueError, match="at least 2"):
        pair_discordance([1.0], [2.0])


def test_w_step_identity_exact_and_numeric():
    sym = _symbolic_w_step()
    assert sym["min_is_Min(0,a)"] and sym["Lq_strictly_decreasing_in_p"]
    res = _numeric_identity(np.random.default_rng(0), 90, n=6)
    assert res["problems"] == 90
    assert res["max_rel_dev_indicator_vs_truncated_sum"] < 1e-14
    assert res["max_rel_dev_indicator_vs_vertex_bruteforce"] < 1e-14
    assert res["max_rel_dev_eq12"] < 1e-14
    assert res["random_interior_w_below_minimum"] == 0


def test_acs_increase_bookkeeping():
    kinds = ["init", "prune", "theta", "prune", "theta"]
    obj = np.array([[10.0, 5.0, 4.0, 3.0, 3.5],
                    [10.0, 6.0, 6.0, 6.0, 5.0]])
    r = _acs_increases({"objective": obj, "step_kind": kinds})
    assert r["prune_increases"] == 0 and r["max_increase_prune"] == 0.0
    assert r["theta_increases"] == 1 and r["max_increase_theta"] == pytest.approx(0.5)
    assert r["seeds_with_theta_increase"] == 1 and r["theta_steps"] == 4
    assert r["worst_theta"] == {"seed_index": 0, "step": 4, "before": 3.0, "after": 3.5}


def test_slope_matches_polyfit():
    rng = np.random.default_rng(1)
    x = np.array([0.0, 0.4, 0.7, 1.0])
    y = rng.standard_normal((4, 3))
    for s in range(3):
        assert _slope(x, y)[:, None][s, 0] == pytest.approx(np.polyfit(x, y[:, s], 1)[0])


@pytest.mark.slow
def test_weight_view_check_runs_and_reports_per_stage():
    ev = notes_weight_view(Context("gce18.notes_weight_view", precision="quick"))
    stages = ev.numbers["stages"]
    assert set(stages) == {"after_0_epochs", "after_5_epochs", "after_30_epochs"}
    for st in stages.values():
        d = st["discordance_inv_fy_vs_param_grad_norm"]
        assert 0.0 <= d["mean"] <= 1.0 and d["n"] == 6
    # the verdict rests on a stated effect size, not on "above 0"
    assert ev.numbers["material_discordance"] == 0.05




def test_q_tradeoff_says_it_tested_a_trend_not_a_monotone_decrease():
    # the standard run's means: a negative trend whose point estimates are not monotone (q = 0.4 above CCE)
    qs, labels = np.array([0.0, 0.4, 0.7, 1.0]), ["cce", "lq(q=0.4)", "lq(q=0.7)", "lq(q=1)"]
    drop = np.array([0.187, 0.205, 0.104, 0.047])[:, None] + np.array([-0.01, 0.0, 0.01])[None, :]
    slope = seed_summary(_slope(qs, drop))
    text = overfit_half_text(qs, labels, drop, slope, np.ones((4, 3)))
    assert "least-squares trend in q of -0.15" in text and "are not monotone in q" in text
    assert "lq(q=0.4) 0.205" in text and "decreases with q" not in text
    falling = overfit_half_text(qs, labels, np.sort(drop, axis=0)[::-1], slope, np.ones((4, 3)))
    assert "fall with q" in falling
