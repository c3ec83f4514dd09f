"""Seed stability: run the stochastic claims over several global seeds and tabulate their verdicts.

A verdict drawn from simulations or Monte Carlo is a random variable; this module runs each
such claim (method ``sim`` or ``mc`` unless ids are given) once per seed and reports, per
claim, how often each verdict came out and the spread of its main effect. A claim whose
verdict is not the same on every seed is flagged ``UNSTABLE``.

The main effect of a claim is the first ``{"mean", "stderr"}`` pair met in a depth-first
walk of its ``numbers`` (the order the check wrote them in), or a number the check names
``main_effect``; claims without one show none.
"""
from __future__ import annotations

import json
import re
from collections import Counter
from concurrent.futures import Executor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Iterable

from label_noise_lab.simulate.engine.devices import Backend
from paper_checks.files import atomic_write, is_special, read_json_file
from paper_checks.registry import Claim, load
from paper_checks.run.isolation import stop_status
from paper_checks.run.memory import worker_limit
from paper_checks.run.runner import ERROR, Failure, claim_task, run_tasks

STOCHASTIC_METHODS = ("sim", "mc")
#: the most seeds one stability run takes (each is a run of every claim)
MAX_SEEDS = 10_000


def parse_seeds(text: str) -> list[int]:
    """``"0..9"`` -> 0, 1, ..., 9; ``"0,3,5"`` -> 0, 3, 5; ``"0..3,7"`` mixes both.

    Raises ``ValueError`` quoting the text for anything else (negative seeds, empty ranges, more
    than :data:`MAX_SEEDS` seeds: counted before any list is built).
    """
    seeds: list[int] = []
    if len(text) > 10_000:
        raise ValueError(f"cannot read seeds {text[:40]!r}...: longer than 10000 characters")
    for part in text.split(","):
        part = part.strip()
        m = re.fullmatch(r"(\d{1,30})\.\.(\d{1,30})", part)
        if m:
            a, b = int(m.group(1)), int(m.group(2))
            if b < a:
                raise ValueError(f"empty seed range {part!r} in {text!r}")
            if len(seeds) + b - a + 1 > MAX_SEEDS:
                raise ValueError(f"seeds {text!r} are {len(seeds) + b - a + 1} seeds; at most {MAX_SEEDS}")
            seeds.extend(range(a, b + 1))
        elif re.fullmatch(r"\d{1,30}", part):
            if len(seeds) + 1 > MAX_SEEDS:
                raise ValueError(f"seeds {text!r} are more than {MAX_SEEDS} seeds")
            seeds.append(int(part))
        else:
            raise ValueError(f"cannot read seeds {text!r}: use e.g. '0..9' or '0,3,5'")
    if len(set(seeds)) != len(seeds):
        raise ValueError(f"seeds repeat in {text!r}")
    return seeds


def stochastic_claims(ids: Iterable[str] | None = None, papers: Iterable[str] = ()) -> list[Claim]:
    """The claims given by id, or every registered claim whose method is ``sim`` or ``mc`` (of ``papers``
    when given)."""
    reg = load()
    ids = list(ids or [])
    papers = list(papers)
    for i in ids:
        if i not in reg:
            raise ValueError(f"unknown claim id {i!r}; 'python -m paper_checks list' shows them")
    known = {c.paper for c in reg.values()}
    for p in papers:
        if p not in known:
            raise ValueError(f"unknown paper {p!r}; known: {', '.join(sorted(known))}")
    if ids:
        return [reg[i] for i in ids if not papers or reg[i].paper in papers]
    return [c for c in reg.values() if c.method in STOCHASTIC_METHODS and (not papers or c.paper in papers)]


def main_effect(numbers: Any, path: str = "") -> tuple[str, float, float] | None:
    """``(path, mean, stderr)`` of the first estimate in ``numbers`` (see the module docstring)."""
    if isinstance(numbers, dict):
        if "main_effect" in numbers and isinstance(numbers["main_effect"], dict):
            found = main_effect(numbers["main_effect"], f"{path}/main_effect" if path else "main_effect")
            if found:
                return found
        m, s = numbers.get("mean"), numbers.get("stderr")
        if isinstance(m, (int, float)) and isinstance(s, (int, float)) and not isinstance(m, bool):
            return path, float(m), float(s)
        for k, v in numbers.items():
            found = main_effect(v, f"{path}/{k}" if path else str(k))
            if found:
                return found
    elif isinstance(numbers, list):
        for i, v in enumerate(numbers):
            found = main_effect(v, f"{path}[{i}]")
            if found:
                return found
    return None


