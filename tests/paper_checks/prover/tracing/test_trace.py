"""The tracer: symbols, the whitelist, and enclosures that contain the exact values."""
from __future__ import annotations

from fractions import Fraction

import mpmath
import pytest
import sympy

from paper_checks import registry
from paper_checks.prover.enclosures.bound import intervals
from paper_checks.prover.enclosures.boxes import exact_point, initial_box, pieces
from paper_checks.prover.tracing.charts import chart
from paper_checks.prover.tracing.trace import (
    Untraceable,
    compile_expr,
    decide_on,
    decided_comparisons,
    derivative,
    domain_bounds,
    hull,
    symbolic_point,
    trace,
)
from paper_checks.search.params import Real, SearchSpace
from tests.paper_checks.prover._spaces import mae_gce_space

x, y = sympy.symbols("x y")


@pytest.mark.parametrize("expr", [x * (1 - x), sympy.log(1 + x) - x, sympy.exp(-x) * x ** 3,
                                  sympy.sqrt(x) + sympy.Abs(x - sympy.Rational(1, 2)),
                                  sympy.Max(x, 1 - x) - sympy.Min(x, y), x ** sympy.Rational(1, 3), (x + 1) ** y])
def test_enclosure_contains_exact_values(expr):
    f = compile_expr(expr, [x, y])
    box = [hull(sympy.Rational(1, 8), sympy.Rational(3, 4)), hull(sympy.Rational(1, 4), 1)]
    enc = f(box)
    for a in (Fraction(1, 8), Fraction(1, 3), Fraction(3, 4)):
        for b in (Fraction(1, 4), Fraction(1, 2), Fraction(1)):
            v = sympy.N(expr.subs({x: sympy.Rational(a.numerator, a.denominator),
                                   y: sympy.Rational(b.numerator, b.denominator)}), 30)
            assert enc.a <= mpmath.mpf(str(v)) <= enc.b


def test_outside_the_whitelist_is_refused():
    with pytest.raises(Untraceable, match="gamma"):
        compile_expr(sympy.gamma(x), [x])
    with pytest.raises(Untraceable, match="no coordinate"):
        compile_expr(x + y, [x])


def test_undefined_arguments_give_the_whole_line():
    f = compile_expr(sympy.log(x - sympy.Rational(1, 2)), [x])
    assert f([hull(0, 1)]).a == -mpmath.inf
    g = compile_expr(1 / x, [x])
    assert g([hull(-1, 1)]).a == -mpmath.inf


def test_a_function_with_limits_at_both_infinities_stays_in_its_range_across_a_pole():
    """``atan(P/Q)`` where ``Q``'s enclosure holds 0 (a pole of the extended reals, or the interval's dependency
    alone): ``atan``, ``tanh``, ``erf`` and ``erfc`` stay in their closed ranges; ``sin`` has no limit there, and the
    log or a root of a part below 0 is no pole: each stays the whole line."""
    box = [hull(-1, 1)]
    at = compile_expr(sympy.atan(1 / x) ** 2 + 1, [x])(box)
    assert at.a == 1 and mpmath.mpf(2.2) < at.b < mpmath.mpf(3.5)  # [1, 1 + pi^2/4]
    assert compile_expr(sympy.tanh((x + 1) / x), [x])(box) == mpmath.iv.mpf([-1, 1])
    assert compile_expr(sympy.erfc(1 / x) - 3, [x])(box) == mpmath.iv.mpf([-3, -1])
    for e in (sympy.sin(1 / x), sympy.atan(sympy.sqrt(x)), sympy.atan(sympy.log(x))):
        assert compile_expr(e, [x])(box).a == -mpmath.inf, e


def test_simplex_coordinate_is_one_minus_the_others():
    pt, coords = symbolic_point(mae_gce_space(), {}, {"f": (1,)})
    f = pt["f"]
    assert sympy.simplify(sum(f) - 1) == 0 and [str(c.symbol) for c in coords] == ["f[0]", "f[2]", "q"]


