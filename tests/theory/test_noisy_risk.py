"""The noisy risk as an affine function of the clean risk (uniform noise) and Ghosh's class-dependent step."""
import numpy as np
import pytest
import sympy

from label_noise_lab.theory.noisy_risk import (
    ETA,
    affine_identity_holds,
    class_dependent_identity,
    derive_uniform_affine,
    noisy_label_distribution,
    noisy_pointwise_risk,
    uniform_offset,
    uniform_slope,
    uniform_transition,
)
from label_noise_lab.theory.symmetry import C

R = sympy.Rational


def test_uniform_transition_is_stochastic():
    T = uniform_transition(4, R(1, 3))
    assert all(sum(T.row(i)) == 1 for i in range(4))
    assert T[0, 0] == R(2, 3) and T[0, 1] == R(1, 9)
    with pytest.raises(ValueError, match="eta must lie"):
        uniform_transition(3, R(3, 2))
    with pytest.raises(ValueError, match="c must be"):
        uniform_transition(1, R(1, 2))


def test_derivation_holds_and_threshold():
    res = derive_uniform_affine(range(2, 6))
    assert res.verified and res.symbolic
    assert sympy.simplify(res.threshold - (C - 1) / C) == 0
    assert sympy.simplify(res.slope_derivative + C / (C - 1)) == 0


def test_derivation_fails_for_a_wrong_slope_or_offset():
    assert not derive_uniform_affine(range(2, 4), slope=1 - ETA).verified
    assert not derive_uniform_affine(range(2, 4), offset=ETA / C).verified
    assert not affine_identity_holds(3, uniform_slope(), uniform_offset(),
                                     T=sympy.Matrix([[1, 0, 0], [0, 1, 0], [R(1, 2), 0, R(1, 2)]]))


def test_noisy_pointwise_risk_matches_numpy():
    rng = np.random.default_rng(0)
    p = [R(1, 5), R(3, 10), R(1, 2)]
    T = sympy.Matrix([[R(1, 2), R(1, 4), R(1, 4)], [0, 1, 0], [R(1, 3), R(1, 3), R(1, 3)]])
    L = [R(int(v), 7) for v in rng.integers(0, 20, 3)]
    want = np.array(p, float) @ np.array(T.tolist(), float) @ np.array(L, float)
    assert float(noisy_pointwise_risk(p, L, T)) == pytest.approx(want)
    assert sum(noisy_label_distribution(p, T)) == 1
    with pytest.raises(ValueError, match="one loss per class"):
        noisy_pointwise_risk(p, L[:2], T)


def test_affine_relation_numerically():
    c, eta = 3, R(1, 4)
    p = [R(1, 2), R(1, 3), R(1, 6)]
    L = [R(1), R(2), R(5)]
    lhs = noisy_pointwise_risk(p, L, uniform_transition(c, eta))
    rhs = uniform_slope(c, eta) * sum(a * b for a, b in zip(p, L)) + uniform_offset(c, eta) * sum(L)
    assert lhs == rhs


@pytest.mark.parametrize("c", [2, 3, 5])
def test_class_dependent_identity(c):
    ok, lhs, rhs = class_dependent_identity(c, y=c - 1)
    assert ok
    with pytest.raises(ValueError, match="label y"):
        class_dependent_identity(c, y=c)
