"""The report: a terminal table and ``report.{json,md,html,tex,csv}``.

``report.json`` (schema 1, docs/design.md "The runner") keeps every number a check returned; the
human formats show readable tables of them and say where they shortened anything
("shortened, see report.json"), never cutting silently. Every file is written to a temporary
file in its target folder and moved into place with :func:`os.replace`, so a reader sees either
the old report or the new one, never a half-written or mixed one.
"""
from __future__ import annotations

import base64
import contextlib
import datetime as _dt
import html as _html
import importlib.metadata
import json
import os
import platform
import re
import shutil
import subprocess
import textwrap
import uuid
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterable, Iterator

from paper_checks import registry
from paper_checks.files import atomic_write, records_csv  # noqa: F401 (atomic_write: re-exported)
from paper_checks.runner import Result

SCHEMA = 1
def _version() -> str:
    """The installed distribution's version; an uninstalled checkout says so plainly."""
    try:
        return importlib.metadata.version("label-noise-lab")
    except importlib.metadata.PackageNotFoundError:
        return "0+unknown (label-noise-lab not installed: pip install -e .)"


VERSION = _version()
FORMATS = ("md", "html", "json", "latex", "csv")
SUFFIX = {"md": ".md", "html": ".html", "json": ".json", "latex": ".tex", "csv": ".csv"}
#: a human table shows at most this many rows of a claim's numbers, a list this many values
MAX_ROWS = 40
MAX_LIST = 8
MAX_TEXT = 160
SHORTENED = "shortened, see report.json"


def documents() -> list[registry.Document]:
    """The source documents the loaded claims modules declared (:func:`paper_checks.registry.document`),
    by file name."""
    registry.load()
    return sorted(registry.DOCUMENTS.values(), key=lambda d: d.file)


# --------------------------------------------------------------------------- provenance


def cite(paper: Any) -> str:
    """One citation string for a ``PAPERS`` entry, whichever form it has.

    ``paper_checks.registry.PAPERS`` maps an id to a string today and to a ``Paper``
    (``authors, year, title, venue, ...`` and ``cite()``) after issue 11; both work here.
    """
    if hasattr(paper, "cite"):
        return str(paper.cite())
    if hasattr(paper, "authors"):
        parts = [str(getattr(paper, k)) for k in ("authors", "year", "title", "venue") if getattr(paper, k, None)]
        return ", ".join(parts)
    return str(paper)


def bibliography(paper_ids: Iterable[str]) -> dict[str, str]:
    """``{paper id: citation}`` for the papers named (in the registry's order)."""
    from paper_checks.registry import PAPERS

    wanted = set(paper_ids)
    return {pid: cite(p) for pid, p in PAPERS.items() if pid in wanted}


def _git_commit() -> str | None:
    root = Path(__file__).resolve().parent.parent
    try:
        out = subprocess.run(["git", "-C", str(root), "rev-parse", "HEAD"], capture_output=True, text=True, timeout=5)
        if out.returncode != 0:
            return None
        dirty = subprocess.run(["git", "-C", str(root), "status", "--porcelain", "--untracked-files=no"],
                               capture_output=True, text=True, timeout=5)
        return out.stdout.strip() + ("+dirty" if dirty.stdout.strip() else "")
    except (OSError, subprocess.SubprocessError):
        return None


def _version(module: str) -> str | None:
    try:
        from importlib.metadata import version

        return version(module)
    except Exception:  # not installed (CuPy on a CPU machine)
        return None


