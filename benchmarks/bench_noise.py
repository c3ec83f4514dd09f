"""Noisy-label sampling (c = 10, 10^7 labels) relative to drawing 10^7 uniforms.

Baseline: ``rng.random(n)`` with the same generator. Target (issue 2): at most 6 times.
"""
from __future__ import annotations

import argparse

from _timing import best_of  # benchmarks/ is on sys.path when a script runs

from label_noise_lab.simulate.engine.devices import get_backend
from label_noise_lab.simulate.engine.rng import generator
from label_noise_lab.simulate.noise import random_transition, sample_noisy_labels, uniform_noise


def run(backend_name: str, n: int, c: int, reps: int) -> dict[str, float]:
    import numpy as np

    b = get_backend(backend_name)
    xp = b.xp
    sync = (lambda: xp.cuda.Device().synchronize()) if b.name == "cupy" else (lambda: None)
    rng = generator(xp, 0)
    y = rng.integers(0, c, n)
    out = {}
    base = best_of(lambda: rng.random(n), reps, sync)
    out["uniforms_s"] = base
    for name, T in (("uniform", uniform_noise(c, 0.4)), ("random_T", random_transition(c, np.random.default_rng(1)))):
        t = best_of(lambda: sample_noisy_labels(y, T, rng, xp), reps, sync)
        out[f"{name}_s"] = t
        out[f"{name}_ratio"] = t / base
        out[f"{name}_labels_per_s"] = n / t
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--backend", default="numpy")
    ap.add_argument("--n", type=int, default=10**7)
    ap.add_argument("--c", type=int, default=10)
    ap.add_argument("--reps", type=int, default=5)
    a = ap.parse_args()
    r = run(a.backend, a.n, a.c, a.reps)
    print(f"backend {a.backend}, n = {a.n:.0e}, c = {a.c}, best of {a.reps}")
    print(f"  baseline: {a.n:.0e} uniforms in {r['uniforms_s'] * 1e3:.1f} ms")
    for k in ("uniform", "random_T"):
        print(f"  {k:9s}: {r[k + '_s'] * 1e3:7.1f} ms = {r[k + '_ratio']:.2f} x baseline "
              f"({r[k + '_labels_per_s'] / 1e6:.0f} M labels/s)  target <= 6 x")


if __name__ == "__main__":
    main()
