"""Binary labels ``y`` in ``{-1, +1}`` under class-conditional noise, exactly (SymPy or plain numbers).

Notation of Natarajan et al. 2013 ("Learning with Noisy Labels", NeurIPS 2013), sec. 2:
``rho_+ = P(Y~ = -1 | Y = +1)`` and ``rho_- = P(Y~ = +1 | Y = -1)``, with ``rho_+ + rho_- < 1``;
``eta(x) = P(Y = +1 | x)``. Every function here is arithmetic only, so it takes SymPy expressions
(symbols included: the identities below are proved with them) and NumPy arrays alike;
:mod:`label_noise_lab.simulate.binary` evaluates the same formulas on arrays.
"""
from __future__ import annotations

import functools
from typing import Any, Callable, TypeVar

import sympy

from label_noise_lab.theory.validators import quoted

F = TypeVar("F", bound=Callable[..., Any])


def _no_overflow(fn: F) -> F:
    """``fn`` with Python's ``OverflowError`` of a float mixed with an integer beyond the floats (``0.9 * 10**400``)
    made a one-line ``ValueError`` naming the function and the huge value; exact arguments alone (``int``,
    ``sympy.Rational``) never overflow, so a huge exact number gives its exact result."""
    @functools.wraps(fn)
    def wrapped(*args: Any, **kwargs: Any) -> Any:
        try:
            return fn(*args, **kwargs)
        except OverflowError:
            big = next((v for v in [*args, *kwargs.values()] if isinstance(v, int) and abs(v) > 2**1023), None)
            raise ValueError(f"{fn.__name__}: {quoted(big) if big is not None else 'an argument'} is beyond the "
                             "floating-point range of the float it is combined with; give exact numbers (int, "
                             "sympy.Rational) or floats") from None
    return wrapped  # type: ignore[return-value]

RHO_POS = sympy.Symbol("rho_+", nonnegative=True)
"""``rho_+ = P(Y~ = -1 | Y = +1)``."""
RHO_NEG = sympy.Symbol("rho_-", nonnegative=True)
"""``rho_- = P(Y~ = +1 | Y = -1)``."""
ETA = sympy.Symbol("eta", nonnegative=True)
"""``eta = P(Y = +1 | x)``."""


def flip_rate(y: int, rho_pos: Any, rho_neg: Any) -> Any:
    """``rho_y``: the probability that the label ``y`` (``+1`` or ``-1``) is flipped."""
    if y not in (1, -1):
        raise ValueError(f"y must be +1 or -1, got {quoted(y)}")
    return rho_pos if y == 1 else rho_neg


@_no_overflow
def noisy_expectation(value_y: Any, value_flipped: Any, rho_y: Any) -> Any:
    """``E_{Y~ | Y = y}[g(Y~)] = (1 - rho_y) g(y) + rho_y g(-y)`` (Natarajan et al. 2013, sec. 2)."""
    return (1 - rho_y) * value_y + rho_y * value_flipped


@_no_overflow
def unbiased_loss(loss_y: Any, loss_flipped: Any, rho_y: Any, rho_flipped: Any) -> Any:
    """The unbiased estimator of Natarajan et al. 2013, Lemma 1 (their Eq. 3):

    ``l~(t, y) = ((1 - rho_{-y}) l(t, y) - rho_y l(t, -y)) / (1 - rho_+ - rho_-)``,

    with ``loss_y = l(t, y)``, ``loss_flipped = l(t, -y)``, ``rho_y`` the flip rate of ``y`` and
    ``rho_flipped = rho_{-y}``. Then ``E_{Y~ | Y = y}[l~(t, Y~)] = l(t, y)``
    (:func:`unbiasedness_residual` is that identity, zero).

    References
    ----------
    .. [1] N. Natarajan, I. S. Dhillon, P. Ravikumar and A. Tewari, "Learning with Noisy Labels",
       NeurIPS 2013.

    Examples
    --------
    >>> from sympy import Rational
    >>> from label_noise_lab.theory.binary import unbiased_loss
    >>> unbiased_loss(1, 0, Rational(1, 5), Rational(1, 10))
    9/7
    """
    return ((1 - rho_flipped) * loss_y - rho_y * loss_flipped) / (1 - rho_y - rho_flipped)


