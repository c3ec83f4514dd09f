"""A proved cutoff of an unbounded coordinate: its tails closed toward the poles of its chart, the rest a bounded
sub-problem in the coordinate's own value.

``sinh(x)^3 >= x^3 cosh x`` on ``(0, oo)`` (Lazarevic) is tight to the seventh order at ``x = 0`` and ``oo - oo`` at
``x = oo``. On a bounded interval such as ``[0, 3]`` the piece closures decide it at once (z3 over polynomial bounds
of ``exp``, 0.4 s), but on the half-line they meet the pole, and the boxes of the chart ``u`` meet the contact at 0
in ``u/(1 - u)``, whose seventh derivative is no longer small. So the step cuts the coordinate's chart interval at
``c = pole -+ 2^-k`` (``k = 1 .. MAX_CUTS``, the first that closes): the tail box ``[c, pole]`` is closed by
:func:`paper_checks.prover.sweeps.tail.closes` (Taylor's theorem toward the pole, or the dominant term of a derivative,
:mod:`paper_checks.prover.sweeps.dominance`), and the rest, the chart's values ``W`` on ``[lo, c]`` (rational at a
rational ``c``: ``u/(1 - u)`` at ``3/4`` is 3), is a sub-problem of the same prover in ``W`` itself, with the other
coordinates as they are. The margin in ``W`` is the margin with the chart node replaced by ``W``
(:func:`~paper_checks.prover.tracing.unbounded.in_value`): exactly the margin at every point of the piece whose chart
value is ``W``. An end that the piece leaves open stays open in ``W``. A margin even in the line's value (``m(-W) =
m(W)`` exactly: Polya's ``1 - e^(-4x^2/pi) - erf(x)^2``) is cut toward ``+oo`` only, the rest from ``W = 0``: the values
below 0 are the mirror image of those above. A tail that no Taylor cut closes is proved as a sub-problem of its own on
its half-line (A&S 7.1.13's upper bound of ``erfc``, monotone only from its maximum near ``x = 0.32`` on).

A counterexample of the sub-problem gives back the rational ``u`` nearest its ``W`` (exact for a half-line's chart),
verified on the margin by the caller. :func:`recheck` closes each tail box again at 120 bits with the derivatives
derived again, derives the sub-problem again and re-checks its certificate; it never trusts the run.

The closure here (:class:`CutOff`, registered for :mod:`paper_checks.prover.schedule`): a proved cutoff of an unbounded
coordinate (:mod:`paper_checks.prover.sweeps.cutoff`): each tail closed toward its chart's pole, the rest a bounded
sub-problem in the coordinate's own value (``sinh(x)^3 >= x^3 cosh x`` on ``(0, oo)``: the tail beyond ``x = 3``, then
``[0, 3]`` by z3 over polynomial bounds of ``exp``). Re-checked by closing the tails again at 120 bits and re-checking
the sub-problem's certificate (:func:`paper_checks.prover.sweeps.cutoff.recheck`).
"""
from __future__ import annotations

from dataclasses import dataclass, field, replace
from fractions import Fraction
from typing import Any

import sympy

from paper_checks import work
from paper_checks.deadline import TimedOut
from paper_checks.prover import schedule
from paper_checks.prover.budget import Budget
from paper_checks.prover.closures.base import Check, Outcome, PieceGoal, SubproofMethod, forms, recorded_form, register
from paper_checks.prover.enclosures.bound import Closure
from paper_checks.prover.enclosures.boxes import Box
from paper_checks.prover.subproofs.subproblem import nested, open_ends, proved_in, recheck_problem
from paper_checks.prover.sweeps.tail import closes, enclosed
from paper_checks.prover.tracing.symbols import Coordinate
from paper_checks.prover.tracing.trace import Traced, Untraceable, compile_traced, precision
from paper_checks.prover.tracing.unbounded import HalfChart, LineChart, coordinate, in_value, inverse, value_at
from paper_checks.search.params import SearchSpace

