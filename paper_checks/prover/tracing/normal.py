"""Exact first: the margin of one piece put in a normal form, and decided symbolically where it can be.

Before any box, :func:`reduce` rewrites a traced margin ``m`` (on a piece's box ``B``):

1. **normal form**: common denominators cleared and like terms collected (SymPy's ``together`` then
   ``cancel``), numerator and denominator factored (``factor_list``), so that the answer does not
   depend on how the margin was written (``(c-1)/q - sum_j (1 - p_j^q)/q`` and ``(sum_j p_j^q - 1)/q``
   are the same margin); products of sines and cosines first become sums of single ones where that is
   shorter (:func:`linearized`), and a square root of a square an absolute value (``sqrt(1 - cos(x)^2) = |sin x|``,
   :func:`squares_under_roots`);
2. **identity**: a margin that is 0 there (or that SymPy's ``simplify`` takes to 0, e.g.
   ``sigmoid(v) + sigmoid(-v) - 1``) is ``proved`` by derivation; so is one that is constant there and ``> 0`` at a
   point (**constant**: every partial derivative simplifies to 0, :func:`constant_sign`);
3. **factors of known sign**: a factor that is an even power, or whose rigorous interval enclosure on
   ``B`` (:data:`SIGN_PREC` bits) has one sign, is pulled out (a factor of the denominator only where its
   sign is strict), leaving ``m = k * r`` with ``k >= 0`` on ``B``; wherever ``r >= 0`` so is ``m``. A
   margin all of whose factors have a known sign is decided (a constant, ``x^2 (1-x)^3``, ...), and so is one whose
   other factors multiply to a sum of terms each ``>= 0`` on ``B`` (:func:`term_sign`: ``p^a q^(1-a) + (1-p)^a
   (1-q)^(1-a)``, the log's argument in Renyi's divergence, where boxes spent 20 s at the corners, ``0^0``).

What is left, ``r`` (:attr:`Reduction.reduced`), goes to the real decision procedure where it is
polynomial (:mod:`paper_checks.prover.algebraic.solver`) and to the boxes otherwise. A margin with a
``Max``/``Min``/``Abs``/``Piecewise``/``sign`` is kept as written (its branches would have to be split
first: boxes decide it). :func:`check_reduction` re-derives all of it for
:func:`paper_checks.prover.certificate.recheck`.
"""
from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any, Callable

import mpmath
import sympy
from sympy.polys.polyerrors import BasePolynomialError

from paper_checks import work
from paper_checks.deadline import TimedOut
from paper_checks.prover.enclosures.bound import intervals
from paper_checks.prover.enclosures.boxes import Box
from paper_checks.prover.tracing.identities import exponential_form, linearized, nonzero_somewhere, squares_under_roots
from paper_checks.prover.tracing.trace import Untraceable, compile_expr, derivative, precision
from paper_checks.prover.tracing.unbounded import HalfChart, LineChart

#: interval precision (bits) of the sign of a factor on the piece's box
SIGN_PREC = 120
#: work units SymPy may spend on the normal form of one margin (then it is kept as written)
NORMAL_WORK = 5.0
#: work units ``simplify`` may spend testing whether a margin is identically 0
IDENTITY_WORK = 3.0
#: work units SymPy may spend deciding that two forms of a margin are the same
SAME_WORK = 0.5
#: margins with more operations than this are kept as written (factoring them costs more than it saves)
MAX_OPS = 4000
#: why a denominator that is 0 somewhere on the box has a known sign (:func:`factor_sign`, :func:`undefined_notes`)
ZERO_ON_BOX = "interval, 0 on the box"
PIECEWISE = (sympy.Max, sympy.Min, sympy.Abs, sympy.Piecewise, sympy.sign, sympy.Heaviside)


@dataclass
class Factor:
    """One factor of known sign pulled out of the margin: ``expr ** power`` with ``sign`` on the box."""

    expr: sympy.Expr
    power: int
    sign: int  # the sign of ``expr ** power`` on the box: +1 ``>= 0``, -1 ``<= 0`` (for a denominator: strict)
    why: str   # "even power", "interval" or "domain" (a coordinate whose domain has a strict sign)

    def to_json(self) -> dict[str, Any]:
        return {"factor": str(self.expr), "power": self.power, "sign": "+" if self.sign > 0 else "-",
                "why": self.why}


