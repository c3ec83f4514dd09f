"""Command line: ``python -m paper_checks [run|list|show|explore] ...`` (docs/design.md, "The runner"); the console
script ``paper-checks`` (pyproject.toml's ``[project.scripts]``) runs the same :func:`main`.

Every command runs under one hash seed, :data:`HASH_SEED`: where Python's is another (random by default), the command
re-executes itself with ``PYTHONHASHSEED`` set before it imports anything heavy. SymPy iterates over sets in hash
order, so the calls it makes for one step, and with them the work the prover counts (:mod:`paper_checks.work`), differ
by up to 2.6 % from one hash seed to another; a decision within that margin took another route (session 22: one case
of 30 refuted by the search with one seed, by z3's candidates with another). With the seed fixed, a claim takes the
same route, and gets the same verdict, on any machine. ``PAPER_CHECKS_HASH_SEED=keep`` runs under the seed the
interpreter has (to measure what the seed moves); the API, in a user's own interpreter, runs under that
interpreter's seed.
"""
import os
import sys
import time

#: the hash seed every command runs under (see the module docstring)
HASH_SEED = "0"
#: the environment variable that keeps the interpreter's own hash seed (its value ``keep``)
KEEP = "PAPER_CHECKS_HASH_SEED"


def fix_hash_seed() -> None:
    """Re-execute this command line under ``PYTHONHASHSEED=`` :data:`HASH_SEED` where Python's hash seed is another
    (on POSIX, where ``exec`` replaces the process; elsewhere the command runs on under its own seed)."""
    if os.environ.get("PYTHONHASHSEED") == HASH_SEED or os.environ.get(KEEP) == "keep" or os.name != "posix":
        return
    argv = list(getattr(sys, "orig_argv", []) or [sys.executable, *sys.argv])
    if not argv or not sys.executable:
        return
    os.execve(sys.executable, argv, {**os.environ, "PYTHONHASHSEED": HASH_SEED})


def main() -> int:
    """The command line's exit status; imports :mod:`paper_checks.cli` only here, so that a command's own time limits
    (explore --prove-seconds) count from before its imports and Ctrl-C while importing prints one line."""
    fix_hash_seed()
    begun = time.monotonic()
    try:
        from paper_checks.cli import main as cli_main
    except KeyboardInterrupt:  # Ctrl-C while importing: one line, as during a run
        print("interrupted", file=sys.stderr)
        return 130
    return cli_main(begun=begun)


if __name__ == "__main__":
    raise SystemExit(main())
