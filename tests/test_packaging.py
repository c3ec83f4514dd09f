"""The package as the Python ecosystem sees it: pyproject.toml's console script, version, typing marker, license
and citation, read from the source tree (the environment may hold an older install of it)."""
from __future__ import annotations

import importlib
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

if sys.version_info >= (3, 11):
    tomllib = pytest.importorskip("tomllib")  # Python 3.11+
else:  # pytest itself depends on tomli below Python 3.11
    import tomli as tomllib

ROOT = Path(__file__).resolve().parents[1]
PYPROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text())
PROJECT = PYPROJECT["project"]
PACKAGES = ("paper_checks", "theory", "simulate", "figures")
#: the distribution that provides an import name, where the two differ
DISTRIBUTION = {"flint": "python-flint", "z3": "z3-solver", "sklearn": "scikit-learn", "cupy": "cupy-cuda12x",
                "array_api_compat": "array-api-compat", "array_api_strict": "array-api-strict",
                "distributed": "dask"}  # distributed: the extra "dask[distributed]"


def _entry_point(value: str):
    """The object an entry point's ``module:attr`` names, imported as an installer's wrapper would."""
    module, _, attr = value.partition(":")
    obj = importlib.import_module(module)
    for name in attr.split("."):
        obj = getattr(obj, name)
    return obj


def test_the_console_script_is_the_command_line(monkeypatch, capsys):
    """In this process: under a hash seed other than the command line's (``PYTHONHASHSEED=3 python -m pytest``) its
    ``main()`` would re-execute itself (``paper_checks/__main__.py``) and replace the test's worker: pytest-xdist's
    "node down" in two runs beside a load, where the seed, not the load, was the cause. ``keep`` runs it under the
    seed it has."""
    from paper_checks.__main__ import KEEP

    main = _entry_point(PROJECT["scripts"]["paper-checks"])
    assert callable(main)
    monkeypatch.setenv(KEEP, "keep")
    monkeypatch.setattr(sys, "argv", ["paper-checks", "--help"])  # the wrapper calls main() with no arguments
    with pytest.raises(SystemExit) as exc:
        main()
    assert exc.value.code == 0
    assert "list" in capsys.readouterr().out  # the subcommands of python -m paper_checks


def test_the_version_is_pyprojects():
    import paper_checks

    assert paper_checks.__version__ == PROJECT["version"]


def test_a_source_tree_that_is_not_installed_has_a_version(monkeypatch):
    """``0+unknown``, a valid version (PEP 440 local label), rather than an import error; the package's
    ``__init__`` runs in a namespace of its own, leaving the imported package as it is."""
    import importlib.metadata

    def missing(name):
        raise importlib.metadata.PackageNotFoundError(name)

    monkeypatch.setattr(importlib.metadata, "version", missing)
    init = ROOT / "paper_checks" / "__init__.py"
    namespace: dict = {}
    exec(compile(init.read_text(), str(init), "exec"), namespace)
    assert namespace["__version__"] == "0+unknown"


@pytest.mark.parametrize("package", PACKAGES)
def test_each_package_is_marked_typed_and_ships_the_marker(package):
    """PEP 561's empty ``py.typed``, named as package data so that the wheel carries it."""
    assert (ROOT / package / "py.typed").is_file()
    name = package if package == "paper_checks" else f"label_noise_lab.{package}"  # the import name (issue 67)
    assert "py.typed" in PYPROJECT["tool"]["setuptools"]["package-data"].get(name, [])


def test_the_classifiers_agree_with_requires_python_and_the_typing_marker():
    versions = [c.rsplit(" ", 1)[1] for c in PROJECT["classifiers"]
                if re.fullmatch(r"Programming Language :: Python :: 3\.\d+", c)]
    assert PROJECT["requires-python"] == f">={min(versions, key=lambda v: int(v.split('.')[1]))}"
    assert "Typing :: Typed" in PROJECT["classifiers"]


def _cff(key: str) -> str:
    """A top-level scalar of CITATION.cff (plain or double-quoted YAML; the file keeps to those)."""
    m = re.search(rf"^{key}: *(.*)$", (ROOT / "CITATION.cff").read_text(), re.MULTILINE)
    assert m, f"CITATION.cff has no {key!r}"
    return m.group(1).strip().strip('"')


def test_the_license_and_the_citation_ship_with_the_package():
    assert PROJECT["license"] == "MIT"
    assert "MIT License" in (ROOT / "LICENSE").read_text()
    assert set(PROJECT["license-files"]) == {"LICENSE", "CITATION.cff"}  # the sdist and .dist-info/licenses/
    assert all((ROOT / f).is_file() for f in PROJECT["license-files"])


def test_the_citation_names_pyprojects_version_and_license():
    assert _cff("cff-version") == "1.2.0"
    assert _cff("version") == PROJECT["version"]
    assert _cff("license") == PROJECT["license"]


def test_the_citation_names_the_toolkit_as_the_reports_bibtex_entry_does():
    """A report's own entry in report.bib has the toolkit as author and its name and version in the note: the
    title and version CITATION.cff gives."""
    from paper_checks.report.citing import report_entry

    doc = {"version": PROJECT["version"], "precision": "quick", "seed": 0, "claims": [],
           "provenance": {"run_id": "r", "date": "2026-01-01T00:00:00"}}
    entry = report_entry(doc)
    assert f"author = {{{{{_cff('title')}}}}}" in entry
    assert f"note = {{{_cff('title')} {_cff('version')}, " in entry


def _requirement_names(requirements: list[str]) -> set[str]:
    return {re.match(r"[A-Za-z0-9_.-]+", r).group(0).lower().replace("_", "-") for r in requirements}


