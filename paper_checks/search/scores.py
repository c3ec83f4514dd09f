"""The sampled points a counterexample search keeps: the worst ones, in bounded memory for any budget.

:class:`Scores` keeps the :data:`KEEP` smallest ``(margin, index, point)`` of the sampled points,
the count of failing ones and a uniform sample of the absolute finite margins (for the artefact
tolerance's median). Below :data:`KEEP` points it keeps everything, so the search is exactly the
search that kept every point; above it, memory stays bounded (``explore --budget 10**12``).
"""
from __future__ import annotations

import heapq
import math
import random

from paper_checks.search.params.base import Point

Scored = list[tuple[float, int, Point]]

#: the worst sampled points kept for the later steps; beyond it only the worst are kept, so memory is bounded
#: for any budget (every budget of the catalogue is far below: there the search is exactly as without a bound)
KEEP = 2**16
#: the absolute margins kept for the artefact tolerance's median; beyond it, a uniform sample of this size
MEDIAN_KEEP = 2**20


class Scores:
    """The sampled points' ``(margin, index, point)``: the :data:`KEEP` smallest (by margin, then index), the count
    of failing ones and the absolute finite margins (a uniform sample of :data:`MEDIAN_KEEP` beyond it)."""

    def __init__(self, keep: int | None = None, median_keep: int | None = None) -> None:
        self.keep = KEEP if keep is None else keep
        self.median_keep = MEDIAN_KEEP if median_keep is None else median_keep
        self._heap: list[tuple[float, int, Point]] = []  # (-margin, -index, point): the largest kept on top
        self.failing = 0
        self.seen_finite = 0
        self.abs_margins: list[float] = []
        self._draw = random.Random(0)  # the reservoir's own stream: the search's rng is untouched

    def add(self, m: float, i: int, pt: Point) -> None:
        if m < 0:
            self.failing += 1
        if math.isfinite(m):
            self.seen_finite += 1
            if len(self.abs_margins) < self.median_keep:
                self.abs_margins.append(abs(m))
            else:  # reservoir sampling (Vitter's algorithm R)
                j = self._draw.randrange(self.seen_finite)
                if j < self.median_keep:
                    self.abs_margins[j] = abs(m)
        item = (-m, -i, pt)
        if len(self._heap) < self.keep:
            heapq.heappush(self._heap, item)
        elif (m, i) < (-self._heap[0][0], -self._heap[0][1]):
            heapq.heapreplace(self._heap, item)

    def sorted(self) -> Scored:
        """The kept points, smallest margin first (ties in sampling order)."""
        return sorted(((-nm, -ni, pt) for nm, ni, pt in self._heap), key=lambda t: (t[0], t[1]))
