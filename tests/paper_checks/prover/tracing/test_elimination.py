"""The door's constraints (paper_checks.prover.tracing.relations): read from relations and formula strings (never
evaluated), eliminated where exact (a bound narrows, an equation pins or solves a variable, a disequation or a union
splits into cases, an affine relation becomes a gap), the rest kept as relations; every case's point told back in
the original variables, and every constraint decided exactly."""
from __future__ import annotations

import math

import pytest
import sympy
from sympy import Eq, Interval, Ne, Rational, oo, pi, sqrt

from label_noise_lab.theory.expressions import parse_formula
from paper_checks.prover.tracing import elimination, relations

x, y, z, s, c = sympy.symbols("x y z s c")


def _cases(expr, domain, rels, opened=None):
    dom = {v: (iv.start, iv.end) if isinstance(iv, Interval) else iv for v, iv in domain.items()}
    return elimination.eliminate(expr, dom, opened or {}, rels, set())


def _parse(text, syms):
    return parse_formula(text, syms)


def test_strings_are_read_by_the_grammar_with_a_lone_equals_and_nothing_is_evaluated():
    got = relations.read(["x**2 + y**2 <= 1", "s**2 = 1 + x", "x != 0"], [x, y, s], _parse)
    assert got == [sympy.Le(x**2 + y**2, 1), Eq(s**2, 1 + x), Ne(x, 0)]
    with pytest.raises(ValueError, match="constraints\\[0\\]"):
        relations.read(["__import__('os').system('true') >= 0"], [x], _parse)
    with pytest.raises(ValueError, match="one comparison"):
        relations.read(["0 <= x <= 1"], [x], _parse)
    with pytest.raises(TypeError, match="constraints\\[0\\]"):
        relations.read([x + 1], [x], _parse)
    assert relations.named(["s**2 = 1 + x", "exp(t) >= 1"], {x: (0, 1)}, {}) == [sympy.Symbol("s"),
                                                                                sympy.Symbol("t")]


def test_a_bound_on_one_variable_narrows_it_and_a_strict_one_opens_the_end():
    (case,) = _cases(x, {x: (-oo, oo)}, [sympy.Abs(x) < pi / 2, x >= -1])
    assert case.domain[x] == Interval.Ropen(-1, pi / 2) and not case.relations


def test_a_disequation_splits_the_interval_into_two_cases_open_at_the_point():
    cases = _cases(x, {x: (-1, 1)}, [Ne(x, 0)])
    assert sorted(str(k.domain[x]) for k in cases) == ["Interval.Lopen(0, 1)", "Interval.Ropen(-1, 0)"]


def test_an_equation_in_one_variable_pins_it():
    (case,) = _cases(x + y, {x: (0, 3), y: (0, 1)}, [Eq(x, Rational(79, 64))])
    assert case.domain[x] == sympy.FiniteSet(Rational(79, 64))


def test_a_square_root_with_its_sign_is_substituted_and_its_point_told_back():
    (case,) = _cases(s - 1, {x: (0, 3), s: (-oo, oo)}, [s >= 0, Eq(s**2, 1 + x)])
    assert case.expr == sqrt(x + 1) - 1 and s not in case.domain and not case.relations
    assert case.back({x: Rational(3)})[s] == 2


def test_a_square_root_without_a_sign_makes_two_cases_with_the_discriminant_a_bound():
    cases = _cases(s + c, {s: (-oo, oo), c: (-oo, oo)}, [Eq(s**2 + c**2, 1)])
    assert len(cases) == 2
    assert {str(k.domain.get(s, k.domain.get(c))) for k in cases} == {"Interval(-1, 1)"}


def test_an_odd_power_is_solved_by_its_real_root_and_a_linear_equation_by_its_coefficient_of_one_sign():
    (case,) = _cases(x - y, {x: Interval.Lopen(0, 1), y: (-oo, oo)}, [Eq(y**3, x)], {x: (True, False)})
    assert case.expr == x - x ** Rational(1, 3)
    (case,) = _cases(y, {x: (-1, oo), y: (-oo, oo)}, [Eq((1 + x) * y, x)], {x: (True, False)})
    assert sympy.simplify(case.expr - x / (1 + x)) == 0
    # where the coefficient may be 0 it is not divided by: the equation stays (two relations)
    (case,) = _cases(y, {x: (-2, 2), y: (-oo, oo)}, [Eq(x * y, 1)])
    assert case.expr == y and y in case.domain and len(case.relations) == 2


def test_an_affine_relation_becomes_a_gap_where_one_side_is_implied():
    (case,) = _cases(x - y, {x: Interval.open(0, oo), y: Interval.open(0, oo)}, [x < y],
                     {x: (True, False), y: (True, False)})
    (gap,) = [v for v in case.domain if v not in (x, y)]
    assert case.expr == -gap and case.domain[gap] == Interval.open(0, oo) and not case.relations
    (case,) = _cases(z - x - y, {x: (0, 1), y: (0, 1), z: (0, 2)}, [x + y <= z])
    (gap,) = [v for v in case.domain if v not in (x, y, z)]
    assert case.expr == gap and case.domain[gap] == Interval(0, 2)
    assert case.relations == [(2 - x - y - gap, False)]  # z's other end stays a relation


