"""Counterexample search: sampling, local polish, exact verification and shrinking.

A claim declares a :class:`~paper_checks.search.params.SearchSpace` and :func:`search` looks in it
for a point where the claim fails (docs/design.md, "Counterexamples"). The search is built
from:

- :mod:`paper_checks.search.params`: the parameter types (``Real``, ``Integer``, ``SimplexPoint``,
  ``StochasticMatrix``, subclasses of ``Parameter``), ``SearchSpace`` and ``to_rational``;
- :mod:`paper_checks.search.rationals`: exact rational arithmetic (``simplest_between``);
- :mod:`paper_checks.search.exact`: exact verification (``verify``, ``exact_value``, ``ARTEFACT_TOL``);
- :mod:`paper_checks.search.shrinker`: the shrinker (``shrink``, ``Shrinker``, ``SHRINK_EVALS``).
- :mod:`paper_checks.search.result`: the result (``SearchResult``, ``OUTCOMES``).

Their public names are importable from here too.

``SearchSpace(params, margin, exact_margin=None, constraint=None, description="")``
    ``margin(point) -> float`` is negative exactly where the claim fails; ``exact_margin(point)``
    is the same quantity as a SymPy expression on a point of exact values (``Rational``
    reals, ``Integer`` integers, lists of ``Rational`` for simplex points, ``sympy.Matrix``
    for stochastic matrices); ``constraint(point) -> bool`` removes points from the domain
    (it is evaluated on the exact point when it can be, on the floats otherwise). Every
    parameter type also offers ``param.strategy()``, a hypothesis strategy over its domain
    that includes the boundary cases (ends, vertices, zeros, permutation and singular
    matrices).

``search(space, budget, rng) -> SearchResult``
    ``budget`` is the total number of ``margin`` evaluations, random sampling and local
    polish together: ``result.evaluated <= budget`` always. The search

    1. samples the domain (a fifth of the points on its boundary: ends, faces, vertices);
    2. polishes the worst distinct points with Nelder-Mead (Nelder & Mead 1965) on an
       unconstrained reparametrisation (evaluations counted against the budget);
    3. rounds the ``k`` worst distinct failing points to exact values *inside the domain*
       (positive simplex coordinates stay positive and sum exactly to 1, open ends stay
       excluded, the constraint is re-checked) and evaluates ``exact_margin`` there
       (rationals exactly, anything irrational to 50 digits);
    4. shrinks the first verified point to a fixed point: each parameter type proposes
       simpler values (small integers; the simplest rationals by continued fractions;
       simplex points and matrix rows with small common denominators), smaller denominators
       first, then smaller values, and every accepted step is re-verified exactly, until no
       step helps.

``SearchResult``
    ``outcome`` is exactly one of

    - ``"counterexample"``: ``verified`` is True and ``counterexample`` holds the shrunk,
      exactly verified point, ``exact_margin`` / ``exact_margin_value`` its margin;
    - ``"unverified"``: the floating-point margin was negative but no point could be verified
      (``notes`` say why: rounding left the domain, the exact evaluation failed or disagreed,
      there is no exact margin);
    - ``"no_failure"``: no negative margin (or only floating-point artefacts, shown non-negative
      exactly); ``worst_margin`` is the smallest margin seen in ``evaluated`` evaluations;
    - ``"raised"``: the margin raised (or returned NaN) at ``raised`` points (``first_error``
      says the first); a search whose margin raises is never a pass. More than half raising
      makes :attr:`SearchResult.error` true.

    ``to_json()`` carries all of it, notes included. :meth:`paper_checks.evidence.Evidence.from_search`
    turns a result into evidence (the one mapping the checks use).
"""
from __future__ import annotations

import math
import numbers
import time
from collections.abc import Callable
from typing import Any

import numpy as np
from scipy.optimize import minimize

from label_noise_lab.theory.validators import quoted
from paper_checks.deadline import TimedOut, deadline, disarm, limit_seconds
from paper_checks.jsonable import jsonable
from paper_checks.search.exact import ARTEFACT_TOL, evaluate, exact_value, float_twin, verify
from paper_checks.search.params import (
    BOUNDARY_SHARE,
    Integer,
    Param,
    Parameter,
    Point,
    Real,
    SearchSpace,
    SimplexPoint,
    StochasticMatrix,
    to_rational,
)
from paper_checks.search.rationals import simplest_between
from paper_checks.search.result import OUTCOMES, Outcome, SearchResult
from paper_checks.search.scores import Scored, Scores
from paper_checks.search.shrinker import SHRINK_EVALS, Shrinker, shrink
from paper_checks.stage import at, current, stage

