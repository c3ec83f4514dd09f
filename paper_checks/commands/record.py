"""Recording a changed verdict in place: the ``expected=`` of a claim's registration, rewritten in its file.

``pytest --claims FILE --claims-update`` (:mod:`paper_checks.pytest_plugin`) calls :func:`record_verdict` for
every claim whose computed verdict differs from the recorded one, as snapshot tools (syrupy's
``--snapshot-update``, pytest-regressions' ``--force-regen``) rewrite their snapshots. Only the string literal
of ``expected=`` changes, found in the file's syntax tree (``@claim("id", ..., expected="proved")`` or
``api.claim(...)``), so comments, layout and quotes stay as they were; the change comes back as a unified diff.
A verdict computed at another precision than the claim's recorded one is written with that precision
(``expected_at="quick"``), so that ``run`` and ``pytest --claims`` then check it where it was recorded.

The file is never damaged: it is read in its own encoding (a UTF-8 BOM or a ``# -*- coding: ... -*-`` line,
PEP 263) and written back in it, with its line endings (CRLF, LF or CR) as they were, so that every byte
outside the changed literal stays; the new text goes to a temporary file beside it that is renamed over it
(its mode kept), so a write that fails (a full disk, a file-size limit) leaves the original whole and is one
:class:`RecordError` line saying why.
"""
from __future__ import annotations

import ast
import contextlib
import difflib
import inspect
import io
import os
import re
import sys
import tempfile
import tokenize
from pathlib import Path
from typing import Any, Iterator

from label_noise_lab.theory.validators import quoted
from paper_checks.precisions import PRECISIONS

VERDICTS = ("proved", "confirmed", "refuted", "qualified", "inconclusive")


class RecordError(ValueError):
    """The new verdict cannot be written: no literal ``expected=`` for the claim in its file, or an unknown verdict."""


def claim_file(claim: Any) -> Path:
    """The file that registers ``claim``: its origin (a claims file, or a module's file), else its check's."""
    origin = getattr(claim, "origin", "") or ""
    candidates = [Path(origin)] if origin.endswith(".py") else []
    mod = sys.modules.get(origin)
    if getattr(mod, "__file__", None):
        candidates.append(Path(mod.__file__))
    with contextlib.suppress(TypeError, OSError):
        candidates.append(Path(inspect.getsourcefile(claim.check) or ""))
    for f in candidates:
        if f.is_file() and _expected_node(_read(f)[0], claim.id) is not None:
            return f.resolve()
    raise RecordError(f"claim {claim.id!r}: no @claim({claim.id!r}, ..., expected=\"...\") with a literal verdict "
                      f"in {', '.join(str(f) for f in candidates) or 'its files'}")


def _read(path: Path) -> tuple[str, str]:
    """``path``'s text in its own encoding (PEP 263: a UTF-8 BOM gives ``utf-8-sig``, a coding line its codec;
    UTF-8 otherwise), its line endings untouched, and that encoding."""
    raw = path.read_bytes()
    try:
        lf = raw.replace(b"\r\n", b"\n").replace(b"\r", b"\n")  # lines as Python reads them: CR alone ends one too
        encoding, _ = tokenize.detect_encoding(io.BytesIO(lf).readline)
        return raw.decode(encoding), encoding
    except (SyntaxError, LookupError, UnicodeDecodeError) as exc:
        raise RecordError(f"cannot read {path}: {exc}") from None


def _lines(source: str) -> list[str]:
    """``source``'s lines as Python counts them (ends kept; ``\r\n``, ``\r`` and ``\n`` end a line, a form
    feed or ``\u2028`` does not, unlike ``str.splitlines``)."""
    return re.findall(r"[^\r\n]*(?:\r\n|\r|\n)|[^\r\n]+\Z", source)


def _call(source: str, claim_id: str) -> ast.Call | None:
    """The ``claim(claim_id, ...)`` call of ``source`` (``@claim(...)`` or ``api.claim(...)``), if there is one."""
    for node in ast.walk(ast.parse(source)):
        if not isinstance(node, ast.Call):
            continue
        name = node.func.id if isinstance(node.func, ast.Name) else getattr(node.func, "attr", None)
        first = node.args[0] if node.args else None
        if name == "claim" and isinstance(first, ast.Constant) and first.value == claim_id:
            return node
    return None


def _keyword_literal(call: ast.Call | None, keyword: str) -> ast.Constant | None:
    """The string literal given to ``keyword=`` in ``call``, if there is one."""
    for kw in [] if call is None else call.keywords:
        if kw.arg == keyword and isinstance(kw.value, ast.Constant) and isinstance(kw.value.value, str):
            return kw.value
    return None


