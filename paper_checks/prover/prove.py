"""The prover: branch and bound over the declared domain, ending proved, counterexample, undefined or undecided.

``prove(space, budget, seconds)`` cuts the domain into pieces (:mod:`paper_checks.prover.enclosures.boxes`),
traces the exact margin on each (:mod:`paper_checks.prover.tracing.trace`), decides what it can exactly first
(:mod:`paper_checks.prover.tracing.normal`, :mod:`paper_checks.prover.algebraic.solver`), and closes the other boxes
with rigorous bounds (:mod:`paper_checks.prover.enclosures.bound`), the lowest bound first, halving the boxes it
cannot close. Every box's centre is also probed: where the margin is negative there, the point is
verified exactly and shrunk by the search's machinery (:func:`paper_checks.search.exact.verify`,
:class:`paper_checks.search.shrinker.Shrinker`); ``search_first`` runs the counterexample search itself before
the boxes. Every choice of the schedule is a share of a *work* budget (:mod:`paper_checks.work`: counted,
the same on every machine), so a proof's route and outcome depend on the margin, the domain, the budgets and the
seed, not on the machine's speed or load. Work is checked between boxes and steps; a step that cannot stop itself
(one trace of a very large margin, one SymPy call) is stopped by the meter :data:`ALARM_GRACE` units after the
budget. The wall clock is a net only: one per call, armed at its first line (:func:`paper_checks.prover.outset.net`),
it interrupts the proof, which then gives no answer (``undecided``, :attr:`ProofResult.interrupted`, the reason's
first words "interrupted by the wall-clock net at work W of B"); no step or sub-proof reads the clock.
Each node's domain (the log or a non-integer power of
a part that must stay ``>= 0``) is one more conjunct, a guard (:mod:`paper_checks.prover.tracing.defined`), decided on
the margin as traced. It ends in exactly one of (:class:`~paper_checks.prover.result.ProofOutcome`)

- ``proved``: every box of every piece closed, the guards' too; :attr:`ProofResult.certificate` says how;
- ``counterexample``: an exact point of the domain where the margin is negative, shrunk;
- ``undefined``: an exact point of the domain where a node of the margin is not real (``x^x`` at
  ``x = -1/32``, ``log`` of a negative number): no proof exists on this domain;
- ``undecided``: the budget of boxes or the time ran out, the margin could not be traced, or
  boxes narrower than ``2^-MAX_DEPTH`` of their piece stayed open (a minimum of 0 that neither
  first-order bounds nor the closures where the margin is tight closed, :mod:`paper_checks.prover.critical.tight`);
  ``reason`` and ``remaining`` say which and where (:mod:`paper_checks.prover.gather`).

A bounded-domain claim whose margin is ``>= 0`` everywhere is *proved* only here; a search that
finds nothing says *confirmed* (docs/design.md, "Verdicts").
"""
from __future__ import annotations

import contextlib
import heapq
import math
import time
from dataclasses import dataclass, field
from fractions import Fraction
from typing import Any

import sympy

from paper_checks import work as meter
from paper_checks.jsonable import jsonable
from paper_checks.prover import closures, deepening, gather, inputs, outset, process, schedule, searched
from paper_checks.prover.algebraic import fragment
from paper_checks.prover.algebraic.solver import Problem
from paper_checks.prover.budget import Budget
from paper_checks.prover.certificate import Certificate, Record
from paper_checks.prover.closures.base import BoxGoal, Method, PieceGoal, timed_step
from paper_checks.prover.critical.tight import Tight
from paper_checks.prover.enclosures.bound import intervals
from paper_checks.prover.enclosures.boxes import Box, Piece, centre, exact_point, groups, pieces, split, status
from paper_checks.prover.outset import OutOfTime, OutOfWork
from paper_checks.prover.result import ProofOutcome, ProofResult
from paper_checks.prover.subproofs import subproblem
from paper_checks.prover.tracing import charts
from paper_checks.prover.tracing.constraint import piece_box, traced_relations
from paper_checks.prover.tracing.defined import Guard, Undefined, anchor, find_undefined, guards, not_real_text
from paper_checks.prover.tracing.normal import Reduction, distinct, undefined_notes
from paper_checks.prover.tracing.trace import Coordinate, Traced, Untraceable, compile_traced, conjuncts, trace
from paper_checks.search.exact import verify
from paper_checks.search.params import SearchSpace
from paper_checks.search.shrinker import SHRINK_EVALS, Shrinker

#: a box narrower than ``2^-MAX_DEPTH`` of its piece along every coordinate is not split again
MAX_DEPTH = 48
#: the shares of the work the boxes begin with, spent before the open conjuncts are tried by a monotone sweep, the
#: first time and the second (each with a near stop, its share ``"sweep span"``: a sweep that closes does so quickly)
#: (:data:`~paper_checks.prover.schedule.SHARES`)
SWEEP_STARTS = ("first sweep after", "second sweep after")
#: the second sweep runs only where the open volume is still above this share of what it was after the first
STALLED = 0.5
#: the most boxes one proof processes whatever its budget (it holds two entries a box at most: memory stays bounded)
MAX_BOXES = 2_000_000
#: work units past its budget (and seconds past its wall-clock net) at which the prover stops a step that cannot
#: stop itself (then what is left is reported without the SymPy work of :mod:`paper_checks.prover.gather`)
ALARM_GRACE = 0.75
#: one closure's step on one box may spend its share of the work left (``"box step"`` in
#: :data:`~paper_checks.prover.schedule.SHARES`) and at least this many units, then the box is split
BOX_STEP_MIN_WORK = 0.5
#: work charged for one interval step on a box (its centre probed, a closure of bounded cost), a fixed part and a part
#: per node of its conjunct: charged, not metered (that doubles its time); about its calls (docs/design.md, prover)
BOX_STEP_WORK = (1.05e-3, 2.9e-5)
#: where the search run first found a counterexample and the margin has guards, the proof of the guards alone spends
#: this much work at most to find a point where the margin is not real (``x^x`` on ``(-1, 1)``: 0.2 units), before
#: the counterexample is the answer
HELD_WORK = 2.0


