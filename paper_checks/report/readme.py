"""The README's findings and verdict table, generated from a report (``python -m paper_checks readme``).

Two blocks of ``README.md`` are written from ``reports/report.json`` and nothing else:

- between ``<!-- findings:start -->`` and ``<!-- findings:end -->``, one bullet per claim whose
  verdict is not simply ``proved``/``confirmed`` (and every confirmed doubt of the notes). Each
  bullet starts with the claim id and the verdict *of the report*; its prose is the curated
  sentence recorded with :func:`paper_checks.registry.finding` only when the report's verdict is
  the one that sentence was written for, otherwise the report's own summary (so the README can
  never state a verdict the report does not have). Reconstructed claims are labelled as such in every bullet.
- between ``<!-- verdicts:start -->`` and ``<!-- verdicts:end -->``, the verdict table: one line per claim
  (its verdict, method and statement, shortened), so that a newcomer reads it at a glance.

- between ``<!-- counts:start -->`` and ``<!-- counts:end -->``, one line: the report's counts of each verdict and
  where the claims are (:func:`counts_block`), so that a README can state the counts and leave the rest to a page.

The full evidence of every claim (the report's whole summary and condition) goes to a page of its own,
``docs/verdicts.md``, between ``<!-- verdicts-full:start -->`` and ``<!-- verdicts-full:end -->``
(:func:`render_page`), written by the same command from the same report; any of the blocks above on that page is
rewritten with it. Since issue 67 the README holds only the counts (it is read in ten minutes); the findings and
the table live on the page.

:func:`readme_verdicts` reads either table back, for the tests that compare the README with the registry and a
fresh report; :func:`readme_counts` reads the counts the table's header states.
"""
from __future__ import annotations

import re
import textwrap
from collections import Counter
from pathlib import Path
from typing import Any, Mapping

from paper_checks import registry
from paper_checks.files import read_json_file
from paper_checks.report.shared import source_citation
from paper_checks.report.writing import mixed_set

FINDINGS_START, FINDINGS_END = "<!-- findings:start -->", "<!-- findings:end -->"
VERDICTS_START, VERDICTS_END = "<!-- verdicts:start -->", "<!-- verdicts:end -->"
PAGE_START, PAGE_END = "<!-- verdicts-full:start -->", "<!-- verdicts-full:end -->"
COUNTS_START, COUNTS_END = "<!-- counts:start -->", "<!-- counts:end -->"
#: the width of a statement in the README's one-line table (the full text is in docs/verdicts.md)
STATEMENT_WIDTH = 110


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


def _one_line(text: str) -> str:
    """``text`` on one line of a Markdown table: whitespace collapsed, pipes escaped, nothing cut."""
    return " ".join(str(text).split()).replace("|", "\\|")


def table_head(doc: dict[str, Any], where: str) -> str:
    """The line above either table: where the report came from and its counts of each verdict."""
    counts = Counter(c["verdict"] for c in doc["claims"])
    n = len(doc["claims"])
    return (f"From `python -m paper_checks` ({doc.get('precision', '?')} precision, seed {doc.get('seed', '?')}, "
            f"{'NumPy' if doc.get('backend') == 'numpy' else doc.get('backend')} backend): "
            + ", ".join(f"{k} {counts[k]}" for k in sorted(counts)) + f" of {n} claims"
            + f" ({sum(1 for c in doc['claims'] if c.get('reconstructed'))} of them reconstructed, marked *r*). "
            + where)


def table_block(doc: dict[str, Any]) -> str:
    """The README's verdict table with its one-line header: one line per claim, its statement shortened to
    :data:`STATEMENT_WIDTH` characters (the full summaries are in docs/verdicts.md: :func:`page_block`)."""
    rows = ["| claim | verdict | method | the claim (shortened) |", "|---|---|---|---|"]
    for c in doc["claims"]:
        r = " *r*" if c.get("reconstructed") else ""
        rows.append(f"| `{c['id']}`{r} | **{c['verdict']}** | {c['method']} | "
                    f"{_cell(c.get('statement', ''), STATEMENT_WIDTH)} |")
    where = ("Each claim's source, whole summary and condition are in [docs/verdicts.md](docs/verdicts.md); "
             "the full evidence "
             "(numbers, counterexamples, conditions) is in `reports/report.md` after a run.")
    return table_head(doc, where) + "\n\n" + "\n".join(rows)


def counts_block(doc: dict[str, Any]) -> str:
    """The README's one generated line: the report's counts of each verdict, and where every claim is."""
    return table_head(doc, "Every claim's verdict, source, evidence and condition, and the findings, are in "
                           "[docs/verdicts.md](docs/verdicts.md).")


def page_block(doc: dict[str, Any]) -> str:
    """docs/verdicts.md's table: every claim's verdict, method, source, and the report's summary and condition
    in full (whitespace collapsed onto one line, pipes escaped; nothing shortened)."""
    rows = ["| claim | verdict | method | source | evidence | condition |", "|---|---|---|---|---|---|"]
    for c in doc["claims"]:
        r = " *r*" if c.get("reconstructed") else ""
        source = source_citation(c) if c.get("source") else ""  # by author and year, never a document's file name
        rows.append(f"| `{c['id']}`{r} | **{c['verdict']}** | {c['method']} | {_one_line(source)} | "
                    f"{_one_line(c['summary'])} | {_one_line(c.get('condition') or '')} |")
    where = "The full evidence (numbers, counterexamples, figures) is in `reports/report.md` after a run."
    return table_head(doc, where) + "\n\n" + "\n".join(rows)


def _replace(text: str, start: str, end: str, body: str, what: str = "README") -> str:
    i, j = text.find(start), text.find(end)
    if i < 0 or j < 0 or j < i:
        raise ValueError(f"{what} has no {start} ... {end} block")
    return text[: i + len(start)] + "\n" + body + "\n" + text[j:]


