"""Command line: ``python -m paper_checks [run|list|show|explore] ...`` (docs/design.md, "The runner"); the console
script ``paper-checks`` (pyproject.toml's ``[project.scripts]``) runs the same :func:`main`."""
import sys
import time


def main() -> int:
    """The command line's exit status; imports :mod:`paper_checks.cli` only here, so that a command's own time limits
    (explore --prove-seconds) count from before its imports and Ctrl-C while importing prints one line."""
    begun = time.monotonic()
    try:
        from paper_checks.cli import main as cli_main
    except KeyboardInterrupt:  # Ctrl-C while importing: one line, as during a run
        print("interrupted", file=sys.stderr)
        return 130
    return cli_main(begun=begun)


if __name__ == "__main__":
    raise SystemExit(main())
