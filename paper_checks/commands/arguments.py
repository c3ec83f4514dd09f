"""The command line's options that several commands share, and how they are read: one home each.

* :func:`whole_arg` -- the type of ``--budget``, ``--jobs`` and ``--dask-local``;
* :func:`seed_arg` -- the type of ``--seed`` and ``--claims-seed`` (``python -m paper_checks``, ``python -m
  figures``, the pytest plugin);
* :func:`limit_arg` -- the type of every time limit: ``--timeout`` (``run``, ``stability``, ``explore``, ``loss``,
  ``losses``) and ``--claims-timeout`` (the pytest plugin) take ``0`` or ``none`` for no limit, one meaning
  everywhere; ``--prove-seconds`` (a safety net) takes no "no limit";
* :func:`add_timeout_argument`, :func:`timeout_from_args` -- ``--timeout`` and its default by ``--precision``
  (:data:`paper_checks.precisions.DEFAULT_TIMEOUT`); :func:`seconds_or_none` -- a parsed limit as the run
  machinery takes it (``None``: no limit);
* :func:`prove_work_arg` -- ``--prove-work``; :func:`formats_arg` -- ``--format``;
* :func:`add_memory_argument`, :func:`memory_arg` -- ``--memory`` (:mod:`paper_checks.run.memory`);
* :func:`add_executor_arguments`, :func:`executor_from_args` -- ``--jobs``, ``--scheduler``, ``--dask-local`` and
  the executor they ask for (:mod:`paper_checks.run.runner`).

The run machinery below takes plain values (seconds, an executor); only the command line parses text. This
module imports the run machinery only inside the functions that need it: the pytest plugin reads ``seed_arg``
and ``limit_arg`` from here and must load nothing beyond the standard library until claims are asked for.
"""
from __future__ import annotations

import argparse
import contextlib
import math
import re
from typing import TYPE_CHECKING, Any, Callable, Iterator

from label_noise_lab.theory.validators import quoted
from paper_checks.deadline import limit_text
from paper_checks.precisions import DEFAULT_TIMEOUT


class UsageError(Exception):
    """A usage error: one line on stderr, exit status 2 (defined here, beside the parser's own options, so that the
    parser reports one before any heavy import)."""


class OutputError(Exception):
    """The results could not be written after the work ran (disk full): exit status 74 (``EX_IOERR``), one line."""

    status = 74


if TYPE_CHECKING:
    from concurrent.futures import Executor


def seed_arg(text: str) -> int:
    """argparse type of a seed option (``--seed``, ``--claims-seed``): a non-negative integer (NumPy's
    ``SeedSequence`` refuses negatives). argparse names the option before the message."""
    try:
        v = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"must be a non-negative integer, got {quoted(text)}") from None
    if v < 0:
        raise argparse.ArgumentTypeError(f"must be a non-negative integer, got {quoted(text)}")
    return v


def whole_arg(text: str) -> int:
    """argparse type of a whole-number option (``--budget``, ``--jobs``, ``--dask-local``): decimal digits with an
    optional sign; the option's range is checked where it is used. ``type=int`` quoted a million digits whole
    (and read ``1_0`` as 10): this quotes them cut (:func:`label_noise_lab.theory.validators.quoted`)."""
    t = text.strip()
    if not re.fullmatch(r"[+-]?[0-9]+", t):
        raise argparse.ArgumentTypeError(f"must be a whole number in decimal digits, got {quoted(text)}")
    try:
        return int(t)
    except ValueError:  # over Python's 4300-digit limit of str -> int
        raise argparse.ArgumentTypeError(f"must be a whole number of at most 4300 digits, got {quoted(text)}") from None


def limit_arg(option: str, *, no_limit: bool = True) -> Callable[[str], float]:
    """argparse type of the time limit ``option``: seconds by :func:`~paper_checks.deadline.limit_text`
    (positive, finite, at most :data:`~paper_checks.deadline.MAX_SECONDS`); with ``no_limit``, ``0`` or ``none``
    for no limit (``inf``). argparse names the option before the message."""
    def parse(text: str) -> float:
        try:
            t = limit_text(option, text, no_limit=no_limit)
        except ValueError as exc:
            raise argparse.ArgumentTypeError(str(exc).removeprefix(option + " ")) from None
        return math.inf if t is None else t

    parse.__name__ = option.lstrip("-").replace("-", "_")  # argparse's "invalid <name> value" names it
    return parse


#: argparse type of ``--timeout`` in every command: seconds, ``0`` or ``none`` for no limit
timeout_arg = limit_arg("--timeout")
#: argparse type of ``explore --prove --prove-seconds``: the prover's wall-clock net, never "no limit"
prove_seconds_arg = limit_arg("--prove-seconds", no_limit=False)


def seconds_or_none(t: float | None) -> float | None:
    """A parsed limit as the run machinery and the trials take it: ``None`` for no limit (``inf``)."""
    return None if t is None or t == math.inf else float(t)


