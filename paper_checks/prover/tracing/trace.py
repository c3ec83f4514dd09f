"""A claim's exact margin traced on SymPy symbols and compiled to rigorous interval arithmetic.

The margin a claim declares (``SearchSpace.exact_margin``) is called once on a point of SymPy symbols
(:func:`symbolic_point`); the expression it returns is compiled, node by node against a whitelist (:data:`NODES`),
into a function of intervals evaluated with ``mpmath.iv`` (outward rounded interval arithmetic; Moore, Kearfott &
Cloud 2009, "Introduction to Interval Analysis", ch. 5). Nothing is ``eval``-ed: a node outside the whitelist raises
:class:`Untraceable`, and the prover then says so instead of guessing.

An interval result contains every value the expression takes on the box, in the extended reals: a margin that tends to
``+oo`` at the boundary (``-log p`` at ``p = 0``) counts as ``>= 0`` there, as a loss that is infinite at a vertex
does. Where an argument leaves a function's domain (``log`` or ``sqrt`` of a negative part, a division by an interval
holding 0) the result is the whole line, which decides nothing and is never a proof.
"""
from __future__ import annotations

import math
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from fractions import Fraction
from typing import Any

import mpmath
import sympy
from sympy.core.relational import Relational

from paper_checks.prover.enclosures import clarke, functions

# hull, precision and Untraceable are re-exported: the other modules import them from here
from paper_checks.prover.enclosures.enclose import (  # noqa: F401
    IV,
    Fn,
    Interval,
    Untraceable,
    const,
    const_at_precision,
    hull,
    precision,
    whole,
)
from paper_checks.prover.tracing import unbounded
from paper_checks.prover.tracing.symbols import Coordinate, sign_assumptions, simplex_symbols
from paper_checks.search.params import Integer, Point, Real, SearchSpace, Sign, SimplexPoint, StochasticMatrix

#: the most faces a traced margin keeps compiled
FACE_CACHE = 4096


class OffDomain(Exception):
    """Raised inside a compiled expression where a node's argument may leave its domain on the box (the log
    or a non-integer power of a part below 0, ``u^u`` with ``u < 0`` somewhere, a division by an interval
    holding 0 inside): caught only at the top (:func:`compile_expr`), whose value is then the whole line.
    Not a ``ValueError``: no node handler turns it into a value that a later node (``exp``, ``Abs``, an even
    power, ``Max``) could narrow to something that looks bounded below."""


class Pole(OffDomain):
    """A division by an interval holding 0 inside: the quotient is a pole of the extended reals there (a
    denominator's guard lets it touch 0 without changing sign, :mod:`paper_checks.prover.tracing.defined`) or only
    looks like one (the interval's dependency). A function with a limit at both infinities (:data:`LIMITED`) is then
    still in its range."""


