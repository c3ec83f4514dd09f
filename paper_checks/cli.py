"""The command line of ``paper_checks``.

Exit status: 0 when every verdict equals its recorded expectation, 1 when any differs,
2 for a usage error (one line on stderr, no traceback).
"""
from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

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
    e = sub.add_parser("explore", help="counterexample search for one claim")
    e.add_argument("id")
    e.add_argument("--budget", type=int, default=4000, help="margin evaluations (default 4000)")
    e.add_argument("--seed", type=int, default=0)
    _add_stability_parser(sub)
    _add_readme_parser(sub)
    return p


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if not argv or argv[0].startswith("-") and argv[0] not in ("-h", "--help"):
        argv = ["run", *argv]
    try:
        args = _parser().parse_args(argv)
        if args.command == "list":
            return _list()
        if args.command == "explore":
            return _explore(args.id, args.budget, args.seed)
        if args.command == "stability":
            return _stability(args)
        if args.command == "readme":
            return _readme(args)
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


def _explore(claim_id: str, budget: int, seed: int) -> int:
    from tqdm import tqdm

    from paper_checks.registry import load
    from paper_checks.search import search

    reg = load()
    if claim_id not in reg:
        raise UsageError(f"unknown claim id {claim_id!r}; 'python -m paper_checks list' shows them")
    c = reg[claim_id]
    if c.space is None:
        explorable = ", ".join(k for k, v in reg.items() if v.space is not None)
        raise UsageError(f"claim {claim_id!r} declares no search domain; explorable claims: {explorable}")
    if budget < 10:
        raise UsageError(f"--budget must be at least 10, got {budget}")
    space = c.space()
    rng = Context(claim_id, seed=seed).rng(99)
    with tqdm(total=int(budget * 0.7), desc=f"exploring {claim_id}", unit="pt", leave=False) as bar:
        res = search(space, budget, rng, progress=bar.update)
    print(f"claim: {c.id}\nstatement: {c.statement}")
    if space.description:
        print(f"margin: {space.description} (negative where the claim fails)")
    print(f"evaluated {res.evaluated} points")
    print("worst case found:")
    print(json.dumps(res.to_json(), indent=1, default=str))
    for note in res.notes:
        print(f"note: {note}")
    if res.verified:
        print("=> counterexample, verified in exact arithmetic")
    elif res.worst_margin < 0:
        exact = f" (exact margin there: {res.exact_margin})" if res.exact_margin is not None else ""
        print(f"=> no verified counterexample: the floating-point margin {res.worst_margin:.3g} is not negative "
              f"in exact arithmetic{exact}")
    else:
        print("=> no counterexample found within the budget")
    return 0


def _add_stability_parser(sub: argparse._SubParsersAction) -> None:
    s = sub.add_parser("stability", help="run the stochastic claims over several seeds; flag verdicts that change")
    s.add_argument("--seeds", default="0..9", help="seeds, e.g. 0..9 or 0,3,5 (default 0..9)")
    s.add_argument("--precision", default="standard", choices=PRECISIONS)
    s.add_argument("--claim", nargs="+", action="extend", default=[], metavar="ID",
                   help="these claims (default: every claim whose method is sim or mc)")
    s.add_argument("--backend", default=None, help="auto|numpy|cupy (default: $LNL_BACKEND or auto)")
    s.add_argument("--json", type=Path, default=None, metavar="PATH", help="also write the table as JSON here")
    s.add_argument("--md", type=Path, default=None, metavar="PATH",
                   help="also write the Markdown table here (rewritten after every claim)")
    s.add_argument("--merge", type=Path, nargs="+", default=None, metavar="JSON",
                   help="run nothing: combine the --json tables of earlier runs (disjoint claims) into one")


def _stability(args: argparse.Namespace) -> int:
    """Exit 0 when every claim gave one verdict on every seed, 1 otherwise."""
    from tqdm import tqdm

    from paper_checks import stability as st

    if args.merge:
        try:
            order = [c.id for c in st.stochastic_claims()]
            rows, seeds, precision, backend_name = st.merge_json(args.merge, order)
        except (OSError, ValueError, KeyError) as exc:
            raise UsageError(f"cannot merge {', '.join(map(str, args.merge))}: {exc}") from None
        text = st.markdown(rows, seeds, precision, backend_name)
        if args.md is not None:
            args.md.parent.mkdir(parents=True, exist_ok=True)
            args.md.write_text(text + "\n")
        if args.json is not None:
            st.write_json(rows, seeds, precision, backend_name, args.json)
        print(text)
        return 0 if all(r.stable for r in rows) else 1
    if args.backend is not None and args.backend not in BACKENDS:
        raise UsageError(f"unknown backend {args.backend!r}; choose one of {', '.join(BACKENDS)}")
    try:
        seeds = st.parse_seeds(args.seeds)
        claims = st.stochastic_claims(args.claim)
        backend = get_backend(args.backend)
    except ValueError as exc:
        raise UsageError(str(exc)) from None
    done: list = []
    bar = tqdm(total=len(claims) * len(seeds), desc="stability", unit="run", leave=False)

    def on_result(cs, seed):
        bar.update(1)
        bar.set_postfix_str(f"{cs.id} seed {seed}")
        if len(cs.verdicts) == len(seeds):
            done.append(cs)
            if args.md is not None:
                args.md.parent.mkdir(parents=True, exist_ok=True)
                args.md.write_text(st.markdown(done, seeds, args.precision, backend.name) + "\n")
            if args.json is not None:
                st.write_json(done, seeds, args.precision, backend.name, args.json)

    rows = st.run_stability(claims, seeds, args.precision, backend, on_result=on_result)
    bar.close()
    print(st.markdown(rows, seeds, args.precision, backend.name))
    return 0 if all(r.stable for r in rows) else 1


def _add_readme_parser(sub: argparse._SubParsersAction) -> None:
    r = sub.add_parser("readme", help="rewrite README.md's findings and verdict table from a report")
    r.add_argument("--report", type=Path, default=Path("reports/report.json"), metavar="PATH",
                   help="the JSON report to read (default: reports/report.json)")
    r.add_argument("--readme", type=Path, default=Path("README.md"), metavar="PATH", help="default: README.md")
    r.add_argument("--check", action="store_true", help="write nothing; exit 1 when the README differs")


def _readme(args: argparse.Namespace) -> int:
    from paper_checks import readme as rd

    try:
        doc = rd.load_report(args.report)
        old = args.readme.read_text()
        new = rd.render(old, doc)
    except FileNotFoundError:
        raise UsageError(f"no README at {str(args.readme)!r}") from None
    except ValueError as exc:
        raise UsageError(str(exc)) from None
    if args.check:
        same = new == old
        print(f"{args.readme} {'matches' if same else 'differs from'} {args.report}")
        return 0 if same else 1
    args.readme.write_text(new)
    print(f"rewrote the findings and verdict table of {args.readme} from {args.report}")
    return 0
