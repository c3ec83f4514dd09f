"""Writing the report: the formats and their files, rendering a format, writing a set of files.

What a run leaves in the report folder ``OUT`` is plain files, ``OUT/report.<suffix>`` (and ``OUT/figures/``),
which a copy, an attachment and ``git add`` all keep whole:

- the whole set is switched in at once (:func:`_switch_set`): a staging folder beside ``OUT``
  (``.<OUT's name>.report-<12 hex digits>``) gets the new report files and a hard-linked mirror of everything
  else in ``OUT`` (figures, a user's files), and the kernel exchanges the two folders in one step
  (``renameat2(RENAME_EXCHANGE)``, Linux >= 3.15); the old folder, now at the staging name, is removed. A
  writer killed at any moment leaves ``OUT`` holding either the previous whole set or the new whole set, and at
  most a staging folder, which the next writer removes. The formats this run did not write are gone with the
  old folder;
- where the exchange is not possible or not wise (not Linux, a file system without it, ``OUT`` a mount point,
  the home folder or this process's working folder, a parent folder not writable, something in ``OUT`` that
  cannot be hard-linked, more than :data:`MIRROR_MOST` entries in ``OUT``: not a report folder, and a file
  another program adds while the mirror is made would be lost with the old folder)
  every file is written whole into a temporary file beside it and all of them are renamed into place one after
  another (:func:`os.replace`; a reader sees an old file or a new one, never a partial one);
- each file names its run (the run id: report.json's provenance, the Markdown and HTML provenance table,
  report.tex's first line, report.bib's key, report.csv's column), and :func:`mixed_set` tells a folder whose
  files come from two runs (only the file-by-file way can leave one: a writer killed between two renames),
  which ``show`` and ``readme`` refuse;
- one run's set is written under a lock (``flock``) on the folder that holds ``OUT`` (on ``OUT/.report.lock``
  where that folder cannot be opened): two writers never interleave, and the lock outlives the exchange;
- the earlier layout (links into a hidden ``OUT/.report-<token>/``) is replaced by plain files: its links
  themselves are replaced, never written through (a ``.report`` link pointing outside ``OUT`` is only removed),
  and only hidden folders of that exact form and content are removed (a user's ``OUT/.report-notes/`` stays).

``--json`` elsewhere is one file replaced whole, without a lock file beside it. A target that is a device or a
FIFO (``--json /dev/null``, ``/dev/stdout``) is written through, never replaced. Nothing is written outside
``OUT``, its staging folder and the ``--json`` path.
"""
from __future__ import annotations

import contextlib
import csv
import ctypes
import errno
import io
import json
import os
import re
import secrets
import shutil
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable, Iterable, Iterator

from paper_checks.files import atomic_write, is_special
from paper_checks.report.citing import bibtex
from paper_checks.report.html_page import html
from paper_checks.report.latex_csv import csv_text, latex
from paper_checks.report.md import markdown


@dataclass(frozen=True)
class Format:
    """One report format: the suffix of its file (``report<suffix>``) and how the report is written in it."""

    suffix: str
    render: Callable[[dict[str, Any], Path | None], str]


#: every report format, in the order a run writes them: the one list a new format joins
FORMATS: dict[str, Format] = {
    "md": Format(".md", markdown),
    "html": Format(".html", html),
    "json": Format(".json", lambda doc, _: json.dumps(doc, indent=1, ensure_ascii=False) + "\n"),
    "latex": Format(".tex", lambda doc, _: latex(doc)),
    "csv": Format(".csv", lambda doc, _: csv_text(doc)),
    "bib": Format(".bib", lambda doc, _: bibtex(doc)),
}
#: each format's file suffix (read off :data:`FORMATS`)
SUFFIX = {name: f.suffix for name, f in FORMATS.items()}


