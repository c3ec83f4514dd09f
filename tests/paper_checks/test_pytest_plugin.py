"""``pytest --claims FILE``: a claims file's claims as tests, run as a researcher runs them, from a folder
outside the repository (a subprocess in ``tmp_path``), with the package's plugin."""
from __future__ import annotations

import os
import shutil
import subprocess
import sys
from importlib.metadata import entry_points
from pathlib import Path

import pytest

from paper_checks.pytest_plugin import claims_of, verdict_problem
from paper_checks.registry import Claim, RegistryError
from paper_checks.run.runner import Result

ROOT = Path(__file__).resolve().parents[2]

WRONG = '''
from paper_checks.api import Evidence, claim, paper

paper("wrong24", authors="A. Author", year=2024, title="A wrong record", venue="nowhere", source="here")


@claim("wrong24.two", source="here", statement="1 + 1 = 2", expected="refuted", method="exact")
def two(ctx):
    ok = 1 + 1 == 2
    return Evidence("confirmed" if ok else "refuted", "exact", "1 + 1 evaluates to 2", numbers={"sum": 1 + 1},
                    counterexample=None if ok else {"sum": 1 + 1})


@claim("wrong24.three", source="here", statement="1 + 2 = 3", expected="confirmed", method="exact")
def three(ctx):
    return Evidence("confirmed" if 1 + 2 == 3 else "refuted", "exact", "1 + 2 evaluates to 3")
'''


def _plugin_args() -> list[str]:
    """``-p paper_checks.pytest_plugin`` where the installed package predates its entry point (an editable
    install made before it was added) or plugins are not loaded automatically; nothing where pytest loads it
    by itself (naming it twice would register it twice)."""
    installed = any(ep.value.split(":")[0] == "paper_checks.pytest_plugin" for ep in entry_points(group="pytest11"))
    autoload = not os.environ.get("PYTEST_DISABLE_PLUGIN_AUTOLOAD")
    return [] if installed and autoload else ["-p", "paper_checks.pytest_plugin"]


def _pytest(cwd: Path, *args: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(ROOT), os.environ.get("PYTHONPATH", "")])}
    env.pop("LNL_CLAIMS", None)
    return subprocess.run([sys.executable, "-m", "pytest", *_plugin_args(), "-p", "no:cacheprovider", *args],
                          cwd=cwd, env=env, capture_output=True, text=True, timeout=300)


def test_the_entry_point_is_declared():
    text = (ROOT / "pyproject.toml").read_text()  # (tomllib is Python 3.11+; the package supports 3.10)
    section = text.split("[project.entry-points.pytest11]", 1)[1].split("\n[", 1)[0]
    assert 'label_noise_lab = "paper_checks.pytest_plugin"' in section


def test_the_plugin_imports_only_pytest_when_claims_are_not_asked_for():
    code = ("import sys, paper_checks.pytest_plugin; "
            "print(sorted(m for m in sys.modules if m.split('.')[0] in "
            "('paper_checks', 'numpy', 'sympy', 'scipy', 'label_noise_lab', 'matplotlib')))")
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True)
    # paper_checks.commands.arguments, paper_checks.deadline and paper_checks.precisions: the seed's and the time
    # limit's argparse types and the precisions, shared with the command line, and label_noise_lab.theory.validators,
    # the one
    # quoting of values in messages (standard library only: theory/__init__ imports nothing)
    assert out.stdout.strip() == ("['label_noise_lab', 'label_noise_lab.theory', 'label_noise_lab.theory.validators', "
                                  "'paper_checks', 'paper_checks.commands', 'paper_checks.commands.arguments', "
                                  "'paper_checks.deadline', 'paper_checks.precisions', 'paper_checks.pytest_plugin']")


