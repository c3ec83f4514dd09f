"""label_noise_lab.simulate.binary against plain loops: noise validation, the 2x2 matrix's class order, label sampling
within its standard error, exact noisy risks by enumeration, and the two corrections of Natarajan et al. 2013."""
import math
from fractions import Fraction

import numpy as np
import pytest
import sympy

from label_noise_lab.simulate.binary import (
    BinaryNoise,
    alpha_weighted_margin_loss,
    binary_noise,
    binary_noisy_risk,
    check_signs,
    from_index,
    sample_binary_labels,
    symmetric_binary_noise,
    to_index,
    unbiased_margin_loss,
)
from label_noise_lab.simulate.engine.namespace import to_host
from label_noise_lab.theory.margin import margin_loss
from tests.conftest import assert_close


def hinge(xp):
    return lambda v: xp.maximum(0.0, 1.0 - v)


@pytest.mark.parametrize("args, err, match", [
    ((0.6, 0.5), ValueError, r"rho_pos \+ rho_neg < 1.*0\.6.*0\.5"),
    ((1.0, 0.0), ValueError, r"rho_pos must lie in \[0, 1\), got 1\.0"),
    ((-0.1, 0.0), ValueError, r"rho_pos must lie in \[0, 1\), got -0\.1"),
    ((0.1, float("nan")), ValueError, r"rho_neg must lie in \[0, 1\), got nan"),
    (("0.1", 0.0), TypeError, r"rho_pos must be a real number, got '0\.1'"),
    ((True, 0.0), TypeError, r"rho_pos must be a real number"),
])
def test_bad_rates_are_refused_with_the_value(args, err, match):
    with pytest.raises(err, match=match):
        binary_noise(*args)


def test_symmetric_noise_needs_rho_below_one_half():
    assert symmetric_binary_noise(0.25) == BinaryNoise(0.25, 0.25)
    with pytest.raises(ValueError, match=r"rho < 1/2.*0\.5"):
        symmetric_binary_noise(0.5)


def test_transition_matrix_puts_minus_one_first():
    n = binary_noise(0.2, 0.1)
    np.testing.assert_allclose(n.transition().matrix, [[0.9, 0.1], [0.2, 0.8]])
    y = np.array([-1, 1, 1, -1])
    assert to_index(y).tolist() == [0, 1, 1, 0] and from_index(to_index(y)).tolist() == y.tolist()
    assert n.rho(1) == 0.2 and n.rho(-1) == 0.1 and math.isclose(n.alpha, 0.45)


def test_exact_rates_stay_exact():
    n = binary_noise(sympy.Rational(2, 5), sympy.Rational(1, 10))
    assert n.alpha == sympy.Rational(7, 20) and n.noisy_posterior(sympy.Rational(3, 5)) == sympy.Rational(2, 5)
    assert binary_noise(Fraction(1, 3), Fraction(1, 3)).alpha == Fraction(1, 2)


def test_labels_must_be_signs():
    with pytest.raises(ValueError, match="must be -1 or \\+1, got 0"):
        check_signs(np.array([1, 0, -1]))


def test_sampled_labels_flip_at_the_class_rates(xp, backend):
    n = binary_noise(0.3, 0.1)
    m = 40000
    y = xp.asarray(np.repeat([1, -1], m))
    z = to_host(sample_binary_labels(y, n, backend.rng(7), xp))
    assert set(np.unique(z).tolist()) <= {-1, 1}
    for label, rate in ((1, 0.3), (-1, 0.1)):
        flipped = float(np.mean(z[to_host(y) == label] != label))
        assert abs(flipped - rate) < 5 * math.sqrt(rate * (1 - rate) / m)


def _loop_noisy_risk(phi, t, y, rho):
    total = 0.0
    for ti, yi in zip(t, y):
        for noisy in (yi, -yi):  # enumerate the noisy label
            p = 1 - rho[yi] if noisy == yi else rho[yi]
            total += p * phi(noisy * ti)
    return total / len(t)


def test_noisy_risk_is_the_enumerated_expectation(xp):
    t = [1.5, -0.3, 0.2, 2.0, -1.0]
    y = [1, 1, -1, -1, 1]
    n = binary_noise(0.25, 0.1)
    got = binary_noisy_risk(hinge(xp), xp.asarray(t), xp.asarray(y), n, xp)
    want = _loop_noisy_risk(lambda s: max(0.0, 1.0 - s), t, y, {1: 0.25, -1: 0.1})
    assert_close(got, want, xp)


