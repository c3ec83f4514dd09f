"""``readme``: rewrite (or check) README.md's findings and verdict table from a report."""
from __future__ import annotations

import argparse

from paper_checks.commands.common import UsageError
from paper_checks.report import readme as rd
from theory.validators import quoted_path


def readme(args: argparse.Namespace) -> int:
    try:
        doc = rd.load_report(args.report)
        old = args.readme.read_text()
        new = rd.render(old, doc)
    except FileNotFoundError:
        raise UsageError(f"no README at {quoted_path(args.readme)}") from None
    except ValueError as exc:
        raise UsageError(str(exc)) from None
    if args.check:
        same = new == old
        print(f"{args.readme} {'matches' if same else 'differs from'} {args.report}")
        return 0 if same else 1
    args.readme.write_text(new)
    print(f"rewrote the findings and verdict table of {args.readme} from {args.report}")
    return 0
