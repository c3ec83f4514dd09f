"""What a search domain covers, as a reader sees it: each coordinate's range (which ends are open), the
statement's own range beside it where the two differ, and how a folded simplex point maps onto ``c`` classes.

``explore --prove`` prints these rows above a proof and records them in its JSON, and the report lists them
under each explorable claim (:func:`domain_rows`), so that a proof never reads as covering more than it did:
a proof on a narrower domain than the statement's is a proof of that narrower statement
(:attr:`~paper_checks.search.params.space.SearchSpace.narrower`).
"""
from __future__ import annotations

import math
from fractions import Fraction
from typing import Any

from label_noise_lab.theory.simplex import fold
from paper_checks.search.params.base import Parameter
from paper_checks.search.params.scalar import Integer, Real
from paper_checks.search.params.sign import Sign
from paper_checks.search.params.simplex import SimplexPoint, StochasticMatrix

#: what a real coordinate that holds the statement's integer ones (``SearchSpace.relaxed``) means, as a reader is told
RELAXATION = "a real relaxation: a proof covers every such integer, a counterexample counts only at an integer"

#: how :func:`label_noise_lab.theory.simplex.fold` maps a point of a larger simplex onto ``c`` classes, as a reader is
# told
FOLD_RULE = ("the first c - 1 coordinates are kept and class c gets the remaining mass, as "
             "label_noise_lab.theory.simplex.fold does")


def end_text(v: Any) -> str:
    """One end of a range as a reader writes it: ``oo``/``-oo``, an exact fraction ``1/10``, or the float."""
    if isinstance(v, Fraction):
        return str(v.numerator) if v.denominator == 1 else f"{v.numerator}/{v.denominator}"
    f = float(v)
    if math.isinf(f):
        return "oo" if f > 0 else "-oo"
    return str(int(f)) if f.is_integer() else repr(f)


def range_text(p: Parameter, folded_onto: str | None = None) -> str:
    """The range of one parameter: ``(0, oo)``, ``[-1, 3]``, ``2..8``, ``{-1, +1}``, a simplex or a stochastic
    matrix (and, for a folded simplex point, that it is folded onto ``folded_onto`` classes)."""
    if isinstance(p, Real):
        if p.pinned:
            return f"= {end_text(p.low)}"
        lo = "(" if p.open_low or math.isinf(float(p.low)) else "["
        hi = ")" if p.open_high or math.isinf(float(p.high)) else "]"
        return f"{lo}{end_text(p.low)}, {end_text(p.high)}{hi}"
    if isinstance(p, Integer):
        return f"{p.low}" if p.low == p.high else f"{p.low}..{p.high}"
    if isinstance(p, SimplexPoint):
        text = f"the closed probability simplex of {p.dim} coordinates"
        return text + (f", folded onto {folded_onto} classes" if folded_onto else "")
    if isinstance(p, StochasticMatrix):
        return f"the row-stochastic {p.dim} x {p.dim} matrices"
    if isinstance(p, Sign):
        return "{-1, +1}"
    return type(p).__name__


def range_json(p: Parameter, folded_onto: str | None = None) -> dict[str, Any]:
    """One parameter's range as JSON: its ``kind`` and ``range`` text, and for a real its ends (as text: ``oo``
    and exact fractions stay exact) and which are open."""
    out: dict[str, Any] = {"name": p.name, "kind": type(p).__name__, "range": range_text(p, folded_onto)}
    if isinstance(p, Real):
        out.update(low=end_text(p.low), high=end_text(p.high),
                   open_low=bool(p.open_low or math.isinf(float(p.low))),
                   open_high=bool(p.open_high or math.isinf(float(p.high))))
    elif isinstance(p, Integer):
        out.update(low=p.low, high=p.high)
    elif isinstance(p, (SimplexPoint, StochasticMatrix)):
        out["dim"] = p.dim
    if folded_onto:
        out["folded_onto"] = folded_onto
        out["folding"] = FOLD_RULE
    return out


