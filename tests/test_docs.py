"""The documentation runs: the ``python run`` blocks of docs/*.md are executed, the other ``python``
blocks of docs/extending.md are found verbatim in the example file it walks through, and the
commands of its ``sh`` blocks exit as the guide says."""
import os
import re
import shlex
import subprocess
import sys
import textwrap
from pathlib import Path

import matplotlib
import pytest

ROOT = Path(__file__).resolve().parents[1]
DOCS = ROOT / "docs"
BLOCK = re.compile(r"^( *)```(\w+)([^\n]*)\n(.*?)^\1```", re.M | re.S)


def blocks(path: Path) -> list[tuple[str, str, str]]:
    """``(language, info, code)`` of every fenced block of a Markdown file, code dedented."""
    return [(m.group(2), m.group(3).strip(), textwrap.dedent(m.group(4))) for m in BLOCK.finditer(path.read_text())]


def test_the_docs_exist_and_link_each_other():
    readme = (ROOT / "README.md").read_text()
    for name in ("design.md", "extending.md", "api.md", "losses.md", "running.md", "prover.md", "verdicts.md",
                 "changelog.md"):
        assert (DOCS / name).is_file()
        assert f"](docs/{name})" in readme, f"README links no docs/{name} (issue 59: reference lives in docs/)"
    assert "extending.md" in (DOCS / "design.md").read_text() and "api.md" in (DOCS / "design.md").read_text()


@pytest.mark.slow
@pytest.mark.parametrize("doc", ["api.md", "extending.md", "losses.md"])
def test_python_run_blocks_execute(doc, monkeypatch, isolated_registry):
    matplotlib.use("Agg")
    monkeypatch.chdir(ROOT)
    runnable = [code for lang, info, code in blocks(DOCS / doc) if lang == "python" and info == "run"]
    assert runnable, f"{doc} has no executed examples"
    namespace: dict = {"__name__": "__docs__"}
    for k, code in enumerate(runnable):
        try:
            exec(compile(code, f"{doc} block {k + 1}", "exec"), namespace)
        except Exception as exc:
            raise AssertionError(f"{doc}, executed block {k + 1} failed: {exc!r}\n{code}") from exc


def test_relative_links_of_the_readme_and_docs_resolve():
    """Reference moved from the README to docs/ and benchmarks/ (issue 59): a link that points nowhere is a fact
    lost to the reader."""
    pages = [ROOT / "README.md", *sorted(DOCS.glob("*.md")), ROOT / "benchmarks" / "RESULTS.md"]
    for page in pages:
        for target in re.findall(r"\]\(([^)\s]+)\)", page.read_text()):
            if target.startswith(("http://", "https://", "#", "mailto:")):
                continue
            path = (page.parent / target.split("#")[0]).resolve()
            assert path.exists(), f"{page.relative_to(ROOT)} links {target!r}, which is not there"


def test_extending_code_is_the_example_file():
    example = (ROOT / "examples" / "ma20_claims.py").read_text()
    shown = [code for lang, info, code in blocks(DOCS / "extending.md") if lang == "python" and info != "run"]
    assert len(shown) >= 5
    for code in shown:
        for line in code.strip().splitlines():
            assert line.strip() in example, f"docs/extending.md shows a line the example does not have: {line!r}"


@pytest.mark.slow
def test_extending_commands_run(tmp_path):
    cmds = [line for lang, info, code in blocks(DOCS / "extending.md") if lang == "sh"
            for line in code.splitlines() if line.startswith("python -m")]
    assert len(cmds) >= 5
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    for cmd in cmds:
        args = [a.replace("reports/ma20", str(tmp_path / "ma20")) for a in shlex.split(cmd)[1:]]
        p = subprocess.run([sys.executable, *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=600)
        expected = 1 if " explore " in cmd else 0  # explore: 1 = a verified counterexample
        assert p.returncode == expected, f"{cmd}\n{p.stdout[-1500:]}\n{p.stderr[-1500:]}"
        if " run " in cmd:
            assert "3/3 as expected" in p.stdout
        if " explore " in cmd:
            assert "p = ['1/3', '1/3', '1/3']" in p.stdout and "r = ['3/10', '1/10', '3/5']" in p.stdout


def test_api_md_shows_integer_parameters_and_the_evidence_keywords():
    """A reader met ``Integer`` and ``Evidence(counterexample=, condition=)`` only in the source (issue 27)."""
    code = "\n".join(c for lang, info, c in blocks(DOCS / "api.md") if lang == "python" and info == "run")
    assert "Integer(" in code and "counterexample=" in code and "condition=" in code


def _readme_commands() -> list[str]:
    """Every ``python -m paper_checks`` command line the README shows in a code block (comments cut)."""
    readme = (ROOT / "README.md").read_text()
    return [re.sub(r"\s+#.*$", "", line).strip() for lang, info, code in blocks_any(readme)
            for line in code.splitlines() if line.startswith("python -m paper_checks")]


def blocks_any(text: str) -> list[tuple[str, str, str]]:
    """Fenced blocks of ``text``, with or without a language."""
    pattern = re.compile(r"^( *)```(\w*)([^\n]*)\n(.*?)^\1```", re.M | re.S)
    return [(m.group(2), m.group(3).strip(), textwrap.dedent(m.group(4))) for m in pattern.finditer(text)]


def test_the_readme_s_commands_parse_and_name_what_exists(monkeypatch, isolated_registry):
    """Issue 67: every command of the README runs as written. Running them all takes minutes (the slow tests run the
    claims, figures and examples they stand for); here each parses as the command line parses it, every claim id it
    names is registered and every file it names ships."""
    from paper_checks.cli import _parser
    from paper_checks.registry import load

    monkeypatch.chdir(ROOT)
    commands = _readme_commands()
    assert len(commands) >= 10
    ids = set(load(["examples/ma20_claims.py"]))
    for cmd in commands:
        argv = shlex.split(cmd)[3:]
        args = _parser().parse_args(argv)  # a usage error raises
        if getattr(args, "id", None):
            assert args.id in ids, f"README: {cmd!r} names no registered claim"
        for name in getattr(args, "claim", []) or []:
            assert "*" in name or name in ids, f"README: {cmd!r} names no registered claim {name!r}"
    readme = (ROOT / "README.md").read_text()
    for path in set(re.findall(r"(?<![\w/.])((?:examples|docs|benchmarks)/[\w./-]+\.(?:py|md|ipynb))", readme)):
        assert (ROOT / path).is_file(), f"README names {path}, which does not ship"
    assert "my_claims.py" not in readme.replace("--claims my_claims.py`)", "")  # the example it runs ships