def unbiasedness_residual(y: int) -> sympy.Expr:
    """``E_{Y~ | Y = y}[l~(t, Y~)] - l(t, y)`` for symbolic ``l(t, +1)``, ``l(t, -1)``, ``rho_+``, ``rho_-``,
    simplified: 0 exactly when Lemma 1 of Natarajan et al. 2013 holds for the label ``y``."""
    lp, ln = sympy.symbols("l_+ l_-")
    loss = {1: lp, -1: ln}
    tilde = {s: unbiased_loss(loss[s], loss[-s], flip_rate(s, RHO_POS, RHO_NEG), flip_rate(-s, RHO_POS, RHO_NEG))
             for s in (1, -1)}
    e = noisy_expectation(tilde[y], tilde[-y], flip_rate(y, RHO_POS, RHO_NEG))
    return sympy.simplify(e - loss[y])


@_no_overflow
def alpha(rho_pos: Any, rho_neg: Any) -> Any:
    """``alpha = (1 - rho_+ + rho_-) / 2``, the weight of Natarajan et al. 2013, Thm 9 (sec. 3.2).

    References
    ----------
    .. [1] N. Natarajan, I. S. Dhillon, P. Ravikumar and A. Tewari, "Learning with Noisy Labels",
       NeurIPS 2013.

    Examples
    --------
    >>> from sympy import Rational
    >>> from label_noise_lab.theory.binary import alpha
    >>> alpha(Rational(1, 5), Rational(1, 10))
    9/20
    """
    return (1 - rho_pos + rho_neg) / 2


@_no_overflow
def alpha_weighted_loss(loss: Any, y: int, a: Any) -> Any:
    """``l_alpha(t, y) = (1 - alpha) 1[y = 1] l(t, y) + alpha 1[y = -1] l(t, y)`` (Natarajan et al. 2013,
    sec. 3.2, Eq. 5 with ``U_alpha`` for the 0-1 loss), ``loss = l(t, y)`` for one label ``y``."""
    if y not in (1, -1):
        raise ValueError(f"y must be +1 or -1, got {quoted(y)}")
    return (1 - a) * loss if y == 1 else a * loss


@_no_overflow
def noisy_posterior(eta: Any, rho_pos: Any, rho_neg: Any) -> Any:
    """``eta~ = P(Y~ = +1 | x) = (1 - rho_+) eta + rho_- (1 - eta)`` (Natarajan et al. 2013, proof of Thm 9).

    References
    ----------
    .. [1] N. Natarajan, I. S. Dhillon, P. Ravikumar and A. Tewari, "Learning with Noisy Labels",
       NeurIPS 2013.

    Examples
    --------
    >>> from sympy import Rational
    >>> from label_noise_lab.theory.binary import noisy_posterior
    >>> noisy_posterior(Rational(3, 4), Rational(1, 5), Rational(1, 10))
    5/8
    """
    return (1 - rho_pos) * eta + rho_neg * (1 - eta)


@_no_overflow
def conditional_risk(phi_v: Any, phi_minus_v: Any, eta: Any) -> Any:
    """``C_eta(v) = eta phi(v) + (1 - eta) phi(-v)``, the conditional phi-risk of a score ``v``
    (Bartlett, Jordan & McAuliffe 2006, sec. 2)."""
    return eta * phi_v + (1 - eta) * phi_minus_v


@_no_overflow
def alpha_weighted_01_risk(prediction: int, eta_noisy: Any, a: Any) -> Any:
    """The ``alpha``-weighted 0-1 risk at ``x`` of the prediction ``+1``/``-1`` under the noisy posterior
    ``eta~``: ``(1 - alpha) eta~ 1[prediction = -1] + alpha (1 - eta~) 1[prediction = +1]``
    (Natarajan et al. 2013, Thm 9: minimised by ``sign(eta~ - alpha)``, the sign of ``eta - 1/2``)."""
    if prediction not in (1, -1):
        raise ValueError(f"prediction must be +1 or -1, got {quoted(prediction)}")
    return (1 - a) * eta_noisy if prediction == -1 else a * (1 - eta_noisy)