@dataclass
class _Piece:
    piece: Piece
    coords: list[Coordinate]
    parts: list[Traced]
    base: Box
    names: list[str]
    reductions: list[Reduction] = field(default_factory=list)
    written: list[Traced] = field(default_factory=list)  # the conjuncts as traced, before their normal form
    margins: int = 0  # parts[:margins] are the margin's conjuncts, the rest its guards (defined.py), in order
    guards: list[Guard] = field(default_factory=list)
    relations: list[tuple[Traced, bool]] = field(default_factory=list)  # the domain's relations (constraint.py)


@dataclass
class _State:
    space: SearchSpace
    budget: int
    work: Budget  # the proof's work budget, from the meter when the proof began (meter.now()) to its end
    shrink_evals: int
    heap: list = field(default_factory=list)
    records: list[Record] = field(default_factory=list)
    stuck: list[tuple[int, int, str, Box, float]] = field(default_factory=list)
    boxes: int = 0
    seq: int = 0
    notes: list[str] = field(default_factory=list)
    problems: dict[tuple[int, int], Problem] = field(default_factory=dict)
    tight: Tight | None = None  # the closures where the margin is tight, with what they found (tight.py)
    stage: str = "checking its arguments"  # what the prover is doing, for the reason of a stop by its alarm
    pcs: list[_Piece] | None = None  # the traced pieces, once traced
    held: ProofResult | None = None  # a verified counterexample of the search, held while the guards are decided
    overran: str = ""  # the closure step stopped at the time limit, if one was (closures.base.timed_step)
    unreal: str | None = None  # why no proof exists: the margin is not real at a probed point of the domain
    subproofs: dict[tuple[int, int], Any] = field(default_factory=dict)  # conjuncts closed by sub-proofs: their record
    constraint_read: bool = True  # the domain's constraint read on every piece (constraint.piece_box)
    sizes: dict[tuple[int, int, int], int] = field(default_factory=dict)  # nodes of each conjunct (_nodes)
    counters: dict[str, dict[str, float]] = field(default_factory=dict)  # per closure: calls, work, closed, proofs
    stopped: dict[str, tuple[int, str, int]] = field(default_factory=dict)  # closure -> (its note, first, how many)
    box_base: float = 0.0  # work of the boxes' own steps and their bounds (schedule.BOX_BASE): what a split costs
    box_work: dict[str, float] = field(default_factory=dict)  # work of each other box closure, over the boxes
    closer: dict[tuple[int, int], str] = field(default_factory=dict)  # the closure that closed a conjunct's last box

    def affords(self, name: str) -> bool:
        """Whether box closure ``name`` may run on the next box: one of the boxes' own bounds
        (:data:`~paper_checks.prover.schedule.BOX_BASE`), its first call, or its work over the boxes so far within
        :data:`~paper_checks.prover.schedule.BOX_RATIO` times theirs once it has closed a box of this proof
        (:data:`~paper_checks.prover.schedule.BOX_RATIO_UNEARNED` times until then). A box that is not split again
        (:func:`_narrow`) runs every closure whatever this says: Redheffer's double zero at ``pi``, which only the
        second order closes, left two such boxes open where the second order had closed nothing before them."""
        spent, closed = self.box_work.get(name), self.counters.get(name, {}).get("boxes_closed", 0)
        return name in schedule.BOX_BASE or spent is None or spent <= schedule.box_ratio(closed) * self.box_base

    def spent_on_box(self, name: str, spent: float) -> None:
        """Book ``spent`` units of a box step of closure ``name`` for :meth:`affords`."""
        if name in schedule.BOX_BASE:
            self.box_base += spent
        else:
            self.box_work[name] = self.box_work.get(name, 0.0) + spent

    def count(self, name: str, spent: float, closed: bool, piece: bool = False) -> None:
        """One call of closure ``name``: ``spent`` work units, and whether it closed a box (``piece``: a conjunct)."""
        c = self.counters.setdefault(name, {"calls": 0, "work": 0.0, "boxes_closed": 0, "pieces_closed": 0})
        c["calls"] += 1
        c["work"] += spent
        c["boxes_closed"] += int(closed and not piece)
        c["pieces_closed"] += int(closed and piece)

    def push(self, key: float, i: int, j: int, path: str, box: Box) -> None:
        self.seq += 1
        heapq.heappush(self.heap, (key, self.seq, i, j, path, box))


