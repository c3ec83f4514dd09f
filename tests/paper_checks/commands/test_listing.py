"""``list``: claims cite their sources by author and year, as the report does (issue 57)."""
from __future__ import annotations

from paper_checks.cli import main
from paper_checks.registry import DOCUMENTS, load
from paper_checks.report import source_citation


def test_list_cites_the_source_by_author_and_year(tmp_path, capsys):
    assert main(["list", "--claim", "gce18.eq7_bounds", "--report", str(tmp_path / "none.json")]) == 0
    out = capsys.readouterr().out
    assert "source: [Zhang & Sabuncu 2018], sec. 3.2, Eq. (7)" in out and "004_bedc5f2f9c2d4575" not in out


def test_list_shows_each_source_as_the_report_cites_it_and_no_hashed_file_name(tmp_path, capsys):
    """Every catalogue source goes through the report's one mapping (``report.source_citation``), so no declared
    document's file name is left in ``list``'s output."""
    assert main(["list", "--report", str(tmp_path / "none.json")]) == 0
    out = " ".join(capsys.readouterr().out.split())  # textwrap's line breaks undone
    for c in load().values():
        assert source_citation(c) == source_citation({"source": c.source})  # a Claim or a report's record alike
        assert f"source: {' '.join(source_citation(c).split())}" in out, c.id
    assert DOCUMENTS and not [d.file for d in DOCUMENTS.values() if d.file in out]
