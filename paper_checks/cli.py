"""The command line of ``paper_checks``: the argument parser and the dispatch to the commands' handlers
(``paper_checks.commands``).

Exit status: 0 when every verdict equals its recorded expectation, 1 when any differs,
2 for a usage error (one line on stderr, no traceback), 130 when stopped by Ctrl-C, 143 by SIGTERM
and 129 by SIGHUP (the claims that finished are still written, in a report marked incomplete), 74 when
the report could not be written after the run (disk full; the results are saved elsewhere, one line
says where). ``explore``: 0 when no verified
counterexample was found, 1 when one was, 2 for a usage error, 3 when the margin raised at
most points (a broken margin, not a pass).
"""
from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path
from typing import Any, Callable

# only the parser's own light modules here (standard library, precisions, the options' types): a usage error is
# reported before SymPy, SciPy or the registry load (issue 67: within 1.5 s); each command imports what it needs
from paper_checks.commands.arguments import (
    OutputError,
    UsageError,
    add_executor_arguments,
    add_memory_argument,
    add_timeout_argument,
    formats_arg,
    prove_seconds_arg,
    prove_work_arg,
    seed_arg,
    whole_arg,
)
from paper_checks.precisions import PRECISIONS, PROVE_WORK

__all__ = ["UsageError", "expand_claim_patterns", "load_modules", "main", "shutil_width"]  # noqa: F822 (lazy)
_LAZY = ("expand_claim_patterns", "load_modules", "shutil_width")


