"""z3 on one box with each special function held by its Taylor polynomial on the box's range: MetiTarski's method
with bounds made for the range (Akbarpour & Paulson 2010, J. Automated Reasoning 44:175-205, section 4: bounds
"tighter on smaller ranges", a range split where a bound is too loose), written as Taylor models (Makino & Berz 2003,
"Taylor models and other validated functional inclusion methods", Int. J. Pure Appl. Math. 4(4)).

On a box, a node ``f(u)`` (``f`` one of :data:`DERIVATIVES`: ``exp``, ``log``, ``sin``, ``cos``, ``tan``, ``atan``,
``asin``, ``acos``, ``sinh``, ``cosh``, ``tanh``, ``asinh``, ``erf``) is a variable ``v`` tied to its argument by
Taylor's theorem with Lagrange's remainder at a point ``c`` of the argument's range ``U`` (its enclosure on the box):

    ``f(u) = sum_(k <= d) f^(k)(c)/k! (u - c)^k + f^(d+1)(xi)/(d+1)! (u - c)^(d+1)``, ``xi`` between ``c`` and ``u``,

so with ``[K_lo, K_hi]`` an enclosure of ``f^(d+1)/(d+1)!`` over the hull of ``U`` and ``c``, and ``d`` odd
(``w = (u - c)^(d+1) >= 0``): ``P(u) + K_lo w - E <= v <= P(u) + K_hi w + E``, where ``P`` has the coefficients'
rational midpoints and ``E`` bounds what rounding them leaves (0 where they are rational: at ``c = 0`` for ``exp``,
``sin``, ``atan``, ..., at ``c = 1`` for ``log``, so a margin tight at such a point stays tight). z3 (NLSAT) then
decides "a point of the box where the margin is ``< 0``" over the polynomial abstraction: ``unsat`` closes the box
(every point of the box gives a point of the abstraction, so no point of the margin is negative); otherwise the box
is split by the prover's loop, and on the halves the ranges, and so the remainders, shrink with the width to the
power ``d + 1``. Where the range holds 0 (1 for ``log``) the expansion is there; elsewhere at a short rational near
the range's middle. The degrees tried are :data:`DEGREES`, lowest first.

z3 is held by its own deterministic count (``rlimit``), and what it counted is charged to the work meter
(:data:`RLIMIT_PER_UNIT`), so that a box's step costs what it did. Re-checked independently: the enclosures again
in Arb's ball arithmetic, and z3's other route (if-then-else terms eliminated, then NLSAT alone) in a fresh context.
"""
from __future__ import annotations

import math
from fractions import Fraction
from functools import lru_cache
from typing import Any

import sympy
import z3
from sympy.polys.polyerrors import BasePolynomialError

from paper_checks import work
from paper_checks.deadline import TimedOut
from paper_checks.prover import schedule
from paper_checks.prover.algebraic import fragment
from paper_checks.prover.algebraic.bounding import Exp
from paper_checks.prover.algebraic.solver import RLIMIT_PER_MILLISECOND
from paper_checks.prover.algebraic.z3_algebraic import hypotheses
from paper_checks.prover.algebraic.z3_atoms import ball_enclosure, enclosure
from paper_checks.prover.closures.base import BoxGoal, BoxMethod, Check, Outcome, PieceGoal, PieceMethod, register
from paper_checks.prover.enclosures.bound import Closure
from paper_checks.prover.enclosures.boxes import Box, groups
from paper_checks.prover.tracing.unbounded import explicit

