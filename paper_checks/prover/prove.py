"""The prover: branch and bound over the declared domain, ending proved, counterexample or undecided.

``prove(space, budget, seconds)`` cuts the domain into pieces (:mod:`paper_checks.prover.boxes`),
traces the exact margin on each (:mod:`paper_checks.prover.trace`), decides what it can exactly first
(:mod:`paper_checks.prover.normal`, :mod:`paper_checks.prover.solver`), and closes the other boxes with
rigorous bounds (:mod:`paper_checks.prover.bound`), the lowest bound first, halving the boxes it
cannot close. Every box's centre is also probed: where the margin is negative there, the point is
verified exactly and shrunk by the search's machinery (:func:`paper_checks.search.exact.verify`,
:class:`paper_checks.search.shrinker.Shrinker`); ``search_first`` runs the counterexample search itself before
the boxes. The time limit is checked between boxes (and between the pieces while tracing: one
trace of a very large margin is not interrupted). It ends in exactly one of

- ``proved``: every box of every piece closed; :attr:`ProofResult.certificate` says how;
- ``counterexample``: an exact point of the domain where the margin is negative, shrunk;
- ``undecided``: the budget of boxes or the time ran out, the margin could not be traced, or
  boxes narrower than ``2^-MAX_DEPTH`` of their piece stayed open (a minimum of 0 that neither
  first-order bounds nor the closures where the margin is tight closed, :mod:`paper_checks.prover.tight`);
  ``reason`` and ``remaining`` say which and where (:mod:`paper_checks.prover.gather`).

A bounded-domain claim whose margin is ``>= 0`` everywhere is *proved* only here; a search that
finds nothing says *confirmed* (docs/design.md, "Verdicts").
"""
from __future__ import annotations

import heapq
import math
import time
from dataclasses import dataclass, field
from fractions import Fraction
from typing import Any

import numpy as np
import sympy

from paper_checks.jsonable import jsonable
from paper_checks.prover import inputs
from paper_checks.prover.bound import Closure, close, intervals
from paper_checks.prover.boxes import Box, Piece, centre, exact_point, groups, initial_box, pieces, split, status
from paper_checks.prover.certificate import Certificate, Record
from paper_checks.prover.gather import gathering
from paper_checks.prover.normal import NORMAL_SECONDS, Reduction, has_branches, reduce
from paper_checks.prover.solver import Z3_MILLISECONDS, Problem, branches_decide, decide, problem
from paper_checks.prover.sweep import Sweep, sweep
from paper_checks.prover.tight import Tight
from paper_checks.prover.trace import Coordinate, Traced, Untraceable, compile_traced, conjuncts, trace
from paper_checks.search.exact import verify
from paper_checks.search.loop import search
from paper_checks.search.params import Point, Real, SearchSpace, SimplexPoint
from paper_checks.search.shrinker import SHRINK_EVALS, Shrinker

OUTCOMES = ("proved", "counterexample", "undecided")
#: a box narrower than ``2^-MAX_DEPTH`` of its piece along every coordinate is not split again
MAX_DEPTH = 48
#: the share of the time limit spent on boxes before the open conjuncts are tried by a monotone sweep
SWEEP_AFTER = 0.45


@dataclass
class ProofResult:
    """What :func:`prove` found (see the module docstring for the three outcomes)."""

    outcome: str
    boxes: int
    budget: int
    seconds: float
    certificate: Certificate | None = None
    counterexample: Point | None = None
    exact_margin: str | None = None
    exact_margin_value: float | None = None
    shrink_steps: int = 0
    reason: str = ""
    remaining: dict[str, Any] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)

    @property
    def proved(self) -> bool:
        return self.outcome == "proved"

    def to_json(self, boxes: bool = False) -> dict[str, Any]:
        """The result as JSON; ``boxes``: the certificate lists every closed box (its piece, split path,
        method, lower bound and faces), not only the summary."""
        return {"outcome": self.outcome, "boxes": self.boxes, "budget": self.budget,
                "seconds": round(self.seconds, 3),
                "certificate": self.certificate.to_json(boxes) if self.certificate else None,
                "counterexample": jsonable(self.counterexample), "exact_margin": self.exact_margin,
                "exact_margin_value": self.exact_margin_value, "shrink_steps": self.shrink_steps,
                "reason": self.reason, "remaining": jsonable(self.remaining), "notes": list(self.notes)}


