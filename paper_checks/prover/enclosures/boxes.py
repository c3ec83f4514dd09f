"""The declared domain cut into pieces, each a box of free coordinates; boxes, their splits and points.

A :class:`~paper_checks.search.params.SearchSpace` becomes a finite list of :class:`Piece`\\ s:

- every ``Integer`` parameter is enumerated over its declared range, every ``Sign`` over ``+1, -1``
  (each combination a piece);
- every simplex row (a ``SimplexPoint``, or a row of a ``StochasticMatrix``) of dimension ``d``
  is covered by the ``d`` regions "coordinate ``k`` is the largest": there the other
  coordinates lie in ``[0, 1/2]`` and ``p_k = 1 - (their sum)``, so each region is a box of
  ``d - 1`` free coordinates whose faces are the simplex's faces ``p_j = 0`` and whose corner
  at 0 is the vertex ``e_k``. For ``d <= 3`` the whole box lies in the simplex; for ``d >= 4``
  part of it does not (:func:`status` tells a box inside, one to split, one outside the region:
  its points have ``p_k < 1/d``, so they lie in another region);
- a ``Real`` is its interval, closed (an open end is included in the box: a proof on the
  closed interval covers the open one, and a margin undefined at the end leaves that end
  undecided); a pinned ``Real`` (``low == high``, e.g. ``explore --set b=2``) is substituted exactly
  and is no coordinate.

A box is a list of ``(low, high)`` pairs of ``Fraction``; splits halve the widest coordinate
(relative to the piece's box), and a box is named by its path of splits from the piece's box
(``"3L"``: the low half along coordinate 3), so a certificate's boxes can be re-derived and their
covering checked (:mod:`paper_checks.prover.certificate`).
"""
from __future__ import annotations

import itertools
import math
from dataclasses import dataclass
from fractions import Fraction
from typing import Any

import sympy

from paper_checks.prover.tracing.trace import Coordinate
from paper_checks.search.params import Integer, Point, Real, SearchSpace, Sign, SimplexPoint, StochasticMatrix

Box = list[tuple[Fraction, Fraction]]
#: how many halvings narrower than the widest coordinate a coordinate may be before splitting goes elsewhere
SPLIT_SPREAD = 6
#: the most integer combinations times simplex regions the prover enumerates
MAX_PIECES = 20000


@dataclass(frozen=True)
class Piece:
    """One piece of the domain: fixed integers and, per simplex row, the largest coordinate."""

    integers: tuple[tuple[str, int], ...]
    eliminated: tuple[tuple[str, tuple[int, ...]], ...]

    def to_json(self) -> dict[str, Any]:
        return {"integers": dict(self.integers),
                "largest_coordinate": {k: list(v) for k, v in self.eliminated}}


def _rows(p: Any) -> int:
    return 1 if isinstance(p, SimplexPoint) else p.dim


def pieces(space: SearchSpace) -> list[Piece]:
    """Every piece of the domain (integers enumerated, simplex regions chosen). Raises
    ``ValueError`` when there are more than :data:`MAX_PIECES`."""
    ints = [p for p in space.params if isinstance(p, (Integer, Sign))]
    values = [range(p.low, p.high + 1) if isinstance(p, Integer) else (1, -1) for p in ints]
    simp = [p for p in space.params if isinstance(p, (SimplexPoint, StochasticMatrix))]
    n = math.prod(len(v) for v in values) * math.prod(p.dim ** _rows(p) for p in simp)
    if n > MAX_PIECES:
        raise ValueError(f"the domain has {n} pieces (integer values times simplex regions), more than "
                         f"{MAX_PIECES}; narrow the integers")
    int_vals = itertools.product(*values)
    out = []
    for iv in int_vals:
        for regs in itertools.product(*[itertools.product(range(p.dim), repeat=_rows(p)) for p in simp]):
            out.append(Piece(tuple((p.name, v) for p, v in zip(ints, iv)),
                             tuple((p.name, r) for p, r in zip(simp, regs))))
    return out


def _real(space: SearchSpace, name: str) -> Real:
    return next(p for p in space.params if p.name == name)  # type: ignore[return-value]


def initial_box(space: SearchSpace, coords: list[Coordinate]) -> Box:
    """The box of a piece: a Real's interval (closed), ``[0, 1/2]`` for every simplex coordinate."""
    box: Box = []
    for c in coords:
        if c.index == ():
            p = _real(space, c.param)
            box.append((Fraction(p.low), Fraction(p.high)))
        else:
            box.append((Fraction(0), Fraction(1, 2)))
    return box


def groups(coords: list[Coordinate]) -> dict[tuple[str, int | None], list[int]]:
    """The free coordinates of each simplex row, by (parameter, row)."""
    out: dict[tuple[str, int | None], list[int]] = {}
    for i, c in enumerate(coords):
        if c.index:
            out.setdefault((c.param, c.index[0] if len(c.index) == 2 else None), []).append(i)
    return out


