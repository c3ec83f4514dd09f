"""Command line: ``python -m paper_checks [run|list|explore] ...`` (DESIGN.md, "The runner")."""
from paper_checks.cli import main

raise SystemExit(main())
