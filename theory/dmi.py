"""Determinant-based mutual information, exactly (Xu, Cao, Kong & Wang 2019, via Li's notes).

Notation of Li's notes (the L_DMI summary, Eqs. 21-32): for two discrete random variables
``W1, W2`` over the same ``C`` classes, ``Q_{W1,W2}[w1, w2] = Pr[W1 = w1, W2 = w2]`` (Eq. 22),
``DMI(W1, W2) = |det Q_{W1,W2}|`` (Eq. 27), ``T_{W1->W3}[w1, w3] = Pr[W3 = w3 | W1 = w1]``
(Eq. 29, row-stochastic like every ``T`` of this project) and ``L_DMI = -log DMI`` (Eq. 31).

What is derived here, in exact arithmetic:

- **Product and symmetry**: ``det(Q T) = det(Q) det(T)`` and ``det(Q^T) = det(Q)`` as polynomial
  identities for a generic ``Q`` and a generic row-stochastic ``T`` (``c`` = 2..4, expanded in a
  polynomial ring, which is far faster than SymPy's matrix determinants of symbolic entries).
- **Relative invariance** (Eq. 28): when ``W3`` is independent of ``W2`` given ``W1``, the joint
  ``Pr[w1, w2, w3] = Q12[w1, w2] T[w1, w3]`` marginalises to ``Q_{W2,W3} = Q_{W2,W1} T``; with the
  product rule, ``DMI(W2, W3) = DMI(W2, W1) |det T|``.
- **|det T| <= 1 for a stochastic T**, equality iff ``T`` is a permutation matrix: ``det`` is
  affine in each row, so ``|det|`` is convex in each row and its maximum over the product of
  simplices is attained at rows that are unit vectors (enumerated: ``c^c`` tuples, values in
  ``{-1, 0, 1}``, ``|det| = 1`` exactly at the ``c!`` permutations); equality only at
  permutations follows from Hadamard's inequality ``|det T| <= prod_i ||T_i||_2`` and
  ``||r||_2^2 = ||r||_1^2 - 2 sum_{j<k} r_j r_k <= ||r||_1^2 = 1`` (an identity checked here),
  with equality iff every row has one non-zero entry.
- **Information monotonicity** (after Eq. 27): ``DMI(W3, W2) = DMI(W1, W2) |det T| <= DMI(W1, W2)``.
- **Eq. 30**: ``DMI(h, noisy) - DMI(h', noisy) = |det T| (DMI(h, Y) - DMI(h', Y))``, so the two
  orders agree exactly when ``det T != 0``; at ``det T = 0`` both noisy sides are 0.
- **Eq. 32** (the main theorem's step): with noise that depends on the class only,
  ``Pr[x, a, y, noisy] = p(x) h_a(x) p(y|x) T[y, noisy]`` gives ``Q_{h,noisy} = Q_{h,Y} T``; with
  noise that depends on ``x`` (``T_x``) the same step with the average ``T`` leaves a residual.
- Shannon mutual information (Eq. 24) of an exact table, and the exact L_DMI minimisers of a
  finite hypothesis class on a finite distribution (rational arithmetic).

SymPy only (and :mod:`fractions` for the enumeration); no NumPy.
"""
from __future__ import annotations

import itertools
import math
from dataclasses import dataclass, field
from typing import Any, Callable, Sequence

import sympy
from sympy.combinatorics import Permutation
from sympy.polys.domains import QQ
from sympy.polys.rings import ring

# (re-exported: callers use label_noise_lab.theory.dmi)
from label_noise_lab.theory.dmi_enumeration import (  # noqa: F401
    Minimisers,
    exact_decimal,
    fraction_det,
    is_permutation_of,
    ldmi_minimisers,
)
from label_noise_lab.theory.simplex import check_classes
from label_noise_lab.theory.transition import check_stochastic, generic_transition


