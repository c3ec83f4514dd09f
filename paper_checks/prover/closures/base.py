"""What a closing method is: a :class:`Method` holds one way of closing a goal (its ``step``) and the independent
re-check of what that step recorded (its ``recheck``); :func:`register` enters it into the registry of
:mod:`paper_checks.prover.closures`.

Two kinds of goal:

- :class:`PieceGoal`: one conjunct of one piece, before any box (:class:`PieceMethod`, stage ``piece``): its
  step gives an :class:`Outcome`, a closure of the whole piece and/or exact points to verify as
  counterexamples; a step may also rewrite the conjunct for the later ones (the normal form does);
- :class:`BoxGoal`: one box of one conjunct (:class:`BoxMethod`, stages ``inside``, ``split`` (a box that
  leaves the simplex in part) and ``outside`` (no point of the piece's region)): its step gives a
  :class:`~paper_checks.prover.enclosures.bound.Closure` (closed, or for a bounding step its best bound) or None.

A certificate's record names its closure by the :class:`~paper_checks.prover.enclosures.bound.Closure`'s ``method``;
:meth:`Method.methods` lists the names a method records, so the re-check finds the method that made a record
by that name alone. Every box record is first evaluated exactly at the box's points (:func:`points_problems`)
before the method's own re-check (:meth:`BoxMethod.recheck_box`).
"""
from __future__ import annotations

import itertools
from abc import ABC, abstractmethod
from dataclasses import dataclass, field
from fractions import Fraction
from typing import Any, ClassVar

import sympy

from paper_checks import work
from paper_checks.prover.algebraic.solver import Problem, problem
from paper_checks.prover.budget import Budget
from paper_checks.prover.critical.tight import Tight
from paper_checks.prover.enclosures import clarke
from paper_checks.prover.enclosures.bound import Closure, intervals
from paper_checks.prover.enclosures.boxes import Box, groups, status
from paper_checks.prover.tracing.normal import Reduction, is_zero
from paper_checks.prover.tracing.trace import Coordinate, Traced, Untraceable, derivative

#: interval precision (bits) of the re-bounding in a re-check
RECHECK_PREC = 120
#: the most corners evaluated exactly per box in a re-check (then the centre and the low/high corners)
MAX_CORNERS = 64
#: the stages of a proof a method may close: a whole piece, a box inside its region, partly outside, outside
STAGES = ("piece", "inside", "split", "outside")


@dataclass
class PieceGoal:
    """One conjunct ``t`` of one piece, before any box: a step may replace ``t`` by an equivalent form
    (recording :attr:`reduction`) for the steps after it. ``budget``: the work its steps may spend (they end at its
    ``stop``)."""

    t: Traced
    coords: list[Coordinate]
    base: Box
    rows: list[list[int]]
    budget: Budget
    reduction: Reduction | None = None
    memo: dict[str, Any] = field(default_factory=dict)
    #: the domain's relations on the piece, traced: ``(t, strict)``, every point of the domain has ``t.expr >= 0``
    #: (``> 0``) (:func:`paper_checks.prover.tracing.constraint.piece_box`); a closure may take them as hypotheses
    relations: list[tuple[Traced, bool]] = field(default_factory=list)

    def problem(self) -> Problem | None:
        """The conjunct as a polynomial problem (:func:`~paper_checks.prover.algebraic.solver.problem`), computed
        once."""
        if "problem" not in self.memo or self.memo.get("problem_of") is not self.t:
            self.memo["problem"] = problem(self.t.expr, self.t.symbols, self.base, self.rows)
            self.memo["problem_of"] = self.t
        return self.memo["problem"]


@dataclass
class Outcome:
    """What a piece step found: ``closure`` (closed: the whole piece is proved), ``candidates`` (exact points
    in free coordinates to verify as counterexamples, ``found_by`` the note a verified one carries) and the
    polynomial ``problem`` a closure decided (kept in the certificate)."""

    closure: Closure | None = None
    candidates: list[list[Fraction]] = field(default_factory=list)
    found_by: str = ""
    problem: Problem | None = None


