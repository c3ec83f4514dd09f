"""A complete procedure for polynomial and rational margins: real-root isolation and z3.

A margin (after :func:`paper_checks.prover.tracing.normal.reduce`) that is a rational function ``n / d`` with
rational coefficients of the piece's free coordinates is decided exactly, not by boxes: it is ``>= 0``
wherever it is defined on the piece iff no point of the piece has ``n d < 0``.

- In one variable, by **real-root isolation** (SymPy's Sturm sequences): ``n d = c e^2 h`` with ``h``
  square-free holding the roots of odd multiplicity; ``n d >= 0`` on ``[lo, hi]`` iff ``h`` has no
  root strictly inside and ``c h >= 0`` at the midpoint.
- In several, by **z3** (de Moura & Bjorner 2008; nonlinear real arithmetic by NLSAT, Jovanovic & de Moura
  2012), a decision procedure for the first-order theory of the reals: ``unsat`` of "the point is in the
  piece (its box, and for a simplex the eliminated coordinate ``>= 0``) and ``n d < 0``" proves it; a model is
  only a candidate, turned into rationals (an algebraic value rounded to more and more digits) that the
  prover verifies exactly on the claim's own margin and shrinks.

Fractional powers of a coordinate ``x`` on ``[lo, hi]`` with ``lo >= 0`` are removed first by ``x = t^Q``
(``Q`` the common denominator of the exponents; ``sqrt(x) - x`` becomes ``t - t^2``) where ``lo`` and ``hi``
are exact ``Q``-th powers. :func:`recheck_problem` decides the problem again independently (real roots
in one variable, a fresh z3 context with the NLSAT tactic in several).
"""
from __future__ import annotations

import math
import threading
import time
from dataclasses import dataclass, field
from fractions import Fraction
from typing import Any

import sympy
import z3
from sympy.polys.polyerrors import BasePolynomialError

from paper_checks import work
from paper_checks.deadline import TimedOut, held, never_cut
from paper_checks.prover.enclosures.boxes import Box
from paper_checks.prover.tracing.normal import too_high


def _in_z3_ctypes(frame: Any) -> bool:
    """Whether ``frame`` converts an argument for a ctypes call (z3's ``from_param``): a time limit raised there comes
    out as ctypes' ``ArgumentError``, which no limit's handler knows, so the raise waits for the timer's next repeat
    (CI: ``prove_claim(..., seconds=3)`` ended in an ``ArgumentError`` once). Only those frames: deferring every
    frame of z3's wrappers held a 0.05 s limit back for seconds."""
    return frame is not None and frame.f_code.co_name == "from_param"  # z3types' conversions, called by ctypes


never_cut(_in_z3_ctypes)


#: the most milliseconds z3 spends on one margin (then the boxes go on)
Z3_MILLISECONDS = 10000
#: work units SymPy may spend writing one margin as ``n / d`` of polynomials
POLY_WORK = 5.0
#: decimal digits tried in turn when an algebraic model value is rounded to a rational
MODEL_DIGITS = (20, 60, 200)


@dataclass
class Problem:
    """``n / d >= 0`` on a box (and simplex rows ``sum <= 1``), in variables ``vars`` (``t`` where ``x = t^Q``)."""

    num: sympy.Poly
    den: sympy.Poly
    vars: list[sympy.Symbol]
    box: Box
    rows: list[list[int]]  # free coordinates of each simplex row: their sum (as coordinates) is <= 1
    roots: dict[int, int] = field(default_factory=dict)  # coordinate index -> Q where x = t^Q

    def product(self) -> sympy.Poly:
        return self.num * self.den

    def coordinates(self, t: list[Fraction]) -> list[Fraction]:
        """The free coordinates at the variables' values ``t``."""
        return [v ** self.roots.get(i, 1) for i, v in enumerate(t)]

    def to_json(self) -> dict[str, Any]:
        return {"numerator": str(self.num.as_expr()), "denominator": str(self.den.as_expr()),
                "variables": [str(v) for v in self.vars],
                "substituted": {str(self.vars[i]): f"coordinate = {self.vars[i]}^{q}" for i, q in self.roots.items()}}


def _qth_root(v: Fraction, q: int) -> Fraction | None:
    r = sympy.root(sympy.Rational(v.numerator, v.denominator), q)
    return Fraction(int(r.p), int(r.q)) if r.is_Rational else None


