"""A partial minimum (:mod:`paper_checks.prover.subproofs.partial_min`): Young's inequality with its exponent free, 0
along a curve that no box avoids, proved through its least value in one coordinate; a Bregman divergence through its
diagonal; false neighbours refuted; the critical point, the open interval and the faces read exactly; a tampered
record fails its re-check."""
from __future__ import annotations

import dataclasses
import math
from fractions import Fraction

import pytest
import sympy

from paper_checks.prover import prove, prove_expr, recheck
from paper_checks.prover.subproofs.continuity import faces
from paper_checks.prover.subproofs.partial_min import (
    PartialMin,
    _candidates,
    convex_sampled,
    opened,
    strictly_inside,
    uncharted,
)
from paper_checks.prover.tracing.symbols import Coordinate
from paper_checks.prover.tracing.unbounded import HalfChart
from tests.paper_checks.prover._spaces import real_space

R = sympy.Rational
F = Fraction
HANG_GUARD = 300  # seconds: generous, so that the load never decides an outcome
oo = sympy.oo
a, b, x, y = sympy.symbols("a b x y", real=True)
r = sympy.Symbol("r", real=True)
#: Young's inequality a b <= a^r/r + b^r'/r', r' = r/(r - 1) (Hardy, Littlewood & Polya 1934, Thm. 61)
YOUNG = a**r / r + b ** (r / (r - 1)) * (r - 1) / r - a * b
YOUNG_DOMAIN = {a: (0, oo), b: (0, oo), r: sympy.Interval.Lopen(1, 4)}


@pytest.mark.slow
def test_young_with_its_exponent_free_is_proved_through_a_partial_minimum():
    res = prove_expr(YOUNG, YOUNG_DOMAIN, seconds=HANG_GUARD)
    assert res.proved and "partial minimum" in res.certificate.methods()


@pytest.mark.slow
def test_a_bregman_divergence_is_proved_on_its_diagonal_and_its_certificate_rechecks():
    # D(x, y) = e^x - e^y - e^y (x - y), the Bregman divergence of exp (homogeneous ones go to the ratios first)
    space = real_space(lambda x, y: sympy.exp(x) - sympy.exp(y) - sympy.exp(y) * (x - y), ("x", -2, 3), ("y", -1, 1))
    res = prove(space, 10**6, HANG_GUARD)
    assert res.proved and "partial minimum" in res.certificate.methods()
    assert recheck(res.certificate, space) == []
    rec = next(iter(res.certificate.subproofs.values()))
    assert isinstance(rec, PartialMin) and (rec.name, str(rec.at)) == ("x", "y")
    moved = dataclasses.replace(rec, at=rec.at + R(1, 100))  # no longer a critical point
    res.certificate.subproofs = {k: moved for k in res.certificate.subproofs}
    assert recheck(res.certificate, space)
    res.certificate.subproofs = {k: dataclasses.replace(rec, faces=rec.faces[1:]) for k in res.certificate.subproofs}
    assert any("faces" in p for p in recheck(res.certificate, space))


@pytest.mark.slow
def test_false_neighbours_are_refuted():
    nudged = YOUNG - R(1, 10**6) * a * b / (1 + a * b)
    assert prove_expr(nudged, YOUNG_DOMAIN, seconds=HANG_GUARD).outcome == "counterexample"
    gap = x * sympy.log(x) - y * sympy.log(y) - (sympy.log(y) + 1) * (x - y) - (x - y) ** 2 / 9
    dom = {x: sympy.Interval.Lopen(0, 5), y: sympy.Interval.Lopen(0, 5)}
    assert prove_expr(gap, dom, seconds=HANG_GUARD).outcome == "counterexample"


def test_charts_are_read_in_their_values_and_every_end_opened():
    u, v = sympy.symbols("a_unit b_unit", real=True)
    expr = HalfChart(u) ** r - HalfChart(u) * HalfChart(v)
    coords = [Coordinate(u, "a_unit", (), (None, F(1))), Coordinate(v, "b_unit", (), (None, F(1))),
              Coordinate(r, "r", (), (F(1), None))]
    box = [(F(0), F(1)), (F(1, 2), F(1)), (F(1), F(4))]
    m, syms, crds, bx = uncharted(expr, [u, v, r], coords, box)
    assert [str(s) for s in syms] == ["a_value", "b_value", "r"]
    assert bx == [(F(0), math.inf), (F(1), math.inf), (F(1), F(4))]  # u/(1 - u) at the ends: 1/2 -> 1, 1 -> oo
    assert m == syms[0] ** r - syms[0] * syms[1]
    om, osyms, ocrds, _ = opened(m, syms, crds, bx)
    assert osyms[0].is_positive and osyms[2].is_positive  # (0, oo) and (1, 4) open: strict signs
    assert ocrds[2].open_at == (F(1), F(4))
    # the faces are the closed finite ends: a = 0, b = 1 and r = 4 (r = 1 is open)
    assert [w for w, _ in faces(m, syms, crds, bx)] == ["the face a_value = 0", "the face b_value = 1",
                                                        "the face r = 4"]


def test_a_critical_point_must_lie_strictly_inside():
    p, q = sympy.symbols("p q", positive=True)
    box = [(F(0), F(1)), (F(0), F(1))]
    assert strictly_inside(q, 0, [p, q], box)  # the diagonal, the same interval
    assert not strictly_inside(q, 0, [p, q], [(F(0), F(1)), (F(0), F(2))])  # q may leave p's interval
    assert strictly_inside(q**2, 0, [p, q], [(F(0), math.inf), (F(0), F(1))])  # q^2 > 0 for q > 0
    assert not strictly_inside(q - 1, 0, [p, q], [(F(0), math.inf), (F(0), F(1))])  # sign unknown: declined
    d1 = sympy.diff(p * sympy.log(p / q) - p + q, p)
    assert _candidates(d1, p, [p, q])[0] == q


@pytest.mark.slow
def test_a_least_value_below_0_is_a_counterexample_on_the_diagonal():
    # 1e-12 below a Bregman divergence: -1e-12 along the whole diagonal x = y, which no box centre had hit in 25 s;
    # the least value at x = y is that negative constant, so the diagonal point is the counterexample
    e = sympy.exp(x) - sympy.exp(y) - sympy.exp(y) * (x - y) - R(1, 10**12)
    res = prove_expr(e, {x: (-2, 3), y: (-1, 1)}, seconds=HANG_GUARD, search_first=0)
    assert res.outcome == "counterexample" and res.counterexample["x"] == res.counterexample["y"]
    assert e.xreplace({x: res.counterexample["x"], y: res.counterexample["y"]}) < 0


def test_a_coordinate_where_the_margin_is_not_convex_is_not_tried():
    """The second derivative sampled on the piece chooses the coordinates worth a sub-proof of convexity: ``x^2 - y^2``
    is convex in ``x``, not in ``y``; a second derivative 0 up to rounding counts as convex."""
    a, b = sympy.symbols("a b", real=True)
    box = [(Fraction(-1), Fraction(1)), (Fraction(0), math.inf)]
    assert convex_sampled(a**2 - b**2, a, [a, b], box)
    assert not convex_sampled(a**2 - b**2, b, [a, b], box)
    assert convex_sampled(a * b, a, [a, b], box)
