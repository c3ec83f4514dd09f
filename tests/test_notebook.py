"""The example notebook (examples/getting_started.ipynb): stored without outputs, exactly as
examples/build_notebook.py writes it, and executed end to end with nbclient and a real ipykernel in the slow tests
(the ``notebook`` extra: ``pip install ".[notebook]"``)."""
from __future__ import annotations

import importlib.util
import json
import os
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = ROOT / "examples"
NOTEBOOK = EXAMPLES / "getting_started.ipynb"


def _builder():
    spec = importlib.util.spec_from_file_location("build_notebook", EXAMPLES / "build_notebook.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_the_notebook_is_stored_without_outputs():
    """Read as plain JSON (no extra needed): outputs are made by running it, never committed."""
    nb = json.loads(NOTEBOOK.read_text(encoding="utf-8"))
    code = [c for c in nb["cells"] if c["cell_type"] == "code"]
    assert code and all(c["outputs"] == [] and c["execution_count"] is None for c in code)
    assert nb["metadata"]["kernelspec"]["name"] == "python3"


@pytest.mark.slow
def test_the_stored_notebook_is_what_the_builder_writes():
    pytest.importorskip("nbformat", reason="the notebook extra is not installed (pip install '.[notebook]')")
    assert _builder().main(["--check"]) == 0, "run python examples/build_notebook.py"


def test_the_builder_refuses_unknown_arguments(capsys):
    pytest.importorskip("nbformat", reason="the notebook extra is not installed (pip install '.[notebook]')")
    assert _builder().main(["--force"]) == 2
    assert "usage: python examples/build_notebook.py [--check], got '--force'" in capsys.readouterr().err


def _outputs(cell) -> tuple[str, set[str]]:
    """The text a code cell printed or displayed, and the MIME types of its rich outputs."""
    text, kinds = [], set()
    for out in cell.get("outputs", []):
        if out["output_type"] == "stream":
            text.append(out["text"])
        elif out["output_type"] in ("execute_result", "display_data"):
            kinds |= set(out["data"])
            text.append(out["data"].get("text/markdown", "") + out["data"].get("text/html", ""))
    return "".join(text), kinds


@pytest.mark.slow  # a kernel and every cell: about 20 s
def test_the_notebook_runs_end_to_end_in_a_real_kernel(monkeypatch, tmp_path):
    nbformat = pytest.importorskip("nbformat", reason="the notebook extra is not installed (pip install '.[notebook]')")
    nbclient = pytest.importorskip("nbclient", reason="the notebook extra is not installed (pip install '.[notebook]')")
    pytest.importorskip("ipykernel", reason="the notebook extra is not installed (pip install '.[notebook]')")
    # the kernel imports this checkout (not another install) and runs in examples/, as Jupyter starts it
    monkeypatch.setenv("PYTHONPATH", os.pathsep.join([str(ROOT), os.environ.get("PYTHONPATH", "")]).rstrip(os.pathsep))
    # the kernel's connection file and IPython's profile in a folder of the test's own, not under $HOME
    monkeypatch.setenv("JUPYTER_RUNTIME_DIR", str(tmp_path / "runtime"))
    monkeypatch.setenv("IPYTHONDIR", str(tmp_path / "ipython"))
    nb = nbformat.read(NOTEBOOK, as_version=4)
    # "python3" is ipykernel's kernel spec; jupyter_client starts it with this interpreter (sys.executable)
    client = nbclient.NotebookClient(nb, timeout=300, kernel_name="python3",
                                     resources={"metadata": {"path": str(EXAMPLES)}})
    client.execute()  # raises CellExecutionError, with the cell and its traceback, on any failing cell
    code = [c for c in nb.cells if c.cell_type == "code"]
    out = [_outputs(c) for c in code]
    # the verdict table
    table, kinds = out[1]
    assert "text/markdown" in kinds
    assert "| `gce18.eq11_k02` | **refuted** | refuted |" in table and "| `gce18.eq7_bounds` | **proved** |" in table
    # the counterexample, displayed by the evidence and re-checked exactly
    text, kinds = out[2]
    assert "text/html" in kinds and "Counterexample" in text and "{'q': 1, 'k': 1/2, 'c': 10}" in text
    assert "-> -1/2" in out[3][0]
    # the figure, as an image (a PNG inside the drawn figure's HTML) with its caption
    text, kinds = out[4]
    assert "text/html" in kinds and '<img alt="figure"' in text and "data:image/png;base64," in text
    assert "plotted records" in text and "Where Eq. 11 of Zhang &amp; Sabuncu 2018 holds" in text
    # a loss of one's own, and a claim of one's own refuted
    assert "gce_plus_mae" in out[5][0] and "| unhinged | yes, C = c - 1" in out[5][0]
    assert out[6][0].startswith("refuted - ") and "text/html" in out[6][1]