# ------------------------------------------------------------------ node handlers
def _power(b: Interval, e: sympy.Expr, e_fn: Fn | None, v: Sequence[Interval]) -> Interval:
    """``b ** e``: integer exponents directly; other exponents only on a non-negative base."""
    if e_fn is None and e.is_Integer:
        n = int(e)
        if n < 0 and b.a <= 0 <= b.b:
            if b.a < 0 < b.b:
                raise Pole("a division by an interval holding 0")
            if b.a == b.b:
                return whole()
            # a pole at an end only (1/p on [0, h]): b^n runs from its value at the other end to the
            # pole's limit, +oo (or -oo for an odd power of a non-positive base), as log 0 = -oo does
            end = (IV.mpf(b.b) if b.a == 0 else IV.mpf(b.a)) ** n
            if b.a == 0 or n % 2 == 0:
                return IV.mpf([end.a, mpmath.inf])
            return IV.mpf([-mpmath.inf, end.b])
        return b ** n
    if b.a < 0:
        raise OffDomain("a non-integer power of a negative part")
    if e_fn is None:  # a constant exponent: monotone in the base, exact at the endpoints
        if e == sympy.Rational(1, 2):
            return IV.sqrt(b)
        x = const_at_precision(e)
        if b.a == 0:
            if x.b < 0 and b.b > 0:  # a pole at the low end only (x^(-1/2) on [0, h]): from h^e up to its limit +oo
                return IV.mpf([(IV.mpf(b.b) ** x).a, mpmath.inf])
            if x.a <= 0:
                return whole()
            lo = IV.mpf(0)
            top = IV.mpf(b.b) ** x
            return IV.mpf([lo.a, top.b])
        return IV.exp(x * IV.log(b))
    x = e_fn(v)
    if b.a == 0:  # x^e on [0, b]: increasing in the base for e > 0, decreasing for e < 0
        if b.b == 0:
            return IV.mpf(0) if x.a > 0 else IV.mpf([0, 1]) if x.a == 0 else whole()
        top = IV.exp(x * IV.log(IV.mpf(b.b)))
        if x.a > 0:
            return IV.mpf([0, top.b])
        if x.a == 0:  # exponents from 0 up (q in (0, 1] at its open end): b^e in [0, b^e] for e > 0, and b^0 = 1
            return IV.mpf([0, max(top.b, 1)])  # (0^0 = 1, as SymPy has it)
        if x.b < 0:
            return IV.mpf([top.a, mpmath.inf])
        return whole()
    return IV.exp(x * IV.log(b))


def _guard(fn: Callable[[Interval], Interval]) -> Callable[[Interval], Interval]:
    def safe(x: Interval) -> Interval:
        try:
            return fn(x)
        except (ValueError, ZeroDivisionError, OverflowError):
            return whole()
    return safe


def _off_domain(fn: Callable[[Interval], Interval]) -> Callable[[Interval], Interval]:
    """``fn`` of :mod:`paper_checks.prover.enclosures.functions`, its ``OutsideDomain`` raised as :class:`OffDomain`."""
    def checked(x: Interval) -> Interval:
        try:
            return fn(x)
        except functions.OutsideDomain as exc:
            raise OffDomain(str(exc)) from None
    return checked


_UNARY: dict[type, Callable[[Interval], Interval]] = {
    sympy.exp: _guard(IV.exp), sympy.log: _guard(_off_domain(functions.log)), sympy.Abs: functions.absolute,
    **{t: _off_domain(f) for t, f in functions.ENCLOSURES.items()},  # atan, erf, sin, tan, ... (functions.py)
    **unbounded.ENCLOSURES,  # an unbounded interval's chart (:mod:`paper_checks.prover.tracing.unbounded`)
}
#: the SymPy node types a margin may use (anything else raises :class:`Untraceable`)
NODES = ("Symbol", "Integer", "Rational", "Float", "pi", "E", "Add", "Mul", "Pow", "exp", "log", "Abs", "Max", "Min",
         *functions.NAMES, "cot", "sec", "csc", "Piecewise")
#: the trigonometric functions traced as quotients of ``sin`` and ``cos`` (:func:`as_sine_cosine`)
RECIPROCAL_TRIG = (sympy.cot, sympy.sec, sympy.csc)


def as_sine_cosine(e: sympy.Expr) -> sympy.Expr:
    """``cot(a)``, ``sec(a)``, ``csc(a)`` as ``cos(a)/sin(a)``, ``1/cos(a)``, ``1/sin(a)`` (SymPy keeps these
    products as they are)."""
    a = e.args[0]
    return (sympy.cos(a) / sympy.sin(a) if isinstance(e, sympy.cot) else 1 / sympy.cos(a) if isinstance(e, sympy.sec)
            else 1 / sympy.sin(a))


def compile_expr(expr: Any, symbols: Sequence[sympy.Symbol]) -> Fn:
    """A function of one interval per symbol (in the order of ``symbols``) enclosing ``expr``'s values."""
    index = {s: i for i, s in enumerate(symbols)}
    fn = _compile(sympy.sympify(expr), index)

    def top(v: Sequence[Interval]) -> Interval:
        try:
            return fn(v)
        except OffDomain:  # a node may be undefined on the box: nothing is known, least of all a lower bound
            return whole()
    return top