# ---------------------------------------------------------------- validation
def _as_matrix(table: Any) -> sympy.Matrix:
    """An exact SymPy matrix of ``table``: every float is converted by :func:`exact_decimal` *before*
    SymPy sees it, so no SymPy ``Float`` (and no rounding) enters the exact computation."""
    if isinstance(table, sympy.MatrixBase):
        rows = table.tolist()
    else:
        try:
            rows = [list(r) for r in table]
        except TypeError as exc:
            raise ValueError(f"a joint table must be a 2-d array of numbers, got {table!r}") from exc
    try:
        return sympy.Matrix([[exact_decimal(v) for v in r] for r in rows])
    except (TypeError, ValueError, sympy.SympifyError) as exc:
        if isinstance(exc, ValueError) and "exact" in str(exc):
            raise
        raise ValueError(f"a joint table must be a 2-d array of numbers, got {table!r}") from exc


def joint_matrix(table: Any, *, square: bool = True) -> sympy.Matrix:
    """Validate a joint distribution table and return it as an exact SymPy matrix.

    Parameters
    ----------
    table : 2-d array-like of numbers (SymPy, ``Fraction``, ``int`` or ``float``)
        ``table[w1, w2] = Pr[W1 = w1, W2 = w2]`` (Li's notes, Eq. 22). Floats are taken at their
        exact decimal value. Symbolic entries are allowed; only numeric entries are checked.
    square : bool
        Require ``C x C`` (DMI needs a determinant, Eq. 27).

    Raises
    ------
    ValueError
        For a table that is not 2-d, not square (when required), has a NaN, infinite or
        negative entry, or numeric entries that do not sum to 1; the message quotes the value.

    References
    ----------
    .. [1] S. Li, "Robust Losses", study notes on Ghosh et al. 2017, Zhang & Sabuncu 2018, Wang et al. (IMAE),
       Wang et al. 2019 (SCE) and Xu et al. 2019 (L_DMI), sec. 2 (Xu et al. 2019), Eq. 22.
    """
    M = _as_matrix(table)
    if M.rows < 1 or M.cols < 1:
        raise ValueError(f"a joint table needs at least one row and column, got shape {M.shape}")
    if square and M.rows != M.cols:
        raise ValueError(f"DMI needs a square joint table (both variables over the same C classes), got shape "
                         f"{M.shape}")
    for (i, j), v in zip(itertools.product(range(M.rows), range(M.cols)), M):
        if v.has(sympy.nan, sympy.zoo, sympy.oo, -sympy.oo):
            raise ValueError(f"joint table entry [{i}, {j}] is not finite: {v}")
        if v.is_number and not v.is_real:
            raise ValueError(f"joint table entry [{i}, {j}] is not real: {v}")
        if v.is_number and v < 0:
            raise ValueError(f"joint table entry [{i}, {j}] is negative: {v}")
    with sympy.evaluate(True):  # an unevaluated build (the search's exact verification) sums exactly here too
        total = sympy.Add(*M).doit()
    if total.is_number and (total != 1 if total.is_Rational else sympy.simplify(total - 1) != 0):
        raise ValueError(f"joint table entries sum to {total}, not 1")
    return M


def stochastic_matrix(T: Any) -> sympy.Matrix:
    """Validate an exact row-stochastic ``C x C`` matrix ``T[i, j] = Pr[W3 = j | W1 = i]`` (Eq. 29).

    Raises
    ------
    ValueError
        For a non-square matrix, a negative, NaN, infinite or complex entry, or a numeric row whose sum is
        not exactly 1 (the row is quoted; the rules of :func:`label_noise_lab.theory.transition.check_stochastic`).

    References
    ----------
    .. [1] S. Li, "Robust Losses", study notes on Ghosh et al. 2017, Zhang & Sabuncu 2018, Wang et al. (IMAE),
       Wang et al. 2019 (SCE) and Xu et al. 2019 (L_DMI), sec. 2 (Xu et al. 2019), Eqs. 23 and 29.
    """
    M = _as_matrix(T)
    if M.rows != M.cols or M.rows < 2:
        raise ValueError(f"a transition matrix must be square with C >= 2, got shape {M.shape}")
    check_stochastic(M, real_entries=False)  # as before: the exact verification builds large entries
    return M


