"""A check's own processes end with it: every worker leads a process group of its own and, on Linux, is a
subreaper, so whatever a check forks or spawns is found and ended when the check returns.

:func:`own_group` is called once when a worker starts: it becomes the leader of a new process group (every
process the check starts inherits it) and, on Linux, a child subreaper (``prctl(PR_SET_CHILD_SUBREAPER)``):
a descendant whose parent ends (a daemon that double-forks, one that calls ``setsid`` to leave the group)
is adopted by the worker instead of by ``init``. :func:`end_descendants` is called after each task: it
kills (``SIGKILL``) every process of the worker's group and every child of the worker, reaps them, and
repeats until none is left (a child that forks while being ended is caught on the next round). When a
worker is itself ended (a time limit, a stop, the pool's end), :func:`end_group` kills its whole group.

Where ``/proc`` is missing (not Linux) only the group is ended, with the worker: :func:`end_descendants`
then ends nothing, and a check's children live until the worker does.
"""
from __future__ import annotations

import contextlib
import ctypes
import os
import signal
import time

#: ``prctl`` option that makes this process adopt its orphaned descendants (Linux >= 3.4)
PR_SET_CHILD_SUBREAPER = 36

#: the most rounds :func:`end_descendants` takes (a child that forks between rounds is caught on the next)
ROUNDS = 100


def own_group() -> None:
    """In a new worker: lead a process group of its own and, on Linux, adopt orphaned descendants."""
    with contextlib.suppress(OSError, AttributeError):
        os.setpgid(0, 0)
    with contextlib.suppress(OSError, AttributeError):
        ctypes.CDLL(None, use_errno=True).prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0)


def _stat(pid: str) -> tuple[int, int] | None:
    """``(parent pid, process group)`` of ``pid`` from ``/proc`` (``None`` when it is gone)."""
    try:
        with open(f"/proc/{pid}/stat", "rb") as f:
            raw = f.read()
    except OSError:
        return None
    fields = raw[raw.rindex(b")") + 2:].split()  # after the command name, which may hold spaces and parens
    return int(fields[1]), int(fields[2])


def descendants() -> list[int]:
    """The processes a check left behind (Linux): those in this process's group, and this process's children
    (adopted orphans that left the group included), this process excluded. Empty where ``/proc`` is missing."""
    if not os.path.isdir("/proc"):
        return []
    me = os.getpid()
    try:
        group = os.getpgid(0)
    except OSError:
        return []
    found = []
    for name in os.listdir("/proc"):
        if not name.isdigit() or int(name) == me:
            continue
        st = _stat(name)
        if st is not None and (st[0] == me or (group == me and st[1] == group)):
            found.append(int(name))
    return found


def _reap() -> None:
    """Collect the exit status of every ended child (zombies otherwise stay listed in ``/proc``)."""
    while True:
        try:
            pid, _ = os.waitpid(-1, os.WNOHANG)
        except ChildProcessError:
            return
        if pid == 0:
            return


def end_descendants() -> int:
    """Kill every process :func:`descendants` lists, reap them, and repeat until none is left (at most
    :data:`ROUNDS` rounds); the number of processes ended."""
    ended: set[int] = set()
    for _ in range(ROUNDS):
        _reap()
        alive = descendants()
        if not alive:
            break
        for pid in alive:
            with contextlib.suppress(OSError):
                os.kill(pid, signal.SIGKILL)
            ended.add(pid)
        time.sleep(0.005)
    _reap()
    return len(ended)


def end_group(leader: int) -> None:
    """Kill the process group that worker ``leader`` leads (the worker and what its check started). Called
    by the pool before the worker is reaped, or just after: the group's id stays reserved while one of its
    processes lives, so it names no one else's."""
    with contextlib.suppress(OSError):
        os.killpg(leader, signal.SIGKILL)


def lead_group(pid: int) -> None:
    """In the pool: make the new worker ``pid`` lead its own group at once (it does so itself too, see
    :func:`own_group`; whichever comes first), so that :func:`end_group` can end it from the start."""
    with contextlib.suppress(OSError, AttributeError):
        os.setpgid(pid, pid)
