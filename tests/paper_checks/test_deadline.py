"""The one time limit inside a process (paper_checks.deadline): it interrupts, nests, is not swallowed."""
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from paper_checks.deadline import TimedOut, deadline


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


def test_a_limit_a_finaliser_loses_is_not_reported_and_fires_again(monkeypatch):
    """The alarm can land in a finaliser (z3's ``Solver.__del__`` under the prover), where Python only reports it
    as "Exception ignored": that raise of the limit's own is dropped, anything else a finaliser loses is still
    reported, and the limit fires again outside."""
    seen = []
    monkeypatch.setattr(sys, "unraisablehook", lambda u: seen.append(u.exc_value))

    class Loses:
        def __del__(self):
            signal.raise_signal(signal.SIGALRM)  # the alarm, inside the finaliser: deterministic
            _spin(0.01)

    class Fails:
        def __del__(self):
            raise RuntimeError("a finaliser's own error")

    with pytest.raises(TimedOut):
        with deadline(0.2):
            Loses()
            Fails()
            _spin(5)
    assert [type(e) for e in seen] == [RuntimeError]


@pytest.mark.slow
def test_nested_deadline_keeps_the_outer_limit():
    t0 = time.monotonic()
    with pytest.raises(TimedOut):
        with deadline(0.5):
            with deadline(0.1):
                _spin(0.05)  # the inner finishes; the outer is re-armed with what it has left
            _spin(5)
    assert time.monotonic() - t0 < 1.5


def test_an_outer_limit_fires_with_its_own_error():
    """The runner's claim limit (an outer error of its own) is not turned into an inner property's time-out."""
    class Outer(BaseException):
        def __init__(self, seconds):
            super().__init__(seconds)

    with pytest.raises(Outer):
        with deadline(0.2, error=Outer):
            with deadline(5):
                time.sleep(2)
    assert signal.getitimer(signal.ITIMER_REAL)[0] == 0


def test_deadline_interrupts_and_restores_an_outer_timer():
    fired = []
    old = signal.signal(signal.SIGALRM, lambda *a: fired.append(1))
    try:
        signal.setitimer(signal.ITIMER_REAL, 5.0)
        with pytest.raises(TimedOut, match="timed out after 0.05 s"):
            with deadline(0.05):
                while True:
                    pass
        remaining = signal.getitimer(signal.ITIMER_REAL)[0]
        assert 3.0 < remaining <= 5.0 and not fired
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, old)


def test_a_swallowed_time_out_is_raised_again():
    """A raise lost once (caught and gone on from, or printed as "Exception ignored" by a finaliser) is
    retried, so a limit is never lost: the block still ends within a repeat of the first raise."""
    caught = []
    t0 = time.monotonic()
    with pytest.raises(TimedOut):
        with deadline(0.1):
            try:
                _spin(5)
            except TimedOut:
                caught.append(time.monotonic() - t0)
            _spin(5)
    assert len(caught) == 1 and time.monotonic() - t0 < 0.1 + 2 * 0.5 + 0.5
    assert signal.getitimer(signal.ITIMER_REAL) == (0.0, 0.0)


@pytest.mark.slow
def test_a_time_out_in_a_finaliser_is_not_lost():
    """Python cannot raise out of a finaliser: the raise that lands in one is dropped (not reported: it is the
    limit's own), and the next one ends the block."""
    import gc
    import sys

    dropped = []

    class Slow:
        def __del__(self):
            _spin(0.3)  # the limit comes up in here

    gc.collect()  # the garbage of earlier tests is not collected (nor its finalisers run) in the block
    old_hook = sys.unraisablehook
    sys.unraisablehook = lambda u: dropped.append(u.exc_type)
    try:
        with pytest.raises(TimedOut):
            with deadline(0.1):
                x = Slow()
                x.cycle = x
                del x
                gc.collect()
                _spin(5)
    finally:
        sys.unraisablehook = old_hook
    assert dropped == []  # the raise that landed in the finaliser is the limit's own: not reported


def test_an_outer_repeat_is_restored():
    old = signal.signal(signal.SIGALRM, lambda *a: None)
    try:
        signal.setitimer(signal.ITIMER_REAL, 5.0, 0.25)
        with deadline(0.5):
            pass
        left, every = signal.getitimer(signal.ITIMER_REAL)
        assert 4.0 < left <= 5.0 and every == 0.25
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, old)


