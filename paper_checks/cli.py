"""The command line of ``paper_checks``.

Exit status: 0 when every verdict equals its recorded expectation, 1 when any differs,
2 for a usage error (one line on stderr, no traceback), 130 when stopped by Ctrl-C (the claims
that finished are still written, in a report marked incomplete). ``explore``: 0 when no verified
counterexample was found, 1 when one was, 2 for a usage error, 3 when the margin raised at
most points (a broken margin, not a pass).
"""
from __future__ import annotations

import argparse
import contextlib
import datetime
import fnmatch
import json
import os
import sys
import tempfile
import textwrap
import time
from pathlib import Path
from typing import Any

from paper_checks.context import EXPLORE_STREAM, PRECISIONS, Context
from paper_checks.files import seed_arg
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
    r.add_argument("--claim", nargs="+", action="extend", default=[], metavar="ID",
                   help="run these claim ids or glob patterns (quote them: 'gce18.eq1*')")
    r.add_argument("--precision", default="standard", choices=PRECISIONS)
    r.add_argument("--backend", default=None, help="auto|numpy|cupy (default: $LNL_BACKEND or auto)")
    r.add_argument("--seed", type=seed_arg, default=0, help="global seed, a non-negative integer (default 0)")
    _add_output_options(r)
    r.add_argument("--quiet", action="store_true", help="no progress bar")
    _add_executor_arguments(r)
    _add_module_option(r)
    _add_list_parser(sub)
    _add_show_parser(sub)
    _explore_parser(sub)
    _add_stability_parser(sub)
    _add_readme_parser(sub)
    _add_loss_parsers(sub)
    return p


def _explore_parser(sub: Any) -> None:
    e = sub.add_parser("explore", help="counterexample search for one claim (exit 0: none found, 1: a verified one, "
                                       "2: usage error, 3: the margin raised at most points)")
    e.add_argument("id")
    e.add_argument("--budget", type=int, default=4000,
                   help="margin evaluations, sampling and polish together (default 4000; never exceeded)")
    e.add_argument("--seed", type=seed_arg, default=0)
    e.add_argument("--set", action="append", default=[], metavar="NAME=LOW..HIGH", dest="overrides",
                   help="narrow a Real or Integer parameter's declared domain, e.g. --set c=2..20 --set "
                        "q=0.5..1 (repeatable; c=5 fixes an integer)")
    e.add_argument("--json", type=Path, default=None, metavar="PATH", help="write the search result as JSON here")
    e.add_argument("--quiet", action="store_true", help="no progress bar")
    _add_module_option(e)


def _formats(text: str) -> list[str]:
    """argparse type of ``--format``: a comma-separated subset of ``md,html,json,latex,csv``."""
    from paper_checks.report import FORMATS

    got = [f.strip().lower() for f in text.split(",") if f.strip()]
    bad = [f for f in got if f not in FORMATS]
    if bad or not got:
        raise argparse.ArgumentTypeError(f"unknown report format {(bad or [text])[0]!r}; choose from "
                                          f"{','.join(FORMATS)}")
    return list(dict.fromkeys(got))


def _add_output_options(r: argparse.ArgumentParser) -> None:
    r.add_argument("--json", type=Path, default=None, metavar="PATH",
                   help="write the JSON report here (alone, without --format, only this file is written)")
    r.add_argument("--out", type=Path, default=Path("reports"), metavar="DIR",
                   help="report directory (default: reports)")
    r.add_argument("--format", type=_formats, default=None, metavar="LIST",
                   help="report formats, comma-separated from md,html,json,latex,csv (default: md,html,json)")
    r.add_argument("--figures", action="store_true",
                   help="draw the figures of the claims that ran into DIR/figures (shown in report.html)")
    r.add_argument("--traceback", action="store_true",
                   help="show a crashing check's full traceback in report.md/html (report.json always keeps it)")


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if not argv or argv[0].startswith("-") and argv[0] not in ("-h", "--help"):
        argv = ["run", *argv]
    try:
        args = _parser().parse_args(argv)
        if hasattr(args, "module"):
            load_modules(args.module)
        if args.command == "list":
            return _list(args)
        if args.command == "show":
            return _show(args)
        if args.command == "explore":
            return _explore(args)
        if args.command == "stability":
            return _stability(args)
        if args.command == "readme":
            return _readme(args)
        if args.command in ("losses", "loss"):
            return _loss_command(args)
        return _run(args)
    except UsageError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:  # the runner has already ended its workers
        print("interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:  # the reader went away (``| head``): stop quietly, as Unix tools do
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())  # Python docs, "Note on SIGPIPE"
        return 141