def _expected_node(source: str, claim_id: str) -> ast.Constant | None:
    """The string literal of ``expected=`` in the ``claim(claim_id, ...)`` call of ``source``, if there is one."""
    return _keyword_literal(_call(source, claim_id), "expected")


def rewritten(source: str, claim_id: str, verdict: str, precision: str | None = None) -> str:
    """``source`` with the ``expected=`` of claim ``claim_id`` set to ``verdict`` (its quote kept) and, with
    ``precision``, ``expected_at=`` set to it (its literal rewritten, or ``, expected_at="quick"`` written right
    after the ``expected=`` literal): the precision the verdict was recorded at."""
    if verdict not in VERDICTS:
        raise RecordError(f"cannot record the verdict {quoted(verdict)}: choose one of {', '.join(VERDICTS)}")
    if precision is not None and precision not in PRECISIONS:
        raise RecordError(f"cannot record the precision {quoted(precision)}: choose one of {', '.join(PRECISIONS)}")
    call = _call(source, claim_id)
    node = _keyword_literal(call, "expected")
    if node is None:
        raise RecordError(f"claim {quoted(claim_id)}: no literal expected= in its registration")
    at = None if precision is None else _keyword_literal(call, "expected_at")
    if at is not None and at.end_lineno != at.lineno:
        raise RecordError(f"claim {quoted(claim_id)}: expected_at= spans several lines")
    if node.end_lineno != node.lineno:
        raise RecordError(f"claim {quoted(claim_id)}: expected= spans several lines")
    quote = _quote(source, node)
    edits = [(node, f"{quote}{verdict}{quote}")]  # (literal, new text); written right to left within a line
    if precision is not None and at is not None:
        edits.append((at, f"{_quote(source, at)}{precision}{_quote(source, at)}"))
    elif precision is not None:
        edits[0] = (node, f"{quote}{verdict}{quote}, expected_at={quote}{precision}{quote}")
    lines = _lines(source)
    for lit, text in sorted(edits, key=lambda e: (e[0].lineno, e[0].col_offset), reverse=True):
        raw = lines[lit.lineno - 1].encode("utf-8")  # the syntax tree's columns count bytes
        lines[lit.lineno - 1] = (raw[:lit.col_offset] + text.encode() + raw[lit.end_col_offset:]).decode("utf-8")
    return "".join(lines)


def _quote(source: str, lit: ast.Constant) -> str:
    """The quote character of the one-line string literal ``lit`` in ``source`` (``"`` when it cannot be told)."""
    raw = _lines(source)[lit.lineno - 1].encode("utf-8")
    old = raw[lit.col_offset:lit.end_col_offset].decode("utf-8")
    return old[-1] if old[-1] in "'\"" else '"'


@contextlib.contextmanager
def _locked(path: Path) -> Iterator[None]:
    """One writer at a time (pytest-xdist workers may record claims of one file together): a lock on the file
    that ``path`` names now (a writer that renamed a new file over it in the meantime: taken again on that)."""
    try:
        import fcntl
    except ImportError:  # pragma: no cover (Windows: no concurrent workers to guard against here)
        yield
        return
    while True:
        with open(path, "rb") as f:
            fcntl.flock(f.fileno(), fcntl.LOCK_EX)
            try:
                if os.fstat(f.fileno()).st_ino != os.stat(path).st_ino:
                    continue  # renamed over while we waited: lock the new file
                yield
                return
            finally:
                fcntl.flock(f.fileno(), fcntl.LOCK_UN)


def replace_bytes(path: Path, data: bytes) -> None:
    """Write ``data`` as ``path``'s content: a temporary file beside it, synced, given its mode and renamed
    over it; a :class:`RecordError` line when that fails (the original then stays whole)."""
    try:
        fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    except OSError as exc:  # a folder that cannot take a new file (read-only, full)
        raise RecordError(f"cannot write beside {path}: {exc.strerror or exc} (the file is unchanged)") from None
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(data)
            f.flush()
            os.fsync(f.fileno())
        os.chmod(tmp, os.stat(path).st_mode & 0o7777)
        os.replace(tmp, path)
    except OSError as exc:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        why = exc.strerror or str(exc)
        raise RecordError(f"cannot write {path}: {why} (the file is unchanged)") from None


def record_verdict(claim: Any, verdict: str, precision: str | None = None) -> str:
    """Write ``verdict`` as the recorded (``expected=``) verdict of ``claim`` in its file, and ``precision`` (when
    given: the verdict was computed at another precision than the claim's ``expected_at``) as its ``expected_at=``;
    the unified diff."""
    path = claim_file(claim)
    with _locked(path):
        before, encoding = _read(path)
        after = rewritten(before, claim.id, verdict, precision)
        replace_bytes(path, after.encode(encoding))
    return "".join(difflib.unified_diff(_lines(before), _lines(after), f"a/{path}", f"b/{path}", n=1))
