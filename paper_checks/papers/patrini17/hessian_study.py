"""The Hessian-difference study of Patrini et al. 2017, sec. 4.4, Thm 4 and Table 1.

Thm 4: with ReLU activations "the Hessian of ``l`` does not change under noise", and "the
Hessians of ``l_backward`` and ``l`` are the same for any ``T``"; Table 1 gives the forward
correction no such guarantee. This module takes the exact float64 Hessians of
:mod:`label_noise_lab.simulate.hessian` at random models of a small suite (:data:`MODELS`: linear softmax, ReLU
with one and two hidden layers, sigmoid with one), subtracts them pairwise as
:data:`COMPARISONS` lists, and reports the Frobenius norm of every layer block of each
difference (:class:`HessianDifference`), relative to the clean Hessian.

NumPy by design, as :mod:`label_noise_lab.simulate.hessian` (its tests are marked ``host_only``).
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Sequence

import numpy as np

from label_noise_lab.simulate.hessian import (
    label_mixture,
    layer_slices,
    logit_derivatives,
    loss_hessian,
    min_abs_preactivation,
    parameter_blocks,
)
from label_noise_lab.simulate.models import Params, init_mlp
from label_noise_lab.simulate.noise import MAX_COND, TransitionMatrix, check_transition, random_transition

MODELS: dict[str, tuple[int, str]] = {
    "linear": (0, "relu"),  # no hidden layer: the activation is never used
    "relu1": (1, "relu"),
    "relu2": (2, "relu"),
    "sigmoid1": (1, "sigmoid"),
}
"""Model name -> (number of hidden layers, hidden activation)."""
COMPARISONS: dict[str, str] = {
    "label": "H[l(y')] - H[l(y)], y' = y + 1 mod c: the raw label dependence",
    "noise": "E_{y~~T[y,:]} H[l(y~)] - H[l(y)]: the Hessian under noise minus the clean one (Thm 4, first part)",
    "backward": "H[l_backward(y)] - H[l(y)], the same observed label (Thm 4, second part)",
    "backward_noise": "E_{y~~T[y,:]} H[l_backward(y~)] - H[l(y)] (Table 1, backward row; 0 by Thm 1)",
    "forward": "H[l_forward(y)] - H[l(y)], the same observed label (Table 1, forward row)",
    "forward_noise": "E_{y~~T[y,:]} H[l_forward(y~)] - H[l(y)] (Table 1, forward row, under noise)",
}
"""Comparison name -> what the difference ``D`` is (``H`` averages over the sample)."""


# ---------------------------------------------------------------- block norms of differences
@dataclass(frozen=True)
class HessianDifference:
    """Frobenius norms of a Hessian difference ``D``, block by block.

    Attributes
    ----------
    model : ``"linear"``, ``"relu1"``, ``"relu2"``, ``"sigmoid1"`` (or a caller's name)
    comparison : a key of :data:`COMPARISONS`
    layer_norms : array (L, L)
        ``||D[layer a, layer b]||_F`` with layer ``l`` = its ``W_l`` and ``b_l``.
    array_names : tuple of str
        ``("W0", "b0", "W1", ...)``
    array_norms : array (2L, 2L)
        The same over single parameter arrays.
    reference_norm : float
        ``||H||_F`` of the clean cross-entropy Hessian it is compared with.
    min_abs_preactivation : float
        Distance of the evaluation point to the nearest ReLU kink (``inf``: no hidden layer).
    """

    model: str
    comparison: str
    layer_norms: np.ndarray
    array_names: tuple[str, ...]
    array_norms: np.ndarray
    reference_norm: float
    min_abs_preactivation: float = np.inf
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def total(self) -> float:
        """``||D||_F``."""
        return float(np.sqrt((self.layer_norms ** 2).sum()))

    @property
    def relative(self) -> float:
        """``||D||_F / ||H||_F``."""
        return self.total / self.reference_norm

    @property
    def relative_layer_norms(self) -> np.ndarray:
        return self.layer_norms / self.reference_norm

    @property
    def diagonal_relative(self) -> float:
        """Largest within-layer block, relative to ``||H||_F``."""
        return float(np.diag(self.layer_norms).max() / self.reference_norm)

    @property
    def cross_relative(self) -> float:
        """Largest cross-layer block, relative to ``||H||_F`` (0 for the linear model)."""
        L = self.layer_norms.shape[0]
        off = self.layer_norms[~np.eye(L, dtype=bool)]
        return float(off.max() / self.reference_norm) if off.size else 0.0

    @property
    def last_layer_relative(self) -> float:
        """The block of the last layer alone, relative to ``||H||_F``."""
        return float(self.layer_norms[-1, -1] / self.reference_norm)

    def to_json(self) -> dict[str, Any]:
        return {"model": self.model, "comparison": self.comparison, "relative": self.relative,
                "relative_layer_norms": self.relative_layer_norms.tolist(), "array_names": list(self.array_names),
                "relative_array_norms": (self.array_norms / self.reference_norm).tolist(),
                "reference_norm": self.reference_norm, "min_abs_preactivation": self.min_abs_preactivation,
                **self.extra}


def block_norms(D: Any, params: Params) -> tuple[np.ndarray, np.ndarray]:
    """``(layer_norms (L, L), array_norms (2L, 2L))``: Frobenius norms of the blocks of ``D``."""
    blocks = parameter_blocks(params)
    D = np.asarray(D, dtype=float)
    P = blocks[-1].stop
    if D.shape != (P, P):
        raise ValueError(f"D must have shape ({P}, {P}) for this model, got {D.shape}")
    layers = layer_slices(params)
    ln = np.array([[np.linalg.norm(D[a, b]) for b in layers] for a in layers])
    an = np.array([[np.linalg.norm(D[a.slice, b.slice]) for b in blocks] for a in blocks])
    return ln, an


def hessian_differences(params: Params, X: Any, labels: Any, T: TransitionMatrix, activation: str = "relu", *,
                        model: str = "model", comparisons: Sequence[str] = tuple(COMPARISONS),
                        max_cond: float = MAX_COND) -> dict[str, HessianDifference]:
    """Block norms of every difference of :data:`COMPARISONS` at one model and sample.

    Each difference is computed by subtracting two independently assembled Hessians
    (not from the formula ``-sum_j (w_j - w'_j) d^2 z_j``), so a wrong theory cannot
    make it vanish.

    Parameters
    ----------
    params : dict, one model
    X : array, shape (n, dim)
    labels : int array, shape (n,)
        The clean labels ``y`` (also the observed labels of the ``backward``/``forward``
        comparisons).
    T : TransitionMatrix, c x c
    activation : {"relu", "sigmoid"}
    model : name stored in the results
    comparisons : subset of :data:`COMPARISONS`

    Returns
    -------
    dict comparison -> HessianDifference
    """
    for cmp in comparisons:
        if cmp not in COMPARISONS:
            raise ValueError(f"unknown comparison {cmp!r}; choose from {tuple(COMPARISONS)}")
    d = logit_derivatives(params, X, activation)
    c = d.logits.shape[1]
    check_transition(T, c, "the model has")
    labels = np.asarray(labels)
    clean = label_mixture("clean", labels, c)
    H0 = loss_hessian(params, X, clean, activation, derivs=d)
    ref = float(np.linalg.norm(H0))
    names = tuple(b.name for b in parameter_blocks(params))
    out: dict[str, HessianDifference] = {}
    for cmp in comparisons:
        if cmp == "label":
            H = loss_hessian(params, X, label_mixture("clean", (labels + 1) % c, c), activation, derivs=d)
        elif cmp == "noise":
            H = loss_hessian(params, X, label_mixture("noisy", labels, c, T), activation, derivs=d)
        elif cmp == "backward":
            H = loss_hessian(params, X, label_mixture("backward", labels, c, T, max_cond), activation, derivs=d)
        elif cmp == "backward_noise":
            H = loss_hessian(params, X, label_mixture("backward_noisy", labels, c, T, max_cond), activation, derivs=d)
        elif cmp == "forward":
            H = loss_hessian(params, X, clean, activation, "forward", T, derivs=d)
        else:  # forward_noise
            H = loss_hessian(params, X, label_mixture("noisy", labels, c, T), activation, "forward", T, derivs=d)
        ln, an = block_norms(H - H0, params)
        out[cmp] = HessianDifference(model, cmp, ln, names, an, ref, d.min_abs_preactivation)
    return out


# ---------------------------------------------------------------- the standard suite of models
@dataclass(frozen=True)
class Setting:
    """A model, a sample and labels at which Hessians are compared."""

    name: str
    params: Params
    X: np.ndarray
    labels: np.ndarray
    activation: str


def random_setting(name: str, rng: np.random.Generator, *, n: int = 8, dim: int = 3, c: int = 3, hidden: int = 4,
                   margin: float = 0.05, max_tries: int = 100) -> Setting:
    """A random model of :data:`MODELS` ``name`` with random biases, inputs and labels.

    Inputs are redrawn until every hidden pre-activation is at least ``margin`` away from 0,
    so the ReLU networks are twice differentiable there with room for finite differences.
    """
    if name not in MODELS:
        raise ValueError(f"unknown model {name!r}; choose one of {tuple(MODELS)}")
    depth, activation = MODELS[name]
    for _ in range(max_tries):
        params = init_mlp(dim, c, (hidden,) * depth, rng)
        params = {k: v + 0.5 * rng.standard_normal(v.shape) if k.startswith("b") else v for k, v in params.items()}
        X = rng.standard_normal((n, dim))
        if min_abs_preactivation(params, X, activation) >= margin:
            return Setting(name, params, X, rng.integers(0, c, n), activation)
    raise ValueError(f"no draw of {name} kept its pre-activations {margin} away from 0 in {max_tries} tries")


def block_difference_norms(rng: np.random.Generator, *, T: TransitionMatrix | None = None, n: int = 8, dim: int = 3,
                           c: int = 3, hidden: int = 4, models: Sequence[str] = tuple(MODELS),
                           comparisons: Sequence[str] = tuple(COMPARISONS)
                           ) -> dict[str, dict[str, HessianDifference]]:
    """Per-block Hessian differences of every model of :data:`MODELS` at one random draw.

    The entry point of the figure ``patrini17_hessian_blocks``: for each model (linear
    softmax; ReLU with one and two hidden layers; sigmoid with one) and each comparison of
    :data:`COMPARISONS`, ``result[model][comparison].relative_layer_norms`` is the (L, L)
    grid ``||D[a, b]||_F / ||H||_F``.

    Parameters
    ----------
    rng : numpy.random.Generator
        Draws ``T`` (when not given), the models, inputs and labels.
    T : TransitionMatrix, optional
        Default: a random ``c x c`` matrix with diagonal 0.7 (invertible, so backward
        correction is defined).
    n, dim, c, hidden : sample size, input dimension, classes, hidden width
    """
    if T is None:
        T = random_transition(c, rng, diag=0.7)
    check_transition(T, c, "the model has")
    out = {}
    for name in models:
        s = random_setting(name, rng, n=n, dim=dim, c=c, hidden=hidden)
        out[name] = hessian_differences(s.params, s.X, s.labels, T, s.activation, model=name, comparisons=comparisons)
    return out
