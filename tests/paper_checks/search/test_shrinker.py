"""Exact verification (paper_checks.search.exact) and the shrinker (paper_checks.search.shrinker).

The shrinker is checked against a plain-loop reference (the nested loops the search used before
the shrinker became a class): the same shrunk point, step count and finish flag on random spaces,
budgets and screens.
"""
import math
from fractions import Fraction

import pytest
import sympy
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from paper_checks.search.exact import ARTEFACT_TOL, exact_value, fails, verify
from paper_checks.search.loop import search
from paper_checks.search.params import (
    Integer,
    Real,
    SearchSpace,
    SimplexPoint,
    StochasticMatrix,
)
from paper_checks.search.rationals import as_fraction, grid_points, to_sympy
from paper_checks.search.shrinker import JOINT_DENS, Shrinker, _Exhausted, shrink
from tests.paper_checks.search._spaces import nce_space, rng

R = sympy.Rational


# ------------------------------------------------------------------ exact verification
def test_exact_value_irrational():
    _text, val, neg = exact_value(sympy.sqrt(2) - R(141421, 100000))
    assert neg is False and val > 0
    assert exact_value(sympy.sqrt(2) - 2)[2] is True


def test_verify_says_why():
    space = SearchSpace((Real("x", 0, 1),), lambda p: 0.0, lambda p: p["x"] - R(1, 2), constraint=lambda p: p["x"] != 0)
    assert verify(space, {"x": R(1, 4)})[:2] == ("fails", "-1/4")
    assert verify(space, {"x": R(3, 4)})[0] == "holds"
    assert verify(space, {"x": R(2)})[0] == "outside"  # the domain
    assert verify(space, {"x": sympy.Integer(0)})[0] == "outside"  # the constraint
    assert verify(SearchSpace((Real("x", 0, 1),), lambda p: 0.0), {"x": R(1, 2)})[0].startswith(
        "error: the claim gives no exact margin")
    assert "ZeroDivisionError" in verify(SearchSpace((Real("x", 0, 1),), lambda p: 0.0, lambda p: 1 / 0),
                                         {"x": R(1, 2)})[0]
    assert fails(space, {"x": R(1, 4)}) and not fails(space, {"x": R(3, 4)})


# ------------------------------------------------------------------ shrinking: the known cases
def test_shrink_reaches_the_simplest_failing_value():
    # fails exactly on (3, 10]: the simplest rational there is 4
    space = SearchSpace((Real("x", 0, 10),), lambda p: 3 - p["x"], lambda p: 3 - p["x"])
    assert shrink(space, {"x": 7.123456})["x"] == 4
    # fails on (1/3, 2/5): the smallest denominator there is 3/8 (Stern-Brocot)
    band = SearchSpace((Real("x", 0, 1),), lambda p: 0.0,
                       lambda p: sympy.Integer(-1) if R(1, 3) < p["x"] < R(2, 5) else sympy.Integer(1))
    assert shrink(band, {"x": 0.3987654})["x"] == R(3, 8)


def test_shrink_is_a_fixed_point():
    space = nce_space()
    res = search(space, 2000, rng(3))
    again = shrink(space, res.counterexample)
    assert again == res.counterexample


def test_shrink_of_a_point_that_does_not_fail_is_only_rounded():
    space = SearchSpace((Real("x", 0, 1),), lambda p: p["x"], lambda p: p["x"])
    assert shrink(space, {"x": 0.25}) == {"x": R(1, 4)}
    assert Shrinker(space, {"x": R(1, 4)}).run() == ({"x": R(1, 4)}, 0, True)


@settings(max_examples=100, deadline=None)
@given(st.integers(-40, 40), st.integers(0, 60), st.data())
def test_integer_shrink_reaches_the_plain_loop_minimum(lo, span, data):
    # fails on a sub-interval [m1, m2] of the range: the shrink reaches its simplest integer
    hi = lo + span
    m1 = data.draw(st.integers(lo, hi))
    m2 = data.draw(st.integers(m1, hi))
    n0 = data.draw(st.integers(m1, m2))
    space = SearchSpace((Integer("n", lo, hi),), lambda p: 0.0,
                        lambda p: sympy.Integer(-1) if m1 <= p["n"] <= m2 else sympy.Integer(1))
    best = min(range(m1, m2 + 1), key=lambda n: (abs(n), n < 0))  # plain loop
    assert shrink(space, {"n": n0}, max_evals=10**6)["n"] == best


