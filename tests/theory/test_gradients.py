"""Logit gradients, example weights, IMAE weights and the last-layer identity (label_noise_lab.theory.gradients).

Every symbolic gradient is compared with central finite differences of the numeric losses of
label_noise_lab.simulate.losses at random logits (through lambdify), and every weight moment with numerical
integration (scipy.integrate.quad).
"""
import math

import numpy as np
import pytest
import sympy
from scipy.integrate import quad

from label_noise_lab.simulate import losses as numeric
from label_noise_lab.theory import gradients as gr
from label_noise_lab.theory.gradients import TEMP, P

R = sympy.Rational

# (theory name and params, numeric loss value function with its parameters)
CASES = [
    ("cce", {}, lambda z, y: numeric.cce(z, y, from_logits=True)),
    ("mae", {}, lambda z, y: numeric.mae(z, y, from_logits=True)),
    ("unhinged", {}, lambda z, y: numeric.unhinged(z, y, from_logits=True)),
    ("lq", {"q": R(7, 10)}, lambda z, y: numeric.lq(z, y, 0.7, from_logits=True)),
    ("rce", {"A": -4}, lambda z, y: numeric.rce(z, y, -4.0, from_logits=True)),
    ("sce", {"alpha": R(1, 10), "beta": 1, "A": -4}, lambda z, y: numeric.sce(z, y, 0.1, 1.0, -4.0, from_logits=True)),
    ("sce", {"alpha": 2, "beta": R(1, 2), "A": -6}, lambda z, y: numeric.sce(z, y, 2.0, 0.5, -6.0, from_logits=True)),
]


def _softmax(z):
    e = np.exp(z - z.max(axis=1, keepdims=True))
    return e / e.sum(axis=1, keepdims=True)


def _formula_grad(g, z, y):
    """The derived gradient evaluated numerically: label(p_y) at y, other(p_y) p_j elsewhere."""
    p = _softmax(z)
    py = p[np.arange(len(y)), y]
    lab = np.broadcast_to(np.asarray(sympy.lambdify(P, g.label, "numpy")(py), dtype=float), py.shape)
    oth = np.broadcast_to(np.asarray(sympy.lambdify(P, g.other, "numpy")(py), dtype=float), py.shape)
    out = oth[:, None] * p
    out[np.arange(len(y)), y] = lab
    return out


@pytest.mark.parametrize("name, params, value", CASES)
@pytest.mark.parametrize("c", [2, 3, 7])
def test_symbolic_gradient_matches_central_differences(name, params, value, c):
    rng = np.random.default_rng(c)
    z = rng.normal(scale=2.0, size=(40, c))
    y = rng.integers(0, c, 40)
    g = gr.logit_gradient(name, **params)
    h = 1e-6
    fd = np.empty_like(z)
    for k in range(c):
        e = np.zeros_like(z)
        e[:, k] = h
        fd[:, k] = (value(z + e, y) - value(z - e, y)) / (2 * h)
    G = _formula_grad(g, z, y)
    assert np.max(np.abs(G - fd)) < 1e-6
    # and its L1 norm is the weight formula
    py = _softmax(z)[np.arange(40), y]
    w = sympy.lambdify(P, g.l1, "numpy")(py)
    assert np.allclose(np.abs(G).sum(axis=1), w, atol=1e-12)


@pytest.mark.parametrize("name, params", [(n, p) for n, p, _ in CASES])
def test_symbolic_gradient_matches_simulate_grad(name, params):
    rng = np.random.default_rng(1)
    z = rng.normal(scale=3.0, size=(30, 5))
    y = rng.integers(0, 5, 30)
    floats = {k: float(v) for k, v in params.items()}
    G = numeric.get_loss(name, **floats).grad(z, y)
    assert np.max(np.abs(G - _formula_grad(gr.logit_gradient(name, **params), z, y))) < 1e-12


@pytest.mark.slow
def test_weights_of_eqs_9_10_and_symbolic_parameters():
    assert sympy.simplify(gr.weight("cce") - 2 * (1 - P)) == 0
    assert sympy.simplify(gr.weight("mae") - 4 * P * (1 - P)) == 0
    assert sympy.simplify(gr.weight("lq") - 2 * P**gr.Q * (1 - P)) == 0
    assert sympy.simplify(gr.weight("rce") + 2 * gr.A * P * (1 - P)) == 0  # 2 |A| p (1 - p), A < 0
    w = gr.weight("sce")
    assert sympy.simplify(w - 2 * (1 - P) * (gr.ALPHA - gr.BETA * gr.A * P)) == 0
    g = gr.logit_gradient("cce")
    assert g.at(R(1, 4)) == {"label": R(-3, 4), "other": 1, "l1": R(3, 2)}
    assert g.domain == "symbolic c"


