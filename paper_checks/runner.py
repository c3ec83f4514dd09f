"""Runs checks, times them and collects their evidence against the recorded expectations.

Claims are independent and each draws from its own stream (docs/design.md, "Randomness"), so
they may run anywhere and in any order: serially in this process (``jobs=1``), on a pool
of ``jobs`` worker processes of this machine, or on any :class:`concurrent.futures.Executor`
(:func:`executor_from_args` builds a Dask cluster's). Longest claims start first, results
come back in the claims' own order, and the report is the same for any of these apart
from the timings. A check that raises, or whose worker process dies, becomes that claim's
``error``; an interrupt (Ctrl-C) terminates the workers before it propagates.
"""
from __future__ import annotations

import argparse
import contextlib
import dataclasses
import json
import multiprocessing
import multiprocessing.connection
import os
import signal
import time
import traceback
from concurrent.futures import Executor, as_completed
from concurrent.futures.process import BrokenProcessPool, ProcessPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable, Iterable, Iterator, Sequence

from paper_checks.context import Context
from paper_checks.evidence import Evidence
from paper_checks.jsonable import jsonable
from paper_checks.registry import Claim
from simulate.backend import Backend, get_backend
from simulate.blas import pinned_blas

ERROR = "error"  # not a verdict: the check itself raised


@dataclass
class Result:
    """A claim, the evidence its check returned (or the error it raised) and its time."""

    claim: Claim
    evidence: Evidence | None
    seconds: float
    error: str | None = None
    #: the full traceback of a crashing check (``error`` is its last line)
    traceback: str | None = None
    #: the precision and seed it ran with (``None`` when unknown), so a report of it is labelled right
    precision: str | None = None
    seed: int | None = None

    @property
    def verdict(self) -> str:
        return self.evidence.verdict if self.evidence is not None else ERROR

    @property
    def matches(self) -> bool:
        return self.verdict == self.claim.expected

    def to_json(self) -> dict[str, Any]:
        c = self.claim
        out: dict[str, Any] = {
            "id": c.id,
            "paper": c.paper,
            "source": c.source,
            "statement": c.statement,
            "reconstructed": c.reconstructed,
            "reconstruction": c.reconstruction,
            "expected": c.expected,
            "seconds": round(self.seconds, 3),
        }
        if self.evidence is not None:
            out.update(self.evidence.to_json())
        else:
            out.update({"verdict": ERROR, "method": c.method, "summary": f"the check raised: {self.error}",
                        "numbers": {}, "counterexample": None, "condition": None, "figures": [],
                        "traceback": self.traceback})
        return out

    def _repr_html_(self) -> str:
        """Rich display in notebooks: the claim's section of the report (:mod:`paper_checks.report.display`)."""
        # imported here: the package paper_checks.report imports the runner, which imports this module
        from paper_checks.report.display import result_html

        return result_html(self)

    def _repr_markdown_(self) -> str:
        from paper_checks.report.display import result_markdown  # imported here: see _repr_html_

        return result_markdown(self)


def run_claim(claim: Claim, precision: str, seed: int, backend: Backend,
              progress: Callable[[str], None] | None = None) -> Result:
    """Run one claim's check in its own random stream, on one BLAS thread, and time it.

    One BLAS thread (:func:`~simulate.blas.pinned_blas`) makes the numbers the same
    whatever the machine's cores and ``--jobs``.
    """
    ctx = Context(claim.id, precision=precision, seed=seed, backend=backend, progress=progress)
    t0 = time.perf_counter()
    try:
        with pinned_blas():
            ev = claim.check(ctx)
        if not isinstance(ev, Evidence):
            raise TypeError(f"check of {claim.id} returned {type(ev).__name__}, not Evidence")
        ev.figures = list(dict.fromkeys([*ev.figures, *claim.figures]))
        return Result(claim, ev, time.perf_counter() - t0, precision=precision, seed=seed)
    except Exception as exc:  # a crashing check is reported, not hidden
        last = traceback.format_exception_only(type(exc), exc)[-1].strip()
        return Result(claim, None, time.perf_counter() - t0, error=last, traceback=traceback.format_exc(),
                      precision=precision, seed=seed)


class Interrupted(KeyboardInterrupt):
    """Ctrl-C during :func:`run_all`; ``results`` holds the claims that finished before it."""

    def __init__(self, results: list[Result]) -> None:
        super().__init__()
        self.results = results


