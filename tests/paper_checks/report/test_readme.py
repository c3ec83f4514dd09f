"""README generation: the findings and verdict table come from a report, the full summaries go to
docs/verdicts.md from the same report, the committed README and page agree with each other and with the
registry (verdicts, statements, sources, counts, summaries), with a fresh quick run on every verdict, and the
README's own prose stays short enough to read in ten minutes."""
import os
import re
from collections import Counter
from pathlib import Path

import pytest

from paper_checks.cli import main
from paper_checks.registry import load
from paper_checks.report import readme as rd
from paper_checks.report.shared import source_citation
from tests.paper_checks._quick import quick_result

ROOT = Path(__file__).resolve().parents[3]
README = (ROOT / "README.md").read_text()
PAGE = (ROOT / "docs" / "verdicts.md").read_text()
#: the README's own prose (its generated blocks aside), in words as ``wc -w`` counts them (issue 59)
PROSE_WORDS = 3000


def _doc(verdicts):
    claims = []
    for cid, v in verdicts.items():
        claims.append({"id": cid, "verdict": v, "method": "sim", "summary": f"summary of {cid} | with a pipe",
                       "statement": f"statement of {cid} | with a pipe", "source": f"source of {cid}",
                       "condition": "only if" if v == "qualified" else None,
                       "reconstructed": cid.startswith("xu22")})
    return {"precision": "quick", "seed": 0, "backend": "numpy", "claims": claims}


BASE = (f"intro\n{rd.FINDINGS_START}\nold\n{rd.FINDINGS_END}\n"
        f"mid\n{rd.VERDICTS_START}\nold table\n{rd.VERDICTS_END}\nend\n")
PAGE_BASE = f"# Verdicts\n{rd.PAGE_START}\nold full table\n{rd.PAGE_END}\nhistory\n"


def test_render_rewrites_only_between_the_markers_and_reads_back():
    doc = _doc({"gce18.thm1_uniform": "qualified", "gce18.eq7_bounds": "proved", "xu22.hnm_isometry": "refuted",
                "dmi19.notes_question": "confirmed"})
    out = rd.render(BASE, doc)
    assert out.startswith("intro\n") and "\nmid\n" in out and out.endswith("end\n") and "\nold" not in out
    assert rd.readme_verdicts(out) == {c["id"]: c["verdict"] for c in doc["claims"]}
    # the table escapes pipes and marks reconstructed claims
    assert "with a pipe" in out and "\\|" in out and "`xu22.hnm_isometry` *r*" in out
    f = rd.readme_findings(out)
    # proved claims are not findings; a doubt of the notes that is confirmed is
    assert f == {"gce18.thm1_uniform": "qualified", "xu22.hnm_isometry": "refuted", "dmi19.notes_question": "confirmed"}
    assert "(refuted, reconstructed)" in out
    assert rd.render(out, doc) == out  # idempotent
    # one line per claim: the statement, shortened; the summaries go to the page
    assert "statement of gce18.eq7_bounds" in out and "summary of gce18.eq7_bounds" not in out
    assert rd.readme_counts(out) == {"qualified": 1, "proved": 1, "refuted": 1, "confirmed": 1}


def test_the_page_holds_every_summary_whole_and_reads_back():
    long = "a summary " * 80  # 800 characters: the README's table would cut it, the page keeps it
    doc = _doc({"gce18.thm1_uniform": "qualified", "xu22.hnm_isometry": "refuted"})
    doc["claims"][0]["summary"] = long + "| end\nof it"
    out = rd.render_page(PAGE_BASE, doc)
    assert out.startswith("# Verdicts\n") and out.endswith("history\n") and "old full table" not in out
    assert " ".join((long + "\\| end of it").split()) in out and "only if" in out
    assert "source of gce18.thm1_uniform" in out
    assert rd.readme_verdicts(out, rd.PAGE_START, rd.PAGE_END) == {"gce18.thm1_uniform": "qualified",
                                                                    "xu22.hnm_isometry": "refuted"}
    back = rd.read_page(out)
    assert back["claims"][0]["summary"] == " ".join((long + "| end of it").split())
    assert [c["id"] for c in back["claims"]] == ["gce18.thm1_uniform", "xu22.hnm_isometry"]
    assert back["claims"][1]["reconstructed"] and back["claims"][1]["condition"] is None
    assert rd.render_page(out, back) == out  # what the page holds is enough to write it again
    with pytest.raises(ValueError, match="verdicts page has no"):
        rd.render_page("no markers", doc)