@dataclass
class BoxGoal:
    """One box of one conjunct ``t`` (``written``: the conjunct as traced, before its normal form) of one
    piece; ``stage`` is where the box lies (``inside``, ``split``, ``outside``:
    :func:`~paper_checks.prover.enclosures.boxes.status`), ``key`` (piece, conjunct), ``tight`` the proof's memory of
    the tight-margin closures."""

    stage: str
    t: Traced
    written: Traced
    coords: list[Coordinate]
    base: Box
    names: list[str]
    key: tuple[int, int]
    box: Box
    tight: Tight
    deadline: float
    #: the domain's relations on the piece, traced: ``(t, strict)`` with ``t.expr >= 0`` (``> 0``) at every point
    relations: list[tuple[Traced, bool]] = field(default_factory=list)


@dataclass
class Check:
    """A record to re-check: its ``closure``, the margin ``t`` it closed (the normal form, or as written), its
    ``box`` (the piece's for a piece closure), the piece's ``base`` box, names and coordinates, ``where`` (for
    messages), and what the certificate recorded for the conjunct (``reduction``, ``problem``)."""

    closure: Closure
    t: Traced
    box: Box
    base: Box
    names: list[str]
    coords: list[Coordinate]
    where: str
    reduction: Reduction | None = None
    problem: Problem | None = None
    subproof: Any = None  # the sub-proofs recorded for the conjunct (a sweep.Sweep, a simplex_sum.SimplexSum)
    relations: list[tuple[Traced, bool]] = field(default_factory=list)  # the piece's relations, derived again

    @property
    def rows(self) -> list[list[int]]:
        return [list(g) for g in groups(self.coords).values()]


class Method(ABC):
    """A closing method. ``methods``: the :attr:`Closure.method` names its records carry (unique across the
    registry). Where and when it runs is :mod:`paper_checks.prover.schedule`'s, by its class name."""

    methods: ClassVar[tuple[str, ...]] = ()
    #: ``"written"`` where the step closes the margin as traced rather than its normal form
    form: ClassVar[str] = ""
    #: whether the step may run long (SymPy work it cannot interrupt itself): :func:`timed_step` then stops it at
    #: the proof's time limit; False for a step of bounded cost (interval arithmetic on one box)
    timed: ClassVar[bool] = True

    @property
    def name(self) -> str:
        return type(self).__name__

    def applies(self, goal: Any) -> bool:
        """Whether the step may be tried on ``goal`` (a cheap test; the step may still close nothing)."""
        return True

    @abstractmethod
    def recheck(self, check: Check) -> list[str]:
        """The problems found re-deriving ``check``'s record without trusting the run (empty: it holds)."""


class PieceMethod(Method):
    """A closure of a whole piece before any box."""

    @abstractmethod
    def step(self, goal: PieceGoal) -> Outcome | None:
        """Decide ``goal`` where this method can: an :class:`Outcome`, or None (nothing found)."""


class SubproofMethod(PieceMethod):
    """A closure of a whole piece by problems of the same prover, each with its own certificate (a monotone sweep, a
    class sum, a simplex's vertices): ``find(expr, symbols, box, budget, coords)`` (``budget``: the step's
    :class:`~paper_checks.prover.budget.Budget`) gives its record (a ``record``
    with ``why()``), a list of exact free coordinates to verify as a counterexample, or None;
    ``check_record(record, expr, symbols, box, coords)`` re-checks a record, never trusting the run."""

    record: ClassVar[type]
    find: ClassVar[Any]
    check_record: ClassVar[Any]
    found_by: ClassVar[str] = "found by a sub-problem's proof, verified exactly and shrunk"

    def step(self, goal: PieceGoal) -> Outcome | None:
        rec = self.find(goal.t.expr, list(goal.t.symbols), goal.base, goal.budget, goal.coords)
        if rec is None:
            return None
        if isinstance(rec, list):
            return Outcome(candidates=[rec], found_by=self.found_by)
        goal.memo["subproof"] = rec
        return Outcome(Closure(True, 0.0, self.methods[0], exact=rec.why()))

    def recheck(self, check: Check) -> list[str]:
        if not isinstance(check.subproof, self.record):
            return [f"{check.where}: no {self.methods[0]} recorded for the piece"]
        return [f"{check.where}: {p}" for p in type(self).check_record(check.subproof, check.t.expr,
                                                                           list(check.t.symbols), check.base,
                                                                           check.coords)]


