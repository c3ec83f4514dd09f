"""Shared fixtures: the array namespace (CuPy skipped cleanly where absent) and hypothesis profiles."""
from __future__ import annotations

import os

import numpy as np
import pytest
from hypothesis import HealthCheck, settings

from simulate.backend import cupy_available

settings.register_profile("ci", derandomize=True, max_examples=30, deadline=None,
                          suppress_health_check=[HealthCheck.too_slow])
settings.register_profile("dev", max_examples=50, deadline=None)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))


@pytest.fixture(params=["numpy", "cupy"])
def xp(request: pytest.FixtureRequest):
    """The array namespace under test; the CuPy case skips without a usable GPU."""
    if request.param == "numpy":
        return np
    if not cupy_available():
        pytest.skip("CuPy with a CUDA device is not available")
    import cupy

    return cupy
