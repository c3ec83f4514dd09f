"""Corrected cross-entropy (Patrini et al. 2017) on 10^7 samples, c = 10, relative to plain CE.

Evaluates, from logits and in chunks, the plain cross-entropy, the backward-corrected CE
``(T^-1 l)_noisy`` (``002`` Thm 1) and the forward-corrected CE ``-log (T^T p)_noisy``
(``002`` Thm 2) on the same samples. Baseline: the plain CE of ``label_noise_lab.simulate.losses``.
Target: each corrected loss at most 1.5 x the baseline.
"""
from __future__ import annotations

import argparse
import time

import numpy as np

from label_noise_lab.simulate.correction.backward_forward import backward_corrected, forward_corrected
from label_noise_lab.simulate.engine.devices import get_backend
from label_noise_lab.simulate.engine.rng import generator
from label_noise_lab.simulate.losses import get_loss
from label_noise_lab.simulate.noise import random_transition

TARGET = 1.5


def run(backend_name: str, n: int, c: int, chunk: int, reps: int, pool: int = 8) -> dict[str, float]:
    b = get_backend(backend_name)
    xp = b.xp
    sync = (lambda: xp.cuda.Device().synchronize()) if b.name == "cupy" else (lambda: None)
    rng = generator(xp, 0)
    # a pool of chunks reused cyclically: generating 10^7 x 10 logits is not what is timed
    chunks = [(rng.standard_normal((chunk, c)) * 3.0, rng.integers(0, c, chunk)) for _ in range(pool)]
    T = random_transition(c, np.random.default_rng(1), diag=0.6)
    losses = {"plain": get_loss("cce"), "backward": backward_corrected(get_loss("cce"), T),
              "forward": forward_corrected("cce", T)}
    n_chunks = -(-n // chunk)

    def evaluate(loss) -> float:
        tot = 0.0
        for i in range(n_chunks):
            z, y = chunks[i % pool]
            m = min(chunk, n - i * chunk)
            tot += float(loss.value(z[:m], y[:m], from_logits=True).sum())
        return tot

    out: dict[str, float] = {}
    for name, loss in losses.items():
        evaluate(loss)  # warm-up (CuPy kernels, caches)
        best = float("inf")
        for _ in range(reps):
            sync()
            t = time.perf_counter()
            evaluate(loss)
            sync()
            best = min(best, time.perf_counter() - t)
        out[f"{name}_s"] = best
    for name in ("backward", "forward"):
        out[f"{name}_ratio"] = out[f"{name}_s"] / out["plain_s"]
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--backend", default="numpy", choices=("numpy", "cupy"))
    ap.add_argument("--n", type=int, default=10**7)
    ap.add_argument("--c", type=int, default=10)
    ap.add_argument("--chunk", type=int, default=None, help="samples per chunk (default 2^16 NumPy, 2^22 CuPy)")
    ap.add_argument("--reps", type=int, default=3)
    a = ap.parse_args()
    chunk = a.chunk or (1 << 16 if a.backend == "numpy" else 1 << 22)
    r = run(a.backend, a.n, a.c, chunk, a.reps)
    print(f"backend {a.backend}, n = {a.n:.0e}, c = {a.c}, chunk = {chunk}, best of {a.reps}")
    print(f"  baseline plain CE: {r['plain_s'] * 1e3:8.1f} ms ({a.n / r['plain_s'] / 1e6:.0f} M samples/s)")
    for k in ("backward", "forward"):
        ok = "ok" if r[k + "_ratio"] <= TARGET else "MISSES"
        print(f"  {k:8s} CE:      {r[k + '_s'] * 1e3:8.1f} ms = {r[k + '_ratio']:.2f} x baseline  "
              f"(target <= {TARGET} x: {ok})")


if __name__ == "__main__":
    main()
