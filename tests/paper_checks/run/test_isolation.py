"""Worker processes with a time limit per task, exits and crashes as errors, workers that die with their parent,
and SIGTERM/SIGHUP handled like Ctrl-C (paper_checks.run.isolation; issue 18)."""
import json
import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from paper_checks.commands.arguments import timeout_arg, timeout_from_args
from paper_checks.run import isolation
from paper_checks.run.isolation import Failure, Stop, stop_signals, stop_status
from paper_checks.run.runner import run_tasks
from tests.paper_checks._procs import children_of, not_ignoring

ROOT = Path(__file__).resolve().parents[3]
ENV = {**os.environ, "PYTHONPATH": str(ROOT)}

CLAIMS = '''
import os, signal, sys, time
from paper_checks.api import Evidence, claim, paper

paper("bad", authors="A. Nobody", year=2020, title="Bad checks", venue="none", source="none")


@claim("bad.ok", source="-", statement="fine", expected="confirmed", method="exact")
def ok(ctx):
    return Evidence("confirmed", "exact", "fine", {"x": 1})


@claim("bad.loop", source="-", statement="loops", expected="confirmed", method="exact")
def loop(ctx):
    while True:
        pass


@claim("bad.exit", source="-", statement="exits", expected="confirmed", method="exact")
def exits(ctx):
    sys.exit(0)


@claim("bad.osexit", source="-", statement="ends its process", expected="confirmed", method="exact")
def os_exit(ctx):
    os._exit(0)


@claim("bad.ok2", source="-", statement="fine", expected="confirmed", method="exact")
def ok2(ctx):
    return Evidence("confirmed", "exact", "fine", {"x": 2})
'''

SLOW = '''
import time
from paper_checks.api import Evidence, claim, paper

paper("slow", authors="A. Nobody", year=2020, title="Slow checks", venue="none", source="none")


@claim("slow.fast", source="-", statement="fine", expected="confirmed", method="exact")
def fast(ctx):
    return Evidence("confirmed", "exact", "fine", {})


@claim("slow.sleep", source="-", statement="sleeps", expected="confirmed", method="exact")
def sleep(ctx):
    time.sleep(60)
    return Evidence("confirmed", "exact", "slept", {})
'''


def _cli(tmp_path: Path, source: str, *args: str, **kw) -> subprocess.Popen:
    (tmp_path / "claims.py").write_text(source)
    return subprocess.Popen([sys.executable, "-m", "paper_checks", "run", "--module", str(tmp_path / "claims.py"),
                             "--quiet", "--out", str(tmp_path / "out"), *args],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=ENV, cwd=tmp_path,
                            **{"preexec_fn": not_ignoring, **kw})


@pytest.mark.slow
@pytest.mark.parametrize("jobs", ["1", "2"])
def test_a_runaway_an_exit_and_an_os_exit_are_each_their_claims_error(tmp_path, jobs):
    # 5 s: a loaded machine still starts a worker and finishes bad.ok well within it; bad.loop never ends
    p = _cli(tmp_path, CLAIMS, "--paper", "bad", "--timeout", "5", "--jobs", jobs)
    out, err = p.communicate(timeout=60)
    assert p.returncode == 1, err
    doc = json.loads((tmp_path / "out" / "report.json").read_text())
    by = {c["id"]: c for c in doc["claims"]}
    assert doc["complete"] is True and list(by) == ["bad.ok", "bad.loop", "bad.exit", "bad.osexit", "bad.ok2"]
    assert by["bad.ok"]["verdict"] == by["bad.ok2"]["verdict"] == "confirmed"
    assert by["bad.loop"]["verdict"] == "error"
    assert by["bad.loop"]["summary"].startswith("the check timed out after 5 s")
    assert by["bad.exit"]["summary"] == "the check called sys.exit(0)"
    assert by["bad.osexit"]["summary"].startswith("the check ended its worker process (exit code 0")
    assert "Traceback" not in err


