"""Issue 67: install and import theory/, simulate/ and figures/ as label_noise_lab.theory, label_noise_lab.simulate and
label_noise_lab.figures (paper_checks stays paper_checks), so that a user's simulate.py, figures.py or theory.py in
the current folder, or another distribution's `theory` package, can no longer shadow them.

Run from the repository root: `python .ci/namespace.py`. It is idempotent (a second run changes nothing), so it can be
re-applied after merging branches written against the old names. The repository's layout stays: the directories
keep their names; setup.py maps the import names onto them (package_dir), and label_noise_lab/__init__.py makes the
same names resolve in a checkout that is not installed. To re-apply over a main that moved: rebase, take main's side
of any file the rename touched and conflicts, run this script, run ruff and the tests.
"""
from __future__ import annotations

import io
import re
import subprocess
import sys
import tokenize
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
NS = "label_noise_lab"
OLD = ("theory", "simulate", "figures")
#: the file kinds whose text names modules
TEXT = (".py", ".md", ".toml", ".ipynb", ".yml", ".cfg", ".txt", ".rst")
#: files left alone: the changelog's history, this script, generated data
SKIP = {"docs/changelog.md", ".ci/namespace.py"}
#: ``theory.gce``, ``simulate.engine.namespace``: a dotted module path, not a file name (figures.py) nor a path
DOTTED = re.compile(r"(?<![\w/.\-])(theory|simulate|figures)(?=\.[a-z_])"
                    r"(?!\.(?:py|md|png|pdf|svg|csv|txt|json|ipynb|html|tex|bib)\b)")
#: ``from theory import x`` / ``import simulate`` at the start of a code line (Python, a doctest, a notebook cell)
IMPORT = re.compile(r"(?m)^(\s*(?:>>> |\.\.\. |\")?\s*)(from|import) (theory|simulate|figures)(?=[\s,;.]|\\n|$)")
#: ``python -m figures``
DASH_M = re.compile(r"(-m )(figures)\b(?!/)")


def tracked() -> list[Path]:
    out = subprocess.run(["git", "ls-files"], cwd=ROOT, capture_output=True, text=True, check=True).stdout
    return [ROOT / p for p in out.splitlines() if p.endswith(TEXT) and p not in SKIP and (ROOT / p).is_file()]


def rename(text: str) -> str:
    text = DOTTED.sub(rf"{NS}.\1", text)
    text = IMPORT.sub(rf"\1\2 {NS}.\3", text)
    text = DASH_M.sub(rf"\1{NS}.\2", text)
    return text


WIDTH = 120


#: a comment that is a linter's or type checker's pragma, and the words after it
PRAGMA = re.compile(r"^(#\s*(?:noqa|type:\s*ignore)(?::\s*[A-Z]+\d+(?:\s*,\s*[A-Z]+\d+)*|\[[^\]]*\])?)\s*(.*)$")
#: a trailing comment's line and column, of the file :func:`_prose_lines` read last
TRAILING: dict[int, int] = {}


def _prose_lines(text: str) -> set[int]:
    """The 1-based numbers of the lines of ``text`` (Python) that are a comment alone or inside a docstring (a string
    that is a statement of its own), where a line may be broken at a space without changing the program."""
    out: set[int] = set()
    TRAILING.clear()
    prev = tokenize.NEWLINE
    try:
        for tok in tokenize.generate_tokens(io.StringIO(text).readline):
            if tok.type == tokenize.COMMENT and tok.line.lstrip().startswith("#"):
                out.add(tok.start[0])
            elif tok.type == tokenize.COMMENT:
                TRAILING[tok.start[0]] = tok.start[1]
            elif tok.type == tokenize.STRING and prev in (tokenize.NEWLINE, tokenize.INDENT, tokenize.DEDENT,
                                                          tokenize.ENCODING, tokenize.NL):
                out.update(range(tok.start[0] + (tok.start[0] == tok.end[0]), tok.end[0] + 1))
                if tok.start[0] == tok.end[0]:
                    out.add(tok.start[0])
            if tok.type not in (tokenize.NL, tokenize.COMMENT):
                prev = tok.type
    except (tokenize.TokenError, SyntaxError):
        return set()
    return out


