"""``python -m benchmarks --backend cupy``: every engine benchmark on NumPy and on the backend, as ratios.

For the first person with a GPU: one command times each hot path of the engine (label noise,
corrected losses, the backward Monte Carlo, distances and miners, pair noise, DMI samplers, L_DMI
training, batched embedding training) on NumPy and on ``--backend``, and writes the backend/NumPy
ratios (below 1: the backend is faster) into ``benchmarks/RESULTS.md`` between the markers
``<!-- backends:start -->`` and ``<!-- backends:end -->``. Each time is the best of ``--reps`` runs,
with the device synchronised around each. ``--backend strict`` runs ``array_api_strict``, the array API
standard's strict namespace (a correctness smoke run: its times mean nothing); ``--quick`` uses small sizes.

The per-script benchmarks (``bench_*.py``) remain for their own detailed figures.
"""
from __future__ import annotations

import argparse
import datetime
import platform
import re
from pathlib import Path
from typing import Any, Callable

import numpy as np

from benchmarks._timing import best_of
from label_noise_lab.simulate.engine.devices import Backend, get_backend
from label_noise_lab.simulate.engine.rng import generator

RESULTS = Path(__file__).with_name("RESULTS.md")
START, END = "<!-- backends:start -->", "<!-- backends:end -->"
Case = Callable[[Any, int], Callable[[], object]]


