"""``run``: run the selected claims (optionally drawing their figures) and write the report."""
from __future__ import annotations

import argparse
import contextlib
import datetime
import json
import multiprocessing
import os
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from paper_checks import figdata, report
from paper_checks.commands.arguments import executor_from_args, timeout_from_args
from paper_checks.commands.common import (
    OutputError,
    UsageError,
    check_output_dir,
    check_output_file,
    expand_claim_patterns,
    resolve_backend,
)
from paper_checks.precisions import PRECISIONS, RECORDED_AT
from paper_checks.registry import select
from paper_checks.report.live import LiveTable
from paper_checks.run import runner
from paper_checks.run.isolation import stop_status
from paper_checks.run.timings import known_timings


def run(args: argparse.Namespace) -> int:
    backend = resolve_backend(args.backend)
    formats = _checked_formats(args)
    if args.figures is None:  # by default, figures whenever a report that shows them is written (--no-figures)
        args.figures = "html" in formats or "md" in formats
    try:
        claims = select(args.paper, expand_claim_patterns(args.claim))
    except ValueError as exc:
        raise UsageError(str(exc)) from None
    started = datetime.datetime.now(datetime.timezone.utc)
    t0 = time.perf_counter()
    complete, status = True, 0
    share = figdata.sharing() if args.figures else contextlib.nullcontext()
    timings = _timings(args, claims)
    with share, _live(args, claims, timings) as live:  # with --figures the figures reuse the data their claims computed
        live.open()
        try:
            results = _run_scheduled(args, claims, backend, live, timings)
        except runner.Interrupted as stop:
            results, complete, status = stop.results, False, 128 + stop.signum
        if complete and args.figures:
            live.finishing()
            try:
                _draw_figures(results, args, live.bar, backend.name)
            except KeyboardInterrupt as exc:  # the claims are done: keep them, without the remaining figures
                status = stop_status(exc)
        if complete:  # the table's closing counts; a stopped run says so in one line on stderr instead
            live.close()
    precision = report_precision(claims, args.precision)
    prov = report.provenance(backend=backend.name, seed=args.seed, precision=precision,
                             wall_seconds=time.perf_counter() - t0, started=started,
                             argv=["python -m paper_checks", *sys.argv[1:]] if sys.argv else None)
    doc = report.to_json(results, backend=backend.name, seed=args.seed, precision=precision, prov=prov,
                         complete=complete, planned=len(claims))
    return _write_and_tell(doc, args, formats, results, claims, complete, status)


def _checked_formats(args: argparse.Namespace) -> list[str]:
    """The report formats to write; every output place is checked before any claim runs (a run is never lost
    to a bad path)."""
    default = ["json"] if args.json is not None else ["md", "html", "json", "bib"]
    formats = args.format if args.format is not None else default
    if args.json is not None and "json" not in formats:
        formats = [*formats, "json"]
    paths = report.targets(args.out, formats, args.json)
    check_output_dir(args.out, "--out")
    for fmt, path in paths.items():
        check_output_file(path, "--json" if fmt == "json" and args.json is not None else "--out")
    return formats


def _write_and_tell(doc: dict, args: argparse.Namespace, formats: list[str], results: list, claims: list,
                    complete: bool, stopped: int) -> int:
    """Write the report and say how the run ended: ``128 + signal`` when stopped (130 for Ctrl-C), 74 when the
    report cannot be written, else 0 when every verdict is as expected."""
    if not complete:
        written = _write_or_rescue(doc, args, formats)
        print(f"interrupted: {len(results)} of {len(claims)} claims finished; partial report (marked incomplete) in "
              f"{', '.join(map(str, written))}", file=sys.stderr)
        return stopped
    written = _write_or_rescue(doc, args, formats)
    if stopped:  # while drawing the figures
        print(f"interrupted while drawing figures; the report of all {len(results)} claims is in "
              f"{', '.join(map(str, written))}", file=sys.stderr)
        return stopped
    print("wrote " + ", ".join(map(str, written)))
    return 0 if all(r.matches for r in results) else 1


def _live(args: argparse.Namespace, claims: list, timings: dict[str, float]) -> LiveTable:
    """The run's verdict lines as they come (stdout) and its one progress bar (stderr, where it is a terminal):
    the claims, then the figures they draw (``--figures``); the ETA from ``timings``."""
    figures = len(_figure_names(claims)) if args.figures else 0
    jobs = args.jobs or getattr(args, "dask_local", None) or runner.default_jobs()
    return LiveTable(claims, timings, jobs, steps=len(claims) + figures, show_bar=not args.quiet,
                     desc="claims" + (" and figures" if figures else ""))


def _figure_names(items: list) -> list[str]:
    """The figures of claims (declared) or of results (those their evidence names, else the declared ones)."""
    out = []
    for x in items:
        ev = getattr(x, "evidence", None)
        claim = getattr(x, "claim", x)
        out += ev.figures if ev is not None else claim.figures
    return list(dict.fromkeys(out))


def precision_groups(claims: list, precision: str | None) -> dict[str, list]:
    """``{precision: its claims}`` in the claims' order: ``--precision`` for all, or each claim at the precision its
    ``expected=`` was recorded at (``expected_at``, :data:`paper_checks.precisions.RECORDED_AT` unless stated), so
    that ``run`` and ``pytest --claims`` check one recorded verdict at one precision."""
    groups: dict[str, list] = {}
    for c in claims:
        groups.setdefault(precision or c.expected_at, []).append(c)
    return groups