# ---------------------------------------------------------------- DMI, MI, L_DMI
def dmi(table: Any) -> sympy.Expr:
    """``DMI(W1, W2) = |det Q_{W1,W2}|`` (Li's notes, Eq. 27) of an exact square joint table.

    References
    ----------
    .. [1] Y. Xu, P. Cao, Y. Kong and Y. Wang, "L_DMI: A Novel Information-theoretic Loss Function for Training
       Deep Nets Robust to Label Noise", NeurIPS 2019.
    .. [2] S. Li, "Robust Losses", study notes summarising the five papers above, sec. 2 (Xu et al. 2019), Eq. 27.

    Examples
    --------
    >>> from sympy import Rational
    >>> from label_noise_lab.theory.dmi import dmi
    >>> dmi([[Rational(1, 2), 0], [0, Rational(1, 2)]])
    1/4
    """
    return sympy.Abs(joint_matrix(table).det(method="berkowitz"))


def ldmi(table: Any) -> sympy.Expr:
    """``L_DMI = -log |det Q|`` (Li's notes, Eq. 31); ``oo`` where ``det Q = 0``.

    References
    ----------
    .. [1] Y. Xu, P. Cao, Y. Kong and Y. Wang, "L_DMI: A Novel Information-theoretic Loss Function for Training
       Deep Nets Robust to Label Noise", NeurIPS 2019.
    .. [2] S. Li, "Robust Losses", study notes summarising the five papers above, sec. 2 (Xu et al. 2019), Eq. 31.

    Examples
    --------
    >>> from sympy import Rational
    >>> from label_noise_lab.theory.dmi import ldmi
    >>> ldmi([[Rational(1, 4), Rational(1, 4)], [0, Rational(1, 2)]])
    log(8)
    """
    d = dmi(table)
    return sympy.oo if d == 0 else -sympy.log(d)


def mutual_information(table: Any) -> sympy.Expr:
    """Shannon ``MI(W1, W2) = sum q log(q / (q_1 q_2))`` in nats (Li's notes, Eq. 24), with ``0 log 0 = 0``.

    The table need not be square. Exact: a sum of logarithms of rationals for a rational table.

    References
    ----------
    .. [1] Y. Xu, P. Cao, Y. Kong and Y. Wang, "L_DMI: A Novel Information-theoretic Loss Function for Training
       Deep Nets Robust to Label Noise", NeurIPS 2019.

    Examples
    --------
    >>> from sympy import Rational
    >>> from label_noise_lab.theory.dmi import mutual_information
    >>> mutual_information([[Rational(1, 2), 0], [0, Rational(1, 2)]])
    log(2)
    """
    M = joint_matrix(table, square=False)
    rows = [sum(M.row(i)) for i in range(M.rows)]
    cols = [sum(M.col(j)) for j in range(M.cols)]
    terms = []
    for i in range(M.rows):
        for j in range(M.cols):
            q = M[i, j]
            if q != 0:
                terms.append(q * sympy.log(q / (rows[i] * cols[j])))
    return sympy.Add(*terms)


def noisy_joint(Q_hy: Any, T: Any) -> sympy.Matrix:
    """``Q_{h,noisy} = Q_{h,Y} T`` (Li's notes proof of Eq. 32 when ``h(X)`` is independent of the noisy label
    given ``Y``).

    References
    ----------
    .. [1] S. Li, "Robust Losses", study notes on Ghosh et al. 2017, Zhang & Sabuncu 2018, Wang et al. (IMAE),
       Wang et al. 2019 (SCE) and Xu et al. 2019 (L_DMI), sec. 2 (Xu et al. 2019), Eq. 32 and the question after it.
    """
    Q = joint_matrix(Q_hy)
    Tm = stochastic_matrix(T)
    if Tm.rows != Q.cols:
        raise ValueError(f"T is {Tm.rows} x {Tm.rows} but the joint table has {Q.cols} label columns")
    return Q * Tm


def joint_from_conditional(prior: Sequence[Any], A: Any) -> sympy.Matrix:
    """``Q_{h,Y}[a, y] = prior[y] A[y, a]``: the joint table of a classifier with ``A[y, a] = Pr[h = a | Y = y]``."""
    p = [exact_decimal(v) for v in prior]
    Am = stochastic_matrix(A)
    if Am.rows != len(p):
        raise ValueError(f"the prior has {len(p)} classes but A is {Am.rows} x {Am.rows}")
    return joint_matrix(sympy.Matrix(Am.rows, Am.rows, lambda a, y: p[y] * Am[y, a]))


