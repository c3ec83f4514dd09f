"""Tests of the le19 training studies (paper_checks.papers.le19.studies)."""
import numpy as np
import pytest

from paper_checks.papers.le19.studies import EmbeddingTask, noisy_recall


def test_noisy_recall_is_paired_and_shaped():
    task = EmbeddingTask(c=4, n_train=200, n_test=100, nuisance=2)
    rngs = [np.random.default_rng(s) for s in range(2)]
    res = noisy_recall(task, [0.0, 0.3], [{"sampling": "balanced"}, {"sampling": "natural"}], rngs,
                       loss="margin", alpha=1.0, beta=1.0, epochs=2, lr=0.01, batch_size=50, n_pairs=40, hidden=8)
    assert res.recall.shape == (2, 2, 2) and np.all((res.recall >= 0) & (res.recall <= 1))
    assert np.allclose(res.in_band, 1.0)  # alpha = beta = 1: every distance on the sphere is in the band
    with pytest.raises(ValueError, match="margin"):
        noisy_recall(task, [0.0], [{}], rngs[:1], loss="triplet")
