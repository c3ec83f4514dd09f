"""``losses --kind margin`` and ``loss --margin EXPR``: the margin-loss trial's table
(:mod:`paper_checks.trials.margin`) of the margin-loss zoo (:mod:`label_noise_lab.theory.margin`), of named zoo losses,
or of one
expression in ``v``; ``--loss barrier_hinge`` (no parameters) the barrier hinge for every ``b > 1``, ``r > 0``
(:mod:`paper_checks.trials.margin_family`)."""
from __future__ import annotations

import argparse
import time

from tqdm import tqdm

from label_noise_lab.theory.margin import ZOO, margin_loss
from paper_checks.commands.arguments import seconds_or_none
from paper_checks.commands.common import UsageError, check_output_file
from paper_checks.trials import margin as mt
from paper_checks.trials.margin_family import family_trial
from paper_checks.trials.margin_family import markdown as family_markdown

#: margin families named without parameters (``--loss barrier_hinge``): :mod:`paper_checks.trials.margin_family`
FAMILIES = ("barrier_hinge",)


def margin_command(args: argparse.Namespace) -> int:
    """Print the margin-loss table (and write it as JSON and Markdown with ``--json``)."""
    families: list[str] = []
    try:
        if args.command == "loss":
            losses = [margin_loss(args.expr, getattr(args, "name", None))]
        elif args.list:
            for name, entry in ZOO.items():
                print(f"{name:<20} {str(entry.phi):<40} {entry.cite}")
            return 0
        else:
            names = [s.strip() for s in args.loss]
            families = [n for n in names if n in FAMILIES]  # a family named without parameters: every (b, r)
            rest = [n for n in names if n not in FAMILIES]
            losses = mt.margin_losses(rest) if rest or not families else []  # no name at all: the whole zoo
    except (TypeError, ValueError) as exc:
        raise UsageError(str(exc)) from None
    if args.json is not None:
        check_output_file(args.json, "--json")
    t0 = time.perf_counter()
    limit = seconds_or_none(getattr(args, "timeout", mt.TIME_LIMIT))  # seconds per property, as for the simplex
    trials = [mt.trial(loss, limit) for loss in tqdm(losses, desc="margin losses", unit="loss", leave=False,
                                               disable=len(losses) < 2)]
    if trials:
        print(mt.markdown_table(trials))
    for _ in families:
        ft = family_trial(limit)
        print(("\n" if trials else "") + family_markdown(ft))
        trials += ft.trials
    print(f"\n{len(trials)} margin loss{'es' if len(trials) != 1 else ''} in {time.perf_counter() - t0:.1f} s")
    if args.json is not None:
        jp, mp = mt.write(trials, args.json)
        print(f"wrote {jp} and {mp}")
    return 0
