"""The certificate of a proof, and its independent re-check (:func:`recheck`).

A :class:`Certificate` lists, for every piece of the domain (:mod:`paper_checks.prover.enclosures.boxes`)
and every conjunct of the margin (a margin ``Min(a, b, ...)`` is proved conjunct by conjunct),
the boxes that close it, each named by its split path and carrying its closure
(:class:`paper_checks.prover.enclosures.bound.Closure`): the method, the rigorous lower bound, and for a
boundary where the margin is exactly 0, the faces it was moved to and the exact value at the
point it ends.

:func:`recheck` re-derives everything a reader would doubt, without trusting the run that
made the certificate:

1. **covering**: per piece and conjunct, the split paths form a complete binary tree (no path
   a prefix of another, one split coordinate per node, ``sum 2^-depth = 1`` exactly), so the
   closed boxes cover the piece's box; boxes closed as outside their region are re-tested;
2. **exact values**: the margin is evaluated exactly (SymPy, rationals; 30 digits otherwise) at
   the corners and centre of each box, and must be ``>= 0`` and not below the box's lower bound
   (a corner where it is infinite, e.g. ``-log 0``, has no value to compare and is skipped);
3. **monotone steps**: where a box was moved to a face because the margin's derivative has one
   sign, that derivative is evaluated exactly (SymPy) at the box's corners and must not have the
   other sign;
4. **the closure again**: each record is re-checked by the closing method that made it, found by the
   method's name in the registry (:mod:`paper_checks.prover.closures`): a first-order box is closed again
   from a fresh trace of the margin at a higher interval precision (120 bits), a critical set derived
   again, a polynomial problem decided again, ... (each method's ``recheck``).

The conjuncts re-checked include the margin's guards (:func:`with_guards`): where each node is real and
defined, derived again from the margin as traced. :func:`recheck_undefined` re-checks the other outcome that
carries evidence, ``undefined``: the exact point where a node is not real, again in Arb's ball arithmetic.

:func:`arb_rebound` bounds the boxes closed by the natural extension once more with another
library, Arb's ball arithmetic (:mod:`paper_checks.prover.enclosures.balls`): a box it also finds positive is
proved twice, by two libraries; balls are wider than intervals on wide boxes (``exp``/``log`` of a
wide ball), so a box Arb cannot close is not an error, only a box proved once.
"""
from __future__ import annotations

import contextvars
from dataclasses import dataclass, field
from fractions import Fraction
from functools import partial
from typing import Any

import sympy

from paper_checks.prover import closures
from paper_checks.prover.algebraic.fragment import strict_ends
from paper_checks.prover.algebraic.solver import Problem
from paper_checks.prover.closures.base import Check, PieceMethod
from paper_checks.prover.enclosures.balls import ball_at, ball_lower
from paper_checks.prover.enclosures.bound import Closure, forget_limits
from paper_checks.prover.enclosures.boxes import Piece, from_path, initial_box, path_tokens, pieces, status
from paper_checks.prover.subproofs import subproblem
from paper_checks.prover.tracing import charts
from paper_checks.prover.tracing.constraint import piece_box, traced_relations
from paper_checks.prover.tracing.defined import Undefined, anchor, guards
from paper_checks.prover.tracing.normal import Reduction, check_reduction
from paper_checks.prover.tracing.normal_form import continuous_inside
from paper_checks.prover.tracing.trace import Traced, Untraceable, compile_traced, conjuncts, trace
from paper_checks.search.params import SearchSpace

#: boxes closed by the natural extension with a lower bound above this are bounded again with Arb
ARB_MIN = 1e-6


@dataclass
class Record:
    """One closed box: its piece, conjunct, split path and closure."""

    piece: int
    part: int
    path: str
    closure: Closure
    form: str = ""  # "written": the box was closed on the margin as traced, not on its normal form

    def to_json(self) -> dict[str, Any]:
        return {"piece": self.piece, "part": self.part, "path": self.path or "(whole piece)",
                **({"form": self.form} if self.form else {}), **self.closure.to_json()}


