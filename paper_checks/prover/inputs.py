"""The prover's door: every argument of :func:`~paper_checks.prover.prove.prove` and
:func:`~paper_checks.prover.prove_expr.prove_expr` checked before any work, with one ``ValueError`` or
``TypeError`` line that names the argument and quotes its value.

A formula given as a string is read by :func:`label_noise_lab.theory.expressions.parse_formula` (the whitelist
grammar of every user's formula, with the domain's and simplices' symbols as its names): it is never
``sympify``'d, so ``"__import__('os').system(...)"`` is refused, not run. The ends of an interval are
exact: an ``int``, a ``float`` (every finite double is a binary fraction, so ``1e300`` and
``5e-324`` are exact), a ``Fraction``, a SymPy rational (``Rational(1, 20)``) or a numeric string read by
the same grammar. An end that is not a double (``1/3``) is kept exactly:
:func:`~paper_checks.prover.prove_expr.prove_expr` rescales that symbol exactly onto ``[0, 1]``; ``low == high``
pins the symbol.
"""
from __future__ import annotations

import math
import numbers
from fractions import Fraction
from typing import Any, Mapping

import sympy

from label_noise_lab.theory.expressions import parse_formula, parse_number
from label_noise_lab.theory.validators import quoted
from paper_checks.deadline import limit_seconds
from paper_checks.search.params import SearchSpace
from paper_checks.work import units as work_units


def _quote(v: Any) -> str:
    return quoted(v, 80)  # one way to quote a value (label_noise_lab.theory.validators), a 5,000-digit end included


def whole(name: str, v: Any, low: int) -> int:
    """``v`` as an ``int`` of at least ``low`` (an integer type, never a ``bool``, a float or a string)."""
    if isinstance(v, bool) or not isinstance(v, numbers.Integral):
        raise TypeError(f"{name} must be a whole number, got {type(v).__name__} {_quote(v)}")
    if v < low:
        raise ValueError(f"{name} must be at least {low}, got {_quote(v)}")
    return int(v)


#: the least work budget (units) a call passes on to :func:`~paper_checks.prover.prove.prove` after its own work
LEAST_WORK = 0.01
#: the work budget (units of :mod:`paper_checks.work`) of a proof given only ``seconds``, per second: the budget
#: decides on a quiet 2-core laptop, and the wall-clock net fires only on a slower or busier machine (and says so)
WORK_PER_SECOND = 0.75


def proof_work(given: Any = None, seconds: Any = None, *, precision: str | None = None,
               declared: float = 0.0) -> float:
    """The work budget of a proof (units of :mod:`paper_checks.work`), the one rule of every door (``run``,
    ``explore --prove``, ``api.prove_claim``, ``api.search_then_prove``, ``pytest --claims``, ``prove_expr``):
    ``given`` where the caller gave one (checked by :func:`paper_checks.work.units`); for a claim, its precision's
    (:data:`paper_checks.context.PROVE_WORK`) or the larger budget its domain declares its proof needs
    (``SearchSpace.proof_work``, ``declared``); for a bare formula given only a net, :data:`WORK_PER_SECOND` times
    ``seconds``."""
    if given is not None:
        return work_units("prove: work", given)
    if precision is not None:
        from paper_checks.context import PROVE_WORK  # the precisions' budgets, beside the precisions

        if precision not in PROVE_WORK:
            raise ValueError(f"prove: precision must be one of {sorted(PROVE_WORK)}, got {_quote(precision)}")
        d = float(declared or 0.0)
        return max(PROVE_WORK[precision], d if math.isfinite(d) else 0.0)
    if seconds is None:
        raise ValueError("prove: give a work budget (work=) or a time limit (seconds=); both are None")
    return WORK_PER_SECOND * limit_seconds("prove: seconds", seconds)


def seconds(name: str, v: Any) -> float:
    """``v`` as a time limit by the package's one rule, :func:`paper_checks.deadline.limit_seconds`: a
    finite, positive number of seconds up to :data:`~paper_checks.deadline.MAX_SECONDS` (compared before
    any conversion: ``10**400`` is refused, not an ``OverflowError``)."""
    return limit_seconds(name, v)


