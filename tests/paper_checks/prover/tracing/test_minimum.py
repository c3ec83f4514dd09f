"""The kinks a margin subtracts, taken apart: the margin is the least of its conjuncts, exactly."""
from __future__ import annotations

import random

import pytest
import sympy

from paper_checks.prover.tracing.minimum import MOST_CONJUNCTS, as_minimum

x, y = sympy.symbols("x y", real=True)


@pytest.mark.parametrize("expr, n", [
    (sympy.Rational(1, 100) - sympy.Abs(x - x ** 3 / 6 - sympy.sin(x)), 2),
    (1 - sympy.Max(x, y, x * y), 3),
    (2 + 3 * sympy.Min(x, y ** 2), 2),
    (3 - sympy.Abs(x) - sympy.Abs(y) - sympy.Abs(x - y), 8),
    (sympy.Min(x, 1 - x, y), 3),
])
def test_the_least_conjunct_is_the_margin_at_random_points(expr, n):
    parts = as_minimum(expr)
    assert len(parts) == n and not any(p.has(sympy.Abs) for p in parts if not expr.has(sympy.Min))
    rng = random.Random(7)
    for _ in range(50):
        at = {x: sympy.Rational(rng.randint(-400, 400), 97), y: sympy.Rational(rng.randint(-400, 400), 89)}
        assert sympy.N(min(p.subs(at) for p in parts) - expr.subs(at), 30) == 0


@pytest.mark.parametrize("expr", [
    1 + sympy.Abs(x),          # a kink that the margin adds is no minimum
    x - 2 * sympy.Min(x, y),   # minus a minimum is a maximum
    1 + sympy.Max(x, y),
    sympy.Abs(x) - 1,
])
def test_a_kink_that_makes_no_minimum_is_left_as_it_is(expr):
    assert as_minimum(expr) == [expr]


def test_no_more_conjuncts_than_the_limit_and_still_the_margin():
    expr = 4 - sum(sympy.Abs(x - k * y) for k in range(4))  # 16 conjuncts in full
    parts = as_minimum(expr)
    assert len(parts) <= MOST_CONJUNCTS
    at = {x: sympy.Rational(3, 7), y: sympy.Rational(-5, 11)}
    assert min(p.subs(at) for p in parts) == expr.subs(at)


def test_the_prover_proves_each_conjunct_of_an_error_bound():
    """``1/100 - |x - x^3/6 - sin x|`` on ``[0, 1]``: the error of the cubic is at most ``1/120``."""
    from paper_checks.prover import prove_expr

    res = prove_expr(sympy.Rational(1, 100) - sympy.Abs(x - x ** 3 / 6 - sympy.sin(x)), {x: (0, 1)}, work=6)
    assert res.outcome == "proved"
    neighbour = prove_expr(sympy.Rational(1, 130) - sympy.Abs(x - x ** 3 / 6 - sympy.sin(x)), {x: (0, 1)}, work=6)
    assert neighbour.outcome == "counterexample"  # 1/130 < 1/120 - 1/5040 + ...: false at x = 1
