"""The machine-friendly formats: the verdict table in LaTeX with a per-claim appendix (``report.tex``) and
one CSV row per claim (``report.csv``)."""
from __future__ import annotations

from typing import Any

from paper_checks.files import records_csv
from paper_checks.report.citing import commit_text, how_to_cite, report_key
from paper_checks.report.shared import incomplete, ordered, source_citation
from paper_checks.report.tables import INEXACT_HEADING, counterexample_table

#: LaTeX text-mode spellings of the characters that TeX treats specially, or that its default (OT1) fonts print
#: as other glyphs (``<`` as an inverted exclamation mark, ``|`` as a dash)
TEX_CHARS = {"\\": r"\textbackslash{}", "&": r"\&", "%": r"\%", "$": r"\$", "#": r"\#", "_": r"\_", "{": r"\{",
             "}": r"\}", "~": r"\textasciitilde{}", "^": r"\textasciicircum{}", "<": r"\textless{}",
             ">": r"\textgreater{}", "|": r"\textbar{}", "\n": " ", "\r": " ", "\u2264": r"$\le$",
             "\u2265": r"$\ge$", "\u2260": r"$\ne$"}
#: comparisons of a statement as written in code, typeset as the relations they mean
TEX_RELATIONS = {"<=": r"$\le$", ">=": r"$\ge$", "!=": r"$\ne$", "==": "$=$"}


def tex_text(s: Any) -> str:
    """``s`` as LaTeX text: ``<=``, ``>=``, ``!=``, ``==`` as relations, every special character escaped
    (:data:`TEX_CHARS`), so that any text (a statement, a summary, a claim id) typesets as written."""
    s, out, i = str(s), [], 0
    while i < len(s):
        two = s[i:i + 2]
        if two in TEX_RELATIONS:
            out.append(TEX_RELATIONS[two])
            i += 2
            continue
        out.append(TEX_CHARS.get(s[i], s[i]))
        i += 1
    return "".join(out)



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
        lines.append(f"\\texttt{{{tex_text(c['id'])}}}{dag} & {tex_text(source_citation(c))} & "
                     f"{tex_text(c['verdict'])}{star} & {tex_text(c['method'])} \\\\")
    lines += [r"\bottomrule", r"\end{longtable}", ""]
    return "\n".join(lines + latex_appendix(doc))


def latex_appendix(doc: dict[str, Any]) -> list[str]:
    """One paragraph per claim: statement, verdict, summary, condition, counterexample (exact values), the paper
    cited with ``\\cite{id}`` (``report.bib``); then how to cite the report."""
    lines = ["% the claims, one by one; \\cite keys are in report.bib", r"\section*{Appendix: the claims}", ""]
    for c in ordered(doc["claims"]):
        differs = "" if c["verdict"] == c["expected"] else f" (recorded: {tex_text(c['expected'])})"
        mark = " (reconstructed)" if c.get("reconstructed") else ""
        lines += [f"\\paragraph{{\\texttt{{{tex_text(c['id'])}}}: {tex_text(c['verdict'])}{differs}.}}",
                  f"\\cite{{{c['paper']}}}, {tex_text(source_citation(c))}{mark}.",
                  f"\\emph{{Statement:}} {tex_text(c['statement'])}",
                  f"\\emph{{Evidence}} ({tex_text(c['method'])}): {tex_text(c['summary'])}"]
        if c.get("condition"):
            lines.append(f"\\emph{{Condition:}} {tex_text(c['condition'])}")
        ce = counterexample_table(c.get("counterexample"))
        if ce is not None:
            pairs = "; ".join(f"\\texttt{{{tex_text(q)}}} $=$ \\texttt{{{tex_text(v)}}}" for q, v in ce.rows)
            exact = ce.header[1] != INEXACT_HEADING  # a float is no exact value (evidence's exactness rule)
            lines.append(f"\\emph{{Counterexample ({'exact' if exact else 'as computed, floats inexact'}):}} {pairs}.")
        lines.append("")
    lines += [r"\paragraph{How to cite this report.} " + tex_text(how_to_cite(doc)) + f" \\cite{{{report_key(doc)}}}",
              ""]
    return lines


CSV_COLUMNS = ("id", "paper", "verdict", "expected", "matches", "method", "seconds", "source", "statement", "summary",
               "condition")


def csv_text(doc: dict[str, Any]) -> str:
    """One row per claim (``CSV_COLUMNS``, then the run id and whether the run was complete); the source is cited by
    author and year (:func:`~paper_checks.report.shared.source_citation`), never by a document's file name."""
    run_id = (doc.get("provenance") or {}).get("run_id", "")
    complete = doc.get("complete", True)
    rows = ({**c, "source": source_citation(c), "matches": c["verdict"] == c["expected"], "run_id": run_id,
             "complete": complete} for c in doc["claims"])  # the source by author and year, as every view has it
    return records_csv(rows, [*CSV_COLUMNS, "run_id", "complete"])
