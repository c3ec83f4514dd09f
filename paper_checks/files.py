"""Small shared helpers of the instrument that ``figures`` may import too: one home each.

* :func:`atomic_write` -- a file written whole (temporary file and :func:`os.replace`), or written
  through when the path is a device, a FIFO or a link to one (never replaced);
* :func:`read_json_file` -- the JSON of a regular file of bounded size (never a device or a FIFO);
* :func:`earlier_report` -- a previous run's JSON report, checked, or ``None`` with a one-line warning;
* :func:`records_csv` -- records (mappings) as CSV text.
"""
from __future__ import annotations

import contextlib
import errno
import json
import math
import numbers
import os
import stat
import sys
import tempfile
from pathlib import Path
from typing import Any, Iterable, Mapping, Sequence


def is_special(path: Path) -> bool:
    """Whether ``path`` is written through, never replaced: it exists (through links) and is not a regular file
    or a folder (a device, a FIFO, a socket), or it lies under ``/dev`` or ``/proc`` (``/dev/stdout``,
    ``/proc/self/fd/1``, whatever they lead to)."""
    if str(Path(path).absolute()).startswith(("/proc/", "/dev/")):
        return Path(path).exists() and not Path(path).is_dir()
    try:
        mode = os.stat(path).st_mode
    except OSError:
        return False
    return not (stat.S_ISREG(mode) or stat.S_ISDIR(mode))


def atomic_write(path: Path, data: str | bytes) -> Path:
    """Write ``data`` to ``path`` through a temporary file in the same folder and :func:`os.replace`.

    The folder must exist. Readers see the old file or the new one, never a partial one, even
    when several processes write the same path at once (the last ``os.replace`` wins whole).
    Text is written as UTF-8, newlines untranslated. A link to a regular file has its target
    replaced (the link stays). A path that is (or links to) a device, a FIFO or a socket is never
    replaced: ``data`` is written through to it (``/dev/null``; ``/dev/stdout`` or ``/proc/self/fd/1``
    through the descriptor itself, so ``> out.txt`` gets it in order); a FIFO without a reader is an
    ``OSError`` at once, never a hang.
    """
    path = Path(path)
    raw = data.encode("utf-8") if isinstance(data, str) else data
    if is_special(path):
        _write_through(path, raw)
        return path
    if path.is_symlink():
        path = path.resolve()
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


def _own_fd(path: Path) -> int | None:
    """The descriptor of this process that ``path`` names (``/dev/stdout``, ``/dev/fd/3``, ``/proc/self/fd/1``)."""
    text = str(path)
    names = {"/dev/stdin": 0, "/dev/stdout": 1, "/dev/stderr": 2}
    if text in names:
        return names[text]
    for prefix in ("/dev/fd/", "/proc/self/fd/", f"/proc/{os.getpid()}/fd/"):
        if text.startswith(prefix) and text[len(prefix):].isdigit():
            return int(text[len(prefix):])
    return None


def _write_through(path: Path, raw: bytes) -> None:
    """Write ``raw`` into the device or FIFO at ``path`` (opened without creating or truncating anything); a
    descriptor of this process named by its path is written at its own position, after what was written to it."""
    fd = _own_fd(path)
    if fd is not None:
        for stream in (sys.stdout, sys.stderr):
            with contextlib.suppress(Exception):
                stream.flush()
        view = memoryview(raw)
        while view:
            view = view[os.write(fd, view):]
        return
    try:
        fd = os.open(path, os.O_WRONLY | os.O_NONBLOCK | getattr(os, "O_NOCTTY", 0))
    except OSError as exc:
        if exc.errno == errno.ENXIO:  # a FIFO that nobody reads
            raise OSError(errno.ENXIO, f"{str(path)!r} is a FIFO without a reader") from None
        raise
    try:
        os.set_blocking(fd, True)  # opened without waiting; now write all of it
        view = memoryview(raw)
        while view:
            view = view[os.write(fd, view):]
    finally:
        os.close(fd)


#: the largest earlier report read back (bytes); a bigger file is ignored
REPORT_CAP = 64 * 2**20


def read_json_file(path: Path, cap: int = REPORT_CAP) -> Any:
    """The JSON in the regular file ``path`` (at most ``cap`` bytes).

    Raises ``FileNotFoundError`` when there is none, ``ValueError`` (one line) when it is not a
    regular file (a device, a FIFO: never opened for a blocking read), is larger than ``cap``, or
    is not JSON (or nested too deeply to read).
    """
    fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_NOCTTY", 0))
    with os.fdopen(fd, "rb") as f:
        st = os.fstat(fd)
        if not stat.S_ISREG(st.st_mode):
            raise ValueError("not a regular file")
        if st.st_size > cap:
            raise ValueError(f"larger than {cap} bytes")
        raw = f.read(cap + 1)
    if len(raw) > cap:
        raise ValueError(f"larger than {cap} bytes")
    try:
        return json.loads(raw)
    except RecursionError:
        raise ValueError("nested too deeply to read") from None
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise ValueError(f"not JSON ({exc})") from None


