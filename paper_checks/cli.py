"""The command line of ``paper_checks``.

Exit status: 0 when every verdict equals its recorded expectation, 1 when any differs,
2 for a usage error (one line on stderr, no traceback). ``explore``: 0 when no verified
counterexample was found, 1 when one was, 2 for a usage error, 3 when the margin raised at
most points (a broken margin, not a pass).
"""
from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

from paper_checks.context import PRECISIONS, Context
from simulate.backend import BACKENDS, get_backend


class UsageError(Exception):
    pass


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # one line, exit 2
        raise UsageError(message)


def _parser() -> argparse.ArgumentParser:
    p = _Parser(prog="python -m paper_checks", description="Put the claims of the label-noise papers on trial.")
    sub = p.add_subparsers(dest="command")
    r = sub.add_parser("run", help="run claims and write the report (the default command)")
    r.add_argument("--paper", action="append", default=[], help="run the claims of this paper (repeatable)")
    r.add_argument("--claim", nargs="+", action="extend", default=[], metavar="ID", help="run these claim ids")
    r.add_argument("--precision", default="standard", choices=PRECISIONS)
    r.add_argument("--backend", default=None, help="auto|numpy|cupy (default: $LNL_BACKEND or auto)")
    r.add_argument("--seed", type=int, default=0)
    r.add_argument("--json", type=Path, default=None, metavar="PATH", help="write the JSON report here")
    r.add_argument("--out", type=Path, default=Path("reports"), metavar="DIR", help="report directory (default: reports)")
    r.add_argument("--quiet", action="store_true", help="no progress bar")
    sub.add_parser("list", help="list the registered claims")
    _explore_parser(sub)
    return p


def _explore_parser(sub: Any) -> None:
    e = sub.add_parser("explore", help="counterexample search for one claim (exit 0: none found, 1: a verified one, "
                                       "2: usage error, 3: the margin raised at most points)")
    e.add_argument("id")
    e.add_argument("--budget", type=int, default=4000,
                   help="margin evaluations, sampling and polish together (default 4000; never exceeded)")
    e.add_argument("--seed", type=int, default=0)
    e.add_argument("--set", action="append", default=[], metavar="NAME=LOW..HIGH", dest="overrides",
                   help="narrow a Real or Integer parameter's declared domain, e.g. --set c=2..20 --set "
                        "q=0.5..1 (repeatable; c=5 fixes an integer)")
    e.add_argument("--json", type=Path, default=None, metavar="PATH", help="write the search result as JSON here")
    e.add_argument("--quiet", action="store_true", help="no progress bar")


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if not argv or argv[0].startswith("-") and argv[0] not in ("-h", "--help"):
        argv = ["run", *argv]
    try:
        args = _parser().parse_args(argv)
        if args.command == "list":
            return _list()
        if args.command == "explore":
            return _explore(args)
        return _run(args)
    except UsageError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2


def _run(args: argparse.Namespace) -> int:
    from paper_checks import report
    from paper_checks.registry import select
    from paper_checks.runner import run_all

    if args.backend is not None and args.backend not in BACKENDS:
        raise UsageError(f"unknown backend {args.backend!r}; choose one of {', '.join(BACKENDS)}")
    try:
        backend = get_backend(args.backend)
        claims = select(args.paper, args.claim)
    except ValueError as exc:
        raise UsageError(str(exc)) from None
    results = run_all(claims, args.precision, args.seed, backend, show_progress=not args.quiet)
    doc = report.to_json(results, backend=backend.name, seed=args.seed, precision=args.precision)
    jp, mp = report.write(doc, args.out, args.json)
    print(report.table(results))
    print(f"wrote {jp} and {mp}")
    return 0 if all(r.matches for r in results) else 1


def _list() -> int:
    from paper_checks.registry import load

    for c in load().values():
        tag = " (reconstructed)" if c.reconstructed else ""
        expl = " [explorable]" if c.space is not None else ""
        print(f"{c.id:<40} expected {c.expected:<12} {c.method:<8}{tag}{expl}")
    return 0


