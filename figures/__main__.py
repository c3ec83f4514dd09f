"""``python -m label_noise_lab.figures``: build every figure (PNG by default) with its CSV data and caption."""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

from tqdm import tqdm

from label_noise_lab.figures.registry import FORMATS, build, load
from paper_checks.cli import UsageError, load_modules
from paper_checks.commands.arguments import (
    add_executor_arguments,
    add_timeout_argument,
    executor_from_args,
    seed_arg,
    timeout_from_args,
)
from paper_checks.commands.common import resolve_backend
from paper_checks.precisions import PRECISIONS, RECORDED_AT
from paper_checks.run.isolation import stop_signals, stop_status
from paper_checks.run.runner import Failure, run_tasks


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m label_noise_lab.figures", description="Build the publication figures.")
    ap.add_argument("--format", default="png", choices=FORMATS)
    ap.add_argument("--out", type=Path, default=Path("figures_out"), metavar="DIR")
    ap.add_argument("--only", nargs="+", action="extend", default=[], metavar="NAME",
                    help="build only these figures (repeatable: --only A --only B builds both)")
    ap.add_argument("--precision", default=RECORDED_AT, choices=PRECISIONS,
                    help="precision of the claims' computations the figures draw (as in paper_checks run)")
    ap.add_argument("--seed", type=seed_arg, default=0, help="global seed, as in paper_checks run (default 0)")
    ap.add_argument("--list", action="store_true", help="list the figures and exit")
    ap.add_argument("--backend", default=None, help="auto|numpy|cupy (default: $LNL_BACKEND or auto), checked as "
                    "paper_checks run checks it; figures are drawn on the host (NumPy)")
    ap.add_argument("--module", action="append", default=[], metavar="FILE_OR_MODULE",
                    help="also load this claims file or dotted module and its figures (repeatable)")
    add_executor_arguments(ap)
    add_timeout_argument(ap, "figure")
    args = ap.parse_args(argv)
    with stop_signals():  # SIGTERM and SIGHUP stop the build as Ctrl-C does
        return _main(args)


def _main(args: argparse.Namespace) -> int:
    try:
        resolve_backend(args.backend, host_only="figures are drawn and their data computed")  # refused as run does
        load_modules(args.module)  # workers load them too, through $LNL_CLAIMS
        figs = load()
    except UsageError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    if args.list:
        for name, spec in figs.items():
            print(f"{name:<32} {spec.claim or '-'}")
        return 0
    unknown = [n for n in args.only if n not in figs]
    if unknown:
        print(f"error: unknown figure {unknown[0]!r}; known: {', '.join(figs)}", file=sys.stderr)
        return 2
    if args.out.exists() and not args.out.is_dir():
        print(f"error: --out {str(args.out)!r} is a file, not a directory", file=sys.stderr)
        return 2
    names = list(dict.fromkeys(args.only)) or list(figs)
    failed = 0
    try:
        with tqdm(total=len(names), desc="figures", unit="fig", leave=False) as bar:
            def done(i: int, path: object) -> None:  # --jobs: figures build in worker processes
                nonlocal failed
                bar.update(1)
                if isinstance(path, Failure):
                    failed += 1
                    tqdm.write(f"error: figure {names[i]!r} failed: {path.message}", file=sys.stderr)
                else:
                    tqdm.write(f"wrote {path} (+ .csv, .txt)")

            with executor_from_args(args) as (executor, jobs):
                run_tasks(_build, [(n, args.out, args.format, args.precision, args.seed) for n in names],
                          jobs=jobs, executor=executor, done=done, timeout=timeout_from_args(args))
    except ValueError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt as exc:
        print("interrupted", file=sys.stderr)
        return stop_status(exc)
    return 1 if failed else 0


def _build(name: str, out: Path, fmt: str, precision: str, seed: int) -> Path:
    return build(name, out, fmt, precision=precision, seed=seed)


if __name__ == "__main__":
    raise SystemExit(main())
