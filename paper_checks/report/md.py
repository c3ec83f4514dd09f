"""The human report in Markdown (``report.md``)."""
from __future__ import annotations

from pathlib import Path
from typing import Any
from urllib.parse import quote

from paper_checks.report.citing import how_to_cite
from paper_checks.report.display import evidence_md
from paper_checks.report.document import quoted_documents, report_bibliography
from paper_checks.report.escaping import md_code, md_text
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


def _head(doc: dict[str, Any]) -> list[str]:
    """Title, the banner of an interrupted run, the run's settings and counts, the provenance table."""
    out = ["# label-noise-lab report", ""]
    inc = incomplete(doc)
    if inc:
        out += [f"> **{md_text(inc)}**", ""]
    out += [f"version {md_text(doc['version'])}, backend {md_code(doc['backend'])}, seed {md_text(doc['seed'])}, "
            f"precision {md_code(doc['precision'])}. {md_text(counts(doc))}.", "", "| provenance | |", "|---|---|"]
    out += [f"| {md_text(k)} | {md_text(v)} |" for k, v in provenance_rows(doc)]
    return out


def _verdicts(claims: list[dict[str, Any]]) -> list[str]:
    """The verdict table, one row per claim (``claims`` in report order), mismatches in bold, reconstructed
    claims marked (with a legend under the table when there are any)."""
    out = ["", "## Verdicts", "", "Claims whose verdict differs from the recorded one come first, in **bold**.", "",
           "| claim | verdict | expected | method | summary |", "|---|---|---|---|---|"]
    for c in claims:
        summ = md_text(c["summary"])
        mark = reconstructed_mark(c)
        verdict, expected, method = md_text(c["verdict"]), md_text(c["expected"]), md_text(c["method"])
        if c["verdict"] != c["expected"]:
            if c.get("precision_note"):  # a difference that may come from a lower precision alone says so
                summ = f"{summ} *({md_text(c['precision_note'])})*"
            out.append(f"| **[{md_code(c['id'])}](#{anchor(c['id'])})**{mark} | **{verdict}** | {expected} | "
                       f"{method} | {summ} |")
        else:
            link = f"[{md_code(c['id'])}](#{anchor(c['id'])}){mark}"
            out.append(f"| {link} | {verdict} | {expected} | {method} | {summ} |")
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
            out += [f"![{md_text(name)}](figures/{quote(name)}.png)", ""]
            cap = p.with_suffix(".txt")
            if cap.exists():
                out += [f"*{md_text(cap.read_text().strip())}*", ""]
        else:
            out += [f"Figure {md_code(name)}: not drawn in this run (`python -m paper_checks run --figures` or "
                    f"{md_code('python -m label_noise_lab.figures --only ' + str(name))}).", ""]
    return out


def _claim(c: dict[str, Any], doc: dict[str, Any], fig_dir: Path | None) -> list[str]:
    """One claim's section: source, statement, evidence, condition, traceback, counterexample,
    numbers, figures."""
    out = [f"## {md_code(c['id'])} — {md_text(c['verdict'] + mismatch_flag(c))}", ""]
    if c.get("reconstructed"):
        out += [f"*Reconstructed claim*: {md_text(reconstructed_note(c))}", ""]
    out += [f"**Source**: {md_text(source_line(doc, c))}", "", f"**Statement**: {md_text(c['statement'])}", ""]
    if domain_text(c):
        out += [f"**Domain** (where `explore` searches and `explore --prove` proves): {md_text(domain_text(c))}", ""]
    out += evidence_md(c)  # the same evidence block as a notebook's display of Evidence and Result
    return out + _figures(c, doc, fig_dir)


def _bibliography(doc: dict[str, Any]) -> list[str]:
    """The papers cited and the source documents quoted."""
    out = ["## Bibliography", ""]
    out += [f"- **{md_text(pid)}**: {md_text(text)}" for pid, text in report_bibliography(doc).items()]
    docs = quoted_documents(doc)
    if docs:  # a user's claims quote none: no empty heading
        out += ["", "Source documents quoted in the claims:", ""]
        # by author and year, never a file name
        out += [f"- {md_text(f'[{d.tag}]')}: {md_text(d.description)}" for d in docs]
    return out


def markdown(doc: dict[str, Any], fig_dir: Path | None = None) -> str:
    """The human report in Markdown: provenance, verdict table (mismatches first), the evidence of
    every claim, bibliography. ``fig_dir`` (the report folder) links figures that exist there."""
    claims = ordered(doc["claims"])
    out = _head(doc) + _verdicts(claims)
    for c in claims:
        out += _claim(c, doc, fig_dir)
    out += _bibliography(doc)
    out += ["", "## How to cite this report", "", md_text(how_to_cite(doc))]
    out.append("")
    return "\n".join(out)