def __getattr__(name: str) -> Any:
    """:data:`__all__`'s helpers from :mod:`paper_checks.commands.common`, imported when first asked for."""
    if name in _LAZY:
        from paper_checks.commands import common

        return getattr(common, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


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
    r.add_argument("--precision", default=None, choices=PRECISIONS,
                   help="run every claim at this precision (default: each at the precision its expected= was "
                        "recorded at, its expected_at=: standard unless stated)")
    r.add_argument("--backend", default=None, help="auto|numpy|cupy (default: $LNL_BACKEND or auto)")
    r.add_argument("--seed", type=seed_arg, default=0, help="global seed, a non-negative integer (default 0)")
    _add_output_options(r)
    r.add_argument("--quiet", action="store_true", help="no progress bar")
    add_executor_arguments(r)
    add_timeout_argument(r)
    add_memory_argument(r)
    _add_module_option(r)
    _add_list_parser(sub)
    _add_show_parser(sub)
    _add_explore_parser(sub)
    _add_stability_parser(sub)
    _add_readme_parser(sub)
    _add_loss_parsers(sub)
    return p


def _add_explore_parser(sub: Any) -> None:
    e = sub.add_parser("explore", help="counterexample search for one claim (exit 0: none found, 1: a verified one, "
                                       "2: usage error, 3: the margin raised at most points)")
    e.add_argument("id")
    e.add_argument("--budget", type=whole_arg, default=4000,
                   help="margin evaluations, sampling and polish together (default 4000; never exceeded)")
    e.add_argument("--seed", type=seed_arg, default=0)
    e.add_argument("--set", action="append", default=[], metavar="NAME=LOW..HIGH", dest="overrides",
                   help="narrow a Real or Integer parameter's declared domain, e.g. --set c=2..20 --set "
                        "q=0.5..1 (repeatable; c=5 fixes an integer, b=2 or b=2..2 pins a real)")
    e.add_argument("--json", type=Path, default=None, metavar="PATH", help="write the search result as JSON here")
    e.add_argument("--backend", default=None, help="auto|numpy|cupy (default: $LNL_BACKEND or auto), checked as run "
                                                   "checks it; the search and the prover compute on the host")
    e.add_argument("--quiet", action="store_true", help="no progress bar")
    add_timeout_argument(e, help="time limit of the search in seconds; when it is up the best found so far is "
                                 "reported, marked as stopped early (default 900; 0 for none)")
    e.add_argument("--prove", action="store_true",
                   help="run the prover instead of the search: proved (with a certificate), an exact counterexample "
                        "or undecided; --budget then counts boxes (exit 0: proved, 1: counterexample, 4: undecided)")
    e.add_argument("--prove-seconds", type=prove_seconds_arg, default=None, metavar="S",
                   help="the prover's wall-clock net in seconds, counted from the prover's start (default 10 s a "
                        "unit of the work budget, at least 60): it only interrupts, and an interrupted proof says so "
                        "and gives no answer")
    e.add_argument("--prove-work", type=prove_work_arg, default=None, metavar="UNITS",
                   help="the prover's work budget in units, counted the same on every machine (default "
                        f"{PROVE_WORK['standard']:g}, the standard precision's, or the larger budget the claim's "
                        f"domain declares its proof needs; quick {PROVE_WORK['quick']:g}, full "
                        f"{PROVE_WORK['full']:g}); every choice of the proof is a share of it")
    e.add_argument("--counters", action="store_true",
                   help="with --prove: print what each closure of the prover cost (calls, work, boxes and pieces "
                        "closed)")
    _add_module_option(e)


def _add_output_options(r: argparse.ArgumentParser) -> None:
    r.add_argument("--json", type=Path, default=None, metavar="PATH",
                   help="write the JSON report here (alone, without --format, only this file is written)")
    r.add_argument("--out", type=Path, default=Path("reports"), metavar="DIR",
                   help="report directory (default: reports)")
    r.add_argument("--format", type=formats_arg, default=None, metavar="LIST",
                   help="report formats, comma-separated from md,html,json,latex,csv,bib (default: md,html,json,bib)")
    r.add_argument("--figures", action=argparse.BooleanOptionalAction, default=None,
                   help="draw the figures of the claims that ran into DIR/figures, shown in report.html and "
                        "report.md (default: whenever one of those is written; --no-figures skips them)")
    r.add_argument("--traceback", action="store_true",
                   help="show a crashing check's full traceback in report.md/html (report.json always keeps it)")


def _add_module_option(p: argparse.ArgumentParser) -> None:
    p.add_argument("--module", action="append", default=[], metavar="FILE_OR_MODULE",
                   help="also load the claims of this file (my_claims.py) or dotted module (repeatable; "
                        "docs/extending.md)")


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


def _add_stability_parser(sub: argparse._SubParsersAction) -> None:
    s = sub.add_parser("stability", help="run the stochastic claims over several seeds; flag verdicts that change")
    s.add_argument("--seeds", default="0..9", help="seeds, e.g. 0..9 or 0,3,5 (default 0..9)")
    _accept_leading_minus(s)  # --seeds -3..-1: a value (refused as negative), not an unknown option
    s.add_argument("--precision", default="standard", choices=PRECISIONS)
    s.add_argument("--claim", nargs="+", action="extend", default=[], metavar="ID",
                   help="these claims (default: every claim whose method is sim or mc)")
    s.add_argument("--backend", default=None, help="auto|numpy|cupy (default: $LNL_BACKEND or auto)")
    s.add_argument("--json", type=Path, default=None, metavar="PATH", help="also write the table as JSON here")
    s.add_argument("--md", type=Path, default=None, metavar="PATH",
                   help="also write the Markdown table here (rewritten after every claim)")
    s.add_argument("--merge", type=Path, nargs="+", default=None, metavar="JSON",
                   help="run nothing: combine the --json tables of earlier runs (disjoint claims) into one")
    s.add_argument("--paper", action="append", default=[],
                   help="only the claims of this paper (repeatable; with --claim, those of them in it)")
    s.add_argument("--out", type=Path, default=None, metavar="DIR",
                   help="write the table as DIR/stability.json and DIR/stability.md (--json/--md win for theirs)")
    s.add_argument("--quiet", action="store_true", help="no progress bar")
    add_executor_arguments(s)
    add_timeout_argument(s, "run (claim and seed)")
    add_memory_argument(s, "run (claim and seed)")
    _add_module_option(s)


def _add_readme_parser(sub: argparse._SubParsersAction) -> None:
    r = sub.add_parser("readme",
                       help="rewrite README.md's findings and verdict table (and docs/verdicts.md) from a report")
    r.add_argument("--report", type=Path, default=Path("reports/report.json"), metavar="PATH",
                   help="the JSON report to read (default: reports/report.json)")
    r.add_argument("--readme", type=Path, default=Path("README.md"), metavar="PATH", help="default: README.md")
    r.add_argument("--verdicts-page", type=Path, default=None, metavar="PATH",
                   help="the page of full summaries to rewrite too (default: docs/verdicts.md beside the README, "
                        "when it exists)")
    r.add_argument("--check", action="store_true", help="write nothing; exit 1 when the README (or the page) differs")


def _add_loss_parsers(sub: argparse._SubParsersAction) -> None:
    ls = sub.add_parser("losses", help="the property table of the loss zoo (or of the losses named)")
    ls.add_argument("--loss", action="append", default=[], metavar="NAME[:k=v,...]",
                    help="trial this zoo loss with these parameters, e.g. gce:q=0.5 (repeatable; default: the zoo)")
    ls.add_argument("--classes", default="2..10", metavar="LO..HI", help="numbers of classes c (default 2..10)")
    ls.add_argument("--precision", default="standard", choices=PRECISIONS)
    ls.add_argument("--json", type=Path, default=None, metavar="PATH",
                    help="write the table as JSON here, and as Markdown beside it (.md)")
    ls.add_argument("--list", action="store_true", help="list the zoo's losses, their parameters and citations")
    ls.add_argument("--kind", choices=("simplex", "margin"), default="simplex",
                    help="simplex: losses L(f, e_y) of the probability simplex (default); margin: margin losses "
                         "phi(y t) of binary labels y in {-1, +1} (--loss names them, --classes is not used)")
    add_timeout_argument(ls, default=None, help="a wall-clock safety net per property, in seconds (at most 1e6; 0 "
                         "or none: no net of its own); each property stops at a limit of counted work, the same on "
                         "every machine, and by default the net is the work meter's own (200 s)")
    one = sub.add_parser("loss", help="trial a loss given as a SymPy expression in p (the labelled probability)")
    one.add_argument("expr", metavar="EXPR", help='e.g. "(1 - p**0.5)/0.5" or "-log(p)" '
                     '(numbers, p (v with --margin), + - * / **, log exp sqrt Abs Min Max Heaviside sign tanh '
                     'sinh cosh atan asinh erf erfc factorial, Sum(term, (k, a, b)); nothing is evaluated)')
    one.add_argument("--classes", default="2..10", metavar="LO..HI")
    one.add_argument("--precision", default="standard", choices=PRECISIONS)
    one.add_argument("--json", type=Path, default=None, metavar="PATH")
    one.add_argument("--margin", action="store_true",
                     help='EXPR is a margin loss phi(v) in v = y t, e.g. "Max(0, 1 - v)" or "1/(1 + exp(v))"')
    add_timeout_argument(one, default=None, help="a wall-clock safety net per property, in seconds (at most 1e6; 0 "
                         "or none: no net of its own); each property stops at a limit of counted work, the same on "
                         "every machine (default net: the work meter's own, 200 s)")
    one.add_argument("--param", action="append", default=[], metavar="NAME=LO..HI",
                     help="a parameter of EXPR and its range (integers, HI may be oo) or values (NAME=a,b,c), "
                          "repeatable: every property at every combination of the values (at most 36), stated")
    one.add_argument("--name", default=None, help="the loss's name in the table and the JSON (default: a zoo "
                     "loss's own name, else user)")
    one.add_argument("--each", default=None, metavar="EXPR",
                     help='a term in p added for every class: the loss of the whole prediction EXPR(f_y) + '
                          'sum_i EACH(f_i), tried for every number of classes (e.g. "p**(3/2)/(3/2)")')
    _accept_leading_minus(one)


def _accept_leading_minus(parser: argparse.ArgumentParser) -> None:
    """Read an argument that starts with one ``-`` but is none of ``parser``'s options (``"-log(p)"``) as a
    positional, where argparse would take it for an unknown option."""
    base = parser._parse_optional

    def parse_optional(arg: str) -> Any:
        if arg.startswith("-") and not arg.startswith("--") and len(arg) > 1 and \
                arg.split("=", 1)[0] not in parser._option_string_actions:
            return None
        return base(arg)

    parser._parse_optional = parse_optional  # type: ignore[method-assign]


def main(argv: list[str] | None = None, begun: float | None = None) -> int:
    """The command line; ``begun`` (a ``time.monotonic()`` instant, ``python -m paper_checks`` gives the one before
    its imports) is where a command's own time limit starts (``explore --prove --prove-seconds``); now if None."""
    begun = time.monotonic() if begun is None else begun
    argv = sys.argv[1:] if argv is None else argv
    if not argv or argv[0].startswith("-") and argv[0] not in ("-h", "--help"):
        argv = ["run", *argv]
    try:
        args = _parser().parse_args(argv)  # before any heavy import: a usage error costs no library's import
    except UsageError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    args.begun = begun
    from paper_checks.run.isolation import stop_signals, stop_status

    try:
        with stop_signals():  # SIGTERM and SIGHUP stop a command as Ctrl-C does
            if hasattr(args, "module"):
                from paper_checks.commands.common import load_modules

                load_modules(args.module)
            with stop_signals(ctrl_c=True):  # again: a claims module may have set its own handlers on import
                return _handler(args.command)(args)
    except UsageError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    except OutputError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return OutputError.status
    except KeyboardInterrupt as exc:  # the runner has already ended its workers
        print("interrupted", file=sys.stderr)
        return stop_status(exc)
    except BrokenPipeError:  # the reader went away (``| head``): stop quietly, as Unix tools do
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())  # Python docs, "Note on SIGPIPE"
        return 141


def _handler(command: str | None) -> Callable[[argparse.Namespace], int]:
    """The function that runs ``command`` (``run`` when none is named).

    The modules of ``run``, ``show``, ``explore``, ``stability`` and ``losses``/``loss`` are imported only when
    that command runs, so that ``--help`` and ``list`` do not load what only they need (report, tqdm, the loss
    zoo and trial: about 0.2 s); the parser itself loads only the standard library and the options' types, so that a
    usage error is said before any of them loads.
    """
    if command == "list":
        from paper_checks.commands.listing import list_claims  # lazy: loads the registry

        return list_claims
    if command == "show":
        from paper_checks.commands.show import show  # lazy: loads report

        return show
    if command == "explore":
        from paper_checks.commands.explore import explore  # lazy: loads tqdm

        return explore
    if command == "stability":
        from paper_checks.commands.stability import stability  # lazy: loads stability and tqdm

        return stability
    if command == "readme":
        from paper_checks.commands.readme import readme  # lazy: loads the registry and report

        return readme
    if command in ("losses", "loss"):
        from paper_checks.commands.losses import loss_command  # lazy: loads the loss zoo, loss trial and tqdm

        return loss_command
    from paper_checks.commands.run import run  # lazy: loads report and figdata

    return run
