"""The report: readable tables that never cut silently, every format, atomic and unmixed writes, a real browser."""
import csv
import io
import json
import os
import shutil
import subprocess
import sys
import time
from html import escape
from pathlib import Path

import numpy as np
import pytest

from paper_checks import files, report
from paper_checks.registry import PAPERS, load


def claim_entry(i: int = 0, verdict: str = "proved", expected: str = "proved", **kw) -> dict:
    c = {"id": f"gce18.fake_{i:02d}", "paper": "gce18", "source": "004_bedc5f2f9c2d4575.txt, sec. 3.2, Eq. (7)",
         "statement": "A statement | with a pipe.", "reconstructed": False, "expected": expected, "seconds": 0.1,
         "verdict": verdict, "method": "symbolic", "summary": "A summary.", "condition": None,
         "numbers": {"scalar": 0.123456789, "exact": "1/3", "flag": True,
                     "estimate": {"mean": 0.5, "stderr": 0.01, "n": 8},
                     "by_loss": {"cce": {"mean": 0.1, "stderr": 0.02, "n": 8, "sd": 0.05},
                                 "mae": {"mean": 0.3, "stderr": 0.01, "n": 8, "sd": 0.02}},
                     "long_list": list(range(50)),
                     "grid": [{"c": c_, "q": "1/2", "holds": c_ % 2 == 0} for c_ in range(40)],
                     "nested": {"deep": {"deeper": {"x": 1.5, "text": "y" * 400}}}},
         "counterexample": None, "figures": []}
    c.update(kw)
    return c


def doc_of(claims, complete=True, planned=None):
    prov = report.provenance(backend="numpy", seed=3, precision="quick", wall_seconds=1.25)
    return {"schema": 1, "version": report.VERSION, "backend": "numpy", "seed": 3, "precision": "quick",
            "complete": complete, "planned": planned or len(claims), "provenance": prov,
            "bibliography": report.bibliography(c["paper"] for c in claims), "claims": claims}


def test_number_tables_say_what_they_shorten():
    tables = report.number_tables(claim_entry()["numbers"])
    text = json.dumps([t.__dict__ for t in tables])
    assert report.SHORTENED in text
    notes = " ".join(t.note or "" for t in tables)
    assert "long_list" in notes and "nested.deep.deeper.text" in notes
    grid = next(t for t in tables if t.title == "grid")
    assert len(grid.rows) < 40 and "first" in grid.note and "of 40 rows" in grid.note
    by_loss = next(t for t in tables if t.title == "by_loss")
    assert by_loss.header == ["", "mean", "stderr", "n", "sd"] and by_loss.rows[0][0] == "cce"
    flat = {r[0]: r[1] for t in tables if t.header == ["quantity", "value"] for r in t.rows}
    assert flat["scalar"] == "0.1235" and flat["exact"] == "1/3" and flat["estimate"] == "0.5 ± 0.01"


def test_row_budget_is_marked_not_silent():
    numbers = {f"k{i}": float(i) for i in range(200)}
    tables = report.number_tables(numbers, max_rows=30)
    shown = sum(len(t.rows) for t in tables)
    assert shown == 30
    assert any(t.note and "170 more rows" in t.note and report.SHORTENED in t.note for t in tables)


def test_counterexample_table_keeps_exact_values():
    t = report.counterexample_table({"c": 10, "q": "1/2", "gap": 0.014403811047462679, "F": {"2": 12.111928618984402}})
    rows = dict(t.rows)
    assert rows == {"c": "10", "q": "1/2", "gap": "0.014403811047462679", "F.2": "12.111928618984402"}


def test_mismatches_come_first_and_are_highlighted():
    claims = [claim_entry(0), claim_entry(1, verdict="refuted", expected="proved",
                                         counterexample={"q": "1/2"}), claim_entry(2)]
    doc = doc_of(claims)
    assert [c["id"] for c in report.ordered(claims)][0] == "gce18.fake_01"
    md = report.markdown(doc)
    first_row = next(line for line in md.splitlines() if line.startswith("| **[") or line.startswith("| [`"))
    assert first_row.startswith("| **[`gce18.fake_01`") and "**refuted**" in first_row
    assert "recorded: proved" in md and "1 differ from the recorded verdict" in md
    html = report.html(doc)
    assert html.count('class="mismatch"') == 1
    assert "| value (exact as computed) |" in md


