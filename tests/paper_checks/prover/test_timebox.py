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


def _spin() -> str:
    """SymPy work without end: each ``Add`` made is an event the meter counts (paper_checks/work.py), so its limit
    stops it. A loop of plain Python calls is no work the meter sees (it counts SymPy's events, not calls): a step
    made of it ran until pytest-timeout's thread ended the whole test worker with ``os._exit`` at 900 s."""
    x = sympy.Symbol("x")
    n = 0
    while True:
        n += 1
        sympy.Add(x, n)


@pytest.mark.slow
def test_a_step_over_its_work_is_overran_and_ended_soon():
    """The step's own work limit ends it. The call's wall-clock net is the hang guard, not a timing: were the limit
    not to fire, the net interrupts the wait (the child is killed on the way out) and the test fails here, cleanly,
    rather than hanging until the watchdog ends the worker process with every other test on it."""
    from paper_checks.prover.outset import OutOfTime, net

    t = time.monotonic()
    try:
        with net(30.0):
            value = timebox(_spin, (), seconds=0.5, stage="spinning")
    except OutOfTime:
        pytest.fail(f"the step's work limit did not stop it: the net ended it after {time.monotonic() - t:.0f} s")
    assert value is OVERRAN


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
