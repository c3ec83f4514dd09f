"""The ``Examples`` blocks of theory/'s docstrings, run as doctests (the README's test command runs them).

Each public family function of theory/ shows a call and its exact output, as SciPy and SymPy document
theirs; this test keeps every such example true. Outputs are SymPy's exact printing, so nothing here
depends on floating-point rounding or on the machine.
"""
from __future__ import annotations

import doctest
import importlib
import pkgutil

import pytest

import theory

MODULES = sorted(m.name for m in pkgutil.iter_modules(theory.__path__, "theory."))
FLAGS = doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE


@pytest.mark.parametrize("name", MODULES)
def test_examples(name: str) -> None:
    module = importlib.import_module(name)
    result = doctest.testmod(module, optionflags=FLAGS, verbose=False)
    assert result.failed == 0, f"{result.failed} of {result.attempted} doctest examples failed in {name}"


def test_enough_modules_are_documented() -> None:
    """Issue 37's bar: References and a doctested example in at least ten theory modules."""
    documented = []
    for name in MODULES:
        module = importlib.import_module(name)
        finder = doctest.DocTestFinder()
        tests = [t for t in finder.find(module) if t.examples]
        text = "\n".join(t.docstring or "" for t in tests)
        if tests and "References\n" in text.replace("    ", ""):
            documented.append(name)
    assert len(documented) >= 10, documented
