"""``ruff check`` over the whole tree (configuration in pyproject.toml): CI fails on any finding."""
from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
TREE = ("theory", "simulate", "paper_checks", "figures", "tests", "benchmarks", "examples", "docs")


def _ruff() -> list[str] | None:
    exe = shutil.which("ruff")
    if exe:
        return [exe]
    try:
        import ruff  # noqa: F401
    except ImportError:
        return None
    return [sys.executable, "-m", "ruff"]


def test_ruff_check_is_clean():
    ruff = _ruff()
    if ruff is None:
        pytest.skip("ruff is not installed (pip install -e '.[test]')")
    paths = [p for p in TREE if (ROOT / p).exists()]
    proc = subprocess.run([*ruff, "check", "--no-cache", *paths], cwd=ROOT, capture_output=True, text=True)
    assert proc.returncode == 0, f"ruff check reported:\n{proc.stdout}{proc.stderr}"
