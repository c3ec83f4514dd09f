"""Binary label noise with labels ``y`` in ``{-1, +1}`` and real-valued scores: the noise model, label
sampling, exact noisy risks, and the two corrections of Natarajan et al. 2013.

Natarajan, Dhillon, Ravikumar & Tewari, "Learning with Noisy Labels", NeurIPS 2013, sec. 2:
class-conditional noise ``rho_+ = P(Y~ = -1 | Y = +1)``, ``rho_- = P(Y~ = +1 | Y = -1)``,
``rho_+ + rho_- < 1``. Symmetric noise (van Rooyen, Menon & Williamson 2015, sec. 2; Long & Servedio
2010) is ``rho_+ = rho_- = rho < 1/2``.

As a :class:`~label_noise_lab.simulate.noise.TransitionMatrix` (:meth:`BinaryNoise.transition`) the classes are in the
order **index 0 = label -1, index 1 = label +1** (:func:`to_index`, :func:`from_index`), so that
``T = [[1 - rho_-, rho_-], [rho_+, 1 - rho_+]]``.

The formulas are written once, in :mod:`label_noise_lab.theory.binary`; the array functions here take their
namespace ``xp`` (NumPy or CuPy) like the rest of :mod:`simulate`.
"""
from __future__ import annotations

import math
from dataclasses import dataclass
from types import ModuleType
from typing import Any, Callable

import numpy as np

from label_noise_lab.simulate.engine.namespace import to_host
from label_noise_lab.simulate.noise import TransitionMatrix
from label_noise_lab.theory import binary as tb
from label_noise_lab.theory.validators import quoted, real_number

Margin = Callable[[Any], Any]
"""A margin loss ``phi`` on arrays: ``phi(v)`` for the margins ``v = y t``, elementwise."""


def _rate(name: str, v: Any) -> Any:
    """A flip rate in ``[0, 1)``, read by the doors' one rule (:func:`label_noise_lab.theory.validators.real_number`;
    its type kept:
    a ``Decimal`` is its exact ``Fraction``) and compared exactly (``10**400`` is refused before any ``float()``)."""
    try:
        r = real_number(name, v)
        inside = bool(0 <= r < 1)
    except ValueError:  # NaN
        inside = False
    if not inside:
        raise ValueError(f"{name} must lie in [0, 1), got {quoted(v)}")
    return r


@dataclass(frozen=True)
class BinaryNoise:
    """Class-conditional binary label noise ``(rho_+, rho_-)`` (Natarajan et al. 2013, sec. 2).

    The rates keep their type: floats for Monte Carlo, ``sympy.Rational`` (or ``Fraction``) for exact
    arithmetic in a claim's exact margin. Build it with :func:`binary_noise` or
    :func:`symmetric_binary_noise`, which validate.
    """

    rho_pos: Any
    rho_neg: Any

    def __post_init__(self) -> None:
        object.__setattr__(self, "rho_pos", _rate("rho_pos", self.rho_pos))  # a Decimal as its exact Fraction
        object.__setattr__(self, "rho_neg", _rate("rho_neg", self.rho_neg))
        if not self.rho_pos + self.rho_neg < 1:
            raise ValueError(f"need rho_pos + rho_neg < 1 (Natarajan et al. 2013, sec. 2: otherwise the noisy "
                             f"labels carry no or inverted information), got rho_pos = {self.rho_pos!r}, "
                             f"rho_neg = {self.rho_neg!r}, sum {self.rho_pos + self.rho_neg!r}")

    def rho(self, y: int) -> Any:
        """``rho_y``, the flip rate of the label ``y`` (``+1`` or ``-1``)."""
        return tb.flip_rate(int(y), self.rho_pos, self.rho_neg)

    @property
    def alpha(self) -> Any:
        """``(1 - rho_+ + rho_-) / 2`` (Natarajan et al. 2013, Thm 9)."""
        return tb.alpha(self.rho_pos, self.rho_neg)

    def noisy_posterior(self, eta: Any) -> Any:
        """``P(Y~ = +1 | x)`` for ``eta = P(Y = +1 | x)`` (scalars or arrays)."""
        return tb.noisy_posterior(eta, self.rho_pos, self.rho_neg)

    def transition(self) -> TransitionMatrix:
        """The 2x2 row-stochastic matrix, **index 0 = label -1, index 1 = label +1**:
        ``[[1 - rho_-, rho_-], [rho_+, 1 - rho_+]]``."""
        rp, rn = float(self.rho_pos), float(self.rho_neg)
        return TransitionMatrix([[1 - rn, rn], [rp, 1 - rp]])


