"""A coordinate read through roots of one affine base that is 0 at an end, proved in the root (``roots.py``)."""
from __future__ import annotations

from fractions import Fraction

import pytest
import sympy

from paper_checks.prover import prove, prove_expr, recheck
from paper_checks.prover.subproofs.roots import substitution
from paper_checks.prover.subproofs.subproblem import reals
from tests.paper_checks.prover._spaces import real_space

x, y = sympy.symbols("x y", real=True)
HANG = 300  # seconds: generous, so that the load never decides an outcome
F = Fraction


def test_the_substitution_writes_each_root_as_a_power_of_the_root():
    """``sqrt(x) sin(sqrt(x)) - x + x^2/6`` on ``[0, 4]``: ``V = sqrt(x)`` on ``[0, 2]``; ``(2 - 2y)^(3/2)`` on
    ``[0, 1]``: ``V = sqrt(2 - 2y)`` on ``[0, sqrt 2]``, the irrational end rounded up, and ``y = 1 - V^2/2``."""
    m = sympy.sqrt(x) * sympy.sin(sympy.sqrt(x)) - x + x**2 / 6
    sub = substitution(m, [x], [(F(0), F(4))], reals([x]))
    v = sub.root
    assert sub.order == 2 and sub.base == x and sub.box == ((F(0), F(2)),)
    assert sympy.expand(sub.margin - (v * sympy.sin(v) - v**2 + v**4 / 6)) == 0
    sub = substitution((2 - 2 * y) ** sympy.Rational(3, 2) - y, [y], [(F(0), F(1))], reals([y]))
    lo, hi = sub.box[0]
    assert lo == 0 and sympy.sqrt(2) <= sympy.Rational(hi.numerator, hi.denominator) < sympy.sqrt(2) + 2**-39
    assert sub.margin == sub.root**3 - (1 - sub.root**2 / 2)


@pytest.mark.parametrize("margin, box", [
    (sympy.sqrt(x) * sympy.sin(sympy.sqrt(x)) - x, [(F(0), F(4))]),      # the base x is 0 at the end 0
    (sympy.sqrt(x) - x, [(F(1, 4), F(1))]),                             # 0 at no end: not taken
    (sympy.sqrt(x) + sympy.sqrt(1 - x), [(F(0), F(1))]),                  # two bases: not taken
])
def test_when_the_substitution_is_taken(margin, box):
    got = substitution(margin, [x], box, reals([x]))
    assert (got is not None) == (box[0][0] == 0 and len({p.base for p in margin.atoms(sympy.Pow)}) == 1)


@pytest.mark.slow
def test_a_margin_not_analytic_at_its_tight_end_is_proved_in_the_root(without_bounds):
    space = real_space(lambda x: sympy.sqrt(x) * sympy.sin(sympy.sqrt(x)) - x + x**2 / 6, ("x", 0, 4))
    res = prove(space, 10**6, HANG)
    assert res.proved, res.reason
    assert "in the root" in res.certificate.methods()
    assert recheck(res.certificate, space) == []


@pytest.mark.slow
def test_below_the_bound_the_root_hands_back_a_point_of_the_piece():
    """``sqrt(x) sin(sqrt(x)) - x + x^2/6 - x^3/50`` is negative near ``x = 4`` (``V = 2``): the counterexample is an
    exact point of ``[0, 4]``, negative there."""
    m = sympy.sqrt(x) * sympy.sin(sympy.sqrt(x)) - x + x**2 / 6 - x**3 / 50
    res = prove_expr(m, {x: (0, 4)}, seconds=HANG)
    assert res.outcome == "counterexample"
    at = sympy.Rational(res.counterexample["x"])
    assert 0 <= at <= 4 and m.subs(x, at).evalf(50) < 0