def _add_module_option(p: argparse.ArgumentParser) -> None:
    p.add_argument("--module", action="append", default=[], metavar="FILE_OR_MODULE",
                   help="also load the claims of this file (my_claims.py) or dotted module (repeatable; "
                        "docs/extending.md)")


def load_modules(modules: list[str]) -> None:
    """Load the registry with the ``--module`` claims modules; any problem is a one-line usage error.

    The modules are also added to ``$LNL_CLAIMS``, so the worker processes that this run
    starts (claims, figures) load them too.
    """
    from paper_checks.registry import ENV_VAR, RegistryError, load

    try:
        load(modules)
    except RegistryError as exc:
        raise UsageError(str(exc)) from None
    if modules:
        resolved = [str(Path(m).expanduser().resolve()) if m.endswith(".py") or os.sep in m or "/" in m else m
                    for m in modules]
        old = [m for m in os.environ.get(ENV_VAR, "").split(os.pathsep) if m]
        os.environ[ENV_VAR] = os.pathsep.join(dict.fromkeys([*old, *resolved]))


def _run(args: argparse.Namespace) -> int:
    from paper_checks import report
    from paper_checks.registry import select
    from paper_checks.runner import Interrupted

    if args.backend is not None and args.backend not in BACKENDS:
        raise UsageError(f"unknown backend {args.backend!r}; choose one of {', '.join(BACKENDS)}")
    default = ["json"] if args.json is not None else ["md", "html", "json"]
    formats = args.format if args.format is not None else default
    if args.json is not None and "json" not in formats:
        formats = [*formats, "json"]
    # every output place is checked before any claim runs: a run is never lost to a bad path
    paths = report.targets(args.out, formats, args.json)
    _check_output_dir(args.out, "--out")
    for fmt, path in paths.items():
        _check_output_file(path, "--json" if fmt == "json" and args.json is not None else "--out")
    try:
        backend = get_backend(args.backend)
        claims = select(args.paper, expand_claim_patterns(args.claim))
    except ValueError as exc:
        raise UsageError(str(exc)) from None
    started = datetime.datetime.now(datetime.timezone.utc)
    t0 = time.perf_counter()
    complete, figures_stopped = True, False
    from paper_checks import figdata

    share = figdata.sharing() if args.figures else contextlib.nullcontext()
    with share:  # with --figures the figures reuse the data their claims computed
        try:
            results = _run_scheduled(args, claims, backend)
        except Interrupted as stop:
            results, complete = stop.results, False
        if complete and args.figures:
            try:
                _draw_figures(results, args)
            except KeyboardInterrupt:  # the claims are done: keep them, without the remaining figures
                figures_stopped = True
    prov = report.provenance(backend=backend.name, seed=args.seed, precision=args.precision,
                             wall_seconds=time.perf_counter() - t0, started=started,
                             argv=["python -m paper_checks", *sys.argv[1:]] if sys.argv else None)
    doc = report.to_json(results, backend=backend.name, seed=args.seed, precision=args.precision, prov=prov,
                         complete=complete, planned=len(claims))
    if not complete:
        written = _write_or_rescue(report, doc, args, formats)
        print(f"interrupted: {len(results)} of {len(claims)} claims finished; partial report (marked incomplete) in "
              f"{', '.join(map(str, written))}", file=sys.stderr)
        return 130
    written = _write_or_rescue(report, doc, args, formats)
    if figures_stopped:
        print(f"interrupted while drawing figures; the report of all {len(results)} claims is in "
              f"{', '.join(map(str, written))}", file=sys.stderr)
        return 130
    print(report.table(results))
    print("wrote " + ", ".join(map(str, written)))
    return 0 if all(r.matches for r in results) else 1


def _add_executor_arguments(p: argparse.ArgumentParser) -> None:
    from paper_checks.runner import add_executor_arguments

    add_executor_arguments(p)


def _run_scheduled(args: argparse.Namespace, claims: list, backend: object) -> list:
    """Run ``claims`` where ``--jobs``/``--scheduler``/``--dask-local`` say, longest first by the last report."""
    from paper_checks.runner import executor_from_args, last_timings, run_all

    last = last_timings(args.json if args.json is not None else args.out / "report.json")
    try:
        with executor_from_args(args) as (executor, jobs):
            return run_all(claims, args.precision, args.seed, backend, show_progress=not args.quiet,
                           jobs=jobs, executor=executor, timings=last)
    except ValueError as exc:
        raise UsageError(str(exc)) from None


