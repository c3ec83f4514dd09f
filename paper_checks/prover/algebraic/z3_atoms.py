"""z3 over atoms: a margin outside z3's fragment is put to it with each node outside the fragment (a power with a
coordinate in its exponent, ``exp``, ``log``, ...) a variable of its own, the same node the same variable, bounded by
its sign and its enclosure on the piece (:func:`paper_checks.prover.algebraic.fragment.decide` with ``atoms``); a
half-line's or the line's chart written out (:func:`~paper_checks.prover.tracing.unbounded.explicit`), a rational
function z3 reads, not an atom unbounded at its pole.

Every point of the piece gives a point of this abstraction, so ``unsat`` proves the margin ``>= 0`` wherever it is
real (the guards decide where it is). ``c max_k T_k^r - sum_k T_k^r`` with ``r = 1/(1 - q)`` holds whatever the
powers ``T_k^r >= 0`` are: z3 decides it at once, where the boxes see a power with an exponent that grows without
bound near ``q = 1`` (:mod:`paper_checks.prover.subproofs.power_compare` gives it that form). A model proves nothing and
is dropped. Re-checked independently: the atoms' bounds again in Arb's ball arithmetic, and z3's other route (the
if-then-else terms eliminated, then NLSAT alone) in a fresh context."""
from __future__ import annotations

import math
from fractions import Fraction
from typing import Any

import mpmath
import sympy

from paper_checks.prover.algebraic import fragment
from paper_checks.prover.algebraic.solver import Z3_MILLISECONDS
from paper_checks.prover.algebraic.z3_algebraic import decide_piece, hypotheses
from paper_checks.prover.closures.base import RECHECK_PREC, Check, Outcome, PieceGoal, PieceMethod, register
from paper_checks.prover.enclosures.balls import ball_lower
from paper_checks.prover.enclosures.bound import Closure, intervals
from paper_checks.prover.enclosures.boxes import Box
from paper_checks.prover.tracing.trace import IV, compile_expr, precision
from paper_checks.prover.tracing.unbounded import explicit

#: z3's time slice (milliseconds)
SLICE_MILLISECONDS = 1000
#: the most atoms (distinct nodes outside the fragment)
MAX_ATOMS = 12
#: the most bits of a bound put to z3 (numerator and denominator together); more is rounded outward
COARSE_BITS = 256


def _finite(x: float) -> Fraction | None:
    return Fraction(x) if math.isfinite(x) else None


def _coarse(f: Fraction | None, downward: bool) -> Fraction | None:
    """A bound with few digits for z3, rounded outward (``downward`` for a lower one): ``exp(-10^4)`` has an exact
    end of thousands of digits; one beyond ``2^128`` in size is dropped (unbounded on that side)."""
    if f is None or f.numerator.bit_length() + f.denominator.bit_length() <= COARSE_BITS:
        return f
    if abs(f) > 2**128:
        return None
    k = 2**64
    return Fraction(math.floor(f * k) if downward else math.ceil(f * k), k)


#: the size (a power of 2) beyond which an end is no bound (``_coarse`` drops it), and below which it is rounded
#: outward to 0 or to ``2^-SCALE_BITS``: ``e^(x^2/2)`` near a chart's pole has an end of ``2^(2 * 10^11)``, whose
#: exact digits do not fit in memory (a ``MemoryError`` in ``to_rational``)
SCALE_BITS = 130


def _exact_end(raw: Any, downward: bool = True) -> Fraction | None:
    """An end of an mpmath interval (its raw ``mpf`` tuple) as an exact ``Fraction``; None where it is not finite or
    beyond ``2^SCALE_BITS`` in size; one below ``2^-SCALE_BITS`` in size rounded outward (``downward`` for a lower
    end) to 0 or ``+-2^-SCALE_BITS``."""
    if raw in (mpmath.libmp.finf, mpmath.libmp.fninf, mpmath.libmp.fnan):
        return None
    sign, man, exp, bc = raw
    if man and exp + bc > SCALE_BITS:
        return None
    if man and exp + bc < -SCALE_BITS:
        tiny = Fraction(1, 2**SCALE_BITS)
        return (-tiny if sign else Fraction(0)) if downward else (Fraction(0) if sign else tiny)
    p, q = mpmath.libmp.to_rational(raw)
    return Fraction(int(p), int(q))


