"""The API reference (docs/build_reference.py, the ``docs`` extra): built from the docstrings by pdoc, offline, with
pdoc's warnings and unresolved cross-references as errors, so that a broken docstring fails CI."""
from __future__ import annotations

import importlib.util
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
BUILDER = ROOT / "docs" / "build_reference.py"


def _builder():
    spec = importlib.util.spec_from_file_location("build_reference", BUILDER)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture
def module_of(tmp_path, monkeypatch):
    """A throwaway module with the given source, importable by name for the length of one test."""
    pytest.importorskip("pdoc", reason="the docs extra is not installed (pip install '.[docs]')")
    monkeypatch.syspath_prepend(str(tmp_path))

    def make(name: str, source: str) -> str:
        (tmp_path / f"{name}.py").write_text(source)
        monkeypatch.delitem(sys.modules, name, raising=False)
        return name

    yield make


def test_a_reference_that_names_nothing_is_reported(module_of):
    name = module_of("lnl_doc_broken", '"""See :func:`gone` and :class:`Here`."""\n\n\nclass Here:\n'
                                       '    """Uses :meth:`run`, :attr:`size`, :data:`math.pi`; not :meth:`walk`."""\n'
                                       '\n    size: int = 0\n\n    def run(self) -> None:\n        """Runs."""\n')
    assert _builder().unresolved_references((name,)) == [
        f"{name}.Here: :meth:`walk` names nothing", f"{name}: :func:`gone` names nothing"]


def test_a_field_a_module_path_and_a_name_of_the_documented_module_resolve(module_of):
    name = module_of("lnl_doc_fine", 'from dataclasses import dataclass\n\n'
                                     'from label_noise_lab.theory.gce import eq11_margin\n\n\n'
                                     '@dataclass\nclass Box:\n    """Has :attr:`width` (see :func:`eq11_margin`, '
                                     ':mod:`label_noise_lab.theory.gce` and '
                                     ':func:`label_noise_lab.theory.gce.eq7_width`)."""\n\n    width: float\n')
    assert _builder().unresolved_references((name,)) == []


def test_pdoc_warnings_are_problems_and_lazy_names_are_documented(module_of, tmp_path):
    """A name of ``__all__`` that resolves nowhere is pdoc's warning, reported; one served by PEP 562's
    ``__getattr__`` is bound first, so pdoc documents it."""
    name = module_of("lnl_doc_all", '"""A module."""\n__all__ = ["lazy", "missing"]\n\n\n'
                                    'def __getattr__(name):\n    if name == "lazy":\n        return len\n'
                                    '    raise AttributeError(name)\n')
    problems = _builder().build(tmp_path / "out", (name,))
    assert len(problems) == 1 and "Found 'missing' in lnl_doc_all.__all__, but it does not resolve" in problems[0]
    assert 'id="lazy"' in (tmp_path / "out" / f"{name}.html").read_text()


@pytest.mark.slow  # pdoc over the API and theory/: about 10 s
def test_the_api_reference_builds_offline_with_no_warnings(tmp_path):
    pytest.importorskip("pdoc", reason="the docs extra is not installed (pip install '.[docs]')")
    out = tmp_path / "api"
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    p = subprocess.run([sys.executable, str(BUILDER), "-o", str(out)], cwd=tmp_path, env=env, capture_output=True,
                       text=True, timeout=600)
    assert p.returncode == 0, p.stderr
    assert p.stderr == "" and "build_reference:" in p.stdout
    api = (out / "paper_checks" / "api.html").read_text()
    for documented in ('id="check"', 'id="Evidence"', 'id="SearchSpace"', 'id="figure"', 'id="Drawn"'):
        assert documented in api
    assert (out / "label_noise_lab" / "theory" / "gce.html").is_file() and (out / "index.html").is_file()
    # offline when read too: no script or stylesheet from elsewhere (pdoc's footer links to pdoc.dev, a plain link)
    for page in out.rglob("*.html"):
        text = page.read_text()
        assert 'src="http' not in text and 'rel="stylesheet" href="http' not in text, page
