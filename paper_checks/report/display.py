"""Rich display in notebooks, with the report's own renderers: one claim's evidence block is rendered
here for ``report.md``/``report.html`` and for ``_repr_markdown_``/``_repr_html_`` alike.

The objects a researcher meets in a notebook call these from their ``_repr_html_`` and
``_repr_markdown_`` methods: :class:`~paper_checks.evidence.Evidence`,
:class:`~paper_checks.run.runner.Result`, :class:`~paper_checks.search.loop.SearchResult`,
:class:`~paper_checks.trials.simplex.LossTrial` and :class:`label_noise_lab.figures.registry.Drawn`. This module reads
them by their JSON forms and attributes only and imports nothing of the instrument but the report's
tables, so those classes' modules may import it (lazily: importing ``paper_checks.report`` imports the
runner, which imports them) without an import cycle.
"""
from __future__ import annotations

import base64
import io
from typing import Any

from paper_checks.report.escaping import html_text, md_code, md_fence, md_text
from paper_checks.report.tables import Table, counterexample_table, fmt_number, number_tables

_e = html_text  # the one HTML rule (paper_checks.report.escaping)
_md_escape = md_text  # the one Markdown rule


# --------------------------------------------------------------------------- tables
def md_table(t: Table) -> list[str]:
    """A report :class:`~paper_checks.report.tables.Table` as Markdown lines."""
    out: list[str] = []
    if t.title:
        out.append(f"*{md_text(t.title)}*")
        out.append("")
    if t.header:
        out.append("| " + " | ".join(_md_escape(h) or " " for h in t.header) + " |")
        out.append("|" + "---|" * len(t.header))
        out += ["| " + " | ".join(_md_escape(x) for x in r) + " |" for r in t.rows]
        out.append("")
    if t.note:
        out += [f"*({md_text(t.note)})*", ""]
    return out


