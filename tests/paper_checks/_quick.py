"""One quick-precision run per claim, shared by the tests of a session (the regression suite and the
README test both need every claim's fresh verdict; running each claim once keeps the suite's time)."""
from functools import lru_cache

from label_noise_lab.simulate.engine.devices import get_backend
from paper_checks.registry import load
from paper_checks.run.runner import Result, run_claim


@lru_cache(maxsize=None)
def quick_result(claim_id: str) -> Result:
    """The claim's result at quick precision, seed 0, NumPy backend (cached for the session)."""
    return run_claim(load()[claim_id], "quick", 0, get_backend("numpy"))