def render(doc: dict[str, Any], fmt: str, fig_dir: Path | None = None) -> str:
    """The report ``doc`` in format ``fmt`` (one of :data:`FORMATS`)."""
    if fmt not in FORMATS:
        raise ValueError(f"unknown report format {fmt!r}; choose from {', '.join(FORMATS)}")
    return FORMATS[fmt].render(doc, fig_dir)


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
    in_out = [f for f, p in paths.items() if p == targets(out_dir, [f])[f]]
    if in_out and Path(out_dir).exists() and not Path(out_dir).is_dir():
        raise NotADirectoryError(f"the report folder {out_dir} is a file, not a folder: name a folder")
    for p in paths.values():
        if not is_special(p):
            p.parent.mkdir(parents=True, exist_ok=True)
    human = doc if tracebacks else {**doc, "claims": [{k: v for k, v in c.items() if k != "traceback"}
                                                      for c in doc["claims"]]}
    texts = {f: render(doc if f == "json" else human, f, Path(out_dir)) for f in paths}  # rendered before locking
    lock_dir = Path(out_dir) if in_out and not any(is_special(paths[f]) for f in in_out) else None
    with _folder_lock(lock_dir):  # one run's set of files at a time: never a mix of two runs
        if lock_dir is not None:
            others = {f: p for f, p in paths.items() if f not in in_out}
            if _switch_set(Path(out_dir), {paths[f].name: texts[f] for f in in_out}):
                for f, p in others.items():  # --json elsewhere: one file, replaced whole
                    atomic_write(p, texts[f])
                return tuple(paths.values())
        for f in in_out:  # a link of the earlier layout is replaced itself, never written through
            if paths[f].is_symlink():
                paths[f].unlink()
        written = tuple(atomic_write(p, texts[f]) for f, p in paths.items())
        if in_out:
            _remove_stale(Path(out_dir), [f for f in FORMATS if f not in in_out])
            _clean_leftovers(Path(out_dir))
        return written


#: called with the name of each step of :func:`_switch_set` before it is taken (tests kill the writer there)
STEP: Callable[[str], None] | None = None


def _step(what: str) -> None:
    if STEP is not None:
        STEP(what)


def _staging_name(out: Path) -> re.Pattern[str]:
    """The names of ``out``'s staging folders (this module's, and no user's: 12 hex digits exactly)."""
    return re.compile(rf"\.{re.escape(out.name)}\.report-[0-9a-f]{{12}}")


#: the most entries (files, links, folders, at any depth) a report folder may hold to be switched whole
MIRROR_MOST = 2000


def _small(folder: Path) -> bool:
    """Whether ``folder`` holds at most :data:`MIRROR_MOST` entries at any depth (links not followed)."""
    n, most = 0, MIRROR_MOST
    for _, dirs, files in os.walk(folder):
        n += len(dirs) + len(files)
        if n > most:
            return False
    return True


def _exchange(a: Path, b: Path) -> bool:
    """Swap folders ``a`` and ``b`` in one step (``renameat2(RENAME_EXCHANGE)``); False where the system or the
    file system has no such call (nothing was changed then)."""
    try:
        renameat2 = ctypes.CDLL(None, use_errno=True).renameat2
    except (OSError, AttributeError):
        return False
    at_fdcwd, rename_exchange = -100, 2
    if renameat2(at_fdcwd, os.fsencode(a), at_fdcwd, os.fsencode(b), rename_exchange) == 0:
        return True
    err = ctypes.get_errno()
    if err in (errno.EINVAL, errno.ENOSYS, errno.EXDEV, errno.EBUSY, errno.ENOTSUP, errno.EPERM):
        return False
    raise OSError(err, os.strerror(err), str(b))


class _NoMirror(Exception):
    """Something in the report folder that a hard-linked mirror cannot hold (a FIFO, a socket, a device)."""


