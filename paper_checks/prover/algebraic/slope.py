"""Monotone over the whole piece, its slope decided by z3: a margin that reads one coordinate ``x`` and lies outside
z3's fragment only through functions whose derivatives lie inside it (``atan' = 1/(1 + x^2)``, ``log' = 1/x``,
``asin' = 1/sqrt(1 - x^2)``, ``atanh``, ``asinh``, ``acosh``, ``acos``; a half-line's chart ``u/(1 - u)``).

Its derivative ``m'`` is algebraic, so z3 (:func:`paper_checks.prover.algebraic.fragment.decide`) decides ``s m' >= 0``
on the open piece (``s = +1`` or ``-1``, chosen where ``m'`` sampled on a grid has that sign). Then ``m`` is monotone:
it is continuous where finite (every whitelisted node is; a branch that jumps has no derivative,
:func:`paper_checks.prover.tracing.trace.derivative`), so by the mean value theorem ``m(x) >= m(end)`` on the piece,
``end`` the low end for ``s = +1``, the high end for ``s = -1``, and the margin at that end is decided exactly
(:func:`paper_checks.prover.sweeps.sweep.end_value`; where it is undefined as written, 0/0 or the pole of a chart, its
limit from inside the piece). Shafer's ``atan x >= 3x/(1 + 2 sqrt(1 + x^2))`` on ``[0, oo)`` is tight to order 5 at 0,
where every box meets ``c x^5`` against the interval dependency of its terms; its slope ``(s - 1)^2/(s^2 (1 + 2s)^2)``,
``s = sqrt(1 + x^2)``, is decided at once. The monotone sweep (:mod:`paper_checks.prover.sweeps.sweep`) does the same
with a sub-proof of the slope by the whole prover, later and slower; this is its fast path where the slope is algebraic.

Re-checked independently: the slope derived again, z3 run again on it by its other route (fresh context, if-then-else
eliminated, NLSAT alone), the slope's sign checked at rational points in Arb's ball arithmetic, and the end decided
again."""
from __future__ import annotations

import itertools
from dataclasses import dataclass
from fractions import Fraction
from typing import Any

import sympy

from paper_checks import work
from paper_checks.deadline import TimedOut
from paper_checks.prover.algebraic import fragment
from paper_checks.prover.algebraic.solver import Z3_MILLISECONDS
from paper_checks.prover.closures.base import Check, Outcome, PieceGoal, PieceMethod, forms, recorded_form, register
from paper_checks.prover.enclosures.balls import ball_at
from paper_checks.prover.enclosures.bound import Closure
from paper_checks.prover.enclosures.boxes import Box, generic_point
from paper_checks.prover.sweeps.sweep import end_value, read, sampled_sign
from paper_checks.prover.tracing.trace import Untraceable, derivative
from paper_checks.prover.tracing.unbounded import HalfChart, LineChart, coordinate, explicit, in_value, value_at

#: the functions whose derivatives are algebraic where their arguments are
ALGEBRAIC_SLOPES = (sympy.atan, sympy.acot, sympy.asin, sympy.acos, sympy.log, sympy.asinh, sympy.acosh, sympy.atanh,
                    HalfChart, LineChart)
#: the functions whose derivatives are algebraic up to a positive factor (``erfc' = -2/sqrt(pi) e^(-x^2)``), which
#: :func:`signed_part` sets aside
POSITIVE_FACTOR_SLOPES = (sympy.erf, sympy.erfc, sympy.exp)
#: the decimal digits of the rational interval that stands for a constant such as ``pi`` (:func:`constants_apart`)
CONSTANT_DIGITS = 30
#: z3's time slice on the slope (milliseconds; at most a quarter of what is left)
SLICE_MILLISECONDS = 1500
#: work units SymPy may spend on the slope (the derivative over one denominator)
DERIVE_WORK = 2.0
#: rational points where the re-check evaluates the slope in ball arithmetic
SANITY_POINTS = 8


@dataclass
class Slope:
    """A piece closed by its slope: ``sign * d margin / d name >= 0`` on the open piece (``derivative``, the chart
    written out), and the margin at the ``end`` (``low``/``high``) that sign points to (``face``, decided)."""

    index: int
    name: str
    end: str
    sign: int
    derivative: sympy.Expr
    face: Closure
    written: bool = False  # the margin as written (the normal form's original), not the normal form
    in_value: bool = False  # the slope in the chart's value ``W`` (:func:`signed_slope`), not in the coordinate

    def why(self) -> str:
        rel = ">=" if self.sign > 0 else "<="
        return (f"d margin / d {self.name} {rel} 0 on the open piece (z3, the slope algebraic), and the margin at "
                f"{self.name} = its {self.end} end is {self.face.exact}")


def moving(expr: sympy.Expr, symbols: list[sympy.Symbol], box: Box) -> int | None:
    """The one coordinate of ``box`` that ``expr`` reads and that is not pinned, else None."""
    free = read(expr, symbols, box)
    return free[0] if len(free) == 1 else None