def wrap(text: str) -> str:
    """``text`` (Python) with each comment line and docstring line over :data:`WIDTH` columns broken at its last space
    within them: a comment continues as a comment, a docstring line at the same indentation (a doctest line, ``>>>``
    or ``...``, is left whole)."""
    lines = text.split("\n")
    prose = _prose_lines(text)
    out = []
    for k, line in enumerate(lines, start=1):
        if len(line) > WIDTH and k in TRAILING and k not in prose:  # a trailing comment moves above its code line
            code, comment = line[:TRAILING[k]].rstrip(), line[TRAILING[k]:]
            indent = code[:len(code) - len(code.lstrip())]
            pragma = PRAGMA.match(comment)  # ``# noqa: F401`` and ``# type: ignore[...]`` stay on their line
            if pragma and ("noqa" in pragma[2] or "type:" in pragma[2]):  # two pragmas: left whole
                code, comment = line, ""
            elif pragma:
                code, comment = f"{code}  {pragma[1]}", (f"# {pragma[2]}" if pragma[2] else "")
            if comment:
                out.extend(wrap_comment(indent + comment))
            line = code
        while len(line) > WIDTH and k in prose:
            body = line.lstrip()
            indent = line[:len(line) - len(body)]
            if body.startswith((">>>", "...")):
                break
            lead = indent + ("# " if body.startswith("#") else "")
            cut = line.rfind(" ", len(lead) + 1, WIDTH + 1)
            if cut <= len(lead):
                break
            out.append(line[:cut].rstrip())
            line = lead + line[cut + 1:]
        out.append(line)
    return "\n".join(out)


def wrap_comment(line: str) -> list[str]:
    """A comment line broken at spaces within :data:`WIDTH` columns, each part a comment."""
    body = line.lstrip()
    lead = line[:len(line) - len(body)] + "# "
    out = []
    while len(line) > WIDTH:
        cut = line.rfind(" ", len(lead) + 1, WIDTH + 1)
        if cut <= len(lead):
            break
        out.append(line[:cut].rstrip())
        line = lead + line[cut + 1:]
    return [*out, line]


SHIM = f'''"""The import namespace of label-noise-lab: ``{NS}.theory``, ``{NS}.simulate`` and
``{NS}.figures`` (the repository's ``theory/``, ``simulate/`` and ``figures/``), names of its own that a
user's ``theory.py``, ``simulate.py`` or ``figures.py``, or another distribution's package, cannot shadow (issue 67).

Installed, setup.py's ``package_dir`` puts the three directories inside this package. In a checkout that is not
installed (``python -m paper_checks`` or ``python -m pytest`` from the repository root) they are the repository's
top-level directories: the repository root is added to this package's path, so that the same names import the
checkout's one copy.
"""
import os

_here = os.path.dirname(os.path.abspath(__file__))
if not os.path.isdir(os.path.join(_here, "theory")):  # a checkout: the subpackages are the root's directories
    __path__.append(os.path.dirname(_here))  # type: ignore[name-defined]  # noqa: F821
'''