# ---------------------------------------------------------------- polynomial-ring determinants
def _ring_matrix(M: sympy.Matrix, R: Any) -> list[list[Any]]:
    return [[R.from_expr(sympy.sympify(M[i, j])) if M[i, j] != 0 else R.zero for j in range(M.cols)]
            for i in range(M.rows)]


def _leibniz(M: list[list[Any]], zero: Any) -> Any:
    n = len(M)
    total = zero
    for p in itertools.permutations(range(n)):
        t = Permutation(list(p)).signature()
        for i in range(n):
            t = t * M[i][p[i]]
            if t == 0:
                break
        total = total + t
    return total


def _matmul(A: list[list[Any]], B: list[list[Any]], zero: Any) -> list[list[Any]]:
    return [[sum((A[i][k] * B[k][j] for k in range(len(B))), zero) for j in range(len(B[0]))] for i in range(len(A))]


def _ring_for(*mats: sympy.Matrix) -> Any:
    syms = sorted(set().union(*(m.free_symbols for m in mats)), key=str)
    R, *_ = ring(syms, QQ)
    return R


def generic_matrix(c: int, name: str = "q") -> sympy.Matrix:
    """A ``c x c`` matrix of free symbols ``q{i}_{j}`` (a generic joint table up to scale)."""
    c = check_classes(c)
    return sympy.Matrix(c, c, lambda i, j: sympy.Symbol(f"{name}{i}_{j}"))


@dataclass
class IdentityCheck:
    """An identity checked by expansion for one ``c``.

    Attributes
    ----------
    c : number of classes
    name : what was checked
    holds : the difference of the two sides expands to 0
    residual : the expanded difference (0 when it holds), as a SymPy expression
    """

    c: int
    name: str
    holds: bool
    residual: Any = 0


def det_product(c: int) -> IdentityCheck:
    """``det(Q T) = det(Q) det(T)`` for a generic ``Q`` and a generic row-stochastic ``T`` (used in Eqs. 28, 32).

    References
    ----------
    .. [1] S. Li, "Robust Losses", study notes on Ghosh et al. 2017, Zhang & Sabuncu 2018, Wang et al. (IMAE),
       Wang et al. 2019 (SCE) and Xu et al. 2019 (L_DMI), sec. 2 (Xu et al. 2019), Eqs. 28 and 32.
    """
    Q = generic_matrix(c)
    T, _ = generic_transition(c)
    R = _ring_for(Q, T)
    Qr, Tr = _ring_matrix(Q, R), _ring_matrix(T, R)
    d = _leibniz(_matmul(Qr, Tr, R.zero), R.zero) - _leibniz(Qr, R.zero) * _leibniz(Tr, R.zero)
    return IdentityCheck(c, "det(QT) = det(Q) det(T)", d == 0, R.to_sympy(d) if d != 0 else 0)


def symmetry(c: int) -> IdentityCheck:
    """``DMI(W1, W2) = DMI(W2, W1)``: ``det(Q^T) = det(Q)`` for a generic ``Q`` (Li's notes, DMI property (ii)).

    References
    ----------
    .. [1] S. Li, "Robust Losses", study notes on Ghosh et al. 2017, Zhang & Sabuncu 2018, Wang et al. (IMAE),
       Wang et al. 2019 (SCE) and Xu et al. 2019 (L_DMI), sec. 2 (Xu et al. 2019), DMI property (ii), after Eq. 27.
    """
    Q = generic_matrix(c)
    R = _ring_for(Q)
    Qr = _ring_matrix(Q, R)
    d = _leibniz([list(r) for r in zip(*Qr)], R.zero) - _leibniz(Qr, R.zero)
    return IdentityCheck(c, "det(Q^T) = det(Q)", d == 0, R.to_sympy(d) if d != 0 else 0)