def _cases() -> dict[str, tuple[str, Case]]:
    """name -> (what it times, factory ``(xp, scale) -> thunk``); ``scale`` 1 is the full size."""
    from label_noise_lab.simulate.correction.backward_forward import backward_corrected, forward_corrected
    from label_noise_lab.simulate.correction.sampled import backward_mc, random_population
    from label_noise_lab.simulate.dmi.populations import line_population, sample_counts
    from label_noise_lab.simulate.embedding.losses import mine, normalize, pairwise_distances
    from label_noise_lab.simulate.embedding.replicas import train_embeddings
    from label_noise_lab.simulate.embedding.risk import mc_pair_noise
    from label_noise_lab.simulate.embedding.train import init_embedding
    from label_noise_lab.simulate.losses import get_loss
    from label_noise_lab.simulate.models import init_mlp
    from label_noise_lab.simulate.noise import pair_flip, random_transition, sample_noisy_labels
    from paper_checks.papers.dmi19 import studies as dmi19_studies

    def noisy_labels(xp: Any, s: int) -> Callable[[], object]:
        n = 10**7 // s
        y, rng = xp.asarray(np.arange(n) % 10), generator(xp, 0)
        T = random_transition(10, np.random.default_rng(1))
        return lambda: sample_noisy_labels(y, T, rng, xp)

    def corrected(kind: str) -> Case:
        def make(xp: Any, s: int) -> Callable[[], object]:
            n = 10**6 // s
            z = xp.asarray(np.random.default_rng(2).normal(size=(n, 10)))
            y = xp.asarray(np.arange(n) % 10)
            T = random_transition(10, np.random.default_rng(3), diag=0.7)
            loss = backward_corrected(get_loss("cce"), T) if kind == "backward" else forward_corrected("cce", T)
            return lambda: (loss.value(z, y, from_logits=True), loss.grad(z, y))
        return make

    def back_mc(xp: Any, s: int) -> Callable[[], object]:
        dist, z = random_population(50, 10, np.random.default_rng(4), deterministic=False)
        T = random_transition(10, np.random.default_rng(5), diag=0.7)
        return lambda: backward_mc(dist, z, get_loss("cce"), T, 4 * 10**6 // s, generator(xp, 6), xp)

    def mining(miner: str) -> Case:
        def make(xp: Any, s: int) -> Callable[[], object]:
            B = 1024 // s
            E = normalize(xp.asarray(np.random.default_rng(7).normal(size=(B, 128))))
            y = xp.asarray(np.random.default_rng(8).integers(0, 32, B))
            kw: dict[str, Any] = {"alpha": 0.2} if miner == "semi-hard" else {}
            if miner == "random":
                kw["rng"] = generator(xp, 9)
            return lambda: mine(pairwise_distances(E)[None, ...], y[None, ...], miner, **kw)
        return make

    def pair_noise(xp: Any, s: int) -> Callable[[], object]:
        return lambda: mc_pair_noise(10, 0.4, 4 * 10**6 // s, generator(xp, 10), xp)

    def dmi_counts(xp: Any, s: int) -> Callable[[], object]:
        dist, _ = line_population(41, 3, 2.5)
        return lambda: sample_counts(dist, 4 * 10**6 // s, generator(xp, 11), xp, T=pair_flip(3, 0.3))

    def ldmi_fit(xp: Any, s: int) -> Callable[[], object]:
        rng = np.random.default_rng(12)
        X = xp.asarray(rng.normal(size=(16, 2000 // s, 20)))
        y = xp.asarray(np.tile(np.arange(2000 // s) % 3, (16, 1)))
        p = init_mlp(20, 3, (32,), rng, replicas=16, xp=xp)
        return lambda: dmi19_studies.fit_ldmi(p, X, y, 100 // s, 0.05)

    def embeddings(xp: Any, s: int) -> Callable[[], object]:
        rng = np.random.default_rng(13)
        R, n = 16, 1024 // s
        Xs = [rng.normal(size=(n, 16)) for _ in range(R)]
        ys = [np.arange(n) % 8 for _ in range(R)]
        ps = [init_embedding(16, 8, np.random.default_rng(r), xp=xp) for r in range(R)]
        return lambda: train_embeddings(Xs, ys, ps, [np.random.default_rng(100 + r) for r in range(R)], epochs=2,
                                        batch_size=128)

    return {
        "noisy labels": ("10^7 labels, c = 10, dense T (alias method)", noisy_labels),
        "backward CE": ("backward-corrected CE value and gradient, 10^6 x 10 logits", corrected("backward")),
        "forward CE": ("forward-corrected CE value and gradient (log space), 10^6 x 10", corrected("forward")),
        "backward MC": ("backward-correction Monte Carlo, 4 x 10^6 draws, c = 10", back_mc),
        **{f"mine {m}": (f"distances + {m} miner, B = 1024, dim 128", mining(m))
           for m in ("hard", "semi-hard", "random", "batch-hard")},
        "pair noise": ("pair-noise Monte Carlo, 4 x 10^6 pairs, c = 10", pair_noise),
        "DMI counts": ("count-table sampler, 4 x 10^6 draws, 41 x 3 x 3", dmi_counts),
        "L_DMI fit": ("full-batch L_DMI Adam, 16 replicas x 2000 samples, 100 steps", ldmi_fit),
        "embeddings": ("16 embedding networks trained at once, margin loss, 2 epochs of 1024", embeddings),
    }


def _backend(name: str) -> Backend:
    if name == "strict":  # the array API standard's strict namespace: a check that the cases run on it
        import array_api_strict

        return Backend("strict", array_api_strict)
    return get_backend(name)


def _sync(b: Backend) -> Callable[[], None]:
    if b.name == "cupy":
        import cupy  # type: ignore[import-not-found]  # optional: only on a device

        return lambda: cupy.cuda.Device().synchronize()
    return lambda: None


def run(backend: str, reps: int, scale: int, only: list[str] | None = None) -> list[dict[str, Any]]:
    """Time every case on NumPy and on ``backend``: rows of name, description, seconds and ratio."""
    b = _backend(backend)
    rows = []
    for name, (what, make) in _cases().items():
        if only and name not in only:
            continue
        t_np = best_of(make(np, scale), reps)
        t_b = t_np if b.name == "numpy" else best_of(make(b.xp, scale), reps, _sync(b))
        rows.append({"name": name, "what": what, "numpy_s": t_np, "backend_s": t_b, "ratio": t_b / t_np})
        print(f"{name:18s} numpy {t_np * 1e3:9.1f} ms   {b.name} {t_b * 1e3:9.1f} ms   ratio {t_b / t_np:6.2f}",
              flush=True)
    return rows


def write_results(rows: list[dict[str, Any]], backend: str, reps: int, scale: int, path: Path = RESULTS) -> None:
    """Replace the section between the markers of ``path`` (appended when absent) with a table of ``rows``."""
    device = "array_api_strict (times meaningless)" if backend == "strict" else backend
    if backend == "cupy":
        import cupy  # type: ignore[import-not-found]

        props = cupy.cuda.runtime.getDeviceProperties(0)
        device = props["name"].decode() if isinstance(props["name"], bytes) else str(props["name"])
    lines = [START, "",
             f"`python -m benchmarks --backend {backend}` on {datetime.date.today()}: {platform.python_version()}, "
             f"NumPy {np.__version__}, {device}; best of {reps}{'' if scale == 1 else f', sizes / {scale}'}. "
             "Ratio = backend time / NumPy time (below 1: the backend is faster).", "",
             f"| benchmark | what | NumPy | {backend} | ratio |", "|---|---|---|---|---|"]
    for r in rows:
        lines.append(f"| {r['name']} | {r['what']} | {r['numpy_s'] * 1e3:.1f} ms | {r['backend_s'] * 1e3:.1f} ms | "
                     f"**{r['ratio']:.2f}** |")
    lines += ["", END]
    block = "\n".join(lines)
    text = path.read_text() if path.exists() else "# Benchmark results\n"
    if START in text and END in text:
        text = re.sub(re.escape(START) + ".*?" + re.escape(END), lambda _: block, text, flags=re.S)
    else:
        text = text.rstrip() + "\n\n## NumPy against a backend\n\n" + block + "\n"
    path.write_text(text)


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(prog="python -m benchmarks", description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--backend", default="cupy", choices=("cupy", "numpy", "strict"))
    ap.add_argument("--reps", type=int, default=3)
    ap.add_argument("--quick", action="store_true", help="sizes divided by 16 (a smoke run)")
    ap.add_argument("--only", nargs="+", metavar="NAME", help="run these benchmarks only")
    ap.add_argument("--results", type=Path, default=RESULTS, help="the Markdown file to update")
    a = ap.parse_args(argv)
    if a.reps < 1:
        ap.error(f"--reps must be >= 1, got {a.reps}")
    names = list(_cases())
    if a.only and set(a.only) - set(names):
        ap.error(f"unknown benchmark(s) {sorted(set(a.only) - set(names))}; choose from {names}")
    try:
        b = _backend(a.backend)
    except ValueError as exc:
        ap.error(str(exc))
    scale = 16 if a.quick else 1
    rows = run(b.name, a.reps, scale, a.only)
    write_results(rows, b.name, a.reps, scale, a.results)
    print(f"wrote {a.results}")


if __name__ == "__main__":
    main()
