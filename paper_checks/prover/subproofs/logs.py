"""Two positive sides compared through their logarithms: ``A - B >= 0`` from ``log A - log B >= 0``, one sub-proof.

``e^x >= x^e`` on ``[0, 10]`` is tight at ``x = e``, an irrational point where both sides are ``e^e``: no box around
it closes, and the critical point is a root of ``e^x = e x^(e-1)``, which SymPy does not solve. In logarithms it
is ``x - e log x >= 0``, whose critical point ``x = e`` is a root of ``1 - e/x``. ``e^(x^2/2) >= cosh x`` on the
whole line is ``oo - oo`` at both poles of the chart; in logarithms, ``x^2/2 - log cosh x``, its derivative
``x - tanh x`` has a sign on a box at the pole, and the monotone step decides it by the limit there.

The margin is written ``m = A - B``, ``A`` the sum of its terms with a positive coefficient and ``B`` minus the
others (:func:`sides`). Where ``A > 0`` and ``B >= 0`` at every point of the piece, ``m >= 0`` exactly where
``log A >= log B`` (``log`` increasing on ``(0, oo)``; ``log 0 = -oo``, where ``m = A > 0``). Each log is written
out by :func:`log_of` with only the rules that hold on the piece:

- ``log(c f g ...) = log c + log f + log g + ...`` for a number ``c > 0`` and factors ``>= 0`` on the piece;
- ``log(exp(g)) = g`` (``g`` real);
- ``log(b^e) = e log b`` where ``b > 0`` on the piece, or ``b >= 0`` and ``e > 0`` (at ``b = 0`` both sides are
  ``-oo``);

a factor whose sign is not decided stays inside its log. The step is tried only where a side is one term with an
exponential or a power of a non-rational exponent, which the log takes apart (:func:`worth`), and it poses the
sub-problem only where the logs leave no such node that reads a coordinate (:func:`comparison`): the log of a sum
of powers (GCE's class sums, ``(1 - q) log 2 - log(f^q + (1 - f)^q)``) is no easier than the margin. A positive
constant factor of the margin is set aside first (the normal form writes ``x^x - e^(-1/e)`` as a product).
:func:`recheck` decides the signs again (SymPy's assumptions, else Arb and z3), derives the sub-problem again and
re-checks its certificate; it never trusts the run.

The closure here (:class:`Logarithms`, registered for :mod:`paper_checks.prover.schedule`): two positive sides compared
through their logarithms (:mod:`paper_checks.prover.subproofs.logs`): ``A - B >= 0`` from ``log A - log B >= 0``, one
sub-proof (``e^x >= x^e`` becomes ``x - e log x >= 0``, whose critical point SymPy solves). Re-checked by deciding the
signs again in Arb, deriving the sub-problem again and re-checking its certificate
(:func:`paper_checks.prover.subproofs.logs.recheck`).
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from fractions import Fraction
from typing import Any

import sympy

from paper_checks.prover.budget import Budget
from paper_checks.prover.closures.base import PieceGoal, SubproofMethod, register
from paper_checks.prover.critical.second import assumed
from paper_checks.prover.enclosures.balls import ball_lower
from paper_checks.prover.enclosures.bound import intervals
from paper_checks.prover.enclosures.boxes import Box
from paper_checks.prover.subproofs.power_compare import positive
from paper_checks.prover.subproofs.subproblem import coordinate_of, nested, proved_or_point, recheck_problem
from paper_checks.prover.tracing.symbols import Coordinate
from paper_checks.prover.tracing.trace import compile_expr, precision
from paper_checks.prover.tracing.unbounded import HalfChart, LineChart
from paper_checks.search.params import SearchSpace

#: how many of these steps may nest (the log of a log gains nothing)
MAX_DEPTH = 1


#: a sign test: whether an expression is ``>= 0`` (``strict``: ``> 0``) at every point of the piece
Sign = Callable[[sympy.Expr, bool], bool]


@dataclass
class LogComparison:
    """A piece closed by ``margin = log A - log B >= 0`` (:func:`log_of` of each side), proved on ``space`` by
    ``proof``."""

    positive_side: sympy.Expr
    negative_side: sympy.Expr
    margin: sympy.Expr
    space: SearchSpace
    proof: Any

    def why(self) -> str:
        return (f"{self.positive_side} >= {self.negative_side} through their logarithms: {self.margin} >= 0 "
                f"({self.proof.boxes} boxes)")


def sides(expr: sympy.Expr) -> tuple[sympy.Expr, sympy.Expr] | None:
    """``(A, B)`` with ``expr = A - B``: ``A`` the terms of the sum with a positive coefficient, ``B`` minus the
    others, each with its common factors drawn out (:func:`drawn_out`), after a positive constant factor is set
    aside (the normal form writes ``x^x - e^(-1/e)`` as
    ``e^(-1/e) (x^x e^(1/e) - 1)``); None where the margin is not a sum with terms of both signs."""
    if expr.is_Mul:
        constant, rest = expr.as_independent(*expr.free_symbols, as_Add=False)
        if constant.is_number and constant.is_positive and rest.is_Add:
            expr = rest
    if not expr.is_Add:
        return None
    pos: list[Any] = []
    neg: list[Any] = []
    for term in expr.args:
        c, _ = term.as_coeff_Mul()
        (pos if c > 0 else neg).append(term)
    if not pos or not neg:
        return None
    return drawn_out(sympy.Add(*pos)), drawn_out(-sympy.Add(*neg))


def drawn_out(side: sympy.Expr) -> sympy.Expr:
    """A sum with the factors common to all its terms drawn out, ``x^p y^2 + 2 x^p = x^p (y^2 + 2)``: one product the
    log takes apart. Shallow: the factors are compared as they stand, nothing inside them is rewritten."""
    if not side.is_Add:
        return side
    common = None
    for term in side.args:
        fs: dict[sympy.Expr, int] = {}
        for f in sympy.Mul.make_args(term):
            if not f.is_number:
                fs[f] = fs.get(f, 0) + 1
        common = fs if common is None else {f: min(k, fs[f]) for f, k in common.items() if f in fs}
    if not common:
        return side
    factor = sympy.Mul(*[f**k for f, k in common.items()])
    return factor * sympy.Add(*[sympy.Mul(*_without(term, common)) for term in side.args])


def _without(term: sympy.Expr, common: dict[sympy.Expr, int]) -> list[sympy.Expr]:
    left = dict(common)
    out = []
    for f in sympy.Mul.make_args(term):
        if left.get(f, 0) > 0:
            left[f] -= 1
        else:
            out.append(f)
    return out


def _opened(term: sympy.Expr) -> bool:
    """Whether ``term`` is one product with a factor the log takes apart: an exponential, or a power whose exponent
    is not a rational number."""
    if term.is_Add:
        return False
    for f in sympy.Mul.make_args(term):
        if isinstance(f, sympy.exp) or (f.is_Pow and not f.exp.is_Rational):
            return True
    return False


def worth(expr: sympy.Expr) -> bool:
    """Whether the step may gain something: the margin has two sides (:func:`sides`) and one of them is a product
    the log takes apart (:func:`_opened`)."""
    two = sides(expr)
    return two is not None and any(_opened(s) for s in two)


def _powers(e: sympy.Expr) -> int:
    """How many distinct exponentials and powers of a non-rational exponent ``e`` holds that read a coordinate."""
    return len({n for n in e.atoms(sympy.exp, sympy.Pow)
                if n.free_symbols and (isinstance(n, sympy.exp) or not n.exp.is_Rational)})


def log_of(e: sympy.Expr, sign: Sign) -> sympy.Expr:
    """``log e`` written out by the rules that hold where ``e > 0`` (the module docstring); ``sign(f, strict)``
    decides a factor's sign on the piece."""
    if isinstance(e, sympy.exp):
        return e.args[0]
    if e.is_Pow and (sign(e.base, True) or (sign(e.base, False) and sign(e.exp, True))):
        return e.exp * log_of(e.base, sign)
    if e.is_Mul:
        c, rest = e.as_coeff_Mul()
        factors = sympy.Mul.make_args(rest)
        if c > 0 and len(factors) > 1 and all(sign(f, False) for f in factors):
            return sympy.log(c) + sympy.Add(*[log_of(f, sign) for f in factors])
        if c > 0 and c != 1 and sign(rest, False):
            return sympy.log(c) + log_of(rest, sign)
    return sympy.log(e)