def test_trace_refuses_a_margin_that_compares_symbols():
    from paper_checks.search.params import Real, SearchSpace

    space = SearchSpace((Real("x", 0, 1),), lambda p: 0.0, lambda p: p["x"] if p["x"] > 0 else -p["x"])
    with pytest.raises(Untraceable, match="cannot be evaluated on symbols"):
        trace(space, {}, {})


def test_a_pole_at_an_end_of_an_integer_power_encloses_to_infinity():
    """1/x on [0, 1/4] is [4, +oo] (its limit at 0, as -log 0 = +oo), not the whole line; a pole inside is."""
    x = sympy.Symbol("x", real=True)
    iv = mpmath.iv
    f = compile_expr(1 / x, [x])
    assert f([iv.mpf([0, 0.25])]).a == 4 and f([iv.mpf([0, 0.25])]).b == mpmath.inf
    assert f([iv.mpf([-0.25, 0])]).b == -4 and f([iv.mpf([-0.25, 0])]).a == -mpmath.inf
    assert compile_expr(x**-2, [x])([iv.mpf([-0.5, 0])]).a == 4
    assert f([iv.mpf([-1, 1])]).a == -mpmath.inf and f([iv.mpf([-1, 1])]).b == mpmath.inf


@pytest.mark.parametrize("lo, hi", [(0, 0.1), (0, 1), (0.2, 0.5), (0.5, 3), (0, 0), (1e-9, 1e-3)])
def test_x_log_x_is_enclosed_as_one_function(lo, hi):
    """x log x (and 3 y x log x) encloses every value on a grid of the box (a plain loop), and at x = 0 its
    limit 0, where the product of the intervals of x and log x is unbounded below."""
    import math

    x, y = sympy.symbols("x y", real=True)
    enc = compile_expr(3 * y * x * sympy.log(x), [x, y])([mpmath.iv.mpf([lo, hi]), mpmath.iv.mpf([1, 2])])
    assert enc.a > -mpmath.inf
    for k in range(201):
        v = lo + (hi - lo) * k / 200
        for w in (1.0, 1.5, 2.0):
            val = 0.0 if v == 0 else 3 * w * v * math.log(v)
            assert enc.a - 1e-12 <= val <= enc.b + 1e-12


def test_piecewise_takes_the_branch_its_condition_decides_else_the_hull():
    e = sympy.Piecewise((x ** 2, x <= y), (x, True))
    f = compile_expr(e, [x, y])
    below = f([hull(0, sympy.Rational(1, 5)), hull(sympy.Rational(3, 10), sympy.Rational(1, 2))])
    above = f([hull(sympy.Rational(3, 5), sympy.Rational(7, 10)), hull(sympy.Rational(3, 10), sympy.Rational(1, 2))])
    both = f([hull(sympy.Rational(2, 5), sympy.Rational(7, 10)), hull(sympy.Rational(3, 10), sympy.Rational(1, 2))])
    assert below.b <= mpmath.mpf("0.05") and above.a >= mpmath.mpf("0.59")
    assert both.a <= mpmath.mpf("0.16") and both.b >= mpmath.mpf("0.7")  # x^2 at 2/5 and x at 7/10: the hull
    partial = compile_expr(sympy.Piecewise((1, x < 0), (2, x > 1)), [x])  # undefined on [0, 1]
    assert partial([hull(sympy.Rational(1, 5), sympy.Rational(3, 10))]).a == -mpmath.inf
    assert partial([hull(-1, -sympy.Rational(1, 2))]).a == 1


@pytest.mark.parametrize("e", [sympy.Piecewise((1 - x, x <= sympy.Rational(1, 2)), (x, True)),
                               sympy.Max(x, 1 - x), sympy.Abs(x - y)])
