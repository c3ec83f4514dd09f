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
