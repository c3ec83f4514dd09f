"""Rewriting a claim's recorded verdict in its file (paper_checks.commands.record, for ``--claims-update``)."""
import pytest

from paper_checks.commands.record import RecordError, rewritten

SOURCE = '''from paper_checks.api import claim

@claim(
    "x.a", source="s",  # a comment stays
    statement="é, a statement", expected='proved', method="exact")
def a(ctx): ...

claim("x.b", source="s", statement="t", expected="refuted", method="exact")(a)
'''


def test_only_the_literal_of_the_claims_expected_changes():
    new = rewritten(SOURCE, "x.a", "qualified")
    assert new == SOURCE.replace("expected='proved'", "expected='qualified'")  # the quote kept, bytes vs characters
    assert rewritten(SOURCE, "x.b", "proved") == SOURCE.replace('expected="refuted"', 'expected="proved"')


def test_what_cannot_be_recorded_says_why():
    with pytest.raises(RecordError, match="no literal expected="):
        rewritten(SOURCE, "x.none", "proved")
    with pytest.raises(RecordError, match="choose one of"):
        rewritten(SOURCE, "x.a", "error")
    with pytest.raises(RecordError, match="no literal expected="):
        rewritten('claim("x.c", expected=VERDICT)', "x.c", "proved")


# --------------------------------------------------------------------------- the file is never damaged (issue 35)
def _claim(path):
    from types import SimpleNamespace

    return SimpleNamespace(id="x.a", origin=str(path), check=None)


@pytest.mark.parametrize("head,newline,encoding", [
    (b"", b"\r\n", "utf-8"),  # CRLF: every line ending was rewritten as LF
    (b"\xef\xbb\xbf", b"\n", "utf-8"),  # a UTF-8 BOM: the file could not be parsed
    (b"# -*- coding: latin-1 -*-\n", b"\n", "latin-1"),  # a coding line: read as UTF-8, a decode error
    (b"\xef\xbb\xbf", b"\r\n", "utf-8"),
    (b"", b"\r", "utf-8"),  # old Mac line ends
])
def test_a_recorded_verdict_keeps_every_other_byte(tmp_path, head, newline, encoding):
    from paper_checks.commands.record import record_verdict

    text = SOURCE.replace("é, a statement", "é, a statement\x0c with a form feed")  # not a line end for Python
    before = head + text.replace("\n", "\r\n" if newline == b"\r\n" else newline.decode()).encode(encoding)
    f = tmp_path / "claims.py"
    f.write_bytes(before)
    f.chmod(0o640)
    diff = record_verdict(_claim(f), "qualified")
    assert f.read_bytes() == before.replace(b"expected='proved'", b"expected='qualified'")
    assert "+" in diff and "qualified" in diff
    assert f.stat().st_mode & 0o777 == 0o640 and [p.name for p in tmp_path.iterdir()] == ["claims.py"]


_FULL = '''
import resource, sys
from types import SimpleNamespace
from pathlib import Path
from paper_checks.commands.record import RecordError, record_verdict
f = Path(sys.argv[1])
resource.setrlimit(resource.RLIMIT_FSIZE, (100, 100))  # the file cannot be written whole again
try:
    record_verdict(SimpleNamespace(id="x.a", origin=str(f), check=None), "qualified")
except RecordError as exc:
    print(exc)
'''


def test_a_write_that_fails_leaves_the_file_whole(tmp_path):
    """Before: written in place, the file was cut at the limit (4,096 bytes) and an 836-line traceback came."""
    import subprocess
    import sys

    f = tmp_path / "claims.py"
    before = SOURCE.encode() + b"# padding\n" * 50
    f.write_bytes(before)
    out = subprocess.run([sys.executable, "-c", _FULL, str(f)], capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr
    assert f.read_bytes() == before and [p.name for p in tmp_path.iterdir()] == ["claims.py"]
    assert out.stdout.count("\n") == 1 and "cannot write" in out.stdout and "unchanged" in out.stdout, out.stdout


def test_a_folder_that_takes_no_new_file_is_one_line(tmp_path, monkeypatch):
    """No room for the temporary file (a read-only or full folder): one line, the file unchanged."""
    import errno
    import tempfile

    from paper_checks.commands.record import record_verdict

    def full(*a, **k):
        raise OSError(errno.ENOSPC, "No space left on device")

    f = tmp_path / "claims.py"
    f.write_text(SOURCE)
    monkeypatch.setattr(tempfile, "mkstemp", full)
    with pytest.raises(RecordError, match=r"No space left on device \(the file is unchanged\)"):
        record_verdict(_claim(f), "qualified")
    assert f.read_text() == SOURCE


def test_a_verdict_computed_at_another_precision_is_recorded_with_it():
    """Issue 59, item 4: ``--claims-update`` writes the precision beside the verdict (``expected_at=``), after the
    ``expected=`` literal, or in the literal already there; the quotes and the rest of the line stay."""
    src = "@claim('a.b', source='s', statement='t', expected='proved', method='exact')\ndef f(ctx): ...\n"
    once = rewritten(src, "a.b", "confirmed", "quick")
    assert once == src.replace("expected='proved'", "expected='confirmed', expected_at='quick'")
    assert rewritten(once, "a.b", "proved", "full") == once.replace("'confirmed'", "'proved'").replace("'quick'",
                                                                                                         "'full'")
    assert rewritten(once, "a.b", "proved") == once.replace("'confirmed'", "'proved'")  # at its recorded one
    with pytest.raises(RecordError, match="cannot record the precision 'fast'"):
        rewritten(src, "a.b", "proved", "fast")
