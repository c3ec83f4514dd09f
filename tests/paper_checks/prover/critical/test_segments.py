"""Tight sets that hold for every value of a parameter (:mod:`paper_checks.prover.critical.segments`): the coordinates
fixed at constants, the parameter free, closed by convexity in the fixed coordinates alone."""
from __future__ import annotations

from fractions import Fraction

import pytest
import sympy

from paper_checks.prover.critical.second import _rational, critical_at, psd_closes
from paper_checks.prover.critical.segments import arb_recheck, candidates
from paper_checks.prover.tracing.trace import compile_traced, derivative

R = sympy.Rational
F = Fraction
x, r, t = sympy.symbols("x r t")


def test_candidates_are_the_proper_subsets_that_round():
    base = [(F(-1), F(1)), (F(0), F(1)), (F(0), F(1))]
    got = list(candidates([1e-17, 0.3183098861837907, 0.5], base, _rational))
    assert {0: F(0)} in got and {2: F(1, 2)} in got and {0: F(0), 2: F(1, 2)} in got
    assert all(1 not in c for c in got)  # 1/pi rounds to no simple rational
    assert list(candidates([0.5], [(F(0), F(1))], _rational)) == []  # one coordinate: a point, not a set


def test_bernoulli_below_the_line_for_every_exponent_closes_along_x_0():
    """1 + r x >= (1 + x)^r for r in [0, 1]: 0 at x = 0 for every r; convex in x there (a box not at one r)."""
    tr = compile_traced(1 + r * x - (1 + x) ** r, [x, r])
    base = [(F(-1, 2), F(2)), (F(0), F(1))]
    crit = critical_at(tr, {0: F(0)}, base)
    assert crit is not None and crit.lower == 0
    box = [(F(-1, 64), F(1, 64)), (F(1, 4), F(3, 4))]
    assert psd_closes(crit, box)
    h = [[sympy.factor(-derivative(derivative((1 + x) ** r, x), x))]]
    assert arb_recheck(h, [x, r], [(F(-1, 64), F(1, 64)), (F(1, 2), F(9, 16))])  # balls: a narrower box


def test_the_tempered_log_above_log_closes_along_x_1():
    """log_t(x) >= log(x) for t in [0, 15/16] (Amid et al. 2019): 0 at x = 1 for every t."""
    tr = compile_traced((x ** (1 - t) - 1) / (1 - t) - sympy.log(x), [x, t])
    base = [(F(1, 16), F(4)), (F(0), F(15, 16))]
    crit = critical_at(tr, {0: F(1)}, base)
    assert crit is not None
    assert psd_closes(crit, [(F(63, 64), F(65, 64)), (F(1, 8), F(1, 2))])


def test_a_set_where_the_margin_is_concave_never_closes():
    """(1 + x)^r >= 1 + r x is false for r < 1: the set x = 0 is valid (0 with zero gradient), but the
    curvature in x is negative there, so no box with r < 1 closes (a near miss at r just below 1)."""
    tr = compile_traced((1 + x) ** r - 1 - r * x, [x, r])
    base = [(F(-1, 2), F(2)), (F(1, 2), F(2))]
    crit = critical_at(tr, {0: F(0)}, base)
    assert crit is not None
    assert not psd_closes(crit, [(F(-1, 64), F(1, 64)), (F(1, 2), F(3, 4))])
    assert not psd_closes(crit, [(F(-1, 1024), F(1, 1024)), (F(1023, 1024), F(1))])
    assert psd_closes(crit, [(F(-1, 64), F(1, 64)), (F(5, 4), F(3, 2))])
    h = [[sympy.factor(derivative(derivative((1 + x) ** r, x), x))]]
    assert not arb_recheck(h, [x, r], [(F(-1, 64), F(1, 64)), (F(1, 2), F(9, 16))])
    assert arb_recheck(h, [x, r], [(F(-1, 64), F(1, 64)), (F(5, 4), F(21, 16))])


def test_no_set_where_the_margin_is_not_zero():
    """A margin positive along x = 0 but with a nonzero gradient there inside the box is no critical set."""
    tr = compile_traced((1 + x) ** r - 1 - r * x + x / 10 + R(1, 100), [x, r])
    assert critical_at(tr, {0: F(0)}, [(F(-1, 2), F(2)), (F(1), F(2))]) is None


def test_a_box_split_along_x_alone_looks_for_the_segment_and_keeps_it():
    """Near ``x = 1`` the margin hardly moves with ``t``, so the boxes there are split in ``x`` alone: such a box
    counts as near a critical set, and the segment ``x = 1`` found from it is kept even where it is too wide to
    close it (it closes the narrower boxes after)."""
    from paper_checks.prover.critical.second import find_critical
    from paper_checks.prover.critical.tight import _small

    base = [(F(1, 2), F(2)), (F(0), F(9, 10))]
    assert _small([(F(1), F(33, 32)), (F(0), F(9, 10))], base)  # narrow in x, whole in t
    assert not _small([(F(1), F(33, 32)), (F(0), F(1, 2))], base)  # split in t, not narrow there
    assert not _small(base, base)
    tr = compile_traced((x ** (1 - t) - 1) / (1 - t) - sympy.log(x), [x, t])
    wide = [(F(1), F(3, 2)), (F(0), F(9, 10))]
    crit = find_critical(tr, wide, base, [])
    assert crit is not None and crit.fixed == {0: F(1)} and not psd_closes(crit, wide)
    assert psd_closes(crit, [(F(1), F(33, 32)), (F(0), F(9, 10))])


@pytest.mark.slow  # about 4 s: out of README's quick command, in CI's slow run
def test_the_tempered_log_above_log_for_t_up_to_9_10_is_proved(without_partial_minimum, without_one_combination):
    """Undecided at 20 s before (the boxes near x = 1 were never split in t, so never 'small', and no set was
    looked for from them); proved in 3.6 s after on the quiet 2-core machine. (The partial minimum, convex in x and
    least at x = 1, proves it in 0.4 s, and one combination, a function of x^(1 - t) over 1 - t: both left out here,
    the segment's closure is what is tested.)"""
    from paper_checks.prover import prove_expr

    res = prove_expr((x ** (1 - t) - 1) / (1 - t) - sympy.log(x), {x: (R(1, 2), 2), t: (0, R(9, 10))}, seconds=300)
    assert res.proved and "hessian" in res.certificate.methods()
