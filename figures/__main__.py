"""``python -m figures``: build every figure (PNG by default)."""
from __future__ import annotations

import argparse
import sys
from pathlib import Path


def main(argv: list[str] | None = None) -> int:
    from figures.registry import FORMATS, load

    ap = argparse.ArgumentParser(prog="python -m figures", description="Build the publication figures.")
    ap.add_argument("--format", default="png", choices=FORMATS)
    ap.add_argument("--out", type=Path, default=Path("figures_out"), metavar="DIR")
    ap.add_argument("--only", nargs="+", default=[], metavar="NAME", help="build only these figures")
    ap.add_argument("--precision", default="standard", choices=("quick", "standard", "full"),
                    help="size of the simulations behind the sim figures")
    ap.add_argument("--list", action="store_true", help="list the figures and exit")
    args = ap.parse_args(argv)
    figs = load()
    if args.list:
        print("\n".join(figs))
        return 0
    unknown = [n for n in args.only if n not in figs]
    if unknown:
        print(f"error: unknown figure {unknown[0]!r}; known: {', '.join(figs)}", file=sys.stderr)
        return 2
    from tqdm import tqdm

    names = args.only or list(figs)
    for name in tqdm(names, desc="figures", unit="fig", leave=False):
        path = figs[name](args.out, args.format, args.precision)
        tqdm.write(f"wrote {path}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
