"""Validators of integer arguments, shared by theory/ and simulate/.

Plain Python (no SymPy, no NumPy import), so the numeric engine can use them without
loading SymPy. Anything with ``__index__`` counts as an integer (``int``, ``numpy.int64``,
``sympy.Integer``); ``bool`` does not.
"""
from __future__ import annotations

import operator
from typing import Any


def check_int(name: str, value: Any, low: int) -> int:
    """Return ``value`` as an ``int``; raise ``ValueError`` naming ``name`` unless it is an integer ``>= low``."""
    if isinstance(value, bool) or not hasattr(value, "__index__"):
        raise ValueError(f"{name} must be an integer >= {low}, got {value!r}")
    n = operator.index(value)
    if n < low:
        raise ValueError(f"{name} must be an integer >= {low}, got {value!r}")
    return n


def check_classes(c: Any) -> int:
    """Return the number of classes ``c`` as an ``int``; raise ``ValueError`` unless it is an integer ``>= 2``."""
    return check_int("the number of classes c", c, 2)