def test_curated_prose_only_for_the_verdict_it_was_written_for():
    from paper_checks.registry import FINDINGS, load

    load()
    cid = "gce18.eq10_tight"
    assert FINDINGS[cid][0] == "qualified"
    ok = rd.findings_block(_doc({cid: "qualified"}))
    assert FINDINGS[cid][1] in ok
    # if the report's verdict moves, the README shows the report's summary, never the stale sentence
    moved = rd.findings_block(_doc({cid: "refuted"}))
    assert FINDINGS[cid][1] not in moved and f"summary of {cid}" in moved and "(refuted)" in moved


def test_missing_markers_and_bad_reports_are_clear_errors(tmp_path, capsys):
    with pytest.raises(ValueError, match="verdicts:start"):
        rd.render("no markers here", _doc({"gce18.eq7_bounds": "proved"}))
    (tmp_path / "r.json").write_text("{not json")
    assert main(["readme", "--report", str(tmp_path / "r.json"), "--readme", str(tmp_path / "README.md")]) == 2
    assert "not a JSON report" in capsys.readouterr().err
    assert main(["readme", "--report", str(tmp_path / "none.json")]) == 2
    assert "no report" in capsys.readouterr().err


def test_a_fifo_as_the_report_is_refused_not_waited_on(tmp_path, capsys):
    fifo = tmp_path / "fifo"
    os.mkfifo(fifo)  # nobody writes to it: a blocking read would never return
    assert main(["readme", "--report", str(fifo), "--readme", str(tmp_path / "README.md")]) == 2
    assert "not a regular file" in capsys.readouterr().err


def test_readme_command_writes_and_checks(tmp_path, capsys):
    import json

    doc = _doc({"gce18.thm1_uniform": "qualified", "gce18.eq7_bounds": "proved"})
    (tmp_path / "r.json").write_text(json.dumps(doc))
    (tmp_path / "README.md").write_text(BASE)
    args = ["readme", "--report", str(tmp_path / "r.json"), "--readme", str(tmp_path / "README.md")]
    assert main([*args, "--check"]) == 1
    assert main(args) == 0
    assert main([*args, "--check"]) == 0
    assert rd.readme_verdicts((tmp_path / "README.md").read_text())["gce18.thm1_uniform"] == "qualified"
    # docs/verdicts.md beside the README is rewritten by the same command, and checked with it
    (tmp_path / "docs").mkdir()
    page = tmp_path / "docs" / "verdicts.md"
    page.write_text(PAGE_BASE)
    assert main([*args, "--check"]) == 1 and page.read_text() == PAGE_BASE
    assert main(args) == 0
    assert main([*args, "--check"]) == 0
    assert rd.readme_verdicts(page.read_text(), rd.PAGE_START, rd.PAGE_END)["gce18.eq7_bounds"] == "proved"
    # another page, named; one that is not there is a usage error, not a silent skip
    other = tmp_path / "other.md"
    other.write_text(PAGE_BASE)
    assert main([*args, "--verdicts-page", str(other)]) == 0 and "gce18.eq7_bounds" in other.read_text()
    assert main([*args, "--verdicts-page", str(tmp_path / "none.md")]) == 2
    assert "no verdicts page" in capsys.readouterr().err


def test_the_page_lists_every_registered_claim_once():
    assert set(rd.readme_verdicts(PAGE, rd.PAGE_START, rd.PAGE_END)) == set(load())
    assert set(rd.readme_findings(PAGE)) <= set(load()) and rd.readme_findings(PAGE)


def test_the_readme_states_the_counts_and_leaves_the_claims_to_the_page():
    """Issue 67: the findings and the table moved to docs/verdicts.md; the README keeps one generated line."""
    doc = _doc({"gce18.thm1_uniform": "qualified", "gce18.eq7_bounds": "proved"})
    out = rd.render(f"intro\n{rd.COUNTS_START}\nold\n{rd.COUNTS_END}\nend\n", doc)
    assert rd.readme_counts(out) == {"qualified": 1, "proved": 1} and "](docs/verdicts.md)" in out
    assert rd.render(out, doc) == out and out.startswith("intro\n") and out.endswith("end\n")
    page = rd.render_page(f"{rd.FINDINGS_START}\n{rd.FINDINGS_END}\n{PAGE_BASE}", doc)
    assert rd.readme_findings(page) == {"gce18.thm1_uniform": "qualified"}
    assert rd.COUNTS_START in README and rd.VERDICTS_START not in README and rd.FINDINGS_START not in README