@pytest.mark.slow
def test_a_blocked_sigalrm_is_unblocked_within_and_blocked_again_after():
    """A mask inherited from whatever started Python must not turn every limit off silently; a SIGALRM
    left pending under that mask is dropped, not taken for the limit. In a child process: with other
    threads (the test watchdog's) the kernel would hand a pending signal to one of them."""
    code = textwrap.dedent("""
        import signal, time
        from paper_checks.deadline import TimedOut, deadline
        signal.pthread_sigmask(signal.SIG_BLOCK, [signal.SIGALRM])
        signal.setitimer(signal.ITIMER_REAL, 0.01)
        time.sleep(0.05)
        assert signal.SIGALRM in signal.sigpending()
        with deadline(0.5):
            time.sleep(0.1)
        try:
            with deadline(0.1):
                time.sleep(5)
        except TimedOut:
            print("timed out")
        assert signal.SIGALRM in signal.pthread_sigmask(signal.SIG_BLOCK, [])
    """)
    p = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60,
                       cwd=Path(__file__).resolve().parents[2])
    assert p.returncode == 0 and p.stdout == "timed out\n", p.stderr


@pytest.mark.slow
def test_disarm_ends_the_repeats_and_the_outer_timer_comes_back():
    from paper_checks.deadline import disarm

    old = signal.signal(signal.SIGALRM, lambda *a: None)
    try:
        signal.setitimer(signal.ITIMER_REAL, 5.0)
        with deadline(0.05):
            try:
                _spin(1)
            except TimedOut:
                disarm()
            _spin(0.6)  # no repeat comes
        assert 3.0 < signal.getitimer(signal.ITIMER_REAL)[0] <= 5.0
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, old)


def test_a_limit_shorter_than_its_own_exit_never_ends_the_process():
    """A 10 us limit fires on the way out of the block too: the timer is never left armed under the
    default handler (which ends the process: how a test worker died in CI), nor re-entered while raising."""
    code = textwrap.dedent("""
        import signal
        from paper_checks.deadline import TimedOut, deadline
        signal.signal(signal.SIGALRM, signal.SIG_DFL)
        for _ in range(2000):
            try:
                with deadline(1e-5):
                    sum(range(200))
            except TimedOut:
                pass
        print("alive")
    """)
    p = subprocess.run([sys.executable, "-c", code], cwd=Path(__file__).resolve().parents[2], capture_output=True,
                       text=True, timeout=120)
    assert p.returncode == 0 and p.stdout.strip() == "alive", (p.returncode, p.stderr[-500:])


def test_a_limit_that_comes_up_in_a_held_step_is_raised_as_the_step_ends():
    from paper_checks.deadline import held

    steps = []
    with pytest.raises(TimedOut), deadline(0.02):
        with held():
            end = time.monotonic() + 0.2
            while time.monotonic() < end:  # past the limit: held back
                pass
            steps.append("whole")
        steps.append("after")  # never reached: raised as the held block ends
    assert steps == ["whole"]
    with held():  # no limit: nothing held, nothing raised
        steps.append("free")
    assert steps == ["whole", "free"]


def test_a_limit_held_back_in_a_block_that_raises_is_not_left_for_a_later_block():
    from paper_checks.deadline import held

    with pytest.raises(TimedOut), deadline(0.02):
        with pytest.raises(KeyError), held():
            end = time.monotonic() + 0.1
            while time.monotonic() < end:  # past the limit: held back
                pass
            raise KeyError("the block's own error")  # it wins; the limit is not kept
        while True:  # the limit's timer fires again
            pass
    with held():  # later, with no limit: nothing stale is raised
        pass


def test_an_alarm_in_a_frame_that_must_not_be_cut_waits_for_the_timer_s_repeat():
    """:func:`deadline.never_cut`: the work meter's blocks open and close in frames an alarm must not cut in two (a
    raise there left a limit open for every later test of a worker); the raise comes at the first call or return
    outside them (or at the timer's next repeat where a profiler holds the hook)."""
    import time as _time

    from paper_checks import deadline as dl

    inside = []
    busy = [True]  # the frames are not to be cut until the stand-in finished (however late the machine enters it)

    def bookkeeping_stand_in(seconds: float) -> None:
        end = _time.monotonic() + seconds
        while _time.monotonic() < end:
            pass
        inside.append("finished")
        busy[0] = False

    dl.never_cut(lambda frame: busy[0])
    try:
        with pytest.raises(dl.TimedOut):
            with dl.deadline(0.02):
                bookkeeping_stand_in(0.2)  # the alarm comes in here, and waits
                while True:
                    pass
        assert inside == ["finished"]
    finally:
        dl._UNCUT.pop()