@dataclass
class Certificate:
    """That ``exact_margin >= 0`` on the whole declared domain: the pieces, the closed boxes and
    how the boundaries where the margin is exactly 0 were closed."""

    description: str
    pieces: list[Piece]
    parts: list[list[str]]  # per piece, the conjuncts of the margin as text
    records: list[Record]
    seconds: float
    constraint_ignored: bool = False
    notes: list[str] = field(default_factory=list)
    #: per piece and conjunct, how the margin was rewritten before any box (:mod:`paper_checks.prover.tracing.normal`)
    reductions: list[list[Reduction]] = field(default_factory=list)
    #: (piece, conjunct) -> the polynomial problem a ``real roots`` or ``z3`` closure decided
    problems: dict[tuple[int, int], Problem] = field(default_factory=dict)
    #: (piece, conjunct) -> the record of the sub-proofs that closed it (a monotone sweep,
    #: :mod:`paper_checks.prover.sweeps.sweep`; a class sum over a simplex,
    # :mod:`paper_checks.prover.subproofs.simplex_sum`)
    subproofs: dict[tuple[int, int], Any] = field(default_factory=dict)
    #: per piece, how many of its conjuncts are the margin's; the others are its guards (:func:`with_guards`)
    margins: list[int] = field(default_factory=list)

    def is_guard(self, r: Record) -> bool:
        """Whether ``r`` closes a guard (a node's argument in its domain), not the margin itself."""
        return r.piece < len(self.margins) and r.part >= self.margins[r.piece]

    @property
    def smallest_lower(self) -> float:
        """The smallest rigorous lower bound of the margin over the closed boxes (0 where a bound is tight)."""
        return min((r.closure.lower for r in self.records if r.closure.method != "outside region"
                    and not self.is_guard(r)), default=0.0)

    def methods(self, guards: bool = False) -> dict[str, int]:
        """How many boxes each method closed, of the margin (of its guards with ``guards=True``)."""
        out: dict[str, int] = {}
        for r in self.records:
            if self.is_guard(r) == guards:
                out[r.closure.method] = out.get(r.closure.method, 0) + 1
        return out

    def tight(self) -> list[dict[str, Any]]:
        """The boxes closed at a point where the margin is exactly 0 (a tight boundary)."""
        return [r.to_json() for r in self.records if r.closure.tight() and not self.is_guard(r)]

    def to_json(self, boxes: bool = False) -> dict[str, Any]:
        """The certificate as JSON: counts, smallest lower bound, methods and the tight boundaries;
        every box too with ``boxes=True``."""
        tight = self.tight()
        out: dict[str, Any] = {
            "margin": self.description, "pieces": len(self.pieces),
            "boxes": sum(not self.is_guard(r) for r in self.records),
            "smallest_lower_bound": self.smallest_lower, "methods": self.methods(),
            "tight_boundaries": len(tight), "tight_examples": tight[:5], "seconds": round(self.seconds, 3),
            "constraint_ignored": self.constraint_ignored, "notes": list(self.notes),
            "guards": {"conjuncts": sum(len(p) for p in self.parts) - sum(self.margins) if self.margins else 0,
                       "methods": self.methods(guards=True)},
        }
        out["exact_first"] = [{"piece": i, "conjunct": j, **r.to_json()} for i, reds in enumerate(self.reductions)
                              for j, r in enumerate(reds) if r.kind != "as written"][:20]
        out["polynomial_problems"] = [{"piece": i, "conjunct": j, **p.to_json()}
                                      for (i, j), p in sorted(self.problems.items())][:20]
        if boxes:
            out["piece_list"] = [p.to_json() for p in self.pieces]
            out["records"] = [r.to_json() for r in self.records]
        return out


def covering_problems(paths: list[str], where: str) -> list[str]:
    """Why ``paths`` do not form a complete binary split tree (empty: they do)."""
    toks = sorted(tuple(path_tokens(p)) for p in paths)
    problems = []
    for a, b in zip(toks, toks[1:]):
        if b[: len(a)] == a:
            problems.append(f"{where}: box {''.join(a) or '(whole)'} overlaps {''.join(b)}")
    dims: dict[tuple[str, ...], str] = {}
    for t in toks:
        for i, step in enumerate(t):
            prev = dims.setdefault(t[:i], step[:-1])
            if prev != step[:-1]:
                problems.append(f"{where}: node {''.join(t[:i]) or '(root)'} split along {prev} and {step[:-1]}")
    total = sum(Fraction(1, 2 ** len(t)) for t in toks)
    if total != 1:
        problems.append(f"{where}: the boxes cover {total} of the piece, not all of it")
    return problems


