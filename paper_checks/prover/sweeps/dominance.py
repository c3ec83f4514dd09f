"""The sign of an expression toward a pole from its dominant term: ``sinh(x)^3 - x^3 cosh(x)`` on ``[x0, oo)``.

Toward ``x = oo`` a sum of exponentials is ``oo - oo`` in interval arithmetic, and so is every derivative of it, so
Taylor's theorem at the box's finite end (:mod:`paper_checks.prover.sweeps.tail`) finds no derivative of one sign.
Written with ``y = s x`` (``s`` the sign of the pole's end, ``y -> +oo``), the hyperbolic functions through ``exp`` and
the expression over one denominator, each side is a sum of terms ``y^j e^(psi(y)) G``, where ``psi`` is a polynomial
with numeric coefficients and ``G`` holds the rest (a number, another coordinate, a bounded function such as
``erf(y)``). The terms of one ``(psi, j)`` are one group, and the groups are ordered by their growth: ``psi - psi'``
toward ``oo`` by its leading coefficient, then ``j``. Divided by the dominant group's ``y^j_D e^(psi_D) > 0``, the side
is

    ``G_D + sum_t G_t r_t(y)``,  ``r_t = y^(j_t - j_D) e^(psi_t - psi_D)``,

and each ``r_t`` is ``> 0`` and falls on the box where its exponent's derivative ``(j_t - j_D)/y + (psi_t - psi_D)'``
is ``<= 0`` there (Horner's form, enclosed on the box), so ``r_t <= r_t(y0)`` at the box's lower end ``y0``. Where
``G_D``'s enclosure keeps off 0 by more than ``sum_t |G_t| r_t(y0)``, the side has ``G_D``'s sign on the box
(Hardy's orders of infinity made explicit; Hardy 1910, "Orders of Infinity"). ``sinh^3 - x^3 cosh`` is
``e^(3y)/8 (1 - 3 e^(-2y) + ... - 4 y^3 e^(-2y) - ...)``, ``> 0`` from ``y0 = 4``; the derivative of Polya's
``1 - e^(-4x^2/pi) - erf(x)^2`` toward ``-oo`` is ``4/sqrt(pi) e^(-y^2) (erf(y) - 2 y/sqrt(pi) e^(-(4/pi - 1) y^2))``.

:func:`dominant_sign` returns an enclosure ``[0, oo]`` or ``[-oo, 0]`` where the sign is shown on the box, else the
whole line: one more form beside the others of :func:`paper_checks.prover.sweeps.tail.derivative`. Every step is an
exact identity (SymPy's ``expand`` and ``together``), and every bound an interval's.
"""
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import mpmath
import sympy

from paper_checks.prover.tracing.trace import Fn, Interval, Untraceable, compile_expr

IV = mpmath.iv

#: the hyperbolic functions written through ``exp`` before the terms are read
HYPERBOLIC = (sympy.sinh, sympy.cosh, sympy.tanh, sympy.coth, sympy.sech, sympy.csch)
#: the most terms of one side (beyond it, no form: the expansion of a high derivative)
MAX_TERMS = 80


@dataclass(frozen=True)
class Side:
    """One side (numerator or denominator) as its groups: the dominant ``G_D``, and each other group's ``G_t`` with
    the exponent ``phi_t = (j_t - j_D) log y + psi_t - psi_D`` of its ratio, as the ratio itself and its derivative,
    each a function of ``y`` alone."""

    lead: sympy.Expr
    rest: tuple[tuple[sympy.Expr, sympy.Expr, sympy.Expr], ...]  # (G_t, r_t(y), phi_t'(y))


def _term(t: sympy.Expr, y: sympy.Symbol) -> tuple[sympy.Expr, sympy.Expr, sympy.Expr] | None:
    """``(psi, j, G)`` with ``t = y^j e^psi G``, ``psi`` a polynomial in ``y`` with numeric coefficients; None where
    ``t`` reads ``y`` otherwise than through such factors and a ``G`` that is not a power of ``y``."""
    psi, j, g = sympy.Integer(0), sympy.Integer(0), []
    for f in sympy.Mul.make_args(t):
        if f == y:
            j += 1
        elif f.is_Pow and f.base == y and f.exp.is_Rational:
            j += f.exp
        elif isinstance(f, sympy.exp) or (f.is_Pow and isinstance(f.base, sympy.exp) and f.exp.is_Rational):
            a = f.args[0] if isinstance(f, sympy.exp) else f.base.args[0] * f.exp
            for s in sympy.Add.make_args(sympy.expand(a)):
                if y in s.free_symbols:
                    psi += s
                else:
                    g.append(sympy.exp(s))
        else:
            g.append(f)
    if psi != 0:
        if not psi.is_polynomial(y):
            return None
        poly = sympy.Poly(psi, y)
        if not all(c.is_number for c in poly.coeffs()):
            return None
    return sympy.expand(psi), j, sympy.Mul(*g)