def pyproject(text: str) -> str:
    """pyproject.toml: the packages come from setup.py (:data:`SETUP_PY`); the package data and the first-party
    names under the new names."""
    text = text.replace('[tool.setuptools.packages.find]\ninclude = ["theory*", "simulate*", "paper_checks*", '
                        '"figures*"]\n\n', "")
    for o in OLD:
        text = text.replace(f'\n{o} = ["py.typed"]', f'\n"{NS}.{o}" = ["py.typed"]')
    text = text.replace('known-first-party = ["theory", "simulate", "paper_checks", "figures"]',
                        f'known-first-party = ["{NS}", "paper_checks"]')
    text = text.replace('paper_checks = ["py.typed", "run/timings.json"]\n"',
                        f'paper_checks = ["py.typed", "run/timings.json"]\n{NS} = ["py.typed"]\n"')
    text = text.replace(
        'files = ["paper_checks/api.py", "paper_checks/registry.py", "paper_checks/evidence.py", "theory"]',
        "# by import name, not by path: label_noise_lab.theory is the directory theory/ only through setup.py's "
        "package_dir,\n# which mypy does not read, so .ci/run checks the installed copy from outside the checkout "
        "(issue 67)\n"
        'modules = ["paper_checks.api", "paper_checks.registry", "paper_checks.evidence"]\n'
        'packages = ["label_noise_lab.theory"]')
    return text


SETUP_PY = '''"""The package list, the one part of the build that pyproject.toml cannot state: paper_checks as found, and
the repository's theory/, simulate/ and figures/ installed as label_noise_lab.theory, label_noise_lab.simulate and
label_noise_lab.figures (issue 67: names that a user's simulate.py cannot shadow). The rest is in pyproject.toml."""
from setuptools import find_packages, setup

NAMESPACED = ("theory", "simulate", "figures")
inner = find_packages(include=[f"{d}{s}" for d in NAMESPACED for s in ("", ".*")])
setup(packages=["label_noise_lab", *find_packages(include=["paper_checks", "paper_checks.*"]),
                *(f"label_noise_lab.{p}" for p in inner)],
      package_dir={f"label_noise_lab.{d}": d for d in NAMESPACED})
'''


