"""Iterative deepening of a proof's work: the whole proof first at a small allowance, then at twice it, and so on,
the last run taking all that is left (issue 69, item 4).

The schedule (:mod:`paper_checks.prover.schedule`) gives each closure a *share* of the work left, so at a small
budget every closure gets a sliver and none finishes, while at a large one a cheap proof is found at once: before,
``(2 + cosh x)/3 - sinh(x)/x >= 0`` was undecided at 6 units (all spent) and proved at 24 with 0.83. A ladder of
allowances that does not depend on the budget (:data:`FIRST` units, doubled at each rung; Korf 1985, "Depth-first
iterative-deepening", Artificial Intelligence 27:97-109, and Luby, Sinclair & Zuckerman 1993 for doubling restarts)
makes a small budget run the same cheap rungs a large one runs, so a proof found on a rung is found at every budget
that reaches it; what the rungs below cost is at most what the rung itself did, so a proof found with work ``w`` on a
rung is found at a budget of about ``2 w``. A rung is run only while the budget also holds the rung after it;
otherwise it is the last and takes all that is left.

A rung that ends ``proved``, with a counterexample, ``undefined``, or ``undecided`` for anything but its work
budget (a margin that cannot be traced, boxes too narrow to split) is the answer: the next rung would end the same.
Only the top proof deepens (a sub-proof is one rung of its caller's). The work the result reports is the ladder's
whole, every rung included.
"""
from __future__ import annotations

from collections.abc import Callable

from paper_checks import work as meter
from paper_checks.prover.result import ProofResult

#: the first rung's allowance (work units); each next one is twice the last
FIRST = 0.25
#: the words of an ``undecided`` reason that say its work budget ran out (then a larger rung may decide)
RAN_OUT = "work budget of"


def rungs(budget: float) -> list[float]:
    """The allowances of the ladder for ``budget`` units: :data:`FIRST`, doubled, while the budget also holds the rung
    after each; the last takes what is left (a budget below ``3 FIRST`` is one rung)."""
    out: list[float] = []
    spent, level = 0.0, FIRST
    while spent + level + 2 * level <= budget:
        out.append(level)
        spent += level
        level *= 2
    out.append(budget - spent)
    return out


def ran_out(res: ProofResult) -> bool:
    """Whether ``res`` is ``undecided`` because its work budget ran out (and nothing else stopped it: a wall-clock
    net that fired is the answer, not a reason to try a larger rung)."""
    reason = res.reason or ""
    return res.outcome == "undecided" and RAN_OUT in reason and "wall-clock" not in reason \
        and "safety net" not in reason


def deepened(run: Callable[[float], ProofResult], budget: float) -> ProofResult:
    """``run(allowance)`` on each rung of :func:`rungs` until one decides (see the module docstring); the result of
    the last rung run, with the work of the whole ladder and a note of the rungs."""
    begun = meter.now()
    ladder = rungs(budget)
    counters: dict[str, dict[str, float]] = {}
    for k, allowance in enumerate(ladder):
        res = run(allowance)
        for name, c in res.counters.items():
            into = counters.setdefault(name, dict.fromkeys(c, 0))
            for key, v in c.items():
                into[key] = into.get(key, 0) + v
        if not ran_out(res) or k == len(ladder) - 1:
            break
    if len(ladder) > 1:
        res.counters = {name: {key: round(v, 6) if key == "work" else v for key, v in c.items()}
                        for name, c in sorted(counters.items())}
        res.work = round(meter.now() - begun, 6)
        res.work_budget = budget
        res.notes.append(f"iterative deepening: rung {k + 1} of {len(ladder)} (allowance {allowance:.3g} of "
                         f"{budget:.3g} units) gave the answer")
    return res


__all__ = ["FIRST", "deepened", "ran_out", "rungs"]