@dataclass
class RelativeInvariance:
    """Eq. 28 for one ``c``: ``W3`` independent of ``W2`` given ``W1``.

    Attributes
    ----------
    c : number of classes
    marginal_12 : marginalising ``Pr[w1, w2, w3] = Q12[w1, w2] T[w1, w3]`` over ``w3`` gives ``Q12``
    joint_23 : the ``(w2, w3)`` marginal equals ``Q12^T T`` (``Q_{W2,W3} = Q_{W2,W1} T``)
    det : ``det(Q_{W2,W3}) = det(Q_{W2,W1}) det(T)`` identically
    without_premise_residual : an exact ``c = 2`` instance without the premise where the two sides
        of Eq. 28 differ (the premise is needed); filled for ``c = 2`` only.
    """

    c: int
    marginal_12: bool
    joint_23: bool
    det: bool
    without_premise_residual: Any = None

    @property
    def holds(self) -> bool:
        return self.marginal_12 and self.joint_23 and self.det


def relative_invariance(c: int, factor: Callable[[Any], Any] | None = None) -> RelativeInvariance:
    """Derive Eq. 28 of Li's notes for a generic joint ``Q12`` and generic stochastic ``T = T_{W1->W3}``.

    ``factor`` maps ``det T`` to the factor the identity claims (default: ``det T`` itself, i.e.
    ``det Q_{W2,W3} = det Q_{W2,W1} det T``, whose absolute value is Eq. 28); a deliberately wrong factor
    (e.g. ``d -> d**2``) makes the check fail.

    References
    ----------
    .. [1] S. Li, "Robust Losses", study notes on Ghosh et al. 2017, Zhang & Sabuncu 2018, Wang et al. (IMAE),
       Wang et al. 2019 (SCE) and Xu et al. 2019 (L_DMI), sec. 2 (Xu et al. 2019), Eqs. 28-29 (property (iv)).
    """
    c = check_classes(c)
    factor = factor or (lambda d: d)
    Q = generic_matrix(c)
    T, _ = generic_transition(c)
    R = _ring_for(Q, T)
    Qr, Tr = _ring_matrix(Q, R), _ring_matrix(T, R)
    # the three-way table of the premise, then its marginals
    P = [[[Qr[a][b] * Tr[a][k] for k in range(c)] for b in range(c)] for a in range(c)]
    m12 = all(sum(P[a][b], R.zero) == Qr[a][b] for a in range(c) for b in range(c))
    q23 = [[sum((P[a][b][k] for a in range(c)), R.zero) for k in range(c)] for b in range(c)]
    q21 = [[Qr[a][b] for a in range(c)] for b in range(c)]  # Q_{W2,W1} = Q12^T
    j23 = q23 == _matmul(q21, Tr, R.zero)
    det_ok = _leibniz(q23, R.zero) - _leibniz(q21, R.zero) * factor(_leibniz(Tr, R.zero)) == 0
    resid = _without_premise_residual() if c == 2 else None
    return RelativeInvariance(c, m12, j23, det_ok, resid)


def _without_premise_residual() -> dict[str, Any]:
    """An exact instance without the premise: ``W1, W2`` independent fair bits and ``W3 = W2``.

    Then ``Q_{W2,W3} = I/2`` (DMI 1/4) while ``Q_{W2,W1} = J/4`` (DMI 0): Eq. 28 would give 0.
    """
    half, quarter = sympy.Rational(1, 2), sympy.Rational(1, 4)
    q23 = sympy.Matrix([[half, 0], [0, half]])
    q21 = sympy.Matrix([[quarter, quarter], [quarter, quarter]])
    T13 = sympy.Matrix([[half, half], [half, half]])  # Pr[W3 | W1]
    return {"setting": "W1, W2 independent fair bits, W3 = W2", "DMI(W2, W3)": dmi(q23),
            "DMI(W2, W1) |det T_{W1->W3}|": dmi(q21) * sympy.Abs(T13.det())}


