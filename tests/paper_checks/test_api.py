"""The API does what the command line does (issue 21): globs in ``run``, ``--set`` in ``explore``, the report
labelled with the results' own precision and seed, the same counterexample form as ``Evidence``."""
from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pytest
import sympy

from paper_checks import api

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE = str(ROOT / "examples" / "ma20_claims.py")


@pytest.mark.slow
def test_run_takes_glob_patterns_like_the_command_line():
    results = api.run(["ghosh17.sum_m*"], precision="quick")
    assert [r.claim.id for r in results] == ["ghosh17.sum_mae", "ghosh17.sum_mse"]
    assert all(r.precision == "quick" and r.seed == 0 for r in results)
    with pytest.raises(ValueError, match="'nothing.like\\*' matches no claim"):
        api.run(["nothing.like*"])
    with pytest.raises(TypeError, match="write \\['ghosh17.sum_mae'\\]"):
        api.run("ghosh17.sum_mae")
    assert "papers" in api.run.__doc__ and "api.run(papers=" in (ROOT / "docs" / "api.md").read_text()


def test_explore_narrows_the_domain_like_set():
    narrow = api.explore("gce18.eq7_bounds", budget=60, set={"q": (0.2, 0.3), "c": 3})
    assert narrow.evaluated <= 60
    assert narrow.worst["c"] == 3 and 0.2 <= float(narrow.worst["q"]) <= 0.3
    same = api.explore("gce18.eq7_bounds", budget=60, set=["q=0.2..0.3", "c=3"])
    assert same.worst_margin == narrow.worst_margin
    with pytest.raises(ValueError, match="outside the declared domain"):
        api.explore("gce18.eq7_bounds", budget=60, set={"q": (0.5, 2)})
    with pytest.raises(ValueError, match="has no parameter 'zz'"):
        api.explore("gce18.eq7_bounds", budget=60, set=["zz=1"])


def test_explore_counterexample_has_the_form_of_evidence(isolated_registry):
    res = api.explore("ma20.nce_decreasing", budget=400, modules=[EXAMPLE])
    ev = api.check("ma20.nce_decreasing", precision="quick", modules=[EXAMPLE])
    assert res.verified and ev.verdict == "refuted"
    for point in (res.counterexample, ev.counterexample["point"]):  # the same form: exact values as strings
        assert set(point) == {"p", "r"}
        assert all(isinstance(x, str) for v in point.values() for x in v)
        assert sum(sympy.Rational(x) for x in point["p"]) == 1


def test_write_report_is_labelled_with_the_results_precision_and_lists_the_claims_files(tmp_path,
                                                                                         isolated_registry):
    results = api.run(["ma20.normalized_symmetric"], precision="quick", seed=3, modules=[EXAMPLE])
    api.write_report(results, tmp_path, formats=("json", "bib", "latex"))
    doc = json.loads((tmp_path / "report.json").read_text())
    assert doc["precision"] == "quick" and doc["seed"] == 3
    mods = doc["provenance"]["claims_modules"]
    digest = hashlib.sha256(Path(EXAMPLE).read_bytes()).hexdigest()
    assert [m["sha256"] for m in mods] == [digest] and mods[0]["path"].endswith("ma20_claims.py")
    assert "@inproceedings{ma20," in (tmp_path / "report.bib").read_text()
    assert r"\cite{ma20}" in (tmp_path / "report.tex").read_text()
    api.write_report(results, tmp_path / "told", formats=("json",), precision="standard")
    assert json.loads((tmp_path / "told" / "report.json").read_text())["precision"] == "standard"
    other = api.run(["ma20.normalized_symmetric"], precision="standard", modules=[EXAMPLE])
    with pytest.raises(ValueError, match="different precisions"):
        api.write_report(results + other, tmp_path / "mixed")