def problem(expr: sympy.Expr, symbols: list[sympy.Symbol], box: Box, rows: list[list[int]]) -> Problem | None:
    """``expr`` as a :class:`Problem` (None where it is not a rational function with rational coefficients,
    even after ``x = t^Q``)."""
    expr = sympy.sympify(expr)
    variables, new_box, roots, subs = list(symbols), list(box), {}, {}
    in_rows = {i for r in rows for i in r}
    for i, s in enumerate(symbols):
        exps = [p.exp for p in expr.atoms(sympy.Pow) if p.base == s and p.exp.is_Rational and not p.exp.is_Integer]
        if not exps:
            continue
        q = math.lcm(*[int(e.q) for e in exps])
        lo, hi = box[i]
        rlo, rhi = (_qth_root(lo, q), _qth_root(hi, q)) if lo >= 0 and i not in in_rows else (None, None)
        if rlo is None or rhi is None:
            return None
        t = sympy.Symbol(f"{s}_root{q}", nonnegative=True)
        variables[i], new_box[i], roots[i], subs[s] = t, (rlo, rhi), q, t ** q
    if subs:
        expr = sympy.powdenest(expr.xreplace(subs), force=False)
    if not expr.free_symbols <= set(variables) or not expr.is_rational_function(*variables) or too_high(expr):
        return None  # checked on the tree first: cancelling a large transcendental margin can take minutes, and a
        #              ground exp(0.69314718056 sqrt 2) is the 69,314,718,056th power of a generator (too_high)
    try:
        with work.limit(POLY_WORK):
            num, den = sympy.fraction(sympy.cancel(sympy.together(expr)))
            pn, pd = sympy.Poly(num, *variables), sympy.Poly(den, *variables)
    except (BasePolynomialError, TypeError, ValueError, TimedOut):
        return None
    if not all(p.domain.is_ZZ or p.domain.is_QQ for p in (pn, pd)):
        return None
    return Problem(pn, pd, variables, new_box, rows, roots)


# ------------------------------------------------------------------ one variable: real-root isolation
def _q(v: Fraction) -> sympy.Rational:
    return sympy.Rational(v.numerator, v.denominator)


def roots_decide(pr: Problem) -> bool | None:
    """True: ``n d >= 0`` on the interval (so the margin is ``>= 0`` where defined); False: it is negative
    somewhere; None: not a problem in one variable without simplex rows."""
    if len(pr.vars) != 1 or pr.rows:
        return None
    f = pr.product()
    if f.is_zero:
        return True
    (lo, hi), = pr.box
    lo_, hi_ = _q(lo), _q(hi)
    c, parts = f.sqf_list()
    h = sympy.Poly(1, *pr.vars)
    for g, k in parts:
        if k % 2:
            h = h * g
    if lo == hi:
        return bool(c * h.eval(lo_) >= 0)
    inside = h.count_roots(lo_, hi_) - (h.eval(lo_) == 0) - (h.eval(hi_) == 0)
    return inside == 0 and bool(c * h.eval((lo_ + hi_) / 2) >= 0)


# ------------------------------------------------------------------ several variables: z3
def _z3_poly(p: sympy.Poly, zs: list[Any], ctx: z3.Context) -> Any:
    terms = []
    for monom, coeff in p.terms():
        t = z3.RealVal(str(sympy.Rational(coeff)), ctx)
        for z, k in zip(zs, monom):
            for _ in range(k):
                t = t * z
        terms.append(t)
    return z3.Sum(*terms) if len(terms) > 1 else (terms[0] if terms else z3.RealVal(0, ctx))


def _z3_value(v: Any, digits: int) -> Fraction:
    if z3.is_rational_value(v):
        return Fraction(v.numerator_as_long(), v.denominator_as_long())
    r = v.approx(digits)
    return Fraction(r.numerator_as_long(), r.denominator_as_long())


#: how long after the call's net is due its timer interrupts z3 (seconds): the net's alarm comes first, and waits for
#: z3 to return
INTERRUPT_LATE_SECONDS = 0.05