def enclosure(symbols: list[sympy.Symbol], box: Box, bits: int | None = None) -> fragment.Atoms:
    """A node's enclosure on ``box`` by the prover's interval arithmetic (mpmath; at ``bits`` of precision where
    given), its exact ends."""
    def bounds(e: sympy.Expr) -> tuple[Fraction | None, Fraction | None]:
        try:
            with precision(bits or IV.prec):
                v = compile_expr(e, symbols)(intervals(box))
        except (ValueError, TypeError, ZeroDivisionError):
            return None, None
        lo, hi = v._mpi_  # the exact ends (an end of ``ivmpf`` is itself an interval, not always a point)
        return _coarse(_exact_end(lo), True), _coarse(_exact_end(hi, downward=False), False)
    return bounds


def ball_enclosure(symbols: list[sympy.Symbol], box: Box) -> fragment.Atoms:
    """A node's enclosure on ``box`` by Arb's ball arithmetic (the re-check's), ends rounded outward, each side
    tightened by the interval arithmetic at the re-check's precision, which also bounds a side Arb cannot (a pole at
    an end of the box: ``1/(1 - q)`` at ``q = 1``, a ball holding 0 divided by), one-sided at such a pole."""
    fallback = enclosure(symbols, box, RECHECK_PREC)

    def bounds(e: sympy.Expr) -> tuple[Fraction | None, Fraction | None]:
        lo, neg_hi = ball_lower(e, symbols, box), ball_lower(-e, symbols, box)
        low = None if lo is None else _finite(math.nextafter(lo, -math.inf))
        high = None if neg_hi is None else _finite(-math.nextafter(neg_hi, -math.inf))
        # both enclosures are rigorous, so is the tighter of each side: a ball loses to the dependency problem where
        # endpoints do not (r/(r - 1) on [5/4, 4] is [4/3, 5]; as a ball, [-4.6, 16], below 0, so b^(r/(r - 1))
        # was no power of a nonnegative exponent and not bounded above: not algebraic in the re-check alone)
        f_lo, f_hi = fallback(e)
        low = f_lo if low is None else low if f_lo is None else max(low, f_lo)
        high = f_hi if high is None else high if f_hi is None else min(high, f_hi)
        return _coarse(low, True), _coarse(high, False)
    return bounds


def atoms_of(expr: sympy.Expr, symbols: list[sympy.Symbol]) -> list[sympy.Expr]:
    """The maximal nodes of ``expr`` outside z3's fragment (what becomes a variable)."""
    out: list[sympy.Expr] = []

    def walk(e: sympy.Expr) -> None:
        if e.is_Symbol or e.is_Rational or isinstance(e, sympy.logic.boolalg.Boolean):
            return
        if fragment.in_fragment(e, symbols):
            return
        if e.is_Add or e.is_Mul or isinstance(e, fragment.BRANCHES) or (e.is_Pow and e.exp.is_Rational):
            for a in e.args:
                walk(a)
            return
        if e not in out:
            out.append(e)
    walk(expr)
    return out


@register
class Z3Atoms(PieceMethod):
    """z3 on the margin with its nodes outside the fragment abstracted to bounded variables."""

    methods = ("z3 atoms",)

    def applies(self, goal: PieceGoal) -> bool:
        t = goal.t
        e = explicit(t.expr)
        if fragment.in_fragment(e, t.symbols):  # no atom: z3 first's (``Z3Algebraic``)
            return False
        n = len(atoms_of(e, t.symbols))
        return 0 < n <= MAX_ATOMS

    def step(self, goal: PieceGoal) -> Outcome | None:
        got = decide_piece(goal, SLICE_MILLISECONDS, enclosure(list(goal.t.symbols), goal.base),
                           expr=explicit(goal.t.expr))
        return Outcome(Closure(True, 0.0, "z3 atoms")) if got is not None and got[0] == "unsat" else None

    def recheck(self, check: Check) -> list[str]:
        t = check.t
        outcome, _ = fragment.decide(explicit(t.expr), t.symbols, check.base, check.rows, Z3_MILLISECONDS, recheck=True,
                                      strict=fragment.strict_ends(check.coords, check.base),
                                      atoms=ball_enclosure(list(t.symbols), check.base),
                                      hypotheses=hypotheses(check.relations))
        if outcome != "unsat":
            return [f"{check.where}: z3 re-run on the margin over atoms (Arb's bounds, fresh context, ite eliminated, "
                    f"NLSAT) says {outcome}, not unsat"]
        return []


__all__: list[Any] = ["Z3Atoms", "atoms_of", "ball_enclosure", "enclosure"]
