"""Algebraic margins in z3's language: polynomials, quotients, radicals and branches, with auxiliary variables.

A margin built from the coordinates and rationals by ``+``, ``*``, integer powers (a negative one is a quotient),
rational powers ``t^(p/q)`` (radicals) and ``Max``/``Min``/``Abs``/``sign``/``Piecewise`` is put to z3
(de Moura & Bjorner 2008; NLSAT, Jovanovic & de Moura 2012) as it is, without SymPy rewriting it first:

- a radical ``t^(1/q)`` is an auxiliary variable ``r`` with ``r >= 0`` and ``r^q = t`` (SymPy's principal root:
  real only where ``t >= 0``, where it is that ``r``), and ``t^(p/q) = r^p``;
- a quotient ``1/t`` is an auxiliary variable ``d`` with ``d t = 1``; a point of the box where ``t = 0`` (the
  margin undefined there) is asked for too, so a margin undefined at a point is never proved;
- a branch is an if-then-else.

The question is "a point of the piece's box (and simplex rows ``sum <= 1``) where the margin is real, defined and
``< 0``": ``unsat`` proves the margin ``>= 0`` wherever it is real and defined (whether it is, is the guards'
business, :mod:`paper_checks.prover.tracing.defined`); a model is only a candidate, rounded to rationals for the prover
to verify exactly on the claim's own margin. Equal subexpressions share one auxiliary variable.
"""
from __future__ import annotations

import math
from collections.abc import Callable
from fractions import Fraction
from typing import Any, Protocol

import sympy
import z3

from paper_checks.prover.algebraic.solver import check_model, fresh_context, limited, nra_solver
from paper_checks.prover.enclosures.boxes import Box
from paper_checks.prover.tracing.symbols import Coordinate

#: the largest integer exponent written out as a product, and the largest root order ``q``
MAX_POWER = 64
MAX_ROOT = 12
#: the most nodes of a margin put to z3 first (a larger one goes to the other closures)
MAX_NODES = 400
BRANCHES = (sympy.Max, sympy.Min, sympy.Abs, sympy.sign, sympy.Piecewise)
#: the functions of one argument monotone on their whole domain: +1 increasing, -1 decreasing (an atom's lemmas)
MONOTONE: dict[type, int] = {sympy.exp: 1, sympy.log: 1, sympy.atan: 1, sympy.asinh: 1, sympy.tanh: 1, sympy.erf: 1,
                             sympy.asin: 1, sympy.atanh: 1, sympy.acosh: 1, sympy.erfc: -1, sympy.acos: -1}


#: the enclosure of a node on the piece's box, exact ends (None: unbounded on that side)
Atoms = Callable[[sympy.Expr], "tuple[Fraction | None, Fraction | None]"]


class Relate(Protocol):
    """What ties an atom's variable to its argument beyond its enclosure
    (:class:`paper_checks.prover.algebraic.bounding.Bounds`): ``covers(e)``, and the constraints on ``e``'s variable
    ``v`` (the ``builder`` builds ``e``'s argument)."""

    def covers(self, e: sympy.Expr) -> bool: ...

    def __call__(self, e: sympy.Expr, v: Any, builder: Any) -> list[Any]: ...


class NotAlgebraic(ValueError):
    """The margin holds a node outside the fragment (``exp``, ``log``, a float, ...)."""


def in_fragment(expr: sympy.Expr, symbols: list[sympy.Symbol]) -> bool:
    """Whether every node of ``expr`` is in the fragment (a cheap walk of the tree, nothing built)."""
    names = set(symbols)
    n = 0
    for e in sympy.preorder_traversal(expr):
        n += 1
        if n > MAX_NODES:
            return False
        if e.is_Symbol:
            if e not in names:
                return False
        elif e.is_Number:
            if not e.is_Rational:
                return False
        elif e.is_Pow:
            ex = e.exp
            if not (ex.is_Rational and abs(int(ex.p)) <= MAX_POWER and int(ex.q) <= MAX_ROOT):
                return False
        elif not (e.is_Add or e.is_Mul or isinstance(e, BRANCHES) or isinstance(e, sympy.logic.boolalg.Boolean)):
            return False
    return True