def _mirror(src: Path, dst: Path, skip: set[str]) -> None:
    """Fill the new folder ``dst`` with ``src``'s entries but ``skip`` (names at the top): files hard-linked,
    links copied as links, folders mirrored the same way; :class:`_NoMirror` for anything else."""
    for entry in os.scandir(src):
        if entry.name in skip:
            continue
        target = dst / entry.name
        _step(f"mirror {entry.name}")
        if entry.is_symlink():
            os.symlink(os.readlink(entry.path), target)
        elif entry.is_dir(follow_symlinks=False):
            os.mkdir(target)
            _mirror(Path(entry.path), target, set())
            shutil.copystat(entry.path, target, follow_symlinks=False)
        elif entry.is_file(follow_symlinks=False):
            os.link(entry.path, target, follow_symlinks=False)
        else:
            raise _NoMirror(entry.path)


def _fsync_dir(path: Path) -> None:
    with contextlib.suppress(OSError):
        fd = os.open(path, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


def _switch_set(out_dir: Path, files: dict[str, str]) -> bool:
    """Make ``out_dir`` hold ``files`` (name: text) as its whole report set in one step: a staging folder beside
    it gets them and a hard-linked mirror of everything else in ``out_dir``, then the two folders are exchanged
    (:func:`_exchange`) and the old one removed. False, with nothing changed in ``out_dir``, where that is not
    possible (see the module's docstring); the caller then writes file by file."""
    out = Path(os.path.realpath(out_dir))
    parent = out.parent
    try:
        here = Path.cwd().resolve()
    except OSError:
        here = None
    if (os.name != "posix" or not out.is_dir() or os.path.ismount(out) or not os.access(parent, os.W_OK | os.X_OK)
            or (here is not None and (here == out or out in here.parents)) or out == Path.home().resolve()
            or not _small(out)):
        return False
    pattern = _staging_name(out)
    for p in parent.iterdir():  # what a writer killed before this one left (the lock is held: none is at work)
        if pattern.fullmatch(p.name) and p.is_dir() and not p.is_symlink():
            _step("remove a leftover staging folder")
            shutil.rmtree(p, ignore_errors=True)
    staging = parent / f".{out.name}.report-{secrets.token_hex(6)}"
    _step("make the staging folder")
    os.mkdir(staging)
    try:
        names = {f"report{s}" for s in SUFFIX.values()} | {".report.lock"}
        _mirror(out, staging, names)
        _clean_leftovers(staging)  # the earlier layout's links and hidden sets, in the mirror only
        for name, text in files.items():
            _step(f"write {name}")
            with open(staging / name, "wb") as f:  # on the disk before the exchange: a power cut leaves no empty file
                f.write(text.encode("utf-8"))
                f.flush()
                os.fsync(f.fileno())
            os.chmod(staging / name, 0o644)
        shutil.copystat(out, staging)
        _fsync_dir(staging)
        _step("exchange the folders")
        if not _exchange(staging, out):
            shutil.rmtree(staging, ignore_errors=True)
            return False
    except _NoMirror:
        shutil.rmtree(staging, ignore_errors=True)
        return False
    except OSError as exc:
        shutil.rmtree(staging, ignore_errors=True)
        if _mirror_only(exc):
            return False
        raise
    _fsync_dir(parent)
    _step("remove the old folder")
    shutil.rmtree(staging, ignore_errors=True)
    return True


def _mirror_only(exc: OSError) -> bool:
    """Whether ``exc`` says a hard link cannot be made here (another file system, a file of another user under
    ``protected_hardlinks``, too many links, no links at all): the file-by-file way still works then."""
    return exc.errno in (errno.EXDEV, errno.EPERM, errno.EMLINK, errno.ENOTSUP,
                                                      errno.EACCES)


CURRENT = ".report"
"""The link of the earlier layout to the hidden folder that held the current set of files (removed now)."""
_HIDDEN = re.compile(r"\.report-[0-9a-f]{12}")


def _remove_stale(out_dir: Path, others: list[str]) -> None:
    """Remove the report files of ``others`` (formats) that an earlier run left in ``out_dir`` (its regular
    files, and its links of the earlier layout)."""
    for f in others:
        p = out_dir / f"report{SUFFIX[f]}"
        if p.is_symlink() or p.is_file():
            p.unlink()


def _clean_leftovers(out_dir: Path) -> None:
    """Remove what the earlier layout, or a writer killed mid-write, left: the ``.report`` link (the link only),
    hidden sets ``.report-<12 hex digits>/`` holding nothing but report files and a ``figures`` link, and
    temporary files of this module; under the folder's lock, so never another writer's work in progress."""
    current = out_dir / CURRENT
    if current.is_symlink():
        current.unlink()
    names = {f"report{s}" for s in SUFFIX.values()} | {"figures"}
    for p in out_dir.glob(f"{CURRENT}*"):
        if _HIDDEN.fullmatch(p.name) and p.is_dir() and not p.is_symlink():
            inside = list(p.iterdir())
            if all(q.name in names and (q.is_symlink() or q.is_file()) for q in inside):
                shutil.rmtree(p, ignore_errors=True)
        elif p.name.startswith(".report.") and p.name.endswith(".tmp") and (p.is_symlink() or p.is_file()):
            p.unlink(missing_ok=True)  # a temporary file of a writer killed mid-write (atomic_write's, or a link)


_RUN_ID = {".json": None, ".md": re.compile(r"\| run_id \| ([^|\s]+) \|"),
           ".html": re.compile(r"<th>run_id</th><td>([^<\s]+)</td>"),
           ".tex": re.compile(r"^% label-noise-lab \S+, run ([^,\s]+),", re.M),
           ".bib": re.compile(r"@misc\{lnl-report-([^,\s]+),"), ".csv": None}


def mixed_set(out_dir: Path) -> str | None:
    """Why the report files in ``out_dir`` are not one run's set (their run ids differ), or None when they are."""
    ids: dict[str, str] = {}
    for suffix, pattern in _RUN_ID.items():
        p = Path(out_dir) / f"report{suffix}"
        if not p.is_file():
            continue
        try:
            text = p.read_text(encoding="utf-8", errors="replace")
        except OSError:
            continue
        if suffix == ".json":
            with contextlib.suppress(ValueError, AttributeError):
                ids[p.name] = str((json.loads(text).get("provenance") or {}).get("run_id"))
        elif suffix == ".csv":
            rows = list(csv.DictReader(io.StringIO(text)))
            if rows and "run_id" in rows[0]:
                ids[p.name] = rows[0]["run_id"]
        else:
            m = pattern.search(text) if pattern is not None else None
            if m:
                ids[p.name] = m.group(1)
    if len(set(ids.values())) > 1:
        listed = ", ".join(f"{name} run {rid}" for name, rid in sorted(ids.items()))
        return (f"the report files in {out_dir} come from different runs ({listed}): a writer was stopped between "
                "two files; run again to write one set")
    return None


@contextlib.contextmanager
def _folder_lock(folder: Path | None) -> Iterator[None]:
    """An exclusive advisory lock (POSIX ``flock``) for writing into ``folder``: on the folder that holds it,
    which stays in place when ``folder`` is exchanged (:func:`_switch_set`), or on ``folder/.report.lock``
    where that one cannot be opened. No lock where ``flock`` is missing, or for ``None`` (nothing is written
    into a folder)."""
    if folder is None:
        yield
        return
    try:
        import fcntl  # POSIX only: imported here so that the module imports where it is missing
    except ImportError:  # pragma: no cover (Windows): each file is still replaced whole
        yield
        return
    fd = None
    with contextlib.suppress(OSError):
        fd = os.open(Path(os.path.realpath(folder)).parent, os.O_RDONLY)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX)
        except OSError:  # a file system that locks only files opened for writing (NFS)
            os.close(fd)
            fd = None
    if fd is None:
        fd = os.open(folder / ".report.lock", os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o644)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX)
        except BaseException:
            os.close(fd)
            raise
    try:
        yield
    finally:
        os.close(fd)  # the lock goes with the descriptor