def netted_check(s: Any) -> Any:
    """``s.check()``, stopped by the call's wall-clock net (:func:`paper_checks.prover.outset.net`) when it is due.
    z3 decides in C, where the net's alarm waits until it returns (MetiTarski's ``tan-problem-3``: z3's ``qfnra`` ran
    20 s past a 40 s net, and the benchmark ended the process); a timer thread interrupts z3's context then
    (``Z3_interrupt``, safe from another thread), z3 returns ``unknown``, and the alarm, already due, raises as it
    returns. It fires only where the net does, so it never chooses a route: the call is interrupted either way."""
    from paper_checks.prover import outset  # outset imports the prover's rooms, this module among them

    at = outset.due()
    if at is None:
        return s.check()
    timer = threading.Timer(max(at - time.monotonic(), 0.0) + INTERRUPT_LATE_SECONDS, s.ctx.interrupt)
    timer.daemon = True
    timer.start()
    try:
        return s.check()
    finally:
        timer.cancel()


def check_model(s: Any, vs: list[Any], box: Any) -> tuple[str, list[list[Fraction]]]:
    """Run solver ``s``: ``("unsat", [])``, ``("unknown", [])``, or ``("sat", points)`` with the model's point
    rounded to each of :data:`MODEL_DIGITS` digits and clipped to ``box`` (rationals, to be verified exactly).
    z3 is held by its own count (:func:`limited`), not charged to the work meter: charged at one rate for every
    problem (its ``rlimit count`` a millisecond runs from about 110 on NLSAT problems to over 1,000), the 128 pieces of
    ``dmi19.dmi_order_invariant``, each decided by z3 at once, spent the whole standard budget."""
    res = netted_check(s)
    if res == z3.unsat:
        return "unsat", []
    if res != z3.sat:
        return "unknown", []
    m = s.model()
    out = []
    for digits in MODEL_DIGITS:
        t = [_z3_value(m.eval(v, model_completion=True), digits) for v in vs]
        out.append([min(max(v, lo), hi) for v, (lo, hi) in zip(t, box)])
    return "sat", out


#: z3's resource count (its deterministic ``rlimit``) per millisecond of a slice: z3 counted 500 to 1,500 a
#: millisecond on NLSAT problems on a quiet 2-core laptop, so a slice decides by the count, the same everywhere
RLIMIT_PER_MILLISECOND = 250
def limited(s: Any, milliseconds: float) -> Any:
    """Solver ``s`` held to a slice of ``milliseconds`` by z3's deterministic resource count alone (``rlimit``,
    :data:`RLIMIT_PER_MILLISECOND` a millisecond): no clock decides what z3 answers (a wall-clock timeout, fired
    beside a load, gave another route and another answer); the call's one net interrupts the whole call."""
    ms = max(int(milliseconds), 1)
    s.set("rlimit", RLIMIT_PER_MILLISECOND * ms)
    return s


def nra_solver(ctx: z3.Context, *, recheck: bool = False) -> Any:
    """The solver of z3's nonlinear real arithmetic for a question held by its ``rlimit`` (:func:`limited`): z3's own
    strategy for the logic (``SolverFor("QF_NRA")``); ``recheck``: the re-check's other route, the if-then-else terms
    eliminated first, then NLSAT alone.

    z3's strategy chooses partly by the machine: each NLSAT variant of its portfolio runs under ``try_for`` (a timer
    thread, 3 to 100 s) and a ``memory`` probe picks one of five portfolios. Those clocks also bound what NLSAT does
    without ticking its count (projections, resultants): with the portfolio's first two steps alone (NLSAT's simple
    check, then NLSAT) and no clock, five slow tests ran to their nets at under 6 units (``atan <= pi/2`` on the
    line at 0.0001), where the portfolio answers in seconds (session 28's finding, measured again in session 33). The
    questions the prover asks normally end well within the first try, so the answer is the count's."""
    if recheck:
        steps = [z3.Tactic(name, ctx) for name in ("simplify", "elim-term-ite", "qfnra-nlsat")]
        return z3.Then(*steps).solver()
    return z3.SolverFor("QF_NRA", ctx=ctx)


