"""Writing the report: the formats and their files, rendering a format, writing a set of files.

A run's files in the report folder are swapped in as one set, so that a reader, or a process killed at any
instant (SIGKILL included), never leaves the folder with a mixed set of two runs' formats:

- the files are written whole into a fresh hidden folder ``OUT/.report-<token>/``;
- each ``OUT/report.<suffix>`` is a relative link to ``.report/report.<suffix>``, and ``OUT/.report`` is a
  link to the current hidden folder; the swap is **one** :func:`os.replace` of ``OUT/.report``. A format
  that one side of the swap lacks is a dangling link there, which readers see as no file; the links of
  formats this run did not write are removed after the swap;
- a folder of the earlier layout (plain ``report.*`` files) is first moved to it without changing what a
  reader sees (each plain file hard-linked into the current hidden folder, then replaced by its link);
- leftovers of a process killed mid-write (other ``.report-*`` folders, ``.report*.tmp`` files) are removed
  by the next writer, under the folder's lock.

One run's set is written under a lock on the folder (two writers never interleave). Where links cannot be
made, each file is replaced whole (:func:`paper_checks.files.atomic_write`) and stale formats removed, as
before. ``--json`` elsewhere is one file replaced whole. A target that is a device or a FIFO (``--json
/dev/null``, ``/dev/stdout``) is written through, never replaced.
"""
from __future__ import annotations

import contextlib
import json
import os
import secrets
import shutil
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
        if in_out and not any(is_special(paths[f]) for f in in_out) and _links_work(Path(out_dir)):
            for f, p in paths.items():
                if f not in in_out:
                    atomic_write(p, texts[f])
            _swap_in(Path(out_dir), {f: texts[f] for f in in_out})
            return tuple(paths.values())
        written = tuple(atomic_write(p, texts[f]) for f, p in paths.items())
        if in_out:
            _remove_stale(Path(out_dir), [f for f in FORMATS if f not in in_out])
            _clean_leftovers(Path(out_dir), keep=None)
        return written


CURRENT = ".report"
"""The link in the report folder to the hidden folder that holds the current set of files."""


def _links_work(out_dir: Path) -> bool:
    """Whether symbolic links can be made in ``out_dir`` (not on some Windows set-ups)."""
    if (out_dir / CURRENT).is_symlink():
        return True
    probe = out_dir / f".report.probe-{secrets.token_hex(4)}.tmp"
    try:
        os.symlink(CURRENT, probe)
    except (OSError, NotImplementedError, AttributeError):
        return False
    probe.unlink()
    return True


def _relink(link: Path, target: str) -> None:
    """Point ``link`` at ``target`` (a relative path) with one :func:`os.replace`: never absent on the way."""
    tmp = link.parent / f".report.link-{secrets.token_hex(4)}.tmp"
    os.symlink(target, tmp)
    try:
        os.replace(tmp, link)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise


def _fill(folder: Path, texts: dict[str, str]) -> None:
    for f, text in texts.items():
        with open(folder / f"report{SUFFIX[f]}", "wb") as fh:
            fh.write(text.encode("utf-8"))
            fh.flush()
            os.fsync(fh.fileno())
        os.chmod(folder / f"report{SUFFIX[f]}", 0o644)
    os.symlink("../figures", folder / "figures")  # a reader that resolves the links finds the figures too


def _swap_in(out_dir: Path, texts: dict[str, str]) -> None:
    """Make ``texts`` (format -> text) the report folder's set of files in one rename (module docstring)."""
    _clean_leftovers(out_dir, keep=None)
    new = out_dir / f"{CURRENT}-{secrets.token_hex(6)}"
    new.mkdir()
    _fill(new, texts)
    current = out_dir / CURRENT
    if not current.is_symlink():  # nothing of this layout yet: an empty set, which no link shows
        empty = out_dir / f"{CURRENT}-{secrets.token_hex(6)}"
        empty.mkdir()
        _relink(current, empty.name)
    here = out_dir / os.readlink(current)
    for f in FORMATS:  # the earlier layout's plain files join the current set unchanged, then become links
        p = out_dir / f"report{SUFFIX[f]}"
        if p.is_file() and not p.is_symlink():
            tmp = here / f".{p.name}.{secrets.token_hex(4)}.tmp"
            try:
                os.link(p, tmp)
            except OSError:
                shutil.copy2(p, tmp)
            os.replace(tmp, here / p.name)
            _relink(p, f"{CURRENT}/{p.name}")
    for f in texts:  # links of this run's formats; one the current set lacks dangles (no file) until the swap
        p = out_dir / f"report{SUFFIX[f]}"
        if not (p.is_symlink() and os.readlink(p) == f"{CURRENT}/{p.name}"):
            _relink(p, f"{CURRENT}/{p.name}")
    _relink(current, new.name)  # the swap: the new set, whole, in one rename
    for f in FORMATS:
        p = out_dir / f"report{SUFFIX[f]}"
        if f not in texts and p.is_symlink() and os.readlink(p) == f"{CURRENT}/{p.name}":
            p.unlink()
    _clean_leftovers(out_dir, keep=new.name)


def _clean_leftovers(out_dir: Path, keep: str | None) -> None:
    """Remove what a writer killed mid-write left (temporary files, hidden sets that are not current); under the
    folder's lock, so never another writer's work in progress."""
    current = out_dir / CURRENT
    keep = keep or (os.readlink(current) if current.is_symlink() else None)
    for p in out_dir.glob(f"{CURRENT}*"):
        if p.name in (CURRENT, keep, ".report.lock"):
            continue
        if p.name.startswith(f"{CURRENT}-") and p.is_dir() and not p.is_symlink():
            shutil.rmtree(p, ignore_errors=True)
        elif p.name.endswith(".tmp") and (p.is_symlink() or p.is_file()):
            p.unlink(missing_ok=True)


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
