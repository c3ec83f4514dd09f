"""The runner's scheduling: a pool of processes or any executor gives the serial run's report."""
from __future__ import annotations

import functools
import json
import os
import signal
import subprocess
import sys
import textwrap
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from label_noise_lab.simulate.engine.devices import get_backend
from paper_checks.cli import main
from paper_checks.evidence import Evidence
from paper_checks.registry import Claim
from paper_checks.run.runner import Failure, last_timings, longest_first, run_all, run_tasks
from tests.paper_checks._procs import children_of

QUICK = ["ghosh17.sum_mae", "gce18.limit_q0", "patrini17.backward_negative", "gce18.eq11_condition"]
ROOT = Path(__file__).resolve().parents[3]


def _report(tmp_path: Path, name: str, *extra: str) -> dict:
    out = tmp_path / name
    main(["run", "--claim", *QUICK, "--precision", "quick", "--quiet", "--out", str(out), "--no-figures", *extra])
    doc = json.loads((out / "report.json").read_text())
    for c in doc["claims"]:
        assert c.pop("seconds") >= 0
    for key in ("run_id", "date", "wall_seconds", "command"):  # what differs between any two runs
        doc["provenance"].pop(key)
    return doc


@pytest.mark.slow
def test_jobs_2_gives_the_serial_json(tmp_path, capsys):
    serial = _report(tmp_path, "serial", "--jobs", "1")
    assert _report(tmp_path, "pool", "--jobs", "2") == serial
    assert sorted(c["id"] for c in serial["claims"]) == sorted(QUICK)


@pytest.mark.slow
def test_dask_local_cluster_gives_the_serial_json(tmp_path, capsys):
    pytest.importorskip("distributed")
    serial = _report(tmp_path, "serial", "--jobs", "1")
    assert _report(tmp_path, "dask", "--dask-local", "2") == serial


def test_executor_options_are_checked(capsys):
    for extra in (["--jobs", "0"], ["--jobs", "2", "--dask-local", "2"], ["--dask-local", "0"]):
        assert main(["run", "--claim", "ghosh17.sum_mae", "--quiet", *extra]) == 2
        err = capsys.readouterr().err
        assert err.startswith("error:") and len(err.strip().splitlines()) == 1


# module-level checks, so that they pickle by name into the pool's workers
def _good(ctx) -> Evidence:
    return Evidence("confirmed", "exact", "fine", numbers={"x": ctx.rng().random()})


def _raises(ctx) -> Evidence:
    raise ZeroDivisionError("boom")


def _dies(ctx) -> Evidence:
    os._exit(3)


def _killed(ctx) -> Evidence:
    os.kill(os.getpid(), signal.SIGKILL)
    raise AssertionError("unreachable")


def _claim(name: str, check) -> Claim:
    return Claim(f"fake.{name}", "fake", "-", "-", "confirmed", "exact", check, space=lambda: None)


def test_crashing_checks_and_dead_workers_are_errors():
    claims = [_claim("a", _good), _claim("raises", _raises), _claim("dies", _dies), _claim("b", _good),
              _claim("killed", _killed), _claim("c", _good)]
    serial_good = run_all([claims[0]], "quick", 0, get_backend("numpy"), show_progress=False)[0]
    res = run_all(claims, "quick", 0, get_backend("numpy"), show_progress=False, jobs=2)
    assert [r.claim.id for r in res] == [c.id for c in claims]
    by = {r.claim.id.split(".")[1]: r for r in res}
    for k in ("a", "b", "c"):
        assert by[k].verdict == "confirmed" and by[k].error is None
    assert by["a"].evidence.numbers == serial_good.evidence.numbers
    assert by["raises"].verdict == "error" and "ZeroDivisionError: boom" in by["raises"].error
    assert by["dies"].verdict == "error" and "ended its worker process (exit code 3" in by["dies"].error
    assert by["killed"].verdict == "error" and "(signal SIGKILL" in by["killed"].error
    assert by["dies"].to_json()["summary"].startswith("the check ended its worker process")


