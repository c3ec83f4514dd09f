"""The cores a run may use: standard library only, so that the command line's parser states the default ``--jobs``
without importing the run machinery (:mod:`paper_checks.run.runner` re-exports it)."""
from __future__ import annotations

import os


def default_jobs() -> int:
    """The number of cores this process may run on (its CPU affinity where the OS has one)."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # macOS, Windows
        return max(1, os.cpu_count() or 1)
