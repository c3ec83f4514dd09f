"""A constraint affine in two coordinates (:mod:`paper_checks.prover.tracing.polygon`): read on symbols as half-planes,
cut into cells on which one coordinate runs between two lines, charted onto boxes exactly; a margin true only on the
polygon is proved, its false neighbour and the same margin on the whole box are refuted inside the polygon."""
from __future__ import annotations

import dataclasses
from fractions import Fraction

import pytest
import sympy

from paper_checks.prover import prove
from paper_checks.prover.certificate import recheck
from paper_checks.prover.tracing.polygon import Cell, HalfPlane, Line, Polygon, back_result, cells, chart, half_planes
from paper_checks.search.params import Integer, Real, SearchSpace

R = sympy.Rational
F = Fraction
HANG_GUARD = 300  # seconds: generous, so that the load never decides an outcome


def _space(margin, constraint, *extra):
    def exact(pt):
        return margin(pt["x"], pt["y"])
    return SearchSpace((Real("x", 0.0, 3.0), Real("y", -1.0, 3.0), *extra),
                       lambda pt: float(exact(pt)), exact, constraint)


def _wedge(pt):  # x >= max(y, 2 - y): Le & Odobez's alpha >= max(beta, 2 - beta)
    return (pt["x"] >= pt["y"]) & (pt["x"] >= 2 - pt["y"])


def test_the_constraint_is_read_as_half_planes_in_two_coordinates():
    sp = _space(lambda x, y: x, _wedge)
    x, y, planes = half_planes(sp)
    assert (x, y) == ("x", "y")
    assert planes == [HalfPlane(F(1), F(-1), F(0)), HalfPlane(F(1), F(1), F(-2))]
    # Max on the side it bounds is two comparisons; on the other side it is a disjunction, not read
    assert half_planes(_space(lambda x, y: x, lambda pt: pt["x"] >= sympy.Max(pt["y"], 2 - pt["y"])))[2] == planes
    assert half_planes(_space(lambda x, y: x, lambda pt: pt["x"] <= sympy.Max(pt["y"], 2 - pt["y"]))) is None
    assert half_planes(_space(lambda x, y: x, lambda pt: pt["x"] >= 1)) is None  # one coordinate: constraint.py
    assert half_planes(_space(lambda x, y: x, lambda pt: pt["x"] * pt["y"] >= 1)) is None  # not affine
    assert half_planes(_space(lambda x, y: x, lambda pt: pt["x"] >= 1 / (pt["y"] + 2))) is None  # not a polynomial
    assert half_planes(_space(lambda x, y: x, lambda pt: sympy.Or(pt["x"] >= pt["y"], pt["x"] <= 0))) is None
    assert half_planes(_space(lambda x, y: x, lambda pt: float(pt["x"]) >= float(pt["y"]))) is None  # floats


def test_the_cells_cover_the_polygon_and_nothing_else():
    planes = [HalfPlane(F(1), F(-1), F(0)), HalfPlane(F(1), F(1), F(-2))]
    got = cells(planes, (F(1, 100), F(3)), (F(-1), F(3)))
    # two cells: below y = 1 the line x = 2 - y bounds x from below, above it x = y; x <= 3 above; the crossings of
    # x = 1/100 with either line bound nothing and cut nothing
    assert got == [Cell(F(-1), F(1), Line(F(-1), F(2)), Line(F(0), F(3))),
                   Cell(F(1), F(3), Line(F(1), F(0)), Line(F(0), F(3)))]
    assert cells([HalfPlane(F(1), F(0), F(-5))], (F(0), F(3)), (F(0), F(1))) == []  # x >= 5: empty
    # x >= y and x <= 2 - y meet at y = 1: no cell beyond; below y = 0 the box's x >= 0 bounds x from below
    pinch = cells([HalfPlane(F(1), F(-1), F(0)), HalfPlane(F(-1), F(-1), F(2))], (F(0), F(3)), (F(-1), F(3)))
    assert pinch == [Cell(F(-1), F(0), Line(F(0), F(0)), Line(F(-1), F(2))),
                     Cell(F(0), F(1), Line(F(1), F(0)), Line(F(-1), F(2)))]


def test_the_chart_maps_each_cell_exactly_onto_its_part_of_the_polygon():
    sp = _space(lambda x, y: x, _wedge)
    charted, poly = chart(sp)
    assert isinstance(poly, Polygon) and [p.name for p in charted.params] == ["x_chart", "x_cell", "y"]
    u, y = R(1, 3), R(-1, 2)
    pt = poly({"x_chart": u, "x_cell": 0, "y": y})
    assert pt == {"x": (2 - y) + u * (3 - (2 - y)), "y": y}  # L(y) + u (U(y) - L(y)), exact
    assert sp.constraint_holds_exactly(pt)
    flt = poly({"x_chart": 1 / 3, "x_cell": 0, "y": -0.5})
    assert flt["x"] == pytest.approx(float(pt["x"]))
    assert bool(charted.constraint({"x_cell": 1, "y": 0.5})) is False  # cell 1 is y in [1, 3]
    plain = _space(lambda x, y: x, lambda pt: pt["x"] >= 1)
    assert chart(plain)[0] is plain