def run_all(claims: Iterable[Claim], precision: str, seed: int, backend: Backend,
            show_progress: bool = True, *, jobs: int = 1, executor: Executor | None = None,
            timings: dict[str, float] | None = None) -> list[Result]:
    """Run ``claims`` with one progress bar on stderr; results in the claims' order.

    Parameters
    ----------
    jobs : worker processes of this machine; 1 runs the claims one after another in this
        process (the serial path). Ignored when ``executor`` is given.
    executor : any :class:`concurrent.futures.Executor` to run the claims on (a Dask
        cluster's ``Client.get_executor()``, a ``ProcessPoolExecutor``, ...). Its workers must
        be able to import this project.
    timings : seconds per claim id from an earlier report (:func:`last_timings`): the
        longest claims are started first, claims without a timing before all others.

    A check that raises, or whose worker dies, gives a :class:`Result` with ``error`` set.

    Raises
    ------
    Interrupted
        On Ctrl-C, carrying the results of the claims that finished (in the claims' order);
        pool workers are terminated first.
    """
    from tqdm import tqdm

    claims = list(claims)
    if executor is None and (jobs <= 1 or len(claims) <= 1):
        results: list[Result] = []
        bar = tqdm(claims, desc="claims", unit="claim", disable=not show_progress, leave=False)
        try:
            for c in bar:
                bar.set_postfix_str(c.id)
                results.append(run_claim(c, precision, seed, backend,
                                         progress=(lambda m: bar.set_postfix_str(m)) if show_progress else None))
        except KeyboardInterrupt:
            raise Interrupted(results) from None
        finally:
            bar.close()
        return results

    order = longest_first([c.id for c in claims], timings or {})
    # a registered claim pickles by reference (id and origin): the worker loads it itself
    tasks = [(c, precision, seed, backend.name) for c in claims]
    finished: dict[int, Result] = {}
    with tqdm(total=len(claims), desc="claims", unit="claim", disable=not show_progress, leave=False) as bar:
        def done(i: int, out: Any) -> None:
            if isinstance(out, Failure):
                finished[i] = Result(claims[i], None, 0.0, error=out.message, traceback=out.message,
                                     precision=precision, seed=seed)
            else:
                ev, seconds, error, tb = out
                finished[i] = Result(claims[i], ev, seconds, error=error, traceback=tb, precision=precision, seed=seed)
            bar.update(1)
            bar.set_postfix_str(claims[i].id)

        try:
            run_tasks(claim_task, tasks, jobs=jobs, executor=executor, order=order, done=done,
                      spawn=backend.name != "numpy")
        except KeyboardInterrupt:
            raise Interrupted([finished[i] for i in sorted(finished)]) from None
    return [finished[i] for i in range(len(claims))]


def claim_task(claim: Claim, precision: str, seed: int, backend_name: str
                ) -> tuple[Evidence | None, float, str | None, str | None]:
    """Worker side of :func:`run_all` (and of ``stability``): run one claim; evidence made plain JSON
    so it pickles. Returns ``(evidence, seconds, error, traceback)``."""
    r = run_claim(claim, precision, seed, get_backend(backend_name))
    ev = r.evidence
    if ev is not None:  # the report only ever reads these through jsonable(): same JSON
        ev = dataclasses.replace(ev, numbers=jsonable(ev.numbers), counterexample=jsonable(ev.counterexample))
    return ev, r.seconds, r.error, r.traceback


# --------------------------------------------------------------------------- scheduling

@dataclass(frozen=True)
class Failure:
    """The outcome of a task that raised, or whose worker process died; ``message`` says which."""

    message: str