def test_verdict_tables_mark_reconstructed_claims_with_a_legend():
    claims = [claim_entry(0, reconstructed=True, reconstruction="outline"), claim_entry(1)]
    doc = doc_of(claims)
    md = report.markdown(doc)
    rows = [line for line in md.splitlines() if line.startswith("| [`gce18.fake_")]
    assert rows[0].startswith("| [`gce18.fake_00`](#claim-gce18-fake_00)\N{DAGGER} |")
    assert "\N{DAGGER}" not in rows[1]
    assert "\N{DAGGER} reconstructed claim" in md.split("## `gce18.fake_00`")[0]  # the legend, under the table
    html = report.html(doc)
    table = html.split('<table class="verdicts">')[1].split("</table>")[0]
    assert table.count('<sup title="reconstructed claim">\N{DAGGER}</sup>') == 1
    after = html.split('<table class="verdicts">')[1].split("</table>", 1)[1]
    assert "\N{DAGGER} reconstructed claim" in after.split("<h2")[0]  # the legend, right under the table
    tex = report.latex(doc)
    assert "\\texttt{gce18.fake\\_00}\\textsuperscript{\\dag} &" in tex and "marked \\dag" in tex
    assert "\\texttt{gce18.fake\\_01} &" in tex
    # no reconstructed claim: no legend
    assert "reconstructed claim:" not in report.markdown(doc_of([claim_entry(1)])).split("## `")[0]


def test_reconstructed_sections_say_how_the_claim_was_reconstructed():
    kinds = {"outline": "only in outline", "weakened": "deliberately weaker", "negated": "negation of the source's",
             "read off Fig. 2, not stated in the text": "read off Fig. 2, not stated in the text; the statement "
                                                       "below is what was checked."}
    for reason, text in kinds.items():
        doc = doc_of([claim_entry(0, reconstructed=True, reconstruction=reason)])
        assert "*Reconstructed claim*: " in report.markdown(doc) and text in report.markdown(doc)
        assert escape(text) in report.html(doc)
        if reason != "outline":
            assert "only in outline" not in report.markdown(doc)
    # a report written before the reasons existed says what it always said
    old = doc_of([claim_entry(0, reconstructed=True)])
    assert "only in outline" in report.markdown(old)


def test_source_line_has_no_full_stop_before_the_semicolon():
    load()  # the catalogue's papers: gce18's citation ends in a full stop
    doc = doc_of([claim_entry(0)])
    line = next(x for x in report.markdown(doc).splitlines() if x.startswith("**Source**"))
    assert "Sabuncu" in line and ".;" not in line and line.endswith(", sec. 3.2, Eq. (7)")
    assert ".;" not in report.html(doc)


def test_provenance_and_bibliography():
    doc = doc_of([claim_entry()])
    p = doc["provenance"]
    for key in ("version", "commit", "python", "numpy", "scipy", "sympy", "backend", "device", "seed", "precision",
                "date", "wall_seconds", "run_id"):
        assert key in p
    md = report.markdown(doc)
    assert f"| numpy | {np.__version__} |" in md and "| seed | 3 |" in md
    assert "## Bibliography" in md and report.cite(PAPERS["gce18"]) in md
    assert "[Zhang & Sabuncu 2018]" in md and "Generalized Cross Entropy" in md  # the source file named, not opaque


def test_cite_works_for_strings_and_paper_objects():
    class Paper:  # the interface issue 11 introduces
        authors, year, title, venue = "Zhang & Sabuncu", 2018, "Generalized Cross Entropy", "NeurIPS"

        def cite(self):
            return "Zhang & Sabuncu (2018). Generalized Cross Entropy. NeurIPS."

    class Bare:
        authors, year, title, venue = "A & B", 2020, "T", "V"

    assert report.cite("plain string") == "plain string"
    assert report.cite(Paper()) == "Zhang & Sabuncu (2018). Generalized Cross Entropy. NeurIPS."
    assert report.cite(Bare()) == "A & B, 2020, T, V"


def test_incomplete_report_is_marked_everywhere():
    doc = doc_of([claim_entry()], complete=False, planned=63)
    for fmt in ("md", "html", "latex"):
        assert "INCOMPLETE" in report.render(doc, fmt), fmt
    assert json.loads(report.render(doc, "json"))["complete"] is False
    assert list(csv.DictReader(io.StringIO(report.render(doc, "csv"))))[0]["complete"] == "False"


def test_latex_and_csv():
    claims = [claim_entry(0), claim_entry(1, verdict="refuted", expected="refuted", counterexample={"x": 1})]
    doc = doc_of(claims)
    tex = report.latex(doc)
    assert r"\begin{longtable}" in tex and r"\texttt{gce18.fake\_00}" in tex and r"\end{longtable}" in tex
    rows = list(csv.DictReader(io.StringIO(report.csv_text(doc))))
    assert [r["id"] for r in rows] == ["gce18.fake_00", "gce18.fake_01"]
    assert rows[0]["statement"] == "A statement | with a pipe." and rows[0]["matches"] == "True"


