"""Small shared helpers of the instrument that ``figures`` may import too: one home each.

* :func:`seed_arg` -- argparse type of ``--seed`` (``python -m paper_checks`` and ``python -m figures``);
* :func:`atomic_write` -- a file written whole (temporary file and :func:`os.replace`);
* :func:`records_csv` -- records (mappings) as CSV text.
"""
from __future__ import annotations

import argparse
import csv
import io
import os
import tempfile
from pathlib import Path
from typing import Any, Iterable, Mapping, Sequence


def seed_arg(text: str) -> int:
    """argparse type of ``--seed``: a non-negative integer (NumPy's ``SeedSequence`` refuses negatives)."""
    try:
        v = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"--seed must be a non-negative integer, got {text!r}") from None
    if v < 0:
        raise argparse.ArgumentTypeError(f"--seed must be a non-negative integer, got {text!r}")
    return v


def atomic_write(path: Path, data: str | bytes) -> Path:
    """Write ``data`` to ``path`` through a temporary file in the same folder and :func:`os.replace`.

    The folder must exist. Readers see the old file or the new one, never a partial one, even
    when several processes write the same path at once (the last ``os.replace`` wins whole).
    Text is written as UTF-8, newlines untranslated.
    """
    path = Path(path)
    raw = data.encode("utf-8") if isinstance(data, str) else data
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(raw)
            f.flush()
            os.fsync(f.fileno())
        os.chmod(tmp, 0o644)
        os.replace(tmp, path)
    except BaseException:
        try:
            os.unlink(tmp)
        except FileNotFoundError:
            pass
        raise
    return path


def records_csv(rows: Iterable[Mapping[str, Any]], columns: Sequence[str] | None = None) -> str:
    """Records as CSV text, one row each, ``\\n`` line ends.

    ``columns`` defaults to the keys in first-seen order. A missing key or ``None`` is written
    empty; floats in full (``repr``), everything else as :class:`csv.writer` writes it.
    """
    rows = list(rows)
    cols = list(columns) if columns is not None else list(dict.fromkeys(k for r in rows for k in r))
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(cols)
    for r in rows:
        w.writerow([repr(v) if isinstance(v, float) else ("" if v is None else v) for v in (r.get(k) for k in cols)])
    return buf.getvalue()
