"""A homogeneous margin on the positive orthant decided on its cones' faces (:mod:`paper_checks.prover.symmetry.cones`):
the charted half-lines it takes, the branches' scaling in the identity, each face (its coordinate 1, the others on
``[1, oo)``), the weighted AM-GM inequality on ``(0, oo)^2`` proved, a false neighbour refuted at a point of the piece,
and tampered records failing their re-check."""
from __future__ import annotations

import dataclasses
from fractions import Fraction

import pytest
import sympy

from paper_checks.prover import prove_expr
from paper_checks.prover.budget import Budget
from paper_checks.prover.symmetry.cones import Cones, cones, face_problem, halflines, in_values, mirrored, reflectable
from paper_checks.prover.symmetry.cones import recheck as cones_recheck
from paper_checks.prover.symmetry.scaling import branches_scaled, identity
from paper_checks.prover.tracing.symbols import Coordinate
from paper_checks.prover.tracing.unbounded import HalfChart

R, F = sympy.Rational, Fraction
HANG_GUARD = 300  # seconds: generous, so that the load never decides an outcome
u, v = sympy.symbols("x_unit y_unit", positive=True)
w = sympy.Symbol("w", real=True)
SYMS = [u, v, w]
COORDS = [Coordinate(u, "x_unit", (), (F(0), F(1))), Coordinate(v, "y_unit", (), (F(0), F(1))), Coordinate(w, "w", ())]
BOX = [(F(0), F(1)), (F(0), F(1)), (F(0), F(1))]
X, Y = HalfChart(u), HalfChart(v)
#: the weighted AM-GM gap as the prover sees it on (0, oo)^2: each coordinate through its chart x = u/(1 - u)
AMGM = w * X + (1 - w) * Y - X**w * Y ** (1 - w)
#: Cartwright & Field's upper bound on that gap, with a Min of the two coordinates
CF_UPPER = w * (1 - w) * (X - Y) ** 2 / (2 * sympy.Min(X, Y)) - (w * X + (1 - w) * Y - X**w * Y ** (1 - w))


def test_the_half_lines_are_the_whole_charts_read_through_them():
    assert halflines(AMGM, SYMS, BOX, COORDS) == [0, 1]
    assert halflines(AMGM + u, SYMS, BOX, COORDS) == [1]  # x_unit read outside its chart
    assert halflines(AMGM, SYMS, [(F(0), F(1, 2)), *BOX[1:]], COORDS) == [1]  # not the whole half-line
    closed = [Coordinate(sympy.Symbol("x_unit", real=True), "x_unit", ()), *COORDS[1:]]
    assert halflines(AMGM.xreplace({u: closed[0].symbol}), [closed[0].symbol, v, w], BOX, closed) == [1]  # 0 taken


@pytest.mark.slow
def test_the_branches_scale_with_their_arguments():
    s = sympy.Symbol("s", positive=True)
    x, y = sympy.symbols("x y", positive=True)
    assert branches_scaled(sympy.Min(s * x, s * y), s) == s * sympy.Min(x, y)
    assert branches_scaled(sympy.Max(s**2 * x, s**2 * (x - y)), s) == s**2 * sympy.Max(x, x - y)
    assert branches_scaled(sympy.Max(s * x, s**2 * y), s) == sympy.Max(s * x, s**2 * y)  # two degrees: kept
    assert branches_scaled(sympy.Max(s * x, 1), s) == sympy.Max(s * x, 1)
    e, syms = in_values(CF_UPPER, SYMS, COORDS, (0, 1))
    box = [(F(0), F(4)), (F(0), F(4)), (F(0), F(1))]
    assert identity(e, syms, box, (0, 1), R(1)) and not identity(e, syms, box, (0, 1), R(2))


def test_each_face_has_its_coordinate_1_and_the_others_from_1():
    margin, sy, sc, sb = face_problem(AMGM, SYMS, COORDS, BOX, (0, 1), 1)
    x = sympy.Symbol("x", positive=True)
    assert [str(s) for s in sy] == ["x", "w"] and sb == [(F(1), float("inf")), (F(0), F(1))]
    assert [c.index for c in sc] == [(), ()] and margin == w * x + 1 - w - x**w