@pytest.mark.slow
def test_draw_finds_a_users_figure(isolated_registry):
    from label_noise_lab.figures.registry import Drawn, draw

    drawn = draw("ma20_nce_paths", precision="quick", modules=[EXAMPLE])
    assert isinstance(drawn, Drawn) and "data:image/png;base64," in drawn._repr_html_()
    from label_noise_lab.figures.style import pyplot

    pyplot().close(drawn.figure)
    with pytest.raises(ValueError, match="modules=\\['my_claims.py'\\]"):
        draw("no_such_figure")


_NAN, _INF = float("nan"), float("inf")


@pytest.mark.parametrize("call, error, words", [
    (lambda: api.check("gce18.eq7_bounds", seed=-1), ValueError, "seed must be at least 0, got -1"),
    (lambda: api.check("gce18.eq7_bounds", seed=1.5), TypeError, "seed must be a whole number, got float 1.5"),
    (lambda: api.check("gce18.eq7_bounds", timeout=_NAN), ValueError, "timeout must be a finite, positive number"),
    (lambda: api.check("gce18.eq7_bounds", timeout=-1), ValueError, "timeout must be a finite, positive number of "
                                                                    "seconds up to 1e+06, got -1"),
    (lambda: api.run(["gce18.eq7_bounds"], timeout=_INF), ValueError, "timeout must be a finite, positive number"),
    (lambda: api.run(["gce18.eq7_bounds"], jobs=0), ValueError, "jobs must be at least 1, got 0"),
    (lambda: api.run(["gce18.eq7_bounds"], seed="3"), TypeError, "seed must be a whole number, got str '3'"),
    (lambda: api.check("gce18.eq7_bounds", precision=3), ValueError, "unknown precision 3"),
    (lambda: api.explore("gce18.eq11_k02", budget=_NAN), TypeError, "budget must be a whole number, got float nan"),
    (lambda: api.explore("gce18.eq11_k02", budget=5), ValueError, "budget must be at least 10, got 5"),
    (lambda: api.prove_claim("gce18.eq11_k02", seed=-2), ValueError, "seed must be at least 0, got -2"),
    (lambda: api.prove_claim("gce18.eq11_k02", seconds=_INF), ValueError, "seconds must be a finite, positive"),
    (lambda: api.write_report([], "/tmp", formats=("pdf",)), ValueError, "unknown report format 'pdf' in formats"),
    (lambda: api.write_report([], "/tmp", formats="md"), TypeError, "formats must be a list of format names"),
    (lambda: api.write_report([], "/tmp", seed=-1, precision="quick"), ValueError, "seed must be at least 0"),
    (lambda: api.write_report("results", "/tmp"), TypeError, "results must be a list of Result"),
    (lambda: api.check("gce18.eq7_bounds", modules=3), TypeError, "modules must be a list of strings, got int 3"),
    (lambda: api.claims("my_claims.py"), TypeError, "modules must be a list of strings, got the string"),
    (lambda: api.run(papers="gce18"), TypeError, "papers must be a list of strings, got the string 'gce18'"),
    (lambda: api.run(ids=[3]), TypeError, "ids must be a list of strings, got the item 3 (int)"),
])
def test_bad_api_arguments_are_one_line_naming_them(call, error, words):
    """Before: seed=-1 gave NumPy's message, seed=1.5 and timeout=nan were accepted, timeout=-1 reported "timed out
    after -1 s", explore(budget=nan) said "cannot convert float NaN", formats=("pdf",) raised KeyError: 'pdf'."""
    with pytest.raises(error) as info:
        call()
    assert words in str(info.value) and "\n" not in str(info.value)


@pytest.mark.slow
def test_prove_claim_pins_a_real_parameter_as_explore_does():
    """``api.prove_claim(id, set=["q=1", "c=2"])`` is ``explore ID --prove --set q=1 --set c=2`` (issue 28)."""
    assert api.prove_claim("gce18.eq7_bounds", set=["q=1", "c=2"], seconds=60).outcome == "proved"
    with pytest.raises(ValueError, match="excluded from the declared domain"):
        api.prove_claim("gce18.eq7_bounds", set={"q": (0, 0)})