def _compile(e: sympy.Expr, index: dict[sympy.Symbol, int]) -> Fn:
    if e.is_Symbol:
        if e not in index:
            raise Untraceable(f"the margin depends on {e}, which is no coordinate of the domain")
        i = index[e]
        return lambda v: v[i]
    if e is sympy.I:
        raise Untraceable("the margin is not real: it holds the imaginary unit I (the log or a root of a "
                          "negative number), so it is undefined on the domain there")
    if e is sympy.zoo or e is sympy.nan:
        raise Untraceable(f"the margin is undefined there ({e}: a pole, or a form such as 0/0 or 0 log 0)")
    if e.is_Number or e.is_NumberSymbol:
        c = const(e)
        return lambda v: c
    if e.is_Mul:
        return _compile_mul(e, index)
    if isinstance(e, sympy.Piecewise):
        return _compile_piecewise(e, index)
    args = [_compile(a, index) for a in e.args] if not e.is_Pow else []
    if e.is_Add:
        return lambda v: _fold_add([f(v) for f in args])
    if e.is_Pow:
        return _compile_pow(e, index)
    if isinstance(e, (sympy.Max, sympy.Min)):
        red = functions.maximum if isinstance(e, sympy.Max) else functions.minimum
        return lambda v: red([f(v) for f in args])
    if isinstance(e, sympy.Heaviside) and e.args[1:] in ((), (sympy.Rational(1, 2),)):  # SymPy's H(0) = 1/2
        step = args[0]
        return lambda v: functions.heaviside(step(v))
    if isinstance(e, RECIPROCAL_TRIG):  # tan(pi/2 + a) is cot(a) to SymPy: each through sin and cos, where a pole
        return _compile(as_sine_cosine(e), index)  # is a division by 0 (at an end, the extended reals' +-oo)
    fn = _UNARY.get(type(e))
    if fn is not None and len(args) == 1:
        (a,) = args
        if isinstance(e, LIMITED):
            return _in_range(fn, a)
        return lambda v: fn(a(v))
    raise Untraceable(f"the node {type(e).__name__} ({e}) is not in the whitelist {', '.join(NODES)}")


def _in_range(fn: Callable[[Interval], Interval], a: Fn) -> Fn:
    """``fn`` of ``a``, or ``fn`` of the whole line (its closed range, the limits included) where ``a`` meets a
    :class:`Pole`: ``atan(P/Q)`` of ellipse-check-1 on ``[0.17, 0.2]``, where ``Q`` (coefficients of ``10^27``, its
    root at 0.1669) is enclosed across 0 by the interval's dependency alone."""
    def bounded(v: Sequence[Interval]) -> Interval:
        try:
            x = a(v)
        except Pole:
            return fn(whole())
        return fn(x)
    return bounded


#: the functions with a limit at both infinities: at a pole of the argument (the extended reals' +-oo) their value is
#: a limit, so in their enclosure of the whole line; ``sin`` and ``cos`` have none there
LIMITED = (sympy.atan, sympy.tanh, sympy.erf, sympy.erfc)


Tri = Callable[[Sequence[Interval]], "bool | None"]  # a condition on a box: True, False, or None (undecided)


