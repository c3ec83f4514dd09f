"""Symbolic classification losses ``L(f, e_j)`` on the probability simplex.

Every loss here is *separable*: ``L(f, e_j) = phi_1(f_j) + sum_{k != j} phi_0(f_k)``, with
``phi_1`` the contribution of the labelled coordinate and ``phi_0`` that of each other
coordinate. The class sum then needs no vector of symbolic length:
``sum_j L(f, e_j) = sum_k psi(f_k)`` with ``psi = phi_1 + (c - 1) phi_0``
(see :mod:`label_noise_lab.theory.symmetry`), which is how claims "for every ``c``" are proved.

Sources: S. Li, "Robust Losses" (study notes), Eqs. 1, 2, 4 (CCE, MAE, MSE) and 17-18 (RCE);
Zhang & Sabuncu 2018, Eq. 4 (MAE), sec. 3.1 (unhinged), Eq. 6 (``L_q``),
Eq. 9 (truncated ``L_q``).

Below them, the zoo (:data:`ZOO`): every published loss as a :class:`LossDefinition` in
``p = f_y``. The six written above (CCE, MAE, MSE, GCE, truncated GCE, RCE) are not written
again there: their zoo entries are derived with :meth:`LossDefinition.label_form`.
"""
from __future__ import annotations

import dataclasses
import inspect
from dataclasses import dataclass
from typing import Any, Callable, Sequence, TypeAlias

import sympy

from label_noise_lab.theory import loss_parameters as D  # the parameters' domains, each declared once
from label_noise_lab.theory.expressions import P, to_sympy
from label_noise_lab.theory.loss_parameters import check_A, check_k, check_q
from label_noise_lab.theory.validators import quoted

Expr: TypeAlias = sympy.Expr

# P, imported from label_noise_lab.theory.expressions, is ``p = f_y``: the probability of the labelled class
SCALAR = sympy.Symbol("t", positive=True)
_REST = sympy.Symbol("r", nonnegative=True)


# ---------------------------------------------------------------- scalar pieces
def lq_value(t: Any, q: Any) -> Expr:
    """``L_q`` as a function of the labelled probability: ``(1 - t^q)/q`` (Zhang & Sabuncu 2018, Eq. 6).

    References
    ----------
    .. [1] Z. Zhang and M. R. Sabuncu, "Generalized Cross Entropy Loss for Training Deep Neural Networks with
       Noisy Labels", NeurIPS 2018, sec. 3.2, Eq. 6.
    .. [2] S. Li, "Robust Losses", study notes on Ghosh et al. 2017, Zhang & Sabuncu 2018, Wang et al. (IMAE),
       Wang et al. 2019 (SCE) and Xu et al. 2019 (L_DMI), sec. 2, Eq. 6.

    Examples
    --------
    >>> from sympy import Rational, Symbol
    >>> from label_noise_lab.theory.losses import lq_value
    >>> lq_value(Rational(1, 4), Rational(1, 2))
    1
    >>> lq_value(Symbol("t", positive=True), 1)
    1 - t
    """
    q = check_q(q)
    return (1 - to_sympy(t, "t") ** q) / q


def lq_at(k: Any, q: Any) -> Expr:
    """``L_q(k) = (1 - k^q)/q``, the level at which Eq. 9 truncates (Zhang & Sabuncu 2018, sec. 3.3).

    References
    ----------
    .. [1] Z. Zhang and M. R. Sabuncu, "Generalized Cross Entropy Loss for Training Deep Neural Networks with
       Noisy Labels", NeurIPS 2018, sec. 3.3, the text after Eq. 9.

    Examples
    --------
    >>> from sympy import Rational
    >>> from label_noise_lab.theory.losses import lq_at
    >>> lq_at(Rational(1, 4), Rational(1, 2))
    1
    """
    return lq_value(k, q)


def truncated_lq_value(t: Any, q: Any, k: Any) -> Expr:
    """Truncated ``L_q`` of the labelled probability ``t`` (Zhang & Sabuncu 2018, Eq. 9).

    ``L_q(k)`` if ``t <= k``, else ``L_q(t)``, as a ``Piecewise``.

    References
    ----------
    .. [1] Z. Zhang and M. R. Sabuncu, "Generalized Cross Entropy Loss for Training Deep Neural Networks with
       Noisy Labels", NeurIPS 2018, sec. 3.3, Eq. 9.
    .. [2] S. Li, "Robust Losses", study notes on Ghosh et al. 2017, Zhang & Sabuncu 2018, Wang et al. (IMAE),
       Wang et al. 2019 (SCE) and Xu et al. 2019 (L_DMI), sec. 2, Eq. 7.

    Examples
    --------
    >>> from sympy import Rational
    >>> from label_noise_lab.theory.losses import truncated_lq_value
    >>> truncated_lq_value(Rational(1, 8), Rational(1, 2), Rational(1, 4))
    1
    >>> truncated_lq_value(Rational(1, 2), Rational(1, 2), Rational(1, 4))
    2 - sqrt(2)
    """
    q, k = check_q(q), check_k(k)
    t = to_sympy(t, "t")
    return sympy.Piecewise((lq_at(k, q), t <= k), (lq_value(t, q), True))


