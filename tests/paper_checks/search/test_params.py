"""The search's parameter types (paper_checks.search.params) and their rational arithmetic
(paper_checks.search.rationals).

Each parameter's methods against plain loops: samples lie in the domain, rounding stays feasible
and is the nearest allowed value, simplification proposes simpler values.
"""
import math
from fractions import Fraction

import numpy as np
import pytest
import sympy
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from paper_checks.search.params import (
    BOUNDARY_SHARE,
    Integer,
    NarrowingError,
    Parameter,
    Real,
    SearchSpace,
    SimplexPoint,
    StochasticMatrix,
    range_setting,
    to_rational,
)
from paper_checks.search.rationals import (
    Infeasible,
    as_fraction,
    common_denominator,
    grid_points,
    simplest_between,
)
from tests.paper_checks.search._spaces import rng
from tests.strategies import param_values, search_params

R = sympy.Rational


def _brute_simplest(a, b):
    d = 1
    while True:
        lo, hi = int(np.floor(a * d)) - 1, int(np.ceil(b * d)) + 2
        cands = [Fraction(n, d) for n in range(lo, hi) if a <= Fraction(n, d) <= b]
        if cands:
            return min(cands, key=abs)
        d += 1


@pytest.mark.slow
@settings(max_examples=200, deadline=None)
@given(st.fractions(-5, 5, max_denominator=60), st.fractions(0, 2, max_denominator=60))
def test_simplest_between_matches_a_plain_loop(a, w):
    b = a + w
    assert simplest_between(a, b) == _brute_simplest(a, b)


# ------------------------------------------------------------------ every parameter: the interface
def test_every_parameter_type_implements_the_interface():
    for p in (Real("x", 0, 1), Integer("n", 0, 3), SimplexPoint("f", 3), StochasticMatrix("T", 2)):
        assert isinstance(p, Parameter)
    with pytest.raises(TypeError):
        Parameter()  # abstract
    assert [p.dimension for p in (Real("x", 0, 1), Integer("n", 0, 3), SimplexPoint("f", 3),
                                  StochasticMatrix("T", 2))] == [1, 0, 3, 4]


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.data(), st.integers(0, 2**32 - 1))
def test_sample_stays_inside_the_domain(data, seed):
    p = data.draw(search_params())
    vals = p.sample(rng(seed), 300)
    assert len(vals) == 300
    assert all(p.inside(v) for v in vals)  # one value per row: a scalar, a simplex point or a matrix


def test_sample_puts_a_share_on_the_boundary_but_never_on_an_open_end():
    x = Real("x", 0.0, 1.0, open_low=True).sample(rng(), 5000)
    assert not np.any(x == 0.0) and np.mean(x == 1.0) > 0.3 * BOUNDARY_SHARE  # the closed end, not the open one
    assert np.any((x > 0) & (x < 1e-9))  # near the open end
    n = Integer("n", -3, 40).sample(rng(), 5000)
    assert np.mean(n == -3) > 0.3 * BOUNDARY_SHARE and np.mean(n == 40) > 0.3 * BOUNDARY_SHARE
    T = StochasticMatrix("T", 3).sample(rng(), 2000)
    assert any(set(M.ravel()) == {0.0, 1.0} and np.allclose(M.sum(axis=0), 1) for M in T)  # a permutation matrix
    assert any(np.allclose(M, 1 / 3) for M in T)  # J/3


def test_simplex_sample_includes_faces_and_vertices():
    v = SimplexPoint("f", 4).sample(rng(), 4000)
    assert np.allclose(v.sum(axis=1), 1)
    assert np.any(np.all(np.isin(v, (0.0, 1.0)), axis=1))  # vertices
    assert np.any((v == 0).any(axis=1) & ((v > 0).sum(axis=1) > 1))  # faces


# ------------------------------------------------------------------ round: feasible, and the nearest allowed value
@pytest.mark.slow
@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.data())
def test_rounding_keeps_every_strategy_point_in_its_domain(data):
    p = data.draw(search_params())
    v = data.draw(param_values(p))
    assert p.inside(v)
    space = SearchSpace((p,), lambda pt: 0.0)
    for den in (10, 10**6, None):
        r = to_rational({p.name: v}, space, den)[p.name]
        assert p.inside(r)
        if isinstance(p, SimplexPoint):
            assert sum(r) == 1 and all((x > 0) == (float(y) > 0) for x, y in zip(r, v))
        if isinstance(p, StochasticMatrix):
            assert all(sum(r.row(i)) == 1 for i in range(p.dim))
            assert all((r[i, j] > 0) == (v[i, j] > 0) for i in range(p.dim) for j in range(p.dim))


