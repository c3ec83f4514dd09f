"""A memory limit per check: sizes read and written, the default share of the machine, the limit set in a worker.

A worker process of the runner (:mod:`paper_checks.run.isolation`) sets its own ``RLIMIT_DATA`` when it starts:
an allocation past the limit fails (NumPy, Python: ``MemoryError``), the check becomes that claim's ``error``
("over its memory limit of 2 GiB (--memory): MemoryError: ...") and every other claim runs on.
``RLIMIT_DATA`` (Linux >= 4.7: the process's private writable memory, heap and anonymous ``mmap``) rather
than ``RLIMIT_AS``: the address space counts reservations that use no memory (glibc's per-thread malloc
arenas, z3's and CUDA's reserved ranges), and a limit on it stops a normal check long before it uses the
memory. A quick run of every registered claim (``--jobs 1``) peaked at 388 MiB of data per worker
(inherited by ``fork`` from the runner: about 250 MiB of it) and 639 MiB of address space.

:func:`default_limit` is half the machine's memory shared among the ``jobs`` workers, but never under
:data:`FLOOR` (or half the memory, on a machine with less than twice that): ``jobs`` runaway checks at once
still leave the machine half its memory, and one check never gets less than a normal check needs. Nor less
than a worker starts with (:func:`data_now` plus :data:`ROOM`): a limit given below that is a one-line error
before any check runs (:func:`check_room`), and the default is raised to it.
"""
from __future__ import annotations

import math
import os
import re
from typing import Any

from label_noise_lab.theory.validators import quoted

#: the least memory the default gives a check (a normal check peaks near 400 MiB of data)
FLOOR = 2 << 30

#: the words that ask for the default share, and those that ask for no limit
AUTO, NONE = ("auto",), ("0", "none", "off")

_UNITS = {"": 1, "B": 1, "K": 1 << 10, "M": 1 << 20, "G": 1 << 30, "T": 1 << 40}

#: the smallest limit taken (below it the worker could not even start its task: the runner's own data)
MINIMUM = 16 << 20


def machine_memory() -> int | None:
    """The memory this process may use, in bytes: the physical memory, or the cgroup's limit (``memory.max``,
    cgroup v2) where it is lower; ``None`` where neither can be read."""
    try:
        total = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES")
    except (ValueError, OSError, AttributeError):
        total = None
    try:
        with open("/sys/fs/cgroup/memory.max") as f:
            text = f.read().strip()
        if text.isdigit():
            total = int(text) if total is None else min(total, int(text))
    except OSError:
        pass
    return total if total and total > 0 else None


