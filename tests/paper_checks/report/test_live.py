"""A run's verdict lines as they come: a header, one line per claim in the order they finish, the counts."""
from __future__ import annotations

import json

import pytest

from label_noise_lab.simulate.engine.devices import get_backend
from paper_checks.cli import main
from paper_checks.evidence import Evidence
from paper_checks.registry import Claim
from paper_checks.report.live import LiveTable
from paper_checks.run.runner import run_all


def _check(ctx) -> Evidence:
    return Evidence("confirmed", "exact", "fine")


def _claim(name: str, expected: str = "confirmed") -> Claim:
    return Claim(f"fake.{name}", "fake", "-", "-", expected, "exact", _check, space=lambda: None)


def test_each_line_is_printed_as_its_result_comes(capsys):
    claims = [_claim("first"), _claim("second_longer_name", expected="refuted")]
    seen = []
    live = LiveTable(claims, {}, jobs=1)

    def on_result(r):
        live.add(r)
        seen.append(capsys.readouterr().out)  # printed at once, before the next claim runs

    live.open()
    results = run_all(claims, "standard", 0, get_backend("numpy"), show_progress=False, on_result=on_result)
    live.close()
    assert seen[0].splitlines()[0].startswith("2 claims on 1 worker: about ")  # the estimate, off a terminal
    assert seen[0].splitlines()[1].split() == ["claim", "verdict", "summary"]
    assert seen[0].splitlines()[-1].split() == ["fake.first", "confirmed", "fine"]
    assert seen[1].split() == ["fake.second_longer_name", "confirmed!=refuted", "fine"]
    assert seen[0].splitlines()[-1].index("confirmed") == seen[1].index("confirmed")  # one column width
    closing = capsys.readouterr().out.splitlines()
    assert closing[-1] == "confirmed: 2  (1/2 as expected)" and set(closing[-2]) == {"-"}
    assert [r.claim.id for r in results] == [c.id for c in claims]


@pytest.mark.slow
def test_a_run_prints_rows_then_the_summary_and_no_bar_off_a_terminal(tmp_path, capsys):
    code = main(["run", "--claim", "ghosh17.sum_mae", "gce18.limit_q0", "--precision", "quick", "--jobs", "1",
                 "--no-figures", "--out", str(tmp_path)])
    out, err = capsys.readouterr()
    doc = json.loads((tmp_path / "report.json").read_text())
    assert code == (0 if all(c["verdict"] == c["expected"] for c in doc["claims"]) else 1)
    lines = out.splitlines()
    assert lines.pop(0).startswith("2 claims on 1 worker: about ")  # the run's estimate opens a log (issue 67)
    assert lines[0].startswith("claim") and set(lines[1]) == {"-"}
    assert sorted(line.split()[0] for line in lines[2:4]) == ["gce18.limit_q0", "ghosh17.sum_mae"]
    assert set(lines[4]) == {"-"} and "as expected)" in lines[5] and lines[-1].startswith("wrote ")
    assert "\r" not in out + err and err == ""  # stderr is no terminal here: no bar


def test_the_estimate_counts_recorded_seconds_over_the_workers_and_names_the_figures(capsys):
    claims = [_claim("a"), _claim("b"), _claim("c")]
    live = LiveTable(claims, {"fake.a": 60.0, "fake.b": 30.0, "fake.c": 30.0}, jobs=2, steps=5)
    assert live.estimate() == "3 claims on 2 workers: about 1:00 by their recorded seconds, then 2 figures"
    live.open()
    assert capsys.readouterr().out.splitlines()[0] == live.estimate()  # stdout is no terminal here
