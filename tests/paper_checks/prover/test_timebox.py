"""paper_checks.prover.timebox: a step in a child with at most T seconds, its value or OVERRAN."""
import time

import pytest
import sympy

from paper_checks.prover.timebox import OVERRAN, timebox


def _sleep(s: float) -> str:
    time.sleep(s)
    return "woke"


def _diff(e: sympy.Expr, x: sympy.Symbol) -> sympy.Expr:
    return sympy.diff(e, x)


def _raise(kind: type) -> None:
    raise kind("no")


def test_a_step_within_its_time_gives_its_value():
    x = sympy.Symbol("x", real=True)
    assert timebox(_diff, (x ** 3, x), seconds=30) == 3 * x ** 2


def _one() -> None:
    return None


def _spin() -> str:
    while True:  # work without end: the meter stops it
        _one()


@pytest.mark.slow
def test_a_step_over_its_work_is_overran_and_ended_soon():
    t = time.monotonic()
    assert timebox(_spin, (), seconds=0.5, stage="spinning") is OVERRAN
    assert time.monotonic() - t < 30  # a hang guard, not a timing


@pytest.mark.slow
def test_a_step_that_waits_without_working_is_ended_by_the_wall_clock_net_and_says_so():
    """Sleeping is no work: the meter cannot stop it; the running time limit's net does, and names the step."""
    from paper_checks.deadline import deadline
    from paper_checks.prover.timebox import NET_FIRED

    NET_FIRED.clear()
    t = time.monotonic()
    with deadline(2.0):
        assert timebox(_sleep, (60,), seconds=0.5, stage="sleeping") is OVERRAN
    assert time.monotonic() - t < 30 and NET_FIRED == ["sleeping"]
    NET_FIRED.clear()


def test_no_time_left_is_overran_at_once():
    assert timebox(_sleep, (60,), seconds=0) is OVERRAN
    assert timebox(_sleep, (60,), seconds=-1) is OVERRAN


@pytest.mark.parametrize("kind", [ValueError, TypeError, ZeroDivisionError])
def test_what_the_step_raises_is_raised_again_with_its_type(kind):
    with pytest.raises(kind, match="no"):
        timebox(_raise, (kind,), seconds=30)


def test_the_marker_is_falsy_and_named():
    assert not OVERRAN and repr(OVERRAN) == "OVERRAN"