def _nearest_fraction(v, max_den):
    """Plain loop: the distance from ``v`` to the nearest fraction of denominator at most ``max_den``."""
    f = Fraction(v)
    return min(min(abs(Fraction(math.floor(f * q), q) - f), abs(Fraction(math.ceil(f * q), q) - f))
               for q in range(1, max_den + 1))


@settings(max_examples=200, deadline=None)
@given(st.floats(-3, 3), st.floats(0.01, 4), st.booleans(), st.booleans(), st.floats(0, 1), st.integers(1, 40))
def test_real_round_is_the_nearest_fraction_or_the_exact_binary_value(lo, width, ol, oh, t, max_den):
    p = Real("x", lo, lo + width, open_low=ol, open_high=oh)
    v = lo + t * width
    if not p.inside(v):  # on an open end: a rounding inside the domain, or none
        try:
            assert p.inside(p.round(v, max_den))
        except Infeasible:
            pass
        return
    r = as_fraction(p.round(v, max_den))  # never Infeasible: the float's own value lies inside
    assert p.inside(r)
    if r.denominator <= max_den:
        assert abs(r - Fraction(v)) == _nearest_fraction(v, max_den)
    else:  # the nearest fraction left the domain: the float's own value, exactly
        assert r == Fraction(v)
    assert p.round(p.round(v, max_den), max_den) == p.round(v, max_den)  # an exact value is kept


@settings(max_examples=100, deadline=None)
@given(st.integers(-20, 20), st.integers(0, 30), st.floats(-30, 60))
def test_integer_round_is_the_nearest_integer_of_the_range(lo, span, v):
    p = Integer("n", lo, lo + span)
    near = round(v)
    if lo <= near <= lo + span:
        assert p.round(v, None) == near and isinstance(p.round(v, None), sympy.Integer)
    else:
        with pytest.raises(Infeasible):
            p.round(v, None)


@settings(max_examples=150, deadline=None)
@given(st.integers(1, 7).flatmap(lambda d: st.lists(st.one_of(st.just(0.0), st.floats(1e-9, 1.0)), min_size=d,
                                                   max_size=d)), st.integers(1, 1000))
def test_simplex_round_matches_a_plain_per_coordinate_loop(w, max_den):
    v = np.array(w)
    if v.sum() <= 0:
        return
    p = SimplexPoint("f", len(w))
    try:
        r = [as_fraction(x) for x in p.round(v, max_den)]
    except Infeasible:  # only when the others' roundings leave nothing for the largest coordinate
        return
    v = v / v.sum()
    k = int(np.argmax(v))
    for i, x in enumerate(v):  # plain loop: every coordinate but the largest on its own
        if i == k:
            continue
        ref = Fraction(float(x)).limit_denominator(max_den) if x > 0 else Fraction(0)
        assert r[i] == (ref if ref > 0 or x == 0 else Fraction(float(x)))
    assert sum(r) == 1 and r[k] > 0


# ------------------------------------------------------------------ simplify: simpler values, the simplest first
@pytest.mark.slow
@settings(max_examples=150, deadline=None)
@given(st.fractions(-4, 4, max_denominator=12), st.fractions(Fraction(1, 4), 6, max_denominator=12),
       st.floats(0, 1))
def test_real_simplify_starts_with_the_simplest_of_the_domain_and_ends_at_the_value(lo, width, t):
    p = Real("x", float(lo), float(lo + width))
    v = R(*as_fraction(float(lo) + t * float(width)).limit_denominator(50).as_integer_ratio())
    if not p.inside(v):
        return
    cands = list(p.simplify(v))
    assert cands and all(p.inside(c) for c in cands) and len(set(cands)) == len(cands)
    assert as_fraction(cands[0]) == _brute_simplest(as_fraction(p.low), as_fraction(p.high))
    assert cands[-1] == v  # the windows close in on the value itself
    assert all(p.complexity(c) <= p.complexity(v) for c in cands)  # each the simplest of a window around v
    if v != cands[0]:
        assert p.complexity(cands[0]) < p.complexity(v)


