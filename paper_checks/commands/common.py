"""What several commands share: the usage error, the ``--module`` and ``--claim`` arguments, the backend name,
the checks of output places, the terminal width and the last report's entries."""
from __future__ import annotations

import os
import shutil
import sys
import tempfile
from pathlib import Path
from typing import Any, Callable

from label_noise_lab.simulate.engine.devices import BACKENDS
from label_noise_lab.theory.validators import quoted, quoted_path
from paper_checks.commands.arguments import OutputError, UsageError  # noqa: F401 (OutputError: re-exported)
from paper_checks.files import earlier_report, is_special
from paper_checks.registry import ENV_VAR, NoMatch, RegistryError, expand_patterns, load


def load_modules(modules: list[str]) -> None:
    """Load the registry with the ``--module`` claims modules; any problem is a one-line usage error.

    The modules are also added to ``$LNL_CLAIMS``, so the worker processes that this run
    starts (claims, figures) load them too.
    """
    try:
        load(modules)
    except RegistryError as exc:
        raise UsageError(str(exc)) from None
    if modules:
        resolved = [str(Path(m).expanduser().resolve()) if m.endswith(".py") or os.sep in m or "/" in m else m
                    for m in modules]
        old = [m for m in os.environ.get(ENV_VAR, "").split(os.pathsep) if m]
        os.environ[ENV_VAR] = os.pathsep.join(dict.fromkeys([*old, *resolved]))


def expand_claim_patterns(patterns: list[str]) -> list[str]:
    """Claim ids for ``--claim`` arguments: exact ids, or glob patterns such as ``gce18.eq1*``.

    A pattern that matches no claim is a usage error (quoted), like an unknown id.
    """
    try:
        return expand_patterns(patterns, load())
    except NoMatch as exc:
        raise UsageError(f"--claim pattern {quoted(exc.pattern)} matches no claim; 'python -m paper_checks list' shows "
                         "them") from None


def check_backend_name(name: str | None) -> None:
    """``--backend``: ``None`` (the default) or a known backend; a usage error otherwise."""
    if name is not None and name not in BACKENDS:
        raise UsageError(f"unknown backend {quoted(name)}; choose one of {', '.join(BACKENDS)}")


def resolve_backend(name: str | None, host_only: str | None = None) -> Any:
    """The backend of ``--backend`` (``None``: ``$LNL_BACKEND``, else ``auto``), by the one rule every command keeps
    (``run``, ``stability``, ``explore``, ``python -m label_noise_lab.figures``): an unknown name, or ``cupy`` where
    CuPy sees no
    device, is a one-line usage error, never a silent NumPy run.

    ``host_only`` names what a command computes on the host whatever the backend (``"the search"``, ``"figures"``):
    where CuPy was asked for by name and is usable, one line on stderr says so.
    """
    from label_noise_lab.simulate.engine.devices import get_backend

    asked = name if name is not None else os.environ.get("LNL_BACKEND")
    check_backend_name(name)
    try:
        backend = get_backend(name)
    except ValueError as exc:
        where = "--backend" if name is not None else "$LNL_BACKEND"
        raise UsageError(f"{where}: {exc}") from None
    if host_only and asked is not None and asked.strip().lower() == "cupy":
        print(f"note: {host_only} run on the host (NumPy) whatever the backend", file=sys.stderr)
    return backend


def check_output_dir(path: Path, flag: str) -> None:
    """``path`` is (or can be made) a writable directory; one-line usage error otherwise."""
    _unreadable_path(path, flag, _check_output_dir)


def _unreadable_path(path: Path, flag: str, check: Callable[[Path, str], None]) -> None:
    """``check(path, flag)``, with a path the system cannot even look up (a name over 255 bytes, a NUL byte: an
    ``OSError`` or ``ValueError`` from ``stat``) a one-line usage error, never a traceback."""
    try:
        check(path, flag)
    except OSError as exc:
        raise UsageError(f"{flag} {quoted_path(path)}: {exc.strerror or exc}") from None
    except ValueError as exc:  # "embedded null byte"
        raise UsageError(f"{flag} {quoted_path(path)}: {exc}") from None


def _check_output_dir(path: Path, flag: str) -> None:
    if path.exists() and not path.is_dir():
        raise UsageError(f"{flag} {quoted_path(path)} is a file, not a directory")
    probe = path
    while not probe.exists():  # the first existing ancestor must be a writable directory
        if probe.parent == probe:
            break
        probe = probe.parent
    if not probe.is_dir():
        raise UsageError(f"{flag} {quoted_path(path)}: {quoted_path(probe)} is not a directory")
    if not writable(probe):
        raise UsageError(f"{flag} {quoted_path(path)}: cannot write in {quoted_path(probe)}")


def check_output_file(path: Path, flag: str) -> None:
    """``path`` is not a directory, its folder exists (or is the report folder) and is writable; or ``path`` is a
    device or FIFO this process may write to (written through, never replaced). One-line usage error otherwise."""
    _unreadable_path(path, flag, _check_output_file)


def _check_output_file(path: Path, flag: str) -> None:
    if is_special(path):
        if not os.access(path, os.W_OK):
            raise UsageError(f"{flag} {quoted_path(path)}: cannot write to it")
        return
    if path.is_dir():
        raise UsageError(f"{flag} {quoted_path(path)} is a directory; give a file path")
    parent = path.parent
    if flag == "--json" and not parent.is_dir():
        raise UsageError(f"--json {quoted_path(path)}: folder {quoted_path(parent)} does not exist")
    probe = parent
    while not probe.exists() and probe.parent != probe:  # the folder is made: its first existing ancestor
        probe = probe.parent
    if not probe.is_dir():
        raise UsageError(f"{flag} {quoted_path(path)}: {quoted_path(probe)} is not a directory")
    if parent.is_dir() and not writable(parent):
        raise UsageError(f"{flag} {quoted_path(path)}: cannot write in {quoted_path(parent)}")


def writable(folder: Path) -> bool:
    """Whether a file can be created in ``folder`` (tried, since ``os.access`` says yes to root)."""
    try:
        fd, name = tempfile.mkstemp(prefix=".lnl-probe-", dir=folder)
    except OSError:
        return False
    os.close(fd)
    os.unlink(name)
    return True


def shutil_width() -> int:
    return max(60, min(110, shutil.get_terminal_size((100, 20)).columns))


def last_report(path: Path) -> dict[str, dict]:
    """``{claim id: claim entry}`` of a previous JSON report; empty when there is none (or it is not a report:
    then with a one-line warning, :func:`paper_checks.files.earlier_report`)."""
    doc = earlier_report(path)
    return {} if doc is None else {c["id"]: c for c in doc["claims"]}
