r"""The prover beside z3 on polynomial inequalities (issue 28).

Each case is a polynomial margin on a box, with its exact answer. Three things are timed (best of
``--reps``): the prover as it runs now (``prove_expr``: normal form, then real roots or z3, with every
model verified exactly and shrunk); the same prover with ``exact_first=False`` (interval branch and bound
on the margin as written: the prover before issue 28); and z3 alone on the bare question "is there a point
of the box where the margin is < 0" (``z3.SolverFor("QF_NRA")``, no verification). The ratio prover / z3 is
what the exact verification, the normal form and the bookkeeping cost over the bare solver.

``--metitarski DIR`` runs instead a table over MetiTarski's public problem set (Akbarpour & Paulson 2010),
read from ``DIR`` (its ``tptp/Problems`` folder; nothing of it is kept here) by :mod:`benchmarks.metitarski`: a
seeded random sample (``--sample``, ``--seed``) of the problems that are one inequality with every variable
bounded on both sides, each proved by ``prove_expr`` at ``--seconds`` a case, one at a time, each in a
child process ended 15 s after its limit; the table counts, per function class, what was proved.

``--table fragment`` (:func:`fragment_table`, issue 36) times the prover against z3 alone on z3's fragment:
the polynomial cases above and margins with radicals, ``Min``/``Max`` and ``Abs``. z3 alone is the bare question
in the encoding of :mod:`paper_checks.prover.algebraic.fragment` (a radical as ``r >= 0, r^q = t``, branches as
if-then-else), no exact verification and no re-check; the prover runs z3 first on this fragment and verifies
every model exactly.

``--set held-out`` (issue 60) runs :data:`benchmarks.prover_sets.HELD_OUT` (``--set polynomial``: :data:`CASES`,
``--set fragment``: :data:`FRAGMENT`) at a work budget (``--work``, units of
:mod:`paper_checks.work`) under a wall-clock net (``--seconds``), each case in a fresh child: per case the
outcome, the route (the closures that closed something, in order), the work spent and the seconds, then the
per-closure counters summed over the set (calls, work, boxes and pieces closed). ``--json FILE`` keeps the rows;
``--compare A B`` says which cases differ in outcome, route or work between two such files (a quiet machine and one
beside a load, or two ``PYTHONHASHSEED``\ s).
"""
from __future__ import annotations

import argparse
import json
import multiprocessing
import multiprocessing.connection
import random
import statistics
import time
from collections import Counter, defaultdict
from fractions import Fraction
from pathlib import Path
from typing import Any

import sympy
import z3

from paper_checks.context import PROVE_WORK
from paper_checks.prover import prove_expr
from paper_checks.prover.algebraic import fragment

x, y, z = sympy.symbols("x y z", real=True)
R = sympy.Rational
CASES = [  # (name, margin, domain, true?)
    ("(x-y)^2 expanded", x**2 - 2 * x * y + y**2, {x: (0, 1), y: (0, 1)}, True),
    ("x(1-x)", x * (1 - x), {x: (0, 1)}, True),
    ("AM-GM 2", (x + y) ** 2 - 4 * x * y, {x: (0, 2), y: (0, 2)}, True),
    ("AM-GM 3 (cubes)", x**3 + y**3 + z**3 - 3 * x * y * z, {x: (0, 2), y: (0, 2), z: (0, 2)}, True),
    ("Motzkin", x**4 * y**2 + x**2 * y**4 - 3 * x**2 * y**2 + 1, {x: (-2, 2), y: (-2, 2)}, True),
    ("Schur t=1", x * (x - y) * (x - z) + y * (y - x) * (y - z) + z * (z - x) * (z - y),
     {x: (0, 1), y: (0, 1), z: (0, 1)}, True),
    ("Cauchy-Schwarz 2", (x**2 + y**2) * (1 + 4) - (x + 2 * y) ** 2, {x: (-1, 1), y: (-1, 1)}, True),
    ("double root 1/3", (3 * x - 1) ** 2 * (x + 1), {x: (0, 1)}, True),
    ("quartic tight", x**4 - 2 * x**2 + 1, {x: (-2, 2)}, True),
    ("dip 1e-12", (x - R(1, 3)) ** 2 - R(1, 10**12), {x: (0, 1)}, False),
    ("dip 1e-50 at (sqrt 2, 0)", (x**2 - 2) ** 2 + y**2 - R(1, 10**50), {x: (0, 2), y: (0, 2)}, False),
    ("AM-GM 3 wrong", x**3 + y**3 + z**3 - 3 * x * y * z - R(1, 1000), {x: (0, 2), y: (0, 2), z: (0, 2)}, False),
]


