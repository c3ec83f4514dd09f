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
def test_a_step_that_waits_without_working_is_ended_by_the_call_s_net_which_interrupts_the_call():
    """Sleeping is no work: the meter cannot stop it; the call's one net does, and it does not give the step up as
    overran (another route): it interrupts the call (issue 68, item 1), and the child is ended on the way out."""
    from paper_checks.prover.outset import OutOfTime, net

    t = time.monotonic()
    with pytest.raises(OutOfTime), net(2.0) as n:
        timebox(_sleep, (60,), seconds=0.5, stage="sleeping")
    assert time.monotonic() - t < 30 and n.own and n.fired


def test_no_time_left_is_overran_at_once():
    assert timebox(_sleep, (60,), seconds=0) is OVERRAN
    assert timebox(_sleep, (60,), seconds=-1) is OVERRAN


@pytest.mark.parametrize("kind", [ValueError, TypeError, ZeroDivisionError])
def test_what_the_step_raises_is_raised_again_with_its_type(kind):
    with pytest.raises(kind, match="no"):
        timebox(_raise, (kind,), seconds=30)


def test_the_marker_is_falsy_and_named():
    assert not OVERRAN and repr(OVERRAN) == "OVERRAN"