#: how many of these steps may nest (a cutoff's bounded sub-problem has no pole left to cut)
MAX_DEPTH = 1
#: the cuts tried toward each pole: ``2^-k`` of the chart's unit interval from it, ``k = 1 .. MAX_CUTS``
MAX_CUTS = 6
#: the cuts tried first with the margin's enclosure alone (one interval evaluation each, no derivative): ``k = 1 ..
#: ENCLOSED_CUTS``, out to ``2^24`` in the chart's value (a margin whose limit at the pole is 0.02 above 0 and its
#: terms ``O(W^-1/2)``, as MetiTarski's ``sin-problem-10-2``, closes from ``2^14`` on)
ENCLOSED_CUTS = 24
#: work units the cuts toward one pole may take, at least (the tail's derivatives of a margin that no cut closes took
#: 10 s), where the step's share of them (:data:`~paper_checks.prover.schedule.SHARES`, ``"CutOff cuts"``) is less
#: (Polya's bound of ``erf`` on the line needs 2 s of cuts: proved in 8.2 s at a 12 s limit until the cuts were held
#: to 1 s, undecided at 40 s since)
CUT_WORK = 1.0
#: and at most (a margin no cut closes spends it all, toward each pole)
CUT_MOST = 4.0
#: work units SymPy may spend on a margin's evenness (:func:`_even`)
EVEN_WORK = 1.0
#: interval precision (bits) of the tails' re-check
RECHECK_PREC = 120



@dataclass
class Cutoff:
    """A piece closed by cutting coordinate ``coordinate``'s chart at ``low_cut`` (toward ``-1``) and ``high_cut``
    (toward ``1``; None: no pole on that side), the tails closed toward the poles and ``margin`` (in the chart's value)
    proved on the rest, ``space``, by ``proof``."""

    coordinate: str
    low_cut: Fraction | None
    high_cut: Fraction | None
    margin: sympy.Expr
    space: SearchSpace
    proof: Any
    #: the tails proved as sub-problems of their own (pole -> (space, proof)), where no Taylor tail closed
    tails: dict[int, tuple[SearchSpace, Any]] = field(default_factory=dict)
    written: bool = False  # the margin as written (the normal form's original), not the normal form
    even: bool = False  # the margin even in the line's value: the rest from 0, the lower half its mirror image

    def why(self) -> str:
        cuts = ", ".join(f"{self.coordinate} = {c}" for c in (self.low_cut, self.high_cut) if c is not None)
        how = ("the tails closed toward the chart's poles" if not self.tails else
               f"{len(self.tails)} tail(s) proved as sub-problems on half-lines, the others closed toward the poles")
        mirror = " (the margin is even: the values below 0 are their mirror image)" if self.even else ""
        return f"cut at {cuts}: {how}, and {self.margin} >= 0 on the rest ({self.proof.boxes} boxes){mirror}"


@dataclass(frozen=True)
class Cut:
    """Coordinate ``i`` of the piece, charted by ``node``, whose poles the piece reaches at ``poles`` (a subset of
    ``(-1, 1)``)."""

    i: int
    node: sympy.Expr
    poles: tuple[int, ...]
    even: bool = False  # the margin even in the line's value: the pole at -1 and the values below 0 its mirror image


def unbounded(expr: sympy.Expr, symbols: list[sympy.Symbol], box: Box, coords: list[Coordinate]) -> Cut | None:
    """The first real coordinate that the margin reads through one chart node whose pole the piece reaches."""
    for i, (s, c, (lo, hi)) in enumerate(zip(symbols, coords, box)):
        if c.index or lo == hi:
            continue
        nodes = [n for n in expr.atoms(HalfChart, LineChart) if s in n.free_symbols]
        if len(nodes) != 1 or coordinate(nodes[0]) != s:
            continue
        node = nodes[0]
        if isinstance(node, HalfChart):
            poles = (1,) if node.args[0] == s and hi == 1 else (-1,) if node.args[0] == -s and lo == -1 else ()
        else:
            poles = tuple(p for p, end in ((-1, lo), (1, hi)) if end == p)  # type: ignore[assignment]
            if poles == (-1, 1) and _even(expr, node):  # type: ignore[comparison-overlap]
                return Cut(i, node, (1,), even=True)
        if poles:
            return Cut(i, node, poles)
    return None


