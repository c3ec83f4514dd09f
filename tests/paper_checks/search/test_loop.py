"""The counterexample search (paper_checks.search.loop) and the search/effect -> evidence mappings.

The parameter types are tested in test_params.py, exact verification and the shrinker in test_shrink.py.
"""
import ast
import json
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
import sympy
from hypothesis import given, settings
from hypothesis import strategies as st

import paper_checks.search.loop as search_module
import paper_checks.search.scores as scores_module
from label_noise_lab.simulate.engine.estimate import Estimate
from paper_checks.evidence import Evidence, effect_ladder
from paper_checks.search.loop import (
    Integer,
    Real,
    SearchSpace,
    SimplexPoint,
    StochasticMatrix,
    search,
)
from tests.paper_checks.search._spaces import _nce_exact, nce_space, rng

R = sympy.Rational


@pytest.mark.slow
@pytest.mark.parametrize("seed", [0, 1, 2])
def test_nce_counterexample_found_verified_and_shrunk(seed):
    calls = []
    space = nce_space()
    counted = SearchSpace(space.params, lambda pt: calls.append(1) or space.margin(pt), space.exact_margin,
                          space.constraint, space.description)
    res = search(counted, 4000, rng(seed))
    assert res.outcome == "counterexample" and res.verified
    assert res.evaluated <= 4000 and len(calls) == res.evaluated
    p, r = res.counterexample["p"], res.counterexample["r"]
    for v in (p, r):  # exact, in the open simplex, small denominators
        assert all(isinstance(x, sympy.Rational) and x > 0 for x in v) and sum(v) == 1
        assert max(x.q for x in v) <= 20
    assert p[0] > r[0]
    # re-verified independently: NCE(p) > NCE(r) to 30 digits
    assert sympy.N(_nce_exact(r) - _nce_exact(p), 30) < 0
    assert res.exact_margin_value < 0
    js = res.to_json()
    assert js["outcome"] == "counterexample" and js["verified"] and "notes" in js
    json.dumps(js)


# ------------------------------------------------------------------ true claims are never refuted
def test_true_claim_tight_inside_finds_nothing():
    # x(1 - x) <= 1/4 on [0, 1]: true, with equality at 1/2
    space = SearchSpace((Real("x", 0, 1),), lambda p: 0.25 - p["x"] * (1 - p["x"]),
                        lambda p: R(1, 4) - p["x"] * (1 - p["x"]))
    res = search(space, 300, rng())
    assert res.outcome == "no_failure" and not res.verified and res.counterexample is None
    assert res.worst_margin >= -1e-12
    assert abs(res.worst["x"] - 0.5) < 1e-3  # the search found the tight point


@pytest.mark.parametrize("seed", range(4))
def test_margin_zero_on_faces_or_tight_at_vertices_is_never_refuted(seed):
    # prod f_j >= 0 is 0 on every face; 1 - max f >= 0 is tight at the vertices (both true)
    face = SearchSpace((SimplexPoint("f", 4),), lambda p: float(np.prod(p["f"])), lambda p: sympy.Mul(*p["f"]))
    vert = SearchSpace((SimplexPoint("f", 3), StochasticMatrix("T", 2)),
                       lambda p: 1 - float(np.max(p["f"])) + float(np.min(p["T"])),
                       lambda p: 1 - sympy.Max(*p["f"]) + sympy.Min(*p["T"]))
    for space in (face, vert):
        res = search(space, 400, rng(seed))
        assert res.outcome == "no_failure" and not res.verified
        assert Evidence.from_search(res, fails="f", holds="h").verdict == "confirmed"


def test_floating_point_artefact_is_not_a_counterexample():
    space = SearchSpace((Real("x", 0, 1),), lambda p: -1e-17, lambda p: sympy.Integer(0))
    res = search(space, 50, rng())
    assert res.worst_margin < 0 and not res.verified and res.outcome == "no_failure"
    assert any("rounding artefacts" in n for n in res.notes)
    assert all(c["status"] == "artefact" for c in res.candidates)


# ------------------------------------------------------------------ what a search cannot verify is said so
def test_no_exact_margin_means_unverified():
    res = search(SearchSpace((Real("x", 0, 1),), lambda p: -1.0), 50, rng())
    assert res.outcome == "unverified" and not res.verified and res.notes
    assert "no exact margin" in res.to_json()["notes"][0]
    ev = Evidence.from_search(res, fails="f", holds="h")
    assert ev.verdict == "inconclusive"


