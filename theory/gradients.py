"""Logit gradients of the robust losses, their L1 norms as example weights, and the IMAE rescaling.

Wang et al. 2019 (IMAE), via Li's notes Eqs. 8-16, read the L1 norm of a loss's
gradient with respect to the logits ``z`` (softmax output ``p``, Eq. 8) as the *weight* the loss
gives an example: ``||dL_CCE/dz||_1 = 2(1 - p_y)`` (Eq. 9), ``||dL_MAE/dz||_1 = 4 p_y (1 - p_y)``
(Eq. 10), with variances over ``p_y ~ U(0, 1)`` (Eq. 11) and a new weight ``w_IMAE`` (Eq. 13)
imposed by rescaling MAE's logit gradient (Eq. 14). Wang et al. 2019 (SCE), Li's notes, Eqs. 17-20,
give the logit gradient of ``alpha CE + beta RCE`` with ``log 0 := A``.

Every loss here depends on the softmax output of the labelled class only, ``L = l(p_y)``
(:func:`label_noise_lab.theory.symmetry.label_closed_form` gives ``l`` for a symbolic number of classes ``c``).
Then, for *every* ``c >= 2``,

    dL/dz_y = l'(p_y) p_y (1 - p_y),        dL/dz_j = -l'(p_y) p_y p_j   (j != y),

and, since ``sum_{j != y} p_j = 1 - p_y``, ``||dL/dz||_1 = 2 |l'(p_y)| p_y (1 - p_y)``.
:func:`logit_gradient` derives this rather than assuming it: it writes the softmax with the
label's term ``a_y``, one other class's ``a_j`` and ``R >= 0``, the sum of the remaining
``c - 2`` exponentials (``R = 0`` when ``c = 2``), so one computation covers every ``c``; the
chain rule through ``z = log a`` is ``d/dz = a d/da``. :func:`explicit_logit_gradient`
cross-checks it with all ``c`` logits for each ``c`` in ``2..6`` from the definitions of
:mod:`label_noise_lab.theory.losses` (MAE as ``||e_y - p||_1`` with its absolute values).

Also: the last linear layer's chain rule (the notes' Eq. 12), ``z = W^T f`` so
``dL/dW = f (dL/dz)^T`` and the entrywise L1 norm factorises, ``||dL/dW||_1 = ||f||_1 ||dL/dz||_1``;
the signs of Eqs. 15-16, and what they become for a noisy label.

SymPy only (no NumPy).
"""
from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from typing import Any, Sequence, TypeAlias

import sympy

from label_noise_lab.theory import losses as sl
from label_noise_lab.theory.simplex import check_classes, resolve_abs, softmax_point
from label_noise_lab.theory.symmetry import label_closed_form

Expr: TypeAlias = sympy.Expr

P = sympy.Symbol("p", positive=True)
"""``p_y``, the softmax output for the (observed) label; in ``(0, 1)`` for softmax outputs."""
TEMP = sympy.Symbol("T", positive=True)
"""The IMAE temperature ``T > 0`` (Li's notes, Eq. 13)."""
ALPHA = sympy.Symbol("alpha", positive=True)
BETA = sympy.Symbol("beta", positive=True)
A = sympy.Symbol("A", negative=True)
"""``log 0 := A < 0`` of RCE (Li's notes, Eq. 18)."""
Q = sympy.Symbol("q", positive=True)

IMAE_FORMS = ("notes", "paper")
"""``"notes"``: ``exp(T p)(1 - p)``, Eq. 13 as Li's notes writes it; ``"paper"``: ``exp(T p (1 - p))``."""

GRADIENT_LOSSES = ("cce", "mae", "unhinged", "lq", "rce", "sce")


# ---------------------------------------------------------------- parameter checks
def _number(v: Any) -> Expr | None:
    e = sympy.sympify(v)
    return e if e.is_number else None


def check_p(p: Any) -> Expr:
    """``p`` in ``[0, 1]`` (a probability); symbols pass unchecked."""
    e = sympy.sympify(p)
    n = _number(e)
    if n is not None and not (n.is_real and 0 <= n <= 1):
        raise ValueError(f"p must lie in [0, 1], got {p!r}")
    return e


def check_T(T: Any) -> Expr:
    """The IMAE temperature ``T`` must be positive (Li's notes, Eq. 13); symbols pass unchecked.

    References
    ----------
    .. [1] S. Li, "Robust Losses", study notes on Ghosh et al. 2017, Zhang & Sabuncu 2018, Wang et al. (IMAE),
       Wang et al. 2019 (SCE) and Xu et al. 2019 (L_DMI), sec. 2 (Wang et al., IMAE), Eq. 13.
    """
    e = sympy.sympify(T)
    n = _number(e)
    if n is not None and not (n.is_real and n > 0):
        raise ValueError(f"the IMAE temperature T must be positive, got {T!r}")
    return e