# ---------------------------------------------------------------- |det T| <= 1
@dataclass
class DetBound:
    """``|det T| <= 1`` for every row-stochastic ``C x C`` ``T``, equality iff ``T`` is a permutation.

    Attributes
    ----------
    c : number of classes
    multilinear : ``det`` has degree 1 in the entries of each row (so ``|det|`` is convex in each
        row and is maximised over the product of simplices at rows that are unit vectors)
    vertex_values : the set of ``det`` values over the ``c^c`` tuples of unit-vector rows
    maximisers : number of such tuples with ``|det| = 1``
    permutations : how many of those are permutation matrices (all of them, ``c!``)
    row_identity : ``(sum r)^2 - sum r^2 = 2 sum_{j<k} r_j r_k`` (so ``||r||_2 <= ||r||_1 = 1`` with
        equality iff one entry is non-zero; with Hadamard's inequality: equality only at permutations)
    """

    c: int
    multilinear: bool
    vertex_values: set[int] = field(default_factory=set)
    maximisers: int = 0
    permutations: int = 0
    row_identity: bool = False

    @property
    def holds(self) -> bool:
        return (self.multilinear and self.row_identity and max(abs(v) for v in self.vertex_values) == 1
                and self.maximisers == self.permutations == math.factorial(self.c))


def det_bound(c: int) -> DetBound:
    """Derive ``|det T| <= 1`` (equality iff permutation) for stochastic ``c x c`` ``T`` (Li's notes, DMI property
    (iii)).

    References
    ----------
    .. [1] S. Li, "Robust Losses", study notes on Ghosh et al. 2017, Zhang & Sabuncu 2018, Wang et al. (IMAE),
       Wang et al. 2019 (SCE) and Xu et al. 2019 (L_DMI), sec. 2 (Xu et al. 2019), DMI property (iii), after Eq. 27.
    """
    c = check_classes(c)
    M = generic_matrix(c, "t")
    R = _ring_for(M)
    d = _leibniz(_ring_matrix(M, R), R.zero)
    idx = {str(g): k for k, g in enumerate(R.gens)}
    multilinear = True
    for i in range(c):
        row_gens = [idx[f"t{i}_{j}"] for j in range(c)]
        for monom in d.keys():
            if sum(monom[k] for k in row_gens) > 1:
                multilinear = False
    values: set[int] = set()
    maxim = perms = 0
    for cols in itertools.product(range(c), repeat=c):
        V = sympy.Matrix(c, c, lambda i, j: 1 if cols[i] == j else 0)
        v = int(V.det())
        values.add(v)
        if abs(v) == 1:
            maxim += 1
            perms += len(set(cols)) == c
    r = sympy.symbols(f"r0:{c}", nonnegative=True)
    lhs = sum(r) ** 2 - sum(x**2 for x in r)
    rhs = 2 * sum(r[j] * r[k] for j in range(c) for k in range(j + 1, c))
    return DetBound(c, multilinear, values, maxim, perms, sympy.expand(lhs - rhs) == 0)


def information_monotonicity(c: int) -> bool:
    """``DMI(W3, W2) = DMI(W1, W2) |det T| <= DMI(W1, W2)`` when ``W3`` is independent of ``W2`` given ``W1``.

    The equality is :func:`relative_invariance` (with :func:`symmetry`), the inequality :func:`det_bound`
    (Li's notes, DMI property (iii) after Eq. 27).

    References
    ----------
    .. [1] S. Li, "Robust Losses", study notes on Ghosh et al. 2017, Zhang & Sabuncu 2018, Wang et al. (IMAE),
       Wang et al. 2019 (SCE) and Xu et al. 2019 (L_DMI), sec. 2 (Xu et al. 2019), Eq. 25 and DMI property (iii).
    """
    return relative_invariance(c).holds and symmetry(c).holds and det_bound(c).holds


# ---------------------------------------------------------------- Eq. 30
@dataclass
class OrderEquivalence:
    """Eq. 30: ``DMI(h, noisy) - DMI(h', noisy) = |det T| (DMI(h, Y) - DMI(h', Y))``.

    Attributes
    ----------
    c : number of classes
    identity : the displayed relation holds identically (generic ``Q, Q'``, stochastic ``T``)
    relation : the derived factor between the two differences (``|det T|``)
    """

    c: int
    identity: bool
    relation: sympy.Expr


