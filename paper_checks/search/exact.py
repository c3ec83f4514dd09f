"""Exact verification of a claim's margin at a point of exact values.

A floating-point margin only points at a counterexample; :func:`verify` decides it, evaluating the claim's
``exact_margin`` (a SymPy expression) at an exact point of the domain (:func:`evaluate`):

1. the margin is built by SymPy with its exact powers sized (:func:`paper_checks.search.balls.sized`): a
   rational to a rational power whose exact form could be too large is kept as a power (``(1 - q)**(1/q)``
   with ``q = 1/10**6`` has millions of digits, and a power whose exponent is a float's binary value makes
   SymPy extract roots for hours); everything else is SymPy's exact arithmetic, branches included;
2. a rational is decided exactly; anything else by ball arithmetic at up to ``PRECISIONS[-1]`` bits
   (:func:`paper_checks.search.balls.ball_sign`, stated in the result's ``how``): only a ball that excludes 0
   decides the sign; where none does, the 50-digit rule (below ``-1e-40``: negative beyond doubt) is read off the
   last ball when it lies wholly at or above that line (a tie's ``1e-367977``, whose 50 digits SymPy takes minutes
   to find, unseen by the meter); otherwise, and outside the balls' whitelist, to 50 digits.

Each evaluation has its own limit of counted work (:data:`EXACT_WORK` units of :mod:`paper_checks.work`, the
prover's measure): past it the point is not verified, and the search goes on. The limit is a count of calls, so a
point is verified or not alike on a quiet laptop and a loaded one; no clock of its own decides (the call around it,
a proof or a search, holds the one wall-clock net). :func:`exact_value` is the second step alone, for an expression
already built.
"""
from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import sympy
from sympy.printing.str import StrPrinter

from paper_checks import work
from paper_checks.deadline import TimedOut
from paper_checks.jsonable import inexact
from paper_checks.search.balls import PRECISIONS, NotBallable, ball_bounds, ball_sign, float_value, sized, unevaluated
from paper_checks.search.params import Point, SearchSpace

#: a float margin in ``[-ARTEFACT_TOL * scale, 0)`` (scale: the median ``|margin|`` sampled, at least 1)
#: that is non-negative exactly at the same point is a floating-point artefact
ARTEFACT_TOL = 1e-9
#: the work one exact evaluation of a margin (or of the constraint at an exact point) may spend, in units of
#: :mod:`paper_checks.work` (about 9 million calls); a wall-clock limit of 10 s here made ``le19.margin_robust``'s
#: evidence ``unverified`` on a loaded machine and ``no_failure`` on a quiet one
EXACT_WORK = 6.0
#: the longest exact margin text kept (longer ones are given by their value)
MAX_TEXT = 400


class _ExactTimeUp(TimedOut):
    """One exact evaluation spent :data:`EXACT_WORK` (its own class: a caller's limit passes through)."""


@dataclass
class Exact:
    """One exact evaluation: ``status`` (``"fails"``, ``"holds"``, ``"outside"`` or ``"error: ..."``), the margin's
    ``text`` and ``value``, ``how`` it was decided, and ``float_value``: the built expression evaluated node by
    node in doubles (NaN when not available), which tells a rounding dip from two margins that disagree."""

    status: str
    text: str = ""
    value: float = math.nan
    how: str = ""
    float_value: float = math.nan


#: the 50-digit rule's line: a margin below it is negative beyond doubt, one at or above it holds
NEGATIVE_BELOW = -1e-40


def exact_value(expr: Any) -> tuple[str, float, bool]:
    """``(text, value, negative)`` of an evaluated exact expression; sign decided exactly or to 50 digits."""
    e = sympy.sympify(expr)
    if e.is_Rational:
        return str(e), float(e), bool(e < 0)
    val = sympy.N(e, 50)
    if not val.is_real:
        raise ValueError(f"exact margin is not real: {e}")
    # 50 correct digits: a value below -1e-40 is negative beyond doubt
    return str(e), float(val), bool(val < sympy.Float(NEGATIVE_BELOW, 50))


def verify(space: SearchSpace, rpoint: Point) -> tuple[str, str, float]:
    """Evaluate ``exact_margin`` at an exact point: ``(status, text, value)`` of :func:`evaluate`.

    ``status`` is ``"fails"`` (exactly negative), ``"holds"`` (non-negative),
    ``"outside"`` (the point breaks the domain or the constraint) or ``"error: ..."``.
    """
    r = evaluate(space, rpoint)
    return r.status, r.text, r.value


def evaluate(space: SearchSpace, rpoint: Point) -> Exact:
    """The exact margin at ``rpoint``, decided as the module docstring says, within :data:`EXACT_WORK`."""
    if not space.contains(rpoint):
        return Exact("outside")
    if space.exact_margin is None:
        return Exact("error: the claim gives no exact margin")
    try:
        with work.limit(EXACT_WORK, error=_ExactTimeUp):
            return _evaluate(space, rpoint)
    except _ExactTimeUp as exc:
        return Exact(f"error: {_past_limit(exc)} (the point is not verified)")


def _past_limit(exc: BaseException) -> str:
    """Why an evaluation stopped: its work limit (the same on every machine), or the meter's wall-clock net."""
    net = work.net_seconds(exc)
    if net is not None:
        return (f"the exact evaluation reached the wall-clock net of {net:g} s (a safety net for a step the work "
                f"meter does not see) before its work limit of {EXACT_WORK:g} units")
    return f"the exact evaluation ran past its work limit of {EXACT_WORK:g} units"



