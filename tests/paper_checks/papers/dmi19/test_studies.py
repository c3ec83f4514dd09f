"""Classifiers trained with L_DMI on noisy labels (moved from tests/simulate/test_dmi.py, now
tests/simulate/dmi/test_estimators.py)."""
import numpy as np

from label_noise_lab.simulate.engine.estimate import Z_SEEDS
from label_noise_lab.simulate.noise import pair_flip
from paper_checks.papers.dmi19 import studies as dstudies


def test_trained_classifier_breaks_eq32_on_its_own_sample_only():
    r = dstudies.trained_eq32(np.random.default_rng(11), T=pair_flip(3, 0.3), n_seeds=4, n_train=90, n_fresh=4000,
                              dim=30, steps=150)
    assert r.train_gap().exceeds(0.0, Z_SEEDS)  # over 4 seeds: the seed-level test (Student t, p < 0.001)
    assert r.fresh_gap().agrees(0.0, 5, 1e-12)
    assert np.all(r.train_fit > 0.6)
