"""Where the open boxes of an undecided proof gather, and what that says (an honest ``undecided``).

:func:`gathering` takes the open boxes of lowest bound and says where they lie (their hull in the
piece: inside, on a face ``x = end`` or at a vertex), the margin and its gradient at the hull's centre
(enclosures in interval arithmetic, reported as floats), which case it is, and what would decide it.
"""
from __future__ import annotations

import math
from fractions import Fraction
from typing import Any

import mpmath

from paper_checks.prover.bound import intervals
from paper_checks.prover.boxes import Box
from paper_checks.prover.trace import Traced

#: the open boxes of lowest bound whose hull is reported
GATHER = 50


def _mid(v: Any) -> float | None:
    try:
        if not (mpmath.isfinite(v.a) and mpmath.isfinite(v.b)):
            return None
        return float((v.a + v.b) / 2)
    except (TypeError, ValueError, AttributeError):
        return None


def gathering(boxes: list[tuple[float, Box]], t: Traced, base: Box, names: list[str]) -> dict[str, Any]:
    """Where ``boxes`` (``(lower bound, box)`` of one piece and conjunct, lowest first) gather in ``base``."""
    boxes = boxes[:GATHER]
    hull = [(min(b[k][0] for _, b in boxes), max(b[k][1] for _, b in boxes)) for k in range(len(base))]
    faces = [f"{n} = {lo if h0 == lo else hi}" for n, (h0, h1), (lo, hi) in zip(names, hull, base)
             if (h0 == lo or h1 == hi) and h1 - h0 < (hi - lo) / 2]
    narrow = all(h1 - h0 <= (hi - lo) / 16 for (h0, h1), (lo, hi) in zip(hull, base))
    where = ("at a vertex" if faces and len(faces) == len(names) else f"on the face {', '.join(faces)}" if faces
             else "inside the piece")
    c = [(h0 + h1) / 2 for h0, h1 in hull]
    at = intervals([(v, v) for v in c])
    value = _mid(t.value(at))
    grad = [_mid(g(at)) for g in t.grads] if t.grads is not None else None
    lows = [k for k, _ in boxes if k > -math.inf]
    if not lows:
        case = "the margin is unbounded below in interval arithmetic there (undefined, infinite, or a power of 0)"
        decide = "a form of the margin defined on the closed domain, or its limit there"
    elif narrow and value is not None and abs(value) < 1e-6:
        case = ("a minimum of 0 (or within 1e-6 of it) " + where + ": no exact critical point with a PSD Hessian "
                "was found there")
        decide = ("an exact critical point (rational, or the set it lies on) where the margin and its gradient "
                  "vanish, with the Hessian positive semidefinite around it; or a factor of known sign pulled out")
    elif narrow:
        case = f"the boxes gather {where}, where the margin is {value:.3g}" if value is not None else \
            f"the boxes gather {where}"
        decide = "more boxes or time (the bounds there are still loose)"
    else:
        case = "open boxes spread over the piece: the bounds are loose (interval dependency)"
        decide = "more boxes or time, or the margin written so that each variable appears fewer times"
    return {"hull": {n: [float(h0), float(h1)] for n, (h0, h1) in zip(names, hull)},
            "centre": {n: str(Fraction(v).limit_denominator(10**6)) for n, v in zip(names, c)},
            "where": where, "margin_at_centre": value,
            "gradient_at_centre": dict(zip(names, grad)) if grad is not None else None,
            "case": case, "would_decide": decide}