@pytest.mark.slow
@pytest.mark.parametrize("name", ["cce", "mae", "rce", "sce"])
def test_explicit_all_logit_gradient_agrees_for_c_2_to_4(name):
    assert all(gr.explicit_agrees(name, range(2, 5)).values())


def test_explicit_gradient_of_mae_resolves_absolute_values():
    grads, a = gr.explicit_logit_gradient(gr.symbolic_loss("mae"), 3, y=1)
    sub = {a[0]: 1, a[1]: 2, a[2]: 1}  # p = (1/4, 1/2, 1/4)
    assert [g.subs(sub) for g in grads] == [R(1, 4), R(-1, 2), R(1, 4)]  # 2 p_y (p - e_y)
    with pytest.raises(ValueError, match="label y"):
        gr.explicit_logit_gradient(gr.symbolic_loss("mae"), 3, y=3)


@pytest.mark.parametrize("name, params, exact", [("cce", {}, R(1, 3)), ("mae", {}, R(4, 45)),
                                                 ("lq", {"q": R(1, 2)}, None), ("rce", {"A": -4}, R(16, 45)),
                                                 ("sce", {"alpha": R(1, 10), "beta": 1, "A": -4}, None)])
def test_weight_variances_against_quadrature(name, params, exact):
    m = gr.weight_moments(name, **params)
    w = sympy.lambdify(P, gr.weight(name, **params), "math")
    m1 = quad(w, 0, 1)[0]
    m2 = quad(lambda p: w(p) ** 2, 0, 1)[0]
    assert float(m.variance) == pytest.approx(m2 - m1**2, rel=1e-10, abs=1e-14)
    if exact is not None:
        assert m.variance == exact
    assert float(gr.weight_moments("mae").variance) == pytest.approx(0.0889, abs=5e-5)


@pytest.mark.slow  # about 1 s or more: out of README's quick command, in CI's slow run
def test_imae_weights_and_their_variances():
    assert gr.imae_weight("notes", 8, R(1, 2)) == sympy.exp(4) / 2
    assert gr.imae_weight("paper", 8, R(1, 2)) == sympy.exp(2)
    for form, target in (("paper", 4.546084533670731), ("notes", 2182.469913152984)):
        m = gr.imae_moments(form, 8)
        v = float(m.variance)
        assert v == pytest.approx(target, rel=1e-12)
        w = sympy.lambdify(P, gr.imae_weight(form, 8), "math")
        m1 = quad(w, 0, 1)[0]
        m2 = quad(lambda p: w(p) ** 2, 0, 1, limit=200)[0]
        assert v == pytest.approx(m2 - m1**2, rel=1e-9)
        assert float(gr.imae_variance_quadrature(form, 8, 20)) == pytest.approx(v, rel=1e-15)
    # symbolic T: the paper form's mean is an erf expression, the notes form's elementary
    assert gr.imae_moments("paper").mean.has(sympy.erf)
    assert sympy.simplify(gr.imae_moments("notes").mean - (sympy.exp(TEMP) - 1 - TEMP) / TEMP**2) == 0


@pytest.mark.parametrize("bad", [0, -1, R(-1, 2)])
def test_bad_temperature_raises(bad):
    with pytest.raises(ValueError, match="temperature T must be positive"):
        gr.imae_weight("paper", bad)
    with pytest.raises(ValueError, match="temperature T must be positive"):
        gr.imae_moments("notes", bad)


@pytest.mark.parametrize("bad", [-R(1, 10), R(11, 10), 2])
def test_p_outside_unit_interval_raises(bad):
    with pytest.raises(ValueError, match=r"p must lie in \[0, 1\]"):
        gr.imae_weight("paper", 8, bad)
    with pytest.raises(ValueError, match=r"p must lie in \[0, 1\]"):
        gr.logit_gradient("cce").at(bad)


def test_bad_parameters_raise():
    with pytest.raises(ValueError, match="must be negative"):
        gr.logit_gradient("rce", A=0)
    with pytest.raises(ValueError, match="must be negative"):
        gr.logit_gradient("sce", A=1)
    with pytest.raises(ValueError, match="q must lie"):
        gr.logit_gradient("lq", q=2)
    with pytest.raises(ValueError, match="logit gradients here"):
        gr.logit_gradient("mse")
    with pytest.raises(ValueError, match="form must be one of"):
        gr.imae_weight("seed")
    with pytest.raises(ValueError, match="non-negative"):
        gr.sce_loss(-1, 1, -4)
    with pytest.raises(ValueError, match="not both be zero"):
        gr.sce_loss(0, 0, -4)
    with pytest.raises(ValueError, match="feature dimension"):
        gr.last_layer_identity(0, 2)


