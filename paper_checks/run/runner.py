"""Runs checks, times them and collects their evidence against the recorded expectations.

Claims are independent and each draws from its own stream (docs/design.md, "Randomness"), so
they may run anywhere and in any order: serially in this process (``jobs=1``), on a pool
of ``jobs`` worker processes of this machine, or on any :class:`concurrent.futures.Executor`
(:func:`executor_from_args` builds a Dask cluster's). A few cheap claims start first (verdicts within
seconds), then the longest (:func:`paper_checks.run.timings.schedule`); each result is handed to ``on_result``
as it comes, the results are returned in the claims' own order, and the report is the same for any of these
apart from the timings. A check that raises, runs past its time limit, calls ``sys.exit``/``os._exit`` or
whose worker process dies becomes that claim's ``error`` (the workers of
:mod:`paper_checks.run.isolation`); an interrupt (Ctrl-C, SIGTERM, SIGHUP) ends the workers before it
propagates, carrying the claims that finished.
"""
from __future__ import annotations

import contextlib
import dataclasses
import logging
import signal
import threading
import time
import traceback
from concurrent.futures import Executor, as_completed
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable, Iterable, Iterator, Sequence

from label_noise_lab.simulate.engine.blas import pinned_blas
from label_noise_lab.simulate.engine.devices import Backend, get_backend
from paper_checks import figdata, stage
from paper_checks.context import Context
from paper_checks.evidence import Evidence
from paper_checks.jsonable import jsonable
from paper_checks.precisions import precision_note
from paper_checks.registry import PAPERS, Claim, tagged_source
from paper_checks.run.cores import default_jobs  # noqa: F401 (re-exported: the run's default --jobs)
from paper_checks.run.isolation import NOT_RAISED, Failure, describe, memory_error, run_pooled, stop_status
from paper_checks.run.memory import worker_limit
from paper_checks.run.timings import report_timings, schedule
from paper_checks.search.params.domain import narrower
from paper_checks.stage import timed_out_message

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

    @property
    def precision_note(self) -> str | None:
        """When the verdict differs from the recorded one and the check ran at another precision than the one it
        was recorded at, the line that says so (:func:`paper_checks.precisions.precision_note`); else ``None``."""
        return None if self.matches else precision_note(self.precision, self.claim.expected_at)

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
            "expected_at": c.expected_at,
            "seconds": round(self.seconds, 3),
        }
        if c.space is not None:
            out["domain"] = declared_domain(c.space)
        proved = None if self.evidence is None else self.evidence.numbers.get("proved_domain")
        if isinstance(proved, dict) and proved.get("coordinates"):  # the check proved the statement's own domain
            out["domain"] = proved
        if self.precision is not None:
            out["precision"] = self.precision
        if self.precision_note is not None:
            out["precision_note"] = self.precision_note
        if self.evidence is not None:
            out.update(self.evidence.to_json())
        else:
            how = "" if str(self.error).startswith(NOT_RAISED) else "raised: "
            out.update({"verdict": ERROR, "method": c.method, "summary": f"the check {how}{self.error}",
                        "numbers": {}, "counterexample": None, "condition": None, "figures": [],
                        "traceback": self.traceback})
        return out

    def source_line(self) -> str:
        """The claim's source as the report prints it: its paper's citation, then where in it (documents by tag)."""
        c = self.claim
        paper = PAPERS.get(c.paper)
        cite = tagged_source(paper.cite()) if paper is not None else c.paper  # documents by author and year
        return f"{cite.rstrip().rstrip('.')}; {tagged_source(c.source)}"

    def _repr_html_(self) -> str:
        """Rich display in notebooks: the claim's section of the report (:mod:`paper_checks.report.display`)."""
        # imported here: the package paper_checks.report imports the runner, which imports this module
        from paper_checks.report.display import result_html

        return result_html(self)

    def _repr_markdown_(self) -> str:
        from paper_checks.report.display import result_markdown  # imported here: see _repr_html_

        return result_markdown(self)


def declared_domain(space_of: Callable[[], Any]) -> dict[str, Any] | None:
    """Where a claim is explored and proved (``explore ID --prove``), for the report: each coordinate's range
    and open ends, the statement's range beside it where the declared one is narrower
    (:meth:`paper_checks.search.params.SearchSpace.domain`), the narrower coordinates as one text, and what a
    proof there proves where that is not the statement (``SearchSpace.proves``). ``None`` where the claim's space
    cannot be built (the report still lists the claim)."""
    try:
        space = space_of()
        rows = space.domain()
    except Exception:  # noqa: BLE001  (a user's space that raises loses only this field)
        return None
    out = {"coordinates": rows, "narrower_than_statement": narrower(rows), "proof_proves": space.proves or None}
    red = getattr(space, "reduction", None)
    if red is not None and red.declares_decision():  # what explore --prove decides, said without running it
        out["reduction"] = {"theorem": red.theorem.split(":")[0], "statement_domain": red.rows(True),
                            "qualified": bool(red.refutation is not None)}
    return out