def _traced_pieces(st: _State) -> list[_Piece]:
    """The traced pieces (one outside the constraint left out); ``st.constraint_read``: read on each of them."""
    out, space = [], st.space
    for pc in pieces(space):
        if st.work.left() < 0:
            raise TimeoutError("the work budget ran out while tracing the margin on the pieces of the domain")
        t, coords = trace(space, dict(pc.integers), dict(pc.eliminated))
        narrowed = piece_box(space, pc, coords)  # constraint.py
        st.constraint_read &= narrowed.read
        if (base := narrowed.box) is None:  # the guards of the margin as traced: no rewrite widens its domain
            continue
        rels = traced_relations(narrowed.relations, t.symbols)
        st.constraint_read &= rels is not None
        parts, gs = conjuncts(t), guards(t.expr, anchor(base, coords) or None)
        out.append(_Piece(pc, coords, parts + [compile_traced(g.expr, t.symbols) for g in gs],
                          base, [str(c.symbol) for c in coords], margins=len(parts), guards=gs,
                          relations=rels or []))
    return out


def _undefined(st: _State, pc: _Piece, guards_: list[Guard], x: list[Fraction]) -> ProofResult | None:
    """Outcome ``undefined`` where a node of ``guards_`` is not real or not defined, exactly, at the free
    coordinates ``x`` of piece ``pc`` or a point near it
    (:func:`paper_checks.prover.tracing.defined.find_undefined`)."""
    found = find_undefined(guards_, pc.base, pc.coords, x)
    if found is None:
        return None
    at, g, why = found
    point = exact_point(st.space, pc.piece, pc.coords, at)
    if not st.space.constraint_holds_exactly(point):  # no point of the domain: its constraint leaves it out
        return None
    where = ", ".join(f"{k} = {jsonable(v)}" for k, v in point.items())
    reason = (f"the margin is not real or not defined at {where}: {why}; it is undefined on part of the domain, so "
              "no proof exists there; would decide: a domain on which the margin is real, or a margin defined on the "
              "whole domain")
    return ProofResult(ProofOutcome.UNDEFINED, st.boxes, st.budget, 0.0, reason=reason,
                       undefined=Undefined(point, str(g.node), why, pc.piece, list(at)))


def _counterexample(st: _State, pc: _Piece, x: list[Fraction], j: int = 0) -> ProofResult | None:
    """The shrunk counterexample at free coordinates ``x`` when conjunct ``j`` of the margin fails there exactly
    (for a guard, ``j >= pc.margins``: outcome ``undefined`` where its node is not real there)."""
    if j >= pc.margins:
        return _undefined(st, pc, [pc.guards[j - pc.margins]], x)
    point = exact_point(st.space, pc.piece, pc.coords, x)
    try:
        status_, text, val = verify(st.space, point)
    except (TypeError, ValueError, ArithmeticError) as exc:  # a value the exact evaluation cannot read (complex)
        status_, text, val = f"error: {type(exc).__name__}: {exc}", "", math.nan
    if status_ != "fails":
        if status_.startswith("error"):
            st.notes.append(f"exact evaluation at a probed point: {status_}")
            found = _undefined(st, pc, pc.guards, x) if pc.guards else None
            if found is not None:
                return found
            if st.unreal is None:
                st.unreal = not_real_text(st.space, point)
        return None
    small, steps, done = Shrinker(st.space, point, st.shrink_evals).run()
    s2, text2, val2 = verify(st.space, small)
    if s2 == "fails":
        point, text, val = small, text2, val2
    notes = [] if done else [f"shrinking stopped after {st.shrink_evals} exact evaluations ({steps} steps)"]
    return ProofResult(ProofOutcome.COUNTEREXAMPLE, st.boxes, st.budget, 0.0, counterexample=point, exact_margin=text,
                       exact_margin_value=val, shrink_steps=steps, notes=notes)


def _probe(st: _State, pc: _Piece, t: Traced, box: Box, j: int) -> ProofResult | None:
    """Evaluate conjunct ``j`` at the box's centre; verify and shrink it where it is negative."""
    c = centre(box)
    if t.value(intervals([(x, x) for x in c])).b < 0:
        return _counterexample(st, pc, c, j)
    return None


def _narrow(box: Box, base: Box) -> bool:
    return all(hi - lo <= (b1 - b0) / 2 ** MAX_DEPTH for (lo, hi), (b0, b1) in zip(box, base))


