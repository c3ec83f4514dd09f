"""The catalogue cites its sources by author and year, never by the seed files' numbers (issue 27)."""
import re
from pathlib import Path

from paper_checks.registry import DOCUMENTS, load
from paper_checks.report.shared import source_citation

PAPERS_DIR = Path(__file__).resolve().parents[3] / "paper_checks" / "papers"
#: a seed file's number ("004 Fig. 1c", "Doubt (003)"), not a decimal (0.001) nor a file name (004_bedc...txt)
SEED_NUMBER = re.compile(r"(?<![\w.,])00[0-4](?![\w.,])")


def test_captions_statements_and_notes_cite_authors_not_file_numbers():
    hits = [f"{p.relative_to(PAPERS_DIR)}:{i}: {line.strip()}" for p in sorted(PAPERS_DIR.rglob("*.py"))
            for i, line in enumerate(p.read_text().splitlines(), 1) if SEED_NUMBER.search(line)]
    assert hits == []


def test_sources_as_the_report_shows_them_read_author_and_year():
    claims = load()
    assert {d.tag for d in DOCUMENTS.values()} >= {"Zhang & Sabuncu 2018", "Patrini et al. 2017"}
    shown = {c.id: source_citation({"source": c.source}) for c in claims.values()}
    assert not [(i, s) for i, s in shown.items() if SEED_NUMBER.search(s) or re.search(r"00[0-4]_", s)]
    assert shown["gce18.eq7_bounds"].startswith("[Zhang & Sabuncu 2018], sec. 3.2")
