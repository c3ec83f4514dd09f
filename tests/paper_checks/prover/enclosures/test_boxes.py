"""Pieces, splits and paths: the regions cover the simplex, paths name boxes."""
from __future__ import annotations

import itertools
from fractions import Fraction

import pytest

from paper_checks.prover.enclosures.boxes import from_path, initial_box, pieces, split, status
from paper_checks.prover.tracing.trace import symbolic_point
from paper_checks.search.params import Integer, SimplexPoint
from tests.paper_checks.prover._spaces import simplex_space


def test_pieces_enumerate_integers_and_regions():
    space = simplex_space(3, lambda p, c: p[0], (Integer("c", 2, 4),))
    ps = pieces(space)
    assert len(ps) == 3 * 3
    assert {dict(p.integers)["c"] for p in ps} == {2, 3, 4}


@pytest.mark.parametrize("dim", [2, 3, 4, 5])
def test_regions_cover_the_simplex(dim):
    """Every point of a grid on the simplex lies in some region's box, inside the simplex."""
    space = simplex_space(dim, lambda p: p[0])
    n = 6
    for counts in itertools.product(range(n + 1), repeat=dim):
        if sum(counts) != n:
            continue
        p = [Fraction(k, n) for k in counts]
        found = False
        for pc in pieces(space):
            k = dict(pc.eliminated)["p"][0]
            free = [p[j] for j in range(dim) if j != k]
            if all(0 <= v <= Fraction(1, 2) for v in free) and sum(free) <= 1 - Fraction(1, dim):
                found = True
        assert found, p


def test_status_of_boxes_for_four_classes():
    space = simplex_space(4, lambda p: p[0])
    _, coords = symbolic_point(space, {}, {"p": (0,)})
    h = Fraction(1, 2)
    assert status([(0, Fraction(1, 8))] * 3, coords) == "inside"
    assert status([(0, h)] * 3, coords) == "split"
    assert status([(Fraction(1, 4) + Fraction(1, 100), h)] * 3, coords) == "outside"


def test_paths_name_the_split_boxes():
    base = [(Fraction(0), Fraction(1)), (Fraction(0), Fraction(4))]
    k, left, right = split(base, base)
    assert from_path(base, f"{k}L") == left and from_path(base, f"{k}R") == right
    k2, ll, _ = split(left, base)
    assert from_path(base, f"{k}L{k2}L") == ll


def test_initial_box_is_the_declared_interval_and_half_simplex():
    space = simplex_space(3, lambda p: p[0])
    _, coords = symbolic_point(space, {}, {"p": (2,)})
    assert initial_box(space, coords) == [(0, Fraction(1, 2))] * 2
    assert SimplexPoint("p", 3).dim == 3


def test_signs_are_enumerated():
    from paper_checks.prover import prove
    from paper_checks.search.params import Real, SearchSpace, Sign

    space = SearchSpace((Sign("y"), Real("t", -1, 1)), lambda p: 0.0, lambda p: 1 + p["y"] * p["t"])
    assert sorted(dict(p.integers)["y"] for p in pieces(space)) == [-1, 1]
    assert prove(space, 200, 10).proved  # 1 + y t >= 0 for |t| <= 1, tight at y t = -1


def test_split_never_halves_a_coordinate_the_margin_does_not_depend_on():
    from fractions import Fraction as Fr

    from paper_checks.prover.enclosures.boxes import split

    box = [(Fr(0), Fr(1)), (Fr(0), Fr(1, 64))]
    k, _, _ = split(box, box, None, [False, True])
    assert k == 1
    assert split(box, box, None, [True, False])[0] == 0