# ---------------------------------------------------------------- the separable losses
def separable(name: str, phi_label: Any, phi_other: Any = 0, params: Sequence[tuple[str, Any]] = (),
              cite: str = "") -> LossDefinition:
    """The separable loss ``L(f, e_j) = phi_1(f_j) + sum_{k != j} phi_0(f_k)`` as a :class:`LossDefinition`.

    ``phi_label`` (``phi_1``) and ``phi_other`` (``phi_0``) are functions ``t -> expr`` or expressions in the
    symbol ``t`` (positive). Its label form ``l(p)`` is derived where ``phi_0`` is linear on ``[0, 1]``
    (:meth:`LossDefinition.label_form`), so that a loss of ``p = f_y`` alone is known as one.
    """
    def expr(phi: Any) -> Expr:
        return sympy.sympify(phi(SCALAR) if callable(phi) else phi)

    pair = (expr(phi_label), expr(phi_other))
    d = LossDefinition(name, tuple(params), None, separable=pair, cite=cite)
    try:
        return dataclasses.replace(d, label=d.label_form())
    except ValueError:  # phi_0 not linear (MSE): the loss depends on more than f_j
        return d


def cce() -> LossDefinition:
    """Categorical cross entropy ``-log f_j`` (Li's notes, Eq. 1; Zhang & Sabuncu 2018, Eq. 2).

    References
    ----------
    .. [1] S. Li, "Robust Losses", study notes on Ghosh et al. 2017, Zhang & Sabuncu 2018, Wang et al. (IMAE),
       Wang et al. 2019 (SCE) and Xu et al. 2019 (L_DMI), sec. 1, Eq. 1.
    .. [2] Z. Zhang and M. R. Sabuncu, "Generalized Cross Entropy Loss for Training Deep Neural Networks with
       Noisy Labels", NeurIPS 2018, sec. 3.1, Eq. 2.

    Examples
    --------
    >>> from sympy import Rational
    >>> from label_noise_lab.theory.losses import cce
    >>> f = [Rational(1, 2), Rational(1, 3), Rational(1, 6)]
    >>> cce()(f, 0), cce().label
    (log(2), -log(p))
    """
    return separable("cce", -sympy.log(SCALAR), cite="S. Li's notes, Eq. 1")


def mae() -> LossDefinition:
    """Mean absolute error ``||e_j - f||_1 = |1 - f_j| + sum_{k != j} |f_k|`` (Li's notes, Eq. 2; Zhang & Sabuncu
    2018, Eq. 4).

    Written with ``Abs`` as the definition reads; on the simplex it equals ``2 - 2 f_j``.

    References
    ----------
    .. [1] S. Li, "Robust Losses", study notes on Ghosh et al. 2017, Zhang & Sabuncu 2018, Wang et al. (IMAE),
       Wang et al. 2019 (SCE) and Xu et al. 2019 (L_DMI), sec. 1, Eq. 2.
    .. [2] Z. Zhang and M. R. Sabuncu, "Generalized Cross Entropy Loss for Training Deep Neural Networks with
       Noisy Labels", NeurIPS 2018, sec. 3.1, Eq. 4.

    Examples
    --------
    >>> from sympy import Rational
    >>> from label_noise_lab.theory.losses import mae
    >>> f = [Rational(1, 2), Rational(1, 3), Rational(1, 6)]
    >>> mae()(f, 0), mae().label
    (1, 2 - 2*p)
    """
    return separable("mae", sympy.Abs(1 - SCALAR), sympy.Abs(SCALAR), cite="S. Li's notes, Eq. 2")


def mse() -> LossDefinition:
    """Mean squared error ``||e_j - f||_2^2 = (1 - f_j)^2 + sum_{k != j} f_k^2`` (Li's notes, Eq. 4).

    References
    ----------
    .. [1] S. Li, "Robust Losses", study notes on Ghosh et al. 2017, Zhang & Sabuncu 2018, Wang et al. (IMAE),
       Wang et al. 2019 (SCE) and Xu et al. 2019 (L_DMI), sec. 2 (Ghosh et al. 2017), Eq. 4 (its class sum).

    Examples
    --------
    >>> from sympy import Rational
    >>> from label_noise_lab.theory.losses import mse
    >>> mse()([Rational(1, 2), Rational(1, 3), Rational(1, 6)], 0)
    7/18
    """
    return separable("mse", (1 - SCALAR) ** 2, SCALAR**2, cite="S. Li's notes, Eq. 4")


def unhinged() -> LossDefinition:
    """The unhinged loss ``1 - f_j`` (van Rooyen et al. 2015; Zhang & Sabuncu 2018, sec. 3.1).

    References
    ----------
    .. [1] Z. Zhang and M. R. Sabuncu, "Generalized Cross Entropy Loss for Training Deep Neural Networks with
       Noisy Labels", NeurIPS 2018, sec. 3.1, Eq. 4 and the text after Eq. 6 (MAE/unhinged loss).

    Examples
    --------
    >>> from label_noise_lab.theory.losses import unhinged
    >>> unhinged().label
    1 - p
    """
    return separable("unhinged", 1 - SCALAR, cite="Zhang & Sabuncu 2018, sec. 3.1")