def _assumed(e: sympy.Expr, symbols: list[sympy.Symbol], box: Box) -> sympy.Expr:
    """``e`` with each coordinate a SymPy symbol that carries its sign on the piece
    (:func:`paper_checks.prover.critical.second.assumed`), and each chart of an unbounded coordinate
    (:mod:`paper_checks.prover.tracing.unbounded`, increasing and of its argument's sign on the open interval) a real
    symbol of its argument's sign: what SymPy's assumptions can read."""
    e = assumed(e, symbols, box)

    def chart_sign(a: sympy.Expr) -> dict[str, bool]:
        return ({"positive": True} if a.is_positive else {"nonnegative": True} if a.is_nonnegative
                else {"negative": True} if a.is_negative else {"nonpositive": True} if a.is_nonpositive else {})
    return e.replace(lambda n: isinstance(n, (HalfChart, LineChart)),
                     lambda n: sympy.Dummy(real=True, **chart_sign(n.args[0])))


#: the precision of the interval route of a re-check's signs
RECHECK_BITS = 200


def signs(symbols: list[sympy.Symbol], coords: list[Coordinate], box: Box, recheck: bool = False) -> Sign:
    """The sign test on the piece ``box``: SymPy's assumptions with each coordinate's sign on the piece
    (``x^e >= 0`` for ``x >= 0``, ``exp(g) > 0``); else ``> 0`` as
    :func:`paper_checks.prover.subproofs.power_compare.positive` decides it (an interval bound, else z3), ``>= 0`` the
    same way (Arb's ball or 200-bit intervals first in a re-check)."""
    memo: dict[tuple[sympy.Expr, bool], bool] = {}

    def sign(e: sympy.Expr, strict: bool) -> bool:
        if (e, strict) not in memo:
            known = _assumed(e, symbols, box)
            known = known.is_positive if strict else known.is_nonnegative
            if known is not None:
                memo[e, strict] = bool(known)
            elif e.is_Pow and e.exp.is_real is not False:  # b^r (r real) is > 0 where b > 0, >= 0 where b >= 0
                memo[e, strict] = sign(e.base, True) or (not strict and sign(e.base, False))
            elif e.is_Mul:  # a product of factors of that sign
                memo[e, strict] = all(sign(f, strict) for f in e.args)
            elif strict:
                memo[e, strict] = positive(e, symbols, coords, box, recheck)
            elif recheck:  # Arb's ball, else interval arithmetic at 200 bits: a ball holds the box [-2, 3] as
                # 0.5 +- 2.5 with its radius rounded up, and x + 2, 0 at the end, has a lower bound of -4e-9 there
                low = ball_lower(e, symbols, box)
                if low is None or low < 0:
                    with precision(RECHECK_BITS):
                        low = compile_expr(e, symbols)(intervals(box)).a
                memo[e, strict] = bool(low >= 0) or positive(e, symbols, coords, box, True, strict=False)
            else:  # an interval bound, else z3 (a tempered exponential's base t + x (1 - t) on a half-line)
                memo[e, strict] = positive(e, symbols, coords, box, strict=False)
        return memo[e, strict]
    return sign


