"""The report folder (issues 29, 34, 35, 56): plain files, each naming its run, switched in as one set (a kill at
any moment leaves the previous whole set or the new one); a set mixed by a file-by-file writer is said, and the
next run writes one set and cleans up; nothing is written outside the folder and its staging folder, nor a
user's hidden folder removed."""
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
def test_sigkill_at_any_instant_never_leaves_a_mixed_set(tmp_path):
    """Plain files switched in as one set (issue 56; issue 34 left a kill between two renames a mixed set, said by
    mixed_set): a writer killed at a random instant leaves one run's whole set; the next run cleans up."""
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
        assert len(ids) <= 1 and writing.mixed_set(out) is None, ids
        if ids:
            assert set(seen) == {f"report{writing.SUFFIX[f]}" for f in
                                 (FOUR_FORMATS if next(iter(ids)).startswith("four") else ("json", "md"))}
        runs |= ids
    assert len(runs) > 1  # the kills landed in different runs
    doc = doc_of([claim_entry(0)])
    report.write(doc, out, None, ("json",))  # the next run cleans what the killed ones left
    assert _visible(out).keys() == {"report.json"} and writing.mixed_set(out) is None
    assert sorted(p.name for p in out.iterdir()) == ["report.json"]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out", "warm"]  # no staging folder left


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
    assert sorted(p.name for p in tmp_path.iterdir()) == ["figures", "report.json", "report.md"]
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


def rendered_once(monkeypatch: pytest.MonkeyPatch) -> None:
    """Each format of each run rendered once, in this process: the forked writers only write (and are quick)."""
    from paper_checks.report import writing

    memo: dict[tuple[str, str], str] = {}
    render = writing.render

    def cached(doc, fmt, fig_dir=None):
        key = (fmt, doc["provenance"]["run_id"])
        if key not in memo:
            memo[key] = render(doc, fmt, fig_dir)
        return memo[key]
    monkeypatch.setattr(writing, "render", cached)


def _set_of(doc_formats: tuple[str, ...], run_id: str, out: Path) -> dict[str, str]:
    """Write a report of ``run_id`` in ``doc_formats`` into ``out``; what a reader then sees."""
    doc = doc_of([claim_entry(0)])
    doc["provenance"]["run_id"] = run_id
    report.write(doc, out, None, doc_formats)
    return _visible(out)


def _steps_of_a_write(tmp_path: Path) -> list[str]:
    out = tmp_path / "count"
    _set_of(("json",), "first", out)
    seen: list[str] = []
    writing.STEP = seen.append
    try:
        _set_of(tuple(writing.FORMATS), "second", out)
    finally:
        writing.STEP = None
    return seen


@pytest.mark.slow
@pytest.mark.skipif(not hasattr(os, "fork") or not Path("/proc").is_dir(), reason="fork, Linux's renameat2")
def test_a_kill_before_any_step_of_a_write_leaves_one_whole_set(tmp_path, monkeypatch):
    """SIGKILL before each file operation of a write in turn (issue 56): ``OUT`` holds the previous whole set or
    the new whole set, never a mix; a user's files and the figures stay; ``show`` reads it; the next write
    removes the staging folder a killed writer left."""
    from paper_checks.report.readme import load_report

    rendered_once(monkeypatch)  # the forked writers only write
    _set_of(("json", "md"), "new", tmp_path / "count")
    steps = _steps_of_a_write(tmp_path)
    assert "exchange the folders" in steps and len(steps) >= 8, steps
    out = tmp_path / "out"
    old = _set_of(tuple(writing.FORMATS), "old", out)  # six formats
    (out / "figures").mkdir()
    (out / "figures" / "f.png").write_bytes(b"png")
    (out / "notes.txt").write_text("mine")
    new = None
    for k in range(len(steps) + 1):
        pid = os.fork()
        if pid == 0:  # pragma: no cover (the child)
            count = itertools.count()

            def kill_at(what: str, k: int = k) -> None:
                if next(count) == k:
                    os.kill(os.getpid(), signal.SIGKILL)
            writing.STEP = kill_at
            try:
                _set_of(("json", "md"), "new", out)
            finally:
                os._exit(0)
        _, status = os.waitpid(pid, 0)
        assert os.WIFSIGNALED(status) == (k < len(steps)), (k, status)
        seen = _visible(out)
        if new is None and seen != old:
            new = seen
        assert seen in (old, new) and set(seen) in ({f"report{s}" for s in writing.SUFFIX.values()},
                                                    {"report.json", "report.md"}), (k, steps[k:k + 1], sorted(seen))
        assert writing.mixed_set(out) is None and load_report(out / "report.json")
        assert (out / "figures" / "f.png").read_bytes() == b"png" and (out / "notes.txt").read_text() == "mine"
    assert new is not None and set(new) == {"report.json", "report.md"}  # the last write went through
    _set_of(("json",), "after", out)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["count", "out"]  # no staging folder left
    assert sorted(p.name for p in out.iterdir()) == ["figures", "notes.txt", "report.json"]


def test_without_the_exchange_files_are_written_one_by_one(tmp_path, monkeypatch):
    monkeypatch.setattr(writing, "_exchange", lambda a, b: False)
    out = tmp_path / "out"
    assert set(_set_of(("json", "md"), "one", out)) == {"report.json", "report.md"}
    assert set(_set_of(("json",), "two", out)) == {"report.json"}
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out"]  # the staging folder is removed


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="FIFOs")
def test_a_folder_that_cannot_be_mirrored_is_written_file_by_file(tmp_path):
    out = tmp_path / "out"
    out.mkdir()
    os.mkfifo(out / "pipe")
    assert set(_set_of(("json", "md"), "one", out)) == {"report.json", "report.md"}
    assert (out / "pipe").exists() and sorted(p.name for p in tmp_path.iterdir()) == ["out"]


def test_the_working_folder_is_never_exchanged(tmp_path, monkeypatch):
    """A folder exchanged under a process leaves it in a removed one: ``--out .`` is written file by file."""
    out = tmp_path / "out"
    (out / "sub").mkdir(parents=True)
    monkeypatch.chdir(out / "sub")
    ino = out.stat().st_ino
    _set_of(("json",), "one", out)
    assert out.stat().st_ino == ino and Path.cwd() == (out / "sub").resolve()


def test_a_report_folder_given_as_a_link_stays_a_link(tmp_path):
    real = tmp_path / "real"
    real.mkdir()
    (tmp_path / "link").symlink_to("real")
    _set_of(("json",), "one", tmp_path / "link")
    assert (tmp_path / "link").is_symlink() and (real / "report.json").is_file()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["link", "real"]


def test_a_folder_of_many_files_is_written_file_by_file(tmp_path, monkeypatch):
    """Not a report folder (``--out ~``): it is never mirrored and exchanged whole."""
    monkeypatch.setattr(writing, "MIRROR_MOST", 3)
    out = tmp_path / "out"
    out.mkdir()
    for i in range(4):
        (out / f"mine{i}.txt").write_text("mine")
    ino = out.stat().st_ino
    assert set(_set_of(("json",), "one", out)) == {"report.json"}
    assert out.stat().st_ino == ino and len(list(out.iterdir())) == 5