# ---------------------------------------------------------------- issue 59, item 5: search, then prove
def _space(margin, exact, what):
    from paper_checks.api import Real, SearchSpace

    return SearchSpace((Real("x", 0, 1),), lambda pt: margin(pt["x"]), lambda pt: exact(pt["x"]), description=what)


@pytest.mark.slow  # three searches and two proofs: out of README's quick command, in CI's slow run
def test_search_then_prove_gives_each_outcome_its_evidence():
    """Every "for every parameter" claim wrote the same 12 lines, and lost the prover's reason from the report."""
    import numpy as np
    import sympy

    from paper_checks.api import Context, search_then_prove

    ctx = Context("mine.x", precision="quick")
    proved = search_then_prove(_space(lambda x: x * (1 - x), lambda x: x * (1 - x), "x (1 - x)"), ctx,
                               holds="x (1 - x) >= 0 on [0, 1]")
    assert proved.verdict == "proved" and proved.method == "prover"
    assert proved.numbers["proof"]["certificate"] and proved.numbers["search"]["evaluated"] > 0
    fifth = sympy.Rational(1, 5)
    refuted = search_then_prove(_space(lambda x: x * (1 - x) - 0.2, lambda x: x * (1 - x) - fifth, "x (1 - x) - 1/5"),
                                ctx, holds="x (1 - x) >= 1/5")
    assert refuted.verdict == "refuted" and refuted.counterexample["point"] == {"x": 0}
    assert "x (1 - x) >= 1/5 fails" in refuted.summary
    # the prover given one box and a hundredth of a unit of work (counted: the same on every machine)
    kept = search_then_prove(_space(lambda x: np.exp(x) - 1 - x, lambda x: sympy.exp(x) - 1 - x, "e^x - 1 - x"), ctx,
                             holds="e^x >= 1 + x", boxes=1, work=0.01, numbers={"mine": 1})
    assert kept.verdict == "confirmed" and kept.numbers["mine"] == 1
    proof = kept.numbers["proof"]
    assert proof["outcome"] == "undecided" and proof["work_budget"] == 0.01 and proof["box_budget"] == 1
    assert proof["reason"].startswith("the work budget of 0.01 units ran out")
    assert "The prover did not prove it (undecided, work" in kept.summary and "of 0.01 units" in kept.summary
    assert proof["reason"][:60] in kept.summary


def test_search_then_prove_refuses_bad_input_in_one_line():
    from paper_checks.api import Context, search_then_prove

    space = _space(lambda x: x, lambda x: x, "x")
    with pytest.raises(TypeError, match="ctx must be the check's Context, got int '3'"):
        search_then_prove(space, 3, holds="x >= 0")
    with pytest.raises(ValueError, match="holds must say what the margin >= 0 means"):
        search_then_prove(space, Context("mine.x", precision="quick"), holds=" ")
    with pytest.raises(ValueError, match="boxes|budget"):
        search_then_prove(space, Context("mine.x", precision="quick"), holds="x >= 0", boxes=0)


def test_claim_domain_is_where_prove_claim_proves():
    """Issue 57, item 1: the API names the domain a proof covers (ProofResult itself does not)."""
    from paper_checks import api

    rows = api.claim_domain("gce18.eq7_bounds", set=["c=3"])
    assert rows[0] == {"name": "c", "kind": "Integer", "range": "3", "low": 3, "high": 3, "declared": "2..8",
                       "statement": "every c >= 2"}
    assert [r["range"] for r in api.claim_domain("le19.margin_symmetric")] == ["(0, oo)", "(-oo, oo)", "[0, oo)"]
    with pytest.raises(ValueError, match="declares no search domain"):
        api.claim_domain("ghosh17.sum_mae")
