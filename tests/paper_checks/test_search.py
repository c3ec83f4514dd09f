import numpy as np
import pytest
import sympy

from paper_checks.search import (Integer, Real, SearchSpace, SimplexPoint, StochasticMatrix, exact_value, search,
                                 shrink, to_rational)


def rng():
    return np.random.default_rng(0)


def test_true_claim_finds_nothing():
    # x(1 - x) <= 1/4 on [0, 1]: true, with equality at 1/2
    space = SearchSpace((Real("x", 0, 1),), lambda p: 0.25 - p["x"] * (1 - p["x"]),
                        lambda p: sympy.Rational(1, 4) - p["x"] * (1 - p["x"]))
    res = search(space, 300, rng())
    assert not res.verified and res.counterexample is None
    assert res.worst_margin >= -1e-12
    assert abs(res.worst["x"] - 0.5) < 1e-3  # the search found the tight point


def test_false_claim_is_found_verified_and_shrunk():
    # "n x >= 1 for n in [1, 50], x in [0.3, 1]" fails when n x < 1, simplest: n = 1, x = 1/2
    space = SearchSpace((Integer("n", 1, 50), Real("x", 0.3, 1.0)),
                        lambda p: p["n"] * p["x"] - 1, lambda p: p["n"] * p["x"] - 1)
    res = search(space, 400, rng())
    assert res.verified
    assert res.counterexample["n"] == 1
    assert res.counterexample["x"] == sympy.Rational(1, 2)
    assert res.exact_margin_value == pytest.approx(-0.5)


def test_floating_point_artefact_is_not_reported():
    # margin is -1e-17 in floats but exactly 0: no counterexample
    space = SearchSpace((Real("x", 0, 1),), lambda p: -1e-17, lambda p: sympy.Integer(0))
    res = search(space, 50, rng())
    assert res.worst_margin < 0 and not res.verified
    assert any("not confirmed" in n for n in res.notes)


def test_no_exact_margin_means_unverified():
    space = SearchSpace((Real("x", 0, 1),), lambda p: -1.0)
    res = search(space, 50, rng())
    assert not res.verified and res.notes


def test_constraint_respected():
    space = SearchSpace((Real("k", 0.0, 1.0, open_low=True), Integer("c", 2, 10)),
                        lambda p: p["k"] * p["c"] - 1, lambda p: p["k"] * p["c"] - 1,
                        constraint=lambda p: p["k"] >= 1 / p["c"])
    res = search(space, 300, rng())
    assert not res.verified and res.worst_margin >= -1e-12


def test_simplex_and_matrix_points_stay_exact():
    space = SearchSpace((SimplexPoint("f", 3), StochasticMatrix("T", 2)), lambda p: 0.0)
    pt = {"f": np.array([0.2, 0.3, 0.5]), "T": np.array([[0.9, 0.1], [0.4, 0.6]])}
    r = to_rational(pt, space)
    assert sum(r["f"]) == 1 and all(isinstance(v, sympy.Rational) for v in r["f"])
    assert all(sum(r["T"].row(i)) == 1 for i in range(2))


def test_simplex_search_finds_vertex_failure():
    # "max_j f_j <= 0.9" fails near vertices; shrinking gives a small-denominator point
    space = SearchSpace((SimplexPoint("f", 3),), lambda p: 0.9 - float(np.max(p["f"])),
                        lambda p: sympy.Rational(9, 10) - sympy.Max(*p["f"]))
    res = search(space, 300, rng())
    assert res.verified
    assert max(res.counterexample["f"]) > sympy.Rational(9, 10)


def test_exact_value_irrational():
    text, val, neg = exact_value(sympy.sqrt(2) - sympy.Rational(141421, 100000))
    assert neg is False and val > 0
    assert exact_value(sympy.sqrt(2) - 2)[2] is True


def test_bad_domains():
    with pytest.raises(ValueError):
        Real("x", 1, 0)
    with pytest.raises(ValueError):
        Integer("n", 3, 2)
    with pytest.raises(ValueError):
        search(SearchSpace((Real("x", 0, 1),), lambda p: 1.0), 5, rng())
    with pytest.raises(ValueError, match="constraint"):
        search(SearchSpace((Real("x", 0, 1),), lambda p: 1.0, constraint=lambda p: False), 20, rng())


def test_shrink_keeps_failure():
    space = SearchSpace((Real("x", 0, 10),), lambda p: 3 - p["x"], lambda p: 3 - p["x"])
    s = shrink(space, {"x": 7.123456})
    assert s["x"] == 4 or s["x"] == 7 or s["x"] > 3
    assert exact_value(3 - s["x"])[2]
