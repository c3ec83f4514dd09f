"""``benchmarks/record_timings.py``: a report of one precision rewrites that precision's seconds for the claims it
ran and keeps every other recorded second."""
import json

from benchmarks.record_timings import main


def test_a_report_of_one_precision_keeps_the_other(tmp_path):
    shipped = tmp_path / "timings.json"
    shipped.write_text(json.dumps({"schema": 1, "precisions": {"quick": {"a.one": 1.0},
                                                               "standard": {"a.one": 2.0, "a.two": 3.0}}}))
    report = tmp_path / "report.json"
    report.write_text(json.dumps({"precision": "standard", "seed": 0, "claims": [
        {"id": "a.one", "verdict": "proved", "seconds": 1.234}]}))
    assert main([str(report), "--to", str(shipped)]) == 0
    out = json.loads(shipped.read_text())["precisions"]
    assert out == {"quick": {"a.one": 1.0}, "standard": {"a.one": 1.23, "a.two": 3.0}}