def z3_alone(expr: sympy.Expr, domain: dict) -> tuple[str, float]:
    """z3 on the bare question (no exact verification), and its seconds."""
    t = time.perf_counter()
    ctx = z3.Context()
    zs = {s: z3.Real(str(s), ctx) for s in domain}
    s = z3.SolverFor("QF_NRA", ctx=ctx)
    for sym, (lo, hi) in domain.items():
        s.add(zs[sym] >= lo, zs[sym] <= hi)
    poly = sympy.Poly(sympy.expand(expr), *domain)
    terms = []
    for monom, coeff in poly.terms():
        term = z3.RealVal(str(coeff), ctx)
        for sym, k in zip(domain, monom):
            for _ in range(k):
                term = term * zs[sym]
        terms.append(term)
    s.add(z3.Sum(*terms) < 0)
    res = s.check()
    return ("proved" if res == z3.unsat else "counterexample" if res == z3.sat else "unknown"), \
        time.perf_counter() - t


FRAGMENT = [  # (name, margin, domain, true?): radicals, Min/Max, Abs (each in z3's fragment)
    ("AM-GM with sqrt", (x + y) / 2 - sympy.sqrt(x * y), {x: (0, 4), y: (0, 4)}, True),
    ("cube root below its tangent", 1 + x / 3 - (1 + x) ** R(1, 3), {x: (0, 8)}, True),
    ("x sqrt(y) <= (x^2 + y)/2", (x**2 + y) / 2 - x * sympy.sqrt(y), {x: (0, 2), y: (0, 2)}, True),
    ("sqrt(2 (x^2 + 1)) >= x + 1", sympy.sqrt(x**2 + 1) - (x + 1) / sympy.sqrt(2), {x: (-3, 3)}, True),
    ("sqrt(x) - x - 1/5", sympy.sqrt(x) - x - R(1, 5), {x: (0, 1)}, False),
    ("Max - Min = abs(x - y)", sympy.Max(x, y) - sympy.Min(x, y) - sympy.Abs(x - y) + R(1, 10**6),
     {x: (-1, 1), y: (-1, 1)}, True),
    ("hinge sum", sympy.Max(0, 1 - x) + sympy.Max(0, 1 + x) - 2, {x: (-2, 2)}, True),
    ("ramp sum", sympy.Min(1, sympy.Max(0, (1 - x) / 2)) + sympy.Min(1, sympy.Max(0, (1 + x) / 2)) - 1,
     {x: (-3, 3)}, True),
    ("Min/Max wrong", sympy.Min(x, 1 - x) - sympy.Max(x * y, R(1, 3)) + R(1, 10), {x: (0, 1), y: (0, 1)}, False),
    ("triangle abs(x) + abs(y) >= abs(x + y)", sympy.Abs(x) + sympy.Abs(y) - sympy.Abs(x + y),
     {x: (-2, 2), y: (-2, 2)}, True),
    ("abs(x - 1/3) + abs(y) wrong", sympy.Abs(x - R(1, 3)) + sympy.Abs(y) - R(1, 1000), {x: (0, 1), y: (-1, 1)}, False),
    ("abs(x) sqrt(x^2 + 1) >= x^2", sympy.Abs(x) * sympy.sqrt(x**2 + 1) - x**2, {x: (-2, 2)}, True),
]


def z3_fragment_alone(expr: sympy.Expr, domain: dict) -> tuple[str, float]:
    """z3 alone on the fragment (:func:`paper_checks.prover.algebraic.fragment.decide`, no verification), and its
    seconds."""
    t = time.perf_counter()
    syms = list(domain)
    box = [(Fraction(str(lo)), Fraction(str(hi))) for lo, hi in domain.values()]
    res, _ = fragment.decide(expr, syms, box, [], 20000)
    return ({"unsat": "proved", "sat": "counterexample"}.get(res, res)), time.perf_counter() - t