def add_timeout_argument(parser: Any, what: str = "claim", help: str | None = None,
                         default: float | None = None) -> None:
    """Add ``--timeout SECONDS`` (:data:`timeout_arg`); ``default`` ``None``: by ``--precision``
    (:data:`paper_checks.precisions.DEFAULT_TIMEOUT`)."""
    defaults = ", ".join(f"{k} {v:g}" for k, v in DEFAULT_TIMEOUT.items())
    parser.add_argument("--timeout", type=timeout_arg, default=default, metavar="SECONDS",
                        help=help or f"time limit per {what}; one over it is its error ('timed out after N s') and "
                                     f"the rest run on (default by --precision: {defaults}; 0 for none)")


def memory_arg(text: str) -> int | str | None:
    """argparse type of ``--memory``: a size (``2G``, ``512M``; bytes), ``auto`` (the default share of the
    machine) or ``none``/``0`` (no limit), by :func:`paper_checks.run.memory.parse_size`."""
    from paper_checks.run.memory import parse_size
    try:
        return parse_size("--memory", text)
    except (TypeError, ValueError) as exc:
        raise argparse.ArgumentTypeError(str(exc).removeprefix("--memory ")) from None


def add_memory_argument(parser: Any, what: str = "claim") -> None:
    """Add ``--memory SIZE`` (default ``auto``: half the machine's memory shared among the workers, at least
    2 GiB; :func:`paper_checks.run.memory.default_limit`)."""
    parser.add_argument("--memory", type=memory_arg, default="auto", metavar="SIZE",
                        help=f"memory limit per {what} (2G, 512M, ...); one over it is its error ('over its memory "
                             "limit of ...') and the rest run on (default auto: half the machine's memory shared "
                             "among the workers, at least 2 GiB; none for no limit)")


def timeout_from_args(args: Any, precision: str | None = None) -> float | None:
    """The time limit that ``--timeout`` and ``--precision`` (or ``precision``) give (``None``: no limit)."""
    t = getattr(args, "timeout", None)
    if t is None:
        p = precision or getattr(args, "precision", None) or "standard"
        t = DEFAULT_TIMEOUT.get(p, DEFAULT_TIMEOUT["standard"])
    return seconds_or_none(t)


def prove_work_arg(text: str) -> float:
    """argparse type of ``--prove-work``: a finite, positive number of work units (the prover's door's rule)."""
    from paper_checks.work import units as work_units  # lazy: the pytest plugin imports this module

    try:
        return work_units("--prove-work", float(text))
    except (TypeError, ValueError) as exc:
        raise argparse.ArgumentTypeError(str(exc).removeprefix("--prove-work ")) from None


def formats_arg(text: str) -> list[str]:
    """argparse type of ``--format``: a comma-separated subset of ``md,html,json,latex,csv,bib``."""
    from paper_checks.report import FORMATS  # lazy: report loads only when --format is given, not for --help

    got = [f.strip().lower() for f in text.split(",") if f.strip()]
    bad = [f for f in got if f not in FORMATS]
    if bad or not got:
        raise argparse.ArgumentTypeError(f"unknown report format {quoted((bad or [text])[0])}; choose from "
                                          f"{','.join(FORMATS)}")
    return list(dict.fromkeys(got))


def add_executor_arguments(parser: argparse.ArgumentParser) -> None:
    """Add ``--jobs``, ``--scheduler`` and ``--dask-local`` to a command's parser."""
    from paper_checks.run.cores import default_jobs  # standard library only: the parser stays light

    g = parser.add_argument_group("where to run")
    g.add_argument("--jobs", type=whole_arg, default=None, metavar="N",
                   help=f"worker processes on this machine (default: the cores this process may use, "
                        f"{default_jobs()} here; 1 runs one task at a time)")
    g.add_argument("--scheduler", default=None, metavar="ADDRESS",
                   help="run on the Dask distributed cluster of this scheduler (e.g. tcp://host:8786; "
                        "needs the 'distributed' extra)")
    g.add_argument("--dask-local", type=whole_arg, default=None, metavar="N",
                   help="run on a local Dask cluster of N single-threaded workers (needs the 'distributed' extra)")


@contextlib.contextmanager
def executor_from_args(args: argparse.Namespace) -> Iterator[tuple[Executor | None, int]]:
    """``(executor, jobs)`` for the options of :func:`add_executor_arguments`.

    ``executor`` is ``None`` unless a Dask cluster was asked for; it is closed on exit.
    Raises ``ValueError`` (one line) for contradictory or impossible options.
    """
    from paper_checks.run.runner import dask_executor, default_jobs
    jobs, scheduler = getattr(args, "jobs", None), getattr(args, "scheduler", None)
    local = getattr(args, "dask_local", None)
    if sum(x is not None for x in (jobs, scheduler, local)) > 1:
        raise ValueError("choose one of --jobs, --scheduler and --dask-local")
    if jobs is not None and jobs < 1:
        raise ValueError(f"--jobs must be at least 1, got {quoted(jobs)}")
    if local is not None and local < 1:
        raise ValueError(f"--dask-local must be at least 1, got {quoted(local)}")
    if scheduler is None and local is None:
        yield None, default_jobs() if jobs is None else jobs
        return
    with dask_executor(scheduler=scheduler, local_workers=local) as ex:
        yield ex, 1