#: the Taylor degrees tried on a box, lowest first (odd: the remainder's power is even); a higher one only where z3
#: found a point of the lower one's abstraction (not where it gave up). Degree 15 at 0 decides MetiTarski's
#: cos-error-analysis-7 (``|cos x - P_10(x)| <= 2.4e-9`` on ``[0, pi/2]``) on the whole range at once
DEGREES = (3, 7, 15)
#: z3's resource count for one question (its ``rlimit``); about what it counts in a fifth of a second on NLSAT
RLIMIT = 50_000
#: z3's resource count charged as one work unit (about what the meter counts in a second of the prover's own steps)
RLIMIT_PER_UNIT = 250_000
#: the functions whose derivatives cycle (``exp``, ``sin``, ``cos``, ``sinh``, ``cosh``): their models of any degree
#: cost the same; the others' derivatives grow with their order (the 16th of ``atan`` is a rational function of
#: degree 32), so their models stop at degree :data:`MOST_ACYCLIC`
CYCLIC: tuple[type, ...] = (sympy.exp, Exp, sympy.sin, sympy.cos, sympy.sinh, sympy.cosh)
MOST_ACYCLIC = 7
#: the precision (bits) of the coefficients' and remainders' enclosures
COEFFICIENT_BITS = 113
#: the most nodes of a margin put to z3 on a box
MAX_NODES = 300
#: the most coordinates and the most special-function nodes of a margin put to z3 on a box: NLSAT's cost grows doubly
#: exponentially with its variables (coordinates and nodes), and the identity ``cos x cos y - cos(x + y) - sin x
#: sin y + 1/100`` on ``[0, 1/4]^2`` (two coordinates, five nodes) was still unknown after 5,000,000 of its count
MOST_COORDINATES = 2
MOST_NODES = 3
#: the largest degree in the coordinates a model above degree 3 may reach (the argument's degree times ``d + 1``):
#: ellipse-check-4-fun's ``atan`` of a quotient of degree-10 polynomials at degree 15 did not answer in 300 s
MOST_DEGREE = 32
#: the most special-function nodes on two coordinates, at any degree: z3's NLSAT spends minutes inside a projection
#: whose work it does not count (Jensen for ``log`` on ``[21/20, 61/40] x [23/40, 13/16]``, three nodes at degree 3:
#: 51,000 of its count in 20 s under QF_NRA's strategy, whose own 5 s and 10 s wall-clock tries end it, and NLSAT alone
#: still running after 600 s; two nodes took 3.6 s), so that the meter no longer measured the step, and the answer of
#: the strategy after a wall-clock try may depend on the machine
MOST_NODES_ON_TWO = 1
_t = sympy.Dummy("t", real=True)
#: the functions held by their Taylor polynomials, as SymPy classes (each smooth wherever it is real and finite)
DERIVATIVES: dict[type, Any] = {
    sympy.exp: sympy.exp, Exp: sympy.exp, sympy.log: sympy.log, sympy.sin: sympy.sin, sympy.cos: sympy.cos,
    sympy.tan: sympy.tan, sympy.atan: sympy.atan, sympy.asin: sympy.asin, sympy.acos: sympy.acos,
    sympy.sinh: sympy.sinh, sympy.cosh: sympy.cosh, sympy.tanh: sympy.tanh, sympy.asinh: sympy.asinh,
    sympy.erf: sympy.erf,
}


@lru_cache(maxsize=512)
def _derivative(fn: Any, k: int) -> sympy.Expr:
    """``f^(k)(t)`` as an expression in the dummy ``t`` (kept for one top proof)."""
    return sympy.diff(fn(_t), _t, k) if k else fn(_t)


#: kept for one top proof: every top proof empties it (:func:`paper_checks.work.forgets`, called from
#: :func:`paper_checks.prover.outset.forget`), so that a proof's count does not depend on what ran before it
work.forgets(_derivative.cache_clear)


def _centre(fn: Any, lo: Fraction, hi: Fraction) -> Fraction:
    """Where to expand: 0 (``log``: 1) where the range holds it, so that a margin tight there stays tight; else a
    short rational near the range's middle."""
    anchor = Fraction(1) if fn is sympy.log else Fraction(0)
    if lo <= anchor <= hi:
        return anchor
    mid = (lo + hi) / 2
    out = mid.limit_denominator(64)
    return out if lo <= out <= hi else mid


def _interval(expr: sympy.Expr, lo: Fraction, hi: Fraction, balls: bool) -> tuple[Fraction, Fraction] | None:
    """An enclosure of ``expr(t)`` for ``t`` in ``[lo, hi]`` with exact ends (None: unbounded, or not defined)."""
    enc = ball_enclosure([_t], [(lo, hi)]) if balls else enclosure([_t], [(lo, hi)], bits=COEFFICIENT_BITS)
    a, b = enc(expr)
    return None if a is None or b is None else (a, b)


def taylor_model(fn: Any, lo: Fraction, hi: Fraction, d: int, balls: bool = False
                 ) -> tuple[Fraction, list[Fraction], Fraction, Fraction, Fraction] | None:
    """``(c, coefficients, K_lo, K_hi, E)`` of ``fn`` on ``[lo, hi]`` at degree ``d`` (module docstring): for every
    ``u`` there, ``fn(u) - P(u) - K (u - c)^(d+1)`` is in ``[-E, E]`` for some ``K`` in ``[K_lo, K_hi]``; None where
    ``fn`` or a derivative is not bounded there (a pole, ``log`` at 0, ``asin`` at 1)."""
    c = _centre(fn, lo, hi)
    radius = max(abs(hi - c), abs(c - lo))
    coefficients, err = [], Fraction(0)
    for k in range(d + 1):
        exact = _derivative(fn, k).subs(_t, sympy.Rational(c.numerator, c.denominator))
        if exact.is_Rational:
            coefficients.append(Fraction(int(exact.p), int(exact.q)) / math.factorial(k))
            continue
        got = _interval(_derivative(fn, k), c, c, balls)
        if got is None:
            return None
        a, b = got
        coefficients.append((a + b) / 2 / math.factorial(k))
        err += (b - a) / 2 / math.factorial(k) * radius**k
    rest = _interval(_derivative(fn, d + 1), min(lo, c), max(hi, c), balls)
    if rest is None:
        return None
    f = math.factorial(d + 1)
    return c, coefficients, rest[0] / f, rest[1] / f, err