def fragment_table(reps: int, seconds: float) -> None:
    """The prover (z3 first) against z3 alone on z3's fragment: polynomials, radicals, Min/Max, Abs; medians."""
    print("| case | answer | prover | s | z3 alone | s | prover / z3 |")
    print("|---|---|---|---|---|---|---|")
    ratios, t_prover, t_z3, right = [], [], [], 0
    for name, expr, dom, true in CASES + FRAGMENT:
        want = "proved" if true else "counterexample"
        now, t_now = best(lambda: prove_expr(expr, dom, seconds=seconds).outcome, reps)
        zres, t_z = min((z3_fragment_alone(expr, dom) for _ in range(reps)), key=lambda r: r[1])
        right += now == want
        ratios.append(t_now / t_z)
        t_prover.append(t_now)
        t_z3.append(t_z)
        print(f"| {name} | {want} | {now} | {t_now:.3f} | {zres} | {t_z:.4f} | {t_now / t_z:.1f}x |")
    n = len(ratios)
    print(f"\nright: prover {right}/{n}; median s: prover {statistics.median(t_prover):.3f}, z3 alone "
          f"{statistics.median(t_z3):.4f}; prover / z3 median {statistics.median(ratios):.1f}x, max {max(ratios):.1f}x")


def best(fn, reps: int) -> tuple[str, float]:
    out, secs = "", float("inf")
    for _ in range(reps):
        t = time.perf_counter()
        out = fn()
        secs = min(secs, time.perf_counter() - t)
    return out, secs


def _prove_child(conn: object, margin: sympy.Expr, domain: dict, seconds: float) -> None:
    try:
        res = prove_expr(margin, domain, budget=10**6, seconds=seconds)  # the time limit binds, not the boxes
        conn.send((res.outcome, (res.reason or "")[:160]))
    except Exception as exc:  # noqa: BLE001  (a benchmark row says what happened)
        conn.send(("error", f"{type(exc).__name__}: {exc}"[:160]))


def prove_isolated(margin: sympy.Expr, domain: dict, seconds: float) -> tuple[str, str, float]:
    """``prove_expr`` in a child process, ended 15 s past ``seconds``: ``(outcome, reason, seconds taken)``."""
    ctx = multiprocessing.get_context("fork")
    here, there = ctx.Pipe(duplex=False)
    t = time.perf_counter()
    proc = ctx.Process(target=_prove_child, args=(there, margin, domain, seconds), daemon=True)
    proc.start()
    out = ("ran past its limit", f"no answer within {seconds + 15:g} s")
    if here.poll(seconds + 15):
        out = here.recv()
    proc.kill()
    proc.join()
    return out[0], out[1], time.perf_counter() - t


def _counted_child(conn: object, margin: sympy.Expr, domain: dict, work: float, seconds: float) -> None:
    try:
        res = prove_expr(margin, domain, budget=10**6, seconds=seconds, work=work)
        route = [k for k, c in res.counters.items() if c["boxes_closed"] or c["pieces_closed"]]
        conn.send({"outcome": res.outcome.value, "route": route, "work": res.work, "boxes": res.boxes,
                   "counters": res.counters, "reason": (res.reason or "")[:160]})
    except Exception as exc:  # noqa: BLE001  (a benchmark row says what happened)
        conn.send({"outcome": "error", "route": [], "work": 0.0, "boxes": 0, "counters": {},
                   "reason": f"{type(exc).__name__}: {exc}"[:160]})


def sets() -> dict[str, list]:
    """Every set of cases ``--set`` runs: the held-out set of :mod:`benchmarks.prover_sets`, the polynomial cases
    beside z3 (:data:`CASES`) and z3's fragment (:data:`FRAGMENT`)."""
    from benchmarks.prover_sets import HELD_OUT

    return {"held-out": HELD_OUT, "polynomial": CASES, "fragment": FRAGMENT}


