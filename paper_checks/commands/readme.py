"""``readme``: rewrite (or check) README.md's findings and verdict table, and docs/verdicts.md's full table,
from a report."""
from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any, Callable

from label_noise_lab.theory.validators import quoted_path
from paper_checks.commands.common import UsageError
from paper_checks.report import readme as rd


def _pages(args: argparse.Namespace) -> list[tuple[Path, Callable[[str, dict[str, Any]], str]]]:
    """The files to rewrite and how: the README, and the verdicts page (``--verdicts-page``, or
    docs/verdicts.md beside the README when that file exists)."""
    pages: list[tuple[Path, Callable[[str, dict[str, Any]], str]]] = [(args.readme, rd.render)]
    page = args.verdicts_page
    if page is None:
        default = args.readme.parent / "docs" / "verdicts.md"
        if default.is_file():
            pages.append((default, rd.render_page))
    else:
        if not page.is_file():
            raise UsageError(f"no verdicts page at {quoted_path(page)} (it needs the lines {rd.PAGE_START} and "
                             f"{rd.PAGE_END})")
        pages.append((page, rd.render_page))
    return pages


def readme(args: argparse.Namespace) -> int:
    pages = _pages(args)
    try:
        doc = rd.load_report(args.report)
        texts = [(path, path.read_text(), render) for path, render in pages]
        changes = [(path, old, render(old, doc)) for path, old, render in texts]
    except FileNotFoundError as exc:
        raise UsageError(f"no README at {quoted_path(Path(exc.filename or args.readme))}") from None
    except ValueError as exc:
        raise UsageError(str(exc)) from None
    names = " and ".join(str(path) for path, _, _ in changes)
    if args.check:
        differ = [str(path) for path, old, new in changes if new != old]
        print(f"{names} match {args.report}" if not differ else f"{' and '.join(differ)} differ from {args.report}")
        return 1 if differ else 0
    for path, old, new in changes:
        if new != old:
            path.write_text(new)
    print(f"rewrote the findings and verdict tables of {names} from {args.report}")
    return 0
