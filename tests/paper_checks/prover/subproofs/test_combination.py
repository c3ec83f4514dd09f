"""One combination (:mod:`paper_checks.prover.subproofs.combination`): GCE's mean-value bound, a function of ``p^q``
over ``q``, and the temperature-smoothed hinge, a function of ``(1 - v)/tau`` times ``tau``, each 0 along a curve or at
an open end of the parameter, proved as a problem in one variable; false neighbours refuted; the split, its interval and
the strict point read exactly; a tampered record fails its re-check."""
from __future__ import annotations

import dataclasses
import math
from fractions import Fraction

import pytest
import sympy

from paper_checks.prover import prove, prove_expr, recheck
from paper_checks.prover.subproofs.combination import (
    Combination,
    combinations,
    ends,
    identity,
    pole,
    pulled,
    separated,
    strictly_between,
)
from paper_checks.search.params import Real, SearchSpace

R = sympy.Rational
F = Fraction
HANG_GUARD = 300  # seconds: generous, so that the load never decides an outcome
oo = sympy.oo
p, q, tau = sympy.symbols("p q tau", positive=True)
v = sympy.Symbol("v", real=True)
#: GCE (Zhang & Sabuncu 2018, Eq. 6) above its mean-value bound: L_q(p) >= p^(q/2) (-log p), 0 along p = 1
GCE_MEAN = (1 - p**q) / q + p ** (q / 2) * sympy.log(p)
GCE_DOMAIN = {p: sympy.Interval.Lopen(0, 1), q: sympy.Interval.Lopen(0, 2)}
#: the temperature-smoothed hinge above the hinge, 0 as tau -> 0 for every v != 1
HINGE = tau * sympy.log(1 + sympy.exp((1 - v) / tau)) - sympy.Max(0, 1 - v)
HINGE_DOMAIN = {v: (-oo, oo), tau: sympy.Interval.Lopen(0, 5)}


@pytest.mark.slow
def test_gce_mean_value_bound_is_proved_through_p_to_the_q_and_rechecks():
    def exact(pt):
        return GCE_MEAN.xreplace({p: pt["p"], q: pt["q"]})

    space = SearchSpace((Real("p", 0, 1, open_low=True), Real("q", 0, 2, open_low=True)),
                        lambda pt: float(exact(pt)), exact, description="GCE's mean-value bound")
    res = prove(space, 10**6, HANG_GUARD)
    assert res.proved and "one combination" in res.certificate.methods()
    assert recheck(res.certificate, space) == []
    rec = next(r for r in res.certificate.subproofs.values() if isinstance(r, Combination))
    assert str(rec.combination) == "p**q" and (rec.low, rec.high) == (F(0), F(1)) and rec.sign == 1
    tampered = [dataclasses.replace(rec, factor=rec.factor * 2),  # no longer the margin
                dataclasses.replace(rec, high=math.inf, bounds=rec.bounds[:1]),  # phi not proved on (0, oo)
                dataclasses.replace(rec, bounds=rec.bounds[1:]),  # a finite end without its bound
                dataclasses.replace(rec, faces=[])]  # the closed face q = 2 dropped
    for bad in tampered:
        res.certificate.subproofs = {k: bad for k in res.certificate.subproofs}
        assert recheck(res.certificate, space)


@pytest.mark.slow  # seconds of proof: with the work meter on (issue 60) it left the quick suite
def test_the_smoothed_hinge_is_proved_on_the_line_with_its_temperature_free():
    res = prove_expr(HINGE, HINGE_DOMAIN, seconds=HANG_GUARD)
    assert res.proved and "one combination" in res.certificate.methods()


@pytest.mark.slow
def test_false_neighbours_are_refuted():
    nudged = (1 - p**q) / q + p ** (q / 3) * sympy.log(p)  # weight exponent q/2 nudged to q/3
    assert prove_expr(nudged, GCE_DOMAIN, seconds=HANG_GUARD).outcome == "counterexample"
    below = HINGE - R(1, 10**12)  # 1e-12 below: negative as tau -> 0, away from the kink
    assert prove_expr(below, HINGE_DOMAIN, seconds=HANG_GUARD).outcome == "counterexample"


def test_a_positive_factor_is_pulled_out_of_max_and_min():
    z = sympy.Symbol("z", real=True)
    assert pulled(sympy.Max(0, tau * z)) == tau * sympy.Max(0, z)
    assert pulled(sympy.Min(tau * z, 3 * tau)) == tau * sympy.Min(z, 3)
    assert pulled(sympy.Max(0, v * z)) == sympy.Max(0, v * z)  # v's sign is unknown: kept


