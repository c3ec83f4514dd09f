"""label_noise_lab.theory.orders: strict orders kept by a positive factor, decided on symbols (issue 65)."""
from __future__ import annotations

from label_noise_lab.theory import orders


def test_a_positive_factor_keeps_both_strict_orders_and_the_squared_signal_is_positive():
    assert orders.positive_scale_keeps_strict_orders() and orders.squared_signal_positive()
