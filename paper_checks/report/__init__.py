"""The report: a terminal table and ``report.{json,md,html,tex,csv,bib}``.

``report.json`` (schema 1, docs/design.md "The runner") keeps every number a check returned; the
human formats show readable tables of them and say where they shortened anything
("shortened, see report.json"), never cutting silently. The whole set of files is written into a
staging folder beside the report folder and the two are exchanged in one step, so a reader sees
either the old set or the new one, never a half-written or mixed one
(:mod:`~paper_checks.report.writing`).

The modules, by what they hold:

- :mod:`~paper_checks.report.document`: the JSON document, its provenance and bibliography;
- :mod:`~paper_checks.report.terminal`: the table a run prints;
- :mod:`~paper_checks.report.tables`: readable tables of numbers (Markdown, HTML, ``show``);
- :mod:`~paper_checks.report.display`: a claim's evidence block in Markdown and HTML, shared by the
  report and the notebook display (``_repr_html_``) of evidence, results, searches, loss trials, figures;
- :mod:`~paper_checks.report.citing`: ``report.bib``, the claims modules' hashes, how to cite a report;
- :mod:`~paper_checks.report.shared`: what the human formats share (order, counts, figures);
- :mod:`~paper_checks.report.md`, :mod:`~paper_checks.report.html_page`,
  :mod:`~paper_checks.report.latex_csv`: the formats;
- :mod:`~paper_checks.report.writing`: format selection, rendering, writing the files.

Every public name is importable from here; code that replaces one (a test's monkeypatch) must
replace it in the module that uses it.
"""
from __future__ import annotations

from paper_checks.files import atomic_write
from paper_checks.report.citing import bibtex, bibtex_entry, claims_modules, how_to_cite
from paper_checks.report.document import SCHEMA, VERSION, bibliography, cite, documents, provenance, to_json
from paper_checks.report.html_page import html
from paper_checks.report.latex_csv import CSV_COLUMNS, csv_text, latex
from paper_checks.report.md import markdown
from paper_checks.report.shared import drawn_figure, figure_path, ordered, source_citation
from paper_checks.report.tables import (
    MAX_LIST,
    MAX_ROWS,
    MAX_TEXT,
    SHORTENED,
    Table,
    counterexample_table,
    fmt_number,
    number_tables,
)
from paper_checks.report.terminal import table
from paper_checks.report.writing import FORMATS, SUFFIX, render, targets, write

__all__ = [
    "CSV_COLUMNS", "FORMATS", "MAX_LIST", "MAX_ROWS", "MAX_TEXT", "SCHEMA", "SHORTENED", "SUFFIX", "VERSION",
    "Table", "atomic_write", "bibliography", "cite", "counterexample_table", "csv_text", "documents",
    "drawn_figure", "figure_path", "fmt_number", "html", "latex", "markdown", "number_tables", "ordered",
    "provenance", "render", "source_citation", "table", "targets", "to_json", "write",
    "bibtex", "bibtex_entry", "claims_modules", "how_to_cite",
]