def _check_weights(alpha: Any, beta: Any) -> tuple[Expr, Expr]:
    a, b = sympy.sympify(alpha), sympy.sympify(beta)
    for name, v in (("alpha", a), ("beta", b)):
        n = _number(v)
        if n is not None and not (n.is_real and n >= 0):
            raise ValueError(f"SCE weight {name} must be non-negative, got {v!r}")
    if _number(a) is not None and _number(b) is not None and a + b <= 0:
        raise ValueError(f"SCE weights must not both be zero, got alpha={alpha!r}, beta={beta!r}")
    return a, b


# ---------------------------------------------------------------- losses as functions of p_y
def sce_loss(alpha: Any = ALPHA, beta: Any = BETA, A_: Any = A) -> sl.LossDefinition:
    """``alpha CE + beta RCE`` as a separable loss (Li's notes, Eq. 19): ``phi_1 = -alpha log t``, ``phi_0 = -beta
    A t``.

    References
    ----------
    .. [1] S. Li, "Robust Losses", study notes on Ghosh et al. 2017, Zhang & Sabuncu 2018, Wang et al. (IMAE),
       Wang et al. 2019 (SCE) and Xu et al. 2019 (L_DMI), sec. 2 (Wang et al. 2019, SCE), Eqs. 18-19.

    Examples
    --------
    >>> from label_noise_lab.theory.gradients import sce_loss
    >>> sce_loss(1, 1, -4).label
    -4*p - log(p) + 4
    """
    a, b = _check_weights(alpha, beta)
    A_ = sl.check_A(A_)
    return sl.separable("sce", lambda t: -a * sympy.log(t), lambda t: -b * A_ * t,
                        (("alpha", a), ("beta", b), ("A", A_)), cite="S. Li's notes, Eq. 19")


def symbolic_loss(name: str, **params: Any) -> sl.LossDefinition:
    """The :mod:`label_noise_lab.theory.losses` loss ``name`` (or :func:`sce_loss`) with ``params`` bound.

    Only losses that depend on ``p_y`` alone: ``cce, mae, unhinged, lq (q), rce (A), sce (alpha,
    beta, A)``; MSE depends on all of ``p`` and is refused.
    """
    if name not in GRADIENT_LOSSES:
        raise ValueError(f"logit gradients here are for losses of p_y alone: {', '.join(GRADIENT_LOSSES)}; "
                         f"got {name!r}")
    if name == "sce":
        extra = set(params) - {"alpha", "beta", "A"}
        if extra:
            raise ValueError(f"loss 'sce' takes alpha, beta, A; got unexpected {sorted(extra)}")
        return sce_loss(params.get("alpha", ALPHA), params.get("beta", BETA), params.get("A", A))
    if name == "lq":
        params = {"q": Q, **params}
    if name == "rce":
        params = {"A": A, **params}
    return sl.symbolic_loss(name, **params)


def label_loss(name: str, **params: Any) -> Expr:
    """``l(p)`` with ``L(f, e_y) = l(f_y)`` on the simplex, for a symbolic number of classes, in :data:`P`."""
    loss = symbolic_loss(name, **params)
    out = label_closed_form(loss)
    if out is None:  # pragma: no cover - every loss of GRADIENT_LOSSES has an affine phi_0
        raise ValueError(f"{name}: not a function of p_y alone")
    expr, t = out
    return sympy.simplify(expr.subs(t, P))


# ---------------------------------------------------------------- the logit gradient
@dataclass(frozen=True)
class LogitGradient:
    """``dL/dz`` of a loss ``L = l(p_y)`` for every number of classes ``c >= 2``.

    Attributes
    ----------
    name : the loss
    loss : ``l(p)``, ``p = p_y``
    derivative : ``l'(p)``
    label : ``dL/dz_y`` as a function of ``p``
    other : the factor ``g`` with ``dL/dz_j = g(p) p_j`` for every ``j != y``
    l1 : ``||dL/dz||_1 = |label| + |g| (1 - p)`` (the example weight of Li's notes, Eqs. 9-10)
    domain : ``"symbolic c"``
    """

    name: str
    loss: Expr
    derivative: Expr
    label: Expr
    other: Expr
    l1: Expr
    domain: str = "symbolic c"

    def at(self, p: Any) -> dict[str, Expr]:
        """The pieces at ``p_y = p`` (checked to lie in ``[0, 1]``)."""
        p = check_p(p)
        return {"label": sympy.simplify(self.label.subs(P, p)), "other": sympy.simplify(self.other.subs(P, p)),
                "l1": sympy.simplify(self.l1.subs(P, p))}


