"""Pieces of the patrini17 simulation checks (Thm 3 / Eqs. 12-13 and Table 2 in miniature), at tiny sizes."""
import sys

import numpy as np
import pytest

import label_noise_lab.simulate.experiments as experiments
import paper_checks.papers.patrini17.sim as mod
from label_noise_lab.simulate.experiments import digits_data, noisy_label_task, seed_bases
from label_noise_lab.simulate.noise import MNIST_FLIPS, uniform_noise
from label_noise_lab.simulate.noise import mnist_flips as mnist_flip_matrix
from paper_checks.context import Context
from paper_checks.papers.patrini17.studies import (
    CORRECTION_METHODS,
    correction_accuracy,
    table2_noises,
    trained_anchor_errors,
)


def test_mnist_flips_and_table2_columns():
    T = mnist_flip_matrix(0.3).matrix
    for i, j in ((2, 7), (3, 8), (5, 6), (6, 5), (7, 1)):
        assert T[i, i] == pytest.approx(0.7) and T[i, j] == pytest.approx(0.3)
    for i in (0, 1, 4, 8, 9):
        assert T[i, i] == 1.0
    assert mnist_flip_matrix(0.5).cond > 1e15  # rows 5 and 6 coincide
    assert list(table2_noises()) == ["symm. N=0.2", "asymm. N=0.2", "asymm. N=0.6"]
    with pytest.raises(ValueError, match=r"N must be a number in \[0, 1\], got 1.5"):
        mnist_flip_matrix(1.5)


def test_mnist_flip_matrix_is_the_sec_5_1_construction():
    """Built here or by label_noise_lab.simulate.noise.mnist_flips (when that exists), it is the same matrix."""
    for N in (0.0, 0.2, 0.5, 0.6, 1.0):
        T = np.eye(10)
        for i, j in MNIST_FLIPS:
            T[i, i], T[i, j] = 1 - N, N
        np.testing.assert_array_equal(mnist_flip_matrix(N).matrix, T)


def test_exact_parts_of_thm3():
    sym = mod._symbolic_thm3(3)
    assert sym["ptilde_at_perfect_example_i_equals_row_i"]
    fam = mod._eq12_exact(np.random.default_rng(0), 3)
    tot = fam["total"]
    assert fam["thm3_max_abs_deviation"] == 0.0 and fam["max_abs_deviation_from_predicted_rows"] <= 1e-12
    assert tot["dominant_not_exact"] == 0
    assert tot["exact"] >= tot["column_dominant"] and tot["matrices"] > tot["exact"]
    flips = mod._mnist_flips_anchor((0.4, 0.6))
    assert flips["N=0.4"]["exact"] and not flips["N=0.6"]["exact"]
    assert flips["N=0.6"]["wrong_rows"] == {"5": "T_hat[5] = T[6]", "6": "T_hat[6] = T[5]", "7": "T_hat[7] = T[2]"}


def test_trained_anchor_errors_tiny():
    r = trained_anchor_errors(np.random.default_rng(0), uniform_noise(10, 0.2), sizes=(30, 60), n_seeds=2, epochs=2,
                              hidden=(8,), dtype=np.float32)
    for k in ("error_trained", "error_fresh", "error_exact"):
        assert r[k].shape == (2, 2, 2) and np.all((r[k] >= 0) & (r[k] <= 2))
    assert r["estimators"] == ["argmax", "97th percentile"]


TINY = dict(n_train=60, n_test=50, c=10, dim=10, hidden=(8,), epochs=2, batch_size=20)


def test_correction_accuracy_tiny_shapes_pairing_and_determinism():
    a = correction_accuracy(np.random.default_rng(0), n_seeds=2, **TINY)
    b = correction_accuracy(np.random.default_rng(0), n_seeds=2, **TINY)
    np.testing.assert_array_equal(a["acc"], b["acc"])
    assert a["methods"] == list(CORRECTION_METHODS)
    assert a["acc"].shape == (5, 3, 2) and a["T_hat"].shape == (3, 2, 10, 10)
    assert a["finite"].all() and a["min_class_acc"].shape == (5, 3, 2)
    np.testing.assert_allclose(a["T_hat"].sum(axis=-1), 1.0, atol=1e-9)
    assert a["cond_T"][2] == pytest.approx(mnist_flip_matrix(0.6).cond)
    f32 = correction_accuracy(np.random.default_rng(0), n_seeds=2, dtype=np.float32, **TINY)
    np.testing.assert_allclose(f32["acc"], a["acc"], atol=0.1)


