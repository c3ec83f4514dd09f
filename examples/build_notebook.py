"""Writes ``examples/getting_started.ipynb``, the notebook a researcher opens first, from the cells below.

The cells are kept here, as Python strings, so that a change to the notebook is a readable diff; the stored
notebook has no outputs (they are made by running it). After editing a cell, run::

    python examples/build_notebook.py

``tests/test_notebook.py`` checks that the stored notebook is exactly what this script writes, and (in the slow
tests) executes it end to end with ``nbclient`` and a real ``ipykernel`` (``pip install ".[notebook]"``).
Everything in it runs at ``precision="quick"`` with small budgets: well under a minute in all.
"""
from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

NOTEBOOK = Path(__file__).resolve().with_name("getting_started.ipynb")

#: (kind, source) in order; kind is "markdown" or "code"
CELLS: list[tuple[str, str]] = [
    ("markdown", """\
# label-noise-lab: a first notebook

This toolkit puts published claims about noise-robust losses on trial. A **claim** is a sentence of a paper;
its **check** computes **evidence** (exact derivation, counterexample search, Monte Carlo) that ends in a
**verdict**: `proved`, `confirmed`, `refuted` (with a counterexample verified in exact arithmetic), `qualified`
(with the condition under which it holds) or `inconclusive` (with what would decide it).

In this notebook:

1. three claims of Zhang & Sabuncu 2018 (generalized cross entropy) on trial, and their verdict table;
2. the counterexample of the refuted one, re-checked by hand in exact arithmetic;
3. the figure drawn from the same computation;
4. a loss of your own, put through the properties the papers ask of a robust loss;
5. a claim of your own, searched for a counterexample.

Everything runs at `precision="quick"` (small budgets), so the whole notebook takes well under a minute.
Install the toolkit with its notebook extra first: `pip install ".[notebook]"` in a checkout."""),
    ("code", """\
from IPython.display import Markdown

from paper_checks import api

claims = api.claims()  # every registered claim, papers by year
print(len(claims), "claims registered")
claim = claims["gce18.eq11_k02"]
print(claim.statement)
print("source:", claim.source, "| recorded verdict:", claim.expected)"""),
    ("markdown", """\
## 1. Claims on trial

`api.run` runs claims by id (or glob, or paper), each in its own random stream derived from the seed, and
returns one `Result` per claim: its evidence, its verdict and whether that verdict is the one the project
recorded (`matches`)."""),
    ("code", """\
results = api.run(["gce18.eq7_bounds", "gce18.eq11_k02", "ghosh17.sum_mae"], precision="quick", seed=0)


def cell(text: str) -> str:
    \"\"\"Text for a Markdown table cell.\"\"\"
    return text.replace("|", "\\\\|").replace("\\n", " ")


rows = ["| claim | verdict | recorded | method | summary |", "|---|---|---|---|---|"]
rows += [f"| `{r.claim.id}` | **{r.verdict}** | {r.claim.expected} | {r.evidence.method} | {cell(r.evidence.summary)} |"
         for r in results]
assert all(r.matches for r in results), [(r.claim.id, r.verdict, r.claim.expected) for r in results]
Markdown("\\n".join(rows))"""),
    ("markdown", """\
## 2. A counterexample

Zhang & Sabuncu state that the truncated loss's bound (their Eq. 11) holds for every `q` in `(0, 1]` once the
truncation level is `k >= 0.2` and there are at least 10 classes. The search found a point where it fails,
verified it exactly and shrunk it to the simplest values that still fail. The counterexample's values are exact
(strings such as `"1/2"`); the evidence displays itself as the report shows it."""),
    ("code", """\
refuted = next(r for r in results if r.claim.id == "gce18.eq11_k02").evidence
print(refuted.counterexample["shrunk"], "exact margin", refuted.counterexample["exact_margin"])
refuted"""),
    ("markdown", """\
Re-check it yourself: the margin of Eq. 11 (`label_noise_lab.theory.gce.eq11_margin`, positive exactly where
Eq. 11 holds) in SymPy's exact arithmetic, at the counterexample's point."""),
    ("code", """\
import sympy

from label_noise_lab.theory.gce import eq11_margin

point = {name: sympy.Rational(str(value)) for name, value in refuted.counterexample["shrunk"].items()}
margin = eq11_margin(int(point["c"]), point["q"], point["k"])
print(point, "->", margin)
assert margin < 0  # Eq. 11 fails there"""),
    ("markdown", """\
## 3. The figure

Each figure is drawn from its claim's own computation (the same settings, random stream and seed), so a curve and
the report's number agree. `draw` returns the matplotlib figure (`drawn.figure`, to restyle or save), the plotted
numbers (`drawn.data`, one record per point) and a caption; the drawn figure displays itself with its caption, as
`report.html` shows it."""),
    ("code", """\
from label_noise_lab.figures.registry import draw

drawn = draw("gce18_eq11_region", precision="quick")
print(len(drawn.data), "plotted records, e.g.", drawn.data[0])
drawn"""),
    ("markdown", """\
## 4. A loss of your own

A loss goes in as a formula in `p`, the probability of the labelled class (read against a whitelist, never
evaluated), or as a Python callable `L(f, y)` built from SymPy functions. The trial decides each property for
every number of classes in the range: symmetry (a constant class sum, Ghosh et al. 2017), the class-sum range and
the excess-risk bound of GCE's Theorem 1 form, boundedness, the example weight of IMAE, asymmetry (Zhou et al.
2021) and the noisy minimiser. Each cell carries its evidence: derived symbolically or refuted at an exact
point."""),
    ("code", """\
from label_noise_lab.theory.user_losses import from_callable, from_expression
from paper_checks.trials.simplex import markdown_table, trial

mine = trial(from_expression("(1 - p**0.5)/0.5 + 0.5*(1 - p)", name="gce_plus_mae"), range(2, 6),
             precision="quick")
unhinged = trial(from_callable(lambda f, y: 1 - f[y], name="unhinged"), range(2, 6), precision="quick")
assert unhinged.properties["symmetric"].value["symmetric"]
Markdown(markdown_table([mine, unhinged]))"""),
    ("markdown", """\
## 5. A claim of your own

A claim is a margin that is negative where the statement fails, over a declared domain. Here, "`q^x <= 1 + x (q -
1)` for `q` in `(0, 1)` and `x` in `[0, 2]`": Bernoulli's inequality, which fails for `x > 1`. The search never
exceeds its budget; a negative margin in floating point is only a lead until the exact margin confirms it."""),
    ("code", """\
import numpy as np

from paper_checks.api import Evidence, Real, SearchSpace, search


def margin(p):
    return 1 + p["x"] * (p["q"] - 1) - p["q"] ** p["x"]


space = SearchSpace((Real("q", 0.01, 0.99), Real("x", 0, 2)), margin, margin, description="1 + x (q - 1) - q^x")
found = search(space, 2000, np.random.default_rng(0))
evidence = Evidence.from_search(found, fails="Bernoulli's inequality fails", holds="no violation found")
print(evidence.verdict, "-", evidence.summary)
assert evidence.verdict == "refuted"
found"""),
    ("markdown", """\
## Where next

* `docs/api.md`: the whole Python API (proofs with `api.prove`, noisy risks, binary margin losses, reports);
* `docs/extending.md` and `examples/ma20_claims.py`: a paper of your own, its claims and a figure in one file,
  run with `python -m paper_checks run --module examples/ma20_claims.py` (or `api.run(modules=[...])`);
* `python -m paper_checks` (or `paper-checks`): every claim, with `reports/report.html` written at the end."""),
]


