"""Rich notebook display with the report's renderers (issue 21)."""
from __future__ import annotations

import matplotlib

from paper_checks import api
from paper_checks.evidence import Evidence
from paper_checks.report import markdown
from paper_checks.report.display import evidence_html, evidence_md
from paper_checks.search.loop import SearchResult
from paper_checks.trials.properties import Property
from paper_checks.trials.simplex import LossTrial

REFUTED = Evidence("refuted", "search", "Eq. 11 fails at q = 1/2", numbers={"k": 0.3, "rows": [1, 2]},
                   counterexample={"point": {"q": "1/2"}, "exact_margin": "-1/8"})


def test_check_shows_its_evidence_as_html():
    html = api.check("gce18.eq7_bounds", precision="quick")._repr_html_()
    assert "proved" in html and "<strong>Evidence</strong> (symbolic)" in html and "<table>" in html


def test_evidence_shows_verdict_counterexample_and_numbers():
    html, md = REFUTED._repr_html_(), REFUTED._repr_markdown_()
    assert md.startswith("**refuted** (search)") and "| point.q | 1/2 |" in md and "| k | 0.3 |" in md
    assert "<td>point.q</td><td>1/2</td>" in html and "Eq. 11 fails at q = 1/2" in html
    assert "<script" not in Evidence("confirmed", "exact", "<script>x</script>")._repr_html_()  # escaped


def test_the_report_and_the_notebook_render_the_same_evidence_block():
    c = {"id": "p.x", "paper": "p", "source": "s", "statement": "st", "expected": "refuted", "seconds": 0.5,
         **REFUTED.to_json()}
    doc = {"version": "v", "backend": "numpy", "seed": 0, "precision": "quick", "claims": [c],
           "bibliography": {"p": "P."}, "provenance": {}}
    assert "\n".join(evidence_md(c)) in markdown(doc)
    assert all(part in "".join(evidence_html(c)) for part in ("Counterexample", "Numbers"))


def test_result_search_trial_and_drawn_display():
    r = api.run(["gce18.eq7_bounds"], precision="quick")[0]
    assert r._repr_markdown_().startswith("**`gce18.eq7_bounds` — proved**")
    assert "<code>gce18.eq7_bounds</code>" in r._repr_html_()
    # the source as the report shows it: the paper's citation, not its id (it read "Source: gce18; 004_...txt")
    cite = "Z. Zhang, M. R. Sabuncu (2018). Generalized Cross Entropy"
    assert f"**Source**: {cite}" in r._repr_markdown_() and "[Zhang & Sabuncu 2018], sec. 3.2" in r._repr_markdown_()
    assert f"<strong>Source</strong>: {cite}" in r._repr_html_()
    s = SearchResult({"q": 0.5}, -0.1, 40, counterexample={"q": "1/2"}, exact_margin="-1/8",
                     exact_margin_value=-0.125, verified=True, outcome="counterexample", budget=50)
    assert "| q | 1/2 |" in s._repr_markdown_() and "40 (budget 50)" in s._repr_html_()
    t = LossTrial("mae", {}, "Ghosh 2017", [2, 3, 4],
                  {"symmetric": Property("symmetric", 2, "yes (C = 2)", "symbolic", "class sum is 2")}, ["a note"])
    assert "| symmetric | yes (C = 2) | symbolic | class sum is 2 |" in t._repr_markdown_()
    assert "c = 2..4" in t._repr_html_()

    matplotlib.use("Agg")
    from label_noise_lab.figures.registry import Drawn
    from label_noise_lab.figures.style import pyplot

    fig = pyplot().figure(figsize=(1, 1))
    d = Drawn(fig, [], "A caption.")
    assert d._repr_html_().startswith('<figure><img alt="figure"') and "A caption." in d._repr_markdown_()
    pyplot().close(fig)


def test_a_margin_trial_displays_as_a_table_not_a_dataclass_dump():
    from paper_checks.trials.margin import MarginTrial

    t = MarginTrial("hinge", "Max(0, 1 - v)", "Bartlett et al. 2006",
                    {"convex": Property("convex", True, "yes", "symbolic", "phi'' >= 0 on every piece")})
    md, html = t._repr_markdown_(), t._repr_html_()
    assert "| convex | yes | symbolic | phi'' >= 0 on every piece |" in md and "phi(v) = Max(0, 1 - v)" in md
    assert html.startswith('<div class="lnl-trial">') and "docs/losses.md" in html and len(html) < 2500
