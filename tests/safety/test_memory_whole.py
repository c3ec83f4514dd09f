"""Issue 66, item 1: a check's memory limit covers its whole process tree and its shared mappings.

``RLIMIT_DATA`` bounded each process's private memory only: a check that forked four children of 700 MB each under
``--memory 1G`` reached 3 GB, and 2.5 GB of ``MAP_SHARED`` memory under ``--memory 1G`` was reported ``proved``. The
pool now sums the proportional set size of a worker's tree and ends the tree past the limit. Each task here holds its
memory and sleeps: the watcher ends it whatever the machine's speed, and a run where it did not would end at the
time limit instead (the test then fails on the message). Allocations stay modest (about 1 GB at most, for seconds).
"""
from __future__ import annotations

import os
import sys
import time
from pathlib import Path

import pytest

from paper_checks.run.isolation import Failure
from paper_checks.run.memory import ROOM, check_machine, data_now, machine_memory, size_text, tree_memory, tree_pids
from paper_checks.run.runner import run_tasks

M = 1 << 20
LINUX_PROC = sys.platform.startswith("linux") and Path("/proc/self/smaps_rollup").exists()
needs_proc = pytest.mark.skipif(not LINUX_PROC, reason="Linux /proc with smaps_rollup")


def _limit() -> int:
    """A limit a worker forked from this process can start under, with room for a small check (a worker's
    ``RLIMIT_DATA`` is the limit too, and it starts with this process's data); a test whose limit would make it
    allocate over about 1.5 GB is skipped rather than load the machine."""
    limit = (data_now() or 0) + ROOM + 100 * M
    if limit > 1100 * M:
        pytest.skip(f"this process holds {size_text(data_now() or 0)} of data: the test would allocate too much")
    return limit


def _touched(n: int) -> bytearray:
    return bytearray(b"\x01") * n  # every page written: resident, not a promise


def _forks_children(each: int, children: int = 4) -> str:
    """Fork ``children`` processes that each hold ``each`` bytes and sleep; wait for them."""
    pids = []
    for _ in range(children):
        pid = os.fork()
        if pid == 0:  # a child: hold the memory until ended
            try:
                _held = _touched(each)  # noqa: F841
                time.sleep(60)
            finally:
                os._exit(0)
        pids.append(pid)
    for pid in pids:
        os.waitpid(pid, 0)
    return "not ended"


def _shared_mapping(size: int) -> str:
    """Write ``size`` bytes into one anonymous ``MAP_SHARED`` mapping (not counted by ``RLIMIT_DATA``) and sleep."""
    import mmap

    m = mmap.mmap(-1, size, flags=mmap.MAP_SHARED)
    chunk = b"\x01" * M
    for at in range(0, size - M + 1, M):
        m[at:at + M] = chunk
    time.sleep(60)
    return "not ended"


def _fine() -> str:
    return "fine"


@needs_proc
def test_children_that_together_pass_the_limit_end_the_check_and_the_next_runs():
    """Before: four children under the limit each (RLIMIT_DATA is per process) passed it together unseen."""
    limit = _limit()
    # each child well within what RLIMIT_DATA leaves it (a child starts with the worker's data, and the limit is that
    # plus ROOM and 100 MB), all of them together 200 MB over the limit
    each, children = 64 * M, limit // (64 * M) + 4
    out = run_tasks(_forks_children_or_fine, [(each, children), (0, 0)], memory=limit, timeout=120)
    assert isinstance(out[0], Failure), out[0]
    assert out[0].message.startswith(f"went over its memory limit of {size_text(limit)} (--memory): its processes "
                                     "together held"), out[0].message
    assert out[1] == "fine"


def _forks_children_or_fine(each: int, children: int) -> str:
    return _forks_children(each, children) if each else _fine()


@needs_proc
def test_a_shared_mapping_counts_toward_the_limit():
    """Before: 2.5 GB of MAP_SHARED memory under --memory 1G was not seen (RLIMIT_DATA counts private memory)."""
    limit = _limit()
    out = run_tasks(_shared_mapping, [(limit + 200 * M,)], memory=limit, timeout=120)
    assert isinstance(out[0], Failure) and out[0].message.startswith("went over its memory limit"), out[0]
    assert "shared mappings included" in out[0].message


@needs_proc
def test_the_tree_is_read_whole_and_its_memory_summed():
    """tree_pids finds a child (and its child); tree_memory counts their proportional sizes."""
    r, w = os.pipe()
    pid = os.fork()
    if pid == 0:  # a child with a child of its own, both holding memory until the pipe closes
        os.close(w)
        inner = os.fork()
        held = _touched(64 * M)  # noqa: F841
        os.read(r, 1)
        if inner:
            os.waitpid(inner, 0)
        os._exit(0)
    os.close(r)
    try:
        deadline = time.monotonic() + 30
        while len(tree_pids(pid)) < 2 and time.monotonic() < deadline:
            time.sleep(0.01)
        pids = tree_pids(pid)
        assert pids[0] == pid and len(pids) == 2
        deadline = time.monotonic() + 30
        while tree_memory(pid) < 100 * M and time.monotonic() < deadline:  # two times 64 MB written, once each
            time.sleep(0.01)
        assert tree_memory(pid) >= 100 * M
    finally:
        os.close(w)
        os.waitpid(pid, 0)


def test_a_limit_above_the_machine_is_said_in_one_line():
    """Before: --memory 1T was taken on a 23 GiB machine, a limit that bounds nothing."""
    with pytest.raises(ValueError, match=r"^a memory limit of 1 TiB is above this machine's memory \(16 GiB\)") as i:
        check_machine(1 << 40, total=16 << 30)
    assert "\n" not in str(i.value)
    check_machine(1 << 30, total=16 << 30)


def test_the_api_and_the_command_line_refuse_a_limit_above_the_machine(capsys, tmp_path):
    total = machine_memory()
    if total is None:
        pytest.skip("the machine's memory is unknown here")
    from paper_checks import api
    from paper_checks.cli import main

    with pytest.raises(ValueError, match="is above this machine's memory"):
        api.check("gce18.eq7_bounds", memory=2 * total)
    assert main(["run", "--claim", "gce18.eq7_bounds", "--memory", f"{2 * total}", "--out", str(tmp_path)]) == 2
    err = capsys.readouterr().err
    assert "is above this machine's memory" in err and err.count("\n") == 1