def _blocks(text: str, doc: dict[str, Any]) -> str:
    """``text`` with each of the counts, the verdict table and the findings rewritten where it has their markers."""
    for start, end, block in ((COUNTS_START, COUNTS_END, counts_block), (VERDICTS_START, VERDICTS_END, table_block),
                              (FINDINGS_START, FINDINGS_END, findings_block)):
        if start in text:
            text = _replace(text, start, end, block(doc))
    return text


def render(readme: str, doc: dict[str, Any]) -> str:
    """``readme`` with its counts, verdict table and findings rewritten from ``doc`` (each where it has the
    markers; at least one of the counts and the table)."""
    if COUNTS_START not in readme and VERDICTS_START not in readme:
        raise ValueError(f"README has no {COUNTS_START} ... {COUNTS_END} or {VERDICTS_START} ... {VERDICTS_END} block")
    return _blocks(readme, doc)


def render_page(page: str, doc: dict[str, Any]) -> str:
    """``page`` (docs/verdicts.md) with its full verdict table rewritten from ``doc``, and its findings (or any other
    block of :func:`render`) where it has the markers."""
    return _blocks(_replace(page, PAGE_START, PAGE_END, page_block(doc), what="the verdicts page"), doc)


_ROW = re.compile(r"^\| `(?P<id>[^`]+)`(?: \*r\*)? \| \*\*(?P<verdict>[a-z]+)\*\* \|")
_BULLET = re.compile(r"^- \*\*`(?P<id>[^`]+)`\*\* \((?P<verdict>[a-z]+)(?:, reconstructed)?\)")


def readme_verdicts(readme: str, start: str = VERDICTS_START, end: str = VERDICTS_END) -> dict[str, str]:
    """The verdicts the README's table states, by claim id (``start``, ``end``: the markers of another table,
    docs/verdicts.md's :data:`PAGE_START`, :data:`PAGE_END`)."""
    i, j = readme.find(start), readme.find(end)
    out = {}
    for line in readme[i:j].splitlines():
        m = _ROW.match(line)
        if m:
            out[m["id"]] = m["verdict"]
    return out


def readme_findings(readme: str) -> dict[str, str]:
    """The verdicts the findings bullets of a page (docs/verdicts.md, or a README that has them) state, by claim
    id."""
    i, j = readme.find(FINDINGS_START), readme.find(FINDINGS_END)
    if i < 0:
        return {}
    out = {}
    for line in readme[i:j].splitlines():
        m = _BULLET.match(line)
        if m:
            out[m["id"]] = m["verdict"]
    return out


_COUNT = re.compile(r"\b(proved|confirmed|qualified|refuted|inconclusive|error) (\d+)\b")


def readme_counts(readme: str, start: str | None = None, end: str | None = None) -> dict[str, int]:
    """The count of each verdict that the README states (``verdict N``): in its counts line, or the header of its
    table (``start``, ``end``: another table's markers)."""
    if start is None or end is None:
        start, end = (COUNTS_START, COUNTS_END) if COUNTS_START in readme else (VERDICTS_START, VERDICTS_END)
    i, j = readme.find(start), readme.find(end)
    head = readme[i:j].split("\n\n", 1)[0] if i >= 0 else ""
    return {m[1]: int(m[2]) for m in _COUNT.finditer(head)}


_HEAD = re.compile(r"\((?P<precision>\w+) precision, seed (?P<seed>\d+), (?P<backend>[^)]*?) backend\)")
_CELLS = re.compile(r"(?<!\\)\|")


def _unescape(cell: str) -> str:
    return cell.strip().replace("\\|", "|")


def read_page(page: str) -> dict[str, Any]:
    """The report docs/verdicts.md's full table was written from, as far as the table holds it: precision, seed,
    backend, and each claim's id, verdict, method, source, summary and condition (whitespace collapsed), in the
    table's order. The inverse of :func:`page_block`, for the test that re-renders the README and the page from
    it and finds them unchanged (so the README's summaries are the page's, and the page's are one report's)."""
    i, j = page.find(PAGE_START), page.find(PAGE_END)
    if i < 0 or j < 0 or j < i:
        raise ValueError(f"the verdicts page has no {PAGE_START} ... {PAGE_END} block")
    block = page[i + len(PAGE_START):j]
    head = _HEAD.search(block)
    if head is None:
        raise ValueError("the verdicts page's table has no '(P precision, seed N, B backend)' header")
    backend = "numpy" if head["backend"] == "NumPy" else head["backend"]
    claims = []
    for line in block.splitlines():
        if not _ROW.match(line):
            continue
        cells = [_unescape(c) for c in _CELLS.split(line)[1:-1]]
        if len(cells) != 6:
            raise ValueError(f"a row of the verdicts page has {len(cells)} cells, not 6: {line[:80]!r}")
        cid, verdict, method, source, summary, condition = cells
        claims.append({"id": cid.split("`")[1], "reconstructed": cid.endswith("*r*"), "verdict": verdict.strip("*"),
                       "method": method, "source": source, "summary": summary, "condition": condition or None})
    return {"precision": head["precision"], "seed": int(head["seed"]), "backend": backend, "claims": claims}


def prose(readme: str) -> str:
    """``readme`` without its generated blocks (the findings and the verdict table): the text its authors write,
    whose length the tests hold under a limit."""
    for start, end in ((FINDINGS_START, FINDINGS_END), (VERDICTS_START, VERDICTS_END), (COUNTS_START, COUNTS_END)):
        i, j = readme.find(start), readme.find(end)
        if i >= 0 and j > i:
            readme = readme[:i] + readme[j + len(end):]
    return readme