@pytest.mark.slow
def test_claims_files_run_as_tests_outside_the_repository(tmp_path):
    (tmp_path / "examples").mkdir()
    shutil.copy(ROOT / "examples" / "ma20_claims.py", tmp_path / "examples" / "ma20_claims.py")
    (tmp_path / "wrong_claims.py").write_text(WRONG)
    (tmp_path / "test_other.py").write_text("def test_other():\n    assert False\n")  # not named: not collected
    out = _pytest(tmp_path, "--claims", "examples/ma20_claims.py", "--claims", "wrong_claims.py",
                  "-k", "not wrong24.three", "-v")
    text = out.stdout + out.stderr
    assert out.returncode == 1, text
    for cid in ("ma20.normalized_symmetric", "ma20.nce_decreasing", "ma20.nce_uniform_noise"):
        assert f"examples/ma20_claims.py::{cid} PASSED" in text, text
    assert "wrong_claims.py::wrong24.two FAILED" in text
    assert "collected 5 items / 1 deselected / 4 selected" in text
    assert ("claims: examples/ma20_claims.py, wrong_claims.py at each claim's recorded precision (expected_at=, "
            "standard unless stated), seed 0") in text
    assert "1 failed, 3 passed, 1 deselected" in text
    assert "test_other" not in text
    # a readable failure: what differs, the evidence, what to do
    assert "claim wrong24.two: computed verdict 'confirmed', recorded 'refuted'" in text
    assert "**Evidence** (exact," in text and "1 + 1 evaluates to 2" in text and "| sum | 2 |" in text
    assert "expected='confirmed'" in text
    assert "Traceback" not in text


def test_a_missing_claims_file_is_a_clear_error(tmp_path):
    with pytest.raises(RegistryError, match="'nothing_here.py': no such file"):
        claims_of("nothing_here.py")  # the plugin turns it into a usage error: "--claims 'nothing_here.py': ..."


def _claim(expected: str) -> Claim:
    return Claim("t.x", "t", "src", "a statement", expected, "exact", lambda ctx: None)


def test_only_the_claims_the_module_registers(isolated_registry):
    assert [c.id for c in claims_of(str(ROOT / "examples" / "ma20_claims.py"))] == [
        "ma20.normalized_symmetric", "ma20.nce_decreasing", "ma20.nce_uniform_noise"]
    gce = claims_of("paper_checks.papers.gce18")
    assert gce and all(c.paper == "gce18" for c in gce)
    assert len(claims_of("paper_checks.papers")) > len(gce)


def test_verdict_problem_names_a_crash_and_passes_a_match():
    from paper_checks.evidence import Evidence

    ok = Result(_claim("confirmed"), Evidence("confirmed", "exact", "fine"), 0.1)
    assert verdict_problem(ok) is None
    crashed = Result(_claim("confirmed"), None, 0.1, error="ZeroDivisionError: division by zero", traceback="TB")
    msg = verdict_problem(crashed)
    assert "t.x: the check raised" in msg and "ZeroDivisionError" in msg and "TB" in msg
    wrong = Result(_claim("confirmed"), Evidence("refuted", "exact", "no", counterexample={"p": "1/3"}), 0.1)
    msg = verdict_problem(wrong)
    assert "computed verdict 'refuted', recorded 'confirmed'" in msg and "| p | 1/3 |" in msg


def test_verdict_problem_cites_the_source_as_the_report_does():
    """Issue 57: a declared document is named by its tag (author and year), not its hashed file name."""
    from paper_checks.evidence import Evidence

    c = Claim("t.x", "t", "004_bedc5f2f9c2d4575.txt, Eq. (7)", "a statement", "proved", "exact", lambda ctx: None)
    msg = verdict_problem(Result(c, Evidence("refuted", "exact", "no", counterexample={"p": "1/3"}), 0.1))
    assert "source: [Zhang & Sabuncu 2018], Eq. (7)" in msg and "004_bedc5f2f9c2d4575" not in msg


ENDINGS = '''
import os
import sys

from paper_checks.api import Evidence, claim, paper

paper("ends29", authors="A. Tester", year=2026, title="Checks that end badly", venue="nowhere", source="here")


def _ok(ctx):
    return Evidence("confirmed", "exact", "it holds")


claim("ends29.a_ok", source="here", statement="fine", expected="confirmed", method="exact")(_ok)


@claim("ends29.b_os_exit", source="here", statement="ends its process", expected="confirmed", method="exact")
def b(ctx):
    os._exit(0)


@claim("ends29.c_sys_exit", source="here", statement="calls sys.exit", expected="confirmed", method="exact")
def c(ctx):
    sys.exit(3)


@claim("ends29.d_forever", source="here", statement="never ends", expected="confirmed", method="exact")
def d(ctx):
    while True:
        pass


claim("ends29.e_ok_after", source="here", statement="fine too", expected="confirmed", method="exact")(_ok)
'''