@dataclass
class Reduction:
    """How the margin of one piece and conjunct was rewritten: ``original == known * reduced`` with
    ``known >= 0`` on the box (the product of :attr:`factors`, its sign folded into ``reduced``).

    ``kind``: ``identity`` (the margin is 0), ``known sign`` (every factor has a known sign: decided),
    ``factored`` (some factors pulled out), ``normal form`` or ``as written`` (nothing pulled out);
    ``decided``: ``proved`` for an identity or a margin of known sign ``>= 0``, ``negative`` where the
    known sign is ``<= 0`` (a counterexample is then looked for), else None (boxes or the solver decide)."""

    original: sympy.Expr
    reduced: sympy.Expr
    kind: str
    factors: list[Factor] = field(default_factory=list)
    decided: str | None = None
    how: str = ""

    @property
    def known(self) -> sympy.Expr:
        """The product of the factors of known sign, made ``>= 0``."""
        out = sympy.Integer(1)
        for f in self.factors:
            out *= f.sign * f.expr ** f.power
        return out

    def to_json(self) -> dict[str, Any]:
        return {"kind": self.kind, "decided": self.decided, "how": self.how, "reduced": str(self.reduced),
                "factors": [f.to_json() for f in self.factors]}


def has_branches(expr: sympy.Expr) -> bool:
    """Whether ``expr`` has a node whose branches a normal form cannot see across (Max, Abs, ...)."""
    return any(expr.has(t) for t in PIECEWISE)


def factor_sign(f: sympy.Expr, power: int, symbols: list[sympy.Symbol], box: Box) -> tuple[int, str]:
    """The sign of ``f ** power`` on ``box`` (+1 ``>= 0``, -1 ``<= 0``; strict for a denominator), 0 unknown
    (also for a power that is no integer, but for a symbolic exponent of a base positive on the whole box: ``x**x``
    factors as ``x`` to the power ``x``)."""
    if not isinstance(power, int) and not getattr(power, "is_Integer", False):
        # only a symbolic exponent (b^((2 - r)/(r - 1))): a number's power (sqrt(1 + x^2)) stays in the margin, whose
        # form the closures after were tuned on (taken out, a false neighbour's valley step on the rest ran 75 s)
        symbolic = bool(getattr(power, "free_symbols", None))
        return (1, "a power of a positive base") if symbolic and _positive(f, symbols, box) else (0, "")
    power = int(power)
    if f.has(sympy.tan) and not defined_on(f, symbols, box):  # tan(x)^2 across a pole: undefined there, no sign
        return 0, ""
    if power > 0 and power % 2 == 0 and f.is_real is not False:
        return 1, "even power"
    if f.is_Symbol and (f.is_positive or f.is_negative):  # a coordinate with a strict sign on its domain: q in (0, 1]
        return (1 if f.is_positive or power % 2 == 0 else -1), "domain"  # is positive there (an open end at 0)
    try:
        with precision(SIGN_PREC):
            enc = compile_expr(f, symbols)(intervals(box))
    except (Untraceable, ValueError, ZeroDivisionError, OverflowError):
        return 0, ""
    if (enc.a > 0) if power < 0 else (enc.a >= 0):
        return 1, "interval"
    if (enc.b < 0) if power < 0 else (enc.b <= 0):
        return (-1 if power % 2 else 1), "interval"
    trig = 0 if enc.a >= 0 or enc.b <= 0 else _trig_sign(f, symbols, box)
    if trig and power > 0:
        return (1 if trig > 0 or power % 2 == 0 else -1), "sine's sign"
    if (power < 0 and (enc.a >= 0 or enc.b <= 0 or trig) and not f.atoms(HalfChart, LineChart)
            and not _zero_on(f, symbols, box)):
        # a denominator of one sign that is 0 somewhere on the box (sin(x)/x at x = 0): wherever the margin is
        # defined its sign is the rest's, and where the denominator is 0 the margin as written has no value
        # (a pole or 0/0; the guards, paper_checks.prover.tracing.defined, decide where that is allowed). Not a chart of
        # an unbounded coordinate's: e^W "is 0" only at W = -oo, no point of the domain, where the tail reads
        # the margin as written
        return (1 if (enc.a >= 0 if not trig else trig > 0) or power % 2 == 0 else -1), ZERO_ON_BOX
    if power % 2 == 0 and power > 0:
        return 1, "even power"
    return 0, ""


def _positive(f: sympy.Expr, symbols: list[sympy.Symbol], box: Box) -> bool:
    """Whether ``f`` is positive on the whole box, so that ``f`` to any real power is positive wherever it is defined
    (``b^((2 - r)/(r - 1))`` for ``b > 0``): by SymPy's assumptions, a half-line's chart of a positive coordinate
    (``u/(1 - u)`` is positive on ``(0, 1)``, the only interval it is used on), or a positive interval enclosure."""
    if f.is_positive:
        return True
    if isinstance(f, HalfChart) and f.args[0].is_positive:
        return True
    low = _enclosed_low(f, symbols, box)
    return low is not None and low > 0