def _even(expr: sympy.Expr, node: sympy.Expr) -> bool:
    """Whether the margin, written in the line chart's value ``W``, is the same at ``-W`` (exactly: SymPy's own
    canonical form, else ``expand`` of the difference to 0 within :data:`EVEN_WORK`)."""
    w = sympy.Dummy("w", real=True)
    m = in_value(expr, node, w)
    if m is None:
        return False
    flipped = m.xreplace({w: -w})
    if flipped == m:
        return True
    try:
        with work.limit(EVEN_WORK):
            return sympy.expand(flipped - m) == 0
    except (TimedOut, TypeError, ValueError, RecursionError):
        return False


def _tail_box(box: Box, i: int, pole: int, cut: Fraction) -> Box:
    out = list(box)
    out[i] = (cut, Fraction(pole)) if pole == 1 else (Fraction(pole), cut)
    return out


def _cut(t: Traced, box: Box, i: int, pole: int, until: Budget) -> Fraction | None:
    """The cut nearest the middle (``pole -+ 2^-k``, inside the piece) whose tail box the tail closes; None if none."""
    lo, hi = box[i]
    try:  # its own error: the tail's inner limits catch TimedOut and would go on past this one
        left = until.left()
        with work.limit(max(min(max(CUT_WORK, schedule.share("CutOff cuts") * left), CUT_MOST, left), 0.01),
                        error=CutOverran):
            for k in range(1, ENCLOSED_CUTS + 1):  # the enclosure alone first: cheap, and it needs no derivative
                c = Fraction(pole) - pole * Fraction(1, 2**k)
                if lo < c < hi and enclosed(t, _tail_box(box, i, pole, c)) is not None:
                    return c
            for k in range(1, MAX_CUTS + 1):
                c = Fraction(pole) - pole * Fraction(1, 2**k)
                if lo < c < hi and closes(t, _tail_box(box, i, pole, c)) is not None:
                    return c
    except CutOverran:
        pass
    return None


class CutOverran(BaseException):
    """The Taylor cuts of one pole ran past their limit (:data:`CUT_WORK`, the share ``"CutOff cuts"``; not the
    ``TimedOut`` of the tail's own inner limits, which the tail catches and goes on from)."""


def subproblem(expr: sympy.Expr, symbols: list[sympy.Symbol], coords: list[Coordinate], box: Box, cut: Cut,
               low: Fraction | None, high: Fraction | None
               ) -> tuple[list[sympy.Symbol], list[Coordinate], Box, sympy.Expr] | None:
    """The rest of the piece between the cuts ``low`` and ``high`` (None: the piece's own end) as a sub-problem in the
    chart's value ``W``: its symbols and coordinates (``W``'s ends open where the piece's are), its box (``W``'s
    interval in place of the coordinate's) and the margin written in ``W``; None where the margin reads the
    coordinate in a way ``W`` cannot write."""
    i, node = cut.i, cut.node
    u = symbols[i]
    lo, hi = box[i]
    a, b = low if low is not None else Fraction(0) if cut.even else lo, high if high is not None else hi
    opens = open_ends(u, a, b, coords[i])
    ends = sorted([(value_at(node, a), opens[0] and a == lo), (value_at(node, b), opens[1] and b == hi)],
                  key=lambda e: e[0])
    w = sympy.Symbol(f"{u}_value", real=True)
    margin = in_value(expr, node, w)
    if margin is None or u in margin.free_symbols:
        return None
    syms, crds, rest = list(symbols), list(coords), list(box)
    syms[i] = w
    crds[i] = Coordinate(w, str(w), (), (ends[0][0] if ends[0][1] else None, ends[1][0] if ends[1][1] else None))
    rest[i] = (ends[0][0], ends[1][0])
    return syms, crds, rest, margin


def _back(node: sympy.Expr, v: Fraction, end: tuple[Fraction, Fraction]) -> Fraction | None:
    """The rational coordinate nearest the one whose chart value is ``v`` (exact for a half-line's chart), inside
    the piece: a candidate, verified exactly by the caller."""
    u = inverse(node, sympy.Rational(v.numerator, v.denominator))
    if u is None:
        return None
    try:
        near = Fraction(str(sympy.N(u, 30))).limit_denominator(10**15) if not u.is_Rational else Fraction(
            int(u.p), int(u.q))
    except (TypeError, ValueError):
        return None
    return min(max(near, end[0]), end[1])