def sign_on_unit_interval(expr: Expr, p: sympy.Symbol = P, *, weak: bool = False) -> int | None:
    """``+1``/``-1`` when ``expr`` is positive/negative for every ``p`` in ``(0, 1)``, ``0`` when identically 0.

    ``p = u/(1 + u)`` with ``u > 0`` makes the interval visible to SymPy's sign inference;
    ``None`` when SymPy cannot decide (a ``Piecewise`` is not tried). With ``weak``, ``+2``/``-2``
    for non-negative/non-positive but zero somewhere (convex or concave all the same).
    """
    e = sympy.sympify(expr)
    if e.has(sympy.Piecewise):
        return None
    u = sympy.Symbol("u", positive=True)
    e = sympy.simplify(e.subs(p, u / (1 + u)))
    if e == 0:
        return 0
    e = sympy.factor(sympy.together(e))
    if e.is_positive:
        return 1
    if e.is_negative:
        return -1
    if weak and e.is_nonnegative:
        return 2
    if weak and e.is_nonpositive:
        return -2
    return None


@lru_cache(maxsize=None)
def _logit_gradient(name: str, params: tuple[tuple[str, Any], ...]) -> LogitGradient:
    ell = label_loss(name, **dict(params))
    d = sympy.simplify(sympy.diff(ell, P))
    ay, aj = sympy.symbols("a_y a_j", positive=True)
    R = sympy.Symbol("R", nonnegative=True)  # sum of exp(z_k) over the other c - 2 classes
    den = ay + aj + R
    py, pj = ay / den, aj / den
    L = ell.subs(P, py)
    gy = ay * sympy.diff(L, ay)  # d/dz_y = a_y d/da_y
    gj = aj * sympy.diff(L, aj)
    label = sympy.simplify(d * P * (1 - P))
    other = sympy.simplify(-d * P)
    if sympy.simplify(gy - label.subs(P, py)) != 0 or sympy.simplify(gj - other.subs(P, py) * pj) != 0:
        raise ArithmeticError(f"{name}: the logit gradient is not l'(p_y) p_y (e_y - p)")  # pragma: no cover
    s = sign_on_unit_interval(d)
    if s is None:
        raise ValueError(f"{name}: cannot decide the sign of l'(p) = {d} on (0, 1)")
    # |label| + sum_{j != y} |other| p_j = |l'| p (1 - p) + |l'| p (1 - p)
    l1 = sympy.simplify(2 * s * d * P * (1 - P))
    return LogitGradient(name, ell, d, label, other, l1)


def logit_gradient(name: str, **params: Any) -> LogitGradient:
    """The derived logit gradient of loss ``name`` (Li's notes, Eqs. 9-10, 15-16, 20), symbolic ``c``.

    Parameters default to symbols: ``q`` (:data:`Q`) for ``lq``, ``A`` (:data:`A`) for ``rce``,
    ``alpha, beta, A`` for ``sce``. Numbers are validated (``A < 0``, ``q`` in ``(0, 1]``).

    References
    ----------
    .. [1] S. Li, "Robust Losses", study notes on Ghosh et al. 2017, Zhang & Sabuncu 2018, Wang et al. (IMAE),
       Wang et al. 2019 (SCE) and Xu et al. 2019 (L_DMI), sec. 2 (Wang et al., IMAE), Eqs. 9-10 and 15-16; (Wang et al.
       2019, SCE), Eq. 20.

    Examples
    --------
    >>> from label_noise_lab.theory.gradients import logit_gradient
    >>> g = logit_gradient("cce")
    >>> g.label, g.other, g.l1
    (p - 1, 1, 2 - 2*p)
    >>> logit_gradient("mae").label
    2*p*(p - 1)
    """
    symbolic_loss(name, **params)  # validates before the cache sees the parameters
    return _logit_gradient(name, tuple(sorted((k, sympy.sympify(v)) for k, v in params.items())))


def weight(name: str, **params: Any) -> Expr:
    """``||dL/dz||_1`` as a function of :data:`P`: the example weight of Wang et al. (Li's notes, Eqs. 9-10).

    References
    ----------
    .. [1] S. Li, "Robust Losses", study notes on Ghosh et al. 2017, Zhang & Sabuncu 2018, Wang et al. (IMAE),
       Wang et al. 2019 (SCE) and Xu et al. 2019 (L_DMI), sec. 2 (Wang et al., IMAE), Eqs. 9-10.

    Examples
    --------
    >>> from label_noise_lab.theory.gradients import weight
    >>> weight("cce"), weight("mae")
    (2 - 2*p, 4*p*(1 - p))
    """
    return logit_gradient(name, **params).l1