def test_real_simplify_steps_inside_an_open_end():
    p = Real("x", 0.0, 1.0, open_low=True)
    cands = list(p.simplify(R(1, 1000)))
    assert cands[0] == 1 and all(c > 0 for c in cands)


@settings(max_examples=150, deadline=None)
@given(st.integers(-30, 30), st.integers(0, 40), st.integers(0, 40))
def test_integer_simplify_proposes_only_simpler_values_ending_with_the_neighbour(lo, span, at):
    p = Integer("n", lo, lo + span)
    n = lo + min(at, span)
    cands = list(p.simplify(sympy.Integer(n)))
    t = min(range(lo, lo + span + 1), key=lambda c: (abs(c), c < 0))  # plain loop: the simplest of the range
    if n == t:
        assert all(p.complexity(c) >= p.complexity(n) for c in cands)
        return
    assert cands[0] == t
    assert all(p.inside(c) and c != n and p.complexity(c) < p.complexity(n) for c in cands)
    assert cands[-1] == (n - 1 if n > t else n + 1)  # the neighbour towards the simplest value


@pytest.mark.slow
@settings(max_examples=100, deadline=None)
@given(st.integers(2, 5).flatmap(lambda d: st.lists(st.integers(0, 30), min_size=d, max_size=d)).filter(
    lambda c: sum(c) > 0))
def test_simplex_simplify_proposes_simplex_points_by_increasing_denominator(counts):
    p = SimplexPoint("f", len(counts))
    v = [R(c, sum(counts)) for c in counts]
    cands = list(p.simplify(v))
    assert all(p.inside(c) for c in cands) and v not in cands
    D = common_denominator([as_fraction(x) for x in v])
    if D > 1:
        k = max(range(len(v)), key=lambda i: (v[i], -i))  # plain loop: the first largest coordinate
        assert cands[0] == [1 if i == k else 0 for i in range(len(v))]  # the nearest vertex, denominator 1
        assert p.complexity(cands[0]) < p.complexity(v)
    # grid points of denominators d < D, then moves of 1/D that lower D: all strictly simpler
    assert all(common_denominator([as_fraction(x) for x in c]) < D for c in cands)
    assert all(p.complexity(c) < p.complexity(v) for c in cands)


def test_stochastic_matrix_simplify_tries_identity_and_uniform_then_one_row_at_a_time():
    p = StochasticMatrix("T", 3)
    v = sympy.Matrix([[R(1, 7), R(2, 7), R(4, 7)], [R(1, 2), R(1, 2), 0], [R(1, 3), R(1, 3), R(1, 3)]])
    cands = list(p.simplify(v))
    assert cands[0] == sympy.eye(3) and cands[1] == sympy.Matrix(3, 3, [R(1, 3)] * 9)
    for c in cands[2:]:
        assert p.inside(c) and sum(c.row(i) != v.row(i) for i in range(3)) == 1
    assert any(p.complexity(c) < p.complexity(v) for c in cands)
    assert p.complexity(v)[:2] == (7, 7 + 2 + 3)  # largest row denominator, then their sum


# ------------------------------------------------------------------ joint rounding to a grid
@settings(max_examples=100, deadline=None)
@given(st.integers(2, 5).flatmap(lambda d: st.lists(st.integers(0, 50), min_size=d, max_size=d)).filter(
    lambda c: sum(c) > 0), st.integers(1, 30))
def test_grid_round_of_a_simplex_point_has_the_denominator_and_keeps_it_a_point(counts, den):
    v = [R(c, sum(counts)) for c in counts]
    g = SimplexPoint("f", len(v)).grid_round(v, den)
    assert sum(g) == 1 and all(x >= 0 and den % x.q == 0 for x in g)
    if sum(c > 0 for c in counts) <= den:  # room for every positive coordinate
        assert all((x > 0) == (c > 0) for x, c in zip(g, counts))
    plain = grid_points([as_fraction(x) for x in v], den)[0]  # plain largest remainder: within 1/den
    assert all(abs(x - as_fraction(y)) < Fraction(1, den) for x, y in zip(plain, v))


