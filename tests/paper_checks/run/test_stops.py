"""A stop keeps what finished (issue 34): SIGTERM, SIGINT or SIGHUP sent to the whole process group while a worker
is busy in the prover leaves the incomplete report, even when the claims module set its own signal handlers on
import (it did: they replaced the runner's, so a group SIGTERM killed the busy worker, the run went on and wrote a
'complete' report with that claim as an error, or, with a handler that exits, no report at all)."""
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.paper_checks._procs import not_ignoring

ROOT = Path(__file__).resolve().parents[3]
HANG_GUARD = 240  # seconds: generous guards against a hang, never a measure of speed

CLAIMS = '''
import os, signal, sys
from pathlib import Path

import sympy
from paper_checks.api import Evidence, Real, SearchSpace, claim, paper, prove

HERE = Path(os.environ["STOP_DIR"])
if os.environ.get("OWN_HANDLERS") == "ignore":  # a claims module's own handlers, set on import
    for s in (signal.SIGTERM, signal.SIGHUP, signal.SIGINT):
        signal.signal(s, signal.SIG_IGN)
elif os.environ.get("OWN_HANDLERS") == "exit":
    for s in (signal.SIGTERM, signal.SIGHUP, signal.SIGINT):
        signal.signal(s, lambda *a: sys.exit(0))

paper("stops", authors="A. Nobody", year=2020, title="Stops", venue="none", source="none")


@claim("stops.quick", source="-", statement="fine", expected="confirmed", method="exact")
def quick(ctx):
    (HERE / "quick.done").write_text("1")
    return Evidence("confirmed", "exact", "fine", {})


def space():
    f = lambda x, y: sympy.sin(x * y) ** 2 + sympy.exp(x) - 1 - x - sympy.cos(y) + 1  # noqa: E731
    return SearchSpace((Real("x", 0, 3), Real("y", 0, 3)), lambda pt: float(f(pt["x"], pt["y"])),
                       lambda pt: f(pt["x"], pt["y"]))


@claim("stops.prover", source="-", statement="busy", expected="proved", method="prover")
def busy(ctx):
    (HERE / "prover.started").write_text("1")
    while True:
        prove(space(), 10**7, 600)
'''


@pytest.mark.slow
@pytest.mark.parametrize("sig,own", [(signal.SIGTERM, ""), (signal.SIGTERM, "ignore"), (signal.SIGTERM, "exit"),
                                     (signal.SIGHUP, "ignore"), (signal.SIGINT, "exit")])
def test_a_stop_sent_to_the_group_keeps_an_incomplete_report(tmp_path, sig, own):
    (tmp_path / "claims.py").write_text(CLAIMS)
    env = {**os.environ, "PYTHONPATH": str(ROOT), "STOP_DIR": str(tmp_path), "OWN_HANDLERS": own}
    p = subprocess.Popen([sys.executable, "-m", "paper_checks", "run", "--module", "claims.py", "--paper", "stops",
                          "--quiet", "--jobs", "2", "--out", "out"], cwd=tmp_path, env=env, start_new_session=True,
                         stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, preexec_fn=not_ignoring)
    try:
        end = time.monotonic() + HANG_GUARD
        while not ((tmp_path / "quick.done").exists() and (tmp_path / "prover.started").exists()):
            assert time.monotonic() < end and p.poll() is None, "the claims did not start"
            time.sleep(0.1)
        time.sleep(2.0)  # the finished claim's result reaches the parent; the prover is at work
        os.killpg(p.pid, sig)
        out, err = p.communicate(timeout=HANG_GUARD)
    finally:
        if p.poll() is None:
            os.killpg(p.pid, signal.SIGKILL)
    assert p.returncode == 128 + sig, err
    doc = json.loads((tmp_path / "out" / "report.json").read_text())
    assert doc["complete"] is False and [c["id"] for c in doc["claims"]] == ["stops.quick"], err
    assert doc["claims"][0]["verdict"] == "confirmed"
