"""The prover's door for a formula: :func:`prove_expr` turns ``expr >= 0`` over closed intervals (finite or
infinite ends) and probability simplices into the :class:`~paper_checks.search.params.SearchSpace` that
:func:`paper_checks.prover.prove.prove` decides, and counts its own set-up against the time limit."""
from __future__ import annotations

import math
import time
from collections.abc import Mapping
from fractions import Fraction
from typing import Any

import sympy

from paper_checks import work as meter
from paper_checks.prover import inputs, outset
from paper_checks.prover.outset import OutOfTime, OutOfWork, fixed_random, forget, inside, warm_up, warms_with
from paper_checks.prover.prove import ALARM_GRACE, ProofResult, prove
from paper_checks.prover.tracing import unbounded
from paper_checks.search.params import Point, Real, SearchSpace, SimplexPoint

#: margin evaluations of the counterexample search run before the proof (:func:`paper_checks.prover.prove.prove`'s
#: ``search_first``): a false neighbour negative on a small part of the domain (a weight past 1/2 in a refined
#: AM-GM, an exponent below 1 in a power mean) was found by the boxes only after 9 to 14 s
SEARCH_FIRST = 400


def _exact_end(v: Any) -> sympy.Rational:
    """An interval end as an exact rational: a float stands for its own binary value."""
    if isinstance(v, Fraction):
        return sympy.Rational(v.numerator, v.denominator)
    if isinstance(v, float):
        return sympy.Rational(v)
    r = sympy.sympify(v)
    if isinstance(r, sympy.Float):
        return sympy.Rational(r)
    if not r.is_Rational:
        raise ValueError(f"prove_expr: an interval end must be a rational number, got {v!r}")
    return r


def prove_expr(expr: Any, domain: dict[sympy.Symbol, tuple[Any, Any]], budget: int = 20000,
               seconds: float = 30.0, *, simplices: dict[str, list[sympy.Symbol]] | None = None,
               exact_first: bool = True, search_first: int = SEARCH_FIRST, work: float | None = None) -> ProofResult:
    """Prove ``expr >= 0`` for every symbol in its closed interval ``domain[symbol] = (low, high)`` (or its
    ``sympy.Interval``, whose open ends the domain leaves out: ``Interval.Ropen(-oo, 1)`` for ``x < 1``) and
    every point of the probability simplices ``simplices[name] = [p_0, ..., p_(d-1)]`` (symbols).

    A plain SymPy expression, without a claim: the parameters are ``Real``\\ s named after the
    symbols and one ``SimplexPoint`` per simplex. ``expr`` may be a formula string, read by the whitelist
    grammar of :mod:`theory.expressions` (never evaluated). Interval ends are exact rationals
    (``Rational(1, 20)``; a float stands for its own binary value), kept exact by the boxes, or exact real
    constants (``pi/2``: the symbol is then ``low + (high - low) t`` with ``t`` in ``[0, 1]``, and a counterexample
    is given back in the symbol, exactly); a symbol with ``low == high`` is pinned (substituted); an end
    ``-oo``/``oo`` makes a half-line or
    the line, proved through a chart (:mod:`paper_checks.prover.tracing.unbounded`). ``search_first`` margin evaluations
    of the counterexample search run first (0: none), on at most half the time limit. Raises
    ``ValueError``/``TypeError`` naming the argument (:mod:`paper_checks.prover.inputs`) for a bad one or a symbol in
    neither. ``work`` and ``seconds`` are :func:`~paper_checks.prover.prove.prove`'s (the work budget; the wall-clock
    net), and both count from the first line: writing the margin's text and compiling its float function are part
    of the call (a polynomial of 12,000 terms ends ``undecided`` within ``seconds + 2``, not after it).
    """
    begun = time.monotonic()  # the net counts from here: the process's warm-up and reading the formula are in it
    top = not inside()
    inputs.budget_and_time(budget, seconds)
    if seconds is None and work is None:
        raise ValueError("prove_expr: give a work budget (work=) or a time limit (seconds=); both are None")
    units = inputs.proof_work(work, seconds)
    at: dict[str, float] = {}  # where the proof's own count began (after the warm-up)
    with outset.net(meter.net_for(units) if seconds is None else float(seconds)) as net:
        try:
            res = _prove_expr(expr, domain, budget, seconds, simplices, exact_first, search_first, units, top,
                              begun, at)
        except OutOfTime:
            if not net.own:
                raise
    if net.own and net.fired:  # the net came (a machine too slow or too busy for it): no answer, said as such
        return ProofResult.by_the_net(budget, time.monotonic() - begun, meter.now() - at.get("counted", meter.now()),
                                  units, net.seconds)
    return res


def _prove_expr(expr: Any, domain: Any, budget: int, seconds: Any, simplices: Any, exact_first: bool,
                search_first: int, work: float, top: bool, begun: float, at: dict[str, float]) -> ProofResult:
    """:func:`prove_expr` inside its net (``at["counted"]``: where the proof's own count began)."""
    at["counted"] = counted = meter.now()  # the limits count from here: reading the formula is in the call
    opened = inputs.open_ends(domain) if isinstance(domain, Mapping) else {}
    expr, domain, simplices = inputs.expr_arguments(expr, domain, budget, seconds, simplices)
    with meter.metered(), fixed_random(top):
        if top:
            warm_up()
            forget()
            at["counted"] = counted = meter.now()  # the warm-up's count was taken back: the proof's own starts here
        prepared = False
        try:
            with meter.limit(work + ALARM_GRACE, error=OutOfWork):
                space, back = _space(expr, domain, simplices, opened)
                prepared = True
                left = max(work - (meter.now() - counted), inputs.LEAST_WORK)
                res = prove(space, budget, None, work=left, exact_first=exact_first, search_first=search_first)
                res.work, res.work_budget = round(meter.now() - counted, 6), work
        except OutOfWork:
            spent = meter.now() - counted
            where = ("while the margin was prepared (its text and its float function)" if not prepared else
                     "in a step the proof could not stop itself")
            return ProofResult("undecided", 0, budget, time.monotonic() - begun, work=round(spent, 3),
                               work_budget=work, reason=f"the work budget of {work:g} units ran out {where}")
    if res.counterexample is not None and back:
        pt = dict(res.counterexample)
        for name, (u, lo_r, width) in back.items():
            pt[name] = lo_r + width * pt.pop(u)
        res.counterexample = pt
    return res


