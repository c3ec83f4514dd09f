"""label_noise_lab.theory.triplet: the collapsed triplet loss, the isometry-constant example, the scaling
certificate."""
import pytest
import sympy

from label_noise_lab.theory import triplet as tt


@pytest.mark.parametrize("d", [1, 2, 5])
def test_collapsed_loss_is_alpha_and_semi_hard_selects_nothing(d):
    r = tt.collapsed_loss(d)
    assert r["distance"] == 0
    assert r["term"] == tt.ALPHA and r["mean_over_m"] == tt.ALPHA
    assert r["term_is_alpha"] and r["mean_is_alpha"]
    assert r["semi_hard_selects"] is False
    assert r["per_miner"]["semi-hard"] is None
    assert all(v == tt.ALPHA for k, v in r["per_miner"].items() if k != "semi-hard")


def test_collapsed_loss_with_a_number():
    assert tt.collapsed_loss(2, sympy.Rational(3, 7))["term"] == sympy.Rational(3, 7)


def test_triplet_term_is_a_hinge():
    assert tt.triplet_term(1, 3, 1) == 0 and tt.triplet_term(3, 1, 1) == 3


@pytest.mark.parametrize("d", [0, -1, 2.5])
def test_bad_dimension(d):
    with pytest.raises(ValueError, match="integer >= 1"):
        tt.collapsed_loss(d)


def test_isometry_example_attains_constant_four():
    ex = tt.isometry_constant_example()
    delta = sympy.Symbol("delta", positive=True)
    assert ex["ratio_M_over_d_iso"] == 4 and ex["M_equals_4_delta"]
    assert sympy.simplify(ex["term_ap"] - 4 * delta) == 0 and ex["term_pa_negative"]
    assert ex["g_separated"] and ex["every_point_moves_by_delta"]
    inst = ex["instance"]
    assert inst["f"] == [sympy.Rational(-11, 10), sympy.Rational(1, 10), sympy.Rational(19, 10)]
    assert inst["g"] == [-1, 0, 2] and inst["M"] == sympy.Rational(2, 5) and inst["d_iso"] == sympy.Rational(1, 10)


def test_instance_by_hand():
    """The rational instance recomputed with plain Fractions (no SymPy)."""
    from fractions import Fraction as Fr

    p, a, n = Fr(-11, 10), Fr(1, 10), Fr(19, 10)
    assert abs(a - p) - abs(a - n) + 1 == Fr(2, 5)  # the hard term of (a, p)
    assert max(abs(p - a) - abs(p - n) + 1, 0) == 0  # (p, a)
    gp, ga, gn = -1, 0, 2
    assert abs(ga - gn) - abs(ga - gp) >= 1 and abs(gp - gn) - abs(gp - ga) >= 1
    assert max(abs(p - gp), abs(a - ga), abs(n - gn)) == Fr(1, 10)


def test_scaling_certificate():
    r = tt.scaling_certificate()
    assert r["lambda_minus_1_is_M_over_alpha_minus_M"] and r["scaled_gap_at_least_alpha"]
