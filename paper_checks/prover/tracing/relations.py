"""The door's constraints (:func:`paper_checks.prover.prove_expr.prove_expr`'s ``constraints=``): relations between
coordinates read (:func:`read`: SymPy relations, or formula strings by the whitelist grammar, never evaluated), each
decided exactly at a point (:func:`holds_exactly`: a counterexample satisfies every constraint), and the cases of their
elimination (:class:`Case`: a margin on intervals under relations ``g >= 0`` / ``g > 0``, the eliminated variables'
definitions to tell a point back; :mod:`paper_checks.prover.tracing.elimination` makes them)."""
from __future__ import annotations

import ast
import math
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from fractions import Fraction
from typing import Any

import sympy

from paper_checks.search.balls import NotBallable, ball_sign

#: digits of the numerical evaluation that decides a ground relation's sign
DIGITS = 60

_OPS = {">=": sympy.Ge, ">": sympy.Gt, "<=": sympy.Le, "<": sympy.Lt, "==": sympy.Eq, "!=": sympy.Ne}
_AST_OPS = {ast.GtE: ">=", ast.Gt: ">", ast.LtE: "<=", ast.Lt: "<", ast.Eq: "==", ast.NotEq: "!="}


# ---------------------------------------------------------------- reading


def read(constraints: Any, symbols: list[sympy.Symbol], parse: Callable[[str, list[sympy.Symbol]], sympy.Expr]
         ) -> list[sympy.Basic]:
    """``constraints`` (a relation, or a list or tuple of them) as SymPy relations: ``Ge``, ``Gt``, ``Le``,
    ``Lt``, ``Eq``, ``Ne``, ``And`` of them, or a formula string ``"lhs OP rhs"`` (``OP`` one of ``>= > <= < == = !=``;
    each side read by ``parse``, the whitelist grammar, in ``symbols``: never evaluated). Raises ``TypeError`` or
    ``ValueError`` naming the constraint."""
    if constraints is None:
        return []
    items = list(constraints) if isinstance(constraints, (list, tuple)) else [constraints]
    out: list[sympy.Basic] = []
    for k, c in enumerate(items):
        what = f"prove_expr: constraints[{k}]"
        if isinstance(c, str):
            out.append(_read_text(c, symbols, parse, what))
            continue
        if isinstance(c, bool) or c is sympy.true or c is sympy.false:
            out.append(sympy.true if c else sympy.false)
            continue
        if isinstance(c, sympy.And):
            out.extend(c.args)
            continue
        if not isinstance(c, (sympy.Rel, sympy.logic.boolalg.BooleanAtom)):
            raise TypeError(f"{what} must be a SymPy relation (Ge, Gt, Le, Lt, Eq, Ne) or a formula string "
                            f"'lhs OP rhs', got {type(c).__name__} {str(c)[:80]!r}")
        if isinstance(c, sympy.Rel) and not all(isinstance(a, sympy.Expr) for a in c.args):
            raise TypeError(f"{what}: both sides must be expressions, got {str(c)[:80]!r}")
        out.append(c)
    for c in out:
        if isinstance(c, sympy.Rel):
            for side in c.args:
                if side.has(sympy.I, sympy.zoo, sympy.nan) or side.has(sympy.oo, -sympy.oo):
                    raise ValueError(f"prove_expr: a constraint must be real and finite, got {str(c)[:80]!r}")
    return out


def named(constraints: Any, domain: Any, simplices: Any) -> list[sympy.Symbol]:
    """The symbols the constraints name that neither ``domain`` nor ``simplices`` holds (an auxiliary variable,
    ``s`` of ``s**2 = 1 + x``), in order: a relation's free symbols, and in a formula string each name that is
    neither called nor one of the grammar's constants (read by Python's parser, never evaluated)."""
    known = {str(s) for s in domain} | {str(p) for syms in (simplices or {}).values() for p in syms}
    items = list(constraints) if isinstance(constraints, (list, tuple)) else [constraints]
    out: dict[str, sympy.Symbol] = {}
    for c in items:
        if isinstance(c, str):
            try:
                tree = ast.parse(re.sub(r"(?<![<>=!])=(?!=)", "==", c.strip()), mode="eval")
            except SyntaxError:
                continue  # read() says why
            called = {id(n.func) for n in ast.walk(tree) if isinstance(n, ast.Call)}
            for n in ast.walk(tree):
                if isinstance(n, ast.Name) and id(n) not in called and n.id not in _CONSTANTS and n.id not in known:
                    out.setdefault(n.id, sympy.Symbol(n.id))
        elif isinstance(c, sympy.Basic):
            for s in sorted(c.free_symbols, key=str):
                if str(s) not in known and isinstance(s, sympy.Symbol):
                    out.setdefault(str(s), s)
    return list(out.values())