def report_precision(claims: list, precision: str | None) -> str:
    """The precision a report of ``claims`` is labelled with: ``--precision``, the claims' one recorded precision,
    or ``"as recorded"`` when they were recorded at several (each claim's entry says its own)."""
    groups = precision_groups(claims, precision)
    return next(iter(groups)) if len(groups) == 1 else "as recorded"


def _timings(args: argparse.Namespace, claims: list) -> dict[str, float]:
    """Each claim's seconds at the precision it runs at (:func:`precision_groups`): shipped, or this machine's from
    the earlier report (:func:`paper_checks.run.timings.known_timings`)."""
    path = args.json if args.json is not None else args.out / "report.json"
    out: dict[str, float] = {}
    for precision, group in precision_groups(claims, args.precision).items():
        known = known_timings(path, precision)
        out.update((c.id, known[c.id]) for c in group if c.id in known)
    return out


def _run_scheduled(args: argparse.Namespace, claims: list, backend: object, live: LiveTable,
                   timings: dict[str, float]) -> list:
    """Run ``claims`` where ``--jobs``/``--scheduler``/``--dask-local`` say, in the order of ``timings``
    (:func:`paper_checks.run.timings.schedule`), each at ``--precision`` or at its recorded precision
    (:func:`precision_groups`), each verdict line printed as it comes; results in the claims' order."""
    done: dict[str, Any] = {}
    try:
        with executor_from_args(args) as (executor, jobs):
            for precision, group in precision_groups(claims, args.precision).items():
                try:
                    got = runner.run_all(group, precision, args.seed, backend, show_progress=not args.quiet,
                                         jobs=jobs, executor=executor, timings=timings,
                                         timeout=timeout_from_args(args, precision), isolate=True, bar=live.bar,
                                         memory=args.memory, on_result=live.add)
                except runner.Interrupted as stop:  # the groups that finished are kept with the stopped one's
                    stop.results = [*done.values(), *stop.results]
                    raise
                done.update((r.claim.id, r) for r in got)
    except ValueError as exc:
        raise UsageError(str(exc)) from None
    return [done[c.id] for c in claims]


def _write_or_rescue(doc: dict, args: argparse.Namespace, formats: list[str]) -> tuple[Path, ...]:
    """Write the report; if that fails after all (disk full, folder removed), save the JSON elsewhere and raise
    :class:`OutputError` (exit status 74) saying where."""
    try:
        return report.write(doc, args.out, args.json, formats, tracebacks=args.traceback)
    except OSError as exc:
        why = exc.strerror or str(exc)
        try:
            fd, rescue = tempfile.mkstemp(prefix="lnl-report-", suffix=".json")
            with os.fdopen(fd, "w") as f:
                json.dump(doc, f, indent=1)
        except OSError as again:
            raise OutputError(f"could not write the report ({why}), nor save it in the temporary folder "
                              f"({again.strerror or again})") from None
        raise OutputError(f"could not write the report ({why}); the results are saved in {rescue}") from None


def _draw_figures(results: list, args: argparse.Namespace, bar: Any = None, backend: str = "numpy") -> None:
    """Draw the figures of the claims that ran, into ``--out``/figures, with the run's seed and precision.

    They are drawn on ``--jobs`` worker processes started now, by ``fork``: each inherits the data the claims'
    workers sent back (:func:`paper_checks.figdata.absorb`), so a figure computes nothing its claim computed.
    A figure that fails (or runs past ``--timeout``) is a warning; the report is kept. On a GPU backend (a CUDA
    context must not be forked) the figures are drawn in this process, one after another.
    """
    # imported here: the arrow paper_checks -> figures exists only at call time (tests/test_architecture.py)
    from label_noise_lab.figures.registry import load

    known = load()
    names = _figure_names(results)
    for name in [n for n in names if n not in known]:
        print(f"warning: figure {name!r} is not registered; skipped", file=sys.stderr)
    names = [n for n in names if n in known]
    if bar is not None:  # the evidence may name other figures than the claims declared
        bar.total = bar.n + len(names)
        bar.refresh()

    def done(i: int, out: Any) -> None:
        if isinstance(out, runner.Failure):  # a failing figure must not lose the run's report
            print(f"warning: figure {names[i]!r} failed: {out.message}", file=sys.stderr)
        if bar is not None:
            bar.update(1)
            bar.set_postfix_str(names[i])

    forked = "fork" in multiprocessing.get_all_start_methods() and backend == "numpy"  # a GPU context never forks
    jobs = max(1, min(args.jobs or runner.default_jobs(), len(names))) if forked else 1
    precision = report_precision([r.claim for r in results], args.precision)
    precision = precision if precision in PRECISIONS else RECORDED_AT  # claims recorded at several: the default
    runner.run_tasks(_build_figure, [(n, args.out / "figures", precision, args.seed) for n in names],
                     jobs=jobs, done=done, timeout=timeout_from_args(args) if forked else None)


def _build_figure(name: str, out: Path, precision: str, seed: int) -> Path:
    """Worker side of :func:`_draw_figures`: one figure, PNG, with its CSV data and caption."""
    from label_noise_lab.figures.registry import build  # see _draw_figures

    return build(name, out, "png", precision=precision, seed=seed)