#: the edits the patterns above cannot make: code that reads module names as the layout's directories (each old text
#: replaced once where it is still there, so that a second run changes nothing)
EDITS: list[tuple[str, str, str]] = [
    ("tests/test_architecture.py", 'PACKAGES = ("theory", "simulate", "paper_checks", "figures")\n',
     'PACKAGES = ("theory", "simulate", "paper_checks", "figures")\n'
     '#: the directories installed and imported inside the label_noise_lab namespace (issue 67)\n'
     'NAMESPACED = ("theory", "simulate", "figures")\n\n\n'
     'def dotted(parts: list[str] | tuple[str, ...]) -> str:\n'
     '    """The import name of the module at repository path ``parts`` (theory/gce: label_noise_lab.theory.gce)."""\n'
     '    return ".".join(["label_noise_lab", *parts] if parts and parts[0] in NAMESPACED else parts)\n\n\n'
     'def layer(module: str) -> str:\n'
     '    """The directory of the layout that a module name belongs to (label_noise_lab.theory.gce: theory)."""\n'
     '    return module.removeprefix("label_noise_lab.").split(".")[0]\n'),
    ("tests/test_architecture.py", '            out[".".join(parts)] = f\n', '            out[dotted(parts)] = f\n'),
    ("tests/test_architecture.py", '    pkg = ".".join(f.relative_to(ROOT).with_suffix("").parts[:-1])\n',
     '    pkg = dotted(f.relative_to(ROOT).with_suffix("").parts[:-1])\n'),
    ("tests/test_architecture.py", 'm.split(".")[0] in ("theory", "simulate")', 'layer(m) in ("theory", "simulate")'),
    ("tests/test_architecture.py", 'if mod == "figures" or mod.startswith("figures.")]', 'if layer(mod) == "figures"]'),
    ("tests/test_architecture.py", '        top = m.split(".")[0]\n', '        top = layer(m)\n'),
    ("tests/test_architecture.py", 'if mod.split(".")[0] in PACKAGES and mod.split(".")[0] not in allowed]',
     'if layer(mod) in PACKAGES and layer(mod) not in allowed]'),
    ("tests/test_architecture.py", 'if mod == "simulate" else [mod])',
     'if mod == "label_noise_lab.simulate" else [mod])'),
    ("tests/test_architecture.py", 'if target.split(".")[0] == "simulate" and', 'if layer(target) == "simulate" and'),
    ("tests/test_architecture.py", 'if m.split(".")[0] in ("paper_checks", "theory",',
     'if layer(m) in ("paper_checks", "theory",'),
    ("tests/test_architecture.py",
     '    assert "label_noise_lab.figures.zoo" not in mods and "import_module" not in text, '
     '"label_noise_lab.figures.registry imports a figure module"\n',
     '    assert "label_noise_lab.figures.zoo" not in mods and "import_module" not in text, \\\n'
     '        "label_noise_lab.figures.registry imports a figure module"\n'),
    (".ci/run",
     "# --- the type checker over the front door and the exact layer (pyproject.toml's [tool.mypy] names the files)\n"
     'python -m pip install ".[typecheck]" && python -m mypy\n',
     "# --- the type checker over the front door and the exact layer (pyproject.toml's [tool.mypy] names the modules), "
     "on\n# the installed copy, from outside the checkout: mypy does not read setup.py's package_dir "
     "(label_noise_lab.theory is\n# theory/ there), so in the checkout it would find label_noise_lab without its "
     "subpackages\nroot=$(pwd)\n"
     'python -m pip install ".[typecheck]" && (cd "$work" && python -m mypy --config-file "$root/pyproject.toml")\n'),
    ("README.md", '(`array-api-compat`; every array test also runs on `array-api-strict`). `python -m pip install ".[notebook]" && jupyter execute examples/getting_started.ipynb` runs the notebook\n[examples/getting_started.ipynb](examples/getting_started.ipynb) headless (claims on trial, a counterexample, a\nfigure, your own loss; open it in any Jupyter front end to read it); `pip install ".[docs]" && python docs/build_reference.py -o build/api` builds the API reference offline;\n`pip install ".[typecheck]" && python -m mypy` checks the typed front door. Timings, the slow set, the report\'s\ncontents and the exit codes are in [docs/running.md](docs/running.md).\n',
     '(`array-api-compat`; every array test also runs on `array-api-strict`).\n`python -m pip install ".[notebook]" && jupyter execute examples/getting_started.ipynb` runs the notebook\n[examples/getting_started.ipynb](examples/getting_started.ipynb) headless (claims on trial, a counterexample, a\nfigure, your own loss; open it in any Jupyter front end to read it); `pip install ".[docs]" && python\ndocs/build_reference.py -o build/api` builds the API reference offline; `pip install ".[typecheck]"`, then\n`python -m mypy --config-file PATH/TO/pyproject.toml` run outside the checkout (on the installed copy, as `.ci/run`\ndoes) checks the typed front door. Timings, the slow set, the report\'s contents and the exit codes are in\n[docs/running.md](docs/running.md).\n\n'),
    ("README.md", 'The layout:\n',
     'The layout (`theory/`, `simulate/` and `figures/` are imported as `label_noise_lab.theory`, `.simulate` and\n`.figures`, names a `simulate.py` of yours cannot shadow; [docs/changelog.md](docs/changelog.md)):\n'),
    ("tests/test_examples.py", 'module="figures")', 'module="label_noise_lab.figures")'),
    ("tests/test_packaging.py", "if name not in sys.stdlib_module_names and name not in PACKAGES:",
     'if name not in sys.stdlib_module_names and name not in (*PACKAGES, "label_noise_lab"):'),
    ("tests/paper_checks/test_pytest_plugin.py",
     "('paper_checks', 'numpy', 'sympy', 'scipy', 'simulate', 'theory', 'figures', 'matplotlib')",
     "('paper_checks', 'numpy', 'sympy', 'scipy', 'label_noise_lab', 'matplotlib')"),
    ("tests/paper_checks/test_pytest_plugin.py",
     "    assert out.stdout.strip() == (\"['paper_checks', 'paper_checks.commands', 'paper_checks.commands.arguments', \"\n"
     "                                  \"'paper_checks.deadline', 'paper_checks.precisions', 'paper_checks.pytest_plugin', \"\n"
     "                                  \"'theory', 'label_noise_lab.theory.validators']\")",
     "    assert out.stdout.strip() == (\"['label_noise_lab', 'label_noise_lab.theory', 'label_noise_lab.theory.validators', \"\n"
     "                                  \"'paper_checks', 'paper_checks.commands', 'paper_checks.commands.arguments', \"\n"
     "                                  \"'paper_checks.deadline', 'paper_checks.precisions', 'paper_checks.pytest_plugin']\")"),
    ("docs/build_reference.py", '"paper_checks.registry", "theory")', '"paper_checks.registry", "label_noise_lab.theory")'),
    ("tests/test_api_reference.py", 'assert (out / "theory" / "gce.html").is_file()',
     'assert (out / "label_noise_lab" / "theory" / "gce.html").is_file()'),
]