def budget_and_time(budget: Any, secs: Any, search_first: Any = 0, seed: Any = 0,
                    shrink_evals: Any = 0) -> tuple[int, float | None]:
    """``budget`` and ``secs`` checked (at least one box; finite, positive seconds, or ``None``: no wall-clock
    net of the call's own), the rest too."""
    budget = whole("prove: budget", budget, 1)
    secs = None if secs is None else seconds("prove: seconds", secs)
    n = whole("prove: search_first", search_first, 0)
    if 0 < n < 10:
        raise ValueError(f"prove: search_first must be 0 (no search) or at least 10 evaluations, got {n!r}")
    whole("prove: seed", seed, 0)
    whole("prove: shrink_evals", shrink_evals, 0)
    return budget, secs


def prove_arguments(sp: Any, budget: Any, secs: Any, search_first: Any, seed: Any,
                    shrink_evals: Any, work: Any = None) -> tuple[int, float | None, float]:
    """The checked arguments of :func:`~paper_checks.prover.prove.prove`: a :class:`SearchSpace` with an
    exact margin, and the rest by :func:`budget_and_time` and :func:`paper_checks.work.units`; returns the budget,
    the seconds (the wall-clock net) and the work budget (``None``: :data:`WORK_PER_SECOND`
    times the seconds)."""
    if not isinstance(sp, SearchSpace):
        raise TypeError(f"prove: space must be a SearchSpace, got {type(sp).__name__} {_quote(sp)}")
    if sp.exact_margin is None:
        raise ValueError("prove: the space needs an exact_margin (the margin on exact values) to be proved")
    for p in sp.params:
        for end in ("low", "high"):
            v = getattr(p, end, 0)
            if not isinstance(v, numbers.Real) or (isinstance(v, sympy.Basic) and not v.is_Rational):
                # pi/2: a SymPy constant the boxes cannot start from
                raise TypeError(f"prove: the {end} end of {p.name!r} must be a rational (int, Fraction, "
                                f"sympy.Rational) or a Python float, got {type(v).__name__} {_quote(v)}; prove_expr "
                                "takes an exact real constant such as pi/2 (it writes the symbol low + (high - low) t, "
                                "t in [0, 1])")
    budget, secs = budget_and_time(budget, secs, search_first, seed, shrink_evals)
    return budget, secs, proof_work(work, secs)


def _end(s: sympy.Symbol, which: str, v: Any) -> Fraction | float | sympy.Expr:
    """One end of the interval of ``s``, exactly (a finite rational; a float is its own binary value; an exact
    real constant such as ``pi/2``, a SymPy number with no symbol), or ``-inf``/``inf`` for ``-oo`` as a low end
    or ``oo`` as a high end."""
    what = f"prove_expr: the {which} end of the interval of {s}"
    shown = _quote(v)
    if (v is -sympy.oo or v == -math.inf) if which == "low" else (v is sympy.oo or v == math.inf):
        return math.inf if which == "high" else -math.inf  # an unbounded side (paper_checks.prover.tracing.unbounded)
    if v in (sympy.oo, -sympy.oo, sympy.zoo) or (isinstance(v, float) and math.isinf(v)):
        raise ValueError(f"{what} must be a rational number or {'-oo' if which == 'low' else 'oo'}, got {shown}")
    if isinstance(v, str):
        v = parse_number(v, what)
    if isinstance(v, sympy.Expr):
        if v.is_Rational or v.is_Float and v.is_finite:
            v = Fraction(int(sympy.Rational(v).p), int(sympy.Rational(v).q))
        elif v.is_real is False:
            raise TypeError(f"{what} must be a real number, got {shown}")
        elif v.is_number and v.is_real and v.is_finite and not v.has(sympy.Float, sympy.nan, sympy.zoo):
            return v  # an exact real constant (pi/2): prove_expr charts the interval onto [0, 1]
        else:
            raise ValueError(f"{what} must be a rational number or an exact real constant, got {shown}")
    if isinstance(v, bool) or not isinstance(v, numbers.Real):
        raise TypeError(f"{what} must be a real number, got {type(v).__name__} {shown}")
    if not isinstance(v, numbers.Rational):
        if not math.isfinite(float(v)):
            raise ValueError(f"{what} must be finite, got {shown}")
        v = Fraction(float(v))
    return Fraction(v)


def open_ends(d: Mapping[Any, Any]) -> dict[sympy.Symbol, tuple[bool, bool]]:
    """Which finite ends each interval of ``d`` leaves open: those of a ``sympy.Interval``
    (``Interval.Ropen(-oo, 1)``: ``x < 1``); a pair ``(low, high)`` is closed."""
    return {s: (bool(iv.left_open) and iv.start.is_finite is not False, bool(iv.right_open) and
                iv.end.is_finite is not False) if isinstance(iv, sympy.Interval) else (False, False)
            for s, iv in d.items()}


