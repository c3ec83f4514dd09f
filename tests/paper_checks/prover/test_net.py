"""A call's one wall-clock net (issue 68): armed at its first line, the process's warm-up inside it; it only
interrupts (the result says so, never another answer); where the proof runs in a child process it stops anything,
a C call no alarm reaches included. The bounds below are hang guards, never timings: no test depends on the
machine's speed."""
from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
import sympy

from paper_checks.prover import ProofResult, outset, process, prove_expr

from .._procs import not_ignoring

ROOT = Path(__file__).resolve().parents[3]
HANG = 60.0  # seconds: far above any net used here; a call past it hangs
x = sympy.Symbol("x", real=True)


def _spin_in_c() -> int:
    return sum(range(10**13))  # one C call: no alarm interrupts it, only ending the process does


def test_a_net_at_the_top_marks_the_result_interrupted_and_says_so():
    res = ProofResult.by_the_net(100, 1.0, 0.25, 6.0, 2.0)
    assert res.outcome == "undecided" and res.interrupted and res.to_json()["interrupted"] is True
    assert res.reason.startswith("interrupted by the wall-clock net of 2 s at work 0.25 of 6 units; rerun with a "
                                 "larger net")
    assert ProofResult("proved", 0, 1, 0.0).to_json()["interrupted"] is False


def test_a_call_inside_a_net_arms_none_of_its_own_and_lets_the_outer_stop_pass():
    with outset.net(HANG) as outer:
        with outset.net(0.001) as inner:
            time.sleep(0.05)  # the inner call's seconds are not armed: no alarm comes
        assert outer.own and not inner.own and not outer.fired


def test_a_proof_gives_the_same_answer_inside_a_generous_net():
    """The net only interrupts: with one that never comes, the outcome, route and work are the net's-free ones."""
    quiet = prove_expr(x**2 - 2 * x + 1, {x: (-5, 5)}, seconds=HANG, work=2)
    again = prove_expr(x**2 - 2 * x + 1, {x: (-5, 5)}, seconds=HANG * 10, work=2)
    assert quiet.proved and not quiet.interrupted
    assert again.outcome == quiet.outcome and sorted(again.counters) == sorted(quiet.counters)
    # the count's own noise (hash order) within 2 %, and a thousandth of a unit for what SymPy makes once a process and
    # keeps where no cache can be emptied (a worker's first proof of this 0.008-unit margin counted 0.0002 more)
    assert again.work == pytest.approx(quiet.work, rel=0.02, abs=1e-3)


@pytest.mark.slow  # a fresh process imports the prover: seconds
@pytest.mark.parametrize("seconds", ["0.5", "1"])
def test_the_first_call_of_a_process_never_raises_whatever_its_net(seconds):
    """The warm-up ran before the net was armed, which was then ``seconds - elapsed``: ``ValueError: timeout must be a
    positive ... got -61.4`` on a first call at ``seconds=1`` (and on a quiet machine too, the warm-up taking 3 s)."""
    code = ("import sympy; from paper_checks.prover import prove_expr; x = sympy.Symbol('x', real=True); "
            f"r = prove_expr(sympy.log(1 + x) - x / (1 + x), {{x: (0, 1)}}, seconds={seconds}); "
            "print(r.outcome, r.interrupted, r.reason[:40])")
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=HANG * 3)
    assert out.returncode == 0, out.stderr[-2000:]
    outcome, interrupted, *_ = out.stdout.split()
    assert (outcome, interrupted) in (("proved", "False"), ("undecided", "True"))


@pytest.mark.slow  # waits out a net and its grace: seconds of wall clock (little CPU here)
def test_a_net_in_a_child_process_stops_a_c_call_no_alarm_reaches(monkeypatch):
    """``sum(range(4*10**9))`` ran past its net for 574 s (issue 68): the child is ended :data:`KILL_GRACE` after it."""
    monkeypatch.setattr(process, "KILL_GRACE", 0.5)
    t = time.monotonic()
    res = process.stoppable(_spin_in_c, 0.5, 10, 2.0)
    assert time.monotonic() - t < HANG
    assert res.interrupted and res.reason.startswith("interrupted by the wall-clock net of 0.5 s in a step no alarm "
                                                     "stops (its process was ended)")


@pytest.mark.slow  # a fresh process: seconds
def test_sigterm_ends_a_stoppable_proof_at_once():
    """SIGTERM was held back while the proof sat in a C call, and only SIGKILL ended the command: the parent now
    waits on its child, so the stop comes at once and ends the child on the way out."""
    code = ("import sys; from paper_checks.run.isolation import stop_signals; "
            "from paper_checks.prover.process import stoppable; "
            "from tests.paper_checks.prover.test_net import _spin_in_c\n"
            "with stop_signals():\n    print('ready', flush=True); stoppable(_spin_in_c, 600.0, 10, 2.0)")
    proc = subprocess.Popen([sys.executable, "-c", code], cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            text=True, preexec_fn=not_ignoring)
    try:
        assert proc.stdout.readline().strip() == "ready"
        time.sleep(1.0)  # the child is forked and spinning
        proc.send_signal(signal.SIGTERM)
        proc.wait(timeout=HANG)
    finally:
        if proc.poll() is None:
            os.kill(proc.pid, signal.SIGKILL)
    assert proc.returncode != 0 and "Stop" in proc.stderr.read()