#: z3's module parameters the prover sets once for the process. NLSAT's levelwise single-cell projection (``nlsat.lws``,
#: on by default in z3 4.16) crashed the process inside ``Z3_solver_check_assumptions`` (SIGSEGV, no result, no
#: error): the slope ``cos(pi/u) + (pi/u) sin(pi/u) - 1 >= 0`` on ``[17/10, oo)``, z3 over bounding functions at its
#: tenth question, every run, as the question's terms were built (the same question read from its text did not crash).
#: z3's pull request 9991 (2026) turned the projection off by default for a crash of the same kind; off, NLSAT explains
#: its conflicts by its other projection, and that slope is proved (issue 68: nothing kills the process).
NLSAT_PARAMS = {"nlsat.lws": False}


def _set_params() -> None:
    """Set :data:`NLSAT_PARAMS` (a z3 without a parameter has nothing to turn off)."""
    for name, value in NLSAT_PARAMS.items():
        try:
            z3.set_param(name, value)
        except z3.Z3Exception:
            continue


_set_params()


def fresh_context() -> z3.Context:
    """A new z3 context, made with the time limit held back (:func:`paper_checks.deadline.held`): a limit that fires
    inside ``Context()`` leaves one half made, whose finaliser prints an ``AttributeError`` (``owner``) to stderr."""
    with held():
        return z3.Context()


def z3_decide(pr: Problem, milliseconds: int = Z3_MILLISECONDS, *, nlsat: bool = False
              ) -> tuple[str, list[list[Fraction]]]:
    """``("unsat", [])`` (the margin is ``>= 0`` where defined), ``("sat", candidates)`` (rational points,
    in free coordinates, near z3's model: to verify) or ``("unknown", [])``. A fresh z3 context each call;
    ``nlsat``: z3's NLSAT tactic alone (the re-check's second route)."""
    ctx = fresh_context()
    zs = [z3.Real(f"v{i}", ctx) for i in range(len(pr.vars))]
    s = limited(z3.Tactic("qfnra-nlsat", ctx).solver() if nlsat else nra_solver(ctx), milliseconds)
    for z, (lo, hi) in zip(zs, pr.box):
        s.add(z >= z3.RealVal(str(lo), ctx), z <= z3.RealVal(str(hi), ctx))
    for row in pr.rows:
        total = []
        for i in row:
            c = zs[i]
            for _ in range(pr.roots.get(i, 1) - 1):
                c = c * zs[i]
            total.append(c)
        s.add(z3.Sum(*total) <= 1 if len(total) > 1 else total[0] <= 1)
    s.add(_z3_poly(pr.product(), zs, ctx) < 0)
    answer, points = check_model(s, zs, pr.box)
    return answer, [pr.coordinates(t) for t in points]


def decide(pr: Problem, milliseconds: int = Z3_MILLISECONDS) -> tuple[str, str, list[list[Fraction]]]:
    """``(outcome, method, candidates)``: ``proved`` / ``negative`` (with rational candidates) / ``unknown``,
    by real roots in one variable, z3 otherwise."""
    if roots_decide(pr):
        return "proved", "real roots", []
    outcome, cands = z3_decide(pr, milliseconds)
    if outcome == "unsat":
        return "proved", "z3", []
    return ("negative" if outcome == "sat" else "unknown"), "z3", cands


def recheck_problem(pr: Problem, method: str, milliseconds: int = Z3_MILLISECONDS) -> str:
    """Decide ``pr`` again by another route than ``method`` where there is one (real roots for one
    variable; z3's NLSAT tactic in a fresh context otherwise): an empty string when it is proved again."""
    if len(pr.vars) == 1 and not pr.rows:
        return "" if roots_decide(pr) else "real-root isolation does not prove the polynomial margin again"
    outcome, _ = z3_decide(pr, milliseconds, nlsat=True)
    return "" if outcome == "unsat" else f"z3 re-run (fresh context, NLSAT) says {outcome}, not unsat"


# ------------------------------------------------------------------ piecewise polynomial margins: z3 with branches
class _NotPiecewisePolynomial(ValueError):
    pass