def _enclosed_low(f: sympy.Expr, symbols: list[sympy.Symbol], box: Box) -> Any:
    """The lower end of ``f``'s rigorous interval enclosure on ``box`` (:data:`SIGN_PREC` bits), or None where it
    cannot be built."""
    try:
        with precision(SIGN_PREC):
            return compile_expr(f, symbols)(intervals(box)).a
    except (Untraceable, ValueError, ZeroDivisionError, OverflowError):
        return None


def _trig_sign(f: sympy.Expr, symbols: list[sympy.Symbol], box: Box) -> int:
    """The sign of ``sin(a)`` or ``cos(a)`` on ``box`` where ``a`` stays between two zeros of it, decided on exact
    shifts of ``a`` (+1 ``>= 0``, -1 ``<= 0``, 0 unknown). ``cos(pi s/2)`` for ``s`` in ``[0, 1]`` is 0 at ``s = 1``,
    where its interval enclosure holds ``-3e-37``; as ``sin(r)`` with ``r = pi (s + 1)/2``, ``r >= 0`` and
    ``pi - r = pi (1 - s)/2 >= 0`` are enclosed exactly (SymPy's ``factor`` takes the ``pi`` out), so
    ``0 <= r <= pi``."""
    if not isinstance(f, (sympy.sin, sympy.cos)):
        return 0
    a = f.args[0] + (sympy.pi / 2 if isinstance(f, sympy.cos) else 0)  # cos(a) = sin(a + pi/2)

    def low(e: sympy.Expr) -> Any:
        with precision(SIGN_PREC):
            return compile_expr(sympy.factor(sympy.expand(e)), symbols)(intervals(box)).a
    try:
        with precision(SIGN_PREC):
            enc = compile_expr(a, symbols)(intervals(box))
        k = math.floor((float(enc.a) + float(enc.b)) / 2 / math.pi)
        r = a - k * sympy.pi  # sin(a) = (-1)^k sin(r)
        if low(r) >= 0 and low(sympy.pi - r) >= 0:
            return -1 if k % 2 else 1
        if low(-r) >= 0 and low(sympy.pi + r) >= 0:
            return 1 if k % 2 else -1
    except (Untraceable, ValueError, ZeroDivisionError, OverflowError, TypeError):
        pass
    return 0


def _poles_as_quotients(expr: sympy.Expr, symbols: list[sympy.Symbol], box: Box) -> sympy.Expr:
    """``expr`` with each ``tan(a)`` (``cot(a)``) that has a pole on ``box`` written ``sin(a)/cos(a)``
    (``cos(a)/sin(a)``): a denominator the normal form can pull out where it has one sign (``tan x - x`` on
    ``[0, pi/2]``)."""
    def poles(n: sympy.Expr) -> bool:
        return isinstance(n, (sympy.tan, sympy.cot)) and bool(n.free_symbols) and not defined_on(n, symbols, box)
    return expr.replace(poles, lambda n: (sympy.sin(n.args[0]) / sympy.cos(n.args[0]) if isinstance(n, sympy.tan)
                                          else sympy.cos(n.args[0]) / sympy.sin(n.args[0])))


def _zero_on(f: sympy.Expr, symbols: list[sympy.Symbol], box: Box) -> bool:
    """Whether ``f`` may be 0 on the whole of ``box``: its enclosure at the box's centre holds 0."""
    mid = [((a + b) / 2, (a + b) / 2) for a, b in box]
    try:
        with precision(SIGN_PREC):
            enc = compile_expr(f, symbols)(intervals(mid))
    except (Untraceable, ValueError, ZeroDivisionError, OverflowError):
        return True
    return bool(enc.a <= 0 <= enc.b)


def defined_on(f: sympy.Expr, symbols: list[sympy.Symbol], box: Box) -> bool:
    """Whether ``f``'s interval enclosure on ``box`` is bounded on a side (the whole line: a node may be undefined)."""
    try:
        with precision(SIGN_PREC):
            enc = compile_expr(f, symbols)(intervals(box))
    except (Untraceable, ValueError, ZeroDivisionError, OverflowError):
        return False
    return not (enc.a == -mpmath.inf and enc.b == mpmath.inf)


def logs_too_high(expr: sympy.Expr) -> bool:
    """Whether ``expr`` has a ``log`` and a rational number with a numerator or denominator above
    :data:`MAX_DEGREE`: ``simplify``'s ``logcombine`` writes ``c log x`` as ``log(x^c)``, and SymPy's assumptions then
    ask the sign of ``x^c - 1`` through its real roots, a dense polynomial of degree ``c`` built uncounted (MetiTarski's
    ``log(X) + 10^-15 + e^-1/(3 X^3)``: ``X^(10^15)``, which never ends)."""
    return expr.has(sympy.log) and any(max(abs(r.p), r.q) > MAX_DEGREE for r in expr.atoms(sympy.Rational))


