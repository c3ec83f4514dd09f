"""Probes of issue 56 ("safe and bounded", round 6) that need processes: memory without a bound, a report set
mixed by a kill, a check's daemon that outlived its run. Each failed before its fix and holds now."""
from __future__ import annotations

import itertools
import json
import os
import shutil
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from tests.paper_checks.report.test_writing import rendered_once
from tests.paper_checks.test_report import claim_entry, doc_of

ROOT = Path(__file__).resolve().parents[2]
ENV = {**os.environ, "PYTHONPATH": str(ROOT)}
LINUX = pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="Linux /proc")

HUNGRY = '''
import os, subprocess, time
from pathlib import Path
from paper_checks.api import Evidence, claim, paper

paper("hungry", authors="A. Nobody", year=2020, title="Hungry checks", venue="none", source="none")


@claim("hungry.list", source="-", statement="grows a list for ever", expected="confirmed", method="exact")
def grow(ctx):
    xs = []
    while True:
        xs.append(bytearray(1 << 20))


@claim("hungry.array", source="-", statement="asks for a 10 GB array", expected="confirmed", method="exact")
def big(ctx):
    import numpy as np
    return Evidence("confirmed", "exact", "got it", {"x": float(np.ones(10 * 10**9 // 8)[0])})


@claim("hungry.fine", source="-", statement="fine", expected="confirmed", method="exact")
def fine(ctx):
    return Evidence("confirmed", "exact", "fine", {"x": 1})


@claim("hungry.daemon", source="-", statement="starts a daemon, then hangs", expected="confirmed", method="exact")
def daemon(ctx):
    d = subprocess.Popen(["setsid", "sleep", "600"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    Path(os.environ["DAEMON_PID"]).write_text(str(d.pid))
    time.sleep(600)
'''


def _data_now() -> int:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmData:"):
            return int(line.split()[1]) << 10
    raise AssertionError("no VmData")


@LINUX
def test_a_claim_that_allocates_without_end_is_stopped_at_its_memory_limit(tmp_path):
    """Before: no limit (a 10 GB claim grew to 3.1 GB in 34 s and on, towards the OOM killer); ``memory=`` was
    refused. Now each is that claim's error naming the limit, and the other claims run on."""
    from paper_checks import api
    from paper_checks.run.memory import size_text

    (tmp_path / "hungry_claims.py").write_text(textwrap.dedent(HUNGRY))
    limit = _data_now() + (150 << 20)  # a forked worker starts with this process's data
    results = api.run(["hungry.list", "hungry.array", "hungry.fine"], modules=[str(tmp_path / "hungry_claims.py")],
                      memory=limit)
    by_id = {r.claim.id: r for r in results}
    for cid in ("hungry.list", "hungry.array"):
        assert by_id[cid].error is not None and by_id[cid].error.startswith(
            f"over its memory limit of {size_text(limit)} (--memory): "), by_id[cid].error
    assert by_id["hungry.fine"].evidence is not None and by_id["hungry.fine"].matches


@LINUX
@pytest.mark.slow  # a run of the command line: a few CPU-seconds
def test_the_report_names_the_claim_over_its_memory_limit(tmp_path):
    (tmp_path / "hungry_claims.py").write_text(textwrap.dedent(HUNGRY))
    out = tmp_path / "out"
    cmd = [sys.executable, "-m", "paper_checks", "run", "--module", "hungry_claims.py", "--claim", "hungry.list",
           "hungry.array", "hungry.fine", "--memory", "1G", "--quiet", "--out", str(out), "--format", "md,json"]
    proc = subprocess.run(cmd, cwd=tmp_path, env=ENV, capture_output=True, text=True, timeout=300)
    assert proc.returncode == 1, proc.stderr
    claims = {c["id"]: c for c in json.loads((out / "report.json").read_text())["claims"]}
    assert claims["hungry.fine"]["verdict"] == "confirmed"
    md = (out / "report.md").read_text()
    for cid in ("hungry.list", "hungry.array"):
        assert claims[cid]["verdict"] == "error" and "over its memory limit of 1 GiB (--memory)" in claims[cid][
            "summary"]
        assert any(cid in line and "over its memory limit of 1 GiB" in line for line in md.splitlines())


