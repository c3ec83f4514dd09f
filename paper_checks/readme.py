"""The README's findings and verdict table, generated from a report (``python -m paper_checks readme``).

Two blocks of ``README.md`` are written from ``reports/report.json`` and nothing else:

- between ``<!-- findings:start -->`` and ``<!-- findings:end -->``, one bullet per claim whose
  verdict is not simply ``proved``/``confirmed`` (and every confirmed doubt of the notes). Each
  bullet starts with the claim id and the verdict *of the report*; its prose is the curated
  sentence of :data:`FINDINGS` only when the report's verdict is the one that sentence was written
  for, otherwise the report's own summary (so the README can never state a verdict the report
  does not have). Reconstructed claims are labelled as such in every bullet.
- between ``<!-- verdicts:start -->`` and ``<!-- verdicts:end -->``, the verdict table.

:func:`readme_verdicts` reads the table back, for the test that compares the README with a fresh
report.
"""
from __future__ import annotations

import json
import re
import textwrap
from collections import Counter
from pathlib import Path
from typing import Any

FINDINGS_START, FINDINGS_END = "<!-- findings:start -->", "<!-- findings:end -->"
VERDICTS_START, VERDICTS_END = "<!-- verdicts:start -->", "<!-- verdicts:end -->"

#: curated findings: claim id -> (the verdict the sentence describes, the sentence). Numbers in
#: these sentences are exact (derived, not sampled); sampled numbers come from the report.
FINDINGS: dict[str, tuple[str, str]] = {
    "gce18.eq11_k03": ("refuted", "Eq. 11's example \"when `k >= 0.3` the inequality is satisfied for all `q` and `c`\" "
                       "fails near `q = 1`, where Eq. 7's width vanishes but Eq. 10's does not; the smallest "
                       "counterexample is `q = 1, k = 1/2, c = 2`, and one away from the endpoint is "
                       "`q = 2/3, k = 1/3, c = 3` (exact margin `2*3^(1/3) - 3 < 0`)."),
    "gce18.eq11_k02": ("refuted", "The same holds for the `k >= 0.2` example."),
    "gce18.eq10_tight": ("qualified", "Eq. 10's lower bound is attained only when `d = max(1, (1-q)^(1/q)/k)` is an "
                         "integer: e.g. `c = 10, q = 1/2, k = 1/10` gives `d = 5/2`, and the true minimum exceeds it."),
    "gce18.thm1_uniform": ("qualified", "Thm 1's constant `A` is defined only for `eta < 1 - 1/c`; there the bound holds "
                           "exactly. The stated domain includes `eta = 1 - 1/c`, where `A` is undefined: for `q < 1`, "
                           "`A -> -inf` (the bound is vacuous); at `q = 1`, `A = 0/0` and its limit 0 is false (the "
                           "noisy risk is constant, so a noisy minimiser can be as bad as `D = -1/2`)."),
    "ghosh17.class_dependent_tolerance": ("qualified", "Class-dependent tolerance needs diagonally dominant noise: with "
                                          "`R(f*) = 0` alone, `c = 2` and `T[0] = (1/3, 2/3)` already make MAE's noisy "
                                          "minimiser wrong."),
    "patrini17.thm4_hessian": ("refuted", "Patrini et al.'s Thm 4 is false for any network with a hidden layer: the proof "
                               "treats `W^(n) x^(n-1)` as piecewise linear in the parameters, but it is bilinear in "
                               "consecutive layers' weights, so the cross-layer Hessian blocks depend on the label "
                               "(exact counterexample with one input, one hidden ReLU and two classes)."),
    "patrini17.benchmark_T": ("proved", "The sec. 5.1 matrices are invertible at the paper's `N = 0.2, 0.6`, which is "
                              "what the paper needs. A remark outside the claim (the paper applies Eq. 12 there without "
                              "asserting it recovers `T`): its argmax needs each column of `T` dominated by its "
                              "diagonal, which the flips violate for `N > 1/2`, so at `N = 0.6` it picks wrong anchors "
                              "even with exact probabilities (consistent with the collapsed estimated-T columns of their "
                              "Table 2)."),
    "patrini17.thm3_anchor": ("qualified", "Thm 3 holds exactly, but the estimator needs perfect examples in `X'`, and "
                              "the 97th-percentile variant needs more than 3% of them per class."),
    "patrini17.backward_conditioning": ("qualified", "Mixing `T` with the identity trades the backward correction's "
                                        "variance for a bias that does not shrink with `n`. Some small weight helps at "
                                        "every `n` (the MSE's slope at `w = 0` is `Var'(0)/n < 0`), but only weights "
                                        "below `w_max(n)` help, and the best weight `w*(n)` and its gain (computed from "
                                        "the exact moments, in the report) shrink as `n` grows; a fixed weight hurts "
                                        "once `n > n*(w)`."),
    "imae19.eq13_imae": ("qualified", "The notes' Eq. 13 for IMAE is mis-transcribed: only `exp(T p (1-p))` reproduces "
                         "the reported weight variances 0.33 / 0.09 / 4.55; the notes' `exp(T p)(1-p)` gives 2182."),
    "imae19.notes_logit_vs_param": ("confirmed", "Gradient magnitude at the logits is not the sample's weight on the "
                                    "parameters: for a last linear layer `||dL/dW||_1 = ||f||_1 ||dL/dz||_1`, so the "
                                    "order by logit-gradient norm flips with feature norms."),
    "dmi19.dmi_order_invariant": ("qualified", "DMI's order invariance needs `det T != 0`."),
    "dmi19.notes_question": ("qualified", "The notes' doubt on Eq. 32 holds only outside the theorem's reach: a "
                             "classifier trained on the noisy labels satisfies Eq. 32 on fresh samples (the population "
                             "identity the theorem states); it fails for the empirical table of the very sample the "
                             "classifier was fitted to, and under x-dependent noise, which the theorem excludes."),
    "xu22.hnm_isometry": ("refuted", "This project's reconstruction of the isometry bound, \"each hard-mined term is at "
                          "most 2 d_iso\", is false: the exact three-point example in the report has a hard term of "
                          "4 d_iso. 4 is the right constant (triangle inequality) and it is attained. The abstract "
                          "gives no constant: the 2 belongs to the reconstruction, not to Xu et al."),
    "le19.margin_robust": ("proved", "With balanced pair sampling the noisy margin risk is `(1 - C eta/(C-1))^2 R + "
                           "const`, a square, so the condition `eta < (C-1)/C` is sufficient but not necessary."),
    "le19.sampling": ("qualified", "Natural pair sampling tolerates much less noise than balanced sampling: "
                      "`eta < eta_nat(C)`, which tends to `1 - 1/sqrt(2)`, and nothing at `C = 2`."),
    "le19.triplet_robust": ("proved", "The triplet loss's robustness needs exchangeable classes: it holds for every `C` "
                            "with uniformly sampled classes and fails with a fixed class pattern (counterexample in the "
                            "report)."),
    "gce18.notes_weight_view": ("confirmed", "`1/f_y` is not the sample's weight in the CCE update: ordered by `1/f_y` and "
                                "by the parameter-gradient norm, more than 5% of sample pairs disagree at every "
                                "training stage checked."),
    "gce18.notes_trunc_drops_clean": ("confirmed", "Truncation (Algorithm 1, `k = 0.5`) prunes significantly more than "
                                      "1% of the correctly labelled samples, mostly hard ones, yet some that the Bayes "
                                      "classifier labels correctly."),
    "dmi19.loss_minimiser": ("qualified", "The L_DMI minimiser is unchanged by the noise only when `det T != 0`."),
}

