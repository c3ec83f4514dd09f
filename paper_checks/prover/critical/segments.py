"""Tight sets that hold for every value of a parameter: some coordinates fixed at constants, the others free.

A loss-theory bound is often tight on a set that does not move with its parameter: ``log_t(x) >= log(x)`` at
``x = 1`` for every temperature ``t``; Bernoulli's ``1 + r x >= (1 + x)^r`` at ``x = 0`` for every exponent ``r``;
``exp_t(x) >= 1 + x`` (Amid et al. 2019, the tempered exponential) at ``x = 0``; GCE ``L_q(p) >= 1 - p``
(Zhang & Sabuncu 2018) at ``p = 1`` for every ``q``. Newton's method from a box near such a set lands on one
point of it, at a parameter value that is no simple rational; fixing every coordinate there gives a point,
which closes only the boxes around that point. Here the point is turned into the sets it lies on: each
proper subset ``S`` of the coordinates fixed at their rounded values, the rest (the parameters) left free.

:func:`candidates` only proposes: :func:`paper_checks.prover.critical.second.critical_at` checks each set exactly (the
margin identically 0 or ``>= 0`` on it, its gradient in ``S`` identically 0 or pointing inward for every
value of the free coordinates), and :func:`paper_checks.prover.critical.second.psd_closes` closes a box by convexity in
``S`` alone on the hull of the box and the set, for each value of the parameters. The certificate's re-check
derives the set again from its coordinates (:func:`paper_checks.prover.certificate.recheck`), and
:func:`arb_recheck` bounds its Hessian once more in ball arithmetic.
"""
from __future__ import annotations

import itertools
from collections.abc import Callable, Iterator
from fractions import Fraction

import sympy

from paper_checks.prover.enclosures.balls import ball_lower
from paper_checks.prover.enclosures.boxes import Box

#: the most coordinates for which every proper subset is proposed (beyond: the single coordinates only)
ALL_SUBSETS_UP_TO = 4


def candidates(x: list[float], base: Box, rational: Callable[[float, Fraction, Fraction], list[Fraction]]
               ) -> Iterator[dict[int, Fraction]]:
    """Sets ``{i: c_i for i in S}`` through the floating-point critical point ``x``: every proper subset ``S``
    whose coordinates round to simple rationals (``rational``, as the point closure rounds), the smallest
    subsets first (they are the longest segments)."""
    n = len(x)
    if n < 2:
        return
    sizes = range(1, n) if n <= ALL_SUBSETS_UP_TO else range(1, 2)
    for k in sizes:
        for subset in itertools.combinations(range(n), k):
            options = [rational(x[i], *base[i]) for i in subset]
            if all(options):
                yield {i: opts[0] for i, opts in zip(subset, options)}


def arb_recheck(hessian: list[list[sympy.Expr]], symbols: list[sympy.Symbol], hull: Box) -> bool:
    """Whether Arb (:mod:`paper_checks.prover.enclosures.balls`) also finds the Hessian in ``S`` positive semidefinite
    on ``hull`` by Gershgorin's discs (each row's diagonal at least the sum of its other entries' magnitudes);
    False where Arb cannot bound an entry (not proved twice, never an error)."""
    n = len(hessian)
    for a in range(n):
        diag = ball_lower(hessian[a][a], symbols, hull)
        if diag is None:
            return False
        off = 0.0
        for b in range(n):
            if b == a:
                continue
            hi = ball_lower(-hessian[a][b], symbols, hull)
            lo = ball_lower(hessian[a][b], symbols, hull)
            if hi is None or lo is None:
                return False
            off += max(abs(hi), abs(lo))
        if diag < off:
            return False
    return True
