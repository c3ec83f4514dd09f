"""The layout rules of docs/design.md ("Layout"), checked over the source: the instrument names no paper,
the catalogue and user claims files reach the instrument through ``paper_checks.api`` only, figures import no
private name, no import cycle, no module above 600 lines.

Each rule reads the files' syntax trees (nothing is imported), so a violation names the file and line.
"""
from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PACKAGES = ("theory", "simulate", "paper_checks", "figures")
#: the directories installed and imported inside the label_noise_lab namespace (issue 67)
NAMESPACED = ("theory", "simulate", "figures")


def dotted(parts: list[str] | tuple[str, ...]) -> str:
    """The import name of the module at repository path ``parts`` (theory/gce: label_noise_lab.theory.gce)."""
    return ".".join(["label_noise_lab", *parts] if parts and parts[0] in NAMESPACED else parts)


def layer(module: str) -> str:
    """The directory of the layout that a module name belongs to (label_noise_lab.theory.gce: theory)."""
    return module.removeprefix("label_noise_lab.").split(".")[0]
CATALOGUE = ROOT / "paper_checks" / "papers"
MAX_LINES = 600


def _modules() -> dict[str, Path]:
    """Dotted module name -> file, for every module of the four packages."""
    out = {}
    for pkg in PACKAGES:
        for f in sorted((ROOT / pkg).rglob("*.py")):
            parts = list(f.relative_to(ROOT).with_suffix("").parts)
            if parts[-1] == "__init__":
                parts = parts[:-1]
            out[dotted(parts)] = f
    return out


MODULES = _modules()
PAPER_IDS = sorted(p.name for p in CATALOGUE.iterdir() if (p / "__init__.py").exists())
INSTRUMENT = {m: f for m, f in MODULES.items()
              if m.startswith("paper_checks") and not m.startswith("paper_checks.papers")}


