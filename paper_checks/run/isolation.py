"""Process isolation: tasks run in worker processes with a time limit each, and stops that keep what finished.

:class:`WorkerPool` runs tasks on ``jobs`` worker processes, one task per worker at a time. A task
over its time limit, a task that calls ``sys.exit`` or ``os._exit``, and a task whose worker dies
(a segfault, the kernel's out-of-memory killer) become that task's :class:`Failure`; its worker is
replaced and every other task runs on. Workers die with their parent: on Linux the kernel kills
them when it dies (``PR_SET_PDEATHSIG``), elsewhere they poll their parent's pid. Each worker leads a
process group of its own and adopts orphans (:mod:`paper_checks.run.descendants`): whatever a task forks
or spawns is ended when the task returns, and with the worker when the task times out or the run stops.
With the ``fork`` start method a worker costs a few milliseconds, and it runs many tasks, so isolation costs nothing
measurable. Each worker caps its own memory (``memory``: :mod:`paper_checks.run.memory`); a task that runs out of
it is a :class:`Failure` that names the limit (:func:`memory_error`), and the other tasks run on.

:func:`stop_signals` turns SIGTERM and SIGHUP into :class:`Stop` (a ``KeyboardInterrupt``), so that
every command handles them exactly like Ctrl-C: the work that finished is kept and the exit
status is ``128 + signal`` (:func:`stop_status`: 130 for SIGINT, 143 for SIGTERM, 129 for SIGHUP).
"""
from __future__ import annotations

import contextlib
import ctypes
import multiprocessing
import multiprocessing.connection
import os
import re
import signal
import threading
import time
import traceback
from dataclasses import dataclass
from typing import Any, Callable, Iterator, Sequence

from paper_checks.deadline import deadline
from paper_checks.precisions import DEFAULT_TIMEOUT  # noqa: F401 (re-exported: the runner's per-claim limits)
from paper_checks.run.descendants import (
    adopting,
    end_adopted,
    end_descendants,
    end_group,
    end_tree,
    lead_group,
    own_group,
)
from paper_checks.run.memory import (
    WATCH_NEAR_SECONDS,
    WATCH_SECONDS,
    over_limit,
    over_tree,
    set_limit,
    size_text,
    tree_memory,
)

#: how the messages of the failures that are not a raise begin ("the check timed out after 5 s")
NOT_RAISED = ("timed out after", "ended its worker process", "called sys.exit", "went over its memory limit")


@dataclass(frozen=True)
class Failure:
    """The outcome of a task that raised, ran past its time limit, or whose worker process died."""

    message: str


class Stop(KeyboardInterrupt):
    """A stop asked for by a signal (Ctrl-C's SIGINT, SIGTERM, SIGHUP): handled like Ctrl-C."""

    def __init__(self, signum: int = signal.SIGINT) -> None:
        super().__init__(signal.Signals(signum).name)
        self.signum = int(signum)


def stop_status(exc: BaseException | None = None) -> int:
    """The exit status of a run stopped by ``exc``: ``128 + signal`` (130 for Ctrl-C)."""
    return 128 + int(getattr(exc, "signum", signal.SIGINT))


#: the stop signals this process was started ignoring, read when this module is imported (by the command line,
#: before any claims module, whose own handlers are not the user's wish): under ``nohup`` SIGHUP is one, and a
#: run started so outlives the terminal it was started from, as the user asked
STARTED_IGNORING = frozenset(s for s in (getattr(signal, "SIGTERM", None), getattr(signal, "SIGHUP", None))
                             if s is not None and signal.getsignal(s) is signal.SIG_IGN)


def _raise_stop(signum: int, frame: Any) -> None:
    raise Stop(signum)


@contextlib.contextmanager
def stop_signals(ctrl_c: bool = False) -> Iterator[None]:
    """Within: SIGTERM and SIGHUP raise :class:`Stop` in the main thread, like Ctrl-C (restored on exit); with
    ``ctrl_c``, SIGINT raises ``KeyboardInterrupt`` again too (a claims module may have set its own handlers).
    A signal the process was started ignoring (:data:`STARTED_IGNORING`) stays ignored: under ``nohup`` a run
    outlives the terminal it was started from, as the user asked."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    wanted = [s for s in (getattr(signal, "SIGTERM", None), getattr(signal, "SIGHUP", None))
              if s is not None and s not in STARTED_IGNORING]
    old = {s: signal.signal(s, _raise_stop) for s in wanted}
    if ctrl_c:
        old[signal.SIGINT] = signal.signal(signal.SIGINT, signal.default_int_handler)
    try:
        yield
    finally:
        for s, h in old.items():
            signal.signal(s, h)


def describe(exc: BaseException) -> str:
    """The last line of ``exc``'s traceback (``TypeError: ...``)."""
    return traceback.format_exception_only(type(exc), exc)[-1].strip()


