"""A sub-problem of a closure that decides a piece by proving other margins with the same prover
(:mod:`paper_checks.prover.sweeps.sweep`, :mod:`paper_checks.prover.subproofs.simplex_sum`): its space, what domain it
must have, and its margin read back on plain symbols for the re-check."""
from __future__ import annotations

import contextlib
import contextvars
import itertools
import math
from collections.abc import Callable, Iterator
from fractions import Fraction
from typing import Any

import sympy

from paper_checks.prover import schedule
from paper_checks.prover.budget import Budget
from paper_checks.prover.enclosures.balls import ball_lower
from paper_checks.prover.enclosures.boxes import Box, groups
from paper_checks.prover.tracing.normal import is_zero
from paper_checks.prover.tracing.symbols import Coordinate
from paper_checks.search.params import Real, SearchSpace, SimplexPoint, StochasticMatrix

#: a sub-problem proved: its space and the prover's result (proved)
Proof = tuple[SearchSpace, Any]

#: sub-problems kept for the pieces after (a sum over a simplex is the same on every region of it)
CACHE_SIZE = 64
#: sub-problem -> (space, proof), or the seconds in which it was not proved
_cache: dict[tuple[Any, ...], Proof | float] = {}


def forget() -> None:
    """Empty the sub-proofs kept (a new top-level proof starts from nothing kept)."""
    _cache.clear()


#: the prover that decides a sub-problem and the re-checks of its certificate (``prove``, ``recheck``,
#: ``recheck_shared``): :mod:`paper_checks.prover.prove` and :mod:`paper_checks.prover.certificate` sit above every
#: closure (they run and re-check them), so they hand their functions down here when they are imported
#: (:func:`decided_by`) and no closure imports the prover that runs it: no import circle, not even inside a function
_decider: dict[str, Callable[..., Any]] = {}


def decided_by(**functions: Callable[..., Any]) -> None:
    """Hand down ``prove`` (:func:`paper_checks.prover.prove.prove`) or the certificate's ``recheck`` and
    ``recheck_shared`` (:mod:`paper_checks.prover.certificate`), once each, at their modules' import."""
    unknown = set(functions) - {"prove", "recheck", "recheck_shared"}
    if unknown:
        raise ValueError(f"decided_by: unknown functions {sorted(unknown)} (prove, recheck, recheck_shared)")
    _decider.update(functions)


def decider(name: str) -> Callable[..., Any]:
    """The function ``name`` handed down by :func:`decided_by` (``prove``, ``recheck`` or ``recheck_shared``)."""
    return _decider[name]


def reals(symbols: list[sympy.Symbol]) -> list[Coordinate]:
    """Every symbol a real coordinate (what a caller without a simplex means)."""
    return [Coordinate(s, str(s), ()) for s in symbols]


def space_of(expr: sympy.Expr, symbols: list[sympy.Symbol], box: Box, what: str,
           coords: list[Coordinate] | None = None) -> SearchSpace | None:
    """A prover's space for ``expr >= 0`` on ``box``: each real coordinate a ``Real`` (closed, but for an end at 0
    that its symbol's strict sign excludes: :func:`open_ends`), each simplex point whose free coordinates are
    among ``coords`` the whole simplex (a ``SimplexPoint``: the piece's region of it lies inside, so a proof there
    holds on the piece; each end exact, a ``Fraction`` where it is not a binary float), and each matrix whose rows
    are all among them the whole set of row-stochastic matrices (a ``StochasticMatrix``); None where only some rows of
    a matrix are."""
    coords = coords or reals(symbols)
    params: list[Any] = []
    for s, c, (lo, hi) in zip(symbols, coords, box):
        if c.index:
            continue
        params.append(Real(str(s), _end(lo), _end(hi), *open_ends(s, lo, hi, c)))
    at: dict[sympy.Symbol, tuple[str, tuple[int, ...]]] = {}
    if None in matrix_rows(coords).values():
        return None
    for (name, row), idx in groups(coords).items():
        if row is None:
            params.append(SimplexPoint(name, len(idx) + 1))
        elif row == 0:
            params.append(StochasticMatrix(name, len(idx) + 1))
        at.update({symbols[i]: (name, coords[i].index) for i in idx})
        e, j = eliminated_symbol(name, [coords[i].index[-1] for i in idx], row)
        at[e] = (name, (j,) if row is None else (row, j))
    exact = ExactAt(expr, tuple(s for s, c in zip(symbols, coords) if not c.index), tuple(at.items()))
    return SearchSpace(tuple(params), FloatAt(exact), exact, description=what)