class BoxMethod(Method):
    """A closure of one box."""

    @abstractmethod
    def step(self, goal: BoxGoal) -> Closure | None:
        """A closed :class:`Closure`, None, or for a bounding step the unclosed closure with its best lower
        bound (and ``fails``: an exact point where the margin is negative; ``smear``: where to split)."""

    def recheck(self, check: Check) -> list[str]:
        return points_problems(check) or self.recheck_box(check)

    @abstractmethod
    def recheck_box(self, check: Check) -> list[str]:
        """The method's own re-check of a box, after the exact values at its points held."""


def forms(goal: PieceGoal) -> list[tuple[sympy.Expr, bool]]:
    """The piece's margin in the forms a closure tries, each with whether it is the margin as written: the normal form,
    then the margin as written where they differ (the normal form may scale the margin by a factor that hides its
    shape: Shafer's by ``1 + 2 sqrt(1 + x^2)``, monotone as written; two ratios put over one denominator)."""
    out = [(goal.t.expr, False)]
    if goal.reduction is not None and goal.reduction.original != goal.t.expr:
        out.append((goal.reduction.original, True))
    return out


def recorded_form(check: Check, written: bool) -> sympy.Expr | None:
    """The form a record was found on (:func:`forms`): the margin as written where ``written``, else the normal form;
    None where the record says as written and the re-check has no margin as written."""
    if not written:
        return check.t.expr
    return None if check.reduction is None else check.reduction.original


class StepOverran(BaseException):
    """A step ran past the proof's time limit (a ``BaseException``, and not the ``TimedOut`` of a step's own inner
    limits, so that neither ``except Exception`` nor a step's ``except TimedOut`` takes it)."""


def timed_step(method: Method, goal: Any, budget: Budget) -> tuple[Any, bool]:
    """``(method.step(goal), False)``, or ``(None, True)`` where the step did not finish within ``budget`` (its
    :class:`~paper_checks.prover.budget.Budget`: stopped by the work meter at its ``stop``, the same on every machine;
    z3 keeps its own ``rlimit``). The one place where the
    prover's steps are time-boxed; a step that must run in a child process that is killed uses
    :func:`paper_checks.prover.timebox.timebox` inside its ``step``. A step that raises
    :class:`~paper_checks.prover.tracing.trace.Untraceable` (it needs a derivative across a ``Max`` kink, say) closes
    nothing: ``(None, False)``, and the other methods go on."""
    stops = work.stops()
    try:
        if not method.timed:
            return method.step(goal), False  # type: ignore[attr-defined]
        left = budget.left()
        if left <= 0:
            return None, True
        with work.limit(left, error=StepOverran):
            return method.step(goal), False  # type: ignore[attr-defined]
    except StepOverran:
        return None, True
    except Untraceable:  # a step that needs what the margin lacks (a derivative across a kink): it closes nothing
        return None, False
    except Exception:
        # A stop can land inside a library's bare ``except:``, which swallows it and fails otherwise: mpmath's
        # interval comparison turns it into "'>=' not supported between instances of 'ivmpf' and 'int'". An error
        # raised once the count's stop came is that stop, not a defect of the margin; one raised once the call's
        # wall-clock net came is the net's, raised again: it interrupts the call, it never gives a step up
        from paper_checks.prover.outset import interrupt_if_fired  # (outset sits above the closures)

        interrupt_if_fired()
        if method.timed and (work.stops() != stops or budget.over()):
            return None, True
        raise


_REGISTERED: list[Method] = []


def register(cls: type[Method]) -> type[Method]:
    """Enter ``cls`` (one instance) into the registry (a class decorator)."""
    _REGISTERED.append(cls())
    return cls