def _figure_png(path: Path) -> None:
    from label_noise_lab.figures.style import new

    # a wide figure dense in points: larger than any of python -m label_noise_lab.figures (<= 150 kB)
    fig, ax = new((7.0, 2.6))
    rng = np.random.default_rng(0)
    ax.scatter(rng.random(1200), rng.random(1200), s=2, c=rng.random(1200))
    fig.savefig(path, dpi=200)


def full_doc(tmp_path: Path) -> dict:
    """63 claims with realistic numbers and 18 figures, as the full run writes them."""
    figs = tmp_path / "figures"
    figs.mkdir()
    _figure_png(figs / "f00.png")
    for i in range(1, 18):
        shutil.copy(figs / "f00.png", figs / f"f{i:02d}.png")
    for i in range(18):
        (figs / f"f{i:02d}.txt").write_text("A caption. Seed 3, precision 'quick', random stream of claim x.")
    claims = [claim_entry(i, figures=[f"f{i % 18:02d}"]) for i in range(63)]
    return doc_of(claims)


def test_full_report_renders_fast_and_html_is_small(tmp_path):
    doc = full_doc(tmp_path)
    t0 = time.perf_counter()
    paths = report.write(doc, tmp_path, None, report.FORMATS)
    elapsed = time.perf_counter() - t0
    assert elapsed < 60.0, f"rendering took {elapsed:.2f} s"  # a guard against a runaway, not a benchmark
    html = (tmp_path / "report.html").read_text()
    assert (tmp_path / "report.html").stat().st_size < 10 * 2**20
    assert html.count("data:image/png;base64,") == 18 and "src=\"figures/" not in html  # self-contained, once each
    assert html.count("shown under") == 63 - 18
    assert {p.name for p in paths} == {p.name for p in report.targets(tmp_path, report.FORMATS, None).values()}
    assert len(paths) == len(report.FORMATS)  # one file per format, read from the registry of formats
    assert not list(tmp_path.glob(".report.*.tmp"))


def test_atomic_write_never_leaves_a_partial_file(tmp_path, monkeypatch):
    target = tmp_path / "report.json"
    report.atomic_write(target, "old")

    def boom(*a, **k):
        raise OSError("disk full")

    monkeypatch.setattr(files.os, "replace", boom)  # atomic_write (re-exported by report) lives in files
    with pytest.raises(OSError):
        report.atomic_write(target, "new" * 1000)
    assert target.read_text() == "old" and [p.name for p in tmp_path.iterdir()] == ["report.json"]


WRITER = """
import sys, time, uuid
from pathlib import Path
sys.path.insert(0, {root!r})
from paper_checks import report
sys.path.insert(0, {tests!r})
from test_report import claim_entry, doc_of
doc = doc_of([claim_entry(i) for i in range(40)])
for _ in range({n}):
    doc["provenance"]["run_id"] = uuid.uuid4().hex[:12]
    report.write(doc, Path({out!r}), None, ("json", "md", "html", "csv"))
"""


@pytest.mark.slow
def test_concurrent_writers_never_leave_a_corrupt_or_mixed_report(tmp_path):
    """Two processes write full reports into one folder, over and over; a reader checks it all along."""
    root = str(Path(__file__).resolve().parents[2])
    code = WRITER.format(root=root, tests=str(Path(__file__).parent), n=15, out=str(tmp_path))
    procs = [subprocess.Popen([sys.executable, "-c", code]) for _ in range(2)]
    seen = 0
    while any(p.poll() is None for p in procs):
        if (tmp_path / "report.json").exists():
            json.loads((tmp_path / "report.json").read_text())  # never half-written
            seen += 1
        time.sleep(0.01)
    assert [p.wait() for p in procs] == [0, 0]
    doc = json.loads((tmp_path / "report.json").read_text())
    run = doc["provenance"]["run_id"]
    assert f"| run_id | {run} |" in (tmp_path / "report.md").read_text()  # the set is one run's
    assert run in (tmp_path / "report.html").read_text()
    assert {r["run_id"] for r in csv.DictReader(io.StringIO((tmp_path / "report.csv").read_text()))} == {run}
    assert not list(tmp_path.glob(".report.*.tmp")) and seen > 0


def _browser() -> str | None:
    for name in ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable"):
        if shutil.which(name):
            return shutil.which(name)
    return None