def _compile_condition(c: Any, index: dict[sympy.Symbol, int]) -> Tri:
    """A ``Piecewise`` condition decided on a box: True or False where it holds or fails at every point, None
    where it is not decided (a comparison's two sides overlap; an argument outside its domain)."""
    if c is sympy.true or c is sympy.false:
        return lambda v: bool(c)
    if isinstance(c, (sympy.And, sympy.Or)):
        parts = [_compile_condition(a, index) for a in c.args]
        if isinstance(c, sympy.And):
            return lambda v: _and([f(v) for f in parts])
        return lambda v: _or([f(v) for f in parts])
    if isinstance(c, sympy.Not):
        inner = _compile_condition(c.args[0], index)
        return lambda v: None if (r := inner(v)) is None else not r
    if isinstance(c, (sympy.StrictLessThan, sympy.LessThan, sympy.StrictGreaterThan, sympy.GreaterThan)):
        lo_hi = c.lhs - c.rhs if isinstance(c, (sympy.StrictLessThan, sympy.LessThan)) else c.rhs - c.lhs
        diff = _compile(lo_hi, index)  # the condition says diff < 0 (strict) or diff <= 0
        strict = isinstance(c, (sympy.StrictLessThan, sympy.StrictGreaterThan))

        def rel(v: Sequence[Interval]) -> bool | None:
            d = diff(v)
            if (d.b < 0) or (not strict and d.b <= 0):
                return True
            if (d.a > 0) or (strict and d.a >= 0):
                return False
            return None
        return rel
    raise Untraceable(f"the condition {c} ({type(c).__name__}) is not in the whitelist of Piecewise conditions "
                      "(<, <=, >, >=, And, Or, Not)")


def _and(parts: list[bool | None]) -> bool | None:
    return False if False in parts else (True if all(p is True for p in parts) else None)


def _or(parts: list[bool | None]) -> bool | None:
    return True if True in parts else (False if all(p is False for p in parts) else None)


def _compile_piecewise(e: sympy.Piecewise, index: dict[sympy.Symbol, int]) -> Fn:
    """``Piecewise((e1, c1), (e2, c2), ...)`` on a box: the first branch whose condition holds on the whole box,
    else the hull of every branch that may apply there (undecided conditions up to the first that holds); the
    whole line where no branch applies (the expression is undefined there)."""
    branches = [(_compile(b, index), _compile_condition(c, index)) for b, c in e.args]

    def pw(v: Sequence[Interval]) -> Interval:
        parts = []
        for val, cond in branches:
            holds = cond(v)
            if holds is False:
                continue
            parts.append(val(v))
            if holds is True:
                break
        else:  # no branch certainly applies: at some point of the box none may (undefined there)
            return whole()
        if len(parts) == 1:
            return parts[0]
        return IV.mpf([min(p.a for p in parts), max(p.b for p in parts)])
    return pw


def _compile_mul(e: sympy.Mul, index: dict[sympy.Symbol, int]) -> Fn:
    """A product; a factor ``u`` beside ``log(u)`` is enclosed as ``u log u`` (:func:`functions.xlogx`)."""
    factors = list(e.args)
    pairs = []
    for f in list(factors):
        if isinstance(f, sympy.log) and f.args[0] in factors and f in factors:
            factors.remove(f)
            factors.remove(f.args[0])
            pairs.append(_compile(f.args[0], index))
    args = [_compile(a, index) for a in factors]
    if not pairs:
        return lambda v: _fold_mul([f(v) for f in args])
    return lambda v: _fold_mul([_guard(_off_domain(functions.xlogx))(u(v)) for u in pairs] + [f(v) for f in args])


def _compile_pow(e: sympy.Pow, index: dict[sympy.Symbol, int]) -> Fn:
    base, ex = e.args
    if base == ex:  # u^u = exp(u log u): 1 at u = 0 (its limit), where a power of an interval holding 0 is not bounded
        u_fn = _compile(base, index)
        return lambda v: _guard(IV.exp)(_guard(_off_domain(functions.xlogx))(u_fn(v)))
    b_fn = _compile(base, index)
    e_fn = None if ex.is_number else _compile(ex, index)
    if ex.is_number and not ex.is_Rational:
        const(ex)  # an irrational constant exponent must itself be in the whitelist

    def pw(v: Sequence[Interval]) -> Interval:
        try:
            return _power(b_fn(v), ex, e_fn, v)
        except (ValueError, ZeroDivisionError, OverflowError):
            return whole()
    return pw


def _fold_add(parts: list[Interval]) -> Interval:
    out = parts[0]
    for p in parts[1:]:
        out = out + p
    return out