def default_limit(jobs: int = 1, total: int | None = None) -> int | None:
    """The default memory limit of each of ``jobs`` workers: half of ``total`` (default :func:`machine_memory`)
    divided by ``jobs``, but at least :data:`FLOOR`, or half of ``total`` where that is less. ``None`` (no
    limit) where the machine's memory is unknown."""
    total = machine_memory() if total is None else total
    if total is None:
        return None
    half = total // 2
    return max(half // max(1, int(jobs)), min(FLOOR, half))


def size_text(n: int) -> str:
    """``n`` bytes for a person: ``2 GiB``, ``512 MiB``, ``1.5 GiB``, ``100 B``."""
    for unit, k in (("TiB", 1 << 40), ("GiB", 1 << 30), ("MiB", 1 << 20), ("KiB", 1 << 10)):
        if n >= k:
            return f"{n / k:.3g} {unit}"
    return f"{n} B"


def parse_size(name: str, text: str) -> int | str | None:
    """A memory size as the command line writes it: ``2G``, ``512M``, ``1.5G``, ``800000K``, a number of bytes
    (``K``/``M``/``G``/``T`` are powers of 1024; ``GiB``, ``GB`` and a lower case letter read the same), ``auto``
    for :func:`default_limit` (returned as ``"auto"``), or ``0``/``none``/``off`` for no limit (``None``).
    A one-line ``ValueError`` naming ``name`` otherwise."""
    t = str(text).strip()
    if t.lower() in AUTO:
        return "auto"
    if t.lower() in NONE:
        return None
    m = re.fullmatch(r"([0-9]+(?:\.[0-9]+)?)\s*([kmgtKMGT]?)(?:i?[bB])?", t) if len(t) <= 40 else None
    if m is None:
        raise ValueError(f"{name} must be a memory size such as 2G or 512M (or auto, or none), got {quoted(text)}")
    return checked_size(name, float(m.group(1)) * _UNITS[m.group(2).upper()])


def checked_size(name: str, v: Any) -> int:
    """``v`` bytes as a whole number, between :data:`MINIMUM` and 2**62; a one-line error naming ``name``."""
    if isinstance(v, bool) or not isinstance(v, (int, float)):
        raise TypeError(f"{name} must be a number of bytes, a size such as '2G', 'auto' or None, got {quoted(v)}")
    if isinstance(v, float) and not math.isfinite(v):
        raise ValueError(f"{name} must be a finite memory size, got {quoted(v)}")
    if not MINIMUM <= v <= 1 << 62:
        raise ValueError(f"{name} must be a memory size from {size_text(MINIMUM)} to 4 EiB, got {quoted(v)} bytes")
    return int(v)


def memory_limit(name: str, v: Any, jobs: int = 1) -> int | None:
    """The per-check limit in bytes that an API argument ``v`` asks for: ``"auto"`` the default share
    (:func:`default_limit` for ``jobs`` workers), ``None`` no limit, a number of bytes, or a size (``"2G"``)."""
    if isinstance(v, str):
        v = parse_size(name, v)
        if v is None or isinstance(v, int):
            return v
    if v == "auto":
        return default_limit(jobs)
    return None if v is None else checked_size(name, v)


#: room a worker needs above the data it starts with, to receive a task and begin it
ROOM = 64 << 20


def data_now() -> int | None:
    """This process's data in bytes (``VmData``, what ``RLIMIT_DATA`` counts); ``None`` without ``/proc``."""
    try:
        with open("/proc/self/status") as f:
            for line in f:
                if line.startswith("VmData:"):
                    return int(line.split()[1]) << 10
    except (OSError, ValueError, IndexError):
        pass
    return None


def check_room(limit: int | None) -> None:
    """A one-line ``ValueError`` when a worker forked from this process could not even start a task under
    ``limit``: it starts with this process's data (a runner with NumPy, SymPy and z3 loaded holds about
    250 MiB), so every check would fail."""
    here = data_now()
    if limit is not None and here is not None and limit < here + ROOM:
        raise ValueError(f"a memory limit of {size_text(limit)} is below what a worker starts with "
                         f"({size_text(here)}, this process's own memory, plus {size_text(ROOM)} to begin a "
                         f"check): give at least {size_text(here + ROOM)}")


def set_limit(limit: int | None) -> None:
    """In a worker: cap its data (``RLIMIT_DATA``) at ``limit`` bytes, never above the hard limit it was
    given; nothing for ``None`` or where ``resource`` is missing (Windows)."""
    if limit is None:
        return
    try:
        import resource
    except ImportError:  # pragma: no cover (Windows)
        return
    _, hard = resource.getrlimit(resource.RLIMIT_DATA)
    soft = limit if hard == resource.RLIM_INFINITY else min(limit, hard)
    resource.setrlimit(resource.RLIMIT_DATA, (soft, hard))


def over_limit(limit: int) -> str:
    """How a check that ran out of its memory limit of ``limit`` bytes begins its error."""
    return f"over its memory limit of {size_text(limit)} (--memory)"


def check_machine(limit: int | None, total: int | None = None) -> None:
    """A one-line ``ValueError`` when ``limit`` is above the memory this machine has (``total``, default
    :func:`machine_memory`): such a limit bounds nothing (``--memory 1T`` on a 23 GiB machine was taken without a
    word, and the kernel's out-of-memory killer, not the limit, would end a runaway check). Nothing where the
    machine's memory is unknown."""
    total = machine_memory() if total is None else total
    if limit is not None and total is not None and limit > total:
        raise ValueError(f"a memory limit of {size_text(limit)} is above this machine's memory ({size_text(total)}): "
                         f"it would bound nothing; give at most {size_text(total)}, or none for no limit")


def worker_limit(memory: Any, jobs: int = 1) -> int | None:
    """The limit in bytes that each of ``jobs`` workers forked from this process gets for ``memory`` (as
    :func:`memory_limit` reads it): ``"auto"`` never below what a worker starts with (a small machine), a given
    limit below that a one-line ``ValueError`` (:func:`check_room`)."""
    limit = memory_limit("memory", memory, jobs)
    if isinstance(memory, str) and memory == "auto":
        return None if limit is None else max(limit, (data_now() or 0) + ROOM)
    check_machine(limit)
    check_room(limit)
    return limit


# --------------------------------------------------------------------------- a check's memory, whole (issue 66)
#: how often the pool looks at each busy worker's processes, in seconds: a check that grows by 2 GB a second
#: passes its limit by at most about this share of that before it is ended
WATCH_SECONDS = 0.1
#: how often once a tree holds over half its limit (statm is cheap: about 0.1 ms a process)
WATCH_NEAR_SECONDS = 0.01

#: the most processes of one check's tree that are measured (a fork bomb is ended at its time limit, not read)
MOST_PROCESSES = 4096

_PAGE = os.sysconf("SC_PAGE_SIZE") if hasattr(os, "sysconf") else 4096


def tree_pids(root: int) -> list[int]:
    """``root`` and every process below it (children, their children, ...), read from each thread's ``children``
    list in ``/proc`` (a ``setsid`` daemon that the worker adopted as a subreaper included); at most
    :data:`MOST_PROCESSES`; just ``[root]`` where ``/proc`` has no such lists."""
    found, todo, seen = [], [root], {root}
    while todo and len(found) < MOST_PROCESSES:
        pid = todo.pop()
        found.append(pid)
        try:
            tids = os.listdir(f"/proc/{pid}/task")
        except OSError:
            continue
        for tid in tids:
            try:
                with open(f"/proc/{pid}/task/{tid}/children") as f:
                    kids = [int(k) for k in f.read().split()]
            except (OSError, ValueError):
                continue
            for k in kids:
                if k not in seen:
                    seen.add(k)
                    todo.append(k)
    return found


def _resident(pid: int) -> int:
    """``pid``'s resident memory in bytes (``statm``: cheap; shared pages counted whole), 0 when it is gone."""
    try:
        with open(f"/proc/{pid}/statm") as f:
            return int(f.read().split()[1]) * _PAGE
    except (OSError, ValueError, IndexError):
        return 0


def _proportional(pid: int) -> int:
    """``pid``'s proportional set size in bytes (``smaps_rollup``'s ``Pss``: each page shared by ``n`` processes
    counted ``1/n``, a ``MAP_SHARED`` mapping and the pages a fork shares included); its resident memory where the
    kernel has no ``smaps_rollup`` (before Linux 4.14), 0 when it is gone."""
    try:
        with open(f"/proc/{pid}/smaps_rollup") as f:
            for line in f:
                if line.startswith("Pss:"):
                    return int(line.split()[1]) << 10
    except FileNotFoundError:
        return _resident(pid)
    except (OSError, ValueError, IndexError):
        return 0
    return _resident(pid)


def tree_memory(root: int, limit: int | None = None) -> int:
    """The memory of worker ``root``'s whole tree in bytes: the sum of each process's proportional set size
    (:func:`_proportional`), so that memory shared among the check's processes (a fork's pages, a ``MAP_SHARED``
    mapping) counts once and memory shared with no one counts whole. With ``limit``, the cheap sum of resident sizes
    (never below the proportional one) is read first and returned where it is within ``limit`` (the common case:
    ``smaps_rollup`` walks every mapping, 10 ms for a process with SymPy loaded)."""
    pids = tree_pids(root)
    if limit is not None:
        resident = sum(_resident(p) for p in pids)
        if resident <= limit:
            return resident
    return sum(_proportional(p) for p in pids)


def over_tree(limit: int, held: int) -> str:
    """How a check whose processes together passed ``limit`` bytes (they held ``held``) begins its error."""
    return (f"went {over_limit(limit)}: its processes together held {size_text(held)} (proportional set size, shared "
            "mappings included), and were ended")