def held_out_table(work: float, seconds: float, out: str | None, name: str = "held-out") -> None:
    """One set of :func:`sets` (module docstring): one row a case, then the per-closure counters over the set."""
    from paper_checks.prover.process import warm_up

    HELD_OUT = sets()[name]

    warm_up()  # once, here: each case's child starts from a process whose one-time set-up is done
    ctx = multiprocessing.get_context("fork")
    rows, total, right = {}, defaultdict(Counter), 0
    print(f"work budget {work:g} units, wall-clock net {seconds:g} s\n")
    print("| case | answer | outcome | route | work | boxes | s |\n|---|---|---|---|---|---|---|")
    for name, margin, domain, answer in HELD_OUT:
        here, there = ctx.Pipe(duplex=False)
        t0 = time.perf_counter()
        proc = ctx.Process(target=_counted_child, args=(there, margin, domain, work, seconds), daemon=True)
        proc.start()
        row = {"outcome": "ran past its net", "route": [], "work": 0.0, "boxes": 0, "counters": {}, "reason": ""}
        if here.poll(seconds + 15):
            row = here.recv()
        proc.kill()
        proc.join()
        row["seconds"] = round(time.perf_counter() - t0, 2)
        rows[name] = row
        want = "proved" if answer else "counterexample"
        right += row["outcome"] == want
        wrong = (row["outcome"] == "proved" and not answer) or (row["outcome"] == "counterexample" and answer)
        for k, c in row["counters"].items():
            total[k].update(c)
        print(f"| {name} | {want} | {row['outcome']}{' **WRONG**' if wrong else ''} | {', '.join(row['route'])} | "
              f"{row['work']:.3f} | {row['boxes']} | {row['seconds']:.2f} |", flush=True)
    print(f"\nright: {right}/{len(HELD_OUT)}; true proved: "
          f"{sum(rows[n]['outcome'] == 'proved' for n, *_, a in HELD_OUT if a)}/{sum(a for *_, a in HELD_OUT)}")
    print("\n| closure | calls | work | boxes closed | pieces closed |\n|---|---|---|---|---|")
    for k, c in sorted(total.items(), key=lambda kc: -kc[1]["work"]):
        print(f"| {k} | {c['calls']} | {c['work']:.3f} | {c['boxes_closed']} | {c['pieces_closed']} |")
    if out:
        with open(out, "w") as f:
            json.dump({"work": work, "seconds": seconds, "rows": rows}, f, indent=1)


def compare(a: str, b: str) -> int:
    """Which cases of two ``--json`` files differ in outcome, route or work (0: none)."""
    with open(a) as f:
        ra = json.load(f)["rows"]
    with open(b) as f:
        rb = json.load(f)["rows"]
    differ, keys, drift = 0, ("outcome", "route", "boxes"), []
    for name in ra:
        x_, y_ = ra[name], rb.get(name, {})
        same = all(x_.get(k) == y_.get(k) for k in keys)
        differ += not same
        if not same:
            print(f"{name}: {[(k, x_.get(k), y_.get(k)) for k in keys if x_.get(k) != y_.get(k)]}")
        if x_.get("work") and y_.get("work"):
            drift.append((abs(x_["work"] - y_["work"]) / max(x_["work"], y_["work"]), name))
    print(f"{len(ra) - differ}/{len(ra)} cases the same (outcome, route, boxes)")
    if drift:
        most = max(drift)
        print(f"work: the same in {sum(d == 0 for d, _ in drift)}/{len(drift)} cases; the largest difference "
              f"{100 * most[0]:.1f} % ({most[1]})")
    return differ


def _corpus_child(conn: Any, cases: list[tuple[sympy.Expr, dict, list]], work: float, seconds: float,
                  exact_first: bool = True) -> None:
    """One problem in a fresh child: every margin of every case proved at ``work`` (counters summed), stopping at the
    first that is not proved; ``exact_first=False``: the boxes and sweeps alone, on the margin as written."""
    import inspect

    total: dict[str, Counter] = defaultdict(Counter)
    spent, boxes, row = 0.0, 0, {"outcome": "proved", "reason": ""}
    takes = "constraints" in inspect.signature(prove_expr).parameters
    try:
        for margin, domain, constraints in cases:
            if constraints and not takes:
                row = {"outcome": "not run", "reason": "prove_expr takes no constraints"}
                break
            kw = {"constraints": constraints} if constraints else {}
            res = prove_expr(margin, domain, budget=10**6, seconds=seconds, work=work, exact_first=exact_first, **kw)
            spent += res.work
            boxes += res.boxes
            for k, c in res.counters.items():
                total[k].update(c)
            if res.outcome != "proved":
                row = {"outcome": res.outcome.value, "reason": (res.reason or "")[:300]}
                if res.counterexample:
                    row["counterexample"] = {str(k): str(v) for k, v in res.counterexample.items()}
                break
    except Exception as exc:  # noqa: BLE001  (a benchmark row says what happened)
        row = {"outcome": "error", "reason": f"{type(exc).__name__}: {exc}"[:300]}
    route = sorted(k for k, c in total.items() if c["boxes_closed"] or c["pieces_closed"])
    conn.send({**row, "work": round(spent, 4), "boxes": boxes, "route": route,
               "counters": {k: dict(c) for k, c in total.items()}})


