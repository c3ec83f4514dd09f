"""The table a run prints on the terminal: a header, one line per claim, then the counts.

The parts are separate so that ``run`` can print each claim's line as soon as its verdict is known (the
table grows, :func:`summary` closes it); :func:`table` joins them for a finished list of results.
"""
from __future__ import annotations

import shutil
import textwrap
from collections import Counter
from typing import Sequence

from paper_checks.run.runner import Result

#: the widest the rules of the table are drawn
MAX_RULE = 120
#: the note printed under the counts when a summary was shortened
SHORTENED_NOTE = "(summaries ending in '...' are shortened to fit the terminal; the report has them in full)"


def _width() -> int:
    return shutil.get_terminal_size((120, 20)).columns


def id_width(ids: Sequence[str]) -> int:
    """The width of the id column for claims ``ids`` (known before any of them runs: the lines align)."""
    return max((len(i) for i in ids), default=10)


def header(idw: int) -> str:
    """The table's two header lines (column names, a rule)."""
    return f"{'claim':<{idw}}  {'verdict':<13} summary\n" + "-" * min(_width(), MAX_RULE)


def row(r: Result, idw: int) -> tuple[str, bool]:
    """One claim's line (id, verdict with ``!= expected`` where it differs, summary cut to the terminal) and
    whether its summary was shortened."""
    v = r.verdict if r.matches else f"{r.verdict}!={r.claim.expected}"
    summ = r.to_json()["summary"]
    room = max(30, _width() - idw - 17)
    short = textwrap.shorten(summ, room, placeholder="...")
    line = f"{r.claim.id:<{idw}}  {v:<13} {short}"
    if r.precision_note is not None:  # never cut: it says what the difference may be
        line += f"\n{'':<{idw}}  {'':<13} ({r.precision_note})"
    return line, short != " ".join(summ.split())


def summary(results: Sequence[Result], shortened: bool = False) -> str:
    """The lines that close the table: a rule, the counts of each verdict and how many were as expected, and
    a note when a summary was ``shortened``."""
    counts = Counter(r.verdict for r in results)
    lines = ["-" * min(_width(), MAX_RULE),
             ", ".join(f"{k}: {v}" for k, v in sorted(counts.items())) +
             f"  ({sum(r.matches for r in results)}/{len(results)} as expected)"]
    if shortened:
        lines.append(SHORTENED_NOTE)
    return "\n".join(lines)


def table(results: list[Result]) -> str:
    """One line per claim: id, verdict (with ``!= expected`` where it differs), summary; then the counts."""
    idw = id_width([r.claim.id for r in results])
    rows = [row(r, idw) for r in results]
    return "\n".join([header(idw), *(line for line, _ in rows), summary(results, any(cut for _, cut in rows))])