@settings(max_examples=100, deadline=None)
@given(st.fractions(0, 1, max_denominator=1000), st.integers(1, 30), st.booleans())
def test_grid_round_of_a_real_is_a_neighbour_on_the_grid_inside(v, den, open_high):
    p = Real("x", 0.0, 1.0, open_high=open_high)
    if not p.inside(v):
        return
    g = p.grid_round(R(v.numerator, v.denominator), den)
    f = as_fraction(g)
    assert p.inside(f) and abs(f - v) < Fraction(1, den) and den % f.denominator == 0
    assert Integer("n", 0, 5).grid_round(sympy.Integer(3), den) == 3


# ------------------------------------------------------------------ pack / unpack for the polish
@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.data(), st.integers(0, 2**32 - 1))
def test_pack_has_the_dimension_and_unpack_inverts_it(data, seed):
    p = data.draw(search_params())
    v = p.sample(rng(seed), 1)[0]
    x = np.array(p.pack(v))
    assert x.size == p.dimension
    if p.dimension == 0:
        with pytest.raises(TypeError):
            p.unpack(x)
        return
    back = p.unpack(x)
    positive = np.all(np.asarray(v, dtype=float) > 1e-200)
    if isinstance(p, Real):
        t = (float(v) - p.low) / (p.high - p.low)
        if 1e-6 < t < 1 - 1e-6:
            assert back == pytest.approx(float(v), rel=1e-9, abs=1e-9 * (p.high - p.low))
    elif positive:
        assert np.allclose(back, v, rtol=1e-9, atol=1e-12)


def test_polish_ok_excludes_an_open_end_the_logistic_map_reaches():
    p = Real("x", 0.0, 1.0, open_high=True)
    assert p.unpack(np.array([800.0])) == 1.0 and not p.polish_ok(1.0)
    assert SimplexPoint("f", 3).polish_ok(np.array([1.0, 0.0, 0.0]))


# ------------------------------------------------------------------ the space
def test_space_methods_combine_the_parameters():
    space = SearchSpace((Real("x", 0, 1), Integer("n", 1, 5), SimplexPoint("f", 3)), lambda p: 0.0,
                        constraint=lambda p: p["x"] < 0.5)
    assert space.dimension == 4
    pt = {"x": 0.3, "n": 2, "f": np.array([0.2, 0.3, 0.5])}
    assert space.contains(pt) and space.constraint_holds(pt) and not space.is_exact(pt)
    ex = space.to_rational(pt)
    assert space.is_exact(ex) and ex == to_rational(pt, space) and ex["f"] == [R(1, 5), R(3, 10), R(1, 2)]
    assert space.float_point(ex)["n"] == 2 and isinstance(space.float_point(ex)["n"], int)
    assert space.unpack(space.pack(pt), pt)["n"] == 2
    assert space.grid_round(ex, 2) == {"x": R(1, 2), "n": 2, "f": [0, R(1, 2), R(1, 2)]}
    assert not space.constraint_holds({**pt, "x": 0.75}) and not space.contains({**pt, "n": 6})
    bad = SearchSpace((Real("x", 0, 1),), lambda p: 0.0, constraint=lambda p: 1 / 0)
    assert not bad.constraint_holds({"x": 0.5})  # a constraint that raises excludes the point
    with pytest.raises(ValueError, match="outside"):
        to_rational({"x": 2.0, "n": 1, "f": pt["f"]}, space)


def test_strategies_cover_the_boundary_cases():
    from hypothesis import find

    d = 3
    find(SimplexPoint("f", d).strategy(), lambda v: np.allclose(v, np.eye(d)[0]))  # a vertex
    find(SimplexPoint("f", d).strategy(), lambda v: np.any(v == 0) and np.count_nonzero(v) > 1)  # a face
    find(StochasticMatrix("T", d).strategy(), lambda M: np.array_equal(M, np.eye(d)[[1, 0, 2]]))  # a permutation
    find(StochasticMatrix("T", d).strategy(), lambda M: abs(np.linalg.det(M)) < 1e-12)  # singular
    find(Real("eta", 0, 1 - 1 / d).strategy(), lambda x: x == 1 - 1 / d)  # the end 1 - 1/c


@settings(max_examples=40, deadline=None)
@given(SearchSpace((Real("k", 0.0, 1.0, open_low=True), Integer("c", 2, 10), SimplexPoint("f", 3)), lambda p: 0.0,
                   constraint=lambda p: p["k"] >= 1 / p["c"]).point_strategy())
