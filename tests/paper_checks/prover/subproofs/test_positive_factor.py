"""A factor >= 0 set apart (:mod:`paper_checks.prover.subproofs.positive_factor`): the focal loss above its PolyLoss
truncation for every focusing parameter, 0 to the order 4 + g at p = 1, is u^g times a margin of p alone; a
factor that is not >= 0 and finite, or a power whose exponent cannot be written apart, is never set apart; a false
neighbour is refuted, and a tampered record fails its re-check."""
from __future__ import annotations

import dataclasses
from fractions import Fraction

import pytest
import sympy

from paper_checks.prover import prove, recheck
from paper_checks.prover.subproofs.positive_factor import PositiveFactor, nonnegative, split
from paper_checks.search.params import Real, SearchSpace

F = Fraction
R = sympy.Rational
HANG_GUARD = 300  # seconds: generous, so that the load never decides an outcome
p = sympy.Symbol("p", positive=True)
g = sympy.Symbol("g", real=True)
BOX = [(F(0), F(1)), (F(0), F(5))]


def _focal(c3):
    """The focal loss -(1 - p)^g log p minus its first three PolyLoss terms, the last with coefficient c3."""
    u = 1 - p
    return -u**g * sympy.log(p) - u**(g + 1) - u**(g + 2) / 2 - c3 * u**(g + 3)


def _space(expr):
    def exact(pt):
        return expr.xreplace({p: pt["p"], g: pt["g"]})

    return SearchSpace((Real("p", 0, 1, open_low=True), Real("g", 0, 5)), lambda pt: float(exact(pt)), exact,
                       description="the focal loss above its PolyLoss truncation")


def test_a_factor_in_zero_to_oo_is_set_apart_and_others_are_not():
    assert nonnegative((1 - p) ** g, [p, g], BOX)
    assert not nonnegative((1 - p) ** (g - 1), [p, g], BOX)  # infinite at p = 1 for g < 1
    assert not nonnegative((p - R(1, 2)) ** 2 - R(1, 100), [p, g], BOX)
    assert not nonnegative(sympy.exp(1 / p), [p, g], BOX)  # >= 0 but not finite at p = 0


def test_the_focal_margin_splits_into_u_to_the_g_times_a_margin_of_p():
    factor, rest = split(_focal(R(1, 3)), [p, g], BOX)
    assert factor == (1 - p) ** g and rest.free_symbols == {p}


def test_no_split_where_an_exponent_cannot_be_written_apart_or_the_rest_reads_every_coordinate():
    # (1 - p)^(g - 1) (1 - p) is not (1 - p)^g at p = 1, g < 1: the exponent's part -1 < 0 where the base is 0
    assert split((1 - p) ** g * sympy.log(p) + (1 - p) ** (g - 1) * (1 - p) ** 2, [p, g], BOX) is None
    assert split((1 - p) ** g * (g - p), [p, g], BOX) is None  # the rest reads both coordinates
    assert split(3 * (1 - p) ** g, [p, g], BOX) is None  # the rest is a number: no sub-problem to pose


@pytest.mark.slow
def test_the_focal_loss_is_proved_for_every_g_and_its_certificate_rechecks():
    space = _space(_focal(R(1, 3)))
    res = prove(space, 10**6, HANG_GUARD)
    assert res.proved and res.certificate.methods() == {"positive factor": 1}, res.reason
    assert recheck(res.certificate, space) == []
    (key, rec), = res.certificate.subproofs.items()
    assert isinstance(rec, PositiveFactor) and rec.names == ["p"]
    for bad in [dataclasses.replace(rec, factor=(1 - p) ** (g - 1)),  # not the margin's factor, not finite
                dataclasses.replace(rec, rest=rec.rest + R(1, 1000)),  # not the margin's rest
                dataclasses.replace(rec, factor=rec.factor * g, rest=rec.rest / g)]:  # the rest reads g
        res.certificate.subproofs = {key: bad}
        assert recheck(res.certificate, space)


@pytest.mark.slow
def test_the_third_coefficient_nudged_is_refuted_never_proved():
    """-log p - u - u^2/2 - (7/20) u^3 - ... fails just below p = 1 (the series' next term is u^4/4 < u^3/60)."""
    res = prove(_space(_focal(R(7, 20))), 10**6, HANG_GUARD)
    assert res.outcome == "counterexample"
    x = res.counterexample
    assert _focal(R(7, 20)).xreplace({p: R(str(x["p"])), g: R(str(x["g"]))}) < 0
