"""Bounding functions (:mod:`paper_checks.prover.algebraic.bounding`): every bound holds at the function's true value,
checked against mpmath at 50 digits (the series' coefficients) and through z3 (the constraints as z3 reads them admit
the true value, bracketed to 1e-40, at every level); the rewriting keeps the margin's value."""
from __future__ import annotations

import math
from fractions import Fraction

import mpmath
import pytest
import sympy
import z3
from hypothesis import given, settings
from hypothesis import strategies as st

from paper_checks.prover.algebraic import fragment
from paper_checks.prover.algebraic.bounding import (
    LEVELS,
    Bounds,
    Exp,
    atan_coefficient,
    common_exponentials,
    cos_series,
    rewritten,
    sin_series,
    taylor_exp,
)
from paper_checks.prover.subproofs.exponential import through_exp

x, y = sympy.symbols("x y", real=True)


def _poly(coeffs: list[Fraction], u: mpmath.mpf) -> mpmath.mpf:
    return sum(mpmath.mpf(c.numerator) / c.denominator * u**k for k, c in enumerate(coeffs))


def test_the_series_coefficients():
    assert taylor_exp(3) == [1, 1, Fraction(1, 2), Fraction(1, 6)]
    assert [atan_coefficient(k) for k in range(3)] == [1, Fraction(2, 3), Fraction(8, 15)]
    assert cos_series(2) == [1, 0, Fraction(-1, 2), 0, Fraction(1, 24)]
    assert sin_series(1) == [0, 1, 0, Fraction(-1, 6)]


@pytest.mark.slow
@settings(max_examples=60, deadline=None)
@given(st.fractions(min_value=-30, max_value=30, max_denominator=97), st.integers(0, 6))
def test_each_plain_loop_bound_holds(u, level):
    """The theorems the families state, evaluated in plain loops (no z3): Taylor's odd-degree bounds on exp,
    Euler's series with its geometric tail on atan, the alternating partial sums of sin and cos."""
    with mpmath.workdps(50):
        _bounds_hold(mpmath.mpf(u.numerator) / u.denominator, level)


def _bounds_hold(v: mpmath.mpf, level: int) -> None:
    n = 2 * level + 1
    assert _poly(taylor_exp(n), v) <= mpmath.exp(v)
    back = _poly(taylor_exp(n), -v)
    assert back <= 0 or mpmath.exp(v) * back <= 1
    terms = [atan_coefficient(k) * v**(2 * k + 1) / (1 + v * v) ** (k + 1) for k in range(level + 1)]
    tail = atan_coefficient(level + 1) * v * (v * v / (1 + v * v)) ** (level + 1)
    a = mpmath.atan(v)
    assert (sum(terms) <= a <= sum(terms) + tail) if v >= 0 else (sum(terms) + tail <= a <= sum(terms))
    even, odd = (level + 1, level + 2) if level % 2 else (level + 2, level + 1)
    assert _poly(cos_series(odd), v) <= mpmath.cos(v) <= _poly(cos_series(even), v)
    low, high = _poly(sin_series(odd), v), _poly(sin_series(even), v)
    assert (low <= mpmath.sin(v) <= high) if v >= 0 else (high <= mpmath.sin(v) <= low)


def _admits(node: sympy.Expr, at: Fraction, level: int) -> bool:
    """Whether z3 finds the bounds of ``node`` (of ``x``, at ``x = at``) satisfiable with its variable within
    1e-40 of the node's true value (mpmath, 50 digits)."""
    true = sympy.N(node.subs(x, sympy.Rational(at.numerator, at.denominator)), 60)
    lo, hi = (Fraction(str(sympy.Float(true - sympy.Float("1e-40"), 60))),
              Fraction(str(sympy.Float(true + sympy.Float("1e-40"), 60))))
    ctx = z3.Context()
    b = fragment._Builder([x], ctx, lambda e: (None, None), Bounds(level))
    v = b.term(node)
    s = z3.Solver(ctx=ctx)
    s.add(b.vars[0] == z3.RealVal(str(at), ctx), *b.side, v >= z3.RealVal(str(lo), ctx), v <= z3.RealVal(str(hi), ctx))
    return s.check() == z3.sat


@pytest.mark.parametrize("level", [0, 3, LEVELS[-1]])
@pytest.mark.parametrize("node", [sympy.exp(x), sympy.log(x), sympy.atan(x), sympy.sin(x), sympy.cos(x),
                                  sympy.exp(sympy.sin(x))], ids=str)
def test_z3_reads_each_family_so_that_the_true_value_is_admitted(node, level):
    for at in (Fraction(-7, 2), Fraction(-1, 3), Fraction(0), Fraction(1, 7), Fraction(5, 4), Fraction(19, 2)):
        if node.has(sympy.log) and at <= 0:
            continue
        assert _admits(node, at, level), (node, at, level)


def test_a_bound_of_the_wrong_direction_would_be_caught():
    """The check above can fail: ``exp`` with ``v`` bracketing a value 1 % below the true one is refused."""
    ctx = z3.Context()
    b = fragment._Builder([x], ctx, lambda e: (None, None), Bounds(3))
    v = b.term(sympy.exp(x))
    s = z3.Solver(ctx=ctx)
    s.add(b.vars[0] == 1, *b.side, v == z3.RealVal(str(Fraction(math.e * 0.99)), ctx))
    assert s.check() == z3.unsat


def test_unknown_levels_are_refused():
    with pytest.raises(ValueError, match="level"):
        Bounds(LEVELS[-1] + 1)


def test_exponentials_of_rational_multiples_share_one_node():
    assert common_exponentials(sympy.exp(x) - 1 - x * sympy.exp(x / 2)) == Exp(x / 2) ** 2 - 1 - x * Exp(x / 2)
    two = common_exponentials(sympy.exp(x + 1) + sympy.exp(-x))
    assert two.atoms(Exp) and len(two.atoms(Exp)) == 1 and not two.atoms(sympy.exp) - {sympy.exp(1)}
    assert common_exponentials(sympy.exp(x) + sympy.exp(y)) == sympy.exp(x) + sympy.exp(y)  # two arguments
    assert common_exponentials(sympy.exp(x / 1000) + sympy.exp(x)) == sympy.exp(x / 1000) + sympy.exp(x)  # power 1000
    # the same argument written two ways (a chart's -u/(1 - u^2) and u/(u^2 - 1)) is one node
    u = sympy.Symbol("u", real=True)
    one = common_exponentials(sympy.exp(-u / (1 - u**2)) + sympy.exp(u / (u**2 - 1)) + sympy.exp(u / (1 - u**2)))
    assert len(one.atoms(Exp)) == 1


@pytest.mark.parametrize("expr", [sympy.tanh(x) * sympy.sinh(2 * x), sympy.tan(x) + sympy.sec(x) ** 2,
                                  2**x - sympy.cot(x), sympy.exp(x) - x * sympy.exp(x / 2) + sympy.cosh(x**2)], ids=str)
def test_the_rewriting_keeps_the_value(expr):
    got = rewritten(expr).replace(Exp, sympy.exp)
    for at in (sympy.Rational(-3, 7), sympy.Rational(1, 3), sympy.Rational(6, 5)):
        assert abs(sympy.N(got.subs(x, at) - expr.subs(x, at), 30)) < 1e-25


def test_hyperbolic_functions_through_exp_leave_powers_alone():
    """``rewrite(exp)`` would write ``x^2`` in ``cosh(x^2)`` as ``exp(2 log x)``, a node no closure reads."""
    assert through_exp(sympy.cosh(x**2)) == (sympy.exp(x**2) + sympy.exp(-x**2)) / 2