def lq(q: Any) -> LossDefinition:
    """Generalized cross entropy ``L_q = (1 - f_j^q)/q``, ``q`` in ``(0, 1]`` (Zhang & Sabuncu 2018, Eq. 6).

    References
    ----------
    .. [1] Z. Zhang and M. R. Sabuncu, "Generalized Cross Entropy Loss for Training Deep Neural Networks with
       Noisy Labels", NeurIPS 2018, sec. 3.2, Eq. 6.
    .. [2] S. Li, "Robust Losses", study notes on Ghosh et al. 2017, Zhang & Sabuncu 2018, Wang et al. (IMAE),
       Wang et al. 2019 (SCE) and Xu et al. 2019 (L_DMI), sec. 2, Eq. 6.

    Examples
    --------
    >>> from sympy import Rational
    >>> from label_noise_lab.theory.losses import lq
    >>> lq(Rational(1, 2)).label
    2 - 2*sqrt(p)
    >>> lq(Rational(1, 2))([Rational(1, 2), Rational(1, 2)], 0)
    2 - sqrt(2)
    """
    q = check_q(q)
    return separable("lq", lq_value(SCALAR, q), params=(("q", q),), cite="Zhang & Sabuncu 2018, Eq. 6")


def truncated_lq(q: Any, k: Any) -> LossDefinition:
    """Truncated ``L_q``: ``L_q(k)`` if ``f_j <= k``, else ``L_q(f_j)`` (Zhang & Sabuncu 2018, Eq. 9), a
    ``Piecewise``.

    References
    ----------
    .. [1] Z. Zhang and M. R. Sabuncu, "Generalized Cross Entropy Loss for Training Deep Neural Networks with
       Noisy Labels", NeurIPS 2018, sec. 3.3, Eq. 9.
    .. [2] S. Li, "Robust Losses", study notes on Ghosh et al. 2017, Zhang & Sabuncu 2018, Wang et al. (IMAE),
       Wang et al. 2019 (SCE) and Xu et al. 2019 (L_DMI), sec. 2, Eq. 7.

    Examples
    --------
    >>> from sympy import Rational
    >>> from label_noise_lab.theory.losses import truncated_lq
    >>> truncated_lq(Rational(1, 2), Rational(1, 2)).label
    Piecewise((2 - sqrt(2), p <= 1/2), (2 - 2*sqrt(p), True))
    """
    q, k = check_q(q), check_k(k)
    return separable("truncated_lq", truncated_lq_value(SCALAR, q, k), params=(("q", q), ("k", k)),
                     cite="Zhang & Sabuncu 2018, Eq. 9")


def rce(A: Any) -> LossDefinition:
    """Reverse cross entropy ``-sum_k f_k log y_k`` for a one-hot ``y = e_j`` with ``log 0 := A`` (Wang et al. 2019
    via Li's notes, Eq. 18).

    The labelled term is ``-f_j log 1 = 0``; each other term is ``-f_k A``. On the simplex
    the loss is ``-A (1 - f_j)``.

    References
    ----------
    .. [1] S. Li, "Robust Losses", study notes on Ghosh et al. 2017, Zhang & Sabuncu 2018, Wang et al. (IMAE),
       Wang et al. 2019 (SCE) and Xu et al. 2019 (L_DMI), sec. 2 (Wang et al. 2019), Eq. 18 and the text after Eq. 19
       (``log 0 := A``).

    Examples
    --------
    >>> from sympy import Rational
    >>> from label_noise_lab.theory.losses import rce
    >>> rce(-4).label
    4 - 4*p
    >>> rce(-4)([Rational(1, 2), Rational(1, 3), Rational(1, 6)], 0)
    2
    """
    A = check_A(A)
    return separable("rce", 0, -A * SCALAR, params=(("A", A),), cite="S. Li's notes, Eq. 18")


LOSSES: dict[str, Callable[..., LossDefinition]] = {
    "cce": cce, "mae": mae, "mse": mse, "unhinged": unhinged, "lq": lq, "truncated_lq": truncated_lq, "rce": rce,
}


def symbolic_loss(name: str, **params: Any) -> LossDefinition:
    """The separable symbolic loss ``name`` (a key of :data:`LOSSES`) with ``params`` bound.

    Unknown names raise ``ValueError``. The NumPy loss of a name is
    :func:`label_noise_lab.simulate.losses.get_loss`; the zoo's definitions, :func:`zoo_loss`.
    """
    if name not in LOSSES:
        raise ValueError(f"unknown loss {name!r}; choose one of {', '.join(LOSSES)}")
    try:
        return LOSSES[name](**params)
    except TypeError as exc:
        raise ValueError(f"loss {name!r}: bad parameters {params!r} ({exc})") from None


# ====================================================================== the zoo: one definition per loss
# Every loss of the zoo is written once here, symbolically. A loss of the labelled probability
# ``p = f_y`` alone is given by ``label`` (an expression in :data:`P`); a loss of the whole
# simplex point by ``vector`` (``(f, j) -> expr`` for an explicit number of classes). A
# separable loss (``phi_1(f_j) + sum_{k != j} phi_0(f_k)``) may also give ``separable`` so
# its class sum is analysed for a symbolic ``c`` (:func:`label_noise_lab.theory.symmetry.class_potential`,
# :func:`label_noise_lab.theory.symmetry.class_sum_range`). The NumPy value and logit gradient are derived
# from these definitions (:func:`label_noise_lab.simulate.losses.derived_loss`).


