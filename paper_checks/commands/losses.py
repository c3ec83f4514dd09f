"""``losses`` and ``loss``: the loss trial's property table, of the zoo, of named zoo losses or of one
SymPy expression."""
from __future__ import annotations

import argparse

from tqdm import tqdm

from paper_checks import loss_trial as lt
from paper_checks.commands.common import UsageError, check_output_file
from paper_checks.commands.margin import margin_command
from theory import losses as zoo


def loss_command(args: argparse.Namespace) -> int:
    if getattr(args, "kind", "simplex") == "margin" or getattr(args, "margin", False):
        return margin_command(args)
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
    timeout = getattr(args, "timeout", lt.DEFAULT_TIMEOUT)
    if timeout is not None and not timeout > 0:
        raise UsageError(f"--timeout must be a positive number of seconds, got {timeout!r}")
    if args.json is not None:
        check_output_file(args.json, "--json")
    trials = []
    for d in tqdm(defs, desc="losses", unit="loss", leave=False, disable=len(defs) < 2):
        trials.append(lt.trial(d, cs, precision=args.precision, timeout=timeout))
    print(lt.markdown_table(trials))
    if args.json is not None:
        jp, mp = lt.write(trials, args.json)
        print(f"wrote {jp} and {mp}")
    return 0
