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
        """A ``Generator`` of this namespace seeded from ``seed`` (CuPy gets the sequence's first word)."""
        if self.name == "cupy" and isinstance(seed, np.random.SeedSequence):
            seed = int(seed.generate_state(1)[0])
        return self.xp.random.default_rng(seed)

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
        import cupy  # type: ignore[import-not-found]  # optional dependency: only where a device is asked for

        return Backend("cupy", cupy)
    return Backend("numpy", np)


def namespace_of(a: Any) -> ModuleType:
    """The array namespace that array (or generator) ``a`` belongs to: numpy, cupy, or another
    namespace that declares itself through ``__array_namespace__`` (the test suite's stand-in).

    Python scalars, lists and NumPy objects belong to NumPy.
    """
    if isinstance(a, (np.ndarray, np.generic, np.random.Generator, np.random.RandomState)):
        return np
    mod = type(a).__module__
    if mod.startswith("cupy"):
        import cupy  # type: ignore[import-not-found]  # optional dependency: only where a device is asked for

        return cupy
    ns = getattr(a, "__array_namespace__", None)
    if ns is not None:
        return ns()
    return np


def check_generator(rng: Any, name: str = "rng") -> Any:
    """``rng`` itself when it is a random generator (it has ``random``, as NumPy's and CuPy's
    ``Generator`` do); a ``TypeError`` naming ``name`` and quoting the value otherwise (``None``, a seed)."""
    if not callable(getattr(rng, "random", None)):
        raise TypeError(f"{name} must be a random generator (numpy.random.default_rng(seed), or CuPy's), "
                        f"got {rng!r:.80}")
    return rng


def check_generators(rngs: Any, count: int, name: str = "rng") -> list[Any]:
    """``rngs``, a sequence of ``count`` random generators (one per stacked batch), as a list; ``TypeError``
    naming ``name`` for a single generator, ``None`` or a non-generator item."""
    if hasattr(rngs, "random") or not hasattr(rngs, "__iter__") or isinstance(rngs, str):
        raise TypeError(f"{name} must be a sequence of {count} generators for stacked batches, got {rngs!r:.80}")
    return [check_generator(g, f"{name}[{i}]") for i, g in enumerate(rngs)]


def check_rng(rng: Any, xp: Any) -> Any:
    """``rng`` itself when it draws arrays of namespace ``xp``; a clear ``TypeError`` otherwise.

    A NumPy generator with CuPy arrays (or the reverse) would move every draw across the bus,
    or fail deep inside; this says so at the call.
    """
    check_generator(rng)
    ns = namespace_of(rng)
    if ns is not xp:
        raise TypeError(f"rng draws {ns.__name__} arrays but the arrays here are {getattr(xp, '__name__', xp)}; "
                        f"pass a generator of the same backend (Context.device_rng or Backend.rng)")
    return rng


class HostStream:
    """A host NumPy generator whose draws land in namespace ``xp``: the same numbers on every backend.

    Training loops draw their batch orders and pair indices from host generators (one per
    replica, so a replica reproduces a single run); on a device each draw is uploaded here,
    explicitly. Only the methods the samplers use are offered.
    """

    __slots__ = ("rng", "xp")

    def __init__(self, rng: np.random.Generator, xp: Any) -> None:
        if namespace_of(rng) is not np:
            raise TypeError(f"HostStream wraps a NumPy Generator, got {type(rng).__name__}")
        self.rng, self.xp = rng, xp

    def __array_namespace__(self, api_version: Any = None) -> Any:
        return self.xp

    def random(self, size: Any = None) -> Any:
        return self.xp.asarray(self.rng.random(size))

    def integers(self, low: int, high: int | None = None, size: Any = None) -> Any:
        return self.xp.asarray(self.rng.integers(low, high, size))

    def standard_normal(self, size: Any = None) -> Any:
        return self.xp.asarray(self.rng.standard_normal(size))


def draws_for(rng: Any, xp: Any) -> Any:
    """``rng`` when it draws ``xp`` arrays; a :class:`HostStream` when it is a host generator and
    ``xp`` a device namespace; ``TypeError`` otherwise (see :func:`check_rng`)."""
    ns = namespace_of(rng)
    if ns is xp:
        return rng
    if ns is np and hasattr(rng, "random"):
        return HostStream(rng, xp)
    return check_rng(rng, xp)


def default_chunk(xp: Any) -> int:
    """Draws per Monte Carlo chunk for namespace ``xp``: ``2**16`` on NumPy (cache-sized buffers are
    several times faster than whole-array passes), ``2**22`` on a device (fewer launches and syncs)."""
    return 1 << 16 if xp is np else 1 << 22


def to_host(a: Any) -> np.ndarray:
    """A NumPy copy of ``a`` (no copy when it already is one)."""
    if namespace_of(a) is not np:
        return a.get()
    return np.asarray(a)