def slope(expr: sympy.Expr, s: sympy.Symbol) -> sympy.Expr | None:
    """``d expr / d s`` with the charts written out (``u/(1 - u)``), over one denominator; None where it has no
    derivative (a kink, a jump) or SymPy does not finish within :data:`DERIVE_WORK`."""
    try:
        with work.limit(DERIVE_WORK):
            return sympy.together(explicit(derivative(expr, s)))
    except (Untraceable, TimedOut, TypeError, ValueError, NotImplementedError, RecursionError):
        return None


def signed_part(d: sympy.Expr) -> sympy.Expr:
    """``d`` without the factors of its product that are positive at every real point and outside z3's fragment (an
    ``exp`` of a real argument, ``sqrt(pi)``): the same sign wherever ``d`` is defined. ``erfc(x) - 2 e^(-x^2) /
    (sqrt(pi) (x + sqrt(x^2 + 2)))`` has the slope ``e^(-x^2)/sqrt(pi)`` times an algebraic function of ``x``."""
    # only a number or an exponential is asked, after the fragment's test: SymPy's ``is_positive`` on a polynomial,
    # or on the log of a rational function, isolates real roots (2 s of nfm-middle-right-verify-1's slope, whose
    # numerator has coefficients of 10^30; the whole rung on ellipse-check-1's), and such a factor stays anyway
    keep = [f for f in sympy.Mul.make_args(d)
            if not _exponential_or_number(f) or fragment.in_fragment(f, sorted(f.free_symbols, key=str))
            or f.is_positive is not True]
    return sympy.Mul(*keep)


def _exponential_or_number(f: sympy.Expr) -> bool:
    """Whether ``f`` is a number, an ``exp`` or a power of one or of a number: the factors :func:`signed_part` may set
    aside."""
    base = f.base if f.is_Pow else f
    return bool(f.is_number or isinstance(base, sympy.exp) or (f.is_Pow and base.is_number))


def constants_apart(d: sympy.Expr) -> tuple[sympy.Expr, list[sympy.Symbol], Box]:
    """``d`` with each constant such as ``pi`` or ``E`` a symbol of its own, and the rational interval of
    :data:`CONSTANT_DIGITS` digits that holds it: ``d >= 0`` for every value of those symbols in their intervals is a
    sufficient condition for ``d >= 0`` (``sqrt(pi x^2 + 4)``)."""
    consts = sorted(d.atoms(sympy.NumberSymbol), key=str)
    if not consts:
        return d, [], []
    syms = [sympy.Symbol(f"const_{c}", positive=True) for c in consts]
    box = []
    for c in consts:
        mid = Fraction(str(sympy.N(c, CONSTANT_DIGITS + 10)))
        step = Fraction(1, 10**CONSTANT_DIGITS)
        box.append((mid - step, mid + step))
    return d.xreplace(dict(zip(consts, syms))), syms, box


def _open(goal_coords: list[Any], box: Box, i: int) -> list[tuple[bool, bool]]:
    """The ends z3 leaves out: the domain's open ends, and both ends of the moving coordinate (the slope is needed
    on the open piece only, where ``asin' = 1/sqrt(1 - x^2)`` is finite)."""
    ends = fragment.strict_ends(goal_coords, box)
    ends[i] = (True, True)
    return ends


@dataclass(frozen=True)
class Signed:
    """The slope of a margin in its one coordinate ``i`` up to a positive factor: ``d`` (in ``symbols``: the
    coordinate, or its chart's value ``W`` on ``box``), ``a`` the same with the constants apart on ``cbox``, ``at``
    what ``W`` is in the coordinate (None: the slope is in the coordinate), ``flip`` the sign of ``dW/du``."""

    d: sympy.Expr
    a: sympy.Expr
    symbols: list[sympy.Symbol]
    box: Box
    consts: list[sympy.Symbol]
    cbox: Box
    at: sympy.Expr | None
    flip: int
    value: sympy.Symbol | None = None  # the chart's value ``W`` where the slope is taken in it

    def in_coordinate(self) -> sympy.Expr:
        """``d`` as a function of the coordinate (the chart written out)."""
        return self.d if self.at is None else explicit(self.d.xreplace({self.value: self.at}))


def signed_slope(expr: sympy.Expr, symbols: list[sympy.Symbol], box: Box, i: int, value: bool) -> Signed | None:
    """The margin's slope in coordinate ``i`` (``value``: in its chart's value ``W``, whose slope ``dW/du`` is a
    positive factor, or ``-1`` times one, so that ``sqrt(W^2 + 2)`` stays one radical instead of ``sqrt(u^2 + 2 (1 -
    u^2)^2)/|1 - u^2|``), its positive factors set aside (:func:`signed_part`), in z3's fragment with the constants
    apart; None where it has none."""
    u = symbols[i]
    if not value:
        d = slope(expr, u)
        syms, bx, at, flip = list(symbols), list(box), None, 1
    else:
        nodes = [n for n in expr.atoms(HalfChart, LineChart) if u in n.free_symbols]
        if len(nodes) != 1 or coordinate(nodes[0]) != u:
            return None
        node = nodes[0]
        w = sympy.Symbol(f"{u}_value", real=True)
        m = in_value(expr, node, w)
        d = slope(m, w) if m is not None else None
        lo, hi = sorted(value_at(node, end) for end in box[i])
        syms, bx = list(symbols), list(box)
        syms[i], bx[i] = w, (lo, hi)
        at, flip = node, (1 if node.args[0] == u else -1)
    if d is None:
        return None
    d = signed_part(d)
    a, consts, cbox = constants_apart(d)
    if not fragment.in_fragment(a, syms + consts):
        return None
    return Signed(d, a, syms, bx, consts, cbox, at, flip, syms[i] if value else None)


