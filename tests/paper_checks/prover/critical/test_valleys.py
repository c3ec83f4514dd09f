"""Valleys (a minimum of 0 along a curve or surface), exact irrational critical points and zeros of high
order: proposed by :mod:`paper_checks.prover.critical.valleys`, checked and closed by
:mod:`paper_checks.prover.critical.second`, each proof re-checked from its certificate."""
from __future__ import annotations

from fractions import Fraction

import pytest
import sympy

from paper_checks.prover import prove, prove_expr, recheck
from paper_checks.prover.critical.second import critical_at, psd_closes
from paper_checks.prover.critical.valleys import _solve, _tower, candidates, near
from paper_checks.prover.tracing.trace import compile_traced, derivative
from paper_checks.search.params import Real, SearchSpace, SimplexPoint
from tests.paper_checks.prover._spaces import real_space

R, log, exp, sqrt = sympy.Rational, sympy.log, sympy.exp, sympy.sqrt
F = Fraction
x, y = sympy.symbols("x y", real=True)


#: seconds: far above any case's time (the box budget, not the load, ends a run that stops deciding)
HANG_GUARD = 300


def _proved(space, seconds=HANG_GUARD):
    res = prove(space, 20000, seconds)
    assert res.outcome == "proved", (res.reason, res.remaining)
    assert recheck(res.certificate, space) == []
    return res


def _gibbs(c):
    """Gibbs' inequality with both distributions free: sum_i p_i log(p_i / q_i) >= 0, 0 wherever q = p."""
    def exact(pt):
        return sum(a * log(a) - a * log(b) for a, b in zip(pt["p"], pt["q"]))

    return SearchSpace((SimplexPoint("p", c), SimplexPoint("q", c)), lambda pt: float(sympy.N(exact(pt))), exact,
                       description=f"Gibbs, c = {c}")


def test_the_stationarity_in_one_coordinate_proposes_the_valley():
    t = compile_traced(x * log(x) - x * log(y) + (1 - x) * log(1 - x) - (1 - x) * log(1 - y), [x, y])
    found = list(candidates(t, []))
    assert {0: y} in found and {1: x} in found


def test_a_valley_is_checked_exactly():
    """The set must hold the margin at 0 and its gradient in the fixed coordinates at 0, identically."""
    base = [(F(0), F(1)), (F(0), F(1))]
    t = compile_traced((x + y) / 2 - sqrt(x * y), [x, y])
    crit = critical_at(t, {1: x}, base)
    assert crit is not None and crit.lower == 0 and crit.ends
    assert psd_closes(crit, [(F(1, 2), F(9, 16)), (F(1, 2), F(9, 16))])
    assert critical_at(t, {1: x / 2}, base) is None  # the margin is not 0 on y = x/2
    assert critical_at(compile_traced((x - y) ** 2 + x - y, [x, y]), {1: x}, base) is None  # gradient not 0


def test_near_measures_the_distance_to_the_set_in_box_widths():
    t = compile_traced((x - y) ** 2, [x, y])
    assert near({1: x}, t, [(F(1, 2), F(5, 8)), (F(1, 2), F(5, 8))])
    assert not near({1: x}, t, [(F(0), F(1, 8)), (F(7, 8), F(1))])


@pytest.mark.slow  # about 1 s or more: out of README's quick command, in CI's slow run
@pytest.mark.parametrize("c", [2, 3])
def test_gibbs_with_both_distributions_free(c):
    res = _proved(_gibbs(c))
    assert "hessian" in res.certificate.methods() and any("valley" in n for n in res.notes)


@pytest.mark.slow
@pytest.mark.parametrize("name, expr, domain", [
    ("Pinsker, binary", x * log(x) - x * log(y) + (1 - x) * log(1 - x) - (1 - x) * log(1 - y) - 2 * (x - y) ** 2,
     {x: (0, 1), y: (R(1, 10), R(9, 10))}),
    ("AM-GM with a square root", (x + y) / 2 - sqrt(x * y), {x: (0, 1), y: (0, 1)}),
    ("Young, p = 3, along x = sqrt(y)", x**3 / 3 + 2 * y ** R(3, 2) / 3 - x * y, {x: (0, 2), y: (0, 2)}),
    ("Jensen for log", log((x + y) / 2) - (log(x) + log(y)) / 2, {x: (R(1, 10), 2), y: (R(1, 10), 2)}),
    ("a zero of order 4 along x = y", exp(x - y) + exp(y - x) - 2 - (x - y) ** 2, {x: (0, 1), y: (0, 1)}),
])
def test_valleys_of_two_coordinates_are_proved(name, expr, domain):  # z3 proves some of them first: the boxes only
    res = prove_expr(expr, domain, seconds=HANG_GUARD, exact_first=False)
    assert res.outcome == "proved", (name, res.reason)
    assert any("valley" in n for n in res.notes)


