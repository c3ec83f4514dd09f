"""Shrinking a verified counterexample to the simplest failing point near it.

In the style of the Hypothesis reducer (MacIver & Donaldson 2020, "Test-case reduction via
test-case generation: insights from the Hypothesis reducer", ECOOP 2020): passes propose
candidate points, every candidate goes through one acceptance road,
:meth:`Shrinker.consider`, and the passes repeat until none changes the point (a fixed point)
or the budget of exact evaluations is spent. A candidate is accepted only when it lies in the
domain and fails in exact arithmetic (:func:`paper_checks.search.exact.verify`), so every step of a
shrink is itself an exactly verified counterexample.

The passes:

1. joint rounding (once): the whole point, and a few other failing points, rounded to common
   denominators 1, 2, 3, ... (:data:`JOINT_DENS`, :meth:`SearchSpace.grid_round
   <paper_checks.search.params.SearchSpace.grid_round>`); the smallest denominator that still fails
   is kept;
2. simplification (to the fixed point): each parameter in turn proposes simpler values
   (:meth:`Parameter.simplify <paper_checks.search.params.Parameter.simplify>`), taken when
   smaller by :meth:`Parameter.complexity <paper_checks.search.params.Parameter.complexity>`
   (smaller denominators, then smaller values) and failing.
"""
from __future__ import annotations

import math
from collections.abc import Callable, Sequence

from paper_checks.search.exact import ARTEFACT_TOL, fails
from paper_checks.search.params import Parameter, Point, SearchSpace

#: the most exact evaluations a shrink may spend
SHRINK_EVALS = 300
#: common denominators tried by the joint rounding of a failing point
JOINT_DENS = (*range(1, 25), 30, 32, 36, 40, 48, 50, 60, 64, 100, 128, 1000)


class _Exhausted(Exception):
    """The shrink's budget of exact evaluations is spent."""


class Shrinker:
    """Shrinks one exact, failing point of ``space``.

    Parameters
    ----------
    space : the domain and margins
    start : an exact point (its failing is checked by :meth:`run`)
    max_evals : the most exact evaluations :meth:`consider` may spend
    screen : a float margin (or None); where it is clearly non-negative (above
        :data:`~paper_checks.search.exact.ARTEFACT_TOL`) a candidate is rejected without an exact
        evaluation

    Attributes
    ----------
    best : the simplest failing point so far
    steps : how many candidates were accepted
    evals : how many exact evaluations were spent
    seen : the canonical form of every candidate already considered: a fixed-point pass offers the
        same candidates again, and :meth:`consider` answers those from memory (as Hypothesis'
        shrinker does, ``shrinking/common.py``) without spending an exact evaluation
    """

    def __init__(self, space: SearchSpace, start: Point, max_evals: int = SHRINK_EVALS,
                 screen: Callable[[Point], float] | None = None) -> None:
        self.space, self.best, self.max_evals, self.screen = space, start, max_evals, screen
        self.steps = 0
        self.evals = 0
        self.seen: set[str] = set()

    def consider(self, candidate: Point) -> bool:
        """The one road of acceptance: take ``candidate`` as :attr:`best` when it lies in the
        domain, passes the screen and fails exactly. Raises ``_Exhausted`` (before anything
        else) once :attr:`max_evals` exact evaluations are spent."""
        if self.evals >= self.max_evals:
            raise _Exhausted
        key = repr(sorted(candidate.items()))  # exact values print exactly; a matrix value is not hashable
        if key in self.seen:
            return False  # rejected before, or the current best (which is never offered as simpler)
        self.seen.add(key)
        if not self.space.contains(candidate):
            return False
        if self.screen is not None:
            fp = self.space.float_point(candidate)
            if not self.space.constraint_holds(fp):
                return False
            m = self.screen(fp)
            if not math.isnan(m) and m > ARTEFACT_TOL:
                return False
        self.evals += 1
        if not fails(self.space, candidate):
            return False
        self.best = candidate
        self.steps += 1
        return True

    def joint_rounding(self, starts: Sequence[Point]) -> None:
        """The smallest common denominator of :data:`JOINT_DENS` at which a joint rounding of
        any of ``starts`` still fails (each later start only tries smaller ones)."""
        best_d: int | None = None
        for st in starts:
            for d in JOINT_DENS:
                if best_d is not None and d >= best_d:
                    break
                cand = self.space.grid_round(st, d)
                if cand is not None and self.consider(cand):
                    best_d = d
                    break

    def simplify_once(self, p: Parameter) -> bool:
        """Offer ``p``'s simpler values of :attr:`best` in turn; True when one was accepted."""
        v = self.best[p.name]
        cur = p.complexity(v)
        for cand in p.simplify(v):
            if p.complexity(cand) < cur and self.consider({**self.best, p.name: cand}):
                return True
        return False

    def simplify_pass(self) -> bool:
        """Simplify each parameter until it takes no simpler value; True when any step was taken."""
        improved = False
        for p in self.space.params:
            while self.simplify_once(p):
                improved = True
        return improved

    def run(self, others: Sequence[Point] = ()) -> tuple[Point, int, bool]:
        """Shrink :attr:`best` to a fixed point; ``others`` (exact failing points) only offer
        joint roundings. Returns ``(point, steps, finished)``, ``finished`` False when the
        budget ran out first. A start that does not fail exactly is returned unchanged."""
        if not fails(self.space, self.best):
            return self.best, 0, True
        try:
            self.joint_rounding([self.best, *others])
        except _Exhausted:
            pass
        try:
            while self.simplify_pass():
                pass
        except _Exhausted:
            return self.best, self.steps, False
        return self.best, self.steps, True


def shrink(space: SearchSpace, point: Point, max_evals: int = SHRINK_EVALS) -> Point:
    """The simplest point reachable from ``point`` that still fails exactly (a fixed point).

    First the whole point is rounded jointly to common denominators 1, 2, 3, ... (the first
    that still fails is kept); then each parameter proposes simpler values
    (:meth:`Parameter.simplify <paper_checks.search.params.Parameter.simplify>`), taken when
    simpler (smaller denominators, then smaller values), inside the domain and failing in
    exact arithmetic. Passes repeat until none helps, or until ``max_evals`` exact
    evaluations are spent. A point that does not fail exactly is returned rounded but
    otherwise unchanged.
    """
    start = dict(point) if space.is_exact(point) else space.to_rational(point)
    return Shrinker(space, start, max_evals).run()[0]
