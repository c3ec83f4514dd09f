"""Command line: ``python -m paper_checks [run|list|show|explore] ...`` (docs/design.md, "The runner")."""
import sys
import time

begun = time.monotonic()  # a command's own time limits (explore --prove-seconds) count from here, imports included
try:
    from paper_checks.cli import main
except KeyboardInterrupt:  # Ctrl-C while importing: one line, as during a run
    print("interrupted", file=sys.stderr)
    raise SystemExit(130) from None

raise SystemExit(main(begun=begun))
