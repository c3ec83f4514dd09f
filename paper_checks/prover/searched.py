"""The counterexample search inside a proof (:func:`paper_checks.search.loop.search`, counted in work): run first
(``search_first``), and where the margin is undefined only where a denominator is 0, a search for a point where it
is defined and fails (:func:`failing_where_defined`)."""
from __future__ import annotations

import time
from typing import Any

import numpy as np

from paper_checks import work as meter
from paper_checks.deadline import TimedOut
from paper_checks.prover.result import ProofOutcome, ProofResult
from paper_checks.search.loop import search
from paper_checks.search.params import SearchSpace


def search_first(space: SearchSpace, evals: int, seed: int, start: float, units: float) -> ProofResult | None:
    """The counterexample search (:func:`paper_checks.search.loop.search`) with ``evals`` evaluations (its memory
    bounded for any ``evals``) and ``units`` of work for all of it (an exact verification of a rounding dip
    can take minutes: a rational to the power -1/(1 - t) near t = 1): its verified, shrunk counterexample, or None."""
    try:
        with meter.limit(max(units, 0.01)):
            res = search(space, evals, np.random.default_rng(seed))
    except (ValueError, TimedOut):  # e.g. no sampled point meets the constraint: branch and bound decides alone
        return None
    if not res.verified:
        return None
    return ProofResult(ProofOutcome.COUNTEREXAMPLE, 0, 0, time.monotonic() - start, counterexample=res.counterexample,
                       exact_margin=res.exact_margin, exact_margin_value=res.exact_margin_value,
                       shrink_steps=res.shrink_steps,
                       notes=[f"found by the counterexample search before branch and bound ({res.evaluated} "
                              "evaluations), verified exactly and shrunk"])


#: margin evaluations of the search for a failing point where the margin is defined, once it is found undefined
UNDEFINED_SEARCH_EVALS = 4000
#: the first note of a counterexample found where the margin is defined, the margin undefined elsewhere
ALSO_UNDEFINED = "the margin is also undefined on part of the domain"


def also_undefined(res: ProofResult) -> bool:
    """Whether ``res`` is a counterexample of :func:`failing_where_defined`: it says that the margin is undefined on
    part of the domain as well, which the search run first does not know."""
    return res.outcome == "counterexample" and any(n.startswith(ALSO_UNDEFINED) for n in res.notes)


def failing_where_defined(st: Any, found: ProofResult, start: float, share: float = 0.5) -> ProofResult:
    """A margin undefined only where a denominator is 0 may still fail where it is defined (``log_t(x) >= log x``
    with ``t`` in ``[1/2, 3/2]``: a division by zero as written at ``t = 1``, false at ``t = 3/2``). A claim
    that fails at a point where it means something is refuted, which says more than ``undefined``: a short
    counterexample search (half the time left) looks for such a point; its verified counterexample is the
    answer, with the undefined point in a note. Otherwise ``found`` stands. A margin *not real* on part of the
    domain (``x**x`` on ``(-1, 0)``) keeps its own outcome, ``undefined``, whatever else holds."""
    left = share * st.work.left()
    if left <= 0.05:
        return found
    failing = search_first(st.space, UNDEFINED_SEARCH_EVALS, 0, start, left)
    if failing is None:
        return found
    failing.budget, failing.boxes = st.budget, st.boxes
    failing.notes = [f"{ALSO_UNDEFINED} ({found.reason.split('; ')[0]})",
                     *failing.notes]
    return failing
