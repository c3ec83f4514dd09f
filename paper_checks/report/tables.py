"""Readable tables of a claim's numbers and counterexample, shared by the Markdown and HTML reports
(and ``python -m paper_checks show``).

They show readable cells and say where they shortened anything ("shortened, see report.json"),
never cutting silently: ``report.json`` keeps every number.
"""
from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from paper_checks.jsonable import inexact

#: a human table shows at most this many rows of a claim's numbers, a list this many values
MAX_ROWS = 40
MAX_LIST = 8
MAX_TEXT = 160
SHORTENED = "shortened, see report.json"


@dataclass
class Table:
    """A small table of text cells; ``note`` says what was shortened (and where the rest is)."""

    title: str
    header: list[str]
    rows: list[list[str]]
    note: str | None = None
    notes: list[str] = field(default_factory=list)


def fmt_number(v: Any, *, exact: bool = False) -> str:
    """A readable cell: floats to 4 significant digits (all digits with ``exact``), rationals as given."""
    if v is None:
        return "–"
    if isinstance(v, bool):
        return "yes" if v else "no"
    if isinstance(v, int):
        return str(v)
    if isinstance(v, float):
        return repr(v) if exact else f"{v:.4g}"
    if isinstance(v, (list, tuple)):
        return "[" + ", ".join(fmt_number(x, exact=exact) for x in v) + "]"
    if isinstance(v, dict):
        return "{" + ", ".join(f"{k}: {fmt_number(x, exact=exact)}" for k, x in v.items()) + "}"
    return str(v)


def _scalar(v: Any) -> bool:
    return v is None or isinstance(v, (bool, int, float, str))


def _estimate(v: Any) -> bool:
    return isinstance(v, dict) and "mean" in v and "stderr" in v and all(_scalar(x) for x in v.values())


def _cell(v: Any, path: str, notes: list[str]) -> str:
    """One value as a cell; long lists and texts are shortened *with* a marker."""
    if _estimate(v):
        return f"{fmt_number(v['mean'])} ± {fmt_number(v['stderr'])}"
    if isinstance(v, (list, tuple)) and all(_scalar(x) for x in v):
        if len(v) <= MAX_LIST:
            return fmt_number(list(v))
        notes.append(path)
        return "[" + ", ".join(fmt_number(x) for x in v[:MAX_LIST]) + f", … ({len(v)} values; {SHORTENED})]"
    if isinstance(v, str) and len(v) > MAX_TEXT:
        notes.append(path)
        return v[:MAX_TEXT] + f"… ({SHORTENED})"
    if _scalar(v):
        return fmt_number(v)
    text = json.dumps(v, ensure_ascii=False)
    if len(text) > MAX_TEXT:
        notes.append(path)
        return text[:MAX_TEXT] + f"… ({SHORTENED})"
    return text


def _flatten(v: Any, prefix: str, out: list[tuple[str, Any]]) -> None:
    if isinstance(v, dict) and v and not _estimate(v):
        for k, x in v.items():
            _flatten(x, f"{prefix}.{k}" if prefix else str(k), out)
    elif isinstance(v, list) and v and all(isinstance(x, dict) for x in v) and len(v) <= MAX_LIST:
        for i, x in enumerate(v):
            _flatten(x, f"{prefix}[{i}]", out)
    else:
        out.append((prefix, v))


def _dict_of_records(key: str, v: Any) -> Table | None:
    """A dict of (at least two) records with scalar fields, as a table with those fields as columns
    and every record as a row; ``None`` for anything else."""
    if not (isinstance(v, dict) and len(v) >= 2 and all(isinstance(x, dict) and x for x in v.values())):
        return None
    cols: list[str] = []
    for x in v.values():
        for k in x:
            if k not in cols:
                cols.append(k)
    leaf_ok = all(_scalar(y) or _estimate(y) or (isinstance(y, list) and all(_scalar(z) for z in y))
                  for x in v.values() for y in x.values())
    if not (leaf_ok and len(cols) <= 8):
        return None
    notes: list[str] = []
    rows = [[str(r)] + [_cell(x.get(k), f"{key}.{r}.{k}", notes) if k in x else "–" for k in cols]
            for r, x in v.items()]
    return Table(key, [""] + [str(c) for c in cols], rows, notes=notes)


def _list_of_records(key: str, v: Any) -> Table | None:
    """A long list of records with scalar fields, as a table with every record as a row; ``None``
    for anything else."""
    if not (isinstance(v, list) and len(v) > MAX_LIST and all(isinstance(x, dict) and x for x in v)
            and all(_scalar(y) or _estimate(y) for x in v for y in x.values())):
        return None
    cols = list(dict.fromkeys(k for x in v for k in x))
    if len(cols) > 10:
        return None
    notes: list[str] = []
    rows = [[_cell(x.get(k), f"{key}[{i}].{k}", notes) if k in x else "–" for k in cols]
            for i, x in enumerate(v)]
    return Table(key, [str(c) for c in cols], rows, notes=notes)


