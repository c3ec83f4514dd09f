"""A stretch of counted work: what a proof, a stage or one closure's step may spend, as one object instead of a bare
``work.now()`` instant (issue 60, item 4).

A :class:`Budget` runs from ``start`` to ``stop``, two instants of the work meter (:func:`paper_checks.work.now`,
in work units). Every choice of the schedule is a share of one: a closure's step on a box gets
``budget.share(SHARES["box step"], least=...)``, a closure by sub-proofs ``until.share(SHARES[name])``, and the
sizes of those shares are all in :data:`paper_checks.prover.schedule.SHARES`, beside the closures' order.

    from paper_checks.prover.budget import Budget

    proof = Budget.of(6.0)               # six units from now
    step = proof.share(0.25, least=0.5)  # a quarter of what is left (at least half a unit), never past proof.stop
    if step.over():
        ...

A budget never stops a step by itself: :func:`paper_checks.work.limit` does, for ``budget.left()`` units. The object
only says where a stretch ends; its methods read the meter where they say so.
"""
from __future__ import annotations

import math
import numbers
from dataclasses import dataclass

from paper_checks import work


def _real(v: object) -> bool:
    """Whether ``v`` is a real number (a float first: the common case costs the meter one call)."""
    return isinstance(v, float) or (isinstance(v, numbers.Real) and not isinstance(v, bool))


def _fraction(fraction: float) -> float:
    """``fraction`` where it is a share (``0 <= fraction <= 1``); ``ValueError`` otherwise."""
    if not _real(fraction) or not 0.0 <= fraction <= 1.0:
        raise ValueError(f"a share must be a number from 0 to 1, got {fraction!r}")
    return float(fraction)


@dataclass(frozen=True)
class Budget:
    """The work from ``start`` to ``stop`` (instants of :func:`paper_checks.work.now`, in work units). ``stop`` may
    lie before ``start``: a share of a budget already spent is over as it begins."""

    start: float
    stop: float

    def __post_init__(self) -> None:
        for name in ("start", "stop"):
            v = getattr(self, name)
            if not _real(v) or math.isnan(v):
                raise ValueError(f"a budget's {name} must be a number of work units, got {v!r}")

    @classmethod
    def of(cls, units: float) -> Budget:
        """``units`` of work from now."""
        now = work.now()
        return cls(now, now + units)

    @classmethod
    def to(cls, stop: float) -> Budget:
        """The work from now to the instant ``stop``."""
        return cls(work.now(), stop)

    @property
    def size(self) -> float:
        """The whole stretch, in units (``stop - start``)."""
        return self.stop - self.start

    def left(self) -> float:
        """The units left before ``stop`` (negative once it has passed: what a caller divides is not clipped)."""
        return self.stop - work.now()

    def spent(self) -> float:
        """The units spent since ``start``."""
        return work.now() - self.start

    def over(self) -> bool:
        """Whether the meter has reached ``stop``."""
        return work.now() >= self.stop

    def past(self, fraction: float) -> bool:
        """Whether the meter is past ``fraction`` of the whole stretch (a sweep that starts after a fifth of the
        proof's budget)."""
        return work.now() > self.start + _fraction(fraction) * self.size

    def part(self, fraction: float) -> float:
        """``fraction`` of the whole stretch, in units (the counterexample search run first gets half the proof's
        budget, whatever is spent before it)."""
        return _fraction(fraction) * self.size

    def share(self, fraction: float, least: float = 0.0) -> Budget:
        """The budget a step may spend from now: ``fraction`` of the units left (none once ``stop`` has passed); with
        ``least``, at least that many units but never past ``stop`` (a share of a budget already spent then ends at
        its ``stop``, before it begins)."""
        if not _real(least) or least < 0 or math.isnan(least):
            raise ValueError(f"the least of a share must be a number of units >= 0, got {least!r}")
        fraction, now = _fraction(fraction), work.now()
        left = max(self.stop - now, 0.0)
        if not least:
            return Budget(now, now + fraction * left)
        return Budget(now, min(self.stop, now + max(least, fraction * left)))  # the least cut at ``stop``

    def until(self, stop: float) -> Budget:
        """The same stretch, ending at ``stop`` where that comes first."""
        return Budget(self.start, min(self.stop, stop))