@dataclass
class _Piece:
    piece: Piece
    coords: list[Coordinate]
    parts: list[Traced]
    base: Box
    names: list[str]
    reductions: list[Reduction] = field(default_factory=list)
    written: list[Traced] = field(default_factory=list)  # the conjuncts as traced, before their normal form


@dataclass
class _State:
    space: SearchSpace
    budget: int
    deadline: float
    shrink_evals: int
    heap: list = field(default_factory=list)
    records: list[Record] = field(default_factory=list)
    stuck: list[tuple[int, int, str, Box, float]] = field(default_factory=list)
    boxes: int = 0
    seq: int = 0
    notes: list[str] = field(default_factory=list)
    problems: dict[tuple[int, int], Problem] = field(default_factory=dict)
    tight: Tight | None = None  # the closures where the margin is tight, with what they found (tight.py)
    unreal: str | None = None  # why no proof exists: the margin is not real at a probed point of the domain
    sweeps: dict[tuple[int, int], Sweep] = field(default_factory=dict)  # conjuncts closed by sweep.py

    def push(self, key: float, i: int, j: int, path: str, box: Box) -> None:
        self.seq += 1
        heapq.heappush(self.heap, (key, self.seq, i, j, path, box))


def _traced_pieces(space: SearchSpace, deadline: float) -> list[_Piece]:
    out = []
    for pc in pieces(space):
        if time.monotonic() > deadline:
            raise TimeoutError("the time ran out while tracing the margin on the pieces of the domain")
        t, coords = trace(space, dict(pc.integers), dict(pc.eliminated))
        out.append(_Piece(pc, coords, conjuncts(t), initial_box(space, coords), [str(c.symbol) for c in coords]))
    return out


def _counterexample(st: _State, pc: _Piece, x: list[Fraction]) -> ProofResult | None:
    """The shrunk counterexample at free coordinates ``x`` when the margin fails there exactly."""
    point = exact_point(st.space, pc.piece, pc.coords, x)
    status_, text, val = verify(st.space, point)
    if status_ != "fails":
        if status_.startswith("error"):
            st.notes.append(f"exact evaluation at a probed point: {status_}")
            if st.unreal is None:
                st.unreal = _not_real(st.space, point)
        return None
    small, steps, done = Shrinker(st.space, point, st.shrink_evals).run()
    s2, text2, val2 = verify(st.space, small)
    if s2 == "fails":
        point, text, val = small, text2, val2
    notes = [] if done else [f"shrinking stopped after {st.shrink_evals} exact evaluations ({steps} steps)"]
    return ProofResult("counterexample", st.boxes, st.budget, 0.0, counterexample=point, exact_margin=text,
                       exact_margin_value=val, shrink_steps=steps, notes=notes)


def _not_real(space: SearchSpace, point: Point) -> str | None:
    """Why no proof exists when the margin is a finite non-real number at a point of the domain (``log(x - 2)``
    on ``[0, 1]``), else None (a pole, ``-log 0``, is no such point)."""
    try:
        val = sympy.N(sympy.sympify(space.exact_margin(point)), 30)
        if not (val.is_number and val.is_finite and sympy.im(val) != 0):
            return None
    except (TypeError, ValueError, ArithmeticError, AttributeError, NotImplementedError, RecursionError):
        return None
    at = ", ".join(f"{k} = {jsonable(v)}" for k, v in point.items())
    return (f"the margin is not real at {at} (it is {val.evalf(6)}: the log or a root of a negative number), so it "
            "is undefined on the domain there: no proof exists on this domain; would decide: a domain on which the "
            "margin is real, or a margin defined on the whole domain")


