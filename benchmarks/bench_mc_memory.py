"""A Monte Carlo estimate over 10^9 samples in bounded chunks: time and peak memory.

The estimate is the noisy L_q risk of a fixed classifier under uniform noise
(c = 10, q = 0.7), whose exact value is known, so the run is also a check that the
streamed estimate agrees within 5 standard errors. Peak memory is the process's
maximum resident set size (``ru_maxrss``); target under 1 GiB.
"""
from __future__ import annotations

import argparse
import resource
import time

import numpy as np

from label_noise_lab.simulate.engine.devices import get_backend
from label_noise_lab.simulate.engine.estimate import mc_mean
from label_noise_lab.simulate.engine.rng import generator
from label_noise_lab.simulate.noise import sample_noisy_labels, uniform_noise


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--backend", default="numpy")
    ap.add_argument("--n", type=float, default=1e9)
    ap.add_argument("--chunk", type=int, default=2_000_000)
    a = ap.parse_args()
    b = get_backend(a.backend)
    xp = b.xp
    c, q, eta = 10, 0.7, 0.4
    T = uniform_noise(c, eta)
    f = np.random.default_rng(0).dirichlet(np.ones(c))  # one fixed prediction, clean label always 0
    per_label = (1 - f**q) / q  # L_q(f, e_j)
    exact = float(T.matrix[0] @ per_label)
    table = xp.asarray(per_label)

    def draw(rng, m):
        y = xp.zeros(m, dtype=xp.int64)
        return table[sample_noisy_labels(y, T, rng, xp)]

    n = int(a.n)
    done = 0
    t = time.perf_counter()

    def progress(m):
        nonlocal done
        done += m
        if done % (n // 10 or 1) < m:
            print(f"  {done / n:4.0%}  {time.perf_counter() - t:6.1f} s", flush=True)

    est = mc_mean(draw, n, generator(xp, 1), chunk=a.chunk, progress=progress)
    dt = time.perf_counter() - t
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB -> MiB on Linux
    print(f"backend {b.name}: {n:.1e} samples in {dt:.1f} s ({n / dt / 1e6:.0f} M/s), chunk {a.chunk}")
    print(f"estimate {est.mean:.8f} +- {est.stderr:.1e}, exact {exact:.8f}, agrees (z=5): {est.agrees(exact)}")
    print(f"peak resident memory {peak:.0f} MiB (target < 1024 MiB)")


if __name__ == "__main__":
    main()