_FILE_OPS = ("replace", "rename", "link", "symlink", "mkdir", "unlink", "rmdir")


def _kill_after(k: int) -> None:
    """In a writer: SIGKILL itself at its ``k``-th file operation (``os``'s, ``shutil.rmtree``, and the report's
    folder exchange, whichever the writer uses)."""
    from paper_checks.report import writing

    count = itertools.count()

    def counted(fn):
        def call(*a, **kw):
            if next(count) == k:
                os.kill(os.getpid(), signal.SIGKILL)
            return fn(*a, **kw)
        return call

    for name in _FILE_OPS:
        setattr(os, name, counted(getattr(os, name)))
    shutil.rmtree = counted(shutil.rmtree)
    if hasattr(writing, "_exchange"):
        writing._exchange = counted(writing._exchange)


@pytest.mark.slow
@pytest.mark.skipif(not hasattr(os, "fork"), reason="fork")
def test_sigkill_after_any_file_operation_leaves_one_whole_report_set(tmp_path, monkeypatch):
    """Before: a SIGKILL right after the first report file was replaced left ``report.md`` of one run beside the
    other files of another. Now, killed after k file operations for every k, ``OUT`` holds the previous whole
    set or the new whole set."""
    from paper_checks import report

    out = tmp_path / "out"
    doc = doc_of([claim_entry(0)])
    formats = ("md", "html", "json", "bib", "latex", "csv")
    rendered_once(monkeypatch)
    doc["provenance"]["run_id"] = "new"
    report.write(doc, tmp_path / "warm", None, formats)  # lazy imports and rendering, done before the forks
    doc["provenance"]["run_id"] = "old"
    report.write(doc, out, None, formats)
    old = {p.name: p.read_bytes() for p in out.iterdir() if p.name.startswith("report.")}
    new = None
    for k in range(200):
        pid = os.fork()
        if pid == 0:  # pragma: no cover (the child)
            try:
                _kill_after(k)
                doc["provenance"]["run_id"] = "new"
                report.write(doc, out, None, formats)
            finally:
                os._exit(0)
        _, status = os.waitpid(pid, 0)
        seen = {p.name: p.read_bytes() for p in out.iterdir() if p.name.startswith("report.")}
        if new is None and seen != old:
            new = seen
        assert seen in (old, new), f"after {k} file operations: a mixed set"
        assert set(seen) == set(old)
        if not os.WIFSIGNALED(status):
            break  # the writer finished before its k-th operation: every moment was tried
    else:
        raise AssertionError("the writer never finished")
    assert new is not None and b"new" in new["report.json"]


def _alive(pid: int) -> bool:
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return False
    return stat.rsplit(")", 1)[1].split()[0] != "Z"


@LINUX
@pytest.mark.slow  # a run of the command line: a few CPU-seconds
@pytest.mark.skipif(shutil.which("setsid") is None, reason="the setsid program")
def test_a_setsid_daemon_of_a_check_that_times_out_does_not_outlive_the_run(tmp_path):
    """Before: the daemon ran on after the run (the design doc said so). Now the runner ends it."""
    (tmp_path / "hungry_claims.py").write_text(textwrap.dedent(HUNGRY))
    pid_file = tmp_path / "daemon.pid"
    cmd = [sys.executable, "-m", "paper_checks", "run", "--module", "hungry_claims.py", "--claim", "hungry.daemon",
           "--timeout", "3", "--quiet", "--out", str(tmp_path / "out"), "--format", "json"]
    proc = subprocess.run(cmd, cwd=tmp_path, env={**ENV, "DAEMON_PID": str(pid_file)}, capture_output=True,
                          text=True, timeout=300)
    daemon = int(pid_file.read_text())
    try:
        assert proc.returncode == 1 and "timed out" in proc.stdout, proc.stdout + proc.stderr
        end = time.monotonic() + 10
        while _alive(daemon) and time.monotonic() < end:
            time.sleep(0.05)
        assert not _alive(daemon), "the check's setsid daemon outlived the run"
    finally:
        if _alive(daemon):
            os.kill(daemon, signal.SIGKILL)
