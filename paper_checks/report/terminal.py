"""The table a run prints on the terminal: one line per claim, then the counts."""
from __future__ import annotations

import shutil
import textwrap
from collections import Counter

from paper_checks.run.runner import Result


def table(results: list[Result]) -> str:
    """One line per claim: id, verdict (with ``!= expected`` where it differs), summary."""
    width = shutil.get_terminal_size((120, 20)).columns
    idw = max((len(r.claim.id) for r in results), default=10)
    lines = [f"{'claim':<{idw}}  {'verdict':<13} summary", "-" * min(width, 120)]
    cut = False
    for r in results:
        v = r.verdict if r.matches else f"{r.verdict}!={r.claim.expected}"
        summ = r.to_json()["summary"]
        room = max(30, width - idw - 17)
        short = textwrap.shorten(summ, room, placeholder="...")
        cut |= short != " ".join(summ.split())
        lines.append(f"{r.claim.id:<{idw}}  {v:<13} {short}")
        if r.precision_note is not None:  # never cut: it says what the difference may be
            lines.append(f"{'':<{idw}}  {'':<13} ({r.precision_note})")
    counts = Counter(r.verdict for r in results)
    lines.append("-" * min(width, 120))
    lines.append(", ".join(f"{k}: {v}" for k, v in sorted(counts.items())) +
                 f"  ({sum(r.matches for r in results)}/{len(results)} as expected)")
    if cut:
        lines.append("(summaries ending in '...' are shortened to fit the terminal; the report has them in full)")
    return "\n".join(lines)
