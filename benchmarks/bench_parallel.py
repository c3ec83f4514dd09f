"""Scaling across workers, measured: writes the "Parallel scaling" section of ``RESULTS.md``.

1. ``python -m paper_checks`` (standard precision, seed 0) with ``--jobs 1`` and then
   ``--jobs 2`` in one session, the second ordered longest first by the first's timings;
   the two reports must agree in everything but the timings.
2. A 10^9-sample Monte Carlo estimate (the noisy L_q risk of ``bench_mc_memory.py``) on a
   local Dask cluster of 1 and of 2 single-threaded workers; the two estimates must be equal
   to the last bit (chunk streams are addressed by index, ``simulate/engine/parallel.py``).
3. How time grows with the number of samples, the search budget and the number of classes,
   each with the exponent of a least-squares fit of log time on log size.

Times are wall-clock seconds on whatever machine runs this; the ratios (2 workers / 1
worker) are what carry over. The host's load average is recorded with them.
"""
from __future__ import annotations

import argparse
import functools
import json
import os
import platform
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from benchmarks._timing import best_of, write_section  # noqa: E402
from label_noise_lab.simulate.engine.parallel import mc_mean_chunked  # noqa: E402
from label_noise_lab.simulate.noise import random_transition, sample_noisy_labels, uniform_noise  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
START, END = "<!-- parallel:start -->", "<!-- parallel:end -->"


def _risk_draw(table: np.ndarray, T, rng: np.random.Generator, m: int) -> np.ndarray:
    """Per-sample L_q loss of a fixed prediction whose clean label is 0, under the noise ``T``."""
    return table[sample_noisy_labels(np.zeros(m, dtype=np.int64), T, rng)]


def risk_problem(c: int = 10, q: float = 0.7, eta: float = 0.4, dense: bool = False):
    """``(draw, exact)`` for the noisy L_q risk of one fixed prediction (as in bench_mc_memory.py)."""
    rng = np.random.default_rng(0)
    T = random_transition(c, rng) if dense else uniform_noise(c, eta)
    f = rng.dirichlet(np.ones(c))
    per_label = (1 - f**q) / q
    return functools.partial(_risk_draw, per_label, T), float(T.matrix[0] @ per_label)


def _strip(doc: dict) -> dict:
    """The report without what differs between any two runs: timings and the run's own provenance."""
    for c in doc["claims"]:
        c.pop("seconds", None)
    for key in ("run_id", "date", "wall_seconds", "command"):
        doc.get("provenance", {}).pop(key, None)
    return doc


def bench_runner(precision: str) -> list[str]:
    with tempfile.TemporaryDirectory() as d:
        d1, d2 = Path(d) / "j1", Path(d) / "j2"
        times = {}
        for jobs, out in ((1, d1), (2, d2)):
            if jobs == 2:  # ordered longest first by the serial run's timings
                d2.mkdir()
                shutil.copy(d1 / "report.json", d2 / "report.json")
            t = time.perf_counter()
            p = subprocess.run([sys.executable, "-m", "paper_checks", "run", "--precision", precision, "--quiet",
                                "--seed", "0", "--jobs", str(jobs), "--out", str(out)],
                               cwd=ROOT, capture_output=True, text=True)
            times[jobs] = time.perf_counter() - t
            if p.returncode not in (0, 1):
                raise SystemExit(f"paper_checks --jobs {jobs} failed:\n{p.stderr[-2000:]}")
            print(f"  --jobs {jobs}: {times[jobs]:.1f} s", flush=True)
        a, b = (json.loads((x / "report.json").read_text()) for x in (d1, d2))
        secs = sorted((c["seconds"], c["id"]) for c in a["claims"])[::-1]
        same = _strip(a) == _strip(b)
    n = len(a["claims"])
    longest = ", ".join(f"`{i}` {s:.1f} s" for s, i in secs[:3])
    total = sum(s for s, _ in secs)
    return [
        f"| `python -m paper_checks` ({precision}, seed 0, {n} claims) | `--jobs 1`: {times[1]:.1f} s "
        f"| `--jobs 2`: {times[2]:.1f} s = **{times[2] / times[1]:.2f}x** | <= 0.6 |",
        f"| same reports apart from `seconds` | | **{'identical' if same else 'DIFFERENT'}** | identical |",
        "",
        f"The claims' own times add up to {total:.1f} s (serial run); the longest are {longest}. "
        f"No schedule on 2 workers can beat max(longest claim, half the total) = "
        f"{max(secs[0][0], total / 2):.1f} s plus start-up.",
    ]