def html_table(t: Table) -> str:
    """A report :class:`~paper_checks.report.tables.Table` as HTML."""
    parts = []
    if t.title:
        parts.append(f"<p><em>{_e(t.title)}</em></p>")
    if t.header:
        head = "".join(f"<th>{_e(h)}</th>" for h in t.header)
        body = "".join("<tr>" + "".join(f"<td>{_e(x)}</td>" for x in r) + "</tr>" for r in t.rows)
        parts.append(f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>")
    if t.note:
        parts.append(f'<p class="note">({_e(t.note)})</p>')
    return "\n".join(parts)


# --------------------------------------------------------------------------- a claim's evidence block
def _timing(c: dict[str, Any]) -> str:
    return f"{c['method']}, {c['seconds']} s" if c.get("seconds") is not None else str(c["method"])


def evidence_md(c: dict[str, Any]) -> list[str]:
    """A claim's evidence block in Markdown (``c``: a report claim, or ``Evidence.to_json()``):
    summary, condition, traceback, counterexample (exact), numbers. The report and notebooks use it."""
    out = [f"**Evidence** ({md_text(_timing(c))}): {md_text(c['summary'])}", ""]
    if c.get("condition"):
        out += [f"**Condition**: {md_text(c['condition'])}", ""]
    if c.get("traceback"):
        out += ["**Traceback**:", "", *md_fence(c["traceback"]), ""]
    ce = counterexample_table(c.get("counterexample"))
    if ce is not None:
        out += ["**Counterexample**:", ""] + md_table(Table("", ce.header, ce.rows))
    if c.get("numbers"):
        out += ["**Numbers**:", ""]
        for t in number_tables(c["numbers"]):
            out += md_table(t)
    return out


def evidence_html(c: dict[str, Any]) -> list[str]:
    """A claim's evidence block in HTML (see :func:`evidence_md`)."""
    o = [f"<p><strong>Evidence</strong> ({_e(_timing(c))}): {_e(c['summary'])}</p>"]
    if c.get("condition"):
        o.append(f"<p><strong>Condition</strong>: {_e(c['condition'])}</p>")
    if c.get("traceback"):
        o.append(f"<p><strong>Traceback</strong>:</p><pre>{_e(c['traceback'])}</pre>")
    ce = counterexample_table(c.get("counterexample"))
    if ce is not None:
        o.append("<p><strong>Counterexample</strong>:</p>" + html_table(Table("", ce.header, ce.rows)))
    if c.get("numbers"):
        o.append("<p><strong>Numbers</strong>:</p>")
        o += [html_table(t) for t in number_tables(c["numbers"])]
    return o


_VERDICT_STYLE = {"proved": "#1a7f37", "confirmed": "#1a7f37", "refuted": "#b42318", "error": "#b42318",
                  "qualified": "#9a6700", "inconclusive": "#555"}


def _verdict_html(verdict: str) -> str:
    return f'<strong style="color:{_VERDICT_STYLE.get(verdict, "#222")}">{_e(verdict)}</strong>'


def _figures_line(c: dict[str, Any]) -> str | None:
    names = c.get("figures") or []
    if not names:
        return None
    return "Figures: " + ", ".join(map(str, names)) + " (draw one with label_noise_lab.figures.registry.draw(name))"


# --------------------------------------------------------------------------- the notebook objects
def evidence_markdown(ev: Any) -> str:
    """``Evidence._repr_markdown_``: the verdict, then the report's evidence block."""
    c = ev.to_json()
    out = [f"**{md_text(c['verdict'])}** ({md_text(c['method'])})", ""] + evidence_md(c)
    fig = _figures_line(c)
    return "\n".join(out + ([md_text(fig)] if fig else [])).rstrip() + "\n"


def evidence_html_page(ev: Any) -> str:
    """``Evidence._repr_html_``: the verdict, then the report's evidence block."""
    c = ev.to_json()
    o = [f"<div class=\"lnl-evidence\"><p>{_verdict_html(c['verdict'])} ({_e(c['method'])})</p>", *evidence_html(c)]
    fig = _figures_line(c)
    return "\n".join(o + ([f"<p>{_e(fig)}</p>"] if fig else []) + ["</div>"])


def _claim_head(c: dict[str, Any]) -> tuple[str, str]:
    note = f"; {c['precision_note']}" if c.get("precision_note") else ""
    flag = "" if c["verdict"] == c["expected"] else f" (recorded: {c['expected']}{note})"
    return c["verdict"], flag


def result_markdown(r: Any) -> str:
    """``Result._repr_markdown_``: the claim's section as in ``report.md`` (without the figures' images); the source
    line is ``r.source_line()`` (the paper's citation, then where in it), as the report prints it."""
    c = r.to_json()
    verdict, flag = _claim_head(c)
    out = [f"**{md_code(c['id'])} — {md_text(verdict)}**{md_text(flag)}", "", f"**Source**: {md_text(r.source_line())}",
           "", f"**Statement**: {md_text(c['statement'])}", ""] + evidence_md(c)
    fig = _figures_line(c)
    return "\n".join(out + ([md_text(fig)] if fig else [])).rstrip() + "\n"


def result_html(r: Any) -> str:
    """``Result._repr_html_``: the claim's section as in ``report.html`` (without the figures' images)."""
    c = r.to_json()
    verdict, flag = _claim_head(c)
    o = [f"<div class=\"lnl-result\"><p><code>{_e(c['id'])}</code> — {_verdict_html(verdict)}{_e(flag)}</p>",
         f"<p><strong>Source</strong>: {_e(r.source_line())}</p>",
         f"<p><strong>Statement</strong>: {_e(c['statement'])}</p>", *evidence_html(c)]
    fig = _figures_line(c)
    return "\n".join(o + ([f"<p>{_e(fig)}</p>"] if fig else []) + ["</div>"])


def _search_tables(res: Any) -> tuple[Table, Table | None]:
    j = res.to_json()
    rows = [["outcome", str(j["outcome"])], ["margin evaluations", f"{j['evaluated']} (budget {j['budget']})"],
            ["smallest floating-point margin", fmt_number(j["worst_margin"])],
            ["worst point (floating point)", fmt_number(j["worst"])]]
    if j["verified"]:
        rows += [["exact margin at the counterexample", f"{j['exact_margin']} = {fmt_number(j['exact_margin_value'])}"],
                 ["shrink steps (each verified exactly)", str(j["shrink_steps"])]]
    if j["raised"]:
        rows.append(["margin raised", f"at {j['raised']} points (first: {j['first_error']})"])
    rows += [["note", n] for n in j["notes"]]
    ce = counterexample_table(j["counterexample"]) if j["verified"] else None
    return Table("", ["search", ""], rows), ce


def search_markdown(res: Any) -> str:
    """``SearchResult._repr_markdown_``: the outcome and the verified counterexample (exact values)."""
    t, ce = _search_tables(res)
    out = md_table(t) + (["**Counterexample** (verified exactly):", ""] + md_table(ce) if ce is not None else [])
    return "\n".join(out).rstrip() + "\n"


def search_html(res: Any) -> str:
    """``SearchResult._repr_html_``: the outcome and the verified counterexample (exact values)."""
    t, ce = _search_tables(res)
    o = [html_table(t)] + (["<p><strong>Counterexample</strong> (verified exactly):</p>", html_table(ce)]
                           if ce is not None else [])
    return "<div class=\"lnl-search\">" + "\n".join(o) + "</div>"


def _trial_table(tr: Any) -> Table:
    params = ", ".join(f"{k}={v}" for k, v in tr.params.items())
    title = f"{tr.loss}({params})" if params else str(tr.loss)
    cs = tr.cs
    span = f"{cs[0]}..{cs[-1]}" if cs and cs == list(range(cs[0], cs[-1] + 1)) and len(cs) > 1 else \
        ", ".join(map(str, cs))
    rows = [[name, p.cell, p.method, p.summary] for name, p in tr.properties.items()]
    return Table(f"loss trial of {title}, c = {span}; {tr.cite}", ["property", "value", "method", "evidence"], rows,
                 note="; ".join(tr.notes) or None)


def trial_markdown(tr: Any) -> str:
    """``LossTrial._repr_markdown_``: one row per property, with its evidence."""
    return "\n".join(md_table(_trial_table(tr))).rstrip() + "\n"


def trial_html(tr: Any) -> str:
    """``LossTrial._repr_html_``: one row per property, with its evidence."""
    return "<div class=\"lnl-trial\">" + html_table(_trial_table(tr)) + "</div>"


def _margin_table(tr: Any) -> Table:
    rows = [[name, p.cell, p.method, p.summary] for name, p in tr.properties.items()]
    return Table(f"margin-loss trial of {tr.loss}: phi(v) = {tr.phi}; {tr.cite}",
                 ["property", "value", "method", "evidence"], rows,
                 note="definitions, sources and the readings chosen: docs/losses.md")


def margin_trial_markdown(tr: Any) -> str:
    """``MarginTrial._repr_markdown_``: one row per property, with its evidence."""
    return "\n".join(md_table(_margin_table(tr))).rstrip() + "\n"


def margin_trial_html(tr: Any) -> str:
    """``MarginTrial._repr_html_``: one row per property, with its evidence."""
    return "<div class=\"lnl-trial\">" + html_table(_margin_table(tr)) + "</div>"


def _png(drawn: Any) -> str:
    buf = io.BytesIO()
    drawn.figure.savefig(buf, format="png")
    return base64.b64encode(buf.getvalue()).decode("ascii")


def drawn_markdown(drawn: Any) -> str:
    """``Drawn._repr_markdown_``: the figure inline (a PNG data URI) and its caption."""
    return f"![figure](data:image/png;base64,{_png(drawn)})\n\n*{md_text(drawn.caption.strip())}*\n"


def drawn_html(drawn: Any) -> str:
    """``Drawn._repr_html_``: the figure inline (base64 PNG), as ``report.html`` embeds it, and its caption."""
    return (f'<figure><img alt="figure" style="max-width:100%" src="data:image/png;base64,{_png(drawn)}">'
            f"<figcaption>{_e(drawn.caption.strip())}</figcaption></figure>")
