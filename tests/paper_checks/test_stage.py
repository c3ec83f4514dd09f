"""A time-out that says where (paper_checks.stage): the stage a check was in, its last point, what would help,
on the terminal, in report.json and in --traceback."""
import json
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
import sympy

from paper_checks import stage
from paper_checks.search.loop import Real, SearchSpace, search

ROOT = Path(__file__).resolve().parents[2]  # tests/paper_checks/test_stage.py -> the repository
ENV = {**os.environ, "PYTHONPATH": str(ROOT)}

STUCK = '''
import sympy
from paper_checks.api import Context, Evidence, Real, SearchSpace, claim, paper, search

PAPER = paper("stuck", authors="A. Nobody", year=2020, title="A stuck margin", venue="none", source="none")


def _margin(pt):
    if pt["x"] > 0.5:  # never returns past the middle
        while True:
            pass
    return pt["x"]


def space():
    return SearchSpace((Real("x", 0, 1),), _margin, lambda pt: pt["x"], description="x")


@claim("stuck.search", source="-", method="search", expected="confirmed", statement="x >= 0", space=space)
def stuck(ctx: Context) -> Evidence:
    return Evidence.from_search(search(space(), 2000, ctx.rng("search")), fails="x < 0", holds="x >= 0")
'''


def test_the_message_names_the_stage_and_what_would_help():
    m = stage.timed_out_message("timed out after 5 s", 'search: verifying at {"x": 0.5}')
    assert m == ('timed out after 5 s during search: verifying at {"x": 0.5}; what would help: a smaller search '
                 "budget, a simpler exact margin, or a larger --timeout")
    assert "ctx.progress" in stage.timed_out_message("timed out after 5 s", None)
    assert "--precision quick" in stage.timed_out_message("timed out after 5 s", "simulation: 6 seeds")


def test_the_stage_and_point_as_text():
    stage.stage("search: verifying", {"x": np.float64(0.5), "p": [sympy.Rational(1, 3)], "c": np.int64(3)})
    assert stage.current() == 'search: verifying at {"x": 0.5, "p": ["1/3"], "c": 3}'
    stage.at({"x": 0.25})
    assert stage.current() == 'search: verifying at {"x": 0.25}'
    stage.close()
    assert stage.current() is None


@pytest.mark.slow
def test_a_search_over_its_own_time_limit_says_where():
    def slow(pt):
        if pt["x"] > 0.5:
            import time
            time.sleep(0.2)
        return pt["x"]

    space = SearchSpace((Real("x", 0, 1),), slow, lambda pt: pt["x"])
    res = search(space, 10**6, np.random.default_rng(0), time_limit=1.0)
    assert res.stopped == "timed out after 1 s"
    assert any("during search: sampling at" in n for n in res.notes), res.notes


@pytest.mark.slow
def test_a_claim_over_the_time_limit_reports_its_stage_and_point(tmp_path):
    (tmp_path / "claims.py").write_text(STUCK)
    p = subprocess.run([sys.executable, "-m", "paper_checks", "run", "--module", str(tmp_path / "claims.py"),
                        "--paper", "stuck", "--timeout", "5", "--traceback", "--out", str(tmp_path / "out")],
                       capture_output=True, text=True, env={**ENV, "COLUMNS": "120"}, cwd=tmp_path, timeout=300)
    # (a terminal 120 columns wide, as this test's output is not one: the summary column is cut to fit)
    assert p.returncode == 1, p.stderr
    doc = json.loads((tmp_path / "out" / "report.json").read_text())
    summary = doc["claims"][0]["summary"]
    assert summary.startswith("the check timed out after 5 s during search: sampling at {\"x\": 0.")
    assert "what would help: a smaller search budget" in summary
    x = float(summary.split('{"x": ')[1].split("}")[0])
    assert x > 0.5  # the very point the margin never returned from
    assert "during search: sampling" in p.stdout + p.stderr