class _Builder:
    """Builds z3 terms in one context, with the side constraints of the auxiliary variables."""

    def __init__(self, symbols: list[sympy.Symbol], ctx: z3.Context, atoms: Atoms | None = None,
                 relate: Relate | None = None) -> None:
        self.ctx = ctx
        self.atoms = atoms
        self.relate = relate
        self.fresh_names = 0
        self.abstracted: list[sympy.Expr] = []
        self.vars = [z3.Real(f"v{i}", ctx) for i in range(len(symbols))]
        self.of = dict(zip(symbols, self.vars))
        self.side: list[Any] = []
        self.inverses: list[Any] = []  # d t = 1 for each quotient
        self.denominators: list[Any] = []
        self.memo: dict[Any, Any] = {}

    def _aux(self, name: str) -> Any:
        return z3.Real(f"{name}{len(self.side)}", self.ctx)

    def fresh(self, name: str) -> Any:
        """A new auxiliary variable (for a bound that needs one), named apart from every other."""
        self.fresh_names += 1
        return z3.Real(f"{name}_{self.fresh_names}", self.ctx)

    def power(self, b: Any, k: int) -> Any:
        out = z3.RealVal(1, self.ctx)
        for _ in range(k):
            out = out * b
        return out

    def inverse(self, b: Any) -> Any:
        d = self._aux("inv")
        self.inverses.append(d * b == 1)
        self.denominators.append(b)
        self.side.append(z3.BoolVal(True, self.ctx))  # numbers the auxiliary variables apart
        return d

    def term(self, e: sympy.Expr) -> Any:
        if e in self.memo:
            return self.memo[e]
        out = self._term(e)
        self.memo[e] = out
        return out

    def _term(self, e: sympy.Expr) -> Any:
        if e.is_Symbol:
            if e not in self.of:
                raise NotAlgebraic(str(e))
            return self.of[e]
        if e.is_Rational:
            return z3.RealVal(str(e), self.ctx)
        if e.is_Add:
            return z3.Sum(*[self.term(a) for a in e.args])
        if e.is_Mul:
            out = self.term(e.args[0])
            for a in e.args[1:]:
                out = out * self.term(a)
            return out
        if e.is_Pow and e.exp.is_Rational:
            p, q = int(e.exp.p), int(e.exp.q)
            if abs(p) > MAX_POWER or q > MAX_ROOT:
                raise NotAlgebraic(f"the power {e.exp}")
            b = self.term(e.base)
            if q > 1:
                r = self._aux("root")
                self.side += [r >= 0, self.power(r, q) == b]
                b = r
            out = self.power(b, abs(p))
            return self.inverse(out) if p < 0 else out
        if isinstance(e, (sympy.Max, sympy.Min)):
            args = [self.term(a) for a in e.args]
            out = args[0]
            for a in args[1:]:
                out = z3.If(a > out, a, out) if isinstance(e, sympy.Max) else z3.If(a < out, a, out)
            return out
        if isinstance(e, sympy.Abs):
            a = self.term(e.args[0])
            return z3.If(a >= 0, a, -a)
        if isinstance(e, sympy.sign):
            a = self.term(e.args[0])
            one = z3.RealVal(1, self.ctx)
            return z3.If(a > 0, one, z3.If(a < 0, -one, z3.RealVal(0, self.ctx)))
        if isinstance(e, sympy.Piecewise):
            out = None
            for val, cond in reversed(e.args):
                v = self.term(val)
                out = v if out is None or cond is sympy.true else z3.If(self.cond(cond), v, out)
            return out
        if self.atoms is not None and not e.is_Symbol:
            return self._atom(e)
        raise NotAlgebraic(type(e).__name__)

    def _atom(self, e: sympy.Expr) -> Any:
        """A node outside the fragment as a variable of its own (the same node, the same variable), bounded by
        what is known of it: ``>= 0`` for a power with an exponent that is no integer (real only on a base
        ``>= 0``), ``> 0`` for ``exp``, and the enclosure ``self.atoms`` gives on the piece's box. Only a node with a
        value at every point of the box where the margin is real: ``exp``, a power whose exponent is ``>= 0`` there
        (``b^e`` on ``b >= 0``, which the guards ask for), or one that the enclosure bounds on both sides (``tan``
        across its pole, ``log`` at 0 are not: ``NotAlgebraic``)."""
        lo, hi = self.atoms(e)  # type: ignore[misc]
        power = False
        if e.is_Pow and not e.exp.is_Integer:
            low_exp = self.atoms(e.exp)[0]  # type: ignore[misc]
            power = low_exp is not None and low_exp >= 0
        related = self.relate is not None and self.relate.covers(e)
        if not (isinstance(e, sympy.exp) or power or related or (lo is not None and hi is not None)):
            # a node that may have no value on the box (tan at a pole, log at 0): a variable would give it one
            raise NotAlgebraic(f"{type(e).__name__} not bounded on the box")
        v = z3.Real(f"atom{len(self.abstracted)}", self.ctx)
        self.abstracted.append(e)
        if e.is_Pow and not e.exp.is_Integer:
            self.side.append(v >= 0)
        if isinstance(e, sympy.exp):
            self.side.append(v > 0)
        if lo is not None:
            self.side.append(v >= z3.RealVal(str(lo), self.ctx))
        if hi is not None:
            self.side.append(v <= z3.RealVal(str(hi), self.ctx))
        if related:
            self.side += self.relate(e, v, self)  # type: ignore[misc]
        self._monotone(e, v)
        return v

    def _monotone(self, e: sympy.Expr, v: Any) -> None:
        """Each earlier atom of the same monotone function ``f`` of one argument gives ``(u - w)(f(u) - f(w)) >= 0``
        (``<= 0`` for a decreasing one) and ``f(u) = f(w)`` where ``u = w``: true wherever both are defined, since
        every such ``f`` is monotone on its whole (connected) domain. ``atan(B/T) >= atan(A/T)`` where
        ``B/T >= A/T``, which the two enclosures, each on its own, do not say (MetiTarski's ``atan-problem-2``
        family). Only between atoms whose arguments are algebraic in the coordinates: with an atom inside
        (``log(log x)`` beside ``log x``) the lemma is a product of atoms, and NLSAT's projections, which its count
        does not see, ran past the 150 s net (``log-problem-2``, proved by the bounds at 0.17 units without it)."""
        sense = MONOTONE.get(type(e))
        if sense is None or len(e.args) != 1 or not in_fragment(e.args[0], list(self.of)):
            return
        for k, f in enumerate(self.abstracted[:-1]):
            if type(f) is type(e) and in_fragment(f.args[0], list(self.of)):
                try:
                    gap = self.term(e.args[0]) - self.term(f.args[0])
                except (NotAlgebraic, TypeError, AttributeError, RecursionError):
                    return
                w = z3.Real(f"atom{k}", self.ctx)
                self.side += [sense * gap * (v - w) >= 0, z3.Implies(gap == 0, v == w)]

    def cond(self, c: Any) -> Any:
        ops = {sympy.StrictLessThan: lambda a, b: a < b, sympy.LessThan: lambda a, b: a <= b,
               sympy.StrictGreaterThan: lambda a, b: a > b, sympy.GreaterThan: lambda a, b: a >= b,
               sympy.Equality: lambda a, b: a == b, sympy.Unequality: lambda a, b: a != b}
        if type(c) in ops:
            return ops[type(c)](self.term(c.lhs), self.term(c.rhs))
        if isinstance(c, (sympy.And, sympy.Or)):
            parts = [self.cond(a) for a in c.args]
            return z3.And(*parts) if isinstance(c, sympy.And) else z3.Or(*parts)
        if isinstance(c, sympy.Not):
            return z3.Not(self.cond(c.args[0]))
        raise NotAlgebraic(type(c).__name__)


