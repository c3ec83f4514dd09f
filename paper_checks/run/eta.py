"""The time a run has left, from recorded per-claim seconds (:mod:`paper_checks.run.timings`).

A count of claims makes a poor clock (the catalogue's claims take from 0.01 s to 20 s), so the estimate
sums the recorded seconds of the claims still to finish, scales them by how this machine's finished claims
compared with their record (a busy or slower machine), and shares them over the workers; a single claim
longer than that share bounds it from below.
"""
from __future__ import annotations

import math
from typing import Mapping, Sequence

#: recorded seconds of finished claims below which their pace is not trusted yet (the scale stays 1)
MIN_EVIDENCE_SECONDS = 1.0


class Eta:
    """Remaining seconds of a run of claims ``keys`` on ``jobs`` workers, given ``expected`` seconds per claim.

    Parameters
    ----------
    keys : the claims of the run.
    expected : recorded seconds per key (:func:`paper_checks.run.timings.expected_seconds` fills the unknown).
    jobs : the number of workers running them at once (at least 1).
    """

    def __init__(self, keys: Sequence[str], expected: Sequence[float], jobs: int) -> None:
        if len(keys) != len(expected):
            raise ValueError(f"{len(keys)} keys but {len(expected)} expected times")
        if jobs < 1:
            raise ValueError(f"jobs must be at least 1, got {jobs}")
        bad = [e for e in expected if not math.isfinite(e) or e < 0]
        if bad:
            raise ValueError(f"expected seconds must be finite and non-negative, got {bad[0]!r}")
        self.jobs = jobs
        self._left: dict[str, float] = dict(zip(keys, map(float, expected)))
        self._recorded = 0.0  # recorded seconds of the claims finished so far
        self._took = 0.0  # what they took here

    def finished(self, key: str, seconds: float) -> None:
        """Count claim ``key`` as finished after ``seconds`` (a key not in the run, or counted already, is
        ignored)."""
        recorded = self._left.pop(key, None)
        if recorded is not None and math.isfinite(seconds) and seconds >= 0:
            self._recorded += recorded
            self._took += seconds

    @property
    def pace(self) -> float:
        """This machine's seconds per recorded second so far (1 until ``MIN_EVIDENCE_SECONDS`` are finished)."""
        return self._took / self._recorded if self._recorded >= MIN_EVIDENCE_SECONDS else 1.0

    def left(self) -> float:
        """Seconds the unfinished claims should still take: their recorded sum at this pace over the workers,
        and never less than the longest of them."""
        rest = self._left.values()
        return self.pace * max(sum(rest) / self.jobs, max(rest, default=0.0))


def clock(seconds: float) -> str:
    """``seconds`` as the bar shows a time left: ``m:ss`` (``h:mm:ss`` from an hour), never negative."""
    s = int(round(max(0.0, seconds)))
    h, rem = divmod(s, 3600)
    return f"{h}:{rem // 60:02d}:{rem % 60:02d}" if h else f"{rem // 60}:{rem % 60:02d}"


def expected_total(expected: Mapping[str, float]) -> float:
    """The recorded seconds of a run, one after another (what ``jobs=1`` should take)."""
    return float(sum(expected.values()))
