"""Which array namespace a run computes in: the ``--backend`` choice (``auto``, ``numpy``, ``cupy``).

This is the one choice made by name; everything below it takes the namespace from its arrays
(:mod:`label_noise_lab.simulate.engine.namespace`). ``auto`` takes CuPy when it imports and sees a CUDA device, NumPy
otherwise;
``LNL_BACKEND`` or an explicit name forces one. The namespaces are ``array-api-compat``'s, so CuPy is just
another namespace and the optional import is the only CuPy-specific line.
"""
from __future__ import annotations

import os
from dataclasses import dataclass
from types import ModuleType
from typing import Any

import numpy as np

from label_noise_lab.simulate.engine.namespace import HOST, to_host
from label_noise_lab.simulate.engine.rng import generator

BACKENDS = ("auto", "numpy", "cupy")


@dataclass(frozen=True)
class Backend:
    """An array namespace and its name (``"numpy"``, ``"cupy"``, or a test's ``"strict"``)."""

    name: str
    xp: ModuleType

    def rng(self, seed: int | np.random.SeedSequence) -> Any:
        """A generator of this namespace's arrays seeded from ``seed``
        (:func:`label_noise_lab.simulate.engine.rng.generator`)."""
        return generator(self.xp, seed)

    def to_host(self, a: Any) -> np.ndarray:
        """Copy an array of this namespace to a NumPy array."""
        return to_host(a)


def cupy_available() -> bool:
    """True when CuPy imports and at least one CUDA device is visible."""
    try:
        import cupy  # type: ignore[import-not-found]  # optional dependency: only where a device is asked for

        return cupy.cuda.runtime.getDeviceCount() > 0
    except Exception:  # ImportError, CUDA driver errors: no usable device
        return False


def get_backend(name: str | None = None) -> Backend:
    """Return the backend ``name`` (default: ``$LNL_BACKEND`` or ``"auto"``).

    Raises
    ------
    ValueError
        For a name outside ``auto|numpy|cupy``, or ``cupy`` where no device is usable.
    """
    if name is None:
        name = os.environ.get("LNL_BACKEND", "auto")
    name = name.strip().lower()
    if name not in BACKENDS:
        raise ValueError(f"unknown backend {name!r}; choose one of {', '.join(BACKENDS)}")
    if name == "auto":
        name = "cupy" if cupy_available() else "numpy"
    if name == "cupy":
        if not cupy_available():
            raise ValueError("backend 'cupy' was asked for, but CuPy is not installed or sees no CUDA device")
        import array_api_compat.cupy as cupy_xp  # type: ignore[import-not-found]  # optional: only on a device

        return Backend("cupy", cupy_xp)
    return Backend("numpy", HOST)