def build() -> Any:
    """The notebook (nbformat 4) of :data:`CELLS`, without outputs; cell ids are fixed so that a rebuild of the
    same cells gives the same file."""
    import nbformat
    from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

    make = {"markdown": new_markdown_cell, "code": new_code_cell}
    cells = [make[kind](source, id=f"cell-{i:02d}") for i, (kind, source) in enumerate(CELLS)]
    nb = new_notebook(cells=cells, metadata={
        "kernelspec": {"name": "python3", "display_name": "Python 3", "language": "python"},
        "language_info": {"name": "python"},
    })
    nbformat.validate(nb)
    return nb


def main(argv: list[str] | None = None) -> int:
    """Write :data:`NOTEBOOK`; ``--check`` only says whether the stored one is up to date (exit 1 if not)."""
    try:
        import nbformat
    except ImportError:
        print("build_notebook: nbformat is not installed (pip install '.[notebook]')", file=sys.stderr)
        return 2
    args = sys.argv[1:] if argv is None else argv
    text = nbformat.writes(build()) + "\n"
    if args == ["--check"]:
        current = NOTEBOOK.read_text(encoding="utf-8") if NOTEBOOK.exists() else ""
        if current != text:
            print(f"{NOTEBOOK.name} is out of date: run python examples/build_notebook.py", file=sys.stderr)
            return 1
        return 0
    if args:
        print(f"usage: python examples/build_notebook.py [--check], got {' '.join(args)!r}", file=sys.stderr)
        return 2
    NOTEBOOK.write_text(text, encoding="utf-8")
    print(f"wrote {NOTEBOOK}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