@pytest.mark.slow  # about 1 s or more: out of README's quick command, in CI's slow run
def test_each_claim_runs_isolated_and_limited_and_pytest_exits_honestly(tmp_path):
    """os._exit(0) in a check made pytest exit 0 after a failing claim, a check with ``while True`` ran until
    killed, and sys.exit printed pytest's internals: each is now its item's failure, the rest run on."""
    (tmp_path / "endings_claims.py").write_text(ENDINGS)
    out = _pytest(tmp_path, "--claims", "endings_claims.py", "--claims-timeout", "3", "-v")
    text = out.stdout + out.stderr
    assert out.returncode == 1, text
    assert "2 passed" in text and "3 failed" in text, text
    assert "ended its worker process (exit code 0" in text and "called sys.exit(3)" in text
    assert "timed out after 3 s" in text and "INTERNALERROR" not in text
    assert "endings_claims.py::ends29.e_ok_after PASSED" in text


@pytest.mark.slow  # about 1 s or more: out of README's quick command, in CI's slow run
def test_a_claims_file_that_exits_at_import_and_a_negative_seed_are_one_line_errors(tmp_path):
    (tmp_path / "exit_claims.py").write_text("import sys\nsys.exit(3)\n")
    out = _pytest(tmp_path, "--claims", "exit_claims.py")
    text = out.stdout + out.stderr
    assert out.returncode == 4 and "INTERNALERROR" not in text and "Traceback" not in text, text
    assert "--claims 'exit_claims.py': claims module 'exit_claims.py' failed to import: it called sys.exit(3)" in text
    for bad, words in (("--claims-seed=-1", "--claims-seed: must be a non-negative integer, got '-1'"),
                       ("--claims-timeout=nan", "must be a finite, positive number of seconds"),
                       ("--claims-timeout=-2", "must be a finite, positive number of seconds")):
        out = _pytest(tmp_path, "--claims", "exit_claims.py", bad)
        assert out.returncode == 4 and words in out.stderr and "Traceback" not in out.stderr, out.stderr


@pytest.mark.slow
def test_claims_update_records_the_changed_verdict_in_place(tmp_path):
    """``--claims-update`` rewrites the ``expected=`` of the claim whose verdict differs (and only it), prints the
    diff and passes; the next run passes as it is."""
    f = tmp_path / "my_claims.py"
    f.write_text(WRONG)
    p = _pytest(tmp_path, "--claims", "my_claims.py", "--claims-update")
    assert p.returncode == 0, p.stdout + p.stderr
    assert "claims-update: 1 recorded verdict" in p.stdout
    assert '-@claim("wrong24.two", source="here", statement="1 + 1 = 2", expected="refuted"' in p.stdout
    assert '+@claim("wrong24.two", source="here", statement="1 + 1 = 2", expected="confirmed"' in p.stdout
    assert f.read_text() == WRONG.replace('expected="refuted"', 'expected="confirmed"')
    again = _pytest(tmp_path, "--claims", "my_claims.py")
    assert again.returncode == 0 and "2 passed" in again.stdout, again.stdout


@pytest.mark.slow
@pytest.mark.parametrize("head,newline,encoding", [(b"\xef\xbb\xbf", "\r\n", "utf-8"),
                                                   (b"# -*- coding: latin-1 -*-\n", "\r\n", "latin-1")])
def test_claims_update_keeps_bom_coding_line_and_line_endings(tmp_path, head, newline, encoding):
    """Before: a BOM or a latin-1 coding line failed the item (an 871- or 854-line traceback); CRLF became LF."""
    f = tmp_path / "my_claims.py"
    before = head + WRONG.replace("1 + 1 = 2", "1 + 1 = 2, \u00e9").replace("\n", newline).encode(encoding)
    f.write_bytes(before)
    p = _pytest(tmp_path, "--claims", "my_claims.py", "--claims-update")
    assert p.returncode == 0 and "claims-update: 1 recorded verdict" in p.stdout, p.stdout[-3000:] + p.stderr
    assert f.read_bytes() == before.replace(b'expected="refuted"', b'expected="confirmed"')


def test_the_docs_say_which_pytest_knows_the_option():
    """A pytest of another environment says only "unrecognized arguments: --claims": the docs name that message
    and show ``python -m pytest`` (the environment's own pytest)."""
    readme, api = (ROOT / "README.md").read_text(), (ROOT / "docs" / "api.md").read_text()
    assert "unrecognized arguments" in api and "python -m pytest --claims" in api
    assert "python -m pytest --claims" in readme and "\npytest --claims" not in readme
    assert "--claims-update" in readme and "--claims-update" in api