def _fold_mul(parts: list[Interval]) -> Interval:
    out = parts[0]
    for p in parts[1:]:
        out = out * p
    return out


# ------------------------------------------------------------------ the symbolic point
def symbolic_point(space: SearchSpace, integers: dict[str, int],
                   eliminated: dict[str, tuple[int, ...]]) -> tuple[Point, list[Coordinate]]:
    """The point of symbols the margin is traced on, and its free coordinates in order.

    ``integers`` fixes every ``Integer`` parameter; ``eliminated[name]`` says, for each simplex
    row of a ``SimplexPoint`` (one row) or ``StochasticMatrix``, which coordinate is written
    as one minus the others (:mod:`paper_checks.prover.enclosures.boxes` chooses it so that it is the
    largest and the others range over ``[0, 1/2]``).
    """
    point: Point = {}
    coords: list[Coordinate] = []
    for p in space.params:
        if isinstance(p, (Integer, Sign)):
            point[p.name] = sympy.Integer(integers[p.name])
        elif isinstance(p, Real) and p.pinned:  # one value: substituted, no coordinate
            point[p.name] = sympy.Rational(p.low)
        elif isinstance(p, Real):
            s = sympy.Symbol(p.name, **sign_assumptions(p.low, p.high, p.open_low, p.open_high))
            point[p.name] = s
            coords.append(Coordinate(s, p.name, (), _open_at(p)))
        elif isinstance(p, SimplexPoint):
            vals, cs = simplex_symbols(p.name, p.dim, eliminated[p.name][0], None)
            point[p.name] = vals
            coords.extend(cs)
        elif isinstance(p, StochasticMatrix):
            rows = []
            for r in range(p.dim):
                vals, cs = simplex_symbols(p.name, p.dim, eliminated[p.name][r], r)
                rows.append(vals)
                coords.extend(cs)
            point[p.name] = sympy.Matrix(rows)
        else:
            raise Untraceable(f"the prover does not know the parameter type {type(p).__name__} ({p.name!r})")
    return point, coords


def _open_at(p: Real) -> tuple[Fraction | None, Fraction | None]:
    """The finite ends of ``p`` that its domain leaves open, exact (:attr:`Coordinate.open_at`)."""
    def end(v: Any, is_open: bool) -> Fraction | None:
        return Fraction(v) if is_open and math.isfinite(v) else None
    return end(p.low, p.open_low), end(p.high, p.open_high)