#: an import statement on a line of its own: ``from X... import`` or ``import X[.y] [as z][, ...]`` (prose in
#: docstrings, "import the ...", does not end the way the second form must); its indent tells a module's top
IMPORT = re.compile(r"^([ \t]*)(?:from[ \t]+(\w+)[\w.]*[ \t]+import\b"
                    r"|import[ \t]+(\w[\w.]*(?:[ \t]+as[ \t]+\w+)?(?:[ \t]*,[ \t]*[\w.]+(?:[ \t]+as[ \t]+\w+)?)*)"
                    r"[ \t]*(?:#.*)?$)", re.MULTILINE)


def _third_party_imports() -> dict[str, set[str]]:
    """``{import name: {"top" and/or "inner"}}`` of every package the four import that is neither the standard
    library nor one of them: "top" for an import at a module's top, "inner" for an indented one (in a function; a
    regular expression over the text, 60 times quicker than parsing every module)."""
    found: dict[str, set[str]] = {}
    for package in PACKAGES:
        for f in (ROOT / package).rglob("*.py"):
            for m in IMPORT.finditer(f.read_text()):
                names = [m.group(2)] if m.group(2) else [s.split()[0].split(".")[0] for s in m.group(3).split(",")]
                for name in names:
                    if name not in sys.stdlib_module_names and name not in (*PACKAGES, "label_noise_lab"):
                        found.setdefault(name, set()).add("inner" if m.group(1) else "top")
    return found


def test_every_imported_package_is_declared():
    """An import at a module's top needs a dependency (pytest only in the pytest plugin, which pytest loads); one
    inside a function, a dependency or an extra (hypothesis, CuPy, Dask, scikit-learn: imported where used)."""
    core = _requirement_names(PROJECT["dependencies"])
    extras = set().union(*map(_requirement_names, PROJECT["optional-dependencies"].values()))
    missing = []
    for name, where in sorted(_third_party_imports().items()):
        dist = DISTRIBUTION.get(name, name)
        if dist not in core and not (dist in extras and (where == {"inner"} or name == "pytest")):
            missing.append(f"{name} ({dist}, imported {'at a module top' if 'top' in where else 'inside a function'})")
    assert not missing, f"imported but not declared in pyproject.toml: {missing}"


def test_hosted_ci_runs_the_local_ci_script():
    """Issue 67: a hosted-CI workflow, as Python projects ship one, runs exactly what a local check runs."""
    workflow = (ROOT / ".github" / "workflows" / "ci.yml").read_text()
    assert "run: bash .ci/run" in workflow and "actions/checkout" in workflow


def test_project_urls_only_where_a_public_address_is_named():
    """Absolute project URLs in the metadata come from the one public address the repository names (CITATION.cff's
    repository-code); with none named, none is guessed."""
    tomllib = pytest.importorskip("tomllib")  # Python 3.11+

    meta = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    cff = (ROOT / "CITATION.cff").read_text()
    address = re.search(r"^repository-code:\s*\"?(\S+?)\"?\s*$", cff, re.M)
    urls = meta.get("urls", {})
    if address is None:
        assert not urls
    else:
        assert all(u.startswith(address[1]) for u in urls.values()) and urls


#: a researcher's working folder: modules named as the repository's directories (issue 67)
SHADOWS = {"simulate.py": "raise ImportError('the user simulate.py was imported')\n",
           "figures.py": "raise ImportError('the user figures.py was imported')\n",
           "theory.py": "raise ImportError('the user theory.py was imported')\n"}


def _in_a_folder_of_shadows(tmp_path: Path, *args: str) -> subprocess.CompletedProcess[str]:
    for name, text in SHADOWS.items():
        (tmp_path / name).write_text(text)
    env = {**os.environ, "PYTHONPATH": str(ROOT)}  # the checkout, as an installed copy would be found
    return subprocess.run([sys.executable, *args], cwd=tmp_path, env=env, capture_output=True, text=True, timeout=300)


def test_a_folder_with_simulate_figures_and_theory_py_shadows_nothing(tmp_path):
    """The project's own names (label_noise_lab.theory, .simulate, .figures) import from a folder holding a user's
    simulate.py, figures.py and theory.py; the old top-level names imported the user's files."""
    code = ("import paper_checks.cli, label_noise_lab.theory.gce, label_noise_lab.simulate.engine, "
            "label_noise_lab.figures.registry; print('ok')")
    p = _in_a_folder_of_shadows(tmp_path, "-c", code)
    assert p.returncode == 0 and p.stdout.strip() == "ok", p.stderr[-2000:]


@pytest.mark.slow  # the whole registry loads: about 3 CPU-s
def test_list_runs_in_a_folder_with_simulate_figures_and_theory_py(tmp_path):
    """Issue 67: ``python -m paper_checks list`` failed there with "'simulate' is not a package"."""
    p = _in_a_folder_of_shadows(tmp_path, "-m", "paper_checks", "list", "--short")
    assert p.returncode == 0 and re.search(r"\b(\d+) of \1 claims", p.stdout), p.stdout[-500:] + p.stderr[-2000:]
    assert "Traceback" not in p.stderr, p.stderr[-2000:]


def test_one_copy_from_the_checkout_root():
    """From the repository root (README's test command, .ci/run's venv) every name imports the checkout's one copy:
    label_noise_lab's subpackages are the root's directories, never a second, installed copy beside them."""
    code = ("import label_noise_lab.theory.gce as g, label_noise_lab.simulate as s, label_noise_lab.figures as f, "
            "paper_checks as p; print('\\n'.join(m.__file__ for m in (g, s, f, p)))")
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=120,
                         check=True).stdout.split()
    assert all(Path(f).resolve().is_relative_to(ROOT) for f in out), out