def _step(st: _State, pcs: list[_Piece]) -> ProofResult | None:
    """Process the open box of lowest bound: probe its centre, close it (the closures of its stage, cheapest first,
    :mod:`paper_checks.prover.closures`, each for at most its share of the work left, ``"box step"``
    in :data:`~paper_checks.prover.schedule.SHARES`), or split it."""
    key, _, i, j, path, box = heapq.heappop(st.heap)
    pc = pcs[i]
    st.boxes += 1
    where = status(box, pc.coords)
    written = pc.written[j] if j < len(pc.written) else pc.parts[j]
    per_step = BOX_STEP_WORK[0] + BOX_STEP_WORK[1] * _nodes(st, i, j, pc.parts[j].expr)
    meter.charge(per_step)  # the box itself: its status, its centre, its split
    st.box_base += per_step
    goal = BoxGoal(where, pc.parts[j], written, pc.coords, pc.base, pc.names, (i, j), box, st.tight, st.work.stop,  # type: ignore[arg-type]
                   relations=pc.relations)
    smear, bounded, last = None, False, _narrow(box, pc.base)  # last: not split again, so every closure runs on it
    if where == "inside":  # a box's centre first: a closure's step costs far more than one value
        found = _probe(st, pc, pc.parts[j], box, j)
        if found is not None:
            return found
    for method in _first(closures.for_stage(where), st.closer.get((i, j))):
        if not method.applies(goal) or not (last or st.affords(method.name)):
            continue
        now = meter.now()
        cap = st.work.share(schedule.share("box step"), least=BOX_STEP_MIN_WORK)
        cl, overran = timed_step(method, goal, cap)
        if not method.timed:
            meter.charge(per_step)
        st.count(method.name, meter.now() - now, cl is not None and cl.closed)
        st.spent_on_box(method.name, meter.now() - now)
        if overran and st.work.over():  # the box stays open; the loop stops at the work budget
            _overran(st, method, i, j)
            st.push(key, i, j, path, box)
            return None
        if cl is None:  # nothing closed, or the step ran past its share (the box is split)
            continue
        if cl.fails is not None:
            found = _counterexample(st, pc, cl.fails, j)
            if found is not None:
                return found
        if cl.closed:
            st.records.append(Record(i, j, path, cl, form=method.form))
            st.closer[(i, j)] = method.name
            return None
        if not bounded:  # the bounding step's lower bound orders the box, its smear says where to split it
            bounded, smear = True, cl.smear
            if where == "inside":
                key = cl.lower
    if last:
        st.stuck.append((i, j, path, box, key))
        return None
    t = pc.parts[j]  # a box partly outside the simplex is split along any coordinate: it must come inside
    depends = [sym in t.expr.free_symbols for sym in t.symbols] if where == "inside" else None
    k, left, right = split(box, pc.base, smear, depends)
    st.push(key, i, j, path + f"{k}L", left)
    st.push(key, i, j, path + f"{k}R", right)
    return None


def _first(methods: tuple[Method, ...], name: str | None) -> tuple[Method, ...]:
    """``methods`` with the one named ``name`` (the closure that closed the conjunct's last box) moved to the front:
    neighbouring boxes of a conjunct are closed alike (the margin as written, where its normal form enclosed worse)."""
    return tuple(sorted(methods, key=lambda m: m.name != name)) if name else methods


def _nodes(st: _State, i: int, j: int, expr: Any) -> int:
    """The nodes of conjunct ``j`` of piece ``i`` as the boxes see it (counted once): what one interval step costs."""
    return st.sizes.setdefault((i, j, id(expr)), sum(1 for _ in sympy.preorder_traversal(expr)))


def _overran(st: _State, method: Method, i: int, j: int) -> None:
    """Note a step stopped at its share of the work budget (the proof then ends ``undecided``, the step named), one
    note a closure counting its conjuncts (168 one-line notes for ``gce18.eq7_bounds`` at 2 units before)."""
    st.stage = st.overran = f"the closure {method.name} on piece {i}, conjunct {j}"
    at, first, n = st.stopped.setdefault(method.name, (len(st.notes), st.stage, 0))
    st.stopped[method.name] = (at, first, n + 1)
    st.notes[at:at + (n > 0)] = [f"{first} did not finish within the work budget: it was stopped" if not n else
                                 f"{first} and {n} more conjuncts did not finish within the work budget: each stopped"]


def _exact_first(st: _State, pcs: list[_Piece], i: int, j: int) -> ProofResult | None:
    """Decide conjunct ``j`` of piece ``i`` before any box where it can be (the closures of the stage
    ``piece``, cheapest first: normal form, real roots, z3, ...): a record of the whole piece, a
    counterexample, or its boxes queued on the margin as the steps rewrote it. The closures of
    :data:`~paper_checks.prover.schedule.POOLED` share one pool: one that spends it leaves the boxes the rest."""
    pc = pcs[i]
    traced = pc.parts[j]
    goal = PieceGoal(traced, pc.coords, pc.base, [list(g) for g in groups(pc.coords).values()], st.work,
                     relations=pc.relations)
    pool: Budget | None = None  # the closures of one shape's pool (schedule.POOLED), from the first that applies
    try:
        for method in closures.for_stage("piece"):
            if not method.applies(goal):
                continue
            pooled = method.name in schedule.POOLED
            if pooled and pool is None:
                pool = st.work.share(schedule.share("pooled"))
            if pooled and pool is not None and pool.over():  # the pool is spent: the boxes get the rest
                continue
            goal.budget = pool if pooled and pool is not None else st.work
            now = meter.now()
            out, overran = timed_step(method, goal, goal.budget)
            goal.budget = st.work
            st.count(method.name, meter.now() - now,
                     out is not None and out.closure is not None and out.closure.closed, piece=True)
            if overran and pooled and not st.work.over():  # it spent the pool: the next ones may still close
                continue
            if overran:
                _overran(st, method, i, j)
                break
            if out is None:
                continue
            if out.closure is not None and out.closure.closed:
                if out.problem is not None:
                    st.problems[(i, j)] = out.problem
                if "subproof" in goal.memo:  # the record of the sub-proofs that closed it, for the re-check
                    st.subproofs[(i, j)] = goal.memo["subproof"]
                st.records.append(Record(i, j, "", out.closure))
                return None
            for x in out.candidates:
                found = _counterexample(st, pc, x, j)
                if found is not None:
                    if out.found_by:
                        found.notes.append(out.found_by)
                    return found
    finally:
        pc.reductions.append(goal.reduction or Reduction(traced.expr, traced.expr, "as written"))
        pc.written.append(traced)
        pc.parts[j] = goal.t
    if goal.t is not traced and _nodes(st, i, j, goal.t.expr) > _nodes(st, i, j, traced.expr) \
            and _bounded(traced, pc.base):
        # the boxes and sweeps take the smaller form: the normal form put over one denominator multiplies every other
        # term by it, and its interval bounds lose what the margin as written keeps (MetiTarski's exp-362-100c,
        # exp-362-60b and atan-problem-2-sqrt-weakT2, undecided at 22.5 units on the normal form, are proved on the
        # margin as written; session 42, benchmarks/RESULTS.md). Not where the margin as written has no finite
        # enclosure on the piece: a 0/0 or oo - oo the normal form removes (cosec's 1/sin(x)^2 - 1/x^2 at 0) would
        # stay for every box at its end
        pc.parts[j] = traced
        pc.reductions[-1] = Reduction(traced.expr, traced.expr, "as written")
    st.push(-math.inf, i, j, "", list(pc.base))
    return None