def is_zero(expr: sympy.Expr, seconds: float = IDENTITY_WORK) -> bool:
    """Whether SymPy's ``simplify`` takes ``expr`` to 0 within ``seconds`` (False when it does not say, and at
    once where the expression is :func:`nonzero_somewhere`); where :func:`logs_too_high`, whether ``cancel`` does,
    after ``together`` (no ``logcombine``)."""
    try:
        with work.limit(seconds):
            if nonzero_somewhere(expr):
                return False
            if exponential_form(expr) == 0:
                return True
            if logs_too_high(expr):
                return sympy.cancel(sympy.together(expr)) == 0
            return sympy.simplify(expr) == 0
    except TimedOut:
        return False
    except (TypeError, ValueError, NotImplementedError, RecursionError, AttributeError):
        return False


#: the most kink conditions (classes of ``Max``/``Min`` nodes with one switching condition) whose cases
#: :func:`is_zero_by_cases` tries: ``2^k`` identities
MOST_KINK_CASES = 3


def _switch(a: sympy.Expr, b: sympy.Expr) -> tuple[sympy.Expr, int] | None:
    """``(k, s)`` with ``sign(a - b) = s sign(k)`` everywhere, ``k`` the numerator of ``a - b`` without the factors
    SymPy's assumptions call positive, its sign set by its leading term (so ``p - 1/tau`` and ``1 - p tau`` give the
    same ``k``); None where that does not reduce to such a form."""
    num, den = sympy.fraction(sympy.together(a - b))
    if not den.is_positive:
        return None
    coeff, factors = sympy.factor_terms(num).as_coeff_mul()
    kept = [f for f in factors if not f.is_positive]
    if not coeff.is_Rational or coeff == 0 or any(f.is_negative for f in kept):
        return None
    k = sympy.expand(sympy.Mul(*kept))
    try:
        lead = sympy.Poly(k, *sorted(k.free_symbols, key=str)).LC() if k.free_symbols and k.is_polynomial() else 1
    except BasePolynomialError:
        lead = 1
    s = (1 if coeff > 0 else -1) * (1 if lead > 0 else -1)
    return (k if lead > 0 else -k), s


def is_zero_by_cases(expr: sympy.Expr, seconds: float = IDENTITY_WORK) -> bool:
    """Whether ``expr`` is 0 wherever it is defined, case by case over its kinks: each two-argument ``Max``/``Min``
    switches where ``a - b`` changes sign, and nodes whose switching numerators agree up to positive factors switch
    together (``Max(p, 1/tau)`` and ``Min(1, p tau)`` for ``tau > 0``); ``expr`` with every node replaced by its
    active argument is 0 (:func:`is_zero`) for each of the ``2^k`` sign cases of the ``k`` conditions (at most
    :data:`MOST_KINK_CASES`; else :func:`is_zero` on the whole). Sound: at every point each condition has a sign (at 0
    both arguments are equal), and there ``expr`` equals that case's expression. False where it cannot say."""
    nodes = [n for n in expr.atoms(sympy.Max, sympy.Min)]
    if not nodes or any(len(n.args) != 2 or any(a.has(sympy.Max, sympy.Min) for a in n.args) for n in nodes):
        return is_zero(expr, seconds)
    conditions: list[sympy.Expr] = []
    switch: dict[sympy.Expr, tuple[int, int]] = {}
    for n in nodes:
        got = _switch(*n.args)
        if got is None:
            return is_zero(expr, seconds)
        k, s = got
        if k not in conditions:
            conditions.append(k)
        switch[n] = (conditions.index(k), s)
    if len(conditions) > MOST_KINK_CASES:
        return is_zero(expr, seconds)
    for case in range(2 ** len(conditions)):
        signs = [1 if (case >> i) & 1 else -1 for i in range(len(conditions))]
        def active(n: sympy.Expr) -> sympy.Expr:
            i, s = switch[n]
            a_above = s * signs[i] > 0  # a - b >= 0 in this case
            return n.args[0] if a_above == isinstance(n, sympy.Max) else n.args[1]
        if not is_zero(expr.replace(lambda n: n in switch, active), seconds / 2 ** len(conditions)):
            return False
    return True


