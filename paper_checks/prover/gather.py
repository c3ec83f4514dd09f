"""Where the open boxes of an undecided proof gather, and what that says (an honest ``undecided``).

:func:`gathering` takes the open boxes of lowest bound and says where they lie (their hull in the
piece: inside, on a face ``x = end`` or at a vertex), the margin and its gradient at the hull's centre
(enclosures in interval arithmetic, reported as floats), which case it is, and what would decide it.
Where interval arithmetic cannot bound the margin below there, the margin is evaluated exactly at the
centre (:func:`exact_at`), so that the case says what is true: the margin is not real there (undefined
on the domain, e.g. ``log(x - 2)`` on ``[0, 1]``), a pole (not bounded there, e.g. ``1/x + log(x)`` at
``x = 0``), undefined as written with a limit, or finite with an unbounded derivative (``x**x`` at 0).
"""
from __future__ import annotations

import heapq
import math
from fractions import Fraction
from operator import itemgetter
from typing import Any, Callable

import mpmath
import sympy

from paper_checks import work
from paper_checks.deadline import TimedOut
from paper_checks.prover.enclosures.bound import intervals
from paper_checks.prover.enclosures.boxes import Box, status
from paper_checks.prover.tracing.trace import Traced

#: the open boxes of lowest bound whose hull is reported
GATHER = 50
#: work units SymPy may spend on the exact value (or one-sided limit) of the margin at the hull's centre
EXACT_VALUE_WORK = 2.0


def _inside(v: Fraction, lo: Fraction, hi: Fraction) -> str:
    """The side a one-sided limit at ``v`` comes from: from inside the piece ``[lo, hi]``."""
    return "-" if v == hi and lo != hi else "+"


def exact_at(t: Traced, c: list[Fraction], base: Box, along: int | None = None,
             seconds: float = EXACT_VALUE_WORK) -> str:
    """What the margin is at the exact point ``c``, in words: ``"not real ..."``, ``"a pole ..."``,
    ``"undefined as written, its limit ..."``, ``"<value>"``; ``""`` where SymPy does not say in ``seconds``.
    Where it is undefined as written (``nan``), its one-sided limit from inside ``base`` along coordinate
    ``along`` (the others substituted; the only one when ``t`` has one), if given."""
    subs = {s: sympy.Rational(v.numerator, v.denominator) for s, v in zip(t.symbols, c)}
    at = ", ".join(f"{s} = {v}" for s, v in subs.items())
    try:
        with work.limit(seconds):
            val = sympy.sympify(t.expr.xreplace(subs))
            k = 0 if along is None and len(t.symbols) == 1 else along
            if val.has(sympy.nan) and k is not None:
                s, v, (lo, hi) = t.symbols[k], c[k], base[k]
                rest = t.expr.xreplace({o: w for o, w in subs.items() if o != s})
                lim = sympy.limit(rest, s, subs[s], _inside(v, lo, hi))
                if lim.is_infinite or lim.has(sympy.zoo):
                    return f"a pole: the margin is not bounded at {at} (its limit from inside the piece is {lim})"
                if lim.is_real and lim.is_finite:
                    return f"undefined as written at {at}; its limit from inside the piece is {lim}"
            if val.has(sympy.nan):
                return f"undefined at {at} as written ({val})"
            if val.is_infinite or val.has(sympy.zoo):
                return f"a pole: the margin is not bounded at {at} (it is {val} there)"
            num = sympy.N(val, 30)
            if num.is_real is False or (num.is_number and sympy.im(num) != 0):
                return (f"not real at {at} (it is {num.evalf(6)}: the log or a root of a negative number), so "
                        "undefined on the domain there")
            return f"{num.evalf(15)} at {at}" if num.is_real else ""
    except TimedOut:
        return ""
    except (TypeError, ValueError, NotImplementedError, ZeroDivisionError, RecursionError, AttributeError):
        return ""


def mid(v: Any) -> float | None:
    """The midpoint of an interval as a float (None where an end is not finite). Read from its raw ends:
    ``float`` of an mpmath interval of positive width raises ``ValueError``."""
    try:
        lo, hi = (mpmath.libmp.to_float(e) for e in v._mpi_)
    except (TypeError, ValueError, AttributeError):
        return None
    return (lo + hi) / 2 if math.isfinite(lo) and math.isfinite(hi) else None