@pytest.mark.slow
def test_the_split_is_found_and_checked_as_an_identity():
    u = sympy.Symbol("u", positive=True)
    assert combinations(GCE_MEAN, [p, q])[0] == p**q
    c, phi = separated(GCE_MEAN, p**q, p, u, [q])
    assert c == 1 / q and sympy.simplify(phi - (1 - u + sympy.sqrt(u) * sympy.log(u))) == 0
    assert identity(GCE_MEAN, c, phi, u, p**q)
    assert not identity(GCE_MEAN, 2 * c, phi, u, p**q)
    x = sympy.Symbol("x", real=True)
    assert separated(sympy.exp(x * q) - x, x * q, x, u, [q]) is None  # x is read outside x q too
    # v^2/c^2 = u has two solutions, v = +-c sqrt(u): either finds the Welsch loss's split (Barron 2019)
    welsch = tau**2 / 2 * (sympy.log(1 + v**2 / tau**2) - (1 - sympy.exp(-(v**2) / tau**2)))
    c2, phi2 = separated(welsch, v**2 / tau**2, v, u, [tau])
    assert c2 == tau**2 / 2 and identity(welsch, c2, phi2, u, v**2 / tau**2)


def test_the_interval_comes_from_exact_corners_and_a_strict_point():
    box = [(F(0), F(1)), (F(0), F(2))]
    assert ends(p**q, [p, q], box) == (F(0), F(1))
    x, t = sympy.symbols("x t", real=True)
    assert ends((1 - t) * x, [x, t], [(F(-1), math.inf), (F(0), F(1))]) == (F(-1), math.inf)
    assert strictly_between(p**q, [p, q], box, F(0), F(1))
    assert not strictly_between(p**q, [p, q], box, F(0), F(1, 10))  # p^q is above 1/10 at each point tried
    x, c = sympy.symbols("x c", real=True)  # v^2/c^2 is 0 at the centre of the line: a third across is tried too
    assert strictly_between(x**2 / c**2, [x, c], [(-math.inf, math.inf), (F(0), F(5))], F(0), math.inf)


def test_a_face_at_a_pole_is_declined_before_any_sub_proof():
    # the derivative of GCE in p, p^(q - 1) - 1, at its face p = 0: 0^(q - 1), a pole where q < 1 (a sweep's
    # sub-problem spent 52 s proving nothing there)
    assert pole(sympy.Integer(0) ** (q - 1) - 1) and pole(sympy.zoo + q) and not pole(sympy.Integer(0) ** q + 1)


#: the Chernoff coefficient of Ber(p) and Ber(q) of order a, B in (0, 1], 1 on the diagonal p = q
CHERNOFF = p**q * tau ** (1 - q) + (1 - p) ** q * (1 - tau) ** (1 - q)


@pytest.mark.slow  # seconds of proof: with the work meter on (issue 60) it left the quick suite
def test_a_combination_inside_a_sum_is_written_in_where_it_occurs(without_bounds):
    """B - 1 - log B >= 0 for B the Chernoff coefficient (a free in (0, 1)): SymPy's ``subs`` finds B inside the sum
    ``B - 1``, where ``solve`` finds no coordinate; B = 1 on the whole diagonal p = q, where the centre and the points
    a third across all lie, so the strict point is found off the diagonals."""
    u = sympy.Symbol("u", positive=True)
    m = CHERNOFF - 1 - sympy.log(CHERNOFF)
    c, phi = separated(m, CHERNOFF, None, u, [p, q, tau])
    assert c == 1 and phi == u - 1 - sympy.log(u)
    box = [(F(0), F(1))] * 3
    assert strictly_between(CHERNOFF, [p, tau, q], box, F(0), F(1))
    unit = sympy.Interval.open(0, 1)
    res = prove_expr(m, {p: unit, q: unit, tau: unit}, seconds=HANG_GUARD)
    assert res.proved and "one combination" in res.certificate.methods()
    below = prove_expr(m - R(1, 10**12), {p: unit, q: unit, tau: unit}, seconds=HANG_GUARD)
    assert below.outcome == "counterexample"


@pytest.mark.slow
def test_a_closed_face_where_the_margin_is_continuous_needs_no_sub_proof(without_value_sweep, without_bounds):
    """Welsch's loss below Cauchy's with c in (0, 3]: the face c = 3 is a problem of contact of order 6 at v = 0 that
    the boxes do not close; the margin is continuous there, so it follows from the open piece. (z3 4.16 over bounding
    functions of ``exp`` and ``log`` proves the whole margin at once, so that closure is out here.)"""
    welsch = tau**2 / 2 * (sympy.log(1 + v**2 / tau**2) - (1 - sympy.exp(-(v**2) / tau**2)))
    space_dom = {v: (-oo, oo), tau: sympy.Interval.Lopen(0, 3)}
    res = prove_expr(welsch, space_dom, seconds=HANG_GUARD)
    assert res.proved and "one combination" in res.certificate.methods()
    rec = next(r for r in res.certificate.subproofs.values() if isinstance(r, Combination))
    assert rec.faces == [("the face tau = 3", None)]


