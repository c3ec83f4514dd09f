"""Wall time of ``python -m paper_checks`` at its default precision and of the test suite.

Targets (issue 2): the runner within 3 minutes and the tests within 5 on the 2-core
development machine. Printed as ratios of the target.
"""
from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
import time


def timed(cmd: list[str]) -> tuple[float, int]:
    t = time.perf_counter()
    p = subprocess.run(cmd, capture_output=True, text=True)
    return time.perf_counter() - t, p.returncode


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--skip-tests", action="store_true")
    a = ap.parse_args()
    with tempfile.TemporaryDirectory() as d:
        t, rc = timed([sys.executable, "-m", "paper_checks", "run", "--quiet", "--out", d])
    print(f"python -m paper_checks (standard): {t:.1f} s = {t / 180:.2f} of the 180 s target (exit {rc})")
    if not a.skip_tests:
        t, rc = timed([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider"])
        print(f"pytest: {t:.1f} s = {t / 300:.2f} of the 300 s target (exit {rc})")


if __name__ == "__main__":
    main()