CITATIONS = {
    "ghosh17": "Ghosh, Kumar & Sastry 2017, AAAI (arXiv 1712.09482)",
    "gce18": "Zhang & Sabuncu 2018, NeurIPS (arXiv 1805.07836)",
    "sce19": "Wang, Ma, Chen, Luo, Yi & Bailey 2019, ICCV (arXiv 1908.06112)",
    "ma20": "Ma, Huang, Wang, Romano, Erfani & Bailey 2020, Normalized loss functions for deep learning "
            "with noisy labels, ICML (arXiv 2006.13554)",
    "feng20": "Feng, Shu, Lin, Lv, Li & An 2020, Can cross entropy loss be robust to label noise?, IJCAI",
    "leng22": "Leng, Tan, Liu, Cubuk, Shi, Cheng & Anguelov 2022, PolyLoss, ICLR (arXiv 2204.12511)",
    "lin17": "Lin, Goyal, Girshick, He & Dollar 2017, Focal loss for dense object detection, ICCV (arXiv 1708.02002)",
    "englesson21": "Englesson & Azizpour 2021, Generalized Jensen-Shannon divergence loss for learning with "
                   "noisy labels, NeurIPS (arXiv 2105.04522)",
    "zhou21": "Zhou, Liu, Jiang, Gao & Ji 2021, Asymmetric loss functions for learning with noisy labels, "
              "ICML (arXiv 2106.03110)",
}


@dataclass(frozen=True)
class NormalizedForm:
    """``L(f, e_y) = alpha phi(f_y) / sum_k phi(f_k) + beta g(f_y)``: an active normalized loss plus a passive
    loss of ``p = f_y`` (Ma et al. 2020, sec. 3 (normalization) and sec. 4 (APL = active + passive)).

    ``phi`` (in :data:`P`) is positive on ``(0, 1)``, infinite at ``0+`` and ``0`` at ``1`` (CE, focal);
    ``g`` (in :data:`P`) is the passive part (``0`` for NCE and NFL alone). The loss trial checks these
    properties and that :attr:`LossDefinition.vector` agrees with the form before it derives anything from it.
    """

    alpha: Expr
    phi: Expr
    beta: Expr = sympy.Integer(0)
    passive: Expr = sympy.Integer(0)

    def __call__(self, f: Sequence[Any], j: int) -> Expr:
        """The form at an explicit point (for the trial's consistency check)."""
        num = self.phi.subs(P, f[j])
        return self.alpha * num / sympy.Add(*[self.phi.subs(P, x) for x in f]) + self.beta * self.passive.subs(P, f[j])