def _bounded(t: Traced, box: Box) -> bool:
    """Whether conjunct ``t`` has a finite interval enclosure on ``box`` (no pole, no ``0/0``, no ``oo - oo`` there as
    it is written)."""
    try:
        v = t.value(intervals(box))  # an mpmath interval, its ends intervals of width 0
        return math.isfinite(float(v.a.a)) and math.isfinite(float(v.b.b))
    except (ArithmeticError, ValueError, TypeError, OverflowError, AttributeError):
        return False


def _as_written(st: _State, pcs: list[_Piece], i: int, j: int) -> None:
    """Conjunct ``j`` of piece ``i`` to the boxes as traced (``exact_first=False``)."""
    t = pcs[i].parts[j]
    pcs[i].reductions.append(Reduction(t.expr, t.expr, "as written"))
    pcs[i].written.append(t)
    st.push(-math.inf, i, j, "", list(pcs[i].base))


def _open_volume(st: _State, pcs: list[_Piece]) -> float:
    """The open boxes' volume, each as a share of its piece's (summed over the pieces and conjuncts)."""
    total = 0.0
    for i, box in [(h[2], h[5]) for h in st.heap] + [(s[0], s[3]) for s in st.stuck]:
        total += math.prod(float((hi - lo) / (b1 - b0)) for (lo, hi), (b0, b1) in zip(box, pcs[i].base) if b1 > b0)
    return total


def _sweep_open(st: _State, pcs: list[_Piece], span: float = 1.0) -> ProofResult | None:
    """Try each conjunct that still has open boxes, on a piece with a real coordinate, by monotonicity in one
    coordinate over the whole piece (:class:`~paper_checks.prover.sweeps.sweep.MonotoneSweep`): its
    normal form, then the margin as written where it differs, each with a share of the sweeps' work (the normal form
    may scale it by a positive factor that depends on the coordinate, ``q (1 - p^q)/q``: monotone as written, not so
    scaled). One that closes replaces its boxes by one record of the whole piece; a point of a face where it fails is
    verified, shrunk. ``span``: the share of the work left before the sweeps' end."""
    method = closures.by_method("monotone sweep")
    sweeps = st.work.share(span)
    until = sweeps.stop
    for i, j in sorted({(h[2], h[3]) for h in st.heap} | {(s[0], s[1]) for s in st.stuck}):
        pc = pcs[i]
        written = pc.written[j] if j < len(pc.written) else pc.parts[j]
        forms = [("", pc.parts[j])] + ([("written", written)] if distinct(pc.parts[j].expr, written.expr) else [])
        for k, (form, t) in enumerate(forms):
            if meter.now() > until:
                return None
            allowed = sweeps.share(schedule.share("sweep of the first form")) if k < len(forms) - 1 else sweeps
            goal = PieceGoal(t, pc.coords, pc.base, [list(g) for g in groups(pc.coords).values()], allowed)
            if method is None or not method.applies(goal):
                break
            begun = meter.now()
            out, _ = timed_step(method, goal, allowed)  # a kink the sweep cannot differentiate closes nothing
            st.count(method.name, meter.now() - begun, out is not None and out.closure is not None, piece=True)
            if out is None:
                continue
            if out.closure is None:
                for x in out.candidates:
                    found = _counterexample(st, pc, x, j)
                    if found is not None:
                        found.notes.append(out.found_by)
                        return found
                continue
            st.subproofs[(i, j)] = goal.memo["subproof"]
            st.heap = [h for h in st.heap if (h[2], h[3]) != (i, j)]
            heapq.heapify(st.heap)
            st.stuck = [s for s in st.stuck if (s[0], s[1]) != (i, j)]
            st.records = [r for r in st.records if (r.piece, r.part) != (i, j)]
            st.records.append(Record(i, j, "", out.closure, form=form))
            st.notes.append(f"piece {i}, conjunct {j}: closed by monotonicity in {goal.memo['subproof'].name} over the "
                            f"whole piece{' (the margin as written)' if form else ''} ({out.closure.exact})")
            break
    return None


