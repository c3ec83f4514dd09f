"""Loss correction, exactly (Patrini et al. 2017, "Making Deep Neural Networks Robust to Label Noise").

Convention (docs/design.md): row-stochastic ``T[i, j] = P(noisy = j | clean = i)``.

- **Backward** (sec. 4.1, Thm 1): ``l_back = T^-1 l``, the vector of corrected losses over
  the observable labels. Written here as ``adj(T) l / det(T)`` so that unbiasedness,
  ``E_{noisy | clean = y} (T^-1 l)_noisy = (T T^-1 l)_y = l_y``, becomes the polynomial
  identity ``T adj(T) l = det(T) l``, which SymPy checks by expansion for a generic ``T``
  (``c`` = 2..4, every row summing to 1 through its last column ``1 - sum`` of the others).
- **Negativity** (sec. 4.1, "not always non-negative"): the backward-corrected cross-entropy
  ``sum_k (T^-1)_jk (-log p_k)`` at exact rational points; its sign is decided exactly by
  comparing ``prod_k p_k^(D r_k)`` with 1 (``D`` clearing the denominators of ``r = T^-1[j]``).
- **Forward** (sec. 4.2, Thm 2, Eqs. 8-10): the inverse link ``phi^-1 = T^T psi^-1`` and the
  pointwise forward-corrected noisy risk ``sum_j pt_j l(T^T p, j)`` with
  ``pt = T^T p_clean``. For cross-entropy and the square (Brier) loss its minimiser over the
  simplex is ``p_clean``; for MAE it is affine in ``p`` (a vertex minimises it) and for
  ``L_q`` ``p_clean`` is not even stationary.
- **Benchmark matrices** (sec. 5.1): in :mod:`label_noise_lab.theory.benchmark_matrices`, re-exported here;
  the generic ``T`` in :mod:`label_noise_lab.theory.transition`.
"""
from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any, Callable, Sequence

import sympy

# (re-exported: callers use label_noise_lab.theory.correction)
from label_noise_lab.theory.benchmark_matrices import (  # noqa: F401
    BENCHMARKS,
    CIFAR10_CLASSES,
    CIFAR10_FLIPS,
    CIFAR100_FLIPS,
    CIFAR100_SUBCLASSES,
    CIFAR100_SUPERCLASSES,
    MNIST_FLIPS,
    UNIT,
    AnchorColumns,
    N,
    anchor_class,
    anchor_columns,
    benchmark_matrix,
    block_determinant,
    blocks,
    cifar10_flips,
    cifar100_flips,
    flip_matrix,
    mnist_flips,
    singular_rates,
)
from label_noise_lab.theory.simplex import check_classes, free_point

# (generic_transition re-exported)
from label_noise_lab.theory.transition import check_square, generic_transition  # noqa: F401

# ---------------------------------------------------------------- backward correction (Thm 1)
Correction = Callable[[sympy.Matrix, Sequence[Any]], tuple[list[sympy.Expr], sympy.Expr]]
"""``(T, l) -> (numerators, denominator)`` of the corrected loss vector ``l_back = num / den``."""


def backward_correction(T: sympy.Matrix, losses: Sequence[Any]) -> tuple[list[sympy.Expr], sympy.Expr]:
    """``T^-1 l`` as ``(adj(T) l, det(T))`` (Patrini et al. 2017, Thm 1, Eq. in sec. 4.1).

    ``(T^-1 l)_j = (adj(T) l)_j / det(T)``; polynomial in the entries of ``T``, so identities
    become polynomial identities.

    Raises
    ------
    ValueError
        When ``l`` does not have ``c`` entries.

    References
    ----------
    .. [1] G. Patrini, A. Rozza, A. K. Menon, R. Nock and L. Qu, "Making Deep Neural Networks Robust to Label
       Noise: a Loss Correction Approach", CVPR 2017, sec. 4.1, Thm 1.

    Examples
    --------
    >>> import sympy
    >>> from label_noise_lab.theory.correction import backward_correction
    >>> from label_noise_lab.theory.noisy_risk import uniform_transition
    >>> l0, l1 = sympy.symbols("l0 l1")
    >>> backward_correction(uniform_transition(2, sympy.Rational(1, 4)), [l0, l1])
    ([3*l0/4 - l1/4, -l0/4 + 3*l1/4], 1/2)
    """
    c = check_square(T)
    if len(losses) != c:
        raise ValueError(f"need one loss per class: T is {c} x {c}, got {len(losses)} losses")
    adj = T.adjugate(method="berkowitz")
    num = adj * sympy.Matrix(list(losses))
    return [num[j] for j in range(c)], T.det(method="berkowitz")