@dataclass(frozen=True)
class LossDefinition:
    """One loss, written once: the only model of a loss in the project.

    The trial (:mod:`paper_checks.trials.simplex`), the class sums of :mod:`label_noise_lab.theory.symmetry`, the logit
    gradients
    of :mod:`label_noise_lab.theory.gradients` and the NumPy/CuPy kernels of :mod:`label_noise_lab.simulate.losses`
    (``derived_loss``) all read it.

    Attributes
    ----------
    name : the zoo name (``"gce"``)
    params : the bound parameters (SymPy numbers, or symbols for a derivation for every value)
    label : ``l(p)``, the loss as a function of ``p = f_y`` alone on the simplex, or ``None``
    vector : ``(f, j) -> L(f, e_j)`` for an explicit simplex point ``f``; derived from ``separable`` or ``label``
        when ``None``
    separable : ``(phi_1, phi_0)`` as expressions in ``t`` when ``L(f, e_j) = phi_1(f_j) + sum_{k != j} phi_0(f_k)``
    cite : where the loss is defined (paper and equation)
    normalized : the :class:`NormalizedForm` of a normalized loss (NCE, NFL, APL), or ``None``
    """

    name: str
    params: tuple[tuple[str, Any], ...]
    label: Expr | None
    vector: Callable[[Sequence[Any], int], Expr] | None = None
    separable: tuple[Expr, Expr] | None = None
    cite: str = ""
    normalized: NormalizedForm | None = None

    def __post_init__(self) -> None:
        if self.label is None and self.vector is None and self.separable is None:
            raise ValueError(f"loss {self.name!r}: give a label form l(p), a separable form or a vector form L(f, j)")

    @property
    def param_dict(self) -> dict[str, Any]:
        return dict(self.params)

    @property
    def label_only(self) -> bool:
        """True when the loss depends on ``p_y`` alone (then ``label`` is its formula)."""
        return self.label is not None

    def title(self) -> str:
        """``gce(q=7/10)``."""
        if not self.params:
            return self.name
        return f"{self.name}(" + ", ".join(f"{k}={v}" for k, v in self.params) + ")"

    def __call__(self, f: Sequence[Any], j: int) -> Expr:
        """``L(f, e_j)`` for an explicit simplex point ``f``, 0-based ``j``."""
        c = len(f)
        if c < 2:
            raise ValueError(f"a simplex point needs c >= 2 coordinates, got {c}")
        if not 0 <= j < c:
            raise ValueError(f"label j must lie in [0, {c - 1}], got {j!r}")
        if self.vector is not None:
            return self.vector([to_sympy(x, "f") for x in f], j)
        if self.separable is not None:
            out = self.phi_label(to_sympy(f[j], "f"))
            for k in range(c):
                if k != j:
                    out += self.phi_other(to_sympy(f[k], "f"))
            return out
        assert self.label is not None  # __post_init__: a loss without vector and separable forms has a label form
        return self.label.subs(P, to_sympy(f[j], "f"))

    def potential(self) -> tuple[Expr, Expr] | None:
        """``(phi_1, phi_0)`` in ``t`` when separable (a label-only loss is, with ``phi_0 = 0``)."""
        if self.separable is not None:
            return self.separable
        if self.label is not None:
            return self.label.subs(P, SCALAR), sympy.Integer(0)
        return None

    def _phi(self, e: int, t: Any) -> Expr:
        pot = self.potential()
        if pot is None:
            raise ValueError(f"loss {self.name!r} is not separable: it has no coordinate terms phi_1, phi_0")
        return pot[1 - e].subs(SCALAR, to_sympy(t, "t"))

    def phi_label(self, t: Any) -> Expr:
        """``phi_1(t)``, the labelled coordinate's term."""
        return self._phi(1, t)

    def phi_other(self, t: Any) -> Expr:
        """``phi_0(t)``, each other coordinate's term."""
        return self._phi(0, t)

    def coordinate(self, e: int, t: Any) -> Expr:
        """``phi_e(t)``: the term of a coordinate with one-hot entry ``e`` (1 labelled, 0 not)."""
        if e not in (0, 1):
            raise ValueError(f"one-hot entry e must be 0 or 1, got {e!r}")
        return self._phi(e, t)

    def label_form(self) -> Expr:
        """The loss on the simplex as a function of ``p = f_j`` alone: ``phi_1(p) + phi_0(1 - p)``.

        Exact when ``phi_0`` is linear on ``[0, 1]`` (``0``, ``|t|``, ``-A t``): then
        ``sum_{k != j} phi_0(f_k) = phi_0(sum_{k != j} f_k) = phi_0(1 - p)``. Every absolute value
        has a non-negative argument on the simplex and is dropped. ``ValueError`` when ``phi_0``
        is not linear (MSE: its loss depends on more than ``f_j``).
        """
        if self.separable is None:
            if self.label is not None:
                return self.label
            raise ValueError(f"loss {self.name!r} depends on more than the labelled probability")
        rest = _REST  # the mass off the label, 1 - p >= 0, so that |1 - p| is seen to be 1 - p
        if sympy.diff(self.phi_other(rest), rest, 2) != 0:
            raise ValueError(f"loss {self.name!r} depends on more than the labelled probability")
        return (self.phi_label(1 - rest) + self.phi_other(rest)).subs(rest, 1 - P)


@dataclass(frozen=True)
class ZooEntry:
    """A family of losses: its factory, its parameters with defaults, its citation and each parameter's domain
    (:class:`label_noise_lab.theory.loss_parameters.Domain`, declared once: the factory checks it, the family trial
    states it)."""

    name: str
    factory: Callable[..., LossDefinition]
    defaults: tuple[tuple[str, str], ...]
    cite: str
    domains: tuple[D.Domain, ...] = ()

    def domain(self, param: str) -> D.Domain:
        """The declared domain of ``param``; ``ValueError`` naming the parameters otherwise."""
        for d in self.domains:
            if d.name == param:
                return d
        raise ValueError(f"loss {self.name!r} has no parameter {param!r}; its parameters: "
                         f"{', '.join(k for k, _ in self.defaults) or 'none'}")

    def signature(self) -> str:
        return f"{self.name}(" + ", ".join(f"{k}={v}" for k, v in self.defaults) + ")" if self.defaults else self.name


def _nce_vector(f: Sequence[Expr], j: int) -> Expr:
    return sympy.log(f[j]) / sympy.Add(*[sympy.log(x) for x in f])


def _nfl_vector(gamma: Expr) -> Callable[[Sequence[Expr], int], Expr]:
    def fl(x: Expr) -> Expr:
        return -(1 - x) ** gamma * sympy.log(x)

    return lambda f, j: fl(f[j]) / sympy.Add(*[fl(x) for x in f])


def zoo_cce() -> LossDefinition:
    """Categorical cross entropy ``-log p``: :func:`cce` on the simplex (Ghosh et al. 2017 via Li's notes, Eq. 1).

    References
    ----------
    .. [1] S. Li, "Robust Losses", study notes on Ghosh et al. 2017, Zhang & Sabuncu 2018, Wang et al. (IMAE),
       Wang et al. 2019 (SCE) and Xu et al. 2019 (L_DMI), sec. 1, Eq. 1.
    """
    return LossDefinition("cce", (), cce().label_form(), cite=f"{CITATIONS['ghosh17']}; S. Li's notes, Eq. 1")


