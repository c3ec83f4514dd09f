"""``loss`` and ``losses`` on the command line: formulas are never evaluated (issue 18), bad input is one line and
exit 2, a formula may start with '-' and ``--name`` names it (issue 21)."""
from __future__ import annotations

import json
import shutil
import time

import pytest

from paper_checks.cli import main
from tests.theory.test_expressions import CANARY, CODE_PROBES, SPEC_PROBES, probe_id

QUICK = ["--classes", "2..3", "--precision", "quick"]


@pytest.fixture(autouse=True, scope="module")
def _remove_the_canary_folder():
    CANARY.parent.mkdir(exist_ok=True)
    yield
    shutil.rmtree(CANARY.parent, ignore_errors=True)


def _one_line_error(capsys) -> str:
    err = capsys.readouterr().err
    assert len(err.strip().splitlines()) == 1 and "Traceback" not in err, err
    return err


@pytest.mark.parametrize("text", CODE_PROBES, ids=probe_id)
def test_loss_refuses_code_in_one_line(text, capsys):
    assert main(["loss", text, *QUICK]) == 2
    assert "cannot parse the loss" in _one_line_error(capsys)
    assert not CANARY.exists()


@pytest.mark.parametrize("spec", SPEC_PROBES, ids=probe_id)
def test_losses_refuses_code_in_a_spec(spec, capsys):
    assert main(["losses", "--loss", spec, *QUICK]) == 2
    assert "parameter q must be a number" in _one_line_error(capsys)
    assert not CANARY.exists()


@pytest.mark.parametrize("args", [["loss", "p**(10**9)"], ["loss", "10**(10**9)*p"], ["loss", "factorial(10**9)*p"],
                                  ["losses", "--loss", "gce:q=10**10**9"], ["losses", "--loss", "taylor:t=10**9"]])
def test_hang_probes_end_at_once(args, capsys):
    t = time.perf_counter()
    assert main([*args, *QUICK]) == 2
    _one_line_error(capsys)
    assert time.perf_counter() - t < 5.0


@pytest.mark.slow
def test_a_formula_may_start_with_a_minus_and_be_named(tmp_path, capsys):
    js = tmp_path / "ce.json"
    assert main(["loss", "-log(p)", *QUICK, "--name", "my_ce", "--json", str(js)]) == 0
    assert "| my_ce |" in capsys.readouterr().out
    assert [x["loss"] for x in json.loads(js.read_text())["losses"]] == ["my_ce"]
    assert main(["loss", *QUICK, "-p"]) == 0  # after the options too
    assert "| user |" in capsys.readouterr().out


@pytest.mark.parametrize("name", ["", "a b", "x" * 41, "<b>"])
def test_bad_names_are_usage_errors(name, capsys):
    assert main(["loss", "1 - p", *QUICK, "--name", name]) == 2
    assert "--name" in _one_line_error(capsys)


def test_unknown_single_dash_options_of_other_commands_are_still_errors(capsys):
    assert main(["losses", "-x"]) == 2
    _one_line_error(capsys)
