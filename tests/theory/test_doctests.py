"""The ``Examples`` blocks of theory/'s docstrings, run as doctests (the README's test command runs them).

Each module of theory/ shows calls of its main functions and their exact output, as SciPy and SymPy document
theirs; this test keeps every such example true, and keeps the rule that every module has some (issue 57, item 6).
Outputs are SymPy's exact printing, so nothing here depends on floating-point rounding or on the machine.
"""
from __future__ import annotations

import doctest
import importlib
import pkgutil

import pytest

import label_noise_lab.theory

MODULES = sorted(m.name for m in pkgutil.iter_modules(label_noise_lab.theory.__path__, "label_noise_lab.theory."))
FLAGS = doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE
for _name in MODULES:  # imported at collection, so each test's CPU is its examples', not SymPy's first import
    importlib.import_module(_name)


def _tests(name: str) -> list[doctest.DocTest]:
    """The docstrings of module ``name`` (its own objects only, not those it imports) that hold examples."""
    module = importlib.import_module(name)
    return [t for t in doctest.DocTestFinder().find(module) if t.examples]


@pytest.mark.parametrize("name", MODULES)
def test_examples(name: str) -> None:
    """Every example of the module gives its stated output, and the module has at least one."""
    tests = _tests(name)
    assert tests, f"{name} has no doctested Examples: every theory module shows its main functions (issue 57)"
    runner = doctest.DocTestRunner(optionflags=FLAGS, verbose=False)
    for t in tests:
        runner.run(t)
    result = runner.summarize(verbose=False)
    assert result.failed == 0, f"{result.failed} of {result.attempted} doctest examples failed in {name}"


def test_every_module_is_found() -> None:
    """The parametrization sees every module of theory/ (a rename cannot drop one unseen)."""
    assert len(MODULES) >= 22 and "label_noise_lab.theory.gce" in MODULES
    assert "label_noise_lab.theory.validators" in MODULES


#: how a References entry names each of the five source papers (docs/verdicts.md's sources)
SOURCES = ("Sabuncu", "Patrini", '"Robust Losses"', "Odobez", "Isometric Approximation")


def test_references_are_numpydoc_sections() -> None:
    """A docstring that cites a paper in a ``References`` section numbers its entries ``.. [1]``, and an entry for
    one of the five source papers names its equation, theorem or section (issue 57: "never guess a number: where
    you cannot find it, cite the section"). Papers outside the sources are cited as their docstrings state them."""
    import re

    where = re.compile(r"\b(Eqs?\.|Thm|Theorem|sec\.|secs\.|abstract|Algorithm|Table)", re.IGNORECASE)
    bad = []
    for name in MODULES:
        module = importlib.import_module(name)
        for t in doctest.DocTestFinder().find(module):
            doc = t.docstring or ""
            if "References\n" not in doc.replace("    ", ""):
                continue
            refs = doc.split("References", 1)[1].split("Examples", 1)[0]
            entries = re.split(r"\.\. \[\d+\]", refs)[1:]
            if not entries:
                bad.append(f"{t.name}: no '.. [1]' entry")
            bad += [f"{t.name}: [{i}] names no equation or section" for i, e in enumerate(entries, 1)
                    if any(s in " ".join(e.split()) for s in SOURCES) and not where.search(e)]
    assert not bad, bad
