"""A report folder under SIGKILL (issue 29): a run's formats are swapped in as one set, so a process killed at
any instant leaves either the earlier set or the new one, never a mix, and the next run cleans what it left."""
from __future__ import annotations

import csv
import io
import json
import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

from paper_checks import report
from tests.paper_checks.test_report import claim_entry, doc_of

ROOT = Path(__file__).resolve().parents[3]

# Writes for ever, alternating a set of four formats and a set of two, each run's id saying which set it is.
WRITER = """
import itertools, sys, uuid
from pathlib import Path
sys.path.insert(0, {root!r})
from paper_checks import report
from tests.paper_checks.test_report import claim_entry, doc_of
doc = doc_of([claim_entry(i) for i in range(3)])
report.write(doc, Path({out!r}).parent / "warm", None, ("json", "md", "html", "csv"))  # imports done before
print("ready", flush=True)
for k in itertools.count({start}):
    formats = ("json", "md", "html", "csv") if k % 2 else ("json", "md")
    doc["provenance"]["run_id"] = ("four" if k % 2 else "two") + uuid.uuid4().hex[:8]
    report.write(doc, Path({out!r}), None, formats)
"""

PLAIN = "an earlier layout's plain file\n"
FOUR, TWO = {"report.json", "report.md", "report.html", "report.csv"}, {"report.json", "report.md"}


def _visible(out: Path) -> dict[str, str]:
    """What a reader sees: the text of every report file that exists (through the links)."""
    return {p.name: p.read_text() for p in sorted(out.glob("report.*")) if p.exists()}


def _check_one_set(out: Path) -> str | None:
    seen = _visible(out)
    if not seen or seen == {"report.md": PLAIN}:  # nothing yet, or the earlier layout's set, whole
        return None
    run = json.loads(seen["report.json"])["provenance"]["run_id"]
    assert set(seen) == (FOUR if run.startswith("four") else TWO), (run, sorted(seen))
    assert f"| run_id | {run} |" in seen["report.md"]
    if "report.html" in seen:
        assert run in seen["report.html"]
        assert {r["run_id"] for r in csv.DictReader(io.StringIO(seen["report.csv"]))} == {run}
    return run


def test_sigkill_at_any_instant_never_leaves_a_mixed_report_folder(tmp_path):
    out = tmp_path / "out"
    out.mkdir()
    (out / "report.md").write_text(PLAIN)  # the earlier layout's set: moved to the links' layout on the way
    rng = random.Random(29)
    runs = set()
    for kill in range(12):
        code = WRITER.format(root=str(ROOT), out=str(out), start=kill)
        p = subprocess.Popen([sys.executable, "-c", code], stdout=subprocess.PIPE, text=True)
        assert p.stdout.readline().strip() == "ready"
        time.sleep(rng.uniform(0.0, 0.25))  # a few writes in; the kill lands anywhere in one
        os.kill(p.pid, signal.SIGKILL)
        p.wait()
        p.stdout.close()
        runs.add(_check_one_set(out))
    assert len(runs - {None}) > 1  # the kills landed in different runs
    doc = doc_of([claim_entry(0)])
    report.write(doc, out, None, ("json",))  # the next run cleans what the killed ones left
    assert _visible(out).keys() == {"report.json"}
    assert not list(out.glob("**/*.tmp")) and len([p for p in out.glob(".report-*")]) == 1
    assert sorted(p.name for p in out.iterdir() if not p.name.startswith(".report")) == ["report.json"]


def test_a_folder_of_the_earlier_layout_keeps_its_figures_reachable(tmp_path):
    (tmp_path / "figures").mkdir()
    (tmp_path / "figures" / "f.png").write_bytes(b"png")
    report.write(doc_of([claim_entry(0)]), tmp_path, None, ("md", "json"))
    real = (tmp_path / "report.md").resolve().parent  # a reader that resolves the links
    assert (real / "figures" / "f.png").read_bytes() == b"png"