def test_readme_prose_reads_in_ten_minutes():
    """Issue 59: the README was 11,900 words, 200 lines of its tour the prover's history. Its own prose (the
    generated findings and verdict table aside) stays under 3,000 words; reference goes to docs/."""
    words = len(rd.prose(README).split())
    assert words < PROSE_WORDS, f"README's prose is {words} words (limit {PROSE_WORDS}): move reference to docs/"
    assert len(README.split()) < PROSE_WORDS, "README, generated blocks included, is over 3,000 words (issue 67)"
    for section in ("## Set up", "## A short tour", "## Your own claims", "## Findings", "## Verdicts", "## More"):
        assert f"\n{section}\n" in README, f"README has no section {section!r} (other helpers' lines slot in there)"
    # what a verdict means is said before any verdict is used (issue 67)
    first_use = min(README.find(f"`{v}`") for v in ("proved", "confirmed", "refuted", "qualified", "inconclusive"))
    assert README.find("\n## Verdicts\n") < first_use


def test_readme_and_page_agree_with_the_registry_and_each_other():
    """The README's table (verdict, method, shortened statement, *r*), its header's counts, its findings
    (curated sentences or the report's summaries) and the page's full table are one report's, and every
    verdict is the one the registry records: the page's rows, with the registry's statements, write both
    files again unchanged."""
    claims = load()
    doc = rd.read_page(PAGE)
    for c in doc["claims"]:
        c["statement"] = claims[c["id"]].statement
    assert [c["id"] for c in doc["claims"]] == list(claims)
    assert {c["id"]: c["verdict"] for c in doc["claims"]} == {i: c.expected for i, c in claims.items()}
    assert {c["id"]: c["source"] for c in doc["claims"]} == {i: source_citation(c) for i, c in claims.items()}
    assert {c["id"]: c["reconstructed"] for c in doc["claims"]} == {i: c.reconstructed for i, c in claims.items()}
    assert rd.render(README, doc) == README, "README's blocks differ from docs/verdicts.md's: run 'readme'"
    assert rd.render_page(PAGE, doc) == PAGE
    counts = dict(Counter(c.expected for c in claims.values()))
    assert rd.readme_counts(README) == counts and rd.readme_counts(PAGE, rd.PAGE_START, rd.PAGE_END) == counts


def test_no_prose_states_counts_the_table_does_not():
    """A turn ago the prose said "36 proved, 10 confirmed, 13 qualified" beside a table of 36/9/14 (issue 59)."""
    counts = rd.readme_counts(README)
    for text in (rd.prose(README), PAGE[:PAGE.find(rd.PAGE_START)]):
        for n, verdict in re.findall(r"\b(\d+) (proved|confirmed|qualified|refuted|inconclusive)\b", text):
            assert int(n) == counts.get(verdict, 0), \
                f"the prose says {n} {verdict}; the table has {counts.get(verdict, 0)}"


@pytest.mark.slow
# one group per claim: with --dist loadgroup (.ci/run) the claim runs once, for this test and the regression suite's
@pytest.mark.parametrize("claim_id", [pytest.param(i, marks=pytest.mark.xdist_group(i)) for i in load()])
def test_readme_verdict_matches_a_fresh_quick_report(claim_id):
    """Fails when the README's table or findings state a verdict a fresh quick run does not give."""
    fresh = quick_result(claim_id).verdict
    stated = rd.readme_findings(PAGE).get(claim_id)
    assert stated in (None, fresh), (f"docs/verdicts.md's findings say {stated!r} for {claim_id}, a fresh quick "
                                     f"run gives {fresh!r}; run 'python -m paper_checks' and 'python -m paper_checks "
                                     "readme'")
    paged = rd.readme_verdicts(PAGE, rd.PAGE_START, rd.PAGE_END).get(claim_id)
    assert paged == fresh, f"docs/verdicts.md says {paged!r} for {claim_id}, a fresh quick run gives {fresh!r}"
    row = {c["id"]: c for c in rd.read_page(PAGE)["claims"]}[claim_id]
    method = quick_result(claim_id).to_json()["method"]
    assert row["method"] == method, f"docs/verdicts.md says method {row['method']!r}, a fresh quick run {method!r}"
