"""Every engine function documented as taking ``xp`` runs on each test backend with NumPy's results.

On ``strict`` (``array_api_strict``, the array API standard's strict namespace) a generator seeded alike draws
alike (the RNG adapter's :class:`~label_noise_lab.simulate.engine.rng.HostStream`), so results must equal NumPy's to
rounding; a
failure here is code outside the standard, which would break or differ on another namespace (CuPy among them).
"""
from __future__ import annotations

import dataclasses
import math
from typing import Any

import numpy as np
import pytest

from label_noise_lab.simulate import experiments
from label_noise_lab.simulate.correction.sampled import (
    backward_mc,
    conditioning_sweep,
    random_population,
    uniform_family,
)
from label_noise_lab.simulate.dmi import populations as dp
from label_noise_lab.simulate.embedding.replicas import train_embeddings
from label_noise_lab.simulate.embedding.risk import (
    mc_pair_noise,
    mc_pair_risk,
    mc_triplet_risk,
    random_class_embeddings,
)
from label_noise_lab.simulate.embedding.train import init_embedding, train_embedding
from label_noise_lab.simulate.engine.namespace import is_host, namespace_of, to_host
from label_noise_lab.simulate.engine.rng import HostStream, check_rng, draws_for, generator
from label_noise_lab.simulate.losses import get_loss
from label_noise_lab.simulate.models import init_mlp
from label_noise_lab.simulate.noise import pair_flip, random_transition, sample_noisy_labels, uniform_noise
from paper_checks.papers.dmi19 import studies as dstudies
from paper_checks.papers.gce18 import studies as gce18_studies
from paper_checks.papers.patrini17 import studies as patrini17_studies
from paper_checks.papers.sce19 import studies as sce19_studies
from tests.simulate.embedding.test_losses import PAIRS_AND_TRAINER

SMALL = dict(n_seeds=1, n_train=40, n_test=30, c=3, dim=4, hidden=(5,), batch_size=16)


def _flat(x: Any) -> Any:
    if dataclasses.is_dataclass(x) and not isinstance(x, type):
        return {f.name: _flat(getattr(x, f.name)) for f in dataclasses.fields(x)}
    if isinstance(x, dict):
        return {k: _flat(v) for k, v in x.items()}
    if isinstance(x, (list, tuple)):
        return [_flat(v) for v in x]
    if not is_host(namespace_of(x)) or isinstance(x, np.ndarray):
        return np.asarray(to_host(x))
    return x


def assert_same(a: Any, b: Any, rtol: float = 1e-9, path: str = "") -> None:
    """Nested results equal to rounding (arrays brought to the host)."""
    a, b = _flat(a), _flat(b)
    if isinstance(a, dict):
        assert set(a) == set(b), path
        for k in a:
            assert_same(a[k], b[k], rtol, f"{path}.{k}")
    elif isinstance(a, list):
        assert len(a) == len(b), path
        for i, (u, v) in enumerate(zip(a, b)):
            assert_same(u, v, rtol, f"{path}[{i}]")
    elif isinstance(a, (np.ndarray, float, int, np.number)) and not isinstance(a, bool):
        aa, bb = np.asarray(a), np.asarray(b)
        if aa.dtype.kind in "fc" or bb.dtype.kind in "fc":
            np.testing.assert_allclose(aa, bb, rtol=rtol, atol=1e-12, equal_nan=True, err_msg=path)
        else:
            np.testing.assert_array_equal(aa, bb, err_msg=path)
    else:
        assert a == b or (isinstance(a, float) and math.isnan(a) and math.isnan(b)), path


def _both(xp, fn):
    """``fn(xp)`` on the backend under test and ``fn(np)``, compared."""
    got = fn(xp)
    want = fn(np)
    assert_same(got, want)
    return got


def test_backward_mc_and_sweep(xp):
    dist, z = random_population(10, 3, np.random.default_rng(0), deterministic=False)
    T = random_transition(3, np.random.default_rng(1), diag=0.7)
    base = get_loss("cce")
    _both(xp, lambda x: backward_mc(dist, z, base, T, 5000, generator(x, 2), x, chunk=1500))
    fam = uniform_family(3, (0.1, 0.3)) if "uniform_family" in globals() else [("u", 0.2, uniform_noise(3, 0.2))]
    _both(xp, lambda x: conditioning_sweep(dist, z, base, fam, (0.0, 0.1), n_mc=3000, rng=generator(x, 3),
                                           xp=x, chunk=1000))


def test_dmi_samplers(xp):
    dist, _ = dp.line_population(9, 3, 2.0)
    T = pair_flip(3, 0.3)
    _both(xp, lambda x: dp.sample_counts(dist, 20_000, generator(x, 4), x, T=T, chunk=7000))
    Q12 = np.array([[0.3, 0.05, 0.0], [0.05, 0.25, 0.05], [0.0, 0.05, 0.25]])
    _both(xp, lambda x: dp.sample_triples(Q12, T, 20_000, generator(x, 5), x, leak=0.2, chunk=7000))
    _both(xp, lambda x: dp.ldmi_batch_bias(dist, dist.py_x, T, [4, 16], 300, generator(x, 6), x))
    _both(xp, lambda x: dp.ldmi_over_hypotheses(dist, np.stack([dist.py_x, np.eye(3)[dist.py_x.argmax(1)]]), T, x))
    _both(xp, lambda x: dp.dmi_vs_noise(Q12 / Q12.sum(), [0.1, 0.3], n_samples=2000, rng=generator(x, 7), xp=x))


