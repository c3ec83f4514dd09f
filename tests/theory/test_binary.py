"""label_noise_lab.theory.binary: Natarajan et al. 2013's identities, proved with symbols and checked by exact
enumeration."""
import itertools
from fractions import Fraction

import pytest
import sympy

from label_noise_lab.theory import binary as tb

RATES = [Fraction(0), Fraction(1, 10), Fraction(1, 4), Fraction(2, 5), Fraction(3, 5)]


@pytest.mark.parametrize("y", [1, -1])
def test_lemma1_unbiasedness_is_an_identity(y):
    assert tb.unbiasedness_residual(y) == 0


def test_unbiased_loss_by_enumeration_of_the_noisy_label():
    """E over the noisy label (a plain loop over its two values) of l~ is the clean loss, for rational rates."""
    losses = {1: Fraction(3, 7), -1: Fraction(5, 2)}
    for rp, rn in itertools.product(RATES, RATES):
        if rp + rn >= 1:
            continue
        rho = {1: rp, -1: rn}
        tilde = {s: tb.unbiased_loss(losses[s], losses[-s], rho[s], rho[-s]) for s in (1, -1)}
        for y in (1, -1):
            expectation = sum((1 - rho[y] if s == y else rho[y]) * tilde[s] for s in (1, -1))
            assert expectation == losses[y]


def test_alpha_weighted_01_risk_is_minimised_by_the_clean_bayes_sign():
    """Natarajan et al. 2013, Thm 9, exactly on a grid of eta and rates (eta = 1/2 excluded)."""
    etas = [Fraction(k, 10) for k in range(11) if k != 5]
    for rp, rn in itertools.product(RATES, RATES):
        if rp + rn >= 1:
            continue
        a = tb.alpha(rp, rn)
        for eta in etas:
            en = tb.noisy_posterior(eta, rp, rn)
            risks = {s: tb.alpha_weighted_01_risk(s, en, a) for s in (1, -1)}
            best = min(risks, key=risks.get)
            assert risks[best] < risks[-best] and best == (1 if eta > Fraction(1, 2) else -1)


def test_noisy_posterior_and_alpha_match_their_definitions():
    eta, rp, rn = tb.ETA, tb.RHO_POS, tb.RHO_NEG
    assert sympy.expand(tb.noisy_posterior(eta, rp, rn) - (eta * (1 - rp) + (1 - eta) * rn)) == 0
    # eta~ - alpha = (1 - rho_+ - rho_-) (eta - 1/2): the sign of eta - 1/2 under rho_+ + rho_- < 1
    assert sympy.expand(tb.noisy_posterior(eta, rp, rn) - tb.alpha(rp, rn) - (1 - rp - rn) * (eta - sympy.S.Half)) == 0


def test_alpha_weighted_loss_and_conditional_risk():
    assert tb.alpha_weighted_loss(Fraction(2), 1, Fraction(1, 4)) == Fraction(3, 2)
    assert tb.alpha_weighted_loss(Fraction(2), -1, Fraction(1, 4)) == Fraction(1, 2)
    assert tb.conditional_risk(1, 3, Fraction(1, 4)) == Fraction(1, 4) + Fraction(9, 4)
    assert tb.noisy_expectation(1, 3, Fraction(1, 4)) == Fraction(3, 4) + Fraction(3, 4)


@pytest.mark.parametrize("fn, args", [(tb.flip_rate, (0, 0.1, 0.2)), (tb.alpha_weighted_loss, (1.0, 2, 0.3)),
                                      (tb.alpha_weighted_01_risk, (0, 0.5, 0.5))])
def test_labels_other_than_plus_or_minus_one_are_refused(fn, args):
    with pytest.raises(ValueError, match="must be \\+1 or -1"):
        fn(*args)