def default_jobs() -> int:
    """The number of cores this process may run on (its CPU affinity where the OS has one)."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # macOS, Windows
        return max(1, os.cpu_count() or 1)


def last_timings(path: Path) -> dict[str, float]:
    """Seconds per claim id in a report written earlier (``{}`` when there is none or it is unreadable)."""
    try:
        doc = json.loads(Path(path).read_text())
        return {str(c["id"]): float(c["seconds"]) for c in doc["claims"]}
    except (OSError, ValueError, KeyError, TypeError):
        return {}


def longest_first(keys: Sequence[str], timings: dict[str, float]) -> list[int]:
    """Indices of ``keys``, longest known time first; unknown keys first of all, ties in input order.

    Starting the long tasks first keeps the pool busy to the end (longest processing time first).
    """
    return sorted(range(len(keys)), key=lambda i: (-timings.get(keys[i], float("inf")), i))


def run_tasks(fn: Callable[..., Any], args: Sequence[tuple[Any, ...]], *, jobs: int = 1,
              executor: Executor | None = None, order: Sequence[int] | None = None,
              done: Callable[[int, Any], None] | None = None, spawn: bool = False) -> list[Any]:
    """``[fn(*a) for a in args]``, run serially, on a pool of ``jobs`` processes, or on ``executor``.

    Parameters
    ----------
    fn : a module-level function (it is pickled by name to the workers).
    order : the order in which to start the tasks (default: as given).
    done : called in this process as ``done(index, outcome)`` when a task finishes.
    spawn : start the pool's workers fresh (``spawn``) rather than by ``fork``; needed when
        this process holds a GPU context.

    Returns
    -------
    The outcomes in the order of ``args``; a task that raised, or whose worker died, has a
    :class:`Failure` in its place. Nothing is lost: with the built-in pool, the tasks a dead
    worker took down are run again, each suspect alone in a fresh process.
    """
    if jobs < 1:
        raise ValueError(f"jobs must be at least 1, got {jobs}")
    n = len(args)
    order = list(range(n)) if order is None else list(order)
    if sorted(order) != list(range(n)):
        raise ValueError("order must be a permutation of the task indices")
    out: list[Any] = [None] * n

    def finish(i: int, value: Any) -> None:
        out[i] = value
        if done is not None:
            done(i, value)

    if executor is not None:
        _on_executor(executor, fn, args, order, finish)
    elif jobs == 1 or n <= 1:
        for i in order:
            try:
                value = fn(*args[i])
            except Exception as exc:  # as under the pool: the failure is the task's outcome
                value = Failure(_describe(exc))
            finish(i, value)
    else:
        ctx = multiprocessing.get_context("spawn" if spawn or "fork" not in multiprocessing.get_all_start_methods()
                                          else "fork")
        todo = order
        while todo:
            suspects, todo = _pool_round(ctx, min(jobs, len(todo)), fn, args, todo, finish)
            for i in suspects:  # alone, so a task that kills its worker takes down nothing else
                finish(i, _isolated(ctx, fn, args[i]))
    return out


def _describe(exc: BaseException) -> str:
    return traceback.format_exception_only(type(exc), exc)[-1].strip()


def _on_executor(executor: Executor, fn: Callable[..., Any], args: Sequence[tuple[Any, ...]],
                 order: list[int], finish: Callable[[int, Any], None]) -> None:
    futures = {}
    try:
        for i in order:
            futures[executor.submit(fn, *args[i])] = i
        for f in as_completed(futures):
            exc = f.exception()
            # a dead worker shows up here too (Dask: KilledWorker, after its retries)
            finish(futures[f], f.result() if exc is None else Failure(_describe(exc)))
    except BaseException:  # Ctrl-C: withdraw what has not started; the caller closes the executor
        for f in futures:
            f.cancel()
        raise


_STARTED: Any = None  # in a pool worker: where it says which task it starts


def _init_worker(started: Any) -> None:
    global _STARTED
    _STARTED = started
    # Ctrl-C reaches the whole process group; the parent alone handles it (and ends the workers)
    signal.signal(signal.SIGINT, signal.SIG_IGN)


def _call_started(i: int, fn: Callable[..., Any], a: tuple[Any, ...]) -> Any:
    if _STARTED is not None:
        _STARTED.put(i)
    return fn(*a)


def _pool_round(ctx: Any, workers: int, fn: Callable[..., Any], args: Sequence[tuple[Any, ...]],
                todo: list[int], finish: Callable[[int, Any], None]) -> tuple[list[int], list[int]]:
    """Run ``todo`` on a fresh process pool until done or the pool breaks.

    Returns ``(suspects, rest)``: the unfinished tasks that had started when a worker died
    (one of them killed it) and those that had not.
    """
    started_q = ctx.SimpleQueue()
    pool = ProcessPoolExecutor(workers, mp_context=ctx, initializer=_init_worker, initargs=(started_q,))
    broken: list[int] = []
    try:
        futures = {pool.submit(_call_started, i, fn, args[i]): i for i in todo}
        for f in as_completed(futures):
            exc = f.exception()
            if isinstance(exc, BrokenProcessPool):
                broken.append(futures[f])
            else:
                finish(futures[f], f.result() if exc is None else Failure(_describe(exc)))
    except BaseException:
        _terminate(pool)
        raise
    pool.shutdown(wait=True)
    started = set()
    while not started_q.empty():
        started.add(started_q.get())
    suspects = [i for i in broken if i in started]
    if broken and not suspects:  # a worker died between tasks: no way to tell, isolate them all
        return broken, []
    return suspects, [i for i in broken if i not in started]


def _terminate(pool: ProcessPoolExecutor) -> None:
    """End a pool's workers now (Ctrl-C): no process may outlive the run."""
    procs = list((getattr(pool, "_processes", None) or {}).values())  # the executor's only handle on them
    for p in procs:
        if p.is_alive():
            p.terminate()
    for p in procs:
        p.join(5)
        if p.is_alive():
            p.kill()
            p.join()
    pool.shutdown(wait=False, cancel_futures=True)