def test_no_gradient_across_a_condition_or_a_kink(e):
    with pytest.raises(Untraceable, match="no derivative"):
        derivative(e, x)
    assert derivative(sympy.Piecewise((x * y, y <= sympy.Rational(1, 2)), (x, True)), x) == \
        sympy.Piecewise((y, y <= sympy.Rational(1, 2)), (1, True))


def _branching_space(low: float) -> SearchSpace:
    """A margin written with Python's ``if``, as a user writes one: ``a - 2 + b/4`` where ``a >= 2`` (else -1)."""
    def exact(pt):
        a, b = pt["a"], pt["b"]
        return a - 2 + b / 4 if a >= 2 else -1
    return SearchSpace((Real("a", low, 3.0), Real("b", 0.0, 1.0)), lambda pt: 0.0, exact, description="branches")


def test_a_comparison_in_the_margins_code_is_decided_on_the_domain():
    t, _ = trace(_branching_space(2.0), {}, {})  # a >= 2 holds on the whole domain: that path is traced
    assert not t.expr.has(sympy.Piecewise) and "a" in {str(s) for s in t.expr.free_symbols}
    with pytest.raises(Untraceable, match="Piecewise, Max or Min"):  # b vs 1 - b differs on [0, 1]
        trace(SearchSpace((Real("b", 0.0, 1.0),), lambda pt: 0.0, lambda pt: max(pt["b"], 1 - pt["b"])), {}, {})
    with pytest.raises(Untraceable, match="truth value"):  # a >= 2 fails on part of [1, 3]
        trace(_branching_space(1.0), {}, {})
    # a point of the unit circle has norm exactly 1: decided by cancel where intervals straddle 1
    s = sympy.Symbol("s", real=True)
    assert decide_on(((1 - s**2) / (1 + s**2)) ** 2 + (2 * s / (1 + s**2)) ** 2 <= 1, {s: hull(-3, 3)}) is True
    assert decide_on(s >= 2, {s: hull(1, 3)}) is None


@pytest.mark.slow  # about 1 s or more: out of README's quick command, in CI's slow run
@pytest.mark.parametrize("claim_id", ["ghosh17.uniform_tolerance", "ghosh17.class_dependent_tolerance",
                                      "gce18.eq7_bounds", "gce18.thm1_uniform", "gce18.thm2_class_dependent",
                                      "gce18.eq10_bounds", "gce18.eq11_k03", "dmi19.properties",
                                      "dmi19.mi_not_invariant", "dmi19.dmi_order_invariant",
                                      "imae19.notes_logit_vs_param", "le19.margin_symmetric"])
def test_catalogue_margins_are_traced(claim_id):
    """Every catalogue claim that declares a domain is traced on symbols (its last piece, where the simplex
    coordinates are eliminated last), and its enclosure holds the exact value at a point of the piece."""
    space, _, _ = chart(registry.load()[claim_id].space())  # a half-line or the line onto a box, as prove() does
    pc = pieces(space)[-1]
    t, coords = trace(space, dict(pc.integers), dict(pc.eliminated))
    box = initial_box(space, coords)
    x0 = [lo + (hi - lo) / 7 for lo, hi in box]
    point = exact_point(space, pc, coords, x0)
    exact = sympy.N(sympy.sympify(space.exact_margin(point)), 30)
    enc = t.value(intervals([(v, v) for v in x0]))
    assert enc.a <= mpmath.mpf(str(exact)) <= enc.b


@pytest.mark.slow  # about 1 s or more: out of README's quick command, in CI's slow run
@pytest.mark.parametrize("claim_id", ["le19.margin_robust", "le19.triplet_robust"])
def test_le19_order_margins_evaluate_on_symbols(claim_id):
    """le19's order claims compare alpha >= 2 and a point's norm <= 1 in theory code: decided on the domain."""
    space = registry.load()[claim_id].space()
    point, coords = symbolic_point(space, {}, {})
    with decided_comparisons(domain_bounds(space, coords)):
        e = sympy.sympify(space.exact_margin(point))
    assert e.free_symbols <= {c.symbol for c in coords} and not e.has(sympy.Piecewise)