#: lines that the rename takes over 120 columns and that no rule can break (strings in code), broken by hand
LONG_LINES: list[tuple[str, str, str]] = [
    ("examples/build_notebook.py",
     "Re-check it yourself: the margin of Eq. 11 (`label_noise_lab.theory.gce.eq11_margin`, positive exactly where Eq. 11 holds) in\n"
     "SymPy's exact arithmetic, at the counterexample's point.",
     "Re-check it yourself: the margin of Eq. 11 (`label_noise_lab.theory.gce.eq11_margin`, positive exactly where\n"
     "Eq. 11 holds) in SymPy's exact arithmetic, at the counterexample's point."),
    ("examples/build_notebook.py",  # its cells' imports in the order ruff sorts them in the notebook
     "from paper_checks.trials.simplex import markdown_table, trial\n"
     "from label_noise_lab.theory.user_losses import from_callable, from_expression\n",
     "from label_noise_lab.theory.user_losses import from_callable, from_expression\n"
     "from paper_checks.trials.simplex import markdown_table, trial\n"),
    ("examples/getting_started.ipynb",  # the notebook as examples/build_notebook.py writes it, line for line
     '    "Re-check it yourself: the margin of Eq. 11 (`label_noise_lab.theory.gce.eq11_margin`, positive exactly '
     'where Eq. 11 holds) in\\n",\n'
     '    "SymPy\'s exact arithmetic, at the counterexample\'s point."\n',
     '    "Re-check it yourself: the margin of Eq. 11 (`label_noise_lab.theory.gce.eq11_margin`, positive exactly '
     'where\\n",\n'
     '    "Eq. 11 holds) in SymPy\'s exact arithmetic, at the counterexample\'s point."\n'),
    ("paper_checks/papers/gce18/theorems.py",
     '        premises="label_noise_lab.theory.gce.lq_pointwise_minimiser returns the minimiser of sum_k p_k L_q(f_k) over the simplex "\n',
     '        premises="label_noise_lab.theory.gce.lq_pointwise_minimiser returns the minimiser of sum_k p_k L_q(f_k) "\n'
     '                 "over the simplex "\n'),
    ("paper_checks/papers/gce18/theorems.py",
     '                 "t_0 = Max(t), r_norm(t, q) = (sum_k t_k^r)^(1-q) for q < 1 and Max(t) at q = 1 (label_noise_lab.theory.gce); the "\n',
     '                 "t_0 = Max(t), r_norm(t, q) = (sum_k t_k^r)^(1-q) for q < 1 and Max(t) at q = 1 "\n'
     '                 "(label_noise_lab.theory.gce); the "\n'),
    ("paper_checks/papers/imae19/claims.py",
     '                        f"c = {min(per_c)}..{max(per_c)} and against label_noise_lab.simulate.losses).", numbers=numbers)\n',
     '                        f"c = {min(per_c)}..{max(per_c)} and against label_noise_lab.simulate.losses).",\n'
     '                        numbers=numbers)\n'),
    ("paper_checks/papers/patrini17/hessian.py",
     '              "verified": "exact SymPy rationals; the float Hessians of label_noise_lab.simulate.hessian reproduce them"}\n',
     '              "verified": "exact SymPy rationals; the float Hessians of label_noise_lab.simulate.hessian "\n'
     '                          "reproduce them"}\n'),
    ("paper_checks/papers/sce19/claims.py",
     '        return Evidence("inconclusive", "symbolic", "label_noise_lab.simulate.losses.sce_grad disagrees with the derivation.", numbers)\n',
     '        return Evidence("inconclusive", "symbolic",\n'
     '                        "label_noise_lab.simulate.losses.sce_grad disagrees with the derivation.", numbers)\n'),
    ("paper_checks/search/params/domain.py",
     'FOLD_RULE = "the first c - 1 coordinates are kept and class c gets the remaining mass, as label_noise_lab.theory.simplex.fold does"\n',
     'FOLD_RULE = ("the first c - 1 coordinates are kept and class c gets the remaining mass, as "\n'
     '             "label_noise_lab.theory.simplex.fold does")\n'),
    ("simulate/losses.py",
     '        raise TypeError(f"definition must be a label_noise_lab.theory.losses.LossDefinition, got {type(definition).__name__}")\n',
     '        raise TypeError(f"definition must be a label_noise_lab.theory.losses.LossDefinition, got "\n'
     '                        f"{type(definition).__name__}")\n'),
    ("simulate/risk.py",
     '    raise TypeError(f"loss must be a label_noise_lab.simulate.losses.Loss or a callable (inputs, labels), got {type(loss).__name__}")\n',
     '    raise TypeError(f"loss must be a label_noise_lab.simulate.losses.Loss or a callable (inputs, labels), got "\n'
     '                    f"{type(loss).__name__}")\n'),
    ("tests/test_api_reference.py",
     "    name = module_of(\"lnl_doc_fine\", 'from dataclasses import dataclass\\n\\nfrom label_noise_lab.theory.gce import eq11_margin\\n\\n\\n'\n",
     "    name = module_of(\"lnl_doc_fine\", 'from dataclasses import dataclass\\n\\n'\n"
     "                                     'from label_noise_lab.theory.gce import eq11_margin\\n\\n\\n'\n"),
    ("tests/test_api_reference.py",
     "                                     ':mod:`label_noise_lab.theory.gce` and :func:`label_noise_lab.theory.gce.eq7_width`).\"\"\"\\n\\n    width: float\\n')\n",
     "                                     ':mod:`label_noise_lab.theory.gce` and '\n"
     "                                     ':func:`label_noise_lab.theory.gce.eq7_width`).\"\"\"\\n\\n    width: float\\n')\n"),
    ("tests/theory/test_doctests.py",
     '    assert len(MODULES) >= 22 and "label_noise_lab.theory.gce" in MODULES and "label_noise_lab.theory.validators" in MODULES\n',
     '    assert len(MODULES) >= 22 and "label_noise_lab.theory.gce" in MODULES\n'
     '    assert "label_noise_lab.theory.validators" in MODULES\n'),
    ("tests/theory/test_doctests.py", '__path__, "theory.")', '__path__, "label_noise_lab.theory.")'),
    ("tests/test_packaging.py",
     '    assert "py.typed" in PYPROJECT["tool"]["setuptools"]["package-data"].get(package, [])\n',
     '    name = package if package == "paper_checks" else f"label_noise_lab.{package}"  # the import name (issue 67)\n'
     '    assert "py.typed" in PYPROJECT["tool"]["setuptools"]["package-data"].get(name, [])\n'),
]


