"""report.tex typesets any text safely (paper_checks.report.latex_csv.tex_text) and names no path of the machine.

No TeX engine is installed where the tests run, so the rules are checked on the text: every character TeX treats
specially comes out as its text-mode command, and the comparisons of a statement as relations."""
import os
import re
import string

from hypothesis import given, settings
from hypothesis import strategies as st

from paper_checks.registry import load
from paper_checks.report import latex
from paper_checks.report.citing import shown_path
from paper_checks.report.latex_csv import TEX_CHARS, TEX_RELATIONS, tex_text

SPECIALS = set("\\&%$#_{}~^<>|")
#: what tex_text may write: the replacements, and any character that is not special
_PIECES = sorted({*TEX_CHARS.values(), *TEX_RELATIONS.values()}, key=len, reverse=True)


def _leftover(tex: str) -> str:
    """``tex`` with every replacement taken out: what is left must hold no special character."""
    for piece in _PIECES:
        tex = tex.replace(piece, "")
    return tex


def test_a_statement_typesets_its_comparisons_as_relations():
    assert tex_text("(1 - p**q)/q <= -log p") == r"(1 - p**q)/q $\le$ -log p"
    assert tex_text("a >= b, a != c, a == d") == r"a $\ge$ b, a $\ne$ c, a $=$ d"
    assert tex_text("x < 1 | y > 2") == r"x \textless{} 1 \textbar{} y \textgreater{} 2"
    assert tex_text("L_q & 50% of $1 #2 {a} ~ ^ \\") == (r"L\_q \& 50\% of \$1 \#2 \{a\} \textasciitilde{} "
                                                           r"\textasciicircum{} \textbackslash{}")
    assert tex_text("a\nb") == "a b" and tex_text("x \u2264 y") == r"x $\le$ y"


@settings(max_examples=300, deadline=None, derandomize=True)
@given(st.text(alphabet=st.sampled_from(list(string.printable) + ["\u2264", "\u2265", "\u00e9"]), max_size=60))
def test_no_special_character_survives_and_braces_balance(s):
    out = tex_text(s)
    assert not (set(_leftover(out)) & SPECIALS), out
    assert "\n" not in out
    assert len(re.findall(r"(?<!\\)\{", out)) == len(re.findall(r"(?<!\\)\}", out))


def test_report_tex_names_no_path_of_the_machine(tmp_path):
    load()
    mine = tmp_path / "deep" / "my_claims.py"
    doc = {"version": "v", "backend": "numpy", "seed": 0, "precision": "quick",
           "claims": [{"id": "mine.a_b", "paper": "mine", "source": "s", "statement": "x <= 1", "expected": "confirmed",
                       "verdict": "confirmed", "method": "search", "summary": "ok", "seconds": 1.0, "numbers": {},
                       "counterexample": None, "condition": None, "figures": []}],
           "provenance": {"run_id": "abc", "commit": "123", "date": "2026-01-01",
                          "claims_modules": [{"module": "my_claims", "path": str(mine), "sha256": "f" * 64}]}}
    old = os.getcwd()
    try:
        os.chdir(tmp_path)
        tex = latex(doc)
        assert str(tmp_path) not in tex and r"deep/my\_claims.py (sha256 " + "f" * 64 in tex
        assert r"x $\le$ 1" in tex
        (tmp_path / "other").mkdir()
        os.chdir(tmp_path / "other")  # the file outside the working directory: its name alone
        tex = latex(doc)
        assert str(tmp_path) not in tex and r"claims files: my\_claims.py (sha256" in tex
    finally:
        os.chdir(old)


def test_shown_path():
    assert shown_path("rel/mine.py") == "rel/mine.py"
    assert shown_path("/nowhere/else/mine.py") == "mine.py"
    assert shown_path(os.path.join(os.getcwd(), "sub", "m.py")) == os.path.join("sub", "m.py")


def test_the_csv_cites_a_source_by_author_and_year_not_by_its_file():
    import csv
    import io

    from paper_checks.report.document import documents
    from paper_checks.report.latex_csv import csv_text

    doc = documents()[0]
    claim = {"id": "x.y", "paper": "x", "source": f"{doc.file}, Eq. (7)", "statement": "s", "expected": "proved",
             "verdict": "proved", "method": "symbolic", "seconds": 0.1, "summary": "", "condition": None}
    row = next(csv.DictReader(io.StringIO(csv_text({"claims": [claim]}))))
    assert doc.file not in row["source"] and row["source"].endswith(", Eq. (7)"), row["source"]