_CURATED_ONLY = ("proved", "confirmed")


def load_report(path: Path) -> dict[str, Any]:
    try:
        doc = json.loads(Path(path).read_text())
    except FileNotFoundError:
        raise ValueError(f"no report at {str(path)!r}; run 'python -m paper_checks' first") from None
    except json.JSONDecodeError as exc:
        raise ValueError(f"{str(path)!r} is not a JSON report: {exc}") from None
    if not isinstance(doc, dict) or "claims" not in doc:
        raise ValueError(f"{str(path)!r} is not a paper_checks report (no 'claims')")
    return doc


def _cell(text: str, width: int = 230) -> str:
    return textwrap.shorten(text, width, placeholder="...").replace("|", "\\|")


def findings_block(doc: dict[str, Any]) -> str:
    """The findings bullets (see the module docstring)."""
    lines = []
    for c in doc["claims"]:
        v = c["verdict"]
        doubt = ".notes_" in c["id"]
        curated = FINDINGS.get(c["id"])
        fits = curated is not None and curated[0] == v
        if v in _CURATED_ONLY and not fits and not (doubt and v == "confirmed"):
            continue
        tag = ", reconstructed" if c.get("reconstructed") else ""
        if fits:
            text = curated[1]
        else:
            text = textwrap.shorten(c["summary"], 400, placeholder=" ...")
            if c.get("condition") and v == "qualified":
                text += f" Condition: {textwrap.shorten(c['condition'], 300, placeholder=' ...')}"
        lines.append(f"- **`{c['id']}`** ({v}{tag}): {text}")
    return "\n".join(lines)