def registered() -> list[Method]:
    return list(_REGISTERED)


# ------------------------------------------------------------------ the exact values every box record must have
def exact_at(t: Traced, x: list[Fraction]) -> Any:
    """The margin at the exact point ``x``: rational exactly, 30 digits otherwise."""
    try:
        val = t.expr.xreplace({s: sympy.Rational(v.numerator, v.denominator) for s, v in zip(t.symbols, x)})
    except (ValueError, TypeError):  # Max(0, 1 - zoo) at an unbounded domain's chart pole: no value there
        return sympy.nan
    if val.is_Rational:
        return val
    v = sympy.N(val, 30)
    if v.is_Float and abs(v) < 1e-25 and (is_zero(val) or is_zero(val.rewrite(sympy.erf))):
        # N of an exact 0 such as erfc(-5) - 1 + erf(-5) is -0E-169 (no digit known): 0, derived again
        return sympy.Integer(0)
    return v


def points(box: Box) -> list[list[Fraction]]:
    """The box's corners (at most :data:`MAX_CORNERS`), its low and high corners and its centre."""
    corners = list(itertools.islice(itertools.product(*box), MAX_CORNERS))
    return [*map(list, corners), [lo for lo, _ in box], [hi for _, hi in box], [(lo + hi) / 2 for lo, hi in box]]


def _monotone_problems(cl: Closure, t: Traced, box: Box, names: list[str]) -> str:
    """A recorded monotone step whose derivative has the wrong sign at a corner of the box (exactly), followed
    through the record's faces, its ``Max`` arguments and its kinks resolved on the box."""
    while cl is not None:
        if cl.method == "max" and cl.face is not None and t.alternatives:
            t, cl = t.alternatives[cl.argument or 0], cl.face
            continue
        if cl.method == "kink" and cl.face is not None:
            t, cl = t.resolved(intervals(box)), cl.face
            continue
        if not cl.fixed:
            break
        for name, end in cl.fixed.items():
            # where a kink crosses the box, one element of its generalised derivative: it has the recorded sign
            # wherever the whole enclosure has it (paper_checks.prover.enclosures.clarke)
            d = clarke.generalized_derivative(t.expr, t.symbols[names.index(name)], derivative)
            for x in points(box)[:MAX_CORNERS]:
                v = exact_at(Traced(d, t.symbols, t.value, None), x)
                if v.is_real and ((end == "low" and v < 0) or (end == "high" and v > 0)):
                    return f"the margin's derivative in {name} is {v} at a corner, against the recorded '{end}'"
        box = [((lo, lo) if cl.fixed.get(n) == "low" else (hi, hi) if cl.fixed.get(n) == "high" else (lo, hi))
               for n, (lo, hi) in zip(names, box)]
        cl = cl.face  # type: ignore[assignment]
    return ""


def points_problems(check: Check) -> list[str]:
    """The margin evaluated exactly at the box's points (those inside the simplex) must be ``>= 0`` and not
    below the record's lower bound; a recorded monotone step's derivative must not have the other sign."""
    for x in points(check.box):
        if check.coords and status([(a, a) for a in x], check.coords) != "inside":
            continue  # a corner of a box that leaves the simplex: no point of the domain
        v = exact_at(check.t, x)
        if v is sympy.oo or v is sympy.zoo or v is sympy.nan or v.has(sympy.AccumBounds, sympy.zoo, sympy.nan):
            # +oo (zoo for -log 0, nan for 0 log 0; atan(zoo) at an unbounded domain's chart pole) at a
            continue  # boundary point: no value to compare; the method's re-check still covers the box
        if v.is_real is False or not v.is_finite or v < 0 or v < check.closure.lower - 1e-12:
            return [f"{check.where}: exact margin {v} at {[str(a) for a in x]} is below 0 or the bound "
                    f"{check.closure.lower}"]
    bad = _monotone_problems(check.closure, check.t, check.box, check.names)
    return [f"{check.where}: {bad}"] if bad else []