@dataclass
class BackwardUnbiasedness:
    """Thm 1 for one ``c``, a generic row-stochastic ``T`` and free losses ``l_k``.

    Attributes
    ----------
    c : number of classes
    det : ``det(T)`` (the theorem needs it non-zero)
    identity : ``T l_back == l`` identically, i.e. ``E_{noisy | clean = y} l_back = l_y``
    expectation : ``sum_j (p T)_j l_back_j == sum_y p_y l_y`` identically for a free simplex
        point ``p = p(y|x)`` (the statement ``E_{noisy|x} l_back = E_{y|x} l``)
    residual : the first non-zero entry of ``T num - den l`` (``0`` when the identity holds)
    """

    c: int
    det: sympy.Expr
    identity: bool
    expectation: bool
    residual: sympy.Expr = sympy.Integer(0)

    @property
    def holds(self) -> bool:
        return self.identity and self.expectation


def backward_unbiased(c: int, correction: Correction = backward_correction) -> BackwardUnbiasedness:
    """Check Thm 1 (Patrini et al. 2017) symbolically for a generic ``c x c`` row-stochastic ``T``.

    With ``l_back = num / den`` from ``correction``, unbiasedness given the clean label is
    ``T num - den l = 0`` (expanded, ``c`` polynomials); averaged over a free clean label
    distribution ``p`` it is ``p^T T num - den p^T l = 0``. Pass another ``correction``
    (e.g. ``T^-T l``, the column-orientation mistake) to see the identity fail.

    References
    ----------
    .. [1] G. Patrini, A. Rozza, A. K. Menon, R. Nock and L. Qu, "Making Deep Neural Networks Robust to Label
       Noise: a Loss Correction Approach", CVPR 2017, sec. 4.1, Thm 1 and its proof.
    """
    c = check_classes(c)
    T, _ = generic_transition(c)
    L = list(sympy.symbols(f"l0:{c}"))
    num, den = correction(T, L)
    res = sympy.expand(T * sympy.Matrix(num) - den * sympy.Matrix(L))
    residual = next((r for r in res if r != 0), sympy.Integer(0))
    identity = residual == 0
    p, _ = free_point(c, "p")
    noisy = sympy.Matrix([p]) * T  # the noisy label distribution (p T)_j
    lhs = sum((noisy[j] * num[j] for j in range(c)), sympy.Integer(0))
    rhs = den * sum((p[k] * L[k] for k in range(c)), sympy.Integer(0))
    expectation = sympy.expand(lhs - rhs) == 0
    return BackwardUnbiasedness(c, sympy.factor(den), identity, expectation, residual)


def inverse(T: sympy.Matrix) -> sympy.Matrix:
    """Exact ``T^-1``; ``ValueError`` quoting ``det(T)`` when ``T`` is singular.

    References
    ----------
    .. [1] G. Patrini, A. Rozza, A. K. Menon, R. Nock and L. Qu, "Making Deep Neural Networks Robust to Label
       Noise: a Loss Correction Approach", CVPR 2017, sec. 4.1, Thm 1 (T non-singular) and the text after it (mixing T
       with the identity).

    Examples
    --------
    >>> from sympy import Rational
    >>> from label_noise_lab.theory.correction import inverse
    >>> from label_noise_lab.theory.noisy_risk import uniform_transition
    >>> inverse(uniform_transition(2, Rational(1, 4)))
    Matrix([
    [ 3/2, -1/2],
    [-1/2,  3/2]])
    """
    check_square(T)
    d = T.det(method="berkowitz")
    if sympy.simplify(d) == 0:
        raise ValueError(f"T is singular (det(T) = {d}); backward correction needs T^-1")
    return T.inv(method="LU")