@pytest.mark.slow  # seconds of proof: with the work meter on (issue 60) it left the quick suite
def test_a_power_with_a_free_exponent_is_read_as_an_exponential(without_value_sweep, monkeypatch):
    """a/(1 - a) ((1 + e^z)^((1 - a)/a) - 1) >= log(1 + e^z) for a in [1/10, 9/10] on the whole line (the alpha-loss
    against the logistic loss, Sypherd et al. 2022): as written the margin reads z outside the power too, and SymPy
    solves the power for no coordinate; with the power as exp((1 - a)/a log(1 + e^z)) it is a (e^u - 1 - u) in
    u = (1 - a)/a log(1 + e^z), found by solving for z with the logarithm of an exponential expanded. Both closed
    faces hold by continuity."""
    from paper_checks.prover.subproofs import combination
    from paper_checks.prover.subproofs.combination import exponential

    # the search for the combination within its own wall-clock limits (3 s, 1 s a candidate) lost the race to the
    # boxes with two suites side by side on two cores: the route must not depend on the machine's speed
    monkeypatch.setattr(combination, "FIND_WORK", HANG_GUARD)
    monkeypatch.setattr(combination, "CANDIDATE_WORK", HANG_GUARD)
    z, a = sympy.Symbol("z", real=True), sympy.Symbol("a", positive=True)
    soft = sympy.log(1 + sympy.exp(z))
    m = a / (1 - a) * ((1 + sympy.exp(z)) ** ((1 - a) / a) - 1) - soft
    assert exponential(m) == a / (1 - a) * (sympy.exp((1 - a) / a * soft) - 1) - soft
    assert exponential(sympy.sqrt(1 + z**2)) == sympy.sqrt(1 + z**2)  # a number's power stays
    dom = {z: (-oo, oo), a: (R(1, 10), R(9, 10))}
    res = prove_expr(m, dom, seconds=HANG_GUARD)
    assert res.proved and "one combination" in res.certificate.methods()
    rec = next(r for r in res.certificate.subproofs.values() if isinstance(r, Combination))
    assert rec.outer == sympy.exp(rec.variable) - 1 - rec.variable and rec.factor == a
    assert [proof for _, proof in rec.faces] == [None, None]
    assert prove_expr(m - R(1, 10**12), dom, seconds=HANG_GUARD).outcome == "counterexample"


#: PHuber-CE (Menon et al. 2020) below CE, written with Max/Min as docs/prover.md advises: -log p - PHuber_tau(p), a
#: function of w = p tau alone (w - 1 - log w below w = 1, 0 above), which no subexpression of it is
PHUBER = -sympy.log(p) + sympy.log(sympy.Max(p, 1 / tau)) - 1 + tau * sympy.Min(p, 1 / tau)


def test_a_product_of_two_coordinates_is_a_candidate():
    assert p * tau in combinations(PHUBER, [p, tau]) and p / tau in combinations(PHUBER, [p, tau])
    s = sympy.Symbol("s", positive=True)  # a half-line's value: tau = s + 1
    assert p * (s + 1) in combinations(PHUBER.xreplace({tau: s + 1}), [p, s])


@pytest.mark.slow  # seconds of proof
def test_phuber_ce_below_ce_is_proved_for_every_tau_through_p_tau():
    res = prove_expr(PHUBER, {p: sympy.Interval.Lopen(0, 1), tau: sympy.Interval(1, oo)}, work=6, seconds=None)
    # what each closure spent, should it fail: once in CI (one run of three at the same commit) it was undecided with
    # its 6 units spent, where alone it is proved with 2.05 (1.36 in the one combination, of the 3.7 it may spend)
    assert res.proved and "one combination" in res.certificate.methods(), (res.reason, res.counters, res.notes)


@pytest.mark.slow  # seconds of search
def test_phuber_ce_a_little_below_is_refuted():
    bad = PHUBER - R(1, 10**6)  # 0 wherever p tau >= 1
    res = prove_expr(bad, {p: sympy.Interval.Lopen(0, 1), tau: (1, 10)}, work=6, seconds=None)
    assert res.outcome == "counterexample", res.reason
    assert bad.xreplace({s: sympy.Rational(str(res.counterexample[str(s)])) for s in (p, tau)}) < 0
