"""What a search domain says it covers (paper_checks/search/params/domain.py; issue 57, items 1 and 5)."""
from __future__ import annotations

import math
from fractions import Fraction

import pytest
import sympy

from paper_checks.search.params import Integer, Real, SearchSpace, SimplexPoint, StochasticMatrix
from paper_checks.search.params.domain import domain_lines, narrower, range_json, range_text, unfolded


def _space(**kw):
    return SearchSpace((Integer("c", 2, 4), SimplexPoint("f", 4), Real("q", 0, 1, open_low=True)),
                       lambda p: 0.0, **kw)


def test_ranges_name_open_ends_infinite_ends_and_exact_fractions():
    assert range_text(Real("a", 0, math.inf, open_low=True)) == "(0, oo)"
    assert range_text(Real("b", -math.inf, math.inf)) == "(-oo, oo)"
    assert range_text(Real("e", 0, Fraction(2, 3), open_high=True)) == "[0, 2/3)"
    assert range_text(Real("x", 0.5, 0.5)) == "= 0.5"
    assert range_text(Integer("c", 2, 8)) == "2..8"
    assert range_text(StochasticMatrix("T", 3)) == "the row-stochastic 3 x 3 matrices"
    row = range_json(Real("a", 0, math.inf, open_low=True))
    assert (row["low"], row["high"], row["open_low"], row["open_high"]) == ("0", "oo", True, True)


def test_the_statement_range_stands_beside_a_narrower_one_and_folding_is_said():
    rows = _space(folds={"f": "c"}, statement_domain={"c": "every c >= 2"}).domain()
    assert rows[0]["statement"] == "every c >= 2" and rows[1]["folded_onto"] == "c"
    assert narrower(rows) == "c = 2..4 (statement: every c >= 2)"
    lines = domain_lines(rows)
    assert lines[0].startswith("  c = 2..4") and lines[0].endswith("(statement: every c >= 2)")
    assert "folded onto c classes" in lines[1] and "first c - 1 coordinates are kept" in lines[-1]
    assert narrower(_space().domain()) == ""


def test_a_set_override_is_shown_beside_the_declared_range():
    declared = _space()
    rows = declared.narrowed({"q": "0.5..1"}).domain(declared)
    assert rows[2]["range"] == "[0.5, 1]" and rows[2]["declared"] == "(0, 1]"
    assert "declared" not in rows[0]


def test_a_folded_point_is_shown_unfolded_with_the_point_as_drawn_beside():
    space = _space(folds={"f": "c"})
    R = sympy.Rational
    point = {"c": sympy.Integer(2), "f": [R(1, 4), R(1, 4), 0, R(1, 2)], "q": R(1, 2)}
    shown = unfolded(space, point)
    assert shown["f"] == [R(1, 4), R(3, 4)] and shown["f (as drawn)"] == point["f"]
    assert unfolded(_space(), point) is point


@pytest.mark.parametrize("kw, msg", [({"folds": {"f": 2}}, "must be strings"),
                                     ({"statement_domain": 3}, "expects a mapping")])
def test_a_bad_declaration_is_one_clear_error(kw, msg):
    with pytest.raises((ValueError, TypeError), match=msg):
        _space(**kw)


def test_every_catalogue_domain_says_how_it_relates_to_its_statement():
    """Each explorable claim of the catalogue prints its domain; those the prover can take on the statement's own
    domain declare no narrower one, and le19.margin_symmetric's is the statement's own (half-lines, the line)."""
    from paper_checks.registry import load

    spaces = {k: c.space() for k, c in load().items() if c.space is not None}
    assert len(spaces) >= 15
    for k, s in spaces.items():
        rows = s.domain()
        assert len(rows) == len(s.params) and domain_lines(rows), k
        names = {p.name for p in s.params}
        assert {n for n, _ in s.statement_domain} <= names and {n for n, _ in s.folds} <= names, k
        for name, onto in s.folds:
            assert onto in names and any(r["name"] == name and "folded_onto" in r for r in rows), k
    sym = spaces["le19.margin_symmetric"].domain()
    assert [r["range"] for r in sym] == ["(0, oo)", "(-oo, oo)", "[0, oo)"] and not narrower(sym)
    assert "every c >= 2" in narrower(spaces["gce18.eq7_bounds"].domain())  # the search's folded simplex, c = 2..8


def test_most_catalogue_proofs_set_out_on_the_statement_s_own_domain():
    """Issue 57: ``explore --prove`` proves the statement's own domain (``proof_domain``: a reduction's, or a declared
    domain no narrower than the statement's) for at least 10 of the catalogue's 15 spaces; the others say beside
    each coordinate which range of the statement they leave out."""
    from paper_checks.registry import load

    spaces = {k: c.space() for k, c in load().items() if c.space is not None}
    own = sorted(k for k, s in spaces.items() if not narrower(s.proof_domain()))
    assert len(own) >= 10, own
    assert {"gce18.eq7_bounds", "gce18.eq11_k03", "gce18.eq11_k02", "gce18.thm2_class_dependent",
            "ghosh17.uniform_tolerance", "dmi19.properties", "dmi19.dmi_order_invariant"} <= set(own)
    for k, s in spaces.items():
        if s.reduction is not None:
            assert s.proof_domain() == s.reduction.rows() and s.reduction.steps and s.reduction.source, k
        elif k not in own:
            assert s.statement_domain and narrower(s.domain()), k


def test_a_space_the_prover_rebuilds_with_other_parameters_keeps_its_declarations():
    """The prover replaces parameters by charted ones (``dataclasses.replace``); the declarations travel along and
    :meth:`SearchSpace.domain` shows those whose names are there."""
    import dataclasses

    space = _space(folds={"f": "c"}, statement_domain={"q": "every q > 0"})
    other = dataclasses.replace(space, params=(Integer("c", 2, 4), Real("q_chart", 0, 1)))
    assert other.statement_domain == (("q", "every q > 0"),)
    assert [r.get("statement") for r in other.domain()] == [None, None]


def test_a_real_relaxation_of_an_integer_coordinate_is_not_narrower_and_its_points_off_the_integers_refute_nothing():
    """``relaxed``: a ``Real`` that holds the statement's integers covers the statement (no narrower domain), says
    so beside its range, and a point where it is no integer is named (``explore`` then refutes nothing with it)."""
    import math

    from paper_checks.search.params.domain import off_integers

    space = SearchSpace((Real("c", 2.0, math.inf), Real("q", 0, 1)), lambda pt: 0.0,
                        relaxed={"c": "every integer c >= 2"})
    rows = space.domain()
    assert rows[0]["range"] == "[2, oo)" and rows[0]["statement"] == "every integer c >= 2"
    assert narrower(rows) == "" and not space.narrower
    assert "a real relaxation" in domain_lines(rows)[0]
    R = sympy.Rational
    assert off_integers(space, {"c": R(5, 2), "q": R(1, 2)}) == "c = 5/2"
    assert off_integers(space, {"c": sympy.Integer(3), "q": R(1, 2)}) == ""
    assert "declared" in space.narrowed({"c": "2..5"}).domain(space)[0]
    assert narrower(space.narrowed({"c": "2..5"}).domain(space)).startswith("c in [2, 5]")
