"""tests/quick_rule.py: a quick test over the rule is named in the summary, over the failing limit fails the run, and a
slow one is not measured (each in a child pytest, without the installed plugins, with limits small enough to cross
cheaply)."""
from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]

BURNING = '''
import pytest

def _burn():
    import time
    start = time.process_time()
    while time.process_time() - start < 0.3:
        pass

def test_burns():
    _burn()

@pytest.mark.slow
def test_burns_slowly():
    _burn()

def test_quick():
    pass
'''


def _run(tmp_path: Path, *ini: str, enforce: str = "enforce") -> subprocess.CompletedProcess[str]:
    (tmp_path / "test_burning.py").write_text(BURNING)
    args = [sys.executable, "-m", "pytest", "-p", "tests.quick_rule", "-p", "no:cacheprovider", "-q",
            "-m", "slow or not slow", "--rootdir", str(tmp_path), "-c", "/dev/null",
            "-o", "markers=slow", *(a for o in ini for a in ("-o", o)), str(tmp_path / "test_burning.py")]
    # no xdist, hypothesis or --claims: a cheap child; enforce as .ci/run does, or not
    env = dict(os.environ, PYTEST_DISABLE_PLUGIN_AUTOLOAD="1", LNL_QUICK_RULE=enforce)
    return subprocess.run(args, cwd=ROOT, env=env, capture_output=True, text=True, timeout=120)


@pytest.mark.parametrize("fail, code", [("quick_fail_seconds=100", 0), ("quick_fail_seconds=0.2", 1)])
def test_a_quick_test_over_the_rule_is_named_and_over_the_limit_fails_the_run(tmp_path, fail, code):
    res = _run(tmp_path, "quick_rule_seconds=0.2", fail)
    assert res.returncode == code, res.stdout + res.stderr
    assert "quick tests over the rule" in res.stdout
    assert re.search(r"CPU-s +\S*test_burning.py::test_burns\b(?!_)", res.stdout), res.stdout
    assert "test_burns_slowly" not in res.stdout and "test_quick" not in res.stdout
    assert ("over the failing limit" in res.stdout) == bool(code)


def test_outside_ci_the_rule_is_said_on_request_and_never_fails_the_run(tmp_path):
    res = _run(tmp_path, "quick_rule_seconds=0.2", "quick_fail_seconds=0.2", enforce="report")
    assert res.returncode == 0 and "over the failing limit" in res.stdout, res.stdout


def test_a_users_run_says_nothing_of_the_rule(tmp_path):
    """README's command without LNL_QUICK_RULE: the suite's own bookkeeping stays out of the user's output
    (issue 67)."""
    res = _run(tmp_path, "quick_rule_seconds=0.2", "quick_fail_seconds=0.2", enforce="")
    assert res.returncode == 0 and "over the rule" not in res.stdout, res.stdout


def test_a_suite_within_the_rule_says_nothing(tmp_path):
    res = _run(tmp_path, "quick_rule_seconds=100")
    assert res.returncode == 0 and "over the rule" not in res.stdout, res.stdout
