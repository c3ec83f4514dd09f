"""Proportional factors (:mod:`paper_checks.prover.symmetry.proportional`): a margin ``F G`` with ``G = h F``
identically is ``h F^2``. The linear form is compared with the expression at exact points (a plain reference), the
proportion is found only where it holds, an order kept by noise is proved through the registry and re-checked, a sign
that fails ends in a counterexample, and a tampered record fails its re-check."""
from __future__ import annotations

import dataclasses
import random
from fractions import Fraction

import pytest
import sympy

from paper_checks.prover import prove, prove_expr, recheck
from paper_checks.prover.budget import Budget
from paper_checks.prover.subproofs.subproblem import reals
from paper_checks.prover.symmetry.proportional import Proportional, linear_form, proportion, proportional
from paper_checks.prover.symmetry.proportional import recheck as proportional_recheck
from paper_checks.search.params import SearchSpace

R = sympy.Rational
F = Fraction
x, y, z = sympy.symbols("x y z", real=True)
t = sympy.Symbol("t", nonnegative=True)
HANG_GUARD = 300  # seconds: generous, so that the load never decides an outcome


def _dist(a, b):
    return sympy.sqrt((a - b) ** 2 + 1)


def _risks(pts, s):
    """A clean risk over the pairs of ``pts`` and the noisy one, ``s R + (1 - s)``, written pair by pair as a noisy
    risk is (the pair (j, i) as its own term: ``sqrt((b - a)^2 + 1)`` beside ``sqrt((a - b)^2 + 1)``)."""
    clean = sum(_dist(a, b) for a in pts for b in pts if a is not b) / 6
    noisy = sum(s * _dist(a, b) / 6 + (1 - s) / 6 for a in pts for b in pts if a is not b)
    return clean, noisy


def _value(e, pt):
    return sympy.N(e.xreplace(pt), 40)


@pytest.mark.parametrize("expr", [
    -(R(1, 2) - 3 * t / 4) * (R(1, 2) - t / 2) * _dist(x, y) / 3,  # a numeric factor beside t's (counted once)
    (1 - t) ** 2 * (_dist(x, y) + 2 * z) / 5 + t * x * (y + z) + 7,
    R(2, 3) * (t * (x + y) + (1 - t) * (z - x)) - x / (1 + t),
])
def test_the_linear_form_is_the_expression(expr):
    form = linear_form(expr, {t})
    assert form is not None and all(not a.has(t) and c.free_symbols <= {t} for a, c in form.items())
    rng = random.Random(3)
    for _ in range(5):
        pt = {s: R(rng.randint(-40, 40), 11) for s in (x, y, z)} | {t: R(rng.randint(0, 40), 41)}
        back = sum(c * a for a, c in form.items())
        assert abs(_value(expr, pt) - _value(back, pt)) < 1e-30


def test_a_factor_that_mixes_the_parameter_is_no_linear_form():
    assert linear_form(sympy.Max(0, x - t) + x, {t}) is None


def test_the_proportion_holds_for_pairs_written_in_both_orders():
    ca, na = _risks([x, y, z], (1 - 3 * t / 2) ** 2)
    cb, nb = _risks([x, y, 2 * z], (1 - 3 * t / 2) ** 2)
    assert sympy.expand(proportion(ca - cb, na - nb) - (1 - 3 * t / 2) ** 2) == 0
    assert proportion(ca, na) is None  # the noisy risk's offset (1 - s) does not cancel in one risk
    assert proportion(x + y, (1 - t) * x + t * y) is None  # not proportional
    assert proportion(x + y, t * (x + y) + t) is None  # an offset that does not cancel


def _order_margin(s):
    """``(R_A - R_B)(R^eta_A - R^eta_B)`` for two point sets, the noisy risk ``s R + (1 - s)``."""
    a1, a2, b1, b2 = sympy.symbols("a1 a2 b1 b2", real=True)
    ca, na = _risks([a1, a2, x], s)
    cb, nb = _risks([b1, b2, y], s)
    return (ca - cb) * (na - nb), [a1, a2, b1, b2, x, y]


@pytest.mark.slow
def test_an_order_kept_by_noise_is_proved_through_the_registry_and_rechecked():
    margin, syms = _order_margin(1 - 3 * t / 2)
    res = prove_expr(margin, {**{s: (-2, 2) for s in syms}, t: (0, R(2, 3))}, seconds=HANG_GUARD)
    assert res.proved, res.reason
    assert "proportional factors" in res.certificate.methods()


