"""What the papers' figure tests share: the numbers a check reports, computed with nothing memoised."""
from paper_checks import figdata
from paper_checks.context import Context
from paper_checks.registry import load


def reported_numbers(claim_id: str, seed: int = 0) -> dict:
    """The ``numbers`` of claim ``claim_id``'s evidence at quick precision, from the same stream as its figure
    (seed ``seed``): the plotted numbers must equal these (to the digits the report rounds to)."""
    figdata.clear()
    ev = load()[claim_id].check(Context(claim_id, precision="quick", seed=seed))
    figdata.clear()
    return ev.to_json()["numbers"]