def test_point_strategy_respects_the_constraint(pt):
    assert 0 < pt["k"] <= 1 and pt["k"] >= 1 / pt["c"] and abs(pt["f"].sum() - 1) < 1e-9


# ---------------------------------------------------------------- Sign (binary labels)
def test_sign_samples_both_signs_and_nothing_else():
    from paper_checks.search.params import Sign

    s = Sign("y").sample(rng(), 4000)
    assert set(np.unique(s).tolist()) == {-1, 1} and s.dtype == np.int64
    assert abs(float(np.mean(s == 1)) - 0.5) < 5 * 0.5 / math.sqrt(4000)


def test_sign_rounds_simplifies_and_refuses_zero():
    from paper_checks.search.params import Sign

    p = Sign("y")
    assert p.dimension == 0 and p.pack(1) == [] and p.inside(-1) and p.inside(1) and not p.inside(0)
    assert p.round(0.3, 8) == 1 and p.round(-2.0, None) == -1 and p.round(sympy.Integer(-1), 8) == -1
    assert p.is_exact(p.round(-0.5, 8)) and not p.is_exact(-1.0)
    with pytest.raises(Infeasible, match="not a sign"):
        p.round(0.0, 8)
    assert list(p.simplify(sympy.Integer(-1))) == [1] and list(p.simplify(sympy.Integer(1))) == []
    assert p.complexity(1) < p.complexity(-1) and p.grid_round(sympy.Integer(-1), 7) == -1
    with pytest.raises(TypeError, match="no continuous coordinates"):
        p.unpack(np.zeros(0))


@given(st.data())
@settings(max_examples=30, deadline=None)
def test_sign_strategy_stays_in_its_domain(data):
    from paper_checks.search.params import Sign

    assert data.draw(Sign("y").strategy()) in (-1, 1)


def test_search_over_a_sign_and_a_real_finds_the_shrunk_exact_counterexample():
    """"y v >= -1/2 for y in {-1, +1} and v in [0, 1]" fails exactly for y = -1, v > 1/2; the shrinker keeps
    y = -1 (the only failing sign) and the simplest failing v, 1."""
    from paper_checks.search.loop import search
    from paper_checks.search.params import Sign

    space = SearchSpace((Sign("y"), Real("v", 0, 1)), lambda p: p["y"] * p["v"] + 0.5,
                        lambda p: p["y"] * p["v"] + sympy.Rational(1, 2), description="y v + 1/2")
    res = search(space, 400, rng())
    assert res.outcome == "counterexample" and res.verified
    assert res.counterexample["y"] == -1 and res.counterexample["v"] == 1
    ok = search(SearchSpace((Sign("y"), Real("v", 0, 1)), lambda p: p["y"] * p["v"] + 1.5,
                            lambda p: p["y"] * p["v"] + sympy.Rational(3, 2)), 300, rng())
    assert ok.outcome == "no_failure"


def test_a_real_can_be_pinned_to_one_value():
    """``Real(name, v, v)`` is one value (``explore --set b=2``): sampled, packed, shrunk and rounded as that value;
    an empty or NaN interval, or a pinned value at an excluded end, is refused."""
    p = Real("b", 2.0, 2.0)
    assert p.pinned and not Real("b", 1.0, 2.0).pinned
    assert set(p.sample(np.random.default_rng(0), 200)) == {2.0}
    assert p.unpack(np.array(p.pack(2.0))) == 2.0 and p.pack(2.0) == [0.0]
    assert list(p.simplify(sympy.Integer(2))) == [2] and p.round(2.0, 100) == 2
    for bad in ((3.0, 2.0, {}), (math.nan, math.nan, {}), (0.0, 0.0, {"open_low": True}),
                (math.inf, math.inf, {})):
        with pytest.raises(ValueError, match="Real 'b'"):
            Real("b", bad[0], bad[1], **bad[2])


