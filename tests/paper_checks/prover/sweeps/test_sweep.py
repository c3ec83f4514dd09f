"""Monotone sweep over a whole piece (:mod:`paper_checks.prover.sweeps.sweep`): a bound tight along an edge for every
value of a parameter, proved as the derivative's sign plus the face; refuted or near-miss margins are never
closed, and a tampered sweep fails its re-check."""
from __future__ import annotations

import dataclasses
import math
from fractions import Fraction

import pytest
import sympy

from paper_checks.prover import prove, prove_expr, recheck
from paper_checks.prover.budget import Budget
from paper_checks.prover.subproofs.subproblem import reals
from paper_checks.prover.sweeps.sweep import Sweep, _tries, even_in, sweep
from paper_checks.prover.sweeps.sweep import recheck as sweep_recheck
from paper_checks.prover.tracing.symbols import Coordinate
from paper_checks.search.params import Real, SearchSpace, SimplexPoint
from tests.paper_checks.prover._spaces import real_space

R = sympy.Rational
F = Fraction
p, q, x, r = sympy.symbols("p q x r")
BOX = [(F(0), F(1)), (F(1, 8), F(1))]
HANG_GUARD = 300  # seconds: generous, so that the load never decides an outcome


def _gce(v, qq):
    return (1 - v ** qq) / qq


@pytest.mark.slow
def test_gce_above_mae_for_every_q_is_swept_to_the_edge_p_1():
    """L_q(p) >= 1 - p on [0, 1] x [1/8, 1] (Zhang & Sabuncu 2018): 0 on the whole edge p = 1 and the face q = 1."""
    e = _gce(p, q) - (1 - p)
    sw = sweep(e, [p, q], BOX, Budget.of(HANG_GUARD))
    assert isinstance(sw, Sweep) and sw.derivative_proof.proved and sw.face_proof.proved
    assert sweep_recheck(sw, e, [p, q], BOX) == []


@pytest.mark.slow  # about 8 s: in CI's slow run
def test_bernoulli_with_the_exponent_free_is_swept_in_r():
    """(1 + x)^r >= 1 + r x for r in [1, 3], x in [-1/2, 2]: increasing in r, identically 0 at r = 1."""
    e = (1 + x) ** r - 1 - r * x
    box = [(F(-1, 2), F(2)), (F(1), F(3))]
    sw = sweep(e, [x, r], box, Budget.of(HANG_GUARD))
    assert isinstance(sw, Sweep)
    assert sweep_recheck(sw, e, [x, r], box) == []


def test_a_false_bound_is_not_swept():
    """L_q(p) <= 1 - p is false for q < 1: the face (or the derivative) fails, nothing closes."""
    e = (1 - p) - _gce(p, q)
    assert not isinstance(sweep(e, [p, q], [(F(0), F(1)), (F(1, 8), F(7, 8))], Budget.of(HANG_GUARD)), Sweep)


@pytest.mark.slow
def test_a_near_miss_is_not_swept():
    """L_q(p) >= 1 - p + 1/1000 fails on the edge p = 1: monotone in p, but the face is negative there; the
    sweep hands back a point of that face, where the margin is exactly negative."""
    e = _gce(p, q) - (1 - p) - R(1, 1000)
    got = sweep(e, [p, q], BOX, Budget.of(HANG_GUARD))
    assert not isinstance(got, Sweep)
    if got is not None:
        assert got[0] == 1 and e.xreplace({p: 1, q: R(got[1].numerator, got[1].denominator)}) < 0


@pytest.mark.slow
def test_a_tampered_sweep_fails_its_recheck():
    e = _gce(p, q) - (1 - p)
    sw = sweep(e, [p, q], BOX, Budget.of(HANG_GUARD))
    assert isinstance(sw, Sweep)
    assert sweep_recheck(dataclasses.replace(sw, face=sw.face + 1), e, [p, q], BOX)
    assert sweep_recheck(dataclasses.replace(sw, end="low" if sw.end == "high" else "high"), e, [p, q], BOX)
    assert sweep_recheck(sw, e + R(1, 1000), [p, q], BOX)