@dataclass
class Traced:
    """The margin of one piece of the domain, traced and compiled.

    ``value`` encloses the margin on a box; ``grads`` (None when the expression could not be
    differentiated into the whitelist) enclose its partial derivatives. ``gradients`` may be a function that
    derives them: they are then derived at the first use of ``grads`` (by the boxes), not while every piece
    of the domain is traced (GCE's Thm 1: 30 pieces whose derivatives, with ``p^(1/(1-q))``, took seconds each).
    """

    expr: sympy.Expr
    symbols: list[sympy.Symbol]
    value: Fn
    gradients: list[Fn] | None | Callable[[], tuple[list[Fn] | None, str]]
    why_no_grads: str = ""
    faces: dict = field(default_factory=dict, repr=False)  # cache of :func:`face`
    alternatives: list[Traced] | None = None  # for a ``Max``: its arguments (one >= 0 suffices)
    parts: list[Traced] | None = field(default=None, repr=False)  # for a ``Min``: its arguments, compiled once
    kink_tests: list | None = field(default=None, repr=False)  # :func:`clarke.comparators`, compiled at first use
    resolutions: dict = field(default_factory=dict, repr=False)  # cache of :meth:`resolved`

    @property
    def grads(self) -> list[Fn] | None:
        """The partial derivatives' enclosures (derived now if they were left for their first use)."""
        if callable(self.gradients):
            self.gradients, self.why_no_grads = self.gradients()
        return self.gradients

    def resolved(self, v: Sequence[Interval]) -> Traced:
        """The margin on the box of intervals ``v`` with each ``Max``, ``Min`` and ``Abs`` whose active argument is
        the same on the whole box replaced by that argument, symbolically (so SymPy cancels what is then
        identically 0: truncated GCE's ``L_q(p) - L_q(Max(p, k))`` is 0 where ``p >= k``), then the kinks that
        uncovers, in turn; ``self`` where no kink is decided on the box
        (:mod:`paper_checks.prover.enclosures.clarke`)."""
        if self.kink_tests is None:
            self.kink_tests = clarke.comparators(self.expr, self.symbols, compile_expr) \
                if self.expr.has(sympy.Max, sympy.Min, sympy.Abs) else []
        if not self.kink_tests:
            return self
        key = tuple(test(v) for _, test in self.kink_tests)
        if all(i is None for i in key):
            return self
        if key not in self.resolutions:
            if len(self.resolutions) > FACE_CACHE:
                self.resolutions.clear()
            sub = self.expr.xreplace({k: clarke.replacement(k, i) for (k, _), i in zip(self.kink_tests, key)
                                      if i is not None})
            try:
                self.resolutions[key] = self if sub.has(sympy.nan, sympy.zoo) else compile_traced(sub, self.symbols)
            except Untraceable:
                self.resolutions[key] = self
        out = self.resolutions[key]
        return out if out is self else out.resolved(v)

    def face(self, fixed: dict[int, Any]) -> Traced:
        """The margin with coordinates ``fixed`` (index -> exact value) substituted symbolically:
        on a face where it is identically 0, SymPy's own simplification makes it 0."""
        key = tuple(sorted(fixed.items()))
        if key not in self.faces:
            if len(self.faces) > FACE_CACHE:
                self.faces.clear()
            sub = self.expr.xreplace({self.symbols[i]: v for i, v in fixed.items()})
            try:
                self.faces[key] = self if sub.has(sympy.nan, sympy.zoo) else compile_traced(sub, self.symbols)
            except Untraceable:  # undefined on the face as written (0 log 0): the face is bounded as a limit
                self.faces[key] = self
        return self.faces[key]


def domain_bounds(space: SearchSpace, coords: list[Coordinate]) -> dict[sympy.Symbol, Interval]:
    """Each coordinate's declared range (a ``Real``'s ends as the prover's boxes take them, a simplex coordinate
    ``[0, 1]``): a superset of the piece, on which a comparison decided is decided for every point of it."""
    reals = {p.name: p for p in space.params if isinstance(p, Real)}
    out = {}
    for c in coords:
        p = reals.get(c.param)
        if p is None:
            out[c.symbol] = IV.mpf([0, 1])
        elif math.isfinite(p.low) and math.isfinite(p.high):
            out[c.symbol] = hull(sympy.Rational(Fraction(p.low)), sympy.Rational(Fraction(p.high)))
        else:
            out[c.symbol] = whole()
    return out


def decide_on(rel: Any, bounds: dict[sympy.Symbol, Interval]) -> bool | None:
    """``rel`` (``<``, ``<=``, ``>``, ``>=``) decided for every point of ``bounds``: by its two sides' difference
    bounded at 120 bits, else by that difference brought to one fraction (``cancel``: a point of the unit circle
    has norm exactly 1); None where neither decides it."""
    if not isinstance(rel, (sympy.StrictLessThan, sympy.LessThan, sympy.StrictGreaterThan, sympy.GreaterThan)):
        return None
    if not rel.free_symbols <= set(bounds):
        return None
    syms = list(bounds)
    for form in (rel, None):
        if form is None:
            d = sympy.cancel(sympy.together(rel.lhs - rel.rhs))
            if d.is_number:
                return bool(type(rel)(d, 0))
            form = type(rel)(d, 0, evaluate=False)
        try:
            with precision(120):
                verdict = _compile_condition(form, {s: i for i, s in enumerate(syms)})([bounds[s] for s in syms])
        except (Untraceable, ValueError, ZeroDivisionError, OverflowError):
            verdict = None
        if verdict is not None:
            return verdict
    return None