def corpus_rows(problems: list[tuple[str, Any]], work: float, seconds: float, jobs: int, rows: dict[str, dict],
                out: str | None, exact_first: bool = True) -> dict[str, dict]:
    """Each problem of ``problems`` not yet in ``rows``, in a fresh child (``jobs`` at a time) at ``work`` units under a
    wall-clock net of ``seconds`` (the child is ended 15 s after it); ``rows`` kept in ``out`` as they come;
    ``exact_first``: :func:`~paper_checks.prover.prove.prove`'s."""
    from paper_checks.prover.process import warm_up

    warm_up()  # once, here: each child starts from a process whose one-time set-up is done
    ctx = multiprocessing.get_context("fork")
    todo = [(n, p) for n, p in problems if n not in rows]
    running: list[tuple[str, Any, Any, float, Any]] = []
    done = 0
    while todo or running:
        while todo and len(running) < jobs:
            name, p = todo.pop(0)
            if p.vacuous:
                rows[name] = {"outcome": "vacuous", "reason": p.vacuous, "work": 0.0, "boxes": 0, "route": [],
                              "counters": {}, "seconds": 0.0}
                continue
            cases = [(c.margin, c.domain, c.constraints) for c in (p.cases or [p])]
            here, there = ctx.Pipe(duplex=False)
            proc = ctx.Process(target=_corpus_child, args=(there, cases, work, seconds, exact_first), daemon=True)
            proc.start()
            running.append((name, proc, here, time.perf_counter(), p))
        if not running:
            continue
        multiprocessing.connection.wait([r[2] for r in running] + [r[1].sentinel for r in running], timeout=1.0)
        for item in list(running):
            name, proc, here, t0, p = item
            row = None
            if here.poll():
                row = here.recv()
            elif not proc.is_alive():
                row = {"outcome": "crashed", "reason": f"exit code {proc.exitcode}"}
            elif time.perf_counter() - t0 > seconds * len(p.cases or [p]) + 15:
                row = {"outcome": "ran past its net", "reason": f"no answer within {seconds:g} s a case + 15 s"}
            if row is None:
                continue
            proc.kill()
            proc.join()
            running.remove(item)
            row.setdefault("work", 0.0)
            row.setdefault("route", [])
            row.setdefault("counters", {})
            row.update(seconds=round(time.perf_counter() - t0, 2), klass=p.klass, kind=p.kind, strict=p.strict)
            rows[name] = row
            done += 1
            print(f"[{done}/{len(problems)}] {name}: {row['outcome']} work {row['work']:.3f} "
                  f"{row['seconds']:.1f} s {'' if row['outcome'] == 'proved' else row.get('reason', '')[:100]}",
                  flush=True)
            if out and done % 10 == 0:
                _keep(out, work, seconds, rows)
    if out:
        _keep(out, work, seconds, rows)
    return rows


def _keep(out: str, work: float, seconds: float, rows: dict[str, dict]) -> None:
    with open(out + ".part", "w") as f:
        json.dump({"work": work, "seconds": seconds, "rows": rows}, f, indent=1, sort_keys=True)
    import os

    os.replace(out + ".part", out)