def _values(syms: list[sympy.Symbol], ends: dict[sympy.Symbol, Any]) -> list[dict[sympy.Symbol, sympy.Rational]]:
    """Simple rational points of the box (``ends``: each coordinate's interval): small numbers first, then its ends
    and centre, the ``k``-th candidate of every coordinate together."""
    cands = []
    for s in syms:
        lo, hi = ends[s]
        vals = [sympy.Rational(v) for v in (1, 0, sympy.Rational(1, 2), -1, 2)]
        vals += [sympy.Rational(lo.numerator, lo.denominator), sympy.Rational(hi.numerator, hi.denominator)]
        vals.append((vals[-2] + vals[-1]) / 2)
        cands.append([v for v in vals if lo <= v <= hi])
    return [{s: c[min(k, len(c) - 1)] for s, c in zip(syms, cands)} for k in range(max(map(len, cands)))]


def constant_sign(expr: sympy.Expr, symbols: list[sympy.Symbol], box: Box, seconds: float = IDENTITY_WORK,
                  inside: Callable[[list[sympy.Expr]], bool] | None = None) -> int | None:
    """The sign (``1``, ``0`` or ``-1``) of ``expr`` on the whole box where it is constant there, None where that is
    not shown: every partial derivative simplifies to 0 and its interval enclosure on the box is finite (a bounded
    derivative: the margin is Lipschitz, so continuous, on the connected box; ``atan(1/x)`` jumps at 0, where its
    derivative is unbounded), or, where ``inside`` says the margin and its derivatives are continuous on the box
    without its open ends (:func:`paper_checks.prover.tracing.normal_form.continuous_inside`: MetiTarski's
    ``atan(X) + atan(Y) <= atan((X + Y)/(1 - XY))`` on ``-1 < X < Y < 1``, where ``1 - XY`` is 0 at the open corner
    ``(-1, -1)`` only), so the margin has its value at any point of the box everywhere there (a point of a closed end
    too, where it is defined: its nodes are continuous wherever they are defined). That value is read at a simple
    rational point of the box: its sign where its interval enclosure (:data:`SIGN_PREC` bits) has one, ``0`` where
    ``simplify`` takes it to 0 (``pi/2 - atan(x) - atan(1/x)`` for ``x > 0``, which ``simplify``
    cannot take to 0 itself). A derivative plainly not 0 at a simple point of the box (floating point) or at
    :func:`probe_point` (:func:`nonzero_somewhere`), or with no finite value at any simple point, ends it at once.

    A margin whose :func:`exponential_form` is a real number is that constant wherever it is defined, with no
    derivative taken: MetiTarski's ``sin(X - Y) + sin(X + Y) + 0.01 - 2 sin(X) cos(Y)`` (``sin-cos-2var7``) is
    ``1/100`` in every chart of its region, so decided before any box."""
    syms = [s for s in symbols if s in expr.free_symbols]
    if not syms or has_branches(expr):
        return None
    ends = {s: box[symbols.index(s)] for s in syms}
    try:
        with work.limit(seconds):
            form = exponential_form(expr)
            if form is not None and form.is_number and not form.has(sympy.I):
                return _number_sign(form)
            ivs = intervals(box)
            slopes = [derivative(expr, s) for s in syms]
            rational = [d.is_rational_function(*d.free_symbols) for d in slopes]
            for d, q in zip(slopes, rational):  # every plainly nonzero slope first: it spares the others' simplify
                at = compile_expr(d, symbols)
                vals = [_at_point(at, pt, symbols, box) for pt in _values(syms, ends)]  # a tenth of evalf's work
                finite = [v for v in vals if v is not None and mpmath.isfinite(v.a) and mpmath.isfinite(v.b)]
                if not finite or any(v.a > 1e-12 or v.b < -1e-12 for v in finite) or (not q and nonzero_somewhere(d)):
                    return None
            bounded = True
            for d, q in zip(slopes, rational):
                # a rational slope (atan's, a polynomial's) is 0 where its numerator expands to 0: half of cancel's
                # work, a fraction of simplify's (the atan sum's slopes in its triangle's chart: 1.4 units, not 3.6)
                if (sympy.expand(sympy.fraction(sympy.together(d))[0]) != 0) if q else sympy.simplify(d) != 0:
                    return None
                enc = compile_expr(d, symbols)(ivs)
                bounded = bounded and mpmath.isfinite(enc.a) and mpmath.isfinite(enc.b)
            if not bounded and (inside is None or not inside([expr, *slopes])):
                return None
            for pt in _values(syms, ends):
                at = expr.xreplace(pt)
                if at.has(sympy.nan, sympy.zoo, sympy.AccumBounds):  # a pole, or atan(2/0) at an open end
                    continue
                sign = _number_sign(at)
                if sign is not None:
                    return sign
            return None
    except (TimedOut, Untraceable, TypeError, ValueError, ZeroDivisionError, NotImplementedError, RecursionError,
            AttributeError):
        return None


