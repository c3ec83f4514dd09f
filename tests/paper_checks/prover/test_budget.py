"""The prover's budget object (paper_checks.prover.budget, issue 60 item 4): a stretch of counted work, its shares
equal to the stops the prover computed by hand before it (the same shares, the same stops), and one-line errors."""
from __future__ import annotations

import itertools

import pytest

from paper_checks import work
from paper_checks.prover import budget as budget_module
from paper_checks.prover.budget import Budget


@pytest.fixture
def meter_at(monkeypatch):
    """Set the meter's reading (work.now()) by hand: ``meter_at(3.0)``."""
    def at(units: float) -> None:
        monkeypatch.setattr(budget_module.work, "now", lambda: units)
    return at


# the moments (now) and stops tried: before, at and past the stop, with floats that do not add up exactly
NOWS = (0.0, 0.1, 1.0 / 3, 2.7, 5.999999, 6.0, 6.3, 10.0)
STOPS = (0.0, 0.2, 6.0, 7.1, 1e3)


@pytest.mark.parametrize("fraction", (0.05, 0.2, 3 / 7, 0.5, 0.7, 0.9, 1.0))
def test_a_share_is_the_stop_the_closures_computed_by_hand(meter_at, fraction):
    """``now + share * max(until - now, 0)``, the nested sub-proofs' stop (subproblem.nested, value_sweep), to the
    last bit, before and after the parent's stop."""
    for now, until in itertools.product(NOWS, STOPS):
        meter_at(now)
        got = Budget(0.0, until).share(fraction)
        assert got == Budget(now, now + fraction * max(until - now, 0.0)), (now, until)


@pytest.mark.parametrize("fraction, least", ((0.25, 0.5), (0.2, 0.5), (0.5, 1e-9), (1.0, 3.0)))
def test_a_share_with_a_least_is_the_box_step_s_cap_computed_by_hand(meter_at, fraction, least):
    """``min(deadline, now + max(least, share * (deadline - now)))``, the box step's cap (prove._step) and the
    valley's (tight.py), to the last bit: past the deadline it is the deadline."""
    for now, deadline in itertools.product(NOWS, STOPS):
        meter_at(now)
        got = Budget(0.0, deadline).share(fraction, least=least)
        assert got == Budget(now, min(deadline, now + max(least, fraction * (deadline - now)))), (now, deadline)


def test_left_spent_over_and_past_read_the_meter(meter_at):
    b = Budget(2.0, 6.0)
    meter_at(3.0)
    assert (b.size, b.left(), b.spent(), b.over()) == (4.0, 3.0, 1.0, False)
    assert b.past(0.2) and not b.past(0.25) and b.part(0.5) == 2.0  # past 2 + 0.2 * 4 = 2.8, not past 3.0
    meter_at(6.0)
    assert b.over() and b.left() == 0.0
    meter_at(7.5)
    assert b.left() == -1.5  # what a caller divides is not clipped
    assert b.share(0.5) == Budget(7.5, 7.5)  # a share of a spent budget is empty
    assert b.share(0.5, least=1.0) == Budget(7.5, 6.0)  # and with a least it ends at the stop, before it begins


def test_of_to_and_until():
    with work.metered():
        b = Budget.of(5.0)
        assert b.size == pytest.approx(5.0) and b.start <= work.now()  # stop - start rounds once the meter has counted
        assert Budget.to(b.stop).stop == b.stop
        assert b.until(b.start + 1.0) == Budget(b.start, b.start + 1.0)
        assert b.until(b.stop + 1.0) == b  # a later stop changes nothing


@pytest.mark.parametrize("fraction", (-0.1, 1.5, float("nan"), "0.5", None, True))
def test_a_share_outside_0_to_1_is_refused_in_one_line(fraction):
    with pytest.raises(ValueError, match=r"a share must be a number from 0 to 1, got"):
        Budget(0.0, 1.0).share(fraction)
    with pytest.raises(ValueError, match=r"a share must be a number from 0 to 1"):
        Budget(0.0, 1.0).past(fraction)


def test_a_bad_least_or_end_is_refused_in_one_line():
    with pytest.raises(ValueError, match=r"the least of a share must be a number of units >= 0, got -1"):
        Budget(0.0, 1.0).share(0.5, least=-1)
    with pytest.raises(ValueError, match=r"a budget's stop must be a number of work units, got nan"):
        Budget(0.0, float("nan"))
    with pytest.raises(ValueError, match=r"a budget's start must be a number of work units, got '0'"):
        Budget("0", 1.0)  # type: ignore[arg-type]


def test_a_budget_is_frozen():
    b = Budget(0.0, 1.0)
    with pytest.raises(AttributeError):
        b.stop = 2.0  # type: ignore[misc]