def run_claim(claim: Claim, precision: str, seed: int, backend: Backend,
              progress: Callable[[str], None] | None = None) -> Result:
    """Run one claim's check in its own random stream, on one BLAS thread, and time it.

    One BLAS thread (:func:`~label_noise_lab.simulate.engine.blas.pinned_blas`) makes the numbers the same
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
    """A stop during :func:`run_all` (Ctrl-C, SIGTERM, SIGHUP); ``results`` holds the claims that finished
    before it, ``signum`` the signal (SIGINT for Ctrl-C)."""

    def __init__(self, results: list[Result], signum: int = signal.SIGINT) -> None:
        super().__init__()
        self.results = results
        self.signum = signum


def run_all(claims: Iterable[Claim], precision: str, seed: int, backend: Backend,
            show_progress: bool = True, *, jobs: int = 1, executor: Executor | None = None,
            timings: dict[str, float] | None = None, timeout: float | None = None,
            isolate: bool | None = None, bar: Any = None, memory: int | str | None = "auto",
            on_result: Callable[[Result], None] | None = None) -> list[Result]:
    """Run ``claims`` with one progress bar on stderr; results in the claims' order.

    Parameters
    ----------
    jobs : worker processes of this machine; with 1 (and neither ``timeout`` nor ``isolate``) the
        claims run one after another in this process. Ignored when ``executor`` is given.
    executor : any :class:`concurrent.futures.Executor` to run the claims on (a Dask
        cluster's ``Client.get_executor()``, a ``ProcessPoolExecutor``, ...). Its workers must
        be able to import this project. ``timeout`` is not enforced there.
    timings : seconds per claim id (an earlier report's, :func:`last_timings`, or the shipped ones,
        :func:`paper_checks.run.timings.known_timings`): the cheapest claims worth ``LEAD_SECONDS`` start
        first, then those without a timing, then the rest longest first (:func:`~paper_checks.run.timings.schedule`).
    timeout : seconds per claim (``None``: no limit). A claim over it is that claim's ``error``
        ("timed out after N s"); the others run on. Implies ``isolate``.
    isolate : run the claims in worker processes even with ``jobs=1``, so that a check calling
        ``sys.exit``/``os._exit`` or crashing its process is that claim's error, never the run's end
        (default: only when ``jobs > 1`` or ``timeout`` is given). The command line always isolates.
    memory : the memory limit of each worker process (:mod:`paper_checks.run.memory`): ``"auto"`` (default) half
        the machine's memory shared among the ``jobs`` workers (at least 2 GiB), a number of bytes, a size
        (``"2G"``, ``"512M"``) or ``None`` for none. A claim over it is that claim's ``error`` ("over its memory
        limit of 2 GiB (--memory): MemoryError: ..."); the others run on. Only where the claims run in worker
        processes of this machine (a given number or size implies ``isolate``), not on an ``executor``.
    bar : a ``tqdm`` bar of the caller's to count the claims on (``run`` counts its figures on the same
        bar, one display for the whole run); it is left open. Default: a bar of its own.
    on_result : called in this process with each claim's :class:`Result` as soon as it is known (in the
        order they finish), before the bar counts it: the command line prints the verdict line there.

    A check that raises, or whose worker dies, gives a :class:`Result` with ``error`` set.

    Raises
    ------
    Interrupted
        On Ctrl-C (or a :class:`~paper_checks.run.isolation.Stop` signal), carrying the results of the
        claims that finished (in the claims' order); the workers are ended first.
    """
    from tqdm import tqdm

    claims = list(claims)
    limit = None if executor is not None else worker_limit(memory, max(1, min(jobs, len(claims))))
    isolate = bool(isolate) or timeout is not None or (memory is not None and memory != "auto")
    if executor is None and not isolate and (jobs <= 1 or len(claims) <= 1):
        return _run_here(claims, precision, seed, backend, show_progress, bar, on_result)

    order = schedule([c.id for c in claims], timings or {})
    # a registered claim pickles by reference (id and origin): the worker loads it itself
    tasks = [(c, precision, seed, backend.name) for c in claims]
    finished: dict[int, Result] = {}
    own = bar is None
    with (tqdm(total=len(claims), desc="claims", unit="claim", disable=not show_progress, leave=False) if own
          else contextlib.nullcontext(bar)) as bar:
        where: dict[int, str] = {}  # each claim's last progress message: where a time-out came

        def done(i: int, out: Any) -> None:
            if isinstance(out, Failure):
                timed_out = out.message.startswith("timed out")
                message = timed_out_message(out.message, where.get(i)) if timed_out else out.message
                finished[i] = Result(claims[i], None, timeout if timed_out else 0.0,
                                     error=message, traceback=message, precision=precision, seed=seed)
            else:
                ev, seconds, error, tb, data = out
                if claims[i].figures or (ev is not None and ev.figures):  # run --figures: they reuse the data
                    figdata.absorb(data)
                finished[i] = Result(claims[i], ev, seconds, error=error, traceback=tb, precision=precision, seed=seed)
            if on_result is not None:
                on_result(finished[i])
            bar.update(1)
            bar.set_postfix_str(claims[i].id)

        shown = [0.0]

        def progress(i: int, message: str) -> None:  # at most ten a second: a chatty check costs no terminal time
            where[i] = message
            now = time.monotonic()
            if show_progress and now - shown[0] >= 0.1:
                shown[0] = now
                bar.set_postfix_str(f"{claims[i].id}: {message}")

        try:
            run_tasks(claim_task, tasks, jobs=max(1, min(jobs, len(claims))), executor=executor, order=order,
                      done=done, spawn=backend.name != "numpy", timeout=timeout,
                      progress=progress, memory=limit)
        except KeyboardInterrupt as exc:
            raise Interrupted([finished[i] for i in sorted(finished)], stop_status(exc) - 128) from None
    return [finished[i] for i in range(len(claims))]


def _run_here(claims: list[Claim], precision: str, seed: int, backend: Backend, show_progress: bool,
              bar: Any = None, on_result: Callable[[Result], None] | None = None) -> list[Result]:
    """The claims one after another in this process (library use without a time limit)."""
    from tqdm import tqdm

    results: list[Result] = []
    own = bar is None
    if own:
        bar = tqdm(total=len(claims), desc="claims", unit="claim", disable=not show_progress, leave=False)
    try:
        for c in claims:
            bar.set_postfix_str(c.id)
            results.append(run_claim(c, precision, seed, backend,
                                     progress=(lambda m: bar.set_postfix_str(m)) if show_progress else None))
            if on_result is not None:
                on_result(results[-1])
            bar.update(1)
    except KeyboardInterrupt as exc:
        raise Interrupted(results, stop_status(exc) - 128) from None
    finally:
        if own:
            bar.close()
    return results


def claim_task(claim: Claim, precision: str, seed: int, backend_name: str
                ) -> tuple[Evidence | None, float, str | None, str | None, list[Any]]:
    """Worker side of :func:`run_all` (and of ``stability``): run one claim; evidence made plain JSON
    so it pickles. Returns ``(evidence, seconds, error, traceback, figure data)``, the last the claim's
    memoised figure data when the run shares it (:func:`paper_checks.figdata.shared`; ``run --figures``)."""
    try:
        r = run_claim(claim, precision, seed, get_backend(backend_name), progress=stage.progress)
    finally:
        stage.close()  # the stage thread sends nothing once the result may be on its way
    ev = r.evidence
    if ev is not None:  # the report only ever reads these through jsonable(): same JSON
        ev = dataclasses.replace(ev, numbers=jsonable(ev.numbers), counterexample=jsonable(ev.counterexample))
    return ev, r.seconds, memory_error(r.error), r.traceback, figdata.shared(claim.id)


# --------------------------------------------------------------------------- scheduling

def last_timings(path: Path, precision: str | None = None) -> dict[str, float]:
    """Seconds per claim id in a report written earlier (``{}`` when there is none, it is not a regular file,
    or it is not a report: then with a one-line warning, :func:`paper_checks.files.earlier_report`; also when
    ``precision`` is given and the report ran at another)."""
    return report_timings(path, precision)


def longest_first(keys: Sequence[str], timings: dict[str, float]) -> list[int]:
    """Indices of ``keys``, longest known time first; unknown keys first of all, ties in input order.

    Starting the long tasks first keeps the pool busy to the end (longest processing time first).
    """
    return sorted(range(len(keys)), key=lambda i: (-timings.get(keys[i], float("inf")), i))


def run_tasks(fn: Callable[..., Any], args: Sequence[tuple[Any, ...]], *, jobs: int = 1,
              executor: Executor | None = None, order: Sequence[int] | None = None,
              done: Callable[[int, Any], None] | None = None, spawn: bool = False,
              timeout: float | None = None, progress: Callable[[int, str], None] | None = None,
              memory: int | None = None) -> list[Any]:
    """``[fn(*a) for a in args]``, run serially, on a pool of ``jobs`` processes, or on ``executor``.

    Parameters
    ----------
    fn : a module-level function (it is pickled by name to the workers).
    order : the order in which to start the tasks (default: as given).
    done : called in this process as ``done(index, outcome)`` when a task finishes.
    spawn : start the pool's workers fresh (``spawn``) rather than by ``fork``; needed when
        this process holds a GPU context.
    timeout : seconds per task (``None``: no limit; not enforced on an ``executor``). With a
        limit, even ``jobs=1`` runs the tasks in a worker process
        (:class:`~paper_checks.run.isolation.WorkerPool`).
    progress : ``progress(index, message)`` for the messages a task passes to
        :func:`~paper_checks.run.isolation.report_progress` (pool workers only).
    memory : bytes of memory each pool worker may use (``None``: no limit; :mod:`paper_checks.run.memory`).
        With a limit, even ``jobs=1`` runs the tasks in a worker process; not enforced on an ``executor``.

    Returns
    -------
    The outcomes in the order of ``args``; a task that raised, ran past ``timeout`` or whose
    worker died (``os._exit``, a crash) has a :class:`Failure` in its place, and every other
    task still runs.
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
    elif jobs == 1 and timeout is None and memory is None:
        for i in order:
            try:
                value = fn(*args[i])
            except Exception as exc:  # as under the pool: the failure is the task's outcome
                value = Failure(describe(exc))
            finish(i, value)
    elif n:
        run_pooled(fn, args, order, finish, jobs=min(jobs, n), spawn=spawn, timeout=timeout, progress=progress,
                   memory=memory)
    return out


def _on_executor(executor: Executor, fn: Callable[..., Any], args: Sequence[tuple[Any, ...]],
                 order: list[int], finish: Callable[[int, Any], None]) -> None:
    futures = {}
    try:
        for i in order:
            futures[executor.submit(fn, *args[i])] = i
        for f in as_completed(futures):
            exc = f.exception()
            # a dead worker shows up here too (Dask: KilledWorker, after its retries)
            finish(futures[f], f.result() if exc is None else Failure(describe(exc)))
    except BaseException:  # Ctrl-C: withdraw what has not started; the caller closes the executor
        for f in futures:
            f.cancel()
        raise


#: seconds to wait for a Dask scheduler to answer
CONNECT_TIMEOUT = 20.0


def _connect(client_type: Any, scheduler: str, timeout: float | None = None) -> Any:
    """A Dask ``Client`` of ``scheduler``, or ``ValueError`` (one line) when it does not answer within ``timeout``.

    The client is made on a thread of its own, since a listener that accepts the connection and never
    answers holds ``Client(...)`` past its own ``timeout``; such a thread is a daemon and is left behind.
    """
    timeout = CONNECT_TIMEOUT if timeout is None else timeout
    box: list[Any] = []

    def connect() -> None:
        try:
            box.append(client_type(scheduler, timeout=f"{timeout:g}s"))
        except BaseException as exc:  # noqa: BLE001 (handed to the caller)
            box.append(exc)

    worker = threading.Thread(target=connect, name="dask-connect", daemon=True)
    worker.start()
    worker.join(timeout + 1.0)
    if not box:
        raise ValueError(f"cannot reach the Dask scheduler at {scheduler!r}: no answer within {timeout:g} s")
    if isinstance(box[0], BaseException):
        exc = box[0]
        raise ValueError(f"cannot reach the Dask scheduler at {scheduler!r}: {describe(exc)}") from None
    return box[0]


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
            client = stack.enter_context(_connect(Client, scheduler))
        else:
            cluster = stack.enter_context(LocalCluster(n_workers=local_workers, threads_per_worker=1,
                                                       processes=True, dashboard_address=None))
            client = stack.enter_context(Client(cluster))
        try:
            yield client.get_executor()
        except KeyboardInterrupt:  # Ctrl-C: the cluster's shutdown chatter (reschedules, kills) would bury the
            logging.getLogger("distributed").setLevel(logging.CRITICAL)  # one line that says what finished
            raise