@dataclass
class ClaimStability:
    """One claim's verdicts and main effects over the seeds."""

    id: str
    expected: str
    verdicts: dict[int, str] = field(default_factory=dict)
    effects: dict[int, tuple[str, float, float] | None] = field(default_factory=dict)
    seconds: float = 0.0

    @property
    def counts(self) -> Counter:
        return Counter(self.verdicts.values())

    @property
    def stable(self) -> bool:
        return len(self.counts) == 1

    def effect_spread(self) -> dict[str, Any] | None:
        """Name, min, max, mean and sd (over seeds) of the main effect, and the largest stderr."""
        vals = [e for e in self.effects.values() if e is not None]
        if not vals:
            return None
        names = Counter(v[0] for v in vals)
        name = names.most_common(1)[0][0]
        xs = [v[1] for v in vals if v[0] == name]
        n = len(xs)
        mean = sum(xs) / n
        sd = (sum((x - mean) ** 2 for x in xs) / (n - 1)) ** 0.5 if n > 1 else 0.0
        return {"name": name, "seeds": n, "min": min(xs), "max": max(xs), "mean": mean, "sd_over_seeds": sd,
                "largest_stderr": max(v[2] for v in vals if v[0] == name)}

    def to_json(self) -> dict[str, Any]:
        return {"id": self.id, "expected": self.expected, "stable": self.stable,
                "verdict_counts": dict(self.counts), "verdicts": {str(k): v for k, v in self.verdicts.items()},
                "main_effect": self.effect_spread(), "seconds": round(self.seconds, 1)}


class StabilityInterrupted(KeyboardInterrupt):
    """A stop (Ctrl-C, SIGTERM, SIGHUP) during :func:`run_stability`: ``rows`` hold the runs that finished
    (each row's ``verdicts`` only for its finished seeds), ``signum`` the signal."""

    def __init__(self, rows: list[ClaimStability], signum: int) -> None:
        super().__init__()
        self.rows, self.signum = rows, signum


def run_stability(claims: list[Claim], seeds: list[int], precision: str, backend: Backend,
                  on_result: Callable[[ClaimStability, int], None] | None = None, *,
                  jobs: int = 1, executor: Executor | None = None,
                  timeout: float | None = None, memory: int | str | None = "auto") -> list[ClaimStability]:
    """Run every claim once per seed; ``on_result(row, seed)`` after each run, in the order they finish.

    ``jobs``, ``executor``, ``timeout`` (seconds per run) and ``memory`` (one over either is an ``error`` verdict)
    are those of :func:`paper_checks.run.runner.run_all`: the (claim, seed) runs are independent, so
    they spread over worker processes or a Dask cluster, and the table is the same for any of
    these apart from the timings.

    Raises
    ------
    StabilityInterrupted
        On a stop, with the runs that finished (claims without any finished run left out).
    """
    rows = [ClaimStability(c.id, c.expected) for c in claims]
    pairs = [(k, s) for k in range(len(claims)) for s in seeds]
    tasks = [(claims[k], precision, s, backend.name) for k, s in pairs]
    pooled = executor is None and (jobs > 1 or timeout is not None or memory not in ("auto", None))
    limit = worker_limit(memory, max(1, min(jobs, len(tasks)))) if pooled else None  # as run_all

    def done(i: int, out: Any) -> None:
        k, s = pairs[i]
        cs = rows[k]
        if isinstance(out, Failure):
            ev, seconds = None, 0.0
        else:
            ev, seconds = out[0], out[1]
        cs.verdicts[s] = ev.verdict if ev is not None else ERROR
        cs.effects[s] = main_effect(ev.numbers) if ev is not None else None
        cs.seconds += seconds
        if on_result is not None:
            on_result(cs, s)

    try:
        run_tasks(claim_task, tasks, jobs=jobs, executor=executor, done=done, spawn=backend.name != "numpy",
                  timeout=timeout, memory=limit)
    except KeyboardInterrupt as exc:
        _in_seed_order(rows, seeds)
        raise StabilityInterrupted([r for r in rows if r.verdicts], stop_status(exc) - 128) from None
    _in_seed_order(rows, seeds)
    return rows


def _in_seed_order(rows: list[ClaimStability], seeds: list[int]) -> None:
    """Each row's seeds in the order asked (those that finished), whatever order the runs finished in."""
    for cs in rows:
        cs.verdicts = {s: cs.verdicts[s] for s in seeds if s in cs.verdicts}
        cs.effects = {s: cs.effects[s] for s in seeds if s in cs.effects}


def _fmt(x: float) -> str:
    return f"{x:.3g}"