def test_float_and_exact_margins_that_disagree_are_unverified():
    space = SearchSpace((Real("x", 0, 1),), lambda p: -1.0, lambda p: sympy.Integer(1))
    res = search(space, 50, rng())
    assert res.outcome == "unverified"
    assert "not negative at the rounded point" in res.notes[-1]


def test_margin_that_raises_on_half_the_domain_is_reported():
    def margin(p):
        if p["x"] > 0.5:
            raise ValueError("undefined here")
        return 1.0

    res = search(SearchSpace((Real("x", 0, 1),), margin, lambda p: sympy.Integer(1)), 400, rng())
    assert res.outcome == "raised" and 0 < res.raised < res.evaluated
    js = res.to_json()
    assert js["raised"] == res.raised and "undefined here" in js["first_error"] and js["notes"]
    ev = Evidence.from_search(res, fails="f", holds="h")
    assert ev.verdict == "inconclusive" and "raised" in ev.summary


def test_margin_that_mostly_raises_is_an_error():
    space = SearchSpace((Real("x", 0, 1),), lambda p: 1 / 0, lambda p: sympy.Integer(1))
    res = search(space, 100, rng())
    assert res.outcome == "raised" and res.error
    with pytest.raises(RuntimeError, match="ZeroDivisionError"):
        Evidence.from_search(res, fails="f", holds="h")


def test_from_search_quotes_the_users_text_as_given():
    """The summaries quote ``fails=`` and ``holds=`` verbatim: ``l~`` (a loss name) never becomes ``L~``."""
    failing = search(SearchSpace((Real("x", 0, 1),), lambda p: -1.0, lambda p: sympy.Integer(-1)), 50, rng())
    ev = Evidence.from_search(failing, fails="l~(f) exceeds its bound", holds="h")
    assert ev.verdict == "refuted" and "l~(f) exceeds its bound" in ev.summary and "L~" not in ev.summary
    assert ev.summary[0].isupper()  # the sentence still starts with a capital: ours, not the user's
    holding = search(SearchSpace((Real("x", 0, 1),), lambda p: 1.0, lambda p: sympy.Integer(1)), 50, rng())
    ev = Evidence.from_search(holding, fails="f", holds="no point where l~ exceeds its bound")
    assert ev.verdict == "confirmed" and "no point where l~ exceeds its bound in" in ev.summary
    assert "No point" not in ev.summary


def test_nan_margin_counts_as_raised():
    res = search(SearchSpace((Real("x", 0, 1),), lambda p: float("nan")), 50, rng())
    assert res.outcome == "raised" and res.raised == res.evaluated


# ------------------------------------------------------------------ the budget is a budget
@settings(max_examples=15, deadline=None)
@given(budget=st.integers(10, 1500), seed=st.integers(0, 10**6))
def test_budget_counts_every_margin_evaluation(budget, seed):
    calls = []

    def margin(p):
        calls.append(1)
        return float(p["x"] - 0.3) * p["n"] + 0.01 * float(p["f"][0])

    space = SearchSpace((Real("x", 0, 1), Integer("n", 1, 5), SimplexPoint("f", 3)), margin,
                        lambda p: (p["x"] - R(3, 10)) * p["n"] + R(1, 100) * p["f"][0])
    res = search(space, budget, rng(seed))
    assert len(calls) == res.evaluated <= budget


def test_bad_domains_and_budgets():
    with pytest.raises(ValueError):
        Real("x", 1, 0)
    with pytest.raises(ValueError):
        Integer("n", 3, 2)
    with pytest.raises(ValueError):
        SimplexPoint("p", 0)
    with pytest.raises(ValueError):
        search(SearchSpace((Real("x", 0, 1),), lambda p: 1.0), 5, rng())
    with pytest.raises(ValueError, match="constraint"):
        search(SearchSpace((Real("x", 0, 1),), lambda p: 1.0, constraint=lambda p: False), 20, rng())


