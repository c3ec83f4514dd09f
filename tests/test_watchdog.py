"""The test watchdog is pytest-timeout's (issue 58): a hung test ends with every thread's stack, at the same
900 s limit the hand-written one had, by a thread rather than by ``SIGALRM`` (which paper_checks.deadline owns)."""
from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

import pytest


def test_the_watchdog_is_pytest_timeout_at_900_s_on_a_thread(request: pytest.FixtureRequest) -> None:
    assert request.config.pluginmanager.hasplugin("timeout")
    assert float(request.config.getini("timeout")) == 900.0
    assert request.config.getini("timeout_method") == "thread"


@pytest.mark.slow
def test_a_hung_test_is_ended_with_its_stack(tmp_path: Path) -> None:
    """A test that never returns ends the run with the place it hung (the stack names the function)."""
    (tmp_path / "test_hang.py").write_text(textwrap.dedent("""
        import threading

        def test_hangs_forever():
            threading.Event().wait()
    """))
    p = subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-p", "no:xdist",
                        "--timeout=1", "--timeout-method=thread", str(tmp_path / "test_hang.py")],
                       capture_output=True, text=True, timeout=300, cwd=tmp_path)
    out = p.stdout + p.stderr
    assert p.returncode != 0 and "Timeout" in out and "test_hangs_forever" in out, out[-2000:]