def _entry(v: Any, index: tuple[int, ...]) -> Any:
    """Entry ``index`` of a simplex point's value (a sequence) or of a matrix's (a SymPy matrix or rows)."""
    if len(index) == 1:
        return v[index[0]]
    return v[index] if isinstance(v, sympy.MatrixBase) else v[index[0]][index[1]]


class ExactAt:
    """The exact margin of a :func:`space_of` space: ``expr`` at a point, each real coordinate's symbol (``reals``)
    and each simplex or matrix entry's (``at``: symbol -> (parameter, index)) replaced by the point's value. A class
    of this module, not a closure: a sub-proof's space is kept in its certificate, and a proof run in a child process
    (:func:`paper_checks.prover.outset.stoppable`) sends its result back pickled, certificate and re-checkable
    sub-proofs whole. Compared and hashed by identity, as the closure it replaces was."""

    def __init__(self, expr: sympy.Expr, reals: tuple[sympy.Symbol, ...],
                 at: tuple[tuple[sympy.Symbol, tuple[str, tuple[int, ...]]], ...]) -> None:
        self.expr, self.reals, self.at = expr, reals, at

    def __call__(self, pt: Any) -> Any:
        return self.expr.xreplace({**{s: pt[str(s)] for s in self.reals},
                                   **{s: _entry(pt[n], j) for s, (n, j) in self.at}})


class FloatAt:
    """The float margin of a :func:`space_of` space: its exact margin (:class:`ExactAt`) evaluated by SymPy."""

    def __init__(self, exact: ExactAt) -> None:
        self.exact = exact

    def __call__(self, pt: Any) -> float:
        return float(sympy.N(self.exact(pt)))


def exact_end(v: Any) -> float | Fraction:
    """A box end exactly: a ``Fraction``, or ``-inf``/``inf`` (a sub-problem on a half-line: the prover charts it)."""
    return v if isinstance(v, float) and math.isinf(v) else Fraction(v)


def _end(v: Any) -> float | Fraction:
    """A box end as a ``Real`` holds it: the float where it is a binary float (or infinite), else the exact
    ``Fraction``."""
    if isinstance(v, float) and math.isinf(v):
        return v
    f = Fraction(v)
    return float(f) if Fraction(float(f)) == f else f


def eliminated_symbol(name: str, free: list[int], row: int | None = None) -> tuple[sympy.Symbol, int]:
    """The symbol of the coordinate of simplex point ``name`` (row ``row`` of a matrix) that is not among ``free``
    (its entries ``0..d-1`` but one), as :func:`paper_checks.prover.tracing.symbols.simplex_symbols` names a free one,
    and its index."""
    j = min(set(range(len(free) + 1)) - set(free))
    tag = f"{name}[{j}]" if row is None else f"{name}[{row},{j}]"
    return sympy.Symbol(tag, real=True, nonnegative=True), j


def matrix_rows(coords: list[Coordinate]) -> dict[str, int | None]:
    """Each matrix among ``coords``: its size where every one of its rows is there, else None."""
    rows: dict[str, set[int]] = {}
    size: dict[str, int] = {}
    for (name, row), idx in groups(coords).items():
        if row is not None:
            rows.setdefault(name, set()).add(row)
            size[name] = len(idx) + 1
    return {n: size[n] if r == set(range(size[n])) else None for n, r in rows.items()}


def canonical(expr: sympy.Expr, symbols: list[sympy.Symbol], coords: list[Coordinate]) -> sympy.Expr:
    """``expr`` with each simplex point's ``1 - (its free coordinates)`` written as the eliminated coordinate's own
    symbol (equal on the simplex), so that the same sub-problem posed from two regions of the simplex, which
    eliminate different coordinates, is one expression (and is proved once)."""
    for (name, row), idx in groups(coords).items():
        e, _ = eliminated_symbol(name, [coords[i].index[-1] for i in idx], row)
        expr = expr.subs(1 - sympy.Add(*[symbols[i] for i in idx]), e)
    return expr