def _undecided(st: _State, pcs: list[_Piece], reason: str, start: float) -> ProofResult:
    remaining = gather.remaining(st, pcs, alarm_grace=ALARM_GRACE)
    g = remaining.get("gathering", {})
    if "case" in g:
        reason += (f"; the open boxes gather {g['where']} around {g['centre']} (margin {g['margin_at_centre']}, "
                   f"gradient {g['gradient_at_centre']}): {g['case']}; would decide: {g['would_decide']}")
    return ProofResult(ProofOutcome.UNDECIDED, st.boxes, st.budget, time.monotonic() - start, reason=reason,
                       remaining=remaining, notes=st.notes)


def _ended(st: _State, pcs: list[_Piece], start: float) -> ProofResult:
    """The outcome once the loop stops without a counterexample."""
    if st.heap:
        spent = (f"the budget of {st.budget} boxes" if st.boxes >= st.budget
                 else f"the most boxes the prover holds in memory, {MAX_BOXES}," if st.boxes >= MAX_BOXES
                 else f"the work budget of {st.work.size:.3g} units")
        stopped = f" (it stopped {st.overran})" if st.overran else ""
        return _undecided(st, pcs, f"{spent} ran out{stopped} with {len(st.heap) + len(st.stuck)} boxes open", start)
    if st.stuck:
        return _undecided(st, pcs, f"{len(st.stuck)} boxes narrower than 2^-{MAX_DEPTH} of their piece stayed open, "
                          "where first-order bounds cannot close them", start)
    cert = Certificate(st.space.description, [pc.piece for pc in pcs],
                       [[str(r.original) for r in pc.reductions] for pc in pcs],
                       st.records, time.monotonic() - start, not st.constraint_read, list(st.notes),
                       reductions=[list(pc.reductions) for pc in pcs], problems=dict(st.problems),
                       subproofs=dict(st.subproofs), margins=[pc.margins for pc in pcs])
    cert.notes += [n for n in undefined_notes(cert.reductions) if n not in cert.notes]
    if cert.constraint_ignored:
        cert.notes.append("the domain's constraint was not used: the proof covers the whole box, a superset")
    return ProofResult(ProofOutcome.PROVED, st.boxes, st.budget, cert.seconds, certificate=cert, notes=list(cert.notes))


def prove(space: SearchSpace, budget: int = 20000, seconds: float | None = 30.0, *, work: float | None = None,
          shrink_evals: int = SHRINK_EVALS, search_first: int = 0, seed: int = 0,
          exact_first: bool = True) -> ProofResult:
    """Prove ``space.exact_margin >= 0`` on the whole declared domain, or refute it exactly.

    Parameters
    ----------
    space : the domain and margins (the same ``SearchSpace`` the search takes; ``exact_margin``
        is required and must be traceable on SymPy symbols)
    budget : the most boxes processed (at least 1; whatever the budget, at most :data:`MAX_BOXES`, so that
        memory stays bounded: a run stopped there says so)
    seconds : the wall-clock net, a positive number up to :data:`paper_checks.deadline.MAX_SECONDS`, counted from
        the call's first line (the process's warm-up included), or ``None``: :func:`paper_checks.work.net_for`
        ``work`` (a sub-proof inside a proof arms none: the outer net holds). It only interrupts: when it comes the
        result is ``undecided`` with :attr:`ProofResult.interrupted` (the reason's first words "interrupted by the
        wall-clock net at work W of B"), the one result that depends on the machine, never another answer
    work : the work budget in units of :mod:`paper_checks.work` (counted, the same on every machine): every
        choice of the schedule is a share of it, and the proof stops when it is spent (a step that cannot stop
        itself, :data:`ALARM_GRACE` units later). ``None``: :data:`~paper_checks.prover.inputs.WORK_PER_SECOND`
        times ``seconds``
    shrink_evals : the most exact evaluations spent shrinking a counterexample
    search_first : margin evaluations of a counterexample search run first (0: none; at least 10
        otherwise): in many dimensions sampling finds a failing region sooner than boxes do. Any number: the
        search streams its samples in bounded memory and stops after its share of ``work`` (``"search first"``
        in :data:`~paper_checks.prover.schedule.SHARES`)
    seed : the search's random seed
    exact_first : decide each piece symbolically first (normal form, identities, factors of known sign,
        real roots / z3 for polynomial margins: :mod:`paper_checks.prover.tracing.normal`,
        :mod:`paper_checks.prover.algebraic.solver`); False: boxes only, on the margin as written (for comparison)

    Returns
    -------
    ProofResult: ``proved`` with a :class:`~paper_checks.prover.certificate.Certificate`,
    ``counterexample`` (exact, shrunk), ``undefined`` (``undefined``: an exact point of the domain where a node of
    the margin is not real, :mod:`paper_checks.prover.tracing.defined`) or ``undecided`` (``reason``, ``remaining``).
    Every result records the work it spent and its budget (``work``, ``work_budget``) and what each closure cost
    (``counters``).
    """
    begun = time.monotonic()  # the net counts from here: the process's warm-up is in it
    budget, seconds, work = inputs.prove_arguments(space, budget, seconds, search_first, seed, shrink_evals, work)
    top = not outset.inside()
    token = outset.INSIDE.set(True)
    at: dict[str, float] = {}
    try:
        # one net per call, at the top (a sub-proof arms none): ``seconds``, or a generous one for a work budget
        with outset.net(seconds if seconds is not None or not top else meter.net_for(work)) as net:
            try:
                with meter.metered(), outset.fixed_random(top):
                    if top:  # a proof starts from the same memory wherever it runs: nothing kept from an earlier one
                        process.warm_up()
                        outset.forget()
                    at["counted"] = meter.now()

                    def rung(allowance: float) -> ProofResult:
                        return _charted(space, budget, seconds, allowance, shrink_evals, search_first, seed,
                                        exact_first)
                    # the top proof deepens its work (deepening.py); a sub-proof is one rung of its caller's
                    res = deepening.deepened(rung, work) if top else rung(work)
            except OutOfTime:
                if not net.own:
                    raise
                net.fired = True  # the call's own net: whatever raised it, no answer (never an unbound result)
        if net.own and net.fired:  # the net came: no answer, said as such (whatever the proof had found so far)
            return ProofResult.by_the_net(budget, time.monotonic() - begun,
                                          meter.now() - at.get("counted", meter.now()), work, net.seconds)
        return res
    finally:
        outset.INSIDE.reset(token)


