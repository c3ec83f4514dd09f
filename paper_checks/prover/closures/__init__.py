"""The closing methods of the prover, one class per file, and their registry.

Each module of this folder (but :mod:`~paper_checks.prover.closures.base`) holds one closing method: a
:class:`~paper_checks.prover.closures.base.Method` subclass with its ``step`` and its ``recheck``, entered
with the :func:`~paper_checks.prover.closures.base.register` decorator. The registry imports every module
here, so **adding a closure means adding one file**: :func:`for_stage` gives the methods of a stage of the
proof cheapest first (:func:`paper_checks.prover.prove.prove` runs them in that order), and :func:`by_method`
the method that recorded a closure of a given name (:func:`paper_checks.prover.certificate.recheck`
re-checks each record through it).
"""
from __future__ import annotations

import importlib
import pkgutil
from functools import lru_cache

from paper_checks.prover.closures.base import STAGES, Method, registered


@lru_cache(maxsize=1)
def methods() -> tuple[Method, ...]:
    """Every registered method (each module of this folder imported once); raises ``ValueError`` where two
    record the same closure name, or a cost names no stage."""
    for info in sorted(pkgutil.iter_modules(__path__), key=lambda m: m.name):
        if info.name != "base":
            importlib.import_module(f"{__name__}.{info.name}")
    out = tuple(registered())
    seen: dict[str, str] = {}
    for m in out:
        bad = set(m.costs) - set(STAGES)
        if bad:
            raise ValueError(f"closure {m.name}: unknown stages {sorted(bad)} (stages: {', '.join(STAGES)})")
        for name in m.methods:
            if name in seen:
                raise ValueError(f"closures {seen[name]} and {m.name} both record the method {name!r}")
            seen[name] = m.name
    return out


@lru_cache(maxsize=None)
def for_stage(stage: str) -> tuple[Method, ...]:
    """The methods that take part in ``stage`` (one of ``STAGES``), cheapest first (then by name)."""
    if stage not in STAGES:
        raise ValueError(f"unknown stage {stage!r} (stages: {', '.join(STAGES)})")
    return tuple(sorted((m for m in methods() if stage in m.costs), key=lambda m: (m.costs[stage], m.name)))


def by_method(name: str) -> Method | None:
    """The method whose records carry the closure name ``name`` (None: no registered method does)."""
    return next((m for m in methods() if name in m.methods), None)


__all__ = ["STAGES", "Method", "by_method", "for_stage", "methods"]