def _override(space: Any, specs: list[str]) -> tuple[Any, dict[str, str]]:
    """``space`` with the ``NAME=LOW..HIGH`` domain overrides applied (``UsageError`` on bad input)."""
    import dataclasses

    from paper_checks.search import Integer, Real

    params = {p.name: p for p in space.params}
    done: dict[str, str] = {}
    for spec in specs:
        name, sep, rng_ = spec.partition("=")
        name = name.strip()
        if not sep or not name:
            raise UsageError(f"--set expects NAME=LOW..HIGH, got {spec!r}")
        if name not in params:
            raise UsageError(f"--set {spec!r}: the search space has no parameter {name!r}; it has "
                             f"{', '.join(params)}")
        p = params[name]
        lo_s, dots, hi_s = rng_.partition("..")
        if not dots:
            lo_s = hi_s = rng_
        try:
            if isinstance(p, Integer):
                lo, hi = int(lo_s), int(hi_s)
            elif isinstance(p, Real):
                lo, hi = float(lo_s), float(hi_s)
            else:
                raise UsageError(f"--set {spec!r}: only Real and Integer parameters take a range, {name!r} is a "
                                 f"{type(p).__name__}")
        except ValueError:
            raise UsageError(f"--set {spec!r}: {rng_!r} is not a range LOW..HIGH of "
                             f"{'integers' if isinstance(p, Integer) else 'numbers'}") from None
        if lo < p.low or hi > p.high:  # the margin is only promised on the declared domain
            raise UsageError(f"--set {spec!r}: outside the declared domain [{p.low}, {p.high}] of {name!r}; "
                             "an override may only narrow it")
        try:
            if isinstance(p, Integer):
                new: Any = Integer(name, lo, hi)
            else:  # an open end stays open only where the override keeps it
                new = Real(name, lo, hi, open_low=p.open_low and lo == p.low, open_high=p.open_high and hi == p.high)
        except ValueError as exc:
            raise UsageError(f"--set {spec!r}: {exc}") from None
        params[name] = new
        done[name] = rng_
    return dataclasses.replace(space, params=tuple(params[p.name] for p in space.params)), done


def _explore(args: argparse.Namespace) -> int:
    from tqdm import tqdm

    from paper_checks.evidence import jsonable
    from paper_checks.registry import load
    from paper_checks.search import search

    claim_id, budget, seed = args.id, args.budget, args.seed
    reg = load()
    if claim_id not in reg:
        raise UsageError(f"unknown claim id {claim_id!r}; 'python -m paper_checks list' shows them")
    c = reg[claim_id]
    if c.space is None:
        explorable = ", ".join(k for k, v in reg.items() if v.space is not None)
        raise UsageError(f"claim {claim_id!r} declares no search domain; explorable claims: {explorable}")
    if budget < 10:
        raise UsageError(f"--budget must be at least 10, got {budget}")
    space, overrides = _override(c.space(), args.overrides)
    rng = Context(claim_id, seed=seed).rng(99)
    try:
        with tqdm(total=budget, desc=f"exploring {claim_id}", unit="eval", leave=False, disable=args.quiet) as bar:
            res = search(space, budget, rng, progress=bar.update)
    except ValueError as exc:  # e.g. an override that leaves no point satisfying the constraint
        raise UsageError(str(exc)) from None
    print(f"claim: {c.id}\nstatement: {c.statement}")
    if space.description:
        print(f"margin: {space.description} (negative where the claim fails)")
    if overrides:
        print("domain overrides: " + ", ".join(f"{k} = {v}" for k, v in overrides.items()))
    print(f"evaluated {res.evaluated} margins (budget {budget}); smallest floating-point margin {res.worst_margin:.6g}")
    if res.worst:
        print(f"worst case found (floating point): {json.dumps(jsonable(res.worst), default=str)}")
    for note in res.notes:
        print(f"note: {note}")
    if args.json is not None:
        doc = {"claim": c.id, "statement": c.statement, "margin": space.description, "seed": seed, "budget": budget,
               "overrides": overrides, "result": res.to_json()}
        try:
            args.json.parent.mkdir(parents=True, exist_ok=True)
            args.json.write_text(json.dumps(doc, indent=1, default=str) + "\n")
        except OSError as exc:
            raise UsageError(f"cannot write --json {str(args.json)!r}: {exc.strerror}") from None
        print(f"wrote {args.json}")
    if res.verified:
        print("=> counterexample, verified in exact arithmetic (shrunk):")
        for k, v in jsonable(res.counterexample).items():
            print(f"   {k} = {v}")
        print(f"   exact margin there: {res.exact_margin} = {res.exact_margin_value:.6g}")
        return 1
    if res.outcome == "raised":
        print(f"=> the margin raised at {res.raised} of {res.evaluated} points (first: {res.first_error})"
              + ("; most evaluations raised: the search is an error, not a pass" if res.error else ""))
        return 3 if res.error else 0
    if res.outcome == "unverified":
        print(f"=> no verified counterexample: the floating-point margin reached {res.worst_margin:.3g}, but no point "
              "could be verified in exact arithmetic (see the notes)")
        return 0
    print(f"=> no counterexample found within the budget (smallest margin {res.worst_margin:.3g})")
    return 0
