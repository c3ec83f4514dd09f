"""What the work meter costs (issue 68), as ratios of CPU seconds on the same machine.

Two measures:

- ``--mix``: a mix of SymPy steps of the prover's kinds (``simplify``, ``factor``, ``series``, ``limit``, ``apart``,
  ``diff``), each from an empty cache, timed in a counted block of :mod:`paper_checks.work` and outside one; best of
  ``--reps``. It uses only ``work.metered()`` and ``work.counted()``, so it runs against any build of the meter
  (``PYTHONPATH=OTHER_CHECKOUT python benchmarks/bench_meter.py --mix`` times another one: the meter before issue 68,
  which counted every Python call with ``sys.setprofile``).
- ``--set held-out`` (the default): the prover's held-out set (:data:`benchmarks.prover_sets.HELD_OUT`), each case
  in a fresh child at ``--work`` units, once with the meter as it runs and once with SymPy's events not hooked
  (:func:`paper_checks.work._unhook`: the count is then what is charged alone, so a step's limit may come later and
  the route differ): CPU seconds of each, and the ratio summed over the cases whose outcome, route and boxes are the
  same both ways.

    python -m benchmarks.bench_meter --mix
    python -m benchmarks.bench_meter --set held-out --work 6
"""
from __future__ import annotations

import argparse
import multiprocessing
import time
from typing import Any


def _mix() -> None:
    import sympy
    from sympy.core.cache import clear_cache

    x, y, a = sympy.symbols("x y a", positive=True)
    clear_cache()
    e = sympy.log(a) + (x - a) / a - sympy.log(x)
    sympy.simplify(e.diff(x) * e.diff(a))
    sympy.factor((x**3 - y**3) ** 3 * (x + a) ** 2 - 1)
    sympy.series(sympy.exp(sympy.sin(x)), x, 0, 8)
    sympy.limit((sympy.exp(x) - 1 - x) / x**2, x, 0)
    sympy.apart((x**2 + 1) / ((x + 1) * (x + 2) * (x - 3)), x)
    sympy.diff(sympy.expand((x + y + a + 1) ** 6) * sympy.exp(x * y) * sympy.log(1 + x**2), x, 2)


def mix_ratio(reps: int) -> tuple[float, float]:
    """Best CPU seconds of :func:`_mix` outside a counted block and inside one."""
    from paper_checks import work

    _mix()  # imports and first tables
    plain = counted = float("inf")
    for _ in range(reps):
        t = time.process_time()
        _mix()
        plain = min(plain, time.process_time() - t)
        with work.metered(), work.counted():
            t = time.process_time()
            _mix()
            counted = min(counted, time.process_time() - t)
    return plain, counted


def _child(conn: Any, margin: Any, domain: Any, units: float, hooked: bool, seconds: float) -> None:
    from paper_checks import work
    from paper_checks.prover import prove_expr

    if not hooked:
        work._unhook()
        work._hooks = lambda: None  # never put back in this child
    t = time.process_time()
    r = prove_expr(margin, domain, seconds=seconds, work=units)
    route = [k for k, c in (r.counters or {}).items() if c.get("boxes_closed") or c.get("pieces_closed")]
    conn.send({"outcome": r.outcome, "route": route, "boxes": r.boxes, "work": r.work,
               "cpu": time.process_time() - t})


def held_out(units: float, name: str) -> None:
    from benchmarks.bench_prover import sets
    from paper_checks.prover.process import warm_up

    warm_up()
    ctx = multiprocessing.get_context("fork")
    print("| case | outcome | work (meter) | CPU-s meter | CPU-s no events | same route |\n|---|---|---|---|---|---|")
    same_on = same_off = all_on = all_off = 0.0
    for case, margin, domain, _ in sets()[name]:
        rows: list[dict[str, Any]] = []
        for hooked in (True, False):
            # without the events a step's limit may never come: a net of five times the metered case's CPU time
            seconds = 600.0 if hooked else max(30.0, 5 * rows[0]["cpu"])
            here, there = ctx.Pipe(duplex=False)
            proc = ctx.Process(target=_child, args=(there, margin, domain, units, hooked, seconds), daemon=True)
            proc.start()
            rows.append(here.recv() if here.poll(900) else {"outcome": "ran past 900 s", "route": [], "boxes": 0,
                                                            "work": 0.0, "cpu": float("nan")})
            proc.kill()
            proc.join()
        on, off = rows
        same = all(on[k] == off[k] for k in ("outcome", "route", "boxes"))
        all_on, all_off = all_on + on["cpu"], all_off + off["cpu"]
        if same:
            same_on, same_off = same_on + on["cpu"], same_off + off["cpu"]
        print(f"| {case} | {on['outcome']} | {on['work']:.3f} | {on['cpu']:.2f} | {off['cpu']:.2f} | "
              f"{'yes' if same else 'no'} |", flush=True)
    print(f"\nthe meter's cost: {same_on / max(same_off, 1e-9):.3f}x over the cases of the same route "
          f"({same_on:.1f} against {same_off:.1f} CPU-s); {all_on / max(all_off, 1e-9):.3f}x over all "
          f"({all_on:.1f} against {all_off:.1f})")


def main() -> None:
    from paper_checks.__main__ import fix_hash_seed

    fix_hash_seed()
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--mix", action="store_true", help="the SymPy mix in a counted block and outside one")
    ap.add_argument("--reps", type=int, default=3)
    ap.add_argument("--set", default="held-out", choices=("held-out", "polynomial", "fragment"))
    ap.add_argument("--work", type=float, default=6.0, help="work budget per case, units")
    a = ap.parse_args()
    if a.mix:
        plain, counted = mix_ratio(a.reps)
        print(f"SymPy mix: {plain:.3f} CPU-s outside a counted block, {counted:.3f} inside: {counted / plain:.3f}x")
        return
    held_out(a.work, a.set)


if __name__ == "__main__":
    main()