def _grows_faster(a: tuple[sympy.Expr, sympy.Expr], b: tuple[sympy.Expr, sympy.Expr], y: sympy.Symbol) -> bool | None:
    """Whether ``y^j_a e^psi_a`` grows faster than ``y^j_b e^psi_b`` toward ``y = oo`` (None: undecided)."""
    d = sympy.expand(a[0] - b[0])
    if d == 0:
        return bool(a[1] > b[1]) if a[1] != b[1] else False
    if d.free_symbols == set():
        return None  # a constant factor: one group (not reached: the constant goes to G)
    lead = sympy.Poly(d, y).LC()
    positive = lead.is_positive
    return positive if positive is not None else None


def side(e: sympy.Expr, y: sympy.Symbol) -> Side | None:
    """``e`` (no ratio) as its groups (:class:`Side`), or None where a term is not ``y^j e^psi G``, two groups'
    growths are not ordered exactly, or there are more than :data:`MAX_TERMS` terms."""
    terms = sympy.Add.make_args(sympy.expand(e))
    if len(terms) > MAX_TERMS:
        return None
    groups: dict[tuple[sympy.Expr, sympy.Expr], sympy.Expr] = {}
    for t in terms:
        found = _term(t, y)
        if found is None:
            return None
        psi, j, g = found
        groups[(psi, j)] = groups.get((psi, j), sympy.Integer(0)) + g
    keys = [k for k, g in groups.items() if g != 0]
    if not keys:
        return None
    lead = keys[0]
    for k in keys[1:]:
        faster = _grows_faster(k, lead, y)
        if faster is None:
            return None
        if faster:
            lead = k
    for k in keys:  # every other group decided slower than the lead
        if k != lead and _grows_faster(lead, k, y) is not True:
            return None
    rest = []
    for k in keys:
        if k == lead:
            continue
        dj, dpsi = k[1] - lead[1], sympy.expand(k[0] - lead[0])
        ratio = y**dj * sympy.exp(dpsi)
        slope = _horner(sympy.diff(dpsi, y), y) + dj / y
        rest.append((groups[k], ratio, slope))
    return Side(groups[lead], tuple(rest))


def _horner(p: sympy.Expr, y: sympy.Symbol) -> sympy.Expr:
    """The polynomial ``p`` in Horner's form, each coefficient one number (``(2 - 8/pi) y``, not ``2y - 8y/pi``, which
    is ``oo - oo`` on a box that reaches ``y = oo``)."""
    if p == 0:
        return p
    coeffs = sympy.Poly(p, y).all_coeffs()
    h = coeffs[0]
    for c in coeffs[1:]:
        h = sympy.Mul(h, y, evaluate=False)
        if c != 0:
            h = sympy.Add(h, c, evaluate=False)
    return h


def _sign(s: Side, g: Sequence[Fn], r: Sequence[Fn], d: Sequence[Fn], lead: Fn, v: Sequence[Interval],
          y: Interval) -> int:
    """The side's sign on the box (``y`` its enclosure, lower end ``> 0``): ``+-1``, or 0 where not shown."""
    total = lead(v)
    if not (total.a > 0 or total.b < 0):
        return 0
    at = [y.a]  # the box's lower end in y, a point
    for gt, rt, dt in zip(g, r, d):
        slope = dt([y])
        if not slope.b <= 0:  # r_t does not fall on the box: its enclosure there
            bound = rt([y]).b
        else:
            bound = rt(at).b
        mag = abs(gt(v)).b
        if not (mpmath.isfinite(bound) and mpmath.isfinite(mag)):
            return 0
        total = total + IV.mpf([-1, 1]) * (mag * bound)
    return 1 if total.a > 0 else -1 if total.b < 0 else 0


def _scaled_erfc(a: Interval) -> Interval:
    """``H(a) = a e^(a^2) erfc(a)`` on ``a > 0``, between the bounds of A&S 7.1.13 (each increasing in ``a``):
    ``(2/sqrt(pi)) / (1 + sqrt(1 + 2/a^2)) < H(a) <= (2/sqrt(pi)) / (1 + sqrt(1 + (4/pi)/a^2))``, ``1/sqrt(pi)`` at
    ``oo``."""
    k = 2 / IV.sqrt(IV.pi)
    lo = IV.mpf(a.a)
    low = k / (1 + IV.sqrt(1 + 2 / (lo * lo)))
    if a.b == mpmath.inf:
        high = k / 2
    else:
        hi = IV.mpf(a.b)
        high = k / (1 + IV.sqrt(1 + 4 / (IV.pi * hi * hi)))
    return IV.mpf([low.a, high.b])