def gathering(boxes: list[tuple[float, Box]], t: Traced, base: Box, names: list[str],
              inside: Callable[[list[Fraction]], bool] | None = None,
              seconds: float = EXACT_VALUE_WORK) -> dict[str, Any]:
    """Where ``boxes`` (``(lower bound, box)`` of one piece and conjunct, lowest first) gather in ``base``, the
    lowest box's cluster (those whose centres lie within an eighth of the piece of its centre along every side);
    ``inside``: whether an exact point lies in the piece's region (no exact value is reported outside it);
    ``seconds``: for SymPy's exact value there (:func:`exact_at`)."""
    boxes = boxes[:GATHER]
    # the cluster of the lowest box: boxes at both ends of a line (the poles of its chart) are two places, not
    # one in the middle
    first = boxes[0][1]
    boxes = [(k, b) for k, b in boxes if all(abs((b0 + b1) - (f0 + f1)) <= (hi - lo) / 4
                                             for (b0, b1), (f0, f1), (lo, hi) in zip(b, first, base))]
    hull = [(min(b[k][0] for _, b in boxes), max(b[k][1] for _, b in boxes)) for k in range(len(base))]
    on = [(h0 == lo or h1 == hi) and h1 - h0 < (hi - lo) / 2 for (h0, h1), (lo, hi) in zip(hull, base)]
    faces = [f"{n} = {lo if h0 == lo else hi}" for n, (h0, h1), (lo, hi), f in zip(names, hull, base, on) if f]
    narrow = all(h1 - h0 <= (hi - lo) / 16 for (h0, h1), (lo, hi) in zip(hull, base))
    where = ("at a vertex" if faces and len(faces) == len(names) else f"on the face {', '.join(faces)}" if faces
             else "inside the piece")
    c = [(h0 + h1) / 2 for h0, h1 in hull]
    at = intervals([(v, v) for v in c])
    value = mid(t.value(at))
    grad = [mid(g(at)) for g in t.grads] if t.grads is not None else None
    lows = [k for k, _ in boxes if k > -math.inf]
    # exactly at the face or vertex the boxes gather on (its end), else at the hull's centre
    point = [(lo if h0 == lo else hi) if f else v for v, f, (h0, _), (lo, hi) in zip(c, on, hull, base)]
    ok = inside is None or inside(point)
    along = on.index(True) if on.count(True) == 1 else None
    exact = exact_at(t, point, base, along, seconds) if ok and (not lows or value is None) and seconds > 0 else ""
    if exact.startswith("not real"):
        case = f"the margin is {exact}: no proof exists on this domain"
        decide = "a domain on which the margin is real, or a margin defined on the whole domain"
    elif exact.startswith("a pole"):
        case = f"{exact}; interval arithmetic cannot bound it below near there"
        decide = "a form of the margin bounded on the closed domain, or a domain away from the pole"
    elif not lows:
        case = ("the margin is unbounded below in interval arithmetic there (undefined, infinite, or a power of 0)"
                + (f"; exactly, the margin is {exact} (finite: it is a derivative, or a power of 0, that "
                   "intervals cannot bound there)" if exact and exact[0] in "-0123456789" else
                   f"; exactly, the margin is {exact}" if exact else ""))
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
            "where": where, "margin_at_centre": value, "exact_at_centre": exact or None,
            "gradient_at_centre": dict(zip(names, grad)) if grad is not None else None,
            "case": case, "would_decide": decide}


def _box_text(pc: Any, box: Box) -> dict[str, Any]:
    return {"piece": pc.piece.to_json(), "box": {n: [float(lo), float(hi)] for n, (lo, hi) in zip(pc.names, box)}}


def remaining(st: Any, pcs: list[Any], gather: bool = True, alarm_grace: float = 0.75) -> dict[str, Any]:
    """What is left of a proof (:func:`paper_checks.prover.prove.prove`'s state ``st``, its traced pieces ``pcs``): the
    open boxes, the lowest, and (``gather``) where they gather, within ``alarm_grace / 2`` units past its budget."""
    key = itemgetter(0)  # the lowest few by a partial sort: a heap of a million boxes is not sorted whole
    parts = [(k, i, j, box) for k, _, i, j, _, box in st.heap] + [(k, i, j, box) for i, j, _, box, k in st.stuck]
    lows = [k for k, *_ in parts if k > -math.inf]
    out = {"open_boxes": len(parts), "stuck_boxes": len(st.stuck),
           "smallest_lower_bound": min(lows) if lows else None, "unbounded_below": len(parts) - len(lows),
           "lowest": [_box_text(pcs[i], box) for _, i, _, box in heapq.nsmallest(5, parts, key=key)]}
    if parts and gather:
        _, i, j, _ = min(parts, key=key)
        pc = pcs[i]
        try:
            out["gathering"] = {"piece": pc.piece.to_json(), "conjunct": j,
                                **gathering([(k, b) for k, i2, j2, b in heapq.nsmallest(
                                    GATHER, (r for r in parts if r[1:3] == (i, j)), key=key)],
                                            pc.written[j] if j < len(pc.written) else pc.parts[j], pc.base, pc.names,
                                            lambda x: status([(v, v) for v in x], pc.coords) == "inside",
                                            min(EXACT_VALUE_WORK, st.work.stop + alarm_grace / 2 - work.now()))}
        except (ValueError, TypeError, ZeroDivisionError, ArithmeticError) as exc:
            out["gathering"] = {"error": f"{type(exc).__name__}: {exc}"}
    return out