def order_equivalence(c: int) -> OrderEquivalence:
    """Derive Eq. 30 of Li's notes: the noisy DMI difference is ``|det T|`` times the clean one.

    With real symbols, ``|det(Q T)| = |det Q| |det T|`` follows from :func:`det_product`; the sign
    of ``|det T| D`` equals that of ``D`` exactly when ``det T != 0``.

    References
    ----------
    .. [1] S. Li, "Robust Losses", study notes on Ghosh et al. 2017, Zhang & Sabuncu 2018, Wang et al. (IMAE),
       Wang et al. 2019 (SCE) and Xu et al. 2019 (L_DMI), sec. 2 (Xu et al. 2019), Eq. 30.
    """
    prod = det_product(c)
    dq, dq2, dt = sympy.symbols("detQ detQp detT", real=True)
    # |det(Q T)| = |det Q det T| by the product rule; |a b| = |a| |b| for reals
    def split(e: sympy.Expr) -> sympy.Expr:
        return e.replace(lambda u: isinstance(u, sympy.Abs) and u.args[0].is_Mul,
                         lambda u: sympy.Mul(*[sympy.Abs(f) for f in u.args[0].args]))

    noisy_diff = split(sympy.Abs(dq * dt) - sympy.Abs(dq2 * dt))
    clean_diff = sympy.Abs(dq) - sympy.Abs(dq2)
    ratio = sympy.factor(noisy_diff) / sympy.factor(clean_diff)
    ok = prod.holds and sympy.expand(noisy_diff - sympy.Abs(dt) * clean_diff) == 0
    return OrderEquivalence(c, ok, ratio)


# ---------------------------------------------------------------- Eq. 32
def eq32_identity(c: int, n_x: int = 2) -> IdentityCheck:
    """``Q_{h,noisy} = Q_{h,Y} T`` from ``Pr[x, a, y, noisy] = p(x) h_a(x) p(y|x) T[y, noisy]`` (Li's notes, Eq. 32).

    Generic masses ``m[x, a] = p(x) h_a(x)``, generic label rows ``p(y|x)`` and a generic stochastic
    ``T`` over ``n_x`` inputs; the identity is checked entry by entry after expansion.

    References
    ----------
    .. [1] S. Li, "Robust Losses", study notes on Ghosh et al. 2017, Zhang & Sabuncu 2018, Wang et al. (IMAE),
       Wang et al. 2019 (SCE) and Xu et al. 2019 (L_DMI), sec. 2 (Xu et al. 2019), Eq. 32.
    """
    c = check_classes(c)
    m = sympy.Matrix(n_x, c, lambda x, a: sympy.Symbol(f"m{x}_{a}"))
    rows = []
    for x in range(n_x):
        s = list(sympy.symbols(f"p{x}_0:{c - 1}"))
        rows.append([*s, 1 - sum(s)])
    Pyx = sympy.Matrix(rows)
    T, _ = generic_transition(c)
    q_hy = sympy.Matrix(c, c, lambda a, y: sum(m[x, a] * Pyx[x, y] for x in range(n_x)))
    q_hn = sympy.Matrix(c, c, lambda a, k: sum(m[x, a] * Pyx[x, y] * T[y, k] for x in range(n_x) for y in range(c)))
    diff = (q_hn - q_hy * T).applyfunc(sympy.expand)
    bad = [e for e in diff if e != 0]
    return IdentityCheck(c, "Q_{h,noisy} = Q_{h,Y} T", not bad, bad[0] if bad else 0)


@dataclass
class XDependent:
    """Eq. 32 with noise ``T_x`` that depends on ``x`` (exact rational instance).

    Attributes
    ----------
    T_bar : the class-average transition ``T[y, k] = sum_x p(x | y) T_x[y, k]``
    Q_hy, Q_hn : the clean and noisy joint tables of ``h``
    dmi_noisy : ``DMI(h, noisy)``
    predicted : ``DMI(h, Y) |det T_bar|`` (what Eq. 32 would give)
    residual : ``Q_hn - Q_hy T_bar``
    """

    T_bar: sympy.Matrix
    Q_hy: sympy.Matrix
    Q_hn: sympy.Matrix
    dmi_noisy: sympy.Expr
    predicted: sympy.Expr
    residual: sympy.Matrix

    @property
    def holds(self) -> bool:
        return sympy.simplify(self.dmi_noisy - self.predicted) == 0