def test_dmi_training(xp):
    _both(xp, lambda x: dstudies.trained_eq32(np.random.default_rng(8), T=pair_flip(3, 0.3), n_seeds=2, n_train=30,
                                        n_fresh=500, dim=4, steps=20, xp=x))


def test_pair_noise_and_risks(xp):
    _both(xp, lambda x: mc_pair_noise(4, 0.3, 20_000, generator(x, 9), x, chunk=6000))
    E, y = random_class_embeddings(5, 3, 4, np.random.default_rng(10), 1.0)
    T = uniform_noise(3, 0.3)
    _both(xp, lambda x: mc_pair_risk(x.asarray(E), x.asarray(y), T, alpha=1.0, beta=1.0, sampling="balanced",
                                     n_draws=4000, rng=generator(x, 11), chunk=1500))
    _both(xp, lambda x: mc_triplet_risk(x.asarray(E), x.asarray(y), T, alpha=2.0, n_draws=4000,
                                        rng=generator(x, 12), chunk=1500))


def test_noisy_labels_and_models(xp):
    y = np.arange(50) % 4
    _both(xp, lambda x: sample_noisy_labels(x.asarray(y), pair_flip(4, 0.3), generator(x, 13), x))
    _both(xp, lambda x: init_mlp(4, 3, (5,), np.random.default_rng(14), replicas=2, xp=x))
    _both(xp, lambda x: init_embedding(4, 3, np.random.default_rng(15), xp=x))


@pytest.mark.beyond_standard(PAIRS_AND_TRAINER)
def test_embedding_trainers(xp):
    E, y = random_class_embeddings(8, 3, 4, np.random.default_rng(16), 2.0)
    for miner in ("random", "semi-hard", "hard", "batch-hard"):
        _both(xp, lambda x: train_embedding(x.asarray(E), x.asarray(y), rng=np.random.default_rng(17), epochs=2,
                                            batch_size=12, miner=miner,
                                            params=init_embedding(4, 3, np.random.default_rng(1), xp=x)))
    _both(xp, lambda x: train_embedding(x.asarray(E), x.asarray(y), rng=np.random.default_rng(17), epochs=2,
                                        loss="margin", batch_size=12,
                                        params=init_embedding(4, 3, np.random.default_rng(1), xp=x)))
    _both(xp, lambda x: train_embeddings([E, E], [y, y], [init_embedding(4, 3, np.random.default_rng(s), xp=x)
                                                           for s in (1, 2)],
                                         [np.random.default_rng(18), np.random.default_rng(19)], epochs=2,
                                         batch_size=12, sampling=["balanced", "natural"]))


@pytest.mark.parametrize("name", ["accuracy_vs_noise", "softmax_gap_curves", "accuracy_vs_epoch",
                                  "gradient_norm_vs_inverse_fy", "acs_traces"])
def test_training_studies(name, xp):
    kw: dict[str, Any] = dict(SMALL)
    if name == "accuracy_vs_noise":
        kw.update(epochs=2, etas=(0.0, 0.3))
    elif name == "acs_traces":
        kw.update(warmup_epochs=1, theta_epochs=1, rounds=2)
    elif name == "gradient_norm_vs_inverse_fy":
        kw.pop("n_test")
        kw.update(train_epochs=1)
    else:
        kw.update(epochs=2)
    fn = getattr(experiments if name == "accuracy_vs_noise" else gce18_studies, name)
    _both(xp, lambda x: fn(np.random.default_rng(20), xp=x, **kw))


def test_correction_studies(xp):
    _both(xp, lambda x: patrini17_studies.trained_anchor_errors(np.random.default_rng(21), pair_flip(3, 0.2),
                                                                sizes=(30,), n_seeds=1, epochs=2, c=3, dim=4,
                                                                hidden=(5,), batch_size=16, xp=x))
    _both(xp, lambda x: sce19_studies.class_accuracy_curves(np.random.default_rng(22), separations=(2.0, 3.0),
                                                 noises={"u": uniform_noise(2, 0.2)}, n_seeds=1, epochs=2, n_train=30,
                                                 n_test=20, dim=4, hidden=(5,), batch_size=16, xp=x))


def test_a_generator_of_another_namespace_is_a_clear_error(xp):
    if is_host(xp):
        pytest.skip("needs a second namespace")
    with pytest.raises(TypeError, match="rng draws numpy arrays"):
        check_rng(np.random.default_rng(0), xp)
    with pytest.raises(TypeError, match="rng draws"):
        mc_pair_noise(4, 0.3, 100, np.random.default_rng(0), xp)
    E, y = random_class_embeddings(5, 3, 4, np.random.default_rng(10), 1.0)
    with pytest.raises(TypeError, match="rng draws"):
        mc_triplet_risk(E, y, uniform_noise(3, 0.1), alpha=2.0, n_draws=100, rng=generator(xp, 0))
    assert isinstance(draws_for(np.random.default_rng(0), xp), HostStream)
    assert namespace_of(draws_for(np.random.default_rng(0), xp).random(3)) is xp