def markdown(rows: list[ClaimStability], seeds: list[int], precision: str, backend: str,
             stopped: str | None = None) -> str:
    """A table: claim, recorded verdict, verdict counts, stable or UNSTABLE, the main effect's spread.

    ``stopped`` (why the run stopped early) marks the table INCOMPLETE: its rows hold the seeds that finished.
    """
    head = [f"**INCOMPLETE** ({stopped}): the rows hold the runs that finished.", ""] if stopped else []
    lines = [*head, f"Seeds {_seed_text(seeds)} at `{precision}` precision, backend `{backend}`.", "",
             "| claim | recorded | verdicts over the seeds | stable "
             "| main effect: min .. max (sd over seeds; largest s.e.) |",
             "|---|---|---|---|---|"]
    for r in rows:
        counts = ", ".join(f"{v} {n}/{len(r.verdicts)}" for v, n in r.counts.most_common())
        sp = r.effect_spread()
        eff = (f"`{sp['name']}`: {_fmt(sp['min'])} .. {_fmt(sp['max'])} (sd {_fmt(sp['sd_over_seeds'])}; "
               f"s.e. <= {_fmt(sp['largest_stderr'])})" if sp else "none reported")
        lines.append(f"| `{r.id}` | {r.expected} | {counts} | {'yes' if r.stable else '**UNSTABLE**'} | {eff} |")
    bad = [r.id for r in rows if not r.stable]
    lines += ["", f"{len(rows) - len(bad)} of {len(rows)} claims gave one verdict on every seed"
              + (f"; unstable: {', '.join(bad)}." if bad else ".")]
    return "\n".join(lines)


def _seed_text(seeds: list[int]) -> str:
    """The seeds, as ``0..9999`` where they are one long run of consecutive integers."""
    if len(seeds) > 10 and seeds == list(range(seeds[0], seeds[0] + len(seeds))):
        return f"{seeds[0]}..{seeds[-1]}"
    return ", ".join(map(str, seeds))


def write_json(rows: list[ClaimStability], seeds: list[int], precision: str, backend: str, path: Path,
               stopped: str | None = None) -> None:
    """The table as JSON at ``path``, written whole (:func:`~paper_checks.files.atomic_write`); ``complete`` is
    false and ``stopped`` says why when the run stopped early."""
    doc = {"seeds": seeds, "precision": precision, "backend": backend, "claims": [r.to_json() for r in rows]}
    if stopped:
        doc.update(complete=False, stopped=stopped)
    write_text(path, json.dumps(doc, indent=1) + "\n")


def write_text(path: Path, text: str) -> None:
    """``text`` at ``path`` (its folder made), written whole; a device or FIFO is written through."""
    if not is_special(path):
        path.parent.mkdir(parents=True, exist_ok=True)
    atomic_write(path, text)


def from_json(entry: dict[str, Any]) -> ClaimStability:
    """A :class:`ClaimStability` back from :meth:`ClaimStability.to_json` (the per-seed effects are not
    stored, so the main effect's spread is carried over as recorded)."""
    cs = _RecordedStability(entry["id"], entry["expected"], {int(k): v for k, v in entry["verdicts"].items()},
                            {}, float(entry.get("seconds", 0.0)))
    cs.recorded_spread = entry.get("main_effect")
    return cs


@dataclass
class _RecordedStability(ClaimStability):
    recorded_spread: dict[str, Any] | None = None

    def effect_spread(self) -> dict[str, Any] | None:
        return self.recorded_spread


def merge_json(paths: list[Path], order: list[str] | None = None) -> tuple[list[ClaimStability], list[int], str, str]:
    """Combine the JSON tables of several runs (disjoint claims, same seeds and precision) into one list of rows,
    in ``order`` (claim ids) when given. Raises ``ValueError`` when the runs disagree on seeds or precision, or
    repeat a claim."""
    rows: dict[str, ClaimStability] = {}
    meta = None
    for p in paths:
        doc = read_json_file(Path(p))
        if not isinstance(doc, dict):
            raise ValueError(f"{str(p)!r} is not a stability table")
        m = (doc["seeds"], doc["precision"], doc["backend"])
        if meta is not None and m != meta:
            raise ValueError(f"{str(p)!r} was run with seeds/precision/backend {m}, the others with {meta}")
        meta = m
        for e in doc["claims"]:
            if e["id"] in rows:
                raise ValueError(f"claim {e['id']!r} appears in more than one table")
            rows[e["id"]] = from_json(e)
    if meta is None:
        raise ValueError("no tables to merge")
    ids = [i for i in (order or []) if i in rows] + [i for i in rows if i not in (order or [])]
    return [rows[i] for i in ids], meta[0], meta[1], meta[2]