def log_combination_sign(coeffs: Sequence[Any], probs: Sequence[Any]) -> int:
    """The exact sign of ``sum_k r_k (-log p_k)`` for rational ``r_k`` and rational ``p_k`` in (0, 1].

    With ``D`` the lcm of the denominators of ``r``, the sum is ``-(1/D) log prod_k p_k^(D r_k)``,
    whose sign is that of ``1 - prod_k p_k^(D r_k)``, a rational number.
    """
    rs = [sympy.Rational(r) for r in coeffs]
    ps = [sympy.Rational(p) for p in probs]
    if len(rs) != len(ps):
        raise ValueError(f"need one coefficient per probability, got {len(rs)} and {len(ps)}")
    if any(not (0 < p <= 1) for p in ps):
        raise ValueError(f"probabilities must lie in (0, 1], got {ps}")
    D = math.lcm(*[int(r.q) for r in rs]) if rs else 1
    prod = sympy.Integer(1)
    for r, p in zip(rs, ps):
        prod *= p ** int(r * D)
    return int(sympy.sign(1 - prod))


def backward_ce(T: sympy.Matrix, p: Sequence[Any], j: int) -> sympy.Expr:
    """The backward-corrected cross-entropy ``sum_k (T^-1)_jk (-log p_k)`` at the noisy label ``j``."""
    c = check_square(T, len(p))
    if not 0 <= j < c:
        raise ValueError(f"label j must lie in [0, {c - 1}], got {j!r}")
    Ti = inverse(T)
    return sympy.Add(*[Ti[j, k] * (-sympy.log(sympy.sympify(p[k]))) for k in range(c)])


@dataclass
class NegativeExample:
    """An exact point where the backward-corrected loss is negative."""

    T: list[list[sympy.Rational]]
    T_inverse: list[list[sympy.Rational]]
    p: list[sympy.Rational]
    label: int
    value: sympy.Expr
    sign: int
    complexity: int


def _rationals(max_den: int) -> list[sympy.Rational]:
    vals = {sympy.Rational(a, b) for b in range(1, max_den + 1) for a in range(0, b + 1)}
    return sorted(vals, key=lambda r: (r.q, r.p))


def smallest_negative_backward_ce(max_den: int = 4,
                                  transitions: Callable[[sympy.Rational, sympy.Rational], sympy.Matrix] | None = None,
                                  ) -> tuple[NegativeExample | None, int]:
    """The simplest ``c = 2`` instance where the backward-corrected cross-entropy is negative.

    Enumerates ``T = [[1 - a, a], [b, 1 - b]]`` (non-singular), ``p = (p0, 1 - p0)`` with
    ``p0`` in the open interval, and the noisy label ``j``, over rationals with denominators
    ``<= max_den``, ordered by the sum of the denominators of ``a, b, p0`` (then by value).
    The sign is decided exactly (:func:`log_combination_sign`). ``transitions`` replaces the
    family of ``T`` (e.g. the identity, to see no example found).

    Returns
    -------
    example : the first negative instance, or None
    evaluated : how many instances were examined
    """
    if max_den < 2:
        raise ValueError(f"max_den must be at least 2, got {max_den!r}")
    rs = _rationals(max_den)
    interior = [r for r in rs if 0 < r < 1]
    make = transitions or (lambda a, b: sympy.Matrix([[1 - a, a], [b, 1 - b]]))
    cands = sorted(((a, b, p0) for a in rs for b in rs for p0 in interior),
                   key=lambda t: (sum(int(v.q) for v in t), t[0] + t[1], t[2]))
    evaluated = 0
    for a, b, p0 in cands:
        T = make(a, b)
        if T.det() == 0:
            continue
        Ti = T.inv()
        p = [p0, 1 - p0]
        for j in range(2):
            evaluated += 1
            s = log_combination_sign([Ti[j, 0], Ti[j, 1]], p)
            if s < 0:
                val = sympy.nsimplify(sympy.expand_log(backward_ce(T, p, j), force=True))
                return NegativeExample([list(T.row(i)) for i in range(2)], [list(Ti.row(i)) for i in range(2)], p, j,
                                       sympy.logcombine(val, force=True), s,
                                       sum(int(v.q) for v in (a, b, p0))), evaluated
    return None, evaluated


