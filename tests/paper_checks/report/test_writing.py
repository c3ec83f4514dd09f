"""A report folder under SIGKILL (issue 29): a run's formats are swapped in as one set, so a process killed at
any instant leaves either the earlier set or the new one, never a mix, and the next run cleans what it left."""
from __future__ import annotations

import csv
import io
import itertools
import json
import multiprocessing
import os
import random
import signal
import time
import uuid
from pathlib import Path
from typing import Any

import pytest

from paper_checks import report
from tests.paper_checks.test_report import claim_entry, doc_of


def _write_for_ever(out: str, start: int, ready: Any) -> None:
    """In a forked process: write reports for ever, alternating a set of four formats and a set of two, each
    run's id saying which set it is."""
    doc = doc_of([claim_entry(i) for i in range(3)])
    ready.set()
    for k in itertools.count(start):
        formats = FOUR_FORMATS if k % 2 else ("json", "md")
        doc["provenance"]["run_id"] = ("four" if k % 2 else "two") + uuid.uuid4().hex[:8]
        report.write(doc, Path(out), None, formats)


FOUR_FORMATS = ("json", "md", "html", "csv")
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


@pytest.mark.slow  # about 1 s or more: out of README's quick command, in CI's slow run
def test_sigkill_at_any_instant_never_leaves_a_mixed_report_folder(tmp_path):
    out = tmp_path / "out"
    out.mkdir()
    (out / "report.md").write_text(PLAIN)  # the earlier layout's set: moved to the links' layout on the way
    rng = random.Random(29)
    runs = set()
    report.write(doc_of([claim_entry(0)]), tmp_path / "warm", None, tuple(FOUR_FORMATS))  # lazy imports, done
    ctx = multiprocessing.get_context("fork")  # forked: the writer starts at once, the kills land mid-write
    for kill in range(40):
        ready = ctx.Event()
        p = ctx.Process(target=_write_for_ever, args=(str(out), kill, ready))
        p.start()
        assert ready.wait(60)
        time.sleep(rng.uniform(0.0, 0.15))  # a few writes in; the kill lands anywhere in one
        os.kill(p.pid, signal.SIGKILL)
        p.join()
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


def test_where_links_cannot_be_made_each_file_is_replaced_whole_and_leftovers_go(tmp_path, monkeypatch):
    from paper_checks.report import writing

    (tmp_path / ".report.json.abc123.tmp").write_text("left by a killed run")
    monkeypatch.setattr(writing, "_links_work", lambda out: False)
    report.write(doc_of([claim_entry(0)]), tmp_path, None, ("json", "md"))
    assert sorted(p.name for p in tmp_path.iterdir()) == [".report.lock", "report.json", "report.md"]
    assert not (tmp_path / "report.json").is_symlink()