def _write_or_rescue(report: Any, doc: dict, args: argparse.Namespace, formats: list[str]) -> tuple[Path, ...]:
    """Write the report; if that fails after all (disk full, folder removed), save the JSON elsewhere."""
    try:
        return report.write(doc, args.out, args.json, formats, tracebacks=args.traceback)
    except OSError as exc:
        fd, rescue = tempfile.mkstemp(prefix="lnl-report-", suffix=".json")
        with os.fdopen(fd, "w") as f:
            json.dump(doc, f, indent=1)
        raise UsageError(f"could not write the report ({exc}); the results are saved in {rescue}") from None


def _check_output_dir(path: Path, flag: str) -> None:
    """``path`` is (or can be made) a writable directory; one-line usage error otherwise."""
    if path.exists() and not path.is_dir():
        raise UsageError(f"{flag} {str(path)!r} is a file, not a directory")
    probe = path
    while not probe.exists():  # the first existing ancestor must be a writable directory
        if probe.parent == probe:
            break
        probe = probe.parent
    if not probe.is_dir():
        raise UsageError(f"{flag} {str(path)!r}: {str(probe)!r} is not a directory")
    if not _writable(probe):
        raise UsageError(f"{flag} {str(path)!r}: cannot write in {str(probe)!r}")


def _check_output_file(path: Path, flag: str) -> None:
    """``path`` is not a directory, its folder exists (or is the report folder) and is writable."""
    if path.is_dir():
        raise UsageError(f"{flag} {str(path)!r} is a directory; give a file path")
    parent = path.parent
    if flag == "--json" and not parent.is_dir():
        raise UsageError(f"--json {str(path)!r}: folder {str(parent)!r} does not exist")
    if parent.is_dir() and not _writable(parent):
        raise UsageError(f"{flag} {str(path)!r}: cannot write in {str(parent)!r}")


def _writable(folder: Path) -> bool:
    """Whether a file can be created in ``folder`` (tried, since ``os.access`` says yes to root)."""
    try:
        fd, name = tempfile.mkstemp(prefix=".lnl-probe-", dir=folder)
    except OSError:
        return False
    os.close(fd)
    os.unlink(name)
    return True


def expand_claim_patterns(patterns: list[str]) -> list[str]:
    """Claim ids for ``--claim`` arguments: exact ids, or glob patterns such as ``gce18.eq1*``.

    A pattern that matches no claim is a usage error (quoted), like an unknown id.
    """
    from paper_checks.registry import load

    ids = list(load())
    out: list[str] = []
    for p in patterns:
        if any(ch in p for ch in "*?["):
            hit = [i for i in ids if fnmatch.fnmatchcase(i, p)]
            if not hit:
                raise UsageError(f"--claim pattern {p!r} matches no claim; 'python -m paper_checks list' shows them")
            out += hit
        else:
            out.append(p)
    return list(dict.fromkeys(out))


def _draw_figures(results: list, args: argparse.Namespace) -> None:
    """Draw the figures of the claims that ran, into ``--out``/figures, with the run's seed and precision."""
    from figures.registry import build, load

    known = load()
    names = list(dict.fromkeys(n for r in results for n in (r.evidence.figures if r.evidence else r.claim.figures)))
    for name in names:
        if name not in known:
            print(f"warning: figure {name!r} is not registered; skipped", file=sys.stderr)
            continue
        try:
            build(name, args.out / "figures", "png", precision=args.precision, seed=args.seed)
        except KeyboardInterrupt:
            raise
        except Exception as exc:  # a failing figure must not lose the run's report
            print(f"warning: figure {name!r} failed: {type(exc).__name__}: {exc}", file=sys.stderr)


def _add_list_parser(sub: Any) -> None:
    ls = sub.add_parser("list", help="list the registered claims with statement, source and last verdict")
    ls.add_argument("--paper", action="append", default=[], help="only this paper (repeatable)")
    ls.add_argument("--claim", nargs="+", action="extend", default=[], metavar="PATTERN",
                    help="only these ids or glob patterns (gce18.eq1*)")
    ls.add_argument("--verdict", action="append", default=[],
                    help="only claims whose last verdict is this (repeatable)")
    ls.add_argument("--method", action="append", default=[], help="only this method (repeatable)")
    ls.add_argument("--mismatch", action="store_true",
                    help="only claims whose last verdict differs from the recorded one")
    ls.add_argument("--report", type=Path, default=Path("reports/report.json"), metavar="PATH",
                    help="where the last verdicts are read (default: reports/report.json)")
    ls.add_argument("--short", action="store_true", help="one line per claim, no statement")
    _add_module_option(ls)