def inverse_min_entry(T: sympy.Matrix) -> tuple[sympy.Expr, tuple[int, int]]:
    """The smallest entry of ``T^-1`` and its position.

    A non-negative matrix has a non-negative inverse only if it is a (scaled) permutation,
    so for every non-singular stochastic ``T`` other than a permutation some ``(T^-1)_jk < 0``;
    sending ``p_k -> 0`` then drives the backward-corrected cross-entropy of label ``j`` to
    ``-oo``.
    """
    Ti = inverse(T)
    c = Ti.rows
    pos = min(((j, k) for j in range(c) for k in range(c)), key=lambda jk: Ti[jk])
    return Ti[pos], pos


# ---------------------------------------------------------------- forward correction (Thm 2)
def softmax(z: Sequence[Any]) -> list[sympy.Expr]:
    """``psi^-1(z) = softmax(z)``, the inverse link of cross-entropy (Patrini et al. 2017, sec. 4.2).

    References
    ----------
    .. [1] G. Patrini, A. Rozza, A. K. Menon, R. Nock and L. Qu, "Making Deep Neural Networks Robust to Label
       Noise: a Loss Correction Approach", CVPR 2017, sec. 4.2, the text after Eq. 6 (the softmax is the inverse link of
       cross-entropy).

    Examples
    --------
    >>> from label_noise_lab.theory.correction import softmax
    >>> softmax([0, 0])
    [1/2, 1/2]
    """
    e = [sympy.exp(sympy.sympify(v)) for v in z]
    s = sympy.Add(*e)
    return [v / s for v in e]


def forward_inverse_link(T: sympy.Matrix, z: Sequence[Any]) -> list[sympy.Expr]:
    """``phi^-1(z) = T^T psi^-1(z) = T^T softmax(z)`` (Patrini et al. 2017, Eq. 8).

    References
    ----------
    .. [1] G. Patrini, A. Rozza, A. K. Menon, R. Nock and L. Qu, "Making Deep Neural Networks Robust to Label
       Noise: a Loss Correction Approach", CVPR 2017, sec. 4.2, Thm 2, Eq. 8.
    """
    c = check_square(T, len(z))
    p = softmax(z)
    return [sympy.Add(*[T[i, j] * p[i] for i in range(c)]) for j in range(c)]


def forward_link(T: sympy.Matrix, q: Sequence[Any]) -> list[sympy.Expr]:
    """``phi(q) = psi((T^-1)^T q)`` with ``psi = log`` (the softmax link up to an additive constant; Patrini et al.
    2017, Eq. 8).

    References
    ----------
    .. [1] G. Patrini, A. Rozza, A. K. Menon, R. Nock and L. Qu, "Making Deep Neural Networks Robust to Label
       Noise: a Loss Correction Approach", CVPR 2017, sec. 4.2, proof of Thm 2, Eqs. 8-10.
    """
    c = check_square(T, len(q))
    Ti = inverse(T)
    return [sympy.log(sympy.Add(*[Ti[i, j] * sympy.sympify(q[i]) for i in range(c)])) for j in range(c)]


def pushforward(T: sympy.Matrix, p: Sequence[Any]) -> list[sympy.Expr]:
    """``T^T p``: the noisy label distribution implied by the clean one (Patrini et al. 2017, Eq. 5).

    References
    ----------
    .. [1] G. Patrini, A. Rozza, A. K. Menon, R. Nock and L. Qu, "Making Deep Neural Networks Robust to Label
       Noise: a Loss Correction Approach", CVPR 2017, sec. 4.2, Eqs. 4-5 and their matrix form.

    Examples
    --------
    >>> from sympy import Rational
    >>> from label_noise_lab.theory.correction import pushforward
    >>> from label_noise_lab.theory.noisy_risk import uniform_transition
    >>> pushforward(uniform_transition(2, Rational(1, 4)), [Rational(1, 3), Rational(2, 3)])
    [5/12, 7/12]
    """
    c = check_square(T, len(p))
    return [sympy.Add(*[T[i, j] * sympy.sympify(p[i]) for i in range(c)]) for j in range(c)]