def _probe(st: _State, pc: _Piece, t: Traced, box: Box) -> ProofResult | None:
    """Evaluate the margin at the box's centre; verify and shrink it where it is negative."""
    c = centre(box)
    if t.value(intervals([(x, x) for x in c])).b < 0:
        return _counterexample(st, pc, c)
    return None


def _narrow(box: Box, base: Box) -> bool:
    return all(hi - lo <= (b1 - b0) / 2 ** MAX_DEPTH for (lo, hi), (b0, b1) in zip(box, base))


def _step(st: _State, pcs: list[_Piece]) -> ProofResult | None:
    """Process the open box of lowest bound: close it, probe it, or split it."""
    key, _, i, j, path, box = heapq.heappop(st.heap)
    pc = pcs[i]
    st.boxes += 1
    where = status(box, pc.coords)
    if where == "outside":
        st.records.append(Record(i, j, path, Closure(True, math.inf, "outside region")))
        return None
    if where == "inside":
        cl = close(pc.parts[j], box, pc.names)
        if cl.fails is not None:
            found = _counterexample(st, pc, cl.fails)
            if found is not None:
                return found
        if cl.closed:
            st.records.append(Record(i, j, path, cl))
            return None
        written = pc.written[j] if j < len(pc.written) else pc.parts[j]
        if written is not pc.parts[j]:  # the margin as written bounds some boxes better than its normal form
            cw = close(written, box, pc.names)
            if cw.closed:
                st.records.append(Record(i, j, path, cw, form="written"))
                return None
        hess = st.tight.lifted(pc.parts[j], pc.coords, (i, j), box) or \
            st.tight.second_order(pc.parts[j], pc.coords, pc.base, pc.names, (i, j), box) or \
            st.tight.scaled(pc.parts[j], pc.coords, pc.base, pc.names, (i, j), box)
        if hess is not None:
            st.records.append(Record(i, j, path, hess))
            return None
        found = _probe(st, pc, pc.parts[j], box)
        if found is not None:
            return found
        key, smear = cl.lower, cl.smear
    else:
        smear = None
        hess = st.tight.across((i, j), box) or st.tight.lifted(pc.parts[j], pc.coords, (i, j), box)
        if hess is not None:
            st.records.append(Record(i, j, path, hess))
            return None
    if _narrow(box, pc.base):
        st.stuck.append((i, j, path, box, key))
        return None
    t = pc.parts[j]  # a box partly outside the simplex is split along any coordinate: it must come inside
    depends = [sym in t.expr.free_symbols for sym in t.symbols] if where == "inside" else None
    k, left, right = split(box, pc.base, smear, depends)
    st.push(key, i, j, path + f"{k}L", left)
    st.push(key, i, j, path + f"{k}R", right)
    return None


def _symmetric_points(base: Box, rows: list[list[int]]) -> list[list[Fraction]]:
    """The simplex rows at their barycentre, the other coordinates at the centre and ends of the piece."""
    if not rows:
        return []
    bary = {i: Fraction(1, len(r) + 1) for r in rows for i in r}
    out = []
    for pick in (lambda lo, hi: (lo + hi) / 2, lambda lo, hi: lo, lambda lo, hi: hi):
        out.append([bary.get(k, pick(lo, hi)) for k, (lo, hi) in enumerate(base)])
    return out