def hand_edits() -> list[str]:
    """Apply :data:`EDITS`; the files changed."""
    changed = []
    for rel, old, new in [*EDITS, *LONG_LINES]:
        path = ROOT / rel
        text = path.read_text(encoding="utf-8")
        if old in text and new not in text:
            path.write_text(text.replace(old, new, 1), encoding="utf-8")
            changed.append(rel)
    return changed


#: what users read of the rename, added at the top of docs/changelog.md once
CHANGELOG = '**Names of its own, a README in ten minutes (session 27, issue 67).** The repository\'s `theory/`, `simulate/` and\n`figures/` install and import as `label_noise_lab.theory`, `label_noise_lab.simulate` and `label_noise_lab.figures`\n(`paper_checks` is unchanged): a `simulate.py`, `figures.py` or `theory.py` in the folder you run from, or another\ndistribution\'s `theory` package, no longer shadows them (`python -m paper_checks list` failed there with\n"\'simulate\' is not a package"). Change your imports the same way:\n\n| was | now |\n|---|---|\n| `from theory.gce import eq11_margin` | `from label_noise_lab.theory.gce import eq11_margin` |\n| `from simulate.engine.devices import get_backend` | `from label_noise_lab.simulate.engine.devices import get_backend` |\n| `from figures.registry import draw` | `from label_noise_lab.figures.registry import draw` |\n| `python -m figures --out DIR` | `python -m label_noise_lab.figures --out DIR` |\n\n`paper_checks.api`, `python -m paper_checks` and the `paper-checks` script are unchanged, and work from any folder; in\na checkout that is not installed the same names import the checkout\'s directories (`label_noise_lab/__init__.py`;\nsetup.py lists the packages). Claims files that import only `paper_checks.api` need no change. Also: the README\'s\nfindings and verdict table moved to [verdicts.md](verdicts.md) (`readme` writes a counts line into the README and\nthe findings onto that page); reports cite documents by author and year, never by file name; `explore` and\n`python -m label_noise_lab.figures` take `--backend` and refuse an unusable one as `run` does (`$LNL_BACKEND=cupy`\nwithout a GPU is one line, exit 2, where figures ran on NumPy); a usage error is said before any library loads;\noff a terminal a run opens with its estimate; the quick suite\'s CPU summary is printed only under `LNL_QUICK_RULE`.\n\n'
#: the tests of the rename, added at the end of tests/test_packaging.py once
TESTS = '\n\n#: a researcher\'s working folder: modules named as the repository\'s directories (issue 67)\nSHADOWS = {"simulate.py": "raise ImportError(\'the user simulate.py was imported\')\\n",\n           "figures.py": "raise ImportError(\'the user figures.py was imported\')\\n",\n           "theory.py": "raise ImportError(\'the user theory.py was imported\')\\n"}\n\n\ndef _in_a_folder_of_shadows(tmp_path: Path, *args: str) -> subprocess.CompletedProcess[str]:\n    for name, text in SHADOWS.items():\n        (tmp_path / name).write_text(text)\n    env = {**os.environ, "PYTHONPATH": str(ROOT)}  # the checkout, as an installed copy would be found\n    return subprocess.run([sys.executable, *args], cwd=tmp_path, env=env, capture_output=True, text=True, timeout=300)\n\n\ndef test_a_folder_with_simulate_figures_and_theory_py_shadows_nothing(tmp_path):\n    """The project\'s own names (label_noise_lab.theory, .simulate, .figures) import from a folder holding a user\'s\n    simulate.py, figures.py and theory.py; the old top-level names imported the user\'s files."""\n    code = ("import paper_checks.cli, label_noise_lab.theory.gce, label_noise_lab.simulate.engine, "\n            "label_noise_lab.figures.registry; print(\'ok\')")\n    p = _in_a_folder_of_shadows(tmp_path, "-c", code)\n    assert p.returncode == 0 and p.stdout.strip() == "ok", p.stderr[-2000:]\n\n\n@pytest.mark.slow  # the whole registry loads: about 3 CPU-s\ndef test_list_runs_in_a_folder_with_simulate_figures_and_theory_py(tmp_path):\n    """Issue 67: ``python -m paper_checks list`` failed there with "\'simulate\' is not a package"."""\n    p = _in_a_folder_of_shadows(tmp_path, "-m", "paper_checks", "list", "--short")\n    assert p.returncode == 0 and re.search(r"\\b(\\d+) of \\1 claims", p.stdout), p.stdout[-500:] + p.stderr[-2000:]\n    assert "Traceback" not in p.stderr, p.stderr[-2000:]\n\n\ndef test_one_copy_from_the_checkout_root():\n    """From the repository root (README\'s test command, .ci/run\'s venv) every name imports the checkout\'s one copy:\n    label_noise_lab\'s subpackages are the root\'s directories, never a second, installed copy beside them."""\n    code = ("import label_noise_lab.theory.gce as g, label_noise_lab.simulate as s, label_noise_lab.figures as f, "\n            "paper_checks as p; print(\'\\\\n\'.join(m.__file__ for m in (g, s, f, p)))")\n    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=120,\n                         check=True).stdout.split()\n    assert all(Path(f).resolve().is_relative_to(ROOT) for f in out), out\n'


