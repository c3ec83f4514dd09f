"""The GCE bounds (Zhang & Sabuncu 2018, Eqs. 7-11, Thms 1-2): exact, float and lambdified forms agree."""
import math

import numpy as np
import pytest
import sympy
from hypothesis import given, settings
from hypothesis import strategies as st

from label_noise_lab.theory import gce
from label_noise_lab.theory import losses as sl
from label_noise_lab.theory.noisy_risk import ETA
from label_noise_lab.theory.simplex import barycentre, vertex
from label_noise_lab.theory.symmetry import class_sum

R = sympy.Rational
Q, K = gce.Q, gce.K


def test_eq7_derived_equals_stated():
    rng = gce.derive_eq7()
    lo, hi = gce.eq7_bounds()
    assert sympy.simplify(rng.low - lo) == 0 and sympy.simplify(rng.high - hi) == 0
    assert class_sum(sl.lq(R(1, 2)), barycentre(4)) == gce.eq7_bounds(4, R(1, 2))[0]
    assert class_sum(sl.lq(R(1, 2)), vertex(4, 2)) == gce.eq7_bounds(4, R(1, 2))[1]
    assert gce.eq7_bounds_float(4, 0.5) == pytest.approx((4.0, 6.0))


def test_thm1_lower_bound_is_A_and_A_values():
    assert sympy.simplify(gce.thm1_lower_bound() - gce.A_constant()) == 0
    assert gce.A_constant(2, 1, R(1, 4)) == 0 and gce.A_constant(5, R(1, 2), 0) == 0
    assert float(gce.A_constant(3, R(1, 2), R(1, 3))) == pytest.approx(gce.A_float(3, 0.5, 1 / 3))
    assert gce.A_float(2, 0.5, 0.5) == -math.inf
    assert math.isnan(gce.A_float(2, 1.0, 0.5))
    with pytest.raises(ValueError, match="eta must lie"):
        gce.A_constant(3, R(1, 2), 2)


def test_A_numerator_is_negative_on_a_grid():
    for c in (2, 10, 100):
        for q in (R(1, 10), R(1, 2), R(9, 10)):
            assert float(gce.A_numerator(c, q)) < 0


def test_lq_pointwise_minimiser_and_holder():
    row = [R(1, 2), R(1, 3), R(1, 6)]
    q = R(1, 2)  # r = 2
    f = gce.lq_pointwise_minimiser(row, q)
    assert f == [R(9, 14), R(4, 14), R(1, 14)]
    # the value equals the Hölder formula and beats nearby points
    val = lambda g: sum(w * sl.lq_value(x, q) for w, x in zip(row, g))  # noqa: E731
    assert sympy.simplify(val(f) - gce.lq_pointwise_min(row, q)) == 0
    for g in ([R(1, 2), R(1, 3), R(1, 6)], [R(2, 3), R(1, 4), R(1, 12)], barycentre(3)):
        assert float(val(g)) >= float(val(f)) - 1e-15
    assert gce.lq_pointwise_minimiser([R(1, 4), R(3, 4)], 1) == [0, 1]
    assert gce.holder_stationarity(3) == {"gradient_equal": True, "value_is_r_norm": True}
    with pytest.raises(ValueError, match="negative entry"):
        gce.r_norm([R(-1, 2), R(3, 2)], R(1, 2))


def test_thm2_gap_and_bound():
    t = [R(1, 10), R(9, 10)]
    gap = gce.thm2_gap(t, 0, R(1, 2))
    assert sympy.simplify(gap - 2 * (sympy.sqrt(R(82, 100)) - R(1, 10))) == 0
    assert float(gce.B_bound(2, R(1, 2), R(1, 10))) < float(gap)  # the condition is needed
    dom = [R(9, 10), R(1, 10)]
    assert float(gce.thm2_gap(dom, 0, R(1, 2))) <= float(gce.B_bound(2, R(1, 2), R(9, 10)))
    assert gce.thm2_gap(dom, 0, 1) == 0


