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
from paper_checks.prover import inputs, outset, process
from paper_checks.prover.outset import OutOfTime, OutOfWork, anew, fixed_random, forget, inside
from paper_checks.prover.process import warm_up, warms_with
from paper_checks.prover.prove import ALARM_GRACE, ProofResult, prove
from paper_checks.prover.result import ProofOutcome
from paper_checks.prover.tracing import elimination, relations, unbounded
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
               exact_first: bool = True, search_first: int = SEARCH_FIRST, work: float | None = None,
               constraints: Any = None) -> ProofResult:
    """Prove ``expr >= 0`` for every symbol in its closed interval ``domain[symbol] = (low, high)`` (or its
    ``sympy.Interval``, whose open ends the domain leaves out: ``Interval.Ropen(-oo, 1)`` for ``x < 1``) and
    every point of the probability simplices ``simplices[name] = [p_0, ..., p_(d-1)]`` (symbols).

    A plain SymPy expression, without a claim: the parameters are ``Real``\\ s named after the
    symbols and one ``SimplexPoint`` per simplex. ``expr`` may be a formula string, read by the whitelist
    grammar of :mod:`label_noise_lab.theory.expressions` (never evaluated). Interval ends are exact rationals
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

    ``constraints``: relations between the coordinates that every point of the domain satisfies (a SymPy
    ``Ge``/``Gt``/``Le``/``Lt``/``Eq``/``Ne``, or a formula string ``"x**2 + y**2 <= 1"``, ``"s**2 = 1 + x"``, read by
    the same grammar; a list of them). A symbol of a constraint with no interval ranges over the whole line. Bounds on
    one variable narrow its interval, equations that determine a variable eliminate it, the rest are relations
    the boxes and z3 use (:mod:`paper_checks.prover.tracing.relations`); the notes say which, and a constraint the
    proof could not use (the proof then covers a superset). A counterexample is given in every variable and
    satisfies every constraint exactly (:mod:`paper_checks.prover.tracing.elimination`).
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
                              begun, at, constraints)
        except OutOfTime:
            if not net.own:
                raise
    if net.own and net.fired:  # the net came (a machine too slow or too busy for it): no answer, said as such
        return ProofResult.by_the_net(budget, time.monotonic() - begun, meter.now() - at.get("counted", meter.now()),
                                  units, net.seconds)
    return res


def _prove_expr(expr: Any, domain: Any, budget: int, seconds: Any, simplices: Any, exact_first: bool,
                search_first: int, work: float, top: bool, begun: float, at: dict[str, float],
                constraints: Any = None) -> ProofResult:
    """:func:`prove_expr` inside its net (``at["counted"]``: where the proof's own count began)."""
    at["counted"] = counted = meter.now()  # the limits count from here: reading the formula is in the call
    opened = inputs.open_ends(domain) if isinstance(domain, Mapping) else {}
    if constraints is not None and isinstance(domain, Mapping):  # a variable only the constraints name: the line
        domain = {**{s: (-sympy.oo, sympy.oo) for s in relations.named(constraints, domain, simplices)}, **domain}
    expr, domain, simplices = inputs.expr_arguments(expr, domain, budget, seconds, simplices)
    rels = _constraint_arguments(constraints, domain, simplices)
    with meter.metered(), fixed_random(top):
        if top:
            warm_up()
            forget()
            expr = anew(expr)  # nothing the caller or an earlier proof asked of its objects kept
            at["counted"] = counted = meter.now()  # the warm-up's count was taken back: the proof's own starts here
        prepared = False
        try:
            with meter.limit(work + ALARM_GRACE, error=OutOfWork):
                if constraints is not None:
                    res = _constrained(expr, domain, simplices, opened, rels, budget, work, counted, exact_first,
                                       search_first)
                    prepared = True
                else:
                    space, back = _space(expr, domain, simplices, opened)
                    prepared = True
                    left = max(work - (meter.now() - counted), inputs.LEAST_WORK)
                    res = prove(space, budget, None, work=left, exact_first=exact_first, search_first=search_first)
                res.work, res.work_budget = round(meter.now() - counted, 6), work
        except OutOfWork:
            spent = meter.now() - counted
            where = ("while the margin was prepared (its text and its float function)" if not prepared else
                     "in a step the proof could not stop itself")
            return ProofResult(ProofOutcome.UNDECIDED, 0, budget, time.monotonic() - begun, work=round(spent, 3),
                               work_budget=work, reason=f"the work budget of {work:g} units ran out {where}")
    if constraints is None and res.counterexample is not None and back:
        res.counterexample = _told(res.counterexample, back)
    return res


def _told(point: Point, back: dict[str, Any]) -> Point:
    """A point of the prover's parameters in the expression's own symbols."""
    pt = dict(point)
    for name, (u, lo_r, width) in back.items():
        pt[name] = lo_r + width * pt.pop(u)
    return pt


def _constraint_arguments(constraints: Any, domain: dict[sympy.Symbol, tuple[Any, Any]],
                          simplices: dict[str, list[sympy.Symbol]]) -> list[Any]:
    """The constraints read (:func:`paper_checks.prover.tracing.relations.read`), in the domain's and the simplices'
    symbols (a symbol only the constraints name is already in the domain, on the whole line)."""
    known = list(domain) + [s for syms in simplices.values() for s in syms]
    rels = relations.read(constraints, known, lambda text, syms: inputs.expression(text, syms))
    for r in rels:
        if getattr(r, "free_symbols", set()) - set(known):
            raise ValueError(f"prove_expr: the constraint {r} names a symbol of no interval")
    return rels


def _constrained(expr: sympy.Expr, domain: dict[sympy.Symbol, tuple[Any, Any]],
                 simplices: dict[str, list[sympy.Symbol]], opened: dict[sympy.Symbol, tuple[bool, bool]],
                 rels: list[Any], budget: int, work: float, counted: float, exact_first: bool,
                 search_first: int) -> ProofResult:
    """:func:`prove_expr` under ``constraints``: each case of the elimination proved in turn, on its share of the
    work left; proved where every case is, else the first case's counterexample (told in every original variable,
    checked against every constraint exactly) or why it is undecided."""
    fixed = {s for syms in simplices.values() for s in syms}
    cases = elimination.eliminate(expr, domain, opened, rels, fixed)
    live = [c for c in cases if not c.empty]
    notes = list(dict.fromkeys(n for c in cases for n in c.notes))
    if len(live) > 1:
        notes.append(f"the constraints make {len(live)} cases, each proved on its own")
    # a case that is an earlier one mirrored (x -> -x, its margin the same there) is proved with it: the work goes
    # to the cases left (relations.mirrors)
    mirrored: dict[int, tuple[int, sympy.Symbol]] = {}
    for k, case in enumerate(live):
        for j in range(k):
            x = relations.mirrors(live[j], case) if j not in mirrored else None
            if x is not None:
                mirrored[k] = (j, x)
                break
    own = [k for k in range(len(live)) if k not in mirrored]
    first: ProofResult | None = None
    for k, case in enumerate(live):
        if k in mirrored:
            j, x = mirrored[k]
            if first is not None and first.certificate is not None:
                first.certificate.notes.append(f"case {k + 1} of {len(live)} is case {j + 1} mirrored ({x} -> -{x}, "
                                               f"the margin the same there): proved with it")
            continue
        pins = {s: relations.lo_of(iv) for s, iv in case.domain.items() if relations.lo_of(iv) == relations.hi_of(iv)}
        if pins:
            case.expr = case.expr.xreplace(pins)
            case.relations = [(g.xreplace(pins), st) for g, st in case.relations]
            case.unused = [r.xreplace(pins) for r in case.unused]
        dom: dict[sympy.Symbol, tuple[Any, Any]] = {
            s: (-math.inf if relations.lo_of(iv) is -sympy.oo else relations.lo_of(iv),
                math.inf if relations.hi_of(iv) is sympy.oo else relations.hi_of(iv)) for s, iv in case.domain.items()}
        opn = {s: relations.open_of(iv) for s, iv in case.domain.items()}
        space, back = _space(case.expr, dom, simplices, opn, case)
        left = max((work - (meter.now() - counted)) / sum(1 for i in own if i >= k), inputs.LEAST_WORK)
        res = prove(space, budget, None, work=left, exact_first=exact_first, search_first=search_first)
        if res.outcome == "counterexample":
            res = _checked_back(res, case, back, expr, rels, simplices, list(domain))
        elif res.undefined is not None:  # where the margin is not real: told in the original variables too
            pt = _told(dict(res.undefined.point), back)
            names = {str(v): v for v in case.domain}
            full = case.back({names[n]: sympy.sympify(v) for n, v in pt.items() if n in names})
            res.undefined.point = {**pt, **{str(v): full[v] for v in domain if v in full}}
        res.notes = notes + (([f"case {k + 1} of {len(live)}"] if len(live) > 1 else [])) + list(res.notes)
        if not res.proved:
            return res
        if first is None:
            first = res
        elif res.certificate is not None and first.certificate is not None:
            first.certificate.notes += [f"case {k + 1} of {len(live)} proved too: {res.certificate.methods()}"] + \
                [n for n in res.certificate.notes if n not in first.certificate.notes]
            first.certificate.constraint_ignored |= res.certificate.constraint_ignored
            first.boxes += res.boxes
    if first is None:  # no point is left: the claim holds vacuously
        space, _ = _space(sympy.Integer(1), {s: d for s, d in list(domain.items())[:1]} or
                          {sympy.Symbol("t"): (0, 1)}, {}, {})
        first = prove(space, budget, None, work=max(work - (meter.now() - counted), inputs.LEAST_WORK))
        first.notes = notes + ["the constraints leave no point of the domain: the claim holds vacuously (the "
                               "certificate is of 1 >= 0)"]
        return first
    if first.certificate is not None:
        first.certificate.notes = notes + [n for n in first.certificate.notes if n not in notes]
    first.notes = notes + [n for n in first.notes if n not in notes]
    return first


def _checked_back(res: ProofResult, case: Any, back: dict[str, Any], expr: sympy.Expr, rels: list[Any],
                  simplices: dict[str, list[sympy.Symbol]], original: list[sympy.Symbol]) -> ProofResult:
    """A counterexample of a case told in every original variable, exactly, and checked against every original
    constraint and the original margin exactly; where it is not (a value the check cannot decide), ``undecided``."""
    pt = _told(dict(res.counterexample or {}), back)
    names = {str(s): s for s in case.domain}
    values = {names[k]: sympy.nsimplify(v) if isinstance(v, float) else sympy.sympify(v)
              for k, v in pt.items() if k in names}
    values.update({s: relations.lo_of(iv) for s, iv in case.domain.items()
                   if s not in values and relations.lo_of(iv) == relations.hi_of(iv)})
    for name, syms in simplices.items():
        values.update({p: sympy.sympify(pt[name][i]) for i, p in enumerate(syms)})
    full = case.back(values)
    bad = [str(r) for r in rels if relations.holds_exactly(r, full) is not True]
    margin = relations.sign_of(expr.xreplace(full))
    if bad or margin != -1 or any(s not in full for s in original):
        why = (f"it breaks the constraint {bad[0]} or the check cannot decide it" if bad else
               "the original margin there is not exactly negative")
        return ProofResult(ProofOutcome.UNDECIDED, res.boxes, res.budget, res.seconds, notes=list(res.notes),
                           reason=f"a counterexample of the constraints' elimination, {full}, was not verified: {why}")
    told = {str(s): full[s] for s in original}
    told.update({name: pt[name] for name in simplices})
    res.counterexample = told
    return res


warms_with(prove_expr)  # the process's warm-up proves with it (process.warm_up)
outset.guarded(prove_expr)
process.preload()  # what a first proof would import lazily: with the prover, not inside a call's net


def _space(expr: sympy.Expr, domain: dict[sympy.Symbol, tuple[Any, Any]], simplices: dict[str, list[sympy.Symbol]],
           opened: dict[sympy.Symbol, tuple[bool, bool]], case: Any = None) -> tuple[SearchSpace, dict[str, Any]]:
    """The search space of :func:`prove_expr` (its parameters, float and exact margins, its text) and how to give a
    counterexample back in the expression's own symbols; ``case`` (:class:`~paper_checks.prover.tracing.relations.Case`)
    gives its relations as the space's constraint."""
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
            shift = 0 if unbounded.infinite(end) else _exact_shift(end)
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

    constraint = None if case is None else _constraint(case, subs, back, in_simplex)
    held = [] if case is None else [f"{g} {'>' if st else '>='} 0" for g, st in case.relations] + \
        [str(r) for r in case.unused]
    described = f"{expr} >= 0" + (" where " + " and ".join(held) if held else "")
    return SearchSpace(tuple(params), margin, exact, constraint=constraint, description=described), back


def _constraint(case: Any, subs: dict[sympy.Symbol, Any], back: dict[str, Any],
                in_simplex: dict[sympy.Symbol, tuple[str, int]]) -> Any:
    """The space's constraint from ``case``'s relations: on symbols (the prover's trace) the comparisons
    ``g >= 0`` / ``g > 0`` (a disequation left out: no closed set states it); at floats (the search) their float values;
    at an exact point, every relation and disequation decided exactly (a point where one is not decided is none of
    the domain: it is never reported as a counterexample)."""
    if not (case.relations or case.unused):
        return None
    names = list(subs) + list(in_simplex)
    fast: list[Any] = []

    def values(pt: Point) -> dict[sympy.Symbol, Any]:
        vals = {s: (pt[n] if str(s) not in back else back[str(s)][1] + back[str(s)][2] * pt[n])
                for s, n in subs.items()}
        vals.update({s: pt[name][i] for s, (name, i) in in_simplex.items()})
        return vals

    def constraint(pt: Point) -> Any:
        vals = values(pt)
        if any(isinstance(v, float) for v in vals.values()) or \
                any(type(v).__module__ == "numpy" for v in vals.values()):
            if not fast:
                try:
                    fast.append([(sympy.lambdify(names, g, "math"), st) for g, st in case.relations])
                except (TypeError, ValueError, NameError, SyntaxError, RecursionError):
                    fast.append(None)
            if fast[0] is None:
                return False
            args = [float(vals[s]) for s in names]
            try:
                return all((f(*args) > 0 if st else f(*args) >= 0) for f, st in fast[0])
            except (ValueError, ZeroDivisionError, OverflowError, TypeError):
                return False
        exact = {s: (sympy.Rational(v.numerator, v.denominator) if isinstance(v, Fraction) else sympy.sympify(v))
                 for s, v in vals.items()}
        if any(v.free_symbols for v in exact.values()):  # on symbols: the prover reads the comparisons
            return sympy.And(*[(sympy.Gt if st else sympy.Ge)(g.xreplace(exact), 0) for g, st in case.relations])
        rels = [(sympy.Gt if st else sympy.Ge)(g, 0, evaluate=False) for g, st in case.relations] + case.unused
        return all(relations.holds_exactly(r, exact) is True for r in rels)
    return constraint


def _exact_shift(v: Any) -> sympy.Expr:
    """A half-line's finite end, exactly: a rational (a float is its own binary value) or an exact real constant
    (``sqrt(3)``)."""
    if isinstance(v, sympy.Expr) and v.is_number and not v.is_Rational and not isinstance(v, sympy.Float):
        return v
    return _exact_end(v)
