"""ghosh17.bounded_more_robust on made-up accuracies (the training is tested in simulate/): its numbers are
labelled for what they are."""
import numpy as np
import pytest

from label_noise_lab.simulate.engine.moments import t_critical
from paper_checks.context import Context
from paper_checks.papers.ghosh17 import sim


def test_cells_hold_t_statistics_labelled_as_such(monkeypatch):
    seeds, etas = 8, sim.ROBUST_ETAS
    rng = np.random.default_rng(0)
    final = 0.7 + 0.01 * rng.standard_normal((3, seeds, len(etas)))
    final[1:, :, 1:] += 0.05  # the bounded losses ahead at every noisy eta
    res = {"final_acc": final, "best_acc": final, "losses": ["cce", "mae", "mse"], "etas": list(etas),
           "train_acc": np.zeros((3, seeds, len(etas)))}
    monkeypatch.setattr(sim, "robust_data", lambda ctx: res)
    monkeypatch.setattr(sim, "robust_seeds", lambda ctx: seeds)
    ev = sim.bounded_more_robust(Context("ghosh17.bounded_more_robust", precision="quick"))
    cell = ev.numbers["bounded_minus_cce"]["mae vs cce, eta=0.2"]
    assert "z" not in cell  # mean / stderr over 8 seeds is a t statistic (7 degrees of freedom), not a z score
    d = final[1, :, 1] - final[0, :, 1]
    assert cell["t"] == pytest.approx(d.mean() / (d.std(ddof=1) / np.sqrt(seeds)), abs=0.01)
    assert cell["t_critical (p < 0.001)"] == pytest.approx(t_critical(sim.Z, seeds - 1), abs=0.01)
    assert "Student t" in ev.numbers["settings"]["t"]