class Ranged:
    """The Taylor models of :func:`taylor_model` on one box, as :func:`paper_checks.prover.algebraic.fragment.decide`
    asks for them (``relate``): ``covers(e)`` for a node of :data:`DERIVATIVES`; ``self(e, v, builder)`` the two
    bounds on ``e``'s variable ``v``, its argument's range taken from ``atoms`` (the enclosure on the box)."""

    def __init__(self, atoms: fragment.Atoms, degree: int, balls: bool = False) -> None:
        self.atoms, self.degree, self.balls = atoms, degree, balls
        self.models: dict[str, tuple[str, ...]] = {}

    def covers(self, e: sympy.Expr) -> bool:
        return type(e) in DERIVATIVES and len(e.args) == 1

    def __call__(self, e: sympy.Expr, v: Any, builder: Any) -> list[Any]:
        lo, hi = self.atoms(e.args[0])
        if lo is None or hi is None:
            return []
        model = taylor_model(DERIVATIVES[type(e)], lo, hi, self.degree, self.balls)
        if model is None:
            return []
        c, coefficients, k_lo, k_hi, err = model
        ctx = builder.ctx
        u = builder.term(e.args[0])
        y = u - z3.RealVal(str(c), ctx) if c else u
        poly = z3.RealVal(str(coefficients[-1]), ctx)
        for a in reversed(coefficients[:-1]):
            poly = poly * y + z3.RealVal(str(a), ctx)
        w = builder.power(y, self.degree + 1)
        e_ = z3.RealVal(str(err), ctx)
        self.models[str(e)] = (str(c), str(k_lo), str(k_hi), str(err))
        return [v >= poly + z3.RealVal(str(k_lo), ctx) * w - e_, v <= poly + z3.RealVal(str(k_hi), ctx) * w + e_]


def prepared(expr: sympy.Expr) -> sympy.Expr:
    """The margin as z3 reads it on a box: an unbounded coordinate's chart written out, the hyperbolic functions
    kept (their Taylor models are direct), a power with a coordinate in its exponent as ``exp(e log b)``."""
    out = explicit(expr)
    return out.replace(lambda n: n.is_Pow and bool(n.exp.free_symbols) and not n.exp.is_number,
                       lambda n: sympy.exp(n.exp * sympy.log(n.base)))


def _atoms_ok(expr: sympy.Expr, symbols: list[sympy.Symbol]) -> bool:
    """A margin outside z3's fragment with at least one node a Taylor model holds, and not too large."""
    nodes = 0
    held = False
    for n in sympy.preorder_traversal(expr):
        nodes += 1
        if nodes > MAX_NODES:
            return False
        held |= type(n) in DERIVATIVES and bool(n.free_symbols)
    return held and not fragment.in_fragment(expr, symbols)