def zoo_mae() -> LossDefinition:
    """MAE ``||e_y - f||_1 = 2 - 2 p``: :func:`mae` on the simplex (Li's notes, Eq. 2; Zhang & Sabuncu 2018, Eq. 4).

    References
    ----------
    .. [1] S. Li, "Robust Losses", study notes on Ghosh et al. 2017, Zhang & Sabuncu 2018, Wang et al. (IMAE),
       Wang et al. 2019 (SCE) and Xu et al. 2019 (L_DMI), sec. 1, Eq. 2.
    .. [2] Z. Zhang and M. R. Sabuncu, "Generalized Cross Entropy Loss for Training Deep Neural Networks with
       Noisy Labels", NeurIPS 2018, sec. 3.1, Eq. 4.
    """
    return LossDefinition("mae", (), mae().label_form(), cite=f"{CITATIONS['ghosh17']}; S. Li's notes, Eq. 2")


def zoo_mse() -> LossDefinition:
    """MSE ``||e_y - f||_2^2``: :func:`mse`, separable, ``phi_1 = (1 - t)^2``, ``phi_0 = t^2`` (Li's notes, Eq. 4).

    References
    ----------
    .. [1] S. Li, "Robust Losses", study notes on Ghosh et al. 2017, Zhang & Sabuncu 2018, Wang et al. (IMAE),
       Wang et al. 2019 (SCE) and Xu et al. 2019 (L_DMI), sec. 2 (Ghosh et al. 2017), Eq. 4.
    """
    return LossDefinition("mse", (), None, separable=mse().separable,
                          cite=f"{CITATIONS['ghosh17']}; S. Li's notes, Eq. 4")


def zoo_gce(q: Any = "0.7") -> LossDefinition:
    """GCE ``L_q = (1 - p^q)/q``, ``q`` in ``(0, 1]``: :func:`lq` (Zhang & Sabuncu 2018, Eq. 6).

    References
    ----------
    .. [1] Z. Zhang and M. R. Sabuncu, "Generalized Cross Entropy Loss for Training Deep Neural Networks with
       Noisy Labels", NeurIPS 2018, sec. 3.2, Eq. 6.
    """
    q = D.Q.number(q)
    return LossDefinition("gce", (("q", q),), lq(q).label_form(), cite=f"{CITATIONS['gce18']}, Eq. 6")


def zoo_tgce(q: Any = "0.7", k: Any = "0.5") -> LossDefinition:
    """Truncated ``L_q``: ``L_q(k)`` for ``p <= k``, else ``L_q(p)``: :func:`truncated_lq` (Zhang & Sabuncu 2018,
    Eq. 9).

    References
    ----------
    .. [1] Z. Zhang and M. R. Sabuncu, "Generalized Cross Entropy Loss for Training Deep Neural Networks with
       Noisy Labels", NeurIPS 2018, sec. 3.3, Eq. 9.
    """
    q, k = D.Q.number(q), D.K.number(k)
    return LossDefinition("tgce", (("q", q), ("k", k)), truncated_lq(q, k).label_form(),
                          cite=f"{CITATIONS['gce18']}, Eq. 9")


def zoo_rce(A: Any = -4) -> LossDefinition:
    """RCE with ``log 0 := A < 0``: ``-A (1 - p)``, :func:`rce` on the simplex (Wang et al. 2019 via Li's notes,
    Eq. 18).

    References
    ----------
    .. [1] S. Li, "Robust Losses", study notes on Ghosh et al. 2017, Zhang & Sabuncu 2018, Wang et al. (IMAE),
       Wang et al. 2019 (SCE) and Xu et al. 2019 (L_DMI), sec. 2 (Wang et al. 2019), Eq. 18 and the text after Eq. 19.
    """
    A = D.A.number(A)
    return LossDefinition("rce", (("A", A),), rce(A).label_form(), cite=f"{CITATIONS['sce19']}; S. Li's notes, Eq. 18")


def zoo_sce(alpha: Any = "0.1", beta: Any = 1, A: Any = -4) -> LossDefinition:
    """SCE ``alpha CE + beta RCE`` (Wang et al. 2019 via Li's notes, Eq. 19).

    References
    ----------
    .. [1] S. Li, "Robust Losses", study notes on Ghosh et al. 2017, Zhang & Sabuncu 2018, Wang et al. (IMAE),
       Wang et al. 2019 (SCE) and Xu et al. 2019 (L_DMI), sec. 2 (Wang et al. 2019), Eqs. 17-19.

    Examples
    --------
    >>> from sympy import Rational
    >>> from label_noise_lab.theory.losses import zoo_sce
    >>> zoo_sce()([Rational(1, 2), Rational(1, 3), Rational(1, 6)], 0)
    log(2)/10 + 2
    """
    alpha, beta, A = D.SCE_ALPHA.number(alpha), D.SCE_BETA.number(beta), D.A.number(A)
    if alpha + beta == 0:
        raise ValueError("parameters alpha and beta must not both be 0")
    return LossDefinition("sce", (("alpha", alpha), ("beta", beta), ("A", A)),
                          alpha * cce().label_form() + beta * rce(A).label_form(),
                              cite=f"{CITATIONS['sce19']}; S. Li's notes, Eq. 19")


def zoo_nce() -> LossDefinition:
    """Normalized CE ``log f_y / sum_k log f_k`` (Ma et al. 2020, sec. 3, Eq. 3)."""
    return LossDefinition("nce", (), None, _nce_vector, cite=f"{CITATIONS['ma20']}, sec. 3",
                          normalized=NormalizedForm(sympy.Integer(1), -sympy.log(P)))