def clipped(box: Box) -> list[tuple[Fraction, Fraction]]:
    """``box`` with each infinite end 8 past the other end (8 from 0 where both are infinite): where a closure samples
    a margin on a half-line or the line (floating point: its choices only)."""
    out = []
    for lo, hi in box:
        lo_inf, hi_inf = (isinstance(e, float) and math.isinf(e) for e in (lo, hi))
        a = Fraction(hi) - 8 if lo_inf and not hi_inf else Fraction(-8) if lo_inf else Fraction(lo)
        b = Fraction(lo) + 8 if hi_inf and not lo_inf else Fraction(8) if hi_inf else Fraction(hi)
        out.append((a, b))
    return out


def sampled(expr: sympy.Expr, symbols: list[sympy.Symbol], box: Box, samples: int, most: int = 4000
            ) -> list[float] | None:
    """The finite values of ``expr`` on a grid of ``samples`` points per coordinate of ``box`` (at most ``most``
    points; floating point: it only chooses what a closure tries to prove), or None where it cannot be evaluated."""
    try:
        f = sympy.lambdify(symbols, expr, "math")
    except (TypeError, ValueError, NameError, SyntaxError, RecursionError):
        return None
    grids = [[float(lo + (hi - lo) * k / (samples - 1)) for k in range(samples)] if lo != hi else [float(lo)]
             for lo, hi in box]
    out = []
    for pt in itertools.islice(itertools.product(*grids), most):
        try:
            v = float(f(*pt))
        except (ValueError, ZeroDivisionError, OverflowError, TypeError, NameError):  # NameError: a DiracDelta
            continue
        if math.isfinite(v):
            out.append(v)
    return out


#: how many levels of each closure by sub-proofs are open in this context, by the closure's name: the one depth guard
#: of every closure that poses sub-proofs (:func:`nested`)
_DEPTHS: contextvars.ContextVar[tuple[tuple[str, int], ...]] = contextvars.ContextVar("closure_depths", default=())
#: the levels of one closure by sub-proofs that may be open at once, unless it says otherwise (``most``)
MOST_LEVELS = 2


def depth(name: str) -> int:
    """How many levels of the closure by sub-proofs ``name`` are open in this context."""
    return dict(_DEPTHS.get()).get(name, 0)


@contextlib.contextmanager
def nested(name: str, budget: Budget, most: int = MOST_LEVELS) -> Iterator[Budget | None]:
    """One level of the closure by sub-proofs ``name``: the budget its sub-proofs may spend (its share in
    :data:`paper_checks.prover.schedule.SHARES` of what is left of the step's ``budget``), or None where ``most``
    levels of it are already open (:func:`depth`: one guard for every closure, by its name)."""
    levels = dict(_DEPTHS.get())
    level = levels.get(name, 0)
    if level >= most:
        yield None
        return
    levels[name] = level + 1
    token = _DEPTHS.set(tuple(sorted(levels.items())))
    try:
        yield budget.share(schedule.share(name))
    finally:
        _DEPTHS.reset(token)


def open_ends(s: sympy.Symbol, low: Fraction, high: Fraction, c: Coordinate | None = None) -> tuple[bool, bool]:
    """Whether the ends ``low``, ``high`` of coordinate ``s`` are open: an end at 0 that the symbol's strict sign
    excludes (:func:`paper_checks.prover.tracing.symbols.sign_assumptions`: ``q`` in ``(0, 1]`` is positive), or an end
    that the coordinate ``c`` leaves open (:attr:`~paper_checks.prover.tracing.symbols.Coordinate.open_at`: a branch's
    side, ``q < 1``, :mod:`paper_checks.prover.kinks.branch_split`)."""
    at = c.open_at if c is not None else (None, None)
    return (bool(low == 0 and s.is_positive) or (at[0] is not None and at[0] == low),
            bool(high == 0 and s.is_negative) or (at[1] is not None and at[1] == high))


