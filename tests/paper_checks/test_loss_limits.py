"""Time limits and the term-wise sign test of the loss trial (paper_checks.loss_limits)."""
import time

import pytest
import sympy

from paper_checks.loss_limits import TimedOut, deadline, sign_on_open_unit

T = sympy.Symbol("t", positive=True)


def _spin(seconds):
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        pass


def test_deadline_interrupts_and_lets_fast_work_finish():
    with pytest.raises(TimedOut, match="timed out after 0.2 s"):
        with deadline(0.2):
            _spin(5)
    with deadline(5):
        _spin(0.01)
    with deadline(None):
        _spin(0.01)
    with pytest.raises(ValueError, match="timeout"):
        with deadline(-1):
            pass


def test_timed_out_is_not_swallowed_by_except_exception():
    with pytest.raises(TimedOut):
        with deadline(0.2):
            try:
                _spin(5)
            except Exception:  # noqa: BLE001 - the point: a fallback's broad except does not catch it
                pytest.fail("TimedOut was caught as an Exception")


def test_nested_deadline_keeps_the_outer_limit():
    t0 = time.monotonic()
    with pytest.raises(TimedOut):
        with deadline(0.5):
            with deadline(0.1):
                _spin(0.05)  # the inner finishes; the outer is re-armed with what it has left
            _spin(5)
    assert time.monotonic() - t0 < 1.5


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
