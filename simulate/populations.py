"""Synthetic populations: random finite distributions and Gaussian class clusters."""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from label_noise_lab.simulate.engine.rng import check_generator
from label_noise_lab.theory.validators import check_classes, check_int


@dataclass(frozen=True)
class FiniteDistribution:
    """A finite input space: ``px[x] = P(x)`` and ``py_x[x, y] = P(y | x)``.

    Expectations over it are computed exactly (no sampling).
    """

    px: np.ndarray  # (n_x,)
    py_x: np.ndarray  # (n_x, c)

    def __post_init__(self) -> None:
        px, py = np.asarray(self.px, float), np.asarray(self.py_x, float)
        if px.ndim != 1 or py.ndim != 2 or py.shape[0] != px.shape[0] or py.shape[1] < 2:
            raise ValueError(f"px must be (n_x,) and py_x (n_x, c>=2), got {px.shape} and {py.shape}")
        if np.any(px < 0) or abs(px.sum() - 1) > 1e-9:
            raise ValueError(f"px must be a distribution, sums to {px.sum()!r}")
        if np.any(py < 0) or np.any(np.abs(py.sum(axis=1) - 1) > 1e-9):
            i = int(np.argmax(np.abs(py.sum(axis=1) - 1)))
            raise ValueError(f"py_x row {i} is not a distribution: {py[i]}")

    @property
    def c(self) -> int:
        return int(self.py_x.shape[1])

    @property
    def n_x(self) -> int:
        return int(self.px.shape[0])


def random_distribution(n_x: int, c: int, rng: np.random.Generator, concentration: float = 1.0,
                        deterministic: bool = False) -> FiniteDistribution:
    """``n_x`` inputs with Dirichlet ``P(x)`` and Dirichlet(``concentration``) ``P(y|x)``.

    ``deterministic=True`` gives each ``x`` one label (so a classifier with ``R(f*) = 0``
    exists, the premise of Ghosh et al.'s class-dependent result).
    """
    check_int("n_x", n_x, 1), check_classes(c), check_generator(rng)
    px = rng.dirichlet(np.ones(n_x))
    if deterministic:
        py = np.eye(c)[rng.integers(0, c, n_x)]
    else:
        py = rng.dirichlet(np.full(c, concentration), size=n_x)
    return FiniteDistribution(px, py)


def gaussian_clusters(n: int, c: int, dim: int, rng: np.random.Generator, separation: float | np.ndarray = 2.0,
                      ) -> tuple[np.ndarray, np.ndarray]:
    """``n`` points from ``c`` isotropic unit Gaussians with means ``separation * e_k`` (``k < dim``).

    ``separation`` may be one number or one per class (unequal difficulty). Labels are
    balanced up to one. Returns ``X`` (n, dim) and ``y`` (n,).
    """
    check_int("n", n, 1), check_classes(c), check_int("dim", dim, 1), check_generator(rng)
    if dim < c:
        raise ValueError(f"dim must be at least c so the class means are orthogonal, got dim={dim}, c={c}")
    sep = np.broadcast_to(np.asarray(separation, float), (c,))
    y = rng.permutation(np.arange(n) % c)
    means = np.zeros((c, dim))
    means[np.arange(c), np.arange(c)] = sep
    X = means[y] + rng.standard_normal((n, dim))
    return X, y