def test_a_margin_true_only_on_the_polygon_is_proved_and_rechecked():
    # (x - y)(x + y - 2) >= 0 on the wedge, negative on most of the rest of the box
    sp = _space(lambda x, y: (x - y) * (x + y - 2), _wedge)
    res = prove(sp, 10**5, HANG_GUARD)
    assert res.proved and any("charted" in n for n in res.notes)
    assert recheck(res.certificate, sp) == []
    whole = dataclasses.replace(sp, constraint=None)
    assert prove(whole, 10**5, HANG_GUARD).outcome == "counterexample"


def test_a_false_neighbour_is_refuted_at_a_point_of_the_polygon():
    sp = _space(lambda x, y: (x - y) * (x + y - 2) - R(1, 100), _wedge)
    res = prove(sp, 10**5, HANG_GUARD)
    assert res.outcome == "counterexample"
    ce = res.counterexample
    assert set(ce) == {"x", "y"} and sp.constraint_holds_exactly(ce) and sp.exact_margin(ce) < 0


def test_a_point_on_a_boundary_the_domain_leaves_out_is_no_counterexample():
    strict = _space(lambda x, y: x - y, lambda pt: (pt["x"] > pt["y"]) & (pt["x"] >= 2 - pt["y"]))
    charted, poly = chart(strict)
    on_edge = {"x_chart": R(0), "x_cell": 1, "y": R(2)}  # x = y = 2: outside x > y
    from paper_checks.prover.prove import ProofResult
    res = back_result(ProofResult("counterexample", 0, 1, 0.0, counterexample=on_edge), strict, poly)
    assert res.outcome == "undecided" and "leaves out" in res.reason
    inside = {"x_chart": R(1, 2), "x_cell": 1, "y": R(2)}
    res = back_result(ProofResult("counterexample", 0, 1, 0.0, counterexample=inside), strict, poly)
    assert res.outcome == "counterexample" and res.counterexample == {"x": R(5, 2), "y": R(2)}


def test_a_counterexample_on_a_boundary_the_domain_leaves_out_is_moved_inside():
    """x - y - 10^-12 for x > y: the charts' point x = y = 2 is on the edge the strict comparison leaves out, where the
    margin is -10^-12; moved 2^-40 of the way inside (coarser moves leave it >= 0) it is negative at a point of the
    domain, exactly. The whole proof refutes it there too."""
    from paper_checks.prover.prove import ProofResult
    from paper_checks.prover.tracing.polygon import NUDGES, toward_inside

    strict = _space(lambda x, y: x - y - R(1, 10**12), lambda pt: (pt["x"] > pt["y"]) & (pt["x"] >= 2 - pt["y"]))
    charted, poly = chart(strict)
    on_edge = {"x_chart": R(0), "x_cell": 1, "y": R(2)}
    point, k, exact = toward_inside(on_edge, strict, poly)
    assert k == NUDGES[-1] == 40 and exact.status == "fails"
    assert strict.contains(point) and strict.constraint_holds_exactly(point) and strict.exact_margin(point) < 0
    res = back_result(ProofResult("counterexample", 0, 1, 0.0, counterexample=on_edge), strict, poly)
    assert res.outcome == "counterexample" and res.counterexample == point and "moved 2^-40" in res.notes[-1]
    res = prove(strict, 10**5, HANG_GUARD)
    ce = res.counterexample
    assert res.outcome == "counterexample" and strict.constraint_holds_exactly(ce) and strict.exact_margin(ce) < 0


def test_an_integer_the_constraint_reads_alike_on_every_piece_is_charted():
    sp = _space(lambda x, y: (x - y) * (x + y - 2), _wedge, Integer("c", 2, 3))
    assert half_planes(sp) is not None
    varying = _space(lambda x, y: x, lambda pt: pt["x"] >= pt["c"] * pt["y"], Integer("c", 2, 3))
    assert half_planes(varying) is None  # the polygon differs between pieces: left to constraint.py


@pytest.mark.slow  # loads the catalogue and proves a margin of 15 coordinates (about 20 s)
def test_the_margin_loss_order_of_le19_is_proved_on_its_polygon():
    """le19.margin_robust (reconstructed): under ``alpha >= max(beta, 2 - beta)`` no hinge clips, so the noisy risk
    is an increasing affine function of the clean one; undecided before (the constraint was not read)."""
    from paper_checks import registry

    space = registry.load()["le19.margin_robust"].space()
    res = prove(space, 10**6, HANG_GUARD)
    assert res.proved and "kinks decided" in res.certificate.methods()
    assert recheck(res.certificate, space) == []


@pytest.mark.slow  # about 4 s: out of README's quick command, in CI's slow run
def test_a_constraint_that_hangs_on_symbols_keeps_the_time_limit():
    """Reading the constraint calls the claim's code on symbols before any box: it runs under the prover's time
    limit (a constraint that never returns is not charted, and the proof ends). The bound is a hang guard, not a
    timing: without the limit the call never returns."""
    import time

    def hangs(pt):
        if isinstance(pt["x"], sympy.Basic) and not pt["x"].is_number:
            while True:
                pass
        return pt["x"] >= pt["y"]
    sp = _space(lambda x, y: x - y + 5, hangs)
    begun = time.monotonic()
    res = prove(sp, 10**5, 3)
    assert time.monotonic() - begun < HANG_GUARD and res.outcome in ("undecided", "proved")