def with_guards(traced: Traced, base: list[tuple[Fraction, Fraction]], coords: list[Any]) -> list[Traced]:
    """The conjuncts a proof closes: the margin's (:func:`~paper_checks.prover.tracing.trace.conjuncts`), then one
    ``guard >= 0`` per condition its nodes put on their arguments (:func:`paper_checks.prover.tracing.defined.guards`),
    derived again from the margin as traced."""
    gs = guards(traced.expr, anchor(base, coords) or None)
    return conjuncts(traced) + [compile_traced(g.expr, traced.symbols) for g in gs]


def recheck_undefined(u: Undefined, space: SearchSpace) -> list[str]:
    """Re-check an outcome ``undefined`` (see the module docstring): the point is in the domain, the node is one
    of the margin traced again, and Arb's balls (:func:`paper_checks.prover.enclosures.balls.ball_at`) put its argument
    below 0 there (for a power, its exponent strictly between two integers); the problems found (empty: it holds)."""
    space, _, _ = charts.chart(space)
    try:
        traced, coords = trace(space, dict(u.piece.integers), dict(u.piece.eliminated))
    except Untraceable as exc:
        return [f"the margin cannot be traced again: {exc}"]
    if status([(v, v) for v in u.at], coords) != "inside":
        return [f"the point {u.at} is not in the domain"]
    found = [g for g in guards(traced.expr, anchor(initial_box(space, coords), coords) or None)
             if str(g.node) == u.node]
    if not found:
        return [f"{u.node} is no node of the margin with a restricted domain"]
    g = found[0]
    arg = ball_at(g.expr, traced.symbols, u.at)
    if g.what.startswith("a division"):  # 0 exactly (rationals), and a ball holding 0 in Arb
        exact = sympy.sympify(g.expr.xreplace({s: sympy.Rational(v) for s, v in zip(traced.symbols, u.at)}))
        if exact != 0 or arg is None or not arg.contains(0):
            return [f"the denominator {g.expr} of {u.node} is not 0 there ({exact}, {arg})"]
        return []
    if arg is None or not arg < 0:
        return [f"the argument {g.expr} of {u.node} is not below 0 there in ball arithmetic ({arg})"]
    if isinstance(g.node, sympy.Pow):
        ex = ball_at(g.node.exp, traced.symbols, u.at)
        low = None if ex is None else ex.lower().floor()
        if ex is None or not (ex > low and ex < low + 1):  # type: ignore[operator]
            return [f"the exponent {g.node.exp} of {u.node} is not strictly between two integers there ({ex})"]
    return []


def _record_problems(cert: Certificate, r: Record, t: Traced, written: Traced, base: list[tuple[Fraction, Fraction]],
                     names: list[str], coords: list[Any], relations: list[Any] | None = None) -> list[str]:
    """Re-check one record through the closing method that recorded it (:func:`paper_checks.prover.closures.by_method`):
    a closure of the whole piece on the piece's box, a box closure on its box (exact values first)."""
    where = f"piece {r.piece}, conjunct {r.part}"
    method = closures.by_method(r.closure.method)
    if method is None:
        return [f"{where}: no closing method records {r.closure.method!r}"]
    whole = isinstance(method, PieceMethod)
    if whole and r.path:
        return [f"{where}: an exact closure ({r.closure.method}) of a box, not of the whole piece"]
    reds = cert.reductions[r.piece] if r.piece < len(cert.reductions) else []
    check = Check(r.closure, written if r.form == "written" else t, base if whole else from_path(base, r.path), base,
                  names, coords, where if whole else f"{where}, box {r.path or '(whole)'}",
                  reduction=reds[r.part] if r.part < len(reds) else None,
                  problem=cert.problems.get((r.piece, r.part)), subproof=cert.subproofs.get((r.piece, r.part)),
                  relations=list(relations or []))
    return method.recheck(check)


#: within one top-level :func:`recheck`: (id of a sub-proof's certificate, id of its space) -> (both, problems)
_shared: contextvars.ContextVar[dict[tuple[int, int], Any] | None] = contextvars.ContextVar("recheck_shared",
                                                                                              default=None)