#: the names of constants the whitelist grammar reads (never a variable)
_CONSTANTS = {"pi", "E", "e", "oo", "inf"}


def _read_text(text: str, symbols: list[sympy.Symbol], parse: Callable[[str, list[sympy.Symbol]], sympy.Expr],
               what: str) -> sympy.Basic:
    """One formula string ``"lhs OP rhs"``: split at its one comparison (Python's parser finds it; nothing is
    evaluated), each side read by the grammar."""
    # a lone "=" (TPTP's equation) is "=="
    src = re.sub(r"(?<![<>=!])=(?!=)", "==", text.strip())
    try:
        tree = ast.parse(src, mode="eval").body
    except SyntaxError:
        raise ValueError(f"{what}: cannot read the constraint {text[:80]!r}") from None
    if not (isinstance(tree, ast.Compare) and len(tree.ops) == 1 and type(tree.ops[0]) in _AST_OPS):
        raise ValueError(f"{what}: a constraint is one comparison 'lhs OP rhs' with OP one of >=, >, <=, <, =, "
                         f"!=, got {text[:80]!r}")
    lhs, rhs = ast.get_source_segment(src, tree.left), ast.get_source_segment(src, tree.comparators[0])
    try:
        left, right = parse(lhs or "", symbols), parse(rhs or "", symbols)
    except (ValueError, TypeError) as exc:
        raise ValueError(f"{what}: {exc}") from None
    return _OPS[_AST_OPS[type(tree.ops[0])]](left, right, evaluate=False)


# ---------------------------------------------------------------- exact signs


def sign_of(e: sympy.Expr) -> int | None:
    """The sign of the ground expression ``e``, exactly: a rational's own, else Arb's ball arithmetic once a ball
    excludes 0 (:func:`paper_checks.search.balls.ball_sign`, rigorous), else SymPy's facts or its ``equals(0)``,
    else a :data:`DIGITS`-digit value far from 0; None where none decides (or ``e`` is not real)."""
    e = sympy.sympify(e)
    if e.is_Rational:
        return int(bool(e > 0)) - int(bool(e < 0))
    try:
        sign, _, _ = ball_sign(e)
    except (NotBallable, TypeError, ValueError, ArithmeticError, RecursionError):
        sign = None
    if sign is not None:
        return sign
    if e.is_zero:
        return 0
    if e.is_positive:
        return 1
    if e.is_negative:
        return -1
    try:
        if e.equals(0):
            return 0
        v = sympy.N(e, DIGITS)
    except (TypeError, ValueError, ArithmeticError, RecursionError):
        return None
    if not v.is_number or v.has(sympy.I, sympy.nan, sympy.zoo) or not v.is_real:
        return None
    if abs(v) > sympy.Float(10) ** (-(DIGITS - 10)):
        return 1 if v > 0 else -1
    return None


def holds_exactly(rel: sympy.Basic, values: dict[sympy.Symbol, Any]) -> bool | None:
    """Whether the relation ``rel`` holds at the exact point ``values``; None where its sign is not decided."""
    if rel is sympy.true or rel is True:
        return True
    if rel is sympy.false or rel is False:
        return False
    g, kind = normal(rel)
    s = sign_of(sympy.sympify(g).xreplace(values))
    if s is None:
        return None
    return {"ge": s >= 0, "gt": s > 0, "eq": s == 0, "ne": s != 0}[kind]


def normal(rel: sympy.Basic) -> tuple[sympy.Expr, str]:
    """``(g, kind)`` with ``rel`` the same as ``g >= 0`` (``ge``), ``g > 0`` (``gt``), ``g = 0`` (``eq``) or
    ``g != 0`` (``ne``)."""
    lhs, rhs = rel.args
    if isinstance(rel, sympy.GreaterThan):
        return lhs - rhs, "ge"
    if isinstance(rel, sympy.StrictGreaterThan):
        return lhs - rhs, "gt"
    if isinstance(rel, sympy.LessThan):
        return rhs - lhs, "ge"
    if isinstance(rel, sympy.StrictLessThan):
        return rhs - lhs, "gt"
    if isinstance(rel, sympy.Equality):
        return lhs - rhs, "eq"
    if isinstance(rel, sympy.Unequality):
        return lhs - rhs, "ne"
    raise TypeError(f"not a relation: {rel!r}")


def relation_of(g: sympy.Expr, kind: str) -> sympy.Basic:
    return {"ge": sympy.Ge, "gt": sympy.Gt, "eq": sympy.Eq, "ne": sympy.Ne}[kind](g, 0, evaluate=False)


# ---------------------------------------------------------------- the cases