# ------------------------------------------------------------------ verification and shrinking
def test_false_claim_is_found_verified_and_shrunk():
    # "n x >= 1 for n in [1, 50], x in [0.3, 1]" fails when n x < 1, simplest: n = 1, x = 1/2
    space = SearchSpace((Integer("n", 1, 50), Real("x", 0.3, 1.0)),
                        lambda p: p["n"] * p["x"] - 1, lambda p: p["n"] * p["x"] - 1)
    res = search(space, 400, rng())
    assert res.verified
    assert res.counterexample["n"] == 1
    assert res.counterexample["x"] == R(1, 2)
    assert res.exact_margin_value == pytest.approx(-0.5)


def test_simplex_search_finds_vertex_failure_with_small_denominators():
    # "max_j f_j <= 0.9" fails near vertices; shrinking gives a small-denominator point
    space = SearchSpace((SimplexPoint("f", 3),), lambda p: 0.9 - float(np.max(p["f"])),
                        lambda p: R(9, 10) - sympy.Max(*p["f"]))
    res = search(space, 300, rng())
    assert res.verified
    f = res.counterexample["f"]
    assert max(f) > R(9, 10) and sum(f) == 1 and max(x.q for x in f) <= 20


def test_open_end_is_never_a_counterexample():
    # x > 0 on (0, 1]: the float search may come close to 0, rounding must not land on it
    space = SearchSpace((Real("x", 0.0, 1.0, open_low=True),), lambda p: p["x"] - 1e-300, lambda p: p["x"])
    res = search(space, 300, rng())
    assert not res.verified


def test_constraint_respected():
    space = SearchSpace((Real("k", 0.0, 1.0, open_low=True), Integer("c", 2, 10)),
                        lambda p: p["k"] * p["c"] - 1, lambda p: p["k"] * p["c"] - 1,
                        constraint=lambda p: p["k"] >= 1 / p["c"])
    res = search(space, 300, rng())
    assert not res.verified and res.worst_margin >= -1e-12


def test_a_space_without_continuous_parameters_samples_its_whole_budget():
    # nothing to polish: every evaluation is a sample
    space = SearchSpace((Integer("n", 0, 50), Integer("m", -3, 3)), lambda p: 1.0 + p["n"], lambda p: 1 + p["n"])
    res = search(space, 300, rng())
    assert res.outcome == "no_failure" and res.evaluated == 300


def test_progress_reports_every_evaluation_of_sampling_and_polish():
    done = []
    space = SearchSpace((Real("x", 0, 1), SimplexPoint("f", 3)), lambda p: 1 + p["x"] * p["f"][0],
                        lambda p: 1 + p["x"] * p["f"][0])
    res = search(space, 500, rng(), progress=done.append)
    assert res.outcome == "no_failure" and sum(done) == res.evaluated and len(done) > 1


# ------------------------------------------------------------------ the module's names and imports
#: what other modules, tests, docs and examples import from paper_checks.search.loop
FORMER_PUBLIC = ("ARTEFACT_TOL", "BOUNDARY_SHARE", "Integer", "OUTCOMES", "Param", "Point", "Real", "SHRINK_EVALS",
                 "SHRINK_RESERVE", "SHRINK_STARTS", "SearchResult", "SearchSpace", "SimplexPoint", "StochasticMatrix",
                 "VERIFY_K", "exact_value", "search", "shrink", "simplest_between", "to_rational", "verify")


def test_the_former_public_names_stay_importable_from_search():
    import importlib

    # the modules themselves: ``from paper_checks.search import shrink`` gives the re-exported function
    exact, params, shrink = (importlib.import_module(f"paper_checks.search.{m}")
                             for m in ("exact", "params", "shrinker"))
    for name in FORMER_PUBLIC:
        assert name in search_module.__all__ and hasattr(search_module, name), name
    assert search_module.Real is params.Real and search_module.shrink is shrink.shrink
    assert search_module.verify is exact.verify and search_module.to_rational is params.to_rational


SEARCH_MODULES = ("paper_checks/search/loop.py", "paper_checks/search/shrinker.py", "paper_checks/search/exact.py",
                  "paper_checks/search/rationals.py", "paper_checks/jsonable.py", "paper_checks/search/scores.py",
                  "paper_checks/search/params")