def _ce(q: Sequence[Any], j: int) -> sympy.Expr:
    return -sympy.log(q[j])


def _brier(q: Sequence[Any], j: int) -> sympy.Expr:
    return sympy.Add(*[((1 if k == j else 0) - q[k]) ** 2 for k in range(len(q))])


def _mae(q: Sequence[Any], j: int) -> sympy.Expr:
    return 2 - 2 * q[j]  # ||e_j - q||_1 on the simplex


def _lq(a: Any) -> Callable[[Sequence[Any], int], sympy.Expr]:
    return lambda q, j: (1 - q[j] ** a) / a


PROBABILITY_LOSSES: dict[str, Callable[[Sequence[Any], int], sympy.Expr]] = {"cce": _ce, "mse": _brier, "mae": _mae}


def probability_loss(name: str, q_exponent: Any = sympy.Rational(1, 2)) -> Callable[[Sequence[Any], int], sympy.Expr]:
    """``l(q, j)`` on the simplex: ``cce`` ``-log q_j``, ``mse`` ``||e_j - q||^2``, ``mae`` ``2 - 2 q_j``,
    ``lq`` ``(1 - q_j^a)/a`` with ``a = q_exponent`` (Zhang & Sabuncu 2018, Eq. 6).

    References
    ----------
    .. [1] G. Patrini, A. Rozza, A. K. Menon, R. Nock and L. Qu, "Making Deep Neural Networks Robust to Label
       Noise: a Loss Correction Approach", CVPR 2017, sec. 3, Eq. 1 (cross-entropy) and sec. 4.2, the text after Eq. 7
       (cross-entropy and square are proper composite).
    """
    if name == "lq":
        return _lq(sympy.sympify(q_exponent))
    if name not in PROBABILITY_LOSSES:
        raise ValueError(f"name must be one of cce, mse, mae, lq, got {name!r}")
    return PROBABILITY_LOSSES[name]


def forward_risk(loss: Callable[[Sequence[Any], int], sympy.Expr], T: sympy.Matrix, p: Sequence[Any],
                 pt: Sequence[Any]) -> sympy.Expr:
    """``sum_j pt_j l(T^T p, j)``: the forward-corrected noisy risk at one input (Patrini et al. 2017, Thm 2).

    References
    ----------
    .. [1] G. Patrini, A. Rozza, A. K. Menon, R. Nock and L. Qu, "Making Deep Neural Networks Robust to Label
       Noise: a Loss Correction Approach", CVPR 2017, sec. 4.2, Thm 2.
    """
    q = pushforward(T, p)
    return sympy.Add(*[sympy.sympify(pt[j]) * loss(q, j) for j in range(len(q))])


@dataclass
class ForwardMinimiser:
    """Thm 2 (Patrini et al. 2017) at one input, for one loss and one ``c``, generic row-stochastic ``T``.

    With ``pt = T^T p_clean`` and ``F(p) = sum_j pt_j l(T^T p, j)`` over the simplex:

    Attributes
    ----------
    loss, c
    maps_into_simplex : ``sum_j (T^T p)_j == 1`` identically (``T^T`` maps the simplex into it)
    stationary : the gradient of ``F`` at ``p_clean`` is a constant vector (KKT on the simplex)
    gradient : that gradient (simplified)
    curvature : how ``F`` is convex and strictly so: a Hessian identity or an exact decomposition
    unique_preimage : ``T^T p = T^T p_clean`` has the unique solution ``p_clean`` (``det T != 0``)
    minimiser_is_clean : all of the above
    """

    loss: str
    c: int
    maps_into_simplex: bool
    stationary: bool
    gradient: list[sympy.Expr]
    curvature: str
    curvature_ok: bool
    unique_preimage: bool
    notes: dict[str, Any] = field(default_factory=dict)

    @property
    def minimiser_is_clean(self) -> bool:
        return self.maps_into_simplex and self.stationary and self.curvature_ok and self.unique_preimage