def corpus_table(rows: dict[str, dict], read: list[tuple[str, Any]]) -> str:
    """The table of a corpus run (markdown): in scope, proved, counterexample (each a finding to check: the corpus
    holds theorems), undecided, by function class and by the kind of the problem's domain; then the closures."""
    from benchmarks.metitarski import Problem

    scope = {n for n, p in read if isinstance(p, Problem)}
    lines = [f"{len(read)} files; {len(scope)} in scope; out of scope: "
             f"{dict(Counter(p.split(':', 1)[1].strip() for n, p in read if n not in scope))}", ""]
    for by in ("klass", "kind"):
        groups_: dict[str, Counter] = defaultdict(Counter)
        for r in rows.values():
            groups_[r.get("klass", "?") if by == "klass" else r.get("kind", "?")][r["outcome"]] += 1
        head = "function" if by == "klass" else "domain"
        lines += [f"| {head} | run | proved | counterexample | undecided | other |", "|---|---|---|---|---|---|"]
        total: Counter = Counter()
        for g, c in sorted(groups_.items()) + [("all", None)]:
            c = total if c is None else c
            if g != "all":
                total.update(c)
            n = sum(c.values())
            other = n - c["proved"] - c["counterexample"] - c["undecided"]
            lines.append(f"| {g} | {n} | {c['proved']} | {c['counterexample']} | {c['undecided']} | {other} |")
        lines.append("")
    closures: dict[str, Counter] = defaultdict(Counter)
    proofs: Counter = Counter()
    for r in rows.values():
        for k, c in r.get("counters", {}).items():
            closures[k].update(c)
        if r["outcome"] == "proved":
            proofs.update(r.get("route", []))
    lines += ["| closure | calls | work | boxes closed | pieces closed | proofs it took part in |",
              "|---|---|---|---|---|---|"]
    for k, c in sorted(closures.items(), key=lambda kc: -kc[1]["work"]):
        lines.append(f"| {k} | {c['calls']} | {c['work']:.1f} | {c['boxes_closed']} | {c['pieces_closed']} | "
                     f"{proofs[k]} |")
    return "\n".join(lines)


def monotone(path: str, seconds: float, name: str) -> int:
    """Issue 69's check that a budget only adds: each case proved in the ``--set`` run kept in ``path`` (at any budget,
    24 units in the issue) with work ``w`` is run again at ``max(2 w, 1)``; the cases not proved there are printed.
    Returns how many."""
    with open(path) as f:
        rows = json.load(f)["rows"]
    ctx = multiprocessing.get_context("fork")
    lost = 0
    print("| case | work at the first budget | budget again | outcome |\n|---|---|---|---|")
    for case, margin, domain, _ in sets()[name]:
        first = rows.get(case)
        if not first or first["outcome"] != "proved":
            continue
        budget = max(2 * first["work"], 1.0)
        here, there = ctx.Pipe(duplex=False)
        proc = ctx.Process(target=_counted_child, args=(there, margin, domain, budget, seconds), daemon=True)
        proc.start()
        row = here.recv() if here.poll(seconds + 15) else {"outcome": "ran past its net"}
        proc.kill()
        proc.join()
        lost += row["outcome"] != "proved"
        print(f"| {case} | {first['work']:.3f} | {budget:.3f} | {row['outcome']} |", flush=True)
    print(f"\n{lost} proved case(s) not proved again at max(2 w, 1)")
    return lost


def metitarski_table(directory: str, sample: int, seed: int, seconds: float, work: float = 3.75, jobs: int = 1,
                     out: str | None = None, only: str | None = None, names: str | None = None,
                     exact_first: bool = True) -> dict[str, dict]:
    """The table over MetiTarski's problems (module docstring): every problem in scope, or a seeded sample of
    ``sample`` of them (0: all); rows resumed from ``out`` where it exists; ``only``: the names holding this text;
    ``names``: a file of problem file names, one a line (the undecided of an earlier run), the only ones run;
    ``exact_first=False``: the boxes and sweeps alone (``--as-written``)."""
    from benchmarks.metitarski import Problem, read_dir

    read = read_dir(directory)
    listed = None if names is None else set(Path(names).read_text().split())
    ok = [(n, p) for n, p in read if isinstance(p, Problem) and (only is None or only in n)
          and (listed is None or n in listed)]
    chosen = sorted(random.Random(seed).sample(ok, sample), key=lambda np: np[0]) if 0 < sample < len(ok) else ok
    rows: dict[str, dict] = {}
    if out:
        try:
            with open(out) as f:
                kept = json.load(f)
            if kept.get("work") == work:
                rows = {n: r for n, r in kept["rows"].items() if n in dict(chosen)}
        except FileNotFoundError:
            pass
    print(f"work {work:g} units a problem, a net of {seconds:g} s a case; {len(chosen)} problems, {len(rows)} kept")
    rows = corpus_rows(chosen, work, seconds, jobs, rows, out, exact_first)
    print(corpus_table(rows, read))
    return rows


