"""The elimination of :func:`paper_checks.prover.prove_expr.prove_expr`'s constraints (:func:`eliminate`): the
cases (:class:`~paper_checks.prover.tracing.relations.Case`) whose proofs together prove the margin where every
constraint holds.

Elimination, in this order, to a fixed point:

* each variable's interval is narrowed by the affine inequalities and the other intervals (``0 < A < B < 2`` bounds
  ``B > 0`` and ``A < 2``; :func:`_propagated`), the inequalities staying pending;
* a ground relation is decided exactly (a false one leaves no point: the claim holds vacuously);
* a relation in one variable (``x >= c``, ``x**2 <= 2``, ``abs(x) < pi/2``, ``x = 79/64``) is solved over the reals
  (SymPy's ``solveset``, polynomials and ``Abs`` only) and narrows that variable's interval (a strict one opens the
  end); a union of intervals (``x != a``, ``x**2 >= 1``) makes one case per interval, proved separately;
* an equation that determines a variable ``v`` given the rest is solved and ``v`` substituted everywhere (the
  margin, the other relations), ``v``'s own interval becoming relations on the substituted expression: linear in
  ``v`` with a coefficient of known sign (``(1 + x) y = x`` with ``x > -1``), ``A v**k = B`` with ``k`` odd
  (``y**3 = x``: the real root), ``A v**2 = B`` (``s >= 0, s**2 = 1 + x``: ``s = sqrt(1 + x)``, ``1 + x >= 0`` a
  relation where it is not implied; without a sign of ``v``, both signs, as two cases) and ``A v**2 + B v + C = 0``
  with ``A`` a number (two cases, the discriminant ``>= 0`` a relation);
* an affine inequality ``a v + r >= 0`` whose variable ``v`` has its bound on one side implied by the rest (``X < Y``
  on half-lines: ``Y = X + s`` with ``s > 0``) is a new coordinate ``s``, the gap: the relation's boundary becomes a
  face ``s = 0`` (where a margin tight on it is proved by a face, not by boxes along a diagonal); ``v``'s other end,
  where finite, stays a relation;
* but ``x < y`` with ``x >= 0``, where the margin reads ``x/y`` or is 0/0 at ``x = y = 0``, is ``x = r y`` with
  ``r`` in ``(0, 1)``, the ratio (:func:`_ratio`): the origin's 0/0 and the edge ``x = y`` become the faces of a box
  (``sin(x)/sin(y) >= x/y``: concave in ``r``, 0 at both ends).

What is left stays a relation; a disequation in several variables, which no closed set states, is kept for the
exact check of a counterexample only, and said (the proof then covers a superset). A "known sign" is decided by z3
on the variables' boxes (:func:`paper_checks.prover.algebraic.fragment.decide`), so a polynomial or radical; else
the elimination that needs it is not done.
"""
from __future__ import annotations

import math
from fractions import Fraction
from typing import Any

import sympy
from sympy.polys.polyerrors import BasePolynomialError

from paper_checks.prover.algebraic import fragment
from paper_checks.prover.tracing.relations import (
    Case,
    hi_of,
    holds_exactly,
    interval_of,
    lo_of,
    normal,
    open_of,
    relation_of,
    sign_of,
)

#: z3's slice (milliseconds) for one sign question of the elimination
SIGN_MILLISECONDS = 300
#: the most elimination rounds (each removes a relation or a variable)
MAX_ROUNDS = 40
#: the most cases the unions and the two signs of a square root may make
MAX_CASES = 8


def eliminate(expr: sympy.Expr, domain: dict[sympy.Symbol, tuple[Any, Any]],
              opened: dict[sympy.Symbol, tuple[bool, bool]], rels: list[sympy.Basic],
              fixed: set[sympy.Symbol]) -> list[Case]:
    """The cases of ``expr >= 0`` on ``domain`` under ``rels`` (module docstring); ``fixed``: symbols that are
    not eliminated (a simplex's)."""
    dom = {s: interval_of(lo, hi, *opened.get(s, (False, False))) for s, (lo, hi) in domain.items()}
    first = Case(expr, dom, pending=list(rels))
    done: list[Case] = []
    todo = [first]
    while todo:
        case = todo.pop()
        more = _run(case, fixed)
        if len(done) + len(todo) + len(more) > MAX_CASES:
            case.notes.append(f"more than {MAX_CASES} cases: the relations left are kept as they are")
            done.append(case)
            continue
        if more:
            todo.extend(more)
            continue
        done.append(case)
    return done


