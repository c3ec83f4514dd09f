"""Outputs that never clobber and earlier reports that are read safely (paper_checks.files; issue 18)."""
import json
import os
import stat
import threading
import time
from pathlib import Path

import pytest

from paper_checks.cli import main
from paper_checks.files import atomic_write, earlier_report, read_json_file
from paper_checks.run.runner import last_timings

ONE = '''
from paper_checks.api import Evidence, claim, paper

paper("one", authors="A. Nobody", year=2020, title="One check", venue="none", source="none")


@claim("one.ok", source="-", statement="fine", expected="confirmed", method="exact")
def ok(ctx):
    return Evidence("confirmed", "exact", "fine", {"x": 1})
'''


_MODULE: list[Path] = []  # one claims file for the whole module: the registry is per process


@pytest.fixture(autouse=True)
def _forget_the_claims_file(isolated_registry):
    """Each test's in-process run registers the file's claim and adds it to $LNL_CLAIMS: both are taken back."""
    yield


def _run(tmp_path: Path, *args: str) -> int:
    if not _MODULE:
        _MODULE.append(tmp_path / "one_claims.py")
        _MODULE[0].write_text(ONE)
    return main(["run", "--module", str(_MODULE[0]), "--claim", "one.ok", "--quiet",
                 "--out", str(tmp_path / "out"), *args])


def _fifo(tmp_path: Path) -> Path:
    p = tmp_path / "fifo"
    os.mkfifo(p)
    return p


def test_devices_and_fifos_are_written_through_never_replaced(tmp_path):
    atomic_write(Path("/dev/null"), "x")
    assert stat.S_ISCHR(os.stat("/dev/null").st_mode)
    fifo = _fifo(tmp_path)
    link = tmp_path / "link"
    link.symlink_to(fifo)
    got: list[bytes] = []
    reader = threading.Thread(target=lambda: got.append(Path(fifo).read_bytes()))
    reader.start()
    for _ in range(100):  # write once the reader has opened its end
        try:
            atomic_write(link, "through the link\n")
            break
        except OSError:
            time.sleep(0.05)
    reader.join(10)
    assert got == [b"through the link\n"] and stat.S_ISFIFO(os.stat(fifo).st_mode) and link.is_symlink()
    t0 = time.monotonic()
    with pytest.raises(OSError, match="FIFO without a reader"):
        atomic_write(fifo, "nobody reads")
    assert time.monotonic() - t0 < 30  # a FIFO without a reader would block forever


def test_a_link_to_a_regular_file_keeps_the_link(tmp_path):
    target = tmp_path / "target.json"
    target.write_text("old")
    link = tmp_path / "link.json"
    link.symlink_to(target)
    atomic_write(link, "new")
    assert link.is_symlink() and target.read_text() == "new"


def test_earlier_reports_are_read_only_from_regular_files(tmp_path, capsys):
    fifo = _fifo(tmp_path)
    t0 = time.monotonic()
    with pytest.raises(ValueError, match="not a regular file"):
        read_json_file(fifo)
    assert earlier_report(fifo) is None and last_timings(Path("/dev/null")) == {} and time.monotonic() - t0 < 30
    assert capsys.readouterr().err == ""
    assert earlier_report(tmp_path / "none.json") is None


@pytest.mark.parametrize("text", [
    "[1, 2]", "{not json", "[" * 100000 + "]" * 100000, '{"claims": [{"id": "a.b", "seconds": 1}]}',
    '{"claims": [{"id": "a.b", "verdict": "proved", "seconds": 1e999}]}', '{"claims": 3}',
    '{"claims": [{"id": "a.b", "verdict": "proved", "seconds": ' + "9" * 5000 + "}]}", "\xff\xfe",
])
def test_a_corrupt_earlier_report_is_ignored_with_one_line(tmp_path, capsys, text):
    p = tmp_path / "report.json"
    p.write_bytes(text.encode("utf-8", "surrogateescape") if text != "\xff\xfe" else b"\xff\xfe")
    assert earlier_report(p) is None and last_timings(p) == {}
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 2 and all(e.startswith("warning: ignoring the earlier report") for e in err)


def test_run_over_a_corrupt_report_and_into_devices(tmp_path, capsys):
    (tmp_path / "out").mkdir()
    (tmp_path / "out" / "report.json").write_text('{"claims": [{"id": "x"}]}')
    assert _run(tmp_path) == 0
    err = capsys.readouterr().err
    assert err.count("warning: ignoring the earlier report") == 1 and "Traceback" not in err
    assert _run(tmp_path, "--json", "/dev/null") == 0 and stat.S_ISCHR(os.stat("/dev/null").st_mode)
    if Path("/dev/full").exists():
        t0 = time.monotonic()
        assert _run(tmp_path, "--json", "/dev/full") == 74  # disk full after the run: not the usage status 2
        err = capsys.readouterr().err.strip().splitlines()
        assert len(err) == 1 and "could not write the report" in err[0] and "saved in" in err[0]
        assert time.monotonic() - t0 < 30
        os.unlink(err[0].rsplit("saved in ", 1)[1])
    assert _run(tmp_path, "--json", str(_fifo(tmp_path))) == 74  # nobody reads it: one line, no hang


def test_a_folder_never_holds_a_mixed_set_of_formats(tmp_path):
    assert _run(tmp_path, "--format", "md,html,json,csv") == 0
    out = tmp_path / "out"
    assert {p.name for p in out.glob("report.*")} == {"report.md", "report.html", "report.json", "report.csv"}
    assert _run(tmp_path, "--format", "json") == 0
    assert {p.name for p in out.glob("report.*")} == {"report.json"}
    assert json.loads((out / "report.json").read_text())["claims"][0]["id"] == "one.ok"
    assert _run(tmp_path, "--json", str(tmp_path / "elsewhere.json")) == 0  # nothing written into the folder
    assert {p.name for p in out.glob("report.*")} == {"report.json"}


def test_a_directory_given_to_module_is_named_as_one(tmp_path, capsys):
    (tmp_path / "claims_dir").mkdir()
    assert main(["list", "--module", str(tmp_path / "claims_dir")]) == 2
    err = capsys.readouterr().err
    assert "is a directory" in err and "no such file" not in err


def test_stdout_given_as_a_path_is_appended_to_never_replaced(tmp_path):
    import subprocess
    import sys

    out = tmp_path / "stdout.txt"
    code = "from pathlib import Path; from paper_checks.files import atomic_write; print('before', flush=True); " \
           "atomic_write(Path('/proc/self/fd/1'), 'json\\n'); print('after')"
    with open(out, "w") as f:
        subprocess.run([sys.executable, "-c", code], stdout=f, check=True,
                       env={**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[2])})
    assert out.read_text() == "before\njson\nafter\n" and not out.is_symlink()
