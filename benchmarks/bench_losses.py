"""The loss trial of the whole zoo, timed: ``python -m paper_checks losses`` (standard precision,
c = 2..10) against its 60-second target, and each loss's share. Writes the "Loss trial" section of
``RESULTS.md`` (between ``<!-- losses:start -->`` and ``<!-- losses:end -->``).
"""
from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

ROOT = Path(__file__).resolve().parents[1]
START, END = "<!-- losses:start -->", "<!-- losses:end -->"
TARGET = 60.0


def main() -> None:
    from benchmarks._timing import write_section
    from paper_checks.trials.simplex import trial
    from theory.losses import default_losses

    with tempfile.TemporaryDirectory() as d:
        t = time.perf_counter()
        p = subprocess.run([sys.executable, "-m", "paper_checks", "losses", "--json", str(Path(d) / "zoo.json")],
                           cwd=ROOT, capture_output=True, text=True)
        wall = time.perf_counter() - t
    if p.returncode != 0:
        raise SystemExit(f"python -m paper_checks losses failed:\n{p.stderr[-2000:]}")
    per = []
    for defn in default_losses():
        t = time.perf_counter()
        trial(defn, range(2, 11), precision="standard")
        per.append((defn.title(), time.perf_counter() - t))
    per.sort(key=lambda x: -x[1])
    load = os.getloadavg()[0]
    text = "\n".join([
        START, "## Loss trial (`bench_losses.py`)", "",
        f"Recorded {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())} on {os.cpu_count()} cores; "
        f"load average {load:.1f}.", "",
        "| benchmark | baseline | result | target |", "|---|---|---|---|",
        f"| `python -m paper_checks losses` (18 zoo losses, c = 2..10, standard; whole command) | 60 s target | "
        f"{wall:.1f} s = **{wall / TARGET:.2f}** of target | <= 1 |", "",
        "Slowest losses (in-process): " + ", ".join(f"{n} {s:.1f} s" for n, s in per[:4]) + ".", END])
    print(text)
    print(f"wrote {write_section(text, START, END)}")


if __name__ == "__main__":
    main()