def _propagated(case: Case, fixed: set[sympy.Symbol]) -> None:
    """Each variable's interval narrowed by the pending affine inequalities and the other variables' intervals
    (bounds consistency: ``0 < A < B < 2`` bounds ``B > 0`` and ``A < 2``), to a fixed point within
    :data:`MAX_ROUNDS`. A derived end is open where the inequality is strict or an end it is derived from is open;
    an end that would leave no point is not taken (the relations decide that). The inequalities stay pending: only
    the box shrinks, to the one the relations leave (a half-line ``(-oo, 2)`` of ``B`` was two unbounded charts)."""
    for _ in range(MAX_ROUNDS):
        changed = False
        for rel in case.pending:
            if not isinstance(rel, sympy.Rel):  # a ground relation, decided by its own step
                continue
            g, kind = normal(rel)
            if kind not in ("ge", "gt"):
                continue
            syms = sorted(g.free_symbols, key=str)
            if len(syms) < 2 or not set(syms) <= set(case.domain):
                continue
            try:
                p = sympy.Poly(g, *syms)
            except BasePolynomialError:
                continue
            if p.total_degree() != 1 or not all(c.is_Rational for c in p.coeffs()):
                continue
            coef = {v: p.coeff_monomial(v) for v in syms}
            const = p.coeff_monomial(1)
            for v in syms:
                if v in fixed or coef[v] == 0:
                    continue
                # coef[v] v >= -(const + sum of the others): the others' largest value bounds it
                most, opened = -const, kind == "gt"
                for w in syms:
                    if w == v or coef[w] == 0:
                        continue
                    iv = case.domain[w]
                    end, end_open = (lo_of(iv), open_of(iv)[0]) if coef[w] < 0 else (hi_of(iv), open_of(iv)[1])
                    if end.is_infinite:
                        break
                    most -= coef[w] * end
                    opened |= end_open
                else:
                    changed |= _narrow(case, v, most / coef[v], coef[v] > 0, opened, rel)
        if not changed:
            return


def _narrow(case: Case, v: sympy.Symbol, bound: sympy.Expr, low: bool, opened: bool, rel: sympy.Basic) -> bool:
    """``v``'s interval narrowed to ``v >= bound`` (``low``; ``v > bound`` where ``opened``) or ``v <= bound``, where
    that is narrower and leaves a point; whether it was."""
    iv = case.domain[v]
    lo, hi = lo_of(iv), hi_of(iv)
    op_lo, op_hi = open_of(iv)
    if low:
        if not (bound > lo or (bound == lo and opened and not op_lo)) or not (bound < hi):
            return False
        lo, op_lo = bound, opened
    else:
        if not (bound < hi or (bound == hi and opened and not op_hi)) or not (bound > lo):
            return False
        hi, op_hi = bound, opened
    case.domain[v] = sympy.Interval(lo, hi, op_lo, op_hi)
    case.notes.append(f"the constraint {rel} and the other intervals bound {v} {'>' if low else '<'}"
                      f"{'' if opened else '='} {bound}")
    return True


def _run(case: Case, fixed: set[sympy.Symbol]) -> list[Case]:
    """Eliminate in ``case`` to a fixed point; the cases it splits into (none: ``case`` is done, in place)."""
    for _ in range(MAX_ROUNDS):
        if case.empty or not case.pending:
            break
        _propagated(case, fixed)
        progressed = False
        for k, rel in enumerate(case.pending):
            rest = case.pending[:k] + case.pending[k + 1:]
            trial = case.copy()  # changed only where the step finishes: a step SymPy stops leaves nothing half done
            try:
                got = _one(trial, rel, rest, fixed)
            except (ArithmeticError, TypeError, ValueError, NotImplementedError, AttributeError, RecursionError,
                    BasePolynomialError):
                got = None
            if got is None:
                continue
            progressed = True
            if isinstance(got, list):
                return got
            case.__dict__.update(trial.__dict__)
            break
        if not progressed:
            break
    for rel in case.pending:  # what is left: relations
        g, kind = normal(rel)
        if kind in ("ge", "gt"):
            case.relations.append((g, kind == "gt"))
            case.notes.append(f"the constraint {rel} is kept as a relation: boxes where it fails throughout are "
                              "discarded, z3 takes it as a hypothesis")
        elif kind == "eq":
            case.relations += [(g, False), (-g, False)]
            case.notes.append(f"the equation {rel} could not be solved for a variable: kept as two relations")
        else:
            case.unused.append(rel)
            case.notes.append(f"the constraint {rel} was not used by the proof (a disequation in several "
                              "variables): the proof covers a superset; a counterexample is checked against it")
    case.pending = []
    _bounded(case)
    return []