@pytest.mark.slow  # about 1 s or more: out of README's quick command, in CI's slow run
def test_no_search_module_imports_evidence():
    # the former cycle evidence <-> search, hidden by imports inside functions: none at any level now
    root = Path(search_module.__file__).parents[2]  # paper_checks/search/loop.py -> the repository
    files = [f for m in SEARCH_MODULES for f in ((root / m).glob("*.py") if (root / m).is_dir() else [root / m])]
    assert len(files) == 6 + len(list((root / "paper_checks/search/params").glob("*.py")))  # every module, none missed
    for f in files:
        for node in ast.walk(ast.parse(f.read_text())):
            names = ([a.name for a in node.names] if isinstance(node, ast.Import) else
                     [node.module or ""] if isinstance(node, ast.ImportFrom) else [])
            assert not any(n.startswith("paper_checks.evidence") for n in names), f"{f.name} imports evidence"
    code = "import sys, paper_checks.search.loop; assert 'paper_checks.evidence' not in sys.modules"
    subprocess.run([sys.executable, "-c", code], check=True, cwd=root)


# ------------------------------------------------------------------ search -> evidence, effects -> verdict
def test_from_search_never_proves():
    true = SearchSpace((Real("x", 0, 1),), lambda p: p["x"], lambda p: p["x"])
    false = SearchSpace((Real("x", 0, 1),), lambda p: p["x"] - 0.5, lambda p: p["x"] - R(1, 2))
    ok = Evidence.from_search(search(true, 100, rng()), fails="x < 0", holds="no negative x")
    bad = Evidence.from_search(search(false, 100, rng()), fails="x < 1/2", holds="no x below 1/2",
                               numbers={"other": 1}, key="s")
    assert ok.verdict == "confirmed" and "budget 100" in ok.summary and ok.numbers["search"]["outcome"] == "no_failure"
    assert bad.verdict == "refuted" and bad.counterexample["point"] == {"x": 0}
    assert bad.numbers["other"] == 1 and bad.numbers["s"]["verified"]


class _Signed:
    """An effect whose significance is decided by its own sign() (records the z it was asked with)."""

    def __init__(self, s):
        self.s, self.asked = s, []

    def sign(self, z):
        self.asked.append(z)
        return self.s


def _plain_ladder(signs, confirm, refute):
    held = sum(s > 0 for s in signs)
    rev = sum(s < 0 for s in signs)
    n = len(signs)
    if (held == n if confirm == "all" else 2 * held > n) and not rev:
        return "confirmed"
    if {"any": rev and not held, "all": rev == n, "majority": 2 * rev > n or (rev and not held)}[refute]:
        return "refuted"
    return "qualified" if held else "inconclusive"


@settings(max_examples=200, deadline=None)
@given(st.lists(st.sampled_from([-1, 0, 1]), min_size=1, max_size=5), st.sampled_from(["all", "majority"]),
       st.sampled_from(["any", "all", "majority"]))
def test_effect_ladder_matches_a_plain_reference(signs, confirm, refute):
    effects = {f"e{i}": _Signed(s) for i, s in enumerate(signs)}
    lad = effect_ladder(effects, 5.0, confirm=confirm, refute=refute)
    assert lad.verdict == _plain_ladder(signs, confirm, refute)
    assert all(e.asked == [5.0] for e in effects.values())  # significance came from the estimate itself


def test_effect_ladder_with_estimates_and_guards():
    pos, neg, zero = Estimate(1.0, 0.1, 10), Estimate(-1.0, 0.1, 10), Estimate(0.1, 0.1, 10)
    assert effect_ladder({"a": pos}, 5.0).verdict == "confirmed"
    assert effect_ladder({"a": pos}, 5.0, guards={"g": neg}).verdict == "qualified"
    assert effect_ladder({"a": neg}, 5.0).verdict == "refuted"
    assert effect_ladder({"a": zero}, 5.0).verdict == "inconclusive"
    assert effect_ladder({"a": pos, "b": neg}, 5.0, refute=lambda s: s["b"] < 0).verdict == "refuted"
    with pytest.raises(ValueError):
        effect_ladder({}, 5.0)
    with pytest.raises(ValueError):
        effect_ladder({"a": pos}, 5.0, confirm="most")