@pytest.mark.slow
def test_prove_closes_the_piece_by_a_sweep_and_its_certificate_rechecks():
    """Through prove: whatever closes it (boxes or the sweep), the certificate re-checks; a sweep's record is of
    the whole piece."""
    space = real_space(lambda p, q: _gce(p, q) - (1 - p), ("p", 0, 1), ("q", 0.125, 1))
    res = prove(space, 10**6, HANG_GUARD)
    assert res.outcome == "proved", res.reason
    assert recheck(res.certificate, space) == []
    for rec in res.certificate.records:
        if rec.closure.method == "monotone sweep":
            assert rec.path == "" and (rec.piece, rec.part) in res.certificate.subproofs


@pytest.mark.slow  # about 5 s: in CI's slow run
def test_a_piece_of_the_simplex_is_swept_in_its_real_coordinate():
    """GCE above MAE summed over c = 2 classes, sum_j L_q(f_j) >= sum_j (1 - f_j), for every q in [1/8, 1]: 0 on the
    whole face q = 1. On the piece where f_0 = 1 - f_1 is eliminated, both sub-problems keep the simplex whole
    (a proof there holds on the piece); a sub-problem whose domain is not the piece's fails the re-check."""
    qs = sympy.Symbol("q", positive=True)
    f1 = sympy.Symbol("f[1]", real=True, nonnegative=True)
    e = _gce(1 - f1, qs) + _gce(f1, qs) - f1 - (1 - f1)
    coords = [Coordinate(qs, "q", ()), Coordinate(f1, "f", (1,))]
    box = [(F(1, 8), F(1)), (F(0), F(1, 2))]
    sw = sweep(e, [qs, f1], box, Budget.of(HANG_GUARD), coords)
    assert isinstance(sw, Sweep) and sw.name == "q" and sw.end == "high"
    assert [type(prm).__name__ for prm in sw.derivative_space.params] == ["Real", "SimplexPoint"]
    assert sweep_recheck(sw, e, [qs, f1], box, coords) == []
    plain = dataclasses.replace(sw, derivative_space=dataclasses.replace(
        sw.derivative_space, params=sw.derivative_space.params[:1]))
    assert any("domain" in msg for msg in sweep_recheck(plain, e, [qs, f1], box, coords))


@pytest.mark.slow  # about 15 s: in CI's slow run
def test_a_class_sum_for_every_q_is_proved_by_sweeping_the_margin_as_written(without_class_sum, without_concave):
    """The same bound through prove_expr: its normal form is scaled by q (not monotone in q), the margin as written
    is; each piece is closed by a sweep of the margin as written, and the certificate re-checks."""
    f0, f1 = sympy.symbols("f0 f1")
    e = _gce(f0, q) + _gce(f1, q) - (1 - f0) - (1 - f1)
    res = prove_expr(e, {q: (R(1, 8), 1)}, 10**6, HANG_GUARD, simplices={"f": [f0, f1]})
    assert res.outcome == "proved", res.reason
    assert res.certificate.methods() == {"monotone sweep": 2}
    assert all("as written" in n for n in res.notes if "monotonicity" in n)
    space = _class_sum_space()
    assert recheck(prove(space, 10**6, HANG_GUARD).certificate, space) == []


def _class_sum_space():
    def exact(pt):
        return sum(_gce(v, pt["q"]) - (1 - v) for v in pt["f"])

    return SearchSpace((SimplexPoint("f", 2), Real("q", 0.125, 1.0)), lambda pt: float(exact(pt)), exact)



def _barron(v, al):
    """Barron's (2019) general robust loss, scale 1: |al - 2|/al ((v^2/|al - 2| + 1)^(al/2) - 1), al in (0, 2)."""
    return (2 - al) / al * ((v**2 / (2 - al) + 1) ** (al / 2) - 1)


def test_even_in_needs_an_identity_and_a_symmetric_interval():
    inf = float("inf")
    assert even_in(x**2 * sympy.cos(x), x, (-inf, inf)) and even_in(sympy.Abs(x), x, (F(-2), F(2)))
    assert not even_in(x**3, x, (-inf, inf))
    assert not even_in(x**2, x, (F(-1), F(2)))  # an even margin on an interval that is not symmetric
    assert not even_in(x**2 + x * 1e-30, x, (F(-1), F(1)))


