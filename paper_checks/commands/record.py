"""Recording a changed verdict in place: the ``expected=`` of a claim's registration, rewritten in its file.

``pytest --claims FILE --claims-update`` (:mod:`paper_checks.pytest_plugin`) calls :func:`record_verdict` for
every claim whose computed verdict differs from the recorded one, as snapshot tools (syrupy's
``--snapshot-update``, pytest-regressions' ``--force-regen``) rewrite their snapshots. Only the string literal
of ``expected=`` changes, found in the file's syntax tree (``@claim("id", ..., expected="proved")`` or
``api.claim(...)``), so comments, layout and quotes stay as they were; the change comes back as a unified diff.
"""
from __future__ import annotations

import ast
import contextlib
import difflib
import inspect
import sys
from pathlib import Path
from typing import Any, Iterator

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
        if f.is_file() and _expected_node(f.read_text(encoding="utf-8"), claim.id) is not None:
            return f.resolve()
    raise RecordError(f"claim {claim.id!r}: no @claim({claim.id!r}, ..., expected=\"...\") with a literal verdict "
                      f"in {', '.join(str(f) for f in candidates) or 'its files'}")


def _expected_node(source: str, claim_id: str) -> ast.Constant | None:
    """The string literal of ``expected=`` in the ``claim(claim_id, ...)`` call of ``source``, if there is one."""
    for node in ast.walk(ast.parse(source)):
        if not isinstance(node, ast.Call):
            continue
        name = node.func.id if isinstance(node.func, ast.Name) else getattr(node.func, "attr", None)
        first = node.args[0] if node.args else None
        if name != "claim" or not (isinstance(first, ast.Constant) and first.value == claim_id):
            continue
        for kw in node.keywords:
            if kw.arg == "expected" and isinstance(kw.value, ast.Constant) and isinstance(kw.value.value, str):
                return kw.value
    return None


def rewritten(source: str, claim_id: str, verdict: str) -> str:
    """``source`` with the ``expected=`` of claim ``claim_id`` set to ``verdict`` (its quote kept)."""
    if verdict not in VERDICTS:
        raise RecordError(f"cannot record the verdict {verdict!r}: choose one of {', '.join(VERDICTS)}")
    node = _expected_node(source, claim_id)
    if node is None:
        raise RecordError(f"claim {claim_id!r}: no literal expected= in its registration")
    lines = source.splitlines(keepends=True)
    if node.end_lineno != node.lineno:
        raise RecordError(f"claim {claim_id!r}: expected= spans several lines")
    raw = lines[node.lineno - 1].encode("utf-8")  # the syntax tree's columns count bytes
    old = raw[node.col_offset:node.end_col_offset].decode("utf-8")
    quote = old[-1] if old[-1] in "'\"" else '"'
    new = raw[:node.col_offset] + f"{quote}{verdict}{quote}".encode() + raw[node.end_col_offset:]
    lines[node.lineno - 1] = new.decode("utf-8")
    return "".join(lines)


@contextlib.contextmanager
def _locked(path: Path) -> Iterator[None]:
    """One writer at a time (pytest-xdist workers may record claims of one file together)."""
    try:
        import fcntl
    except ImportError:  # pragma: no cover (Windows: no concurrent workers to guard against here)
        yield
        return
    with open(path, "rb") as f:
        fcntl.flock(f.fileno(), fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(f.fileno(), fcntl.LOCK_UN)


def record_verdict(claim: Any, verdict: str) -> str:
    """Write ``verdict`` as the recorded (``expected=``) verdict of ``claim`` in its file; the unified diff."""
    path = claim_file(claim)
    with _locked(path):
        before = path.read_text(encoding="utf-8")
        after = rewritten(before, claim.id, verdict)
        path.write_text(after, encoding="utf-8")  # in place, under the lock: the file keeps its inode and mode
    return "".join(difflib.unified_diff(before.splitlines(keepends=True), after.splitlines(keepends=True),
                                        f"a/{path}", f"b/{path}", n=1))