def _evaluate(space: SearchSpace, rpoint: Point) -> Exact:
    if not space.constraint_holds_exactly(rpoint):
        return Exact("outside")
    fv = math.nan
    try:
        at = inexact(rpoint)
        if at is not None:  # a point given as floats is no exact point
            return Exact(f"error: the point holds the floating-point value {_number(at)}; an exact verification needs "
                         "exact values (int, Fraction, sympy.Rational)")
        ev = sized(space.exact_margin, rpoint)
        fv = _float_or_nan(ev)
        at = inexact(ev)
        if at is not None:  # c/(c - 1) with a Python int c: 1.5 is a Float inside, and a near tie would be unsound
            return Exact(f"error: the exact margin holds the floating-point number {_number(at)} (a float inside "
                         "the SymPy expression: c/(c - 1) with a Python int c is one; write sympy.Rational(c, c - 1)), "
                         "so its sign is not decided exactly", float_value=fv)
        if ev.is_Rational:
            return Exact("fails" if ev < 0 else "holds", _short(ev), float(ev), "exact", fv)
        sign, mid, bits = _ball(ev)
        if sign is not None:
            text = _printed(ev)
            if text is None or len(text) > MAX_TEXT:
                text = f"{mid:.17g} (to the precision of ball arithmetic)"
            return Exact("fails" if sign < 0 else "holds", text, mid, f"ball arithmetic at {bits} bits", fv)
        side = _side(ev, fv)
        if side is not None:
            return side
        text, val, neg = exact_value(ev)
    except Exception as exc:  # noqa: BLE001  (any error of a claim's exact margin is reported, not raised)
        return Exact(f"error: {type(exc).__name__}: {exc}", float_value=fv)
    return Exact("fails" if neg else "holds", _short(text), val, "50 digits", fv)


def _side(ev: Any, fv: float) -> Exact | None:
    """The 50-digit rule of :func:`exact_value` read off the last ball where no ball had the sign: a ball wholly at
    or above :data:`NEGATIVE_BELOW` holds (one wholly below it excludes 0, so :func:`ball_sign` has decided it);
    ``None`` where it reaches below the line. The same decision, without SymPy's 50 digits of a value that may be
    ``1e-367977`` (a million bits, minutes, unseen by the work meter: its big-integer loops make no SymPy object)."""
    ends = ball_bounds(ev)
    if ends is None or not ends[0] >= NEGATIVE_BELOW:
        return None
    mid = (ends[0] + ends[1]) / 2
    how = (f"ball arithmetic at {PRECISIONS[-1]} bits: within [{ends[0]:.3g}, {ends[1]:.3g}], at or above the "
           f"50-digit rule's {NEGATIVE_BELOW:g}")
    text = _printed(ev)
    if text is None or len(text) > MAX_TEXT:
        text = f"{mid:.17g} (to the precision of ball arithmetic)"
    return Exact("holds", text, mid, how, fv)


def _number(v: Any) -> str:
    """A floating-point number for a message, shortened (``1.50000000000000`` as SymPy prints it)."""
    text = str(v)
    return text if len(text) <= 40 else text[:37] + "..."


def _float_or_nan(e: Any) -> float:
    try:
        return float_value(e)
    except RecursionError:  # a tree too deep to walk: no double-precision twin
        return math.nan


def float_twin(space: SearchSpace, rpoint: Point) -> float:
    """The exact margin at ``rpoint`` built with SymPy's evaluation off and evaluated in doubles, operation by
    operation as the claim's NumPy margin does (:func:`paper_checks.search.balls.unevaluated`): negative where a
    float margin's dip is rounding, such as ``(1 - p**q)/q`` as ``q -> 0``. NaN where it cannot be built or
    walked within :data:`EXACT_WORK`."""
    if space.exact_margin is None:
        return math.nan
    try:
        with work.limit(EXACT_WORK, error=_ExactTimeUp):
            return float_value(unevaluated(space.exact_margin, rpoint))
    except (_ExactTimeUp, RecursionError):
        return math.nan
    except Exception:  # noqa: BLE001  (a margin that needs SymPy's evaluation has no twin)
        return math.nan


def _ball(e: Any) -> tuple[int | None, float, int]:
    try:
        return ball_sign(e)
    except NotBallable:
        return None, math.nan, PRECISIONS[-1]


#: an expression with more nodes than this is not printed (SymPy orders a sum's terms by their numeric values
#: when printing it: over a minute for thm1_uniform's margin)
MAX_PRINTED_NODES = 300


class _AsBuilt(StrPrinter):
    """SymPy's text of an expression with every argument in the order built (its ``Min`` and ``Max`` sort theirs
    by sort keys that evaluate each argument: 10 s for eq10's margins)."""

    def _print_LatticeOp(self, expr: Any) -> str:
        return f"{type(expr).__name__}({', '.join(self._print(a) for a in expr.args)})"


def _printed(e: Any) -> str | None:
    """``e`` as text, terms in the order built; None for a tree of over :data:`MAX_PRINTED_NODES` nodes."""
    for nodes, _ in enumerate(sympy.preorder_traversal(e)):
        if nodes >= MAX_PRINTED_NODES:
            return None
    return _AsBuilt({"order": "none"}).doprint(e)


def _short(e: Any) -> str:
    """``e`` as text cut to :data:`MAX_TEXT` characters (a summary for a tree too big to print)."""
    text = _printed(e)
    if text is None:
        return f"<an expression of over {MAX_PRINTED_NODES} nodes>"
    return text if len(text) <= MAX_TEXT else text[: MAX_TEXT - 3] + "..."


def fails(space: SearchSpace, rpoint: Point) -> bool:
    """Whether the claim fails exactly at ``rpoint`` (:func:`verify` says ``"fails"``)."""
    return verify(space, rpoint)[0] == "fails"