# ---------------------------------------------------------------- issue 59, item 4: one expected verdict, one meaning
PRECISE = '''
from paper_checks.api import Evidence, claim, paper

paper("prec24", authors="A. Author", year=2024, title="A verdict that depends on the precision", venue="nowhere",
      source="here")


@claim("prec24.cheap", source="here", statement="decided only with enough samples", expected="proved",
       method="exact")
def cheap(ctx):
    return Evidence("confirmed" if ctx.precision == "quick" else "proved", "exact", f"decided at {ctx.precision}")


@claim("prec24.same", source="here", statement="decided at every precision", expected="proved", method="exact")
def same(ctx):
    return Evidence("proved", "exact", "the same everywhere")
'''


def _run_cli(cwd: Path, *args: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(ROOT), os.environ.get("PYTHONPATH", "")])}
    env.pop("LNL_CLAIMS", None)
    return subprocess.run([sys.executable, "-m", "paper_checks", "run", *args], cwd=cwd, env=env,
                          capture_output=True, text=True, timeout=300)


def _run_own(cwd: Path, *extra: str) -> subprocess.CompletedProcess:
    """``run`` of the claims of :data:`PRECISE` alone (``--paper``: not the catalogue's too), JSON to r.json."""
    return _run_cli(cwd, "--module", "prec_claims.py", "--paper", "prec24", "--json", "r.json", "--quiet", *extra)


@pytest.mark.slow  # several pytest and run subprocesses
def test_a_verdict_recorded_by_claims_update_passes_pytest_and_run_alike(tmp_path):
    """A fourth researcher's 18 claims passed ``run`` and 11 of them ``pytest --claims`` (quick by default): now both
    check a claim at the precision its expected= was recorded at, and --claims-update records that precision."""
    import json

    f = tmp_path / "prec_claims.py"
    f.write_text(PRECISE)
    for out in (_pytest(tmp_path, "--claims", "prec_claims.py"), _run_own(tmp_path)):
        assert out.returncode == 0, out.stdout + out.stderr  # recorded at standard: both run it there
    low = _pytest(tmp_path, "--claims", "prec_claims.py", "--claims-precision", "quick")
    assert low.returncode == 1 and "1 failed, 1 passed" in low.stdout, low.stdout
    assert ("ran at quick precision, below standard, the precision its expected= was recorded at: the difference "
            "may come from the lower precision alone; rerun at standard to decide") in low.stdout
    up = _pytest(tmp_path, "--claims", "prec_claims.py", "--claims-precision", "quick", "--claims-update")
    assert up.returncode == 0 and "claims-update: 1 recorded verdict" in up.stdout, up.stdout
    assert f.read_text() == PRECISE.replace('expected="proved",\n       method', 'expected="confirmed", '
                                            'expected_at="quick",\n       method')
    for out in (_pytest(tmp_path, "--claims", "prec_claims.py"), _run_own(tmp_path)):
        assert out.returncode == 0, out.stdout + out.stderr  # both at quick for prec24.cheap, standard for the other
    doc = json.loads((tmp_path / "r.json").read_text())
    assert doc["precision"] == "as recorded"
    assert {c["id"]: (c["precision"], c["expected_at"], c["verdict"]) for c in doc["claims"]} == {
        "prec24.cheap": ("quick", "quick", "confirmed"), "prec24.same": ("standard", "standard", "proved")}
    high = _run_own(tmp_path, "--precision", "standard")
    assert high.returncode == 1 and "ran at standard precision; its expected= was recorded at quick" in high.stdout


def test_a_lower_precision_mismatch_says_so_in_its_own_line():
    from paper_checks.api import Evidence

    c = _claim("proved")
    assert c.expected_at == "standard"  # a claim's expected= means run's precision unless it says expected_at=
    ev = Evidence("confirmed", "exact", "found nothing at this budget")
    low = verdict_problem(Result(c, ev, 0.1, precision="quick"))
    assert low.splitlines()[1].startswith("ran at quick precision, below standard, the precision its expected= was "
                                          "recorded at: the difference may come from the lower precision alone")
    assert "ran at" not in verdict_problem(Result(c, ev, 0.1, precision="standard"))
    assert verdict_problem(Result(c, Evidence("proved", "exact", "s"), 0.1, precision="quick")) is None
    assert Result(c, ev, 0.1, precision="quick").to_json()["precision_note"].startswith("ran at quick")
    assert "precision_note" not in Result(c, ev, 0.1, precision="standard").to_json()