@pytest.mark.slow
def test_cartwright_field_upper_is_proved_on_its_faces():
    rec = cones(CF_UPPER, SYMS, BOX, Budget.of(HANG_GUARD), COORDS)
    assert isinstance(rec, Cones) and rec.degree == 1 and sorted(f.pivot for f in rec.faces) == [0, 1]
    assert cones_recheck(rec, CF_UPPER, SYMS, BOX, COORDS) == []


@pytest.mark.slow
def test_the_weighted_amgm_on_the_open_quadrant_is_proved_on_its_faces():
    x, y = sympy.symbols("x y", positive=True)
    half = sympy.Interval.open(0, sympy.oo)
    res = prove_expr(w * x + (1 - w) * y - x**w * y ** (1 - w), {x: half, y: half, w: (0, 1)}, seconds=HANG_GUARD)
    assert res.proved and "cone faces" in res.certificate.methods()


@pytest.mark.slow
def test_a_false_neighbour_is_refuted_at_a_point_of_the_piece():
    """AM-GM less x/10^6 (still homogeneous): negative on the plane x = y; the face's point is the piece's."""
    false = AMGM - R(1, 10**6) * X
    pt = cones(false, SYMS, BOX, Budget.of(HANG_GUARD), COORDS)
    assert isinstance(pt, list) and all(0 < c < 1 for c in pt[:2]) and 0 <= pt[2] <= 1
    assert false.xreplace({s: R(c.numerator, c.denominator) for s, c in zip(SYMS, pt)}) < 0


@pytest.mark.slow
def test_a_tampered_record_fails_its_recheck():
    rec = cones(AMGM, SYMS, BOX, Budget.of(HANG_GUARD), COORDS)
    assert isinstance(rec, Cones) and cones_recheck(rec, AMGM, SYMS, BOX, COORDS) == []
    assert cones_recheck(dataclasses.replace(rec, degree=R(2)), AMGM, SYMS, BOX, COORDS)
    assert cones_recheck(dataclasses.replace(rec, faces=rec.faces[:1]), AMGM, SYMS, BOX, COORDS)
    assert cones_recheck(rec, AMGM + R(1, 100) * X, SYMS, BOX, COORDS)  # another margin
    assert cones_recheck(rec, AMGM, SYMS, [(F(0), F(1, 2)), *BOX[1:]], COORDS)  # not the whole half-line


@pytest.mark.slow
def test_a_face_the_same_as_another_through_a_map_shares_its_proof():
    """The weighted AM-GM gap's face y = 1 is its face x = 1 with w read as 1 - w: one sub-proof for both."""
    rec = cones(AMGM, SYMS, BOX, Budget.of(HANG_GUARD), COORDS)
    first, second = rec.faces
    assert first.like is None and (second.like, second.reflected) == (first.pivot, (2,))
    assert second.proof is first.proof and "1 face the same as another" in rec.why()
    assert reflectable(SYMS, COORDS, BOX, (0, 1)) == [2]
    y = sympy.Symbol("y", positive=True)
    assert first.margin == w + (1 - w) * y - y ** (1 - w)
    assert sympy.expand(mirrored(AMGM, SYMS, COORDS, BOX, (0, 1), 1, 0, (2,)) - first.margin) == 0
    assert sympy.expand(mirrored(AMGM, SYMS, COORDS, BOX, (0, 1), 1, 0, ()) - first.margin) != 0
    symmetric = X + Y - 2 * sympy.sqrt(X * Y)  # no reflection needed
    rec = cones(symmetric, SYMS, BOX, Budget.of(HANG_GUARD), COORDS)
    assert isinstance(rec, Cones) and rec.faces[1].reflected == () and rec.faces[1].like == 0


@pytest.mark.slow
def test_a_tampered_map_fails_its_recheck():
    rec = cones(AMGM, SYMS, BOX, Budget.of(HANG_GUARD), COORDS)
    first, second = rec.faces
    for bad in (dataclasses.replace(second, reflected=()),  # w not reflected: another margin
                dataclasses.replace(second, like=second.pivot),  # its own face
                dataclasses.replace(second, reflected=(0,))):  # a coordinate of the cone
        assert cones_recheck(dataclasses.replace(rec, faces=(first, bad)), AMGM, SYMS, BOX, COORDS)
    open_w = [*COORDS[:2], Coordinate(w, "w", (), (F(0), None))]  # (0, 1]: its reflection [0, 1) is not the domain
    assert reflectable(SYMS, open_w, BOX, (0, 1)) == []