def _infinite(end: Any) -> bool:
    return isinstance(end, float) and math.isinf(end)


def strict_ends(coords: list[Coordinate], box: Box) -> list[tuple[bool, bool]]:
    """For each coordinate, whether its box's ends are ends its domain leaves open (:attr:`Coordinate.open_at`):
    ``q`` in ``(0, 1]``, the pole of an unbounded interval's chart (:mod:`paper_checks.prover.tracing.unbounded`), or an
    end at 0 that the coordinate's symbol's strict sign excludes (a half-line's chart open at its finite end)."""
    return [((c.open_at[0] is not None and lo == c.open_at[0]) or (lo == 0 and bool(c.symbol.is_positive)),
             (c.open_at[1] is not None and hi == c.open_at[1]) or (hi == 0 and bool(c.symbol.is_negative)))
            for c, (lo, hi) in zip(coords, box)]


def _rlimit_count(s: Any) -> int:
    """z3's resource count of solver ``s`` so far (0 where its statistics do not say)."""
    try:
        st = s.statistics()
        return int(st.get_key_value("rlimit count")) if "rlimit count" in st.keys() else 0
    except (z3.Z3Exception, ValueError, TypeError):
        return 0


def decide(expr: sympy.Expr, symbols: list[sympy.Symbol], box: Box, rows: list[list[int]], milliseconds: float,
           *, recheck: bool = False, strict: list[tuple[bool, bool]] | None = None, atoms: Atoms | None = None,
           relate: Relate | None = None, positive: bool = False, counted: list[int] | None = None,
           hypotheses: list[tuple[sympy.Expr, bool]] | None = None) -> tuple[str, list[list[Fraction]]]:
    """``("unsat", [])``: the margin is ``>= 0`` wherever it is real on the box (and simplex rows), and no
    denominator is 0 there (an end marked in ``strict`` is left out: the domain is open there, so a denominator 0
    at the pole of an unbounded interval's chart is no point of it);
    ``("sat", candidates)``: rational points near z3's model, in the coordinates, to verify exactly;
    ``("unknown", [])`` (time out, or z3 gives up); ``("not algebraic", [])``. A fresh z3 context each call;
    ``recheck``: another route (if-then-else eliminated, then NLSAT alone).

    ``atoms``: each node outside the fragment is a variable of its own, bounded by ``atoms`` (its enclosure on the
    box) and its sign (:meth:`_Builder._atom`), and by ``relate`` where it covers the node (bounding functions of its
    argument, :mod:`paper_checks.prover.algebraic.bounding`): an abstraction, every point of the margin's being one of
    it, so ``unsat`` still proves the margin; a model is then no point of the margin (``("abstract", [])``: the
    abstraction has a point where the margin is negative, which tighter bounds may remove; ``unknown`` is z3 giving up).
    ``positive``: the question is a point where the margin is ``<= 0``, so ``unsat`` proves it ``> 0``.
    ``counted``: z3's resource count for the question (its ``rlimit count``) is appended to it.
    ``hypotheses``: relations ``(g, strict)`` of the domain (``g >= 0``, ``g > 0``: a constraint of
    :mod:`paper_checks.prover.tracing.relations`) that every point of the question satisfies; one outside the
    fragment is left out (the question is then about a superset, which still proves the margin)."""
    ctx = fresh_context()
    b = _Builder(symbols, ctx, atoms, relate)
    try:
        value = b.term(sympy.sympify(expr))
        goal = value <= 0 if positive else value < 0
    except (NotAlgebraic, TypeError, AttributeError, RecursionError):
        return "not algebraic", []
    held = []
    for g, strict_g in hypotheses or []:
        try:
            h = b.term(sympy.sympify(g))
        except (NotAlgebraic, TypeError, AttributeError, RecursionError):
            continue
        held.append(h > 0 if strict_g else h >= 0)
    s = limited(nra_solver(ctx, recheck=recheck), milliseconds)
    for v, (lo, hi), (open_lo, open_hi) in zip(b.vars, box, strict or [(False, False)] * len(box)):
        if not _infinite(lo):  # an infinite end (a chart's value at its pole): no bound on that side
            low = z3.RealVal(str(lo), ctx)
            s.add(v > low if open_lo else v >= low)
        if not _infinite(hi):
            high = z3.RealVal(str(hi), ctx)
            s.add(v < high if open_hi else v <= high)
    for row in rows:
        s.add(z3.Sum(*[b.vars[i] for i in row]) <= 1 if len(row) > 1 else b.vars[row[0]] <= 1)
    s.add(*b.side)
    s.add(*held)
    negative = z3.And(*b.inverses, goal) if b.inverses else goal
    # a point where a denominator is 0: the first one in the order they were built (inner quotients first) that is
    # 0 there, the inverses before it holding (``1/(E + 1/E)`` is 0-free where ``E != 0``; without the inner inverse
    # ``E + d = 0`` always has a point)
    zeros = [z3.And(*b.inverses[:j], d == 0) if j else d == 0 for j, d in enumerate(b.denominators)]
    s.add(z3.Or(negative, *zeros) if zeros else negative)
    outcome, points = check_model(s, b.vars, box)
    if counted is not None:
        counted.append(_rlimit_count(s))
    return ("abstract", []) if outcome == "sat" and b.abstracted else (outcome, points)