def _add_show_parser(sub: Any) -> None:
    sh = sub.add_parser("show", help="print one claim's statement, source and full evidence from the last report")
    sh.add_argument("id")
    sh.add_argument("--report", type=Path, default=Path("reports/report.json"), metavar="PATH",
                    help="the report to read the evidence from (default: reports/report.json)")
    _add_module_option(sh)


def _last_report(path: Path) -> dict[str, dict]:
    """``{claim id: claim entry}`` of a previous JSON report; empty when there is none (or it is unreadable)."""
    try:
        doc = json.loads(path.read_text())
        return {c["id"]: c for c in doc.get("claims", [])}
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        return {}


def _list(args: argparse.Namespace) -> int:
    from paper_checks.registry import PAPERS, load

    for p in args.paper:
        if p not in PAPERS:
            raise UsageError(f"unknown paper {p!r}; known papers: {', '.join(PAPERS)}")
    from paper_checks.evidence import METHODS, VERDICTS

    for v in args.verdict:
        if v not in (*VERDICTS, "error"):
            raise UsageError(f"unknown verdict {v!r}; choose from {', '.join((*VERDICTS, 'error'))}")
    for m in args.method:
        if m not in METHODS:
            raise UsageError(f"unknown method {m!r}; choose from {', '.join(METHODS)}")
    reg = load()
    ids = expand_claim_patterns(args.claim) if args.claim else list(reg)
    unknown = [i for i in ids if i not in reg]
    if unknown:
        raise UsageError(f"unknown claim id {unknown[0]!r}")
    last = _last_report(args.report)
    width = shutil_width()
    shown = 0
    for i in ids:
        c = reg[i]
        lv = last.get(i, {}).get("verdict")
        if args.paper and c.paper not in args.paper or args.method and c.method not in args.method:
            continue
        if args.verdict and lv not in args.verdict or args.mismatch and (lv is None or lv == c.expected):
            continue
        shown += 1
        tag = " (reconstructed)" if c.reconstructed else ""
        expl = " [explorable]" if c.space is not None else ""
        last_txt = "not run" if lv is None else (lv if lv == c.expected else f"{lv} (!= expected)")
        print(f"{c.id:<40} expected {c.expected:<12} last {last_txt:<12} {c.method:<8}{tag}{expl}")
        if not args.short:
            print(textwrap.fill(c.statement, width, initial_indent="    ", subsequent_indent="    "))
            print(textwrap.fill(f"source: {c.source}", width, initial_indent="    ", subsequent_indent="    "))
    print(f"{shown} of {len(reg)} claims" + (f"; last verdicts from {args.report}" if last else
                                             f"; no report at {args.report} (last verdicts unknown)"))
    return 0


def shutil_width() -> int:
    import shutil

    return max(60, min(110, shutil.get_terminal_size((100, 20)).columns))


def _show(args: argparse.Namespace) -> int:
    from paper_checks import report
    from paper_checks.registry import PAPERS, load

    reg = load()
    if args.id not in reg:
        raise UsageError(f"unknown claim id {args.id!r}; 'python -m paper_checks list' shows them")
    c = reg[args.id]
    width = shutil_width()
    fill = lambda label, text: textwrap.fill(f"{label}: {text}", width, subsequent_indent="  ")  # noqa: E731
    print(f"{c.id}" + (" (reconstructed)" if c.reconstructed else ""))
    print(fill("paper", report.cite(PAPERS[c.paper])))
    print(fill("source", c.source))
    print(fill("statement", c.statement))
    print(f"expected: {c.expected}   method: {c.method}" + ("   explorable" if c.space is not None else ""))
    e = _last_report(args.report).get(c.id)
    if e is None:
        print(f"no evidence in {args.report}; run: python -m paper_checks run --claim {c.id}")
        return 0
    print(f"last verdict: {e['verdict']}" + ("" if e["verdict"] == c.expected else f"  (differs from {c.expected})") +
          f"   ({e.get('seconds')} s, from {args.report})")
    print(fill("summary", e.get("summary", "")))
    if e.get("condition"):
        print(fill("condition", e["condition"]))
    ce = report.counterexample_table(e.get("counterexample"))
    if ce is not None:
        print("counterexample (exact values):")
        print(_text_table(ce))
    if e.get("numbers"):
        print("numbers:")
        for t in report.number_tables(e["numbers"], max_rows=10_000):
            print(_text_table(t))
    if e.get("traceback"):
        print("traceback:\n" + e["traceback"].rstrip())
    if e.get("figures"):
        print("figures: " + ", ".join(e["figures"]))
    return 0


