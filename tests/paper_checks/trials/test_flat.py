"""A loss flat on [0, k], then decreasing (paper_checks.trials.flat): k >= 1/2 in closed form for every c, and
below 1/2, for a convex g, the exact class sum per c, compared with a plain loop over a rational grid of the
simplex and with label_noise_lab.theory.gce's independent scan."""
import itertools
import math

import numpy as np
import pytest
import sympy

from label_noise_lab.theory.gce import truncated_class_sum_min
from label_noise_lab.theory.losses import P
from paper_checks.trials.asymmetry import flat_convex_ratio
from paper_checks.trials.flat import convex_range, flat_convex, flat_level

R = sympy.Rational


def _tgce(q, k):
    return sympy.Min((1 - P ** q) / q, (1 - k ** q) / q)  # Eq. 9 as a user types it


def _grid_extremes(label, c, n):
    """min and max of sum_i l(f_i) over the points of the c-simplex whose coordinates are multiples of 1/n."""
    ell = sympy.lambdify(P, label, "mpmath")
    sums = [sum(ell(R(a, n)) for a in (*parts, n - sum(parts)))
            for parts in itertools.product(range(n + 1), repeat=c - 1) if sum(parts) <= n]
    return min(sums), max(sums)


def test_flat_level_keeps_one_half_and_above():
    assert flat_level(_tgce(R(7, 10), R(1, 2)))["k"] == R(1, 2)
    assert flat_level(_tgce(R(7, 10), R(3, 10))) is None
    assert flat_convex(_tgce(R(7, 10), R(1, 2))) is None  # k >= 1/2 is flat_level's


def test_flat_convex_needs_a_convex_decreasing_g():
    assert flat_convex(_tgce(R(7, 10), R(1, 10)))["k"] == R(1, 10)
    assert flat_convex(sympy.Min(1 - P ** 2, 1 - R(1, 10) ** 2)) is None  # 1 - p^2: concave above k
    assert flat_convex(sympy.Max(P, R(1, 10))) is None  # increasing


@pytest.mark.slow
@pytest.mark.parametrize("q, k, c", [(R(7, 10), R(1, 10), 2), (R(7, 10), R(3, 10), 3), (R(1, 3), R(1, 5), 3),
                                     (R(1, 2), R(2, 5), 4)])
def test_convex_range_against_a_grid(q, k, c):
    label = _tgce(q, k)
    r = convex_range(flat_convex(label), c)
    lo, hi = _grid_extremes(label, c, 20)  # 1/20 holds 1/m for m | 20 and every k here: the extremes are on it
    assert abs(float(r["low"]) - float(lo)) < 1e-12 and abs(float(r["high"]) - float(hi)) < 1e-12


@pytest.mark.slow
@pytest.mark.parametrize("q", [R(1, 10), R(7, 10), 1])
@pytest.mark.parametrize("k", [R(1, 20), R(1, 7), R(3, 10), R(49, 100)])
def test_convex_range_minimum_is_theorys_scan(q, k):
    info = flat_convex(_tgce(q, k))
    for c in (2, 3, 5, 12):
        assert sympy.simplify(convex_range(info, c)["low"] - truncated_class_sum_min(c, q, k).value) == 0


def test_convex_range_maximum_below_one_over_k():
    q, k, c = R(7, 10), R(1, 10), 3  # c k < 1: one coordinate 1 - 2k, the others at k
    r = convex_range(flat_convex(_tgce(q, k)), c)
    ell = lambda x: (1 - x ** q) / q  # noqa: E731
    assert sympy.simplify(r["high"] - (2 * ell(k) + ell(1 - 2 * k))) == 0 and r["high_at"] == "(4/5, 1/10, ..., 1/10)"


@pytest.mark.parametrize("k, want_complete", [(0.1, False), (0.05, False), (0.3, True)])
def testflat_convex_ratio_against_a_plain_loop(k, want_complete):
    """R_c (Zhou et al. 2021) of truncated L_q below k = 1/2: the reduction to m equal shares against the infimum of
    (l(u_t) - l(1)) / sum_{i != t} (l(0) - l(u_i)) over a grid of the 3-simplex, one point at a time."""
    q, c = 0.7, 3

    def lab(x):
        return (1 - np.maximum(x, k) ** q) / q

    l0, l1 = float(lab(np.array(0.0))), float(lab(np.array(1.0)))
    s = np.linspace(1e-6, 1.0, 4000)
    got, _ = flat_convex_ratio(lab, l0, l1, k, c, s, lab(1 - s) - l1)
    best = math.inf
    n = 400
    for a in range(n + 1):
        for b in range(n + 1 - a):
            u = (a / n, b / n, 1 - a / n - b / n)
            den = sum(l0 - lab(np.array(x)) for x in u[1:])
            if den > 1e-9:
                best = min(best, float((lab(np.array(u[0])) - l1) / den))
    assert got <= best + 1e-9 and got == pytest.approx(best, abs=1e-3)
    assert (got >= 1 - 1e-12) == want_complete