@pytest.mark.slow
def test_run_tasks_time_limit_and_exits():
    out = run_tasks(time.sleep, [(0.01,), (600,), (0.01,)], jobs=1, timeout=5.0)
    assert out[0] is None and out[2] is None and out[1] == Failure("timed out after 5 s")
    out = run_tasks(sys.exit, [(3,), ("no",)], jobs=2, timeout=10.0)
    assert out == [Failure("called sys.exit(3)"), Failure("called sys.exit('no')")]
    assert run_tasks(abs, [(-2,)], jobs=1, timeout=5.0) == [2]


def test_timeout_argument():
    import argparse

    assert timeout_arg("2.5") == 2.5 and timeout_arg("0") == float("inf") and timeout_arg("none") == float("inf")
    for bad in ("-1", "nan", "soon", "inf5"):
        with pytest.raises(argparse.ArgumentTypeError, match="number of seconds"):
            timeout_arg(bad)
    ns = argparse.Namespace
    assert timeout_from_args(ns(timeout=None, precision="quick")) == 300.0
    assert timeout_from_args(ns(timeout=float("inf"), precision="full")) is None
    assert timeout_from_args(ns(timeout=7.0, precision="full")) == 7.0


def test_stop_signals_raise_stop_like_ctrl_c(monkeypatch):
    monkeypatch.setattr(isolation, "STARTED_IGNORING", frozenset())  # whatever this test process was started with
    before = signal.signal(signal.SIGHUP, signal.SIG_DFL)
    try:
        with stop_signals():
            with pytest.raises(Stop) as info:
                os.kill(os.getpid(), signal.SIGHUP)
                time.sleep(5)
        assert signal.getsignal(signal.SIGHUP) is signal.SIG_DFL  # restored
    finally:
        signal.signal(signal.SIGHUP, before)
    assert isinstance(info.value, KeyboardInterrupt) and stop_status(info.value) == 129
    assert stop_status(KeyboardInterrupt()) == 130 and stop_status(Stop(signal.SIGTERM)) == 143


def test_a_signal_ignored_at_the_start_stays_ignored(monkeypatch):
    """Under ``nohup`` SIGHUP is ignored from the start: a run started so outlives its terminal instead of stopping
    on it (CI run under nohup found the test above assuming the default); a handler a claims module sets later is
    not the user's wish and is overridden (tests/paper_checks/run/test_stops.py)."""
    monkeypatch.setattr(isolation, "STARTED_IGNORING", frozenset({signal.SIGHUP}))
    before = signal.signal(signal.SIGHUP, signal.SIG_IGN)
    try:
        with stop_signals():
            assert signal.getsignal(signal.SIGHUP) is signal.SIG_IGN
            os.kill(os.getpid(), signal.SIGHUP)  # ignored: nothing is raised
            time.sleep(0.05)
            assert signal.getsignal(signal.SIGTERM) is not signal.SIG_DFL  # the others are still taken
        assert signal.getsignal(signal.SIGHUP) is signal.SIG_IGN
    finally:
        signal.signal(signal.SIGHUP, before)


def _alive(pids: list[int]) -> list[int]:
    out = []
    for k in pids:
        try:
            state = Path(f"/proc/{k}/stat").read_text().rsplit(")", 1)[1].split()[0]
        except OSError:
            continue
        if state != "Z":
            out.append(k)
    return out


def _wait_forchildren_of(pid: int, n: int) -> list[int]:
    deadline = time.time() + 60
    kids: list[int] = []
    while len(kids) < n and time.time() < deadline:
        time.sleep(0.2)
        kids = children_of(pid)
    assert len(kids) >= n, "the workers did not start"
    return kids


@pytest.mark.slow  # about 1 s or more: out of README's quick command, in CI's slow run
@pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="needs /proc to find the workers")
def test_workers_die_with_a_killed_parent():
    script = textwrap.dedent("""
        import time
        from paper_checks.run.runner import run_tasks
        run_tasks(time.sleep, [(60,)] * 4, jobs=2, timeout=120)
    """)
    p = subprocess.Popen([sys.executable, "-c", script], cwd=ROOT, env=ENV, start_new_session=True)
    try:
        kids = _wait_forchildren_of(p.pid, 2)
        p.kill()  # SIGKILL: no handler runs; the kernel ends the workers (PR_SET_PDEATHSIG)
        p.wait(timeout=10)
        deadline = time.time() + 10
        while _alive(kids) and time.time() < deadline:
            time.sleep(0.1)
        assert _alive(kids) == []
    finally:
        if p.poll() is None:
            p.kill()