def _z3_expr(e: sympy.Expr, zs: dict[sympy.Symbol, Any], ctx: z3.Context) -> Any:
    """``e`` in z3 terms: polynomials, ``Max``/``Min``/``Abs``/``sign`` and ``Piecewise`` as if-then-else."""
    if e.is_Symbol:
        if e not in zs:
            raise _NotPiecewisePolynomial(str(e))
        return zs[e]
    if e.is_Rational:
        return z3.RealVal(str(e), ctx)
    if e.is_Add:
        return z3.Sum(*[_z3_expr(a, zs, ctx) for a in e.args])
    if e.is_Mul:
        out = _z3_expr(e.args[0], zs, ctx)
        for a in e.args[1:]:
            out = out * _z3_expr(a, zs, ctx)
        return out
    if e.is_Pow and e.exp.is_Integer and 0 <= int(e.exp) <= 64:
        b, out = _z3_expr(e.base, zs, ctx), z3.RealVal(1, ctx)
        for _ in range(int(e.exp)):
            out = out * b
        return out
    if isinstance(e, (sympy.Max, sympy.Min)):
        args = [_z3_expr(a, zs, ctx) for a in e.args]
        out = args[0]
        for a in args[1:]:
            out = z3.If(a > out, a, out) if isinstance(e, sympy.Max) else z3.If(a < out, a, out)
        return out
    if isinstance(e, sympy.Abs):
        a = _z3_expr(e.args[0], zs, ctx)
        return z3.If(a >= 0, a, -a)
    if isinstance(e, sympy.sign):
        a = _z3_expr(e.args[0], zs, ctx)
        return z3.If(a > 0, z3.RealVal(1, ctx), z3.If(a < 0, z3.RealVal(-1, ctx), z3.RealVal(0, ctx)))
    if isinstance(e, sympy.Piecewise):
        out = None
        for val, cond in reversed(e.args):
            v = _z3_expr(val, zs, ctx)
            out = v if out is None or cond is sympy.true else z3.If(_z3_cond(cond, zs, ctx), v, out)
        return out
    raise _NotPiecewisePolynomial(type(e).__name__)


def _z3_cond(c: Any, zs: dict[sympy.Symbol, Any], ctx: z3.Context) -> Any:
    ops = {sympy.StrictLessThan: lambda a, b: a < b, sympy.LessThan: lambda a, b: a <= b,
           sympy.StrictGreaterThan: lambda a, b: a > b, sympy.GreaterThan: lambda a, b: a >= b,
           sympy.Equality: lambda a, b: a == b, sympy.Unequality: lambda a, b: a != b}
    if type(c) in ops:
        return ops[type(c)](_z3_expr(c.lhs, zs, ctx), _z3_expr(c.rhs, zs, ctx))
    if isinstance(c, (sympy.And, sympy.Or)):
        parts = [_z3_cond(a, zs, ctx) for a in c.args]
        return z3.And(*parts) if isinstance(c, sympy.And) else z3.Or(*parts)
    if isinstance(c, sympy.Not):
        return z3.Not(_z3_cond(c.args[0], zs, ctx))
    raise _NotPiecewisePolynomial(type(c).__name__)


def branches_decide(expr: sympy.Expr, symbols: list[sympy.Symbol], box: Box, rows: list[list[int]],
                    milliseconds: int = Z3_MILLISECONDS, *, recheck: bool = False) -> tuple[str, list[list[Fraction]]]:
    """A piecewise polynomial margin (``Max``, ``Min``, ``Abs``, ``sign``, ``Piecewise`` of polynomials) decided
    by z3 with its branches as if-then-else: ``("unsat", [])`` proves it, ``("sat", candidates)`` (rational
    points to verify), ``("unknown", [])``, or ``("not piecewise polynomial", [])``. ``recheck``: another
    route (the if-then-else terms eliminated first, then NLSAT), in a fresh context."""
    ctx = fresh_context()
    zs = {s: z3.Real(f"v{i}", ctx) for i, s in enumerate(symbols)}
    try:
        goal = _z3_expr(sympy.sympify(expr), zs, ctx) < 0
    except (_NotPiecewisePolynomial, TypeError, AttributeError):
        return "not piecewise polynomial", []
    s = limited(nra_solver(ctx, recheck=recheck), milliseconds)
    vs = [zs[sym] for sym in symbols]
    for v, (lo, hi) in zip(vs, box):
        s.add(v >= z3.RealVal(str(lo), ctx), v <= z3.RealVal(str(hi), ctx))
    for row in rows:
        s.add(z3.Sum(*[vs[i] for i in row]) <= 1 if len(row) > 1 else vs[row[0]] <= 1)
    s.add(goal)
    return check_model(s, vs, box)
