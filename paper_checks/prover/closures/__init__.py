"""The registry of the prover's closing methods, and (:mod:`~paper_checks.prover.closures.base`) the classes they
subclass.

A closing method lives in the room of its family (:data:`ROOMS`), in one module with its logic: a
:class:`~paper_checks.prover.closures.base.Method` subclass with its ``step`` and its ``recheck``, entered with the
:func:`~paper_checks.prover.closures.base.register` decorator. The registry imports every module of those rooms, so
**adding a closure means adding one module** to its room and naming it in :mod:`paper_checks.prover.schedule`, the one
place that orders them: :func:`for_stage` gives the methods of a stage of the proof in the schedule's order
(:func:`paper_checks.prover.prove.prove` runs them in that order), and :func:`by_method`
the method that recorded a closure of a given name (:func:`paper_checks.prover.certificate.recheck`
re-checks each record through it).
"""
from __future__ import annotations

import importlib
import pkgutil
from functools import lru_cache

from paper_checks.prover import schedule
from paper_checks.prover.closures.base import STAGES, Method, registered

#: the rooms of :mod:`paper_checks.prover` whose modules may register closing methods (docs/design.md, "The prover")
ROOMS = ("algebraic", "critical", "enclosures", "kinks", "subproofs", "sweeps", "symmetry", "tracing")


@lru_cache(maxsize=1)
def methods() -> tuple[Method, ...]:
    """Every registered method (each module of the :data:`ROOMS` imported once); raises ``ValueError`` where two
    record the same closure name, where the schedule names a method no module registers or a stage it lacks, or
    where a registered method is in no stage and not :data:`~paper_checks.prover.schedule.UNSTAGED`."""
    for room in ROOMS:
        package = importlib.import_module(f"paper_checks.prover.{room}")
        for info in sorted(pkgutil.iter_modules(package.__path__), key=lambda m: m.name):
            importlib.import_module(f"{package.__name__}.{info.name}")
    out = tuple(registered())
    names = {m.name for m in out}
    if set(schedule.SCHEDULE) != set(STAGES):
        raise ValueError(f"the schedule's stages {sorted(schedule.SCHEDULE)} are not the prover's {list(STAGES)}")
    listed = {n for stage in schedule.SCHEDULE.values() for n in stage} | set(schedule.UNSTAGED)
    if listed - names:
        raise ValueError(f"the schedule names methods no module registers: {sorted(listed - names)}")
    if names - listed:
        raise ValueError(f"registered methods in no stage of the schedule: {sorted(names - listed)}")
    seen: dict[str, str] = {}
    for m in out:
        for name in m.methods:
            if name in seen:
                raise ValueError(f"closures {seen[name]} and {m.name} both record the method {name!r}")
            seen[name] = m.name
    return out


@lru_cache(maxsize=None)
def for_stage(stage: str) -> tuple[Method, ...]:
    """The methods that take part in ``stage`` (one of ``STAGES``), in the schedule's order."""
    if stage not in STAGES:
        raise ValueError(f"unknown stage {stage!r} (stages: {', '.join(STAGES)})")
    by_name = {m.name: m for m in methods()}
    return tuple(by_name[n] for n in schedule.order(stage))


def by_method(name: str) -> Method | None:
    """The method whose records carry the closure name ``name`` (None: no registered method does)."""
    return next((m for m in methods() if name in m.methods), None)


__all__ = ["ROOMS", "STAGES", "Method", "by_method", "for_stage", "methods"]
