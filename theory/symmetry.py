"""Class sums ``sum_j L(f, e_j)`` and the symmetry condition of Ghosh et al.

A loss is *symmetric* when ``sum_{j=1}^c L(f(x), j) = C`` for every ``f`` (Zhang & Sabuncu
2018, Eq. 3; Li's notes Eq. 3). For a separable loss
``L(f, e_j) = phi_1(f_j) + sum_{k != j} phi_0(f_k)`` (:mod:`label_noise_lab.theory.losses`),

    sum_j L(f, e_j) = sum_k psi_c(f_k),    psi_c(t) = phi_1(t) + (c - 1) phi_0(t),

so the class sum is a sum of one function of each coordinate, written here for a
symbolic number of classes ``c``. If ``psi_c`` is affine, ``psi_c(t) = a + b t``, the sum
is ``c a + b`` on the whole simplex: symmetric for every ``c``. If ``psi_c`` is not affine
the sum is not constant for ``c >= 3`` (constancy on the two-dimensional faces forces
Cauchy's equation); for each ``c`` in ``2..8`` this is shown by two exact simplex points
with different class sums. Li's notes, Eq. 4 lists the class sums of CCE, MAE and MSE.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Iterable, Sequence

import sympy

from label_noise_lab.theory.losses import LossDefinition, separable
from label_noise_lab.theory.simplex import barycentre, check_classes, resolve_abs, softmax_point

C = sympy.Symbol("c", integer=True, positive=True)
"""The symbolic number of classes."""

_T = sympy.Symbol("t", positive=True)
_K = sympy.Symbol("k", integer=True, positive=True)
F = sympy.IndexedBase("f")
"""The symbolic simplex point ``f[1] .. f[c]`` of class sums over a symbolic ``c``."""


def class_sum(loss: LossDefinition, f: Sequence[Any]) -> sympy.Expr:
    """``sum_{j} L(f, e_j)`` for an explicit point ``f`` of ``c`` coordinates (Zhang & Sabuncu 2018, Eq. 3).

    References
    ----------
    .. [1] Z. Zhang and M. R. Sabuncu, "Generalized Cross Entropy Loss for Training Deep Neural Networks with
       Noisy Labels", NeurIPS 2018, sec. 3.1, Eq. 3.
    .. [2] S. Li, "Robust Losses", study notes on Ghosh et al. 2017, Zhang & Sabuncu 2018, Wang et al. (IMAE),
       Wang et al. 2019 (SCE) and Xu et al. 2019 (L_DMI), sec. 2 (Ghosh et al. 2017), Eq. 3.

    Examples
    --------
    >>> from sympy import Rational
    >>> from label_noise_lab.theory.losses import mae
    >>> from label_noise_lab.theory.symmetry import class_sum
    >>> class_sum(mae(), [Rational(1, 2), Rational(1, 3), Rational(1, 6)])
    4
    """
    return sympy.Add(*[loss(f, j) for j in range(len(f))])


def class_potential(loss: LossDefinition, c: Any = C) -> tuple[sympy.Expr, sympy.Symbol]:
    """``psi_c(t) = phi_1(t) + (c - 1) phi_0(t)`` for ``t`` in ``(0, 1)``, absolute values resolved.

    ``sum_j L(f, e_j) = sum_k psi_c(f_k)`` for separable losses. Absolute values are
    resolved by writing ``t = u/(u + v)`` with positive ``u, v`` (so ``t`` and ``1 - t``
    are both visibly positive) and substituting ``u = t, v = 1 - t`` afterwards.

    Returns
    -------
    psi : the expression in ``t``
    t : the positive symbol it uses

    References
    ----------
    .. [1] Z. Zhang and M. R. Sabuncu, "Generalized Cross Entropy Loss for Training Deep Neural Networks with
       Noisy Labels", NeurIPS 2018, sec. 3.1, Eq. 3 (the sum whose constancy it decides).

    Examples
    --------
    >>> from label_noise_lab.theory.losses import mse
    >>> from label_noise_lab.theory.symmetry import class_potential
    >>> class_potential(mse())
    (c*t**2 - 2*t + 1, t)
    """
    if not isinstance(c, sympy.Symbol):
        check_classes(c)
    t = _T
    expr = loss.phi_label(t) + (c - 1) * loss.phi_other(t)
    if expr.has(sympy.Abs):
        u, v = sympy.symbols("u v", positive=True)
        x = u / (u + v)
        e = resolve_abs(loss.phi_label(x) + (c - 1) * loss.phi_other(x))
        expr = e.subs({u: t, v: 1 - t})
    return sympy.simplify(expr), t


def class_sum_symbolic(loss: LossDefinition, c: Any = C) -> sympy.Expr:
    """The class sum for a symbolic ``c`` as an expression in ``f[1] .. f[c]``.

    Uses ``sum_k f[k] = 1``: a polynomial ``psi = sum_d a_d t^d`` gives
    ``c a_0 + a_1 + sum_{d >= 2} a_d Sum(f[k]^d)`` (for MSE ``c ||f||^2 + c - 2``, Li's notes
    Eq. 4); anything else is returned as ``Sum(psi(f[k]), (k, 1, c))``.

    References
    ----------
    .. [1] S. Li, "Robust Losses", study notes on Ghosh et al. 2017, Zhang & Sabuncu 2018, Wang et al. (IMAE),
       Wang et al. 2019 (SCE) and Xu et al. 2019 (L_DMI), sec. 2 (Ghosh et al. 2017), Eq. 4.

    Examples
    --------
    >>> from label_noise_lab.theory.losses import mae, mse
    >>> from label_noise_lab.theory.symmetry import class_sum_symbolic
    >>> class_sum_symbolic(mae())
    2*c - 2
    >>> class_sum_symbolic(mse())
    c*Sum(f[k]**2, (k, 1, c)) + c - 2
    """
    psi, t = class_potential(loss, c)
    if psi.is_polynomial(t):
        coeffs = sympy.Poly(psi, t).all_coeffs()[::-1]
        out = c * coeffs[0] + (coeffs[1] if len(coeffs) > 1 else 0)
        for d, a in enumerate(coeffs[2:], start=2):
            out += a * sympy.Sum(F[_K] ** d, (_K, 1, c))
        return sympy.expand(out)
    return sympy.Sum(psi.subs(t, F[_K]), (_K, 1, c))


def _witness_points(c: int) -> list[list[sympy.Rational]]:
    """Interior rational points of the ``c``-simplex: the barycentre, then skewed ones."""
    pts = [barycentre(c)]
    for m in (1, 2, 5):
        den = c + m
        pts.append([sympy.Rational(m + 1, den)] + [sympy.Rational(1, den)] * (c - 1))
    if c >= 3:
        den = c + 3
        pts.append([sympy.Rational(3, den), sympy.Rational(2, den)] + [sympy.Rational(1, den)] * (c - 2))
    den = 10 * c  # near a vertex, the first coordinate above 9/10: truncated losses differ only there
    pts.append([sympy.Rational(den - c + 1, den)] + [sympy.Rational(1, den)] * (c - 1))
    return pts


def nonconstant_witness(loss: LossDefinition, c: int) -> dict[str, Any] | None:
    """Two exact points of the ``c``-simplex whose class sums differ, or ``None``.

    The values are compared exactly (to 50 digits when irrational), so a returned witness
    proves that the class sum is not constant for this ``c``.
    """
    c = check_classes(c)
    pts = _witness_points(c)
    vals = [class_sum(loss, p) for p in pts]
    for p, v in zip(pts[1:], vals[1:]):
        diff = sympy.N(v - vals[0], 50)
        if abs(diff) > sympy.Float("1e-40", 50):
            return {"c": c, "point_a": pts[0], "sum_a": vals[0], "point_b": p, "sum_b": v}
    return None


CONSTANT_SIMPLIFY_CLASSES = 5
"""Most classes at which :func:`constant_class_sum` runs SymPy's ``simplify`` on a sum of free coordinates (beyond,
it can run for minutes); the softmax route for absolute values has no such cap."""


def constant_class_sum(loss: LossDefinition, c: int) -> sympy.Expr | None:
    """The class sum at an explicit ``c`` when it simplifies to a constant, else ``None``: the one place where
    "constant class sum at ``c``" is decided (the loss trial and :func:`symmetry_test` both ask here).

    Tried in turn, each stopping at a constant: the sum at a point of free coordinates ``f_1 .. f_{c-1}``
    (the last ``1 - sum``) put over one denominator; SymPy's ``simplify`` of it (for ``c <=``
    :data:`CONSTANT_SIMPLIFY_CLASSES`, no ``Piecewise``); where absolute values remain, the sum over the softmax
    parametrisation with every ``|.|`` resolved (:func:`label_noise_lab.theory.simplex.resolve_abs`).
    """
    c = check_classes(c)
    syms = list(sympy.symbols(f"f1:{c}", positive=True))
    s = class_sum(loss, [*syms, 1 - sum(syms)])
    simplifiers = [lambda e: sympy.cancel(sympy.together(e))]
    if not s.has(sympy.Piecewise) and c <= CONSTANT_SIMPLIFY_CLASSES:
        simplifiers.append(sympy.simplify)
    for simplifier in simplifiers:
        r = simplifier(s)
        if not r.free_symbols & set(syms):  # constant in the coordinates (a loss parameter such as A may remain)
            return r
    if not s.has(sympy.Abs):
        return None
    f, soft = softmax_point(c)
    total = sympy.simplify(resolve_abs(class_sum(loss, f)))
    return None if total.free_symbols & set(soft) else total


@dataclass
class SymmetryResult:
    """The outcome of :func:`symmetry_test`.

    Attributes
    ----------
    loss : the loss's name
    symmetric : whether the class sum is constant (on the whole domain stated)
    constant : the constant ``C`` (as a function of the symbolic ``c`` when ``domain``
        says so), or ``None``
    class_sum : the class sum for a symbolic ``c`` (see :func:`class_sum_symbolic`)
    potential : ``psi_c(t)``
    second_derivative : ``psi_c''(t)``, zero exactly when ``psi_c`` is affine
    domain : ``"symbolic c"`` when decided for every ``c >= 2`` by the symbolic argument,
        ``"each c in 2..8"`` (or the range given) when decided one ``c`` at a time
    per_c : ``c -> True/False``, constancy decided for each explicit ``c``
    witnesses : ``c -> two points with different exact class sums`` where not constant
    """

    loss: str
    symmetric: bool
    constant: sympy.Expr | None
    class_sum: sympy.Expr
    potential: sympy.Expr
    second_derivative: sympy.Expr
    domain: str
    per_c: dict[int, bool] = field(default_factory=dict)
    witnesses: dict[int, dict[str, Any]] = field(default_factory=dict)


def symmetry_test(loss: LossDefinition, cs: Iterable[int] = range(2, 9), cross_check: bool = True) -> SymmetryResult:
    """Decide whether ``sum_j L(f, e_j)`` is constant (Zhang & Sabuncu 2018, Eq. 3).

    For a symbolic ``c``: ``psi_c'' = 0`` (after simplification) proves constancy for
    every ``c >= 2`` with ``C = c psi_c(0) + psi_c'(0)``. Otherwise, for each ``c`` in
    ``cs``, an exact witness (two points with different sums) proves non-constancy, and
    where none is found the explicit sum over the softmax parametrisation must simplify
    to a constant (as happens for ``c = 2`` with ``psi(t) + psi(1 - t)`` constant).

    ``cross_check`` also evaluates the symbolic-``c`` constant against the explicit sums
    for each ``c`` in ``cs`` (raising ``ArithmeticError`` on disagreement).

    References
    ----------
    .. [1] Z. Zhang and M. R. Sabuncu, "Generalized Cross Entropy Loss for Training Deep Neural Networks with
       Noisy Labels", NeurIPS 2018, sec. 3.1, Eq. 3.
    .. [2] S. Li, "Robust Losses", study notes on Ghosh et al. 2017, Zhang & Sabuncu 2018, Wang et al. (IMAE),
       Wang et al. 2019 (SCE) and Xu et al. 2019 (L_DMI), sec. 2 (Ghosh et al. 2017), Eqs. 3-4.

    Examples
    --------
    >>> from label_noise_lab.theory.losses import mae
    >>> from label_noise_lab.theory.symmetry import symmetry_test
    >>> r = symmetry_test(mae(), cs=[2, 3], cross_check=False)
    >>> r.symmetric, r.constant, r.domain
    (True, 2*c - 2, 'symbolic c')
    """
    cs = [check_classes(c) for c in cs]
    psi, t = class_potential(loss, C)
    psi2 = sympy.simplify(sympy.diff(psi, t, 2))
    total = class_sum_symbolic(loss, C)
    lo = min(cs) if cs else 2
    hi = max(cs) if cs else 8
    if psi2 == 0:
        a = sympy.simplify(psi.subs(t, 0))
        b = sympy.simplify(sympy.diff(psi, t))
        const = sympy.simplify(C * a + b)
        per_c: dict[int, bool] = {}
        if cross_check:
            for c in cs:
                got = constant_class_sum(loss, c)
                if got is None or sympy.simplify(got - const.subs(C, c)) != 0:
                    raise ArithmeticError(f"{loss.name}: explicit class sum at c = {c} is {got}, "
                                          f"not the symbolic constant {const.subs(C, c)}")
                per_c[c] = True
        return SymmetryResult(loss.name, True, const, total, psi, psi2, "symbolic c", per_c)
    per_c = {}
    witnesses: dict[int, dict[str, Any]] = {}
    constants: dict[int, sympy.Expr] = {}
    for c in cs:
        w = nonconstant_witness(loss, c)
        if w is not None:
            per_c[c] = False
            witnesses[c] = w
            continue
        got = constant_class_sum(loss, c)
        if got is None:
            raise ArithmeticError(f"{loss.name}: constancy of the class sum at c = {c} undecided")
        per_c[c] = True
        constants[c] = got
    symmetric = bool(per_c) and all(per_c.values())
    const = None
    if symmetric and len(set(constants.values())) == 1:
        const = next(iter(constants.values()))
    return SymmetryResult(loss.name, symmetric, const, total, psi, psi2, f"each c in {lo}..{hi}", per_c, witnesses)


@dataclass
class ClassSumRange:
    """Extremes of ``sum_k psi_c(f_k)`` over the simplex for a convex or concave ``psi_c``.

    ``low`` and ``high`` are attained at the barycentre and at a vertex (or the other way
    round), ``high`` may be ``oo``; ``shape`` is ``"convex"`` or ``"concave"``.
    """

    low: sympy.Expr
    high: sympy.Expr
    shape: str
    second_derivative: sympy.Expr
    low_at: str
    high_at: str


def class_sum_range(loss: LossDefinition, c: Any = C, reparam: dict[Any, Any] | None = None) -> ClassSumRange:
    """The range of the class sum over the simplex, when ``psi_c`` is convex or concave on ``(0, 1)``.

    Jensen: for convex ``psi`` and ``sum_k f_k = 1``, ``sum_k psi(f_k) >= c psi(1/c)``
    (equality at the barycentre); a convex function on a polytope is largest at a vertex,
    and every vertex gives ``psi(1) + (c - 1) psi(0)``. Concave: the other way round.
    End values are one-sided limits (so ``-log 0`` is ``oo``).

    ``reparam`` substitutes parameters before the sign of ``psi''`` is decided, to make
    the domain visible to SymPy (for ``L_q``: ``{q: 1 - s}`` with ``s >= 0``).

    Raises
    ------
    ValueError
        When SymPy cannot decide that ``psi''`` keeps one sign on ``(0, 1)``.

    References
    ----------
    .. [1] Z. Zhang and M. R. Sabuncu, "Generalized Cross Entropy Loss for Training Deep Neural Networks with
       Noisy Labels", NeurIPS 2018, sec. 3.2, Eq. 7 (the range for ``L_q``).

    Examples
    --------
    >>> from sympy import Rational
    >>> from label_noise_lab.theory.losses import lq
    >>> from label_noise_lab.theory.symmetry import class_sum_range
    >>> r = class_sum_range(lq(Rational(1, 2)))
    >>> r.low, r.high, r.shape
    (-2*sqrt(c) + 2*c, 2*c - 2, 'convex')
    """
    psi, t = class_potential(loss, c)
    psi2 = sympy.simplify(sympy.diff(psi, t, 2))
    probe = sympy.simplify(psi2.subs(reparam)) if reparam else psi2
    bary = sympy.simplify(c * psi.subs(t, 1 / sympy.sympify(c)))
    at0, at1 = sympy.limit(psi, t, 0, "+"), sympy.limit(psi, t, 1, "-")
    if at0.is_infinite or at1.is_infinite:  # c - 1 >= 1: an infinite end stays infinite
        vert = at0 if at0.is_infinite else at1
    else:
        vert = sympy.simplify(at1 + (c - 1) * at0)
    if probe.is_nonnegative:
        return ClassSumRange(bary, vert, "convex", psi2, "barycentre", "vertex")
    if probe.is_nonpositive:
        return ClassSumRange(vert, bary, "concave", psi2, "vertex", "barycentre")
    raise ValueError(f"{loss.name}: cannot decide the sign of psi'' = {psi2} on (0, 1)")


def label_closed_form(loss: LossDefinition, c: Any = C) -> tuple[sympy.Expr, sympy.Symbol] | None:
    """``L(f, e_j)`` on the simplex as a function of ``t = f_j`` alone, for a symbolic ``c``.

    Possible when ``phi_0`` is affine on ``[0, 1]``, ``phi_0(t) = a + b t``: then
    ``sum_{k != j} phi_0(f_k) = (c - 1) a + b (1 - f_j)``. For MAE ``phi_0(t) = |t| = t``,
    so ``||e_j - f||_1 = |1 - f_j| + 1 - f_j = 2 - 2 f_j`` (Zhang & Sabuncu 2018, Eq. 4). Returns
    ``(expr, t)`` or ``None`` when ``phi_0`` is not affine.

    References
    ----------
    .. [1] S. Li, "Robust Losses", study notes on Ghosh et al. 2017, Zhang & Sabuncu 2018, Wang et al. (IMAE),
       Wang et al. 2019 (SCE) and Xu et al. 2019 (L_DMI), sec. 1, Eq. 2 (MAE as ``2(1 - p)``).

    Examples
    --------
    >>> from label_noise_lab.theory.losses import mae
    >>> from label_noise_lab.theory.symmetry import label_closed_form
    >>> label_closed_form(mae())
    (2 - 2*t, t)
    """
    zero = separable(loss.name, 0, loss.phi_other)
    label = separable(loss.name, loss.phi_label, 0)
    other, t = class_potential(zero, 2)  # psi with c = 2: phi_1 = 0 plus one phi_0
    if sympy.simplify(sympy.diff(other, t, 2)) != 0:
        return None
    a = sympy.simplify(other.subs(t, 0))
    b = sympy.simplify(sympy.diff(other, t))
    head, _ = class_potential(label, 2)  # phi_1 with absolute values resolved
    return sympy.simplify(head + (c - 1) * a + b * (1 - t)), t


@dataclass
class ClassSumComparison:
    """Whether ``sum_j L(f, e_j)`` equals a claimed ``sum_k g(f_k) + K0`` on the simplex.

    Attributes
    ----------
    holds : the identity holds for every ``c >= 2`` (symbolic ``c``)
    difference : ``psi_c(t) - g(t)``, which must be affine ``a + b t`` with ``c a + b = K0``
    counterexample : when it fails, an exact point (and ``c``) where the two sides differ
    """

    holds: bool
    difference: sympy.Expr
    counterexample: dict[str, Any] | None = None


def compare_class_sum(loss: LossDefinition, g: Any, K0: Any, cs: Iterable[int] = range(2, 9)) -> ClassSumComparison:
    """Compare the class sum with the claimed ``sum_k g(f_k) + K0`` (Li's notes, Eq. 4).

    ``g`` is a function of one coordinate (``t -> expr``, may use :data:`C`) and ``K0`` an
    expression in :data:`C`. Sufficient for every ``c``: ``psi_c - g`` is affine,
    ``a + b t``, with ``c a + b = K0`` (checked symbolically). When it fails, the exact
    points of :func:`nonconstant_witness` are searched for one (at some ``c`` in ``cs``)
    where the two sides differ, which proves the claimed formula wrong.

    References
    ----------
    .. [1] S. Li, "Robust Losses", study notes on Ghosh et al. 2017, Zhang & Sabuncu 2018, Wang et al. (IMAE),
       Wang et al. 2019 (SCE) and Xu et al. 2019 (L_DMI), sec. 2 (Ghosh et al. 2017), Eq. 4.
    """
    psi, t = class_potential(loss, C)
    diff = sympy.simplify(psi - g(t))
    K0 = sympy.sympify(K0)
    if sympy.simplify(sympy.diff(diff, t, 2)) == 0:
        a = diff.subs(t, 0)
        b = sympy.diff(diff, t)
        if sympy.simplify(C * a + b - K0) == 0:
            return ClassSumComparison(True, diff)
    for c in cs:
        c = check_classes(c)
        for p in _witness_points(c):
            lhs = class_sum(loss, p)
            rhs = sympy.Add(*[g(x).subs(C, c) for x in p]) + K0.subs(C, c)
            gap = sympy.N(lhs - rhs, 50)
            if abs(gap) > sympy.Float("1e-40", 50):
                return ClassSumComparison(False, diff, {"c": c, "f": p, "class_sum": lhs, "claimed": rhs})
    return ClassSumComparison(False, diff)
