"""Exact verification of a claim's margin at a point of exact values.

A floating-point margin only points at a counterexample; :func:`verify` decides it, evaluating the claim's
``exact_margin`` (a SymPy expression) at an exact point of the domain (:func:`evaluate`):

1. the margin is first built with SymPy's evaluation off (:func:`paper_checks.search.balls.unevaluated`), so
   that no exact power is expanded, and its exact powers are sized (a guard:
   :func:`~paper_checks.search.balls.exact_bits`): ``(1 - q)**(1/q)`` with ``q = 1/10**6`` has millions of
   digits, and a power whose exponent is a float's binary value makes SymPy extract roots for hours;
2. where they exceed :data:`~paper_checks.search.balls.MAX_EXACT_BITS`, the sign is decided by ball arithmetic
   at up to ``PRECISIONS[-1]`` bits (:func:`paper_checks.search.balls.ball_sign`, stated in the result's
   ``how``): only a ball that excludes 0 decides, and a ball that does not leaves the point unverified; the
   ball is kept only where the margin's code, run as written on 60-digit floats, agrees with it (a branch on an
   unevaluated value's form, such as ``x == 0``, could otherwise build another expression);
3. otherwise SymPy evaluates the margin: a rational is decided exactly, anything else by ball arithmetic, or
   (outside its whitelist) to 50 digits.

Each evaluation has its own time limit (:data:`EXACT_SECONDS`): past it the point is not verified, and the
search goes on. :func:`exact_value` is the second step alone, for an expression already built.
"""
from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import sympy

from paper_checks.deadline import TimedOut, deadline
from paper_checks.search.balls import (
    MAX_EXACT_BITS,
    PRECISIONS,
    NotBallable,
    ball_sign,
    exact_bits,
    float_value,
    unevaluated,
)
from paper_checks.search.params import Point, SearchSpace

#: a float margin in ``[-ARTEFACT_TOL * scale, 0)`` (scale: the median ``|margin|`` sampled, at least 1)
#: that is non-negative exactly at the same point is a floating-point artefact
ARTEFACT_TOL = 1e-9
#: seconds one exact evaluation of a margin (or of the constraint at an exact point) may take
EXACT_SECONDS = 10.0
#: digits of the cross-check of a sign decided by balls on an unevaluated margin (:func:`_hp_value`)
HP_DIGITS = 60
#: the largest relative difference between that cross-check and the ball's midpoint
AGREE = 1e-9
#: the longest exact margin text kept (longer ones are given by their value)
MAX_TEXT = 400


class _ExactTimeUp(TimedOut):
    """One exact evaluation ran past :data:`EXACT_SECONDS` (its own class: a caller's limit passes through)."""


@dataclass
class Exact:
    """One exact evaluation: ``status`` (``"fails"``, ``"holds"``, ``"outside"`` or ``"error: ..."``), the margin's
    ``text`` and ``value``, ``how`` it was decided, and ``float_value``: the same expression evaluated node by
    node in doubles (NaN when not available), which tells a rounding dip from two margins that disagree."""

    status: str
    text: str = ""
    value: float = math.nan
    how: str = ""
    float_value: float = math.nan


def exact_value(expr: Any) -> tuple[str, float, bool]:
    """``(text, value, negative)`` of an evaluated exact expression; sign decided exactly or to 50 digits."""
    e = sympy.sympify(expr)
    if e.is_Rational:
        return str(e), float(e), bool(e < 0)
    val = sympy.N(e, 50)
    if not val.is_real:
        raise ValueError(f"exact margin is not real: {e}")
    # 50 correct digits: a value below -1e-40 is negative beyond doubt
    return str(e), float(val), bool(val < sympy.Float("-1e-40", 50))


def verify(space: SearchSpace, rpoint: Point) -> tuple[str, str, float]:
    """Evaluate ``exact_margin`` at an exact point: ``(status, text, value)`` of :func:`evaluate`.

    ``status`` is ``"fails"`` (exactly negative), ``"holds"`` (non-negative),
    ``"outside"`` (the point breaks the domain or the constraint) or ``"error: ..."``.
    """
    r = evaluate(space, rpoint)
    return r.status, r.text, r.value


def evaluate(space: SearchSpace, rpoint: Point) -> Exact:
    """The exact margin at ``rpoint``, decided as the module docstring says, within :data:`EXACT_SECONDS`."""
    if not space.contains(rpoint):
        return Exact("outside")
    if space.exact_margin is None:
        return Exact("error: the claim gives no exact margin")
    try:
        with deadline(EXACT_SECONDS, error=_ExactTimeUp):
            return _evaluate(space, rpoint)
    except _ExactTimeUp:
        return Exact(f"error: the exact evaluation ran past its limit of {EXACT_SECONDS:g} s (the point is not "
                     "verified)")


