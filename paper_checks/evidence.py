"""Verdicts and the evidence a check returns (DESIGN.md, "Verdicts")."""
from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

VERDICTS = ("proved", "confirmed", "refuted", "qualified", "inconclusive")
METHODS = ("symbolic", "exact", "mc", "search", "sim")


@dataclass
class Evidence:
    """What a check computed.

    Attributes
    ----------
    verdict : one of ``VERDICTS``
    method : one of ``METHODS`` (the main kind of evidence; ``numbers`` may hold more)
    summary : one sentence a reader can quote
    numbers : the figures that back the verdict (JSON-serialisable)
    counterexample : for ``refuted`` (and ``qualified`` where one shows the missing
        condition): the failing values, verified exactly or in high precision
    condition : for ``qualified``: the extra condition under which the claim holds
    figures : names of figures drawn from this computation
    """

    verdict: str
    method: str
    summary: str
    numbers: dict[str, Any] = field(default_factory=dict)
    counterexample: dict[str, Any] | None = None
    condition: str | None = None
    figures: list[str] = field(default_factory=list)

    def __post_init__(self) -> None:
        if self.verdict not in VERDICTS:
            raise ValueError(f"unknown verdict {self.verdict!r}; choose one of {VERDICTS}")
        if self.method not in METHODS:
            raise ValueError(f"unknown method {self.method!r}; choose one of {METHODS}")
        if self.verdict == "refuted" and not self.counterexample:
            raise ValueError("a 'refuted' verdict needs a verified counterexample")
        if self.verdict == "qualified" and not self.condition:
            raise ValueError("a 'qualified' verdict must state its condition")
        if not self.summary.strip():
            raise ValueError("evidence needs a one-sentence summary")

    def to_json(self) -> dict[str, Any]:
        return {
            "verdict": self.verdict,
            "method": self.method,
            "summary": self.summary,
            "numbers": jsonable(self.numbers),
            "counterexample": jsonable(self.counterexample),
            "condition": self.condition,
            "figures": list(self.figures),
        }


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