def _through_erfc(ex: sympy.Expr, y: sympy.Symbol) -> tuple[sympy.Expr, dict[sympy.Symbol, sympy.Expr]]:
    """``ex`` with each ``erf(c y)`` and ``erfc(c y)`` (``c`` a nonzero number) written through ``erfc(|c| y) =
    e^(-c^2 y^2) / (|c| y) H(|c| y)``, ``H`` (:func:`_scaled_erfc`) a symbol of its own: ``erf(a) = 1 - erfc(a)``,
    ``erfc(-a) = 2 - erfc(a)``. Returns the expression and each symbol's argument ``|c| y``."""
    scaled: dict[sympy.Symbol, sympy.Expr] = {}

    def tail(a: sympy.Expr) -> sympy.Expr:
        h = next((k for k, v in scaled.items() if v == a), None)
        if h is None:
            h = sympy.Dummy("H", positive=True)
            scaled[h] = a
        return sympy.exp(-a**2) / a * h

    def linear(a: sympy.Expr) -> sympy.Expr | None:
        c = sympy.expand(a / y)
        return c if c.is_number and c != 0 and y not in c.free_symbols else None

    def rewrite(n: sympy.Expr) -> sympy.Expr:
        c = linear(n.args[0])
        if c is None:
            return n
        a = abs(c) * y
        if isinstance(n, sympy.erf):
            return 1 - tail(a) if c > 0 else tail(a) - 1
        return tail(a) if c > 0 else 2 - tail(a)
    out = ex.replace(lambda n: isinstance(n, (sympy.erf, sympy.erfc)), rewrite)
    return out, scaled


def dominant_sign(e: sympy.Expr, v: sympy.Symbol, sign: int, back: sympy.Expr, symbols: Sequence[sympy.Symbol]
                  ) -> Fn | None:
    """An enclosure of ``e`` (an expression in the expansion variable ``v``, which is ``back`` in the coordinates
    ``symbols`` and goes to ``sign oo`` at the pole) that is ``[0, oo]`` or ``[-oo, 0]`` on a box where the dominant
    terms of its numerator and denominator show its sign (module docstring), else the whole line; None where ``e``
    has no such form (no exponential in ``v``, a term of another shape)."""
    if not any(v in a.free_symbols for a in e.atoms(sympy.exp, sympy.erf, sympy.erfc, *HYPERBOLIC)):
        return None
    y = sympy.Dummy("y", positive=True)
    ex = e.xreplace({v: sign * y})
    ex = ex.replace(lambda a: isinstance(a, HYPERBOLIC), lambda a: a.rewrite(sympy.exp))
    ex, scaled = _through_erfc(ex, y)
    num, den = sympy.fraction(sympy.together(ex))
    sides = [side(num, y), side(den, y) if y in den.free_symbols else Side(den, ())]
    if any(s is None for s in sides):
        return None
    at = {y: sign * back}
    hs = list(scaled)
    every_symbol = [*symbols, *hs]
    compiled = []
    try:
        for s in sides:
            compiled.append((s, [compile_expr(gt.xreplace(at), every_symbol) for gt, _, _ in s.rest],  # type: ignore[union-attr]
                             [compile_expr(rt, [y]) for _, rt, _ in s.rest],  # type: ignore[union-attr]
                             [compile_expr(dt, [y]) for _, _, dt in s.rest],  # type: ignore[union-attr]
                             compile_expr(s.lead.xreplace(at), every_symbol)))  # type: ignore[union-attr]
        where = compile_expr(sign * back, symbols)
        args = [compile_expr(scaled[h], [y]) for h in hs]
    except Untraceable:
        return None
    every = IV.mpf([-mpmath.inf, mpmath.inf])

    def enclose(box: Sequence[Interval]) -> Interval:
        try:
            y_on = where(box)
            if not y_on.a > 0:
                return every
            full = [*box, *[_scaled_erfc(a([y_on])) for a in args]]
            signs = [_sign(*c, full, y_on) for c in compiled]  # type: ignore[arg-type]
        except (ValueError, ZeroDivisionError, TypeError, OverflowError):
            return every
        if 0 in signs:
            return every
        return IV.mpf([0, mpmath.inf]) if signs[0] * signs[1] > 0 else IV.mpf([-mpmath.inf, 0])
    return enclose
