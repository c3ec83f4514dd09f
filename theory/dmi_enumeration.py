"""L_DMI over a finite hypothesis class, in exact rational arithmetic (Xu, Cao, Kong & Wang 2019, Eq. 31).

The exact minimisers of ``L_DMI = -log |det Q_{h, labels}|`` over a finite set of hypotheses
on a finite distribution, with clean and with noisy labels (:func:`ldmi_minimisers`), in
:class:`fractions.Fraction` arithmetic; and :func:`exact_decimal`, the conversion of a float to the
exact value of its decimal text that every exact table of :mod:`label_noise_lab.theory.dmi` goes through.
Re-exported by :mod:`label_noise_lab.theory.dmi`.
"""
from __future__ import annotations

import itertools
import math
from dataclasses import dataclass
from fractions import Fraction
from typing import Any, Sequence

import sympy


def exact_decimal(v: Any) -> sympy.Expr:
    """``v`` as an exact SymPy number: a float (Python, NumPy or SymPy ``Float``) at the exact value
    of its shortest decimal text (``0.1`` -> ``1/10``), a ``Fraction`` as itself; NaN and infinite
    floats are refused with a ``ValueError`` quoting them."""
    if isinstance(v, sympy.Float):
        v = float(v)
    elif type(v).__module__ == "numpy":
        v = v.item() if hasattr(v, "item") else v
    if isinstance(v, float):
        if not math.isfinite(v):
            raise ValueError(f"an exact table needs finite numbers, got {v!r}")
        return sympy.Rational(repr(v))  # the float's decimal text, exactly
    if isinstance(v, Fraction):
        return sympy.Rational(v.numerator, v.denominator)
    e = sympy.sympify(v)
    if isinstance(e, sympy.Float):
        return exact_decimal(float(e))
    return e


def _frac(v: Any) -> Fraction:
    if isinstance(v, Fraction):
        return v
    if isinstance(v, int):
        return Fraction(v)
    e = exact_decimal(v)
    if not e.is_Rational:
        raise ValueError(f"exact enumeration needs rational numbers, got {v!r}")
    return Fraction(int(e.p), int(e.q))


def fraction_det(M: list[list[Fraction]]) -> Fraction:
    """Exact determinant by Gaussian elimination over the rationals.

    References
    ----------
    .. [1] Y. Xu, P. Cao, Y. Kong and Y. Wang, "L_DMI: A Novel Information-theoretic Loss Function for Training
       Deep Nets Robust to Label Noise", NeurIPS 2019.

    Examples
    --------
    >>> from fractions import Fraction
    >>> from label_noise_lab.theory.dmi_enumeration import fraction_det
    >>> fraction_det([[Fraction(1, 2), Fraction(1, 3)], [Fraction(1, 4), Fraction(1)]])
    Fraction(5, 12)
    """
    A = [row[:] for row in M]
    n = len(A)
    det = Fraction(1)
    for k in range(n):
        piv = next((i for i in range(k, n) if A[i][k] != 0), None)
        if piv is None:
            return Fraction(0)
        if piv != k:
            A[k], A[piv] = A[piv], A[k]
            det = -det
        det *= A[k][k]
        for i in range(k + 1, n):
            f = A[i][k] / A[k][k]
            if f:
                for j in range(k, n):
                    A[i][j] -= f * A[k][j]
    return det


@dataclass
class Minimisers:
    """Exact L_DMI minimisers of a finite hypothesis class under clean and noisy labels.

    Attributes
    ----------
    clean_dmi, noisy_dmi : ``DMI`` of every hypothesis (exact ``Fraction``)
    clean_argmin, noisy_argmin : indices of the hypotheses minimising ``L_DMI = -log DMI``
        (maximising DMI; every hypothesis when all DMIs are 0, where ``L_DMI = +oo``)
    det_T : ``det T`` (exact)
    """

    clean_dmi: list[Fraction]
    noisy_dmi: list[Fraction]
    clean_argmin: list[int]
    noisy_argmin: list[int]
    det_T: Fraction

    @property
    def same(self) -> bool:
        return self.clean_argmin == self.noisy_argmin


