"""The two loss tables, timed: ``python -m paper_checks losses`` (standard precision, c = 2..10) and
``losses --kind margin`` together against their 60-second target (wall clock and the child processes' CPU
seconds, which a loaded machine does not inflate), each loss's share, and Taylor CE of order 100 (every
property within the default limit of 10 s). Writes the "Loss trial" section of ``RESULTS.md`` (between
``<!-- losses:start -->`` and ``<!-- losses:end -->``).
"""
from __future__ import annotations

import json
import os
import resource
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
    from label_noise_lab.theory.losses import default_losses

    # counted, not written down: a new row changes the table
    from label_noise_lab.theory.margin import ZOO as MARGIN_ZOO
    from paper_checks.trials.simplex import trial

    timings = {}
    for label, args in (("simplex", ["losses"]), ("margin", ["losses", "--kind", "margin"]),
                        ("taylor100", ["losses", "--loss", "taylor:t=100"])):
        with tempfile.TemporaryDirectory() as d:
            cpu0 = resource.getrusage(resource.RUSAGE_CHILDREN).ru_utime
            t = time.perf_counter()
            p = subprocess.run([sys.executable, "-m", "paper_checks", *args, "--json", str(Path(d) / "t.json")],
                               cwd=ROOT, capture_output=True, text=True)
            timings[label] = (time.perf_counter() - t, resource.getrusage(resource.RUSAGE_CHILDREN).ru_utime - cpu0)
            if p.returncode != 0:
                raise SystemExit(f"python -m paper_checks {' '.join(args)} failed:\n{p.stderr[-2000:]}")
            left = [k for loss in json.loads((Path(d) / "t.json").read_text())["losses"]
                    for k, v in loss["properties"].items() if v["undecided"]] if label == "taylor100" else []
            if left:
                raise SystemExit(f"taylor:t=100 left {', '.join(left)} undecided")
    wall = timings["simplex"][0] + timings["margin"][0]
    cpu = timings["simplex"][1] + timings["margin"][1]
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
        f"| `losses` + `losses --kind margin` ({len(default_losses())} zoo losses at c = 2..10, standard; "
        f"{len(MARGIN_ZOO)} margin losses; whole "
        f"commands) | 60 s target | {wall:.1f} s wall ({timings['simplex'][0]:.1f} + {timings['margin'][0]:.1f}), "
        f"{cpu:.1f} s CPU = **{wall / TARGET:.2f}** of target | <= 1 |",
        f"| `losses --loss taylor:t=100` (every property decided) | 10 s a property | {timings['taylor100'][0]:.1f} s "
        f"wall, {timings['taylor100'][1]:.1f} s CPU for all 7 | each <= 10 s |", "",
        "Slowest losses (in-process): " + ", ".join(f"{n} {s:.1f} s" for n, s in per[:4]) + ".", END])
    print(text)
    print(f"wrote {write_section(text, START, END)}")


if __name__ == "__main__":
    main()
