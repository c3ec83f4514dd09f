"""Class sums and the symmetry test, symbolic c and per c."""
import pytest
import sympy

from label_noise_lab.theory import losses as sl
from label_noise_lab.theory.simplex import barycentre, vertex
from label_noise_lab.theory.symmetry import (
    C,
    F,
    class_potential,
    class_sum,
    class_sum_range,
    class_sum_symbolic,
    compare_class_sum,
    constant_class_sum,
    label_closed_form,
    nonconstant_witness,
    symmetry_test,
)

R = sympy.Rational


def test_class_sum_of_mae_is_constant_at_exact_points():
    for c in (2, 3, 5):
        for p in (barycentre(c), vertex(c, 0), [R(1, 2)] + [R(1, 2 * (c - 1))] * (c - 1)):
            assert class_sum(sl.mae(), p) == 2 * c - 2


@pytest.mark.parametrize("loss, symmetric, constant", [
    (sl.mae(), True, 2 * C - 2), (sl.unhinged(), True, C - 1), (sl.rce(-4), True, 4 * C - 4), (sl.lq(1), True, C - 1),
    (sl.cce(), False, None), (sl.mse(), False, None), (sl.lq(R(1, 2)), False, None)])
def test_symmetry_test(loss, symmetric, constant):
    res = symmetry_test(loss, range(2, 5))
    assert res.symmetric is symmetric
    if symmetric:
        assert res.domain == "symbolic c" and sympy.simplify(res.constant - constant) == 0
        assert all(res.per_c.values())
    else:
        assert res.domain == "each c in 2..4" and set(res.witnesses) == {2, 3, 4}
        w = res.witnesses[3]
        assert sympy.N(w["sum_a"] - w["sum_b"], 30) != 0


def test_loss_symmetric_only_for_two_classes_goes_the_per_c_way():
    # psi(t) = (t - 1/2)^3: psi(t) + psi(1 - t) = 0 (constant for c = 2), not affine (non-constant for c >= 3)
    odd = sl.separable("odd", lambda t: (t - R(1, 2)) ** 3, lambda t: sympy.Integer(0))
    res = symmetry_test(odd, [2, 3])
    assert res.per_c == {2: True, 3: False} and not res.symmetric
    assert constant_class_sum(odd, 2) == 0
    assert nonconstant_witness(odd, 2) is None


def test_class_sum_symbolic_forms():
    k = sympy.Symbol("k", integer=True, positive=True)
    assert sympy.simplify(class_sum_symbolic(sl.mse()) - (C * sympy.Sum(F[k] ** 2, (k, 1, C)) + C - 2)) == 0
    assert class_sum_symbolic(sl.mae()) == 2 * C - 2
    assert isinstance(class_sum_symbolic(sl.cce()), sympy.Sum)
    psi, t = class_potential(sl.mae(), 4)
    assert sympy.simplify(psi - (1 + 2 * t)) == 0


def test_compare_class_sum_detects_a_wrong_formula():
    good = compare_class_sum(sl.mse(), lambda t: C * t**2, C - 2)
    assert good.holds
    bad = compare_class_sum(sl.mse(), lambda t: C * t**2, C - 1)  # off by one
    assert not bad.holds and bad.counterexample["c"] == 2
    assert bad.counterexample["class_sum"] != bad.counterexample["claimed"]
    assert not compare_class_sum(sl.cce(), lambda t: sympy.log(t), 0).holds


def test_class_sum_ranges():
    mse = class_sum_range(sl.mse())
    assert (mse.low, mse.high) == (C - 1, 2 * C - 2) and mse.shape == "convex"
    cce = class_sum_range(sl.cce())
    assert sympy.simplify(cce.low - C * sympy.log(C)) == 0 and cce.high == sympy.oo
    concave = sl.separable("concave", lambda t: -(t**2), lambda t: sympy.Integer(0))
    r = class_sum_range(concave, 3)
    assert r.shape == "concave" and r.low == -1 and r.high == R(-1, 3)
    wavy = sl.separable("wavy", lambda t: sympy.sin(7 * t), lambda t: sympy.Integer(0))
    with pytest.raises(ValueError, match="cannot decide the sign"):
        class_sum_range(wavy, 3)


def test_label_closed_form():
    expr, t = label_closed_form(sl.mae())
    assert sympy.simplify(expr - (2 - 2 * t)) == 0
    expr, t = label_closed_form(sl.rce(-3))
    assert sympy.simplify(expr - 3 * (1 - t)) == 0
    assert label_closed_form(sl.mse()) is None
