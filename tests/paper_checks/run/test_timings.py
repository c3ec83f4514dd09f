"""Recorded per-claim seconds: the shipped file, an earlier report's, and the schedule they give."""
from __future__ import annotations

import json

import pytest

from paper_checks.registry import select
from paper_checks.run.timings import (
    check_timings,
    expected_seconds,
    known_timings,
    report_timings,
    schedule,
    shipped_timings,
    timings_document,
)


def _report(path, precision, seconds):
    path.write_text(json.dumps({"schema": 1, "precision": precision, "claims": [
        {"id": k, "verdict": "proved", "seconds": v} for k, v in seconds.items()]}))
    return path


@pytest.mark.parametrize("precision", ["quick", "standard"])
def test_the_package_ships_a_time_for_every_catalogue_claim(precision):
    shipped = shipped_timings(precision)
    missing = [c.id for c in select([], []) if c.id not in shipped]
    assert not missing, f"no shipped time at {precision} (python benchmarks/record_timings.py): {missing}"
    assert all(s >= 0 for s in shipped.values())


def test_a_precision_without_a_record_borrows_another():
    assert shipped_timings("full") == shipped_timings("standard")  # full is not recorded: its order is standard's


def test_an_earlier_report_of_the_same_precision_wins(tmp_path):
    p = _report(tmp_path / "r.json", "standard", {"ghosh17.sum_mae": 123.0, "mine.x": 4.0})
    got = known_timings(p, "standard")
    assert got["ghosh17.sum_mae"] == 123.0 and got["mine.x"] == 4.0
    assert len(got) > 2  # the shipped ones fill in the rest
    assert report_timings(p, "quick") == {}  # another precision's seconds are not this run's
    assert known_timings(p, "quick") == shipped_timings("quick")
    assert report_timings(tmp_path / "none.json") == {}


def test_schedule_starts_cheap_claims_then_the_longest():
    keys = ["a", "b", "c", "d", "e", "f"]
    times = {"a": 10.0, "b": 0.5, "c": 3.0, "d": 0.2, "e": 1.0}  # f unknown
    assert schedule(keys, times, lead=2.0) == [3, 1, 4, 5, 0, 2]  # d, b, e (1.7 s), then f, a, c
    assert schedule(keys, times, lead=0.0) == [3, 5, 0, 2, 4, 1]  # at least one cheap claim leads
    assert schedule(["x", "y"], {}) == [0, 1]
    assert sorted(schedule(keys, times)) == list(range(len(keys)))
    with pytest.raises(ValueError, match="lead must be a non-negative number of seconds, got -1"):
        schedule(keys, times, lead=-1)


def test_expected_seconds_fill_unknown_claims_with_the_mean():
    assert expected_seconds(["a", "b", "z"], {"a": 1.0, "b": 3.0}) == [1.0, 3.0, 2.0]
    assert expected_seconds(["z"], {}) == [1.0]


def test_timings_document_round_trips_and_bad_documents_say_why():
    docs = [{"precision": "standard", "claims": [{"id": "b", "seconds": 1.234}, {"id": "a", "seconds": 2}]},
            {"precision": "quick", "claims": [{"id": "a", "seconds": 0.5}]},
            {"precision": "standard", "claims": [{"id": "a", "seconds": 3}]}]
    doc = timings_document(docs)
    assert doc == {"schema": 1, "precisions": {"quick": {"a": 0.5}, "standard": {"a": 3.0, "b": 1.23}}}
    assert check_timings(doc) == doc["precisions"]
    with pytest.raises(ValueError, match="schema 1"):
        check_timings({"schema": 2})
    with pytest.raises(ValueError, match=r"timing of 'a' at 'quick' is not a non-negative number: -1"):
        check_timings({"schema": 1, "precisions": {"quick": {"a": -1}}})
    with pytest.raises(ValueError, match="has seconds nan"):
        timings_document([{"precision": "quick", "claims": [{"id": "a", "seconds": float("nan")}]}])