def _charted(space: SearchSpace, budget: int, seconds: float | None, work: float, shrink_evals: int,
             search_first: int, seed: int, exact_first: bool) -> ProofResult:
    """:func:`prove` after its arguments are checked, with the meter running and the wall-clock net armed."""
    began = meter.now()
    bounded, told, _ = charts.chart(space, work)  # a two-coordinate constraint, a half-line: onto boxes
    if bounded is not space:
        left = max(work - (meter.now() - began), inputs.LEAST_WORK)
        return told(_charted(bounded, budget, seconds, left, shrink_evals, search_first, seed, exact_first))
    start = time.monotonic()
    stop = meter.now() + work
    st = _State(space, budget, Budget(meter.now(), stop), shrink_evals)
    st.tight = Tight(st.work.stop, st.notes)
    try:  # the meter stops a step that cannot stop itself (one SymPy call, a trace): what finished is kept
        # the boxes are charged, steps counted; no limit inside reads the clock: the one net is the call's
        # (outset.net), and its OutOfTime passes through to the call that armed it
        with meter.limit(work + ALARM_GRACE, error=OutOfWork, count=False):
            res = _run(st, search_first, seed, exact_first, start)
    except OutOfWork:
        reason = (f"the work budget of {work:g} units ran out in {st.stage}, a step that could not stop itself (it "
                  "was stopped)")
        remaining: dict[str, Any] = {}
        with contextlib.suppress(OutOfWork), meter.limit(ALARM_GRACE / 2, error=OutOfWork):
            if st.pcs is not None:
                remaining = gather.remaining(st, st.pcs, gather=False, alarm_grace=ALARM_GRACE)
        res = ProofResult(ProofOutcome.UNDECIDED, st.boxes, budget, time.monotonic() - start, reason=reason,
                          remaining=remaining, notes=st.notes)
    res.work, res.work_budget = round(st.work.spent(), 6), work
    res.counters = {k: dict(v, work=round(v["work"], 6)) for k, v in sorted(st.counters.items())}
    return res


def _run(st: _State, search_first: int, seed: int, exact_first: bool, start: float) -> ProofResult:
    """:func:`prove` after its arguments are checked, under its alarm; ``st.stage`` says what it is doing.

    A counterexample of the search run first is the answer at once where the margin has no node that may be
    undefined on the domain (no guard); otherwise it is held while the proof of the guards alone (the margin's own
    conjuncts are not run) spends at most :data:`HELD_WORK` units, which ends ``undefined`` where it finds the
    margin not real on part of the domain (``x^x`` on ``(-1, 1)`` is -1 at ``x = -1``, and not real on most of
    ``(-1, 0)``: that says more), and the held counterexample is the answer where the proof finds neither.

    z3 first on its fragment: a margin whose every conjunct is polynomial, rational, radical or piecewise
    (:func:`paper_checks.prover.algebraic.fragment.in_fragment`) is traced first and decided exactly (z3 gives a
    counterexample as a model, verified exactly) before any search; the search runs after the exact stage only
    where that left something open (issue 60: the search first was 90 % of such a proof's time)."""
    later = 0
    if search_first and _algebraic(st):
        later = search_first
    elif search_first:
        st.stage = "the counterexample search run first"
        st.held = searched.search_first(st.space, search_first, seed, start,
                                        st.work.part(schedule.share("search first")))
        if st.held is not None:
            st.held.budget = st.budget
        elif st.work.left() < 0:
            return ProofResult(ProofOutcome.UNDECIDED, 0, st.budget, time.monotonic() - start, notes=st.notes,
                               reason=f"the work budget of {st.work.size:g} units ran out in the "
                                      "counterexample search run first")
    res = _proof(st, exact_first, start, later, seed)
    # the proof's own answer replaces the held counterexample only where it says more: the margin is undefined on
    # part of the domain. Another counterexample of the proof's is no more true, and which of the two comes first in
    # the proof's short run is a close race of counted work that SymPy's hash order can tip (issue 60)
    held = st.held
    if held is not None and res.outcome != "undefined" and not searched.also_undefined(res):
        held.seconds = time.monotonic() - start
        return held
    return res


