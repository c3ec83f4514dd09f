"""The stability command: seed parsing, claim selection, main effects, verdict tables."""
import json

import pytest

from paper_checks.cli import main
from paper_checks.context import Context
from paper_checks.evidence import Evidence
from paper_checks.registry import Claim
from paper_checks.run import stability as st


@pytest.mark.parametrize("text, seeds", [("0..3", [0, 1, 2, 3]), ("0,3,5", [0, 3, 5]), ("0..1,7", [0, 1, 7]),
                                         ("4", [4])])
def test_parse_seeds(text, seeds):
    assert st.parse_seeds(text) == seeds


@pytest.mark.parametrize("bad", ["", "a..b", "3..1", "-1", "0..2,1", "1.5"])
def test_bad_seeds_quote_the_text(bad):
    with pytest.raises(ValueError, match="seed"):
        st.parse_seeds(bad)


def test_negative_seeds_on_the_command_line_are_read_and_refused(capsys):
    """``stability --seeds -3..-1`` said "expected one argument" (argparse took -3..-1 for an option)."""
    assert main(["stability", "--seeds", "-3..-1"]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "cannot read seeds '-3..-1'" in err


def test_default_selection_is_the_stochastic_claims():
    claims = st.stochastic_claims()
    assert claims and all(c.method in ("sim", "mc") for c in claims)
    assert "gce18.softmax_gap" in {c.id for c in claims} and "gce18.eq7_bounds" not in {c.id for c in claims}
    assert [c.id for c in st.stochastic_claims(["gce18.eq7_bounds"])] == ["gce18.eq7_bounds"]
    with pytest.raises(ValueError, match="unknown claim id 'x.y'"):
        st.stochastic_claims(["x.y"])


def test_main_effect_prefers_a_named_one_then_the_first_estimate():
    nums = {"settings": {"seeds": 3}, "a": {"b": {"mean": 1.0, "stderr": 0.1, "n": 3}},
            "c": {"mean": 2.0, "stderr": 0.2}}
    assert st.main_effect(nums) == ("a/b", 1.0, 0.1)
    nums["main_effect"] = {"name": "x", "mean": 5.0, "stderr": 0.5}
    assert st.main_effect(nums) == ("main_effect", 5.0, 0.5)
    assert st.main_effect({"flag": True, "list": [{"mean": 3, "stderr": 1}]}) == ("list[0]", 3.0, 1.0)
    assert st.main_effect({"mean": True, "stderr": 1}) is None


def _fake_claim(verdict_of_seed):
    def check(ctx: Context) -> Evidence:
        v = verdict_of_seed(ctx.seed)
        return Evidence(v, "sim", f"seed {ctx.seed}", numbers={"main_effect": {"mean": float(ctx.seed), "stderr": 0.5}},
                        condition="c" if v == "qualified" else None)
    return Claim("gce18.fake", "gce18", "src", "stmt", "confirmed", "sim", check)


def test_run_stability_counts_verdicts_and_flags_changes():
    from label_noise_lab.simulate.engine.devices import get_backend
    steady = _fake_claim(lambda s: "confirmed")
    moving = _fake_claim(lambda s: "confirmed" if s % 2 == 0 else "qualified")
    seen = []
    rows = st.run_stability([steady, moving], [0, 1, 2], "quick", get_backend("numpy"),
                            on_result=lambda cs, s: seen.append(s))
    assert seen == [0, 1, 2, 0, 1, 2]
    assert rows[0].stable and not rows[1].stable
    assert dict(rows[1].counts) == {"confirmed": 2, "qualified": 1}
    sp = rows[1].effect_spread()
    assert (sp["min"], sp["max"], sp["mean"], sp["largest_stderr"]) == (0.0, 2.0, 1.0, 0.5)
    md = st.markdown(rows, [0, 1, 2], "quick", "numpy")
    assert "**UNSTABLE**" in md and "1 of 2 claims gave one verdict on every seed; unstable: gce18.fake." in md
    assert json.loads(json.dumps(rows[1].to_json()))["verdict_counts"] == {"confirmed": 2, "qualified": 1}


@pytest.mark.slow
def test_cli_stability_on_one_cheap_claim(tmp_path, capsys):
    md, js = tmp_path / "s.md", tmp_path / "s.json"
    code = main(["stability", "--seeds", "0..1", "--precision", "quick", "--claim", "patrini17.backward_conditioning",
                 "--md", str(md), "--json", str(js)])
    out = capsys.readouterr().out
    doc = json.loads(js.read_text())
    assert code == (0 if doc["claims"][0]["stable"] else 1)
    assert doc["seeds"] == [0, 1] and "patrini17.backward_conditioning" in out and md.read_text().strip() in out
    assert main(["stability", "--seeds", "x"]) == 2
    assert "cannot read seeds 'x'" in capsys.readouterr().err


def test_merge_combines_partial_runs_and_refuses_mismatches(tmp_path, capsys):
    a = [st.ClaimStability("gce18.softmax_gap", "confirmed", {0: "confirmed", 1: "qualified"},
                           {0: ("x", 1.0, 0.1), 1: ("x", 2.0, 0.2)})]
    b = [st.ClaimStability("ghosh17.bounded_more_robust", "confirmed", {0: "confirmed", 1: "confirmed"},
                           {0: ("y", 3.0, 0.1), 1: ("y", 3.5, 0.1)})]
    st.write_json(a, [0, 1], "standard", "numpy", tmp_path / "a.json")
    st.write_json(b, [0, 1], "standard", "numpy", tmp_path / "b.json")
    md = tmp_path / "m.md"
    assert main(["stability", "--merge", str(tmp_path / "a.json"), str(tmp_path / "b.json"), "--md", str(md)]) == 1
    text = md.read_text()
    # registry order: ghosh17 before gce18.softmax_gap; the recorded spread is carried over
    assert text.index("ghosh17.bounded_more_robust") < text.index("gce18.softmax_gap")
    assert "`x`: 1 .. 2" in text and "**UNSTABLE**" in text
    st.write_json(b, [0, 1, 2], "standard", "numpy", tmp_path / "c.json")
    assert main(["stability", "--merge", str(tmp_path / "a.json"), str(tmp_path / "c.json")]) == 2
    assert "cannot merge" in capsys.readouterr().err


@pytest.mark.slow
def test_stability_on_two_workers_gives_the_serial_table(tmp_path):
    """The (claim, seed) runs spread over a process pool; only the timings may differ."""
    common = ["stability", "--seeds", "0..1", "--precision", "quick",
              "--claim", "patrini17.backward_conditioning", "gce18.softmax_gap"]
    tables = []
    for jobs in ("1", "2"):
        js = tmp_path / f"s{jobs}.json"
        main([*common, "--jobs", jobs, "--json", str(js)])
        doc = json.loads(js.read_text())
        for c in doc["claims"]:
            c.pop("seconds")
        tables.append(doc)
    assert tables[0] == tables[1]
    assert [c["id"] for c in tables[0]["claims"]] == ["patrini17.backward_conditioning", "gce18.softmax_gap"]


# ---------------------------------------------------------------- limits, stops and outputs (issue 18, 21)

STAB = '''
import time
from pathlib import Path
from paper_checks.api import Evidence, claim, paper

paper("stab", authors="A. Nobody", year=2020, title="Stability checks", venue="none", source="none")


@claim("stab.fast", source="-", statement="fine", expected="confirmed", method="mc")
def fast(ctx):
    return Evidence("confirmed", "mc", "fine", {"mean": 0.1 * ctx.seed, "stderr": 0.01})


@claim("stab.slow", source="-", statement="slow after seed 0", expected="confirmed", method="mc")
def slow(ctx):
    if ctx.seed > 0:  # the run's cwd: the test knows seed 0 is done (a worker takes the next task only then)
        Path(f"slow_started_{ctx.seed}").touch()
        time.sleep(60)
    return Evidence("confirmed", "mc", "fine", {"mean": 0.0, "stderr": 0.01})
'''


def _stability(tmp_path, *args):
    import os
    import subprocess
    import sys
    from pathlib import Path

    (tmp_path / "stab_claims.py").write_text(STAB)
    root = Path(__file__).resolve().parents[3]
    return subprocess.Popen([sys.executable, "-m", "paper_checks", "stability", "--module",
                             str(tmp_path / "stab_claims.py"), "--paper", "stab", "--quiet", "--jobs", "1", *args],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=tmp_path,
                            env={**os.environ, "PYTHONPATH": str(root)})


def test_huge_seed_ranges_are_refused_before_any_list():
    import time

    t0 = time.monotonic()
    with pytest.raises(ValueError, match="at most 10000"):
        st.parse_seeds("0..1000000000")
    with pytest.raises(ValueError, match="seed"):
        st.parse_seeds("0..10**9")
    assert time.monotonic() - t0 < 30  # a list of 10**9 seeds would take minutes and gigabytes: no timing race


def test_stability_checks_its_outputs_before_running(tmp_path, capsys):
    for argv in (["stability", "--seeds", "0..1000000000"], ["stability", "--json", str(tmp_path)],
                 ["stability", "--md", str(tmp_path / "no" / "such" / "x.md"), "--json", str(tmp_path / "n" / "x")],
                 ["stability", "--out", str(tmp_path / "f.txt")], ["stability", "--paper", "nobody"]):
        (tmp_path / "f.txt").write_text("a file")
        assert main(argv) == 2, argv
        err = capsys.readouterr().err
        assert err.startswith("error:") and len(err.strip().splitlines()) == 1, err


@pytest.mark.slow
def test_stability_time_limit_and_out_folder(tmp_path):
    # 5 s: ample for stab.fast on a loaded machine; stab.slow on seed 1 sleeps 60 s
    p = _stability(tmp_path, "--seeds", "0..1", "--timeout", "5", "--out", str(tmp_path / "st"))
    out, err = p.communicate(timeout=60)
    assert p.returncode == 1, err  # stab.slow: confirmed on seed 0, error (timed out) on seed 1
    doc = json.loads((tmp_path / "st" / "stability.json").read_text())
    rows = {r["id"]: r for r in doc["claims"]}
    assert rows["stab.fast"]["stable"] and rows["stab.slow"]["verdicts"] == {"0": "confirmed", "1": "error"}
    assert "**UNSTABLE**" in (tmp_path / "st" / "stability.md").read_text()


@pytest.mark.slow
def test_sigterm_keeps_the_finished_seeds(tmp_path):
    import signal
    import time

    p = _stability(tmp_path, "--seeds", "0..2", "--json", str(tmp_path / "s.json"))
    try:
        deadline = time.time() + 120
        while not (tmp_path / "slow_started_1").exists() and time.time() < deadline:  # stab.slow seed 0 is done
            time.sleep(0.1)
        p.send_signal(signal.SIGTERM)
        out, err = p.communicate(timeout=30)
    finally:
        if p.poll() is None:
            p.kill()
    assert p.returncode == 143, err
    assert err.startswith("interrupted: 4 of 6 runs finished") and "Traceback" not in err
    doc = json.loads((tmp_path / "s.json").read_text())
    assert doc["complete"] is False and {r["id"]: r["verdicts"] for r in doc["claims"]} == {
        "stab.fast": {"0": "confirmed", "1": "confirmed", "2": "confirmed"}, "stab.slow": {"0": "confirmed"}}