def status(box: Box, coords: list[Coordinate]) -> str:
    """``"inside"`` (every point of the box is a point of the simplices), ``"split"`` (part of the
    box leaves a simplex: some ``p_k`` may be negative) or ``"outside"`` (every point has some
    eliminated ``p_k < 1/d``: the point lies in another region of that row)."""
    verdict = "inside"
    for idx in groups(coords).values():
        d = len(idx) + 1
        lo = sum(box[i][0] for i in idx)
        hi = sum(box[i][1] for i in idx)
        if lo > 1 - Fraction(1, d):
            return "outside"
        if hi > 1:
            verdict = "split"
    return verdict


def split(box: Box, base: Box, smear: list[float] | None = None,
          depends: list[bool] | None = None) -> tuple[int, Box, Box]:
    """Halve ``box``: along the coordinate of largest ``smear`` (|derivative| x width) where given and
    positive somewhere, else its widest relative to ``base``; never along a coordinate the margin does not
    depend on (``depends[i]`` False) while another remains. Returns ``(coordinate, low half, high half)``."""
    rel = [(b[1] - b[0]) / (o[1] - o[0]) if o[1] > o[0] else Fraction(0) for b, o in zip(box, base)]
    if depends is not None and any(d and r > 0 for d, r in zip(depends, rel)):
        rel = [r if d else Fraction(0) for r, d in zip(rel, depends)]
    k = max(range(len(box)), key=lambda i: rel[i])
    if smear is not None and any(s > 0 for s in smear):
        # never split a coordinate already 2^SPLIT_SPREAD times narrower (relatively) than the widest
        ok = [i for i in range(len(box)) if rel[i] > 0 and rel[i] * 2**SPLIT_SPREAD >= rel[k]]
        k = max(ok, key=lambda i: (smear[i], rel[i]))
    lo, hi = box[k]
    mid = (lo + hi) / 2
    left, right = list(box), list(box)
    left[k], right[k] = (lo, mid), (mid, hi)
    return k, left, right


def from_path(base: Box, path: str) -> Box:
    """The box that the split path ``path`` (``"0L1R..."``) names inside ``base``."""
    box = list(base)
    for tok in path_tokens(path):
        k, side = int(tok[:-1]), tok[-1]
        lo, hi = box[k]
        mid = (lo + hi) / 2
        box[k] = (lo, mid) if side == "L" else (mid, hi)
    return box


def path_tokens(path: str) -> list[str]:
    """The steps of a split path: ``"0L12R"`` -> ``["0L", "12R"]``."""
    out, cur = [], ""
    for ch in path:
        cur += ch
        if ch in "LR":
            out.append(cur)
            cur = ""
    if cur:
        raise ValueError(f"malformed split path {path!r}")
    return out


def generic_point(box: Box, k: int = 0) -> list[Fraction]:
    """The ``k``-th of a few rational points inside ``box`` in general position: each coordinate at a different
    fraction (at most 1/5) of its range, so never on a set ``x_i = x_j`` of equal ranges, and inside a simplex
    of up to 5 free coordinates in ``[0, 1/2]``; for numerical tests (is an expression plainly not 0, is a
    Hessian definite), never for a closure."""
    return [lo + Fraction(1 + (5 * k + 3 * n) % 7, 35 + n) * (hi - lo) for n, (lo, hi) in enumerate(box)]


def centre(box: Box) -> list[Fraction]:
    return [(lo + hi) / 2 for lo, hi in box]


def exact_point(space: SearchSpace, piece: Piece, coords: list[Coordinate], x: list[Fraction]) -> Point:
    """The exact point of the domain at free coordinates ``x`` of ``piece`` (what ``verify`` takes)."""
    vals = {c.symbol: sympy.Rational(v.numerator, v.denominator) for c, v in zip(coords, x)}
    elim = dict(piece.eliminated)
    point: Point = {k: sympy.Integer(v) for k, v in piece.integers}
    for p in space.params:
        if isinstance(p, Real) and p.pinned:
            point[p.name] = sympy.Rational(p.low)
        elif isinstance(p, Real):
            point[p.name] = next(vals[c.symbol] for c in coords if c.param == p.name)
        elif isinstance(p, SimplexPoint):
            point[p.name] = _row(p.name, p.dim, elim[p.name][0], None, coords, vals)
        elif isinstance(p, StochasticMatrix):
            point[p.name] = sympy.Matrix([_row(p.name, p.dim, elim[p.name][r], r, coords, vals)
                                          for r in range(p.dim)])
    return point


def _row(name: str, dim: int, k: int, row: int | None, coords: list[Coordinate], vals: dict) -> list[Any]:
    want = [c for c in coords if c.param == name and (row is None or c.index[0] == row)]
    out: list[Any] = [None] * dim
    for c in want:
        out[c.index[-1]] = vals[c.symbol]
    out[k] = 1 - sum(v for v in out if v is not None)
    return out
