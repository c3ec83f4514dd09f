"""The prover's schedule holds its whole policy (paper_checks.prover.schedule, issue 60 item 4): the closures' order
(tests/paper_checks/prover/closures/test_registry.py) and every share of the work budget, each named where it is
used, none left as a bare constant in another module."""
from __future__ import annotations

import pathlib
import re

import pytest

import paper_checks.prover
from paper_checks.prover import closures, schedule

PROVER = pathlib.Path(paper_checks.prover.__file__).parent
SOURCES = sorted(p for p in PROVER.rglob("*.py") if p.name != "schedule.py")
#: a share asked for by name: by a closure by sub-proofs (subproblem.nested, or partial_min.nested_in_values, which
#: opens it) or by a step (schedule.share)
USE = re.compile(r'nested(?:_in_values)?\("([^"]+)"|schedule\.share\("([^"]+)"\)')


def _used() -> set[str]:
    names = set()
    for path in SOURCES:
        for m in USE.finditer(path.read_text()):
            names.add(m.group(1) or m.group(2))
    names.update(n for path in SOURCES for n in re.findall(r'"((?:first|second) sweep after)"', path.read_text()))
    return names


def test_every_share_is_a_fraction():
    assert all(0 < v <= 1 for v in schedule.SHARES.values()), schedule.SHARES


def test_every_share_named_in_the_prover_is_in_the_schedule_and_every_one_there_is_used():
    """A name with a typo would raise only when its closure runs (and end a proof undecided): found here."""
    used = _used()
    assert used <= set(schedule.SHARES), f"named but not in the schedule: {sorted(used - set(schedule.SHARES))}"
    assert set(schedule.SHARES) <= used, f"in the schedule but never used: {sorted(set(schedule.SHARES) - used)}"


def test_a_closure_s_share_is_named_after_a_registered_closure():
    registered = {m.name for m in closures.methods()}
    nested = {m.group(1) for path in SOURCES for m in USE.finditer(path.read_text()) if m.group(1)}
    assert nested <= registered, sorted(nested - registered)


def test_no_share_is_left_as_a_constant_outside_the_schedule():
    bare = [f"{p.relative_to(PROVER)}: {line}" for p in SOURCES for line in p.read_text().splitlines()
            if re.match(r"[A-Z_]*(SHARE|_AFTER|_SPAN)\b\s*=", line)]
    assert not bare, bare


def test_an_unknown_share_is_refused_in_one_line():
    with pytest.raises(ValueError, match=r"no share named 'NoSuchStep' in the schedule \(shares: search first, "):
        schedule.share("NoSuchStep")


def test_the_boxes_own_bounds_are_closures_of_the_box_stages():
    staged = {n for stage in ("inside", "split", "outside") for n in schedule.order(stage)}
    assert set(schedule.BOX_BASE) <= staged, sorted(set(schedule.BOX_BASE) - staged)
    assert schedule.BOX_RATIO > 0


def test_the_pooled_closures_are_closures_of_the_piece_stage():
    assert schedule.POOLED <= set(schedule.order("piece")), sorted(schedule.POOLED - set(schedule.order("piece")))
    assert 0 < schedule.share("pooled") < 1
