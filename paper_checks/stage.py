"""Where a running check is: the stage it says it is in, kept so that a time-out can say where it came.

A long computation of the instrument calls :func:`stage` as it moves on (the search: ``"search: sampling"``,
``"search: polishing"``, ``"search: verifying"``, ``"search: shrinking"``, with the last point), and a check
may too (``ctx.progress``). In a worker the text goes to the parent with the check's progress messages
(:func:`paper_checks.run.isolation.report_progress`): a new stage at once, the point at work (:func:`at`) every
:data:`EVERY` seconds from a thread of the worker. Every message of a check goes through one lock
(:func:`progress`), and :func:`close` ends the sending before the worker sends the check's result. The runner
keeps the last message of each claim, and a claim over its time limit reports it with what would help
(:func:`timed_out_message`).
"""
from __future__ import annotations

import json
import threading
import time
from typing import Any

from paper_checks.jsonable import jsonable

#: seconds between two sends of a moved point within one stage (a new stage is sent at once)
EVERY = 0.5
#: the longest point text sent
MAX_POINT = 160

_state: dict[str, Any] = {"name": None, "point": None, "moved": False, "text": None, "flusher": None}
_lock = threading.Lock()

#: what would help, by the stage's first word
HELP = {
    "search": "a smaller search budget, a simpler exact margin, or a larger --timeout",
    "prover": "a smaller prover budget or seconds, or a larger --timeout",
    "simulation": "--precision quick (fewer samples) or a larger --timeout",
}


def stage(name: str, point: Any = None) -> None:
    """Say that this process's check is now at stage ``name`` (optionally at ``point``); sent at once."""
    with _lock:
        _state.update(name=name, point=point, moved=False)
    _send()


def at(point: Any) -> None:
    """Within the current stage, the point now at work (cheap: sent every :data:`EVERY` s by a thread of the
    worker, so that a point the check never leaves is the one a time-out names)."""
    _state["point"] = point
    _state["moved"] = True
    if _state["flusher"] is None and in_worker():
        _state["flusher"] = threading.Thread(target=_flush, daemon=True, name="stage")
        _state["flusher"].start()


def in_worker() -> bool:
    """Whether this process is a worker of the runner (its messages reach the parent)."""
    from paper_checks.run import isolation  # here: this module sits in the lowest layer, with the time limit

    return isolation.in_worker()


def _report(text: str) -> None:
    from paper_checks.run.isolation import report_progress

    report_progress(text)


def _flush() -> None:
    while True:
        time.sleep(EVERY)
        if _state["moved"]:
            _state["moved"] = False
            _send()


def current() -> str | None:
    """This process's stage and point now, as text (None outside any stage)."""
    name, point = _state["name"], _state["point"]
    if name is None:
        return None
    if point is None:
        return name
    shown = json.dumps(jsonable(point), default=lambda o: o.item() if hasattr(o, "item") else str(o))
    return f"{name} at {shown if len(shown) <= MAX_POINT else shown[: MAX_POINT - 3] + '...'}"


def _send() -> None:
    with _lock:
        text = current()
        if text is None:
            return
        _state["text"] = text
        _report(text)


def progress(message: str) -> None:
    """A check's own progress message (``ctx.progress``): its stage too, sent under the same lock."""
    with _lock:
        _state.update(name=message, point=None, moved=False, text=message)
        _report(message)


def close() -> None:
    """The check has returned: nothing more is sent for it (waits for a send under way)."""
    with _lock:
        _state.update(name=None, point=None, moved=False)


def last_stage() -> str | None:
    """The text of this process's last stage message (None before any)."""
    return _state["text"]


def timed_out_message(message: str, where: str | None) -> str:
    """``message`` ("timed out after N s") with the stage the check last reported and what would help."""
    if not where:
        return (f"{message}, before the check said what it was doing (a check can say it with ctx.progress); "
                "a larger --timeout would help")
    first = where.split(":", 1)[0].split()[0].lower() if where.strip() else ""
    helps = HELP.get(first, "a larger --timeout, or --precision quick")
    return f"{message} during {where}; what would help: {helps}"