warms_with(prove_expr)  # the process's warm-up proves with it (outset.warm_up)
outset.guarded(prove_expr)
outset.preload()  # what a first proof would import lazily: with the prover, not inside a call's net


def _space(expr: sympy.Expr, domain: dict[sympy.Symbol, tuple[Any, Any]], simplices: dict[str, list[sympy.Symbol]],
           opened: dict[sympy.Symbol, tuple[bool, bool]]) -> tuple[SearchSpace, dict[str, Any]]:
    """The search space of :func:`prove_expr` (its parameters, float and exact margins, its text) and how to give a
    counterexample back in the expression's own symbols."""
    in_simplex = {s: (name, i) for name, syms in simplices.items() for i, s in enumerate(syms)}
    missing = expr.free_symbols - set(domain) - set(in_simplex)
    if missing:
        raise ValueError(f"prove_expr: no interval or simplex for {sorted(map(str, missing))} in domain {domain!r}")
    params: list[Any] = []
    subs: dict[sympy.Symbol, Any] = {}  # symbol -> its value in the prover's parameters (by name)
    back: dict[str, Any] = {}  # a half-line's or an irrational interval's symbol -> (its parameter, shift, scale)
    for s, (lo, hi) in domain.items():
        op_lo, op_hi = opened.get(s, (False, False))
        if unbounded.infinite(lo) or unbounded.infinite(hi):  # prove() maps it onto a bounded interval
            end = hi if unbounded.infinite(lo) else lo  # the finite end, if any: s = end + t, t on a half-line
            shift = 0 if unbounded.infinite(end) else _exact_end(end)
            if shift == 0:
                params.append(Real(str(s), float(lo), float(hi), open_low=op_lo, open_high=op_hi))
                subs[s] = str(s)
            else:
                params.append(Real(f"{s}_from", 0.0 if end == lo else -math.inf, math.inf if end == lo else 0.0,
                                   open_low=op_lo, open_high=op_hi))
                subs[s] = f"{s}_from"
                back[str(s)] = (f"{s}_from", shift, 1)
            continue
        if any(isinstance(v, sympy.Expr) and not v.is_Rational for v in (lo, hi)):
            # an exact irrational end (pi/2): s = lo + (hi - lo) t with t in [0, 1], whose ends are exact
            lo_e, width = sympy.sympify(lo), sympy.sympify(hi) - sympy.sympify(lo)
            if width == 0:  # pinned
                expr = expr.xreplace({s: lo_e})
                continue
            params.append(Real(f"{s}_scaled", 0, 1, open_low=op_lo, open_high=op_hi))
            subs[s] = f"{s}_scaled"
            back[str(s)] = (f"{s}_scaled", lo_e, width)
            continue
        lo_r, hi_r = _exact_end(lo), _exact_end(hi)
        if lo_r > hi_r:
            raise ValueError(f"prove_expr: the interval of {s} is empty, got {(lo, hi)}")
        if lo_r == hi_r:
            expr = expr.xreplace({s: lo_r})
            continue
        # exact ends: the prover's boxes start from them
        params.append(Real(str(s), lo_r, hi_r, open_low=op_lo, open_high=op_hi))
        subs[s] = str(s)
    params += [SimplexPoint(name, len(syms)) for name, syms in simplices.items()]

    def exact(pt: Point) -> Any:
        vals = {s: (pt[n] if str(s) not in back else back[str(s)][1] + back[str(s)][2] * pt[n])
                for s, n in subs.items()}
        vals.update({s: pt[name][i] for s, (name, i) in in_simplex.items()})
        return expr.xreplace(vals)

    names = list(subs) + list(in_simplex)
    made: list[Any] = []

    def compiled() -> Any:
        """The float margin the search samples (SymPy's evaluation per point costs milliseconds), made when first
        asked for: within the proof's limits."""
        if not made:
            try:
                made.append(sympy.lambdify(names, expr, "math"))
            except (TypeError, ValueError, NameError, SyntaxError, RecursionError):
                made.append(None)
        return made[0]

    def margin(pt: Point) -> float:
        fast = compiled()
        if fast is not None:
            vals = [(float(pt[n]) if str(s) not in back else float(back[str(s)][1] + back[str(s)][2] * pt[n]))
                    for s, n in subs.items()] + [float(pt[name][i]) for name, i in in_simplex.values()]
            try:
                return float(fast(*vals))
            except (ValueError, ZeroDivisionError, OverflowError, TypeError, NameError):
                # not a float there (the search counts it): SymPy's exact value may take minutes, a rational to
                # the power -1/(1 - t) for t near 1
                return math.nan
        return float(sympy.N(exact(pt)))

    return SearchSpace(tuple(params), margin, exact, description=f"{expr} >= 0"), back
