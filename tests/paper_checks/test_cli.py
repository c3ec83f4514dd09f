import json
import subprocess
import sys

import pytest

from paper_checks.cli import main
from paper_checks.context import Context, claim_seed
from paper_checks.evidence import Evidence, jsonable


def test_usage_errors_exit_2_with_one_line(capsys):
    for argv in (["run", "--claim", "nope.nothing"], ["run", "--paper", "zzz"], ["run", "--backend", "tpu"],
                 ["run", "--precision", "huge"], ["explore", "nope.nothing"], ["frobnicate"]):
        assert main(argv) == 2
        err = capsys.readouterr().err
        assert err.startswith("error:") and len(err.strip().splitlines()) == 1 and "Traceback" not in err


def test_subprocess_usage_error_has_no_traceback():
    p = subprocess.run([sys.executable, "-m", "paper_checks", "run", "--claim", "bogus.id"],
                       capture_output=True, text=True)
    assert p.returncode == 2
    assert "unknown claim id 'bogus.id'" in p.stderr and "Traceback" not in p.stderr


def test_list_shows_claims(capsys):
    assert main(["list"]) == 0
    out = capsys.readouterr().out
    assert "gce18.eq7_bounds" in out and "ghosh17.sum_mae" in out


def test_run_one_claim_writes_schema(tmp_path, capsys):
    code = main(["run", "--claim", "ghosh17.sum_mae", "--precision", "quick", "--out", str(tmp_path), "--quiet",
                 "--json", str(tmp_path / "r.json")])
    doc = json.loads((tmp_path / "r.json").read_text())
    assert code == (0 if doc["claims"][0]["verdict"] == doc["claims"][0]["expected"] else 1)
    assert doc["schema"] == 1 and doc["precision"] == "quick" and doc["backend"] == "numpy"
    c = doc["claims"][0]
    for key in ("id", "paper", "source", "statement", "method", "verdict", "expected", "summary", "numbers",
                "counterexample", "figures", "seconds"):
        assert key in c
    assert not (tmp_path / "report.md").exists()  # --json alone rewrites no other report
    assert "ghosh17.sum_mae" in capsys.readouterr().out


def test_explore_runs(capsys):
    assert main(["explore", "gce18.eq7_bounds", "--budget", "60"]) == 0
    out = capsys.readouterr().out
    assert "worst case found" in out


def test_claim_streams_are_independent_of_order():
    a = Context("x.a", seed=1).rng().random()
    b = Context("x.a", seed=1).rng().random()
    c = Context("x.b", seed=1).rng().random()
    assert a == b and a != c
    assert claim_seed(0, "x").entropy != claim_seed(1, "x").entropy


def test_context_and_evidence_validation():
    with pytest.raises(ValueError, match="precision"):
        Context("x", precision="fast")
    with pytest.raises(ValueError, match="verdict"):
        Evidence("true", "symbolic", "s")
    with pytest.raises(ValueError, match="counterexample"):
        Evidence("refuted", "search", "s")
    with pytest.raises(ValueError, match="condition"):
        Evidence("qualified", "exact", "s")
    assert jsonable({"a": (1, 2.5, float("inf"))}) == {"a": [1, 2.5, "inf"]}
