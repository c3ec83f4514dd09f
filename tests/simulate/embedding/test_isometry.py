"""label_noise_lab.simulate.embedding.isometry: hard terms against a plain loop, the two sides of d_iso, verification,
bad input."""
import math

import numpy as np
import pytest

from label_noise_lab.simulate.embedding import isometry as iso

pytestmark = pytest.mark.host_only  # NumPy by design: see the module docstring


def loop_terms(F, y, alpha):
    n = len(y)
    D = [[math.dist(F[i], F[j]) for j in range(n)] for i in range(n)]
    out = {}
    for a in range(n):
        for p in range(n):
            if a != p and y[a] == y[p]:
                negs = [D[a][k] for k in range(n) if y[k] != y[a]]
                out[(a, p)] = max(D[a][p] - min(negs) + alpha, 0.0)
    return out


def test_hard_terms_against_loop():
    rng = np.random.default_rng(0)
    for _ in range(5):
        F, y, _ = iso.random_configuration(rng)
        a, p, t = iso.hard_terms(F, y, 0.7)
        exp = loop_terms(F, y, 0.7)
        assert {(int(i), int(j)): v for i, j, v in zip(a, p, t)} == pytest.approx(exp, abs=1e-12)


def test_exact_example_bounds_meet():
    F = np.array([[-1.1, 0.0], [0.1, 0.0], [1.9, 0.0]])
    b = iso.d_iso_bounds(F, np.array([0, 0, 1]), 1.0, np.random.default_rng(0))
    assert b.M == pytest.approx(0.4, abs=1e-12) and b.lower == pytest.approx(0.1, abs=1e-12)
    assert b.lower <= b.upper <= 0.1 + 1e-6
    assert b.M > 2 * b.upper  # the reconstruction's constant 2 fails, certified


def test_collapsed_two_classes_reach_half_alpha():
    """All points at one spot, two classes: d_iso = alpha/2 exactly (any g keeps pairs within 2t)."""
    F = np.zeros((6, 2)) + 0.3
    y = np.array([0, 0, 0, 1, 1, 1])
    b = iso.d_iso_bounds(F, y, 2.0, np.random.default_rng(1))
    assert b.M == pytest.approx(2.0) and b.lower == pytest.approx(0.5)
    assert b.upper == pytest.approx(1.0, rel=1e-4)


def test_bounds_are_ordered_and_certified():
    rng = np.random.default_rng(3)
    for _ in range(6):
        F, y, info = iso.random_configuration(rng)
        b = iso.d_iso_bounds(F, y, 1.0, rng)
        assert b.lower == pytest.approx(b.M / 4) and b.lower <= b.upper * (1 + 1e-9)
        ok, worst = iso.verify_separated(b.G, y, 1.0)
        assert ok and worst >= 0
        assert float(iso.verified_displacement(F, b.G)) == pytest.approx(b.upper, rel=1e-12)
        if b.M < 1.0:
            assert b.upper <= b.M * b.diam / (1.0 - b.M) + 1e-9 * b.diam


def test_separated_input_has_zero_distance():
    F = np.array([[0.0, 0.0], [0.1, 0.0], [5.0, 0.0], [5.1, 0.0]])
    y = np.array([0, 0, 1, 1])
    b = iso.d_iso_bounds(F, y, 1.0, np.random.default_rng(0))
    assert b.M == 0 and b.upper == 0 and b.upper_source == "f itself"


def test_scaling_certificate():
    rng = np.random.default_rng(4)
    for _ in range(20):
        F, y, info = iso.random_configuration(rng)
        cert = iso.scaling_certificate(F, y, 1.0)
        M = iso.worst_hard_term(F, y, 1.0)
        if M >= 1.0:
            assert cert is None
            continue
        g, t, meta = cert
        assert iso.smallest_gap(g, y) >= 1.0 - 1e-9
        assert np.sqrt(((g - F) ** 2).sum(axis=1)).max() == pytest.approx(t, rel=1e-9, abs=1e-15)
        assert t <= M * iso.diameter(F) / (1.0 - M) + 1e-12


def test_verify_rejects_and_repair_fixes():
    G = np.array([[0.0, 0.0], [1.0, 0.0], [1.5, 0.0]])
    y = np.array([0, 0, 1])
    ok, worst = iso.verify_separated(G, y, 1.0)
    assert not ok and worst < 0
    assert iso.repair(G, y, 1.0) is None  # gap of (a=1, p=0, n=2) is 0.5 - 1 < 0: scaling cannot help
    G2 = np.array([[0.0, 0.0], [0.1, 0.0], [0.6, 0.0]])
    R = iso.repair(G2, y, 1.0)
    assert R is not None and iso.verify_separated(R, y, 1.0)[0]


@pytest.mark.parametrize("F, y, alpha, match", [
    (np.zeros((3, 2)), np.array([0, 0, 1]), 0.0, "alpha must be positive"),
    (np.zeros((3, 2)), np.array([0, 0, 1]), -1.0, "alpha must be positive"),
    (np.array([[np.nan, 0], [0, 0], [1, 1]]), np.array([0, 0, 1]), 1.0, "NaN"),
    (np.zeros((3, 2)), np.array([0, 0, 0]), 1.0, "single class"),
    (np.zeros((3, 2)), np.array([0, 1, 2]), 1.0, "no positives"),
    (np.zeros((2, 2)), np.array([0, 1]), 1.0, "n >= 3"),
    (np.zeros((3, 2)), np.array([0.0, 0.0, 1.0]), 1.0, "integers"),
])
def test_bad_input(F, y, alpha, match):
    with pytest.raises(ValueError, match=match):
        iso.d_iso_bounds(F, y, alpha, np.random.default_rng(0))