# defined here: SHRINK_RESERVE, SHRINK_STARTS, VERIFY_K, search; the rest (OUTCOMES and SearchResult from
# paper_checks.search.result among them) are re-exported from the modules the search is built from, so that
# `from paper_checks.search import ...` (the package re-exports __all__) keeps working
__all__ = [
    "ARTEFACT_TOL",
    "BOUNDARY_SHARE",
    "MAX_BUDGET",
    "OUTCOMES",
    "Outcome",
    "SHRINK_EVALS",
    "SHRINK_RESERVE",
    "SHRINK_STARTS",
    "VERIFY_K",
    "Integer",
    "Param",
    "Parameter",
    "Point",
    "Real",
    "SearchResult",
    "SearchSpace",
    "Shrinker",
    "SimplexPoint",
    "StochasticMatrix",
    "exact_value",
    "search",
    "search_budget",
    "shrink",
    "simplest_between",
    "to_rational",
    "verify",
]

#: how many of the worst distinct failing points are verified exactly
VERIFY_K = 5
#: the most distinct failing points verified, rounding artefacts included (:func:`_verify_worst`)
VERIFY_SCAN = 64
#: failing sampled points (besides the verified one) whose joint roundings the shrink tries
SHRINK_STARTS = 8
#: share of the budget kept for the float screening of shrink candidates
SHRINK_RESERVE = 0.1
#: the largest budget of margin evaluations, 10**15 (decades at a million evaluations a second): the budget's shares
#: (the sampling's 70 %, the shrink's reserve) are computed in floating point, which holds every integer up to it
MAX_BUDGET = 10**15
#: the least time, past its ``time_limit``, that a search may spend verifying (:func:`runaway_grace`)
RUNAWAY_GRACE = 10.0
#: denominators tried when rounding for verification (then the float's exact binary value)
_ROUND_DENS = (10**6, 10**12)


# ================================================================== evaluation
class _BudgetSpent(Exception):
    pass


class _TimeUp(Exception):
    pass


class _Runaway(TimedOut):
    """The alarm of a search with a ``time_limit``, :func:`runaway_grace` after it (its own class: a caller's
    limit coming up inside the search is not disarmed by it)."""


class _Evaluator:
    """Counts margin evaluations against the budget (and the clock, when given a deadline) and records raises."""

    def __init__(self, space: SearchSpace, budget: int, deadline: float | None = None) -> None:
        self.space, self.budget, self.deadline = space, budget, deadline
        self.count = 0
        self.raised = 0
        self.first_error: str | None = None
        self.best: tuple[float, Point] | None = None

    def __call__(self, point: Point) -> float:
        if self.count >= self.budget:
            raise _BudgetSpent
        if self.deadline is not None and time.monotonic() > self.deadline:
            raise _TimeUp
        self.count += 1
        at(point)
        try:
            with np.errstate(all="ignore"):
                m = float(self.space.margin(point))
        except Exception as exc:  # noqa: BLE001  (counted and reported, never a silent pass)
            return self._raised(f"{type(exc).__name__}: {exc}", point)
        if math.isnan(m):
            return self._raised("the margin returned nan", point)
        if m == math.inf:
            m = math.inf
        if self.best is None or m < self.best[0]:
            self.best = (m, point)
        return m

    def _raised(self, msg: str, point: Point) -> float:
        self.raised += 1
        if self.first_error is None:
            self.first_error = f"{msg} (at {jsonable(point)})"
        return math.nan


def _polish(space: SearchSpace, ev: _Evaluator, start: Point, evals: int) -> tuple[Point, float]:
    """Nelder-Mead (Nelder & Mead 1965) from ``start`` with at most ``evals`` margin
    evaluations, on the coordinates of :meth:`SearchSpace.pack`; the best point seen."""
    x0 = space.pack(start)
    best: list[Any] = [math.inf, start]
    if x0.size == 0 or evals <= 0:
        return start, math.inf
    stop = ev.count + evals

    def f(x: np.ndarray) -> float:
        if ev.count >= stop:
            raise _BudgetSpent
        pt = space.unpack(x, start)
        if not space.polish_ok(pt) or not space.constraint_holds(pt):
            return 1e300
        m = ev(pt)
        if math.isnan(m):
            return 1e300
        if m < best[0]:
            best[0], best[1] = m, pt
        return m if math.isfinite(m) else (1e300 if m > 0 else -1e300)

    try:
        minimize(f, x0, method="Nelder-Mead",
                 options={"maxfev": evals, "maxiter": evals, "xatol": 1e-12, "fatol": 1e-14})
    except _BudgetSpent:
        pass
    return best[1], best[0]


