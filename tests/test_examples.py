"""The worked example of docs/extending.md, run as a user would: a claims file outside the package
(copied outside the repository), through the command line, with nothing in the package touched."""
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE = ROOT / "examples" / "ma20_claims.py"


def _cli(args, cwd, env=None, module="paper_checks"):
    env = {**os.environ, "PYTHONPATH": str(ROOT), **(env or {})}
    return subprocess.run([sys.executable, "-m", module, *args], cwd=cwd, env=env, capture_output=True, text=True,
                          timeout=600)


@pytest.fixture(scope="module")
def outside(tmp_path_factory):
    """The example file in a directory outside the repository, and a report of its claims."""
    d = tmp_path_factory.mktemp("user_project")
    shutil.copy(EXAMPLE, d / "my_claims.py")
    p = _cli(["run", "--module", "my_claims.py", "--paper", "ma20", "--precision", "quick", "--json", "r.json",
              "--quiet"], d)
    assert p.returncode == 0, p.stderr
    return d, json.loads((d / "r.json").read_text()), p.stdout


@pytest.mark.slow
def test_claims_file_runs_with_module_and_lands_in_the_json_report(outside):
    d, doc, out = outside
    got = {c["id"]: c["verdict"] for c in doc["claims"]}
    assert got == {"ma20.normalized_symmetric": "proved", "ma20.nce_decreasing": "refuted",
                   "ma20.nce_uniform_noise": "confirmed"}
    assert all(c["verdict"] == c["expected"] for c in doc["claims"])
    assert "Normalized Loss Functions" in doc["bibliography"]["ma20"]
    ce = next(c for c in doc["claims"] if c["id"] == "ma20.nce_decreasing")["counterexample"]
    assert ce and "p" in json.dumps(ce)
    assert "3/3 as expected" in out


@pytest.mark.slow
def test_claims_file_appears_in_list_and_show(outside):
    d, _, _ = outside
    p = _cli(["list", "--module", "my_claims.py", "--paper", "ma20", "--short", "--report", "r.json"], d)
    assert p.returncode == 0, p.stderr
    assert "ma20.nce_decreasing" in p.stdout and "[explorable]" in p.stdout and "3 of " in p.stdout
    p = _cli(["show", "ma20.nce_uniform_noise", "--module", "my_claims.py", "--report", "r.json"], d)
    assert p.returncode == 0 and "Ma, H. Huang" in p.stdout and "last verdict: confirmed" in p.stdout


@pytest.mark.slow  # about 1 s or more: out of README's quick command, in CI's slow run
def test_claims_file_can_be_explored(outside):
    d, _, _ = outside
    p = _cli(["explore", "ma20.nce_decreasing", "--module", "my_claims.py", "--budget", "2000", "--quiet",
              "--json", "x.json"], d)
    assert p.returncode == 1, p.stderr  # 1: a verified counterexample
    res = json.loads((d / "x.json").read_text())
    assert res["result"]["outcome"] == "counterexample" and res["result"]["verified"]


@pytest.mark.slow
def test_claims_file_on_two_workers_and_its_figure(outside):
    d, doc, _ = outside
    p = _cli(["run", "--module", "my_claims.py", "--paper", "ma20", "--precision", "quick", "--json", "r2.json",
              "--quiet", "--jobs", "2"], d)
    assert p.returncode == 0, p.stderr
    two = json.loads((d / "r2.json").read_text())
    strip = lambda doc: [{k: v for k, v in c.items() if k != "seconds"} for c in doc["claims"]]  # noqa: E731
    assert strip(two) == strip(doc)
    p = _cli(["--module", "my_claims.py", "--only", "ma20_nce_paths", "--out", "figs", "--precision", "quick"], d,
             module="label_noise_lab.figures")
    assert p.returncode == 0, p.stderr
    assert (d / "figs" / "ma20_nce_paths.png").stat().st_size > 1000
    assert "nce" in (d / "figs" / "ma20_nce_paths.csv").read_text().splitlines()[0]


@pytest.mark.slow
def test_pytest_regression_picks_claims_up_from_the_environment(outside):
    d, _, _ = outside
    p = subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-m", "slow", "-k", "ma20",
                        str(ROOT / "tests" / "paper_checks" / "test_claims.py")],
                       cwd=ROOT, env={**os.environ, "PYTHONPATH": str(ROOT), "LNL_CLAIMS": str(d / "my_claims.py")},
                       capture_output=True, text=True, timeout=600)
    assert p.returncode == 0, p.stdout[-2000:]
    assert "3 passed" in p.stdout


@pytest.mark.parametrize("bad, message", [
    ("missing.py", "no such file"),
    ("broken.py", "failed to import: ZeroDivisionError"),
    ("undeclared.py", "paper 'nopaper' is not declared"),
])
@pytest.mark.slow
def test_a_bad_claims_file_is_one_line_and_exit_2(tmp_path, bad, message):
    (tmp_path / "broken.py").write_text("x = 1 / 0\n")
    (tmp_path / "undeclared.py").write_text(
        "from paper_checks.registry import claim\n"
        "@claim('nopaper.x', source='s', statement='t', expected='proved', method='symbolic')\n"
        "def check(ctx):\n    pass\n")
    p = _cli(["list", "--module", bad], tmp_path)
    assert p.returncode == 2
    assert message in p.stderr and len(p.stderr.strip().splitlines()) == 1 and "Traceback" not in p.stderr