def test_an_exact_irrational_critical_point_closes_its_boxes():
    """x log x + 1/e >= 0 on [0, 1]: 0 at x = 1/e, where d/dx = log x + 1 solves exactly."""
    res = _proved(real_space(lambda x: x * log(x) + exp(-1), ("x", 0, 1)))
    assert any("exp(-1)" in n and "exact critical point" in n for n in res.notes)


@pytest.mark.slow
def test_a_zero_of_order_4_at_an_end_is_closed_by_taylor(without_logarithms, without_bounds, without_removable):
    """e^x >= 1 + x + x^2/2 + x^3/6 on [0, 2]: the derivatives up to the third vanish at 0, the fourth is e^x (the
    box's model divided by x^4 at the piece's end, ``removable``, closes it first where it runs: left out here)."""
    res = _proved(real_space(lambda x: exp(x) - 1 - x - x**2 / 2 - x**3 / 6, ("x", 0, 2)))
    assert "taylor" in res.certificate.methods()


def test_an_odd_order_zero_needs_the_right_side():
    """x^3 >= 0 on [0, 1] has a zero of order 3 at its low end (closed); on [-1, 0] the same order fails."""
    base = [(F(0), F(1))]
    t = compile_traced(x**3 + x**4, [x])
    crit = critical_at(t, {0: F(0)}, base)
    assert crit is not None and crit.order == 3 and crit.method == "taylor"
    assert psd_closes(crit, [(F(0), F(1, 4))]) and not psd_closes(crit, [(F(-1, 4), F(0))])


def test_recheck_catches_a_wrong_valley():
    """AM-GM's valley x = y, on the boxes (exact first, z3 decides it: sqrt(x y) is sqrt(x) sqrt(y) for x, y >= 0)."""
    space = real_space(lambda x, y: (x + y) / 2 - sqrt(x * y), ("x", 0, 1), ("y", 0, 1))
    res = prove(space, 20000, HANG_GUARD, exact_first=False)
    assert res.outcome == "proved" and recheck(res.certificate, space) == []
    rec = next(r for r in res.certificate.records if r.closure.at and any(
        getattr(v, "free_symbols", None) for v in r.closure.at.values()))
    (i, v), = rec.closure.at.items()
    rec.closure.at = {i: v / 2}
    assert any("critical set" in p for p in recheck(res.certificate, space))


@pytest.mark.slow
def test_a_homogeneous_margin_closes_its_corner_by_scaling():  # z3 proves it first: the boxes only
    """AM-GM with cube roots: 0 along x = y = z into the corner 0, where the Hessian is unbounded; the margin
    is homogeneous of degree 1, so the corner box is closed by scaling (and re-checked)."""
    space = real_space(lambda x, y, z: (x + y + z) / 3 - (x * y * z) ** R(1, 3), ("x", 0, 1), ("y", 0, 1), ("z", 0, 1))
    res = prove(space, 20000, HANG_GUARD, exact_first=False)
    assert res.outcome == "proved" and recheck(res.certificate, space) == []
    assert res.certificate.methods().get("scaling") == 1
    rec = next(r for r in res.certificate.records if r.closure.method == "scaling")
    rec.closure.at = {0: F(0)}
    assert any("homogeneous" in p for p in recheck(res.certificate, space))


def test_homogeneity_is_found_exactly():
    from paper_checks.prover.symmetry.scaling import closes, homogeneity

    base = [(F(0), F(1)), (F(0), F(1))]
    h = homogeneity(compile_traced((x + y) / 2 - sqrt(x * y), [x, y]), base, set())
    assert h is not None and h.degree == 1 and h.coords == (0, 1)
    assert closes(h, [(F(0), F(1, 2)), (F(0), F(1, 4))], base)
    assert not closes(h, [(F(0), F(3, 4)), (F(0), F(1, 4))], base)  # doubling 3/4 leaves the piece
    assert homogeneity(compile_traced(x * log(x) + y, [x, y]), base, set()) is None
    assert homogeneity(compile_traced(x**2 - x * y, [x, y]), base, set()).coords == (0, 1)
    assert homogeneity(compile_traced(x**2 - x * y, [x, y]), base, {0}) is None  # x on a simplex: y alone scales