@contextmanager
def decided_comparisons(bounds: dict[sympy.Symbol, Interval]) -> Iterator[None]:
    """Inside the block, Python's ``if`` on a SymPy comparison of the traced symbols (``alpha >= 2``, a norm ``<= 1``)
    takes the branch that holds on the whole domain (:func:`decide_on`); one that differs between points raises
    ``TypeError`` as SymPy does. The path taken is then the margin's code at every point of the domain."""
    original = Relational.__bool__

    def decided(rel: Any) -> bool:
        verdict = decide_on(rel, bounds)
        if verdict is None:
            raise TypeError(f"cannot determine truth value of Relational: {rel}")
        return verdict
    Relational.__bool__ = decided
    try:
        yield
    finally:
        Relational.__bool__ = original


def trace(space: SearchSpace, integers: dict[str, int], eliminated: dict[str, tuple[int, ...]]
          ) -> tuple[Traced, list[Coordinate]]:
    """Trace ``space.exact_margin`` on one piece (:func:`symbolic_point`) and compile it and its gradient.

    Raises :class:`Untraceable` when the margin cannot be called on symbols (e.g. it compares
    them) or uses a node outside the whitelist.
    """
    if space.exact_margin is None:
        raise Untraceable("the claim gives no exact margin")
    point, coords = symbolic_point(space, integers, eliminated)
    try:
        with decided_comparisons(domain_bounds(space, coords)):
            expr = sympy.sympify(space.exact_margin(point))
    except Exception as exc:  # noqa: BLE001  (any failure on symbols means: not traceable)
        hint = (" (a comparison in the margin's code that is not the same on the whole domain: write that branch "
                "as sympy.Piecewise, Max or Min, docs/api.md)" if "truth value of Relational" in str(exc) else "")
        raise Untraceable(f"the exact margin cannot be evaluated on symbols: {type(exc).__name__}: {exc}{hint}"
                          ) from None
    return compile_traced(expr, [c.symbol for c in coords]), coords


def compile_traced(expr: Any, symbols: list[sympy.Symbol]) -> Traced:
    """``expr`` compiled with its partial derivatives (None, with the reason, where one leaves the whitelist)."""
    expr = sympy.sympify(expr)
    if isinstance(expr, sympy.Min) and expr.free_symbols & set(symbols):  # a kink: no gradient; its arguments
        parts = [compile_traced(a, symbols) for a in expr.args]  # compiled once, for its value and conjuncts
        return Traced(expr, symbols, lambda v: functions.minimum([t.value(v) for t in parts]), None,
                      f"no interval gradient: no derivative of a Min of {', '.join(map(str, symbols))} (a kink)",
                      parts=parts)
    value = compile_expr(expr, symbols)

    def gradients() -> tuple[list[Fn] | None, str]:
        try:
            _no_jump(expr, set(symbols))  # once for all coordinates: the gradient is all or nothing
            # a Max, Min or Abs (a kink): its generalised derivative, enclosed (paper_checks.prover.enclosures.clarke)
            return [compile_expr(clarke.generalized_derivative(expr, s, derivative), symbols) for s in symbols], ""
        except Untraceable as exc:
            return None, f"no interval gradient: {exc}"
        except (TypeError, ValueError, ArithmeticError, NotImplementedError, RecursionError) as exc:  # SymPy's diff
            return None, f"no interval gradient: {type(exc).__name__}: {exc}"
    alts = [compile_traced(a, symbols) for a in expr.args] if isinstance(expr, sympy.Max) else None
    return Traced(expr, symbols, value, gradients, alternatives=alts)


