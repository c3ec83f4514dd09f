"""Plain JSON values of what the checks compute (NumPy and SymPy numbers, tuples).

A leaf module: :mod:`paper_checks.evidence` and the search modules (:mod:`paper_checks.search.loop`
and the modules it is built from) both import :func:`jsonable` from here, so neither imports
the other at run time.
"""
from __future__ import annotations

import math
from typing import Any


def jsonable(obj: Any) -> Any:
    """Convert NumPy scalars/arrays, SymPy numbers and tuples to plain JSON values."""
    if obj is None or isinstance(obj, (bool, str)):
        return obj
    if isinstance(obj, int):
        return obj
    if isinstance(obj, float):
        return obj if math.isfinite(obj) else str(obj)
    if isinstance(obj, dict):
        return {str(k): jsonable(v) for k, v in obj.items()}
    if isinstance(obj, (list, tuple)):
        return [jsonable(v) for v in obj]
    if hasattr(obj, "tolist"):  # numpy arrays and scalars
        return jsonable(obj.tolist())
    try:
        # imported here: SymPy takes 0.3 s to import and only its own values need it (evidence.py stays light)
        import sympy

        if isinstance(obj, sympy.Basic):
            if obj.is_Integer:
                return int(obj)
            if obj.is_Rational:
                return str(obj)
            if obj.is_number:
                # complex infinity (zoo), nan and complex values have no JSON number
                try:
                    v = float(obj)
                except TypeError:
                    return str(obj)
                return v if math.isfinite(v) else str(obj)
            return str(obj)
    except ImportError:  # pragma: no cover
        pass
    return str(obj)


def exact_values(obj: Any) -> Any:
    """:func:`jsonable`, with every exact number a string (``4`` -> ``"4"``, ``Rational(1, 2)`` -> ``"1/2"``).

    A counterexample in ``report.json`` reads alike in every entry (``["1/2", "0", "1/2"]``, never
    ``["1/2", 0, "1/2"]``), and a SymPy number keeps its exact form (``"-2 + sqrt(2)"``, not its float):
    ``sympy.Rational(s)`` gives back a rational. Floats (estimates, a margin's floating-point value) and
    booleans stay JSON numbers and booleans.
    """
    if isinstance(obj, dict):
        return {str(k): exact_values(v) for k, v in obj.items()}
    if isinstance(obj, (list, tuple)):
        return [exact_values(v) for v in obj]
    if type(obj).__module__.startswith("sympy"):  # sqrt(2) - 2 stays exact (jsonable would give its float)
        return str(obj)
    obj = jsonable(obj)
    if isinstance(obj, (dict, list)):  # a NumPy array
        return exact_values(obj)
    if isinstance(obj, int) and not isinstance(obj, bool):
        return str(obj)
    return obj


def inexact(obj: Any) -> Any:
    """The exactness rule of evidence (issue 66, item 3): the first inexact number in ``obj``, or ``None`` where every
    number in it is exact. Inexact: a float (Python's or NumPy's; JSON's form of a floating-point value), a complex
    number, an ``mpmath`` number, and a SymPy expression holding a ``Float`` (``c/(c - 1)`` with a Python int ``c``
    is the float 1.5, a ``Float`` once a SymPy number is added to it). Exact: ``bool``, ``int``, ``Fraction``, a
    ``Decimal`` (a finite decimal, read as its exact ``Fraction``), SymPy's rationals and exact constants
    (``sqrt(2) - 2``, ``pi``), and text (``"1/5"``, the form ``report.json`` gives an exact value). Dicts (their
    values), lists and tuples are searched."""
    if obj is None or isinstance(obj, (bool, int, str, bytes)):
        return None
    if isinstance(obj, dict):
        return next((f for f in map(inexact, obj.values()) if f is not None), None)
    if isinstance(obj, (list, tuple)):
        return next((f for f in map(inexact, obj) if f is not None), None)
    if isinstance(obj, (float, complex)):
        return obj
    module = type(obj).__module__
    if module.startswith("sympy"):
        import sympy

        floats = obj.atoms(sympy.Float) if isinstance(obj, sympy.Basic) else ()
        return next(iter(sorted(floats, key=str)), None)
    if module.startswith("mpmath"):
        return obj
    if module.startswith("numpy"):
        import numpy as np

        if isinstance(obj, np.ndarray):
            return inexact(obj.tolist())
        return obj if isinstance(obj, (np.inexact,)) else None
    return None