def _loose_tables(loose: list[tuple[str, Any]], budget: int) -> tuple[list[Table], int]:
    """The values not in a table of records, by their top-level key: loose scalars in one table
    first, then one table per group; at most ``budget`` rows. Returns the tables and the number of
    rows left out."""
    groups: dict[str, list[tuple[str, Any]]] = {}
    for p, v in loose:
        top, _, rest = p.partition(".")
        if rest and sum(q.startswith(top + ".") for q, _ in loose) >= 3:
            groups.setdefault(top, []).append((rest, v))
        else:
            groups.setdefault("", []).append((p, v))
    ordered_groups = ([("", groups.pop(""))] if "" in groups else []) + list(groups.items())
    tables = []
    hidden = 0
    for title, items in ordered_groups:
        notes: list[str] = []
        rows = [[p, _cell(v, f"{title}.{p}" if title else p, notes)] for p, v in items]
        keep = max(budget, 0)
        hidden += max(0, len(rows) - keep)
        budget -= min(len(rows), keep)
        if rows[:keep]:
            tables.append(Table(title, ["quantity", "value"], rows[:keep], notes=notes))
    return tables, hidden


def _name_shortened(tables: list[Table]) -> None:
    """Add to each table's note the paths of the values it shortened (the first six)."""
    for t in tables:
        if t.notes:
            more = f" and {len(t.notes) - 6} more" if len(t.notes) > 6 else ""
            shortened = "shortened here, every value in report.json: " + ", ".join(t.notes[:6]) + more
            t.note = ((t.note + "; ") if t.note else "") + shortened


def number_tables(numbers: dict[str, Any], *, max_rows: int = MAX_ROWS) -> list[Table]:
    """Readable tables of a claim's ``numbers``.

    A dict of records with the same scalar fields becomes a table with those fields as columns;
    everything else becomes ``(quantity, value)`` rows keyed by its dotted path. At most
    ``max_rows`` rows are shown in all; anything left out or shortened is named in a note
    pointing at ``report.json``, which keeps every number.
    """
    tables: list[Table] = []
    loose: list[tuple[str, Any]] = []
    budget = max_rows
    hidden = 0
    for key, v in numbers.items():
        t = _dict_of_records(key, v)
        if t is not None:
            rows = t.rows
            t.rows = rows[:budget]
            if len(rows) > budget:
                hidden += len(rows) - budget
            budget -= len(t.rows)
            tables.append(t)
            continue
        t = _list_of_records(key, v)
        if t is not None:  # a list of records: a table of its first rows
            rows = t.rows
            keep = max(0, min(MAX_LIST * 2, budget))
            t.rows = rows[:keep]
            if len(rows) > keep:
                t.note = f"first {keep} of {len(rows)} rows; {SHORTENED}, \"numbers\".\"{key}\""
            budget -= len(t.rows)
            tables.append(t)
            continue
        _flatten(v, str(key), loose)
    loose_tables, loose_hidden = _loose_tables(loose, budget)
    hidden += loose_hidden
    tables[:0] = loose_tables
    if hidden:
        tables.append(Table("", [], [], note=f"{hidden} more rows not shown ({SHORTENED}, \"numbers\")"))
    _name_shortened(tables)
    return tables


def counterexample_table(ce: dict[str, Any] | None) -> Table | None:
    """The counterexample as ``(quantity, exact value)`` rows: nothing rounded, nothing cut."""
    if not ce:
        return None
    flat: list[tuple[str, Any]] = []
    _flatten(ce, "", flat)
    return Table("counterexample", ["quantity", counterexample_heading(ce)],
                 [[p or "value", fmt_number(v, exact=True)] for p, v in flat])


#: the heading of a counterexample's values with a float among them (a float there is no exact value: evidence's
#: exactness rule, :func:`paper_checks.jsonable.inexact`)
INEXACT_HEADING = "value (as computed; a decimal is a floating-point value, not exact)"


def counterexample_heading(ce: dict[str, Any]) -> str:
    """The heading of a counterexample's values: ``value (exact as computed)`` where every value of its point (the
    exact margin's floating-point value aside) is exact, :data:`INEXACT_HEADING` where one is a float."""
    point = ce.get("point", ce) if isinstance(ce, dict) else ce
    if point is ce and isinstance(ce, dict):
        point = {k: v for k, v in ce.items() if k != "exact_margin_value"}
    return INEXACT_HEADING if inexact(point) is not None else "value (exact as computed)"
