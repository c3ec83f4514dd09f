"""Wall time of ``python -m paper_checks`` at its default precision (with its figures, and without) and of
README's test command.

Targets (issue 27): the default run, figures included, within 90 s on a quiet run of the 2-core development
machine; README's test command (``python -m pytest -n auto``, the slow regression tests left out) within
3 minutes. Printed as ratios of the target. ``--out DIR`` runs into DIR, so that a second call starts the
longest claims first (timed by the first call's report), as the default run into ``reports/`` does.
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
    ap.add_argument("--skip-run", action="store_true")
    ap.add_argument("--out", default=None, help="report folder (default: a fresh temporary one)")
    a = ap.parse_args()
    if not a.skip_run:
        with tempfile.TemporaryDirectory() as d:
            out = a.out or d
            t, rc = timed([sys.executable, "-m", "paper_checks", "run", "--quiet", "--out", out])
            print(f"python -m paper_checks (standard, figures): {t:.1f} s = {t / 90:.2f} of the 90 s target "
                  f"(exit {rc})")
            t, rc = timed([sys.executable, "-m", "paper_checks", "run", "--quiet", "--no-figures", "--out", out])
            print(f"python -m paper_checks --no-figures: {t:.1f} s (exit {rc})")
    if not a.skip_tests:
        t, rc = timed([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-n", "auto"])
        print(f"python -m pytest -n auto: {t:.1f} s = {t / 180:.2f} of the 180 s target (exit {rc})")


if __name__ == "__main__":
    main()
