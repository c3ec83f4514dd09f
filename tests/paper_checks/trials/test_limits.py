"""Time limits and the term-wise sign test of the loss trial (paper_checks.trials.limits)."""

import pytest
import sympy

from paper_checks.trials.limits import sign_on_open_unit

T = sympy.Symbol("t", positive=True)


@pytest.mark.parametrize("expr, sign", [
    (-2 * sympy.log(T) + 2 * (1 - T) / T + (1 - T**2) / T**2, 1),  # focal psi'': each term positive
    (2 * (1 - T) * sympy.log(T) - (1 - T) ** 2 / T, -1),            # focal l'
    ((sympy.log(T) - sympy.log(T + 1)) / sympy.log(2), -1),          # JS l'
    (T - sympy.Rational(1, 2), None),                                 # changes sign: undecided, never a guess
    (sympy.Piecewise((0, T <= sympy.Rational(1, 2)), (T, True)), None),
])
def test_sign_on_open_unit(expr, sign):
    assert sign_on_open_unit(expr, T) == sign
    if sign is not None:  # plain check on a grid
        vals = [float(expr.subs(T, sympy.Rational(k, 200))) for k in range(1, 200)]
        assert all(sign * v > 0 for v in vals)


def test_polynomial_signs_by_exact_root_isolation():
    from paper_checks.trials.limits import polynomial_sign_on_unit

    t = sympy.Symbol("t", positive=True)
    assert polynomial_sign_on_unit(1 + t**2, t) == 1
    assert polynomial_sign_on_unit(-(t - sympy.Rational(1, 2)) ** 2, t) == -2  # zero at 1/2 only
    assert polynomial_sign_on_unit(t - sympy.Rational(1, 3), t) is None  # both signs
    assert polynomial_sign_on_unit(t * (1 - t), t) == 1  # roots at the ends only
    assert polynomial_sign_on_unit((t + 1) / (t - 2), t) == -1
    assert polynomial_sign_on_unit(1 / (t - sympy.Rational(1, 2)) ** 2, t) is None  # a pole inside
    assert polynomial_sign_on_unit(sympy.log(t), t) is None  # not a rational function: the general tests decide


@pytest.mark.slow
def test_derivative_and_simp_agree_with_sympy_on_a_long_polynomial():
    from paper_checks.trials.limits import HIGH_DEGREE, derivative, rational_function, simp

    p = sympy.Symbol("p", positive=True)
    ell = sympy.Add(*[(1 - p) ** i / sympy.Integer(i) for i in range(1, 31)])  # Taylor CE, order 30
    q = sympy.Symbol("q")
    plain = sympy.diff(ell.subs(p, q), q, 2).subs(q, p)  # sympy.diff is quick without the assumption
    assert sympy.expand(derivative(ell, p, 2) - plain) == 0
    num, den = rational_function(ell, (p,))
    assert den == sympy.Poly(1, p, domain="QQ") and num.degree() == 30 > HIGH_DEGREE
    assert sympy.expand(simp(ell) - ell) == 0 and simp(ell).is_Add  # expanded, not factored
    assert simp((p**2 - 1) / (p - 1)) == p + 1  # low degree: sympy.simplify as before


@pytest.mark.slow  # about 1 s or more: out of README's quick command, in CI's slow run
def test_taylor_of_order_100_is_decided_and_exact():
    # Feng et al. 2020: l = sum_{i<=t} (1 - p)^i / i; sup = l(0) = H_t (attained), R_c = l'(1-)/l'(0+) = 1/t,
    # E[w] = sum_k 2/((k+1)(k+2)) = t/(t + 2) for p ~ U(0, 1)
    from label_noise_lab.theory.losses import parse_spec
    from paper_checks.trials import simplex as lt

    tr = lt.trial(parse_spec("taylor:t=100"), [2, 3], precision="quick")
    assert not any(p.undecided for p in tr.properties.values()), {k: p.cell for k, p in tr.properties.items()}
    assert sympy.sympify(tr.properties["bounded"].value["sup"]) == sympy.harmonic(100)
    assert sympy.sympify(tr.properties["weight"].value["mean"]) == sympy.Rational(100, 102)
    assert tr.properties["noisy_minimiser"].value["R_c"] == "1/100"