def main() -> None:
    from paper_checks.__main__ import fix_hash_seed

    fix_hash_seed()  # the command line's one hash seed (PAPER_CHECKS_HASH_SEED=keep measures the interpreter's own)
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--reps", type=int, default=3)
    ap.add_argument("--seconds", type=float, default=20.0, help="time limit of the prover per case")
    ap.add_argument("--table", choices=("polynomial", "fragment"), default="polynomial",
                    help="polynomial: the prover before and after issue 28 beside z3; fragment: the prover against "
                         "z3 alone on its fragment (issue 36)")
    ap.add_argument("--metitarski", metavar="DIR", help="MetiTarski's tptp/Problems folder: the table over it")
    ap.add_argument("--sample", type=int, default=0, help="problems in the seeded sample (--metitarski; 0: all)")
    ap.add_argument("--jobs", type=int, default=1, help="problems proved at once, each in its own child (--metitarski)")
    ap.add_argument("--only", help="only the problems whose file name holds this text (--metitarski)")
    ap.add_argument("--names", metavar="FILE", help="only the problems named in FILE, one file name a line "
                                                    "(--metitarski)")
    ap.add_argument("--as-written", action="store_true",
                    help="the boxes and sweeps alone on the margin as written, no exact stage (--metitarski): what "
                         "the general method proves where the exact stage's closures leave it little")
    ap.add_argument("--seed", type=int, default=2026, help="seed of the sample (--metitarski)")
    ap.add_argument("--set", choices=("held-out", "polynomial", "fragment"),
                    help="a set of cases at a work budget, with per-closure counters: the held-out set of "
                         "benchmarks/prover_sets.py, the polynomial cases, z3's fragment")
    ap.add_argument("--work", type=float, default=PROVE_WORK["standard"],
                    help="work budget per case (--set, --metitarski; default the standard precision's)")
    ap.add_argument("--json", metavar="FILE", help="keep the rows of --set in FILE")
    ap.add_argument("--compare", nargs=2, metavar=("A", "B"), help="compare two --json files")
    ap.add_argument("--monotone", metavar="FILE",
                    help="a --set run's --json FILE: prove each of its proved cases again at max(2 w, 1) units")
    a = ap.parse_args()
    if a.compare:
        raise SystemExit(1 if compare(*a.compare) else 0)
    if a.monotone:
        raise SystemExit(1 if monotone(a.monotone, a.seconds, a.set or "held-out") else 0)
    if a.set:
        held_out_table(a.work, a.seconds, a.json, a.set)
        return
    if a.metitarski:
        metitarski_table(a.metitarski, a.sample, a.seed, a.seconds, a.work, a.jobs, a.json, a.only, a.names,
                         not a.as_written)
        return
    if a.table == "fragment":
        fragment_table(a.reps, a.seconds)
        return
    print("| case | answer | prover now | s | boxes only (before) | s | z3 alone | s | prover / z3 |")
    print("|---|---|---|---|---|---|---|---|---|")
    ratios, right_now, right_before = [], 0, 0
    for name, expr, dom, true in CASES:
        want = "proved" if true else "counterexample"
        now, t_now = best(lambda: prove_expr(expr, dom, seconds=a.seconds).outcome, a.reps)
        before, t_before = best(lambda: prove_expr(expr, dom, seconds=a.seconds, exact_first=False).outcome, 1)
        zres, t_z = min((z3_alone(expr, dom) for _ in range(a.reps)), key=lambda r: r[1])
        right_now += now == want
        right_before += before == want
        ratios.append(t_now / t_z)
        print(f"| {name} | {want} | {now} | {t_now:.3f} | {before} | {t_before:.2f} | {zres} | {t_z:.4f} | "
              f"{t_now / t_z:.1f}x |")
    ratios.sort()
    print(f"\nright: prover now {right_now}/{len(CASES)}, boxes only {right_before}/{len(CASES)}; "
          f"prover / z3 median {ratios[len(ratios) // 2]:.1f}x, max {ratios[-1]:.1f}x")


if __name__ == "__main__":
    main()