def _imports(f: Path, *, top_level_only: bool = False) -> list[tuple[int, str, tuple[str, ...]]]:
    """``(line, module, names)`` of every import in ``f`` (relative imports resolved)."""
    tree = ast.parse(f.read_text())
    pkg = dotted(f.relative_to(ROOT).with_suffix("").parts[:-1])
    nodes = tree.body if top_level_only else list(ast.walk(tree))
    out = []
    for node in nodes:
        if isinstance(node, ast.Import):
            out += [(node.lineno, a.name, ()) for a in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                up = pkg.split(".")[: len(pkg.split(".")) - node.level + 1]
                base = ".".join([*up, base] if base else up)
            out.append((node.lineno, base, tuple(a.name for a in node.names)))
    return out


def _catalogue_list() -> list[str]:
    """The names that ``paper_checks/papers/__init__.py`` imports: the catalogue's one list (its docstring)."""
    tree = ast.parse((CATALOGUE / "__init__.py").read_text())
    return sorted(a.name for node in tree.body if isinstance(node, ast.ImportFrom) for a in node.names)


def test_the_catalogue_lists_every_seed_paper_it_holds():
    """Every paper package under paper_checks/papers is in the catalogue's list and the other way round (read from
    that list, not pinned here: a new seed paper changes one place)."""
    listed = set(_catalogue_list())
    assert len(PAPER_IDS) >= 8
    assert set(PAPER_IDS) <= listed, f"paper packages the catalogue does not list: {sorted(set(PAPER_IDS) - listed)}"
    others = {m for m in listed - set(PAPER_IDS) if (CATALOGUE / f"{m}.py").is_file()}
    assert listed == set(PAPER_IDS) | others, f"listed but absent: {sorted(listed - set(PAPER_IDS) - others)}"


@pytest.mark.slow
def test_no_module_of_the_instrument_names_or_imports_a_paper():
    pattern = re.compile(r"\b(" + "|".join(PAPER_IDS) + r")\b")
    bad = [f"{f.relative_to(ROOT)}" for m, f in INSTRUMENT.items() if pattern.search(m)]
    for f in INSTRUMENT.values():
        bad += [f"{f.relative_to(ROOT)}:{line} imports {mod}" for line, mod, names in _imports(f)
                if mod.startswith("paper_checks.papers") or pattern.search(mod)]
    assert not bad, "the instrument names a paper: " + "; ".join(bad)


def test_the_engine_and_the_theory_name_no_paper():
    pattern = re.compile(r"\b(" + "|".join(PAPER_IDS) + r")\b")
    bad = [m for m in MODULES if layer(m) in ("theory", "simulate") and pattern.search(m)]
    assert not bad, f"per-paper modules inside the engine: {bad}"


@pytest.mark.slow
def test_the_instrument_never_imports_figures_at_module_level():
    bad = [f"{f.relative_to(ROOT)}:{line}" for m, f in INSTRUMENT.items()
           for line, mod, _ in _imports(f, top_level_only=True) if layer(mod) == "figures"]
    assert not bad, f"module-level imports of figures in the instrument: {bad}"


def _catalogue_and_example_files() -> list[Path]:
    return sorted(CATALOGUE.rglob("*.py")) + [ROOT / "examples" / "ma20_claims.py"]


@pytest.mark.parametrize("f", _catalogue_and_example_files(), ids=lambda f: str(f.relative_to(ROOT)))
def test_claims_modules_reach_the_instrument_through_the_api_only(f):
    bad = [f"line {line}: {mod}" for line, mod, _ in _imports(f)
           if mod.startswith("paper_checks") and mod != "paper_checks.api"
           and not mod.startswith("paper_checks.papers")]
    assert not bad, f"{f.relative_to(ROOT)} imports the instrument's internals: {bad}"


def test_the_example_imports_only_the_api_numpy_and_sympy():
    allowed = {"paper_checks.api", "numpy", "sympy", "typing", "__future__"}
    mods = {mod for _, mod, _ in _imports(ROOT / "examples" / "ma20_claims.py")}
    assert mods <= allowed, f"examples/ma20_claims.py imports {sorted(mods - allowed)}"


def _private_uses(f: Path) -> list[str]:
    """Every private name of another module that ``f`` uses: ``from M import _x``, and ``m._x`` where ``m`` is
    a module of the tree imported under that name."""
    tree = ast.parse(f.read_text())
    out, aliases = [], {}
    for line, mod, names in _imports(f):
        out += [f"{f.relative_to(ROOT)}:{line} imports {mod}.{n}" for n in names
                if n.startswith("_") and not n.startswith("__")]
        for n in names:
            if f"{mod}.{n}" in MODULES:
                aliases[n] = f"{mod}.{n}"
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for a in node.names:
                if a.name in MODULES and a.asname:
                    aliases[a.asname] = a.name
        elif isinstance(node, ast.ImportFrom):
            for a in node.names:
                if a.asname and aliases.get(a.name):
                    aliases[a.asname] = aliases[a.name]
    for node in ast.walk(tree):
        if (isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name) and node.value.id in aliases
                and node.attr.startswith("_") and not node.attr.startswith("__")):
            out.append(f"{f.relative_to(ROOT)}:{node.lineno} uses {aliases[node.value.id]}.{node.attr}")
    return out


@pytest.mark.slow
def test_no_private_name_crosses_a_module_boundary():
    """A name with a leading underscore stays in its module, in the whole tree (issue 37): what another module
    needs is public, with a docstring."""
    bad = [b for f in MODULES.values() for b in _private_uses(f)]
    assert not bad, "private names used across modules: " + "; ".join(bad)


def test_the_api_imports_nothing_from_the_commands():
    """The command line sits on the API's building blocks, never under the API (issue 37: ``api.explore`` narrowed
    a domain through ``commands/explore.py``'s text form)."""
    bad = [f"line {line}: {mod}" for line, mod, names in _imports(ROOT / "paper_checks" / "api.py")
           if mod == "paper_checks.commands" or mod.startswith("paper_checks.commands.")
           or (mod == "paper_checks" and "commands" in names)]
    assert not bad, f"paper_checks/api.py imports from paper_checks.commands: {bad}"