def _free_simplex_and_T(c: int) -> tuple[sympy.Matrix, list[sympy.Expr], list[sympy.Symbol], list[sympy.Expr]]:
    T, _ = generic_transition(c)
    p, psyms = free_point(c, "p")
    return T, p, psyms, pushforward(T, p)


def _unique_preimage(T: sympy.Matrix, p_clean: Sequence[Any]) -> bool:
    c = T.rows
    x = sympy.symbols(f"x0:{c}")
    rhs = pushforward(T, p_clean)
    eqs = [sympy.Add(*[T[i, j] * x[i] for i in range(c)]) - rhs[j] for j in range(c)]
    sol = sympy.linsolve(eqs, x)  # generic solution, valid where det(T) != 0
    if len(sol) != 1:
        return False
    (s,) = sol
    return all(sympy.simplify(s[k] - p_clean[k]) == 0 for k in range(c))


def _stationary(F: sympy.Expr, syms_full: Sequence[sympy.Symbol], at: dict[Any, Any],
                polynomial: bool = False) -> tuple[bool, list[sympy.Expr]]:
    """Whether the gradient of ``F`` at ``at`` is one constant vector (KKT on the simplex), and the gradient."""
    simp = sympy.expand if polynomial else sympy.simplify
    grad = [simp(sympy.diff(F, s).subs(at)) for s in syms_full]
    const = all(simp(g - grad[0]) == 0 for g in grad[1:])
    return const, grad