def explicit_logit_gradient(loss: sl.LossDefinition, c: int, y: int = 0) -> tuple[list[Expr], list[sympy.Symbol]]:
    """``dL/dz_k`` for all ``c`` logits, from the loss's own definition, in the softmax parametrisation.

    ``p_k = a_k / sum a`` with ``a_k = exp(z_k) > 0`` (:func:`label_noise_lab.theory.simplex.softmax_point`);
    absolute values (MAE) are resolved on the simplex first; ``dL/dz_k = a_k dL/da_k``.
    """
    c = check_classes(c)
    if not 0 <= y < c:
        raise ValueError(f"label y must lie in [0, {c - 1}], got {y!r}")
    f, a = softmax_point(c)
    L = resolve_abs(loss(f, y))
    return [sympy.simplify(a[k] * sympy.diff(L, a[k])) for k in range(c)], a


def explicit_agrees(name: str, cs: Sequence[int] = range(2, 7), **params: Any) -> dict[int, bool]:
    """For each ``c``: does the all-logit gradient equal :func:`logit_gradient`'s, coordinate by coordinate,
    and its L1 norm (``sum_k |dL/dz_k|`` with the signs resolved) equal ``l1``?"""
    g = logit_gradient(name, **params)
    loss = symbolic_loss(name, **params)
    out: dict[int, bool] = {}
    for c in cs:
        grads, a = explicit_logit_gradient(loss, c)
        tot = sum(a)
        p = [ak / tot for ak in a]
        ok = sympy.simplify(grads[0] - g.label.subs(P, p[0])) == 0
        ok = ok and all(sympy.simplify(grads[k] - g.other.subs(P, p[0]) * p[k]) == 0 for k in range(1, c))
        if ok:
            norm = sum(sympy.Abs(sympy.factor(sympy.together(gk))) for gk in grads)
            ok = sympy.simplify(norm - g.l1.subs(P, p[0])) == 0
        out[check_classes(c)] = bool(ok)
    return out


# ---------------------------------------------------------------- IMAE (Eqs. 13-14)
def imae_weight(form: str = "paper", T: Any = TEMP, p: Any = P) -> Expr:
    """The IMAE example weight (Li's notes, Eq. 13) in one of two forms.

    ``form="notes"``: ``exp(T p)(1 - p)``, Eq. 13 as Li's notes write it; ``form="paper"``:
    ``exp(T p (1 - p))``, the form of Wang et al.'s IMAE paper (which reports variances 0.33,
    0.09 and 4.55 for CCE, MAE and IMAE with ``T = 8``). ``T > 0`` and ``p`` in ``[0, 1]`` are checked.

    References
    ----------
    .. [1] S. Li, "Robust Losses", study notes on Ghosh et al. 2017, Zhang & Sabuncu 2018, Wang et al. (IMAE),
       Wang et al. 2019 (SCE) and Xu et al. 2019 (L_DMI), sec. 2 (Wang et al., IMAE), Eq. 13.

    Examples
    --------
    >>> from sympy import Rational
    >>> from label_noise_lab.theory.gradients import imae_weight
    >>> imae_weight("notes", 8)
    (1 - p)*exp(8*p)
    >>> imae_weight("paper", 8, Rational(1, 2))
    exp(2)
    """
    T, p = check_T(T), check_p(p)
    if form == "notes":
        return sympy.exp(T * p) * (1 - p)
    if form == "paper":
        return sympy.exp(T * p * (1 - p))
    raise ValueError(f"IMAE weight form must be one of {IMAE_FORMS}, got {form!r}")


@dataclass(frozen=True)
class RescaledGradient:
    """IMAE's logit gradient, Eq. 14: MAE's multiplied by ``s(p) = w_IMAE(p) / w_MAE(p)``.

    Attributes
    ----------
    scale : ``s(p)``
    label, other : ``dL/dz_y`` and the factor of ``p_j`` in ``dL/dz_j`` (as in :class:`LogitGradient`)
    l1 : ``||dL/dz||_1``
    implied_derivative : ``l'(p)`` of a loss ``l(p_y)`` with this gradient, ``label / (p (1 - p))``
    """

    form: str
    scale: Expr
    label: Expr
    other: Expr
    l1: Expr
    implied_derivative: Expr


def imae_gradient(form: str = "paper", T: Any = TEMP) -> RescaledGradient:
    """``dL_IMAE/dz = dL_MAE/dz * w_IMAE / w_MAE`` (Li's notes, Eq. 14), defined for ``p_y`` in ``(0, 1)``.

    ``w_MAE = 4 p (1 - p)`` vanishes at ``p in {0, 1}``, where the ratio is undefined; softmax
    outputs never reach those values.

    References
    ----------
    .. [1] S. Li, "Robust Losses", study notes on Ghosh et al. 2017, Zhang & Sabuncu 2018, Wang et al. (IMAE),
       Wang et al. 2019 (SCE) and Xu et al. 2019 (L_DMI), sec. 2 (Wang et al., IMAE), Eqs. 13-14.
    """
    mae = logit_gradient("mae")
    w = imae_weight(form, T)
    s = sympy.simplify(w / mae.l1)
    label = sympy.simplify(mae.label * s)
    other = sympy.simplify(mae.other * s)
    sign_s = sign_on_unit_interval(s)
    l1 = sympy.simplify(sign_s * s * mae.l1) if sign_s in (1, -1) else sympy.Abs(s) * mae.l1
    implied = sympy.simplify(label / (P * (1 - P)))  # dL/dz_y = l'(p) p (1 - p)
    return RescaledGradient(form, s, label, other, l1, implied)


