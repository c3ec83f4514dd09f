"""The report folder (issues 29, 34, 35): plain files, each naming its run; a set mixed by a kill is said, and the
next run writes one set and cleans up; nothing is written outside the folder, nor a user's hidden folder removed."""
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
from paper_checks.report import writing
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


def _visible(out: Path) -> dict[str, str]:
    """What a reader sees: the text of every report file that exists (through the links)."""
    return {p.name: p.read_text() for p in sorted(out.glob("report.*")) if p.exists()}


@pytest.mark.slow  # about 1 s or more: out of README's quick command, in CI's slow run
def test_sigkill_at_any_instant_never_leaves_a_mixed_set_unsaid(tmp_path):
    """Plain files (issue 34): a kill between two renames can leave files of two runs; each names its run, and
    mixed_set says so (show and readme refuse such a folder); the next run writes one set and cleans up."""
    out = tmp_path / "out"
    out.mkdir()
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
        seen = _visible(out)
        ids = {json.loads(seen["report.json"])["provenance"]["run_id"]} if "report.json" in seen else set()
        ids |= {line.split("|")[2].strip() for line in seen.get("report.md", "").splitlines()
                if line.startswith("| run_id |")}
        if "report.html" in seen:
            ids.add(seen["report.html"].split("<th>run_id</th><td>")[1].split("</td>")[0])
        ids |= {r["run_id"] for r in csv.DictReader(io.StringIO(seen.get("report.csv", "")))}
        assert (len(ids) > 1) == (writing.mixed_set(out) is not None), (ids, writing.mixed_set(out))
        runs |= ids
    assert len(runs) > 1  # the kills landed in different runs
    doc = doc_of([claim_entry(0)])
    report.write(doc, out, None, ("json",))  # the next run cleans what the killed ones left
    assert _visible(out).keys() == {"report.json"} and writing.mixed_set(out) is None
    assert sorted(p.name for p in out.iterdir()) == [".report.lock", "report.json"]


def _links_layout(out: Path, target: Path | None = None) -> None:
    """The earlier layout: ``report.md`` a link into a hidden set, ``.report`` a link to it (or to ``target``)."""
    hidden = out / ".report-0123456789ab"
    hidden.mkdir(parents=True)
    (hidden / "report.md").write_text(PLAIN)
    (hidden / "figures").symlink_to("../figures")
    (out / ".report").symlink_to(target if target is not None else hidden.name)
    (out / "report.md").symlink_to(".report/report.md")


def test_a_folder_of_the_earlier_layout_becomes_plain_files(tmp_path):
    _links_layout(tmp_path)
    (tmp_path / "figures").mkdir()
    (tmp_path / "figures" / "f.png").write_bytes(b"png")
    report.write(doc_of([claim_entry(0)]), tmp_path, None, ("md", "json"))
    assert sorted(p.name for p in tmp_path.iterdir()) == [".report.lock", "figures", "report.json", "report.md"]
    assert not any(p.is_symlink() for p in tmp_path.iterdir())
    assert (tmp_path / "figures" / "f.png").read_bytes() == b"png"


def test_a_report_link_pointing_outside_is_never_written_through(tmp_path):
    outside = tmp_path / "elsewhere"
    outside.mkdir()
    (outside / "report.md").write_text("not yours\n")
    out = tmp_path / "out"
    out.mkdir()
    _links_layout(out, target=outside)
    (out / "report.json").symlink_to(outside / "report.md")
    report.write(doc_of([claim_entry(0)]), out, None, ("md", "json"))
    assert (outside / "report.md").read_text() == "not yours\n" and sorted(p.name for p in outside.iterdir()) == [
        "report.md"]
    assert not (out / ".report").exists() and not (out / "report.json").is_symlink()


def test_a_users_hidden_folders_are_kept(tmp_path):
    (tmp_path / ".report-notes").mkdir()
    (tmp_path / ".report-notes" / "mine.txt").write_text("mine")
    (tmp_path / ".report-abcdefabcdef").mkdir()  # the very form of the earlier layout's sets, holding a user's file
    (tmp_path / ".report-abcdefabcdef" / "draft.txt").write_text("mine too")
    report.write(doc_of([claim_entry(0)]), tmp_path, None, ("json",))
    assert (tmp_path / ".report-notes" / "mine.txt").read_text() == "mine"
    assert (tmp_path / ".report-abcdefabcdef" / "draft.txt").read_text() == "mine too"


def test_json_elsewhere_alone_leaves_no_lock_file(tmp_path):
    report.write(doc_of([claim_entry(0)]), tmp_path / "out", tmp_path / "j" / "r.json", ("json",))
    assert sorted(p.name for p in (tmp_path / "j").iterdir()) == ["r.json"]


def test_a_report_folder_that_is_a_file_is_one_clear_error(tmp_path):
    f = tmp_path / "hostname"
    f.write_text("host\n")
    with pytest.raises(NotADirectoryError, match="is a file, not a folder"):
        report.write(doc_of([claim_entry(0)]), f, None, ("json",))
    assert f.read_text() == "host\n"


def test_a_mixed_set_is_said_and_refused_by_show_and_readme(tmp_path):
    from paper_checks.commands.common import UsageError
    from paper_checks.report.readme import load_report

    doc = doc_of([claim_entry(0)])
    doc["provenance"]["run_id"] = "aaaa"
    report.write(doc, tmp_path, None, ("json", "md"))
    assert writing.mixed_set(tmp_path) is None
    md = (tmp_path / "report.md").read_text()
    doc["provenance"]["run_id"] = "bbbb"
    report.write(doc, tmp_path, None, ("json", "md"))
    (tmp_path / "report.md").write_text(md)  # as a kill between the two renames leaves it
    why = writing.mixed_set(tmp_path)
    assert why is not None and "report.json run bbbb" in why and "report.md run aaaa" in why
    with pytest.raises(ValueError, match="different runs"):
        load_report(tmp_path / "report.json")
    import argparse

    from paper_checks.commands.show import show
    with pytest.raises(UsageError, match="different runs"):
        show(argparse.Namespace(id="x.y", report=tmp_path / "report.json", module=[]))
