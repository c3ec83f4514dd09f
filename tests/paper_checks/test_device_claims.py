"""The claims that use the device (``ctx.xp`` / ``ctx.device_rng``) reach their recorded verdicts on
``array_api_strict`` (the array API standard's strict namespace) at quick precision: evidence without a GPU that
they use nothing outside the standard, so ``--backend cupy`` (another namespace of it) would run them."""
from __future__ import annotations

import inspect
import sys
import types

import pytest

from paper_checks.registry import load
from paper_checks.run.runner import run_claim
from tests.conftest import backend_named, test_backends

CLAIMS = load()
DEVICE_BACKENDS = [b for b in test_backends() if b != "numpy"]


def _uses_device(fn: types.FunctionType, seen: set[int] | None = None) -> bool:
    """True when ``fn`` or a function of its module that it calls (transitively) touches the device."""
    seen = set() if seen is None else seen
    if id(fn) in seen:
        return False
    seen.add(id(fn))
    src = inspect.getsource(fn)
    if "ctx.xp" in src or "device_rng" in src:
        return True
    glb = sys.modules[fn.__module__].__dict__
    return any(isinstance(glb.get(n), types.FunctionType) and glb[n].__module__ == fn.__module__
               and _uses_device(glb[n], seen) for n in fn.__code__.co_names)


DEVICE_CLAIMS = [cid for cid, c in CLAIMS.items() if _uses_device(c.check)]


def test_device_claims_are_found():
    assert {"le19.margin_robust", "le19.triplet_robust"} <= set(DEVICE_CLAIMS)


@pytest.mark.slow
@pytest.mark.parametrize("backend_name", DEVICE_BACKENDS)
@pytest.mark.parametrize("claim_id", DEVICE_CLAIMS)
def test_device_claim_verdict_on_backend(claim_id, backend_name):
    claim = CLAIMS[claim_id]
    res = run_claim(claim, "quick", 0, backend_named(backend_name))
    assert res.error is None, f"{claim_id} on {backend_name} raised: {res.error}"
    assert res.evidence.verdict == claim.expected, (f"{claim_id} on {backend_name}: computed {res.evidence.verdict}, "
                                                    f"recorded {claim.expected}: {res.evidence.summary}")