def domain_rows(space: Any, declared: Any = None) -> list[dict[str, Any]]:
    """Each coordinate of ``space`` (a :class:`~paper_checks.search.params.space.SearchSpace`) as
    :func:`range_json`, with ``statement``: the statement's own range where it differs from the one searched
    (the space's ``statement_domain``), and ``declared``: the declared range of a coordinate that ``--set``
    narrowed (``declared``: the space before it)."""
    folds = dict(space.folds)
    stated = dict(space.statement_domain)
    relaxed = dict(getattr(space, "relaxed", ()))
    before = {p.name: p for p in declared.params} if declared is not None else {}
    rows = []
    for p in space.params:
        row = range_json(p, folds.get(p.name))
        if p.name in before and before[p.name] != p:
            row["declared"] = range_text(before[p.name], folds.get(p.name))
        if p.name in stated:
            row["statement"] = stated[p.name]
        elif p.name in relaxed:  # a real coordinate that holds the statement's integers: not narrower
            row["statement"] = relaxed[p.name]
            row["relaxation"] = RELAXATION
        rows.append(row)
    return rows


def row_text(row: dict[str, Any]) -> str:
    """One :func:`domain_rows` row as a reader writes it: ``q in (0, 1]``, ``c = 2..8``, ``q = 1``."""
    rng = row["range"]
    if rng.startswith("= "):
        return f"{row['name']} {rng}"
    return f"{row['name']} {'=' if row['kind'] == 'Integer' else 'in'} {rng}"


def domain_lines(rows: list[dict[str, Any]]) -> list[str]:
    """:func:`domain_rows` as text, one coordinate a line: ``q in (0, 1]   (statement: every q > 0)``, and a
    last line on how a folded point was folded."""
    out = [f"  {row_text(r)}   ({beside(r)})" if beside(r) else f"  {row_text(r)}" for r in rows]
    if any("folded_onto" in r for r in rows):
        out.append(f"  (a folded point: {FOLD_RULE})")
    return out


def narrower(rows: list[dict[str, Any]]) -> str:
    """The coordinates on which the domain is narrower than the statement's, as ``"c = 2..8 (statement:
    every c >= 2)"`` joined by ``; `` (``""`` where no coordinate is)."""
    return "; ".join(f"{row_text(r)} ({beside(r)})" for r in rows
                     if "declared" in r or ("statement" in r and "relaxation" not in r))


def beside(row: dict[str, Any]) -> str:
    """What a row's range is narrower than: the declared range (before ``--set``) and the statement's; or, for a
    real relaxation of an integer coordinate, the statement's integers it holds."""
    parts = [f"{k}: {row[k]}" for k in ("declared", "statement") if k in row]
    return "; ".join(parts + ([row["relaxation"]] if "relaxation" in row else []))


def off_integers(space: Any, point: Any) -> str:
    """The coordinates of ``point`` that the statement takes at integers only (``SearchSpace.relaxed``) and that
    are no integer there, as ``"c = 5/2"`` joined by ``, ``; ``""`` where there are none: then a counterexample of
    the relaxation is one of the statement."""
    if not isinstance(point, dict):
        return ""
    out = []
    for name, _ in getattr(space, "relaxed", ()):
        v = point.get(name)
        if v is None:
            continue
        exact = Fraction(str(v)) if not isinstance(v, float) else Fraction(v)
        if exact.denominator != 1:
            out.append(f"{name} = {end_text(exact)}")
    return ", ".join(out)


def unfolded(space: Any, point: Any) -> Any:
    """``point`` as a reader reads it: each folded simplex point (the space's ``folds``) mapped onto its ``c``
    classes by :func:`label_noise_lab.theory.simplex.fold`, the point as drawn kept beside under ``"<name> (as
    drawn)"``;
    ``point`` itself where nothing is folded (or it is no point: ``None``)."""
    folds = dict(space.folds)
    if not folds or not isinstance(point, dict):
        return point
    out: dict[str, Any] = {}
    for k, v in point.items():
        c = point.get(folds.get(k, ""))
        if k in folds and c is not None:
            out[k] = fold(list(v), int(c))
            out[f"{k} (as drawn)"] = v
        else:
            out[k] = v
    return out