def test_unbiased_loss_has_the_clean_loss_as_exact_expectation(xp):
    """Natarajan et al. 2013, Lemma 1: sum over the noisy label's two values, weighted by their probabilities."""
    t = np.array([1.5, -0.3, 0.2, 2.0, -1.0])
    n = binary_noise(0.3, 0.15)
    phi = hinge(xp)
    for label in (1, -1):
        y = np.full(t.shape, label)
        keep = unbiased_margin_loss(phi, xp.asarray(t), xp.asarray(y), n, xp)
        flip = unbiased_margin_loss(phi, xp.asarray(t), xp.asarray(-y), n, xp)
        expected = (1 - n.rho(label)) * keep + n.rho(label) * flip
        assert_close(expected, np.maximum(0.0, 1.0 - label * t), xp, rtol=1e-12, atol=1e-12)


def test_unbiased_loss_matches_the_lemma_term_by_term():
    n = binary_noise(0.2, 0.1)
    t, y = np.array([0.5, 0.5]), np.array([1, -1])
    got = unbiased_margin_loss(np.exp, t, y, n)
    want = [((1 - 0.1) * math.exp(0.5) - 0.2 * math.exp(-0.5)) / 0.7,
            ((1 - 0.2) * math.exp(-0.5) - 0.1 * math.exp(0.5)) / 0.7]
    np.testing.assert_allclose(got, want, rtol=1e-14)


def test_alpha_weighted_loss_weights_each_class(xp):
    n = binary_noise(0.3, 0.1)  # alpha = 0.4
    t, y = np.array([0.5, 0.5, -2.0]), np.array([1, -1, -1])
    got = alpha_weighted_margin_loss(hinge(xp), xp.asarray(t), xp.asarray(y), n, xp)
    assert_close(got, [0.6 * 0.5, 0.4 * 1.5, 0.4 * 0.0], xp, atol=1e-15)


HINGE = margin_loss("hinge")


@pytest.mark.parametrize("rho", [0.0, 0.2])
def test_risks_at_infinite_scores_are_inf_not_nan(rho):
    """``binary_noisy_risk(hinge, t=[inf, 0.5], ...)`` was nan (``0 * inf``): the value is inf, or 0 where the
    infinite loss is never drawn."""
    noise = binary_noise(rho, rho)
    t = np.array([np.inf, 0.5])
    r_pos = binary_noisy_risk(HINGE.numpy(), t, np.array([1, 1]), noise)
    r_neg = binary_noisy_risk(HINGE, t, np.array([-1, 1]), noise)  # a MarginLoss is taken by its NumPy form
    assert r_neg == np.inf
    assert r_pos == (np.inf if rho else 0.25)
    u = unbiased_margin_loss(HINGE, t, np.array([1, 1]), noise)
    assert not np.isnan(u).any() and u[0] == (-np.inf if rho else 0.0)
    a = alpha_weighted_margin_loss(HINGE, t, np.array([-1, 1]), noise)
    assert a[0] == np.inf and not np.isnan(a).any()


@pytest.mark.parametrize("call, error, words", [
    (lambda: binary_noisy_risk(HINGE, [0.5, 1.0], [1, -1, 1], binary_noise(0.1, 0.1)), ValueError,
     "scores of shape (2,) and y of shape (3,) do not match"),
    (lambda: binary_noisy_risk(HINGE, [], [], binary_noise(0.1, 0.1)), ValueError, "scores and y are empty"),
    (lambda: binary_noisy_risk(HINGE, [0.5 + 1j], [1], binary_noise(0.1, 0.1)), TypeError,
     "scores must be real numbers, got complex128"),
    (lambda: binary_noisy_risk(HINGE, ["a"], [1], binary_noise(0.1, 0.1)), TypeError, "scores must be real numbers"),
    (lambda: binary_noisy_risk(HINGE, [0.5], [1], (0.1, 0.1)), TypeError, "noise must be a BinaryNoise"),
    (lambda: binary_noisy_risk("hinge", [0.5], [1], binary_noise(0.1, 0.1)), TypeError, "phi must be a margin loss"),
    (lambda: unbiased_margin_loss(HINGE, [0.5], ["+1"], binary_noise(0.1, 0.1)), TypeError,
     "y must hold the labels -1 and +1 as numbers"),
    (lambda: sample_binary_labels([1, -1], binary_noise(0.1, 0.1), 3), TypeError, "rng must be a random Generator"),
    (lambda: sample_binary_labels([1, -1], 0.1, np.random.default_rng(0)), TypeError, "noise must be a BinaryNoise"),
])
def test_bad_binary_inputs_are_one_line_naming_the_argument(call, error, words):
    with pytest.raises(error) as info:
        call()
    assert words in str(info.value) and "\n" not in str(info.value)