def _decide(sign: int, a: sympy.Expr, syms: list[sympy.Symbol], consts: list[sympy.Symbol], box: Box, cbox: Box,
            ms: int, strict: list[tuple[bool, bool]], recheck: bool = False) -> str:
    """z3 on ``sign * a >= 0`` over the piece and the constants' intervals (closed: each holds its constant)."""
    return fragment.decide(sign * a, syms + consts, list(box) + list(cbox), [], ms, recheck=recheck,
                            strict=strict + [(False, False)] * len(consts))[0]


@register
class AlgebraicSlope(PieceMethod):
    """Monotone over the piece where the margin's slope in its one coordinate is algebraic (z3 decides it)."""

    methods = ("algebraic slope",)

    def applies(self, goal: PieceGoal) -> bool:
        t = goal.t
        if moving(t.expr, list(t.symbols), goal.base) is None or goal.rows:
            return False
        funcs = t.expr.atoms(sympy.Function)
        return bool(funcs) and all(isinstance(f, ALGEBRAIC_SLOPES + POSITIVE_FACTOR_SLOPES) for f in funcs)

    def step(self, goal: PieceGoal) -> Outcome | None:
        """The normal form first, then the margin as written where they differ: the normal form may scale the
        margin by a positive factor that depends on the coordinate (Shafer's by ``1 + 2 sqrt(1 + x^2)``), monotone as
        written, not so scaled."""
        syms = list(goal.t.symbols)
        for (expr, written), value in itertools.product(forms(goal), (False, True)):
            i = moving(expr, syms, goal.base)
            sg = signed_slope(expr, syms, goal.base, i, value) if i is not None else None
            if sg is None:
                continue
            # the slope's sign in the coordinate: dm/dW sampled, times the sign of dW/du
            sign = sampled_sign(sg.in_coordinate(), syms, goal.base) * sg.flip
            ms = int(min(SLICE_MILLISECONDS, 250 * goal.budget.left()))
            if ms < 1:
                return None
            if sign == 0 or _decide(sign * sg.flip, sg.a, sg.symbols, sg.consts, sg.box, sg.cbox, ms,
                                    _open(goal.coords, goal.base, i)) != "unsat":  # type: ignore[arg-type]
                continue
            end = "low" if sign > 0 else "high"
            face = end_value(expr, syms, goal.base, i, end)  # type: ignore[arg-type]
            if face.closed:
                rec = Slope(i, str(syms[i]), end, sign, sg.d, face, written, value)  # type: ignore[arg-type, index]
                goal.memo["subproof"] = rec
                return Outcome(Closure(True, max(face.lower, 0.0), "algebraic slope", exact=rec.why()))
            if face.fails is not None:
                return Outcome(candidates=[list(face.fails)], found_by="found at the end of a piece whose slope z3 "
                                                                       "decided, verified exactly and shrunk")
        return None

    def recheck(self, check: Check) -> list[str]:
        rec, syms = check.subproof, list(check.t.symbols)
        if not isinstance(rec, Slope):
            return [f"{check.where}: no slope recorded for the piece"]
        expr = recorded_form(check, rec.written)
        if expr is None:
            return [f"{check.where}: the slope of the margin as written is recorded, but no margin as written"]
        i = moving(expr, syms, check.base)
        if i != rec.index:
            return [f"{check.where}: the margin does not read the one coordinate {rec.name} alone"]
        sg = signed_slope(expr, syms, check.base, i, rec.in_value)
        if sg is None or (sg.d != rec.derivative and sympy.simplify(sg.d - rec.derivative) != 0):
            return [f"{check.where}: the slope in {rec.name} is not the one decided"]
        if (rec.sign > 0) != (rec.end == "low") or rec.sign not in (1, -1):
            return [f"{check.where}: the end is not the one the slope's sign points to"]
        outcome = _decide(rec.sign * sg.flip, sg.a, sg.symbols, sg.consts, sg.box, sg.cbox, Z3_MILLISECONDS,
                          _open(check.coords, check.base, i), recheck=True)
        if outcome != "unsat":
            return [f"{check.where}: z3 re-run on the slope (fresh context, ite eliminated, NLSAT) says {outcome}"]
        for k in range(SANITY_POINTS):
            v = ball_at(rec.sign * sg.flip * sg.in_coordinate(), syms, generic_point(check.base, k))
            if v is not None and v < 0:
                return [f"{check.where}: the slope times {rec.sign} is {v} < 0 in ball arithmetic"]
        if not end_value(expr, syms, check.base, i, rec.end).closed:
            return [f"{check.where}: the margin at {rec.name}'s {rec.end} end is not >= 0"]
        return []
