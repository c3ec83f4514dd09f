"""A check's own processes end with it: every worker leads a process group of its own and, on Linux, is a
subreaper, so whatever a check forks or spawns is found and ended when the check returns.

:func:`own_group` is called once when a worker starts: it becomes the leader of a new process group (every
process the check starts inherits it) and, on Linux, a child subreaper (``prctl(PR_SET_CHILD_SUBREAPER)``):
a descendant whose parent ends (a daemon that double-forks, one that calls ``setsid`` to leave the group)
is adopted by the worker instead of by ``init``. :func:`end_descendants` is called after each task: it
kills (``SIGKILL``) every process of the worker's group and every child of the worker, reaps them, and
repeats until none is left (a child that forks while being ended is caught on the next round). When a
worker is itself ended (a time limit, a stop, the pool's end), :func:`end_tree` first stops it (``SIGSTOP``:
it neither reaps nor forks any more, and as a subreaper it keeps adopting), kills every process below it in
the process tree, whatever its group or session (a ``setsid`` daemon included), round after round until
none is left, and only then kills the worker's group and the worker.

A worker that dies by itself (``os._exit``, a crash, the memory limit's abort) cannot adopt any more: its
orphans go to the nearest subreaper above it. :func:`adopting` makes the pool's own process that subreaper
while the pool runs, and :func:`end_adopted` kills and reaps the orphans it adopted from its workers (those
whose environment carries the pool's :data:`MARK`, set by :func:`own_group`; a child of the pool's process
that some other code started is never touched).

Where ``/proc`` is missing (not Linux) only the group is ended, with the worker: :func:`end_descendants`
and :func:`end_tree` then end nothing below it, and a check's children that left the group outlive it. A run
killed with ``SIGKILL`` takes its workers with it, but not what they adopted (nothing is left to end it).
"""
from __future__ import annotations

import contextlib
import ctypes
import os
import signal
import time
from typing import Any, Callable, Iterator

#: ``prctl`` option that makes this process adopt its orphaned descendants (Linux >= 3.4)
PR_SET_CHILD_SUBREAPER = 36

#: ``prctl`` option that reads whether this process is a subreaper
PR_GET_CHILD_SUBREAPER = 37

#: the most rounds :func:`end_descendants` takes (a child that forks between rounds is caught on the next)
ROUNDS = 100

#: the environment variable by which a worker's processes are known to the pool (value: the pool's pid)
MARK = "PAPER_CHECKS_POOL"


def _prctl(option: int, value: Any) -> bool:
    """``prctl(option, value)``; False where it fails or is missing (not Linux)."""
    try:
        return int(ctypes.CDLL(None, use_errno=True).prctl(option, value, 0, 0, 0)) == 0
    except (OSError, AttributeError, TypeError):
        return False


def own_group() -> None:
    """In a new worker: lead a process group of its own, carry the pool's :data:`MARK` into every process it
    starts and, on Linux, adopt orphaned descendants."""
    with contextlib.suppress(OSError, AttributeError):
        os.setpgid(0, 0)
    os.environ[MARK] = str(os.getppid())
    _prctl(PR_SET_CHILD_SUBREAPER, 1)


def _stat(pid: str) -> tuple[int, int, bytes] | None:
    """``(parent pid, process group, state)`` of ``pid`` from ``/proc`` (``None`` when it is gone; state
    ``b"Z"`` for a zombie: ended, not yet reaped)."""
    try:
        with open(f"/proc/{pid}/stat", "rb") as f:
            raw = f.read()
    except OSError:
        return None
    fields = raw[raw.rindex(b")") + 2:].split()  # after the command name, which may hold spaces and parens
    return int(fields[1]), int(fields[2]), fields[0]


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
    ended = _kill_in_rounds(descendants, before_each=_reap)
    _reap()
    return len(ended)


