"""Host synchronisations and uploads counted on ``array_api_strict``, the standard's strict namespace.

A device pays a synchronisation for every value it hands to the host: ``float(a)``, ``int(a)``, ``bool(a)``,
``operator.index(a)``, ``complex(a)``, and any copy to NumPy (``np.asarray(a)``, DLPack:
:func:`label_noise_lab.simulate.engine.namespace.to_host`); and an upload for every host array it is given
(``xp.asarray`` of a
NumPy array). :func:`counting` counts both within a block by wrapping those methods of
``array_api_strict``'s array class (the results are unchanged: ``array_api_strict`` computes with NumPy).
Draws of the RNG adapter (:class:`label_noise_lab.simulate.engine.rng.HostStream`) are not counted as uploads: on CuPy
the
generator draws on the device.
"""
from __future__ import annotations

import contextlib
from dataclasses import dataclass
from typing import Any, Iterator

import array_api_strict
import numpy as np

from label_noise_lab.simulate.engine.rng import HostStream

#: the array class of array_api_strict (its module path is private; the type of any of its arrays is public)
StrictArray = type(array_api_strict.asarray(0.0))

#: the methods through which a value reaches the host
SYNC_METHODS = ("__float__", "__int__", "__index__", "__bool__", "__complex__", "__array__", "__dlpack__")


@dataclass
class Counts:
    """Host syncs and uploads seen within a :func:`counting` block."""

    syncs: int = 0
    uploads: int = 0


@contextlib.contextmanager
def counting() -> Iterator[Counts]:
    """Count host syncs and uploads on ``array_api_strict`` within the block (see the module docstring)."""
    counts, drawing = Counts(), [0]
    saved = {name: getattr(StrictArray, name) for name in SYNC_METHODS}
    asarray = array_api_strict.asarray
    draws = {name: getattr(HostStream, name) for name in ("random", "integers", "standard_normal")}

    def synced(name: str) -> Any:
        real = saved[name]

        def method(self: Any, *args: Any, **kwargs: Any) -> Any:
            counts.syncs += 1
            return real(self, *args, **kwargs)

        return method

    def uploading(obj: Any, *args: Any, **kwargs: Any) -> Any:
        if isinstance(obj, (np.ndarray, np.generic)) and not drawing[0]:
            counts.uploads += 1
        return asarray(obj, *args, **kwargs)

    def drawn(name: str) -> Any:
        real = draws[name]

        def method(self: Any, *args: Any, **kwargs: Any) -> Any:
            drawing[0] += 1
            try:
                return real(self, *args, **kwargs)
            finally:
                drawing[0] -= 1

        return method

    try:
        for name in SYNC_METHODS:
            setattr(StrictArray, name, synced(name))
        for name in draws:
            setattr(HostStream, name, drawn(name))
        array_api_strict.asarray = uploading
        yield counts
    finally:
        array_api_strict.asarray = asarray
        for name, real in saved.items():
            setattr(StrictArray, name, real)
        for name, real in draws.items():
            setattr(HostStream, name, real)
