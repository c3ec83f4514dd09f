"""README generation: the findings and verdict table come from a report, and the committed README
agrees with a fresh quick run on every verdict."""
import os
from pathlib import Path

import pytest

from paper_checks.cli import main
from paper_checks.registry import load
from paper_checks.report import readme as rd
from tests.paper_checks._quick import quick_result

ROOT = Path(__file__).resolve().parents[3]
README = (ROOT / "README.md").read_text()


def _doc(verdicts):
    claims = []
    for cid, v in verdicts.items():
        claims.append({"id": cid, "verdict": v, "method": "sim", "summary": f"summary of {cid} | with a pipe",
                       "condition": "only if" if v == "qualified" else None,
                       "reconstructed": cid.startswith("xu22")})
    return {"precision": "quick", "seed": 0, "backend": "numpy", "claims": claims}


BASE = (f"intro\n{rd.FINDINGS_START}\nold\n{rd.FINDINGS_END}\n"
        f"mid\n{rd.VERDICTS_START}\nold table\n{rd.VERDICTS_END}\nend\n")


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


def test_readme_lists_every_registered_claim_once():
    table = rd.readme_verdicts(README)
    assert set(table) == set(load())


@pytest.mark.slow
# one group per claim: with --dist loadgroup (.ci/run) the claim runs once, for this test and the regression suite's
@pytest.mark.parametrize("claim_id", [pytest.param(i, marks=pytest.mark.xdist_group(i)) for i in load()])
def test_readme_verdict_matches_a_fresh_quick_report(claim_id):
    """Fails when the README's table or findings state a verdict a fresh quick run does not give."""
    fresh = quick_result(claim_id).verdict
    assert rd.readme_verdicts(README).get(claim_id) == fresh, (
        f"README says {rd.readme_verdicts(README).get(claim_id)!r} for {claim_id}, a fresh quick run gives {fresh!r}; "
        "run 'python -m paper_checks' and 'python -m paper_checks readme'")
    stated = rd.readme_findings(README).get(claim_id)
    assert stated in (None, fresh), f"README findings say {stated!r} for {claim_id}, a fresh quick run gives {fresh!r}"
