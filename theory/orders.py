"""Strict orders kept by a positive factor, decided by SymPy on symbols (no number of classes enters).

Where a noisy gap is a positive multiple of the clean one, ``g_eta = s g`` with ``s > 0`` (DMI's ``|det T|``, Xu et al.
2019, Eq. 30; the squared signal ``(1 - c eta/(c-1))^2`` of a symmetric embedding loss, Le & Odobez 2019), both
strict orders agree in both directions: ``s g > 0`` exactly when ``g > 0``, ``s g < 0`` exactly when ``g < 0``
(:func:`positive_scale_keeps_strict_orders`). :func:`squared_signal_positive` decides that the squared signal is
``> 0`` for every ``eta < (c - 1)/c``.

References
----------
.. [1] Y. Xu, P. Cao, Y. Kong and Y. Wang, "L_DMI: A Novel Information-theoretic Loss Function for Training Deep
   Nets Robust to Label Noise", NeurIPS 2019, Eq. 30 (as in S. Li's notes).
.. [2] N. Le and J.-M. Odobez, "Theoretical Guarantees of Deep Embedding Losses Under Label Noise", arXiv
   1812.02676, 2019, abstract (the catalogue's reconstruction: the main text is not in the sources).

Examples
--------
>>> positive_scale_keeps_strict_orders(), squared_signal_positive()
(True, True)
"""
from __future__ import annotations

import sympy
from sympy.solvers.inequalities import solve_univariate_inequality


def positive_scale_keeps_strict_orders() -> bool:
    """``s g > 0`` exactly when ``g > 0``, and ``s g < 0`` exactly when ``g < 0``, for every ``s > 0``: SymPy's
    solution sets in a real ``g`` are ``(0, oo)`` and ``(-oo, 0)``."""
    s, g = sympy.Symbol("s", positive=True), sympy.Symbol("g", real=True)
    above = solve_univariate_inequality(s * g > 0, g, relational=False)
    below = solve_univariate_inequality(s * g < 0, g, relational=False)
    return above == sympy.Interval.open(0, sympy.oo) and below == sympy.Interval.open(-sympy.oo, 0)


def squared_signal_positive() -> bool:
    """``(1 - c eta/(c-1))^2 > 0`` for every real ``c > 1`` and ``0 <= eta < (c - 1)/c``: with ``eta = r (c-1)/c``
    it is ``(1 - r)^2``, and ``r = 1 - u`` with ``u > 0`` makes it ``u^2``, positive by SymPy's assumptions."""
    c, r, u = sympy.Symbol("c", positive=True), sympy.Symbol("r", nonnegative=True), sympy.Symbol("u", positive=True)
    eta = r * (c - 1) / c
    signal = sympy.simplify((1 - c * eta / (c - 1)) ** 2)
    return bool(sympy.simplify(signal - (1 - r) ** 2) == 0 and signal.subs(r, 1 - u).is_positive)
