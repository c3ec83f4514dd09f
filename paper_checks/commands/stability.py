"""``stability``: the stochastic claims over several seeds, or the merge of earlier runs' tables."""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

from tqdm import tqdm

from label_noise_lab.theory.validators import quoted_path
from paper_checks.commands.arguments import executor_from_args, timeout_from_args
from paper_checks.commands.common import (
    OutputError,
    UsageError,
    check_output_dir,
    check_output_file,
    resolve_backend,
)
from paper_checks.run import stability as st


def stability(args: argparse.Namespace) -> int:
    """Exit 0 when every claim gave one verdict on every seed, 1 otherwise; ``128 + signal`` when stopped (the
    runs that finished are written, marked incomplete)."""
    outputs = _outputs(args)
    if args.merge:
        return _merge(args, outputs)
    backend = resolve_backend(args.backend)
    try:
        seeds = st.parse_seeds(args.seeds)
        claims = st.stochastic_claims(args.claim, getattr(args, "paper", []))
    except ValueError as exc:
        raise UsageError(str(exc)) from None
    done: list = []
    position = {c.id: k for k, c in enumerate(claims)}
    bar = tqdm(total=len(claims) * len(seeds), desc="stability", unit="run", leave=False,
               disable=getattr(args, "quiet", False))

    def on_result(cs, seed):
        bar.update(1)
        bar.set_postfix_str(f"{cs.id} seed {seed}")
        if len(cs.verdicts) == len(seeds):
            done.append(cs)
            done.sort(key=lambda row: position[row.id])  # the claims' order, whichever finished first
            _write(outputs, done, seeds, args.precision, backend.name)

    try:
        with executor_from_args(args) as (executor, jobs):
            rows = st.run_stability(claims, seeds, args.precision, backend, on_result=on_result,
                                    jobs=jobs, executor=executor, timeout=timeout_from_args(args),
                                    memory=args.memory)
    except st.StabilityInterrupted as stop:
        bar.close()
        why = f"stopped by signal {stop.signum}" if stop.signum != 2 else "stopped by Ctrl-C"
        _write(outputs, stop.rows, seeds, args.precision, backend.name, why)
        runs = sum(len(r.verdicts) for r in stop.rows)
        print(f"interrupted: {runs} of {len(claims) * len(seeds)} runs finished"
              + (f"; partial table (marked incomplete) in {', '.join(map(str, outputs.values()))}" if outputs else ""),
              file=sys.stderr)
        return 128 + stop.signum
    except ValueError as exc:
        raise UsageError(str(exc)) from None
    finally:
        bar.close()
    print(st.markdown(rows, seeds, args.precision, backend.name))
    return 0 if all(r.stable for r in rows) else 1


def _outputs(args: argparse.Namespace) -> dict[str, Path]:
    """Where the table goes (``--json``, ``--md``, or ``stability.json``/``.md`` in ``--out``), checked before any
    seed runs."""
    out: dict[str, Path] = {}
    folder = getattr(args, "out", None)
    if folder is not None:
        check_output_dir(folder, "--out")
        out = {"json": folder / "stability.json", "md": folder / "stability.md"}
    for fmt in ("json", "md"):
        path = getattr(args, fmt)
        if path is not None:
            if not path.parent.is_dir() and path.parent.exists():
                raise UsageError(f"--{fmt} {quoted_path(path)}: {quoted_path(path.parent)} is not a directory")
            check_output_file(path, f"--{fmt}")
            out[fmt] = path
    for path in out.values():
        if folder is not None and path.parent == folder:
            check_output_file(path, "--out")
    return out


def _write(outputs: dict[str, Path], rows: list, seeds: list[int], precision: str, backend: str,
           stopped: str | None = None) -> None:
    """Write the table to ``outputs``, each file whole; a failure (disk full) is one line (exit 74), never a
    traceback."""
    try:
        if "md" in outputs:
            st.write_text(outputs["md"], st.markdown(rows, seeds, precision, backend, stopped) + "\n")
        if "json" in outputs:
            st.write_json(rows, seeds, precision, backend, outputs["json"], stopped)
    except OSError as exc:
        raise OutputError(f"cannot write the stability table: {exc.strerror or exc}") from None


def _merge(args: argparse.Namespace, outputs: dict[str, Path]) -> int:
    """``--merge``: run nothing, combine the ``--json`` tables of earlier runs into one."""
    try:
        order = [c.id for c in st.stochastic_claims()]
        rows, seeds, precision, backend_name = st.merge_json(args.merge, order)
    except (OSError, ValueError, KeyError, TypeError, AttributeError) as exc:
        raise UsageError(f"cannot merge {', '.join(map(str, args.merge))}: {exc}") from None
    _write(outputs, rows, seeds, precision, backend_name)
    print(st.markdown(rows, seeds, precision, backend_name))
    return 0 if all(r.stable for r in rows) else 1