def forward_minimiser(loss: str, c: int, q_exponent: Any = sympy.Rational(1, 2)) -> ForwardMinimiser:
    """Derive where the forward-corrected noisy risk is minimised (Patrini et al. 2017, Thm 2, Eqs. 8-10).

    ``F(p) = sum_j pt_j l(T^T p, j)`` with ``pt = T^T p_clean`` is written as a function of the
    ``c`` coordinates ``p_k`` (unconstrained, so its gradient is meaningful; the simplex is the
    constraint ``sum p = 1``), for a generic row-stochastic ``T`` and a free ``p_clean``.

    - ``"cce"``: gradient ``-sum_j T_kj pt_j / (T^T p)_j``, at ``p_clean`` equal to ``-1`` for
      every ``k`` (row sums): stationary (KKT). Convex (``-log`` of a linear map); the Hessian
      at ``p_clean`` is ``T diag(1/pt) T^T`` and ``x^T T D T^T x = sum_j d_j (T^T x)_j^2``
      (checked with free ``d_j > 0`` in place of ``1/pt_j``): positive definite when ``det T != 0``.
    - ``"mse"`` (Brier): ``F = ||q - pt||^2 + 1 - ||pt||^2`` with ``q = T^T p`` (identity on
      the simplex), minimal exactly where ``q = pt``.
    - ``"mae"``: ``F = 2 - 2 p . (T pt)`` is affine in ``p``: a vertex ``e_k``,
      ``k = argmax (T pt)_k``, minimises it; ``p_clean`` is not stationary in general.
    - ``"lq"``: at ``p_clean`` the gradient is ``-sum_j T_kj pt_j^a``, not constant in ``k``:
      ``p_clean`` is not a minimiser in the interior.

    In every case ``T^T p = T^T p_clean`` is solved for ``p`` (unique where ``det T != 0``).

    References
    ----------
    .. [1] G. Patrini, A. Rozza, A. K. Menon, R. Nock and L. Qu, "Making Deep Neural Networks Robust to Label
       Noise: a Loss Correction Approach", CVPR 2017, sec. 4.2, Thm 2, Eqs. 7-10.
    """
    c = check_classes(c)
    if loss not in ("cce", "mse", "mae", "lq"):
        raise ValueError(f"loss must be one of cce, mse, mae, lq, got {loss!r}")
    T, _ = generic_transition(c)
    P = list(sympy.symbols(f"P0:{c}", positive=True))  # unconstrained coordinates of p
    pc, pc_syms = free_point(c, "r")  # p_clean
    pt = pushforward(T, pc)
    maps = sympy.expand(sympy.Add(*pt) - 1) == 0
    at = dict(zip(P, pc))
    unique = _unique_preimage(T, pc)
    notes: dict[str, Any] = {}
    if loss == "cce":
        F = forward_risk(_ce, T, P, pt)
        stationary, grad = _stationary(F, P, at)
        d = list(sympy.symbols(f"d0:{c}", positive=True))
        x = sympy.Matrix(sympy.symbols(f"x0:{c}"))
        H = T * sympy.diag(*d) * T.T
        # x^T H x = sum_j d_j (T^T x)_j^2: a sum of squares, zero only where T^T x = 0
        quad = (x.T * H * x)[0]
        sos = sympy.Add(*[d[j] * sympy.Add(*[T[i, j] * x[i] for i in range(c)]) ** 2 for j in range(c)])
        cb = sympy.expand(quad - sos) == 0
        # the Hessian of F at p_clean is T diag(1/pt) T^T: compare one entry exactly
        Hk = sympy.simplify(sympy.diff(F, P[0], P[c - 1]).subs(at)
                            - sympy.Add(*[T[0, j] * T[c - 1, j] / pt[j] for j in range(c)]))
        curvature_ok = cb and Hk == 0
        curvature = ("Hessian at p_clean = T diag(1/pt) T^T, and x^T T D T^T x = sum_j d_j (T^T x)_j^2 (d_j > 0): "
                     "positive definite iff det T != 0; F is convex (-log of a linear map)")
        notes["hessian_entry_check"] = Hk == 0
    elif loss == "mse":
        qf, _ = free_point(c, "q")
        ptf, _ = free_point(c, "s")
        F_q = sympy.Add(*[ptf[j] * _brier(qf, j) for j in range(c)])
        ident = sympy.Add(*[(qf[k] - ptf[k]) ** 2 for k in range(c)]) + 1 - sympy.Add(*[v**2 for v in ptf])
        curvature_ok = sympy.expand(F_q - ident) == 0
        curvature = "on the simplex F = ||T^T p - pt||^2 + 1 - ||pt||^2: minimal exactly where T^T p = pt"
        F = forward_risk(_brier, T, P, pt)
        # dF/dp_k = sum_j T_kj (2 q_j sum(pt) - 2 pt_j): zero at q = pt since sum(pt) = 1
        stationary, grad = _stationary(F, P, at, polynomial=True)
    elif loss == "mae":
        F = forward_risk(_mae, T, P, pt)
        lin = 2 * sympy.Add(*pt) - 2 * sympy.Add(*[P[k] * sympy.Add(*[T[k, j] * pt[j] for j in range(c)])
                                                   for k in range(c)])
        affine = sympy.expand(F - lin) == 0
        hess_zero = all(sympy.diff(F, a, b) == 0 for a in P for b in P)
        stationary, grad = _stationary(F, P, at, polynomial=True)
        curvature_ok = False  # affine: the minimiser is a vertex, not p_clean
        curvature = ("F = 2 - 2 p . (T pt) is affine in p (zero Hessian): a vertex e_k, k = argmax (T pt)_k, "
                     "minimises it")
        notes.update({"affine": affine and hess_zero})
    else:
        a = sympy.sympify(q_exponent)
        F = forward_risk(_lq(a), T, P, pt)
        stationary, grad = _stationary(F, P, at)
        curvature_ok = True
        curvature = (f"convex (q^a concave for a = {a}); stationary points satisfy pt_j q_j^(a-1) = const, "
                     "i.e. q ∝ pt^(1/(1-a))")
        notes["q_exponent"] = a
    return ForwardMinimiser(loss, c, maps, stationary, grad, curvature, curvature_ok, unique, notes)