def _decide(expr: sympy.Expr, symbols: list[sympy.Symbol], box: Box, coords: Any, degree: int, *,
            recheck: bool = False, rlimit: float = RLIMIT, relations: list[tuple[Any, bool]] | None = None
            ) -> tuple[str, int]:
    """z3's answer on ``box`` at ``degree`` within ``rlimit`` of its count, and the count it spent; the domain's
    ``relations`` (traced, :mod:`paper_checks.prover.tracing.relations`) are z3's hypotheses."""
    rows = [list(g) for g in groups(coords).values()]
    atoms = (ball_enclosure if recheck else enclosure)(symbols, box)
    counted: list[int] = []
    outcome, _ = fragment.decide(expr, symbols, box, rows, int(rlimit // RLIMIT_PER_MILLISECOND), recheck=recheck,
                                 strict=fragment.strict_ends(coords, box), atoms=atoms,
                                 relate=Ranged(atoms, degree, balls=recheck), counted=counted,
                                 hypotheses=hypotheses(relations or []))
    return outcome, sum(counted)


def _argument_degree(expr: sympy.Expr, symbols: list[sympy.Symbol]) -> int:
    """The largest degree of a held node's argument as a polynomial in the coordinates (a node inside it counts as a
    coordinate; a quotient or a root as :data:`MOST_DEGREE`, so that only degree 3 is tried)."""
    out = 1
    for n in sympy.preorder_traversal(expr):
        if type(n) in DERIVATIVES and n.free_symbols:
            arg = n.args[0].replace(lambda e: type(e) in DERIVATIVES, lambda e: symbols[0])
            try:
                out = max(out, sympy.Poly(arg, *symbols).total_degree())
            except BasePolynomialError:
                out = max(out, MOST_DEGREE)
    return out


def closed_on_box(expr: sympy.Expr, symbols: list[sympy.Symbol], box: Box, coords: Any,
                  relations: list[tuple[Any, bool]] | None = None) -> int | None:
    """The degree at which z3 closes ``expr >= 0`` on ``box`` over the Taylor models (None: at none), each question's
    count charged to the work meter; a degree whose models would reach past :data:`MOST_DEGREE` in the coordinates is
    not tried (z3's terms grow as the argument's degree times the model's)."""
    inner = _argument_degree(expr, symbols)
    held = {n for n in sympy.preorder_traversal(expr) if type(n) in DERIVATIVES and n.free_symbols}
    cyclic = all(type(n) in CYCLIC for n in held)
    for degree in DEGREES:
        if len(symbols) > 1 and len(held) > MOST_NODES_ON_TWO or degree > 3 and inner * (degree + 1) > MOST_DEGREE:
            return None
        if degree > MOST_ACYCLIC and not cyclic:
            return None
        # z3's count within what the step has left (charged after the question: the meter cannot stop it inside)
        budget = min(RLIMIT, work.left() * RLIMIT_PER_UNIT)
        if budget < RLIMIT_PER_MILLISECOND:
            return None
        outcome, spent = _decide(expr, symbols, box, coords, degree, rlimit=budget, relations=relations)
        work.charge(spent / RLIMIT_PER_UNIT)
        if outcome == "unsat":
            return degree
        if outcome != "abstract":
            return None
    return None


def _recheck(check: Check) -> list[str]:
    degree = int((check.closure.exact or "degree 0").split()[-1])
    if degree not in DEGREES:
        return [f"{check.where}: no Taylor degree recorded"]
    outcome, _ = _decide(prepared(check.t.expr), list(check.t.symbols), check.box, check.coords, degree, recheck=True,
                         relations=check.relations)
    return [] if outcome == "unsat" else [f"{check.where}: z3 over the Taylor models at degree {degree} (Arb's "
                                          f"enclosures, the other route) says {outcome}, not unsat"]


@register
class Z3Ranged(BoxMethod):
    """z3 on one box over Taylor models of the margin's special functions on the box's ranges."""

    methods = ("z3 on Taylor models",)

    def applies(self, goal: BoxGoal) -> bool:
        return _applies(goal.t)

    def step(self, goal: BoxGoal) -> Closure | None:
        degree = _closed(goal.t.expr, list(goal.t.symbols), goal.box, goal.coords, goal.relations)
        return None if degree is None else Closure(True, 0.0, self.methods[0], exact=f"degree {degree}")

    def recheck_box(self, check: Check) -> list[str]:
        return _recheck(check)


def _applies(t: Any) -> bool:
    return len(t.symbols) <= MOST_COORDINATES and _atoms_ok(t.expr, list(t.symbols))


def _closed(expr: sympy.Expr, symbols: list[sympy.Symbol], box: Box, coords: Any,
            relations: list[tuple[Any, bool]]) -> int | None:
    expr = prepared(expr)
    nodes = {n for n in sympy.preorder_traversal(expr) if type(n) in DERIVATIVES and n.free_symbols}
    return None if len(nodes) > MOST_NODES else closed_on_box(expr, symbols, box, coords, relations)


@register
class Z3RangedPiece(PieceMethod):
    """z3 over Taylor models on the whole piece at once (its box): a margin of one coordinate whose functions' series
    at 0 hold it across the range (a polynomial approximation's error bound)."""

    methods = ("z3 on Taylor models of the piece",)

    def applies(self, goal: PieceGoal) -> bool:
        return _applies(goal.t) and all(math.isfinite(lo) and math.isfinite(hi) for lo, hi in goal.base)

    def step(self, goal: PieceGoal) -> Outcome | None:
        # its share of the work left (schedule.SHARES): z3's questions are charged after they end, so the step's
        # allowance is the limit they ask within (tanh-3611 and trigpoly-351-2a spent their rung here before)
        try:
            with work.limit(max(goal.budget.share(schedule.share("Z3RangedPiece")).left(), 0.0)):
                degree = _closed(goal.t.expr, list(goal.t.symbols), goal.base, goal.coords, goal.relations)
        except TimedOut:
            return None
        return None if degree is None else Outcome(Closure(True, 0.0, self.methods[0], exact=f"degree {degree}"))

    def recheck(self, check: Check) -> list[str]:
        return _recheck(check)


__all__ = ["DEGREES", "DERIVATIVES", "Ranged", "Z3Ranged", "Z3RangedPiece", "closed_on_box", "taylor_model"]