def _at_point(at: Any, pt: dict[sympy.Symbol, Any], symbols: list[sympy.Symbol], box: Box) -> Any:
    """The compiled expression ``at`` in interval arithmetic at the point ``pt`` (the other coordinates on their
    intervals of ``box``), None where it is undefined there (a pole at an end of the box)."""
    try:
        return at(intervals([(pt[s], pt[s]) if s in pt else b for s, b in zip(symbols, box)]))
    except (ZeroDivisionError, ValueError, TypeError, OverflowError):
        return None


def _number_sign(c: sympy.Expr) -> int | None:
    """The sign of the real number ``c``: by its interval enclosure (:data:`SIGN_PREC` bits) where that has one,
    ``0`` where ``simplify`` takes it to 0, None otherwise."""
    with precision(SIGN_PREC):
        v = compile_expr(c, [])([])
    if mpmath.isfinite(v.a) and v.a > 0:
        return 1
    if mpmath.isfinite(v.b) and v.b < 0:
        return -1
    return 0 if sympy.simplify(c) == 0 else None


def distinct(a: sympy.Expr, b: sympy.Expr) -> bool:
    """Whether ``b`` is another margin than ``a``, not the same one written otherwise (``(1 - t) x + 1`` and
    ``x - t x + 1`` in a base): their difference does not expand to 0 within :data:`SAME_WORK` (a sweep of
    the same margin twice would spend its time twice for nothing)."""
    if a == b:
        return False
    try:
        with work.limit(SAME_WORK):
            return sympy.expand(a - b) != 0
    except (TimedOut, TypeError, ValueError, NotImplementedError, RecursionError):
        return True


def _normal(expr: sympy.Expr) -> tuple[sympy.Expr, list[tuple[sympy.Expr, int]], sympy.Expr]:
    """``(coefficient, [(factor, power)], normal form)`` of ``expr``: denominators cleared, terms collected."""
    e = sympy.together(expr)
    if expr.is_rational_function(*expr.free_symbols):
        e = sympy.cancel(e)
    if e.is_number:
        return e, [], e
    num, den = sympy.fraction(e)
    # like terms collected without rewriting powers (3^(1-q) stays, it does not move to the denominator)
    num = sympy.expand(num, power_exp=False, power_base=False, log=False)
    den = sympy.expand(den, power_exp=False, power_base=False, log=False)
    e = num / den
    if e == 0:
        return e, [], e
    cn, fn = _factor_list(num)
    cd, fd = _factor_list(den)
    fix = _as_written(expr)
    return cn / cd, [(fix(f), k) for f, k in fn] + [(fix(f), -k) for f, k in fd], e


def _as_written(expr: sympy.Expr) -> Callable[[sympy.Expr], sympy.Expr]:
    """What puts back, in a factor SymPy's polynomials wrote, the bases of the roots of ``expr`` as ``expr`` writes
    them: factoring expands every argument, and ``sqrt((B - g)^2 + 1)`` expanded, ``sqrt(B^2 - 2 B g + g^2 + 1)``,
    encloses below 0 on a box, where the root is undefined in interval arithmetic (``atan-problem-2-weakT``'s radicand
    after its gap's shift)."""
    written: dict[sympy.Expr, sympy.Expr] = {}
    for a in expr.atoms(sympy.Pow):  # roots only: a log's argument put back left the JS class sum's identity to
        if not a.exp.is_Integer:     # simplify, which did not take it to 0 within its work
            wide = a.base.expand()
            if wide != a.base:
                written.setdefault(wide, a.base)
    if not written:
        return lambda f: f

    def fix(f: sympy.Expr) -> sympy.Expr:
        f = written.get(f, f)  # a root's base, a factor with its power apart
        return f.replace(lambda n: isinstance(n, sympy.Pow) and not n.exp.is_Integer,
                         lambda n: n.func(written.get(n.base, n.base), n.exp))

    return fix


#: the highest degree the normal form factors: ``exp(10**6 x) - 1`` is a polynomial of degree 10^6 in ``exp(x)``, whose
#: factoring is one C call that no limit can stop (it ran for minutes and grew past 2.8 GB); left as written
MAX_DEGREE = 400