@pytest.mark.slow
def test_imae_rescaling_keeps_direction_and_has_weight_as_norm():
    for form in gr.IMAE_FORMS:
        r = gr.imae_gradient(form, 8)
        assert gr.sign_on_unit_interval(r.scale) == 1
        assert sympy.simplify(r.l1 - gr.imae_weight(form, 8)) == 0
        # a loss with this gradient: l'(p) = label / (p (1 - p)); CCE's construction gives back -1/p
        assert gr.sign_on_unit_interval(r.implied_derivative) == -1
    rng = np.random.default_rng(0)
    z = rng.normal(size=(20, 4))
    y = rng.integers(0, 4, 20)
    r = gr.imae_gradient("paper", 8)
    G = _formula_grad(r, z, y)
    py = _softmax(z)[np.arange(20), y]
    assert np.allclose(np.abs(G).sum(axis=1), np.exp(8 * py * (1 - py)))
    gm = numeric.mae_grad(z, y)
    cos = (G * gm).sum(1) / np.linalg.norm(G, axis=1) / np.linalg.norm(gm, axis=1)
    assert np.allclose(cos, 1.0)


@pytest.mark.slow
def test_signs_and_noisy_label_gradient():
    for name in gr.GRADIENT_LOSSES:
        s = gr.gradient_signs(name)
        assert (s.label, s.other) == (-1, 1)
    nz = gr.noisy_label_gradient("mae")
    assert sympy.simplify(nz.at_true - 2 * P * gr.P_TRUE) == 0 and nz.sign_at_true == 1
    assert nz.sign_at_observed == -1
    assert gr.sign_on_unit_interval(P - R(1, 2)) is None
    assert gr.sign_on_unit_interval(P - P) == 0


def test_last_layer_identity_and_exact_l1():
    ident = gr.last_layer_identity(2, 3)
    assert ident.outer_product and ident.l1_factorises
    out = gr.last_layer_l1([2, 10], [[1, 0], [0, 0]], 0)
    assert out["f_l1"] == 12
    assert sympy.simplify(out["grad_W_l1"] - 12 * out["grad_z_l1"]) == 0
    assert float(out["grad_z_l1"]) == pytest.approx(2 / (1 + math.e**2))
    # a hand computation of dCCE/dW = f (p - e_y)^T
    f = np.array([0.5, -1.5, 2.0])
    W = np.array([[0.3, -0.2], [1.0, 0.4], [-0.7, 0.1]])
    p = _softmax((W.T @ f)[None])[0]
    g = p - np.eye(2)[1]
    exact = gr.last_layer_l1([R(1, 2), R(-3, 2), 2], [[R(3, 10), R(-1, 5)], [1, R(2, 5)], [R(-7, 10), R(1, 10)]], 1)
    assert float(exact["grad_W_l1"]) == pytest.approx(np.abs(np.outer(f, g)).sum(), rel=1e-12)
    with pytest.raises(ValueError, match="rows but f"):
        gr.last_layer_l1([1, 2, 3], [[1, 0], [0, 1]], 0)


@pytest.mark.slow
def test_uniform_moments_of_exponential_quadratic_weights():
    """SymPy cannot integrate exp(T p (1 - p)) itself; the erf/erfi completion of the square does."""
    m = gr.uniform_moments(gr.imae_weight("paper", 8))
    assert float(m.variance) == pytest.approx(4.546084533670731, rel=1e-12)
    assert sympy.simplify(m.variance - gr.imae_moments("paper", 8).variance) == 0
    up = gr.uniform_moments(sympy.exp(P**2 - P))  # a > 0: erfi
    assert float(up.mean) == pytest.approx(quad(lambda p: math.exp(p * p - p), 0, 1)[0], rel=1e-12)
    with pytest.raises(ValueError, match="cannot integrate"):
        gr.uniform_moments(sympy.exp(sympy.sin(P)))


LINEAR_BASE_CASES = [
    2 * (sympy.Rational(3, 2) - P) ** sympy.Rational(-1, 10) * P * (1 - P),  # AUL's weight (a = 3/2, p = 9/10)
    (1 - P) ** sympy.Rational(1, 3) * P,  # a limit at u = 0 with r > -1
    (P + 2) ** sympy.Rational(-5, 2) * (1 + P**2),
]


@pytest.mark.parametrize("f", LINEAR_BASE_CASES, ids=str)
def test_linear_base_integral_matches_quadrature(f):
    got = gr._linear_base_integral(f, P)
    want, err = quad(sympy.lambdify(P, f), 0, 1)
    assert got is not None and float(got) == pytest.approx(want, abs=10 * err + 1e-12)


@pytest.mark.parametrize("f", [(1 - P) ** sympy.Rational(-3, 2), P**2 * sympy.exp(P),
                               (1 + P) ** sympy.Rational(1, 2) * P ** sympy.Rational(1, 2)],
                         ids=["divergent at u = 0", "no fractional power", "two bases"])
def test_linear_base_integral_declines_what_it_cannot_do(f):
    assert gr._linear_base_integral(f, P) is None