def provenance(*, backend: str, seed: int, precision: str, wall_seconds: float | None = None,
               started: _dt.datetime | None = None, argv: list[str] | None = None) -> dict[str, Any]:
    """What produced a report: versions, commit, backend and device, seed, precision, date, time."""
    import numpy
    import scipy
    import sympy

    device = platform.processor() or platform.machine()
    if backend == "cupy":
        try:
            import cupy  # type: ignore[import-not-found]

            props = cupy.cuda.runtime.getDeviceProperties(cupy.cuda.Device().id)
            device = props["name"].decode() if isinstance(props["name"], bytes) else str(props["name"])
        except Exception:  # no device after all: say so rather than fail the report
            device = "cupy (device name unavailable)"
    return {
        "run_id": uuid.uuid4().hex[:12],
        "package": "label-noise-lab",
        "version": VERSION,
        "commit": _git_commit(),
        "python": platform.python_version(),
        "numpy": numpy.__version__,
        "scipy": scipy.__version__,
        "sympy": sympy.__version__,
        "cupy": _version("cupy") or _version("cupy-cuda12x"),
        "backend": backend,
        "device": device,
        "machine": f"{platform.system()} {platform.release()} {platform.machine()}, {os.cpu_count()} CPUs",
        "seed": seed,
        "precision": precision,
        "date": (started or _dt.datetime.now(_dt.timezone.utc)).isoformat(timespec="seconds"),
        "wall_seconds": None if wall_seconds is None else round(wall_seconds, 1),
        "command": " ".join(argv) if argv is not None else None,
    }


def to_json(results: list[Result], *, backend: str, seed: int, precision: str,
            prov: dict[str, Any] | None = None, complete: bool = True, planned: int | None = None) -> dict[str, Any]:
    """The report as a JSON document (schema 1 plus ``provenance``, ``complete``, ``bibliography``).

    ``complete=False`` marks a run stopped early (Ctrl-C): ``planned`` claims were asked for,
    ``len(results)`` finished.
    """
    claims = [r.to_json() for r in results]
    return {
        "schema": SCHEMA,
        "version": VERSION,
        "backend": backend,
        "seed": seed,
        "precision": precision,
        "complete": complete,
        "planned": len(results) if planned is None else planned,
        "provenance": prov if prov is not None else provenance(backend=backend, seed=seed, precision=precision),
        "bibliography": bibliography(c["paper"] for c in claims),
        "claims": claims,
    }


# --------------------------------------------------------------------------- the terminal


def table(results: list[Result]) -> str:
    """One line per claim: id, verdict (with ``!= expected`` where it differs), summary."""
    width = shutil.get_terminal_size((120, 20)).columns
    idw = max((len(r.claim.id) for r in results), default=10)
    lines = [f"{'claim':<{idw}}  {'verdict':<13} summary", "-" * min(width, 120)]
    cut = False
    for r in results:
        v = r.verdict if r.matches else f"{r.verdict}!={r.claim.expected}"
        summ = r.to_json()["summary"]
        room = max(30, width - idw - 17)
        short = textwrap.shorten(summ, room, placeholder="...")
        cut |= short != " ".join(summ.split())
        lines.append(f"{r.claim.id:<{idw}}  {v:<13} {short}")
    counts = Counter(r.verdict for r in results)
    lines.append("-" * min(width, 120))
    lines.append(", ".join(f"{k}: {v}" for k, v in sorted(counts.items())) +
                 f"  ({sum(r.matches for r in results)}/{len(results)} as expected)")
    if cut:
        lines.append("(summaries ending in '...' are shortened to fit the terminal; the report has them in full)")
    return "\n".join(lines)


# --------------------------------------------------------------------------- tables of numbers


@dataclass
class Table:
    """A small table of text cells; ``note`` says what was shortened (and where the rest is)."""

    title: str
    header: list[str]
    rows: list[list[str]]
    note: str | None = None
    notes: list[str] = field(default_factory=list)


def fmt_number(v: Any, *, exact: bool = False) -> str:
    """A readable cell: floats to 4 significant digits (all digits with ``exact``), rationals as given."""
    if v is None:
        return "–"
    if isinstance(v, bool):
        return "yes" if v else "no"
    if isinstance(v, int):
        return str(v)
    if isinstance(v, float):
        return repr(v) if exact else f"{v:.4g}"
    if isinstance(v, (list, tuple)):
        return "[" + ", ".join(fmt_number(x, exact=exact) for x in v) + "]"
    if isinstance(v, dict):
        return "{" + ", ".join(f"{k}: {fmt_number(x, exact=exact)}" for k, x in v.items()) + "}"
    return str(v)


def _scalar(v: Any) -> bool:
    return v is None or isinstance(v, (bool, int, float, str))


def _estimate(v: Any) -> bool:
    return isinstance(v, dict) and "mean" in v and "stderr" in v and all(_scalar(x) for x in v.values())