def test_truncated_minimum_against_brute_force():
    rng = np.random.default_rng(1)
    for c, q, k in ((3, R(1, 2), R(1, 3)), (4, R(7, 10), R(3, 10)), (10, R(1, 2), R(1, 10)), (5, R(1, 4), R(1, 2))):
        tm = gce.truncated_class_sum_min(c, q, k)
        pts = np.concatenate([rng.dirichlet(np.full(c, 0.3), 4000), np.eye(c)])
        vals = [sum(gce.truncated_lq_float(x, float(q), float(k)) for x in p) for p in pts]
        assert min(vals) >= float(tm.value) - 1e-12
        m = tm.argmins[0]
        best = [R(1, m)] * m + [0] * (c - m) if m else barycentre(c)
        assert sympy.N(gce.truncated_class_sum(best, q, k) - tm.value, 30) == 0
    assert gce.truncated_class_sum_min(10, R(1, 2), R(1, 10)).argmins == [3]
    with pytest.raises(ValueError, match="numeric q and k"):
        gce.truncated_class_sum_min(3, Q, R(1, 2))


def test_F_convexity_and_d():
    Fc = gce.F_convexity()
    assert Fc["F1_at_d"] == 0 and Fc["F2"].is_nonnegative
    assert gce.d_value(R(1, 2), R(1, 10)) == R(5, 2)
    assert gce.d_value(1, R(1, 2)) == 1
    assert gce.d_float(0.5, 0.1) == pytest.approx(2.5)
    lo, hi = gce.eq10_bounds(10, R(1, 2), R(1, 10))
    assert float(lo) == pytest.approx(gce.eq10_bounds_float(10, 0.5, 0.1)[0])
    assert float(hi) == pytest.approx(gce.eq10_bounds_float(10, 0.5, 0.1)[1])


def test_eq11_widths_and_margin():
    assert sympy.simplify(gce.eq10_width() - gce.eq11_lhs()) == 0
    m = gce.eq11_margin(4, R(3, 4), R(3, 10))
    assert float(m) < 0 and float(m) == pytest.approx(gce.eq11_margin_float(4, 0.75, 0.3))
    assert gce.eq11_margin(2, 1, R(1, 2)) == R(-1, 2)
    assert gce.eq11_margin_float(10, 0.5, 0.5) > 0


@pytest.mark.slow  # about 1 s or more: out of README's quick command, in CI's slow run
@settings(max_examples=25)
@given(q=st.floats(0.01, 1.0), k=st.floats(0.05, 0.95), c=st.integers(2, 50))
def test_lambdified_formulas_match_float_versions(q, k, c):
    f = sympy.lambdify(gce.formula("eq11_margin")[1], gce.formula("eq11_margin")[0], "math")
    assert f(c, q, k) == pytest.approx(gce.eq11_margin_float(c, q, k), rel=1e-9, abs=1e-9)
    lo = sympy.lambdify(gce.formula("eq7_lower")[1], gce.formula("eq7_lower")[0], "math")
    assert lo(c, q) == pytest.approx(gce.eq7_bounds_float(c, q)[0], rel=1e-12)


def test_formula_names_and_bad_input():
    for name in ("eq7_lower", "eq7_upper", "eq7_width", "A", "B", "eq10_lower", "eq10_upper", "eq10_width",
                 "eq11_lhs", "eq11_margin", "d"):
        expr, syms = gce.formula(name)
        assert expr.free_symbols <= set(syms) | {ETA}
    with pytest.raises(ValueError, match="unknown formula"):
        gce.formula("eq12")
    with pytest.raises(ValueError, match="q must lie"):
        gce.eq7_bounds(3, 0)
    with pytest.raises(ValueError, match="q must lie"):
        gce.lq_float(0.5, 1.5)
    with pytest.raises(ValueError, match="k must lie"):
        gce.d_float(0.5, 1.0)
    with pytest.raises(ValueError, match="c must be"):
        gce.eq7_bounds_float(1, 0.5)
    with pytest.raises(ValueError, match="k must lie"):
        gce.eq10_bounds(3, R(1, 2), R(3, 2))