#: the bounds tried, in turn, on a variable with an infinite end that the relations bound (:func:`_bounded`)
BOUNDS = (1, 16, 2 ** 20)


def _bounded(case: Case) -> None:
    """Each variable with an infinite end that the relations bound (``x^2 + (y - 1)^2 <= 1`` on the plane) gets the
    first bound of :data:`BOUNDS` that z3 proves from them: a box where there was a half-line (no chart), the points
    left out being none of the domain."""
    named = {x for g, _ in case.relations for x in g.free_symbols}
    for v in sorted(named & set(case.domain), key=str):
        iv = case.domain[v]
        lo, hi = lo_of(iv), hi_of(iv)
        for end in ("low", "high"):
            if not (lo if end == "low" else hi).is_infinite:
                continue
            for b in BOUNDS:
                if _known_sign(case, v + b if end == "low" else b - v, False):
                    op_lo, op_hi = open_of(iv)
                    lo, hi = (-sympy.Integer(b), hi) if end == "low" else (lo, sympy.Integer(b))
                    iv = sympy.Interval(lo, hi, op_lo and end != "low", op_hi and end != "high")
                    case.domain[v] = iv
                    case.notes.append(f"the relations bound {v} {'>=' if end == 'low' else '<='} "
                                      f"{'-' if end == 'low' else ''}{b} (z3)")
                    break


def _one(case: Case, rel: sympy.Basic, rest: list[sympy.Basic], fixed: set[sympy.Symbol]) -> bool | list[Case] | None:
    """One relation of ``case.pending``: eliminated (True, ``case`` changed), split into cases, or None (not
    now)."""
    if rel is sympy.true or rel is True:
        case.pending = rest
        return True
    if rel is sympy.false or rel is False:
        case.empty, case.pending = True, rest
        case.notes.append("a constraint is false: no point is left")
        return True
    g, kind = normal(rel)
    g = sympy.sympify(g)
    free = g.free_symbols
    if not free:
        s = sign_of(g)
        if s is None:
            return None
        ok = {"ge": s >= 0, "gt": s > 0, "eq": s == 0, "ne": s != 0}[kind]
        case.pending = rest
        if not ok:
            case.empty = True
            case.notes.append(f"the constraint {rel} is false: no point is left")
        return True
    if free & fixed:
        return None
    if len(free) == 1:
        (v,) = free
        got = _one_variable(case, v, g, kind, rel)
        if got is not None:
            if isinstance(got, list):
                for c in got:
                    c.pending = list(rest)
            else:
                case.pending = rest
            return got
    if kind == "eq":
        return _solve(case, g, rel, rest)
    if kind in ("ge", "gt") and (_ratio(case, g, kind == "gt", rel) or _gap(case, g, kind == "gt", rel)):
        v, sol = case.defs[-1]
        case.pending = [r.xreplace({v: sol}) if isinstance(r, sympy.Basic) else r for r in rest]
        return True
    return None


