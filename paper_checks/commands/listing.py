"""``list``: the registered claims, filtered, with statement, source and last verdict."""
from __future__ import annotations

import argparse
import textwrap

from label_noise_lab.theory.validators import quoted
from paper_checks.commands.common import UsageError, expand_claim_patterns, last_report, shutil_width
from paper_checks.evidence import METHODS, VERDICTS
from paper_checks.registry import PAPERS, load
from paper_checks.report import source_citation


def list_claims(args: argparse.Namespace) -> int:
    _check_filters(args)
    reg = load()
    ids = expand_claim_patterns(args.claim) if args.claim else list(reg)
    unknown = [i for i in ids if i not in reg]
    if unknown:
        raise UsageError(f"unknown claim id {quoted(unknown[0])}")
    last = last_report(args.report)
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
            print(textwrap.fill(f"source: {source_citation(c)}", width, initial_indent="    ",
                                subsequent_indent="    "))
    print(f"{shown} of {len(reg)} claims" + (f"; last verdicts from {args.report}" if last else
                                             f"; no report at {args.report} (last verdicts unknown)"))
    return 0


def _check_filters(args: argparse.Namespace) -> None:
    """``--paper``, ``--verdict`` and ``--method`` name known papers, verdicts and methods."""
    for p in args.paper:
        if p not in PAPERS:
            raise UsageError(f"unknown paper {quoted(p)}; known papers: {', '.join(PAPERS)}")
    for v in args.verdict:
        if v not in (*VERDICTS, "error"):
            raise UsageError(f"unknown verdict {quoted(v)}; choose from {', '.join((*VERDICTS, 'error'))}")
    for m in args.method:
        if m not in METHODS:
            raise UsageError(f"unknown method {quoted(m)}; choose from {', '.join(METHODS)}")