def zoo_nfl(gamma: Any = "0.5") -> LossDefinition:
    """Normalized focal loss ``FL(f, y)/sum_k FL(f, k)``, ``FL = -(1 - f)^gamma log f`` (Ma et al. 2020, sec. 3)."""
    gamma = D.GAMMA.number(gamma)
    return LossDefinition("nfl", (("gamma", gamma),), None, _nfl_vector(gamma), cite=f"{CITATIONS['ma20']}, sec. 3",
                          normalized=NormalizedForm(sympy.Integer(1), -(1 - P) ** gamma * sympy.log(P)))


def zoo_nce_mae(alpha: Any = 1, beta: Any = 1) -> LossDefinition:
    """APL ``alpha NCE + beta MAE`` (Ma et al. 2020, sec. 4)."""
    alpha, beta = D.APL_ALPHA.number(alpha), D.APL_BETA.number(beta)
    return LossDefinition("nce_mae", (("alpha", alpha), ("beta", beta)), None,
                          lambda f, j: alpha * _nce_vector(f, j) + beta * (2 - 2 * f[j]),
                          cite=f"{CITATIONS['ma20']}, sec. 4",
                          normalized=NormalizedForm(alpha, -sympy.log(P), beta, 2 - 2 * P))


def zoo_nce_rce(alpha: Any = 1, beta: Any = 1, A: Any = -4) -> LossDefinition:
    """APL ``alpha NCE + beta RCE`` (Ma et al. 2020, sec. 4)."""
    alpha, beta, A = D.APL_ALPHA.number(alpha), D.APL_BETA.number(beta), D.A.number(A)
    return LossDefinition("nce_rce", (("alpha", alpha), ("beta", beta), ("A", A)), None,
                          lambda f, j: alpha * _nce_vector(f, j) + beta * -A * (1 - f[j]),
                          cite=f"{CITATIONS['ma20']}, sec. 4",
                          normalized=NormalizedForm(alpha, -sympy.log(P), beta, -A * (1 - P)))


MAX_TAYLOR_ORDER = int(D.TAYLOR_T.interval()[1])
"""Highest order of the Taylor CE (its terms are expanded)."""


def zoo_taylor(t: Any = 2) -> LossDefinition:
    """Taylor CE of order ``t``: ``sum_{i=1}^t (1 - p)^i / i`` (Feng et al. 2020, Eq. 4); ``1 <= t <=``
    :data:`MAX_TAYLOR_ORDER` (its terms are expanded, so the order is capped)."""
    t = D.TAYLOR_T.number(t)
    return LossDefinition("taylor", (("t", t),), sympy.Add(*[(1 - P) ** i / i for i in range(1, int(t) + 1)]),
                          cite=f"{CITATIONS['feng20']}")


def zoo_poly1(epsilon: Any = 1) -> LossDefinition:
    """Poly-1 ``-log p + epsilon (1 - p)``, ``epsilon >= -1`` (Leng et al. 2022, Eq. 3)."""
    epsilon = D.EPSILON.number(epsilon)
    return LossDefinition("poly1", (("epsilon", epsilon),), -sympy.log(P) + epsilon * (1 - P),
                          cite=f"{CITATIONS['leng22']}")


def zoo_focal(gamma: Any = 2) -> LossDefinition:
    """Focal loss ``-(1 - p)^gamma log p``, ``gamma >= 0`` (Lin et al. 2017, Eq. 5 without alpha)."""
    gamma = D.GAMMA.number(gamma)
    return LossDefinition("focal", (("gamma", gamma),), -(1 - P) ** gamma * sympy.log(P), cite=f"{CITATIONS['lin17']}")


def zoo_js(pi: Any = "0.5") -> LossDefinition:
    """Jensen-Shannon loss ``JS_pi(e_y, f) / Z``, ``Z = -(1 - pi) log(1 - pi)`` (Englesson & Azizpour 2021, sec. 3).

    With ``m = pi e_y + (1 - pi) f``: ``JS_pi = pi KL(e_y || m) + (1 - pi) KL(f || m)``; since
    ``m_k = (1 - pi) f_k`` off the label, it depends on ``p = f_y`` alone:
    ``pi (-log(pi + (1 - pi) p)) + (1 - pi) [(1 - p)(-log(1 - pi)) + p log(p / (pi + (1 - pi) p))]``.
    """
    pi = D.PI.number(pi)
    m = pi + (1 - pi) * P
    js = pi * -sympy.log(m) + (1 - pi) * ((1 - P) * -sympy.log(1 - pi) + P * sympy.log(P / m))
    return LossDefinition("js", (("pi", pi),), js / (-(1 - pi) * sympy.log(1 - pi)), cite=f"{CITATIONS['englesson21']}")


def zoo_agce(a: Any = 1, q: Any = 2) -> LossDefinition:
    """AGCE ``((a + 1)^q - (a + p)^q)/q``, ``a > 0, q > 0`` (Zhou et al. 2021, sec. 4; the authors' code)."""
    a, q = D.AGCE_A.number(a), D.AGCE_Q.number(q)
    return LossDefinition("agce", (("a", a), ("q", q)), ((a + 1) ** q - (a + P) ** q) / q,
                          cite=f"{CITATIONS['zhou21']}, sec. 4")


