"""The human report in Markdown (``report.md``)."""
from __future__ import annotations

from pathlib import Path
from typing import Any

from paper_checks.report.citing import how_to_cite
from paper_checks.report.display import evidence_md
from paper_checks.report.document import quoted_documents, report_bibliography
from paper_checks.report.shared import (
    RECONSTRUCTED_LEGEND,
    anchor,
    counts,
    domain_text,
    drawn_figure,
    incomplete,
    mismatch_flag,
    ordered,
    provenance_rows,
    reconstructed_mark,
    reconstructed_note,
    source_line,
)


def _md_escape(s: str) -> str:
    return s.replace("|", "\\|").replace("\n", " ")


def _head(doc: dict[str, Any]) -> list[str]:
    """Title, the banner of an interrupted run, the run's settings and counts, the provenance table."""
    out = ["# label-noise-lab report", ""]
    inc = incomplete(doc)
    if inc:
        out += [f"> **{inc}**", ""]
    out += [f"version {doc['version']}, backend `{doc['backend']}`, seed {doc['seed']}, precision "
            f"`{doc['precision']}`. {counts(doc)}.", "", "| provenance | |", "|---|---|"]
    out += [f"| {k} | {_md_escape(v)} |" for k, v in provenance_rows(doc)]
    return out


def _verdicts(claims: list[dict[str, Any]]) -> list[str]:
    """The verdict table, one row per claim (``claims`` in report order), mismatches in bold, reconstructed
    claims marked (with a legend under the table when there are any)."""
    out = ["", "## Verdicts", "", "Claims whose verdict differs from the recorded one come first, in **bold**.", "",
           "| claim | verdict | expected | method | summary |", "|---|---|---|---|---|"]
    for c in claims:
        summ = _md_escape(c["summary"])
        mark = reconstructed_mark(c)
        if c["verdict"] != c["expected"]:
            if c.get("precision_note"):  # a difference that may come from a lower precision alone says so
                summ = f"{summ} *({_md_escape(c['precision_note'])})*"
            out.append(f"| **[`{c['id']}`](#{anchor(c['id'])})**{mark} | **{c['verdict']}** | {c['expected']} | "
                       f"{c['method']} | {summ} |")
        else:
            link = f"[`{c['id']}`](#{anchor(c['id'])}){mark}"
            out.append(f"| {link} | {c['verdict']} | {c['expected']} | {c['method']} | {summ} |")
    out.append("")
    if any(c.get("reconstructed") for c in claims):
        out += [RECONSTRUCTED_LEGEND, ""]
    return out


def _figures(c: dict[str, Any], doc: dict[str, Any], fig_dir: Path | None) -> list[str]:
    """Links to the claim's figures drawn for this report (with their captions), a note for the others."""
    out: list[str] = []
    for name in c.get("figures") or []:
        p = drawn_figure(fig_dir, name, doc)
        if p is not None:
            out += [f"![{name}](figures/{name}.png)", ""]
            cap = p.with_suffix(".txt")
            if cap.exists():
                out += [f"*{cap.read_text().strip()}*", ""]
        else:
            out += [f"Figure `{name}`: not drawn in this run (`python -m paper_checks run --figures` or "
                    f"`python -m figures --only {name}`).", ""]
    return out


def _claim(c: dict[str, Any], doc: dict[str, Any], fig_dir: Path | None) -> list[str]:
    """One claim's section: source, statement, evidence, condition, traceback, counterexample,
    numbers, figures."""
    out = [f"## `{c['id']}` — {c['verdict']}{mismatch_flag(c)}", ""]
    if c.get("reconstructed"):
        out += [f"*Reconstructed claim*: {reconstructed_note(c)}", ""]
    out += [f"**Source**: {source_line(doc, c)}", "", f"**Statement**: {c['statement']}", ""]
    if domain_text(c):
        out += [f"**Domain** (where `explore` searches and `explore --prove` proves): {domain_text(c)}", ""]
    out += evidence_md(c)  # the same evidence block as a notebook's display of Evidence and Result
    return out + _figures(c, doc, fig_dir)


def _bibliography(doc: dict[str, Any]) -> list[str]:
    """The papers cited and the source documents quoted."""
    out = ["## Bibliography", ""]
    out += [f"- **{pid}**: {text}" for pid, text in report_bibliography(doc).items()]
    docs = quoted_documents(doc)
    if docs:  # a user's claims quote none: no empty heading
        out += ["", "Source documents quoted in the claims:", ""]
        out += [f"- [{d.tag}]: {d.description}" for d in docs]  # by author and year, never a file name
    return out


def markdown(doc: dict[str, Any], fig_dir: Path | None = None) -> str:
    """The human report in Markdown: provenance, verdict table (mismatches first), the evidence of
    every claim, bibliography. ``fig_dir`` (the report folder) links figures that exist there."""
    claims = ordered(doc["claims"])
    out = _head(doc) + _verdicts(claims)
    for c in claims:
        out += _claim(c, doc, fig_dir)
    out += _bibliography(doc)
    out += ["", "## How to cite this report", "", how_to_cite(doc)]
    out.append("")
    return "\n".join(out)