def test_unbounded_real_samples_through_the_chart_and_the_search_shrinks_there():
    """A Real with an infinite end has no uniform law: the sampler draws through the prover's chart (finite
    values, inside the domain, half within 1 of a finite end); the search still finds and shrinks a
    counterexample (the simplest failing rational: the shrinker first tries powers of 2 from the end)."""
    from paper_checks.search.loop import search

    rng = np.random.default_rng(0)
    for p in (Real("v", -math.inf, math.inf), Real("v", 0.0, math.inf), Real("v", -math.inf, 2.0, open_high=True)):
        x = p.sample(rng, 2000)
        assert np.isfinite(x).all() and all(p.inside(t) for t in x)
        assert abs(p.unpack(np.array(p.pack(x[0]))) - x[0]) <= 1e-9 * max(1.0, abs(x[0]))
    space = SearchSpace((Real("v", -math.inf, math.inf),), lambda pt: float(pt["v"]) + 100,
                        lambda pt: pt["v"] + 100, description="v + 100")
    assert search(space, 2000, np.random.default_rng(0)).counterexample == {"v": -101}
    half = SearchSpace((Real("v", 1.0, math.inf),), lambda pt: 50 - float(pt["v"]), lambda pt: 50 - pt["v"],
                       description="50 - v")
    assert search(half, 2000, np.random.default_rng(0)).counterexample == {"v": 51}


def test_narrowed_takes_a_mapping_of_ranges_and_refuses_what_would_widen():
    """``SearchSpace.narrowed`` (issue 37): ``(low, high)``, one value or the text ``LOW..HIGH``; an open end stays
    open only where the range keeps it; a bad range is a one-line ``ValueError`` naming the parameter."""
    space = SearchSpace(params=(Real("q", 0, 1, open_low=True), Integer("c", 2, 10)), margin=lambda p: 1.0)
    q, c = space.narrowed({"q": (0, 0.5), "c": "3..4"}).params
    assert (q.low, q.high, q.open_low, q.open_high) == (0, 0.5, True, False) and (c.low, c.high) == (3, 4)
    q, c = space.narrowed({"q": "0.25", "c": 5}).params
    assert (q.low, q.high, c.low, c.high) == (0.25, 0.25, 5, 5)
    assert space.narrowed({}) == space
    for bad, words in (({"z": 1}, "has no parameter 'z'"), ({"q": (0.5, 2)}, "outside the declared domain"),
                       ({"q": 0}, "excluded from the declared domain"), ({"c": 2.5}, "not a range"),
                       ({"q": "a..b"}, "not a range"), ({"q": "nan"}, "NaN"), ({"q": (0.7, 0.2)}, "low <= high")):
        with pytest.raises(NarrowingError, match=words) as info:
            space.narrowed(bad)
        assert "\n" not in str(info.value) and isinstance(info.value, ValueError)
    assert range_setting(" q =0.1..0.2") == ("q", "0.1..0.2")
    with pytest.raises(ValueError, match="expects NAME=LOW..HIGH"):
        range_setting("q")


def test_a_real_is_built_from_a_loss_parameters_declared_domain():
    """``Real.from_domain`` (issue 37): GCE's ``q`` in (0, 1] and ``k`` in (0, 1) as the catalogue wrote them by
    hand; an unbounded or integer domain is no bounded ``Real``."""
    from label_noise_lab.theory import loss_parameters as lp

    assert Real.from_domain(lp.Q) == Real("q", 0.0, 1.0, open_low=True)
    assert Real.from_domain(lp.K) == Real("k", 0.0, 1.0, open_low=True, open_high=True)
    for d in (lp.GAMMA, lp.TAYLOR_T):
        with pytest.raises(ValueError, match="not a bounded real interval"):
            Real.from_domain(d)


def test_a_real_takes_exact_rational_ends_and_samples_inside_them():
    """Ends 1/3 and 2/3 (no binary float) stay exact (a SymPy Rational becomes a Fraction); every sample lies
    inside the exact interval, though float(1/3) is below 1/3; a pinned exact value is sampled as its float."""
    r = Real("p", sympy.Rational(1, 3), Fraction(2, 3), open_low=True)
    assert (r.low, r.high) == (Fraction(1, 3), Fraction(2, 3)) and isinstance(r.low, Fraction)
    xs = r.sample(np.random.default_rng(0), 20000)
    assert all(Fraction(1, 3) < Fraction(v) <= Fraction(2, 3) for v in xs)
    assert r.inside(Fraction(2, 3)) and not r.inside(Fraction(1, 3)) and r.round(0.5, 10) == sympy.Rational(1, 2)
    assert list(Real("q", Fraction(1, 10), Fraction(1, 10)).sample(np.random.default_rng(0), 2)) == [0.1, 0.1]
