"""Builds the API reference (HTML) from the docstrings with pdoc, offline, and fails on a broken docstring.

    pip install ".[docs]"
    python docs/build_reference.py -o build/api      # then open build/api/index.html

It documents the public front door (:mod:`paper_checks.api`, with everything it re-exports), the evidence and the
registry, and the exact layer (:mod:`label_noise_lab.theory`, every module): the part of the package that mypy checks
too. The build fails (exit 1, every problem on its own line) when

* pdoc warns (a name in ``__all__`` that does not resolve, a docstring it cannot convert, ...): warnings are
  errors;
* a cross-reference of a docstring (``:func:`name```, ``:class:``, ``:mod:``, ``:meth:``, ``:attr:``, ``:data:``,
  ``:exc:``, ``:obj:``, ``:const:``) names nothing: looked up in the class and the module that define the
  docstring, in the module documented, then as a dotted import path;
* anything asks for the network (the build is offline: no CDN, no intersphinx).

``tests/test_api_reference.py`` runs it in the slow tests.
"""
from __future__ import annotations

import argparse
import importlib
import re
import sys
import warnings
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType
from typing import Any

ROOT = Path(__file__).resolve().parents[1]

#: the modules documented (a package brings all its submodules): the front door, the evidence and the registry, the
#: exact layer, and the prover's public door (what ``paper_checks.prover`` exports: ``prove``, ``prove_expr``,
#: ``ProofResult``, ``ProofOutcome``, ``Certificate`` and its re-check) with the work meter its budgets count in
MODULES = ("paper_checks.api", "paper_checks.evidence", "paper_checks.registry", "label_noise_lab.theory",
           "paper_checks.prover.prove", "paper_checks.prover.prove_expr", "paper_checks.prover.result",
           "paper_checks.prover.certificate", "paper_checks.work")

#: a Sphinx-style cross-reference in a docstring: ``:func:`name```, ``:class:`~a.b.C```
ROLE = re.compile(r":(?:func|class|mod|meth|attr|data|exc|obj|const):`~?\.?([^`<>\s]+)`")


def _refuse_network(event: str, args: tuple[Any, ...]) -> None:
    """An audit hook (PEP 578): the reference is built from the source alone."""
    if event in ("socket.connect", "socket.getaddrinfo"):
        raise RuntimeError(f"the API reference is built offline, but something asked for the network: {event}{args!r}")


def _resolve_lazy_names(module: ModuleType) -> None:
    """Bind the names of ``__all__`` that a module provides through PEP 562's ``__getattr__`` (``paper_checks.api``'s
    figure names, imported on first use): pdoc reads a module's namespace and does not call its ``__getattr__``."""
    for name in getattr(module, "__all__", ()):
        if name not in vars(module) and hasattr(module, "__getattr__"):
            try:
                setattr(module, name, getattr(module, name))
            except AttributeError:
                pass  # resolves nowhere: pdoc says so, and its warning is a problem of the build


def _lookup(scope: Any, dotted: str) -> bool:
    """Whether ``scope.a.b`` exists for ``dotted = "a.b"`` (a dataclass field or an annotated class attribute
    counts: it is documented, though it has no class-level value)."""
    obj = scope
    for part in dotted.split("."):
        if hasattr(obj, part):
            obj = getattr(obj, part)
        elif isinstance(obj, type) and (part in getattr(obj, "__dataclass_fields__", {})
                                        or any(part in vars(k).get("__annotations__", {}) for k in obj.__mro__)):
            return True  # a field: nothing further to follow
        else:
            return False
    return True


def _importable(dotted: str) -> bool:
    """Whether ``dotted`` is a module, or an attribute path inside one."""
    parts = dotted.split(".")
    for i in range(len(parts), 0, -1):
        try:
            module = importlib.import_module(".".join(parts[:i]))
        except ImportError:
            continue
        return _lookup(module, ".".join(parts[i:])) if parts[i:] else True
    return False


def _defined_in(d: Any) -> tuple[ModuleType | None, Any]:
    """The module that defines a pdoc object's docstring, and its class when it is a member of one."""
    modulename, qualname = d.taken_from
    try:
        module = importlib.import_module(modulename)
    except ImportError:
        return None, None
    owner: Any = module
    for part in qualname.split(".")[:-1]:
        owner = getattr(owner, part, None)
    if qualname.count(".") == 0:
        owner = d.obj if isinstance(d.obj, type) else None
    return module, owner


def _docs(d: Any, seen: set[int]) -> Iterator[Any]:
    """``d`` and every documented object below it (submodules, members, class members), each once."""
    import pdoc.doc

    if id(d) in seen:
        return
    seen.add(id(d))
    yield d
    if isinstance(d, pdoc.doc.Module):
        for sub in d.submodules:
            yield from _docs(sub, seen)
    if isinstance(d, (pdoc.doc.Module, pdoc.doc.Class)):
        for member in d.own_members:
            yield from _docs(member, seen)


def unresolved_references(modules: tuple[str, ...] = MODULES) -> list[str]:
    """``"object: :role:`name`"`` for every cross-reference of a documented docstring that names nothing."""
    import pdoc.doc

    problems = []
    for name in modules:
        top = pdoc.doc.Module.from_name(name)
        seen: set[int] = set()
        for d in _docs(top, seen):
            home, owner = _defined_in(d)
            documented = sys.modules.get(d.modulename)
            for m in ROLE.finditer(d.docstring or ""):
                target = m.group(1).removesuffix("()")
                scopes = [s for s in (owner, home, documented) if s is not None]
                if not any(_lookup(s, target) for s in scopes) and not _importable(target):
                    problems.append(f"{d.fullname}: {m.group(0)} names nothing")
    return sorted(set(problems))


def build(out: Path, modules: tuple[str, ...] = MODULES) -> list[str]:
    """Write the reference into ``out`` and return every problem (pdoc's warnings, then unresolved references);
    an empty list is a clean build."""
    import pdoc
    import pdoc.render

    import paper_checks

    for name in modules:
        _resolve_lazy_names(importlib.import_module(name))
    pdoc.render.configure(docformat="numpy", footer_text=f"label-noise-lab {paper_checks.__version__}",
                          math=False, mermaid=False)  # both would load a script from a CDN
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        pdoc.pdoc(*modules, output_directory=out)
        problems = [f"pdoc: {w.message}" for w in caught]
        problems += unresolved_references(modules)
    return problems


def main(argv: list[str] | None = None) -> int:
    """The command line: ``-o DIR`` (default ``build/api``); exit 0 on a clean build, 1 with the problems."""
    parser = argparse.ArgumentParser(description="Build the API reference from the docstrings (pdoc), offline.")
    parser.add_argument("-o", "--out", type=Path, default=ROOT / "build" / "api", help="output directory")
    args = parser.parse_args(argv)
    try:
        import pdoc  # noqa: F401
    except ImportError:
        print("build_reference: pdoc is not installed (pip install '.[docs]')", file=sys.stderr)
        return 2
    sys.path.insert(0, str(ROOT))  # this checkout's docstrings, not those of another install
    sys.addaudithook(_refuse_network)
    problems = build(args.out)
    for p in problems:
        print(p, file=sys.stderr)
    if problems:
        print(f"build_reference: {len(problems)} problem(s); the reference in {args.out} is incomplete",
              file=sys.stderr)
        return 1
    print(f"build_reference: {args.out / 'index.html'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
