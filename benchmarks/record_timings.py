"""Record the per-claim seconds that the package ships for a first run's schedule and ETA.

``python benchmarks/record_timings.py --measure standard quick`` runs every catalogue claim here, one after
another in this process, and records the CPU seconds each took (with one BLAS thread, as the runner pins it, a
claim's CPU seconds are its wall seconds on a quiet machine, whatever the load while recording);
``python benchmarks/record_timings.py REPORT.json [REPORT.json ...]`` takes the ``seconds`` of reports of
``python -m paper_checks`` instead (wall seconds: record from a quiet run). Either rewrites
``paper_checks/run/timings.json`` (:mod:`paper_checks.run.timings`); a later source wins for the claims it ran, and
the file keeps what no source ran (the other precision, other claims).

Nothing reads these seconds but the order in which claims start and the time a run says it has left.
"""
from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path
from typing import Any

from label_noise_lab.simulate.engine.devices import get_backend
from paper_checks.context import PRECISIONS
from paper_checks.files import earlier_report
from paper_checks.registry import select
from paper_checks.run.runner import run_claim
from paper_checks.run.timings import SHIPPED, timings_document

TARGET = Path(__file__).resolve().parents[1] / "paper_checks" / "run" / SHIPPED


def measured(precision: str, seed: int = 0) -> dict[str, Any]:
    """A report-like document of the CPU seconds of every catalogue claim at ``precision``, run here in turn."""
    backend = get_backend("numpy")
    claims = []
    for c in select([], []):
        t0 = time.process_time()
        r = run_claim(c, precision, seed, backend)
        seconds = time.process_time() - t0
        print(f"{precision} {c.id:45s} {seconds:8.2f} s CPU  {r.verdict}", flush=True)
        claims.append({"id": c.id, "seconds": seconds})
    return {"precision": precision, "claims": claims}


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("reports", nargs="*", type=Path, metavar="REPORT.json")
    ap.add_argument("--measure", nargs="+", default=[], choices=PRECISIONS, metavar="PRECISION",
                    help="run the catalogue at these precisions here and record each claim's CPU seconds")
    ap.add_argument("--to", type=Path, default=TARGET, help=f"where to write (default: {TARGET})")
    ap.add_argument("--json", type=Path, default=None, help="also keep the measured documents here")
    a = ap.parse_args(argv)
    if not a.reports and not a.measure:
        ap.error("give reports or --measure")
    docs = [measured(p) for p in a.measure]
    if a.json is not None:
        a.json.write_text(json.dumps(docs, indent=1) + "\n", encoding="utf-8")
    for path in a.reports:
        doc = earlier_report(path)
        if doc is None:
            print(f"error: {str(path)!r} is not a report of python -m paper_checks", file=sys.stderr)
            return 2
        docs.append(doc)
    # the file's own tables first: a run of one precision (or of some claims) keeps the others' recorded seconds
    kept = json.loads(a.to.read_text(encoding="utf-8")) if a.to.exists() else {"precisions": {}}
    old = [{"precision": p, "claims": [{"id": k, "seconds": v} for k, v in t.items()]}
           for p, t in kept.get("precisions", {}).items()]
    out = timings_document(old + docs)
    a.to.write_text(json.dumps(out, indent=1) + "\n", encoding="utf-8")
    for precision, table in out["precisions"].items():
        print(f"{precision}: {len(table)} claims, {sum(table.values()):.1f} s one after another")
    print(f"wrote {a.to}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
