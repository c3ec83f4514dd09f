"""Citable reports: BibTeX, the claims modules' hashes, the how-to-cite block, the LaTeX appendix (issue 21)."""
from __future__ import annotations

import hashlib
from pathlib import Path

from paper_checks.registry import PAPERS, Paper, load
from paper_checks.report import latex, markdown
from paper_checks.report.citing import bibtex, bibtex_entry, claims_modules
from paper_checks.report.shared import claims_modules_text


def test_the_catalogues_papers_have_proper_entries():
    load()
    gce = bibtex_entry(PAPERS["gce18"])
    assert gce.startswith("@inproceedings{gce18,") and "author = {Zhang, Z. and Sabuncu, M. R.}" in gce
    assert "booktitle = {Advances in Neural Information Processing Systems (NeurIPS)}" in gce
    assert "eprint = {1805.07836}" in gce and "year = {2018}" in gce
    xu = bibtex_entry(PAPERS["xu22"])
    assert xu.startswith("@misc{xu22,") and "archivePrefix = {arXiv}" in xu
    assert r"L\_DMI" in bibtex_entry(PAPERS["dmi19"])  # TeX's specials escaped
    for p in PAPERS.values():
        e = bibtex_entry(p)
        assert e.count("{") == e.count("}") and f"{{{p.id}," in e


def test_a_papers_own_entry_is_used_verbatim():
    own = "@article{mine, title = {Mine}}"
    p = Paper("mine", "A. B", 2020, "T", "V", "S", bibtex=own)
    assert bibtex_entry(p) == own


def _doc() -> dict:
    c = {"id": "gce18.eq11_k02", "paper": "gce18", "source": "s", "statement": "a_b", "expected": "refuted",
         "verdict": "refuted", "method": "search", "summary": "fails", "seconds": 1.0, "numbers": {},
         "counterexample": {"q": "1/2"}, "condition": None, "figures": []}
    return {"version": "v", "backend": "numpy", "seed": 0, "precision": "quick", "claims": [c],
            "provenance": {"run_id": "abc", "commit": "123", "date": "2026-01-01",
                           "claims_modules": [{"module": "mine", "path": "/x/mine.py", "sha256": "f" * 64}]}}


def test_report_bib_tex_appendix_and_how_to_cite():
    load()
    doc = _doc()
    bib = bibtex(doc)
    assert "@misc{lnl-report-abc," in bib and "@inproceedings{gce18," in bib
    assert bib.splitlines()[0].endswith(" the report and the 1 paper its claims cite")  # one paper: singular
    tex = latex(doc)
    assert r"\section*{Appendix: the claims}" in tex and r"\cite{gce18}" in tex and r"\texttt{1/2}" in tex
    assert r"a\_b" in tex and r"\cite{lnl-report-abc}" in tex
    md = markdown(doc)
    assert "## How to cite this report" in md and "mine.py (sha256 " + "f" * 64 + ")" in md
    assert "/x/mine.py" not in md + tex + bib  # a write-up names no path of the machine


def test_claims_modules_hash_the_files(tmp_path):
    f = tmp_path / "mine.py"
    f.write_text("x = 1\n")
    mods = claims_modules([], [str(f)])
    assert mods == [{"module": "mine", "path": str(f), "sha256": hashlib.sha256(b"x = 1\n").hexdigest()}]
    cat = claims_modules([c for c in load().values() if c.paper == "gce18"])
    assert cat and all(Path(m["path"]).parts[0] == "paper_checks" and len(m["sha256"]) == 64 for m in cat)


def test_the_provenance_row_keeps_the_catalogue_short_and_a_users_file_whole():
    mods = [{"module": "paper_checks.papers.gce18.lq", "path": "paper_checks/papers/gce18/lq.py", "sha256": "a" * 64},
            {"module": "paper_checks.papers.gce18.sim", "path": "paper_checks/papers/gce18/sim.py", "sha256": "b" * 64},
            {"module": "mine", "path": "/x/mine.py", "sha256": "f" * 64}]
    text = claims_modules_text(mods)
    assert text.startswith("mine.py (sha256 " + "f" * 64 + ")")
    assert "the catalogue (paper_checks.papers): 2 modules" in text and "a" * 64 not in text


def _fields(entry: str) -> list[str]:
    """The field names BibTeX reads from one entry: top-level ``name = {`` at brace depth 1."""
    depth, names, i = 0, [], 0
    while i < len(entry):
        ch = entry[i]
        if ch == "{":
            depth += 1
        elif ch == "}":
            depth -= 1
        elif depth == 1 and ch == "=":
            names.append(entry[:i].rsplit(",", 1)[-1].strip())
        i += 1
    assert depth == 0
    return names


def test_every_bibtex_field_is_escaped_so_no_text_makes_an_entry_of_its_own():
    """An author holding ``}`` injected a new ``@misc`` entry and ``\\input{/etc/hostname}`` was written raw; BibTeX
    counts the brace of ``\\}`` too, so braces become \\textbraceleft{}/\\textbraceright{}."""
    evil = "A. B}, title = {x}}\n@misc{pwn, note = {\\input{/etc/hostname}}"
    p = Paper("evil", evil, 2020, "T}\n@misc{t, x={", "V}@misc{v,", "S")
    e = bibtex_entry(p)
    assert e.startswith("@inproceedings{evil,") and _fields(e) == ["author", "title", "year", "booktitle"]
    assert r"\input{" not in e and r"\textbackslash{}input\textbraceleft{}/etc/hostname\textbraceright{}" in e
    assert not [line for line in e.splitlines()[1:] if line.lstrip().startswith("@")]
    doc = _doc()
    doc["provenance"]["run_id"] = "r}, x = {y"
    doc["provenance"]["commit"] = "c}\n@misc{z,"
    from paper_checks.report.citing import report_entry
    r = report_entry(doc)
    assert _fields(r) == ["author", "title", "year", "note"] and r.startswith("@misc{lnl-report-r---x----y,")


def test_a_missing_commit_reads_alike_in_every_format(tmp_path):
    """It read "not a git checkout" (md, html), "unknown" (bib, how to cite) and "None" (tex)."""
    from paper_checks import report

    load()
    doc = _doc()
    doc["provenance"]["commit"] = None
    texts = {fmt: f.read_text() for fmt, f in ((p.suffix, p) for p in report.write(doc, tmp_path, None,
                                                                                    report.FORMATS))}
    for fmt in (".md", ".html", ".tex", ".bib"):
        assert "not a git checkout" in texts[fmt], fmt
    assert not any(w in t for t in texts.values() for w in ("commit None", "commit unknown", "(commit unknown)"))


def test_no_empty_source_documents_heading_for_a_users_claims(isolated_registry):
    from paper_checks.report import html

    load([str(Path(__file__).resolve().parents[3] / "examples" / "ma20_claims.py")])
    doc = _doc()
    doc["claims"][0].update(id="ma20.nce_decreasing", paper="ma20", source="Ma et al. 2020, Lemma 1")
    assert "Source documents" not in markdown(doc) and "Source documents" not in html(doc)
    doc["claims"][0].update(id="gce18.eq7_bounds", paper="gce18", source="004_bedc5f2f9c2d4575.txt, Eq. (7)")
    assert "Source documents quoted in the claims" in markdown(doc)
