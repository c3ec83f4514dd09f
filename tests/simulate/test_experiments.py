"""The shared experiment functions behind the sim claims and figures: shapes, determinism, helpers (tiny sizes).

The per-paper studies built on them are tested with their papers (tests/paper_checks/papers/gce18/test_studies.py).
"""
import numpy as np
import pytest

from label_noise_lab.simulate.experiments import accuracy_vs_noise, init_replicas, make_task, seed_bases

TINY = dict(n_train=40, n_test=30, c=3, dim=4, hidden=(8,), batch_size=10)


def test_accuracy_vs_noise_shapes_and_determinism():
    kw = dict(losses=("cce", ("lq", {"q": 0.7})), etas=(0.0, 0.3), n_seeds=2, epochs=3, **TINY)
    a = accuracy_vs_noise(np.random.default_rng(0), **kw)
    b = accuracy_vs_noise(np.random.default_rng(0), **kw)
    c = accuracy_vs_noise(np.random.default_rng(1), **kw)
    assert a["losses"] == ["cce", "lq(q=0.7)"]
    assert a["final_acc"].shape == (2, 2, 2) and a["test_acc"].shape == (2, 2, 2, 4)
    assert a["train_acc"].shape == (2, 2, 2)
    np.testing.assert_array_equal(a["test_acc"], b["test_acc"])
    assert not np.array_equal(a["test_acc"], c["test_acc"])
    assert np.all(a["best_acc"] >= a["final_acc"])
    big = accuracy_vs_noise(np.random.default_rng(0), final_test_size=500, **kw)
    np.testing.assert_array_equal(big["test_acc"], a["test_acc"])  # the extra test set changes no other draw
    assert big["final_acc"].shape == (2, 2, 2) and big["final_test_size"] == 500
    np.testing.assert_array_equal(a["test_acc"][0, :, :, 0], a["test_acc"][1, :, :, 0])  # same initial weights


def test_task_pairs_and_noise():
    bases = seed_bases(np.random.default_rng(6), 2)
    t = make_task(bases, [0.0, 0.5], n_train=2000, n_test=10, c=4, dim=4)
    assert t.X_train.shape == (4, 2000, 4)
    np.testing.assert_array_equal(t.X_train[0], t.X_train[1])  # one seed, two noise rates
    assert not t.wrong[0].any()
    assert abs(t.wrong[1].mean() - 0.5) < 0.05
    post = t.bayes_posterior()
    assert post.shape == (4, 2000) and np.all((post > 0) & (post < 1))
    assert 0.6 < t.bayes_correct().mean() < 1.0
    p = init_replicas(bases, 2, 4, 4, (3,))
    np.testing.assert_array_equal(p["W0"][0], p["W0"][1])
    assert not np.array_equal(p["W0"][1], p["W0"][2])


def test_bad_arguments_raise():
    rng = np.random.default_rng(7)
    with pytest.raises(ValueError, match="eta"):
        accuracy_vs_noise(rng, etas=(0.0, 0.7), n_seeds=2, epochs=1, **TINY)
