"""Shared fixtures: the array namespaces under test and hypothesis profiles.

``xp`` runs a test once per backend named in ``LNL_TEST_BACKENDS`` (comma separated;
default ``numpy,strict``): ``numpy``; ``strict``, the CuPy stand-in of
:mod:`tests.strict_xp` (no implicit host conversion, no mixing with NumPy arrays, CuPy's
generator methods only, host syncs counted); ``cupy`` where a device exists (skipped
otherwise). Tests marked ``host_only`` (modules that are NumPy by design) run on numpy only.
"""
from __future__ import annotations

import faulthandler
import os
import signal
import sys
from typing import Any

import numpy as np
import pytest
from hypothesis import HealthCheck, settings

from simulate.engine.backend import Backend, cupy_available, namespace_of, to_host
from tests.strict_xp import strict

settings.register_profile("ci", derandomize=True, max_examples=30, deadline=None,
                          suppress_health_check=[HealthCheck.too_slow])
settings.register_profile("dev", max_examples=50, deadline=None)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))

KNOWN_BACKENDS = ("numpy", "strict", "cupy")

#: seconds one test may run before the watchdog prints every thread's stack and ends the run (a hang in CI
#: then fails in minutes, with the place it hung, rather than at CI's own limit); ``LNL_TEST_WATCHDOG``
WATCHDOG_SECONDS = float(os.environ.get("LNL_TEST_WATCHDOG", "900"))


def test_backends() -> list[str]:
    """The backends named by ``LNL_TEST_BACKENDS``; a clear error for an unknown name."""
    names = [n.strip() for n in os.environ.get("LNL_TEST_BACKENDS", "numpy,strict").split(",") if n.strip()]
    bad = [n for n in names if n not in KNOWN_BACKENDS]
    if bad or not names:
        raise pytest.UsageError(f"LNL_TEST_BACKENDS={os.environ.get('LNL_TEST_BACKENDS')!r}: "
                                f"choose from {', '.join(KNOWN_BACKENDS)}")
    return names


test_backends.__test__ = False  # type: ignore[attr-defined]


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "host_only: the code under test is NumPy by design; run on numpy only")
    # pytest-xdist's workers start after this hook, with this environment: they run under the command line's one
    # hash seed (paper_checks/__main__.py), so that a prover test takes the route a user's command takes
    from paper_checks.__main__ import HASH_SEED

    os.environ.setdefault("PYTHONHASHSEED", HASH_SEED)


@pytest.fixture(autouse=True)
def _watchdog_and_timers() -> Any:
    """Every test runs under the watchdog, and leaves no ``SIGALRM`` timer or handler behind.

    A stale ``ITIMER_REAL`` or a blocked ``SIGALRM`` would change every later time limit
    (:func:`paper_checks.deadline.deadline` defers to a stricter outer timer), so a test that leaves one
    fails here, and the timer is disarmed and the signal unblocked.
    """
    faulthandler.dump_traceback_later(WATCHDOG_SECONDS, exit=True, file=sys.__stderr__)
    has_timer = hasattr(signal, "setitimer")
    handler = signal.getsignal(signal.SIGALRM) if has_timer else None
    yield
    faulthandler.cancel_dump_traceback_later()
    if not has_timer:
        return
    left = signal.setitimer(signal.ITIMER_REAL, 0)
    now = signal.signal(signal.SIGALRM, handler)
    blocked = signal.pthread_sigmask(signal.SIG_UNBLOCK, [signal.SIGALRM]) if hasattr(signal, "pthread_sigmask") else ()
    assert left == (0.0, 0.0), f"the test left a SIGALRM timer armed: {left}"
    assert now == handler, f"the test left a SIGALRM handler installed: {now!r}"
    assert signal.SIGALRM not in blocked, "the test left SIGALRM blocked in the main thread"


def backend_named(name: str) -> Backend:
    """The :class:`Backend` for a test backend name (skips ``cupy`` without a device)."""
    if name == "numpy":
        return Backend("numpy", np)
    if name == "strict":
        return Backend("strict", strict)
    if not cupy_available():
        pytest.skip("CuPy with a CUDA device is not available")
    import cupy  # type: ignore[import-not-found]

    return Backend("cupy", cupy)


@pytest.fixture(params=test_backends())
def backend(request: pytest.FixtureRequest) -> Backend:
    """The backend under test (see the module docstring)."""
    if request.param != "numpy" and request.node.get_closest_marker("host_only"):
        pytest.skip("NumPy by design (host_only)")
    return backend_named(request.param)


@pytest.fixture
def xp(backend: Backend) -> Any:
    """The array namespace under test."""
    return backend.xp


def assert_close(actual: Any, expected: Any, xp: Any, *, rtol: float = 1e-12, atol: float = 0.0) -> None:
    """``actual`` is an array of namespace ``xp`` whose values match ``expected`` (any namespace)."""
    assert namespace_of(actual) is xp, f"result is a {namespace_of(actual).__name__} array, expected {xp.__name__}"
    np.testing.assert_allclose(to_host(actual), to_host(expected), rtol=rtol, atol=atol)


@pytest.fixture
def isolated_registry() -> Any:
    """Claims, papers, figures and claims files that a test loads are forgotten after it, so tests
    that compare with "every registered claim" see the package's own."""
    import sys

    from figures.registry import FIGURES
    from figures.registry import load as load_figures
    from paper_checks import registry as rg

    rg.load()
    load_figures()
    saved = (dict(rg.REGISTRY), dict(rg.PAPERS), dict(rg._FILES), dict(FIGURES))
    env = os.environ.get(rg.ENV_VAR)  # --module adds its files to $LNL_CLAIMS for the run's workers
    yield
    if env is None:
        os.environ.pop(rg.ENV_VAR, None)
    else:
        os.environ[rg.ENV_VAR] = env
    for live, old in zip((rg.REGISTRY, rg.PAPERS, rg._FILES, FIGURES), saved):
        for name in set(live) - set(old):
            if live is rg._FILES:
                sys.modules.pop(name, None)
        live.clear()
        live.update(old)