def test_a_relation_whose_margin_reads_the_quotient_becomes_a_ratio():
    """``0 < x < y < pi/2`` with the margin ``sin(x)/sin(y) - x/y``: ``x = r y``, ``r`` in ``(0, 1)``, the margin
    ``sin(r y)/sin(y) - r``; ``x``'s lower end above 0 stays a relation on ``r y``; a margin that reads neither the
    quotient nor a 0/0 at the origin keeps the gap."""
    sin = sympy.sin
    (case,) = _cases(sin(x) / sin(y) - x / y, {x: Interval.open(0, oo), y: Interval.open(-oo, pi / 2)}, [x < y],
                     {x: (True, False), y: (False, True)})
    (r,) = [v for v in case.domain if v not in (x, y)]
    assert case.expr == sin(r * y) / sin(y) - r and case.domain[r] == Interval.open(0, 1)
    assert case.domain[y] == Interval.open(0, pi / 2) and not case.relations
    assert case.back({r: Rational(1, 2), y: Rational(1)})[x] == Rational(1, 2)
    (case,) = _cases(x / y - 1, {x: Interval(Rational(1, 20), oo), y: Interval(0, 1)}, [x < y],
                     {x: (False, False), y: (False, False)})
    (r,) = [v for v in case.domain if v not in (x, y)]
    assert case.expr == r - 1 and case.relations == [(r * y - Rational(1, 20), False)]
    (case,) = _cases(sin(x) - sin(y), {x: Interval.open(0, oo), y: Interval.open(-oo, pi / 2)}, [x < y],
                     {x: (True, False), y: (False, True)})
    assert any("(the gap)" in n for n in case.notes)


def test_what_is_left_stays_a_relation_and_a_disequation_in_two_variables_is_said():
    (case,) = _cases(x, {x: (0, 1), y: (0, 1)}, [x**2 + y**2 <= 1, Ne(x, y)])
    assert case.relations == [(1 - x**2 - y**2, False)]
    assert case.unused == [Ne(x, y)] and any("not used" in n for n in case.notes)


def test_the_relations_bound_a_variable_on_the_line():
    (case,) = _cases(x, {x: (-oo, oo), y: (-oo, oo)}, [x**2 + y**2 <= 1])
    assert case.domain[x] == Interval(-1, 1) and case.domain[y] == Interval(-1, 1)


def test_a_false_ground_constraint_or_an_empty_interval_leaves_no_point():
    assert _cases(x, {x: (0, 1)}, [pi < 3])[0].empty
    assert _cases(x, {x: (0, 1)}, [x >= 2])[0].empty
    assert not _cases(x, {x: (0, 1)}, [pi > 3])[0].empty


def test_exact_decisions_never_guess():
    assert relations.holds_exactly(Eq(x**2, 2), {x: sqrt(2)}) is True
    assert relations.holds_exactly(x**2 < 2, {x: sqrt(2)}) is False
    assert relations.holds_exactly(x > 0, {x: sympy.exp(-1000)}) is True
    assert relations.sign_of(sympy.sin(pi) - 0) == 0
    assert relations.sign_of(sympy.Integer(0) * math.pi) == 0


def test_affine_relations_narrow_the_intervals_they_bound():
    """``0 < x < y < 2`` (x on a half-line, y below 2): y > 0 and x < 2, both open (the relation is strict), so the
    case is bounded where it had two unbounded ends; a non-strict relation from closed ends gives closed ends; a
    bound that would leave no point is not taken (the relations decide that)."""
    (case,) = _cases(y - x, {x: Interval.open(0, oo), y: Interval.open(-oo, 2)}, [x < y],
                     {x: (True, False), y: (False, True)})
    assert all(iv.start.is_finite and iv.end.is_finite for iv in case.domain.values()), case.domain
    assert any("bound y > 0" in n for n in case.notes) and any("bound x < 2" in n for n in case.notes)
    (case,) = _cases(z, {x: (0, 1), y: (0, 1), z: (-oo, oo)}, [x + y <= z, z <= 3 * x])
    assert any("bound z >= 0" in n for n in case.notes) and any("bound z <= 3" in n for n in case.notes)
    (case,) = _cases(x, {x: (0, 1), y: (2, 3)}, [y <= x])  # no point: the interval is left for the relation
    assert case.domain[x] == Interval(0, 1)


def test_a_root_keeps_the_radicand_as_the_equation_writes_it():
    """``s^2 = (x^2 + 1)(y^2 + 1)``, ``s > 0``: ``s = sqrt((x^2 + 1)(y^2 + 1))``, not its expansion, whose interval
    enclosure after a gap's shift goes below 0."""
    (case,) = _cases(s, {x: (0, 2), y: (0, 2), s: Interval.open(0, oo)}, [Eq(s**2, (x**2 + 1) * (y**2 + 1))],
                     {s: (True, False)})
    assert case.expr == sqrt((x**2 + 1) * (y**2 + 1))
    assert case.back({x: Rational(1), y: Rational(2)})[s] == sqrt(10)
