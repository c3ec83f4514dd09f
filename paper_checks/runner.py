"""Runs checks, times them and collects their evidence against the recorded expectations."""
from __future__ import annotations

import time
import traceback
from dataclasses import dataclass
from typing import Any, Callable, Iterable

from paper_checks.context import Context
from paper_checks.evidence import Evidence
from paper_checks.registry import Claim
from simulate.backend import Backend

ERROR = "error"  # not a verdict: the check itself raised


@dataclass
class Result:
    """A claim, the evidence its check returned (or the error it raised) and its time."""

    claim: Claim
    evidence: Evidence | None
    seconds: float
    error: str | None = None
    #: the full traceback of a crashing check (``error`` is its last line)
    traceback: str | None = None

    @property
    def verdict(self) -> str:
        return self.evidence.verdict if self.evidence is not None else ERROR

    @property
    def matches(self) -> bool:
        return self.verdict == self.claim.expected

    def to_json(self) -> dict[str, Any]:
        c = self.claim
        out: dict[str, Any] = {
            "id": c.id,
            "paper": c.paper,
            "source": c.source,
            "statement": c.statement,
            "reconstructed": c.reconstructed,
            "expected": c.expected,
            "seconds": round(self.seconds, 3),
        }
        if self.evidence is not None:
            out.update(self.evidence.to_json())
        else:
            out.update({"verdict": ERROR, "method": c.method, "summary": f"the check raised: {self.error}",
                        "numbers": {}, "counterexample": None, "condition": None, "figures": [],
                        "traceback": self.traceback})
        return out


def run_claim(claim: Claim, precision: str, seed: int, backend: Backend,
              progress: Callable[[str], None] | None = None) -> Result:
    """Run one claim's check in its own random stream and time it."""
    ctx = Context(claim.id, precision=precision, seed=seed, backend=backend, progress=progress)
    t0 = time.perf_counter()
    try:
        ev = claim.check(ctx)
        if not isinstance(ev, Evidence):
            raise TypeError(f"check of {claim.id} returned {type(ev).__name__}, not Evidence")
        ev.figures = list(dict.fromkeys([*ev.figures, *claim.figures]))
        return Result(claim, ev, time.perf_counter() - t0)
    except Exception as exc:  # a crashing check is reported, not hidden
        last = traceback.format_exception_only(type(exc), exc)[-1].strip()
        return Result(claim, None, time.perf_counter() - t0, error=last, traceback=traceback.format_exc())


class Interrupted(KeyboardInterrupt):
    """Ctrl-C during :func:`run_all`; ``results`` holds the claims that finished before it."""

    def __init__(self, results: list[Result]) -> None:
        super().__init__()
        self.results = results


def run_all(claims: Iterable[Claim], precision: str, seed: int, backend: Backend,
            show_progress: bool = True) -> list[Result]:
    """Run ``claims`` in order with a progress bar on stderr.

    Raises
    ------
    Interrupted
        On Ctrl-C, carrying the results of the claims that finished.
    """
    from tqdm import tqdm

    claims = list(claims)
    results: list[Result] = []
    bar = tqdm(claims, desc="claims", unit="claim", disable=not show_progress, leave=False)
    try:
        for c in bar:
            bar.set_postfix_str(c.id)
            results.append(run_claim(c, precision, seed, backend,
                                     progress=(lambda m: bar.set_postfix_str(m)) if show_progress else None))
    except KeyboardInterrupt:
        raise Interrupted(results) from None
    finally:
        bar.close()
    return results
