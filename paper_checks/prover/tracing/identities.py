"""What a margin is identically, read cheaply: a value at one point that says it is no identity, and the exponential
form that says a sum of products of sines and cosines is a constant, or a shorter sum of single sines and cosines.

Each is a test that :mod:`paper_checks.prover.tracing.normal` runs before SymPy's ``simplify``, whose ``trigsimp`` took
4.5 s of 4.6 on a margin a value at one point shows is not 0 (MetiTarski's ``sin-cos-2var1`` in its triangle's charts),
and 3 units on a derivative the exponential form takes to 0 in under 0.1 s. A probe can only say "no identity"; the
exponential form can only say "equal" (it is an identity of complex analysis, so the margin equals its form wherever
it is defined); neither ever proves what is false.
"""
from __future__ import annotations

import math
from typing import Any

import sympy


def probe_point(symbols: Any) -> dict[sympy.Symbol, sympy.Expr]:
    """A point at which to evaluate an expression in ``symbols`` that respects each symbol's SymPy assumptions (an
    integer symbol gets an integer >= 2, a negative one a negative value, every other one a number in ``(0, 1)``)
    and that no simple identity singles out: the values are distinct and irrational-looking (``k/7 + sqrt(2)/100``)."""
    point: dict[sympy.Symbol, sympy.Expr] = {}
    for k, s in enumerate(sorted(symbols, key=str)):
        if s.is_integer:
            v: sympy.Expr = sympy.Integer(3 + k)
        else:
            v = sympy.Rational(1 + k % 6, 7) + sympy.sqrt(2) / 100
        point[s] = -v if s.is_negative or s.is_nonpositive else v
    return point


#: digits of the probe of :func:`nonzero_somewhere`, and the least absolute value it reads as nonzero
PROBE_DIGITS, PROBE_NONZERO = 40, 1e-20


def nonzero_somewhere(expr: sympy.Expr) -> bool:
    """Whether ``expr`` is plainly nonzero at :func:`probe_point` (SymPy's ``evalf`` at :data:`PROBE_DIGITS`
    digits gives a finite value of modulus above :data:`PROBE_NONZERO`), so that no ``simplify`` can take it to 0.

    The test can only say "not an identity": it spares :func:`~paper_checks.prover.tracing.normal.is_zero` a
    ``simplify`` that cannot succeed (on MetiTarski's ``sin(X - Y) <= 2 sin(X) cos(Y)`` in its triangle's charts,
    ``trigsimp`` took 4.5 of the normal form's 4.6 s on a margin that is ``sin(X + Y)``, and the normal form then held
    every rung of the deepening before any box). Wherever it answers False, or the value is undefined there,
    ``simplify`` decides as before; a value that is 0 only by cancellation is within ``10^-40`` of 0 and reads as 0."""
    if expr.is_number or not expr.free_symbols:
        return False
    try:
        v = complex(expr.evalf(PROBE_DIGITS, subs=probe_point(expr.free_symbols)))
    except (TypeError, ValueError, ZeroDivisionError, OverflowError, RecursionError, AttributeError):
        return False
    return math.isfinite(v.real) and math.isfinite(v.imag) and abs(v) > PROBE_NONZERO


#: the functions :func:`exponential_form` writes through ``exp``
CIRCULAR = (sympy.sin, sympy.cos, sympy.tan, sympy.sinh, sympy.cosh, sympy.tanh)


def exponential_form(expr: sympy.Expr) -> sympy.Expr | None:
    """``expr`` with every :data:`CIRCULAR` function written through ``exp`` (``sin u = (e^(iu) - e^(-iu))/(2i)``)
    and expanded (``exp`` of a sum split into a product), None where it has none. The rewriting is an identity of
    complex analysis, so where the form is a number the expression equals it wherever it is defined; and a
    polynomial in sines and cosines of polynomial arguments expands to a sum of ``exp(i P)`` monomials, where like
    terms cancel exactly: MetiTarski's ``sin(X - Y) + sin(X + Y) + 0.01 - 2 sin(X) cos(Y)`` is ``1/100`` in 0.01 s in
    its triangle's charts, where ``simplify`` of one derivative ran past 3 units."""
    if not expr.has(*CIRCULAR):
        return None
    return sympy.expand(expr.rewrite(sympy.exp))


