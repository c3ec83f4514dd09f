"""The README's findings and verdict table, generated from a report (``python -m paper_checks readme``).

Two blocks of ``README.md`` are written from ``reports/report.json`` and nothing else:

- between ``<!-- findings:start -->`` and ``<!-- findings:end -->``, one bullet per claim whose
  verdict is not simply ``proved``/``confirmed`` (and every confirmed doubt of the notes). Each
  bullet starts with the claim id and the verdict *of the report*; its prose is the curated
  sentence recorded with :func:`paper_checks.registry.finding` only when the report's verdict is
  the one that sentence was written for, otherwise the report's own summary (so the README can
  never state a verdict the report does not have). Reconstructed claims are labelled as such in every bullet.
- between ``<!-- verdicts:start -->`` and ``<!-- verdicts:end -->``, the verdict table.

:func:`readme_verdicts` reads the table back, for the test that compares the README with a fresh
report.
"""
from __future__ import annotations

import re
import textwrap
from collections import Counter
from pathlib import Path
from typing import Any, Mapping

from paper_checks import registry
from paper_checks.files import read_json_file
from paper_checks.report.writing import mixed_set

FINDINGS_START, FINDINGS_END = "<!-- findings:start -->", "<!-- findings:end -->"
VERDICTS_START, VERDICTS_END = "<!-- verdicts:start -->", "<!-- verdicts:end -->"


_CURATED_ONLY = ("proved", "confirmed")


def load_report(path: Path) -> dict[str, Any]:
    """The JSON report at ``path``, read only from a regular file of bounded size (a FIFO or a device is
    refused, never waited on: :func:`paper_checks.files.read_json_file`); ``ValueError`` (one line) otherwise."""
    try:
        doc = read_json_file(Path(path))
    except FileNotFoundError:
        raise ValueError(f"no report at {str(path)!r}; run 'python -m paper_checks' first") from None
    except (ValueError, OSError) as exc:
        raise ValueError(f"{str(path)!r} is not a JSON report: {exc}") from None
    if not isinstance(doc, dict) or "claims" not in doc:
        raise ValueError(f"{str(path)!r} is not a paper_checks report (no 'claims')")
    mixed = mixed_set(Path(path).parent) if Path(path).name == "report.json" else None
    if mixed:
        raise ValueError(mixed)
    return doc


def _cell(text: str, width: int = 230) -> str:
    return textwrap.shorten(text, width, placeholder="...").replace("|", "\\|")


def findings_block(doc: dict[str, Any], findings: Mapping[str, tuple[str, str]] | None = None) -> str:
    """The findings bullets (see the module docstring); ``findings`` defaults to the curated sentences
    the loaded claims modules recorded (:func:`paper_checks.registry.finding`)."""
    if findings is None:
        registry.load()
        findings = registry.FINDINGS
    lines = []
    for c in doc["claims"]:
        v = c["verdict"]
        doubt = ".notes_" in c["id"]
        curated = findings.get(c["id"])
        fits = curated is not None and curated[0] == v
        if v in _CURATED_ONLY and not fits and not (doubt and v == "confirmed"):
            continue
        tag = ", reconstructed" if c.get("reconstructed") else ""
        if fits:
            text = curated[1]
        else:
            text = textwrap.shorten(c["summary"], 400, placeholder=" ...")
            if c.get("condition") and v == "qualified":
                text += f" Condition: {textwrap.shorten(c['condition'], 300, placeholder=' ...')}"
        lines.append(f"- **`{c['id']}`** ({v}{tag}): {text}")
    return "\n".join(lines)


def table_block(doc: dict[str, Any]) -> str:
    """The verdict table with its one-line header."""
    counts = Counter(c["verdict"] for c in doc["claims"])
    n = len(doc["claims"])
    head = (f"From `python -m paper_checks` ({doc.get('precision', '?')} precision, seed {doc.get('seed', '?')}, "
            f"{'NumPy' if doc.get('backend') == 'numpy' else doc.get('backend')} backend): "
            + ", ".join(f"{k} {counts[k]}" for k in sorted(counts)) + f" of {n} claims"
            + f" ({sum(1 for c in doc['claims'] if c.get('reconstructed'))} of them reconstructed, marked *r*). "
            "The full evidence (numbers, counterexamples, conditions) is in `reports/report.md` after a run.")
    rows = ["| claim | verdict | method | evidence (one line) |", "|---|---|---|---|"]
    for c in doc["claims"]:
        r = " *r*" if c.get("reconstructed") else ""
        rows.append(f"| `{c['id']}`{r} | **{c['verdict']}** | {c['method']} | {_cell(c['summary'])} |")
    return head + "\n\n" + "\n".join(rows)


def _replace(text: str, start: str, end: str, body: str) -> str:
    i, j = text.find(start), text.find(end)
    if i < 0 or j < 0 or j < i:
        raise ValueError(f"README has no {start} ... {end} block")
    return text[: i + len(start)] + "\n" + body + "\n" + text[j:]


def render(readme: str, doc: dict[str, Any]) -> str:
    """``readme`` with its findings (when it has the markers) and verdict table rewritten from ``doc``."""
    out = _replace(readme, VERDICTS_START, VERDICTS_END, table_block(doc))
    if FINDINGS_START in out:
        out = _replace(out, FINDINGS_START, FINDINGS_END, findings_block(doc))
    return out


_ROW = re.compile(r"^\| `(?P<id>[^`]+)`(?: \*r\*)? \| \*\*(?P<verdict>[a-z]+)\*\* \|")
_BULLET = re.compile(r"^- \*\*`(?P<id>[^`]+)`\*\* \((?P<verdict>[a-z]+)(?:, reconstructed)?\)")


def readme_verdicts(readme: str) -> dict[str, str]:
    """The verdicts the README's table states, by claim id."""
    i, j = readme.find(VERDICTS_START), readme.find(VERDICTS_END)
    out = {}
    for line in readme[i:j].splitlines():
        m = _ROW.match(line)
        if m:
            out[m["id"]] = m["verdict"]
    return out


def readme_findings(readme: str) -> dict[str, str]:
    """The verdicts the README's findings bullets state, by claim id."""
    i, j = readme.find(FINDINGS_START), readme.find(FINDINGS_END)
    if i < 0:
        return {}
    out = {}
    for line in readme[i:j].splitlines():
        m = _BULLET.match(line)
        if m:
            out[m["id"]] = m["verdict"]
    return out