def wanted(symbols: list[sympy.Symbol], coords: list[Coordinate], box: Box) -> list[tuple[Any, ...]]:
    """The parameters a sub-problem on ``box`` must have: each real coordinate's interval and open ends, each
    simplex's size."""
    out: list[tuple[Any, ...]] = [(str(s), exact_end(a), exact_end(b), *open_ends(s, a, b, c))
                                  for s, c, (a, b) in zip(symbols, coords, box) if not c.index]
    return out + [(name, len(idx) + 1) if row is None else (name, "matrix", len(idx) + 1)
                  for (name, row), idx in groups(coords).items() if row in (None, 0)]


def held(space: SearchSpace) -> list[tuple[Any, ...]]:
    return [(p.name, p.dim) if isinstance(p, SimplexPoint) else (p.name, "matrix", p.dim)
            if isinstance(p, StochasticMatrix) else
            (p.name, exact_end(p.low), exact_end(p.high), p.open_low, p.open_high) for p in space.params]  # type: ignore[attr-defined]


def symbolic_margin(space: SearchSpace) -> Any:
    """``space``'s exact margin at a point of plain symbols named as the traced ones (``f[1]`` for entry 1 of the
    simplex point ``f``; the eliminated entry is its own symbol, which the margins compared never read)."""
    pt: dict[str, Any] = {}
    for p in space.params:
        if isinstance(p, SimplexPoint):
            pt[p.name] = [sympy.Symbol(f"{p.name}[{j}]") for j in range(p.dim)]
        elif isinstance(p, StochasticMatrix):
            pt[p.name] = sympy.Matrix(p.dim, p.dim, lambda i, j: sympy.Symbol(f"{p.name}[{i},{j}]"))
        else:
            pt[p.name] = sympy.Symbol(p.name)
    return sympy.sympify(space.exact_margin(pt))  # type: ignore[misc]


def recheck_problem(space: SearchSpace, proof: Any, margin: sympy.Expr, symbols: list[sympy.Symbol],
                    coords: list[Coordinate], box: Box, what: str) -> list[str]:
    """Why the sub-problem ``space``, proved by ``proof`` (posed by :func:`proved_once`), does not prove
    ``margin >= 0`` on ``box`` (empty: it does): its domain must be the one :func:`wanted` there, its margin
    ``margin`` as :func:`canonical` writes it (SymPy's ``simplify`` may take the difference to 0), it must be proved,
    and its certificate must re-check (once per top-level re-check:
    :func:`paper_checks.prover.certificate.recheck_shared`). The one re-check of every closure by sub-proofs."""
    recheck_shared = decider("recheck_shared")  # the certificate module is above the closures
    if held(space) != wanted(symbols, coords, box):
        return [f"{what}: the sub-problem's domain is not the piece's"]
    mine = canonical(margin, symbols, coords)
    plain = mine.xreplace({s: sympy.Symbol(str(s)) for s in mine.free_symbols})
    got = symbolic_margin(space)
    if got != plain and not is_zero(got - plain):
        return [f"{what}: the sub-problem does not hold its margin"]
    if not proof.proved or proof.certificate is None:
        return [f"{what}: not proved"]
    return [f"{what}: {p}" for p in recheck_shared(proof.certificate, space)]


def coordinate_of(pt: Any, s: sympy.Symbol, c: Coordinate) -> Fraction:
    """Coordinate ``c`` (symbol ``s``) of a sub-problem's point: a real's value, or a simplex point's entry."""
    return Fraction(str(pt[c.param][c.index[0]] if c.index else pt[str(s)]))


# ------------------------------------------------------------------------ a simplex row's sub-problems
def merge(expr: sympy.Expr, row: list[sympy.Symbol]) -> tuple[sympy.Expr, list[sympy.Symbol], dict[str, str]]:
    """``expr`` with each coordinate ``x`` of ``row`` that it reads only through its sum with an earlier one ``r``
    set to 0 (``r`` then stands for the sum): an exact, structural test (:func:`paired`)."""
    reps: list[sympy.Symbol] = []
    absorbed: dict[str, str] = {}
    for x in row:
        if x not in expr.free_symbols:
            continue
        for r in reps:
            if paired(expr, r, x):
                expr = expr.xreplace({x: sympy.Integer(0)})
                absorbed[str(x)] = str(r)
                break
        else:
            reps.append(x)
    return expr, reps, absorbed