def _evaluate(space: SearchSpace, rpoint: Point) -> Exact:
    if not space.constraint_holds_exactly(rpoint):
        return Exact("outside")
    try:
        e = unevaluated(space.exact_margin, rpoint)
    except Exception:  # noqa: BLE001  (a margin that needs SymPy's evaluation: the exact road below, timed)
        e = None
    try:
        if e is not None and not e.is_number:  # an unevaluated Piecewise of numeric conditions, say: the evaluated
            e = None  # road below decides it (and says so where the evaluated margin is no number either)
        fv = math.nan if e is None else float_value(e)
        big = e is not None and exact_bits(e) > MAX_EXACT_BITS
    except RecursionError:  # an unevaluated form too deep to walk: the evaluated road below decides it
        e, fv, big = None, math.nan, False
    if big:  # SymPy's exact powers would be too large
        sign, mid, bits = _ball(e)
        if sign is None:
            return Exact(f"error: ball arithmetic at {bits} bits cannot decide the sign of {_short(e)}, and its "
                         "exact powers are too large to evaluate exactly", _short(e), mid, "", fv)
        # the margin's code ran on unevaluated values: a branch on their form (`x == 0` on an unevaluated sum)
        # may differ from the evaluated run, so the ball is taken only where the margin's code, run as written
        # on HP_DIGITS-digit values, agrees with it
        hp = _hp_value(space, rpoint)
        if not abs(hp - mid) <= AGREE * (1 + abs(mid)):
            return Exact(f"error: the margin built unevaluated ({mid:.6g} by ball arithmetic) and run on "
                         f"{HP_DIGITS}-digit values ({hp:.6g}) disagree: the point is not verified", _short(e), mid,
                         "", fv)
        text = str(e)
        text = text if len(text) <= MAX_TEXT else f"{mid:.17g} (to the precision of ball arithmetic)"
        return Exact("fails" if sign < 0 else "holds", text, mid, f"ball arithmetic at {bits} bits", fv)
    try:
        ev = sympy.sympify(space.exact_margin(rpoint))
        if ev.is_Rational:
            return Exact("fails" if ev < 0 else "holds", _short(ev), float(ev), "exact", fv)
        sign, mid, bits = _ball(ev)
        if sign is not None:
            return Exact("fails" if sign < 0 else "holds", _short(ev), mid, f"ball arithmetic at {bits} bits", fv)
        text, val, neg = exact_value(ev)
    except Exception as exc:  # noqa: BLE001  (any error of a claim's exact margin is reported, not raised)
        return Exact(f"error: {type(exc).__name__}: {exc}", float_value=fv)
    return Exact("fails" if neg else "holds", _short(text), val, "50 digits", fv)


def _hp_value(space: SearchSpace, rpoint: Point) -> float:
    """The exact margin run as written on the point's non-integer rationals as :data:`HP_DIGITS`-digit SymPy
    floats (NaN where it raises or is not a real number)."""
    try:
        v = sympy.N(sympy.sympify(space.exact_margin(_hp_point(rpoint))), HP_DIGITS)
        return float(v) if v.is_real else math.nan
    except Exception:  # noqa: BLE001  (a cross-check: any failure leaves the point unverified)
        return math.nan


def _hp_point(v: Any) -> Any:
    if isinstance(v, dict):
        return {k: _hp_point(x) for k, x in v.items()}
    if isinstance(v, (list, tuple)):
        return type(v)(_hp_point(x) for x in v)
    if isinstance(v, sympy.MatrixBase):
        return v.applyfunc(_hp_point)
    if isinstance(v, sympy.Rational) and not v.is_Integer:
        return sympy.Float(v, HP_DIGITS)
    return v


def _ball(e: Any) -> tuple[int | None, float, int]:
    try:
        return ball_sign(e)
    except NotBallable:
        return None, math.nan, PRECISIONS[-1]


def _short(e: Any) -> str:
    text = str(e)
    return text if len(text) <= MAX_TEXT else text[: MAX_TEXT - 3] + "..."


def fails(space: SearchSpace, rpoint: Point) -> bool:
    """Whether the claim fails exactly at ``rpoint`` (:func:`verify` says ``"fails"``)."""
    return verify(space, rpoint)[0] == "fails"