def test_symbolic_q_is_accepted_and_numbers_are_checked():
    """Symbols pass (the prover traces the catalogue's margins on them); a number out of (0, 1] is refused."""
    q = sympy.Symbol("q", real=True)
    low, high = gce.eq7_bounds(3, q)
    assert low.free_symbols == {q} and high == 2 / q
    assert gce.A_constant(2, q, sympy.Rational(1, 4)).free_symbols == {q}
    assert gce.r_norm([sympy.Rational(1, 2), sympy.Rational(1, 2)], q).free_symbols == {q}
    with pytest.raises(ValueError, match=r"q must lie in \(0, 1\]"):
        gce.eq7_bounds(3, 2)
    with pytest.raises(ValueError, match=r"q must lie in \(0, 1\]"):
        gce.A_constant(2, 0, sympy.Rational(1, 4))


def test_eq11_q_star_has_the_closed_form_log2_of_3_over_2_at_k_half_c_2():
    """Issue 57, item 4: q*(1/2, 2) = log2(3/2), exactly the root of Eq. 11's margin."""
    R = sympy.Rational
    q = gce.eq11_q_star(2, R(1, 2))
    assert sympy.simplify(q - sympy.log(R(3, 2), 2)) == 0
    assert sympy.simplify(gce.eq11_margin(2, q, R(1, 2))) == 0


@pytest.mark.parametrize("c", [2, 3, 5])
def test_eq11_q_star_at_k_one_over_c_is_log_c_of_c_plus_one_over_two(c):
    q = gce.eq11_q_star(c, sympy.Rational(1, c))
    assert sympy.simplify(q - sympy.log(sympy.Rational(c + 1, 2), c)) == 0
    assert abs(sympy.N(gce.eq11_margin(c, q, sympy.Rational(1, c)), 40)) < 1e-35


@pytest.mark.parametrize("c, k", [(3, sympy.Rational(1, 2)), (8, sympy.Rational(1, 2)), (4, sympy.Rational(3, 10)),
                                  (7, sympy.Rational(1, 7))])
def test_eq11_q_star_is_none_where_no_closed_form_is_found(c, k):
    """No common base, a cubic, a k that is not 1/n, and (c = 7, k = 1/7) where d > 1 at the root solved."""
    assert gce.eq11_q_star(c, k) is None


@pytest.mark.parametrize("call", [
    lambda v: gce.lq_float(0.5, v),
    lambda v: gce.truncated_lq_float(0.5, v, 0.5),
    lambda v: gce.d_float(v, 0.5),
    lambda v: gce.eq7_bounds_float(3, v),
    lambda v: gce.eq10_bounds_float(3, v, 0.5),
    lambda v: gce.eq11_margin_float(3, v, 0.5),
    lambda v: gce.A_float(3, v, 0.25),
])
@pytest.mark.parametrize("bad", [0.0, 1.5, -1.0, math.nan, True, "0.5"])
def test_float_q_checks_are_the_declared_domain(call, bad):
    """Issue 57, item 6: the ``*_float`` functions refuse ``q`` with the declared domain's own message
    (``label_noise_lab.theory.loss_parameters.Q``), the one the exact functions give: NaN, bools and strings
    included."""
    from label_noise_lab.theory.loss_parameters import Q as Q_DOMAIN

    with pytest.raises(ValueError) as info:
        call(bad)
    with pytest.raises(ValueError) as exact:
        Q_DOMAIN.floating(bad)
    assert str(info.value) == str(exact.value)
    assert str(info.value).startswith("q must lie in (0, 1], got ")


@pytest.mark.parametrize("call", [
    lambda v: gce.truncated_lq_float(0.5, 0.5, v),
    lambda v: gce.d_float(0.5, v),
    lambda v: gce.eq10_bounds_float(3, 0.5, v),
    lambda v: gce.eq11_margin_float(3, 0.5, v),
])
@pytest.mark.parametrize("bad", [0.0, 1.0, 2.0, math.nan, False])
def test_float_k_checks_are_the_declared_domain(call, bad):
    """The truncation level ``k`` of Eq. 9 is read from ``label_noise_lab.theory.loss_parameters.K``: ``(0, 1)``, both
    ends open."""
    with pytest.raises(ValueError, match=r"^k must lie in \(0, 1\), got "):
        call(bad)


def test_gce_holds_no_hand_written_q_or_k_range():
    """One home for q and k: gce.py's plain-Python functions read the declared domains, not a copy of them."""
    import inspect

    source = inspect.getsource(gce)
    for copy in ("0.0 < q", "0.0 < k", "0 < q <=", "0 < k <"):
        assert copy not in source, copy
