"""The figure registry: ``@figure(name)`` marks a function ``fn(out, fmt, precision) -> Path``."""
from __future__ import annotations

import importlib
from pathlib import Path
from typing import Callable

FigureFn = Callable[[Path, str, str], Path]
FIGURES: dict[str, FigureFn] = {}
MODULES = ("figures.ghosh17", "figures.gce18", "figures.patrini17", "figures.imae19", "figures.sce19", "figures.dmi19", "figures.le19", "figures.xu22")
FORMATS = ("png", "pdf", "svg")


def figure(name: str) -> Callable[[FigureFn], FigureFn]:
    def deco(fn: FigureFn) -> FigureFn:
        if name in FIGURES:
            raise ValueError(f"figure {name!r} is registered twice")
        FIGURES[name] = fn
        return fn

    return deco


def load() -> dict[str, FigureFn]:
    for m in MODULES:
        importlib.import_module(m)
    return FIGURES