def _isolated_child(conn: Any, fn: Callable[..., Any], a: tuple[Any, ...]) -> None:
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    try:
        conn.send(fn(*a))
    except BaseException as exc:
        conn.send(Failure(_describe(exc)))


def _isolated(ctx: Any, fn: Callable[..., Any], a: tuple[Any, ...]) -> Any:
    """Run one task in a process of its own; its death is its :class:`Failure`."""
    recv, send = ctx.Pipe(duplex=False)
    p = ctx.Process(target=_isolated_child, args=(send, fn, a), daemon=True)
    p.start()
    send.close()
    try:
        multiprocessing.connection.wait([recv, p.sentinel])
        if recv.poll():
            try:
                value = recv.recv()
                p.join()
                return value
            except EOFError:
                pass
        p.join()
        return Failure(f"the worker process running it died (exit code {p.exitcode})")
    except BaseException:
        if p.is_alive():
            p.kill()
        p.join()
        raise
    finally:
        recv.close()


# --------------------------------------------------------------------------- command line

def add_executor_arguments(parser: argparse.ArgumentParser) -> None:
    """Add ``--jobs``, ``--scheduler`` and ``--dask-local`` to a command's parser."""
    g = parser.add_argument_group("where to run")
    g.add_argument("--jobs", type=int, default=None, metavar="N",
                   help=f"worker processes on this machine (default: the cores this process may use, "
                        f"{default_jobs()} here; 1 runs serially)")
    g.add_argument("--scheduler", default=None, metavar="ADDRESS",
                   help="run on the Dask distributed cluster of this scheduler (e.g. tcp://host:8786; "
                        "needs the 'distributed' extra)")
    g.add_argument("--dask-local", type=int, default=None, metavar="N",
                   help="run on a local Dask cluster of N single-threaded workers (needs the 'distributed' extra)")


@contextlib.contextmanager
def executor_from_args(args: argparse.Namespace) -> Iterator[tuple[Executor | None, int]]:
    """``(executor, jobs)`` for the options of :func:`add_executor_arguments`.

    ``executor`` is ``None`` unless a Dask cluster was asked for; it is closed on exit.
    Raises ``ValueError`` (one line) for contradictory or impossible options.
    """
    jobs, scheduler = getattr(args, "jobs", None), getattr(args, "scheduler", None)
    local = getattr(args, "dask_local", None)
    if sum(x is not None for x in (jobs, scheduler, local)) > 1:
        raise ValueError("choose one of --jobs, --scheduler and --dask-local")
    if jobs is not None and jobs < 1:
        raise ValueError(f"--jobs must be at least 1, got {jobs}")
    if local is not None and local < 1:
        raise ValueError(f"--dask-local must be at least 1, got {local}")
    if scheduler is None and local is None:
        yield None, default_jobs() if jobs is None else jobs
        return
    with dask_executor(scheduler=scheduler, local_workers=local) as ex:
        yield ex, 1


@contextlib.contextmanager
def dask_executor(scheduler: str | None = None, local_workers: int | None = None) -> Iterator[Executor]:
    """A :class:`concurrent.futures.Executor` on a Dask cluster: the one at ``scheduler``, or a local one.

    A local cluster has ``local_workers`` worker processes of one thread each. Raises
    ``ValueError`` when ``distributed`` is not installed or the scheduler cannot be reached.
    """
    try:
        from distributed import Client, LocalCluster
    except ImportError:
        raise ValueError("Dask is not installed: python -m pip install '.[distributed]'") from None
    with contextlib.ExitStack() as stack:
        if scheduler is not None:
            try:
                client = stack.enter_context(Client(scheduler, timeout="20s"))
            except (OSError, TimeoutError) as exc:
                raise ValueError(f"cannot reach the Dask scheduler at {scheduler!r}: {exc}") from None
        else:
            cluster = stack.enter_context(LocalCluster(n_workers=local_workers, threads_per_worker=1,
                                                       processes=True, dashboard_address=None))
            client = stack.enter_context(Client(cluster))
        yield client.get_executor()