def too_high(e: sympy.Expr) -> bool:
    """Whether ``e`` is of a degree above :data:`MAX_DEGREE` in some generator: an integer power above it, or an
    exponential whose argument has a term ``(p/q) r`` with ``p`` or ``q`` above it (read without expanding): SymPy's
    polynomials take ``exp(r/q)`` as the generator and ``exp((p/q) r)`` as its ``p``-th power, built uncounted. So it
    is for a coordinate ``r``, for ``r = sqrt 2`` in a ground statement (MetiTarski's ``exp(0.69314718056 sqrt 2) <
    e``: degree 69,314,718,056) and for ``r = 1`` (MetiTarski's ``log(X + exp(1.0001))``: ``exp(1/10000)`` to the
    power 10001, whose factoring ran past a 150 s net at 0.13 units of work; ``x + exp(5000)`` alike). A chart writes
    ``exp(-258222872 X)`` (MetiTarski's Tunnel-1-IL-L) as ``exp(-258222872 u/(1 - u))``, whose factoring ran
    uncounted for minutes."""
    for a in e.atoms(sympy.Pow, sympy.exp):
        if isinstance(a, sympy.exp):
            terms = (t.as_coeff_Mul() for t in sympy.Add.make_args(a.args[0]))
            if any(c.is_Rational and max(abs(c.p), c.q) > MAX_DEGREE for c, _ in terms):
                return True
        elif a.exp.is_Integer and abs(a.exp) > MAX_DEGREE:
            return True
    return False


def _factor_list(e: sympy.Expr) -> tuple[sympy.Expr, list[tuple[sympy.Expr, int]]]:
    if e.is_number:
        return e, []
    if too_high(e):
        return sympy.Integer(1), [(e, 1)]
    try:
        c, fs = sympy.factor_list(e)
    except BasePolynomialError:  # 3^q: a number to a symbolic power
        return sympy.Integer(1), [(e, 1)]
    except TypeError:  # b^((2 - r)/(r - 1)): SymPy's factor_list compares a symbolic exponent with 1 and fails
        c, rest = e.as_coeff_Mul()
        return c, [(b, x) for b, x in (a.as_base_exp() for a in sympy.Mul.make_args(rest))]
    return sympy.sympify(c), fs


def reduce(expr: sympy.Expr, symbols: list[sympy.Symbol], box: Box, seconds: float = NORMAL_WORK,
           inside: Callable[[list[sympy.Expr]], bool] | None = None) -> Reduction:
    """The margin ``expr`` on ``box`` in normal form, with its identity or factors of known sign decided
    (see the module docstring; ``inside``: for :func:`constant_sign`). Never raises: a margin
    SymPy cannot rewrite in ``seconds`` is kept as written."""
    expr = sympy.sympify(expr)
    # of too high a degree (too_high): SymPy's simplify and its assumptions build the same polynomial as factoring
    if has_branches(expr) or sympy.count_ops(expr) > MAX_OPS or expr.has(sympy.nan, sympy.zoo) or too_high(expr):
        return Reduction(expr, expr, "as written")
    try:
        with work.limit(seconds):
            squares = squares_under_roots(expr)
            base = expr if squares is None else squares
            lin = linearized(base)
            coeff, facs, normal = _normal(_poles_as_quotients(base if lin is None else lin, symbols, box))
    except TimedOut:
        return Reduction(expr, expr, "as written", how=f"no normal form within {seconds} s")
    except (BasePolynomialError, TypeError, ValueError, NotImplementedError, RecursionError, AttributeError):
        return Reduction(expr, expr, "as written")
    if normal == 0 or (not normal.is_number and is_zero(expr)):
        return Reduction(expr, sympy.Integer(0), "identity", decided="proved",
                         how="the margin simplifies to 0 (SymPy: together, cancel, simplify)")
    const = None if normal.is_number else constant_sign(expr, symbols, box, inside=inside)
    if const == 0:
        return Reduction(expr, sympy.Integer(0), "identity", decided="proved",
                         how="the margin is constant (its derivatives simplify to 0 and are bounded on the box) "
                             "and 0 at a point")
    if const is not None:
        return Reduction(expr, expr, "constant", decided="proved" if const > 0 else "negative",
                         how="the margin is constant (its derivatives simplify to 0 and are bounded on the box) "
                             f"and {'> 0' if const > 0 else '< 0'} at a point")
    if not coeff.is_Rational:
        return Reduction(expr, normal, "normal form")
    known = [Factor(abs(coeff), 1, 1, "constant")] if abs(coeff) != 1 else []
    sign = 1 if coeff >= 0 else -1
    rest = sympy.Integer(1)
    for f, k in facs:
        s, why = factor_sign(f, k, symbols, box)
        if s:
            known.append(Factor(f, k, s, why))
            sign *= s
        else:
            rest *= f ** k
    reduced = sign * rest
    if rest == 1 or rest.is_number:
        ok = bool(reduced >= 0)
        return Reduction(expr, reduced, "known sign", known, "proved" if ok else "negative",
                         how=f"every factor has a known sign; the margin is {'>=' if ok else '<='} 0")
    if isinstance(rest, sympy.Add) and all(term_sign(t, symbols, box) == sign for t in rest.args):
        return Reduction(expr, sympy.Add(*[sign * t for t in rest.args]), "terms of known sign", known, "proved",
                         how="every factor has a known sign, and every term of what is left is >= 0")
    kind = "factored" if known else "normal form"
    return Reduction(expr, reduced, kind, known)


