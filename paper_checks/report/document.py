"""The report as a JSON document: its schema and version, the provenance of a run, the bibliography.

``report.json`` (schema 1, docs/design.md "The runner") keeps every number a check returned; the
human formats (:mod:`paper_checks.report.md`, ``html_page``, ``latex_csv``) are rendered from it.
"""
from __future__ import annotations

import datetime as _dt
import importlib.metadata
import os
import platform
import subprocess
import uuid
from pathlib import Path
from typing import Any, Iterable

import numpy
import scipy
import sympy

from paper_checks import __version__, registry
from paper_checks.report.citing import claims_modules
from paper_checks.run.runner import Result

SCHEMA = 1


#: the version a report records: the package's, and in a checkout that is not installed how to install it
VERSION = __version__ + (" (label-noise-lab not installed: pip install -e .)" if __version__ == "0+unknown" else "")


def documents() -> list[registry.Document]:
    """The source documents the loaded claims modules declared (:func:`paper_checks.registry.document`),
    by file name."""
    registry.load()
    return sorted(registry.DOCUMENTS.values(), key=lambda d: d.file)


# --------------------------------------------------------------------------- bibliography


def cite(paper: Any) -> str:
    """One citation string for a ``PAPERS`` entry, whichever form it has.

    ``paper_checks.registry.PAPERS`` maps an id to a string today and to a ``Paper``
    (``authors, year, title, venue, ...`` and ``cite()``) after issue 11; both work here.
    """
    if hasattr(paper, "cite"):  # its source's documents by author and year, never by file name (issue 67)
        documents()
        return registry.tagged_source(str(paper.cite()))
    if hasattr(paper, "authors"):
        parts = [str(getattr(paper, k)) for k in ("authors", "year", "title", "venue") if getattr(paper, k, None)]
        return ", ".join(parts)
    return str(paper)


def bibliography(paper_ids: Iterable[str]) -> dict[str, str]:
    """``{paper id: citation}`` for the papers named (in the registry's order)."""
    wanted = set(paper_ids)
    return {pid: cite(p) for pid, p in registry.PAPERS.items() if pid in wanted}


def report_bibliography(doc: dict[str, Any]) -> dict[str, str]:
    """The report's bibliography (recomputed for a report written before it had one), documents by author and year
    (also in a report written when the bibliography named their files)."""
    documents()
    cited = doc.get("bibliography") or bibliography(c["paper"] for c in doc["claims"])
    return {pid: registry.tagged_source(text) for pid, text in cited.items()}


def paper_citation(doc: dict[str, Any], c: dict[str, Any]) -> str:
    """The citation of claim ``c``'s paper in report ``doc`` (its id where the bibliography lacks it)."""
    return report_bibliography(doc).get(c["paper"], c["paper"])


def quoted_documents(doc: dict[str, Any]) -> list[registry.Document]:
    """The source documents that some claim of ``doc`` quotes in its ``source``."""
    return [d for d in documents() if any(d.file in c["source"] for c in doc["claims"])]


# --------------------------------------------------------------------------- provenance


def _git_commit() -> str | None:
    root = Path(__file__).resolve().parent.parent.parent
    try:
        out = subprocess.run(["git", "-C", str(root), "rev-parse", "HEAD"], capture_output=True, text=True, timeout=5)
        if out.returncode != 0:
            return None
        dirty = subprocess.run(["git", "-C", str(root), "status", "--porcelain", "--untracked-files=no"],
                               capture_output=True, text=True, timeout=5)
        return out.stdout.strip() + ("+dirty" if dirty.stdout.strip() else "")
    except (OSError, subprocess.SubprocessError):
        return None


def _module_version(module: str) -> str | None:
    try:
        return importlib.metadata.version(module)
    except Exception:  # not installed (CuPy on a CPU machine)
        return None


def _device(backend: str) -> str:
    """The processor, or with the ``cupy`` backend the GPU's name."""
    device = platform.processor() or platform.machine()
    if backend == "cupy":
        try:
            import cupy  # type: ignore[import-not-found]  # optional (the gpu extra): imported only when used

            props = cupy.cuda.runtime.getDeviceProperties(cupy.cuda.Device().id)
            device = props["name"].decode() if isinstance(props["name"], bytes) else str(props["name"])
        except Exception:  # no device after all: say so rather than fail the report
            device = "cupy (device name unavailable)"
    return device


def provenance(*, backend: str, seed: int, precision: str, wall_seconds: float | None = None,
               started: _dt.datetime | None = None, argv: list[str] | None = None) -> dict[str, Any]:
    """What produced a report: versions, commit, backend and device, seed, precision, date, time."""
    return {
        "run_id": uuid.uuid4().hex[:12],
        "package": "label-noise-lab",
        "version": VERSION,
        "commit": _git_commit(),
        "python": platform.python_version(),
        "numpy": numpy.__version__,
        "scipy": scipy.__version__,
        "sympy": sympy.__version__,
        "cupy": _module_version("cupy") or _module_version("cupy-cuda12x"),
        "backend": backend,
        "device": _device(backend),
        "machine": f"{platform.system()} {platform.release()} {platform.machine()}, {os.cpu_count()} CPUs",
        "seed": seed,
        "precision": precision,
        "date": (started or _dt.datetime.now(_dt.timezone.utc)).isoformat(timespec="seconds"),
        "wall_seconds": None if wall_seconds is None else round(wall_seconds, 1),
        "command": " ".join(argv) if argv is not None else None,
    }


def to_json(results: list[Result], *, backend: str, seed: int, precision: str,
            prov: dict[str, Any] | None = None, complete: bool = True, planned: int | None = None,
            modules: Iterable[str] = ()) -> dict[str, Any]:
    """The report as a JSON document (schema 1 plus ``provenance``, ``complete``, ``bibliography``).

    ``complete=False`` marks a run stopped early (Ctrl-C): ``planned`` claims were asked for,
    ``len(results)`` finished. The provenance gains ``claims_modules``: the path and sha256 of every
    claims module whose claims ran (and of ``modules``), the user's claims files included.
    """
    claims = [r.to_json() for r in results]
    prov = dict(prov if prov is not None else provenance(backend=backend, seed=seed, precision=precision))
    prov.setdefault("claims_modules", claims_modules([r.claim for r in results], modules))
    return {
        "schema": SCHEMA,
        "version": VERSION,
        "backend": backend,
        "seed": seed,
        "precision": precision,
        "complete": complete,
        "planned": len(results) if planned is None else planned,
        "provenance": prov,
        "bibliography": bibliography(c["paper"] for c in claims),
        "claims": claims,
    }
