"""``show``: one claim's statement, source and full evidence from the last report."""
from __future__ import annotations

import argparse
import shlex
import textwrap
from pathlib import Path
from typing import Any

from label_noise_lab.theory.validators import cut, quoted
from paper_checks import report
from paper_checks.commands.common import UsageError, last_report, shutil_width
from paper_checks.files import earlier_report
from paper_checks.registry import CATALOGUE, ENV_VAR, PAPERS, Claim, load, tagged_source
from paper_checks.report.writing import mixed_set
from paper_checks.search.params.domain import domain_lines, narrower


def show(args: argparse.Namespace) -> int:
    mixed = mixed_set(Path(args.report).parent) if Path(args.report).name == "report.json" else None
    if mixed:
        raise UsageError(mixed)
    reg = load()
    if args.id not in reg:  # a user's claim: the report names the claims files its claims came from
        reg = load(_report_modules(args.report, args.id))
    if args.id not in reg:
        raise UsageError(f"unknown claim id {quoted(args.id)}; 'python -m paper_checks list' shows them. A claim of "
                         f"your own claims file needs the file: show {cut(args.id)} --module my_claims.py (or set "
                         f"{ENV_VAR}=my_claims.py)")
    c = reg[args.id]
    width = shutil_width()
    fill = lambda label, text: textwrap.fill(f"{label}: {text}", width, subsequent_indent="  ")  # noqa: E731
    print(f"{c.id}" + (" (reconstructed)" if c.reconstructed else ""))
    print(fill("paper", tagged_source(report.cite(PAPERS[c.paper]))))  # by author and year; the files: below
    print(fill("source", report.source_citation(c)))
    files = [d for d in report.documents() if d.file in c.source]  # what each tag's text is, as the report lists
    if files:
        print(fill("documents", "; ".join(f"[{d.tag}]: {d.description}" for d in files)))
    print(fill("statement", c.statement))
    print(f"expected: {c.expected}   method: {c.method}" + ("   explorable" if c.space is not None else ""))
    if c.space is not None:  # where explore searches and explore --prove proves, beside the statement's range
        try:
            rows = c.space().domain()
        except Exception:  # noqa: BLE001  (a user's space that raises: show the rest)
            rows = []
        if rows:
            print("domain" + (" (narrower than the statement's where a line says so):" if narrower(rows) else ":"))
            print("\n".join(domain_lines(rows)))
    e = last_report(args.report).get(c.id)
    if e is None:
        print(f"no evidence in {args.report}; run: {rerun_command(c)}")
        return 0
    print(f"last verdict: {e['verdict']}" + ("" if e["verdict"] == c.expected else f"  (differs from {c.expected})") +
          f"   ({e.get('seconds')} s, from {args.report})")
    print(fill("summary", e.get("summary", "")))
    if e.get("condition"):
        print(fill("condition", e["condition"]))
    ce = report.counterexample_table(e.get("counterexample"))
    if ce is not None:
        print("counterexample (exact values):")
        print(_text_table(ce))
    if e.get("numbers"):
        print("numbers:")
        for t in report.number_tables(e["numbers"], max_rows=10_000):
            print(_text_table(t))
    if e.get("traceback"):
        print("traceback:\n" + e["traceback"].rstrip())
    if e.get("figures"):
        print("figures: " + ", ".join(e["figures"]))
    return 0


def _text_table(t: Any) -> str:
    """A report ``Table`` as aligned plain text."""
    lines = [f"  {t.title}"] if t.title else []
    if t.header:
        rows = [t.header, *t.rows]
        w = [max(len(r[j]) for r in rows) for j in range(len(t.header))]
        for k, r in enumerate(rows):
            lines.append("  " + "  ".join(x.ljust(w[j]) for j, x in enumerate(r)).rstrip())
            if k == 0:
                lines.append("  " + "  ".join("-" * x for x in w))
    if t.note:
        lines.append(f"  ({t.note})")
    return "\n".join(lines)


def _report_modules(path: Path, claim_id: str) -> list[str]:
    """The user's claims files that the report at ``path`` lists in its provenance, when it holds ``claim_id``
    (absolute paths of files that still exist; the catalogue's own modules are loaded anyway)."""
    doc = earlier_report(path)
    if doc is None or not any(c.get("id") == claim_id for c in doc["claims"]):
        return []
    mods = (doc.get("provenance") or {}).get("claims_modules") or []
    paths = [m.get("path") for m in mods if isinstance(m, dict) and isinstance(m.get("path"), str)]
    return [p for p in paths if Path(p).is_absolute() and Path(p).is_file()]


def rerun_command(c: Claim) -> str:
    """The command that runs claim ``c`` again: with ``--module`` for a claim of a user's claims module."""
    module = "" if not c.origin or c.origin.startswith(CATALOGUE + ".") or c.origin == CATALOGUE else \
        f" --module {shlex.quote(c.origin)}"
    return f"python -m paper_checks run --claim {c.id}{module}"