def _distinct(a: Point, b: Point, space: SearchSpace) -> bool:
    for p in space.params:
        x, y = np.asarray(a[p.name], dtype=float), np.asarray(b[p.name], dtype=float)
        if not np.allclose(x, y, rtol=1e-6, atol=1e-9):
            return True
    return False


def _verify_candidate(space: SearchSpace, pt: Point, m: float, tol: float = ARTEFACT_TOL
                      ) -> tuple[dict[str, Any], Point | None]:
    """Round ``pt`` into the domain at a few precisions and verify it exactly.

    The last rounding is the float point's own binary value. Where the exact margin is non-negative there,
    the float's negative sign is evaluation error (an artefact) when ``m >= -tol``, or when the same exact
    expression evaluated in doubles is negative too (a rounding dip, such as ``(1 - p**q)/q`` as ``q -> 0``);
    a larger disagreement leaves the point unverified.
    """
    info: dict[str, Any] = {"float_margin": m, "point": jsonable(pt)}
    last = "no exact evaluation ran"
    dip = False
    for den in (*_ROUND_DENS, None):
        try:
            r = to_rational(pt, space, den)
        except ValueError as exc:
            last = f"rounding left the domain: {exc}"
            continue
        ex = evaluate(space, r)
        if ex.status == "fails":
            info.update(status="verified", exact_margin=ex.text, exact_value=ex.value, decided_by=ex.how)
            return info, r
        if ex.status == "outside":
            last = "the rounded point breaks the constraint"
        elif ex.status == "holds":
            shown = ex.text if len(ex.text) <= 60 else f"{ex.value:.3g}"
            last = f"exact margin {shown} is not negative at the rounded point ({ex.how})"
            info.update(exact_margin=ex.text, exact_value=ex.value, decided_by=ex.how)
            dip = den is None and m < -tol and (ex.float_value < 0 or float_twin(space, r) < 0)
        else:
            last = ex.status
            if ex.status.startswith("error: the claim gives no exact margin"):
                break
    if info.get("exact_value") is not None and (m >= -tol or dip):
        why = (f"floating-point margin {m:.3g} is rounding: the exact margin evaluated in doubles at the same "
               "point is negative too" if dip and m < -tol else f"floating-point margin {m:.3g} is rounding")
        info.update(status="artefact", why=f"{why}: {last}")
    else:
        info.update(status="unverified", why=last)
    return info, None


# ================================================================== the search, step by step
Pool = list[tuple[float, Point]]


def _sample(space: SearchSpace, ev: _Evaluator, rng: np.random.Generator, n_random: int,
            progress: Callable[[int], None] | None, scores: Scores) -> None:
    """Step 1: ``n_random`` margin evaluations at sampled points of the domain (constraint
    applied), added to ``scores`` (NaN margins left out)."""
    stage("search: sampling")
    attempts = 0
    chunk = 512
    i = 0
    while ev.count < n_random and attempts < 8 * n_random:
        n = min(chunk, max(16, 2 * (n_random - ev.count)))
        cols = space.sample_columns(rng, n)
        before = ev.count
        for j in range(n):
            if ev.count >= n_random:
                break
            attempts += 1
            pt = {name: vals[j] for name, vals in cols}
            if not space.constraint_holds(pt):
                continue
            m = ev(pt)
            if not math.isnan(m):
                scores.add(m, i, pt)
            i += 1
        if progress is not None and ev.count > before:
            progress(ev.count - before)
    if ev.count == 0:
        raise ValueError("no sampled point satisfied the domain's constraint; widen the domain")


