"""A memory limit per check (paper_checks.run.memory; issue 56): sizes read at the door in one line, the default
share of the machine, and a task over its limit stopped there, named, while the other tasks run on."""
from __future__ import annotations

import sys
from pathlib import Path

import pytest

from paper_checks.run.isolation import Failure
from paper_checks.run.memory import (
    FLOOR,
    MINIMUM,
    default_limit,
    machine_memory,
    memory_limit,
    parse_size,
    size_text,
)
from paper_checks.run.runner import run_tasks

G, M = 1 << 30, 1 << 20


@pytest.mark.parametrize("text,size", [("2G", 2 * G), ("512M", 512 * M), ("1.5G", 3 * G // 2),
                                       ("800000K", 800000 << 10), ("2GiB", 2 * G), ("2gb", 2 * G), (" 64m ", 64 * M),
                                       ("1T", 1 << 40),
                                       (str(100 * M), 100 * M), ("none", None), ("0", None), ("off", None),
                                       ("auto", "auto"), ("AUTO", "auto")])
def test_sizes_are_read(text, size):
    assert parse_size("--memory", text) == size


@pytest.mark.parametrize("text,words", [("2X", "memory size such as 2G"), ("-1G", "memory size such as 2G"),
                                        ("1e9", "memory size such as 2G"), ("", "memory size such as 2G"),
                                        ("9" * 10**6, "characters)"), ("1K", "from 16 MiB"), ("9999999T", "to 4 EiB"),
                                        ("nan", "memory size such as 2G"), ("inf", "memory size such as 2G")])
def test_a_bad_size_is_one_short_line(text, words):
    with pytest.raises(ValueError, match=r"^--memory must be a memory size") as info:
        parse_size("--memory", text)
    assert words in str(info.value) and "\n" not in str(info.value) and len(str(info.value)) < 300


@pytest.mark.parametrize("bad,error", [(True, TypeError), ([1], TypeError), (b"2G", TypeError),
                                       (float("nan"), ValueError), (float("inf"), ValueError), (-5, ValueError),
                                       (10**400, ValueError), ("lots", ValueError)])
def test_the_api_value_is_checked(bad, error):
    with pytest.raises(error, match="^memory must be") as info:
        memory_limit("memory", bad)
    assert len(str(info.value)) < 300


def test_api_values_read():
    assert memory_limit("memory", None) is None and memory_limit("memory", "2G") == 2 * G
    assert memory_limit("memory", 300 * M) == 300 * M and memory_limit("memory", 3e8) == 300_000_000
    assert memory_limit("memory", "auto", 2) == default_limit(2)


def test_the_default_is_half_the_memory_shared_but_never_under_the_floor():
    assert default_limit(2, 16 * G) == 4 * G
    assert default_limit(1, 16 * G) == 8 * G
    assert default_limit(64, 16 * G) == FLOOR  # many workers: a check still gets what a normal check needs
    assert default_limit(4, 2 * G) == G  # a small machine: half of it
    total = machine_memory()
    assert total is None or default_limit(1) == max(total // 2, min(FLOOR, total // 2))


def test_sizes_are_written_for_people():
    assert size_text(2 * G) == "2 GiB" and size_text(512 * M) == "512 MiB" and size_text(3 * G // 2) == "1.5 GiB"
    assert size_text(MINIMUM) == "16 MiB" and size_text(100) == "100 B"


def _data_now() -> int:
    """This process's data (``VmData``) in bytes: a forked worker starts with it."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmData:"):
            return int(line.split()[1]) << 10
    raise AssertionError("no VmData")


def _task(kind: str) -> str:
    """A task: ``grow`` a list without end, or be ``fine``."""
    xs = []
    while kind == "grow":
        xs.append(bytearray(M))
    return "fine"


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="RLIMIT_DATA counts anonymous mmap on Linux")
def test_a_task_over_its_limit_is_stopped_there_and_named_and_the_others_run_on():
    limit = _data_now() + 200 * M  # room for the task, far under what the list would take
    out = run_tasks(_task, [("grow",), ("fine",), ("grow",), ("fine",)], memory=limit)
    for i in (0, 2):
        assert isinstance(out[i], Failure), out[i]
        assert out[i].message.startswith(f"over its memory limit of {size_text(limit)} (--memory): MemoryError")
    assert out[1] == out[3] == "fine"  # the same worker runs on: the failed task's memory was given back


@pytest.mark.skipif(not Path("/proc/self/status").exists(), reason="Linux /proc")
def test_a_limit_below_what_a_worker_starts_with_is_one_line_before_any_check():
    """A worker forked from this process starts with its data: under less, every check would fail."""
    from paper_checks.run.memory import ROOM, check_room, data_now

    here = data_now()
    assert here is not None and here > 0
    check_room(None)
    check_room(here + ROOM + M)
    with pytest.raises(ValueError, match=r"^a memory limit of .* is below what a worker starts with") as info:
        check_room(here)
    assert "\n" not in str(info.value)