def _argmax(vals: Sequence[Fraction]) -> list[int]:
    best = max(vals)
    return [i for i, v in enumerate(vals) if v == best]


def ldmi_minimisers(px: Sequence[Any], Pyx: Sequence[Sequence[Any]], hypotheses: Sequence[Sequence[Sequence[Any]]],
                    T: Sequence[Sequence[Any]], measure: Any = None) -> Minimisers:
    """Exact minimisers of ``L_DMI`` (Li's notes, Eq. 31) over ``hypotheses`` with clean and noisy labels.

    Noise depends on the class only: ``Q_{h,noisy} = Q_{h,Y} T`` is formed from the three-way table, not
    from Eq. 32. Arithmetic is in :class:`fractions.Fraction`.

    Parameters
    ----------
    px : ``p(x)``, ``n_x`` rationals summing to 1
    Pyx : ``n_x x C`` rows of ``p(y | x)``
    hypotheses : each ``n_x x C`` (rows ``h(x)`` on the simplex; one-hot rows for deterministic ones)
    T : ``C x C`` row-stochastic
    measure : optional ``Q -> Fraction`` to maximise instead of ``|det Q|`` (for checking that a
        different criterion is detected); ``Q`` is a list of ``Fraction`` rows.

    Raises
    ------
    ValueError
        For non-rational inputs, inconsistent shapes, or ``p(x)``, ``p(y|x)``, ``h(x)`` or ``T``
        rows that are negative or do not sum to 1.

    References
    ----------
    .. [1] S. Li, "Robust Losses", study notes on Ghosh et al. 2017, Zhang & Sabuncu 2018, Wang et al. (IMAE),
       Wang et al. 2019 (SCE) and Xu et al. 2019 (L_DMI), sec. 2 (Xu et al. 2019), Eqs. 30-31.
    """
    p = [_frac(v) for v in px]
    P = [[_frac(v) for v in row] for row in Pyx]
    Tm = [[_frac(v) for v in row] for row in T]
    n_x, c = len(p), len(Tm)
    if len(P) != n_x or any(len(r) != c for r in P) or any(len(r) != c for r in Tm):
        raise ValueError(f"shapes disagree: {n_x} inputs, p(y|x) {len(P)} rows, T {len(Tm)} x {[len(r) for r in Tm]}")
    checks = ([("p(x)", p)] + [(f"p(y|x={x})", r) for x, r in enumerate(P)]
              + [(f"T row {i}", r) for i, r in enumerate(Tm)])
    for name, vec in checks:
        if any(v < 0 for v in vec) or sum(vec) != 1:
            raise ValueError(f"{name} = {[str(v) for v in vec]} is not a probability vector")
    measure = measure or (lambda Q: abs(fraction_det(Q)))
    clean, noisy = [], []
    for k, h in enumerate(hypotheses):
        Hm = [[_frac(v) for v in row] for row in h]
        if len(Hm) != n_x or any(len(r) != c or any(v < 0 for v in r) or sum(r) != 1 for r in Hm):
            raise ValueError(f"hypothesis {k} is not {n_x} simplex rows of length {c}")
        Qhy = [[sum((p[x] * Hm[x][a] * P[x][y] for x in range(n_x)), Fraction(0)) for y in range(c)] for a in range(c)]
        Qhn = [[sum((p[x] * Hm[x][a] * P[x][y] * Tm[y][j] for x in range(n_x) for y in range(c)), Fraction(0))
                for j in range(c)] for a in range(c)]
        clean.append(measure(Qhy))
        noisy.append(measure(Qhn))
    return Minimisers(clean, noisy, _argmax(clean), _argmax(noisy), fraction_det(Tm))


def is_permutation_of(h1: Sequence[Sequence[Any]], h2: Sequence[Sequence[Any]]) -> bool:
    """True when ``h2(x) = P h1(x)`` for one permutation matrix ``P`` of the classes, at every ``x``."""
    c = len(h1[0])
    a = [[_frac(v) for v in r] for r in h1]
    b = [[_frac(v) for v in r] for r in h2]
    return any(all(b[x][perm[k]] == a[x][k] for x in range(len(a)) for k in range(c))
               for perm in itertools.permutations(range(c)))