def _text_table(t: Any) -> str:
    """A report ``Table`` as aligned plain text."""
    lines = [f"  {t.title}"] if t.title else []
    if t.header:
        rows = [t.header, *t.rows]
        w = [max(len(r[j]) for r in rows) for j in range(len(t.header))]
        for k, r in enumerate(rows):
            lines.append("  " + "  ".join(x.ljust(w[j]) for j, x in enumerate(r)).rstrip())
            if k == 0:
                lines.append("  " + "  ".join("-" * x for x in w))
    if t.note:
        lines.append(f"  ({t.note})")
    return "\n".join(lines)


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
    rng = Context(claim_id, seed=seed).rng(EXPLORE_STREAM)
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
    _add_executor_arguments(s)
    _add_module_option(s)


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
    position = {c.id: k for k, c in enumerate(claims)}
    bar = tqdm(total=len(claims) * len(seeds), desc="stability", unit="run", leave=False)

    def on_result(cs, seed):
        bar.update(1)
        bar.set_postfix_str(f"{cs.id} seed {seed}")
        if len(cs.verdicts) == len(seeds):
            done.append(cs)
            done.sort(key=lambda row: position[row.id])  # the claims' order, whichever finished first
            if args.md is not None:
                args.md.parent.mkdir(parents=True, exist_ok=True)
                args.md.write_text(st.markdown(done, seeds, args.precision, backend.name) + "\n")
            if args.json is not None:
                st.write_json(done, seeds, args.precision, backend.name, args.json)

    from paper_checks.runner import executor_from_args

    try:
        with executor_from_args(args) as (executor, jobs):
            rows = st.run_stability(claims, seeds, args.precision, backend, on_result=on_result,
                                    jobs=jobs, executor=executor)
    finally:
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


# ---------------------------------------------------------------- loss trial
def _add_loss_parsers(sub: argparse._SubParsersAction) -> None:
    ls = sub.add_parser("losses", help="the property table of the loss zoo (or of the losses named)")
    ls.add_argument("--loss", action="append", default=[], metavar="NAME[:k=v,...]",
                    help="trial this zoo loss with these parameters, e.g. gce:q=0.5 (repeatable; default: the zoo)")
    ls.add_argument("--classes", default="2..10", metavar="LO..HI", help="numbers of classes c (default 2..10)")
    ls.add_argument("--precision", default="standard", choices=PRECISIONS)
    ls.add_argument("--json", type=Path, default=None, metavar="PATH",
                    help="write the table as JSON here, and as Markdown beside it (.md)")
    ls.add_argument("--list", action="store_true", help="list the zoo's losses, their parameters and citations")
    one = sub.add_parser("loss", help="trial a loss given as a SymPy expression in p (the labelled probability)")
    one.add_argument("expr", metavar="EXPR", help='e.g. "(1 - p**0.5)/0.5" or "-log(p) + 2*(1 - p)"')
    one.add_argument("--classes", default="2..10", metavar="LO..HI")
    one.add_argument("--precision", default="standard", choices=PRECISIONS)
    one.add_argument("--json", type=Path, default=None, metavar="PATH")


def _loss_command(args: argparse.Namespace) -> int:
    from paper_checks import loss_trial as lt
    from theory import losses as zoo

    try:
        cs = lt.parse_classes(args.classes)
        if args.command == "loss":
            defs = [zoo.from_expression(args.expr)]
        elif args.list:
            for name, entry in zoo.ZOO.items():
                print(f"{name:<10} {entry.signature():<30} {entry.cite}")
            return 0
        else:
            defs = [zoo.parse_spec(s) for s in args.loss] or zoo.default_losses()
    except ValueError as exc:
        raise UsageError(str(exc)) from None
    if args.json is not None:
        _check_output_file(args.json, "--json")
    from tqdm import tqdm

    trials = []
    for d in tqdm(defs, desc="losses", unit="loss", leave=False, disable=len(defs) < 2):
        trials.append(lt.trial(d, cs, precision=args.precision))
    print(lt.markdown_table(trials))
    if args.json is not None:
        jp, mp = lt.write(trials, args.json)
        print(f"wrote {jp} and {mp}")
    return 0