def earlier_report(path: Path) -> dict[str, Any] | None:
    """A previous run's JSON report at ``path``, or ``None``.

    ``None`` silently when there is none or it is not a regular file (``--json /dev/null``); ``None``
    with a one-line warning on stderr when it cannot be read or is not a report (not an object, a
    claim without a string ``id`` and ``verdict`` or with non-finite ``seconds``, numbers too large).
    """
    if is_special(path):  # --json /dev/stdout: an output, never read back
        return None
    try:
        doc = read_json_file(path)
    except FileNotFoundError:
        return None
    except (OSError, ValueError) as exc:
        if isinstance(exc, ValueError) and str(exc) == "not a regular file" or isinstance(exc, IsADirectoryError):
            return None
        why = exc.strerror if isinstance(exc, OSError) and exc.strerror else str(exc)
        print(f"warning: ignoring the earlier report {str(path)!r}: {why}", file=sys.stderr)
        return None
    why = _not_a_report(doc)
    if why:
        print(f"warning: ignoring the earlier report {str(path)!r}: {why}", file=sys.stderr)
        return None
    return doc


def _not_a_report(doc: Any) -> str | None:
    """Why ``doc`` is not a report this package wrote (``None`` when it is one)."""
    if not isinstance(doc, dict):
        return f"a JSON {type(doc).__name__}, not an object"
    claims = doc.get("claims")
    if not isinstance(claims, list):
        return "no list of claims"
    for k, c in enumerate(claims):
        if not isinstance(c, dict) or not isinstance(c.get("id"), str) or not isinstance(c.get("verdict"), str):
            return f"claim {k} has no id or verdict"
        t = c.get("seconds", 0.0)
        if isinstance(t, bool) or not isinstance(t, (int, float)) or not math.isfinite(float(t)) or t < 0:
            return f"claim {c['id']!r} has seconds {str(t)[:40]}"
    return None


#: how a cell that a spreadsheet (Excel, LibreOffice, Google Sheets) would read as a formula or a DDE call begins
#: (OWASP, "CSV Injection"): ``= + - @``, a tab, a carriage return (and a line feed, and the full-width forms)
FORMULA_START = ("=", "+", "-", "@", "\t", "\r", "\n", "\uff1d", "\uff0b", "\uff0d", "\uff20")


def csv_cell(v: Any) -> str:
    """One CSV cell, quoted where needed, by the one CSV rule of every writer (``report.csv``, the figures' data):
    ``None`` empty; a number (never a ``bool``) as its digits (a float in full, ``repr``); anything else as its
    text, and a text that a spreadsheet would read as a formula (it begins, spaces aside, with one of
    :data:`FORMULA_START`: ``=cmd|' /C calc'!A0``, ``@SUM(...)``, ``+cmd``, ``-2+3``) neutralised as OWASP recommends,
    a ``'`` before it and the cell quoted, so that it is shown as the text it is and never run.

    >>> print(csv_cell("=HYPERLINK(\\"http://x\\")"), csv_cell(-0.5), csv_cell("a, b"), csv_cell(3))
    "'=HYPERLINK(""http://x"")" -0.5 "a, b" 3
    """
    if v is None:
        return ""
    if isinstance(v, (float, np_floating())):  # a NumPy float in full as well (its repr is np.float64(...))
        return repr(float(v))
    if isinstance(v, numbers.Integral) and not isinstance(v, bool) and type(v).__module__ in ("builtins", "numpy"):
        return str(int(v))
    text = str(v)
    formula = text.lstrip(" ").startswith(FORMULA_START)
    if formula:
        text = "'" + text
    if formula or any(ch in text for ch in ',"\r\n') or text != text.strip(" "):
        return '"' + text.replace('"', '""') + '"'
    return text


def np_floating() -> type:
    """NumPy's floating type where NumPy is loaded (never imported here for it), else ``float``."""
    np = sys.modules.get("numpy")
    return np.floating if np is not None else float


def records_csv(rows: Iterable[Mapping[str, Any]], columns: Sequence[str] | None = None) -> str:
    """Records as CSV text, one row each, ``\\n`` line ends, each cell by :func:`csv_cell` (the one CSV rule:
    a cell a spreadsheet would run as a formula is neutralised).

    ``columns`` defaults to the keys in first-seen order. A missing key or ``None`` is written
    empty; floats in full (``repr``).
    """
    rows = list(rows)
    cols = list(columns) if columns is not None else list(dict.fromkeys(k for r in rows for k in r))
    lines = [",".join(csv_cell(c) for c in cols)]
    lines += [",".join(csv_cell(r.get(k)) for k in cols) for r in rows]
    return "\n".join(lines) + "\n"