def _exact_first(st: _State, pcs: list[_Piece], i: int, j: int) -> ProofResult | None:
    """Decide conjunct ``j`` of piece ``i`` before any box where it can be (:mod:`paper_checks.prover.normal`,
    :mod:`paper_checks.prover.solver`): a record of the whole piece, a counterexample, or its boxes queued
    on the reduced margin."""
    pc = pcs[i]
    t = pc.parts[j]
    left = max(st.deadline - time.monotonic(), 0.01)
    red = reduce(t.expr, t.symbols, pc.base, min(NORMAL_SECONDS, left / 2))
    pc.reductions.append(red)
    pc.written.append(t)
    if red.decided == "proved":
        st.records.append(Record(i, j, "", Closure(True, 0.0, red.kind, exact=red.how)))
        return None
    if red.kind != "as written":
        pc.parts[j] = t = compile_traced(red.reduced, t.symbols)
    if red.decided == "negative":
        for x in (centre(pc.base), [hi for _, hi in pc.base], [lo for lo, _ in pc.base]):
            if status([(v, v) for v in x], pc.coords) == "inside":
                found = _counterexample(st, pc, x)
                if found is not None:
                    return found
    rows = [list(g) for g in groups(pc.coords).values()]
    for x in _symmetric_points(pc.base, rows) or [centre(pc.base)]:  # where symmetric bounds are tight
        found = _counterexample(st, pc, x)
        if found is not None:
            return found
    pr = problem(t.expr, t.symbols, pc.base, rows)
    if pr is None and has_branches(t.expr):
        ms = int(min(Z3_MILLISECONDS, 500 * max(st.deadline - time.monotonic(), 0.01)))
        outcome, cands = branches_decide(t.expr, t.symbols, pc.base, rows, ms)
        if outcome == "unsat":
            st.records.append(Record(i, j, "", Closure(True, 0.0, "z3 branches")))
            return None
        for x in cands:
            found = _counterexample(st, pc, x)
            if found is not None:
                found.notes.append("found by z3 on the piecewise polynomial margin, verified exactly and shrunk")
                return found
    if pr is not None:
        ms = int(min(Z3_MILLISECONDS, 500 * max(st.deadline - time.monotonic(), 0.01)))
        outcome, method, cands = decide(pr, ms)
        if outcome == "proved":
            st.problems[(i, j)] = pr
            st.records.append(Record(i, j, "", Closure(True, 0.0, method)))
            return None
        for x in cands:
            found = _counterexample(st, pc, x)
            if found is not None:
                found.notes.append(f"found by {method} on the polynomial margin, verified exactly and shrunk")
                return found
    st.push(-math.inf, i, j, "", list(pc.base))
    return None


def _as_written(st: _State, pcs: list[_Piece], i: int, j: int) -> None:
    """Conjunct ``j`` of piece ``i`` to the boxes as traced (``exact_first=False``)."""
    t = pcs[i].parts[j]
    pcs[i].reductions.append(Reduction(t.expr, t.expr, "as written"))
    pcs[i].written.append(t)
    st.push(-math.inf, i, j, "", list(pcs[i].base))


def _sweep_open(st: _State, pcs: list[_Piece]) -> ProofResult | None:
    """Try each conjunct that still has open boxes, on a piece of plain real coordinates, by monotonicity in one
    coordinate over the whole piece (:mod:`paper_checks.prover.sweep`); one that closes replaces its boxes by one
    record of the whole piece; a point of a face where the margin fails is verified and shrunk."""
    open_ = sorted({(i, j) for _, _, i, j, _, _ in st.heap} | {(i, j) for i, j, *_ in st.stuck})
    for i, j in open_:
        pc = pcs[i]
        if groups(pc.coords) or time.monotonic() > st.deadline:
            continue
        t = pc.parts[j]
        sw = sweep(t.expr, list(t.symbols), pc.base, st.deadline)
        if isinstance(sw, list):
            found = _counterexample(st, pc, sw)
            if found is not None:
                found.notes.append("found on a face by a monotone sweep's sub-problem, verified exactly and shrunk")
                return found
            continue
        if sw is None:
            continue
        st.sweeps[(i, j)] = sw
        st.heap = [h for h in st.heap if (h[2], h[3]) != (i, j)]
        heapq.heapify(st.heap)
        st.stuck = [s for s in st.stuck if (s[0], s[1]) != (i, j)]
        st.records = [r for r in st.records if (r.piece, r.part) != (i, j)]
        st.records.append(Record(i, j, "", Closure(True, 0.0, "monotone sweep", exact=sw.why())))
        st.notes.append(f"piece {i}, conjunct {j}: closed by monotonicity in {sw.name} over the whole piece "
                        f"({sw.why()})")
    return None


