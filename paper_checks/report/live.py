"""A run's live output: each claim's verdict line as soon as it is known, above one progress bar with an ETA.

The lines go to stdout through ``tqdm.write`` (the bar, on stderr, is cleared and redrawn below them); a
header opens the table, :meth:`LiveTable.close` closes it with the counts. The bar is drawn only where
stderr is a terminal; where it is not drawn, or stdout is no terminal (a log, a pipe), the table opens with one
line that estimates the whole run (:meth:`LiveTable.estimate`), and each claim's line follows as it finishes, so
that a log shows progress from the first second (issue 67). Its
ETA (:class:`~paper_checks.run.eta.Eta`) comes from recorded per-claim seconds
(:mod:`paper_checks.run.timings`), from the first second of a first run.
"""
from __future__ import annotations

import sys
import time
from typing import Any, Mapping, Sequence

from paper_checks.registry import Claim
from paper_checks.report.terminal import header, id_width, row, summary
from paper_checks.run.eta import Eta, clock
from paper_checks.run.runner import Result
from paper_checks.run.timings import expected_seconds


def _bar_class() -> type:
    """``tqdm`` with a time left that counts down from the run's :class:`Eta` rather than from its count."""
    from tqdm import tqdm

    class EtaBar(tqdm):  # type: ignore[misc, valid-type]
        #: the monotonic time at which the run should end (``None``: no estimate)
        ends_at: float | None = None

        @property
        def format_dict(self) -> dict[str, Any]:
            d = super().format_dict
            if self.ends_at is not None:
                left = self.ends_at - time.monotonic()
                d["prefix"] = f"{d['prefix']}, {'about ' + clock(left) + ' left' if left >= 1 else 'finishing'}"
            return d

    return EtaBar


def _isatty(stream: Any) -> bool:
    try:
        return bool(stream.isatty())
    except (AttributeError, ValueError):  # a closed or replaced stream
        return False


class LiveTable:
    """The verdict table of a run, printed line by line, and its progress bar.

    Parameters
    ----------
    claims : the claims of the run (their ids set the table's column width before any runs).
    timings : recorded seconds per claim id (:func:`~paper_checks.run.timings.known_timings`).
    jobs : workers running claims at once (for the ETA).
    steps : what the bar counts: the claims, and any later steps (figures) the caller counts on it.
    show_bar : draw the bar (it is drawn only where stderr is a terminal in any case).
    """

    def __init__(self, claims: Sequence[Claim], timings: Mapping[str, float], jobs: int, steps: int | None = None,
                 show_bar: bool = True, desc: str = "claims") -> None:
        ids = [c.id for c in claims]
        self.idw = id_width(ids)
        self.eta = Eta(ids, expected_seconds(ids, timings), jobs)
        self.results: list[Result] = []
        self.shortened = False
        self.opened = False
        self.bar = _bar_class()(total=len(ids) if steps is None else steps, desc=desc, unit="step", leave=False,
                                disable=not (show_bar and sys.stderr.isatty()), dynamic_ncols=True)
        self.bar.ends_at = time.monotonic() + self.eta.left()
        self.figures = 0 if steps is None else max(0, steps - len(ids))
        self.jobs, self.claims = jobs, len(ids)
        self.say_estimate = show_bar and (self.bar.disable or not _isatty(sys.stdout))

    def estimate(self) -> str:
        """The line that opens a run off a terminal: how many claims on how many workers, and about how long they
        take by their recorded seconds (and how many figures follow)."""
        n = self.claims
        figures = f", then {self.figures} figure{'s' * (self.figures != 1)}" if self.figures else ""
        return (f"{n} claim{'s' * (n != 1)} on {self.jobs} worker{'s' * (self.jobs != 1)}: about "
                f"{clock(self.eta.left())} by their recorded seconds{figures}")

    def write(self, text: str) -> None:
        """Print ``text`` on stdout above the bar."""
        self.bar.write(text, file=sys.stdout)

    def open(self) -> None:
        """Print the table's header (once)."""
        if not self.opened:
            self.opened = True
            if self.say_estimate:
                self.write(self.estimate())
            self.write(header(self.idw))

    def add(self, result: Result) -> None:
        """Print ``result``'s line now and count its time in the ETA (the runner's ``on_result``)."""
        self.open()
        line, cut = row(result, self.idw)
        self.shortened |= cut
        self.results.append(result)
        self.write(line)
        self.eta.finished(result.claim.id, result.seconds)
        self.bar.ends_at = time.monotonic() + self.eta.left()

    def finishing(self) -> None:
        """The claims are done; later steps (figures) have no estimate: the bar shows no time left."""
        self.bar.ends_at = None
        self.bar.refresh()

    def close(self) -> None:
        """Close the bar, then the table: the counts of the verdicts printed."""
        self.bar.close()
        self.open()
        print(summary(self.results, self.shortened))

    def __enter__(self) -> LiveTable:
        return self

    def __exit__(self, *exc: object) -> None:
        self.bar.close()