def test_the_lifted_margin_bounds_a_box_that_leaves_the_simplex():
    """sum_j f_j^q - 1 >= 0 on the simplex (c = 4, q = 1/2): on a box of the free coordinates that leaves the
    simplex, the margin lifted to f_3 = e in [max(1/4, 1 - sum hi), 1 - sum lo] is bounded on the points the
    piece must cover; as written (e = 1 - sum f) it is not real there."""
    from paper_checks.prover.critical.second import lifted_forms, lifted_lower

    fs = sympy.symbols("f0:3", real=True, nonnegative=True)
    t = compile_traced(sum(sympy.sqrt(f) for f in fs) + sympy.sqrt(1 - sum(fs)) - 1, list(fs))
    forms, es = lifted_forms(t, [[0, 1, 2]])
    fns = [compile_traced(f, [*fs, *es]).value for f in forms]
    box = [(F(1, 4), F(1, 2)), (F(1, 4), F(1, 2)), (F(0), F(1, 4))]  # sum of highs 5/4 > 1
    assert lifted_lower(fns, [[0, 1, 2]], box) >= 0
    assert lifted_lower(fns, [[0, 1, 2]], [(F(1, 2), F(1, 2))] * 3) == float("inf")  # no point in the region


@pytest.mark.slow
def test_gce_upper_bound_written_literally_at_c_4(without_class_sum):
    """Zhang & Sabuncu 2018, Eq. 7 (upper end) as written, (c - 1)/q - sum_j (1 - f_j^q)/q >= 0, c = 4: its
    boxes that leave the simplex close on the lifted margin, and the re-check derives each again."""
    def exact(pt):
        q = pt["q"]
        return R(3) / q - sum((1 - v**q) / q for v in pt["f"])

    space = SearchSpace((SimplexPoint("f", 4), Real("q", 0.25, 0.75)), lambda pt: float(sympy.N(exact(pt))), exact,
                        description="GCE upper, c = 4")
    res = _proved(space)
    assert "lifted interval" in res.certificate.methods()
    rec = next(r for r in res.certificate.records if r.closure.method == "lifted interval")
    rec.closure.lower = 10.0  # a bound the box does not have: its exact corners or the lifted margin say so
    assert recheck(res.certificate, space)


def test_a_coordinate_in_a_base_and_its_exponent_is_not_handed_to_solve():
    """d/dt of the tempered exponential (1 + (1 - t) x)^(1/(1 - t)) has t in a base and in its exponent: no
    solution in the traced functions exists (SymPy spends seconds to say so), so no solve is tried; x**x alike.
    An equation with the unknown in a base alone (the valley x = sqrt(y) of Young's inequality) is solved."""
    t = sympy.Symbol("t", real=True)
    tempered = derivative((1 + (1 - t) * x) ** (1 / (1 - t)), t)
    assert _tower([tempered], [t]) and _solve([tempered], [t], 5) == []
    assert _tower([x**x - 2], [x])
    assert not _tower([tempered], [y])
    young = derivative(x**3 / 3 + 2 * y ** R(3, 2) / 3 - x * y, x)
    assert not _tower([young], [x]) and _solve([young], [x], HANG_GUARD)


@pytest.mark.slow
def test_a_critical_point_is_solved_in_the_charts_value(without_cutoff):
    """log(x)/x <= 1/e on [1, oo) is 0 at x = e, u = e/(1 + e) in the chart u/(1 - u): solved in x and taken back
    exactly, where no rational near Newton's point is critical."""
    from paper_checks.prover.tracing.unbounded import HalfChart, LineChart, inverse

    u = sympy.Symbol("u", real=True)
    assert inverse(HalfChart(u), sympy.E) == sympy.E / (1 + sympy.E)
    assert HalfChart(inverse(HalfChart(u), sympy.E)) == sympy.E
    assert HalfChart(-inverse(HalfChart(-u), sympy.E)) == sympy.E
    assert LineChart(inverse(LineChart(u), -1)) == -1 and inverse(LineChart(u), 0) == 0
    t = compile_traced(sympy.exp(-1) - sympy.log(1 + HalfChart(u)) / (1 + HalfChart(u)), [u])
    assert any(set(c) == {0} and sympy.simplify(c[0] - (sympy.E - 1) / sympy.E) == 0 for c in candidates(t, []))
    res = prove_expr(sympy.exp(-1) - sympy.log(x) / x, {x: (1, sympy.oo)}, seconds=HANG_GUARD)
    assert res.proved and any("exact critical point" in n for n in res.notes)
    false = prove_expr(sympy.exp(-1) - sympy.log(x) / x - R(1, 10**12), {x: (1, sympy.oo)}, seconds=HANG_GUARD)
    assert false.outcome == "counterexample"