def _box_text(pc: _Piece, box: Box) -> dict[str, Any]:
    return {"piece": pc.piece.to_json(),
            "box": {n: [float(lo), float(hi)] for n, (lo, hi) in zip(pc.names, box)}}


def _remaining(st: _State, pcs: list[_Piece]) -> dict[str, Any]:
    open_ = sorted([(k, i, path, box) for k, _, i, _, path, box in st.heap]
                   + [(k, i, path, box) for i, _, path, box, k in st.stuck], key=lambda r: r[0])
    lows = [k for k, *_ in open_ if k > -math.inf]
    out = {"open_boxes": len(open_), "stuck_boxes": len(st.stuck),
           "smallest_lower_bound": min(lows) if lows else None,
           "unbounded_below": sum(1 for k, *_ in open_ if k == -math.inf),
           "lowest": [_box_text(pcs[i], box) for _, i, _, box in open_[:5]]}
    parts = sorted([(k, i, j, box) for k, _, i, j, _, box in st.heap]
                   + [(k, i, j, box) for i, j, _, box, k in st.stuck], key=lambda r: r[0])
    if parts:
        _, i, j, _ = parts[0]
        pc = pcs[i]
        try:
            out["gathering"] = {"piece": pc.piece.to_json(), "conjunct": j,
                                **gathering([(k, b) for k, i2, j2, b in parts if (i2, j2) == (i, j)],
                                            pc.written[j] if j < len(pc.written) else pc.parts[j], pc.base, pc.names,
                                            lambda x: status([(v, v) for v in x], pc.coords) == "inside")}
        except (ValueError, TypeError, ZeroDivisionError, ArithmeticError) as exc:
            out["gathering"] = {"error": f"{type(exc).__name__}: {exc}"}
    return out


def _undecided(st: _State, pcs: list[_Piece], reason: str, start: float) -> ProofResult:
    remaining = _remaining(st, pcs)
    g = remaining.get("gathering", {})
    if "case" in g:
        reason += (f"; the open boxes gather {g['where']} around {g['centre']} (margin {g['margin_at_centre']}, "
                   f"gradient {g['gradient_at_centre']}): {g['case']}; would decide: {g['would_decide']}")
    return ProofResult("undecided", st.boxes, st.budget, time.monotonic() - start, reason=reason,
                       remaining=remaining, notes=st.notes)


def _ended(st: _State, pcs: list[_Piece], start: float) -> ProofResult:
    """The outcome once the loop stops without a counterexample."""
    if st.heap:
        spent = (f"the budget of {st.budget} boxes" if st.boxes >= st.budget
                 else f"the time limit of {st.deadline - start:.3g} s")
        return _undecided(st, pcs, f"{spent} ran out with {len(st.heap) + len(st.stuck)} boxes open", start)
    if st.stuck:
        return _undecided(st, pcs, f"{len(st.stuck)} boxes narrower than 2^-{MAX_DEPTH} of their piece stayed open, "
                          "where first-order bounds cannot close them", start)
    cert = Certificate(st.space.description, [pc.piece for pc in pcs],
                       [[str(r.original) for r in pc.reductions] for pc in pcs],
                       st.records, time.monotonic() - start, st.space.constraint is not None, list(st.notes),
                       reductions=[list(pc.reductions) for pc in pcs], problems=dict(st.problems),
                       sweeps=dict(st.sweeps))
    if cert.constraint_ignored:
        cert.notes.append("the domain's constraint was not used: the proof covers the whole box, a superset")
    return ProofResult("proved", st.boxes, st.budget, cert.seconds, certificate=cert, notes=list(cert.notes))