# ------------------------------------------------------------------ the one road of acceptance
def test_consider_is_the_one_road_of_acceptance():
    space = SearchSpace((Real("x", 0, 10),), lambda p: 3 - float(p["x"]), lambda p: 3 - p["x"])
    calls = []

    def screen(fp):
        calls.append(fp["x"])
        return 3 - fp["x"]

    s = Shrinker(space, {"x": R(7)}, max_evals=2, screen=screen)
    assert not s.consider({"x": R(11)}) and s.evals == 0 and not calls  # outside: no evaluation at all
    assert not s.consider({"x": R(1)}) and s.evals == 0 and calls == [1.0]  # screened out: no exact evaluation
    assert s.consider({"x": R(5)}) and s.best == {"x": R(5)} and (s.steps, s.evals) == (1, 1)
    s.screen = None
    assert not s.consider({"x": R(2)}) and s.best == {"x": R(5)} and (s.steps, s.evals) == (1, 2)
    with pytest.raises(_Exhausted):  # the budget is spent: nothing more is considered
        s.consider({"x": R(4)})
    assert s.best == {"x": R(5)} and s.evals == 2


def test_consider_never_pays_twice_for_a_candidate():
    """A fixed-point pass offers the same candidates again; the seen-set answers them at no exact evaluation."""
    space = SearchSpace((Real("x", 0, 10),), lambda p: 3 - float(p["x"]), lambda p: 3 - p["x"])
    s = Shrinker(space, {"x": R(7)}, max_evals=10)
    assert not s.consider({"x": R(2)}) and s.evals == 1
    assert not s.consider({"x": R(2)}) and s.evals == 1
    assert s.consider({"x": R(4)}) and s.evals == 2
    assert not s.consider({"x": R(4)}) and s.evals == 2 and s.best == {"x": R(4)}


def test_shrink_without_budget_stops_unfinished():
    space = SearchSpace((Real("x", 0, 10),), lambda p: 3 - p["x"], lambda p: 3 - p["x"])
    assert Shrinker(space, {"x": R(71, 10)}, max_evals=0).run() == ({"x": R(71, 10)}, 0, False)
    above = SearchSpace((Real("x", 3.5, 10),), lambda p: 3 - p["x"], lambda p: 3 - p["x"])
    assert Shrinker(above, {"x": R(4)}, max_evals=0).run() == ({"x": R(4)}, 0, True)  # nothing simpler to try


# ------------------------------------------------------------------ against the plain-loop reference
def _reference_joint_round(space, point, d):
    out = dict(point)
    for p in space.params:
        v = point[p.name]
        if isinstance(p, Real):
            f = as_fraction(v)
            cands = sorted({Fraction(math.floor(f * d), d), Fraction(math.ceil(f * d), d)}, key=lambda x: abs(x - f))
            ok = [c for c in cands if p.inside(c)]
            if ok:
                out[p.name] = to_sympy(ok[0])
        elif isinstance(p, SimplexPoint):
            g = grid_points([as_fraction(x) for x in v], d)
            if not g:
                return None
            out[p.name] = [to_sympy(x) for x in g[-1]]
        elif isinstance(p, StochasticMatrix):
            rows = []
            for i in range(v.rows):
                g = grid_points([as_fraction(x) for x in v.row(i)], d)
                if not g:
                    return None
                rows.append([to_sympy(x) for x in g[-1]])
            out[p.name] = sympy.Matrix(rows)
    return out


