"""The machine-friendly formats: the verdict table in LaTeX with a per-claim appendix (``report.tex``) and
one CSV row per claim (``report.csv``)."""
from __future__ import annotations

from typing import Any

from paper_checks.files import records_csv
from paper_checks.report.citing import commit_text, how_to_cite, report_key
from paper_checks.report.shared import incomplete, ordered, source_citation
from paper_checks.report.tables import counterexample_table


def _tex(s: Any) -> str:
    rep = {"\\": r"\textbackslash{}", "&": r"\&", "%": r"\%", "$": r"\$", "#": r"\#", "_": r"\_", "{": r"\{",
           "}": r"\}", "~": r"\textasciitilde{}", "^": r"\textasciicircum{}"}
    return "".join(rep.get(ch, ch) for ch in str(s))


def latex(doc: dict[str, Any]) -> str:
    """The verdict table for a paper (``booktabs``, ``longtable``): claim (reconstructed ones marked ``\\dag``),
    source, verdict (a mismatch with the recorded one marked ``*``), method;
    then the appendix (:func:`latex_appendix`)."""
    lines = [f"% label-noise-lab {doc['version']}, run {(doc.get('provenance') or {}).get('run_id')}, "
             f"commit {commit_text(doc.get('provenance'))}, "
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
    return "\n".join(lines + latex_appendix(doc))


def latex_appendix(doc: dict[str, Any]) -> list[str]:
    """One paragraph per claim: statement, verdict, summary, condition, counterexample (exact values), the paper
    cited with ``\\cite{id}`` (``report.bib``); then how to cite the report."""
    lines = ["% the claims, one by one; \\cite keys are in report.bib", r"\section*{Appendix: the claims}", ""]
    for c in ordered(doc["claims"]):
        differs = "" if c["verdict"] == c["expected"] else f" (recorded: {_tex(c['expected'])})"
        mark = " (reconstructed)" if c.get("reconstructed") else ""
        lines += [f"\\paragraph{{\\texttt{{{_tex(c['id'])}}}: {_tex(c['verdict'])}{differs}.}}",
                  f"\\cite{{{c['paper']}}}, {_tex(source_citation(c))}{mark}.",
                  f"\\emph{{Statement:}} {_tex(c['statement'])}",
                  f"\\emph{{Evidence}} ({_tex(c['method'])}): {_tex(c['summary'])}"]
        if c.get("condition"):
            lines.append(f"\\emph{{Condition:}} {_tex(c['condition'])}")
        ce = counterexample_table(c.get("counterexample"))
        if ce is not None:
            pairs = "; ".join(f"\\texttt{{{_tex(q)}}} $=$ \\texttt{{{_tex(v)}}}" for q, v in ce.rows)
            lines.append(f"\\emph{{Counterexample (exact):}} {pairs}.")
        lines.append("")
    lines += [r"\paragraph{How to cite this report.} " + _tex(how_to_cite(doc)) + f" \\cite{{{report_key(doc)}}}",
              ""]
    return lines


CSV_COLUMNS = ("id", "paper", "verdict", "expected", "matches", "method", "seconds", "source", "statement", "summary",
               "condition")


def csv_text(doc: dict[str, Any]) -> str:
    """One row per claim (``CSV_COLUMNS``, then the run id and whether the run was complete)."""
    run_id = (doc.get("provenance") or {}).get("run_id", "")
    complete = doc.get("complete", True)
    rows = ({**c, "matches": c["verdict"] == c["expected"], "run_id": run_id, "complete": complete}
            for c in doc["claims"])
    return records_csv(rows, [*CSV_COLUMNS, "run_id", "complete"])
