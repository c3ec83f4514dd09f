"""A closed face that follows from the open piece by continuity (:mod:`paper_checks.prover.subproofs.continuity`): the
conditions each node puts on its argument, read on the face exactly (SymPy's signs) or by Arb; a face that does not
meet them is left to its sub-proof, and a record that says otherwise fails its re-check."""
from __future__ import annotations

from fractions import Fraction

import sympy

from paper_checks.prover.subproofs.continuity import closed_ends, conditions, continuous_at, faces, recheck_faces
from paper_checks.prover.tracing.symbols import Coordinate

F = Fraction
v, x = sympy.symbols("v x", real=True)
c, p, q = sympy.symbols("c p q", positive=True)
#: Welsch's loss below Cauchy's (Barron 2019), c in (0, 5]: its face c = 5 is continuous on the whole line
WELSCH = c**2 / 2 * (sympy.log(1 + v**2 / c**2) - (1 - sympy.exp(-(v**2) / c**2)))


def _coords(*syms):
    return [Coordinate(s, str(s), ()) for s in syms]


def test_each_node_puts_its_condition():
    assert conditions(sympy.exp(x) + sympy.Abs(x) * sympy.Max(x, 1)) == []
    assert conditions(x**3 - 1 / x) == [(x, False)]  # a negative integer power: its base is not 0
    assert conditions(sympy.log(1 + x**2)) == [(1 + x**2, True)]
    assert (p, True) in conditions(p**q)  # a power no integer: its base is > 0
    assert conditions(sympy.tan(x)) is None  # not a node this module knows: the face is proved as before
    assert conditions(sympy.Piecewise((x, x > 0), (0, True))) is None


def test_the_welsch_face_is_continuous_and_a_face_through_zero_is_not():
    coords = _coords(v, c)
    box = [(-float("inf"), float("inf")), (F(0), F(5))]
    assert closed_ends([v, c], coords, box) == [(1, F(5))]  # c > 0: its end at 0 is open
    assert continuous_at(WELSCH, [v, c], coords, box, 1, F(5))
    # p^q at the face p = 0 of [0, 1]: its base is 0 there (0^q jumps to 1 at q = 0)
    pq = sympy.Symbol("pq", real=True)  # p's end at 0 closed: no sign assumption
    box2 = [(F(0), F(1)), (F(0), F(1))]
    assert not continuous_at(pq**q - 1, [pq, q], _coords(pq, q), box2, 0, F(0))
    assert continuous_at(pq**q - 1, [pq, q], _coords(pq, q), box2, 0, F(1))  # at p = 1 it is


def test_a_finite_face_is_read_by_arb_where_sympy_knows_no_sign():
    box = [(F(0), F(1)), (F(1, 2), F(1))]
    y = sympy.Symbol("y", real=True)
    assert continuous_at(sympy.log(x + y), [x, y], _coords(x, y), box, 0, F(0))  # y >= 1/2 on the face x = 0
    assert not continuous_at(sympy.log(x + y - F(1, 2)), [x, y], _coords(x, y), box, 0, F(0))  # 0 at y = 1/2


def test_a_record_of_a_face_held_by_continuity_is_rechecked():
    y = sympy.Symbol("y", real=True)
    box = [(F(0), F(1)), (F(0), F(1))]
    m = sympy.log(x + y + 1) * x
    un = (m, [x, y], _coords(x, y), box)
    wanted = [w for w, _ in faces(*un)]
    assert recheck_faces([(w, None) for w in wanted], *un) == []
    bad = sympy.log(x + y) * x  # the log's argument is 0 at the corner of the face x = 0
    assert any("not continuous" in e for e in recheck_faces([(w, None) for w in wanted], bad, [x, y],
                                                             _coords(x, y), box))
    assert recheck_faces([], *un) == ["the recorded faces are not the piece's closed ends"]