# ------------------------------------------------------------------ explore
def test_explore_exit_codes_json_and_budget(tmp_path, capsys):
    from paper_checks.cli import main

    out = tmp_path / "e.json"
    assert main(["explore", "gce18.eq11_k03", "--budget", "300", "--json", str(out), "--quiet"]) == 1
    text = capsys.readouterr().out
    assert "counterexample, verified in exact arithmetic" in text and "exact margin there" in text
    doc = json.loads(out.read_text())
    assert doc["result"]["verified"] and doc["result"]["evaluated"] <= 300 and "notes" in doc["result"]
    assert main(["explore", "gce18.eq7_bounds", "--budget", "200", "--quiet"]) == 0
    assert main(["explore", "gce18.eq11_k03", "--budget", "300", "--set", "c=5..8", "--set", "q=0.2..0.5",
                 "--quiet", "--json", str(out)]) == 0
    doc = json.loads(out.read_text())
    assert doc["overrides"] == {"c": "5..8", "q": "0.2..0.5"} and doc["result"]["outcome"] == "no_failure"
    capsys.readouterr()
    for bad in (["--set", "z=1..2"], ["--set", "c=a..3"], ["--set", "q=0.7..0.2"], ["--set", "c=1..20"],
                ["--set", "q=0.5..2"], ["--set", "c"], ["--budget", "5"]):
        assert main(["explore", "gce18.eq11_k03", *bad]) == 2
        err = capsys.readouterr().err
        assert err.startswith("error: ") and err.count("\n") == 1


# ---------------------------------------------------------------- bounded memory and early stops (issue 18)

def test_scores_keep_exactly_the_worst_points_of_a_plain_sort():
    gen = np.random.default_rng(3)
    margins = [float(x) for x in gen.normal(size=3000).round(2)]  # ties included
    plain = sorted([(m, i, {"i": i}) for i, m in enumerate(margins)], key=lambda t: t[0])
    everything = scores_module.Scores()
    bounded = scores_module.Scores(keep=50, median_keep=100)
    for i, m in enumerate(margins):
        everything.add(m, i, {"i": i})
        bounded.add(m, i, {"i": i})
    assert everything.sorted() == plain and bounded.sorted() == plain[:50]
    assert everything.failing == bounded.failing == sum(m < 0 for m in margins)
    assert len(bounded.abs_margins) == 100 and sorted(everything.abs_margins) == sorted(abs(m) for m in margins)


@pytest.mark.slow
def test_search_memory_is_bounded_for_any_budget(monkeypatch):
    import tracemalloc

    monkeypatch.setattr(scores_module, "KEEP", 200)
    monkeypatch.setattr(scores_module, "MEDIAN_KEEP", 200)
    space = SearchSpace((Real("x", 0, 1), Real("y", 0, 1)), lambda pt: pt["x"] + pt["y"] + 0.1)
    peaks = []
    for budget in (3000, 30000):
        tracemalloc.start()
        res = search(space, budget, np.random.default_rng(0))
        peaks.append(tracemalloc.get_traced_memory()[1])
        tracemalloc.stop()
        assert res.outcome == "no_failure" and res.evaluated <= budget
    assert peaks[1] < 1.5 * peaks[0] + 200_000  # ten times the evaluations, not ten times the memory


@pytest.mark.slow  # about 1 s or more: out of README's quick command, in CI's slow run
def test_a_timed_out_search_returns_its_best_so_far():
    space = SearchSpace((Real("x", 0, 1),), lambda pt: pt["x"] - 0.5, lambda pt: pt["x"] - sympy.Rational(1, 2))
    res = search(space, 10**12, np.random.default_rng(0), time_limit=0.5)
    assert res.stopped == "timed out after 0.5 s" and 0 < res.evaluated < 10**12
    assert res.verified and res.counterexample["x"] < sympy.Rational(1, 2)  # the worst points are still verified
    assert res.to_json()["stopped"] == "timed out after 0.5 s"
    assert any("stopped early" in n for n in res.notes)
    with pytest.raises(ValueError, match="time_limit"):
        search(space, 100, np.random.default_rng(0), time_limit=0)


