"""Search overhead: margin evaluations per second of a trivial margin (issue 8).

The margin returns a constant; what is timed is the search itself (sampling, constraint,
bookkeeping, the Nelder-Mead polish), relative to the baseline of calling the same margin
in a plain loop on pre-drawn points. Target: at least 20,000 evaluations per second.
"""
from __future__ import annotations

import argparse
import time

import numpy as np

from paper_checks.search import Integer, Real, SearchSpace, SimplexPoint, search

MARGINS = {
    "constant": lambda p: 1.0,  # flat: Nelder-Mead stops early, mostly sampling
    "linear": lambda p: 1.0 + p["q"] + float(p["f"][0]),  # the polish runs until Nelder-Mead converges
}


def run(budget: int, reps: int, kind: str = "constant") -> dict[str, float]:
    space = SearchSpace((Real("q", 0.0, 1.0, open_low=True), Integer("c", 2, 10), SimplexPoint("f", 3)),
                        MARGINS[kind], description=f"{kind}: no failure, pure overhead")
    best, evaluated = float("inf"), 0
    for r in range(reps):
        t = time.perf_counter()
        res = search(space, budget, np.random.default_rng(r))
        best = min(best, time.perf_counter() - t)
        evaluated = res.evaluated
    pts = [{"q": 0.5, "c": 3, "f": np.full(3, 1 / 3)}] * evaluated
    t = time.perf_counter()
    for p in pts:
        space.margin(p)
    loop = time.perf_counter() - t
    return {"budget": budget, "evaluated": evaluated, "seconds": best, "evals_per_s": evaluated / best,
            "plain_loop_evals_per_s": evaluated / max(loop, 1e-12), "overhead_ratio": best / max(loop, 1e-12)}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--budget", type=int, default=100_000)
    ap.add_argument("--reps", type=int, default=3)
    a = ap.parse_args()
    for kind in MARGINS:
        r = run(a.budget, a.reps, kind)
        print(f"search of a {kind} margin, budget {r['budget']}: {r['evaluated']} evaluations in {r['seconds']:.3f} s "
              f"= {r['evals_per_s']:,.0f} evaluations/s (target >= 20,000); a plain loop calling the margin: "
              f"{r['plain_loop_evals_per_s']:,.0f}/s, so the search costs {r['overhead_ratio']:.0f}x the bare calls")


if __name__ == "__main__":
    main()