def test_no_private_name_crosses_a_module_boundary_into_figures_or_the_catalogue():
    files = sorted((ROOT / "figures").rglob("*.py")) + sorted(CATALOGUE.rglob("*.py"))
    bad = [f"{f.relative_to(ROOT)}:{line} imports {mod}.{n}" for f in files for line, mod, names in _imports(f)
           for n in names if n.startswith("_") and n != "__future__" and mod != "__future__"]
    assert not bad, "private names imported: " + "; ".join(bad)


#: the engine's packages from below: theory/ (SymPy only) < simulate/ (arrays) < the rest; theory/ imports none of
#: the others and simulate/ only theory/ (paper_checks/ and figures/ meet in function-level imports only, tested above)
ENGINE_ORDER = ("theory", "simulate")


@pytest.mark.slow
def test_the_engine_imports_only_from_below():
    bad = []
    for m, f in MODULES.items():
        top = layer(m)
        if top not in ENGINE_ORDER:
            continue
        allowed = ENGINE_ORDER[: ENGINE_ORDER.index(top) + 1]
        bad += [f"{f.relative_to(ROOT)}:{line} imports {mod}" for line, mod, _ in _imports(f)
                if layer(mod) in PACKAGES and layer(mod) not in allowed]
    assert not bad, "the engine imports from above it (theory < simulate < paper_checks, figures): " + "; ".join(bad)


def test_the_monte_carlo_engine_imports_no_model():
    """``label_noise_lab.simulate.engine`` (backend, kernels, moments, estimates, parallel means) sits under the models:
    its modules
    import, at any level, only from ``label_noise_lab.simulate.engine``, theory/ and third-party libraries (issue
    37)."""
    bad = [f"{f.relative_to(ROOT)}:{line} imports {target}" for m, f in MODULES.items()
           if m == "label_noise_lab.simulate.engine" or m.startswith("label_noise_lab.simulate.engine.")
           for line, mod, names in _imports(f)
           for target in ([f"{mod}.{n}" for n in names] if mod == "label_noise_lab.simulate" else [mod])
           if layer(target) == "simulate" and not target.startswith("label_noise_lab.simulate.engine")]
    assert not bad, "the engine imports from the rest of simulate/: " + "; ".join(bad)


def test_every_api_name_is_exported_and_importable():
    from paper_checks import api

    for name in api.__all__:
        assert getattr(api, name) is not None, name


def _code_lines(f: Path) -> int:
    """A module's lines, its docstrings aside (the module's, its classes' and its functions')."""
    src = f.read_text()
    docs: set[int] = set()
    for node in ast.walk(ast.parse(src)):
        if isinstance(node, (ast.Module, ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef)) and node.body:
            first = node.body[0]
            if isinstance(first, ast.Expr) and isinstance(first.value, ast.Constant) and isinstance(first.value.value,
                                                                                                   str):
                docs.update(range(first.lineno, first.end_lineno + 1))
    return len(src.splitlines()) - len(docs)


def test_no_module_is_above_600_lines():
    """Small modules: at most 600 lines of code each. Docstrings do not count: theory/ documents its functions as SciPy
    does, with References and doctested Examples (issue 57), and a module must not be split for its documentation."""
    long = [f for f in MODULES.values() if len(f.read_text().splitlines()) > MAX_LINES]  # only these are parsed
    big = {str(f.relative_to(ROOT)): n for f in long if (n := _code_lines(f)) > MAX_LINES}
    assert not big, f"modules above {MAX_LINES} lines of code: {big}"


def _targets(mod: str, names: tuple[str, ...]) -> list[str]:
    """The modules an import reaches: ``from package import name`` where ``name`` is a submodule of ``package``
    reaches that submodule (``from paper_checks.prover import tight`` is an import of ``tight``, not of the
    package); the other names, and ``import package``, reach ``mod`` itself."""
    subs = [f"{mod}.{n}" for n in names if f"{mod}.{n}" in MODULES]
    return subs + ([mod] if len(subs) < len(names) or not names else [])


def _import_graph() -> dict[str, set[str]]:
    """Module -> the modules it imports, at any level: an import inside a function is an edge too (one placed there
    to dodge a circle is still a circle of the design). An import of a package from one of its own submodules is
    no edge (the package runs first whatever the submodule imports)."""
    return {m: {t for _, mod, names in _imports(f) for t in _targets(mod, names)
                if t in MODULES and t != m and not m.startswith(t + ".")} for m, f in MODULES.items()}