def paired(expr: sympy.Expr, r: sympy.Symbol, x: sympy.Symbol) -> bool:
    """Whether every occurrence of ``r`` and of ``x`` in ``expr`` is a pair of terms ``a r + a x`` of one sum (the
    same number ``a``): then ``expr`` is a function of ``r + x``, and writing ``r`` for ``r + x`` and 0 for ``x``
    changes nothing (a point of a simplex folded onto fewer classes, ``1 - (the others)``)."""
    def coefficient(term: sympy.Expr, s: sympy.Symbol) -> sympy.Expr | None:
        if term == s:
            return sympy.Integer(1)
        if term.is_Mul and len(term.args) == 2 and term.args[0].is_number and term.args[1] == s:
            return term.args[0]
        return None

    def ok(e: sympy.Expr) -> bool:
        if e == r or e == x:
            return False
        if not (e.free_symbols & {r, x}):
            return True
        rest = list(e.args)
        if e.is_Add:
            a, b = ([coefficient(t, s) for t in e.args] for s in (r, x))
            ia = next((i for i, c in enumerate(a) if c is not None), None)
            ib = next((i for i, c in enumerate(b) if c is not None), None)
            if (ia is None) != (ib is None) or (ia is not None and a[ia] != b[ib]):  # type: ignore[index]
                return False
            rest = [t for i, t in enumerate(e.args) if i not in (ia, ib)]
        return all(ok(t) for t in rest)
    return ok(expr)


def outside_row(symbols: list[sympy.Symbol], coords: list[Coordinate], box: Box, row: tuple[str, int | None]
                ) -> tuple[list[sympy.Symbol], list[Coordinate], Box]:
    """The coordinates of the piece outside simplex row ``row``: the parameters of a sub-problem on that row's
    terms (its symbols, coordinates and box)."""
    idx = set(groups(coords)[row])
    keep = [i for i in range(len(symbols)) if i not in idx]
    return [symbols[i] for i in keep], [coords[i] for i in keep], [box[i] for i in keep]


def constant_holds(e: sympy.Expr) -> bool:
    """Whether the constant ``e`` is ``>= 0``: exactly 0 (SymPy), or a positive lower bound in ball arithmetic."""
    if e.is_Rational:
        return bool(e >= 0)
    if is_zero(e):
        return True
    low = ball_lower(e, [], [])
    return low is not None and low > 0


def recheck_or_constant(proof: Proof | None, margin: sympy.Expr, symbols: list[sympy.Symbol],
                        coords: list[Coordinate], box: Box, what: str,
                        holds: Callable[[sympy.Expr], bool] = constant_holds) -> list[str]:
    """Why ``margin >= 0`` on ``box`` is not shown (empty: it is): by the sub-problem's ``proof``
    (:func:`recheck_problem`), or, where a closure posed none (``proof`` None), by ``margin`` being a number that
    ``holds`` says is ``>= 0``."""
    if proof is not None:
        return recheck_problem(*proof, margin, symbols, coords, box, what)
    if margin.free_symbols or not holds(margin):
        return [f"{what}: the constant {margin} is not >= 0"]
    return []


def replaced(symbols: list[sympy.Symbol], coords: list[Coordinate], i: int, new: sympy.Symbol,
             open_at: tuple[Fraction | None, Fraction | None] = (None, None)
             ) -> tuple[list[sympy.Symbol], list[Coordinate]]:
    """``symbols`` and ``coords`` with coordinate ``i`` replaced by the plain real coordinate ``new`` (a substitution's
    variable: a root, an exponential, a chart's value), its ends ``open_at`` left open."""
    syms, crds = list(symbols), list(coords)
    syms[i] = new
    crds[i] = Coordinate(new, str(new), (), open_at)
    return syms, crds