# ---------------------------------------------------------------- weights under p ~ U(0, 1) (Eq. 11)
@dataclass(frozen=True)
class Moments:
    """``E[w]``, ``E[w^2]`` and ``Var[w] = E[w^2] - E[w]^2`` for ``p ~ U(0, 1)`` (Li's notes, Eq. 11)."""

    mean: Expr
    second: Expr
    variance: Expr

    def evalf(self, digits: int = 30) -> dict[str, sympy.Float]:
        return {k: sympy.N(getattr(self, k), digits) for k in ("mean", "second", "variance")}


def _gaussian_integral(k: Any, T: Any) -> Expr:
    """``int_0^1 exp(k T p (1 - p)) dp = exp(kT/4) sqrt(pi/(kT)) erf(sqrt(kT)/2)``, antiderivative verified."""
    kT = sympy.sympify(k) * T
    F = sympy.exp(kT / 4) * sympy.sqrt(sympy.pi / kT) / 2 * sympy.erf(sympy.sqrt(kT) * (P - sympy.Rational(1, 2)))
    if sympy.simplify(sympy.diff(F, P) - sympy.exp(kT * P * (1 - P))) != 0:  # pragma: no cover
        raise ArithmeticError("the erf antiderivative does not differentiate back to exp(kT p (1 - p))")
    return sympy.simplify(F.subs(P, 1) - F.subs(P, 0))


def uniform_moments(w: Expr, p: sympy.Symbol = P) -> Moments:
    """Exact moments of ``w(p)`` for ``p ~ U(0, 1)`` by SymPy integration (Li's notes, Eq. 11).

    References
    ----------
    .. [1] S. Li, "Robust Losses", study notes on Ghosh et al. 2017, Zhang & Sabuncu 2018, Wang et al. (IMAE),
       Wang et al. 2019 (SCE) and Xu et al. 2019 (L_DMI), sec. 2 (Wang et al., IMAE), Eq. 11.
    """
    return _uniform_moments(sympy.sympify(w), p)


def _exp_quadratic_integral(f: Expr, p: sympy.Symbol) -> Expr | None:
    """``int_0^1 f dp`` for ``f = exp(a p^2 + b p + c)`` with ``a != 0``, through ``erf``/``erfi``; ``None`` otherwise.

    Completes the square; the antiderivative is verified by differentiating it back.
    """
    f = sympy.powsimp(sympy.simplify(f))
    if not isinstance(f, sympy.exp):
        return None
    g = sympy.expand(f.args[0])
    if not g.is_polynomial(p) or sympy.degree(g, p) != 2:
        return None
    a, b, c = (g.coeff(p, k) for k in (2, 1, 0))
    h = -b / (2 * a)
    shift = c - b**2 / (4 * a)
    if a.is_negative:
        s = sympy.sqrt(-a)
        F = sympy.exp(shift) * sympy.sqrt(sympy.pi) / (2 * s) * sympy.erf(s * (p - h))
    elif a.is_positive:
        s = sympy.sqrt(a)
        F = sympy.exp(shift) * sympy.sqrt(sympy.pi) / (2 * s) * sympy.erfi(s * (p - h))
    else:
        return None
    if sympy.simplify(sympy.diff(F, p) - f) != 0:  # pragma: no cover
        return None
    return sympy.simplify(F.subs(p, 1) - F.subs(p, 0))


def _power_sum_integral(f: Expr, p: sympy.Symbol) -> Expr | None:
    """``int_0^1 f dp`` for ``f = sum_i c_i p^(r_i)`` (``c_i`` free of ``p``, ``r_i > -1``): ``sum_i c_i/(r_i + 1)``.

    The weights of CCE, MAE, ``L_q`` (symbolic or rational ``q``), RCE and SCE are of this form;
    term by term is much faster than :func:`sympy.integrate` for fractional powers. ``None`` otherwise.
    """
    total = sympy.Integer(0)
    for term in sympy.Add.make_args(sympy.expand(sympy.powsimp(sympy.expand(f)))):
        coeff, r = term.as_coeff_exponent(p)
        if coeff.has(p) or not (r + 1).is_positive:
            return None
        total += coeff / (r + 1)
    return sympy.simplify(total)


