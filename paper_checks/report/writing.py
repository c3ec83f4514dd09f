"""Writing the report: the formats and their files, rendering a format, writing a set of files.

Every file is written to a temporary file in its target folder and moved into place with
:func:`os.replace` (:func:`paper_checks.files.atomic_write`), and one run's set of files is written
under a lock on the folder, so a reader sees either the old report or the new one, never a
half-written or mixed one. The formats an earlier run left in the report folder that this run does
not write are removed with it (a folder never holds a mixed set). A target that is a device or a
FIFO (``--json /dev/null``, ``/dev/stdout``) is written through, never replaced.
"""
from __future__ import annotations

import contextlib
import json
from pathlib import Path
from typing import Any, Iterable, Iterator

from paper_checks.files import atomic_write, is_special
from paper_checks.report.citing import bibtex
from paper_checks.report.html_page import html
from paper_checks.report.latex_csv import csv_text, latex
from paper_checks.report.md import markdown

FORMATS = ("md", "html", "json", "latex", "csv", "bib")
SUFFIX = {"md": ".md", "html": ".html", "json": ".json", "latex": ".tex", "csv": ".csv", "bib": ".bib"}


def render(doc: dict[str, Any], fmt: str, fig_dir: Path | None = None) -> str:
    """The report ``doc`` in format ``fmt`` (one of :data:`FORMATS`)."""
    if fmt == "json":
        return json.dumps(doc, indent=1, ensure_ascii=False) + "\n"
    if fmt == "md":
        return markdown(doc, fig_dir)
    if fmt == "html":
        return html(doc, fig_dir)
    if fmt == "latex":
        return latex(doc)
    if fmt == "csv":
        return csv_text(doc)
    if fmt == "bib":
        return bibtex(doc)
    raise ValueError(f"unknown report format {fmt!r}; choose from {', '.join(FORMATS)}")


def targets(out_dir: Path, formats: Iterable[str], json_path: Path | None = None) -> dict[str, Path]:
    """The file each format goes to: ``out_dir/report.<suffix>``, JSON to ``json_path`` when given."""
    out = {f: Path(out_dir) / f"report{SUFFIX[f]}" for f in formats}
    if json_path is not None and "json" in out:
        out["json"] = Path(json_path)
    return out


def write(doc: dict[str, Any], out_dir: Path, json_path: Path | None = None,
          formats: Iterable[str] = ("json", "md", "html"), *, tracebacks: bool = False) -> tuple[Path, ...]:
    """Write the report in ``formats`` (atomically, each file whole) and return the paths written.

    ``report.json`` always keeps a crashing check's full traceback; the other formats show it
    only with ``tracebacks=True`` (``--traceback``), its last line otherwise (in the summary).
    """
    paths = targets(out_dir, formats, json_path)
    for p in paths.values():
        if not is_special(p):
            p.parent.mkdir(parents=True, exist_ok=True)
    human = doc if tracebacks else {**doc, "claims": [{k: v for k, v in c.items() if k != "traceback"}
                                                      for c in doc["claims"]]}
    texts = {f: render(doc if f == "json" else human, f, Path(out_dir)) for f in paths}  # rendered before locking
    in_out = [f for f, p in paths.items() if p == targets(out_dir, [f])[f]]
    lock_dir = next((p.parent for p in paths.values() if not is_special(p)), None)
    with _folder_lock(lock_dir):  # one run's set of files at a time: never a mix of two runs
        written = tuple(atomic_write(p, texts[f]) for f, p in paths.items())
        if in_out:
            _remove_stale(Path(out_dir), [f for f in FORMATS if f not in in_out])
        return written


def _remove_stale(out_dir: Path, others: list[str]) -> None:
    """Remove the report files of ``others`` (formats) that an earlier run left in ``out_dir`` (regular files only)."""
    for f in others:
        p = out_dir / f"report{SUFFIX[f]}"
        if p.is_file() and not p.is_symlink():
            p.unlink()


@contextlib.contextmanager
def _folder_lock(folder: Path | None) -> Iterator[None]:
    """An exclusive advisory lock on ``folder/.report.lock`` (POSIX ``flock``; no lock where it is missing, or
    for ``None``: nothing is written into a folder)."""
    if folder is None:
        yield
        return
    try:
        import fcntl  # POSIX only: imported here so that the module imports where it is missing
    except ImportError:  # pragma: no cover (Windows): each file is still replaced whole
        yield
        return
    with open(folder / ".report.lock", "a") as fh:
        fcntl.flock(fh.fileno(), fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(fh.fileno(), fcntl.LOCK_UN)
