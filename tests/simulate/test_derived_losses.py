"""Losses written once (label_noise_lab.theory.losses' zoo) and their derived value and gradient
(label_noise_lab.simulate.losses.derived_loss):
the hand-written fast paths agree with the derivations, and every derived gradient with finite differences."""
import dataclasses

import numpy as np
import pytest

from label_noise_lab.simulate.losses import Loss, derived_loss, get_loss, gradient_error
from label_noise_lab.theory.losses import ZOO, parse_spec

RNG = np.random.default_rng(7)
Z = RNG.normal(scale=1.5, size=(40, 4))
Y = RNG.integers(0, 4, size=40)

FAST_PATHS = {  # zoo spec -> the hand-written stable form of label_noise_lab.simulate.losses
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


# ---------------------------------------------------------------- issue 18: bad logits, label-alike vector losses
@pytest.mark.parametrize("bad", [np.nan, np.inf, -np.inf])
@pytest.mark.parametrize("spec", ["gce", "nce"])
def test_nan_or_infinite_logits_are_refused(spec, bad):
    derived = derived_loss(parse_spec(spec), 3)
    z = np.array([[0.0, bad, 1.0]])
    with pytest.raises(ValueError, match="NaN or infinite"):
        derived.value(z, np.array([0]), from_logits=True)
    with pytest.raises(ValueError, match="NaN or infinite"):
        derived.grad(z, np.array([0]))


def test_a_definition_that_is_not_one_is_a_type_error():
    with pytest.raises(TypeError, match="LossDefinition"):
        derived_loss("nce", 3)


def _plain_gradient(fn, p, y, eps=1e-7):
    """``dL/dz = p * (g - <p, g>)`` with ``g = dL/df`` by central differences of ``fn(f, y)``, row by row."""
    out = np.empty_like(p)
    for i in range(p.shape[0]):
        g = np.array([(fn(p[i] + eps * np.eye(p.shape[1])[k], y[i]) - fn(p[i] - eps * np.eye(p.shape[1])[k], y[i]))
                      / (2 * eps) for k in range(p.shape[1])])
        out[i] = p[i] * (g - p[i] @ g)
    return out


def test_label_alike_and_label_dependent_vector_losses_match_a_plain_loop():
    """nce treats the labels alike (one lambdified form, columns swapped per sample); a weighted loss does not
    (one form per label): both against the definition evaluated row by row."""
    from label_noise_lab.theory.user_losses import from_callable

    weighted = from_callable(lambda f, y: (y + 1) * (1 - f[y]) + f[0] ** 2, "weighted")
    cases = [(parse_spec("nce"), lambda f, y: np.log(f[y]) / np.log(f).sum()),
             (weighted, lambda f, y: (y + 1) * (1 - f[y]) + f[0] ** 2)]
    p = np.exp(Z) / np.exp(Z).sum(axis=1, keepdims=True)
    for definition, plain in cases:
        derived = derived_loss(definition, 4)
        np.testing.assert_allclose(derived.value(Z, Y, from_logits=True), [plain(p[i], Y[i]) for i in range(len(Y))],
                                   rtol=1e-12)
        np.testing.assert_allclose(derived.grad(Z, Y), _plain_gradient(plain, p, Y), rtol=1e-6, atol=1e-8)


@pytest.mark.slow
def test_nce_for_fifty_classes_is_derived_in_seconds(monkeypatch):
    """It took 46 s (74 s on a loaded machine) when each label was lambdified with its c derivatives: a loss that
    treats the labels alike is lambdified once for its value and once for its gradient, whatever c (counted, not
    timed, so the outcome does not depend on the machine's speed)."""
    import sympy

    calls = []
    real = sympy.lambdify
    monkeypatch.setattr(sympy, "lambdify", lambda *a, **k: calls.append(1) or real(*a, **k))
    derived = derived_loss(parse_spec("nce"), 50)
    z = RNG.normal(size=(20, 50))
    y = RNG.integers(0, 50, size=20)
    assert gradient_error(derived, z, y) < 1e-6
    # lambdified on first use, then cached (label_noise_lab.simulate.engine.kernels.array_function)
    assert len(calls) == 2


def test_a_vector_loss_for_too_many_classes_is_refused_at_once():
    from label_noise_lab.simulate.losses import MAX_VECTOR_CLASSES

    with pytest.raises(ValueError, match=f"at most {MAX_VECTOR_CLASSES} classes"):
        derived_loss(parse_spec("nce"), MAX_VECTOR_CLASSES + 1)
    derived_loss(parse_spec("gce"), 10 * MAX_VECTOR_CLASSES)  # a loss of p_y alone: no limit


@pytest.mark.parametrize("text, value, grad", [
    ("-log(p)", 800 + np.log(2), [-1.0, 0.5, 0.5]),   # finite: p_y underflows, log p_y does not
    ("1/p", np.inf, [-np.inf, np.inf, np.inf]),        # the value overflows: infinities, never NaN
    ("(1 - p**0.7)/0.7", 1 / 0.7, [0.0, 0.0, 0.0]),
])
def test_derived_p_losses_are_evaluated_in_log_space_at_extreme_logits(text, value, grad):
    """The derived gradient of ``1/p`` at logits ``[-800, 0, 0]`` was all NaN (``l'(p) p`` as ``inf * 0``)."""
    from label_noise_lab.theory.user_losses import from_expression

    loss = derived_loss(from_expression(text), 3)
    z, y = np.array([[-800.0, 0.0, 0.0]]), np.array([0])
    v, g = loss.value(z, y, from_logits=True), loss.grad(z, y)
    assert not np.isnan(v).any() and not np.isnan(g).any()
    np.testing.assert_allclose(v, [value], rtol=1e-12)
    np.testing.assert_allclose(g[0], grad, rtol=1e-12, atol=1e-200)


# ---------------------------------------------------------------- issue 37: every kernel derived, on any xp
@pytest.mark.parametrize("spec", list(ZOO) + ["tgce:q=0.7,k=0.3"])
def test_derived_kernels_run_on_each_backend(spec, xp):
    """The kernels are lambdified for the array namespace in use (Piecewise, Max, log, ...): on ``array_api_strict``
    they neither convert to NumPy nor mix host arrays in, and they equal NumPy's."""
    from tests.conftest import assert_close

    derived = derived_loss(parse_spec(spec), 4)
    z, y = xp.asarray(Z), xp.asarray(Y)
    assert_close(derived.value(z, y, from_logits=True), derived.value(Z, Y, from_logits=True), xp, rtol=1e-12)
    assert_close(derived.grad(z, y), derived.grad(Z, Y), xp, rtol=1e-12, atol=1e-300)


@pytest.mark.parametrize("seed", range(3))
@pytest.mark.parametrize("spec", list(FAST_PATHS))
def test_fast_paths_equal_the_derivation_on_random_inputs(spec, seed):
    """Each hand-written kernel is a fast path of the derived one, on random logits and random simplex points."""
    rng = np.random.default_rng(100 + seed)
    c = int(rng.integers(2, 7))
    z = rng.normal(scale=3.0, size=(60, c))
    y = rng.integers(0, c, size=60)
    p = np.exp(z) / np.exp(z).sum(axis=1, keepdims=True)
    derived = derived_loss(parse_spec(spec), c)
    name, params = FAST_PATHS[spec]
    fast = get_loss(name, **params)
    np.testing.assert_allclose(fast.value(z, y, from_logits=True), derived.value(z, y, from_logits=True),
                               rtol=1e-9, atol=1e-12)
    np.testing.assert_allclose(fast.value(p, y), derived.value(p, y), rtol=1e-9, atol=1e-12)
    np.testing.assert_allclose(fast.grad(z, y), derived.grad(z, y), rtol=1e-8, atol=1e-12)


def test_a_constant_loss_is_derived_with_a_zero_gradient():
    from label_noise_lab.theory.user_losses import from_expression

    derived = derived_loss(from_expression("1/2"), 3)
    assert np.all(derived.value(Z[:, :3], Y % 3, from_logits=True) == 0.5)
    assert np.all(derived.grad(Z[:, :3], Y % 3) == 0)