def _cell(v: Any, path: str, notes: list[str]) -> str:
    """One value as a cell; long lists and texts are shortened *with* a marker."""
    if _estimate(v):
        return f"{fmt_number(v['mean'])} ± {fmt_number(v['stderr'])}"
    if isinstance(v, (list, tuple)) and all(_scalar(x) for x in v):
        if len(v) <= MAX_LIST:
            return fmt_number(list(v))
        notes.append(path)
        return "[" + ", ".join(fmt_number(x) for x in v[:MAX_LIST]) + f", … ({len(v)} values; {SHORTENED})]"
    if isinstance(v, str) and len(v) > MAX_TEXT:
        notes.append(path)
        return v[:MAX_TEXT] + f"… ({SHORTENED})"
    if _scalar(v):
        return fmt_number(v)
    text = json.dumps(v, ensure_ascii=False)
    if len(text) > MAX_TEXT:
        notes.append(path)
        return text[:MAX_TEXT] + f"… ({SHORTENED})"
    return text


def _flatten(v: Any, prefix: str, out: list[tuple[str, Any]]) -> None:
    if isinstance(v, dict) and v and not _estimate(v):
        for k, x in v.items():
            _flatten(x, f"{prefix}.{k}" if prefix else str(k), out)
    elif isinstance(v, list) and v and all(isinstance(x, dict) for x in v) and len(v) <= MAX_LIST:
        for i, x in enumerate(v):
            _flatten(x, f"{prefix}[{i}]", out)
    else:
        out.append((prefix, v))


def number_tables(numbers: dict[str, Any], *, max_rows: int = MAX_ROWS) -> list[Table]:
    """Readable tables of a claim's ``numbers``.

    A dict of records with the same scalar fields becomes a table with those fields as columns;
    everything else becomes ``(quantity, value)`` rows keyed by its dotted path. At most
    ``max_rows`` rows are shown in all; anything left out or shortened is named in a note
    pointing at ``report.json``, which keeps every number.
    """
    tables: list[Table] = []
    loose: list[tuple[str, Any]] = []
    budget = max_rows
    hidden = 0
    for key, v in numbers.items():
        if isinstance(v, dict) and len(v) >= 2 and all(isinstance(x, dict) and x for x in v.values()):
            cols: list[str] = []
            for x in v.values():
                for k in x:
                    if k not in cols:
                        cols.append(k)
            leaf_ok = all(_scalar(y) or _estimate(y) or (isinstance(y, list) and all(_scalar(z) for z in y))
                          for x in v.values() for y in x.values())
            if leaf_ok and len(cols) <= 8:
                notes: list[str] = []
                rows = [[str(r)] + [_cell(x.get(k), f"{key}.{r}.{k}", notes) if k in x else "–" for k in cols]
                        for r, x in v.items()]
                t = Table(key, [""] + [str(c) for c in cols], rows[:budget], notes=notes)
                if len(rows) > budget:
                    hidden += len(rows) - budget
                budget -= len(t.rows)
                tables.append(t)
                continue
        if (isinstance(v, list) and len(v) > MAX_LIST and all(isinstance(x, dict) and x for x in v)
                and all(_scalar(y) or _estimate(y) for x in v for y in x.values())):
            cols = list(dict.fromkeys(k for x in v for k in x))
            if len(cols) <= 10:  # a list of records: a table of its first rows
                notes = []
                rows = [[_cell(x.get(k), f"{key}[{i}].{k}", notes) if k in x else "–" for k in cols]
                        for i, x in enumerate(v)]
                keep = max(0, min(MAX_LIST * 2, budget))
                t = Table(key, [str(c) for c in cols], rows[:keep], notes=notes)
                if len(rows) > keep:
                    t.note = f"first {keep} of {len(rows)} rows; {SHORTENED}, \"numbers\".\"{key}\""
                budget -= len(t.rows)
                tables.append(t)
                continue
        _flatten(v, str(key), loose)
    # the remaining values by their top-level key: loose scalars in one table first, then one table per group
    groups: dict[str, list[tuple[str, Any]]] = {}
    for p, v in loose:
        top, _, rest = p.partition(".")
        if rest and sum(q.startswith(top + ".") for q, _ in loose) >= 3:
            groups.setdefault(top, []).append((rest, v))
        else:
            groups.setdefault("", []).append((p, v))
    ordered_groups = ([("", groups.pop(""))] if "" in groups else []) + list(groups.items())
    loose_tables = []
    for title, items in ordered_groups:
        notes = []
        rows = [[p, _cell(v, f"{title}.{p}" if title else p, notes)] for p, v in items]
        keep = max(budget, 0)
        hidden += max(0, len(rows) - keep)
        budget -= min(len(rows), keep)
        if rows[:keep]:
            loose_tables.append(Table(title, ["quantity", "value"], rows[:keep], notes=notes))
    tables[:0] = loose_tables
    if hidden:
        tables.append(Table("", [], [], note=f"{hidden} more rows not shown ({SHORTENED}, \"numbers\")"))
    for t in tables:
        if t.notes:
            more = f" and {len(t.notes) - 6} more" if len(t.notes) > 6 else ""
            shortened = "shortened here, every value in report.json: " + ", ".join(t.notes[:6]) + more
            t.note = ((t.note + "; ") if t.note else "") + shortened
    return tables


