"""The human report as one self-contained HTML page (``report.html``): inline CSS, figures inline
as base64 PNG, so it opens offline."""
from __future__ import annotations

import base64
from pathlib import Path
from typing import Any

from paper_checks.report.citing import how_to_cite
from paper_checks.report.display import evidence_html
from paper_checks.report.document import quoted_documents, report_bibliography
from paper_checks.report.escaping import html_text
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

_CSS = """
body{font-family:system-ui,-apple-system,"Segoe UI",sans-serif;max-width:60rem;margin:1.5rem auto;padding:0 1rem;
line-height:1.45;color:#222}
table{border-collapse:collapse;margin:.5rem 0 1rem;font-size:.85rem}
td,th{border:1px solid #ccc;padding:.2rem .45rem;vertical-align:top;text-align:left}
th{background:#f2f2f2} code{font-size:.85em} pre{background:#f6f6f6;padding:.5rem;overflow-x:auto;font-size:.8rem}
tr.mismatch td{background:#fde2e1;font-weight:600} .incomplete{background:#fff3cd;border:2px solid #d39e00;
padding:.6rem;font-weight:700} .note{color:#555;font-style:italic;font-size:.85rem}
figure{margin:1rem 0} figure img{max-width:100%} figcaption{font-size:.85rem;color:#444}
.v-proved,.v-confirmed{color:#1a7f37} .v-refuted,.v-error{color:#b42318} .v-qualified{color:#9a6700}
.v-inconclusive{color:#555}
"""


_e = html_text  # the one HTML rule (paper_checks.report.escaping)


def _head(doc: dict[str, Any]) -> list[str]:
    """The page's head and title, the banner of an interrupted run, the counts, the provenance table."""
    o = ['<!DOCTYPE html><html lang="en"><head><meta charset="utf-8">',
         '<meta name="viewport" content="width=device-width, initial-scale=1">',
         "<title>label-noise-lab report</title>", f"<style>{_CSS}</style></head><body>",
         "<h1>label-noise-lab report</h1>"]
    inc = incomplete(doc)
    if inc:
        o.append(f'<p class="incomplete">{_e(inc)}</p>')
    o.append(f"<p>{_e(counts(doc))}.</p>")
    o.append('<table class="provenance"><tbody>' + "".join(f"<tr><th>{_e(k)}</th><td>{_e(v)}</td></tr>"
                                                        for k, v in provenance_rows(doc)) + "</tbody></table>")
    return o


def _verdicts(claims: list[dict[str, Any]]) -> list[str]:
    """The verdict table, one row per claim (``claims`` in report order), mismatches highlighted."""
    o = ["<h2>Verdicts</h2><p>Claims whose verdict differs from the recorded one come first, highlighted.</p>",
         '<table class="verdicts"><thead><tr><th>claim</th><th>verdict</th><th>expected</th><th>method</th>'
         "<th>summary</th></tr></thead><tbody>"]
    for c in claims:
        cls = ' class="mismatch"' if c["verdict"] != c["expected"] else ""
        mark = (f'<sup title="reconstructed claim">{_e(reconstructed_mark(c))}</sup>' if reconstructed_mark(c)
                else "")
        o.append(f'<tr{cls}><td><a href="#{anchor(c["id"])}"><code>{_e(c["id"])}</code></a>{mark}</td>'
                 f'<td class="v-{_e(c["verdict"])}">{_e(c["verdict"])}</td><td>{_e(c["expected"])}</td>'
                 f"<td>{_e(c['method'])}</td><td>{_e(c['summary'])}</td></tr>")
    o.append("</tbody></table>")
    if any(c.get("reconstructed") for c in claims):
        o.append(f'<p class="note">{_e(RECONSTRUCTED_LEGEND)}</p>')
    return o


def _figures(c: dict[str, Any], doc: dict[str, Any], fig_dir: Path | None, shown: dict[str, str]) -> list[str]:
    """The claim's figures drawn for this report, inline; a figure already shown (``shown``: figure ->
    claim, updated here) is linked, not embedded again: the file stays small."""
    o = []
    for name in c.get("figures") or []:
        p = drawn_figure(fig_dir, name, doc)
        if name in shown:
            o.append(f'<p>Figure <a href="#fig-{_e(name)}"><code>{_e(name)}</code></a>: shown under '
                     f"<code>{_e(shown[name])}</code>.</p>")
        elif p is not None:
            shown[name] = c["id"]
            data = base64.b64encode(p.read_bytes()).decode("ascii")
            cap = p.with_suffix(".txt")
            caption = cap.read_text().strip() if cap.exists() else name
            o.append(f'<figure id="fig-{_e(name)}"><img alt="{_e(name)}" src="data:image/png;base64,{data}">'
                     f"<figcaption><code>{_e(name)}</code>: {_e(caption)}</figcaption></figure>")
        else:
            o.append(f'<p class="note">Figure <code>{_e(name)}</code>: not drawn in this run '
                     f"(<code>python -m paper_checks run --figures</code>).</p>")
    return o


def _claim(c: dict[str, Any], doc: dict[str, Any], fig_dir: Path | None, shown: dict[str, str]) -> list[str]:
    """One claim's section: source, statement, evidence, condition, traceback, counterexample,
    numbers, figures."""
    o = [f'<h2 id="{anchor(c["id"])}"><code>{_e(c["id"])}</code> — '
         f'<span class="v-{_e(c["verdict"])}">{_e(c["verdict"])}</span>{_e(mismatch_flag(c))}</h2>']
    if c.get("reconstructed"):
        o.append(f"<p><em>Reconstructed claim</em>: {_e(reconstructed_note(c))}</p>")
    o.append(f"<p><strong>Source</strong>: {_e(source_line(doc, c))}</p>")
    o.append(f"<p><strong>Statement</strong>: {_e(c['statement'])}</p>")
    if domain_text(c):
        o.append("<p><strong>Domain</strong> (where <code>explore</code> searches and <code>explore --prove</code> "
                 f"proves): {_e(domain_text(c))}</p>")
    o += evidence_html(c)  # the same block as a notebook's Evidence/Result display
    return o + _figures(c, doc, fig_dir, shown)


def _bibliography(doc: dict[str, Any]) -> list[str]:
    """The papers cited and the source documents quoted; closes the page."""
    o = ["<h2>Bibliography</h2><ul>"]
    o += [f"<li><strong>{_e(pid)}</strong>: {_e(text)}</li>" for pid, text in report_bibliography(doc).items()]
    o.append("</ul>")
    docs = quoted_documents(doc)
    if docs:  # a user's claims quote none: no empty heading
        o.append("<p>Source documents quoted in the claims:</p><ul>")
        o += [f"<li>[{_e(d.tag)}]: {_e(d.description)}</li>" for d in docs]  # by author and year, never a file
        o.append("</ul>")
    o.append(f"<h2>How to cite this report</h2><p>{_e(how_to_cite(doc))}</p></body></html>\n")
    return o


def html(doc: dict[str, Any], fig_dir: Path | None = None) -> str:
    """A self-contained HTML report (inline CSS, figures inline as base64 PNG): opens offline."""
    claims = ordered(doc["claims"])
    shown: dict[str, str] = {}  # figure -> the claim under which it is embedded (once: the file stays small)
    o = _head(doc) + _verdicts(claims)
    for c in claims:
        o += _claim(c, doc, fig_dir, shown)
    o += _bibliography(doc)
    return "\n".join(o)