@pytest.mark.slow
@pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="needs /proc to find the workers")
@pytest.mark.parametrize(("sig", "status"), [(signal.SIGTERM, 143), (signal.SIGHUP, 129)])
def test_sigterm_and_sighup_keep_the_finished_claims(tmp_path, sig, status):
    p = _cli(tmp_path, SLOW, "--paper", "slow", "--jobs", "2")
    try:
        kids = _wait_forchildren_of(p.pid, 2)
        deadline = time.time() + 30
        while time.time() < deadline:  # slow.fast done: its worker is idle, the other sleeps
            time.sleep(0.3)
            if len(children_of(p.pid)) >= 2:
                break
        time.sleep(1.5)
        p.send_signal(sig)
        out, err = p.communicate(timeout=30)
    finally:
        if p.poll() is None:
            p.kill()
    assert p.returncode == status, err
    assert err.startswith("interrupted: ") and len(err.strip().splitlines()) == 1 and "Traceback" not in err
    doc = json.loads((tmp_path / "out" / "report.json").read_text())
    assert doc["complete"] is False and [c["id"] for c in doc["claims"]] == ["slow.fast"]
    time.sleep(0.3)
    assert _alive(kids) == []


def _pid_data(ctx):
    return {"pid": os.getpid()}


def _shared_check(ctx):
    from paper_checks.evidence import Evidence

    return Evidence("confirmed", "exact", f"computed in {_DATA(ctx)['pid']}", {})


def test_figure_data_computed_in_a_worker_comes_back_when_shared():
    from label_noise_lab.simulate.engine.devices import get_backend
    from paper_checks import figdata
    from paper_checks.context import Context
    from paper_checks.registry import Claim
    from paper_checks.run.runner import run_all
    global _DATA
    _DATA = figdata.figure_data(_pid_data)
    # kept for the claims that have figures (what the data is kept for); a claim without figures keeps nothing
    c = Claim("fake.shared", "fake", "-", "-", "confirmed", "exact", _shared_check, figures=("fake_figure",))
    with figdata.sharing():
        r = run_all([c], "quick", 0, get_backend("numpy"), show_progress=False, timeout=60)[0]
        worker = int(r.evidence.summary.split()[-1])
        assert worker != os.getpid() and _DATA(Context("fake.shared", precision="quick"))["pid"] == worker
    bare = Claim("fake.shared", "fake", "-", "-", "confirmed", "exact", _shared_check)
    with figdata.sharing():
        run_all([bare], "quick", 0, get_backend("numpy"), show_progress=False, timeout=60)
        assert _DATA(Context("fake.shared", precision="quick"))["pid"] == os.getpid()


_DATA = None


def _lambda_data(ctx):
    return {"f": lambda x: x}  # does not pickle: it stays behind in the worker


def _lambda_check(ctx):
    from paper_checks.evidence import Evidence

    _LAMBDA_DATA(ctx)
    return Evidence("confirmed", "exact", "fine", {})


def test_figure_data_that_does_not_pickle_never_costs_the_claim():
    from label_noise_lab.simulate.engine.devices import get_backend
    from paper_checks import figdata
    from paper_checks.registry import Claim
    from paper_checks.run.runner import run_all
    global _LAMBDA_DATA
    _LAMBDA_DATA = figdata.figure_data(_lambda_data)
    c = Claim("fake.lambda", "fake", "-", "-", "confirmed", "exact", _lambda_check)
    with figdata.sharing():
        r = run_all([c], "quick", 0, get_backend("numpy"), show_progress=False, timeout=60)[0]
    assert r.verdict == "confirmed" and r.error is None


_LAMBDA_DATA = None
