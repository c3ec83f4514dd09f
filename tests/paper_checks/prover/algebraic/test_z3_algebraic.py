"""z3 first on its fragment: radicals as auxiliary variables, Min/Max/Abs as if-then-else, decided before the normal
form and the boxes; a model is verified exactly before a counterexample is reported, and ``unsat`` is re-checked by
another route in a fresh context and by ball arithmetic."""
from __future__ import annotations

from fractions import Fraction

import pytest
import sympy

from paper_checks.prover import prove, prove_expr, recheck
from paper_checks.prover.algebraic import fragment
from tests.paper_checks.prover._spaces import real_space

R = sympy.Rational
F = Fraction
x, y = sympy.symbols("x y", real=True)

TRUE = {  # name -> (margin, bounds): each >= 0 on its box, each in the fragment
    "radical (AM-GM)": (lambda x, y: (x + y) / 2 - sympy.sqrt(x * y), (("x", 0, 4), ("y", 0, 4))),
    "cube root": (lambda x: 1 + x / 3 - (1 + x) ** R(1, 3), (("x", 0, 8),)),
    "Min/Max": (lambda x, y: sympy.Max(x, y) - sympy.Min(x, y) - sympy.Abs(x - y) + R(1, 10**6),
                (("x", -1, 1), ("y", -1, 1))),
    "Abs (triangle)": (lambda x, y: sympy.Abs(x) + sympy.Abs(y) - sympy.Abs(x + y), (("x", -2, 2), ("y", -2, 2))),
    "radical over a quotient": (lambda x: sympy.sqrt(x**2 + 1) - (x**2 + 2) / (2 * sympy.sqrt(x**2 + 1)) + R(1, 2),
                                (("x", -3, 3),)),
}
FALSE = {  # name -> (margin, domain): each < 0 somewhere
    "radical": (sympy.sqrt(x) - x - R(1, 5), {x: (0, 1)}),
    "Min/Max": (sympy.Min(x, 1 - x) - sympy.Max(x * y, R(1, 3)) + R(1, 10), {x: (0, 1), y: (0, 1)}),
    "Abs": (sympy.Abs(x - R(1, 3)) + sympy.Abs(y) - R(1, 1000), {x: (0, 1), y: (-1, 1)}),
}


@pytest.mark.parametrize("case", sorted(TRUE))
def test_true_margins_are_proved_by_z3_first_and_rechecked(case):
    fn, bounds = TRUE[case]
    space = real_space(fn, *bounds)
    res = prove(space, 2000, 300)  # 300 s: a hang guard only
    assert res.proved, (res.reason, res.remaining)
    assert "z3 algebraic" in res.certificate.methods()
    assert recheck(res.certificate, space) == []


@pytest.mark.parametrize("case", sorted(FALSE))
def test_false_margins_end_in_an_exact_counterexample(case):
    expr, dom = FALSE[case]
    res = prove_expr(expr, dom, 2000, 300)
    assert res.outcome == "counterexample", res.reason
    assert expr.xreplace({s: R(res.counterexample[str(s)]) for s in dom}) < 0  # exactly


def test_the_recheck_refuses_the_certificate_of_another_margin():
    space = real_space(TRUE["Abs (triangle)"][0], *TRUE["Abs (triangle)"][1])
    res = prove(space, 2000, 300)
    worse = real_space(lambda x, y: sympy.Abs(x) + sympy.Abs(y) - sympy.Abs(x + y) - R(1, 10), ("x", -2, 2),
                       ("y", -2, 2))
    assert any("z3 re-run on the algebraic margin" in p for p in recheck(res.certificate, worse))


def test_the_fragment_and_its_translation():
    assert fragment.in_fragment(sympy.sqrt(x * y) + sympy.Max(x, 1 / y), [x, y])
    assert not fragment.in_fragment(sympy.exp(x) - 1, [x])
    assert not fragment.in_fragment(x - sympy.Float(0.5), [x])
    box = [(F(0), F(1)), (F(0), F(1))]
    assert fragment.decide(sympy.exp(x), [x, y], box, [], 1000) == ("not algebraic", [])
    out, cands = fragment.decide(sympy.sqrt(x) - R(1, 2), [x, y], box, [], 5000)
    assert out == "sat" and all(c[0] < R(1, 4) for c in cands)
    # a quotient whose denominator vanishes in the box is never proved: 1 + |x|/x is nan at x = 0
    assert fragment.decide(1 + sympy.Abs(x) / x, [x, y], [(F(-1), F(1)), (F(0), F(1))], [], 5000)[0] == "sat"
    assert fragment.decide(1 + sympy.Abs(x) / x, [x, y], [(F(1, 2), F(1)), (F(0), F(1))], [], 5000)[0] == "unsat"


@pytest.mark.slow
def test_a_radical_on_the_whole_line_reaches_z3_through_its_chart():
    """The pseudo-Huber loss below Huber's, v on the line and delta in (0, 5]: the chart of v stays a node where the
    margin has a radical (the tail reads it); written out, u/(1 - u^2), it is in z3's fragment."""
    d = sympy.Symbol("d", positive=True)
    huber = x**2 / 2 - sympy.Max(0, sympy.Abs(x) - d) ** 2 / 2
    pseudo = d * sympy.sqrt(d**2 + x**2) - d**2
    dom = {x: (-sympy.oo, sympy.oo), d: sympy.Interval.Lopen(0, 5)}
    res = prove_expr(huber - pseudo, dom, seconds=300)
    assert res.proved and "z3 algebraic" in res.certificate.methods()
    assert prove_expr(huber - pseudo - R(1, 10**12), dom, seconds=300).outcome == "counterexample"


def test_an_open_end_is_strict_and_a_closed_one_is_not():
    from paper_checks.prover.tracing.symbols import Coordinate

    q, x = sympy.symbols("q x")
    coords = [Coordinate(q, "q", (), (Fraction(0), None)), Coordinate(x, "x", ())]
    box = [(Fraction(0), Fraction(1)), (Fraction(0), Fraction(1))]
    assert fragment.strict_ends(coords, box) == [(True, False), (False, False)]
    assert fragment.strict_ends(coords, [(Fraction(1, 2), Fraction(1)), box[1]]) == [(False, False)] * 2
    # 1/q is undefined at q = 0: a point of [0, 1], none of (0, 1]
    assert fragment.decide(x / q, [q, x], box, [], 2000)[0] == "sat"
    assert fragment.decide(x / q, [q, x], box, [], 2000, strict=[(True, False), (False, False)])[0] == "unsat"