def table_block(doc: dict[str, Any]) -> str:
    """The verdict table with its one-line header."""
    counts = Counter(c["verdict"] for c in doc["claims"])
    n = len(doc["claims"])
    head = (f"From `python -m paper_checks` ({doc.get('precision', '?')} precision, seed {doc.get('seed', '?')}, "
            f"{'NumPy' if doc.get('backend') == 'numpy' else doc.get('backend')} backend): "
            + ", ".join(f"{k} {counts[k]}" for k in sorted(counts)) + f" of {n} claims"
            + f" ({sum(1 for c in doc['claims'] if c.get('reconstructed'))} of them reconstructed, marked *r*). "
            "The full evidence (numbers, counterexamples, conditions) is in `reports/report.md` after a run.")
    rows = ["| claim | verdict | method | evidence (one line) |", "|---|---|---|---|"]
    for c in doc["claims"]:
        r = " *r*" if c.get("reconstructed") else ""
        rows.append(f"| `{c['id']}`{r} | **{c['verdict']}** | {c['method']} | {_cell(c['summary'])} |")
    return head + "\n\n" + "\n".join(rows)


def _replace(text: str, start: str, end: str, body: str) -> str:
    i, j = text.find(start), text.find(end)
    if i < 0 or j < 0 or j < i:
        raise ValueError(f"README has no {start} ... {end} block")
    return text[: i + len(start)] + "\n" + body + "\n" + text[j:]


def render(readme: str, doc: dict[str, Any]) -> str:
    """``readme`` with its findings (when it has the markers) and verdict table rewritten from ``doc``."""
    out = _replace(readme, VERDICTS_START, VERDICTS_END, table_block(doc))
    if FINDINGS_START in out:
        out = _replace(out, FINDINGS_START, FINDINGS_END, findings_block(doc))
    return out


_ROW = re.compile(r"^\| `(?P<id>[^`]+)`(?: \*r\*)? \| \*\*(?P<verdict>[a-z]+)\*\* \|")
_BULLET = re.compile(r"^- \*\*`(?P<id>[^`]+)`\*\* \((?P<verdict>[a-z]+)(?:, reconstructed)?\)")


def readme_verdicts(readme: str) -> dict[str, str]:
    """The verdicts the README's table states, by claim id."""
    i, j = readme.find(VERDICTS_START), readme.find(VERDICTS_END)
    out = {}
    for line in readme[i:j].splitlines():
        m = _ROW.match(line)
        if m:
            out[m["id"]] = m["verdict"]
    return out


def readme_findings(readme: str) -> dict[str, str]:
    """The verdicts the README's findings bullets state, by claim id."""
    i, j = readme.find(FINDINGS_START), readme.find(FINDINGS_END)
    if i < 0:
        return {}
    out = {}
    for line in readme[i:j].splitlines():
        m = _BULLET.match(line)
        if m:
            out[m["id"]] = m["verdict"]
    return out