@pytest.mark.slow
def test_an_order_that_noise_flips_is_refuted():
    """With ``s = 1 - 2 t`` on ``t`` in [0, 1], noise beyond 1/2 reverses the order: a counterexample, never a
    proof (the sign's sub-problem fails)."""
    margin, syms = _order_margin(1 - 2 * t)
    res = prove_expr(margin, {**{s: (-2, 2) for s in syms}, t: (0, 1)}, seconds=HANG_GUARD)
    assert res.outcome == "counterexample"


def test_a_tampered_record_fails_its_recheck():
    margin, syms = _order_margin(1 - 3 * t / 2)
    symbols = [*syms, t]
    box = [(F(-2), F(2))] * len(syms) + [(F(0), F(2, 3))]
    rec = proportional(margin, symbols, box, Budget.of(HANG_GUARD), reals(symbols))
    assert isinstance(rec, Proportional)
    assert proportional_recheck(rec, margin, symbols, box, reals(symbols)) == []
    assert proportional_recheck(dataclasses.replace(rec, h=rec.h + 1), margin, symbols, box, reals(symbols))
    wider = [*box[:-1], (F(0), F(1))]  # the sign was proved on t <= 2/3 only
    assert proportional_recheck(rec, margin, symbols, wider, reals(symbols))
    other = margin.xreplace({t: t / 2})
    assert proportional_recheck(rec, other, symbols, box, reals(symbols))


@pytest.mark.slow  # loads the catalogue (a few seconds)
def test_the_triplet_order_of_le19_is_proved():
    """le19.triplet_robust (reconstructed): ``R_eta - alpha = (1 - c eta/(c - 1))^2 (R - alpha)``, undecided before
    this step (the margin is 0 wherever ``R_A = R_B``)."""
    from paper_checks import registry

    space = registry.load()["le19.triplet_robust"].space()
    res = prove(space, 10**6, HANG_GUARD)
    assert res.proved and "proportional factors" in res.certificate.methods()
    assert recheck(res.certificate, space) == []


@pytest.mark.slow
def test_an_absolute_value_scaled_by_a_determinant_is_closed_on_a_stochastic_matrix():
    """``|det Q| - |det(T^T Q)| = |det Q| (1 - |det T|)`` (Xu et al. 2019, DMI's information monotonicity, c = 2):
    the ratio ``det T`` is written with each row's last entry eliminated, whichever the piece eliminated, so that
    ``1 - |det T| >= 0`` is one sub-problem over the whole stochastic matrix for every piece."""
    from paper_checks.search.params import SimplexPoint, StochasticMatrix

    def exact(pt):
        Q, T = sympy.Matrix(2, 2, list(pt["Q"])), sympy.Matrix(pt["T"])
        return sympy.Abs(Q.det()) - sympy.Abs((T.T * Q).det())

    space = SearchSpace((SimplexPoint("Q", 4), StochasticMatrix("T", 2)), lambda pt: float(sympy.N(exact(pt))), exact,
                        description="|det Q| - |det T^T Q|")
    res = prove(space, 10**6, HANG_GUARD)
    assert res.proved and "proportional factors" in res.certificate.methods()
    assert recheck(res.certificate, space) == []
    kept = [r for r in res.certificate.subproofs.values() if isinstance(r, Proportional)]
    assert kept and all(r.kind == "absolute" for r in kept)
    assert len({r.space.description for r in kept}) == 1  # one sub-problem for every piece


def test_an_absolute_value_scaled_beyond_one_is_not_closed():
    """``|x| - |2 t x|`` with ``t`` in [0, 1] is negative for ``t > 1/2``: never closed; a counterexample."""
    res = prove_expr(sympy.Abs(x) - sympy.Abs(2 * t * x), {x: (-1, 1), t: (0, 1)}, seconds=HANG_GUARD)
    assert res.outcome == "counterexample"


@pytest.mark.slow
def test_factors_across_a_pole_are_not_closed():
    """``tan(x) * (t tan(x)) = t tan(x)^2`` on ``[0, 2]`` has no value at ``pi/2``, and no guard says so: the step
    leaves it (the normal form's own test of a factor, an enclosure that is the whole line)."""
    res = prove_expr(sympy.tan(x) * (t * sympy.tan(x)), {x: (0, 2), t: (0, 1)}, budget=400, seconds=30)
    assert res.outcome != "proved"
