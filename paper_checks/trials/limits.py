"""The loss trial's time limit per symbolic step, and a sign test on ``(0, 1)`` that SymPy alone misses.

Every property of :func:`paper_checks.trials.simplex.trial` runs under :func:`paper_checks.run.deadline.deadline`
with :data:`DEFAULT_TIMEOUT`: SymPy's
``simplify``, ``limit`` and ``integrate`` can run for minutes on a user's loss (``Heaviside(p - 1/2)``,
a long polynomial), so a property that does not finish within the limit is reported as
``undecided: timed out after N s`` and the trial goes on with the next one.

Where no timer is available (another thread than the main one, or a platform without ``setitimer``) the
property runs without a limit and says so in its summary.
"""
from __future__ import annotations

import sympy

DEFAULT_TIMEOUT = 10.0
"""Seconds each property of the loss trial may take (the CLI's ``--timeout`` default)."""


def sign_on_open_unit(expr: sympy.Expr, t: sympy.Symbol) -> int | None:
    """``+1``/``-1`` when ``expr`` is positive/negative on ``(0, 1)``, ``None`` when undecided.

    ``t = 1/(1 + u)`` with ``u > 0`` maps ``(0, 1)`` onto ``(0, oo)``; after expansion every term
    of the sum is a product of powers of ``u``, ``1 + u`` and logarithms of them, whose signs SymPy
    infers one by one. A sum of positive terms is positive: this decides, e.g., focal loss's
    ``psi'' = -2 log t + 2 (1 - t)/t + (1 - t^2)/t^2`` (each term positive), which
    :func:`theory.gradients.sign_on_unit_interval` (factoring the whole) leaves undecided.
    """
    expr = sympy.sympify(expr)
    if expr.has(sympy.Piecewise):
        return None
    s = _termwise_sign(expr, t)
    return s if s is not None else _termwise_sign(sympy.simplify(expr), t)


def _termwise_sign(expr: sympy.Expr, t: sympy.Symbol) -> int | None:
    u = sympy.Symbol("u", positive=True)
    e = sympy.expand(sympy.expand_log(expr.subs(t, 1 / (1 + u)), force=True))
    if e == 0:
        return None
    parts = sympy.collect(e, sorted(e.atoms(sympy.log), key=str), evaluate=False)
    signs = []
    for atom, coeff in parts.items():
        coeff = sympy.factor(sympy.cancel(sympy.together(coeff)))
        if coeff != 0:
            signs.append(_group_sign(coeff) if atom == 1 else _mul_sign(_group_sign(coeff), _group_sign(atom)))
    groups = signs
    if groups and all(s == 1 for s in signs):
        return 1
    if groups and all(s == -1 for s in signs):
        return -1
    return None


def _mul_sign(a: int | None, b: int | None) -> int | None:
    return None if a is None or b is None else a * b


def _group_sign(g: sympy.Expr) -> int | None:
    """The sign of one group (a log term or a rational function of ``u > 0``), ``None`` when unknown."""
    if g.is_positive:
        return 1
    if g.is_negative:
        return -1
    num, den = sympy.fraction(sympy.factor(g))
    sn = [_poly_sign(f) for f in sympy.Mul.make_args(num)] + [_poly_sign(f) for f in sympy.Mul.make_args(den)]
    if any(s is None for s in sn):
        return None
    return 1 if sn.count(-1) % 2 == 0 else -1


def _poly_sign(f: sympy.Expr) -> int | None:
    """The sign of a factor on ``u > 0``: by SymPy's inference, or a polynomial with coefficients of one sign."""
    if f.is_positive:
        return 1
    if f.is_negative:
        return -1
    base, ex = f.as_base_exp()
    if ex.is_integer and ex.is_even is False and base is not f:
        return _poly_sign(base)
    if f.is_polynomial() and len(f.free_symbols) == 1:
        coeffs = sympy.Poly(f, *f.free_symbols).coeffs()
        if all(c.is_positive for c in coeffs if c != 0):
            return 1
        if all(c.is_negative for c in coeffs if c != 0):
            return -1
    return None