def proved_in(margin: sympy.Expr, symbols: list[sympy.Symbol], coords: list[Coordinate], box: Box, i: int,
              new: sympy.Symbol, what: str, seconds: float, back: Callable[[Fraction], Fraction | None],
              open_at: tuple[Fraction | None, Fraction | None] = (None, None)) -> Proof | list[Fraction] | None:
    """A piece proved with coordinate ``i`` written in a new variable ``new`` (``margin``, in ``new``, on ``box``,
    which holds ``new``'s interval; ``open_at``: its ends left open): the sub-problem's ``(space, proof)``
    (:func:`proved_once`); or, where the sub-problem ends in a counterexample, its point with coordinate ``i`` mapped
    back by ``back`` (None: no point of the piece), for the caller to verify on the margin itself; or None."""
    syms, crds = replaced(symbols, coords, i, new, open_at)

    def point(refuted: Any) -> list[Fraction] | None:
        if any(c.index for c in coords):
            return None
        pt = [coordinate_of(refuted, s, c) for s, c in zip(syms, crds)]
        x = back(pt[i])
        if x is None:
            return None
        pt[i] = x
        return pt

    return proved_or_point(margin, syms, box, crds, what, seconds, point)


def proved_once(expr: sympy.Expr, symbols: list[sympy.Symbol], box: Box, coords: list[Coordinate], what: str,
            seconds: float, refuted: list[Any] | None = None) -> Proof | None:
    """``expr >= 0`` proved on ``box`` by the prover, its simplex points whole (:func:`space_of`, the margin
    :func:`canonical`: a proof of the same problem kept from a piece before, whichever coordinates it eliminated;
    one that was not proved is tried again only with more than twice the time it had). Where the sub-problem ends
    in a counterexample, its point (the sub-problem's parameters) is appended to ``refuted``."""
    prove = decider("prove")  # the same prover decides the sub-problems
    expr = canonical(expr, symbols, coords)
    key = (expr, tuple(wanted(symbols, coords, box)))
    kept = _cache.get(key)
    if isinstance(kept, tuple):
        return kept
    if kept is not None and seconds <= 2 * kept:  # not proved before with half this time: not tried again
        return None
    space = space_of(expr, symbols, box, what, coords)
    if space is None or seconds <= 0:
        return None
    res = prove(space, 10**6, None, work=seconds)
    if refuted is not None and res.outcome == "counterexample" and res.counterexample is not None:
        refuted.append(res.counterexample)
    if len(_cache) >= CACHE_SIZE:
        _cache.pop(next(iter(_cache)))
    _cache[key] = (space, res) if res.proved else seconds
    return _cache[key] if res.proved else None  # type: ignore[return-value]


def proved_or_point(expr: sympy.Expr, symbols: list[sympy.Symbol], box: Box, coords: list[Coordinate], what: str,
                    seconds: float, point: Callable[[Any], list[Fraction] | None]) -> Proof | list[Fraction] | None:
    """What a closure's sub-problem ``expr >= 0`` on ``box`` decided (:func:`proved_once`): its ``(space, proof)``;
    or, where it ended in a counterexample, ``point`` of that counterexample (the sub-problem's parameters; ``point``
    maps them to a point of the piece for the caller to verify exactly on the margin itself, or to None); or None."""
    refuted: list[Any] = []
    proved = proved_once(expr, symbols, box, coords, what, seconds, refuted)
    if proved is not None:
        return proved
    return point(refuted[0]) if refuted else None


def others(k: int, symbols: list[sympy.Symbol], coords: list[Coordinate], box: Box
           ) -> tuple[list[sympy.Symbol], list[Coordinate], Box]:
    """The symbols, coordinates and box of a piece without its coordinate ``k``."""
    keep = [i for i in range(len(symbols)) if i != k]
    return [symbols[i] for i in keep], [coords[i] for i in keep], [box[i] for i in keep]


def posed(problem: tuple[sympy.Expr, list[sympy.Symbol], list[Coordinate], Box]
          ) -> tuple[sympy.Expr, list[sympy.Symbol], Box, list[Coordinate]]:
    """A problem ``(margin, symbols, coords, box)`` in the order :func:`proved_once` takes it."""
    margin, syms, crds, bx = problem
    return margin, syms, bx, crds