def term_sign(term: sympy.Expr, symbols: list[sympy.Symbol], box: Box) -> int:
    """The sign of one term of a sum on ``box`` (+1 ``>= 0``, -1 ``<= 0``, 0 unknown): the product of its factors'
    signs (:func:`factor_sign`), a power ``b^e`` whose exponent is no integer counted ``>= 0`` where its base is and
    its exponent too (a value in ``[0, 1]`` for ``b`` in ``[0, 1]``, ``0^0 = 1``: ``p^a q^(1 - a)`` of a Chernoff
    coefficient, Renyi's divergence, for ``p``, ``q``, ``a`` in ``[0, 1]``; no pole ``0^(-1/2)``), or where its base
    is ``> 0``."""
    coeff, factors = term.as_coeff_mul()
    sign = 1 if coeff > 0 else -1 if coeff < 0 else 0
    for f in factors:
        b, e = f.as_base_exp()
        if e.is_Integer:
            s, _ = factor_sign(b, int(e), symbols, box)
        else:
            s = 1 if _positive(b, symbols, box) or (_nonnegative(b, symbols, box) and _nonnegative(e, symbols, box)) \
                else 0
        if s == 0:
            return 0
        sign *= s
    return sign


def _nonnegative(f: sympy.Expr, symbols: list[sympy.Symbol], box: Box) -> bool:
    """Whether ``f`` is ``>= 0`` on ``box``: SymPy's assumptions, or its rigorous interval enclosure there."""
    if f.is_nonnegative:
        return True
    low = _enclosed_low(f, symbols, box)
    return low is not None and low >= 0


def undefined_notes(reductions: list[list[Reduction]]) -> list[str]:
    """What a proof says of the points where a denominator pulled out of the margin is 0 (:data:`ZERO_ON_BOX`)."""
    out: list[str] = []
    for red in (r for rs in reductions for r in rs):
        for f in red.factors:
            note = (f"where {f.expr} = 0 the margin is undefined as written (a pole, or a form such as 0/0); it is "
                    f">= 0 at every other point of the domain, so each of its limits there is >= 0")
            if f.why == ZERO_ON_BOX and note not in out:
                out.append(note)
    return out


def check_reduction(red: Reduction, traced: sympy.Expr, symbols: list[sympy.Symbol], box: Box,
                    inside: Callable[[list[sympy.Expr]], bool] | None = None) -> list[str]:
    """Re-derive a :class:`Reduction` of the freshly traced margin ``traced`` (empty: it holds): the
    recorded original is the margin, ``original == known * reduced`` exactly, every factor has its sign
    on ``box`` again, and an identity or known sign decides what it says (``inside``: as :func:`reduce`'s)."""
    problems = []
    if red.original != traced and not is_zero(red.original - traced):
        problems.append("the recorded margin is not the traced one")
    if red.kind == "as written":
        return problems + ([] if red.reduced == traced else ["a margin kept as written was changed"])
    if red.kind == "identity":
        zero = (sympy.cancel(sympy.together(traced)) == 0 or sympy.simplify(traced).equals(0)
                or constant_sign(traced, symbols, box, inside=inside) == 0)
        return problems + ([] if zero else ["the margin is not identically 0 again"])
    if red.kind == "constant":
        again = constant_sign(traced, symbols, box, inside=inside)
        want = 1 if red.decided == "proved" else -1
        return problems + ([] if again == want else [f"the margin is not a constant of sign {want} again"])
    squares = squares_under_roots(traced)  # re-derived, each radicand's square checked again
    diff = sympy.cancel(sympy.together((traced if squares is None else squares) - red.known * red.reduced))
    if diff != 0 and not is_zero(diff):
        problems.append(f"the margin is not (known factors) * (reduced): the difference is {diff}")
    for f in red.factors:
        s, _ = factor_sign(f.expr, f.power, symbols, box)
        if s != f.sign:
            problems.append(f"the factor {f.expr}^{f.power} has not the sign {f.sign} on the box again")
    if red.kind == "terms of known sign":
        if not all(term_sign(t, symbols, box) == 1 for t in sympy.Add.make_args(red.reduced)):
            problems.append(f"a term of {red.reduced} has not the sign >= 0 on the box again")
        return problems
    if red.decided == "proved" and not (red.reduced.is_number and red.reduced >= 0):
        problems.append(f"a margin decided by known signs leaves {red.reduced}, not a constant >= 0")
    return problems
