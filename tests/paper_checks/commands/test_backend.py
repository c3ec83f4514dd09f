"""The backend is honoured or refused by one rule in every command (issue 67): ``run``, ``stability``, ``explore``
and ``python -m label_noise_lab.figures`` read ``--backend`` (or ``$LNL_BACKEND``) through
:func:`paper_checks.commands.common.resolve_backend`; an unknown name, or CuPy where none is usable, is one line and
exit 2, never a silent NumPy run."""
from __future__ import annotations

import pytest

from label_noise_lab.figures.__main__ import main as figures_main
from label_noise_lab.simulate.engine.devices import cupy_available
from paper_checks.cli import main
from paper_checks.commands.common import UsageError, resolve_backend

no_cupy = pytest.mark.skipif(cupy_available(), reason="CuPy is usable here: nothing to refuse")


def test_an_unknown_name_is_a_usage_error():
    with pytest.raises(UsageError, match="unknown backend 'cuda'"):
        resolve_backend("cuda")


def test_numpy_is_honoured(monkeypatch):
    monkeypatch.delenv("LNL_BACKEND", raising=False)
    assert resolve_backend("numpy").name == "numpy"


@no_cupy
@pytest.mark.parametrize("argv", [["run", "--claim", "gce18.eq11_k03", "--json", "{tmp}/r.json"],
                                  ["explore", "gce18.eq11_k03", "--budget", "10"],
                                  ["stability", "--claim", "gce18.eq11_k03"]])
def test_every_command_refuses_cupy_from_the_environment_alike(argv, monkeypatch, capsys, tmp_path):
    monkeypatch.setenv("LNL_BACKEND", "cupy")
    assert main([a.replace("{tmp}", str(tmp_path)) for a in argv]) == 2
    err = capsys.readouterr().err.strip()
    assert err.startswith("error: $LNL_BACKEND: backend 'cupy' was asked for") and "\n" not in err


@no_cupy
def test_figures_refuse_cupy_as_run_does(monkeypatch, capsys):
    monkeypatch.setenv("LNL_BACKEND", "cupy")
    assert figures_main(["--list"]) == 2
    assert capsys.readouterr().err.startswith("error: $LNL_BACKEND: backend 'cupy' was asked for")


@no_cupy
def test_explore_takes_backend_as_run_does(capsys):
    assert main(["explore", "gce18.eq11_k03", "--backend", "cupy"]) == 2
    assert capsys.readouterr().err.startswith("error: --backend: backend 'cupy' was asked for")