def bench_dask_mc(n: int, chunk: int) -> list[str]:
    from distributed import Client, LocalCluster

    draw, exact = risk_problem()
    times, ests = {}, {}
    for workers in (1, 2):
        with LocalCluster(n_workers=workers, threads_per_worker=1, processes=True, dashboard_address=None) as cl, \
                Client(cl) as client:
            ex = client.get_executor()
            mc_mean_chunked(draw, 2 * chunk, 0, chunk=chunk, executor=ex, tasks=2 * workers)  # warm the workers
            times[workers] = float("inf")
            for _ in range(2):  # best of two, as the other timings (benchmarks/_timing.py)
                t = time.perf_counter()
                ests[workers] = mc_mean_chunked(draw, n, 1, chunk=chunk, executor=ex)
                times[workers] = min(times[workers], time.perf_counter() - t)
        e = ests[workers]
        print(f"  {workers} worker(s): {times[workers]:.1f} s, estimate {e.mean!r} +- {e.stderr:.2e}", flush=True)
    e = ests[1]
    z = abs(e.mean - exact) / e.stderr
    return [
        f"| {n:.0e}-sample estimate, local Dask cluster (chunks of {chunk:.0e}) | 1 worker: {times[1]:.1f} s "
        f"({n / times[1] / 1e6:.0f} M/s) | 2 workers: {times[2]:.1f} s = **{times[2] / times[1]:.2f}x** | <= 0.6 |",
        f"| same estimate on 1 and 2 workers | {e.mean!r} ± {e.stderr:.1e} | **"
        f"{'bit-identical' if ests[1] == ests[2] else 'DIFFERENT'}** (exact {exact:.10f}, z = {z:.2f}) | identical |",
    ]


def _fit(xs: list[float], ts: list[float]) -> float:
    return float(np.polyfit(np.log(xs), np.log(ts), 1)[0])


def bench_scaling(quick: bool) -> list[str]:
    from paper_checks.papers.gce18.lq import eq7_space
    from paper_checks.search import search

    reps = 1 if quick else 2
    rows = ["| grows with | sizes | seconds | fitted exponent |", "|---|---|---|---|"]

    draw, _ = risk_problem()
    ns = [10**5, 3 * 10**5, 10**6] if quick else [10**6, 3 * 10**6, 10**7, 3 * 10**7]
    ts = [best_of(lambda n=n: mc_mean_chunked(draw, n, 0, chunk=10**6), reps) for n in ns]
    rows.append(f"| Monte Carlo samples (c = 10, 1 process) | {', '.join(f'{n:.0e}' for n in ns)} | "
                f"{', '.join(f'{t:.3f}' for t in ts)} | **{_fit(ns, ts):.2f}** |")
    print("  samples done", flush=True)

    space = eq7_space()
    search(space, 100, np.random.default_rng(0))  # warm-up: first calls compile and cache
    budgets = [250, 500, 1000] if quick else [500, 1000, 2000, 4000]
    ts = [best_of(lambda b=b: search(space, b, np.random.default_rng(0)), reps) for b in budgets]
    rows.append(f"| search budget (`gce18.eq7_bounds`' domain) | {', '.join(map(str, budgets))} | "
                f"{', '.join(f'{t:.3f}' for t in ts)} | **{_fit(budgets, ts):.2f}** |")
    print("  budgets done", flush=True)

    cs = [2, 8, 32, 128] if quick else [2, 8, 32, 128, 512]
    n = 10**5 if quick else 2 * 10**6
    ts = []
    for c in cs:
        d, _ = risk_problem(c=c, dense=True)
        ts.append(best_of(lambda d=d: mc_mean_chunked(d, n, 0, chunk=10**6), reps))
    rows.append(f"| classes c (dense random T, {n:.0e} samples) | {', '.join(map(str, cs))} | "
                f"{', '.join(f'{t:.3f}' for t in ts)} | **{_fit(cs, ts):.2f}** |")
    print("  classes done", flush=True)
    return rows


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--n", type=float, default=1e9, help="samples of the Dask estimate (default 1e9)")
    ap.add_argument("--chunk", type=int, default=2_000_000)
    ap.add_argument("--precision", default="standard")
    ap.add_argument("--skip-runner", action="store_true")
    ap.add_argument("--skip-dask", action="store_true")
    ap.add_argument("--quick", action="store_true", help="small sizes (a smoke test; the file is not written)")
    ap.add_argument("--note", default="", help="a sentence about the machine, added to the section")
    a = ap.parse_args()
    load0 = os.getloadavg()
    lines = ["| benchmark | baseline | result | target |", "|---|---|---|---|"]
    notes: list[str] = []
    if not a.skip_runner:
        print("runner, --jobs 1 then --jobs 2 ...", flush=True)
        r = bench_runner(a.precision)
        lines += r[:2]
        notes += r[3:]
    if not a.skip_dask:
        print("Monte Carlo on a local Dask cluster ...", flush=True)
        lines += bench_dask_mc(int(a.n), a.chunk)
    print("scaling ...", flush=True)
    scaling = bench_scaling(a.quick)
    load1 = os.getloadavg()
    section = [
        START,
        "## Parallel scaling (`bench_parallel.py`)",
        "",
        f"Recorded {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())} on {os.cpu_count()} cores "
        f"(Python {platform.python_version()}, NumPy {np.__version__}); load average "
        f"{load0[0]:.1f} at the start, {load1[0]:.1f} at the end. {a.note}".rstrip(),
        "",
        *lines,
        "",
        *notes,
        "",
        "How time grows (one process; exponent of a least-squares fit of log time on log size):",
        "",
        *scaling,
        END,
    ]
    text = "\n".join(section)
    print(text)
    if a.quick:
        return
    print(f"wrote {write_section(text, START, END)}")


if __name__ == "__main__":
    main()