def _kill_in_rounds(alive_now: Callable[[], list[int]], before_each: Callable[[], None] | None = None) -> set[int]:
    """Kill every process ``alive_now()`` lists, round after round until it lists none (at most :data:`ROUNDS`
    rounds; ``before_each`` runs first in each); the processes killed."""
    ended: set[int] = set()
    for _ in range(ROUNDS):
        if before_each is not None:
            before_each()
        alive = alive_now()
        if not alive:
            break
        for pid in alive:
            with contextlib.suppress(OSError):
                os.kill(pid, signal.SIGKILL)
            ended.add(pid)
        time.sleep(0.005)
    return ended


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


def _processes() -> dict[int, tuple[int, bytes]]:
    """Every process in ``/proc``: pid to ``(parent pid, state)`` (empty where ``/proc`` is missing)."""
    out: dict[int, tuple[int, bytes]] = {}
    if not os.path.isdir("/proc"):
        return out
    for name in os.listdir("/proc"):
        if name.isdigit():
            st = _stat(name)
            if st is not None:
                out[int(name)] = (st[0], st[2])
    return out


def tree(root: int) -> list[int]:
    """The living processes below ``root`` in the process tree (children, their children, ...; zombies left
    out), whatever their group or session. Empty where ``/proc`` is missing."""
    procs = _processes()
    below: dict[int, list[int]] = {}
    for pid, (parent, _) in procs.items():
        below.setdefault(parent, []).append(pid)
    found, todo = [], list(below.get(root, []))
    while todo:
        pid = todo.pop()
        found.append(pid)
        todo += below.get(pid, [])
    return [p for p in found if procs[p][1] != b"Z"]


def end_tree(root: int) -> int:
    """End worker ``root`` and everything below it: stop it (``SIGSTOP``: it forks and reaps no more, and as a
    subreaper it adopts what is orphaned below it), kill every process :func:`tree` lists, round after round
    until none is left (at most :data:`ROUNDS`), then kill its group and ``root`` itself. The number of
    processes below ``root`` that were ended."""
    with contextlib.suppress(OSError):
        os.kill(root, signal.SIGSTOP)
    ended = _kill_in_rounds(lambda: tree(root))
    end_group(root)
    with contextlib.suppress(OSError):
        os.kill(root, signal.SIGKILL)
    return len(ended)


@contextlib.contextmanager
def adopting() -> Iterator[None]:
    """Within: on Linux this process is a child subreaper, so that the orphans of a worker that died by itself
    come to it (for :func:`end_adopted`) rather than to ``init``; the earlier setting is restored on exit."""
    was = ctypes.c_int(0)
    try:
        known = int(ctypes.CDLL(None, use_errno=True).prctl(PR_GET_CHILD_SUBREAPER, ctypes.byref(was), 0, 0, 0)) == 0
    except (OSError, AttributeError, TypeError):
        known = False
    turned_on = known and not was.value and _prctl(PR_SET_CHILD_SUBREAPER, 1)
    try:
        yield
    finally:
        if turned_on:
            _prctl(PR_SET_CHILD_SUBREAPER, 0)


def _marked(pid: int, mark: bytes) -> bool:
    try:
        with open(f"/proc/{pid}/environ", "rb") as f:
            return mark in f.read().split(b"\0")
    except OSError:
        return False


def end_adopted(keep: set[int] | frozenset[int] = frozenset()) -> int:
    """Kill and reap this process's children (but ``keep``, the living workers) that carry this pool's
    :data:`MARK`: orphans of its workers, adopted under :func:`adopting`, and everything below them. The
    number of processes ended."""
    me = os.getpid()
    mark = f"{MARK}={me}".encode()
    ended = 0
    for _ in range(ROUNDS):
        strays = [pid for pid, (parent, state) in _processes().items()
                  if parent == me and pid not in keep and state != b"Z" and _marked(pid, mark)]
        if not strays:
            break
        for pid in strays:
            ended += end_tree(pid) + 1
            with contextlib.suppress(OSError):
                os.waitpid(pid, 0)
    return ended
