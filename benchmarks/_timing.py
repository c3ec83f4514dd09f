"""Shared pieces of the benchmark scripts: best wall time of repeated runs, and writing a RESULTS.md section."""
from __future__ import annotations

import time
from pathlib import Path
from typing import Callable


def best_of(fn: Callable[[], object], reps: int, sync: Callable[[], None] = lambda: None) -> float:
    """The smallest wall time of ``reps`` calls of ``fn``; ``sync`` waits for a device (CuPy) around each."""
    best = float("inf")
    for _ in range(reps):
        sync()
        t = time.perf_counter()
        fn()
        sync()
        best = min(best, time.perf_counter() - t)
    return best


def write_section(text: str, start: str, end: str) -> Path:
    """Put ``text`` (which begins with ``start`` and ends with ``end``) into ``benchmarks/RESULTS.md``,
    replacing the section between those markers, or appending it; returns the file's path."""
    import re

    path = Path(__file__).with_name("RESULTS.md")
    old = path.read_text()
    if start in old:
        new = re.sub(re.escape(start) + ".*?" + re.escape(end), lambda _m: text, old, flags=re.S)
    else:
        new = old.rstrip("\n") + "\n\n" + text + "\n"
    path.write_text(new)
    return path
