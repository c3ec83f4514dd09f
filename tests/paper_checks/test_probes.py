"""Probes of every door (command line, pytest plugin, API) with the inputs that once got through: each was a
traceback, a silent clip or a false verdict before, and is a one-line error or a correct answer now."""
from __future__ import annotations

import math
import subprocess
import sys
from pathlib import Path

import pytest

from paper_checks.run.deadline import MAX_SECONDS, limit_seconds, limit_text

ROOT = Path(__file__).resolve().parents[2]


def _cli(*args: str, cwd: Path = ROOT, timeout: float = 300) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "paper_checks", *args], cwd=cwd, capture_output=True, text=True,
                          timeout=timeout)


# ----------------------------------------------------------------------------- time limits: one type
@pytest.mark.parametrize("bad", [0, -1, 1e9, 1e308, math.inf, -math.inf, math.nan, 10**400, MAX_SECONDS * 1.0001])
def test_a_time_limit_out_of_range_is_one_line(bad):
    with pytest.raises(ValueError, match=r"^timeout must be a finite, positive number of seconds up to 1e\+06") as info:
        limit_seconds("timeout", bad)
    assert "\n" not in str(info.value) and len(str(info.value)) < 200


@pytest.mark.parametrize("bad", ["3", True, None, [1], b"1"])
def test_a_time_limit_not_a_number_is_one_line(bad):
    with pytest.raises(TypeError, match="timeout must be a number of seconds"):
        limit_seconds("timeout", bad)


def test_time_limits_in_range_and_no_limit_words():
    assert limit_seconds("t", 1) == 1.0 and limit_seconds("t", MAX_SECONDS) == MAX_SECONDS
    assert limit_text("--t", "0") is None and limit_text("--t", " None ") is None and limit_text("--t", "2.5") == 2.5
    with pytest.raises(ValueError, match="got '0'"):
        limit_text("--t", "0", no_limit=False)
    with pytest.raises(ValueError, match="1002 characters"):  # a huge value is quoted shortened
        limit_text("--t", "9" * 1000)


@pytest.mark.parametrize("args", [
    ("run", "--claim", "ghosh17.sum_mae", "--timeout", "1e9"),
    ("run", "--claim", "ghosh17.sum_mae", "--timeout", "1e308"),
    ("loss", "1-p", "--timeout", "1e308"),
    ("loss", "--margin", "hinge", "--timeout", "inf"),
    ("losses", "--timeout", "nan"),
    ("explore", "gce18.eq11_k02", "--prove", "--prove-seconds", "1e300"),
])
def test_a_huge_or_infinite_time_limit_is_a_usage_error(args):
    """Before: an OverflowError traceback (run), or exit 0 with every property "undecided: untraceable" (loss)."""
    out = _cli(*args)
    assert out.returncode == 2, out.stderr[-2000:]
    assert out.stderr.count("\n") == 1 and "number of seconds" in out.stderr and "Traceback" not in out.stderr


def test_the_plugin_refuses_a_huge_claims_timeout(tmp_path):
    """Before: every claim failed with about 1,050 lines of OverflowError."""
    (tmp_path / "my_claims.py").write_text("")
    out = subprocess.run([sys.executable, "-m", "pytest", "-p", "no:cacheprovider", "--claims",
                          str(tmp_path / "my_claims.py"), "--claims-timeout", "1e7"], cwd=tmp_path,
                         capture_output=True, text=True, timeout=300)
    assert out.returncode != 0 and "--claims-timeout: must be a finite, positive number of seconds" in out.stderr
    assert "Traceback" not in out.stderr + out.stdout


@pytest.mark.parametrize("call", [
    lambda api: api.margin_trial("hinge", math.inf),
    lambda api: api.margin_trial("hinge", 1e308),
    lambda api: api.check("gce18.eq7_bounds", timeout=1e308),
    lambda api: api.run(["gce18.eq7_bounds"], timeout=1e9),
])
def test_the_api_refuses_a_huge_time_limit(call):
    from paper_checks import api

    with pytest.raises(ValueError, match="finite, positive number of seconds up to") as info:
        call(api)
    assert "\n" not in str(info.value)


def test_the_loss_trial_refuses_a_huge_time_limit():
    from paper_checks.trials import simplex
    from theory import losses as zoo

    with pytest.raises(ValueError, match="timeout must be a finite, positive number of seconds up to"):
        simplex.trial(zoo.loss("1-p"), [2], timeout=1e308)
