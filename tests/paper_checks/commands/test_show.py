"""``show``: hints for a user's claim (issue 21)."""
from __future__ import annotations

import re
from pathlib import Path

from paper_checks.cli import main

EXAMPLE = str(Path(__file__).resolve().parents[3] / "examples" / "ma20_claims.py")


def test_an_unknown_id_hints_at_the_claims_file(capsys):
    assert main(["show", "mine.claim"]) == 2
    err = capsys.readouterr().err
    assert len(err.strip().splitlines()) == 1
    assert "--module my_claims.py" in err and "LNL_CLAIMS=my_claims.py" in err


def test_the_rerun_hint_of_a_users_claim_names_its_file(tmp_path, capsys, isolated_registry):
    assert main(["show", "ma20.nce_decreasing", "--module", EXAMPLE, "--report", str(tmp_path / "none.json")]) == 0
    out = capsys.readouterr().out
    assert f"run: python -m paper_checks run --claim ma20.nce_decreasing --module {EXAMPLE}" in out
    assert main(["show", "gce18.eq7_bounds", "--report", str(tmp_path / "none.json")]) == 0
    assert "run --claim gce18.eq7_bounds\n" in capsys.readouterr().out  # a catalogue claim needs no --module


def test_a_users_claim_is_shown_from_its_report_without_module(tmp_path, capsys, isolated_registry):
    """The report lists the claims file a claim came from (provenance ``claims_modules``): ``show ID --report R``
    loads it, as ``--module`` would."""
    import json

    rep = tmp_path / "report.json"
    rep.write_text(json.dumps({
        "schema": 1, "provenance": {"claims_modules": [{"module": "ma20_claims", "path": EXAMPLE, "sha256": "x"}]},
        "claims": [{"id": "ma20.nce_decreasing", "verdict": "proved", "summary": "from the report", "seconds": 0.5}]}))
    assert main(["show", "ma20.nce_decreasing", "--report", str(rep)]) == 0
    out = capsys.readouterr().out
    assert "last verdict: proved" in out and "from the report" in out
    assert main(["show", "ma20.other", "--report", str(rep)]) == 2  # an id the report does not hold: the hint
    assert "--module my_claims.py" in capsys.readouterr().err


def test_show_cites_the_source_by_author_and_year_and_lists_the_documents(tmp_path, capsys):
    """Issue 57: the source line reads as the report's (the document's tag, its authors and year); the documents line
    says what each tag stands for, as the report's list of source documents does (issue 67: by description, never
    by a hashed file name)."""
    assert main(["show", "ghosh17.sum_mae", "--report", str(tmp_path / "none.json")]) == 0
    lines = capsys.readouterr().out.replace("\n  ", " ").splitlines()
    source = next(line for line in lines if line.startswith("source: "))
    assert source == "source: [S. Li, Robust Losses], sec. 2 (i), Eq. (4); [Zhang & Sabuncu 2018], Eq. (4)"
    documents = next(line for line in lines if line.startswith("documents: "))
    assert documents.startswith("documents: [S. Li, Robust Losses]: S. Li, “Robust Losses”, study notes")
    assert "; [Zhang & Sabuncu 2018]: Zhang & Sabuncu, “Generalized Cross Entropy" in documents
    assert not re.search(r"\d{3}_[0-9a-f]{16}", "\n".join(lines))  # issue 67: never a hashed file name


def test_show_names_the_paper_by_tag_and_the_domain_beside_the_statements(tmp_path, capsys):
    """Issue 57: the paper line names no hashed file (the documents line does, once); an explorable claim's
    domain is listed, the statement's range beside a narrower one and the folding said."""
    assert main(["show", "gce18.eq7_bounds", "--report", str(tmp_path / "none.json")]) == 0
    out = capsys.readouterr().out
    paper = out.split("paper: ", 1)[1].split("\nsource: ", 1)[0]
    assert "004_bedc5f2f9c2d4575.txt" not in paper and "Source: [Zhang & Sabuncu 2018]" in paper.replace("\n  ", " ")
    assert "domain (narrower than the statement's where a line says so):\n  c = 2..8   (statement: every c >= 2)" in out
    assert "folded onto c classes" in out and "class c gets the remaining mass" in out
