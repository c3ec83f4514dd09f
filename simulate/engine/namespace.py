"""Array namespaces, taken from the arrays themselves through ``array-api-compat``.

Array code is written against the array API standard (https://data-apis.org/array-api/): it asks an array for
its namespace (:func:`namespace_of`, i.e. ``array_api_compat.array_namespace``) and uses that namespace's
functions, so NumPy (``array_api_compat.numpy``), CuPy (``array_api_compat.cupy``) and ``array_api_strict`` run
the same code. Data moves to the host only for final scalars (:func:`to_host`). NumPy's own module and
``array_api_compat.numpy`` are the same namespace here (:func:`same_namespace`): the first wraps the second's
arrays, and both compute with NumPy, so NumPy results do not depend on which one a caller passed.
"""
from __future__ import annotations

from types import ModuleType
from typing import Any

import array_api_compat
import array_api_compat.numpy as HOST  # noqa: N812  (a module constant: the host namespace)
import numpy as np

__all__ = ["HOST", "default_chunk", "dtype_in", "is_host", "name_of", "namespace_of", "same_namespace", "to_host"]


def is_host(xp: Any) -> bool:
    """True for NumPy's namespace (``numpy`` itself or ``array_api_compat.numpy``)."""
    return array_api_compat.is_numpy_namespace(xp)


def same_namespace(a: Any, b: Any) -> bool:
    """True when namespaces ``a`` and ``b`` hold the same arrays (``numpy`` and ``array_api_compat.numpy`` do)."""
    return a is b or (is_host(a) and is_host(b)) or (
        array_api_compat.is_cupy_namespace(a) and array_api_compat.is_cupy_namespace(b))


def name_of(xp: Any) -> str:
    """A namespace's short name for messages: ``numpy``, ``cupy``, ``array_api_strict``, ..."""
    if xp is None:
        return "no"
    if is_host(xp):
        return "numpy"
    if array_api_compat.is_cupy_namespace(xp):
        return "cupy"
    return getattr(xp, "__name__", repr(xp))


def namespace_of(a: Any) -> ModuleType:
    """The array namespace of ``a``: ``array_api_compat.array_namespace(a)`` for an array; for a random generator
    the namespace it draws (NumPy's ``Generator`` the host's, CuPy's CuPy's, a
    :class:`~label_noise_lab.simulate.engine.rng.HostStream` its own); anything else (Python scalars, lists) belongs to
    the host,
    which is where ``xp.asarray`` of it would put it."""
    if isinstance(a, (np.random.Generator, np.random.RandomState)):
        return HOST
    if type(a).__module__.startswith("cupy.random"):
        import array_api_compat.cupy as cupy_xp  # type: ignore[import-not-found]  # optional: only on a device

        return cupy_xp
    if not (array_api_compat.is_array_api_obj(a) or hasattr(a, "__array_namespace__")):
        return HOST
    return array_api_compat.array_namespace(a)


def to_host(a: Any) -> np.ndarray:
    """A NumPy copy of ``a`` (no copy when it already is one): ``.get()`` on CuPy, DLPack for any other
    namespace (``array_api_strict``), never an implicit conversion."""
    if isinstance(a, (np.ndarray, np.generic, bool, int, float, complex, list, tuple)):
        return np.asarray(a)
    if array_api_compat.is_cupy_array(a):
        return a.get()
    return np.from_dlpack(a)


def dtype_in(xp: Any, dtype: Any) -> Any:
    """Namespace ``xp``'s dtype of the same name as ``dtype`` (``numpy.float32``, ``float``, ``"float64"``...): the
    standard's namespaces take only their own dtype objects."""
    return getattr(xp, np.dtype(dtype).name)


def default_chunk(xp: Any) -> int:
    """Draws per Monte Carlo chunk for namespace ``xp``: ``2**16`` on NumPy (cache-sized buffers are several times
    faster than whole-array passes), ``2**22`` elsewhere, a device (fewer launches and syncs)."""
    return 1 << 16 if is_host(xp) else 1 << 22
