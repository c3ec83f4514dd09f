"""Where the main job's CPU goes: ``python -m paper_checks`` (its defaults, figures included), taken apart.

``python benchmarks/bench_main_job.py [ARGS ...]`` runs the main job (with ``ARGS``, e.g. ``--no-figures`` or
``--claim 'gce18.*'``) in a child interpreter and prints, in CPU seconds (user + system: a busy machine stretches the
wall clock, not these much):

- start-up: the interpreter, the command's imports and the registry, before the first claim is handed out;
- each claim, measured inside its worker around the check alone (the top 15, and the sum by method);
- workers beyond their claims: what the worker processes spent outside the checks (their own first imports and
  warm-ups, the results' pickling), the claims phase's children CPU less the claims' sum;
- the parent while the claims run (scheduling, the live table);
- figures (the parent and the figure workers) and the report (rendering and writing);
- the whole run (this child and every process it waited for) and its wall clock.

It sets ``PYTHONHASHSEED=0`` itself, so the command does not re-execute itself, and writes the report into a
temporary folder. Nothing here asserts a time; issue 67's target is the whole run within 60 s on a quiet 2-core
machine (about 120 CPU-s where both cores are busy throughout).
"""
from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

#: the child: times each phase of paper_checks.commands.run around the real functions, then runs the command
CHILD = r'''
import json, os, resource, sys, time
T0 = time.perf_counter()
LOG = os.environ["LNL_BENCH_LOG"]

def cpu():
    s, c = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return s.ru_utime + s.ru_stime, c.ru_utime + c.ru_stime

def note(**kw):
    with open(LOG, "a") as f:
        f.write(json.dumps(kw) + "\n")

from paper_checks.commands import run as run_cmd
from paper_checks.run import runner

def phase(name, fn):
    def timed(*a, **k):
        s0, c0 = cpu()
        try:
            return fn(*a, **k)
        finally:
            s1, c1 = cpu()
            note(phase=name, self=s1 - s0, children=c1 - c0)
    return timed

task = runner.claim_task
def claim_task(claim, *a, **k):  # in the worker (forked: the patch is inherited)
    t = time.process_time()
    try:
        return task(claim, *a, **k)
    finally:
        note(claim=claim.id, method=claim.method, cpu=time.process_time() - t, pid=os.getpid())
runner.claim_task = claim_task

scheduled = run_cmd._run_scheduled
def first(*a, **k):
    s, c = cpu()
    note(phase="start-up", self=s, children=c)
    return phase("claims", scheduled)(*a, **k)
run_cmd._run_scheduled = first
run_cmd._draw_figures = phase("figures", run_cmd._draw_figures)
run_cmd._write_and_tell = phase("report", run_cmd._write_and_tell)

from paper_checks.cli import main
status = main(sys.argv[1:])
s, c = cpu()
note(phase="total", self=s, children=c, wall=time.perf_counter() - T0, status=status)
'''


def measure(args: list[str]) -> list[dict]:
    with tempfile.TemporaryDirectory() as tmp:
        log = Path(tmp) / "log.jsonl"
        env = {**os.environ, "PYTHONHASHSEED": "0", "LNL_BENCH_LOG": str(log), "PYTHONPATH": str(ROOT)}
        subprocess.run([sys.executable, "-c", CHILD, "run", "--out", str(Path(tmp) / "reports"), *args],
                       cwd=ROOT, env=env, stdout=subprocess.DEVNULL, check=False)
        return [json.loads(line) for line in log.read_text().splitlines()]


def table(rows: list[dict]) -> str:
    phases = {r["phase"]: r for r in rows if "phase" in r}
    claims = [r for r in rows if "claim" in r]
    total = phases["total"]
    whole = total["self"] + total["children"]
    claims_sum = sum(r["cpu"] for r in claims)
    lines = [f"whole run: {whole:7.1f} CPU-s, wall {total['wall']:.1f} s (exit {total['status']})", ""]

    def line(name: str, seconds: float) -> None:
        lines.append(f"  {name:<44} {seconds:7.1f} CPU-s  {100 * seconds / whole:5.1f} %")

    start = phases.get("start-up", {"self": 0.0, "children": 0.0})
    line("start-up (interpreter, imports, registry)", start["self"] + start["children"])
    ph = phases.get("claims", {"self": 0.0, "children": 0.0})
    line("claims (inside the checks)", claims_sum)
    line("workers beyond their claims", ph["children"] - claims_sum)
    line("parent while the claims run", ph["self"])
    for name in ("figures", "report"):
        p = phases.get(name)
        if p:
            line(name, p["self"] + p["children"])
    accounted = (start["self"] + start["children"] + ph["self"] + ph["children"]
                 + sum(phases[n]["self"] + phases[n]["children"] for n in ("figures", "report") if n in phases))
    line("the rest", whole - accounted)
    by_method: dict[str, float] = defaultdict(float)
    for r in claims:
        by_method[r["method"]] += r["cpu"]
    lines += ["", "claims by method: " + ", ".join(f"{m} {s:.1f}" for m, s in sorted(by_method.items(),
                                                                                  key=lambda kv: -kv[1])),
              f"workers: {len({r['pid'] for r in claims})}", "", "the 15 costliest claims (CPU-s):"]
    for r in sorted(claims, key=lambda r: -r["cpu"])[:15]:
        lines.append(f"  {r['claim']:<44} {r['cpu']:7.2f}  {r['method']}")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--json", type=Path, default=None, help="also write the raw measurements here")
    a, rest = ap.parse_known_args(argv)
    rows = measure(rest)
    if a.json is not None:
        a.json.write_text(json.dumps(rows, indent=1) + "\n")
    print(table(rows))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
