"""Choice of array namespace: CuPy when it imports and sees a device, NumPy otherwise.

The choice is made once (``get_backend``) and the namespace is passed down as ``xp``.
``LNL_BACKEND`` (``auto``, ``numpy``, ``cupy``) or an explicit name forces one.
"""
from __future__ import annotations

import os
from dataclasses import dataclass
from types import ModuleType
from typing import Any

import numpy as np

BACKENDS = ("auto", "numpy", "cupy")


@dataclass(frozen=True)
class Backend:
    """An array namespace and its name (``"numpy"`` or ``"cupy"``)."""

    name: str
    xp: ModuleType

    def rng(self, seed: int | np.random.SeedSequence) -> Any:
        """A ``Generator`` of this namespace seeded from ``seed``."""
        return self.xp.random.default_rng(seed)

    def to_host(self, a: Any) -> np.ndarray:
        """Copy an array of this namespace to a NumPy array."""
        return to_host(a)


def cupy_available() -> bool:
    """True when CuPy imports and at least one CUDA device is visible."""
    try:
        import cupy  # type: ignore[import-not-found]

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
        import cupy  # type: ignore[import-not-found]

        return Backend("cupy", cupy)
    return Backend("numpy", np)


def namespace_of(a: Any) -> ModuleType:
    """The array namespace (numpy or cupy) that array ``a`` belongs to."""
    mod = type(a).__module__
    if mod.startswith("cupy"):
        import cupy  # type: ignore[import-not-found]

        return cupy
    return np


def to_host(a: Any) -> np.ndarray:
    """A NumPy copy of ``a`` (no copy when it already is one)."""
    if hasattr(a, "get") and type(a).__module__.startswith("cupy"):
        return a.get()
    return np.asarray(a)