@dataclass
class Case:
    """One case of the elimination: the margin ``expr`` on ``domain`` (each variable's ``sympy.Interval``),
    under ``relations`` (``(g, strict)``: ``g >= 0``, or ``g > 0``), ``unused`` (kept for the exact check only),
    and ``defs``, the eliminated variables in order (``v = e``, ``e`` in the variables left then), ``empty`` where
    no point is left."""

    expr: sympy.Expr
    domain: dict[sympy.Symbol, sympy.Interval]
    relations: list[tuple[sympy.Expr, bool]] = field(default_factory=list)
    unused: list[sympy.Basic] = field(default_factory=list)
    defs: list[tuple[sympy.Symbol, sympy.Expr]] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    empty: bool = False
    pending: list[sympy.Basic] = field(default_factory=list)
    born: list[sympy.Basic] = field(default_factory=list)  # relations an elimination made, pending next

    def copy(self) -> Case:
        return Case(self.expr, dict(self.domain), list(self.relations), list(self.unused), list(self.defs),
                    list(self.notes), self.empty, list(self.pending), list(self.born))

    def back(self, values: dict[sympy.Symbol, Any]) -> dict[sympy.Symbol, Any]:
        """A point of the case (its variables' exact values) in every original variable, exactly."""
        out = dict(values)
        for v, e in reversed(self.defs):
            out[v] = sympy.nsimplify(e.xreplace(out)) if e.has(sympy.Float) else sympy.sympify(e.xreplace(out))
        return out


def _mirror(iv: sympy.Set) -> sympy.Set:
    """``{-v : v in iv}``."""
    if isinstance(iv, sympy.Interval):
        return sympy.Interval(-iv.end, -iv.start, iv.right_open, iv.left_open)
    return sympy.FiniteSet(*(-v for v in iv)) if isinstance(iv, sympy.FiniteSet) else iv


def _same(e: sympy.Expr, f: sympy.Expr) -> bool:
    """Whether ``e - f`` is shown to be 0 by ``expand`` (a value at one rational point far from 0 says no first)."""
    d = e - f
    if d == 0:
        return True
    point = {s: sympy.Rational(k + 3, k + 7) for k, s in enumerate(sorted(d.free_symbols, key=str))}
    try:
        value = sympy.N(d.xreplace(point), 20)
        if value.is_Float and abs(value) > sympy.Rational(1, 10 ** 10):
            return False
        return bool(sympy.expand(d) == 0)
    except Exception:  # SymPy cannot evaluate or expand it: not shown the same (the meter's stop goes through)
        return False


def mirrors(a: Case, b: Case) -> sympy.Symbol | None:
    """A variable ``x`` such that case ``b`` is case ``a`` seen through ``x -> -x``: ``b``'s interval of ``x`` is
    ``a``'s mirrored, every other interval the same, ``b``'s relations ``a``'s mirrored, and ``b``'s margin ``a``'s
    at ``-x`` (shown by ``expand``). Then every point of ``b`` is the mirror of a point of ``a`` with the same margin,
    and ``a`` proved proves ``b`` (``cosec-problem-2a``'s ``X != 0`` on ``|X| < pi/2``, a margin even in ``X``:
    two halves, one proof). None where no variable does it."""
    if a.empty or b.empty or set(a.domain) != set(b.domain) or len(a.relations) != len(b.relations):
        return None
    for x in a.domain:
        if b.domain[x] != _mirror(a.domain[x]) or a.domain[x] == b.domain[x]:
            continue
        if any(a.domain[y] != b.domain[y] for y in a.domain if y != x):
            continue
        flip = {x: -x}
        left = [(g.xreplace(flip), st) for g, st in a.relations]
        if not all(any(st == st2 and _same(g, g2) for g2, st2 in b.relations) for g, st in left):
            continue
        if _same(a.expr.xreplace(flip), b.expr):
            return x
    return None


def lo_of(iv: sympy.Set) -> sympy.Expr:
    """The low end of a variable's set (an interval, or one point)."""
    return iv.inf


def hi_of(iv: sympy.Set) -> sympy.Expr:
    return iv.sup


def open_of(iv: sympy.Set) -> tuple[bool, bool]:
    """Which ends of a variable's set are left out (a finite one only)."""
    if isinstance(iv, sympy.Interval):
        return (bool(iv.left_open) and iv.start.is_finite is not False,
                bool(iv.right_open) and iv.end.is_finite is not False)
    return False, False


def interval_of(lo: Any, hi: Any, op_lo: bool, op_hi: bool) -> sympy.Interval:
    def ex(v: Any) -> sympy.Expr:
        if isinstance(v, float) and math.isinf(v):
            return sympy.oo if v > 0 else -sympy.oo
        if isinstance(v, Fraction):
            return sympy.Rational(v.numerator, v.denominator)
        return sympy.sympify(v)
    a, b = ex(lo), ex(hi)
    return sympy.Interval(a, b, op_lo and a.is_finite is not False, op_hi and b.is_finite is not False)