def _one_variable(case: Case, v: sympy.Symbol, g: sympy.Expr, kind: str, rel: sympy.Basic
                  ) -> bool | list[Case] | None:
    """A relation in ``v`` alone: ``v``'s interval narrowed (True), or one case per interval of a union."""
    if v not in case.domain:
        return None
    if not (g.is_polynomial(v) or g.replace(sympy.Abs, lambda a: a).is_polynomial(v)):
        return None
    if any(not (c.is_number and c.is_real) for c in g.atoms(sympy.Number)):
        return None
    try:
        sol = sympy.solveset(relation_of(g, kind), v, case.domain[v])
    except (NotImplementedError, TypeError, ValueError, RecursionError):
        return None
    parts: list[Any]
    if sol is sympy.S.EmptySet:
        case.empty = True
        case.notes.append(f"the constraint {rel} leaves no point of {v}'s interval")
        return True
    if isinstance(sol, sympy.Interval):
        parts = [sol]
    elif isinstance(sol, sympy.FiniteSet) and all(p.is_real for p in sol):
        parts = list(sol)
    elif isinstance(sol, sympy.Union) and all(isinstance(a, (sympy.Interval, sympy.FiniteSet)) for a in sol.args):
        parts = []
        for a in sol.args:
            parts += [a] if isinstance(a, sympy.Interval) else list(a)
    else:
        return None
    if not _agrees(relation_of(g, kind), v, case.domain[v], parts):
        return None
    cases = []
    for p in parts:
        c = case.copy()
        c.domain[v] = p if isinstance(p, sympy.Interval) else sympy.FiniteSet(p)
        cases.append(c)
    note = f"the constraint {rel} {'narrows' if len(parts) == 1 else 'splits'} the interval of {v}: " + \
        " or ".join(str(p) for p in parts)
    for c in cases:
        c.notes.append(note)
    if len(cases) == 1:
        case.domain, case.notes = cases[0].domain, cases[0].notes
        return True
    return cases


def _agrees(rel: sympy.Basic, v: sympy.Symbol, whole: sympy.Set, parts: list[Any]) -> bool:
    """A check of ``solveset``'s answer, never trusted alone: the relation holds exactly at a rational point inside
    each interval of ``parts`` (at each point of them) and fails at one inside each gap of ``whole`` they leave."""
    found = sympy.Union(*[p if isinstance(p, sympy.Interval) else sympy.FiniteSet(p) for p in parts])
    rest = whole - found
    for inside, piece in [(True, p) for p in parts] + [(False, r) for r in _pieces(rest)]:
        x = _inner(piece)
        if x is None:
            continue
        if holds_exactly(rel, {v: x}) is not inside:
            return False
    return True


def _pieces(s: sympy.Set) -> list[Any]:
    if s is sympy.S.EmptySet:
        return []
    if isinstance(s, sympy.Union):
        return [q for a in s.args for q in _pieces(a)]
    if isinstance(s, sympy.FiniteSet):
        return list(s)
    return [s]


def _inner(piece: Any) -> sympy.Expr | None:
    """A rational point inside ``piece`` (an interval, or one point itself)."""
    if not isinstance(piece, sympy.Interval):
        return sympy.sympify(piece)
    lo, hi = piece.start, piece.end
    if lo.is_infinite and hi.is_infinite:
        return sympy.Integer(0)
    if lo.is_infinite:
        return sympy.floor(hi) - 1
    if hi.is_infinite:
        return sympy.ceiling(lo) + 1
    if lo == hi:
        return lo
    mid = (lo + hi) / 2
    x = mid if mid.is_Rational else sympy.nsimplify(mid, rational=True, tolerance=float(hi - lo) / 8)
    return x if piece.contains(x) is sympy.true else None


# ---------------------------------------------------------------- signs on the domain


def _box(case: Case, syms: list[sympy.Symbol]) -> list[tuple[Any, Any]] | None:
    """The variables' boxes with rational ends (an irrational end widened outward), infinite ends as floats."""
    out = []
    for s in syms:
        iv = case.domain.get(s)
        if iv is None:
            return None
        ends: list[Any] = []
        for e, up in ((lo_of(iv), False), (hi_of(iv), True)):
            if e.is_infinite:
                ends.append(math.inf if e > 0 else -math.inf)
            elif e.is_Rational:
                ends.append(Fraction(int(e.p), int(e.q)))
            else:
                f = sympy.floor(e) if not up else sympy.ceiling(e)
                ends.append(Fraction(int(f)))
        out.append((ends[0], ends[1]))
    return out


def _known_sign(case: Case, e: sympy.Expr, strict: bool) -> bool:
    """Whether ``e >= 0`` (``> 0``: ``strict``) on every point of ``case``'s boxes, proved by z3 (with the
    relations of ``case`` kept so far as hypotheses)."""
    e = sympy.sympify(e)
    if e.is_number:
        s = sign_of(e)
        return s is not None and (s > 0 or (s == 0 and not strict))
    syms = sorted(e.free_symbols | {x for g, _ in case.relations for x in g.free_symbols}, key=str)
    box = _box(case, syms)
    if box is None:
        return False
    strict_ends = [open_of(case.domain[s]) for s in syms]
    try:
        out, _ = fragment.decide(e, syms, box, [], SIGN_MILLISECONDS, strict=strict_ends, positive=strict,
                                 hypotheses=case.relations)
    except Exception:  # noqa: BLE001  (a question z3 cannot take: the sign is not known)
        return False
    return out == "unsat"