def _algebraic(st: _State) -> bool:
    """Whether every conjunct of every traced piece is in z3's fragment (the pieces are traced here, once, for
    :func:`_proof`; a margin that cannot be traced is not, and :func:`_proof` says why)."""
    st.stage = "tracing the margin"
    try:
        st.pcs = _traced_pieces(st)
    except (Untraceable, ValueError, TimeoutError, RecursionError):
        return False
    return bool(st.pcs) and all(fragment.in_fragment(t.expr, t.symbols) for pc in st.pcs for t in pc.parts)


def _hold(st: _State, pcs: list[_Piece]) -> None:
    """With a counterexample held, the proof decides the guards alone, for :data:`HELD_WORK` units: the margin's
    own conjuncts leave the boxes (whether the margin is real is all that can say more than the counterexample)."""
    st.work = st.work.until(meter.now() + HELD_WORK)
    st.heap = [e for e in st.heap if e[3] >= pcs[e[2]].margins]
    heapq.heapify(st.heap)
    st.stuck = [e for e in st.stuck if e[1] >= pcs[e[0]].margins]


def _proof(st: _State, exact_first: bool, start: float, later: int = 0, seed: int = 0) -> ProofResult:
    """The proof after the search run first (``st.held``: its counterexample, at once where no piece has a guard);
    ``later``: the evaluations of a search run after the exact stage instead (z3 first on its fragment)."""
    budget = st.budget
    st.stage = "tracing the margin"
    try:
        st.pcs = pcs = st.pcs if st.pcs is not None else _traced_pieces(st)
    except (Untraceable, ValueError, TimeoutError) as exc:
        return ProofResult(ProofOutcome.UNDECIDED, 0, budget, time.monotonic() - start, reason=str(exc))
    except RecursionError:
        return ProofResult(ProofOutcome.UNDECIDED, 0, budget, time.monotonic() - start,
                           reason="the traced margin is too deeply nested to compile")
    if st.held is not None:
        if not any(pc.guards for pc in pcs):
            return st.held
        # the guards' proof finds a point where the margin is not real in well under a second
        _hold(st, pcs)
    try:
        for i, pc in enumerate(pcs):
            # with a counterexample held, only the guards are decided: whether the margin is real is all that
            # can say more than the counterexample, and the margin's own closures would race it (issue 60)
            for j in range(pc.margins if st.held is not None else 0, len(pc.parts)):
                st.stage = f"deciding piece {i}, conjunct {j} exactly first (normal form, solver)"
                late = st.work.left() < 0  # out of work: the rest go to the boxes, which stop at once
                found = _exact_first(st, pcs, i, j) if exact_first and not late else _as_written(st, pcs, i, j)  # type: ignore[func-returns-value]
                if found is not None:
                    return _found(st, found, start)
        if later and (st.heap or st.stuck):  # z3 first on its fragment left something open: now the search
            st.stage = "the counterexample search, after the exact stage"
            st.held = searched.search_first(st.space, later, seed, start, st.work.part(schedule.share("search first")))
            if st.held is not None:
                st.held.budget = st.budget
                if not any(pc.guards for pc in pcs):
                    return st.held
                _hold(st, pcs)
        sweeps, after_first = 0, 0.0
        boxes = st.work.share(1.0)
        while st.heap and st.boxes < min(budget, MAX_BOXES) and not st.work.over() \
                and st.unreal is None:
            if sweeps < 2 and boxes.past(schedule.share(SWEEP_STARTS[sweeps])):
                sweeps, st.stage = sweeps + 1, "a monotone sweep of the open conjuncts"
                # the second only where the boxes stalled since the first (exp_t <= exp: its open volume fell from
                # 65 % to 0.4 % meanwhile, and a second sweep would take the time the boxes need)
                if sweeps == 1 or _open_volume(st, pcs) > STALLED * after_first:
                    found = _sweep_open(st, pcs, schedule.share("sweep span"))
                    if found is not None:
                        return _found(st, found, start)
                after_first = _open_volume(st, pcs) if sweeps == 1 else after_first
                continue
            st.stage = "the boxes"
            found = _step(st, pcs)
            if found is not None:
                return _found(st, found, start)
        if sweeps < 2 and st.stuck and not st.heap and st.unreal is None:  # no boxes left to run: all the time
            st.stage = "a monotone sweep of the open conjuncts"
            found = _sweep_open(st, pcs)
            if found is not None:
                return _found(st, found, start)
        if st.unreal is not None:
            return ProofResult(ProofOutcome.UNDECIDED, st.boxes, budget, time.monotonic() - start, reason=st.unreal,
                               remaining=gather.remaining(st, pcs, alarm_grace=ALARM_GRACE), notes=st.notes)
    except (Untraceable, ValueError, ArithmeticError, TypeError, NotImplementedError, RecursionError) as exc:
        st.stage = "reporting what is left"
        return _undecided(st, pcs, f"the prover stopped on {type(exc).__name__}: {exc}", start)
    st.stage = "reporting what is left"
    return _ended(st, pcs, start)


def _found(st: _State, found: ProofResult, start: float) -> ProofResult:
    if found.outcome == "undefined" and found.undefined is not None and "division by zero" in found.undefined.why:
        found = searched.failing_where_defined(st, found, start, schedule.share("search where defined"))
    found.seconds = time.monotonic() - start
    found.notes = st.notes + found.notes
    return found


subproblem.decided_by(prove=prove)  # the same prover decides the closures' sub-problems
outset.guarded(prove)  # its ``finally`` puts back whether a proof runs: never cut by the net