def _search_first(space: SearchSpace, evals: int, seed: int, start: float) -> ProofResult | None:
    """The counterexample search (:func:`paper_checks.search.loop.search`) with ``evals`` evaluations: its
    verified, shrunk counterexample, or None."""
    try:
        res = search(space, evals, np.random.default_rng(seed))
    except ValueError:  # e.g. no sampled point meets the constraint: branch and bound decides alone
        return None
    if not res.verified:
        return None
    return ProofResult("counterexample", 0, 0, time.monotonic() - start, counterexample=res.counterexample,
                       exact_margin=res.exact_margin, exact_margin_value=res.exact_margin_value,
                       shrink_steps=res.shrink_steps,
                       notes=[f"found by the counterexample search before branch and bound ({res.evaluated} "
                              "evaluations), verified exactly and shrunk"])


def prove(space: SearchSpace, budget: int = 20000, seconds: float = 30.0, *,
          shrink_evals: int = SHRINK_EVALS, search_first: int = 0, seed: int = 0,
          exact_first: bool = True) -> ProofResult:
    """Prove ``space.exact_margin >= 0`` on the whole declared domain, or refute it exactly.

    Parameters
    ----------
    space : the domain and margins (the same ``SearchSpace`` the search takes; ``exact_margin``
        is required and must be traceable on SymPy symbols)
    budget : the most boxes processed (at least 1)
    seconds : the wall-clock limit (what finished is kept: ``undecided`` says what is left)
    shrink_evals : the most exact evaluations spent shrinking a counterexample
    search_first : margin evaluations of a counterexample search run first (0: none; at least 10
        otherwise): in many dimensions sampling finds a failing region sooner than boxes do
    seed : the search's random seed
    exact_first : decide each piece symbolically first (normal form, identities, factors of known sign,
        real roots / z3 for polynomial margins: :mod:`paper_checks.prover.normal`,
        :mod:`paper_checks.prover.solver`); False: boxes only, on the margin as written (for comparison)

    Returns
    -------
    ProofResult: ``proved`` with a :class:`~paper_checks.prover.certificate.Certificate`,
    ``counterexample`` (exact, shrunk) or ``undecided`` (``reason``, ``remaining``).
    """
    budget, seconds = inputs.prove_arguments(space, budget, seconds, search_first, seed, shrink_evals)
    start = time.monotonic()
    if search_first:
        found = _search_first(space, search_first, seed, start)
        if found is not None:
            found.budget = budget
            return found
    st = _State(space, budget, start + seconds, shrink_evals)
    st.tight = Tight(st.deadline, st.notes)
    try:
        pcs = _traced_pieces(space, st.deadline)
    except (Untraceable, ValueError, TimeoutError) as exc:
        return ProofResult("undecided", 0, budget, time.monotonic() - start, reason=str(exc))
    except RecursionError:
        return ProofResult("undecided", 0, budget, time.monotonic() - start,
                           reason="the traced margin is too deeply nested to compile")
    try:
        for i, pc in enumerate(pcs):
            for j in range(len(pc.parts)):
                late = time.monotonic() > st.deadline  # out of time: the rest go to the boxes, which stop at once
                found = _exact_first(st, pcs, i, j) if exact_first and not late else _as_written(st, pcs, i, j)
                if found is not None:
                    return _found(st, found, start)
        swept = False
        while st.heap and st.boxes < budget and time.monotonic() < st.deadline and st.unreal is None:
            if not swept and time.monotonic() > start + SWEEP_AFTER * seconds:
                swept = True
                found = _sweep_open(st, pcs)
                if found is not None:
                    return _found(st, found, start)
                continue
            found = _step(st, pcs)
            if found is not None:
                return _found(st, found, start)
        if not swept and st.stuck and not st.heap and st.unreal is None:
            found = _sweep_open(st, pcs)
            if found is not None:
                return _found(st, found, start)
        if st.unreal is not None:
            return ProofResult("undecided", st.boxes, budget, time.monotonic() - start, reason=st.unreal,
                               remaining=_remaining(st, pcs), notes=st.notes)
    except (Untraceable, ValueError, ArithmeticError, TypeError, NotImplementedError, RecursionError) as exc:
        return _undecided(st, pcs, f"the prover stopped on {type(exc).__name__}: {exc}", start)
    return _ended(st, pcs, start)


