"""Recorded seconds per claim: the schedule and the ETA of a run that has no earlier report of its own.

A first run knows nothing of its claims' costs, so its schedule (longest first) and its ETA would be
guesses. The package ships the seconds each catalogue claim took at each precision
(``timings.json`` beside this module, read with :mod:`importlib.resources`), written by
``python benchmarks/record_timings.py REPORT.json ...`` from reports of ``python -m paper_checks``. An
earlier report of the same precision (``--out``'s ``report.json``) wins where it has the claim: it was
measured on this machine.

Shipped seconds are a guide to the order and the ETA only; nothing else reads them.
"""
from __future__ import annotations

import json
import math
from importlib import resources
from pathlib import Path
from typing import Any, Mapping, Sequence

from paper_checks.files import earlier_report

#: the shipped file's name inside this package
SHIPPED = "timings.json"
#: the schema of the shipped file (``{"schema": 1, "precisions": {precision: {claim id: seconds}}}``)
SCHEMA = 1
#: seconds of recorded work that the cheapest claims may take before the longest start (first verdicts soon)
LEAD_SECONDS = 2.0


def check_timings(doc: Any) -> dict[str, dict[str, float]]:
    """The ``{precision: {claim id: seconds}}`` of a timings document, or ``ValueError`` saying what is wrong."""
    if not isinstance(doc, dict) or doc.get("schema") != SCHEMA:
        raise ValueError(f"not a timings document of schema {SCHEMA}")
    precisions = doc.get("precisions")
    if not isinstance(precisions, dict):
        raise ValueError("timings document has no 'precisions' object")
    out: dict[str, dict[str, float]] = {}
    for precision, table in precisions.items():
        if not isinstance(table, dict):
            raise ValueError(f"timings of precision {precision!r} are not an object")
        for key, seconds in table.items():
            if isinstance(seconds, bool) or not isinstance(seconds, (int, float)) or not math.isfinite(seconds) \
                    or seconds < 0:
                raise ValueError(f"timing of {key!r} at {precision!r} is not a non-negative number: {seconds!r}")
        out[str(precision)] = {str(k): float(v) for k, v in table.items()}
    return out


def shipped_timings(precision: str) -> dict[str, float]:
    """Seconds per catalogue claim at ``precision`` as recorded in the package (``{}`` where none are).

    A precision without a record of its own borrows the nearest one's (its order is what the schedule
    needs; the ETA corrects its scale as claims finish).
    """
    text = resources.files("paper_checks.run").joinpath(SHIPPED).read_text(encoding="utf-8")
    table = check_timings(json.loads(text))
    if precision in table:
        return dict(table[precision])
    for other in ("standard", "quick", "full"):
        if other in table:
            return dict(table[other])
    return {}


def report_timings(path: Path, precision: str | None = None) -> dict[str, float]:
    """Seconds per claim id in a report written earlier; ``{}`` when there is none, it is not a report
    (then with a one-line warning, :func:`paper_checks.files.earlier_report`), or ``precision`` is given
    and the report ran at another."""
    doc = earlier_report(Path(path))
    if doc is None or precision is not None and doc.get("precision", precision) != precision:
        return {}
    return {c["id"]: float(c.get("seconds", 0.0)) for c in doc["claims"]}


def known_timings(path: Path, precision: str) -> dict[str, float]:
    """The shipped seconds at ``precision``, overridden by those of the earlier report at ``path`` (this
    machine's) where it ran at the same precision."""
    return {**shipped_timings(precision), **report_timings(path, precision)}


def timings_document(reports: Sequence[Mapping[str, Any]]) -> dict[str, Any]:
    """The shipped file's document from reports of ``python -m paper_checks`` (their ``precision`` and their
    claims' ``seconds``); a later report of the same precision wins for the claims it ran. Seconds are
    rounded to 0.01 s and ids sorted, so that a re-recording shows as a small diff."""
    precisions: dict[str, dict[str, float]] = {}
    for doc in reports:
        precision = doc.get("precision")
        if not isinstance(precision, str):
            raise ValueError("a report without a 'precision'")
        table = precisions.setdefault(precision, {})
        for c in doc.get("claims", []):
            seconds = float(c.get("seconds", 0.0))
            if not math.isfinite(seconds) or seconds < 0:
                raise ValueError(f"claim {c.get('id')!r} has seconds {seconds!r}")
            table[str(c["id"])] = round(seconds, 2)
    return {"schema": SCHEMA,
            "precisions": {p: dict(sorted(t.items())) for p, t in sorted(precisions.items())}}


def schedule(keys: Sequence[str], timings: Mapping[str, float], lead: float = LEAD_SECONDS) -> list[int]:
    """The order in which to start the claims ``keys``: a quick start, then longest first.

    First the cheapest claims whose recorded seconds add up to at most ``lead`` (at least one), cheapest
    first, so that verdicts appear within seconds; then the unknown ones (perhaps long), then the rest
    longest first (longest processing time first keeps a pool busy to the end). Ties keep the input order.
    """
    if not math.isfinite(lead) or lead < 0:
        raise ValueError(f"lead must be a non-negative number of seconds, got {lead!r}")
    known = [i for i in range(len(keys)) if keys[i] in timings]
    cheap = sorted(known, key=lambda i: (timings[keys[i]], i))
    first: list[int] = []
    spent = 0.0
    for i in cheap:
        if first and spent + timings[keys[i]] > lead:
            break
        first.append(i)
        spent += timings[keys[i]]
    taken = set(first)
    rest = sorted((i for i in range(len(keys)) if i not in taken),
                  key=lambda i: (-timings.get(keys[i], math.inf), i))
    return first + rest


def expected_seconds(keys: Sequence[str], timings: Mapping[str, float]) -> list[float]:
    """Each key's recorded seconds; an unknown one counts as the mean of the known (one second when none is)."""
    known = [timings[k] for k in keys if k in timings]
    guess = sum(known) / len(known) if known else 1.0
    return [timings.get(k, guess) for k in keys]