def binary_noise(rho_pos: Any, rho_neg: Any) -> BinaryNoise:
    """Class-conditional noise: ``rho_pos = P(Y~ = -1 | Y = +1)``, ``rho_neg = P(Y~ = +1 | Y = -1)``.

    Raises ``TypeError`` for a non-number, ``ValueError`` for a rate outside ``[0, 1)`` or
    ``rho_pos + rho_neg >= 1`` (the message quotes the values)."""
    return BinaryNoise(_rate("binary_noise: rho_pos", rho_pos), _rate("binary_noise: rho_neg", rho_neg))


def symmetric_binary_noise(rho: Any) -> BinaryNoise:
    """Symmetric noise ``rho_+ = rho_- = rho`` (van Rooyen et al. 2015, sec. 2), ``rho`` in ``[0, 1/2)``."""
    rho = _rate("symmetric_binary_noise: rho", rho)
    if not 2 * rho < 1:
        raise ValueError(f"symmetric_binary_noise: symmetric noise needs rho < 1/2 (rho_+ + rho_- < 1), got rho = "
                         f"{quoted(rho)}")
    return BinaryNoise(rho, rho)


def to_index(y: Any, xp: ModuleType = np) -> Any:
    """Labels in ``{-1, +1}`` -> class indices ``{0, 1}`` of :meth:`BinaryNoise.transition`."""
    return xp.astype(((xp.asarray(y) + 1) // 2), xp.int64)


def from_index(k: Any, xp: ModuleType = np) -> Any:
    """Class indices ``{0, 1}`` -> labels ``{-1, +1}``."""
    return xp.astype((2 * xp.asarray(k) - 1), xp.int64)


def check_signs(y: Any, xp: ModuleType = np) -> Any:
    """``y`` as an ``int64`` array, every entry ``-1`` or ``+1`` (``ValueError`` quoting the first other;
    ``TypeError`` for labels that are not real numbers)."""
    a = xp.asarray(y)
    if not xp.isdtype(a.dtype, ("integral", "real floating")):
        raise TypeError(f"y must hold the labels -1 and +1 as numbers, got {a.dtype} {_quote(y)}")
    bad = (a != 1) & (a != -1)
    if bool(xp.any(bad)):
        first = xp.reshape(a, (-1,))[xp.argmax(xp.reshape(bad, (-1,)))]
        raise ValueError(f"binary labels must be -1 or +1, got {to_host(first).item()!r}")
    return xp.astype(a, xp.int64)


def _quote(v: Any) -> str:
    text = repr(v)
    return text if len(text) <= 80 else text[:77] + "..."


def _labels_and_scores(y: Any, scores: Any, xp: ModuleType) -> tuple[Any, Any]:
    """The labels (:func:`check_signs`) and the scores as real ``float64`` arrays that broadcast together; a
    ``TypeError``/``ValueError`` naming the argument otherwise (complex scores are refused, never cast)."""
    y = check_signs(y, xp)
    try:
        t = xp.asarray(scores)
    except (TypeError, ValueError) as exc:
        raise TypeError(f"scores must be an array of real numbers, got {_quote(scores)} ({exc})") from None
    if not xp.isdtype(t.dtype, ("integral", "real floating")):
        raise TypeError(f"scores must be real numbers, got {t.dtype} {_quote(scores)}")
    t = xp.astype(t, xp.float64)
    try:
        np.broadcast_shapes(tuple(t.shape), tuple(y.shape))
    except ValueError:
        raise ValueError(f"scores of shape {tuple(t.shape)} and y of shape {tuple(y.shape)} do not match") from None
    return xp.astype(y, t.dtype), t  # -1.0/+1.0: the standard promotes no int with a float (y * t)


def _check_noise(noise: Any) -> None:
    if not isinstance(noise, BinaryNoise):
        raise TypeError(f"noise must be a BinaryNoise (binary_noise(rho_pos, rho_neg)), got {type(noise).__name__} "
                        f"{_quote(noise)}")


def _checked(phi: Any, noise: Any) -> Margin:
    """``phi`` as a function of arrays (a zoo :class:`label_noise_lab.theory.margin.MarginLoss` by its ``numpy()``
    form), after a
    ``TypeError`` naming ``phi`` or ``noise`` when either is not what the functions here take."""
    _check_noise(noise)
    if hasattr(phi, "numpy") and hasattr(phi, "phi"):  # a MarginLoss: its NumPy form
        return phi.numpy()
    if not callable(phi):
        raise TypeError(f"phi must be a margin loss, a function of an array of margins (margin_loss('hinge')), got "
                        f"{type(phi).__name__} {_quote(phi)}")
    return phi


def _rates(y: Any, noise: BinaryNoise, xp: ModuleType) -> tuple[Any, Any]:
    """``(rho_y, rho_{-y})`` elementwise for the labels ``y``."""
    rp, rn = xp.asarray(float(noise.rho_pos)), xp.asarray(float(noise.rho_neg))  # the standard's where: arrays
    pos = y == 1
    return xp.where(pos, rp, rn), xp.where(pos, rn, rp)


def sample_binary_labels(y: Any, noise: BinaryNoise, rng: Any, xp: ModuleType = np) -> Any:
    """Noisy labels: each ``y_i`` flipped to ``-y_i`` with probability ``rho_{y_i}``, independently.

    ``rng`` is a ``Generator`` of the namespace ``xp``; returns ``int64`` labels in ``{-1, +1}``."""
    _check_noise(noise)
    if not callable(getattr(rng, "random", None)):
        raise TypeError(f"rng must be a random Generator (numpy.random.default_rng(seed)), got {type(rng).__name__} "
                        f"{_quote(rng)}")
    y = check_signs(y, xp)
    rho_y, _ = _rates(y, noise, xp)
    flip = rng.random(y.shape) < rho_y
    return xp.where(flip, -y, y)


def _unweighted(phi_v: Any, weight: Any, xp: ModuleType) -> Any:
    """``phi_v`` where its weight is not 0, else 0: a label that is never drawn adds nothing, even where its loss
    is infinite (``0 * inf`` would be nan; hinge at ``t = inf``)."""
    return xp.where(weight == 0, 0.0, phi_v)


def binary_noisy_risk(phi: Margin, scores: Any, y: Any, noise: BinaryNoise, xp: ModuleType = np) -> Any:
    """The exact noisy risk ``mean_i E_{Y~ | y_i}[phi(Y~ t_i)] = mean_i ((1 - rho_{y_i}) phi(y_i t_i)
    + rho_{y_i} phi(-y_i t_i))`` of the scores ``t`` on clean labels ``y`` (no sampling). Infinite scores
    are allowed: a loss that is infinite there makes the risk ``inf``, never nan. Empty inputs are a
    ``ValueError`` (the mean of nothing)."""
    phi = _checked(phi, noise)
    y, t = _labels_and_scores(y, scores, xp)
    if math.prod(t.shape) == 0 or math.prod(y.shape) == 0:
        raise ValueError(f"scores and y are empty (shapes {tuple(t.shape)} and {tuple(y.shape)}): no risk to average")
    rho_y, _ = _rates(y, noise, xp)
    return xp.mean(tb.noisy_expectation(phi(y * t), _unweighted(phi(-y * t), rho_y, xp), rho_y))


def unbiased_margin_loss(phi: Margin, scores: Any, y: Any, noise: BinaryNoise, xp: ModuleType = np) -> Any:
    """Natarajan et al. 2013, Lemma 1 for a margin loss ``l(t, y) = phi(y t)``, elementwise:
    ``l~(t, y) = ((1 - rho_{-y}) phi(y t) - rho_y phi(-y t)) / (1 - rho_+ - rho_-)``. Its expectation over
    the noisy label of a clean ``y`` is ``phi(y t)``."""
    phi = _checked(phi, noise)
    y, t = _labels_and_scores(y, scores, xp)
    rho_y, rho_other = _rates(y, noise, xp)
    return tb.unbiased_loss(phi(y * t), _unweighted(phi(-y * t), rho_y, xp), rho_y, rho_other)


def alpha_weighted_margin_loss(phi: Margin, scores: Any, y: Any, noise: BinaryNoise, xp: ModuleType = np) -> Any:
    """Natarajan et al. 2013, sec. 3.2 (Thm 9 for the 0-1 loss), elementwise:
    ``l_alpha(t, y) = (1 - alpha) 1[y = 1] phi(t) + alpha 1[y = -1] phi(-t)``, ``alpha = (1 - rho_+ + rho_-)/2``."""
    phi = _checked(phi, noise)
    y, t = _labels_and_scores(y, scores, xp)
    a = float(noise.alpha)
    value = phi(y * t)
    return xp.where(y == 1, tb.alpha_weighted_loss(value, 1, a), tb.alpha_weighted_loss(value, -1, a))