def test_the_import_graph_resolves_submodules():
    assert _targets("paper_checks.prover", ("schedule",)) == ["paper_checks.prover.schedule"]
    assert _targets("paper_checks.prover", ("schedule", "prove_expr", "ProofResult")) == [
        "paper_checks.prover.schedule", "paper_checks.prover.prove_expr", "paper_checks.prover"]
    assert _targets("paper_checks.prover.schedule", ("SHARES",)) == ["paper_checks.prover.schedule"]
    assert _targets("sympy", ()) == ["sympy"]


@pytest.mark.slow  # about 1 s or more: out of README's quick command, in CI's slow run
def test_no_import_cycle_between_modules():
    graph = _import_graph()
    state: dict[str, int] = {}
    stack: list[str] = []
    cycles = []

    def visit(m: str) -> None:
        state[m] = 1
        stack.append(m)
        for d in sorted(graph[m]):
            if state.get(d) == 1:
                cycles.append(stack[stack.index(d):] + [d])
            elif d not in state:
                visit(d)
        stack.pop()
        state[m] = 2

    for m in sorted(graph):
        if m not in state:
            visit(m)
    assert not cycles, "import cycles: " + "; ".join(" -> ".join(c) for c in cycles[:5])


#: the rooms of the instrument (docs/design.md, "The flow"): each concept's modules live in its folder
ROOMS = {
    "search": "the counterexample search", "prover": "the prover", "trials": "the loss trials",
    "run": "the run machinery", "report": "the report", "commands": "the command line",
}
#: the top-level modules of paper_checks/: the shared core and the public surfaces, nothing else
TOP_LEVEL = {"__main__", "api", "cli", "context", "deadline", "described", "evidence", "figdata", "files", "jsonable",
             "precisions", "pytest_plugin", "registry", "stage", "work"}
#: the layer order of docs/design.md, from below; a module imports at its top only from its layer or below
LAYERS = (
    ("paper_checks.jsonable", "paper_checks.described", "paper_checks.files", "paper_checks.context",
     "paper_checks.deadline", "paper_checks.stage", "paper_checks.precisions", "paper_checks.work"),
    ("paper_checks.search",),
    ("paper_checks.prover",),
    ("paper_checks.trials",),
    ("paper_checks.evidence", "paper_checks.figdata", "paper_checks.registry"),
    ("paper_checks.run",),
    ("paper_checks.report",),
    ("paper_checks.commands", "paper_checks.cli", "paper_checks.pytest_plugin", "paper_checks.api",
     "paper_checks.__main__", "paper_checks"),
)


def _layer(module: str) -> int:
    """The layer of an instrument module: that of the longest prefix named in :data:`LAYERS`."""
    best, layer = -1, None
    for k, names in enumerate(LAYERS):
        for name in names:
            if (module == name or module.startswith(name + ".")) and len(name) > best:
                best, layer = len(name), k
    assert layer is not None, f"{module} is in no layer of LAYERS: add it (and to docs/design.md)"
    return layer


def test_the_instrument_is_in_rooms():
    top = {m.split(".")[1] for m in INSTRUMENT
           if m.count(".") == 1 and (ROOT / "paper_checks" / f"{m.split('.')[1]}.py").exists()}
    folders = {p.name for p in (ROOT / "paper_checks").iterdir() if (p / "__init__.py").exists()}
    assert top == TOP_LEVEL, f"top-level modules of paper_checks/ beside the core: {sorted(top - TOP_LEVEL)}; " \
                             f"gone: {sorted(TOP_LEVEL - top)}"
    assert folders == set(ROOMS) | {"papers"}, f"folders of paper_checks/: {sorted(folders)}"


#: the prover's core, at the top of paper_checks/prover/, and its rooms (docs/design.md, "The prover")
PROVER_CORE = {"budget", "certificate", "deepening", "gather", "inputs", "outset", "process", "prove", "prove_expr",
               "result", "schedule", "searched", "timebox"}
