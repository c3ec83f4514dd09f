"""What the papers' figure tests share: the numbers a check reports at quick precision, seed 0."""
from tests.paper_checks._quick import quick_result


def reported_numbers(claim_id: str) -> dict:
    """The ``numbers`` of claim ``claim_id``'s evidence at quick precision, seed 0, from the same stream as its figure:
    the plotted numbers must equal these (to the digits the report rounds to). The session's one quick run of the
    claim (``tests/paper_checks/_quick.py``), shared with the regression suite and the README's test: a figure test
    marked ``xdist_group(claim_id)`` runs on their worker under ``--dist loadgroup`` (.ci/run), so the claim runs once.
    The figure itself computes its data anew (nothing memoised outside ``run --figures``)."""
    res = quick_result(claim_id)
    assert res.evidence is not None, f"{claim_id} raised: {res.error}"
    return res.evidence.to_json()["numbers"]