# ---------------------------------------------------------------- equations


def _solve(case: Case, g: sympy.Expr, rel: sympy.Basic, rest: list[sympy.Basic]) -> bool | list[Case] | None:
    """An equation ``g = 0`` solved for one of its variables (module docstring); None where none is."""
    cands = [v for v in sorted(g.free_symbols, key=str) if v in case.domain]
    tried: list[tuple[tuple[int, int, int], sympy.Symbol, Any]] = []
    for v in cands:
        if not g.is_polynomial(v):
            continue
        p = sympy.Poly(sympy.expand(g), v)
        deg = p.degree()
        if deg < 1 or deg > 2 and len(p.terms()) > 2:
            continue
        # an auxiliary variable first (one no other relation names: ``s`` of ``s**2 = x - 1``, not ``x``), then one
        # case before two (a square root whose sign is known), then the variable of the higher power (``s``, not
        # ``x``: the margin keeps the variable the relations are about)
        others = sum(1 for r in rest if isinstance(r, sympy.Basic) and v in r.free_symbols)
        two = deg == 2 and (len(p.terms()) > 2 or len(_signs(case, v)) > 1)
        tried.append(((others, int(two), -deg), v, p))
    for _, v, p in sorted(tried, key=lambda t: (t[0], str(t[1]))):
        got = _solve_for(case, v, p, rel)
        if got is None:
            continue
        for c in (got if isinstance(got, list) else [case]):
            c.pending = [r.xreplace({v: c.defs[-1][1]}) if isinstance(r, sympy.Rel) else r for r in rest] + c.born
            c.born = []
        return got
    return None


def _solve_for(case: Case, v: sympy.Symbol, p: sympy.Poly, rel: sympy.Basic) -> bool | list[Case] | None:
    deg = p.degree()
    coeffs = dict(p.terms())
    a = p.LC()
    others = {k[0]: c for k, c in coeffs.items() if k[0] != deg}
    if deg == 1:
        b = others.get(0, sympy.Integer(0))
        if not (_known_sign(case, a, True) or _known_sign(case, -a, True)):
            return None
        _substitute(case, v, sympy.cancel(-b / a), rel, f"{v} = {sympy.cancel(-b / a)} (its coefficient has one "
                                                          "sign)")
        return True
    if not a.is_number or sign_of(a) in (0, None):
        return None
    if set(others) <= {0}:  # a v**k = -b: one root for k odd, two for k even
        # the constant term as the relation writes it, not expanded: a radicand (A^2 + 1)(B^2 + 1), shifted by a gap
        # (A = B - g), expanded encloses below 0 on a box, where its root is undefined in interval arithmetic
        r = -normal(rel)[0].xreplace({v: 0}) / a
        if deg % 2:
            if _known_sign(case, r, False):
                sol = r ** sympy.Rational(1, deg)
            elif _known_sign(case, -r, False):
                sol = -(-r) ** sympy.Rational(1, deg)
            else:
                sol = sympy.sign(r) * sympy.Abs(r) ** sympy.Rational(1, deg)
            _substitute(case, v, sol, rel, f"{v} = {sol} (the real root)")
            return True
        if deg != 2:
            return None
        root = sympy.sqrt(r)
        signs = _signs(case, v)
        out = []
        for sgn in signs:
            c = case.copy() if len(signs) > 1 else case
            if not _known_sign(c, r, False):
                c.born.append(sympy.Ge(r, 0, evaluate=False))
            _substitute(c, v, sgn * root, rel, f"{v} = {sgn * root}" + (" (one of two cases: each sign of "
                                                                          f"{v})" if len(signs) > 1 else ""))
            out.append(c)
        return out if len(out) > 1 else True
    if deg != 2:
        return None
    b, c0 = others.get(1, sympy.Integer(0)), others.get(0, sympy.Integer(0))
    disc = sympy.expand(b ** 2 - 4 * a * c0)
    out = []
    for sgn in (1, -1):
        c = case.copy()
        if not _known_sign(c, disc, False):
            c.born.append(sympy.Ge(disc, 0, evaluate=False))
        sol = (-b + sgn * sympy.sqrt(disc)) / (2 * a)
        _substitute(c, v, sol, rel, f"{v} = {sol} (one of two cases: each root)")
        out.append(c)
    return out