PROVER_ROOMS = {"closures", "enclosures", "tracing", "algebraic", "kinks", "sweeps", "symmetry", "critical",
                "subproofs"}


def test_the_prover_is_in_rooms_and_design_md_maps_every_module():
    prover = ROOT / "paper_checks" / "prover"
    top = {f.stem for f in prover.glob("*.py")} - {"__init__"}
    folders = {p.name for p in prover.iterdir() if (p / "__init__.py").exists()}
    assert top == PROVER_CORE, f"modules at the prover's top beside its core: {sorted(top - PROVER_CORE)}"
    assert folders == PROVER_ROOMS, f"the prover's folders: {sorted(folders)}"
    names = [f.stem for f in prover.rglob("*.py") if f.stem != "__init__"]
    twins = sorted({n for n in names if names.count(n) > 1} | (set(names) & PROVER_ROOMS))
    assert not twins, f"module names that repeat in the prover (a thin twin, or a room's own name): {twins}"
    doc = (ROOT / "docs" / "design.md").read_text()
    rows = {line.split("|")[1].strip(): line for line in doc.splitlines() if line.startswith("| `prover/")
            or any(line.startswith(f"| `{room}/`") for room in PROVER_ROOMS)}
    missing = [f"{room}/{f.stem}" for room in sorted(PROVER_ROOMS) for f in sorted((prover / room).glob("*.py"))
               if f.stem != "__init__" and f"`{f.stem}`" not in rows.get(f"`{room}/`", "")]
    missing += [m for m in sorted(PROVER_CORE) if f"`{m}`" not in rows.get("`prover/` (the core)", "")]
    assert not missing, f"modules that docs/design.md's rooms of the prover do not map: {missing}"


@pytest.mark.parametrize("room, prefixes", [
    ("trials", ("loss_", "margin_")),
    ("search", ("search", "shrink", "scores", "exact", "rationals", "params")),
    ("run", ("runner", "isolation", "stability")),
])
def test_each_concept_lives_in_its_room(room, prefixes):
    stray = [m for m in INSTRUMENT if m.count(".") == 1 and m.split(".")[1].startswith(prefixes)
             and m != f"paper_checks.{room}"]
    assert not stray, f"modules of {ROOMS[room]} outside paper_checks/{room}/: {stray}"


def test_the_rooms_import_in_the_layer_order():
    bad = []
    for m, f in INSTRUMENT.items():
        mine = _layer(m)
        for line, mod, names in _imports(f, top_level_only=True):
            targets = [f"{mod}.{n}" for n in names if f"{mod}.{n}" in MODULES] or [mod]
            for target in targets:
                if target in INSTRUMENT and not m.startswith(target + ".") and _layer(target) > mine:
                    bad.append(f"{f.relative_to(ROOT)}:{line} imports {target} (layer {_layer(target)} > {mine})")
    assert not bad, "imports against the layer order of docs/design.md: " + "; ".join(bad)


def test_figures_registry_imports_no_figure_module():
    mods = {mod for _, mod, _ in _imports(ROOT / "figures" / "registry.py")}
    text = (ROOT / "figures" / "registry.py").read_text()
    assert "label_noise_lab.figures.zoo" not in mods and "import_module" not in text, \
        "label_noise_lab.figures.registry imports a figure module"


def _docstrings(f: Path) -> list[tuple[int, str]]:
    tree = ast.parse(f.read_text())
    return [(getattr(n, "lineno", 1), d) for n in ast.walk(tree)
            if isinstance(n, (ast.Module, ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef))
            and (d := ast.get_docstring(n, clean=False))]


@pytest.mark.slow  # about 1 s or more: out of README's quick command, in CI's slow run
def test_docstrings_cite_author_and_year_never_a_seed_file_number():
    seed = re.compile(r"(?<![\d.,])\b00[0-4]\b(?![.,]?\d)")
    bad = [f"{f.relative_to(ROOT)}:{line}" for m, f in MODULES.items() if layer(m) in ("paper_checks", "theory",
           "simulate") for line, d in _docstrings(f) if seed.search(d)]
    assert not bad, f"docstrings citing a seed file by number: {bad}"
