"""The machine-friendly formats: the verdict table in LaTeX (``report.tex``) and one CSV row per
claim (``report.csv``)."""
from __future__ import annotations

from typing import Any

from paper_checks.files import records_csv
from paper_checks.report.shared import incomplete, ordered, source_citation


def _tex(s: Any) -> str:
    rep = {"\\": r"\textbackslash{}", "&": r"\&", "%": r"\%", "$": r"\$", "#": r"\#", "_": r"\_", "{": r"\{",
           "}": r"\}", "~": r"\textasciitilde{}", "^": r"\textasciicircum{}"}
    return "".join(rep.get(ch, ch) for ch in str(s))


def latex(doc: dict[str, Any]) -> str:
    """The verdict table for a paper (``booktabs``, ``longtable``): claim (reconstructed ones marked ``\\dag``),
    source, verdict (a mismatch with the recorded one marked ``*``), method."""
    lines = [f"% label-noise-lab {doc['version']}, run {(doc.get('provenance') or {}).get('run_id')}, "
             f"commit {(doc.get('provenance') or {}).get('commit')}, "
             f"seed {doc['seed']}, precision {doc['precision']}",
             "% needs \\usepackage{booktabs,longtable}",
             r"\begin{longtable}{@{}llll@{}}",
             r"\caption{Verdicts of label-noise-lab on the claims (mismatches with the recorded verdict marked *; "
             r"reconstructed claims, whose statement is this project's reconstruction of the source's, marked "
             r"\dag).}\\",
             r"\toprule", r"Claim & Source & Verdict & Method \\", r"\midrule", r"\endhead"]
    if incomplete(doc):
        lines.insert(0, "% " + incomplete(doc))
    for c in ordered(doc["claims"]):
        star = "" if c["verdict"] == c["expected"] else "*"
        dag = r"\textsuperscript{\dag}" if c.get("reconstructed") else ""
        lines.append(f"\\texttt{{{_tex(c['id'])}}}{dag} & {_tex(source_citation(c))} & {_tex(c['verdict'])}{star} & "
                     f"{_tex(c['method'])} \\\\")
    lines += [r"\bottomrule", r"\end{longtable}", ""]
    return "\n".join(lines)


CSV_COLUMNS = ("id", "paper", "verdict", "expected", "matches", "method", "seconds", "source", "statement", "summary",
               "condition")


def csv_text(doc: dict[str, Any]) -> str:
    """One row per claim (``CSV_COLUMNS``, then the run id and whether the run was complete)."""
    run_id = (doc.get("provenance") or {}).get("run_id", "")
    complete = doc.get("complete", True)
    rows = ({**c, "matches": c["verdict"] == c["expected"], "run_id": run_id, "complete": complete}
            for c in doc["claims"])
    return records_csv(rows, [*CSV_COLUMNS, "run_id", "complete"])
