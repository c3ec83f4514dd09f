"""The noise matrices of Patrini et al. 2017, sec. 5.1, at a symbolic flip rate ``N``, exactly.

MNIST (2->7, 3->8, 5<->6, 7->1), CIFAR-10 (TRUCK -> AUTOMOBILE, BIRD -> AIRPLANE, DEER -> HORSE,
CAT <-> DOG) and CIFAR-100 (circular flips within 20 super-classes of 5); their determinants
(block by block), the rates where they are singular, and the rates where Thm 3's argmax (Eq. 12)
lands on the right anchor: ``argmax_x p(noisy = i | x)`` is the perfect example of the class ``k``
maximising ``T[k, i]``, so column ``i`` needs ``T[i, i] >= T[k, i]`` for every ``k``.
Re-exported by :mod:`label_noise_lab.theory.correction`.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Sequence

import sympy

from label_noise_lab.theory.simplex import check_classes
from label_noise_lab.theory.transition import check_square

N = sympy.Symbol("N", nonnegative=True)
"""The flip rate of the sec. 5.1 matrices (Patrini et al. 2017): ground truth kept with ``1 - N``."""

UNIT = sympy.Interval(0, 1)

MNIST_FLIPS: tuple[tuple[int, int], ...] = ((2, 7), (3, 8), (5, 6), (6, 5), (7, 1))
"""Patrini et al. 2017, sec. 5.1: 2 -> 7, 3 -> 8, 5 <-> 6, 7 -> 1 (digit = class index)."""

CIFAR10_CLASSES = ("airplane", "automobile", "bird", "cat", "deer", "dog", "frog", "horse", "ship", "truck")
CIFAR10_FLIPS: tuple[tuple[int, int], ...] = ((9, 1), (2, 0), (4, 7), (3, 5), (5, 3))
"""Patrini et al. 2017, sec. 5.1: TRUCK -> AUTOMOBILE, BIRD -> AIRPLANE, DEER -> HORSE, CAT <-> DOG."""

CIFAR100_SUPERCLASSES, CIFAR100_SUBCLASSES = 20, 5
CIFAR100_FLIPS: tuple[tuple[int, int], ...] = tuple(
    (5 * s + k, 5 * s + (k + 1) % 5) for s in range(CIFAR100_SUPERCLASSES) for k in range(CIFAR100_SUBCLASSES))
"""Patrini et al. 2017, sec. 5.1: within each super-class ``{5s, ..., 5s + 4}``, class ``5s + k`` -> ``5s + (k+1)
mod 5``."""

BENCHMARKS = ("mnist", "cifar10", "cifar100")


def flip_matrix(c: int, flips: Sequence[tuple[int, int]], rate: Any = N) -> sympy.Matrix:
    """``T = I`` except ``T[a, a] = 1 - N``, ``T[a, b] = N`` for each flip ``(a, b)`` (Patrini et al. 2017, sec. 5.1).

    Raises
    ------
    ValueError
        For a numeric rate outside ``[0, 1]``, an index outside ``[0, c)``, a self-flip or
        two flips out of one class.

    References
    ----------
    .. [1] G. Patrini, A. Rozza, A. K. Menon, R. Nock and L. Qu, "Making Deep Neural Networks Robust to Label
       Noise: a Loss Correction Approach", CVPR 2017, sec. 5.1 (the flips of MNIST, CIFAR-10 and CIFAR-100).

    Examples
    --------
    >>> from sympy import Rational
    >>> from label_noise_lab.theory.benchmark_matrices import flip_matrix
    >>> flip_matrix(3, [(0, 1)], Rational(1, 5))
    Matrix([
    [4/5, 1/5, 0],
    [  0,   1, 0],
    [  0,   0, 1]])
    """
    c = check_classes(c)
    rate = sympy.sympify(rate)
    if rate.is_number and not (0 <= rate <= 1):
        raise ValueError(f"flip rate N must lie in [0, 1], got {rate}")
    sources = [a for a, _ in flips]
    if len(set(sources)) != len(sources):
        raise ValueError(f"each class may flip to one other class only, got {flips}")
    M = sympy.eye(c)
    for a, b in flips:
        if not (0 <= a < c and 0 <= b < c) or a == b:
            raise ValueError(f"flip ({a}, {b}) is not between two distinct classes of 0..{c - 1}")
        M[a, a] = 1 - rate
        M[a, b] = rate
    return M


def mnist_flips(rate: Any = N) -> sympy.Matrix:
    """MNIST: 2 -> 7, 3 -> 8, 5 <-> 6, 7 -> 1 with probability ``N`` (Patrini et al. 2017, sec. 5.1, Eq. 17 left).

    References
    ----------
    .. [1] G. Patrini, A. Rozza, A. K. Menon, R. Nock and L. Qu, "Making Deep Neural Networks Robust to Label
       Noise: a Loss Correction Approach", CVPR 2017, sec. 5.1, Eq. 17 (left).
    """
    return flip_matrix(10, MNIST_FLIPS, rate)


def cifar10_flips(rate: Any = N) -> sympy.Matrix:
    """CIFAR-10: TRUCK -> AUTOMOBILE, BIRD -> AIRPLANE, DEER -> HORSE, CAT <-> DOG (Patrini et al. 2017, sec. 5.1).

    References
    ----------
    .. [1] G. Patrini, A. Rozza, A. K. Menon, R. Nock and L. Qu, "Making Deep Neural Networks Robust to Label
       Noise: a Loss Correction Approach", CVPR 2017, sec. 5.1 (the CIFAR-10 flips).
    """
    return flip_matrix(10, CIFAR10_FLIPS, rate)


def cifar100_flips(rate: Any = N) -> sympy.Matrix:
    """CIFAR-100: circular flips within 20 super-classes of 5 consecutive classes (Patrini et al. 2017, sec. 5.1).

    References
    ----------
    .. [1] G. Patrini, A. Rozza, A. K. Menon, R. Nock and L. Qu, "Making Deep Neural Networks Robust to Label
       Noise: a Loss Correction Approach", CVPR 2017, sec. 5.1 (the CIFAR-100 super-class flips).
    """
    return flip_matrix(100, CIFAR100_FLIPS, rate)


def benchmark_matrix(name: str, rate: Any = N) -> sympy.Matrix:
    """One of :data:`BENCHMARKS` at rate ``rate``."""
    makers = {"mnist": mnist_flips, "cifar10": cifar10_flips, "cifar100": cifar100_flips}
    if name not in makers:
        raise ValueError(f"unknown benchmark {name!r}; choose one of {', '.join(BENCHMARKS)}")
    return makers[name](rate)


def blocks(M: sympy.Matrix) -> list[list[int]]:
    """Index sets of the connected components of the non-zero pattern of ``M`` (rows and columns).

    ``M`` is block diagonal after one simultaneous permutation of rows and columns, which
    leaves the determinant unchanged, so ``det M`` is the product of the blocks' determinants.
    """
    c = check_square(M)
    parent = list(range(c))

    def find(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    for (i, j), v in M.todok().items():
        if v != 0:
            parent[find(i)] = find(j)
    comps: dict[int, list[int]] = {}
    for i in range(c):
        comps.setdefault(find(i), []).append(i)
    return sorted(comps.values())


def block_determinant(M: sympy.Matrix) -> sympy.Expr:
    """``det M`` as the product of its blocks' determinants (see :func:`blocks`), factored.

    References
    ----------
    .. [1] G. Patrini, A. Rozza, A. K. Menon, R. Nock and L. Qu, "Making Deep Neural Networks Robust to Label
       Noise: a Loss Correction Approach", CVPR 2017, sec. 5.1 (the matrices) and sec. 4.1, Thm 1 (non-singular T).

    Examples
    --------
    >>> from label_noise_lab.theory.benchmark_matrices import block_determinant, mnist_flips
    >>> block_determinant(mnist_flips())
    (N - 1)**3*(2*N - 1)
    """
    d = sympy.Integer(1)
    for b in blocks(M):
        d *= M.extract(b, b).det(method="berkowitz")
    return sympy.factor(d)


def singular_rates(det: sympy.Expr, rate: sympy.Symbol = N) -> sympy.Set:
    """The rates ``N`` in ``[0, 1]`` where ``det = 0`` (solved factor by factor, real roots only).

    References
    ----------
    .. [1] G. Patrini, A. Rozza, A. K. Menon, R. Nock and L. Qu, "Making Deep Neural Networks Robust to Label
       Noise: a Loss Correction Approach", CVPR 2017, sec. 5.1 (the matrices) and secs. 4.1-4.2, Thms 1-2 (non-singular
       T).

    Examples
    --------
    >>> from label_noise_lab.theory.benchmark_matrices import block_determinant, mnist_flips, singular_rates
    >>> singular_rates(block_determinant(mnist_flips()))
    {1/2, 1}
    """
    coeff, factors = sympy.factor_list(sympy.sympify(det), rate)
    if coeff == 0:  # identically singular
        return UNIT
    out: sympy.Set = sympy.S.EmptySet
    for f, _mult in factors:
        roots = sympy.Poly(f, rate).real_roots()
        out = out.union(sympy.FiniteSet(*[r for r in roots if bool(0 <= r) and bool(r <= 1)]))
    return out


@dataclass
class AnchorColumns:
    """Where Eq. 12's ``argmax_x p(noisy = i | x)`` lands on the perfect example of class ``i``.

    With perfect examples, ``p(noisy = i | x) = sum_k T[k, i] p(k | x)`` is linear in
    ``p(.|x)``, so the argmax over ``x`` is the perfect example of ``argmax_k T[k, i]``.

    Attributes
    ----------
    weak : column ``i`` -> rates where ``T[i, i] >= T[k, i]`` for every ``k`` (the right anchor is among the maximisers)
    strict : column ``i`` -> rates where ``T[i, i] > T[k, i]`` for every ``k != i`` (it is the unique maximiser)
    all_weak, all_strict : the intersections over the columns
    """

    weak: dict[int, sympy.Set]
    strict: dict[int, sympy.Set]
    all_weak: sympy.Set
    all_strict: sympy.Set

    def wrong_columns(self, value: Any) -> list[int]:
        """Columns whose anchor is not the unique maximiser at rate ``value``."""
        v = sympy.sympify(value)
        return [i for i, s in self.strict.items() if not bool(s.contains(v))]


def anchor_columns(M: sympy.Matrix, rate: sympy.Symbol = N) -> AnchorColumns:
    """Per column, the rates in ``[0, 1]`` at which Eq. 12 (Patrini et al. 2017) picks the right anchor.

    References
    ----------
    .. [1] G. Patrini, A. Rozza, A. K. Menon, R. Nock and L. Qu, "Making Deep Neural Networks Robust to Label
       Noise: a Loss Correction Approach", CVPR 2017, sec. 4.3, Thm 3, Eqs. 12-13.
    """
    c = check_square(M)
    cache: dict[tuple[sympy.Expr, sympy.Expr, bool], sympy.Set] = {}

    def where(diag: sympy.Expr, other: sympy.Expr, strict: bool) -> sympy.Set:
        key = (diag, other, strict)
        if key not in cache:
            rel = (diag - other > 0) if strict else (diag - other >= 0)
            cache[key] = sympy.solveset(rel, rate, UNIT) if rel not in (sympy.true, sympy.false) else \
                (UNIT if rel == sympy.true else sympy.S.EmptySet)
        return cache[key]

    cols = [list(M.col(i)) for i in range(c)]
    weak, strict = {}, {}
    for i in range(c):
        others = {v for k, v in enumerate(cols[i]) if k != i}
        w, s = UNIT, UNIT
        for o in others:
            w = w.intersect(where(cols[i][i], o, False))
            s = s.intersect(where(cols[i][i], o, True))
        weak[i], strict[i] = w, s
    all_w, all_s = UNIT, UNIT
    for i in range(c):
        all_w, all_s = all_w.intersect(weak[i]), all_s.intersect(strict[i])
    return AnchorColumns(weak, strict, all_w, all_s)


def anchor_class(M: sympy.Matrix, i: int, value: Any) -> list[int]:
    """The classes ``k`` whose perfect example maximises ``p(noisy = i | x)`` at rate ``value``."""
    col = [sympy.sympify(v).subs(N, value) for v in M.col(i)]
    top = max(col)
    return [k for k, v in enumerate(col) if v == top]