@pytest.mark.slow  # about 1 s or more: out of README's quick command, in CI's slow run
def test_html_renders_table_and_image_in_a_real_browser(tmp_path):
    if _browser() is None:
        reason = ("no headless browser to check report.html as rendered (install the Debian package 'chromium'; "
                  ".ci/run does)")
        if os.environ.get("LNL_REQUIRE_BROWSER"):  # set by .ci/run once it has installed one
            pytest.fail(reason)
        pytest.skip(reason)
    figs = tmp_path / "figures"
    figs.mkdir()
    from label_noise_lab.figures.style import new

    fig, ax = new((3.4, 2.6))
    ax.bar([0, 1, 2], [3, 2, 4], color="#1b9e77", width=0.9)  # a colour no other part of the page uses
    fig.savefig(figs / "probe.png", dpi=100)
    (figs / "probe.txt").write_text("Bars. Seed 3, precision 'quick'.")
    claims = [claim_entry(0, verdict="refuted", expected="proved", counterexample={"q": "1/2"}, figures=["probe"])]
    doc = doc_of(claims)
    doc["claims"][0]["numbers"] = {"x": 1.0}
    report.write(doc, tmp_path, None, ("html",))
    shot = tmp_path / "shot.png"
    proc = subprocess.run([_browser(), "--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars",
                           f"--screenshot={shot}", "--window-size=1000,2600",
                           (tmp_path / "report.html").as_uri()], capture_output=True, text=True, timeout=120)
    assert shot.exists(), proc.stderr[-2000:]
    import matplotlib.image

    img = (matplotlib.image.imread(shot)[..., :3] * 255).round().astype(int)

    def pixels(hex_colour: str, tol: int = 6) -> int:
        rgb = np.array([int(hex_colour[i:i + 2], 16) for i in (1, 3, 5)])
        return int((np.abs(img - rgb).max(axis=-1) <= tol).sum())

    assert pixels("#fde2e1") > 2000, "the highlighted mismatch row of the verdict table is not on the page"
    assert pixels("#1b9e77") > 2000, "the inline figure is not rendered"


def test_figures_of_another_run_are_not_shown(tmp_path):
    figs = tmp_path / "figures"
    figs.mkdir()
    _figure_png(figs / "f00.png")
    (figs / "f00.txt").write_text("Seed 9, precision 'full'.")  # left over from another run
    doc = doc_of([claim_entry(0, figures=["f00"])])
    assert "data:image/png" not in report.html(doc, tmp_path) and "not drawn in this run" in report.html(doc, tmp_path)
    (figs / "f00.txt").write_text("Seed 3, precision 'quick'.")
    assert "data:image/png" in report.html(doc, tmp_path)
    assert "![f00](figures/f00.png)" in report.markdown(doc, tmp_path)


def test_each_explorable_claim_names_its_domain_in_json_markdown_and_html():
    """report.json records where a claim is explored and proved, the statement's range beside a narrower one;
    the Markdown and HTML print it (issue 57, item 1)."""
    from paper_checks.evidence import Evidence
    from paper_checks.run.runner import Result

    reg = load()
    entry = Result(reg["gce18.eq7_bounds"], Evidence("proved", "symbolic", "S."), 0.1).to_json()
    d = entry["domain"]
    assert [r["name"] for r in d["coordinates"]] == ["c", "f", "q"]
    assert d["narrower_than_statement"] == "c = 2..8 (statement: every c >= 2)"
    assert d["coordinates"][2]["open_low"] is True and d["coordinates"][1]["folded_onto"] == "c"
    assert "domain" not in Result(reg["ghosh17.sum_mae"], Evidence("proved", "symbolic", "S."), 0.1).to_json()
    doc = doc_of([json.loads(json.dumps(entry, default=str))])
    md = report.markdown(doc)
    assert ("**Domain** (where `explore` searches and `explore --prove` proves): c = 2..8 (statement: every c >= 2)"
            in md)
    # issue 65: Eq. 7's reduction decides the statement on its own domain, and the report says so beside the search's
    assert "decides the statement itself on its own domain (c in every integer c >= 2" in md
    assert entry["domain"]["reduction"]["theorem"] == "Karamata's inequality"
    narrower = Result(reg["ghosh17.class_dependent_tolerance"], Evidence("proved", "symbolic", "S."), 0.1).to_json()
    doc = doc_of([json.loads(json.dumps(narrower, default=str))])
    assert "proves only the narrower statement, not the paper&#x27;s" in report.html(doc)


def test_no_format_names_a_hashed_source_file():
    """Issue 67: papers and documents are cited by author and year in every human format, also for a report written
    when its bibliography still named the files."""
    import re

    doc = doc_of([claim_entry(0), claim_entry(1, paper="ghosh17", source="003_05482f4d520d534e.txt, sec. 2")])
    old = json.loads(json.dumps(doc))
    old["bibliography"] = {k: v + " Source: 004_bedc5f2f9c2d4575.txt." for k, v in old["bibliography"].items()}
    for d in (doc, old):
        for fmt in ("md", "html", "latex", "csv"):
            text = report.render(d, fmt)
            assert not re.search(r"\d{3}_[0-9a-f]{16}", text), (fmt, re.findall(r".{60}\d{3}_[0-9a-f]{16}", text))
        assert "[Zhang & Sabuncu 2018]" in report.markdown(d)