def linearized(expr: sympy.Expr) -> sympy.Expr | None:
    """A margin in sines and cosines written as a sum of sines and cosines of single arguments (products to sums:
    :func:`exponential_form`, like exponentials combined, then back through ``cos``), or that sum expanded again in
    sines and cosines of the sums' parts (``expand_trig``), whichever has fewer operations, where it is real and has
    fewer than the margin; None otherwise. MetiTarski's ``2 cos(X) cos(Y) <= 1.001 + cos(X + Y)`` (``sin-cos-2var6``)
    is ``1001/1000 - cos(X - Y)``, whose interval bound is ``>= 1/1000`` on every box, where the products as written
    left 48 boxes open along ``X = Y``; ``(cos(A + T) + sin(A + T))^2 + (cos(A - T) + sin(A - T))^2 - 2 (cos(A) -
    sin(A))^2`` (``cos-3411-b``) is ``8 sin(A) cos(A) cos(T)^2``, each factor of one sign on its piece."""
    if not expr.has(sympy.sin, sympy.cos) or expr.has(sympy.exp, sympy.sinh, sympy.cosh, sympy.tanh):
        return None
    form = exponential_form(expr)
    if form is None:
        return None
    back = sympy.expand(sympy.powsimp(form, combine="exp").rewrite(sympy.cos))
    if back.has(sympy.I, sympy.exp):
        return None
    best = min((back, sympy.expand(sympy.expand_trig(back))), key=sympy.count_ops)
    return best if sympy.count_ops(best) < sympy.count_ops(expr) else None


#: each even power of a circular or hyperbolic function, written through its Pythagorean partner (``cos^2 u = 1 -
#: sin^2 u``, ``cosh^2 u = 1 + sinh^2 u``): the forms of a radicand :func:`squares_under_roots` factors
PARTNERS = ((sympy.cos, lambda u: 1 - sympy.sin(u) ** 2), (sympy.sin, lambda u: 1 - sympy.cos(u) ** 2),
            (sympy.cosh, lambda u: 1 + sympy.sinh(u) ** 2), (sympy.sinh, lambda u: sympy.cosh(u) ** 2 - 1))


def _square_root(a: sympy.Expr) -> sympy.Expr | None:
    """``c |F_1|^(k_1) ...`` with ``a = (c |F_1|^(k_1) ...)^2`` identically, or None: ``a`` factored as written and
    with each of :data:`PARTNERS` substituted, and a form accepted where it is a square of a rational number times
    even powers, and ``a`` minus it expands to 0 (in :func:`exponential_form` where it has sines or cosines)."""
    forms = [a]
    for f, partner in PARTNERS:
        def swap(e: sympy.Expr, f: Any = f, partner: Any = partner) -> sympy.Expr:
            return partner(e.base.args[0]) ** (e.exp // 2)
        if a.has(f):
            forms.append(a.replace(lambda e, f=f: e.is_Pow and isinstance(e.base, f) and e.exp.is_Integer
                                   and e.exp > 0 and e.exp % 2 == 0, swap))
    for form in forms:
        cand = sympy.factor(form)
        coeff, parts = cand.as_coeff_mul()
        root = sympy.sqrt(coeff)
        if not (coeff.is_Rational and coeff > 0 and root.is_Rational) or not parts:
            continue
        bases = [p.as_base_exp() for p in parts]
        if any(not (e.is_Integer and e > 0 and e % 2 == 0) for _, e in bases):
            continue
        diff = a - cand
        zero = exponential_form(diff)
        if (sympy.expand(diff) if zero is None else zero) == 0:
            return root * sympy.Mul(*[sympy.Abs(b) ** (e // 2) for b, e in bases])
    return None


def squares_under_roots(expr: sympy.Expr) -> sympy.Expr | None:
    """``expr`` with each half-integer power of a square written through an absolute value (``sqrt(1 - cos(x)^2) =
    |sin x|``, :func:`_square_root`), None where it has none. The margin is the same function (``sqrt(F^2) = |F|``
    for real ``F``), and its root's derivative, which intervals cannot bound where ``F = 0``, is gone.
    MetiTarski's ``sqrt-1mcosq`` problems are its ``sin`` problems written so: ``2/pi <= sqrt(1 - cos(x)^2)/x`` on
    ``(0, pi/2 - 10^-12)`` ran to its 150 s net at 21.6 units, and is ``|sin x|/x``, proved as ``sin x/x`` is."""
    roots = [r for r in expr.atoms(sympy.Pow) if r.exp.is_Rational and r.exp.q == 2 and r.base.free_symbols]
    swap = {}
    for r in roots:
        got = _square_root(r.base)
        if got is not None:
            swap[r] = got ** r.exp.p
    return expr.xreplace(swap) if swap else None


__all__ = ["CIRCULAR", "PARTNERS", "PROBE_DIGITS", "PROBE_NONZERO", "exponential_form", "linearized",
           "nonzero_somewhere", "probe_point", "squares_under_roots"]