def _no_jump(expr: sympy.Expr, syms: set[sympy.Symbol]) -> None:
    """Raise :class:`Untraceable` where ``expr`` holds a ``Piecewise`` whose condition depends on one of ``syms``
    (it may jump or kink where the condition changes: no derivative, not even a generalised one)."""
    for pw in expr.atoms(sympy.Piecewise):
        for _, c in pw.args:
            if c.free_symbols & syms:
                raise Untraceable(f"no derivative in {sorted(map(str, c.free_symbols & syms))[0]} of a Piecewise "
                                  "whose conditions depend on it (it may jump or kink where a condition changes)")


def _no_kink(expr: sympy.Expr, syms: set[sympy.Symbol]) -> None:
    """Raise :class:`Untraceable` where ``expr`` has no derivative in the whitelist in one of ``syms``: a
    ``Piecewise`` whose condition depends on it (:func:`_no_jump`), or a ``Max``, ``Min`` or ``Abs`` of it (a
    kink; SymPy's derivative would hold ``Heaviside`` or ``sign``; the boxes' interval gradients take its
    generalised derivative instead, :mod:`paper_checks.prover.enclosures.clarke`)."""
    _no_jump(expr, syms)
    for k in expr.atoms(sympy.Max, sympy.Min, sympy.Abs):
        if k.free_symbols & syms:
            raise Untraceable(f"no derivative in {sorted(map(str, k.free_symbols & syms))[0]} of a Max, Min or Abs "
                              "of it (a kink)")


def derivative(expr: sympy.Expr, s: sympy.Symbol) -> sympy.Expr:
    """``d expr / d s``, powers of one base combined where an exponent is symbolic: SymPy
    writes ``d(x^q)/dx`` as ``q x^q / x``, unbounded at ``x = 0`` in intervals, where ``q x^(q-1)`` is not."""
    return tidy_derivative(raw_derivative(expr, s))


def raw_derivative(expr: sympy.Expr, s: sympy.Symbol) -> sympy.Expr:
    """``d expr / d s`` as SymPy writes it, refused across a kink or a jump as :func:`derivative` is: for a caller
    that puts it over one denominator itself (the tail's Taylor expansion), where tidying each order first only
    grows the next (a second coordinate's chart in it made ``together`` take 18 s of a 20 s limit)."""
    _no_kink(expr, {s})
    return sympy.diff(expr, s)


def tidy_derivative(d: sympy.Expr) -> sympy.Expr:
    """A derivative as SymPy wrote it, in the form :func:`derivative` gives (tan through sin and cos, a chart's
    derivative a factor, powers of one base combined). A derivative of higher order is best taken raw and tidied
    once: each order tidied grows the next (the fifth of ``atan x - 3x/(1 + 2 sqrt(1 + x^2))`` in a half-line's
    chart took 11 s and 66,685 operations order by order, 0.3 s and about 1,300 tidied once)."""
    if d.has(sympy.tan):  # tan' = 1 + tan^2 >= 1 even across a pole, where tan jumps; 1/cos^2 is unbounded there
        d = d.replace(sympy.tan, lambda u: sympy.sin(u) / sympy.cos(u))
    if d.has(unbounded.HalfChart, unbounded.LineChart):  # the chart's derivative v'(u) > 0 as a factor, and the
        d = sympy.factor_terms(sympy.together(d))  # rest over one denominator: 1 - e^-v/(1 + e^-v) is 1/(1 + e^-v),
        # not oo - oo/oo at v = -oo (softplus(-v) + v, the logistic loss against max(0, -v) on the whole line)
    if any(not p.exp.is_number for p in d.atoms(sympy.Pow)):  # SymPy combines numeric exponents itself (powsimp
        d = sympy.powsimp(d)  # of a large derivative with square roots, an embedding's distances, took 28 s)
    return d


def conjuncts(traced: Traced) -> list[Traced]:
    """The margin split at a top-level ``Min`` (each argument must be ``>= 0``), each compiled."""
    if not isinstance(traced.expr, sympy.Min):
        return [traced]
    if traced.parts is not None:
        return list(traced.parts)
    return [compile_traced(a, traced.symbols) for a in traced.expr.args]