def counterexample_table(ce: dict[str, Any] | None) -> Table | None:
    """The counterexample as ``(quantity, exact value)`` rows: nothing rounded, nothing cut."""
    if not ce:
        return None
    flat: list[tuple[str, Any]] = []
    _flatten(ce, "", flat)
    return Table("counterexample", ["quantity", "value (exact as computed)"],
                 [[p or "value", fmt_number(v, exact=True)] for p, v in flat])


# --------------------------------------------------------------------------- helpers shared by md / html


def ordered(claims: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Mismatches (verdict differs from the recorded one, errors included) first, then the rest, stable."""
    return sorted(claims, key=lambda c: c["verdict"] == c["expected"])


def source_citation(c: dict[str, Any]) -> str:
    """The claim's source with document file names replaced by their short tags."""
    s = c["source"]
    for d in documents():
        s = s.replace(d.file, f"[{d.tag}]")
    return s


def _counts(doc: dict[str, Any]) -> str:
    claims = doc["claims"]
    counts = Counter(c["verdict"] for c in claims)
    mism = sum(c["verdict"] != c["expected"] for c in claims)
    s = ", ".join(f"{k}: {v}" for k, v in sorted(counts.items()))
    return f"{len(claims)} claims ({s}); {mism} differ from the recorded verdict"


def _prov_rows(doc: dict[str, Any]) -> list[tuple[str, str]]:
    p = doc.get("provenance") or {}
    keys = ("run_id", "version", "commit", "python", "numpy", "scipy", "sympy", "cupy", "backend", "device", "machine",
            "seed", "precision", "date", "wall_seconds", "command")
    return [(k, fmt_number(p.get(k)) if k != "commit" else (p.get(k) or "not a git checkout")) for k in keys
            if k in p and (p.get(k) is not None or k in ("commit",))]


def _incomplete(doc: dict[str, Any]) -> str | None:
    if doc.get("complete", True):
        return None
    return (f"INCOMPLETE: the run was interrupted; {len(doc['claims'])} of {doc.get('planned', '?')} claims "
            "finished and are reported below.")


def figure_path(out_dir: Path, name: str) -> Path:
    return out_dir / "figures" / f"{name}.png"


def drawn_figure(fig_dir: Path | None, name: str, doc: dict[str, Any]) -> Path | None:
    """The PNG of figure ``name`` in the report folder if it was drawn with this report's seed and
    precision (its caption says so), else ``None``: a figure left from another run is never shown."""
    if fig_dir is None:
        return None
    p = figure_path(fig_dir, name)
    cap = p.with_suffix(".txt")
    if not (p.exists() and cap.exists()):
        return None
    return p if f"Seed {doc['seed']}, precision '{doc['precision']}'" in cap.read_text() else None


# --------------------------------------------------------------------------- markdown


def _md_escape(s: str) -> str:
    return s.replace("|", "\\|").replace("\n", " ")


def _md_table(t: Table) -> list[str]:
    out: list[str] = []
    if t.title:
        out.append(f"*{t.title}*")
        out.append("")
    if t.header:
        out.append("| " + " | ".join(_md_escape(h) or " " for h in t.header) + " |")
        out.append("|" + "---|" * len(t.header))
        out += ["| " + " | ".join(_md_escape(x) for x in r) + " |" for r in t.rows]
        out.append("")
    if t.note:
        out += [f"*({t.note})*", ""]
    return out


def markdown(doc: dict[str, Any], fig_dir: Path | None = None) -> str:
    """The human report in Markdown: provenance, verdict table (mismatches first), the evidence of
    every claim, bibliography. ``fig_dir`` (the report folder) links figures that exist there."""
    out = ["# label-noise-lab report", ""]
    inc = _incomplete(doc)
    if inc:
        out += [f"> **{inc}**", ""]
    out += [f"version {doc['version']}, backend `{doc['backend']}`, seed {doc['seed']}, precision "
            f"`{doc['precision']}`. {_counts(doc)}.", "", "| provenance | |", "|---|---|"]
    out += [f"| {k} | {_md_escape(v)} |" for k, v in _prov_rows(doc)]
    out += ["", "## Verdicts", "", "Claims whose verdict differs from the recorded one come first, in **bold**.", "",
            "| claim | verdict | expected | method | summary |", "|---|---|---|---|---|"]
    claims = ordered(doc["claims"])
    for c in claims:
        summ = _md_escape(c["summary"])
        if c["verdict"] != c["expected"]:
            out.append(f"| **[`{c['id']}`](#{_anchor(c['id'])})** | **{c['verdict']}** | {c['expected']} | "
                       f"{c['method']} | {summ} |")
        else:
            link = f"[`{c['id']}`](#{_anchor(c['id'])})"
            out.append(f"| {link} | {c['verdict']} | {c['expected']} | {c['method']} | {summ} |")
    out.append("")
    for c in claims:
        flag = "" if c["verdict"] == c["expected"] else f" (recorded: {c['expected']})"
        out += [f"## `{c['id']}` — {c['verdict']}{flag}", ""]
        if c.get("reconstructed"):
            out += ["*Reconstructed claim*: the source states it only in outline; the statement below is what was "
                    "checked.", ""]
        out += [f"**Source**: {_cite_paper(doc, c)}; {source_citation(c)}", "", f"**Statement**: {c['statement']}", "",
                f"**Evidence** ({c['method']}, {c['seconds']} s): {c['summary']}", ""]
        if c.get("condition"):
            out += [f"**Condition**: {c['condition']}", ""]
        if c.get("traceback"):
            out += ["**Traceback**:", "", "```", c["traceback"].rstrip(), "```", ""]
        ce = counterexample_table(c.get("counterexample"))
        if ce is not None:
            out += ["**Counterexample**:", ""] + _md_table(Table("", ce.header, ce.rows))
        if c.get("numbers"):
            out += ["**Numbers**:", ""]
            for t in number_tables(c["numbers"]):
                out += _md_table(t)
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
    out += ["## Bibliography", ""]
    out += [f"- **{pid}**: {text}" for pid, text in _bib(doc).items()]
    out += ["", "Source documents quoted in the claims:", ""]
    out += [f"- [{d.tag}] `{d.file}`: {d.description}" for d in documents()
            if any(d.file in c["source"] for c in doc["claims"])]
    out.append("")
    return "\n".join(out)


def _anchor(cid: str) -> str:
    return "claim-" + re.sub(r"[^a-z0-9_-]", "-", cid.lower())


def _bib(doc: dict[str, Any]) -> dict[str, str]:
    """The report's bibliography (recomputed for a report written before it had one)."""
    return doc.get("bibliography") or bibliography(c["paper"] for c in doc["claims"])


def _cite_paper(doc: dict[str, Any], c: dict[str, Any]) -> str:
    return _bib(doc).get(c["paper"], c["paper"])


# --------------------------------------------------------------------------- html


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


def _e(s: Any) -> str:
    return _html.escape(str(s))


def _html_table(t: Table) -> str:
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


def html(doc: dict[str, Any], fig_dir: Path | None = None) -> str:
    """A self-contained HTML report (inline CSS, figures inline as base64 PNG): opens offline."""
    o = ['<!DOCTYPE html><html lang="en"><head><meta charset="utf-8">',
         '<meta name="viewport" content="width=device-width, initial-scale=1">',
         "<title>label-noise-lab report</title>", f"<style>{_CSS}</style></head><body>",
         "<h1>label-noise-lab report</h1>"]
    inc = _incomplete(doc)
    if inc:
        o.append(f'<p class="incomplete">{_e(inc)}</p>')
    o.append(f"<p>{_e(_counts(doc))}.</p>")
    o.append('<table class="provenance"><tbody>' + "".join(f"<tr><th>{_e(k)}</th><td>{_e(v)}</td></tr>"
                                                        for k, v in _prov_rows(doc)) + "</tbody></table>")
    o.append("<h2>Verdicts</h2><p>Claims whose verdict differs from the recorded one come first, highlighted.</p>")
    o.append('<table class="verdicts"><thead><tr><th>claim</th><th>verdict</th><th>expected</th><th>method</th>'
             "<th>summary</th></tr></thead><tbody>")
    claims = ordered(doc["claims"])
    shown: dict[str, str] = {}  # figure -> the claim under which it is embedded (once: the file stays small)
    for c in claims:
        cls = ' class="mismatch"' if c["verdict"] != c["expected"] else ""
        o.append(f'<tr{cls}><td><a href="#{_anchor(c["id"])}"><code>{_e(c["id"])}</code></a></td>'
                 f'<td class="v-{_e(c["verdict"])}">{_e(c["verdict"])}</td><td>{_e(c["expected"])}</td>'
                 f"<td>{_e(c['method'])}</td><td>{_e(c['summary'])}</td></tr>")
    o.append("</tbody></table>")
    for c in claims:
        flag = "" if c["verdict"] == c["expected"] else f" (recorded: {c['expected']})"
        o.append(f'<h2 id="{_anchor(c["id"])}"><code>{_e(c["id"])}</code> — '
                 f'<span class="v-{_e(c["verdict"])}">{_e(c["verdict"])}</span>{_e(flag)}</h2>')
        if c.get("reconstructed"):
            o.append("<p><em>Reconstructed claim</em>: the source states it only in outline; the statement below is "
                     "what was checked.</p>")
        o.append(f"<p><strong>Source</strong>: {_e(_cite_paper(doc, c))}; {_e(source_citation(c))}</p>")
        o.append(f"<p><strong>Statement</strong>: {_e(c['statement'])}</p>")
        o.append(f"<p><strong>Evidence</strong> ({_e(c['method'])}, {_e(c['seconds'])} s): {_e(c['summary'])}</p>")
        if c.get("condition"):
            o.append(f"<p><strong>Condition</strong>: {_e(c['condition'])}</p>")
        if c.get("traceback"):
            o.append(f"<p><strong>Traceback</strong>:</p><pre>{_e(c['traceback'])}</pre>")
        ce = counterexample_table(c.get("counterexample"))
        if ce is not None:
            o.append("<p><strong>Counterexample</strong>:</p>" + _html_table(Table("", ce.header, ce.rows)))
        if c.get("numbers"):
            o.append("<p><strong>Numbers</strong>:</p>")
            o += [_html_table(t) for t in number_tables(c["numbers"])]
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
    o.append("<h2>Bibliography</h2><ul>")
    o += [f"<li><strong>{_e(pid)}</strong>: {_e(text)}</li>" for pid, text in _bib(doc).items()]
    o.append("</ul><p>Source documents quoted in the claims:</p><ul>")
    o += [f"<li>[{_e(d.tag)}] <code>{_e(d.file)}</code>: {_e(d.description)}</li>" for d in documents()
          if any(d.file in c["source"] for c in doc["claims"])]
    o.append("</ul></body></html>\n")
    return "\n".join(o)


# --------------------------------------------------------------------------- latex and csv


def _tex(s: Any) -> str:
    rep = {"\\": r"\textbackslash{}", "&": r"\&", "%": r"\%", "$": r"\$", "#": r"\#", "_": r"\_", "{": r"\{",
           "}": r"\}", "~": r"\textasciitilde{}", "^": r"\textasciicircum{}"}
    return "".join(rep.get(ch, ch) for ch in str(s))


def latex(doc: dict[str, Any]) -> str:
    """The verdict table for a paper (``booktabs``, ``longtable``): claim, source, verdict, method."""
    lines = [f"% label-noise-lab {doc['version']}, run {(doc.get('provenance') or {}).get('run_id')}, "
             f"commit {(doc.get('provenance') or {}).get('commit')}, "
             f"seed {doc['seed']}, precision {doc['precision']}",
             "% needs \\usepackage{booktabs,longtable}",
             r"\begin{longtable}{@{}llll@{}}",
             r"\caption{Verdicts of label-noise-lab on the claims (mismatches with the recorded verdict marked *).}\\",
             r"\toprule", r"Claim & Source & Verdict & Method \\", r"\midrule", r"\endhead"]
    if _incomplete(doc):
        lines.insert(0, "% " + _incomplete(doc))
    for c in ordered(doc["claims"]):
        star = "" if c["verdict"] == c["expected"] else "*"
        lines.append(f"\\texttt{{{_tex(c['id'])}}} & {_tex(source_citation(c))} & {_tex(c['verdict'])}{star} & "
                     f"{_tex(c['method'])} \\\\")
    lines += [r"\bottomrule", r"\end{longtable}", ""]
    return "\n".join(lines)


CSV_COLUMNS = ("id", "paper", "verdict", "expected", "matches", "method", "seconds", "source", "statement", "summary",
               "condition")


def csv_text(doc: dict[str, Any]) -> str:
    """One row per claim (``CSV_COLUMNS``, then the run id and whether the run was complete)."""
    run_id = (doc.get("provenance") or {}).get("run_id", "")
    complete = doc.get("complete", True)
    rows = ({**c, "matches": c["verdict"] == c["expected"], "run_id": run_id, "complete": complete}
            for c in doc["claims"])
    return records_csv(rows, [*CSV_COLUMNS, "run_id", "complete"])


def render(doc: dict[str, Any], fmt: str, fig_dir: Path | None = None) -> str:
    """The report ``doc`` in format ``fmt`` (one of :data:`FORMATS`)."""
    if fmt == "json":
        return json.dumps(doc, indent=1, ensure_ascii=False) + "\n"
    if fmt == "md":
        return markdown(doc, fig_dir)
    if fmt == "html":
        return html(doc, fig_dir)
    if fmt == "latex":
        return latex(doc)
    if fmt == "csv":
        return csv_text(doc)
    raise ValueError(f"unknown report format {fmt!r}; choose from {', '.join(FORMATS)}")


def targets(out_dir: Path, formats: Iterable[str], json_path: Path | None = None) -> dict[str, Path]:
    """The file each format goes to: ``out_dir/report.<suffix>``, JSON to ``json_path`` when given."""
    out = {f: Path(out_dir) / f"report{SUFFIX[f]}" for f in formats}
    if json_path is not None and "json" in out:
        out["json"] = Path(json_path)
    return out


def write(doc: dict[str, Any], out_dir: Path, json_path: Path | None = None,
          formats: Iterable[str] = ("json", "md", "html"), *, tracebacks: bool = False) -> tuple[Path, ...]:
    """Write the report in ``formats`` (atomically, each file whole) and return the paths written.

    ``report.json`` always keeps a crashing check's full traceback; the other formats show it
    only with ``tracebacks=True`` (``--traceback``), its last line otherwise (in the summary).
    """
    paths = targets(out_dir, formats, json_path)
    for p in paths.values():
        p.parent.mkdir(parents=True, exist_ok=True)
    human = doc if tracebacks else {**doc, "claims": [{k: v for k, v in c.items() if k != "traceback"}
                                                      for c in doc["claims"]]}
    texts = {f: render(doc if f == "json" else human, f, Path(out_dir)) for f in paths}  # rendered before locking
    lock_dir = next(iter(paths.values())).parent if paths else Path(out_dir)
    with _folder_lock(lock_dir):  # one run's set of files at a time: never a mix of two runs
        return tuple(atomic_write(p, texts[f]) for f, p in paths.items())


@contextlib.contextmanager
def _folder_lock(folder: Path) -> Iterator[None]:
    """An exclusive advisory lock on ``folder/.report.lock`` (POSIX ``flock``; no lock where it is missing)."""
    try:
        import fcntl
    except ImportError:  # pragma: no cover (Windows): each file is still replaced whole
        yield
        return
    with open(folder / ".report.lock", "a") as fh:
        fcntl.flock(fh.fileno(), fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(fh.fileno(), fcntl.LOCK_UN)