def recheck(cert: Certificate, space: SearchSpace) -> list[str]:
    """Re-check ``cert`` against ``space`` (see the module docstring); the problems found (empty: it holds). The
    limits a proof kept (:func:`paper_checks.prover.enclosures.bound.forget_limits`) are taken again."""
    token = _shared.set({}) if _shared.get() is None else None
    if token is not None:
        forget_limits()
    try:
        return _recheck(cert, space)
    finally:
        if token is not None:
            _shared.reset(token)


def recheck_shared(cert: Certificate, space: SearchSpace) -> list[str]:
    """:func:`recheck` of a sub-proof's certificate that several pieces share (a class sum's, a vertex's: one
    problem proved once): re-checked once within the top-level re-check that reaches it, which holds both objects,
    so nothing can change them in between."""
    shared = _shared.get()
    if shared is None:
        return recheck(cert, space)
    key = (id(cert), id(space))
    if key not in shared:
        shared[key] = (cert, space, recheck(cert, space))
    return list(shared[key][2])


def _recheck(cert: Certificate, space: SearchSpace) -> list[str]:
    space, _, _ = charts.chart(space)  # the certificate's boxes are in the charts' coordinates
    problems = _missing_pieces(cert, space)
    for i, piece in enumerate(cert.pieces):
        try:
            traced, coords = trace(space, dict(piece.integers), dict(piece.eliminated))
        except Untraceable as exc:
            return [f"piece {i}: {exc}"]
        names = [str(c.symbol) for c in coords]
        narrowed = piece_box(space, piece, coords)
        base = narrowed.box
        if base is None:
            continue  # outside the domain's constraint: proved there too, which is more than needed
        rels = traced_relations(narrowed.relations, traced.symbols) or []
        parts = with_guards(traced, base, coords)
        for j, t in enumerate(parts):
            recs = [r for r in cert.records if r.piece == i and r.part == j]
            problems += covering_problems([r.path for r in recs], f"piece {i}, conjunct {j}")
            written = t
            if i < len(cert.reductions) and j < len(cert.reductions[i]):
                red = cert.reductions[i][j]
                problems += [f"piece {i}, conjunct {j}: {p}" for p in check_reduction(
                    red, t.expr, t.symbols, base, partial(continuous_inside, symbols=t.symbols, box=base,
                                                          strict=strict_ends(coords, base)))]
                if red.kind != "as written":
                    t = compile_traced(red.reduced, t.symbols)
            for r in recs:
                problems += _record_problems(cert, r, t, written, base, names, coords, rels)
    return problems



def _missing_pieces(cert: Certificate, space: SearchSpace) -> list[str]:
    """Every piece of the domain (:func:`paper_checks.prover.enclosures.boxes.pieces`) is one of the certificate's, or
    lies outside the domain's constraint (:func:`paper_checks.prover.tracing.constraint.piece_box`, derived again
    here)."""
    held = set(cert.pieces)
    out = []
    for piece in pieces(space):
        if piece in held:
            continue
        try:
            _, coords = trace(space, dict(piece.integers), dict(piece.eliminated))
        except Untraceable as exc:
            return [f"{piece.to_json()}: {exc}"]
        if piece_box(space, piece, coords).box is not None:
            out.append(f"the piece {piece.to_json()} of the domain is not in the certificate")
    return out


def arb_rebound(cert: Certificate, space: SearchSpace) -> tuple[int, int]:
    """``(re-bounded, tried)``: of the boxes closed by the natural extension with a lower bound above
    :data:`ARB_MIN`, how many Arb's ball arithmetic also bounds above 0."""
    done = tried = 0
    space, _, _ = charts.chart(space)
    for i, piece in enumerate(cert.pieces):
        traced, coords = trace(space, dict(piece.integers), dict(piece.eliminated))
        base = piece_box(space, piece, coords).box
        if base is None:
            continue
        parts = with_guards(traced, base, coords)
        for r in cert.records:
            if r.piece != i or r.closure.method != "interval" or not r.closure.lower > ARB_MIN:
                continue
            tried += 1
            expr = parts[r.part].expr
            if i < len(cert.reductions) and r.part < len(cert.reductions[i]) and r.form != "written":
                expr = cert.reductions[i][r.part].reduced  # the boxes closed the reduced margin (re-derived in recheck)
            low = ball_lower(expr, parts[r.part].symbols, from_path(base, r.path))
            done += low is not None and low > 0
    return done, tried


subproblem.decided_by(recheck=recheck, recheck_shared=recheck_shared)  # for the closures by sub-proofs