def test_noisy_label_task_pairs_replicas_of_a_seed():
    noises = list(table2_noises().values())
    task = noisy_label_task(seed_bases(np.random.default_rng(1), 2), noises, n_train=40, n_test=10)
    assert task.X_train.shape == (6, 40, 20)
    np.testing.assert_array_equal(task.X_train[0], task.X_train[2])  # same seed, other noise
    assert not np.array_equal(task.X_train[0], task.X_train[3])
    with pytest.raises(ValueError, match="dataset"):
        noisy_label_task([1], noises, dataset="mnist")


def test_setting_estimates_average_T_kinds_then_data_sets():
    def fake(shift, S):
        acc = np.zeros((5, 3, S))
        acc[2] = 0.9 + shift + 0.01 * np.arange(S)  # forward
        acc[4] = 0.9 + shift  # forward T_hat
        acc[1] = acc[3] = 0.8  # backward, backward T_hat
        return {"res": {"acc": acc, "methods": list(CORRECTION_METHODS), "settings": ["a", "b", "c"]}}
    est = mod._setting_estimates({"x": fake(0.0, 4), "y": fake(0.1, 6)})
    assert list(est) == ["a", "b", "c"]
    d_x = 0.1 + 0.005 * np.arange(4)  # per seed: mean of the (T, T_hat) differences
    d_y = 0.2 + 0.005 * np.arange(6)
    assert est["a"].mean == pytest.approx((d_x.mean() + d_y.mean()) / 2)
    se = np.sqrt(d_x.var(ddof=1) / 4 + d_y.var(ddof=1) / 6) / 2
    assert est["a"].stderr == pytest.approx(se) and est["a"].n == 10


def test_digits_data():
    pytest.importorskip("sklearn")
    X, y = digits_data()
    assert X.shape == (1797, 64) and X.min() == 0.0 and X.max() == 1.0
    assert set(np.unique(y)) == set(range(10))
    task = noisy_label_task([3], [uniform_noise(10, 0.2)], dataset="digits", n_train=1500)
    assert task.X_train.shape == (1, 1500, 64) and task.X_test.shape == (1, 297, 64)


def test_forward_beats_backward_skips_digits_cleanly_without_sklearn(monkeypatch):
    monkeypatch.setitem(sys.modules, "sklearn", None)  # import sklearn now raises ImportError
    monkeypatch.setitem(sys.modules, "sklearn.datasets", None)
    monkeypatch.setattr(experiments, "_DIGITS", {})  # forget a data set loaded by an earlier test
    with pytest.raises(ImportError, match="replicate"):
        digits_data()
    monkeypatch.setattr(mod, "CLUSTERS", dict(n_train=60, n_test=50, c=10, dim=10, separation=4.0))
    monkeypatch.setattr(mod, "TABLE_TRAINING", {**mod.TABLE_TRAINING, "hidden": (8,), "epochs": 2, "batch_size": 20})
    ev_ctx = Context("patrini17.forward_beats_backward", precision="quick")
    ev = mod.forward_beats_backward(ev_ctx)
    assert "skipped" in ev.numbers["digits (scikit-learn)"]
    assert "scikit-learn" in ev.numbers["digits (scikit-learn)"]["skipped"]
    assert "the digits half was skipped (scikit-learn absent)" in ev.summary
    # one synthetic data set is not Table 2's evidence: never a plain 'confirmed' (issue 34)
    assert ev.verdict != "confirmed"
    if ev.verdict == "qualified" and "on synthetic data only" in ev.summary:
        assert ev.condition.startswith("on one synthetic data set only (Gaussian clusters")
    # the summary names the one data set used, never "averaged over the data sets"
    assert "on one data set only, gaussian clusters" in ev.summary and "over the data sets" not in ev.summary
    assert ev.numbers["data_sets_used"] == {"gaussian clusters": mod.table2_seeds(ev_ctx)["clusters"]}
    # the anchors Eq. 12 misses at N = 0.6 are computed from T (as patrini17.benchmark_T finds them), not written in
    assert ev.numbers["asymm_N0.6_note"]["eq12_wrong_anchor_classes_with_exact_probabilities"] == [5, 6, 7]
    assert set(ev.numbers["forward_minus_backward_by_setting"]) == {"symm. N=0.2", "asymm. N=0.2", "asymm. N=0.6"}
    assert ev.verdict in ("confirmed", "qualified", "refuted", "inconclusive")


def test_data_sets_text_says_which_data_sets_were_used():
    both = mod.data_sets_text({"gaussian clusters": 24, "digits (scikit-learn)": 12}, False)
    assert both == ("averaged over the 2 data sets gaussian clusters (24 seeds) and digits (scikit-learn) (12 seeds), "
                    "and over T and T_hat")
    one = mod.data_sets_text({"gaussian clusters": 24}, True)
    assert one.startswith("on one data set only, gaussian clusters (24 seeds)") and "skipped" in one