def comparison(expr: sympy.Expr, sign: Sign) -> tuple[sympy.Expr, sympy.Expr, sympy.Expr] | None:
    """``(A, B, log A - log B)`` written out, where ``A > 0`` and ``B >= 0`` on the piece, a side is worth taking
    apart, and the logs hold no exponential and no power of a non-rational exponent that reads a coordinate; None
    otherwise."""
    two = sides(expr)
    if two is None or not any(_opened(s) for s in two):
        return None
    a, b = two
    if not (sign(a, True) and sign(b, False)):
        return None
    margin = log_of(a, sign) - log_of(b, sign)
    # the logs must take every exponential and power apart: erf's margin as the normal form writes it,
    # e^(x^2) erf x + 1 - e^(x^2), becomes log(e^(x^2) erf x + 1) - x^2, and GCE's class sum 2^(1-q) - f^q - (1-f)^q
    # becomes (1 - q) log 2 - log(f^q + (1-f)^q): the same powers inside a log, a sub-proof no easier (29 s of
    # gce18.eq7_bounds's 50 s went to such sub-proofs that did not close)
    return (a, b, margin) if _powers(margin) == 0 else None


def logs(expr: sympy.Expr, symbols: list[sympy.Symbol], box: Box, budget: Budget, coords: list[Coordinate]
         ) -> LogComparison | list[Fraction] | None:
    """Close ``expr >= 0`` on the piece (``box``) through the logarithms of its two sides (the module docstring);
    or a point of the piece where the sub-problem found ``log A < log B`` (there ``A < B``: exact, for the caller to
    verify on the margin and shrink); or None."""
    with nested("Logarithms", budget, MAX_DEPTH) as stop:
        if stop is None:
            return None
        try:
            found = comparison(expr, signs(symbols, coords, box))
        except (TypeError, ValueError, ZeroDivisionError):  # a sign the interval engine cannot bound
            return None
        if found is None:
            return None
        a, b, margin = found
        proved = proved_or_point(margin, symbols, box, coords, f"{expr} through its logarithms", stop.left(),
                                 lambda pt: None if any(c.index for c in coords) else
                                 [coordinate_of(pt, s, c) for s, c in zip(symbols, coords)])
        if not isinstance(proved, tuple):
            return proved
        return LogComparison(a, b, margin, *proved)


def recheck(rec: LogComparison, expr: sympy.Expr, symbols: list[sympy.Symbol], box: Box,
            coords: list[Coordinate]) -> list[str]:
    """Why ``rec`` does not close ``expr >= 0`` on ``box`` (empty: it does): the sides and their signs decided again
    (Arb, z3's other route), the sub-problem derived again and its certificate re-checked."""
    try:
        found = comparison(expr, signs(symbols, coords, box, recheck=True))
    except (TypeError, ValueError, ZeroDivisionError):
        found = None
    if found is None:
        return ["the margin's sides are not A > 0 and B >= 0 on the piece again"]
    a, b, margin = found
    if (a, b) != (rec.positive_side, rec.negative_side) or margin != rec.margin:
        return ["the logarithms' sub-problem derived again is not the recorded one"]
    return recheck_problem(rec.space, rec.proof, margin, symbols, coords, box, "the logarithms' sub-problem")


@register
class Logarithms(SubproofMethod):
    """A margin's two sides compared through their logarithms."""

    methods = ("through logarithms",)
    record = LogComparison
    find = staticmethod(logs)
    check_record = staticmethod(recheck)

    def applies(self, goal: PieceGoal) -> bool:
        return worth(goal.t.expr)
