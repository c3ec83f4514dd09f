"""The time a run has left, from recorded seconds and this machine's pace."""
from __future__ import annotations

import pytest

from paper_checks.run.eta import Eta, clock


def test_eta_shares_the_recorded_seconds_over_the_workers():
    eta = Eta(["a", "b", "c", "d"], [4.0, 2.0, 1.0, 1.0], jobs=2)
    assert eta.left() == 4.0  # 8 s of work on 2 workers, and no claim longer than that
    eta.finished("c", 1.0)
    assert eta.pace == 1.0 and eta.left() == 4.0  # the longest claim bounds it from below
    eta.finished("a", 8.0)  # twice as slow here: 9 s for 5 recorded
    assert eta.pace == pytest.approx(9 / 5) and eta.left() == pytest.approx(9 / 5 * 2.0)
    eta.finished("a", 100.0)  # counted once
    eta.finished("zzz", 100.0)  # not of this run
    assert eta.pace == pytest.approx(9 / 5)
    eta.finished("b", 1.0)
    eta.finished("d", 1.0)
    assert eta.left() == 0.0


def test_eta_trusts_no_pace_before_a_second_of_recorded_work():
    eta = Eta(["a", "b"], [0.1, 5.0], jobs=1)
    eta.finished("a", 10.0)
    assert eta.pace == 1.0 and eta.left() == 5.0


def test_eta_refuses_bad_input():
    with pytest.raises(ValueError, match="2 keys but 1 expected"):
        Eta(["a", "b"], [1.0], 1)
    with pytest.raises(ValueError, match="jobs must be at least 1, got 0"):
        Eta(["a"], [1.0], 0)
    with pytest.raises(ValueError, match="finite and non-negative, got -1.0"):
        Eta(["a"], [-1.0], 1)


def test_clock():
    assert [clock(s) for s in (-3, 0, 59.4, 61, 3599, 3725)] == ["0:00", "0:00", "0:59", "1:01", "59:59", "1:02:05"]
