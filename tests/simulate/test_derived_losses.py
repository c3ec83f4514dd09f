"""Losses written once (theory.losses' zoo) and their derived value and gradient (simulate.losses.derived_loss):
the hand-written fast paths agree with the derivations, and every derived gradient with finite differences."""
import dataclasses

import numpy as np
import pytest

from simulate.losses import Loss, derived_loss, get_loss, gradient_error
from theory.losses import ZOO, parse_spec

RNG = np.random.default_rng(7)
Z = RNG.normal(scale=1.5, size=(40, 4))
Y = RNG.integers(0, 4, size=40)

FAST_PATHS = {  # zoo spec -> the hand-written stable form of simulate.losses
    "cce": ("cce", {}), "mae": ("mae", {}), "mse": ("mse", {}),
    "gce:q=0.7": ("lq", {"q": 0.7}), "gce:q=0.3": ("lq", {"q": 0.3}),
    "tgce:q=0.7,k=0.3": ("truncated_lq", {"q": 0.7, "k": 0.3}),
    "rce:A=-4": ("rce", {"A": -4.0}), "sce:alpha=0.1,beta=1,A=-4": ("sce", {"alpha": 0.1, "beta": 1.0, "A": -4.0}),
}


@pytest.mark.parametrize("spec", list(FAST_PATHS))
def test_fast_paths_equal_the_derivation(spec):
    derived = derived_loss(parse_spec(spec), 4)
    name, params = FAST_PATHS[spec]
    fast = get_loss(name, **params)
    np.testing.assert_allclose(fast.value(Z, Y, from_logits=True), derived.value(Z, Y, from_logits=True),
                               rtol=1e-10, atol=1e-12)
    np.testing.assert_allclose(fast.grad(Z, Y), derived.grad(Z, Y), rtol=1e-9, atol=1e-12)


@pytest.mark.parametrize("name", list(ZOO))
def test_every_zoo_gradient_matches_finite_differences(name):
    derived = derived_loss(ZOO[name].factory(), 4)
    scale = float(np.max(np.abs(derived.grad(Z, Y)))) + 1.0
    assert gradient_error(derived, Z, Y) < 1e-6 * scale


def test_the_gradient_checker_catches_a_wrong_gradient():
    good = get_loss("lq", q=0.7)
    bad = dataclasses.replace(good, grad=lambda z, y: 1.1 * good.grad(z, y))
    assert gradient_error(good, Z, Y) < 1e-8
    assert gradient_error(bad, Z, Y) > 1e-3


def test_derived_values_on_the_simplex_and_bad_input():
    derived = derived_loss(parse_spec("nce"), 3)
    p = np.array([[0.5, 0.25, 0.25]])
    expected = np.log(0.5) / np.log(p).sum()
    np.testing.assert_allclose(derived.value(p, np.array([0])), [expected])
    with pytest.raises(ValueError, match="c = 3"):
        derived.value(np.full((1, 4), 0.25), np.array([0]))
    with pytest.raises(ValueError, match="labels"):
        derived.value(p, np.array([3]))
    with pytest.raises(ValueError, match="c must be"):
        derived_loss(parse_spec("nce"), 1)
    assert isinstance(derived, Loss)