def _signs(case: Case, v: sympy.Symbol) -> list[int]:
    iv = case.domain[v]
    if lo_of(iv) >= 0:
        return [1]
    if hi_of(iv) <= 0:
        return [-1]
    return [1, -1]


def _replaced(case: Case, v: sympy.Symbol, sol: sympy.Expr) -> sympy.Interval:
    """``v`` out of ``case``'s domain and ``sol`` in its place in the margin and the relations; ``v``'s interval."""
    iv = case.domain.pop(v)
    case.expr = case.expr.xreplace({v: sol})
    case.relations = [(g.xreplace({v: sol}), s) for g, s in case.relations]
    return iv


def _fresh(case: Case, name: str, positive: bool) -> sympy.Symbol:
    """A new coordinate named ``name`` (``_`` appended until no variable or eliminated one has it), positive or
    nonnegative."""
    s = sympy.Symbol(name, positive=True) if positive else sympy.Symbol(name, nonnegative=True)
    while s in case.domain or any(s == d for d, _ in case.defs):
        s = sympy.Symbol(s.name + "_", **s.assumptions0)
    return s


def _substitute(case: Case, v: sympy.Symbol, sol: sympy.Expr, rel: sympy.Basic, how: str) -> None:
    """``v = sol`` everywhere in ``case``: the margin, the relations, ``v``'s interval as relations on ``sol``."""
    iv = _replaced(case, v, sol)
    (op_lo, op_hi), lo, hi = open_of(iv), lo_of(iv), hi_of(iv)
    for end, strict, g in ((lo, op_lo, sol - lo), (hi, op_hi, hi - sol)):
        if end.is_infinite:
            continue
        if (g.is_positive or (g.is_nonnegative and not strict)) or _known_sign(case, g, strict):
            continue
        case.born.append((sympy.Gt if strict else sympy.Ge)(g, 0, evaluate=False))
    case.defs.append((v, sol))
    case.notes.append(f"the equation {rel} eliminated {v}: {how}")


# ---------------------------------------------------------------- affine gaps


def _gap(case: Case, g: sympy.Expr, strict: bool, rel: sympy.Basic) -> bool:
    """``a v + r >= 0`` (affine, rational coefficients) with ``v``'s bound on the side the relation pushes it from
    implied by the rest: ``v = (s - r)/a`` with a new coordinate ``s >= 0`` (``> 0``: strict), the gap, so that the
    relation's boundary is the face ``s = 0`` of a box; ``v``'s other end, where finite, bounds ``s`` and stays a
    relation (``x + y <= z`` with ``z <= 2``: ``z = x + y + s``, ``x + y + s <= 2``)."""
    e = sympy.expand(g)
    syms = sorted(e.free_symbols, key=str)
    if not all(v in case.domain for v in syms):
        return False
    try:
        p = sympy.Poly(e, *syms)
    except BasePolynomialError:
        return False
    if p.total_degree() != 1 or not all(c.is_Rational for c in p.coeffs()):
        return False
    for v in syms:
        a = e.coeff(v)
        r = sympy.expand(e - a * v)
        w = -r / a  # v = w + s/a
        iv = case.domain[v]
        free_end, other = (hi_of(iv), lo_of(iv)) if a > 0 else (lo_of(iv), hi_of(iv))
        if not other.is_infinite:
            ext = _extreme(case, w, low=a > 0)
            if ext is None:
                continue
            past = ext > other if a > 0 else ext < other
            if not (past or (ext == other and (strict or not open_of(iv)[0 if a > 0 else 1]))):
                continue
        s = _fresh(case, f"{v}_gap", strict)
        sol = w + s / a
        width = sympy.oo
        if not free_end.is_infinite:  # v's other end: a relation on sol, and s's interval bounded by it
            near = _extreme(case, w, low=a > 0)
            if near is None:
                continue
            width = (free_end - near) * a
            if width < 0 or (width == 0 and strict):
                continue
        case.domain[s] = sympy.Interval(0, width, strict, bool(open_of(iv)[1 if a > 0 else 0]))
        _replaced(case, v, sol)
        if not free_end.is_infinite:  # kept as a relation, not eliminated again (no gap of a gap)
            g_end = (free_end - sol) if a > 0 else (sol - free_end)
            case.relations.append((sympy.expand(g_end), bool(open_of(iv)[1 if a > 0 else 0])))
        case.defs.append((v, sol))
        case.notes.append(f"the constraint {rel} made {v} = {sol} with {s} {'>' if strict else '>='} 0 (the gap)")
        return True
    return False


