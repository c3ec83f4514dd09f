"""The command line's entry (paper_checks/__main__.py): every command runs under one hash seed, so that SymPy's set
order, and with it the prover's counted work and route, is the same on any machine."""
from __future__ import annotations

import os
import subprocess
import sys

import pytest

from paper_checks import __main__ as entry

_SHOW = ("import os, sys; from paper_checks.__main__ import fix_hash_seed; fix_hash_seed(); "
         "print(os.environ.get('PYTHONHASHSEED'), hash('label noise'))")


def _run(env_seed: str | None, keep: bool = False) -> str:
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONHASHSEED", entry.KEEP)}
    if env_seed is not None:
        env["PYTHONHASHSEED"] = env_seed
    if keep:
        env[entry.KEEP] = "keep"
    return subprocess.run([sys.executable, "-c", _SHOW], env=env, capture_output=True, text=True, timeout=120,
                          check=True).stdout.strip()


@pytest.mark.slow
@pytest.mark.skipif(os.name != "posix", reason="exec replaces the process on POSIX only")
def test_a_command_runs_under_one_hash_seed_whatever_the_interpreter_s():
    runs = {_run(seed) for seed in (None, "1", "7", "0")}
    assert len(runs) == 1 and runs.pop().startswith(entry.HASH_SEED + " ")


@pytest.mark.skipif(os.name != "posix", reason="exec replaces the process on POSIX only")
def test_keep_runs_under_the_interpreter_s_own_seed():
    assert _run("7", keep=True).startswith("7 ")
    assert _run("7", keep=True) != _run("0", keep=True)


def test_no_exec_where_the_seed_is_already_fixed(monkeypatch):
    calls = []
    monkeypatch.setattr(entry.os, "execve", lambda *a: calls.append(a))
    monkeypatch.setenv("PYTHONHASHSEED", entry.HASH_SEED)
    entry.fix_hash_seed()
    assert calls == []
    monkeypatch.setenv("PYTHONHASHSEED", "3")
    monkeypatch.setattr(entry.sys, "orig_argv", [sys.executable, "-m", "paper_checks", "list"])
    entry.fix_hash_seed()
    assert calls and calls[0][1] == [sys.executable, "-m", "paper_checks", "list"]
    assert calls[0][2]["PYTHONHASHSEED"] == entry.HASH_SEED