def zoo_aul(a: Any = "1.5", p: Any = "0.9") -> LossDefinition:
    """AUL ``((a - p_y)^p - (a - 1)^p)/p``, ``a > 1, p > 0`` (Zhou et al. 2021, sec. 4; the authors' code)."""
    a, pw = D.AUL_A.number(a), D.AUL_P.number(p)
    return LossDefinition("aul", (("a", a), ("p", pw)), ((a - P) ** pw - (a - 1) ** pw) / pw,
                          cite=f"{CITATIONS['zhou21']}, sec. 4")


def zoo_ael(a: Any = 3) -> LossDefinition:
    """AEL ``exp(-p/a)``, ``a > 0`` (Zhou et al. 2021, sec. 4; the authors' code)."""
    a = D.AEL_A.number(a)
    return LossDefinition("ael", (("a", a),), sympy.exp(-P / a), cite=f"{CITATIONS['zhou21']}, sec. 4")


def _entry(name: str, fn: Callable[..., LossDefinition], cite: str, *domains: D.Domain) -> ZooEntry:
    d = tuple((k, str(v.default)) for k, v in inspect.signature(fn).parameters.items())
    if [k for k, _ in d] != [x.name for x in domains]:
        raise TypeError(f"zoo entry {name!r}: declare one domain per parameter of {fn.__name__}, in order")
    return ZooEntry(name, fn, d, cite, domains)


ZOO: dict[str, ZooEntry] = {e.name: e for e in (
    _entry("cce", zoo_cce, CITATIONS["ghosh17"]),
    _entry("mae", zoo_mae, CITATIONS["ghosh17"]),
    _entry("mse", zoo_mse, CITATIONS["ghosh17"]),
    _entry("gce", zoo_gce, CITATIONS["gce18"], D.Q),
    _entry("tgce", zoo_tgce, CITATIONS["gce18"], D.Q, D.K),
    _entry("rce", zoo_rce, CITATIONS["sce19"], D.A),
    _entry("sce", zoo_sce, CITATIONS["sce19"], D.SCE_ALPHA, D.SCE_BETA, D.A),
    _entry("nce", zoo_nce, CITATIONS["ma20"]),
    _entry("nfl", zoo_nfl, CITATIONS["ma20"], D.GAMMA),
    _entry("nce_mae", zoo_nce_mae, CITATIONS["ma20"], D.APL_ALPHA, D.APL_BETA),
    _entry("nce_rce", zoo_nce_rce, CITATIONS["ma20"], D.APL_ALPHA, D.APL_BETA, D.A),
    _entry("taylor", zoo_taylor, CITATIONS["feng20"], D.TAYLOR_T),
    _entry("poly1", zoo_poly1, CITATIONS["leng22"], D.EPSILON),
    _entry("focal", zoo_focal, CITATIONS["lin17"], D.GAMMA),
    _entry("js", zoo_js, CITATIONS["englesson21"], D.PI),
    _entry("agce", zoo_agce, CITATIONS["zhou21"], D.AGCE_A, D.AGCE_Q),
    _entry("aul", zoo_aul, CITATIONS["zhou21"], D.AUL_A, D.AUL_P),
    _entry("ael", zoo_ael, CITATIONS["zhou21"], D.AEL_A),
)}
"""The built-in zoo: name -> family (parameters with defaults, citation)."""


def zoo_loss(name: str, **params: Any) -> LossDefinition:
    """The zoo loss ``name`` with ``params`` (strings or numbers) bound; one-line ``ValueError`` otherwise."""
    if name not in ZOO:
        raise ValueError(f"unknown loss {quoted(name)}; the zoo has: {', '.join(ZOO)}")
    entry = ZOO[name]
    allowed = [k for k, _ in entry.defaults]
    extra = [k for k in params if k not in allowed]
    if extra:
        raise ValueError(f"loss {name!r} has no parameter {extra[0]!r}; its parameters: {', '.join(allowed) or 'none'}")
    return entry.factory(**params)


def parse_spec(spec: str) -> LossDefinition:
    """``"gce:q=0.5"`` or ``"agce:a=1,q=2"`` or ``"cce"`` -> the zoo loss (``ValueError`` quoting ``spec``
    otherwise).

    Examples
    --------
    >>> from label_noise_lab.theory.losses import parse_spec
    >>> gce = parse_spec("gce:q=0.7")
    >>> gce.name, gce.params
    ('gce', (('q', 7/10),))
    """
    name, _, rest = str(spec).partition(":")
    params: dict[str, str] = {}
    for item in filter(None, (s.strip() for s in rest.split(","))):
        k, eq, v = item.partition("=")
        if not eq or not k.strip() or not v.strip():
            raise ValueError(f"bad loss parameter {quoted(item)} in {quoted(spec)}; write NAME:k=v,k2=v2")
        if k.strip() in params:  # a rule, not the last one silently winning
            raise ValueError(f"loss parameter {k.strip()!r} given twice in {quoted(spec)}")
        params[k.strip()] = v.strip()
    return zoo_loss(name.strip(), **params)


def default_losses() -> list[LossDefinition]:
    """Every zoo family at its default parameters."""
    return [e.factory() for e in ZOO.values()]
