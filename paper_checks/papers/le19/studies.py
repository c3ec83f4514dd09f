"""The le19 training studies (Le & Odobez 2019, reconstructed): clean-test Recall@1 of embedding networks
trained with the margin loss on noisy labels, for pair-sampling and initialisation variants, paired over
seeds. The networks and their training are :mod:`label_noise_lab.simulate.embedding.train`'s.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Callable, Sequence

import numpy as np

from label_noise_lab.simulate.embedding.losses import pairwise_distances, recall_at_1
from label_noise_lab.simulate.embedding.replicas import train_embeddings
from label_noise_lab.simulate.embedding.train import embed, init_embedding
from label_noise_lab.simulate.noise import sample_noisy_labels, uniform_noise
from label_noise_lab.simulate.populations import gaussian_clusters


@dataclass(frozen=True)
class EmbeddingTask:
    """Gaussian class clusters with nuisance dimensions: the data of the le19 training studies.

    ``c`` unit Gaussian clusters with means ``separation * e_k`` in ``c`` signal dimensions
    (:func:`label_noise_lab.simulate.populations.gaussian_clusters`), plus ``nuisance`` dimensions of pure noise with
    standard deviation ``nuisance_scale`` (so that an untrained network's Recall@1 is low and the
    embedding must be learned). Balanced classes up to one.
    """

    c: int = 8
    n_train: int = 1500
    n_test: int = 500
    separation: float = 3.0
    nuisance: int = 8
    nuisance_scale: float = 2.0

    def sample(self, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
        """``(X, y, X_test, y_test)``, true labels, on the host."""
        out = []
        for n in (self.n_train, self.n_test):
            X, y = gaussian_clusters(n, self.c, self.c, rng, separation=self.separation)
            out += [np.hstack([X, self.nuisance_scale * rng.standard_normal((n, self.nuisance))]), y]
        return out[0], out[1], out[2], out[3]


@dataclass
class NoisyRecall:
    """Recall@1 on clean test data after training on noisy labels.

    Attributes
    ----------
    recall : array, shape (n_variants, n_etas, n_seeds)
    in_band : array, shape (n_variants, n_seeds)
        Fraction of training pairs (first 200 points) with ``|D - beta| <= alpha`` at initialisation.
    etas, variants : what was run
    """

    recall: np.ndarray
    in_band: np.ndarray
    etas: list[float]
    variants: list[dict[str, Any]]


def noisy_recall(task: EmbeddingTask, etas: Sequence[float], variants: Sequence[dict[str, Any]],
                 rngs: Sequence[np.random.Generator], *, progress: Callable[[str], None] | None = None,
                 **train_kw: Any) -> NoisyRecall:
    """Train one network per (seed, noise rate, variant) on uniformly noised labels; Recall@1 on clean test data.

    Le & Odobez 2019 (reconstructed): the sampling and initialisation studies, margin loss. For each
    seed generator the data, the noise (the same uniforms for every ``eta``, so noise rates are
    coupled), the initial weights and the batch/pair order are drawn once and shared by every
    variant: the variants are compared *paired*. A variant is a dict that overrides ``train_kw``:
    ``sampling``, ``alpha``, ``beta`` (per network) or ``init_offset``, ``init_scale`` (the
    initialisation). Every network is trained in one :func:`train_embeddings` loop; each equals a
    single :func:`train_embedding` run with the same generators.

    ``train_kw``: ``alpha``, ``beta``, ``sampling``, ``epochs``, ``lr``, ``batch_size``, ``n_pairs``,
    ``optimizer``, ``normalize``, and the network's ``model``, ``dim_out``, ``hidden``.
    """
    etas, variants = [float(e) for e in etas], [dict(v) for v in variants]
    if train_kw.get("loss", "margin") != "margin":
        raise ValueError(f"noisy_recall trains the margin loss, got loss={train_kw['loss']!r}")
    net_keys = ("model", "dim_out", "hidden", "init_scale", "init_offset")
    per_keys = ("alpha", "beta", "sampling")
    shared = {k: v for k, v in train_kw.items() if k not in net_keys + per_keys + ("loss",)}
    normalize = shared.get("normalize", True)
    S, V, H = len(rngs), len(variants), len(etas)
    band = np.zeros((V, S))
    Xs, ys, ps, rs, cfg, tests, where = [], [], [], [], [], [], []
    for s, rng in enumerate(rngs):
        X, y, Xt, yt = task.sample(rng)
        tests.append((Xt, yt))
        noise_seed, weight_seed, train_seed = (int(v) for v in rng.integers(0, 2**63 - 1, 3))
        inits = []
        for v, var in enumerate(variants):
            kw = {**train_kw, **var}
            p0 = init_embedding(X.shape[1], kw.get("dim_out", 8), np.random.default_rng(weight_seed),
                                model=kw.get("model", "mlp"), hidden=kw.get("hidden", 32),
                                init_scale=kw.get("init_scale", 1.0), init_offset=kw.get("init_offset", 0.0))
            inits.append(p0)
            E0 = embed(p0, X[:200], normalize=normalize)
            Dm = pairwise_distances(E0)[np.triu_indices(E0.shape[0], 1)]
            band[v, s] = float(np.mean(np.abs(Dm - kw.get("beta", 1.0)) <= kw.get("alpha", 0.2)))
        for e, eta in enumerate(etas):
            y_obs = sample_noisy_labels(y, uniform_noise(task.c, eta), np.random.default_rng(noise_seed))
            for v, var in enumerate(variants):
                kw = {**train_kw, **var}
                Xs.append(X)
                ys.append(y_obs)
                ps.append(inits[v])
                rs.append(np.random.default_rng(train_seed))
                cfg.append((kw.get("alpha", 0.2), kw.get("beta", 1.0), kw.get("sampling", "balanced")))
                where.append((v, e, s))
    if progress is not None:
        progress(f"training {len(ps)} networks at once")
    trained, _ = train_embeddings(Xs, ys, ps, rs, alpha=[c[0] for c in cfg], beta=[c[1] for c in cfg],
                                  sampling=[c[2] for c in cfg], **shared)
    R = np.zeros((V, H, S))
    for p, (v, e, s) in zip(trained, where):
        Xt, yt = tests[s]
        R[v, e, s] = recall_at_1(embed(p, Xt, normalize=normalize), yt)
    return NoisyRecall(R, band, etas, variants)


#: The sampling study of Le & Odobez 2019 (reconstructed), shared by ``le19.sampling`` and its figure:
#: c = 8 classes (natural-sampling threshold 0.302, balanced 0.875), the symmetric margin loss
#: alpha = beta = 1 (every distance on the sphere lies in the band), balanced vs natural pairs.
SAMPLING_STUDY_TASK = EmbeddingTask(c=8, n_train=3000, n_test=2000)
SAMPLING_STUDY_TRAIN: dict[str, Any] = dict(loss="margin", alpha=1.0, beta=1.0, epochs=20, lr=0.003, batch_size=128,
                                            n_pairs=256, dim_out=8, hidden=32)