def _reference_shrink(space, starts, max_evals, screen):
    """The former shrink, as plain loops: joint rounding once, then each parameter to a fixed point; a
    candidate offered twice is answered from a list of those already tried, at no exact evaluation."""
    evals = 0
    tried = []

    def accept(pt):
        nonlocal evals
        if pt in tried:
            return False
        tried.append(pt)
        if not all(p.inside(pt[p.name]) for p in space.params):
            return False
        if screen is not None:
            fp = space.float_point(pt)
            if not space.constraint_holds(fp):
                return False
            m = screen(fp)
            if not math.isnan(m) and m > ARTEFACT_TOL:
                return False
        evals += 1
        return verify(space, pt)[0] == "fails"

    best = starts[0]
    if verify(space, best)[0] != "fails":
        return best, 0, True
    steps = 0
    best_d = None
    for start in starts:
        for d in JOINT_DENS:
            if (best_d is not None and d >= best_d) or evals >= max_evals:
                break
            cand = _reference_joint_round(space, start, d)
            if cand is not None and accept(cand):
                best, best_d = cand, d
                steps += 1
                break
    improved = True
    while improved:
        improved = False
        for p in space.params:
            again = True
            while again:
                again = False
                cur = p.complexity(best[p.name])
                for cand in p.simplify(best[p.name]):
                    if p.complexity(cand) >= cur:
                        continue
                    if evals >= max_evals:
                        return best, steps, False
                    trial = {**best, p.name: cand}
                    if accept(trial):
                        best, steps, again, improved = trial, steps + 1, True, True
                        break
    return best, steps, True


def _lin(c, p):
    return c[0] + c[1] * p["n"] + c[2] * p["x"] + c[3] * p["f"][0] + c[4] * p["T"][0, 0]


def _linear_space(c, open_high, width=None):
    """A margin linear in an integer, a real, a simplex coordinate and a matrix entry (rational
    coefficients ``c``): failing on a half-space, or with ``width`` on the slab ``|linear| < width``
    (whose simplest points are fractions, so the shrink takes many steps)."""
    params = (Integer("n", -6, 25), Real("x", -1.5, 2.0, open_high=open_high), SimplexPoint("f", 3),
              StochasticMatrix("T", 2))
    if width is None:
        return SearchSpace(params, lambda p: float(_lin(c, p)), lambda p: _lin(c, p))
    return SearchSpace(params, lambda p: float(abs(_lin(c, p))) - float(width), lambda p: sympy.Abs(_lin(c, p)) - width)


@pytest.mark.slow
@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much])
@given(st.lists(st.fractions(-3, 3, max_denominator=7), min_size=5, max_size=5), st.booleans(),
       st.one_of(st.none(), st.integers(20, 200)), st.integers(0, 2**32 - 1), st.sampled_from([0, 1, 4, 30, 300]),
       st.booleans())
def test_shrinker_matches_the_plain_loop_reference(c, open_high, slab, seed, max_evals, screened):
    c = [R(x.numerator, x.denominator) for x in c]
    space = _linear_space(c, open_high, None if slab is None else R(1, slab))
    cols = space.sample_columns(rng(seed), 40)
    pts = []
    for j in range(40):
        try:
            pts.append(space.to_rational({name: vals[j] for name, vals in cols}))
        except ValueError:  # no exact point of the domain near this one
            continue
    assume(pts)
    if slab is not None:  # the slab passes through the first sampled point
        c[0] -= _lin(c, pts[0])
        space = _linear_space(c, open_high, R(1, slab))
    failing = [pt for pt in pts if fails(space, pt)]
    assume(failing)
    screen = space.margin if screened else None
    got = Shrinker(space, failing[0], max_evals, screen).run(failing[1:4])
    assert got == _reference_shrink(space, failing[:4], max_evals, screen)
    point, _steps, finished = got
    assert fails(space, point)
    if finished and screen is None:  # a fixed point: no parameter offers a simpler failing value (plain loop)
        for p in space.params:
            cur = p.complexity(point[p.name])
            for cand in p.simplify(point[p.name]):
                trial = {**point, p.name: cand}
                assert not (p.complexity(cand) < cur and space.contains(trial) and fails(space, trial))


def test_shrinker_matches_the_reference_on_the_nce_example():
    space = nce_space()
    res = search(space, 1500, rng(1))
    start = space.to_rational(res.worst, 10**6)
    assert res.worst_margin < 0 and fails(space, start)
    assert Shrinker(space, start, 300).run() == _reference_shrink(space, [start], 300, None)