def _polished_pool(space: SearchSpace, ev: _Evaluator, scored: Scored, budget: int, polish_starts: int,
                   verify_k: int, progress: Callable[[int], None] | None) -> Pool:
    """Step 2: the ``4 verify_k`` worst sampled points, and where the domain has continuous
    coordinates the polish of the ``polish_starts`` worst distinct ones (a
    :data:`SHRINK_RESERVE` of the budget kept back); sorted by margin."""
    starts: Pool = []
    for m, _, pt in scored:
        if len(starts) >= polish_starts:
            break
        if all(_distinct(pt, q, space) for _, q in starts):
            starts.append((m, pt))
    pool: Pool = [(m, pt) for m, _, pt in scored[: 4 * verify_k]]
    if space.dimension > 0:
        for k, (m0, start) in enumerate(starts):
            left = budget - ev.count
            if left <= 0:
                break
            before = ev.count
            left -= int(budget * SHRINK_RESERVE)
            if left <= 0:
                break
            stage("search: polishing", start)
            pt, m = _polish(space, ev, start, left // (len(starts) - k))
            if progress is not None and ev.count > before:
                progress(ev.count - before)
            if m < m0:
                pool.append((m, pt))
    pool.sort(key=lambda t: t[0])
    return pool


def _verify_worst(space: SearchSpace, scores: Scores, pool: Pool, verify_k: int,
                  result: SearchResult) -> Point | None:
    """Step 3: verify the worst distinct failing points of ``pool`` (then of the sampled points) in turn, each
    recorded in ``result.candidates``, until one fails exactly (returned) or ``verify_k`` of them were not
    rounding artefacts; artefacts do not count, up to :data:`VERIFY_SCAN` points in all (a rounding dip near an
    undefined face does not hide a real failure elsewhere)."""
    # float evaluation error grows with the margins' magnitude: artefacts are judged relative to it
    finite = scores.abs_margins
    tol = ARTEFACT_TOL * max(1.0, float(np.median(finite)) if finite else 1.0)
    seen: list[Point] = []
    counted = 0
    for m, pt in sorted([*pool, *((m, pt) for m, _, pt in scores.sorted())], key=lambda t: t[0]):
        if m >= 0 or counted >= verify_k or len(seen) >= VERIFY_SCAN:
            break
        if not all(_distinct(pt, q, space) for q in seen):
            continue
        seen.append(pt)
        stage("search: verifying", pt)
        info, r = _verify_candidate(space, pt, m, tol)
        result.candidates.append(info)
        if r is not None:
            return r
        counted += info["status"] != "artefact"
    return None


def _shrink_verified(space: SearchSpace, ev: _Evaluator, rng: np.random.Generator, scored: Scored,
                     verified: Point, shrink_evals: int, result: SearchResult) -> None:
    """Step 4: shrink the verified point (other failing sampled points offer joint roundings,
    since a worst point is often extreme; the float margin screens candidates within the
    budget left) and record the outcome ``"counterexample"``."""
    others: list[Point] = []
    fail_idx = [k for k, (m, _, _) in enumerate(scored) if m < 0]
    for k in rng.permutation(fail_idx)[:SHRINK_STARTS] if fail_idx else []:
        try:
            others.append(to_rational(scored[int(k)][2], space))
        except ValueError:
            continue

    def screen(fp: Point) -> float:
        try:
            return ev(fp)
        except _BudgetSpent:
            return -math.inf

    stage("search: shrinking", verified)
    small, steps, done = Shrinker(space, verified, shrink_evals, screen).run(others)
    result.evaluated = ev.count
    status, text, val = verify(space, small)
    if status != "fails":  # cannot happen: every step is verified; keep the verified rounding
        small = verified
        status, text, val = verify(space, small)
    result.counterexample, result.verified = small, True
    result.exact_margin, result.exact_margin_value = text, val
    result.shrink_steps = steps
    result.outcome = Outcome.COUNTEREXAMPLE
    if not done:
        result.notes.append(f"shrinking stopped after {shrink_evals} exact evaluations ({steps} steps taken)")


def _conclude_unverified(result: SearchResult, ev: _Evaluator, budget: int) -> None:
    """Step 4 when nothing verified: the outcome ``"raised"``, ``"unverified"`` or ``"no_failure"``."""
    worst_m = result.worst_margin
    if ev.raised:
        result.outcome = Outcome.RAISED
        if result.error:
            result.notes.append("most margin evaluations raised: the search is an error, not a pass")
        return
    problems = [c for c in result.candidates if c["status"] == "unverified"]
    if problems:
        result.outcome = Outcome.UNVERIFIED
        why = "; ".join(dict.fromkeys(c["why"] for c in problems))
        result.notes.append(f"floating-point margin down to {worst_m:.3g}, but no point verified exactly "
                            f"({len(problems)} of {len(result.candidates)} candidates): {why}")
        return
    result.outcome = Outcome.NO_FAILURE
    if result.candidates:
        result.notes.append(f"{len(result.candidates)} floating-point negative margins (down to {worst_m:.3g}) are "
                            "non-negative in exact arithmetic: rounding artefacts")
    result.notes.append(f"no failure in {ev.count} margin evaluations (budget {budget}); smallest margin "
                        f"{worst_m:.3g}")


def search(
    space: SearchSpace,
    budget: int,
    rng: np.random.Generator,
    *,
    progress: Callable[[int], None] | None = None,
    polish_starts: int = 5,
    verify_k: int = VERIFY_K,
    shrink_evals: int = SHRINK_EVALS,
    time_limit: float | None = None,
    interruptible: bool = False,
) -> SearchResult:
    """Search ``space`` for a point with negative margin, with at most ``budget`` margin evaluations.

    Parameters
    ----------
    space : the domain and margin
    budget : total margin evaluations (sampling and polish); from 10 to :data:`MAX_BUDGET`. Memory stays
        bounded for any budget: only the :data:`paper_checks.search.scores.KEEP` worst sampled points are kept.
    rng : the random stream
    progress : called with the number of evaluations done since its last call
    polish_starts : how many of the worst distinct sampled points are polished
    verify_k : how many of the worst distinct failing points are verified exactly
    shrink_evals : the most exact evaluations the shrink of the verified point may spend
    time_limit : seconds for the sampling and polish (``None``: no limit); when they are up, the
        search returns its best so far with ``stopped`` set (``"timed out after N s"``). The whole
        call is bounded too: an alarm :func:`runaway_grace` later stops the exact verification, or a
        margin evaluation that does not return (in the main thread; see :mod:`paper_checks.deadline`)
    interruptible : on Ctrl-C (a ``KeyboardInterrupt``) return the best so far with ``stopped``
        set, rather than let the interrupt through (the command line's ``explore``)

    Returns
    -------
    SearchResult with one of the four outcomes of the module docstring. After a time-out the
    worst points are still verified (bounded work); after Ctrl-C nothing is: its negative margins
    are ``"unverified"``, unless a point was verified before the stop (then its counterexample,
    perhaps not fully shrunk).
    """
    budget = search_budget("search budget", budget)
    if time_limit is not None:
        time_limit = limit_seconds("time_limit", time_limit)
    ev = _Evaluator(space, budget, None if time_limit is None else time.monotonic() + time_limit)
    scores = Scores()
    try:  # the alarm stops a margin evaluation, or the exact verification after the time-out, that runs away
        with deadline(None if time_limit is None else time_limit + runaway_grace(time_limit), error=_Runaway):
            return _search(space, ev, scores, rng, progress, polish_starts, verify_k, shrink_evals, time_limit,
                           interruptible)
    except _Runaway as exc:  # it came up between the search's own handlers: the best seen so far
        return _stopped(_best_so_far(ev, scores, budget, []), ev, _stop_reason(exc, time_limit, interruptible))


def search_budget(name: str, budget: Any) -> int:
    """``budget`` as a number of margin evaluations: a whole number (never a ``bool`` or a float) from 10 to
    :data:`MAX_BUDGET`; a one-line ``TypeError``/``ValueError`` naming ``name`` otherwise (``10**400`` is refused
    here, not an ``OverflowError`` in the search)."""
    if isinstance(budget, bool) or not isinstance(budget, numbers.Integral):
        raise TypeError(f"{name} must be a whole number, got {type(budget).__name__} {quoted(budget)}")
    if budget < 10:
        raise ValueError(f"{name} must be at least 10, got {quoted(budget)}")
    if budget > MAX_BUDGET:
        raise ValueError(f"{name} must be at most {MAX_BUDGET:.0e} evaluations, got {quoted(budget)}")
    return int(budget)


def runaway_grace(time_limit: float) -> float:
    """Seconds past ``time_limit`` that :func:`search` allows for the verification after a time-out (and for a
    margin evaluation that does not return) before its alarm stops it: ``max(10, time_limit / 4)``."""
    return max(RUNAWAY_GRACE, time_limit / 4)


def _search(space: SearchSpace, ev: _Evaluator, scores: Scores, rng: np.random.Generator,
            progress: Callable[[int], None] | None, polish_starts: int, verify_k: int, shrink_evals: int,
            time_limit: float | None, interruptible: bool) -> SearchResult:
    """:func:`search` after its arguments are checked, under its alarm (which, once it has come up, is
    disarmed here: nothing more is verified, and what was seen is kept)."""
    budget = ev.budget
    n_random = max(10, int(budget * 0.7)) if space.dimension > 0 else budget
    stop: tuple[str, int | None] | None = None
    where: str | None = None
    try:
        _sample(space, ev, rng, n_random, progress, scores)
        pool = _polished_pool(space, ev, scores.sorted(), budget, polish_starts, verify_k, progress)
    except (_TimeUp, _Runaway, KeyboardInterrupt) as exc:
        if isinstance(exc, _Runaway):
            disarm()
        stop = _stop_reason(exc, time_limit, interruptible)
        where = current()
        pool = [(m, pt) for m, _, pt in scores.sorted()[: 4 * verify_k]]
        if ev.best is not None and math.isfinite(ev.best[0]):
            pool = sorted([*pool, (ev.best[0], ev.best[1])], key=lambda t: t[0])
        if isinstance(exc, _Runaway):  # the alarm: nothing more is done
            return _stopped(_best_so_far(ev, scores, budget, pool), ev, stop)
    scored = scores.sorted()
    result = _best_so_far(ev, scores, budget, pool)
    if stop is not None and stop[1] is not None:  # Ctrl-C or a signal: nothing more is done
        return _stopped(result, ev, stop)
    ev.deadline = None  # out of time: the few worst points are still verified (the alarm bounds it)
    verified = None
    try:
        verified = _verify_worst(space, scores, pool, verify_k, result)
        if verified is not None:
            _shrink_verified(space, ev, rng, scored, verified, shrink_evals, result)
        else:
            _conclude_unverified(result, ev, budget)
    except (_Runaway, KeyboardInterrupt) as exc:
        if isinstance(exc, _Runaway):
            disarm()
        elif not interruptible and not hasattr(exc, "seconds"):
            raise
        if verified is not None and not result.verified:  # stopped while shrinking: the verified point stands
            info = result.candidates[-1]
            result.counterexample, result.verified, result.outcome = verified, True, Outcome.COUNTEREXAMPLE
            result.exact_margin, result.exact_margin_value = info.get("exact_margin"), info.get("exact_value")
        return _stopped(result, ev, _stop_reason(exc, time_limit, interruptible))
    if stop is not None:
        result.stopped = stop[0]
        during = f", during {where}" if where else ""
        result.notes.append(f"stopped early ({stop[0]}{during}) after {ev.count} of {budget} margin evaluations")
    return result


def _best_so_far(ev: _Evaluator, scores: Scores, budget: int, pool: Pool) -> SearchResult:
    """The result before verification: the worst point of ``pool`` (else of ``scores``), and the raises."""
    scored = scores.sorted()
    worst_m, worst = pool[0] if pool else (scored[0][0], scored[0][2]) if scored else (math.nan, {})
    result = SearchResult(worst=worst, worst_margin=worst_m, evaluated=ev.count, budget=budget,
                          raised=ev.raised, first_error=ev.first_error)
    if ev.raised:
        result.notes.append(f"the margin raised or returned NaN at {ev.raised} of {ev.count} points; first: "
                            f"{ev.first_error}")
    return result


def _stop_reason(exc: BaseException, time_limit: float | None, interruptible: bool) -> tuple[str, int | None]:
    """``(why, signal)`` of a stop; a Ctrl-C the caller did not ask to keep goes through."""
    if isinstance(exc, _TimeUp):
        return f"timed out after {time_limit:g} s", None
    if hasattr(exc, "seconds"):  # its own alarm (_Runaway), or a caller's (paper_checks.run.isolation.TimedOut)
        return f"timed out after {exc.seconds:g} s", None
    if not interruptible:
        raise exc
    signum = int(getattr(exc, "signum", 2))
    return ("interrupted" if signum == 2 else f"stopped by signal {signum}"), signum


def _stopped(result: SearchResult, ev: _Evaluator, stop: tuple[str, int | None]) -> SearchResult:
    """``result`` of a search stopped early: its outcome from what was seen, nothing verified after the stop."""
    result.stopped, result.stop_signal = stop
    result.evaluated = ev.count
    where = current() if stop[1] is None else None  # a time-out says where it came
    note = (f"stopped early ({stop[0]}{f', during {where}' if where else ''}) after {ev.count} of {result.budget} "
            "margin evaluations")
    if result.verified:
        result.notes.append(f"{note}; the counterexample is verified but perhaps not fully shrunk")
        return result
    result.candidates.clear()
    if ev.raised:
        result.outcome = Outcome.RAISED
    elif result.worst_margin < 0:
        result.outcome = Outcome.UNVERIFIED
        note += f"; the floating-point margin reached {result.worst_margin:.3g}, not verified exactly"
    else:
        result.outcome = Outcome.NO_FAILURE
    result.notes.append(note)
    return result
