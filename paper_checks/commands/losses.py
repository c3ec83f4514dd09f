"""``losses`` and ``loss``: the loss trial's property table, of the zoo, of named zoo losses or of one
formula in ``p`` (read by :mod:`label_noise_lab.theory.expressions`, never evaluated; ``--name`` names it).

Bad input (an unknown loss, a parameter out of range, a formula outside the grammar) is one line
on stderr and exit status 2."""
from __future__ import annotations

import argparse

from tqdm import tqdm

from label_noise_lab.theory import losses as zoo
from label_noise_lab.theory import user_losses
from label_noise_lab.theory.validators import quoted
from paper_checks.commands.arguments import seconds_or_none
from paper_checks.commands.common import UsageError, check_output_file
from paper_checks.commands.margin import margin_command
from paper_checks.trials import simplex as lt
from paper_checks.trials.family import FAMILIES, family_trial, formula_family
from paper_checks.trials.family import markdown as family_markdown


def loss_command(args: argparse.Namespace) -> int:
    if args.command == "loss" and getattr(args, "name", None) is not None:
        _loss_name(args.name)  # checked for every kind
    if getattr(args, "kind", "simplex") == "margin" or getattr(args, "margin", False):
        if getattr(args, "each", None) is not None:
            raise UsageError("--each (a term for every class) is for a loss on the simplex, not a margin loss")
        if getattr(args, "param", None):  # it said only "unknown name 'a'" of the margin's formula
            raise UsageError("--param (a parameter's values, each tried) is for a loss on the simplex, not a margin "
                             "loss (--margin): write the margin loss's parameters as numbers in EXPR, or trial a zoo "
                             "family over its parameters with 'losses --kind margin --loss barrier_hinge'")
        return margin_command(args)
    families: list[str] = []
    timeout = seconds_or_none(getattr(args, "timeout", lt.DEFAULT_TIMEOUT))  # parsed once (commands/arguments.py)
    try:
        cs = lt.parse_classes(args.classes)
        if args.command == "loss" and getattr(args, "param", None):
            fam = formula_family(args.expr, args.param, cs, precision=args.precision,
                                 timeout=timeout, name=getattr(args, "name", None),
                                 each=getattr(args, "each", None))
            print(family_markdown(fam))
            if args.json is not None:
                check_output_file(args.json, "--json")
                jp, mp = lt.write(fam.trials, args.json, [fam])
                print(f"wrote {jp} and {mp}")
            return 0
        if args.command == "loss":
            # a zoo name first, then a formula in p (with --each, a loss of the whole prediction)
            defs = [user_losses.loss(args.expr, getattr(args, "name", None), getattr(args, "each", None))]
        elif args.list:
            for name, entry in zoo.ZOO.items():
                fam = FAMILIES.get(name)
                print(f"{name:<10} {entry.signature():<30} {entry.cite}"
                      + (f"  [family trial over {fam.param}: losses --loss {name}]" if fam else ""))
            return 0
        else:
            families = [s.strip() for s in args.loss if s.strip() in FAMILIES]  # a family named without parameters
            defs = [zoo.parse_spec(s) for s in args.loss if s.strip() not in FAMILIES]
            if not defs and not families:
                defs = zoo.default_losses()
    except (ValueError, TypeError) as exc:
        raise UsageError(str(exc)) from None
    if args.json is not None:
        check_output_file(args.json, "--json")
    trials, fams = [], []
    for d in tqdm(defs, desc="losses", unit="loss", leave=False, disable=len(defs) < 2):
        trials.append(lt.trial(d, cs, precision=args.precision, timeout=timeout))
    if trials:
        print(lt.markdown_table(trials))
    for name in families:
        ft = family_trial(name, cs, precision=args.precision, timeout=timeout)
        print("\n" + family_markdown(ft))
        trials += ft.trials
        fams.append(ft)
    if args.json is not None:
        jp, mp = lt.write(trials, args.json, fams)  # the whole-family cells too, not on stdout only
        print(f"wrote {jp} and {mp}")
    return 0


def _loss_name(name: str | None) -> str:
    """``--name``: a short name of letters, digits, ``_ - . +``; a usage error otherwise."""
    if name is None:
        return "user"
    if not (0 < len(name) <= 40 and all(ch.isalnum() or ch in "_-.+" for ch in name)):
        raise UsageError(f"--name must be 1 to 40 letters, digits or _-.+ characters, got {quoted(name)}")
    return name