def _linear_base_integral(f: Expr, p: sympy.Symbol) -> Expr | None:
    """``int_0^1 f dp`` for ``f`` a power sum in one linear base ``u = alpha + beta p`` (``beta != 0``),
    e.g. AUL's weight ``2 (a - p)^(q - 1) p (1 - p)`` (Zhou et al. 2021): substituting ``p = (u - alpha)/beta``
    makes it ``sum_i c_i u^(r_i)``, integrated term by term over ``u`` from ``alpha`` to ``alpha + beta``
    (both non-negative; ``r_i > -1`` where a limit is 0). ``None`` otherwise (:func:`sympy.integrate` takes
    seconds on such fractional powers).
    """
    bases = {b.base for b in f.atoms(sympy.Pow) if b.base.has(p) and not b.exp.is_integer}
    if len(bases) != 1:
        return None
    (base,) = bases
    if not base.is_polynomial(p) or sympy.degree(base, p) != 1:
        return None
    beta, alpha = base.coeff(p, 1), base.coeff(p, 0)
    lo, hi = alpha, alpha + beta
    if not (beta.is_nonzero and lo.is_nonnegative and hi.is_nonnegative):
        return None
    u = sympy.Dummy("u", positive=True)
    g = sympy.expand(sympy.powsimp(sympy.expand(f.subs(p, (u - alpha) / beta) / beta)))
    total = sympy.Integer(0)
    for term in sympy.Add.make_args(g):
        coeff, r = term.as_coeff_exponent(u)
        if coeff.has(u) or coeff.has(p) or (r + 1).is_zero is not False:
            return None
        if (lo.is_zero or hi.is_zero) and not (r + 1).is_positive:
            return None
        total += coeff * (hi ** (r + 1) - lo ** (r + 1)) / (r + 1)
    return sympy.simplify(total)


def _integral01(f: Expr, p: sympy.Symbol) -> Expr:
    for fast in (_power_sum_integral, _linear_base_integral):
        out = fast(f, p)
        if out is not None:
            return out
    out = sympy.integrate(f, (p, 0, 1))
    if out.has(sympy.Integral):
        alt = _exp_quadratic_integral(f, p)
        if alt is None:
            raise ValueError(f"SymPy cannot integrate {f} over [0, 1] in closed form")
        return alt
    return sympy.simplify(out)


@lru_cache(maxsize=None)
def _uniform_moments(w: Expr, p: sympy.Symbol) -> Moments:
    m1 = _integral01(w, p)
    m2 = _integral01(sympy.expand(w**2) if not w.has(sympy.exp) else sympy.powsimp(w**2), p)
    return Moments(m1, m2, sympy.simplify(m2 - m1**2))


def weight_moments(name: str, **params: Any) -> Moments:
    """Moments of the weight ``||dL/dz||_1`` of loss ``name`` for ``p_y ~ U(0, 1)`` (CCE: variance 1/3;
    MAE: 4/45, Li's notes, Eq. 11).

    References
    ----------
    .. [1] S. Li, "Robust Losses", study notes on Ghosh et al. 2017, Zhang & Sabuncu 2018, Wang et al. (IMAE),
       Wang et al. 2019 (SCE) and Xu et al. 2019 (L_DMI), sec. 2 (Wang et al., IMAE), Eq. 11.

    Examples
    --------
    >>> from label_noise_lab.theory.gradients import weight_moments
    >>> weight_moments("mae")
    Moments(mean=2/3, second=8/15, variance=4/45)
    """
    return uniform_moments(weight(name, **params))


def imae_moments(form: str = "paper", T: Any = TEMP) -> Moments:
    """Exact moments of :func:`imae_weight` for ``p ~ U(0, 1)``.

    ``"notes"``: elementary (``E[w] = (e^T - 1 - T)/T^2``); ``"paper"``: through ``erf``
    (:func:`_gaussian_integral`, ``E[w^k] = int exp(k T p (1 - p))``).
    """
    return _imae_moments(form, check_T(T))


@lru_cache(maxsize=None)
def _imae_moments(form: str, T: Expr) -> Moments:
    if form == "paper":
        m1, m2 = _gaussian_integral(1, T), _gaussian_integral(2, T)
        return Moments(m1, m2, m2 - m1**2)
    return uniform_moments(imae_weight(form, T))


def imae_variance_quadrature(form: str, T: Any, digits: int = 30) -> sympy.Float:
    """``Var[w_IMAE]`` by numerical quadrature (SymPy's ``Integral.evalf``, mpmath underneath), to cross-check
    the closed forms of :func:`imae_moments`."""
    w = imae_weight(form, check_T(T))
    m1 = sympy.Integral(w, (P, 0, 1)).evalf(digits + 5)
    m2 = sympy.Integral(w**2, (P, 0, 1)).evalf(digits + 5)
    return sympy.N(m2 - m1**2, digits)


