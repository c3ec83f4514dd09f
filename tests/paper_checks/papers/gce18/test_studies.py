"""gce18's training studies (Zhang & Sabuncu 2018): shapes, determinism, curve helpers (tiny sizes)."""
import numpy as np
import pytest

from paper_checks.papers.gce18.studies import (
    accuracy_vs_epoch,
    acs_traces,
    epochs_to_fraction,
    gradient_norm_vs_inverse_fy,
    overfitting_stats,
    softmax_gap_curves,
)

TINY = dict(n_train=40, n_test=30, c=3, dim=4, hidden=(8,), batch_size=10)


def test_softmax_gap_and_accuracy_vs_epoch_shapes():
    g = softmax_gap_curves(np.random.default_rng(2), n_seeds=2, epochs=3, eta=0.3, **TINY)
    assert g["losses"] == ["cce", "lq(q=0.7)"]
    for k in ("softmax_wrong", "softmax_correct", "memorised", "test_acc", "train_loss"):
        assert g[k].shape == (2, 2, 4), k
    assert np.all((g["softmax_wrong"] > 0) & (g["softmax_wrong"] < 1))
    e = accuracy_vs_epoch(np.random.default_rng(3), qs=(0.0, 1.0), etas=(0.0, 0.3), n_seeds=2, epochs=3, **TINY)
    assert e["test_acc"].shape == (2, 2, 2, 4) and e["train_acc"].shape == (2, 2, 2, 4)
    assert e["losses"] == ["cce", "lq(q=1)"] and e["chance"] == pytest.approx(1 / 3)


def test_accuracy_vs_epoch_without_train_curves_keeps_the_test_curves():
    kw = dict(qs=(0.0, 1.0), etas=(0.3,), n_seeds=2, epochs=2, **TINY)
    full = accuracy_vs_epoch(np.random.default_rng(5), **kw)
    lean = accuracy_vs_epoch(np.random.default_rng(5), train_curves=False, **kw)
    assert "train_acc" not in lean
    np.testing.assert_array_equal(lean["test_acc"], full["test_acc"])  # the same runs: no draw depends on it


def test_gradient_norms_and_acs_traces_shapes():
    r = gradient_norm_vs_inverse_fy(np.random.default_rng(4), n_seeds=2, train_epochs=2, eta=0.3,
                                    **{k: v for k, v in TINY.items() if k != "n_test"})
    for k in ("inv_fy", "grad_norm", "grad_fy_norm", "logit_grad_norm", "wrong"):
        assert r[k].shape == (2, 40), k
    assert np.all(r["inv_fy"] >= 1.0) and np.all(r["grad_norm"] > 0)
    np.testing.assert_allclose(r["grad_fy_norm"], r["grad_norm"] / r["inv_fy"])
    a = acs_traces(np.random.default_rng(5), n_seeds=2, eta=0.3, warmup_epochs=2, theta_epochs=1, rounds=2, **TINY)
    assert a["objective"].shape == (2, 5) and a["step_kind"] == ["init", "prune", "theta", "prune", "theta"]
    for k in ("clean_pruned", "noisy_pruned", "pruned_clean", "kept", "clean_pruned_bayes_correct"):
        assert a[k].shape == (2, 2), k
    assert a["test_acc"].shape == (2, 2 + 2 * 1 + 1)
    assert np.all(np.diff(a["objective"], axis=1)[:, 0::2] <= 1e-12)


def test_curve_statistics():
    curve = np.array([0.1, 0.3, 0.5, 0.9, 0.7])
    st = overfitting_stats(curve)
    assert st["peak"] == 0.9 and st["final"] == 0.7 and st["drop"] == pytest.approx(0.2) and st["peak_epoch"] == 3
    # final 0.7, baseline 0.1: half the gain is 0.4, crossed halfway between epochs 1 (0.3) and 2 (0.5)
    assert epochs_to_fraction(curve, 0.5, baseline=0.1) == pytest.approx(1.5)
    assert epochs_to_fraction(np.array([[0.8, 0.9, 1.0]]), 0.5)[0] == 0.0
    with pytest.raises(ValueError, match="fraction"):
        epochs_to_fraction(curve, 0.0)


def test_bad_arguments_raise():
    rng = np.random.default_rng(7)
    with pytest.raises(ValueError, match="n_seeds"):
        softmax_gap_curves(rng, n_seeds=0, epochs=1, **TINY)
    with pytest.raises(ValueError, match="q must lie"):
        accuracy_vs_epoch(rng, qs=(0.0, 1.5), etas=(0.0,), n_seeds=2, epochs=1, **TINY)
    with pytest.raises(ValueError, match="train_epochs"):
        gradient_norm_vs_inverse_fy(rng, train_epochs=-1, n_seeds=2, n_train=20, c=3, dim=4)