def _found(st: _State, found: ProofResult, start: float) -> ProofResult:
    found.seconds = time.monotonic() - start
    found.notes = st.notes + found.notes
    return found


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
               exact_first: bool = True) -> ProofResult:
    """Prove ``expr >= 0`` for every symbol in its closed interval ``domain[symbol] = (low, high)`` and
    every point of the probability simplices ``simplices[name] = [p_0, ..., p_(d-1)]`` (symbols).

    A plain SymPy expression, without a claim: the parameters are ``Real``\\ s named after the
    symbols and one ``SimplexPoint`` per simplex. ``expr`` may be a formula string, read by the whitelist
    grammar of :mod:`theory.expressions` (never evaluated). Interval ends are exact rationals
    (``Rational(1, 20)``; a float stands for its own binary value): a symbol with ``low == high`` is pinned
    (substituted), and one whose ends are not binary floats is rescaled exactly, ``s = low + (high - low) u``
    with ``u`` in ``[0, 1]`` (a counterexample is given back in ``s``). Raises ``ValueError``/``TypeError``
    naming the argument (:mod:`paper_checks.prover.inputs`) for a bad one or a symbol in neither.
    """
    expr, domain, simplices = inputs.expr_arguments(expr, domain, budget, seconds, simplices)
    in_simplex = {s: (name, i) for name, syms in simplices.items() for i, s in enumerate(syms)}
    missing = expr.free_symbols - set(domain) - set(in_simplex)
    if missing:
        raise ValueError(f"prove_expr: no interval or simplex for {sorted(map(str, missing))} in domain {domain!r}")
    params: list[Any] = []
    subs: dict[sympy.Symbol, Any] = {}  # symbol -> its value in the prover's parameters (by name)
    back: dict[str, Any] = {}  # a rescaled symbol's name -> its value as a function of u
    for s, (lo, hi) in domain.items():
        lo_r, hi_r = _exact_end(lo), _exact_end(hi)
        if lo_r > hi_r:
            raise ValueError(f"prove_expr: the interval of {s} is empty, got {(lo, hi)}")
        if lo_r == hi_r:
            expr = expr.xreplace({s: lo_r})
            continue
        if sympy.Rational(float(lo_r)) == lo_r and sympy.Rational(float(hi_r)) == hi_r:
            params.append(Real(str(s), float(lo_r), float(hi_r)))
            subs[s] = str(s)
            continue
        u = f"{s}_unit"
        params.append(Real(u, 0.0, 1.0))
        subs[s] = u
        back[str(s)] = (u, lo_r, hi_r - lo_r)
    params += [SimplexPoint(name, len(syms)) for name, syms in simplices.items()]

    def exact(pt: Point) -> Any:
        vals = {s: (pt[n] if str(s) not in back else back[str(s)][1] + back[str(s)][2] * pt[n])
                for s, n in subs.items()}
        vals.update({s: pt[name][i] for s, (name, i) in in_simplex.items()})
        return expr.xreplace(vals)

    def margin(pt: Point) -> float:
        return float(sympy.N(exact(pt)))

    res = prove(SearchSpace(tuple(params), margin, exact, description=f"{expr} >= 0"), budget, seconds,
                exact_first=exact_first)
    if res.counterexample is not None and back:
        pt = dict(res.counterexample)
        for name, (u, lo_r, width) in back.items():
            pt[name] = lo_r + width * pt.pop(u)
        res.counterexample = pt
    return res
