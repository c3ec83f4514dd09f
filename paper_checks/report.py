"""The report: a terminal table, ``report.json`` (schema 1) and ``report.md``."""
from __future__ import annotations

import json
import shutil
import textwrap
from collections import Counter
from pathlib import Path
from typing import Any

from paper_checks.runner import Result

SCHEMA = 1
VERSION = "0.1.0"


def to_json(results: list[Result], *, backend: str, seed: int, precision: str) -> dict[str, Any]:
    return {
        "schema": SCHEMA,
        "version": VERSION,
        "backend": backend,
        "seed": seed,
        "precision": precision,
        "claims": [r.to_json() for r in results],
    }


def table(results: list[Result]) -> str:
    """One line per claim: id, verdict (with ``!= expected`` where it differs), summary."""
    width = shutil.get_terminal_size((120, 20)).columns
    idw = max((len(r.claim.id) for r in results), default=10)
    lines = [f"{'claim':<{idw}}  {'verdict':<13} summary", "-" * min(width, 120)]
    for r in results:
        v = r.verdict if r.matches else f"{r.verdict}!={r.claim.expected}"
        summ = r.to_json()["summary"]
        room = max(30, width - idw - 17)
        lines.append(f"{r.claim.id:<{idw}}  {v:<13} {textwrap.shorten(summ, room, placeholder='...')}")
    counts = Counter(r.verdict for r in results)
    lines.append("-" * min(width, 120))
    lines.append(", ".join(f"{k}: {v}" for k, v in sorted(counts.items())) +
                 f"  ({sum(r.matches for r in results)}/{len(results)} as expected)")
    return "\n".join(lines)


def markdown(doc: dict[str, Any]) -> str:
    """The human report: a verdict table, then the evidence of every claim."""
    out = [
        "# label-noise-lab report",
        "",
        f"version {doc['version']}, backend `{doc['backend']}`, seed {doc['seed']}, precision `{doc['precision']}`",
        "",
        "| claim | verdict | expected | method | summary |",
        "|---|---|---|---|---|",
    ]
    for c in doc["claims"]:
        summ = c["summary"].replace("|", "\\|")
        out.append(f"| `{c['id']}` | {c['verdict']} | {c['expected']} | {c['method']} | {summ} |")
    out.append("")
    for c in doc["claims"]:
        out += [f"## `{c['id']}` — {c['verdict']}", ""]
        if c.get("reconstructed"):
            out += ["*Reconstructed claim*: the seed states it only in outline; the statement below is what was checked.", ""]
        out += [f"**Source**: {c['source']}", "", f"**Statement**: {c['statement']}", "",
                f"**Evidence** ({c['method']}, {c['seconds']} s): {c['summary']}", ""]
        if c.get("condition"):
            out += [f"**Condition**: {c['condition']}", ""]
        if c.get("counterexample"):
            out += ["**Counterexample**:", "", "```json", json.dumps(c["counterexample"], indent=1, ensure_ascii=False), "```", ""]
        if c.get("numbers"):
            out += ["**Numbers**:", "", "```json", json.dumps(c["numbers"], indent=1, ensure_ascii=False)[:6000], "```", ""]
        if c.get("figures"):
            out += ["**Figures**: " + ", ".join(c["figures"]), ""]
    return "\n".join(out)


def write(doc: dict[str, Any], out_dir: Path, json_path: Path | None = None) -> tuple[Path, Path]:
    """Write ``report.json`` and ``report.md`` into ``out_dir`` (JSON to ``json_path`` if given)."""
    out_dir.mkdir(parents=True, exist_ok=True)
    jp = json_path if json_path is not None else out_dir / "report.json"
    jp.parent.mkdir(parents=True, exist_ok=True)
    jp.write_text(json.dumps(doc, indent=1) + "\n")
    mp = out_dir / "report.md"
    mp.write_text(markdown(doc))
    return jp, mp
