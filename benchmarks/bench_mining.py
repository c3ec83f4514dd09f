"""Distance matrix and mining for a batch of B = 1024 embeddings of dimension 128.

Baseline: one B x B matrix product of the same size (``E @ E.T``). Target (issue 5): at most
5 times for the distance matrix plus one miner.
"""
from __future__ import annotations

import argparse
import time

from simulate.backend import get_backend
from simulate.embedding import batch_hard, hard_negatives, normalize, pairwise_distances, random_negatives, semi_hard_negatives


def best_of(fn, reps, sync):
    best = float("inf")
    for _ in range(reps):
        sync()
        t = time.perf_counter()
        fn()
        sync()
        best = min(best, time.perf_counter() - t)
    return best


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--backend", default="numpy")
    ap.add_argument("--B", type=int, default=1024)
    ap.add_argument("--dim", type=int, default=128)
    ap.add_argument("--classes", type=int, default=32)
    ap.add_argument("--reps", type=int, default=7)
    a = ap.parse_args()
    b = get_backend(a.backend)
    xp = b.xp
    sync = (lambda: xp.cuda.Device().synchronize()) if b.name == "cupy" else (lambda: None)
    rng = xp.random.default_rng(0)
    E = normalize(rng.standard_normal((a.B, a.dim)))
    y = xp.floor(rng.random(a.B) * a.classes).astype(xp.int64)
    base = best_of(lambda: E @ E.T, a.reps, sync)
    D = pairwise_distances(E)
    rows = {
        "distances": lambda: pairwise_distances(E),
        "distances + batch-hard": lambda: batch_hard(pairwise_distances(E), y),
        "distances + hard negatives": lambda: hard_negatives(pairwise_distances(E), y),
        "distances + semi-hard": lambda: semi_hard_negatives(pairwise_distances(E), y, 0.2),
        "distances + random negatives": lambda: (pairwise_distances(E), random_negatives(y, rng)),
    }
    n_pairs = int(sum(1 for _ in [0]) and hard_negatives(D, y)[0].shape[0])
    print(f"backend {b.name}, B = {a.B}, dim = {a.dim}, {a.classes} classes ({n_pairs} anchor-positive pairs), best of {a.reps}")
    print(f"  baseline E @ E.T: {base * 1e3:.2f} ms")
    for name, fn in rows.items():
        t = best_of(fn, a.reps, sync)
        print(f"  {name:30s} {t * 1e3:8.2f} ms = {t / base:5.2f} x baseline   (target <= 5 x)")


if __name__ == "__main__":
    main()
