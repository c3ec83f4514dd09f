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