def seconds_text(t: float) -> str:
    return f"{t:g} s"


# --------------------------------------------------------------------------- worker side

_CONN: Any = None  # in a worker: its end of the pipe to the parent
_MEMORY: int | None = None  # in a worker: its memory limit in bytes (None: none)


def in_worker() -> bool:
    """Whether this process is a worker of the runner (its progress messages reach the parent)."""
    return _CONN is not None


#: how ``describe`` begins the line of a ``MemoryError`` (NumPy's is ``numpy._core._exceptions._ArrayMemoryError``)
_MEMORY_ERROR = re.compile(r"[\w.]*MemoryError\b")


def memory_error(error: str | None) -> str | None:
    """A task's error (``describe``'s line) as the report shows it: a ``MemoryError`` in a worker with a memory
    limit names the limit ("over its memory limit of 2 GiB (--memory): MemoryError: ...")."""
    if error is not None and _MEMORY is not None and _MEMORY_ERROR.match(error):
        return f"{over_limit(_MEMORY)}: {error}"
    return error


def report_progress(message: Any) -> None:
    """In a worker: pass a task's progress message (a check's stage; or a picklable value its caller reads, a
    reduction's finished step in :func:`paper_checks.prover.process.stoppable`) to the parent; no-op elsewhere."""
    if _CONN is not None:
        with contextlib.suppress(OSError, ValueError):
            _CONN.send(("progress", message))


def _die_with_parent(parent: int) -> None:
    """Make this process end when ``parent`` does: the kernel's parent-death signal on Linux, polling elsewhere."""
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        if libc.prctl(1, int(signal.SIGKILL), 0, 0, 0) == 0:  # PR_SET_PDEATHSIG
            if os.getppid() != parent:  # it died before the call
                os._exit(1)
            return
    except (OSError, AttributeError):
        pass

    def watch() -> None:  # pragma: no cover (not Linux)
        while os.getppid() == parent:
            time.sleep(1.0)
        os._exit(1)

    threading.Thread(target=watch, daemon=True).start()


def _worker(conn: Any, parent: int, memory: int | None = None) -> None:
    """A worker's loop: receive ``(fn, args)``, send ``("done", value)`` or ``("failed", message)``; its data
    capped at ``memory`` bytes."""
    global _CONN, _MEMORY
    _die_with_parent(parent)
    own_group()  # what a task forks or spawns is ended when it returns (run/descendants.py)
    set_limit(memory)
    _MEMORY = memory
    for s in (signal.SIGINT, getattr(signal, "SIGHUP", None)):  # the parent handles them (and ends the workers)
        if s is not None:
            signal.signal(s, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)  # not the parent's stop_signals handler: a SIGTERM ends a worker
    _CONN = conn
    while True:
        try:
            task = conn.recv()
        except (EOFError, OSError):
            return
        if task is None:
            return
        fn, args = task
        try:
            out: tuple[str, Any] = ("done", fn(*args))
        except SystemExit as exc:
            out = ("failed", f"called sys.exit({exc.code!r})")
        except BaseException as exc:  # noqa: BLE001 (every failure is the task's outcome)
            out = ("failed", memory_error(describe(exc)))
        end_descendants()
        try:
            conn.send(out)
        except Exception as exc:  # noqa: BLE001 (an outcome that does not pickle)
            conn.send(("failed", f"its result could not be sent back: {describe(exc)}"))


# --------------------------------------------------------------------------- parent side

_PENDING = object()  # a task without an outcome yet


@dataclass
class _Slot:
    process: Any
    conn: Any
    task: int | None = None
    started: float = 0.0
    held: int | None = None  # the tree's memory measured at this wake-up of the pool (_over_memory)
    last: int = 0  # the tree's memory last measured