def _tail_cuts(pole: int, c: Fraction) -> tuple[Fraction | None, Fraction | None]:
    """The ``(low, high)`` cuts of :func:`subproblem` that leave the tail from ``c`` to ``pole``."""
    return (c, None) if pole == 1 else (None, c)


def _proved(expr: sympy.Expr, symbols: list[sympy.Symbol], coords: list[Coordinate], box: Box, cut: Cut,
            cuts: tuple[Fraction | None, Fraction | None], what: str, seconds: float
            ) -> tuple[sympy.Expr, SearchSpace, Any] | list[Fraction] | None:
    """The sub-problem between ``cuts`` proved: ``(margin, space, proof)``; or a point of the piece near where it
    found the margin negative (for the caller to verify); or None."""
    sub = subproblem(expr, symbols, coords, box, cut, *cuts)
    if sub is None:
        return None
    syms, crds, rest, margin = sub
    got = proved_in(margin, symbols, coords, rest, cut.i, syms[cut.i], what, seconds,
                    lambda v: _back(cut.node, v, box[cut.i]), crds[cut.i].open_at)
    return (margin, *got) if isinstance(got, tuple) else got


def cutoff(expr: sympy.Expr, symbols: list[sympy.Symbol], box: Box, budget: Budget, coords: list[Coordinate],
           apart: bool = True, cuts: dict[tuple[Any, ...], Fraction | None] | None = None
           ) -> Cutoff | list[Fraction] | None:
    """Close ``expr >= 0`` on the piece (``box``) by a cutoff of an unbounded coordinate (the module docstring); or
    a point of the piece near where a sub-problem found the margin negative (for the caller to verify); or None.
    ``apart``: a tail that no Taylor cut closes is proved as a sub-problem of its own (else None); ``cuts``: the
    Taylor cuts found so far by one step, ``(margin, pole) -> cut`` (None: none in its time), for its second try."""
    cuts = {} if cuts is None else cuts
    with nested("CutOff", budget, MAX_DEPTH) as stop:
        if stop is None:
            return None
        cut = unbounded(expr, symbols, box, coords)
        if cut is None:
            return None
        try:
            t = compile_traced(expr, symbols)
        except Untraceable:
            return None
        found: dict[int, Fraction | None] = {}
        for pole in cut.poles:
            key = (expr, pole)
            if key not in cuts:
                cuts[key] = _cut(t, box, cut.i, pole, stop)
            found[pole] = cuts[key]
            if found[pole] is None and not apart:
                return None
        tails: dict[int, tuple[SearchSpace, Any]] = {}
        lo, hi = box[cut.i]
        for pole in [p for p, c in found.items() if c is None]:  # no Taylor tail: the tail a sub-problem of its own
            c = Fraction(pole) - pole * Fraction(1, 2)
            if not apart:
                return None
            if not lo < c < hi:
                return None
            got = _proved(expr, symbols, coords, box, cut, _tail_cuts(pole, c),
                          f"{expr} beyond the cut of {symbols[cut.i]}", schedule.share("CutOff tail") * stop.left())
            if not isinstance(got, tuple):
                return got
            found[pole], tails[pole] = c, got[1:]
        low, high = found.get(-1), found.get(1)
        got = _proved(expr, symbols, coords, box, cut, (low, high), f"{expr} between the cuts of {symbols[cut.i]}",
                      stop.left())
        if not isinstance(got, tuple):
            return got
        return Cutoff(str(symbols[cut.i]), low, high, *got, tails=tails, even=cut.even)