def _ratio(case: Case, g: sympy.Expr, strict: bool, rel: sympy.Basic) -> bool:
    """``c (y - x) >= 0`` (``> 0``: strict) with ``x >= 0``, ``y > 0``, where the margin reads ``x/y`` or its
    denominator is 0 where ``x = y = 0``: ``x = r y`` with a new coordinate ``r`` in ``[0, 1]`` (``(0, 1)`` where
    ``x > 0`` and the relation is strict), the ratio, where a gap would leave the 0/0 at the origin in every box of
    its corner: ``sin(x)/sin(y) - x/y`` on ``0 < x < y < pi/2`` (MetiTarski's ``sin-problem-7``) is
    ``sin(r y)/sin(y) - r``, concave in ``r`` and 0 at both its ends. ``(r, y) -> (r y, y)`` maps the box onto the
    region (``r = x/y``); ``x``'s ends, where the others do not imply them, stay relations on ``r y``."""
    e = sympy.expand(g)
    syms = sorted(e.free_symbols, key=str)
    if len(syms) != 2 or not all(v in case.domain for v in syms) or e.as_coeff_add()[0] != 0:
        return False
    a, b = (e.coeff(v) for v in syms)
    if not (a.is_Rational and b.is_Rational and a == -b):
        return False
    x, y = syms if a < 0 else syms[::-1]  # c (y - x): x is the smaller
    ix, iy = case.domain[x], case.domain[y]
    lx = lo_of(ix)
    if not (lx.is_number and lx >= 0) or not (lo_of(iy) > 0 or (lo_of(iy) == 0 and (open_of(iy)[0] or strict))):
        return False
    origin, inverse = {x: 0, y: 0}, sympy.Pow(y, -1)
    nodes = list(sympy.preorder_traversal(case.expr))
    quotient = any(isinstance(m, sympy.Mul) and x in m.args and inverse in m.args for m in nodes)
    singular = lx == 0 and any(isinstance(p, sympy.Pow) and p.exp.is_negative
                               and sympy.sympify(p.base.xreplace(origin)) == 0 for p in nodes)
    if not (quotient or singular):
        return False
    r = _fresh(case, f"{x}_ratio", bool(open_of(ix)[0]))
    hx, hy = hi_of(ix), hi_of(iy)
    implied = hx.is_infinite or (not hy.is_infinite and (hx > hy or (hx == hy and (strict or open_of(iy)[1]
                                                                                 or not open_of(ix)[1]))))
    if not implied:
        case.relations.append((sympy.expand(hx - r * y), bool(open_of(ix)[1])))
    if lx > 0:
        case.relations.append((sympy.expand(r * y - lx), bool(open_of(ix)[0])))
    case.domain[r] = sympy.Interval(0, 1, bool(open_of(ix)[0]) or lx > 0, strict)
    if lo_of(iy) == 0:
        case.domain[y] = sympy.Interval(0, hy, True, bool(open_of(iy)[1]))
    sol = r * y
    _replaced(case, x, sol)
    case.defs.append((x, sol))
    why = f"the margin reads {x}/{y}" if quotient else f"the margin's denominator is 0 where {x} = {y} = 0"
    case.notes.append(f"the constraint {rel} made {x} = {sol} with {r} in {case.domain[r]} (the ratio: {why})")
    return True


def _extreme(case: Case, w: sympy.Expr, low: bool) -> sympy.Expr | None:
    """The least (``low``) or greatest value of the affine ``w`` on the variables' closed intervals."""
    total = w.as_coeff_add()[0]
    for t in sympy.Add.make_args(w - total):
        c, rest = t.as_coeff_Mul()
        if not (rest.is_Symbol and rest in case.domain):
            return None
        iv = case.domain[rest]
        end = lo_of(iv) if (c > 0) == low else hi_of(iv)
        if end.is_infinite:
            return None
        total += c * end
    return total
