"""Every chart a domain needs before its boxes (:func:`chart`): a constraint affine in two coordinates, its polygon
cut into cells charted onto boxes (:mod:`paper_checks.prover.tracing.polygon`), then each half-line or the line mapped
onto a bounded interval (:mod:`paper_checks.prover.tracing.unbounded`). :func:`paper_checks.prover.prove.prove` proves
the charted space and tells its result in the original one; the re-check (:mod:`paper_checks.prover.certificate`)
charts the space again the same way, since the certificate's boxes are in the charts' coordinates."""
from __future__ import annotations

from collections.abc import Callable
from typing import Any

from paper_checks import work
from paper_checks.deadline import TimedOut
from paper_checks.prover.tracing import polygon, unbounded
from paper_checks.search.params import SearchSpace


def chart(space: SearchSpace, seconds: float | None = None) -> tuple[SearchSpace, Callable[[Any], Any], float | None]:
    """``(charted, told, left)``: ``space`` through every chart it needs (itself where none), the function that
    tells a :class:`~paper_checks.prover.result.ProofResult` on ``charted`` in ``space``'s coordinates, and what is
    left of ``seconds``. Reading the constraint calls the claim's code on symbols: within ``seconds`` (a
    constraint that does not return by then is not charted; the prover reads it again on each piece, under its
    own alarm)."""
    begun = work.now()
    try:
        with work.limit(seconds):
            cells, poly = polygon.chart(space)
    except TimedOut:
        cells, poly = space, None
    bounded, back = unbounded.compactify(cells)

    def told(res: Any) -> Any:
        if bounded is not cells:
            res = unbounded.back_result(res, back)
        if isinstance(poly, polygon.Polygon):
            res = polygon.back_result(res, space, poly)
        return res
    return bounded, told, None if seconds is None else max(seconds - (work.now() - begun), 0.01)