def eq32_x_dependent(px: Sequence[Any], H: Any, Pyx: Any, Tx: Sequence[Any]) -> XDependent:
    """Exact joint tables of a fixed classifier ``H[x, a] = h_a(x)`` when the noise ``Tx[x]`` depends on ``x``.

    Parameters
    ----------
    px : ``p(x)`` over ``n_x`` inputs (exact, summing to 1)
    H : ``n_x x C`` rows of ``h(x)`` (simplex points)
    Pyx : ``n_x x C`` rows of ``p(y | x)``
    Tx : ``n_x`` row-stochastic ``C x C`` matrices ``P(noisy | y, x)``
    """
    p = [exact_decimal(v) for v in px]
    Hm, Pm = sympy.Matrix(H).applyfunc(exact_decimal), sympy.Matrix(Pyx).applyfunc(exact_decimal)
    Ts = [stochastic_matrix(t) for t in Tx]
    n_x, c = Pm.shape
    if len(p) != n_x or Hm.shape != (n_x, c) or len(Ts) != n_x or any(t.rows != c for t in Ts):
        raise ValueError(f"shapes disagree: px {len(p)}, H {Hm.shape}, Pyx {Pm.shape}, {len(Ts)} matrices T_x")
    joint_matrix(sympy.Matrix(n_x, c, lambda x, y: p[x] * Pm[x, y]))  # validates p(x) and p(y|x)
    py = [sum(p[x] * Pm[x, y] for x in range(n_x)) for y in range(c)]
    Tbar = sympy.Matrix(c, c, lambda y, k: sum(p[x] * Pm[x, y] * Ts[x][y, k] for x in range(n_x)) / py[y]
                        if py[y] != 0 else (1 if y == k else 0))
    Qhy = sympy.Matrix(c, c, lambda a, y: sum(p[x] * Hm[x, a] * Pm[x, y] for x in range(n_x)))
    Qhn = sympy.Matrix(c, c, lambda a, k: sum(p[x] * Hm[x, a] * Pm[x, y] * Ts[x][y, k]
                                              for x in range(n_x) for y in range(c)))
    return XDependent(Tbar, Qhy, Qhn, dmi(Qhn), dmi(Qhy) * sympy.Abs(Tbar.det()),
                      (Qhn - Qhy * Tbar).applyfunc(sympy.simplify))


# ---------------------------------------------------------------- Eq. 26: an exact MI reversal
def mi_reversal_example() -> dict[str, Any]:
    """Two classifiers whose Shannon-MI order flips under class-dependent noise (Li's notes, Eq. 26), ``C = 2``.

    Prior ``Pr[Y] = (2/3, 1/3)``; ``h`` is a Z-channel that sends a third of class 0 to 1 (``A_h[y, a] =
    Pr[h = a | Y = y]``), ``h'`` the reverse Z-channel that sends half of class 1 to 0; the noise ``T`` is the
    same Z-channel as ``h`` (``det T = 2/3``). Then ``MI(h, Y) > MI(h', Y)`` but ``MI(h, noisy) < MI(h', noisy)``
    (verified by the caller). Found by a counterexample search (the catalogue's claim that MI is not
    noise-invariant) over a grid of thirds and halves (the largest order gap among ``C = 2`` instances with
    those numbers).

    Returns
    -------
    dict with ``prior``, ``A_h``, ``A_h2``, ``T`` and the joint tables ``Q_h``, ``Q_h2`` (``Q[a, y]``)

    References
    ----------
    .. [1] S. Li, "Robust Losses", study notes on Ghosh et al. 2017, Zhang & Sabuncu 2018, Wang et al. (IMAE),
       Wang et al. 2019 (SCE) and Xu et al. 2019 (L_DMI), sec. 2 (Xu et al. 2019), Eqs. 24 and 26.
    """
    R = sympy.Rational
    prior = [R(2, 3), R(1, 3)]
    A_h = sympy.Matrix([[R(2, 3), R(1, 3)], [0, 1]])
    A_h2 = sympy.Matrix([[1, 0], [R(1, 2), R(1, 2)]])
    T = sympy.Matrix([[R(2, 3), R(1, 3)], [0, 1]])
    return {"prior": prior, "A_h": A_h, "A_h2": A_h2, "T": T,
            "Q_h": joint_from_conditional(prior, A_h), "Q_h2": joint_from_conditional(prior, A_h2)}