class WorkerPool:
    """``jobs`` worker processes that run tasks one at a time each, with a time limit per task.

    Use as a context manager: on leaving it (normally, on an error or on Ctrl-C) every worker is
    ended, so no process outlives the pool.
    """

    def __init__(self, jobs: int, *, spawn: bool = False, memory: int | None = None) -> None:
        if jobs < 1:
            raise ValueError(f"jobs must be at least 1, got {jobs}")
        self.memory = memory
        method = "spawn" if spawn or "fork" not in multiprocessing.get_all_start_methods() else "fork"
        self.ctx = multiprocessing.get_context(method)
        self.jobs = jobs
        self.slots: list[_Slot] = []
        self._adopting = contextlib.ExitStack()

    def __enter__(self) -> WorkerPool:
        self._adopting.enter_context(adopting())  # orphans of a worker that dies by itself come here
        return self

    def __exit__(self, *exc: Any) -> None:
        try:
            self.close()
        finally:
            self._adopting.close()

    def _start(self) -> _Slot:
        mine, theirs = self.ctx.Pipe(duplex=True)
        p = self.ctx.Process(target=_worker, args=(theirs, os.getpid(), self.memory), daemon=False)
        p.start()
        lead_group(p.pid)
        theirs.close()
        return _Slot(p, mine)

    def _end(self, slot: _Slot, kill: bool = True) -> None:
        if kill and slot.process.exitcode is None:  # not reaped (exitcode polls): its pid is still its own
            end_tree(slot.process.pid)  # the worker and every process below it (setsid daemons included)
        elif kill:  # reaped: its orphans came to this process (end_adopted below), its group id stays reserved
            end_group(slot.process.pid)  # while one of its processes lives, so it names no one else's
        if kill and slot.process.is_alive():
            slot.process.kill()
        slot.process.join(5)
        slot.conn.close()
        end_adopted({s.process.pid for s in self.slots if s is not slot})  # what a worker that died left

    def close(self) -> None:
        """End every worker now (idle ones are asked to leave, busy ones are killed)."""
        for s in self.slots:
            if s.task is None and s.process.is_alive():
                with contextlib.suppress(OSError, ValueError):
                    s.conn.send(None)
        deadline = time.monotonic() + 1.0
        for s in self.slots:
            if s.task is None:
                s.process.join(max(0.0, deadline - time.monotonic()))
            self._end(s)
        self.slots = []

    def run(self, fn: Callable[..., Any], args: Sequence[tuple[Any, ...]], order: Sequence[int],
            finish: Callable[[int, Any], None], *, timeout: float | None = None,
            progress: Callable[[int, str], None] | None = None) -> None:
        """Run ``fn(*args[i])`` for ``i`` in ``order``; ``finish(i, outcome)`` in this process as each ends.

        The outcome is the value, or a :class:`Failure` when the task raised, ran past ``timeout``
        seconds or killed its worker. ``progress(i, message)`` passes on :func:`report_progress`.
        """
        todo = list(order)[::-1]
        busy = 0
        while todo or busy:
            while todo and busy < self.jobs:
                slot = next((s for s in self.slots if s.task is None), None)
                if slot is None:
                    slot = self._start()
                    self.slots.append(slot)
                i = todo.pop()
                try:
                    slot.conn.send((fn, args[i]))
                except OSError:  # the idle worker died (killed from outside): start another
                    self._replace(slot)
                    todo.append(i)
                    continue
                except Exception as exc:  # noqa: BLE001 (a task that does not pickle: nothing was sent)
                    finish(i, Failure(f"cannot be sent to a worker: {describe(exc)}"))
                    continue
                slot.task, slot.started, slot.last = i, time.monotonic(), 0
                busy += 1
            busy -= self._wait(finish, timeout, progress)

    def _wait(self, finish: Callable[[int, Any], None], timeout: float | None,
              progress: Callable[[int, str], None] | None) -> int:
        """Wait for the busy workers' next event; handle it; the number of tasks that ended."""
        busy = [s for s in self.slots if s.task is not None]
        wait_for = None
        if timeout is not None:
            wait_for = max(0.0, min(s.started + timeout for s in busy) - time.monotonic())
        if self.memory is not None:  # the whole tree's memory is looked at this often (_over_memory), more often near
            near = any(s.last * 2 > self.memory for s in busy)  # the limit (a check can grow by GBs a second)
            watch = WATCH_NEAR_SECONDS if near else WATCH_SECONDS
            wait_for = watch if wait_for is None else min(wait_for, watch)
        ready = multiprocessing.connection.wait([s.conn for s in busy] + [s.process.sentinel for s in busy],
                                                wait_for)
        ended = 0
        for s in busy:
            s.held = None  # measured afresh, once, at each wake-up
            outcome: Any = _PENDING
            if s.conn in ready or s.process.sentinel in ready:
                outcome = self._receive(s, progress)
            elif timeout is not None and time.monotonic() - s.started >= timeout:
                outcome = Failure(f"timed out after {seconds_text(timeout)}")
                self._replace(s)
            elif self._over_memory(s) is not None:
                outcome = Failure(over_tree(self.memory, self._over_memory(s)))  # type: ignore[arg-type]
                self._replace(s)
            if outcome is not _PENDING:
                i, s.task = s.task, None
                finish(i, outcome)
                ended += 1
        return ended

    def _over_memory(self, s: _Slot) -> int | None:
        """The memory that ``s``'s worker and every process below it hold together, where it passes the pool's
        limit (:func:`paper_checks.run.memory.tree_memory`: proportional set sizes, so the pages a fork shares and a
        ``MAP_SHARED`` mapping count, once); else ``None``. ``RLIMIT_DATA`` bounds each process's private memory
        only: a check that forked four children of 700 MB each under a limit of 1 GB reached 3 GB, and 2.5 GB of
        ``MAP_SHARED`` memory passed a 1 GB limit unseen. Measured once per wake-up of the pool (at most every
        :data:`~paper_checks.run.memory.WATCH_SECONDS`)."""
        if self.memory is None or s.process.pid is None:
            return None
        if s.held is None:
            s.held = s.last = tree_memory(s.process.pid, self.memory)
        return s.held if s.held > self.memory else None

    def _receive(self, s: _Slot, progress: Callable[[int, str], None] | None) -> Any:
        """The outcome of ``s``'s task if it has one now (``_PENDING`` after a progress message)."""
        while True:
            try:
                if not s.conn.poll():
                    break
                kind, value = s.conn.recv()
            except (EOFError, OSError):
                break
            if kind == "progress":
                if progress is not None:
                    progress(s.task, value)
                continue
            return value if kind == "done" else Failure(value)
        if s.process.is_alive():
            return _PENDING
        s.process.join()
        code = s.process.exitcode
        self._replace(s)
        how = f"signal {signal.Signals(-code).name}" if code is not None and code < 0 else f"exit code {code}"
        limit = "" if self.memory is None else f"; its memory limit was {size_text(self.memory)}"
        return Failure(f"ended its worker process ({how}: os._exit, a crash or a kill{limit})")

    def _replace(self, s: _Slot) -> None:
        """End ``s``'s worker; the slot is dropped (a new worker starts when there is work)."""
        self._end(s)
        self.slots.remove(s)


def run_pooled(fn: Callable[..., Any], args: Sequence[tuple[Any, ...]], order: Sequence[int],
               finish: Callable[[int, Any], None], *, jobs: int, spawn: bool = False,
               timeout: float | None = None, progress: Callable[[int, str], None] | None = None,
               memory: int | None = None) -> None:
    """Run the tasks on a :class:`WorkerPool` of ``jobs`` workers (ended on the way out, Ctrl-C included), each
    with ``memory`` bytes at most (``None``: no limit)."""
    with WorkerPool(jobs, spawn=spawn, memory=memory) as pool:
        pool.run(fn, args, order, finish, timeout=timeout, progress=progress)


def main_thread_alarm(seconds: float | None) -> contextlib.AbstractContextManager[None]:
    """Within: after ``seconds`` a :class:`TimedOut` is raised in the main thread (no limit for ``None``,
    off the main thread, or where ``SIGALRM`` is missing)."""
    return deadline(seconds, error=TimedOut)


class TimedOut(Stop):
    """A time limit reached (:func:`main_thread_alarm`)."""

    def __init__(self, seconds: float) -> None:
        super().__init__(signal.SIGALRM)
        self.seconds = seconds


