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

- ``--boxes``: what a box of the proof is charged (``prove.BOX_STEP_WORK``, partly by the nodes of its conjunct, for
  the box and each bounded step tried on it, with the SymPy events inside those steps) against the calls it makes
  (``cProfile``'s count, Python and C calls, as the meter's unit is defined: :data:`paper_checks.work.CALLS_PER_UNIT`),
  over the boxes of each MetiTarski problem of :data:`BOX_HEAVY` (read from ``--metitarski``), the steps that meter
  themselves left out; the median ratio is the charge's calibration.

    python -m benchmarks.bench_meter --mix
    python -m benchmarks.bench_meter --set held-out --work 6
    python -m benchmarks.bench_meter --boxes --metitarski ../shared/metitarski/Problems --work 22.5
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


#: the problems of ``--boxes``: 16 of MetiTarski's corpus proved with over 20 boxes (session 46's outcomes, drawn with
#: ``random.seed(1)``), and ``ellipse-check-1`` (one coordinate, 422 nodes; undecided with 15 boxes open at 22.5 units)
BOX_HEAVY = ("nfm-upper-right-verify.tptp", "sqrt-1mcosq-7.tptp", "max-sin-2.tptp", "tan-problem-6.tptp",
             "atan-error-analysis-4.tptp", "tan-problem-1.tptp", "trigpoly-351-3b-weak.tptp", "tan-problem-6-weak.tptp",
             "trigpoly-3515-2.tptp", "sin-cos-problem-3.tptp", "trigpoly-351-3b.tptp", "exp-362-60a-weak.tptp",
             "tan-problem-3-weak.tptp", "asin-8-sqrt3.tptp", "tanh-3611.tptp", "trigpoly-351-1b.tptp",
             "ellipse-check-1.tptp")


def _box_calls(conn: Any, margin: Any, domain: Any, constraints: Any, units: float) -> None:
    import cProfile
    import importlib
    import pstats

    from paper_checks import work
    from paper_checks.prover import prove_expr
    from paper_checks.prover.closures import base

    prove_module = importlib.import_module("paper_checks.prover.prove")  # the package's ``prove`` is its function
    step, timed_step = prove_module._step, base.timed_step
    at: dict[str, Any] = {"prof": None, "calls": 0, "charged": 0.0, "boxes": 0, "nodes": 0}

    def metered_alone(method: Any, goal: Any, budget: Any) -> Any:  # a step that meters itself: out of both counts
        prof = at["prof"]
        if not method.timed or prof is None:
            return timed_step(method, goal, budget)
        prof.disable()
        begun = work.now()
        try:
            return timed_step(method, goal, budget)
        finally:
            at["charged"] -= work.now() - begun
            prof.enable()

    def counted(st: Any, pcs: Any) -> Any:
        _, _, i, j, _, _ = st.heap[0]
        at["prof"], begun = cProfile.Profile(), work.now()
        at["prof"].enable()
        try:
            return step(st, pcs)
        finally:
            at["prof"].disable()
            stats: Any = pstats.Stats(at["prof"])  # its total_calls is set by its constructor, not declared
            at["calls"] += stats.total_calls
            at["charged"] += work.now() - begun
            at["boxes"] += 1
            at["nodes"] += prove_module._nodes(st, i, j, pcs[i].parts[j].expr)
            at["prof"] = None

    setattr(prove_module, "_step", counted)  # noqa: B010 (the module is typed by its import, not by name)
    setattr(prove_module, "timed_step", metered_alone)  # noqa: B010
    r = prove_expr(margin, domain, seconds=600, work=units, constraints=constraints)
    conn.send({"outcome": r.outcome, **{k: at[k] for k in ("calls", "charged", "boxes", "nodes")}})


def box_charge(folder: str, units: float, names: tuple[str, ...] = BOX_HEAVY) -> list[float]:
    """Print the table of ``--boxes`` over ``names`` in ``folder`` at ``units``; the ratios, charged to counted."""
    import statistics

    from benchmarks import metitarski
    from paper_checks import work

    ctx = multiprocessing.get_context("fork")
    print("| problem | outcome | boxes | nodes | calls a box | charged a box (calls) | charged / calls |\n"
          "|---|---|---|---|---|---|---|")
    ratios = []
    for name in names:
        p = metitarski.convert(open(f"{folder}/{name}").read(), name)
        c = (p.cases or [p])[0]
        here, there = ctx.Pipe(duplex=False)
        proc = ctx.Process(target=_box_calls, args=(there, c.margin, c.domain, c.constraints or None, units),
                           daemon=True)
        proc.start()
        row = None
        for _ in range(900):  # a child that died sends nothing: no wait past it
            if here.poll(1):
                row = here.recv()
                break
            if not proc.is_alive():
                break
        proc.kill()
        proc.join()
        if not row or not row["boxes"]:
            print(f"| {name} | {row['outcome'] if row else 'ran past 900 s'} | 0 | | | | |")
            continue
        b = row["boxes"]
        charged = row["charged"] * work.CALLS_PER_UNIT / b
        ratios.append(charged / max(row["calls"] / b, 1.0))
        print(f"| {name} | {row['outcome']} | {b} | {row['nodes'] // b} | {row['calls'] // b} | {charged:.0f} | "
              f"{ratios[-1]:.2f} |", flush=True)
    if ratios:
        print(f"\ncharged / calls over {len(ratios)} problems: median {statistics.median(ratios):.2f}, "
              f"{min(ratios):.2f} to {max(ratios):.2f}")
    return ratios


def main() -> None:
    from paper_checks.__main__ import fix_hash_seed

    fix_hash_seed()
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--mix", action="store_true", help="the SymPy mix in a counted block and outside one")
    ap.add_argument("--reps", type=int, default=3)
    ap.add_argument("--set", default="held-out", choices=("held-out", "polynomial", "fragment"))
    ap.add_argument("--work", type=float, default=6.0, help="work budget per case, units")
    ap.add_argument("--boxes", action="store_true", help="a box's charge against its calls (BOX_HEAVY)")
    ap.add_argument("--metitarski", default="../shared/metitarski/Problems", help="MetiTarski's problems (--boxes)")
    a = ap.parse_args()
    if a.boxes:
        box_charge(a.metitarski, a.work)
        return
    if a.mix:
        plain, counted = mix_ratio(a.reps)
        print(f"SymPy mix: {plain:.3f} CPU-s outside a counted block, {counted:.3f} inside: {counted / plain:.3f}x")
        return
    held_out(a.work, a.set)


if __name__ == "__main__":
    main()