@pytest.mark.slow
def test_barron_below_the_square_on_the_line_is_swept_in_values_on_the_even_half():
    """rho(v, al) <= v^2/2 for every v and al in (0, 2) (Barron 2019, Bernoulli's inequality): 0 on the whole edge
    v = 0, oo - oo as v -> oo. Read in the chart's value, even in v: the slope on v >= 0 is v (1 - (1 + v^2/(2 -
    al))^(al/2 - 1)), >= 0 at once. The certificate re-checks; a record that claims a form it was not proved in, or
    the mirror image where the margin is not even, fails its re-check."""
    v, al = sympy.symbols("v al", real=True)

    def exact(pt):
        return (v**2 / 2 - _barron(v, al)).xreplace({v: pt["v"], al: pt["al"]})

    space = SearchSpace((Real("v", -math.inf, math.inf), Real("al", 0, 2, open_low=True, open_high=True)),
                        lambda pt: float(exact(pt)), exact, description="Barron's loss below v^2/2")
    res = prove(space, 10**6, HANG_GUARD)
    assert res.proved and "monotone sweep in values" in res.certificate.methods()
    assert recheck(res.certificate, space) == []
    (key, sw), = res.certificate.subproofs.items()
    assert isinstance(sw, Sweep) and sw.in_value and sw.even and sw.end == "low"
    for bad in [dataclasses.replace(sw, even=False),  # the derivative's domain is the half, not the line
                dataclasses.replace(sw, in_value=False)]:  # the derivative proved is not the chart's
        res.certificate.subproofs = {key: bad}
        assert recheck(res.certificate, space)


@pytest.mark.slow
@pytest.mark.parametrize("k", [R(101, 100), R(2001, 2000)])
def test_barron_below_a_smaller_square_is_never_proved(k):
    """k rho(v, al) <= v^2/2 with k just above 1 fails near al = 2 for large v: refuted or undecided, never proved."""
    v, al = sympy.symbols("v al", real=True)
    res = prove_expr(v**2 / 2 - k * _barron(v, al), {v: (-sympy.oo, sympy.oo), al: sympy.Interval.open(0, 2)},
                     10**6, 20)
    assert res.outcome != "proved"


def test_a_face_undefined_as_written_is_not_tried_and_a_face_that_is_a_number_goes_first():
    """x y + x on [0, 1]^2: the face x = 0 is the number 0, the face y = 0 reads x, so x is swept first whatever the
    order of the coordinates; x + sin(x)/x + y has the face x = 0 undefined as written (0/0), never tried."""
    y = sympy.Symbol("y", real=True)
    xs = sympy.Symbol("x", real=True)
    box = [(F(0), F(1)), (F(0), F(1))]
    far = Budget.of(HANG_GUARD)
    assert [t[0] for t in _tries(xs * y + xs, [y, xs], box, reals([y, xs]), far)] == [1, 0]
    assert [t[0] for t in _tries(xs + sympy.sin(xs) / xs + y, [xs, y], box, reals([xs, y]), far)] == [1]


HANG = 600  # seconds: a hang guard only; the early sweep returns as soon as it closes


@pytest.mark.slow
def test_the_early_sweep_is_not_tried_inside_another_sweep(monkeypatch):
    """Inside a sweep's sub-proof (its derivative's sign, its face) the early sweep in values hands back nothing at
    once; outside, it sweeps Barron's bound below the square."""
    import paper_checks.prover.sweeps.sweep as sweep_module
    from paper_checks.prover.sweeps.sweep import early_sweep
    from paper_checks.prover.tracing.unbounded import LineChart

    v, al = sympy.Symbol("v_unit", real=True), sympy.Symbol("al", real=True)
    w = LineChart(v)
    margin = w**2 / 2 - (2 - al) / al * ((w**2 / (2 - al) + 1) ** (al / 2) - 1)
    box = [(F(-1), F(1)), (F(1, 2), F(3, 2))]
    from paper_checks.prover.subproofs.subproblem import nested

    with nested("MonotoneSweep", Budget.of(HANG)):  # one level of the sweep open
        assert sweep_module.inside()
        assert early_sweep(margin, [v, al], box, Budget.of(HANG), None) is None
    assert not sweep_module.inside()
    assert isinstance(early_sweep(margin, [v, al], box, Budget.of(HANG), None), Sweep)  # 0.6 s of it