def test_run_tasks_on_any_executor_and_in_order():
    args = [(i,) for i in range(6)]
    seen = []
    with ThreadPoolExecutor(2) as ex:
        out = run_tasks(abs, [(-3,), (4,), ("x",)], executor=ex, order=[2, 0, 1], done=lambda i, v: seen.append(i))
    assert out[:2] == [3, 4] and isinstance(out[2], Failure) and "TypeError" in out[2].message
    assert sorted(seen) == [0, 1, 2]
    assert run_tasks(abs, args, jobs=2) == list(range(6)) == run_tasks(abs, args, jobs=1)
    assert isinstance(run_tasks(abs, [("x",)], jobs=1)[0], Failure)
    with pytest.raises(ValueError, match="permutation"):
        run_tasks(abs, args, order=[0, 0, 1, 2, 3, 4])
    with pytest.raises(ValueError, match="at least 1"):
        run_tasks(abs, args, jobs=0)


def test_longest_first_and_last_timings(tmp_path):
    assert longest_first(["a", "b", "c", "d"], {"a": 1.0, "b": 5.0, "d": 2.0}) == [2, 1, 3, 0]
    assert longest_first(["a", "b"], {}) == [0, 1]
    p = tmp_path / "report.json"
    assert last_timings(p) == {}
    p.write_text("{not json")
    assert last_timings(p) == {}
    p.write_text(json.dumps({"claims": [{"id": "x.y", "verdict": "proved", "seconds": 2.5}]}))
    assert last_timings(p) == {"x.y": 2.5}


@pytest.mark.slow  # about 1 s or more: out of README's quick command, in CI's slow run
@pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="needs /proc to find the workers")
def test_ctrl_c_leaves_no_workers():
    script = textwrap.dedent("""
        import sys, time
        from paper_checks.run.runner import run_tasks
        try:
            run_tasks(time.sleep, [(60,)] * 4, jobs=2)
        except KeyboardInterrupt:
            sys.exit(130)
    """)
    # SIGINT at its default in the child even where this test runs with it ignored (see test_cli)
    p = subprocess.Popen([sys.executable, "-c", script], cwd=ROOT, start_new_session=True,
                         preexec_fn=functools.partial(signal.signal, signal.SIGINT, signal.SIG_DFL))
    try:
        deadline = time.time() + 60
        kids: list[int] = []
        while len(kids) < 2 and time.time() < deadline:
            time.sleep(0.3)
            kids = children_of(p.pid)
        assert len(kids) >= 2, "the pool's workers did not start"
        time.sleep(0.5)
        os.killpg(p.pid, signal.SIGINT)  # as a terminal's Ctrl-C: the whole process group
        assert p.wait(timeout=30) == 130
    finally:
        if p.poll() is None:
            p.kill()
    time.sleep(0.2)
    alive = [k for k in kids if Path(f"/proc/{k}").exists()
             and (Path(f"/proc/{k}/stat").read_text().rsplit(")", 1)[1].split()[0] != "Z")]
    assert alive == []


@pytest.mark.slow  # about 1 s or more: out of README's quick command, in CI's slow run
def test_a_scheduler_that_never_answers_is_one_line_within_the_timeout():
    import threading

    from paper_checks.run.runner import _connect

    never = threading.Event()

    def silent_client(address, timeout):  # as distributed.Client on a listener that accepts and never answers
        never.wait(30)

    t0 = time.monotonic()
    with pytest.raises(ValueError, match=r"scheduler at 'tcp://10.0.0.1:1': no answer within 1 s"):
        _connect(silent_client, "tcp://10.0.0.1:1", timeout=1.0)
    assert time.monotonic() - t0 < 5
    never.set()

    def refused(address, timeout):
        raise OSError("Timed out trying to connect")

    with pytest.raises(ValueError, match="OSError: Timed out trying to connect"):
        _connect(refused, "tcp://10.0.0.1:1", timeout=1.0)