def additions() -> list[str]:
    """The changelog's entry and the tests of the rename, each added where it is not yet."""
    changed = []
    log = ROOT / "docs" / "changelog.md"
    text = log.read_text(encoding="utf-8")
    if CHANGELOG not in text:
        log.write_text(text.replace("# Changelog\n\n", "# Changelog\n\n" + CHANGELOG, 1), encoding="utf-8")
        changed.append("docs/changelog.md")
    tests = ROOT / "tests" / "test_packaging.py"
    text = tests.read_text(encoding="utf-8")
    if TESTS not in text:
        for module in ("os", "subprocess"):
            if f"\nimport {module}\n" not in text:
                text = text.replace("\nimport re\n", f"\nimport {module}\nimport re\n" if module == "os" else
                                    f"\nimport re\nimport {module}\n", 1)
        tests.write_text(text + TESTS, encoding="utf-8")
        changed.append("tests/test_packaging.py")
    return changed


def main() -> int:
    changed = []
    for path in tracked():
        rel = path.relative_to(ROOT).as_posix()
        old = path.read_text(encoding="utf-8")
        new = pyproject(old) if rel == "pyproject.toml" else rename(old)
        if path.suffix == ".py" and new != old:
            new = wrap(new)
        if new != old:
            path.write_text(new, encoding="utf-8")
            changed.append(rel)
    changed += hand_edits()
    changed += additions()
    typed = ROOT / NS / "py.typed"
    setup_py = ROOT / "setup.py"
    if not setup_py.exists() or setup_py.read_text() != SETUP_PY:
        setup_py.write_text(SETUP_PY)
        changed.append("setup.py")
    shim = ROOT / NS / "__init__.py"
    if not shim.exists() or shim.read_text() != SHIM:
        shim.parent.mkdir(exist_ok=True)
        shim.write_text(SHIM)
        changed.append(f"{NS}/__init__.py")
    if not typed.exists():  # PEP 561: the namespace ships its annotations, as its subpackages do
        typed.touch()
        changed.append(f"{NS}/py.typed")
    # imports sorted again (label_noise_lab before paper_checks) and rewrapped within 120 columns
    subprocess.run([sys.executable, "-m", "ruff", "check", "--fix", "--select", "I", "-q", "."], cwd=ROOT, check=False)
    print(f"{len(set(changed))} files renamed to the {NS} namespace")
    long = subprocess.run([sys.executable, "-m", "ruff", "check", "--select", "E501", "-q", "."], cwd=ROOT,
                          capture_output=True, text=True).stdout
    if long.strip():
        print("lines over 120 columns to wrap by hand:\n" + long)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