def domain(d: Any) -> dict[sympy.Symbol, tuple[Fraction, Fraction]]:
    """``d`` as ``{symbol: (low, high)}`` with exact ends, ``low <= high`` (equal ends pin the symbol); a
    ``sympy.Interval`` gives its ends (:func:`open_ends` says which it leaves open)."""
    if not isinstance(d, Mapping):
        raise TypeError(f"prove_expr: domain must be a dict {{symbol: (low, high)}}, got {type(d).__name__} "
                        f"{_quote(d)}")
    out = {}
    for s, iv in d.items():
        if not isinstance(s, sympy.Symbol):
            raise TypeError(f"prove_expr: the keys of domain must be SymPy symbols, got {type(s).__name__} "
                            f"{_quote(s)}")
        try:
            pair = ([iv.start, iv.end] if isinstance(iv, sympy.Interval) else
                    None if isinstance(iv, (str, bytes, Mapping, sympy.Set)) else list(iv))
        except TypeError:
            pair = None
        if pair is None or len(pair) != 2:
            raise ValueError(f"prove_expr: the interval of {s} must be a pair (low, high) or a sympy.Interval, "
                             f"got {_quote(iv)}")
        lo, hi = _end(s, "low", pair[0]), _end(s, "high", pair[1])
        if not lo <= hi or lo == hi == math.inf or lo == hi == -math.inf:
            raise ValueError(f"prove_expr: the interval of {s} needs low <= high, got {_quote(tuple(pair))}")
        out[s] = (lo, hi)
    return out  # type: ignore[return-value]


def simplices(v: Any, taken: set[sympy.Symbol]) -> dict[str, list[sympy.Symbol]]:
    """``v`` as ``{name: [p_0, ..., p_(d-1)]}``: at least two distinct symbols each, none of them in the
    domain or another simplex."""
    if v is None:
        return {}
    if not isinstance(v, Mapping):
        raise TypeError(f"prove_expr: simplices must be a dict {{name: [symbols]}}, got {_quote(v)}")
    out, seen = {}, set(taken)
    for name, syms in v.items():
        if not (isinstance(name, str) and name.isidentifier()):
            raise ValueError(f"prove_expr: a simplex's name must be an identifier, got {_quote(name)}")
        if isinstance(syms, (str, bytes)) or not isinstance(syms, (list, tuple)) or len(syms) < 2 or \
                not all(isinstance(s, sympy.Symbol) for s in syms):
            raise ValueError(f"prove_expr: simplex {name!r} must be a list of at least two SymPy symbols, "
                             f"got {_quote(syms)}")
        if seen & set(syms) or len(set(syms)) != len(syms):
            raise ValueError(f"prove_expr: simplex {name!r} repeats a symbol of the domain or of a simplex: "
                             f"{_quote(syms)}")
        seen |= set(syms)
        out[name] = list(syms)
    return out


def expression(e: Any, symbols: list[sympy.Symbol]) -> sympy.Expr:
    """``e`` as a real SymPy expression: a string is read by the whitelist grammar in ``symbols`` (never
    evaluated), a SymPy expression or a real number is taken as it is."""
    if isinstance(e, str):
        try:
            return parse_formula(e, symbols, "expression")
        except ValueError as exc:
            raise ValueError(f"prove_expr: {exc}") from None
    if isinstance(e, bool) or not isinstance(e, (sympy.Expr, numbers.Real)) or isinstance(e, complex):
        raise TypeError(f"prove_expr: expr must be a SymPy expression or a formula string, got "
                        f"{type(e).__name__} {_quote(e)}")
    e = sympy.sympify(e, strict=True)
    if e.is_number and e.is_real is False:
        raise ValueError(f"prove_expr: expr must be real, got {_quote(e)}")
    return e


def expr_arguments(e: Any, d: Any, budget: Any, secs: Any, simp: Any) -> tuple[
        sympy.Expr, dict[sympy.Symbol, tuple[Fraction, Fraction]], dict[str, list[sympy.Symbol]]]:
    """The checked arguments of :func:`~paper_checks.prover.prove_expr.prove_expr`: its expression, domain
    and simplices (``budget`` and ``secs`` are checked and left to :func:`prove`)."""
    dom = domain(d)
    simp = simplices(simp, set(dom))
    budget_and_time(budget, secs)
    return expression(e, list(dom) + [s for syms in simp.values() for s in syms]), dom, simp
