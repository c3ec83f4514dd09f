"""The symbols a margin is traced on (:func:`paper_checks.prover.tracing.trace.symbolic_point`): a free coordinate of a
piece of the domain (:class:`Coordinate`), a simplex row's symbols with one coordinate eliminated, and the signs
SymPy may assume of a real coordinate from its interval."""
from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction
from typing import Any

import sympy


@dataclass(frozen=True)
class Coordinate:
    """One free coordinate of a piece of the domain: its symbol and where it lives."""

    symbol: sympy.Symbol
    param: str
    index: tuple[int, ...]  # () for a Real; (j,) of a simplex point; (row, j) of a matrix
    #: a Real's ends that its domain leaves open (exact), None where closed: a proof there may take them as strict
    open_at: tuple[Fraction | None, Fraction | None] = (None, None)


def simplex_symbols(name: str, dim: int, eliminated: int, row: int | None) -> tuple[list[Any], list[Coordinate]]:
    """A simplex point whose coordinate ``eliminated`` is ``1 - (sum of the others)``."""
    coords: list[Coordinate] = []
    vals: list[Any] = [None] * dim
    for j in range(dim):
        if j == eliminated:
            continue
        tag = f"{name}[{j}]" if row is None else f"{name}[{row},{j}]"
        s = sympy.Symbol(tag, real=True, nonnegative=True)
        vals[j] = s
        coords.append(Coordinate(s, name, (j,) if row is None else (row, j)))
    vals[eliminated] = 1 - sympy.Add(*[c.symbol for c in coords])
    return vals, coords


def sign_assumptions(low: float | Fraction, high: float | Fraction, open_low: bool = False,
                     open_high: bool = False) -> dict[str, bool]:
    """SymPy's assumptions for a real coordinate of the closed interval ``[low, high]``: its sign where the
    interval fixes it strictly, so that SymPy simplifies what holds on the whole domain (``0**q`` is 0 for ``q`` in
    ``[1/4, 1]``, and its derivative in ``q`` is 0, not ``0**q log 0``, which is NaN).

    Only a strict sign: a factor that may be 0 would let SymPy split ``sqrt(x p)`` into ``sqrt(p) sqrt(x)`` for
    ``p >= 0``, real at ``p = 0`` for every ``x`` while its node ``sqrt(x)`` is not, and a point where the margin is
    real would be named as one where it is not. A factor that is never 0 keeps both the same.

    An open end at 0 excludes 0 from the domain: ``q`` in ``(0, 1]`` (GCE's, Zhang & Sabuncu 2018, Eq. 6) is positive
    there, and a proof on the closed box of what SymPy simplifies for ``q > 0`` holds on the open domain."""
    out = {"real": True}
    if low > 0 or (low == 0 and open_low):
        out["positive"] = True
    elif high < 0 or (high == 0 and open_high):
        out["negative"] = True
    return out
