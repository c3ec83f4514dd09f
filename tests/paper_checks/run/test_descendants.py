"""A check's children end with it (paper_checks.run.descendants): a task that forks, spawns a ``sleep 600``, or
starts a child that leaves the group with ``setsid`` leaves nothing alive once it returns, times out, or its
pool is closed by a stop (issue 35: a ``sleep 600`` and a looping child outlived ``run --module`` and
``pytest --claims``)."""
from __future__ import annotations

import os
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from paper_checks.run.isolation import Failure, WorkerPool

ROOT = Path(__file__).resolve().parents[3]
ENV = {**os.environ, "PYTHONPATH": str(ROOT)}

pytestmark = pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="Linux /proc")


def _alive(pid: int) -> bool:
    """Whether ``pid`` runs (a zombie, ended but not yet reaped, counts as ended)."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return False
    return stat.rsplit(")", 1)[1].split()[0] != "Z"


def _gone(pids: list[int], within: float = 10.0) -> bool:
    end = time.monotonic() + within
    while time.monotonic() < end:
        if not any(_alive(p) for p in pids):
            return True
        time.sleep(0.05)
    return False


def _spawner(wait: float) -> list[int]:
    """A task: a ``sleep 600``, a forked looping child, and a child that left the group (``setsid``); returns
    their pids after ``wait`` seconds."""
    sleeper = subprocess.Popen(["sleep", "600"])
    looping = os.fork()
    if looping == 0:  # pragma: no cover (the child)
        while True:
            time.sleep(0.01)
    escaper = subprocess.Popen(["sleep", "600"], start_new_session=True)
    time.sleep(wait)
    return [sleeper.pid, looping, escaper.pid]


def _pids_file(path: str, wait: float) -> list[int]:
    pids = _spawner(0.0)
    Path(path).write_text(" ".join(map(str, pids)))
    time.sleep(wait)
    return pids


def test_children_end_when_the_task_returns():
    got: dict[int, object] = {}
    with WorkerPool(1) as pool:
        pool.run(_spawner, [(0.0,)], [0], got.__setitem__)
        pids = got[0]
        assert isinstance(pids, list) and len(pids) == 3
        assert _gone(pids), [p for p in pids if _alive(p)]  # ended while the worker lives on
        assert pool.slots and pool.slots[0].process.is_alive()  # the worker itself runs the next task


@pytest.mark.slow
def test_children_end_when_the_task_times_out(tmp_path):
    got: dict[int, object] = {}
    f = tmp_path / "pids"
    with WorkerPool(1) as pool:
        pool.run(_pids_file, [(str(f), 600.0)], [0], got.__setitem__, timeout=3)
    assert isinstance(got[0], Failure) and "timed out" in got[0].message
    pids = [int(p) for p in f.read_text().split()]
    assert _gone(pids), [p for p in pids if _alive(p)]  # the one that left the group (setsid) too


def test_children_end_when_the_pool_is_stopped(tmp_path):
    f = tmp_path / "pids"
    with WorkerPool(1) as pool:
        pool._start  # noqa: B018
        slot = pool._start()
        pool.slots.append(slot)
        slot.conn.send((_pids_file, (str(f), 600.0)))
        slot.task = 0
        end = time.monotonic() + 60
        while not f.exists() or len(f.read_text().split()) < 3:
            assert time.monotonic() < end
            time.sleep(0.05)
    pids = [int(p) for p in f.read_text().split()]
    assert _gone(pids), [p for p in pids if _alive(p)]


CLAIMS = '''
import os, subprocess, time
from pathlib import Path
from paper_checks.api import Evidence, claim, paper

paper("kids", authors="A. Nobody", year=2020, title="Checks with children", venue="none", source="none")


@claim("kids.spawn", source="-", statement="spawns", expected="confirmed", method="exact")
def spawn(ctx):
    s = subprocess.Popen(["sleep", "600"])
    pid = os.fork()
    if pid == 0:
        while True:
            time.sleep(0.01)
    Path(os.environ["KIDS_PIDS"]).write_text(f"{s.pid} {pid}")
    return Evidence("confirmed", "exact", "spawned", {"x": 1})
'''


@pytest.mark.slow
@pytest.mark.parametrize("how", ["run", "pytest"])
def test_a_checks_children_do_not_outlive_the_run(tmp_path, how):
    (tmp_path / "kids_claims.py").write_text(textwrap.dedent(CLAIMS))
    env = {**ENV, "KIDS_PIDS": str(tmp_path / "pids")}
    if how == "run":
        cmd = [sys.executable, "-m", "paper_checks", "run", "--module", "kids_claims.py", "--claim", "kids.*",
               "--precision", "quick", "--quiet", "--out", str(tmp_path / "out"), "--format", "json"]
    else:
        cmd = [sys.executable, "-m", "pytest", "-p", "no:cacheprovider", "--claims", "kids_claims.py",
               "--claims-timeout", "30", "-q"]
    out = subprocess.run(cmd, cwd=tmp_path, env=env, capture_output=True, text=True, timeout=300)
    assert out.returncode == 0, out.stdout[-2000:] + out.stderr[-2000:]
    pids = [int(p) for p in (tmp_path / "pids").read_text().split()]
    assert _gone(pids, 5.0), [p for p in pids if _alive(p)]


def _daemon_then_exit(path: str) -> None:
    """A task: a daemon in a session of its own (``setsid``), then the worker ends itself (``os._exit``)."""
    d = subprocess.Popen(["sleep", "600"], start_new_session=True)
    Path(path).write_text(str(d.pid))
    os._exit(3)


def test_a_daemon_of_a_worker_that_ended_itself_is_ended(tmp_path):
    """Its orphan comes to the pool (a subreaper while it runs) and is ended there, not left to ``init``."""
    got: dict[int, object] = {}
    f = tmp_path / "pid"
    with WorkerPool(1) as pool:
        pool.run(_daemon_then_exit, [(str(f),)], [0], got.__setitem__)
    assert isinstance(got[0], Failure) and "ended its worker process" in got[0].message
    assert _gone([int(f.read_text())])