# ---------------------------------------------------------------- the last linear layer (notes' Eq. 12)
@dataclass(frozen=True)
class LastLayerIdentity:
    """``z = W^T f``: ``dL/dW[e, j] = f_e dL/dz_j`` and ``||dL/dW||_1 = ||f||_1 ||dL/dz||_1``.

    Attributes
    ----------
    E, c : the sizes the chain rule was verified at (any loss of the logits)
    outer_product : ``dL/dW = f (dL/dz)^T`` holds entry by entry
    l1_factorises : the entrywise L1 norm of the outer product equals ``||f||_1 ||g||_1``
    """

    E: int
    c: int
    outer_product: bool
    l1_factorises: bool


def last_layer_identity(E: int = 3, c: int = 3) -> LastLayerIdentity:
    """Verify the notes' Eq. 12 chain rule for an arbitrary differentiable loss ``L(z)`` of the logits.

    ``L`` is an undefined SymPy function, so nothing about the loss is used; ``W`` (E x c) and
    ``f`` (E) are free real symbols. The L1 factorisation is the distributive law
    ``sum_{e,j} |f_e| |g_j| = (sum_e |f_e|)(sum_j |g_j|)``, checked for free real ``f, g``.

    References
    ----------
    .. [1] S. Li, "Robust Losses", study notes on Ghosh et al. 2017, Zhang & Sabuncu 2018, Wang et al. (IMAE),
       Wang et al. 2019 (SCE) and Xu et al. 2019 (L_DMI), sec. 2 (Wang et al., IMAE), Eq. 12.

    Examples
    --------
    >>> from label_noise_lab.theory.gradients import last_layer_identity
    >>> last_layer_identity(2, 2)
    LastLayerIdentity(E=2, c=2, outer_product=True, l1_factorises=True)
    """
    if isinstance(E, bool) or not isinstance(E, int) or E < 1:
        raise ValueError(f"the feature dimension E must be an integer >= 1, got {E!r}")
    c = check_classes(c)
    W = sympy.Matrix(E, c, lambda e, j: sympy.Symbol(f"W_{e}{j}", real=True))
    f = sympy.Matrix(E, 1, lambda e, _: sympy.Symbol(f"f_{e}", real=True))
    zs = sympy.symbols(f"z0:{c}", real=True)
    Lf = sympy.Function("L")
    z = W.T * f
    sub = dict(zip(zs, z))
    L = Lf(*z)
    g = [sympy.diff(Lf(*zs), zj).subs(sub) for zj in zs]
    outer = all(sympy.simplify(sympy.diff(L, W[e, j]) - f[e] * g[j]).doit() == 0 for e in range(E) for j in range(c))
    gs = sympy.symbols(f"g0:{c}", real=True)
    lhs = sympy.Add(*[sympy.Abs(f[e] * gs[j]) for e in range(E) for j in range(c)])
    # |a b| = |a| |b| for real (or complex) a, b; then the distributive law
    lhs = lhs.replace(lambda x: isinstance(x, sympy.Abs),
                      lambda x: sympy.Mul(*[sympy.Abs(m) for m in sympy.Mul.make_args(x.args[0])]))
    rhs = sympy.Add(*[sympy.Abs(v) for v in f]) * sympy.Add(*[sympy.Abs(v) for v in gs])
    return LastLayerIdentity(E, c, bool(outer), sympy.expand(lhs - rhs) == 0)


def softmax_of(z: Sequence[Any]) -> list[Expr]:
    """Exact softmax of exact logits (Li's notes, Eq. 8).

    References
    ----------
    .. [1] S. Li, "Robust Losses", study notes on Ghosh et al. 2017, Zhang & Sabuncu 2018, Wang et al. (IMAE),
       Wang et al. 2019 (SCE) and Xu et al. 2019 (L_DMI), sec. 2 (Wang et al., IMAE), Eq. 8.

    Examples
    --------
    >>> import sympy
    >>> from label_noise_lab.theory.gradients import softmax_of
    >>> softmax_of([0, sympy.log(3)])
    [1/4, 3/4]
    """
    e = [sympy.exp(sympy.sympify(v)) for v in z]
    tot = sympy.Add(*e)
    return [v / tot for v in e]