def test_ctrl_c_returns_the_best_so_far_only_when_asked():
    calls = [0]

    def margin(pt):
        calls[0] += 1
        if calls[0] == 500:
            raise KeyboardInterrupt
        return pt["x"] - 0.25

    space = SearchSpace((Real("x", 0, 1),), margin)
    res = search(space, 10**6, np.random.default_rng(0), interruptible=True)
    assert res.stopped == "interrupted" and res.stop_signal == 2 and res.evaluated == 500
    assert res.outcome == "unverified" and res.worst_margin < 0 and not res.verified
    calls[0] = 0
    with pytest.raises(KeyboardInterrupt):  # a check's search lets Ctrl-C through
        search(space, 10**6, np.random.default_rng(0))


@pytest.mark.slow
def test_explore_stops_on_ctrl_c_and_on_its_time_limit(tmp_path):
    import functools
    import os
    import signal
    import threading
    import time

    root = Path(__file__).resolve().parents[3]
    env = {**os.environ, "PYTHONPATH": str(root)}
    cmd = [sys.executable, "-m", "paper_checks", "explore", "gce18.eq7_bounds", "--budget", str(10**12), "--quiet"]
    p = subprocess.run([*cmd, "--timeout", "2", "--json", str(tmp_path / "e.json")], capture_output=True, text=True,
                       env=env, timeout=120)
    assert p.returncode in (0, 1), p.stderr
    assert "stopped early: timed out after 2 s" in p.stderr and "Traceback" not in p.stderr
    assert json.loads((tmp_path / "e.json").read_text())["result"]["stopped"] == "timed out after 2 s"
    q = subprocess.Popen(cmd[:-1], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env,
                         preexec_fn=functools.partial(signal.signal, signal.SIGINT, signal.SIG_DFL))
    seen = []
    reader = threading.Thread(target=lambda: seen.append(q.stderr.read(40)))  # the progress bar: the search runs
    reader.start()
    reader.join(60)
    time.sleep(1)
    q.send_signal(signal.SIGINT)
    out, err = q.communicate(timeout=60)
    err = seen[0] + err
    assert "exploring" in seen[0] and q.returncode == 130, err
    assert "worst case found" in out and "stopped early: interrupted" in err
    assert "Traceback" not in err


def test_explore_budget_and_timeout_are_read_safely(capsys):
    from paper_checks.cli import main

    for argv in (["explore", "gce18.eq7_bounds", "--budget", "10**12"],
                 ["explore", "gce18.eq7_bounds", "--timeout", "-1"],
                 ["explore", "gce18.eq7_bounds", "--json", __file__ + "/dir/x.json"]):
        assert main(argv) == 2
        err = capsys.readouterr().err
        assert err.startswith("error:") and len(err.strip().splitlines()) == 1 and "Traceback" not in err


@pytest.mark.slow
def test_a_search_stopped_early_with_nothing_found_is_not_confirmed():
    """Only the whole budget confirms: a search cut short by its time limit leaves the claim inconclusive."""
    space = SearchSpace((Real("x", 0, 1),), lambda pt: pt["x"] + 1)
    res = search(space, 10**12, np.random.default_rng(0), time_limit=0.3)
    ev = Evidence.from_search(res, fails="x + 1 < 0", holds="no x with x + 1 < 0")
    assert ev.verdict == "inconclusive" and "stopped early (timed out after 0.3 s)" in ev.summary
    full = Evidence.from_search(search(space, 200, np.random.default_rng(0)), fails="f", holds="no x with x + 1 < 0")
    assert full.verdict == "confirmed"


@pytest.mark.slow  # about 1 s or more: out of README's quick command, in CI's slow run
def test_a_timed_search_is_bounded_whole_even_when_its_exact_verification_runs_away(monkeypatch):
    """The time limit stops the sampling; an alarm :func:`runaway_grace` later stops the exact verification
    after it (the API's ``explore(timeout=)`` and the command line's alike)."""
    import time

    from paper_checks.search import loop as search_module

    def never_returns(p):
        while True:
            time.sleep(0.01)

    space = SearchSpace((Real("x", 0, 1),), lambda p: p["x"] - 0.5, never_returns, description="x - 1/2")
    monkeypatch.setattr(search_module, "RUNAWAY_GRACE", 0.5)
    t0 = time.monotonic()
    res = search(space, 10**9, rng(), time_limit=0.5)
    assert time.monotonic() - t0 < 60  # without the alarm it never returns: a loaded machine cannot make this fail
    assert res.stopped == "timed out after 1 s" and res.outcome != "counterexample" and not res.verified