def recheck(rec: Cutoff, expr: sympy.Expr, symbols: list[sympy.Symbol], box: Box, coords: list[Coordinate]
            ) -> list[str]:
    """Why ``rec`` does not close ``expr >= 0`` on ``box`` (empty: it does): each tail box closed again at
    :data:`RECHECK_PREC` bits with its derivatives derived again, and the sub-problem between the cuts derived again,
    its certificate re-checked."""
    cut = unbounded(expr, symbols, box, coords)
    if cut is None or str(symbols[cut.i]) != rec.coordinate:
        return ["the margin does not read the coordinate through a chart that reaches a pole again"]
    if cut.even != rec.even:
        return ["the margin is not even in the line's value again" if rec.even else "the margin's evenness differs"]
    cuts = {-1: rec.low_cut, 1: rec.high_cut}
    if {p for p, c in cuts.items() if c is not None} != set(cut.poles):
        return ["the cuts recorded are not one toward each pole of the piece"]
    t = compile_traced(expr, symbols)
    for pole in cut.poles:
        c = cuts[pole]
        lo, hi = box[cut.i]
        if c is None or not lo < c < hi:
            return [f"the cut {c} is not inside the piece"]
        if pole in rec.tails:
            sub = subproblem(expr, symbols, coords, box, cut, *_tail_cuts(pole, c))
            if sub is None:
                return [f"the tail beyond {rec.coordinate} = {c} is no sub-problem again"]
            syms, crds, rest, margin = sub
            bad = recheck_problem(*rec.tails[pole], margin, syms, crds, rest, "the cutoff's tail sub-problem")
            if bad:
                return bad
            continue
        with precision(RECHECK_PREC):
            if closes(t, _tail_box(box, cut.i, pole, c), fresh=True) is None:
                return [f"the tail beyond {rec.coordinate} = {c} does not close again"]
    sub = subproblem(expr, symbols, coords, box, cut, rec.low_cut, rec.high_cut)
    if sub is None or sub[3] != rec.margin:
        return ["the cutoff's sub-problem derived again is not the recorded one"]
    syms, crds, rest, margin = sub
    return recheck_problem(rec.space, rec.proof, margin, syms, crds, rest, "the cutoff's sub-problem")


def worth(expr: sympy.Expr) -> bool:
    """Whether the margin reads one coordinate only, through a chart (cheap): a margin of several coordinates takes
    its tails' derivatives in all of them, seconds a box, and its boxes close most tails of their own."""
    return expr.has(HalfChart, LineChart) and len(expr.free_symbols) == 1


@register
class CutOff(SubproofMethod):
    """An unbounded coordinate cut: its tails toward the poles, then the bounded rest."""

    methods = ("cutoff",)
    record = Cutoff
    find = staticmethod(cutoff)
    check_record = staticmethod(recheck)

    def applies(self, goal: PieceGoal) -> bool:
        return worth(goal.t.expr)

    def step(self, goal: PieceGoal) -> Outcome | None:
        """Each form with its tails closed toward the poles first (the normal form, then the margin as written where
        they differ); then one form with a tail that no Taylor cut closes proved as a sub-problem of its own: the margin
        as written, where the normal form may scale it by a positive factor that takes its tail's slope out of z3's
        fragment (``e^(x^2)`` times A&S 7.1.13's bound of ``erfc``, monotone as written)."""
        tried = [(e, written) for e, written in forms(goal) if not written or worth(e)]
        cuts: dict[tuple[Any, ...], Any] = {}
        for (expr, written), apart in [*((f, False) for f in tried), (tried[-1], True)]:
            rec = cutoff(expr, list(goal.t.symbols), goal.base, goal.budget, goal.coords, apart, cuts)
            if isinstance(rec, list):
                return Outcome(candidates=[rec], found_by=self.found_by)
            if rec is not None:
                rec = replace(rec, written=written)
                goal.memo["subproof"] = rec
                return Outcome(Closure(True, 0.0, self.methods[0], exact=rec.why()))
        return None

    def recheck(self, check: Check) -> list[str]:
        rec = check.subproof
        if not isinstance(rec, Cutoff):
            return [f"{check.where}: no cutoff recorded for the piece"]
        expr = recorded_form(check, rec.written)
        if expr is None:
            return [f"{check.where}: the cutoff of the margin as written is recorded, but no margin as written"]
        return [f"{check.where}: {p}" for p in recheck(rec, expr, list(check.t.symbols), check.base, check.coords)]