def last_layer_l1(f: Sequence[Any], W: Any, y: int, name: str = "cce", **params: Any) -> dict[str, Expr]:
    """Exact ``||dL/dz||_1`` and ``||dL/dW||_1`` (entrywise) of one sample, ``z = W^T f``, label ``y``.

    ``dL/dW`` is built entry by entry from the derived logit gradient (``f_e dL/dz_j``), not
    from the factorised formula, so the two sides of the identity are computed independently.
    """
    W = sympy.Matrix(W)
    fv = sympy.Matrix([sympy.sympify(v) for v in f])
    if W.shape[0] != fv.shape[0]:
        raise ValueError(f"W has {W.shape[0]} rows but f has {fv.shape[0]} entries")
    c = check_classes(W.shape[1])
    if not 0 <= y < c:
        raise ValueError(f"label y must lie in [0, {c - 1}], got {y!r}")
    z = list(W.T * fv)
    p = softmax_of(z)
    g = logit_gradient(name, **params)
    grad_z = [g.label.subs(P, p[y]) if j == y else g.other.subs(P, p[y]) * p[j] for j in range(c)]
    l1_z = sympy.Add(*[sympy.Abs(v) for v in grad_z])
    l1_W = sympy.Add(*[sympy.Abs(fv[e] * grad_z[j]) for e in range(fv.shape[0]) for j in range(c)])
    return {"z": z, "p_y": p[y], "grad_z_l1": l1_z, "grad_W_l1": l1_W,
            "f_l1": sympy.Add(*[sympy.Abs(v) for v in fv])}


# ---------------------------------------------------------------- signs (Eqs. 15-16) and noisy labels
@dataclass(frozen=True)
class GradientSigns:
    """Signs on ``(0, 1)`` of ``dL/dz_y`` (at the label) and of ``dL/dz_j / p_j`` (every other class)."""

    name: str
    label: int | None
    other: int | None


def gradient_signs(name: str, **params: Any) -> GradientSigns:
    """The signs of the logit gradient for a label ``y`` (Li's notes, Eqs. 15-16, 20) on the open simplex.

    References
    ----------
    .. [1] S. Li, "Robust Losses", study notes on Ghosh et al. 2017, Zhang & Sabuncu 2018, Wang et al. (IMAE),
       Wang et al. 2019 (SCE) and Xu et al. 2019 (L_DMI), sec. 2, Eqs. 15-16 and 20.
    """
    g = logit_gradient(name, **params)
    return GradientSigns(name, sign_on_unit_interval(g.label), sign_on_unit_interval(g.other))


@dataclass(frozen=True)
class NoisyLabelGradient:
    """The logit gradient of a sample whose observed label ``y_obs`` differs from its true class ``y``.

    The loss only sees ``y_obs``: with ``p_o = p_{y_obs}`` and ``p_t = p_y``,
    ``dL/dz_{y_obs} = label(p_o)`` and ``dL/dz_y = other(p_o) p_t``. A gradient step ``z -= lr dL/dz``
    raises ``z_{y_obs}`` and lowers ``z_y`` (the true class is pushed down).
    """

    name: str
    at_observed: Expr
    at_true: Expr
    sign_at_observed: int | None
    sign_at_true: int | None


P_TRUE = sympy.Symbol("p_t", positive=True)
"""The softmax output of the true class when the observed label is wrong."""


def noisy_label_gradient(name: str, **params: Any) -> NoisyLabelGradient:
    """``dL/dz`` at the observed (wrong) label and at the true class (Li's notes, sec. 2, SCE, "My Question" (2)).

    References
    ----------
    .. [1] S. Li, "Robust Losses", study notes on Ghosh et al. 2017, Zhang & Sabuncu 2018, Wang et al. (IMAE),
       Wang et al. 2019 (SCE) and Xu et al. 2019 (L_DMI), sec. 2 (Wang et al. 2019, SCE), My Question (2), and Eq. 15.

    Examples
    --------
    >>> from label_noise_lab.theory.gradients import noisy_label_gradient
    >>> g = noisy_label_gradient("cce")
    >>> g.at_observed, g.at_true, g.sign_at_observed, g.sign_at_true
    (p - 1, p_t, -1, 1)
    """
    g = logit_gradient(name, **params)
    at_obs = g.label
    at_true = sympy.simplify(g.other * P_TRUE)
    s_true = sign_on_unit_interval(g.other)  # p_t > 0 does not change the sign
    return NoisyLabelGradient(name, at_obs, at_true, sign_on_unit_interval(at_obs), s_true)


__all__ = [
    "P", "TEMP", "ALPHA", "BETA", "A", "Q", "P_TRUE", "IMAE_FORMS", "GRADIENT_LOSSES",
    "check_p", "check_T", "sce_loss", "symbolic_loss", "label_loss", "LogitGradient", "logit_gradient", "weight",
    "sign_on_unit_interval", "explicit_logit_gradient", "explicit_agrees", "imae_weight", "RescaledGradient",
    "imae_gradient", "Moments", "uniform_moments", "weight_moments", "imae_moments", "imae_variance_quadrature",
    "LastLayerIdentity", "last_layer_identity", "softmax_of", "last_layer_l1", "GradientSigns", "gradient_signs",
    "NoisyLabelGradient", "noisy_label_gradient",
]
