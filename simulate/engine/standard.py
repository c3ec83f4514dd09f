"""What NumPy and CuPy have and the array API standard lacks, written with the standard's functions.

Samplers count with ``bincount``, which the standard does not define; :func:`bincount` computes it from
``sort`` and ``searchsorted`` in any namespace, and keeps NumPy's own on the host (the counts are integers, so
both give the same numbers; NumPy's is a single pass).
"""
from __future__ import annotations

from typing import Any

import numpy as np

from label_noise_lab.simulate.engine.namespace import is_host, namespace_of


def bincount(keys: Any, minlength: int) -> Any:
    """``counts[k]`` = how many of the non-negative integer ``keys`` (1-d) equal ``k``, for ``k < minlength``
    (``numpy.bincount(keys, minlength=minlength)``), as int64 in the keys' namespace. The caller guarantees that
    every key lies in ``[0, minlength)`` (off the host, checking it would cost a host sync; on the host a larger key
    lengthens the counts, as NumPy's does)."""
    xp = namespace_of(keys)
    if is_host(xp):
        return np.bincount(keys, minlength=minlength)
    edges = xp.searchsorted(xp.sort(keys), xp.arange(minlength + 1, dtype=keys.dtype), side="left")
    return xp.astype(edges[1:] - edges[:-1], xp.int64)
