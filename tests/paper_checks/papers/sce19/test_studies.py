"""paper_checks.papers.sce19.studies.class_accuracy_curves and its group helpers (sce19), at tiny sizes."""
import numpy as np
import pytest

from label_noise_lab.simulate.noise import pair_flip
from paper_checks.papers.sce19.studies import (
    CLASS_BIAS_SEPARATIONS,
    class_accuracy_curves,
    class_bias_noises,
    class_groups,
    group_curves,
)

TINY = dict(n_seeds=2, epochs=3, n_train=60, n_test=40, dim=6, hidden=(8,), batch_size=16)
SEP = (4.0, 2.0, 4.0, 2.0)


def test_shapes_pairing_and_determinism():
    res = class_accuracy_curves(np.random.default_rng(0), separations=SEP, **TINY)
    L, K, S, E1, c = res["class_acc"].shape
    assert (L, K, S, E1, c) == (2, 3, 2, 4, 4)
    assert res["noises"] == ["clean", "symmetric 0.4", "pair-flip 0.4"]
    assert res["test_acc"].shape == (2, 3, 2, 4) and res["train_acc_noisy"].shape == (2, 3, 2)
    assert np.all((res["class_acc"] >= 0) & (res["class_acc"] <= 1))
    # all losses start from the same weights: identical epoch-0 curves
    assert np.array_equal(res["class_acc"][0, :, :, 0], res["class_acc"][1, :, :, 0])
    assert np.all(res["noise_fraction"][0] == 0) and np.all(res["noise_fraction"][1:] > 0)
    # the overall accuracy is the class-balanced mean up to the class sizes (balanced to one sample)
    assert np.allclose(res["test_acc"], res["class_acc"].mean(axis=-1), atol=0.05)
    again = class_accuracy_curves(np.random.default_rng(0), separations=SEP, **TINY)
    assert np.array_equal(res["class_acc"], again["class_acc"])


def test_single_precision_trains_the_same_replicas_in_float32(monkeypatch):
    import paper_checks.papers.sce19.studies as studies
    seen = []
    real_train = studies.train

    def spy(params, X, *args, **kw):
        seen.append((params["W0"].dtype, X.dtype))
        return real_train(params, X, *args, **kw)

    monkeypatch.setattr(studies, "train", spy)
    res = class_accuracy_curves(np.random.default_rng(0), separations=SEP, dtype=np.float32, **TINY)
    assert seen and all(d == (np.float32, np.float32) for d in seen)
    full = class_accuracy_curves(np.random.default_rng(0), separations=SEP, **TINY)
    # the same replicas: the noisy labels drawn, hence the realised noise, are those of double precision
    np.testing.assert_array_equal(res["noise_fraction"], full["noise_fraction"])
    assert res["class_acc"].shape == full["class_acc"].shape


def test_per_class_accuracy_matches_a_plain_loop():
    from label_noise_lab.simulate.experiments import (
        batch_rngs,
        init_replicas,
        noisy_label_task,
        seed_bases,
        train_config,
    )
    from label_noise_lab.simulate.losses import get_loss
    from label_noise_lab.simulate.models import logits_of
    from label_noise_lab.simulate.training import train

    T = class_bias_noises(4)["symmetric 0.4"]
    res = class_accuracy_curves(np.random.default_rng(1), separations=SEP, losses=("cce",), noises={"s": T}, **TINY)
    # rebuild the same replicas from the same generator state and count hits class by class
    bases = seed_bases(np.random.default_rng(1), TINY["n_seeds"])
    task = noisy_label_task(bases, [T], n_train=TINY["n_train"], n_test=TINY["n_test"], c=4, dim=TINY["dim"],
                            separation=np.array(SEP))
    params = train(init_replicas(bases, 1, TINY["dim"], 4, TINY["hidden"]), task.X_train, task.y_noisy,
                   get_loss("cce"), train_config(TINY["epochs"], 3e-3, TINY["batch_size"], "adam"),
                   batch_rngs(bases, 1)).params
    pred = logits_of(params, task.X_test).argmax(axis=-1)
    for s in range(TINY["n_seeds"]):
        for k in range(4):
            hits = total = 0
            for i in range(TINY["n_test"]):
                if task.y_test[s, i] == k:
                    total += 1
                    hits += int(pred[s, i] == k)
            assert res["class_acc"][0, 0, s, -1, k] == pytest.approx(hits / total)


def test_groups_and_curves():
    g = class_groups(CLASS_BIAS_SEPARATIONS)
    assert g["easy"].sum() == 5 and g["hard"].sum() == 5 and g["easy"][0] and g["hard"][1]
    acc = np.zeros((3, 4))
    acc[:, [0, 2]] = 1.0
    out = group_curves(acc, SEP)
    assert np.all(out["easy"] == 1.0) and np.all(out["hard"] == 0.0)
    with pytest.raises(ValueError, match="do not split"):
        class_groups((3.0, 3.0, 3.0))
    with pytest.raises(ValueError, match="classes on its last axis"):
        group_curves(np.zeros((2, 5)), SEP)


def test_noises_and_bad_input():
    n = class_bias_noises(4, 0.3)
    assert list(n) == ["clean", "symmetric 0.3", "pair-flip 0.3"]
    assert np.allclose(n["pair-flip 0.3"].matrix, pair_flip(4, 0.3).matrix)
    with pytest.raises(ValueError, match="separation must be a finite number > 0"):
        class_accuracy_curves(np.random.default_rng(0), separations=(4.0, -1.0), **TINY)
    with pytest.raises(ValueError, match="one value per class"):
        class_accuracy_curves(np.random.default_rng(0), separations=(4.0,), **TINY)
    with pytest.raises(ValueError, match="noises must not be empty"):
        class_accuracy_curves(np.random.default_rng(0), separations=SEP, noises={}, **TINY)
    with pytest.raises(ValueError, match="leaves a class without test samples"):
        class_accuracy_curves(np.random.default_rng(0), separations=SEP, **{**TINY, "n_test": 3})
